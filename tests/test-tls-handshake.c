/* test-tls-handshake.c
 * Unit tests of the TLS handshake reader (no Wireshark needed): the names of
 * a certificate, who presented one, when the verdict is unknown, and input
 * cut anywhere. Certificates are built here with a small DER writer, so that
 * each test says what its certificate holds; the tshark tests read real ones.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <glib.h>

#include "kq1-tls-handshake.h"

/* --- a small DER writer ---------------------------------------------------- */

static GByteArray *
der(uint8_t tag, const GByteArray *content)
{
    GByteArray *out = g_byte_array_new();
    uint8_t head[6] = { tag };
    guint n = content->len, h = 2;

    if (n < 0x80) {
        head[1] = (uint8_t)n;
    } else if (n < 0x100) {
        head[1] = 0x81, head[2] = (uint8_t)n, h = 3;
    } else {
        head[1] = 0x82, head[2] = (uint8_t)(n >> 8), head[3] = (uint8_t)n, h = 4;
    }
    g_byte_array_append(out, head, h);
    g_byte_array_append(out, content->data, content->len);
    return out;
}

static GByteArray *
bytes(const void *data, size_t length)
{
    GByteArray *out = g_byte_array_new();

    g_byte_array_append(out, data, (guint)length);
    return out;
}

/* tag(parts...), each part freed. */
static GByteArray *
sequence(uint8_t tag, GByteArray *first, ...)
{
    GByteArray *content = g_byte_array_new(), *out;
    va_list args;

    va_start(args, first);
    for (GByteArray *part = first; part != NULL; part = va_arg(args, GByteArray *)) {
        g_byte_array_append(content, part->data, part->len);
        g_byte_array_unref(part);
    }
    va_end(args);
    out = der(tag, content);
    g_byte_array_unref(content);
    return out;
}

static GByteArray *
primitive(uint8_t tag, const char *text)
{
    GByteArray *content = bytes(text, strlen(text)), *out = der(tag, content);

    g_byte_array_unref(content);
    return out;
}

static GByteArray *
oid(const uint8_t *value, size_t length)
{
    GByteArray *content = bytes(value, length), *out = der(0x06, content);

    g_byte_array_unref(content);
    return out;
}

static const uint8_t OID_CN[] = { 0x55, 0x04, 0x03 };
static const uint8_t OID_O[] = { 0x55, 0x04, 0x0a };
static const uint8_t OID_SAN[] = { 0x55, 0x1d, 0x11 };
static const uint8_t OID_BASIC[] = { 0x55, 0x1d, 0x13 };

/* A certificate whose subject is O=Kq-1 and CN=cn (none when NULL), with a
 * subjectAltName of the DNS names dns (NULL-ended; none when NULL) and a
 * URI, and a critical basicConstraints before it. */
static GByteArray *
certificate(const char *cn, const char *const *dns, const char *uri)
{
    GByteArray *subject, *extensions = NULL, *names = g_byte_array_new(), *tbs, *san;

    subject = cn != NULL
              ? sequence(0x30, sequence(0x31, sequence(0x30, oid(OID_O, 3), primitive(0x0c, "Kq-1"), NULL), NULL),
                         sequence(0x31, sequence(0x30, oid(OID_CN, 3), primitive(0x13, cn), NULL), NULL), NULL)
              : sequence(0x30, sequence(0x31, sequence(0x30, oid(OID_O, 3), primitive(0x0c, "Kq-1"), NULL), NULL),
                         NULL);
    for (size_t i = 0; dns != NULL && dns[i] != NULL; i++) {
        GByteArray *name = primitive(0x82, dns[i]);

        g_byte_array_append(names, name->data, name->len);
        g_byte_array_unref(name);
    }
    if (uri != NULL) {
        GByteArray *name = primitive(0x86, uri);

        g_byte_array_append(names, name->data, name->len);
        g_byte_array_unref(name);
    }
    if (names->len > 0) {
        GByteArray *list = der(0x30, names);

        san = der(0x04, list);
        g_byte_array_unref(list);
        extensions = sequence(0xa3, sequence(0x30,
            sequence(0x30, oid(OID_BASIC, 3), bytes("\x01\x01\xff", 3), primitive(0x04, "\x30"), NULL),
            sequence(0x30, oid(OID_SAN, 3), san, NULL), NULL), NULL);
    }
    g_byte_array_unref(names);
    tbs = sequence(0x30, sequence(0xa0, bytes("\x02\x01\x02", 3), NULL), bytes("\x02\x01\x07", 3),
                   sequence(0x30, oid(OID_CN, 3), NULL),                       /* signature */
                   sequence(0x30, NULL),                                       /* issuer */
                   sequence(0x30, primitive(0x17, "260101000000Z"), NULL),      /* validity */
                   subject,
                   sequence(0x30, oid(OID_O, 3), NULL),                        /* subjectPublicKeyInfo */
                   extensions != NULL ? extensions : bytes("", 0), NULL);
    return sequence(0x30, tbs, sequence(0x30, oid(OID_CN, 3), NULL), bytes("\x03\x01\x00", 3), NULL);
}

/* --- handshake messages ---------------------------------------------------- */

static void
append24(GByteArray *out, guint value)
{
    uint8_t b[3] = { (uint8_t)(value >> 16), (uint8_t)(value >> 8), (uint8_t)value };

    g_byte_array_append(out, b, 3);
}

static GByteArray *
message(uint8_t type, const GByteArray *body)
{
    GByteArray *out = g_byte_array_new();

    g_byte_array_append(out, &type, 1);
    append24(out, body != NULL ? body->len : 0);
    if (body != NULL)
        g_byte_array_append(out, body->data, body->len);
    return out;
}

/* A Certificate message holding cert (NULL: an empty list); TLS 1.3's with
 * its request context and each entry's extensions. */
static GByteArray *
certificate_message(GByteArray *cert, bool tls13)
{
    GByteArray *body = g_byte_array_new(), *out;

    if (tls13)
        g_byte_array_append(body, (const uint8_t *)"\x00", 1);
    append24(body, cert != NULL ? cert->len + 3 + (tls13 ? 2 : 0) : 0);
    if (cert != NULL) {
        append24(body, cert->len);
        g_byte_array_append(body, cert->data, cert->len);
        if (tls13)
            g_byte_array_append(body, (const uint8_t *)"\x00\x00", 2);
        g_byte_array_unref(cert);
    }
    out = message(11, body);
    g_byte_array_unref(body);
    return out;
}

static void
read_message(kq1_tls_handshake_t *hs, GByteArray *msg, bool from_server, bool tls13)
{
    kq1_tls_read_handshake(hs, msg->data, msg->len, from_server, tls13);
    g_byte_array_unref(msg);
}

/* --- tests ------------------------------------------------------------------ */

static void
test_names(void)
{
    static const char *const dns[] = { "QKDM-Alice-01", "qkd-module.kq1.test", NULL };
    char names[KQ1_TLS_NAMES_SIZE];
    GByteArray *cert = certificate("QKDM-Alice-01", dns, "urn:qkd:alice");

    /* The CN, then the DNS names the CN does not repeat, then the URI. */
    g_assert_true(kq1_x509_names(cert->data, cert->len, names));
    g_assert_cmpstr(names, ==, "QKDM-Alice-01, qkd-module.kq1.test, urn:qkd:alice");
    /* Cut anywhere: no read past the end, and no names from a cut certificate's outer layer. */
    for (guint length = 0; length < cert->len; length++) {
        g_assert_false(kq1_x509_names(cert->data, length, names));
        g_assert_cmpstr(names, ==, "");
    }
    g_byte_array_unref(cert);

    /* No CN, no subjectAltName: it reads, naming nothing. */
    cert = certificate(NULL, NULL, NULL);
    g_assert_true(kq1_x509_names(cert->data, cert->len, names));
    g_assert_cmpstr(names, ==, "");
    g_byte_array_unref(cert);

    /* Bytes outside printable ASCII read as '?'. */
    cert = certificate("m\x01\xc3\xa9", NULL, NULL);
    g_assert_true(kq1_x509_names(cert->data, cert->len, names));
    g_assert_cmpstr(names, ==, "m???");
    g_byte_array_unref(cert);
}

static void
test_long_names_are_cut(void)
{
    char *long_name = g_strnfill(400, 'a');
    const char *const dns[] = { long_name, NULL };
    char names[KQ1_TLS_NAMES_SIZE];
    GByteArray *cert = certificate("m", dns, NULL);

    g_assert_true(kq1_x509_names(cert->data, cert->len, names));
    g_assert_cmpuint(strlen(names), ==, KQ1_TLS_NAMES_SIZE - 1);
    g_assert_true(g_str_has_prefix(names, "m, aaa"));
    g_byte_array_unref(cert);
    g_free(long_name);
}

static void
test_levels(void)
{
    for (int tls13 = 0; tls13 <= 1; tls13++) {
        kq1_tls_handshake_t hs = { 0 };
        GByteArray *empty = g_byte_array_new();

        /* Nothing read: unknown. */
        g_assert_cmpint(kq1_tls_level(&hs), ==, KQ1_TRANSPORT_UNKNOWN);
        g_assert_cmpint(kq1_tls_level(NULL), ==, KQ1_TRANSPORT_UNKNOWN);
        read_message(&hs, certificate_message(certificate("km", NULL, NULL), tls13), true, tls13);
        g_assert_cmpstr(hs.names[KQ1_TLS_SERVER], ==, "km");
        read_message(&hs, message(13, empty), true, tls13);
        g_assert_true(hs.certificate_requested);
        /* The server's flight alone: still unknown. */
        g_assert_cmpint(kq1_tls_level(&hs), ==, KQ1_TRANSPORT_UNKNOWN);
        {
            kq1_tls_handshake_t mutual = hs, none = hs;

            read_message(&mutual, certificate_message(certificate("QKDM-Alice-01", NULL, NULL), tls13), false, tls13);
            read_message(&mutual, message(tls13 ? 20 : 16, empty), false, tls13);
            g_assert_cmpint(kq1_tls_level(&mutual), ==, KQ1_TRANSPORT_MUTUAL_TLS);
            g_assert_cmpstr(mutual.names[KQ1_TLS_CLIENT], ==, "QKDM-Alice-01");

            /* An empty Certificate, then the client's reply: TLS, server only. */
            read_message(&none, certificate_message(NULL, tls13), false, tls13);
            read_message(&none, message(tls13 ? 20 : 16, empty), false, tls13);
            g_assert_cmpint(kq1_tls_level(&none), ==, KQ1_TRANSPORT_TLS);
            g_assert_cmpstr(none.names[KQ1_TLS_CLIENT], ==, "");
        }
        /* A server's Finished is no reply of the client's. */
        read_message(&hs, message(20, empty), true, tls13);
        g_assert_cmpint(kq1_tls_level(&hs), ==, KQ1_TRANSPORT_UNKNOWN);
        g_byte_array_unref(empty);
    }
}

static void
test_resumed_session_is_unknown(void)
{
    kq1_tls_handshake_t hs = { 0 };
    GByteArray *empty = g_byte_array_new();

    /* An abbreviated handshake: no Certificate of the server's. */
    read_message(&hs, message(2, empty), true, false);
    read_message(&hs, message(20, empty), false, false);
    g_assert_true(hs.client_flight);
    g_assert_cmpint(kq1_tls_level(&hs), ==, KQ1_TRANSPORT_UNKNOWN);
    g_byte_array_unref(empty);
}

static void
test_cut_messages(void)
{
    GByteArray *msg = certificate_message(certificate("QKDM-Alice-01", NULL, NULL), false);

    /* A Certificate cut at any length (split across records): unreadable,
     * never a verdict, and nothing read past the data. */
    for (guint length = 1; length < msg->len; length++) {
        kq1_tls_handshake_t hs = { 0 };
        uint8_t *copy = g_memdup2(msg->data, length);

        kq1_tls_read_handshake(&hs, copy, length, true, false);
        g_assert_true(hs.unreadable);
        g_assert_cmpint(kq1_tls_level(&hs), ==, KQ1_TRANSPORT_UNKNOWN);
        g_free(copy);
    }
    g_byte_array_unref(msg);
}

static GByteArray *
record(uint8_t type, GByteArray *data)
{
    GByteArray *out = g_byte_array_new();
    uint8_t head[5] = { type, 3, 3, (uint8_t)(data->len >> 8), (uint8_t)data->len };

    g_byte_array_append(out, head, 5);
    g_byte_array_append(out, data->data, data->len);
    g_byte_array_unref(data);
    return out;
}

static void
test_records(void)
{
    kq1_tls_handshake_t hs = { 0 };
    GByteArray *stream = g_byte_array_new(), *part;
    GByteArray *empty = g_byte_array_new();
    size_t read;

    /* The client's Certificate and ClientKeyExchange in one record, its
     * ChangeCipherSpec, then an encrypted record of type handshake, and a
     * record cut short. */
    part = certificate_message(certificate("QKDM-Alice-01", NULL, NULL), false);
    {
        GByteArray *key_exchange = message(16, empty);

        g_byte_array_append(part, key_exchange->data, key_exchange->len);
        g_byte_array_unref(key_exchange);
    }
    part = record(22, part);
    g_byte_array_append(stream, part->data, part->len);
    g_byte_array_unref(part);
    part = record(20, bytes("\x01", 1));
    g_byte_array_append(stream, part->data, part->len);
    g_byte_array_unref(part);
    part = record(22, bytes("\x0b\xff\xff\xff garbage", 12));
    g_byte_array_append(stream, part->data, part->len);
    g_byte_array_unref(part);
    g_byte_array_append(stream, (const uint8_t *)"\x17\x03\x03\x01\x00", 5);

    read = kq1_tls_read_records(&hs, stream->data, stream->len, false, false);
    g_assert_cmpuint(read, ==, stream->len - 5);
    g_assert_true(hs.client_certificate);
    g_assert_true(hs.client_flight);
    g_assert_true(hs.clear_ended[KQ1_TLS_CLIENT]);
    g_assert_false(hs.unreadable);   /* the encrypted record was not read */
    g_assert_cmpstr(hs.names[KQ1_TLS_CLIENT], ==, "QKDM-Alice-01");
    g_byte_array_unref(stream);
    g_byte_array_unref(empty);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tls/names", test_names);
    g_test_add_func("/tls/long-names-are-cut", test_long_names_are_cut);
    g_test_add_func("/tls/levels", test_levels);
    g_test_add_func("/tls/resumed-session-is-unknown", test_resumed_session_is_unknown);
    g_test_add_func("/tls/cut-messages", test_cut_messages);
    g_test_add_func("/tls/records", test_records);
    return g_test_run();
}
