/* packet-kq1.c
 * Dissector for the Kq-1 interface of quantum key distribution networks:
 * a QKD module hands the keys it generates to its Key Manager (KM).
 *
 * ITU-T Q.4162 (12/2023), "Quantum key distribution networks - Protocols
 * for the Kq-1 interface": https://www.itu.int/rec/T-REC-Q.4162
 *
 * This file registers the protocol and its preferences and wires the parts
 * together (the README has a map):
 *   packet-kq1-tcp.c    Appendix I: Kq-1 over TCP (framing, heuristic, TLS, byte order)
 *   packet-kq1-http.c   Appendix II: Kq-1 as ETSI GS QKD 014 over HTTP
 *   kq1-view.c          one message as fields, Info, expert infos, links and tap
 *   kq1-analysis.c      capture-long state: requests and responses, key IDs
 *   kq1-stats.c         Statistics: the stats tree and the key ledger
 *   core/               the Recommendation's tables and the payload checker (GLib only)
 * What the Recommendation leaves open (byte order, port, member names) is
 * decided in the project's DESIGN.md and README.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/prefs.h>

#include "packet-kq1-http.h"
#include "packet-kq1-tcp.h"
#include "kq1-analysis.h"
#include "kq1-tap.h"
#include "kq1-view.h"

void proto_register_kq1(void);
void proto_reg_handoff_kq1(void);

static int proto_kq1 = -1;
static protocol_t *kq1_protocol;

/* What the transports look at once a frame is dissected: a message that
 * never completed, and a QKD 014 message in HTTP. One postdissector for
 * both, on a handle of no protocol: Wireshark then keeps no layer record
 * for it, which a postdissector would otherwise cost every packet of every
 * capture. Whether each protocol is enabled is checked here and by the
 * transport. */
static int
dissect_kq1_after_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (proto_is_protocol_enabled(kq1_protocol))
        kq1_tcp_after_frame(tvb, pinfo, tree);
    kq1_http_after_frame(tvb, pinfo, tree);
    return 0;
}

void
proto_register_kq1(void)
{
    module_t *kq1_module;

    proto_kq1 = proto_register_protocol("Kq-1 interface of QKD networks (ITU-T Q.4162)", "Kq-1", "kq1");
    kq1_module = prefs_register_protocol(proto_kq1, NULL);

    kq1_tcp_register(proto_kq1, kq1_module);
    kq1_view_register(proto_kq1, kq1_module);
    kq1_analysis_register(proto_kq1);
    kq1_http_register();
    kq1_stats_register_ledger();
}

void
proto_reg_handoff_kq1(void)
{
    kq1_view_handoff();
    kq1_tcp_handoff();
    kq1_http_handoff();
    kq1_protocol = find_protocol_by_id(proto_kq1);
    register_postdissector(create_dissector_handle_with_name_and_description(dissect_kq1_after_frame, -1,
                                                                             "kq1_after_frame",
                                                                             "Kq-1 after the frame"));
}
