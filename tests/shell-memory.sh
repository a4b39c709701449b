#!/usr/bin/env bash
# Memory commands end to end on both sim machines: x (gdb-like formats, golden
# text and JSON), dis (capstone), wb/wh/ww/wg and fill, physical addresses and
# DEVICE:IOVA through live translations, the write guard, and bad arguments.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# expect_golden_mem WHAT NAME ARGS...: like expect_golden, on the memory
# commands' lines only (addresses, '#' translation notes), so the setup
# commands' own wording (own, map, ...) stays their tests' business.
expect_golden_mem() {
	local what=$1 name=$2; shift 2
	local gold=$srcdir/tests/golden/$name
	run "$@"
	grep -E '^(0x|# )' "$TMP/out" >"$TMP/mem"
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$TMP/mem" "$gold"
	if [ "$rc" -eq 0 ] && [ -f "$gold" ] && diff -u "$gold" "$TMP/mem" >"$TMP/diff"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc; stderr: $err)"
		head -20 "$TMP/diff" 2>/dev/null | sed 's/^/#   /'
	fi
}

# The same checks on each machine: its free RAM, its CPU, and the IOMMU setup.
for m in virt q35; do
	if [ $m = virt ]; then
		T=(--target sim) A=0x40100000 B=0x40200000 arch=arm64
	else
		T=(--target sim:q35) A=0x00100000 B=0x00200000 arch=x86-64
	fi
	# a domain where IOVA 0x10000 -> A (rw) and 0x11000 -> B (r): a range
	# across the page boundary reads from two places
	setup="own; domain create d; attach 00:01.0 d; map d 0x10000 $A 4K rw; map d 0x11000 $B 4K r"

	# --- x: formats, golden text ------------------------------------------------
	expect_golden "$m: wg then x/2xw shows the two words, low first" memory-x2xw-$m \
		"${T[@]}" --write -c "wg $A 0x1122334455667788; x/2xw $A"
	expect_golden "$m: x/8xb shows little-endian bytes and their characters" memory-x8xb-$m \
		"${T[@]}" --write -c "wg $A 0x1122334455667788; x/8xb $A"
	expect_golden "$m: x/2dg signed, x/4uh unsigned, x/xg with N rows" memory-xdu-$m \
		"${T[@]}" --write -c "wg $A 0x1122334455667788 -2; x/2dg $A; x/4uh $A; fill $((A + 16)) 24 0x41; x/xg $A 5; x/20xb $A"
	expect_out "$m: x defaults to one hex word" "^0x0*${A#0x}:  0x55667788\$" \
		"${T[@]}" --write -c "wg $A 0x1122334455667788; x $A"
	expect_out "$m: x ' /FMT' as its own word" "0x55667788  0x11223344" \
		"${T[@]}" --write -c "wg $A 0x1122334455667788; x /2xw $A"
	expect_out "$m: wb/wh/ww store little-endian" "0x44332211  0x0000bbaa  0x000000cc" \
		"${T[@]}" --write -c "fill $A 16 0; ww $A 0x44332211; wh $((A + 4)) 0xbbaa; wb $((A + 8)) 0xcc; x/3xw $A"
	expect_out "$m: negative values are two's complement" "0xff  0xfe  0x80" \
		"${T[@]}" --write -c "wb $A -1 -2 -128; x/3xb $A"

	# --- x: JSON ---------------------------------------------------------------------
	expect_json "$m: x -j: address, unit_size, values" "${T[@]}" --write \
		-c "wg $A 0x1122334455667788; x/2xw $A" -- \
		"set(doc) == {'address', 'unit_size', 'format', 'values'}" "int(doc['address'], 16) == $A" \
		"doc['unit_size'] == 4" "doc['values'] == ['0x55667788', '0x11223344']"
	expect_json "$m: x/2dg -j: signed numbers" "${T[@]}" --write -c "wg $A 5 -5; x/2dg $A" -- \
		"doc['values'] == [5, -5]" "doc['unit_size'] == 8" "doc['format'] == 'd'"

	# --- DEVICE:IOVA through a live translation -----------------------------------------
	expect_golden_mem "$m: DEVICE:IOVA across a page boundary reads two pages" memory-iova-$m \
		"${T[@]}" -c "$setup; wg $((A + 0xff8)) 0x1111111111111111; wg $B 0x2222222222222222; x/4xw 00:01.0:0x10ff8"
	expect_json "$m: DEVICE:IOVA -j names the device and where each piece went" "${T[@]}" \
		-c "$setup; wg $((A + 0xff8)) 7; wg $B 9; x/2ug 00:01.0:0x10ff8" -- \
		"docs[-1]['values'] == [7, 9]" "docs[-1]['device'] == '00:01.0'" "docs[-1]['address'] == '0x10ff8'" \
		"[int(t['physical'], 16) for t in docs[-1]['translation']] == [$A + 0xff8, $B]"
	expect_out "$m: a write through DEVICE:IOVA lands at the physical page" "0x0000000000abcdef" \
		"${T[@]}" -c "$setup; wg 00:01.0:0x10008 0xabcdef; x/xg $((A + 8))"
	run "${T[@]}" -c "$setup; x 00:01.0:0x12000"
	check "$m: an IOVA that does not translate fails, saying where the walk stopped" grep -Eq \
		'^smmush: x: 00:01.0 IOVA 0x12000 does not translate: .*stopped at level .*not mapped' "$TMP/err"
	check "  ... and shows nothing" test "$rc" -ne 0 -a -z "$(grep '^0x' "$TMP/out")"
	run "${T[@]}" -c "own; x 00:02.0:0x10000"
	check "$m: a device not attached to a domain does not translate" grep -Eq \
		'^smmush: x: 00:02.0 IOVA 0x10000 does not translate: .+' "$TMP/err"
	run "${T[@]}" -c "$setup; wg $((B + 0xff8)) 0x77; set errexit off; wg 00:01.0:0x11ff8 0x55 0x66; x/xg $((B + 0xff8))"
	check "$m: a write running into an unmapped page fails" grep -q \
		'^smmush: wg: 00:01.0 IOVA 0x12000 does not translate' "$TMP/err"
	check "  ... having stored nothing" test "$rc" -ne 0 -a "$(grep '^0x' "$TMP/out")" = \
		"$(printf '0x%08x:  0x0000000000000077' $((B + 0xff8)))"

	# --- dis ------------------------------------------------------------------------------
	expect_golden "$m: dis arm64 nop; ret" memory-dis-arm64-$m \
		"${T[@]}" --write -c "ww $A 0xd503201f 0xd65f03c0; dis $A 2 --arch arm64"
	expect_golden "$m: dis x86-64 nop; ret" memory-dis-x86-$m \
		"${T[@]}" --write -c "wb $A 0x90 0xc3; dis $A 2 --arch x86-64"
	if [ $arch = arm64 ]; then
		expect_out "$m: dis defaults to arm64 with SMMUv3" '  ret$' "${T[@]}" --write -c "ww $A 0xd503201f 0xd65f03c0; dis $A 2"
	else
		expect_out "$m: dis defaults to x86-64 with VT-d" '  ret$' "${T[@]}" --write -c "wb $A 0x90 0xc3; dis $A 2"
	fi
	expect_json "$m: dis -j: address, bytes, mnemonic, operands" "${T[@]}" --write \
		-c "ww $A 0xd503201f 0xd65f03c0; dis $A 2 --arch arm64" -- \
		"[(d['mnemonic'], d['bytes'], d['operands']) for d in doc] == [('nop', '1f2003d5', ''), ('ret', 'c0035fd6', '')]" \
		"int(doc[1]['address'], 16) == $A + 4"
	expect_out "$m: dis through DEVICE:IOVA" '^0x00010ffc:  1f 20 03 d5  nop' "${T[@]}" \
		-c "$setup; ww $((A + 0xffc)) 0xd503201f; ww $B 0xd65f03c0; dis 00:01.0:0x10ffc 2 --arch=arm64"
	check "  ... the second instruction from the other page" grep -q '^0x00011000:  c0 03 5f d6  ret' "$TMP/out"
	expect_out "$m: undecodable bytes show as .byte" '\.byte   0xff, 0xff, 0xff, 0xff' "${T[@]}" --write \
		-c "ww $A 0xffffffff; dis $A 1 --arch arm64"
	run "${T[@]}" -c "$setup; dis 00:01.0:0x11ff8 4 --arch arm64"
	check "$m: dis that runs off the mapping fails, naming the IOVA" grep -Eq \
		'^smmush: dis: 2 of 4 instructions: 00:01.0 IOVA 0x12000 does not translate' "$TMP/err"

	# --- the write guard --------------------------------------------------------------------
	# each run is a fresh machine (RAM reads 0): check within one run
	run "${T[@]}" -c "wb $A 1"
	check "$m: wb without own or --write is refused" test "$rc" -ne 0 -a -z "$out"
	check "  ... saying why" grep -q "^smmush: wb: refusing to write hardware: .* is not owned" "$TMP/err"
	run "${T[@]}" -c "set errexit off; x/xb $A; wb $A 0x77; fill $A 4 0x77; x/xb $A"
	check "$m: memory unchanged after refused wb and fill" test "$rc" -ne 0 -a \
		"$(grep -c "^0x0*${A#0x}:  0x00" "$TMP/out")" -eq 2
done

# --- bad arguments: one line on stderr, nothing on stdout, non-zero exit ---------------
A=0x40100000
expect_fail "x: bad format letter" --write -c "x/8xz $A"
expect_fail "x: bad size letter" --write -c "x/8q $A"
expect_fail "x: format letter twice" -c "x/xx $A"
expect_fail "x: size twice" -c "x/bw $A"
expect_fail "x: count zero" -c "x/0x $A"
expect_fail "x: count after the letters" -c "x/x8 $A"
expect_fail "x: empty format" -c "x/ $A"
expect_fail "x: N not a number" -c "x $A abc"
expect_fail "x: N zero" -c "x $A 0"
expect_fail "x: count in FMT and N" -c "x/4xw $A 4"
expect_fail "x: too much at once" -c "x/g $A 1000000"
expect_fail "x: missing address" -c "x"
expect_fail "x: missing address after FMT" -c "x/4xw"
expect_fail "x: too many arguments" -c "x $A 1 2"
expect_fail "x: address not a number" -c "x zz"
expect_fail "x: address beyond 64 bits" -c "x 0x10000000000000000"
expect_fail "x: range past the end of the address space" -c "x/2xg 0xfffffffffffffff8"
expect_fail "x: not memory" -c "x 0x10"
expect_fail "x: unknown device in DEVICE:IOVA" -c "x 00:09.0:0x1000"
expect_fail "x: no device before ':'" -c "x :0x1000"
expect_fail "x: no IOVA after ':'" -c "x 00:01.0:"
expect_fail "x: IOVA not a number" -c "x 00:01.0:zz"
# capstone is loaded by dis, not at every start (relocating it was most of a
# start's time); a static smmush has it linked in
if "$SMMUSH" --version | grep -q '^  static    no'; then
	LD_DEBUG=files "$SMMUSH" -c units >/dev/null 2>"$TMP/ld"
	check "start-up does not load capstone" eval '! grep -q "file=libcapstone" "$TMP/ld"'
	LD_DEBUG=files "$SMMUSH" --write -c "ww $A 0xd65f03c0; dis $A 1 --arch arm64" >"$TMP/out" 2>"$TMP/ld"
	check "dis loads capstone when it needs it, and disassembles" eval \
		'grep -q "file=libcapstone.*dynamically loaded" "$TMP/ld" && grep -q "  ret$" "$TMP/out"'
fi
expect_fail "dis: unknown arch" -c "dis $A --arch mips"
expect_fail "dis: --arch without a value" -c "dis $A --arch"
expect_fail "dis: unknown option" -c "dis $A --bogus"
expect_fail "dis: N not a number" -c "dis $A many"
expect_fail "dis: N zero" -c "dis $A 0"
expect_fail "dis: missing address" -c "dis"
expect_fail "dis: too many arguments" -c "dis $A 1 2"
expect_fail "dis: unknown device" -c "dis 00:09.0:0x0"
run -c "dis $A 1 --arch riscv64"
check "dis riscv64: capstone 5 decodes it, capstone 4 says it needs 5" \
	test "$rc" -eq 0 -o -n "$(grep 'riscv64 needs capstone 5' "$TMP/err")"
expect_fail "wb: value too wide" --write -c "wb $A 0x100"
expect_fail "wb: negative value too wide" --write -c "wb $A -129"
expect_fail "wh: value too wide" --write -c "wh $A 0x10000"
expect_fail "ww: value too wide" --write -c "ww $A 0x100000000"
expect_fail "wg: value beyond 64 bits" --write -c "wg $A 0x10000000000000000"
expect_fail "ww: value not a number" --write -c "ww $A 1 2 x"
expect_fail "wb: missing value" --write -c "wb $A"
expect_fail "wb: missing arguments" --write -c "wb"
expect_fail "wb: unknown device" --write -c "wb 00:09.0:0 1"
expect_fail "fill: byte too wide" --write -c "fill $A 16 256"
expect_fail "fill: LEN zero" --write -c "fill $A 0 1"
expect_fail "fill: LEN too large" --write -c "fill $A 1G 1"
expect_fail "fill: LEN not a size" --write -c "fill $A lots 1"
expect_fail "fill: missing arguments" --write -c "fill $A 16"
run --write -c "fill $A 8 0x5a; set errexit off; ww $A 1 2 x; wb $A 0x100; x/xg $A"
check "a bad value stores nothing, not even the values before it" \
	grep -q "^0x40100000:  0x5a5a5a5a5a5a5a5a" "$TMP/out"
finish
