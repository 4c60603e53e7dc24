/* packet-kq1-tcp.c
 * Kq-1 over TCP, as ITU-T Q.4162 Appendix I carries it: messages of a
 * 10-byte header and a JSON payload, framed over the TCP stream, found by
 * port (kq1.tcp.port, Decode As), by a strict heuristic on any port, and
 * behind TLS (Appendix I, NOTE 2). The byte order of the header is a
 * preference. Each message is then shown by the message view (kq1-view.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-tls-utils.h>

#include "packet-kq1-tcp.h"
#include "kq1-transport.h"
#include "kq1-view.h"

/* No port is assigned; 4162 after the Recommendation's number. */
#define KQ1_TCP_PORTS "4162"

static int proto_kq1 = -1;

static dissector_handle_t kq1_handle;
static dissector_handle_t kq1_held_handle;
static dissector_handle_t kq1_tls_records_handle;
static dissector_handle_t tls_handle;

/* Preferences */
enum { KQ1_ORDER_BIG, KQ1_ORDER_LITTLE, KQ1_ORDER_AUTO };
static int kq1_byte_order = KQ1_ORDER_BIG;
static kq1_ws_bool_t kq1_desegment = true;

/* What the transport keeps of one TCP conversation (its analysis state
 * apart, which it only hands on). */
typedef struct {
    /* Each way, the frame whose last message waits for bytes that have not
     * come yet (0 for none). TCP holds such a message back; if the
     * connection or the capture ends first, TCP never hands it over. */
    uint32_t         unfinished[2];
    unsigned         encoding;      /* byte order of the headers found, 0 until known */
    bool             order_switched;    /* encoding is not the one the preference fixes */
    uint32_t         first_message;     /* the frame of its first message, 0 until seen */
    kq1_roles_t      roles;
    kq1_exchanges_t *exchanges;
    conversation_t  *owner;         /* Wireshark's conversation this is kept with */
} tcp_conversation_t;

/* Kept with the frame a held-back message starts in, so that once the first
 * pass is over the start of a message that never completed can be decoded
 * (after the frame: TCP no longer calls Kq-1 for it). */
typedef struct {
    kq1_pdu_context_t   ctx;
    tcp_conversation_t *conversation;
    uint32_t            frame_offset;  /* where its header is in the frame's bytes */
} kq1_held_message_t;

/* One message of a conversation, as tcp_dissect_pdus hands it over. */
typedef struct {
    kq1_pdu_context_t   ctx;
    tcp_conversation_t *conversation;
    bool                first_in_frame;
} tcp_pdu_t;

static void
remember_held_message(packet_info *pinfo, tvbuff_t *tvb, int offset, const tcp_pdu_t *pdu)
{
    kq1_held_message_t *held;

    pdu->conversation->unfinished[pdu->ctx.way] = pinfo->num;
    /* Only bytes of the frame itself can be found again later (not those of
     * a reassembled or decrypted buffer). */
    if (pinfo->data_src == NULL
        || tvb_get_ds_tvb(tvb) != get_data_source_tvb((struct data_source *)pinfo->data_src->data)
        || p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0) != NULL)
        return;
    held = wmem_new0(wmem_file_scope(), kq1_held_message_t);
    held->ctx = pdu->ctx;
    held->conversation = pdu->conversation;
    held->frame_offset = tvb_raw_offset(tvb) + (uint32_t)offset;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0, held);
}

static unsigned
get_kq1_pdu_len(packet_info *pinfo _U_, tvbuff_t *tvb, int offset, void *data)
{
    const tcp_pdu_t *pdu = (const tcp_pdu_t *)data;

    /* Only reached with fewer than 10 bytes when reassembly is impossible:
     * claim a bare header, so that dissect_kq1_pdu reports it cut short
     * (a length below the header's would be a bounds error in TCP). */
    if (tvb_captured_length_remaining(tvb, offset) < KQ1_HEADER_LEN)
        return KQ1_HEADER_LEN;
    return KQ1_HEADER_LEN + tvb_get_uint16(tvb, offset + 8, pdu->ctx.encoding);
}


static tcp_conversation_t *
get_conversation(packet_info *pinfo)
{
    conversation_t *conversation = find_or_create_conversation(pinfo);
    tcp_conversation_t *state = (tcp_conversation_t *)conversation_get_proto_data(conversation, proto_kq1);

    if (state == NULL) {
        state = wmem_new0(wmem_file_scope(), tcp_conversation_t);
        state->exchanges = kq1_exchanges_new();
        state->owner = conversation;
        conversation_add_proto_data(conversation, proto_kq1, state);
    }
    return state;
}

/* Which way the bytes go, the same for every frame of that way. */
static kq1_way_t
way_of(const packet_info *pinfo)
{
    int order = cmp_address(&pinfo->src, &pinfo->dst);

    if (order == 0)
        return pinfo->srcport < pinfo->destport ? KQ1_WAY_FROM_LOWER : KQ1_WAY_FROM_HIGHER;
    return order < 0 ? KQ1_WAY_FROM_LOWER : KQ1_WAY_FROM_HIGHER;
}

/* The roles of the conversation (which end is the KM) from its first
 * message with a valid direction byte; the Kq-1 port only until then.
 * First pass. */
static void
note_roles(packet_info *pinfo, tcp_conversation_t *conversation, uint8_t direction)
{
    if (PINFO_FD_VISITED(pinfo) || conversation->roles.frame != 0 || pinfo->srcport == pinfo->destport)
        return;
    if (direction == KQ1_DIR_QKD_TO_KM)
        conversation->roles.km_port = pinfo->destport;
    else if (direction == KQ1_DIR_KM_TO_QKD)
        conversation->roles.km_port = pinfo->srcport;
    else
        return;
    conversation->roles.frame = pinfo->num;
}

/* true when offset starts a header that names a message of Table I.1 (so
 * with a valid direction byte) in this byte order, with a payload of at
 * least two bytes that opens a JSON object. */
static bool
header_looks_valid(tvbuff_t *tvb, int offset, unsigned encoding)
{
    unsigned length;
    int payload;

    if (tvb_captured_length_remaining(tvb, offset) < KQ1_HEADER_LEN + 1)
        return false;
    if (kq1_message_lookup(tvb_get_uint16(tvb, offset + 6, encoding)) == NULL)
        return false;
    length = tvb_get_uint16(tvb, offset + 8, encoding);
    payload = offset + KQ1_HEADER_LEN;
    while (tvb_offset_exists(tvb, payload) && payload < offset + KQ1_HEADER_LEN + (int)length
           && g_ascii_isspace(tvb_get_uint8(tvb, payload)))
        payload++;
    return length >= 2 && tvb_offset_exists(tvb, payload) && tvb_get_uint8(tvb, payload) == '{';
}

/* The strict test of the heuristic: a valid header whose Length agrees with
 * the data (every further message in the segment is valid too). */
static bool
looks_like_kq1(tvbuff_t *tvb, unsigned encoding)
{
    int offset = 0;

    for (unsigned pdus = 0; pdus < 16; pdus++) {
        if (!header_looks_valid(tvb, offset, encoding))
            return false;
        offset += KQ1_HEADER_LEN + tvb_get_uint16(tvb, offset + 8, encoding);
        if (!tvb_offset_exists(tvb, offset))
            return true;    /* the data ends inside (or right after) this message */
    }
    return true;
}

/* The byte order the preference fixes. */
static unsigned
preferred_encoding(void)
{
    return kq1_byte_order == KQ1_ORDER_LITTLE ? ENC_LITTLE_ENDIAN : ENC_BIG_ENDIAN;
}

static unsigned
other_encoding(unsigned encoding)
{
    return encoding == ENC_BIG_ENDIAN ? ENC_LITTLE_ENDIAN : ENC_BIG_ENDIAN;
}

/* Notes the byte order of a conversation's headers, chosen by its first
 * data: with "automatic", the order that makes its first CommandCode one of
 * Table I.1 (big-endian when both or neither do); else the preference's,
 * unless only the other order does (then that one, and its first message
 * says so). */
static void
choose_encoding(tcp_conversation_t *conversation, unsigned encoding)
{
    conversation->encoding = encoding;
    conversation->order_switched = kq1_byte_order != KQ1_ORDER_AUTO && encoding != preferred_encoding();
}

static unsigned
header_encoding(tvbuff_t *tvb, tcp_conversation_t *conversation)
{
    if (conversation->encoding == 0 && tvb_captured_length(tvb) >= 8) {
        unsigned preferred = kq1_byte_order == KQ1_ORDER_AUTO ? ENC_BIG_ENDIAN : preferred_encoding();
        bool in_preferred = kq1_message_lookup(tvb_get_uint16(tvb, 6, preferred)) != NULL;
        bool in_other = kq1_message_lookup(tvb_get_uint16(tvb, 6, other_encoding(preferred))) != NULL;

        choose_encoding(conversation, in_other && !in_preferred ? other_encoding(preferred) : preferred);
    }
    return conversation->encoding != 0 ? conversation->encoding : preferred_encoding();
}

/* One message of the stream, as tcp_dissect_pdus hands it over. */
static int
dissect_kq1_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_pdu_t *pdu = (tcp_pdu_t *)data;
    tcp_conversation_t *conversation = pdu->conversation;
    kq1_pdu_context_t ctx = pdu->ctx;

    if (!PINFO_FD_VISITED(pinfo)) {
        /* A message this way was waiting for has come whole. */
        if (conversation->unfinished[ctx.way] < pinfo->num)
            conversation->unfinished[ctx.way] = 0;
        if (conversation->first_message == 0)
            conversation->first_message = pinfo->num;
    }
    if (tvb_captured_length(tvb) >= 8)
        note_roles(pinfo, conversation, (uint8_t)(tvb_get_uint16(tvb, 6, ctx.encoding) >> 8));
    /* The first message of the conversation says when its byte order is
     * not the preference's. */
    ctx.order_switched = conversation->order_switched && pdu->first_in_frame
                         && pinfo->num == conversation->first_message;
    pdu->first_in_frame = false;
    return kq1_view_message(tvb, pinfo, tree, &ctx);
}

static int
dissect_kq1_stream(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tcp_conversation_t *conversation)
{
    tcp_pdu_t pdu = { { 0 }, conversation, true };

    pdu.ctx.encoding = header_encoding(tvb, conversation);
    pdu.ctx.way = way_of(pinfo);
    pdu.ctx.roles = &conversation->roles;
    pdu.ctx.exchanges = conversation->exchanges;
    pdu.ctx.conversation = conversation->owner;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "Kq-1");
    col_clear(pinfo->cinfo, COL_INFO);
    tcp_dissect_pdus(tvb, pinfo, tree, kq1_desegment, KQ1_HEADER_LEN, get_kq1_pdu_len,
                     dissect_kq1_pdu, &pdu);
    /* tcp_dissect_pdus waits for the rest of a message (or of its header). */
    if (!PINFO_FD_VISITED(pinfo) && pinfo->desegment_len != 0)
        remember_held_message(pinfo, tvb, pinfo->desegment_offset, &pdu);
    return tvb_captured_length(tvb);
}

/* A TLS record header (content type, version 3.x), as the first bytes of a
 * conversation on a Kq-1 port that is protected by TLS (Appendix I, NOTE 2). */
static bool
looks_like_tls(tvbuff_t *tvb)
{
    uint8_t type;

    if (tvb_captured_length(tvb) < 5)
        return false;
    type = tvb_get_uint8(tvb, 0);
    return type >= 20 && type <= 23 && tvb_get_uint8(tvb, 1) == 3 && tvb_get_uint8(tvb, 2) <= 4;
}

/* A Kq-1 port's conversation protected by TLS, each frame: TLS decodes it
 * (with TCP's data, as TCP would hand it over, and hands Kq-1 what it
 * decrypts); the records it leaves in the clear tell who authenticated. */
static int
dissect_kq1_tls_records(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    int consumed = call_dissector_with_data(tls_handle, tvb, pinfo, tree, data);

    kq1_transport_read_records(tvb, pinfo);
    return consumed;
}

/* Kq-1 found by port (kq1.tcp.port, Decode As, or kq1.tls.port behind TLS). */
static int
dissect_kq1_tcp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    tcp_conversation_t *conversation = get_conversation(pinfo);

    /* TLS on the Kq-1 port: TLS takes the conversation from this frame on
     * and hands the decrypted data back to Kq-1 (Wireshark's STARTTLS
     * helper, with TLS starting at once). */
    if (conversation->roles.km_port == 0 && looks_like_tls(tvb) && !looks_like_kq1(tvb, ENC_BIG_ENDIAN)
        && !looks_like_kq1(tvb, ENC_LITTLE_ENDIAN)) {
        ssl_starttls_post_ack(tls_handle, pinfo, kq1_handle);
        /* In TLS's place as the conversation's dissector, to see its records. */
        conversation_set_dissector(find_or_create_conversation(pinfo), kq1_tls_records_handle);
        return dissect_kq1_tls_records(tvb, pinfo, tree, data);
    }
    /* Until a message says otherwise, the port that matched is the KM's. */
    if (conversation->roles.km_port == 0)
        conversation->roles.km_port = pinfo->match_uint;
    return dissect_kq1_stream(tvb, pinfo, tree, conversation);
}

/* A conversation the heuristic has claimed. */
static int
dissect_kq1_held(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    return dissect_kq1_stream(tvb, pinfo, tree, get_conversation(pinfo));
}

/* Kq-1 on any port: a strict check of the first data of a conversation,
 * which then belongs to Kq-1. */
static kq1_ws_bool_t
dissect_kq1_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    tcp_conversation_t *conversation;
    unsigned encoding;
    uint8_t direction;

    /* The preference's order first (big-endian when automatic), then the
     * other, which the first message then names. */
    encoding = kq1_byte_order == KQ1_ORDER_AUTO ? ENC_BIG_ENDIAN : preferred_encoding();
    if (!looks_like_kq1(tvb, encoding) && !looks_like_kq1(tvb, encoding = other_encoding(encoding)))
        return false;

    conversation = get_conversation(pinfo);
    if (conversation->encoding == 0)
        choose_encoding(conversation, encoding);
    /* Which end is the KM follows from who sent the first message. */
    direction = (uint8_t)(tvb_get_uint16(tvb, 6, encoding) >> 8);
    if (conversation->roles.km_port == 0)
        conversation->roles.km_port = direction == KQ1_DIR_QKD_TO_KM ? pinfo->destport : pinfo->srcport;
    conversation_set_dissector(find_or_create_conversation(pinfo), kq1_held_handle);
    dissect_kq1_stream(tvb, pinfo, tree, conversation);
    return true;
}

/* Once the first pass is over, a held-back message that no later segment
 * completed is decoded from the frame it starts in. */
int
kq1_tcp_decode_unfinished(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    kq1_held_message_t *held;
    kq1_pdu_context_t ctx;

    if (!PINFO_FD_VISITED(pinfo))
        return 0;
    held = (kq1_held_message_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_kq1, 0);
    if (held == NULL || held->conversation->unfinished[held->ctx.way] != pinfo->num
        || held->frame_offset >= tvb_captured_length(tvb))
        return 0;
    ctx = held->ctx;
    ctx.never_completed = true;
    col_clear(pinfo->cinfo, COL_INFO);
    return kq1_view_message(tvb_new_subset_remaining(tvb, (int)held->frame_offset), pinfo, tree, &ctx);
}

void
kq1_tcp_register(int proto, module_t *module)
{
    static const enum_val_t byte_order_vals[] = {
        { "big-endian",    "Big-endian (network byte order)", KQ1_ORDER_BIG },
        { "little-endian", "Little-endian",                    KQ1_ORDER_LITTLE },
        { "automatic",     "Automatic, per conversation",      KQ1_ORDER_AUTO },
        { NULL, NULL, 0 }
    };

    proto_kq1 = proto;
    kq1_handle = register_dissector("kq1", dissect_kq1_tcp, proto_kq1);
    kq1_held_handle = create_dissector_handle(dissect_kq1_held, proto_kq1);
    kq1_tls_records_handle = create_dissector_handle(dissect_kq1_tls_records, proto_kq1);

    prefs_register_bool_preference(module, "desegment",
                                   "Reassemble Kq-1 messages spanning multiple TCP segments",
                                   "Join a Kq-1 message cut across TCP segments before decoding it. "
                                   "Needs TCP's \"Allow subdissectors to reassemble TCP streams\" too.",
                                   &kq1_desegment);
    prefs_register_enum_preference(module, "byte_order", "Byte order of the header",
                                   "Q.4162 does not say; network byte order (big-endian) unless your "
                                   "implementations differ. Automatic decides per TCP conversation from "
                                   "its first header.",
                                   &kq1_byte_order, byte_order_vals, false);
}

void
kq1_tcp_handoff(void)
{
    tls_handle = find_dissector_add_dependency("tls", proto_kq1);
    dissector_add_uint_range_with_preference("tcp.port", KQ1_TCP_PORTS, kq1_handle);
    /* TLS application data on these ports is Kq-1 too (Decode As TLS on
     * another port, or a TLS session TLS itself found). */
    dissector_add_uint_range_with_preference("tls.port", KQ1_TCP_PORTS, kq1_handle);
    heur_dissector_add("tcp", dissect_kq1_heur, "Kq-1 over TCP", "kq1_tcp", proto_kq1, HEURISTIC_ENABLE);
}
