/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 register decoders: offsets, golden decodes of the values QEMU 7.2
 * reports (worked out by hand from Arm IHI 0070), GERROR naming, reserved bits.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

Suite *suite_smmuv3_regs(void);

/* --- offsets: every register of page 0 and page 1 -------------------------- */

static const struct {
	const char *kind;
	uint32_t offset;
	uint8_t width;
	bool page1;
} regs[] = {
	{ "smmuv3.idr0", 0x0, 32, false },
	{ "smmuv3.idr1", 0x4, 32, false },
	{ "smmuv3.idr2", 0x8, 32, false },
	{ "smmuv3.idr3", 0xc, 32, false },
	{ "smmuv3.idr4", 0x10, 32, false },
	{ "smmuv3.idr5", 0x14, 32, false },
	{ "smmuv3.iidr", 0x18, 32, false },
	{ "smmuv3.aidr", 0x1c, 32, false },
	{ "smmuv3.cr0", 0x20, 32, false },
	{ "smmuv3.cr0ack", 0x24, 32, false },
	{ "smmuv3.cr1", 0x28, 32, false },
	{ "smmuv3.cr2", 0x2c, 32, false },
	{ "smmuv3.statusr", 0x40, 32, false },
	{ "smmuv3.gbpa", 0x44, 32, false },
	{ "smmuv3.agbpa", 0x48, 32, false },
	{ "smmuv3.irq_ctrl", 0x50, 32, false },
	{ "smmuv3.irq_ctrlack", 0x54, 32, false },
	{ "smmuv3.gerror", 0x60, 32, false },
	{ "smmuv3.gerrorn", 0x64, 32, false },
	{ "smmuv3.gerror_irq_cfg0", 0x68, 64, false },
	{ "smmuv3.gerror_irq_cfg1", 0x70, 32, false },
	{ "smmuv3.gerror_irq_cfg2", 0x74, 32, false },
	{ "smmuv3.strtab_base", 0x80, 64, false },
	{ "smmuv3.strtab_base_cfg", 0x88, 32, false },
	{ "smmuv3.cmdq_base", 0x90, 64, false },
	{ "smmuv3.cmdq_prod", 0x98, 32, false },
	{ "smmuv3.cmdq_cons", 0x9c, 32, false },
	{ "smmuv3.eventq_base", 0xa0, 64, false },
	{ "smmuv3.eventq_prod", 0x100a8, 32, true },
	{ "smmuv3.eventq_cons", 0x100ac, 32, true },
	{ "smmuv3.eventq_irq_cfg0", 0xb0, 64, false },
	{ "smmuv3.eventq_irq_cfg1", 0xb8, 32, false },
	{ "smmuv3.eventq_irq_cfg2", 0xbc, 32, false },
	{ "smmuv3.priq_base", 0xc0, 64, false },
	{ "smmuv3.priq_prod", 0x100c8, 32, true },
	{ "smmuv3.priq_cons", 0x100cc, 32, true },
	{ "smmuv3.priq_irq_cfg0", 0xd0, 64, false },
	{ "smmuv3.priq_irq_cfg1", 0xd8, 32, false },
	{ "smmuv3.priq_irq_cfg2", 0xdc, 32, false },
};

START_TEST(offsets_and_widths)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		const struct smmu_desc *d = want_desc(regs[i].kind);
		ck_assert_msg(d->flags & SMMU_D_REGISTER, "%s: not a register", regs[i].kind);
		ck_assert_msg(d->offset == regs[i].offset, "%s: offset 0x%x, expected 0x%x",
			      regs[i].kind, d->offset, regs[i].offset);
		ck_assert_msg(d->nwords == 1 && d->width == regs[i].width, "%s: %u x %u bits",
			      regs[i].kind, d->nwords, d->width);
		ck_assert_msg(!(d->flags & SMMU_D_PAGE1) == !regs[i].page1, "%s: page-1 flag",
			      regs[i].kind);
		ck_assert_msg(!(d->flags & SMMU_D_DYNAMIC), "%s: dynamic offset", regs[i].kind);
		ck_assert_msg(!strncmp(d->name, "SMMU_", 5), "%s: name %s", regs[i].kind, d->name);
	}
}
END_TEST

/* The offsets named in the brief, spelled out once more on their own. */
START_TEST(key_offsets)
{
	ck_assert_uint_eq(want_desc("smmuv3.idr0")->offset, 0x0);
	ck_assert_uint_eq(want_desc("smmuv3.cr0")->offset, 0x20);
	ck_assert_uint_eq(want_desc("smmuv3.gbpa")->offset, 0x44);
	ck_assert_uint_eq(want_desc("smmuv3.strtab_base")->offset, 0x80);
	ck_assert_uint_eq(want_desc("smmuv3.cmdq_base")->offset, 0x90);
	ck_assert_uint_eq(want_desc("smmuv3.eventq_base")->offset, 0xa0);
	ck_assert_uint_eq(want_desc("smmuv3.eventq_prod")->offset, 0x100a8);
	ck_assert(want_desc("smmuv3.eventq_prod")->flags & SMMU_D_PAGE1);
	/* Users may type the suffix alone. */
	ck_assert_ptr_eq(want_desc("eventq_prod"), want_desc("smmuv3.eventq_prod"));
	ck_assert_ptr_eq(want_desc("strtab_base_cfg"), want_desc("smmuv3.strtab_base_cfg"));
}
END_TEST

/* --- golden vectors: QEMU 7.2 ID registers --------------------------------- */

START_TEST(qemu_idr0)
{
	/*
	 * 0x0d40101a = 0x08000000 | 0x04000000 | 0x01000000 | 0x00400000
	 *            | 0x00001000 | 0x10 | 0x08 | 0x02
	 * bit 0 clear            -> S2P = 0 (QEMU 7.2 has no stage 2)
	 * bit 1 (0x02)           -> S1P = 1
	 * bits 3:2 = 0x08 >> 2   -> TTF = 0b10 = 2, AArch64 (VMSAv8-64)
	 * bit 4 (0x10)           -> COHACC = 1
	 * bit 5 clear, 7:6 = 0   -> BTM = 0, HTTU = 0 (None)
	 * bit 12 (0x1000)        -> ASID16 = 1
	 * bit 13 clear           -> MSI = 0 (wired interrupts only)
	 * bits 10, 16 clear      -> ATS = 0, PRI = 0
	 * bits 22:21: 0x00400000 >> 21 = 0b10 -> TTENDIAN = 2, little-endian
	 * bit 23 clear           -> ATSRECERR = 0
	 * bits 25:24: 0x01000000 >> 24 = 0b01 -> STALL_MODEL = 1, terminate only
	 * bit 26 (0x04000000)    -> TERM_MODEL = 1, terminated transactions abort
	 * bits 28:27: 0x08000000 >> 27 = 0b01 -> ST_LEVEL = 1, 2-level stream tables
	 * bits 31:29 clear       -> RME_IMPL = 0; no reserved bit is set.
	 */
	const uint64_t w[] = { 0x0d40101a };

	expect_field("smmuv3.idr0", w, "S2P", 0);
	expect_field("smmuv3.idr0", w, "S1P", 1);
	expect_field("smmuv3.idr0", w, "TTF", 2);
	expect_enum("smmuv3.idr0", w, "TTF", "AArch64");
	expect_field("smmuv3.idr0", w, "COHACC", 1);
	expect_field("smmuv3.idr0", w, "BTM", 0);
	expect_field("smmuv3.idr0", w, "HTTU", 0);
	expect_field("smmuv3.idr0", w, "ASID16", 1);
	expect_field("smmuv3.idr0", w, "MSI", 0);
	expect_field("smmuv3.idr0", w, "ATS", 0);
	expect_field("smmuv3.idr0", w, "PRI", 0);
	expect_field("smmuv3.idr0", w, "VMID16", 0);
	expect_field("smmuv3.idr0", w, "TTENDIAN", 2);
	expect_enum("smmuv3.idr0", w, "TTENDIAN", "Little");
	expect_field("smmuv3.idr0", w, "ATSRECERR", 0);
	expect_field("smmuv3.idr0", w, "STALL_MODEL", 1);
	expect_enum("smmuv3.idr0", w, "STALL_MODEL", "Terminate");
	expect_field("smmuv3.idr0", w, "TERM_MODEL", 1);
	expect_field("smmuv3.idr0", w, "ST_LEVEL", 1);
	expect_enum("smmuv3.idr0", w, "ST_LEVEL", "2-level");
	expect_field("smmuv3.idr0", w, "RME_IMPL", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.idr0", w), 0);
	expect_text("smmuv3.idr0", w, 0, "S2P-");
	expect_text("smmuv3.idr0", w, 0, "S1P+");
	expect_text("smmuv3.idr0", w, 0, "TTF=AArch64");
	expect_text("smmuv3.idr0", w, SMMU_R_VERBOSE, "Stage 1 translation supported");
}
END_TEST

START_TEST(qemu_idr1)
{
	/*
	 * 0x02730010:
	 * SIDSIZE  bits 5:0   = 0x10                        = 16 (StreamID bits)
	 * SSIDSIZE bits 10:6  = (0x0010 >> 6) & 0x1f        = 0 (no substreams)
	 * PRIQS    bits 15:11 = (0x0010 >> 11) & 0x1f       = 0
	 * EVENTQS  bits 20:16 = (0x0273 & 0x1f)             = 0x13 = 19
	 * CMDQS    bits 25:21 = (0x0273 >> 5) & 0x1f        = 0x13 = 19
	 * bits 31:26 = 0x02730010 >> 26 = 0 -> no presets, no overrides, no ECMDQ.
	 * Check: 19 << 21 | 19 << 16 | 16 = 0x02600000 + 0x00130000 + 0x10.
	 */
	const uint64_t w[] = { 0x02730010 };

	expect_field("smmuv3.idr1", w, "SIDSIZE", 16);
	expect_field("smmuv3.idr1", w, "SSIDSIZE", 0);
	expect_field("smmuv3.idr1", w, "PRIQS", 0);
	expect_field("smmuv3.idr1", w, "EVENTQS", 19);
	expect_field("smmuv3.idr1", w, "CMDQS", 19);
	expect_field("smmuv3.idr1", w, "ATTR_PERMS_OVR", 0);
	expect_field("smmuv3.idr1", w, "ATTR_TYPES_OVR", 0);
	expect_field("smmuv3.idr1", w, "REL", 0);
	expect_field("smmuv3.idr1", w, "QUEUES_PRESET", 0);
	expect_field("smmuv3.idr1", w, "TABLES_PRESET", 0);
	expect_field("smmuv3.idr1", w, "ECMDQ", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.idr1", w), 0);
	expect_text("smmuv3.idr1", w, 0, "CMDQS=2^19");
	expect_text("smmuv3.idr1", w, 0, "SIDSIZE=16");
}
END_TEST

START_TEST(qemu_idr5)
{
	/*
	 * 0x00000074 = 0x40 | 0x20 | 0x10 | 0x4:
	 * OAS bits 2:0 = 0b100 = 4 -> 44-bit output addresses
	 * GRAN4K bit 4, GRAN16K bit 5, GRAN64K bit 6 all set
	 * DS (7), D128 (8), VAX (11:10) and STALL_MAX (31:16) zero.
	 */
	const uint64_t w[] = { 0x74 };

	expect_field("smmuv3.idr5", w, "OAS", 4);
	expect_enum("smmuv3.idr5", w, "OAS", "44-bit");
	expect_field("smmuv3.idr5", w, "GRAN4K", 1);
	expect_field("smmuv3.idr5", w, "GRAN16K", 1);
	expect_field("smmuv3.idr5", w, "GRAN64K", 1);
	expect_field("smmuv3.idr5", w, "DS", 0);
	expect_field("smmuv3.idr5", w, "D128", 0);
	expect_field("smmuv3.idr5", w, "VAX", 0);
	expect_field("smmuv3.idr5", w, "STALL_MAX", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.idr5", w), 0);
	/* Bit 3 is RES0. */
	const uint64_t bad[] = { 0x7c };
	ck_assert_uint_gt(decode_warnings("smmuv3.idr5", bad), 0);
}
END_TEST

/* --- golden vectors: the stage-1 setup the QEMU notes describe ------------- */

START_TEST(cr0_enables)
{
	/* 0xd = 0b1101: SMMUEN (bit 0), EVENTQEN (bit 2), CMDQEN (bit 3); PRIQEN (bit 1) clear. */
	const uint64_t w[] = { 0xd };

	expect_field("smmuv3.cr0", w, "SMMUEN", 1);
	expect_field("smmuv3.cr0", w, "PRIQEN", 0);
	expect_field("smmuv3.cr0", w, "EVENTQEN", 1);
	expect_field("smmuv3.cr0", w, "CMDQEN", 1);
	expect_field("smmuv3.cr0", w, "ATSCHK", 0);
	expect_field("smmuv3.cr0", w, "VMW", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.cr0", w), 0);
	/* CR0ACK mirrors the same layout. */
	expect_field("smmuv3.cr0ack", w, "SMMUEN", 1);
	expect_field("smmuv3.cr0ack", w, "EVENTQEN", 1);
	expect_field("smmuv3.cr0ack", w, "CMDQEN", 1);
	ck_assert_uint_eq(decode_warnings("smmuv3.cr0ack", w), 0);
	expect_text("smmuv3.cr0", w, 0, "SMMUEN+");
	expect_text("smmuv3.cr0", w, 0, "PRIQEN-");
}
END_TEST

START_TEST(gbpa_abort)
{
	/* 0x00100000: bit 20 ABORT; SHCFG (13:12) = 0, Non-shareable; Update (31) clear. */
	const uint64_t w[] = { 0x00100000 };

	expect_field("smmuv3.gbpa", w, "ABORT", 1);
	expect_field("smmuv3.gbpa", w, "Update", 0);
	expect_field("smmuv3.gbpa", w, "SHCFG", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.gbpa", w), 0);

	/*
	 * 0x80101000 = 0x80000000 (Update) | 0x00100000 (ABORT) | 0x00001000:
	 * SHCFG = 0x1000 >> 12 = 0b01, Use incoming; MTCFG (4), MemAttr, ALLOCCFG zero.
	 */
	const uint64_t u[] = { 0x80101000 };
	expect_field("smmuv3.gbpa", u, "Update", 1);
	expect_field("smmuv3.gbpa", u, "ABORT", 1);
	expect_field("smmuv3.gbpa", u, "SHCFG", 1);
	expect_enum("smmuv3.gbpa", u, "SHCFG", "Incoming");
	expect_field("smmuv3.gbpa", u, "MTCFG", 0);
	expect_field("smmuv3.gbpa", u, "ALLOCCFG", 0);
	expect_field("smmuv3.gbpa", u, "INSTCFG", 0);
	expect_field("smmuv3.gbpa", u, "PRIVCFG", 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.gbpa", u), 0);
	/* Bits 30:21 are RES0. */
	const uint64_t bad[] = { 0x40100000 };
	ck_assert_uint_gt(decode_warnings("smmuv3.gbpa", bad), 0);
}
END_TEST

START_TEST(cmdq_cons_error)
{
	/* 0x01000005: ERR (30:24) = 0x01 CERROR_ILL, RD (19:0) = 5 (the offending command). */
	const uint64_t w[] = { 0x01000005 };

	expect_field("smmuv3.cmdq_cons", w, "ERR", 1);
	expect_enum("smmuv3.cmdq_cons", w, "ERR", "CERROR_ILL");
	expect_field("smmuv3.cmdq_cons", w, "RD", 5);
	ck_assert_uint_eq(decode_warnings("smmuv3.cmdq_cons", w), 0);
	expect_text("smmuv3.cmdq_cons", w, 0, "ERR=CERROR_ILL");

	const uint64_t none[] = { 0x0 }, abt[] = { 0x02000000 }, sync[] = { 0x03000000 };
	expect_enum("smmuv3.cmdq_cons", none, "ERR", "CERROR_NONE");
	expect_enum("smmuv3.cmdq_cons", abt, "ERR", "CERROR_ABT");
	expect_enum("smmuv3.cmdq_cons", sync, "ERR", "CERROR_ATC_INV_SYNC");
	/* 0x7f000000: ERR = 0x7f, no such code: rendered ??127, not dropped. */
	const uint64_t unk[] = { 0x7f000000 };
	expect_text("smmuv3.cmdq_cons", unk, 0, "ERR=??127");
	/* Bit 31 and bits 23:20 are RES0. */
	const uint64_t bad[] = { 0x80000000 }, bad2[] = { 0x00100000 };
	ck_assert_uint_gt(decode_warnings("smmuv3.cmdq_cons", bad), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.cmdq_cons", bad2), 0);
}
END_TEST

START_TEST(eventq_overflow)
{
	/* 0x80000103: OVFLG (bit 31) set; WR = 0x103 (a 256-entry queue: index 3, wrap bit 8). */
	const uint64_t w[] = { 0x80000103 };

	expect_field("smmuv3.eventq_prod", w, "OVFLG", 1);
	expect_field("smmuv3.eventq_prod", w, "WR", 0x103);
	ck_assert_uint_eq(decode_warnings("smmuv3.eventq_prod", w), 0);
	expect_text("smmuv3.eventq_prod", w, 0, "OVFLG+");
	/* The consumer acknowledges with OVACKFLG in the same bit. */
	expect_field("smmuv3.eventq_cons", w, "OVACKFLG", 1);
	expect_field("smmuv3.eventq_cons", w, "RD", 0x103);
	/* PRI queue registers share the layout. */
	expect_field("smmuv3.priq_prod", w, "OVFLG", 1);
	expect_field("smmuv3.priq_cons", w, "OVACKFLG", 1);
	/* Bits 30:20 are RES0. */
	const uint64_t bad[] = { 0x00100000 };
	ck_assert_uint_gt(decode_warnings("smmuv3.eventq_prod", bad), 0);
}
END_TEST

START_TEST(stream_table_and_queues)
{
	/* STRTAB_BASE_CFG 8: LOG2SIZE (5:0) = 8 -> 256 STEs; SPLIT (10:6) = 0; FMT (17:16) = 0 linear. */
	const uint64_t cfg[] = { 8 };
	expect_field("smmuv3.strtab_base_cfg", cfg, "LOG2SIZE", 8);
	expect_field("smmuv3.strtab_base_cfg", cfg, "SPLIT", 0);
	expect_field("smmuv3.strtab_base_cfg", cfg, "FMT", 0);
	expect_enum("smmuv3.strtab_base_cfg", cfg, "FMT", "Linear");
	expect_text("smmuv3.strtab_base_cfg", cfg, 0, "LOG2SIZE=2^8");
	ck_assert_uint_eq(decode_warnings("smmuv3.strtab_base_cfg", cfg), 0);

	/* 2-level, SPLIT 8, 16-bit StreamIDs: 1 << 16 | 8 << 6 | 16 = 0x00010210. */
	const uint64_t cfg2[] = { 0x00010210 };
	expect_field("smmuv3.strtab_base_cfg", cfg2, "FMT", 1);
	expect_enum("smmuv3.strtab_base_cfg", cfg2, "FMT", "2-level");
	expect_field("smmuv3.strtab_base_cfg", cfg2, "SPLIT", 8);
	expect_field("smmuv3.strtab_base_cfg", cfg2, "LOG2SIZE", 16);

	/*
	 * STRTAB_BASE is one 64-bit word: RA (62) | ADDR (55:6).
	 * 0x4000008040080000: RA = 1; ADDR = 0x8040080000, above 4 GiB, raw 0x8040080000 >> 6.
	 */
	const uint64_t base[] = { 0x4000008040080000ULL };
	expect_field("smmuv3.strtab_base", base, "RA", 1);
	expect_field("smmuv3.strtab_base", base, "ADDR", 0x8040080000ULL >> 6);
	expect_text("smmuv3.strtab_base", base, 0, "ADDR=0x8040080000");
	ck_assert_uint_eq(decode_warnings("smmuv3.strtab_base", base), 0);
	/* Bits 5:0, 61:56 and 63 are RES0. */
	const uint64_t bad[] = { 0x0100000040080000ULL }, bad2[] = { 0x40080001ULL };
	ck_assert_uint_gt(decode_warnings("smmuv3.strtab_base", bad), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.strtab_base", bad2), 0);

	/* CMDQ_BASE = address | log2(entries): 0x40040000 | 8 -> ADDR 0x40040000, 256 entries. */
	const uint64_t cq[] = { 0x40040008 };
	expect_field("smmuv3.cmdq_base", cq, "LOG2SIZE", 8);
	expect_field("smmuv3.cmdq_base", cq, "ADDR", 0x40040000 >> 5);
	expect_field("smmuv3.cmdq_base", cq, "RA", 0);
	expect_text("smmuv3.cmdq_base", cq, 0, "ADDR=0x40040000");
	ck_assert_uint_eq(decode_warnings("smmuv3.cmdq_base", cq), 0);

	/* EVENTQ_BASE with WA (62): 0x4000000040050007 -> 128 entries at 0x40050000. */
	const uint64_t eq[] = { 0x4000000040050007ULL };
	expect_field("smmuv3.eventq_base", eq, "WA", 1);
	expect_field("smmuv3.eventq_base", eq, "LOG2SIZE", 7);
	expect_field("smmuv3.eventq_base", eq, "ADDR", 0x40050000 >> 5);
	ck_assert_uint_eq(decode_warnings("smmuv3.eventq_base", eq), 0);
	expect_field("smmuv3.priq_base", eq, "WA", 1);
}
END_TEST

/* --- GERROR: the specification's bit names --------------------------------- */

START_TEST(gerror_names)
{
	static const struct {
		const char *name;
		unsigned bit;
	} bits[] = {
		{ "CMDQ_ERR", 0 },	   { "EVENTQ_ABT_ERR", 2 },	{ "PRIQ_ABT_ERR", 3 },
		{ "MSI_CMDQ_ABT_ERR", 4 }, { "MSI_EVENTQ_ABT_ERR", 5 }, { "MSI_PRIQ_ABT_ERR", 6 },
		{ "MSI_GERROR_ABT_ERR", 7 }, { "SFM_ERR", 8 },		{ "CMDQP_ERR", 9 },
		{ "DPT_ERR", 10 },
	};

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		const uint64_t w[] = { 1ULL << bits[i].bit };
		char flag[32];
		/* Each name sits at its bit in GERROR and GERRORN alike. */
		expect_field("smmuv3.gerror", w, bits[i].name, 1);
		expect_field("smmuv3.gerrorn", w, bits[i].name, 1);
		for (size_t k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
			if (k != i)
				expect_field("smmuv3.gerror", w, bits[k].name, 0);
		snprintf(flag, sizeof(flag), "%s+", bits[i].name);
		expect_text("smmuv3.gerror", w, 0, flag);
		ck_assert_uint_eq(decode_warnings("smmuv3.gerror", w), 0);
	}
	/* QEMU's full event queue: EVENTQ_ABT_ERR (bit 2) = 0x4. */
	const uint64_t abt[] = { 0x4 };
	expect_text("smmuv3.gerror", abt, 0, "EVENTQ_ABT_ERR+");
	/* GERROR is read-only; GERRORN is written by software to acknowledge. */
	const struct smmu_field *f = smmu_desc_field(want_desc("smmuv3.gerror"), "SFM_ERR");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->access, SMMU_A_RO);
	f = smmu_desc_field(want_desc("smmuv3.gerrorn"), "SFM_ERR");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->access, SMMU_A_RW);
	/* Bit 1 and bits 31:11 are RES0. */
	const uint64_t bad[] = { 0x2 }, bad2[] = { 0x800 };
	ck_assert_uint_gt(decode_warnings("smmuv3.gerror", bad), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.gerrorn", bad2), 0);
}
END_TEST

/* --- reserved bits and the MSI registers ----------------------------------- */

START_TEST(reserved_bits)
{
	const uint64_t cr0_31[] = { 0x80000000 }, cr0_5[] = { 0x20 }, cr0_9[] = { 0x200 };
	ck_assert_uint_gt(decode_warnings("smmuv3.cr0", cr0_31), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.cr0", cr0_5), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.cr0", cr0_9), 0);
	expect_text("smmuv3.cr0", cr0_31, 0, "warning: reserved bits set");
	const uint64_t idr0_31[] = { 0x80000000 }, idr0_29[] = { 0x20000000 };
	ck_assert_uint_gt(decode_warnings("smmuv3.idr0", idr0_31), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.idr0", idr0_29), 0);
	const uint64_t irq[] = { 0x8 };
	ck_assert_uint_gt(decode_warnings("smmuv3.irq_ctrl", irq), 0);
	/* IMPLEMENTATION DEFINED registers never warn. */
	const uint64_t ones[] = { 0xffffffff };
	ck_assert_uint_eq(decode_warnings("smmuv3.idr4", ones), 0);
	ck_assert_uint_eq(decode_warnings("smmuv3.agbpa", ones), 0);
	/* CFG1 is all DATA. */
	ck_assert_uint_eq(decode_warnings("smmuv3.gerror_irq_cfg1", ones), 0);
}
END_TEST

START_TEST(msi_config)
{
	/* IRQ_CFG0: ADDR (55:2) in one 64-bit word; 0x0000010008040040 -> 0x10008040040. */
	const uint64_t a[] = { 0x0000010008040040ULL };
	expect_field("smmuv3.eventq_irq_cfg0", a, "ADDR", 0x0000010008040040ULL >> 2);
	expect_text("smmuv3.eventq_irq_cfg0", a, 0, "ADDR=0x10008040040");
	ck_assert_uint_eq(decode_warnings("smmuv3.gerror_irq_cfg0", a), 0);
	/* Bits 1:0 and 63:56 are RES0. */
	const uint64_t bad[] = { 0x1 }, bad2[] = { 0x0100000000000000ULL };
	ck_assert_uint_gt(decode_warnings("smmuv3.priq_irq_cfg0", bad), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.priq_irq_cfg0", bad2), 0);

	/* IRQ_CFG2 0x3f: SH (5:4) = 0b11 Inner Shareable, MemAttr (3:0) = 0xf (Normal WB). */
	const uint64_t c[] = { 0x3f };
	expect_field("smmuv3.gerror_irq_cfg2", c, "SH", 3);
	expect_enum("smmuv3.gerror_irq_cfg2", c, "SH", "ISH");
	expect_field("smmuv3.gerror_irq_cfg2", c, "MemAttr", 0xf);
	ck_assert_uint_eq(decode_warnings("smmuv3.gerror_irq_cfg2", c), 0);
	/* Only the PRI queue's CFG2 has LO at bit 31. */
	const uint64_t lo[] = { 0x8000003f };
	expect_field("smmuv3.priq_irq_cfg2", lo, "LO", 1);
	ck_assert_uint_eq(decode_warnings("smmuv3.priq_irq_cfg2", lo), 0);
	ck_assert_uint_gt(decode_warnings("smmuv3.eventq_irq_cfg2", lo), 0);
}
END_TEST

/* --- JSON ------------------------------------------------------------------ */

START_TEST(json_golden)
{
	const uint64_t w[] = { 0x0d40101a };
	char *buf = render_json_checked("smmuv3.idr0", w);
	struct json_object *doc = json_tokener_parse(buf), *fields, *v, *val;

	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "fields", &fields));
	ck_assert(json_object_object_get_ex(fields, "S1P", &v));
	ck_assert(json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(fields, "S2P", &v));
	ck_assert(!json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(fields, "TTF", &v));
	ck_assert(json_object_object_get_ex(v, "value", &val));
	ck_assert_int_eq(json_object_get_int(val), 2);
	ck_assert(json_object_object_get_ex(v, "name", &val));
	ck_assert_str_eq(json_object_get_string(val), "AArch64");
	ck_assert(json_object_object_get_ex(doc, "offset", &v));
	ck_assert_str_eq(json_object_get_string(v), "0x0");
	ck_assert(json_object_object_get_ex(doc, "warnings", &v));
	ck_assert_int_eq(json_object_array_length(v), 0);
	json_object_put(doc);
	free(buf);

	/* A 64-bit register keeps its high address bits in JSON (hex string). */
	const uint64_t base[] = { 0x4000008040080000ULL };
	buf = render_json_checked("smmuv3.strtab_base", base);
	doc = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "fields", &fields));
	ck_assert(json_object_object_get_ex(fields, "ADDR", &v));
	ck_assert_str_eq(json_object_get_string(v), "0x8040080000");
	json_object_put(doc);
	free(buf);

	/* Every register renders valid JSON for all-ones. */
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		const uint64_t ones[] = { regs[i].width == 64 ? ~0ULL : 0xffffffffULL };
		free(render_json_checked(regs[i].kind, ones));
	}
}
END_TEST

Suite *suite_smmuv3_regs(void)
{
	Suite *s = suite_create("smmuv3_regs");
	TCase *tc;

	tc = tcase_create("offsets");
	tcase_add_test(tc, offsets_and_widths);
	tcase_add_test(tc, key_offsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("qemu");
	tcase_add_test(tc, qemu_idr0);
	tcase_add_test(tc, qemu_idr1);
	tcase_add_test(tc, qemu_idr5);
	tcase_add_test(tc, cr0_enables);
	tcase_add_test(tc, gbpa_abort);
	tcase_add_test(tc, cmdq_cons_error);
	tcase_add_test(tc, eventq_overflow);
	tcase_add_test(tc, stream_table_and_queues);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_test(tc, gerror_names);
	tcase_add_test(tc, reserved_bits);
	tcase_add_test(tc, msi_config);
	tcase_add_test(tc, json_golden);
	suite_add_tcase(s, tc);
	return s;
}
