/* kq1-payload.c
 * Reads a Kq-1 payload once (plain JSON from the plugin's own document of
 * it, other text with json-glib) and judges it against the catalogue
 * (Q.4162 Tables 1-4).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "kq1-payload.h"
#include "kq1-json-scan.h"

G_STATIC_ASSERT(KQ1_MAX_JSON_DEPTH <= KQ1_JSON_DOC_MAX_DEPTH);
G_STATIC_ASSERT(KQ1_PARAM_COUNT <= 32);     /* kq1_params_t.not_utf8 */

static void G_GNUC_PRINTF(5, 6)
add_finding(kq1_payload_t *p, kq1_finding_kind_t kind, kq1_param_t param, int element,
            const char *format, ...)
{
    kq1_finding_t finding = { kind, param, element, NULL };
    va_list args;

    if (p->findings->len >= KQ1_MAX_FINDINGS) {
        p->findings_left_out++;
        return;
    }
    va_start(args, format);
    finding.text = g_strdup_vprintf(format, args);
    va_end(args);
    g_array_append_val(p->findings, finding);
}

/* json-glib says "<data>:LINE:COL: Parse error: WHAT"; users want "line
 * LINE, column COL: WHAT". */
static char *
describe_parse_error(const GError *error)
{
    const char *msg = error->message;
    const char *prefix = "<data>:";
    char *end;
    uint64_t line, column;

    if (!g_str_has_prefix(msg, prefix))
        return g_strdup(msg);
    line = g_ascii_strtoull(msg + strlen(prefix), &end, 10);
    if (*end != ':')
        return g_strdup(msg);
    column = g_ascii_strtoull(end + 1, &end, 10);
    if (*end != ':')
        return g_strdup(msg);
    end++;
    while (*end == ' ')
        end++;
    if (g_str_has_prefix(end, "Parse error: "))
        end += strlen("Parse error: ");
    return g_strdup_printf("line %" PRIu64 ", column %" PRIu64 ": %s",
                           line, column, end);
}

static const char *
describe_node(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:  return "a string";
        case G_TYPE_INT64:   return "an integer";
        case G_TYPE_DOUBLE:  return "a number with a fraction or exponent";
        case G_TYPE_BOOLEAN: return "a boolean";
        default:             return "a value";
        }
    }
    return "a value";
}

static bool
node_has_type(JsonNode *node, kq1_type_t type)
{
    switch (type) {
    case KQ1_TYPE_STRING:
        return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
    case KQ1_TYPE_INTEGER:
        return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64;
    case KQ1_TYPE_OBJECT:
        return JSON_NODE_HOLDS_OBJECT(node);
    case KQ1_TYPE_ARRAY_OF_OBJECTS:
        /* The elements are judged one by one, so that one bad element
         * does not hide the others. */
        return JSON_NODE_HOLDS_ARRAY(node);
    }
    return false;
}

/* " in Keys[2]" inside an element of Keys, "" at the top level. */
typedef struct {
    char text[32];
} where_t;

static const char *
where(int element, where_t *buffer)
{
    if (element < 0)
        return "";
    snprintf(buffer->text, sizeof(buffer->text), " in Keys[%d]", element);
    return buffer->text;
}

/* What the checks of one payload share. */
typedef struct {
    kq1_payload_t             *payload;
    const kq1_message_info_t  *msg;
    const uint8_t             *data;    /* the payload's bytes, for member spans */
    gsize                      len;
    const kq1_settings_t      *settings;
    const kq1_json_value_t    *keys;    /* the payload's Keys, once found */
} checker_t;

/* One parser serves every payload: making one costs more than most
 * payloads take to parse. Dissection runs in one thread. Not an immutable
 * parser: json-glib 1.10 (Debian 13) aborts in json_parser_steal_root when
 * such a parser accepts a scalar followed by more text ("x" {}), which a
 * payload can be. */
static JsonParser *parser;

/* Where a string value is unescaped, or a number's text ends in NUL. */
static GString *scratch;

static bool
parse_text(const uint8_t *data, gsize end, GError **error)
{
    if (parser == NULL)
        parser = json_parser_new();
    return json_parser_load_from_data(parser, (const char *)data, (gssize)end, error);
}

static bool
is_fraction(const char *number, gsize n)
{
    return memchr(number, '.', n) != NULL || memchr(number, 'e', n) != NULL || memchr(number, 'E', n) != NULL;
}

/* What a value of the payload is, in describe_node's words: from json-glib's
 * node, or from the token of a payload read from the document alone. */
static const char *
describe_value(const checker_t *c, const kq1_json_value_t *v)
{
    const char *text = (const char *)c->data + v->value.offset;

    if (!c->payload->from_document)
        return v->node != NULL ? describe_node(v->node) : "a value";
    switch (text[0]) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 'n': return "null";
    case 't':
    case 'f': return "a boolean";
    default:  break;
    }
    return is_fraction(text, v->value.length) ? "a number with a fraction or exponent" : "an integer";
}

/* The bytes of span, ending in NUL (in scratch, until its next use). */
static const char *
text_of(const uint8_t *data, kq1_span_t span)
{
    if (scratch == NULL)
        scratch = g_string_new(NULL);
    g_string_truncate(scratch, 0);
    g_string_append_len(scratch, (const char *)data + span.offset, (gssize)span.length);
    return scratch->str;
}

/* The integer a number's text writes; false where int64 cannot hold it. */
static bool
integer_in_text(const uint8_t *data, kq1_span_t number, int64_t *value)
{
    return g_ascii_string_to_signed(text_of(data, number), 10, G_MININT64, G_MAXINT64, value, NULL);
}

/* json-glib's node for a number token of plain JSON: a double when it has a
 * fraction or exponent, else an integer, -1 where int64 cannot hold it (as
 * json-glib reads it; check_value reads such text again). */
static JsonNode *
number_node(const uint8_t *data, kq1_span_t number)
{
    int64_t integer;

    if (is_fraction((const char *)data + number.offset, number.length))
        return json_node_init_double(json_node_alloc(), g_ascii_strtod(text_of(data, number), NULL));
    if (!integer_in_text(data, number, &integer))
        integer = -1;
    return json_node_init_int(json_node_alloc(), integer);
}

/* The node json-glib would give a value of a payload read from the document
 * alone (kq1_json_doc_plain text), made only for the members matched. An
 * object or array is parsed whole by json-glib from its own bytes when its
 * content is used (Extension and Key extension are shown as JSON text);
 * otherwise (Keys, whose elements are checked one by one from the
 * document, or a value of the wrong type) it is left empty. The payload
 * owns the node. */
static JsonNode *
make_node(const checker_t *c, const kq1_json_value_t *v, bool whole)
{
    const char *text = (const char *)c->data + v->value.offset;
    JsonNode *node = NULL;

    if (scratch == NULL)
        scratch = g_string_new(NULL);
    switch (text[0]) {
    case '"':
        kq1_json_unescape_string(c->data, v->value, scratch);
        node = json_node_init_string(json_node_alloc(), scratch->str);
        break;
    case 't':
    case 'f':
        node = json_node_init_boolean(json_node_alloc(), text[0] == 't');
        break;
    case 'n':
        node = json_node_init_null(json_node_alloc());
        break;
    case '{':
    case '[':
        if (whole && parse_text(c->data + v->value.offset, v->value.length, NULL))
            node = json_parser_steal_root(parser);
        if (node == NULL)
            node = text[0] == '{' ? json_node_init_object(json_node_alloc(), NULL)
                                  : json_node_init_array(json_node_alloc(), NULL);
        break;
    default:
        node = number_node(c->data, v->value);
        break;
    }
    g_ptr_array_add(c->payload->made, node);
    return node;
}

/* The member spells the parameter: by default, or by a user's alias. */
static bool
member_matches(const checker_t *c, kq1_param_t param, const char *member)
{
    if (kq1_member_matches(param, member))
        return true;
    for (unsigned i = 0; i < c->settings->n_aliases; i++) {
        const kq1_alias_t *alias = &c->settings->aliases[i];

        if (alias->param == param && (alias->code == 0 || alias->code == c->msg->code)
            && kq1_member_names_equal(alias->member, member))
            return true;
    }
    return false;
}

static void
check_array_elements(checker_t *c, const kq1_param_info_t *info, kq1_param_t param,
                     int element, JsonArray *array)
{
    unsigned n = json_array_get_length(array);

    for (unsigned i = 0; i < n; i++) {
        JsonNode *item = json_array_get_element(array, i);

        if (!JSON_NODE_HOLDS_OBJECT(item)) {
            where_t buffer;

            add_finding(c->payload, KQ1_FINDING_WRONG_TYPE, param, element,
                        "%s (%s[%u])%s is %s, expected an object",
                        info->name, info->member, i, where(element, &buffer), describe_node(item));
        }
    }
}

/* Integer and string values that are of the right type but still wrong:
 * counts and sizes below 1 or too large (json-glib turns integers it cannot
 * hold into -1, so the text is read again), and strings that a C string
 * cannot hold whole (\u0000) or that are no Unicode (lone surrogates:
 * *not_utf8). false when the value cannot be used at all. */
static bool
check_value(checker_t *c, const kq1_param_info_t *info, const char *member, const char *at,
            JsonNode *node, kq1_span_t bytes, kq1_param_t param, int element, bool *not_utf8)
{
    bool usable = true;

    *not_utf8 = false;
    if (info->type == KQ1_TYPE_INTEGER) {
        int64_t value = json_node_get_int(node);

        /* Up to 18 digits json-glib holds whole; only longer text is read again. */
        if (bytes.length > 18 && !integer_in_text(c->data, bytes, &value)) {
            add_finding(c->payload, KQ1_FINDING_OUT_OF_RANGE, param, element,
                        "%s (%s)%s is %s: out of range", info->name, member, at, text_of(c->data, bytes));
            usable = false;     /* json-glib holds -1 for it */
        } else if (value < 1 || value > KQ1_MAX_INTEGER)
            add_finding(c->payload, KQ1_FINDING_OUT_OF_RANGE, param, element,
                        "%s (%s)%s is %" PRId64 ": out of range (1 to %d)",
                        info->name, member, at, value, KQ1_MAX_INTEGER);
    } else if (info->type == KQ1_TYPE_STRING) {
        const char *value = json_node_get_string(node);

        bool nul, utf8;

        /* Both come only from \u escapes: text without a backslash has none. */
        if (bytes.length > 0 && memchr(c->data + bytes.offset, '\\', bytes.length) == NULL)
            return usable;
        nul = bytes.length > 0 && g_strstr_len((const char *)c->data + bytes.offset, (gssize)bytes.length,
                                               "\\u0000") != NULL;
        utf8 = g_utf8_validate(value, -1, NULL);
        if (nul)
            add_finding(c->payload, KQ1_FINDING_BAD_STRING, param, element,
                        "%s (%s)%s holds \\u0000: shown up to it", info->name, member, at);
        else if (!utf8)
            add_finding(c->payload, KQ1_FINDING_BAD_STRING, param, element,
                        "%s (%s)%s holds an escape that is no Unicode character (a lone surrogate)",
                        info->name, member, at);
        *not_utf8 = !utf8;
    }
    return usable;
}

/* Members that share a name: json-glib keeps the value of the last. The
 * first member called like member: member itself unless an earlier one is. */
static bool
is_first_of_name(const kq1_json_doc_t *doc, const kq1_json_value_t *object, const kq1_json_value_t *member)
{
    for (const kq1_json_value_t *m = kq1_json_doc_value(doc, object->first); m != member;
         m = kq1_json_doc_value(doc, m->next)) {
        if (strcmp(m->name, member->name) == 0)
            return false;
    }
    return true;
}

/* The last member called like member (from member on), and how many are. */
static const kq1_json_value_t *
last_of_name(const kq1_json_doc_t *doc, const kq1_json_value_t *member, unsigned *count)
{
    const kq1_json_value_t *last = member;

    *count = 1;
    for (const kq1_json_value_t *m = kq1_json_doc_value(doc, member->next); m != NULL;
         m = kq1_json_doc_value(doc, m->next)) {
        if (strcmp(m->name, member->name) == 0) {
            last = m;
            (*count)++;
        }
    }
    return last;
}

/* The member spells the parameter as this message uses it. */
static bool
use_matches(const checker_t *c, const kq1_param_use_t *use, const char *member)
{
    if (use->member != NULL)
        return kq1_member_names_equal(use->member, member);
    return member_matches(c, use->param, member);
}

/* Matches the members of the object at object_span to the parameters in
 * uses, fills out and reports duplicates, wrong types and missing mandatory
 * parameters. Where one parameter is given more than once, the last counts;
 * a second use row of Extension (QKD 014's two extension members) is kept
 * beside the first. */
static void
check_object(checker_t *c, const kq1_json_value_t *object, kq1_span_t object_span,
             const kq1_param_use_t *uses, unsigned n_uses, int element, kq1_params_t *out)
{
    const kq1_json_doc_t *doc = &c->payload->doc;
    bool seen[KQ1_PARAM_COUNT] = { false };
    bool seen_use[KQ1_MAX_USES] = { false };
    where_t buffer;
    const char *at = where(element, &buffer);

    n_uses = MIN(n_uses, KQ1_MAX_USES);
    out->self = object_span;
    for (const kq1_json_value_t *m = object != NULL ? kq1_json_doc_value(doc, object->first) : NULL; m != NULL;
         m = kq1_json_doc_value(doc, m->next)) {
        const char *member = m->name;
        unsigned count;
        const kq1_json_value_t *last;

        /* Judged once, where the name first occurs, with json-glib's value
         * (the last one's) and the last one's bytes. */
        if (member == NULL || !is_first_of_name(doc, object, m))
            continue;
        last = last_of_name(doc, m, &count);
        if (last->node == NULL && !c->payload->from_document)
            continue;   /* not what json-glib read: cannot happen on text it accepted */
        for (unsigned u = 0; u < n_uses; u++) {
            kq1_param_t param = uses[u].param;
            const kq1_param_info_t *info = kq1_param_info(param);
            bool second_extension, not_utf8;
            JsonNode *node;

            if (!use_matches(c, &uses[u], member))
                continue;
            second_extension = param == KQ1_PARAM_EXTENSION && seen[param] && !seen_use[u];
            if ((seen[param] && !second_extension) || count > 1)
                add_finding(c->payload, KQ1_FINDING_DUPLICATE_MEMBER, param, element,
                            "%s given more than once%s (member \"%s\"); the last is used",
                            info->name, at, member);
            seen[param] = true;
            seen_use[u] = true;
            node = c->payload->from_document ? make_node(c, last, param != KQ1_PARAM_KEYS) : last->node;
            if (!node_has_type(node, info->type) && !(uses[u].object_too && JSON_NODE_HOLDS_OBJECT(node))) {
                add_finding(c->payload, KQ1_FINDING_WRONG_TYPE, param, element,
                            "%s (%s)%s is %s, expected %s",
                            info->name, member, at, describe_node(node), kq1_type_name(info->type));
                if (!second_extension)
                    out->node[param] = NULL;
                break;
            }
            if (info->type == KQ1_TYPE_ARRAY_OF_OBJECTS && param != KQ1_PARAM_KEYS && JSON_NODE_HOLDS_ARRAY(node))
                check_array_elements(c, info, param, element, json_node_get_array(node));
            if (!check_value(c, info, member, at, node, last->value, param, element, &not_utf8)) {
                out->node[param] = NULL;
                break;
            }
            if (second_extension) {
                out->second_extension = node;
                out->second_extension_span = last->member;
            } else {
                out->node[param] = node;
                out->span[param] = last->member;
                out->value[param] = last->value;
                if (not_utf8)
                    out->not_utf8 |= 1u << param;
                else
                    out->not_utf8 &= ~(1u << param);
                if (param == KQ1_PARAM_KEYS && element < 0)
                    c->keys = last;
            }
            break;
        }
    }

    for (unsigned u = 0; u < n_uses; u++) {
        const kq1_param_info_t *info = kq1_param_info(uses[u].param);
        const char *name = uses[u].member != NULL ? uses[u].member : info->member;

        if (!uses[u].mandatory || seen_use[u])
            continue;
        if (element < 0)
            add_finding(c->payload, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
                        "%s (%s) missing: mandatory in %s (%s)",
                        info->name, name, c->msg->name, c->msg->table);
        else
            add_finding(c->payload, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
                        "%s (%s) missing in Keys[%d]: mandatory in each key of %s (%s)",
                        info->name, name, element, c->msg->name, c->msg->table);
    }
}

/* "the decoded key", "the key text" or "the decoded key or the key text":
 * what a Hash value is checked over. */
static const char *
hash_input_name(kq1_hash_input_t input)
{
    switch (input) {
    case KQ1_HASH_OVER_KEY:  return "the decoded key";
    case KQ1_HASH_OVER_TEXT: return "the key text";
    case KQ1_HASH_OVER_EITHER: break;
    }
    return "the decoded key or the key text";
}

/* The Hash value over one reading of the key, under the settings: the
 * decoded key, the key text as sent, or either. */
static kq1_hash_status_t
verify_hash(const checker_t *c, const kq1_key_t *key, const char *text, const char *hash,
            const char **algorithm, bool *over_text)
{
    kq1_hash_input_t input = c->settings->hash_input;
    kq1_hash_status_t status = KQ1_HASH_UNKNOWN;
    const char *name = NULL;

    *algorithm = NULL;
    *over_text = false;
    if (input != KQ1_HASH_OVER_TEXT)
        status = kq1_key_verify_hash(key->data, key->len, hash, c->settings->hash_algorithm, algorithm);
    if (status != KQ1_HASH_VERIFIED && input != KQ1_HASH_OVER_KEY) {
        kq1_hash_status_t over = kq1_key_verify_hash((const uint8_t *)text, strlen(text), hash,
                                                     c->settings->hash_algorithm, &name);

        if (over == KQ1_HASH_VERIFIED || status == KQ1_HASH_UNKNOWN) {
            status = over;
            *algorithm = name;
            *over_text = over == KQ1_HASH_VERIFIED;
        }
    }
    return status;
}

kq1_length_fit_t
kq1_length_fit(kq1_length_unit_t unit, int64_t length, gsize key_bytes)
{
    bool in_bits = (uint64_t)length == (uint64_t)key_bytes * 8, in_bytes = (uint64_t)length == key_bytes;

    switch (unit) {
    case KQ1_UNIT_BITS:   return in_bits ? KQ1_LENGTH_FITS : in_bytes ? KQ1_LENGTH_IN_OTHER_UNIT : KQ1_LENGTH_DIFFERS;
    case KQ1_UNIT_BYTES:  return in_bytes ? KQ1_LENGTH_FITS : in_bits ? KQ1_LENGTH_IN_OTHER_UNIT : KQ1_LENGTH_DIFFERS;
    case KQ1_UNIT_EITHER: break;
    }
    return in_bits || in_bytes ? KQ1_LENGTH_FITS : KQ1_LENGTH_DIFFERS;
}

/* Key length against the decoded key, in the unit the settings assume. */
static void
check_key_length(checker_t *c, const kq1_params_t *params, int64_t length, int element)
{
    uint64_t bytes = params->key.len, bits = bytes * 8;
    bool assume_bytes = c->settings->key_length_unit == KQ1_UNIT_BYTES;
    uint64_t assumed = assume_bytes ? bytes : bits;
    const char *unit = assume_bytes ? "bytes" : "bits", *other_unit = assume_bytes ? "bits" : "bytes";

    switch (kq1_length_fit(c->settings->key_length_unit, length, params->key.len)) {
    case KQ1_LENGTH_FITS:
        break;
    case KQ1_LENGTH_IN_OTHER_UNIT:
        add_finding(c->payload, KQ1_FINDING_KEY_LENGTH_IN_BYTES, KQ1_PARAM_KEY_LENGTH, element,
                    "Key length (key_length) %" PRId64 " is the key's length in %s, not in %s (%" PRIu64 ") as "
                    "assumed (Q.4162 gives no unit; see preference kq1.key_length_unit)",
                    length, other_unit, unit, assumed);
        break;
    case KQ1_LENGTH_DIFFERS:
        if (c->settings->key_length_unit == KQ1_UNIT_EITHER)
            add_finding(c->payload, KQ1_FINDING_KEY_LENGTH_MISMATCH, KQ1_PARAM_KEY_LENGTH, element,
                        "Key length (key_length) is %" PRId64 " but the key is %" PRIu64 " bits (%" PRIu64
                        " bytes)", length, bits, bytes);
        else
            add_finding(c->payload, KQ1_FINDING_KEY_LENGTH_MISMATCH, KQ1_PARAM_KEY_LENGTH, element,
                        "Key length (key_length) is %" PRId64 " but the key is %" PRIu64 " %s, assuming Key "
                        "length counts %s (see preference kq1.key_length_unit)", length, assumed, unit, unit);
        break;
    }
}

/* Decodes the Key of one object and checks Hash value and Key length
 * against it (Table 1; only Key in the elements of Keys). Q.4162 names no
 * key encoding, unit, hash algorithm or hash input: what is assumed is the
 * settings', and each finding says so. */
static void
check_key(checker_t *c, kq1_params_t *params, int element)
{
    const char *text = kq1_params_string(params, KQ1_PARAM_KEY);
    const char *hash = kq1_params_string(params, KQ1_PARAM_HASH_VALUE);
    bool has_length;
    int64_t length = 0;
    kq1_key_t other;
    where_t buffer;

    if (text == NULL)
        return;
    has_length = kq1_params_integer(params, KQ1_PARAM_KEY_LENGTH, &length);
    kq1_key_decode(text, has_length && length > 0 ? (uint64_t)length : 0, c->settings->key_encodings, &params->key);
    if (params->key.encoding == KQ1_KEY_UNDECODED) {
        add_finding(c->payload, KQ1_FINDING_KEY_ENCODING, KQ1_PARAM_KEY, element,
                    "Key (key)%s is not %s, assuming that encoding (Q.4162 names none; see preference "
                    "kq1.key_encoding): its length and hash are not checked", where(element, &buffer),
                    c->settings->key_encodings == KQ1_KEY_BASE64_ONLY ? "base64"
                    : c->settings->key_encodings == KQ1_KEY_HEX_ONLY ? "hex" : "base64 or hex");
        return;
    }
    if (hash != NULL) {
        params->hash_status = verify_hash(c, &params->key, text, hash, &params->hash_algorithm,
                                          &params->hash_over_text);
        /* Text that reads both as hex and as base64: the reading the hash
         * verifies is the key. */
        if (params->hash_status != KQ1_HASH_VERIFIED && c->settings->key_encodings == KQ1_KEY_BASE64_OR_HEX
            && kq1_key_decode_other(text, &params->key, &other)) {
            const char *algorithm;
            bool over_text;

            if (verify_hash(c, &other, text, hash, &algorithm, &over_text) == KQ1_HASH_VERIFIED && !over_text) {
                kq1_key_clear(&params->key);
                params->key = other;
                params->hash_status = KQ1_HASH_VERIFIED;
                params->hash_algorithm = algorithm;
            } else {
                kq1_key_clear(&other);
            }
        }
        if (params->hash_status == KQ1_HASH_MISMATCH) {
            if (c->settings->hash_algorithm != KQ1_HASH_BY_LENGTH && c->settings->hash_input != KQ1_HASH_OVER_EITHER)
                add_finding(c->payload, KQ1_FINDING_HASH_MISMATCH, KQ1_PARAM_HASH_VALUE, element,
                            "Hash value (hash_value) is not the %s digest of %s (preferences kq1.hash_algorithm "
                            "and kq1.hash_input)", params->hash_algorithm, hash_input_name(c->settings->hash_input));
            else
                add_finding(c->payload, KQ1_FINDING_HASH_NOT_MATCHED, KQ1_PARAM_HASH_VALUE, element,
                            "Hash value (hash_value) is not the %s digest of %s, assuming %s (Q.4162 names no "
                            "algorithm or input; see preferences kq1.hash_algorithm and kq1.hash_input)",
                            params->hash_algorithm, hash_input_name(c->settings->hash_input),
                            c->settings->hash_algorithm == KQ1_HASH_BY_LENGTH
                            ? "the algorithm its length names" : "that algorithm");
        } else if (params->hash_status == KQ1_HASH_UNKNOWN) {
            add_finding(c->payload, KQ1_FINDING_HASH_UNKNOWN, KQ1_PARAM_HASH_VALUE, element,
                        "Hash value (hash_value) is not an MD5, SHA-1, SHA-256, SHA-384 or SHA-512 "
                        "digest in hex or base64: not verified");
        }
    }
    if (has_length)
        check_key_length(c, params, length, element);
}

static void
check_keys(checker_t *c)
{
    kq1_payload_t *p = c->payload;
    const kq1_json_doc_t *doc = &p->doc;
    unsigned i = 0, n = 0;

    if (p->top.node[KQ1_PARAM_KEYS] == NULL || c->keys == NULL)
        return;
    if (p->from_document) {
        for (const kq1_json_value_t *item = kq1_json_doc_value(doc, c->keys->first); item != NULL;
             item = kq1_json_doc_value(doc, item->next))
            n++;
    } else {
        n = json_array_get_length(json_node_get_array(p->top.node[KQ1_PARAM_KEYS]));
    }
    g_array_set_size(p->keys, n);
    for (const kq1_json_value_t *item = kq1_json_doc_value(doc, c->keys->first); item != NULL && i < p->keys->len;
         item = kq1_json_doc_value(doc, item->next), i++) {
        kq1_params_t *params = &g_array_index(p->keys, kq1_params_t, i);
        bool object = p->from_document ? c->data[item->value.offset] == '{'
                                       : item->node != NULL && JSON_NODE_HOLDS_OBJECT(item->node);

        params->self = item->value;
        if (!object) {
            add_finding(p, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_KEYS, (int)i,
                        "Keys[%u] is %s, expected an object (%s, %s)",
                        i, describe_value(c, item), c->msg->name, c->msg->table);
            continue;
        }
        check_object(c, item, item->value, c->msg->element_params, c->msg->n_element_params, (int)i, params);
        check_key(c, params, (int)i);
    }
}

/* The JSON text ends at end: what follows is whitespace, or bytes Length
 * counts that are not JSON. */
static void
take_json_text(kq1_payload_t *p, const uint8_t *data, gsize end, gsize len)
{
    gsize rest = kq1_json_skip_space(data, end, len);

    p->json_len = rest;
    if (rest < len)
        add_finding(p, KQ1_FINDING_LENGTH_MISMATCH, KQ1_PARAM_COUNT, -1,
                    "JSON text ends after %" G_GSIZE_FORMAT " of the %" G_GSIZE_FORMAT
                    " payload bytes that Length gives; %" G_GSIZE_FORMAT " bytes follow it",
                    end, len, len - rest);
}

/* Payloads as they should be, an object or array: the plugin reads the
 * bytes once (the document). Plain JSON (RFC 8259's tokens, UTF-8) is then
 * judged from the document alone when document_will_do, json-glib making
 * only what it must (make_node); other text is parsed by json-glib once.
 * false, with nothing said, when the text does not read cleanly or
 * json-glib refuses it: then parse_carefully says why. */
static bool
parse_quickly(kq1_payload_t *p, const uint8_t *data, gsize len, bool document_will_do)
{
    gsize end = 0;

    if (!kq1_json_doc_read(&p->doc, data, len, KQ1_MAX_JSON_DEPTH, &end))
        return false;
    if (document_will_do && kq1_json_doc_plain(&p->doc)) {
        p->from_document = true;
        take_json_text(p, data, end, len);
        return true;
    }
    if (!parse_text(data, end, NULL) || (p->root = json_parser_steal_root(parser)) == NULL)
        return false;
    take_json_text(p, data, end, len);
    kq1_json_doc_tie(&p->doc, p->root);
    return true;
}

/* Any payload: where its JSON text ends by bracket counting, and what is
 * wrong with it. */
static bool
parse_carefully(kq1_payload_t *p, const uint8_t *data, gsize len)
{
    gsize end = 0;
    GError *error = NULL;
    const char *bad;

    switch (kq1_json_extent(data, len, KQ1_MAX_JSON_DEPTH, &end)) {
    case KQ1_EXTENT_EMPTY:
        p->json_len = len;
        return false;
    case KQ1_EXTENT_TOO_DEEP:
        add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1,
                    "JSON nested deeper than %d levels at payload byte %" G_GSIZE_FORMAT
                    "; not parsed", KQ1_MAX_JSON_DEPTH, end);
        p->json_len = len;
        return false;
    case KQ1_EXTENT_FOUND:
        break;
    }
    take_json_text(p, data, end, len);
    if (!parse_text(data, end, &error)) {
        char *why = describe_parse_error(error);

        /* json-glib refuses text that is not UTF-8 but does not say where:
         * looked for only then, so valid text is not read twice. */
        if (!g_utf8_validate_len((const char *)data, end, &bad)) {
            gsize at = (gsize)((const uint8_t *)bad - data);

            add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1,
                        "Payload is not UTF-8 (RFC 8259): %s at payload byte %" G_GSIZE_FORMAT,
                        data[at] == 0 ? "a NUL byte" : "an invalid byte sequence", at);
        } else {
            add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload is not valid JSON: %s", why);
        }
        g_free(why);
        g_error_free(error);
        return false;
    }
    p->root = json_parser_steal_root(parser);
    if (p->root == NULL) {
        add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload holds no JSON value");
        return false;
    }
    kq1_json_doc_read(&p->doc, data, end, KQ1_MAX_JSON_DEPTH, &end);
    kq1_json_doc_tie(&p->doc, p->root);
    return true;
}

static kq1_payload_t *payload_new(void);

/* The skim: what the Info column and the analysis read of a payload (Key
 * ID, QKD module ID, Number of keys, Size of key, Keys and the key IDs in
 * it), found as check_object finds them but from the document alone. */

static bool
skimmed_param(kq1_param_t param)
{
    return param == KQ1_PARAM_KEY_ID || param == KQ1_PARAM_QKD_MODULE_ID || param == KQ1_PARAM_NUMBER_OF_KEYS
           || param == KQ1_PARAM_SIZE_OF_KEY || param == KQ1_PARAM_KEYS;
}

/* The value check_object would keep for a skimmed parameter, made as the
 * document alone makes it; NULL where it keeps none: a wrong type, or an
 * integer int64 cannot hold (check_value). */
static JsonNode *
skim_value(const checker_t *c, const kq1_json_value_t *value, kq1_type_t type)
{
    JsonNode *node = make_node(c, value, false);
    int64_t integer;

    if (!node_has_type(node, type)
        || (type == KQ1_TYPE_INTEGER && value->value.length > 18 && !integer_in_text(c->data, value->value, &integer)))
        return NULL;
    return node;
}

/* check_object for the skimmed parameters: the same members matched, the
 * last of a name and the last name given counting. */
static void
skim_object(checker_t *c, const kq1_json_value_t *object, kq1_span_t self, const kq1_param_use_t *uses,
            unsigned n_uses, kq1_params_t *out, const kq1_json_value_t **keys)
{
    const kq1_json_doc_t *doc = &c->payload->doc;

    n_uses = MIN(n_uses, KQ1_MAX_USES);
    out->self = self;
    for (const kq1_json_value_t *m = kq1_json_doc_value(doc, object->first); m != NULL;
         m = kq1_json_doc_value(doc, m->next)) {
        unsigned count;
        const kq1_json_value_t *last;

        if (m->name == NULL || !is_first_of_name(doc, object, m))
            continue;
        last = last_of_name(doc, m, &count);
        for (unsigned u = 0; u < n_uses; u++) {
            kq1_param_t param = uses[u].param;
            JsonNode *node;

            if (!use_matches(c, &uses[u], m->name))
                continue;
            if (skimmed_param(param)) {
                node = skim_value(c, last, kq1_param_info(param)->type);
                out->node[param] = node;
                out->span[param] = last->member;
                out->value[param] = last->value;
                if (param == KQ1_PARAM_KEYS && node != NULL)
                    *keys = last;
            }
            break;
        }
    }
}

static bool
skim_payload(checker_t *c, const kq1_message_info_t *msg, gsize len)
{
    kq1_payload_t *p = c->payload;
    const kq1_json_value_t *keys = NULL, *unused = NULL;
    kq1_span_t top_span = { 0, 0 };
    unsigned i = 0;
    gsize end = 0;

    if (!kq1_json_doc_read(&p->doc, c->data, len, KQ1_MAX_JSON_DEPTH, &end)
        || c->data[kq1_json_doc_value(&p->doc, 0)->value.offset] != '{' || !kq1_json_doc_plain(&p->doc))
        return false;
    p->json_len = kq1_json_skip_space(c->data, end, len);
    p->parsed = true;
    p->skimmed = true;
    if (msg == NULL)
        return true;
    /* As check_payload: the payload's own span is its whole JSON text. */
    top_span.length = p->json_len;
    skim_object(c, kq1_json_doc_value(&p->doc, 0), top_span, msg->params, msg->n_params, &p->top, &keys);
    if (msg->element_params == NULL || p->top.node[KQ1_PARAM_KEYS] == NULL)
        return true;
    for (const kq1_json_value_t *item = kq1_json_doc_value(&p->doc, keys->first); item != NULL;
         item = kq1_json_doc_value(&p->doc, item->next))
        i++;
    g_array_set_size(p->keys, i);
    i = 0;
    for (const kq1_json_value_t *item = kq1_json_doc_value(&p->doc, keys->first); item != NULL;
         item = kq1_json_doc_value(&p->doc, item->next), i++) {
        kq1_params_t *params = &g_array_index(p->keys, kq1_params_t, i);

        params->self = item->value;
        if (c->data[item->value.offset] == '{')
            skim_object(c, item, item->value, msg->element_params, msg->n_element_params, params, &unused);
    }
    return true;
}

kq1_payload_t *
kq1_payload_skim(const kq1_message_info_t *msg, const uint8_t *data, gsize len, const kq1_settings_t *settings)
{
    static const kq1_settings_t defaults;
    kq1_payload_t *p;
    checker_t checker = { NULL, msg, data, len, settings != NULL ? settings : &defaults, NULL };

    /* Names of the user's own might match two parameters: check_object's
     * order of matching then counts, which the skim does not follow. */
    if (checker.settings->n_aliases > 0 || len == 0)
        return NULL;
    p = checker.payload = payload_new();
    if (!skim_payload(&checker, msg, len)) {
        kq1_payload_free(p);
        return NULL;
    }
    return p;
}

/* The ways a payload is read: the document alone where the text is plain,
 * else the document and json-glib, else (text that does not read cleanly)
 * bracket counting and json-glib. kq1_payload_paths_agree forces the later
 * ones to compare them with the first. */
typedef enum {
    READ_ANY_WAY,
    READ_WITH_JSON_GLIB,
    READ_CAREFULLY
} read_way_t;

static read_way_t forced_way = READ_ANY_WAY;

/* The document alone serves Kq-1 messages; json-glib reads the rest (an
 * HTTP error body is read for its "message" from root). */
static bool
parse(kq1_payload_t *p, const uint8_t *data, gsize len, const kq1_message_info_t *msg)
{
    p->parsed = (forced_way != READ_CAREFULLY
                 && parse_quickly(p, data, len, forced_way == READ_ANY_WAY && msg != NULL))
                || parse_carefully(p, data, len);
    return p->parsed;
}

static void check_payload(checker_t *checker, const kq1_message_info_t *msg);

/* The storage of the payload freed last, kept for the next check: one
 * payload is checked per message, and making its arrays afresh each time
 * costs more than checking a small payload. Dissection runs in one thread. */
static kq1_payload_t *spare;

/* A payload held more than this many keys or JSON values: its arrays are
 * not kept, so that one hostile message does not hold memory for good. */
#define KEEP_AT_MOST 256

static kq1_payload_t *
payload_new(void)
{
    kq1_payload_t *p = spare;

    if (p != NULL) {
        spare = NULL;
        return p;
    }
    p = g_new0(kq1_payload_t, 1);
    p->keys = g_array_new(false, true, sizeof(kq1_params_t));
    p->findings = g_array_new(false, false, sizeof(kq1_finding_t));
    p->made = g_ptr_array_new_with_free_func((GDestroyNotify)json_node_unref);
    return p;
}

kq1_payload_t *
kq1_payload_check(const kq1_message_info_t *msg, const uint8_t *data, gsize len,
                  const kq1_settings_t *settings)
{
    static const kq1_settings_t defaults;
    kq1_payload_t *p = payload_new();
    checker_t checker = { p, msg, data, len, settings != NULL ? settings : &defaults, NULL };

    check_payload(&checker, msg);
    if (p->findings_left_out > 0) {
        kq1_finding_t more = { KQ1_FINDING_TOO_MANY, KQ1_PARAM_COUNT, -1,
                               g_strdup_printf("%u more findings in this payload are not listed",
                                               p->findings_left_out) };

        g_array_append_val(p->findings, more);
    }
    return p;
}

static void
check_payload(checker_t *checker, const kq1_message_info_t *msg)
{
    kq1_payload_t *p = checker->payload;
    kq1_span_t text = { 0, 0 };
    const kq1_json_value_t *object = NULL;

    if (!parse(p, checker->data, checker->len, msg) && kq1_payload_count(p, KQ1_FINDING_BAD_JSON) > 0)
        return;     /* nothing can be said of members that could not be read */

    if (p->from_document) {
        object = kq1_json_doc_value(&p->doc, 0);
        if (checker->data[object->value.offset] != '{') {
            add_finding(p, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_COUNT, -1,
                        "Payload is %s, expected a JSON object", describe_value(checker, object));
            return;
        }
        text.length = p->json_len;
    } else if (p->root != NULL) {
        if (!JSON_NODE_HOLDS_OBJECT(p->root)) {
            add_finding(p, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_COUNT, -1,
                        "Payload is %s, expected a JSON object", describe_node(p->root));
            return;
        }
        object = kq1_json_doc_value(&p->doc, 0);
        text.length = p->json_len;
    }
    if (msg == NULL)
        return;

    /* An empty payload is read as an object with no members. */
    check_object(checker, object, text, msg->params, msg->n_params, -1, &p->top);
    check_key(checker, &p->top, -1);
    if (msg->element_params != NULL)
        check_keys(checker);
}

static void
payload_destroy(kq1_payload_t *payload)
{
    g_array_free(payload->findings, true);
    g_array_free(payload->keys, true);
    g_ptr_array_free(payload->made, true);
    kq1_json_doc_clear(&payload->doc);
    g_free(payload);
}

/* Everything a check found, as text, for comparing two checks. */
static void
describe_span(GString *out, const char *what, kq1_span_t span)
{
    g_string_append_printf(out, " %s@%" G_GSIZE_FORMAT "+%" G_GSIZE_FORMAT, what, span.offset, span.length);
}

static void
describe_node_text(GString *out, JsonNode *node)
{
    char *text;

    if (node == NULL) {
        g_string_append(out, " -");
        return;
    }
    text = json_to_string(node, false);
    g_string_append_printf(out, " %s", text);
    g_free(text);
}

/* with_nodes: Keys as json-glib holds it; else only that it is an array (a
 * payload read from the document holds its elements in the document). */
static void
describe_params(GString *out, const kq1_params_t *params, bool with_nodes)
{
    for (int i = 0; i < KQ1_PARAM_COUNT; i++) {
        g_string_append_printf(out, "\n  param %d:", i);
        if (i == KQ1_PARAM_KEYS && !with_nodes && params->node[i] != NULL)
            g_string_append_printf(out, " %s", json_node_type_name(params->node[i]));
        else
            describe_node_text(out, params->node[i]);
        describe_span(out, "member", params->span[i]);
        describe_span(out, "value", params->value[i]);
    }
    describe_span(out, "\n  self", params->self);
    describe_node_text(out, params->second_extension);
    describe_span(out, "second", params->second_extension_span);
    g_string_append_printf(out, "\n  not UTF-8 %x key %d %" G_GSIZE_FORMAT " hash %d %s %d", params->not_utf8,
                           params->key.encoding, params->key.len, params->hash_status,
                           params->hash_algorithm ? params->hash_algorithm : "-", params->hash_over_text);
    for (gsize i = 0; i < params->key.len; i++)
        g_string_append_printf(out, "%02x", params->key.data[i]);
}

/* with_nodes: json-glib's whole reading too (root, and each value's node),
 * which a payload read from the document alone does not have. */
static char *
describe_payload(const kq1_payload_t *p, bool with_nodes)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "parsed %d json_len %" G_GSIZE_FORMAT " left out %u", p->parsed, p->json_len,
                           p->findings_left_out);
    for (unsigned i = 0; i < p->findings->len; i++) {
        const kq1_finding_t *f = &g_array_index(p->findings, kq1_finding_t, i);

        g_string_append_printf(out, "\nfinding %d %d %d %s", f->kind, f->param, f->element, f->text);
    }
    if (with_nodes) {
        g_string_append(out, "\nroot");
        describe_node_text(out, p->root);
    }
    for (guint i = 0; p->parsed && i < p->doc.values->len; i++) {
        const kq1_json_value_t *v = &g_array_index(p->doc.values, kq1_json_value_t, i);

        g_string_append_printf(out, "\nvalue %u %s %d %d", i, v->name != NULL ? v->name : "-", v->first, v->next);
        describe_span(out, "value", v->value);
        describe_span(out, "member", v->member);
        if (with_nodes)
            describe_node_text(out, v->node);
    }
    g_string_append(out, "\ntop");
    describe_params(out, &p->top, with_nodes);
    for (unsigned i = 0; i < p->keys->len; i++) {
        g_string_append_printf(out, "\nkeys[%u]", i);
        describe_params(out, &g_array_index(p->keys, kq1_params_t, i), with_nodes);
    }
    return g_string_free(out, false);
}

/* What a skim gives, as text, for comparing it with a full check. */
static void
describe_skimmed_params(GString *out, const kq1_params_t *params)
{
    for (int i = 0; i < KQ1_PARAM_COUNT; i++) {
        int64_t integer;
        const char *text = kq1_params_string(params, (kq1_param_t)i);

        if (!skimmed_param((kq1_param_t)i))
            continue;
        g_string_append_printf(out, "\n  param %d: %s", i, params->node[i] != NULL ? "set" : "-");
        if (text != NULL)
            g_string_append_printf(out, " \"%s\"", text);
        if (kq1_params_integer(params, (kq1_param_t)i, &integer))
            g_string_append_printf(out, " %" PRId64, integer);
        if (params->node[i] != NULL) {
            describe_span(out, "member", params->span[i]);
            describe_span(out, "value", params->value[i]);
        }
    }
    describe_span(out, "\n  self", params->self);
}

static char *
describe_skim(const kq1_payload_t *p)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "parsed %d json_len %" G_GSIZE_FORMAT "\ntop", p->parsed, p->json_len);
    describe_skimmed_params(out, &p->top);
    for (unsigned i = 0; i < p->keys->len; i++) {
        g_string_append_printf(out, "\nkeys[%u]", i);
        describe_skimmed_params(out, &g_array_index(p->keys, kq1_params_t, i));
    }
    return g_string_free(out, false);
}

/* Two descriptions of payloads: equal, or *why says how they differ. */
static bool
same(const char *what, char *a_text, const char *b_what, char *b_text, char **why)
{
    bool agree = strcmp(a_text, b_text) == 0;

    if (why != NULL && !agree && *why == NULL)
        *why = g_strdup_printf("%s:\n%s\n%s:\n%s", what, a_text, b_what, b_text);
    g_free(a_text);
    g_free(b_text);
    return agree;
}

static kq1_payload_t *
check_one_way(read_way_t way, const kq1_message_info_t *msg, const uint8_t *data, gsize len,
              const kq1_settings_t *settings)
{
    kq1_payload_t *p;

    forced_way = way;
    p = kq1_payload_check(msg, data, len, settings);
    forced_way = READ_ANY_WAY;
    return p;
}

bool
kq1_payload_paths_agree(const kq1_message_info_t *msg, const uint8_t *data, gsize len,
                        const kq1_settings_t *settings, char **why)
{
    kq1_payload_t *any = check_one_way(READ_ANY_WAY, msg, data, len, settings);
    kq1_payload_t *quick = check_one_way(READ_WITH_JSON_GLIB, msg, data, len, settings);
    kq1_payload_t *careful = check_one_way(READ_CAREFULLY, msg, data, len, settings);
    kq1_payload_t *skim = kq1_payload_skim(msg, data, len, settings);
    bool agree;

    if (why != NULL)
        *why = NULL;
    agree = same("quick", describe_payload(quick, true), "careful", describe_payload(careful, true), why);
    /* The document alone (where the text is plain) finds what json-glib's
     * reading finds. */
    agree = same(any->from_document ? "document" : "first", describe_payload(any, false),
                 "careful", describe_payload(careful, false), why) && agree;
    /* The skim, where it answers, gives what the full check gives. */
    if (skim != NULL)
        agree = same("skim", describe_skim(skim), "full", describe_skim(careful), why) && agree;
    kq1_payload_free(skim);
    kq1_payload_free(any);
    kq1_payload_free(quick);
    kq1_payload_free(careful);
    return agree;
}

void
kq1_payload_shutdown(void)
{
    g_clear_object(&parser);
    if (scratch != NULL)
        g_string_free(scratch, true);
    scratch = NULL;
    if (spare != NULL)
        payload_destroy(spare);
    spare = NULL;
}

void
kq1_payload_free(kq1_payload_t *payload)
{
    kq1_payload_t empty = { NULL };

    if (payload == NULL)
        return;
    for (unsigned i = 0; i < payload->findings->len; i++)
        g_free(g_array_index(payload->findings, kq1_finding_t, i).text);
    kq1_key_clear(&payload->top.key);
    for (unsigned i = 0; i < payload->keys->len; i++)
        kq1_key_clear(&g_array_index(payload->keys, kq1_params_t, i).key);
    if (payload->root != NULL)
        json_node_unref(payload->root);
    g_ptr_array_set_size(payload->made, 0);
    if (spare != NULL || payload->keys->len > KEEP_AT_MOST
        || (payload->doc.values != NULL && payload->doc.values->len > KEEP_AT_MOST)) {
        payload_destroy(payload);
        return;
    }
    /* Kept for the next check, empty. */
    g_array_set_size(payload->findings, 0);
    g_array_set_size(payload->keys, 0);
    empty.keys = payload->keys;
    empty.findings = payload->findings;
    empty.made = payload->made;
    empty.doc = payload->doc;
    *payload = empty;
    spare = payload;
}

const char *
kq1_params_string(const kq1_params_t *params, kq1_param_t param)
{
    JsonNode *node = params->node[param];

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(node);
}

bool
kq1_params_integer(const kq1_params_t *params, kq1_param_t param, int64_t *value)
{
    JsonNode *node = params->node[param];

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
        return false;
    *value = json_node_get_int(node);
    return true;
}

unsigned
kq1_payload_count(const kq1_payload_t *payload, kq1_finding_kind_t kind)
{
    unsigned n = 0;

    for (unsigned i = 0; i < payload->findings->len; i++) {
        if (g_array_index(payload->findings, kq1_finding_t, i).kind == kind)
            n++;
    }
    return n;
}

bool
kq1_response_says(const char *response, const char *word_list)
{
    while (g_ascii_isspace(*response))
        response++;
    /* Each comma-separated word, without the spaces around it. */
    for (const char *word = word_list; *word != '\0';) {
        const char *end = strchr(word, ',');
        gsize n;

        if (end == NULL)
            end = word + strlen(word);
        while (word < end && g_ascii_isspace(*word))
            word++;
        n = (gsize)(end - word);
        while (n > 0 && g_ascii_isspace(word[n - 1]))
            n--;
        if (n > 0 && g_ascii_strncasecmp(response, word, n) == 0
            && (response[n] == '\0' || !g_ascii_isalnum(response[n])))
            return true;
        word = *end == ',' ? end + 1 : end;
    }
    return false;
}
