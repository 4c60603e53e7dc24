/* kq1-json-scan.c
 * Byte positions in JSON text, found by scanning: where the text ends, and
 * (once json-glib has parsed it) where each of its values is.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-json-scan.h"

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

/* data[i] is '"': the index just past the closing quote, or end. */
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

static gsize
digits(const uint8_t *data, gsize i, gsize end)
{
    while (i < end && g_ascii_isdigit(data[i]))
        i++;
    return i;
}

/* data[i..end) is a number, true, false or null as RFC 8259 writes them. */
static bool
plain_scalar(const uint8_t *data, gsize i, gsize end)
{
    gsize n = end - i, after;

    if (n == 4 && (memcmp(data + i, "true", 4) == 0 || memcmp(data + i, "null", 4) == 0))
        return true;
    if (n == 5 && memcmp(data + i, "false", 5) == 0)
        return true;
    if (i < end && data[i] == '-')
        i++;
    if (i >= end)
        return false;
    if (data[i] == '0')
        i++;
    else if ((after = digits(data, i, end)) > i)
        i = after;
    else
        return false;
    if (i < end && data[i] == '.') {
        if ((after = digits(data, i + 1, end)) == i + 1)
            return false;
        i = after;
    }
    if (i < end && (data[i] == 'e' || data[i] == 'E')) {
        i++;
        if (i < end && (data[i] == '+' || data[i] == '-'))
            i++;
        if ((after = digits(data, i, end)) == i)
            return false;
        i = after;
    }
    return i == end;
}

/* data[i] is '"': as skip_string, and *plain false unless the string is
 * written as RFC 8259 writes one: no control character, only the escapes
 * it names and none of them a surrogate (json-glib refuses one alone; the
 * document does not pair them), and UTF-8. Read once: only a string with
 * bytes past ASCII is looked at again, for UTF-8. */
static gsize
read_string(const uint8_t *data, gsize i, gsize end, bool *plain)
{
    gsize start = i + 1;
    bool past_ascii = false;

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
            if (++i >= end)
                break;
            if (data[i] == 'u') {
                /* Four hex digits (none is a quote: the string goes on over
                 * them), not a surrogate's. */
                if (i + 4 >= end || !g_ascii_isxdigit(data[i + 1]) || !g_ascii_isxdigit(data[i + 2])
                    || !g_ascii_isxdigit(data[i + 3]) || !g_ascii_isxdigit(data[i + 4])
                    || (g_ascii_tolower(data[i + 1]) == 'd' && g_ascii_xdigit_value(data[i + 2]) >= 8))
                    *plain = false;
            } else if (strchr("\"\\/bfnrt", data[i]) == NULL || data[i] == '\0') {
                *plain = false;
            }
        }
    }
    *plain = false;     /* never closed */
    return end;
}

/* The index just past the value that starts at data[i]. */
static gsize
skip_value(const uint8_t *data, gsize i, gsize end)
{
    unsigned depth = 0;

    if (i >= end)
        return end;
    if (data[i] == '"')
        return skip_string(data, i, end);
    if (data[i] != '{' && data[i] != '[') {
        /* number, true, false, null */
        while (i < end && !is_space(data[i]) && data[i] != ',' && data[i] != '}' && data[i] != ']')
            i++;
        return i;
    }
    while (i < end) {
        uint8_t c = data[i];

        if (c == '"') {
            i = skip_string(data, i, end);
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
        i++;
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

/* The text between the quotes of span, unescaped as JSON defines, into
 * out. An escape that is no character (a lone surrogate) gives
 * U+FFFD, which no member name json-glib read will match. */
static void
unescape_name(const uint8_t *data, kq1_span_t span, GString *out)
{
    gsize end = span.offset + span.length;

    g_string_truncate(out, 0);
    for (gsize i = span.offset; i < end; i++) {
        gunichar c, low;

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
            if (i + 4 >= end || !g_ascii_isxdigit(data[i + 1]) || !g_ascii_isxdigit(data[i + 2])
                || !g_ascii_isxdigit(data[i + 3]) || !g_ascii_isxdigit(data[i + 4])) {
                g_string_append_unichar(out, 0xfffd);
                break;
            }
            c = (gunichar)(g_ascii_xdigit_value(data[i + 1]) << 12 | g_ascii_xdigit_value(data[i + 2]) << 8
                           | g_ascii_xdigit_value(data[i + 3]) << 4 | g_ascii_xdigit_value(data[i + 4]));
            i += 4;
            if (c >= 0xd800 && c < 0xdc00 && i + 6 < end && data[i + 1] == '\\' && data[i + 2] == 'u'
                && g_ascii_isxdigit(data[i + 3]) && g_ascii_isxdigit(data[i + 4])
                && g_ascii_isxdigit(data[i + 5]) && g_ascii_isxdigit(data[i + 6])) {
                low = (gunichar)(g_ascii_xdigit_value(data[i + 3]) << 12 | g_ascii_xdigit_value(data[i + 4]) << 8
                                 | g_ascii_xdigit_value(data[i + 5]) << 4 | g_ascii_xdigit_value(data[i + 6]));
                if (low >= 0xdc00 && low < 0xe000) {
                    c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                    i += 6;
                }
            }
            g_string_append_unichar(out, c >= 0xd800 && c < 0xe000 ? 0xfffd : c);
            break;
        default:    /* \" \\ \/ */
            g_string_append_c(out, (char)data[i]);
            break;
        }
    }
}

void
kq1_json_unescape_string(const uint8_t *data, kq1_span_t string, GString *out)
{
    kq1_span_t inside = { string.offset + 1, string.length >= 2 ? string.length - 2 : 0 };

    if (memchr(data + inside.offset, '\\', inside.length) == NULL) {
        g_string_truncate(out, 0);
        g_string_append_len(out, (const char *)data + inside.offset, (gssize)inside.length);
        return;
    }
    unescape_name(data, inside, out);
}

static bool
scalar_has_structure(const uint8_t *data, kq1_span_t token)
{
    for (gsize i = token.offset; i < token.offset + token.length; i++) {
        if (data[i] == '[' || data[i] == '{' || data[i] == '"')
            return true;
    }
    return false;
}

/* An object or array being read: its value and what has been read of it. */
typedef struct {
    int       value;    /* its kq1_json_value_t */
    uint8_t   close;    /* '}' or ']' */
    unsigned  n;        /* members or elements read so far */
    int       last;     /* the last of them, -1 before the first */
} container_t;

bool
kq1_json_doc_read(kq1_json_doc_t *doc, const uint8_t *data, gsize len, unsigned max_depth, gsize *end)
{
    enum { VALUE, AFTER_OPEN, AFTER_VALUE, ITEM, DONE } state = VALUE;
    /* On the stack: a heap block this size costs malloc more than a small
     * payload costs to read. */
    container_t stack[KQ1_JSON_DOC_MAX_DEPTH + 1];
    unsigned depth = 0;
    GString *name = g_string_new(NULL);
    gsize i = kq1_json_skip_space(data, 0, len);
    /* What the value about to be read is: its name and where its member
     * starts when it is a member. */
    const char *member_name = NULL;
    bool complete = false, plain = true;
    gsize member_start = 0;

    max_depth = MIN(max_depth, KQ1_JSON_DOC_MAX_DEPTH);
    if (doc->values == NULL) {
        doc->values = g_array_new(false, false, sizeof(kq1_json_value_t));
        doc->names = g_string_chunk_new(64);
    } else {
        g_array_set_size(doc->values, 0);
        g_string_chunk_clear(doc->names);
    }
    while (state != DONE) {
        container_t *top = depth > 0 ? &stack[depth - 1] : NULL;
        kq1_json_value_t value = { NULL, { i, 0 }, { 0, 0 }, member_name, -1, -1 };
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
                if (depth + 1 > max_depth) {
                    state = DONE;
                    break;
                }
                stack[depth].value = added;
                stack[depth].close = data[i] == '{' ? '}' : ']';
                stack[depth].n = 0;
                stack[depth].last = -1;
                depth++;
                i++;
                state = AFTER_OPEN;
            } else {
                if (data[i] == '"') {
                    i = read_string(data, i, len, &plain);
                } else {
                    i = skip_value(data, i, len);
                    plain = plain && plain_scalar(data, v->value.offset, i);
                }
                v->value.length = i - v->value.offset;
                if (v->name != NULL)
                    v->member.length = i - v->member.offset;
                state = AFTER_VALUE;
                /* A bracket or quote inside a number or word (json-glib
                 * skips comments such as /[/) is read otherwise by bracket
                 * counting: such text is not read cleanly. */
                if (data[v->value.offset] != '"' && scalar_has_structure(data, v->value))
                    state = DONE;
            }
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
                    /* The top-level object or array is read whole. */
                    complete = true;
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
            v = &g_array_index(doc->values, kq1_json_value_t, top->value);
            if (top->close == ']') {
                member_name = NULL;
            } else {
                kq1_span_t name_span;
                gsize name_end;

                if (i >= len || data[i] != '"') {
                    state = DONE;
                    break;
                }
                name_end = read_string(data, i, len, &plain);
                if (name_end >= len || data[name_end - 1] != '"') {
                    state = DONE;
                    break;
                }
                name_span.offset = i + 1;
                name_span.length = name_end - i - 2;
                if (memchr(data + name_span.offset, '\\', name_span.length) == NULL) {
                    member_name = g_string_chunk_insert_len(doc->names, (const char *)data + name_span.offset,
                                                            (gssize)name_span.length);
                } else {
                    unescape_name(data, name_span, name);
                    member_name = g_string_chunk_insert_len(doc->names, name->str, (gssize)name->len);
                }
                member_start = i;
                i = kq1_json_skip_space(data, name_end, len);
                if (i >= len || data[i] != ':') {
                    state = DONE;
                    break;
                }
                i = kq1_json_skip_space(data, i + 1, len);
            }
            top->n++;
            state = VALUE;
            break;
        case DONE:
            break;
        }
    }
    g_string_free(name, true);
    doc->plain = complete && plain;
    return complete;
}

void
kq1_json_doc_tie(kq1_json_doc_t *doc, JsonNode *root)
{
    kq1_json_value_t *values = (kq1_json_value_t *)(void *)doc->values->data;

    if (doc->values->len == 0)
        return;
    values[0].node = root;
    /* Document order: each value comes after its container, so its node is
     * known by the time its members and elements are reached. */
    for (guint v = 0; v < doc->values->len; v++) {
        JsonNode *node = values[v].node;
        JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
        JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
        guint n = 0;

        for (int c = values[v].first; c >= 0; c = values[c].next, n++) {
            if (values[c].name != NULL)
                values[c].node = object != NULL ? json_object_get_member(object, values[c].name) : NULL;
            else
                values[c].node = array != NULL && n < json_array_get_length(array)
                                 ? json_array_get_element(array, n) : NULL;
        }
    }
}

bool
kq1_json_doc_plain(const kq1_json_doc_t *doc)
{
    return doc->values != NULL && doc->plain;
}

void
kq1_json_doc_clear(kq1_json_doc_t *doc)
{
    if (doc->values != NULL)
        g_array_free(doc->values, true);
    if (doc->names != NULL)
        g_string_chunk_free(doc->names);
    doc->values = NULL;
    doc->names = NULL;
}

const kq1_json_value_t *
kq1_json_doc_value(const kq1_json_doc_t *doc, int position)
{
    if (doc->values == NULL || position < 0 || (guint)position >= doc->values->len)
        return NULL;
    return &g_array_index(doc->values, kq1_json_value_t, position);
}
