#!/usr/bin/env bash
# Edges where smmush used to lose information or leave something broken:
# predictions for requests with a PASID that the hardware refuses, scripts
# given with -c and -f together, errors under -j, register writes the
# hardware ignores or that need a special command.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# --- a request with a PASID the configuration refuses: the prediction is the fault -------------
# (VT-d legacy mode used to translate it while the DMA faulted with reason 0x31)
for m in virt q35; do
	if [ $m = virt ]; then T=(--target sim) P=0x40100000; else T=(--target sim:q35) P=0x100000; fi
	SETUP="own; domain create d; attach 00:01.0 d; map d 0x10000 $P 0x2000 rw"
	run -j "${T[@]}" -c "$SETUP; dma 00:01.0 read 0x10000 8 --pasid 1; faults"
	code=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["faults"][0]["code"])' "$TMP/out" 2>/dev/null)
	check "$m: DMA with PASID 1 faults (code $code)" test -n "$code"
	for c in "xlate 00:01.0 0x10000 r --pasid 1" "walk 00:01.0 --pasid 1" "config 00:01.0 --pasid 1"; do
		expect_json "$m: $c -j predicts the fault the DMA got" "${T[@]}" -c "$SETUP; $c" -- \
			"(docs[-1].get('config') or docs[-1])['verdict']['result'] == 'fault'" \
			"(docs[-1].get('config') or docs[-1])['verdict']['code'] == int('$code', 16)"
		expect_out "$m: $c says it faults" '^ *-> fault: ' "${T[@]}" -c "$SETUP; $c"
	done
	expect_out "$m: dma with PASID 1: no translation claimed" "faulted: 1 fault record" \
		"${T[@]}" -c "$SETUP; dma 00:01.0 read 0x10000 8 --pasid 1"
done
expect_out "q35: xlate --pasid in legacy mode names reason 0x31" \
	'^result: fault: stopped in the configuration \(fault\): the unit is in legacy mode .*fault reason 0x31' \
	--target sim:q35 -c "own; domain create d; attach 00:01.0 d; map d 0x10000 0x100000 4K rw; xlate 00:01.0 0x10000 --pasid 1"

# --- -c and -f: every one runs, in the order given ----------------------------------------------
printf 'echo-not-a-command\n' >/dev/null
printf 'decode smmuv3.cr0 0x2\n' >"$TMP/two.smmush"
printf 'decode smmuv3.cr0 0x4\n' >"$TMP/three.smmush"
run -c "decode smmuv3.cr0 0x1" -f "$TMP/two.smmush" -c "decode smmuv3.cr0 0x8" -f "$TMP/three.smmush"
check "-c, -f, -c, -f: all four, in order" test "$rc" -eq 0 -a \
	"$(grep -o '^SMMU_CR0 @0x00020 = 0x0000000[0-9]' "$TMP/out" | tr -d '\n' | sed 's/SMMU_CR0 @0x00020 = //g')" = \
	"0x000000010x000000020x000000080x00000004"
run -c "decode smmuv3.cr0 0x1" -c "decode smmuv3.cr0 0x2"
check "-c twice: both run" test "$rc" -eq 0 -a "$(grep -c '^SMMU_CR0 ' "$TMP/out")" -eq 2
run -c "nosuch" -f "$TMP/two.smmush"
check "a failing -c stops the -f after it" test "$rc" -ne 0 -a -z "$out" -a "$(wc -l <"$TMP/err")" -eq 1
run -f /nonexistent -c "decode smmuv3.cr0 0x1"
check "a missing -f stops the -c after it" test "$rc" -ne 0 -a -z "$out" -a "$(wc -l <"$TMP/err")" -eq 1

# --- scripts that are not text: a directory, a NUL byte -----------------------------------------
mkdir -p "$TMP/dir"
expect_fail "-f of a directory fails" -f "$TMP/dir"
check "-f of a directory says so" grep -q "^smmush: $TMP/dir: Is a directory$" "$TMP/err"
expect_fail "source of a directory fails" -c "source $TMP/dir"
check "source of a directory says so" grep -q "^smmush: $TMP/dir: Is a directory$" "$TMP/err"
printf 'decode smmuv3.cr0 0x1\ndecode smmuv3.cr0 0x2\0decode smmuv3.cr0 0x4\ndecode smmuv3.cr0 0x8\n' >"$TMP/nul.smmush"
for how in "-f $TMP/nul.smmush" "-c source $TMP/nul.smmush" "stdin"; do
	if [ "$how" = stdin ]; then
		"$SMMUSH" <"$TMP/nul.smmush" >"$TMP/out" 2>"$TMP/err"; rc=$?; out=$(cat "$TMP/out")
		where="<stdin>"
	else
		read -r opt arg <<<"$how"
		run "$opt" "$arg"
		where="$TMP/nul.smmush"
	fi
	check "NUL byte ($how): refused with the line, exit status 1" test "$rc" -eq 1 -a \
		"$(grep -c "^smmush: $where:2: a NUL byte in the line" "$TMP/err")" -eq 1
	check "NUL byte ($how): the line before ran, that line and those after did not" \
		test "$(grep -c '^SMMU_CR0 ' "$TMP/out")" -eq 1
done

# --- -j: every failure is also a JSON error object on stdout --------------------------------------
fails=("-c|nosuch" "-c|decode smmuv3.cr0" "-c|x 0x0" "--target|nosuch|-c|regs" "-f|/nonexistent" "-f|$TMP/dir"
       "-f|$TMP/nul.smmush" "-c|decode 'unterminated" "-c|source /nonexistent" "nosuch" "-c|walk 00:01.0 1 2 3")
for f in "${fails[@]}"; do
	IFS='|' read -r -a args <<<"$f"
	f=${f//|/ }
	run -j "${args[@]}"
	check "-j $f: exit 1, one line on stderr" test "$rc" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1
	check "-j $f: the last document on stdout is that line as an error object" json_valid "$TMP/out" \
		"set(docs[-1]) == {'error', 'command'} and 'smmush: ' + docs[-1]['error'] + '\\n' == open('$TMP/err').read()"
done
run -p -c nosuch
check "-p: the error object is pretty-printed JSON too" json_valid "$TMP/out" "docs[-1]['command'] == 'nosuch'"
expect_json "-j set: the settings as JSON" -c "set" -- "docs[-1] == {'errexit': True, 'json': True}"
run -j -c "set errexit off; nosuch; decode smmuv3.cr0 0x1"
check "-j, errexit off: the error object, then the next command's document" json_valid "$TMP/out" \
	"docs[0]['command'] == 'nosuch' and docs[1]['name'] == 'SMMU_CR0'"
run -c nosuch
check "without -j: nothing on stdout for an error" test "$rc" -eq 1 -a -z "$out"

# --- reg write: usage first, every width, and a write the hardware ignored says so --------------
for c in "reg read CR0" "reg" "reg write" "reg write CR0" "reg write CR0 1 2"; do
	expect_fail "before own: '$c' gives the usage, not the ownership refusal" -c "$c"
	check "before own: '$c': the usage line" grep -Eq "^smmush: reg( write)?: (missing arguments: )?(expected reg write NAME\[N\] VALUE|SMMU_CR0 is 1 word)" "$TMP/err"
done
expect_fail "before own: a valid reg write is refused" -c "reg write CR0 1"
check "before own: the refusal names ownership" grep -q "refusing to write hardware" "$TMP/err"
V=(--target sim)
for c in "reg write STRTAB_BASE 0x40001000|read-only while SMMU_CR0.SMMUEN=1" \
	 "reg write STRTAB_BASE_CFG 0x0|read-only while SMMU_CR0.SMMUEN=1" \
	 "reg write CMDQ_BASE 0x40001008|read-only while SMMU_CR0.CMDQEN=1" \
	 "reg write GBPA 0x0|SMMU_GBPA changes only when written with Update=1"; do
	IFS='|' read -r cmd why <<<"$c"
	run "${V[@]}" -c "own; $cmd"
	check "virt, owned: $cmd: the hardware ignores it: one error line, exit 1" test "$rc" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1
	check "virt, owned: $cmd: what it reads, and why" grep -q "^smmush: reg write: SMMU_[A-Z_]* did not take: it reads 0x[0-9a-f]* ($why)$" "$TMP/err"
done
# VT-d and AMD-Vi: a command GSTS does not show, a pointer the unit moves while it runs
for c in "sim:q35|reg write GCMD 0xe0000000|GCMD_REG|GCMD_REG.SFL=1 is not in GSTS_REG: CAP_REG.AFL=0: the unit has no advanced fault logging" \
	 "sim:q35|reg write GCMD 0xd0000000|GCMD_REG|GCMD_REG.EAFL=1 is not in GSTS_REG: CAP_REG.AFL=0: the unit has no advanced fault logging" \
	 "sim:amd|reg write CMDBUF_HEAD 0x100|Command Buffer Head Pointer Register|read-only while the IOMMU Status Register's CmdBufRun=1: software moves it only while the command buffer is off" \
	 "sim:amd|reg write EVTLOG_TAIL 0x100|Event Log Tail Pointer Register|read-only while the IOMMU Status Register's EventLogRun=1: software moves it only while the event log is off"; do
	IFS='|' read -r t cmd name why <<<"$c"
	run --target "$t" -c "own; $cmd"
	check "$t, owned: $cmd: the hardware ignores it: one error line, exit 1" test "$rc" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1
	check "$t, owned: $cmd: what it reads, and why" grep -qF "smmush: reg write: $name did not take: it reads 0x" "$TMP/err"
	check "  ... ($why)" grep -qF "($why)" "$TMP/err"
done
expect_out "q35: GCMD TE|SRTP|QIE takes (GSTS shows them)" '^  .*QIES\+ .*RTPS\+ +TES\+$' --target sim:q35 -c "own; reg write GCMD 0xc4000000; regs gsts"
expect_out "amd: CMDBUF_HEAD while the buffer is off takes" 'CmdHdPtr=16$' --target sim:amd --write -c "reg write CMDBUF_HEAD 0x100; regs cmdbuf_head"
expect_out "virt: GBPA with Update takes (Update reads 0 once done)" '^  .*ABORT- +Update-$' "${V[@]}" -c "own; reg write GBPA 0x80000000; regs gbpa"
expect_out "virt: STRTAB_BASE while SMMUEN=0 takes" '^SMMU_STRTAB_BASE @0x00080 = 0x0000000040001000$' \
	"${V[@]}" --write -c "reg write STRTAB_BASE 0x40001000; regs strtab_base"
# a VT-d fault record (128 bits, W1C F in the high word) cleared by reg write
S=(--target sim:q35 -O scalable=on --write)
SM="wg 0x3000000 0x3001001; wg 0x3001100 0x3002009; wg 0x3002000 0x3003001; wg 0x3003140 0x41 0x1 0x3004000"
SM="$SM; reg write RTADDR 0x3000400; reg write GCMD 0x40000000; reg write GCMD 0xc0000000; dma 00:01.0 read 0x10000 8 --pasid 6"
expect_json "q35: a fault recorded (unit not owned: nothing drains it)" "${S[@]}" -c "$SM; regs frcd" -- \
	"docs[-1][0]['fields']['F'] is True and docs[-1][0]['fields']['FR']['value'] == 0x59"
expect_fail "q35: reg write FRCD without an instance" "${S[@]}" -c "reg write FRCD 0 0x8000000000000000"
check "q35: reg write FRCD says which instances there are" grep -q 'FRCD_REG has 8 instances: say which, FRCD\[0\] to FRCD\[7\]' "$TMP/err"
expect_fail "q35: reg write FRCD[0] with one value" "${S[@]}" -c "reg write FRCD[0] 0x8000000000000000"
check "q35: reg write FRCD[0] with one value: two words, low first" grep -q 'FRCD_REG is 2 words of 64 bits: give 2 values, the low word first' "$TMP/err"
expect_fail "q35: reg write FRCD[8]: no such instance" "${S[@]}" -c "reg write FRCD[8] 0 0"
expect_json "q35: reg write FRCD[0] 0 1<<63 clears the record" "${S[@]}" -c "$SM; reg write FRCD[0] 0 0x8000000000000000; regs frcd" -- \
	"docs[-1][0]['fields']['F'] is False"
# the command queue stopped on an error: map names the registers, text and JSON
run -j "${V[@]}" -c "own; domain create d; attach 00:01.0 d; regs cmdq_base; regs cmdq_prod"
qb=$(python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; print(d[-2][0]["fields"]["ADDR"])' "$TMP/out")
qp=$(python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; print(int(d[-1][0]["fields"]["WR"], 16))' "$TMP/out")
# (a map fills invalid entries only, which an SMMUv3 never caches: no command;
# the unmap's invalidation meets the stopped queue)
BAD="own; domain create d; attach 00:01.0 d; map d 0x10000 0x40100000 4K rw; wg $(printf 0x%x $((qb + 16 * qp))) 0xff 0; reg write CMDQ_PROD $((qp + 1))"
run "${V[@]}" -c "$BAD; unmap d 0x10000 4K"
check "virt: unmap after a command-queue error fails" test "$rc" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1
check "virt: unmap after a command-queue error names CMDQ_CONS.ERR and GERROR.CMDQ_ERR" \
	grep -q '^smmush: unmap: d: the SMMU stopped its command queue on an error (SMMU_GERROR.CMDQ_ERR; the reason is in SMMU_CMDQ_CONS.ERR' "$TMP/err"
run "${V[@]}" -c "set errexit off; $BAD; unmap d 0x10000 4K; regs cmdq_cons"
check "virt: the reason is in CMDQ_CONS.ERR" grep -q 'ERR=CERROR_ILL' "$TMP/out"
run -j "${V[@]}" -c "$BAD; unmap d 0x10000 4K"
check "virt: -j: the error object says it too" json_valid "$TMP/out" "docs[-1]['command'] == 'unmap' and 'SMMU_CMDQ_CONS.ERR' in docs[-1]['error']"

# --- documentation: the man page, help and completion say what exists ------------------------
"$SMMUSH" --gen-man >"$TMP/smmush.1"
# the page as a reader sees it, whitespace squeezed (man justifies and wraps)
MANWIDTH=100 man -l "$TMP/smmush.1" 2>/dev/null | col -b | tr -s ' \t\n' ' ' >"$TMP/man.txt"
if [ -s "$TMP/man.txt" ]; then
	for o in ' -i After -c or -f' ' --version Print' ' --help Print' 'more than once: they run in the order given' \
		 'trace one per fault record' '{"error": TEXT, "command": NAME}' 'dev=DEVICE the device' 'Keys:'; do
		check "man page: $o" grep -qF -- "$o" "$TMP/man.txt"
	done
	run -c "help monitor"
	sed -n '/^    Keys:$/,$p' "$TMP/out" | tail -n +2 >"$TMP/keys"
	check "help monitor lists the monitor's keys (?, q, Enter, Esc among them)" test "$(wc -l <"$TMP/keys")" -ge 10 -a \
		"$(grep -Ec '^      (\?|q|Enter|Esc) ' "$TMP/keys")" -eq 4
	check "the man page lists every key help monitor lists" python3 -c '
import sys
man = open(sys.argv[1]).read()
for line in open(sys.argv[2]):
    words = " ".join(line.split())
    if words not in man:
        sys.exit("missing: " + words)' "$TMP/man.txt" "$TMP/keys"
fi
"$SMMUSH" --gen-bash-completion >"$TMP/completion"
check "bash completion offers -i" grep -q -- "-c -f -i -j" "$TMP/completion"
check "bash completion offers every target" grep -q "qemu:q35 gdb: linux files" "$TMP/completion"
check "README: no link outside the repository" test "$(grep -c '](\.\./' "$srcdir/README.md")" -eq 0
check "README: how to read the built man page" grep -q 'man ./build/smmush.1' "$srcdir/README.md"
check "README links docs/design.md, which is in the repository" \
	test -f "$srcdir/docs/design.md" -a "$(grep -c '](docs/design.md)' "$srcdir/README.md")" -eq 1

# --- QEMU dies: say why once, reopen, exit; nothing left in TMPDIR on any exit path ------------
if command -v qemu-system-aarch64 >/dev/null && command -v qemu-system-x86_64 >/dev/null; then
	# session T HOW: smmush on a fifo owns the unit; QEMU is killed -9; then HOW's commands
	session() {
		local t=$1 after=$2 d=$TMP/q-$1-$3 spid qpid i
		rm -rf "$d"; mkdir -p "$d/tmp"; mkfifo "$d/in"
		TMPDIR=$d/tmp "$SMMUSH" --target "$t" <"$d/in" >"$d/out" 2>"$d/err" &
		spid=$!
		exec 7>"$d/in"
		echo "set errexit off; own; target info" >&7
		for i in $(seq 200); do grep -q '^target ' "$d/out" 2>/dev/null && break; sleep 0.05; done
		qpid=$(pgrep -P "$spid" qemu-system)
		kill -KILL "$qpid"
		sleep 0.2
		echo "$after" >&7
		exec 7>&-
		for i in $(seq 300); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$spid" 2>/dev/null
		wait "$spid"
		src=$? dir=$d qpid_killed=$qpid
	}
	for t in qemu:virt qemu:q35; do
		if [ $t = qemu:virt ]; then reg=cr0; else reg=gsts; fi
		session "$t" "regs; regs; units; target reopen; regs $reg; quit" reopen
		check "$t: QEMU killed: the first failure says why (pid, signal 9)" \
			grep -q "^smmush: <stdin>:2: regs: .*target $t is gone: QEMU (pid $qpid_killed) was killed by signal 9" "$dir/err"
		check "$t: QEMU killed: said once, then only that the target is gone" test \
			"$(grep -c 'killed by signal' "$dir/err")" -eq 1 -a "$(grep -c "target $t is gone ('target reopen'" "$dir/err")" -eq 2
		check "$t: QEMU killed: no 'backend failed'" test "$(grep -c 'backend failed' "$dir/err")" -eq 0
		check "$t: target reopen starts a new QEMU that answers" test \
			"$(grep -c '^target .*over qtest, pid' "$dir/out")" -eq 2 -a "$(grep -Ec '^(SMMU_CR0|GSTS_REG) ' "$dir/out")" -eq 1
		check "$t: after reopen: exit status 1 (commands failed), no sanitizer report, TMPDIR empty" \
			test "$src" -eq 1 -a "$(grep -c Sanitizer "$dir/err")" -eq 0 -a -z "$(ls -A "$dir/tmp")"
		session "$t" "target open $t; regs $reg" open
		check "$t: QEMU killed, then target open: the new target opens" test \
			"$(grep -c '^target .*over qtest, pid' "$dir/out")" -eq 2 -a "$(grep -Ec '^(SMMU_CR0|GSTS_REG) ' "$dir/out")" -eq 1 \
			-a "$(grep -c 'releasing the current target' "$dir/err")" -eq 0
		session "$t" "" exit
		check "$t: QEMU killed, then the input ends: why, once, at exit; status 1; TMPDIR empty" test "$src" -eq 1 -a \
			"$(grep -c "^smmush: exit: target $t is gone: QEMU (pid $qpid_killed) was killed by signal 9" "$dir/err")" -eq 1 \
			-a "$(wc -l <"$dir/err")" -eq 1 -a -z "$(ls -A "$dir/tmp")"
		# smmush itself ends by a signal while QEMU runs: no temporary file outlives it
		for sig in TERM INT HUP KILL; do
			d=$TMP/sig-$t-$sig
			mkdir -p "$d"
			TMPDIR=$d "$SMMUSH" --target "$t" -c "own; domain create d; attach 00:01.0 d; storm 00:01.0 1000000" \
				>/dev/null 2>&1 &
			spid=$!
			for i in $(seq 100); do pgrep -P "$spid" qemu-system >/dev/null && break; sleep 0.05; done
			sleep 0.5
			kill -"$sig" "$spid"
			wait "$spid" 2>/dev/null
			for i in $(seq 40); do [ -z "$(ls -A "$d")" ] && break; sleep 0.05; done
			check "$t: smmush killed by SIG$sig: TMPDIR empty" test -z "$(ls -A "$d")"
		done
		# ... and while QEMU starts (the temporary directory exists until QEMU connects)
		for sig in TERM INT HUP; do
			left=""
			for delay in 0.005 0.01 0.02 0.03 0.05 0.08 0.12; do
				d=$TMP/start-$t-$sig-$delay
				mkdir -p "$d"
				TMPDIR=$d "$SMMUSH" --target "$t" -c units >/dev/null 2>&1 &
				spid=$!
				sleep "$delay"
				kill -"$sig" "$spid" 2>/dev/null
				wait "$spid" 2>/dev/null
				[ -z "$(ls -A "$d")" ] || left+=" ${delay}s: $(ls -A "$d")"
			done
			check "$t: SIG$sig in QEMU's first 120 ms of start-up: TMPDIR empty${left:+ (left:$left)}" test -z "$left"
		done
	done
else
	[ "${CI:-}" = true ] && not_ok "QEMU is not installed (qemu-system-arm, qemu-system-x86)"
fi

# --- every command's errors start "smmush: CMD: " (a subcommand: "smmush: CMD SUB: ") ---------
while IFS= read -r line; do
	[ -n "$line" ] || continue
	cmd=${line%% *}; cmd=${cmd%%/*}
	rest=${line#* }; sub=${rest%% *}
	run -c "own; domain create d; $line"
	last=$(tail -1 "$TMP/err")
	if [ "$rc" -ne 0 ] && { [[ $last == "smmush: $cmd: "* ]] || [[ $last == "smmush: $cmd $sub: "* ]]; }; then
		ok "error prefix: '$line'"
	else
		not_ok "error prefix: '$line' (rc=$rc: $last)"
	fi
done <<'ERRS'
decode --list x
decode smmuv3.cr0
decode smmuv3.cr0 0x1ffffffffffffffff
decode smmuv3.cr0 zz
set json maybe
set nosuch on
x/zz 0x40000000
regs nosuch
reg write nosuch 1
reg write gbpa zz
attach 00:09.0 d
attach 00:01.0 nosuch
map nosuch 0 0x40000000 4K rw
map d 0 0x40000000 4K qq
dma 00:01.0 read 0 zz
dma 00:01.0 read 0 8 --pasid zz
walk 00:09.0
config 00:09.0
strtab --nope
storm 00:01.0 0
fill 0x40000000 4 zz
diff /nonexistent
snapshot save /nonexistent/x
source /nonexistent
audit --policy /nonexistent
discover --fdt /nonexistent
target open nosuch
target open sim:virt scalable=on
target reopen zz
unit 9
unit add bogus 0x1000
help nosuch
help d
domain destroy nosuch
faults --filter zz=1
trace --count zz
detach 00:09.0
release --nope
own --dma zz
ERRS
expect_fail "regs: a register the unit does not have, named with its architecture" -c "regs nosuch"
check "  ... 'no smmuv3 register'" grep -q "^smmush: regs: no smmuv3 register 'nosuch'$" "$TMP/err"

# --- every command: its usage before the target is touched, its arguments before ownership -----
# qemu:bad cannot open: a line naming it means the command touched the target first.
cmds=$("$SMMUSH" -j -c help | python3 -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)))')
writers=$("$SMMUSH" -j -c "$(printf 'help %s;' $cmds)" | python3 -c 'import json,sys; print(" ".join(d["name"] for d in map(json.loads, sys.stdin) if d["writes_hardware"]))')
check "help -j names the commands (and some write hardware)" test "$(wc -w <<<"$cmds")" -gt 40 -a -n "$writers"
for c in $cmds; do
	run --target qemu:bad -c "$c --no-such-option"
	if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [[ $err == "smmush: $c: "* ]] && [[ $err != *qemu:bad* ]]; then
		ok "$c --no-such-option: its own error, before the target is opened ($err)"
	else
		not_ok "$c --no-such-option: rc=$rc: $err"
	fi
	# with no arguments: the usage when it needs some, else a target error that names the command
	run --target qemu:bad -c "$c"
	if [ "$rc" -eq 0 ] || { [ "$(wc -l <"$TMP/err")" -eq 1 ] && [[ $err == "smmush: $c: "* ]]; }; then
		ok "$c alone: no error, or one line naming '$c' first (${err:-fine})"
	else
		not_ok "$c alone: rc=$rc: $err"
	fi
done
# a bad value: said before the target opens (on a target that cannot open: its own error, not the target's)
while IFS= read -r line; do
	c=${line%% *}; c=${c%%/*}
	run --target qemu:bad -c "$line"
	if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && [[ $err == "smmush: $c"* ]] && [[ $err != *qemu:bad* ]]; then
		ok "'$line': the value error before the target opens ($err)"
	else
		not_ok "'$line' on a target that cannot open: rc=$rc: $err"
	fi
done <<'VALS'
x zz
x/zz 0
dis 0 zz
dis 0 4 --arch zz
walk 00:01.0 zz
walk 00:01.0 0 zz
xlate 00:01.0 zz
ste zz
cd 1 zz
root zz
ctx zz
pasid 00:01.0 zz
dte zz
config 00:01.0 --pasid zz
map d zz 0 4K r
map d 0 0 4K q
unmap d 0 zz
trace --count zz
trace --seconds -1
faults --filter
devices x
units x
strtab --all x
unit zz
unit add bogus 0x1000
unit add smmuv3 zz
domain create d --granule 3K
domain create d --ias zz
domain create d --stage 7
domain create d e
domain bogus
own --dma zz
own --recover zz
release x
release --recover x
audit --strict zz
audit --policy /nonexistent/policy
faults --filter zz=1
faults --filter sid=xyz
trace --filter class=nosuch
trace --count 1 --filter ,
attach 00:01.0 d --pasid zz
attach 00:01.0 d --bogus
detach 00:01.0 --pasid zz
snapshot save
snapshot save f --bogus
VALS
expect_fail "a failing first open names the command that opened the target" --target qemu:bad -c units
check "  ... 'smmush: units: target qemu:bad: '" grep -q "^smmush: units: target qemu:bad: qemu has no platform 'bad'" "$TMP/err"
expect_fail "target with no command running it names itself once" --target qemu:bad -c target
check "  ... 'smmush: target: qemu:bad: '" grep -q "^smmush: target: qemu:bad: " "$TMP/err"
# each command that writes hardware: a bad value gives its error, not the ownership refusal;
# good values are refused (not owned), and nothing was written
declare -A bad_args=([wb]="0x40100000 zz" [wh]="0x40100000 zz" [ww]="0x40100000 zz" [wg]="0x40100000 zz"
	[fill]="0x40100000 8 zz" [dma]="00:01.0 read 0 zz" [storm]="00:01.0 zz" [reg]="write CR0 zz")
declare -A good_args=([wb]="0x40100000 1" [wh]="0x40100000 1" [ww]="0x40100000 1" [wg]="0x40100000 1"
	[fill]="0x40100000 8 1" [dma]="00:01.0 read 0 8" [storm]="00:01.0 1" [reg]="write CR0 1")
for c in $writers; do
	if [ -z "${bad_args[$c]:-}" ]; then not_ok "$c writes hardware: add it to this test's tables"; continue; fi
	run --target sim:virt -c "${c} ${bad_args[$c]}"
	if [ "$rc" -ne 0 ] && [[ $err == "smmush: $c"* ]] && [[ $err != *"refusing to write"* ]]; then
		ok "$c ${bad_args[$c]}, not owned: the argument error first ($err)"
	else
		not_ok "$c ${bad_args[$c]}, not owned: rc=$rc: $err"
	fi
	# ... and before the target is touched (reg excepted: its NAME is the unit's architecture's)
	if [ "$c" != reg ]; then
		run --target qemu:bad -c "${c} ${bad_args[$c]}"
		if [ "$rc" -ne 0 ] && [[ $err == "smmush: $c"* ]] && [[ $err != *qemu:bad* ]]; then
			ok "$c ${bad_args[$c]}: the value error before the target opens ($err)"
		else
			not_ok "$c ${bad_args[$c]} on a target that cannot open: rc=$rc: $err"
		fi
	fi
	run -j --target sim:virt -c "${c} ${good_args[$c]}"
	run2=$err
	run -j --target sim:virt -c "set errexit off; ${c} ${good_args[$c]}; x/1gx 0x40100000; regs CR0"
	check "$c ${good_args[$c]}, not owned: refused for ownership, memory and CR0 unchanged" json_valid "$TMP/out" \
		'docs[-2]["values"] == ["0x0"] and docs[-1][0]["fields"]["SMMUEN"] == 0'
	check "  ... the refusal names ownership" grep -q "refusing to write hardware" <<<"$run2"
done

finish
