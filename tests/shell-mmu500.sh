#!/usr/bin/env bash
# smmush on sim:mmu500 (an MMU-500, SMMUv2): the demo, the scenario compared
# with sim:virt (SMMUv3) by tests/differential.py, registers after release,
# stream collisions in 'devices', refusals in words, decoding.  Debian's QEMU
# has no MMU-500 model: the sim is the oracle here.
# shellcheck disable=SC2154 # lib.sh sets rc/out/err
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# --- the demo, as shipped, on the MMU-500 machine --------------------------------------
run --target sim:mmu500 -f "$srcdir/shell/demo.smmush"
if [ "$rc" -eq 0 ] && grep -q "memory holds the expected data" "$TMP/out" && grep -Eq " TF \(0x1\) translation" "$TMP/out" &&
	grep -q "entry not valid, 0x30000 is not mapped" "$TMP/out" && grep -q "smmuv2@0x0a000000 released" "$TMP/out"; then
	ok "shell/demo.smmush runs on sim:mmu500: round trip, TF explained, released"
else
	not_ok "demo on sim:mmu500 (rc=$rc): $err"
fi

# --- one scenario, two architectures, normalized results equal --------------------------
scen=$srcdir/tests/scenarios/mmu500.smmush
"$SMMUSH" -j --target sim:mmu500 -f "$scen" >"$TMP/v2.json" 2>"$TMP/v2.err"
v2rc=$?
"$SMMUSH" -j --target sim:virt -f "$scen" >"$TMP/v3.json" 2>"$TMP/v3.err"
v3rc=$?
if [ "$v2rc" -ne 0 ] || [ "$v3rc" -ne 0 ]; then
	not_ok "scenario mmu500: sim:mmu500 exit $v2rc, sim:virt exit $v3rc: $(cat "$TMP/v2.err" "$TMP/v3.err" | head -2)"
elif python3 "$srcdir/tests/differential.py" "$scen" "$TMP/v2.json" "$TMP/v3.json" smmuv2 >"$TMP/diff.out"; then
	ok "scenario mmu500: sim:mmu500 and sim:virt agree ($(grep departure "$TMP/diff.out" | tr '\n' ' '))"
else
	not_ok "scenario mmu500: SMMUv2 and SMMUv3 differ:"
	sed 's/^/#   /' "$TMP/diff.out" | head -20
fi
check "scenario mmu500: JSON valid, data through both devices, the unmapped IOVA is TF" json_valid "$TMP/v2.json" \
	'docs[6]["faulted"] is False' 'docs[7]["faulted"] is False' 'docs[13]["faults"][0]["code_name"] == "TF"' \
	'"context bank 0" in docs[13]["faults"][0]["explanation"]["text"]' \
	'docs[16]["faults"][0]["code_name"] == "PF"'

# --- registers after release equal their values before own -----------------------------
expect_json "every register after release equals its value before own" --target sim:mmu500 \
	-c 'regs; own; domain create a; attach 00:01.0 a; map a 0x1000 0x48000000 0x1000 rw; dma 00:01.0 read 0x1000 8; release; regs' -- \
	'len(docs) == 8' 'len(docs[0]) > 40' 'docs[0] == docs[7]'
expect_json "regs: bank and stream-match registers, one instance each" --target sim:mmu500 -c 'regs' -- \
	'any(r["kind"] == "smmuv2.smr" for r in doc)' 'any(r["kind"] == "smmuv2.sctlr" for r in doc)'

# --- streams and refusals ---------------------------------------------------------------
expect_out "devices: StreamIDs one stream under the mask are shown" \
	"StreamID 0x400/mask 0x1 is one stream with platform@0x0c100000's 0x401/mask 0x1" --target sim:mmu500 -c devices
expect_out "devices: a device with two StreamIDs" "StreamIDs 0x410, 0x420" --target sim:mmu500 -c devices
run --target sim:mmu500 -c 'own; domain create a; domain create b; attach platform@0x0c000000 a; attach platform@0x0c100000 b'
if [ "$rc" -ne 0 ] && grep -q "shares its stream-match entry (SMR) with a device in another domain" "$TMP/err"; then
	ok "attach refused: one stream, two domains"
else
	not_ok "attach one stream to two domains (rc=$rc): $err"
fi
run --target sim:mmu500 -O cbs=1 -c 'own; domain create a; domain create b; attach 00:01.0 a; attach 00:02.0 b'
if [ "$rc" -ne 0 ] && grep -q "every translation context bank of the unit is in use" "$TMP/err"; then
	ok "attach refused: no context bank left (cbs=1)"
else
	not_ok "attach with no bank left (rc=$rc): $err"
fi
expect_out "config: several stream-match entries match, and it says so" "matches 2 stream-match entries" \
	--target sim:mmu500 -c 'own; domain create a; attach platform@0x0c000000 a; attach 00:01.0 a; reg write smr[0] 0x80000008; config 00:01.0'
expect_out "config: an unattached stream is an unidentified stream fault" "unidentified stream fault" \
	--target sim:mmu500 -c 'own; config 00:02.0'
expect_out "faults: an unattached device's DMA is USF, explained" "USF.*stream" \
	--target sim:mmu500 -c 'own; dma 00:02.0 read 0x1000 8; faults --explain'

# --- decoding -----------------------------------------------------------------------------
expect_out "decode smmuv2.idr0" "NUMSMRG=48 .*" decode smmuv2.idr0 0x79105e30
expect_json "decode -j smmuv2.fsr" decode smmuv2.fsr 0x80000402 -- 'doc["fields"]["TF"] is True' \
	'doc["fields"]["MULTI"] is True' 'doc["space"] == "CB"'
expect_out "decode --list names the SMMUv2 registers" "smmuv2.cbfrsynra" decode --list
expect_out "bare idr0 is still SMMUv3's" "S1P\+" decode idr0 0x2

finish
