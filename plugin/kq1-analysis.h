/* kq1-analysis.h
 * Capture-long Kq-1 state: which response answers which request (per TCP
 * conversation) and where each key ID was first supplied (across the whole
 * capture). Built during the first pass, read back on later passes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_ANALYSIS_H
#define KQ1_ANALYSIS_H

#include <epan/packet.h>

#include "kq1-compat.h"

#include "kq1-payload.h"

/* A request and, once seen, its response, as the view reads it (in
 * pinfo->pool: the capture keeps it in a smaller form). */
typedef struct {
    uint32_t  request_frame;
    uint32_t  response_frame;     /* 0 until answered */
    nstime_t  request_time;
    bool      has_number, has_size;
    int64_t   number, size;       /* what a Key request asked for */
} kq1_transaction_t;

/* The last message one way of a conversation, as the analysis found it. */
typedef struct {
    bool     any;           /* false until there is one */
    uint16_t code;
    uint32_t message_id;
    uint32_t exchange;      /* its exchange's number + 1, 0 for none */
    bool     is_request;
} kq1_last_message_t;

/* Capture-long state of one TCP conversation. */
typedef struct {
    uint32_t       number;        /* 1, 2, ... in the order the capture made them */
    /* Per direction, the frame whose last message waits for bytes that have
     * not come yet (0 for none). TCP holds such a message back; if the
     * connection or the capture ends first, TCP never hands it over. */
    uint32_t       unfinished[2];
    uint32_t       server_port;   /* the KM's TCP port, 0 until known */
    uint32_t       roles_frame;   /* the frame whose message set server_port, 0 if only the port did */
    unsigned       encoding;      /* byte order of the headers found, 0 until known */
    /* First pass only: the unanswered Key requests (oldest first) and Key
     * supplies (by key number + 1), as pending_t. */
    wmem_list_t   *requests;
    wmem_map_t    *supplies;
    /* Each way (0: QKD module -> KM, 1: KM -> QKD module, by the direction
     * byte): the MessageIDs used, as ranges; and the last message, whose
     * MessageID and CommandCode again mean that message again (a TCP
     * retransmission, which reaches Kq-1 when TCP's sequence analysis is
     * off). First pass only. */
    wmem_array_t  *used_ids[2];
    kq1_last_message_t last_message[2];
} kq1_conversation_t;

/* What an earlier supply of the same key ID makes of this one: a reuse (by
 * the same QKD module, or to the same KM) or the other half of the key's
 * pair (Section 3.1.5: the same key ID at the matching module's KM). */
typedef struct {
    uint32_t reused_from;     /* the frame of the earlier supply it reuses, 0 if none */
    uint32_t pair_partner;    /* the frame of its pair's other half, 0 if none */
} kq1_key_link_t;

/* What the analysis found for one PDU (in pinfo->pool: the capture keeps it
 * in a smaller form for every later pass). */
typedef struct {
    kq1_transaction_t *transaction;   /* the request's own, or the one a response answers */
    bool               is_request;
    unsigned           n_keys;        /* keys this PDU supplies, in order */
    kq1_key_link_t    *key_links;     /* per key: what earlier supplies of its ID make of it */
    bool               id_repeated;   /* its MessageID was used before the same way, not by this message */
} kq1_pdu_analysis_t;

/* Called once, by the protocol's registration. */
void kq1_analysis_register(int proto);

kq1_conversation_t *kq1_conversation_new(void);

/* Links the PDU to its request or response and records the key IDs it
 * supplies; on later passes returns what the first pass found.
 * pdu_index tells apart the PDUs of one frame. */
const kq1_pdu_analysis_t *kq1_analyse_pdu(packet_info *pinfo, kq1_conversation_t *conversation,
                                          unsigned pdu_index, uint16_t code, uint32_t message_id,
                                          const kq1_payload_t *payload);

/* Records a supply of key_id (in this packet, from the QKD module called
 * module_id, or NULL to know it by its endpoint; to the KM at the packet's
 * destination) and says what earlier supplies of it make of it. The caller
 * does not note a message seen again. */
kq1_key_link_t kq1_note_key_supply(packet_info *pinfo, const char *key_id, const char *module_id);

/* The roles of the conversation (which end is the KM) from its first message
 * with a valid direction byte; the TCP port only until then. First pass. */
void kq1_note_roles(packet_info *pinfo, kq1_conversation_t *conversation, uint8_t direction);

/* true when key_id was supplied anywhere in the capture so far. */
bool kq1_key_id_seen(const char *key_id);

#endif /* KQ1_ANALYSIS_H */
