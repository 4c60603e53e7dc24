/* packet-kq1-tcp.h
 * Kq-1 over TCP (Q.4162 Appendix I): registered by packet-kq1.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_KQ1_TCP_H
#define PACKET_KQ1_TCP_H

#include <epan/packet.h>
#include <epan/prefs.h>

void kq1_tcp_register(int proto, module_t *module);
void kq1_tcp_handoff(void);

/* For the postdissector, on each frame once the first pass is over: the
 * start of a message in it that no later segment completed, decoded. */
int kq1_tcp_decode_unfinished(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

#endif /* PACKET_KQ1_TCP_H */
