#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fuzzes the Kq-1 plugin inside tshark.

Inputs are mutations of every sample (editcap -E at several rates) and
captures of random Kq-1 messages made here. Each runs through tshark -V -2
with WIRESHARK_ABORT_ON_DISSECTOR_BUG=1, using the plugin built with
AddressSanitizer and UndefinedBehaviorSanitizer (their runtimes preloaded);
some also run under valgrind memcheck with the plain plugin, which counts
the leaks whose stacks go through Kq-1 code. Any failure keeps its input.

    fuzz_tshark.py --asan-plugin-dir BUILD/plugins-asan --plugin-dir BUILD/plugins \\
                   --samples samples --seconds 90 --valgrind-runs 2 --failures BUILD/fuzz-failures
"""
import argparse
import glob
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_harness import Tshark, kq1_leaks  # noqa: E402

RATES = [0.002, 0.01, 0.05]
# What one tshark run under valgrind memcheck takes on a small capture, about.
VALGRIND_SECONDS = 15
CODES = [0x3101, 0x1302, 0x1303, 0x3104]
MEMBERS = ["key", "key_ID", "qkd_module_ID", "matching_qkd_module_ID", "key_length", "generation_timestamp",
           "hash_value", "response", "number", "size", "keys", "key_extension", "extension", "keyId", "hash"]
SANITIZER_REPORT = re.compile(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer")


def sanitizer_runtimes():
    """The ASan and UBSan runtimes the sanitized plugin was linked against."""
    names = []
    for library in ("libasan.so", "libubsan.so"):
        path = subprocess.run(["gcc", "-print-file-name=" + library], capture_output=True, text=True).stdout.strip()
        names.append(os.path.realpath(path))
    return ":".join(names)


def random_value(rng, depth=0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.randrange(-2**40, 2**40)
    if kind == 1:
        return "".join(rng.choice("AZaz09+/=-_ \\\"\u00e9\u0000") for _ in range(rng.randrange(0, 70)))
    if kind == 2:
        return rng.random() * 1e6
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return "%064x" % rng.getrandbits(256)
    if kind == 5:
        return rng.randrange(0, 1024)
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 6))]
    return {rng.choice(MEMBERS): random_value(rng, depth + 1) for _ in range(rng.randrange(0, 6))}


def random_pdu(rng, message_id):
    payload = {rng.choice(MEMBERS): random_value(rng) for _ in range(rng.randrange(0, 9))}
    data = json.dumps(payload).encode()
    if rng.random() < 0.2:      # cut or padded
        data = data[:rng.randrange(0, len(data) + 1)] + bytes(rng.randrange(0, 8))
    code = rng.choice(CODES) if rng.random() < 0.9 else rng.randrange(0x10000)
    length = len(data) if rng.random() < 0.9 else rng.randrange(0x10000)
    return struct.pack(">HIHH", rng.choice([1, 1, 1, 0, 2]), message_id, code, length) + data


def write_random_capture(path, rng, n_segments=60):
    """Random Kq-1 messages over one made-up TCP connection to port 4162
    (IPv4, raw link type), some several to a segment, some cut across two."""
    stream = b"".join(random_pdu(rng, i) for i in range(n_segments))
    seq = 1000
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
        offset = 0
        while offset < len(stream):
            size = min(len(stream) - offset, rng.choice([10, 200, 1400, 9000]))
            payload = stream[offset:offset + size]
            tcp = struct.pack(">HHIIBBHHH", 40000, 4162, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0, 64, 6, 0,
                             bytes([127, 0, 0, 1]), bytes([127, 0, 0, 2]))
            packet = ip + tcp + payload
            out.write(struct.pack("<IIII", offset // 100, 0, len(packet), len(packet)) + packet)
            seq += len(payload)
            offset += size


def count_frames(path):
    out = subprocess.run(["capinfos", "-M", "-c", "-T", path], capture_output=True, text=True).stdout
    numbers = [int(field) for line in out.splitlines()[1:] for field in line.split("\t")[1:2] if field.isdigit()]
    return sum(numbers)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--asan-plugin-dir", required=True)
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--seconds", type=float, default=90,
                        help="the whole run, valgrind runs included (start-up not)")
    parser.add_argument("--valgrind-runs", type=int, default=2)
    parser.add_argument("--failures", default="fuzz-failures")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()

    started = time.monotonic()
    rng = random.Random(args.seed)
    # editcap 4.0 cannot rewrite a capture that carries TLS secrets: those
    # samples are left out of the mutations.
    samples = [sample for sample in sorted(glob.glob(os.path.join(args.samples, "*.pcapng")))
               if subprocess.run(["editcap", sample, os.devnull], capture_output=True).returncode == 0]
    asan = Tshark("tshark", args.asan_plugin_dir, args.samples)
    plain = Tshark("tshark", args.plugin_dir, args.samples)
    preload = sanitizer_runtimes()
    env = {"LD_PRELOAD": preload, "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1",
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
    # The sanitized plugin loads only with its runtimes preloaded: its fields prove it did.
    fields = asan.run("-G", "fields", env=env).stdout
    if "\tkq1.key_id\t" not in fields:
        raise SystemExit("tshark did not load the sanitized kq1.so from %s" % args.asan_plugin_dir)
    plain.prove_plugin_loaded()

    work = tempfile.mkdtemp(prefix="kq1-fuzz-", dir=asan.workdir)
    os.chmod(work, 0o755)
    runs = packets = crashes = leaks = valgrind_errors = wireshark_bugs = 0
    # An empty plugin folder: tshark without the plugin.
    no_plugins = os.path.join(plain.workdir, "no-plugins")
    os.makedirs(no_plugins, exist_ok=True)
    os.chmod(no_plugins, 0o755)
    # The valgrind runs come last and take their share of the time (about
    # VALGRIND_SECONDS each), so that the whole run keeps to --seconds.
    reserve = min(args.valgrind_runs * VALGRIND_SECONDS, args.seconds / 3)
    deadline = time.monotonic() + args.seconds - reserve
    inputs = []
    while time.monotonic() < deadline:
        path = os.path.join(work, "input-%d.pcapng" % runs)
        if runs % 4 == 3:
            path = path[:-2]    # written here as classic pcap
            write_random_capture(path, rng)
            what = "random Kq-1 messages"
        else:
            sample = samples[runs % len(samples)]
            rate = rng.choice(RATES)
            subprocess.run(["editcap", "--seed", str(rng.randrange(2**31)), "-E", str(rate),
                            sample, path],
                           check=True, capture_output=True)
            what = "%s at -E %s" % (os.path.basename(sample), rate)
        os.chmod(path, 0o644)
        options = ["-o", "kq1.byte_order:" + rng.choice(["big-endian", "little-endian", "automatic"])]
        if rng.random() < 0.3:
            options += ["-o", "kq1.hide_keys:TRUE"]
        result = asan.run("-r", path, "-V", "-2", "-d", "tcp.port==9000,kq1", *options, check=False, env=env,
                          keep_stdout=False)
        runs += 1
        packets += count_frames(path)
        inputs.append((path, options))
        if result.returncode != 0 or SANITIZER_REPORT.search(result.stderr):
            os.makedirs(args.failures, exist_ok=True)
            # Wireshark's own dissectors have bugs too (a mutated TLS capture
            # once aborted TLS in 4.4): the same input without the plugin
            # tells whose the failure is.
            without = plain.run("-r", path, "-V", "-2", check=False, keep_stdout=False,
                                env={"WIRESHARK_PLUGIN_DIR": no_plugins})
            if without.returncode != 0 and not SANITIZER_REPORT.search(result.stderr):
                wireshark_bugs += 1
                kept = os.path.join(args.failures, "wireshark-%d-%d-%s" % (args.seed, runs, os.path.basename(path)))
                shutil.copyfile(path, kept)
                print("Wireshark itself fails on %s without the plugin too (not counted), kept as %s:\n%s"
                      % (what, kept, without.stderr[-1000:]))
                inputs.pop()    # not one for valgrind either
                continue
            crashes += 1
            kept = os.path.join(args.failures, "crash-%d-%d-%s" % (args.seed, runs, os.path.basename(path)))
            shutil.copyfile(path, kept)
            print("FAILED on %s (%s), kept as %s:\n%s" % (what, " ".join(options), kept, result.stderr[-3000:]))

    valgrind_runs = 0
    for path, options in rng.sample(inputs, min(args.valgrind_runs, len(inputs))):
        if valgrind_runs > 0 and time.monotonic() - started > args.seconds:
            break
        valgrind_runs += 1
        result = plain.run("-r", path, "-V", "-2", *options, check=False, keep_stdout=False,
                           wrapper=["valgrind", "--keep-debuginfo=yes", "--error-exitcode=99", "--leak-check=full",
                                    "--errors-for-leak-kinds=none", "--num-callers=40"])
        if result.returncode == 99:
            valgrind_errors += 1
            print("valgrind found errors on %s:\n%s" % (path, result.stderr[-3000:]))
        leaks += len(kq1_leaks(result.stderr))

    print("seed %d: %d runs, %d packets tried, %d crashes, %d valgrind runs with %d errors and %d Kq-1 leaks"
          % (args.seed, runs, packets, crashes, valgrind_runs, valgrind_errors, leaks))
    print("fuzzed for %.0f s; %d inputs on which Wireshark fails without the plugin too"
          % (time.monotonic() - started, wireshark_bugs))
    asan.close()
    plain.close()
    sys.exit(1 if crashes or valgrind_errors or leaks else 0)


if __name__ == "__main__":
    main()
