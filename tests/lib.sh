# Shared by the end-to-end test scripts: TAP-like "ok"/"not ok" lines that
# tests/summary.sh counts, and checks that run smmush the way a user would.
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
	[ "$T_FAIL" -eq 0 ]
}
