#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Kq-1 benchmark: what the plugin costs against what a user would run
instead, in one run on one machine.

Captures (recorded on loopback, root needed; removed at the end unless --keep):
- "one": one message per TCP segment, each answered before the next (how a
  QKD module and a KM talk: a message when a key is ready), as Kq-1 on port
  4162, and the same JSON payloads without the 10-byte header on port 4163;
- "batch": several messages to a segment, one batch in eight cut across two
  segments, as Kq-1 only (JSON without framing cannot be split).

Decoders compared, each over the same workloads (summary, a display filter
on a key ID, -T fields, -V, and the plugin's -z kq1,tree):
- TCP floor: Kq-1 disabled, nothing above TCP;
- bare JSON: the payloads without the header, Decode As JSON (what
  Wireshark's JSON dissector costs on the same JSON);
- Lua peer: bench/kq1_peer.lua, the header as fields plus the JSON
  dissector, with TCP framing (what a user without the plugin writes);
- the plugin.

Reports CPU (the best of RUNS rounds), wall and peak memory, and their
ratios to bare JSON and the Lua peer (a CPU or wall ratio is the median over
the rounds of each round's ratio); instructions per message (callgrind) with the top costs;
and the growth of peak memory per key ID from half of the capture to all of
it, beside bare JSON's own growth.

Other traffic (bench/other_traffic.py): what installing the plugin costs on
captures that hold neither Kq-1 nor ETSI GS QKD 014, plain JSON over TCP
(port 5555, Decode As JSON) and a REST API's HTTP/JSON (port 8080), each
decoded by tshark without the plugin (a plugin folder of the same layout,
no kq1.so) and with it, over summary, -Y, -T fields and -V on fields that
are not Kq-1's. Reports CPU, wall and peak memory of both, their ratios
(with over without, the median of the rounds' ratios) and the ratio of
callgrind's instructions inside epan_dissect_run*, beside the goal: at most
OTHER_GOAL in every workload.

    sudo python3 bench/benchmark.py [--messages 50000] [--build build] [--output FILE] [--keep]
    sudo python3 bench/benchmark.py --other-only [--messages 100000] [--rounds 7]
"""
import argparse
import concurrent.futures
import os
import platform
import random
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import base64
import hashlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "samples"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from kq1peer import (KEY_REQUEST, KEY_REQUEST_RESPONSE, KEY_SUPPLY, KEY_SUPPLY_RESPONSE,  # noqa: E402
                     Connection, connect, encode_json, listen, pdu)
from tshark_harness import Tshark  # noqa: E402
from other_traffic import (HTTP_PORT, JSON_PORT, WithoutPlugin, check_no_global_plugin,  # noqa: E402
                           json_exchanges, play_http, play_json)

PORT = 4162


class Keys:
    """Keys and IDs, fast: the benchmark needs a million of them."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def key(self, bits=256):
        data = self.rng.randbytes(bits // 8)
        return str(uuid.UUID(bytes=self.rng.randbytes(16), version=4)), data


def send_batches(conn, messages, rng):
    """Sends messages several at a time; one batch in eight is cut at a
    random byte, so some messages straddle two segments."""
    i = 0
    while i < len(messages):
        n = rng.randrange(1, 24)
        data = b"".join(messages[i:i + n])
        i += n
        if rng.random() < 0.125 and len(data) > 20:
            cut = rng.randrange(1, len(data))
            conn.sock.sendall(data[:cut])
            conn.sock.sendall(data[cut:])
        else:
            conn.sock.sendall(data)


def conversation(n_messages, seed, framed=True, keyless=False):
    """The messages and their answers: 60% Key supply answered by Response to
    key supply, 40% Key request answered by Response to key request with 1 to
    4 keys; as (client_sends, message bytes, answer bytes). framed: with the
    10-byte header (Kq-1), else the JSON payload alone. keyless: only Key
    requests, each refused without a key (state that grows without key IDs)."""
    keys = Keys(seed)
    n_supplies = 0 if keyless else n_messages // 2 * 6 // 10
    n_requests = n_messages // 2 - n_supplies

    def wire(code, message_id, payload):
        return pdu(code, message_id, payload) if framed else encode_json(payload)

    exchanges = []
    for i in range(n_supplies):
        key_id, data = keys.key()
        supply = {"key": base64.b64encode(data).decode(), "key_ID": key_id, "qkd_module_ID": "QKDM-Alice-01",
                  "matching_qkd_module_ID": "QKDM-Bob-01", "key_length": 256,
                  "generation_timestamp": "2026-11-25T12:00:00Z", "hash_value": hashlib.sha256(data).hexdigest()}
        response = {"key_ID": key_id, "qkd_module_ID": "QKDM-Alice-01", "response": "success"}
        exchanges.append((True, wire(KEY_SUPPLY, i + 1, supply), wire(KEY_SUPPLY_RESPONSE, 1_000_001 + i, response)))
    for i in range(n_requests if keyless else 0):
        exchanges.append((False, wire(KEY_REQUEST, 2_000_001 + i, {"number": 1, "size": 256}),
                          wire(KEY_REQUEST_RESPONSE, 2_000_001 + i, {"keys": [], "response": "failure"})))
    for i in range(0 if keyless else n_requests):
        number = 1 + i % 4
        answer_keys = []
        for _ in range(number):
            key_id, data = keys.key()
            answer_keys.append({"key_ID": key_id, "key": base64.b64encode(data).decode()})
        exchanges.append((False, wire(KEY_REQUEST, 2_000_001 + i, {"number": number, "size": 256}),
                          wire(KEY_REQUEST_RESPONSE, 2_000_001 + i, {"keys": answer_keys, "response": "success"})))
    return exchanges


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise SystemExit("the peer closed early")
        data += chunk
    return data


def run_connection(port, client_role, server_role):
    listener = listen(port)
    failure = []

    def server():
        try:
            conn = Connection(listener.accept()[0])
            server_role(conn)
            conn.close()
        except Exception as error:  # reported in the main thread
            failure.append(error)

    thread = threading.Thread(target=server)
    thread.start()
    conn = connect(port)
    client_role(conn)
    conn.close()
    thread.join()
    listener.close()
    if failure:
        raise failure[0]


def play_one_per_segment(port, exchanges):
    """Each message in a segment of its own, answered before the next: the
    supplies on one connection (the QKD module connects), the requests on
    another (the KM sends them)."""
    for client_sends in (True, False):
        mine = [(message, answer) for sends, message, answer in exchanges if sends == client_sends]

        def sender(conn, mine=mine):
            for message, answer in mine:
                conn.sock.sendall(message)
                read_exactly(conn.sock, len(answer))

        def answerer(conn, mine=mine):
            for message, answer in mine:
                read_exactly(conn.sock, len(message))
                conn.sock.sendall(answer)

        if client_sends:
            run_connection(port, sender, answerer)
        else:
            run_connection(port, answerer, sender)


def play_batches(port, exchanges, seed):
    """Several messages to a segment, some cut across two; answers in
    batches too."""
    rng = random.Random(seed)
    for client_sends in (True, False):
        messages = [message for sends, message, _ in exchanges if sends == client_sends]
        answers = [answer for sends, _, answer in exchanges if sends == client_sends]

        def sender(conn, messages=messages, answers=answers):
            thread = threading.Thread(target=send_batches, args=(conn, messages, random.Random(seed)))
            thread.start()
            read_exactly(conn.sock, sum(len(answer) for answer in answers))
            thread.join()

        def answerer(conn, messages=messages, answers=answers):
            total = sum(len(message) for message in messages)
            read_exactly(conn.sock, total)
            send_batches(conn, answers, rng)

        if client_sends:
            run_connection(port, sender, answerer)
        else:
            run_connection(port, answerer, sender)


def record(path, port, play):
    """A capture of what play() sends on port, from real sockets on loopback."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        raw = os.path.join(tmp, "capture.pcapng")
        dumpcap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-B", "512", "-f", "tcp port %d" % port,
                                    "-w", raw], stderr=subprocess.PIPE, text=True)
        for line in dumpcap.stderr:
            if line.startswith("Capturing on"):
                break
        time.sleep(2)   # the large buffer takes a moment
        play()
        time.sleep(1)
        dumpcap.send_signal(signal.SIGINT)
        _, errors = dumpcap.communicate(timeout=120)
        dropped = re.search(r"received/dropped on interface '[^']*': \d+/(\d+)", errors)
        if dropped is None or dropped.group(1) != "0":
            print("dumpcap:", errors.strip())
        shutil.copyfile(raw, path)
    os.chmod(path, 0o644)


def measure(tshark, capture, options, env_extra=None, runs=3):
    """CPU seconds (best of runs), wall seconds and peak memory (KiB) of tshark."""
    env = dict(os.environ, HOME=tshark.home, WIRESHARK_PLUGIN_DIR=tshark.plugin_dir, LC_ALL="C.UTF-8")
    env.update(env_extra or {})
    command = [tshark.tshark, "-r", capture] + options
    if tshark.as_root:
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command
    best = None
    for _ in range(runs):
        start = time.monotonic()
        with open(os.devnull, "w") as null:
            process = subprocess.Popen(command, env=env, stdout=null, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        if code < 0:    # killed by a signal: reported as such, not measured
            return {"crashed": "killed by signal %d" % -code}
        if code != 0:
            raise SystemExit("tshark failed (%d): %s\n%s" % (code, " ".join(command),
                                                            process.stderr.read().decode()))
        run = {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "rss": usage.ru_maxrss}
        if best is None or run["cpu"] < best["cpu"]:
            best = run
    return best


MEMORY_RUNS = 9


def peak_memory(tshark, capture, options, runs=MEMORY_RUNS):
    """The median peak memory (KiB) of runs tshark runs: a single peak varies
    by a few hundred KiB from run to run (10 to 15 bytes per key ID here)."""
    peaks = sorted(measure(tshark, capture, options, runs=1)["rss"] for _ in range(runs))
    return peaks[runs // 2]


def callgrind(tshark, capture, options):
    """Instructions spent dissecting the packets of a tshark run (callgrind's
    Ir inside epan_dissect_run*) and the functions that cost most there
    (self cost), as text."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        out = os.path.join(tmp, "callgrind.out")
        result = tshark.run("-r", capture, *options, check=False,
                            wrapper=["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                                     # the dissection of the packets only, not tshark's start-up
                                     "--toggle-collect=epan_dissect_run*"])
        match = re.search(r"Collected : (\d+)", result.stderr)
        if not match:
            raise SystemExit("callgrind gave no count:\n" + result.stderr[-2000:])
        annotate = subprocess.run(["callgrind_annotate", "--threshold=99", out], capture_output=True,
                                  text=True).stdout
    top = []
    for line in annotate.splitlines():
        found = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(?:[^:\s]*:)?(\S+) \[([^\]]*)\]", line)
        if found and len(top) < 6:
            top.append("%s (%s, %s%%)" % (found.group(3), os.path.basename(found.group(4)).split(".so")[0],
                                          found.group(2)))
    return int(match.group(1)), top


LUA_PEER = os.path.join(ROOT, "bench", "kq1_peer.lua")
RUNS = 7    # rounds of CPU measurement; each decoder keeps its best, each ratio is the median round's
OTHER_MESSAGES = 100_000

# Wireshark 4.0's Lua dies (SIGSEGV in longjmp) when the dissectors called in
# one frame pass gui.max_tree_depth, as a frame of many messages makes the Lua
# peer's do; batches are decoded by every decoder with the limit raised.
BATCH_OPTIONS = ["-o", "gui.max_tree_depth:2000"]


def floor_options(kind):
    """The TCP floor's options for a capture of this kind."""
    return ["--disable-protocol", "kq1", "-d", "tcp.port==%d,data" % (PORT if kind == "kq1" else PORT + 1)]

# name -> (capture kind, tshark options); the workloads add theirs. The TCP
# floor hands the payload to the data dissector, so that no heuristic
# dissector is tried on it (none is for the decoders measured against it).
DECODERS = {
    "TCP floor": ("kq1", floor_options("kq1")),
    "bare JSON": ("bare", ["--disable-protocol", "kq1", "-d", "tcp.port==%d,json" % (PORT + 1)]),
    "Lua peer": ("kq1", ["--disable-protocol", "kq1", "-X", "lua_script:" + LUA_PEER]),
    "Kq-1 plugin": ("kq1", []),
}

# workload -> decoder -> its options (the same question asked of each decoder)
WORKLOADS = {
    "summary": {name: [] for name in DECODERS},
    "-Y key ID": {"TCP floor": ["-Y", "tcp.len > 0"], "bare JSON": ["-Y", 'json.key == "key_ID"'],
                  "Lua peer": ["-Y", 'json.key == "key_ID"'], "Kq-1 plugin": ["-Y", "kq1.key_id"]},
    "-T fields": {"TCP floor": ["-T", "fields", "-e", "tcp.len"],
                  "bare JSON": ["-T", "fields", "-e", "json.value.string"],
                  "Lua peer": ["-T", "fields", "-e", "kq1lua.message_id", "-e", "json.value.string"],
                  "Kq-1 plugin": ["-T", "fields", "-e", "kq1.message_id", "-e", "kq1.key_id"]},
    "-V": {name: ["-V"] for name in DECODERS},
    "-z kq1,tree": {"Kq-1 plugin": ["-q", "-z", "kq1,tree"]},
}

# Other traffic: what installing the plugin costs on captures with neither
# Kq-1 nor QKD 014. capture -> the options every decoder decodes it with:
# the plain JSON is on a port no dissector has, so it is decoded as JSON as
# a user would; port 8080 is one of HTTP's own.
OTHER_CAPTURES = {
    "plain JSON": ["-d", "tcp.port==%d,json" % JSON_PORT],
    "HTTP/JSON": [],
}
# workload -> capture -> its options, on fields that are not the plugin's
OTHER_WORKLOADS = {
    "summary": {"plain JSON": [], "HTTP/JSON": []},
    "-Y": {"plain JSON": ["-Y", 'json.key == "name"'], "HTTP/JSON": ["-Y", 'http.request.method == "POST"']},
    "-T fields": {"plain JSON": ["-T", "fields", "-e", "json.value.string"],
                  "HTTP/JSON": ["-T", "fields", "-e", "http.request.uri"]},
    "-V": {"plain JSON": ["-V"], "HTTP/JSON": ["-V"]},
}
OTHER_DECODERS = ("without plugin", "with plugin")
OTHER_GOAL = 1.02   # with / without, in every workload


def count_messages(tshark, capture):
    out = tshark.run("-r", capture, "-q", "-z", "kq1,tree").stdout
    match = re.search(r"Messages by type\s+(\d+)", out)
    keys = re.search(r"Keys supplied, by QKD module ID\s+(\d+)", out)
    return int(match.group(1)), int(keys.group(1)) if keys else 0


def frames_in(capture):
    out = subprocess.run(["capinfos", "-M", "-c", "-T", capture], capture_output=True, text=True).stdout
    return int(out.splitlines()[1].split("\t")[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int,
                        help="messages in each capture (default 50000 Kq-1 messages, %d of other traffic)"
                             % OTHER_MESSAGES)
    parser.add_argument("--callgrind-messages", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=RUNS,
                        help="rounds of CPU measurement, the decoders of a workload taking turns"
                             " (default %(default)s)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--other-only", action="store_true",
                       help="only the other-traffic workloads (no Kq-1, no QKD 014), with and without the plugin")
    which.add_argument("--no-other", action="store_true", help="only the Kq-1 workloads")
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--work", default=os.path.join(ROOT, "build", "bench"),
                        help="where the captures are recorded (removed at the end unless --keep)")
    parser.add_argument("--output", default=os.path.join(ROOT, "build", "BENCHMARKS.md"),
                        help="the report (the tracked BENCHMARKS.md is updated only when named here)")
    parser.add_argument("--keep", action="store_true", help="keep the captures for another run")
    parser.add_argument("--append", metavar="TITLE",
                        help="add the report to the end of --output as a section called TITLE (one report per"
                             " Wireshark version in one file)")
    args = parser.parse_args()
    args.other_messages = args.messages or OTHER_MESSAGES
    args.messages = args.messages or 50_000
    if os.geteuid() != 0:
        raise SystemExit("the benchmark records on loopback with dumpcap, which needs root: "
                         "sudo python3 bench/benchmark.py")
    try:
        run_benchmark(args)
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    print("report: %s%s" % (args.output, "" if not args.keep else "; captures kept in %s" % args.work))


def captures(args):
    """{(shape, kind): path} for the full captures, and the callgrind ones."""
    paths = {}
    for shape, kind, port, n, seed in (("one", "kq1", PORT, args.messages, 2026),
                                       ("one", "bare", PORT + 1, args.messages, 2026),
                                       ("batch", "kq1", PORT, args.messages, 2026),
                                       ("one-small", "kq1", PORT, args.callgrind_messages, 7),
                                       ("one-small", "bare", PORT + 1, args.callgrind_messages, 7),
                                       ("keyless", "kq1", PORT, args.messages, 11),
                                       ("keyless", "bare", PORT + 1, args.messages, 11)):
        path = os.path.join(args.work, "%s-%s-%d.pcapng" % (kind, shape, n))
        if not os.path.exists(path):
            print("recording %s, %s, %d messages ..." % (kind, shape, n), flush=True)
            exchanges = conversation(n, seed, framed=kind == "kq1", keyless=shape == "keyless")
            if shape == "batch":
                record(path, port, lambda: play_batches(port, exchanges, seed))
            else:
                record(path, port, lambda: play_one_per_segment(port, exchanges))
        paths[(shape, kind)] = path
    return paths


def run_benchmark(args):
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    os.chmod(args.work, 0o755)
    if not args.no_other:
        check_no_global_plugin()    # before the time spent recording
    tshark = Tshark("tshark", os.path.join(args.build, "plugins"), os.path.join(ROOT, "samples"))
    tshark.prove_plugin_loaded()
    kq1 = None if args.other_only else run_kq1(args, tshark)
    other = None if args.no_other else run_other(args, tshark)
    write_report(args.output, kq1, other, args)
    tshark.close()
    # The recording ran as root: let the user who asked own the report.
    owner = os.stat(os.path.dirname(os.path.abspath(args.output)))
    os.chown(args.output, owner.st_uid, owner.st_gid)


def run_kq1(args, tshark):
    """The Kq-1 workloads: (info, results, counts, growth) for the report."""
    paths = captures(args)
    shutil.copyfile(LUA_PEER, os.path.join(tshark.workdir, "kq1_peer.lua"))
    os.chmod(os.path.join(tshark.workdir, "kq1_peer.lua"), 0o644)
    decoders = {name: (kind, [option.replace(LUA_PEER, os.path.join(tshark.workdir, "kq1_peer.lua"))
                              for option in options]) for name, (kind, options) in DECODERS.items()}
    n_messages, n_keys = count_messages(tshark, paths[("one", "kq1")])
    n_keyless = count_messages(tshark, paths[("keyless", "kq1")])[0]
    info = {"messages": n_messages, "keys": n_keys, "keyless": n_keyless,
            "frames": {key: frames_in(path) for key, path in paths.items()},
            "sizes": {key: os.path.getsize(path) for key, path in paths.items()}}
    print("capture: %d Kq-1 messages, %d keys" % (n_messages, n_keys), flush=True)

    # The machine's speed drifts (a shared virtual machine's by 10% or more
    # within minutes, and the best of one decoder's rounds can fall in a
    # faster minute than another's): the decoders of one workload take
    # turns, RUNS rounds. Each keeps its best CPU; a ratio between two
    # decoders is taken within each round, of runs seconds apart, and the
    # median of those is reported.
    results = {}
    for shape in ("one", "batch"):
        for workload, per_decoder in WORKLOADS.items():
            runs, rounds = {}, {}
            for _ in range(args.rounds):
                for name, options in per_decoder.items():
                    kind, base = decoders[name]
                    if (shape, kind) not in paths or "crashed" in runs.get(name, {}):
                        continue    # bare JSON has no batch shape: it cannot be framed
                    run = measure(tshark, paths[(shape, kind)],
                                  base + options + (BATCH_OPTIONS if shape == "batch" else []), runs=1)
                    rounds.setdefault(name, []).append(run)
                    if name not in runs or "crashed" in run or run["cpu"] < runs[name]["cpu"]:
                        runs[name] = run
            for name, run in runs.items():
                run["rounds"] = rounds[name]
                results[(shape, workload, name)] = run
                if "crashed" in run:
                    print("%-6s %-12s %-12s %s" % (shape, workload, name, run["crashed"]), flush=True)
                    continue
                print("%-6s %-12s %-12s cpu %6.2f s  wall %6.2f s  peak %6.0f MiB" % (
                    shape, workload, name, run["cpu"], run["wall"], run["rss"] / 1024), flush=True)

    # Instructions per message, with a display filter on a key ID (no tree
    # shown) and with -V (every tree built): beyond the TCP floor's over the
    # same capture, so that tshark's start-up and TCP are not counted.
    counts = {}
    for workload in ("-Y key ID", "-V"):
        floors = {kind: callgrind(tshark, paths[("one-small", kind)], floor_options(kind)
                                  + WORKLOADS[workload]["TCP floor"])[0] for kind in ("kq1", "bare")}
        for name in ("bare JSON", "Lua peer", "Kq-1 plugin"):
            kind, base = decoders[name]
            total, top = callgrind(tshark, paths[("one-small", kind)], base + WORKLOADS[workload][name])
            counts[(workload, name)] = ((total - floors[kind]) / args.callgrind_messages, top,
                                        total / args.callgrind_messages)
            print("%-10s %-12s %9.0f instructions per message beyond the TCP floor" % (
                workload, name, counts[(workload, name)][0]), flush=True)

    # Capture-long state: peak memory growth from half the capture to all of
    # it, per key ID (the mixed capture) and per message (the keyless one).
    growth = {}
    for shape, unit in (("one", n_keys), ("keyless", n_keyless)):
        for name in ("bare JSON", "Kq-1 plugin"):
            kind, base = decoders[name]
            full = paths[(shape, kind)]
            half = full.replace(".pcapng", "-half.pcapng")
            if not os.path.exists(half):
                subprocess.run(["editcap", "-r", full, half, "1-%d" % (frames_in(full) // 2)], check=True)
                os.chmod(half, 0o644)
            growth[(shape, name)] = (peak_memory(tshark, full, base) - peak_memory(tshark, half, base)) \
                * 1024 / max(1, unit // 2)
    return info, results, counts, growth


def other_captures(args):
    """{(capture, size): path}, size "full" (args.other_messages messages)
    or "small" (for callgrind)."""
    paths = {}
    for capture, port, seed in (("plain JSON", JSON_PORT, 5555), ("HTTP/JSON", HTTP_PORT, 8080)):
        for size, n in (("full", args.other_messages), ("small", args.callgrind_messages)):
            path = os.path.join(args.work, "other-%s-%d.pcapng" % ("json" if port == JSON_PORT else "http", n))
            if not os.path.exists(path):
                print("recording %s, %d messages ..." % (capture, n), flush=True)
                if port == JSON_PORT:
                    exchanges = json_exchanges(n, seed)
                    record(path, port, lambda: play_json(exchanges, port))
                else:
                    record(path, port, lambda: play_http(n, seed, port))
            paths[(capture, size)] = path
    return paths


def count_other(tshark, capture, path):
    """What a capture of other traffic holds, as tshark without the plugin
    decodes it: {"frames", "messages", ...}; fails if a message was not in
    a segment of its own, or if the plugin's protocols show up."""
    options = OTHER_CAPTURES[capture]
    counts = {"frames": frames_in(path)}
    if capture == "plain JSON":
        out = tshark.run("-r", path, *options, "-Y", "json", "-T", "fields", "-e", "frame.number").stdout
        counts["messages"] = len(out.splitlines())
    else:
        out = tshark.run("-r", path, *options, "-Y", "http.request or http.response", "-T", "fields",
                         "-e", "http.request.method", "-e", "http.response.code", "-e", "tcp.reassembled.length",
                         "-E", "occurrence=f").stdout
        rows = [line.split("\t") for line in out.splitlines()]
        counts["messages"] = len(rows)
        counts["POST"] = sum(1 for row in rows if row[0] == "POST")
        counts["reassembled"] = sum(1 for row in rows if row[2])
        if counts["reassembled"]:
            raise SystemExit("%s: %d HTTP messages span segments" % (path, counts["reassembled"]))
    return counts


def run_other(args, tshark):
    """The other-traffic workloads: {"info", "results", "instructions"}."""
    paths = other_captures(args)
    without = WithoutPlugin("tshark", os.path.join(args.build, "plugins"), os.path.join(ROOT, "samples"))
    try:
        without.prove_plugin_absent()
        tshark.prove_plugin_loaded()
        decoders = {"without plugin": without, "with plugin": tshark}
        info = {key: count_other(without, key[0], path) for key, path in paths.items()}
        for (capture, size), found in info.items():
            print("%s (%s): %d messages in %d frames" % (capture, size, found["messages"], found["frames"]),
                  flush=True)
            if found["messages"] != (args.other_messages if size == "full" else args.callgrind_messages) // 2 * 2:
                raise SystemExit("%s: expected one message per segment" % paths[(capture, size)])

        # The two decoders take turns, the first of a round alternating.
        # Others' work on the machine shows in CPU time too (a shared
        # core's caches): the load average is reported beside the figures.
        results = {}
        load = [os.getloadavg()[0]]
        if load[0] > 0.5 * (os.cpu_count() or 1):
            print("the machine is busy (load average %.1f on %d cores): CPU figures will be noisy, instructions"
                  " will not" % (load[0], os.cpu_count() or 1), flush=True)
        for capture, base in OTHER_CAPTURES.items():
            for workload, per_capture in OTHER_WORKLOADS.items():
                rounds = {name: [] for name in OTHER_DECODERS}
                for turn in range(args.rounds):
                    for name in OTHER_DECODERS[::1 if turn % 2 == 0 else -1]:
                        run = measure(decoders[name], paths[(capture, "full")], base + per_capture[capture], runs=1)
                        if "crashed" in run:
                            raise SystemExit("tshark %s %s: %s" % (name, workload, run["crashed"]))
                        rounds[name].append(run)
                for name in OTHER_DECODERS:
                    best = dict(min(rounds[name], key=lambda run: run["cpu"]), rounds=rounds[name])
                    results[(capture, workload, name)] = best
                with_, without_ = (results[(capture, workload, name)] for name in ("with plugin", "without plugin"))
                load.append(os.getloadavg()[0])
                print("%-10s %-9s cpu %6.2f / %6.2f s  wall %6.2f / %6.2f s  peak %4.0f / %4.0f MiB  "
                      "with/without: cpu %.3f wall %.3f peak %.3f; cpu by round %s; load %.1f" % (
                          capture, workload, with_["cpu"], without_["cpu"], with_["wall"], without_["wall"],
                          with_["rss"] / 1024, without_["rss"] / 1024, paired_ratio(with_, without_),
                          paired_ratio(with_, without_, "wall"), paired_ratio(with_, without_, "rss"),
                          " ".join("%.3f" % ratio for ratio in round_ratios(with_, without_)), load[-1]), flush=True)

        # Instructions inside epan_dissect_run*: they do not drift as CPU
        # does, nor depend on what else runs, so the callgrind runs (most of
        # whose time is tshark's start-up under valgrind) run side by side.
        jobs = {(capture, workload, name): (decoders[name], paths[(capture, "small")], base + per_capture[capture])
                for capture, base in OTHER_CAPTURES.items()
                for workload, per_capture in OTHER_WORKLOADS.items() for name in OTHER_DECODERS}
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            futures = {key: pool.submit(callgrind, *job) for key, job in jobs.items()}
            instructions = {key: future.result()[0] for key, future in futures.items()}
        for capture in OTHER_CAPTURES:
            for workload in OTHER_WORKLOADS:
                ratio = instructions[(capture, workload, "with plugin")] \
                    / instructions[(capture, workload, "without plugin")]
                print("%-10s %-9s instructions with/without %.4f (goal %.2f)" % (
                    capture, workload, ratio, OTHER_GOAL), flush=True)
        # Proved again at the end: nothing in between put kq1.so in the
        # empty folder or took it from the other.
        without.prove_plugin_absent()
        tshark.prove_plugin_loaded()
    finally:
        without.close()
    other = {"info": info, "results": results, "instructions": instructions, "load": load}
    print(other_summary(other), flush=True)
    return other


def round_ratios(run, baseline, what="cpu"):
    """run's CPU (or wall time, or peak) over baseline's, round by round."""
    return [a[what] / b[what] for a, b in zip(run["rounds"], baseline["rounds"])
            if "crashed" not in a and "crashed" not in b]


def paired_ratio(run, baseline, what="cpu"):
    """The median over the rounds of run's CPU (or wall time) over
    baseline's in the same round."""
    return statistics.median(a[what] / b[what] for a, b in zip(run["rounds"], baseline["rounds"])
                             if "crashed" not in a and "crashed" not in b)


def made_by(args):
    """The options of this run, as the report says it was made."""
    options = ["--other-only"] if args.other_only else ["--no-other"] if args.no_other else []
    options += ["--messages %d" % (args.other_messages if args.other_only else args.messages)]
    if not args.other_only and not args.no_other and args.other_messages != OTHER_MESSAGES:
        options[-1] = "--messages %d" % args.messages     # one option sizes both
    if args.callgrind_messages != 5_000:
        options.append("--callgrind-messages %d" % args.callgrind_messages)
    if args.rounds != RUNS:
        options.append("--rounds %d" % args.rounds)
    return " ".join(options)


def other_ratios(other, capture, workload):
    """(CPU, wall, peak, instructions) ratios with / without the plugin, and
    the lowest and highest of the rounds' CPU ratios."""
    with_, without = (other["results"][(capture, workload, name)] for name in ("with plugin", "without plugin"))
    instructions = other["instructions"]
    cpus = round_ratios(with_, without)
    return (paired_ratio(with_, without), paired_ratio(with_, without, "wall"), paired_ratio(with_, without, "rss"),
            instructions[(capture, workload, "with plugin")] / instructions[(capture, workload, "without plugin")],
            (min(cpus), max(cpus)))


NOISY = 0.10   # rounds' CPU ratios spread wider than this: CPU cannot tell 1.02 from 1.00


def goal_verdict(cpu, instructions, spread):
    over = [what for what, ratio in (("CPU", cpu), ("instructions", instructions)) if ratio > OTHER_GOAL]
    verdict = "met" if not over else "**not met** (%s)" % ", ".join(over)
    return verdict + ("; CPU noisy" if spread[1] - spread[0] > NOISY else "")


def other_summary(other):
    """The other-traffic ratios as a plain table, for the terminal."""
    lines = ["with plugin / without:", "%-10s %-9s %8s %13s %8s %8s %13s  goal <= %.2f" % (
        "capture", "workload", "CPU", "(rounds)", "wall", "peak", "instructions", OTHER_GOAL)]
    for capture in OTHER_CAPTURES:
        for workload in OTHER_WORKLOADS:
            cpu, wall, peak, instructions, spread = other_ratios(other, capture, workload)
            lines.append("%-10s %-9s %8.3f %13s %8.3f %8.3f %13.4f  %s" % (
                capture, workload, cpu, "%.3f-%.3f" % spread, wall, peak, instructions,
                goal_verdict(cpu, instructions, spread).replace("*", "")))
    return "\n".join(lines)


def other_report(other, args):
    """The report's other-traffic section."""
    info, results = other["info"], other["results"]
    http = info[("HTTP/JSON", "full")]
    lines = [
        "",
        "## Other traffic: what installing the plugin costs",
        "",
        "Captures that hold neither Kq-1 nor ETSI GS QKD 014, recorded on loopback by this script from",
        "real sockets (`bench/other_traffic.py`), each message in a TCP segment of its own:",
        "",
        "- **plain JSON**: %d JSON objects without any header (%d frames) over one TCP connection on"
        % (info[("plain JSON", "full")]["messages"], info[("plain JSON", "full")]["frames"]),
        "  port %d, request and answer in turn (lookups answered with a record, updates with a status);"
        % JSON_PORT,
        "  decoded by both with `%s`." % " ".join(OTHER_CAPTURES["plain JSON"]),
        "- **HTTP/JSON**: a REST API that is not QKD 014 over HTTP/1.1 keep-alive on port %d," % HTTP_PORT,
        "  %d messages (%d frames): `GET /api/v2/items/<n>` answered by the item, and one request in"
        % (http["messages"], http["frames"]),
        "  three a `POST` with an `application/json` body (%d), answered `201`; JSON bodies with" % http["POST"],
        "  Content-Length.",
        "",
        "Decoders: **without plugin**, tshark with `WIRESHARK_PLUGIN_DIR` on a plugin folder of the same",
        "`<major>.<minor>/epan` layout that holds no `kq1.so`; **with plugin**, the same with the",
        "`kq1.so` of `%s`. Both run as nobody with a fresh HOME; `tshark -G plugins` proved, before and"
        % os.path.relpath(os.path.abspath(args.build), ROOT),
        "after the runs, that the first loads no kq1.so (and knows no kq1 or qkd014 protocol) and the",
        "second loads the one built; no kq1.so is installed in the global plugin folder.",
        "",
        "Workloads, on fields that are not the plugin's (plain JSON; HTTP/JSON):",
        "",
    ] + ["- %s: %s" % (workload, "; ".join("`%s`" % shlex.join(["tshark", "-r", "FILE"] + options)
                                          for options in per_capture.values()))
         for workload, per_capture in OTHER_WORKLOADS.items()] + [
        "",
        "The two decoders take turns, %d rounds, the first of a round alternating: CPU, wall and peak" % args.rounds,
        "are each decoder's best-CPU round; a ratio (with plugin / without) is the median over the",
        "rounds of the two runs' ratio in one round.",
        "Instructions: callgrind over %d messages of the same traffic, inside `epan_dissect_run*` (the"
        % args.callgrind_messages,
        "dissection of the packets, not tshark's start-up nor the printing of -V or -T fields); they do",
        "not drift as CPU time does, nor feel what else runs on the machine (its load average was %s"
        % "-".join("%.1f" % load for load in (min(other["load"]), max(other["load"]))),
        "during the timed runs). The goal: at most %.2f in every workload. CPU ratio: the median," % OTHER_GOAL,
        "then the lowest and highest of the rounds.",
        "",
        "| capture | workload | CPU s without | CPU s with | CPU ratio | wall s without | wall s with | wall ratio"
        " | peak MiB without | peak MiB with | peak ratio | instructions / message without | with |"
        " instruction ratio | goal ≤ %.2f |" % OTHER_GOAL,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for capture in OTHER_CAPTURES:
        small = info[(capture, "small")]["messages"]
        for workload in OTHER_WORKLOADS:
            with_, without = (results[(capture, workload, name)] for name in ("with plugin", "without plugin"))
            cpu, wall, peak, instructions, spread = other_ratios(other, capture, workload)
            lines.append("| %s | %s | %.2f | %.2f | %.3f (%.3f-%.3f) | %.2f | %.2f | %.3f | %.0f | %.0f | %.3f"
                         " | %.0f | %.0f | %.4f | %s |" % (capture, workload, without["cpu"], with_["cpu"], cpu,
                                                    spread[0], spread[1], without["wall"],
                                      with_["wall"], wall, without["rss"] / 1024, with_["rss"] / 1024, peak,
                                      other["instructions"][(capture, workload, "without plugin")] / small,
                                      other["instructions"][(capture, workload, "with plugin")] / small,
                                      instructions, goal_verdict(cpu, instructions, spread)))
    spreads = [other_ratios(other, capture, workload)[4]
               for capture in OTHER_CAPTURES for workload in OTHER_WORKLOADS]
    noisy = sum(1 for low, high in spreads if high - low > NOISY)
    if noisy:
        lines += ["", "In %d workloads the rounds' CPU ratios spread wider than %.2f (\"CPU noisy\"): CPU time"
                  " on this machine, then, cannot tell a ratio of %.2f from 1; the instruction ratios can." % (
                      noisy, NOISY, OTHER_GOAL)]
    return lines


def kq1_report(info, results, counts, growth, args):
    """The report's Kq-1 sections."""
    lines = [
        "## What is compared",
        "",
        "- **TCP floor**: Kq-1 disabled and the port decoded as data: Wireshark decodes up to TCP and",
        "  no further (no heuristic dissector is tried, as none is for the others).",
        "- **bare JSON**: the same JSON payloads sent without the 10-byte header (port 4163, one",
        "  message per segment), decoded with Decode As JSON: what Wireshark's JSON dissector alone",
        "  costs on this JSON. It does no framing, no checks and no analysis; it exists only for the",
        "  one-message-per-segment shape (JSON without a header cannot be split).",
        "- **Lua peer** (`bench/kq1_peer.lua`): the header as four fields, TCP framing",
        "  (`dissect_tcp_pdus`) and the JSON dissector on the payload: what a user without the plugin",
        "  writes. No checks, no analysis.",
        "- **Kq-1 plugin**: framing, header, the payload read once (plain JSON by the plugin's own",
        "  reading, other text by json-glib), the checks of Tables 1-4, key decoding and hash",
        "  verification, request/response links, key ID analysis, the tap; with a tree, the fields and",
        "  the JSON dissector's tree too. Without a tree (summary, `-Y` on a key ID) only what Info",
        "  and the analysis need is read (the skim).",
        "",
        "Workloads: `summary` (`tshark -r`), `-Y key ID` (messages holding a key ID: `kq1.key_id`, or",
        "`json.key == \"key_ID\"` for the baselines), `-T fields` (key IDs and MessageIDs), `-V`, and",
        "the plugin's own `-z kq1,tree`. The decoders of a workload take turns, %d rounds, so that" % args.rounds,
        "the machine's drift touches all alike: CPU is each decoder's best round, and a ratio is the",
        "median over the rounds of the two decoders' ratio in the same round. On Wireshark 4.0, `-T fields`",
        "builds the whole tree, as `-V` does (tshark asks for every field's details), so both call the",
        "JSON dissector.",
        "",
        "## Captures",
        "",
        "%d Kq-1 messages (%d keys): 60%% Key supply answered by Response to key supply, 40%% Key"
        " request answered by a Response to key request with 1 to 4 keys, recorded on loopback by"
        " this script. Frames: one message per segment %d (bare JSON %d), batches %d. A third"
        " capture of %d messages holds no key ID at all (Key requests refused with no keys), to show"
        " what grows without key IDs." % (
            info["messages"], info["keys"], info["frames"][("one", "kq1")], info["frames"][("one", "bare")],
            info["frames"][("batch", "kq1")], info["keyless"]),
        "",
        "Batches are decoded by every decoder with `-o gui.max_tree_depth:2000`: Wireshark 4.0's Lua",
        "dies (SIGSEGV in `longjmp`) when the dissectors called in one frame pass the default limit,",
        "as a frame of many messages makes the Lua peer's do. There is no bare JSON batch: JSON",
        "without a header cannot be split into messages.",
        "",
    ]
    for shape, title in (("one", "One message per segment"), ("batch", "Batches, some cut across segments")):
        lines += ["## %s" % title, "",
                  "| workload | decoder | CPU s | wall s | peak MiB | CPU / bare JSON | wall / bare JSON"
                  " | peak / bare JSON | CPU / Lua peer | wall / Lua peer | peak / Lua peer |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for workload in WORKLOADS:
            bare = results.get((shape, workload, "bare JSON"))
            lua = results.get((shape, workload, "Lua peer"))
            bare = bare if bare and "crashed" not in bare else None
            lua = lua if lua and "crashed" not in lua else None
            for name in DECODERS:
                run = results.get((shape, workload, name))
                if run is None:
                    continue
                if "crashed" in run:
                    lines.append("| %s | %s | tshark %s | | | | | | | | |" % (workload, name, run["crashed"]))
                    continue
                ratios = []
                for baseline in (bare, lua):
                    ratios += ["%.2f" % paired_ratio(run, baseline), "%.2f" % paired_ratio(run, baseline, "wall"),
                               "%.2f" % (run["rss"] / baseline["rss"])] if baseline else ["-", "-", "-"]
                lines.append("| %s | %s | %.2f | %.2f | %.0f | %s |" % (
                    workload, name, run["cpu"], run["wall"], run["rss"] / 1024, " | ".join(ratios)))
        lines.append("")
    lines += ["## Instructions per message", "",
              "callgrind over %d messages, one per segment, counting only the dissection of the packets"
              " (inside `epan_dissect_run*`): the instructions beyond those of the TCP floor over the"
              " same capture, per message; and the functions with the most self cost (share of the"
              " dissection). `-Y` on a key ID builds a tree that shows nothing; `-V` builds all of it."
              % args.callgrind_messages, ""]
    for (workload, name), (per_message, top, _) in counts.items():
        lines.append("- **%s, %s**: %.0f; %s" % (workload, name, per_message, "; ".join(top) or "-"))
    lines += ["", "The whole dissection, TCP and below included, per message (instructions do not drift as"
              " CPU time does):", "", "| workload | bare JSON | Lua peer | Kq-1 plugin | plugin / bare JSON |"
              " plugin / Lua peer |", "|---|---|---|---|---|---|"]
    for workload in ("-Y key ID", "-V"):
        bare, lua, plugin = (counts[(workload, name)][2] for name in ("bare JSON", "Lua peer", "Kq-1 plugin"))
        lines.append("| %s | %.0f | %.0f | %.0f | %.2f | %.2f |" % (workload, bare, lua, plugin, plugin / bare,
                                                                 plugin / lua))
    lines += ["", "## Capture-long state", "",
              "Peak memory growth from half of a one-per-segment capture to all of it (each peak the"
              " median of %d runs):" % MEMORY_RUNS, "",
              "| capture | bare JSON | Kq-1 plugin | the plugin beyond bare JSON |", "|---|---|---|---|"]
    for shape, unit in (("one", "per key ID"), ("keyless", "per message, no key ID in the capture")):
        bare, plugin = growth[(shape, "bare JSON")], growth[(shape, "Kq-1 plugin")]
        lines.append("| %s | %.0f bytes | %.0f bytes | %.0f bytes |" % (unit, bare, plugin, plugin - bare))
    lines += ["", "Per key ID, the plugin keeps the key ID (16 bytes for a lower-case UUID) in a hash set,"
              " and where and from whom it was supplied; per message, which PDU it is and the exchange it"
              " belongs to (request and response frames and the request's time), and for a Key request"
              " what it asked for. Peak memory includes tshark's own start-up (the floor's)."]
    return lines


def write_report(path, kq1, other, args):
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), platform.processor())
    tshark_version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [
        "<!-- SPDX-License-Identifier: GPL-2.0-or-later -->",
        "# Benchmarks",
        "",
        "Made by `sudo python3 bench/benchmark.py %s` (one run; the numbers below are from it)."
        % made_by(args),
        "",
        "## Machine",
        "",
        "- %s, %d cores, %.0f GiB memory" % (cpu_model, os.cpu_count(),
                                              os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "- %s; %s" % (platform.platform(), tshark_version),
        "- run on %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "",
    ]
    if kq1 is not None:
        lines += kq1_report(*kq1, args)
    if other is not None:
        lines += other_report(other, args)
    if args.append:
        # A section of its own, under the file's title and licence line
        # (written by the first run).
        section = ["", "## " + args.append] + ["#" + line if line.startswith("#") else line for line in lines[2:]]
        lines = (lines[:2] if not os.path.exists(path) or os.path.getsize(path) == 0 else []) + section
    with open(path, "a" if args.append else "w") as out:
        out.write("\n".join(lines) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
