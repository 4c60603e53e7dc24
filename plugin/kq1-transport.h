/* kq1-transport.h
 * How each connection that carries Kq-1 or ETSI GS QKD 014 is protected:
 * in the clear, TLS, or TLS with both ends authenticated by certificate
 * (Q.4162 Appendix I), read from what Wireshark's TLS dissector decoded of
 * its handshake. The transports feed it the handshake; the view asks it,
 * for each message, what to show.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_TRANSPORT_H
#define KQ1_TRANSPORT_H

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>

#include "kq1-compat.h"

#include "kq1-tls-handshake.h"

/* What the view knows of one message, for its connection's checks. */
typedef struct {
    bool        carries_keys;     /* it holds key material */
    bool        over_http;        /* an ETSI GS QKD 014 message (Appendix II) */
    bool        from_module;      /* sent by the QKD module (Appendix I) */
    const char *module_id;        /* the QKD module ID it names (Appendix I), or NULL */
} kq1_transport_message_t;

/* The names of kq1.transport_security, which the statistics show too. */
extern const value_string kq1_transport_security_vals[];

/* What the connection of a message is, for the statistics. */
typedef struct {
    kq1_transport_level_t level;
    uint16_t              tls_version;      /* 0 when not TLS or not known */
    bool                  first_message;    /* the connection's first Kq-1 or QKD 014 message */
} kq1_transport_t;

/* Whether protocol proto took part in this frame (is one of its layers). */
bool kq1_frame_has_layer(const packet_info *pinfo, int proto);

/* Called from proto_register_kq1 (proto: a protocol in name only under
 * Kq-1, the audit's own) and proto_reg_handoff_kq1. */
void kq1_transport_register(int proto_kq1, int proto, module_t *module);
void kq1_transport_handoff(void);
/* Called when the preferences change. */
void kq1_transport_apply_preferences(void);

/* The TLS records in the clear in tvb, just handed to TLS on a Kq-1 port
 * (first pass). */
void kq1_transport_read_records(tvbuff_t *tvb, packet_info *pinfo);

/* For the postdissector, on each frame of the first pass: the handshake
 * records TLS decrypted in it, on any port. */
void kq1_transport_read_decrypted(packet_info *pinfo);

/* The connection's fields under tree, and its findings on its first
 * message that can show them; conversation: the message's TCP
 * conversation, or NULL to look it up. */
kq1_transport_t kq1_transport_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, conversation_t *conversation,
                                   const kq1_transport_message_t *message);

#endif /* KQ1_TRANSPORT_H */
