/* kq1-view.h
 * The Kq-1 message view: what a user sees of one message, whichever
 * transport carried it. Each transport hands its messages over through one
 * entry point: kq1_view_message for Appendix I (packet-kq1-tcp.c),
 * kq1_view_http_message for Appendix II (packet-kq1-http.c). The view owns
 * the kq1.* and qkd014.* fields, subtrees and expert infos, the preferences
 * that change how a message reads, and the "kq1" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_VIEW_H
#define KQ1_VIEW_H

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>

#include "kq1-compat.h"

#include "kq1-analysis.h"

/* Which end of a TCP conversation is the KM: the port its first message
 * with a valid direction byte says (the TCP transport keeps it). */
typedef struct {
    uint32_t km_port;   /* 0 until known */
    uint32_t frame;     /* the frame whose message set it, 0 if only the Kq-1 port did */
} kq1_roles_t;

/* What the TCP transport knows of one Appendix I message. */
typedef struct {
    unsigned           encoding;         /* of the header: ENC_BIG_ENDIAN or ENC_LITTLE_ENDIAN */
    kq1_way_t          way;
    const kq1_roles_t *roles;
    kq1_exchanges_t   *exchanges;        /* its conversation's analysis state */
    conversation_t    *conversation;     /* its TCP conversation */
    bool               never_completed;  /* the capture holds only the start of this message */
    bool               order_switched;   /* the first message of a conversation whose headers read
                                          * as Kq-1 only in the other byte order than the preference's */
} kq1_pdu_context_t;

/* The ETSI GS QKD 014 method a URI names. */
typedef enum {
    KQ1_HTTP_GET_KEY,           /* enc_keys: the Kq-1 Key request and Response to key request */
    KQ1_HTTP_GET_KEY_WITH_IDS,  /* dec_keys: ETSI GS QKD 014 only */
    KQ1_HTTP_GET_STATUS         /* status: ETSI GS QKD 014 only */
} kq1_http_method_t;

/* What the HTTP transport found of one ETSI GS QKD 014 message. */
typedef struct {
    kq1_http_method_t method;
    bool              response;
    const char       *uri;            /* a request's URI, or the URI of a response's request */
    const char       *sae_id;         /* the SAE ID the URI names (enc_keys, status: the slave's;
                                       * dec_keys: the master's), or NULL */
    tvbuff_t         *uri_tvb;        /* a request URI's bytes, or NULL when not found */
    uint32_t          code;           /* a response's status code */
    tvbuff_t         *code_tvb;       /* its bytes, or NULL when not found */
    tvbuff_t         *body;           /* the JSON body, or NULL */
    uint32_t          request_frame;  /* a response's request as HTTP pairs them, 0 if unknown */
} kq1_http_message_t;

/* Called from proto_register_kq1 and proto_reg_handoff_kq1. */
void kq1_view_register(int proto_kq1, int proto_qkd014, module_t *module);
void kq1_view_handoff(void);

/* One Appendix I message (10-byte header and payload) in tvb. */
int kq1_view_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_pdu_context_t *ctx);

/* One Appendix II message of an HTTP frame (tvb: the frame's). */
void kq1_view_http_message(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const kq1_http_message_t *m);

#endif /* KQ1_VIEW_H */
