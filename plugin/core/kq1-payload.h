/* kq1-payload.h
 * The Kq-1 payload checker: reads the JSON payload of one message once into
 * a document of its values (kq1-json-doc.h) and turns it into the values of
 * its parameters plus findings (what is wrong with it), judged against the
 * catalogue. Needs only GLib and json-glib, so it is unit-tested without
 * Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_PAYLOAD_H
#define KQ1_PAYLOAD_H

#include <glib.h>

#include "kq1-catalog.h"
#include "kq1-json-doc.h"
#include "kq1-keycheck.h"

/* json-glib 1.6 recurses once per nesting level and overflows the stack near
 * 100,000 levels; Kq-1 payloads need four. Deeper text is refused unparsed. */
#define KQ1_MAX_JSON_DEPTH 64

typedef enum {
    KQ1_FINDING_MISSING_MANDATORY,
    KQ1_FINDING_WRONG_TYPE,
    KQ1_FINDING_DUPLICATE_MEMBER,
    KQ1_FINDING_BAD_JSON,
    KQ1_FINDING_LENGTH_MISMATCH,
    KQ1_FINDING_KEY_ENCODING,           /* Key is neither base64 nor hex */
    KQ1_FINDING_KEY_LENGTH_MISMATCH,    /* Key length disagrees with the key in the unit assumed */
    KQ1_FINDING_KEY_LENGTH_IN_BYTES,    /* Key length gives the other unit than assumed */
    KQ1_FINDING_HASH_MISMATCH,          /* under the algorithm and input the user fixed */
    KQ1_FINDING_HASH_NOT_MATCHED,       /* under none of the readings assumed */
    KQ1_FINDING_HASH_UNKNOWN,           /* Hash value of no known digest length */
    KQ1_FINDING_OUT_OF_RANGE,           /* an integer parameter below 1 or too large */
    KQ1_FINDING_BAD_STRING,             /* a string with \u0000 or a lone surrogate */
    KQ1_FINDING_WEAK_KEY,               /* a key of one byte, or of a pattern of at most 4, repeated */
    KQ1_FINDING_TOO_MANY                /* findings past KQ1_MAX_FINDINGS, counted only */
} kq1_finding_kind_t;

/* A hostile payload (10,000 empty key files) must not make 20,000 expert
 * infos: past this many findings, one more says how many were left out. */
#define KQ1_MAX_FINDINGS 32

/* Integer parameters (counts and sizes in bits) above this are out of range. */
#define KQ1_MAX_INTEGER G_MAXINT32

typedef struct {
    kq1_finding_kind_t kind;
    kq1_param_t        param;    /* KQ1_PARAM_COUNT when about the payload as a whole */
    int                element;  /* index within Keys, or -1 outside Keys */
    char              *text;     /* one sentence for the user */
} kq1_finding_t;

/* The members found for the parameters of one JSON object (the payload, or
 * one element of Keys), indexed by kq1_param_t. Spans are payload offsets;
 * a length of 0 means the position is not known. */
typedef struct {
    bool        present[KQ1_PARAM_COUNT];   /* given, of the right type and usable */
    kq1_span_t  span[KQ1_PARAM_COUNT];      /* the member, "name": value */
    kq1_span_t  value[KQ1_PARAM_COUNT];     /* its value alone */
    const char *string[KQ1_PARAM_COUNT];    /* a string parameter's value, unescaped (the payload's) */
    int64_t     integer[KQ1_PARAM_COUNT];   /* an integer parameter's value */
    kq1_span_t  self;                       /* the object itself */
    bool        second_extension;           /* QKD 014's extension_optional beside extension_mandatory */
    kq1_span_t  second_extension_span;
    kq1_span_t  second_extension_value;
    kq1_key_t   key;                        /* the Key, decoded, when there is one */
    kq1_hash_status_t hash_status;          /* of the Hash value over the Key */
    const char *hash_algorithm;             /* that the Hash value was checked with, or NULL */
    bool        hash_over_text;             /* it matched the key text as sent, not the decoded key */
} kq1_params_t;

typedef struct {
    kq1_json_doc_t doc;       /* the payload's values with their bytes, read once */
    gsize         json_len;   /* payload bytes taken by the JSON text (whitespace included) */
    bool          parsed;     /* the JSON text parsed: safe to hand to a JSON dissector */
    kq1_params_t  top;        /* the payload's own members */
    GArray       *keys;       /* kq1_params_t for each element of Keys, in order */
    GArray       *findings;   /* kq1_finding_t, in the order found (none in a brief reading) */
    unsigned      findings_left_out;   /* past KQ1_MAX_FINDINGS */
} kq1_payload_t;

/* How much of a payload is read. Both readings read the same text the same
 * way and match the same members to the same values. */
typedef enum {
    KQ1_READ_FULL,     /* and every check: findings, keys decoded, hashes verified */
    KQ1_READ_BRIEF     /* the values and decoded keys only: what the Info column and the analysis use */
} kq1_reading_t;

/* The unit of Key length: Q.4162 gives none. */
typedef enum {
    KQ1_UNIT_BITS,
    KQ1_UNIT_BYTES,
    KQ1_UNIT_EITHER
} kq1_length_unit_t;

/* What a Hash value is computed over: Q.4162 does not say. */
typedef enum {
    KQ1_HASH_OVER_EITHER,      /* the decoded key or the key text, whichever matches */
    KQ1_HASH_OVER_KEY,         /* the decoded key bytes */
    KQ1_HASH_OVER_TEXT         /* the Key's text as sent */
} kq1_hash_input_t;

/* Where the Recommendation is silent, what the checker assumes (the
 * dissector's preferences); all zero is the default. */
typedef struct {
    const kq1_alias_t    *aliases;           /* member names users added, n_aliases of them */
    unsigned              n_aliases;
    kq1_length_unit_t     key_length_unit;
    kq1_hash_input_t      hash_input;
    kq1_hash_algorithm_t  hash_algorithm;
    kq1_key_encodings_t   key_encodings;
} kq1_settings_t;

/* Reads a payload of len bytes (not NUL-terminated) sent as msg; msg NULL
 * (an unknown CommandCode) reads the JSON without judging members.
 * settings NULL: the defaults. Freed with kq1_payload_free. */
kq1_payload_t *kq1_payload_read(const kq1_message_info_t *msg, const uint8_t *data, gsize len,
                                const kq1_settings_t *settings, kq1_reading_t reading);

void kq1_payload_free(kq1_payload_t *payload);

/* The string value of the payload's own member called exactly name, or
 * NULL (an ETSI GS QKD 014 Error's "message", which is no Kq-1 parameter).
 * data: the payload's bytes, as read. */
const char *kq1_payload_member_string(kq1_payload_t *payload, const uint8_t *data, const char *name);

/* Frees what kq1_payload_read keeps from one call to the next (the storage
 * of the last payload, json-glib's parser), when no more payloads will be
 * read. */
void kq1_payload_shutdown(void);

/* true when the payload holds key material: a Key, at its top or in an
 * element of Keys. */
bool kq1_payload_has_key(const kq1_payload_t *payload);

/* The string value of a parameter in params, or NULL. */
const char *kq1_params_string(const kq1_params_t *params, kq1_param_t param);

/* true and *value set when params holds this parameter as an integer. */
bool kq1_params_integer(const kq1_params_t *params, kq1_param_t param, int64_t *value);

/* How a length (Key length, Size of key) fits a key of key_bytes bytes in
 * the unit assumed: it is the key's length in that unit (either unit for
 * KQ1_UNIT_EITHER), in the other unit, or neither. */
typedef enum {
    KQ1_LENGTH_FITS,
    KQ1_LENGTH_IN_OTHER_UNIT,
    KQ1_LENGTH_DIFFERS
} kq1_length_fit_t;

kq1_length_fit_t kq1_length_fit(kq1_length_unit_t unit, int64_t length, gsize key_bytes);

/* true when a Response is one of the comma-separated words, or starts with
 * one followed by something other than a letter or digit ("200 OK",
 * "success: stored"); case is ignored. */
bool kq1_response_says(const char *response, const char *words);

#endif /* KQ1_PAYLOAD_H */
