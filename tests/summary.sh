#!/usr/bin/env bash
# Counts every test case run by `make check` from its results, and prints one
# line, "N passed, N failed", last.  Check programs report
# "NN%: Checks: N, Failures: F, Errors: E" in their log (automake sees one
# result per program); the scripts' ok/not ok lines reach automake through
# the TAP driver, one :test-result: each in their .trs.  Each case is counted
# once, from one of the two; a program that died without its Checks line
# counts as one failure.
# usage: summary.sh BUILDDIR
cd "${1:-.}" || exit 2
logs=$(make -s print-test-logs | tail -1)
if [ -z "$logs" ]; then
	echo "summary: no list of tests from 'make print-test-logs' in $PWD" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
pass=0 fail=0
for log in $logs; do
	trs=${log%.log}.trs
	if [ ! -f "$trs" ]; then
		echo "FAILED: ${log%.log} did not run"
		fail=$((fail + 1))
		continue
	fi
	res=$(sed -n 's/^:global-test-result: //p' "$trs")
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -1)
	if [ -n "$line" ]; then
		n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
		f=$((f))
		pass=$((pass + n - f)) fail=$((fail + f))
	else
		p=$(grep -c '^:test-result: PASS' "$trs")
		f=$(grep -cE '^:test-result: (FAIL|XPASS|ERROR)' "$trs")
		pass=$((pass + p)) fail=$((fail + f))
	fi
	case $res in PASS | SKIP) ;; *) echo "FAILED: ${trs%.trs} (see $PWD/$log)" ;; esac
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
