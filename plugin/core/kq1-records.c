/* kq1-records.c
 * Records in chunks of RECORDS_PER_CHUNK.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-records.h"

/* 32,768 records: a chunk of 256 KiB or more, which malloc maps on its own
 * rather than carving from the heap between short-lived blocks; its pages
 * cost memory only once used. */
#define CHUNK_BITS 15
#define RECORDS_PER_CHUNK (1u << CHUNK_BITS)

struct kq1_records {
    size_t     record_size;
    uint32_t   count;
    GPtrArray *chunks;
};

kq1_records_t *
kq1_records_new(size_t record_size)
{
    kq1_records_t *records = g_new0(kq1_records_t, 1);

    records->record_size = record_size;
    records->chunks = g_ptr_array_new_with_free_func(g_free);
    return records;
}

void
kq1_records_free(kq1_records_t *records)
{
    if (records == NULL)
        return;
    g_ptr_array_free(records->chunks, TRUE);
    g_free(records);
}

void *
kq1_records_append(kq1_records_t *records)
{
    uint32_t position = records->count;
    void *record;

    if (position == UINT32_MAX)
        return NULL;
    /* Not zeroed as a whole: its pages cost memory only once used. */
    if (position >> CHUNK_BITS == records->chunks->len)
        g_ptr_array_add(records->chunks, g_malloc(records->record_size * RECORDS_PER_CHUNK));
    records->count++;
    record = kq1_records_at(records, position);
    memset(record, 0, records->record_size);
    return record;
}

void *
kq1_records_at(const kq1_records_t *records, uint32_t position)
{
    uint8_t *chunk = (uint8_t *)g_ptr_array_index(records->chunks, position >> CHUNK_BITS);

    return chunk + (size_t)(position & (RECORDS_PER_CHUNK - 1)) * records->record_size;
}

uint32_t
kq1_records_count(const kq1_records_t *records)
{
    return records->count;
}
