#!/usr/bin/env bash
# Every structure of every architecture's walk, pointed outside RAM: the STE,
# CD and their level-1 descriptors, each page-table level at stage 1 and
# stage 2 (SMMUv3); the root and context tables, each second-level table, the
# scalable-mode PASID directory, PASID table and first-level tables (VT-d).
# xlate, walk (and --raw), config and faults --explain must each render it,
# text and JSON, say the address is outside RAM and name where RAM is.  (A
# table that could not be read has no decoder kind: this used to crash xlate
# and print "(null)" in explanations.)
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# field ADDR...: python over the last JSON document of $TMP/out as `d`
field() { python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])][-1]; print(eval(sys.argv[2]))' "$TMP/out" "$1"; }
hex() { printf 0x%x "$1"; }

# outside WHAT PASIDARG TARGET... -- SETUP: every front end on that setup
outside() {
	local what=$1 pasid=$2; shift 2
	local T=() setup
	while [ "$1" != -- ]; do T+=("$1"); shift; done
	setup=$2
	local dma="dma 00:01.0 read 0x10000 8${pasid:+ --pasid ${pasid#--pasid }}"
	for c in "xlate 00:01.0 0x10000 r $pasid" "walk 00:01.0 $pasid" "walk 00:01.0 --raw $pasid" \
		"config 00:01.0 $pasid" "$dma; faults --explain"; do
		local name=${c%% *}; [[ $c == *--raw* ]] && name="walk --raw"; [[ $c == dma* ]] && name=faults
		run "${T[@]}" -c "$setup; $c"
		# walk says where the walk stopped in its warning; the others name RAM
		local want='outside RAM; RAM is |not RAM, RAM is ' jwant="'RAM is' in repr(docs) or 'table_read' in repr(docs)"
		[[ $name == walk* ]] && want='table unreadable \(outside memory\)|not RAM, RAM is '
		# config ends where the page tables begin: it only has to show the root
		[[ $name == config && $what == *level* ]] && want='^-> translate: ' jwant=True
		if [ "$rc" -eq 0 ] && [ -z "$err" ] && ! grep -q '(null)' "$TMP/out" && grep -Eq "$want" "$TMP/out"; then
			ok "$what: $name renders it"
		else
			not_ok "$what: $name (rc=$rc; stderr: ${err:0:300}; stdout: $(tail -c 200 "$TMP/out"))"
		fi
		run -j "${T[@]}" -c "$setup; $c"
		if [ "$rc" -eq 0 ] && [ -z "$err" ] && json_valid "$TMP/out" \
			"'(null)' not in repr(docs[-1])" \
			"$jwant"; then
			ok "$what: $name -j renders it"
		else
			not_ok "$what: $name -j (rc=$rc; stderr: ${err:0:300}; stdout: $(tail -c 200 "$TMP/out"))"
		fi
	done
}

# --- SMMUv3 ----------------------------------------------------------------------------
V=(--target sim)
SETUP="own; domain create d; attach 00:01.0 d; map d 0x10000 0x40100000 0x2000 rw"
run -j "${V[@]}" -c "$SETUP; config 00:01.0"
L1=$(field '[s["address"] for s in d["steps"] if s["kind"] == "smmuv3.l1std"][0]')
STE=$(field '[s["address"] for s in d["steps"] if s["kind"] == "smmuv3.ste"][0]')
CD=$(field '[s["address"] for s in d["steps"] if s["kind"] == "smmuv3.cd"][0]')
outside "virt: stream table (L1 descriptor)" "" "${V[@]}" -- \
	"$SETUP; reg write CR0 0; reg write STRTAB_BASE 0x1000; reg write CR0 0xd"
outside "virt: STE (L1 descriptor's L2Ptr)" "" "${V[@]}" -- "$SETUP; wg $L1 0x1009"
outside "virt: CD (S1ContextPtr)" "" "${V[@]}" -- "$SETUP; wg $STE 0xb"
# S1Fmt 2-level (4K leaf tables), S1CDMax 1: the L1 CD descriptor at S1ContextPtr 0
outside "virt: L1 CD descriptor" "--pasid 1" "${V[@]}" -- "$SETUP; wg $STE 0x080000000000001b"
outside "virt: stage 1 level 0 table (TTB0)" "" "${V[@]}" -- "$SETUP; wg $(hex $((CD + 8))) 0"
run -j "${V[@]}" -c "$SETUP; xlate 00:01.0 0x10000"
entries=($(field "' '.join(l['entry_address'] for l in d['levels'])"))
for i in 0 1 2; do
	e=${entries[$i]}
	outside "virt: stage 1 level $((i + 1)) table" "" "${V[@]}" -- "$SETUP; wg $e 0x1003"
done
S2="own; domain create d --stage2; attach 00:01.0 d; map d 0x10000 0x40100000 0x2000 rw"
run -j "${V[@]}" -c "$S2; config 00:01.0"
STE2=$(field '[s["address"] for s in d["steps"] if s["kind"] == "smmuv3.ste"][0]')
outside "virt: stage 2 first level table (S2TTB)" "" "${V[@]}" -- "$S2; wg $(hex $((STE2 + 24))) 0"
run -j "${V[@]}" -c "$S2; xlate 00:01.0 0x10000"
entries=($(field "' '.join(l['entry_address'] for l in d['levels'])"))
levels=($(field "' '.join(str(l['level']) for l in d['levels'])"))
for ((i = 0; i < ${#entries[@]} - 1; i++)); do
	e=${entries[$i]} lv=${levels[$((i + 1))]}
	outside "virt: stage 2 level $lv table" "" "${V[@]}" -- "$S2; wg $e 0x1003"
done

# --- VT-d, legacy mode -------------------------------------------------------------------
Q=(--target sim:q35) # RAM 0-1G: 0x80000000 is outside it
SETUP="own; domain create d; attach 00:01.0 d; map d 0x10000 0x100000 0x2000 rw"
run -j "${Q[@]}" -c "$SETUP; config 00:01.0"
ROOT=$(field '[s["address"] for s in d["steps"] if s["kind"] == "vtd.root"][0]')
CTX=$(field '[s["address"] for s in d["steps"] if s["kind"] == "vtd.ctx"][0]')
outside "q35: root table (RTADDR)" "" "${Q[@]}" -- "$SETUP; reg write RTADDR 0x80000000; reg write GCMD 0xc0000000"
outside "q35: context table (root entry CTP)" "" "${Q[@]}" -- "$SETUP; wg $ROOT 0x80000001"
outside "q35: second level, first level table (SLPTPTR)" "" "${Q[@]}" -- "$SETUP; wg $CTX 0x80000001"
run -j "${Q[@]}" -c "$SETUP; xlate 00:01.0 0x10000"
entries=($(field "' '.join(l['entry_address'] for l in d['levels'])"))
levels=($(field "' '.join(str(l['level']) for l in d['levels'])"))
for ((i = 0; i < ${#entries[@]} - 1; i++)); do
	e=${entries[$i]} lv=${levels[$((i + 1))]}
	outside "q35: second level, level $lv table" "" "${Q[@]}" -- "$SETUP; wg $e 0x80000003"
done

# --- VT-d, scalable mode, set up by hand (own installs legacy tables) ----------------------
# root 0x3000000 -> context 0x3001000 (PASIDE) -> PASID directory 0x3002000 ->
# PASID table 0x3003000: PASID 5 first level (4 levels) at 0x3004000, its
# tables at 0x3005000 (L3), 0x3006000 (L2), 0x3007000 (L1) mapping 0x10000
S=(--target sim:q35 -O scalable=on --write)
SM="wg 0x3000000 0x3001001; wg 0x3001100 0x3002009; wg 0x3002000 0x3003001"
SM="$SM; wg 0x3003140 0x41 0x1 0x3004000; wg 0x3004000 0x3005007; wg 0x3005000 0x3006007; wg 0x3006000 0x3007007"
SM="$SM; wg 0x3007080 0x100007; reg write RTADDR 0x3000400; reg write GCMD 0x40000000; reg write GCMD 0xc0000000"
run "${S[@]}" -c "$SM; xlate 00:01.0 0x10000 r --pasid 5"
check "q35 scalable: the hand-built chain translates PASID 5" grep -q '^result: 0x10000 -> 0x100000' "$TMP/out"
outside "q35 scalable: context table (root LCTP)" "--pasid 5" "${S[@]}" -- "$SM; wg 0x3000000 0x80000001"
outside "q35 scalable: PASID directory (PASIDDIRPTR)" "--pasid 5" "${S[@]}" -- "$SM; wg 0x3001100 0x80000009"
outside "q35 scalable: PASID table (SMPTBLPTR)" "--pasid 5" "${S[@]}" -- "$SM; wg 0x3002000 0x80000001"
outside "q35 scalable: first level, top level table (FLPTPTR)" "--pasid 5" "${S[@]}" -- "$SM; wg 0x3003150 0x80000000"
for e in 0x3004000 0x3005000 0x3006000; do
	outside "q35 scalable: first level, the level table after $e" "--pasid 5" "${S[@]}" -- "$SM; wg $e 0x80000007"
done

# --- F_WALK_EABT: the record's access, and the table outside RAM in its explanation -----------
V=(--target sim)
SETUP="own; domain create d; attach 00:01.0 d; map d 0x10000 0x40100000 0x2000 rw"
run -j "${V[@]}" -c "$SETUP; config 00:01.0"
CD=$(field '[s["address"] for s in d["steps"] if s["kind"] == "smmuv3.cd"][0]')
for dir in read write; do
	expect_out "virt: F_WALK_EABT of a $dir: the summary shows the access" \
		"^#1 .* sid 0x8 $dir 0x10000 +F_WALK_EABT" "${V[@]}" -c "$SETUP; wg $(hex $((CD + 8))) 0; dma 00:01.0 $dir 0x10000 8; faults"
	expect_json "virt: F_WALK_EABT of a $dir -j: access and explanation" "${V[@]}" -c \
		"$SETUP; wg $(hex $((CD + 8))) 0; dma 00:01.0 $dir 0x10000 8; faults --explain" -- \
		"docs[-1]['faults'][0]['code_name'] == 'F_WALK_EABT' and docs[-1]['faults'][0]['access'] == ['$dir']" \
		"'its table at 0x0 is outside RAM; RAM is 0x40000000-0x7fffffff' in docs[-1]['faults'][0]['explanation']['text']" \
		"docs[-1]['faults'][0]['explanation']['steps'][-1]['table_readable'] is False" \
		"docs[-1]['faults'][0]['explanation']['steps'][-1]['kind'] is None"
done

# --- reads outside RAM and at MMIO say so, with the RAM ranges, on every target -----------------
# (qtest answers zeros there: QEMU used to read as if memory were there)
targets=("sim 0x9050000 0x0 0x40000000-0x7fffffff" "sim:q35 0xfed90000 0x40000000 0x0-0x3fffffff")
if command -v qemu-system-aarch64 >/dev/null && command -v qemu-system-x86_64 >/dev/null; then
	targets+=("qemu:virt 0x9050000 0x0 0x40000000-0x5fffffff" "qemu:q35 0xfed90000 0x20000000 0x0-0x1fffffff")
fi
for t in "${targets[@]}"; do
	read -r tg mmio out ram <<<"$t"
	for a in $mmio $out; do
		for c in "x $a" "x/4g $a" "dis $a 2"; do
			expect_fail "$tg: $c: not RAM" --target "$tg" -c "$c"
			cmd=${c%% *}
			check "$tg: $c: the error names RAM" grep -q "^smmush: ${cmd%%/*}: reading $a: not RAM (RAM here: $ram)$" "$TMP/err"
		done
	done
	pa=$mmio
	expect_out "$tg: map of a PA that is not RAM warns at map time" \
		"^warning: PA $pa-0x[0-9a-f]+ is not RAM \(RAM here: $ram\): DMA through this mapping reaches no memory" \
		--target "$tg" -c "own; domain create d; map d 0x1000 $pa 4K rw"
	expect_json "$tg: map -j of a PA that is not RAM: the warning" --target "$tg" -c "own; domain create d; map d 0x1000 $pa 4K rw" -- \
		"len(docs[-1]['warnings']) == 1 and 'is not RAM (RAM here: $ram)' in docs[-1]['warnings'][0]"
	ramstart=${ram%%-*}
	expect_json "$tg: map -j of RAM: no warning" --target "$tg" -c "own; domain create d; map d 0x1000 $(hex $((ramstart + 0x100000))) 4K rw" -- \
		"docs[-1]['warnings'] == []"
done

finish
