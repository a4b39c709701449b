/* SPDX-License-Identifier: MIT */
/*
 * SMMUv2 / MMU-500 register decoders: every register's place (GR0, GR1 or a
 * context bank, offset, width), a golden decode of one value of each, worked
 * out by hand from Arm IHI 0062 (and the MMU-500 TRM for sACR and ACTLR), and
 * how bare names resolve now that two architectures have an IDR0.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

Suite *suite_smmuv2_regs(void);

enum space { GR0, GR1, CB };

static const struct {
	const char *kind;
	enum space space;
	uint32_t offset;
	uint8_t width;
} regs[] = {
	{ "smmuv2.scr0", GR0, 0x000, 32 },       { "smmuv2.scr1", GR0, 0x004, 32 },
	{ "smmuv2.scr2", GR0, 0x008, 32 },       { "smmuv2.sacr", GR0, 0x010, 32 },
	{ "smmuv2.idr0", GR0, 0x020, 32 },       { "smmuv2.idr1", GR0, 0x024, 32 },
	{ "smmuv2.idr2", GR0, 0x028, 32 },       { "smmuv2.idr7", GR0, 0x03c, 32 },
	{ "smmuv2.sgfar", GR0, 0x040, 64 },      { "smmuv2.sgfsr", GR0, 0x048, 32 },
	{ "smmuv2.sgfsrrestore", GR0, 0x04c, 32 }, { "smmuv2.sgfsynr0", GR0, 0x050, 32 },
	{ "smmuv2.sgfsynr1", GR0, 0x054, 32 },   { "smmuv2.sgfsynr2", GR0, 0x058, 32 },
	{ "smmuv2.tlbivmid", GR0, 0x064, 32 },   { "smmuv2.tlbiallnsnh", GR0, 0x068, 32 },
	{ "smmuv2.tlbiallh", GR0, 0x06c, 32 },   { "smmuv2.tlbgsync", GR0, 0x070, 32 },
	{ "smmuv2.tlbgstatus", GR0, 0x074, 32 }, { "smmuv2.smr", GR0, 0x800, 32 },
	{ "smmuv2.s2cr", GR0, 0xc00, 32 },
	{ "smmuv2.cbar", GR1, 0x000, 32 },       { "smmuv2.cbar.nested", GR1, 0x000, 32 },
	{ "smmuv2.cbfrsynra", GR1, 0x400, 32 },  { "smmuv2.cba2r", GR1, 0x800, 32 },
	{ "smmuv2.sctlr", CB, 0x000, 32 },       { "smmuv2.actlr", CB, 0x004, 32 },
	{ "smmuv2.resume", CB, 0x008, 32 },      { "smmuv2.tcr2", CB, 0x010, 32 },
	{ "smmuv2.ttbr0", CB, 0x020, 64 },       { "smmuv2.ttbr1", CB, 0x028, 64 },
	{ "smmuv2.tcr", CB, 0x030, 32 },         { "smmuv2.tcr.s2", CB, 0x030, 32 },
	{ "smmuv2.contextidr", CB, 0x034, 32 },  { "smmuv2.mair0", CB, 0x038, 32 },
	{ "smmuv2.mair1", CB, 0x03c, 32 },       { "smmuv2.par", CB, 0x050, 64 },
	{ "smmuv2.fsr", CB, 0x058, 32 },         { "smmuv2.fsrrestore", CB, 0x05c, 32 },
	{ "smmuv2.far", CB, 0x060, 64 },         { "smmuv2.fsynr0", CB, 0x068, 32 },
	{ "smmuv2.fsynr1", CB, 0x06c, 32 },      { "smmuv2.ipafar", CB, 0x070, 64 },
	{ "smmuv2.tlbiva", CB, 0x600, 64 },      { "smmuv2.tlbivaa", CB, 0x608, 64 },
	{ "smmuv2.tlbiasid", CB, 0x610, 32 },    { "smmuv2.tlbiall", CB, 0x618, 32 },
	{ "smmuv2.tlbival", CB, 0x620, 64 },     { "smmuv2.tlbivaal", CB, 0x628, 64 },
	{ "smmuv2.tlbiipas2", CB, 0x630, 64 },   { "smmuv2.tlbiipas2l", CB, 0x638, 64 },
	{ "smmuv2.tlbsync", CB, 0x7f0, 32 },     { "smmuv2.tlbstatus", CB, 0x7f4, 32 },
	{ "smmuv2.ats1pr", CB, 0x800, 64 },      { "smmuv2.ats1pw", CB, 0x808, 64 },
	{ "smmuv2.ats1ur", CB, 0x810, 64 },      { "smmuv2.ats1uw", CB, 0x818, 64 },
	{ "smmuv2.atsr", CB, 0x8f0, 32 },
};
#define NREGS (sizeof(regs) / sizeof(regs[0]))

START_TEST(every_register_placed)
{
	size_t n = 0;

	for (size_t i = 0; i < NREGS; i++) {
		const struct smmu_desc *d = want_desc(regs[i].kind);
		unsigned want = SMMU_D_REGISTER | (regs[i].space == GR1 ? SMMU_D_GR1 : regs[i].space == CB ? SMMU_D_CB : 0);
		ck_assert_msg(d->flags == want, "%s: flags 0x%x", regs[i].kind, d->flags);
		ck_assert_msg(d->offset == regs[i].offset, "%s: offset 0x%x, expected 0x%x", regs[i].kind,
			      d->offset, regs[i].offset);
		ck_assert_msg(d->nwords == 1 && d->width == regs[i].width, "%s: width", regs[i].kind);
		ck_assert_msg(!strncmp(d->name, "SMMU_", 5), "%s: name %s", regs[i].kind, d->name);
	}
	/* nothing in the registry with the smmuv2 prefix is left out here */
	for (size_t i = 0; i < smmu_decoder_count(); i++)
		n += !strncmp(smmu_decoder_at(i)->kind, "smmuv2.", 7);
	ck_assert_uint_eq(n, NREGS);
}
END_TEST

/* --- golden decodes: one value per register, worked out by hand ------------------ */

struct fv {
	const char *field;
	uint64_t value;
};
static const struct {
	const char *kind;
	uint64_t value;
	struct fv f[8];
	const char *text; /* in the text rendering */
} golden[] = {
	/* 0x00201c36: bits 1,2,4,5 (0x36) GFRE GFIE GCFGFRE GCFGFIE; 10,11,12 (0x1c00)
	 * USFCFG VMIDPNE PTM; 21 (0x200000) SMCFCFG; CLIENTPD (bit 0) clear */
	{ "smmuv2.scr0", 0x00201c36, { { "CLIENTPD", 0 }, { "GFRE", 1 }, { "GFIE", 1 }, { "GCFGFRE", 1 },
		{ "USFCFG", 1 }, { "VMIDPNE", 1 }, { "PTM", 1 }, { "SMCFCFG", 1 } }, "USFCFG+" },
	/* NSNUMCBO 7:0 = 0x0a, NSNUMSMRGO 15:8 = 0x10, GASRAE bit 24 */
	{ "smmuv2.scr1", 0x0100100a, { { "NSNUMCBO", 10 }, { "NSNUMSMRGO", 16 }, { "NSNUMIRPTO", 0 }, { "GASRAE", 1 } },
	  "NSNUMSMRGO=16" },
	{ "smmuv2.scr2", 0x000000ff, { { "BPVMID", 0xff }, { "EXSMRGENABLE", 0 } }, "BPVMID=0xff" },
	/* MMU-500: bits 2,3,4 walk/IPA caches, 8,9,10 bypass TLBs, 26 CACHE_LOCK */
	{ "smmuv2.sacr", 0x0400071c, { { "S1WC2EN", 1 }, { "S2WC2EN", 1 }, { "IPA2PA_CEN", 1 }, { "SMTNMB_TLBEN", 1 },
		{ "MMUDISB_TLBEN", 1 }, { "S2CRB_TLBEN", 1 }, { "CACHE_LOCK", 1 }, { "DP4K_TCUDISB", 0 } }, "CACHE_LOCK+" },
	/* 0x79105e30: S1TS 30, S2TS 29, NTS 28, SMS 27 (0x78000000); PTFS 25:24 = 01
	 * (0x01000000); NUMIRPT 23:16 = 0x10; CTTW 14 (0x4000); NUMSIDB 12:9 = 15
	 * (0x1e00); NUMSMRG = 0x30 */
	{ "smmuv2.idr0", 0x79105e30, { { "NUMSMRG", 48 }, { "NUMSIDB", 15 }, { "CTTW", 1 }, { "NUMIRPT", 16 },
		{ "PTFS", 1 }, { "SMS", 1 }, { "NTS", 1 }, { "S1TS", 1 } }, "PTFS=AArch32 long only" },
	/* NUMPAGENDXB 30:28 = 3 (16 pages), NUMCB = 16, 4 KiB pages */
	{ "smmuv2.idr1", 0x30000010, { { "NUMCB", 16 }, { "NUMS2CB", 0 }, { "NUMPAGENDXB", 3 }, { "PAGESIZE", 0 } },
	  "NUMPAGENDXB=2^4" },
	/* IAS 5, OAS 5 (48-bit), UBS 5, the three AArch64 granules (0x7000), VMID16S */
	{ "smmuv2.idr2", 0x0000f555, { { "IAS", 5 }, { "OAS", 5 }, { "UBS", 5 }, { "PTFSv8_4kB", 1 }, { "PTFSv8_16kB", 1 },
		{ "PTFSv8_64kB", 1 }, { "VMID16S", 1 } }, "OAS=48-bit" },
	{ "smmuv2.idr7", 0x24, { { "MAJOR", 2 }, { "MINOR", 4 } }, "MAJOR=2" },
	{ "smmuv2.sgfar", 0xffff12345000ull, { { "FADDR", 0xffff12345000ull } }, "0xffff12345000" },
	{ "smmuv2.sgfsr", 0x80000002, { { "USF", 1 }, { "MULTI", 1 }, { "ICF", 0 }, { "SMCF", 0 } }, "USF+" },
	{ "smmuv2.sgfsrrestore", 0x2, { { "RESTORE", 2 } }, "RESTORE=0x2" },
	/* bits 1 and 3: a write, an instruction fetch */
	{ "smmuv2.sgfsynr0", 0xa, { { "Nested", 0 }, { "WNR", 1 }, { "PNU", 0 }, { "IND", 1 } }, "WNR+" },
	{ "smmuv2.sgfsynr1", 0x00000401, { { "StreamID", 0x401 }, { "SSD_Index", 0 } }, "StreamID=0x401" },
	{ "smmuv2.sgfsynr2", 0x12345678, { { "IMPDEF", 0x12345678 } }, NULL },
	{ "smmuv2.tlbivmid", 0x5, { { "VMID", 5 } }, "VMID=0x5" },
	{ "smmuv2.tlbiallnsnh", 0, { { "IGNORED", 0 } }, NULL },
	{ "smmuv2.tlbiallh", 0, { { "IGNORED", 0 } }, NULL },
	{ "smmuv2.tlbgsync", 0, { { "IGNORED", 0 } }, NULL },
	{ "smmuv2.tlbgstatus", 1, { { "GSACTIVE", 1 } }, "GSACTIVE+" },
	/* VALID, MASK 30:16 = 1, ID 0x400: StreamIDs 0x400 and 0x401 */
	{ "smmuv2.smr", 0x80010400, { { "VALID", 1 }, { "MASK", 1 }, { "ID", 0x400 } }, "VALID+" },
	{ "smmuv2.s2cr", 0x00000003, { { "TYPE", 0 }, { "CBNDX", 3 }, { "PRIVCFG", 0 } }, "TYPE=Translate" },
	/* TYPE 17:16 = 1: stage 1 with stage 2 bypass, VMID 3 */
	{ "smmuv2.cbar", 0x00010003, { { "TYPE", 1 }, { "VMID", 3 }, { "IRPTNDX", 0 } }, "TYPE=S1, S2 bypass" },
	/* TYPE 3, CBNDX 15:8 = 2 */
	{ "smmuv2.cbar.nested", 0x00030205, { { "TYPE", 3 }, { "CBNDX", 2 }, { "VMID", 5 } }, "CBNDX=2" },
	{ "smmuv2.cbfrsynra", 0x00000401, { { "StreamID", 0x401 }, { "SSD_Index", 0 } }, "StreamID=0x401" },
	{ "smmuv2.cba2r", 0x00050001, { { "VA64", 1 }, { "MONC", 0 }, { "VMID16", 5 } }, "VA64+" },
	/* Linux's stage 1 SCTLR: M TRE AFE (0x7), CFRE CFIE (0x60), ASIDPNE (0x1000) */
	{ "smmuv2.sctlr", 0x1067, { { "M", 1 }, { "TRE", 1 }, { "AFE", 1 }, { "AFFD", 0 }, { "CFRE", 1 }, { "CFIE", 1 },
		{ "CFCFG", 0 }, { "ASIDPNE", 1 } }, "M+" },
	{ "smmuv2.actlr", 0x3, { { "CMTLB", 1 }, { "CPRE", 1 } }, "CPRE+" },
	{ "smmuv2.resume", 0x1, { { "TnR", 1 } }, "TnR+" },
	/* PASize 2:0 = 5 (48-bit), AS (0x10), SEP 17:15 = 7 (0x38000) */
	{ "smmuv2.tcr2", 0x00038015, { { "PASize", 5 }, { "AS", 1 }, { "SEP", 7 }, { "TBI0", 0 } }, "PASize=48-bit" },
	{ "smmuv2.ttbr0", 0x0001000048000000ull, { { "ASID", 1 }, { "ADDR", 0x48000000 } }, "ASID=0x1" },
	{ "smmuv2.ttbr1", 0, { { "ASID", 0 }, { "ADDR", 0 } }, NULL },
	/* T0SZ 16, IRGN0 = ORGN0 = 1 (0x500), SH0 3 (0x3000), EPD1 (bit 23) */
	{ "smmuv2.tcr", 0x00803510, { { "T0SZ", 16 }, { "EPD0", 0 }, { "IRGN0", 1 }, { "ORGN0", 1 }, { "SH0", 3 },
		{ "TG0", 0 }, { "EPD1", 1 } }, "TG0=4KB" },
	/* T0SZ 16, SL0 1 (0x40), IRGN0/ORGN0 1, SH0 3, PASize 18:16 = 2 (40-bit), RES1 */
	{ "smmuv2.tcr.s2", 0x80023550, { { "T0SZ", 16 }, { "SL0", 1 }, { "SH0", 3 }, { "TG0", 0 }, { "PASize", 2 },
		{ "RES1", 1 } }, "PASize=40-bit" },
	{ "smmuv2.contextidr", 0xdeadbeef, { { "PROCID", 0xdeadbeef } }, "PROCID=0xdeadbeef" },
	{ "smmuv2.mair0", 0x000004ff, { { "Attr0", 0xff }, { "Attr1", 0x04 }, { "Attr2", 0 } }, "Attr0=0xff" },
	{ "smmuv2.mair1", 0, { { "Attr0", 0 } }, NULL },
	/* a successful ATS1*: PA 47:12 in place, ATTR 63:56 = 0xff */
	{ "smmuv2.par", 0xff00000048001000ull, { { "F", 0 }, { "PA", 0x48001 }, { "ATTR", 0xff } }, "F-" },
	/* FORMAT 10:9 = 2 (0x400), TF (0x2), MULTI */
	{ "smmuv2.fsr", 0x80000402, { { "TF", 1 }, { "AFF", 0 }, { "PF", 0 }, { "FORMAT", 2 }, { "MULTI", 1 } },
	  "FORMAT=AArch64" },
	{ "smmuv2.fsrrestore", 0x8, { { "RESTORE", 8 } }, NULL },
	{ "smmuv2.far", 0x30000, { { "FADDR", 0x30000 } }, NULL },
	/* PLVL 1:0 = 3, WNR (bit 4) */
	{ "smmuv2.fsynr0", 0x13, { { "PLVL", 3 }, { "WNR", 1 }, { "PNU", 0 }, { "IND", 0 }, { "S1CBNDX", 0 } }, "WNR+" },
	{ "smmuv2.fsynr1", 0, { { "IMPDEF", 0 } }, NULL },
	{ "smmuv2.ipafar", 0x48030000, { { "IPA", 0x48030000 } }, NULL },
	/* the page number of VA 0x30000 (0x30), ASID 1 in 63:48 */
	{ "smmuv2.tlbiva", 0x0001000000000030ull, { { "Address", 0x30 }, { "ASID", 1 } }, "Address=0x30" },
	{ "smmuv2.tlbivaa", 0x30, { { "Address", 0x30 } }, NULL },
	{ "smmuv2.tlbival", 0x0002000000000031ull, { { "Address", 0x31 }, { "ASID", 2 } }, NULL },
	{ "smmuv2.tlbivaal", 0x31, { { "Address", 0x31 } }, NULL },
	{ "smmuv2.tlbiasid", 0x7, { { "ASID", 7 } }, "ASID=0x7" },
	{ "smmuv2.tlbiall", 0, { { "IGNORED", 0 } }, NULL },
	{ "smmuv2.tlbiipas2", 0x48030, { { "Address", 0x48030 } }, NULL },
	{ "smmuv2.tlbiipas2l", 0x48031, { { "Address", 0x48031 } }, NULL },
	{ "smmuv2.tlbsync", 0, { { "IGNORED", 0 } }, NULL },
	{ "smmuv2.tlbstatus", 1, { { "SACTIVE", 1 } }, "SACTIVE+" },
	{ "smmuv2.ats1pr", 0x30000, { { "Address", 0x30 } }, NULL },
	{ "smmuv2.ats1pw", 0x31000, { { "Address", 0x31 } }, NULL },
	{ "smmuv2.ats1ur", 0x32000, { { "Address", 0x32 } }, NULL },
	{ "smmuv2.ats1uw", 0x33000, { { "Address", 0x33 } }, NULL },
	{ "smmuv2.atsr", 1, { { "ACTIVE", 1 } }, "ACTIVE+" },
};
#define NGOLDEN (sizeof(golden) / sizeof(golden[0]))

START_TEST(golden_decode)
{
	const uint64_t w[] = { golden[_i].value };
	char *json;

	for (size_t k = 0; k < 8 && golden[_i].f[k].field; k++)
		expect_field(golden[_i].kind, w, golden[_i].f[k].field, golden[_i].f[k].value);
	ck_assert_msg(decode_warnings(golden[_i].kind, w) == 0, "%s: warnings", golden[_i].kind);
	if (golden[_i].text)
		expect_text(golden[_i].kind, w, 0, golden[_i].text);
	json = render_json_checked(golden[_i].kind, w);
	ck_assert_ptr_nonnull(strstr(json, golden[_i].kind));
	free(json);
}
END_TEST

/* Every register has a golden vector. */
START_TEST(every_register_has_a_golden_vector)
{
	for (size_t i = 0; i < NREGS; i++) {
		size_t k = 0;
		while (k < NGOLDEN && strcmp(golden[k].kind, regs[i].kind))
			k++;
		ck_assert_msg(k < NGOLDEN, "%s has no golden vector", regs[i].kind);
	}
}
END_TEST

START_TEST(reserved_bits_warn)
{
	const uint64_t smr[] = { 0x8000c000 }, fsr[] = { 0x00001000 };

	ck_assert_uint_eq(decode_warnings("smmuv2.smr", smr), 1); /* bit 15 */
	ck_assert_uint_eq(decode_warnings("smmuv2.fsr", fsr), 1); /* bit 12 */
}
END_TEST

/* Names: the full kind always; bare names that SMMUv3 has too keep meaning
 * SMMUv3's; names only SMMUv2 has resolve to it. */
START_TEST(names)
{
	const struct smmu_desc *d;

	ck_assert_int_eq(smmu_decoder_find("smmuv2.idr0", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv2.idr0");
	ck_assert_int_eq(smmu_decoder_find("idr0", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv3.idr0");
	ck_assert_int_eq(smmu_decoder_find("sctlr", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv2.sctlr");
	ck_assert_int_eq(smmu_decoder_find("S2CR", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv2.s2cr");
	ck_assert_int_eq(smmu_decoder_find("smmuv2.tcr", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv2.tcr");
	ck_assert_int_eq(smmu_decoder_find("tcr.s2", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv2.tcr.s2");
	ck_assert_int_eq(smmu_decoder_find("sgfs", &d, NULL), -EINVAL); /* sgfsr, sgfsrrestore, sgfsynr0.. */
	/* an unchanged SMMUv3 and VT-d name */
	ck_assert_int_eq(smmu_decoder_find("ste", &d, NULL), 0);
	ck_assert_str_eq(d->kind, "smmuv3.ste");
}
END_TEST

Suite *suite_smmuv2_regs(void)
{
	Suite *s = suite_create("smmuv2_regs");
	TCase *tc = tcase_create("regs");

	tcase_add_test(tc, every_register_placed);
	tcase_add_loop_test(tc, golden_decode, 0, (int)NGOLDEN);
	tcase_add_test(tc, every_register_has_a_golden_vector);
	tcase_add_test(tc, reserved_bits_warn);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}
