/* kq1-timestamp.c
 * Generation time stamps read as times (see kq1-timestamp.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "kq1-timestamp.h"

/* Unix times from these on are in the next smaller unit: seconds up to
 * the year 5138, then milliseconds, then microseconds. */
#define SECONDS_BELOW      G_GUINT64_CONSTANT(100000000000)
#define MILLISECONDS_BELOW G_GUINT64_CONSTANT(100000000000000)
#define MICROSECONDS_BELOW G_GUINT64_CONSTANT(100000000000000000)

/* A decimal number: digits, then an optional fraction. */
static bool
is_decimal(const char *text)
{
    gsize digits = strspn(text, "0123456789");

    if (digits == 0)
        return false;
    if (text[digits] == '\0')
        return true;
    return text[digits] == '.' && text[digits + 1] != '\0'
           && text[digits + 1 + strspn(text + digits + 1, "0123456789")] == '\0';
}

/* Whole and fraction read apart, in integers: a double would lose the
 * microseconds of a time in microseconds. */
static bool
parse_unix(const char *text, int64_t *secs, int32_t *nsecs, kq1_time_read_t *read)
{
    gsize digits = strspn(text, "0123456789");
    uint64_t whole = 0, per_second, nanos_per_unit, fraction = 0, scale = 1000000000;
    const char *f;

    if (!is_decimal(text) || digits > 18)
        return false;
    for (gsize i = 0; i < digits; i++)
        whole = whole * 10 + (uint64_t)(text[i] - '0');
    if (whole < SECONDS_BELOW) {
        per_second = 1, *read = KQ1_TIME_READ_UNIX_SECONDS;
    } else if (whole < MILLISECONDS_BELOW) {
        per_second = 1000, *read = KQ1_TIME_READ_UNIX_MILLISECONDS;
    } else if (whole < MICROSECONDS_BELOW) {
        per_second = 1000000, *read = KQ1_TIME_READ_UNIX_MICROSECONDS;
    } else {
        return false;
    }
    nanos_per_unit = 1000000000 / per_second;
    /* The fraction of a unit, to the nanosecond (later digits dropped). */
    for (f = text[digits] == '.' ? text + digits + 1 : ""; *f != '\0' && scale > 1; f++) {
        scale /= 10;
        fraction += (uint64_t)(*f - '0') * scale;
    }
    *secs = (int64_t)(whole / per_second);
    *nsecs = (int32_t)((whole % per_second) * nanos_per_unit + fraction / per_second);
    return true;
}

static bool
parse_iso8601(const char *text, int64_t *secs, int32_t *nsecs, kq1_time_read_t *read)
{
    GTimeZone *utc;
    GDateTime *when;

    /* Without a default zone GLib reads only text that gives one. */
    when = g_date_time_new_from_iso8601(text, NULL);
    *read = KQ1_TIME_READ_ISO8601;
    if (when == NULL) {
        utc = g_time_zone_new_utc();
        when = g_date_time_new_from_iso8601(text, utc);
        g_time_zone_unref(utc);
        *read = KQ1_TIME_READ_ISO8601_NO_ZONE;
    }
    if (when == NULL)
        return false;
    *secs = g_date_time_to_unix(when);
    *nsecs = g_date_time_get_microsecond(when) * 1000;
    g_date_time_unref(when);
    return true;
}

bool
kq1_timestamp_parse(const char *text, kq1_time_format_t format, int64_t *secs, int32_t *nsecs,
                    kq1_time_read_t *read)
{
    switch (format) {
    case KQ1_TIME_UNIX:
        return parse_unix(text, secs, nsecs, read);
    case KQ1_TIME_ISO8601:
        return parse_iso8601(text, secs, nsecs, read);
    case KQ1_TIME_AUTOMATIC:
        break;
    }
    return is_decimal(text) ? parse_unix(text, secs, nsecs, read) : parse_iso8601(text, secs, nsecs, read);
}
