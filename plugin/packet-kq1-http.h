/* packet-kq1-http.h
 * Kq-1 as ETSI GS QKD 014 over HTTP (Q.4162 Appendix II): registered by
 * packet-kq1.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_KQ1_HTTP_H
#define PACKET_KQ1_HTTP_H

#include <epan/packet.h>

void kq1_http_register(void);
void kq1_http_handoff(void);

/* The QKD 014 message of a frame HTTP took part in, once the frame is dissected. */
void kq1_http_after_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

#endif /* PACKET_KQ1_HTTP_H */
