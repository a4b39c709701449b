/* SPDX-License-Identifier: MIT */
/*
 * Page-table entries: VMSAv8-64 stage 1/2 descriptors (Arm ARM, 4KB granule)
 * and VT-d first/second-level entries.  Golden vectors with the decode worked
 * out bit by bit from the specifications.
 */
#include <stdlib.h>

#include "check-util.h"

static const char *resolved_kind(const char *kind, const uint64_t *w)
{
	return smmu_desc_resolve(want_desc(kind), w, NULL)->kind;
}

/*
 * Stage 1 level 3 page at 0x812345000: AttrIndx 1, AP[2:1] 0b10 (RO at EL1,
 * no EL0 access), SH 0b11 (Inner), AF, nG, UXN.
 *   bits[1:0] 0b11 = 0x003, AttrIndx 1 << 2 = 0x004, AP 2 << 6 = 0x080,
 *   SH 3 << 8 = 0x300, AF 1 << 10 = 0x400, nG 1 << 11 = 0x800  -> low 12 bits 0xf87
 *   OA 0x812345000, UXN 1 << 54 = 0x0040000000000000
 *   => 0x0040000812345f87
 */
START_TEST(s1_page)
{
	const uint64_t w[1] = { 0x0040000812345f87ULL };

	expect_enum("lpae.s1.page", w, "Type", "Page");
	expect_field("lpae.s1.page", w, "AttrIndx", 1);
	expect_field("lpae.s1.page", w, "NS", 0);
	expect_enum("lpae.s1.page", w, "AP", "RO/none");
	expect_enum("lpae.s1.page", w, "SH", "ISH");
	expect_field("lpae.s1.page", w, "AF", 1);
	expect_field("lpae.s1.page", w, "nG", 1);
	expect_field("lpae.s1.page", w, "OA", 0x812345000ULL >> 12);
	expect_field("lpae.s1.page", w, "DBM", 0);
	expect_field("lpae.s1.page", w, "Contiguous", 0);
	expect_field("lpae.s1.page", w, "PXN", 0);
	expect_field("lpae.s1.page", w, "UXN", 1);
	expect_text("lpae.s1.page", w, 0, "OA=0x812345000");
	expect_text("lpae.s1.page", w, 0, "UXN+");
	ck_assert_uint_eq(decode_warnings("lpae.s1.page", w), 0);
	free(render_json_checked("lpae.s1.page", w));

	/* without the level, bits[1:0] 0b11 is table-or-page: lower attrs 0xf87 >> 2 = 0x3e1 */
	ck_assert_str_eq(resolved_kind("lpae.s1", w), "lpae.s1.table_or_page");
	expect_field("lpae.s1", w, "LowerAttrs", 0x3e1);
	expect_field("lpae.s1", w, "Address", 0x812345);
	expect_field("lpae.s1", w, "UpperAttrs", 0x0040000000000000ULL >> 50);
	ck_assert_uint_eq(decode_warnings("lpae.s1", w), 0);

	/* software bits [58:55] and PBHA are ignored, bit 49 is RES0 */
	const uint64_t sw[1] = { w[0] | 0xfULL << 55 | 0xfULL << 59 };
	ck_assert_uint_eq(decode_warnings("lpae.s1.page", sw), 0);
	expect_field("lpae.s1.page", sw, "SW_RESERVED", 0xf);
	const uint64_t bad[1] = { w[0] | 1ULL << 49 };
	ck_assert_uint_eq(decode_warnings("lpae.s1.page", bad), 1);
}
END_TEST

/*
 * Stage 1 level 2 block (2 MiB) at 0x40200000: AttrIndx 0, AP RW at EL1,
 * Inner shareable, AF, PXN.
 *   bits[1:0] 0b01 = 0x001, SH 3 << 8 = 0x300, AF = 0x400  -> 0x701
 *   OA 0x40200000 (bits [47:21] = 0x201), PXN 1 << 53 = 0x0020000000000000
 *   => 0x0020000040200701
 */
START_TEST(s1_block_2m)
{
	const uint64_t w[1] = { 0x0020000040200701ULL };

	ck_assert_str_eq(resolved_kind("lpae.s1", w), "lpae.s1.block");
	expect_enum("lpae.s1", w, "Type", "Block");
	expect_field("lpae.s1", w, "AttrIndx", 0);
	expect_enum("lpae.s1", w, "AP", "RW/none");
	expect_enum("lpae.s1", w, "SH", "ISH");
	expect_field("lpae.s1", w, "AF", 1);
	expect_field("lpae.s1", w, "nG", 0);
	expect_field("lpae.s1", w, "OA", 0x201);
	expect_field("lpae.s1", w, "PXN", 1);
	expect_field("lpae.s1", w, "UXN", 0);
	expect_text("lpae.s1", w, 0, "OA=0x40200000");
	ck_assert_uint_eq(decode_warnings("lpae.s1", w), 0);
	ck_assert_uint_eq(decode_warnings("lpae.s1.block", w), 0);

	/* bit 20 is RES0 in a level 2 block (OA starts at bit 21) */
	const uint64_t bad[1] = { w[0] | 1ULL << 20 };
	ck_assert_uint_eq(decode_warnings("lpae.s1.block", bad), 1);
	expect_text("lpae.s1.block", bad, 0, "reserved bits set: 0x0000000000100000");
}
END_TEST

/*
 * Stage 1 table at 0x41000000 with APTable 0b10 (no writes below) and NSTable.
 *   0x3 | 0x41000000 | 2 << 61 (0x4000000000000000) | 1 << 63 (0x8000000000000000)
 *   => 0xc000000041000003
 */
START_TEST(s1_table)
{
	const uint64_t w[1] = { 0xc000000041000003ULL };

	expect_enum("lpae.s1.table", w, "Type", "Table");
	expect_field("lpae.s1.table", w, "NLTA", 0x41000);
	expect_enum("lpae.s1.table", w, "APTable", "NoWrite");
	expect_field("lpae.s1.table", w, "NSTable", 1);
	expect_field("lpae.s1.table", w, "PXNTable", 0);
	expect_field("lpae.s1.table", w, "UXNTable", 0);
	expect_text("lpae.s1.table", w, 0, "NLTA=0x41000000");
	ck_assert_uint_eq(decode_warnings("lpae.s1.table", w), 0);
	free(render_json_checked("lpae.s1.table", w));

	/* bits [51:48] are RES0 with the 4KB granule and 48-bit OA */
	const uint64_t bad[1] = { w[0] | 1ULL << 48 };
	ck_assert_uint_eq(decode_warnings("lpae.s1.table", bad), 1);
}
END_TEST

/*
 * Stage 2 page at 0x80000000: MemAttr 0b1111 (Normal, outer and inner WB),
 * S2AP 0b11 (RW), SH Inner, AF, XN[1:0] 0b10 (not executable).
 *   0x3 | 0xf << 2 (0x3c) | 3 << 6 (0xc0) | 3 << 8 (0x300) | 1 << 10 (0x400) = 0x7ff
 *   OA 0x80000000, XN 2 << 53 = 0x0040000000000000
 *   => 0x00400000800007ff
 */
START_TEST(s2_page)
{
	const uint64_t w[1] = { 0x00400000800007ffULL };

	expect_enum("lpae.s2.page", w, "Type", "Page");
	expect_enum("lpae.s2.page", w, "MemAttr", "Normal-oWB-iWB");
	expect_enum("lpae.s2.page", w, "S2AP", "RW");
	expect_enum("lpae.s2.page", w, "SH", "ISH");
	expect_field("lpae.s2.page", w, "AF", 1);
	expect_field("lpae.s2.page", w, "FnXS", 0);
	expect_field("lpae.s2.page", w, "OA", 0x80000);
	expect_enum("lpae.s2.page", w, "XN", "NoExec");
	expect_text("lpae.s2.page", w, 0, "S2AP=RW");
	ck_assert_uint_eq(decode_warnings("lpae.s2.page", w), 0);
	ck_assert_str_eq(resolved_kind("lpae.s2", w), "lpae.s2.table_or_page");

	/* Device-nGnRE read-only: MemAttr 0b0001 << 2 = 0x4, S2AP 0b01 << 6 = 0x40 */
	const uint64_t dev[1] = { 0x0000000080000447ULL };
	expect_enum("lpae.s2.page", dev, "MemAttr", "Device-nGnRE");
	expect_enum("lpae.s2.page", dev, "S2AP", "RO");

	/* bit 50 is RES0 at stage 2 */
	const uint64_t bad[1] = { w[0] | 1ULL << 50 };
	ck_assert_uint_eq(decode_warnings("lpae.s2.page", bad), 1);
}
END_TEST

/* Stage 2 table: no hierarchical attributes, bits [63:59] are RES0. */
START_TEST(s2_table_and_block)
{
	const uint64_t t[1] = { 0x0000000041234003ULL };

	expect_field("lpae.s2.table", t, "NLTA", 0x41234);
	ck_assert_uint_eq(decode_warnings("lpae.s2.table", t), 0);
	const uint64_t bad[1] = { t[0] | 1ULL << 63 };
	ck_assert_uint_eq(decode_warnings("lpae.s2.table", bad), 1);

	/* 2 MiB stage 2 block at 0x80200000, S2AP RW, AF: 0x1 | 0xc0 | 0x400 = 0x4c1 */
	const uint64_t b[1] = { 0x00000000802004c1ULL };
	ck_assert_str_eq(resolved_kind("lpae.s2", b), "lpae.s2.block");
	expect_field("lpae.s2", b, "OA", 0x80200000ULL >> 21);
	expect_enum("lpae.s2", b, "S2AP", "RW");
	expect_enum("lpae.s2", b, "MemAttr", "Device-nGnRnE");
	ck_assert_uint_eq(decode_warnings("lpae.s2", b), 0);
}
END_TEST

/* bit[0] == 0: invalid, every other bit ignored (software may keep data there). */
START_TEST(invalid_descriptor)
{
	const uint64_t w[1] = { 0xdeadbeefcafe0000ULL };
	const uint64_t w2[1] = { 0x2 };

	ck_assert_str_eq(resolved_kind("lpae.s1", w), "lpae.invalid");
	ck_assert_str_eq(resolved_kind("lpae.s2", w2), "lpae.invalid");
	expect_enum("lpae.s1", w, "Type", "Invalid");
	ck_assert_uint_eq(decode_warnings("lpae.s1", w), 0);
	ck_assert_uint_eq(decode_warnings("lpae.s2", w2), 0);
}
END_TEST

/*
 * VT-d second-level PTE: R | W, page 0x123456000.
 *   0x1 | 0x2 | 0x123456000 => 0x0000000123456003
 */
START_TEST(vtd_sl_pte)
{
	const uint64_t w[1] = { 0x0000000123456003ULL };

	expect_field("vtd.sl.pte", w, "R", 1);
	expect_field("vtd.sl.pte", w, "W", 1);
	expect_field("vtd.sl.pte", w, "X", 0);
	expect_field("vtd.sl.pte", w, "PS", 0);
	expect_field("vtd.sl.pte", w, "SNP", 0);
	expect_field("vtd.sl.pte", w, "ADDR", 0x123456);
	expect_text("vtd.sl.pte", w, 0, "ADDR=0x123456000");
	ck_assert_uint_eq(decode_warnings("vtd.sl.pte", w), 0);
	free(render_json_checked("vtd.sl.pte", w));

	/* EMT WB (6 << 3 = 0x30), IPAT (0x40), SNP (0x800) */
	const uint64_t wb[1] = { w[0] | 0x30 | 0x40 | 0x800 };
	expect_enum("vtd.sl.pte", wb, "EMT", "WB");
	expect_field("vtd.sl.pte", wb, "IPAT", 1);
	expect_field("vtd.sl.pte", wb, "SNP", 1);
	ck_assert_uint_eq(decode_warnings("vtd.sl.pte", wb), 0);

	/* TM (bit 62) is reserved since VT-d 3.0: the hardware faults on it
	 * (0xc / 0x7a), so the decode warns. */
	const uint64_t tm[1] = { w[0] | 1ULL << 62 };
	ck_assert_uint_ge(decode_warnings("vtd.sl.pte", tm), 1);
}
END_TEST

/*
 * VT-d first-level PTE: P | R/W | U/S | A | D, page 0x76543000, XD.
 *   0x1 | 0x2 | 0x4 | 0x20 | 0x40 = 0x67; XD 1 << 63
 *   => 0x8000000076543067
 */
START_TEST(vtd_fl_pte)
{
	const uint64_t w[1] = { 0x8000000076543067ULL };

	expect_field("vtd.fl.pte", w, "P", 1);
	expect_field("vtd.fl.pte", w, "R/W", 1);
	expect_field("vtd.fl.pte", w, "U/S", 1);
	expect_field("vtd.fl.pte", w, "PWT", 0);
	expect_field("vtd.fl.pte", w, "PCD", 0);
	expect_field("vtd.fl.pte", w, "A", 1);
	expect_field("vtd.fl.pte", w, "D", 1);
	expect_field("vtd.fl.pte", w, "G", 0);
	expect_field("vtd.fl.pte", w, "ADDR", 0x76543);
	expect_field("vtd.fl.pte", w, "XD", 1);
	expect_text("vtd.fl.pte", w, 0, "XD+");
	ck_assert_uint_eq(decode_warnings("vtd.fl.pte", w), 0);
	free(render_json_checked("vtd.fl.pte", w));

	/* bit 10: EA, extended accessed (with PASID-entry EAFE) */
	const uint64_t ea[1] = { w[0] | 1ULL << 10 };
	expect_field("vtd.fl.pte", ea, "EA", 1);
	expect_text("vtd.fl.pte", ea, 0, "EA+");
	ck_assert_uint_eq(decode_warnings("vtd.fl.pte", ea), 0);
}
END_TEST

Suite *suite_decode_pgtable(void);
Suite *suite_decode_pgtable(void)
{
	Suite *s = suite_create("decode_pgtable");
	TCase *tc = tcase_create("lpae");

	tcase_add_test(tc, s1_page);
	tcase_add_test(tc, s1_block_2m);
	tcase_add_test(tc, s1_table);
	tcase_add_test(tc, s2_page);
	tcase_add_test(tc, s2_table_and_block);
	tcase_add_test(tc, invalid_descriptor);
	suite_add_tcase(s, tc);
	tc = tcase_create("vtd");
	tcase_add_test(tc, vtd_sl_pte);
	tcase_add_test(tc, vtd_fl_pte);
	suite_add_tcase(s, tc);
	return s;
}
