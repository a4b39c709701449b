#!/usr/bin/env bash
# VT-d scalable mode: own --scalable installs scalable-mode tables (RTADDR.TTM
# = 01, a PASID directory per device, requests without a PASID at PASID 0),
# attach/detach --pasid give one PASID of a device its own domain, and test
# DMA with a PASID goes through it on sim:q35 (scalable=on); what the
# library predicts equals what the model records; release restores the
# registers.  On QEMU 7.2 (x-scalable-mode=on): scalable own and DMA through
# the RID_PASID (its edu cannot tag a request with a PASID).
# shellcheck disable=SC2154 # lib.sh sets rc/out/err
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

S=(--target sim:q35 -O scalable=on -O aw=48)
# d1 and d2 map the same IOVA to different pages: which one a request used
# shows in memory
SETUP="own --scalable; domain create d1; domain create d2; map d1 0x10000 0x100000 4K rw; map d2 0x10000 0x200000 4K rw"

# --- own --scalable ------------------------------------------------------------------
expect_out "own --scalable: RTADDR.TTM is scalable" "TTM=scalable" "${S[@]}" -c "own --scalable; regs rtaddr"
expect_out "own --scalable: 256-bit descriptors in smmush's queue (IQA.DW)" "DW=256-bit" \
	"${S[@]}" -c "own --scalable; regs iqa"
expect_out "own without --scalable stays legacy on a scalable unit" "TTM=legacy" "${S[@]}" -c "own; regs rtaddr"
expect_json "own -j says which tables it installed" "${S[@]}" -c "own --scalable" -- 'docs[0]["scalable"] is True'
expect_out "attach: the context entry points to a PASID directory, RID_PASID 0" \
	"^  scalable-mode context entry at 0x[0-9a-f]+: P\+ PASIDE\+ PDTS=2\^14 PASIDDIRPTR=0x[0-9a-f]+$" \
	"${S[@]}" -c "$SETUP; attach 01.0 d1; xlate 01.0 0x10000 r"
expect_out "attach: requests without a PASID take PASID 0's entry (second level)" \
	"^  PASID entry at 0x[0-9a-f]+: P\+ AW=48-bit 4-level PGTT=second-level SLPTPTR=0x[0-9a-f]+ DID=0x1$" \
	"${S[@]}" -c "$SETUP; attach 01.0 d1; xlate 01.0 0x10000 r"

# --- scalable-mode not-present entries are translation faults, not table fetches ----------
for dom in "--second-level:0x79" "--first-level:0x71"; do
	expect_json "an unmapped read through a ${dom%%:*} domain: ${dom#*:}, class translation (the record and the walk)" \
		"${S[@]}" -c "own --scalable; domain create d ${dom%%:*}; attach 01.0 d; dma 01.0 read 0x1000 16; faults --explain" -- \
		"docs[-1]['faults'][0]['code'] == '${dom#*:}' and docs[-1]['faults'][0]['class'] == 'translation'" \
		"docs[-1]['faults'][0]['explanation']['class'] == 'translation'"
done

# --- DMA with a PASID, through its own domain -------------------------------------------
run "${S[@]}" -c "$SETUP; attach 01.0 d1; attach 01.0 d2 --pasid 5; fill 0x200000 16 0xa5; fill 0x100000 16 0;
	dma 01.0 read 0x10000 16 --pasid 5; dma 01.0 write 0x10000 16; x 0x100000 4"
check "dma --pasid 5 reads through d2, the RID's write goes through d1" \
	grep -q "^0x00100000:  0xa5a5a5a5" "$TMP/out"
expect_out "attach --pasid: the PASID's entry names its domain" \
	"^  PASID entry at 0x[0-9a-f]+: P\+ AW=48-bit 4-level PGTT=second-level SLPTPTR=0x[0-9a-f]+ DID=0x2$" \
	"${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; xlate 01.0 0x10000 r --pasid 5"
expect_out "xlate --pasid: the translation the tables give" "^result: 0x10010 -> 0x200010" \
	"${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; xlate 01.0 0x10010 r --pasid 5"
expect_out "walk --pasid: the PASID's domain's mappings, not the RID's" "^0x0+10000-0x0+10fff -> 0x0+200000-0x0+200fff +4K +rw-$" \
	"${S[@]}" -c "$SETUP; attach 01.0 d1; attach 01.0 d2 --pasid 5; walk 01.0 --pasid 5"
# an unattached PASID: the prediction and the model's record agree (0x59)
run "${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; xlate 01.0 0x10000 r --pasid 6; dma 01.0 read 0x10000 16 --pasid 6; faults"
check "xlate --pasid 6 (unattached) predicts reason 0x59" grep -q "fault reason 0x59" "$TMP/out"
check "DMA with PASID 6 records reason 0x59" grep -q "ssid 0x6 read 0x10000 .*(0x59)" "$TMP/out"
run "${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; dma 01.0 read 0x10000 16 --pasid 5; detach 01.0 --pasid 5;
	dma 01.0 read 0x10000 16 --pasid 5; faults"
check "detach --pasid: the PASID is blocked again (0x59), no stale translation" \
	grep -q "ssid 0x5 read 0x10000 .*(0x59)" "$TMP/out"
run "${S[@]}" -c "$SETUP; attach 01.0 d1; dma 01.0 read 0x10000 16; detach 01.0; dma 01.0 read 0x10000 16; faults"
check "detach: requests without a PASID are blocked again (PASID 0's entry)" \
	grep -q "sid 0x8 read 0x10000  .*(0x59)" "$TMP/out"

# --- first-level and nested domains, with the invalidation they need ------------------------
FL="own --scalable; domain create f --first-level; map f 0x10000 0x100000 4K rw; attach 01.0 f --pasid 7"
expect_out "first level on PASID 7: DMA goes through" "dma 00:01.0 write 0x10000 16: done" \
	"${S[@]}" -c "$FL; dma 01.0 write 0x10000 16 --pasid 7"
expect_out "first level: PGTT first-level, FLPTPTR" "^  PASID entry at .* PGTT=first-level .*FLPTPTR=0x[0-9a-f]+" \
	"${S[@]}" -c "$FL; xlate 01.0 0x10000 r --pasid 7"
run "${S[@]}" -c "$FL; dma 01.0 read 0x10000 16 --pasid 7; unmap f 0x10000 4K; dma 01.0 read 0x10000 16 --pasid 7"
check "first level: unmap drops the cached translation (PASID-based IOTLB invalidation)" \
	grep -q "dma 00:01.0 read 0x10000 16: faulted" "$TMP/out"
NEST="own --scalable; domain create h --stage 2; domain create g --nested-in h; map h 0x300000 0x100000 4K rw;
	map g 0x40000 0x300000 4K rw; attach 02.0 g"
expect_out "nested (PGTT=nested) on the RID: DMA through both levels" "dma 00:02.0 read 0x40000 16: done" \
	"${S[@]}" -c "$NEST; dma 02.0 read 0x40000 16"
run "${S[@]}" -c "$NEST; dma 02.0 read 0x40000 16; unmap h 0x300000 4K; dma 02.0 read 0x40000 16; xlate 02.0 0x40000 r"
check "nested: unmapping the second level drops the nested translation" \
	grep -q "dma 00:02.0 read 0x40000 16: faulted" "$TMP/out"
check "nested: xlate says the second level stopped it" grep -q "stage 2 stopped at level" "$TMP/out"

# --- JSON and listings -------------------------------------------------------------------
expect_json "attach --pasid JSON and devices JSON list the PASID" "${S[@]}" -c \
	"$SETUP; attach 01.0 d2 --pasid 5; devices; domain list" -- \
	'docs[-3]["pasid"] == 5 and docs[-3]["domain"] == "d2"' \
	'[d["pasids"] for d in docs[-2] if d["addr"] == "00:01.0"] == [[{"pasid": 5, "domain": "d2"}]]' \
	'[d["pasids"] for d in docs[-1] if d["name"] == "d2"] == [[{"device": "00:01.0", "pasid": 5}]]' \
	'[d["tables"] for d in docs[-1] if d["name"] == "d2"] == ["vtd-sl"]'
expect_out "devices shows the PASID attachment" "^ +PASID 0x5: domain d2$" \
	"${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; devices"

# --- audit: the reach of the PASIDs smmush attached ------------------------------------
AUD="own --scalable; domain create d1; domain create d2; map d1 0x10000 0x100000 4K rw; map d2 0x10000 0x200000 8K r;
	map d2 0x20000 0x300000 4K rw; attach 01.0 d1; attach 01.0 d2 --pasid 5; attach 02.0 d2 --pasid 9"
expect_json "audit: each attached PASID's reach, walked from its live tables" "${S[@]}" -c "$AUD; audit" -- \
	'[(x["verdict"], x["pasids"]) for x in docs[-1]["devices"] if x["device"] == "00:02.0"] == [("translated", [{"pasid": 9, "domain": "d2", "ranges": 2}])]' \
	'[[(r.get("pasid"), r["iova"], r["pa"]) for r in x["ranges"]] for x in docs[-1]["devices"] if x["device"] == "00:01.0"] == [[(None, "0x10000", "0x100000"), (5, "0x10000", "0x200000"), (5, "0x20000", "0x300000")]]' \
	'not [f for f in docs[-1]["findings"] if f["id"] == "overlap"]'
expect_out "audit: text names the PASID and its domain" "^  PASID 0x5 \(domain d2\) reaches:$" "${S[@]}" -c "$AUD; audit"
expect_out "audit: a RID mapping over a PASID's page is an overlap" "HIGH +overlap +00:01.0 \(r--\) and 00:02.0 \(rw-\)" \
	"${S[@]}" -c "$AUD; map d1 0x40000 0x300000 4K r; audit"
expect_json "audit: scalable own and attach leave no stale table behind" "${S[@]}" -c "$AUD; audit" -- \
	'not [f for f in docs[-1]["findings"] if f["id"] == "stale"]'

# --- release, and own again ------------------------------------------------------------
# a firmware-like state first: the registers release must give back
PRE="reg write fedata 0x4021; reg write feaddr 0xfee00000; reg write rtaddr 0x5000; reg write gcmd 0x40000000"
run "${S[@]}" --write -c "$PRE; regs"
cp "$TMP/out" "$TMP/before"
run "${S[@]}" --write -c "$PRE; $FL; dma 01.0 read 0x10000 16 --pasid 7; release; regs"
sed -n '/^VER_REG/,$p' "$TMP/out" >"$TMP/after"
sed -n '/^VER_REG/,$p' "$TMP/before" >"$TMP/before.regs"
check "release restores every register as it was" diff -u "$TMP/before.regs" "$TMP/after"
expect_out "own --scalable again: the PASID's domain works without attaching again" \
	"dma 00:01.0 read 0x10000 16: done" "${S[@]}" -c "$FL; release; own --scalable; dma 01.0 read 0x10000 16 --pasid 7"
expect_out "own (legacy) after detaching the PASID works" "dma 00:02.0 read 0x20000 16: done" \
	"${S[@]}" -c "$FL; domain create s; map s 0x20000 0x200000 4K rw; attach 02.0 s; release; detach 01.0 --pasid 7;
	own; dma 02.0 read 0x20000 16"

# --- one line for each refusal ---------------------------------------------------------
expect_err "own --scalable on a unit without scalable mode names ECAP.SMTS" "ECAP\.SMTS=0" \
	--target sim:q35 -c "own --scalable"
expect_err "own --scalable on an SMMUv3" "scalable-mode tables are VT-d's" --target sim:virt -c "own --scalable"
expect_err "--pasid on legacy tables: own --scalable" "PASID-granular attach needs scalable-mode tables" \
	"${S[@]}" -c "own; domain create d; attach 01.0 d --pasid 3"
expect_err "--pasid on a unit without PASIDs names ECAP.PASID" "has no PASIDs \(ECAP.PASID=0\)" \
	--target sim:q35 -c "own; domain create d; attach 01.0 d --pasid 3"
expect_err "--pasid 0 is the RID_PASID" "PASID 0x0 is the RID_PASID" \
	"${S[@]}" -c "own --scalable; domain create d; attach 01.0 d --pasid 0"
expect_err "--pasid beyond 20 bits" "does not fit in 20 bits" \
	"${S[@]}" -c "own --scalable; domain create d; attach 01.0 d --pasid 0x100000"
expect_err "--pasid without a number" "--pasid needs a number" "${S[@]}" -c "own --scalable; domain create d; attach 01.0 d --pasid"
expect_err "a PASID already in another domain" "00:01.0 PASID is already in domain d1" \
	"${S[@]}" -c "$SETUP; attach 01.0 d1 --pasid 3; attach 01.0 d2 --pasid 3"
expect_err "detach --pasid of a PASID in no domain" "PASID 0x3 is not in a domain" \
	"${S[@]}" -c "$SETUP; detach 01.0 --pasid 3"
expect_err "legacy own refuses while a device has PASID attachments" "00:01.0 has PASID attachments.*own --scalable" \
	"${S[@]}" -c "$FL; release; own"
expect_err "a first-level domain needs scalable-mode tables" "a first-level or nested domain needs scalable-mode tables" \
	"${S[@]}" -c "domain create f --first-level; own; attach 01.0 f"
expect_err "domain destroy counts PASID attachments" "d2 has 1 device\(s\) attached" \
	"${S[@]}" -c "$SETUP; attach 01.0 d2 --pasid 5; domain destroy d2"
run "${S[@]}" -c "own --scalable; domain create d; attach 01.0 d --pasid 0; devices"
check "a refused --pasid writes nothing: no PASID attachment follows" test -z "$(grep PASID "$TMP/out")"

# --- QEMU 7.2: x-scalable-mode=on --------------------------------------------------------
if ! command -v qemu-system-x86_64 >/dev/null; then
	if [ "${CI:-}" = true ]; then not_ok "QEMU is not installed (qemu-system-x86)"; fi
	finish; exit
fi
Q=(--target qemu:q35 -O "args=-global intel-iommu.x-scalable-mode=on -global intel-iommu.x-pasid-mode=on")
QSET="own --scalable; domain create d1; map d1 0x10000 0x100000 4K rw; attach 01.0 d1"
run "${Q[@]}" -c "$QSET; regs rtaddr; fill 0x100000 16 0x3c; dma 01.0 read 0x10000 16; fill 0x100000 16 0;
	dma 01.0 write 0x10000 16; x 0x100000 4"
check "qemu:q35 scalable: RTADDR.TTM is scalable" grep -q "TTM=scalable" "$TMP/out"
check "qemu:q35 scalable: DMA through the RID_PASID's entry" grep -q "^0x00100000:  0x3c3c3c3c" "$TMP/out"
run "${Q[@]}" -c "$QSET; dma 01.0 read 0x20000 16; faults"
check "qemu:q35 scalable: an unmapped IOVA faults" grep -q "dma 00:01.0 read 0x20000 16: faulted" "$TMP/out"
expect_out "qemu:q35 scalable: attach --pasid 1 writes the PASID's entry" \
	"^  PASID entry at 0x[0-9a-f]+: P\+ AW=39-bit 3-level PGTT=second-level SLPTPTR=0x[0-9a-f]+ DID=0x2$" \
	"${Q[@]}" -c "$QSET; domain create d2; attach 01.0 d2 --pasid 1; xlate 01.0 0x10000 r --pasid 1"
expect_err "qemu:q35: PASID 2 is beyond its 1-bit PASIDs (ECAP.PSS)" "takes 1-0x1 \(ECAP.PSS: 1-bit PASIDs\)" \
	"${Q[@]}" -c "$QSET; domain create d2; attach 01.0 d2 --pasid 2"
expect_err "qemu:q35: edu cannot issue a request with a PASID" "cannot tag its requests with a PASID" \
	"${Q[@]}" -c "$QSET; domain create d2; attach 01.0 d2 --pasid 1; dma 01.0 read 0x10000 16 --pasid 1"
run "${Q[@]}" -c "regs gsts; regs rtaddr; $QSET; release; regs gsts; regs rtaddr; own --scalable; dma 01.0 read 0x10000 16"
check "qemu:q35: release gives back RTADDR and GSTS (RTPS stays latched)" \
	test "$(grep -c '^RTADDR_REG @0x00020 = 0x0000000000000000' "$TMP/out")" -eq 2
check "qemu:q35: own --scalable again after release: DMA works" grep -q "dma 00:01.0 read 0x10000 16: done" "$TMP/out"
expect_err "qemu:q35 without x-scalable-mode: own --scalable names ECAP.SMTS" "ECAP\.SMTS=0" \
	--target qemu:q35 -c "own --scalable"
finish
