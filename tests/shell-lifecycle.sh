#!/usr/bin/env bash
# Nothing lost, nothing left broken: a session's life around ownership.
#  - QEMU dies while a device is attached: quit, Ctrl-D and end of input end
#    the session cleanly (no crash, no sanitizer report, no temporary directory)
#  - release keeps domains and their mappings; the next own puts them back
#  - a session killed while it owned a unit: the next one finds the journal,
#    says so, and release --recover / own --recover put things right
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
export HOME=$TMP/home
mkdir -p "$HOME"
have_qemu=true
if ! command -v qemu-system-aarch64 >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
	have_qemu=false
	# QEMU is part of the README's set-up: in CI its absence is a failure
	if [ "${CI:-}" = true ]; then not_ok "QEMU is not installed (qemu-system-arm, qemu-system-x86)"; fi
	echo "# skip the QEMU parts: QEMU is not installed"
fi
ram_of() { case $1 in *virt) echo 0x40100000 ;; *) echo 0x00100000 ;; esac; }
# exit 1 (the release failed), no signal death, no sanitizer report
clean_exit() { [ "$1" -eq 1 ] && ! grep -q 'Sanitizer' "$2"; }

# --- wg (fault injection) survives a later map in the same leaf table ------------------------
for t in sim:virt sim:q35; do
	RAM=$(ram_of "$t")
	A="own; domain create d; attach 00:01.0 d; map d 0x10000 $RAM 4K rw"
	run -j --target "$t" -c "$A; xlate 00:01.0 0x10000"
	ea=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])["levels"][-1]["entry_address"])' <<<"$out")
	pte=$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])["levels"][-1]["pte"])' <<<"$out")
	# read-only A: stage 1 AP[2] (bit 7), VT-d second level W (bit 1) cleared
	if [ "$t" = sim:virt ]; then ro=$(printf '0x%x' $((pte | 0x80))); else ro=$(printf '0x%x' $((pte & ~0x2))); fi
	expect_json "$t: an entry changed with wg survives a map in the same leaf table" --target "$t" -c \
		"$A; wg $ea $ro; map d 0x11000 $((RAM + 0x1000)) 4K rw; x/2gx $ea; xlate 00:01.0 0x10000; walk 00:01.0" -- \
		"docs[-3][\"values\"][0] == \"$ro\" and docs[-3][\"values\"][1] != \"0x0\"" \
		'docs[-2]["result"]["permissions"] == "r"' \
		'[(r["iova"], r["permissions"]) for r in docs[-1]["ranges"]] == [("0x10000", "r"), ("0x11000", "rw")]'
	expect_json "$t: an entry cleared with wg stays cleared after a map" --target "$t" -c \
		"$A; wg $ea 0; map d 0x11000 $((RAM + 0x1000)) 4K rw; x/1gx $ea; walk 00:01.0" -- \
		'docs[-2]["values"] == ["0x0"]' '[r["iova"] for r in docs[-1]["ranges"]] == ["0x11000"]'
done

# --- release keeps domains and mappings; the next own installs them again ------------------
targets=(sim:virt sim:q35)
$have_qemu && targets+=(qemu:virt qemu:q35)
for t in "${targets[@]}"; do
	RAM=$(ram_of "$t")
	expect_json "$t: own, map, attach, release, own: the domain, device and mappings are back, DMA works" \
		--target "$t" -c "own; domain create d; map d 0x10000 $RAM 8K rw; attach 00:01.0 d; release; domain list; own; \
dma 00:01.0 read 0x10000 64 --pattern inc; dma 00:01.0 write 0x11000 64 --expect inc; dma 00:01.0 read 0x20000 8; domain list; devices" -- \
		'docs[5][0]["name"] == "d" and docs[5][0]["devices"] == ["00:01.0"]' \
		'docs[7]["faulted"] is False and docs[8]["data_ok"] is True' 'docs[9]["faulted"] is True' \
		'docs[10][0]["ranges"] == 1 and docs[10][0]["mapped_bytes"] == 8192' \
		'[d["domain"] for d in docs[11] if d["addr"] == "00:01.0"] == ["d"]'
done
expect_out "sim:virt: release says what it keeps" "released: .*domains, their devices and mappings are kept for the next 'own'" \
	--target sim:virt -c "own; domain create d; attach 00:01.0 d; release"
expect_json "sim:virt: detach while released changes the record; the next own leaves the device out" --target sim:virt -c \
	"own; domain create d; attach 00:01.0 d; map d 0x10000 0x40100000 4K rw; release; detach 00:01.0; domain destroy d; own; domain list; dma 00:01.0 read 0x10000 8" -- \
	'docs[-2] == []' 'docs[-1]["blocked"] is True or docs[-1]["faulted"] is True'

# --- QEMU killed (SIGKILL) while a device is attached -------------------------------------
# how: quit (a command), eof (the input ends)
qemu_dies() {
	local t=$1 how=$2 d=$TMP/dies-$1-$2 spid qpid i src
	mkdir -p "$d/tmp"
	mkfifo "$d/in"
	TMPDIR=$d/tmp "$SMMUSH" --target "$t" <"$d/in" >"$d/out" 2>"$d/err" &
	spid=$!
	exec 7>"$d/in"
	echo "own; domain create d; attach 00:01.0 d; map d 0x1000 $(ram_of "$t") 4K rw" >&7
	for i in $(seq 200); do grep -q 'd: mapped' "$d/out" 2>/dev/null && break; sleep 0.05; done
	qpid=$(pgrep -P "$spid" qemu-system)
	if [ -z "$qpid" ]; then
		not_ok "$t: QEMU killed while attached, then $how: no QEMU child ($(cat "$d/err"))"
		exec 7>&-
		kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
		return
	fi
	kill -KILL "$qpid"
	sleep 0.2
	[ "$how" = quit ] && echo quit >&7
	exec 7>&-
	for i in $(seq 200); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$spid" 2>/dev/null # a hang fails below
	wait "$spid"
	src=$?
	if clean_exit "$src" "$d/err" && [ -z "$(ls -A "$d/tmp")" ]; then
		ok "$t: QEMU killed while attached, then $how: exit $src, no crash, temporary directory removed"
	else
		not_ok "$t: QEMU killed while attached, then $how: exit $src; left in TMPDIR: $(ls -A "$d/tmp" | tr '\n' ' '); $(head -c 300 "$d/err")"
	fi
}

if $have_qemu; then
	for t in qemu:virt qemu:q35; do
		qemu_dies "$t" quit
		qemu_dies "$t" eof
		# Ctrl-D at the prompt of an interactive session
		mkdir -p "$TMP/ctrld-$t"
		cat >"$TMP/steps.json" <<J
[ {"expect": "smmush> ", "timeout": 20},
  {"send": "own; domain create d; attach 00:01.0 d; map d 0x1000 $(ram_of "$t") 4K rw\r"},
  {"expect": "d: mapped", "timeout": 10},
  {"run": "pkill -9 -P \$CHILD_PID qemu-system"},
  {"send": "\u0004"}, {"exit": 1, "timeout": 10} ]
J
		if TMPDIR=$TMP/ctrld-$t python3 "$srcdir/tests/pty-drive.py" "$TMP/steps.json" -- "$SMMUSH" --target "$t" \
			2>"$TMP/pty.err" && [ -z "$(ls -A "$TMP/ctrld-$t")" ]; then
			ok "$t: QEMU killed while attached, then Ctrl-D: exit 1 (release failed), temporary directory removed"
		else
			not_ok "$t: QEMU killed while attached, then Ctrl-D: $(cat "$TMP/pty.err"); left: $(ls -A "$TMP/ctrld-$t")"
		fi
	done
fi

# --- a session killed while it owned a unit: the journal ------------------------------------
# Registers equal, except status only a reset clears (VT-d GSTS.RTPS) and the
# command registers' read-only granularity fields (as in shell-program.sh).
REGS_SAME='all(a == b or (a["kind"] == "vtd.gsts" and int(a["words"][0], 16) & ~0x40000000 == int(b["words"][0], 16) & ~0x40000000) or a["kind"] in ("vtd.ccmd", "vtd.iotlb", "vtd.iva") for a, b in zip(docs[0], docs[-1])) and len(docs[0]) == len(docs[-1]) > 5'
# an smmush that owns the unit, attaches, maps, does DMA, and is killed -9
own_and_die() {
	local fifo=$TMP/fifo-$1 spid i
	rm -f "$fifo"
	mkfifo "$fifo"
	"$SMMUSH" "${Q[@]}" <"$fifo" >"$TMP/owner" 2>"$TMP/owner.err" &
	spid=$!
	exec 7>"$fifo"
	echo "own; domain create d; attach 00:01.0 d; map d 0x1000 $2 4K rw; dma 00:01.0 read 0x1000 16" >&7
	for i in $(seq 200); do grep -q 'dma 00:01.0' "$TMP/owner" 2>/dev/null && break; sleep 0.05; done
	kill -KILL "$spid"
	wait "$spid" 2>/dev/null
	exec 7>&-
	grep -q 'dma 00:01.0 read 0x1000 16: done' "$TMP/owner"
}
journal_test() { # journal_test PLAT BIN RAM
	local plat=$1 bin=$2 ram=$3 sock=$TMP/qtest-$1 jdir=$TMP/journal-$1
	start_qemu "$plat" "$bin"
	Q=(--target "qemu:$plat" -O "socket=$sock" -O "journal=$jdir")
	run -j "${Q[@]}" -c regs
	cp "$TMP/out" "$TMP/before-$plat"
	check "qemu:$plat: a session owns, attaches, maps, does DMA and is killed -9" own_and_die "$plat" "$ram"
	check "qemu:$plat: its journal is on disk" test "$(ls "$jdir" 2>/dev/null | grep -c '\.journal$')" -eq 1
	expect_out "qemu:$plat: the next session's units says the unit was left owned, and what to do" \
		"left owned by an earlier session \($jdir/.*\.journal\): 'own --recover' takes it over, 'release --recover' restores" \
		"${Q[@]}" units
	expect_json "qemu:$plat: units -j: left_owned" "${Q[@]}" units -- 'docs[0][0]["left_owned"] is True' \
		'docs[0][0]["owned"] is False'
	run "${Q[@]}" -c own
	check "qemu:$plat: own refuses to save the leftovers as the original, naming --recover" \
		grep -q "own: .*left owned by an earlier smmush session: 'own --recover' takes it over, 'release --recover'" "$TMP/err"
	run -j "${Q[@]}" -c 'release --recover; units; regs'
	cat "$TMP/before-$plat" "$TMP/out" >"$TMP/both-$plat"
	check "qemu:$plat: release --recover: every register as before the first own" json_valid "$TMP/both-$plat" \
		"$REGS_SAME" 'docs[1]["owned"] is False' 'docs[2][0]["left_owned"] is False'
	check "qemu:$plat: release --recover removed the journal" test -z "$(ls -A "$jdir")"
	# the other way: a new session takes over, works, and releases to the originals
	check "qemu:$plat: killed -9 again while owning" own_and_die "$plat" "$ram"
	run -j "${Q[@]}" -c "own --recover; domain create d; attach 00:01.0 d; map d 0x1000 $ram 8K rw; dma 00:01.0 read 0x1000 64 --pattern inc; dma 00:01.0 write 0x2000 64 --expect inc; release; regs"
	cat "$TMP/before-$plat" "$TMP/out" >"$TMP/both-$plat"
	check "qemu:$plat: own --recover takes over (DMA works); its release restores the first session's originals" \
		json_valid "$TMP/both-$plat" "$REGS_SAME" 'docs[1]["owned"] is True' 'docs[-3]["data_ok"] is True'
	check "qemu:$plat: no journal left after that release" test -z "$(ls -A "$jdir")"
	expect_err_rec "qemu:$plat: release --recover without a journal says so" "${Q[@]}" -c 'release --recover'
	# a QEMU restarted on the same socket: the journal is stale, said so, never acted on
	check "qemu:$plat: killed -9 once more while owning" own_and_die "$plat" "$ram"
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	rm -f "$sock"
	start_qemu "$plat" "$bin"
	expect_out "qemu:$plat: restarted on the same socket: units says the journal is of an earlier start" \
		"a journal of an earlier start of this machine \($jdir/.*\.journal\) no longer applies: ignored; 'own' replaces it" \
		"${Q[@]}" units
	expect_json "qemu:$plat: units -j: not left owned, a stale journal" "${Q[@]}" units -- \
		'docs[0][0]["left_owned"] is False and docs[0][0]["stale_journal"] is True'
	run -j "${Q[@]}" -c regs
	cp "$TMP/out" "$TMP/fresh-$plat"
	for how in release own; do
		run "${Q[@]}" -c "$how --recover"
		check "qemu:$plat: $how --recover refuses a stale journal, one line" test "$rc" -ne 0 -a "$(wc -l <"$TMP/err")" -eq 1
		check "  ... naming the restart and what to do" grep -q "^smmush: $how: .*: the ownership journal was written for an earlier start of this machine.*'own' replaces that journal" "$TMP/err"
	done
	run -j "${Q[@]}" -c regs
	cat "$TMP/fresh-$plat" "$TMP/out" >"$TMP/both-$plat"
	check "qemu:$plat: ... and wrote no register" json_valid "$TMP/both-$plat" "$REGS_SAME"
	check "qemu:$plat: ... and kept the journal" test "$(ls "$jdir" | grep -c '\.journal$')" -eq 1
	expect_out "qemu:$plat: own replaces the stale journal and says so" "replaced the journal of an earlier start of this machine" \
		"${Q[@]}" -c 'own; units; release'
	check "qemu:$plat: no journal left after that release" test -z "$(ls -A "$jdir")"
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	trap 'rm -rf "$TMP"' EXIT
}
expect_err_rec() {
	local what=$1; shift
	run "$@"
	if [ "$rc" -ne 0 ] && grep -q "release: .*: --recover: no journal names this unit" "$TMP/err"; then ok "$what ($err)"; else not_ok "$what (rc=$rc: $err)"; fi
}
for q in "virt qemu-system-aarch64 0x40100000" "q35 qemu-system-x86_64 0x00100000"; do
	set -- $q
	if command -v "$2" >/dev/null; then
		journal_test "$1" "$2" "$3"
	elif [ "${CI:-}" = true ]; then
		not_ok "qemu:$1: $2 is missing (CI=true needs it)"
	else
		echo "# skip qemu:$1: $2 not installed"
	fi
done

# -q: own prints its result, not the banner
for m in virt q35 mmu500; do
	run -q --target sim:$m -c own
	check "sim:$m: -q own: one line, the unit owned" test "$rc" -eq 0 -a "$(wc -l <"$TMP/out")" -eq 1 -a -z "$(grep -v "^[a-z0-9]*@0x[0-9a-f]* owned$" "$TMP/out")"
	run --target sim:$m -c own
	check "sim:$m: own without -q: the banner, was and now" grep -q "^  was: " "$TMP/out"
done

finish
