#!/usr/bin/env bash
# Snapshots: every inspection command gives the same JSON on a snapshot as on
# the live target it was saved from (sim and QEMU, SMMUv3, VT-d, SMMUv2 and
# AMD-Vi); diff
# names exactly the one thing a session changed; a kdump-shaped core (memory
# only) walks to the same result with -O register values; read-only refusals;
# readelf and gdb read the file; bad files end with one line, never a crash.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
export HOME=$TMP/home
mkdir -p "$HOME"
S=$SMMUSH

# --- sessions that build mappings and faults ---------------------------------------------
# PAs inside a small RAM, so --ram stays small (x and dis read the mapped data)
session() { # ARCH: virt RAM starts at 0x40000000, q35 at 0
	local b; b=$([ "$1" = virt ] && echo 0x40 || echo 0x00)
	cat <<EOF
own; domain create d1; attach 00:01.0 d1
map d1 0x10000 ${b}100000 0x2000 rw; map d1 0x200000 ${b}200000 2M rw; map d1 0x40000 ${b}040000 0x1000 r
dma 00:01.0 read 0x10000 256 --pattern inc; dma 00:01.0 read 0x30000 64; dma 00:01.0 write 0x40000 64; faults
EOF
}
common='units; regs; devices; config 00:01.0; config 00:02.0; walk 00:01.0; walk 00:01.0 --raw; walk 00:01.0 0x200000 0x1000; xlate 00:01.0 0x10010; xlate 00:01.0 0x30000 w; xlate 00:01.0 0x40000 w; faults --all; x/4xg 00:01.0:0x10000; x/8xb 00:01.0:0x10008'
inspect_virt="$common; ste 8; ste 0x10; cd 8; strtab; strtab --all; dis 00:01.0:0x10000 4 --arch arm64; decode idr0 0x2"
inspect_q35="$common; root; root 0; ctx 00:01.0; ctx 00:02.0; dis 00:01.0:0x10000 4 --arch x86-64; decode vtd.gsts 0x80000000"

have_qemu=1
if ! command -v qemu-system-aarch64 >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
	have_qemu=0
	# QEMU is part of the README's set-up: in CI its absence is a failure
	if [ "${CI:-}" = true ]; then not_ok "QEMU is not installed (qemu-system-arm, qemu-system-x86)"; fi
fi

# --- round trip: live JSON == snapshot JSON --------------------------------------------------
for t in sim:virt sim:q35 qemu:virt qemu:q35; do
	[[ $t == qemu:* ]] && [ $have_qemu = 0 ] && continue
	arch=${t#*:}
	ins=$([ "$arch" = virt ] && echo "$inspect_virt" || echo "$inspect_q35")
	f=$TMP/${t/:/-}.core
	"$S" -j --target "$t" -O ram=64M -c "$(session "$arch" | tr '\n' ';') snapshot save $f --ram; $ins" \
		>"$TMP/live.json" 2>"$TMP/live.err"
	lrc=$?
	"$S" -j --target "snapshot:$f" -c "$ins" >"$TMP/snap.json" 2>"$TMP/snap.err"
	src=$?
	if [ $lrc -ne 0 ] || [ $src -ne 0 ]; then
		not_ok "$t: round trip: live exit $lrc, snapshot exit $src: $(cat "$TMP/live.err" "$TMP/snap.err" | head -2)"
	elif python3 "$srcdir/tests/snapshot-compare.py" "$TMP/live.json" "$TMP/snap.json" "$ins" >"$TMP/cmp.out"; then
		ok "$t: $(echo "$ins" | tr ';' '\n' | grep -c .) inspection commands give the same JSON on the snapshot ($(tail -1 "$TMP/cmp.out"))"
	else
		not_ok "$t: the snapshot differs from the live target:"
		sed 's/^/#   /' "$TMP/cmp.out" | head -10
	fi
	# the same refusal on both for what the machine does not have
	"$S" --target "$t" -O ram=64M -c "$(session "$arch" | tr '\n' ';') pasid 00:01.0 1" >/dev/null 2>"$TMP/live.err"
	"$S" --target "snapshot:$f" -c "pasid 00:01.0 1" >/dev/null 2>"$TMP/snap.err"
	check "$t: 'pasid' says the same on the snapshot" cmp -s "$TMP/live.err" "$TMP/snap.err"
	check "$t: readelf -a reads the snapshot without a complaint" \
		bash -c "readelf -a '$f' >'$TMP/re.out' 2>'$TMP/re.err' && ! grep -qi 'warning\|error' '$TMP/re.err' && grep -q 'Unknown note type: (0x534d0001)' '$TMP/re.out'"
done

# --- audit: the snapshot's audit is the live one's, but for what is the session's own --------
# (the target's name, ownership, smmush's domain names): ranges, memory, findings equal
for t in sim:virt sim:q35; do
	arch=${t#*:}
	f=$TMP/${t/:/-}.core
	"$S" -j --target "$t" -O ram=64M -O bridge=2 -c "$(session "$arch" | tr '\n' ';') map d1 0x500000 $([ "$arch" = virt ] && echo 0x40 || echo 0x00)000000 0x1000 r; domain create d2; attach 00:02.0 d2; map d2 0x0 $([ "$arch" = virt ] && echo 0x40 || echo 0x00)101000 0x1000 r; snapshot save $TMP/audit.core --ram; audit" \
		2>"$TMP/live.err" | tail -n 1 >"$TMP/live.json"
	"$S" -j --target "snapshot:$TMP/audit.core" -c audit >"$TMP/snap.json" 2>"$TMP/snap.err"
	if python3 - "$TMP/live.json" "$TMP/snap.json" <<'PY'
import json, sys
live, snap = (json.load(open(f)) for f in sys.argv[1:3])
for d in (live, snap):
    d.pop("target")
    for u in d["units"]:
        u.pop("owned")
    for x in d["devices"]:
        x.pop("domain")
assert live["findings"], "the scenario has findings"
assert any(x["ranges"] for x in live["devices"]), "the scenario has ranges"
sys.exit(0 if live == snap else 1)
PY
	then
		ok "$t: audit of the snapshot equals audit live (ranges, memory, findings: $(python3 -c "import json,sys; print(' '.join(sorted(f['id'] for f in json.load(open(sys.argv[1]))['findings'])))" "$TMP/snap.json"))"
	else
		not_ok "$t: audit of the snapshot differs from live: $(head -c 300 "$TMP/snap.err")"
	fi
done

# SMMUv2 (sim:mmu500) and AMD-Vi (sim:amd, qemu:amd: the edu devices are 00:02.0
# and 00:03.0 there): the same session and the same round trip, with each
# architecture's own views (dte, stream matching) and audit
session_on() { # DEV RAM-BASE
	echo "own; domain create d1; attach $1 d1;" \
		"map d1 0x10000 ${2}100000 0x2000 rw; map d1 0x200000 ${2}200000 2M rw; map d1 0x40000 ${2}040000 0x1000 r;" \
		"dma $1 read 0x10000 256 --pattern inc; dma $1 read 0x30000 64; dma $1 write 0x40000 64; faults;"
}
inspect_on() { # DEV OTHER
	echo "units; regs; devices; config $1; config $2; walk $1; walk $1 --raw; walk $1 0x200000 0x1000;" \
		"xlate $1 0x10010; xlate $1 0x30000 w; xlate $1 0x40000 w; faults --all; faults --all --explain;" \
		"x/4xg $1:0x10000; audit"
}
for t in sim:mmu500 sim:amd qemu:amd; do
	[[ $t == qemu:* ]] && [ $have_qemu = 0 ] && continue
	dev=00:01.0 other=00:02.0 base=0x00
	[ $t = qemu:amd ] && dev=00:02.0 other=00:03.0
	[ $t = sim:mmu500 ] && base=0x40
	ins=$(inspect_on $dev $other)
	[[ $t == *amd ]] && ins="$ins; dte $dev; dte $other; dte 00:1f.0"
	f=$TMP/${t/:/-}.core
	"$S" -j --target "$t" -O ram=64M -c "$(session_on $dev $base) snapshot save $f --ram; $ins" \
		>"$TMP/live.json" 2>"$TMP/live.err"
	lrc=$?
	"$S" -j --target "snapshot:$f" -c "$ins" >"$TMP/snap.json" 2>"$TMP/snap.err"
	src=$?
	if [ $lrc -ne 0 ] || [ $src -ne 0 ]; then
		not_ok "$t: round trip: live exit $lrc, snapshot exit $src: $(cat "$TMP/live.err" "$TMP/snap.err" | head -2)"
	elif python3 "$srcdir/tests/snapshot-compare.py" "$TMP/live.json" "$TMP/snap.json" "$ins" >"$TMP/cmp.out"; then
		ok "$t: $(echo "$ins" | tr ';' '\n' | grep -c .) inspection commands give the same JSON on the snapshot ($(tail -1 "$TMP/cmp.out"))"
	else
		not_ok "$t: the snapshot differs from the live target:"
		sed 's/^/#   /' "$TMP/cmp.out" | head -10
	fi
	# not the same nothing twice: the file holds the session's faults and tables
	# (QEMU 7.2's amd-iommu blocks both DMAs without an event log entry)
	classes='["translation", "permission"]'
	[ $t = qemu:amd ] && classes='[]'
	check "$t: the snapshot holds the session's faults ($classes) and translates 0x10010" \
		json_valid "$TMP/snap.json" \
		"[f[\"class\"] for f in docs[11][\"faults\"]] == $classes" \
		"docs[8][\"result\"][\"translated\"] is True and int(docs[8][\"result\"][\"pa\"], 16) == ${base}100010"
done

f=$TMP/sim-virt.core
f=$TMP/sim-virt.core
if command -v gdb >/dev/null; then
	# p_vaddr = p_paddr: gdb's x/ reads physical memory; 00:01.0's IOVA 0x10000 is PA 0x40100000
	gdb -nx -batch -ex "core-file $f" -ex 'x/2bx 0x40100000' >"$TMP/gdb.out" 2>&1
	check "gdb opens the snapshot and reads memory from it" grep -Eq '0x40100000:[[:space:]]+0x00[[:space:]]+0x01' "$TMP/gdb.out"
fi
# the monitor replays the captured records
cat >"$TMP/steps.json" <<'J'
[ {"expect": "F_TRANSLATION", "timeout": 5}, {"expect": "F_PERMISSION", "timeout": 3}, {"send": "q"}, {"exit": 0} ]
J
if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$S" --target "snapshot:$f" monitor 2>"$TMP/pty.err"; then
	ok "monitor on a snapshot replays its fault records"
else
	not_ok "monitor on a snapshot: $(cat "$TMP/pty.err")"
fi
expect_json "target info names the snapshot and where it came from" -j --target "snapshot:$f" target info -- \
	'"snapshot of sim:virt taken" in str(doc)'

# --- read-only ---------------------------------------------------------------------------------
# each refused with one line saying so, whatever ran before it in the script
for c in own "domain create x; map x 0x0 0x40000000 0x1000 rw" "dma 00:01.0 read 0x0 64" "ww 0x40100000 1" \
	"reg write cr2 0" "domain create x; attach 00:01.0 x" "release"; do
	run -q --target "snapshot:$f" -c "$c"
	if [ "$c" = release ]; then
		check "snapshot: 'release' has nothing to give back" test $rc -eq 0
	elif [ $rc -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [[ $err == *": snapshot targets are read-only" ]]; then
		ok "snapshot: '$c' is refused: ${err#smmush: }"
	else
		not_ok "snapshot: '$c' is refused with one line (rc=$rc: $err)"
	fi
done
expect_fail "snapshot: reg write with --write is refused too" --write --target "snapshot:$f" -c "reg write cr2 0"
[[ $err == *"snapshot targets are read-only"* ]] || not_ok "reg write --write says why: $err"

# --- diff: one change at a time ------------------------------------------------------------------
# Queue positions (CMDQ_PROD/CONS, EVENTQ_PROD/CONS) move with every
# invalidation or fault: the test lets those through, by name, and nothing else.
base=$(session virt | tr '\n' ';')
"$S" -c "$base snapshot save $TMP/A;
	map d1 0x50000 0x40050000 0x1000 rw; snapshot save $TMP/B;
	unmap d1 0x40000 0x1000; map d1 0x40000 0x40040000 0x1000 rw; snapshot save $TMP/C;
	dma 00:01.0 read 0x60000 64; faults; snapshot save $TMP/D;
	attach 00:02.0 d1; snapshot save $TMP/E;
	reg write irq_ctrl 0x1; snapshot save $TMP/F" >/dev/null 2>"$TMP/err"
check "diff sessions saved" test -s "$TMP/F"
queues='{"SMMU_CMDQ_PROD","SMMU_CMDQ_CONS","SMMU_EVENTQ_PROD","SMMU_EVENTQ_CONS"}'
only() { echo "all(r['register'] in $queues for r in doc['registers']) and not doc['units'] and not doc['devices'] and $1"; }
run diff "$TMP/A" "$TMP/A"
check "diff of a snapshot with itself: no change, exit 0" test $rc -eq 0 -a "$(tail -1 "$TMP/out")" = "0 change(s)"
expect_json_rc() { # WHAT RC ARGS... -- EXPR
	local what=$1 want=$2; shift 2
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	run "${args[@]}"
	if [ "$rc" -eq "$want" ] && python3 -c '
import json, sys
doc = json.loads(open(sys.argv[1]).read())
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/out" "$1"; then ok "$what"; else not_ok "$what (rc=$rc: ${out:0:300} $err)"; fi
}
expect_json_rc "diff: a new mapping is named, exit 1" 1 -j diff "$TMP/A" "$TMP/B" -- \
	"$(only "doc['mappings'] == [{'device': '00:01.0', 'change': 'added', 'iova': '0x50000', 'size': '0x1000', 'old': None, 'new': {'pa': '0x40050000', 'perms': 'rw-'}}] and not doc['config'] and not doc['faults']")"
expect_json_rc "diff: a mapping's permission change is named" 1 -j diff "$TMP/B" "$TMP/C" -- \
	"$(only "doc['mappings'] == [{'device': '00:01.0', 'change': 'changed', 'iova': '0x40000', 'size': '0x1000', 'old': {'pa': '0x40040000', 'perms': 'r--'}, 'new': {'pa': '0x40040000', 'perms': 'rw-'}}] and not doc['config'] and not doc['faults']")"
expect_json_rc "diff: a removed mapping is named (reversed)" 1 -j diff "$TMP/B" "$TMP/A" -- \
	"$(only "[m['change'] for m in doc['mappings']] == ['removed'] and doc['mappings'][0]['iova'] == '0x50000'")"
expect_json_rc "diff: a new fault record is named" 1 -j diff "$TMP/C" "$TMP/D" -- \
	"$(only "not doc['mappings'] and not doc['config'] and [(f['addr'], f['code_name']) for f in doc['faults']] == [('0x60000', 'F_TRANSLATION')]")"
expect_json_rc "diff: an STE change (00:02.0 attached) is named, decoded field by field" 1 -j diff "$TMP/D" "$TMP/E" -- \
	"$(only "{c['device'] for c in doc['config']} == {'00:02.0'} and any(c['what'] == 'STE' and any(f['field'] == 'Config' for f in c['fields']) for c in doc['config']) and {m['device'] for m in doc['mappings']} == {'00:02.0'} and not doc['faults']")"
expect_json_rc "diff: a register change is named field by field" 1 -j diff "$TMP/E" "$TMP/F" -- \
	"{r['register'] for r in doc['registers']} <= {'SMMU_IRQ_CTRL', 'SMMU_IRQ_CTRLACK'} and {'unit': 'smmuv3@0x09050000', 'register': 'SMMU_IRQ_CTRL', 'old': '0x0', 'new': '0x1', 'fields': [{'field': 'GERROR_IRQEN', 'old': '0x0', 'new': '0x1'}]} in doc['registers'] and not doc['mappings'] and not doc['config'] and not doc['faults']"
"$S" -O devs=3 -c "snapshot save $TMP/G3" >/dev/null 2>&1
"$S" -O devs=2 -c "snapshot save $TMP/G2" >/dev/null 2>&1
expect_json_rc "diff: a removed device is named" 1 -j diff "$TMP/G3" "$TMP/G2" -- \
	"doc['devices'] == [{'change': 'removed', 'device': '00:03.0', 'name': 'QEMU edu DMA test device'}] and doc['changes'] == 1"
run diff "$TMP/G3" "$TMP/G2"
check "diff: text output names the device" grep -q '^- device 00:03.0' "$TMP/out"
run -c "$base snapshot save $TMP/H; diff $TMP/H"
check "diff against the current target: equal right after saving, exit 0" test $rc -eq 0
run -c "$base snapshot save $TMP/H; map d1 0x70000 0x40070000 0x1000 r; diff $TMP/H"
check "diff against the current target: the new mapping, exit 1" \
	bash -c "[ $rc -eq 1 ] && grep -q '^+ 00:01.0 0x70000+0x1000: 0x40070000 r--' '$TMP/out'"
# SMMUv2 and AMD-Vi: a second device attached is named by its stream-match
# entry or its DTE, field by field; configuration steps pair by name (the
# SMMUv2 chain of a stream that now matches reads more registers: sCR0 is no
# longer read, the SMR is, and neither is compared with the other)
"$S" --target sim:mmu500 -c "own; domain create d1; attach 00:01.0 d1; snapshot save $TMP/V2A; attach 00:02.0 d1; snapshot save $TMP/V2B" >/dev/null 2>&1
expect_json_rc "diff on SMMUv2: the new SMR and S2CR field by field; steps paired by name" 1 -j diff "$TMP/V2A" "$TMP/V2B" -- \
	"{'field': 'VALID', 'old': '0x0', 'new': '0x1'} in doc['registers'][0]['fields'] and doc['registers'][0]['register'] == 'SMMU_SMRn[1]' and [(c['what'], c.get('old_addr'), c.get('new_addr')) for c in doc['config'][1:3]] == [('SMMU_sCR0', '0x0', None), ('SMMU_SMRn', None, '0x804')]"
"$S" --target sim:amd -c "own; domain create d1; attach 00:01.0 d1; snapshot save $TMP/AMA; attach 00:02.0 d1; snapshot save $TMP/AMB" >/dev/null 2>&1
expect_json_rc "diff on AMD-Vi: the new DTE is named field by field" 1 -j diff "$TMP/AMA" "$TMP/AMB" -- \
	"[c for c in doc['config'] if c['what'] == 'device table entry'][0]['device'] == '00:02.0' and {'field': 'DomainID', 'old': '0x0', 'new': '0x1'} in [c for c in doc['config'] if c['what'] == 'device table entry'][0]['fields']"
run diff "$TMP/A" "$TMP/nonexistent"
check "diff: a missing file is trouble: exit 2, one line" \
	bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ -z \"\$(cat '$TMP/out')\" ]"

# --- a memory-only core (kdump-shaped: no smmush notes) with -O register values -------------------
for arch in virt q35 amd mmu500; do
	f=$TMP/sim-$arch.core
	k=$TMP/kdump-$arch.core
	python3 - "$f" "$k" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
phoff, phnum, em = struct.unpack_from('<Q', d, 32)[0], struct.unpack_from('<H', d, 56)[0], struct.unpack_from('<H', d, 18)[0]
loads = []
for i in range(phnum):
    t, fl, off, va, pa, fs, ms, al = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
    if t == 1:
        loads.append((pa, d[off:off + fs]))
# as a vmcore: a VMCOREINFO note, the kernel image mapped twice (a second
# segment over the first range, at a kernel virtual address), and a
# /proc/kcore-style segment with no physical address
note = b'VMCOREINFO\0'
desc = b'OSRELEASE=6.1.0\nPAGESIZE=4096\n'
nb = struct.pack('<III', len(note), len(desc), 0) + note + b'\0' * (-len(note) % 4) + desc + b'\0' * (-len(desc) % 4)
segs = [(0xffffffff80000000, loads[0][0], loads[0][1][:4096])] + [(0, pa, b) for pa, b in loads] + [(0xffff800000000000, 0xffffffffffffffff, b'\0' * 4096)]
nph = 1 + len(segs)
off = 64 + 56 * nph
out = bytearray(struct.pack('<4sBBBB8sHHIQQQIHHHHHH', b'\x7fELF', 2, 1, 1, 0, b'\0' * 8, 4, em, 1, 0, 64, 0, 0, 64, 56, nph, 64, 0, 0))
out += struct.pack('<IIQQQQQQ', 4, 0, off, 0, 0, len(nb), 0, 4)
off += len(nb)
for va, pa, b in segs:
    out += struct.pack('<IIQQQQQQ', 1, 7, off, va, pa, len(b), len(b), 4096)
    off += len(b)
out += nb
for va, pa, b in segs:
    out += b
open(sys.argv[2], 'wb').write(out)
PY
	if [ "$arch" = virt ]; then
		regs=$("$S" -j --target "snapshot:$f" -c 'regs strtab_base; regs strtab_base_cfg' | python3 -c '
import json, sys
v = [json.loads(l)[0]["words"][0] for l in sys.stdin]
print("smmuv3=0x09050000,strtab_base=%s,strtab_base_cfg=%s" % tuple(v))')
	elif [ "$arch" = mmu500 ]; then
		# every register the session set, instance N of a kind as NAME[N]
		regs=$("$S" -j --target "snapshot:$f" -c 'regs' | python3 -c '
import json, sys
seen, out = {}, ["smmuv2=0x0a000000"]
for r in json.load(sys.stdin):
    name = r["kind"].split(".", 1)[1]
    n = seen[name] = seen.get(name, -1) + 1
    if "." not in name and int(r["words"][0], 16):
        out.append("%s[%d]=%s" % (name, n, r["words"][0]))
print(",".join(out))')
	elif [ "$arch" = amd ]; then
		regs=$("$S" -j --target "snapshot:$f" -c 'regs devtab_base' | python3 -c '
import json, sys
print("amdvi=0xfed80000,devtab_base=%s" % json.load(sys.stdin)[0]["words"][0])')
	else
		# CAP too: its MGAW is the output size of the tables
		regs=$("$S" -j --target "snapshot:$f" -c 'regs rtaddr; regs cap' | python3 -c '
import json, sys
print("vtd=0xfed90000,rtaddr=%s,cap=%s" % tuple(json.loads(l)[0]["words"][0] for l in sys.stdin))')
	fi
	ins='walk 00:01.0; walk 00:01.0 --raw; xlate 00:01.0 0x10010; xlate 00:01.0 0x40000 w; x/4xg 00:01.0:0x10000'
	"$S" -j --target "snapshot:$f" -c "$ins" >"$TMP/ref.json" 2>&1
	"$S" -j --target "snapshot:$k" -O "$regs" -O pci=00:01.0=1234:11e8 -c "$ins" >"$TMP/k.json" 2>"$TMP/k.err"
	if python3 - "$TMP/ref.json" "$TMP/k.json" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
def strip(d):  # the register steps: the core's -O values are the registers
    if isinstance(d, dict):
        return {k: strip(v) for k, v in d.items() if k not in ('unit_name', 'steps', 'config')}
    return [strip(x) for x in d] if isinstance(d, list) else d
sys.exit(0 if len(a) == len(b) == 5 and strip(a) == strip(b) else 1)
PY
	then
		ok "$arch: a kdump-shaped core with -O $(echo "$regs" | cut -c1-40)... walks and translates as the snapshot does"
	else
		not_ok "$arch: the memory-only core differs: $(head -c 300 "$TMP/k.json") $(cat "$TMP/k.err")"
	fi
done
# the defaults make a walkable SMMUv2: the stream's SMR, S2CR and bank alone
regs=$("$S" -j --target "snapshot:$TMP/sim-mmu500.core" -c 'regs' | python3 -c '
import json, sys
seen, out = set(), ["smmuv2=0x0a000000"]
for r in json.load(sys.stdin):
    name = r["kind"].split(".", 1)[1]
    if name not in seen and name in ("smr", "s2cr", "cbar", "cba2r", "sctlr", "tcr", "tcr2", "ttbr0", "mair0"):
        out.append("%s[0]=%s" % (name, r["words"][0]))
    seen.add(name)
print(",".join(out))')
expect_json "a memory-only core: -O smmuv2= with the stream's SMR, S2CR and context bank 0 only translates" \
	--target "snapshot:$TMP/kdump-mmu500.core" -O "$regs" -O pci=00:01.0 -c 'xlate 00:01.0 0x10010; walk 00:01.0' -- \
	'docs[0]["result"]["translated"] is True and docs[0]["result"]["pa"] == "0x40100010"' \
	'[(r["iova"], r["pa"], r["size"]) for r in docs[1]["ranges"]] == [("0x10000", "0x40100000", "0x2000"), ("0x40000", "0x40040000", "0x1000"), ("0x200000", "0x40200000", "0x200000")]'
run --target "snapshot:$TMP/kdump-mmu500.core" -O smmuv2=0x0a000000,smr[16]=1 units
check "a memory-only core: an SMMUv2 instance beyond IDR0.NUMSMRG is one line" \
	test "$rc" -ne 0 -a "$err" = "smmush: units: target snapshot:$TMP/kdump-mmu500.core: 'smr[16]=1': SMMU_SMRn has 16 instances"
expect_fail "a memory-only core: an instance that is not a number is one line" \
	--target "snapshot:$TMP/kdump-mmu500.core" -O 'smmuv2=0x0a000000,ttbr0[x]=1' units
expect_out "a memory-only core: -O amdvi= gives an AMD-Vi unit, enabled by default" \
	'amdvi@0xfed80000 +amdvi +from manual +not owned, translation on' --target "snapshot:$TMP/kdump-amd.core" -O amdvi=0xfed80000 -c units || true
expect_fail "a memory-only core: an AMD-Vi register that does not exist is one line" \
	--target "snapshot:$TMP/kdump-amd.core" -O amdvi=0xfed80000,rtaddr=1 units
expect_fail "a memory-only core: a register name that does not exist is one line" \
	--target "snapshot:$TMP/kdump-virt.core" -O smmuv3=0x09050000,nosuch=1 units
run -j --target "snapshot:$TMP/kdump-virt.core" -c 'units; devices'
check "a memory-only core alone has no units and no devices" test $rc -eq 0 -a "$(tr -d '\n' <"$TMP/out")" = "[][]"
expect_json "-O regs=FILE takes units and registers from a companion snapshot" -j \
	--target "snapshot:$TMP/kdump-virt.core" -O "regs=$TMP/sim-virt.core" -c 'walk 00:01.0' -- \
	'doc["ranges"][0]["iova"] == "0x10000" and doc["ranges"][0]["pa"] == "0x40100000"'

# --- hostile tables: a loop ends the capture with a warning, and a valid file -----------------
# sim is deterministic: the same session puts the tables at the same addresses
"$S" -j -O ram=64M -c "$(session virt | tr '\n' ';') walk 00:01.0 --raw" 2>/dev/null | tail -1 >"$TMP/raw.json"
loop=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [e for e in d["entries"] if e["type"] == "table"]
root = d["verdict"]["tables"]["root"]
e = t[-1]  # the last table entry: point it back at the root table
print("wg %s %s" % (e["entry_address"], hex(int(root, 16) | 3)))' "$TMP/raw.json")
run --write -O ram=64M -c "$(session virt | tr '\n' ';') $loop; snapshot save $TMP/loop.core"
check "hostile tables: the capture warns (one line) and exits 0" \
	bash -c "[ $rc -eq 0 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && grep -q 'warning' '$TMP/err'"
run --write -O ram=64M -c "$(session virt | tr '\n' ';') $loop; walk 00:01.0 --raw"
tail -1 "$TMP/err" >"$TMP/loop-live.err"
run --target "snapshot:$TMP/loop.core" -c 'walk 00:01.0 --raw'
check "hostile tables: the snapshot's walk stops at the loop as the live one does" \
	bash -c "[ $rc -eq 1 ] && grep -q loop '$TMP/err' && diff -q '$TMP/err' '$TMP/loop-live.err'"

# --- bad files: one line, non-zero exit, no crash --------------------------------------------------
good=$TMP/A # three segments
python3 - "$good" "$TMP" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
t = sys.argv[2]
phoff = struct.unpack_from('<Q', d, 32)[0]
def ph(i): return phoff + 56 * i
def w(name, b): open('%s/bad-%s' % (t, name), 'wb').write(b)
w('empty', b'')
w('truncated-header', d[:40])
w('truncated', d[:len(d) // 2])
w('not-elf', b'hello world, this is not an ELF core at all' * 4)
x = bytearray(d); x[16] = 2; w('not-core', x)                       # ET_EXEC
x = bytearray(d); x[4] = 1; w('elf32', x)
x = bytearray(d); struct.pack_into('<H', x, 56, 0xfff0); w('phnum-huge', x)
x = bytearray(d); struct.pack_into('<Q', x, 32, 1 << 62); w('phoff-huge', x)
x = bytearray(d); struct.pack_into('<Q', x, ph(1) + 32, 10 << 30); struct.pack_into('<Q', x, ph(1) + 40, 10 << 30); w('segment-10G', x)
x = bytearray(d); struct.pack_into('<Q', x, ph(1) + 8, len(d) - 16); w('segment-past-end', x)
x = bytearray(d); struct.pack_into('<Q', x, ph(1) + 24, 0xfffffffffffff000); struct.pack_into('<Q', x, ph(1) + 16, 0); struct.pack_into('<Q', x, ph(1) + 40, 0x2000); struct.pack_into('<Q', x, ph(1) + 32, 0x1000); w('paddr-wraps', x)
x = bytearray(d); struct.pack_into('<Q', x, ph(2) + 24, struct.unpack_from('<Q', x, ph(1) + 24)[0]); w('overlap', x)
noff = struct.unpack_from('<Q', d, ph(0) + 8)[0]
x = bytearray(d); struct.pack_into('<I', x, noff + 4, 0x7ffffff0); w('note-descsz-huge', x)
x = bytearray(d); struct.pack_into('<I', x, noff + 4, 8); w('note-header-short', x)
x = bytearray(d); struct.pack_into('<Q', x, ph(0) + 32, 1 << 40); w('notes-past-end', x)
x = bytearray(d); struct.pack_into('<I', x, noff + 20, 99); w('version-99', x)
PY
for b in "$TMP"/bad-*; do
	expect_fail "bad file ${b##*/bad-}: one clear line, non-zero exit" --target "snapshot:$b" units
done

finish
