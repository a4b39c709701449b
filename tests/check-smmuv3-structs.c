/* SPDX-License-Identifier: MIT */
/*
 * Golden decodes of SMMUv3 structures (STE, L1STD, CD, L1CD) and commands.
 * Every vector is raw words plus the decode derived from Arm IHI 0070 by hand;
 * the bit arithmetic is written out beside each one.  ADDR fields are checked
 * as raw field values (the bits shifted down), as smmu_decode_get returns them.
 */
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

/* --- STE ------------------------------------------------------------------- */

START_TEST(ste_stage1_like_qemu)
{
	/* The stage 1 STE that works on QEMU's virt SMMUv3: V | Config=0b101 << 1 | CD address.
	 * 0x1 | 0x5 << 1 = 0xb; CD at 0x40010000 -> dword0 = 0x4001000b.
	 * S1ContextPtr is bits [55:6]: raw = 0x40010000 >> 6 = 0x1000400. */
	const uint64_t w[8] = { 0x4001000bULL };

	expect_field("smmuv3.ste", w, "V", 1);
	expect_field("smmuv3.ste", w, "Config", 5);
	expect_enum("smmuv3.ste", w, "Config", "S1Trans");
	expect_enum("smmuv3.ste", w, "S1Fmt", "Linear");
	expect_field("smmuv3.ste", w, "S1ContextPtr", 0x1000400);
	expect_field("smmuv3.ste", w, "S1CDMax", 0);
	expect_enum("smmuv3.ste", w, "S1DSS", "Terminate");
	expect_enum("smmuv3.ste", w, "EATS", "Abort");
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", w), 0);
	expect_text("smmuv3.ste", w, 0, "Config=S1Trans");
	expect_text("smmuv3.ste", w, 0, "S1ContextPtr=0x40010000");
	free(render_json_checked("smmuv3.ste", w));
	/* The same STE found by its suffix. */
	expect_field("ste", w, "V", 1);
}
END_TEST

START_TEST(ste_bypass_and_abort)
{
	/* Bypass: V | 0b100 << 1 = 0x1 | 0x8 = 0x9.  Abort: V | 0b000 << 1 = 0x1. */
	const uint64_t bypass[8] = { 0x9 }, abort_[8] = { 0x1 }, reserved_cfg[8] = { 0x3 };

	expect_enum("smmuv3.ste", bypass, "Config", "Bypass");
	expect_field("smmuv3.ste", bypass, "V", 1);
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", bypass), 0);
	expect_enum("smmuv3.ste", abort_, "Config", "Abort");
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", abort_), 0);
	/* Config=0b001 is reserved (behaves as abort): decoded, with no name. */
	expect_field("smmuv3.ste", reserved_cfg, "Config", 1);
	expect_text("smmuv3.ste", reserved_cfg, 0, "Config=??1");
}
END_TEST

START_TEST(ste_stage2)
{
	/* Stage 2 only: dword0 = V | 0b110 << 1 = 0xd.
	 * dword2 = S2VMID 1 | S2T0SZ 25 << 32 (39-bit IPA) | S2SL0 1 << 38 | S2IR0 1 << 40
	 *        | S2OR0 1 << 42 | S2SH0 3 << 44 | S2TG 0 << 46 (4KB) | S2PS 2 << 48 (40 bits)
	 *        | S2AA64 1 << 51 | S2R 1 << 58
	 *   bits 32-39: 0x19 | 0x40 = 0x59; bits 40-47: 0x01 | 0x04 | 0x30 = 0x35;
	 *   bits 48-55: 0x02 | 0x08 = 0x0a; bits 56-63: 0x04 -> 0x040a355900000001.
	 * dword3 = S2TTB 0x40200000, bits [55:4]: raw = 0x40200000 >> 4 = 0x4020000. */
	const uint64_t w[8] = { 0xd, 0, 0x040a355900000001ULL, 0x40200000ULL };

	expect_enum("smmuv3.ste", w, "Config", "S2Trans");
	expect_field("smmuv3.ste", w, "S2VMID", 1);
	expect_field("smmuv3.ste", w, "S2T0SZ", 25);
	expect_field("smmuv3.ste", w, "S2SL0", 1);
	expect_enum("smmuv3.ste", w, "S2IR0", "WB-RWA");
	expect_enum("smmuv3.ste", w, "S2OR0", "WB-RWA");
	expect_enum("smmuv3.ste", w, "S2SH0", "ISH");
	expect_enum("smmuv3.ste", w, "S2TG", "4KB");
	expect_enum("smmuv3.ste", w, "S2PS", "40bit");
	expect_field("smmuv3.ste", w, "S2AA64", 1);
	expect_field("smmuv3.ste", w, "S2R", 1);
	expect_field("smmuv3.ste", w, "S2S", 0);
	expect_field("smmuv3.ste", w, "S2ENDI", 0);
	expect_field("smmuv3.ste", w, "S2TTB", 0x4020000);
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", w), 0);
	expect_text("smmuv3.ste", w, 0, "S2TTB=0x40200000");
	free(render_json_checked("smmuv3.ste", w));
}
END_TEST

START_TEST(ste_dword1)
{
	/* dword1 = S1DSS 2 | S1CIR 1 << 2 | S1COR 1 << 4 | S1CSH 3 << 6 | S1STALLD 1 << 27
	 *        | EATS 1 << 28 | STRW 2 << 30 | SHCFG 1 << 44
	 *   low byte: 0x2 | 0x4 | 0x10 | 0xc0 = 0xd6; bits 24-31: 0x08 | 0x10 | 0x80 = 0x98;
	 *   bit 44 -> 0x1000_0000_0000 -> 0x1000980000d6. */
	const uint64_t w[8] = { 0x4001000bULL, 0x1000980000d6ULL };

	expect_enum("smmuv3.ste", w, "S1DSS", "Substream0");
	expect_enum("smmuv3.ste", w, "S1CIR", "WB-RA");
	expect_enum("smmuv3.ste", w, "S1COR", "WB-RA");
	expect_enum("smmuv3.ste", w, "S1CSH", "ISH");
	expect_field("smmuv3.ste", w, "S1STALLD", 1);
	expect_enum("smmuv3.ste", w, "EATS", "Full");
	expect_enum("smmuv3.ste", w, "STRW", "EL2");
	expect_enum("smmuv3.ste", w, "SHCFG", "Incoming");
	expect_field("smmuv3.ste", w, "MTCFG", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", w), 0);
}
END_TEST

START_TEST(ste_reserved_bits)
{
	uint64_t w[8] = { 0x4001000bULL };

	/* Bits [58:56] of dword0 are RES0. */
	w[0] |= 1ULL << 56;
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", w), 1);
	/* Plus STE bits [107:105] = dword1 [43:41], and STE bit 255 = dword3 bit 63. */
	w[1] = 1ULL << 41;
	w[3] = 1ULL << 63;
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", w), 3);
	/* IMPLEMENTATION DEFINED and software bits are shown but never warned about:
	 * SW_RESERVED dword1 [23:20], STE [127:116] = dword1 [63:52], [159:144] = dword2 [31:16]. */
	const uint64_t sw[8] = { 0x4001000bULL, 0xfff0000000f00000ULL, 0xffff0000ULL };
	ck_assert_uint_eq(decode_warnings("smmuv3.ste", sw), 0);
	expect_field("smmuv3.ste", sw, "SW_RESERVED", 0xf);
}
END_TEST

/* --- L1 descriptors --------------------------------------------------------- */

START_TEST(l1std)
{
	/* Span 9 (a level 2 array of 2^(9-1) = 256 STEs) at 0x40030000:
	 * 0x40030000 | 9 = 0x40030009; L2Ptr [55:6] raw = 0x40030000 >> 6 = 0x1000c00. */
	uint64_t w[1] = { 0x40030009ULL };

	expect_field("smmuv3.l1std", w, "Span", 9);
	expect_field("smmuv3.l1std", w, "L2Ptr", 0x1000c00);
	ck_assert_uint_eq(decode_warnings("smmuv3.l1std", w), 0);
	expect_text("smmuv3.l1std", w, 0, "L2Ptr=0x40030000");
	w[0] |= 1 << 5; /* bit 5 is RES0 */
	ck_assert_uint_eq(decode_warnings("smmuv3.l1std", w), 1);
}
END_TEST

START_TEST(l1cd)
{
	/* V | L2Ptr 0x40040000: 0x40040001; L2Ptr [55:12] raw = 0x40040000 >> 12 = 0x40040. */
	uint64_t w[1] = { 0x40040001ULL };

	expect_field("smmuv3.l1cd", w, "V", 1);
	expect_field("smmuv3.l1cd", w, "L2Ptr", 0x40040);
	ck_assert_uint_eq(decode_warnings("smmuv3.l1cd", w), 0);
	w[0] |= 1ULL << 63; /* bits [63:56] are RES0 */
	ck_assert_uint_eq(decode_warnings("smmuv3.l1cd", w), 1);
}
END_TEST

/* --- CD --------------------------------------------------------------------- */

/* The CD that works on QEMU: T0SZ 16 (48-bit VA) | TG0 0 (4KB) | EPD1 1 << 30 | V 1 << 31
 * | IPS 5 << 32 (48 bits) | AA64 1 << 41 | R 1 << 45 | A 1 << 46 | ASID 1 << 48
 *   low word: 0x10 | 0x40000000 | 0x80000000 = 0xc0000010; bits 32-39: 0x05;
 *   bits 40-47: 0x02 | 0x20 | 0x40 = 0x62; bits 48-63: 0x0001 -> 0x00016205c0000010.
 * dword1 = TTB0 0x40020000, bits [55:4]: raw 0x4002000.  dword3 = MAIR 0x4404ff. */
#define CD_QEMU_DW0 0x00016205c0000010ULL

START_TEST(cd_like_qemu)
{
	const uint64_t w[8] = { CD_QEMU_DW0, 0x40020000ULL, 0, 0x4404ffULL };

	expect_field("smmuv3.cd", w, "T0SZ", 16);
	expect_enum("smmuv3.cd", w, "TG0", "4KB");
	expect_field("smmuv3.cd", w, "EPD0", 0);
	expect_field("smmuv3.cd", w, "EPD1", 1);
	expect_field("smmuv3.cd", w, "V", 1);
	expect_enum("smmuv3.cd", w, "IPS", "48bit");
	expect_field("smmuv3.cd", w, "AA64", 1);
	expect_field("smmuv3.cd", w, "S", 0);
	expect_field("smmuv3.cd", w, "R", 1);
	expect_field("smmuv3.cd", w, "A", 1);
	expect_field("smmuv3.cd", w, "HA", 0);
	expect_field("smmuv3.cd", w, "HD", 0);
	expect_field("smmuv3.cd", w, "ASET", 0);
	expect_field("smmuv3.cd", w, "ASID", 1);
	expect_field("smmuv3.cd", w, "TTB0", 0x4002000);
	expect_field("smmuv3.cd", w, "MAIR", 0x4404ff);
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", w), 0);
	expect_text("smmuv3.cd", w, 0, "TTB0=0x40020000");
	free(render_json_checked("smmuv3.cd", w));
}
END_TEST

START_TEST(cd_with_stall_still_decodes)
{
	/* QEMU refuses a CD with S (bit 44) set; the decoder only decodes it. */
	const uint64_t w[8] = { CD_QEMU_DW0 | 1ULL << 44, 0x40020000ULL, 0, 0x4404ffULL };

	expect_field("smmuv3.cd", w, "S", 1);
	expect_field("smmuv3.cd", w, "R", 1);
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", w), 0);
}
END_TEST

START_TEST(cd_ttb1_half)
{
	/* T1SZ 25 << 16 | TG1 0b10 (4KB in the TG1 encoding) << 22 | TBI1 1 << 39
	 * = 0x190000 | 0x800000 = 0x990000, | 0x8000000000 -> 0x8000990000.
	 * dword2 = HAD1 1 << 1 | TTB1 0x40050000 (raw 0x4005000) = 0x40050002. */
	const uint64_t w[8] = { 0x8000990000ULL, 0, 0x40050002ULL };

	expect_field("smmuv3.cd", w, "T1SZ", 25);
	expect_enum("smmuv3.cd", w, "TG1", "4KB");
	expect_field("smmuv3.cd", w, "TBI1", 1);
	expect_field("smmuv3.cd", w, "TBI0", 0);
	expect_field("smmuv3.cd", w, "HAD1", 1);
	expect_field("smmuv3.cd", w, "TTB1", 0x4005000);
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", w), 0);
}
END_TEST

START_TEST(cd_reserved_bits)
{
	uint64_t w[8] = { CD_QEMU_DW0, 0x40020000ULL };

	w[1] |= 1ULL << 56; /* CD bits [121:120] = dword1 [57:56] are RES0 */
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", w), 1);
	w[5] = 1ULL << 63;  /* CD bits [383:376] = dword5 [63:56] */
	w[7] = 1ULL << 48;  /* CD bits [511:496] = dword7 [63:48] */
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", w), 3);
	/* The IMPLEMENTATION DEFINED word half (CD bits [351:320]) never warns. */
	const uint64_t impdef[8] = { CD_QEMU_DW0, 0, 0, 0, 0, 0xffffffffULL };
	ck_assert_uint_eq(decode_warnings("smmuv3.cd", impdef), 0);
}
END_TEST

/* --- commands ---------------------------------------------------------------- */

struct cmd_vec {
	uint64_t opcode;
	const char *kind;
	uint64_t w[2];
	const char *field;
	uint64_t value;
};

/* One vector per opcode; word layouts from chapter 4 of IHI 0070:
 * dword0 [7:0] opcode, [10] SSec, [11] SSV, [31:12] SubstreamID, [63:32] StreamID;
 * TLBI dword0 [16:12] NUM, [25:20] SCALE, [47:32] VMID, [63:48] ASID;
 * dword1 [0] Leaf, [9:8] TTL, [11:10] TG, [63:12] address. */
static const struct cmd_vec cmd_vecs[] = {
	/* SSV | SubstreamID 5 << 12 | StreamID 8 << 32 */
	{ 0x01, "smmuv3.cmd.prefetch_config", { 0x01 | 1 << 11 | 5 << 12 | 8ULL << 32, 0 },
	  "SubstreamID", 5 },
	/* dword1 = Size 3 | Stride 9 << 5 | address 0x80000000 */
	{ 0x02, "smmuv3.cmd.prefetch_addr", { 0x02 | 8ULL << 32, 0x80000000ULL | 3 | 9 << 5 },
	  "Stride", 9 },
	{ 0x03, "smmuv3.cmd.cfgi_ste", { 0x03 | 8ULL << 32, 1 }, "StreamID", 8 },
	{ 0x04, "smmuv3.cmd.cfgi_ste_range", { 0x04 | 0x100ULL << 32, 7 }, "Range", 7 },
	{ 0x05, "smmuv3.cmd.cfgi_cd", { 0x05 | 3 << 12 | 8ULL << 32, 1 }, "SubstreamID", 3 },
	{ 0x06, "smmuv3.cmd.cfgi_cd_all", { 0x06 | 8ULL << 32, 0 }, "StreamID", 8 },
	{ 0x07, "smmuv3.cmd.cfgi_vms_pidm", { 0x07 | 0x2aULL << 32, 0 }, "VMID", 0x2a },
	{ 0x10, "smmuv3.cmd.tlbi_nh_all", { 0x10 | 5ULL << 32, 0 }, "VMID", 5 },
	{ 0x11, "smmuv3.cmd.tlbi_nh_asid", { 0x11 | 5ULL << 32 | 7ULL << 48, 0 }, "ASID", 7 },
	/* Address 0x12345000 -> raw 0x12345 */
	{ 0x12, "smmuv3.cmd.tlbi_nh_va", { 0x12 | 7ULL << 48, 0x12345001ULL }, "Address", 0x12345 },
	{ 0x13, "smmuv3.cmd.tlbi_nh_vaa", { 0x13 | 5ULL << 32, 0x12345001ULL }, "Leaf", 1 },
	{ 0x18, "smmuv3.cmd.tlbi_el3_all", { 0x18, 0 }, "Opcode", 0x18 },
	/* A TTB1-half VA keeps its top bits: 0xffff800000001000 >> 12 = 0xffff800000001 */
	{ 0x1a, "smmuv3.cmd.tlbi_el3_va", { 0x1a, 0xffff800000001000ULL }, "Address",
	  0xffff800000001ULL },
	{ 0x20, "smmuv3.cmd.tlbi_el2_all", { 0x20, 0 }, "Opcode", 0x20 },
	{ 0x21, "smmuv3.cmd.tlbi_el2_asid", { 0x21 | 9ULL << 48, 0 }, "ASID", 9 },
	{ 0x22, "smmuv3.cmd.tlbi_el2_va", { 0x22 | 9ULL << 48, 0x7001 }, "ASID", 9 },
	{ 0x23, "smmuv3.cmd.tlbi_el2_vaa", { 0x23, 0x7000 }, "Address", 7 },
	{ 0x28, "smmuv3.cmd.tlbi_s12_vmall", { 0x28 | 3ULL << 32, 0 }, "VMID", 3 },
	/* IPA 0x80000000 -> raw 0x80000 */
	{ 0x2a, "smmuv3.cmd.tlbi_s2_ipa", { 0x2a | 3ULL << 32, 0x80000001ULL }, "Address", 0x80000 },
	{ 0x30, "smmuv3.cmd.tlbi_nsnh_all", { 0x30, 0 }, "Opcode", 0x30 },
	/* G 1 << 9 | SSV 1 << 11 | SubstreamID 4 << 12; dword1 = Size 4 | address 0x10000 */
	{ 0x40, "smmuv3.cmd.atc_inv", { 0x40 | 1 << 9 | 1 << 11 | 4 << 12 | 8ULL << 32, 0x10004 },
	  "G", 1 },
	/* dword1 = PRGIndex 0x1ff | Resp 2 << 12 */
	{ 0x41, "smmuv3.cmd.pri_resp", { 0x41 | 8ULL << 32, 0x1ff | 2 << 12 }, "Resp", 2 },
	/* Ac 1 << 12 (retry); dword1 = STAG 0x1234 */
	{ 0x44, "smmuv3.cmd.resume", { 0x44 | 1 << 12 | 8ULL << 32, 0x1234 }, "STAG", 0x1234 },
	{ 0x45, "smmuv3.cmd.stall_term", { 0x45 | 8ULL << 32, 0 }, "StreamID", 8 },
	{ 0x46, "smmuv3.cmd.cmd_sync", { 0x46 | 1 << 12, 0 }, "CS", 1 },
	{ 0x50, "smmuv3.cmd.tlbi_s_el2_all", { 0x50, 0 }, "Opcode", 0x50 },
	{ 0x51, "smmuv3.cmd.tlbi_s_el2_asid", { 0x51 | 2ULL << 48, 0 }, "ASID", 2 },
	{ 0x52, "smmuv3.cmd.tlbi_s_el2_va", { 0x52 | 2ULL << 48, 0x5000 }, "Address", 5 },
	{ 0x53, "smmuv3.cmd.tlbi_s_el2_vaa", { 0x53, 0x5001 }, "Leaf", 1 },
	{ 0x58, "smmuv3.cmd.tlbi_s_s12_vmall", { 0x58 | 4ULL << 32, 0 }, "VMID", 4 },
	/* dword1 = NS 1 << 1 | IPA 0x9000 */
	{ 0x5a, "smmuv3.cmd.tlbi_s_s2_ipa", { 0x5a | 4ULL << 32, 0x9002 }, "NS", 1 },
	{ 0x60, "smmuv3.cmd.tlbi_snh_all", { 0x60, 0 }, "Opcode", 0x60 },
	{ 0x70, "smmuv3.cmd.dpti_all", { 0x70, 0 }, "Opcode", 0x70 },
	{ 0x73, "smmuv3.cmd.dpti_pa", { 0x73, 0 }, "Opcode", 0x73 },
};

START_TEST(every_opcode_selects_its_variant)
{
	const struct smmu_desc *base = want_desc("smmuv3.cmd");

	for (size_t i = 0; i < sizeof(cmd_vecs) / sizeof(cmd_vecs[0]); i++) {
		const struct cmd_vec *v = &cmd_vecs[i];
		bool matched = false;
		const struct smmu_desc *r = smmu_desc_resolve(base, v->w, &matched);

		ck_assert_msg(matched, "opcode 0x%02llx not matched", (unsigned long long)v->opcode);
		ck_assert_str_eq(r->kind, v->kind);
		expect_field("smmuv3.cmd", v->w, "Opcode", v->opcode);
		expect_field("smmuv3.cmd", v->w, v->field, v->value);
		/* The variant decodes the same when asked for directly. */
		expect_field(v->kind, v->w, v->field, v->value);
		ck_assert_msg(decode_warnings("smmuv3.cmd", v->w) == 0, "%s warns", v->kind);
		free(render_json_checked("smmuv3.cmd", v->w));
	}
	/* Every variant of the base is covered by a vector above. */
	size_t nvar = 0;
	for (const struct smmu_variant *p = base->variants; p->desc; p++)
		nvar++;
	ck_assert_uint_eq(nvar, sizeof(cmd_vecs) / sizeof(cmd_vecs[0]));
}
END_TEST

START_TEST(cmd_sync_sev)
{
	/* CS SIG_SEV 2 << 12 | MSH ISH 3 << 22 | MSIAttr 0xf << 24 | MSIData 0xdeadbeef << 32
	 *   = 0x2000 | 0xc00000 | 0xf000000 = 0x0fc02000, | 0x46 -> 0xdeadbeef0fc02046.
	 * dword1 = MSIAddress 0x40001000, bits [55:2]: raw 0x40001000 >> 2 = 0x10000400. */
	uint64_t w[2] = { 0xdeadbeef0fc02046ULL, 0x40001000ULL };

	expect_enum("smmuv3.cmd", w, "Opcode", "CMD_SYNC");
	expect_enum("smmuv3.cmd", w, "CS", "SIG_SEV");
	expect_enum("smmuv3.cmd", w, "MSH", "ISH");
	expect_field("smmuv3.cmd", w, "MSIAttr", 0xf);
	expect_field("smmuv3.cmd", w, "MSIData", 0xdeadbeef);
	expect_field("smmuv3.cmd", w, "MSIAddress", 0x10000400);
	expect_field("smmuv3.cmd", w, "MSI_NS", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 0);
	expect_text("smmuv3.cmd", w, 0, "CMD_SYNC =");
	expect_text("smmuv3.cmd", w, 0, "CS=SIG_SEV");
	w[0] |= 1 << 8; /* bit 8 is RES0 in CMD_SYNC */
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 1);
}
END_TEST

START_TEST(cmd_cfgi_ste_sid8)
{
	/* CMD_CFGI_STE(StreamID 8, SSec 0, Leaf 1): dword0 = 0x03 | 8 << 32, dword1 = 1. */
	uint64_t w[2] = { 0x0000000800000003ULL, 1 };

	expect_enum("smmuv3.cmd", w, "Opcode", "CMD_CFGI_STE");
	expect_field("smmuv3.cmd", w, "StreamID", 8);
	expect_field("smmuv3.cmd", w, "SSec", 0);
	expect_field("smmuv3.cmd", w, "Leaf", 1);
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 0);
	w[1] |= 2; /* dword1 bit 1 is RES0 */
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 1);
}
END_TEST

START_TEST(cmd_cfgi_all)
{
	/* CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range 31: dword0 = 0x04, dword1 = 31. */
	const uint64_t w[2] = { 0x04, 31 };

	expect_field("smmuv3.cmd", w, "Range", 31);
	ck_assert_str_eq(smmu_desc_resolve(want_desc("smmuv3.cmd"), w, NULL)->kind,
			 "smmuv3.cmd.cfgi_ste_range");
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 0);
}
END_TEST

START_TEST(cmd_tlbi_nh_va_range)
{
	/* CMD_TLBI_NH_VA(VMID 0, ASID 1, VA 0x12345000, Leaf 1, TG 4KB, TTL 3, NUM 3, SCALE 1):
	 * dword0 = 0x12 | NUM 3 << 12 | SCALE 1 << 20 | ASID 1 << 48
	 *        = 0x12 | 0x3000 | 0x100000 | 0x0001000000000000 = 0x0001000000103012
	 * dword1 = Leaf 1 | TTL 3 << 8 | TG 1 << 10 | 0x12345000
	 *        = 0x1 | 0x300 | 0x400 | 0x12345000 = 0x12345701 */
	const uint64_t w[2] = { 0x0001000000103012ULL, 0x12345701ULL };

	expect_enum("smmuv3.cmd", w, "Opcode", "CMD_TLBI_NH_VA");
	expect_field("smmuv3.cmd", w, "ASID", 1);
	expect_field("smmuv3.cmd", w, "VMID", 0);
	expect_field("smmuv3.cmd", w, "NUM", 3);
	expect_field("smmuv3.cmd", w, "SCALE", 1);
	expect_field("smmuv3.cmd", w, "Leaf", 1);
	expect_field("smmuv3.cmd", w, "TTL", 3);
	expect_field("smmuv3.cmd", w, "TTL128", 0);
	expect_enum("smmuv3.cmd", w, "TG", "4KB");
	expect_field("smmuv3.cmd", w, "Address", 0x12345);
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", w), 0);
	expect_text("smmuv3.cmd", w, 0, "Address=0x12345000");
}
END_TEST

START_TEST(cmd_unknown_opcode)
{
	/* 0x7f and 0x00 are Reserved opcodes: only the common field decodes, with a warning. */
	const uint64_t w7f[2] = { 0x7f, 0 }, w00[2] = { 0x00, 0 };
	bool matched = true;

	smmu_desc_resolve(want_desc("smmuv3.cmd"), w7f, &matched);
	ck_assert(!matched);
	ck_assert_uint_gt(decode_warnings("smmuv3.cmd", w7f), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.cmd", w00), 0);
	expect_field("smmuv3.cmd", w7f, "Opcode", 0x7f);
	expect_text("smmuv3.cmd", w7f, 0, "unknown Opcode ??127");
	free(render_json_checked("smmuv3.cmd", w7f));
}
END_TEST

START_TEST(cmd_fields_by_opcode)
{
	/* CMD_RESUME(StreamID 8, SSec 0, STAG 0x1234, Ac 0 (terminate), Ab 1 (abort)):
	 * dword0 = 0x44 | Ab 1 << 13 | 8 << 32 = 0x0000000800002044. */
	const uint64_t resume[2] = { 0x0000000800002044ULL, 0x1234 };
	/* CMD_PRI_RESP(StreamID 8, PRGIndex 0x1ff, Resp Success): dword1 = 0x1ff | 2 << 12. */
	const uint64_t pri[2] = { 0x41 | 8ULL << 32, 0x21ff };
	/* CMD_ATC_INV(StreamID 8, SSV 1, SubstreamID 4, G 1, Address 0x10000, Size 4):
	 * dword0 = 0x40 | 0x200 | 0x800 | 0x4000 | 8 << 32; dword1 = 0x10000 | 4. */
	const uint64_t atc[2] = { 0x0000000800004a40ULL, 0x10004 };

	expect_field("smmuv3.cmd", resume, "Ac", 0);
	expect_field("smmuv3.cmd", resume, "Ab", 1);
	expect_field("smmuv3.cmd", resume, "STAG", 0x1234);
	expect_enum("smmuv3.cmd", pri, "Resp", "Success");
	expect_field("smmuv3.cmd", pri, "PRGIndex", 0x1ff);
	expect_field("smmuv3.cmd", atc, "SubstreamID", 4);
	expect_field("smmuv3.cmd", atc, "SSV", 1);
	expect_field("smmuv3.cmd", atc, "Size", 4);
	expect_field("smmuv3.cmd", atc, "Address", 0x10);
	expect_text("smmuv3.cmd", atc, 0, "Size=2^16");
	ck_assert_uint_eq(decode_warnings("smmuv3.cmd", atc), 0);
}
END_TEST

Suite *suite_smmuv3_structs(void);
Suite *suite_smmuv3_structs(void)
{
	Suite *s = suite_create("smmuv3_structs");
	TCase *tc = tcase_create("ste");

	tcase_add_test(tc, ste_stage1_like_qemu);
	tcase_add_test(tc, ste_bypass_and_abort);
	tcase_add_test(tc, ste_stage2);
	tcase_add_test(tc, ste_dword1);
	tcase_add_test(tc, ste_reserved_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("l1");
	tcase_add_test(tc, l1std);
	tcase_add_test(tc, l1cd);
	suite_add_tcase(s, tc);

	tc = tcase_create("cd");
	tcase_add_test(tc, cd_like_qemu);
	tcase_add_test(tc, cd_with_stall_still_decodes);
	tcase_add_test(tc, cd_ttb1_half);
	tcase_add_test(tc, cd_reserved_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("cmd");
	tcase_add_test(tc, every_opcode_selects_its_variant);
	tcase_add_test(tc, cmd_sync_sev);
	tcase_add_test(tc, cmd_cfgi_ste_sid8);
	tcase_add_test(tc, cmd_cfgi_all);
	tcase_add_test(tc, cmd_tlbi_nh_va_range);
	tcase_add_test(tc, cmd_unknown_opcode);
	tcase_add_test(tc, cmd_fields_by_opcode);
	suite_add_tcase(s, tc);
	return s;
}
