#!/usr/bin/env python3
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


def run_pair(port, km_role, module_role):
    """Runs the KM (server) in a thread and the QKD module (client) here,
    over one TCP connection on loopback."""
    listener = listen(port)
    failure = []

    def km_thread():
        try:
            conn = Connection(listener.accept()[0])
            km_role(conn)
            conn.close()
        except Exception as error:  # reported below, in the main thread
            failure.append(error)

    thread = threading.Thread(target=km_thread)
    thread.start()
    conn = connect(port)
    module_role(conn)
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
        {"number_of_keys": 1, "size_of_key": 512},  # DESIGN.md's accepted aliases
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
    module = QkdModule()
    stray_supply = module.key_supply()

    def km_role(conn):
        km = KeyManager()
        conn.receive()                                  # the module's stray Key request
        message = conn.receive()                        # a real Key supply
        conn.send(KEY_SUPPLY_RESPONSE, km.message_id(), km.key_supply_response(message[2]))
        conn.send(KEY_SUPPLY, km.message_id(), stray_supply)   # KM sends a module's message

    def module_role(conn):
        conn.send(KEY_REQUEST, module.message_id(), {"number": 1})  # module sends a KM's message
        module.supply_proactively(conn, 1)
        conn.receive()

    run_pair(KQ1_PORT, km_role, module_role)


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


SCENARIOS = {
    "kq1-proactive": (proactive, KQ1_PORT),
    "kq1-upon-request": (upon_request, KQ1_PORT),
    "kq1-decode-as-9000": (decode_as_port, 9000),
    "kq1-segmented": (segmented, KQ1_PORT),
    "kq1-missing-mandatory": (missing_mandatory, KQ1_PORT),
    "kq1-wrong-type": (wrong_type, KQ1_PORT),
    "kq1-unknown-command": (unknown_command, KQ1_PORT),
    "kq1-wrong-direction": (wrong_direction, KQ1_PORT),
    "kq1-bad-json": (bad_json, KQ1_PORT),
    "kq1-length-mismatch": (length_mismatch, KQ1_PORT),
    # Captured with a 200-byte snapshot length, as users often do: every
    # Key supply is cut short in the capture, not on the wire.
    "kq1-snaplen": (proactive, KQ1_PORT, 200),
    "kq1-analysis": (analysis, KQ1_PORT),
    "kq1-vendor-names": (vendor_names, KQ1_PORT),
    "kq1-retransmission": (retransmission, KQ1_PORT),
}

# Recorded in a network namespace of their own (needs iproute2 and nftables).
ISOLATED = {"kq1-retransmission"}
NETNS = "kq1-record"


def record(name):
    scenario, port, *snaplen = SCENARIOS[name]
    output = os.path.join(SAMPLES, name + ".pcapng")
    with tempfile.TemporaryDirectory() as tmp:
        # dumpcap may drop root privileges: let it write into a folder it owns.
        os.chmod(tmp, 0o777)
        temporary = os.path.join(tmp, name + ".pcapng")
        options = ["-s", str(snaplen[0])] if snaplen else []
        dumpcap = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", "tcp port %d" % port,
                                    "-w", temporary] + options, stderr=subprocess.PIPE, text=True)
        for line in dumpcap.stderr:  # "Capturing on 'Loopback: lo'" once it is ready
            if line.startswith("Capturing on"):
                break
        else:
            raise SystemExit("dumpcap did not start capturing (root is needed)")
        time.sleep(0.5)
        try:
            scenario()
        finally:
            time.sleep(0.5)
            dumpcap.send_signal(signal.SIGINT)
            dumpcap.wait(timeout=20)
        shutil.copyfile(temporary, output)
    print("recorded", os.path.relpath(output))


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
    for name in names:
        if name in ISOLATED and os.environ.get("KQ1_IN_NETNS") != NETNS:
            record_isolated(name)
        else:
            record(name)


if __name__ == "__main__":
    main()
