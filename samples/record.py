#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Records the sample captures: real Kq-1 traffic between kq1peer.py's QKD
module and KM over loopback sockets, captured by dumpcap.

    sudo python3 samples/record.py            # every sample
    sudo python3 samples/record.py kq1-proactive kq1-bad-json

Capturing on loopback needs root (or dumpcap's capabilities). Keys, key IDs
and MessageIDs are seeded, so a new recording carries the same values; only
times and the client's ephemeral ports change.
"""
import base64
import hashlib
import http.server
import json
import random
import ssl
import struct
import urllib.request
import warnings

import qkd014
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from kq1peer import (KEY_REQUEST, KEY_REQUEST_RESPONSE, KEY_SUPPLY, KEY_SUPPLY_RESPONSE,
                     Connection, KeyManager, QkdModule, connect, encode_json, listen, parse_json, pdu)

SAMPLES = os.path.dirname(os.path.abspath(__file__))
KQ1_PORT = 4162


def run_pair(port, km_role, module_role, byte_order="big", tls=None, host="127.0.0.1", km_connects=False,
             resume=None):
    """Runs the KM (server) in a thread and the QKD module (client) here,
    over one TCP connection on loopback; tls is a (server, client) pair of
    ssl.SSLContext for Kq-1 over TLS. With km_connects the QKD module
    listens and the KM connects (Appendix I lets either end connect).
    resume (a dict) carries a TLS session from one pair to the next: its
    "session" is resumed when set, and is this pair's once it ends."""
    listener = listen(port, host)
    server_role, client_role = (module_role, km_role) if km_connects else (km_role, module_role)
    failure = []

    def server_thread():
        try:
            sock = listener.accept()[0]
            if tls:
                sock = tls[0].wrap_socket(sock, server_side=True)
            conn = Connection(sock, byte_order)
            server_role(conn)
            conn.close()
        except Exception as error:  # reported below, in the main thread
            failure.append(error)

    thread = threading.Thread(target=server_thread)
    thread.start()
    session = resume.get("session") if resume is not None else None
    wrap = (lambda sock: tls[1].wrap_socket(sock, server_hostname=KM_HOSTNAME, session=session)) if tls else None
    conn = connect(port, host=host, byte_order=byte_order, wrap=wrap)
    client_role(conn)
    if resume is not None:
        resume["session"] = conn.sock.session
    conn.close()
    thread.join(timeout=20)
    listener.close()
    if failure:
        raise failure[0]


def scripted(replies):
    """A peer role that answers the n-th message it receives with replies[n]:
    a (code, MessageID, payload) to send, or None to stay silent. Used where a
    sample needs a faulty KM or QKD module."""
    def role(conn):
        for reply in replies:
            if conn.receive() is None:
                return
            if reply is not None:
                conn.send(*reply)
    return role


def supplier(module, supplies, km_replies):
    """A QKD module role that sends each Key supply payload in turn and waits
    for the reply where the (scripted) KM gives one."""
    def role(conn):
        for supply, reply in zip(supplies, km_replies):
            conn.send(KEY_SUPPLY, module.message_id(), supply)
            if reply is not None:
                conn.receive()
    return role


# --- clause 7.1 and 7.2, as the Recommendation means them ---------------------

def proactive(port=KQ1_PORT):
    module = QkdModule()
    run_pair(port, KeyManager().serve_supplies,
             lambda conn: module.supply_proactively(conn, 3))


def upon_request(port=KQ1_PORT):
    module = QkdModule()
    requests = [
        {"number": 2, "size": 256},
        {"number_of_keys": 1, "size_of_key": 512},  # the aliases docs/design.md accepts
        {},                                         # every parameter left to its default
    ]
    run_pair(port, lambda conn: KeyManager().request_keys(conn, requests), module.serve_requests)


def decode_as_port():
    """The same exchange as proactive, on a port Kq-1 does not claim by default."""
    module = QkdModule()
    run_pair(9000, KeyManager().serve_supplies,
             lambda conn: module.supply_proactively(conn, 2))


def segmented():
    """One message cut in three TCP segments, then three messages in one."""
    module = QkdModule()

    def module_role(conn):
        conn.send(KEY_SUPPLY, module.message_id(), module.key_supply(), cuts=(6, 40))
        conn.receive()
        together = b"".join(pdu(KEY_SUPPLY, module.message_id(), module.key_supply())
                            for _ in range(3))
        conn.send_bytes(together)
        for _ in range(3):
            conn.receive()

    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role)


# --- one capture per kind of error ----------------------------------------------

def missing_mandatory():
    module = QkdModule()
    no_key_id = module.key_supply()
    del no_key_id["key_ID"]
    no_key = module.key_supply()
    del no_key["key"]
    supplies = [no_key_id, no_key, module.key_supply(), module.key_supply()]
    km_replies = [
        None,                                               # nothing to acknowledge
        (KEY_SUPPLY_RESPONSE, 1001, {"key_ID": no_key["key_ID"], "response": "failure: no key data"}),
        (KEY_SUPPLY_RESPONSE, 1002, {"key_ID": supplies[2]["key_ID"]}),       # no Response
        (KEY_SUPPLY_RESPONSE, 1003, {"response": "success"}),                 # no Key ID
    ]

    run_pair(KQ1_PORT, scripted(km_replies), supplier(module, supplies, km_replies))

    key_id, data = module.new_key()
    key = base64.b64encode(data).decode()
    module_replies = [
        (KEY_REQUEST_RESPONSE, 11, {"response": "success"}),                            # no Keys
        (KEY_REQUEST_RESPONSE, 12, {"keys": [{"key_ID": key_id}, {"key": key}],       # Keys[0] no Key,
                                    "response": "success"}),                            # Keys[1] no Key ID
        (KEY_REQUEST_RESPONSE, 13, {"keys": [{"key_ID": key_id, "key": key}]}),       # no Response
    ]
    run_pair(KQ1_PORT,
             lambda conn: KeyManager().request_keys(conn, [{"number": 1}, {"number": 2}, {}]),
             scripted(module_replies))


def wrong_type():
    module = QkdModule()
    string_length = module.key_supply()
    string_length["key_length"] = "256"
    object_extension = module.key_supply()
    object_extension["extension"] = {"vendor": "x"}
    object_extension["hash_value"] = 7
    integer_id = module.key_supply()
    integer_id["key_ID"] = 12345
    supplies = [string_length, object_extension, integer_id]
    km_replies = [
        (KEY_SUPPLY_RESPONSE, 1001, {"key_ID": string_length["key_ID"], "response": True}),
        (KEY_SUPPLY_RESPONSE, 1002, {"key_ID": object_extension["key_ID"], "response": "success",
                                     "extension": [{"note": "ok"}, 5]}),
        None,
    ]

    run_pair(KQ1_PORT, scripted(km_replies), supplier(module, supplies, km_replies))

    key_id, data = module.new_key()
    key = base64.b64encode(data).decode()
    module_replies = [
        (KEY_REQUEST_RESPONSE, 11, {"keys": {"key_ID": key_id, "key": key}, "response": "success"}),
        (KEY_REQUEST_RESPONSE, 12, {"keys": ["abc", {"key_ID": key_id, "key": key, "key_extension": [1]}],
                                    "response": "success", "extension": "none"}),
    ]
    run_pair(KQ1_PORT,
             lambda conn: KeyManager().request_keys(conn, [{"number": "2", "size": 256.5},
                                                           {"number": 2, "extension": [1]}]),
             scripted(module_replies))


def unknown_command():
    module = QkdModule()

    def module_role(conn):
        conn.send(0x2201, module.message_id(), module.key_supply())   # no such direction
        conn.send(0x3107, module.message_id(), {"note": "vendor"})   # no such message
        module.supply_proactively(conn, 1)                            # and on it goes

    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role)


def wrong_direction():
    """The first message (a Key supply) sets the roles; then each side sends
    a message of the other's."""
    module = QkdModule()
    stray_supply = module.key_supply()

    def km_role(conn):
        km = KeyManager()
        message = conn.receive()                        # a real Key supply
        conn.send(KEY_SUPPLY_RESPONSE, km.message_id(), km.key_supply_response(message[2]))
        conn.receive()                                  # the module's stray Key request
        conn.send(KEY_SUPPLY, km.message_id(), stray_supply)   # KM sends a module's message

    def module_role(conn):
        module.supply_proactively(conn, 1)
        conn.send(KEY_REQUEST, module.message_id(), {"number": 1})  # module sends a KM's message
        conn.receive()

    run_pair(KQ1_PORT, km_role, module_role)


def message_id_repeated():
    """MessageIDs 1, 2, 3, then 2 again on a new Key supply (a repeat);
    the KM's responses repeat the MessageID of what they answer (allowed)."""
    module = QkdModule(seed=11)

    def km_role(conn):
        km = KeyManager()
        for message_id, code, payload in conn.messages():
            conn.send(KEY_SUPPLY_RESPONSE, message_id, km.key_supply_response(payload))

    def module_role(conn):
        for message_id in (1, 2, 3, 2):
            conn.send(KEY_SUPPLY, message_id, module.key_supply())
            conn.receive()

    run_pair(KQ1_PORT, km_role, module_role)


# --- conforming traffic where Q.4162 is silent: no warning may come of it -----

def conforming():
    """Traffic that follows the Recommendation where it is silent, each on
    a connection of its own:
    1. both halves of one key: Alice's module supplies it to her KM
       (127.0.0.1), Bob's module the same key ID and bits to his (127.0.0.2);
    2. the KM connects to a QKD module listening on 4162 and asks for keys
       without a Number of keys; the module answers with two, "received";
    3. Key supplies with a Hash value over the key text, a hex key whose
       SHA-256 is right and that has no Key length, a Version 2 header, and
       a KM that answers "received"."""
    alice = QkdModule(seed=7)
    bob = QkdModule(module_id="QKDM-Bob-01", matching_id="QKDM-Alice-01", seed=8)
    pair = alice.key_supply()
    other_half = dict(pair, qkd_module_ID=bob.module_id, matching_qkd_module_ID=bob.matching_id)
    for module, payload, host in ((alice, pair, "127.0.0.1"), (bob, other_half, "127.0.0.2")):
        run_pair(KQ1_PORT, KeyManager().serve_supplies,
                 lambda conn, module=module, payload=payload: (conn.send(KEY_SUPPLY, module.message_id(), payload),
                                                               conn.receive()),
                 host=host)

    server = QkdModule(seed=9)

    def module_serves(conn):
        for _, code, payload in conn.messages():
            if code == KEY_REQUEST:
                answer = server.key_request_response({"number": 2})
                answer["response"] = "received"
                conn.send(KEY_REQUEST_RESPONSE, server.message_id(), answer)

    run_pair(KQ1_PORT, lambda conn: KeyManager().request_keys(conn, [{}]), module_serves, km_connects=True)

    module = QkdModule(seed=10)
    over_text = module.key_supply()
    over_text["hash_value"] = hashlib.sha256(over_text["key"].encode()).hexdigest()
    key_id, data = module.new_key(256)
    hex_key = {"key": data.hex(), "key_ID": key_id, "qkd_module_ID": module.module_id,
               "hash_value": hashlib.sha256(data).hexdigest()}

    def received_km(conn):
        km = KeyManager()
        for _, code, payload in conn.messages():
            response = km.key_supply_response(payload)
            response["response"] = "received"
            conn.send(KEY_SUPPLY_RESPONSE, km.message_id(), response)

    def supplies(conn):
        conn.send(KEY_SUPPLY, module.message_id(), over_text)
        conn.receive()
        conn.send(KEY_SUPPLY, module.message_id(), hex_key)
        conn.receive()
        conn.send_bytes(pdu(KEY_SUPPLY, module.message_id(), module.key_supply(), version=2))
        conn.receive()

    run_pair(KQ1_PORT, received_km, supplies)


def bad_json():
    module = QkdModule()

    def module_role(conn):
        conn.send(KEY_SUPPLY, module.message_id(), b"hello, KM")
        conn.send(KEY_SUPPLY, module.message_id(), b'{"key":"abc","key_ID":}')
        conn.send(KEY_SUPPLY, module.message_id(), b"[" * 65535)
        conn.send(KEY_SUPPLY, module.message_id(), b'{"key":"abc","key_ID":"k-1"')
        module.supply_proactively(conn, 1)

    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role)


def length_mismatch():
    module = QkdModule()

    def module_role(conn):
        padded = encode_json(module.key_supply()) + b"\x00\x00GARBAGE"
        conn.send(KEY_SUPPLY, module.message_id(), padded)      # JSON ends before Length
        module.supply_proactively(conn, 1)
        cut = encode_json(module.key_supply())
        conn.send_bytes(pdu(KEY_SUPPLY, module.message_id(), cut, length=len(cut) + 1000))

    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role)


# --- what the analysis finds (request/response links, key checks, reuse) --------

def analysis():
    """Proactive supply with every kind of key problem, then key requests
    answered out of order, short, failed, not at all, and unasked."""
    module = QkdModule()
    km = KeyManager()
    good = module.key_supply()
    wrong_hash = module.key_supply()
    wrong_hash["hash_value"] = hashlib.sha256(b"some other key").hexdigest()
    wrong_length = module.key_supply()
    wrong_length["key_length"] = 512
    length_in_bytes = module.key_supply()
    length_in_bytes["key_length"] = 32
    reused = module.key_supply()
    reused["key_ID"] = good["key_ID"]           # the KM refuses it: a reuse
    hex_key = module.key_supply()
    key_bytes = base64.b64decode(hex_key["key"])
    hex_key["key"] = key_bytes.hex()
    hex_key["hash_value"] = hashlib.md5(key_bytes).hexdigest()
    unanswered = module.key_supply()

    def supplier(conn):
        for supply in [good, wrong_hash, wrong_length, length_in_bytes, reused, hex_key]:
            conn.send(KEY_SUPPLY, module.message_id(), supply)
            conn.receive()
        conn.send(KEY_SUPPLY, module.message_id(), unanswered)
        conn.receive()                          # the KM's unasked-for response

    def key_manager(conn):
        for _ in range(6):
            _, _, payload = conn.receive()
            conn.send(KEY_SUPPLY_RESPONSE, km.message_id(), km.key_supply_response(payload))
        conn.receive()                          # the last supply: left unanswered
        conn.send(KEY_SUPPLY_RESPONSE, km.message_id(), {"key_ID": "00000000-0000-4000-8000-000000000000",
                                                          "response": "success"})

    run_pair(KQ1_PORT, key_manager, supplier)

    def pipelined_km(conn):
        """Two requests before any answer, then one at a time."""
        conn.send(KEY_REQUEST, km.message_id(), {"number": 2, "size": 256})    # 1007
        conn.send(KEY_REQUEST, km.message_id(), {"number": 1, "size": 512})    # 1008
        conn.receive()
        conn.receive()
        km.request_keys(conn, [{"number": 3, "size": 256}, {"number": 1}])
        conn.receive()                          # the module's unasked-for response
        conn.send(KEY_REQUEST, km.message_id(), {"number": 1})   # never answered

    def responder(conn):
        first, second = conn.receive(), conn.receive()
        # The second request answered first: both repeat their request's MessageID.
        conn.send(KEY_REQUEST_RESPONSE, second[0], module.key_request_response({"number": 1, "size": 512}))
        conn.send(KEY_REQUEST_RESPONSE, first[0], module.key_request_response({"number": 2, "size": 256}))
        conn.receive()
        short = module.key_request_response({"number": 2, "size": 256})
        short["keys"][1]["key"] = base64.b64encode(module.new_key(128)[1]).decode()
        short["keys"][1]["key_ID"] = good["key_ID"]     # and a Key ID supplied before
        conn.send(KEY_REQUEST_RESPONSE, module.message_id(), short)
        conn.receive()
        conn.send(KEY_REQUEST_RESPONSE, module.message_id(),
                  {"keys": [], "response": "failure: no key material left"})
        conn.send(KEY_REQUEST_RESPONSE, module.message_id(), module.key_request_response({}))
        conn.receive()                          # the last request: left unanswered

    run_pair(KQ1_PORT, pipelined_km, responder)


def vendor_names():
    """An implementation that spells two members its own way, for the
    "Kq-1 JSON member names" table."""
    module = QkdModule()

    def supplier(conn):
        for _ in range(2):
            supply = module.key_supply()
            supply["keyIdentifier"] = supply.pop("key_ID")
            supply["material"] = supply.pop("key")
            conn.send(KEY_SUPPLY, module.message_id(), supply)
            conn.receive()

    def key_manager(conn):
        km = KeyManager()
        for _, _, payload in conn.messages():
            supply = parse_json(payload)
            conn.send(KEY_SUPPLY_RESPONSE, km.message_id(),
                      {"keyIdentifier": supply["keyIdentifier"], "response": "success"})

    run_pair(KQ1_PORT, key_manager, supplier)


def nft(*rule):
    subprocess.run(["nft"] + list(rule), check=True)


def retransmission():
    """A Key supply lost once and sent again by TCP. A firewall rule drops it
    on arrival (after dumpcap saw it leave) for a moment, so the capture holds
    the same message twice. Runs in a network namespace of its own."""
    module = QkdModule()

    def module_role(conn):
        module.supply_proactively(conn, 1)
        nft("add", "table", "inet", "kq1_record")
        nft("add", "chain", "inet", "kq1_record", "input", "{ type filter hook input priority 0 ; }")
        nft("add", "rule", "inet", "kq1_record", "input", "tcp", "dport", str(KQ1_PORT), "drop")
        conn.send(KEY_SUPPLY, module.message_id(), module.key_supply())
        time.sleep(0.1)
        nft("delete", "table", "inet", "kq1_record")
        conn.receive()                  # once TCP's retransmission got through
        module.supply_proactively(conn, 1)

    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role)


# --- transports: byte order, TLS, and other protocols the heuristic must leave ---

def little_endian():
    """An implementation that sends its headers little-endian."""
    module = QkdModule()
    run_pair(KQ1_PORT, KeyManager().serve_supplies, lambda conn: module.supply_proactively(conn, 2),
             byte_order="little")
    run_pair(KQ1_PORT, lambda conn: KeyManager().request_keys(conn, [{"number": 1, "size": 256}]),
             module.serve_requests, byte_order="little")


KM_HOSTNAME = "km.kq1.test"


MODULE_HOSTNAME = "qkd-module.kq1.test"


def make_certificates(folder):
    """A CA and the certificates of the KM and the QKD module, for TLS with
    mutual authentication (Appendix I, NOTE 3): the module's names its QKD
    module ID (the seeded module's) and its host; "other-module" names
    another module's ID."""
    def openssl(*args):
        subprocess.run(["openssl"] + list(args), cwd=folder, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
            "-subj", "/CN=Kq-1 sample CA")
    for name, common_name, host in (("km", KM_HOSTNAME, KM_HOSTNAME),
                                    ("module", QkdModule().module_id, MODULE_HOSTNAME),
                                    ("other-module", "QKDM-Other-99", MODULE_HOSTNAME)):
        with open(os.path.join(folder, name + ".ext"), "w") as ext:
            ext.write("subjectAltName=DNS:%s,IP:127.0.0.1\n" % host)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + common_name)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", name + ".crt", "-days", "3650", "-extfile", name + ".ext")


def tls_contexts(folder, version, keylog, module="module", client_certificate=ssl.CERT_REQUIRED):
    """(KM, QKD module) contexts, each demanding the other's certificate
    (client_certificate: what the KM, the server, asks of the module;
    module: the module's certificate, None for none); the module writes the
    session secrets to keylog."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    for context, name in ((server, "km"), (client, module)):
        if name is not None:
            context.load_cert_chain(os.path.join(folder, name + ".crt"), os.path.join(folder, name + ".key"))
        context.load_verify_locations(os.path.join(folder, "ca.crt"))
        context.verify_mode = ssl.CERT_REQUIRED
        context.minimum_version = context.maximum_version = version
        if version < ssl.TLSVersion.TLSv1_2:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")  # what OpenSSL 3 needs to speak it at all
    server.verify_mode = client_certificate
    client.keylog_filename = keylog
    return server, client


def over_tls(version, exchange):
    """Runs exchange(tls) with fresh certificates; the secrets go into the
    capture (editcap --inject-secrets) once it is recorded."""
    def scenario(secrets):
        with tempfile.TemporaryDirectory() as folder:
            make_certificates(folder)
            exchange(tls_contexts(folder, version, secrets))
    return scenario


def tls12_proactive(tls):
    module = QkdModule()
    run_pair(KQ1_PORT, KeyManager().serve_supplies, lambda conn: module.supply_proactively(conn, 2), tls=tls)


def tls13_upon_request(tls):
    module = QkdModule()
    run_pair(KQ1_PORT, lambda conn: KeyManager().request_keys(conn, [{"number": 2, "size": 256}]),
             module.serve_requests, tls=tls)


def transport_audit(secrets):
    """One connection per way a link can be protected, each supplying a key:
    plain TCP; TLS 1.3 whose server asks for no client certificate; TLS 1.2
    whose client has none to give (an empty Certificate); mutual TLS 1.3
    whose module certificate names another QKD module; mutual TLS 1.1; and
    mutual TLS 1.2, then a connection that resumes its session (whose
    handshake shows no certificate: they are in the first)."""
    module = QkdModule(seed=25)

    def supply(tls=None, resume=None):
        run_pair(KQ1_PORT, KeyManager().serve_supplies, lambda conn: module.supply_proactively(conn, 1), tls=tls,
                 resume=resume)

    with tempfile.TemporaryDirectory() as folder:
        make_certificates(folder)
        supply()
        supply(tls_contexts(folder, ssl.TLSVersion.TLSv1_3, secrets, client_certificate=ssl.CERT_NONE))
        supply(tls_contexts(folder, ssl.TLSVersion.TLSv1_2, secrets, module=None,
                            client_certificate=ssl.CERT_OPTIONAL))
        supply(tls_contexts(folder, ssl.TLSVersion.TLSv1_3, secrets, module="other-module"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            supply(tls_contexts(folder, ssl.TLSVersion.TLSv1_1, secrets))
        tls12, resume = tls_contexts(folder, ssl.TLSVersion.TLSv1_2, secrets), {}
        supply(tls12, resume)
        supply(tls12, resume)


def tls13_after_handshake(secrets):
    """Mutual TLS 1.3, captured from after its handshake (the recording is
    cut there: see CUT_HANDSHAKE)."""
    over_tls(ssl.TLSVersion.TLSv1_3, tls13_upon_request)(secrets)


OTHER_PORT = 7000


def other_http():
    """HTTP with JSON bodies (a REST API that is not QKD 014)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.reply({"status": "up", "keys": 3})

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.reply({"stored": True})

        def reply(self, body):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", OTHER_PORT), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        base = "http://127.0.0.1:%d" % OTHER_PORT
        urllib.request.urlopen(base + "/inventory").read()
        request = urllib.request.Request(base + "/inventory", data=json.dumps({"key": "x" * 40}).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request).read()
    finally:
        server.shutdown()
        thread.join()


def other_tls():
    """A TLS 1.2 and a TLS 1.3 session, secrets not included."""
    with tempfile.TemporaryDirectory() as folder:
        make_certificates(folder)
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            server, client = tls_contexts(folder, version, os.devnull)
            run_pair(OTHER_PORT, lambda conn: conn.sock.sendall(conn.sock.recv(4096) * 3),
                     lambda conn: conn.sock.sendall(b"{\"hello\": \"tls\"}" * 20), tls=(server, client))


def other_json():
    """JSON over plain TCP, one object per line and one object alone."""
    rng = random.Random(7000)
    lines = [json.dumps({"seq": i, "key": "%064x" % rng.getrandbits(256)}).encode() + b"\n" for i in range(20)]

    def client(conn):
        for line in lines:
            conn.sock.sendall(line)
        conn.sock.sendall(json.dumps({"bulk": list(range(500))}).encode())

    run_pair(OTHER_PORT, lambda conn: conn.sock.recv(65536), client)


def other_binary():
    """A binary protocol of length-prefixed random records, some of them
    starting with what a Kq-1 header would hold at offsets 6 and 7."""
    rng = random.Random(7001)

    def client(conn):
        for i in range(300):
            body = bytes(rng.getrandbits(8) for _ in range(rng.randrange(6, 300)))
            if i % 3 == 0:      # a valid CommandCode, but no JSON behind it
                body = body[:2] + b"\x31\x01" + body[4:]
            conn.sock.sendall(struct.pack(">I", len(body)) + body)

    run_pair(OTHER_PORT, lambda conn: conn.sock.recv(65536), client)


# --- Appendix II: ETSI GS QKD 014 over HTTP and HTTPS ----------------------------

def qkd014_exchange(client):
    """Every QKD 014 method the SAE (the KM) calls, a refusal, a malformed key
    container, and a vendor path on the same server that is not QKD 014."""
    client.call("/api/v1/keys/SAE-B/status")
    _, container = client.call("/api/v1/keys/SAE-B/enc_keys?number=2&size=256")
    client.call("/api/v1/keys/SAE-B/enc_keys", {"number": 1, "size": 512,
                                                 "extension_mandatory": [{"route_type": "direct"}],
                                                 "extension_optional": [{"transfer_method": "qkd"}]})
    client.call("/api/v1/keys/SAE-A/dec_keys", {"key_IDs": [{"key_ID": container["keys"][0]["key_ID"]}]})
    client.call("/api/v1/keys/SAE-A/dec_keys?key_ID=" + container["keys"][1]["key_ID"])
    client.call("/api/v1/keys/SAE-B/enc_keys?number=1000")            # refused: 400
    qkd014.Handler.faults.append(lambda reply: reply["keys"][0].pop("key"))
    client.call("/api/v1/keys/SAE-B/enc_keys?number=1&size=256")      # a key without key
    client.call("/api/v1/vendor/health")


def qkd014_http():
    qkd014.Handler.store = qkd014.KeyStore()
    server = qkd014.serve(80)
    try:
        qkd014_exchange(qkd014.Client("http://127.0.0.1:80"))
    finally:
        server.shutdown()


def qkd014_https(secrets, client_certificate=ssl.CERT_REQUIRED):
    """Over TLS 1.3 with mutual authentication (client_certificate: what the
    KME asks of the SAE); secrets go into the capture."""
    qkd014.Handler.store = qkd014.KeyStore()
    with tempfile.TemporaryDirectory() as folder:
        make_certificates(folder)
        server_tls, client_tls = tls_contexts(folder, ssl.TLSVersion.TLSv1_3, secrets,
                                              client_certificate=client_certificate)
        server = qkd014.serve(443, tls=server_tls)
        try:
            qkd014_exchange(qkd014.Client("https://127.0.0.1:443", tls=client_tls))
        finally:
            server.shutdown()


# --- the key audit: both ends of a link, key material, key age -----------------

ALICE_KM, BOB_KM = "127.0.0.1", "127.0.0.2"


def iso_now(offset=0.0):
    """A Generation time stamp in RFC 3339, offset seconds from now."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + offset))


def unix_ms_now(offset=0.0):
    """A Generation time stamp in Unix milliseconds, offset seconds from now."""
    return str(int((time.time() + offset) * 1000))


def other_half(module, supply, **changes):
    """The same key as supply, as the matching QKD module supplies it to its KM."""
    return dict(supply, qkd_module_ID=module.module_id, matching_qkd_module_ID=module.matching_id, **changes)


def supply_all(supplies, host):
    """One QKD module connection to the KM at host, each Key supply answered."""
    def module_role(conn):
        for supply in supplies:
            conn.send(KEY_SUPPLY, module_role.next_id, supply)
            module_role.next_id += 1
            conn.receive()
    module_role.next_id = 1
    run_pair(KQ1_PORT, KeyManager().serve_supplies, module_role, host=host)


def two_nodes():
    """Both ends of one link, every half the same: Alice's module supplies
    four keys to her KM (127.0.0.1) with RFC 3339 time stamps, Bob's module
    the same key IDs and bits to his (127.0.0.2) with Unix milliseconds."""
    alice = QkdModule(seed=21)
    bob = QkdModule(module_id="QKDM-Bob-01", matching_id="QKDM-Alice-01", seed=22)
    keys = [alice.key_supply() for _ in range(4)]
    for key in keys:
        key["generation_timestamp"] = iso_now(-1)
    supply_all(keys, ALICE_KM)
    supply_all([other_half(bob, key, generation_timestamp=unix_ms_now(-1)) for key in keys], BOB_KM)


def key_audit():
    """One link captured at both ends, with a fault of each kind the key
    audit finds, each key supplied by Alice's module, then by Bob's:
    1, 4: both halves the same;
    2: Bob's half has other bits (a pair mismatch);
    3: at Alice's KM only, between keys both got (missing at Bob's);
    5: key 1's bits under a new key ID (key material delivered twice);
    6: an all-zero key, the same at both ends;
    7: generated two hours ago (too old under kq1.max_key_age 3600);
    8: generated an hour after it is supplied (from the future);
    9: a time stamp that is no time."""
    alice = QkdModule(seed=23)
    bob = QkdModule(module_id="QKDM-Bob-01", matching_id="QKDM-Alice-01", seed=24)
    keys = [alice.key_supply() for _ in range(4)]
    copy = dict(alice.key_supply(), key=keys[0]["key"], hash_value=keys[0]["hash_value"])
    zeros = bytes(32)
    weak = dict(alice.key_supply(), key=base64.b64encode(zeros).decode(), hash_value=hashlib.sha256(zeros).hexdigest())
    old, future, undated = (alice.key_supply() for _ in range(3))
    for key in keys + [copy, weak, undated]:
        key["generation_timestamp"] = iso_now(-1)
    old["generation_timestamp"] = iso_now(-7200)
    future["generation_timestamp"] = iso_now(3600)
    undated["generation_timestamp"] = "yesterday"
    at_alice = keys + [copy, weak, old, future, undated]
    other_bits = bytes(bob.rng.getrandbits(8) for _ in range(32))
    at_bob = [other_half(bob, keys[0]),
              other_half(bob, keys[1], key=base64.b64encode(other_bits).decode(),
                         hash_value=hashlib.sha256(other_bits).hexdigest()),
              other_half(bob, keys[3])] + [other_half(bob, key) for key in (copy, weak, old, future, undated)]
    supply_all(at_alice, ALICE_KM)
    supply_all(at_bob, BOB_KM)


def qkd014_key_audit():
    """ETSI GS QKD 014 both ways: the master SAE gets three keys (Get key),
    the slave asks for them by key ID (Get key with key IDs): the first
    comes back the same, the second with other bits; a key ID the KME never
    gave is refused (400); a Get key with no parameters at all; a Status
    whose stored_key_count is a string; a Get status refused (401); a key
    container whose one key has no key_ID."""
    qkd014.Handler.store = qkd014.KeyStore(seed=15)
    server = qkd014.serve(80)
    client = qkd014.Client("http://127.0.0.1:80")
    try:
        client.call("/api/v1/keys/SAE-B/status")
        _, container = client.call("/api/v1/keys/SAE-B/enc_keys?number=3&size=256")
        ids = [key["key_ID"] for key in container["keys"]]
        client.call("/api/v1/keys/SAE-A/dec_keys", {"key_IDs": [{"key_ID": ids[0]}]})
        other_bits = base64.b64encode(bytes(range(32))).decode()
        qkd014.Handler.faults.append(lambda reply: reply["keys"][0].update(key=other_bits))
        client.call("/api/v1/keys/SAE-A/dec_keys?key_ID=" + ids[1])
        client.call("/api/v1/keys/SAE-A/dec_keys?key_ID=00000000-0000-4000-8000-000000000000")
        client.call("/api/v1/keys/SAE-B/enc_keys")
        qkd014.Handler.faults.append(lambda reply: reply.update(stored_key_count="many"))
        client.call("/api/v1/keys/SAE-B/status")
        qkd014.Handler.refusals.append((401, "SAE not authorized"))
        client.call("/api/v1/keys/SAE-B/status")
        qkd014.Handler.faults.append(lambda reply: reply["keys"][0].pop("key_ID"))
        client.call("/api/v1/keys/SAE-B/enc_keys?number=1")
    finally:
        server.shutdown()


# --- hostile input: what a broken or malicious peer can send --------------------

def hostile(*connections):
    """Each argument is the bytes one QKD module connection sends, as a list
    of TCP sends; the KM reads everything. A clean exchange follows on a
    connection of its own, to show the rest of the capture still decodes."""
    def silent_km(conn):
        while conn.sock.recv(65536):
            pass

    def sender(chunks):
        def role(conn):
            for chunk in chunks:
                conn.send_bytes(chunk)
                time.sleep(0.01)
        return role

    def scenario():
        for chunks in connections:
            run_pair(KQ1_PORT, silent_km, sender(chunks))
        module = QkdModule(seed=99)
        run_pair(KQ1_PORT, KeyManager().serve_supplies, lambda conn: module.supply_proactively(conn, 1))
    return scenario


def supply_json(**changes):
    """A Key supply payload of the seeded module's with members changed
    (None removes one)."""
    payload = QkdModule().key_supply()
    for name, value in changes.items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    return encode_json(payload)


def hostile_long_key():
    key = base64.b64encode(bytes(random.Random(60000).getrandbits(8) for _ in range(45000))).decode()
    return [[pdu(KEY_SUPPLY, 1, supply_json(key=key, key_length=45000 * 8, hash_value=None))]]


def hostile_strings():
    valid = supply_json().decode()
    return [[pdu(KEY_SUPPLY, 1, valid.replace('"key_ID":"', '"key_ID":"\xff\xfe', 1).encode("latin-1")),
             pdu(KEY_SUPPLY, 2, valid.replace('"key_ID":"', '"key_ID":"\x00', 1).encode()),
             pdu(KEY_SUPPLY, 3, valid.replace('"key_ID":"', '"key_ID":"\\u0000', 1).encode()),
             pdu(KEY_SUPPLY, 4, valid.replace('"qkd_module_ID":"', '"qkd_module_ID":"\\ud800', 1).encode())]]


def hostile_duplicates():
    valid = supply_json().decode()
    return [[pdu(KEY_SUPPLY, 1, valid.replace('{"key"', '{"key_ID":"first","key"', 1).encode()),
             pdu(KEY_SUPPLY, 2, valid.replace('{"key"', '{"Key-Id":"other","key"', 1).encode())]]


def hostile_numbers():
    return [[pdu(KEY_SUPPLY, 1, supply_json(key_length=-256)),
             pdu(KEY_REQUEST_RESPONSE, 2, b'{"keys":[],"response":"ok"}'),   # nothing asked: no request
             pdu(KEY_SUPPLY, 3, supply_json().replace(b'"key_length":256', b'"key_length":99999999999999999999')),
             pdu(KEY_SUPPLY, 4, supply_json(key_length=2147483648)),
             pdu(KEY_SUPPLY, 5, supply_json().replace(b'"key_length":256', b'"key_length":2.56e2'))]]


def hostile_extensions():
    return [[pdu(KEY_SUPPLY, 1, supply_json(extension="none")),
             pdu(KEY_SUPPLY, 2, supply_json(extension=[1, "two", [3]])),
             pdu(KEY_SUPPLY, 3, supply_json(extension={"a": 1}))]]


def hostile_versions():
    return [[pdu(KEY_SUPPLY, 1, supply_json(), version=0),
             pdu(KEY_SUPPLY, 2, supply_json(), version=2),
             pdu(KEY_SUPPLY, 3, supply_json(), version=0xffff)]]


def hostile_deep_json():
    """JSON that nests 18 levels inside Extension: valid, and within what the
    plugin parses (64 levels), but deeper than a low gui.max_tree_depth lets
    the JSON dissector show, which throws once the payload is checked."""
    deep = {"level": 0}
    for level in range(1, 8):
        deep = {"level": level, "inner": [deep]}
    return [[pdu(KEY_SUPPLY, 1, supply_json(extension=[deep]))]]


def hostile_ten_thousand_keys():
    return [[pdu(KEY_REQUEST_RESPONSE, 1, b'{"keys":[' + b",".join([b"{}"] * 10000) + b'],"response":"ok"}')]]


HOSTILE = {
    "hostile-length-65535": hostile([pdu(KEY_SUPPLY, 1, supply_json()[:100], length=65535)]),
    "hostile-length-0": hostile([pdu(KEY_SUPPLY, 1, b""), pdu(KEY_REQUEST, 2, b""), pdu(KEY_SUPPLY, 3, supply_json())]),
    "hostile-short-header": hostile([pdu(KEY_SUPPLY, 1, supply_json())[:6]]),
    "hostile-ten-thousand-keys": hostile(*hostile_ten_thousand_keys()),
    "hostile-long-key": hostile(*hostile_long_key()),
    "hostile-strings": hostile(*hostile_strings()),
    "hostile-duplicates": hostile(*hostile_duplicates()),
    "hostile-numbers": hostile(*hostile_numbers()),
    "hostile-extensions": hostile(*hostile_extensions()),
    "hostile-versions": hostile(*hostile_versions()),
    "hostile-deep-json": hostile(*hostile_deep_json()),
    # Responses to key request whose keys carry no Key ID: one key, then two.
    "hostile-keys-without-ids": hostile([pdu(KEY_REQUEST_RESPONSE, 1, encode_json(
        {"keys": [{"key": base64.b64encode(bytes(range(32))).decode()}], "response": "success"})),
        pdu(KEY_REQUEST_RESPONSE, 2, encode_json(
            {"keys": [{"key": base64.b64encode(bytes(range(i, i + 32))).decode()} for i in (1, 2)],
             "response": "success"}))]),
    "hostile-zeros": hostile([bytes(4096)]),
    "hostile-ones": hostile([b"\xff" * 4096]),
    "hostile-random": hostile([bytes(random.Random(4162).getrandbits(8) for _ in range(20000))]),
}


SCENARIOS = {
    "kq1-proactive": (proactive, KQ1_PORT),
    "kq1-upon-request": (upon_request, KQ1_PORT),
    "kq1-decode-as-9000": (decode_as_port, 9000),
    "kq1-segmented": (segmented, KQ1_PORT),
    "kq1-missing-mandatory": (missing_mandatory, KQ1_PORT),
    "kq1-wrong-type": (wrong_type, KQ1_PORT),
    "kq1-unknown-command": (unknown_command, KQ1_PORT),
    "kq1-wrong-direction": (wrong_direction, KQ1_PORT),
    "kq1-conforming": (conforming, KQ1_PORT),
    "kq1-message-id-repeated": (message_id_repeated, KQ1_PORT),
    "kq1-bad-json": (bad_json, KQ1_PORT),
    "kq1-length-mismatch": (length_mismatch, KQ1_PORT),
    # Captured with a 200-byte snapshot length, as users often do: every
    # Key supply is cut short in the capture, not on the wire.
    "kq1-snaplen": (proactive, KQ1_PORT, 200),
    "kq1-analysis": (analysis, KQ1_PORT),
    "kq1-vendor-names": (vendor_names, KQ1_PORT),
    "kq1-retransmission": (retransmission, KQ1_PORT),
    "kq1-little-endian": (little_endian, KQ1_PORT),
    "kq1-tls12": (over_tls(ssl.TLSVersion.TLSv1_2, tls12_proactive), KQ1_PORT),
    "kq1-tls13": (over_tls(ssl.TLSVersion.TLSv1_3, tls13_upon_request), KQ1_PORT),
    "other-http": (other_http, OTHER_PORT),
    "other-tls": (other_tls, OTHER_PORT),
    "other-json": (other_json, OTHER_PORT),
    "other-binary": (other_binary, OTHER_PORT),
    "qkd014-http": (qkd014_http, 80),
    "qkd014-https": (qkd014_https, 443),
    "qkd014-https-no-client-cert": (lambda secrets: qkd014_https(secrets, ssl.CERT_NONE), 443),
    "kq1-transport-audit": (transport_audit, KQ1_PORT),
    "kq1-tls13-after-handshake": (tls13_after_handshake, KQ1_PORT),
    "kq1-two-nodes": (two_nodes, KQ1_PORT),
    "kq1-key-audit": (key_audit, KQ1_PORT),
    "qkd014-key-audit": (qkd014_key_audit, 80),
}
SCENARIOS.update({name: (scenario, KQ1_PORT) for name, scenario in HOSTILE.items()})

# Scenarios also recorded as one capture per node, as a user records them
# at each KM: name -> {capture: what of the traffic it holds}.
PER_NODE = {"kq1-two-nodes": {"kq1-two-nodes-alice": "not host " + BOB_KM,
                              "kq1-two-nodes-bob": "host " + BOB_KM}}

# Scenarios that write TLS secrets, to be put into their capture.
WITH_SECRETS = {"kq1-tls12", "kq1-tls13", "qkd014-https", "qkd014-https-no-client-cert", "kq1-transport-audit",
                "kq1-tls13-after-handshake"}
# Scenarios whose capture starts after their TLS handshake: the frames up to
# the client's Finished (as Wireshark's TLS dissector finds it) are cut.
CUT_HANDSHAKE = {"kq1-tls13-after-handshake"}

# Recorded in a network namespace of their own (needs iproute2 and nftables).
ISOLATED = {"kq1-retransmission"}
NETNS = "kq1-record"


def start_dumpcap(capture_filter, path, options):
    """dumpcap on lo, once it is capturing."""
    dumpcap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", capture_filter, "-w", path] + options,
                               stderr=subprocess.PIPE, text=True)
    for line in dumpcap.stderr:  # "Capturing on 'Loopback: lo'" once it is ready
        if line.startswith("Capturing on"):
            return dumpcap
    raise SystemExit("dumpcap did not start capturing (root is needed)")


def record(name):
    scenario, port, *snaplen = SCENARIOS[name]
    # The sample, and for a scenario of several nodes the capture at each.
    captures = dict({name: "tcp port %d" % port},
                    **{node: "tcp port %d and %s" % (port, only) for node, only in PER_NODE.get(name, {}).items()})
    with tempfile.TemporaryDirectory() as tmp:
        # dumpcap may drop root privileges: let it write into a folder it owns.
        os.chmod(tmp, 0o777)
        options = ["-s", str(snaplen[0])] if snaplen else []
        dumpcaps = {capture: start_dumpcap(capture_filter, os.path.join(tmp, capture + ".pcapng"), options)
                    for capture, capture_filter in captures.items()}
        time.sleep(0.5)
        secrets = os.path.join(tmp, "secrets.keylog")
        try:
            scenario(secrets) if name in WITH_SECRETS else scenario()
        finally:
            time.sleep(0.5)
            for dumpcap in dumpcaps.values():
                dumpcap.send_signal(signal.SIGINT)
            for dumpcap in dumpcaps.values():
                dumpcap.wait(timeout=20)
        for capture in captures:
            temporary = os.path.join(tmp, capture + ".pcapng")
            output = os.path.join(SAMPLES, capture + ".pcapng")
            if name in CUT_HANDSHAKE:
                temporary = cut_handshake(temporary, secrets, port)
            if name in WITH_SECRETS:
                # Wireshark decrypts the capture alone, with no key log file to configure.
                subprocess.run(["editcap", "--inject-secrets", "tls," + secrets, temporary, output], check=True)
            else:
                shutil.copyfile(temporary, output)
            print("recorded", os.path.relpath(output))


def cut_handshake(capture, secrets, port):
    """capture without its frames up to the last handshake Finished, as
    Wireshark's TLS dissector finds them."""
    finished = subprocess.run(["tshark", "-r", capture, "-o", "tls.keylog_file:" + secrets,
                               "-d", "tcp.port==%d,tls" % port, "-Y", "tls.handshake.type == 20",
                               "-T", "fields", "-e", "frame.number"],
                              check=True, capture_output=True, text=True).stdout.split()
    cut = capture + ".cut.pcapng"
    subprocess.run(["editcap", capture, cut, "1-%s" % finished[-1]], check=True)
    return cut


def record_isolated(name):
    """Records name by running this script again inside a new network
    namespace, whose loopback only the sample's traffic crosses."""
    subprocess.run(["ip", "netns", "add", NETNS], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", NETNS, "ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "netns", "exec", NETNS, "env", "KQ1_IN_NETNS=" + NETNS,
                        sys.executable, os.path.abspath(__file__), name], check=True)
    finally:
        subprocess.run(["ip", "netns", "delete", NETNS], check=True)


def main():
    names = sys.argv[1:] or list(SCENARIOS)
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise SystemExit("no such sample: %s (known: %s)" % (", ".join(unknown), ", ".join(SCENARIOS)))
    # What recording needs, said before anything starts.
    if os.geteuid() != 0:
        raise SystemExit("record.py captures on the loopback interface with dumpcap, which needs root: "
                         "run it as root (with sudo: sudo python3 samples/record.py %s)" % " ".join(sys.argv[1:]))
    needed = {"dumpcap": "tshark (scripts/install-deps.sh build)", "openssl": "openssl"}
    if any(name in ISOLATED for name in names):
        needed.update({"nft": "nftables", "ip": "iproute2"})
    missing = sorted({package for tool, package in needed.items() if shutil.which(tool) is None})
    if missing:
        raise SystemExit("record.py needs %s: scripts/install-deps.sh record installs them"
                         % ", ".join(missing))
    for name in names:
        if name in ISOLATED and os.environ.get("KQ1_IN_NETNS") != NETNS:
            record_isolated(name)
        else:
            record(name)


if __name__ == "__main__":
    main()
