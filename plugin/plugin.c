/* plugin.c
 * Entry points by which Wireshark loads the Kq-1 plugin. A plugin is loaded
 * only by the Wireshark major.minor it was built against.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "kq1-compat.h"
#include "kq1-tap.h"

void proto_register_kq1(void);
void proto_reg_handoff_kq1(void);

WS_DLL_PUBLIC_DEF const char plugin_version[] = KQ1_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if KQ1_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

void
plugin_register(void)
{
    static proto_plugin kq1_plugin;
    /* Stats trees of a plugin are registered as a tap plugin, once the
     * protocols are. */
    static tap_plugin kq1_stats_plugin;

    kq1_plugin.register_protoinfo = proto_register_kq1;
    kq1_plugin.register_handoff = proto_reg_handoff_kq1;
    proto_register_plugin(&kq1_plugin);
    kq1_stats_plugin.register_tap_listener = kq1_stats_register_tree;
    tap_register_plugin(&kq1_stats_plugin);
}

#if KQ1_HAVE_PLUGIN_DESCRIBE
/* What "About Wireshark > Plugins" and tshark -G plugins list it as. */
uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif
