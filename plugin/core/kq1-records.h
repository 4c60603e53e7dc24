/* kq1-records.h
 * An append-only array of fixed-size records, kept in chunks that never
 * move: growing it never copies what it holds nor leaves a freed copy
 * behind, so what a capture keeps costs its size and no more. GLib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_RECORDS_H
#define KQ1_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "kq1-alloc.h"

typedef struct kq1_records kq1_records_t;

/* Records of record_size bytes, allocated by allocator (which must outlive
 * them). */
kq1_records_t *kq1_records_new(size_t record_size, const kq1_allocator_t *allocator);
/* Frees them; the plugin leaves that to wmem_file_scope(), its allocator's scope. */
void kq1_records_free(kq1_records_t *records);

/* A new record at the end, zeroed; NULL past UINT32_MAX records. Records
 * already held stay where they are. */
void *kq1_records_append(kq1_records_t *records);

/* The record at position (below kq1_records_count). */
void *kq1_records_at(const kq1_records_t *records, uint32_t position);

uint32_t kq1_records_count(const kq1_records_t *records);

/* The position of the first record that does not come before key, records
 * being kept in that order (binary search): compare(record, key) is
 * negative for a record that comes before it. kq1_records_count when none. */
uint32_t kq1_records_search(const kq1_records_t *records, const void *key,
                            int (*compare)(const void *record, const void *key));

#endif /* KQ1_RECORDS_H */
