#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Names each test of the last ctest run that was skipped, with its reason:
the line a skipping test prints ("SKIPPED: why", then exit 77).

    report_skips.py BUILD
"""
import os
import re
import sys


def skips(log):
    """(test, reason) for every skipped test in ctest's LastTest.log."""
    found = []
    for block in re.split(r"\n-{50,}\n\n", log):
        name = re.search(r'^\d+/\d+ Test: (\S+)', block, re.M)
        reason = re.search(r"SKIPPED: (.*)", block)
        if name and reason:
            found.append((name.group(1), reason.group(1).strip()))
    return found


def main():
    path = os.path.join(sys.argv[1], "Testing", "Temporary", "LastTest.log")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8", errors="replace") as f:
        found = skips(f.read())
    for name, reason in found:
        print("%s skipped: %s" % (name, reason))
    if not found:
        print("no test was skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
