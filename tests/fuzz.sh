#!/usr/bin/env bash
# Builds every libFuzzer harness with clang (ASan + UBSan) and runs each for a
# short, bounded time from its seed corpus.  FUZZ_SECONDS sets the time per
# harness.  A crash, leak or sanitizer report fails the test.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
secs=${FUZZ_SECONDS:-10}
cc=${CC_FUZZ:-clang}
if ! command -v "$cc" >/dev/null; then
	not_ok "fuzzing needs clang (apt-get install clang libclang-rt-14-dev)"
	finish; exit
fi
dec="decoders/field.c decoders/json.c decoders/render.c decoders/registry.c
     decoders/smmuv3.c decoders/vtd.c decoders/pgtable.c"
acpi="decoders/json.c decoders/acpi.c decoders/acpi-dmar.c decoders/acpi-iort.c"
# the differential harness runs the whole library against the sim model
diff="tests/diff-fuzz.c $(cd "$srcdir" && echo lib/*.c backends/*.c backends/sim/*.c decoders/*.c)"
declare -A ldlibs=([diff]="-lfdt $(pkg-config --libs libpci 2>/dev/null)")
# harness: sources it needs (relative to the source tree)
declare -A harness=(
	[decode]="$dec"
	[script]="shell/script.c"
	[acpi]="$acpi"
	[memfmt]="shell/memfmt.c"
	[diff]="$diff"
)
for name in "${!harness[@]}"; do
	src=$srcdir/tests/fuzz/fuzz-$name.c
	[ -f "$src" ] || { not_ok "fuzz-$name: no harness $src"; continue; }
	bin=$TMP/fuzz-$name
	srcs=()
	for s in ${harness[$name]}; do srcs+=("$srcdir/$s"); done
	if ! "$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"${builddir:-.}" -I"$srcdir" -I"$srcdir/lib" -I"$srcdir/decoders" \
		-o "$bin" "$src" "${srcs[@]}" ${ldlibs[$name]:-} >"$TMP/cc-$name.log" 2>&1; then
		not_ok "fuzz-$name builds: $(head -3 "$TMP/cc-$name.log")"
		continue
	fi
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
