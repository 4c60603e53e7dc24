#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the payload of every Kq-1 message and every HTTP JSON body of the
samples and the fuzz regressions, one file each, into a folder: the inputs
the payload checker's oracle (test-payload-corpus) and the libFuzzer target
start from. tshark with the plugin from the build tree finds them (-T json
-x: the bytes of each kq1 item, header and payload, and of each JSON body).

    sample_payloads.py --plugin-dir BUILD/plugins --samples samples --tshark tshark OUTPUT
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import sys

from tshark_harness import Tshark

HEADER_LEN = 10

# The options a sample needs to be decoded as Kq-1 (as the tshark tests give them).
OPTIONS = {"kq1-decode-as-9000.pcapng": ("-d", "tcp.port==9000,kq1"),
           "kq1-little-endian.pcapng": ("-o", "kq1.byte_order:automatic")}


def raw_values(node, key):
    """Every value of key in node, at any depth ("kq1_raw" and "json_raw"
    are [hex, offset, length, ...], or a list of them when repeated)."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                items = value if value and isinstance(value[0], list) else [value]
                for item in items:
                    yield bytes.fromhex(item[0])
            else:
                yield from raw_values(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from raw_values(item, key)


def payloads(tshark, path):
    options = OPTIONS.get(os.path.basename(path), ())
    out = tshark.run("-r", path, *options, "-T", "json", "-x", "--no-duplicate-keys").stdout
    packets = json.loads(out)
    for packet in packets:
        for pdu in raw_values(packet, "kq1_raw"):
            if len(pdu) > HEADER_LEN:
                yield pdu[HEADER_LEN:]
        for body in raw_values(packet, "json_raw"):
            yield body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("output")
    args = parser.parse_args()
    tshark = Tshark(args.tshark, args.plugin_dir, args.samples)
    try:
        tshark.prove_plugin_loaded()
        shutil.rmtree(args.output, ignore_errors=True)
        os.makedirs(args.output)
        regressions = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "regressions")
        inputs = [tshark.sample(os.path.basename(path)) for path in sorted(glob.glob(os.path.join(args.samples, "*.pcapng")))]
        for path in sorted(glob.glob(os.path.join(regressions, "*.pcapng"))):
            target = os.path.join(tshark.workdir, os.path.basename(path))
            shutil.copyfile(path, target)
            os.chmod(target, 0o644)
            inputs.append(target)
        written = set()
        for path in inputs:
            for payload in payloads(tshark, path):
                name = hashlib.sha1(payload).hexdigest()
                if name not in written:
                    with open(os.path.join(args.output, name), "wb") as out:
                        out.write(payload)
                    written.add(name)
        # Every sample gives some (the harness proved the plugin was loaded).
        if len(written) < 100:
            raise SystemExit("only %d payloads found in the samples" % len(written))
        print("%d payloads from %d captures in %s" % (len(written), len(inputs), args.output))
    finally:
        tshark.close()


if __name__ == "__main__":
    sys.exit(main())
