#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small Kq-1 peer (ITU-T Q.4162 Appendix I): the QKD module and the KM roles.

The QKD module is the TCP client and the KM listens on the Kq-1 port. Both
modes of clause 7 are implemented: proactive key supply (the module sends Key
supply, the KM answers each with Response to key supply) and key supply upon
request (the KM sends Key request, the module answers with Response to key
request).

Keys and key IDs come from a seeded generator, so a recording made twice
carries the same values. record.py drives these roles to make the samples;
run this file directly to talk Kq-1 by hand:

    python3 kq1peer.py km --port 4162 --mode proactive &
    python3 kq1peer.py module --port 4162 --mode proactive --keys 3
"""
import argparse
import base64
import hashlib
import json
import random
import socket
import struct
import time
import uuid

# Version, MessageID, CommandCode, Length: network byte order by default
# (docs/design.md); some implementations send them little-endian.
HEADERS = {"big": struct.Struct(">HIHH"), "little": struct.Struct("<HIHH")}
HEADER = HEADERS["big"]
VERSION = 1

KEY_SUPPLY = 0x3101
KEY_SUPPLY_RESPONSE = 0x1302
KEY_REQUEST = 0x1303
KEY_REQUEST_RESPONSE = 0x3104


def encode_json(obj):
    """Compact JSON as implementations send it."""
    return json.dumps(obj, separators=(",", ":")).encode()


def pdu(code, message_id, payload, length=None, version=VERSION, byte_order="big"):
    """One Kq-1 message. length overrides the Length field (for faulty peers)."""
    if not isinstance(payload, bytes):
        payload = encode_json(payload)
    if length is None:
        length = len(payload)
    return HEADERS[byte_order].pack(version, message_id, code, length) + payload


class Connection:
    """Kq-1 framing over one TCP socket."""

    def __init__(self, sock, byte_order="big"):
        self.sock = sock
        self.byte_order = byte_order
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(10)

    def send_bytes(self, data, cuts=()):
        """Sends data; each offset in cuts starts a new TCP segment."""
        start = 0
        for cut in list(cuts) + [len(data)]:
            self.sock.sendall(data[start:cut])
            start = cut
            if cut != len(data):
                time.sleep(0.05)  # let the segment leave before the next

    def send(self, code, message_id, payload, cuts=()):
        self.send_bytes(pdu(code, message_id, payload, byte_order=self.byte_order), cuts)

    def _read_exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def receive(self):
        """(MessageID, CommandCode, payload bytes), or None at end of stream."""
        header = self._read_exactly(HEADER.size)
        if header is None:
            return None
        _, message_id, code, length = HEADERS[self.byte_order].unpack(header)
        payload = self._read_exactly(length)
        if payload is None:
            return None
        return message_id, code, payload

    def messages(self):
        """Every message received, until the peer closes."""
        while True:
            message = self.receive()
            if message is None:
                return
            yield message

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_WR)
            while self.sock.recv(4096):
                pass
        except OSError:
            pass
        self.sock.close()


def parse_json(payload):
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class QkdModule:
    """The QKD module role: generates keys and supplies them to its KM."""

    def __init__(self, module_id="QKDM-Alice-01", matching_id="QKDM-Bob-01", seed=4162):
        self.module_id = module_id
        self.matching_id = matching_id
        self.rng = random.Random(seed)
        self.next_message_id = 1
        self.keys_made = 0

    def message_id(self):
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def new_key(self, bits=256):
        self.keys_made += 1
        data = bytes(self.rng.getrandbits(8) for _ in range(bits // 8))
        key_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return key_id, data

    def key_supply(self, bits=256, with_hash=True):
        """The payload of a Key supply (Table 1) with every parameter."""
        key_id, data = self.new_key(bits)
        payload = {
            "key": base64.b64encode(data).decode(),
            "key_ID": key_id,
            "qkd_module_ID": self.module_id,
            "matching_qkd_module_ID": self.matching_id,
            "key_length": bits,
            "generation_timestamp": "2026-11-25T12:%02d:%02dZ" % divmod(self.keys_made % 3600, 60),
        }
        if with_hash:
            payload["hash_value"] = hashlib.sha256(data).hexdigest()
        return payload

    def key_request_response(self, request):
        """Answers a Key request (Table 3) with a Response to key request (Table 4)."""
        number = request.get("number", request.get("number_of_keys", 1))
        size = request.get("size", request.get("size_of_key", 256))
        keys = []
        for index in range(number):
            key_id, data = self.new_key(size)
            key = {"key_ID": key_id, "key": base64.b64encode(data).decode()}
            if index == 0:
                key["key_extension"] = {"qkd_module_ID": self.module_id}
            keys.append(key)
        return {"keys": keys, "response": "success"}

    def supply_proactively(self, conn, count, bits=256):
        """Clause 7.1: Key supply, each answered by a Response to key supply."""
        for _ in range(count):
            conn.send(KEY_SUPPLY, self.message_id(), self.key_supply(bits))
            conn.receive()

    def serve_requests(self, conn):
        """Clause 7.2: answers each Key request until the KM closes."""
        for _, code, payload in conn.messages():
            if code == KEY_REQUEST:
                request = parse_json(payload) or {}
                conn.send(KEY_REQUEST_RESPONSE, self.message_id(),
                          self.key_request_response(request))


class KeyManager:
    """The KM role: stores supplied keys and requests keys when it needs them."""

    def __init__(self, first_message_id=1001):
        self.next_message_id = first_message_id
        self.keys = {}

    def message_id(self):
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def key_supply_response(self, payload):
        """Judges a Key supply the way a KM would and says so in Table 2's terms."""
        supply = parse_json(payload)
        if supply is None:
            return None
        key_id = supply.get("key_ID")
        if not isinstance(key_id, str):
            return None  # nothing to acknowledge
        response = {"key_ID": key_id}
        if isinstance(supply.get("qkd_module_ID"), str):
            response["qkd_module_ID"] = supply["qkd_module_ID"]
        if not isinstance(supply.get("key"), str):
            response["response"] = "failure: no key data"
        elif key_id in self.keys:
            response["response"] = "failure: key ID already supplied"
        else:
            self.keys[key_id] = supply["key"]
            response["response"] = "success"
        return response

    def serve_supplies(self, conn):
        """Clause 7.1, KM side: answers every Key supply until the module closes."""
        for _, code, payload in conn.messages():
            if code == KEY_SUPPLY:
                response = self.key_supply_response(payload)
                if response is not None:
                    conn.send(KEY_SUPPLY_RESPONSE, self.message_id(), response)

    def request_keys(self, conn, requests):
        """Clause 7.2, KM side: one Key request per payload in requests."""
        for request in requests:
            conn.send(KEY_REQUEST, self.message_id(), request)
            conn.receive()


def listen(port, host="127.0.0.1"):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1)
    listener.settimeout(10)
    return listener


def connect(port, host="127.0.0.1", byte_order="big", wrap=None):
    """The QKD module's side of a connection; wrap (e.g. a TLS context's
    wrap_socket) is applied to the socket before Kq-1 uses it."""
    deadline = time.monotonic() + 10
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=10)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return Connection(wrap(sock) if wrap else sock, byte_order)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=["km", "module"])
    parser.add_argument("--port", type=int, default=4162)
    parser.add_argument("--mode", choices=["proactive", "request"], default="proactive")
    parser.add_argument("--keys", type=int, default=3, help="keys to supply or request")
    args = parser.parse_args()

    if args.role == "km":
        listener = listen(args.port)
        conn = Connection(listener.accept()[0])
        km = KeyManager()
        if args.mode == "proactive":
            km.serve_supplies(conn)
        else:
            km.request_keys(conn, [{"number": args.keys, "size": 256}])
        conn.close()
        listener.close()
    else:
        conn = connect(args.port)
        module = QkdModule()
        if args.mode == "proactive":
            module.supply_proactively(conn, args.keys)
        else:
            module.serve_requests(conn)
        conn.close()


if __name__ == "__main__":
    main()
