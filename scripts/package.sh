#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian package of the plugin for the installed Wireshark:
#   scripts/package.sh [BUILD_DIR]     (default build-package)
# leaves BUILD_DIR/wireshark-kq1-plugin_<version>+ws<major.minor>_<arch>.deb,
# which installs kq1.so into Wireshark's global plugin folder:
#   sudo apt install ./BUILD_DIR/wireshark-kq1-plugin_*.deb
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build-package}

scripts/install-deps.sh build package
cmake -S . -B "$dir" -DKQ1_INSTALL_SCOPE=global -DKQ1_PLUGIN_INSTALL_DIR= -DKQ1_FUZZ=OFF -DKQ1_TESTS=OFF
cmake --build "$dir" --parallel
rm -f "$dir"/wireshark-kq1-plugin_*.deb
(cd "$dir" && cpack -G DEB)
ls "$dir"/wireshark-kq1-plugin_*.deb
