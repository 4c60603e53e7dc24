/* kq1-json-doc.h
 * JSON text read once into a document: every value with its type, its
 * bytes and, for a member, its name; string and integer values read out of
 * the bytes when asked for. The payload checker judges a payload from this
 * document alone; json-glib only says whether text that is not plain
 * RFC 8259 JSON parses (and why not), and renders an object or array as
 * compact text. Iterative, so no input can make it recurse; GLib and
 * json-glib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_JSON_DOC_H
#define KQ1_JSON_DOC_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef struct {
    gsize offset;
    gsize length;
} kq1_span_t;

typedef enum {
    KQ1_JSON_OBJECT,
    KQ1_JSON_ARRAY,
    KQ1_JSON_STRING,
    KQ1_JSON_INTEGER,       /* a number without fraction or exponent */
    KQ1_JSON_FRACTION,      /* a number with a fraction or exponent */
    KQ1_JSON_BOOLEAN,
    KQ1_JSON_NULL,
    KQ1_JSON_OTHER          /* a word RFC 8259 does not have (json-glib may still read it) */
} kq1_json_type_t;

/* What reading a string found in it (kq1_json_value_t.flags). */
#define KQ1_JSON_ESCAPED        0x01    /* holds a backslash escape */
#define KQ1_JSON_NUL            0x02    /* holds \u0000, which a C string cannot */
#define KQ1_JSON_LONE_SURROGATE 0x04    /* holds an escape of one half of a surrogate pair alone */
#define KQ1_JSON_BAD_ESCAPE     0x08    /* holds a backslash RFC 8259 gives no meaning (json-glib may give one) */

/* One value of a JSON text. */
typedef struct {
    kq1_json_type_t type;
    uint8_t     flags;
    kq1_span_t  value;      /* its bytes */
    kq1_span_t  member;     /* "name": value, for a member of an object; {0, 0} otherwise */
    const char *name;       /* the member's name, unescaped; NULL for an element or the root */
    int         first;      /* index of its first member or element, -1 for none */
    int         next;       /* index of the next member or element beside it, -1 for none */
    const char *string;     /* a string's value once kq1_json_doc_string has read it */
} kq1_json_value_t;

/* A JSON text read once: every value, with its bytes, in document order
 * (index 0 is the text's top-level value). */
typedef struct {
    GArray       *values;   /* kq1_json_value_t */
    GStringChunk *text;     /* unescaped member names and string values */
    GString      *scratch;  /* where a string is unescaped */
    bool          whole;    /* the top-level object or array was read to its end */
    bool          plain;    /* see kq1_json_doc_plain */
    gsize         bad_escape;   /* where the first string with KQ1_JSON_BAD_ESCAPE starts, or G_MAXSIZE */
} kq1_json_doc_t;

/* The deepest nesting kq1_json_doc_read follows. */
#define KQ1_JSON_DOC_MAX_DEPTH 64

/* The index of the first byte at or after i in data[0..end) that is not
 * JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
gsize kq1_json_skip_space(const uint8_t *data, gsize i, gsize end);

/* Reads data[0..len) once into doc (zeroed, or a document read before,
 * whose storage is reused): every value with its type, bytes and, for a
 * member, its name. Reading stops where the text is not JSON or nests
 * deeper than max_depth (at most KQ1_JSON_DOC_MAX_DEPTH). true when the
 * text starts with an object or array that was read to its end: *end is
 * then the byte just past it. */
bool kq1_json_doc_read(kq1_json_doc_t *doc, const uint8_t *data, gsize len, unsigned max_depth, gsize *end);

/* true when doc was read whole and holds only tokens as RFC 8259 writes
 * them (strings with its escapes, none a surrogate, and no control
 * characters; numbers, true, false, null) in UTF-8: text that json-glib
 * reads without fail. Found as the text is read. */
bool kq1_json_doc_plain(const kq1_json_doc_t *doc);

/* The value at position (a value's first or next), or NULL for -1. */
const kq1_json_value_t *kq1_json_doc_value(const kq1_json_doc_t *doc, int position);

/* The string value at position, unescaped as RFC 8259 defines (an escape of
 * a lone surrogate gives U+FFFD, \u0000 ends the C string), read from data
 * (the text doc was read from) once and kept in doc. */
const char *kq1_json_doc_string(kq1_json_doc_t *doc, const uint8_t *data, int position);

/* The integer an integer token writes; false where int64 cannot hold it. */
bool kq1_json_integer(const uint8_t *data, kq1_span_t token, int64_t *value);

void kq1_json_doc_clear(kq1_json_doc_t *doc);

/* The top-level value of data[0..len): how far bracket counting finds it
 * to run, for text the document could not read whole. */
typedef enum {
    KQ1_EXTENT_EMPTY,      /* nothing but whitespace */
    KQ1_EXTENT_FOUND,      /* *end is where the JSON text ends (or len, if it never closes) */
    KQ1_EXTENT_TOO_DEEP    /* *end is the byte that opens one level too many */
} kq1_extent_t;

/* Where the top-level value in data[0..len) ends; brackets inside strings do
 * not count. A scalar or non-JSON text is taken to run to len. */
kq1_extent_t kq1_json_extent(const uint8_t *data, gsize len, unsigned max_depth, gsize *end);

/* Whether json-glib parses data[0..len) as JSON; if not and error is not
 * NULL, *error (g_free) says why, as "line L, column C: what". */
bool kq1_json_glib_accepts(const uint8_t *data, gsize len, char **error);

/* An object or array's text as json-glib writes it compactly (g_free), or
 * NULL when json-glib does not parse it. */
char *kq1_json_compact(const uint8_t *data, kq1_span_t value);

/* Frees json-glib's parser, kept from one call to the next. */
void kq1_json_shutdown(void);

#endif /* KQ1_JSON_DOC_H */
