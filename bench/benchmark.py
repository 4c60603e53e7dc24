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

    sudo python3 bench/benchmark.py [--messages 50000] [--build build] [--output FILE] [--keep]
"""
import argparse
import os
import platform
import random
import re
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
sys.path.insert(0, os.path.join(ROOT, "samples"))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from kq1peer import (KEY_REQUEST, KEY_REQUEST_RESPONSE, KEY_SUPPLY, KEY_SUPPLY_RESPONSE,  # noqa: E402
                     Connection, connect, encode_json, listen, pdu)
from tshark_harness import Tshark  # noqa: E402

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
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--callgrind-messages", type=int, default=5_000)
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
    paths = captures(args)

    tshark = Tshark("tshark", os.path.join(args.build, "plugins"), os.path.join(ROOT, "samples"))
    tshark.prove_plugin_loaded()
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
            for _ in range(RUNS):
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
    write_report(args.output, info, results, counts, growth, args)
    tshark.close()
    # The recording ran as root: let the user who asked own the report.
    owner = os.stat(os.path.dirname(os.path.abspath(args.output)))
    os.chown(args.output, owner.st_uid, owner.st_gid)


def paired_ratio(run, baseline, what="cpu"):
    """The median over the rounds of run's CPU (or wall time) over
    baseline's in the same round."""
    return statistics.median(a[what] / b[what] for a, b in zip(run["rounds"], baseline["rounds"])
                             if "crashed" not in a and "crashed" not in b)


def write_report(path, info, results, counts, growth, args):
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), platform.processor())
    tshark_version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    lines = [
        "<!-- SPDX-License-Identifier: GPL-2.0-or-later -->",
        "# Benchmarks",
        "",
        "Made by `sudo python3 bench/benchmark.py --messages %d` (one run; the numbers below are from it)."
        % args.messages,
        "",
        "## Machine",
        "",
        "- %s, %d cores, %.0f GiB memory" % (cpu_model, os.cpu_count(),
                                              os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "- %s; %s" % (platform.platform(), tshark_version),
        "- run on %s" % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "",
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
        "the plugin's own `-z kq1,tree`. The decoders of a workload take turns, %d rounds, so that" % RUNS,
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
