/* kq1-view.c
 * The Kq-1 message view (see kq1-view.h): the header and the checked
 * payload of one message as fields, subtrees, Info and expert infos, its
 * links to the request or response it belongs to, and its tap record.
 *
 * ITU-T Q.4162 (12/2023), "Quantum key distribution networks - Protocols
 * for the Kq-1 interface": https://www.itu.int/rec/T-REC-Q.4162
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/address.h>
#include <epan/to_str.h>
#include <epan/charsets.h>
#include <epan/expert.h>
#include <wsutil/utf8_entities.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/strutil.h>
#include <epan/tap.h>
#include <epan/uat.h>
#include <wsutil/strtoi.h>
#include <wsutil/wmem/wmem_user_cb.h>

#include "kq1-view.h"
#include "kq1-view-parts.h"

/* Dissector layers kept free for what comes after Kq-1 in a frame. */
#define KQ1_LAYER_MARGIN 16

/* Info names at most this many messages of one frame. */
#define KQ1_INFO_MAX_PDUS 8

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
/* The parameters of Tables 1-4 */
static int hf_kq1_key = -1;
static int hf_kq1_key_id = -1;
static int hf_kq1_qkd_module_id = -1;
static int hf_kq1_matching_qkd_module_id = -1;
static int hf_kq1_key_length = -1;
static int hf_kq1_generation_timestamp = -1;
static int hf_kq1_hash_value = -1;
static int hf_kq1_response = -1;
static int hf_kq1_number_of_keys = -1;
static int hf_kq1_size_of_key = -1;
static int hf_kq1_keys = -1;
static int hf_kq1_key_extension = -1;
static int hf_kq1_extension = -1;
/* What the dissector finds out about them */
static int hf_kq1_key_file = -1;
static int hf_kq1_key_bytes = -1;
static int hf_kq1_key_bits = -1;
static int hf_kq1_key_encoding = -1;
static int hf_kq1_hash_status = -1;
static int hf_kq1_hash_algorithm = -1;
static int hf_kq1_response_ok = -1;
static int hf_kq1_response_in = -1;
static int hf_kq1_response_to = -1;
static int hf_kq1_response_time = -1;
static int hf_kq1_json_skipped = -1;
static int hf_kq1_party = -1;

/* The field of each parameter, indexed by kq1_param_t; ETSI GS QKD 014's
 * own members have qkd014.* fields, set by kq1-view-qkd014.c
 * (kq1_view_param_field). */
static int *param_hf[KQ1_PARAM_COUNT] = {
    [KQ1_PARAM_KEY]                    = &hf_kq1_key,
    [KQ1_PARAM_KEY_ID]                 = &hf_kq1_key_id,
    [KQ1_PARAM_QKD_MODULE_ID]          = &hf_kq1_qkd_module_id,
    [KQ1_PARAM_MATCHING_QKD_MODULE_ID] = &hf_kq1_matching_qkd_module_id,
    [KQ1_PARAM_KEY_LENGTH]             = &hf_kq1_key_length,
    [KQ1_PARAM_GENERATION_TIMESTAMP]   = &hf_kq1_generation_timestamp,
    [KQ1_PARAM_HASH_VALUE]             = &hf_kq1_hash_value,
    [KQ1_PARAM_RESPONSE]               = &hf_kq1_response,
    [KQ1_PARAM_NUMBER_OF_KEYS]         = &hf_kq1_number_of_keys,
    [KQ1_PARAM_SIZE_OF_KEY]            = &hf_kq1_size_of_key,
    [KQ1_PARAM_KEYS]                   = &hf_kq1_keys,
    [KQ1_PARAM_KEY_EXTENSION]          = &hf_kq1_key_extension,
    [KQ1_PARAM_EXTENSION]              = &hf_kq1_extension,
};

/* A key no supply of its key ID says anything of. */
static const kq1_key_links_t no_link;

static int ett_kq1 = -1;
static int ett_kq1_command_code = -1;
static int ett_kq1_keys = -1;
static int ett_kq1_key_file = -1;

static expert_field ei_kq1_missing_mandatory = EI_INIT;
static expert_field ei_kq1_wrong_type = EI_INIT;
static expert_field ei_kq1_duplicate_member = EI_INIT;
static expert_field ei_kq1_unknown_command = EI_INIT;
static expert_field ei_kq1_wrong_direction = EI_INIT;
static expert_field ei_kq1_bad_json = EI_INIT;
static expert_field ei_kq1_length_mismatch = EI_INIT;
static expert_field ei_kq1_short_header = EI_INIT;
static expert_field ei_kq1_key_encoding = EI_INIT;
static expert_field ei_kq1_key_length_mismatch = EI_INIT;
static expert_field ei_kq1_key_length_in_bytes = EI_INIT;
static expert_field ei_kq1_hash_mismatch = EI_INIT;
static expert_field ei_kq1_hash_unknown = EI_INIT;
static expert_field ei_kq1_hash_not_matched = EI_INIT;
static expert_field ei_kq1_key_count_not_default = EI_INIT;
static expert_field ei_kq1_no_request = EI_INIT;
static expert_field ei_kq1_no_response = EI_INIT;
static expert_field ei_kq1_failure_response = EI_INIT;
static expert_field ei_kq1_wrong_key_count = EI_INIT;
static expert_field ei_kq1_wrong_key_size = EI_INIT;
static expert_field ei_kq1_out_of_range = EI_INIT;
static expert_field ei_kq1_bad_string = EI_INIT;
static expert_field ei_kq1_weak_key = EI_INIT;
static expert_field ei_kq1_too_many_findings = EI_INIT;
static expert_field ei_kq1_unknown_version = EI_INIT;
static expert_field ei_kq1_message_id_repeated = EI_INIT;
static expert_field ei_kq1_byte_order_switched = EI_INIT;

static dissector_handle_t json_handle;
static int proto_json = -1;
static int kq1_tap = -1;

/* Preferences. Where Q.4162 is silent the plugin assumes; each assumption
 * is one of these, and each finding that rests on one names it. */
static kq1_ws_bool_t kq1_hide_keys = false;
static const char *kq1_success_words = "success,ok,200,accepted";
static const char *kq1_failure_words = "fail,failed,failure,error,refused,rejected,denied";
static int kq1_key_length_unit = KQ1_UNIT_BITS;
static int kq1_hash_input = KQ1_HASH_OVER_EITHER;
static int kq1_hash_algorithm = KQ1_HASH_BY_LENGTH;
static int kq1_key_encoding = KQ1_KEY_BASE64_OR_HEX;
static unsigned kq1_default_number_of_keys = 0;    /* 0: unknown, not checked */
static const char *kq1_versions = "";              /* empty: any Version */

/* The "Kq-1 JSON member names" table: member names users add per message
 * and parameter, and the same compiled for the payload checker. */
typedef struct {
    char *message;
    char *parameter;
    char *member;
} kq1_uat_alias_t;

static kq1_uat_alias_t *uat_aliases;
static unsigned n_uat_aliases;
static kq1_alias_t *aliases;
static unsigned n_aliases;

static const value_string key_encoding_read_vals[] = {
    { KQ1_KEY_BASE64, "base64" },
    { KQ1_KEY_HEX,    "hex" },
    { 0, NULL }
};

const value_string kq1_hash_status_vals[] = {
    { KQ1_HASH_VERIFIED, "verified" },
    { KQ1_HASH_MISMATCH, "mismatch" },
    { KQ1_HASH_UNKNOWN,  "unknown algorithm" },
    { 0, NULL }
};

/* Table I.1, from the catalogue's list. */
#define KQ1_COMMAND_CODE_VAL(code, name) { (code), (name) },
#define KQ1_MESSAGE_TYPE_VAL(code, name) { (code) & 0xff, (name) },
static const value_string command_code_vals[] = {
    KQ1_TABLE_I1(KQ1_COMMAND_CODE_VAL)
    { 0, NULL }
};
static const value_string message_type_vals[] = {
    KQ1_TABLE_I1(KQ1_MESSAGE_TYPE_VAL)
    { 0, NULL }
};

static const value_string direction_vals[] = {
    { KQ1_DIR_KM_TO_QKD, "KM -> QKD module" },
    { KQ1_DIR_QKD_TO_KM, "QKD module -> KM" },
    { 0, NULL }
};

/* Which way this PDU travels, from the roles of its conversation (who is
 * the KM). Returns the direction byte expected, or 0 when the roles cannot
 * be told apart. */
static uint8_t
expected_direction(packet_info *pinfo, const kq1_pdu_context_t *ctx)
{
    uint32_t km_port = ctx->roles->km_port;

    if (km_port == 0 || pinfo->srcport == pinfo->destport)
        return 0;
    if (pinfo->destport == km_port)
        return KQ1_DIR_QKD_TO_KM;
    if (pinfo->srcport == km_port)
        return KQ1_DIR_KM_TO_QKD;
    return 0;
}

/* A string from the payload as a field value: itself when it is UTF-8, as
 * FT_STRING requires, else with the invalid bytes replaced. */
static const char *
valid_utf8(packet_info *pinfo, const char *s)
{
    if (g_utf8_validate(s, -1, NULL))
        return s;
    return (const char *)get_utf_8_string(pinfo->pool, (const uint8_t *)s, (int)strlen(s));
}

const char *
kq1_escaped(packet_info *pinfo, const char *text)
{
    /* format_text takes guchar in 4.0 and char since 4.2. */
    return format_text(pinfo->pool, (const void *)text, strlen(text));
}

/* The bytes a parameter (or object) came from: its span when the scanner
 * found one, else the whole JSON text. */
static void
item_range(tvbuff_t *json_tvb, kq1_span_t span, int *offset, int *length)
{
    if (span.length > 0 && span.offset + span.length <= tvb_reported_length(json_tvb)) {
        *offset = (int)span.offset;
        *length = (int)span.length;
    } else {
        *offset = 0;
        *length = (int)tvb_reported_length(json_tvb);
    }
}

/* "[redacted, 256 bits]": what kq1.key shows when keys are hidden. */
static const char *
redacted_key(packet_info *pinfo, const kq1_params_t *params)
{
    if (params->key.encoding != KQ1_KEY_UNDECODED)
        return wmem_strdup_printf(pinfo->pool, "[redacted, %" G_GSIZE_FORMAT " bits]", params->key.len * 8);
    return wmem_strdup_printf(pinfo->pool, "[redacted, %" G_GSIZE_FORMAT " characters]",
                              strlen(kq1_params_string(params, KQ1_PARAM_KEY)));
}

/* After the Key: the decoded key and its size. */
static void
add_key_checks(proto_tree *tree, tvbuff_t *json_tvb, int offset, int length, const kq1_params_t *params)
{
    proto_item *item;

    if (params->key.encoding == KQ1_KEY_UNDECODED)
        return;
    if (!kq1_hide_keys) {
        item = proto_tree_add_bytes_with_length(tree, hf_kq1_key_bytes, json_tvb, offset, length,
                                                params->key.data, (int)params->key.len);
        proto_item_set_generated(item);
    }
    item = proto_tree_add_uint(tree, hf_kq1_key_encoding, json_tvb, offset, length, params->key.encoding);
    proto_item_set_generated(item);
    item = proto_tree_add_uint(tree, hf_kq1_key_bits, json_tvb, offset, length, (uint32_t)(params->key.len * 8));
    proto_item_set_generated(item);
}

/* An object or array parameter (its value's bytes at value in json_tvb),
 * as compact JSON text; as sent, when json-glib cannot read it alone. */
static void
add_json_text(proto_tree *tree, packet_info *pinfo, int hf, tvbuff_t *json_tvb, int offset, int length,
              kq1_span_t value)
{
    const uint8_t *data = tvb_get_ptr(json_tvb, 0, -1);
    /* Copied into the packet's memory before anything can throw. */
    char *json = kq1_json_compact(data, value);
    const char *text = json != NULL ? wmem_strdup(pinfo->pool, json)
                                    : (const char *)get_utf_8_string(pinfo->pool, data + value.offset, (int)value.length);

    g_free(json);
    proto_tree_add_string(tree, hf, json_tvb, offset, length, text);
}

/* Adds the parameters found in one JSON object (the payload, or one element
 * of Keys) under tree, each over the bytes of its member. links is what
 * the supplies of the object's Key ID make of it. */
static void
add_params(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_params_t *params,
           const kq1_key_links_t *links)
{
    int offset, length;

    for (int param = 0; param < KQ1_PARAM_COUNT; param++) {
        const kq1_param_info_t *info = kq1_param_info((kq1_param_t)param);
        const char *text;
        int64_t integer;
        proto_item *item;

        if (!params->present[param] || param == KQ1_PARAM_KEYS || param_hf[param] == NULL)
            continue;
        item_range(json_tvb, params->span[param], &offset, &length);
        switch (info->type) {
        case KQ1_TYPE_STRING:
            text = kq1_params_string(params, (kq1_param_t)param);
            /* The payload's strings are UTF-8 (the checker's reading). */
            if (param == KQ1_PARAM_KEY && kq1_hide_keys)
                text = redacted_key(pinfo, params);
            proto_tree_add_string(tree, *param_hf[param], json_tvb, offset, length, text);
            if (param == KQ1_PARAM_KEY)
                add_key_checks(tree, json_tvb, offset, length, params);
            else if (param == KQ1_PARAM_KEY_ID)
                kq1_view_add_key_links(tree, pinfo, json_tvb, offset, length, text, params, links);
            else if (param == KQ1_PARAM_GENERATION_TIMESTAMP)
                kq1_view_add_key_age(tree, pinfo, json_tvb, offset, length, text);
            else if (param == KQ1_PARAM_HASH_VALUE && params->hash_status != KQ1_HASH_ABSENT) {
                item = proto_tree_add_uint(tree, hf_kq1_hash_status, json_tvb, offset, length,
                                           params->hash_status);
                proto_item_set_generated(item);
                if (params->hash_algorithm != NULL) {
                    item = proto_tree_add_string(tree, hf_kq1_hash_algorithm, json_tvb, offset, length,
                                                 params->hash_algorithm);
                    proto_item_set_generated(item);
                }
            }
            break;
        case KQ1_TYPE_INTEGER:
            if (kq1_params_integer(params, (kq1_param_t)param, &integer))
                proto_tree_add_int64(tree, *param_hf[param], json_tvb, offset, length, integer);
            break;
        case KQ1_TYPE_OBJECT:
        case KQ1_TYPE_ARRAY_OF_OBJECTS:
            add_json_text(tree, pinfo, *param_hf[param], json_tvb, offset, length, params->value[param]);
            break;
        }
    }
    if (params->second_extension) {
        item_range(json_tvb, params->second_extension_span, &offset, &length);
        add_json_text(tree, pinfo, hf_kq1_extension, json_tvb, offset, length, params->second_extension_value);
    }
}

/* Keys, one subtree per element; key_links (n_links of them, may be NULL)
 * say what earlier supplies of each key's ID make of it. */
static void
add_keys(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_payload_t *payload,
         const kq1_key_links_t *key_links, unsigned n_links)
{
    proto_item *keys_item;
    proto_tree *keys_tree;
    int offset, length;

    if (!payload->top.present[KQ1_PARAM_KEYS])
        return;
    item_range(json_tvb, payload->top.span[KQ1_PARAM_KEYS], &offset, &length);
    keys_item = proto_tree_add_uint(tree, hf_kq1_keys, json_tvb, offset, length,
                                    payload->keys->len);
    keys_tree = proto_item_add_subtree(keys_item, ett_kq1_keys);
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *element = &g_array_index(payload->keys, kq1_params_t, i);
        const char *key_id = kq1_params_string(element, KQ1_PARAM_KEY_ID);
        proto_item *file_item;
        proto_tree *file_tree;

        item_range(json_tvb, element->self, &offset, &length);
        file_item = proto_tree_add_uint(keys_tree, hf_kq1_key_file, json_tvb, offset, length, i);
        file_tree = proto_item_add_subtree(file_item, ett_kq1_key_file);
        if (key_id != NULL)
            proto_item_append_text(file_item, ", Key ID %s", kq1_escaped(pinfo, key_id));
        add_params(file_tree, pinfo, json_tvb, element,
                   key_links != NULL && i < n_links ? &key_links[i] : &no_link);
    }
}

void
kq1_view_add_findings(proto_tree *tree, packet_info *pinfo, tvbuff_t *payload_tvb, const kq1_payload_t *payload)
{
    for (unsigned i = 0; i < payload->findings->len; i++) {
        const kq1_finding_t *finding = &g_array_index(payload->findings, kq1_finding_t, i);
        expert_field *ei = NULL;

        switch (finding->kind) {
        case KQ1_FINDING_MISSING_MANDATORY: ei = &ei_kq1_missing_mandatory; break;
        case KQ1_FINDING_WRONG_TYPE:        ei = &ei_kq1_wrong_type;        break;
        case KQ1_FINDING_DUPLICATE_MEMBER:  ei = &ei_kq1_duplicate_member;  break;
        case KQ1_FINDING_BAD_JSON:          ei = &ei_kq1_bad_json;          break;
        case KQ1_FINDING_LENGTH_MISMATCH:   ei = &ei_kq1_length_mismatch;   break;
        case KQ1_FINDING_KEY_ENCODING:      ei = &ei_kq1_key_encoding;      break;
        case KQ1_FINDING_KEY_LENGTH_MISMATCH: ei = &ei_kq1_key_length_mismatch; break;
        case KQ1_FINDING_KEY_LENGTH_IN_BYTES: ei = &ei_kq1_key_length_in_bytes; break;
        case KQ1_FINDING_HASH_MISMATCH:     ei = &ei_kq1_hash_mismatch;     break;
        case KQ1_FINDING_HASH_NOT_MATCHED:  ei = &ei_kq1_hash_not_matched;  break;
        case KQ1_FINDING_HASH_UNKNOWN:      ei = &ei_kq1_hash_unknown;      break;
        case KQ1_FINDING_OUT_OF_RANGE:      ei = &ei_kq1_out_of_range;      break;
        case KQ1_FINDING_BAD_STRING:        ei = &ei_kq1_bad_string;        break;
        case KQ1_FINDING_WEAK_KEY:          ei = &ei_kq1_weak_key;          break;
        case KQ1_FINDING_TOO_MANY:          ei = &ei_kq1_too_many_findings; break;
        }
        proto_tree_add_expert_format(tree, pinfo, ei, payload_tvb, 0, -1, "%s",
                                     kq1_escaped(pinfo, finding->text));
    }
}

/* "Key supply, QKD module -> KM, MessageID 7, Key ID abc" for the Info column. */
static const char *
describe_pdu(packet_info *pinfo, const kq1_message_info_t *msg, uint16_t code,
             uint32_t message_id, const kq1_payload_t *payload)
{
    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, "");
    const char *direction = kq1_direction_name((uint8_t)(code >> 8));
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
        wmem_strbuf_append_printf(info, ", Key ID %s", kq1_escaped(pinfo, key_id));
    if (payload->keys->len > 0) {
        unsigned shown = 0;

        wmem_strbuf_append(info, payload->keys->len == 1 ? ", Key ID " : ", Key IDs ");
        for (unsigned i = 0; i < payload->keys->len; i++) {
            key_id = kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);
            if (key_id == NULL)
                continue;
            if (shown == KQ1_INFO_MAX_KEY_IDS) {
                wmem_strbuf_append_printf(info, ",...(%u keys)", payload->keys->len);
                break;
            }
            wmem_strbuf_append_printf(info, "%s%s", shown > 0 ? "," : "", kq1_escaped(pinfo, key_id));
            shown++;
        }
        /* Keys without a Key ID: said, not left as a dangling label. */
        if (shown == 0)
            wmem_strbuf_append(info, "missing");
    }
    return wmem_strbuf_get_str(info);
}

/* Per frame, while it is dissected: how many of its PDUs were analysed
 * (the index of the next, the same on every pass, so that each finds its
 * analysis again) and how many are in the Info column. */
typedef struct {
    unsigned analysed;
    unsigned described;
} kq1_frame_t;

static kq1_frame_t *
this_frame(packet_info *pinfo)
{
    kq1_frame_t *frame = (kq1_frame_t *)p_get_proto_data(pinfo->pool, pinfo, proto_kq1, 0);

    if (frame == NULL) {
        frame = wmem_new0(pinfo->pool, kq1_frame_t);
        p_add_proto_data(pinfo->pool, pinfo, proto_kq1, 0, frame);
    }
    return frame;
}

/* The columns, once the PDU is decoded (the JSON dissector may have been
 * called, and several PDUs may share the frame: the first few are named in
 * Info, then "..."; appending to a long Info costs its length each time). */
static void
finish_pdu(packet_info *pinfo, const kq1_message_info_t *msg, uint16_t code, uint32_t message_id,
           const kq1_payload_t *payload)
{
    kq1_frame_t *frame;

    if (pinfo->cinfo == NULL)
        return;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    frame = this_frame(pinfo);
    if (frame->described < KQ1_INFO_MAX_PDUS)
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", describe_pdu(pinfo, msg, code, message_id, payload));
    else if (frame->described == KQ1_INFO_MAX_PDUS)
        col_append_str(pinfo->cinfo, COL_INFO, "; ...");
    frame->described++;
}

/* The JSON text as the JSON dissector should see it: with the keys' values
 * starred out when keys are hidden (a data source of its own). */
static tvbuff_t *
json_text_for_display(tvbuff_t *json_tvb, packet_info *pinfo, const kq1_payload_t *payload)
{
    unsigned len = tvb_reported_length(json_tvb);
    uint8_t *text;
    const kq1_params_t *objects[2] = { &payload->top, NULL };
    tvbuff_t *redacted;

    if (!kq1_hide_keys)
        return json_tvb;
    text = (uint8_t *)tvb_memdup(pinfo->pool, json_tvb, 0, len);
    for (unsigned i = 0; i <= payload->keys->len; i++) {
        const kq1_params_t *params = i == 0 ? objects[0] : &g_array_index(payload->keys, kq1_params_t, i - 1);
        kq1_span_t value = params->value[KQ1_PARAM_KEY];

        /* Everything between the quotes of the Key's value. */
        if (params->present[KQ1_PARAM_KEY] && value.length >= 2 && value.offset + value.length <= len)
            memset(text + value.offset + 1, '*', value.length - 2);
    }
    redacted = tvb_new_child_real_data(json_tvb, text, len, len);
    add_new_data_source(pinfo, redacted, "Kq-1 payload, keys hidden");
    return redacted;
}

/* Hands the JSON text to Wireshark's JSON dissector (json.* fields) while
 * keeping it off the columns, which belong to Kq-1. It only builds a tree,
 * so it is not called when no one will see it: no tree, or a tree made only
 * for some fields (tshark -T fields, the QKD 014 postdissector's HTTP fields)
 * none of which is JSON's. */
static void
call_json_dissector(tvbuff_t *json_tvb, packet_info *pinfo, proto_tree *tree, const kq1_payload_t *payload)
{
    bool writable;

    if (!proto_field_is_referenced(tree, proto_json))
        return;
    /* Wireshark 4.0 counts every dissector called in a frame against
     * gui.max_tree_depth and aborts past it: a frame of a few hundred
     * messages would. The Kq-1 fields are shown all the same. */
    if (wmem_list_count(pinfo->layers) + KQ1_LAYER_MARGIN >= prefs.gui_max_tree_depth) {
        proto_tree_add_item(tree, hf_kq1_json_skipped, json_tvb, 0, -1, ENC_NA);
        return;
    }
    writable = col_get_writable(pinfo->cinfo, -1);
    col_set_writable(pinfo->cinfo, -1, false);
    call_dissector_with_data(json_handle, json_text_for_display(json_tvb, pinfo, payload), pinfo, tree, NULL);
    col_set_writable(pinfo->cinfo, -1, writable);
}

static void
check_command_code(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, proto_item *code_item,
                   const kq1_message_info_t *msg, uint16_t code, const kq1_pdu_context_t *ctx)
{
    uint8_t direction = (uint8_t)(code >> 8);
    uint8_t expected;
    const kq1_message_info_t *swapped = kq1_message_lookup(GUINT16_SWAP_LE_BE(code));

    if (kq1_direction_name(direction) == NULL) {
        if (swapped != NULL)
            expert_add_info_format(pinfo, code_item, &ei_kq1_unknown_command,
                                   "CommandCode 0x%04x: high byte 0x%02x is not a direction; in the other "
                                   "byte order it is %s (preference kq1.byte_order)", code, direction,
                                   swapped->name);
        else
            expert_add_info_format(pinfo, code_item, &ei_kq1_unknown_command,
                                   "CommandCode 0x%04x: high byte 0x%02x is not a direction "
                                   "(0x13 KM -> QKD module, 0x31 QKD module -> KM)", code, direction);
        return;
    }
    if (msg == NULL)
        expert_add_info_format(pinfo, code_item, &ei_kq1_unknown_command,
                               "CommandCode 0x%04x is not in Table I.1 of Q.4162", code);
    /* Appendix I lets either end connect: the first message of the
     * conversation says who is the KM (the transport noted it). */
    expected = expected_direction(pinfo, ctx);
    if (expected != 0 && direction != expected)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_direction, tvb, 6, 2,
                                     "CommandCode 0x%04x (%s) sent by the %s: frame %u set the roles of this "
                                     "conversation (the KM on port %u), where only %s messages (0x%02xxx) go "
                                     "this way", code, kq1_direction_name(direction),
                                     expected == KQ1_DIR_QKD_TO_KM ? "QKD module" : "KM",
                                     ctx->roles->frame, ctx->roles->km_port,
                                     kq1_direction_name(expected), expected);
}

/* The Version is one of kq1.versions (comma-separated), or that list is empty. */
static bool
version_expected(uint32_t version)
{
    const char *next = kq1_versions;

    while (*next != '\0') {
        uint32_t listed;
        const char *end;

        while (*next == ' ' || *next == ',')
            next++;
        if (*next == '\0')
            break;
        if (!ws_strtou32(next, &end, &listed)) {
            /* Not a number: skip to the next comma. */
            end = next + strcspn(next, ",");
        } else if (listed == version) {
            return true;
        }
        next = end;
        while (*next != '\0' && *next != ',')
            next++;
    }
    return kq1_versions[strspn(kq1_versions, " ,")] == '\0';
}

/* --- what the transports use (kq1-view.h) -------------------------------- */

/* Frees a checked payload with the packet's memory (wmem_free_all or the
 * pool's destruction, whichever comes first), so that an exception thrown
 * while it is shown does not leak it; false: once only. */
static kq1_ws_bool_t
free_payload_with_packet(wmem_allocator_t *pool _U_, wmem_cb_event_t event _U_, void *payload)
{
    kq1_payload_free((kq1_payload_t *)payload);
    return false;
}

/* The fields and expert infos registered, for brief_is_enough. */
static const hf_register_info *registered_hf;
static size_t n_registered_hf;
static const ei_register_info *registered_ei;
static size_t n_registered_ei;

/* What a brief reading of a payload (KQ1_READ_BRIEF) gives the same as a
 * full one: the header, every parameter, the Response's verdict, and the
 * links the analysis makes; not what the key checks find (the decoded
 * key, its size and encoding, the hash status). */
static bool
brief_gives(int hf)
{
    static int * const given[] = {
        &hf_kq1_version, &hf_kq1_message_id, &hf_kq1_command_code, &hf_kq1_direction, &hf_kq1_message_type,
        &hf_kq1_length, &hf_kq1_payload, &hf_kq1_trailing, &hf_kq1_key_file, &hf_kq1_response_ok,
        &hf_kq1_response_in, &hf_kq1_response_to, &hf_kq1_response_time, &hf_kq1_json_skipped, &hf_kq1_party,
    };

    for (size_t i = 0; i < KQ1_PARAM_FIRST_QKD014; i++) {
        if (*param_hf[i] == hf)
            return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(given); i++) {
        if (*given[i] == hf)
            return true;
    }
    return false;
}

/* true when this dissection wants nothing of a payload but what a brief
 * reading gives: no tree, or one made only for filters, columns or fields
 * that ask for nothing else (tshark -Y kq1.key_id, Wireshark's packet
 * list); no statistics or expert infos tapped; keys not hidden (hiding
 * shows each key's size). A visible tree asks for everything. The one
 * place the reading is chosen. */
static bool
brief_is_enough(proto_tree *tree)
{
    static int expert_tap = -1;
    static const char *expert_names[] = { "_ws.expert", "_ws.expert.message", "_ws.expert.severity",
                                          "_ws.expert.group" };
    /* The fields only a full reading gives, and the expert infos' own:
     * listed once, as field ids are fixed after registration, so that
     * each message checks only them (in epan's memory: kept until
     * Wireshark closes, freed then). */
    static int *full_only;
    static unsigned n_full_only;

    if (full_only == NULL) {
        expert_tap = find_tap_id("expert");
        full_only = wmem_alloc_array(wmem_epan_scope(), int,
                                     G_N_ELEMENTS(expert_names) + n_registered_hf + n_registered_ei);
        for (size_t i = 0; i < G_N_ELEMENTS(expert_names); i++) {
            int id = proto_registrar_get_id_byname(expert_names[i]);

            if (id >= 0)
                full_only[n_full_only++] = id;
        }
        for (size_t i = 0; i < n_registered_hf; i++) {
            if (!brief_gives(*registered_hf[i].p_id))
                full_only[n_full_only++] = *registered_hf[i].p_id;
        }
        for (size_t i = 0; i < n_registered_ei; i++)
            full_only[n_full_only++] = registered_ei[i].ids->hf;
    }
    if (kq1_hide_keys || have_tap_listener(kq1_tap) || (expert_tap >= 0 && have_tap_listener(expert_tap)))
        return false;
    if (tree == NULL)
        return true;
    for (unsigned i = 0; i < n_full_only; i++) {
        if (proto_field_is_referenced(tree, full_only[i]))
            return false;
    }
    return true;
}

/* Reads a payload; *callback is the registration that frees it with the
 * packet's memory, which release_payload takes back to free it earlier. */
static kq1_payload_t *
read_payload(packet_info *pinfo, const kq1_message_info_t *msg, tvbuff_t *tvb, kq1_reading_t reading,
             unsigned *callback)
{
    unsigned length = tvb_captured_length(tvb);
    /* tvb_get_ptr may throw: before anything is allocated. */
    const uint8_t *data = length > 0 ? tvb_get_ptr(tvb, 0, length) : NULL;
    kq1_settings_t settings = { aliases, n_aliases, (kq1_length_unit_t)kq1_key_length_unit,
                                (kq1_hash_input_t)kq1_hash_input, (kq1_hash_algorithm_t)kq1_hash_algorithm,
                                (kq1_key_encodings_t)kq1_key_encoding };
    kq1_payload_t *payload = kq1_payload_read(msg, data, length, &settings, reading);

    *callback = wmem_register_callback(pinfo->pool, free_payload_with_packet, payload);
    return payload;
}

kq1_payload_t *
kq1_view_read(packet_info *pinfo, const kq1_message_info_t *msg, tvbuff_t *tvb, kq1_reading_t reading)
{
    unsigned callback;

    return read_payload(pinfo, msg, tvb, reading, &callback);
}

kq1_reading_t
kq1_view_reading(proto_tree *tree)
{
    return brief_is_enough(tree) ? KQ1_READ_BRIEF : KQ1_READ_FULL;
}

unsigned
kq1_view_next_pdu(packet_info *pinfo)
{
    return this_frame(pinfo)->analysed++;
}

/* Frees a checked payload once its message is shown, so that the next
 * message of the frame reuses its storage: a frame of many messages would
 * otherwise hold all their payloads until the frame's memory is freed. */
static void
release_payload(packet_info *pinfo, kq1_payload_t *payload, unsigned callback)
{
    wmem_unregister_callback(pinfo->pool, callback);
    kq1_payload_free(payload);
}

proto_tree *
kq1_view_add_tree(proto_tree *tree, tvbuff_t *tvb, const char *text)
{
    proto_item *item = proto_tree_add_protocol_format(tree, proto_kq1, tvb, 0, 0, "%s", text);

    return proto_item_add_subtree(item, ett_kq1);
}

void
kq1_view_add_payload(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_payload_t *payload,
                     const kq1_key_links_t *key_links, unsigned n_links)
{
    add_params(tree, pinfo, json_tvb, &payload->top, &no_link);
    add_keys(tree, pinfo, json_tvb, payload, key_links, n_links);
    kq1_view_add_findings(tree, pinfo, json_tvb, payload);
}

void
kq1_view_param_field(kq1_param_t param, int *hf)
{
    param_hf[param] = hf;
}

void
kq1_view_add_integer(proto_tree *tree, tvbuff_t *tvb, int offset, int length, kq1_param_t param, int64_t value)
{
    proto_tree_add_int64(tree, *param_hf[param], tvb, offset, length, value);
}

void
kq1_view_add_string(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                    kq1_param_t param, const char *value)
{
    proto_tree_add_string(tree, *param_hf[param], tvb, offset, length, valid_utf8(pinfo, value));
}

void
kq1_view_add_wrong_type(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                        const char *text)
{
    proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_type, tvb, offset, length, "%s",
                                 kq1_escaped(pinfo, text));
}

void
kq1_view_queue_tap(packet_info *pinfo, kq1_tap_info_t *tap)
{
    tap_queue_packet(kq1_tap, pinfo, tap);
}

static bool
is_response(uint16_t code)
{
    return code == KQ1_KEY_SUPPLY_RESPONSE || code == KQ1_KEY_REQUEST_RESPONSE;
}

void
kq1_view_add_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_message_t *message,
                   const kq1_payload_t *payload, const kq1_analysis_t *analysis, kq1_tap_info_t *tap)
{
    const kq1_transaction_t *transaction = analysis->transaction;
    const char *name = kq1_message_lookup(message->code)->name;
    proto_item *item;

    if (analysis->is_request) {
        if (transaction->response_frame != 0) {
            item = proto_tree_add_uint(tree, hf_kq1_response_in, tvb, 0, 0, transaction->response_frame);
            proto_item_set_generated(item);
        } else if (PINFO_FD_VISITED(pinfo)) {
            /* Only after the first pass is it known that nothing answered. */
            proto_tree_add_expert_format(tree, pinfo, &ei_kq1_no_response, tvb, 0, 0,
                                         "No response to this %s in the capture", name);
        }
        return;
    }
    if (!is_response(message->code))
        return;
    if (transaction == NULL) {
        /* A Response to key supply without Key ID cannot be matched; its
         * missing Key ID is reported already. */
        if (message->code == KQ1_KEY_REQUEST_RESPONSE
            || (payload != NULL && kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID) != NULL))
            proto_tree_add_expert_format(tree, pinfo, &ei_kq1_no_request, tvb, 0, 0,
                                         "This %s answers no %s seen in this %s", name,
                                         message->code == KQ1_KEY_SUPPLY_RESPONSE ? "Key supply (by Key ID)"
                                                                                  : "unanswered Key request",
                                         message->exchanges != NULL ? "TCP conversation" : "HTTP connection");
        return;
    }
    item = proto_tree_add_uint(tree, hf_kq1_response_to, tvb, 0, 0, transaction->request_frame);
    proto_item_set_generated(item);
    tap->answered = true;
    nstime_delta(&tap->response_time, &pinfo->abs_ts, &transaction->request_time);
    item = proto_tree_add_time(tree, hf_kq1_response_time, tvb, 0, 0, &tap->response_time);
    proto_item_set_generated(item);
}

kq1_verdict_t
kq1_view_add_verdict(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                const char *message, const char *response, kq1_verdict_t verdict, const char *why)
{
    proto_item *item;

    if (verdict != KQ1_VERDICT_OK && verdict != KQ1_VERDICT_FAILED)
        return verdict;
    item = proto_tree_add_boolean(tree, hf_kq1_response_ok, tvb, offset, length, verdict == KQ1_VERDICT_OK);
    proto_item_set_generated(item);
    if (verdict == KQ1_VERDICT_FAILED)
        expert_add_info_format(pinfo, item, &ei_kq1_failure_response, "%s failed: \"%s\" (%s)",
                               message, kq1_escaped(pinfo, response), why);
    return verdict;
}

/* The Response parameter of a payload, judged by the success and failure
 * words: Q.4162 gives no wording, so neither matching leaves it unknown. */
static kq1_verdict_t
add_verdict(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb, const kq1_message_info_t *msg,
            const kq1_payload_t *payload)
{
    const char *response = kq1_params_string(&payload->top, KQ1_PARAM_RESPONSE);
    kq1_verdict_t verdict;
    int offset, length;

    if (response == NULL)
        return KQ1_VERDICT_NONE;
    if (kq1_response_says(response, kq1_success_words))
        verdict = KQ1_VERDICT_OK;
    else if (kq1_response_says(response, kq1_failure_words))
        verdict = KQ1_VERDICT_FAILED;
    else
        verdict = KQ1_VERDICT_UNKNOWN;
    item_range(json_tvb, payload->top.span[KQ1_PARAM_RESPONSE], &offset, &length);
    return kq1_view_add_verdict(tree, pinfo, json_tvb, offset, length, msg->name, response, verdict,
                           "one of the failure words, see preference kq1.failure_words");
}

void
kq1_view_check_against_request(proto_tree *tree, packet_info *pinfo, tvbuff_t *json_tvb,
                               const kq1_payload_t *payload, const kq1_transaction_t *request, kq1_verdict_t verdict,
                               const char *default_rule)
{
    int offset, length;

    if (!payload->top.present[KQ1_PARAM_KEYS] || verdict == KQ1_VERDICT_FAILED)
        return;
    item_range(json_tvb, payload->top.span[KQ1_PARAM_KEYS], &offset, &length);
    if (request->ask.has_number && (int64_t)payload->keys->len != request->ask.number)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_key_count, json_tvb, offset, length,
                                     "Keys holds %u key(s) but the Key request in frame %u asked for %" PRId64,
                                     payload->keys->len, request->request_frame, request->ask.number);
    else if (!request->ask.has_number && default_rule != NULL && payload->keys->len != 1)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_key_count, json_tvb, offset, length,
                                     "Keys holds %u keys but the Key request in frame %u gave no number, "
                                     "which is 1 (%s)", payload->keys->len, request->request_frame, default_rule);
    else if (!request->ask.has_number && default_rule == NULL && kq1_default_number_of_keys > 0
             && payload->keys->len != kq1_default_number_of_keys)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_key_count_not_default, json_tvb, offset, length,
                                     "Keys holds %u key(s); the Key request in frame %u gave no Number of keys, "
                                     "assuming %u by default (Q.4162 gives no value; see preference "
                                     "kq1.default_number_of_keys)",
                                     payload->keys->len, request->request_frame, kq1_default_number_of_keys);
    if (!request->ask.has_size)
        return;
    for (unsigned i = 0; i < payload->keys->len; i++) {
        const kq1_params_t *element = &g_array_index(payload->keys, kq1_params_t, i);
        uint64_t bytes = element->key.len, bits = bytes * 8;
        kq1_length_fit_t fit = kq1_length_fit((kq1_length_unit_t)kq1_key_length_unit, request->ask.size, element->key.len);
        bool in_bits = (int64_t)bits == request->ask.size;

        if (element->key.encoding == KQ1_KEY_UNDECODED || fit == KQ1_LENGTH_FITS)
            continue;
        item_range(json_tvb, element->self, &offset, &length);
        if (fit == KQ1_LENGTH_IN_OTHER_UNIT)
            proto_tree_add_expert_format(tree, pinfo, &ei_kq1_key_length_in_bytes, json_tvb, offset, length,
                                         "Size of key %" PRId64 " in the Key request (frame %u) is Keys[%u]'s "
                                         "length in %s, not in %s as assumed (Q.4162 gives no unit; see "
                                         "preference kq1.key_length_unit)", request->ask.size, request->request_frame,
                                         i, in_bits ? "bits" : "bytes", in_bits ? "bytes" : "bits");
        else
            proto_tree_add_expert_format(tree, pinfo, &ei_kq1_wrong_key_size, json_tvb, offset, length,
                                         "Keys[%u] is %" PRIu64 " bits (%" PRIu64 " bytes) but the Key request "
                                         "in frame %u asked for a size of %" PRId64, i, bits, bytes,
                                         request->request_frame, request->ask.size);
    }
}

/* "address:port" of one end of this packet. */
static const char *
endpoint_name(packet_info *pinfo, bool source)
{
    return wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, source ? &pinfo->src : &pinfo->dst),
                              source ? pinfo->srcport : pinfo->destport);
}

bool
kq1_view_wants_parties(proto_tree *tree)
{
    /* A filter, a -e field or a graph on kq1.party primes it; a tree that
     * is only printed (-V) has no use for a hidden field, so visibility
     * alone (which proto_field_is_referenced counts) does not ask. */
    return have_tap_listener(kq1_tap)
           || (tree != NULL && proto_registrar_get_nth(hf_kq1_party)->ref_type != HF_REF_TYPE_NONE);
}

/* One party of a message, hidden: the tables' filters use it. */
static void
add_party(proto_tree *tree, tvbuff_t *tvb, const char *party)
{
    proto_item_set_hidden(proto_tree_add_string(tree, hf_kq1_party, tvb, 0, 0, party));
}

void
kq1_view_add_parties(proto_tree *tree, tvbuff_t *tvb, kq1_tap_info_t *tap, const char *module,
                     const char *km, bool from_module)
{
    tap->module_party = module;
    tap->km_party = km;
    tap->from_module = from_module;
    tap->bytes = tvb_reported_length(tvb);
    add_party(tree, tvb, module);
    add_party(tree, tvb, km);
}

/* The two parties of an Appendix I message, for the conversation and
 * endpoint tables and their filters: the QKD module by the QKD module ID
 * its conversation gave first, else its endpoint; the KM by its endpoint. */
static void
add_tcp_parties(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const kq1_pdu_context_t *ctx, uint32_t code,
                const kq1_payload_t *payload, kq1_tap_info_t *tap)
{
    uint8_t direction = (uint8_t)(code >> 8);
    bool from_module = direction == KQ1_DIR_QKD_TO_KM;
    const char *module_id;

    if ((direction != KQ1_DIR_QKD_TO_KM && direction != KQ1_DIR_KM_TO_QKD) || ctx->exchanges == NULL
        || !kq1_view_wants_parties(tree))
        return;
    module_id = kq1_exchanges_module_id(ctx->exchanges, kq1_params_string(&payload->top, KQ1_PARAM_QKD_MODULE_ID));
    kq1_view_add_parties(tree, tvb, tap,
                         module_id != NULL ? wmem_strdup(pinfo->pool, module_id) : endpoint_name(pinfo, from_module),
                         endpoint_name(pinfo, !from_module), from_module);
}

kq1_tap_info_t *
kq1_view_tap_info(packet_info *pinfo, uint16_t code, uint32_t message_id, const kq1_payload_t *payload,
                  const kq1_analysis_t *analysis)
{
    kq1_tap_info_t *tap = wmem_new0(pinfo->pool, kq1_tap_info_t);
    const char *text;

    tap->code = code;
    tap->message_id = message_id;
    /* The view's own code reads only the verdict and the response time. */
    if (!have_tap_listener(kq1_tap))
        return tap;
    if (payload != NULL && (text = kq1_params_string(&payload->top, KQ1_PARAM_QKD_MODULE_ID)) != NULL)
        tap->qkd_module_id = wmem_strdup(pinfo->pool, text);
    /* The link: the QKD module (its ID, else its address) to the KM's address. */
    tap->link = wmem_strdup_printf(pinfo->pool, "%s " UTF8_RIGHTWARDS_ARROW " %s",
                                   tap->qkd_module_id != NULL ? tap->qkd_module_id
                                                              : address_to_str(pinfo->pool, &pinfo->src),
                                   address_to_str(pinfo->pool, &pinfo->dst));
    if (payload == NULL)
        return tap;
    if ((text = kq1_params_string(&payload->top, KQ1_PARAM_KEY_ID)) != NULL)
        tap->key_id = wmem_strdup(pinfo->pool, text);
    if (analysis == NULL || analysis->n_keys == 0)
        return tap;
    tap->n_keys = analysis->n_keys;
    tap->keys = wmem_alloc0_array(pinfo->pool, kq1_tap_key_t, analysis->n_keys);
    for (unsigned i = 0; i < analysis->n_keys; i++) {
        const kq1_params_t *params = code == KQ1_KEY_SUPPLY ? &payload->top
                                     : &g_array_index(payload->keys, kq1_params_t, i);

        if ((text = kq1_params_string(params, KQ1_PARAM_KEY_ID)) != NULL)
            tap->keys[i].key_id = wmem_strdup(pinfo->pool, text);
        tap->keys[i].bits = (uint32_t)(params->key.len * 8);
        tap->keys[i].hash_status = params->hash_status;
        tap->keys[i].links = analysis->key_links[i];
        if ((text = kq1_params_string(params, KQ1_PARAM_GENERATION_TIMESTAMP)) != NULL) {
            nstime_t generated;
            kq1_time_read_t read;

            tap->keys[i].has_age = kq1_view_key_age(pinfo, text, &generated, &tap->keys[i].age, &read);
        }
    }
    return tap;
}

int
kq1_view_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_pdu_context_t *ctx)
{
    proto_item *ti, *code_item, *length_item;
    proto_tree *kq1_tree, *code_tree;
    uint32_t version, message_id, code, length, captured;
    unsigned encoding;
    proto_item *version_item, *message_id_item;
    const kq1_message_info_t *msg;
    kq1_payload_t *payload;
    unsigned callback;
    const kq1_analysis_t *analysis = NULL;
    kq1_ask_t ask = { false, false, 0, 0 };
    kq1_message_t message = { 0, NULL, NULL, KQ1_WAY_FROM_LOWER, 0, 0, false };
    kq1_transport_message_t transport = { false, false, false, NULL };
    kq1_tap_info_t *tap;
    tvbuff_t *payload_tvb, *json_tvb;
    static int * const code_fields[] = { &hf_kq1_direction, &hf_kq1_message_type, NULL };

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    ti = proto_tree_add_item(tree, proto_kq1, tvb, 0, -1, ENC_NA);
    kq1_tree = proto_item_add_subtree(ti, ett_kq1);

    if (tvb_captured_length(tvb) < KQ1_HEADER_LEN) {
        proto_tree_add_expert_format(kq1_tree, pinfo, &ei_kq1_short_header, tvb, 0, -1,
                                     "Header cut short: %u of its %u bytes are in the captured data",
                                     tvb_captured_length(tvb), KQ1_HEADER_LEN);
        col_append_sep_str(pinfo->cinfo, COL_INFO, "; ", "Kq-1 header cut short");
        kq1_transport_show(kq1_tree, pinfo, tvb, ctx->conversation, &transport);
        return tvb_captured_length(tvb);
    }

    encoding = ctx->encoding;
    version_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_version, tvb, 0, 2, encoding, &version);
    /* Q.4162 gives no Version value; any version is decoded alike. */
    if (!version_expected(version))
        expert_add_info_format(pinfo, version_item, &ei_kq1_unknown_version,
                               "Version %u is not among the versions expected (%s, see preference kq1.versions; "
                               "Q.4162 gives no value); decoded as the others", version, kq1_versions);
    message_id_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_message_id, tvb, 2, 4, encoding, &message_id);
    code_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_command_code, tvb, 6, 2, encoding, &code);
    code_tree = proto_item_add_subtree(code_item, ett_kq1_command_code);
    proto_tree_add_bitmask_list(code_tree, tvb, 6, 2, code_fields, encoding);
    length_item = proto_tree_add_item_ret_uint(kq1_tree, hf_kq1_length, tvb, 8, 2, encoding, &length);
    if (ctx->order_switched)
        proto_tree_add_expert_format(kq1_tree, pinfo, &ei_kq1_byte_order_switched, tvb, 0, KQ1_HEADER_LEN,
                                     "The headers of this conversation read as Kq-1 only in %s byte order: "
                                     "decoded so (preference kq1.byte_order is %s; Q.4162 gives no byte order)",
                                     encoding == ENC_LITTLE_ENDIAN ? "little-endian" : "big-endian",
                                     encoding == ENC_LITTLE_ENDIAN ? "big-endian" : "little-endian");

    msg = kq1_message_lookup((uint16_t)code);
    check_command_code(kq1_tree, pinfo, tvb, code_item, msg, (uint16_t)code, ctx);
    proto_item_append_text(ti, ", %s, MessageID %u",
                           msg ? msg->name : "Unknown command", message_id);

    captured = tvb_captured_length_remaining(tvb, KQ1_HEADER_LEN);
    if (captured < length) {
        /* Cut by the capture's snapshot length, a segment that was not
         * reassembled, or the end of the connection or capture: the JSON is
         * not judged, since what is missing may not be the sender's fault. */
        if (ctx->never_completed)
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
        tap = kq1_view_tap_info(pinfo, (uint16_t)code, message_id, NULL, NULL);
        transport.from_module = (code >> 8) == KQ1_DIR_QKD_TO_KM;
        tap->transport = kq1_transport_show(kq1_tree, pinfo, tvb, ctx->conversation, &transport);
        finish_pdu(pinfo, msg, (uint16_t)code, message_id, NULL);
        /* Counted once: a never-completed message shows only after the first pass. */
        if (!ctx->never_completed)
            kq1_view_queue_tap(pinfo, tap);
        return tvb_captured_length(tvb);
    }
    payload_tvb = tvb_new_subset_length(tvb, KQ1_HEADER_LEN, length);

    /* No payload reads as an object without members: mandatory ones are missing. */
    /* Read only for Info and the analysis when nothing else is wanted. */
    payload = read_payload(pinfo, msg, payload_tvb, kq1_view_reading(tree), &callback);
    message.code = (uint16_t)code;
    message.ask = &ask;
    message.exchanges = ctx->exchanges;
    message.way = ctx->way;
    message.message_id = message_id;
    if (msg != NULL) {
        ask.has_number = kq1_params_integer(&payload->top, KQ1_PARAM_NUMBER_OF_KEYS, &ask.number);
        ask.has_size = kq1_params_integer(&payload->top, KQ1_PARAM_SIZE_OF_KEY, &ask.size);
        analysis = kq1_analyse(pinfo, kq1_view_next_pdu(pinfo), &message, payload);
    }
    tap = kq1_view_tap_info(pinfo, (uint16_t)code, message_id, payload, analysis);
    add_tcp_parties(kq1_tree, pinfo, tvb, ctx, code, payload, tap);
    json_tvb = tvb_new_subset_length(payload_tvb, 0, (int)payload->json_len);
    if (payload->parsed) {
        add_params(kq1_tree, pinfo, json_tvb, &payload->top,
                   code == KQ1_KEY_SUPPLY && analysis != NULL && analysis->n_keys == 1
                   ? &analysis->key_links[0] : &no_link);
        add_keys(kq1_tree, pinfo, json_tvb, payload, analysis ? analysis->key_links : NULL,
                 analysis ? analysis->n_keys : 0);
        tap->verdict = add_verdict(kq1_tree, pinfo, json_tvb, msg, payload);
        if (payload->json_len < length)
            proto_tree_add_item(kq1_tree, hf_kq1_trailing, payload_tvb, (int)payload->json_len,
                                -1, ENC_NA);
    } else if (length > 0) {
        proto_tree_add_item(kq1_tree, hf_kq1_payload, payload_tvb, 0, -1, ENC_NA);
    }
    kq1_view_add_findings(kq1_tree, pinfo, payload_tvb, payload);
    if (analysis != NULL) {
        if (analysis->id_repeated)
            expert_add_info_format(pinfo, message_id_item, &ei_kq1_message_id_repeated,
                                   "MessageID %u was used before by another %s message in this conversation "
                                   "(Appendix I: the unique ID of each message)", message_id,
                                   kq1_direction_name((uint8_t)(code >> 8)));
        kq1_view_add_links(kq1_tree, pinfo, tvb, &message, payload, analysis, tap);
        if (code == KQ1_KEY_REQUEST_RESPONSE && analysis->transaction != NULL)
            kq1_view_check_against_request(kq1_tree, pinfo, json_tvb, payload, analysis->transaction, tap->verdict,
                                           NULL);
    }
    /* After what the message says: what its connection is. */
    transport.carries_keys = kq1_payload_has_key(payload);
    transport.from_module = (code >> 8) == KQ1_DIR_QKD_TO_KM;
    transport.module_id = kq1_params_string(&payload->top, KQ1_PARAM_QKD_MODULE_ID);
    tap->transport = kq1_transport_show(kq1_tree, pinfo, tvb, ctx->conversation, &transport);
    finish_pdu(pinfo, msg, (uint16_t)code, message_id, payload);
    kq1_view_queue_tap(pinfo, tap);
    /* Last, so that an exception in the JSON dissector (a tree deeper than
     * gui.max_tree_depth) costs nothing of Kq-1's own decode. */
    if (payload->parsed)
        call_json_dissector(json_tvb, pinfo, kq1_tree, payload);
    release_payload(pinfo, payload, callback);
    return tvb_captured_length(tvb);
}


UAT_CSTRING_CB_DEF(kq1_alias, message, kq1_uat_alias_t)
UAT_CSTRING_CB_DEF(kq1_alias, parameter, kq1_uat_alias_t)
UAT_CSTRING_CB_DEF(kq1_alias, member, kq1_uat_alias_t)

static void *
copy_alias(void *dest, const void *source, size_t len _U_)
{
    kq1_uat_alias_t *d = (kq1_uat_alias_t *)dest;
    const kq1_uat_alias_t *s = (const kq1_uat_alias_t *)source;

    d->message = g_strdup(s->message);
    d->parameter = g_strdup(s->parameter);
    d->member = g_strdup(s->member);
    return d;
}

static kq1_ws_bool_t
check_alias(void *record, char **error)
{
    const kq1_uat_alias_t *alias = (const kq1_uat_alias_t *)record;
    kq1_param_t param;
    uint16_t code;

    if (!kq1_message_by_name(alias->message ? alias->message : "", &code)) {
        *error = g_strdup_printf("No Kq-1 message \"%s\": give a name from Table I.1, a CommandCode "
                                 "such as 0x3101, or nothing for all", alias->message);
        return false;
    }
    if (alias->parameter == NULL || !kq1_param_by_name(alias->parameter, &param)) {
        *error = g_strdup_printf("No Kq-1 parameter \"%s\"", alias->parameter ? alias->parameter : "");
        return false;
    }
    if (alias->member == NULL || alias->member[0] == '\0') {
        *error = g_strdup("The member name is empty");
        return false;
    }
    return true;
}

static void
free_alias(void *record)
{
    kq1_uat_alias_t *alias = (kq1_uat_alias_t *)record;

    g_free(alias->message);
    g_free(alias->parameter);
    g_free(alias->member);
}

/* The table, as the payload checker wants it (rows that fail check_alias
 * never get here). */
static void
compile_aliases(void)
{
    /* In epan scope: freed with the protocols at exit. */
    wmem_free(wmem_epan_scope(), aliases);
    aliases = wmem_alloc0_array(wmem_epan_scope(), kq1_alias_t, n_uat_aliases ? n_uat_aliases : 1);
    n_aliases = 0;
    for (unsigned i = 0; i < n_uat_aliases; i++) {
        kq1_alias_t *alias = &aliases[n_aliases];

        if (kq1_message_by_name(uat_aliases[i].message ? uat_aliases[i].message : "", &alias->code)
            && kq1_param_by_name(uat_aliases[i].parameter, &alias->param)) {
            alias->member = uat_aliases[i].member;
            n_aliases++;
        }
    }
}


void
kq1_view_register(int proto, int proto_qkd014, module_t *module)
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
        { &hf_kq1_key,
          { "Key", "kq1.key", FT_STRING, BASE_NONE, NULL, 0x0,
            "QKD-key data", HFILL } },
        { &hf_kq1_key_id,
          { "Key ID", "kq1.key_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD-key", HFILL } },
        { &hf_kq1_qkd_module_id,
          { "QKD module ID", "kq1.qkd_module_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD module (Alice or Bob) that supplies the QKD-key", HFILL } },
        { &hf_kq1_matching_qkd_module_id,
          { "Matching QKD module ID", "kq1.matching_qkd_module_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "ID of the QKD module that makes the pair of Alice and Bob", HFILL } },
        { &hf_kq1_key_length,
          { "Key length", "kq1.key_length", FT_INT64, BASE_DEC, NULL, 0x0,
            "Length of the QKD-key supplied (bits)", HFILL } },
        { &hf_kq1_generation_timestamp,
          { "Generation time stamp", "kq1.generation_timestamp", FT_STRING, BASE_NONE, NULL, 0x0,
            "Time stamp of QKD-key generation", HFILL } },
        { &hf_kq1_hash_value,
          { "Hash value", "kq1.hash_value", FT_STRING, BASE_NONE, NULL, 0x0,
            "Hash value of the QKD-key data", HFILL } },
        { &hf_kq1_response,
          { "Response", "kq1.response", FT_STRING, BASE_NONE, NULL, 0x0,
            "Result, with the reason for success or failure", HFILL } },
        { &hf_kq1_number_of_keys,
          { "Number of keys", "kq1.number_of_keys", FT_INT64, BASE_DEC, NULL, 0x0,
            "Number of QKD-keys requested", HFILL } },
        { &hf_kq1_size_of_key,
          { "Size of key", "kq1.size_of_key", FT_INT64, BASE_DEC, NULL, 0x0,
            "Length of each QKD-key requested (bits)", HFILL } },
        { &hf_kq1_keys,
          { "Keys", "kq1.keys", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Key files supplied: their number", HFILL } },
        { &hf_kq1_key_file,
          { "Key file", "kq1.key_file", FT_UINT32, BASE_DEC, NULL, 0x0,
            "One element of Keys: its index", HFILL } },
        { &hf_kq1_key_bytes,
          { "Key bytes", "kq1.key_bytes", FT_BYTES, BASE_NONE, NULL, 0x0,
            "The Key decoded from base64 (or hex)", HFILL } },
        { &hf_kq1_key_encoding,
          { "Key encoding", "kq1.key_encoding", FT_UINT8, BASE_DEC, VALS(key_encoding_read_vals), 0x0,
            "How the Key was read (Q.4162 names no encoding; see preference kq1.key_encoding)", HFILL } },
        { &hf_kq1_key_bits,
          { "Key bits", "kq1.key_bits", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Size of the decoded Key in bits", HFILL } },
        { &hf_kq1_hash_status,
          { "Hash status", "kq1.hash_status", FT_UINT8, BASE_DEC, VALS(kq1_hash_status_vals), 0x0,
            "Hash value checked over the decoded Key", HFILL } },
        { &hf_kq1_hash_algorithm,
          { "Hash algorithm", "kq1.hash_algorithm", FT_STRING, BASE_NONE, NULL, 0x0,
            "The algorithm the Hash value's length names", HFILL } },
        { &hf_kq1_response_ok,
          { "Response is a success", "kq1.response_ok", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The Response is one of the success words (preference kq1.success_words)", HFILL } },
        { &hf_kq1_response_in,
          { "Response in", "kq1.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
            "The response to this request is in this frame", HFILL } },
        { &hf_kq1_response_to,
          { "Response to", "kq1.response_to", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
            "This is a response to the request in this frame", HFILL } },
        { &hf_kq1_response_time,
          { "Response time", "kq1.response_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the request to this response", HFILL } },
        { &hf_kq1_party,
          { "Party", "kq1.party", FT_STRING, BASE_NONE, NULL, 0x0,
            "One end of the message: the QKD module (its QKD module ID, else its endpoint) or the KM (its "
            "endpoint); for ETSI GS QKD 014 the SAE (its address) or the KME (its endpoint). Hidden; the "
            "conversation and endpoint tables filter with it", HFILL } },
        { &hf_kq1_json_skipped,
          { "JSON tree left out (too many messages in this frame for gui.max_tree_depth)", "kq1.json_skipped",
            FT_NONE, BASE_NONE, NULL, 0x0,
            "Wireshark 4.0 counts every dissector called in a frame against gui.max_tree_depth", HFILL } },
        { &hf_kq1_key_extension,
          { "Key extension", "kq1.key_extension", FT_STRING, BASE_NONE, NULL, 0x0,
            "Extensions to the key file (JSON text)", HFILL } },
        { &hf_kq1_extension,
          { "Extension", "kq1.extension", FT_STRING, BASE_NONE, NULL, 0x0,
            "Array of extension parameters (JSON text)", HFILL } },
    };

    static int *ett[] = {
        &ett_kq1,
        &ett_kq1_command_code,
        &ett_kq1_keys,
        &ett_kq1_key_file,
    };

    static ei_register_info ei[] = {
        { &ei_kq1_missing_mandatory,
          { "kq1.missing_mandatory", PI_PROTOCOL, PI_WARN,
            "Mandatory parameter missing", EXPFILL } },
        { &ei_kq1_wrong_type,
          { "kq1.wrong_type", PI_PROTOCOL, PI_WARN,
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
        { &ei_kq1_key_encoding,
          { "kq1.key_encoding_unknown", PI_ASSUMPTION, PI_NOTE,
            "Key neither base64 nor hex", EXPFILL } },
        { &ei_kq1_key_length_mismatch,
          { "kq1.key_length_mismatch", PI_ASSUMPTION, PI_NOTE,
            "Key length disagrees with the key", EXPFILL } },
        { &ei_kq1_key_length_in_bytes,
          { "kq1.key_length_in_bytes", PI_ASSUMPTION, PI_NOTE,
            "Key length or size given in the other unit than assumed", EXPFILL } },
        { &ei_kq1_hash_mismatch,
          { "kq1.hash_mismatch", PI_CHECKSUM, PI_WARN,
            "Hash value does not match the key", EXPFILL } },
        { &ei_kq1_hash_not_matched,
          { "kq1.hash_not_matched", PI_ASSUMPTION, PI_NOTE,
            "Hash value matches no reading of the key assumed", EXPFILL } },
        { &ei_kq1_key_count_not_default,
          { "kq1.key_count_not_default", PI_ASSUMPTION, PI_NOTE,
            "Number of keys differs from the default assumed", EXPFILL } },
        { &ei_kq1_hash_unknown,
          { "kq1.hash_unknown_algorithm", PI_ASSUMPTION, PI_CHAT,
            "Hash value of no known algorithm", EXPFILL } },
        { &ei_kq1_no_request,
          { "kq1.no_request", PI_SEQUENCE, PI_NOTE,
            "Response to no request", EXPFILL } },
        { &ei_kq1_no_response,
          { "kq1.no_response", PI_SEQUENCE, PI_NOTE,
            "Request without response", EXPFILL } },
        { &ei_kq1_failure_response,
          { "kq1.failure_response", PI_RESPONSE_CODE, PI_NOTE,
            "Response reports a failure", EXPFILL } },
        { &ei_kq1_wrong_key_count,
          { "kq1.wrong_key_count", PI_PROTOCOL, PI_WARN,
            "Number of keys differs from the request", EXPFILL } },
        { &ei_kq1_wrong_key_size,
          { "kq1.wrong_key_size", PI_ASSUMPTION, PI_NOTE,
            "Key size differs from the request", EXPFILL } },
        { &ei_kq1_out_of_range,
          { "kq1.value_out_of_range", PI_PROTOCOL, PI_WARN,
            "Count or size out of range", EXPFILL } },
        { &ei_kq1_bad_string,
          { "kq1.bad_string", PI_PROTOCOL, PI_WARN,
            "String a C string cannot hold, or no Unicode", EXPFILL } },
        { &ei_kq1_weak_key,
          { "kq1.weak_key", PI_SECURITY, PI_WARN,
            "Key of one byte or a short pattern repeated", EXPFILL } },
        { &ei_kq1_too_many_findings,
          { "kq1.too_many_findings", PI_PROTOCOL, PI_NOTE,
            "More findings than are listed", EXPFILL } },
        { &ei_kq1_unknown_version,
          { "kq1.unknown_version", PI_ASSUMPTION, PI_NOTE,
            "Version not among those expected", EXPFILL } },
        { &ei_kq1_message_id_repeated,
          { "kq1.message_id_repeated", PI_SEQUENCE, PI_WARN,
            "MessageID used before for another message", EXPFILL } },
        { &ei_kq1_byte_order_switched,
          { "kq1.byte_order_switched", PI_ASSUMPTION, PI_NOTE,
            "Headers read in the other byte order than the preference's", EXPFILL } },
    };

    static uat_field_t alias_fields[] = {
        UAT_FLD_CSTRING(kq1_alias, message, "Message",
                        "A message name (\"Key supply\"), a CommandCode (\"0x3101\"), or empty for all"),
        UAT_FLD_CSTRING(kq1_alias, parameter, "Parameter",
                        "The parameter, as Q.4162 names it (\"Key ID\") or by its default member (\"key_ID\")"),
        UAT_FLD_CSTRING(kq1_alias, member, "Member name",
                        "The JSON member name an implementation uses for it"),
        UAT_END_FIELDS
    };
    static const enum_val_t key_encoding_vals[] = {
        { "either", "Base64 or hex", KQ1_KEY_BASE64_OR_HEX },
        { "base64", "Base64 only",   KQ1_KEY_BASE64_ONLY },
        { "hex",    "Hex only",      KQ1_KEY_HEX_ONLY },
        { NULL, NULL, 0 }
    };
    static const enum_val_t key_length_unit_vals[] = {
        { "bits",   "Bits",                KQ1_UNIT_BITS },
        { "bytes",  "Bytes",               KQ1_UNIT_BYTES },
        { "either", "Bits or bytes",       KQ1_UNIT_EITHER },
        { NULL, NULL, 0 }
    };
    static const enum_val_t hash_input_vals[] = {
        { "either",  "The decoded key or the key text", KQ1_HASH_OVER_EITHER },
        { "key",     "The decoded key",                 KQ1_HASH_OVER_KEY },
        { "text",    "The key text as sent",            KQ1_HASH_OVER_TEXT },
        { NULL, NULL, 0 }
    };
    static const enum_val_t hash_algorithm_vals[] = {
        { "by-length", "Named by the digest's length", KQ1_HASH_BY_LENGTH },
        { "md5",       "MD5",                          KQ1_HASH_MD5 },
        { "sha1",      "SHA-1",                        KQ1_HASH_SHA1 },
        { "sha256",    "SHA-256",                      KQ1_HASH_SHA256 },
        { "sha384",    "SHA-384",                      KQ1_HASH_SHA384 },
        { "sha512",    "SHA-512",                      KQ1_HASH_SHA512 },
        { NULL, NULL, 0 }
    };
    uat_t *alias_uat;
    expert_module_t *expert_kq1;

    proto_kq1 = proto;
    proto_register_field_array(proto_kq1, hf, array_length(hf));
    registered_hf = hf;
    n_registered_hf = array_length(hf);
    proto_register_subtree_array(ett, array_length(ett));
    expert_kq1 = expert_register_protocol(proto_kq1);
    expert_register_field_array(expert_kq1, ei, array_length(ei));
    registered_ei = ei;
    n_registered_ei = array_length(ei);

    prefs_register_string_preference(module, "success_words", "Success words",
                                     "Comma-separated words a successful Response is, or starts with "
                                     "(case is ignored). Q.4162 gives no wording: a Response that is "
                                     "neither a success nor a failure word has an unknown verdict",
                                     &kq1_success_words);
    prefs_register_string_preference(module, "failure_words", "Failure words",
                                     "Comma-separated words a failed Response is, or starts with "
                                     "(case is ignored)",
                                     &kq1_failure_words);
    prefs_register_enum_preference(module, "key_encoding", "Encoding of Key",
                                   "Q.4162 names none: base64 (as ETSI GS QKD 014) or hex, either one, or "
                                   "only one of them",
                                   &kq1_key_encoding, key_encoding_vals, false);
    prefs_register_enum_preference(module, "key_length_unit", "Unit of Key length and Size of key",
                                   "Q.4162 gives no unit: what Key length and Size of key are compared "
                                   "with (the decoded key's bits, its bytes, or either)",
                                   &kq1_key_length_unit, key_length_unit_vals, false);
    prefs_register_enum_preference(module, "hash_input", "What Hash value is computed over",
                                   "Q.4162 does not say: the decoded key bytes, the Key's text as sent, "
                                   "or either (a Hash value that matches one is verified)",
                                   &kq1_hash_input, hash_input_vals, false);
    prefs_register_enum_preference(module, "hash_algorithm", "Hash algorithm",
                                   "Q.4162 names none: the one the digest's length names (MD5, SHA-1, "
                                   "SHA-256, SHA-384, SHA-512), or a fixed one. With a fixed algorithm and "
                                   "input a mismatch is a warning, otherwise a note",
                                   &kq1_hash_algorithm, hash_algorithm_vals, false);
    prefs_register_uint_preference(module, "default_number_of_keys", "Default Number of keys",
                                   "Table 3 applies a default when a Key request gives no Number of keys "
                                   "but does not give its value: 0 leaves the count of keys in the "
                                   "response unchecked (over HTTP, ETSI GS QKD 014's default of 1 applies)",
                                   10, &kq1_default_number_of_keys);
    prefs_register_string_preference(module, "versions", "Versions expected",
                                     "Comma-separated Version values your implementations use; empty "
                                     "accepts any (Q.4162 gives no value)",
                                     &kq1_versions);
    prefs_register_bool_preference(module, "hide_keys", "Hide key material",
                                   "Show each Key as [redacted, its size] and star it out in the JSON "
                                   "tree, for captures shown to others (the packet bytes still hold it). "
                                   "All checks still run.",
                                   &kq1_hide_keys);
    alias_uat = uat_new("Kq-1 JSON member names", sizeof(kq1_uat_alias_t), "kq1_member_names", true,
                        &uat_aliases, &n_uat_aliases, UAT_AFFECTS_DISSECTION, NULL,
                        copy_alias, check_alias, free_alias, compile_aliases, NULL, alias_fields);
    prefs_register_uat_preference(module, "member_names", "JSON member names",
                                  "Member names your implementations use for Kq-1 parameters, "
                                  "in addition to the defaults", alias_uat);

    kq1_view_keys_register(proto_kq1, module);
    kq1_tap = register_tap("kq1");
    register_shutdown_routine(kq1_payload_shutdown);
    kq1_view_qkd014_register(proto_qkd014);
}

void
kq1_view_handoff(void)
{
    json_handle = find_dissector_add_dependency("json", proto_kq1);
    proto_json = proto_get_id_by_filter_name("json");
}
