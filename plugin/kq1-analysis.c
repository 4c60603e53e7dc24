/* kq1-analysis.c
 * Request/response links and key ID reuse across a capture.
 *
 * Key supply and Response to key supply are matched by Key ID within a TCP
 * conversation; Key request and Response to key request by MessageID where
 * the response repeats the request's, otherwise the oldest unanswered
 * request is taken. A key ID supplied again (by a Key supply or in the Keys
 * of a Response to key request), in any conversation, is a reuse, unless it
 * is the same message seen again (a TCP retransmission).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kq1-analysis.h"

#include <epan/proto_data.h>

/* Where a key ID was supplied first: enough to tell a retransmission of that
 * message from a new supply of the same ID. */
typedef struct {
    guint32             frame;
    kq1_conversation_t *conversation;
    guint32             message_id;
    guint               element;
} key_origin_t;

static int proto_kq1_analysis = -1;
static wmem_map_t *key_origins;   /* key ID -> key_origin_t, for the whole capture */

void
kq1_analysis_register(int proto)
{
    proto_kq1_analysis = proto;
    key_origins = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
}

kq1_conversation_t *
kq1_conversation_new(void)
{
    kq1_conversation_t *conversation = wmem_new0(wmem_file_scope(), kq1_conversation_t);

    conversation->supplies = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    conversation->requests = wmem_list_new(wmem_file_scope());
    return conversation;
}

static kq1_transaction_t *
new_transaction(packet_info *pinfo, guint32 message_id)
{
    kq1_transaction_t *transaction = wmem_new0(wmem_file_scope(), kq1_transaction_t);

    transaction->request_frame = pinfo->num;
    transaction->request_time = pinfo->abs_ts;
    transaction->request_message_id = message_id;
    return transaction;
}

/* 0 if this is the first supply of key_id, else the frame of the first. */
static guint32
note_key_supply(packet_info *pinfo, kq1_conversation_t *conversation, guint32 message_id,
                guint element, const char *key_id)
{
    key_origin_t *origin = (key_origin_t *)wmem_map_lookup(key_origins, key_id);

    if (origin == NULL) {
        origin = wmem_new(wmem_file_scope(), key_origin_t);
        origin->frame = pinfo->num;
        origin->conversation = conversation;
        origin->message_id = message_id;
        origin->element = element;
        wmem_map_insert(key_origins, wmem_strdup(wmem_file_scope(), key_id), origin);
        return 0;
    }
    if (origin->conversation == conversation && origin->message_id == message_id
        && origin->element == element)
        return 0;   /* the same message again: a retransmission */
    return origin->frame;
}

/* The Key request a Response to key request answers: the unanswered one with
 * the response's MessageID, else the oldest unanswered. Taken off the queue. */
static kq1_transaction_t *
answered_request(kq1_conversation_t *conversation, guint32 message_id)
{
    wmem_list_frame_t *found = NULL;
    kq1_transaction_t *transaction;

    for (wmem_list_frame_t *f = wmem_list_head(conversation->requests); f != NULL;
         f = wmem_list_frame_next(f)) {
        if (((kq1_transaction_t *)wmem_list_frame_data(f))->request_message_id == message_id) {
            found = f;
            break;
        }
    }
    if (found == NULL)
        found = wmem_list_head(conversation->requests);
    if (found == NULL)
        return NULL;
    transaction = (kq1_transaction_t *)wmem_list_frame_data(found);
    wmem_list_remove_frame(conversation->requests, found);
    return transaction;
}

static void
analyse_first_pass(packet_info *pinfo, kq1_conversation_t *conversation, guint16 code,
                   guint32 message_id, const kq1_payload_t *payload, kq1_pdu_analysis_t *analysis)
{
    const char *key_id = kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID);
    kq1_transaction_t *transaction;

    switch (code) {
    case 0x3101:    /* Key supply */
        if (key_id == NULL)
            break;
        transaction = new_transaction(pinfo, message_id);
        wmem_map_insert(conversation->supplies, wmem_strdup(wmem_file_scope(), key_id), transaction);
        analysis->transaction = transaction;
        analysis->is_request = TRUE;
        analysis->n_keys = 1;
        analysis->key_first_frame = wmem_new0(wmem_file_scope(), guint32);
        analysis->key_first_frame[0] = note_key_supply(pinfo, conversation, message_id, 0, key_id);
        break;
    case 0x1302:    /* Response to key supply */
        if (key_id == NULL)
            break;
        transaction = (kq1_transaction_t *)wmem_map_remove(conversation->supplies, key_id);
        if (transaction != NULL) {
            transaction->response_frame = pinfo->num;
            analysis->transaction = transaction;
        }
        break;
    case 0x1303:    /* Key request */
        transaction = new_transaction(pinfo, message_id);
        transaction->has_number = kq1_params_integer(&payload->top, KQ1_PARAM_NUMBER_OF_KEYS,
                                                     &transaction->number);
        transaction->has_size = kq1_params_integer(&payload->top, KQ1_PARAM_SIZE_OF_KEY,
                                                   &transaction->size);
        wmem_list_append(conversation->requests, transaction);
        analysis->transaction = transaction;
        analysis->is_request = TRUE;
        break;
    case 0x3104:    /* Response to key request */
        transaction = answered_request(conversation, message_id);
        if (transaction != NULL) {
            transaction->response_frame = pinfo->num;
            analysis->transaction = transaction;
        }
        analysis->n_keys = payload->keys->len;
        analysis->key_first_frame = wmem_alloc0_array(wmem_file_scope(), guint32, payload->keys->len);
        for (guint i = 0; i < payload->keys->len; i++) {
            const char *id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i),
                                               KQ1_PARAM_KEY_ID);
            if (id != NULL)
                analysis->key_first_frame[i] = note_key_supply(pinfo, conversation, message_id, i, id);
        }
        break;
    default:
        break;
    }
}

const kq1_pdu_analysis_t *
kq1_analyse_pdu(packet_info *pinfo, kq1_conversation_t *conversation, guint pdu_index,
                guint16 code, guint32 message_id, const kq1_payload_t *payload)
{
    /* Key 0 of the frame's proto data is the framing's; PDUs start at 1. */
    guint32 key = pdu_index + 1;
    kq1_pdu_analysis_t *analysis;

    analysis = (kq1_pdu_analysis_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1_analysis, key);
    if (analysis != NULL || PINFO_FD_VISITED(pinfo))
        return analysis;
    analysis = wmem_new0(wmem_file_scope(), kq1_pdu_analysis_t);
    analyse_first_pass(pinfo, conversation, code, message_id, payload, analysis);
    p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1_analysis, key, analysis);
    return analysis;
}
