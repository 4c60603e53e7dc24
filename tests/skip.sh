#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A test that cannot run here: says why, and exits 77 (ctest: skipped).
#   skip.sh REASON...
echo "SKIPPED: $*"
exit 77
