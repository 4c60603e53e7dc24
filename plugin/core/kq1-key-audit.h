/* kq1-key-audit.h
 * Every supply of every key ID in a capture, small: who supplied it to whom
 * (numbered parties), when (its frame), and a fixed-size digest of the key
 * it carried, never the key. From them: a key ID supplied again by the same
 * QKD module or to the same KM (a reuse); the same key ID by another module
 * to another KM (the other half of the key, Section 3.1.5), and whether the
 * two halves are the same bits; the same bits under another key ID; a key
 * that never reached the other end of a link whose other keys do. GLib
 * only, so it is unit-tested without Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_KEY_AUDIT_H
#define KQ1_KEY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kq1-alloc.h"

/* Values of kq1.pair_status. */
typedef enum {
    KQ1_PAIR_NONE           = 0,    /* no other half seen */
    KQ1_PAIR_VERIFIED       = 1,    /* the two halves are the same bits */
    KQ1_PAIR_MISMATCH       = 2,
    KQ1_PAIR_NOT_COMPARABLE = 3     /* a half whose key could not be decoded */
} kq1_pair_status_t;

/* What the capture makes of one supply of a key ID. */
typedef struct {
    uint32_t          reused_from;    /* an earlier supply by the same module or to the same KM: its frame, or 0 */
    uint32_t          pair_partner;   /* the other half's frame, or 0 */
    kq1_pair_status_t pair_status;
    uint32_t          partner_bytes;  /* the earlier half's key size in bytes, when this is the later; else 0 */
    uint32_t          material_from;  /* an earlier frame that supplied the same bits under another key ID, or 0 */
    bool              missing;        /* no other half, though the other end of this link holds halves of
                                       * keys supplied before and after it */
    bool              later_half;     /* pair_partner is the first half, this the one compared with it */
} kq1_key_links_t;

typedef struct kq1_key_audit kq1_key_audit_t;

kq1_key_audit_t *kq1_key_audit_new(const kq1_allocator_t *allocator);
/* The plugin leaves freeing to wmem_file_scope(), its allocator's scope. */
void kq1_key_audit_free(kq1_key_audit_t *audit);

/* No parties: the audit holds 2^30 of them already. */
#define KQ1_PARTIES_NONE UINT32_MAX

/* The number of the parties "module supplies to km" (numbers of their
 * identities), the same for the same two all capture long. */
uint32_t kq1_key_audit_parties(kq1_key_audit_t *audit, uint32_t module, uint32_t km);

/* Notes a supply, in frame, of key number key (the key store's: first says
 * it is the key ID's first supply, whose number is the next one), by
 * parties, of a key whose digest (kq1_key_digest; 0 when it could not be
 * decoded) and size in bytes are given. Says what the supplies before it
 * make of it. Frames come in order: the first pass. */
kq1_key_links_t kq1_key_audit_note(kq1_key_audit_t *audit, uint32_t key, bool first, uint32_t frame,
                                   uint32_t parties, uint64_t digest, uint32_t bytes);

/* What the whole capture makes of the nth supply (from 0) of key number
 * key in frame, whose key has this digest: the other half both ways, and a
 * key missing at the other end. Zero for a supply that was not noted.
 * After the first pass. */
kq1_key_links_t kq1_key_audit_find(const kq1_key_audit_t *audit, uint32_t key, uint32_t frame, unsigned nth,
                                   uint64_t digest);

/* Bytes the audit has allocated, for the tests and the benchmark. */
size_t kq1_key_audit_bytes(const kq1_key_audit_t *audit);

#endif /* KQ1_KEY_AUDIT_H */
