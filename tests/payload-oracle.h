/* payload-oracle.h
 * What the unit tests and the fuzz target hold the payload checker to, on
 * any text and as any message (no Wireshark needed):
 * - text the document calls plain, json-glib parses;
 * - where json-glib parses text the document read whole, every value of the
 *   document is json-glib's: type, string, integer, boolean, members and
 *   elements (json-glib keeping the last member of a name);
 * - a brief reading matches the same members to the same values and bytes
 *   as a full one, and finds nothing;
 * - every string the checker gives is UTF-8;
 * - reading the same payload twice gives the same, whatever was read
 *   between (the checker keeps storage from one payload to the next).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_PAYLOAD_ORACLE_H
#define KQ1_PAYLOAD_ORACLE_H

#include "kq1-payload.h"

/* NULL when all of the above hold for data[0..len) read as msg (NULL: an
 * unknown CommandCode), else what did not (g_free). */
char *kq1_oracle_check(const kq1_message_info_t *msg, const uint8_t *data, gsize len,
                       const kq1_settings_t *settings);

/* kq1_oracle_check as every message there is: Table I.1's, Appendix II's,
 * and none. */
char *kq1_oracle_check_every_message(const uint8_t *data, gsize len, const kq1_settings_t *settings);

/* Frees the oracle's json-glib parser. */
void kq1_oracle_shutdown(void);

#endif /* KQ1_PAYLOAD_ORACLE_H */
