/* kq1-conversations.c
 * Conversations and endpoints of Kq-1, from the "kq1" tap: the parties
 * that matter in a QKD network are QKD modules and KMs (and, for ETSI GS
 * QKD 014, SAEs and KMEs), not IP addresses: a QKD module by its QKD module
 * ID when its messages carry one, else its TCP endpoint; a KM by its
 * endpoint (tshark -z conv,kq1 and -z endpoints,kq1; the Kq-1 tab of
 * Statistics > Conversations and > Endpoints). Each party is a string
 * address; the tab's filters select the messages of a party through the
 * hidden field kq1.party that every message carries twice.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <epan/packet.h>
#include <epan/conversation_table.h>

#include "kq1-tap.h"

static const char *
party_filter(conv_filter_type_e filter)
{
    switch (filter) {
    case CONV_FT_SRC_ADDRESS:
    case CONV_FT_DST_ADDRESS:
    case CONV_FT_ANY_ADDRESS:
        return "kq1.party";
    default:
        return CONV_FILTER_INVALID;
    }
}

static const char *
conversation_filter(conv_item_t *item _U_, conv_filter_type_e filter)
{
    return party_filter(filter);
}

static const char *
endpoint_filter(endpoint_item_t *item _U_, conv_filter_type_e filter)
{
    return party_filter(filter);
}

static ct_dissector_info_t conversation_info = { &conversation_filter };
static et_dissector_info_t endpoint_info = { &endpoint_filter };

/* The two parties of a message, as string addresses. */
static bool
parties(const kq1_tap_info_t *info, address *sender, address *receiver)
{
    address module, km;

    if (info->module_party == NULL || info->km_party == NULL)
        return false;
    set_address(&module, AT_STRINGZ, (int)strlen(info->module_party) + 1, info->module_party);
    set_address(&km, AT_STRINGZ, (int)strlen(info->km_party) + 1, info->km_party);
    *sender = info->from_module ? module : km;
    *receiver = info->from_module ? km : module;
    return true;
}

static tap_packet_status
conversation_packet(void *hash, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
                    tap_flags_t flags _U_)
{
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    address sender, receiver;

    if (!parties(info, &sender, &receiver))
        return TAP_PACKET_DONT_REDRAW;
    add_conversation_table_data((conv_hash_t *)hash, &sender, &receiver, 0, 0, 1, (int)info->bytes, &pinfo->rel_ts,
                                &pinfo->abs_ts, &conversation_info, CONVERSATION_NONE);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status
endpoint_packet(void *hash, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    address sender, receiver;

    if (!parties(info, &sender, &receiver))
        return TAP_PACKET_DONT_REDRAW;
    add_endpoint_table_data((conv_hash_t *)hash, &sender, 0, true, 1, (int)info->bytes, &endpoint_info,
                            ENDPOINT_NONE);
    add_endpoint_table_data((conv_hash_t *)hash, &receiver, 0, false, 1, (int)info->bytes, &endpoint_info,
                            ENDPOINT_NONE);
    return TAP_PACKET_REDRAW;
}

void
kq1_stats_register_conversations(int proto_kq1)
{
    register_conversation_table(proto_kq1, true, conversation_packet, endpoint_packet);
}
