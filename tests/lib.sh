# Shared by the end-to-end test scripts: TAP "ok"/"not ok" lines, which
# automake's TAP driver counts (the plan comes last, from finish: a script
# that stops early is an error), and checks that run smmush the way a user
# would.
# shellcheck shell=bash
set -u
: "${SMMUSH:?SMMUSH must name the smmush binary}"
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
T_PASS=0 T_FAIL=0 T_N=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() { T_N=$((T_N + 1)); T_PASS=$((T_PASS + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

# run ARGS...: runs smmush; sets $out, $err, $rc.
run() {
	"$SMMUSH" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	err=$(cat "$TMP/err")
}

# expect_fail WHAT ARGS...: non-zero exit, exactly one line on stderr that
# starts "smmush: ", nothing on stdout.
expect_fail() {
	local what=$1; shift
	run "$@"
	local lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err == smmush:* ]] && [ -z "$out" ]; then
		ok "$what"
	else
		not_ok "$what (rc=$rc, stderr lines=$lines: $err; stdout: ${out:0:80})"
	fi
}

# expect_err WHAT PATTERN ARGS...: non-zero exit and exactly one stderr line,
# "smmush: ..." matching PATTERN (stdout may hold earlier commands' output).
expect_err() {
	local what=$1 pat=$2; shift 2
	run "$@"
	local lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" -ne 0 ] && [ "$lines" -eq 1 ] && [[ $err == smmush:* ]] && grep -Eq -- "$pat" "$TMP/err"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc, want /$pat/; stderr: $err)"
	fi
}

# expect_out WHAT PATTERN ARGS...: exit 0 and stdout matches the grep -E pattern.
expect_out() {
	local what=$1 pat=$2; shift 2
	run "$@"
	if [ "$rc" -eq 0 ] && grep -Eq -- "$pat" "$TMP/out"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc, want /$pat/; stderr: $err; stdout: ${out:0:200})"
	fi
}

# json_valid FILE: a real JSON parser accepts every line-delimited document.
json_valid() { python3 "$srcdir/tests/json-check.py" "$@"; }

finish() {
	echo "# $T_PASS passed, $T_FAIL failed"
	if [ "$T_N" -eq 0 ]; then echo "1..0 # SKIP nothing to test here"; else echo "1..$T_N"; fi
	[ "$T_FAIL" -eq 0 ]
}

# expect_golden WHAT NAME ARGS...: exit 0 and stdout equal to
# tests/golden/NAME (UPDATE_GOLDEN=1 rewrites the file; review the diff).
expect_golden() {
	local what=$1 name=$2; shift 2
	local gold=$srcdir/tests/golden/$name
	run "$@"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$srcdir/tests/golden"
		printf '%s\n' "$out" >"$gold"
	fi
	if [ "$rc" -eq 0 ] && [ -f "$gold" ] && diff -u "$gold" "$TMP/out" >"$TMP/diff"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc; stderr: $err)"
		head -20 "$TMP/diff" 2>/dev/null | sed 's/^/#   /'
	fi
}

# expect_json WHAT ARGS... -- EXPR...: exit 0, stdout parses as JSON and every
# Python expression over `doc`/`docs` holds.
expect_json() {
	local what=$1; shift
	local args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	run -j "${args[@]}"
	if [ "$rc" -eq 0 ] && json_valid "$TMP/out" "$@" 2>"$TMP/jerr"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc; $(cat "$TMP/jerr") $err)"
	fi
}

# start_qemu PLAT BIN: QEMU BIN (virt with SMMUv3 or q35 with VT-d, and edu)
# halted in its firmware, with qtest on $sock (the caller's); sets qpid and
# an EXIT trap that kills it.
start_qemu() {
	local plat=$1 bin=$2 fw=$TMP/fw-$1 i
	local machine=(-machine virt,iommu=smmuv3 -cpu cortex-a57)
	if [ "$plat" = q35 ]; then
		machine=(-machine q35,kernel-irqchip=split -device intel-iommu,intremap=on)
		# cli; hlt at the reset vector, after making the PIT one-shot (as backends/qemu.c does)
		python3 -c '
import sys
img = bytearray(b"\xff" * 0x10000)
code = bytes([0xb0, 0x30, 0xe6, 0x43, 0x31, 0xc0, 0xe6, 0x40, 0xe6, 0x40, 0xfa, 0xf4, 0xeb, 0xfd])
img[0xff00:0xff00 + len(code)] = code
img[0xfff0:0xfff3] = b"\xe9\x0d\xff"
open(sys.argv[1], "wb").write(img)' "$fw"
	else
		printf '\x7f\x20\x03\xd5\xff\xff\xff\x17' >"$fw" # wfi; b .-4
	fi
	"$bin" "${machine[@]}" -m 256M -nodefaults -display none -serial none -monitor none -bios "$fw" \
		-icount shift=0,sleep=off -qtest "unix:$sock,server=on,wait=off" -qtest-log /dev/null \
		-device edu,dma_mask=0xffffffffffffffff 2>"$TMP/qemu-$plat.log" &
	qpid=$!
	trap 'kill $qpid 2>/dev/null; rm -rf "$TMP"' EXIT # never leave a QEMU behind
	for i in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
}
