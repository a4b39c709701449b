#!/usr/bin/env bash
# domain create in the format a user wants to test (stage, granule, input
# and output sizes, VT-d levels) and nested domains (a stage-1 "guest"
# domain inside a stage-2 "host" one): DMA through them on sim, xlate
# showing both stages, and one clear error naming the limit otherwise.
# shellcheck disable=SC2154 # lib.sh sets rc/out/err
. "${srcdir:-$(dirname "$0")/..}/tests/lib.sh"

V=(--target sim:virt)
NEST="own; domain create h --stage2; domain create g --nested-in h; attach 00:01.0 g; map h 0x80000000 0x41000000 2M rw; map g 0x10000 0x80003000 4K rw"

# --- nested (part A) ---------------------------------------------------------------
expect_out "nested: test DMA goes through both stages" "dma 00:01.0 read 0x10000 16: done" \
	"${V[@]}" -c "$NEST; dma 00:01.0 read 0x10000 16"
expect_out "nested: xlate shows stage 2 under every stage-1 level" "^    stage 2: IPA 0x[0-9a-f]+ -> PA 0x[0-9a-f]+" \
	"${V[@]}" -c "$NEST; xlate 00:01.0 0x10000 r"
expect_out "nested: xlate shows the output through stage 2" "^  stage 2: IPA 0x80003000 -> PA 0x41003000" \
	"${V[@]}" -c "$NEST; xlate 00:01.0 0x10000 r"
expect_json "nested: xlate JSON: both stages and the result" "${V[@]}" -c "$NEST; xlate 00:01.0 0x10010 r" -- \
	'docs[-1]["nested"] is True' \
	'docs[-1]["result"]["pa"] == "0x41003010" and docs[-1]["result"]["ipa"] == "0x80003010"' \
	'all(l["stage2"]["translated"] for l in docs[-1]["levels"])' \
	'docs[-1]["stage2_output"]["pa"] == "0x41003010"'
expect_json "nested: a fault in stage 2 of the output says which stage stopped" "${V[@]}" -c \
	"$NEST; map g 0x20000 0x90000000 4K rw; xlate 00:01.0 0x20000 r" -- \
	'docs[-1]["result"]["stage"] == 2 and docs[-1]["result"]["stop"] == "stage2_output"' \
	'docs[-1]["stage2_output"]["fault"] == "invalid"'
expect_out "nested: the fault of a DMA there is explained by stage" "stage 2 stopped at level" \
	"${V[@]}" -c "$NEST; map g 0x20000 0x90000000 4K rw; dma 00:01.0 read 0x20000 16; faults --explain"
expect_err "nested: needs --nested-in" "a nested domain needs --nested-in" "${V[@]}" domain create g --stage nested
expect_err "nested: the parent must be stage 2" "is not a stage-2 domain" \
	"${V[@]}" -c "domain create h; domain create g --nested-in h"
expect_err "nested: no stage 2 on the SMMU (QEMU 7.2's case)" "IDR0.S2P=0; QEMU 7.2" \
	"${V[@]}" -O stage2=off -c "domain create h --stage2"

# --- geometry (part B) -------------------------------------------------------------
for gran in 4K 16K 64K; do
	expect_out "geometry: $gran granule, 40-bit input: DMA through it" "dma 00:01.0 read 0x8000000000 16: done" \
		"${V[@]}" -c "own; domain create d --granule $gran --ias 40; attach 00:01.0 d; map d 0x8000000000 0x41000000 $gran rw; dma 00:01.0 read 0x8000000000 16"
done
expect_out "geometry: stage 2 with 64K, 36-bit IPA" "\(stage 2\), 64 KiB granule, 36-bit input" \
	"${V[@]}" domain create d --stage 2 --granule 64K --ias 36
expect_err "geometry: an output size beyond the SMMU's names IDR5.OAS" "beyond the SMMU's OAS \(48 bits, IDR5.OAS\)" \
	"${V[@]}" domain create d --oas 52
expect_err "geometry: levels are VT-d's" "levels are VT-d's" "${V[@]}" domain create d --levels 4
expect_err "geometry: a granule that does not exist" "--granule '8K' is not 4K, 16K or 64K" "${V[@]}" domain create d --granule 8K
Q=(--target sim:q35)
for l in 3 4 5; do
	expect_out "geometry: VT-d $l levels (MGAW 57): DMA through it" "dma 00:01.0 read 0x1000 16: done" \
		"${Q[@]}" -O aw=57 -c "own; domain create d --levels $l; attach 00:01.0 d; map d 0x1000 0x100000 4K rw; dma 00:01.0 read 0x1000 16"
done
expect_err "geometry: VT-d levels the unit lacks name CAP.SAGAW" "no 5-level second-level tables \(CAP.SAGAW=0x2\)" \
	"${Q[@]}" domain create d --levels 5
expect_err "geometry: VT-d first level without scalable mode" "first-level tables need scalable mode" \
	"${Q[@]}" domain create d --first-level
expect_err "geometry: VT-d has 4K pages only" "no 64 KiB granule" "${Q[@]}" domain create d --granule 64K
# a unit with VMSAv8-32 LPAE tables only (sim -O ttf=aa32): smmush's domains
# are VMSAv8-64, so creating one is refused, naming the limit
expect_err "ttf=aa32: domain create refused" "domain create: d: .*VMSAv8-64 tables, which this SMMU lacks \(IDR0.TTF" \
	--target sim:virt -O ttf=aa32 -c 'own; domain create d'

finish
