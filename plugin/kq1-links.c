/* kq1-links.c
 * The key links table, from the "kq1" tap: one row per link a key travels
 * (a QKD module to its KM; for ETSI GS QKD 014 the master SAE to the
 * slave), how many keys and bits, at what rate, the longest wait between
 * two keys, what became of their other halves, the last key store count
 * a KME gave, and how its weakest connection was protected (tshark -z
 * kq1,links; Statistics > Kq-1 Links).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>

#include "kq1-stat-table.h"
#include "kq1-tap.h"

enum {
    LINK_NAME,
    LINK_KEYS,
    LINK_BITS,
    LINK_RATE,
    LINK_LONGEST_GAP,
    LINK_VERIFIED,
    LINK_MISMATCHED,
    LINK_MISSING,
    LINK_MATERIAL_REUSED,
    LINK_STORED,
    LINK_TRANSPORT
};

/* Cells with nothing to say (no rate from a single key, no key store
 * count) are empty strings, not 0. */
static stat_tap_table_item links_fields[] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Link",             "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Keys",             "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bits",             "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Bits/s",           "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Longest gap (s)",  "%s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Verified",         "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Mismatched",       "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Missing",          "%u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Material reused",  "%u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Stored key count", "%s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Transport",        "%s" },
};

static const char *const links_title = "Kq-1 Links";

/* What a row adds up, beside its cells. */
typedef struct {
    uint64_t bits;
    double   first, last;      /* times of its first and last key, in seconds */
    double   longest_gap;
    int      weakest;          /* rank of its weakest connection (transport_rank), -1 for none yet */
} link_sums_t;

/* How weak a connection's protection is, weakest first: in the clear, TLS
 * with the server alone authenticated, TLS whose handshake was not read,
 * mutual TLS. */
static int
transport_rank(kq1_transport_level_t level)
{
    switch (level) {
    case KQ1_TRANSPORT_NONE:       return 0;
    case KQ1_TRANSPORT_TLS:        return 1;
    case KQ1_TRANSPORT_UNKNOWN:    return 2;
    case KQ1_TRANSPORT_MUTUAL_TLS: return 3;
    }
    return 2;
}


/* While the table is open: link name -> row + 1; key ID -> row + 1 of the
 * link that got its first half, to count a pair's outcome at both ends;
 * each row's sums. */
static GHashTable *link_rows;
static GHashTable *first_halves;
static GArray *sums;

static void
forget_rows(void)
{
    if (link_rows == NULL) {
        link_rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        first_halves = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        sums = g_array_new(false, true, sizeof(link_sums_t));
    }
    g_hash_table_remove_all(link_rows);
    g_hash_table_remove_all(first_halves);
    g_array_set_size(sums, 0);
}

static void
links_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, links_title);

    forget_rows();
    if (table != NULL) {
        if (ui->stat_tap_reset_table_cb != NULL)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    stat_tap_add_table(ui, stat_tap_init_table(links_title, G_N_ELEMENTS(links_fields), 0, NULL));
}

/* The row of a link, added if there is none. */
static unsigned
link_row(stat_tap_table *table, const char *name)
{
    gpointer found = g_hash_table_lookup(link_rows, name);
    link_sums_t none = { 0, 0.0, 0.0, 0.0, -1 };
    unsigned row;

    if (found != NULL)
        return GPOINTER_TO_UINT(found) - 1;
    row = kq1_table_add_row(table, links_fields, G_N_ELEMENTS(links_fields));
    kq1_table_set_string(table, row, LINK_NAME, name);
    g_array_append_val(sums, none);
    g_hash_table_insert(link_rows, g_strdup(name), GUINT_TO_POINTER(row + 1));
    return row;
}

/* A key at a link: its count, bits, rate and gap. */
static void
add_key(stat_tap_table *table, unsigned row, double when, uint32_t bits)
{
    link_sums_t *sum = &g_array_index(sums, link_sums_t, row);
    char text[64];

    if (kq1_table_uint(table, row, LINK_KEYS) == 0) {
        sum->first = sum->last = when;
    } else {
        if (when - sum->last > sum->longest_gap)
            sum->longest_gap = when - sum->last;
        sum->last = when;
        snprintf(text, sizeof text, "%.3f", sum->longest_gap);
        kq1_table_set_string(table, row, LINK_LONGEST_GAP, text);
    }
    kq1_table_add_uint(table, row, LINK_KEYS, 1);
    sum->bits += bits;
    kq1_table_add_uint(table, row, LINK_BITS, bits);
    if (sum->last > sum->first) {
        snprintf(text, sizeof text, "%.1f", (double)sum->bits / (sum->last - sum->first));
        kq1_table_set_string(table, row, LINK_RATE, text);
    }
}

/* A link's Transport cell: its weakest connection, "none", or the TLS
 * version and who was authenticated. */
static void
note_transport(stat_tap_table *table, unsigned row, const kq1_transport_t *transport)
{
    link_sums_t *sum = &g_array_index(sums, link_sums_t, row);
    int rank = transport_rank(transport->level);
    char text[64];
    const char *version;

    if (sum->weakest >= 0 && sum->weakest <= rank)
        return;
    sum->weakest = rank;
    version = transport->tls_version == 0x0304 ? "TLS 1.3" : transport->tls_version == 0x0303 ? "TLS 1.2"
              : transport->tls_version == 0x0302 ? "TLS 1.1" : transport->tls_version == 0x0301 ? "TLS 1.0"
              : "TLS";
    snprintf(text, sizeof text, "%s%s", transport->level == KQ1_TRANSPORT_NONE ? "none" : version,
             transport->level == KQ1_TRANSPORT_TLS ? ", server only"
             : transport->level == KQ1_TRANSPORT_MUTUAL_TLS ? ", mutual"
             : transport->level == KQ1_TRANSPORT_UNKNOWN ? ", handshake not read" : "");
    kq1_table_set_string(table, row, LINK_TRANSPORT, text);
}

/* The outcome of a pair, counted once it is known (at the later half, in
 * one pass as in two) at both its links. */
static void
add_pair(stat_tap_table *table, unsigned row, const kq1_tap_key_t *key)
{
    gpointer found = g_hash_table_lookup(first_halves, key->key_id);
    unsigned column = key->links.pair_status == KQ1_PAIR_VERIFIED ? LINK_VERIFIED
                      : key->links.pair_status == KQ1_PAIR_MISMATCH ? LINK_MISMATCHED : 0;

    if (column == 0)
        return;
    kq1_table_add_uint(table, row, column, 1);
    if (found != NULL && GPOINTER_TO_UINT(found) - 1 != row)
        kq1_table_add_uint(table, GPOINTER_TO_UINT(found) - 1, column, 1);
}

/* The row of a key's link for counting it: a QKD 014 key by key ID, the
 * slave's half of a key the master's link delivered, counts there as that
 * link's pair; any other key at its own link (row_of: its row, or UINT_MAX
 * when not added yet). */
static unsigned
key_row(stat_tap_table *table, const kq1_tap_info_t *info, const kq1_tap_key_t *key, unsigned *row_of,
        bool *as_pair_only)
{
    gpointer first = g_hash_table_lookup(first_halves, key->key_id);

    *as_pair_only = info->qkd014_only && key->links.later_half && first != NULL;
    if (*as_pair_only)
        return GPOINTER_TO_UINT(first) - 1;
    if (*row_of == UINT_MAX)
        *row_of = link_row(table, info->link);
    /* The first half of a key: on the first pass, no other supply before
     * it; on a second, the half whose partner comes later. */
    if (first == NULL && key->links.reused_from == 0 && !key->links.later_half)
        g_hash_table_insert(first_halves, g_strdup(key->key_id), GUINT_TO_POINTER(*row_of + 1));
    return *row_of;
}

static tap_packet_status
links_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    stat_tap_table *table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    double when = nstime_to_sec(&pinfo->abs_ts);
    unsigned own = UINT_MAX;
    char text[32];

    if (info->link == NULL || (info->n_keys == 0 && !info->has_stored_key_count))
        return TAP_PACKET_DONT_REDRAW;
    if (info->has_stored_key_count) {
        own = link_row(table, info->link);
        snprintf(text, sizeof text, "%" PRId64, info->stored_key_count);
        kq1_table_set_string(table, own, LINK_STORED, text);
    }
    for (unsigned i = 0; i < info->n_keys; i++) {
        const kq1_tap_key_t *key = &info->keys[i];
        bool as_pair_only;
        unsigned row;

        if (key->key_id == NULL)
            continue;
        row = key_row(table, info, key, &own, &as_pair_only);
        if (key->links.later_half)
            add_pair(table, row, key);
        if (as_pair_only)
            continue;
        add_key(table, row, when, key->bits);
        note_transport(table, row, &info->transport);
        if (key->links.missing)
            kq1_table_add_uint(table, row, LINK_MISSING, 1);
        if (key->links.material_from != 0)
            kq1_table_add_uint(table, row, LINK_MATERIAL_REUSED, 1);
    }
    return TAP_PACKET_REDRAW;
}

static void
links_reset(stat_tap_table *table)
{
    kq1_table_remove_rows(table);
    if (link_rows != NULL)
        forget_rows();
}

void
kq1_stats_register_links(void)
{
    static tap_param links_params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, true }
    };
    static stat_tap_table_ui links_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        "Kq-1 Links",
        "kq1",
        "kq1,links",
        links_init,
        links_packet,
        links_reset,
        kq1_table_free_item,
        NULL,
        G_N_ELEMENTS(links_fields), links_fields,
        G_N_ELEMENTS(links_params), links_params,
        NULL,
        0
    };

    register_stat_tap_table_ui(&links_ui);
}
