/* kq1-view-qkd014.c
 * The message view of ETSI GS QKD 014 over HTTP (Q.4162 Appendix II), as
 * packet-kq1-http.c finds its messages: Get key (enc_keys) is the Kq-1 Key
 * request, its key container the Response to key request and the HTTP
 * status code the Response, shown in the Kq-1 tree and analysed as Kq-1
 * messages over TCP are; Get key with key IDs (dec_keys) and Get status
 * are ETSI GS QKD 014's own (protocol "qkd014") and are not counted as
 * Kq-1.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/expert.h>
#include <wsutil/strtoi.h>
#include <wsutil/utf8_entities.h>

#include "kq1-view.h"
#include "kq1-view-parts.h"

static int proto_qkd014 = -1;

static int hf_qkd014_method = -1;
static int hf_qkd014_key_id = -1;
static int hf_qkd014_key_bits = -1;
/* The members of a Status and of an Error (kq1_view_param_field). */
static int hf_qkd014_source_kme_id = -1;
static int hf_qkd014_target_kme_id = -1;
static int hf_qkd014_master_sae_id = -1;
static int hf_qkd014_slave_sae_id = -1;
static int hf_qkd014_key_size = -1;
static int hf_qkd014_stored_key_count = -1;
static int hf_qkd014_max_key_count = -1;
static int hf_qkd014_max_key_per_request = -1;
static int hf_qkd014_max_key_size = -1;
static int hf_qkd014_min_key_size = -1;
static int hf_qkd014_max_sae_id_count = -1;
static int hf_qkd014_status_extension = -1;
static int hf_qkd014_error_message = -1;
static int hf_qkd014_error_details = -1;
static int ett_qkd014 = -1;
static int ett_qkd014_key = -1;
static expert_field ei_qkd014_key_id_unknown = EI_INIT;

/* A Kq-1 message of Appendix II: its item in the Kq-1 tree. */
static proto_tree *
add_kq1_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const char *message)
{
    /* First, where a narrow Info column still shows it, before HTTP's line. */
    col_prepend_fstr(pinfo->cinfo, COL_INFO, "[Kq-1 %s] ", message);
    return kq1_view_add_tree(tree, tvb,
                             wmem_strdup_printf(pinfo->pool, "Kq-1 (ETSI GS QKD 014, Q.4162 Appendix II), %s [Get key]",
                                                message));
}

/* An ETSI GS QKD 014 message that is not Kq-1: its own item. */
static proto_tree *
add_qkd014_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const char *message)
{
    proto_item *item;
    proto_tree *subtree;

    col_prepend_fstr(pinfo->cinfo, COL_INFO, "[ETSI GS QKD 014 %s] ", message);
    item = proto_tree_add_protocol_format(tree, proto_qkd014, tvb, 0, 0,
                                          "ETSI GS QKD 014, %s (not a Kq-1 message: Q.4162 Appendix II "
                                          "maps only Get key)", message);
    subtree = proto_item_add_subtree(item, ett_qkd014);
    item = proto_tree_add_string(subtree, hf_qkd014_method, tvb, 0, 0, message);
    proto_item_set_generated(item);
    return subtree;
}

/* A name=value pair of a URI's query, and where its bytes are. */
typedef struct {
    const char *text;       /* in the URI, not NUL-terminated */
    int         length;
    tvbuff_t   *tvb;        /* the URI's bytes, or the frame's when this pass cannot find them */
    int         offset;     /* of the pair in tvb; 0 and length 0 when not found */
    int         bytes;
} query_pair_t;

/* The query of a URI: what follows its '?', or "" when it has none. */
static const char *
query_of(const char *uri)
{
    const char *query = strchr(uri, '?');

    return query != NULL ? query + 1 : "";
}

/* The next pair of the query from *next (first: query_of(uri)); false at
 * its end. uri_tvb holds the URI's bytes, or is NULL when this pass
 * cannot find them: the fields then go on the frame's tvb with no bytes. */
static bool
next_query_pair(const char **next, const char *uri, tvbuff_t *frame_tvb, tvbuff_t *uri_tvb, query_pair_t *pair)
{
    const char *start = *next, *end;

    if (*start == '\0')
        return false;
    end = start + strcspn(start, "&");
    *next = *end == '&' ? end + 1 : end;
    pair->text = start;
    pair->length = (int)(end - start);
    pair->tvb = uri_tvb != NULL ? uri_tvb : frame_tvb;
    pair->offset = (int)(start - uri);
    pair->bytes = pair->length;
    if (uri_tvb == NULL || pair->offset + pair->length > (int)tvb_captured_length(uri_tvb))
        pair->offset = pair->bytes = 0;     /* HTTP's text and bytes differ: no highlight */
    return true;
}

/* number= and size= of a Get key query, as Kq-1 fields over the URI's bytes. */
static void
add_query(proto_tree *tree, packet_info *pinfo, tvbuff_t *frame_tvb, tvbuff_t *uri_tvb, const char *uri,
          kq1_ask_t *ask)
{
    const char *next = query_of(uri);
    query_pair_t pair;

    while (next_query_pair(&next, uri, frame_tvb, uri_tvb, &pair)) {
        char *name = wmem_strndup(pinfo->pool, pair.text, (size_t)pair.length);
        char *value = strchr(name, '=');
        int64_t number;

        if (value == NULL)
            continue;
        *value++ = '\0';
        if (strcmp(name, "number") != 0 && strcmp(name, "size") != 0)
            continue;
        if (!ws_strtoi64(value, NULL, &number)) {
            kq1_view_add_wrong_type(tree, pinfo, pair.tvb, pair.offset, pair.bytes,
                               wmem_strdup_printf(pinfo->pool, "%s in the query is \"%s\", expected an integer",
                                                  name, value));
            continue;
        }
        if (strcmp(name, "number") == 0) {
            kq1_view_add_integer(tree, pair.tvb, pair.offset, pair.bytes, KQ1_PARAM_NUMBER_OF_KEYS, number);
            ask->has_number = true;
            ask->number = number;
        } else {
            kq1_view_add_integer(tree, pair.tvb, pair.offset, pair.bytes, KQ1_PARAM_SIZE_OF_KEY, number);
            ask->has_size = true;
            ask->size = number;
        }
    }
}

/* key_ID= of a Get key with key IDs query, over the URI's bytes. */
static void
add_key_id_query(proto_tree *tree, packet_info *pinfo, tvbuff_t *frame_tvb, tvbuff_t *uri_tvb, const char *uri)
{
    const char *next = query_of(uri);
    query_pair_t pair;

    while (next_query_pair(&next, uri, frame_tvb, uri_tvb, &pair)) {
        if (pair.length > 7 && strncmp(pair.text, "key_ID=", 7) == 0)
            proto_tree_add_string(tree, hf_qkd014_key_id, pair.tvb, pair.offset, pair.bytes,
                                  wmem_strndup(pinfo->pool, pair.text + 7, (size_t)(pair.length - 7)));
    }
}

/* The key IDs of a dec_keys body. */
static void
add_key_ids(proto_tree *tree, tvbuff_t *body, const kq1_payload_t *payload)
{
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
        const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);

        if (key_id != NULL)
            proto_tree_add_string(tree, hf_qkd014_key_id, body, (int)key->self.offset, (int)key->self.length,
                                  key_id);
    }
}

/* The keys of a Get key with key IDs answer: the other halves of keys Get
 * key delivered, each with what the key audit makes of it. */
static void
add_other_halves(proto_tree *tree, packet_info *pinfo, tvbuff_t *body, const kq1_payload_t *payload,
                 const kq1_analysis_t *analysis)
{
    static const kq1_key_links_t no_link;

    for (unsigned i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
        const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);
        const kq1_key_links_t *links = analysis != NULL && i < analysis->n_keys ? &analysis->key_links[i] : &no_link;
        proto_item *item;
        proto_tree *key_tree;

        if (key_id == NULL)
            continue;
        item = proto_tree_add_string(tree, hf_qkd014_key_id, body, (int)key->self.offset, (int)key->self.length,
                                     key_id);
        key_tree = proto_item_add_subtree(item, ett_qkd014_key);
        if (key->key.encoding != KQ1_KEY_UNDECODED) {
            proto_item *bits = proto_tree_add_uint(key_tree, hf_qkd014_key_bits, body, (int)key->self.offset,
                                                   (int)key->self.length, (uint32_t)MIN(key->key.len * 8, UINT32_MAX));
            proto_item_set_generated(bits);
        }
        kq1_view_add_key_links(key_tree, pinfo, body, (int)key->self.offset, (int)key->self.length, key_id, key,
                               links);
        if (links->pair_partner == 0 && links->reused_from == 0)
            expert_add_info_format(pinfo, item, &ei_qkd014_key_id_unknown,
                                   "Key ID %s was not delivered by any Get key (enc_keys) in this capture",
                                   kq1_escaped(pinfo, key_id));
    }
}

/* The link of a QKD 014 message, for the key links: the master SAE (the
 * address Get key and Get status answer) to the slave (the SAE ID they
 * name), or for Get key with key IDs the master it names to the slave's
 * address. NULL when no listener asks. */
static const char *
qkd014_link(packet_info *pinfo, const kq1_http_message_t *m, const kq1_tap_info_t *tap)
{
    const char *address = address_to_str(pinfo->pool, &pinfo->dst);
    const char *sae_id = m->sae_id != NULL ? kq1_escaped(pinfo, m->sae_id) : "?";

    if (tap->link == NULL)
        return NULL;
    if (m->method == KQ1_HTTP_GET_KEY_WITH_IDS)
        return wmem_strdup_printf(pinfo->pool, "%s " UTF8_RIGHTWARDS_ARROW " %s", sae_id, address);
    return wmem_strdup_printf(pinfo->pool, "%s " UTF8_RIGHTWARDS_ARROW " %s", address, sae_id);
}

/* What the message's connection is: its transport security, and its two
 * parties, the SAE (its address: each call may come from another port) and
 * the KME (its endpoint), for the conversation and endpoint tables. */
static void
add_connection(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_http_message_t *m,
               const kq1_payload_t *payload, kq1_tap_info_t *tap)
{
    bool from_sae = !m->response;
    /* The caller's SAE ID is not in QKD 014 messages (its certificate tells
     * the KME who calls), so no ID is compared with a certificate. */
    kq1_transport_message_t transport = { payload != NULL && kq1_payload_has_key(payload), true, from_sae, NULL };

    tap->transport = kq1_transport_show(tree, pinfo, tvb, NULL, &transport);
    if (!kq1_view_wants_parties(tree))
        return;
    kq1_view_add_parties(tree, tvb, tap, address_to_str(pinfo->pool, from_sae ? &pinfo->src : &pinfo->dst),
                         wmem_strdup_printf(pinfo->pool, "%s:%u",
                                            address_to_str(pinfo->pool, from_sae ? &pinfo->dst : &pinfo->src),
                                            from_sae ? pinfo->destport : pinfo->srcport),
                         from_sae);
}

/* The tap record of an ETSI GS QKD 014 message that is no Kq-1 one. */
static kq1_tap_info_t *
qkd014_tap(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_http_message_t *m,
           const kq1_payload_t *payload, const kq1_analysis_t *analysis)
{
    kq1_tap_info_t *tap = kq1_view_tap_info(pinfo, payload != NULL ? KQ1_KEY_REQUEST_RESPONSE : 0, 0, payload,
                                            analysis);

    tap->over_http = true;
    tap->qkd014_only = true;
    add_connection(tree, pinfo, tvb, m, payload, tap);
    return tap;
}

/* Where the status code is (its bytes, when this pass finds them), and as text. */
static tvbuff_t *
status_code(packet_info *pinfo, tvbuff_t *tvb, const kq1_http_message_t *m, int *length, char **text)
{
    *length = m->code_tvb != NULL ? (int)tvb_captured_length(m->code_tvb) : 0;
    *text = wmem_strdup_printf(pinfo->pool, "%u", m->code);
    return m->code_tvb != NULL ? m->code_tvb : tvb;
}

/* The Error body of a refusal (NULL without one), its members shown under tree. */
static const kq1_payload_t *
add_error_body(proto_tree *tree, packet_info *pinfo, const kq1_http_message_t *m)
{
    kq1_payload_t *payload;

    if (m->body == NULL)
        return NULL;
    payload = kq1_view_read(pinfo, kq1_qkd014_message(KQ1_QKD014_ERROR), m->body, KQ1_READ_FULL);
    kq1_view_add_payload(tree, pinfo, m->body, payload, NULL, 0);
    return payload;
}

/* A refusal (a status code other than 2xx) noted as a failure, as the Kq-1
 * Response of a Get key is; why: its Error's message. */
static kq1_verdict_t
add_refusal(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_http_message_t *m,
            const char *message, const kq1_payload_t *error)
{
    const char *reason = error != NULL ? kq1_params_string(&error->top, KQ1_PARAM_ERROR_MESSAGE) : NULL;
    int length;
    char *code;
    tvbuff_t *code_tvb = status_code(pinfo, tvb, m, &length, &code);

    return kq1_view_add_verdict(tree, pinfo, code_tvb, 0, length, message, code, KQ1_VERDICT_FAILED,
                                reason != NULL
                                ? wmem_strdup_printf(pinfo->pool, "an HTTP error status, \"%s\"",
                                                     kq1_escaped(pinfo, reason))
                                : "an HTTP error status");
}

/* A Status (the answer to Get status), each member a qkd014 field. */
static void
view_status(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    proto_tree *subtree = add_qkd014_item(tree, pinfo, tvb, "Status");
    kq1_payload_t *payload;
    kq1_tap_info_t *tap;
    int64_t count = 0;

    tap = qkd014_tap(subtree, pinfo, tvb, m, NULL, NULL);
    if (m->body == NULL) {
        kq1_view_queue_tap(pinfo, tap);
        return;
    }
    payload = kq1_view_read(pinfo, kq1_qkd014_message(KQ1_QKD014_STATUS), m->body, KQ1_READ_FULL);
    kq1_view_add_payload(subtree, pinfo, m->body, payload, NULL, 0);
    /* Its store's fill, for the key links. */
    tap->has_stored_key_count = kq1_params_integer(&payload->top, KQ1_PARAM_STORED_KEY_COUNT, &count);
    tap->stored_key_count = count;
    tap->link = qkd014_link(pinfo, m, tap);
    kq1_view_queue_tap(pinfo, tap);
}

/* The answer to Get key with key IDs: the slave SAE's halves of keys Get key
 * gave the master, compared with them by the key audit. */
static void
view_keys_by_id(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    proto_tree *subtree = add_qkd014_item(tree, pinfo, tvb, "Key container for Get key with key IDs");
    kq1_message_t message = { KQ1_KEY_REQUEST_RESPONSE, NULL, NULL, KQ1_WAY_FROM_LOWER, 0, m->request_frame, true };
    kq1_payload_t *payload;
    const kq1_analysis_t *analysis;
    kq1_tap_info_t *tap;

    if (m->body == NULL) {
        kq1_view_queue_tap(pinfo, qkd014_tap(subtree, pinfo, tvb, m, NULL, NULL));
        return;
    }
    payload = kq1_view_read(pinfo, msg, m->body, kq1_view_reading(tree));
    analysis = kq1_analyse(pinfo, kq1_view_next_pdu(pinfo), &message, payload);
    add_other_halves(subtree, pinfo, m->body, payload, analysis);
    kq1_view_add_findings(subtree, pinfo, m->body, payload);
    tap = qkd014_tap(subtree, pinfo, tvb, m, payload, analysis);
    tap->link = qkd014_link(pinfo, m, tap);
    kq1_view_queue_tap(pinfo, tap);
}

/* Get key with key IDs and Get status, and their answers. */
static void
view_qkd014_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    bool status = m->method == KQ1_HTTP_GET_STATUS;
    const char *method = status ? "Get status" : "Get key with key IDs";
    proto_tree *subtree;

    if (!m->response) {
        subtree = add_qkd014_item(tree, pinfo, tvb, method);
        kq1_view_queue_tap(pinfo, qkd014_tap(subtree, pinfo, tvb, m, NULL, NULL));
        if (status)
            return;
        add_key_id_query(subtree, pinfo, tvb, m->uri_tvb, m->uri);
        if (m->body != NULL)
            add_key_ids(subtree, m->body,
                        kq1_view_read(pinfo, kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS), m->body,
                                      KQ1_READ_FULL));
        return;
    }
    if (m->code < 200 || m->code >= 300) {
        subtree = add_qkd014_item(tree, pinfo, tvb, wmem_strdup_printf(pinfo->pool, "Error for %s", method));
        kq1_view_queue_tap(pinfo, qkd014_tap(subtree, pinfo, tvb, m, NULL, NULL));
        add_refusal(subtree, pinfo, tvb, m, method, add_error_body(subtree, pinfo, m));
        return;
    }
    if (status)
        view_status(tvb, pinfo, tree, m);
    else
        view_keys_by_id(tvb, pinfo, tree, m);
}

/* Get key (enc_keys): the Kq-1 Key request, its number and size from the
 * query and the body. */
static void
view_get_key(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_GET_KEY);
    proto_tree *subtree = add_kq1_item(tree, pinfo, tvb, KQ1_KEY_REQUEST_NAME);
    kq1_payload_t *payload = NULL;
    kq1_ask_t ask = { false, false, 0, 0 };
    kq1_message_t message = { KQ1_KEY_REQUEST, &ask, NULL, KQ1_WAY_FROM_LOWER, 0, 0, false };
    const kq1_analysis_t *analysis;
    kq1_tap_info_t *tap;

    add_query(subtree, pinfo, tvb, m->uri_tvb, m->uri, &ask);
    if (m->body != NULL) {
        payload = kq1_view_read(pinfo, msg, m->body, kq1_view_reading(tree));
        kq1_view_add_payload(subtree, pinfo, m->body, payload, NULL, 0);
        ask.has_number |= kq1_params_integer(&payload->top, KQ1_PARAM_NUMBER_OF_KEYS, &ask.number);
        ask.has_size |= kq1_params_integer(&payload->top, KQ1_PARAM_SIZE_OF_KEY, &ask.size);
    }
    analysis = kq1_analyse(pinfo, kq1_view_next_pdu(pinfo), &message, payload);
    tap = kq1_view_tap_info(pinfo, KQ1_KEY_REQUEST, 0, payload, analysis);
    tap->over_http = true;
    add_connection(subtree, pinfo, tvb, m, payload, tap);
    if (analysis != NULL)
        kq1_view_add_links(subtree, pinfo, tvb, &message, payload, analysis, tap);
    kq1_view_queue_tap(pinfo, tap);
}

/* The key container that answers Get key: the Kq-1 Response to key
 * request, whose Response is the status code; a refusal carries an Error. */
static void
view_key_container(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    bool success = m->code >= 200 && m->code < 300;
    proto_tree *subtree = add_kq1_item(tree, pinfo, tvb, success ? msg->name : "Error for Get key");
    kq1_message_t message = { KQ1_KEY_REQUEST_RESPONSE, NULL, NULL, KQ1_WAY_FROM_LOWER, 0, m->request_frame, false };
    kq1_payload_t *payload = success && m->body != NULL ? kq1_view_read(pinfo, msg, m->body, kq1_view_reading(tree))
                                                        : NULL;
    const kq1_analysis_t *analysis = kq1_analyse(pinfo, kq1_view_next_pdu(pinfo), &message, payload);
    kq1_tap_info_t *tap = kq1_view_tap_info(pinfo, KQ1_KEY_REQUEST_RESPONSE, 0, payload, analysis);
    int code_length;
    char *code;
    tvbuff_t *code_tvb = status_code(pinfo, tvb, m, &code_length, &code);

    tap->over_http = true;
    add_connection(subtree, pinfo, tvb, m, payload, tap);
    kq1_view_add_string(subtree, pinfo, code_tvb, 0, code_length, KQ1_PARAM_RESPONSE, code);
    if (success)
        tap->verdict = kq1_view_add_verdict(subtree, pinfo, code_tvb, 0, code_length, msg->name, code, KQ1_VERDICT_OK,
                                            NULL);
    else
        tap->verdict = add_refusal(subtree, pinfo, tvb, m, msg->name, add_error_body(subtree, pinfo, m));
    tap->link = qkd014_link(pinfo, m, tap);
    if (analysis != NULL)
        kq1_view_add_links(subtree, pinfo, tvb, &message, payload, analysis, tap);
    if (payload != NULL) {
        kq1_view_add_payload(subtree, pinfo, m->body, payload, analysis != NULL ? analysis->key_links : NULL,
                             analysis != NULL ? analysis->n_keys : 0);
        if (analysis != NULL && analysis->transaction != NULL)
            kq1_view_check_against_request(subtree, pinfo, m->body, payload, analysis->transaction, tap->verdict,
                                           "ETSI GS QKD 014's default");
    }
    kq1_view_queue_tap(pinfo, tap);
}

void
kq1_view_http_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    /* What expert infos are filed under (Wireshark sets it back after the
     * postdissector that calls this). */
    pinfo->current_proto = m->method == KQ1_HTTP_GET_KEY ? "Kq-1" : "QKD 014";
    if (m->method != KQ1_HTTP_GET_KEY)
        view_qkd014_message(tvb, pinfo, tree, m);
    else if (m->response)
        view_key_container(tvb, pinfo, tree, m);
    else
        view_get_key(tvb, pinfo, tree, m);
}

void
kq1_view_qkd014_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_qkd014_method,
          { "Method", "qkd014.method", FT_STRING, BASE_NONE, NULL, 0x0,
            "The ETSI GS QKD 014 method the URI names", HFILL } },
        { &hf_qkd014_key_id,
          { "Key ID", "qkd014.key_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "A key asked for or delivered by ID", HFILL } },
        { &hf_qkd014_key_bits,
          { "Key size (bits)", "qkd014.key_bits", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Size of a key delivered by ID, decoded", HFILL } },
        { &hf_qkd014_source_kme_id,
          { "Source KME ID", "qkd014.source_kme_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The KME that answers (Status: source_KME_ID)", HFILL } },
        { &hf_qkd014_target_kme_id,
          { "Target KME ID", "qkd014.target_kme_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The KME at the other end of the link (Status: target_KME_ID)", HFILL } },
        { &hf_qkd014_master_sae_id,
          { "Master SAE ID", "qkd014.master_sae_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The SAE that calls Get key (Status: master_SAE_ID)", HFILL } },
        { &hf_qkd014_slave_sae_id,
          { "Slave SAE ID", "qkd014.slave_sae_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The SAE that calls Get key with key IDs (Status: slave_SAE_ID)", HFILL } },
        { &hf_qkd014_key_size,
          { "Key size", "qkd014.key_size", FT_INT64, BASE_DEC, NULL, 0x0,
            "Default size of a key in bits (Status: key_size)", HFILL } },
        { &hf_qkd014_stored_key_count,
          { "Stored key count", "qkd014.stored_key_count", FT_INT64, BASE_DEC, NULL, 0x0,
            "Keys the KME holds for this link (Status: stored_key_count)", HFILL } },
        { &hf_qkd014_max_key_count,
          { "Maximum key count", "qkd014.max_key_count", FT_INT64, BASE_DEC, NULL, 0x0,
            "Keys the KME can hold for this link (Status: max_key_count)", HFILL } },
        { &hf_qkd014_max_key_per_request,
          { "Maximum keys per request", "qkd014.max_key_per_request", FT_INT64, BASE_DEC, NULL, 0x0,
            "Status: max_key_per_request", HFILL } },
        { &hf_qkd014_max_key_size,
          { "Maximum key size", "qkd014.max_key_size", FT_INT64, BASE_DEC, NULL, 0x0,
            "Largest key size in bits (Status: max_key_size)", HFILL } },
        { &hf_qkd014_min_key_size,
          { "Minimum key size", "qkd014.min_key_size", FT_INT64, BASE_DEC, NULL, 0x0,
            "Smallest key size in bits (Status: min_key_size)", HFILL } },
        { &hf_qkd014_max_sae_id_count,
          { "Maximum SAE ID count", "qkd014.max_sae_id_count", FT_INT64, BASE_DEC, NULL, 0x0,
            "Additional slave SAEs a key may be shared with (Status: max_SAE_ID_count)", HFILL } },
        { &hf_qkd014_status_extension,
          { "Status extension", "qkd014.status_extension", FT_STRING, BASE_NONE, NULL, 0x0,
            "Status: status_extension (JSON text)", HFILL } },
        { &hf_qkd014_error_message,
          { "Error message", "qkd014.error_message", FT_STRING, BASE_NONE, NULL, 0x0,
            "Why a request was refused (Error: message)", HFILL } },
        { &hf_qkd014_error_details,
          { "Error details", "qkd014.error_details", FT_STRING, BASE_NONE, NULL, 0x0,
            "Error: details (JSON text)", HFILL } },
    };
    static int *ett[] = {
        &ett_qkd014,
        &ett_qkd014_key,
    };
    static const struct {
        kq1_param_t param;
        int        *hf;
    } members[] = {
        { KQ1_PARAM_SOURCE_KME_ID,       &hf_qkd014_source_kme_id },
        { KQ1_PARAM_TARGET_KME_ID,       &hf_qkd014_target_kme_id },
        { KQ1_PARAM_MASTER_SAE_ID,       &hf_qkd014_master_sae_id },
        { KQ1_PARAM_SLAVE_SAE_ID,        &hf_qkd014_slave_sae_id },
        { KQ1_PARAM_KEY_SIZE,            &hf_qkd014_key_size },
        { KQ1_PARAM_STORED_KEY_COUNT,    &hf_qkd014_stored_key_count },
        { KQ1_PARAM_MAX_KEY_COUNT,       &hf_qkd014_max_key_count },
        { KQ1_PARAM_MAX_KEY_PER_REQUEST, &hf_qkd014_max_key_per_request },
        { KQ1_PARAM_MAX_KEY_SIZE,        &hf_qkd014_max_key_size },
        { KQ1_PARAM_MIN_KEY_SIZE,        &hf_qkd014_min_key_size },
        { KQ1_PARAM_MAX_SAE_ID_COUNT,    &hf_qkd014_max_sae_id_count },
        { KQ1_PARAM_STATUS_EXTENSION,    &hf_qkd014_status_extension },
        { KQ1_PARAM_ERROR_MESSAGE,       &hf_qkd014_error_message },
        { KQ1_PARAM_ERROR_DETAILS,       &hf_qkd014_error_details },
    };
    static ei_register_info ei[] = {
        { &ei_qkd014_key_id_unknown,
          { "qkd014.key_id_unknown", PI_SEQUENCE, PI_NOTE,
            "Key ID asked for by ID but never delivered", EXPFILL } },
    };

    proto_qkd014 = proto;
    proto_register_field_array(proto_qkd014, hf, array_length(hf));
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        kq1_view_param_field(members[i].param, members[i].hf);
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qkd014), ei, array_length(ei));
}
