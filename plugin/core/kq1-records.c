/* kq1-records.c
 * Records in chunks of RECORDS_PER_CHUNK.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-records.h"

/* 32,768 records: a chunk of 256 KiB or more, which malloc (below wmem too)
 * maps on its own rather than carving from the heap between short-lived
 * blocks; its pages cost memory only once used. */
#define CHUNK_BITS 15
#define RECORDS_PER_CHUNK (1u << CHUNK_BITS)

struct kq1_records {
    const kq1_allocator_t *allocator;
    size_t     record_size;
    uint32_t   count;
    uint8_t  **chunks;
    uint32_t   n_chunks;       /* chunks in use */
    uint32_t   room;           /* chunks the array of chunks can hold */
};

kq1_records_t *
kq1_records_new(size_t record_size, const kq1_allocator_t *allocator)
{
    kq1_records_t *records = (kq1_records_t *)allocator->allocate(sizeof(kq1_records_t));

    memset(records, 0, sizeof(*records));
    records->allocator = allocator;
    records->record_size = record_size;
    return records;
}

void
kq1_records_free(kq1_records_t *records)
{
    if (records == NULL)
        return;
    for (uint32_t i = 0; i < records->n_chunks; i++)
        records->allocator->release(records->chunks[i]);
    records->allocator->release(records->chunks);
    records->allocator->release(records);
}

/* One more chunk, the array of chunks doubled when full. */
static void
add_chunk(kq1_records_t *records)
{
    const kq1_allocator_t *allocator = records->allocator;

    if (records->n_chunks == records->room) {
        uint32_t room = records->room == 0 ? 8 : records->room * 2;
        uint8_t **chunks = (uint8_t **)allocator->allocate(room * sizeof(uint8_t *));

        if (records->n_chunks > 0)
            memcpy(chunks, records->chunks, records->n_chunks * sizeof(uint8_t *));
        allocator->release(records->chunks);
        records->chunks = chunks;
        records->room = room;
    }
    records->chunks[records->n_chunks++] =
        (uint8_t *)allocator->allocate(records->record_size * RECORDS_PER_CHUNK);
}

void *
kq1_records_append(kq1_records_t *records)
{
    uint32_t position = records->count;
    void *record;

    if (position == UINT32_MAX)
        return NULL;
    /* Not zeroed as a whole: its pages cost memory only once used. */
    if (position >> CHUNK_BITS == records->n_chunks)
        add_chunk(records);
    records->count++;
    record = kq1_records_at(records, position);
    memset(record, 0, records->record_size);
    return record;
}

void *
kq1_records_at(const kq1_records_t *records, uint32_t position)
{
    uint8_t *chunk = records->chunks[position >> CHUNK_BITS];

    return chunk + (size_t)(position & (RECORDS_PER_CHUNK - 1)) * records->record_size;
}

uint32_t
kq1_records_count(const kq1_records_t *records)
{
    return records->count;
}

uint32_t
kq1_records_search(const kq1_records_t *records, const void *key, int (*compare)(const void *record, const void *key))
{
    uint32_t low = 0, high = records->count;

    while (low < high) {
        uint32_t mid = low + (high - low) / 2;

        if (compare(kq1_records_at(records, mid), key) < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}
