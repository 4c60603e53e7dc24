/* packet-kq1-http.h
 * Kq-1 as ETSI GS QKD 014 over HTTP (Q.4162 Appendix II): registered by
 * packet-kq1.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_KQ1_HTTP_H
#define PACKET_KQ1_HTTP_H

void kq1_http_register(int proto_qkd014);
void kq1_http_handoff(void);

#endif /* PACKET_KQ1_HTTP_H */
