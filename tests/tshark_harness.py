# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs tshark with the Kq-1 plugin from the build tree and reads its PDML.

tshark started by root loads no personal plugins and ignores
WIRESHARK_PLUGIN_DIR, so as root the plugin and the captures are copied to a
folder that nobody can read and tshark runs as nobody. Every Tshark first
proves, from `tshark -G plugins`, that the plugin it runs is the one built.
"""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET



def staged_plugin(plugin_dir):
    """The release folder and kq1.so the build staged under plugin_dir
    (plugin_dir/<major>.<minor>/epan/kq1.so, for the Wireshark it was built
    against)."""
    found = glob.glob(os.path.join(plugin_dir, "*", "epan", "kq1.so"))
    if len(found) != 1:
        raise AssertionError("expected one <major>.<minor>/epan/kq1.so under %s, found %s" % (plugin_dir, found))
    return os.path.relpath(found[0], plugin_dir)


class PluginNotLoaded(AssertionError):
    pass


# The findings on how a connection is protected, once per connection: kept
# apart from a message's own, so that each sample's tests list what its
# messages say, and the transport tests (and a sweep over every sample) what
# their connections are.
TRANSPORT_EXPERTS = {"kq1.keys_in_clear", "kq1.no_mutual_auth", "kq1.old_tls", "kq1.peer_id_mismatch"}


class Pdu:
    """One Kq-1 PDU of a frame: its fields, expert infos and JSON members."""

    def __init__(self, proto):
        self.fields = {}       # field abbreviation -> [shown values, in tree order]
        self.hex = {}          # field abbreviation -> [the bytes each item covers, in hex]
        self.experts = []      # (expert abbreviation, message), but for TRANSPORT_EXPERTS
        self.transport_experts = []   # (expert abbreviation, message) of TRANSPORT_EXPERTS
        self.severities = {}   # expert abbreviation -> its severity ("Warning", "Note", ...)
        self.json_members = []  # "member:value" as the JSON dissector shows them
        self._walk(proto)

    def _walk(self, element):
        for child in element:
            if child.tag == "proto":
                if child.get("name") == "json":
                    self.json_members += [field.get("show") for field in child.iter("field")
                                          if field.get("name") == "json.member_with_value"]
                continue
            name = child.get("name")
            if name == "_ws.expert":
                abbrev = child[0].get("name")
                message = next(field.get("show") for field in child
                               if field.get("name") == "_ws.expert.message")
                (self.transport_experts if abbrev in TRANSPORT_EXPERTS else self.experts).append((abbrev, message))
                self.severities[abbrev] = next(field.get("showname").split(": ", 1)[1] for field in child
                                               if field.get("name") == "_ws.expert.severity")
                continue
            self.fields.setdefault(name, []).append(child.get("show"))
            self.hex.setdefault(name, []).append(child.get("value"))
            self._walk(child)

    def get(self, name):
        """The one value of a field, or None."""
        values = self.fields.get(name, [])
        if len(values) > 1:
            raise AssertionError("%s occurs %d times" % (name, len(values)))
        return values[0] if values else None

    def covered(self, name):
        """The bytes each item of a field covers."""
        return [bytes.fromhex(value) for value in self.hex.get(name, [])]

    def all(self, name):
        return self.fields.get(name, [])

    def expert_names(self):
        return [abbrev for abbrev, _ in self.experts]


class Frame:
    def __init__(self, packet):
        self.number = int(packet.find("proto[@name='geninfo']/field[@name='num']").get("show"))
        stream = packet.find(".//field[@name='tcp.stream']")
        self.stream = int(stream.get("show")) if stream is not None else None
        self.pdus = [Pdu(proto) for proto in packet.iter("proto") if proto.get("name") == "kq1"]
        # ETSI GS QKD 014 messages that are not Kq-1 (Appendix II maps only Get key)
        self.qkd014 = [Pdu(proto) for proto in packet.iter("proto") if proto.get("name") == "qkd014"]
        # A dissector that throws leaves "_ws.malformed" at the packet's top
        # level; Kq-1's own malformed expert infos put it inside kq1.
        self.exception = any(child.get("name") in ("_ws.malformed", "_ws.short")
                             for child in packet) or any(
            "Exception occurred" in (field.get("show") or "") or "Dissector bug" in (field.get("show") or "")
            for field in packet.iter("field") if field.get("name") == "_ws.expert.message")


class Tshark:
    def __init__(self, tshark, plugin_dir, samples):
        self.tshark = tshark
        self.samples = samples
        self.as_root = os.geteuid() == 0
        self.workdir = tempfile.mkdtemp(prefix="kq1-tshark-")
        os.chmod(self.workdir, 0o755)
        # HOME is a fresh folder: no personal preferences change the decode.
        self.home = os.path.join(self.workdir, "home")
        os.mkdir(self.home)
        self.plugin_dir = os.path.join(self.workdir, "plugins")
        shutil.copytree(plugin_dir, self.plugin_dir)
        self.plugin = os.path.join(self.plugin_dir, staged_plugin(plugin_dir))
        for folder, _, files in os.walk(self.workdir):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        if self.as_root:
            os.chown(self.home, *self._nobody())

    @staticmethod
    def _nobody():
        import pwd
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid

    def close(self):
        shutil.rmtree(self.workdir, ignore_errors=True)

    def sample(self, name):
        """The path tshark reads a sample from (a copy nobody can read, as root)."""
        source = os.path.join(self.samples, name)
        target = os.path.join(self.workdir, name)
        if not os.path.exists(target):
            shutil.copyfile(source, target)
            os.chmod(target, 0o644)
        return target

    def run(self, *args, check=True, env=None, wrapper=(), keep_stdout=True, abort_on_dissector_bug=True):
        """tshark with args (under wrapper, e.g. valgrind; env added to its
        environment); as root, as nobody. Output that is not UTF-8 (bytes of
        other protocols) is read with replacement characters. A dissector
        bug aborts tshark unless abort_on_dissector_bug is false."""
        full_env = dict(os.environ, HOME=self.home, WIRESHARK_PLUGIN_DIR=self.plugin_dir,
                        WIRESHARK_ABORT_ON_DISSECTOR_BUG="1", LC_ALL="C.UTF-8")
        full_env.pop("WIRESHARK_CONFIG_DIR", None)
        if not abort_on_dissector_bug:
            full_env.pop("WIRESHARK_ABORT_ON_DISSECTOR_BUG")
        full_env.update(env or {})
        command = list(wrapper) + [self.tshark] + list(args)
        if self.as_root:
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + command
        result = subprocess.run(command, env=full_env, stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, errors="replace", timeout=600)
        if check and result.returncode != 0:
            raise AssertionError("tshark failed (%d): %s\n%s" % (result.returncode, " ".join(args),
                                                                  result.stderr))
        return result

    def prove_plugin_loaded(self):
        """Raises unless tshark lists kq1.so from this build as a dissector plugin."""
        listing = self.run("-G", "plugins").stdout
        for line in listing.splitlines():
            columns = line.split("\t")
            if columns[0].strip() == "kq1.so" and columns[-1].strip() == self.plugin \
                    and columns[2].strip() == "dissector":
                return
        raise PluginNotLoaded("tshark did not load %s:\n%s" % (self.plugin, listing))

    def frames(self, sample, *options):
        """Every frame of a sample, decoded to PDML with -V (so dissector bugs abort)."""
        self.prove_plugin_loaded()
        pdml = self.run("-r", self.sample(sample), "-T", "pdml", *options).stdout
        return [Frame(packet) for packet in ET.fromstring(pdml).iter("packet")]

    def kq1_frames(self, sample, *options):
        return [frame for frame in self.frames(sample, *options) if frame.pdus]

    def columns(self, sample, *options, display_filter="kq1"):
        """{frame number: (Protocol, Info)} for the frames with Kq-1, as the
        packet list shows them. (Not from the _ws.col.* fields: in
        Wireshark 4.4 and 4.6 those miss what a postdissector writes, which
        the packet list shows.)"""
        self.prove_plugin_loaded()
        out = self.run("-r", self.sample(sample), "-Y", display_filter, "-T", "tabs",
                       "-o", 'gui.column.format:"No.","%m","Protocol","%p","Info","%i"', *options).stdout
        rows = {}
        for line in out.splitlines():
            number, protocol, info = line.split("\t", 2)
            rows[int(number)] = (protocol, info)
        return rows


def kq1_leaks(valgrind_log):
    """The loss records of valgrind's leak check that are definitely lost
    blocks allocated through Kq-1 code, as text."""
    records = re.split(r"\n==\d+== \n", valgrind_log)
    return [record for record in records if "definitely lost" in record and re.search(r"kq1", record)]
