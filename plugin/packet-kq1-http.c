/* packet-kq1-http.c
 * Kq-1 over HTTP(S) as Q.4162 Appendix II maps it to ETSI GS QKD 014: this
 * transport finds the ETSI GS QKD 014 messages (URIs under /api/v1/keys/:
 * Get key, Get key with key IDs, Get status) and hands each to the message
 * view (kq1-view-qkd014.c), which shows Get key as Kq-1. Other paths on
 * the same server are neither.
 *
 * HTTP names no sub-dissector for a URI, so two hooks find the messages
 * without asking HTTP for its fields (which would make Wireshark build a
 * protocol tree for every packet of every capture): a handle for HTTP's
 * application/json bodies, which hands each body to the JSON dissector as
 * before and keeps it for the rest of the frame's dissection; and a
 * postdissector that, on frames HTTP took part in, reads what HTTP's own
 * record says of the request or response just dissected (the URI, status
 * code and request, which packet-http.h publishes for the first pass). The first
 * pass keeps that as the frame's record; every pass decodes from the
 * record and the body HTTP handed over in that pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-http.h>

#include "packet-kq1-http.h"
#include "kq1-transport.h"
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

static int proto_qkd014 = -1;
static int proto_http = -1;

static dissector_handle_t json_handle;

#if !KQ1_HTTP_REQ_RES_HAS_URI
/* Request frame -> its qkd014_record_t, for the QKD 014 requests of the
 * first pass: a response whose request is not in it is no QKD 014 one. */
static wmem_map_t *requests_seen;
#endif

/* What the first pass learned of one QKD 014 HTTP message from HTTP. */
typedef struct {
    kq1_http_method_t method;
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

/* The SAE ID a QKD 014 path (or URL) names, ".../api/v1/keys/{SAE_ID}/...",
 * in pinfo->pool; NULL for none. */
static const char *
sae_id_of(packet_info *pinfo, const char *uri)
{
    const char *path = strstr(uri, QKD014_PREFIX);
    const char *end;

    if (path == NULL)
        return NULL;
    path += strlen(QKD014_PREFIX);
    end = strchr(path, '/');
    return end != NULL && end != path ? wmem_strndup(pinfo->pool, path, (size_t)(end - path)) : NULL;
}

/* The QKD 014 method a path (or URL) names, from
 * ".../api/v1/keys/{SAE_ID}/{method}"; false for none. */
static bool
classify(const char *uri, kq1_http_method_t *method)
{
    const char *path = strstr(uri, QKD014_PREFIX);
    const char *name;
    gsize length;

    if (path == NULL)
        return false;
    path += strlen(QKD014_PREFIX);
    name = strchr(path, '/');
    if (name == NULL || name == path)
        return false;       /* no SAE_ID */
    name++;
    length = strcspn(name, "?#");
    if (length == 8 && strncmp(name, "enc_keys", 8) == 0)
        *method = KQ1_HTTP_GET_KEY;
    else if (length == 8 && strncmp(name, "dec_keys", 8) == 0)
        *method = KQ1_HTTP_GET_KEY_WITH_IDS;
    else if (length == 6 && strncmp(name, "status", 6) == 0)
        *method = KQ1_HTTP_GET_STATUS;
    else
        return false;
    return true;
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
    if (uri == NULL || !classify(uri, &record.method))
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

/* Postdissector: the QKD 014 message of a frame HTTP took part in. */
static int
dissect_qkd014(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    qkd014_record_t *record;
    body_t *body;
    kq1_http_message_t message;

    if (!kq1_frame_has_layer(pinfo, proto_http))
        return 0;
    record = (qkd014_record_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_qkd014, QKD014_RECORD);
    if (record == NULL && !PINFO_FD_VISITED(pinfo)) {
        record = record_message(pinfo);
        if (record != NULL)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_qkd014, QKD014_RECORD, record);
    }
    body = (body_t *)p_get_proto_data(pinfo->pool, pinfo, proto_qkd014, QKD014_BODY);
    /* Several HTTP messages in one frame are not told apart. */
    if (record == NULL || (body != NULL && body->count > 1))
        return 0;
    message.method = record->method;
    message.response = record->response;
    message.uri = record->uri;
    message.sae_id = sae_id_of(pinfo, record->uri);
    message.uri_tvb = record->response ? NULL : uri_tvb(pinfo, record);
    message.code = record->code;
    message.code_tvb = record->response ? code_tvb(pinfo, record) : NULL;
    message.body = body != NULL ? body->tvb : NULL;
    message.request_frame = record->request_frame;
    kq1_view_http_message(tvb, pinfo, tree, &message);
    return 0;
}

void
kq1_http_register(int proto)
{
    proto_qkd014 = proto;
    /* A protocol in name only under QKD 014: enabled with it, and Wireshark
     * keeps no layer record for it, which every packet of every capture
     * would otherwise cost. */
    register_postdissector(create_dissector_handle(dissect_qkd014,
                                                   proto_register_protocol_in_name_only(
                                                       "ETSI GS QKD 014 messages in HTTP", "QKD 014 in HTTP",
                                                       "qkd014.http", proto_qkd014, FT_PROTOCOL)));
#if !KQ1_HTTP_REQ_RES_HAS_URI
    requests_seen = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_direct_hash, g_direct_equal);
#endif
}

void
kq1_http_handoff(void)
{
    proto_http = proto_get_id_by_filter_name("http");
    json_handle = find_dissector_add_dependency("json", proto_qkd014);
    /* In place of the JSON dissector's own entry, which it calls: no
     * protocol of its own, so it adds no layer and no protocol can disable
     * HTTP's JSON bodies through it. */
    dissector_add_string("media_type", "application/json",
                         create_dissector_handle_with_name_and_description(dissect_json_body, -1,
                                                                           "kq1_qkd014_json",
                                                                           "JSON (ETSI GS QKD 014 bodies for Kq-1)"));

}
