#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An exception after the payload is checked leaks nothing.

Dissection can end in an exception at any call into Wireshark; the checked
payload (GLib memory from json-glib and the checker) must still be freed.
samples/hostile-deep-json.pcapng holds a valid Key supply whose Extension
nests 18 levels deep: with gui.max_tree_depth at 24 the JSON dissector,
called after the payload is checked, throws "Maximum tree depth exceeded".
tshark runs under valgrind's memcheck; no block allocated through Kq-1 code
may be definitely lost. Without the payload tied to pinfo->pool, this test
finds one leak per exception.

    test_exception_leak.py --plugin-dir BUILD/plugins --samples samples --tshark tshark
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_harness import Tshark, kq1_leaks  # noqa: E402

SAMPLE = "hostile-deep-json.pcapng"
DEPTH = 24
EXCEPTION = "Maximum tree depth %d exceeded" % DEPTH


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--tshark", default="tshark")
    args = parser.parse_args()

    tshark = Tshark(args.tshark, args.plugin_dir, args.samples)
    try:
        tshark.prove_plugin_loaded()
        result = tshark.run("-r", tshark.sample(SAMPLE), "-V", "-o", "gui.max_tree_depth:%d" % DEPTH,
                            check=False, abort_on_dissector_bug=False,
                            env={"G_SLICE": "always-malloc", "G_DEBUG": "gc-friendly"},
                            wrapper=["valgrind", "--keep-debuginfo=yes", "--leak-check=full", "--show-leak-kinds=definite",
                                     "--errors-for-leak-kinds=none", "--num-callers=40"])
    finally:
        tshark.close()

    exceptions = result.stdout.count("[Dissector bug, protocol JSON: " + EXCEPTION)
    supplies = result.stdout.count("Kq-1 interface of QKD networks (ITU-T Q.4162), Key supply")
    leaks = kq1_leaks(result.stderr)
    print("%d Key supplies decoded, %d exceptions after the payload was checked, %d Kq-1 leaks"
          % (supplies, exceptions, len(leaks)))
    if result.returncode != 0:
        sys.exit("tshark under valgrind failed (%d):\n%s" % (result.returncode, result.stderr[-3000:]))
    # The test proves something only if the exception happened, in a
    # message Kq-1 decoded: the deep one, and not the clean one after it.
    if exceptions != 1 or supplies != 2:
        sys.exit("expected 1 exception in 2 Key supplies:\n%s" % result.stdout[-3000:])
    if leaks:
        sys.exit("Kq-1 memory lost when the exception unwound:\n" + "\n\n".join(leaks))


if __name__ == "__main__":
    main()
