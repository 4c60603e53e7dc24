/* kq1-json-scan.h
 * Finds where things are in JSON text, without parsing it: where the
 * top-level value ends (and whether it nests too deep to parse), and the
 * byte spans of an object's members or an array's elements, so that each
 * Kq-1 field can highlight its own bytes.  Iterative, so no input can make it
 * recurse; GLib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_JSON_SCAN_H
#define KQ1_JSON_SCAN_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef struct {
    gsize offset;
    gsize length;
} kq1_span_t;

typedef enum {
    KQ1_EXTENT_EMPTY,      /* nothing but whitespace */
    KQ1_EXTENT_FOUND,      /* *end is where the JSON text ends (or len, if it never closes) */
    KQ1_EXTENT_TOO_DEEP    /* *end is the byte that opens one level too many */
} kq1_extent_t;

/* Where the top-level value in data[0..len) ends; brackets inside strings do
 * not count. A scalar or non-JSON text is taken to run to len. */
kq1_extent_t kq1_json_extent(const uint8_t *data, gsize len, unsigned max_depth, gsize *end);

typedef struct {
    kq1_span_t name;     /* the member name between its quotes, as written (escapes not undone) */
    kq1_span_t member;   /* from the name's opening quote to the end of the value */
    kq1_span_t value;
} kq1_json_member_t;

/* The members of the object that value (a span of data) holds, in document
 * order, as kq1_json_member_t; empty if it is not an object. Meant for text
 * a JSON parser has accepted: on other text it stops early, but stays within
 * data[0..len). */
GArray *kq1_json_members(const uint8_t *data, gsize len, kq1_span_t value);

/* The spans of the elements of the array that value holds (kq1_span_t), in
 * order; empty if it is not an array. */
GArray *kq1_json_elements(const uint8_t *data, gsize len, kq1_span_t value);

/* true when the span holds exactly this text. */
bool kq1_span_equals(const uint8_t *data, kq1_span_t span, const char *text);

#endif /* KQ1_JSON_SCAN_H */
