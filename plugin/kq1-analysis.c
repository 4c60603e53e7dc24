/* kq1-analysis.c
 * Request/response links and key ID reuse across a capture.
 *
 * Key supply and Response to key supply are matched by Key ID within a TCP
 * conversation; Key request and Response to key request by MessageID where
 * the response repeats the request's, otherwise the oldest unanswered
 * request is taken. A key ID supplied again (by a Key supply or in the Keys
 * of a Response to key request), in any conversation, is a reuse, unless it
 * is the same message seen again (a TCP retransmission, which reaches Kq-1
 * when TCP's sequence analysis is off): a message with the MessageID of the
 * one before it, in the same conversation, is taken for that message again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/to_str.h>
#include <epan/proto_data.h>

#include "kq1-analysis.h"

/* One supply of a key ID: enough to tell a retransmission of that message,
 * a second supply by the same QKD module or to the same KM (a reuse) and
 * the other half of the key's pair (the same key ID at the matching
 * module's KM). */
typedef struct key_origin {
    uint32_t            frame;
    kq1_conversation_t *conversation;
    uint32_t            message_id;
    unsigned            element;
    const char         *module;     /* who supplied it: its QKD module ID, else its endpoint */
    const char         *km;         /* who it was supplied to: the KM's endpoint */
    struct key_origin  *next;       /* the next supply of the same key ID */
} key_origin_t;

static int proto_kq1_analysis = -1;
static wmem_map_t *key_origins;   /* key ID -> its first key_origin_t, for the whole capture */
static wmem_map_t *identities;    /* the capture's one copy of each module and KM identity */

void
kq1_analysis_register(int proto)
{
    proto_kq1_analysis = proto;
    key_origins = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    identities = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
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
new_transaction(packet_info *pinfo, uint32_t message_id)
{
    kq1_transaction_t *transaction = wmem_new0(wmem_file_scope(), kq1_transaction_t);

    transaction->request_frame = pinfo->num;
    transaction->request_time = pinfo->abs_ts;
    transaction->request_message_id = message_id;
    return transaction;
}

/* The capture's one copy of a key ID (its first supply, or NULL when new). */
static const char *
intern_key_id(const char *key_id, key_origin_t **first)
{
    gpointer stored_key, stored_origin;

    if (wmem_map_lookup_extended(key_origins, key_id, (const void **)&stored_key, &stored_origin)) {
        *first = (key_origin_t *)stored_origin;
        return (const char *)stored_key;
    }
    *first = NULL;
    stored_key = wmem_strdup(wmem_file_scope(), key_id);
    wmem_map_insert(key_origins, stored_key, NULL);
    return (const char *)stored_key;
}

/* The capture's one copy of a module or KM identity. */
static const char *
intern_identity(char *identity)
{
    const char *stored = (const char *)wmem_map_lookup(identities, identity);

    if (stored == NULL) {
        stored = wmem_strdup(wmem_file_scope(), identity);
        wmem_map_insert(identities, (void *)stored, (void *)stored);
    }
    return stored;
}

/* "address:port" of one end of this packet. */
static char *
endpoint(packet_info *pinfo, bool source)
{
    return wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, source ? &pinfo->src : &pinfo->dst),
                              source ? pinfo->srcport : pinfo->destport);
}

kq1_key_link_t
kq1_note_key_supply(packet_info *pinfo, kq1_conversation_t *conversation, uint32_t message_id,
                    unsigned element, const char *key_id, const char *module_id)
{
    kq1_key_link_t link = { 0, 0 };
    key_origin_t *first, *origin, *last = NULL;
    const char *stored = intern_key_id(key_id, &first);
    const char *module = intern_identity(module_id != NULL ? wmem_strdup_printf(pinfo->pool, "id:%s", module_id)
                                                           : endpoint(pinfo, true));
    const char *km = intern_identity(endpoint(pinfo, false));

    for (origin = first; origin != NULL; origin = origin->next) {
        if (conversation != NULL && origin->conversation == conversation && origin->message_id == message_id
            && origin->element == element)
            return link;    /* the same message again: a retransmission */
        if (link.reused_from == 0 && (origin->module == module || origin->km == km))
            link.reused_from = origin->frame;
        last = origin;
    }
    if (first != NULL && link.reused_from == 0)
        link.pair_partner = first->frame;
    origin = wmem_new(wmem_file_scope(), key_origin_t);
    origin->frame = pinfo->num;
    origin->conversation = conversation;
    origin->message_id = message_id;
    origin->element = element;
    origin->module = module;
    origin->km = km;
    origin->next = NULL;
    if (last != NULL)
        last->next = origin;
    else
        wmem_map_insert(key_origins, (void *)stored, origin);
    return link;
}

void
kq1_note_roles(packet_info *pinfo, kq1_conversation_t *conversation, uint8_t direction)
{
    if (PINFO_FD_VISITED(pinfo) || conversation->roles_frame != 0 || pinfo->srcport == pinfo->destport)
        return;
    if (direction == KQ1_DIR_QKD_TO_KM)
        conversation->server_port = pinfo->destport;
    else if (direction == KQ1_DIR_KM_TO_QKD)
        conversation->server_port = pinfo->srcport;
    else
        return;
    conversation->roles_frame = pinfo->num;
}

bool
kq1_key_id_seen(const char *key_id)
{
    return wmem_map_lookup(key_origins, key_id) != NULL;
}

/* The queue element of the unanswered Key request with this MessageID, or NULL. */
static wmem_list_frame_t *
find_request_frame(kq1_conversation_t *conversation, uint32_t message_id)
{
    for (wmem_list_frame_t *f = wmem_list_head(conversation->requests); f != NULL;
         f = wmem_list_frame_next(f)) {
        if (((kq1_transaction_t *)wmem_list_frame_data(f))->request_message_id == message_id)
            return f;
    }
    return NULL;
}

/* true when request is the last unanswered Key request seen again: same
 * MessageID, same parameters. */
static bool
is_repeat_of_last_request(kq1_conversation_t *conversation, const kq1_transaction_t *request)
{
    wmem_list_frame_t *tail = wmem_list_tail(conversation->requests);
    const kq1_transaction_t *last;

    if (tail == NULL)
        return false;
    last = (const kq1_transaction_t *)wmem_list_frame_data(tail);
    return last->request_message_id == request->request_message_id
           && last->has_number == request->has_number && last->number == request->number
           && last->has_size == request->has_size && last->size == request->size;
}

/* The Key request a Response to key request answers: the unanswered one with
 * the response's MessageID, else the oldest unanswered. Taken off the queue. */
static kq1_transaction_t *
answered_request(kq1_conversation_t *conversation, uint32_t message_id)
{
    wmem_list_frame_t *found = find_request_frame(conversation, message_id);
    kq1_transaction_t *transaction;

    if (found == NULL)
        found = wmem_list_head(conversation->requests);
    if (found == NULL)
        return NULL;
    transaction = (kq1_transaction_t *)wmem_list_frame_data(found);
    wmem_list_remove_frame(conversation->requests, found);
    return transaction;
}

static void
analyse_first_pass(packet_info *pinfo, kq1_conversation_t *conversation, uint16_t code,
                   uint32_t message_id, const kq1_payload_t *payload, kq1_pdu_analysis_t *analysis)
{
    const char *key_id = kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID);
    kq1_transaction_t *transaction;

    switch (code) {
    case KQ1_KEY_SUPPLY:
        if (key_id == NULL)
            break;
        analysis->n_keys = 1;
        analysis->key_links = wmem_new0(wmem_file_scope(), kq1_key_link_t);
        analysis->key_links[0] = kq1_note_key_supply(pinfo, conversation, message_id, 0, key_id,
                                                     kq1_params_string(&payload->top, KQ1_PARAM_QKD_MODULE_ID));
        transaction = (kq1_transaction_t *)wmem_map_lookup(conversation->supplies, key_id);
        if (transaction == NULL || transaction->request_message_id != message_id) {
            key_origin_t *first;

            transaction = new_transaction(pinfo, message_id);
            /* keyed by the capture's copy of the key ID: no second one */
            wmem_map_insert(conversation->supplies, intern_key_id(key_id, &first), transaction);
        }
        analysis->transaction = transaction;
        analysis->is_request = true;
        break;
    case KQ1_KEY_SUPPLY_RESPONSE:
        if (key_id == NULL)
            break;
        transaction = (kq1_transaction_t *)wmem_map_lookup(conversation->supplies, key_id);
        if (transaction == NULL)
            break;
        if (transaction->response_frame == 0) {
            transaction->response_frame = pinfo->num;
            transaction->response_message_id = message_id;
        } else if (transaction->response_message_id != message_id) {
            break;      /* a second answer: it answers nothing */
        }
        analysis->transaction = transaction;
        break;
    case KQ1_KEY_REQUEST:
        transaction = new_transaction(pinfo, message_id);
        transaction->has_number = kq1_params_integer(&payload->top, KQ1_PARAM_NUMBER_OF_KEYS,
                                                     &transaction->number);
        transaction->has_size = kq1_params_integer(&payload->top, KQ1_PARAM_SIZE_OF_KEY, &transaction->size);
        if (is_repeat_of_last_request(conversation, transaction))
            transaction = (kq1_transaction_t *)wmem_list_frame_data(wmem_list_tail(conversation->requests));
        else
            wmem_list_append(conversation->requests, transaction);
        analysis->transaction = transaction;
        analysis->is_request = true;
        break;
    case KQ1_KEY_REQUEST_RESPONSE:
        transaction = conversation->last_answered_request;
        if (transaction == NULL || transaction->response_message_id != message_id) {
            transaction = answered_request(conversation, message_id);
            if (transaction != NULL) {
                transaction->response_frame = pinfo->num;
                transaction->response_message_id = message_id;
                conversation->last_answered_request = transaction;
            }
        }
        analysis->transaction = transaction;
        analysis->n_keys = payload->keys->len;
        analysis->key_links = wmem_alloc0_array(wmem_file_scope(), kq1_key_link_t, payload->keys->len);
        for (unsigned i = 0; i < payload->keys->len; i++) {
            const char *id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i),
                                               KQ1_PARAM_KEY_ID);
            if (id != NULL)
                analysis->key_links[i] = kq1_note_key_supply(pinfo, conversation, message_id, i, id, NULL);
        }
        break;
    default:
        break;
    }
}

/* A run of MessageIDs one way of a conversation has used. */
typedef struct {
    uint32_t first, last;
} id_range_t;

/* Past this many runs of MessageIDs (a peer that numbers its messages at
 * random) repeats are no longer looked for: the search would cost too much. */
#define MAX_ID_RANGES 256

/* Records a MessageID used one way; true when that way used it before for
 * another message (Appendix I: "the unique ID of each message"). The ID of
 * the message just before is that message again (a retransmission). */
static bool
note_message_id(kq1_conversation_t *conversation, int way, uint32_t id)
{
    wmem_array_t *ranges;
    id_range_t *range, added = { id, id };
    unsigned n;

    if (conversation->any_id[way] && conversation->last_id[way] == id)
        return false;
    conversation->any_id[way] = true;
    conversation->last_id[way] = id;
    if (conversation->used_ids[way] == NULL)
        conversation->used_ids[way] = wmem_array_new(wmem_file_scope(), sizeof(id_range_t));
    ranges = conversation->used_ids[way];
    n = wmem_array_get_count(ranges);
    for (unsigned i = 0; i < n; i++) {
        range = (id_range_t *)wmem_array_index(ranges, i);
        if (id >= range->first && id <= range->last)
            return true;
    }
    for (unsigned i = 0; i < n; i++) {
        range = (id_range_t *)wmem_array_index(ranges, i);
        if (range->last != UINT32_MAX && id == range->last + 1) {
            range->last = id;
            return false;
        }
        if (range->first != 0 && id == range->first - 1) {
            range->first = id;
            return false;
        }
    }
    if (n < MAX_ID_RANGES)
        wmem_array_append_one(ranges, added);
    return false;
}

const kq1_pdu_analysis_t *
kq1_analyse_pdu(packet_info *pinfo, kq1_conversation_t *conversation, unsigned pdu_index,
                uint16_t code, uint32_t message_id, const kq1_payload_t *payload)
{
    /* One array per frame, indexed by PDU: frames of hundreds of messages
     * must not make a list of hundreds of proto data to search. Key 0 of the
     * frame's proto data is the framing's. */
    wmem_array_t *frame = (wmem_array_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1_analysis, 1);
    kq1_pdu_analysis_t *analysis;

    if (frame != NULL && pdu_index < wmem_array_get_count(frame))
        return *(kq1_pdu_analysis_t **)wmem_array_index(frame, pdu_index);
    if (PINFO_FD_VISITED(pinfo))
        return NULL;
    if (frame == NULL) {
        frame = wmem_array_new(wmem_file_scope(), sizeof(kq1_pdu_analysis_t *));
        p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1_analysis, 1, frame);
    }
    analysis = wmem_new0(wmem_file_scope(), kq1_pdu_analysis_t);
    analyse_first_pass(pinfo, conversation, code, message_id, payload, analysis);
    /* A response may repeat the MessageID of the request it answers. */
    if (analysis->is_request || analysis->transaction == NULL
        || analysis->transaction->request_message_id != message_id)
        analysis->id_repeated = note_message_id(conversation, (code >> 8) == KQ1_DIR_QKD_TO_KM ? 0 : 1, message_id);
    wmem_array_append_one(frame, analysis);
    return analysis;
}
