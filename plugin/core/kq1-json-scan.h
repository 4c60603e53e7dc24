/* kq1-json-scan.h
 * Where things are in JSON text: the whole text read once into a document
 * of its values and their bytes (which also tells where the top-level value
 * ends, and whether it nests too deep to parse), then tied to json-glib's
 * values, so that each Kq-1 field can highlight its own bytes. For text
 * that does not read cleanly, where the top-level value ends by bracket
 * counting alone. Iterative, so no input can make it recurse; GLib and
 * json-glib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_JSON_SCAN_H
#define KQ1_JSON_SCAN_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct {
    gsize offset;
    gsize length;
} kq1_span_t;

typedef enum {
    KQ1_EXTENT_EMPTY,      /* nothing but whitespace */
    KQ1_EXTENT_FOUND,      /* *end is where the JSON text ends (or len, if it never closes) */
    KQ1_EXTENT_TOO_DEEP    /* *end is the byte that opens one level too many */
} kq1_extent_t;

/* The index of the first byte at or after i in data[0..end) that is not
 * JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
gsize kq1_json_skip_space(const uint8_t *data, gsize i, gsize end);

/* Where the top-level value in data[0..len) ends; brackets inside strings do
 * not count. A scalar or non-JSON text is taken to run to len. */
kq1_extent_t kq1_json_extent(const uint8_t *data, gsize len, unsigned max_depth, gsize *end);

/* One value of a JSON text: json-glib's reading of it and the bytes it
 * came from. */
typedef struct {
    JsonNode   *node;     /* json-glib's value (strings unescaped); NULL if not found */
    kq1_span_t  value;    /* its bytes */
    kq1_span_t  member;   /* "name": value, for a member of an object; {0, 0} otherwise */
    const char *name;     /* the member's name, unescaped; NULL for an element or the root */
    int         first;    /* index of its first member or element, -1 for none */
    int         next;     /* index of the next member or element beside it, -1 for none */
} kq1_json_value_t;

/* A JSON text read once: every value, with its bytes, in document order
 * (index 0 is the text's top-level value). */
typedef struct {
    GArray       *values;   /* kq1_json_value_t */
    GStringChunk *names;    /* the unescaped member names */
    bool          plain;    /* read whole, and plain: see kq1_json_doc_plain */
} kq1_json_doc_t;

/* The deepest nesting kq1_json_doc_read follows. */
#define KQ1_JSON_DOC_MAX_DEPTH 64

/* Reads data[0..len) once into doc (zeroed, or a document read before,
 * whose storage is reused): every value with its bytes and, for a member,
 * its name unescaped; no node yet. Reading stops where the text is not JSON
 * or nests deeper than max_depth (at most KQ1_JSON_DOC_MAX_DEPTH), within
 * data[0..len). true when the text starts with an object or array that was
 * read to its end, nested no deeper than max_depth: *end is then the byte
 * just past it. */
bool kq1_json_doc_read(kq1_json_doc_t *doc, const uint8_t *data, gsize len, unsigned max_depth, gsize *end);

/* Ties each value of doc to json-glib's node for it, root being json-glib's
 * reading of the text doc was read from; the bytes are not read again. */
void kq1_json_doc_tie(kq1_json_doc_t *doc, JsonNode *root);
/* true when doc was read whole (kq1_json_doc_read) and holds only tokens
 * as RFC 8259 writes them (strings with its escapes, none a surrogate, and
 * no control characters; numbers, true, false, null) and the text is
 * UTF-8: text that json-glib reads without fail, and whose strings without
 * a backslash are their own value. Found as the text is read. */
bool kq1_json_doc_plain(const kq1_json_doc_t *doc);

/* The string value at string (its quotes included) unescaped into out:
 * for text kq1_json_doc_plain accepts, what json-glib makes of it. */
void kq1_json_unescape_string(const uint8_t *data, kq1_span_t string, GString *out);

void kq1_json_doc_clear(kq1_json_doc_t *doc);

/* The value at position (a value's first or next), or NULL for -1. */
const kq1_json_value_t *kq1_json_doc_value(const kq1_json_doc_t *doc, int position);

#endif /* KQ1_JSON_SCAN_H */
