/* kq1-catalog.h
 * The Kq-1 messages and parameters of ITU-T Q.4162 (Tables 1-4 and I.1) as data.
 *
 * Everything the dissector and the payload checker know about the
 * Recommendation lives in kq1-catalog.c; this header needs only GLib so the
 * catalogue can be unit-tested without Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_CATALOG_H
#define KQ1_CATALOG_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* Appendix I header: Version(2) MessageID(4) CommandCode(2) Length(2). */
#define KQ1_HEADER_LEN 10

/* Table I.1 */
#define KQ1_KEY_SUPPLY                0x3101
#define KQ1_KEY_SUPPLY_RESPONSE       0x1302
#define KQ1_KEY_REQUEST               0x1303
#define KQ1_KEY_REQUEST_RESPONSE      0x3104

#define KQ1_KEY_SUPPLY_NAME           "Key supply"
#define KQ1_KEY_SUPPLY_RESPONSE_NAME  "Response to key supply"
#define KQ1_KEY_REQUEST_NAME          "Key request"
#define KQ1_KEY_REQUEST_RESPONSE_NAME "Response to key request"

/* Table I.1 as a list, X(code, name) per message in code order, for the
 * tables that must be constant at compile time (the dissector's
 * value_strings); the catalogue's own table uses the same names. */
#define KQ1_TABLE_I1(X) \
    X(KQ1_KEY_SUPPLY_RESPONSE,  KQ1_KEY_SUPPLY_RESPONSE_NAME) \
    X(KQ1_KEY_REQUEST,          KQ1_KEY_REQUEST_NAME) \
    X(KQ1_KEY_SUPPLY,           KQ1_KEY_SUPPLY_NAME) \
    X(KQ1_KEY_REQUEST_RESPONSE, KQ1_KEY_REQUEST_RESPONSE_NAME)

/* High byte of a CommandCode: who sends the message (Appendix I). */
#define KQ1_DIR_KM_TO_QKD 0x13
#define KQ1_DIR_QKD_TO_KM 0x31

typedef enum {
    KQ1_TYPE_STRING,
    KQ1_TYPE_INTEGER,
    KQ1_TYPE_OBJECT,
    KQ1_TYPE_ARRAY_OF_OBJECTS
} kq1_type_t;

typedef enum {
    KQ1_PARAM_KEY,
    KQ1_PARAM_KEY_ID,
    KQ1_PARAM_QKD_MODULE_ID,
    KQ1_PARAM_MATCHING_QKD_MODULE_ID,
    KQ1_PARAM_KEY_LENGTH,
    KQ1_PARAM_GENERATION_TIMESTAMP,
    KQ1_PARAM_HASH_VALUE,
    KQ1_PARAM_RESPONSE,
    KQ1_PARAM_NUMBER_OF_KEYS,
    KQ1_PARAM_SIZE_OF_KEY,
    KQ1_PARAM_KEYS,
    KQ1_PARAM_KEY_EXTENSION,
    KQ1_PARAM_EXTENSION,
    /* ETSI GS QKD 014's own members (Appendix II maps none to Kq-1): the
     * Status a KME gives, and the Error of a refusal. */
    KQ1_PARAM_SOURCE_KME_ID,
    KQ1_PARAM_TARGET_KME_ID,
    KQ1_PARAM_MASTER_SAE_ID,
    KQ1_PARAM_SLAVE_SAE_ID,
    KQ1_PARAM_KEY_SIZE,
    KQ1_PARAM_STORED_KEY_COUNT,
    KQ1_PARAM_MAX_KEY_COUNT,
    KQ1_PARAM_MAX_KEY_PER_REQUEST,
    KQ1_PARAM_MAX_KEY_SIZE,
    KQ1_PARAM_MIN_KEY_SIZE,
    KQ1_PARAM_MAX_SAE_ID_COUNT,
    KQ1_PARAM_STATUS_EXTENSION,
    KQ1_PARAM_ERROR_MESSAGE,
    KQ1_PARAM_ERROR_DETAILS,
    KQ1_PARAM_COUNT          /* not a parameter: the number of them */
} kq1_param_t;

/* The first of ETSI GS QKD 014's own members; the ones before are Kq-1's. */
#define KQ1_PARAM_FIRST_QKD014 KQ1_PARAM_SOURCE_KME_ID

#define KQ1_MAX_ALIASES 3

typedef struct {
    const char *name;                       /* as the Recommendation (or ETSI GS QKD 014) names it */
    const char *member;                     /* default JSON member name */
    const char *aliases[KQ1_MAX_ALIASES];   /* other accepted member names, NULL-padded */
    kq1_type_t  type;
    int64_t     minimum;                    /* the least an integer may be: 1 for counts and sizes, 0 for what may be none */
} kq1_param_info_t;

typedef struct {
    kq1_param_t  param;
    bool         mandatory;
    /* The one member name this message uses for it, or NULL for the
     * parameter's default member and aliases (Appendix II names its own). */
    const char  *member;
    /* An object is accepted too (ETSI GS QKD 014's key_container_extension
     * is an object where Table II.2 writes "Array of objects"). */
    bool         object_too;
} kq1_param_use_t;

/* No message has more parameter rows than this (ETSI GS QKD 014's Status has 12). */
#define KQ1_MAX_USES 12

typedef struct {
    uint16_t               code;
    const char            *name;
    const char            *table;           /* where Q.4162 lists its parameters */
    const kq1_param_use_t *params;          /* top-level members of the payload */
    unsigned               n_params;
    /* Members of each element of the Keys array (Table 4); none elsewhere. */
    const kq1_param_use_t *element_params;
    unsigned               n_element_params;
} kq1_message_info_t;

/* Appendix II: the messages of ETSI GS QKD 014 that Kq-1 maps to, which
 * have no CommandCode (their code is 0). */
typedef enum {
    KQ1_QKD014_GET_KEY,              /* Key request: POST body of enc_keys (Table II.1) */
    KQ1_QKD014_KEY_CONTAINER,        /* Response to key request: the key container (Table II.2) */
    KQ1_QKD014_GET_KEY_WITH_IDS,     /* POST body of dec_keys: keys asked for by Key ID */
    KQ1_QKD014_STATUS,               /* the answer to Get status */
    KQ1_QKD014_ERROR                 /* the body of a refusal (a status code other than 2xx) */
} kq1_qkd014_message_t;

const kq1_message_info_t *kq1_qkd014_message(kq1_qkd014_message_t which);

/* The messages of Table I.1, in code order; n_messages receives their number. */
const kq1_message_info_t *kq1_messages(unsigned *n_messages);

/* The message with this CommandCode, or NULL when Table I.1 has none. */
const kq1_message_info_t *kq1_message_lookup(uint16_t code);

const kq1_param_info_t *kq1_param_info(kq1_param_t param);

/* "KM -> QKD module" / "QKD module -> KM" for a valid direction byte, else NULL. */
const char *kq1_direction_name(uint8_t direction);

/* "a string", "an integer", ...: the type as a sentence names it. */
const char *kq1_type_name(kq1_type_t type);

/* true when a JSON member name spells this parameter: its default member or an
 * alias, ignoring ASCII case and the separators '_', '-' and ' '. */
bool kq1_member_matches(kq1_param_t param, const char *member);

/* Compares two member names the tolerant way described above. */
bool kq1_member_names_equal(const char *a, const char *b);

/* A member name a user adds for one parameter (the "Kq-1 JSON member names"
 * table), for one message or (code 0) for all. */
typedef struct {
    uint16_t     code;
    kq1_param_t  param;
    const char  *member;
} kq1_alias_t;

/* The parameter a name stands for: the Recommendation's name ("Key ID") or
 * the default member ("key_ID"), compared the tolerant way. */
bool kq1_param_by_name(const char *name, kq1_param_t *param);

/* The CommandCode a name stands for: a message name ("Key supply") or a code
 * ("0x3101"); "", "*" and "any" stand for every message (code 0). */
bool kq1_message_by_name(const char *name, uint16_t *code);

#endif /* KQ1_CATALOG_H */
