-- SPDX-License-Identifier: GPL-2.0-or-later
-- What a user without the plugin writes instead: the Kq-1 header as fields,
-- TCP framing, and Wireshark's JSON dissector on the payload. The benchmark's
-- "Lua peer" (bench/benchmark.py); not part of the product.
--   tshark -X lua_script:bench/kq1_peer.lua --disable-protocol kq1 -r capture.pcapng
local kq1lua = Proto("kq1lua", "Kq-1 (Lua peer)")
local f_version = ProtoField.uint16("kq1lua.version", "Version")
local f_message_id = ProtoField.uint32("kq1lua.message_id", "MessageID")
local f_command_code = ProtoField.uint16("kq1lua.command_code", "CommandCode", base.HEX)
local f_length = ProtoField.uint16("kq1lua.length", "Length")
kq1lua.fields = { f_version, f_message_id, f_command_code, f_length }
local json = Dissector.get("json")

local function pdu_length(tvb, pinfo, offset)
    return 10 + tvb(offset + 8, 2):uint()
end

local function dissect_pdu(tvb, pinfo, tree)
    local subtree = tree:add(kq1lua, tvb())
    subtree:add(f_version, tvb(0, 2))
    subtree:add(f_message_id, tvb(2, 4))
    subtree:add(f_command_code, tvb(6, 2))
    subtree:add(f_length, tvb(8, 2))
    pinfo.cols.protocol = "Kq-1"
    pinfo.cols.info = string.format("CommandCode 0x%04x, MessageID %u", tvb(6, 2):uint(), tvb(2, 4):uint())
    if tvb:len() > 10 then
        json:call(tvb(10):tvb(), pinfo, tree)
    end
    return tvb:len()
end

function kq1lua.dissector(tvb, pinfo, tree)
    dissect_tcp_pdus(tvb, tree, 10, pdu_length, dissect_pdu)
    return tvb:len()
end

DissectorTable.get("tcp.port"):add(4162, kq1lua)
