/* packet-kq1-http.c
 * Kq-1 over HTTP(S) as Q.4162 Appendix II maps it to ETSI GS QKD 014: the
 * Key request is Get key (enc_keys), the Response to key request its key
 * container, and the Response the HTTP status code. Appendix II maps only
 * Get key: Get key with key IDs (dec_keys) and Get status are decoded as
 * what they are, ETSI GS QKD 014 messages (protocol "qkd014"), and are not
 * counted as Kq-1. Other paths on the same server are neither.
 *
 * HTTP hands JSON bodies to the JSON dissector by media type and tells no
 * one the URI, so this is a postdissector that reads HTTP's fields. Wireshark
 * gives a postdissector the fields it wants on the first pass only (a
 * second pass, a re-applied filter and the GUI's packet details do not
 * prime them): the first pass records where the URI, status code and body
 * are (a data source of the frame and a span in it) with what HTTP said,
 * and every pass, the first included, decodes from that record.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/proto_data.h>
#include <wsutil/strtoi.h>

#include "packet-kq1-http.h"
#include "kq1-view.h"

#define QKD014_PREFIX "/api/v1/keys/"

/* proto data keys of a frame (keys 0 and 1 belong to Kq-1 over TCP) */
#define QKD014_KEY_LINKS 0x10000
#define QKD014_RECORD    0x10001

typedef enum {
    QKD014_NONE,
    QKD014_ENC_KEYS,    /* Get key: Kq-1 Key request and Response to key request */
    QKD014_DEC_KEYS,    /* Get key with key IDs: ETSI GS QKD 014 only */
    QKD014_STATUS       /* Get status: ETSI GS QKD 014 only */
} qkd014_method_t;

static int proto_kq1 = -1;
static int proto_qkd014 = -1;

static int hf_qkd014_method = -1;
static int hf_qkd014_key_id = -1;
static int ett_qkd014 = -1;
static expert_field ei_qkd014_key_id_unknown = EI_INIT;

/* HTTP's fields this reads (registered by HTTP, looked up by name). */
static int http_uri_id = -1;
static int http_code_id = -1;
static int http_response_for_uri_id = -1;
static int http_request_in_id = -1;
static int http_file_data_id = -1;

/* Request frame (enc_keys) -> kq1_transaction_t: its time, and what Get key
 * asked for, for checking the key container that answers it. */
static wmem_map_t *requests;

/* Bytes of the frame: the data source at this place in the frame's list of
 * them (as long as it was), and a span in it (length 0: none). A later pass
 * that finds another data source there (a broken capture can reassemble
 * otherwise) does not use it. */
typedef struct {
    unsigned source;
    unsigned source_length;
    int      offset;
    int      length;
} frame_bytes_t;

/* What the first pass learned of one QKD 014 HTTP message from HTTP. */
typedef struct {
    qkd014_method_t method;
    bool            response;
    const char     *uri;            /* a request's, or the URI of a response's request */
    uint32_t        code;           /* of a response */
    uint32_t        request_frame;  /* of a response: its request's frame, 0 if unknown */
    frame_bytes_t   start;          /* a request's URI, a response's status code */
    frame_bytes_t   body;
} qkd014_record_t;

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

/* --- the first pass: what HTTP's fields say ----------------------------- */

/* The only field_info of hf in tree, or NULL (none, or several HTTP
 * messages in one frame, which are not told apart). */
static field_info *
single_field(proto_tree *tree, int hf)
{
    GPtrArray *found = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;

    return found != NULL && found->len == 1 ? (field_info *)g_ptr_array_index(found, 0) : NULL;
}

/* Where a field's bytes are, as frame_bytes_t; false when its data source
 * is not one of the frame's. */
static bool
locate(packet_info *pinfo, const field_info *fi, frame_bytes_t *where)
{
    unsigned source = 0;

    for (GSList *ds = pinfo->data_src; ds != NULL; ds = ds->next, source++) {
        if (get_data_source_tvb((struct data_source *)ds->data) == fi->ds_tvb) {
            where->source = source;
            where->source_length = tvb_captured_length(fi->ds_tvb);
            where->offset = fi->start;
            where->length = fi->length;
            return true;
        }
    }
    return false;
}

/* The record of this frame's QKD 014 message from HTTP's fields, or NULL. */
static qkd014_record_t *
record_message(proto_tree *tree, packet_info *pinfo)
{
    qkd014_record_t record = { 0 }, *kept;
    field_info *start_fi, *uri_fi, *request_fi, *body_fi;
    const char *uri;

    /* A response names its request's URI: http.response_for.uri in
     * Wireshark 4.0, a generated http.request.uri in 4.4 and 4.6 (where
     * http.response_for.uri is gone). */
    if ((start_fi = single_field(tree, http_code_id)) != NULL) {
        uri_fi = single_field(tree, http_response_for_uri_id > 0 ? http_response_for_uri_id : http_uri_id);
        record.response = true;
        record.code = fvalue_get_uinteger(KQ1_FIELD_VALUE(start_fi));
        if ((request_fi = single_field(tree, http_request_in_id)) != NULL)
            record.request_frame = fvalue_get_uinteger(KQ1_FIELD_VALUE(request_fi));
    } else if ((start_fi = single_field(tree, http_uri_id)) != NULL) {
        uri_fi = start_fi;
    } else {
        return NULL;
    }
    if (uri_fi == NULL)
        return NULL;
    uri = fvalue_get_string(KQ1_FIELD_VALUE(uri_fi));
    record.method = classify(uri);
    if (record.method == QKD014_NONE || !locate(pinfo, start_fi, &record.start))
        return NULL;
    body_fi = single_field(tree, http_file_data_id);
    if (body_fi != NULL && body_fi->length > 0 && !locate(pinfo, body_fi, &record.body))
        return NULL;
    kept = wmem_new(wmem_file_scope(), qkd014_record_t);
    *kept = record;
    kept->uri = wmem_strdup(wmem_file_scope(), uri);
    return kept;
}

/* --- every pass: the decode from the record ------------------------------- */

/* The bytes a record points at, or NULL when the frame does not hold them. */
static tvbuff_t *
bytes_tvb(packet_info *pinfo, const frame_bytes_t *where)
{
    struct data_source *ds = (struct data_source *)g_slist_nth_data(pinfo->data_src, where->source);
    tvbuff_t *tvb = ds != NULL ? get_data_source_tvb(ds) : NULL;

    if (tvb == NULL || where->length <= 0 || where->offset < 0 || tvb_captured_length(tvb) != where->source_length
        || (unsigned)where->offset + (unsigned)where->length > where->source_length)
        return NULL;
    return tvb_new_subset_length(tvb, where->offset, where->length);
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
dissect_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qkd014_record_t *record)
{
    tvbuff_t *uri_tvb = bytes_tvb(pinfo, &record->start);
    tvbuff_t *body = record->body.length > 0 ? bytes_tvb(pinfo, &record->body) : NULL;
    kq1_transaction_t request = { 0 };
    kq1_tap_info_t *tap;
    proto_tree *subtree;

    if (record->method == QKD014_STATUS) {
        add_qkd014_item(tree, pinfo, tvb, "Get status");
        return;
    }
    if (record->method == QKD014_DEC_KEYS) {
        subtree = add_qkd014_item(tree, pinfo, tvb, "Get key with key IDs");
        add_key_id_query(subtree, pinfo, tvb, uri_tvb, record->uri);
        if (body != NULL)
            add_key_ids(subtree, pinfo, body,
                        kq1_view_check(pinfo, kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS), body), false);
        return;
    }
    subtree = add_kq1_item(tree, pinfo, tvb, "Key request", "Get key");
    add_query(subtree, pinfo, tvb, uri_tvb, record->uri, &request);
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
    const kq1_payload_t *payload;
    const char *message = NULL;

    if (body == NULL)
        return NULL;
    /* Parsed as a message with no parameters: only its JSON is read. */
    payload = kq1_view_check(pinfo, NULL, body);
    if (payload->root != NULL && JSON_NODE_HOLDS_OBJECT(payload->root)) {
        JsonNode *node = json_object_get_member(json_node_get_object(payload->root), "message");

        if (node != NULL && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
            message = wmem_strdup(pinfo->pool, json_node_get_string(node));
    }
    return message;
}

/* Where each delivered key's ID was delivered before (first pass), kept
 * for later passes. */
static const kq1_key_link_t *
key_links(packet_info *pinfo, const kq1_payload_t *payload)
{
    kq1_key_link_t *links = (kq1_key_link_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1,
                                                               QKD014_KEY_LINKS);

    if (links != NULL || PINFO_FD_VISITED(pinfo))
        return links;
    links = wmem_alloc0_array(wmem_file_scope(), kq1_key_link_t, payload->keys->len + 1);
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const char *key_id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);

        /* HTTP responses are not seen twice; the frame stands for the message. */
        if (key_id != NULL)
            links[i] = kq1_note_key_supply(pinfo, key_id, NULL);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1, QKD014_KEY_LINKS, links);
    return links;
}

static void
dissect_response(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const qkd014_record_t *record)
{
    const kq1_message_info_t *msg = kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    tvbuff_t *code_tvb = bytes_tvb(pinfo, &record->start);
    tvbuff_t *body = record->body.length > 0 ? bytes_tvb(pinfo, &record->body) : NULL;
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
    code_length = code_tvb != NULL ? (int)tvb_captured_length(code_tvb) : 0;
    if (code_tvb == NULL)
        code_tvb = tvb;
    kq1_add_string(subtree, pinfo, code_tvb, 0, code_length, KQ1_PARAM_RESPONSE, response);
    if (success) {
        tap->verdict = kq1_add_verdict(subtree, pinfo, code_tvb, 0, code_length, msg,
                                       response, KQ1_VERDICT_OK, NULL);
    } else {
        const char *reason = error_message(pinfo, body);

        tap->verdict = kq1_add_verdict(subtree, pinfo, code_tvb, 0, code_length, msg,
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

static int
dissect_kq1_qkd014(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    qkd014_record_t *record = (qkd014_record_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1,
                                                                  QKD014_RECORD);

    if (record == NULL && !PINFO_FD_VISITED(pinfo) && tree != NULL) {
        record = record_message(tree, pinfo);
        if (record != NULL)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1, QKD014_RECORD, record);
    }
    if (record == NULL)
        return 0;
    if (record->response)
        dissect_response(tree, pinfo, tvb, record);
    else
        dissect_request(tree, pinfo, tvb, record);
    return 0;
}

void
kq1_http_register(int proto)
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

    proto_kq1 = proto;
    proto_qkd014 = proto_register_protocol("ETSI GS QKD 014 key delivery (beside Kq-1)", "QKD 014", "qkd014");
    proto_register_field_array(proto_qkd014, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_qkd014), ei, array_length(ei));
    requests = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void
kq1_http_handoff(void)
{
    dissector_handle_t handle = create_dissector_handle(dissect_kq1_qkd014, proto_kq1);
    GArray *wanted = g_array_new(false, false, sizeof(int));
    int *ids[] = { &http_uri_id, &http_code_id, &http_response_for_uri_id, &http_request_in_id,
                   &http_file_data_id };
    const char *names[] = { "http.request.uri", "http.response.code", "http.response_for.uri",
                            "http.request_in", "http.file_data" };

    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        *ids[i] = proto_registrar_get_id_byname(names[i]);
        if (*ids[i] > 0)
            g_array_append_val(wanted, *ids[i]);
    }
    register_postdissector(handle);
    set_postdissector_wanted_hfids(handle, wanted);
}
