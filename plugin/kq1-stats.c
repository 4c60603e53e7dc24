/* kq1-stats.c
 * Statistics over a capture, from the "kq1" tap: a stats tree
 * (tshark -z kq1,tree; Statistics > Kq-1 in the GUI) and a key ledger, one
 * row per key ID (tshark -z kq1,keys; Statistics > Kq-1 Key Ledger).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/stat_tap_ui.h>

#include "kq1-catalog.h"
#include "kq1-stat-table.h"
#include "kq1-tap.h"

#define NO_MODULE_ID "(no QKD module ID)"

/* --- stats tree ---------------------------------------------------------- */

static const char *const st_messages = "Messages by type";
static const char *const st_directions = "Messages by direction";
static const char *const st_responses = "Responses";
static const char *const st_keys = "Keys supplied, by QKD module ID";
static const char *const st_bits = "Key bits supplied, by QKD module ID";
static const char *const st_times = "Response time (ms), by message";
static const char *const st_connections = "Connections, by transport security";

static int st_node_messages, st_node_directions, st_node_responses;
static int st_node_keys, st_node_bits, st_node_times, st_node_connections;

static void
kq1_tree_init(stats_tree *st)
{
    st_node_messages = stats_tree_create_node(st, st_messages, 0, STAT_DT_INT, true);
    st_node_directions = stats_tree_create_node(st, st_directions, 0, STAT_DT_INT, true);
    st_node_responses = stats_tree_create_node(st, st_responses, 0, STAT_DT_INT, true);
    st_node_keys = stats_tree_create_node(st, st_keys, 0, STAT_DT_INT, true);
    st_node_bits = stats_tree_create_node(st, st_bits, 0, STAT_DT_INT, true);
    st_node_times = stats_tree_create_node(st, st_times, 0, STAT_DT_FLOAT, true);
    st_node_connections = stats_tree_create_node(st, st_connections, 0, STAT_DT_INT, true);
}

static const char *
message_name(uint16_t code)
{
    const kq1_message_info_t *msg = kq1_message_lookup(code);

    return msg != NULL ? msg->name : "Unknown command";
}

static tap_packet_status
kq1_tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
                tap_flags_t flags _U_)
{
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    const char *direction = kq1_direction_name((uint8_t)(info->code >> 8));
    const char *module = info->qkd_module_id != NULL ? info->qkd_module_id : NO_MODULE_ID;
    uint64_t bits = 0;

    /* Each connection once, at its first message, QKD 014's too. */
    if (info->transport.first_message) {
        tick_stat_node(st, st_connections, 0, false);
        tick_stat_node(st, val_to_str_const(info->transport.level, kq1_transport_security_vals, "?"),
                       st_node_connections, false);
    }
    /* ETSI GS QKD 014's own messages count in the key links only. */
    if (info->qkd014_only)
        return info->transport.first_message ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, st_messages, 0, false);
    tick_stat_node(st, message_name(info->code), st_node_messages, false);
    tick_stat_node(st, st_directions, 0, false);
    tick_stat_node(st, direction != NULL ? direction : "No valid direction", st_node_directions, false);

    if (info->verdict != KQ1_VERDICT_NONE) {
        tick_stat_node(st, st_responses, 0, false);
        tick_stat_node(st, info->verdict == KQ1_VERDICT_OK ? "OK"
                           : info->verdict == KQ1_VERDICT_FAILED ? "Failed" : "Unknown (neither a success nor a failure word)",
                       st_node_responses, false);
    }
    if (info->n_keys > 0) {
        for (unsigned i = 0; i < info->n_keys; i++)
            bits += info->keys[i].bits;
        increase_stat_node(st, st_keys, 0, false, info->n_keys);
        increase_stat_node(st, module, st_node_keys, false, info->n_keys);
        increase_stat_node(st, st_bits, 0, false, (int)bits);
        increase_stat_node(st, module, st_node_bits, false, (int)bits);
    }
    if (info->answered) {
        gfloat ms = (gfloat)(nstime_to_msec(&info->response_time));

        avg_stat_node_add_value_float(st, st_times, 0, false, ms);
        avg_stat_node_add_value_float(st, message_name(info->code), st_node_times, false, ms);
    }
    return TAP_PACKET_REDRAW;
}

void
kq1_stats_register_tree(void)
{
    stats_tree_register_plugin("kq1", "kq1", "Kq-1", 0, kq1_tree_packet, kq1_tree_init, NULL);
}

/* --- key ledger ---------------------------------------------------------- */

enum {
    LEDGER_KEY_ID,
    LEDGER_FIRST_FRAME,
    LEDGER_MODULE,
    LEDGER_BITS,
    LEDGER_RESPONSE_FRAME,
    LEDGER_VERDICT,
    LEDGER_HASH,
    LEDGER_REUSES,
    LEDGER_PAIR_FRAME,
    LEDGER_PAIR_STATUS,
    LEDGER_AGE
};

/* A cell with nothing to say (a key not decoded, no response, no other
 * half, no time stamp) is an empty string, not 0. */
static stat_tap_table_item ledger_fields[] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Key ID",         "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "First frame",    "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "QKD module",     "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Bits",           "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Response frame", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Verdict",        "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Hash",           "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Reuses",         "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Pair frame",     "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Pair status",    "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Key age (s)",    "%s" },
};

static const char *const ledger_title = "Kq-1 Key Ledger";

/* Key ID -> row + 1 of the table being filled: rows are found by key ID in
 * constant time, however many keys the capture supplies. */
static GHashTable *ledger_rows;

static const char *
verdict_name(kq1_verdict_t verdict)
{
    switch (verdict) {
    case KQ1_VERDICT_OK:     return "ok";
    case KQ1_VERDICT_FAILED: return "failed";
    case KQ1_VERDICT_UNKNOWN: return "unknown";
    case KQ1_VERDICT_NONE:   return "";
    }
    return "";
}

/* A number in a cell that may be empty. */
static void
set_number(stat_tap_table *table, unsigned row, unsigned column, unsigned value)
{
    char text[16];

    snprintf(text, sizeof text, "%u", value);
    kq1_table_set_string(table, row, column, text);
}

static bool
is_empty(stat_tap_table *table, unsigned row, unsigned column)
{
    return stat_tap_get_field_data(table, row, column)->value.string_value[0] == '\0';
}

static const char *
pair_status_name(kq1_pair_status_t status)
{
    switch (status) {
    case KQ1_PAIR_VERIFIED:       return "verified";
    case KQ1_PAIR_MISMATCH:       return "mismatch";
    case KQ1_PAIR_NOT_COMPARABLE: return "not comparable";
    case KQ1_PAIR_NONE:           return "";
    }
    return "";
}

/* The other half of a key (in frame), once per row. */
static void
set_pair(stat_tap_table *table, unsigned row, uint32_t frame, kq1_pair_status_t status)
{
    if (frame == 0 || !is_empty(table, row, LEDGER_PAIR_FRAME))
        return;
    set_number(table, row, LEDGER_PAIR_FRAME, frame);
    kq1_table_set_string(table, row, LEDGER_PAIR_STATUS, pair_status_name(status));
}

static void
ledger_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, ledger_title);

    if (ledger_rows == NULL)
        ledger_rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_remove_all(ledger_rows);
    if (table != NULL) {
        if (ui->stat_tap_reset_table_cb != NULL)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(ledger_title, G_N_ELEMENTS(ledger_fields), 0, NULL));
}

/* The row of key_id, added (first supplied in frame) if there is none. */
static unsigned
ledger_row(stat_tap_table *table, const char *key_id, uint32_t frame, bool *added)
{
    gpointer found = g_hash_table_lookup(ledger_rows, key_id);
    unsigned row;

    *added = found == NULL;
    if (found != NULL)
        return GPOINTER_TO_UINT(found) - 1;

    row = kq1_table_add_row(table, ledger_fields, G_N_ELEMENTS(ledger_fields));
    kq1_table_set_string(table, row, LEDGER_KEY_ID, key_id);
    kq1_table_set_uint(table, row, LEDGER_FIRST_FRAME, frame);
    kq1_table_set_string(table, row, LEDGER_MODULE, NO_MODULE_ID);
    g_hash_table_insert(ledger_rows, g_strdup(key_id), GUINT_TO_POINTER(row + 1));
    return row;
}

static void
ledger_supply(stat_tap_table *table, packet_info *pinfo, const kq1_tap_info_t *info,
              const kq1_tap_key_t *key, bool answered_here)
{
    bool added;
    unsigned row;

    char age[32];

    if (key->key_id == NULL)
        return;
    /* The other half of a Kq-1 key, or a QKD 014 key by key ID, fills in
     * the pair of its key ID's row; it adds none. */
    if (info->qkd014_only || key->links.later_half) {
        gpointer found = g_hash_table_lookup(ledger_rows, key->key_id);

        if (found != NULL && key->links.pair_partner != 0)
            set_pair(table, GPOINTER_TO_UINT(found) - 1, pinfo->num, key->links.pair_status);
        if (info->qkd014_only)
            return;
    }
    row = ledger_row(table, key->key_id, pinfo->num, &added);
    if (!added) {
        if (key->links.reused_from != 0)
            kq1_table_set_uint(table, row, LEDGER_REUSES, kq1_table_uint(table, row, LEDGER_REUSES) + 1);
        return;
    }
    set_pair(table, row, key->links.pair_partner, key->links.pair_status);
    if (key->links.missing)     /* known once the whole capture has been read */
        kq1_table_set_string(table, row, LEDGER_PAIR_STATUS, "missing");
    if (info->qkd_module_id != NULL)
        kq1_table_set_string(table, row, LEDGER_MODULE, info->qkd_module_id);
    if (key->bits > 0)
        set_number(table, row, LEDGER_BITS, key->bits);
    if (key->hash_status != KQ1_HASH_ABSENT)
        kq1_table_set_string(table, row, LEDGER_HASH, val_to_str_const(key->hash_status, kq1_hash_status_vals, ""));
    if (key->has_age) {
        snprintf(age, sizeof age, "%.3f", nstime_to_sec(&key->age));
        kq1_table_set_string(table, row, LEDGER_AGE, age);
    }
    if (answered_here) {    /* keys of a Response to key request come with their verdict */
        set_number(table, row, LEDGER_RESPONSE_FRAME, pinfo->num);
        kq1_table_set_string(table, row, LEDGER_VERDICT, verdict_name(info->verdict));
    }
}

static tap_packet_status
ledger_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    stat_tap_table *table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    gpointer found;
    unsigned row;

    for (unsigned i = 0; i < info->n_keys; i++)
        ledger_supply(table, pinfo, info, &info->keys[i], info->verdict != KQ1_VERDICT_NONE);

    /* A Response to key supply gives its key's verdict (the first one counts). */
    if (info->code == 0x1302 && info->key_id != NULL
        && (found = g_hash_table_lookup(ledger_rows, info->key_id)) != NULL) {
        row = GPOINTER_TO_UINT(found) - 1;
        if (is_empty(table, row, LEDGER_RESPONSE_FRAME)) {
            set_number(table, row, LEDGER_RESPONSE_FRAME, pinfo->num);
            kq1_table_set_string(table, row, LEDGER_VERDICT, verdict_name(info->verdict));
        }
    }
    return info->n_keys > 0 || info->code == 0x1302 ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void
ledger_reset(stat_tap_table *table)
{
    /* Rows are keyed by key ID: a new pass starts from none. */
    kq1_table_remove_rows(table);
    if (ledger_rows != NULL)
        g_hash_table_remove_all(ledger_rows);
}

void
kq1_stats_register_ledger(void)
{
    static tap_param ledger_params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, true }
    };
    static stat_tap_table_ui ledger_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        "Kq-1 Key Ledger",
        "kq1",
        "kq1,keys",
        ledger_init,
        ledger_packet,
        ledger_reset,
        kq1_table_free_item,
        NULL,
        G_N_ELEMENTS(ledger_fields), ledger_fields,
        G_N_ELEMENTS(ledger_params), ledger_params,
        NULL,
        0
    };

    register_stat_tap_table_ui(&ledger_ui);
}
