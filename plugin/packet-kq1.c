/* packet-kq1.c
 * Dissector for the Kq-1 interface of quantum key distribution networks
 * (ITU-T Q.4162, Appendix I): a QKD module hands keys to its Key Manager over
 * TCP, in messages of a 10-byte header and a JSON payload.
 *
 * What the Recommendation leaves open (byte order, port, member names) is
 * decided in the project's README.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/charsets.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>

#include "kq1-catalog.h"
#include "kq1-payload.h"

void proto_register_kq1(void);
void proto_reg_handoff_kq1(void);

/* No port is assigned; 4162 after the Recommendation's number. */
#define KQ1_TCP_PORTS "4162"

/* Info lists at most this many key IDs of one message. */
#define KQ1_INFO_MAX_KEY_IDS 4

static int proto_kq1 = -1;

static int hf_kq1_version = -1;
static int hf_kq1_message_id = -1;
static int hf_kq1_command_code = -1;
static int hf_kq1_direction = -1;
static int hf_kq1_message_type = -1;
static int hf_kq1_length = -1;
static int hf_kq1_payload = -1;
static int hf_kq1_trailing = -1;
static int hf_kq1_key_file = -1;
/* One field per parameter of Tables 1-4, indexed by kq1_param_t. */
static int hf_kq1_param[KQ1_PARAM_COUNT];

static gint ett_kq1 = -1;
static gint ett_kq1_command_code = -1;
static gint ett_kq1_keys = -1;
static gint ett_kq1_key_file = -1;

static expert_field ei_kq1_missing_mandatory = EI_INIT;
static expert_field ei_kq1_wrong_type = EI_INIT;
static expert_field ei_kq1_duplicate_member = EI_INIT;
static expert_field ei_kq1_unknown_command = EI_INIT;
static expert_field ei_kq1_wrong_direction = EI_INIT;
static expert_field ei_kq1_bad_json = EI_INIT;
static expert_field ei_kq1_length_mismatch = EI_INIT;
static expert_field ei_kq1_short_header = EI_INIT;

static dissector_handle_t kq1_handle;
static dissector_handle_t json_handle;

static gboolean kq1_desegment = TRUE;

/* Filled from the catalogue at registration, so Table I.1 stays in one place. */
static value_string command_code_vals[8];
static value_string message_type_vals[8];

static const value_string direction_vals[] = {
    { KQ1_DIR_KM_TO_QKD, "KM -> QKD module" },
    { KQ1_DIR_QKD_TO_KM, "QKD module -> KM" },
    { 0, NULL }
};

/* Capture-long state of one TCP conversation. */
typedef struct {
    /* Per direction, the frame whose last message waits for bytes that have
     * not come yet (0 for none). TCP holds such a message back; if the
     * connection or the capture ends first, TCP never hands it over. */
    guint32 unfinished[2];
} kq1_conversation_t;

/* What the TCP-level dissector knows that each PDU needs. */
typedef struct {
    guint32 server_port;    /* the Kq-1 (KM) port this conversation matched, 0 if unknown */
    kq1_conversation_t *conversation;
    int direction;          /* index into kq1_conversation_t arrays */
    gboolean never_completed;   /* decoding a message the capture holds only the start of */
} kq1_pdu_context_t;

/* Kept with the frame a held-back message starts in, so that once the first
 * pass is over the start of a message that never completed can be decoded
 * (a postdissector: TCP no longer calls Kq-1 for that frame). */
typedef struct {
    kq1_pdu_context_t ctx;
    guint32 frame_offset;   /* where its header is in the frame's bytes */
} kq1_held_message_t;

static void
remember_held_message(packet_info *pinfo, tvbuff_t *tvb, int offset, const kq1_pdu_context_t *ctx)
{
    kq1_held_message_t *held;

    ctx->conversation->unfinished[ctx->direction] = pinfo->num;
    /* Only bytes of the frame itself can be found again later (not those of
     * a reassembled or decrypted buffer). */
    if (pinfo->data_src == NULL
        || tvb_get_ds_tvb(tvb) != get_data_source_tvb((struct data_source *)pinfo->data_src->data)
        || p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0) != NULL)
        return;
    held = wmem_new0(wmem_file_scope(), kq1_held_message_t);
    held->ctx = *ctx;
    held->frame_offset = tvb_raw_offset(tvb) + (guint32)offset;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0, held);
}

static guint
get_kq1_pdu_len(packet_info *pinfo, tvbuff_t *tvb, int offset, void *data)
{
    kq1_pdu_context_t *ctx = (kq1_pdu_context_t *)data;
    guint pdu_len;

    /* Only reached with fewer than 10 bytes when reassembly is impossible:
     * claim a bare header, so that dissect_kq1_pdu reports it cut short
     * (a length below the header's would be a bounds error in TCP). */
    if (tvb_captured_length_remaining(tvb, offset) < KQ1_HEADER_LEN)
        return KQ1_HEADER_LEN;
    pdu_len = KQ1_HEADER_LEN + tvb_get_ntohs(tvb, offset + 8);

    /* tcp_dissect_pdus is about to wait for the rest of this message. */
    if (!PINFO_FD_VISITED(pinfo) && kq1_desegment && pinfo->can_desegment
        && pdu_len > (guint)tvb_captured_length_remaining(tvb, offset))
        remember_held_message(pinfo, tvb, offset, ctx);
    return pdu_len;
}

/* Which way this PDU travels, from the TCP roles of Appendix I: the QKD
 * module connects to the KM, which listens on the Kq-1 port. Returns the
 * direction byte expected, or 0 when the roles cannot be told apart. */
static guint8
expected_direction(packet_info *pinfo, const kq1_pdu_context_t *ctx)
{
    if (ctx == NULL || ctx->server_port == 0 || pinfo->srcport == pinfo->destport)
        return 0;
    if (pinfo->destport == ctx->server_port)
        return KQ1_DIR_QKD_TO_KM;
    if (pinfo->srcport == ctx->server_port)
        return KQ1_DIR_KM_TO_QKD;
    return 0;
}

static const char *
valid_utf8(packet_info *pinfo, const char *s)
{
    if (g_utf8_validate(s, -1, NULL))
        return s;
    return (const char *)get_utf_8_string(pinfo->pool, (const guint8 *)s, (gint)strlen(s));
}

/* The bytes a parameter (or object) came from: its span when the scanner
 * found one, else the whole JSON text. */
static void
item_range(tvbuff_t *json_tvb, kq1_span_t span, gint *offset, gint *length)
{
    if (span.length > 0 && span.offset + span.length <= tvb_reported_length(json_tvb)) {
        *offset = (gint)span.offset;
        *length = (gint)span.length;
    } else {
        *offset = 0;
        *length = (gint)tvb_reported_length(json_tvb);
    }
}

/* Adds the parameters found in one JSON object (the payload, or one element
 * of Keys) under tree, each over the bytes of its member. */
static void
add_params(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_params_t *params)
{
    for (int param = 0; param < KQ1_PARAM_COUNT; param++) {
        JsonNode *node = params->node[param];
        const kq1_param_info_t *info = kq1_param_info((kq1_param_t)param);
        gint offset, length;
        gint64 integer;

        if (node == NULL || param == KQ1_PARAM_KEYS)
            continue;
        item_range(json_tvb, params->span[param], &offset, &length);
        switch (info->type) {
        case KQ1_TYPE_STRING:
            proto_tree_add_string(tree, hf_kq1_param[param], json_tvb, offset, length,
                                  valid_utf8(pinfo, kq1_params_string(params, (kq1_param_t)param)));
            break;
        case KQ1_TYPE_INTEGER:
            if (kq1_params_integer(params, (kq1_param_t)param, &integer))
                proto_tree_add_int64(tree, hf_kq1_param[param], json_tvb, offset, length, integer);
            break;
        case KQ1_TYPE_OBJECT:
        case KQ1_TYPE_ARRAY_OF_OBJECTS: {
            char *text = json_to_string(node, FALSE);
            proto_tree_add_string(tree, hf_kq1_param[param], json_tvb, offset, length,
                                  valid_utf8(pinfo, text));
            g_free(text);
            break;
        }
        }
    }
}

static void
add_keys(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_payload_t *payload)
{
    proto_item *keys_item;
    proto_tree *keys_tree;
    gint offset, length;

    if (payload->top.node[KQ1_PARAM_KEYS] == NULL)
        return;
    item_range(json_tvb, payload->top.span[KQ1_PARAM_KEYS], &offset, &length);
    keys_item = proto_tree_add_uint(tree, hf_kq1_param[KQ1_PARAM_KEYS], json_tvb, offset, length,
                                    payload->keys->len);
    keys_tree = proto_item_add_subtree(keys_item, ett_kq1_keys);
    for (guint i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *element = &g_array_index(payload->keys, kq1_params_t, i);
        const char *key_id = kq1_params_string(element, KQ1_PARAM_KEY_ID);
        proto_item *file_item;
        proto_tree *file_tree;

        item_range(json_tvb, element->self, &offset, &length);
        file_item = proto_tree_add_uint(keys_tree, hf_kq1_key_file, json_tvb, offset, length, i);
        file_tree = proto_item_add_subtree(file_item, ett_kq1_key_file);
        if (key_id != NULL)
            proto_item_append_text(file_item, ", Key ID %s", valid_utf8(pinfo, key_id));
        add_params(file_tree, pinfo, json_tvb, element);
    }
}

static void
add_findings(proto_tree *tree, packet_info *pinfo, tvbuff_t *payload_tvb, const kq1_payload_t *payload)
{
    for (guint i = 0; i < payload->findings->len; i++) {
        const kq1_finding_t *finding = &g_array_index(payload->findings, kq1_finding_t, i);
        expert_field *ei = NULL;

        switch (finding->kind) {
        case KQ1_FINDING_MISSING_MANDATORY: ei = &ei_kq1_missing_mandatory; break;
        case KQ1_FINDING_WRONG_TYPE:        ei = &ei_kq1_wrong_type;        break;
        case KQ1_FINDING_DUPLICATE_MEMBER:  ei = &ei_kq1_duplicate_member;  break;
        case KQ1_FINDING_BAD_JSON:          ei = &ei_kq1_bad_json;          break;
        case KQ1_FINDING_LENGTH_MISMATCH:   ei = &ei_kq1_length_mismatch;   break;
        }
        proto_tree_add_expert_format(tree, pinfo, ei, payload_tvb, 0, -1, "%s",
                                     valid_utf8(pinfo, finding->text));
    }
}

/* "Key supply, QKD module -> KM, MessageID 7, Key ID abc" for the Info column. */
static const char *
describe_pdu(packet_info *pinfo, const kq1_message_info_t *msg, guint16 code,
             guint32 message_id, const kq1_payload_t *payload)
{
    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, "");
    const char *direction = kq1_direction_name((guint8)(code >> 8));
    const char *key_id;

    if (msg != NULL)
        wmem_strbuf_append(info, msg->name);
    else
        wmem_strbuf_append_printf(info, "Unknown command 0x%04x", code);
    if (direction != NULL)
        wmem_strbuf_append_printf(info, ", %s", direction);
    wmem_strbuf_append_printf(info, ", MessageID %u", message_id);

    if (payload == NULL)
        return wmem_strbuf_get_str(info);
    key_id = kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID);
    if (key_id != NULL)
        wmem_strbuf_append_printf(info, ", Key ID %s", valid_utf8(pinfo, key_id));
    if (payload->keys->len > 0) {
        guint shown = 0;

        wmem_strbuf_append(info, payload->keys->len == 1 ? ", Key ID " : ", Key IDs ");
        for (guint i = 0; i < payload->keys->len; i++) {
            key_id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);
            if (key_id == NULL)
                continue;
            if (shown == KQ1_INFO_MAX_KEY_IDS) {
                wmem_strbuf_append_printf(info, ",...(%u keys)", payload->keys->len);
                break;
            }
            wmem_strbuf_append_printf(info, "%s%s", shown > 0 ? "," : "", valid_utf8(pinfo, key_id));
            shown++;
        }
    }
    return wmem_strbuf_get_str(info);
}

/* The columns, once the PDU is decoded (the JSON dissector may have been
 * called, and several PDUs may share the frame). */
static void
finish_pdu(packet_info *pinfo, const kq1_message_info_t *msg, guint16 code, guint32 message_id,
           const kq1_payload_t *payload)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    col_append_sep_str(pinfo->cinfo, COL_INFO, "; ",
                       describe_pdu(pinfo, msg, code, message_id, payload));
}

/* Hands the JSON text to Wireshark's JSON dissector (json.* fields) while
 * keeping it off the columns, which belong to Kq-1. */
static void
call_json_dissector(tvbuff_t *json_tvb, packet_info *pinfo, proto_tree *tree)
{
    gboolean writable = col_get_writable(pinfo->cinfo, -1);

    col_set_writable(pinfo->cinfo, -1, FALSE);
    call_dissector_with_data(json_handle, json_tvb, pinfo, tree, NULL);
    col_set_writable(pinfo->cinfo, -1, writable);
}

static void
check_command_code(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, proto_item *code_item,
                   const kq1_message_info_t *msg, guint16 code, const kq1_pdu_context_t *ctx)
{
    guint8 direction = (guint8)(code >> 8);
    guint8 expected = expected_direction(pinfo, ctx);

    if (kq1_direction_name(direction) == NULL) {
        expert_add_info_format(pinfo, code_item, &ei_kq1_unknown_command,
                               "CommandCode 0x%04x: high byte 0x%02x is not a direction "
                               "(0x13 KM -> QKD module, 0x31 QKD module -> KM)", code, direction);
        return;
    }
    if (msg == NULL)
        expert_add_info_format(pinfo, code_item, &ei_kq1_unknown_command,
                               "CommandCode 0x%04x is not in Table I.1 of Q.4162", code);
    if (expected != 0 && direction != expected)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_direction, tvb, 6, 2,
                                     "CommandCode 0x%04x (%s) sent %s port %u, where only %s messages (0x%02xxx) go",
                                     code, kq1_direction_name(direction),
                                     expected == KQ1_DIR_QKD_TO_KM ? "towards the KM on" : "by the KM from",
                                     ctx->server_port, kq1_direction_name(expected), expected);
}

static int
dissect_kq1_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const kq1_pdu_context_t *ctx = (const kq1_pdu_context_t *)data;
    proto_item *ti, *code_item, *length_item;
    proto_tree *kq1_tree, *code_tree;
    guint32 message_id, code, length, captured;
    const kq1_message_info_t *msg;
    kq1_payload_t *payload = NULL;
    tvbuff_t *payload_tvb;
    static int * const code_fields[] = { &hf_kq1_direction, &hf_kq1_message_type, NULL };

    /* A message this direction was waiting for has come whole. */
    if (!PINFO_FD_VISITED(pinfo) && ctx != NULL && ctx->conversation->unfinished[ctx->direction] < pinfo->num)
        ctx->conversation->unfinished[ctx->direction] = 0;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    ti = proto_tree_add_item(tree, proto_kq1, tvb, 0, -1, ENC_NA);
    kq1_tree = proto_item_add_subtree(ti, ett_kq1);

    if (tvb_captured_length(tvb) < KQ1_HEADER_LEN) {
        proto_tree_add_expert_format(kq1_tree, pinfo, &ei_kq1_short_header, tvb, 0, -1,
                                     "Header cut short: %u of its %u bytes are in the captured data",
                                     tvb_captured_length(tvb), KQ1_HEADER_LEN);
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", "Kq-1 header cut short");
        return tvb_captured_length(tvb);
    }

    proto_tree_add_item(kq1_tree, hf_kq1_version, tvb, 0, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_message_id, tvb, 2, 4, ENC_BIG_ENDIAN, &message_id);
    code_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_command_code, tvb, 6, 2, ENC_BIG_ENDIAN, &code);
    code_tree = proto_item_add_subtree(code_item, ett_kq1_command_code);
    proto_tree_add_bitmask_list(code_tree, tvb, 6, 2, code_fields, ENC_BIG_ENDIAN);
    length_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_length, tvb, 8, 2, ENC_BIG_ENDIAN, &length);

    msg = kq1_message_lookup((guint16)code);
    check_command_code(kq1_tree, pinfo, tvb, code_item, msg, (guint16)code, ctx);
    proto_item_append_text(ti, ", %s, MessageID %u",
                           msg ? msg->name : "Unknown command", message_id);

    captured = tvb_captured_length_remaining(tvb, KQ1_HEADER_LEN);
    if (captured < length) {
        /* Cut by the capture's snapshot length, a segment that was not
         * reassembled, or the end of the connection or capture: the JSON is
         * not judged, since what is missing may not be the sender's fault. */
        if (ctx != NULL && ctx->never_completed)
            expert_add_info_format(pinfo, length_item, &ei_kq1_length_mismatch,
                                   "Length is %u but the message never completes: the connection or "
                                   "the capture ends first (%u payload bytes in this frame)",
                                   length, captured);
        else
            expert_add_info_format(pinfo, length_item, &ei_kq1_length_mismatch,
                                   "Length is %u but only %u payload bytes are in the captured data",
                                   length, captured);
        payload_tvb = tvb_new_subset_length_caplen(tvb, KQ1_HEADER_LEN, captured, length);
        proto_tree_add_item(kq1_tree, hf_kq1_payload, payload_tvb, 0, captured, ENC_NA);
        finish_pdu(pinfo, msg, (guint16)code, message_id, NULL);
        return tvb_captured_length(tvb);
    }
    payload_tvb = tvb_new_subset_length(tvb, KQ1_HEADER_LEN, length);

    /* No payload reads as an object without members: mandatory ones are missing. */
    payload = kq1_payload_check(msg, length ? tvb_get_ptr(payload_tvb, 0, length) : NULL, length);
    if (payload->parsed) {
        tvbuff_t *json_tvb = tvb_new_subset_length(payload_tvb, 0, (gint)payload->json_len);

        add_params(kq1_tree, pinfo, json_tvb, &payload->top);
        add_keys(kq1_tree, pinfo, json_tvb, payload);
        call_json_dissector(json_tvb, pinfo, kq1_tree);
        if (payload->json_len < length)
            proto_tree_add_item(kq1_tree, hf_kq1_trailing, payload_tvb, (gint)payload->json_len,
                                -1, ENC_NA);
    } else if (length > 0) {
        proto_tree_add_item(kq1_tree, hf_kq1_payload, payload_tvb, 0, -1, ENC_NA);
    }
    add_findings(kq1_tree, pinfo, payload_tvb, payload);
    finish_pdu(pinfo, msg, (guint16)code, message_id, payload);
    kq1_payload_free(payload);
    return tvb_captured_length(tvb);
}

static kq1_conversation_t *
get_conversation(packet_info *pinfo)
{
    conversation_t *conversation = find_or_create_conversation(pinfo);
    kq1_conversation_t *state = (kq1_conversation_t *)conversation_get_proto_data(conversation, proto_kq1);

    if (state == NULL) {
        state = wmem_new0(wmem_file_scope(), kq1_conversation_t);
        conversation_add_proto_data(conversation, proto_kq1, state);
    }
    return state;
}

/* 0 or 1: which way the bytes go, the same for every frame of that way. */
static int
direction_index(const packet_info *pinfo)
{
    int order = cmp_address(&pinfo->src, &pinfo->dst);

    if (order == 0)
        return pinfo->srcport < pinfo->destport ? 0 : 1;
    return order < 0 ? 0 : 1;
}

static int
dissect_kq1_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    kq1_pdu_context_t ctx = { 0 };

    /* TCP found us through the port in match_uint: the KM's port. */
    ctx.server_port = pinfo->match_uint;
    ctx.conversation = get_conversation(pinfo);
    ctx.direction = direction_index(pinfo);

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, kq1_desegment, KQ1_HEADER_LEN, get_kq1_pdu_len,
                     dissect_kq1_pdu, &ctx);
    return tvb_captured_length(tvb);
}

/* Postdissector: once the first pass is over, a held-back message that no
 * later segment completed is decoded from the frame it starts in. */
static int
dissect_kq1_never_completed(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    kq1_held_message_t *held;
    kq1_pdu_context_t ctx;

    if (!PINFO_FD_VISITED(pinfo))
        return 0;
    held = (kq1_held_message_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0);
    if (held == NULL || held->ctx.conversation->unfinished[held->ctx.direction] != pinfo->num
        || held->frame_offset >= tvb_captured_length(tvb))
        return 0;
    ctx = held->ctx;
    ctx.never_completed = TRUE;
    col_clear(pinfo->cinfo, COL_INFO);
    return dissect_kq1_pdu(tvb_new_subset_remaining(tvb, (gint)held->frame_offset), pinfo, tree, &ctx);
}

/* value_strings for the CommandCode and its low byte, from Table I.1. */
static void
fill_command_vals(void)
{
    guint n;
    const kq1_message_info_t *messages = kq1_messages(&n);

    DISSECTOR_ASSERT(n < G_N_ELEMENTS(command_code_vals));
    for (guint i = 0; i < n; i++) {
        command_code_vals[i].value = messages[i].code;
        command_code_vals[i].strptr = messages[i].name;
        message_type_vals[i].value = messages[i].code & 0xff;
        message_type_vals[i].strptr = messages[i].name;
    }
}

void
proto_register_kq1(void)
{
    static hf_register_info hf[] = {
        { &hf_kq1_version,
          { "Version", "kq1.version", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Version of the message format", HFILL } },
        { &hf_kq1_message_id,
          { "MessageID", "kq1.message_id", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Unique ID of the message", HFILL } },
        { &hf_kq1_command_code,
          { "CommandCode", "kq1.command_code", FT_UINT16, BASE_HEX, VALS(command_code_vals), 0x0,
            "Command or response message (Q.4162 Table I.1)", HFILL } },
        { &hf_kq1_direction,
          { "Direction", "kq1.direction", FT_UINT16, BASE_HEX, VALS(direction_vals), 0xff00,
            "High byte of the CommandCode: who sends the message", HFILL } },
        { &hf_kq1_message_type,
          { "Message type", "kq1.message_type", FT_UINT16, BASE_HEX, VALS(message_type_vals), 0x00ff,
            "Low byte of the CommandCode", HFILL } },
        { &hf_kq1_length,
          { "Length", "kq1.length", FT_UINT16, BASE_DEC, NULL, 0x0,
            "Length of the payload in bytes", HFILL } },
        { &hf_kq1_payload,
          { "Payload", "kq1.payload", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Payload that could not be read as JSON", HFILL } },
        { &hf_kq1_trailing,
          { "Bytes after the JSON text", "kq1.trailing_bytes", FT_BYTES, BASE_NONE, NULL, 0x0,
            "Payload bytes that Length covers but the JSON text does not", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_KEY],
          { "Key", "kq1.key", FT_STRING, BASE_NONE, NULL, 0x0,
            "QKD-key data", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_KEY_ID],
          { "Key ID", "kq1.key_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD-key", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_QKD_MODULE_ID],
          { "QKD module ID", "kq1.qkd_module_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD module (Alice or Bob) that supplies the QKD-key", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_MATCHING_QKD_MODULE_ID],
          { "Matching QKD module ID", "kq1.matching_qkd_module_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD module that makes the pair of Alice and Bob", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_KEY_LENGTH],
          { "Key length", "kq1.key_length", FT_INT64, BASE_DEC, NULL, 0x0,
            "Length of the QKD-key supplied (bits)", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_GENERATION_TIMESTAMP],
          { "Generation time stamp", "kq1.generation_timestamp", FT_STRING, BASE_NONE, NULL, 0x0,
            "Time stamp of QKD-key generation", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_HASH_VALUE],
          { "Hash value", "kq1.hash_value", FT_STRING, BASE_NONE, NULL, 0x0,
            "Hash value of the QKD-key data", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_RESPONSE],
          { "Response", "kq1.response", FT_STRING, BASE_NONE, NULL, 0x0,
            "Result, with the reason for success or failure", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_NUMBER_OF_KEYS],
          { "Number of keys", "kq1.number_of_keys", FT_INT64, BASE_DEC, NULL, 0x0,
            "Number of QKD-keys requested", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_SIZE_OF_KEY],
          { "Size of key", "kq1.size_of_key", FT_INT64, BASE_DEC, NULL, 0x0,
            "Length of each QKD-key requested (bits)", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_KEYS],
          { "Keys", "kq1.keys", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Key files supplied: their number", HFILL } },
        { &hf_kq1_key_file,
          { "Key file", "kq1.key_file", FT_UINT32, BASE_DEC, NULL, 0x0,
            "One element of Keys: its index", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_KEY_EXTENSION],
          { "Key extension", "kq1.key_extension", FT_STRING, BASE_NONE, NULL, 0x0,
            "Extensions to the key file (JSON text)", HFILL } },
        { &hf_kq1_param[KQ1_PARAM_EXTENSION],
          { "Extension", "kq1.extension", FT_STRING, BASE_NONE, NULL, 0x0,
            "Array of extension parameters (JSON text)", HFILL } },
    };

    static gint *ett[] = {
        &ett_kq1,
        &ett_kq1_command_code,
        &ett_kq1_keys,
        &ett_kq1_key_file,
    };

    static ei_register_info ei[] = {
        { &ei_kq1_missing_mandatory,
          { "kq1.missing_mandatory", PI_PROTOCOL, PI_ERROR,
            "Mandatory parameter missing", EXPFILL } },
        { &ei_kq1_wrong_type,
          { "kq1.wrong_type", PI_PROTOCOL, PI_ERROR,
            "Parameter of the wrong JSON type", EXPFILL } },
        { &ei_kq1_duplicate_member,
          { "kq1.duplicate_member", PI_PROTOCOL, PI_WARN,
            "Parameter given twice", EXPFILL } },
        { &ei_kq1_unknown_command,
          { "kq1.unknown_command", PI_PROTOCOL, PI_WARN,
            "Unknown CommandCode", EXPFILL } },
        { &ei_kq1_wrong_direction,
          { "kq1.wrong_direction", PI_PROTOCOL, PI_WARN,
            "Message sent the wrong way", EXPFILL } },
        { &ei_kq1_bad_json,
          { "kq1.bad_json", PI_MALFORMED, PI_ERROR,
            "Payload is not valid JSON", EXPFILL } },
        { &ei_kq1_length_mismatch,
          { "kq1.length_mismatch", PI_MALFORMED, PI_ERROR,
            "Length disagrees with the payload", EXPFILL } },
        { &ei_kq1_short_header,
          { "kq1.short_header", PI_MALFORMED, PI_ERROR,
            "Header cut short", EXPFILL } },
    };

    module_t *kq1_module;
    expert_module_t *expert_kq1;

    for (int i = 0; i < KQ1_PARAM_COUNT; i++)
        hf_kq1_param[i] = -1;
    fill_command_vals();

    proto_kq1 = proto_register_protocol("Kq-1 interface of QKD networks (ITU-T Q.4162)", "Kq-1", "kq1");
    proto_register_field_array(proto_kq1, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_kq1 = expert_register_protocol(proto_kq1);
    expert_register_field_array(expert_kq1, ei, array_length(ei));

    kq1_handle = register_dissector("kq1", dissect_kq1_tcp, proto_kq1);
    register_postdissector(create_dissector_handle(dissect_kq1_never_completed, proto_kq1));

    kq1_module = prefs_register_protocol(proto_kq1, NULL);
    prefs_register_bool_preference(kq1_module, "desegment",
                                   "Reassemble Kq-1 messages spanning multiple TCP segments",
                                   "Join a Kq-1 message cut across TCP segments before decoding it. "
                                   "Needs TCP's \"Allow subdissectors to reassemble TCP streams\" too.",
                                   &kq1_desegment);
}

void
proto_reg_handoff_kq1(void)
{
    json_handle = find_dissector_add_dependency("json", proto_kq1);
    dissector_add_uint_range_with_preference("tcp.port", KQ1_TCP_PORTS, kq1_handle);
}
