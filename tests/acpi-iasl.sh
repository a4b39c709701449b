#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `smmush decode acpi` against iasl (acpica-tools), the reference ACPI
# compiler and disassembler: iasl's own DMAR, IORT and IVRS templates, QEMU's
# own IVRS tables (tests/data/acpi/qemu-q35-ivrs-*.dat) and the
# hand-written tables in tests/data/acpi/*.asl are compiled with iasl, decoded
# by smmush as JSON, and every field iasl's disassembly prints is compared
# with smmush's (tests/acpi-compare.py).  Structures this iasl (20200925)
# cannot compile, DMAR SATC, IORT RMR and revision-4 root complexes, IVRS
# IVHD type 40h and ACPI HID device entries, are
# appended with python and checked field by field.  Then corrupt tables,
# made by patching those binaries, must each fail with one line on stderr.
#
# Needs SMMUSH (the binary) and srcdir; iasl and python3.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
# lib.sh's run/expect_* record exit codes: call them with `|| true` so that
# set -e (which stops at anything unexpected) leaves them alone.
set -euo pipefail

data=$srcdir/tests/data/acpi
compare=$srcdir/tests/acpi-compare.py

if ! command -v iasl >/dev/null; then
	not_ok "iasl not found: install the Debian package acpica-tools"
	finish
	exit 1
fi

# iasl loops forever on some bad input (a subtable length of 0): bound it.
iasl_run() { (cd "$TMP" && timeout 60 iasl "$@") >"$TMP/iasl.log" 2>&1; }

# compiled NAME.aml -> NAME.dsl, NAME.json; then the field-by-field comparison
compare_with_iasl() {
	local name=$1
	if ! iasl_run -d "$name.aml" || [ ! -s "$TMP/$name.dsl" ]; then
		not_ok "$name: iasl -d: $(tail -3 "$TMP/iasl.log" | tr '\n' ' ')"
		return
	fi
	if ! "$SMMUSH" -j decode acpi "$TMP/$name.aml" >"$TMP/$name.json" 2>"$TMP/$name.err"; then
		not_ok "$name: smmush -j decode acpi failed: $(cat "$TMP/$name.err")"
		return
	fi
	if python3 "$compare" "$TMP/$name.dsl" "$TMP/$name.json" >"$TMP/$name.cmp"; then
		ok "$name: $(tail -1 "$TMP/$name.cmp")"
	else
		not_ok "$name: differs from iasl:"
		sed 's/^/#   /' "$TMP/$name.cmp" | head -20
	fi
	if "$SMMUSH" decode acpi "$TMP/$name.aml" >"$TMP/$name.txt" 2>"$TMP/$name.err" &&
		[ ! -s "$TMP/$name.err" ] && [ -s "$TMP/$name.txt" ]; then
		ok "$name: text decode, $(wc -l <"$TMP/$name.txt") lines"
	else
		not_ok "$name: text decode failed: $(head -1 "$TMP/$name.err")"
	fi
}

# --- iasl's own templates ---------------------------------------------------------
for sig in DMAR IORT IVRS; do
	name=template-$(tr 'A-Z' 'a-z' <<<"$sig")
	if iasl_run -T "$sig" && mv "$TMP/$(tr 'A-Z' 'a-z' <<<"$sig").asl" "$TMP/$name.asl" &&
		iasl_run -p "$name" "$name.asl" && [ -s "$TMP/$name.aml" ]; then
		compare_with_iasl "$name"
	else
		not_ok "$name: iasl -T $sig did not compile: $(tail -3 "$TMP/iasl.log" | tr '\n' ' ')"
	fi
done

# --- hand-written tables ------------------------------------------------------------
for asl in "$data"/*.asl; do
	name=$(basename "$asl" .asl)
	if iasl_run -p "$name" "$asl" && [ -s "$TMP/$name.aml" ]; then
		compare_with_iasl "$name"
	else
		not_ok "$name: iasl did not compile $asl: $(tail -3 "$TMP/iasl.log" | tr '\n' ' ')"
	fi
done

# --- QEMU's own IVRS tables (qemu tests/data/acpi/q35), as they are ---------------
# and real machines' DMARs with RMRRs (Surface firmware dumps), as they are
for dat in "$data"/qemu-q35-ivrs-*.dat "$data"/real-*-DMAR.dat; do
	name=$(basename "$dat" .dat)
	cp "$dat" "$TMP/$name.aml"
	compare_with_iasl "$name"
done

# The compiled tables in tests/data/acpi (read by valgrind.sh and the fuzz
# corpus) must be what their .asl compiles to, less the compiler's own
# revision and so the checksum.
for asl in "$data"/*.asl; do
	name=$(basename "$asl" .asl)
	[ -f "$data/$name.dat" ] || continue
	if python3 - "$TMP/$name.aml" "$data/$name.dat" <<'PY'
import sys
a, b = (bytearray(open(p, "rb").read()) for p in sys.argv[1:])
for t in (a, b):
    t[9] = 0
    t[32:36] = bytes(4)
sys.exit(a != b)
PY
	then
		ok "$name.dat is $name.asl compiled"
	else
		not_ok "$name.dat is not what $name.asl compiles to: recompile it with iasl"
	fi
done

# --- what this iasl cannot compile, appended with python -------------------------------
# tables.py: shared by the additions here and the corruptions below.
cat >"$TMP/tables.py" <<'PY'
import struct, sys

def load(path):
    return bytearray(open(path, "rb").read())

def fix(t):
    """Set the header length to the buffer's and recompute the checksum."""
    struct.pack_into("<I", t, 4, len(t))
    t[9] = 0
    t[9] = (-sum(t)) & 0xff
    return t

def dmar_structs(t):
    """(offset, type, length) of every remapping structure."""
    out, off = [], 48
    while off + 4 <= len(t):
        typ, ln = struct.unpack_from("<HH", t, off)
        out.append((off, typ, ln))
        if ln == 0:
            break
        off += ln
    return out

def iort_nodes(t):
    """offset -> (type, length, mapping count, mapping offset)"""
    count, off = struct.unpack_from("<II", t, 36)
    out = {}
    for _ in range(count):
        typ, ln = t[off], struct.unpack_from("<H", t, off + 1)[0]
        mc, mo = struct.unpack_from("<II", t, off + 8)
        out[off] = (typ, ln, mc, mo)
        off += ln
    return out

def node_of(t, typ):
    return next(o for o, n in iort_nodes(t).items() if n[0] == typ)

def add_iort_node(t, node):
    t += node
    struct.pack_into("<I", t, 36, struct.unpack_from("<I", t, 36)[0] + 1)
    return t

def mapping(inp, count, out, ref, flags):
    return struct.pack("<IIIII", inp, count, out, ref, flags)
PY

python3 - "$TMP" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from tables import *
tmp = sys.argv[1]

# DMAR + SATC (type 5): ATC_REQUIRED, segment 0, one endpoint scope 00:1f.6
t = load(tmp + "/dmar-full.aml")
satc_at = len(t)
t += struct.pack("<HHBBH", 5, 16, 1, 0, 0) + bytes([1, 8, 0, 0, 0, 0, 0x1f, 6])
open(tmp + "/dmar-satc.aml", "wb").write(fix(t))
open(tmp + "/dmar-satc.at", "w").write("%d\n" % satc_at)

# IORT + RMR (type 6, node revision 3): RemappingPermitted, AccessPrivileged,
# attributes 5 (Normal write-back); two 64 KiB ranges; one ID mapping of
# StreamID 0x400 to the SMMUv3.  Then a revision-4 root complex with PASID
# capabilities (max width 20) and Flags (PASID supported), RIDs to the SMMUv3.
t = load(tmp + "/iort-full.aml")
smmuv3 = node_of(t, 4)
rmr_at = len(t)
hdr = struct.pack("<BHBIII", 6, 28 + 20 + 40, 3, 7, 1, 28)
body = struct.pack("<III", 1 | 2 | 5 << 2, 2, 48)
t = add_iort_node(t, hdr + body + mapping(0x400, 0, 0x400, smmuv3, 1) +
                  struct.pack("<QQI", 0x80000000, 0x10000, 0) +
                  struct.pack("<QQI", 0x80100000, 0x20000, 0))
rc_at = len(t)
hdr = struct.pack("<BHBIII", 2, 40 + 20, 4, 8, 1, 40)
memprops = struct.pack("<IBHB", 1, 0, 0, 3)
body = memprops + struct.pack("<IIBHBI", 7, 1, 44, 0x14, 0, 1)
t = add_iort_node(t, hdr + body + mapping(0, 0xffff, 0x10000, smmuv3, 0))
open(tmp + "/iort-rmr.aml", "wb").write(fix(t))
open(tmp + "/iort-rmr.at", "w").write("%d %d\n" % (rmr_at, rc_at))

# IVRS + IVHD 40h (revision 2): a Select of 00:08.0, an ACPI HID device
# AMDI0020 with a string UID "ID", one with an integer UID 0x1234 and no CID,
# then an Alias Start whose range never ends (a warning).
t = load(tmp + "/ivrs-full.aml")
t[8] = 2
ivhd40_at = len(t)
hid1 = struct.pack("<BHB", 0xf0, 0x00a5, 0x40) + b"AMDI0020" + b"PNP0501\0" + bytes([2, 2]) + b"ID"
hid2 = struct.pack("<BHB", 0xf0, 0x00a6, 0) + b"AMDI0030" + bytes(8) + bytes([1, 2]) + struct.pack("<H", 0x1234)
ents = struct.pack("<BHB", 2, 0x40, 0) + hid1 + hid2
body = struct.pack("<HQHHIQQ", 0x40, 0xfeb80000, 0, 0x100, 0, 0x246577efa2254afa, 0x1)
t += struct.pack("<BBHH", 0x40, 0x30, 4 + 2 + len(body) + len(ents), 2) + body + ents
open(tmp + "/ivrs-40.aml", "wb").write(fix(t))
open(tmp + "/ivrs-40.at", "w").write("%d\n" % ivhd40_at)
PY

run -j decode acpi "$TMP/dmar-satc.aml" || true
satc_at=$(cat "$TMP/dmar-satc.at")
check "DMAR SATC: every field" json_valid "$TMP/out" \
	"[s for s in doc['structures'] if s['offset'] == $satc_at] == [{
	  'offset': $satc_at, 'length': 16, 'type': 5, 'type_name': 'SATC', 'flags': '0x1',
	  'atc_required': True, 'reserved': 0, 'segment': 0,
	  'scopes': [{'offset': $satc_at + 8, 'length': 8, 'type': 1, 'type_name': 'PCI endpoint',
	              'reserved': 0, 'enumeration_id': 0, 'start_bus': 0,
	              'path': [{'device': 31, 'function': 6}]}]}]" \
	"doc['warnings'] == []"

run -j decode acpi "$TMP/iort-rmr.aml" || true
read -r rmr_at rc_at <"$TMP/iort-rmr.at"
check "IORT RMR: every field" json_valid "$TMP/out" \
	"[n for n in doc['nodes'] if n['offset'] == $rmr_at] == [{
	  'offset': $rmr_at, 'length': 88, 'type': 6, 'type_name': 'RMR', 'revision': 3,
	  'identifier': 7, 'mapping_count': 1, 'mapping_offset': '0x1c',
	  'flags': '0x17', 'remapping_permitted': True, 'access_privileged': True,
	  'access_attributes': 5, 'access_attributes_name': 'Normal Inner/Outer Write-back',
	  'descriptor_count': 2, 'descriptor_offset': '0x30',
	  'descriptors': [
	    {'offset': $rmr_at + 48, 'length': 20, 'base_address': '0x80000000',
	     'range_length': '0x10000', 'reserved': 0},
	    {'offset': $rmr_at + 68, 'length': 20, 'base_address': '0x80100000',
	     'range_length': '0x20000', 'reserved': 0}],
	  'mappings': [{'offset': $rmr_at + 28, 'length': 20, 'input_base': '0x400', 'id_count': 0,
	                'output_base': '0x400', 'output_reference': '0x4c', 'output_type': 'SMMUv3',
	                'flags': '0x1', 'single_mapping': True}]}]" \
	"doc['node_count'] == 8" "doc['warnings'] == []"
check "IORT root complex revision 4: PASID capabilities and flags" json_valid "$TMP/out" \
	"([(n['revision'], n['pasid_capabilities'], n['max_pasid_width'], n['flags'],
	   n['pasid_supported'], n['memory_address_limit'], n['ats_attribute'], n['pri_supported'],
	   n['pasid_forwarding'], n['pci_segment'], n['identifier'], n['memory_access']['cpm'],
	   n['mappings'][0]['output_type'])
	  for n in doc['nodes'] if n['offset'] == $rc_at] ==
	 [(4, '0x14', 20, '0x1', True, 44, '0x7', True, True, 1, 8, True, 'SMMUv3')])"
expect_out "IORT RMR as text" \
	'RMR, length 88, revision 3.*|MemoryRange 1: Base=0x80100000 Length=0x20000' \
	decode acpi "$TMP/iort-rmr.aml" || true

run -j decode acpi "$TMP/ivrs-40.aml" || true
ivhd40_at=$(cat "$TMP/ivrs-40.at")
check "IVRS IVHD 40h and ACPI HID devices: every field" json_valid "$TMP/out" \
	"([(b['type'], b['length'], b['flags'], b['device_id'], b['base_address'], b['info'], b['unit_id'],
	   b['attributes'], b['efr_image'], b['efr2_image'])
	  for b in doc['blocks'] if b['offset'] == $ivhd40_at] ==
	 [(0x40, 40 + 4 + 24 + 24, '0x30', '0x2', '0xfeb80000', '0x100', 1, '0x0', '0x246577efa2254afa', '0x1')])" \
	"[d for b in doc['blocks'] if b['offset'] == $ivhd40_at for d in b['devices']][1:] == [
	  {'offset': $ivhd40_at + 44, 'length': 24, 'type': 240, 'type_name': 'ACPI HID Device',
	   'device_id': '0xa5', 'dte_setting': '0x40', 'init_pass': False, 'eint_pass': False,
	   'nmi_pass': False, 'sysmgt': 0, 'lint0_pass': True, 'lint1_pass': False,
	   'hid': 'AMDI0020', 'cid': 'PNP0501', 'uid_format': 2, 'uid_length': 2, 'uid': 'ID'},
	  {'offset': $ivhd40_at + 68, 'length': 24, 'type': 240, 'type_name': 'ACPI HID Device',
	   'device_id': '0xa6', 'dte_setting': '0x0', 'init_pass': False, 'eint_pass': False,
	   'nmi_pass': False, 'sysmgt': 0, 'lint0_pass': False, 'lint1_pass': False,
	   'hid': 'AMDI0030', 'cid': '', 'uid_format': 1, 'uid_length': 2, 'uid': '0x1234'}]" \
	"[r for b in doc['blocks'] if b['offset'] == $ivhd40_at for r in b['device_ranges']] == [
	  {'first': '0x40', 'last': '0x40', 'alias': None, 'dte_setting': '0x0'},
	  {'first': '0xa5', 'last': '0xa5', 'alias': None, 'dte_setting': '0x40'},
	  {'first': '0xa6', 'last': '0xa6', 'alias': None, 'dte_setting': '0x0'}]" \
	"doc['revision'] == 2" "doc['warnings'] == []"
run -j decode acpi "$TMP/ivrs-full.aml" || true
check "IVRS ranges: starts, ends and aliases resolved to DeviceID ranges" json_valid "$TMP/out" \
	"[(r['first'], r['last'], r['alias']) for r in doc['blocks'][0]['device_ranges']] == [
	  ('0x10', '0x10', None), ('0x18', '0x1f', None), ('0x100', '0x100', '0xa8'),
	  ('0x200', '0x2ff', '0xb0'), ('0x28', '0x28', None), ('0x30', '0x37', None)]" \
	"[(d['variety_name'], d['handle'], d['source_device_id']) for d in doc['blocks'][0]['devices']
	  if d['type'] == 0x48] == [('IOAPIC', 0x21, '0xa0'), ('HPET', 0, '0xa5')]" \
	"([d.get('range_end') for d in doc['blocks'][0]['devices'] if d['type'] in (3, 0x43, 0x47)] ==
	 ['0x1f', '0x2ff', '0x37'])"
expect_out "IVRS as text" \
	'IVHD type 10h, length 96.*|Devices: 0x0200-0x02ff \(02:00.0-02:1f.7\) as 0x00b0 \(00:16.0\)' \
	decode acpi "$TMP/ivrs-full.aml" || true

# --- a wrong checksum is a warning, not an error -----------------------------------
python3 - "$TMP" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from tables import *
t = load(sys.argv[1] + "/dmar-full.aml")
t[9] ^= 0x55
open(sys.argv[1] + "/dmar-badsum.aml", "wb").write(t)
PY
expect_out "bad checksum decodes with a warning" 'Checksum=0x[0-9a-f]+ \(WRONG' \
	decode acpi "$TMP/dmar-badsum.aml" || true
run -j decode acpi "$TMP/dmar-badsum.aml" || true
check "bad checksum in JSON: checksum_valid false, one warning" json_valid "$TMP/out" \
	"doc['checksum_valid'] is False" "len(doc['warnings']) == 1" \
	"'checksum' in doc['warnings'][0]"

# --- corrupt tables: one line on stderr, nothing on stdout, the reason named -------------
mkdir -p "$TMP/bad"
python3 - "$TMP" >"$TMP/bad/list" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from tables import *
tmp = sys.argv[1]
dmar = load(tmp + "/dmar-full.aml")
iort = load(tmp + "/iort-full.aml")
out = []

def case(name, data, pattern, checksum=True):
    data = bytearray(data)
    if checksum and len(data) >= 36:
        data[9] = 0
        data[9] = (-sum(data[:struct.unpack_from("<I", data, 4)[0]])) & 0xff
    open("%s/bad/%s.aml" % (tmp, name), "wb").write(data)
    print("%s\t%s" % (name, pattern))

def patched(t, off, fmt, value):
    t = bytearray(t)
    struct.pack_into(fmt, t, off, value)
    return t

s = dmar_structs(dmar)
drhd, scope = s[0][0], s[0][0] + 16
case("dmar-truncated", dmar[:100], "truncated", checksum=False)
case("dmar-header-only", dmar[:20], "only 20 bytes", checksum=False)
case("dmar-overlong", patched(dmar, 4, "<I", len(dmar) + 0x100), "larger than the 0x[0-9a-f]+ bytes given")
case("dmar-short-length", patched(dmar, 4, "<I", 40), "shorter than the table's fixed part")
case("dmar-subtable-length-0", patched(dmar, drhd + 2, "<H", 0), "DRHD at offset 0x30: length 0x0 is shorter")
case("dmar-subtable-past-end", patched(dmar, s[-1][0] + 2, "<H", 0x80), "ANDD at offset 0x[0-9a-f]+: length 0x80 runs past the table end")
case("dmar-subtable-header-past-end", fix(dmar + b"\x00\x00"), "4-byte header runs past the table end")
case("dmar-scope-odd-path", patched(dmar, scope + 1, "<B", 9), "odd path")
case("dmar-scope-length-0", patched(dmar, scope + 1, "<B", 0), "scope at offset 0x40: length 0x0 is shorter than the 6-byte scope header")
case("dmar-scope-past-struct", patched(dmar, s[1][0] + 16 + 1, "<B", 0x20), "runs past the end of the DRHD")
case("dmar-scope-tail", patched(dmar, s[1][0] + 2, "<H", s[1][2] - 4), "a scope header needs 6")

nodes = iort_nodes(iort)
its, smmuv3, smmu = node_of(iort, 0), node_of(iort, 4), node_of(iort, 3)
nc, rc = node_of(iort, 1), node_of(iort, 2)
case("iort-node-offset-past-end", patched(iort, 40, "<I", 0x1000), "node offset 0x1000 is outside")
case("iort-node-count-huge", patched(iort, 36, "<I", 0xffffffff), "node count 4294967295 cannot fit")
case("iort-node-length-0", patched(iort, smmuv3 + 1, "<H", 0), "SMMUv3 node at offset 0x4c: length 0x0 is shorter")
case("iort-node-past-end", patched(iort, max(nodes) + 1, "<H", 0x400), "runs past the table end")
case("iort-mapping-count-overflow", patched(iort, smmuv3 + 8, "<I", 0x0ccccccd), "ID mappings .*run past the node end")
case("iort-mapping-offset-past-node", patched(iort, smmuv3 + 12, "<I", 0xfffffff0), "ID mappings .*run past the node end")
case("iort-mapping-offset-in-header", patched(iort, smmuv3 + 12, "<I", 4), "overlaps the node header")
case("iort-its-count-overflow", patched(iort, its + 16, "<I", 0x40000001), "ITS identifiers .*run past the node end")
case("iort-smmu-irq-count-overflow", patched(iort, smmu + 44, "<I", 0x20000001), "context interrupts .*run past the node end")
case("iort-output-ref-past-end", patched(iort, smmuv3 + nodes[smmuv3][3] + 12, "<I", 0x5000), "output reference 0x5000 is past the table end")
case("iort-output-ref-mid-node", patched(iort, smmuv3 + nodes[smmuv3][3] + 12, "<I", its + 4), "is not the start of a node")
case("iort-output-ref-self", patched(iort, smmuv3 + nodes[smmuv3][3] + 12, "<I", smmuv3), "output reference 0x4c is the node itself")
loop = patched(iort, smmuv3 + nodes[smmuv3][3] + 12, "<I", smmu)
loop = patched(loop, smmu + nodes[smmu][3] + 12, "<I", smmuv3)
case("iort-output-ref-loop", loop, "loop")
case("iort-pmcg-ref-bad", patched(iort, node_of(iort, 5) + 28, "<I", 0x31), "node reference 0x31 is not the start of a node")
name = nc + 29
unterminated = bytearray(iort)
unterminated[name:nc + nodes[nc][3]] = b"X" * (nodes[nc][3] - 29)
case("iort-name-unterminated", unterminated, "no NUL before")
ivrs = load(tmp + "/ivrs-full.aml")
case("ivrs-truncated", ivrs[:60], "truncated", checksum=False)
case("ivrs-short-length", patched(ivrs, 4, "<I", 40), "shorter than the table's fixed part")
case("ivrs-block-length-0", patched(ivrs, 48 + 2, "<H", 0), "IVHD at offset 0x30: length 0x0 is shorter than the 4-byte block header")
case("ivrs-block-past-end", patched(ivrs, 48 + 2, "<H", 0x400), "IVHD at offset 0x30: length 0x400 runs past the table end")
case("ivrs-block-header-past-end", fix(ivrs + b"\x10\x00"), "4-byte header runs past the table end")
# blocks at 0x30 (IVHD 10h, 0x60 bytes), 0x90 (IVHD 11h, 0x30), 0xc0 0xe0 0x100 (IVMDs):
# a block cut short is made the last one, so that the blocks still tile the table
def last_block(at, n):
    return fix(patched(ivrs[:at + n], at + 2, "<H", n))
case("ivrs-ivhd-too-short", last_block(0x30, 20), "shorter than the 24 bytes of an IVHD of type 10h")
case("ivrs-ivhd11-too-short", last_block(0x90, 0x24), "shorter than the 40 bytes of an IVHD of type 11h")
case("ivrs-ivmd-too-short", last_block(0xc0, 0x10), "shorter than the 32 bytes of an IVMD")
case("ivrs-dev-past-ivhd", last_block(0x30, 0x5e), "device entry at offset 0x88 \\(type 0x48, 8 bytes\\) runs past the end of the IVHD")
case("ivrs-dev-unknown-length", patched(ivrs, 0x48, "<B", 0x90), "type 0x90 has no length the specification defines")
hid = bytearray(load(tmp + "/ivrs-40.aml"))
at = int(open(tmp + "/ivrs-40.at").read())
case("ivrs-hid-uid-past-ivhd", patched(hid, at + 44 + 21, "<B", 0x40), "type 0xf0, 86 bytes\\) runs past the end of the IVHD")
case("not-acpi", b"FACP" + bytes(60), "\"FACP\" is none of DMAR, IORT and IVRS", checksum=False)
case("empty", b"", "only 0 bytes", checksum=False)
PY
while IFS=$'\t' read -r name pattern; do
	run decode acpi "$TMP/bad/$name.aml" || true
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err == smmush:* ]] && [ -z "$out" ] &&
		grep -Eq -- "$pattern" "$TMP/err"; then
		ok "corrupt $name: $(cut -c1-150 "$TMP/err")"
	else
		not_ok "corrupt $name (rc=$rc, stderr lines=$lines, want /$pattern/): $err; stdout: ${out:0:80}"
	fi
	run -j decode acpi "$TMP/bad/$name.aml" || true
	# no half-written document: only the error, as a JSON object of its own
	if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [ "$(wc -l <"$TMP/out")" -eq 1 ] &&
	   json_valid "$TMP/out" "docs[0]['command'] == 'decode' and 'smmush: ' + docs[0]['error'] + '\\n' == open('$TMP/err').read()"; then
		ok "corrupt $name: -j fails the same way: the error line, and it as the only JSON"
	else
		not_ok "corrupt $name: -j (rc=$rc): $err; stdout: ${out:0:80}"
	fi
done <"$TMP/bad/list"

finish
