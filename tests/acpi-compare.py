#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Compare smmush's JSON decode of an ACPI DMAR, IORT or IVRS table with iasl's.

acpi-compare.py TABLE.dsl TABLE.json

TABLE.dsl is `iasl -d` output: lines "[OFFh DEC LEN] Label : Value", and
flag lines "Label : 0/1" under a "(decoded below)" field.  TABLE.json is
`smmush -j decode acpi TABLE`.  Every JSON structure carries "offset" and
"length"; each iasl field belongs to the innermost structure that contains
its bytes, and MAP below names the JSON key for each iasl label in each kind
of structure.  Every iasl field must be mapped and equal; a label the map
does not know is a failure, so a new iasl field cannot go unchecked.

Prints one line per mismatch and a summary; exits 1 on any mismatch.
Standard library only.
"""
import json
import re
import sys

# A label whose value is a list names the key for its 1st, 2nd ... occurrence
# within one structure.  IGNORE marks fields that carry no value of their own.
IGNORE = object()

HEADER = {
    "Signature": "signature",
    "Table Length": "length",
    "Revision": "revision",
    "Checksum": "checksum",
    "Oem ID": "oem_id",
    "Oem Table ID": "oem_table_id",
    "Oem Revision": "oem_revision",
    "Asl Compiler ID": "asl_compiler_id",
    "Asl Compiler Revision": "asl_compiler_revision",
}

SCOPED = {"Subtable Type": "type", "Length": "length"}

IORT_NODE = {
    "Type": "type",
    "Length": "length",
    "Revision": "revision",
    # iasl before 2022 calls the node Identifier (IORT issue E) "Reserved"
    "Reserved": ["identifier", "reserved"],
    "Identifier": "identifier",
    "Mapping Count": "mapping_count",
    "Mapping Offset": "mapping_offset",
}


def path_entry(obj, i, value):
    """"PCI Path : 1C,04" is path entry i of a device scope."""
    p = obj["path"][i]
    return (p["device"], p["function"]) == value


def irq_pair(obj, _i, value):
    """iasl prints an SMMUv1/v2 interrupt as one 64-bit value: flags << 32 | GSIV."""
    return (as_int(obj["flags"]) << 32 | obj["gsiv"]) == value


def its_id(obj, i, value):
    return obj["its_ids"][i] == value


def httu_bit(obj, _i, value):
    """iasl (2020) decodes only bit 1 of the 2-bit HTTU Override field."""
    return (obj["httu_override"] & 1) == value


MAP = {
    "DMAR": dict(HEADER, **{
        "Host Address Width": "host_address_width",
        "Flags": "flags",
        "Reserved": "reserved",
    }),
    "DMAR.DRHD": dict(SCOPED, **{
        "Flags": "flags",
        "Reserved": "size",  # Size since VT-d 3.0; iasl 2020 still calls it Reserved
        "Size (decoded below)": "size",
        "PCI Segment Number": "segment",
        "Register Base Address": "register_base",
    }),
    "DMAR.RMRR": dict(SCOPED, **{
        "Reserved": "reserved",
        "PCI Segment Number": "segment",
        "Base Address": "base_address",
        "End Address (limit)": "limit_address",
    }),
    "DMAR.ATSR": dict(SCOPED, **{
        "Flags": "flags",
        "Reserved": "reserved",
        "PCI Segment Number": "segment",
    }),
    "DMAR.SATC": dict(SCOPED, **{
        "Flags": "flags",
        "Reserved": "reserved",
        "PCI Segment Number": "segment",
    }),
    "DMAR.RHSA": dict(SCOPED, **{
        "Reserved": "reserved",
        "Base Address": "base_address",
        "Proximity Domain": "proximity_domain",
    }),
    "DMAR.ANDD": dict(SCOPED, **{
        "Reserved": "reserved",
        "Device Number": "device_number",
        "Device Name": "object_name",
    }),
    "scope": {
        "Device Scope Type": "type",
        "Entry Length": "length",
        "Reserved": "reserved",
        "Enumeration ID": "enumeration_id",
        "PCI Bus Number": "start_bus",
        "PCI Path": path_entry,
    },
    "IVRS": dict(HEADER, **{
        "Virtualization Info": "iv_info",
        "Reserved": "reserved",
    }),
    "IVRS.IVHD": {
        "Subtable Type": "type",
        "Flags": "flags",
        "Flags (decoded below)": "flags",
        "HtTunEn": "ht_tun_en",
        "PassPW": "pass_pw",
        "ResPassPW": "res_pass_pw",
        "Isoc Control": "isoc",
        "Iotlb Support": "iotlb_sup",
        "Coherent": "coherent",
        "Prefetch Support": "pref_sup",
        "PPR Support": "ppr_sup",
        "Length": "length",
        "DeviceId": "device_id",
        "Capability Offset": "capability_offset",
        "Base Address": "base_address",
        "PCI Segment Group": "segment",
        "Virtualization Info": "info",
        "Feature Reporting": "feature_reporting",
        "Attributes": "attributes",
        "EFR Image": "efr_image",
        "EFR Register Image": "efr_image",
        "Reserved": "efr2_image",
        "EFR Register Image 2": "efr2_image",
    },
    "IVRS.IVMD": {
        "Subtable Type": "type",
        "Flags": "flags",
        "Length": "length",
        "DeviceId": "device_id",
        "Auxiliary Data": "aux_data",
        "Reserved": "reserved",
        "Start Address": "start_address",
        "Memory Length": "memory_length",
    },
    "ivhd_dev": {
        "Entry Type": "type",
        "Subtable Type": "type",
        "Device ID": "device_id",
        "Data Setting": "dte_setting",
        "Reserved": ["reserved1", "reserved2"],
        "Source Used Device ID": "source_device_id",
        "Extended Data": "extended_data",
        "Handle": "handle",
        "Variety": "variety",
    },
    "IORT": dict(HEADER, **{
        "Node Count": "node_count",
        "Node Offset": "node_offset",
        "Reserved": "reserved",
        "Optional Padding": IGNORE,
    }),
    "IORT.ITS group": dict(IORT_NODE, **{
        "ItsCount": "its_count",
        "Identifiers": its_id,
    }),
    "IORT.named component": dict(IORT_NODE, **{
        "Node Flags": "node_flags",
        "Memory Size Limit": "memory_address_limit",
        "Device Name": "device_name",
        "Padding": IGNORE,
    }),
    "IORT.root complex": dict(IORT_NODE, **{
        "ATS Attribute": "ats_attribute",
        "PCI Segment Number": "pci_segment",
        "Memory Size Limit": "memory_address_limit",
        "PASID Capabilities": "pasid_capabilities",
    }),
    "memory_access": {
        "Memory Properties": IGNORE,  # a heading: its parts follow
        "Cache Coherency": "cache_coherency",
        "Hints (decoded below)": "hints",
        "Transient": "transient",
        "Write Allocate": "write_allocate",
        "Read Allocate": "read_allocate",
        "Override": "override",
        "Reserved": "reserved",
        "Memory Flags (decoded below)": "memory_flags",
        "Coherency": "cpm",
        "Device Attribute": "dacs",
    },
    "IORT.SMMUv1/v2": dict(IORT_NODE, **{
        "Base Address": "base_address",
        "Span": "span",
        "Model": "model",
        "Flags (decoded below)": "flags",
        "DVM Supported": "dvm_supported",
        "Coherent Walk": "coherent_walk",
        "Global Interrupt Offset": "global_interrupt_offset",
        "Context Interrupt Count": "context_interrupt_count",
        "Context Interrupt Offset": "context_interrupt_offset",
        "PMU Interrupt Count": "pmu_interrupt_count",
        "PMU Interrupt Offset": "pmu_interrupt_offset",
        "NSgIrpt": "nsg_irpt",
        "NSgIrpt Flags (decoded below)": "nsg_irpt_flags",
        "Edge Triggered": ["nsg_irpt_edge_triggered", "nsg_cfg_irpt_edge_triggered"],
        "NSgCfgIrpt": "nsg_cfg_irpt",
        "NSgCfgIrpt Flags (decoded below)": "nsg_cfg_irpt_flags",
    }),
    "irq": {
        "Context Interrupt": irq_pair,
        "PMU Interrupt": irq_pair,
    },
    "IORT.SMMUv3": dict(IORT_NODE, **{
        "Base Address": "base_address",
        "Flags (decoded below)": "flags",
        "COHACC Override": "cohacc_override",
        "HTTU Override": httu_bit,
        "Proximity Domain Valid": "proximity_domain_valid",
        "VATOS Address": "vatos_address",
        "Model": "model",
        "Event GSIV": "event_gsiv",
        "PRI GSIV": "pri_gsiv",
        "GERR GSIV": "gerr_gsiv",
        "Sync GSIV": "sync_gsiv",
        "Proximity Domain": "proximity_domain",
        "Device ID Mapping Index": "id_mapping_index",
    }),
    "IORT.PMCG": dict(IORT_NODE, **{
        "Page 0 Base Address": "page0_base_address",
        "Overflow Interrupt GSIV": "overflow_gsiv",
        "Node Reference": "node_reference",
        "Page 1 Base Address": "page1_base_address",
    }),
    "mapping": {
        "Input base": "input_base",
        "ID Count": "id_count",
        "Output Base": "output_base",
        "Output Reference": "output_reference",
        "Flags (decoded below)": "flags",
        "Single Mapping": "single_mapping",
    },
}

FIELD = re.compile(r"^\[([0-9A-Fa-f]+)h\s+(\d+)\s+([0-9A-Fa-f]+)h?\]\s*(.*?)\s*:\s?(.*)$")
FLAG = re.compile(r"^\s+([A-Za-z][^:\[]*?)\s*:\s*([0-9A-Fa-f]+)\s*$")


def as_int(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str) and v.startswith("0x"):
        return int(v, 16)
    return v


def parse_value(text, nbytes):
    text = re.sub(r"/\*.*?\*/", "", text).strip()
    if text.startswith('"'):
        return text[1:text.index('"', 1)]
    if text.startswith("["):
        return None  # a heading such as "[IORT Memory Access Properties]"
    text = re.sub(r"\s*\[.*\]\s*$", "", text).strip()  # "03 [IOAPIC Device]"
    toks = text.split()
    if "," in text and len(toks) == 1:
        dev, fn = text.split(",")
        return (int(dev, 16), int(fn, 16))
    if len(toks) > 1 or (nbytes > 8 and toks):
        return "".join(toks).lower()  # a byte array, in memory order
    if text.endswith("\\"):
        return None  # a raw buffer continued on the next lines
    return int(toks[0], 16)


def parse_dsl(path):
    fields = []  # (offset, nbytes, label, value); flag lines reuse their parent's offset
    last = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("Raw Table Data"):
                break
            m = FIELD.match(line)
            if m:
                off = int(m.group(1), 16)
                nbytes = int(m.group(3), 16) if line.split("]")[0].endswith("h") else int(m.group(3))
                last = (off, nbytes)
                fields.append((off, nbytes, m.group(4), parse_value(m.group(5), nbytes)))
                continue
            m = FLAG.match(line)
            if m and last and not re.match(r"^\s+([0-9A-Fa-f]{2}\s)+", line):
                fields.append((last[0], last[1], m.group(1), int(m.group(2), 16)))
    return fields


def collect(doc):
    """Every JSON structure with its kind: (offset, length, kind, obj)."""
    out = []

    def walk(obj, kind):
        if isinstance(obj, dict):
            if isinstance(obj.get("offset"), int) and isinstance(obj.get("length"), int):
                out.append((obj["offset"], obj["length"], kind, obj))
            for k, v in obj.items():
                if k == "structures":
                    for s in v:
                        walk(s, "DMAR.%s" % s.get("type_name"))
                elif k == "blocks":
                    for s in v:
                        walk(s, "IVRS.%s" % s.get("type_name"))
                elif k == "devices":
                    for s in v:
                        walk(s, "ivhd_dev")
                elif k == "nodes":
                    for s in v:
                        walk(s, "IORT.%s" % s.get("type_name"))
                elif k == "scopes":
                    for s in v:
                        walk(s, "scope")
                elif k == "mappings":
                    for s in v:
                        walk(s, "mapping")
                elif k in ("context_interrupts", "pmu_interrupts"):
                    for s in v:
                        walk(s, "irq")
                elif k == "memory_access":
                    walk(v, "memory_access")
                elif k == "descriptors":
                    for s in v:
                        walk(s, "rmr_desc")

    walk(doc, doc["signature"])
    return out


def main():
    dsl, js = sys.argv[1], sys.argv[2]
    with open(js, encoding="utf-8") as f:
        doc = json.load(f)
    objs = collect(doc)
    bad = compared = 0
    seen = {}  # (id(obj), label) -> occurrences so far

    def fail(msg):
        nonlocal bad
        bad += 1
        print("MISMATCH " + msg)

    for off, nbytes, label, value in parse_dsl(dsl):
        inside = [o for o in objs if o[0] <= off and off + max(nbytes, 1) <= o[0] + o[1]]
        if not inside:
            fail("[%03x] %s: no JSON structure holds it" % (off, label))
            continue
        o_off, o_len, kind, obj = min(inside, key=lambda o: o[1])
        spec = MAP.get(kind, {}).get(label)
        n = seen.get((id(obj), label), 0)
        seen[(id(obj), label)] = n + 1
        if isinstance(spec, list):
            spec = spec[n] if n < len(spec) else None
        if spec is IGNORE:
            continue
        if spec is None:
            fail("[%03x] %s in %s: no mapping for this iasl label" % (off, label, kind))
            continue
        if value is None:
            fail("[%03x] %s in %s: value not parsed" % (off, label, kind))
            continue
        compared += 1
        if callable(spec):
            if not spec(obj, n, value):
                fail("[%03x] %s in %s: iasl %r, smmush differs" % (off, label, kind, value))
            continue
        if spec not in obj:
            fail("[%03x] %s in %s: smmush has no %r" % (off, label, kind, spec))
            continue
        got = as_int(obj[spec])
        if isinstance(value, str) and isinstance(got, int) and not isinstance(obj[spec], str):
            # a multi-byte reserved area iasl prints as bytes: compare as a little-endian number
            got_bytes = got.to_bytes(max(nbytes, 1), "little").hex()
            if got_bytes != value:
                fail("[%03x] %s in %s: iasl %s, smmush %s=%r" % (off, label, kind, value, spec, obj[spec]))
            continue
        if got != value:
            fail("[%03x] %s in %s: iasl %r, smmush %s=%r" % (off, label, kind, value, spec, obj[spec]))

    # references resolve to the node iasl's offsets name
    nodes = {n["offset"]: n for n in doc.get("nodes", [])}
    for n in doc.get("nodes", []):
        for m in n.get("mappings", []):
            ref = as_int(m["output_reference"])
            want = nodes[ref]["type_name"] if ref in nodes else None
            if m.get("output_type") != want:
                fail("mapping at [%03x]: output_type %r, node at 0x%x is %r" %
                     (m["offset"], m.get("output_type"), ref, want))
    print("%s: %d fields compared with iasl, %d mismatches" % (doc["signature"], compared, bad))
    return 1 if bad or not compared else 0


if __name__ == "__main__":
    sys.exit(main())
