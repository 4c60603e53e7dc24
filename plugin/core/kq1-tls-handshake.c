/* kq1-tls-handshake.c
 * Reads the few TLS handshake messages that say who authenticated
 * (RFC 5246 and RFC 8446, section 4), and the names in an X.509
 * certificate (RFC 5280, section 4.1) as far as DER needs reading for them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "kq1-tls-handshake.h"

#include <string.h>

enum {
    TLS_CHANGE_CIPHER_SPEC = 20,
    TLS_HANDSHAKE = 22
};

enum {
    HS_CERTIFICATE = 11,
    HS_CERTIFICATE_REQUEST = 13,
    HS_CLIENT_KEY_EXCHANGE = 16,
    HS_FINISHED = 20
};

static uint32_t
be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* --- DER, as far as a certificate's names need ---------------------------- */

typedef struct {
    const uint8_t *p;
    size_t         n;
} der_t;

/* The next element of in: its tag and its content. Definite lengths of up
 * to four bytes, one-byte tags: all a certificate's outer structure uses. */
static bool
der_next(der_t *in, uint8_t *tag, der_t *content)
{
    size_t head = 2, length;

    if (in->n < 2 || (in->p[0] & 0x1f) == 0x1f)
        return false;
    *tag = in->p[0];
    length = in->p[1];
    if (length >= 0x80) {
        unsigned count = length & 0x7f;

        if (count == 0 || count > 4 || in->n < 2 + count)
            return false;
        length = 0;
        for (unsigned i = 0; i < count; i++)
            length = length << 8 | in->p[2 + i];
        head += count;
    }
    if (length > in->n - head)
        return false;
    content->p = in->p + head;
    content->n = length;
    in->p += head + length;
    in->n -= head + length;
    return true;
}

static bool
der_expect(der_t *in, uint8_t tag, der_t *content)
{
    uint8_t found;

    return der_next(in, &found, content) && found == tag;
}

static bool
der_is_oid(der_t oid, const uint8_t *value, size_t length)
{
    return oid.n == length && memcmp(oid.p, value, length) == 0;
}

/* Whether out already lists name (a subjectAltName often repeats the
 * common name). */
static bool
has_name(const char *out, der_t name)
{
    for (const char *at = out; *at != '\0'; at = strstr(at, ", ") != NULL ? strstr(at, ", ") + 2 : "") {
        const char *end = strstr(at, ", ");
        size_t length = end != NULL ? (size_t)(end - at) : strlen(at);

        if (length == name.n && memcmp(at, name.p, length) == 0)
            return true;
    }
    return false;
}

/* Appends a name to out, ", " before all but the first. */
static void
add_name(char out[KQ1_TLS_NAMES_SIZE], der_t name)
{
    size_t at = strlen(out);

    if (name.n == 0 || has_name(out, name))
        return;
    if (at > 0 && at + 2 < KQ1_TLS_NAMES_SIZE) {
        out[at++] = ',';
        out[at++] = ' ';
    }
    for (size_t i = 0; i < name.n && at + 1 < KQ1_TLS_NAMES_SIZE; i++)
        out[at++] = name.p[i] >= 0x20 && name.p[i] < 0x7f ? (char)name.p[i] : '?';
    out[at] = '\0';
}

/* Name ::= SEQUENCE OF SET OF { type OID, value }: the commonName values. */
static void
add_common_names(char out[KQ1_TLS_NAMES_SIZE], der_t subject)
{
    static const uint8_t common_name[] = { 0x55, 0x04, 0x03 };
    der_t set, attribute, oid, value;
    uint8_t tag;

    while (der_expect(&subject, 0x31, &set))
        while (der_expect(&set, 0x30, &attribute))
            if (der_expect(&attribute, 0x06, &oid) && der_is_oid(oid, common_name, sizeof common_name)
                && der_next(&attribute, &tag, &value))
                add_name(out, value);
}

/* Extensions ::= SEQUENCE OF { OID, critical BOOLEAN OPTIONAL, OCTET STRING }:
 * the dNSName [2] and uniformResourceIdentifier [6] of subjectAltName. */
static void
add_alt_names(char out[KQ1_TLS_NAMES_SIZE], der_t extensions)
{
    static const uint8_t subject_alt_name[] = { 0x55, 0x1d, 0x11 };
    der_t list, extension, oid, value, names, name;
    uint8_t tag;

    if (!der_expect(&extensions, 0x30, &list))
        return;
    while (der_expect(&list, 0x30, &extension)) {
        if (!der_expect(&extension, 0x06, &oid) || !der_is_oid(oid, subject_alt_name, sizeof subject_alt_name))
            continue;
        if (!der_next(&extension, &tag, &value))
            continue;
        if (tag == 0x01 && !der_next(&extension, &tag, &value))
            continue;
        if (tag != 0x04 || !der_expect(&value, 0x30, &names))
            continue;
        while (der_next(&names, &tag, &name))
            if (tag == 0x82 || tag == 0x86)
                add_name(out, name);
    }
}

bool
kq1_x509_names(const uint8_t *der, size_t length, char out[KQ1_TLS_NAMES_SIZE])
{
    der_t in = { der, length }, certificate, tbs, element, subject;
    uint8_t tag;

    out[0] = '\0';
    if (!der_expect(&in, 0x30, &certificate) || !der_expect(&certificate, 0x30, &tbs)
        || !der_next(&tbs, &tag, &element))
        return false;
    /* [0] version, when present, then serialNumber. */
    if (tag == 0xa0 && !der_next(&tbs, &tag, &element))
        return false;
    if (tag != 0x02)
        return false;
    /* signature, issuer, validity, then subject and subjectPublicKeyInfo. */
    for (int i = 0; i < 3; i++)
        if (!der_expect(&tbs, 0x30, &element))
            return false;
    if (!der_expect(&tbs, 0x30, &subject) || !der_expect(&tbs, 0x30, &element))
        return false;
    add_common_names(out, subject);
    /* [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions. */
    while (der_next(&tbs, &tag, &element))
        if (tag == 0xa3)
            add_alt_names(out, element);
    return true;
}

/* --- the handshake ---------------------------------------------------------- */

static void
lose(kq1_tls_handshake_t *hs, bool from_server)
{
    hs->unreadable = true;
    hs->clear_ended[from_server ? KQ1_TLS_SERVER : KQ1_TLS_CLIENT] = true;
}

/* Certificate: TLS 1.3 puts a request context first, and extensions after
 * each certificate; the first certificate is the sender's own. */
static void
read_certificate(kq1_tls_handshake_t *hs, const uint8_t *body, size_t length, bool from_server, bool tls13)
{
    size_t at = 0;
    uint32_t list, first;

    if (tls13) {
        if (length < 1 || (size_t)body[0] + 1 > length) {
            lose(hs, from_server);
            return;
        }
        at = (size_t)body[0] + 1;
    }
    if (length - at < 3 || (list = be24(body + at)) > length - at - 3) {
        lose(hs, from_server);
        return;
    }
    at += 3;
    if (from_server)
        hs->server_certificate = true;
    if (list == 0)
        return;
    if (!from_server)
        hs->client_certificate = true;
    if (list < 3 || (first = be24(body + at)) > list - 3) {
        lose(hs, from_server);
        return;
    }
    kq1_x509_names(body + at + 3, first, hs->names[from_server ? KQ1_TLS_SERVER : KQ1_TLS_CLIENT]);
}

void
kq1_tls_read_handshake(kq1_tls_handshake_t *hs, const uint8_t *data, size_t length, bool from_server, bool tls13)
{
    size_t at = 0;

    while (at < length) {
        uint8_t type;
        uint32_t body;

        /* A message split across records: what follows in the next record
         * is no message header, so nothing more of this sender is read. */
        if (length - at < 4 || (body = be24(data + at + 1)) > length - at - 4) {
            lose(hs, from_server);
            return;
        }
        type = data[at];
        if (type == HS_CERTIFICATE)
            read_certificate(hs, data + at + 4, body, from_server, tls13);
        else if (type == HS_CERTIFICATE_REQUEST && from_server)
            hs->certificate_requested = true;
        else if ((type == HS_CLIENT_KEY_EXCHANGE || type == HS_FINISHED) && !from_server)
            hs->client_flight = true;
        at += 4 + body;
    }
}

size_t
kq1_tls_read_records(kq1_tls_handshake_t *hs, const uint8_t *data, size_t length, bool from_server, bool tls13)
{
    bool *ended = &hs->clear_ended[from_server ? KQ1_TLS_SERVER : KQ1_TLS_CLIENT];
    size_t at = 0;

    while (length - at >= 5) {
        size_t record = (size_t)data[at + 3] << 8 | data[at + 4];

        if (record > length - at - 5)
            break;
        if (!*ended) {
            if (data[at] == TLS_CHANGE_CIPHER_SPEC)
                *ended = true;
            else if (data[at] == TLS_HANDSHAKE)
                kq1_tls_read_handshake(hs, data + at + 5, record, from_server, tls13);
        }
        at += 5 + record;
    }
    return at;
}

kq1_transport_level_t
kq1_tls_level(const kq1_tls_handshake_t *hs)
{
    /* Without the server's certificate (a resumed session) or the client's
     * reply, who authenticated is not known. */
    if (hs == NULL || hs->unreadable || !hs->server_certificate || !hs->client_flight)
        return KQ1_TRANSPORT_UNKNOWN;
    return hs->client_certificate ? KQ1_TRANSPORT_MUTUAL_TLS : KQ1_TRANSPORT_TLS;
}
