#!/usr/bin/env bash
# smmush through the GDB remote protocol: QEMU started here with its gdbstub
# (-gdb unix:PATH for virt with halting firmware and -S, tcp on 127.0.0.1 for
# q35 booting SeaBIOS), the scenarios of tests/scenarios compared with sim
# and with the same QEMU over qtest, a QEMU killed mid-session, and a fake
# server (tests/gdb-fake-server.py) that drops, errs, garbles and stalls.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
export HOME=$TMP/home
mkdir -p "$HOME"

# --- a server that misbehaves: one clear line each, nothing hangs ------------------------
FAKE=$TMP/fake.sock
start_fake() { # MODE
	rm -f "$FAKE"
	python3 "$srcdir/tests/gdb-fake-server.py" "$FAKE" "$1" </dev/null >/dev/null 2>"$TMP/fake.err" &
	FAKE_PID=$!
	for _ in $(seq 100); do [ -S "$FAKE" ] && break; sleep 0.05; done
}
stop_fake() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; }

# fake_fails WHAT MODE PATTERN ARGS...: smmush fails within 3 s with one line
# on stderr matching PATTERN
fake_fails() {
	local what=$1 mode=$2 pat=$3; shift 3
	start_fake "$mode"
	local t0=$SECONDS
	run --target "gdb:unix:$FAKE" -O timeout=1 "$@"
	local dt=$((SECONDS - t0)) lines
	lines=$(wc -l <"$TMP/err")
	stop_fake
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && grep -Eq -- "$pat" "$TMP/err" && [ "$dt" -le 3 ]; then
		ok "fake server ($mode): $what"
	else
		not_ok "fake server ($mode): $what (rc=$rc, ${dt}s, stderr: $err)"
	fi
}
fake_fails "a dropped connection is one line" drop '^smmush: .*gdb: .*closed the connection$' -O physical=yes -c units
fake_fails "an E01 answer to a memory read is one line" e01 "^smmush: .*answered E01 to 'm40000000,28'" \
	-O physical=yes -O fdt=0x40000000 -c units
fake_fails "an E01 answer to Qqemu.PhyMemMode says physical mode was refused" e01 \
	"^smmush: .*refused physical memory mode.*physical=yes" -c units
fake_fails "bad checksums: asked again 3 times, then one line" badsum '^smmush: .*bad checksum \(sent again 3 times\)$' \
	-O physical=yes -c units
fake_fails "a server that stalls: the time limit, then one line" stall "^smmush: .*did not answer 'qSupported.*' within 1 s$" \
	-O physical=yes -c units
fake_fails "a server that is not QEMU: addresses must be stated physical" mem \
	'^smmush: .*not QEMU.*say -O physical=yes$' -c units

# -O ram checked before anything is asked of the server
for bad in 0x1000 0x1000,0 0xffffffffffff0000,0x20000; do
	expect_fail "-O ram=$bad: one line, before connecting" --target gdb:unix:$TMP/none.sock -O ram=$bad -c units
	check "... it says what ram wants" grep -q "gdb: bad ram '$bad' (ADDR,SIZE)" "$TMP/err"
done

# a working server that is not QEMU: no acknowledgements, binary X writes with
# bytes that need escaping, run-length encoded answers, PacketSize 0x200
start_fake mem
run --write --target "gdb:unix:$FAKE" -O physical=yes -c \
	'fill 0x1000 3000 0x23; wg 0x2000 0x2a7d24232a7d2423; x/xg 0x1bb0; x/2xg 0x1bb8; x/xg 0x2000; target info'
stop_fake
if [ "$rc" -eq 0 ] && grep -q '0x00001bb0:  0x2323232323232323' "$TMP/out" &&
	grep -q '0x00001bb8:  0x0000000000000000' "$TMP/out" && grep -q '0x2a7d24232a7d2423' "$TMP/out" &&
	grep -q 'physical: as the user stated (physical=yes); PacketSize 512, no acknowledgements, binary X writes' "$TMP/out"; then
	ok "fake server (mem): QStartNoAckMode, escaped X writes, run-length encoded reads, 512-byte packets"
else
	not_ok "fake server (mem): rc=$rc $err $(head -c 600 "$TMP/out")"
fi

if ! command -v qemu-system-aarch64 >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
	# QEMU is part of the README's set-up: in CI its absence is a failure
	if [ "${CI:-}" = true ]; then not_ok "QEMU is not installed (qemu-system-arm, qemu-system-x86)"; fi
	finish; exit
fi

# --- QEMU with its gdbstub ---------------------------------------------------------------
QEMU_PID=
# (disowned when started: bash would report the kill -9 below as "Killed")
stop_qemu() {
	[ -n "$QEMU_PID" ] || return 0
	kill "$QEMU_PID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.02; done
	QEMU_PID=
}
trap 'stop_qemu; rm -rf "$TMP"' EXIT

# start_qemu virt|q35: sets TGT (the --target) and OPTS
start_qemu() {
	local edu=(-device edu,dma_mask=0xffffffffffffffff -device edu,dma_mask=0xffffffffffffffff)
	local common=(-m 512 -nodefaults -display none -serial none -monitor none -icount shift=0,sleep=off)
	if [ "$1" = virt ]; then
		# firmware that halts (wfi; b .-4): QEMU leaves the device tree at
		# the start of RAM and nobody assigns BARs, so smmush does
		printf '\x7f\x20\x03\xd5\xff\xff\xff\x17' >"$TMP/fw.bin"
		rm -f "$TMP/gdb.sock"
		qemu-system-aarch64 -machine virt,iommu=smmuv3 -cpu cortex-a57 "${common[@]}" -bios "$TMP/fw.bin" \
			"${edu[@]}" -gdb "unix:$TMP/gdb.sock,server,nowait" -S 2>"$TMP/qemu.log" &
		QEMU_PID=$!
		disown
		TGT=gdb:unix:$TMP/gdb.sock
		OPTS=(-O assign-bars=yes)
		for _ in $(seq 100); do [ -S "$TMP/gdb.sock" ] && break; sleep 0.05; done
	else
		# SeaBIOS assigns BARs, enables ECAM and leaves the ACPI tables
		# (DMAR, MCFG) in memory: smmush finds them through the RSDP
		local port
		port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		qemu-system-x86_64 -machine q35,kernel-irqchip=split "${common[@]}" -device intel-iommu,intremap=on \
			"${edu[@]}" -gdb "tcp:127.0.0.1:$port,server,nowait" 2>"$TMP/qemu.log" &
		QEMU_PID=$!
		disown
		TGT=gdb:127.0.0.1:$port
		OPTS=(-O tables=0x10000000,16M)
	fi
	# until the firmware has done its part (SeaBIOS: about a second)
	for _ in $(seq 100); do
		"$SMMUSH" --target "$TGT" "${OPTS[@]}" -c units 2>/dev/null | grep -Eq '(smmuv3|dmar)@' && return 0
		sleep 0.1
	done
	return 1
}

for arch in virt q35; do
	family=$([ "$arch" = virt ] && echo smmuv3 || echo vtd)
	if ! start_qemu "$arch"; then
		not_ok "$arch: QEMU with -gdb did not come up: $(head -2 "$TMP/qemu.log")"
		stop_qemu
		continue
	fi
	expect_out "$arch: target info says how addresses are physical, over $(echo "$TGT" | cut -d: -f2)" \
		"GDB remote server at .*physical: QEMU's physical memory mode \(Qqemu.PhyMemMode:1\); PacketSize 4096" \
		--target "$TGT" "${OPTS[@]}" -c 'target info'

	# the whole session over the GDB remote protocol, against sim and qtest
	scen=$srcdir/tests/scenarios/$arch.smmush
	"$SMMUSH" -j --target "$TGT" "${OPTS[@]}" -f "$scen" >"$TMP/gdb.json" 2>"$TMP/gdb.err"
	grc=$?
	"$SMMUSH" -j --target "sim:$arch" -f "$scen" >"$TMP/sim.json" 2>"$TMP/sim.err"
	"$SMMUSH" -j --target "qemu:$arch" -f "$scen" >"$TMP/qtest.json" 2>"$TMP/qtest.err"
	qrc=$?
	if [ "$grc" -ne 0 ] || [ "$qrc" -ne 0 ]; then
		not_ok "scenario $arch over gdb: exit $grc (qtest $qrc): $(cat "$TMP/gdb.err" "$TMP/qtest.err" | head -2)"
	else
		if python3 "$srcdir/tests/differential.py" "$scen" "$TMP/sim.json" "$TMP/gdb.json" "$family" >"$TMP/diff.out"; then
			ok "scenario $arch over gdb: own, map, DMA round trip, faults explained, walk, release agree with sim ($(grep departure "$TMP/diff.out" | tr '\n' ' '))"
		else
			not_ok "scenario $arch over gdb differs from sim:"
			sed 's/^/#   /' "$TMP/diff.out" | head -20
		fi
		if python3 "$srcdir/tests/differential.py" "$scen" "$TMP/qtest.json" "$TMP/gdb.json" "$family" both-qemu \
			>"$TMP/diff.out"; then
			ok "scenario $arch: over gdb and over qtest, the same results"
		else
			not_ok "scenario $arch: gdb and qtest differ:"
			sed 's/^/#   /' "$TMP/diff.out" | head -20
		fi
		# the inc pattern written by edu to the two mapped pages, read back
		check "scenario $arch over gdb: the DMA round trip's data read back" json_valid "$TMP/gdb.json" \
			'[d["values"][0] for d in docs if "values" in d] == ["0x706050403020100"] * 2'
	fi

	# audit over gdb says what it says over qtest: the same tables (qtest's
	# are the top 16 MiB of RAM) and, on q35, RAM as stated (x86 firmware
	# keeps its memory map to itself); a mapping of the unit's registers
	# makes a finding
	if [ "$arch" = virt ]; then
		RAM=0x48000000 REGS=0x09050000 AOPTS=("${OPTS[@]}")
	else
		RAM=0x08000000 REGS=0xfed90000 AOPTS=(-O tables=0x1f000000,16M -O ram=0,0x20000000)
	fi
	AUD="own; domain create d1; attach 00:01.0 d1; map d1 0x10000 $RAM 0x2000 rw; map d1 0x200000 $((RAM + 0x200000)) 2M r; map d1 0x400000 $REGS 0x1000 r; audit"
	"$SMMUSH" -j --target "$TGT" "${AOPTS[@]}" -c "$AUD" >"$TMP/gdb.json" 2>"$TMP/gdb.err"
	grc=$?
	"$SMMUSH" -j --target "qemu:$arch" -c "$AUD" >"$TMP/qtest.json" 2>"$TMP/qtest.err"
	qrc=$?
	# alike but for the target's name and, when neither can size its BARs, that note
	check "$arch: audit over gdb is audit over qtest: units, devices, reach, memory kinds, findings (exit $grc, qtest $qrc)" \
		python3 -c "
import json, sys
def doc(f):
    d = json.loads(open(f).read().splitlines()[-1])
    d.pop('target')
    return d
g, q = doc(sys.argv[1]), doc(sys.argv[2])
both_unknown = all(not x['bar_sizes_known'] for x in g['devices'] + q['devices'])
for x in g['devices'] + q['devices'] if both_unknown else []:
    x.pop('bar_sizes_known')
ids = sorted(f['id'] for f in g['findings'])
reach = [(r['pa'], r['size'], r['perms'], [m['kind'] for m in r['memory']]) for x in g['devices'] if x['device'] == '00:01.0' for r in x['ranges']]
sys.exit(0 if g == q and ids == ['reaches-iommu'] and reach == [(hex($RAM), '0x2000', 'rw-', ['ram']), (hex($RAM + 0x200000), '0x200000', 'r--', ['ram']), (hex($REGS), '0x1000', 'r--', ['iommu-registers'])] else 1)" \
		"$TMP/gdb.json" "$TMP/qtest.json"

	run -j --target "$TGT" "${OPTS[@]}" -c 'regs; own; release; regs'
	check "$arch over gdb: every register after release equals its value before own" json_valid "$TMP/out" \
		'len(docs) == 4 and len(docs[0]) == len(docs[3]) > 10' \
		'all({k: v for k, v in a["fields"].items() if k not in ("RTPS", "CAIG", "IAIG")} == {k: v for k, v in b["fields"].items() if k not in ("RTPS", "CAIG", "IAIG")} for a, b in zip(docs[0], docs[3]))'

	# a QEMU killed mid-session: the next command says so within 2 s
	cat >"$TMP/steps.json" <<J
[ {"expect": "smmush> ", "timeout": 20}, {"send": "units\r"}, {"expect": "translation"},
  {"run": "kill -9 $QEMU_PID"},
  {"send": "units\r"}, {"expect": "smmush: .*backend", "timeout": 2},
  {"send": "target info\r"}, {"expect": "gone: the GDB server closed the connection", "timeout": 2},
  {"send": "\u0004"}, {"exit": 1} ]
J
	if python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$SMMUSH" --target "$TGT" "${OPTS[@]}" \
		2>"$TMP/pty.err"; then
		ok "$arch over gdb: QEMU killed: the next command reports it within 2 s, target info says why"
	else
		not_ok "$arch over gdb: QEMU killed: $(cat "$TMP/pty.err")"
	fi
	stop_qemu
done

finish
