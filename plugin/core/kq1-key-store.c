/* kq1-key-store.c
 * An open-addressing hash set of key IDs over one byte arena.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-key-store.h"
#include "kq1-records.h"

#define UUID_TEXT_LEN 36
#define UUID_BYTES 16
/* An entry's "where": the arena chunk and offset of its bytes; this bit
 * set, they are a UUID's 16 bytes, else a 2-byte length and the text. The
 * arena is chunks of ARENA_CHUNK bytes, each key ID whole in one (the
 * longest, 65,535 bytes and its length, fits), and none moves once made. */
#define PACKED_UUID 0x80000000u
#define ARENA_BITS  17
#define ARENA_CHUNK (1u << ARENA_BITS)
#define MAX_CHUNKS  (1u << (31 - ARENA_BITS))

/* A key ID's entry: where its bytes are (its hash is worked out again from
 * them when the slots grow, rather than kept). */
typedef struct {
    uint32_t where;
} entry_t;

struct kq1_key_store {
    const kq1_allocator_t *allocator;
    kq1_records_t *entries;    /* entry_t, by key number */
    kq1_records_t *arena;      /* chunks of every key ID's bytes (a pointer each), one after another */
    uint32_t       arena_used; /* bytes used in the last chunk */
    uint32_t      *slots;      /* key number + 1, or 0 for an empty slot */
    uint32_t       n_slots;    /* a power of two */
};

static uint8_t *
arena_chunk(const kq1_key_store_t *store, uint32_t n)
{
    return *(uint8_t **)kq1_records_at(store->arena, n);
}

static const uint8_t *
arena_bytes(const kq1_key_store_t *store, uint32_t where)
{
    where &= ~PACKED_UUID;
    return arena_chunk(store, where >> ARENA_BITS) + (where & (ARENA_CHUNK - 1));
}

static entry_t *
entry_at(const kq1_key_store_t *store, uint32_t number)
{
    return (entry_t *)kq1_records_at(store->entries, number);
}

/* A key ID in the form it is kept and compared in. */
typedef struct {
    const uint8_t *bytes;
    size_t         len;
    bool           uuid;
    uint8_t        packed[UUID_BYTES];
    uint32_t       hash;
} probe_t;

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;     /* upper case is kept as text: packing it would lose its case */
}

/* true and out filled when text is a UUID in lower case: 8-4-4-4-12 hex digits. */
static bool
pack_uuid(const char *text, size_t len, uint8_t out[UUID_BYTES])
{
    unsigned n = 0;

    if (len != UUID_TEXT_LEN)
        return false;
    for (size_t i = 0; i < len; i += 2) {
        int high, low;

        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-')
                return false;
            i--;    /* the next pair starts right after the hyphen */
            continue;
        }
        high = hex_value(text[i]);
        low = hex_value(text[i + 1]);
        if (high < 0 || low < 0)
            return false;
        out[n++] = (uint8_t)(high << 4 | low);
    }
    return n == UUID_BYTES;
}

/* FNV-1a over the form kept, with the form in the seed. */
static uint32_t
hash_bytes(const uint8_t *bytes, size_t len, bool uuid)
{
    uint32_t hash = uuid ? 2166136261u : 2166136261u ^ 0x5bd1e995u;

    for (size_t i = 0; i < len; i++) {
        hash ^= bytes[i];
        hash *= 16777619u;
    }
    return hash;
}

static void
make_probe(probe_t *probe, const char *key_id, size_t len)
{
    probe->uuid = pack_uuid(key_id, len, probe->packed);
    probe->bytes = probe->uuid ? probe->packed : (const uint8_t *)key_id;
    probe->len = probe->uuid ? UUID_BYTES : len;
    probe->hash = hash_bytes(probe->bytes, probe->len, probe->uuid);
}

static bool
entry_is(const kq1_key_store_t *store, const entry_t *entry, const probe_t *probe)
{
    const uint8_t *kept = arena_bytes(store, entry->where);

    if (((entry->where & PACKED_UUID) != 0) != probe->uuid)
        return false;
    if (probe->uuid)
        return memcmp(kept, probe->bytes, UUID_BYTES) == 0;
    return (size_t)(kept[0] | kept[1] << 8) == probe->len && memcmp(kept + 2, probe->bytes, probe->len) == 0;
}

/* The slot that holds probe's key, or the empty slot where it would go. */
static uint32_t
find_slot(const kq1_key_store_t *store, const probe_t *probe)
{
    uint32_t mask = store->n_slots - 1;

    for (uint32_t i = probe->hash & mask;; i = (i + 1) & mask) {
        uint32_t held = store->slots[i];

        if (held == 0 || entry_is(store, entry_at(store, held - 1), probe))
            return i;
    }
}

static void
grow_slots(kq1_key_store_t *store)
{
    uint32_t n = store->n_slots * 2, mask = n - 1;
    uint32_t *slots = (uint32_t *)store->allocator->allocate(n * sizeof(uint32_t));

    memset(slots, 0, n * sizeof(uint32_t));

    for (uint32_t k = 0; k < kq1_records_count(store->entries); k++) {
        uint32_t where = entry_at(store, k)->where;
        const uint8_t *kept = arena_bytes(store, where);
        uint32_t i = ((where & PACKED_UUID) != 0 ? hash_bytes(kept, UUID_BYTES, true)
                      : hash_bytes(kept + 2, (size_t)(kept[0] | kept[1] << 8), false)) & mask;

        while (slots[i] != 0)
            i = (i + 1) & mask;
        slots[i] = k + 1;
    }
    store->allocator->release(store->slots);
    store->slots = slots;
    store->n_slots = n;
}

kq1_key_store_t *
kq1_key_store_new(const kq1_allocator_t *allocator)
{
    kq1_key_store_t *store = (kq1_key_store_t *)allocator->allocate(sizeof(kq1_key_store_t));

    memset(store, 0, sizeof(*store));
    store->allocator = allocator;
    store->entries = kq1_records_new(sizeof(entry_t), allocator);
    store->arena = kq1_records_new(sizeof(uint8_t *), allocator);
    store->n_slots = 64;
    store->slots = (uint32_t *)allocator->allocate(store->n_slots * sizeof(uint32_t));
    memset(store->slots, 0, store->n_slots * sizeof(uint32_t));
    return store;
}

void
kq1_key_store_free(kq1_key_store_t *store)
{
    if (store == NULL)
        return;
    for (uint32_t i = 0; i < kq1_records_count(store->arena); i++)
        store->allocator->release(arena_chunk(store, i));
    kq1_records_free(store->arena);
    kq1_records_free(store->entries);
    store->allocator->release(store->slots);
    store->allocator->release(store);
}

uint32_t
kq1_key_store_find(const kq1_key_store_t *store, const char *key_id, size_t len)
{
    probe_t probe;
    uint32_t held;

    make_probe(&probe, key_id, len);
    held = store->slots[find_slot(store, &probe)];
    return held == 0 ? KQ1_KEY_NONE : held - 1;
}

uint32_t
kq1_key_store_add(kq1_key_store_t *store, const char *key_id, size_t len, bool *added)
{
    probe_t probe;
    uint32_t slot, held, need, number;
    entry_t *entry;
    uint8_t *bytes;

    *added = false;
    make_probe(&probe, key_id, len);
    slot = find_slot(store, &probe);
    held = store->slots[slot];
    if (held != 0)
        return held - 1;
    if (probe.len > UINT16_MAX)
        return KQ1_KEY_NONE;
    need = (uint32_t)probe.len + (probe.uuid ? 0 : 2);
    if (kq1_records_count(store->arena) == 0 || store->arena_used + need > ARENA_CHUNK) {
        if (kq1_records_count(store->arena) == MAX_CHUNKS)
            return KQ1_KEY_NONE;
        /* Not zeroed: its pages cost memory only once used. */
        *(uint8_t **)kq1_records_append(store->arena) = (uint8_t *)store->allocator->allocate(ARENA_CHUNK);
        store->arena_used = 0;
    }
    entry = (entry_t *)kq1_records_append(store->entries);
    if (entry == NULL)
        return KQ1_KEY_NONE;
    entry->where = (kq1_records_count(store->arena) - 1) << ARENA_BITS | store->arena_used
                   | (probe.uuid ? PACKED_UUID : 0);
    bytes = arena_chunk(store, kq1_records_count(store->arena) - 1) + store->arena_used;
    if (!probe.uuid) {
        *bytes++ = (uint8_t)(probe.len & 0xff);
        *bytes++ = (uint8_t)(probe.len >> 8);
    }
    memcpy(bytes, probe.bytes, probe.len);
    store->arena_used += need;
    number = kq1_records_count(store->entries) - 1;
    store->slots[slot] = number + 1;
    /* At most three slots in four are taken, so probes stay short. */
    if ((uint64_t)number * 4 > (uint64_t)store->n_slots * 3)
        grow_slots(store);
    *added = true;
    return number;
}

uint32_t
kq1_key_store_count(const kq1_key_store_t *store)
{
    return kq1_records_count(store->entries);
}

size_t
kq1_key_store_bytes(const kq1_key_store_t *store)
{
    return sizeof(*store) + (size_t)kq1_records_count(store->entries) * sizeof(entry_t)
           + (kq1_records_count(store->arena) > 0
              ? (size_t)(kq1_records_count(store->arena) - 1) * ARENA_CHUNK + store->arena_used : 0)
           + (size_t)store->n_slots * sizeof(uint32_t);
}
