#!/usr/bin/env python3
"""Compare one scenario's JSON output on sim and on QEMU.

differential.py SCENARIO SIM.json QEMU.json ARCH [both-qemu]
Each line of SCENARIO (comments and blank lines aside) is one command and
gives one JSON document.  Documents are reduced to what must agree on any
correct implementation (addresses of smmush's own tables, timestamps and
raw words differ legitimately), then compared.  Where QEMU 7.2 departs from
the specification, a named normalization is applied to QEMU's side only and
reported; nothing else may differ.  Prints one line per difference and
exits 1 if any.  With both-qemu, both files come from QEMU (say over qtest
and over the GDB remote protocol): the departures apply to both sides."""
import json
import re
import sys

# QEMU 7.2's departures, by name (../shared/reference/qemu-oracle.md)
DEPARTURES = {
    "smmuv3": {
        # an unmapped read records one F_TRANSLATION per 4 bytes of the
        # transfer; the specification (and sim) record one per access
        "qemu72-smmuv3-event-per-4-bytes",
    },
    # not QEMU: sim:mmu500 (SMMUv2) against sim:virt (SMMUv3), the second
    # file.  The architectures name their faults differently and explain them
    # in their own structures' words: names are mapped, texts not compared.
    "smmuv2": {
        "smmuv2-vs-smmuv3-fault-names",
        # the platform test device is StreamID 0x400 on mmu500, 0x100 on virt
        "platform-device-streamid",
    },
    "vtd": {
        # QEMU keeps one record and drops repeated faults of the same
        # requester ("fault compression") without setting PFO
        "qemu72-vtd-fault-compression",
    },
    "amdvi": {
        # QEMU 7.2's amd-iommu logs no IO_PAGE_FAULT: a DMA to an unmapped
        # or read-only page is dropped with the event log left empty.  Both
        # sides set IO_PAGE_FAULT records aside (sim's count is the report)
        # and a DMA that faulted or was blocked is one outcome: denied.
        "qemu72-amdvi-no-io-page-fault-events",
    },
}


def load(path):
    text, docs, i = open(path).read(), [], 0
    dec = json.JSONDecoder()
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        d, i = dec.raw_decode(text, i)
        docs.append(d)


def commands(path):
    out = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def hexless(s):
    return re.sub(r"0x[0-9a-f]+", "0x#", s)


def fault_key(f):
    e = f.get("explanation")
    return (f["code_name"], f["sid"], f["address"], tuple(f["access"]), f["class"],
            hexless(e["text"]) if e else None)


def platform_sid(sid, qemu, applied):
    if qemu and sid == "0x100":
        applied["platform-device-streamid"] += 1
        return "0x400"
    return sid


SMMUV3_TO_V2 = {"F_TRANSLATION": "TF", "F_ACCESS": "AFF", "F_PERMISSION": "PF", "F_ADDR_SIZE": "ASF",
                "F_WALK_EABT": "EF"}


def reduce_faults(doc, qemu, arch, applied):
    recs = [fault_key(f) for f in doc["faults"]]
    if arch == "smmuv2":
        recs = [(SMMUV3_TO_V2.get(r[0], r[0]) if qemu else r[0], platform_sid(r[1], qemu, applied)) + r[2:5] + (None,)
                for r in recs]
        if qemu:
            applied["smmuv2-vs-smmuv3-fault-names"] += len(recs)
    if qemu and arch == "smmuv3":
        merged = []
        for r in recs:
            # the same event for the next 4 bytes of one transfer
            if merged and r[0] == merged[-1][0] and r[1] == merged[-1][1] and \
                    0 < int(r[2], 16) - int(merged[-1][2], 16) < 4096 and \
                    int(r[2], 16) >> 12 == int(merged[-1][2], 16) >> 12:
                applied["qemu72-smmuv3-event-per-4-bytes"] += 1
                continue
            merged.append(r)
        recs = merged
    if arch == "vtd":
        # repeats of one requester's fault: one record on QEMU, one per
        # fault on sim; both sides collapse runs, QEMU's count is the report
        runs = [r for i, r in enumerate(recs) if i == 0 or r != recs[i - 1]]
        if qemu:
            applied["qemu72-vtd-fault-compression"] += len(recs) - len(runs)
        recs = runs
    if arch == "amdvi":
        kept = [r for r in recs if r[0] != "IO_PAGE_FAULT"]
        if not qemu:
            applied["qemu72-amdvi-no-io-page-fault-events"] += len(recs) - len(kept)
        recs = kept
    t = doc["totals"]
    return {"records": recs, "lost": (t["lost_overflow"], t["lost_unread"])}


def reduce(cmd, doc, qemu, arch, applied):
    """What must agree between two correct implementations."""
    name = cmd.split()[0]
    if name == "own":
        return {"owned": doc["owned"]}
    if name == "release":
        return {"owned": doc["owned"]}
    if name in ("domain", "attach", "detach", "map", "unmap"):
        if arch == "smmuv2" and "sid" in doc:
            doc = dict(doc, sid=platform_sid(doc["sid"], qemu, applied))
        return doc
    if name == "dma":
        r = {k: doc[k] for k in ("device", "direction", "iova", "length", "faulted", "blocked")}
        r["data_ok"] = doc.get("data_ok")
        if arch == "amdvi":
            # see qemu72-amdvi-no-io-page-fault-events
            faulted, blocked = r.pop("faulted"), r.pop("blocked")
            r["denied"] = faulted or blocked
        return r
    if name == "x" or name.startswith("x/"):
        return {"values": doc["values"]}
    if name == "faults":
        return reduce_faults(doc, qemu, arch, applied)
    if name in ("dte", "ctx", "ste"):
        # the entry's addresses are smmush's own table memory: the verdict must agree
        return {"verdict": doc["verdict"]["result"]}
    if name == "walk":
        return {"ranges": doc.get("ranges"), "verdict": doc["verdict"]["result"]}
    if name == "xlate":
        r = doc["result"]
        return {k: r.get(k) for k in ("translated", "pa", "page_size", "permissions", "fault", "fault_level",
                                       "missing")}
    return doc


def main():
    scenario, sim_path, qemu_path, arch = sys.argv[1:5]
    both = sys.argv[5:6] == ["both-qemu"]
    cmds = commands(scenario)
    sim, qemu = load(sim_path), load(qemu_path)
    bad = 0
    if len(sim) != len(cmds) or len(qemu) != len(cmds):
        print(f"{len(cmds)} commands, but sim gave {len(sim)} documents and QEMU {len(qemu)}")
        return 1
    applied = {name: 0 for name in DEPARTURES[arch]}
    for cmd, a, b in zip(cmds, sim, qemu):
        ra, rb = reduce(cmd, a, both, arch, applied), reduce(cmd, b, True, arch, applied)
        if ra != rb:
            bad += 1
            print(f"differs: {cmd}\n  sim:  {json.dumps(ra)}\n  qemu: {json.dumps(rb)}")
    for name, n in applied.items():
        print(f"# departure {name}: applied {n} time(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
