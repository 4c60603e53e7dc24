# SPDX-License-Identifier: GPL-2.0-or-later
# Where "cmake --install" puts kq1.so, and where the build tree stages it.
#
# Wireshark scans DIR/<major>.<minor>/epan for dissector plugins in its global
# folder, in the user's personal folder and in $WIRESHARK_PLUGIN_DIR, and
# loads only a plugin built for its own major.minor. The build stages the
# plugin as ${KQ1_STAGING_PLUGIN_DIR}/<major>.<minor>/epan/kq1.so so that
# tests can point WIRESHARK_PLUGIN_DIR at it.
set(KQ1_WS_RELEASE "${Wireshark_MAJOR_VERSION}.${Wireshark_MINOR_VERSION}")
set(KQ1_STAGING_PLUGIN_DIR "${CMAKE_BINARY_DIR}/plugins")
set(KQ1_ASAN_PLUGIN_DIR "${CMAKE_BINARY_DIR}/plugins-asan")
set(KQ1_GLOBAL_PLUGIN_DIR "${Wireshark_PLUGIN_INSTALL_DIR}/epan")
set(KQ1_PERSONAL_PLUGIN_DIR "$ENV{HOME}/.local/lib/wireshark/plugins/${KQ1_WS_RELEASE}/epan")

# auto: the global folder when configured by root (tshark run by root loads
# no personal plugins), the personal folder otherwise.
set(KQ1_INSTALL_SCOPE "auto" CACHE STRING "Install kq1.so for: auto, personal or global")
set_property(CACHE KQ1_INSTALL_SCOPE PROPERTY STRINGS auto personal global)
# Empty: the folder follows KQ1_INSTALL_SCOPE, re-read at every configure, so
# that a scope given on the command line wins over an earlier one.
set(KQ1_PLUGIN_INSTALL_DIR "" CACHE PATH "Folder kq1.so is installed into (empty: from KQ1_INSTALL_SCOPE)")

execute_process(COMMAND id -u OUTPUT_VARIABLE _kq1_uid OUTPUT_STRIP_TRAILING_WHITESPACE)
set(_kq1_scope "${KQ1_INSTALL_SCOPE}")
if(_kq1_scope STREQUAL "auto")
    if(_kq1_uid STREQUAL "0")
        set(_kq1_scope "global")
    else()
        set(_kq1_scope "personal")
    endif()
endif()

if(KQ1_PLUGIN_INSTALL_DIR)
    set(KQ1_PLUGIN_DESTINATION "${KQ1_PLUGIN_INSTALL_DIR}")
elseif(_kq1_scope STREQUAL "global")
    set(KQ1_PLUGIN_DESTINATION "${KQ1_GLOBAL_PLUGIN_DIR}")
elseif(_kq1_scope STREQUAL "personal")
    set(KQ1_PLUGIN_DESTINATION "${KQ1_PERSONAL_PLUGIN_DIR}")
else()
    message(FATAL_ERROR "KQ1_INSTALL_SCOPE must be auto, personal or global, not '${KQ1_INSTALL_SCOPE}'")
endif()
message(STATUS "Wireshark ${Wireshark_VERSION}: kq1.so installs into ${KQ1_PLUGIN_DESTINATION}")
# Read by the scripts (install, uninstall): where this configuration installs,
# and the two folders this Wireshark loads kq1.so from.
file(WRITE "${CMAKE_BINARY_DIR}/kq1-install-dir.txt" "${KQ1_PLUGIN_DESTINATION}\n")
file(WRITE "${CMAKE_BINARY_DIR}/kq1-plugin-dirs.txt"
     "release=${KQ1_WS_RELEASE}\nglobal=${KQ1_GLOBAL_PLUGIN_DIR}\nstaged=${KQ1_STAGING_PLUGIN_DIR}/${KQ1_WS_RELEASE}/epan/kq1.so\n")
