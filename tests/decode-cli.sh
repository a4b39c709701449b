#!/usr/bin/env bash
# `smmush decode` end to end: every kind in text and JSON (checked by a real
# parser), golden decodes of values measured on QEMU 7.2, scripts, and bad input.
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# --- every kind decodes, and its JSON parses ----------------------------------
run -j decode --list
check "decode --list -j is valid JSON" json_valid "$TMP/out" \
	'len(doc) > 100' 'all("kind" in d and "title" in d for d in doc)'
python3 - "$TMP/out" >"$TMP/all.smmush" <<'PY'
import json, sys
for d in json.load(open(sys.argv[1])):
    if d["kind"] == "acpi":
        continue
    words = " ".join(["0xffffffff" if d["width"] == 32 else "0xffffffffffffffff"] * d["words"])
    print(f"decode {d['kind']} {words}")
PY
kinds=$(wc -l <"$TMP/all.smmush")
run -j -f "$TMP/all.smmush"
check "all $kinds kinds decode all-ones as JSON" json_valid "$TMP/out" "len(docs) == $kinds" \
	'all("fields" in d and "warnings" in d for d in docs)'
run -f "$TMP/all.smmush"
check "all $kinds kinds decode all-ones as text" test "$rc" -eq 0 -a "$(grep -c ' = 0x' "$TMP/out")" -eq "$kinds"

# --- golden decodes (fields worked out from the specifications) ---------------
# IDR0 0x0d40101a: S1P (bit 1), TTF=2 (bits 3:2: AArch64), COHACC (bit 4),
# ASID16 (bit 12), ST_LEVEL=1 (bits 28:27: 2-level), S2P (bit 0) clear.
expect_out "IDR0 from QEMU: stage 1 only" 'S2P-.*S1P\+|S1P\+' decode smmuv3.idr0 0x0d40101a
expect_out "IDR0 from QEMU: AArch64 tables" 'TTF=AArch64' decode idr0 0x0d40101a
run -j decode smmuv3.idr0 0x0d40101a
check "IDR0 JSON fields" json_valid "$TMP/out" 'doc["fields"]["S1P"] is True' \
	'doc["fields"]["S2P"] is False' 'doc["fields"]["TTF"]["value"] == 2' \
	'doc["fields"]["COHACC"] is True' 'doc["warnings"] == []'
# IDR5 0x74: OAS=4 (bits 2:0: 44 bits), GRAN4K (bit 4), GRAN16K (5), GRAN64K (6).
run -j decode smmuv3.idr5 0x74
check "IDR5 JSON: 44-bit output, all granules" json_valid "$TMP/out" \
	'doc["fields"]["GRAN4K"] and doc["fields"]["GRAN16K"] and doc["fields"]["GRAN64K"]' \
	'doc["fields"]["OAS"]["value"] == 4'
# VT-d CAP 0x00d2008c22260206: MGAW = bits 21:16 = 0x26 -> 39 bits, FRO = bits 33:24
# = 0x22 -> registers at 0x220, NFR = bits 47:40 = 0 -> one register, SAGAW = bits
# 12:8 = 2 -> 3-level tables, ND = 6.
run -j decode vtd.cap 0x00d2008c22260206
check "VT-d CAP from QEMU" json_valid "$TMP/out" 'doc["fields"]["MGAW"] == 39' \
	'doc["fields"]["ND"]["value"] == 6 if isinstance(doc["fields"]["ND"], dict) else doc["fields"]["ND"] in (6, 16)' \
	'doc["fields"]["SAGAW"] in (2, "0x2") or doc["fields"]["SAGAW"].get("value") == 2'
# ECAP 0x0000000000f00f4a: QI (bit 1), IR (bit 3), PT (bit 6), IRO = bits 17:8 = 0xf.
run -j decode vtd.ecap 0x0000000000f00f4a
check "VT-d ECAP from QEMU" json_valid "$TMP/out" 'doc["fields"]["QI"] is True' \
	'doc["fields"]["IR"] is True' 'doc["fields"]["PT"] is True' 'doc["fields"]["C"] is False'
# The STE the QEMU notes describe: V, Config=0b101 (stage 1), CD at 0x40010000.
expect_out "STE: stage-1 stream" 'V\+' decode ste 0x4001000b 0 0 0 0 0 0 0
run -j decode ste 0x4001000b 0 0 0 0 0 0 0
check "STE JSON: config and CD pointer" json_valid "$TMP/out" 'doc["fields"]["V"] is True' \
	'doc["fields"]["Config"]["value"] == 5' 'doc["fields"]["S1ContextPtr"] == "0x40010000"'
# QEMU's fault record for an unmapped DMA read: address, SID 0x8, reason 6, T=1 (read), F.
run -j decode vtd.frcd 0x1000 0xc000000600000008
check "FRCD from QEMU: SID 8, reason 6, read" json_valid "$TMP/out" \
	'doc["fields"]["SID"] == "0x8" or doc["fields"]["SID"] == 8' \
	'doc["fields"]["FR"]["value"] == 6' 'doc["fields"]["F"] is True' 'doc["fields"]["T1"] is True'
expect_out "verbose mode explains fields" 'Stage 1 translation' decode -v smmuv3.idr0 0x2
expect_out "reserved bits are flagged" 'warning: reserved bits set' decode smmuv3.cr0 0x80000000

# --- scripts --------------------------------------------------------------------
cat >"$TMP/script.smmush" <<'S'
# a comment line
decode smmuv3.idr0 \
    0x2    # a continued command with a trailing comment
decode smmuv3.cr0 0xd; decode smmuv3.gbpa 0x100000
S
expect_out "-f: comments, continuation, ';'" 'GBPA' -f "$TMP/script.smmush"
check "-f ran three decodes" test "$(grep -c ' = 0x' "$TMP/out")" -eq 3
run -c 'decode idr0 1; decode no.such.kind 1; decode idr0 2'
check "-c stops at the first failing command" test "$rc" -ne 0 -a "$(grep -c ' = 0x' "$TMP/out")" -eq 1
printf 'decode idr0 0x2\n' >"$TMP/in"
"$SMMUSH" <"$TMP/in" >"$TMP/out" 2>&1
check "commands on standard input" grep -q 'S1P+' "$TMP/out"

# --- bad input: one line on stderr, non-zero exit -----------------------------
expect_fail "unknown kind" decode no.such.kind 0x1
expect_fail "no kind" decode
expect_fail "too few words" decode ste 1 2 3
expect_fail "too many words" decode idr0 1 2
expect_fail "not a number" decode idr0 banana
expect_fail "trailing junk" decode idr0 12zz
expect_fail "negative" decode idr0 -1
expect_fail "too wide for 32 bits" decode idr0 0x100000000
expect_fail "beyond 64 bits" decode vtd.cap 0x10000000000000000
expect_fail "ambiguous prefix" decode cmd.cfgi
expect_fail "acpi: missing file" decode acpi /nonexistent/file
expect_fail "acpi: no file argument" decode acpi
expect_fail "--list takes nothing" decode --list extra
expect_fail "unknown command" frobnicate
expect_fail "unterminated quote" -c "decode 'idr0 1"
expect_fail "-f: missing file" -f /nonexistent/script
run -j decode nope 1
check "-j: bad kind: one line on stderr, and the same as a JSON error object on stdout" \
	test "$rc" -ne 0 -a "$(wc -l <"$TMP/err")" -eq 1 -a "$(wc -l <"$TMP/out")" -eq 1
check "-j: bad kind: the error object" json_valid "$TMP/out" \
	"docs[0]['command'] == 'decode' and docs[0]['error'].startswith('decode: unknown kind')"
run --version
check "--version" grep -q '^smmush [0-9]' "$TMP/out"
run --bogus-option
check "bad option exits 2" test "$rc" -eq 2

finish
