/* kq1-tls-handshake.h
 * What a TLS handshake tells about how a connection carrying keys is
 * protected: whether the server's certificate was read, whether the client
 * presented one (mutual authentication, Q.4162 Appendix I), and the names
 * each certificate gives. Fed the handshake messages Wireshark's TLS
 * dissector shows: records in the clear (kq1_tls_read_records) and records
 * it decrypted (kq1_tls_read_handshake). No Wireshark, no allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_TLS_HANDSHAKE_H
#define KQ1_TLS_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a connection is protected (kq1.transport_security). */
typedef enum {
    KQ1_TRANSPORT_UNKNOWN = 0,     /* TLS whose handshake was not (all) read */
    KQ1_TRANSPORT_NONE = 1,        /* plain TCP or HTTP */
    KQ1_TRANSPORT_TLS = 2,         /* TLS, the client presented no certificate */
    KQ1_TRANSPORT_MUTUAL_TLS = 3   /* TLS, both ends presented a certificate */
} kq1_transport_level_t;

/* The names of one certificate: its subject's common name, then its
 * subjectAltName DNS names and URIs, ", " between; bytes outside printable
 * ASCII read as '?'; cut at the buffer's size. */
#define KQ1_TLS_NAMES_SIZE 256

enum { KQ1_TLS_CLIENT, KQ1_TLS_SERVER };

typedef struct {
    bool server_certificate;    /* the server's Certificate was read */
    bool certificate_requested; /* the server sent a CertificateRequest */
    bool client_certificate;    /* the client's Certificate held a certificate */
    bool client_flight;         /* the client's reply to the server's flight was read (its
                                 * ClientKeyExchange, TLS 1.2 and older, or its Finished) */
    bool unreadable;            /* a handshake message could not be read whole */
    bool clear_ended[2];        /* per sender: its ChangeCipherSpec ended its records in the clear */
    char names[2][KQ1_TLS_NAMES_SIZE];  /* per sender ([KQ1_TLS_CLIENT], [KQ1_TLS_SERVER]): its leaf
                                         * certificate's names, "" until read */
} kq1_tls_handshake_t;

/* The handshake messages (type, 24-bit length, body; several, whole) of one
 * handshake record's data, sent by the server or the client; tls13: the
 * session speaks TLS 1.3, whose Certificate differs. */
void kq1_tls_read_handshake(kq1_tls_handshake_t *hs, const uint8_t *data, size_t length, bool from_server,
                            bool tls13);

/* TLS records as they travel (5-byte header, then data) from one sender:
 * the handshake records among them until that sender's ChangeCipherSpec,
 * after which its records are encrypted. Returns the bytes of whole records
 * read; a record cut at the end is left. */
size_t kq1_tls_read_records(kq1_tls_handshake_t *hs, const uint8_t *data, size_t length, bool from_server,
                            bool tls13);

/* What the handshake read so far makes of a TLS connection. */
kq1_transport_level_t kq1_tls_level(const kq1_tls_handshake_t *hs);

/* The names of a DER certificate (see KQ1_TLS_NAMES_SIZE) into out;
 * false, out empty, when it does not read as a certificate. */
bool kq1_x509_names(const uint8_t *der, size_t length, char out[KQ1_TLS_NAMES_SIZE]);

#endif /* KQ1_TLS_HANDSHAKE_H */
