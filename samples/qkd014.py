#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small ETSI GS QKD 014 key delivery server (the KME, here the QKD module
of Q.4162 Appendix II) and its client (the SAE, here the KM).

Appendix II maps the Kq-1 key request to QKD 014's Get key method and the
response to its key container; record.py drives both ends over HTTP and
HTTPS to make samples. Keys and key IDs are seeded, as in kq1peer.py.

    python3 qkd014.py serve --port 8014
"""
import argparse
import base64
import http.server
import json
import random
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

PREFIX = "/api/v1/keys/"
MAX_KEYS = 128


class KeyStore:
    """Keys generated for one slave SAE, kept until the other side asks for
    them by key ID."""

    def __init__(self, seed=14):
        self.rng = random.Random(seed)
        self.keys = {}
        self.lock = threading.Lock()

    def new_keys(self, number, size):
        keys = []
        with self.lock:
            for _ in range(number):
                key_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
                data = bytes(self.rng.getrandbits(8) for _ in range(size // 8))
                self.keys[key_id] = base64.b64encode(data).decode()
                keys.append({"key_ID": key_id, "key": self.keys[key_id]})
        return keys


class Handler(http.server.BaseHTTPRequestHandler):
    """GET or POST /api/v1/keys/{SAE_ID}/enc_keys, dec_keys; GET .../status."""

    store = KeyStore()
    faults = []     # functions queued by the client to make the next reply with a body faulty
    refusals = []   # (HTTP status, message) queued to refuse the next request

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def faulty_reply(self, body):
        """200 with body, after the next fault queued (if any) has changed it."""
        if self.faults:
            self.faults.pop(0)(body)
        return self.reply(200, body)

    def error(self, status, message):
        self.reply(status, {"message": message})

    def route(self, body):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if not url.path.startswith(PREFIX):
            return self.reply(200, {"service": "vendor API", "healthy": True})
        sae_id, _, method = url.path[len(PREFIX):].partition("/")
        if self.refusals:
            return self.error(*self.refusals.pop(0))
        if method == "status":
            return self.faulty_reply({
                "source_KME_ID": "KME-A", "target_KME_ID": "KME-B", "master_SAE_ID": "SAE-A",
                "slave_SAE_ID": sae_id, "key_size": 256, "stored_key_count": 25000,
                "max_key_count": 100000, "max_key_per_request": MAX_KEYS, "max_key_size": 1024,
                "min_key_size": 64, "max_SAE_ID_count": 0})
        if method == "enc_keys":
            number = int(body.get("number", query.get("number", [1])[0]))
            size = int(body.get("size", query.get("size", [256])[0]))
            if number > MAX_KEYS:
                return self.error(400, "number of keys exceeds max_key_per_request (%d)" % MAX_KEYS)
            container = {"keys": self.store.new_keys(number, size)}
            if "extension_mandatory" in body:
                # an object, as ETSI GS QKD 014 defines it (Q.4162 Table II.2
                # writes "Array of objects")
                container["key_container_extension"] = {"route": "direct"}
            return self.faulty_reply(container)
        if method == "dec_keys":
            wanted = [item["key_ID"] for item in body.get("key_IDs", [])] or query.get("key_ID", [])
            missing = [key_id for key_id in wanted if key_id not in self.store.keys]
            if missing:
                return self.error(400, "unknown key ID %s" % missing[0])
            return self.faulty_reply({"keys": [{"key_ID": key_id, "key": self.store.keys[key_id]}
                                                   for key_id in wanted]})
        return self.error(404, "no such method")

    def do_GET(self):
        self.route({})

    def do_POST(self):
        self.route(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))


def serve(port, host="127.0.0.1", tls=None):
    """The KME in a thread; returns the server, to shutdown()."""
    server = http.server.ThreadingHTTPServer((host, port), Handler)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Client:
    """The SAE: asks for keys and, on the other side, for the same keys by ID."""

    def __init__(self, base, tls=None):
        self.base = base
        self.tls = tls

    def call(self, path, body=None):
        """(HTTP status, JSON body) of a GET, or of a POST when body is given."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data,
                                         headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(request, context=self.tls) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=["serve"])
    parser.add_argument("--port", type=int, default=8014)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
