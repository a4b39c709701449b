#!/usr/bin/env bash
# Counts every test case run by `make check` from its log, and prints one
# line, "N passed, N failed", last.  Check programs report
# "NN%: Checks: N, Failures: F, Errors: E"; scripts print TAP-like ok/not ok
# lines.  A program that died without either counts as one failure.
# usage: summary.sh BUILDDIR
cd "${1:-.}" || exit 2
pass=0 fail=0
for trs in $(find tests -name '*.trs' | sort); do
	log=${trs%.trs}.log
	res=$(sed -n 's/^:test-result: //p' "$trs")
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -1)
	if [ -n "$line" ]; then
		n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
		f=$((f))
		pass=$((pass + n - f)) fail=$((fail + f))
	else
		p=$(grep -c '^ok ' "$log") f=$(grep -c '^not ok ' "$log")
		pass=$((pass + p)) fail=$((fail + f))
		[ "$res" != PASS ] && [ "$f" -eq 0 ] && fail=$((fail + 1))
	fi
	[ "$res" = PASS ] || echo "FAILED: ${trs%.trs} (see $PWD/$log)"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
