/* fuzz-tls-handshake.c
 * libFuzzer target: the TLS handshake reader on any bytes. The handshake and
 * the certificates in it come from the wire, before anyone is authenticated,
 * so they are as hostile as a payload. The first byte picks what the rest is
 * read as: TLS records in the clear, handshake messages TLS decrypted, or one
 * DER certificate; who sent it; and whether the session is TLS 1.3. What the
 * reader keeps must stay within its rules: names printable, ended, in their
 * buffer; no more bytes read than given; no verdict from an unread handshake.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kq1-tls-handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { AS_RECORDS, AS_HANDSHAKE, AS_CERTIFICATE };

/* A certificate's names: ended inside the buffer, printable ASCII only. */
static void
check_names(const char names[KQ1_TLS_NAMES_SIZE])
{
    size_t length = strnlen(names, KQ1_TLS_NAMES_SIZE);

    if (length == KQ1_TLS_NAMES_SIZE)
        abort();
    for (size_t i = 0; i < length; i++)
        if (names[i] < 0x20 || names[i] > 0x7e)
            abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kq1_tls_handshake_t hs;
    const uint8_t *bytes = data + 1;
    size_t length;
    bool from_server, tls13;

    if (size < 1 || size > 65536 + 1)
        return 0;
    length = size - 1;
    from_server = data[0] & 1;
    tls13 = (data[0] >> 1) & 1;
    memset(&hs, 0, sizeof hs);
    switch ((data[0] >> 2) % 3) {
    case AS_RECORDS: {
        /* As TCP hands them over: in two pieces, the second starting where
         * the first's whole records end. */
        size_t cut = length / 2, read = kq1_tls_read_records(&hs, bytes, cut, from_server, tls13);

        if (read > cut)
            abort();
        if (kq1_tls_read_records(&hs, bytes + read, length - read, from_server, tls13) > length - read)
            abort();
        break;
    }
    case AS_HANDSHAKE:
        kq1_tls_read_handshake(&hs, bytes, length, from_server, tls13);
        break;
    default: {
        char names[KQ1_TLS_NAMES_SIZE];

        if (!kq1_x509_names(bytes, length, names) && names[0] != '\0')
            abort();
        check_names(names);
        return 0;
    }
    }
    check_names(hs.names[KQ1_TLS_CLIENT]);
    check_names(hs.names[KQ1_TLS_SERVER]);
    /* A verdict needs the server's certificate and the client's reply, all read. */
    if (kq1_tls_level(&hs) != KQ1_TRANSPORT_UNKNOWN && (hs.unreadable || !hs.server_certificate || !hs.client_flight))
        abort();
    return 0;
}
