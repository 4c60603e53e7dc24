/* kq1-compat.h
 * The differences between the Wireshark versions the plugin builds against
 * (4.0, 4.2, 4.4 and 4.6), in one place. The plugin is written in the API of
 * the newest; what an older version names otherwise is mapped here, keyed on
 * Wireshark's own version macros.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef KQ1_COMPAT_H
#define KQ1_COMPAT_H

#include <stdbool.h>
#include <stdint.h>

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>

#define KQ1_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) \
     || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Boolean preferences, UAT update callbacks and heuristic dissectors take
 * C99 bool since 4.2 and gboolean (an int) before: a pointer to one is not a
 * pointer to the other. */
#if KQ1_WS_AT_LEAST(4, 2)
typedef bool kq1_ws_bool_t;
#else
typedef gboolean kq1_ws_bool_t;
#endif

/* tvb_get_uint8/16 and tvb_find_uint8 replace tvb_get_guint8/16 and
 * tvb_find_guint8 (deprecated since 4.4). */
#if !KQ1_WS_AT_LEAST(4, 4)
#define tvb_get_uint8  tvb_get_guint8
#define tvb_get_uint16 tvb_get_guint16
#define tvb_find_uint8 tvb_find_guint8
#endif

/* A field's value: a member of field_info in 4.0, a pointer to one since 4.2
 * (reading it through the wrong type reads the wrong memory). */
#if KQ1_WS_AT_LEAST(4, 2)
#define KQ1_FIELD_VALUE(fi) ((fi)->value)
#else
#define KQ1_FIELD_VALUE(fi) (&(fi)->value)
#endif

/* A plugin says what it registers (dissectors, tap listeners) through
 * plugin_describe() and the flags of wsutil/plugins.h where they exist;
 * 4.0 installs no wsutil/plugins.h. */
#if KQ1_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#define KQ1_HAVE_PLUGIN_DESCRIBE 1
#else
#define KQ1_HAVE_PLUGIN_DESCRIBE 0
#endif

#endif /* KQ1_COMPAT_H */
