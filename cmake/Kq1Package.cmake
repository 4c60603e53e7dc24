# SPDX-License-Identifier: GPL-2.0-or-later
# A Debian package of the plugin for the Wireshark it was built against:
# wireshark-kq1-plugin_<version>+ws<major.minor>_<arch>.deb, installing kq1.so
# into the global plugin folder and depending on that Wireshark's libwireshark
# (a plugin is loaded only by the major.minor it was built for).
# scripts/package.sh configures a build for it (global scope) and runs cpack.
find_program(KQ1_DPKG_QUERY dpkg-query)
find_program(KQ1_DPKG dpkg)
if(NOT KQ1_DPKG_QUERY OR NOT KQ1_DPKG)
    return()
endif()

# The Debian package that holds the libwireshark this build links.
get_target_property(_kq1_epan_lib epan LOCATION)
get_filename_component(_kq1_epan_lib "${_kq1_epan_lib}" REALPATH)
execute_process(COMMAND ${KQ1_DPKG_QUERY} -S "${_kq1_epan_lib}"
                OUTPUT_VARIABLE _kq1_owner ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX REPLACE ":.*" "" _kq1_libwireshark "${_kq1_owner}")
if(NOT _kq1_libwireshark)
    message(STATUS "libwireshark is not from a Debian package: no .deb can be made")
    return()
endif()
math(EXPR _kq1_next_minor "${Wireshark_MINOR_VERSION} + 1")
execute_process(COMMAND ${KQ1_DPKG} --print-architecture
                OUTPUT_VARIABLE _kq1_arch OUTPUT_STRIP_TRAILING_WHITESPACE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wireshark-kq1-plugin)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}+ws${KQ1_WS_RELEASE}")
set(CPACK_PACKAGE_CONTACT "Kq-1 dissector developers <kq1-dissector@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark dissector for the Kq-1 interface of QKD networks (ITU-T Q.4162)")
set(CPACK_PACKAGE_DESCRIPTION
    "Decodes and checks Kq-1 messages (key supply, key request and their responses) between a QKD module and its Key Manager, for Wireshark ${KQ1_WS_RELEASE}.")
set(CPACK_DEBIAN_FILE_NAME "wireshark-kq1-plugin_${CPACK_PACKAGE_VERSION}_${_kq1_arch}.deb")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_kq1_arch}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_LICENSE "GPL-2.0-or-later")
# GLib's and json-glib's packages come from dpkg-shlibdeps; libwireshark is
# pinned to this major.minor.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "${_kq1_libwireshark} (>= ${KQ1_WS_RELEASE}), ${_kq1_libwireshark} (<< ${Wireshark_MAJOR_VERSION}.${_kq1_next_minor})")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")
# The package and a build of the user's own in the same folder: preinst keeps
# that one aside, postrm gives it back, and both say which copy is loaded.
foreach(_kq1_script preinst postinst postrm)
    configure_file("${CMAKE_CURRENT_LIST_DIR}/deb/${_kq1_script}.in" "${CMAKE_BINARY_DIR}/deb/${_kq1_script}" @ONLY)
    list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/deb/${_kq1_script}")
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_FILE_NAME "wireshark-kq1-plugin_${CPACK_PACKAGE_VERSION}_${_kq1_arch}")
include(CPack)
