/* fuzz-payload.c
 * libFuzzer target: the payload checker on any bytes, as any message.
 * The first byte picks the message (Table I.1, Appendix II, or none), the
 * second the assumptions. The checker must hold to payload-oracle.h (its
 * document is json-glib's reading, a brief reading gives what a full one
 * does): a difference aborts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kq1-catalog.h"
#include "kq1-payload.h"
#include "payload-oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const kq1_message_info_t *
pick_message(uint8_t selector)
{
    static const uint16_t codes[] = { 0x3101, 0x1302, 0x1303, 0x3104 };

    switch (selector % 8) {
    case 0: case 1: case 2: case 3:
        return kq1_message_lookup(codes[selector % 4]);
    case 4:
        return kq1_qkd014_message(KQ1_QKD014_GET_KEY);
    case 5:
        return kq1_qkd014_message(KQ1_QKD014_KEY_CONTAINER);
    case 6:
        return kq1_qkd014_message(KQ1_QKD014_GET_KEY_WITH_IDS);
    default:
        return NULL;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const kq1_alias_t aliases[] = { { 0, KQ1_PARAM_KEY_ID, "kid" } };
    kq1_settings_t settings = { aliases, 1, KQ1_UNIT_BITS, KQ1_HASH_OVER_EITHER, KQ1_HASH_BY_LENGTH,
                                KQ1_KEY_BASE64_OR_HEX };
    kq1_payload_t *payload;
    char *why = NULL;

    if (size < 2 || size > 65536)
        return 0;
    /* The second byte picks the assumptions (the preferences). */
    settings.key_length_unit = (kq1_length_unit_t)(data[1] % 3);
    settings.hash_input = (kq1_hash_input_t)(data[1] / 3 % 3);
    settings.hash_algorithm = (kq1_hash_algorithm_t)(data[1] / 9 % 6);
    settings.key_encodings = (kq1_key_encodings_t)(data[1] / 54 % 3);
    payload = kq1_payload_read(pick_message(data[0]), data + 2, size - 2, &settings, KQ1_READ_FULL);
    /* Touch what the dissector reads, so that a wrong value shows. */
    for (unsigned i = 0; i < payload->findings->len; i++)
        (void)strlen(g_array_index(payload->findings, kq1_finding_t, i).text);
    for (unsigned i = 0; i < payload->keys->len; i++)
        (void)kq1_params_string(&g_array_index(payload->keys, kq1_params_t, i), KQ1_PARAM_KEY_ID);
    kq1_payload_free(payload);
    if ((why = kq1_oracle_check(pick_message(data[0]), data + 2, size - 2, &settings)) != NULL) {
        fprintf(stderr, "the payload checker does not hold to its oracle:\n%s\n", why);
        abort();
    }
    return 0;
}
