/* kq1-analysis.c
 * Request/response links and key ID reuse across a capture, for both
 * transports.
 *
 * Over TCP, Key supply and Response to key supply are matched by Key ID
 * within a conversation; Key request and Response to key request by
 * MessageID where the response repeats the request's, otherwise the oldest
 * unanswered request is taken. Over HTTP, a response answers the request
 * HTTP pairs it with. A key ID supplied again (by a Key supply or in the
 * Keys of a Response to key request), in any conversation, is a reuse,
 * unless it is the same message seen again (a TCP retransmission, which
 * reaches Kq-1 when TCP's sequence analysis is off): a message with the
 * MessageID and CommandCode of the one before it the same way, in the same
 * conversation, is taken for that message again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/proto_data.h>

#include "kq1-analysis.h"
#include "kq1-key-store.h"
#include "kq1-records.h"

/* What the capture keeps is small on purpose: a capture of a million keys
 * must not cost hundreds of megabytes (BENCHMARKS.md gives the bytes per
 * key ID). Each record below is a plain struct in a kq1_records_t (chunks
 * in wmem_file_scope() that never move, so growing costs no copies), found
 * again by number or, for records kept in frame order, by binary search;
 * the view gets them expanded into pinfo->pool. */

/* One exchange: a request and its response. 16 bytes. */
typedef struct {
    uint32_t request_frame;
    uint32_t response_frame;        /* 0 until answered */
    int64_t  request_time;          /* nanoseconds since the epoch */
} exchange_t;

/* A request not answered yet, first pass only (freed once answered). */
typedef struct {
    uint32_t exchange;              /* its number + 1 */
    uint32_t message_id;
} pending_t;

/* What a Key request asked for, kept only for requests that asked
 * something, in the order of their exchanges. */
typedef struct {
    uint32_t  exchange;
    kq1_ask_t ask;
} ask_record_t;

/* One PDU, in frame order; the PDUs of one frame follow one another, so the
 * n-th of them is the n-th record of its frame. 8 bytes. */
typedef struct {
    uint32_t frame;
    uint32_t exchange_and_flags;    /* the exchange + 1 (0 for none), and the flags below */
} pdu_record_t;

#define PDU_IS_REQUEST    0x80000000u
#define PDU_ID_REPEATED   0x40000000u
#define PDU_EXCHANGE_MASK 0x1fffffffu

/* The capture's state; made by analysis_init, freed by analysis_cleanup. */
static kq1_key_store_t *key_ids;
static kq1_key_audit_t *key_audit;     /* every supply of every key ID, by key number */
static kq1_records_t *exchange_records;    /* exchange_t */
static kq1_records_t *asks;            /* ask_record_t, in the order of their exchanges */
static kq1_records_t *pdu_records;     /* pdu_record_t, in frame order */
static wmem_map_t *identities;       /* module or KM identity -> its number + 1 */
static int proto_kq1 = -1;           /* whose per-dissection data counts the supplies of a frame */

/* The last message one way of a conversation, as the analysis found it. */
typedef struct {
    bool     any;           /* false until there is one */
    uint16_t code;
    uint32_t message_id;
    uint32_t exchange;      /* its exchange's number + 1, 0 for none */
    bool     is_request;
} last_message_t;

/* The analysis state of one TCP conversation, first pass only: the
 * unanswered Key requests (oldest first) and Key supplies (by key number
 * + 1), as pending_t; and each way, the MessageIDs used, as ranges, and the
 * last message, whose MessageID and CommandCode again mean that message
 * again. */
struct kq1_exchanges {
    const char     *module_id;      /* the first QKD module ID its messages gave, or NULL */
    wmem_list_t    *requests;
    wmem_map_t     *supplies;
    wmem_array_t   *used_ids[2];
    last_message_t  last_message[2];
};

/* The messages of a conversation repeat the same two ends and module ID,
 * so the identity numbers last found are remembered rather than formatted
 * and looked up again. */
typedef struct {
    bool     known;
    address  addr;      /* a copy of its own (copy_address) */
    uint32_t port;
    uint32_t number;
} endpoint_cache_t;

static endpoint_cache_t endpoints[2];   /* the source, the destination */
static char *last_module_id;
static uint32_t last_module_number;

/* The capture's state lives in wmem_file_scope(), freed with the capture. */
static void *
file_alloc(size_t size)
{
    return wmem_alloc(wmem_file_scope(), size);
}

static void
file_free(void *block)
{
    wmem_free(wmem_file_scope(), block);
}

static const kq1_allocator_t file_allocator = { file_alloc, file_free };

static void
analysis_init(void)
{
    key_ids = kq1_key_store_new(&file_allocator);
    key_audit = kq1_key_audit_new(&file_allocator);
    exchange_records = kq1_records_new(sizeof(exchange_t), &file_allocator);
    asks = kq1_records_new(sizeof(ask_record_t), &file_allocator);
    pdu_records = kq1_records_new(sizeof(pdu_record_t), &file_allocator);
    identities = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
}

/* The file scope frees the state; the caches of the last endpoints and
 * module ID, which are not the capture's, are freed here. */
static void
analysis_cleanup(void)
{
    key_ids = NULL;
    key_audit = NULL;
    exchange_records = asks = pdu_records = NULL;
    identities = NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(endpoints); i++) {
        free_address(&endpoints[i].addr);
        endpoints[i].known = false;
    }
    g_free(last_module_id);
    last_module_id = NULL;
}

void
kq1_analysis_register(int proto)
{
    proto_kq1 = proto;
    register_init_routine(analysis_init);
    register_cleanup_routine(analysis_cleanup);
}

kq1_exchanges_t *
kq1_exchanges_new(void)
{
    kq1_exchanges_t *exchanges = wmem_new0(wmem_file_scope(), kq1_exchanges_t);

    exchanges->requests = wmem_list_new(wmem_file_scope());
    exchanges->supplies = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    return exchanges;
}

const char *
kq1_exchanges_module_id(kq1_exchanges_t *exchanges, const char *seen)
{
    if (exchanges->module_id == NULL && seen != NULL)
        exchanges->module_id = wmem_strdup(wmem_file_scope(), seen);
    return exchanges->module_id;
}

static int64_t
to_nanoseconds(const nstime_t *t)
{
    return (int64_t)t->secs * 1000000000 + t->nsecs;
}

/* A new exchange for the request in this packet: its number + 1 (numbers
 * are below the number of PDUs kept, which keep_pdu bounds). */
static uint32_t
new_exchange(packet_info *pinfo)
{
    exchange_t *exchange = (exchange_t *)kq1_records_append(exchange_records);

    exchange->request_frame = pinfo->num;
    exchange->request_time = to_nanoseconds(&pinfo->abs_ts);
    return kq1_records_count(exchange_records);
}

static exchange_t *
exchange_at(uint32_t number)
{
    return (exchange_t *)kq1_records_at(exchange_records, number);
}

static int
compare_ask(const void *record, const void *exchange)
{
    uint32_t a = ((const ask_record_t *)record)->exchange, b = *(const uint32_t *)exchange;

    return a < b ? -1 : a > b;
}

/* What the request of an exchange asked for, or NULL for nothing. */
static const kq1_ask_t *
ask_of(uint32_t exchange)
{
    uint32_t at = kq1_records_search(asks, &exchange, compare_ask);
    const ask_record_t *found = at < kq1_records_count(asks) ? (ask_record_t *)kq1_records_at(asks, at) : NULL;

    return found != NULL && found->exchange == exchange ? &found->ask : NULL;
}

/* The exchange as the view reads it, in pinfo->pool. */
static kq1_transaction_t *
expand_exchange(packet_info *pinfo, uint32_t number)
{
    const exchange_t *exchange = exchange_at(number);
    const kq1_ask_t *ask = ask_of(number);
    kq1_transaction_t *transaction = wmem_new0(pinfo->pool, kq1_transaction_t);

    transaction->request_frame = exchange->request_frame;
    transaction->response_frame = exchange->response_frame;
    transaction->request_time.secs = (time_t)(exchange->request_time / 1000000000);
    transaction->request_time.nsecs = (int)(exchange->request_time % 1000000000);
    if (ask != NULL)
        transaction->ask = *ask;
    return transaction;
}

/* The number of an identity, the same for the same text all capture long. */
static uint32_t
identity_number(const char *identity)
{
    void *number = wmem_map_lookup(identities, identity);

    if (number == NULL) {
        number = GUINT_TO_POINTER(wmem_map_size(identities) + 1);
        wmem_map_insert(identities, wmem_strdup(wmem_file_scope(), identity), number);
    }
    return GPOINTER_TO_UINT(number) - 1;
}

/* The identity number of one end of this packet, "address:port"; the last
 * one on each side is remembered (endpoints). */

static uint32_t
endpoint_number(packet_info *pinfo, bool source)
{
    endpoint_cache_t *cache = &endpoints[source ? 0 : 1];
    const address *addr = source ? &pinfo->src : &pinfo->dst;
    uint32_t port = source ? pinfo->srcport : pinfo->destport;

    if (!cache->known || cache->port != port || !addresses_equal(&cache->addr, addr)) {
        free_address(&cache->addr);
        copy_address(&cache->addr, addr);
        cache->port = port;
        cache->number = identity_number(wmem_strdup_printf(pinfo->pool, "%s:%u",
                                                           address_to_str(pinfo->pool, addr), port));
        cache->known = true;
    }
    return cache->number;
}

/* The identity number of a QKD module ID; the last one is remembered. */

static uint32_t
module_number(packet_info *pinfo, const char *module_id)
{
    if (last_module_id == NULL || strcmp(last_module_id, module_id) != 0) {
        g_free(last_module_id);
        last_module_id = g_strdup(module_id);
        last_module_number = identity_number(wmem_strdup_printf(pinfo->pool, "id:%s", module_id));
    }
    return last_module_number;
}

/* The supplies of key number key in this frame's dissection so far; the
 * count is the next one's nth (kq1_key_audit_find). */
static unsigned
next_in_frame(packet_info *pinfo, uint32_t key)
{
    wmem_map_t *counts = (wmem_map_t *)p_get_proto_data(pinfo->pool, pinfo, proto_kq1, KQ1_PROTO_DATA_SUPPLIES);
    unsigned nth;

    if (counts == NULL) {
        counts = wmem_map_new(pinfo->pool, g_direct_hash, g_direct_equal);
        p_add_proto_data(pinfo->pool, pinfo, proto_kq1, KQ1_PROTO_DATA_SUPPLIES, counts);
    }
    nth = GPOINTER_TO_UINT(wmem_map_lookup(counts, GUINT_TO_POINTER(key + 1)));
    wmem_map_insert(counts, GUINT_TO_POINTER(key + 1), GUINT_TO_POINTER(nth + 1));
    return nth;
}

/* The digest of a decoded key, 0 for none (kq1-keycheck.h). */
static uint64_t
digest_of(const kq1_params_t *params)
{
    return params->key.encoding != KQ1_KEY_UNDECODED ? kq1_key_digest(params->key.data, params->key.len) : 0;
}

/* One end of this packet as the other half of a key: an ETSI GS QKD 014
 * Get key with key IDs gives the slave SAE the other half of what Get key
 * gave the master, so each of its ends is another end than the same
 * endpoint's in Get key (one KME may serve both SAEs, and one client may
 * play both). */
static uint32_t
by_key_id_number(packet_info *pinfo, bool source)
{
    return identity_number(wmem_strdup_printf(pinfo->pool, "by key ID:%s:%u",
                                              address_to_str(pinfo->pool, source ? &pinfo->src : &pinfo->dst),
                                              source ? pinfo->srcport : pinfo->destport));
}

/* Who supplies: a QKD module's ID when it gives one, else its endpoint. */
static uint32_t
supplier_number(packet_info *pinfo, const char *module_id, bool by_key_id)
{
    if (module_id != NULL)
        return module_number(pinfo, module_id);
    return by_key_id ? by_key_id_number(pinfo, true) : endpoint_number(pinfo, true);
}

/* Who receives: the KM's endpoint (or the SAE's). */
static uint32_t
receiver_number(packet_info *pinfo, bool by_key_id)
{
    return by_key_id ? by_key_id_number(pinfo, false) : endpoint_number(pinfo, false);
}

/* Records a supply of the key params gives (its Key ID key_id), by the
 * supplier numbered module to this packet's destination; its number in
 * *key (KQ1_KEY_NONE when the store is full). Says what earlier supplies
 * make of it. */
static kq1_key_links_t
note_supply(packet_info *pinfo, const char *key_id, const kq1_params_t *params, uint32_t module, uint32_t km,
            uint32_t *key)
{
    kq1_key_links_t links;
    bool added;
    uint32_t parties = kq1_key_audit_parties(key_audit, module, km);

    memset(&links, 0, sizeof(links));
    *key = kq1_key_store_add(key_ids, key_id, strlen(key_id), &added);
    if (*key == KQ1_KEY_NONE)
        return links;
    next_in_frame(pinfo, *key);
    return kq1_key_audit_note(key_audit, *key, added, pinfo->num, parties, digest_of(params),
                              (uint32_t)MIN(params->key.len, UINT32_MAX));
}

/* What the whole capture makes of a supply noted on the first pass. */
static kq1_key_links_t
find_supply(packet_info *pinfo, const char *key_id, const kq1_params_t *params)
{
    kq1_key_links_t links;
    uint32_t key = kq1_key_store_find(key_ids, key_id, strlen(key_id));

    memset(&links, 0, sizeof(links));
    if (key == KQ1_KEY_NONE)
        return links;
    return kq1_key_audit_find(key_audit, key, pinfo->num, next_in_frame(pinfo, key), digest_of(params));
}

bool
kq1_key_id_seen(const char *key_id)
{
    return kq1_key_store_find(key_ids, key_id, strlen(key_id)) != KQ1_KEY_NONE;
}

static pending_t *
new_pending(uint32_t exchange, uint32_t message_id)
{
    pending_t *pending = wmem_new(wmem_file_scope(), pending_t);

    pending->exchange = exchange;
    pending->message_id = message_id;
    return pending;
}

/* The queue element of the unanswered Key request with this MessageID, or NULL. */
static wmem_list_frame_t *
find_request_frame(kq1_exchanges_t *exchanges, uint32_t message_id)
{
    for (wmem_list_frame_t *f = wmem_list_head(exchanges->requests); f != NULL;
         f = wmem_list_frame_next(f)) {
        if (((const pending_t *)wmem_list_frame_data(f))->message_id == message_id)
            return f;
    }
    return NULL;
}

static bool
same_ask(const kq1_ask_t *a, const kq1_ask_t *b)
{
    bool a_asks = a != NULL && (a->has_number || a->has_size), b_asks = b != NULL && (b->has_number || b->has_size);

    if (!a_asks || !b_asks)
        return a_asks == b_asks;
    return a->has_number == b->has_number && a->number == b->number
           && a->has_size == b->has_size && a->size == b->size;
}

/* The last unanswered Key request when this one is it seen again (same
 * MessageID, same parameters), else NULL. */
static const pending_t *
repeat_of_last_request(kq1_exchanges_t *exchanges, uint32_t message_id, const kq1_ask_t *ask)
{
    wmem_list_frame_t *tail = wmem_list_tail(exchanges->requests);
    const pending_t *last;

    if (tail == NULL)
        return NULL;
    last = (const pending_t *)wmem_list_frame_data(tail);
    if (last->message_id != message_id || !same_ask(ask_of(last->exchange - 1), ask))
        return NULL;
    return last;
}

/* The Key request a Response to key request answers: the unanswered one with
 * the response's MessageID, else the oldest unanswered. Taken off the queue
 * (the caller frees it); NULL for none. */
static pending_t *
answered_request(kq1_exchanges_t *exchanges, uint32_t message_id)
{
    wmem_list_frame_t *found = find_request_frame(exchanges, message_id);
    pending_t *pending;

    if (found == NULL)
        found = wmem_list_head(exchanges->requests);
    if (found == NULL)
        return NULL;
    pending = (pending_t *)wmem_list_frame_data(found);
    wmem_list_remove_frame(exchanges->requests, found);
    return pending;
}

/* What the first pass finds for one message: its exchange + 1 (0 for
 * none), whether it is the request of it, and its keys' links (in
 * pinfo->pool). */
typedef struct {
    uint32_t        exchange;
    uint32_t        request_message_id;   /* of the exchange's request */
    bool            is_request;
    unsigned        n_keys;
    kq1_key_links_t *key_links;
} first_pass_t;

/* The keys a message supplies: a Key supply's Key ID, the Keys of a
 * Response to key request. */
static unsigned
keys_supplied(uint16_t code, const kq1_payload_t *payload)
{
    if (payload == NULL)
        return 0;
    if (code == KQ1_KEY_SUPPLY)
        return kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID) != NULL ? 1 : 0;
    return code == KQ1_KEY_REQUEST_RESPONSE ? payload->keys->len : 0;
}

/* A new exchange for a Key request, and what it asked. */
static uint32_t
new_request(packet_info *pinfo, const kq1_ask_t *ask)
{
    uint32_t exchange = new_exchange(pinfo);

    if (ask != NULL && (ask->has_number || ask->has_size)) {
        ask_record_t *record = (ask_record_t *)kq1_records_append(asks);

        record->exchange = exchange - 1;
        record->ask = *ask;
    }
    return exchange;
}

/* Notes the supplies of the keys of a Response to key request (by_key_id:
 * of an ETSI GS QKD 014 Get key with key IDs). */
static void
note_keys(packet_info *pinfo, const kq1_payload_t *payload, bool by_key_id, first_pass_t *found)
{
    uint32_t key;
    uint32_t module, km;

    if (payload == NULL || payload->keys->len == 0)
        return;
    module = supplier_number(pinfo, NULL, by_key_id);
    km = receiver_number(pinfo, by_key_id);
    found->n_keys = payload->keys->len;
    found->key_links = wmem_alloc0_array(pinfo->pool, kq1_key_links_t, found->n_keys);
    for (unsigned i = 0; i < found->n_keys; i++) {
        const kq1_params_t *params = &g_array_index(payload->keys, kq1_params_t, i);
        const char *id = kq1_params_string(params, KQ1_PARAM_KEY_ID);

        if (id != NULL)
            found->key_links[i] = note_supply(pinfo, id, params, module, km, &key);
    }
}

/* The params of the i-th key a message supplies. */
static const kq1_params_t *
key_params(uint16_t code, const kq1_payload_t *payload, unsigned i)
{
    return code == KQ1_KEY_SUPPLY ? &payload->top : &g_array_index(payload->keys, kq1_params_t, i);
}

/* The first pass of an Appendix I message: matched within its conversation. */
static void
analyse_tcp_message(packet_info *pinfo, const kq1_message_t *m, const kq1_payload_t *payload, first_pass_t *found)
{
    kq1_exchanges_t *exchanges = m->exchanges;
    const char *key_id = kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID);
    const pending_t *repeated;
    uint32_t key;
    pending_t *pending;

    switch (m->code) {
    case KQ1_KEY_SUPPLY:
        if (key_id == NULL)
            break;
        found->exchange = new_exchange(pinfo);
        found->request_message_id = m->message_id;
        found->is_request = true;
        found->n_keys = 1;
        found->key_links = wmem_new(pinfo->pool, kq1_key_links_t);
        found->key_links[0] = note_supply(pinfo, key_id, &payload->top,
                                          supplier_number(pinfo, kq1_params_string(&payload->top,
                                                                                   KQ1_PARAM_QKD_MODULE_ID), false),
                                          receiver_number(pinfo, false), &key);
        /* A later supply of the key ID here is the one its response answers. */
        if (key != KQ1_KEY_NONE) {
            pending = (pending_t *)wmem_map_insert(exchanges->supplies, GUINT_TO_POINTER(key + 1),
                                                   new_pending(found->exchange, m->message_id));
            wmem_free(wmem_file_scope(), pending);
        }
        break;
    case KQ1_KEY_SUPPLY_RESPONSE:
        if (key_id == NULL || (key = kq1_key_store_find(key_ids, key_id, strlen(key_id))) == KQ1_KEY_NONE)
            break;
        /* Answered once: a second answer answers nothing. */
        pending = (pending_t *)wmem_map_remove(exchanges->supplies, GUINT_TO_POINTER(key + 1));
        if (pending == NULL)
            break;
        found->exchange = pending->exchange;
        found->request_message_id = pending->message_id;
        exchange_at(pending->exchange - 1)->response_frame = pinfo->num;
        wmem_free(wmem_file_scope(), pending);
        break;
    case KQ1_KEY_REQUEST:
        found->request_message_id = m->message_id;
        found->is_request = true;
        if ((repeated = repeat_of_last_request(exchanges, m->message_id, m->ask)) != NULL) {
            found->exchange = repeated->exchange;
            break;
        }
        found->exchange = new_request(pinfo, m->ask);
        wmem_list_append(exchanges->requests, new_pending(found->exchange, m->message_id));
        break;
    case KQ1_KEY_REQUEST_RESPONSE:
        if ((pending = answered_request(exchanges, m->message_id)) != NULL) {
            found->exchange = pending->exchange;
            found->request_message_id = pending->message_id;
            exchange_at(pending->exchange - 1)->response_frame = pinfo->num;
            wmem_free(wmem_file_scope(), pending);
        }
        note_keys(pinfo, payload, false, found);
        break;
    default:
        break;
    }
}

static int compare_pdu(const void *record, const void *frame);

/* The first pass of an Appendix II message: a Key request (Get key), or a
 * Response to key request (its key container) that answers the request
 * HTTP pairs it with. */
static void
analyse_http_message(packet_info *pinfo, const kq1_message_t *m, const kq1_payload_t *payload, first_pass_t *found)
{
    uint32_t at;
    const pdu_record_t *request;
    uint32_t exchange;

    if (m->code == KQ1_KEY_REQUEST) {
        found->exchange = new_request(pinfo, m->ask);
        found->is_request = true;
        return;
    }
    if (m->code != KQ1_KEY_REQUEST_RESPONSE)
        return;
    /* Keys by key ID answer no Kq-1 request: their keys are other halves. */
    if (m->by_key_id) {
        note_keys(pinfo, payload, true, found);
        return;
    }
    at = kq1_records_search(pdu_records, &m->request_frame, compare_pdu);
    request = m->request_frame != 0 && at < kq1_records_count(pdu_records)
              ? (const pdu_record_t *)kq1_records_at(pdu_records, at) : NULL;
    exchange = request != NULL && request->frame == m->request_frame ? request->exchange_and_flags & PDU_EXCHANGE_MASK
                                                                      : 0;
    /* Answered once, by a response after it. */
    if (exchange != 0 && (request->exchange_and_flags & PDU_IS_REQUEST)
        && exchange_at(exchange - 1)->response_frame == 0) {
        found->exchange = exchange;
        exchange_at(exchange - 1)->response_frame = pinfo->num;
    }
    note_keys(pinfo, payload, false, found);
}

/* A run of MessageIDs one way of a conversation has used. */
typedef struct {
    uint32_t first, last;
} id_range_t;

/* Past this many runs of MessageIDs (a peer that numbers its messages at
 * random) repeats are no longer looked for: the search would cost too much. */
#define MAX_ID_RANGES 256

/* Records a MessageID used one way; true when that way used it before for
 * another message (Appendix I: "the unique ID of each message"). Not
 * called for a retransmission, which kq1_analyse tells by the last
 * message each way. */
static bool
note_message_id(kq1_exchanges_t *exchanges, kq1_way_t way, uint32_t id)
{
    wmem_array_t *ranges;
    id_range_t *range, added = { id, id };
    unsigned n;

    if (exchanges->used_ids[way] == NULL)
        exchanges->used_ids[way] = wmem_array_new(wmem_file_scope(), sizeof(id_range_t));
    ranges = exchanges->used_ids[way];
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

/* pdu_records are in frame order. */
static int
compare_pdu(const void *record, const void *frame)
{
    uint32_t a = ((const pdu_record_t *)record)->frame, b = *(const uint32_t *)frame;

    return a < b ? -1 : a > b;
}

/* Keeps what the first pass found for the pdu_index-th message of this
 * frame. The first pass goes in frame order, so records are only ever
 * appended; false when this one cannot be (a message before it in the
 * frame was not kept, a later frame was, or the capture holds 2^29
 * messages). */
static bool
keep_pdu(packet_info *pinfo, unsigned pdu_index, uint32_t flags, const first_pass_t *found)
{
    uint32_t count = kq1_records_count(pdu_records), at = kq1_records_search(pdu_records, &pinfo->num, compare_pdu);
    pdu_record_t *record;

    if (at + pdu_index != count || count >= PDU_EXCHANGE_MASK || found->exchange > PDU_EXCHANGE_MASK)
        return false;
    record = (pdu_record_t *)kq1_records_append(pdu_records);
    record->frame = pinfo->num;
    record->exchange_and_flags = found->exchange | flags;
    return true;
}

/* What the whole capture makes of the keys a message kept supplies, in
 * pinfo->pool. */
static kq1_key_links_t *
found_links(packet_info *pinfo, uint16_t code, const kq1_payload_t *payload, unsigned n_keys)
{
    kq1_key_links_t *links = wmem_alloc0_array(pinfo->pool, kq1_key_links_t, n_keys);

    for (unsigned i = 0; i < n_keys; i++) {
        const kq1_params_t *params = key_params(code, payload, i);
        const char *key_id = kq1_params_string(params, KQ1_PARAM_KEY_ID);

        if (key_id != NULL)
            links[i] = find_supply(pinfo, key_id, params);
    }
    return links;
}

const kq1_analysis_t *
kq1_analyse(packet_info *pinfo, unsigned pdu_index, const kq1_message_t *m, const kq1_payload_t *payload)
{
    kq1_analysis_t *analysis = wmem_new0(pinfo->pool, kq1_analysis_t);
    uint32_t at = kq1_records_search(pdu_records, &pinfo->num, compare_pdu) + pdu_index;
    uint32_t flags = 0;
    first_pass_t found = { 0, 0, false, 0, NULL };
    last_message_t *last;

    /* Kept already (a later pass, or the frame dissected again): the
     * records of a frame follow one another. */
    if (at < kq1_records_count(pdu_records) && ((pdu_record_t *)kq1_records_at(pdu_records, at))->frame == pinfo->num) {
        uint32_t kept = ((pdu_record_t *)kq1_records_at(pdu_records, at))->exchange_and_flags;
        uint32_t exchange = kept & PDU_EXCHANGE_MASK;

        analysis->transaction = exchange != 0 ? expand_exchange(pinfo, exchange - 1) : NULL;
        analysis->is_request = (kept & PDU_IS_REQUEST) != 0;
        analysis->id_repeated = (kept & PDU_ID_REPEATED) != 0;
        analysis->n_keys = keys_supplied(m->code, payload);
        analysis->key_links = found_links(pinfo, m->code, payload, analysis->n_keys);
        return analysis;
    }
    /* Past 2^29 messages nothing more is kept: exchange numbers fit the record. */
    if (PINFO_FD_VISITED(pinfo) || kq1_records_count(pdu_records) >= PDU_EXCHANGE_MASK)
        return NULL;
    if (m->exchanges == NULL) {
        /* HTTP messages are not seen twice; the frame stands for the message. */
        analyse_http_message(pinfo, m, payload, &found);
    } else if ((last = &m->exchanges->last_message[m->way])->any && last->message_id == m->message_id
               && last->code == m->code) {
        /* The message before it again: what it was, and no key supplied twice. */
        found.exchange = last->exchange;
        found.is_request = last->is_request;
        found.n_keys = keys_supplied(m->code, payload);
        found.key_links = wmem_alloc0_array(pinfo->pool, kq1_key_links_t, found.n_keys);
    } else {
        analyse_tcp_message(pinfo, m, payload, &found);
        /* A response may repeat the MessageID of the request it answers. */
        if ((found.is_request || found.exchange == 0 || found.request_message_id != m->message_id)
            && note_message_id(m->exchanges, m->way, m->message_id))
            flags |= PDU_ID_REPEATED;
    }
    if (m->exchanges != NULL) {
        last = &m->exchanges->last_message[m->way];
        last->any = true;
        last->code = m->code;
        last->message_id = m->message_id;
        last->exchange = found.exchange;
        last->is_request = found.is_request;
    }
    if (found.is_request)
        flags |= PDU_IS_REQUEST;
    if (!keep_pdu(pinfo, pdu_index, flags, &found))
        return NULL;
    analysis->transaction = found.exchange != 0 ? expand_exchange(pinfo, found.exchange - 1) : NULL;
    analysis->is_request = found.is_request;
    analysis->id_repeated = (flags & PDU_ID_REPEATED) != 0;
    analysis->n_keys = found.n_keys;
    analysis->key_links = found.key_links;
    return analysis;
}
