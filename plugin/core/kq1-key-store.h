/* kq1-key-store.h
 * The key IDs of a capture, each kept once and small, numbered 0, 1, 2...
 * in the order first added. A capture of millions of keys must not cost
 * hundreds of bytes per key ID (BENCHMARKS.md): a key ID written as a
 * lower-case UUID (ETSI GS QKD 014's form, what QKD systems send) takes 16
 * bytes, any other its length plus 2, and the index 8 to 14 bytes more.
 * GLib only, so it is unit-tested without Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_KEY_STORE_H
#define KQ1_KEY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kq1-alloc.h"

/* No key ID: not in the store, or the store is full. */
#define KQ1_KEY_NONE UINT32_MAX

typedef struct kq1_key_store kq1_key_store_t;

/* A store whose memory comes from allocator (which must outlive it). */
kq1_key_store_t *kq1_key_store_new(const kq1_allocator_t *allocator);
/* Frees it; the plugin leaves that to wmem_file_scope(), its allocator's scope. */
void kq1_key_store_free(kq1_key_store_t *store);

/* The number of key_id (len bytes, any bytes), adding it when absent;
 * *added says which. KQ1_KEY_NONE when the store cannot hold it (2^31 bytes
 * of key IDs, or a key ID of 65,536 bytes or more). */
uint32_t kq1_key_store_add(kq1_key_store_t *store, const char *key_id, size_t len, bool *added);

/* The number of key_id, or KQ1_KEY_NONE. */
uint32_t kq1_key_store_find(const kq1_key_store_t *store, const char *key_id, size_t len);

/* How many key IDs the store holds. */
uint32_t kq1_key_store_count(const kq1_key_store_t *store);

/* Bytes the store has allocated, for tests and the benchmark's sake. */
size_t kq1_key_store_bytes(const kq1_key_store_t *store);

#endif /* KQ1_KEY_STORE_H */
