#!/usr/bin/env bash
# smmush on QEMU's own SMMUv3 and VT-d models: a QEMU that dies mid-session,
# registers after release, and the scenarios that must give the same results
# on sim and on QEMU (tests/differential.py, departures named one by one).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
export HOME=$TMP/home
mkdir -p "$HOME"
if ! command -v qemu-system-aarch64 >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
	# QEMU is part of the README's set-up: in CI its absence is a failure
	if [ "${CI:-}" = true ]; then not_ok "QEMU is not installed (qemu-system-arm, qemu-system-x86)"; fi
	finish; exit
fi

# --- a QEMU killed with -9 mid-session ------------------------------------------------
for t in qemu:virt qemu:q35; do
	cat >"$TMP/steps.json" <<'J'
[ {"expect": "smmush> ", "timeout": 20}, {"send": "units\r"}, {"expect": "translation"},
  {"run": "pkill -9 -P $CHILD_PID qemu-system"},
  {"send": "units\r"}, {"expect": "smmush: .*(QEMU|qemu|backend)", "timeout": 2},
  {"send": "decode idr0 0x2\r"}, {"expect": "S1P\\+"},
  {"send": "\u0004"}, {"exit": 1} ]
J
	if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$SMMUSH" --target "$t" 2>"$TMP/pty.err"; then
		ok "$t: QEMU killed: the next command reports it within 2 s, the shell stays usable"
	else
		not_ok "$t: QEMU killed: $(cat "$TMP/pty.err")"
	fi
done

# --- registers after release equal their values before own ----------------------------
for t in qemu:virt qemu:q35; do
	run -j --target "$t" -c 'regs; own; release; regs'
	# Read-only status that no software write can put back: VT-d GSTS.RTPS
	# stays set once a root pointer was latched, and CCMD.CAIG / IOTLB.IAIG
	# report the granularity of the last invalidation (only a reset clears them).
	check "$t: every register after release equals its value before own" json_valid "$TMP/out" \
		'len(docs) == 4 and len(docs[0]) == len(docs[3]) > 10' \
		'all({k: v for k, v in a["fields"].items() if k not in ("RTPS", "CAIG", "IAIG")} == {k: v for k, v in b["fields"].items() if k not in ("RTPS", "CAIG", "IAIG")} for a, b in zip(docs[0], docs[3]))'
done

finish; exit
fi

# --- a QEMU killed with -9 mid-session ------------------------------------------------
for t in qemu:virt qemu:q35; do
	cat >"$TMP/steps.json" <<'J'
[ {"expect": "smmush> ", "timeout": 20}, {"send": "units\r"}, {"expect": "translation"},
  {"run": "pkill -9 -P $CHILD_PID qemu-system"},
  {"send": "units\r"}, {"expect": "smmush: .*(QEMU|qemu|backend)", "timeout": 2},
  {"send": "decode idr0 0x2\r"}, {"expect": "S1P\\+"},
  {"send": "\u0004"}, {"exit": 1} ]
J
	if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$SMMUSH" --target "$t" 2>"$TMP/pty.err"; then
		ok "$t: QEMU killed: the next command reports it within 2 s, the shell stays usable"
	else
		not_ok "$t: QEMU killed: $(cat "$TMP/pty.err")"
	fi
done

# --- registers after release equal their values before own ----------------------------
for t in qemu:virt qemu:q35; do
	run --target "$t" -c 'regs; own; release; regs'
	python3 - "$TMP/out" >"$TMP/regdiff" <<'PY'
import sys
text = open(sys.argv[1]).read().split("\n")
# the output is two identical register dumps when release restored everything
half = len(text) // 2
a, b = text[:half], text[half:2 * half]
for x, y in zip(a, b):
    if x != y:
        print(f"before own: {x}\nafter release: {y}")
PY
	# VT-d GSTS.RTPS stays set once a root pointer was latched (only a reset clears it)
	grep -v 'RTPS' "$TMP/regdiff" | grep -v '^$' >"$TMP/regdiff2" || true
	if [ "$rc" -eq 0 ] && [ ! -s "$TMP/regdiff2" ]; then
		ok "$t: every register after release equals its value before own"
	else
		not_ok "$t: registers differ after release: $(head -4 "$TMP/regdiff2")"
	fi
done

finish
