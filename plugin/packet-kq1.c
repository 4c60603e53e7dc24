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
 *   packet-kq1-http.c   Appendix II: ETSI GS QKD 014 messages found in HTTP
 *   kq1-view.c          one message as fields, Info, expert infos, links and tap
 *   kq1-view-qkd014.c   the same for ETSI GS QKD 014's messages
 *   kq1-analysis.c      capture-long state: requests and responses, key IDs
 *   kq1-stats.c         Statistics: the stats tree and the key ledger
 *   core/               the Recommendation's tables and the payload checker (GLib only)
 * What the Recommendation leaves open (byte order, port, member names) is
 * decided in the project's design notes (docs/design.md) and README.
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
#include "kq1-transport.h"
#include "kq1-view.h"

void proto_register_kq1(void);
void proto_reg_handoff_kq1(void);

/* Postdissector, one for every frame (each costs every packet of every
 * capture): what Kq-1 learns of frames no Kq-1 dissector was handed. */
static int
dissect_every_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (!PINFO_FD_VISITED(pinfo)) {
        kq1_transport_read_decrypted(pinfo);
        return 0;
    }
    return kq1_tcp_decode_unfinished(tvb, pinfo, tree);
}

static int proto_kq1 = -1;
static int proto_qkd014 = -1;

void
proto_register_kq1(void)
{
    module_t *kq1_module;

    proto_kq1 = proto_register_protocol("Kq-1 interface of QKD networks (ITU-T Q.4162)", "Kq-1", "kq1");
    proto_qkd014 = proto_register_protocol("ETSI GS QKD 014 key delivery (beside Kq-1)", "QKD 014", "qkd014");
    kq1_module = prefs_register_protocol(proto_kq1, kq1_transport_apply_preferences);

    kq1_tcp_register(proto_kq1, kq1_module);
    kq1_view_register(proto_kq1, proto_qkd014, kq1_module);
    /* Protocols in name only under Kq-1: enabled with it, and Wireshark
     * keeps no layer record for them, which every packet would cost. */
    register_postdissector(create_dissector_handle(dissect_every_frame,
                                                   proto_register_protocol_in_name_only(
                                                       "Kq-1 on every frame", "Kq-1 frames", "kq1.frames",
                                                       proto_kq1, FT_PROTOCOL)));
    kq1_transport_register(proto_kq1,
                           proto_register_protocol_in_name_only("Kq-1 transport security", "Kq-1 transport",
                                                                "kq1.transport", proto_kq1, FT_PROTOCOL),
                           kq1_module);
    kq1_analysis_register(proto_kq1);
    kq1_http_register(proto_qkd014);
    kq1_stats_register_ledger();
    kq1_stats_register_links();
    kq1_stats_register_response_times(proto_kq1);
    kq1_stats_register_conversations(proto_kq1);
}

void
proto_reg_handoff_kq1(void)
{
    kq1_view_handoff();
    kq1_tcp_handoff();
    kq1_http_handoff();
    kq1_transport_handoff();
}
