#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark over every sample: header values, Kq-1 fields, expert infos and
columns, frame by frame, with the plugin from the build tree.

The values are those kq1peer.py sent (its generator is seeded); the frame
lists name only frames that carry Kq-1, in capture order, so that a new
recording with other ACK timing still passes.

    test_tshark.py --plugin-dir BUILD/plugins --samples SAMPLES --tshark tshark [TestCase ...]
"""
import argparse
import calendar
import glob
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

from tshark_harness import Tshark, staged_plugin

TSHARK = None   # set in main()
WS_RELEASE = None   # "4.0", "4.4", ...: the Wireshark the plugin was built for; set in main()
JSON_GLIB = None    # json-glib's version, (major, minor); set in main()

# Key IDs, keys and hashes the seeded QKD module generates, in order.
KID = [
    "c8e95fba-2aac-418b-8c0f-faf3c5debdb4",
    "5073800b-fa14-4193-b8bc-33307d66c441",
    "96c36567-a551-46fa-a8d0-2a2779d65284",
    "90225b76-9468-48e3-aae5-ed41840a3eb2",
]
KEY = [
    "C/bczpuMqyqGxVhofvEBvByvDeDjK2uT3xu209gO9ME=",
    "2xkJOhdWGNAMJrueTeas1y2n3syy1MHlM9ai/NNwvLY=",
    "yzywFkwtIXZ/ggmZKNK8auoEl/APWj1BGUIFsSEbItk=",
]
HASH = [
    "625d5ad6e02e8b6db02cc279d7fcf6d2a08fbee929a8b93065f98a48368b92af",
    "2397839fb6eed7975a70394502d19920a53baa26fd131a0321a9c99c68b505f0",
    "24ea36d09dcac69d242cb2c993f06000051ce49d7d945309493c765a248afacf",
]

QKD_TO_KM = {"kq1.direction": ["0x0031"]}
KM_TO_QKD = {"kq1.direction": ["0x0013"]}


def header(message_id, code, length):
    """The header fields of one PDU, as PDML shows them."""
    return {
        "kq1.version": ["1"],
        "kq1.message_id": [str(message_id)],
        "kq1.command_code": ["0x%04x" % code],
        "kq1.direction": ["0x%04x" % (code >> 8)],
        "kq1.message_type": ["0x%04x" % (code & 0xff)],
        "kq1.length": [str(length)],
    }


def key_supply(message_id, n, length=316, **extra):
    """A Key supply as kq1peer's QKD module sends it, with its n-th key."""
    fields = header(message_id, 0x3101, length)
    fields.update({
        "kq1.key": [KEY[n]],
        "kq1.key_id": [KID[n]],
        "kq1.qkd_module_id": ["QKDM-Alice-01"],
        "kq1.matching_qkd_module_id": ["QKDM-Bob-01"],
        "kq1.key_length": ["256"],
        "kq1.generation_timestamp": ["2026-11-25T12:00:%02dZ" % (n + 1)],
        "kq1.hash_value": [HASH[n]],
    })
    fields.update(extra)
    return fields


def key_supply_response(message_id, key_id, response="success", length=102, **extra):
    fields = header(message_id, 0x1302, length)
    fields.update({"kq1.key_id": [key_id], "kq1.response": [response]})
    if length == 102:
        fields["kq1.qkd_module_id"] = ["QKDM-Alice-01"]
    fields.update(extra)
    return fields


# How PDML shows an FT_BOOLEAN field: "1"/"0" in Wireshark 4.0, "True"/"False"
# in 4.4 and 4.6 (4.2 is not tested). Expectations write {true} and {false}.
SHOWN_BOOL = {"4.0": ("1", "0")}
SHOWN_BOOL_DEFAULT = ("True", "False")


def shown_bool(value):
    shown_true, shown_false = SHOWN_BOOL.get(WS_RELEASE, SHOWN_BOOL_DEFAULT)
    return shown_true if value else shown_false


def with_frames(text, numbers):
    """text with each {f[i]} replaced by the i-th frame with Kq-1, and {true}
    and {false} by how this Wireshark shows a boolean."""
    text = text.replace("{true}", shown_bool(True)).replace("{false}", shown_bool(False))
    return re.sub(r"\{f\[(\d+)\]\}", lambda m: str(numbers[int(m.group(1))]), text)


def expect(fields, *experts):
    """One expected PDU: its fields and, in order, its expert infos."""
    return (fields, list(experts))


class Kq1TestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tshark = Tshark(*TSHARK)
        cls.tshark.prove_plugin_loaded()

    @classmethod
    def tearDownClass(cls):
        cls.tshark.close()

    def assertFrames(self, sample, expected, *options):
        """The frames with Kq-1, in order, each a list of expected PDUs.
        Field values and expert texts may name frames as {f[i]}: the i-th
        frame with Kq-1."""
        every_frame = self.tshark.frames(sample, *options)
        for frame in every_frame:
            self.assertFalse(frame.exception, "frame %d threw an exception" % frame.number)
        frames = [frame for frame in every_frame if frame.pdus]
        numbers = [frame.number for frame in frames]
        self.assertEqual(len(frames), len(expected),
                         "Kq-1 frames %s" % [frame.number for frame in frames])
        for frame, pdus in zip(frames, expected):
            self.assertEqual(len(frame.pdus), len(pdus), "PDUs in frame %d" % frame.number)
            for index, (pdu, (fields, experts)) in enumerate(zip(frame.pdus, pdus)):
                where = "frame %d, PDU %d" % (frame.number, index + 1)
                for name, values in fields.items():
                    values = [with_frames(value, numbers) for value in values]
                    self.assertEqual(pdu.all(name), values, "%s: %s" % (where, name))
                experts = [(name, with_frames(text, numbers)) for name, text in experts]
                self.assertEqual(pdu.experts, experts, where)
                self.check_against_json_dissector(pdu, where)
        return frames

    def check_against_json_dissector(self, pdu, where):
        """Each Kq-1 string field at the top of the payload agrees with what
        Wireshark's own JSON dissector read from the same bytes."""
        for member, field in (("key_ID", "kq1.key_id"), ("response", "kq1.response"),
                              ("qkd_module_ID", "kq1.qkd_module_id")):
            shown = [value.split(":", 1)[1] for value in pdu.json_members
                     if value.startswith(member + ":")]
            if shown and len(pdu.all(field)) == 1 and "kq1.keys" not in pdu.fields:
                self.assertEqual(pdu.all(field), shown[:1], "%s: %s vs json" % (where, field))


class PluginLoaded(Kq1TestCase):
    def test_listed_as_dissector_plugin(self):
        # setUpClass proved it; prove also that the protocol and its fields exist.
        fields = self.tshark.run("-G", "fields").stdout
        for abbrev in ("kq1.version", "kq1.message_id", "kq1.command_code", "kq1.direction",
                       "kq1.message_type", "kq1.length", "kq1.key", "kq1.key_id", "kq1.keys",
                       "kq1.missing_mandatory", "kq1.wrong_type", "kq1.unknown_command",
                       "kq1.wrong_direction", "kq1.bad_json", "kq1.length_mismatch"):
            self.assertIn("\t%s\t" % abbrev, fields)

    def test_preferences(self):
        # kq1.tcp.port is a Decode As preference, which -G does not list: the
        # DecodeAs tests set it with -o instead.
        prefs = self.tshark.run("-G", "currentprefs").stdout.splitlines()
        self.assertEqual([line for line in prefs if line.startswith("#kq1.")],
                         ["#kq1.desegment: TRUE", "#kq1.byte_order: Big-endian (network byte order)",
                          "#kq1.success_words: success,ok,200,accepted",
                          "#kq1.failure_words: fail,failed,failure,error,refused,rejected,denied",
                          "#kq1.key_encoding: Base64 or hex", "#kq1.key_length_unit: Bits", "#kq1.hash_input: The decoded key or the key text",
                          "#kq1.hash_algorithm: Named by the digest's length", "#kq1.default_number_of_keys: 0",
                          "#kq1.versions: ", "#kq1.hide_keys: FALSE",
                          "#kq1.timestamp_format: Automatic (a decimal number is Unix time, else ISO 8601)",
                          "#kq1.max_key_age: 0", "#kq1.clock_skew: 5", "#kq1.require_tls: FALSE",
                          "#kq1.check_peer_id: TRUE"])


class Proactive(Kq1TestCase):
    """Clause 7.1: three Key supply messages, each answered."""

    def test_frames(self):
        self.assertFrames("kq1-proactive.pcapng", [
            [expect(key_supply(1, 0))],
            [expect(key_supply_response(1001, KID[0]))],
            [expect(key_supply(2, 1))],
            [expect(key_supply_response(1002, KID[1]))],
            [expect(key_supply(3, 2))],
            [expect(key_supply_response(1003, KID[2]))],
        ])

    def test_columns(self):
        rows = list(self.tshark.columns("kq1-proactive.pcapng").values())
        self.assertEqual(rows[0], ("Kq-1", "Key supply, QKD module -> KM, MessageID 1, Key ID " + KID[0]))
        self.assertEqual(rows[1], ("Kq-1", "Response to key supply, KM -> QKD module, MessageID 1001, "
                                           "Key ID " + KID[0]))
        self.assertEqual(len(rows), 6)

    def test_json_fields_and_filters(self):
        # The payload also went through Wireshark's JSON dissector.
        out = self.tshark.run("-r", self.tshark.sample("kq1-proactive.pcapng"), "-Y",
                              'json.key == "key_ID" && kq1.command_code == 0x3101',
                              "-T", "fields", "-e", "kq1.message_id").stdout.split()
        self.assertEqual(out, ["1", "2", "3"])
        out = self.tshark.run("-r", self.tshark.sample("kq1-proactive.pcapng"), "-Y",
                              'kq1.qkd_module_id == "QKDM-Alice-01" && kq1.direction == 0x31',
                              "-T", "fields", "-e", "kq1.key_id").stdout.split()
        self.assertEqual(out, KID[:3])


class UponRequest(Kq1TestCase):
    """Clause 7.2: three Key requests, each answered with keys."""

    def test_frames(self):
        extension = ['{"qkd_module_ID":"QKDM-Alice-01"}']
        self.assertFrames("kq1-upon-request.pcapng", [
            [expect(dict(header(1001, 0x1303, 23), **{"kq1.number_of_keys": ["2"], "kq1.size_of_key": ["256"]}))],
            [expect(dict(header(1, 0x3104, 287), **{
                "kq1.response": ["success"], "kq1.keys": ["2"], "kq1.key_file": ["0", "1"],
                "kq1.key_id": KID[:2], "kq1.key": KEY[:2], "kq1.key_extension": extension}))],
            # number_of_keys / size_of_key: the aliases docs/design.md accepts
            [expect(dict(header(1002, 0x1303, 38), **{"kq1.number_of_keys": ["1"], "kq1.size_of_key": ["512"]}))],
            # a 512-bit key draws other numbers from the generator than KID[2]
            [expect(dict(header(2, 0x3104, 228), **{
                "kq1.response": ["success"], "kq1.keys": ["1"],
                "kq1.key_id": ["6fe69e98-09fd-4088-9557-63268c29db23"], "kq1.key_extension": extension}))],
            [expect(dict(header(1003, 0x1303, 2), **{"kq1.number_of_keys": [], "kq1.size_of_key": []}))],
            [expect(dict(header(3, 0x3104, 184), **{
                "kq1.response": ["success"], "kq1.keys": ["1"],
                "kq1.key_id": ["20452a91-c6fe-4dc5-8161-6c269b120d16"]}))],
        ])

    def test_fields_cover_their_own_bytes(self):
        pdu = self.tshark.kq1_frames("kq1-upon-request.pcapng")[1].pdus[0]
        self.assertEqual(pdu.covered("kq1.response"), [b'"response":"success"'])
        self.assertEqual(pdu.covered("kq1.key_id"), [('"key_ID":"%s"' % kid).encode() for kid in KID[:2]])
        self.assertEqual(pdu.covered("kq1.key"), [('"key":"%s"' % key).encode() for key in KEY[:2]])
        self.assertTrue(pdu.covered("kq1.keys")[0].startswith(b'"keys":[{"key_ID"'))
        self.assertTrue(pdu.covered("kq1.key_file")[1].startswith(b'{"key_ID":"%s"' % KID[1].encode()))
        self.assertTrue(pdu.covered("kq1.key_file")[1].endswith(b'"}'))

    def test_info_lists_key_ids(self):
        rows = list(self.tshark.columns("kq1-upon-request.pcapng").values())
        self.assertEqual(rows[0][1], "Key request, KM -> QKD module, MessageID 1001")
        self.assertEqual(rows[1][1], "Response to key request, QKD module -> KM, MessageID 1, "
                                     "Key IDs %s,%s" % (KID[0], KID[1]))


class Segmented(Kq1TestCase):
    """A PDU cut in three segments, then three PDUs in one segment."""

    def test_frames(self):
        frames = self.assertFrames("kq1-segmented.pcapng", [
            [expect(key_supply(1, 0))],
            [expect(key_supply_response(1001, KID[0]))],
            [expect(header(2, 0x3101, 316)), expect(header(3, 0x3101, 316)), expect(header(4, 0x3101, 316))],
            [expect(key_supply_response(1002, KID[1]))],
            [expect(key_supply_response(1003, KID[2]))],
            [expect(key_supply_response(1004, KID[3]))],
        ])
        self.assertEqual(frames[0].pdus[0].fields.get("kq1.key_id"), [KID[0]])
        self.assertEqual([pdu.get("kq1.key_id") for pdu in frames[2].pdus], KID[1:4])

    def test_reassembled_from_three_segments(self):
        out = self.tshark.run("-r", self.tshark.sample("kq1-segmented.pcapng"), "-Y", "kq1.message_id == 1",
                              "-T", "fields", "-e", "tcp.segment.count", "-e", "tcp.reassembled.length").stdout
        self.assertEqual(out.split(), ["3", "326"])

    def test_info_of_three_pdus_in_one_frame(self):
        infos = [info for _, info in self.tshark.columns("kq1-segmented.pcapng").values()]
        self.assertEqual(infos[2], "; ".join("Key supply, QKD module -> KM, MessageID %d, Key ID %s"
                                             % (n + 2, KID[n + 1]) for n in range(3)))

    def test_without_reassembly(self):
        # With the preference off, the first segment holds 6 bytes of a
        # header, and the next two segments read as (bogus) headers of their own.
        frames = self.tshark.kq1_frames("kq1-segmented.pcapng", "-o", "kq1.desegment:FALSE")
        self.assertEqual(frames[0].pdus[0].experts, [
            ("kq1.short_header", "Header cut short: 6 of its 10 bytes are in the captured data")])
        self.assertEqual(frames[1].pdus[0].expert_names(),
                         ["kq1.unknown_command", "kq1.length_mismatch"])
        self.assertEqual(frames[3].pdus[0].get("kq1.message_id"), "1001")
        self.assertEqual(len(frames[4].pdus), 3)
        for frame in self.tshark.frames("kq1-segmented.pcapng", "-o", "kq1.desegment:FALSE"):
            self.assertFalse(frame.exception, "frame %d" % frame.number)


class DecodeAs(Kq1TestCase):
    """Kq-1 on port 9000: found by the heuristic, by Decode As, or by the port preference."""

    expected = [
        [expect(key_supply(1, 0))],
        [expect(key_supply_response(1001, KID[0]))],
        [expect(key_supply(2, 1))],
        [expect(key_supply_response(1002, KID[1]))],
    ]

    def test_not_decoded_without_the_heuristic(self):
        self.assertEqual(self.tshark.kq1_frames("kq1-decode-as-9000.pcapng", "--disable-heuristic", "kq1_tcp"), [])

    def test_heuristic(self):
        # The direction check works out which end is the KM from the first message.
        self.assertFrames("kq1-decode-as-9000.pcapng", self.expected)

    def test_decode_as(self):
        no_heuristic = ("--disable-heuristic", "kq1_tcp")
        self.assertFrames("kq1-decode-as-9000.pcapng", self.expected, "-d", "tcp.port==9000,kq1", *no_heuristic)
        self.assertFrames("kq1-decode-as-9000.pcapng", self.expected, "-o", "kq1.tcp.port:9000", *no_heuristic)


MISSING = "kq1.missing_mandatory"
WRONG = "kq1.wrong_type"


class MissingMandatory(Kq1TestCase):
    def test_frames(self):
        self.assertFrames("kq1-missing-mandatory.pcapng", [
            [expect(dict(header(1, 0x3101, 268), **{"kq1.key_id": [], "kq1.key": [KEY[0]]}),
                    (MISSING, "Key ID (key_ID) missing: mandatory in Key supply (Table 1)"))],
            [expect(dict(header(2, 0x3101, 263), **{"kq1.key_id": [KID[1]], "kq1.key": []}),
                    (MISSING, "Key (key) missing: mandatory in Key supply (Table 1)"))],
            [expect(key_supply_response(1001, KID[1], "failure: no key data", length=83),
                    ("kq1.failure_response", 'Response to key supply failed: "failure: no key data"'
                                             ' (one of the failure words, see preference kq1.failure_words)'))],
            [expect(key_supply(3, 2))],
            [expect(dict(header(1002, 0x1302, 49), **{"kq1.key_id": [KID[2]], "kq1.response": []}),
                    (MISSING, "Response (response) missing: mandatory in Response to key supply (Table 2)"))],
            [expect(header(4, 0x3101, 316))],
            [expect(dict(header(1003, 0x1302, 22), **{"kq1.key_id": [], "kq1.response": ["success"]}),
                    (MISSING, "Key ID (key_ID) missing: mandatory in Response to key supply (Table 2)"))],
            [expect(dict(header(1001, 0x1303, 12), **{"kq1.number_of_keys": ["1"]}))],
            [expect(dict(header(11, 0x3104, 22), **{"kq1.keys": [], "kq1.response": ["success"]}),
                    (MISSING, "Keys (keys) missing: mandatory in Response to key request (Table 4)"))],
            [expect(dict(header(1002, 0x1303, 12), **{"kq1.number_of_keys": ["2"]}))],
            [expect(dict(header(12, 0x3104, 136), **{"kq1.keys": ["2"], "kq1.key_file": ["0", "1"]}),
                    (MISSING, "Key (key) missing in Keys[0]: mandatory in each key of "
                              "Response to key request (Table 4)"),
                    (MISSING, "Key ID (key_ID) missing in Keys[1]: mandatory in each key of "
                              "Response to key request (Table 4)"))],
            [expect(header(1003, 0x1303, 2))],
            # this faulty QKD module also hands out the Key ID of frame 25 again
            [expect(dict(header(13, 0x3104, 113), **{"kq1.keys": ["1"], "kq1.response": []}),
                    ("kq1.key_id_reused", "Key ID 9370fe12-a406-4f13-beba-79e0e3677f11 was already "
                                          "supplied in frame {f[10]}"),
                    (MISSING, "Response (response) missing: mandatory in Response to key request (Table 4)"))],
        ])

    def test_filter_every_message_missing_a_parameter(self):
        out = self.tshark.run("-r", self.tshark.sample("kq1-missing-mandatory.pcapng"), "-Y",
                              "kq1.missing_mandatory", "-T", "fields", "-e", "kq1.message_id").stdout
        self.assertEqual(out.split(), ["1", "2", "1002", "1003", "11", "12", "13"])


class WrongType(Kq1TestCase):
    def test_frames(self):
        self.assertFrames("kq1-wrong-type.pcapng", [
            [expect(dict(header(1, 0x3101, 318), **{"kq1.key_length": [], "kq1.key_id": [KID[0]]}),
                    (WRONG, "Key length (key_length) is a string, expected an integer"))],
            [expect(dict(header(1001, 0x1302, 65), **{"kq1.response": [], "kq1.key_id": [KID[0]]}),
                    (WRONG, "Response (response) is a boolean, expected a string"))],
            [expect(dict(header(2, 0x3101, 278), **{"kq1.hash_value": [], "kq1.extension": []}),
                    (WRONG, "Hash value (hash_value) is an integer, expected a string"),
                    (WRONG, "Extension (extension) is an object, expected an array of objects"))],
            [expect(dict(header(1002, 0x1302, 100), **{"kq1.extension": ['[{"note":"ok"},5]']}),
                    (WRONG, "Extension (extension[1]) is an integer, expected an object"))],
            [expect(dict(header(3, 0x3101, 283), **{"kq1.key_id": []}),
                    (WRONG, "Key ID (key_ID) is an integer, expected a string"))],
            [expect(dict(header(1001, 0x1303, 27), **{"kq1.number_of_keys": [], "kq1.size_of_key": []}),
                    (WRONG, "Number of keys (number) is a string, expected an integer"),
                    (WRONG, "Size of key (size) is a number with a fraction or exponent, expected an integer"))],
            [expect(dict(header(11, 0x3104, 132), **{"kq1.keys": [], "kq1.response": ["success"]}),
                    (WRONG, "Keys (keys) is an object, expected an array of objects"))],
            [expect(dict(header(1002, 0x1303, 28), **{"kq1.number_of_keys": ["2"], "kq1.extension": ["[1]"]}),
                    (WRONG, "Extension (extension[0]) is an integer, expected an object"))],
            [expect(dict(header(12, 0x3104, 179), **{"kq1.keys": ["2"], "kq1.key_file": ["0", "1"],
                                                     "kq1.key_id": [KID[3]], "kq1.key_extension": []}),
                    (WRONG, "Extension (extension) is a string, expected an array of objects"),
                    (WRONG, "Keys[0] is a string, expected an object (Response to key request, Table 4)"),
                    (WRONG, "Key extension (key_extension) in Keys[1] is an array, expected an object"))],
        ])


class UnknownCommand(Kq1TestCase):
    def test_frames(self):
        self.assertFrames("kq1-unknown-command.pcapng", [
            [expect(dict(header(1, 0x2201, 316), **{"kq1.key_id": []}),
                    ("kq1.unknown_command", "CommandCode 0x2201: high byte 0x22 is not a direction "
                                            "(0x13 KM -> QKD module, 0x31 QKD module -> KM)"))],
            [expect(header(2, 0x3107, 17),
                    ("kq1.unknown_command", "CommandCode 0x3107 is not in Table I.1 of Q.4162"))],
            [expect(key_supply(3, 1))],
            [expect(key_supply_response(1001, KID[1]))],
        ])

    def test_info(self):
        infos = [info for _, info in self.tshark.columns("kq1-unknown-command.pcapng").values()]
        self.assertEqual(infos[:2], ["Unknown command 0x2201, MessageID 1",
                                     "Unknown command 0x3107, QKD module -> KM, MessageID 2"])


class WrongDirection(Kq1TestCase):
    """The first message (a Key supply) sets who is the KM; then each side
    sends a message of the other's."""

    def test_frames(self):
        frames = self.assertFrames("kq1-wrong-direction.pcapng", [
            [expect(key_supply(1, 1))],
            [expect(key_supply_response(1001, KID[1]))],
            [expect(dict(header(2, 0x1303, 12), **{"kq1.number_of_keys": ["1"]}),
                    ("kq1.wrong_direction", "CommandCode 0x1303 (KM -> QKD module) sent by the QKD module: frame "
                                            "{f[0]} set the roles of this conversation (the KM on port 4162), "
                                            "where only QKD module -> KM messages (0x31xx) go this way"))],
            [expect(key_supply(1002, 0),
                    ("kq1.wrong_direction", "CommandCode 0x3101 (QKD module -> KM) sent by the KM: frame {f[0]} "
                                            "set the roles of this conversation (the KM on port 4162), where only "
                                            "KM -> QKD module messages (0x13xx) go this way"))],
        ])
        self.assertEqual(frames[2].pdus[0].severities["kq1.wrong_direction"], "Warning")


class MessageIdRepeated(Kq1TestCase):
    """Key supplies with MessageIDs 1, 2, 3 and 2 again; the KM's responses
    repeat the MessageID of the supply they answer, which is allowed."""

    def test_repeat_is_a_warning(self):
        for options in ((), ("-2",)):
            frames = self.tshark.kq1_frames("kq1-message-id-repeated.pcapng", *options)
            self.assertEqual([frame.pdus[0].get("kq1.message_id") for frame in frames],
                             ["1", "1", "2", "2", "3", "3", "2", "2"])
            self.assertEqual([pdu.experts for frame in frames for pdu in frame.pdus], [[]] * 6 + [
                [("kq1.message_id_repeated", "MessageID 2 was used before by another QKD module -> KM message "
                                             "in this conversation (Appendix I: the unique ID of each message)")],
                []])
            self.assertEqual(frames[6].pdus[0].severities["kq1.message_id_repeated"], "Warning")


class Conforming(Kq1TestCase):
    """Traffic that follows Q.4162 where it is silent (samples/record.py,
    conforming()): not one Kq-1 expert info, in one pass or two."""

    def test_no_findings(self):
        for options in ((), ("-2",)):
            frames = self.tshark.kq1_frames("kq1-conforming.pcapng", *options)
            self.assertEqual(len(frames), 12)
            for frame in frames:
                for pdu in frame.pdus:
                    self.assertEqual(pdu.experts, [], "frame %d %s" % (frame.number, options))

    def test_what_it_shows(self):
        frames = self.tshark.kq1_frames("kq1-conforming.pcapng", "-2")
        pdus = [frame.pdus[0] for frame in frames]
        # both halves of one key: linked, not a reuse
        self.assertEqual(pdus[2].get("kq1.key_id"), pdus[0].get("kq1.key_id"))
        self.assertEqual(pdus[2].get("kq1.key_id_pair_frame"), str(frames[0].number))
        self.assertEqual(pdus[0].get("kq1.key_id_pair_frame"), str(frames[2].number))
        self.assertEqual([pdus[0].get("kq1.pair_status"), pdus[2].get("kq1.pair_status")], ["1", "1"])
        self.assertEqual(pdus[2].all("kq1.key_id_first_frame"), [])
        # the KM connected: its Key request and the module's answer, two keys
        self.assertEqual(pdus[4].get("kq1.command_code"), "0x1303")
        self.assertEqual(pdus[5].get("kq1.keys"), "2")
        self.assertEqual(pdus[5].get("kq1.response_to"), str(frames[4].number))
        # "received" is neither a success nor a failure word: no verdict
        self.assertEqual(pdus[5].all("kq1.response_ok"), [])
        # a Hash value over the key text; a hex key read as hex because its hash says so
        self.assertEqual(pdus[6].get("kq1.hash_status"), "1")
        self.assertEqual(pdus[8].get("kq1.hash_status"), "1")
        self.assertEqual(pdus[8].get("kq1.key_bits"), "256")
        self.assertEqual(pdus[8].get("kq1.key_encoding"), "2")     # hex
        self.assertEqual(pdus[6].get("kq1.key_encoding"), "1")     # base64
        # Version 2
        self.assertEqual(pdus[10].get("kq1.version"), "2")

    def test_assumptions_can_be_tightened(self):
        # The user's own assumptions turn into findings, as notes that name them.
        frames = self.tshark.kq1_frames("kq1-conforming.pcapng", "-2", "-o", "kq1.versions:1",
                                        "-o", "kq1.default_number_of_keys:1", "-o", "kq1.hash_input:key")
        pdus = [frame.pdus[0] for frame in frames]
        self.assertEqual(pdus[10].expert_names(), ["kq1.unknown_version"])
        self.assertEqual(pdus[5].expert_names(), ["kq1.key_count_not_default"])
        self.assertEqual(pdus[6].expert_names(), ["kq1.hash_not_matched"])
        for pdu in pdus:
            for name, severity in pdu.severities.items():
                self.assertIn(severity, ("Note", "Chat"), name)


class BadJson(Kq1TestCase):
    def test_frames(self):
        bad = "kq1.bad_json"
        self.assertFrames("kq1-bad-json.pcapng", [
            [expect(dict(header(1, 0x3101, 9), **{"kq1.payload": ["68:65:6c:6c:6f:2c:20:4b:4d"]}),
                    (bad, "Payload is not valid JSON: line 1, column 5: unexpected identifier `hello', "
                          "expected value"))],
            [expect(header(2, 0x3101, 23),
                    (bad, "Payload is not valid JSON: line 1, column 23: unexpected character `}', "
                          "expected character `}'"))],
            # 65,535 nested '[': refused before json-glib would overflow its stack
            [expect(header(3, 0x3101, 65535),
                    (bad, "JSON nested deeper than 64 levels at payload byte 64; not parsed"))],
            [expect(header(4, 0x3101, 27),
                    (bad, 'Payload is not valid JSON: line 1, column 27: invalid string constant "k-1", '
                          'expected valid string constant'))],
            [expect(key_supply(5, 0))],
            [expect(key_supply_response(1001, KID[0]))],
        ])

    def test_bad_json_is_not_handed_to_the_json_dissector(self):
        for frame in self.tshark.kq1_frames("kq1-bad-json.pcapng")[:4]:
            self.assertEqual(frame.pdus[0].json_members, [])


class LengthMismatch(Kq1TestCase):
    def test_frames(self):
        self.assertFrames("kq1-length-mismatch.pcapng", [
            [expect(dict(header(1, 0x3101, 325), **{"kq1.key_id": [KID[0]],
                                                    "kq1.trailing_bytes": ["00:00:47:41:52:42:41:47:45"]}),
                    ("kq1.length_mismatch", "JSON text ends after 316 of the 325 payload bytes that "
                                            "Length gives; 9 bytes follow it"))],
            [expect(key_supply(2, 1))],
            [expect(key_supply_response(1001, KID[1]))],
        ])

    def test_message_that_never_completes(self):
        # The last Key supply claims 1,000 bytes more than it sends before the
        # QKD module closes. TCP holds it back for good; after the first pass
        # (tshark -2, and the GUI) Kq-1 decodes its start and says so.
        frames = self.assertFrames("kq1-length-mismatch.pcapng", [
            # the KM could not read it, so never answered: known after the first pass
            [expect(header(1, 0x3101, 325),
                    ("kq1.length_mismatch", "JSON text ends after 316 of the 325 payload bytes that "
                                            "Length gives; 9 bytes follow it"),
                    ("kq1.no_response", "No response to this Key supply in the capture"))],
            [expect(key_supply(2, 1))],
            [expect(key_supply_response(1001, KID[1]))],
            [expect(dict(header(3, 0x3101, 1316), **{"kq1.key_id": []}),
                    ("kq1.length_mismatch", "Length is 1316 but the message never completes: the "
                                            "connection or the capture ends first (316 payload bytes "
                                            "in this frame)"))],
        ], "-2")
        self.assertEqual(len(frames[3].pdus[0].all("kq1.payload")), 1)
        columns = self.tshark.columns("kq1-length-mismatch.pcapng", "-2")
        self.assertEqual(columns[frames[3].number], ("Kq-1", "Key supply, QKD module -> KM, MessageID 3"))

    def test_snapshot_length(self):
        cut = ("kq1.length_mismatch", "Length is 316 but only 124 payload bytes are in the captured data")
        # The Key IDs of the cut Key supplies are lost, so their responses
        # cannot be matched to them.
        unmatched = ("kq1.no_request", "This Response to key supply answers no Key supply (by Key ID) "
                                       "seen in this TCP conversation")
        self.assertFrames("kq1-snaplen.pcapng", [
            [expect(dict(header(1, 0x3101, 316), **{"kq1.key_id": []}), cut)],
            [expect(key_supply_response(1001, KID[0]), unmatched)],
            [expect(header(2, 0x3101, 316), cut)],
            [expect(key_supply_response(1002, KID[1]), unmatched)],
            [expect(header(3, 0x3101, 316), cut)],
            [expect(key_supply_response(1003, KID[2]), unmatched)],
        ])


REUSED = "kq1.key_id_reused"
FAILED = "kq1.failure_response"

# The QKD module's keys in kq1-analysis, in the order it supplies them.
A_KID = KID[:4] + ["afd2e6b8-dcfc-4b87-b2ab-fc2aa01489ec", "a2fe0304-8793-4a11-bc19-75c2003ee764"]


class Analysis(Kq1TestCase):
    """kq1-analysis: Key supplies with each kind of key problem, a reused Key
    ID, a refusal, an unanswered supply and an unasked response; then Key
    requests answered out of order (by MessageID), short, failed, unasked
    and not at all."""

    sample = "kq1-analysis.pcapng"

    def expected(self, two_pass):
        """Frame by frame; the two-pass run adds links to responses and the
        requests nothing answered."""
        unanswered = [("kq1.no_response", "No response to this Key supply in the capture")] if two_pass else []
        unanswered_request = ([("kq1.no_response", "No response to this Key request in the capture")]
                              if two_pass else [])

        def request(fields, response_index, *experts):
            if two_pass:
                fields = dict(fields, **{"kq1.response_in": ["{f[%d]}" % response_index]})
            return expect(fields, *experts)

        def response(fields, request_index, *experts):
            return expect(dict(fields, **{"kq1.response_to": ["{f[%d]}" % request_index]}), *experts)

        def supply_response(message_id, key_id):
            return dict(key_supply_response(message_id, key_id), **{"kq1.response_ok": ["{true}"]})

        return [
            [request(dict(key_supply(1, 0), **{"kq1.key_bits": ["256"], "kq1.hash_status": ["1"],
                                               "kq1.hash_algorithm": ["SHA-256"]}), 1)],
            [response(supply_response(1001, A_KID[0]), 0)],
            [request(dict(header(2, 0x3101, 316), **{"kq1.hash_status": ["2"], "kq1.hash_algorithm": ["SHA-256"]}),
                     3, ("kq1.hash_not_matched", "Hash value (hash_value) is not the SHA-256 digest of the "
                                                 "decoded key or the key text, assuming the algorithm its length "
                                                 "names (Q.4162 names no algorithm or input; see preferences "
                                                 "kq1.hash_algorithm and kq1.hash_input)"))],
            [response(supply_response(1002, A_KID[1]), 2)],
            [request(dict(header(3, 0x3101, 316), **{"kq1.key_length": ["512"], "kq1.key_bits": ["256"]}), 5,
                     ("kq1.key_length_mismatch", "Key length (key_length) is 512 but the key is 256 bits, "
                                                 "assuming Key length counts bits (see preference "
                                                 "kq1.key_length_unit)"))],
            [response(supply_response(1003, A_KID[2]), 4)],
            [request(dict(header(4, 0x3101, 315), **{"kq1.key_length": ["32"]}), 7,
                     ("kq1.key_length_in_bytes", "Key length (key_length) 32 is the key's length in bytes, "
                                                 "not in bits (256) as assumed (Q.4162 gives no unit; see "
                                                 "preference kq1.key_length_unit)"))],
            [response(supply_response(1004, A_KID[3]), 6)],
            [request(dict(header(5, 0x3101, 316), **{"kq1.key_id": [A_KID[0]],
                                                     "kq1.key_id_first_frame": ["{f[0]}"]}), 9,
                     (REUSED, "Key ID %s was already supplied in frame {f[0]}" % A_KID[0]))],
            [response(dict(header(1005, 0x1302, 127), **{"kq1.response_ok": ["{false}"]}), 8,
                      (FAILED, 'Response to key supply failed: "failure: key ID already supplied"'
                               ' (one of the failure words, see preference kq1.failure_words)'))],
            # a hex key with an MD5 hash
            [request(dict(header(6, 0x3101, 304), **{"kq1.key_bits": ["256"], "kq1.key_encoding": ["2"],
                                                     "kq1.hash_status": ["1"], "kq1.hash_algorithm": ["MD5"]}), 11)],
            [response(supply_response(1006, A_KID[4]), 10)],
            [expect(dict(header(7, 0x3101, 316), **{"kq1.key_id": [A_KID[5]]}), *unanswered)],
            [expect(dict(header(1007, 0x1302, 70), **{"kq1.response_to": []}),
                    ("kq1.no_request", "This Response to key supply answers no Key supply (by Key ID) seen "
                                       "in this TCP conversation"))],
            # two requests at once, answered second first, each repeating its MessageID
            [request(dict(header(1008, 0x1303, 23), **{"kq1.number_of_keys": ["2"]}), 17)],
            [request(dict(header(1009, 0x1303, 23), **{"kq1.size_of_key": ["512"]}), 16)],
            [response(dict(header(1009, 0x3104, 228), **{"kq1.keys": ["1"], "kq1.key_bits": ["512"]}), 15)],
            [response(dict(header(1008, 0x3104, 287), **{"kq1.keys": ["2"]}), 14)],
            [request(header(1010, 0x1303, 23), 19)],
            [response(dict(header(8, 0x3104, 267), **{"kq1.keys": ["2"], "kq1.key_bits": ["256", "128"],
                                                     "kq1.key_id_first_frame": ["{f[0]}"]}), 18,
                      (REUSED, "Key ID %s was already supplied in frame {f[0]}" % A_KID[0]),
                      ("kq1.wrong_key_count", "Keys holds 2 key(s) but the Key request in frame {f[18]} "
                                              "asked for 3"),
                      ("kq1.wrong_key_size", "Keys[1] is 128 bits (16 bytes) but the Key request in frame "
                                             "{f[18]} asked for a size of 256"))],
            [request(header(1011, 0x1303, 12), 21)],
            [response(dict(header(9, 0x3104, 54), **{"kq1.response_ok": ["{false}"]}), 20,
                      (FAILED, 'Response to key request failed: "failure: no key material left"'
                               ' (one of the failure words, see preference kq1.failure_words)'))],
            [expect(dict(header(10, 0x3104, 184), **{"kq1.response_to": []}),
                    ("kq1.no_request", "This Response to key request answers no unanswered Key request seen "
                                       "in this TCP conversation"))],
            [expect(header(1012, 0x1303, 12), *unanswered_request)],
        ]

    def assertAnalysis(self, two_pass):
        self.assertFrames(self.sample, self.expected(two_pass), *(["-2"] if two_pass else []))

    def test_single_pass(self):
        self.assertAnalysis(two_pass=False)

    def test_two_passes(self):
        self.assertAnalysis(two_pass=True)

    def test_response_times(self):
        frames = self.tshark.kq1_frames(self.sample)
        times = [float(pdu.get("kq1.response_time")) for frame in frames for pdu in frame.pdus
                 if pdu.get("kq1.response_time") is not None]
        self.assertEqual(len(times), 10)
        self.assertTrue(all(0 < t < 1 for t in times), times)

    def test_hex_key_decoded(self):
        pdu = self.tshark.kq1_frames(self.sample)[10].pdus[0]
        self.assertEqual(pdu.get("kq1.key_bytes").replace(":", ""), pdu.get("kq1.key"))

    def test_hide_keys(self):
        frames = self.tshark.kq1_frames(self.sample, "-o", "kq1.hide_keys:TRUE")
        keys = [key for frame in frames for pdu in frame.pdus for key in pdu.all("kq1.key")]
        self.assertEqual(len(keys), 13)
        self.assertEqual(set(keys), {"[redacted, 256 bits]", "[redacted, 512 bits]", "[redacted, 128 bits]"})
        for frame in frames:
            for pdu in frame.pdus:
                self.assertEqual(pdu.all("kq1.key_bytes"), [])
                for member in pdu.json_members:
                    if member.startswith("key:"):
                        self.assertEqual(set(member[4:]), {"*"})
        # the checks still run
        self.assertEqual(frames[2].pdus[0].get("kq1.hash_status"), "2")
        self.assertIn("kq1.hash_not_matched", frames[2].pdus[0].expert_names())

    def test_assumptions_are_preferences(self):
        # Fixed algorithm and input: the wrong hash is a plain mismatch (a
        # warning), the good ones still verify.
        frames = self.tshark.kq1_frames(self.sample, "-o", "kq1.hash_algorithm:sha256", "-o", "kq1.hash_input:key")
        self.assertEqual(frames[0].pdus[0].get("kq1.hash_status"), "1")
        self.assertEqual(frames[2].pdus[0].experts, [
            ("kq1.hash_mismatch", "Hash value (hash_value) is not the SHA-256 digest of the decoded key "
                                  "(preferences kq1.hash_algorithm and kq1.hash_input)")])
        # The MD5 of the hex key is not SHA-256.
        self.assertEqual(frames[10].pdus[0].expert_names(), ["kq1.hash_mismatch"])
        # Key length in bits or bytes: neither 32 nor 256 is reported.
        frames = self.tshark.kq1_frames(self.sample, "-o", "kq1.key_length_unit:either")
        self.assertEqual(frames[6].pdus[0].experts, [])
        self.assertEqual(frames[4].pdus[0].expert_names(), ["kq1.key_length_mismatch"])
        # A Response that is no failure word has an unknown verdict: no expert, no kq1.response_ok.
        frames = self.tshark.kq1_frames(self.sample, "-o", "kq1.failure_words:nope")
        self.assertEqual(frames[9].pdus[0].experts, [])
        self.assertEqual(frames[9].pdus[0].all("kq1.response_ok"), [])

    def test_stats_tree(self):
        out = self.tshark.run("-r", self.tshark.sample(self.sample), "-q", "-z", "kq1,tree").stdout
        rows = {}
        for line in out.splitlines():
            columns = line.split()
            # "Key bits supplied, by QKD module ID 3456 ...": the name, then the count
            for i, column in enumerate(columns):
                if column.isdigit():
                    rows.setdefault(" ".join(columns[:i]), []).append(int(column))
                    break
        self.assertEqual(rows["Messages by type"], [24])
        self.assertEqual(rows["Key supply"], [7])
        self.assertEqual(rows["Response to key supply"], [7, 6])     # messages, response times
        self.assertEqual(rows["Key request"], [5])
        self.assertEqual(rows["Response to key request"], [5, 4])
        self.assertEqual(rows["QKD module -> KM"], [12])
        self.assertEqual(rows["KM -> QKD module"], [12])
        self.assertEqual(rows["OK"], [10])
        self.assertEqual(rows["Failed"], [2])
        self.assertEqual(rows["Keys supplied, by QKD module ID"], [13])
        self.assertEqual(rows["QKDM-Alice-01"], [7, 1792])
        self.assertEqual(rows["(no QKD module ID)"], [6, 1664])
        self.assertEqual(rows["Key bits supplied, by QKD module ID"], [3456])
        self.assertEqual(rows["Response time (ms), by message"], [10])

    def test_key_ledger(self):
        numbers = [frame.number for frame in self.tshark.kq1_frames(self.sample)]
        out = self.tshark.run("-r", self.tshark.sample(self.sample), "-q", "-z", "kq1,keys").stdout
        rows = [[column.strip() for column in line.split("|")[:-1]] for line in out.splitlines()
                if line.count("|") == 11 and not line.startswith("Key ID")]
        f = numbers
        # No other half in this capture: empty pair cells; an unanswered key
        # has empty response cells, a key of a Response to key request no
        # hash and no age.
        self.assertEqual([row[:10] for row in rows[:6]], [
            [A_KID[0], str(f[0]), "QKDM-Alice-01", "256", str(f[1]), "ok", "verified", "2", "", ""],
            [A_KID[1], str(f[2]), "QKDM-Alice-01", "256", str(f[3]), "ok", "mismatch", "0", "", ""],
            [A_KID[2], str(f[4]), "QKDM-Alice-01", "256", str(f[5]), "ok", "verified", "0", "", ""],
            [A_KID[3], str(f[6]), "QKDM-Alice-01", "256", str(f[7]), "ok", "verified", "0", "", ""],
            [A_KID[4], str(f[10]), "QKDM-Alice-01", "256", str(f[11]), "ok", "verified", "0", "", ""],
            [A_KID[5], str(f[12]), "QKDM-Alice-01", "256", "", "", "verified", "0", "", ""],
        ])
        for row in rows[:6]:
            self.assertRegex(row[10], r"^\d+\.\d{3}$")
        self.assertEqual(len(rows), 11)
        self.assertEqual(rows[6][1:], [str(f[16]), "(no QKD module ID)", "512", str(f[16]), "ok", "", "0", "", "", ""])


class VendorNames(Kq1TestCase):
    """An implementation that says keyIdentifier and material."""

    def test_without_the_table(self):
        frames = self.tshark.kq1_frames("kq1-vendor-names.pcapng")
        self.assertEqual([frame.pdus[0].expert_names() for frame in frames], [
            [MISSING, MISSING], [MISSING], [MISSING, MISSING], [MISSING]])

    def test_with_the_table(self):
        options = ["-o", 'uat:kq1_member_names:"","Key ID","keyIdentifier"',
                   "-o", 'uat:kq1_member_names:"Key supply","key","material"']
        self.assertFrames("kq1-vendor-names.pcapng", [
            [expect(dict(header(1, 0x3101, 328), **{"kq1.key_id": [KID[0]], "kq1.key": [KEY[0]],
                                                    "kq1.hash_status": ["1"]}))],
            [expect(dict(header(1001, 0x1302, 77), **{"kq1.key_id": [KID[0]], "kq1.response_ok": ["{true}"]}))],
            [expect(dict(header(2, 0x3101, 328), **{"kq1.key_id": [KID[1]], "kq1.key": [KEY[1]]}))],
            [expect(dict(header(1002, 0x1302, 77), **{"kq1.key_id": [KID[1]]}))],
        ], *options)


class Retransmission(Kq1TestCase):
    """kq1-retransmission: the second Key supply was dropped once on arrival
    and sent again by TCP, so the capture holds it twice."""

    sample = "kq1-retransmission.pcapng"

    def test_tcp_keeps_the_retransmission(self):
        # TCP's sequence analysis (on by default) does not hand it to Kq-1 again.
        out = self.tshark.run("-r", self.tshark.sample(self.sample), "-Y", "tcp.analysis.retransmission",
                              "-T", "fields", "-e", "frame.number", "-e", "kq1.message_id").stdout.splitlines()
        self.assertEqual(len(out), 1)
        self.assertEqual(out[0].split("\t")[1], "")
        self.assertEqual([frame.pdus[0].get("kq1.message_id") for frame in self.tshark.kq1_frames(self.sample)],
                         ["1", "1001", "2", "1002", "3", "1003"])

    def test_not_a_reuse(self):
        # Without it, Kq-1 sees the Key supply twice: the same message, not a
        # second supply of its Key ID, and one response answers both.
        self.assertFrames(self.sample, [
            [expect(dict(header(1, 0x3101, 316), **{"kq1.response_in": ["{f[1]}"]}))],
            [expect(dict(header(1001, 0x1302, 102), **{"kq1.response_to": ["{f[0]}"]}))],
            [expect(dict(key_supply(2, 1), **{"kq1.response_in": ["{f[4]}"], "kq1.key_id_first_frame": []}))],
            [expect(dict(key_supply(2, 1), **{"kq1.response_in": ["{f[4]}"], "kq1.key_id_first_frame": []}))],
            [expect(dict(header(1002, 0x1302, 102), **{"kq1.response_to": ["{f[2]}"]}))],
            [expect(header(3, 0x3101, 316))],
            [expect(header(1003, 0x1302, 102))],
        ], "-2", "-o", "tcp.analyze_sequence_numbers:FALSE")


class ByteOrder(Kq1TestCase):
    """kq1-little-endian: headers sent little-endian, in both modes."""

    sample = "kq1-little-endian.pcapng"

    def expected(self):
        return [
            [expect(key_supply(1, 0))],
            [expect(dict(key_supply_response(1001, KID[0]), **{"kq1.response_to": ["{f[0]}"]}))],
            [expect(key_supply(2, 1))],
            [expect(key_supply_response(1002, KID[1]))],
            [expect(dict(header(1001, 0x1303, 23), **{"kq1.number_of_keys": ["1"]}))],
            [expect(dict(header(3, 0x3104, 184), **{"kq1.key_id": [KID[2]], "kq1.response_to": ["{f[4]}"]}))],
        ]

    def test_little_endian(self):
        self.assertFrames(self.sample, self.expected(), "-o", "kq1.byte_order:little-endian")

    def test_automatic(self):
        self.assertFrames(self.sample, self.expected(), "-o", "kq1.byte_order:automatic")
        # and big-endian traffic stays big-endian
        self.assertFrames("kq1-proactive.pcapng", [[expect(header(1, 0x3101, 316))]] + [[expect({})]] * 5,
                          "-o", "kq1.byte_order:automatic")

    def test_default_order_reads_the_other(self):
        # Under the default (big-endian) the first header of each
        # conversation names no message, but does little-endian: each
        # conversation is decoded little-endian, and its first message says
        # so, in one pass and two.
        note = ("kq1.byte_order_switched", "The headers of this conversation read as Kq-1 only in little-endian "
                "byte order: decoded so (preference kq1.byte_order is big-endian; Q.4162 gives no byte order)")
        expected = self.expected()
        for first in (0, 4):
            fields, experts = expected[first][0]
            expected[first] = [(fields, [note] + experts)]
        for options in ((), ("-2",)):
            self.assertFrames(self.sample, expected, *options)
        # Read as the preference says, the note is not given.
        frames = self.tshark.kq1_frames(self.sample, "-o", "kq1.byte_order:little-endian")
        self.assertNotIn("kq1.byte_order_switched", [name for f in frames for p in f.pdus for name in p.expert_names()])


class Tls(Kq1TestCase):
    """Kq-1 over TLS with mutual authentication; the TLS secrets are in the
    captures, so they decode with no configuration."""

    def test_tls12(self):
        frames = self.assertFrames("kq1-tls12.pcapng", [
            [expect(key_supply(1, 0))],
            [expect(dict(key_supply_response(1001, KID[0]), **{"kq1.response_to": ["{f[0]}"]}))],
            [expect(key_supply(2, 1))],
            [expect(key_supply_response(1002, KID[1]))],
        ])
        self.assertHandshake("kq1-tls12.pcapng", "0x0303")

    def test_tls13(self):
        self.assertFrames("kq1-tls13.pcapng", [
            [expect(dict(header(1001, 0x1303, 23), **{"kq1.number_of_keys": ["2"], "kq1.size_of_key": ["256"]}))],
            [expect(dict(header(1, 0x3104, 287), **{"kq1.key_id": KID[:2], "kq1.keys": ["2"],
                                                    "kq1.response_to": ["{f[0]}"]}))],
        ])
        self.assertHandshake("kq1-tls13.pcapng", "0x0304")

    def assertHandshake(self, sample, version):
        """The session is TLS of that version, and both ends sent a certificate."""
        out = self.tshark.run("-r", self.tshark.sample(sample), "-Y", "tls.handshake.certificate",
                              "-T", "fields", "-e", "tcp.srcport").stdout.split()
        self.assertEqual(sorted(set(out)) != [], True)
        self.assertEqual(len(set(out)), 2, "a certificate from each end")
        versions = self.tshark.run("-r", self.tshark.sample(sample), "-Y", "tls.handshake.type == 2",
                                   "-T", "fields", "-e", "tls.handshake.extensions.supported_version",
                                   "-e", "tls.handshake.version").stdout.split()
        self.assertIn(version, versions)


class Heuristic(Kq1TestCase):
    """The heuristic claims no other protocol, even when tried first."""

    # each sample, and what shows it holds its protocol
    samples = {
        "other-http.pcapng": ('http.request.method == "POST"', "-d", "tcp.port==7000,http"),
        "other-tls.pcapng": ("tls.handshake", "-d", "tcp.port==7000,tls"),
        "other-json.pcapng": ("tcp.len > 0",),
        "other-binary.pcapng": ("tcp.len > 0",),
    }
    settings = [(), ("-o", "tcp.try_heuristic_first:TRUE"),
                ("-o", "tcp.try_heuristic_first:TRUE", "-o", "kq1.byte_order:automatic")]

    def test_claims_nothing_else(self):
        for sample, (protocol, *decode_as) in self.samples.items():
            for options in self.settings:
                frames = self.tshark.frames(sample, *options)
                self.assertEqual([frame.number for frame in frames if frame.pdus], [], (sample, options))
            out = self.tshark.run("-r", self.tshark.sample(sample), "-Y", protocol, *decode_as).stdout
            self.assertGreater(len(out.splitlines()), 0, "%s holds %s" % (sample, protocol))

    def test_finds_kq1_on_any_port(self):
        frames = self.tshark.kq1_frames("kq1-decode-as-9000.pcapng", "-o", "kq1.byte_order:automatic")
        self.assertEqual([frame.pdus[0].get("kq1.message_id") for frame in frames], ["1", "1001", "2", "1002"])


# The keys the QKD 014 server's seeded store hands out, in order.
QKD014_KID = ["c15521b1-b3dc-450a-9daa-37e51b591d75", "293a9acc-2652-48ff-842a-2f9da1b4ba07",
              "5d3ffd11-a23c-4698-a32d-c48296ce3859", "70ffec24-924a-4cd7-844c-044fb416aad9"]


class Qkd014(Kq1TestCase):
    """Appendix II: ETSI GS QKD 014 over HTTP, and over HTTPS with mutual
    TLS and the secrets in the capture. Both carry the same exchange. Only
    Get key (enc_keys) is Kq-1; Get status and Get key with key IDs are
    ETSI GS QKD 014's own (protocol qkd014)."""

    # Each Get key request links to its response as a Kq-1 Key request over
    # TCP does (known once the response is seen: with -2 and in the GUI).
    expected_two_passes = [
        [expect({"kq1.number_of_keys": ["2"], "kq1.size_of_key": ["256"],           # GET enc_keys?number=2&size=256
                 "kq1.response_in": ["{f[1]}"]})],
        [expect({"kq1.key_id": QKD014_KID[:2], "kq1.response": ["200"], "kq1.response_ok": ["{true}"],
                 "kq1.keys": ["2"], "kq1.key_bits": ["256", "256"], "kq1.response_to": ["{f[0]}"]})],
        [expect({"kq1.number_of_keys": ["1"], "kq1.size_of_key": ["512"],           # POST enc_keys
                 "kq1.extension": ['[{"route_type":"direct"}]', '[{"transfer_method":"qkd"}]'],
                 "kq1.response_in": ["{f[3]}"]})],
        [expect({"kq1.key_id": [QKD014_KID[2]], "kq1.key_bits": ["512"], "kq1.response_to": ["{f[2]}"],
                 "kq1.extension": ['{"route":"direct"}']})],      # key_container_extension, an object
        [expect({"kq1.number_of_keys": ["1000"], "kq1.response_in": ["{f[5]}"]})],   # too many
        [expect({"kq1.response": ["400"], "kq1.response_ok": ["{false}"], "kq1.keys": [],
                 "kq1.response_to": ["{f[4]}"]},
                (FAILED, 'Response to key request failed: "400" (an HTTP error status, "number of keys '
                         'exceeds max_key_per_request (128)")'))],
        [expect({"kq1.number_of_keys": ["1"], "kq1.response_in": ["{f[7]}"]})],
        [expect({"kq1.key_id": [QKD014_KID[3]], "kq1.key": [], "kq1.response_to": ["{f[6]}"]},
                (MISSING, "Key (key) missing in Keys[0]: mandatory in each key of Response to key request "
                          "(Table II.2)"))],
    ]

    # The frames of ETSI GS QKD 014's own messages: method, key IDs.
    expected_qkd014 = [
        ("Get status", []), ("Status", []),
        ("Get key with key IDs", [QKD014_KID[0]]), ("Key container for Get key with key IDs", [QKD014_KID[0]]),
        ("Get key with key IDs", [QKD014_KID[1]]), ("Key container for Get key with key IDs", [QKD014_KID[1]]),
    ]

    @property
    def expected(self):
        """One pass: no request knows its response yet."""
        return [[(dict((name, values) for name, values in fields.items() if name != "kq1.response_in"), experts)
                 for fields, experts in frame] for frame in self.expected_two_passes]

    def assertQkd014(self, sample, *options):
        frames = [frame for frame in self.tshark.frames(sample, *options) if frame.qkd014]
        self.assertEqual([(frame.qkd014[0].get("qkd014.method"), frame.qkd014[0].all("qkd014.key_id"))
                          for frame in frames], self.expected_qkd014)
        for frame in frames:
            self.assertEqual(frame.pdus, [], "frame %d is no Kq-1 message" % frame.number)
            self.assertEqual(frame.qkd014[0].experts, [])

    def test_http(self):
        self.assertFrames("qkd014-http.pcapng", self.expected)
        self.assertQkd014("qkd014-http.pcapng")

    def test_https(self):
        self.assertFrames("qkd014-https.pcapng", self.expected)
        self.assertQkd014("qkd014-https.pcapng")

    def test_second_pass_decodes_the_same(self):
        # A second pass, as the GUI makes when it re-applies a filter or
        # shows a packet's details, sees none of HTTP's fields: what the
        # first pass learned is decoded again.
        for sample in ("qkd014-http.pcapng", "qkd014-https.pcapng"):
            self.assertFrames(sample, self.expected_two_passes, "-2")
            self.assertQkd014(sample, "-2")
            self.assertEqual(len(self.tshark.columns(sample, "-2")), 8)

    def test_info_names_the_message(self):
        infos = [info for _, info in self.tshark.columns("qkd014-http.pcapng", display_filter="kq1 || qkd014").values()]
        # The message's name first, where a narrow Info column still shows
        # it; then HTTP's line.
        self.assertEqual([info[:info.index("] ") + 1] for info in infos][:4], [
            "[ETSI GS QKD 014 Get status]", "[ETSI GS QKD 014 Status]", "[Kq-1 Key request]",
            "[Kq-1 Response to key request]"])
        self.assertEqual(infos[2], "[Kq-1 Key request] GET /api/v1/keys/SAE-B/enc_keys?number=2&size=256 HTTP/1.1 ")
        self.assertTrue(infos[6].startswith("[ETSI GS QKD 014 Get key with key IDs] POST /api/v1/keys/SAE-A/dec_keys"))

    def test_vendor_path_is_not_kq1(self):
        # A response names its request's URI in http.response_for.uri in
        # Wireshark 4.0, in a generated http.request.uri in 4.4 and 4.6.
        vendor = ('http.request.uri contains "vendor" || http.response_for.uri contains "vendor"'
                  if WS_RELEASE == "4.0" else 'http.request.uri contains "vendor"')
        out = self.tshark.run("-r", self.tshark.sample("qkd014-http.pcapng"), "-Y", vendor,
                              "-T", "fields", "-e", "frame.number", "-e", "kq1", "-e", "qkd014").stdout.split("\n")
        rows = [row.split("\t") for row in out if row]
        self.assertEqual(len(rows), 2)
        self.assertEqual([row[1:] for row in rows], [["", ""], ["", ""]])

    def test_key_checks_and_stats(self):
        out = self.tshark.run("-r", self.tshark.sample("qkd014-http.pcapng"), "-q", "-z", "kq1,keys").stdout
        rows = [[column.strip() for column in line.split("|")[:-1]] for line in out.splitlines()
                if line.count("|") == 11 and not line.startswith("Key ID")]
        self.assertEqual([row[0] for row in rows], QKD014_KID)
        # The last key has no key: an empty cell, not 0.
        self.assertEqual([row[3] for row in rows], ["256", "256", "512", ""])
        # The slave got the first two back by key ID, the same bits.
        by_id = [str(frame.number) for frame in self.tshark.frames("qkd014-http.pcapng")
                 if frame.qkd014 and frame.qkd014[0].get("qkd014.method") == "Key container for Get key with key IDs"]
        self.assertEqual([row[8:10] for row in rows],
                         [[by_id[0], "verified"], [by_id[1], "verified"], ["", ""], ["", ""]])
        # Kq-1 messages only: the four Get key requests and their four responses
        out = self.tshark.run("-r", self.tshark.sample("qkd014-http.pcapng"), "-q", "-z", "kq1,tree").stdout
        self.assertRegex(out, r"Key request\s+4 ")
        self.assertRegex(out, r"Response to key request\s+4 ")

    def test_dec_keys_for_a_key_never_delivered(self):
        # Without the response that delivered the first two keys, asking for
        # them by ID is reported.
        frames = self.tshark.kq1_frames("qkd014-http.pcapng")
        cut = os.path.join(self.tshark.workdir, "qkd014-cut.pcapng")
        subprocess.run(["editcap", self.tshark.sample("qkd014-http.pcapng"), cut, str(frames[1].number)],
                       check=True, capture_output=True)
        os.chmod(cut, 0o644)
        containers = [frame.qkd014[0] for frame in self.tshark.frames(cut)
                      if frame.qkd014 and frame.qkd014[0].get("qkd014.method").startswith("Key container")]
        self.assertEqual(containers[0].experts, [("qkd014.key_id_unknown", "Key ID %s was not delivered by any "
                                                                           "Get key (enc_keys) in this capture"
                                                  % QKD014_KID[0])])


class FuzzRegressions(Kq1TestCase):
    """Inputs the fuzz test once failed on (tests/fuzz/regressions: mutated
    samples, kept as found), in one pass and two, with tshark aborting on any
    dissector bug. qkd014-http-uri-not-found-on-second-pass: a mutated
    QKD 014 capture whose second pass reassembles otherwise, so the URI's
    bytes are not where the first pass found them (Wireshark 4.6 aborted on
    the NULL tvb the plugin then handed to an expert info)."""

    def test_no_dissector_bug(self):
        folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "regressions")
        inputs = sorted(glob.glob(os.path.join(folder, "*.pcapng")))
        self.assertTrue(inputs)
        for path in inputs:
            target = os.path.join(self.tshark.workdir, os.path.basename(path))
            shutil.copyfile(path, target)
            os.chmod(target, 0o644)
            self.tshark.prove_plugin_loaded()
            for options in ((), ("-2",)):
                result = self.tshark.run("-r", target, "-V", "-o", "kq1.byte_order:automatic", *options,
                                         check=False, keep_stdout=False)
                self.assertEqual(result.returncode, 0, "%s %s:\n%s" % (path, options, result.stderr[-2000:]))


class BriefReading(Kq1TestCase):
    """A dissection that wants only Info, the analysis and the fields a
    brief reading gives (summary lines, a filter on a parameter) reads each
    payload briefly: no findings, no key checks. It must show the same as
    one that reads every payload in full (the Kq-1 statistics tap asks for
    every check). The readings themselves are compared by the unit tests
    (payload-oracle) on every sample's payloads."""

    OPTIONS = {"kq1-decode-as-9000.pcapng": ("-d", "tcp.port==9000,kq1"),
               "kq1-little-endian.pcapng": ("-o", "kq1.byte_order:automatic")}

    def test_brief_gives_the_same_lines(self):
        # Summary lines, and a filter on fields a brief reading gives, read
        # briefly (nothing else wanted) and in full: the same lines, Info and
        # links included.
        self.tshark.prove_plugin_loaded()
        wanted = ("kq1.key_id or kq1.response_to or kq1.response_in or kq1.key_id_first_frame or "
                  "kq1.key_id_pair_frame or kq1.key or kq1.response_ok == 0 or kq1.extension")
        compared = 0
        for path in sorted(glob.glob(os.path.join(self.tshark.samples, "*.pcapng"))):
            name = os.path.basename(path)
            for options in (("-2",), ("-Y", wanted), ("-2", "-Y", wanted)):
                options = self.OPTIONS.get(name, ()) + options
                brief = self.tshark.run("-r", self.tshark.sample(name), *options).stdout
                full = self.tshark.run("-r", self.tshark.sample(name), *options, "-z", "kq1,tree").stdout
                full = full[:full.find("\n====")] if "\n====" in full else full
                self.assertEqual(brief.rstrip(), full.rstrip(), "%s %s" % (name, " ".join(options)))
                compared += brief.count("Kq-1")
        self.assertGreater(compared, 100)


def key_age(frame_time, stamp):
    """Frame time minus a Generation time stamp (RFC 3339 in UTC, or Unix
    milliseconds), as the dissector reads it, to the millisecond."""
    if stamp.isdigit():
        generated = int(stamp) / 1000
    else:
        generated = calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))
    return "%.3f" % (float(frame_time) - generated)


def table_rows(output, title):
    """The rows of a -z table (cells stripped) under its title."""
    lines = output.splitlines()
    start = lines.index(title) + 1
    rows = []
    for line in lines[start:]:
        if line.startswith("=") or not line.strip():
            break
        rows.append([cell.strip() for cell in line.split("|")[:-1]])
    return rows


class TransportSecurity(Kq1TestCase):
    """How each connection is protected (Appendix I: mutual authentication;
    NOTE 2: TLS), its findings once per connection, in one pass and two."""

    NO_MUTUAL_AUTH = ("kq1.no_mutual_auth", "No client certificate%s (%s): only the server is authenticated. "
                      "Q.4162 Appendix I: \"mutual authentication between the QKD module and the KM is performed\"")
    KEYS_IN_CLEAR = ("kq1.keys_in_clear", "Key material travels in the clear: this connection is plain TCP, not "
                     "TLS (Q.4162 Appendix I, NOTE 2: TLS can protect Kq-1; preference kq1.require_tls makes this "
                     "a Warning)")
    KEYS_IN_CLEAR_HTTP = ("kq1.keys_in_clear", "Key material travels in the clear: this connection is plain HTTP, "
                          "not HTTPS (ETSI GS QKD 014 delivers keys over HTTPS; preference kq1.require_tls makes "
                          "this a Warning)")
    MODULE = "QKDM-Alice-01, qkd-module.kq1.test"
    KM = "km.kq1.test"

    def messages(self, sample, *options):
        """Per Kq-1 or QKD 014 message: (TCP stream, transport security, TLS
        version, sender's certificate names, transport findings)."""
        return [(frame.stream, pdu.get("kq1.transport_security"), pdu.get("kq1.tls_version"),
                 pdu.get("kq1.peer_subject"), pdu.transport_experts)
                for frame in self.tshark.frames(sample, *options) for pdu in frame.pdus + frame.qkd014]

    def test_each_way_a_link_is_protected(self):
        tls13, tls12, tls11 = "0x0304", "0x0303", "0x0302"
        for options in ((), ("-2",)):
            self.assertEqual(self.messages("kq1-transport-audit.pcapng", *options), [
                # plain TCP: the key in the clear
                (0, "1", None, None, [self.KEYS_IN_CLEAR]),
                (0, "1", None, None, []),
                # TLS 1.3, the KM asks for no certificate
                (1, "2", tls13, None, [(self.NO_MUTUAL_AUTH[0], self.NO_MUTUAL_AUTH[1]
                                        % ("", "the server asked for none"))]),
                (1, "2", tls13, self.KM, []),
                # TLS 1.2, the module has none to give
                (2, "2", tls12, None, [(self.NO_MUTUAL_AUTH[0], self.NO_MUTUAL_AUTH[1]
                                        % ("", "its Certificate was empty"))]),
                (2, "2", tls12, self.KM, []),
                # mutual TLS 1.3, the module's certificate names another module
                (3, "3", tls13, "QKDM-Other-99, qkd-module.kq1.test", [(
                    "kq1.peer_id_mismatch", "The QKD module's certificate names QKDM-Other-99, "
                    "qkd-module.kq1.test, not QKD module ID QKDM-Alice-01 (assumed: Q.4162 does not say how IDs "
                    "appear in certificates; preference kq1.check_peer_id)")]),
                (3, "3", tls13, self.KM, []),
                # mutual TLS 1.1
                (4, "3", tls11, self.MODULE, [("kq1.old_tls", "This connection speaks TLS 1.1, older than TLS "
                                                              "1.2 (RFC 8996 retires TLS 1.0 and 1.1)")]),
                (4, "3", tls11, self.KM, []),
                # mutual TLS 1.2, then a connection resuming its session: no
                # certificate in that handshake, so unknown and no finding
                (5, "3", tls12, self.MODULE, []),
                (5, "3", tls12, self.KM, []),
                (6, "0", tls12, None, []),
                (6, "0", tls12, None, []),
            ], options)
        severities = {name: severity for frame in self.tshark.kq1_frames("kq1-transport-audit.pcapng")
                      for pdu in frame.pdus for name, severity in pdu.severities.items()}
        self.assertEqual(severities, {"kq1.keys_in_clear": "Note", "kq1.no_mutual_auth": "Warning",
                                      "kq1.peer_id_mismatch": "Note", "kq1.old_tls": "Warning"})

    def test_mutual_tls_samples(self):
        # Mutual TLS 1.2 and 1.3, and QKD 014 over HTTPS: level 3, no finding.
        for sample, version in (("kq1-tls12.pcapng", "0x0303"), ("kq1-tls13.pcapng", "0x0304"),
                                ("qkd014-https.pcapng", "0x0304")):
            for options in ((), ("-2",)):
                messages = self.messages(sample, *options)
                self.assertTrue(messages)
                self.assertEqual({(level, tls, experts == []) for _, level, tls, _, experts in messages},
                                 {("3", version, True)}, (sample, options))
                self.assertEqual({names for _, _, _, names, _ in messages}, {self.MODULE, self.KM})

    def test_qkd014_without_client_certificates(self):
        # Each HTTP call is a connection of its own: each gets the Warning once.
        for options in ((), ("-2",)):
            messages = self.messages("qkd014-https-no-client-cert.pcapng", *options)
            streams = sorted({stream for stream, *_ in messages})
            self.assertEqual(len(streams), 7)
            for stream in streams:
                mine = [message for message in messages if message[0] == stream]
                self.assertEqual([experts for *_, experts in mine],
                                 [[(self.NO_MUTUAL_AUTH[0], self.NO_MUTUAL_AUTH[1]
                                    % (" from the SAE", "the server asked for none"))]] + [[]] * (len(mine) - 1))
                self.assertEqual({level for _, level, *_ in mine}, {"2"})

    def test_capture_after_the_handshake(self):
        # Without its handshake TLS cannot decrypt: TLS records, no Kq-1, no finding.
        frames = self.tshark.frames("kq1-tls13-after-handshake.pcapng")
        self.assertTrue(frames)
        self.assertEqual([frame for frame in frames if frame.pdus or frame.qkd014], [])
        out = self.tshark.run("-r", self.tshark.sample("kq1-tls13-after-handshake.pcapng"), "-Y", "tls.app_data",
                              "-T", "fields", "-e", "frame.number").stdout
        self.assertGreaterEqual(len(out.split()), 2)

    def test_every_plain_connection_notes_its_keys_once(self):
        # Every sample, in one pass and two: a connection in the clear gets
        # kq1.keys_in_clear on its first message with a key, and no other
        # transport finding.
        samples = [sample for sample in sorted(os.listdir(self.tshark.samples)) if sample.endswith(".pcapng")
                   and "tls" not in sample and "https" not in sample and sample != "kq1-transport-audit.pcapng"]
        for sample, options in ((sample, options) for sample in samples for options in ((), ("-2",))):
            seen = set()
            for frame in self.tshark.frames(sample, *options):
                for pdu in frame.pdus + frame.qkd014:
                    where = "%s frame %d %s" % (sample, frame.number, options)
                    self.assertEqual(pdu.get("kq1.transport_security"), "1", where)
                    # A Key (Kq-1), or the keys of a Get key with key IDs (ETSI only)
                    carries = bool(pdu.all("kq1.key") or pdu.all("qkd014.key_bits"))
                    first = carries and frame.stream not in seen
                    if carries:
                        seen.add(frame.stream)
                    note = self.KEYS_IN_CLEAR_HTTP if sample.startswith("qkd014") else self.KEYS_IN_CLEAR
                    self.assertEqual(pdu.transport_experts, [note] if first else [], where)

    def test_statistics(self):
        # The tree counts each connection once by its level; the Links table
        # shows a link's weakest connection.
        for options in ((), ("-2",)):
            tree = self.tshark.run("-r", self.tshark.sample("kq1-transport-audit.pcapng"), "-q", *options,
                                   "-z", "kq1,tree").stdout
            counts = [re.split(r"\s{2,}", line.strip())[:2] for line in tree.splitlines()
                      if line.startswith("Connections") or line.startswith(" ") and "TLS" in line
                      or line.startswith(" none") or line.startswith(" unknown")]
            self.assertEqual(counts, [["Connections, by transport security", "7"],
                                      ["TLS, both ends authenticated by certificate", "3"],
                                      ["TLS, server authenticated only", "2"],
                                      ["unknown (TLS handshake not read)", "1"], ["none (in the clear)", "1"]])
        for sample, transport in (("qkd014-https.pcapng", "TLS 1.3, mutual"),
                                  ("qkd014-https-no-client-cert.pcapng", "TLS 1.3, server only"),
                                  ("kq1-tls12.pcapng", "TLS 1.2, mutual"), ("kq1-transport-audit.pcapng", "none")):
            links = self.tshark.run("-r", self.tshark.sample(sample), "-q", "-z", "kq1,links").stdout
            self.assertEqual([row[-1] for row in table_rows(links, "Kq-1 Links")], [transport], sample)

    def test_preferences(self):
        # kq1.require_tls makes keys in the clear a Warning; kq1.check_peer_id off, no ID compared.
        frames = self.tshark.kq1_frames("kq1-transport-audit.pcapng", "-o", "kq1.require_tls:TRUE",
                                        "-o", "kq1.check_peer_id:FALSE")
        experts = [expert for frame in frames for pdu in frame.pdus for expert in pdu.transport_experts]
        self.assertEqual([name for name, _ in experts],
                         ["kq1.keys_in_clear", "kq1.no_mutual_auth", "kq1.no_mutual_auth", "kq1.old_tls"])
        self.assertEqual(experts[0][1], "Key material travels in the clear: this connection is plain TCP, not TLS "
                                        "(preference kq1.require_tls asks for TLS)")
        self.assertEqual(frames[0].pdus[0].severities["kq1.keys_in_clear"], "Warning")


class KeyAudit(Kq1TestCase):
    """Both ends of one link (Alice's module to her KM, Bob's to his): the
    two halves of each key compared, key material, key age."""

    PAIR_FIELDS = ("-T", "fields", "-e", "frame.number", "-e", "kq1.pair_status", "-e", "kq1.key_id_pair_frame",
                   "-Y", "kq1.command_code == 0x3101")

    def supplies(self, sample, *options):
        out = self.tshark.run("-r", self.tshark.sample(sample), *options, *self.PAIR_FIELDS).stdout
        return [line.split("\t") for line in out.splitlines()]

    def test_two_nodes_all_verified(self):
        # Alice's four keys, then Bob's halves of them: the later half knows
        # its partner in one pass, both with -2; no finding at all.
        alice = ["4", "8", "10", "12"]
        bob = ["20", "24", "26", "28"]
        self.assertEqual(self.supplies("kq1-two-nodes.pcapng"),
                         [[a, "", ""] for a in alice] + [[b, "1", a] for a, b in zip(alice, bob)])
        self.assertEqual(self.supplies("kq1-two-nodes.pcapng", "-2"),
                         [[a, "1", b] for a, b in zip(alice, bob)] + [[b, "1", a] for a, b in zip(alice, bob)])
        for options in ((), ("-2",)):
            for frame in self.tshark.kq1_frames("kq1-two-nodes.pcapng", *options):
                for pdu in frame.pdus:
                    self.assertEqual(pdu.experts, [], "frame %d %s" % (frame.number, options))

    def test_merged_captures(self):
        # One capture at each KM, merged as users do: the same pairs.
        self.tshark.prove_plugin_loaded()
        merged = os.path.join(self.tshark.workdir, "kq1-two-nodes-merged.pcapng")
        subprocess.run(["mergecap", "-w", merged, self.tshark.sample("kq1-two-nodes-alice.pcapng"),
                        self.tshark.sample("kq1-two-nodes-bob.pcapng")], check=True)
        os.chmod(merged, 0o644)
        out = self.tshark.run("-r", merged, "-2", *self.PAIR_FIELDS).stdout
        rows = [line.split("\t") for line in out.splitlines()]
        self.assertEqual(len(rows), 8)
        self.assertEqual([row[1] for row in rows], ["1"] * 8)
        links = self.tshark.run("-r", merged, "-q", "-z", "kq1,links").stdout
        self.assertEqual([row[:3] + row[5:] for row in table_rows(links, "Kq-1 Links")],
                         [["QKDM-Alice-01 → 127.0.0.1", "4", "1024", "4", "0", "0", "0", "", "none"],
                          ["QKDM-Bob-01 → 127.0.0.2", "4", "1024", "4", "0", "0", "0", "", "none"]])

    def test_key_age_both_formats(self):
        # RFC 3339 at Alice's, Unix milliseconds at Bob's: both read.
        out = self.tshark.run("-r", self.tshark.sample("kq1-two-nodes.pcapng"), "-Y", "kq1.command_code == 0x3101",
                              "-T", "fields", "-e", "frame.time_epoch", "-e", "kq1.generation_timestamp",
                              "-e", "kq1.key_age").stdout
        rows = [line.split("\t") for line in out.splitlines()]
        self.assertEqual(len(rows), 8)
        for frame_time, stamp, age in rows:
            self.assertEqual("%.3f" % float(age), key_age(frame_time, stamp))
        self.assertEqual([stamp.isdigit() for _, stamp, _ in rows], [False] * 4 + [True] * 4)

    # kq1-key-audit.pcapng: each key at Alice's KM, then at Bob's (see samples/record.py).
    REUSED = ("kq1.key_material_reused", "The key of key ID {id} is the same 256 bits as a key of another key ID "
                                         "supplied in frame 4: key material delivered twice")
    WEAK = ("kq1.weak_key", "Key (key) is 256 bits of one byte repeated: no random source gives such a key")
    FUTURE = ("kq1.key_from_future", "Key generated {s} s after this frame was captured, more than the clock skew "
                                     "allowed (5 s, see preference kq1.clock_skew; time stamp read as ISO 8601)")
    UNREADABLE = ("kq1.bad_timestamp", 'Generation time stamp "yesterday" is no time in ISO 8601 or Unix time '
                                       "(Q.4162 names no format; see preference kq1.timestamp_format)")

    def audit_findings(self, *options):
        """{frame: [(expert, message with key IDs and seconds as {id}, {s})]} of the Key supplies."""
        findings = {}
        for frame in self.tshark.kq1_frames("kq1-key-audit.pcapng", *options):
            for pdu in frame.pdus:
                if pdu.get("kq1.command_code") != "0x3101":
                    continue
                key_id = pdu.get("kq1.key_id")
                findings[frame.number] = [(name, re.sub(r"\d+\.\d{3} s after", "{s} s after",
                                                        text.replace(key_id, "{id}"))) for name, text in pdu.experts]
        return findings

    def test_faults_one_pass(self):
        mismatch = ("kq1.pair_mismatch", "The two halves of key ID {id} differ: both 256 bits, other bits than in "
                                         "frame 8 (Section 3.1.5: a QKD-key is a pair of the same bits)")
        expected = {4: [], 8: [], 10: [], 12: [], 14: [self.REUSED], 16: [self.WEAK], 18: [], 20: [self.FUTURE],
                    22: [self.UNREADABLE],
                    30: [], 34: [mismatch], 36: [], 38: [], 40: [self.WEAK], 42: [], 44: [self.FUTURE],
                    46: [self.UNREADABLE]}
        self.assertEqual(self.audit_findings(), expected)
        # The whole capture read: key 3 never reached Bob's KM.
        expected[10] = [("kq1.pair_missing", "Key ID {id} never reached the other end of this link, though that "
                                             "end received other keys in this capture")]
        self.assertEqual(self.audit_findings("-2"), expected)
        # Keys older than an hour: the one generated two hours before.
        old = [("kq1.key_too_old", re.sub(r"\d+\.\d{3}", "{s}", text)) for frame in
               self.tshark.kq1_frames("kq1-key-audit.pcapng", "-o", "kq1.max_key_age:3600")
               for pdu in frame.pdus for name, text in pdu.experts if name == "kq1.key_too_old"]
        self.assertEqual(old, [("kq1.key_too_old", "Key is {s} s old, older than the 3600 s allowed (see preference "
                                                   "kq1.max_key_age; time stamp read as ISO 8601)")] * 2)

    def test_pair_status_and_links(self):
        self.assertEqual([row[:2] for row in self.supplies("kq1-key-audit.pcapng", "-2")],
                         [["4", "1"], ["8", "2"], ["10", ""], ["12", "1"], ["14", "1"], ["16", "1"], ["18", "1"],
                          ["20", "1"], ["22", "1"], ["30", "1"], ["34", "2"], ["36", "1"], ["38", "1"], ["40", "1"],
                          ["42", "1"], ["44", "1"], ["46", "1"]])
        for options in ((), ("-2",)):
            links = self.tshark.run("-r", self.tshark.sample("kq1-key-audit.pcapng"), *options, "-q",
                                    "-z", "kq1,links").stdout
            missing = "1" if options else "0"    # known once the capture has been read
            self.assertEqual([row[:3] + row[5:] for row in table_rows(links, "Kq-1 Links")],
                             [["QKDM-Alice-01 → 127.0.0.1", "9", "2304", "7", "1", missing, "1", "", "none"],
                              ["QKDM-Bob-01 → 127.0.0.2", "8", "2048", "7", "1", "0", "0", "", "none"]], options)

    def test_ledger_missing_half(self):
        out = self.tshark.run("-r", self.tshark.sample("kq1-key-audit.pcapng"), "-2", "-q", "-z", "kq1,keys").stdout
        rows = table_rows(out, "Kq-1 Key Ledger")
        self.assertEqual([(row[1], row[8], row[9]) for row in rows[:4]],
                         [("4", "30", "verified"), ("8", "34", "mismatch"), ("10", "", "missing"), ("12", "36", "verified")])

    def test_ledger(self):
        out = self.tshark.run("-r", self.tshark.sample("kq1-two-nodes.pcapng"), "-q", "-z", "kq1,keys").stdout
        rows = table_rows(out, "Kq-1 Key Ledger")
        self.assertEqual(rows[0][1:10], ["4", "QKDM-Alice-01", "256", "6", "ok", "verified", "0", "20", "verified"])
        self.assertEqual([(row[1], row[8], row[9]) for row in rows],
                         [("4", "20", "verified"), ("8", "24", "verified"), ("10", "26", "verified"),
                          ("12", "28", "verified")])
        for row in rows:
            self.assertRegex(row[10], r"^1\.\d{3}$")   # stamped a second before the supply, to the second


class Qkd014KeyAudit(Kq1TestCase):
    """ETSI GS QKD 014 both ways: the keys of Get key (the master SAE's) and
    of Get key with key IDs (the slave's) compared; refusals; Status."""

    def qkd014_messages(self, *options):
        return [(frame.number, frame.qkd014[0]) for frame in self.tshark.frames("qkd014-key-audit.pcapng", *options)
                if frame.qkd014]

    def test_halves_compared(self):
        for options in ((), ("-2",)):
            frames = self.tshark.frames("qkd014-key-audit.pcapng", *options)
            container = next(frame for frame in frames if frame.pdus and frame.pdus[0].get("kq1.keys") == "3")
            by_id = [(number, pdu) for number, pdu in self.qkd014_messages(*options)
                     if pdu.get("qkd014.method") == "Key container for Get key with key IDs"]
            self.assertEqual(len(by_id), 2)
            (equal_frame, equal), (other_frame, other) = by_id
            self.assertEqual([equal.get("kq1.pair_status"), other.get("kq1.pair_status")], ["1", "2"])
            self.assertEqual([equal.get("kq1.key_id_pair_frame"), other.get("kq1.key_id_pair_frame")],
                             [str(container.number)] * 2)
            self.assertEqual(other.experts, [("kq1.pair_mismatch", "The two halves of key ID %s differ: both 256 "
                                              "bits, other bits than in frame %d (Section 3.1.5: a QKD-key is a "
                                              "pair of the same bits)" % (other.get("qkd014.key_id"),
                                                                          container.number))])
            self.assertEqual(equal.experts, [])
            master = container.pdus[0]
            if options:     # the first halves learn of the later ones once the capture is read
                self.assertEqual(master.all("kq1.pair_status"), ["1", "2"])
                self.assertEqual(master.all("kq1.key_id_pair_frame"), [str(equal_frame), str(other_frame)])
                self.assertEqual(master.expert_names(), ["kq1.pair_missing"])
            else:
                self.assertEqual(master.all("kq1.pair_status"), [])
                self.assertEqual(master.experts, [])

    def test_refusals_status_and_bare_get_key(self):
        messages = [(pdu.get("qkd014.method"), pdu.experts) for _, pdu in self.qkd014_messages()]
        self.assertEqual([method for method, _ in messages],
                         ["Get status", "Status", "Get key with key IDs", "Key container for Get key with key IDs",
                          "Get key with key IDs", "Key container for Get key with key IDs", "Get key with key IDs",
                          "Error for Get key with key IDs", "Get status", "Status", "Get status",
                          "Error for Get status"])
        self.assertEqual(messages[7][1], [(FAILED, 'Get key with key IDs failed: "400" (an HTTP error status, '
                                                   '"unknown key ID 00000000-0000-4000-8000-000000000000")')])
        self.assertEqual(messages[9][1], [(WRONG, "Stored key count (stored_key_count) is a string, expected an "
                                                  "integer")])
        self.assertEqual(messages[11][1], [(FAILED, 'Get status failed: "401" (an HTTP error status, "SAE not '
                                                    'authorized")')])
        status = self.qkd014_messages()[1][1]
        self.assertEqual({name: status.get(name) for name in (
            "qkd014.source_kme_id", "qkd014.target_kme_id", "qkd014.master_sae_id", "qkd014.slave_sae_id",
            "qkd014.key_size", "qkd014.stored_key_count", "qkd014.max_key_count", "qkd014.max_key_per_request",
            "qkd014.max_key_size", "qkd014.min_key_size", "qkd014.max_sae_id_count")},
            {"qkd014.source_kme_id": "KME-A", "qkd014.target_kme_id": "KME-B", "qkd014.master_sae_id": "SAE-A",
             "qkd014.slave_sae_id": "SAE-B", "qkd014.key_size": "256", "qkd014.stored_key_count": "25000",
             "qkd014.max_key_count": "100000", "qkd014.max_key_per_request": "128", "qkd014.max_key_size": "1024",
             "qkd014.min_key_size": "64", "qkd014.max_sae_id_count": "0"})
        # A Get key without parameters: the Kq-1 Key request, no parameter item.
        bare = [frame.pdus[0] for frame in self.tshark.kq1_frames("qkd014-key-audit.pcapng")
                if frame.pdus[0].get("kq1.command_code") is None and frame.pdus[0].get("kq1.response_in") is None
                and frame.pdus[0].get("kq1.response_to") is None and not frame.pdus[0].all("kq1.number_of_keys")]
        self.assertEqual(len(bare), 1)
        self.assertEqual(bare[0].experts, [])
        self.assertEqual([name for name in bare[0].fields if name.startswith("kq1.")], ["kq1.transport_security"])

    def test_links(self):
        for options in ((), ("-2",)):
            out = self.tshark.run("-r", self.tshark.sample("qkd014-key-audit.pcapng"), *options, "-q",
                                  "-z", "kq1,links").stdout
            missing = "1" if options else "0"
            self.assertEqual([row[:3] + row[5:] for row in table_rows(out, "Kq-1 Links")],
                             [["127.0.0.1 → SAE-B", "4", "1024", "1", "1", missing, "0", "25000", "none"]], options)


class WiresharkTables(Kq1TestCase):
    """Wireshark's own surfaces for Kq-1: conversations and endpoints of QKD
    modules and KMs, Service Response Time."""

    def z(self, sample, *statistics):
        args = ["-r", self.tshark.sample(sample), "-q"]
        for statistic in statistics:
            args += ["-z", statistic]
        return self.tshark.run(*args).stdout

    @staticmethod
    def conversations(out):
        """(A, B, frames) of each row of a -z conv table."""
        return [(m.group(1), m.group(2), int(m.group(3)))
                for m in re.finditer(r"^(\S+)\s+<->\s+(\S+)\s+\d+\s+\S+(?: \S+)?\s+\d+\s+\S+(?: \S+)?\s+(\d+)\s",
                                     out, re.M)]

    @staticmethod
    def endpoints(out):
        """{endpoint: packets} of a -z endpoints table."""
        return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\S+)\s+(\d+)\s+\d+", out, re.M)}

    def test_conversations_are_modules_and_kms(self):
        out = self.z("kq1-two-nodes.pcapng", "conv,kq1")
        self.assertEqual(self.conversations(out), [("QKDM-Alice-01", "127.0.0.1:4162", 8),
                                                   ("QKDM-Bob-01", "127.0.0.2:4162", 8)])
        # The conversation filter the Kq-1 tab prepares selects exactly its messages.
        frames = self.tshark.run("-r", self.tshark.sample("kq1-two-nodes.pcapng"), "-Y",
                                 'kq1.party=="QKDM-Alice-01" && kq1.party=="127.0.0.1:4162"',
                                 "-T", "fields", "-e", "frame.number").stdout.split()
        self.assertEqual(frames, ["4", "6", "8", "9", "10", "11", "12", "13"])
        # The same with -V, which prints the tree, and over HTTP (an SAE and its KME).
        for sample, party, count in (("kq1-two-nodes.pcapng", "QKDM-Bob-01", 8), ("qkd014-http.pcapng", "127.0.0.1:80", 14)):
            out = self.tshark.run("-r", self.tshark.sample(sample), "-V", "-Y", 'kq1.party == "%s"' % party).stdout
            self.assertEqual(out.count("\nFrame "), count - 1 if out.startswith("Frame ") else count, sample)

    def test_module_id_names_the_responses_too(self):
        # A Response to key supply carries no QKD module ID: its conversation's gives it.
        out = self.z("kq1-analysis.pcapng", "conv,kq1")
        self.assertEqual([row for row in self.conversations(out) if "QKDM-Alice-01" in row[:2]],
                         [("QKDM-Alice-01", "127.0.0.1:4162", 14)])

    def test_endpoints(self):
        self.assertEqual(self.endpoints(self.z("kq1-two-nodes.pcapng", "endpoints,kq1")),
                         {"QKDM-Alice-01": 8, "127.0.0.1:4162": 8, "QKDM-Bob-01": 8, "127.0.0.2:4162": 8})
        # ETSI GS QKD 014: the SAE by its address, the KME by its endpoint.
        self.assertEqual(self.endpoints(self.z("qkd014-http.pcapng", "endpoints,kq1")),
                         {"127.0.0.1": 14, "127.0.0.1:80": 14})

    def rtd_rows(self, sample):
        """{kind: (answered, open requests, discarded responses)} of -z kq1,rtd."""
        out = self.z(sample, "kq1,rtd")
        rows = {}
        for line in out.splitlines():
            cells = [cell.strip() for cell in line.split("|")]
            if len(cells) >= 10 and cells[1].isdigit():
                rows[cells[0]] = (int(cells[1]), int(cells[7]), int(cells[8]))
        return rows

    def test_service_response_time(self):
        # Six Key supplies answered, one never, one response unasked; four Key
        # requests answered, one never, one response unasked.
        self.assertEqual(self.rtd_rows("kq1-analysis.pcapng"),
                         {"Key supply": (6, 1, 1), "Key request": (4, 1, 1)})
        self.assertEqual(self.rtd_rows("qkd014-http.pcapng"),
                         {"Key request over HTTP (ETSI GS QKD 014 Get key)": (4, 0, 0)})

    def flow_comments(self, sample, display_filter):
        """The comment of each arrow of -z flow,any,standard,FILTER: the
        protocol, then the Info column."""
        out = self.z(sample, "flow,any,standard," + display_filter)
        return re.findall(r"^\|[\d.]+\|.*?\|(\S.*?)\s*$", out, re.M)

    def test_flow_of_kq1_messages(self):
        # Wireshark has no Kq-1 flow type for plugins (docs/limits.md); the
        # generic flow limited to Kq-1 gives one arrow per message, labelled by
        # the Kq-1 name that starts its Info column.
        comments = self.flow_comments("kq1-analysis.pcapng", "kq1")
        self.assertEqual(comments, ["%s: %s" % row for row in self.tshark.columns("kq1-analysis.pcapng").values()])
        self.assertEqual(comments[:2], [
            "Kq-1: Key supply, QKD module -> KM, MessageID 1, Key ID c8e95fba-2aac-418b-8c0f-faf3c5debdb4",
            "Kq-1: Response to key supply, KM -> QKD module, MessageID 1001, Key ID "
            "c8e95fba-2aac-418b-8c0f-faf3c5debdb4"])
        # Over HTTP, the Kq-1 or ETSI name comes first, where a short arrow label still shows it.
        names = [re.match(r"HTTP(?:/JSON)?: \[([^]]+)\] ", comment).group(1)
                 for comment in self.flow_comments("qkd014-http.pcapng", "kq1 || qkd014")]
        self.assertEqual(names, [
            "ETSI GS QKD 014 Get status", "ETSI GS QKD 014 Status",
            "Kq-1 Key request", "Kq-1 Response to key request", "Kq-1 Key request", "Kq-1 Response to key request",
            "ETSI GS QKD 014 Get key with key IDs", "ETSI GS QKD 014 Key container for Get key with key IDs",
            "ETSI GS QKD 014 Get key with key IDs", "ETSI GS QKD 014 Key container for Get key with key IDs",
            "Kq-1 Key request", "Kq-1 Error for Get key", "Kq-1 Key request", "Kq-1 Response to key request"])


class Hostile(Kq1TestCase):
    """The hostile corpus (samples/record.py's hostile-*): each capture holds a
    broken or malicious QKD module's connection, then a clean exchange on a
    connection of its own. Read in two passes, with tshark aborting on any
    dissector bug: each gives its expert infos, nothing throws, and the clean
    exchange after it decodes."""

    REUSED_4 = (REUSED, "Key ID c8e95fba-2aac-418b-8c0f-faf3c5debdb4 was already supplied in frame {f[0]}")
    NO_RESPONSE = ("kq1.no_response", "No response to this Key supply in the capture")

    def hostile(self, sample, *options):
        """The hostile Kq-1 frames; the clean exchange checked on the way."""
        every_frame = self.tshark.frames(sample, "-2", *options)
        for frame in every_frame:
            self.assertFalse(frame.exception, "%s: frame %d threw an exception" % (sample, frame.number))
        frames = [frame for frame in every_frame if frame.pdus]
        clean_supply, clean_response = frames[-2].pdus[-1], frames[-1].pdus[-1]
        self.assertEqual((clean_supply.get("kq1.message_id"), clean_supply.experts), ("1", []))
        self.assertEqual((clean_response.get("kq1.message_id"), clean_response.get("kq1.response_ok"),
                          clean_response.experts), ("1001", shown_bool(True), []))
        return frames[:-2]

    def assertExperts(self, sample, expected, *options):
        frames = self.hostile(sample, *options)
        numbers = [frame.number for frame in frames]
        self.assertEqual([pdu.experts for frame in frames for pdu in frame.pdus],
                         [[(name, with_frames(text, numbers)) for name, text in pdus] for pdus in expected])

    def test_length_65535(self):
        self.assertExperts("hostile-length-65535.pcapng", [[
            ("kq1.length_mismatch", "Length is 65535 but the message never completes: the connection or the "
                                    "capture ends first (100 payload bytes in this frame)")]])

    def test_length_0(self):
        self.assertExperts("hostile-length-0.pcapng", [
            [(MISSING, "Key (key) missing: mandatory in Key supply (Table 1)"),
             (MISSING, "Key ID (key_ID) missing: mandatory in Key supply (Table 1)")],
            [("kq1.wrong_direction", "CommandCode 0x1303 (KM -> QKD module) sent by the QKD module: frame "
                                     "{f[0]} set the roles of this conversation (the KM on port 4162), where "
                                     "only QKD module -> KM messages (0x31xx) go this way"),
             ("kq1.no_response", "No response to this Key request in the capture")],
            [self.NO_RESPONSE]])

    def test_keys_without_ids(self):
        # Info says the Key IDs are missing rather than ending on a label.
        rows = self.tshark.columns("hostile-keys-without-ids.pcapng")
        self.assertEqual([info for _, info in rows.values()][:2], [
            "Response to key request, QKD module -> KM, MessageID 1, Key ID missing",
            "Response to key request, QKD module -> KM, MessageID 2, Key IDs missing"])
        missing = "Key ID (key_ID) missing in Keys[%d]: mandatory in each key of Response to key request (Table 4)"
        no_request = ("kq1.no_request", "This Response to key request answers no unanswered Key request seen in "
                                        "this TCP conversation")
        self.assertExperts("hostile-keys-without-ids.pcapng", [
            [(MISSING, missing % 0), no_request], [(MISSING, missing % 0), (MISSING, missing % 1), no_request]])

    def test_short_header(self):
        self.assertExperts("hostile-short-header.pcapng", [[
            ("kq1.short_header", "Header cut short: 6 of its 10 bytes are in the captured data")]])

    def test_nested_65535_levels(self):
        frames = self.tshark.kq1_frames("kq1-bad-json.pcapng", "-2")
        self.assertEqual(frames[2].pdus[0].experts, [
            ("kq1.bad_json", "JSON nested deeper than 64 levels at payload byte 64; not parsed")])

    def test_ten_thousand_keys(self):
        pdu, = self.hostile("hostile-ten-thousand-keys.pcapng")[0].pdus
        self.assertEqual(pdu.get("kq1.keys"), "10000")
        self.assertEqual(len(pdu.all("kq1.key_file")), 10000)
        self.assertEqual(len(pdu.experts), 32 + 1 + 1)     # capped findings, how many more, no request
        self.assertEqual(pdu.experts[0], (MISSING, "Key (key) missing in Keys[0]: mandatory in each key of "
                                                   "Response to key request (Table 4)"))
        self.assertEqual(pdu.experts[-2:], [
            ("kq1.too_many_findings", "19968 more findings in this payload are not listed"),
            ("kq1.no_request", "This Response to key request answers no unanswered Key request seen in this "
                               "TCP conversation")])

    def test_long_key(self):
        pdu, = self.hostile("hostile-long-key.pcapng")[0].pdus
        self.assertEqual(len(pdu.get("kq1.key")), 60000)
        self.assertEqual(pdu.get("kq1.key_bits"), "360000")
        # The recorder fills the key with one byte: a key no random source gives.
        self.assertEqual(pdu.experts, [("kq1.weak_key", "Key (key) is 360000 bits of one byte repeated: no random "
                                                        "source gives such a key"), self.NO_RESPONSE])

    def test_strings(self):
        self.assertExperts("hostile-strings.pcapng", [
            [("kq1.bad_json", "Payload is not UTF-8 (RFC 8259): an invalid byte sequence at payload byte 64")],
            [("kq1.bad_json", "Payload is not UTF-8 (RFC 8259): a NUL byte at payload byte 64")],
            [("kq1.bad_string", "Key ID (key_ID) holds \\u0000: shown up to it"), self.NO_RESPONSE],
            # A lone surrogate escape: json-glib 1.6 (Debian 12) reads it into
            # a string that is no UTF-8; json-glib 1.10 (Debian 13, sid)
            # refuses the JSON text, so the message has no key ID to answer.
            # Its key is the third message's, whose key ID was cut at the NUL.
            [("kq1.key_material_reused", "The key of key ID c8e95fba-2aac-418b-8c0f-faf3c5debdb4 is the same 256 "
                                         "bits as a key of another key ID supplied in frame 8: key material "
                                         "delivered twice"),
             ("kq1.bad_string", "QKD module ID (qkd_module_ID) holds an escape that is no Unicode character "
                                "(a lone surrogate)"), self.NO_RESPONSE] if JSON_GLIB < (1, 10) else
            [("kq1.bad_json", "Payload is not valid JSON: line 1, column 126: scanner: malformed surrogate pair")]])

    def test_duplicates(self):
        self.assertExperts("hostile-duplicates.pcapng", [
            [("kq1.duplicate_member", 'Key ID given more than once (member "key_ID"); the last is used'),
             self.NO_RESPONSE],
            [self.REUSED_4, ("kq1.duplicate_member", 'Key ID given more than once (member "key_ID"); '
                                                     'the last is used'), self.NO_RESPONSE]])

    def test_numbers(self):
        self.assertExperts("hostile-numbers.pcapng", [
            [("kq1.value_out_of_range", "Key length (key_length) is -256: out of range (1 to 2147483647)"),
             ("kq1.key_length_mismatch", "Key length (key_length) is -256 but the key is 256 bits, assuming "
                                         "Key length counts bits (see preference kq1.key_length_unit)"),
             self.NO_RESPONSE],
            [("kq1.no_request", "This Response to key request answers no unanswered Key request seen in this "
                                "TCP conversation")],
            [self.REUSED_4, ("kq1.value_out_of_range", "Key length (key_length) is 99999999999999999999: out of range"),
             self.NO_RESPONSE],
            [self.REUSED_4, ("kq1.value_out_of_range", "Key length (key_length) is 2147483648: out of range "
                                                       "(1 to 2147483647)"),
             ("kq1.key_length_mismatch", "Key length (key_length) is 2147483648 but the key is 256 bits, "
                                         "assuming Key length counts bits (see preference kq1.key_length_unit)"),
             self.NO_RESPONSE],
            [self.REUSED_4, (WRONG, "Key length (key_length) is a number with a fraction or exponent, expected an "
                                    "integer"), self.NO_RESPONSE]])

    def test_extensions(self):
        self.assertExperts("hostile-extensions.pcapng", [
            [(WRONG, "Extension (extension) is a string, expected an array of objects"), self.NO_RESPONSE],
            [self.REUSED_4, (WRONG, "Extension (extension[0]) is an integer, expected an object"),
             (WRONG, "Extension (extension[1]) is a string, expected an object"),
             (WRONG, "Extension (extension[2]) is an array, expected an object"), self.NO_RESPONSE],
            [self.REUSED_4, (WRONG, "Extension (extension) is an object, expected an array of objects"),
             self.NO_RESPONSE]])

    def test_versions(self):
        # Q.4162 gives no Version value: any is accepted unless the user
        # lists the versions expected.
        self.assertExperts("hostile-versions.pcapng", [
            [self.NO_RESPONSE], [self.REUSED_4, self.NO_RESPONSE], [self.REUSED_4, self.NO_RESPONSE]])
        version = ("Version %d is not among the versions expected (1, see preference kq1.versions; Q.4162 gives "
                   "no value); decoded as the others")
        self.assertExperts("hostile-versions.pcapng", [
            [("kq1.unknown_version", version % 0), self.NO_RESPONSE],
            [("kq1.unknown_version", version % 2), self.REUSED_4, self.NO_RESPONSE],
            [("kq1.unknown_version", version % 65535), self.REUSED_4, self.NO_RESPONSE]], "-o", "kq1.versions:1")

    def test_zeros(self):
        # 409 ten-byte headers of zeros, then 6 bytes of one more
        pdus = [pdu for frame in self.hostile("hostile-zeros.pcapng") for pdu in frame.pdus]
        self.assertEqual(len(pdus), 410)
        for pdu in pdus[:-1]:
            self.assertEqual(pdu.expert_names(), ["kq1.unknown_command"])
        self.assertEqual(pdus[-1].expert_names(), ["kq1.short_header"])

    def test_ones(self):
        pdu, = self.hostile("hostile-ones.pcapng")[0].pdus
        self.assertEqual(pdu.expert_names(), ["kq1.unknown_command", "kq1.length_mismatch"])

    def test_random(self):
        pdus = [pdu for frame in self.hostile("hostile-random.pcapng") for pdu in frame.pdus]
        self.assertGreater(len(pdus), 0)
        for pdu in pdus:
            self.assertIn("kq1.unknown_command", pdu.expert_names())


PLUGIN_SOURCES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugin")


class FilterNames(Kq1TestCase):
    """Every kq1.* and qkd014.* filter name means one thing: no field or
    expert info registers a name another one has. Wireshark lists only the
    first of fields that share a name (tshark -G fields), so the names are
    read from the registrations in the sources too, and both lists must
    agree."""

    def registered_in_sources(self):
        fields, experts = [], []
        for path in sorted(glob.glob(os.path.join(PLUGIN_SOURCES, "*.c"))):
            with open(path, encoding="utf-8") as source:
                text = source.read()
            fields += re.findall(r'\{\s*"[^"]*",\s*"((?:kq1|qkd014)\.[^"]*)",\s*FT_', text)
            experts += re.findall(r'\{\s*"((?:kq1|qkd014)\.[^"]*)",\s*PI_', text)
        return fields, experts

    def test_no_name_registered_twice(self):
        fields, experts = self.registered_in_sources()
        self.assertGreater(len(fields), 30)
        self.assertGreater(len(experts), 20)
        names = fields + experts
        twice = sorted(name for name in set(names) if names.count(name) > 1)
        self.assertEqual(twice, [])
        listed = [line.split("\t")[2] for line in self.tshark.run("-G", "fields").stdout.splitlines()
                  if line.startswith("F\t") and re.match(r"(kq1|qkd014)\.", line.split("\t")[2])]
        self.assertEqual(sorted(listed), sorted(names))


# The README's filter cookbook, each filter with where it must match: a
# sample, and the frames it selects there exactly (so the others of that
# sample must not match), then a sample where it must match nothing. Frames
# are those of the sample; -2 is used throughout, as the GUI filters after
# the first pass, and filters that need no second pass are run in one too.
COOKBOOK = {
    "kq1": [("kq1-proactive.pcapng", [4, 6, 8, 9, 10, 11]), ("other-json.pcapng", [])],
    'kq1.command_code == 0x3101 && kq1.qkd_module_id == "QKDM-Alice-01"':
        [("kq1-proactive.pcapng", [4, 8, 10]), ("qkd014-http.pcapng", [])],
    "kq1.direction == 0x13": [("kq1-proactive.pcapng", [6, 9, 11]), ("qkd014-http.pcapng", [])],
    'kq1.key_id == "c8e95fba-2aac-418b-8c0f-faf3c5debdb4"':
        [("kq1-proactive.pcapng", [4, 6]), ("kq1-conforming.pcapng", [])],
    "kq1.response && !kq1.response_ok": [("kq1-conforming.pcapng", [26, 36, 39, 41]), ("kq1-analysis.pcapng", [])],
    "kq1.number_of_keys > 1": [("kq1-upon-request.pcapng", [4]), ("kq1-proactive.pcapng", [])],
    "kq1.missing_mandatory": [("kq1-missing-mandatory.pcapng", [4, 6, 11, 13, 22, 25, 27]),
                              ("kq1-conforming.pcapng", [])],
    # On plain TCP that includes the Note, once per connection, that keys travel in the clear.
    "_ws.expert && kq1": [("kq1-wrong-direction.pcapng", [4, 8, 9]), ("kq1-tls12.pcapng", [])],
    "_ws.expert && kq1 && !kq1.keys_in_clear": [("kq1-wrong-direction.pcapng", [8, 9]),
                                                ("kq1-conforming.pcapng", [])],
    "kq1.transport_security != 3": [("kq1-transport-audit.pcapng", [4, 6, 19, 22, 37, 38, 99, 101]),
                                    ("kq1-tls12.pcapng", [])],
    "kq1.no_mutual_auth || kq1.old_tls || kq1.peer_id_mismatch": [("kq1-transport-audit.pcapng", [19, 37, 51, 70]),
                                                                  ("kq1-tls12.pcapng", [])],
    "kq1.missing_mandatory || kq1.wrong_type || kq1.bad_json || kq1.length_mismatch || kq1.wrong_direction "
    "|| kq1.unknown_command": [("kq1-bad-json.pcapng", [4, 6, 12, 13]), ("kq1-conforming.pcapng", [])],
    "kq1.wrong_direction": [("kq1-wrong-direction.pcapng", [8, 9]), ("kq1-conforming.pcapng", [])],
    'json.key == "key_extension"': [("kq1-upon-request.pcapng", [6, 9, 11]), ("kq1-proactive.pcapng", [])],
    "kq1.response_ok == 0": [("kq1-analysis.pcapng", [15, 37]), ("kq1-conforming.pcapng", [])],
    "qkd014": [("qkd014-http.pcapng", [4, 8, 44, 48, 56, 60]), ("kq1-conforming.pcapng", [])],
    "kq1.hash_mismatch || kq1.hash_not_matched || kq1.key_length_mismatch || kq1.wrong_key_size "
    "|| kq1.key_encoding_unknown": [("kq1-analysis.pcapng", [8, 10, 35]), ("kq1-conforming.pcapng", [])],
    # The first half learns of the later one only once the capture has been read.
    "kq1.pair_status == 1": [("kq1-conforming.pcapng", {"": [14], "-2": [4, 14]}), ("kq1-proactive.pcapng", [])],
    "kq1.pair_mismatch || kq1.pair_missing": [("kq1-key-audit.pcapng", {"": [34], "-2": [10, 34]}),
                                              ("kq1-two-nodes.pcapng", [])],
    "kq1.key_material_reused || kq1.weak_key": [("kq1-key-audit.pcapng", [14, 16, 40]), ("kq1-two-nodes.pcapng", [])],
    "kq1.key_id_reused": [("kq1-analysis.pcapng", [14, 35]), ("kq1-conforming.pcapng", [])],
    "kq1.key_id_first_frame": [("kq1-analysis.pcapng", [14, 35]), ("kq1-conforming.pcapng", [])],
    "kq1.no_response": [("kq1-analysis.pcapng", [18, 40]), ("kq1-conforming.pcapng", [])],
    "kq1.response_time > 0.1": [("kq1-retransmission.pcapng", [10]), ("kq1-conforming.pcapng", [])],
}

# Filters that select only once the whole capture is read.
TWO_PASSES_ONLY = {"kq1.no_response"}


def table_filters(path, heading):
    """The filters (in backquotes) of the table under heading in a Markdown file, in order."""
    with open(os.path.join(os.path.dirname(PLUGIN_SOURCES), path), encoding="utf-8") as document:
        text = document.read()
    section = text[text.index(heading):]
    section = section[:section.find("\n#", 1)] if "\n#" in section[1:] else section
    filters = []
    for row in section.splitlines():
        cells = row.replace("\\|", "\x00").split("|")
        if len(cells) >= 3 and "`" in cells[2]:
            filters += [code.replace("\x00", "|") for code in re.findall(r"`([^`]+)`", cells[2])]
    return filters


def cookbook_filters():
    """The filters of the manual's cookbook (docs/filters.md), in order."""
    return table_filters(os.path.join("docs", "filters.md"), "# Filter cookbook")


class Cookbook(Kq1TestCase):
    def test_every_filter_is_tested(self):
        self.assertEqual(sorted(cookbook_filters()), sorted(COOKBOOK))
        # The README's five are the cookbook's, so tested alike.
        five = table_filters("README.md", "## Five filters people use most")
        self.assertEqual(len(five), 5)
        self.assertEqual([f for f in five if f not in COOKBOOK], [])

    def test_each_filter_selects_what_it_says(self):
        self.tshark.prove_plugin_loaded()
        for display_filter, cases in COOKBOOK.items():
            self.assertTrue(cases[0][1] and not cases[-1][1], display_filter)
            for sample, frames in cases:
                passes = [("-2",)] if display_filter in TWO_PASSES_ONLY else [(), ("-2",)]
                for options in passes:
                    out = self.tshark.run("-r", self.tshark.sample(sample), *options, "-Y", display_filter,
                                          "-T", "fields", "-e", "frame.number").stdout
                    expected = frames.get(" ".join(options)) if isinstance(frames, dict) else frames
                    self.assertEqual([int(number) for number in out.split()], expected,
                                     "%s on %s %s" % (display_filter, sample, " ".join(options)))


def main():
    global TSHARK, WS_RELEASE, JSON_GLIB
    parser = argparse.ArgumentParser()
    parser.add_argument("--plugin-dir", required=True)
    parser.add_argument("--samples", required=True)
    parser.add_argument("--tshark", default="tshark")
    args, rest = parser.parse_known_args()
    TSHARK = (args.tshark, args.plugin_dir, args.samples)
    WS_RELEASE = staged_plugin(args.plugin_dir).split(os.sep)[0]
    version = subprocess.run(["pkg-config", "--modversion", "json-glib-1.0"], check=True,
                             capture_output=True, text=True).stdout.strip()
    JSON_GLIB = tuple(int(part) for part in version.split(".")[:2])
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
