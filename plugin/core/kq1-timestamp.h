/* kq1-timestamp.h
 * The Generation time stamp of a key read as a time. Q.4162 gives it as a
 * String and names no format: RFC 3339 / ISO 8601 (UTC when no zone is
 * given) or a decimal Unix time in seconds, milliseconds or microseconds,
 * told apart by magnitude. GLib only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_TIMESTAMP_H
#define KQ1_TIMESTAMP_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* What the text is taken to be (preference kq1.timestamp_format). */
typedef enum {
    KQ1_TIME_AUTOMATIC,     /* a decimal number is Unix time, anything else ISO 8601 */
    KQ1_TIME_ISO8601,
    KQ1_TIME_UNIX
} kq1_time_format_t;

/* How a time stamp was read. */
typedef enum {
    KQ1_TIME_READ_ISO8601,          /* with its zone (or Z) */
    KQ1_TIME_READ_ISO8601_NO_ZONE,  /* without: UTC assumed */
    KQ1_TIME_READ_UNIX_SECONDS,
    KQ1_TIME_READ_UNIX_MILLISECONDS,
    KQ1_TIME_READ_UNIX_MICROSECONDS
} kq1_time_read_t;

/* The time text gives, in seconds and nanoseconds since the Unix epoch
 * (UTC), and how it was read; false when it is no time in that format. */
bool kq1_timestamp_parse(const char *text, kq1_time_format_t format, int64_t *secs, int32_t *nsecs,
                         kq1_time_read_t *read);

#endif /* KQ1_TIMESTAMP_H */
