# SPDX-License-Identifier: GPL-2.0-or-later
"""Traffic that is neither Kq-1 nor ETSI GS QKD 014, for the benchmark's
"other traffic" workloads, and a tshark that runs without the plugin.

Installing the plugin should cost nothing on such captures: the benchmark
decodes them with and without kq1.so and compares. The traffic comes from
real sockets on loopback (the benchmark records it with dumpcap):

- plain JSON over TCP (JSON_PORT): JSON objects without any header, one to
  a segment, each request answered before the next;
- a small REST API over HTTP/1.1 keep-alive (HTTP_PORT, one of the HTTP
  dissector's own ports): GET and POST on /api/v2/items/<n>, JSON bodies
  with Content-Length, each request and each response in one segment.
"""
import glob
import http.client
import http.server
import json
import os
import random
import socket
import subprocess
import threading

from kq1peer import connect, listen
from tshark_harness import Tshark

JSON_PORT = 5555    # neither Kq-1's 4162 nor a port of the HTTP dissector
HTTP_PORT = 8080

# Where Debian's Wireshark 4.0 loads its global plugins from (tshark -G
# folders, without WIRESHARK_PLUGIN_DIR, says where this one does).
GLOBAL_PLUGINS = "/usr/lib/x86_64-linux-gnu/wireshark/plugins"

WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
         "kilo", "lima", "mike", "november", "oscar", "papa")


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


def item(rng, n):
    """A record of the kind a JSON API hands out."""
    return {"id": n, "name": "%s-%s-%d" % (rng.choice(WORDS), rng.choice(WORDS), n),
            "price": round(rng.uniform(1, 500), 2), "quantity": rng.randrange(0, 1000),
            "tags": rng.sample(WORDS, rng.randrange(1, 4)), "active": rng.random() < 0.8,
            "updated": "2026-%02d-%02dT%02d:%02d:%02dZ" % (rng.randrange(1, 13), rng.randrange(1, 29),
                                                          rng.randrange(24), rng.randrange(60), rng.randrange(60))}


def json_exchanges(n_messages, seed):
    """n_messages JSON objects as (request, answer) pairs: lookups answered
    with the record, updates answered with a status."""
    rng = random.Random(seed)
    exchanges = []
    for i in range(n_messages // 2):
        record = item(rng, 1 + rng.randrange(100_000))
        if i % 3 == 2:
            request = {"op": "update", "seq": i, "item": record}
            answer = {"seq": i, "status": "ok", "version": rng.randrange(1, 50)}
        else:
            request = {"op": "get", "seq": i, "id": record["id"]}
            answer = {"seq": i, "status": "ok", "item": record}
        exchanges.append((compact(request), compact(answer)))
    return exchanges


def _read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise SystemExit("the peer closed early")
        data += chunk
    return data


def play_json(exchanges, port=JSON_PORT):
    """The exchanges over one TCP connection: the client sends a request,
    the server reads it and answers, the client reads the answer before
    sending the next (so each object has a segment of its own)."""
    listener = listen(port)
    failure = []

    def server():
        try:
            sock = listener.accept()[0]
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(10)
            for request, answer in exchanges:
                _read_exactly(sock, len(request))
                sock.sendall(answer)
            sock.close()
        except Exception as error:  # reported in the main thread
            failure.append(error)

    thread = threading.Thread(target=server)
    thread.start()
    conn = connect(port)
    for request, answer in exchanges:
        conn.sock.sendall(request)
        _read_exactly(conn.sock, len(answer))
    conn.close()
    thread.join()
    listener.close()
    if failure:
        raise failure[0]


class _ItemsHandler(http.server.BaseHTTPRequestHandler):
    """GET /api/v2/items/<n> answers the item, POST stores one (201)."""
    protocol_version = "HTTP/1.1"   # keep-alive
    wbufsize = 65536                # headers and body leave in one write ...
    disable_nagle_algorithm = True  # ... at once
    server_version = "items/2.1"
    sys_version = ""

    def do_GET(self):
        n = int(self.path.rsplit("/", 1)[1])
        self.reply(200, item(random.Random(n), n))

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.reply(201, {"id": int(self.path.rsplit("/", 1)[1]), "name": body["name"], "created": True})

    def reply(self, status, body):
        data = compact(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def play_http(n_messages, seed, port=HTTP_PORT):
    """n_messages HTTP messages (requests and responses) over one keep-alive
    connection: two GETs to a POST. The client corks its socket around each
    request, so that the headers and the body go in one segment."""
    rng = random.Random(seed)
    server = http.server.HTTPServer(("127.0.0.1", port), _ItemsHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.connect()
        for i in range(n_messages // 2):
            n = 1 + rng.randrange(100_000)
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
            if i % 3 == 2:
                record = item(rng, n)
                del record["id"]
                conn.request("POST", "/api/v2/items/%d" % n, body=compact(record),
                             headers={"Content-Type": "application/json", "Accept": "application/json"})
            else:
                conn.request("GET", "/api/v2/items/%d" % n, headers={"Accept": "application/json"})
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
            response = conn.getresponse()
            body = response.read()
            if response.status not in (200, 201) or not body:
                raise SystemExit("the REST API answered %d" % response.status)
        conn.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def global_plugin_folders(tshark="tshark"):
    """The global plugin folders tshark would load from without
    WIRESHARK_PLUGIN_DIR: Debian's, and the one tshark -G folders names."""
    env = dict(os.environ)
    env.pop("WIRESHARK_PLUGIN_DIR", None)
    folders = {GLOBAL_PLUGINS}
    out = subprocess.run([tshark, "-G", "folders"], env=env, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Global Plugins:"):
            folders.add(os.path.dirname(line.split(":", 1)[1].strip()))
    return sorted(folders)


def check_no_global_plugin(tshark="tshark"):
    """Fails unless no kq1.so is installed in a global plugin folder (one
    there would be loaded with and without the plugin under test)."""
    found = [path for folder in global_plugin_folders(tshark)
             for path in glob.glob(os.path.join(folder, "*", "epan", "kq1*.so"))]
    if found:
        raise SystemExit("kq1 is installed globally (%s): it would be loaded without the plugin too; remove it "
                         "before measuring what the plugin costs" % ", ".join(found))


class WithoutPlugin(Tshark):
    """tshark as Tshark runs it (as nobody, a fresh HOME, WIRESHARK_PLUGIN_DIR)
    but with a plugin folder of the same <major>.<minor>/epan layout that
    holds no kq1.so."""

    def __init__(self, tshark, plugin_dir, samples):
        super().__init__(tshark, plugin_dir, samples)
        self.removed_from = os.path.relpath(self.plugin, self.plugin_dir)   # e.g. 4.0/epan/kq1.so
        os.remove(self.plugin)
        self.plugin = None

    def prove_plugin_loaded(self):
        raise AssertionError("this tshark runs without the plugin")

    def prove_plugin_absent(self):
        """Raises unless tshark lists no kq1.so among its plugins and knows
        no kq1 or qkd014 protocol."""
        plugins = self.run("-G", "plugins").stdout
        if any(line.split("\t")[0].strip().startswith("kq1") for line in plugins.splitlines()):
            raise AssertionError("tshark without the plugin loaded it:\n" + plugins)
        protocols = self.run("-G", "protocols").stdout
        names = {line.split("\t")[2] for line in protocols.splitlines() if line.count("\t") >= 2}
        if names & {"kq1", "qkd014"}:
            raise AssertionError("tshark without the plugin knows %s" % sorted(names & {"kq1", "qkd014"}))
        if not os.path.isdir(os.path.join(self.plugin_dir, os.path.dirname(self.removed_from))):
            raise AssertionError("the empty plugin folder lacks its release layout")
