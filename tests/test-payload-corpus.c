/* test-payload-corpus.c
 * The payload checker held to its oracle (payload-oracle.h) on every file
 * of a folder, as every message and with the default and other
 * assumptions: the payloads of every sample (sample_payloads.py writes
 * them).
 *
 *   test-payload-corpus FOLDER
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>

#include "payload-oracle.h"

int
main(int argc, char **argv)
{
    static const kq1_alias_t aliases[] = { { 0, KQ1_PARAM_KEY_ID, "kid" } };
    const kq1_settings_t other = { aliases, G_N_ELEMENTS(aliases), KQ1_UNIT_EITHER, KQ1_HASH_OVER_KEY,
                                   KQ1_HASH_SHA256, KQ1_KEY_HEX_ONLY };
    const kq1_settings_t *settings[] = { NULL, &other };
    GDir *dir;
    const char *name;
    unsigned files = 0, failures = 0;

    if (argc != 2 || (dir = g_dir_open(argv[1], 0, NULL)) == NULL) {
        fprintf(stderr, "usage: %s FOLDER (a folder of payloads)\n", argv[0]);
        return 2;
    }
    while ((name = g_dir_read_name(dir)) != NULL) {
        char *path = g_build_filename(argv[1], name, NULL);
        char *data;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, NULL)) {
            fprintf(stderr, "%s: cannot be read\n", path);
            failures++;
        } else {
            for (gsize s = 0; s < G_N_ELEMENTS(settings); s++) {
                char *why = kq1_oracle_check_every_message((const uint8_t *)data, len, settings[s]);

                if (why != NULL) {
                    fprintf(stderr, "%s (assumptions %" G_GSIZE_FORMAT "):\n%s\n", path, s, why);
                    g_free(why);
                    failures++;
                }
            }
            g_free(data);
            files++;
        }
        g_free(path);
    }
    g_dir_close(dir);
    kq1_payload_shutdown();
    kq1_oracle_shutdown();
    printf("%u payloads held to the oracle, %u failures\n", files, failures);
    return failures > 0 || files == 0 ? 1 : 0;
}
