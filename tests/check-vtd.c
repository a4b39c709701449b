/* SPDX-License-Identifier: MIT */
/* Golden decodes of Intel VT-d registers, tables, invalidation descriptors and fault reasons. */
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "decoders/tables.h"
#include "decoders/vtd-fault-reasons.h"

Suite *suite_vtd(void);

/* --- registers ----------------------------------------------------------- */

START_TEST(test_ver_qemu)
{
	/* QEMU 7.2 VER_REG = 0x10: MAX (7:4) = 1, MIN (3:0) = 0 -> version 1.0. */
	const uint64_t w[] = { 0x10 };

	expect_field("vtd.ver", w, "MAX", 1);
	expect_field("vtd.ver", w, "MIN", 0);
	ck_assert_uint_eq(decode_warnings("vtd.ver", w), 0);
}
END_TEST

START_TEST(test_cap_qemu)
{
	/*
	 * QEMU 7.2 CAP_REG = 0x00d2008c22260206.
	 * low dword 0x22260206:
	 *   bits 7:0   = 0x06: ND (2:0) = 6 -> 2^(4+2*6) = 64K domains; AFL (3) = 0;
	 *              RWBF (4), PLMR (5), PHMR (6), CM (7) = 0
	 *   bits 15:8  = 0x02: SAGAW (12:8) = 0b00010 -> 39-bit 3-level only
	 *   bits 23:16 = 0x26: MGAW (21:16) = 0x26 = 38 -> 38+1 = 39 bits; ZLR (22) = 0
	 *   bits 31:24 = 0x22: FRO low bits
	 * high dword 0x00d2008c:
	 *   bits 39:32 = 0x8c = 1000'1100b: FRO (33:32) = 0 -> FRO = 0x22 -> offset 0x220;
	 *              SLLPS (37:34) = 0b0011 (2MiB + 1GiB); bit 38 = 0; PSI (39) = 1
	 *   bits 47:40 = 0x00: NFR = 0 -> 0+1 = 1 fault-recording register
	 *   bits 55:48 = 0xd2 = 1101'0010b: MAMV (53:48) = 0x12 = 18; DWD (54) = 1; DRD (55) = 1
	 *   bits 63:56 = 0x00: FL1GP, PI, FL5LP, ECMDS, ESIRTPS, ESRTPS = 0
	 */
	const uint64_t w[] = { 0x00d2008c22260206ULL };

	expect_field("vtd.cap", w, "ND", 6);
	expect_enum("vtd.cap", w, "ND", "64K");
	expect_field("vtd.cap", w, "AFL", 0);
	expect_field("vtd.cap", w, "RWBF", 0);
	expect_field("vtd.cap", w, "PLMR", 0);
	expect_field("vtd.cap", w, "PHMR", 0);
	expect_field("vtd.cap", w, "CM", 0);
	expect_field("vtd.cap", w, "SAGAW", 0x2);
	expect_field("vtd.cap", w, "MGAW", 0x26);
	expect_field("vtd.cap", w, "ZLR", 0);
	expect_field("vtd.cap", w, "FRO", 0x22);
	expect_field("vtd.cap", w, "SLLPS", 0x3);
	expect_field("vtd.cap", w, "PSI", 1);
	expect_field("vtd.cap", w, "NFR", 0);
	expect_field("vtd.cap", w, "MAMV", 18);
	expect_field("vtd.cap", w, "DWD", 1);
	expect_field("vtd.cap", w, "DRD", 1);
	expect_field("vtd.cap", w, "FL1GP", 0);
	expect_field("vtd.cap", w, "PI", 0);
	expect_field("vtd.cap", w, "FL5LP", 0);
	expect_field("vtd.cap", w, "ESRTPS", 0);
	/* MGAW and NFR are shown with their +1 bias. */
	expect_text("vtd.cap", w, 0, "MGAW=39");
	expect_text("vtd.cap", w, 0, "NFR=1");
	expect_text("vtd.cap", w, 0, "FRO=0x22");
	ck_assert_uint_eq(decode_warnings("vtd.cap", w), 0);
}
END_TEST

START_TEST(test_ecap_qemu)
{
	/*
	 * QEMU 7.2 ECAP_REG = 0x0000000000f00f4a.
	 *   bits 7:0   = 0x4a = 0100'1010b: C (0) = 0, QI (1) = 1, DT (2) = 0, IR (3) = 1,
	 *              EIM (4) = 0, bit 5 = 0, PT (6) = 1, SC (7) = 0
	 *   bits 17:8  = 0x00f: IRO = 0xf -> IOTLB registers at 0xf0
	 *   bits 23:20 = 0xf: MHMV = 15
	 *   bits 63:24 = 0: no nesting, PASID, scalable mode, ...
	 */
	const uint64_t w[] = { 0x0000000000f00f4aULL };

	expect_field("vtd.ecap", w, "C", 0);
	expect_field("vtd.ecap", w, "QI", 1);
	expect_field("vtd.ecap", w, "DT", 0);
	expect_field("vtd.ecap", w, "IR", 1);
	expect_field("vtd.ecap", w, "EIM", 0);
	expect_field("vtd.ecap", w, "PT", 1);
	expect_field("vtd.ecap", w, "SC", 0);
	expect_field("vtd.ecap", w, "IRO", 0xf);
	expect_field("vtd.ecap", w, "MHMV", 0xf);
	expect_field("vtd.ecap", w, "NEST", 0);
	expect_field("vtd.ecap", w, "PASID", 0);
	expect_field("vtd.ecap", w, "SMTS", 0);
	expect_field("vtd.ecap", w, "SLTS", 0);
	expect_field("vtd.ecap", w, "FLTS", 0);
	ck_assert_uint_eq(decode_warnings("vtd.ecap", w), 0);
}
END_TEST

/*
 * CAP and ECAP of real Intel machines, as Linux prints them at boot
 * ("DMAR: dmarN: reg_base_addr ... ver M:m cap ... ecap ...") in public
 * dmesg logs, Haswell to Arrow Lake and Granite Rapids.  Every bit they set
 * is one a VT-d revision or Intel document defines (some retired since), so
 * none may decode as a reserved bit.
 */
static const struct { uint64_t cap, ecap; const char *what; } real_units[] = {
	{ 0x00c0000020e60262ULL, 0x0000000000f0101aULL, "ver 1:0, HAW 36 (CAP.ISOCH)" },
	{ 0x00c0000020660462ULL, 0x0000000000f0101aULL, "ver 1:0, Haswell/Broadwell graphics unit" },
	{ 0x00d2008c20660462ULL, 0x0000000000f010daULL, "ver 1:0, Haswell/Broadwell" },
	{ 0x00d2008c40660462ULL, 0x0000000000f050daULL, "ver 1:0/5:0, Skylake and later" },
	{ 0x01c0000c40660462ULL, 0x0000007e3ff0505eULL, "ver 1:0, ECS, DIS, PASID at bit 28" },
	{ 0x01c0000c40660462ULL, 0x0000007e3ff0501eULL, "ver 1:0" },
	{ 0x01c0000c40660462ULL, 0x0000019e2ff0505eULL, "ver 1:0, ECS, DIS" },
	{ 0x01c0000c40660462ULL, 0x0000029a00f0505eULL, "ver 4:0, Alder Lake" },
	{ 0x01c0000c40660462ULL, 0x0000049e2ff0505eULL, "ver 4:0" },
	{ 0x01c0000c40660462ULL, 0x0000069e2ff0505eULL, "ver 4:0" },
	{ 0x09ed008c40780466ULL, 0x0003ee9e86f050dfULL, "ver 6:0, Xeon" },
	{ 0xc9de008cee690462ULL, 0x0012ca9a00f0ef5eULL, "ver 7:0, Meteor/Arrow Lake" },
	{ 0xf9ed008cee780c66ULL, 0x003fef9ea6f0efdfULL, "ver 7:0, Granite Rapids (ECAP bit 50, TDX Connect)" },
};

START_TEST(test_real_cap_ecap)
{
	for (size_t i = 0; i < sizeof(real_units) / sizeof(real_units[0]); i++) {
		ck_assert_msg(decode_warnings("vtd.cap", &real_units[i].cap) == 0, "CAP 0x%llx (%s) decodes with a warning",
			      (unsigned long long)real_units[i].cap, real_units[i].what);
		ck_assert_msg(decode_warnings("vtd.ecap", &real_units[i].ecap) == 0,
			      "ECAP 0x%llx (%s) decodes with a warning", (unsigned long long)real_units[i].ecap,
			      real_units[i].what);
		free(render_json_checked("vtd.cap", &real_units[i].cap));
		free(render_json_checked("vtd.ecap", &real_units[i].ecap));
	}
	/* golden: the retired bits are named */
	expect_field("vtd.cap", &real_units[0].cap, "ISOCH", 1);
	expect_field("vtd.ecap", &real_units[4].ecap, "ECS", 1);
	expect_field("vtd.ecap", &real_units[4].ecap, "DIS", 1);
	expect_field("vtd.ecap", &real_units[4].ecap, "PASID28", 1);
	expect_field("vtd.ecap", &real_units[12].ecap, "TDXCDID", 1);
	/* a bit nobody defines still warns */
	const uint64_t odd = real_units[3].ecap | 1ULL << 60;
	ck_assert_uint_eq(decode_warnings("vtd.ecap", &odd), 1);
	/* JSON: derived numbers under the field's name, register values under "raw" */
	char *j = render_json_checked("vtd.cap", &real_units[3].cap);
	ck_assert_msg(strstr(j, "\"MGAW\":39") && strstr(j, "\"NFR\":1") && strstr(j, "\"raw\":{") &&
			      strstr(j, "\"MGAW\":38") && strstr(j, "\"NFR\":0"), "%s", j);
	free(j);
	j = render_json_checked("vtd.ecap", &real_units[7].ecap);
	ck_assert_msg(strstr(j, "\"PSS\":20") && strstr(j, "\"PSS\":19"), "%s", j);
	free(j);
}
END_TEST

START_TEST(test_gsts)
{
	/* GSTS_REG 0xc0000000 after SRTP then TE: TES (31) = 1, RTPS (30) = 1, the rest 0. */
	const uint64_t w[] = { 0xc0000000 };
	/* Bit 0 is reserved in GSTS_REG (fields start at bit 23). */
	const uint64_t bad[] = { 0xc0000001 };

	expect_field("vtd.gsts", w, "TES", 1);
	expect_field("vtd.gsts", w, "RTPS", 1);
	expect_field("vtd.gsts", w, "FLS", 0);
	expect_field("vtd.gsts", w, "QIES", 0);
	expect_field("vtd.gsts", w, "IRES", 0);
	expect_field("vtd.gsts", w, "IRTPS", 0);
	expect_field("vtd.gsts", w, "CFIS", 0);
	expect_text("vtd.gsts", w, 0, "TES+");
	expect_text("vtd.gsts", w, 0, "QIES-");
	ck_assert_uint_eq(decode_warnings("vtd.gsts", w), 0);
	ck_assert_uint_gt(decode_warnings("vtd.gsts", bad), 0);
}
END_TEST

START_TEST(test_rtaddr)
{
	/* 0x12340400: RTA (63:12) = 0x12340 -> root table at 0x12340000; TTM (11:10) = 01b. */
	const uint64_t sm[] = { 0x12340400ULL };
	/* 0xc00: TTM = 11b, abort-DMA mode. */
	const uint64_t abort_dma[] = { 0xc00ULL };
	/* Bit 0 is reserved. */
	const uint64_t bad[] = { 0x12340001ULL };

	expect_field("vtd.rtaddr", sm, "RTA", 0x12340);
	expect_enum("vtd.rtaddr", sm, "TTM", "scalable");
	expect_enum("vtd.rtaddr", abort_dma, "TTM", "abort-DMA");
	expect_text("vtd.rtaddr", sm, 0, "RTA=0x12340000");
	ck_assert_uint_eq(decode_warnings("vtd.rtaddr", sm), 0);
	ck_assert_uint_gt(decode_warnings("vtd.rtaddr", bad), 0);
}
END_TEST

START_TEST(test_ccmd)
{
	/* ICC (63) | CIRG (62:61) = 11b device | FM (33:32) = 0 | SID (31:16) = 0x0008 | DID = 1. */
	const uint64_t w[] = { 0xe000000000080001ULL };

	expect_field("vtd.ccmd", w, "ICC", 1);
	expect_enum("vtd.ccmd", w, "CIRG", "device");
	expect_field("vtd.ccmd", w, "SID", 0x8);
	expect_field("vtd.ccmd", w, "DID", 0x1);
	ck_assert_uint_eq(decode_warnings("vtd.ccmd", w), 0);
}
END_TEST

START_TEST(test_fsts_access)
{
	/* PPF (1) set with FRI (15:8) = 0: QEMU's state after a DMA fault. */
	const uint64_t w[] = { 0x2 };
	const struct smmu_desc *d = want_desc("vtd.fsts");

	expect_field("vtd.fsts", w, "PPF", 1);
	expect_field("vtd.fsts", w, "PFO", 0);
	expect_field("vtd.fsts", w, "FRI", 0);
	ck_assert_uint_eq(decode_warnings("vtd.fsts", w), 0);
	/* Status bits are write-1-to-clear; PPF and FRI are read-only. */
	ck_assert_int_eq(smmu_desc_field(d, "PFO")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(d, "IQE")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(d, "ICE")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(d, "ITE")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(d, "PPF")->access, SMMU_A_RO);
	ck_assert_int_eq(smmu_desc_field(d, "FRI")->access, SMMU_A_RO);
	ck_assert_int_eq(smmu_desc_field(want_desc("vtd.frcd"), "F")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(want_desc("vtd.ics"), "IWC")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(want_desc("vtd.prs"), "PPR")->access, SMMU_A_W1C);
	ck_assert_int_eq(smmu_desc_field(want_desc("vtd.prs"), "PRO")->access, SMMU_A_W1C);
}
END_TEST

START_TEST(test_frcd_qemu)
{
	/*
	 * The record QEMU 7.2 left for an edu DMA read from an unmapped IOVA:
	 * word0 = faulting page 0x12345000 (FI, 63:12);
	 * word1 = F (63) | T1 (62, 1 = read) | FR (39:32) = 0x06 | SID (15:0) = 0x0008
	 *       = 0x8000000000000000 | 0x4000000000000000 | 0x0000000600000000 | 0x8
	 *       = 0xc000000600000008.  In 128-bit terms: F = bit 127, T1 = bit 126.
	 */
	const uint64_t w[] = { 0x12345000ULL, 0xc000000600000008ULL };
	char *json;

	expect_field("vtd.frcd", w, "FI", 0x12345);
	expect_field("vtd.frcd", w, "SID", 0x8);
	expect_field("vtd.frcd", w, "FR", 0x6);
	expect_enum("vtd.frcd", w, "FR", "PTE read access is not set");
	expect_field("vtd.frcd", w, "T1", 1);
	expect_field("vtd.frcd", w, "T2", 0);
	expect_field("vtd.frcd", w, "F", 1);
	expect_field("vtd.frcd", w, "PP", 0);
	expect_field("vtd.frcd", w, "PV", 0);
	expect_field("vtd.frcd", w, "EXE", 0);
	expect_field("vtd.frcd", w, "PRIV", 0);
	expect_enum("vtd.frcd", w, "AT", "untranslated");
	expect_text("vtd.frcd", w, 0, "FI=0x12345000");
	ck_assert_uint_eq(decode_warnings("vtd.frcd", w), 0);
	json = render_json_checked("vtd.frcd", w);
	ck_assert_ptr_nonnull(strstr(json, "\"FR\""));
	free(json);
}
END_TEST

START_TEST(test_frcd_pasid_bits)
{
	/*
	 * Scalable-mode record: PP (95 = word1 bit 31), EXE (94 = bit 30), PRIV (93 = bit 29),
	 * T2 (92 = bit 28), PV (123:104 = word1 59:40) = 0x12345, FR = 0x82, AT (61:60) = 10b.
	 * word1 = F | AT 10b<<60 | PV 0x12345<<40 | FR 0x82<<32 | PP | EXE | PRIV | SID 0x0100
	 *       = 0x8000000000000000 | 0x2000000000000000 | 0x0123450000000000
	 *       | 0x0000008200000000 | 0xe0000000 | 0x100 = 0xa1234582e0000100
	 * Bits 27:16 of word1 and 11:0 of word0 are reserved.
	 */
	const uint64_t w[] = { 0x7000ULL, 0xa1234582e0000100ULL };
	const uint64_t bad[] = { 0x7000ULL, 0xa1234582e0010100ULL };

	expect_field("vtd.frcd", w, "PP", 1);
	expect_field("vtd.frcd", w, "EXE", 1);
	expect_field("vtd.frcd", w, "PRIV", 1);
	expect_field("vtd.frcd", w, "T2", 0);
	expect_field("vtd.frcd", w, "T1", 0);
	expect_field("vtd.frcd", w, "PV", 0x12345);
	expect_field("vtd.frcd", w, "SID", 0x100);
	expect_enum("vtd.frcd", w, "FR", "SM: No execute permission for request with ER=1");
	expect_enum("vtd.frcd", w, "AT", "translated");
	ck_assert_uint_eq(decode_warnings("vtd.frcd", w), 0);
	ck_assert_uint_gt(decode_warnings("vtd.frcd", bad), 0);
}
END_TEST

START_TEST(test_iotlb_regs)
{
	/* IVA_REG: ADDR 0x40000000, IH (6) = 1, AM (5:0) = 9 (2MiB). */
	const uint64_t iva[] = { 0x40000049ULL };
	/*
	 * IOTLB_REG: IVT (63) | IIRG (61:60) = 11b page | DR (49) | DW (48) | DID (47:32) = 5
	 *          = 0x8000000000000000 | 0x3000000000000000 | 0x0003000000000000 | 0x0000000500000000
	 */
	const uint64_t iotlb[] = { 0xb003000500000000ULL };

	expect_field("vtd.iva", iva, "AM", 9);
	expect_field("vtd.iva", iva, "IH", 1);
	expect_field("vtd.iva", iva, "ADDR", 0x40000);
	ck_assert_uint_eq(decode_warnings("vtd.iva", iva), 0);
	expect_field("vtd.iotlb", iotlb, "IVT", 1);
	expect_enum("vtd.iotlb", iotlb, "IIRG", "page");
	expect_field("vtd.iotlb", iotlb, "DR", 1);
	expect_field("vtd.iotlb", iotlb, "DW", 1);
	expect_field("vtd.iotlb", iotlb, "DID", 5);
	ck_assert_uint_eq(decode_warnings("vtd.iotlb", iotlb), 0);
	ck_assert(want_desc("vtd.iva")->flags & SMMU_D_DYNAMIC);
	ck_assert(want_desc("vtd.iotlb")->flags & SMMU_D_DYNAMIC);
	ck_assert(want_desc("vtd.frcd")->flags & SMMU_D_DYNAMIC);
}
END_TEST

START_TEST(test_queue_regs)
{
	/* IQA_REG: base 0x7f000000, DW (11) = 1 (256-bit), QS (2:0) = 1 -> 8KiB. */
	const uint64_t iqa[] = { 0x7f000801ULL };
	/* IRTA_REG: base 0x7e000000, EIME (11) = 1, S (3:0) = 0xf -> 2^16 entries. */
	const uint64_t irta[] = { 0x7e00080fULL };
	/* IQT_REG: tail at byte offset 0x40 (QT, 18:4). */
	const uint64_t iqt[] = { 0x40ULL };

	expect_field("vtd.iqa", iqa, "IQA", 0x7f000);
	expect_enum("vtd.iqa", iqa, "DW", "256-bit");
	expect_text("vtd.iqa", iqa, 0, "QS=2^13");
	expect_field("vtd.irta", irta, "EIME", 1);
	expect_text("vtd.irta", irta, 0, "S=2^16");
	expect_text("vtd.iqt", iqt, 0, "QT=0x40");
	ck_assert_uint_eq(decode_warnings("vtd.iqa", iqa), 0);
	ck_assert_uint_eq(decode_warnings("vtd.irta", irta), 0);
	ck_assert_uint_eq(decode_warnings("vtd.iqt", iqt), 0);
}
END_TEST

START_TEST(test_reg_offsets)
{
	static const struct {
		const char *kind;
		uint32_t offset;
	} regs[] = {
		{ "vtd.ver", 0x0 },       { "vtd.cap", 0x8 },       { "vtd.ecap", 0x10 },
		{ "vtd.gcmd", 0x18 },     { "vtd.gsts", 0x1c },     { "vtd.rtaddr", 0x20 },
		{ "vtd.ccmd", 0x28 },     { "vtd.fsts", 0x34 },     { "vtd.fectl", 0x38 },
		{ "vtd.fedata", 0x3c },   { "vtd.feaddr", 0x40 },   { "vtd.feuaddr", 0x44 },
		{ "vtd.aflog", 0x58 },    { "vtd.pmen", 0x64 },     { "vtd.plmbase", 0x68 },
		{ "vtd.plmlimit", 0x6c }, { "vtd.phmbase", 0x70 },  { "vtd.phmlimit", 0x78 },
		{ "vtd.iqh", 0x80 },      { "vtd.iqt", 0x88 },      { "vtd.iqa", 0x90 },
		{ "vtd.ics", 0x9c },      { "vtd.iectl", 0xa0 },    { "vtd.iedata", 0xa4 },
		{ "vtd.ieaddr", 0xa8 },   { "vtd.ieuaddr", 0xac },  { "vtd.iqercd", 0xb0 },
		{ "vtd.irta", 0xb8 },     { "vtd.pqh", 0xc0 },      { "vtd.pqt", 0xc8 },
		{ "vtd.pqa", 0xd0 },      { "vtd.prs", 0xdc },      { "vtd.pectl", 0xe0 },
		{ "vtd.pedata", 0xe4 },   { "vtd.peaddr", 0xe8 },   { "vtd.peuaddr", 0xec },
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		const struct smmu_desc *d = want_desc(regs[i].kind);
		ck_assert_msg(d->flags & SMMU_D_REGISTER, "%s is not a register", regs[i].kind);
		ck_assert_msg(!(d->flags & SMMU_D_DYNAMIC), "%s is dynamic", regs[i].kind);
		ck_assert_msg(d->offset == regs[i].offset, "%s at 0x%x, expected 0x%x", regs[i].kind,
			      d->offset, regs[i].offset);
		ck_assert_int_eq(d->nwords, 1);
	}
}
END_TEST

/* --- tables -------------------------------------------------------------- */

START_TEST(test_root_entry)
{
	/* Root entry = context table 0x12345000 | P: CTP (63:12) = 0x12345, P (0) = 1. */
	const uint64_t w[] = { 0x12345001ULL, 0 };
	/* Bit 1 of word0 and any bit of word1 are reserved in a legacy root entry. */
	const uint64_t bad0[] = { 0x12345003ULL, 0 };
	const uint64_t bad1[] = { 0x12345001ULL, 1 };

	expect_field("vtd.root", w, "P", 1);
	expect_field("vtd.root", w, "CTP", 0x12345);
	expect_text("vtd.root", w, 0, "CTP=0x12345000");
	ck_assert_uint_eq(decode_warnings("vtd.root", w), 0);
	ck_assert_uint_gt(decode_warnings("vtd.root", bad0), 0);
	ck_assert_uint_gt(decode_warnings("vtd.root", bad1), 0);
}
END_TEST

START_TEST(test_context_entry)
{
	/*
	 * Legacy context entry as smmush programs QEMU: low = SL table 0x23456000 | P,
	 * TT (3:2) = 00b; high = DID << 8 | AW = (0x1 << 8) | 1 = 0x101 (AW 1 = 39-bit 3-level).
	 */
	const uint64_t w[] = { 0x23456001ULL, 0x101ULL };
	/* Bit 7 of the high word is reserved; AVAIL (6:3) is not. */
	const uint64_t avail[] = { 0x23456001ULL, 0x179ULL };
	const uint64_t bad[] = { 0x23456001ULL, 0x181ULL };
	char *json;

	expect_field("vtd.ctx", w, "P", 1);
	expect_field("vtd.ctx", w, "FPD", 0);
	expect_field("vtd.ctx", w, "TT", 0);
	expect_enum("vtd.ctx", w, "TT", "second-level");
	expect_field("vtd.ctx", w, "SLPTPTR", 0x23456);
	expect_field("vtd.ctx", w, "AW", 1);
	expect_enum("vtd.ctx", w, "AW", "39-bit 3-level");
	expect_field("vtd.ctx", w, "DID", 1);
	ck_assert_uint_eq(decode_warnings("vtd.ctx", w), 0);
	ck_assert_uint_eq(decode_warnings("vtd.ctx", avail), 0);
	ck_assert_uint_gt(decode_warnings("vtd.ctx", bad), 0);
	json = render_json_checked("vtd.ctx", w);
	free(json);
}
END_TEST

START_TEST(test_sm_entries)
{
	/* Scalable root: LCTP 0x1000 | LP, UCTP 0x2000 | UP. */
	const uint64_t root[] = { 0x1001ULL, 0x2001ULL };
	/* Scalable context: PASID directory 0x3000 | PDTS (11:9) = 1 | PASIDE (3) | P; RID_PASID 0. */
	const uint64_t ctx[] = { 0x3209ULL, 0, 0, 0 };
	/* PASID directory entry: table 0x4000 | P. */
	const uint64_t dir[] = { 0x4001ULL };
	/*
	 * PASID table entry, second-level only: word0 = SLPTPTR 0x45678000 | PGTT (8:6) = 010b
	 * (0x80) | AW (4:2) = 001b (0x4) | P = 0x45678085; word1 = DID 0x10;
	 * word2 = FLPM (3:2) = 01b (0x4) | SRE (0) = 0x5.
	 */
	const uint64_t pe[] = { 0x45678085ULL, 0x10ULL, 0x5ULL, 0, 0, 0, 0, 0 };
	const uint64_t pe_bad[] = { 0x45678085ULL, 0x10ULL, 0x5ULL, 0, 0, 0, 0, 1 };

	expect_field("vtd.sm.root", root, "LP", 1);
	expect_field("vtd.sm.root", root, "LCTP", 0x1);
	expect_field("vtd.sm.root", root, "UP", 1);
	expect_field("vtd.sm.root", root, "UCTP", 0x2);
	ck_assert_uint_eq(decode_warnings("vtd.sm.root", root), 0);

	expect_field("vtd.sm.ctx", ctx, "P", 1);
	expect_field("vtd.sm.ctx", ctx, "PASIDE", 1);
	expect_field("vtd.sm.ctx", ctx, "PDTS", 1);
	expect_text("vtd.sm.ctx", ctx, 0, "PDTS=2^8");
	expect_field("vtd.sm.ctx", ctx, "PASIDDIRPTR", 0x3);
	ck_assert_uint_eq(decode_warnings("vtd.sm.ctx", ctx), 0);

	expect_field("vtd.pasid.dir", dir, "P", 1);
	expect_field("vtd.pasid.dir", dir, "SMPTBLPTR", 0x4);
	ck_assert_uint_eq(decode_warnings("vtd.pasid.dir", dir), 0);

	expect_enum("vtd.pasid", pe, "PGTT", "second-level");
	expect_enum("vtd.pasid", pe, "AW", "39-bit 3-level");
	expect_field("vtd.pasid", pe, "SLPTPTR", 0x45678);
	expect_field("vtd.pasid", pe, "DID", 0x10);
	expect_field("vtd.pasid", pe, "SRE", 1);
	expect_enum("vtd.pasid", pe, "FLPM", "5-level");
	ck_assert_uint_eq(decode_warnings("vtd.pasid", pe), 0);
	ck_assert_uint_gt(decode_warnings("vtd.pasid", pe_bad), 0);
}
END_TEST

/* --- invalidation descriptors -------------------------------------------- */

START_TEST(test_inv_variants)
{
	static const char *const kinds[] = {
		NULL, "vtd.inv.cc", "vtd.inv.iotlb", "vtd.inv.dev-tlb", "vtd.inv.iec",
		"vtd.inv.wait", "vtd.inv.piotlb", "vtd.inv.pc", "vtd.inv.pdev-tlb",
	};
	const struct smmu_desc *base = want_desc("vtd.inv");

	for (uint64_t t = 1; t <= 8; t++) {
		const uint64_t w[] = { t, 0 };
		bool matched = false;
		const struct smmu_desc *r = smmu_desc_resolve(base, w, &matched);

		ck_assert_msg(matched, "type %u not matched", (unsigned)t);
		ck_assert_str_eq(r->kind, kinds[t]);
		ck_assert_ptr_eq(r, want_desc(kinds[t]));
		expect_field("vtd.inv", w, "Type", t);
		ck_assert_uint_eq(decode_warnings("vtd.inv", w), 0);
	}
}
END_TEST

START_TEST(test_inv_wait)
{
	/*
	 * Invalidation wait: word0 = Type 5 | SW (5) | StatusData (63:32) = 1
	 *                          = 0x0000000100000025;
	 * word1 = StatusAddr (63:2): 0x7ffe0000 -> raw 0x7ffe0000 >> 2 = 0x1fff8000.
	 */
	const uint64_t w[] = { 0x0000000100000025ULL, 0x7ffe0000ULL };
	/* Bits 1:0 of word1 are reserved (the status address is DWORD aligned). */
	const uint64_t bad[] = { 0x0000000100000025ULL, 0x7ffe0002ULL };
	char *json;

	expect_enum("vtd.inv", w, "Type", "invalidation wait");
	expect_field("vtd.inv", w, "SW", 1);
	expect_field("vtd.inv", w, "IF", 0);
	expect_field("vtd.inv", w, "FN", 0);
	expect_field("vtd.inv", w, "PD", 0);
	expect_field("vtd.inv", w, "StatusData", 1);
	expect_field("vtd.inv", w, "StatusAddr", 0x1fff8000);
	expect_text("vtd.inv", w, 0, "StatusAddr=0x7ffe0000");
	ck_assert_uint_eq(decode_warnings("vtd.inv", w), 0);
	ck_assert_uint_eq(decode_warnings("vtd.inv.wait", w), 0);
	ck_assert_uint_gt(decode_warnings("vtd.inv", bad), 0);
	json = render_json_checked("vtd.inv", w);
	ck_assert_ptr_nonnull(strstr(json, "vtd.inv.wait"));
	free(json);
}
END_TEST

START_TEST(test_inv_fields)
{
	/* Context-cache, device-selective: G (5:4) = 11b, DID (31:16) = 2, SID (47:32) = 0x0008. */
	const uint64_t cc[] = { 0x0000000800020031ULL, 0 };
	/* IOTLB, page-selective: G (5:4) = 11b | DW (6) | DR (7) -> 0xf2; DID (31:16) = 2;
	 * word1 = ADDR 0x40000000 | AM 0. */
	const uint64_t iotlb[] = { 0x00000000000200f2ULL, 0x40000000ULL };
	/* Interrupt entry cache, index-selective: G (4) = 1, IM (31:27) = 2, IIDX (47:32) = 0x20. */
	const uint64_t iec[] = { 0x0000002010000014ULL, 0 };
	/* PASID-based IOTLB: G = 11b, DID 3, PASID (51:32) = 0x12345; ADDR 0x5000, AM 1. */
	const uint64_t piotlb[] = { 0x0001234500030036ULL, 0x5001ULL };

	expect_enum("vtd.inv", cc, "G", "device");
	expect_field("vtd.inv", cc, "DID", 2);
	expect_field("vtd.inv", cc, "SID", 8);
	ck_assert_uint_eq(decode_warnings("vtd.inv", cc), 0);

	expect_enum("vtd.inv", iotlb, "G", "page");
	expect_field("vtd.inv", iotlb, "DW", 1);
	expect_field("vtd.inv", iotlb, "DR", 1);
	expect_field("vtd.inv", iotlb, "DID", 2);
	expect_field("vtd.inv", iotlb, "ADDR", 0x40000);
	ck_assert_uint_eq(decode_warnings("vtd.inv", iotlb), 0);

	expect_enum("vtd.inv", iec, "G", "index");
	expect_field("vtd.inv", iec, "IM", 2);
	expect_field("vtd.inv", iec, "IIDX", 0x20);
	ck_assert_uint_eq(decode_warnings("vtd.inv", iec), 0);

	expect_enum("vtd.inv", piotlb, "G", "page-in-PASID");
	expect_field("vtd.inv", piotlb, "PASID", 0x12345);
	expect_field("vtd.inv", piotlb, "DID", 3);
	expect_field("vtd.inv", piotlb, "AM", 1);
	ck_assert_uint_eq(decode_warnings("vtd.inv", piotlb), 0);
}
END_TEST

START_TEST(test_inv_unknown)
{
	/* Type 0xf is not defined: the base decodes Type only and warns. */
	const uint64_t w[] = { 0xfULL, 0 };
	/* Type bits 6:4 live in word0 11:9; set, they make an unknown type (0x11) that warns. */
	const uint64_t hi[] = { 0x201ULL, 0 };
	bool matched = true;

	smmu_desc_resolve(want_desc("vtd.inv"), w, &matched);
	ck_assert(!matched);
	ck_assert_uint_gt(decode_warnings("vtd.inv", w), 0);
	expect_text("vtd.inv", w, 0, "Type=??15");
	ck_assert_uint_gt(decode_warnings("vtd.inv", hi), 0);
}
END_TEST

/* --- fault reasons ------------------------------------------------------- */

START_TEST(test_fault_reason_decode)
{
	const uint64_t w[] = { 0x6 };
	const uint64_t unknown[] = { 0x6f };

	expect_enum("vtd.fault-reason", w, "FR", "PTE read access is not set");
	expect_text("vtd.fault-reason", w, 0, "FR=PTE read access is not set");
	expect_text("vtd.fault-reason", unknown, 0, "FR=??111");
	ck_assert_uint_eq(decode_warnings("vtd.fault-reason", w), 0);
	/* One table serves FRCD_REG.FR and the standalone decoder. */
	ck_assert_ptr_eq(smmu_desc_field(want_desc("vtd.frcd"), "FR")->enums, vtd_fault_reasons);
	ck_assert_ptr_eq(smmu_desc_field(want_desc("vtd.fault-reason"), "FR")->enums,
			 vtd_fault_reasons);
}
END_TEST

START_TEST(test_fault_reasons_named)
{
	/* Every code of reference/fault-codes.md has a name. */
	static const uint8_t codes[] = {
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
		0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
		0x30, 0x31, 0x32, 0x33, 0x38, 0x39, 0x3a,
		0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x50, 0x51, 0x52, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,
		0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d,
		0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x90, 0x91,
	};
	const struct smmu_field *fr = smmu_desc_field(want_desc("vtd.fault-reason"), "FR");
	size_t n = 0;

	for (size_t i = 0; i < sizeof(codes); i++) {
		const char *name = smmu_enum_name(fr, codes[i]);
		ck_assert_msg(name && *name, "fault reason 0x%02x has no name", codes[i]);
	}
	/* The table: 8-bit values, each once, in ascending order, names non-empty and distinct. */
	for (const struct smmu_enum *e = vtd_fault_reasons; e->name; e++, n++) {
		ck_assert_msg(e->value > 0 && e->value <= 0xff, "bad code 0x%llx",
			      (unsigned long long)e->value);
		ck_assert(*e->name);
		if (n)
			ck_assert_msg(e[-1].value < e->value, "0x%llx out of order",
				      (unsigned long long)e->value);
		for (const struct smmu_enum *o = vtd_fault_reasons; o != e; o++)
			ck_assert_msg(strcmp(o->name, e->name), "name '%s' twice", e->name);
	}
	ck_assert_uint_ge(n, sizeof(codes));
	/* 0x73 and 0x75 are about the FL-PML4 entry (the entry FLPTPTR points to) */
	ck_assert_ptr_nonnull(strstr(smmu_enum_name(fr, 0x73), "FL-PML4 entry"));
	ck_assert_ptr_nonnull(strstr(smmu_enum_name(fr, 0x75), "FL-PML4 entry"));
}
END_TEST

/* --- every VT-d descriptor is well formed -------------------------------- */

static void check_desc(const struct smmu_desc *d)
{
	uint64_t seen[8] = { 0 };

	ck_assert_msg(!strncmp(d->kind, "vtd.", 4), "%s: kind prefix", d->kind);
	ck_assert_msg(d->name && *d->name && d->title && *d->title, "%s: name/title", d->kind);
	ck_assert_msg(d->width == 32 || d->width == 64, "%s: width", d->kind);
	ck_assert_msg(d->nwords >= 1 && d->nwords <= 8, "%s: nwords", d->kind);
	if (d->flags & SMMU_D_DYNAMIC)
		ck_assert_msg(d->offset == 0, "%s: dynamic with an offset", d->kind);
	for (const struct smmu_field *f = d->fields; f && f->name; f++) {
		uint64_t mask;
		ck_assert_msg(*f->name && f->help && *f->help, "%s.%s: name/help", d->kind, f->name);
		ck_assert_msg(f->word < d->nwords && f->hi < d->width && f->lo <= f->hi,
			      "%s.%s: bits out of range", d->kind, f->name);
		mask = SMMU_GENMASK(f->hi, f->lo);
		ck_assert_msg(!(seen[f->word] & mask), "%s.%s overlaps", d->kind, f->name);
		seen[f->word] |= mask;
		ck_assert_msg((f->fmt == SMMU_F_ENUM) == (f->enums != NULL), "%s.%s: enums", d->kind,
			      f->name);
		for (const struct smmu_enum *e = f->enums; e && e->name; e++) {
			ck_assert_msg(*e->name, "%s.%s: empty enum name", d->kind, f->name);
			ck_assert_msg(f->hi - f->lo == 63 || e->value < (1ULL << (f->hi - f->lo + 1)),
				      "%s.%s: %s does not fit", d->kind, f->name, e->name);
			for (const struct smmu_enum *o = f->enums; o != e; o++)
				ck_assert_msg(o->value != e->value, "%s.%s: value twice", d->kind,
					      f->name);
		}
		for (const struct smmu_field *g = d->fields; g != f; g++)
			ck_assert_msg(strcmp(g->name, f->name), "%s.%s twice", d->kind, f->name);
	}
	for (const struct smmu_variant *v = d->variants; v && v->desc; v++) {
		ck_assert_msg(v->desc->nwords == d->nwords && v->desc->width == d->width,
			      "%s: variant %s shape", d->kind, v->desc->kind);
		ck_assert_msg(v->value < (1ULL << (d->sel_hi - d->sel_lo + 1)), "%s: selector",
			      d->kind);
	}
}

START_TEST(test_descs_well_formed)
{
	const struct smmu_desc *const *lists[] = { smmu_descs_vtd_regs, smmu_descs_vtd_structs };

	for (size_t l = 0; l < 2; l++)
		for (const struct smmu_desc *const *d = lists[l]; *d; d++) {
			const struct smmu_desc *found = NULL;
			check_desc(*d);
			/* Each kind is found by its exact name and resolves to itself. */
			ck_assert_int_eq(smmu_decoder_find((*d)->kind, &found, NULL), 0);
			ck_assert_ptr_eq(found, *d);
		}
	/* Suffixes users type. */
	ck_assert_ptr_eq(want_desc("frcd"), want_desc("vtd.frcd"));
	ck_assert_ptr_eq(want_desc("gcmd"), want_desc("vtd.gcmd"));
	ck_assert_ptr_eq(want_desc("inv.wait"), want_desc("vtd.inv.wait"));
}
END_TEST

Suite *suite_vtd(void)
{
	Suite *s = suite_create("vtd");
	TCase *regs = tcase_create("registers");
	TCase *tables = tcase_create("tables");
	TCase *inv = tcase_create("invalidation");
	TCase *faults = tcase_create("fault-reasons");
	TCase *shape = tcase_create("shape");

	tcase_add_test(regs, test_ver_qemu);
	tcase_add_test(regs, test_cap_qemu);
	tcase_add_test(regs, test_ecap_qemu);
	tcase_add_test(regs, test_real_cap_ecap);
	tcase_add_test(regs, test_gsts);
	tcase_add_test(regs, test_rtaddr);
	tcase_add_test(regs, test_ccmd);
	tcase_add_test(regs, test_fsts_access);
	tcase_add_test(regs, test_frcd_qemu);
	tcase_add_test(regs, test_frcd_pasid_bits);
	tcase_add_test(regs, test_iotlb_regs);
	tcase_add_test(regs, test_queue_regs);
	tcase_add_test(regs, test_reg_offsets);
	suite_add_tcase(s, regs);

	tcase_add_test(tables, test_root_entry);
	tcase_add_test(tables, test_context_entry);
	tcase_add_test(tables, test_sm_entries);
	suite_add_tcase(s, tables);

	tcase_add_test(inv, test_inv_variants);
	tcase_add_test(inv, test_inv_wait);
	tcase_add_test(inv, test_inv_fields);
	tcase_add_test(inv, test_inv_unknown);
	suite_add_tcase(s, inv);

	tcase_add_test(faults, test_fault_reason_decode);
	tcase_add_test(faults, test_fault_reasons_named);
	suite_add_tcase(s, faults);

	tcase_add_test(shape, test_descs_well_formed);
	suite_add_tcase(s, shape);
	return s;
}
