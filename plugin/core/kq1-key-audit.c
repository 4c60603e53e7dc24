/* kq1-key-audit.c
 * Supplies as records: the first of each key ID (24 bytes: where, by whom,
 * and its key's digest and size), the later ones (12 bytes: where, by whom,
 * and how they compare with the first), and an index of first supplies by
 * digest for key material under two key IDs. A later supply is compared
 * with the first only: it is the first's other half or a reuse of it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-index.h"
#include "kq1-key-audit.h"
#include "kq1-records.h"

/* A key ID's first supply, by key number. The digest is split in two so
 * that the record needs no 8-byte alignment and stays 24 bytes. */
typedef struct {
    uint32_t frame;
    uint32_t parties;
    uint32_t next;          /* its first later supply: index in later + 1, or 0 */
    uint32_t bytes;         /* its key's size, 0 when not decoded */
    uint32_t digest_low;
    uint32_t digest_high;   /* both 0 when not decoded */
} first_supply_t;

/* A later supply of a key ID. */
typedef struct {
    uint32_t frame;
    uint32_t parties_and_status;   /* parties | kq1_pair_status_t << STATUS_SHIFT */
    uint32_t next;                 /* the next later supply: index in later + 1, or 0 */
} later_supply_t;

#define STATUS_SHIFT  30
#define PARTIES_MASK  ((1u << STATUS_SHIFT) - 1)

/* Later supplies kept of one key ID. A key ID has two halves; one supplied
 * more often than this is reused whatever the ends, and each further
 * supply is taken for a reuse of the first without being kept, so that a
 * capture repeating one key ID costs linear time, not quadratic. */
#define MAX_LATER_SUPPLIES 256

/* Who supplies keys to whom. partner is the first other parties a key was
 * paired with (a number + 1, 0 for none): the other end of their link;
 * the frames of the first and last halves it gave of keys paired so are
 * when both ends were in the capture. */
typedef struct {
    uint32_t module;
    uint32_t km;
    uint32_t partner;
    uint32_t first_paired;
    uint32_t last_paired;
} parties_t;

struct kq1_key_audit {
    const kq1_allocator_t *allocator;
    kq1_records_t *first;       /* first_supply_t, by key number */
    kq1_records_t *later;       /* later_supply_t */
    kq1_records_t *parties;     /* parties_t */
    kq1_index_t   *materials;   /* first supplies by digest: the first key number with each */
    kq1_index_t   *parties_index;
};

static uint64_t
digest_of(const first_supply_t *supply)
{
    return (uint64_t)supply->digest_high << 32 | supply->digest_low;
}

static uint64_t
material_key(const void *owner, uint32_t number)
{
    const kq1_key_audit_t *audit = (const kq1_key_audit_t *)owner;

    return digest_of((const first_supply_t *)kq1_records_at(audit->first, number));
}

static uint64_t
pack_parties(uint32_t module, uint32_t km)
{
    return (uint64_t)module << 32 | km;
}

static uint64_t
parties_key(const void *owner, uint32_t number)
{
    const kq1_key_audit_t *audit = (const kq1_key_audit_t *)owner;
    const parties_t *parties = (const parties_t *)kq1_records_at(audit->parties, number);

    return pack_parties(parties->module, parties->km);
}

kq1_key_audit_t *
kq1_key_audit_new(const kq1_allocator_t *allocator)
{
    kq1_key_audit_t *audit = (kq1_key_audit_t *)allocator->allocate(sizeof(kq1_key_audit_t));

    audit->allocator = allocator;
    audit->first = kq1_records_new(sizeof(first_supply_t), allocator);
    audit->later = kq1_records_new(sizeof(later_supply_t), allocator);
    audit->parties = kq1_records_new(sizeof(parties_t), allocator);
    audit->materials = kq1_index_new(allocator, material_key, audit);
    audit->parties_index = kq1_index_new(allocator, parties_key, audit);
    return audit;
}

void
kq1_key_audit_free(kq1_key_audit_t *audit)
{
    if (audit == NULL)
        return;
    kq1_records_free(audit->first);
    kq1_records_free(audit->later);
    kq1_records_free(audit->parties);
    kq1_index_free(audit->materials);
    kq1_index_free(audit->parties_index);
    audit->allocator->release(audit);
}

uint32_t
kq1_key_audit_parties(kq1_key_audit_t *audit, uint32_t module, uint32_t km)
{
    uint32_t number = kq1_index_find(audit->parties_index, pack_parties(module, km));
    parties_t *parties;

    if (number != KQ1_INDEX_NONE)
        return number;
    number = kq1_records_count(audit->parties);
    if (number > PARTIES_MASK)
        return KQ1_PARTIES_NONE;
    parties = (parties_t *)kq1_records_append(audit->parties);
    parties->module = module;
    parties->km = km;
    kq1_index_add(audit->parties_index, number);
    return number;
}

static const parties_t *
parties_at(const kq1_key_audit_t *audit, uint32_t number)
{
    return (const parties_t *)kq1_records_at(audit->parties, number);
}

/* Two supplies share a module or a KM: the later one is a reuse. */
static bool
share_an_end(const kq1_key_audit_t *audit, uint32_t a, uint32_t b)
{
    const parties_t *pa = parties_at(audit, a), *pb = parties_at(audit, b);

    return pa->module == pb->module || pa->km == pb->km;
}

static const later_supply_t *
later_at(const kq1_key_audit_t *audit, uint32_t next)
{
    return next == 0 ? NULL : (const later_supply_t *)kq1_records_at(audit->later, next - 1);
}

/* The first frame of the first key ID, other than key, supplied first with
 * this digest before frame; 0 when none. */
static uint32_t
material_from(const kq1_key_audit_t *audit, uint32_t key, uint64_t digest, uint32_t frame)
{
    uint32_t other = digest != 0 ? kq1_index_find(audit->materials, digest) : KQ1_INDEX_NONE;
    const first_supply_t *supply;

    if (other == KQ1_INDEX_NONE || other == key)
        return 0;
    supply = (const first_supply_t *)kq1_records_at(audit->first, other);
    return supply->frame <= frame ? supply->frame : 0;
}

static kq1_pair_status_t
compare_halves(const first_supply_t *first, uint64_t digest, uint32_t bytes)
{
    if (digest == 0 || digest_of(first) == 0)
        return KQ1_PAIR_NOT_COMPARABLE;
    return digest == digest_of(first) && bytes == first->bytes ? KQ1_PAIR_VERIFIED : KQ1_PAIR_MISMATCH;
}

/* One end of a link that gave a half of a key paired with the other end's,
 * in frame. */
static void
note_paired(parties_t *parties, uint32_t partner, uint32_t frame)
{
    if (parties->partner == 0) {
        parties->partner = partner + 1;
        parties->first_paired = frame;
    }
    parties->first_paired = MIN(parties->first_paired, frame);
    parties->last_paired = MAX(parties->last_paired, frame);
}

kq1_key_links_t
kq1_key_audit_note(kq1_key_audit_t *audit, uint32_t key, bool first, uint32_t frame, uint32_t parties,
                   uint64_t digest, uint32_t bytes)
{
    kq1_key_links_t links;
    first_supply_t *head;
    later_supply_t *supply, *tail = NULL;
    kq1_pair_status_t status = KQ1_PAIR_NONE;

    memset(&links, 0, sizeof(links));
    if (parties == KQ1_PARTIES_NONE)
        return links;
    if (first) {
        if (key != kq1_records_count(audit->first))
            return links;
        head = (first_supply_t *)kq1_records_append(audit->first);
        head->frame = frame;
        head->parties = parties;
        head->bytes = bytes;
        head->digest_low = (uint32_t)digest;
        head->digest_high = (uint32_t)(digest >> 32);
        links.material_from = material_from(audit, key, digest, frame);
        if (digest != 0 && kq1_index_find(audit->materials, digest) == KQ1_INDEX_NONE)
            kq1_index_add(audit->materials, key);
        return links;
    }
    if (key >= kq1_records_count(audit->first) || kq1_records_count(audit->later) >= UINT32_MAX - 1)
        return links;
    head = (first_supply_t *)kq1_records_at(audit->first, key);
    if (share_an_end(audit, head->parties, parties))
        links.reused_from = head->frame;
    for (uint32_t next = head->next, kept = 0; next != 0; next = tail->next) {
        tail = (later_supply_t *)kq1_records_at(audit->later, next - 1);
        if (links.reused_from == 0 && share_an_end(audit, tail->parties_and_status & PARTIES_MASK, parties))
            links.reused_from = tail->frame;
        if (++kept == MAX_LATER_SUPPLIES) {
            links.reused_from = links.reused_from != 0 ? links.reused_from : head->frame;
            return links;
        }
    }
    if (links.reused_from == 0) {
        status = compare_halves(head, digest, bytes);
        links.pair_partner = head->frame;
        links.pair_status = status;
        links.partner_bytes = head->bytes;
        links.later_half = true;
        note_paired((parties_t *)kq1_records_at(audit->parties, head->parties), parties, head->frame);
        note_paired((parties_t *)kq1_records_at(audit->parties, parties), head->parties, frame);
    }
    /* The same key ID with other bits may be another key ID's bits. */
    if (digest != digest_of(head))
        links.material_from = material_from(audit, key, digest, frame);
    /* Records never move: tail stays where it is. */
    supply = (later_supply_t *)kq1_records_append(audit->later);
    supply->frame = frame;
    supply->parties_and_status = parties | (uint32_t)status << STATUS_SHIFT;
    if (tail == NULL)
        head->next = kq1_records_count(audit->later);
    else
        tail->next = kq1_records_count(audit->later);
    return links;
}

kq1_key_links_t
kq1_key_audit_find(const kq1_key_audit_t *audit, uint32_t key, uint32_t frame, unsigned nth, uint64_t digest)
{
    kq1_key_links_t links;
    const first_supply_t *head;
    const later_supply_t *s;
    unsigned kept = 0;

    memset(&links, 0, sizeof(links));
    if (key >= kq1_records_count(audit->first))
        return links;
    head = (const first_supply_t *)kq1_records_at(audit->first, key);
    if (head->frame == frame && nth-- == 0) {
        const parties_t *parties = parties_at(audit, head->parties);

        /* The first half: its other half is the first later supply that
         * is not a reuse. */
        for (s = later_at(audit, head->next); s != NULL; s = later_at(audit, s->next)) {
            if ((s->parties_and_status >> STATUS_SHIFT) != KQ1_PAIR_NONE) {
                links.pair_partner = s->frame;
                links.pair_status = (kq1_pair_status_t)(s->parties_and_status >> STATUS_SHIFT);
                break;
            }
        }
        links.material_from = material_from(audit, key, digest, frame);
        /* Only while both ends were in the capture: the capture of one
         * may start later or end earlier than the other's. */
        links.missing = links.pair_partner == 0 && parties->partner != 0 && parties->first_paired <= frame
                        && frame <= parties->last_paired;
        return links;
    }
    for (s = later_at(audit, head->next); s != NULL; s = later_at(audit, s->next)) {
        uint32_t parties = s->parties_and_status & PARTIES_MASK;

        kept++;
        if (s->frame != frame || nth-- != 0)
            continue;
        /* Found: a reuse of the first supply before it that shares an end. */
        if (share_an_end(audit, head->parties, parties))
            links.reused_from = head->frame;
        for (const later_supply_t *e = later_at(audit, head->next); links.reused_from == 0 && e != s;
             e = later_at(audit, e->next)) {
            if (share_an_end(audit, e->parties_and_status & PARTIES_MASK, parties))
                links.reused_from = e->frame;
        }
        if (links.reused_from == 0) {
            links.pair_partner = head->frame;
            links.pair_status = (kq1_pair_status_t)(s->parties_and_status >> STATUS_SHIFT);
            links.partner_bytes = head->bytes;
            links.later_half = true;
        }
        if (digest != digest_of(head))
            links.material_from = material_from(audit, key, digest, frame);
        return links;
    }
    /* A supply past the ones kept: a reuse of the first (kq1_key_audit_note). */
    if (kept == MAX_LATER_SUPPLIES && frame > head->frame)
        links.reused_from = head->frame;
    return links;
}

size_t
kq1_key_audit_bytes(const kq1_key_audit_t *audit)
{
    return sizeof(*audit) + (size_t)kq1_records_count(audit->first) * sizeof(first_supply_t)
           + (size_t)kq1_records_count(audit->later) * sizeof(later_supply_t)
           + (size_t)kq1_records_count(audit->parties) * sizeof(parties_t)
           + kq1_index_bytes(audit->materials) + kq1_index_bytes(audit->parties_index);
}
