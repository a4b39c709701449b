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
	done
fi

finish
