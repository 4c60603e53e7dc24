/* kq1-view-keys.c
 * What the capture makes of each key supplied, in either protocol's tree:
 * an earlier supply of its key ID (a reuse) or its other half (Section
 * 3.1.5: a QKD-key is a pair of the same bits) and whether the halves
 * agree, the same bits under another key ID, a half missing at the other
 * end, and the key's age from its Generation time stamp.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>

#include "kq1-view-parts.h"
#include "kq1-timestamp.h"

static int hf_kq1_key_id_first_frame = -1;
static int hf_kq1_key_id_pair_frame = -1;
static int hf_kq1_pair_status = -1;
static int hf_kq1_key_material_first_frame = -1;
static int hf_kq1_generation_time = -1;
static int hf_kq1_key_age = -1;

static expert_field ei_kq1_key_id_reused = EI_INIT;
static expert_field ei_kq1_pair_mismatch = EI_INIT;
static expert_field ei_kq1_pair_missing = EI_INIT;
static expert_field ei_kq1_key_material_reused = EI_INIT;
static expert_field ei_kq1_key_too_old = EI_INIT;
static expert_field ei_kq1_key_from_future = EI_INIT;
static expert_field ei_kq1_bad_timestamp = EI_INIT;

/* Preferences: how a Generation time stamp reads (Q.4162 names no format),
 * and the limits its age is held to. */
static int kq1_timestamp_format = KQ1_TIME_AUTOMATIC;
static unsigned kq1_max_key_age = 0;     /* seconds; 0: not checked */
static unsigned kq1_clock_skew = 5;      /* seconds */

static const value_string pair_status_vals[] = {
    { KQ1_PAIR_VERIFIED,       "verified (the same bits)" },
    { KQ1_PAIR_MISMATCH,       "mismatch" },
    { KQ1_PAIR_NOT_COMPARABLE, "not comparable (a half not decoded)" },
    { 0, NULL }
};

static const char *
format_name(kq1_time_read_t read)
{
    switch (read) {
    case KQ1_TIME_READ_ISO8601:           return "ISO 8601";
    case KQ1_TIME_READ_ISO8601_NO_ZONE:   return "ISO 8601 without a zone, UTC assumed";
    case KQ1_TIME_READ_UNIX_SECONDS:      return "Unix time in seconds";
    case KQ1_TIME_READ_UNIX_MILLISECONDS: return "Unix time in milliseconds";
    case KQ1_TIME_READ_UNIX_MICROSECONDS: return "Unix time in microseconds";
    }
    return "?";
}

bool
kq1_view_key_age(packet_info *pinfo, const char *text, nstime_t *generated, nstime_t *age, kq1_time_read_t *read)
{
    int64_t secs;
    int32_t nsecs;

    if (!kq1_timestamp_parse(text, (kq1_time_format_t)kq1_timestamp_format, &secs, &nsecs, read))
        return false;
    generated->secs = (time_t)secs;
    generated->nsecs = nsecs;
    nstime_delta(age, &pinfo->abs_ts, generated);
    return true;
}

void
kq1_view_add_key_age(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length, const char *text)
{
    nstime_t generated, age;
    kq1_time_read_t read;
    proto_item *item;
    double age_secs;

    if (!kq1_view_key_age(pinfo, text, &generated, &age, &read)) {
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_bad_timestamp, tvb, offset, length,
                                     "Generation time stamp \"%s\" is no time %s (Q.4162 names no format; "
                                     "see preference kq1.timestamp_format)", kq1_escaped(pinfo, text),
                                     kq1_timestamp_format == KQ1_TIME_UNIX ? "in Unix time"
                                     : kq1_timestamp_format == KQ1_TIME_ISO8601 ? "in ISO 8601"
                                     : "in ISO 8601 or Unix time");
        return;
    }
    item = proto_tree_add_time(tree, hf_kq1_generation_time, tvb, offset, length, &generated);
    proto_item_append_text(item, " (read as %s)", format_name(read));
    proto_item_set_generated(item);
    item = proto_tree_add_time(tree, hf_kq1_key_age, tvb, offset, length, &age);
    proto_item_set_generated(item);
    age_secs = nstime_to_sec(&age);
    if (age_secs < -(double)kq1_clock_skew)
        expert_add_info_format(pinfo, item, &ei_kq1_key_from_future,
                               "Key generated %.3f s after this frame was captured, more than the clock skew "
                               "allowed (%u s, see preference kq1.clock_skew; time stamp read as %s)",
                               -age_secs, kq1_clock_skew, format_name(read));
    else if (kq1_max_key_age > 0 && age_secs > (double)kq1_max_key_age)
        expert_add_info_format(pinfo, item, &ei_kq1_key_too_old,
                               "Key is %.3f s old, older than the %u s allowed (see preference kq1.max_key_age; "
                               "time stamp read as %s)", age_secs, kq1_max_key_age, format_name(read));
}

/* How the two halves differ, in words: never the key. */
static const char *
how_halves_differ(packet_info *pinfo, const kq1_params_t *params, const kq1_key_links_t *links)
{
    uint64_t bits = (uint64_t)params->key.len * 8, partner_bits = (uint64_t)links->partner_bytes * 8;

    if (bits != partner_bits)
        return wmem_strdup_printf(pinfo->pool, "%" PRIu64 " bits here, %" PRIu64 " bits in frame %u", bits,
                                  partner_bits, links->pair_partner);
    /* Where they first differ is not known: the capture keeps a digest of each key, not the key. */
    return wmem_strdup_printf(pinfo->pool, "both %" PRIu64 " bits, other bits than in frame %u", bits,
                              links->pair_partner);
}

void
kq1_view_add_key_links(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, int offset, int length,
                       const char *key_id, const kq1_params_t *params, const kq1_key_links_t *links)
{
    proto_item *item;

    if (links->reused_from != 0) {
        item = proto_tree_add_uint(tree, hf_kq1_key_id_first_frame, tvb, offset, length, links->reused_from);
        proto_item_set_generated(item);
        expert_add_info_format(pinfo, item, &ei_kq1_key_id_reused, "Key ID %s was already supplied in frame %u",
                               kq1_escaped(pinfo, key_id), links->reused_from);
    }
    if (links->pair_partner != 0) {
        item = proto_tree_add_uint(tree, hf_kq1_key_id_pair_frame, tvb, offset, length, links->pair_partner);
        proto_item_set_generated(item);
        item = proto_tree_add_uint(tree, hf_kq1_pair_status, tvb, offset, length, links->pair_status);
        proto_item_set_generated(item);
        if (links->pair_status == KQ1_PAIR_MISMATCH && links->later_half)
            expert_add_info_format(pinfo, item, &ei_kq1_pair_mismatch,
                                   "The two halves of key ID %s differ: %s (Section 3.1.5: a QKD-key is a "
                                   "pair of the same bits)", kq1_escaped(pinfo, key_id),
                                   how_halves_differ(pinfo, params, links));
    }
    if (links->missing)
        proto_tree_add_expert_format(tree, pinfo, &ei_kq1_pair_missing, tvb, offset, length,
                                     "Key ID %s never reached the other end of this link, though that end "
                                     "received other keys in this capture", kq1_escaped(pinfo, key_id));
    if (links->material_from != 0) {
        item = proto_tree_add_uint(tree, hf_kq1_key_material_first_frame, tvb, offset, length, links->material_from);
        proto_item_set_generated(item);
        expert_add_info_format(pinfo, item, &ei_kq1_key_material_reused,
                               "The key of key ID %s is the same %" G_GSIZE_FORMAT " bits as a key of another "
                               "key ID supplied in frame %u: key material delivered twice",
                               kq1_escaped(pinfo, key_id), params->key.len * 8, links->material_from);
    }
}

void
kq1_view_keys_register(int proto_kq1, module_t *module)
{
    static hf_register_info hf[] = {
        { &hf_kq1_key_id_first_frame,
          { "Key ID first supplied in", "kq1.key_id_first_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame that supplied this key ID first", HFILL } },
        { &hf_kq1_key_id_pair_frame,
          { "Other half in", "kq1.key_id_pair_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame that supplied the other half of this key (the same key ID from the matching QKD "
            "module to its own KM, or by Get key with key IDs to the slave SAE)", HFILL } },
        { &hf_kq1_pair_status,
          { "Pair status", "kq1.pair_status", FT_UINT8, BASE_DEC, VALS(pair_status_vals), 0x0,
            "Whether the two halves of this key are the same bits", HFILL } },
        { &hf_kq1_key_material_first_frame,
          { "Same key material first in", "kq1.key_material_first_frame", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame that first supplied these key bits, under another key ID", HFILL } },
        { &hf_kq1_generation_time,
          { "Generation time", "kq1.generation_time", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
            "The Generation time stamp read as a time (preference kq1.timestamp_format)", HFILL } },
        { &hf_kq1_key_age,
          { "Key age", "kq1.key_age", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Frame time minus generation time", HFILL } },
    };
    static ei_register_info ei[] = {
        { &ei_kq1_key_id_reused,
          { "kq1.key_id_reused", PI_SECURITY, PI_WARN,
            "Key ID supplied again", EXPFILL } },
        { &ei_kq1_pair_mismatch,
          { "kq1.pair_mismatch", PI_SECURITY, PI_WARN,
            "The two halves of a key differ", EXPFILL } },
        { &ei_kq1_pair_missing,
          { "kq1.pair_missing", PI_SEQUENCE, PI_NOTE,
            "Key never received at the other end of its link", EXPFILL } },
        { &ei_kq1_key_material_reused,
          { "kq1.key_material_reused", PI_SECURITY, PI_WARN,
            "The same key bits under two key IDs", EXPFILL } },
        { &ei_kq1_key_too_old,
          { "kq1.key_too_old", PI_SECURITY, PI_NOTE,
            "Key older than the age allowed", EXPFILL } },
        { &ei_kq1_key_from_future,
          { "kq1.key_from_future", PI_SEQUENCE, PI_NOTE,
            "Key generated after the frame that carries it", EXPFILL } },
        { &ei_kq1_bad_timestamp,
          { "kq1.bad_timestamp", PI_ASSUMPTION, PI_NOTE,
            "Generation time stamp unreadable", EXPFILL } },
    };
    static const enum_val_t timestamp_format_vals[] = {
        { "automatic", "Automatic (a decimal number is Unix time, else ISO 8601)", KQ1_TIME_AUTOMATIC },
        { "iso8601",   "ISO 8601 / RFC 3339 (UTC when no zone is given)",        KQ1_TIME_ISO8601 },
        { "unix",      "Unix time (seconds, milliseconds or microseconds)",     KQ1_TIME_UNIX },
        { NULL, NULL, 0 }
    };

    proto_register_field_array(proto_kq1, hf, array_length(hf));
    expert_register_field_array(expert_register_protocol(proto_kq1), ei, array_length(ei));
    prefs_register_enum_preference(module, "timestamp_format", "Format of Generation time stamp",
                                   "Q.4162 gives a String and names no format: ISO 8601 / RFC 3339, Unix "
                                   "time (its unit told by its magnitude), or either",
                                   &kq1_timestamp_format, timestamp_format_vals, false);
    prefs_register_uint_preference(module, "max_key_age", "Maximum key age (s)",
                                   "A key older than this when supplied is noted; 0 checks nothing",
                                   10, &kq1_max_key_age);
    prefs_register_uint_preference(module, "clock_skew", "Clock skew allowed (s)",
                                   "A key generated more than this after the frame that carries it is noted "
                                   "(the clocks of a QKD module and the capture differ)",
                                   10, &kq1_clock_skew);
}
