/* test-key-audit.c
 * Unit tests of what the key audit is made of (no Wireshark needed): the
 * index, the audit of the supplies of key IDs, key digests and patterns,
 * and Generation time stamps.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-index.h"
#include "kq1-key-audit.h"
#include "kq1-keycheck.h"
#include "kq1-timestamp.h"

/* --- the index ----------------------------------------------------------- */

/* Records whose keys are the numbers' squares, some made to collide. */
static uint64_t
square_key(const void *owner, uint32_t number)
{
    const uint64_t *keys = (const uint64_t *)owner;

    return keys[number];
}

static void
test_index(void)
{
    enum { N = 5000 };
    uint64_t *keys = g_new(uint64_t, N);
    kq1_index_t *index = kq1_index_new(&kq1_glib_allocator, square_key, keys);

    g_assert_cmpuint(kq1_index_find(index, 0), ==, KQ1_INDEX_NONE);
    for (uint32_t i = 0; i < N; i++) {
        keys[i] = (uint64_t)i * i;
        kq1_index_add(index, i);
    }
    for (uint32_t i = 0; i < N; i++)
        g_assert_cmpuint(kq1_index_find(index, (uint64_t)i * i), ==, i);
    g_assert_cmpuint(kq1_index_find(index, 2), ==, KQ1_INDEX_NONE);
    g_assert_cmpuint(kq1_index_find(index, (uint64_t)N * N), ==, KQ1_INDEX_NONE);
    /* 4 bytes a slot, at most three quarters full, at least three eighths. */
    g_assert_cmpuint(kq1_index_bytes(index), <=, 64 + (size_t)N * 4 * 8 / 3);
    g_assert_cmpuint(kq1_index_bytes(index), >=, (size_t)N * 4 * 4 / 3);
    kq1_index_free(index);
    g_free(keys);
}

/* --- the audit ----------------------------------------------------------- */

/* Module and KM identities of a two-node capture: Alice's module A supplies
 * to KM 1, Bob's B to KM 2. */
enum { MODULE_A = 10, MODULE_B = 11, MODULE_C = 12, KM_1 = 20, KM_2 = 21 };

static void
assert_links(kq1_key_links_t links, uint32_t reused_from, uint32_t pair_partner, kq1_pair_status_t status,
             uint32_t material_from, bool missing)
{
    g_assert_cmpuint(links.reused_from, ==, reused_from);
    g_assert_cmpuint(links.pair_partner, ==, pair_partner);
    g_assert_cmpint(links.pair_status, ==, status);
    g_assert_cmpuint(links.material_from, ==, material_from);
    g_assert_cmpint(links.missing, ==, missing);
}

static void
test_audit_pairs(void)
{
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    uint32_t a = kq1_key_audit_parties(audit, MODULE_A, KM_1), b = kq1_key_audit_parties(audit, MODULE_B, KM_2);
    kq1_key_links_t links;

    g_assert_cmpuint(kq1_key_audit_parties(audit, MODULE_A, KM_1), ==, a);
    g_assert_cmpuint(b, !=, a);
    /* Key 0: both halves, the same bits. */
    assert_links(kq1_key_audit_note(audit, 0, true, 1, a, 0x1111, 32), 0, 0, KQ1_PAIR_NONE, 0, false);
    links = kq1_key_audit_note(audit, 0, false, 2, b, 0x1111, 32);
    assert_links(links, 0, 1, KQ1_PAIR_VERIFIED, 0, false);
    g_assert_cmpuint(links.partner_bytes, ==, 32);
    /* Key 1: two halves of other bits. */
    kq1_key_audit_note(audit, 1, true, 3, a, 0x2222, 32);
    assert_links(kq1_key_audit_note(audit, 1, false, 4, b, 0x3333, 32), 0, 3, KQ1_PAIR_MISMATCH, 0, false);
    /* Key 2: the same digest but another size still differs. */
    kq1_key_audit_note(audit, 2, true, 5, a, 0x4444, 32);
    assert_links(kq1_key_audit_note(audit, 2, false, 6, b, 0x4444, 16), 0, 5, KQ1_PAIR_MISMATCH, 0, false);
    /* Key 3: one half undecoded. */
    kq1_key_audit_note(audit, 3, true, 7, a, 0, 0);
    assert_links(kq1_key_audit_note(audit, 3, false, 8, b, 0x5555, 32), 0, 7, KQ1_PAIR_NOT_COMPARABLE, 0, false);
    /* Key 4: at Alice's end only. */
    assert_links(kq1_key_audit_note(audit, 4, true, 9, a, 0x6666, 32), 0, 0, KQ1_PAIR_NONE, 0, false);

    /* Key 5: supplied again by module A (to KM 2), then again to KM 1. */
    kq1_key_audit_note(audit, 5, true, 10, a, 0x7777, 32);
    assert_links(kq1_key_audit_note(audit, 5, false, 11, kq1_key_audit_parties(audit, MODULE_A, KM_2), 0x7777, 32),
                 10, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_note(audit, 5, false, 12, kq1_key_audit_parties(audit, MODULE_C, KM_1), 0x7777, 32),
                 10, 0, KQ1_PAIR_NONE, 0, false);
    /* Key 6, later: both halves. Key 7, after it: at Alice's end only. */
    kq1_key_audit_note(audit, 6, true, 13, a, 0x8888, 32);
    kq1_key_audit_note(audit, 6, false, 14, b, 0x8888, 32);
    kq1_key_audit_note(audit, 7, true, 15, a, 0x9999, 32);

    /* The whole capture, both ways. */
    assert_links(kq1_key_audit_find(audit, 0, 1, 0, 0x1111), 0, 2, KQ1_PAIR_VERIFIED, 0, false);
    assert_links(kq1_key_audit_find(audit, 0, 2, 0, 0x1111), 0, 1, KQ1_PAIR_VERIFIED, 0, false);
    assert_links(kq1_key_audit_find(audit, 1, 3, 0, 0x2222), 0, 4, KQ1_PAIR_MISMATCH, 0, false);
    assert_links(kq1_key_audit_find(audit, 1, 4, 0, 0x3333), 0, 3, KQ1_PAIR_MISMATCH, 0, false);
    assert_links(kq1_key_audit_find(audit, 3, 7, 0, 0), 0, 8, KQ1_PAIR_NOT_COMPARABLE, 0, false);
    /* Key 4 never reached KM 2, though KM 2 got halves of keys before and after it. */
    assert_links(kq1_key_audit_find(audit, 4, 9, 0, 0x6666), 0, 0, KQ1_PAIR_NONE, 0, true);
    /* Key 7 came after the last key both ends got: Bob's capture may have ended. */
    assert_links(kq1_key_audit_find(audit, 7, 15, 0, 0x9999), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 5, 11, 0, 0x7777), 10, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 5, 12, 0, 0x7777), 10, 0, KQ1_PAIR_NONE, 0, false);
    /* Key 5's first supply has no other half, and its link has none: its
     * parties (A to KM 1) did pair, so it is missing too. */
    assert_links(kq1_key_audit_find(audit, 5, 10, 0, 0x7777), 0, 0, KQ1_PAIR_NONE, 0, true);
    /* Not noted: a frame, a key or an nth that is not there. */
    assert_links(kq1_key_audit_find(audit, 0, 3, 0, 0x1111), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 0, 1, 1, 0x1111), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 99, 1, 0, 0x1111), 0, 0, KQ1_PAIR_NONE, 0, false);
    kq1_key_audit_free(audit);
}

static void
test_audit_no_partner_no_missing(void)
{
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    uint32_t a = kq1_key_audit_parties(audit, MODULE_A, KM_1);

    /* One node's capture: nothing is missing, since the other end is not in it. */
    kq1_key_audit_note(audit, 0, true, 1, a, 0x1, 32);
    kq1_key_audit_note(audit, 1, true, 2, a, 0x2, 32);
    assert_links(kq1_key_audit_find(audit, 0, 1, 0, 0x1), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 1, 2, 0, 0x2), 0, 0, KQ1_PAIR_NONE, 0, false);
    /* Refused: a first supply out of order, a later one of no key. */
    assert_links(kq1_key_audit_note(audit, 5, true, 3, a, 0x3, 32), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_note(audit, 7, false, 3, a, 0x3, 32), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_note(audit, 2, true, 3, KQ1_PARTIES_NONE, 0x3, 32), 0, 0, KQ1_PAIR_NONE, 0, false);
    kq1_key_audit_free(audit);
}

static void
test_audit_materials(void)
{
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    uint32_t a = kq1_key_audit_parties(audit, MODULE_A, KM_1), b = kq1_key_audit_parties(audit, MODULE_B, KM_2);

    kq1_key_audit_note(audit, 0, true, 1, a, 0xaaaa, 32);
    /* Key 1 carries key 0's bits. */
    assert_links(kq1_key_audit_note(audit, 1, true, 2, a, 0xaaaa, 32), 0, 0, KQ1_PAIR_NONE, 1, false);
    /* Key 2 and key 3 in one frame, the same bits. */
    kq1_key_audit_note(audit, 2, true, 3, a, 0xbbbb, 32);
    assert_links(kq1_key_audit_note(audit, 3, true, 3, a, 0xbbbb, 32), 0, 0, KQ1_PAIR_NONE, 3, false);
    /* Key 4's other half carries key 0's bits: a mismatch and material reused. */
    kq1_key_audit_note(audit, 4, true, 4, a, 0xcccc, 32);
    assert_links(kq1_key_audit_note(audit, 4, false, 5, b, 0xaaaa, 32), 0, 4, KQ1_PAIR_MISMATCH, 1, false);
    /* Key 0's other half: its own bits are no reuse. */
    assert_links(kq1_key_audit_note(audit, 0, false, 6, b, 0xaaaa, 32), 0, 1, KQ1_PAIR_VERIFIED, 0, false);

    assert_links(kq1_key_audit_find(audit, 0, 1, 0, 0xaaaa), 0, 6, KQ1_PAIR_VERIFIED, 0, false);
    assert_links(kq1_key_audit_find(audit, 1, 2, 0, 0xaaaa), 0, 0, KQ1_PAIR_NONE, 1, true);
    assert_links(kq1_key_audit_find(audit, 3, 3, 0, 0xbbbb), 0, 0, KQ1_PAIR_NONE, 3, true);
    assert_links(kq1_key_audit_find(audit, 4, 5, 0, 0xaaaa), 0, 4, KQ1_PAIR_MISMATCH, 1, false);
    assert_links(kq1_key_audit_find(audit, 0, 6, 0, 0xaaaa), 0, 1, KQ1_PAIR_VERIFIED, 0, false);
    kq1_key_audit_free(audit);
}

static void
test_audit_same_frame(void)
{
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    uint32_t a = kq1_key_audit_parties(audit, MODULE_A, KM_1);

    /* One Response whose Keys hold the same key ID twice. */
    kq1_key_audit_note(audit, 0, true, 7, a, 0x1, 32);
    assert_links(kq1_key_audit_note(audit, 0, false, 7, a, 0x1, 32), 7, 0, KQ1_PAIR_NONE, 0, false);
    kq1_key_audit_note(audit, 0, false, 8, a, 0x1, 32);
    assert_links(kq1_key_audit_find(audit, 0, 7, 0, 0x1), 0, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 0, 7, 1, 0x1), 7, 0, KQ1_PAIR_NONE, 0, false);
    assert_links(kq1_key_audit_find(audit, 0, 8, 0, 0x1), 7, 0, KQ1_PAIR_NONE, 0, false);
    kq1_key_audit_free(audit);
}

/* What a capture of a million key IDs, each at both ends, costs: at most 24
 * bytes a key ID (the bound), the key store aside. */
static void
test_audit_bytes(void)
{
    enum { N = 1000000 };
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    uint32_t a = kq1_key_audit_parties(audit, MODULE_A, KM_1), b = kq1_key_audit_parties(audit, MODULE_B, KM_2);
    size_t bytes;

    for (uint32_t i = 0; i < N; i++) {
        uint8_t key[4] = { (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0x5a };
        uint64_t digest = kq1_key_digest(key, sizeof key);

        kq1_key_audit_note(audit, i, true, 2 * i + 1, a, digest, 32);
        g_assert_cmpint(kq1_key_audit_note(audit, i, false, 2 * i + 2, b, digest, 32).pair_status, ==,
                        KQ1_PAIR_VERIFIED);
    }
    bytes = kq1_key_audit_bytes(audit);
    g_test_message("%.1f bytes a key ID", (double)bytes / N);
    /* Today's origins cost 24 bytes a key ID at both ends; 24 more at most. */
    g_assert_cmpuint(bytes, <=, (size_t)N * (24 + 24));
    kq1_key_audit_free(audit);
}

/* One key ID supplied a hundred thousand times, each by another module to
 * another KM: bounded in time and memory, and every supply past those kept
 * is a reuse of the first, on the first pass as on later ones. */
static void
test_audit_one_key_id_repeated(void)
{
    enum { N = 100000 };
    kq1_key_audit_t *audit = kq1_key_audit_new(&kq1_glib_allocator);
    size_t bytes;

    kq1_key_audit_note(audit, 0, true, 1, kq1_key_audit_parties(audit, 0, 1000000), 0x1111, 32);
    for (uint32_t i = 1; i < N; i++) {
        kq1_key_links_t links = kq1_key_audit_note(audit, 0, false, i + 1,
                                                   kq1_key_audit_parties(audit, i, 1000000 + i), 0x1111, 32);

        if (i == 1)
            assert_links(links, 0, 1, KQ1_PAIR_VERIFIED, 0, false);
        if (i == N - 1)
            g_assert_cmpuint(links.reused_from, ==, 1);
    }
    g_assert_cmpuint(kq1_key_audit_find(audit, 0, N, 0, 0x1111).reused_from, ==, 1);
    /* The parties are kept (20 bytes each, and their index); the supplies
     * of the key ID are not, past the first few hundred. */
    bytes = kq1_key_audit_bytes(audit);
    g_assert_cmpuint(bytes, <=, (size_t)N * 64);
    kq1_key_audit_free(audit);
}

/* --- keys no random source gives ----------------------------------------- */

static void
test_key_patterns(void)
{
    uint8_t zeros[32] = { 0 }, pattern[32], random[32], short_key[7] = { 0 };

    for (unsigned i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)"\x01\x02\x03"[i % 3];
    for (unsigned i = 0; i < sizeof random; i++)
        random[i] = (uint8_t)(i * 37 + 11);
    g_assert_cmpuint(kq1_key_repeats(zeros, sizeof zeros), ==, 1);
    g_assert_cmpuint(kq1_key_repeats(pattern, sizeof pattern), ==, 3);
    g_assert_cmpuint(kq1_key_repeats(pattern, 8), ==, 3);
    g_assert_cmpuint(kq1_key_repeats(random, sizeof random), ==, 0);
    /* Shorter than 64 bits: not judged. */
    g_assert_cmpuint(kq1_key_repeats(short_key, sizeof short_key), ==, 0);
    /* A pattern of 5 is not one of at most 4. */
    for (unsigned i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i % 5);
    g_assert_cmpuint(kq1_key_repeats(pattern, sizeof pattern), ==, 0);
    /* One byte off the pattern breaks it. */
    zeros[31] = 1;
    g_assert_cmpuint(kq1_key_repeats(zeros, sizeof zeros), ==, 0);
}

static void
test_key_digest(void)
{
    uint8_t key[16], message[64];

    /* The test vectors of the SipHash paper: key 00..0f, message 00..0e
     * (15 bytes), and the empty message. */
    for (unsigned i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)i;
    for (unsigned i = 0; i < sizeof message; i++)
        message[i] = (uint8_t)i;
    g_assert_cmphex(kq1_siphash24(key, message, 15), ==, G_GUINT64_CONSTANT(0xa129ca6149be45e5));
    g_assert_cmphex(kq1_siphash24(key, message, 0), ==, G_GUINT64_CONSTANT(0x726fdb47dd0e0e31));
    /* The same key, the same digest within a run; another key, another. */
    g_assert_cmphex(kq1_key_digest((const uint8_t *)"keykey", 6), ==, kq1_key_digest((const uint8_t *)"keykey", 6));
    g_assert_cmphex(kq1_key_digest((const uint8_t *)"keykez", 6), !=, kq1_key_digest((const uint8_t *)"keykey", 6));
    g_assert_cmphex(kq1_key_digest((const uint8_t *)"", 0), ==, 0);
    g_assert_true(kq1_key_text_ambiguous("00ff00ff"));
    g_assert_false(kq1_key_text_ambiguous("a2V5a2V5"));
    g_assert_false(kq1_key_text_ambiguous("0g"));
}

/* --- Generation time stamps --------------------------------------------- */

typedef struct {
    const char       *text;
    kq1_time_format_t format;
    bool              ok;
    int64_t           secs;
    int32_t           nsecs;
    kq1_time_read_t   read;
} time_case_t;

static void
test_timestamps(void)
{
    static const time_case_t cases[] = {
        { "2026-12-01T10:00:00Z",          KQ1_TIME_AUTOMATIC, true, 1796119200, 0, KQ1_TIME_READ_ISO8601 },
        { "2026-12-01T11:00:00+01:00",     KQ1_TIME_AUTOMATIC, true, 1796119200, 0, KQ1_TIME_READ_ISO8601 },
        { "2026-12-01T10:00:00.250Z",      KQ1_TIME_AUTOMATIC, true, 1796119200, 250000000, KQ1_TIME_READ_ISO8601 },
        { "2026-12-01T10:00:00",           KQ1_TIME_AUTOMATIC, true, 1796119200, 0, KQ1_TIME_READ_ISO8601_NO_ZONE },
        { "1796119200",                    KQ1_TIME_AUTOMATIC, true, 1796119200, 0, KQ1_TIME_READ_UNIX_SECONDS },
        { "1796119200.5",                  KQ1_TIME_AUTOMATIC, true, 1796119200, 500000000,
          KQ1_TIME_READ_UNIX_SECONDS },
        { "1796119200250",                 KQ1_TIME_AUTOMATIC, true, 1796119200, 250000000,
          KQ1_TIME_READ_UNIX_MILLISECONDS },
        { "1796119200000125",              KQ1_TIME_AUTOMATIC, true, 1796119200, 125000, KQ1_TIME_READ_UNIX_MICROSECONDS },
        { "1796119200",                    KQ1_TIME_UNIX,      true, 1796119200, 0, KQ1_TIME_READ_UNIX_SECONDS },
        { "2026-12-01T10:00:00Z",          KQ1_TIME_ISO8601,   true, 1796119200, 0, KQ1_TIME_READ_ISO8601 },
        /* What is no time under the assumption. */
        { "2026-12-01T10:00:00Z",          KQ1_TIME_UNIX,      false, 0, 0, 0 },
        { "1796119200",                    KQ1_TIME_ISO8601,   false, 0, 0, 0 },
        { "",                              KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "yesterday",                     KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "2026-13-01T10:00:00Z",          KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "-5",                            KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "1.",                            KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "1e9",                           KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "100000000000000000",            KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
        { "99999999999999999999999999999999999999999999999999", KQ1_TIME_AUTOMATIC, false, 0, 0, 0 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        int64_t secs = 0;
        int32_t nsecs = 0;
        kq1_time_read_t read = 0;
        bool ok = kq1_timestamp_parse(cases[i].text, cases[i].format, &secs, &nsecs, &read);

        g_test_message("\"%s\"", cases[i].text);
        g_assert_cmpint(ok, ==, cases[i].ok);
        if (!ok)
            continue;
        g_assert_cmpint(secs, ==, cases[i].secs);
        /* Microseconds, as a double carries them. */
        g_assert_cmpint(nsecs / 1000, ==, cases[i].nsecs / 1000);
        g_assert_cmpint(read, ==, cases[i].read);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/index/find-and-add", test_index);
    g_test_add_func("/audit/pairs", test_audit_pairs);
    g_test_add_func("/audit/one-end-only", test_audit_no_partner_no_missing);
    g_test_add_func("/audit/materials", test_audit_materials);
    g_test_add_func("/audit/same-frame", test_audit_same_frame);
    g_test_add_func("/audit/bytes", test_audit_bytes);
    g_test_add_func("/audit/one-key-id-repeated", test_audit_one_key_id_repeated);
    g_test_add_func("/keycheck/patterns", test_key_patterns);
    g_test_add_func("/keycheck/digest", test_key_digest);
    g_test_add_func("/timestamp/formats", test_timestamps);
    return g_test_run();
}
