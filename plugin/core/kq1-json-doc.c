/* kq1-json-doc.c
 * JSON text read once into a document of its values (see kq1-json-doc.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "kq1-json-doc.h"

static bool
is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

gsize
kq1_json_skip_space(const uint8_t *data, gsize i, gsize end)
{
    while (i < end && is_space(data[i]))
        i++;
    return i;
}

/* The four hex digits at data[i..i+4) (within end) as *c. */
static bool
hex4(const uint8_t *data, gsize i, gsize end, gunichar *c)
{
    if (i + 4 > end || !g_ascii_isxdigit(data[i]) || !g_ascii_isxdigit(data[i + 1])
        || !g_ascii_isxdigit(data[i + 2]) || !g_ascii_isxdigit(data[i + 3]))
        return false;
    *c = (gunichar)(g_ascii_xdigit_value(data[i]) << 12 | g_ascii_xdigit_value(data[i + 1]) << 8
                    | g_ascii_xdigit_value(data[i + 2]) << 4 | g_ascii_xdigit_value(data[i + 3]));
    return true;
}

static bool
is_high_surrogate(gunichar c)
{
    return c >= 0xd800 && c < 0xdc00;
}

static bool
is_low_surrogate(gunichar c)
{
    return c >= 0xdc00 && c < 0xe000;
}

/* data[i] is the 'u' of a \u escape (within end): the character it writes
 * in *c (a surrogate pair's as one; U+FFFD for half of one alone), and the
 * index of its last hex digit; false, and i, when four hex digits do not
 * follow. */
static bool
read_u_escape(const uint8_t *data, gsize i, gsize end, gunichar *c, gsize *last, bool *lone)
{
    gunichar low;

    *last = i;
    *lone = false;
    if (!hex4(data, i + 1, end, c))
        return false;
    *last = i + 4;
    if (is_high_surrogate(*c) && *last + 2 < end && data[*last + 1] == '\\' && data[*last + 2] == 'u'
        && hex4(data, *last + 3, end, &low) && is_low_surrogate(low)) {
        *c = 0x10000 + ((*c - 0xd800) << 10) + (low - 0xdc00);
        *last += 6;
    } else if (is_high_surrogate(*c) || is_low_surrogate(*c)) {
        *c = 0xfffd;
        *lone = true;
    }
    return true;
}

/* data[i] is '"': the index just past the closing quote (end when it never
 * closes), what the string holds in *flags, and *plain false unless it is
 * written as RFC 8259 writes one: no control character, only the escapes
 * it names and none of them a surrogate (json-glib 1.10 refuses one alone,
 * 1.6 reads it), and UTF-8. Read once: only a string with bytes past ASCII
 * is looked at again, for UTF-8. */
static gsize
read_string(const uint8_t *data, gsize i, gsize end, uint8_t *flags, bool *plain)
{
    gsize start = i + 1;
    bool past_ascii = false;

    *flags = 0;
    for (i++; i < end; i++) {
        uint8_t c = data[i];

        if (c == '"') {
            if (past_ascii && !g_utf8_validate_len((const char *)data + start, i - start, NULL))
                *plain = false;
            return i + 1;
        }
        if (c < 0x20) {
            *plain = false;
        } else if (c >= 0x80) {
            past_ascii = true;
        } else if (c == '\\') {
            *flags |= KQ1_JSON_ESCAPED;
            if (++i >= end)
                break;
            if (data[i] == 'u') {
                gunichar u;
                gsize last;
                bool lone;

                if (!read_u_escape(data, i, end, &u, &last, &lone)) {
                    *flags |= KQ1_JSON_BAD_ESCAPE;
                    *plain = false;
                    continue;
                }
                if (last != i + 4 || lone)
                    *plain = false;     /* a surrogate, paired or not */
                if (lone)
                    *flags |= KQ1_JSON_LONE_SURROGATE;
                if (u == 0)
                    *flags |= KQ1_JSON_NUL;
                i = last;
            } else if (strchr("\"\\/bfnrt", data[i]) == NULL || data[i] == '\0') {
                *flags |= KQ1_JSON_BAD_ESCAPE;
                *plain = false;
            }
        }
    }
    *plain = false;     /* never closed */
    return end;
}

/* The text between the quotes of a string, unescaped as RFC 8259 defines,
 * into out. */
static void
unescape(const uint8_t *data, kq1_span_t inside, GString *out)
{
    gsize end = inside.offset + inside.length;

    g_string_truncate(out, 0);
    for (gsize i = inside.offset; i < end; i++) {
        gunichar c;
        gsize last;
        bool lone;

        if (data[i] != '\\' || i + 1 >= end) {
            g_string_append_c(out, (char)data[i]);
            continue;
        }
        switch (data[++i]) {
        case 'b': g_string_append_c(out, '\b'); break;
        case 'f': g_string_append_c(out, '\f'); break;
        case 'n': g_string_append_c(out, '\n'); break;
        case 'r': g_string_append_c(out, '\r'); break;
        case 't': g_string_append_c(out, '\t'); break;
        case 'u':
            if (!read_u_escape(data, i, end, &c, &last, &lone)) {
                g_string_append_unichar(out, 0xfffd);
                break;
            }
            g_string_append_unichar(out, c);
            i = last;
            break;
        default:    /* \" \\ \/ */
            g_string_append_c(out, (char)data[i]);
            break;
        }
    }
}

static gsize
digits(const uint8_t *data, gsize i, gsize end)
{
    while (i < end && g_ascii_isdigit(data[i]))
        i++;
    return i;
}

/* What the token data[i..end) is: true, false, null or a number as RFC
 * 8259 writes them, else KQ1_JSON_OTHER. */
static kq1_json_type_t
scalar_type(const uint8_t *data, gsize i, gsize end)
{
    gsize n = end - i, after;
    bool fraction = false;

    if (n == 4 && memcmp(data + i, "true", 4) == 0)
        return KQ1_JSON_BOOLEAN;
    if (n == 5 && memcmp(data + i, "false", 5) == 0)
        return KQ1_JSON_BOOLEAN;
    if (n == 4 && memcmp(data + i, "null", 4) == 0)
        return KQ1_JSON_NULL;
    if (i < end && data[i] == '-')
        i++;
    if (i >= end)
        return KQ1_JSON_OTHER;
    if (data[i] == '0')
        i++;
    else if ((after = digits(data, i, end)) > i)
        i = after;
    else
        return KQ1_JSON_OTHER;
    if (i < end && data[i] == '.') {
        if ((after = digits(data, i + 1, end)) == i + 1)
            return KQ1_JSON_OTHER;
        i = after;
        fraction = true;
    }
    if (i < end && (data[i] == 'e' || data[i] == 'E')) {
        i++;
        if (i < end && (data[i] == '+' || data[i] == '-'))
            i++;
        if ((after = digits(data, i, end)) == i)
            return KQ1_JSON_OTHER;
        i = after;
        fraction = true;
    }
    if (i != end)
        return KQ1_JSON_OTHER;
    return fraction ? KQ1_JSON_FRACTION : KQ1_JSON_INTEGER;
}

/* The index just past the number or word that starts at data[i]. */
static gsize
skip_scalar(const uint8_t *data, gsize i, gsize end)
{
    while (i < end && !is_space(data[i]) && data[i] != ',' && data[i] != '}' && data[i] != ']')
        i++;
    return i;
}

/* A bracket or quote inside a number or word: json-glib skips comments
 * such as /[/, which bracket counting reads otherwise. */
static bool
scalar_has_structure(const uint8_t *data, kq1_span_t token)
{
    for (gsize i = token.offset; i < token.offset + token.length; i++) {
        if (data[i] == '[' || data[i] == '{' || data[i] == '"')
            return true;
    }
    return false;
}

/* data[i] is '"': as read_string, without looking into the string. */
static gsize
skip_string(const uint8_t *data, gsize i, gsize end)
{
    for (i++; i < end; i++) {
        if (data[i] == '\\')
            i++;
        else if (data[i] == '"')
            return i + 1;
    }
    return end;
}

kq1_extent_t
kq1_json_extent(const uint8_t *data, gsize len, unsigned max_depth, gsize *end)
{
    gsize i = kq1_json_skip_space(data, 0, len);
    unsigned depth = 0;

    if (i == len) {
        *end = len;
        return KQ1_EXTENT_EMPTY;
    }
    if (data[i] == '"') {
        /* A string ends at its closing quote; what follows is not part of
         * it (json-glib would accept "x" {} as one text). */
        *end = skip_string(data, i, len);
        return KQ1_EXTENT_FOUND;
    }
    if (data[i] != '{' && data[i] != '[') {
        *end = len;     /* another scalar or not JSON at all: the parser will say */
        return KQ1_EXTENT_FOUND;
    }
    while (i < len) {
        uint8_t c = data[i];

        if (c == '"') {
            i = skip_string(data, i, len);
            continue;
        }
        if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                *end = i;
                return KQ1_EXTENT_TOO_DEEP;
            }
        } else if ((c == '}' || c == ']') && --depth == 0) {
            *end = i + 1;
            return KQ1_EXTENT_FOUND;
        }
        i++;
    }
    *end = len;         /* never closed: the parser reports where it broke */
    return KQ1_EXTENT_FOUND;
}

/* An object or array being read: its value and the last of its members or
 * elements read so far. */
typedef struct {
    int      value;     /* its kq1_json_value_t */
    uint8_t  close;     /* '}' or ']' */
    int      last;      /* -1 before the first */
} container_t;

/* The text of a string without its quotes. */
static kq1_span_t
inside_quotes(kq1_span_t string)
{
    kq1_span_t inside = { string.offset + 1, string.length >= 2 ? string.length - 2 : 0 };

    return inside;
}

bool
kq1_json_doc_read(kq1_json_doc_t *doc, const uint8_t *data, gsize len, unsigned max_depth, gsize *end)
{
    enum { VALUE, AFTER_OPEN, AFTER_VALUE, ITEM, DONE } state = VALUE;
    /* On the stack: a heap block this size costs malloc more than a small
     * payload costs to read. */
    container_t stack[KQ1_JSON_DOC_MAX_DEPTH + 1];
    unsigned depth = 0;
    gsize i = kq1_json_skip_space(data, 0, len);
    /* The value about to be read: its name and where its member starts,
     * when it is a member. */
    const char *member_name = NULL;
    bool plain = true;
    gsize member_start = 0;

    max_depth = MIN(max_depth, KQ1_JSON_DOC_MAX_DEPTH);
    if (doc->values == NULL) {
        doc->values = g_array_new(false, false, sizeof(kq1_json_value_t));
        doc->text = g_string_chunk_new(64);
        doc->scratch = g_string_new(NULL);
    } else {
        g_array_set_size(doc->values, 0);
        g_string_chunk_clear(doc->text);
    }
    doc->whole = false;
    doc->bad_escape = G_MAXSIZE;
    while (state != DONE) {
        container_t *top = depth > 0 ? &stack[depth - 1] : NULL;
        kq1_json_value_t value = { KQ1_JSON_OTHER, 0, { i, 0 }, { 0, 0 }, member_name, -1, -1, NULL };
        kq1_json_value_t *v;
        int added;

        switch (state) {
        case VALUE:
            if (i >= len) {
                state = DONE;
                break;
            }
            if (member_name != NULL)
                value.member.offset = member_start;
            added = (int)doc->values->len;
            g_array_append_val(doc->values, value);
            if (top != NULL) {
                if (top->last < 0)
                    g_array_index(doc->values, kq1_json_value_t, top->value).first = added;
                else
                    g_array_index(doc->values, kq1_json_value_t, top->last).next = added;
                top->last = added;
            }
            v = &g_array_index(doc->values, kq1_json_value_t, added);
            if (data[i] == '{' || data[i] == '[') {
                v->type = data[i] == '{' ? KQ1_JSON_OBJECT : KQ1_JSON_ARRAY;
                if (depth + 1 > max_depth) {
                    state = DONE;
                    break;
                }
                stack[depth].value = added;
                stack[depth].close = data[i] == '{' ? '}' : ']';
                stack[depth].last = -1;
                depth++;
                i++;
                state = AFTER_OPEN;
                break;
            }
            if (data[i] == '"') {
                v->type = KQ1_JSON_STRING;
                i = read_string(data, i, len, &v->flags, &plain);
                if ((v->flags & KQ1_JSON_BAD_ESCAPE) && doc->bad_escape == G_MAXSIZE)
                    doc->bad_escape = v->value.offset;
            } else {
                i = skip_scalar(data, i, len);
                v->type = scalar_type(data, v->value.offset, i);
                plain = plain && v->type != KQ1_JSON_OTHER;
            }
            v->value.length = i - v->value.offset;
            if (v->name != NULL)
                v->member.length = i - v->member.offset;
            /* Not read cleanly: bracket counting reads it otherwise. */
            state = v->type == KQ1_JSON_OTHER && scalar_has_structure(data, v->value) ? DONE : AFTER_VALUE;
            break;
        case AFTER_OPEN:
        case AFTER_VALUE:
            if (top == NULL) {
                state = DONE;
                break;
            }
            i = kq1_json_skip_space(data, i, len);
            if (i >= len) {
                state = DONE;
            } else if (data[i] == top->close) {
                /* The container ends here. */
                v = &g_array_index(doc->values, kq1_json_value_t, top->value);
                v->value.length = i + 1 - v->value.offset;
                if (v->name != NULL)
                    v->member.length = i + 1 - v->member.offset;
                depth--;
                i++;
                state = AFTER_VALUE;
                if (depth == 0) {
                    doc->whole = true;
                    *end = i;
                }
            } else if (state == AFTER_VALUE && data[i] == ',') {
                i++;
                state = ITEM;
            } else {
                state = state == AFTER_OPEN ? ITEM : DONE;
            }
            break;
        case ITEM:
            /* The next member or element of top. */
            i = kq1_json_skip_space(data, i, len);
            if (top->close == ']') {
                member_name = NULL;
            } else {
                kq1_span_t name;
                gsize name_end;
                uint8_t flags;

                if (i >= len || data[i] != '"') {
                    state = DONE;
                    break;
                }
                name_end = read_string(data, i, len, &flags, &plain);
                if ((flags & KQ1_JSON_BAD_ESCAPE) && doc->bad_escape == G_MAXSIZE)
                    doc->bad_escape = i;
                if (name_end >= len || data[name_end - 1] != '"') {
                    state = DONE;
                    break;
                }
                name.offset = i;
                name.length = name_end - i;
                if ((flags & KQ1_JSON_ESCAPED) == 0) {
                    member_name = g_string_chunk_insert_len(doc->text, (const char *)data + i + 1,
                                                            (gssize)name.length - 2);
                } else {
                    unescape(data, inside_quotes(name), doc->scratch);
                    member_name = g_string_chunk_insert_len(doc->text, doc->scratch->str,
                                                            (gssize)doc->scratch->len);
                }
                member_start = i;
                i = kq1_json_skip_space(data, name_end, len);
                if (i >= len || data[i] != ':') {
                    state = DONE;
                    break;
                }
                i = kq1_json_skip_space(data, i + 1, len);
            }
            state = VALUE;
            break;
        case DONE:
            break;
        }
    }
    doc->plain = doc->whole && plain;
    return doc->whole;
}

bool
kq1_json_doc_plain(const kq1_json_doc_t *doc)
{
    return doc->values != NULL && doc->plain;
}

const kq1_json_value_t *
kq1_json_doc_value(const kq1_json_doc_t *doc, int position)
{
    if (doc->values == NULL || position < 0 || (guint)position >= doc->values->len)
        return NULL;
    return &g_array_index(doc->values, kq1_json_value_t, position);
}

const char *
kq1_json_doc_string(kq1_json_doc_t *doc, const uint8_t *data, int position)
{
    kq1_json_value_t *v;
    kq1_span_t inside;

    if (doc->values == NULL || position < 0 || (guint)position >= doc->values->len)
        return NULL;
    v = &g_array_index(doc->values, kq1_json_value_t, position);
    if (v->type != KQ1_JSON_STRING)
        return NULL;
    if (v->string != NULL)
        return v->string;
    inside = inside_quotes(v->value);
    if ((v->flags & KQ1_JSON_ESCAPED) == 0) {
        v->string = g_string_chunk_insert_len(doc->text, (const char *)data + inside.offset, (gssize)inside.length);
    } else {
        unescape(data, inside, doc->scratch);
        v->string = g_string_chunk_insert_len(doc->text, doc->scratch->str, (gssize)doc->scratch->len);
    }
    return v->string;
}

bool
kq1_json_integer(const uint8_t *data, kq1_span_t token, int64_t *value)
{
    /* int64 has at most 19 digits and a sign. */
    char text[24];

    if (token.length == 0 || token.length > 20)
        return false;
    memcpy(text, data + token.offset, token.length);
    text[token.length] = '\0';
    return g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, value, NULL);
}

void
kq1_json_doc_clear(kq1_json_doc_t *doc)
{
    if (doc->values != NULL)
        g_array_free(doc->values, true);
    if (doc->text != NULL)
        g_string_chunk_free(doc->text);
    if (doc->scratch != NULL)
        g_string_free(doc->scratch, true);
    doc->values = NULL;
    doc->text = NULL;
    doc->scratch = NULL;
}

/* --- json-glib ----------------------------------------------------------- */

/* One parser serves every call: making one costs more than most payloads
 * take to parse. Dissection runs in one thread. Not an immutable parser:
 * json-glib 1.10 (Debian 13) aborts in json_parser_steal_root when such a
 * parser accepts a scalar followed by more text ("x" {}). */
static JsonParser *parser;

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
    return g_strdup_printf("line %" PRIu64 ", column %" PRIu64 ": %s", line, column, end);
}

static bool
parse(const uint8_t *data, gsize len, GError **error)
{
    if (parser == NULL)
        parser = json_parser_new();
    return json_parser_load_from_data(parser, (const char *)data, (gssize)len, error);
}

bool
kq1_json_glib_accepts(const uint8_t *data, gsize len, char **why)
{
    GError *error = NULL;

    if (parse(data, len, why != NULL ? &error : NULL) && json_parser_get_root(parser) != NULL)
        return true;
    if (why != NULL)
        *why = error != NULL ? describe_parse_error(error) : g_strdup("no JSON value");
    g_clear_error(&error);
    return false;
}

char *
kq1_json_compact(const uint8_t *data, kq1_span_t value)
{
    JsonNode *root;

    if (value.length == 0 || !parse(data + value.offset, value.length, NULL)
        || (root = json_parser_get_root(parser)) == NULL)
        return NULL;
    return json_to_string(root, false);
}

void
kq1_json_shutdown(void)
{
    g_clear_object(&parser);
}
