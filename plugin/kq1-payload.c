/* kq1-payload.c
 * Parses a Kq-1 payload once with json-glib and judges it against the
 * catalogue (Q.4162 Tables 1-4).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-payload.h"

static void G_GNUC_PRINTF(5, 6)
add_finding(kq1_payload_t *p, kq1_finding_kind_t kind, kq1_param_t param, int element,
            const char *format, ...)
{
    kq1_finding_t finding = { kind, param, element, NULL };
    va_list args;

    va_start(args, format);
    finding.text = g_strdup_vprintf(format, args);
    va_end(args);
    g_array_append_val(p->findings, finding);
}

static gboolean
is_json_space(guint8 c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef enum {
    EXTENT_EMPTY,      /* nothing but whitespace */
    EXTENT_FOUND,      /* *end is where the JSON text ends */
    EXTENT_TOO_DEEP    /* *end is the byte that nests too deep */
} extent_t;

/* Finds where the top-level JSON value ends, without recursion, so that
 * bytes after it can be reported and too-deep nesting refused before
 * json-glib sees it.  Brackets are only counted: json-glib judges the rest. */
static extent_t
find_json_extent(const guint8 *data, gsize len, gsize *end)
{
    gsize i = 0;
    guint depth = 0;
    gboolean in_string = FALSE;

    while (i < len && is_json_space(data[i]))
        i++;
    if (i == len) {
        *end = len;
        return EXTENT_EMPTY;
    }
    if (data[i] != '{' && data[i] != '[') {
        *end = len;     /* a scalar or not JSON at all: let the parser say */
        return EXTENT_FOUND;
    }
    for (; i < len; i++) {
        guint8 c = data[i];

        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = FALSE;
            continue;
        }
        if (c == '"') {
            in_string = TRUE;
        } else if (c == '{' || c == '[') {
            if (++depth > KQ1_MAX_JSON_DEPTH) {
                *end = i;
                return EXTENT_TOO_DEEP;
            }
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                *end = i + 1;
                return EXTENT_FOUND;
            }
        }
    }
    *end = len;         /* never closed: the parser reports where it broke */
    return EXTENT_FOUND;
}

/* json-glib says "<data>:LINE:COL: Parse error: WHAT"; users want "line
 * LINE, column COL: WHAT". */
static char *
describe_parse_error(const GError *error)
{
    const char *msg = error->message;
    const char *prefix = "<data>:";
    char *end;
    guint64 line, column;

    if (!g_str_has_prefix(msg, prefix))
        return g_strdup(msg);
    line = g_ascii_strtoull(msg + strlen(prefix), &end, 10);
    if (*end != ':')
        return g_strdup(msg);
    column = g_ascii_strtoull(end + 1, &end, 10);
    if (*end != ':')
        return g_strdup(msg);
    end++;
    while (*end == ' ')
        end++;
    if (g_str_has_prefix(end, "Parse error: "))
        end += strlen("Parse error: ");
    return g_strdup_printf("line %" G_GUINT64_FORMAT ", column %" G_GUINT64_FORMAT ": %s",
                           line, column, end);
}

static const char *
describe_node(JsonNode *node)
{
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT: return "an object";
    case JSON_NODE_ARRAY:  return "an array";
    case JSON_NODE_NULL:   return "null";
    case JSON_NODE_VALUE:
        switch (json_node_get_value_type(node)) {
        case G_TYPE_STRING:  return "a string";
        case G_TYPE_INT64:   return "an integer";
        case G_TYPE_DOUBLE:  return "a number with a fraction or exponent";
        case G_TYPE_BOOLEAN: return "a boolean";
        default:             return "a value";
        }
    }
    return "a value";
}

static gboolean
node_has_type(JsonNode *node, kq1_type_t type)
{
    switch (type) {
    case KQ1_TYPE_STRING:
        return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
    case KQ1_TYPE_INTEGER:
        return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64;
    case KQ1_TYPE_OBJECT:
        return JSON_NODE_HOLDS_OBJECT(node);
    case KQ1_TYPE_ARRAY_OF_OBJECTS:
        /* The elements are judged one by one, so that one bad element
         * does not hide the others. */
        return JSON_NODE_HOLDS_ARRAY(node);
    }
    return FALSE;
}

/* " in Keys[2]" inside an element of Keys, "" at the top level. */
static char *
where(int element)
{
    return element < 0 ? g_strdup("") : g_strdup_printf(" in Keys[%d]", element);
}

static void
check_array_elements(kq1_payload_t *p, const kq1_param_info_t *info, kq1_param_t param,
                     int element, JsonArray *array)
{
    guint n = json_array_get_length(array);

    for (guint i = 0; i < n; i++) {
        JsonNode *item = json_array_get_element(array, i);

        if (!JSON_NODE_HOLDS_OBJECT(item)) {
            char *at = where(element);
            add_finding(p, KQ1_FINDING_WRONG_TYPE, param, element,
                        "%s (%s[%u])%s is %s, expected an object",
                        info->name, info->member, i, at, describe_node(item));
            g_free(at);
        }
    }
}

/* Matches the members of obj to the parameters in uses, fills out and
 * reports duplicates, wrong types and missing mandatory parameters. */
static void
check_object(kq1_payload_t *p, const kq1_message_info_t *msg, JsonObject *obj,
             const kq1_param_use_t *uses, guint n_uses, int element, kq1_params_t *out)
{
    gboolean seen[KQ1_PARAM_COUNT] = { FALSE };
    GList *members = obj ? json_object_get_members(obj) : NULL;

    for (GList *l = members; l != NULL; l = l->next) {
        const char *member = l->data;

        for (guint u = 0; u < n_uses; u++) {
            kq1_param_t param = uses[u].param;
            const kq1_param_info_t *info = kq1_param_info(param);
            JsonNode *node;
            char *at;

            if (!kq1_member_matches(param, member))
                continue;
            at = where(element);
            if (seen[param]) {
                add_finding(p, KQ1_FINDING_DUPLICATE_MEMBER, param, element,
                            "%s given twice%s (member \"%s\"); the first is used",
                            info->name, at, member);
                g_free(at);
                break;
            }
            seen[param] = TRUE;
            node = json_object_get_member(obj, member);
            if (node_has_type(node, info->type)) {
                out->node[param] = node;
                if (info->type == KQ1_TYPE_ARRAY_OF_OBJECTS && param != KQ1_PARAM_KEYS)
                    check_array_elements(p, info, param, element, json_node_get_array(node));
            } else {
                add_finding(p, KQ1_FINDING_WRONG_TYPE, param, element,
                            "%s (%s)%s is %s, expected %s",
                            info->name, member, at, describe_node(node),
                            kq1_type_name(info->type));
            }
            g_free(at);
            break;
        }
    }
    g_list_free(members);

    for (guint u = 0; u < n_uses; u++) {
        const kq1_param_info_t *info = kq1_param_info(uses[u].param);

        if (!uses[u].mandatory || seen[uses[u].param])
            continue;
        if (element < 0)
            add_finding(p, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
                        "%s (%s) missing: mandatory in %s (%s)",
                        info->name, info->member, msg->name, msg->table);
        else
            add_finding(p, KQ1_FINDING_MISSING_MANDATORY, uses[u].param, element,
                        "%s (%s) missing in Keys[%d]: mandatory in each key of %s (%s)",
                        info->name, info->member, element, msg->name, msg->table);
    }
}

static void
check_keys(kq1_payload_t *p, const kq1_message_info_t *msg)
{
    JsonArray *keys;
    guint n;

    if (p->top.node[KQ1_PARAM_KEYS] == NULL)
        return;
    keys = json_node_get_array(p->top.node[KQ1_PARAM_KEYS]);
    n = json_array_get_length(keys);
    g_array_set_size(p->keys, n);
    for (guint i = 0; i < n; i++) {
        JsonNode *item = json_array_get_element(keys, i);
        kq1_params_t *params = &g_array_index(p->keys, kq1_params_t, i);

        if (!JSON_NODE_HOLDS_OBJECT(item)) {
            add_finding(p, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_KEYS, (int)i,
                        "Keys[%u] is %s, expected an object (%s, %s)",
                        i, describe_node(item), msg->name, msg->table);
            continue;
        }
        check_object(p, msg, json_node_get_object(item), msg->element_params,
                     msg->n_element_params, (int)i, params);
    }
}

static gboolean
parse(kq1_payload_t *p, const guint8 *data, gsize len)
{
    gsize end = 0;
    JsonParser *parser;
    GError *error = NULL;
    gsize rest;

    switch (find_json_extent(data, len, &end)) {
    case EXTENT_EMPTY:
        p->json_len = len;
        return FALSE;
    case EXTENT_TOO_DEEP:
        add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1,
                    "JSON nested deeper than %d levels at payload byte %" G_GSIZE_FORMAT
                    "; not parsed", KQ1_MAX_JSON_DEPTH, end);
        p->json_len = len;
        return FALSE;
    case EXTENT_FOUND:
        break;
    }

    for (rest = end; rest < len && is_json_space(data[rest]); rest++)
        ;
    p->json_len = rest;
    if (rest < len)
        add_finding(p, KQ1_FINDING_LENGTH_MISMATCH, KQ1_PARAM_COUNT, -1,
                    "JSON text ends after %" G_GSIZE_FORMAT " of the %" G_GSIZE_FORMAT
                    " payload bytes that Length gives; %" G_GSIZE_FORMAT " bytes follow it",
                    end, len, len - rest);

    parser = json_parser_new_immutable();
    if (!json_parser_load_from_data(parser, (const gchar *)data, (gssize)end, &error)) {
        char *why = describe_parse_error(error);

        add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload is not valid JSON: %s", why);
        g_free(why);
        g_error_free(error);
        g_object_unref(parser);
        return FALSE;
    }
    p->root = json_parser_steal_root(parser);
    g_object_unref(parser);
    if (p->root == NULL) {
        add_finding(p, KQ1_FINDING_BAD_JSON, KQ1_PARAM_COUNT, -1, "Payload holds no JSON value");
        return FALSE;
    }
    p->parsed = TRUE;
    return TRUE;
}

kq1_payload_t *
kq1_payload_check(const kq1_message_info_t *msg, const guint8 *data, gsize len)
{
    kq1_payload_t *p = g_new0(kq1_payload_t, 1);
    JsonObject *obj = NULL;

    p->keys = g_array_new(FALSE, TRUE, sizeof(kq1_params_t));
    p->findings = g_array_new(FALSE, FALSE, sizeof(kq1_finding_t));

    if (!parse(p, data, len) && kq1_payload_count(p, KQ1_FINDING_BAD_JSON) > 0)
        return p;   /* nothing can be said of members that could not be read */

    if (p->root != NULL) {
        if (JSON_NODE_HOLDS_OBJECT(p->root)) {
            obj = json_node_get_object(p->root);
        } else {
            add_finding(p, KQ1_FINDING_WRONG_TYPE, KQ1_PARAM_COUNT, -1,
                        "Payload is %s, expected a JSON object", describe_node(p->root));
            return p;
        }
    }
    if (msg == NULL)
        return p;

    /* An empty payload is read as an object with no members. */
    check_object(p, msg, obj, msg->params, msg->n_params, -1, &p->top);
    if (msg->element_params != NULL)
        check_keys(p, msg);
    return p;
}

void
kq1_payload_free(kq1_payload_t *payload)
{
    if (payload == NULL)
        return;
    for (guint i = 0; i < payload->findings->len; i++)
        g_free(g_array_index(payload->findings, kq1_finding_t, i).text);
    g_array_free(payload->findings, TRUE);
    g_array_free(payload->keys, TRUE);
    if (payload->root != NULL)
        json_node_unref(payload->root);
    g_free(payload);
}

const char *
kq1_params_string(const kq1_params_t *params, kq1_param_t param)
{
    JsonNode *node = params->node[param];

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_STRING)
        return NULL;
    return json_node_get_string(node);
}

gboolean
kq1_params_integer(const kq1_params_t *params, kq1_param_t param, gint64 *value)
{
    JsonNode *node = params->node[param];

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
        return FALSE;
    *value = json_node_get_int(node);
    return TRUE;
}

guint
kq1_payload_count(const kq1_payload_t *payload, kq1_finding_kind_t kind)
{
    guint n = 0;

    for (guint i = 0; i < payload->findings->len; i++) {
        if (g_array_index(payload->findings, kq1_finding_t, i).kind == kind)
            n++;
    }
    return n;
}
