/* kq1-json-scan.c
 * Byte positions in JSON text, found by scanning rather than parsing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kq1-json-scan.h"

static gboolean
is_space(guint8 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static gsize
skip_space(const guint8 *data, gsize i, gsize end)
{
    while (i < end && is_space(data[i]))
        i++;
    return i;
}

/* data[i] is '"': the index just past the closing quote, or end. */
static gsize
skip_string(const guint8 *data, gsize i, gsize end)
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
skip_value(const guint8 *data, gsize i, gsize end)
{
    guint depth = 0;

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
        guint8 c = data[i];

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
kq1_json_extent(const guint8 *data, gsize len, guint max_depth, gsize *end)
{
    gsize i = skip_space(data, 0, len);
    guint depth = 0;

    if (i == len) {
        *end = len;
        return KQ1_EXTENT_EMPTY;
    }
    if (data[i] != '{' && data[i] != '[') {
        *end = len;     /* a scalar or not JSON at all: the parser will say */
        return KQ1_EXTENT_FOUND;
    }
    while (i < len) {
        guint8 c = data[i];

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
kq1_json_members(const guint8 *data, gsize len, kq1_span_t value)
{
    GArray *members = g_array_new(FALSE, FALSE, sizeof(kq1_json_member_t));
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
kq1_json_elements(const guint8 *data, gsize len, kq1_span_t value)
{
    GArray *elements = g_array_new(FALSE, FALSE, sizeof(kq1_span_t));
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

gboolean
kq1_span_equals(const guint8 *data, kq1_span_t span, const char *text)
{
    gsize i;

    for (i = 0; i < span.length; i++) {
        if (text[i] == '\0' || data[span.offset + i] != (guint8)text[i])
            return FALSE;
    }
    return text[i] == '\0';
}
