/* kq1-response-times.c
 * Service Response Time of Kq-1, from the "kq1" tap: per kind of request
 * (Key supply, Key request over TCP, Key request over HTTP) how many were
 * answered and how fast, how many are still open and how many responses
 * answered no request (tshark -z kq1,rtd; Statistics > Service Response
 * Time > Kq-1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/rtd_table.h>
#include <epan/timestats.h>

#include "kq1-catalog.h"
#include "kq1-tap.h"

enum {
    RTD_KEY_SUPPLY,
    RTD_KEY_REQUEST,
    RTD_GET_KEY,
    RTD_KINDS
};

static const value_string rtd_kinds[] = {
    { RTD_KEY_SUPPLY,  "Key supply" },
    { RTD_KEY_REQUEST, "Key request" },
    { RTD_GET_KEY,     "Key request over HTTP (ETSI GS QKD 014 Get key)" },
    { 0, NULL }
};

static tap_packet_status
rtd_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    rtd_stat_table *table = &((rtd_data_t *)tapdata)->stat_table;
    const kq1_tap_info_t *info = (const kq1_tap_info_t *)data;
    rtd_timestat *kind;
    bool request;

    if (info->qkd014_only)
        return TAP_PACKET_DONT_REDRAW;
    switch (info->code) {
    case KQ1_KEY_SUPPLY:
    case KQ1_KEY_SUPPLY_RESPONSE:
        kind = &table->time_stats[RTD_KEY_SUPPLY];
        break;
    case KQ1_KEY_REQUEST:
    case KQ1_KEY_REQUEST_RESPONSE:
        kind = &table->time_stats[info->over_http ? RTD_GET_KEY : RTD_KEY_REQUEST];
        break;
    default:
        return TAP_PACKET_DONT_REDRAW;
    }
    request = info->code == KQ1_KEY_SUPPLY || info->code == KQ1_KEY_REQUEST;
    if (request) {
        kind->open_req_num++;
        return TAP_PACKET_DONT_REDRAW;
    }
    if (!info->answered) {
        kind->disc_rsp_num++;
        return TAP_PACKET_REDRAW;
    }
    /* A display filter may have left its request out. */
    if (kind->open_req_num > 0)
        kind->open_req_num--;
    time_stat_update(&kind->rtd[0], &info->response_time, pinfo);
    return TAP_PACKET_REDRAW;
}

void
kq1_stats_register_response_times(int proto_kq1)
{
    register_rtd_table(proto_kq1, "kq1", RTD_KINDS, 1, rtd_kinds, rtd_packet, NULL);
}
