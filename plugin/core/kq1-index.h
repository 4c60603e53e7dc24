/* kq1-index.h
 * An open-addressing hash index of numbered records: each slot holds a
 * record's number, and the record's key (a 64-bit number) is read back from
 * the record itself through the owner's callback, so that the index costs 4
 * bytes a slot and no copy of the keys. GLib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_INDEX_H
#define KQ1_INDEX_H

#include <stdint.h>

#include "kq1-alloc.h"

/* No record. */
#define KQ1_INDEX_NONE UINT32_MAX

typedef struct kq1_index kq1_index_t;

/* The key of record number `number`, from the owner's records. */
typedef uint64_t (*kq1_index_key_t)(const void *owner, uint32_t number);

kq1_index_t *kq1_index_new(const kq1_allocator_t *allocator, kq1_index_key_t key_of, const void *owner);
/* The plugin leaves freeing to wmem_file_scope(), its allocator's scope. */
void kq1_index_free(kq1_index_t *ix);

/* The number of the record with this key, or KQ1_INDEX_NONE. */
uint32_t kq1_index_find(const kq1_index_t *ix, uint64_t key);

/* Adds record `number`, whose key the index does not hold yet. */
void kq1_index_add(kq1_index_t *ix, uint32_t number);

/* Bytes the index has allocated, for the tests. */
size_t kq1_index_bytes(const kq1_index_t *ix);

#endif /* KQ1_INDEX_H */
