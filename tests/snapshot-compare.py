#!/usr/bin/env python3
"""Compare the JSON documents of inspection commands run on a live target
(the last N documents of LIVE) with the same commands run on its snapshot
(SNAP, N documents).  Only what must differ is normalized, each by name:

  target-spec   the target's name ("sim:virt" vs "snapshot:FILE")
  owned         a snapshot is nobody's: units read "owned": false
  domain        devices' domain names live in the process that made them

Prints each difference; exit 0 when none."""
import json, sys

def docs(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]

NORMALIZATIONS = {
    "target-spec": lambda k, v: k in ("target", "spec") and isinstance(v, str),
    "owned": lambda k, v: k == "owned",
    "domain": lambda k, v: k == "domain",
}

def norm(x, used):
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            hit = [n for n, f in NORMALIZATIONS.items() if f(k, v)]
            if hit:
                used.update(hit)
                out[k] = "<%s>" % hit[0]
            else:
                out[k] = norm(v, used)
        return out
    if isinstance(x, list):
        return [norm(v, used) for v in x]
    return x

def main():
    live, snap, names = docs(sys.argv[1]), docs(sys.argv[2]), sys.argv[3].split(";")
    names = [n.strip() for n in names if n.strip()]
    if len(snap) != len(names) or len(live) < len(names):
        print("expected %d documents: live has %d, snapshot %d" % (len(names), len(live), len(snap)))
        return 1
    live = live[len(live) - len(names):]
    bad, used = 0, set()
    for name, a, b in zip(names, live, snap):
        na, nb = norm(a, used), norm(b, used)
        if na != nb:
            bad += 1
            sa, sb = json.dumps(na, sort_keys=True), json.dumps(nb, sort_keys=True)
            i = next((k for k in range(min(len(sa), len(sb))) if sa[k] != sb[k]), 0)
            print("%s: differs at ...%s... (live) vs ...%s... (snapshot)" % (name, sa[max(0, i - 60):i + 60], sb[max(0, i - 60):i + 60]))
    print("normalized: %s" % (", ".join(sorted(used)) or "nothing"))
    return 1 if bad else 0

sys.exit(main())
