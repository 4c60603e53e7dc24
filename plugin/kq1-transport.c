/* kq1-transport.c
 * How each connection carrying Kq-1 or ETSI GS QKD 014 is protected
 * (kq1.transport_security and the TLS facts beside it) and what is wrong
 * with it: key material in the clear, TLS without the client's certificate
 * (Q.4162 Appendix I wants mutual authentication), TLS older than 1.2, and
 * a QKD module whose certificate does not name it.
 *
 * The TLS dissector keeps each session's version and cipher suite; who
 * presented a certificate it does not keep, so the handshake is read here
 * as TLS shows it: its records in the clear on Kq-1's own ports (the TCP
 * transport hands them over), and the records it decrypted, which a
 * postdissector reads on any frame with TLS in it (TLS 1.3 with secrets).
 * Built on the first pass; later passes read it back.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/dissectors/packet-tls-utils.h>
#include <wsutil/str_util.h>

#include "kq1-transport.h"

#define TLS12_VERSION 0x0303
#define TLS13_VERSION 0x0304

static int proto_transport = -1;   /* in name only under Kq-1: the key of the connection state */
static int proto_tls = -1;

static int hf_kq1_transport_security = -1;
static int hf_kq1_tls_version = -1;
static int hf_kq1_tls_cipher_suite = -1;
static int hf_kq1_peer_subject = -1;

static int ett_kq1_transport = -1;

static expert_field ei_kq1_keys_in_clear = EI_INIT;
static expert_field ei_kq1_no_mutual_auth = EI_INIT;
static expert_field ei_kq1_old_tls = EI_INIT;
static expert_field ei_kq1_peer_id_mismatch = EI_INIT;

/* Preferences */
static kq1_ws_bool_t kq1_require_tls = false;
static kq1_ws_bool_t kq1_check_peer_id = true;

const value_string kq1_transport_security_vals[] = {
    { KQ1_TRANSPORT_UNKNOWN,    "unknown (TLS handshake not read)" },
    { KQ1_TRANSPORT_NONE,       "none (in the clear)" },
    { KQ1_TRANSPORT_TLS,        "TLS, server authenticated only" },
    { KQ1_TRANSPORT_MUTUAL_TLS, "TLS, both ends authenticated by certificate" },
    { 0, NULL }
};

static const value_string tls_version_vals[] = {
    { 0x0300, "SSL 3.0" },
    { 0x0301, "TLS 1.0" },
    { 0x0302, "TLS 1.1" },
    { 0x0303, "TLS 1.2" },
    { 0x0304, "TLS 1.3" },
    { 0, NULL }
};

/* The IANA names of the suites TLS 1.3 and current TLS 1.2 peers agree on;
 * others show by number (the TLS tree names every suite). */
static const value_string tls_cipher_suite_vals[] = {
    { 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
    { 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
    { 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
    { 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
    { 0x1301, "TLS_AES_128_GCM_SHA256" },
    { 0x1302, "TLS_AES_256_GCM_SHA384" },
    { 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
    { 0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
    { 0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA" },
    { 0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
    { 0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA" },
    { 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
    { 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
    { 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
    { 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
    { 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
    { 0, NULL }
};

/* What is kept of one connection (conversation data, capture-long). */
typedef struct {
    kq1_tls_handshake_t hs;
    uint32_t first_frame;      /* its first Kq-1 or QKD 014 message's, 0 until seen */
    uint32_t keys_frame;       /* its first message with key material */
    uint32_t id_frame;         /* the first message whose QKD module ID was compared with a certificate */
    bool     id_mismatch;      /* and that certificate did not name it */
} connection_t;

/* The findings a dissection of a frame has shown (pinfo->pool): each
 * once, on the first message of the frame that can show it (the one the
 * first pass noted it on). */
enum {
    SHOWN_FIRST = 1 << 0,
    SHOWN_KEYS = 1 << 1,
    SHOWN_ID = 1 << 2
};

static connection_t *
get_connection(conversation_t *conversation)
{
    connection_t *connection = (connection_t *)conversation_get_proto_data(conversation, proto_transport);

    if (connection == NULL) {
        connection = wmem_new0(wmem_file_scope(), connection_t);
        conversation_add_proto_data(conversation, proto_transport, connection);
    }
    return connection;
}

static SslDecryptSession *
tls_session(conversation_t *conversation)
{
    return conversation != NULL && proto_tls >= 0
           ? (SslDecryptSession *)conversation_get_proto_data(conversation, proto_tls) : NULL;
}

static bool
session_is_tls13(const SslDecryptSession *ssl)
{
    return (ssl->state & SSL_VERSION) && ssl->session.version == TLS13_VERSION;
}

/* Whether this frame's sender is the session's server, as TLS found it. */
static bool
sent_by_server(const SslDecryptSession *ssl, const packet_info *pinfo)
{
    return ssl->session.srv_port == pinfo->srcport && addresses_equal(&ssl->session.srv_addr, &pinfo->src);
}

bool
kq1_frame_has_layer(const packet_info *pinfo, int proto)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer != NULL;
         layer = wmem_list_frame_next(layer)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(layer)) == proto)
            return true;
    }
    return false;
}

void
kq1_transport_read_records(tvbuff_t *tvb, packet_info *pinfo)
{
    conversation_t *conversation;
    SslDecryptSession *ssl;
    unsigned length;

    if (PINFO_FD_VISITED(pinfo) || (ssl = tls_session(conversation = find_conversation_pinfo(pinfo, 0))) == NULL)
        return;
    /* Past where TLS asked TCP for more, the bytes come again, joined. */
    length = tvb_captured_length(tvb);
    if (pinfo->desegment_len != 0 && (unsigned)pinfo->desegment_offset < length)
        length = (unsigned)pinfo->desegment_offset;
    if (length == 0)
        return;
    kq1_tls_read_records(&get_connection(conversation)->hs, tvb_get_ptr(tvb, 0, (int)length), length,
                         sent_by_server(ssl, pinfo), session_is_tls13(ssl));
}

/* The handshake records TLS decrypted in one of its layers' packet data. */
static void
read_decrypted_records(packet_info *pinfo, const SslPacketInfo *packet)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);
    SslDecryptSession *ssl = tls_session(conversation);
    connection_t *connection;

    if (ssl == NULL)
        return;
    connection = get_connection(conversation);
    for (const SslRecordInfo *record = packet->records; record != NULL; record = record->next) {
        if (record->type == SSL_ID_HANDSHAKE)
            kq1_tls_read_handshake(&connection->hs, record->plain_data, record->data_len,
                                   sent_by_server(ssl, pinfo), session_is_tls13(ssl));
    }
}

/* TLS keys its packet data by 0 (4.0) or by which TLS layer of the frame it
 * is (1 for the first; later versions). */
void
kq1_transport_read_decrypted(packet_info *pinfo)
{
    const SslPacketInfo *first = NULL;
    uint32_t tls_layer = 0;

    if (PINFO_FD_VISITED(pinfo))
        return;
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer != NULL;
         layer = wmem_list_frame_next(layer)) {
        if (GPOINTER_TO_INT(wmem_list_frame_data(layer)) != proto_tls)
            continue;
        if (tls_layer++ == 0) {
            first = (const SslPacketInfo *)p_get_proto_data(wmem_file_scope(), pinfo, proto_tls, 0);
            if (first != NULL && first->records != NULL)
                read_decrypted_records(pinfo, first);
        }
        const SslPacketInfo *packet = (const SslPacketInfo *)p_get_proto_data(wmem_file_scope(), pinfo,
                                                                              proto_tls, tls_layer);
        if (packet != NULL && packet != first && packet->records != NULL)
            read_decrypted_records(pinfo, packet);
    }
}

/* Whether names (a certificate's) hold id, ignoring ASCII case (DNS names
 * are case-blind). */
static bool
names_hold(packet_info *pinfo, const char *names, const char *id)
{
    return strstr(wmem_ascii_strdown(pinfo->pool, names, -1), wmem_ascii_strdown(pinfo->pool, id, -1)) != NULL;
}

/* Once per dissection of the frame: true the first time for flag. */
static bool
first_showing(packet_info *pinfo, unsigned flag)
{
    unsigned shown = GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_transport, 0));

    if (shown & flag)
        return false;
    p_set_proto_data(pinfo->pool, pinfo, proto_transport, 0, GUINT_TO_POINTER(shown | flag));
    return true;
}

/* Whether the message's QKD module ID can be compared with the module's
 * certificate (module_names: its names, or NULL). */
static bool
can_check_id(const kq1_transport_message_t *message, const char *module_names)
{
    return message->module_id != NULL && message->module_id[0] != '\0' && module_names != NULL
           && module_names[0] != '\0';
}

/* First pass: where this message's connection first shows what. */
static void
note_message(packet_info *pinfo, connection_t *connection, const kq1_transport_message_t *message,
             const char *module_names)
{
    if (PINFO_FD_VISITED(pinfo))
        return;
    if (connection->first_frame == 0)
        connection->first_frame = pinfo->num;
    if (message->carries_keys && connection->keys_frame == 0)
        connection->keys_frame = pinfo->num;
    if (connection->id_frame == 0 && can_check_id(message, module_names)) {
        connection->id_frame = pinfo->num;
        connection->id_mismatch = !names_hold(pinfo, module_names, message->module_id);
    }
}

static void
add_findings(proto_item *item, packet_info *pinfo, const connection_t *connection, const kq1_transport_t *t,
             const kq1_transport_message_t *message, const char *module_names)
{
    if (connection->first_frame == pinfo->num && first_showing(pinfo, SHOWN_FIRST)) {
        if (t->tls_version != 0 && t->tls_version < TLS12_VERSION)
            expert_add_info_format(pinfo, item, &ei_kq1_old_tls,
                                   "This connection speaks %s, older than TLS 1.2 (RFC 8996 retires TLS 1.0 "
                                   "and 1.1)", val_to_str_const(t->tls_version, tls_version_vals, "SSL"));
        if (t->level == KQ1_TRANSPORT_TLS)
            expert_add_info_format(pinfo, item, &ei_kq1_no_mutual_auth,
                                   "No client certificate%s (%s): only the server is authenticated. Q.4162 "
                                   "Appendix I: \"mutual authentication between the QKD module and the KM is "
                                   "performed\"",
                                   message->over_http ? " from the SAE" : "",
                                   connection->hs.certificate_requested ? "its Certificate was empty"
                                                                        : "the server asked for none");
    }
    /* Each finding on the message of its frame the first pass noted it on:
     * the first with keys, the first with a QKD module ID to compare. */
    if (t->level == KQ1_TRANSPORT_NONE && message->carries_keys && connection->keys_frame == pinfo->num
        && first_showing(pinfo, SHOWN_KEYS))
        expert_add_info_format(pinfo, item, &ei_kq1_keys_in_clear,
                               "Key material travels in the clear: this connection is plain %s (%s)",
                               message->over_http ? "HTTP, not HTTPS" : "TCP, not TLS",
                               kq1_require_tls ? "preference kq1.require_tls asks for TLS"
                               : message->over_http ? "ETSI GS QKD 014 delivers keys over HTTPS; preference "
                                                      "kq1.require_tls makes this a Warning"
                                                    : "Q.4162 Appendix I, NOTE 2: TLS can protect Kq-1; "
                                                      "preference kq1.require_tls makes this a Warning");
    if (kq1_check_peer_id && connection->id_mismatch && connection->id_frame == pinfo->num
        && can_check_id(message, module_names) && first_showing(pinfo, SHOWN_ID))
        expert_add_info_format(pinfo, item, &ei_kq1_peer_id_mismatch,
                               "The QKD module's certificate names %s, not QKD module ID %s (assumed: Q.4162 "
                               "does not say how IDs appear in certificates; preference kq1.check_peer_id)",
                               module_names, message->module_id);
}

kq1_transport_t
kq1_transport_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, conversation_t *conversation,
                   const kq1_transport_message_t *message)
{
    kq1_transport_t t = { KQ1_TRANSPORT_NONE, 0, false };
    SslDecryptSession *ssl = NULL;
    connection_t *connection;
    const char *sender_names = NULL, *module_names = NULL;
    proto_item *item;
    proto_tree *subtree;

    if (conversation == NULL && (conversation = find_conversation_pinfo(pinfo, 0)) == NULL)
        return t;
    connection = get_connection(conversation);
    if (proto_tls >= 0 && kq1_frame_has_layer(pinfo, proto_tls)) {
        ssl = tls_session(conversation);
        /* A resumed session shows no certificate (they are in an earlier
         * connection): unknown. TLS's own resumption flag is not asked, as
         * a TLS 1.3 server echoes the client's session ID in any case. */
        t.level = ssl != NULL ? kq1_tls_level(&connection->hs) : KQ1_TRANSPORT_UNKNOWN;
        if (ssl != NULL) {
            bool from_server = sent_by_server(ssl, pinfo);

            if (ssl->state & SSL_VERSION)
                t.tls_version = ssl->session.version;
            sender_names = connection->hs.names[from_server ? KQ1_TLS_SERVER : KQ1_TLS_CLIENT];
            /* The module is the sender of its own messages, else the receiver. */
            module_names = connection->hs.names[from_server == message->from_module ? KQ1_TLS_SERVER
                                                                                      : KQ1_TLS_CLIENT];
        }
    }
    note_message(pinfo, connection, message, message->over_http ? NULL : module_names);
    t.first_message = connection->first_frame == pinfo->num
                      && !(GPOINTER_TO_UINT(p_get_proto_data(pinfo->pool, pinfo, proto_transport, 0)) & SHOWN_FIRST);

    item = proto_tree_add_uint(tree, hf_kq1_transport_security, tvb, 0, 0, t.level);
    proto_item_set_generated(item);
    subtree = proto_item_add_subtree(item, ett_kq1_transport);
    if (t.tls_version != 0)
        proto_item_set_generated(proto_tree_add_uint(subtree, hf_kq1_tls_version, tvb, 0, 0, t.tls_version));
    if (ssl != NULL && (ssl->state & SSL_CIPHER))
        proto_item_set_generated(proto_tree_add_uint(subtree, hf_kq1_tls_cipher_suite, tvb, 0, 0,
                                                     (uint32_t)ssl->session.cipher));
    if (sender_names != NULL && sender_names[0] != '\0')
        proto_item_set_generated(proto_tree_add_string(subtree, hf_kq1_peer_subject, tvb, 0, 0, sender_names));
    add_findings(item, pinfo, connection, &t, message, module_names);
    return t;
}

/* kq1.require_tls: key material in the clear is then a Warning. */
static ei_register_info ei[] = {
    { &ei_kq1_keys_in_clear,
      { "kq1.keys_in_clear", PI_SECURITY, PI_NOTE,
        "Key material in the clear", EXPFILL } },
    { &ei_kq1_no_mutual_auth,
      { "kq1.no_mutual_auth", PI_SECURITY, PI_WARN,
        "TLS without the client's certificate: no mutual authentication", EXPFILL } },
    { &ei_kq1_old_tls,
      { "kq1.old_tls", PI_SECURITY, PI_WARN,
        "TLS older than 1.2", EXPFILL } },
    { &ei_kq1_peer_id_mismatch,
      { "kq1.peer_id_mismatch", PI_ASSUMPTION, PI_NOTE,
        "The QKD module's certificate does not name its QKD module ID", EXPFILL } },
};

void
kq1_transport_apply_preferences(void)
{
    ei[0].eiinfo.severity = kq1_require_tls ? PI_WARN : PI_NOTE;
}

void
kq1_transport_register(int proto_kq1, int proto, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_kq1_transport_security,
          { "Transport security", "kq1.transport_security", FT_UINT8, BASE_DEC, VALS(kq1_transport_security_vals),
            0x0, "How this message's connection is protected (0: TLS whose handshake is not in the capture "
            "or could not be read)", HFILL } },
        { &hf_kq1_tls_version,
          { "TLS version", "kq1.tls_version", FT_UINT16, BASE_HEX, VALS(tls_version_vals), 0x0,
            "The TLS version of this message's connection", HFILL } },
        { &hf_kq1_tls_cipher_suite,
          { "TLS cipher suite", "kq1.tls_cipher_suite", FT_UINT16, BASE_HEX, VALS(tls_cipher_suite_vals), 0x0,
            "The cipher suite of this message's TLS connection", HFILL } },
        { &hf_kq1_peer_subject,
          { "Sender's certificate names", "kq1.peer_subject", FT_STRING, BASE_NONE, NULL, 0x0,
            "The common name and subjectAltName DNS names and URIs of the certificate the sender of this "
            "message presented in the TLS handshake", HFILL } },
    };
    static int *ett[] = { &ett_kq1_transport };

    proto_transport = proto;
    proto_register_field_array(proto_kq1, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_kq1), ei, array_length(ei));
    prefs_register_bool_preference(module, "require_tls", "Require TLS",
                                   "Key material over plain TCP or HTTP is a Warning, not a Note",
                                   &kq1_require_tls);
    prefs_register_bool_preference(module, "check_peer_id", "Check QKD module IDs against certificates",
                                   "Note a QKD module whose TLS certificate's common name and subjectAltNames do "
                                   "not contain the QKD module ID its messages name (an assumption: Q.4162 does "
                                   "not say how IDs appear in certificates)",
                                   &kq1_check_peer_id);
}

void
kq1_transport_handoff(void)
{
    proto_tls = proto_get_id_by_filter_name("tls");
    kq1_transport_apply_preferences();
}
