/* kq1-keycheck.h
 * Checks of key material: decoding the Key parameter (base64 as in ETSI GS
 * QKD 014, or hex) and verifying the Hash value over the decoded bytes.
 * GLib only, so unit-tested without Wireshark.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_KEYCHECK_H
#define KQ1_KEYCHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

typedef enum {
    KQ1_KEY_UNDECODED,      /* neither base64 nor hex */
    KQ1_KEY_BASE64,
    KQ1_KEY_HEX
} kq1_key_encoding_t;

/* The encodings a Key may be in: Q.4162 names none. */
typedef enum {
    KQ1_KEY_BASE64_OR_HEX,
    KQ1_KEY_BASE64_ONLY,
    KQ1_KEY_HEX_ONLY
} kq1_key_encodings_t;

/* Values of kq1.hash_status. */
typedef enum {
    KQ1_HASH_ABSENT   = 0,
    KQ1_HASH_VERIFIED = 1,
    KQ1_HASH_MISMATCH = 2,
    KQ1_HASH_UNKNOWN  = 3   /* not a digest of MD5, SHA-1, SHA-256, SHA-384 or SHA-512 */
} kq1_hash_status_t;

typedef struct {
    kq1_key_encoding_t encoding;
    uint8_t           *data;     /* decoded key (g_malloc), NULL when undecoded */
    gsize              len;      /* its length in bytes */
} kq1_key_t;

/* Decodes key text. Text that is valid both as base64 and as hex (e.g.
 * "00ff") is read as whichever gives expected_bits (a Key length or a
 * requested size; 0 for none), and as base64 otherwise. */
void kq1_key_decode(const char *text, uint64_t expected_bits, kq1_key_encodings_t allowed, kq1_key_t *key);

void kq1_key_clear(kq1_key_t *key);

/* The algorithm of a Hash value: Q.4162 names none. */
typedef enum {
    KQ1_HASH_BY_LENGTH,     /* the one the digest's length names */
    KQ1_HASH_MD5,
    KQ1_HASH_SHA1,
    KQ1_HASH_SHA256,
    KQ1_HASH_SHA384,
    KQ1_HASH_SHA512
} kq1_hash_algorithm_t;

/* Verifies hash_text (hex or base64) as a digest of data[0..len) under
 * algorithm. *name is set to the algorithm's name, or NULL when the
 * digest's length names none (KQ1_HASH_UNKNOWN). Under a fixed algorithm a
 * digest of another length is a mismatch. */
kq1_hash_status_t kq1_key_verify_hash(const uint8_t *data, gsize len, const char *hash_text,
                                      kq1_hash_algorithm_t algorithm, const char **name);

/* The other reading of key text that is valid both as base64 and as hex
 * (key read one way: the other way); false when there is none. */
bool kq1_key_decode_other(const char *text, const kq1_key_t *key, kq1_key_t *other);

/* true when key text is valid both as base64 and as hex ("00ff..."), so
 * that only its Hash value tells which it is. */
bool kq1_key_text_ambiguous(const char *text);

/* A fixed-size digest of a decoded key (SipHash-2-4 under a key chosen at
 * random once per run: the same key gives the same digest within a run,
 * and none can be made to collide without that secret): what the capture
 * keeps of a key, never the key, to compare the two halves of a key and to
 * find the same key material under two key IDs. 0 only for no key at all
 * (len 0). A tenth of SHA-256's cost, paid for every key on every pass. */
uint64_t kq1_key_digest(const uint8_t *data, gsize len);

/* SipHash-2-4 of data under key (little-endian, as its authors define it). */
uint64_t kq1_siphash24(const uint8_t key[16], const uint8_t *data, gsize len);

/* Keys shorter than this are not judged by their pattern. */
#define KQ1_WEAK_KEY_MIN_BITS 64

/* The length, 1 to 4 bytes, of the shortest pattern that data[0..len)
 * repeats from its start to its end (1: every byte the same; the pattern
 * need not end at the end); 0 for none, or for a key shorter than
 * KQ1_WEAK_KEY_MIN_BITS. No random source gives such a key. */
unsigned kq1_key_repeats(const uint8_t *data, gsize len);

#endif /* KQ1_KEYCHECK_H */
