/* kq1-view-parts.h
 * What the two files of the message view share: kq1-view.c (the kq1.*
 * fields and Appendix I messages) and kq1-view-qkd014.c (Appendix II).
 * No transport includes it: they hand messages over through kq1-view.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_VIEW_PARTS_H
#define KQ1_VIEW_PARTS_H

#include <epan/packet.h>
#include <epan/prefs.h>

#include "kq1-compat.h"

#include "kq1-analysis.h"
#include "kq1-payload.h"
#include "kq1-tap.h"
#include "kq1-timestamp.h"

/* Registers the qkd014.* fields, subtrees and expert infos. */
void kq1_view_qkd014_register(int proto_qkd014);

/* --- kq1-view-keys.c: what the capture makes of each key --------------- */

/* Registers the key audit's kq1.* fields, expert infos and preferences.
 * A brief reading gives all of them. */
void kq1_view_keys_register(int proto_kq1, module_t *module);

/* After a Key ID: an earlier supply it reuses, its other half and whether
 * the two agree, the same bits under another key ID, a half missing at the
 * other end (links: the analysis'). params: the object holding the key. */
void kq1_view_add_key_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                            const char *key_id, const kq1_params_t *params, const kq1_key_links_t *links);

/* After a Generation time stamp: the time it gives and the key's age, and
 * an age past the limits the preferences set. */
void kq1_view_add_key_age(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                          const char *text);

/* The time a Generation time stamp gives and the key's age at this frame;
 * false when it is no time in the format the preference assumes. */
bool kq1_view_key_age(packet_info *pinfo, const char *text, nstime_t *generated, nstime_t *age,
                      kq1_time_read_t *read);

/* How much of a payload this dissection reads: briefly when it wants
 * nothing but what a brief reading gives. The one place that chooses. */
kq1_reading_t kq1_view_reading(proto_tree *tree);

/* The payload checker with the user's member names and assumptions, over
 * the bytes of tvb. The result is freed with the packet's memory, also
 * when an exception ends the dissection early. */
kq1_payload_t *kq1_view_read(packet_info *pinfo, const kq1_message_info_t *msg, tvbuff_t *tvb,
                             kq1_reading_t reading);

/* The index of the next message of this frame, the same on every pass, by
 * which the analysis finds its own again. */
unsigned kq1_view_next_pdu(packet_info *pinfo);

/* The Kq-1 item over tvb, named by text, and its subtree. */
proto_tree *kq1_view_add_tree(proto_tree *tree, tvbuff_t *tvb, const char *text);

/* Parameters, keys (key_links: per key, what earlier supplies of its ID
 * make of it; may be NULL) and findings of a payload read from json_tvb. */
void kq1_view_add_payload(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_payload_t *payload,
                          const kq1_key_links_t *key_links, unsigned n_links);

/* The findings of a payload read from payload_tvb, as expert infos. */
void kq1_view_add_findings(proto_tree *tree, packet_info *pinfo, tvbuff_t *payload_tvb, const kq1_payload_t *payload);

/* The field an ETSI GS QKD 014 member is shown with (an FT_STRING, or an
 * FT_INT64 for an integer), at registration. */
void kq1_view_param_field(kq1_param_t param, int *hf);

/* A parameter found outside a payload (an ETSI GS QKD 014 query or status code). */
void kq1_view_add_integer(proto_tree *tree, tvbuff_t *tvb, int offset, int length, kq1_param_t param, int64_t value);
void kq1_view_add_string(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                         kq1_param_t param, const char *value);
void kq1_view_add_wrong_type(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                             const char *text);

/* A Response's verdict as kq1.response_ok, and a failure as
 * kq1.failure_response quoting the response and why it is one; an unknown
 * verdict adds nothing. Returns verdict. */
kq1_verdict_t kq1_view_add_verdict(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                                   const char *message, const char *response, kq1_verdict_t verdict,
                                   const char *why);

/* The request/response links of Wireshark's usual kind (kq1.response_in,
 * kq1.response_to, kq1.response_time), and what is unanswered or answers
 * nothing; the response time goes into tap. */
void kq1_view_add_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_message_t *message,
                        const kq1_payload_t *payload, const kq1_analysis_t *analysis, kq1_tap_info_t *tap);

/* A Response to key request against its Key request: how many keys (with no
 * Number of keys in the request: 1 where default_rule, a stated default,
 * is given; else preference kq1.default_number_of_keys), and how large. */
void kq1_view_check_against_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                                    const kq1_payload_t *payload, const kq1_transaction_t *request,
                                    kq1_verdict_t verdict, const char *default_rule);

/* The tap record of one message (payload and analysis may be NULL), built
 * in full only when a listener will read it; queued once the message is
 * shown. */
kq1_tap_info_t *kq1_view_tap_info(packet_info *pinfo, uint16_t code, uint32_t message_id,
                                  const kq1_payload_t *payload, const kq1_analysis_t *analysis);
void kq1_view_queue_tap(packet_info *pinfo, kq1_tap_info_t *tap);

/* Whether anything asks for the two parties of a message (a tap listener,
 * or a filter on kq1.party); and they, in the tap record and as hidden
 * kq1.party items: module (or SAE) and km (or KME), in pinfo->pool. */
bool kq1_view_wants_parties(proto_tree *tree);
void kq1_view_add_parties(proto_tree *tree, tvbuff_t *tvb, kq1_tap_info_t *tap, const char *module,
                          const char *km, bool from_module);

/* Text from a packet for the Info column, item text or an expert info:
 * control characters escaped, invalid UTF-8 shown as escapes. */
const char *kq1_escaped(packet_info *pinfo, const char *text);

#endif /* KQ1_VIEW_PARTS_H */
