#!/usr/bin/env bash
# Live-table commands end to end on both sim machines: ste, cd, strtab (SMMUv3),
# root, ctx, pasid (VT-d), config, walk (golden text, --raw) and xlate, their
# JSON field by field, a looping table, and bad arguments that must fail
# before touching hardware.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# expect_golden_from WHAT NAME START ARGS...: like expect_golden, on stdout from
# the first line matching START on, so the setup commands' own wording (own,
# map, ...) stays their tests' business.
expect_golden_from() {
	local what=$1 name=$2 start=$3; shift 3
	local gold=$srcdir/tests/golden/$name
	run "$@"
	sed -n "/$start/,\$p" "$TMP/out" >"$TMP/part"
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$TMP/part" "$gold"
	if [ "$rc" -eq 0 ] && [ -s "$TMP/part" ] && [ -f "$gold" ] && diff -u "$gold" "$TMP/part" >"$TMP/diff"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc; stderr: $err)"
		head -20 "$TMP/diff" 2>/dev/null | sed 's/^/#   /'
	fi
}

for m in virt q35; do
	if [ $m = virt ]; then
		T=(--target sim) P=0x40100000 Q=0x40200000
	else
		T=(--target sim:q35) P=0x100000 Q=0x200000
	fi
	# 00:01.0 in d1: IOVA 0x10000-0x11fff -> P (rw), 0x200000-0x3fffff -> Q (r, a 2M block)
	SETUP="own; domain create d1; attach 00:01.0 d1; map d1 0x10000 $P 0x2000 rw; map d1 0x200000 $Q 2M r"
	L="docs[-1]" # the last document: the setup commands print theirs first

	# --- the device's structures ---------------------------------------------------
	if [ $m = virt ]; then
		run "${T[@]}" -c "ste 8"
		check "$m: ste on a unit not owned: SMMU disabled, bypass" test "$rc" -eq 0 -a \
			"$(grep -Ec 'StreamID 0x8 has no STE|^-> bypass: the SMMU is disabled' "$TMP/out")" -eq 2
		# SID 0x10 (00:02.0) shares its level-2 table with 00:01.0 but is not attached
		expect_out "$m: ste 16 before attach aborts" '^-> abort: .*Config=abort' "${T[@]}" -c "$SETUP; ste 16"
		expect_out "$m: ste 16 decodes the abort STE" 'Config=Abort' "${T[@]}" -c "$SETUP; ste 16"
		expect_out "$m: ste 16 before any attach: no level-2 table, no STE" \
			'^-> fault: no level-2 stream table covers StreamID 0x10 .*C_BAD_STREAMID' "${T[@]}" -c "own; ste 16"
		expect_out "$m: ste 8 after attach: stage 1 STE" 'Config=S1Trans' "${T[@]}" -c "$SETUP; ste 8"
		expect_out "$m: ste 8 translates" '^-> translate: stage 1, ASID [0-9]+' "${T[@]}" -c "$SETUP; ste 8"
		expect_out "$m: ste shows the L1 descriptor" '^L1 stream table descriptor at 0x[0-9a-f]+:$' \
			"${T[@]}" -c "$SETUP; ste 8"
		expect_json "$m: ste -j" "${T[@]}" -c "$SETUP; ste 8" -- \
			"$L['sid'] == '0x8' and $L['unit'] == 0" \
			"$L['stream_table']['format'] == '2-level' and $L['stream_table']['log2size'] == 16" \
			"$L['l1_descriptor']['kind'] == 'smmuv3.l1std' and $L['l1_descriptor']['decoded']['fields']['Span'] > 0" \
			"$L['ste']['what'] == 'STE' and $L['ste']['register'] is False" \
			"$L['ste']['decoded']['fields']['V'] is True" \
			"$L['ste']['decoded']['fields']['Config']['name'] == 'S1Trans'" \
			"int($L['ste']['address'], 16) == int($L['l1_descriptor']['decoded']['fields']['L2Ptr'], 16) + 8 * 64" \
			"$L['verdict']['result'] == 'translate' and $L['verdict']['tables']['format'] == 'lpae-s1'" \
			"$L['verdict']['code'] is None"
		expect_json "$m: ste 16 -j before attach: abort" "${T[@]}" -c "$SETUP; ste 16" -- \
			"$L['ste']['decoded']['fields']['Config']['name'] == 'Abort'" \
			"$L['verdict']['result'] == 'abort' and $L['verdict']['tables'] is None"
		# StreamID 0x100 is in L1 descriptor 1, which has no level-2 table
		expect_out "$m: ste of a StreamID without a level-2 table: no STE" '^StreamID 0x100 has no STE$' \
			"${T[@]}" -c "$SETUP; ste 0x100"
		expect_json "$m: ste -j without an STE: the event the SMMU records" "${T[@]}" -c "$SETUP; ste 0x100" -- \
			"$L['ste'] is None and $L['l1_descriptor']['decoded']['fields']['Span'] == 0" \
			"$L['verdict']['result'] == 'fault' and $L['verdict']['code'] == 2" \
			"$L['verdict']['code_name'] == 'C_BAD_STREAMID'"
		expect_out "$m: cd 8: the CD, via the STE" '^via STE at 0x[0-9a-f]+: V\+ Config=S1Trans' \
			"${T[@]}" -c "$SETUP; cd 8"
		expect_json "$m: cd -j" "${T[@]}" -c "$SETUP; cd 8" -- \
			"$L['ssid'] is None and $L['l1_cd'] is None" \
			"$L['cd']['decoded']['fields']['V'] is True and $L['cd']['decoded']['fields']['AA64'] is True" \
			"$L['cd']['decoded']['fields']['TTB0'] == $L['verdict']['tables']['root']" \
			"$L['ste']['decoded']['fields']['S1ContextPtr'] == $L['cd']['address']"
		expect_json "$m: cd with a SubstreamID beyond S1CDMax: no CD" "${T[@]}" -c "$SETUP; cd 8 1" -- \
			"$L['ssid'] == 1 and $L['cd'] is None and $L['verdict']['code_name'] == 'C_BAD_SUBSTREAMID'"
		# --- strtab ---------------------------------------------------------------------
		run "${T[@]}" -c "$SETUP; strtab"
		check "$m: strtab: runs of abort STEs around the stage-1 one" test "$rc" -eq 0 -a \
			"$(grep -Ec '^0x0000-0x0007 +0x[0-9a-f]+ +Abort|^0x0008 +0x[0-9a-f]+ +S1Trans +CD 0x[0-9a-f]+ +ASID 1$|^0x0009-0x00ff +0x[0-9a-f]+ +Abort' "$TMP/out")" -eq 3
		expect_out "$m: strtab counts" '^256 valid STEs; 1 of 256 L1 descriptors have level-2 tables$' \
			"${T[@]}" -c "$SETUP; strtab"
		run "${T[@]}" -c "$SETUP; strtab --all"
		check "$m: strtab --all: one line per valid STE" test "$rc" -eq 0 -a \
			"$(grep -Ec '^0x00[0-9a-f]{2} ' "$TMP/out")" -eq 256
		expect_json "$m: strtab -j" "${T[@]}" -c "$SETUP; strtab" -- \
			"$L['valid_stes'] == 256 and $L['l1_descriptors'] == 256 and $L['l2_tables'] == 1" \
			"sum(e['count'] for e in $L['entries']) == 256 and len($L['entries']) == 3" \
			"[e for e in $L['entries'] if e['sid'] == '0x8'][0]['config'] == 'S1Trans'" \
			"[e for e in $L['entries'] if e['sid'] == '0x8'][0]['asid'] == 1" \
			"[e for e in $L['entries'] if e['sid'] == '0x8'][0]['s2ttb'] is None" \
			"$L['smmu_enabled'] is True and $L['warnings'] == []"
		expect_json "$m: strtab -j on a unit not owned: no table read, a warning" "${T[@]}" -c "strtab" -- \
			"$L['smmu_enabled'] is False and $L['entries'] == [] and len($L['warnings']) == 1"
	else
		expect_out "$m: ctx of a device not attached: not present" \
			'^-> fault: the context entry for 00:02.0 is not present.*fault reason 0x2' \
			"${T[@]}" -c "$SETUP; ctx 00:02.0"
		expect_out "$m: ctx 00:01.0: second-level translation" 'TT=second-level' "${T[@]}" -c "$SETUP; ctx 00:01.0"
		expect_out "$m: ctx 00:01.0 translates" '^-> translate: second level' "${T[@]}" -c "$SETUP; ctx 00:01.0"
		expect_json "$m: ctx -j" "${T[@]}" -c "$SETUP; ctx 00:01.0" -- \
			"$L['bdf'] == '00:01.0' and $L['source_id'] == '0x8' and $L['mode'] == 'legacy'" \
			"$L['root_entry']['kind'] == 'vtd.root' and $L['root_entry']['decoded']['fields']['P'] is True" \
			"$L['context_entry']['kind'] == 'vtd.ctx' and $L['context_entry']['decoded']['fields']['P'] is True" \
			"$L['context_entry']['decoded']['fields']['TT']['name'] == 'second-level'" \
			"int($L['context_entry']['address'], 16) == int($L['root_entry']['decoded']['fields']['CTP'], 16) + 8 * 16" \
			"$L['verdict']['result'] == 'translate' and $L['verdict']['tables']['format'] == 'vtd-sl'" \
			"$L['context_entry']['decoded']['fields']['SLPTPTR'] == $L['verdict']['tables']['root']"
		expect_json "$m: ctx -j of a device not attached" "${T[@]}" -c "$SETUP; ctx 00:02.0" -- \
			"$L['context_entry']['decoded']['fields']['P'] is False and $L['verdict']['code'] == 2"
		expect_out "$m: ctx with remapping off" '^-> bypass: DMA remapping is off' "${T[@]}" -c "ctx 00:01.0"
		# --- root -----------------------------------------------------------------------
		run "${T[@]}" -c "$SETUP; root"
		check "$m: root: bus 00 present, one of 256" test "$rc" -eq 0 -a \
			"$(grep -Ec '^bus 00 at 0x[0-9a-f]+: context table 0x[0-9a-f]+$|^1 of 256 root entries present$' "$TMP/out")" -eq 2
		expect_out "$m: root 0: the entry decoded" '^  P\+ +CTP=0x[0-9a-f]+' "${T[@]}" -c "$SETUP; root 0"
		expect_json "$m: root -j" "${T[@]}" -c "$SETUP; root" -- \
			"$L['mode'] == 'legacy' and $L['remapping'] is True and len($L['entries']) == 1" \
			"$L['entries'][0]['bus'] == 0 and $L['entries'][0]['present'] is True" \
			"$L['entries'][0]['address'] == $L['root_table'] == $L['rtaddr']" \
			"$L['entries'][0]['decoded']['kind'] == 'vtd.root'"
		expect_json "$m: root 5 -j: one bus, not present" "${T[@]}" -c "$SETUP; root 5" -- \
			"len($L['entries']) == 1 and $L['entries'][0]['bus'] == 5 and $L['entries'][0]['present'] is False" \
			"int($L['entries'][0]['address'], 16) == int($L['root_table'], 16) + 5 * 16"
		# --- pasid: own() installs legacy tables even where scalable mode is offered ------
		run "${T[@]}" -O scalable=on -c "$SETUP; regs ecap"
		check "$m: scalable=on offers scalable mode (ECAP.SMTS)" grep -q 'SMTS+' "$TMP/out"
		run "${T[@]}" -O scalable=on -c "$SETUP; pasid 00:01.0 1"
		check "$m: pasid on the live legacy configuration: one error, the unit is in legacy mode" \
			test "$rc" -ne 0 -a "$(wc -l <"$TMP/err")" -eq 1 -a "$(grep -c '^smmush: pasid: .* is in legacy mode' "$TMP/err")" -eq 1
		expect_fail "$m: pasid with remapping off" "${T[@]}" -c "pasid 00:01.0 0"
		check "$m: pasid says remapping is off" grep -q 'remapping is off' "$TMP/err"
	fi

	# --- config -------------------------------------------------------------------------
	run "${T[@]}" -c "$SETUP; config 00:01.0"
	if [ $m = virt ]; then steps='STRTAB_BASE STRTAB_BASE_CFG L1 STE CD'; n=5; else steps='GSTS RTADDR root context'; n=4; fi
	check "$m: config: $n numbered steps, then the verdict" test "$rc" -eq 0 -a \
		"$(grep -Ec '^\[[1-5]\] ' "$TMP/out")" -eq $n -a "$(tail -1 "$TMP/out" | cut -c1-13)" = "-> translate:"
	expect_out "$m: config names the device and its unit" '^00:01.0 \((StreamID|source-id) 0x8\) on (smmuv3|dmar)@0x[0-9a-f]+ \(unit 0\)$' \
		"${T[@]}" -c "$SETUP; config 00:01.0"
	if [ $m = virt ]; then
		kinds="['smmuv3.strtab_base', 'smmuv3.strtab_base_cfg', 'smmuv3.l1std', 'smmuv3.ste', 'smmuv3.cd']"
	else
		kinds="['vtd.gsts', 'vtd.rtaddr', 'vtd.root', 'vtd.ctx']"
	fi
	expect_json "$m: config -j: the chain" "${T[@]}" -c "$SETUP; config 00:01.0" -- \
		"$L['device'] == '00:01.0' and $L['sid'] == '0x8' and $L['pasid'] is None" \
		"[s['kind'] for s in $L['steps']] == $kinds" \
		"all(s['decoded']['kind'] == s['kind'] for s in $L['steps'])" \
		"all(s['register'] == ('offset' in s) for s in $L['steps'])" \
		"$L['steps'][0]['register'] is True and $L['steps'][-1]['register'] is False" \
		"$L['verdict']['result'] == 'translate' and $L['verdict']['tables']['granule'] == 4096"
	expect_json "$m: config -j of a device not attached" "${T[@]}" -c "$SETUP; config 00:02.0" -- \
		"$L['verdict']['result'] in ('abort', 'fault') and $L['verdict']['tables'] is None"

	# --- walk ---------------------------------------------------------------------------
	expect_golden_from "$m: walk: the two ranges, coalesced" tables-walk-$m '^00:01.0 (.*(unit 0)$' \
		"${T[@]}" -c "$SETUP; walk 00:01.0"
	expect_golden_from "$m: walk --raw: every entry that is not empty" tables-walk-raw-$m '^00:01.0 (.*(unit 0)$' \
		"${T[@]}" -c "$SETUP; walk 00:01.0 --raw"
	expect_out "$m: walk IOVA SIZE: part of a range" "^0x0*10800-0x0*11fff -> 0x0*$(printf %x $((P + 0x800)))-.* 6K  rw" \
		"${T[@]}" -c "$SETUP; walk 00:01.0 0x10800 6K"
	expect_json "$m: walk -j" "${T[@]}" -c "$SETUP; walk 00:01.0" -- \
		"$L['raw'] is False and $L['size'] is None and $L['complete'] is True" \
		"$L['ranges'] == [{'iova': '0x10000', 'pa': '$P', 'size': '0x2000', 'permissions': $L['ranges'][0]['permissions'], 'device': False}, {'iova': '0x200000', 'pa': '$Q', 'size': '0x200000', 'permissions': $L['ranges'][1]['permissions'], 'device': False}]" \
		"$L['ranges'][0]['permissions'].startswith('rw') and $L['ranges'][1]['permissions'][0:2] in ('r', 'rx')" \
		"$L['stats']['ranges'] == 2 and $L['stats']['mapped'] == '0x202000' and $L['stats']['leaves'] == 3" \
		"$L['warnings'] == []"
	expect_json "$m: walk --raw -j" "${T[@]}" -c "$SETUP; walk 00:01.0 --raw" -- \
		"$L['raw'] is True and 'ranges' not in $L" \
		"[e['type'] for e in $L['entries'] if e['type'] in ('page', 'block')] == ['page', 'page', 'block']" \
		"[e['address'] for e in $L['entries'] if e['type'] != 'table'] == ['$P', '$(printf 0x%x $((P + 0x1000)))', '$Q']" \
		"all(e['status'] == 'ok' for e in $L['entries'])" \
		"all(e['entry_address'] == hex(int(e['table'], 16) + 8 * e['index']) for e in $L['entries'])" \
		"$L['stats']['entries'] == $L['stats']['empty_not_listed'] + len($L['entries'])"
	expect_out "$m: walk of a device without tables: the verdict" '^-> (abort|fault): ' \
		"${T[@]}" -c "$SETUP; walk 00:02.0"

	# --- xlate --------------------------------------------------------------------------
	PA=$(printf 0x%x $((P + 0x1234)))
	expect_out "$m: xlate of a mapped address: the PA" "^result: 0x11234 -> $PA \(4K page, rw" \
		"${T[@]}" -c "$SETUP; xlate 00:01.0 0x11234 r"
	if [ $m = virt ]; then levels=4 top=1; else levels=3 top=3; fi
	run "${T[@]}" -c "$SETUP; xlate 00:01.0 0x11234 r"
	check "$m: xlate: $levels levels traced" test "$(grep -Ec '^  level [0-9]  table 0x[0-9a-f]+  index [0-9]+ +entry 0x' "$TMP/out")" -eq $levels
	expect_out "$m: xlate of an unmapped address: where it stopped" \
		"^result: fault: .*the walk stopped at level $top .*entry not valid, 0x40000000 is not mapped" \
		"${T[@]}" -c "$SETUP; xlate 00:01.0 0x40000000"
	expect_out "$m: xlate of a write to the read-only block: permission" \
		'^result: fault: .*the leaf at level 2 .* allows RX?: the write needs W$' \
		"${T[@]}" -c "$SETUP; xlate 00:01.0 0x280000 w"
	expect_json "$m: xlate -j of a mapped address" "${T[@]}" -c "$SETUP; xlate 00:01.0 0x11234 r" -- \
		"$L['iova'] == '0x11234' and $L['access'] == 'r' and $L['config']['verdict']['result'] == 'translate'" \
		"len($L['levels']) == $levels and $L['levels'][-1]['table'] == $L['levels'][-2]['decoded']['fields'].get('NLTA', $L['levels'][-2]['decoded']['fields'].get('ADDR'))" \
		"$L['levels'][0]['table'] == $L['config']['verdict']['tables']['root']" \
		"$L['levels'][-1]['index'] == 0x11 and $L['levels'][-1]['decoded']['kind'] == $L['levels'][-1]['kind']" \
		"$L['result']['translated'] is True and $L['result']['pa'] == '$PA' and $L['result']['page_size'] == '0x1000'" \
		"$L['result']['permissions'].startswith('rw') and $L['result']['fault'] is None"
	expect_json "$m: xlate -j of an unmapped address" "${T[@]}" -c "$SETUP; xlate 00:01.0 0x40000000 r" -- \
		"$L['result']['translated'] is False and $L['result']['pa'] is None" \
		"$L['result']['stopped_in'] == 'tables' and $L['result']['fault'] == 'invalid'" \
		"$L['result']['fault_level'] == $top and $L['levels'][-1]['pte'] == '0x0'"
	expect_json "$m: xlate -j of a write to the read-only block" "${T[@]}" -c "$SETUP; xlate 00:01.0 0x280000 w" -- \
		"$L['result']['fault'] == 'permission' and $L['result']['missing'] == 'w'" \
		"$L['result']['fault_level'] == 2 and 'the write needs W' in $L['result']['explanation']"
	expect_json "$m: xlate -j of a device not attached: stopped in the configuration" \
		"${T[@]}" -c "$SETUP; xlate 00:02.0 0x1000" -- \
		"$L['result']['stopped_in'] == 'config' and $L['levels'] == []" \
		"$L['config']['verdict']['result'] in ('abort', 'fault')"

	# --- bad arguments: one line on stderr, non-zero exit, nothing written ----------------
	if [ $m = virt ]; then
		bad=('ste' 'ste 1 2' 'ste 0x8g' 'ste -1' 'ste 0x10000' 'ste --raw 8' 'cd' 'cd 8 1 2' 'cd x'
		     'cd 8 0x100000' 'strtab 1' 'strtab --pasid 1' 'root' 'ctx 00:01.0' 'pasid 00:01.0 1')
	else
		bad=('root 0x100' 'root 1 2' 'root x' 'ctx' 'ctx 00:01.0 1' 'ctx 1:2:3' 'ctx 00:20.0' 'ctx nodev'
		     'pasid 00:01.0' 'pasid 00:01.0 0x100000' 'pasid 00:01.0 1 2' 'pasid zz 1' 'ste 8' 'strtab')
	fi
	bad+=('config' 'config 00:01.0 00:02.0' 'config 99:00.0' 'config 00:01.0 --pasid' 'config 00:01.0 --pasid x'
	      'config 00:01.0 --pasid 0x100000' 'config 00:01.0 --raw' 'walk' 'walk nodev' 'walk 00:01.0 0x1g'
	      'walk 00:01.0 0x1000 0' 'walk 00:01.0 0x1000 1x' 'walk 00:01.0 1 2 3' 'walk 00:01.0 --pasid'
	      'walk 00:01.0 --bogus' 'walk 00:01.0 0xffffffffffffffff 2' 'xlate' 'xlate 00:01.0' 'xlate 00:01.0 x'
	      'xlate 00:01.0 0x1000 q' 'xlate 00:01.0 0x1000 rr' 'xlate 00:01.0 0x1000 r w' 'xlate nodev 0x1000'
	      'xlate 00:01.0 0x1000 --pasid' 'xlate 00:01.0 0x1000 --all')
	for c in "${bad[@]}"; do
		expect_fail "$m: bad arguments: $c" "${T[@]}" -c "$c"
	done
	# every one of them in one session, between two register dumps of a unit not owned
	script="regs; set errexit off"
	for c in "${bad[@]}"; do script="$script; $c"; done
	run "${T[@]}" -c "$script; set errexit on; regs"
	half=$(($(wc -l <"$TMP/out") / 2))
	head -n $half "$TMP/out" >"$TMP/regs-before"
	tail -n +$((half + 1)) "$TMP/out" >"$TMP/regs-after"
	check "$m: the bad arguments wrote no register" test "$rc" -ne 0 -a -s "$TMP/regs-before" -a \
		"$(wc -l <"$TMP/err")" -eq ${#bad[@]}
	check "$m: registers before and after the bad arguments are equal" cmp -s "$TMP/regs-before" "$TMP/regs-after"
done

# --- a table that points back at itself: a warning, not a hang ---------------------------
T=(--target sim)
SETUP="own; domain create d1; attach 00:01.0 d1; map d1 0x10000 0x40100000 0x2000 rw; map d1 0x200000 0x40200000 2M r"
run -j "${T[@]}" -c "$SETUP; xlate 00:01.0 0x10000"
L2=$(python3 -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])][-1]; print(d["levels"][2]["table"])' "$TMP/out")
# level-2 entry 2 (IOVA 0x400000) becomes a table descriptor pointing at its own table
LOOP="wg $(printf 0x%x $((L2 + 16))) $(printf 0x%x $((L2 | 3)))"
run "${T[@]}" -c "$SETUP; $LOOP; walk 00:01.0"
check "walk of looping tables: what was visited, then one error line" test "$rc" -ne 0 -a \
	"$(grep -Ec '^0x0*10000-0x0*11fff -> |^0x0*200000-0x0*3fffff -> |^warning: 1 entry: table loop$' "$TMP/out")" -eq 3 -a \
	"$(wc -l <"$TMP/err")" -eq 1
check "the loop error names the walk" grep -q '^smmush: walk: 00:01.0: its tables loop back' "$TMP/err"
run "${T[@]}" -c "$SETUP; $LOOP; walk 00:01.0 --raw"
check "walk --raw of looping tables: the entry carries the warning" test "$rc" -ne 0 -a \
	"$(grep -c '^ *warning: table loop$' "$TMP/out")" -eq 1
run -j "${T[@]}" -c "$SETUP; $LOOP; walk 00:01.0"
check "walk -j of looping tables: valid JSON, incomplete, a warning, then the error" json_valid "$TMP/out" \
	"docs[-2]['complete'] is False and docs[-2]['stats']['status']['loop'] == 1" \
	"docs[-2]['warnings'] == ['1 entry: table loop'] and len(docs[-2]['ranges']) == 2" \
	"docs[-1]['command'] == 'walk' and 'loop back' in docs[-1]['error']"
# a translation follows the looping pointer the way the hardware does: the level-2
# table read again as level 3, its entry 0 (a table descriptor) taken as a Page
run "${T[@]}" -c "$SETUP; $LOOP; xlate 00:01.0 0x400000"
check "xlate through a looping table walks it as the hardware does" test "$rc" -eq 0 -a \
	"$(grep -c "^  level 3  table $L2 " "$TMP/out")" -eq 1 -a \
	"$(grep -c 'access flag (AF=0)' "$TMP/out")" -eq 1 -a "$(grep -c 'loop' "$TMP/out")" -eq 0


# --- VMSAv8-32 LPAE (sim -O ttf=aa32): a CD with AA64 = 0 and 4K tables for a
# 32-bit VA, written by hand; config, xlate, walk and dma follow it
A32=(--target sim:virt -O ttf=aa32 --write)
A32_SETUP='wg 0x50000200 0x5001000b; wg 0x50010000 0x0001600080000000 0x50020000; wg 0x50020000 0x50021003;
wg 0x50021000 0x50022003; wg 0x50022008 0x41000443; reg write STRTAB_BASE 0x50000000;
reg write STRTAB_BASE_CFG 8; reg write CR0 1'
expect_out "aa32: config predicts a VMSAv8-32 stage 1" '^-> translate: stage 1 \(VMSAv8-32 LPAE\), ASID 1, 4 KiB granule, 32-bit input' \
	"${A32[@]}" -c "$A32_SETUP; config 00:01.0"
expect_out "aa32: xlate walks it from level 1" '^result: 0x1010 -> 0x41000010 \(4K page' "${A32[@]}" -c "$A32_SETUP; xlate 00:01.0 0x1010"
expect_out "aa32: an address above 32 bits is a translation fault" 'beyond the 32-bit VA of VMSAv8-32 LPAE' \
	"${A32[@]}" -c "$A32_SETUP; xlate 00:01.0 0x100001010"
expect_out "aa32: walk lists the mapping" '^0x0000001000-0x0000001fff -> 0x0041000000-0x0041000fff +4K +rwx' \
	"${A32[@]}" -c "$A32_SETUP; walk 00:01.0"
expect_out "aa32: the model's DMA goes where xlate said" 'read 0x1010 8: done' "${A32[@]}" -c "$A32_SETUP; dma 00:01.0 read 0x1010 8"
expect_out "aa64 only: the same CD is ILLEGAL" 'AA64=0 .*no AArch32 tables \(event 0x0a C_BAD_CD\)' --target sim:virt --write -c "$A32_SETUP; xlate 00:01.0 0x1010"

# the summary's size: exact, in binary units, parts largest first (not 1050628K)
expect_out "walk's summary: 1G+2M+4K mapped" '^3 ranges, 1G\+2M\+4K mapped;' --target sim:virt -c \
	"own; domain create d; attach 00:01.0 d; map d 0x0 0x40000000 1G rw; map d 0x40000000 0x40000000 2M rw; map d 0x80000000 0x40000000 4K r; walk 00:01.0"

finish
