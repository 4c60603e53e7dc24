/* kq1-index.c
 * An open-addressing hash index with linear probing, grown by doubling at
 * three quarters full.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-index.h"

struct kq1_index {
    const kq1_allocator_t *allocator;
    kq1_index_key_t        key_of;
    const void            *owner;
    uint32_t              *slots;     /* record number + 1, or 0 for an empty slot */
    uint32_t               n_slots;   /* a power of two, or 0 */
    uint32_t               count;
};

/* A 64-bit mix (splitmix64's finaliser), so that keys that differ in a few
 * bits fall far apart. */
static uint32_t
hash_of(uint64_t key)
{
    key ^= key >> 30;
    key *= UINT64_C(0xbf58476d1ce4e5b9);
    key ^= key >> 27;
    key *= UINT64_C(0x94d049bb133111eb);
    key ^= key >> 31;
    return (uint32_t)key;
}

kq1_index_t *
kq1_index_new(const kq1_allocator_t *allocator, kq1_index_key_t key_of, const void *owner)
{
    kq1_index_t *ix = (kq1_index_t *)allocator->allocate(sizeof(kq1_index_t));

    memset(ix, 0, sizeof(*ix));
    ix->allocator = allocator;
    ix->key_of = key_of;
    ix->owner = owner;
    return ix;
}

void
kq1_index_free(kq1_index_t *ix)
{
    if (ix == NULL)
        return;
    ix->allocator->release(ix->slots);
    ix->allocator->release(ix);
}

static void
place(uint32_t *slots, uint32_t n_slots, uint32_t hash, uint32_t number)
{
    uint32_t i = hash & (n_slots - 1);

    while (slots[i] != 0)
        i = (i + 1) & (n_slots - 1);
    slots[i] = number + 1;
}

static void
grow(kq1_index_t *ix)
{
    uint32_t n_slots = ix->n_slots == 0 ? 64 : ix->n_slots * 2;
    uint32_t *slots = (uint32_t *)ix->allocator->allocate(n_slots * sizeof(uint32_t));

    memset(slots, 0, n_slots * sizeof(uint32_t));
    for (uint32_t i = 0; i < ix->n_slots; i++) {
        if (ix->slots[i] != 0)
            place(slots, n_slots, hash_of(ix->key_of(ix->owner, ix->slots[i] - 1)), ix->slots[i] - 1);
    }
    ix->allocator->release(ix->slots);
    ix->slots = slots;
    ix->n_slots = n_slots;
}

uint32_t
kq1_index_find(const kq1_index_t *ix, uint64_t key)
{
    uint32_t i;

    if (ix->n_slots == 0)
        return KQ1_INDEX_NONE;
    for (i = hash_of(key) & (ix->n_slots - 1); ix->slots[i] != 0; i = (i + 1) & (ix->n_slots - 1)) {
        if (ix->key_of(ix->owner, ix->slots[i] - 1) == key)
            return ix->slots[i] - 1;
    }
    return KQ1_INDEX_NONE;
}

void
kq1_index_add(kq1_index_t *ix, uint32_t number)
{
    if ((uint64_t)(ix->count + 1) * 4 > (uint64_t)ix->n_slots * 3)
        grow(ix);
    place(ix->slots, ix->n_slots, hash_of(ix->key_of(ix->owner, number)), number);
    ix->count++;
}

size_t
kq1_index_bytes(const kq1_index_t *ix)
{
    return sizeof(*ix) + (size_t)ix->n_slots * sizeof(uint32_t);
}
