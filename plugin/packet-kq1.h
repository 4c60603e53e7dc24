/* packet-kq1.h
 * What the Kq-1 dissector lends its other transports (ETSI GS QKD 014 over
 * HTTP, kq1-qkd014.c): the same fields, checks and expert infos.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_KQ1_H
#define PACKET_KQ1_H

#include <epan/packet.h>

#include "kq1-compat.h"

#include "kq1-analysis.h"
#include "kq1-payload.h"
#include "kq1-tap.h"

int kq1_protocol(void);
int kq1_ett(void);

/* The payload checker with the user's member names. */
kq1_payload_t *kq1_check(const kq1_message_info_t *msg, const uint8_t *data, gsize len);

/* Parameters, keys (key_first_frame: per key, where its ID was supplied
 * before; may be NULL) and findings of a checked payload. */
void kq1_add_checked_payload(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                             const kq1_payload_t *payload, const uint32_t *key_first_frame, unsigned n_first);

void kq1_add_integer(proto_tree *tree, tvbuff_t *tvb, int offset, int length, kq1_param_t param, int64_t value);
void kq1_add_string(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                    kq1_param_t param, const char *value);
void kq1_add_wrong_type(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                        const char *text);
void kq1_add_key_id_unknown(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                            const char *key_id);

/* kq1.response_in (to_request false) or kq1.response_to and, with a delta,
 * kq1.response_time. */
void kq1_add_link(proto_tree *tree, tvbuff_t *tvb, bool to_request, uint32_t frame, const nstime_t *delta);

/* kq1.response_ok, and kq1.failure_response quoting the response and the
 * reason given with it (may be NULL). */
kq1_verdict_t kq1_judge_response(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                                 const kq1_message_info_t *msg, const char *response, const char *reason);

/* kq1.wrong_key_count and kq1.wrong_key_size of a Response to key request. */
void kq1_check_against_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                               const kq1_payload_t *payload, const kq1_transaction_t *request,
                               kq1_verdict_t verdict);

void kq1_queue_tap(packet_info *pinfo, kq1_tap_info_t *info);

/* Called from proto_register_kq1 and proto_reg_handoff_kq1. */
void kq1_qkd014_register(void);
void kq1_qkd014_handoff(void);

#endif /* PACKET_KQ1_H */
