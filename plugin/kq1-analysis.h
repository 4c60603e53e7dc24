/* kq1-analysis.h
 * Capture-long Kq-1 state, one model for both transports: which response
 * answers which request, and where each key ID was supplied before.
 * Appendix I messages are matched within their TCP conversation (its
 * exchanges); Appendix II messages as HTTP pairs them. Built during the
 * first pass, read back on later passes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_ANALYSIS_H
#define KQ1_ANALYSIS_H

#include <epan/packet.h>

#include "kq1-compat.h"

#include "kq1-key-audit.h"
#include "kq1-payload.h"

/* The two ways of a TCP conversation: from the end whose address (then
 * port) sorts first, and from the other. The TCP transport tells each
 * message's; per-way state (MessageIDs used, messages held back) is kept
 * by it. */
typedef enum {
    KQ1_WAY_FROM_LOWER,
    KQ1_WAY_FROM_HIGHER
} kq1_way_t;

/* The analysis state of one TCP conversation: its unanswered requests and
 * supplies, and the MessageIDs each way used (opaque; first pass only). */
typedef struct kq1_exchanges kq1_exchanges_t;

/* In wmem_file_scope(). */
kq1_exchanges_t *kq1_exchanges_new(void);

/* What a Key request asked for. */
typedef struct {
    bool    has_number, has_size;
    int64_t number, size;
} kq1_ask_t;

/* A request and, once seen, its response, as the view reads it (in
 * pinfo->pool: the capture keeps it in a smaller form). */
typedef struct {
    uint32_t  request_frame;
    uint32_t  response_frame;     /* 0 until answered */
    nstime_t  request_time;
    kq1_ask_t ask;                /* what a Key request asked for */
} kq1_transaction_t;

/* One message, as its transport and view know it. */
typedef struct {
    uint16_t         code;            /* its CommandCode (Appendix II: that of the message it maps to) */
    const kq1_ask_t *ask;             /* a Key request's, NULL for others */
    /* Appendix I */
    kq1_exchanges_t *exchanges;       /* its TCP conversation's; NULL over HTTP */
    kq1_way_t        way;
    uint32_t         message_id;
    /* Appendix II */
    uint32_t         request_frame;   /* a response's request, as HTTP pairs them; 0 if unknown */
    bool             by_key_id;       /* keys of a Get key with key IDs: other halves, answering no
                                       * Kq-1 request */
} kq1_message_t;

/* What the analysis found for one message (in pinfo->pool). */
typedef struct {
    kq1_transaction_t *transaction;   /* the request's own, or the one a response answers */
    bool               is_request;
    unsigned           n_keys;        /* keys this message supplies, in order */
    kq1_key_links_t   *key_links;     /* per key: what the supplies of its ID make of it (the first
                                       * pass: those before it; later ones: the whole capture) */
    bool               id_repeated;   /* its MessageID was used before the same way, not by this message */
} kq1_analysis_t;

/* The key under which the analysis keeps data of one dissection of a
 * frame (p_add_proto_data in pinfo->pool; the view keeps its own under 0). */
#define KQ1_PROTO_DATA_SUPPLIES 1

/* Called once, by the protocol's registration. */
void kq1_analysis_register(int proto_kq1);

/* Links the message to its request or response and records the key IDs it
 * supplies; on later passes returns what the first pass found. pdu_index
 * tells apart the messages of one frame. NULL when nothing could be kept
 * (a capture past 2^29 messages). */
const kq1_analysis_t *kq1_analyse(packet_info *pinfo, unsigned pdu_index, const kq1_message_t *message,
                                  const kq1_payload_t *payload);

/* The QKD module ID of a TCP conversation: the first its messages gave,
 * learned from seen (a message's QKD module ID, or NULL); NULL while none
 * has been given. */
const char *kq1_exchanges_module_id(kq1_exchanges_t *exchanges, const char *seen);

/* true when key_id was supplied anywhere in the capture so far. */
bool kq1_key_id_seen(const char *key_id);

#endif /* KQ1_ANALYSIS_H */
