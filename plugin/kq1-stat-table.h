/* kq1-stat-table.h
 * What the plugin's stat tap tables (the key ledger, the key links) share:
 * cells of strings the table owns, counters, rows added with every string
 * cell empty, and emptying or freeing a table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_STAT_TABLE_H
#define KQ1_STAT_TABLE_H

#include <epan/stat_tap_ui.h>

#include "kq1-compat.h"

/* A copy of text into a string cell (its old text freed). */
void kq1_table_set_string(stat_tap_table *table, unsigned row, unsigned column, const char *text);

/* A number cell set, raised by value, or read. */
void kq1_table_set_uint(stat_tap_table *table, unsigned row, unsigned column, unsigned value);
void kq1_table_add_uint(stat_tap_table *table, unsigned row, unsigned column, unsigned value);
unsigned kq1_table_uint(stat_tap_table *table, unsigned row, unsigned column);

/* A new last row of the table's fields (n of them), its string cells empty
 * and its numbers 0; returns its index. */
unsigned kq1_table_add_row(stat_tap_table *table, const stat_tap_table_item *fields, unsigned n);

/* Every row removed and its strings freed (a stat_tap_table_ui's reset, but
 * for what the caller keeps beside the rows). */
void kq1_table_remove_rows(stat_tap_table *table);

/* A stat_tap_table_ui's free callback for such cells. */
void kq1_table_free_item(stat_tap_table *table, unsigned row, unsigned column, stat_tap_table_item_type *field);

#endif /* KQ1_STAT_TABLE_H */
