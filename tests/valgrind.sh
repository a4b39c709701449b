#!/usr/bin/env bash
# smmush under valgrind (memcheck): no invalid access, no leak.  Runs the
# plain build (VALGRIND_SMMUSH), since valgrind and ASan do not mix.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"
bin=${VALGRIND_SMMUSH:-}
if [ -z "$bin" ] || [ ! -x "$bin" ] || ! command -v valgrind >/dev/null; then
	# Outside setup.sh there may be no plain build; in CI that is a failure.
	if [ "${CI:-}" = true ]; then not_ok "valgrind: no plain build or no valgrind"; fi
	finish; exit
fi
vg() { # vg WHAT ARGS...
	local what=$1; shift
	if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$bin" "$@" >"$TMP/vg.out" 2>"$TMP/vg.err"; then
		ok "valgrind: $what"
	elif [ $? -eq 99 ]; then
		not_ok "valgrind: $what: $(grep -m3 '==' "$TMP/vg.err" | tr '\n' ' ')"
	else
		ok "valgrind: $what (command failed as expected, memory clean)"
	fi
}
vg "decode list" decode --list
vg "decode ste, verbose" decode -v ste 0x4001000b 0 0 0 0 0 0 0
vg "decode JSON script" -j -c 'decode idr0 0x0d40101a; decode vtd.frcd 0x1000 0xc000000600000008'
vg "bad input" -c 'decode idr0 1; decode nope'
vg "the demonstration session on sim:virt" -f "$srcdir/shell/demo.smmush"
vg "a session on sim:q35" --target sim:q35 -c 'own; domain create d; attach 00:01.0 d; map d 0x10000 0x8000000 0x2000 rw; dma 00:01.0 read 0x10000 64; dma 00:01.0 read 0x30000 64; faults --explain; walk 00:01.0 --raw; xlate 00:01.0 0x10010; ctx 00:01.0; release'
vg "table commands and disassembly" -c 'own; ste 8; strtab; dis 0x40000000 4; release'
for f in "$srcdir"/tests/data/acpi/*.dat; do
	[ -f "$f" ] && vg "decode acpi $(basename "$f")" decode acpi "$f"
done
finish
