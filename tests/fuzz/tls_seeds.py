#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of fuzz-tls-handshake from the samples' real TLS
handshakes, one file each, already in the target's form: a first byte that
says how the rest is read (bits 2-3: 0 TLS records as TCP carries them,
1 handshake messages, 2 one DER certificate; bit 1: TLS 1.3; bit 0: sent by
the server), then the bytes. Each input is written for both senders and
both versions. tshark reads the samples; the plugin is not needed (TLS finds
its own handshakes).

    tls_seeds.py --samples samples --tshark tshark OUTPUT
"""
import argparse
import glob
import hashlib
import os
import shutil
import subprocess
import sys

AS_RECORDS, AS_HANDSHAKE, AS_CERTIFICATE = 0, 1, 2
TLS_HANDSHAKE_RECORD = 22
TLS_RECORD_START = bytes([TLS_HANDSHAKE_RECORD, 3])   # a handshake record of SSL 3.0 to TLS 1.3
HS_CERTIFICATE = 11


def fields(tshark, path, display_filter, field):
    """The values of field (hex bytes, comma-separated when repeated) in the
    frames of path that pass display_filter."""
    out = subprocess.run([tshark, "-r", path, "-Y", display_filter, "-T", "fields", "-e", field],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        for value in line.split(","):
            if value:
                yield bytes.fromhex(value.replace(":", ""))


def handshake_records(payload):
    """The data of each whole handshake record in a TCP payload."""
    at = 0
    while len(payload) - at >= 5:
        length = int.from_bytes(payload[at + 3:at + 5], "big")
        if length > len(payload) - at - 5:
            break
        if payload[at] == TLS_HANDSHAKE_RECORD:
            yield payload[at + 5:at + 5 + length]
        at += 5 + length


def certificate_message(certificate, tls13):
    """A Certificate handshake message holding one certificate, as TLS 1.2
    and TLS 1.3 (a request context first, extensions after each entry) send it."""
    def u24(n):
        return n.to_bytes(3, "big")
    entry = u24(len(certificate)) + certificate + (b"\0\0" if tls13 else b"")
    body = (b"\0" if tls13 else b"") + u24(len(entry)) + entry
    return bytes([HS_CERTIFICATE]) + u24(len(body)) + body


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", required=True)
    parser.add_argument("--tshark", default="tshark")
    parser.add_argument("output")
    args = parser.parse_args()
    inputs = []   # (how, tls13 or None for both, bytes)
    for path in sorted(glob.glob(os.path.join(args.samples, "*.pcapng"))):
        # No TLS record header in its bytes: no handshake to read (and no tshark to start).
        with open(path, "rb") as capture:
            if TLS_RECORD_START not in capture.read():
                continue
        for payload in fields(args.tshark, path, "tls.record.content_type == 22", "tcp.payload"):
            inputs.append((AS_RECORDS, None, payload))
            inputs += [(AS_HANDSHAKE, None, record) for record in handshake_records(payload)]
        for certificate in fields(args.tshark, path, "tls.handshake.certificate", "tls.handshake.certificate"):
            inputs.append((AS_CERTIFICATE, False, certificate))
            inputs += [(AS_HANDSHAKE, tls13, certificate_message(certificate, tls13)) for tls13 in (False, True)]
    shutil.rmtree(args.output, ignore_errors=True)
    os.makedirs(args.output)
    written = set()
    for how, tls13, data in inputs:
        for version in ((False, True) if tls13 is None else (tls13,)):
            for from_server in (False, True):
                seed = bytes([how << 2 | version << 1 | from_server]) + data
                name = hashlib.sha1(seed).hexdigest()
                if name not in written:
                    with open(os.path.join(args.output, name), "wb") as out:
                        out.write(seed)
                    written.add(name)
    certificates = sum(1 for how, _, _ in inputs if how == AS_CERTIFICATE)
    # The TLS samples hold real handshakes: a handful means tshark read none.
    if certificates < 10 or len(written) < 100:
        raise SystemExit("only %d certificates and %d seeds found in the samples" % (certificates, len(written)))
    print("%d seeds (%d certificates) in %s" % (len(written), certificates, args.output))


if __name__ == "__main__":
    sys.exit(main())
