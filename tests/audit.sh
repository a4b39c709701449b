#!/usr/bin/env bash
# audit end to end: scenarios that build each finding on purpose on sim:virt,
# sim:q35 and QEMU, and check that `audit` names exactly those (severity, id,
# devices), with the reachable ranges exact; policies in smmuman's language
# (a clean one applied with own --policy audits clean; a tight one finds the
# violation and the fault; bad files fail with one FILE:LINE line); --strict
# exit status; JSON through a real parser.
# shellcheck disable=SC2154 # lib.sh sets rc/out/err
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

POL=$srcdir/tests/data/policy

# findings TARGET-ARGS... -- CMDS: the audit's findings, "sev:id:dev:other"
# sorted, one line; the JSON document kept in $TMP/audit.json
findings() {
	local args=()
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	"$SMMUSH" "${args[@]}" -j -c "$1; audit ${AUDIT_ARGS:-}" >"$TMP/all.json" 2>"$TMP/err"
	echo $? >"$TMP/rc"
	tail -n 1 "$TMP/all.json" >"$TMP/audit.json"
	python3 - "$TMP/audit.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s:%s:%s:%s" % (f["severity"], f["id"], f["device"] or "-", f["other"] or "-")
                      for f in d["findings"])))
EOF
}

# expect_findings WHAT WANT TARGET-ARGS... -- CMDS
expect_findings() {
	local what=$1 want=$2; shift 2
	local got
	got=$(findings "$@")
	rc=$(cat "$TMP/rc")
	if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok "$what"; else not_ok "$what (rc=$rc; got '$got'; want '$want'; $(head -c 200 "$TMP/err"))"; fi
}

# jq-like checks on the last audit document: a Python expression over d
expect_json() {
	local what=$1 expr=$2
	if python3 -c "import json,sys; d=json.load(open('$TMP/audit.json')); dev={x['device']: x for x in d['devices']}; sys.exit(0 if ($expr) else 1)" 2>"$TMP/pyerr"; then
		ok "$what"
	else
		not_ok "$what ($expr: $(tail -1 "$TMP/pyerr"))"
	fi
}

for tgt in sim:virt sim:q35; do
	T=(--target "$tgt")
	if [ "$tgt" = sim:virt ]; then
		RAM=0x48000000 ST=0x7f010000 STE10=0x7f014400 CLEAN=$POL/virt-clean.smmu
		IOMMU_WHAT="stream table of smmuv3@0x09050000" IOMMU_SIZE=0x800 BAR2=0x10100000
		BYPASS_CMDS="wg $STE10 0x9" # V=1, Config=bypass
	else
		RAM=0x00100000 ST=0x3f000000 CLEAN=$POL/q35-clean.smmu
		IOMMU_WHAT="root table of dmar@0xfed90000" IOMMU_SIZE=0x1000 BAR2=0xc0100000
		BYPASS_CMDS="wg 0x3f002108 0x101; wg 0x3f002100 0x9" # context entry TT=2 (pass-through)
	fi

	# a unit that does not translate: one finding, every device bypasses
	expect_findings "$tgt: fresh machine: the unit lets DMA through" "critical:unit-bypass:-:-" "${T[@]}" -- "units"
	expect_json "$tgt: fresh machine: every device's verdict is bypass, its range all memory" \
		"all(x['verdict'] == 'bypass' and x['ranges'][0]['pa'] == '0x0' and x['ranges'][0]['perms'] == 'rwx' for x in d['devices']) and d['units'][0]['global'] == 'bypass'"
	run "${T[@]}" -c "audit --strict"
	check "$tgt: --strict fails on a critical finding, one line on stderr" \
		test "$rc" -eq 1 -a "$(wc -l <"$TMP/err")" -eq 1
	run "${T[@]}" -c "audit --strict critical"
	check "$tgt: --strict critical fails too" test "$rc" -eq 1

	# owned, one device with two pages: clean, and the range exact
	M="own; domain create a; attach 00:01.0 a; map a 0x10000 $RAM 0x2000 rw"
	expect_findings "$tgt: one device, two pages: no finding" "" "${T[@]}" -- "$M"
	expect_json "$tgt: its reach is exactly IOVA 0x10000 -> $RAM, 8 KiB, rw-, all RAM" \
		"dev['00:01.0']['ranges'] == [{'iova': '0x10000', 'pa': hex($RAM), 'size': '0x2000', 'perms': 'rw-', 'memory': [{'pa': hex($RAM), 'size': '0x2000', 'kind': 'ram', 'what': 'RAM'}]}] and dev['00:01.0']['verdict'] == 'translated' and dev['00:01.0']['stages'] == ([1] if '$tgt' == 'sim:virt' else [2]) and dev['00:02.0']['verdict'] == 'abort' and dev['00:02.0']['ranges'] == []"
	run "${T[@]}" -c "$M; audit --strict info"
	check "$tgt: --strict info passes on a clean machine" test "$rc" -eq 0

	# a device whose configuration bypasses (written behind smmush's back: stale too)
	expect_findings "$tgt: a bypassed device, written without invalidation" \
		"critical:bypass:00:02.0:- high:stale:-:-" "${T[@]}" -- "$M; $BYPASS_CMDS"

	# a mapping of the IOMMU's own tables
	expect_findings "$tgt: a device that can write the IOMMU's tables" "critical:reaches-iommu:00:01.0:-" \
		"${T[@]}" -- "$M; map a 0x100000 $ST 0x1000 rw"
	expect_json "$tgt: ... which ones, exactly" \
		"[(f['pa'], f['size']) for f in d['findings']] == [(hex($ST), hex($IOMMU_SIZE))] and '$IOMMU_WHAT' in d['findings'][0]['reason']"

	# another device's MMIO, half way into its 1 MiB BAR0 (the model's size, no BAR write)
	expect_findings "$tgt: a mapping into 00:02.0's BAR0 past its first page" "" "${T[@]}" -- \
		"$M; map a 0x400000 $(printf 0x%x $((BAR2 + 0x80000))) 0x1000 rw"
	expect_json "$tgt: ... is that device's MMIO" \
		"dev['00:01.0']['ranges'][1]['memory'] == [{'pa': hex($BAR2 + 0x80000), 'size': '0x1000', 'kind': 'mmio', 'what': 'BAR0 of 00:02.0'}]"

	# two domains reaching one page: writable by one, readable by the other
	expect_findings "$tgt: overlapping domains" "high:overlap:00:01.0:00:02.0" "${T[@]}" -- \
		"$M; domain create b; attach 00:02.0 b; map b 0x0 $(printf 0x%x $((RAM + 0x1000))) 0x1000 r"
	expect_json "$tgt: ... on exactly the shared page" \
		"[(f['pa'], f['size']) for f in d['findings']] == [(hex($RAM + 0x1000), '0x1000')]"

	# devices behind a PCIe-to-PCI bridge share its requester ID
	expect_findings "$tgt: -O bridge=2: both devices behind it present one ID" \
		"high:identity-shared:02:00.0:02:01.0" "${T[@]}" -O bridge=2 -- \
		"own; domain create a; attach 02:00.0 a; domain create b; attach 02:01.0 b; map b 0x1000 $RAM 0x1000 rw"
	expect_json "$tgt: ... 02:01.0's DMA gets 02:00.0's (empty) translation, not domain b's page" \
		"dev['02:01.0']['dma_sid'] == '0x200' and dev['02:01.0']['sid'] == '0x208' and dev['02:01.0']['alias_via'] == '00:1e.0' and dev['02:01.0']['ranges'] == [] and dev['02:00.0']['alias_via'] is None"

	# a PCIe switch: with ACS on its downstream ports, nothing; without, every
	# pair below it can talk peer-to-peer past the IOMMU
	expect_findings "$tgt: -O switch=2 -O acs=on: downstream ports isolate, no finding" "" "${T[@]}" -O switch=2 -O acs=on -- "own"
	expect_findings "$tgt: -O switch=3 -O acs=off: each pair below the switch, once" \
		"high:p2p:04:00.0:05:00.0 high:p2p:04:00.0:06:00.0 high:p2p:05:00.0:06:00.0" "${T[@]}" -O switch=3 -O acs=off -- "own"
	expect_json "$tgt: ... naming the switch, the port and the ACS controls it lacks" \
		"d['findings'][0]['reason'].startswith('04:00.0 and 05:00.0 are below switch port 00:1d.0 and 04:00.0\\'s downstream port 03:00.0 lacks ACS SV RR CR UF:') and dev['04:00.0']['dma_sid'] == '0x400'"

	# ATS: enabled on the devices, not accepted by the unit
	expect_findings "$tgt: -O ats=on: ATS enabled, translated requests refused" \
		"low:ats-unaccepted:00:01.0:- low:ats-unaccepted:00:02.0:-" "${T[@]}" -O ats=on -- "$M"

	# writable and executable
	if [ "$tgt" = sim:virt ]; then
		expect_findings "$tgt: a writable and executable mapping" "medium:write-exec:00:01.0:-" "${T[@]}" -- \
			"$M; map a 0x200000 $(printf 0x%x $((RAM + 0x10000))) 0x1000 rwx"
		# privileged-only, for a stream its STE makes unprivileged (PRIVCFG=0b10)
		expect_findings "$tgt: a privileged-only mapping the device cannot use" \
			"high:stale:-:- low:priv-unusable:00:01.0:-" "${T[@]}" -- \
			"$M; map a 0x0 $(printf 0x%x $((RAM + 0x10000))) 0x1000 rp; wg 0x7f014208 0x20000000000d4"
		expect_json "$tgt: ... on exactly that page" \
			"[(f['pa'], f['size']) for f in d['findings'] if f['id'] == 'priv-unusable'] == [(hex($RAM + 0x10000), '0x1000')]"
		# ATS accepted: STE.EATS=1 written behind smmush's back
		expect_findings "$tgt: STE.EATS=1: translated requests bypass the tables" \
			"high:ats-translated:00:01.0:- high:stale:-:- low:ats-unaccepted:00:02.0:-" "${T[@]}" -O ats=on -- \
			"$M; wg 0x7f014208 0x100000d4"
	fi

	# policies
	run "${T[@]}" -c "own --policy $CLEAN; audit --policy $CLEAN --strict info"
	check "$tgt: a clean policy applied with own --policy audits clean (--strict info passes)" \
		test "$rc" -eq 0 -a -z "$err"
	check "$tgt: ... and says 0 findings" grep -q '^0 findings' "$TMP/out"
	AUDIT_ARGS="--policy $CLEAN" expect_findings "$tgt: a device outside the policy that reaches memory is a violation" \
		"high:policy-violation:00:03.0:-" "${T[@]}" -O devs=3 -- \
		"own --policy $CLEAN; domain create c; attach 00:03.0 c; map c 0x0 $(printf 0x%x $((RAM + 0x400000))) 0x1000 r"
done

# nested: the reach is stage 1 composed with stage 2 (permissions of both),
# stage-1 tables read at IPAs through stage 2; an output stage 2 does not map
# reaches nothing.  virt: smmush's own nested domain (its tables at IPA = PA).
expect_findings "sim:virt: nested: stage 1 mapping its own table's IPA: read-only through stage 2 is high" \
	"high:reaches-iommu:00:01.0:-" --target sim:virt -- \
	"own; domain create h --stage2; domain create g --nested-in h; attach 00:01.0 g; map h 0x80000000 0x48000000 0x2000 rw; map h 0x80002000 0x48010000 0x1000 r; map g 0x10000 0x80000000 0x4000 rw; map g 0x20000 0x7f012000 0x1000 r"
expect_json "sim:virt: nested: ranges are the composition, exact" \
	"[(r['iova'], r['pa'], r['size'], r['perms']) for r in dev['00:01.0']['ranges']] == [('0x10000', '0x48000000', '0x2000', 'rw-'), ('0x12000', '0x48010000', '0x1000', 'r--'), ('0x20000', '0x7f012000', '0x1000', 'r--')] and dev['00:01.0']['stages'] == [1, 2] and dev['00:01.0']['complete'] and [(f['pa'], f['size']) for f in d['findings']] == [('0x7f012000', '0x1000')]"
# q35 scalable mode: smmush's domains do not build PGTT=nested yet, so the
# tables are written here: root 0x1000000, context (00:01.0) 0x1001100, PASID
# directory 0x1002000, PASID entry 0x1003000 (nested, SL 0x1010000, FL at IPA
# 0x90000000); second level: IPA 0x80000000-1fff -> 0x2000000 rw, 0x80002000
# -> 0x2010000 r, IPA 0x90000000-3fff -> the first-level tables at 0x1020000;
# first level: IOVA 0x10000.. -> IPA 0x80000000, 0x80001000, 0x80002000,
# 0x80004000 (not in the second level), 0x90003000 (its own last table), all rw.
Q35N="wg 0x1000000 0x1001001; wg 0x1001100 0x1002009 0 0 0; wg 0x1002000 0x1003001; wg 0x1003000 0x10100c9 1 0x90000000 0 0 0 0 0"
Q35N+="; wg 0x1010000 0x1011003; wg 0x1011010 0x1012003; wg 0x1012000 0x1013003; wg 0x1012400 0x1014003"
Q35N+="; wg 0x1013000 0x2000003 0x2001003 0x2010001; wg 0x1014000 0x1020003 0x1021003 0x1022003 0x1023003"
Q35N+="; wg 0x1020000 0x90001027; wg 0x1021000 0x90002027; wg 0x1022000 0x90003027"
Q35N+="; wg 0x1023080 0x80000027 0x80001027 0x80002027 0x80004027 0x90003027"
Q35N+="; reg write RTADDR 0x1000400; reg write GCMD 0x40000000; reg write GCMD 0x80000000"
expect_findings "sim:q35 scalable: nested (PGTT=nested): its own first-level table, writable" \
	"critical:reaches-iommu:00:01.0:-" --target sim:q35 -O scalable=on -O aw=48 --write -- "$Q35N"
expect_json "sim:q35 scalable: nested: ranges are the composition, exact" \
	"[(r['iova'], r['pa'], r['size'], r['perms']) for r in dev['00:01.0']['ranges']] == [('0x10000', '0x2000000', '0x2000', 'rw-'), ('0x12000', '0x2010000', '0x1000', 'r--'), ('0x14000', '0x1023000', '0x1000', 'rw-')] and dev['00:01.0']['stages'] == [1, 2] and [(f['pa'], f['size']) for f in d['findings']] == [('0x1023000', '0x1000')]"

# sim:mmu500: StreamIDs 0x400 and 0x401 are matched by one SMR (mask 0x1):
# attaching one puts the other in its context; two devices in one domain
# with their own SMRs are not a finding
M5="own; domain create a; attach platform@0x0c000000 a; map a 0x2000 0x48001000 0x1000 r; domain create b; attach 00:01.0 b; attach 00:02.0 b; map b 0x1000 0x48000000 0x1000 rw"
expect_findings "sim:mmu500: two StreamIDs one stream-match entry matches: identity-shared" \
	"high:identity-shared:platform@0x0c000000:platform@0x0c100000" --target sim:mmu500 -- "$M5"
expect_json "sim:mmu500: ... the SMR named; the unattached device reaches what the attached one does" \
	"'(SMR0: ID 0x400, mask 0x1)' in d['findings'][0]['reason'] and dev['platform@0x0c100000']['ranges'] == dev['platform@0x0c000000']['ranges'] and dev['platform@0x0c100000']['ranges'][0]['pa'] == '0x48001000' and dev['platform@0x0c200000']['verdict'] == 'abort'"
expect_findings "sim:mmu500: owned, nothing attached: no stream-match entry, no finding" "" --target sim:mmu500 -- "own"

# uncovered: a platform DMA master firmware names no IOMMU for (the sim wires
# it past the SMMU): all of memory, critical, whatever the SMMU does
expect_findings "sim:virt -O untranslated=on: a DMA master no IOMMU covers" "critical:uncovered:platform@0x0c100000:-" \
	--target sim:virt -O untranslated=on -- "own"
expect_json "sim:virt -O untranslated=on: ... its reach is all of the 48-bit physical space, rwx" \
	"dev['platform@0x0c100000']['verdict'] == 'uncovered' and [(r['pa'], r['size'], r['perms']) for r in dev['platform@0x0c100000']['ranges']] == [('0x0', '0x1000000000000', 'rwx')] and dev['platform@0x0c100000']['unit'] is None"
run --target sim:virt -O untranslated=on -c "own; dma platform@0x0c100000 read 0x48000000 8 --pattern 0x5a; dma platform@0x0c000000 read 0x48000000 8 --pattern 0x5a"
check "sim:virt -O untranslated=on: ... its DMA does reach memory while the SMMU aborts the other's" \
	grep -q "dma platform@0x0c100000 read 0x48000000 8: done" "$TMP/out"
# walk-incomplete: a table pointer outside RAM cannot be followed
expect_findings "sim:virt: a level-0 table pointer outside RAM: walk-incomplete (and stale: written behind smmush)" \
	"high:stale:-:- medium:walk-incomplete:00:01.0:-" --target sim:virt -- \
	"own; domain create a; attach 00:01.0 a; map a 0x10000 0x48000000 0x1000 rw; map a 0x8000000000 0x48001000 0x1000 r; wg 0x7f011000 0x200000003"
expect_json "sim:virt: ... what could be walked is still listed, and the device is marked incomplete" \
	"[(r['iova'], r['pa'], r['size']) for r in dev['00:01.0']['ranges']] == [('0x8000000000', '0x48001000', '0x1000')] and not dev['00:01.0']['complete']"
# reserved regions (RMRR on q35, IORT RMR on virt): one device attached with
# its region mapped IOVA = PA (RAM writable: medium), one with --no-reserved
# (nothing open, its DMA there faults: info); each finding on the exact range
for tgt in sim:virt sim:q35; do
	if [ "$tgt" = sim:virt ]; then
		R1=0x48000000 R2=0x48100000 O=(-O "rmr=0x8@0x48000000+64K,0x10@0x48100000+64K") SRC="IORT RMR" S2=0x10000
	else
		R1=0x3e000000 R2=0x20000000 O=(-O "rmrr=01.0@0x3e000000+64K,02.0@0x20000000+4K") SRC=RMRR S2=0x1000
	fi
	expect_findings "$tgt: reserved regions: mapped one medium, left out one info" \
		"info:reserved:00:02.0:- medium:reserved:00:01.0:-" --target "$tgt" "${O[@]}" -- \
		"own; domain create a; attach 00:01.0 a; domain create b; attach 00:02.0 b --no-reserved"
	expect_json "$tgt: reserved: the findings' ranges are the regions, with what they open" \
		"sorted((f['device'], f['pa'], f['size']) for f in d['findings']) == [('00:01.0', hex($R1), '0x10000'), ('00:02.0', hex($R2), hex($S2))] and all('$SRC' in f['reason'] for f in d['findings']) and 'opens RAM rw- (firmware: rw-): mapped IOVA = PA now' in [f for f in d['findings'] if f['device'] == '00:01.0'][0]['reason'] and 'is not mapped now' in [f for f in d['findings'] if f['device'] == '00:02.0'][0]['reason']"
	expect_json "$tgt: reserved: the device's reach is exactly its region, identity" \
		"[(r['iova'], r['pa'], r['size'], r['perms']) for r in dev['00:01.0']['ranges']] == [(hex($R1), hex($R1), '0x10000', 'rw-')] and dev['00:02.0']['ranges'] == []"
	expect_findings "$tgt: reserved: left out, then mapped read-only by the user: low" \
		"low:reserved:00:02.0:- medium:reserved:00:01.0:-" --target "$tgt" "${O[@]}" -- \
		"own; domain create a; attach 00:01.0 a; domain create b; attach 00:02.0 b --no-reserved; map b $R2 $R2 0x1000 r"
	expect_json "$tgt: reserved: ... it opens what the tables allow there, one page of the region" \
		"'opens RAM r-- (firmware: rw-): ' in [f for f in d['findings'] if f['device'] == '00:02.0'][0]['reason'] and 'mapped IOVA = PA now' in [f for f in d['findings'] if f['device'] == '00:02.0'][0]['reason']"
done

# the tight policy on virt: one violation, one fault, exact pages
"$SMMUSH" -j -c "own --policy $POL/virt-clean.smmu; audit --policy $POL/virt-tight.smmu" >"$TMP/all.json" 2>"$TMP/err"
tail -n 1 "$TMP/all.json" >"$TMP/audit.json"
expect_json "policy: beyond it is a violation, short of it a fault, each on its exact pages" \
	"sorted((f['id'], f['device'], f['pa'], f['size']) for f in d['findings']) == [('policy-fault', '00:01.0', '0x48200000', '0x1000'), ('policy-violation', '00:01.0', '0x48001000', '0x1000')]"
run -c "own --policy $POL/virt-clean.smmu; audit --policy $POL/virt-tight.smmu --strict high"
check "policy: --strict high fails on the violation" test "$rc" -eq 1
run -c "own --policy $POL/virt-clean.smmu; audit --policy $POL/virt-tight.smmu --strict critical"
check "policy: --strict critical passes (the violation is high)" test "$rc" -eq 0

for f in bad-perms:2 bad-noname:2 bad-keyword:3 bad-pci:1; do
	expect_fail "policy: ${f%%:*}.smmu: one error line naming FILE:LINE (audit)" -c "audit --policy $POL/${f%%:*}.smmu"
	check "policy: ${f%%:*}.smmu: ... line ${f#*:}" grep -q "${f%%:*}.smmu:${f#*:}: " "$TMP/err"
	expect_fail "policy: ${f%%:*}.smmu: own --policy refuses it before owning" -c "own --policy $POL/${f%%:*}.smmu"
done
expect_fail "policy: a file that does not exist" -c "audit --policy $TMP/nope.smmu"

# JSON: every document a real parser accepts
"$SMMUSH" -j -c "own; domain create a; attach 00:01.0 a; map a 0x0 0x48000000 0x1000 rw; audit" >"$TMP/j1.json"
"$SMMUSH" --target sim:q35 -O bridge=3 -O ats=on -j -c "audit" >"$TMP/j2.json"
check "JSON: an owned machine's audit parses" json_valid "$TMP/j1.json" 'docs[-1]["summary"]["critical"] == 0'
check "JSON: a bypassing machine with a bridge and ATS parses" json_valid "$TMP/j2.json" \
	'len(doc["devices"]) == 5 and doc["summary"]["critical"] == 1 and doc["summary"]["high"] == 3' 

# AMD-Vi (sim:amd): v1 tables are the one stage, named as such; the device
# table and the logs are the IOMMU's own tables; a DTE without translation
# information passes DMA untranslated
T=(--target sim:amd)
M="own; domain create a; attach 00:01.0 a; map a 0x10000 0x100000 0x2000 rw"
expect_findings "sim:amd: fresh machine: the IOMMU is off, DMA goes through" "critical:unit-bypass:-:-" "${T[@]}" -- "units"
expect_findings "sim:amd: one device, two pages: no finding" "" "${T[@]}" -- "$M"
expect_json "sim:amd: ... translated by v1 tables (not 'stage 2'), exactly its two pages; the other device blocked" \
	"dev['00:01.0']['stages'] == ['v1'] and dev['00:01.0']['ranges'] == [{'iova': '0x10000', 'pa': '0x100000', 'size': '0x2000', 'perms': 'rw-', 'memory': [{'pa': '0x100000', 'size': '0x2000', 'kind': 'ram', 'what': 'RAM'}]}] and dev['00:02.0']['verdict'] == 'abort'"
run "${T[@]}" -c "$M; audit"
check "sim:amd: the text says host translation (v1 tables) and DeviceID" \
	grep -q "translated by host translation (v1 tables) on amdvi@0xfed80000 (DeviceID 0x8, domain a)" "$TMP/out"
expect_findings "sim:amd: a DTE with TV=0 written behind smmush's back: bypass, and stale" \
	"critical:bypass:00:02.0:- high:stale:-:-" "${T[@]}" -- "$M; wg 0x3f000200 0x1"
expect_findings "sim:amd: a device that can write the device table" "critical:reaches-iommu:00:01.0:-" \
	"${T[@]}" -- "$M; map a 0x100000 0x3f000000 0x1000 rw"
expect_json "sim:amd: ... the device table, exactly the mapped page; command buffer and event log are IOMMU tables too" \
	"[(f['pa'], f['size']) for f in d['findings']] == [('0x3f000000', '0x1000')] and 'device table of amdvi@0xfed80000' in d['findings'][0]['reason']"
expect_findings "sim:amd: overlapping domains" "high:overlap:00:01.0:00:02.0" "${T[@]}" -- \
	"$M; domain create b; attach 00:02.0 b; map b 0x0 0x101000 0x1000 r"

# SMMUv2 (sim:mmu500): sCR0.CLIENTPD lets everything through; S2CR bypass,
# fault and translate per stream-match entry
T=(--target sim:mmu500)
M="own; domain create a; attach 00:01.0 a; attach 00:02.0 a; map a 0x10000 0x48000000 0x2000 rw"
expect_findings "sim:mmu500: fresh machine: sCR0.CLIENTPD=1, DMA bypasses the SMMU" "critical:unit-bypass:-:-" "${T[@]}" -- "units"
expect_json "sim:mmu500: ... the unit says why" "'CLIENTPD=1' in d['units'][0]['state'] and d['units'][0]['global'] == 'bypass' and all(x['verdict'] == 'bypass' for x in d['devices'])"
expect_findings "sim:mmu500: two devices in one domain: no finding" "" "${T[@]}" -- "$M"
expect_json "sim:mmu500: ... stage 1, exactly the two pages; unattached platform devices fault (USF)" \
	"dev['00:01.0']['stages'] == [1] and dev['00:02.0']['ranges'] == dev['00:01.0']['ranges'] and dev['00:01.0']['ranges'][0]['size'] == '0x2000' and dev['platform@0x0c000000']['verdict'] == 'abort'"
expect_findings "sim:mmu500: S2CR1 TYPE=bypass: 00:02.0 bypasses" "critical:bypass:00:02.0:-" "${T[@]}" -- \
	"$M; reg write s2cr[1] 0x10000"
expect_json "sim:mmu500: ... and the finding names SMR1 and S2CR1" "'SMR1, S2CR1 bypasses translation' in d['findings'][0]['reason']"
expect_findings "sim:mmu500: S2CR0 TYPE=fault: 00:01.0 reaches nothing, no finding" "" "${T[@]}" -- \
	"$M; reg write s2cr[0] 0x20000"
expect_json "sim:mmu500: ... its verdict is abort" "dev['00:01.0']['verdict'] == 'abort' and dev['00:01.0']['ranges'] == []"
expect_findings "sim:mmu500: CBAR0 TYPE=nested over bank 1 (stage 2): both stages composed, stage 1's tables unmapped in stage 2" \
	"" "${T[@]}" -- \
	"own; domain create a; attach 00:01.0 a; domain create b; attach 00:02.0 b; map b 0x0 0x48000000 0x1000 rw; reg write cbar[1] 0x2; reg write tcr[1] 0x80050059; reg write cbar[0] 0x30100"
expect_json "sim:mmu500: ... 00:01.0 nested (stages 1 and 2) reaches nothing, 00:02.0 on bank 1 stage 2 alone" \
	"dev['00:01.0']['stages'] == [1, 2] and dev['00:01.0']['nested'] and dev['00:01.0']['complete'] and dev['00:01.0']['ranges'] == [] and dev['00:02.0']['stages'] == [2] and not dev['00:02.0']['nested']"
expect_findings "sim:mmu500: a device that can write its own page tables" "critical:reaches-iommu:00:01.0:-" \
	"${T[@]}" -- "own; domain create a; attach 00:01.0 a; map a 0x100000 0x7f000000 0x1000 rw"

# substreams from the live tables, whoever wrote them.  virt: 00:01.0's STE
# (0x7f014200) rewritten by hand to a linear CD table at 0x48200000 of 4 CDs
# (S1CDMax=2, S1DSS=substream0): CD 0 = domain a's (requests without a
# SubstreamID), CD 1 = domain b's, CD 2 invalid, CD 3 = a's again
SV="own; domain create a; attach 00:01.0 a; map a 0x10000 0x48000000 0x2000 rw; domain create b; attach 00:02.0 b; map b 0x20000 0x48100000 0x1000 r"
CDA="0x00016205c0003510 0x7f011000 0 0x4ff 0 0 0 0" CDB="0x00026205c0003510 0x7f01c000 0 0x4ff 0 0 0 0"
expect_findings "sim:virt: a linear CD table of 4 SubstreamIDs written by hand: only the STE write is a finding" \
	"high:stale:-:-" --target sim:virt -- "$SV; wg 0x48200000 $CDA $CDB 0 0 0 0 0 0 0 0 $CDA; wg 0x7f014200 0x100000004820000b 0xd6"
expect_json "sim:virt: ... SubstreamIDs 1 and 3 reach their CDs' tables, exactly; 2 (V=0) nothing" \
	"[(r.get('pasid'), r['iova'], r['pa'], r['size'], r['perms']) for r in dev['00:01.0']['ranges']] == [(None, '0x10000', '0x48000000', '0x2000', 'rw-'), (1, '0x20000', '0x48100000', '0x1000', 'r--'), (3, '0x10000', '0x48000000', '0x2000', 'rw-')] and dev['00:01.0']['pasids'] == [{'pasid': 1, 'domain': None, 'ranges': 1}, {'pasid': 3, 'domain': None, 'ranges': 1}] and dev['00:01.0']['complete']"
# a 2-level CD table (S1Fmt=1, S1CDMax=7, S1DSS=substream0): L1 entry 0's
# level-2 table is outside RAM (so is CD 0: requests without one abort), L1
# entry 1's holds domain b's CD at SubstreamID 0x45
expect_findings "sim:virt: a 2-level CD table, one level-2 table outside RAM: walk-incomplete" \
	"high:stale:-:- medium:walk-incomplete:00:01.0:-" --target sim:virt -- \
	"$SV; wg 0x48210000 0x800000001 0x48220001; wg 0x48220140 $CDB; wg 0x7f014200 0x380000004821001b 0xd6"
expect_json "sim:virt: ... SubstreamID 0x45 found in the readable one, its reach exact; the device translates through it" \
	"[(r.get('pasid'), r['iova'], r['pa'], r['size']) for r in dev['00:01.0']['ranges']] == [(0x45, '0x20000', '0x48100000', '0x1000')] and dev['00:01.0']['verdict'] == 'translated' and not dev['00:01.0']['complete']"
run --target sim:virt -c "$SV; wg 0x48210000 0x800000001 0x48220001; wg 0x48220140 $CDB; wg 0x7f014200 0x380000004821001b 0xd6; snapshot save $TMP/cd2.snap"
"$SMMUSH" --target "snapshot:$TMP/cd2.snap" -j -c "audit" >"$TMP/cd2.json"
check "sim:virt: ... a snapshot of it audits the same (SubstreamID 0 reserved by S1DSS does not end the search)" json_valid "$TMP/cd2.json" \
	'[(r.get("pasid"), r["iova"], r["pa"], r["size"]) for x in doc["devices"] if x["device"] == "00:01.0" for r in x["ranges"]] == [(0x45, "0x20000", "0x48100000", "0x1000")]'
run --target sim:virt -c "$SV; wg 0x48200000 $CDA $CDB 0 0 0 0 0 0 0 0 $CDA; wg 0x7f014200 0x100000004820000b 0xd6; audit"
check "sim:virt: ... text names each SubstreamID" grep -q "^  SubstreamID 0x3 reaches:$" "$TMP/out"
# a linear CD table outside RAM: the search stops at once, walk-incomplete
expect_findings "sim:virt: a linear CD table outside RAM: walk-incomplete" \
	"high:stale:-:- medium:walk-incomplete:00:01.0:-" --target sim:virt -- "$SV; wg 0x7f014200 0x100000080000000b 0xd6"
# q35 scalable: PASIDs 5 (00:01.0) and 9 (00:02.0) attached by smmush, PASID
# 7 of 00:01.0 written by hand into its PASID table (a copy of PASID 5's
# entry), PASID 0x41 in a second PASID table at 0x400000 (directory entry
# 1), pass-through
SQ="own --scalable; domain create d1; domain create d2; map d1 0x10000 0x100000 4K rw; map d2 0x10000 0x200000 8K r; map d2 0x20000 0x300000 4K rw; attach 01.0 d1; attach 01.0 d2 --pasid 5; attach 02.0 d2 --pasid 9"
SQ+="; wg 0x3f02c1c0 0x3f007089 2 0 0 0 0 0 0; wg 0x3f00c008 0x400001; wg 0x400040 0x101 0 0 0 0 0 0 0"
expect_findings "sim:q35 scalable: PASIDs by smmush and by hand, one pass-through: bypass, its reach of every table" \
	"$(printf '%s ' critical:bypass:00:01.0:- $(for i in $(seq 21); do echo critical:reaches-iommu:00:01.0:-; done) high:overlap:00:01.0:00:02.0 high:overlap:00:01.0:00:02.0 high:stale:-:- high:stale:-:-)medium:write-exec:00:01.0:-" \
	--target sim:q35 -O scalable=on -O aw=48 -- "$SQ"
expect_json "sim:q35 scalable: ... each PASID's reach exact, smmush's with their domains" \
	"[(r.get('pasid'), r['iova'], r['pa'], r['size'], r['perms']) for r in dev['00:01.0']['ranges']] == [(None, '0x10000', '0x100000', '0x1000', 'rw-'), (5, '0x10000', '0x200000', '0x2000', 'r--'), (5, '0x20000', '0x300000', '0x1000', 'rw-'), (7, '0x10000', '0x200000', '0x2000', 'r--'), (7, '0x20000', '0x300000', '0x1000', 'rw-'), (0x41, '0x0', '0x0', '0x1000000000000', 'rwx')] and [(p['pasid'], p['domain']) for p in dev['00:01.0']['pasids']] == [(5, 'd2'), (7, None), (0x41, None)] and [(p['pasid'], p['domain']) for p in dev['00:02.0']['pasids']] == [(9, 'd2')] and 'PASID 0x41 passes through' in [f for f in d['findings'] if f['id'] == 'bypass'][0]['reason'] and ('0x3f02c1c0', '0x40') in [(f['pa'], f['size']) for f in d['findings'] if f['id'] == 'reaches-iommu']"
# a snapshot of it audits the same
run --target sim:q35 -O scalable=on -O aw=48 -c "$SQ; snapshot save $TMP/pasid.snap"
"$SMMUSH" --target sim:q35 -O scalable=on -O aw=48 -j -c "$SQ; audit" | tail -n 1 >"$TMP/live.json"
"$SMMUSH" --target "snapshot:$TMP/pasid.snap" -j -c "audit" | tail -n 1 >"$TMP/snap.json"
check "sim:q35 scalable: a snapshot of it audits the same: devices, reach, PASIDs, findings (not the session's own)" python3 -c "
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
# the session's own: the target's name, ownership, smmush's domain names and
# what it wrote without invalidating (stale), which a snapshot cannot know
def norm(d):
    for x in d['devices']:
        x.pop('domain')
        for p in x['pasids']: p.pop('domain')
    for u in d['units']: u.pop('owned')
    return (d['devices'], d['units'], [f for f in d['findings'] if f['id'] != 'stale'])
sys.exit(0 if norm(a) == norm(b) and any(x['pasids'] for x in b['devices']) and not [f for f in b['findings'] if f['id'] == 'stale'] and sum(f['id'] == 'reaches-iommu' for f in b['findings']) == 21 else 1)" "$TMP/live.json" "$TMP/snap.json"

# two PASIDs (and requests without one) reaching the same pages: the totals
# count each physical byte once, each range lists its own memory only
SP="own --scalable; domain create d1; domain create d2; map d1 0x10000 0x100000 4K rw; map d2 0x20000 0x100000 8K r; attach 01.0 d1; attach 01.0 d2 --pasid 5; attach 01.0 d2 --pasid 7"
expect_findings "sim:q35 scalable: two PASIDs on the same pages: no finding" "" --target sim:q35 -O scalable=on -- "$SP"
expect_json "sim:q35 scalable: ... 8 KiB reached, 8 KiB readable, 4 KiB writable, 8 KiB of RAM; each range's own memory" \
	"[(k, dev['00:01.0']['bytes'][k]) for k in ('total', 'read', 'write', 'execute', 'ram', 'unknown')] == [('total', '0x2000'), ('read', '0x2000'), ('write', '0x1000'), ('execute', '0x0'), ('ram', '0x2000'), ('unknown', '0x0')] and [[(m['pa'], m['size']) for m in r['memory']] for r in dev['00:01.0']['ranges']] == [[('0x100000', '0x1000')], [('0x100000', '0x2000')], [('0x100000', '0x2000')]]"
expect_out "sim:q35 scalable: ... and the text says 8 KiB" \
	"^  reaches 8 KiB in 3 ranges \(read 8 KiB, write 4 KiB, execute 0 B\): RAM 8 KiB, MMIO 0 B, IOMMU 0 B$" \
	--target sim:q35 -O scalable=on -c "$SP; audit"

# Access flag 0: faults (and reaches nothing) unless CD.AFFD / STE.S2AFFD;
# what xlate and the sim's DMA say too
AF1="own; domain create a; attach 00:01.0 a; map a 0x10000 0x48000000 0x2000 rw; wg 0x7f019080 0x0060000048000b43"
AF2="own; domain create h --stage2; attach 00:01.0 h; map h 0x10000 0x48000000 0x2000 rw; wg 0x7f018080 0x00400000480003ff"
for c in "stage 1|$AF1|; wg 0x7f018000 0x0001620dc0003510" "stage 2|$AF2|; wg 0x7f014210 0x042d359000000001"; do
	st=${c%%|*} c=${c#*|} cmds=${c%%|*} affd=${c#*|}
	findings --target sim:virt -- "$cmds" >/dev/null
	expect_json "sim:virt: $st leaf with AF=0: not reached" \
		"[(r['iova'], r['size']) for r in dev['00:01.0']['ranges']] == [('0x11000', '0x1000')]"
	findings --target sim:virt -- "$cmds$affd" >/dev/null
	expect_json "sim:virt: $st leaf with AF=0 under AFFD: reached" \
		"[(r['iova'], r['pa'], r['size']) for r in dev['00:01.0']['ranges']] == [('0x10000', '0x48000000', '0x2000')]"
	run --target sim:virt -c "$cmds$affd; dma 01.0 read 0x10000 8; xlate 01.0 0x10000 r"
	check "sim:virt: $st ... the sim's DMA goes through and xlate agrees" \
		grep -q "^result: 0x10000 -> 0x48000000" "$TMP/out" -a -n "$(grep 'read 0x10000 8: done' "$TMP/out")"
done

# nested: a stage-1 output beyond stage 2's input size (S2T0SZ=17: 47 bits)
# reaches nothing, and is not a walk that could not be completed
NS="own; domain create h --stage2; domain create g --nested-in h; attach 00:01.0 g; map h 0x80000000 0x48000000 0x1000 rw; map g 0x10000 0x80000000 0x1000 rw; map g 0x20000 0x800000000000 0x1000 rw; wg 0x7f018210 0x040d359100000001"
expect_findings "sim:virt: nested: a stage-1 output beyond stage 2's IAS: no walk-incomplete" "high:stale:-:-" --target sim:virt -- "$NS"
expect_json "sim:virt: ... it reaches nothing there" \
	"[(r['iova'], r['pa'], r['size']) for r in dev['00:01.0']['ranges']] == [('0x10000', '0x48000000', '0x1000')] and dev['00:01.0']['complete']"

# AMD-Vi: a DTE with guest translation (GV=1) has PASIDs through GCR3 tables
# smmush does not read: walk-incomplete, and the device's words say why
expect_findings "sim:amd: DTE.GV=1: walk-incomplete (GCR3 tables not read)" "high:stale:-:- medium:walk-incomplete:00:01.0:-" \
	--target sim:amd -- "own; domain create a; attach 00:01.0 a; map a 0x10000 0x100000 0x1000 rw; wg 0x3f000100 0x608000003f006803"
expect_json "sim:amd: ... the host tables' reach is still listed, exactly" \
	"[(r['iova'], r['pa'], r['size']) for r in dev['00:01.0']['ranges']] == [('0x10000', '0x100000', '0x1000')] and dev['00:01.0']['reason'].endswith('DTE.GV=1: its PASIDs\\' guest (GCR3) tables are not read, their reach is not counted')"

# BAR sizes: a snapshot records them where the source knows them (the
# sim's model), so its audit counts 00:01.0's second BAR0 page as MMIO too
BV="own; domain create a; attach 00:02.0 a; map a 0x10000 0x10001000 0x1000 rw"
run --target sim:virt -c "$BV; snapshot save $TMP/bars.snap"
"$SMMUSH" --target "snapshot:$TMP/bars.snap" -j -c "audit" >"$TMP/bars.json"
check "snapshot of sim:virt: BAR sizes recorded: a page past BAR0's first is that device's MMIO" json_valid "$TMP/bars.json" \
	'[(m["pa"], m["kind"], m["what"]) for x in doc["devices"] if x["device"] == "00:02.0" for r in x["ranges"] for m in r["memory"]] == [("0x10001000", "mmio", "BAR0 of 00:01.0")] and all(x["bar_sizes_known"] for x in doc["devices"])'

# QEMU: the same machine, the other implementation
if command -v qemu-system-aarch64 >/dev/null; then
	expect_findings "qemu:virt: one device mapped, one bypassed through its STE" "critical:bypass:00:01.0:- high:stale:-:-" \
		--target qemu:virt -- "own; domain create a; attach 00:02.0 a; map a 0x10000 0x48000000 0x2000 rw; wg 0x5f014200 0x9"
	expect_json "qemu:virt: the mapped device's reach is exact" \
		"dev['00:02.0']['ranges'][0]['pa'] == '0x48000000' and dev['00:02.0']['ranges'][0]['size'] == '0x2000' and dev['00:02.0']['ranges'][0]['memory'][0]['kind'] == 'ram'"
	expect_json "qemu:virt: BAR sizes are unknown there, and the audit says so" \
		"not dev['00:01.0']['bar_sizes_known'] and not dev['00:02.0']['bar_sizes_known']"
	run --target qemu:virt -c "audit"
	check "qemu:virt: ... a note in each such device's section" \
		test "$(grep -c "^  note: this target cannot tell its BARs' sizes: each counts as its first page of MMIO$" "$TMP/out")" -eq 2
elif [ "${CI:-}" = true ]; then
	not_ok "QEMU is not installed"
fi
finish
