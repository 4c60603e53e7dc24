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
#include <epan/expert.h>
#include <wsutil/strtoi.h>

#include "kq1-view.h"
#include "kq1-view-parts.h"

static int proto_qkd014 = -1;

static int hf_qkd014_method = -1;
static int hf_qkd014_key_id = -1;
static int ett_qkd014 = -1;
static expert_field ei_qkd014_key_id_unknown = EI_INIT;

/* A Kq-1 message of Appendix II: its item in the Kq-1 tree. */
static proto_tree *
add_kq1_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const char *message)
{
    col_append_fstr(pinfo->cinfo, COL_INFO, " [Kq-1 %s]", message);
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

    col_append_fstr(pinfo->cinfo, COL_INFO, " [ETSI GS QKD 014 %s]", message);
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

/* The key IDs of a dec_keys body or key container, each checked against
 * the keys Get key delivered. */
static void
add_key_ids(proto_tree *tree, packet_info *pinfo, tvbuff_t *body, const kq1_payload_t *payload, bool delivered)
{
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
        const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);
        proto_item *item;

        if (key_id == NULL)
            continue;
        item = proto_tree_add_string(tree, hf_qkd014_key_id, body, (int)key->self.offset, (int)key->self.length,
                                     key_id);
        if (delivered && !kq1_key_id_seen(key_id))
            expert_add_info_format(pinfo, item, &ei_qkd014_key_id_unknown,
                                   "Key ID %s was not delivered by any Get key (enc_keys) in this capture",
                                   kq1_escaped(pinfo, key_id));
    }
}

/* Get key with key IDs and Get status, and their responses. */
static void
view_qkd014_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    proto_tree *subtree;
    bool success = m->code >= 200 && m->code < 300;

    if (m->method == KQ1_HTTP_GET_STATUS) {
        add_qkd014_item(tree, pinfo, tvb, m->response ? "Status" : "Get status");
        return;
    }
    if (!m->response) {
        subtree = add_qkd014_item(tree, pinfo, tvb, "Get key with key IDs");
        add_key_id_query(subtree, pinfo, tvb, m->uri_tvb, m->uri);
        if (m->body != NULL)
            add_key_ids(subtree, pinfo, m->body,
                        kq1_view_read(pinfo, kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS), m->body,
                                      KQ1_READ_FULL), false);
        return;
    }
    subtree = add_qkd014_item(tree, pinfo, tvb, "Key container for Get key with key IDs");
    if (success && m->body != NULL)
        add_key_ids(subtree, pinfo, m->body,
                    kq1_view_read(pinfo, kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER), m->body, KQ1_READ_FULL),
                    true);
}

/* The Error body of a refusal says why: its "message". */
static const char *
error_message(packet_info *pinfo, tvbuff_t *body)
{
    const char *message;

    if (body == NULL)
        return NULL;
    /* Read as a message with no parameters: only its JSON is read. */
    message = kq1_payload_member_string(kq1_view_read(pinfo, NULL, body, KQ1_READ_FULL), tvb_get_ptr(body, 0, -1),
                                        "message");
    return message != NULL ? wmem_strdup(pinfo->pool, message) : NULL;
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
    if (analysis != NULL)
        kq1_view_add_links(subtree, pinfo, tvb, &message, payload, analysis, tap);
    kq1_view_queue_tap(pinfo, tap);
}

/* The key container that answers Get key: the Kq-1 Response to key
 * request, whose Response is the status code. */
static void
view_key_container(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    proto_tree *subtree = add_kq1_item(tree, pinfo, tvb, msg->name);
    bool success = m->code >= 200 && m->code < 300;
    kq1_message_t message = { KQ1_KEY_REQUEST_RESPONSE, NULL, NULL, KQ1_WAY_FROM_LOWER, 0, m->request_frame, false };
    /* A success carries a key container; a refusal an Error, not judged here. */
    kq1_payload_t *payload = success && m->body != NULL ? kq1_view_read(pinfo, msg, m->body, kq1_view_reading(tree))
                                                        : NULL;
    const kq1_analysis_t *analysis = kq1_analyse(pinfo, kq1_view_next_pdu(pinfo), &message, payload);
    kq1_tap_info_t *tap = kq1_view_tap_info(pinfo, KQ1_KEY_REQUEST_RESPONSE, 0, payload, analysis);
    /* The Response is the status code (over its bytes, when this pass finds them). */
    tvbuff_t *status = m->code_tvb != NULL ? m->code_tvb : tvb;
    int code_length = m->code_tvb != NULL ? (int)tvb_captured_length(m->code_tvb) : 0;
    char *response = wmem_strdup_printf(pinfo->pool, "%u", m->code);
    const char *reason;

    kq1_view_add_string(subtree, pinfo, status, 0, code_length, KQ1_PARAM_RESPONSE, response);
    if (success) {
        tap->verdict = kq1_view_add_verdict(subtree, pinfo, status, 0, code_length, msg, response, KQ1_VERDICT_OK, NULL);
    } else {
        reason = error_message(pinfo, m->body);
        tap->verdict = kq1_view_add_verdict(subtree, pinfo, status, 0, code_length, msg, response, KQ1_VERDICT_FAILED,
                                            reason != NULL
                                            ? wmem_strdup_printf(pinfo->pool, "an HTTP error status, \"%s\"",
                                                                 kq1_escaped(pinfo, reason))
                                            : "an HTTP error status");
    }
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
    };
    static int *ett[] = {
        &ett_qkd014,
    };
    static ei_register_info ei[] = {
        { &ei_qkd014_key_id_unknown,
          { "qkd014.key_id_unknown", PI_SEQUENCE, PI_NOTE,
            "Key ID asked for by ID but never delivered", EXPFILL } },
    };

    proto_qkd014 = proto;
    proto_register_field_array(proto_qkd014, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qkd014), ei, array_length(ei));
}
