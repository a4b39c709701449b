#!/usr/bin/env bash
# Runs every libFuzzer harness (tests/fuzz/fuzz-*.c, clang, ASan + UBSan) for
# a short, bounded time from its seed corpus.  FUZZ_SECONDS sets the time per
# harness.  A crash, leak or sanitizer report fails the test.  The harnesses
# are built by automake in a build configured with CC=clang --enable-fuzzing
# (`make fuzz`): this build if it is one, else FUZZ_BUILDDIR (setup.sh check
# makes build-fuzz/ and passes it).
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
secs=${FUZZ_SECONDS:-10}
fb=${FUZZ_BUILDDIR:-}
if [ -z "$fb" ] && grep -q '^FUZZ_LDFLAGS = -f' "${builddir:-.}/Makefile" 2>/dev/null; then
	fb=$builddir
fi
if [ -z "$fb" ] || [ ! -f "$fb/Makefile" ]; then
	# outside setup.sh there may be no fuzzing build; in CI that is a failure
	if [ "${CI:-}" = true ]; then
		not_ok "fuzzing needs a build configured with CC=clang --enable-fuzzing (FUZZ_BUILDDIR)"
	fi
	echo "# no fuzzing build (configure one with CC=clang --enable-fuzzing, pass FUZZ_BUILDDIR=DIR)"
	finish; exit
fi
# up to date (setup.sh has built them: then this does nothing)
if ! make -C "$fb" -s fuzz >"$TMP/make.log" 2>&1; then
	not_ok "the fuzz harnesses build in $fb: $(grep -m3 -E 'error|Error' "$TMP/make.log")"
	finish; exit
fi
for src in "$srcdir"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz-}
	bin=$fb/tests/fuzz/fuzz-$name
	[ -x "$bin" ] || { not_ok "fuzz-$name: $src has no harness built (FUZZERS in Makefile.am)"; continue; }
	corpus=$TMP/corpus-$name
	mkdir -p "$corpus"
	cp "$srcdir"/tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -max_len=8192 \
		-artifact_prefix="$TMP/" "$corpus" >"$TMP/run-$name.log" 2>&1; then
		ok "fuzz-$name: $(grep -Eo 'Done [0-9]+ runs' "$TMP/run-$name.log" | tail -1) in ${secs}s"
	else
		not_ok "fuzz-$name found a failure:"
		grep -E 'ERROR|SUMMARY|runtime error' "$TMP/run-$name.log" | head -5 | sed 's/^/#   /'
		ls "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-* 2>/dev/null | sed 's/^/#   artifact: /'
	fi
done
finish
