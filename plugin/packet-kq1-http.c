/* packet-kq1-http.c
 * Kq-1 over HTTP(S) as Q.4162 Appendix II maps it to ETSI GS QKD 014: the
 * Key request is Get key (enc_keys), the Response to key request its key
 * container, and the Response the HTTP status code. Get key with key IDs
 * (dec_keys) and Get status are recognised too. Other paths on the same
 * server are not Kq-1.
 *
 * Wireshark 4.0's HTTP dissector hands JSON bodies to the JSON dissector by
 * media type and tells no one the URI, so this is a postdissector that asks
 * for HTTP's fields and reads the body from the data source HTTP made of it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/proto_data.h>
#include <wsutil/strtoi.h>

#include "packet-kq1-http.h"
#include "kq1-view.h"

#define QKD014_PREFIX "/api/v1/keys/"

/* proto data key of a response's key reuse findings (keys 0.. belong to TCP Kq-1) */
#define QKD014_DATA_KEY 0x10000

typedef enum {
    QKD014_NONE,
    QKD014_ENC_KEYS,    /* Get key: Kq-1 Key request and Response to key request */
    QKD014_DEC_KEYS,    /* Get key with key IDs */
    QKD014_STATUS       /* Get status */
} qkd014_method_t;

static int proto_kq1 = -1;

/* HTTP's fields this reads (registered by HTTP, looked up by name). */
static int http_method_id = -1;
static int http_uri_id = -1;
static int http_code_id = -1;
static int http_response_for_uri_id = -1;
static int http_request_in_id = -1;
static int http_file_data_id = -1;

/* Request frame (enc_keys, dec_keys) -> kq1_transaction_t: its time, and
 * what Get key asked for, for checking the key container that answers it. */
static wmem_map_t *requests;

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

/* The only field_info of hf in tree, or NULL (none, or several HTTP
 * messages in one frame, which are not told apart). */
static field_info *
single_field(proto_tree *tree, int hf)
{
    GPtrArray *found = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    return found != NULL && found->len == 1 ? (field_info *)g_ptr_array_index(found, 0) : NULL;
}

static tvbuff_t *
field_tvb(field_info *fi)
{
    return tvb_new_subset_length(fi->ds_tvb, fi->start, fi->length);
}

static proto_tree *
add_kq1_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const char *message, const char *method)
{
    col_append_fstr(pinfo->cinfo, COL_INFO, " [Kq-1 %s]", message);
    return kq1_view_add_tree(tree, tvb,
                             wmem_strdup_printf(pinfo->pool, "Kq-1 (ETSI GS QKD 014, Q.4162 Appendix II), %s [%s]",
                                                message, method));
}

/* number=, size= and key_ID= of a query, as Kq-1 fields over the URI's bytes. */
static void
add_query(proto_tree *tree, packet_info *pinfo, field_info *uri_fi, const char *uri,
          kq1_transaction_t *request)
{
    tvbuff_t *tvb = field_tvb(uri_fi);
    const char *query = strchr(uri, '?');

    if (query == NULL)
        return;
    for (const char *start = query + 1; *start != '\0'; ) {
        const char *end = start + strcspn(start, "&");
        int offset = (int)(start - uri);
        int length = (int)(end - start);
        char *name = wmem_strndup(pinfo->pool, start, (size_t)length);
        char *value = strchr(name, '=');
        int64_t number;

        start = *end == '&' ? end + 1 : end;
        if (value == NULL)
            continue;
        if (offset + length > (int)tvb_captured_length(tvb))
            offset = length = 0;    /* HTTP's text and bytes differ: no highlight */
        *value++ = '\0';
        if (strcmp(name, "key_ID") == 0) {
            kq1_add_string(tree, pinfo, tvb, offset, length, KQ1_PARAM_KEY_ID, value);
            continue;
        }
        if (strcmp(name, "number") != 0 && strcmp(name, "size") != 0)
            continue;
        if (!ws_strtoi64(value, NULL, &number)) {
            kq1_add_wrong_type(tree, pinfo, tvb, offset, length,
                               wmem_strdup_printf(pinfo->pool, "%s in the query is \"%s\", expected an integer",
                                                  name, value));
            continue;
        }
        if (strcmp(name, "number") == 0) {
            kq1_add_integer(tree, tvb, offset, length, KQ1_PARAM_NUMBER_OF_KEYS, number);
            request->has_number = true;
            request->number = number;
        } else {
            kq1_add_integer(tree, tvb, offset, length, KQ1_PARAM_SIZE_OF_KEY, number);
            request->has_size = true;
            request->size = number;
        }
    }
}

static void
dissect_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, field_info *uri_fi)
{
    const char *uri = fvalue_get_string(KQ1_FIELD_VALUE(uri_fi));
    field_info *method_fi = single_field(tree, http_method_id);
    field_info *body_fi = single_field(tree, http_file_data_id);
    qkd014_method_t method = classify(uri);
    const char *http_method = method_fi != NULL ? fvalue_get_string(KQ1_FIELD_VALUE(method_fi)) : "?";
    kq1_transaction_t request = { 0 };
    kq1_tap_info_t *tap;
    proto_tree *kq1_tree;

    if (method == QKD014_NONE)
        return;
    if (method == QKD014_STATUS) {
        add_kq1_item(tree, pinfo, tvb, "Get status", http_method);
        return;
    }
    kq1_tree = add_kq1_item(tree, pinfo, tvb,
                            method == QKD014_ENC_KEYS ? "Key request" : "Key request with key IDs",
                            method == QKD014_ENC_KEYS ? "Get key" : "Get key with key IDs");
    add_query(kq1_tree, pinfo, uri_fi, uri, &request);
    if (body_fi != NULL && body_fi->length > 0) {
        tvbuff_t *body = field_tvb(body_fi);
        const kq1_payload_t *payload = kq1_view_check(pinfo, kq1_qkd014_message(method == QKD014_ENC_KEYS
                                                                                ? KQ1_QKD014_GET_KEY
                                                                                : KQ1_QKD014_GET_KEY_WITH_IDS),
                                                      body);

        kq1_add_checked_payload(kq1_tree, pinfo, body, payload, NULL, 0);
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
error_message(packet_info *pinfo, field_info *body_fi)
{
    tvbuff_t *body;
    JsonParser *parser;
    const char *text;
    const char *message = NULL;

    if (body_fi == NULL || body_fi->length <= 0)
        return NULL;
    body = field_tvb(body_fi);
    /* tvb_get_ptr may throw: before the parser is made. */
    text = (const char *)tvb_get_ptr(body, 0, body_fi->length);
    parser = json_parser_new();
    if (json_parser_load_from_data(parser, text, body_fi->length, NULL)) {
        JsonNode *root = json_parser_get_root(parser);

        if (root != NULL && JSON_NODE_HOLDS_OBJECT(root)) {
            JsonNode *node = json_object_get_member(json_node_get_object(root), "message");

            if (node != NULL && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
                message = wmem_strdup(pinfo->pool, json_node_get_string(node));
        }
    }
    g_object_unref(parser);
    return message;
}

/* Where each delivered key's ID was delivered before (first pass), kept
 * for later passes. */
static const kq1_key_link_t *
key_reuse(packet_info *pinfo, const kq1_payload_t *payload)
{
    kq1_key_link_t *first = (kq1_key_link_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1, QKD014_DATA_KEY);

    if (first != NULL || PINFO_FD_VISITED(pinfo))
        return first;
    first = wmem_alloc0_array(wmem_file_scope(), kq1_key_link_t, payload->keys->len + 1);
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const char *key_id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);

        /* HTTP responses are not seen twice; the frame stands for the message. */
        if (key_id != NULL)
            first[i] = kq1_note_key_supply(pinfo, NULL, pinfo->num, i, key_id, NULL);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1, QKD014_DATA_KEY, first);
    return first;
}

static void
dissect_response(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, field_info *code_fi, const char *url)
{
    qkd014_method_t method = classify(url);
    field_info *body_fi = single_field(tree, http_file_data_id);
    field_info *request_fi = single_field(tree, http_request_in_id);
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    uint32_t code = fvalue_get_uinteger(KQ1_FIELD_VALUE(code_fi));
    kq1_transaction_t *request = NULL;
    kq1_tap_info_t *tap;
    proto_tree *kq1_tree;
    char *response;

    if (method == QKD014_NONE)
        return;
    if (method == QKD014_STATUS) {
        add_kq1_item(tree, pinfo, tvb, "Status", "Get status");
        return;
    }
    kq1_tree = add_kq1_item(tree, pinfo, tvb, msg->name,
                            method == QKD014_ENC_KEYS ? "Get key" : "Get key with key IDs");
    tap = wmem_new0(pinfo->pool, kq1_tap_info_t);
    tap->code = KQ1_KEY_REQUEST_RESPONSE;

    /* The Response is the status code. */
    response = wmem_strdup_printf(pinfo->pool, "%u", code);
    kq1_add_string(kq1_tree, pinfo, code_fi->ds_tvb, code_fi->start, code_fi->length, KQ1_PARAM_RESPONSE, response);
    if (code >= 200 && code < 300) {
        tap->verdict = kq1_add_verdict(kq1_tree, pinfo, code_fi->ds_tvb, code_fi->start, code_fi->length, msg,
                                       response, KQ1_VERDICT_OK, NULL);
    } else {
        const char *reason = error_message(pinfo, body_fi);

        tap->verdict = kq1_add_verdict(kq1_tree, pinfo, code_fi->ds_tvb, code_fi->start, code_fi->length, msg,
                                       response, KQ1_VERDICT_FAILED,
                                       reason != NULL
                                       ? wmem_strdup_printf(pinfo->pool, "an HTTP error status, \"%s\"",
                                                            kq1_escaped(pinfo, reason))
                                       : "an HTTP error status");
    }
    if (request_fi != NULL) {
        request = (kq1_transaction_t *)wmem_map_lookup(requests,
                                                       GUINT_TO_POINTER(fvalue_get_uinteger(KQ1_FIELD_VALUE(request_fi))));
        if (request != NULL) {
            nstime_delta(&tap->response_time, &pinfo->abs_ts, &request->request_time);
            tap->answered = true;
            kq1_add_link(kq1_tree, tvb, true, request->request_frame, &tap->response_time);
        }
    }

    /* A success carries a key container; a refusal an Error, not judged here. */
    if (code >= 200 && code < 300 && body_fi != NULL && body_fi->length > 0) {
        tvbuff_t *body = field_tvb(body_fi);
        const kq1_payload_t *payload = kq1_view_check(pinfo, msg, body);
        const kq1_key_link_t *first = NULL;

        if (method == QKD014_ENC_KEYS)
            first = key_reuse(pinfo, payload);
        kq1_add_checked_payload(kq1_tree, pinfo, body, payload, first, first ? payload->keys->len : 0);
        if (method == QKD014_ENC_KEYS && request != NULL)
            kq1_check_against_request(kq1_tree, pinfo, body, payload, request, tap->verdict,
                                      "ETSI GS QKD 014's default");
        if (method == QKD014_DEC_KEYS) {
            /* The keys the other SAE was given by Get key. */
            for (unsigned i = 0; i < payload->keys->len; i++) {
                const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
                const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);

                if (key_id != NULL && !kq1_key_id_seen(key_id))
                    kq1_add_key_id_unknown(kq1_tree, pinfo, body, (int)key->self.offset,
                                           (int)key->self.length, key_id);
            }
        }
        if (method == QKD014_ENC_KEYS) {
            tap->n_keys = payload->keys->len;
            tap->keys = wmem_alloc0_array(pinfo->pool, kq1_tap_key_t, payload->keys->len);
            for (unsigned i = 0; i < payload->keys->len; i++) {
                const kq1_params_t *key = &g_array_index(payload->keys, kq1_params_t, i);
                const char *key_id = kq1_params_string(key, KQ1_PARAM_KEY_ID);

                tap->keys[i].key_id = key_id ? wmem_strdup(pinfo->pool, key_id) : NULL;
                tap->keys[i].bits = (uint32_t)(key->key.len * 8);
                tap->keys[i].first_frame = first ? first[i].reused_from : 0;
            }
        }
    }
    kq1_queue_tap(pinfo, tap);
}

static int
dissect_kq1_qkd014(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    field_info *uri_fi, *code_fi, *for_fi;

    if (tree == NULL)
        return 0;
    /* A response names its request's URI: http.response_for.uri in
     * Wireshark 4.0, a generated http.request.uri in 4.4 and 4.6 (where
     * http.response_for.uri is gone). */
    if ((code_fi = single_field(tree, http_code_id)) != NULL) {
        for_fi = single_field(tree, http_response_for_uri_id > 0 ? http_response_for_uri_id : http_uri_id);
        if (for_fi != NULL)
            dissect_response(tree, pinfo, tvb, code_fi, fvalue_get_string(KQ1_FIELD_VALUE(for_fi)));
    } else if ((uri_fi = single_field(tree, http_uri_id)) != NULL)
        dissect_request(tree, pinfo, tvb, uri_fi);
    return 0;
}

void
kq1_http_register(int proto)
{
    proto_kq1 = proto;
    requests = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void
kq1_http_handoff(void)
{
    dissector_handle_t handle = create_dissector_handle(dissect_kq1_qkd014, proto_kq1);
    GArray *wanted = g_array_new(false, false, sizeof(int));
    int *ids[] = { &http_method_id, &http_uri_id, &http_code_id, &http_response_for_uri_id,
                   &http_request_in_id, &http_file_data_id };
    const char *names[] = { "http.request.method", "http.request.uri", "http.response.code",
                            "http.response_for.uri", "http.request_in", "http.file_data" };

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        *ids[i] = proto_registrar_get_id_byname(names[i]);
        if (*ids[i] > 0)
            g_array_append_val(wanted, *ids[i]);
    }
    register_postdissector(handle);
    set_postdissector_wanted_hfids(handle, wanted);
}
