/* kq1-payload.c
 * Reads a Kq-1 payload once into its document (kq1-json-doc.h) and judges
 * it against the catalogue (Q.4162 Tables 1-4): one member matcher and one
 * implementation of each check, which a brief reading runs without the
 * findings and key checks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "kq1-payload.h"

G_STATIC_ASSERT(KQ1_MAX_JSON_DEPTH <= KQ1_JSON_DOC_MAX_DEPTH);

/* What the checks of one payload share. */
typedef struct {
    kq1_payload_t             *payload;
    const kq1_message_info_t  *msg;
    const uint8_t             *data;    /* the payload's bytes */
    gsize                      len;
    const kq1_settings_t      *settings;
    bool                       full;    /* KQ1_READ_FULL: findings and key checks too */
    int                        keys;    /* the payload's Keys in the document, -1 until found */
} checker_t;

static void G_GNUC_PRINTF(5, 6)
add_finding(checker_t *c, kq1_finding_kind_t kind, kq1_param_t param, int element, const char *format, ...)
{
    kq1_payload_t *p = c->payload;
    kq1_finding_t finding = { kind, param, element, NULL };
    va_list args;

    if (!c->full)
        return;
    if (p->findings->len >= KQ1_MAX_FINDINGS) {
        p->findings_left_out++;
        return;
    }
    va_start(args, format);
    finding.text = g_strdup_vprintf(format, args);
    va_end(args);
    g_array_append_val(p->findings, finding);
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

/* What a value is, as a sentence names it. */
static const char *
describe_value(const kq1_json_value_t *v)
{
    switch (v->type) {
    case KQ1_JSON_OBJECT:   return "an object";
    case KQ1_JSON_ARRAY:    return "an array";
    case KQ1_JSON_STRING:   return "a string";
    case KQ1_JSON_INTEGER:  return "an integer";
    case KQ1_JSON_FRACTION: return "a number with a fraction or exponent";
    case KQ1_JSON_BOOLEAN:  return "a boolean";
    case KQ1_JSON_NULL:     return "null";
    case KQ1_JSON_OTHER:    break;
    }
    return "a value JSON (RFC 8259) does not have";
}

static const kq1_json_value_t *
value_at(const checker_t *c, int position)
{
    return kq1_json_doc_value(&c->payload->doc, position);
}

static int
position_of(const checker_t *c, const kq1_json_value_t *v)
{
    return (int)(v - (const kq1_json_value_t *)(const void *)c->payload->doc.values->data);
}

static bool
has_type(const kq1_json_value_t *v, kq1_type_t type, bool object_too)
{
    switch (type) {
    case KQ1_TYPE_STRING:
        return v->type == KQ1_JSON_STRING;
    case KQ1_TYPE_INTEGER:
        return v->type == KQ1_JSON_INTEGER;
    case KQ1_TYPE_OBJECT:
        return v->type == KQ1_JSON_OBJECT;
    case KQ1_TYPE_ARRAY_OF_OBJECTS:
        /* The elements are judged one by one, so that one bad element
         * does not hide the others. */
        return v->type == KQ1_JSON_ARRAY || (object_too && v->type == KQ1_JSON_OBJECT);
    }
    return false;
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

/* The member spells the parameter as this message uses it. */
static bool
use_matches(const checker_t *c, const kq1_param_use_t *use, const char *member)
{
    if (use->member != NULL)
        return kq1_member_names_equal(use->member, member);
    return member_matches(c, use->param, member);
}

static void
check_array_elements(checker_t *c, const kq1_param_info_t *info, kq1_param_t param, int element,
                     const kq1_json_value_t *array)
{
    unsigned i = 0;

    if (array->type != KQ1_JSON_ARRAY)
        return;
    for (const kq1_json_value_t *item = value_at(c, array->first); item != NULL; item = value_at(c, item->next), i++) {
        if (item->type != KQ1_JSON_OBJECT) {
            where_t buffer;

            add_finding(c, KQ1_FINDING_WRONG_TYPE, param, element, "%s (%s[%u])%s is %s, expected an object",
                        info->name, info->member, i, where(element, &buffer), describe_value(item));
        }
    }
}

/* The value of an integer or string parameter, into out. Integers that are
 * of the right type but still wrong: counts and sizes below 1 or too large,
 * or past what int64 holds (not usable at all: false); strings that a C
 * string cannot hold whole (\u0000) or that are no Unicode (an escape of a
 * lone surrogate, shown as U+FFFD). */
static bool
take_value(checker_t *c, const kq1_param_info_t *info, const char *member, const char *at,
           const kq1_json_value_t *v, kq1_param_t param, int element, kq1_params_t *out)
{
    int64_t integer;

    if (info->type == KQ1_TYPE_INTEGER) {
        if (!kq1_json_integer(c->data, v->value, &integer)) {
            add_finding(c, KQ1_FINDING_OUT_OF_RANGE, param, element, "%s (%s)%s is %.*s: out of range",
                        info->name, member, at, (int)v->value.length, (const char *)c->data + v->value.offset);
            return false;
        }
        if (integer < info->minimum || integer > KQ1_MAX_INTEGER)
            add_finding(c, KQ1_FINDING_OUT_OF_RANGE, param, element,
                        "%s (%s)%s is %" PRId64 ": out of range (%" PRId64 " to %d)",
                        info->name, member, at, integer, info->minimum, KQ1_MAX_INTEGER);
        out->integer[param] = integer;
    } else if (info->type == KQ1_TYPE_STRING) {
        out->string[param] = kq1_json_doc_string(&c->payload->doc, c->data, position_of(c, v));
        if (v->flags & KQ1_JSON_NUL)
            add_finding(c, KQ1_FINDING_BAD_STRING, param, element, "%s (%s)%s holds \\u0000: shown up to it",
                        info->name, member, at);
        else if (v->flags & KQ1_JSON_LONE_SURROGATE)
            add_finding(c, KQ1_FINDING_BAD_STRING, param, element,
                        "%s (%s)%s holds an escape that is no Unicode character (a lone surrogate)",
                        info->name, member, at);
    }
    return true;
}

/* Members that share a name: the last counts, as JSON parsers keep it. The
 * first member called like member: member itself unless an earlier one is. */
static bool
is_first_of_name(const checker_t *c, const kq1_json_value_t *object, const kq1_json_value_t *member)
{
    for (const kq1_json_value_t *m = value_at(c, object->first); m != member; m = value_at(c, m->next)) {
        if (strcmp(m->name, member->name) == 0)
            return false;
    }
    return true;
}

/* The last member called like member (from member on), and how many are. */
static const kq1_json_value_t *
last_of_name(const checker_t *c, const kq1_json_value_t *member, unsigned *count)
{
    const kq1_json_value_t *last = member;

    *count = 1;
    for (const kq1_json_value_t *m = value_at(c, member->next); m != NULL; m = value_at(c, m->next)) {
        if (strcmp(m->name, member->name) == 0) {
            last = m;
            (*count)++;
        }
    }
    return last;
}

/* Matches the members of object (NULL: an object without members) to the
 * parameters in uses, fills out and reports duplicates, wrong types and
 * missing mandatory parameters. Where one parameter is given more than
 * once, the last counts; a second use row of Extension (QKD 014's two
 * extension members) is kept beside the first. */
static void
check_object(checker_t *c, const kq1_json_value_t *object, kq1_span_t self, const kq1_param_use_t *uses,
             unsigned n_uses, int element, kq1_params_t *out)
{
    bool seen[KQ1_PARAM_COUNT] = { false };
    bool seen_use[KQ1_MAX_USES] = { false };
    where_t buffer;
    const char *at = where(element, &buffer);

    n_uses = MIN(n_uses, KQ1_MAX_USES);
    out->self = self;
    for (const kq1_json_value_t *m = object != NULL ? value_at(c, object->first) : NULL; m != NULL;
         m = value_at(c, m->next)) {
        const char *member = m->name;
        unsigned count;
        const kq1_json_value_t *last;

        /* Judged once, where the name first occurs, with the last one's value. */
        if (member == NULL || !is_first_of_name(c, object, m))
            continue;
        last = last_of_name(c, m, &count);
        for (unsigned u = 0; u < n_uses; u++) {
            kq1_param_t param = uses[u].param;
            const kq1_param_info_t *info = kq1_param_info(param);
            bool second_extension;

            if (!use_matches(c, &uses[u], member))
                continue;
            second_extension = param == KQ1_PARAM_EXTENSION && seen[param] && !seen_use[u];
            if ((seen[param] && !second_extension) || count > 1)
                add_finding(c, KQ1_FINDING_DUPLICATE_MEMBER, param, element,
                            "%s given more than once%s (member \"%s\"); the last is used", info->name, at, member);
            seen[param] = true;
            seen_use[u] = true;
            if (!has_type(last, info->type, uses[u].object_too)) {
                add_finding(c, KQ1_FINDING_WRONG_TYPE, param, element, "%s (%s)%s is %s, expected %s",
                            info->name, member, at, describe_value(last), kq1_type_name(info->type));
                if (!second_extension)
                    out->present[param] = false;
                break;
            }
            if (info->type == KQ1_TYPE_ARRAY_OF_OBJECTS && param != KQ1_PARAM_KEYS)
                check_array_elements(c, info, param, element, last);
            if (!take_value(c, info, member, at, last, param, element, out)) {
                out->present[param] = false;
                break;
            }
            if (second_extension) {
                out->second_extension = true;
                out->second_extension_span = last->member;
                out->second_extension_value = last->value;
            } else {
                out->present[param] = true;
                out->span[param] = last->member;
                out->value[param] = last->value;
                if (param == KQ1_PARAM_KEYS && element < 0)
                    c->keys = position_of(c, last);
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
            add_finding(c, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
                        "%s (%s) missing: mandatory in %s (%s)", info->name, name, c->msg->name, c->msg->table);
        else
            add_finding(c, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
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
        add_finding(c, KQ1_FINDING_KEY_LENGTH_IN_BYTES, KQ1_PARAM_KEY_LENGTH, element,
                    "Key length (key_length) %" PRId64 " is the key's length in %s, not in %s (%" PRIu64 ") as "
                    "assumed (Q.4162 gives no unit; see preference kq1.key_length_unit)",
                    length, other_unit, unit, assumed);
        break;
    case KQ1_LENGTH_DIFFERS:
        if (c->settings->key_length_unit == KQ1_UNIT_EITHER)
            add_finding(c, KQ1_FINDING_KEY_LENGTH_MISMATCH, KQ1_PARAM_KEY_LENGTH, element,
                        "Key length (key_length) is %" PRId64 " but the key is %" PRIu64 " bits (%" PRIu64
                        " bytes)", length, bits, bytes);
        else
            add_finding(c, KQ1_FINDING_KEY_LENGTH_MISMATCH, KQ1_PARAM_KEY_LENGTH, element,
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
    unsigned period;

    if (text == NULL)
        return;
    has_length = kq1_params_integer(params, KQ1_PARAM_KEY_LENGTH, &length);
    kq1_key_decode(text, has_length && length > 0 ? (uint64_t)length : 0, c->settings->key_encodings, &params->key);
    if (params->key.encoding == KQ1_KEY_UNDECODED) {
        add_finding(c, KQ1_FINDING_KEY_ENCODING, KQ1_PARAM_KEY, element,
                    "Key (key)%s is not %s, assuming that encoding (Q.4162 names none; see preference "
                    "kq1.key_encoding): its length and hash are not checked", where(element, &buffer),
                    c->settings->key_encodings == KQ1_KEY_BASE64_ONLY ? "base64"
                    : c->settings->key_encodings == KQ1_KEY_HEX_ONLY ? "hex" : "base64 or hex");
        return;
    }
    /* A brief reading decodes the key as a full one does (the analysis
     * compares keys): it checks the Hash value only where that picks the
     * reading, text that is both hex and base64. */
    if (hash != NULL && (c->full || (c->settings->key_encodings == KQ1_KEY_BASE64_OR_HEX
                                     && kq1_key_text_ambiguous(text)))) {
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
                add_finding(c, KQ1_FINDING_HASH_MISMATCH, KQ1_PARAM_HASH_VALUE, element,
                            "Hash value (hash_value) is not the %s digest of %s (preferences kq1.hash_algorithm "
                            "and kq1.hash_input)", params->hash_algorithm, hash_input_name(c->settings->hash_input));
            else
                add_finding(c, KQ1_FINDING_HASH_NOT_MATCHED, KQ1_PARAM_HASH_VALUE, element,
                            "Hash value (hash_value) is not the %s digest of %s, assuming %s (Q.4162 names no "
                            "algorithm or input; see preferences kq1.hash_algorithm and kq1.hash_input)",
                            params->hash_algorithm, hash_input_name(c->settings->hash_input),
                            c->settings->hash_algorithm == KQ1_HASH_BY_LENGTH
                            ? "the algorithm its length names" : "that algorithm");
        } else if (params->hash_status == KQ1_HASH_UNKNOWN) {
            add_finding(c, KQ1_FINDING_HASH_UNKNOWN, KQ1_PARAM_HASH_VALUE, element,
                        "Hash value (hash_value) is not an MD5, SHA-1, SHA-256, SHA-384 or SHA-512 "
                        "digest in hex or base64: not verified");
        }
    }
    if (!c->full)
        return;
    if ((period = kq1_key_repeats(params->key.data, params->key.len)) > 0)
        add_finding(c, KQ1_FINDING_WEAK_KEY, KQ1_PARAM_KEY, element,
                    period == 1 ? "Key (key)%s is %" G_GSIZE_FORMAT " bits of one byte repeated: no random source "
                                  "gives such a key"
                                : "Key (key)%s is %" G_GSIZE_FORMAT " bits of a pattern of %u bytes repeated: no "
                                  "random source gives such a key", where(element, &buffer), params->key.len * 8,
                    period);
    if (has_length)
        check_key_length(c, params, length, element);
}

static void
check_keys(checker_t *c)
{
    kq1_payload_t *p = c->payload;
    const kq1_json_value_t *keys = value_at(c, c->keys);
    unsigned i = 0, n = 0;

    if (!p->top.present[KQ1_PARAM_KEYS] || keys == NULL || keys->type != KQ1_JSON_ARRAY)
        return;
    for (const kq1_json_value_t *item = value_at(c, keys->first); item != NULL; item = value_at(c, item->next))
        n++;
    g_array_set_size(p->keys, n);
    for (const kq1_json_value_t *item = value_at(c, keys->first); item != NULL; item = value_at(c, item->next), i++) {
        kq1_params_t *params = &g_array_index(p->keys, kq1_params_t, i);

        params->self = item->value;
        if (item->type != KQ1_JSON_OBJECT) {
            add_finding(c, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_KEYS, (int)i, "Keys[%u] is %s, expected an object (%s, %s)",
                        i, describe_value(item), c->msg->name, c->msg->table);
            continue;
        }
        check_object(c, item, item->value, c->msg->element_params, c->msg->n_element_params, (int)i, params);
        check_key(c, params, (int)i);
    }
}

/* The JSON text ends at end: what follows is whitespace, or bytes Length
 * counts that are not JSON. */
static void
take_json_text(checker_t *c, gsize end)
{
    gsize rest = kq1_json_skip_space(c->data, end, c->len);

    c->payload->json_len = rest;
    if (rest < c->len)
        add_finding(c, KQ1_FINDING_LENGTH_MISMATCH, KQ1_PARAM_COUNT, -1,
                    "JSON text ends after %" G_GSIZE_FORMAT " of the %" G_GSIZE_FORMAT
                    " payload bytes that Length gives; %" G_GSIZE_FORMAT " bytes follow it", end, c->len, c->len - rest);
}

/* Text json-glib refuses, data[0..end): why, in a finding. json-glib says
 * nothing of where text is not UTF-8, which is looked for only then. */
static void
report_bad_json(checker_t *c, gsize end, const char *why)
{
    const char *bad;

    if (!g_utf8_validate_len((const char *)c->data, end, &bad)) {
        gsize at = (gsize)((const uint8_t *)bad - c->data);

        add_finding(c, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload is not UTF-8 (RFC 8259): %s at payload byte %"
                    G_GSIZE_FORMAT, c->data[at] == 0 ? "a NUL byte" : "an invalid byte sequence", at);
    } else {
        add_finding(c, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload is not valid JSON: %s", why);
    }
}

typedef enum {
    TEXT_READ,      /* a JSON value, in the document */
    TEXT_EMPTY,     /* nothing but whitespace */
    TEXT_BAD        /* not JSON: a finding says why */
} text_t;

/* Reads the payload's JSON text into its document. An object or array the
 * document reads whole in plain RFC 8259 is judged from the document alone;
 * other text that reads whole is JSON when json-glib parses it. Text the
 * document cannot read whole is found by bracket counting, then json-glib
 * says why it is no JSON (or, when it parses it anyway, it is a scalar, or
 * JSON only with extensions RFC 8259 does not have, such as comments). */
static text_t
read_text(checker_t *c)
{
    kq1_payload_t *p = c->payload;
    const kq1_json_value_t *first;
    char *why = NULL;
    gsize end = 0;
    text_t read = TEXT_READ;

    if (kq1_json_doc_read(&p->doc, c->data, c->len, KQ1_MAX_JSON_DEPTH, &end)) {
        take_json_text(c, end);
        /* A backslash JSON gives no meaning: json-glib may read one into it
         * (\1 as an octal escape), RFC 8259 does not. */
        if (p->doc.bad_escape != G_MAXSIZE) {
            add_finding(c, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload is not valid JSON: the string at "
                        "payload byte %" G_GSIZE_FORMAT " holds an escape RFC 8259 does not have", p->doc.bad_escape);
            return TEXT_BAD;
        }
        if (!kq1_json_doc_plain(&p->doc) && !kq1_json_glib_accepts(c->data, end, c->full ? &why : NULL)) {
            report_bad_json(c, end, why);
            read = TEXT_BAD;
        }
        g_free(why);
        return read;
    }
    switch (kq1_json_extent(c->data, c->len, KQ1_MAX_JSON_DEPTH, &end)) {
    case KQ1_EXTENT_EMPTY:
        p->json_len = c->len;
        return TEXT_EMPTY;
    case KQ1_EXTENT_TOO_DEEP:
        add_finding(c, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "JSON nested deeper than %d levels at payload byte %"
                    G_GSIZE_FORMAT "; not parsed", KQ1_MAX_JSON_DEPTH, end);
        p->json_len = c->len;
        return TEXT_BAD;
    case KQ1_EXTENT_FOUND:
        break;
    }
    take_json_text(c, end);
    first = value_at(c, 0);
    if (!kq1_json_glib_accepts(c->data, end, c->full ? &why : NULL)) {
        report_bad_json(c, end, why);
        read = TEXT_BAD;
    } else if (first == NULL || first->type == KQ1_JSON_OBJECT || first->type == KQ1_JSON_ARRAY
               || first->type == KQ1_JSON_OTHER) {
        add_finding(c, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1,
                    "Payload is not JSON as RFC 8259 writes it (json-glib reads it, with an extension such as a "
                    "comment): it stops being JSON within the first %" G_GSIZE_FORMAT " bytes", end);
        read = TEXT_BAD;
    }
    g_free(why);
    return read;
}

static void
check_payload(checker_t *c)
{
    kq1_payload_t *p = c->payload;
    kq1_span_t text = { 0, 0 };
    const kq1_json_value_t *object = NULL;

    switch (read_text(c)) {
    case TEXT_BAD:
        return;     /* nothing can be said of members that could not be read */
    case TEXT_EMPTY:
        break;      /* read as an object with no members: mandatory ones are missing */
    case TEXT_READ:
        p->parsed = true;
        object = value_at(c, 0);
        if (object->type != KQ1_JSON_OBJECT) {
            add_finding(c, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_COUNT, -1, "Payload is %s, expected a JSON object",
                        describe_value(object));
            return;
        }
        text.length = p->json_len;
        break;
    }
    if (c->msg == NULL)
        return;
    check_object(c, object, text, c->msg->params, c->msg->n_params, -1, &p->top);
    check_key(c, &p->top, -1);
    if (c->msg->element_params != NULL)
        check_keys(c);
}

/* The storage of the payload freed last, kept for the next: one payload is
 * read per message, and making its arrays afresh each time costs more than
 * reading a small payload. Dissection runs in one thread. */
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
    return p;
}

kq1_payload_t *
kq1_payload_read(const kq1_message_info_t *msg, const uint8_t *data, gsize len, const kq1_settings_t *settings,
                 kq1_reading_t reading)
{
    static const kq1_settings_t defaults;
    kq1_payload_t *p = payload_new();
    checker_t checker = { p, msg, data, len, settings != NULL ? settings : &defaults, reading == KQ1_READ_FULL, -1 };

    check_payload(&checker);
    if (p->findings_left_out > 0) {
        kq1_finding_t more = { KQ1_FINDING_TOO_MANY, KQ1_PARAM_COUNT, -1,
                               g_strdup_printf("%u more findings in this payload are not listed", p->findings_left_out) };

        g_array_append_val(p->findings, more);
    }
    return p;
}

const char *
kq1_payload_member_string(kq1_payload_t *payload, const uint8_t *data, const char *name)
{
    const kq1_json_value_t *object = kq1_json_doc_value(&payload->doc, 0), *found = NULL;

    if (!payload->parsed || object == NULL || object->type != KQ1_JSON_OBJECT)
        return NULL;
    for (const kq1_json_value_t *m = kq1_json_doc_value(&payload->doc, object->first); m != NULL;
         m = kq1_json_doc_value(&payload->doc, m->next)) {
        if (strcmp(m->name, name) == 0)
            found = m;
    }
    if (found == NULL)
        return NULL;
    return kq1_json_doc_string(&payload->doc, data,
                               (int)(found - (const kq1_json_value_t *)(const void *)payload->doc.values->data));
}

static void
payload_destroy(kq1_payload_t *payload)
{
    g_array_free(payload->findings, true);
    g_array_free(payload->keys, true);
    kq1_json_doc_clear(&payload->doc);
    g_free(payload);
}

void
kq1_payload_shutdown(void)
{
    kq1_json_shutdown();
    if (spare != NULL)
        payload_destroy(spare);
    spare = NULL;
}

void
kq1_payload_free(kq1_payload_t *payload)
{
    kq1_payload_t empty;

    if (payload == NULL)
        return;
    for (unsigned i = 0; i < payload->findings->len; i++)
        g_free(g_array_index(payload->findings, kq1_finding_t, i).text);
    kq1_key_clear(&payload->top.key);
    for (unsigned i = 0; i < payload->keys->len; i++)
        kq1_key_clear(&g_array_index(payload->keys, kq1_params_t, i).key);
    if (spare != NULL || payload->keys->len > KEEP_AT_MOST
        || (payload->doc.values != NULL && payload->doc.values->len > KEEP_AT_MOST)) {
        payload_destroy(payload);
        return;
    }
    /* Kept for the next payload, empty. */
    memset(&empty, 0, sizeof(empty));
    g_array_set_size(payload->findings, 0);
    g_array_set_size(payload->keys, 0);
    empty.keys = payload->keys;
    empty.findings = payload->findings;
    empty.doc = payload->doc;
    *payload = empty;
    spare = payload;
}

bool
kq1_payload_has_key(const kq1_payload_t *payload)
{
    if (payload->top.present[KQ1_PARAM_KEY])
        return true;
    for (guint i = 0; payload->keys != NULL && i < payload->keys->len; i++) {
        if (g_array_index(payload->keys, kq1_params_t, i).present[KQ1_PARAM_KEY])
            return true;
    }
    return false;
}

const char *
kq1_params_string(const kq1_params_t *params, kq1_param_t param)
{
    return params->present[param] ? params->string[param] : NULL;
}

bool
kq1_params_integer(const kq1_params_t *params, kq1_param_t param, int64_t *value)
{
    if (!params->present[param] || kq1_param_info(param)->type != KQ1_TYPE_INTEGER)
        return false;
    *value = params->integer[param];
    return true;
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
