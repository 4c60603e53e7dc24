/* kq1-view.h
 * The Kq-1 message view: what a user sees of one message, whichever
 * transport carried it (packet-kq1-tcp.c for Appendix I, packet-kq1-http.c
 * for Appendix II). It owns the kq1.* fields, subtrees and expert infos, the
 * preferences that change how a message reads, and the "kq1" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_VIEW_H
#define KQ1_VIEW_H

#include <epan/packet.h>
#include <epan/prefs.h>

#include "kq1-compat.h"

#include "kq1-analysis.h"
#include "kq1-payload.h"
#include "kq1-tap.h"

/* What the transport knows about one Appendix I message that its view needs. */
typedef struct {
    unsigned encoding;              /* of the header: ENC_BIG_ENDIAN or ENC_LITTLE_ENDIAN */
    kq1_conversation_t *conversation;
    int direction;                  /* index into kq1_conversation_t arrays */
    bool never_completed;           /* the capture holds only the start of this message */
} kq1_pdu_context_t;

/* Called from proto_register_kq1 and proto_reg_handoff_kq1. */
void kq1_view_register(int proto, module_t *module);
void kq1_view_handoff(void);

/* One Appendix I message (10-byte header and payload) in tvb; ctx may be
 * NULL when nothing is known of its conversation. */
int kq1_view_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_pdu_context_t *ctx);

/* An Appendix II message: the Kq-1 item over tvb, named by text, and its subtree. */
proto_tree *kq1_view_add_tree(proto_tree *tree, tvbuff_t *tvb, const char *text);

/* The payload checker with the user's member names, over the bytes of tvb.
 * The result belongs to pinfo->pool: it is freed with the packet's memory,
 * also when an exception ends the dissection early. */
kq1_payload_t *kq1_view_check(packet_info *pinfo, const kq1_message_info_t *msg, tvbuff_t *tvb);

/* Parameters, keys (key_links: per key, what earlier supplies of its ID
 * make of it; may be NULL) and findings of a checked payload. */
void kq1_add_checked_payload(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                             const kq1_payload_t *payload, const kq1_key_link_t *key_links, unsigned n_links);

void kq1_add_integer(proto_tree *tree, tvbuff_t *tvb, int offset, int length, kq1_param_t param, int64_t value);
void kq1_add_string(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                    kq1_param_t param, const char *value);
void kq1_add_wrong_type(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                        const char *text);

/* kq1.response_in (to_request false) or kq1.response_to and, with a delta,
 * kq1.response_time. */
void kq1_add_link(proto_tree *tree, tvbuff_t *tvb, bool to_request, uint32_t frame, const nstime_t *delta);

/* A Response's verdict as kq1.response_ok, and a failure as
 * kq1.failure_response quoting the response and why it is one; an unknown
 * verdict adds nothing. Returns verdict. */
kq1_verdict_t kq1_add_verdict(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                              const kq1_message_info_t *msg, const char *response, kq1_verdict_t verdict,
                              const char *why);

/* A Response to key request against its Key request: how many keys (with no
 * Number of keys in the request: 1 where default_rule, a stated default,
 * is given; else preference kq1.default_number_of_keys), and how large. */
void kq1_check_against_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                               const kq1_payload_t *payload, const kq1_transaction_t *request,
                               kq1_verdict_t verdict, const char *default_rule);

void kq1_queue_tap(packet_info *pinfo, kq1_tap_info_t *info);

/* Text from a packet for the Info column, item text or an expert info:
 * control characters escaped, invalid UTF-8 shown as escapes. */
const char *kq1_escaped(packet_info *pinfo, const char *text);

#endif /* KQ1_VIEW_H */
