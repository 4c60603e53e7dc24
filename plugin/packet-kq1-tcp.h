/* packet-kq1-tcp.h
 * Kq-1 over TCP (Q.4162 Appendix I): registered by packet-kq1.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_KQ1_TCP_H
#define PACKET_KQ1_TCP_H

#include <epan/prefs.h>

void kq1_tcp_register(int proto, module_t *module);
void kq1_tcp_handoff(void);

#endif /* PACKET_KQ1_TCP_H */
