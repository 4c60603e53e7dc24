/* kq1-stat-table.c
 * The cells, rows and clean-up the plugin's stat tap tables share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <epan/packet.h>

#include "kq1-stat-table.h"

void
kq1_table_set_string(stat_tap_table *table, unsigned row, unsigned column, const char *text)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, column);

    g_free((char *)item->value.string_value);
    item->value.string_value = g_strdup(text);
    stat_tap_set_field_data(table, row, column, item);
}

void
kq1_table_set_uint(stat_tap_table *table, unsigned row, unsigned column, unsigned value)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, column);

    item->value.uint_value = value;
    stat_tap_set_field_data(table, row, column, item);
}

void
kq1_table_add_uint(stat_tap_table *table, unsigned row, unsigned column, unsigned value)
{
    kq1_table_set_uint(table, row, column, kq1_table_uint(table, row, column) + value);
}

unsigned
kq1_table_uint(stat_tap_table *table, unsigned row, unsigned column)
{
    return stat_tap_get_field_data(table, row, column)->value.uint_value;
}

unsigned
kq1_table_add_row(stat_tap_table *table, const stat_tap_table_item *fields, unsigned n)
{
    stat_tap_table_item_type *items = g_new0(stat_tap_table_item_type, n);
    unsigned row = table->num_elements;

    for (unsigned i = 0; i < n; i++)
        items[i].type = fields[i].type;
    /* The table copies the items. */
    stat_tap_init_table_row(table, row, n, items);
    g_free(items);
    for (unsigned column = 0; column < n; column++) {
        if (fields[column].type == TABLE_ITEM_STRING)
            kq1_table_set_string(table, row, column, "");
    }
    return row;
}

void
kq1_table_remove_rows(stat_tap_table *table)
{
    for (unsigned row = 0; row < table->num_elements; row++) {
        for (unsigned column = 0; column < table->num_fields; column++)
            kq1_table_free_item(table, row, column, stat_tap_get_field_data(table, row, column));
        g_free(table->elements[row]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

void
kq1_table_free_item(stat_tap_table *table _U_, unsigned row _U_, unsigned column _U_, stat_tap_table_item_type *field)
{
    if (field->type == TABLE_ITEM_STRING)
        g_free((char *)field->value.string_value);
}
