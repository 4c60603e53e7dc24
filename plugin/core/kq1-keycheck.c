/* kq1-keycheck.c
 * Key decoding and hash verification (docs/design.md: key data is base64, hex is
 * accepted too; the hash algorithm is the one its digest length names).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-keycheck.h"

static bool
is_base64_char(char c)
{
    return g_ascii_isalnum(c) || c == '+' || c == '/';
}

/* Standard base64, padded, or unpadded where the length allows it.
 * g_base64_decode skips what it does not know, so the text is judged first. */
static bool
is_base64(const char *text, gsize n)
{
    gsize chars = n;

    if (n == 0)
        return false;
    if (n % 4 == 0) {
        while (chars > 0 && n - chars < 2 && text[chars - 1] == '=')
            chars--;
    } else if (n % 4 == 1) {
        return false;
    }
    for (gsize i = 0; i < chars; i++) {
        if (!is_base64_char(text[i]))
            return false;
    }
    return true;
}

static bool
is_hex(const char *text, gsize n)
{
    if (n == 0 || n % 2 != 0)
        return false;
    for (gsize i = 0; i < n; i++) {
        if (!g_ascii_isxdigit(text[i]))
            return false;
    }
    return true;
}

static uint8_t *
decode_hex(const char *text, gsize n, gsize *len)
{
    uint8_t *data = g_malloc(n / 2 + 1);

    for (gsize i = 0; i < n / 2; i++)
        data[i] = (uint8_t)(g_ascii_xdigit_value(text[2 * i]) << 4 | g_ascii_xdigit_value(text[2 * i + 1]));
    *len = n / 2;
    return data;
}

static uint8_t *
decode_base64(const char *text, gsize n, gsize *len)
{
    /* g_base64_decode wants padding; add what unpadded text leaves out. */
    char *padded = g_malloc(n + 3);
    uint8_t *data;

    memcpy(padded, text, n);
    while (n % 4 != 0)
        padded[n++] = '=';
    padded[n] = '\0';
    data = g_base64_decode(padded, len);
    g_free(padded);
    return data;
}

void
kq1_key_decode(const char *text, uint64_t expected_bits, kq1_key_encodings_t allowed, kq1_key_t *key)
{
    gsize n = strlen(text);
    bool base64 = allowed != KQ1_KEY_HEX_ONLY && is_base64(text, n);
    bool hex = allowed != KQ1_KEY_BASE64_ONLY && is_hex(text, n);

    memset(key, 0, sizeof *key);
    /* Both readings valid: hex wins if it gives the expected length, in bits
     * or (docs/design.md tolerates it) in bytes. */
    if (base64 && hex && expected_bits != 0 && ((uint64_t)n * 4 == expected_bits || (uint64_t)n / 2 == expected_bits))
        base64 = false;
    if (base64) {
        key->encoding = KQ1_KEY_BASE64;
        key->data = decode_base64(text, n, &key->len);
    } else if (hex) {
        key->encoding = KQ1_KEY_HEX;
        key->data = decode_hex(text, n, &key->len);
    }
}

bool
kq1_key_decode_other(const char *text, const kq1_key_t *key, kq1_key_t *other)
{
    gsize n = strlen(text);

    memset(other, 0, sizeof *other);
    if (!is_base64(text, n) || !is_hex(text, n) || key->encoding == KQ1_KEY_UNDECODED)
        return false;
    if (key->encoding == KQ1_KEY_BASE64) {
        other->encoding = KQ1_KEY_HEX;
        other->data = decode_hex(text, n, &other->len);
    } else {
        other->encoding = KQ1_KEY_BASE64;
        other->data = decode_base64(text, n, &other->len);
    }
    return true;
}

bool
kq1_key_text_ambiguous(const char *text)
{
    gsize n = strlen(text);

    return is_base64(text, n) && is_hex(text, n);
}

#define ROTL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

/* One SipRound of SipHash (Aumasson and Bernstein, 2012). */
static void
sip_round(uint64_t v[4])
{
    v[0] += v[1]; v[1] = ROTL64(v[1], 13); v[1] ^= v[0]; v[0] = ROTL64(v[0], 32);
    v[2] += v[3]; v[3] = ROTL64(v[3], 16); v[3] ^= v[2];
    v[0] += v[3]; v[3] = ROTL64(v[3], 21); v[3] ^= v[0];
    v[2] += v[1]; v[1] = ROTL64(v[1], 17); v[1] ^= v[2]; v[2] = ROTL64(v[2], 32);
}

/* The 8 bytes at p, little-endian. */
static uint64_t
load64(const uint8_t *p)
{
    uint64_t value = 0;

    for (int i = 7; i >= 0; i--)
        value = value << 8 | p[i];
    return value;
}

uint64_t
kq1_siphash24(const uint8_t key[16], const uint8_t *data, gsize len)
{
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint64_t v[4] = { k0 ^ G_GUINT64_CONSTANT(0x736f6d6570736575), k1 ^ G_GUINT64_CONSTANT(0x646f72616e646f6d),
                      k0 ^ G_GUINT64_CONSTANT(0x6c7967656e657261), k1 ^ G_GUINT64_CONSTANT(0x7465646279746573) };
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    gsize whole = len - len % 8;

    for (gsize i = 0; i < whole; i += 8) {
        uint64_t m = load64(data + i);

        v[3] ^= m;
        sip_round(v);
        sip_round(v);
        v[0] ^= m;
    }
    for (gsize i = whole; i < len; i++)
        last |= (uint64_t)data[i] << (8 * (i - whole));
    v[3] ^= last;
    sip_round(v);
    sip_round(v);
    v[0] ^= last;
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint64_t
kq1_key_digest(const uint8_t *data, gsize len)
{
    /* A key of this run's own, so that no one can make two keys share a
     * digest without knowing it: the digests are only compared in memory. */
    static uint8_t secret[16];
    static gsize chosen;
    uint64_t value;

    if (len == 0)
        return 0;
    if (g_once_init_enter(&chosen)) {
        for (size_t i = 0; i < sizeof secret; i += 4) {
            uint32_t r = g_random_int();

            memcpy(secret + i, &r, 4);
        }
        g_once_init_leave(&chosen, 1);
    }
    value = kq1_siphash24(secret, data, len);
    /* 0 stands for "no key". */
    return value != 0 ? value : 1;
}

unsigned
kq1_key_repeats(const uint8_t *data, gsize len)
{
    if (len * 8 < KQ1_WEAK_KEY_MIN_BITS)
        return 0;
    for (unsigned period = 1; period <= 4; period++) {
        gsize i = period;

        while (i < len && data[i] == data[i - period])
            i++;
        if (i == len)
            return period;
    }
    return 0;
}

void
kq1_key_clear(kq1_key_t *key)
{
    g_free(key->data);
    memset(key, 0, sizeof *key);
}

typedef struct {
    gsize          digest_len;
    GChecksumType  type;
    const char    *name;
} algorithm_t;

static const algorithm_t algorithms[] = {
    { 16, G_CHECKSUM_MD5,    "MD5" },
    { 20, G_CHECKSUM_SHA1,   "SHA-1" },
    { 32, G_CHECKSUM_SHA256, "SHA-256" },
    { 48, G_CHECKSUM_SHA384, "SHA-384" },
    { 64, G_CHECKSUM_SHA512, "SHA-512" },
};

/* The algorithm to check a digest of digest_len bytes with: the fixed one,
 * or the one that length names (NULL for none). */
static const algorithm_t *
algorithm_for(kq1_hash_algorithm_t algorithm, gsize digest_len)
{
    if (algorithm != KQ1_HASH_BY_LENGTH)
        return &algorithms[algorithm - KQ1_HASH_MD5];
    for (gsize i = 0; i < G_N_ELEMENTS(algorithms); i++) {
        if (algorithms[i].digest_len == digest_len)
            return &algorithms[i];
    }
    return NULL;
}

/* VERIFIED or MISMATCH when the digest's length names an algorithm,
 * UNKNOWN otherwise. */
static kq1_hash_status_t
check_digest(const uint8_t *key, gsize len, const uint8_t *digest, gsize digest_len,
             kq1_hash_algorithm_t algorithm, const char **name)
{
    const algorithm_t *alg = algorithm_for(algorithm, digest_len);
    GChecksum *checksum;
    uint8_t computed[64];
    gsize computed_len = sizeof computed;

    if (alg == NULL)
        return KQ1_HASH_UNKNOWN;
    checksum = g_checksum_new(alg->type);
    g_checksum_update(checksum, key, (gssize)len);
    g_checksum_get_digest(checksum, computed, &computed_len);
    g_checksum_free(checksum);
    *name = alg->name;
    return computed_len == digest_len && memcmp(computed, digest, digest_len) == 0
           ? KQ1_HASH_VERIFIED : KQ1_HASH_MISMATCH;
}

kq1_hash_status_t
kq1_key_verify_hash(const uint8_t *key, gsize len, const char *hash_text, kq1_hash_algorithm_t algorithm,
                    const char **found)
{
    gsize n = strlen(hash_text);
    kq1_hash_status_t status = KQ1_HASH_UNKNOWN;
    const char *name = NULL;

    *found = NULL;
    /* Hex first (the usual way to write a digest), then base64: 64 hex
     * digits are SHA-256 in hex but also 48 bytes (SHA-384) in base64. */
    if (is_hex(hash_text, n)) {
        gsize digest_len;
        uint8_t *digest = decode_hex(hash_text, n, &digest_len);

        status = check_digest(key, len, digest, digest_len, algorithm, &name);
        g_free(digest);
        if (status != KQ1_HASH_UNKNOWN)
            *found = name;
    }
    if (status != KQ1_HASH_VERIFIED && is_base64(hash_text, n)) {
        gsize digest_len;
        uint8_t *digest = decode_base64(hash_text, n, &digest_len);
        kq1_hash_status_t base64_status = check_digest(key, len, digest, digest_len, algorithm, &name);

        g_free(digest);
        if (base64_status == KQ1_HASH_VERIFIED || status == KQ1_HASH_UNKNOWN) {
            status = base64_status;
            *found = base64_status == KQ1_HASH_UNKNOWN ? NULL : name;
        }
    }
    return status;
}
