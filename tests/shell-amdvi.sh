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
