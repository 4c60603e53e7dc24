/* kq1-tap.h
 * What the Kq-1 dissector hands its tap listeners (kq1-stats.c), one record
 * per message. Everything points into pinfo->pool.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_TAP_H
#define KQ1_TAP_H

#include <epan/packet.h>

#include "kq1-compat.h"

#include "kq1-key-audit.h"
#include "kq1-keycheck.h"
#include "kq1-transport.h"

typedef enum {
    KQ1_VERDICT_NONE,       /* no Response parameter */
    KQ1_VERDICT_OK,
    KQ1_VERDICT_FAILED,
    KQ1_VERDICT_UNKNOWN     /* a Response that is neither a success nor a failure word */
} kq1_verdict_t;

typedef struct {
    const char        *key_id;       /* NULL when absent */
    uint32_t           bits;         /* 0 when the key could not be decoded */
    kq1_hash_status_t  hash_status;
    kq1_key_links_t    links;        /* what the capture makes of this supply (kq1-key-audit.h) */
    bool               has_age;      /* the Generation time stamp was read */
    nstime_t           age;          /* frame time minus generation time */
} kq1_tap_key_t;

typedef struct {
    uint16_t       code;             /* CommandCode */
    uint32_t       message_id;
    const char    *qkd_module_id;    /* NULL when absent */
    const char    *key_id;           /* Key ID of a Key supply or Response to key supply */
    kq1_verdict_t  verdict;
    bool           answered;         /* a response whose request was found */
    nstime_t       response_time;    /* from that request, when answered */
    unsigned       n_keys;           /* keys supplied by this message */
    kq1_tap_key_t *keys;
    const char    *link;             /* who supplies them to whom, for the key links (kq1-links.c) */
    const char    *module_party;     /* the QKD module (or SAE) and the KM (or KME) it goes between, */
    const char    *km_party;         /* as kq1.party names them; NULL when not known */
    bool           from_module;      /* sent by the QKD module (or SAE) */
    uint32_t       bytes;            /* of the message */
    bool           over_http;        /* an Appendix II message (ETSI GS QKD 014 over HTTP) */
    bool           qkd014_only;      /* an ETSI GS QKD 014 message that is no Kq-1 one: its keys
                                      * count in the key audit, the message in no Kq-1 statistics */
    bool           has_stored_key_count;   /* an ETSI GS QKD 014 Status */
    int64_t        stored_key_count;
    kq1_transport_t transport;       /* its connection's protection (kq1-transport.c) */
} kq1_tap_info_t;

/* The names of kq1.hash_status (kq1-view.c), which the key ledger shows too. */
extern const value_string kq1_hash_status_vals[];

/* Registers the stats tree and the key ledger on the "kq1" tap. */
void kq1_stats_register_tree(void);
void kq1_stats_register_ledger(void);
/* And the key links table (kq1-links.c). */
void kq1_stats_register_links(void);
/* And Service Response Time (kq1-response-times.c). */
void kq1_stats_register_response_times(int proto_kq1);
/* And the conversation and endpoint tables (kq1-conversations.c). */
void kq1_stats_register_conversations(int proto_kq1);

#endif /* KQ1_TAP_H */
