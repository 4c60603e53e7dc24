/* packet-kq1-http.c
 * Kq-1 over HTTP(S) as Q.4162 Appendix II maps it to ETSI GS QKD 014: the
 * Key request is Get key (enc_keys), the Response to key request its key
 * container, and the Response the HTTP status code. Appendix II maps only
 * Get key: Get key with key IDs (dec_keys) and Get status are decoded as
 * what they are, ETSI GS QKD 014 messages (protocol "qkd014"), and are not
 * counted as Kq-1. Other paths on the same server are neither.
 *
 * HTTP names no sub-dissector for a URI, so two hooks find the messages
 * without asking HTTP for its fields (which would make Wireshark build a
 * protocol tree for every packet of every capture): a handle for HTTP's
 * application/json bodies, which hands each body to the JSON dissector as
 * before and keeps it for the rest of the frame's dissection; and a
 * postdissector that, on frames HTTP took part in, reads what HTTP's own
 * record says of the request or response just dissected (the URI, status
 * code and request, which packet-http.h publishes for the first pass),
 * when packet-kq1.c's postdissector calls kq1_http_after_frame. The first
 * pass keeps that as the frame's record; every pass decodes from the
 * record and the body HTTP handed over in that pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-http.h>
#include <wsutil/strtoi.h>

#include "packet-kq1-http.h"
#include "kq1-view.h"

/* HTTP's record of a frame's request or response is its proto data under
 * this key; Wireshark 4.0 keeps it there without naming the key. */
#ifndef HTTP_PROTO_DATA_REQRES
#define HTTP_PROTO_DATA_REQRES 0
#endif

#define QKD014_PREFIX "/api/v1/keys/"

/* proto data of a frame, under proto_qkd014 */
#define QKD014_RECORD 0     /* qkd014_record_t, file scope: what the first pass learned */
#define QKD014_BODY   1     /* body_t, pinfo->pool: the body HTTP handed over in this pass */
#define QKD014_LINKS  2     /* kq1_key_link_t[], file scope: the delivered keys' links */

typedef enum {
    QKD014_NONE,
    QKD014_ENC_KEYS,    /* Get key: Kq-1 Key request and Response to key request */
    QKD014_DEC_KEYS,    /* Get key with key IDs: ETSI GS QKD 014 only */
    QKD014_STATUS       /* Get status: ETSI GS QKD 014 only */
} qkd014_method_t;

static int proto_qkd014 = -1;
static protocol_t *qkd014_protocol;
static int proto_http = -1;

static int hf_qkd014_method = -1;
static int hf_qkd014_key_id = -1;
static int ett_qkd014 = -1;
static expert_field ei_qkd014_key_id_unknown = EI_INIT;

static dissector_handle_t json_handle;

/* Request frame (enc_keys) -> kq1_transaction_t: its time, and what Get key
 * asked for, for checking the key container that answers it. */
static wmem_map_t *requests;

#if !KQ1_HTTP_REQ_RES_HAS_URI
/* Request frame -> its qkd014_record_t, for the QKD 014 requests of the
 * first pass: a response whose request is not in it is no QKD 014 one. */
static wmem_map_t *requests_seen;
#endif

/* What the first pass learned of one QKD 014 HTTP message from HTTP. */
typedef struct {
    qkd014_method_t method;
    bool            response;
    const char     *uri;            /* a request's, or the URI of a response's request */
    uint32_t        code;           /* of a response */
    uint32_t        request_frame;  /* of a response: its request's frame, 0 if unknown */
} qkd014_record_t;

/* The application/json bodies HTTP handed over in this pass of a frame. */
typedef struct {
    tvbuff_t *tvb;          /* the first */
    unsigned  count;
} body_t;

/* The QKD 014 method a path (or URL) names, from ".../api/v1/keys/{SAE_ID}/{method}". */
static qkd014_method_t
classify(const char *uri)
{
    const char *path = strstr(uri, QKD014_PREFIX);
    const char *method;
    gsize length;

    if (path == NULL)
        return QKD014_NONE;
    path += strlen(QKD014_PREFIX);
    method = strchr(path, '/');
    if (method == NULL || method == path)
        return QKD014_NONE;     /* no SAE_ID */
    method++;
    length = strcspn(method, "?#");
    if (length == 8 && strncmp(method, "enc_keys", 8) == 0)
        return QKD014_ENC_KEYS;
    if (length == 8 && strncmp(method, "dec_keys", 8) == 0)
        return QKD014_DEC_KEYS;
    if (length == 6 && strncmp(method, "status", 6) == 0)
        return QKD014_STATUS;
    return QKD014_NONE;
}

/* --- finding the messages ------------------------------------------------ */

/* An application/json body of an HTTP message: kept for the postdissector
 * of this pass, then handed to the JSON dissector with what HTTP passed. */
static int
dissect_json_body(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    body_t *body = (body_t *)p_get_proto_data(pinfo->pool, pinfo, proto_qkd014, QKD014_BODY);

    if (body == NULL) {
        body = wmem_new0(pinfo->pool, body_t);
        body->tvb = tvb;
        p_add_proto_data(pinfo->pool, pinfo, proto_qkd014, QKD014_BODY, body);
    }
    body->count++;
    return call_dissector_only(json_handle, tvb, pinfo, tree, data);
}

/* true when HTTP took part in dissecting this frame. */
static bool
frame_has_http(const packet_info *pinfo)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer != NULL;
         layer = wmem_list_frame_next(layer)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(layer)) == proto_http)
            return true;
    }
    return false;
}

#if !KQ1_HTTP_REQ_RES_HAS_URI
/* HTTP's conversation record (Wireshark 4.0 keeps the last request's URI
 * and the last status code there), or NULL. */
static const http_conv_t *
http_conversation(packet_info *pinfo)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);

    return conversation != NULL ? (const http_conv_t *)conversation_get_proto_data(conversation, proto_http)
                                : NULL;
}
#endif

/* The record of the QKD 014 message HTTP has just dissected in this frame
 * (first pass), from HTTP's record of the frame's request or response;
 * NULL for none. Most HTTP frames are answered from that record alone:
 * Wireshark 4.0 keeps the URI and status code in the conversation only,
 * looked up for its requests and for the responses to QKD 014 requests. */
static qkd014_record_t *
record_message(packet_info *pinfo)
{
    const http_req_res_t *message = (const http_req_res_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_http,
                                                                             HTTP_PROTO_DATA_REQRES);
    qkd014_record_t record = { 0 }, *kept;
    const char *uri;

    if (message == NULL)
        return NULL;
    record.response = message->res_framenum == pinfo->num;
    record.request_frame = record.response ? message->req_framenum : 0;
#if KQ1_HTTP_REQ_RES_HAS_URI
    uri = message->request_uri;
    record.code = message->response_code;
#else
    {
        const qkd014_record_t *request = record.response
                                         ? (const qkd014_record_t *)wmem_map_lookup(requests_seen,
                                                                                    GUINT_TO_POINTER(record.request_frame))
                                         : NULL;
        const http_conv_t *http;

        if ((record.response && request == NULL) || (http = http_conversation(pinfo)) == NULL)
            return NULL;
        uri = record.response ? request->uri : http->request_uri;
        record.code = record.response ? http->response_code : 0;
    }
#endif
    if (uri == NULL || (record.method = classify(uri)) == QKD014_NONE)
        return NULL;
    kept = wmem_new(wmem_file_scope(), qkd014_record_t);
    *kept = record;
    kept->uri = wmem_strdup(wmem_file_scope(), uri);
#if !KQ1_HTTP_REQ_RES_HAS_URI
    if (!record.response)
        wmem_map_insert(requests_seen, GUINT_TO_POINTER(pinfo->num), kept);
#endif
    return kept;
}

/* --- every pass: the decode from the record ------------------------------- */

/* Where text (length bytes) first is in the bytes of this frame: the
 * data source that holds it (HTTP's reassembled or decrypted bytes come
 * after the frame's own, and are looked in first), or NULL. Only the
 * frames of QKD 014 messages are searched, for the bytes their fields
 * cover. */
static tvbuff_t *
find_text(packet_info *pinfo, const char *text, int length, int *offset)
{
    tvbuff_t *found = NULL;

    if (length <= 0)
        return NULL;
    for (GSList *ds = pinfo->data_src; ds != NULL; ds = ds->next) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)ds->data);
        int at = 0;

        while ((at = tvb_find_uint8(tvb, at, -1, (uint8_t)text[0])) >= 0) {
            if (tvb_strneql(tvb, at, text, (size_t)length) == 0) {
                found = tvb;
                *offset = at;
                break;
            }
            at++;
        }
    }
    return found;
}

/* The bytes of a request's URI, or NULL when this pass cannot find them. */
static tvbuff_t *
uri_tvb(packet_info *pinfo, const qkd014_record_t *record)
{
    int length = (int)strlen(record->uri), offset;
    tvbuff_t *tvb = find_text(pinfo, record->uri, length, &offset);

    return tvb != NULL ? tvb_new_subset_length(tvb, offset, length) : NULL;
}

/* The bytes of a response's status code, or NULL. */
static tvbuff_t *
code_tvb(packet_info *pinfo, const qkd014_record_t *record)
{
    static const char *versions[] = { "HTTP/1.1 ", "HTTP/1.0 " };

    for (gsize i = 0; i < G_N_ELEMENTS(versions); i++) {
        char *line = wmem_strdup_printf(pinfo->pool, "%s%03u", versions[i], record->code);
        int offset;
        tvbuff_t *tvb = find_text(pinfo, line, (int)strlen(line), &offset);

        if (tvb != NULL)
            return tvb_new_subset_length(tvb, offset + (int)strlen(versions[i]), 3);
    }
    return NULL;
}

static proto_tree *
add_kq1_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const char *message, const char *method)
{
    col_append_fstr(pinfo->cinfo, COL_INFO, " [Kq-1 %s]", message);
    return kq1_view_add_tree(tree, tvb,
                             wmem_strdup_printf(pinfo->pool, "Kq-1 (ETSI GS QKD 014, Q.4162 Appendix II), %s [%s]",
                                                message, method));
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
          kq1_transaction_t *request)
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
            kq1_add_wrong_type(tree, pinfo, pair.tvb, pair.offset, pair.bytes,
                               wmem_strdup_printf(pinfo->pool, "%s in the query is \"%s\", expected an integer",
                                                  name, value));
            continue;
        }
        if (strcmp(name, "number") == 0) {
            kq1_add_integer(tree, pair.tvb, pair.offset, pair.bytes, KQ1_PARAM_NUMBER_OF_KEYS, number);
            request->has_number = true;
            request->number = number;
        } else {
            kq1_add_integer(tree, pair.tvb, pair.offset, pair.bytes, KQ1_PARAM_SIZE_OF_KEY, number);
            request->has_size = true;
            request->size = number;
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

static void
dissect_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qkd014_record_t *record,
                tvbuff_t *body)
{
    tvbuff_t *uri = uri_tvb(pinfo, record);
    kq1_transaction_t request = { 0 };
    kq1_tap_info_t *tap;
    proto_tree *subtree;

    if (record->method == QKD014_STATUS) {
        add_qkd014_item(tree, pinfo, tvb, "Get status");
        return;
    }
    if (record->method == QKD014_DEC_KEYS) {
        subtree = add_qkd014_item(tree, pinfo, tvb, "Get key with key IDs");
        add_key_id_query(subtree, pinfo, tvb, uri, record->uri);
        if (body != NULL)
            add_key_ids(subtree, pinfo, body,
                        kq1_view_check(pinfo, kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS), body), false);
        return;
    }
    subtree = add_kq1_item(tree, pinfo, tvb, "Key request", "Get key");
    add_query(subtree, pinfo, tvb, uri, record->uri, &request);
    if (body != NULL) {
        const kq1_payload_t *payload = kq1_view_check(pinfo, kq1_qkd014_message(KQ1_QKD014_GET_KEY), body);

        kq1_add_checked_payload(subtree, pinfo, body, payload, NULL, 0);
        request.has_number |= kq1_params_integer(&payload->top, KQ1_PARAM_NUMBER_OF_KEYS, &request.number);
        request.has_size |= kq1_params_integer(&payload->top, KQ1_PARAM_SIZE_OF_KEY, &request.size);
    }
    if (!PINFO_FD_VISITED(pinfo)) {
        kq1_transaction_t *kept = wmem_new(wmem_file_scope(), kq1_transaction_t);

        *kept = request;
        kept->request_frame = pinfo->num;
        kept->request_time = pinfo->abs_ts;
        wmem_map_insert(requests, GUINT_TO_POINTER(pinfo->num), kept);
    }
    tap = wmem_new0(pinfo->pool, kq1_tap_info_t);
    tap->code = KQ1_KEY_REQUEST;
    kq1_queue_tap(pinfo, tap);
}

/* The Error body of a refusal says why: its "message". */
static const char *
error_message(packet_info *pinfo, tvbuff_t *body)
{
    const char *message;

    if (body == NULL)
        return NULL;
    /* Read as a message with no parameters: only its JSON is read. */
    message = kq1_payload_member_string(kq1_view_check(pinfo, NULL, body), tvb_get_ptr(body, 0, -1), "message");
    return message != NULL ? wmem_strdup(pinfo->pool, message) : NULL;
}

/* Where each delivered key's ID was delivered before (first pass), kept
 * for later passes. */
static const kq1_key_link_t *
key_links(packet_info *pinfo, const kq1_payload_t *payload)
{
    kq1_key_link_t *links = (kq1_key_link_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qkd014,
                                                               QKD014_LINKS);

    if (links != NULL || PINFO_FD_VISITED(pinfo))
        return links;
    links = wmem_alloc0_array(wmem_file_scope(), kq1_key_link_t, payload->keys->len + 1);
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const char *key_id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);

        /* HTTP responses are not seen twice; the frame stands for the message. */
        if (key_id != NULL)
            links[i] = kq1_note_key_supply(pinfo, key_id, NULL);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_qkd014, QKD014_LINKS, links);
    return links;
}

static void
dissect_response(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qkd014_record_t *record,
                 tvbuff_t *body)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    tvbuff_t *status = code_tvb(pinfo, record);
    bool success = record->code >= 200 && record->code < 300;
    kq1_transaction_t *request = NULL;
    kq1_tap_info_t *tap;
    proto_tree *subtree;
    char *response;
    int code_length;

    if (record->method == QKD014_STATUS) {
        add_qkd014_item(tree, pinfo, tvb, "Status");
        return;
    }
    if (record->method == QKD014_DEC_KEYS) {
        subtree = add_qkd014_item(tree, pinfo, tvb, "Key container for Get key with key IDs");
        if (success && body != NULL)
            add_key_ids(subtree, pinfo, body, kq1_view_check(pinfo, msg, body), true);
        return;
    }
    subtree = add_kq1_item(tree, pinfo, tvb, msg->name, "Get key");
    tap = wmem_new0(pinfo->pool, kq1_tap_info_t);
    tap->code = KQ1_KEY_REQUEST_RESPONSE;

    /* The Response is the status code (over its bytes, when this pass finds them). */
    response = wmem_strdup_printf(pinfo->pool, "%u", record->code);
    code_length = status != NULL ? (int)tvb_captured_length(status) : 0;
    if (status == NULL)
        status = tvb;
    kq1_add_string(subtree, pinfo, status, 0, code_length, KQ1_PARAM_RESPONSE, response);
    if (success) {
        tap->verdict = kq1_add_verdict(subtree, pinfo, status, 0, code_length, msg,
                                       response, KQ1_VERDICT_OK, NULL);
    } else {
        const char *reason = error_message(pinfo, body);

        tap->verdict = kq1_add_verdict(subtree, pinfo, status, 0, code_length, msg,
                                       response, KQ1_VERDICT_FAILED,
                                       reason != NULL
                                       ? wmem_strdup_printf(pinfo->pool, "an HTTP error status, \"%s\"",
                                                            kq1_escaped(pinfo, reason))
                                       : "an HTTP error status");
    }
    if (record->request_frame != 0) {
        request = (kq1_transaction_t *)wmem_map_lookup(requests, GUINT_TO_POINTER(record->request_frame));
        if (request != NULL) {
            nstime_delta(&tap->response_time, &pinfo->abs_ts, &request->request_time);
            tap->answered = true;
            kq1_add_link(subtree, tvb, true, request->request_frame, &tap->response_time);
        }
    }

    /* A success carries a key container; a refusal an Error, not judged here. */
    if (success && body != NULL) {
        const kq1_payload_t *payload = kq1_view_check(pinfo, msg, body);
        const kq1_key_link_t *links = key_links(pinfo, payload);

        kq1_add_checked_payload(subtree, pinfo, body, payload, links, links ? payload->keys->len : 0);
        if (request != NULL)
            kq1_check_against_request(subtree, pinfo, body, payload, request, tap->verdict,
                                      "ETSI GS QKD 014's default");
        tap->n_keys = payload->keys->len;
        tap->keys = wmem_alloc0_array(pinfo->pool, kq1_tap_key_t, payload->keys->len);
        for (unsigned i = 0; i < payload->keys->len; i++) {
            const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
            const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);

            tap->keys[i].key_id = key_id ? wmem_strdup(pinfo->pool, key_id) : NULL;
            tap->keys[i].bits = (uint32_t)(key->key.len * 8);
            tap->keys[i].first_frame = links ? links[i].reused_from : 0;
        }
    }
    kq1_queue_tap(pinfo, tap);
}

void
kq1_http_after_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    qkd014_record_t *record;
    body_t *body;

    if (!frame_has_http(pinfo) || !proto_is_protocol_enabled(qkd014_protocol))
        return;
    record = (qkd014_record_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qkd014, QKD014_RECORD);
    if (record == NULL && !PINFO_FD_VISITED(pinfo)) {
        record = record_message(pinfo);
        if (record != NULL)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_qkd014, QKD014_RECORD, record);
    }
    body = (body_t *)p_get_proto_data(pinfo->pool, pinfo, proto_qkd014, QKD014_BODY);
    /* Several HTTP messages in one frame are not told apart. */
    if (record == NULL || (body != NULL && body->count > 1))
        return;
    if (record->response)
        dissect_response(tree, pinfo, tvb, record, body != NULL ? body->tvb : NULL);
    else
        dissect_request(tree, pinfo, tvb, record, body != NULL ? body->tvb : NULL);
}

void
kq1_http_register(void)
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

    proto_qkd014 = proto_register_protocol("ETSI GS QKD 014 key delivery (beside Kq-1)", "QKD 014", "qkd014");
    proto_register_field_array(proto_qkd014, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qkd014), ei, array_length(ei));
    requests = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
#if !KQ1_HTTP_REQ_RES_HAS_URI
    requests_seen = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
#endif
}

void
kq1_http_handoff(void)
{
    proto_http = proto_get_id_by_filter_name("http");
    qkd014_protocol = find_protocol_by_id(proto_qkd014);
    json_handle = find_dissector_add_dependency("json", proto_qkd014);
    /* In place of the JSON dissector's own entry, which it calls: no
     * protocol of its own, so it adds no layer and no protocol can disable
     * HTTP's JSON bodies through it. */
    dissector_add_string("media_type", "application/json",
                         create_dissector_handle_with_name_and_description(dissect_json_body, -1,
                                                                           "kq1_qkd014_json",
                                                                           "JSON (ETSI GS QKD 014 bodies for Kq-1)"));
}
