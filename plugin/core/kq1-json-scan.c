/* kq1-json-scan.c
 * Byte positions in JSON text, found by scanning rather than parsing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kq1-json-scan.h"

static bool
is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static gsize
skip_space(const uint8_t *data, gsize i, gsize end)
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
    gsize i = skip_space(data, 0, len);
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

static gsize
span_end(gsize len, kq1_span_t span)
{
    return span.offset + span.length <= len ? span.offset + span.length : len;
}

GArray *
kq1_json_members(const uint8_t *data, gsize len, kq1_span_t value)
{
    GArray *members = g_array_new(false, false, sizeof(kq1_json_member_t));
    gsize end = span_end(len, value);
    gsize i = skip_space(data, value.offset, end);

    if (i >= end || data[i] != '{')
        return members;
    for (i++;;) {
        kq1_json_member_t member;
        gsize name_end;

        i = skip_space(data, i, end);
        if (i >= end || data[i] != '"')
            break;
        name_end = skip_string(data, i, end);
        if (name_end >= end || data[name_end - 1] != '"')
            break;
        member.name.offset = i + 1;
        member.name.length = name_end - i - 2;
        member.member.offset = i;
        i = skip_space(data, name_end, end);
        if (i >= end || data[i] != ':')
            break;
        i = skip_space(data, i + 1, end);
        member.value.offset = i;
        i = skip_value(data, i, end);
        member.value.length = i - member.value.offset;
        member.member.length = i - member.member.offset;
        g_array_append_val(members, member);
        i = skip_space(data, i, end);
        if (i >= end || data[i] != ',')
            break;
        i++;
    }
    return members;
}

GArray *
kq1_json_elements(const uint8_t *data, gsize len, kq1_span_t value)
{
    GArray *elements = g_array_new(false, false, sizeof(kq1_span_t));
    gsize end = span_end(len, value);
    gsize i = skip_space(data, value.offset, end);

    if (i >= end || data[i] != '[')
        return elements;
    for (i++;;) {
        kq1_span_t element;

        i = skip_space(data, i, end);
        if (i >= end || data[i] == ']')
            break;
        element.offset = i;
        i = skip_value(data, i, end);
        element.length = i - element.offset;
        if (element.length == 0)
            break;      /* not a value: stop rather than loop */
        g_array_append_val(elements, element);
        i = skip_space(data, i, end);
        if (i >= end || data[i] != ',')
            break;
        i++;
    }
    return elements;
}

bool
kq1_span_equals(const uint8_t *data, kq1_span_t span, const char *text)
{
    gsize i;

    for (i = 0; i < span.length; i++) {
        if (text[i] == '\0' || data[span.offset + i] != (uint8_t)text[i])
            return false;
    }
    return text[i] == '\0';
}
