#!/usr/bin/env bash
# Reserved regions end to end: the sim's RMRRs (q35, -O rmrr=), IVMDs (amd,
# -O ivmd=) and IORT RMR nodes (virt, -O rmr=) are shown per device by devices, config and JSON;
# attach maps them IOVA = PA so test DMA there works, --no-reserved leaves
# them out (the DMA faults); map and unmap over one are refused naming it;
# detach and release handle them; real firmware's RMRRs through discover.
# shellcheck disable=SC2154 # lib.sh sets rc/out/err
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# refused WHAT TEXT ARGS...: a non-zero exit and one line on stderr that
# contains TEXT (the commands before the failing one may print)
refused() {
	local what=$1 text=$2; shift 2
	run "$@"
	if [ "$rc" -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -qF -- "$text" "$TMP/err"; then
		ok "$what"
	else
		not_ok "$what (rc=$rc; want '$text'; stderr: $err)"
	fi
}

for tgt in sim:q35 sim:virt sim:amd; do
	if [ "$tgt" = sim:q35 ]; then
		R=0x3e000000 O=(--target sim:q35 -O "rmrr=01.0@0x3e000000+64K") SRC="RMRR" FW="DMAR offset 0x50"
	elif [ "$tgt" = sim:amd ]; then
		R=0x3e000000 O=(--target sim:amd -O "ivmd=01.0@0x3e000000+64K") SRC="IVMD" FW="IVRS offset 0xa0"
	else
		R=0x48000000 O=(--target sim:virt -O "rmr=0x8@0x48000000+64K") SRC="IORT RMR" FW="IORT offset 0xe8"
	fi
	END=$(printf 0x%x $((R + 0xffff)))
	WORDS="$SRC $R-$END ($FW)"
	WRE="$SRC $R-$END \\($FW\\)" # as a regular expression

	# shown per device, in text and JSON
	expect_out "$tgt: devices shows 00:01.0's region" "^ +reserved $WRE rw for " "${O[@]}" -c devices
	check "$tgt: ... and only 00:01.0's" test "$(grep -c reserved "$TMP/out")" -eq 1
	"$SMMUSH" "${O[@]}" -j -c devices >"$TMP/dev.json"
	check "$tgt: devices -j: the region under 00:01.0, none under 00:02.0" json_valid "$TMP/dev.json" \
		"[(r['base'], r['size'], r['permissions'], r['source'], r['device'], r['mapped']) for x in doc if x['addr'] == '00:01.0' for r in x['reserved']] == [('$R', '0x10000', 'rw', '$SRC', '00:01.0', False)]" \
		"[x['reserved'] for x in doc if x['addr'] == '00:02.0'][0] == []"
	expect_out "$tgt: config shows it" "^reserved $WRE rw" "${O[@]}" -c "config 01.0"

	# attach maps it: DMA through it works, the walk shows it identity, config says mapped
	A="own; domain create a; attach 01.0 a"
	expect_out "$tgt: attach says it mapped the region" "^  reserved $WRE .*: mapped IOVA = PA in its domain" \
		"${O[@]}" -c "$A"
	R2=$(printf 0x%x $((R + 0xf000)))
	expect_out "$tgt: DMA reads and writes back through the region" "memory holds the expected data" "${O[@]}" \
		-c "$A; dma 01.0 read $R 64 --pattern 0x5a; dma 01.0 write $R2 64 --expect 0x5a; faults"
	check "$tgt: ... with no fault" grep -q "no new faults" "$TMP/out"
	expect_out "$tgt: walk: the region identity, read-write" "^0x0*${R#0x}-0x0*${END#0x} -> 0x0*${R#0x}-0x0*${END#0x} +64K +rw-" \
		"${O[@]}" -c "$A; walk 01.0"
	"$SMMUSH" "${O[@]}" -j -c "$A; config 01.0" >"$TMP/cfg.json"
	check "$tgt: config -j: the region is mapped" json_valid "$TMP/cfg.json" \
		"docs[-1]['reserved'][0]['mapped'] is True and docs[-1]['reserved'][0]['base'] == '$R'"

	# a user's map or unmap over it: refused, naming it
	refused "$tgt: map over the region is refused, naming it" "map: a: $(printf 0x%x $((R + 0x8000)))-$(printf 0x%x $((R + 0x8fff))) overlaps reserved region $WORDS" \
		"${O[@]}" -c "$A; map a $(printf 0x%x $((R + 0x8000))) 0x0 4K r"
	refused "$tgt: unmap of the region is refused, naming it" "unmap: a: $R-$(printf 0x%x $((R + 0xfff))) overlaps reserved region $WORDS" \
		"${O[@]}" -c "$A; unmap a $R 4K"
	expect_out "$tgt: the page after it maps" "mapped" "${O[@]}" -c "$A; map a $(printf 0x%x $((R + 0x10000))) 0x0 4K r"

	# --no-reserved: left out, the DMA faults
	expect_out "$tgt: attach --no-reserved: not mapped" "^  reserved $WRE .*: not mapped in its domain" \
		"${O[@]}" -c "own; domain create a; attach 01.0 a --no-reserved; dma 01.0 write $R 64; faults"
	check "$tgt: ... its DMA there faults" grep -q "dma 00:01.0 write $R 64: faulted" "$TMP/out"
	refused "$tgt: attach --bogus: refused" "attach: no option --bogus: expected attach DEVICE DOMAIN [--no-reserved] [--pasid N]" \
		"${O[@]}" -c "own; domain create a; attach 01.0 a --bogus"

	# detach unmaps it (the walk of another device in the domain shows the rest)
	expect_out "$tgt: detach unmaps it: the domain is empty again" "^0 ranges" "${O[@]}" \
		-c "$A; attach 02.0 a; detach 01.0; walk 02.0"
	# release and own again: it comes back with the domain
	expect_out "$tgt: release, own: DMA through the region still works" "memory holds the expected data" "${O[@]}" \
		-c "$A; release; own; dma 01.0 read $R 64 --pattern 0x33; dma 01.0 write $R2 64 --expect 0x33"
	# a domain already mapping there: attach refuses, naming the region, nothing changed
	refused "$tgt: attach over a mapping of the domain is refused, naming the region" \
		"attach: 00:01.0: its reserved region $WORDS collides with a mapping of domain a (nothing changed)" \
		"${O[@]}" -c "own; domain create a; map a $R 0x0 4K r; attach 01.0 a"
	run "${O[@]}" -c "set errexit off; own; domain create a; map a $R 0x0 4K r; attach 01.0 a; attach 02.0 a; devices; walk 02.0"
	check "$tgt: ... the device stays out of the domain" grep -Eq "^00:01.0 +0 +0x8 +- +yes" "$TMP/out"
	check "$tgt: ... and the domain keeps its mapping" grep -Eq "^0x0*${R#0x}-0x[0-9a-f]+ -> 0x0+-0x0*fff +4K +r--" "$TMP/out"
done

# a region beyond the domain's input size: attach refuses, naming it
refused "virt: a region beyond a 32-bit domain: attach refuses, naming it" \
	"attach: 00:01.0: its reserved region IORT RMR 0x200000000-0x20000ffff (IORT offset 0xe8) is beyond the IOVA space of domain d (nothing changed): attach it with --no-reserved" \
	-O ram=8G -O "rmr=0x8@0x200000000+64K" -c "own; domain create d --ias 32; attach 01.0 d"
expect_out "virt: ... and attaches with --no-reserved" "attached to domain d" \
	-O ram=8G -O "rmr=0x8@0x200000000+64K" -c "own; domain create d --ias 32; attach 01.0 d --no-reserved"

# sim:virt: the platform device's region (StreamID 0x100)
expect_out "virt: the platform device's RMR: DMA works after attach" "memory holds the expected data" \
	-O "rmr=0x100@0x48100000+64K" -c "own; domain create p; attach 0x0c000000 p; dma 0x0c000000 read 0x48100000 32 --pattern 0x11; dma 0x0c000000 write 0x48108000 32 --expect 0x11"

# a policy whose reserved line names the RMRR applies (attach mapped it
# already) and audits with no violation: only the reserved finding
printf 'device pci:0:1.0 nic\nallow nic 100000,2000\nreserved nic 3e000000,10000\n' >"$TMP/p.smmu"
run --target sim:q35 -O "rmrr=01.0@0x3e000000+64K" -c "own --policy $TMP/p.smmu; audit --policy $TMP/p.smmu"
check "policy with the RMRR as a reserved line: applies, no violation, the reserved finding" \
	test "$rc" -eq 0 -a "$(grep -c 'policy-' "$TMP/out")" -eq 0 -a "$(grep -c 'MEDIUM   reserved' "$TMP/out")" -eq 1

# a snapshot keeps the firmware: its regions are shown and audited offline
run --target sim:q35 -O "rmrr=01.0@0x3e000000+64K" -c "own; domain create a; attach 01.0 a; snapshot save $TMP/r.core"
expect_out "snapshot: devices shows the region" "^ +reserved RMRR 0x3e000000-0x3e00ffff" --target "snapshot:$TMP/r.core" -c devices
expect_out "snapshot: audit: it opens (undescribed, counted as RAM) memory writable: medium" \
	"MEDIUM +reserved +00:01.0: RMRR 0x3e000000-0x3e00ffff \(DMAR offset 0x50\) opens .* rw- \(firmware: rw-\): mapped IOVA = PA now" \
	--target "snapshot:$TMP/r.core" -c audit

# attach -j names the regions
"$SMMUSH" --target sim:q35 -O "rmrr=01.0@0x3e000000+64K" -j -c "own; domain create a; attach 01.0 a" >"$TMP/att.json"
check "attach -j: the device's regions, mapped" json_valid "$TMP/att.json" \
	"docs[-1]['reserved'][0]['mapped'] is True and docs[-1]['reserved'][0]['rid_first'] == '0x8'"

# real firmware: RMRRs of Surface machines through discover (text and JSON)
D=$srcdir/tests/data/acpi
expect_out "real DMAR (Surface Book 2): the xHCI's RMRR" \
	"reserved RMRR 0x3e2e0000-0x3e2fffff \(DMAR offset 0x90\) rw for 0000:00:14.0" -c "discover --acpi $D/real-surface-book-2-DMAR.dat"
check "real DMAR (Surface Book 2): ... and the graphics' RMRR" \
	grep -q "reserved RMRR 0x8d000000-0x8f7fffff (DMAR offset 0xb0) rw for 0000:00:02.0" "$TMP/out"
"$SMMUSH" -j -c "discover --acpi $D/real-surface-pro-9-intel-DMAR.dat" >"$TMP/disc.json"
check "real DMAR (Surface Pro 9) -j: one RMRR for 00:02.0" json_valid "$TMP/disc.json" \
	"[(r['base'], r['size'], r['rid_first'], r['device']) for r in doc['reserved']] == [('0x44000000', '0x4400000', '0x10', None)]"

finish
