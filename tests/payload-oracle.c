/* payload-oracle.c
 * The checks of payload-oracle.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "payload-oracle.h"

/* The oracle's own parser: not the checker's, so that nothing the checker
 * keeps from one call to the next is shared. */
static JsonParser *oracle_parser;

static JsonNode *
json_glib_reading(const uint8_t *data, gsize len)
{
    if (oracle_parser == NULL)
        oracle_parser = json_parser_new();
    if (!json_parser_load_from_data(oracle_parser, (const char *)data, (gssize)len, NULL))
        return NULL;
    return json_parser_get_root(oracle_parser);
}

typedef struct {
    kq1_json_doc_t *doc;
    const uint8_t  *data;
    GString        *why;
} compare_t;

static bool G_GNUC_PRINTF(3, 4)
differs(compare_t *c, const kq1_json_value_t *v, const char *format, ...)
{
    va_list args;

    g_string_append_printf(c->why, "document value at byte %" G_GSIZE_FORMAT " (%.*s): ", v->value.offset,
                           (int)MIN(v->value.length, 60), (const char *)c->data + v->value.offset);
    va_start(args, format);
    g_string_append_vprintf(c->why, format, args);
    va_end(args);
    g_string_append_c(c->why, '\n');
    return false;
}

static int
position(const compare_t *c, const kq1_json_value_t *v)
{
    return (int)(v - (const kq1_json_value_t *)(const void *)c->doc->values->data);
}

static bool compare_value(compare_t *c, const kq1_json_value_t *v, JsonNode *node);

static bool
compare_object(compare_t *c, const kq1_json_value_t *v, JsonObject *object)
{
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    bool same = true;

    /* json-glib keeps the last member of a name: the document's last one
     * of each name is compared with it. */
    for (const kq1_json_value_t *m = kq1_json_doc_value(c->doc, v->first); m != NULL;
         m = kq1_json_doc_value(c->doc, m->next))
        g_hash_table_insert(names, (gpointer)m->name, (gpointer)m);
    if (g_hash_table_size(names) != json_object_get_size(object))
        same = differs(c, v, "%u names, json-glib %u", g_hash_table_size(names), json_object_get_size(object));
    for (const kq1_json_value_t *m = kq1_json_doc_value(c->doc, v->first); same && m != NULL;
         m = kq1_json_doc_value(c->doc, m->next)) {
        JsonNode *member = json_object_get_member(object, m->name);

        if (g_hash_table_lookup(names, m->name) != m)
            continue;
        /* json-glib 1.6 reads a lone surrogate escape in a name, as in a
         * string, into bytes that are not UTF-8; the document gives U+FFFD. */
        if (member == NULL && strstr(m->name, "\xef\xbf\xbd") != NULL
            && g_strstr_len((const char *)c->data + m->member.offset, (gssize)m->member.length, "\\u") != NULL)
            continue;
        if (member == NULL)
            same = differs(c, m, "member \"%s\" json-glib does not have", m->name);
        else
            same = compare_value(c, m, member);
    }
    g_hash_table_destroy(names);
    return same;
}

static bool
compare_value(compare_t *c, const kq1_json_value_t *v, JsonNode *node)
{
    GType value_type = JSON_NODE_HOLDS_VALUE(node) ? json_node_get_value_type(node) : G_TYPE_INVALID;
    int64_t integer;
    unsigned n = 0;
    const char *string;

    switch (v->type) {
    case KQ1_JSON_OTHER:
        return true;        /* a word RFC 8259 does not have: json-glib's own reading */
    case KQ1_JSON_OBJECT:
        if (!JSON_NODE_HOLDS_OBJECT(node))
            return differs(c, v, "an object, json-glib %s", json_node_type_name(node));
        return compare_object(c, v, json_node_get_object(node));
    case KQ1_JSON_ARRAY:
        if (!JSON_NODE_HOLDS_ARRAY(node))
            return differs(c, v, "an array, json-glib %s", json_node_type_name(node));
        for (const kq1_json_value_t *e = kq1_json_doc_value(c->doc, v->first); e != NULL;
             e = kq1_json_doc_value(c->doc, e->next), n++) {
            if (n >= json_array_get_length(json_node_get_array(node)))
                return differs(c, v, "more elements than json-glib's %u", json_array_get_length(json_node_get_array(node)));
            if (!compare_value(c, e, json_array_get_element(json_node_get_array(node), n)))
                return false;
        }
        if (n != json_array_get_length(json_node_get_array(node)))
            return differs(c, v, "%u elements, json-glib %u", n, json_array_get_length(json_node_get_array(node)));
        return true;
    case KQ1_JSON_STRING:
        if (value_type != G_TYPE_STRING)
            return differs(c, v, "a string, json-glib %s", json_node_type_name(node));
        string = kq1_json_doc_string(c->doc, c->data, position(c, v));
        /* json-glib 1.6 reads a lone surrogate escape into bytes that are
         * not UTF-8; the document gives U+FFFD and says so. */
        if ((v->flags & KQ1_JSON_LONE_SURROGATE) == 0 && strcmp(string, json_node_get_string(node)) != 0)
            return differs(c, v, "\"%s\", json-glib \"%s\"", string, json_node_get_string(node));
        return true;
    case KQ1_JSON_INTEGER:
        if (value_type != G_TYPE_INT64)
            return differs(c, v, "an integer, json-glib %s", json_node_type_name(node));
        /* Up to 18 digits json-glib holds whole. */
        if (v->value.length <= 18 && (!kq1_json_integer(c->data, v->value, &integer) || integer != json_node_get_int(node)))
            return differs(c, v, "integer, json-glib %" PRId64, json_node_get_int(node));
        return true;
    case KQ1_JSON_FRACTION:
        if (value_type != G_TYPE_DOUBLE)
            return differs(c, v, "a fraction, json-glib %s", json_node_type_name(node));
        return true;
    case KQ1_JSON_BOOLEAN:
        if (value_type != G_TYPE_BOOLEAN || json_node_get_boolean(node) != (c->data[v->value.offset] == 't'))
            return differs(c, v, "a boolean, json-glib another value");
        return true;
    case KQ1_JSON_NULL:
        if (!JSON_NODE_HOLDS_NULL(node))
            return differs(c, v, "null, json-glib %s", json_node_type_name(node));
        return true;
    }
    return differs(c, v, "of no type");
}

/* The document against json-glib's reading of the same text. */
static void
check_document(const uint8_t *data, gsize len, GString *why)
{
    kq1_json_doc_t doc;
    gsize end = 0;
    JsonNode *root;
    compare_t c = { &doc, data, why };

    memset(&doc, 0, sizeof(doc));
    /* Text with an escape RFC 8259 does not have is refused, whatever
     * json-glib makes of it. */
    if (kq1_json_doc_read(&doc, data, len, KQ1_JSON_DOC_MAX_DEPTH, &end) && doc.bad_escape == G_MAXSIZE) {
        root = json_glib_reading(data, end);
        if (kq1_json_doc_plain(&doc) && root == NULL)
            g_string_append(why, "plain text json-glib does not parse\n");
        if (root != NULL)
            compare_value(&c, kq1_json_doc_value(&doc, 0), root);
    }
    kq1_json_doc_clear(&doc);
}

static void
describe_span(GString *out, const char *what, kq1_span_t span)
{
    g_string_append_printf(out, " %s@%" G_GSIZE_FORMAT "+%" G_GSIZE_FORMAT, what, span.offset, span.length);
}

/* The values of one object as text, for comparing two readings. */
static void
describe_params(GString *out, const kq1_params_t *params)
{
    for (int i = 0; i < KQ1_PARAM_COUNT; i++) {
        if (!params->present[i])
            continue;
        g_string_append_printf(out, "\n  param %d:", i);
        describe_span(out, "member", params->span[i]);
        describe_span(out, "value", params->value[i]);
        if (params->string[i] != NULL)
            g_string_append_printf(out, " \"%s\"", params->string[i]);
        if (kq1_param_info((kq1_param_t)i)->type == KQ1_TYPE_INTEGER)
            g_string_append_printf(out, " %" PRId64, params->integer[i]);
    }
    describe_span(out, "\n  self", params->self);
    if (params->second_extension) {
        describe_span(out, "second", params->second_extension_span);
        describe_span(out, "second value", params->second_extension_value);
    }
}

static char *
describe_values(const kq1_payload_t *p)
{
    GString *out = g_string_new(NULL);

    g_string_append_printf(out, "parsed %d json_len %" G_GSIZE_FORMAT "\ntop", p->parsed, p->json_len);
    describe_params(out, &p->top);
    for (unsigned i = 0; i < p->keys->len; i++) {
        g_string_append_printf(out, "\nkeys[%u]", i);
        describe_params(out, &g_array_index(p->keys, kq1_params_t, i));
    }
    return g_string_free(out, false);
}

/* Everything a full reading gives: values, findings, decoded keys. */
static char *
describe_full(const kq1_payload_t *p)
{
    GString *out = g_string_new(NULL);
    char *values = describe_values(p);

    g_string_append(out, values);
    g_free(values);
    g_string_append_printf(out, "\nleft out %u", p->findings_left_out);
    for (unsigned i = 0; i < p->findings->len; i++) {
        const kq1_finding_t *f = &g_array_index(p->findings, kq1_finding_t, i);

        g_string_append_printf(out, "\nfinding %d %d %d %s", f->kind, f->param, f->element, f->text);
    }
    for (unsigned i = 0; i <= p->keys->len; i++) {
        const kq1_params_t *params = i == 0 ? &p->top : &g_array_index(p->keys, kq1_params_t, i - 1);

        g_string_append_printf(out, "\nkey %d %" G_GSIZE_FORMAT " hash %d %s %d ", params->key.encoding,
                               params->key.len, params->hash_status,
                               params->hash_algorithm ? params->hash_algorithm : "-", params->hash_over_text);
        for (gsize b = 0; b < params->key.len; b++)
            g_string_append_printf(out, "%02x", params->key.data[b]);
    }
    return g_string_free(out, false);
}

static void
same(GString *why, const char *what, char *a, char *b)
{
    if (strcmp(a, b) != 0)
        g_string_append_printf(why, "%s differ:\n%s\n---\n%s\n", what, a, b);
    g_free(a);
    g_free(b);
}

static void
check_strings_are_utf8(const kq1_params_t *params, GString *why)
{
    for (int i = 0; i < KQ1_PARAM_COUNT; i++) {
        if (params->present[i] && params->string[i] != NULL && !g_utf8_validate(params->string[i], -1, NULL))
            g_string_append_printf(why, "parameter %d is not UTF-8\n", i);
    }
}

char *
kq1_oracle_check(const kq1_message_info_t *msg, const uint8_t *data, gsize len, const kq1_settings_t *settings)
{
    GString *why = g_string_new(NULL);
    kq1_payload_t *full, *brief, *again;

    check_document(data, len, why);
    full = kq1_payload_read(msg, data, len, settings, KQ1_READ_FULL);
    brief = kq1_payload_read(msg, data, len, settings, KQ1_READ_BRIEF);
    same(why, "brief and full readings", describe_values(brief), describe_values(full));
    if (brief->findings->len > 0)
        g_string_append(why, "a brief reading found something\n");
    check_strings_are_utf8(&full->top, why);
    for (unsigned i = 0; i < full->keys->len; i++)
        check_strings_are_utf8(&g_array_index(full->keys, kq1_params_t, i), why);
    kq1_payload_free(brief);
    /* Read again after another payload (the storage the checker keeps). */
    kq1_payload_free(kq1_payload_read(NULL, (const uint8_t *)"{\"x\":[1,\"y\"]}", 13, settings, KQ1_READ_FULL));
    again = kq1_payload_read(msg, data, len, settings, KQ1_READ_FULL);
    same(why, "two full readings", describe_full(again), describe_full(full));
    kq1_payload_free(again);
    kq1_payload_free(full);
    if (why->len == 0) {
        g_string_free(why, true);
        return NULL;
    }
    g_string_prepend(why, ": ");
    g_string_prepend(why, msg != NULL ? msg->name : "(no message)");
    return g_string_free(why, false);
}

char *
kq1_oracle_check_every_message(const uint8_t *data, gsize len, const kq1_settings_t *settings)
{
    unsigned n;
    const kq1_message_info_t *table = kq1_messages(&n);
    const kq1_message_info_t *appendix_ii[] = {
        kq1_qkd014_message(KQ1_QKD014_GET_KEY), kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER),
        kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS), NULL,
    };
    char *why = NULL;

    for (unsigned i = 0; why == NULL && i < n; i++)
        why = kq1_oracle_check(&table[i], data, len, settings);
    for (gsize i = 0; why == NULL && i < G_N_ELEMENTS(appendix_ii); i++)
        why = kq1_oracle_check(appendix_ii[i], data, len, settings);
    return why;
}

void
kq1_oracle_shutdown(void)
{
    g_clear_object(&oracle_parser);
}
