#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AMD-Vi end to end on sim:amd: the IVRS the model builds, discovery, the
# amd scenario (own, attach, map, DMA round trips, faults explained through
# the DTE and the v1 tables, unmap with invalidation, release), `dte`, the
# registers by name, and `unit add amdvi`.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

expect_json "sim:amd: one AMD-Vi unit from IVRS, the test devices behind it" --target sim:amd \
	-c 'units; devices' -- \
	'docs[0][0]["arch"] == "amdvi" and docs[0][0]["source"] == "IVRS"' \
	'[d["addr"] for d in docs[1] if d["dma_engine"]] == ["00:01.0", "00:02.0"]' \
	'[d["sid"] for d in docs[1] if d["dma_engine"]] == ["0x8", "0x10"]'

run -j --target sim:amd -f "$srcdir/tests/scenarios/amd.smmush" || true
check "amd scenario on sim:amd: data through the v1 tables, every denied DMA one IO_PAGE_FAULT, explained" \
	json_valid "$TMP/out" 'len(docs) == 27' \
	'docs[3]["verdict"]["result"] == "translate" and docs[4]["verdict"]["result"] == "abort"' \
	'not docs[7]["faulted"] and not docs[8]["faulted"]' \
	'docs[9]["values"][:2] == ["0x706050403020100", "0xf0e0d0c0b0a0908"]' \
	'docs[13]["faulted"] is True' \
	'[(f["code_name"], f["class"]) for f in docs[14]["faults"]] == [("IO_PAGE_FAULT", "translation")]' \
	'"0x30000 is not mapped" in docs[14]["faults"][0]["explanation"]["text"]' \
	'len(docs[16]["faults"]) == 3' \
	'[(f["code_name"], f["class"]) for f in docs[19]["faults"]] == [("IO_PAGE_FAULT", "permission")]' \
	'"write needs W" in docs[19]["faults"][0]["explanation"]["text"]' \
	'docs[21]["result"]["translated"] is True and docs[22]["result"]["translated"] is False' \
	'docs[24]["faulted"] is True and docs[-1]["owned"] is False'

expect_out "dte: an attached device's DTE, decoded, with its verdict" \
	'Mode=4 levels.*|DomainID=0x1.*|-> translate: v1 tables, 4 levels' \
	--target sim:amd -c 'own; domain create d; attach 00:01.0 d; dte 00:01.0' || true
expect_out "dte: an unattached device's DTE blocks DMA" \
	'-> abort: the DTE blocks DMA' --target sim:amd -c 'own; dte 00:02.0' || true
for lv in 1 2 5; do
	run --target sim:amd -c "own; domain create d --levels $lv; attach 01.0 d; map d 0x1000 0x200000 4K rw; dma 01.0 read 0x1000 64 --pattern 0x11; dma 01.0 write 0x1008 32 --expect 0x11; dte 01.0; walk 01.0"
	check "domain create --levels $lv: Mode $lv in the DTE, DMA through it, the walk lists the page" \
		grep -q "Mode=$lv level" "$TMP/out"
	check "... DMA through $lv-level tables" grep -q "write 0x1008 32: done, memory holds the expected data" "$TMP/out"
	check "... the walk of $lv-level tables" grep -Eq "^0x0+1000-0x0+1fff -> 0x0+200000-0x0+200fff +4K +rw-" "$TMP/out"
done
run --target sim:amd -c 'own; domain create d --levels 6'
check "domain create --levels 6: EFR.HATS allows it, smmush does not build it: one line, non-zero exit" \
	test "$rc" -ne 0 -a "$err" = "smmush: domain create: d: amdvi@0xfed80000: AMD-Vi v1 tables of 6 levels: this unit walks 1 to 6 (EFR.HATS), smmush builds 1 to 5 (21 to 57 bits)"
# Mode 6 by hand: a top table at 0x10000000 (input bits 63:57) whose slot 2
# points to the domain's 5-level root and slot 5 to its level-3 table
# (NextLevel 3, levels 5 and 4 skipped) without IW; the DTE switched to it.
six='own; domain create d --levels 5; attach 01.0 d; map d 0x1000 0x200000 4K rw; wg 0x10000010 0x600000003f006a01; wg 0x10000028 0x200000003f009601; wg 0x3f000100 0x6000000010000c03'
expect_json "Mode 6: walk lists both subtrees at their slots' IOVAs, the top entry's IW=0 taken from the second" \
	--target sim:amd -c "$six; walk 01.0; walk --raw 01.0; xlate 01.0 0xa00000000001008" -- \
	'[(r["iova"], r["pa"], r["size"], r["permissions"]) for r in docs[-3]["ranges"]] == [("0x400000000001000", "0x200000", "0x1000", "rw"), ("0xa00000000001000", "0x200000", "0x1000", "r")]' \
	'docs[-3]["complete"] is True and not docs[-3]["warnings"]' \
	'[(e["level"], e["entry_address"]) for e in docs[-2]["entries"] if e["level"] == 6] == [(6, "0x10000010"), (6, "0x10000028")]' \
	'[e["iova"] for e in docs[-2]["entries"] if e["level"] == 1] == ["0x400000000001000", "0xa00000000001000"]'
run --target sim:amd -c "$six; xlate 01.0 0x400000000001008; xlate 01.0 0xa00000000001008; xlate 01.0 0xa00010000001008; xlate 01.0 0xa00000000001008 w; xlate 01.0 0x1008; dma 01.0 read 0x400000000001000 64 --pattern 0x11; dma 01.0 write 0x400000000001008 32 --expect 0x11; dma 01.0 read 0xa00000000001000 16 --pattern 0x22; dma 01.0 write 0xa00000000001000 16; faults"
check "Mode 6: xlate follows the top entry, shown as the walk's first step" \
	grep -q "level 6  table 0x10000000  index 2    entry 0x10000010" "$TMP/out"
check "... and translates as walk lists" grep -q "result: 0x400000000001008 -> 0x200008 (4K page, rw-)" "$TMP/out"
check "... under the top entry without IW, read-only" grep -q "result: 0xa00000000001008 -> 0x200008 (4K page, r--)" "$TMP/out"
check "... a bit of a level the top entry skips set: the walk stops at level 6" \
	grep -q "result: fault: .*stopped at level 6 (amdvi.pde 0x200000003f009601 at 0x10000028)" "$TMP/out"
check "... an absent top entry stops the walk at level 6" \
	grep -q "the walk stopped at level 6 (amdvi.pte 0x0000000000000000 at 0x10000000): entry not valid" "$TMP/out"
check "... a write under the top entry without IW is predicted to fault" \
	grep -q "result: fault: .*the write needs W" "$TMP/out"
check "Mode 6: DMA agrees through both subtrees" \
	grep -q "write 0x400000000001008 32: done, memory holds the expected data" "$TMP/out"
check "... reads under the read-only slot pass" grep -q "read 0xa00000000001000 16: done" "$TMP/out"
check "... its write is one IO_PAGE_FAULT" \
	grep -Eq "sid 0x8 write 0xa00000000001000 +IO_PAGE_FAULT \(0x2\) permission" "$TMP/out"
# The entry that took W away is named, not the leaf (which allows RW): the
# Mode 6 top entry, a level-3 PDE of 4-level tables, the DTE; xlate, the
# fault's explanation (which the monitor's detail shows) and -j agree.
denied='the write needs W, which the entry at level 6 (amdvi.pde 0x200000003f009601 at 0x10000028) takes away from all below it'
run --target sim:amd -c "$six; xlate 01.0 0xa00000000001008 w; dma 01.0 write 0xa00000000001000 16; faults --explain"
check "Mode 6: a write refused by the top entry's IW=0 names that entry (level 6), not the leaf" \
	test "$(grep -cF "$denied" "$TMP/out")" -eq 2
expect_json "... -j: xlate and faults --explain say the level-6 table entry denied it, the same class and walk" \
	--target sim:amd -c "$six; xlate 01.0 0xa00000000001008 w; dma 01.0 write 0xa00000000001000 16; faults --explain" -- \
	'(docs[-3]["result"]["fault"], docs[-3]["result"]["missing"], docs[-3]["result"]["denied_by"], docs[-3]["result"]["denied_level"]) == ("permission", "w", "table", 6)' \
	'(docs[-1]["faults"][0]["class"], docs[-1]["faults"][0]["explanation"]["class"]) == ("permission", "permission")' \
	'(docs[-1]["faults"][0]["explanation"]["denied_by"], docs[-1]["faults"][0]["explanation"]["denied_level"]) == ("table", 6)' \
	'docs[-1]["faults"][0]["explanation"]["text"] == docs[-3]["result"]["explanation"] and "level 6 (amdvi.pde" in docs[-3]["result"]["explanation"]' \
	'[(s["level"], s["entry"]) for s in docs[-1]["faults"][0]["explanation"]["steps"]] == [(l["level"], l["entry_address"]) for l in docs[-3]["levels"]] == [(6, "0x10000028"), (3, "0x3f009000"), (2, "0x3f008000"), (1, "0x3f007008")]'
pde='own; domain create d; attach 01.0 d; map d 0x1000 0x200000 4K rw; wg 0x3f009000 0x200000003f008401'
expect_json "4 levels: a level-3 PDE without IW is named as what denies the write, not the leaf" \
	--target sim:amd -c "$pde; xlate 01.0 0x1008 w; xlate 01.0 0x1008; dma 01.0 write 0x1000 16; faults --explain" -- \
	'(docs[-4]["result"]["denied_by"], docs[-4]["result"]["denied_level"]) == ("table", 3)' \
	'"the write needs W, which the entry at level 3 (amdvi.pde 0x200000003f008401 at 0x3f009000) takes away from all below it: the leaf at level 1 (amdvi.pte.leaf 0x6000000000200001 at 0x3f007008) is left with R" in docs[-4]["result"]["explanation"]' \
	'docs[-3]["result"]["translated"] is True and docs[-3]["result"]["denied_by"] is None' \
	'docs[-1]["faults"][0]["explanation"]["text"] == docs[-4]["result"]["explanation"]' \
	'docs[-1]["faults"][0]["explanation"]["denied_level"] == 3'
expect_json "4 levels: a write refused by the DTE's IW=0 names the configuration, not the leaf" \
	--target sim:amd -c "own; domain create d; attach 01.0 d; map d 0x1000 0x200000 4K rw; wg 0x3f000100 0x200000003f006803; xlate 01.0 0x1008 w" -- \
	'(docs[-1]["result"]["denied_by"], docs[-1]["result"]["denied_level"]) == ("config", None)' \
	'docs[-1]["result"]["explanation"].endswith("the write needs W, which the configuration denies (the leaf at level 1 (amdvi.pte.leaf 0x6000000000200001 at 0x3f007008) allows RW)")'
# A Mode 6 top table outside RAM: the IOMMU logs PAGE_TAB_HARDWARE_ERROR for
# the top entry's address; xlate stops in the walk at level 6 there.
sixout='own; domain create d --levels 5; attach 01.0 d; wg 0x3f000100 0x6000010000000c03'
run --target sim:amd -c "$sixout; xlate 01.0 0x1000 w; dma 01.0 write 0x1000 16; faults --explain"
check "Mode 6: an unreadable top table: xlate says the walk stopped at level 6, the fault that the level-6 fetch failed, outside RAM" \
	bash -c "grep -q 'the walk stopped at level 6: its table at 0x10000000000 is outside RAM' '$TMP/out' && grep -q 'entry at 0x10000000000 failed .*outside RAM.* entry 0 of the level-6 table at 0x10000000000' '$TMP/out'"
check "... the level-6 step unreadable, not a stop in the configuration" \
	bash -c "grep -q '^  level 6  table 0x10000000000  index 0    entry 0x10000000000  unreadable' '$TMP/out' && ! grep -q 'stopped in the configuration' '$TMP/out'"
expect_json "... -j: stopped in the tables at level 6 (table_read), the address the model logged" \
	--target sim:amd -c "$sixout; xlate 01.0 0x1000 w; dma 01.0 write 0x1000 16; faults --explain" -- \
	'(docs[-3]["result"]["stopped_in"], docs[-3]["result"]["fault"], docs[-3]["result"]["fault_level"]) == ("tables", "table_read", 6)' \
	'[(l["level"], l["entry_address"], l["table_readable"]) for l in docs[-3]["levels"]] == [(6, "0x10000000000", False)]' \
	'(docs[-1]["faults"][0]["code_name"], docs[-1]["faults"][0]["address"]) == ("PAGE_TAB_HARDWARE_ERROR", "0x10000000000")' \
	'(docs[-1]["faults"][0]["class"], docs[-1]["faults"][0]["explanation"]["class"]) == ("table-fetch", "table-fetch")' \
	'docs[-1]["faults"][0]["explanation"]["text"].endswith("reading the page-table entry at 0x10000000000 failed (the event holds that address, not the IOVA): it is outside RAM; RAM is 0x0-0x3fffffff; it is entry 0 of the level-6 table at 0x10000000000, the DTE'"'"'s root, for IOVA 0x0-0x1ffffffffffffff")'
# PAGE_TAB_HARDWARE_ERROR logs the entry whose fetch failed, not the IOVA: a
# level-2 PDE outside RAM under IOVA 0x40203000 (slot 1 at levels 3 and 2,
# slot 3 at level 1) makes the IOMMU log 0x10000000018.  Walking that as an
# IOVA would follow slot 0 of the root (another subtree); the explanation
# names the failing fetch and the table it belongs to, and walks nothing.
pdeout='own; domain create d; attach 01.0 d; map d 0x40203000 0x200000 4K rw; wg 0x3f008008 0x6000010000000201'
expect_json "PAGE_TAB_HARDWARE_ERROR at a non-zero slot: explained from the fetch address, the table and the PDE that points to it" \
	--target sim:amd -c "$pdeout; xlate 01.0 0x40203000 w; dma 01.0 write 0x40203000 16; faults --explain" -- \
	'(docs[-3]["result"]["fault"], docs[-3]["result"]["fault_level"]) == ("table_read", 1)' \
	'(docs[-1]["faults"][0]["code_name"], docs[-1]["faults"][0]["address"]) == ("PAGE_TAB_HARDWARE_ERROR", "0x10000000018")' \
	'(docs[-1]["faults"][0]["class"], docs[-1]["faults"][0]["explanation"]["class"]) == ("table-fetch", "table-fetch")' \
	'docs[-1]["faults"][0]["explanation"]["text"] == "PAGE_TAB_HARDWARE_ERROR: reading the page-table entry at 0x10000000018 failed (the event holds that address, not the IOVA): it is outside RAM; RAM is 0x0-0x3fffffff; it is entry 3 of the level-1 table at 0x10000000000, which the level-2 entry (amdvi.pde 0x6000010000000201 at 0x3f008008) points to, for IOVA 0x40203000-0x40203fff"' \
	'(docs[-1]["faults"][0]["explanation"]["steps"], docs[-1]["faults"][0]["explanation"]["stopped"]) == ([], None)' \
	'docs[-1]["faults"][0]["explanation"]["verdict"] == "translate" and docs[-1]["faults"][0]["explanation"]["config"][-1]["address"] == "0x3f000100"'
run --target sim:amd -c "$pdeout; dma 01.0 write 0x40203000 16; faults --explain"
check "... text: the failing fetch is named, no walk of slot 0 of the root is claimed" \
	bash -c "grep -q 'reading the page-table entry at 0x10000000018 failed' '$TMP/out' && ! grep -q 'walk stopped\|is not mapped\|at 0x3f006000)' '$TMP/out'"
expect_json "... a table the live tables no longer point to is said to be none of theirs" \
	--target sim:amd -c "$pdeout; dma 01.0 write 0x40203000 16; wg 0x3f008008 0x600000003f007201; faults --explain" -- \
	'docs[-1]["faults"][0]["explanation"]["text"].endswith("it is outside RAM; RAM is 0x0-0x3fffffff; no table of the requester'"'"'s live tables is at 0x10000000000")'
# DEV_TAB_HARDWARE_ERROR logs the DTE's address: with the device table back
# in RAM, that address is not walked as an IOVA either.
expect_json "DEV_TAB_HARDWARE_ERROR: explained from the DTE address it logs, with the configuration now; no walk" \
	--target sim:amd -c "own; domain create d; attach 01.0 d; map d 0x1000 0x200000 4K rw; reg write DEVTAB_BASE 0x10000000002; dma 01.0 read 0x1000 16; reg write DEVTAB_BASE 0x3f000002; faults --explain" -- \
	'(docs[-1]["faults"][0]["code_name"], docs[-1]["faults"][0]["address"]) == ("DEV_TAB_HARDWARE_ERROR", "0x10000000100")' \
	'docs[-1]["faults"][0]["explanation"]["text"] == "DEV_TAB_HARDWARE_ERROR: reading the device table entry at 0x10000000100 failed: it is outside RAM; RAM is 0x0-0x3fffffff; the requester'"'"'s configuration now: v1 tables, 4 levels (48-bit), at 0x3f006000, domain 1"' \
	'(docs[-1]["faults"][0]["explanation"]["class"], docs[-1]["faults"][0]["explanation"]["steps"], docs[-1]["faults"][0]["explanation"]["translates_to"]) == ("table-fetch", [], None)'
expect_json "Mode 6: audit reaches exactly the two mappings" --target sim:amd -c "$six; audit" -- \
	'[(r["iova"], r["pa"], r["size"], r["perms"]) for r in docs[-1]["devices"][0]["ranges"]] == [("0x400000000001000", "0x200000", "0x1000", "rw-"), ("0xa00000000001000", "0x200000", "0x1000", "r--")]' \
	'docs[-1]["devices"][0]["complete"] is True and docs[-1]["devices"][0]["stages"] == ["v1"]'
# Mode 6 top entries the engine would warn about: slot 3 a second pointer to
# slot 2's table (aliased), slot 4 back to the top table (a loop), slot 6 a
# 2^57-byte leaf at 0; and a top table outside RAM.
six2='own; domain create d --levels 5; attach 01.0 d; map d 0x1000 0x200000 4K rw; wg 0x10000010 0x600000003f006a01; wg 0x10000018 0x600000003f006a01; wg 0x10000020 0x6000000010000a01; wg 0x10000030 0x6000000000000001; wg 0x3f000100 0x6000000010000c03'
run -j --target sim:amd -c "$six2; xlate 01.0 0xc00000000001234; walk 01.0" || true
check "Mode 6: an aliased and a looping top entry are warnings, not followed; a 2^57-byte top leaf is listed and translates" \
	json_valid "$TMP/out" \
	'docs[-3]["result"]["translated"] is True and docs[-3]["result"]["pa"] == "0x1234"' \
	'[(r["iova"], r["pa"], r["size"]) for r in docs[-2]["ranges"]] == [("0x400000000001000", "0x200000", "0x1000"), ("0xc00000000000000", "0x0", "0x200000000000000")]' \
	'docs[-2]["stats"]["status"]["alias"] == 1 and docs[-2]["stats"]["status"]["loop"] == 1 and docs[-2]["complete"] is False' \
	'"loop back to a table on the path" in docs[-1]["error"]'
run --target sim:amd -c "$six; wg 0x3f008008 0x600000003f009201; walk 01.0"
check "Mode 6: a loop inside one subtree is a warning; the next subtree is still listed" \
	bash -c "grep -q '^0x0a00000000001000-0x0a00000000001fff -> 0x0000000000200000-0x0000000000200fff .* r--' '$TMP/out' && grep -q '^warning: 2 entries: table loop' '$TMP/out'"
expect_out "Mode 6: a top table outside RAM is one unreadable table, as in 5 levels" \
	'L6 table at 0x10000000000: table unreadable' --target sim:amd \
	-c 'own; domain create d --levels 5; attach 01.0 d; wg 0x3f000100 0x6000010000000c03; walk --raw 01.0' || true
expect_fail "dte on a VT-d unit is refused" --target sim:q35 -c 'dte 00:01.0' || true
expect_out "registers by name: Control after own" 'IommuEn\+' \
	--target sim:amd -c 'own; regs control' || true
expect_out "unit add amdvi: a unit firmware does not name" 'amdvi@0xfed80000' \
	--target sim:amd -c 'unit add amdvi 0xfed80000; units' || true
expect_out "discover from QEMU's IVRS: one AMD-Vi unit and its DeviceIDs" \
	'amdvi@0xfed80000 +amdvi +from IVRS.*|RID 0x00fb-0x00fb -> unit 0' \
	discover --acpi "$srcdir/tests/data/acpi/qemu-q35-ivrs-2024.dat" || true
expect_out "discover from an IVRS with 10h and 11h blocks: the 11h one is used" \
	'amdvi@0xfeb80000.*|RID 0x0000-0xffff -> unit 0' \
	discover --acpi "$srcdir/tests/data/acpi/ivrs-full.dat" || true
run discover --acpi "$srcdir/tests/data/acpi/ivrs-full.dat"
check "discover: IVMD 20h (unity, IR, IW): a read-write region of every device" \
	grep -qF "reserved IVMD 0xa0000-0xbffff (IVRS offset 0xc0) rw for 0000:00:00.0-ff:1f.7" "$TMP/out"
check "discover: IVMD 21h (exclusion): what it gives 00:02.0, read-write" \
	grep -qF "reserved IVMD exclusion 0xc0000000-0xc00fffff (IVRS offset 0xe0) rw for 0000:00:02.0" "$TMP/out"
check "discover: IVMD 22h (unity, IR only): read-only for its device range" \
	grep -qF "reserved IVMD 0xff000000-0xff000fff (IVRS offset 0x100) r for 0000:00:03.0-00:03.7" "$TMP/out"
finish
