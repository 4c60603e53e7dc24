/* kq1-catalog.c
 * ITU-T Q.4162 Tables 1-4 and I.1, with the JSON member names of docs/design.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-catalog.h"

/* Indexed by kq1_param_t.  Member names follow ETSI GS QKD 014 where
 * Appendix II maps a parameter to it, snake_case otherwise. */
static const kq1_param_info_t param_info[KQ1_PARAM_COUNT] = {
    [KQ1_PARAM_KEY]                    = { "Key", "key", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_KEY_ID]                 = { "Key ID", "key_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_QKD_MODULE_ID]          = { "QKD module ID", "qkd_module_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_MATCHING_QKD_MODULE_ID] = { "Matching QKD module ID", "matching_qkd_module_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_KEY_LENGTH]             = { "Key length", "key_length", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_GENERATION_TIMESTAMP]   = { "Generation time stamp", "generation_timestamp", { "timestamp" }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_HASH_VALUE]             = { "Hash value", "hash_value", { "hash" }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_RESPONSE]               = { "Response", "response", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_NUMBER_OF_KEYS]         = { "Number of keys", "number", { "number_of_keys" }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_SIZE_OF_KEY]            = { "Size of key", "size", { "size_of_key" }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_KEYS]                   = { "Keys", "keys", { NULL }, KQ1_TYPE_ARRAY_OF_OBJECTS, 0 },
    [KQ1_PARAM_KEY_EXTENSION]          = { "Key extension", "key_extension", { "key_ID_extension" }, KQ1_TYPE_OBJECT, 0 },
    [KQ1_PARAM_EXTENSION]              = { "Extension", "extension", { NULL }, KQ1_TYPE_ARRAY_OF_OBJECTS, 0 },
    /* ETSI GS QKD 014's Status and Error, with its own member names. */
    [KQ1_PARAM_SOURCE_KME_ID]          = { "Source KME ID", "source_KME_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_TARGET_KME_ID]          = { "Target KME ID", "target_KME_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_MASTER_SAE_ID]          = { "Master SAE ID", "master_SAE_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_SLAVE_SAE_ID]           = { "Slave SAE ID", "slave_SAE_ID", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_KEY_SIZE]               = { "Key size", "key_size", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_STORED_KEY_COUNT]       = { "Stored key count", "stored_key_count", { NULL }, KQ1_TYPE_INTEGER, 0 },
    [KQ1_PARAM_MAX_KEY_COUNT]          = { "Maximum key count", "max_key_count", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_MAX_KEY_PER_REQUEST]    = { "Maximum keys per request", "max_key_per_request", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_MAX_KEY_SIZE]           = { "Maximum key size", "max_key_size", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_MIN_KEY_SIZE]           = { "Minimum key size", "min_key_size", { NULL }, KQ1_TYPE_INTEGER, 1 },
    [KQ1_PARAM_MAX_SAE_ID_COUNT]       = { "Maximum SAE ID count", "max_SAE_ID_count", { NULL }, KQ1_TYPE_INTEGER, 0 },
    [KQ1_PARAM_STATUS_EXTENSION]       = { "Status extension", "status_extension", { NULL }, KQ1_TYPE_OBJECT, 0 },
    [KQ1_PARAM_ERROR_MESSAGE]          = { "Error message", "message", { NULL }, KQ1_TYPE_STRING, 0 },
    [KQ1_PARAM_ERROR_DETAILS]          = { "Error details", "details", { NULL }, KQ1_TYPE_ARRAY_OF_OBJECTS, 0 },
};

/* Table 1 - Parameters of key supply message */
static const kq1_param_use_t key_supply_params[] = {
    { KQ1_PARAM_KEY,                    true,  NULL, false },
    { KQ1_PARAM_KEY_ID,                 true,  NULL, false },
    { KQ1_PARAM_QKD_MODULE_ID,          false, NULL, false },
    { KQ1_PARAM_MATCHING_QKD_MODULE_ID, false, NULL, false },
    { KQ1_PARAM_KEY_LENGTH,             false, NULL, false },
    { KQ1_PARAM_GENERATION_TIMESTAMP,   false, NULL, false },
    { KQ1_PARAM_HASH_VALUE,             false, NULL, false },
    { KQ1_PARAM_EXTENSION,              false, NULL, false },
};

/* Table 2 - Parameters of response to key supply message */
static const kq1_param_use_t key_supply_response_params[] = {
    { KQ1_PARAM_KEY_ID,                 true,  NULL, false },
    { KQ1_PARAM_QKD_MODULE_ID,          false, NULL, false },
    { KQ1_PARAM_MATCHING_QKD_MODULE_ID, false, NULL, false },
    { KQ1_PARAM_RESPONSE,               true,  NULL, false },
    { KQ1_PARAM_EXTENSION,              false, NULL, false },
};

/* Table 3 - Parameters of key request message */
static const kq1_param_use_t key_request_params[] = {
    { KQ1_PARAM_NUMBER_OF_KEYS, false, NULL, false },
    { KQ1_PARAM_SIZE_OF_KEY,    false, NULL, false },
    { KQ1_PARAM_EXTENSION,      false, NULL, false },
};

/* Table 4 - Parameters of response to key request message: the top level ... */
static const kq1_param_use_t key_request_response_params[] = {
    { KQ1_PARAM_KEYS,      true,  NULL, false },
    { KQ1_PARAM_RESPONSE,  true,  NULL, false },
    { KQ1_PARAM_EXTENSION, false, NULL, false },
};

/* ... and the "key file" that each element of Keys is. */
static const kq1_param_use_t keys_element_params[] = {
    { KQ1_PARAM_KEY,           true,  NULL, false },
    { KQ1_PARAM_KEY_ID,        true,  NULL, false },
    { KQ1_PARAM_KEY_EXTENSION, false, NULL, false },
};

#define ROWS(a) (a), G_N_ELEMENTS(a)
G_STATIC_ASSERT(G_N_ELEMENTS(key_supply_params) <= KQ1_MAX_USES);

/* Table I.1 - CommandCode vs. command/response message name (in the order
 * of KQ1_TABLE_I1) */
static const kq1_message_info_t messages[] = {
    { KQ1_KEY_SUPPLY_RESPONSE,  KQ1_KEY_SUPPLY_RESPONSE_NAME,  "Table 2", ROWS(key_supply_response_params),  NULL, 0 },
    { KQ1_KEY_REQUEST,          KQ1_KEY_REQUEST_NAME,          "Table 3", ROWS(key_request_params),          NULL, 0 },
    { KQ1_KEY_SUPPLY,           KQ1_KEY_SUPPLY_NAME,           "Table 1", ROWS(key_supply_params),           NULL, 0 },
    { KQ1_KEY_REQUEST_RESPONSE, KQ1_KEY_REQUEST_RESPONSE_NAME, "Table 4", ROWS(key_request_response_params), ROWS(keys_element_params) },
};

/* Appendix II, Table II.1: the Key request as ETSI GS QKD 014's key request
 * (Get key, POST); number and size may also come in the URI's query. */
static const kq1_param_use_t qkd014_get_key_params[] = {
    { KQ1_PARAM_NUMBER_OF_KEYS, false, "number", false },
    { KQ1_PARAM_SIZE_OF_KEY,    false, "size", false },
    { KQ1_PARAM_EXTENSION,      false, "extension_mandatory", false },
    { KQ1_PARAM_EXTENSION,      false, "extension_optional", false },
};

/* Table II.2: the Response to key request as the key container; its
 * Response is the HTTP status code, not a member. */
static const kq1_param_use_t qkd014_key_container_params[] = {
    { KQ1_PARAM_KEYS,      true,  "keys", false },
    { KQ1_PARAM_EXTENSION, false, "key_container_extension", true },
};

static const kq1_param_use_t qkd014_key_params[] = {
    { KQ1_PARAM_KEY_ID,        true,  "key_ID", false },
    { KQ1_PARAM_KEY,           true,  "key", false },
    { KQ1_PARAM_KEY_EXTENSION, false, "key_ID_extension", false },
};

/* Get key with key IDs (dec_keys, POST): the keys wanted, by Key ID. */
static const kq1_param_use_t qkd014_key_ids_params[] = {
    { KQ1_PARAM_KEYS, true, "key_IDs", false },
};

static const kq1_param_use_t qkd014_key_id_params[] = {
    { KQ1_PARAM_KEY_ID,        true,  "key_ID", false },
    { KQ1_PARAM_KEY_EXTENSION, false, "key_ID_extension", false },
};

/* Get status's answer: every member mandatory but the extension. */
static const kq1_param_use_t qkd014_status_params[] = {
    { KQ1_PARAM_SOURCE_KME_ID,       true,  NULL, false },
    { KQ1_PARAM_TARGET_KME_ID,       true,  NULL, false },
    { KQ1_PARAM_MASTER_SAE_ID,       true,  NULL, false },
    { KQ1_PARAM_SLAVE_SAE_ID,        true,  NULL, false },
    { KQ1_PARAM_KEY_SIZE,            true,  NULL, false },
    { KQ1_PARAM_STORED_KEY_COUNT,    true,  NULL, false },
    { KQ1_PARAM_MAX_KEY_COUNT,       true,  NULL, false },
    { KQ1_PARAM_MAX_KEY_PER_REQUEST, true,  NULL, false },
    { KQ1_PARAM_MAX_KEY_SIZE,        true,  NULL, false },
    { KQ1_PARAM_MIN_KEY_SIZE,        true,  NULL, false },
    { KQ1_PARAM_MAX_SAE_ID_COUNT,    true,  NULL, false },
    { KQ1_PARAM_STATUS_EXTENSION,    false, NULL, false },
};

/* The Error of a refusal. */
static const kq1_param_use_t qkd014_error_params[] = {
    { KQ1_PARAM_ERROR_MESSAGE, true,  NULL, false },
    { KQ1_PARAM_ERROR_DETAILS, false, NULL, false },
};

G_STATIC_ASSERT(G_N_ELEMENTS(qkd014_status_params) <= KQ1_MAX_USES);

static const kq1_message_info_t qkd014_messages[] = {
    [KQ1_QKD014_GET_KEY] =
        { 0, KQ1_KEY_REQUEST_NAME, "Table II.1", ROWS(qkd014_get_key_params), NULL, 0 },
    [KQ1_QKD014_KEY_CONTAINER] =
        { 0, KQ1_KEY_REQUEST_RESPONSE_NAME, "Table II.2", ROWS(qkd014_key_container_params), ROWS(qkd014_key_params) },
    [KQ1_QKD014_GET_KEY_WITH_IDS] =
        { 0, "Key request with key IDs", "ETSI GS QKD 014 Get key with key IDs",
          ROWS(qkd014_key_ids_params), ROWS(qkd014_key_id_params) },
    [KQ1_QKD014_STATUS] =
        { 0, "Status", "ETSI GS QKD 014 Status", ROWS(qkd014_status_params), NULL, 0 },
    [KQ1_QKD014_ERROR] =
        { 0, "Error", "ETSI GS QKD 014 Error", ROWS(qkd014_error_params), NULL, 0 },
};

const kq1_message_info_t *
kq1_qkd014_message(kq1_qkd014_message_t which)
{
    g_return_val_if_fail(which < G_N_ELEMENTS(qkd014_messages), NULL);
    return &qkd014_messages[which];
}

const kq1_message_info_t *
kq1_messages(unsigned *n_messages)
{
    *n_messages = G_N_ELEMENTS(messages);
    return messages;
}

const kq1_message_info_t *
kq1_message_lookup(uint16_t code)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(messages); i++) {
        if (messages[i].code == code)
            return &messages[i];
    }
    return NULL;
}

const kq1_param_info_t *
kq1_param_info(kq1_param_t param)
{
    g_return_val_if_fail(param < KQ1_PARAM_COUNT, NULL);
    return &param_info[param];
}

const char *
kq1_direction_name(uint8_t direction)
{
    switch (direction) {
    case KQ1_DIR_KM_TO_QKD: return "KM -> QKD module";
    case KQ1_DIR_QKD_TO_KM: return "QKD module -> KM";
    default:                return NULL;
    }
}

const char *
kq1_type_name(kq1_type_t type)
{
    switch (type) {
    case KQ1_TYPE_STRING:           return "a string";
    case KQ1_TYPE_INTEGER:          return "an integer";
    case KQ1_TYPE_OBJECT:           return "an object";
    case KQ1_TYPE_ARRAY_OF_OBJECTS: return "an array of objects";
    }
    return "?";
}

static bool
is_separator(char c)
{
    return c == '_' || c == '-' || c == ' ';
}

bool
kq1_member_names_equal(const char *a, const char *b)
{
    for (;;) {
        while (is_separator(*a))
            a++;
        while (is_separator(*b))
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (g_ascii_tolower(*a) != g_ascii_tolower(*b))
            return false;
        a++;
        b++;
    }
}

bool
kq1_member_matches(kq1_param_t param, const char *member)
{
    const kq1_param_info_t *info = kq1_param_info(param);

    if (info == NULL)
        return false;
    /* Spelled as the catalogue spells it, as most members are: no need to
     * compare loosely. */
    if (strcmp(info->member, member) == 0 || kq1_member_names_equal(info->member, member))
        return true;
    for (unsigned i = 0; i < KQ1_MAX_ALIASES && info->aliases[i] != NULL; i++) {
        if (kq1_member_names_equal(info->aliases[i], member))
            return true;
    }
    return false;
}

bool
kq1_param_by_name(const char *name, kq1_param_t *param)
{
    for (int i = 0; i < KQ1_PARAM_COUNT; i++) {
        if (kq1_member_names_equal(param_info[i].name, name)
            || kq1_member_names_equal(param_info[i].member, name)) {
            *param = (kq1_param_t)i;
            return true;
        }
    }
    return false;
}

bool
kq1_message_by_name(const char *name, uint16_t *code)
{
    char *end;
    uint64_t number;

    if (name[0] == '\0' || g_strcmp0(name, "*") == 0 || g_ascii_strcasecmp(name, "any") == 0) {
        *code = 0;
        return true;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(messages); i++) {
        if (g_ascii_strcasecmp(messages[i].name, name) == 0) {
            *code = messages[i].code;
            return true;
        }
    }
    number = g_ascii_strtoull(name, &end, 16);
    if (end != name && *end == '\0' && number <= G_MAXUINT16 && kq1_message_lookup((uint16_t)number) != NULL) {
        *code = (uint16_t)number;
        return true;
    }
    return false;
}
