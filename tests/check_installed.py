#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks the plugin as a package installed it: tshark, run as it is (no
WIRESHARK_PLUGIN_DIR), loads kq1.so from Wireshark's global plugin folder
and decodes a sample with the values the tshark tests expect.

    check_installed.py --samples SAMPLES [--tshark TSHARK]

Run by scripts/test-matrix.sh after `apt install ./wireshark-kq1-plugin_*.deb`.
"""
import argparse
import os
import subprocess
import sys


def tshark(binary, *args):
    env = dict(os.environ, WIRESHARK_ABORT_ON_DISSECTOR_BUG="1", LC_ALL="C.UTF-8")
    env.pop("WIRESHARK_PLUGIN_DIR", None)
    return subprocess.run([binary] + list(args), env=env, check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", required=True)
    parser.add_argument("--tshark", default="tshark")
    args = parser.parse_args()

    folders = tshark(args.tshark, "-G", "folders")
    global_plugins = next(line.split("\t")[-1].strip() for line in folders.splitlines()
                          if line.startswith("Global Plugins:"))
    listing = [line.split("\t") for line in tshark(args.tshark, "-G", "plugins").splitlines()]
    loaded = [row[-1].strip() for row in listing if row[0].strip() == "kq1.so"]
    wanted = os.path.join(global_plugins, "epan", "kq1.so")
    if loaded != [wanted]:
        sys.exit("tshark loads %s, not the packaged %s" % (loaded or "no kq1.so", wanted))

    # Three Key supply messages, each answered (tests: Proactive).
    # Two passes: a request learns its response's frame in the first.
    out = tshark(args.tshark, "-r", os.path.join(args.samples, "kq1-proactive.pcapng"), "-2", "-Y", "kq1",
                 "-T", "fields", "-e", "kq1.command_code", "-e", "kq1.message_id", "-e", "kq1.response_in",
                 "-e", "kq1.response_to")
    rows = [line.split("\t") for line in out.splitlines()]
    codes = [row[0] for row in rows]
    if codes != ["0x3101", "0x1302"] * 3:
        sys.exit("unexpected CommandCodes from the packaged plugin: %s" % codes)
    if not all(row[2] for row in rows[0::2]) or not all(row[3] for row in rows[1::2]):
        sys.exit("requests and responses are not linked: %s" % rows)
    # The statistics the package registers.
    tree = tshark(args.tshark, "-r", os.path.join(args.samples, "kq1-proactive.pcapng"), "-q", "-z", "kq1,tree")
    if "Key supply" not in tree:
        sys.exit("-z kq1,tree shows no Key supply:\n" + tree)
    print("packaged plugin %s loaded; %d Kq-1 messages decoded and linked" % (wanted, len(rows)))


if __name__ == "__main__":
    main()
