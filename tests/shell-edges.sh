#!/usr/bin/env bash
# Edges where smmush used to lose information or leave something broken:
# predictions for requests with a PASID that the hardware refuses, scripts
# given with -c and -f together, errors under -j, register writes the
# hardware ignores or that need a special command.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# --- a request with a PASID the configuration refuses: the prediction is the fault -------------
# (VT-d legacy mode used to translate it while the DMA faulted with reason 0x31)
for m in virt q35; do
	if [ $m = virt ]; then T=(--target sim) P=0x40100000; else T=(--target sim:q35) P=0x100000; fi
	SETUP="own; domain create d; attach 00:01.0 d; map d 0x10000 $P 0x2000 rw"
	run -j "${T[@]}" -c "$SETUP; dma 00:01.0 read 0x10000 8 --pasid 1; faults"
	code=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1])][-1]["faults"][0]["code"])' "$TMP/out" 2>/dev/null)
	check "$m: DMA with PASID 1 faults (code $code)" test -n "$code"
	for c in "xlate 00:01.0 0x10000 r --pasid 1" "walk 00:01.0 --pasid 1" "config 00:01.0 --pasid 1"; do
		expect_json "$m: $c -j predicts the fault the DMA got" "${T[@]}" -c "$SETUP; $c" -- \
			"(docs[-1].get('config') or docs[-1])['verdict']['result'] == 'fault'" \
			"(docs[-1].get('config') or docs[-1])['verdict']['code'] == int('$code', 16)"
		expect_out "$m: $c says it faults" '^ *-> fault: ' "${T[@]}" -c "$SETUP; $c"
	done
	expect_out "$m: dma with PASID 1: no translation claimed" "faulted: 1 fault record" \
		"${T[@]}" -c "$SETUP; dma 00:01.0 read 0x10000 8 --pasid 1"
done
expect_out "q35: xlate --pasid in legacy mode names reason 0x31" \
	'^result: fault: stopped in the configuration \(fault\): the unit is in legacy mode .*fault reason 0x31' \
	--target sim:q35 -c "own; domain create d; attach 00:01.0 d; map d 0x10000 0x100000 4K rw; xlate 00:01.0 0x10000 --pasid 1"

finish
