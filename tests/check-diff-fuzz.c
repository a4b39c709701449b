/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing in the suite: a bounded, deterministic run of
 * tests/diff-fuzz.c (the library's prediction against the sim model) per
 * architecture.  DFZ_CONFIGS and DFZ_SEED override the size and the seed;
 * tests/fuzz/fuzz-diff.c is the open-ended libFuzzer harness.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/diff-fuzz.h"

#define ACCESSES 50
#define QEMU_ACCESSES 8

static unsigned configs(void)
{
	const char *e = getenv("DFZ_CONFIGS");

	return e ? (unsigned)strtoul(e, NULL, 0) : 2000;
}

static void run(enum dfz_arch arch, const char *name, uint64_t seed0)
{
	const char *e = getenv("DFZ_SEED");
	struct dfz_stats st = { 0 };
	struct timespec t0, t1;
	char msg[1024];
	unsigned n = configs();

	if (e)
		seed0 = strtoull(e, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < n; i++) {
		struct dfz_src src;

		dfz_src_seed(&src, seed0 + i);
		ck_assert_msg(dfz_run(arch, &src, ACCESSES, &st, msg, sizeof(msg)) == 0, "%s seed 0x%" PRIx64 ": %s",
			      name, seed0 + i, msg);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr,
		"diff-fuzz %s: %" PRIu64 " configurations, %" PRIu64 " accesses (%" PRIu64 " translated, %" PRIu64
		" recorded faults, %" PRIu64 " silent, %" PRIu64 " not predicted; nested %" PRIu64 ": %" PRIu64
		" translated, %" PRIu64 " stopped by stage 2 on a table read; VMSAv8-32 LPAE %" PRIu64 ": %" PRIu64
		" translated) in %.1f s\n",
		name, st.configs, st.accesses, st.translated, st.recorded, st.silent, st.unpredicted, st.nested,
		st.nested_translated, st.nested_s2_fetch, st.aa32, st.aa32_translated,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (getenv("DFZ_VERBOSE"))
		for (unsigned c = 0; c < 256; c++)
			if (st.code[c])
				fprintf(stderr, "  0x%02x: %" PRIu64 "\n", c, st.code[c]);
	ck_assert_uint_ge(st.accesses, (uint64_t)n * ACCESSES);
	/* nothing is left unpredicted, and VMSAv8-32 tables were walked */
	ck_assert_uint_eq(st.unpredicted, 0);
	if (arch == DFZ_SMMUV3 && n >= 200)
		ck_assert_uint_gt(st.aa32_translated, 0);
}

START_TEST(smmuv3_prediction_equals_model)
{
	run(DFZ_SMMUV3, "smmuv3", 0x5eed0000);
}
END_TEST

START_TEST(vtd_legacy_prediction_equals_model)
{
	run(DFZ_VTD_LEGACY, "vtd-legacy", 0x7d000000);
}
END_TEST

START_TEST(vtd_scalable_prediction_equals_model)
{
	run(DFZ_VTD_SCALABLE, "vtd-scalable", 0x5c000000);
}
END_TEST

/* --- a sample against QEMU 7.2 (issue 14): one QEMU per architecture,
 * configurations within what it models; every disagreement must be one of
 * QEMU's named departures.  DFZ_QEMU_CONFIGS overrides the size.  Without
 * QEMU the case skips, except under CI=true, where that is a failure. --- */

static void run_qemu(enum dfz_arch arch, const char *name, const char *binary, uint64_t seed0)
{
	const char *e = getenv("DFZ_QEMU_CONFIGS"), *ci = getenv("CI"), *sd = getenv("DFZ_SEED");
	unsigned n = e ? (unsigned)strtoul(e, NULL, 0) : 300;
	struct dfz_qemu_stats q = { 0 };
	struct timespec t0, t1;
	char msg[1024];
	int rc;

	if (sd)
		seed0 = strtoull(sd, NULL, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = dfz_qemu_run(arch, seed0, n, QEMU_ACCESSES, &q, msg, sizeof(msg));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == -2) {
		ck_assert_msg(!(ci && !strcmp(ci, "true")), "%s: %s (%s), and CI=true forbids skipping", name, msg, binary);
		fprintf(stderr, "diff-fuzz %s: SKIP: %s\n", name, msg);
		return;
	}
	fprintf(stderr, "diff-fuzz %s: %" PRIu64 " configurations, %" PRIu64 " accesses: %" PRIu64 " agree (%" PRIu64
		" translated, %" PRIu64 " recorded faults), %" PRIu64 " named departures in %.1f s\n", name, q.configs,
		q.accesses, q.agree, q.translated, q.recorded, q.accesses - q.agree,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (unsigned i = 0; i < q.ndep; i++)
		fprintf(stderr, "  %s: %" PRIu64 "\n", q.dep[i].name, q.dep[i].n);
	ck_assert_msg(rc == 0, "%s: %s", name, msg);
	ck_assert_uint_eq(q.configs, n);
	/* the sample means something: most accesses agree, some translate, some fault */
	ck_assert_uint_ge(q.agree * 2, q.accesses);
	ck_assert_uint_gt(q.translated, 0);
	ck_assert_uint_gt(q.recorded, 0);
}

START_TEST(smmuv3_prediction_against_qemu)
{
	run_qemu(DFZ_SMMUV3, "qemu:virt smmuv3", "qemu-system-aarch64", 0x9e000000);
}
END_TEST

START_TEST(vtd_prediction_against_qemu)
{
	run_qemu(DFZ_VTD_LEGACY, "qemu:q35 vt-d", "qemu-system-x86_64", 0x9d000000);
}
END_TEST

START_TEST(amdvi_prediction_equals_model)
{
	run(DFZ_AMDVI, "amdvi", 0xa3d00000);
}
END_TEST

START_TEST(smmuv2_prediction_equals_model)
{
	run(DFZ_SMMUV2, "smmuv2", 0x52000000);
}
END_TEST

/* --- named regressions: each a disagreement once found (by the fuzzer or
 * by reading the specification), built by hand.  Every case checks both
 * the expected architectural outcome and that the model agrees. --------- */

#include "lib/smmu.h"

#define BIT(n) (1ULL << (n))
#define STRTAB 0x200000   /* offsets from RAM */
#define CDS    0x300000
#define L2CD   0x310000
#define PT     0x400000

/* STE dword0: V, Config[3:1], S1Fmt[5:4], S1ContextPtr[55:6], S1CDMax[63:59] */
static uint64_t ste0(unsigned config, unsigned fmt, uint64_t ptr, unsigned cdmax)
{
	return 1 | (uint64_t)config << 1 | (uint64_t)fmt << 4 | ptr | (uint64_t)cdmax << 59;
}

/* A valid CD: T0SZ 25 (39-bit), 4K, EPD1, V, IPS 48-bit, AA64, R, A, ASID. */
static void cd_at(struct dfz_machine *m, uint64_t pa, uint64_t ttb0, unsigned asid)
{
	uint64_t cd[8] = { 25 | BIT(30) | BIT(31) | 5ULL << 32 | BIT(41) | BIT(45) | BIT(46) | (uint64_t)asid << 48, ttb0,
			   0, 0xff };
	dfz_write(m, pa, cd, 8);
}

static struct dfz_machine *v3(bool recinvsid, unsigned log2size, unsigned fmt_split)
{
	struct dfz_machine *m = dfz_open(DFZ_SMMUV3, true);

	ck_assert_ptr_nonnull(m);
	dfz_reg(m, 0x2c, 4, recinvsid ? 2 : 0);
	dfz_reg(m, 0x80, 8, dfz_ram(m) + STRTAB);
	dfz_reg(m, 0x88, 4, log2size | fmt_split);
	dfz_reg(m, 0x20, 4, 0xd);
	return m;
}

static void ste_for(struct dfz_machine *m, unsigned dev, uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	uint64_t ste[8] = { d0, d1, d2, d3 };
	dfz_write(m, dfz_ram(m) + STRTAB + ((dev + 1) << 3) * 64ULL, ste, 8);
}

#define expect(m, dev, ssv, ssid, iova, acc, code, quiet) expect_at(__LINE__, m, dev, ssv, ssid, iova, acc, code, quiet)
static void expect_at(int line, struct dfz_machine *m, unsigned dev, bool ssv, uint32_t ssid, uint64_t iova, unsigned acc,
		      uint32_t code, bool quiet)
{
	struct smmu_translation tr;
	const char *msg;

	ck_assert_msg(dfz_access(m, dev, ssv, ssid, iova, acc, &tr, &msg) == 0, "line %d: %s", line, msg);
	ck_assert_msg(!tr.ok && tr.code == code && tr.quiet == quiet,
		      "line %d: predicted ok=%d code 0x%x quiet=%d (%s), want code 0x%x quiet=%d", line, tr.ok, tr.code,
		      tr.quiet, tr.cfg.reason, code, quiet);
}

/* Issue 14 #1: S1CDMax > 0, S1DSS = 0b00, no SubstreamID: F_STREAM_DISABLED
 * (IHI 0070 7.3.7), not C_BAD_SUBSTREAMID. */
START_TEST(v3_no_ssid_with_substreams_is_stream_disabled)
{
	struct dfz_machine *m = v3(true, 8, 0);
	uint64_t r = dfz_ram(m);

	cd_at(m, r + CDS, r + PT, 1);
	ste_for(m, 0, ste0(5, 0, r + CDS, 2), 0, 0, 0);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x06, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #2: a 2-level CD table whose L1CD has V = 0: C_BAD_SUBSTREAMID
 * (7.3.9), not C_BAD_CD. */
START_TEST(v3_invalid_l1cd_is_bad_substreamid)
{
	struct dfz_machine *m = v3(true, 8, 0);
	uint64_t r = dfz_ram(m), l1[2] = { r + L2CD + 1, r + L2CD }; /* L1CD 1: V = 0 */

	dfz_write(m, r + CDS, l1, 2);
	cd_at(m, r + L2CD + 6 * 64, r + PT, 1);
	ste_for(m, 0, ste0(5, 1, r + CDS, 8), 0, 0, 0);
	expect(m, 0, true, 70, 0x1000, SMMU_PROT_R, 0x08, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #3: SSV = 1 where no substreams exist: S1CDMax = 0 (also SSID 0),
 * Config bypass, stage 2 only: C_BAD_SUBSTREAMID; S1DSS = 0b10 and SSID 0:
 * F_STREAM_DISABLED. */
START_TEST(v3_substream_where_none_exist)
{
	struct dfz_machine *m = v3(true, 8, 0);
	uint64_t r = dfz_ram(m);
	/* S2T0SZ 25, S2SL0 1 (level 1, 4K), S2PS 48-bit, S2AA64, S2R */
	uint64_t s2 = 25ULL << 32 | 1ULL << 38 | 5ULL << 48 | BIT(51) | BIT(58);

	cd_at(m, r + CDS, r + PT, 1);
	ste_for(m, 0, ste0(5, 0, r + CDS, 0), 0, 0, 0);
	expect(m, 0, true, 0, 0x1000, SMMU_PROT_R, 0x08, false);
	expect(m, 0, true, 3, 0x1000, SMMU_PROT_R, 0x08, false);
	ste_for(m, 1, ste0(4, 0, 0, 0), 0, 0, 0);
	expect(m, 1, true, 0, 0x1000, SMMU_PROT_R, 0x08, false);
	ste_for(m, 2, ste0(6, 0, 0, 0), 0, s2, r + PT);
	expect(m, 2, true, 1, 0x1000, SMMU_PROT_R, 0x08, false);
	ste_for(m, 3, ste0(5, 0, r + CDS, 2), 2, 0, 0); /* S1DSS = substream 0 */
	expect(m, 3, true, 0, 0x1000, SMMU_PROT_R, 0x06, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #7: an invalid L1STD gives C_BAD_STREAMID, recorded only with
 * CR2.RECINVSID = 1 (7.3.2): the library calls it unrecorded otherwise, and
 * so does the model now. */
START_TEST(v3_invalid_l1std_recorded_only_with_recinvsid)
{
	for (int rec = 0; rec < 2; rec++) {
		struct dfz_machine *m = v3(rec, 16, 8 << 6 | 1 << 16);
		uint64_t l1 = 0; /* Span 0 */

		dfz_write(m, dfz_ram(m) + STRTAB, &l1, 1);
		expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x02, !rec);
		dfz_close(m);
	}
}
END_TEST

/* Found by the fuzzer: STE.S1STALLD = 1 on an SMMU that cannot stall is
 * ILLEGAL (5.2.2 SteIllegal); the model accepted it. */
START_TEST(v3_s1stalld_without_stalls_is_illegal)
{
	struct dfz_machine *m = v3(true, 8, 0);
	uint64_t r = dfz_ram(m);

	cd_at(m, r + CDS, r + PT, 1);
	ste_for(m, 0, ste0(5, 0, r + CDS, 0), BIT(27), 0, 0);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x04, false);
	dfz_close(m);
}
END_TEST

/* Found by the fuzzer: in a nested STE the CD is at an IPA; the library read
 * it as a physical address.  Issue 14 part A: nested configurations are
 * followed completely: the CD, every stage-1 table read and the output go
 * through stage 2, and where stage 2 stops is the fault (CLASS=CD or TT). */
#define S2T 0x600000 /* stage-2 tables */
#define DATA 0x1000000
/* Stage 2, 4K granule, 39-bit IPA from level 1: RAM at IPA = PA in 2M
 * blocks (level-1 entry 1 -> a level-2 table), block b with S2AP ap[b]. */
static void s2_ram(struct dfz_machine *m, unsigned noread_block)
{
	uint64_t r = dfz_ram(m), l1 = (r + S2T + 0x1000) | 3, l2[32];

	dfz_write(m, r + S2T + 8, &l1, 1);
	for (unsigned b = 0; b < 32; b++)
		l2[b] = (r + b * 0x200000ULL) | BIT(10) | (b == noread_block ? 2ULL : 3ULL) << 6 | 0xfULL << 2 | 1;
	dfz_write(m, r + S2T + 0x1000, l2, 32);
}

START_TEST(v3_nested_is_followed_through_stage2)
{
	struct dfz_machine *m = v3(true, 8, 0);
	uint64_t r = dfz_ram(m), s2 = 25ULL << 32 | 1ULL << 38 | 5ULL << 48 | BIT(51) | BIT(58);
	struct smmu_translation tr;
	const char *msg;

	/* nothing maps the CD's IPA yet: stage 2 faults on the CD fetch */
	ste_for(m, 0, ste0(7, 0, r + CDS, 0), 1, s2, r + S2T);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x10, false);
	/* stage 2 maps RAM; stage 1 maps 0x1000 -> DATA with tables at IPAs */
	s2_ram(m, ~0u);
	cd_at(m, r + CDS, r + PT, 1);
	uint64_t t1 = (r + PT + 0x1000) | 3, t2 = (r + PT + 0x2000) | 3, pg = (r + DATA) | BIT(10) | BIT(6) | 3;
	dfz_write(m, r + PT, &t1, 1);
	dfz_write(m, r + PT + 0x1000, &t2, 1);
	dfz_write(m, r + PT + 0x2000 + 8, &pg, 1);
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1008, SMMU_PROT_R, &tr, &msg), 0);
	ck_assert_msg(tr.ok && tr.pa == r + DATA + 8 && tr.cfg.nested && tr.ipa == r + DATA + 8, "%s", tr.cfg.reason);
	ck_assert_uint_eq(tr.nfetch, 3);
	for (unsigned i = 0; i < 3; i++)
		ck_assert_uint_eq(tr.s2_fetch[i].oa, tr.x.step[i].entry_pa); /* IPA = PA here */
	ck_assert(tr.s2_walked && tr.s2.nsteps == 2 && tr.s2.oa == r + DATA + 8);
	ck_assert(smmu_config_step(&tr.cfg, SMMU_CS_CD)->at_ipa);
	/* stage 2 denies reads of the block holding the stage-1 tables: a
	 * stage-2 permission fault on the first table read */
	dfz_close(m);
	m = v3(true, 8, 0);
	r = dfz_ram(m);
	ste_for(m, 0, ste0(7, 0, r + CDS, 0), 1, s2, r + S2T);
	s2_ram(m, PT >> 21);
	cd_at(m, r + CDS, r + PT, 1);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x13, false);
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1000, SMMU_PROT_R, &tr, &msg), 0);
	ck_assert(tr.stop == SMMU_STOP_FETCH && tr.nfetch == 1 && tr.s2_fetch[0].fault == SMMU_PGT_F_PERM);
	/* ... and of the data: the output stops in stage 2 */
	dfz_close(m);
	m = v3(true, 8, 0);
	r = dfz_ram(m);
	ste_for(m, 0, ste0(7, 0, r + CDS, 0), 1, s2, r + S2T);
	s2_ram(m, DATA >> 21);
	cd_at(m, r + CDS, r + PT, 1);
	dfz_write(m, r + PT, &t1, 1);
	dfz_write(m, r + PT + 0x1000, &t2, 1);
	dfz_write(m, r + PT + 0x2000 + 8, &pg, 1);
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1000, SMMU_PROT_R, &tr, &msg), 0);
	ck_assert_msg(!tr.ok && tr.stop == SMMU_STOP_OUTPUT && tr.code == 0x13 && tr.s2.fault == SMMU_PGT_F_PERM, "%s",
		      tr.cfg.reason);
	dfz_close(m);
}
END_TEST

/* From IHI 0070 3.4: with the SMMU disabled, an address beyond the OAS
 * aborts unrecorded (the model passed it through); STE bypass records
 * F_ADDR_SIZE for it. */
START_TEST(v3_bypass_beyond_oas)
{
	struct dfz_machine *m = dfz_open(DFZ_SMMUV3, true);

	dfz_reg(m, 0x44, 4, BIT(31)); /* GBPA: bypass */
	expect(m, 0, false, 0, BIT(48) | 0x1000, SMMU_PROT_R, 0, true);
	dfz_close(m);
	m = v3(true, 8, 0);
	ste_for(m, 0, ste0(4, 0, 0, 0), 0, 0, 0);
	expect(m, 0, false, 0, BIT(48) | 0x1000, SMMU_PROT_R, 0x11, false);
	dfz_close(m);
}
END_TEST

/* --- VMSAv8-32 LPAE (CD.AA64 = 0, STE.S2AA64 = 0) ---------------------- */

/* SMMUv3 with IDR0.TTF = ttf, a linear stream table, RECINVSID, enabled. */
static struct dfz_machine *v3_ttf(unsigned ttf)
{
	struct dfz_machine *m = dfz_open_ttf(DFZ_SMMUV3, true, ttf);

	ck_assert_ptr_nonnull(m);
	dfz_reg(m, 0x2c, 4, 2);
	dfz_reg(m, 0x80, 8, dfz_ram(m) + STRTAB);
	dfz_reg(m, 0x88, 4, 8);
	dfz_reg(m, 0x20, 4, 0xd);
	return m;
}

#define expect_ok(m, dev, iova, acc, pa) expect_ok_at(__LINE__, m, dev, iova, acc, pa)
static void expect_ok_at(int line, struct dfz_machine *m, unsigned dev, uint64_t iova, unsigned acc, uint64_t pa)
{
	struct smmu_translation tr;
	const char *msg;

	ck_assert_msg(dfz_access(m, dev, false, 0, iova, acc, &tr, &msg) == 0, "line %d: %s", line, msg);
	ck_assert_msg(tr.ok && tr.pa == pa, "line %d: predicted ok=%d pa 0x%" PRIx64 " code 0x%x (%s), want 0x%" PRIx64,
		      line, tr.ok, tr.pa, tr.code, tr.cfg.reason, pa);
}

static void put(struct dfz_machine *m, uint64_t pa, uint64_t v)
{
	dfz_write(m, pa, &v, 1);
}

/* A VMSAv8-32 page: OA, AF, AP[2:1], Page. */
#define AA32_PAGE(oa, ap) ((oa) | BIT(10) | (uint64_t)(ap) << 6 | 3)

/* Found by the sample against QEMU 7.2: the stream table's base is aligned
 * to the table's size, its low ADDR bits ignored (IHI 0070 6.3.24: linear
 * ADDR[LOG2SIZE + 5:0] = 0, 2-level ADDR[MAX(5, LOG2SIZE - SPLIT + 2):0] =
 * 0); the library and the model both used them. */
START_TEST(v3_strtab_base_aligned_to_table_size)
{
	struct dfz_machine *m = dfz_open(DFZ_SMMUV3, true);
	uint64_t r = dfz_ram(m), l2 = r + STRTAB + 0x10000;

	dfz_reg(m, 0x2c, 4, 2);
	dfz_reg(m, 0x80, 8, r + STRTAB + 0x1c0); /* 256 STEs: 16 KiB, so bits [13:0] are ignored */
	dfz_reg(m, 0x88, 4, 8);
	dfz_reg(m, 0x20, 4, 0xd);
	ste_for(m, 0, ste0(4, 0, 0, 0), 0, 0, 0);
	expect_ok(m, 0, r + DATA, SMMU_PROT_R, r + DATA);
	dfz_close(m);
	/* 2-level, LOG2SIZE 16, SPLIT 6: a 1024-entry level-1 table (8 KiB) */
	m = dfz_open(DFZ_SMMUV3, true);
	put(m, r + STRTAB, l2 | 7); /* StreamIDs 0-63: Span 7 */
	uint64_t ste[8] = { ste0(4, 0, 0, 0) };
	dfz_write(m, l2 + 8 * 64, ste, 8);
	dfz_reg(m, 0x2c, 4, 2);
	dfz_reg(m, 0x80, 8, r + STRTAB + 0x1fc0);
	dfz_reg(m, 0x88, 4, 16 | 6 << 6 | 1 << 16);
	dfz_reg(m, 0x20, 4, 0xd);
	expect_ok(m, 0, r + DATA, SMMU_PROT_R, r + DATA);
	dfz_close(m);
}
END_TEST

/* Found by the fuzzer once sim:virt could advertise VMSAv8-32 alone (IAS =
 * 40 bits < OAS = 48): an STE that bypasses both stages checks the input
 * against the OAS, a bypassed stage 1 against the IAS (IHI 0070 3.4); the
 * model checked the IAS for both. */
START_TEST(v3_ste_bypass_checks_oas_not_ias)
{
	struct dfz_machine *m = v3_ttf(1);
	uint64_t a = BIT(40) | 0x1000;

	ste_for(m, 0, ste0(4, 0, 0, 0), 0, 0, 0);
	expect_ok(m, 0, a, SMMU_PROT_R, a); /* (not RAM: the DMA then fails in memory, unrecorded) */
	/* S1DSS = bypass for a request without a SubstreamID: the 40-bit IAS */
	ste_for(m, 0, ste0(5, 0, dfz_ram(m) + CDS, 1), 1, 0, 0);
	expect(m, 0, false, 0, a, SMMU_PROT_R, 0x11, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #4: a VMSAv8-32 LPAE CD is legal with IDR0.TTF[0] and walked:
 * T0SZ 1 gives TTB0 [0, 2^31) from a 2-entry level-1 table (16-byte
 * aligned), T1SZ 2 gives TTB1 [0xc0000000, 2^32) from level 2; the gap and
 * anything above 32 bits are F_TRANSLATION; OA[47:40] set is F_ADDR_SIZE,
 * [51:48] are ignored; XN (bit 54) forbids privileged execution, and PL0
 * execution needs PL0 read (both unlike VMSAv8-64). */
START_TEST(v3_aarch32_stage1_walks)
{
	struct dfz_machine *m = v3_ttf(3);
	uint64_t r = dfz_ram(m), ttb0 = r + PT + 0x10, l3 = r + PT + 0x2000;
	uint64_t cd[8] = { 1 | 2ULL << 16 | BIT(31) | BIT(45) | BIT(46) | 7ULL << 48, ttb0, r + PT + 0x3000, 0xff };

	ste_for(m, 0, ste0(5, 0, r + CDS, 0), 0, 0, 0);
	dfz_write(m, r + CDS, cd, 8);
	put(m, ttb0, (r + PT + 0x1000) | 3);
	put(m, r + PT + 0x1000, l3 | 3);
	put(m, l3 + 8, AA32_PAGE(r + DATA, 1));                 /* 0x1000: PL0 and PL1 read/write */
	put(m, l3 + 16, AA32_PAGE(r + DATA, 3) | BIT(54));      /* 0x2000: read-only, XN */
	put(m, l3 + 24, AA32_PAGE(r + DATA, 0));                /* 0x3000: PL1 only */
	put(m, l3 + 32, AA32_PAGE((r + DATA) | BIT(40), 1));      /* 0x4000: OA[40] */
	put(m, l3 + 40, AA32_PAGE(r + DATA, 1) | BIT(48));      /* 0x5000: bit 48, ignored */
	put(m, r + PT + 0x3000 + 8, (r | BIT(10) | 1ULL << 6 | 1)); /* TTB1: 0xc0200000, a 2M block */
	expect_ok(m, 0, 0x1008, SMMU_PROT_R, r + DATA + 8);
	expect_ok(m, 0, 0x1010, SMMU_PROT_W, r + DATA + 0x10);
	expect_ok(m, 0, 0x2008, SMMU_PROT_R | SMMU_PROT_PRIV, r + DATA + 8);
	expect(m, 0, false, 0, 0x2008, SMMU_PROT_X | SMMU_PROT_R | SMMU_PROT_PRIV, 0x13, false);
	expect_ok(m, 0, 0x3008, SMMU_PROT_X | SMMU_PROT_R | SMMU_PROT_PRIV, r + DATA + 8);
	expect(m, 0, false, 0, 0x3008, SMMU_PROT_X | SMMU_PROT_R, 0x13, false);
	expect(m, 0, false, 0, 0x4008, SMMU_PROT_R, 0x11, false);
	expect_ok(m, 0, 0x5008, SMMU_PROT_R, r + DATA + 8);
	expect_ok(m, 0, 0xc0200010, SMMU_PROT_R, r + 0x10);
	expect(m, 0, false, 0, 0x80000000, SMMU_PROT_R, 0x10, false);
	expect(m, 0, false, 0, BIT(32) | 0x1000, SMMU_PROT_R, 0x10, false);
	/* UWXN: PL0-writable memory is privileged execute-never */
	cd[0] |= BIT(37);
	dfz_write(m, r + CDS, cd, 8);
	expect(m, 0, false, 0, 0x1008, SMMU_PROT_X | SMMU_PROT_R | SMMU_PROT_PRIV, 0x13, false);
	expect_ok(m, 0, 0x1008, SMMU_PROT_X | SMMU_PROT_R, r + DATA + 8);
	/* a TTB beyond the 40-bit output is ILLEGAL: C_BAD_CD */
	cd[1] = BIT(40) | ttb0;
	dfz_write(m, r + CDS, cd, 8);
	expect(m, 0, false, 0, 0x1008, SMMU_PROT_R, 0x0a, false);
	dfz_close(m);
	/* without IDR0.TTF[0] the same CD is ILLEGAL */
	m = v3_ttf(2);
	ste_for(m, 0, ste0(5, 0, r + CDS, 0), 0, 0, 0);
	cd[1] = ttb0;
	dfz_write(m, r + CDS, cd, 8);
	expect(m, 0, false, 0, 0x1008, SMMU_PROT_R, 0x0a, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #4: a VMSAv8-32 LPAE stage 2 (S2AA64 = 0): S2T0SZ -8 (40-bit
 * IPA) with S2SL0 1 starts at level 1 with two concatenated tables; S2TG
 * and S2PS are IGNORED; no execute-only; S2SL0 0 is inconsistent with a
 * 40-bit IPA (C_BAD_STE).  Nested, a VMSAv8-64 CD on it is ILLEGAL and a
 * VMSAv8-32 one is walked at IPAs. */
START_TEST(v3_aarch32_stage2_walks)
{
	struct dfz_machine *m = v3_ttf(3);
	uint64_t r = dfz_ram(m), ipa = BIT(39) | 0x1000;
	uint64_t s2 = 8ULL << 32 | 1ULL << 38 | 3ULL << 46 /* S2TG reserved */ | BIT(58), l2 = r + S2T + 0x2000;
	uint64_t l3 = r + S2T + 0x3000;

	ste_for(m, 0, ste0(6, 0, 0, 0), 0, s2, r + S2T);
	put(m, r + S2T + 0x1000, l2 | 3); /* IPA[39:30] = 512: the second level-1 table */
	put(m, l2, l3 | 3);
	put(m, l3 + 8, (r + DATA) | BIT(10) | 3ULL << 6 | 0xfULL << 2 | 3);
	put(m, l3 + 16, (r + DATA) | BIT(10) | 0xfULL << 2 | 3); /* S2AP 00, XN 0 */
	expect_ok(m, 0, ipa | 8, SMMU_PROT_R, r + DATA + 8);
	expect_ok(m, 0, ipa | 8, SMMU_PROT_X | SMMU_PROT_R, r + DATA + 8);
	expect(m, 0, false, 0, ipa + 0x1000, SMMU_PROT_X | SMMU_PROT_R, 0x13, false);
	expect(m, 0, false, 0, BIT(40) | 0x1000, SMMU_PROT_R, 0x10, false);
	ste_for(m, 0, ste0(6, 0, 0, 0), 0, s2 & ~(3ULL << 38), r + S2T);
	expect(m, 0, false, 0, ipa, SMMU_PROT_R, 0x04, false);
	dfz_close(m);

	/* nested: stage 2 maps RAM at IPA = PA (level 1 entry 1, 2M blocks) */
	m = v3_ttf(3);
	ste_for(m, 0, ste0(7, 0, r + CDS, 0), 1, s2, r + S2T);
	s2_ram(m, ~0u);
	cd_at(m, r + CDS, r + PT, 1);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x0a, false);
	uint64_t cd[8] = { BIT(31) | BIT(45) | BIT(46) | 1ULL << 48, r + PT, 0, 0xff };
	dfz_write(m, r + CDS, cd, 8);
	put(m, r + PT, (r + PT + 0x1000) | 3);
	put(m, r + PT + 0x1000, (r + PT + 0x2000) | 3);
	put(m, r + PT + 0x2000 + 8, AA32_PAGE(r + DATA, 1));
	struct smmu_translation tr;
	const char *msg;
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1008, SMMU_PROT_R, &tr, &msg), 0);
	ck_assert_msg(tr.ok && tr.pa == r + DATA + 8 && tr.cfg.nested && tr.nfetch == 3, "%s", tr.cfg.reason);
	ck_assert(tr.cfg.pgt.flags & tr.cfg.s2pgt.flags & SMMU_PGT_CFG_AARCH32);
	dfz_close(m);
}
END_TEST

/* VT-d: a root table at RAM + 0x200000 (bus 0), translation on. */
static struct dfz_machine *vtd(bool scalable, uint64_t root_lo, uint64_t root_hi)
{
	struct dfz_machine *m = dfz_open(scalable ? DFZ_VTD_SCALABLE : DFZ_VTD_LEGACY, false);
	uint64_t r, re[2] = { root_lo, root_hi };

	ck_assert_ptr_nonnull(m);
	r = dfz_ram(m);
	dfz_write(m, r + STRTAB, re, 2);
	dfz_reg(m, 0x20, 8, (r + STRTAB) | (scalable ? 1ULL << 10 : 0));
	dfz_reg(m, 0x18, 4, 1u << 30); /* SRTP */
	dfz_reg(m, 0x18, 4, 1u << 31); /* TE */
	return m;
}

/* Issue 14 #5: a scalable-mode root entry whose present bit (LP) is clear:
 * reason 0x39 (SRT.2, "present bit in root entry is clear"), not 0x38. */
START_TEST(vtd_sm_root_not_present_is_0x39)
{
	struct dfz_machine *m = vtd(true, 0, 0);

	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x39, false);
	dfz_close(m);
}
END_TEST

/* Issue 14 #6: a PASID entry with a reserved PGTT: 0x5b (invalid PASID
 * entry), not 0x5a (reserved field). */
START_TEST(vtd_pasid_reserved_pgtt_is_0x5b)
{
	struct dfz_machine *m = dfz_open(DFZ_VTD_SCALABLE, false);
	uint64_t r = dfz_ram(m);

	dfz_close(m);
	m = vtd(true, r + CDS + 1, 0);
	/* context entry for 00:01.0: P, PASIDE, PDTS 0, PASID directory at L2CD */
	uint64_t ctx[4] = { 1 | 8 | (r + L2CD), 0 }, dir = (r + PT) | 1;
	uint64_t pe[8] = { 1 | 2ULL << 2 | 5ULL << 6 | (r + PT + 0x1000), 1 }; /* PGTT 5: reserved */
	dfz_write(m, r + CDS + 8 * 32, ctx, 4);
	dfz_write(m, r + L2CD, &dir, 1);
	dfz_write(m, r + PT, pe, 8);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x5b, false);
	dfz_close(m);
}
END_TEST

/* QEMU 7.2 took bits 63:52 of the legacy root entry's context-table pointer
 * and the context entry's second-level pointer as reserved while smmush and
 * the model took HAW..51: the specification (9.1, 9.3) reserves 63:HAW. */
START_TEST(vtd_pointer_bits_63_to_haw_reserved)
{
	struct dfz_machine *m = dfz_open(DFZ_VTD_LEGACY, false);
	uint64_t r = dfz_ram(m);

	dfz_close(m);
	m = vtd(false, (r + CDS) | 1 | BIT(60), 0);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0xa, false);
	dfz_close(m);
	m = vtd(false, (r + CDS) | 1, 0);
	uint64_t ctx[2] = { 1 | (r + PT) | BIT(56), 2 }; /* P, TT 0, AW 48-bit */
	dfz_write(m, r + CDS + 8 * 16, ctx, 2);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0xb, false);
	dfz_close(m);
}
END_TEST

/* Under TT=10b (pass-through) the context entry's SLPTPTR is ignored (VT-d
 * 9.3): bits 63:HAW set there are no reserved-field fault; under TT=00b
 * they are (0xb). */
START_TEST(vtd_passthrough_context_ignores_slptptr)
{
	struct dfz_machine *m = dfz_open(DFZ_VTD_LEGACY, false);
	uint64_t r = dfz_ram(m);

	dfz_close(m);
	m = vtd(false, (r + CDS) | 1, 0);
	uint64_t ctx[2] = { 1 | 2ULL << 2 | BIT(60) | BIT(51) | (r + PT), 2 }; /* P, TT 10b, AW 48-bit */
	dfz_write(m, r + CDS + 8 * 16, ctx, 2);
	expect_ok(m, 0, 0x1008, SMMU_PROT_R, 0x1008);
	ctx[0] &= ~(3ULL << 2);
	dfz_write(m, r + CDS + 8 * 16, ctx, 2);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0xb, false);
	dfz_close(m);
}
END_TEST

/* The scalable-mode pointers (root LCTP, context PASIDDIRPTR, directory
 * SMPTBLPTR, PASID entry SLPTPTR and FLPTPTR) reserve bits 63:HAW like the
 * legacy ones (VT-d 9.2, 9.4-9.6); the library and the model took HAW..51.
 * A pointer the PGTT does not use is ignored. */
static struct dfz_machine *vtd_sm_pasid(uint64_t ctx_lo, uint64_t dir, const uint64_t *pe)
{
	struct dfz_machine *m = dfz_open(DFZ_VTD_SCALABLE, false);
	uint64_t r = dfz_ram(m);

	dfz_close(m);
	m = vtd(true, r + CDS + 1, 0);
	uint64_t ctx[4] = { 1 | 8 | ctx_lo | (r + L2CD), 0 }; /* P, PASIDE, PDTS 0 */
	dfz_write(m, r + CDS + 8 * 32, ctx, 4);
	dir |= r + PT;
	dfz_write(m, r + L2CD, &dir, 1);
	dfz_write(m, r + PT, pe, 8);
	return m;
}

START_TEST(vtd_sm_pointer_bits_63_to_haw_reserved)
{
	struct dfz_machine *m = dfz_open(DFZ_VTD_SCALABLE, false);
	uint64_t r = dfz_ram(m), sl = r + PT + 0x1000, fl = r + PT + 0x2000;
	const unsigned sl_only = 2ULL << 6, fl_only = 1ULL << 6, pt = 4ULL << 6, aw48 = 2ULL << 2;

	dfz_close(m);
	m = vtd(true, (r + CDS) | 1 | BIT(60), 0);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x3a, false);
	dfz_close(m);
	uint64_t pe[8] = { 1 | aw48 | sl_only | sl, 1, fl };
	m = vtd_sm_pasid(BIT(60), 1, pe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x42, false);
	dfz_close(m);
	m = vtd_sm_pasid(0, 1 | BIT(60), pe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x52, false);
	dfz_close(m);
	/* second level only: SLPTPTR checked, FLPTPTR ignored (the walk goes
	 * on to the empty second-level table: 0x79) */
	pe[0] |= BIT(60);
	m = vtd_sm_pasid(0, 1, pe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x5a, false);
	dfz_close(m);
	pe[0] &= ~BIT(60);
	pe[2] |= BIT(60);
	m = vtd_sm_pasid(0, 1, pe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x79, false);
	dfz_close(m);
	/* first level only: FLPTPTR checked, SLPTPTR ignored (empty table: 0x71) */
	uint64_t fpe[8] = { 1 | fl_only | BIT(60) | sl, 1, fl | BIT(60) };
	m = vtd_sm_pasid(0, 1, fpe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x5a, false);
	dfz_close(m);
	fpe[2] = fl;
	m = vtd_sm_pasid(0, 1, fpe);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x71, false);
	dfz_close(m);
	/* pass-through uses neither */
	uint64_t ppe[8] = { 1 | pt | BIT(60) | sl, 1, fl | BIT(60) };
	m = vtd_sm_pasid(0, 1, ppe);
	expect_ok(m, 0, 0x1008, SMMU_PROT_R, 0x1008);
	dfz_close(m);
}
END_TEST

/* Issue 14 part A: PGTT = nested.  The first-level tables and output are
 * guest-physical; the second level maps RAM in 2M pages.  Accessed-flag
 * updates are writes through the second level: a read-only page there
 * gives 0x77. */
static void vtd_nested_setup(struct dfz_machine *m, bool fl_tables_ro, uint64_t fl_flags)
{
	uint64_t r = dfz_ram(m), sl = r + 0x700000, fl = r + 0x800000;
	uint64_t ctx[4] = { 1 | 8 | (r + L2CD), 0 }, dir = (r + PT) | 1;
	uint64_t pe[8] = { 1 | 2ULL << 2 | 3ULL << 6 | sl, 1, fl }; /* AW 48-bit, PGTT nested */
	uint64_t e;

	dfz_write(m, r + CDS + 8 * 32, ctx, 4);
	dfz_write(m, r + L2CD, &dir, 1);
	dfz_write(m, r + PT, pe, 8);
	/* second level: 4 levels, RAM (at 0) in 2M pages */
	e = (sl + 0x1000) | 3;
	dfz_write(m, sl, &e, 1);
	e = (sl + 0x2000) | 3;
	dfz_write(m, sl + 0x1000, &e, 1);
	for (unsigned b = 0; b < 32; b++) {
		e = (r + b * 0x200000ULL) | BIT(7) | ((fl_tables_ro && b == 4) ? 1 : 3);
		dfz_write(m, sl + 0x2000 + 8 * b, &e, 1);
	}
	/* first level: 4 levels, 0x1000 -> DATA (tables at r + 0x800000, 2M block 4) */
	for (unsigned l = 0; l < 3; l++) {
		e = (fl + 0x1000 * (l + 1)) | 7 | BIT(5);
		dfz_write(m, fl + 0x1000 * l, &e, 1);
	}
	e = (r + DATA) | 7 | fl_flags;
	dfz_write(m, fl + 0x3000 + 8, &e, 1);
}

START_TEST(vtd_nested_is_followed_through_second_level)
{
	struct dfz_machine *m = vtd(true, CDS + 1, 0) /* q35 RAM starts at 0 */;
	struct smmu_translation tr;
	const char *msg;

	vtd_nested_setup(m, false, BIT(5) | BIT(6));
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1010, SMMU_PROT_W, &tr, &msg), 0);
	ck_assert_msg(tr.ok && tr.cfg.nested && tr.pa == dfz_ram(m) + DATA + 0x10 && tr.nfetch == 4 && tr.s2_walked,
		      "%s", tr.cfg.reason);
	dfz_close(m);
	/* the first-level tables are read-only at the second level: reads work,
	 * the Accessed-flag update of the leaf does not */
	m = vtd(true, CDS + 1, 0) /* q35 RAM starts at 0 */;
	vtd_nested_setup(m, true, BIT(5) | BIT(6));
	ck_assert_int_eq(dfz_access(m, 0, false, 0, 0x1000, SMMU_PROT_R, &tr, &msg), 0);
	ck_assert_msg(tr.ok, "%s", msg);
	dfz_close(m);
	m = vtd(true, CDS + 1, 0) /* q35 RAM starts at 0 */;
	vtd_nested_setup(m, true, 0);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x77, false);
	dfz_close(m);
}
END_TEST

/* --- AMD-Vi (sim:amd): each a disagreement the AMD-Vi fuzzer found in the
 * library, built by hand (AMD IOMMU specification #48882, 2.2.2-2.2.3). --- */

#define A_PT 0x400000 /* v1 tables from here, one page each */
#define A_PDE(pa, nl) (1 | (pa) | (uint64_t)(nl) << 9 | BIT(61) | BIT(62))
#define A_PTE(pa) (1 | (pa) | BIT(61) | BIT(62))

/* DTE of device dev: V, TV, Mode, root, IR/IW as given; w1 (DomainID 1 | flags). */
static struct dfz_machine *amd(unsigned dev, unsigned mode, uint64_t root, bool ir, bool iw, uint64_t w1)
{
	struct dfz_machine *m = dfz_open(DFZ_AMDVI, false);
	uint64_t dte[4] = { 3 | (uint64_t)mode << 9 | root | (ir ? BIT(61) : 0) | (iw ? BIT(62) : 0), 1 | w1 };

	ck_assert_ptr_nonnull(m);
	dfz_write(m, dfz_ram(m) + DFZ_AMD_DEVTAB + ((dev + 1) << 3) * 32ULL, dte, 4);
	return m;
}

#define expect_pa(m, dev, iova, acc, pa) expect_pa_at(__LINE__, m, dev, iova, acc, pa)
static void expect_pa_at(int line, struct dfz_machine *m, unsigned dev, uint64_t iova, unsigned acc, uint64_t pa)
{
	struct smmu_translation tr;
	const char *msg;

	ck_assert_msg(dfz_access(m, dev, false, 0, iova, acc, &tr, &msg) == 0, "line %d: %s", line, msg);
	ck_assert_msg(tr.ok && tr.pa == pa, "line %d: predicted ok=%d pa 0x%" PRIx64 " code 0x%x (%s), want 0x%" PRIx64,
		      line, tr.ok, tr.pa, tr.code, tr.cfg.reason, pa);
}

/* 3 levels: 0x1000 -> RAM + 0x800000 (4K), 0x1000 alone mapped. */
static void amd_3level(struct dfz_machine *m)
{
	uint64_t r = dfz_ram(m), l3 = A_PDE(r + A_PT + 0x1000, 2), l2 = A_PDE(r + A_PT + 0x2000, 1), l1 = A_PTE(r + 0x800000);

	dfz_write(m, r + A_PT, &l3, 1);
	dfz_write(m, r + A_PT + 0x1000, &l2, 1);
	dfz_write(m, r + A_PT + 0x2000 + 8, &l1, 1);
}

/* A walk that finds no entry logs IO_PAGE_FAULT (the library predicted an
 * unrecorded stop); DTE.SE / SA suppress it. */
START_TEST(amd_walk_fault_is_io_page_fault)
{
	struct dfz_machine *m = amd(0, 3, 0x400000, true, true, 0);

	amd_3level(m);
	expect_pa(m, 0, 0x1010, SMMU_PROT_R, 0x800010);
	expect(m, 0, false, 0, 0x2000, SMMU_PROT_R, 0x2, false);
	expect(m, 0, false, 0, BIT(39), SMMU_PROT_W, 0x2, false); /* beyond the 3 levels */
	dfz_close(m);
	m = amd(0, 3, 0x400000, true, true, BIT(33)); /* SE */
	amd_3level(m);
	expect(m, 0, false, 0, 0x2000, SMMU_PROT_R, 0x2, true);
	dfz_close(m);
}
END_TEST

/* The DTE's IR and IW apply over the tables' (the library ignored them);
 * Mode 0 lets through only what IR / IW allow. */
START_TEST(amd_dte_permissions_apply)
{
	struct dfz_machine *m = amd(0, 3, 0x400000, false, true, 0);

	amd_3level(m);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x2, false);
	expect_pa(m, 0, 0x1000, SMMU_PROT_W, 0x800000);
	dfz_close(m);
	m = amd(1, 0, 0, true, false, 0);
	expect_pa(m, 1, 0x123000, SMMU_PROT_R, 0x123000);
	expect(m, 1, false, 0, 0x123000, SMMU_PROT_W, 0x2, false);
	dfz_close(m);
}
END_TEST

/* v1 tables have no execute or privilege: an instruction fetch or a
 * privileged read needs what a read needs (the engine refused them). */
START_TEST(amd_exec_and_priv_are_reads)
{
	struct dfz_machine *m = amd(0, 3, 0x400000, true, true, 0);

	amd_3level(m);
	expect_pa(m, 0, 0x1008, SMMU_PROT_R | SMMU_PROT_X, 0x800008);
	expect_pa(m, 0, 0x1008, SMMU_PROT_W | SMMU_PROT_PRIV, 0x800008);
	dfz_close(m);
}
END_TEST

/* Mode 2 (30-bit) and Mode 1 (21-bit) tables are walked (smmush took 3-5). */
START_TEST(amd_one_and_two_level_tables)
{
	struct dfz_machine *m = amd(0, 2, 0x400000, true, true, 0);
	uint64_t r = dfz_ram(m), l2 = A_PDE(r + A_PT + 0x1000, 1), l1 = A_PTE(r + 0x800000);

	dfz_write(m, r + A_PT, &l2, 1);
	dfz_write(m, r + A_PT + 0x1000 + 8, &l1, 1);
	expect_pa(m, 0, 0x1010, SMMU_PROT_R, 0x800010);
	expect(m, 0, false, 0, BIT(30), SMMU_PROT_R, 0x2, false);
	dfz_close(m);
	m = amd(0, 1, 0x400000, true, true, 0);
	dfz_write(m, r + A_PT + 8, &l1, 1);
	expect_pa(m, 0, 0x1010, SMMU_PROT_R, 0x800010);
	dfz_close(m);
}
END_TEST

/* Mode 6: the top entry indexes bits 63:57 (the library did not predict
 * 6-level tables); here a PDE down to level 3, skipping 5 and 4. */
START_TEST(amd_six_levels)
{
	struct dfz_machine *m = amd(0, 6, 0x400000, true, true, 0);
	uint64_t r = dfz_ram(m), top = A_PDE(r + A_PT + 0x3000, 3), l3 = A_PDE(r + A_PT + 0x1000, 2);
	uint64_t l2 = A_PDE(r + A_PT + 0x2000, 1), l1 = A_PTE(r + 0x800000);

	dfz_write(m, r + A_PT, &top, 1);
	dfz_write(m, r + A_PT + 0x3000, &l3, 1);
	dfz_write(m, r + A_PT + 0x1000, &l2, 1);
	dfz_write(m, r + A_PT + 0x2000 + 8, &l1, 1);
	expect_pa(m, 0, 0x1010, SMMU_PROT_R, 0x800010);
	expect(m, 0, false, 0, BIT(40) | 0x1010, SMMU_PROT_R, 0x2, false); /* a skipped level's bit */
	expect(m, 0, false, 0, BIT(57) | 0x1010, SMMU_PROT_R, 0x2, false); /* top index 1: absent */
	dfz_close(m);
}
END_TEST

/* NextLevel 7: the page size is the run of ones from address bit 12 up
 * (the library counted from the level's own size, so a level-2 entry whose
 * bits 20:12 are not all ones was a 4 MiB page; it encodes a size not above
 * 2 MiB there: reserved, IO_PAGE_FAULT). */
START_TEST(amd_nextlevel7_size_from_bit_12)
{
	struct dfz_machine *m = amd(0, 3, 0x400000, true, true, 0);
	uint64_t r = dfz_ram(m), l3 = A_PDE(r + A_PT + 0x1000, 2);
	uint64_t good = A_PTE(r + 0x800000 + 0x1ff000) | 7ULL << 9; /* bits 20:12 ones, 21 zero: 4 MiB */
	uint64_t bad = A_PTE(r + 0x800000 + 0x1fe000) | 7ULL << 9;  /* bit 12 zero: 8 KiB at level 2 */

	dfz_write(m, r + A_PT, &l3, 1);
	dfz_write(m, r + A_PT + 0x1000 + 2 * 8, &good, 1); /* each 2 MiB slot of the page holds it */
	dfz_write(m, r + A_PT + 0x1000 + 3 * 8, &good, 1);
	dfz_write(m, r + A_PT + 0x1000 + 4 * 8, &bad, 1);
	expect_pa(m, 0, 0x400010, SMMU_PROT_R, 0x800010);
	expect_pa(m, 0, 0x7ffff8, SMMU_PROT_R, 0xbffff8);
	expect(m, 0, false, 0, 0x800010, SMMU_PROT_R, 0x2, false);
	dfz_close(m);
}
END_TEST

/* A table or DTE that cannot be fetched: PAGE_TAB_HARDWARE_ERROR /
 * DEV_TAB_HARDWARE_ERROR with the address (the library predicted an
 * unrecorded stop); the fetch address is compared by dfz_access. */
START_TEST(amd_fetch_errors_are_hardware_errors)
{
	struct dfz_machine *m = amd(0, 3, BIT(40), true, true, 0);

	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x4, false);
	dfz_reg(m, 0x0000, 8, BIT(40)); /* the device table outside RAM */
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x3, false);
	dfz_close(m);
}
END_TEST

/* The exclusion range: untranslated for DTE.EX devices (or all, Allow),
 * whatever the DTE says (the library ignored it). */
START_TEST(amd_exclusion_range)
{
	struct dfz_machine *m = amd(0, 0, 0, false, false, BIT(39)); /* blocks DMA, EX */

	expect(m, 0, false, 0, 0x2ff000, SMMU_PROT_R, 0x2, false);
	dfz_reg(m, 0x20, 8, 0x200000 | 1);  /* ExEn */
	dfz_reg(m, 0x28, 8, 0x2ff000);
	expect_pa(m, 0, 0x2ff008, SMMU_PROT_W, 0x2ff008);
	expect(m, 0, false, 0, 0x300000, SMMU_PROT_R, 0x2, false);
	dfz_close(m);
}
END_TEST

/* --- SMMUv2 (sim:mmu500): each a disagreement the SMMUv2 fuzzer found,
 * built by hand (IHI 0062; VMSAv8-64 descriptors).  Bank n's registers are
 * at 0x8000 + n * 0x1000 (4 KiB pages, NUMPAGENDXB 3), GR1 at 0x1000. ----- */

#define V2_CB(n, off) (0x8000 + (n) * 0x1000 + (off))
#define V2_PT 0x400000
#define V2_PAGE(pa, ap) ((pa) | 3 | BIT(10) | (uint64_t)(ap) << 6) /* AF, AP[2:1] */

/* Device 0 (StreamID 0x8) on bank 0, stage 1 (stage 2 bypass), AArch64 4K,
 * T0SZ t0sz, TTBR0 at RAM + V2_PT; sCR0.USFCFG. */
static struct dfz_machine *v2(unsigned t0sz, uint32_t sctlr_extra)
{
	struct dfz_machine *m = dfz_open(DFZ_SMMUV2, false);

	ck_assert_ptr_nonnull(m);
	dfz_reg(m, 0x800, 4, BIT(31) | 0x8);            /* SMR0: VALID, ID 0x8 */
	dfz_reg(m, 0xc00, 4, 0);                        /* S2CR0: translate, bank 0 */
	dfz_reg(m, 0x1000, 4, 1u << 16 | 1);            /* CBAR0: stage 1 (stage 2 bypass), VMID 1 */
	dfz_reg(m, 0x1800, 4, 1);                       /* CBA2R0: VA64 */
	dfz_reg(m, V2_CB(0, 0x30), 4, t0sz | BIT(23));  /* TCR: T0SZ, TG0 4K, EPD1 */
	dfz_reg(m, V2_CB(0, 0x10), 4, 5 | BIT(4));      /* TCR2: 48-bit, 16-bit ASID */
	dfz_reg(m, V2_CB(0, 0x20), 8, (dfz_ram(m) + V2_PT) | 1ULL << 48);
	dfz_reg(m, V2_CB(0, 0x00), 4, 1 | sctlr_extra); /* SCTLR.M */
	dfz_reg(m, 0x000, 4, BIT(10));                  /* sCR0: USFCFG */
	return m;
}

/* 39-bit (level 1 start): leaf at L3 for va, the tables on the way. */
static void v2_map(struct dfz_machine *m, uint64_t root, uint64_t va, uint64_t leaf)
{
	uint64_t r = dfz_ram(m), t2 = (r + V2_PT + 0x1000) | 3, t3 = (r + V2_PT + 0x2000) | 3;

	dfz_write(m, root + ((va >> 30) & 0x1ff) * 8, &t2, 1);
	dfz_write(m, r + V2_PT + 0x1000 + ((va >> 21) & 0x1ff) * 8, &t3, 1);
	dfz_write(m, r + V2_PT + 0x2000 + ((va >> 12) & 0x1ff) * 8, &leaf, 1);
}

/* Walk faults carry their FSR bit (the library predicted unrecorded stops):
 * TF, AFF (not with SCTLR.AFFD), PF. */
START_TEST(v2_walk_faults_are_fsr_bits)
{
	struct dfz_machine *m = v2(25, 0);
	uint64_t r = dfz_ram(m);

	v2_map(m, r + V2_PT, 0x1000, V2_PAGE(r + 0x800000, 1));                  /* EL0 RW */
	v2_map(m, r + V2_PT, 0x3000, V2_PAGE(r + 0x801000, 3));                  /* EL0 RO */
	v2_map(m, r + V2_PT, 0x4000, V2_PAGE(r + 0x802000, 1) & ~BIT(10));       /* AF clear */
	expect_pa(m, 0, 0x1010, SMMU_PROT_W, r + 0x800010);
	expect(m, 0, false, 0, 0x2000, SMMU_PROT_R, 0x1, false);
	expect(m, 0, false, 0, 0x3000, SMMU_PROT_W, 0x3, false);
	expect(m, 0, false, 0, 0x4000, SMMU_PROT_R, 0x2, false);
	dfz_close(m);
	m = v2(25, BIT(3)); /* AFFD */
	v2_map(m, r + V2_PT, 0x4000, V2_PAGE(r + 0x802000, 1) & ~BIT(10));
	expect_pa(m, 0, 0x4008, SMMU_PROT_R, r + 0x802008);
	dfz_close(m);
}
END_TEST

/* An S2CR naming a bank beyond NUMCB: sGFSR.ICF, code 0x100 (it was code
 * 0, 'no fault'); an unmatched StreamID: USF, 0x101. */
START_TEST(v2_global_faults_are_0x100_plus_bit)
{
	struct dfz_machine *m = v2(25, 0);

	dfz_reg(m, 0xc00, 4, 0xff);
	expect(m, 0, false, 0, 0x1000, SMMU_PROT_R, 0x100, false);
	expect(m, 1, false, 0, 0x1000, SMMU_PROT_R, 0x101, false);
	dfz_close(m);
}
END_TEST

/* TTBR1's region (the top T1SZ bits all ones) walks TTBR1 (the library
 * walked TTBR0); T0SZ below 16 acts as 16 (the library faulted). */
START_TEST(v2_ttbr1_and_t0sz_limits)
{
	struct dfz_machine *m = v2(25, 0);
	uint64_t r = dfz_ram(m), top = ~0ULL << 39 | 0x5000;

	dfz_reg(m, V2_CB(0, 0x30), 4, 25 | 25u << 16 | 2u << 30); /* T1SZ 25, TG1 4K, EPD1 clear */
	dfz_reg(m, V2_CB(0, 0x28), 8, r + V2_PT + 0x10000);
	v2_map(m, r + V2_PT + 0x10000, top, V2_PAGE(r + 0x803000, 1));
	expect_pa(m, 0, top | 0x18, SMMU_PROT_R, r + 0x803018);
	dfz_close(m);
	m = v2(10, 0); /* T0SZ 10: 48 bits, a level-0 start */
	uint64_t t1 = (r + V2_PT + 0x3000) | 3;
	dfz_write(m, r + V2_PT, &t1, 1);
	v2_map(m, r + V2_PT + 0x3000, 0x1000, V2_PAGE(r + 0x800000, 1));
	expect_pa(m, 0, 0x1008, SMMU_PROT_R, r + 0x800008);
	dfz_close(m);
}
END_TEST

/* VMSAv8.0 descriptors: address bits [51:48] are RES0, ignored (the library
 * took them as address bits: ASF); execute at EL0 is UXN's alone, and
 * PXNTable forbids privileged execution below (the model had both wrong). */
START_TEST(v2_descriptor_bits)
{
	struct dfz_machine *m = v2(25, 0);
	uint64_t r = dfz_ram(m);

	v2_map(m, r + V2_PT, 0x1000, V2_PAGE(r + 0x800000, 1) | BIT(49));
	v2_map(m, r + V2_PT, 0x2000, V2_PAGE(r + 0x801000, 0));   /* EL1 RW, UXN clear */
	expect_pa(m, 0, 0x1008, SMMU_PROT_R, r + 0x800008);
	expect_pa(m, 0, 0x2008, SMMU_PROT_R | SMMU_PROT_X, r + 0x801008);
	expect(m, 0, false, 0, 0x2008, SMMU_PROT_R, 0x3, false);
	uint64_t t3 = (r + V2_PT + 0x2000) | 3 | BIT(59);            /* PXNTable */
	dfz_write(m, r + V2_PT + 0x1000, &t3, 1);
	expect(m, 0, false, 0, 0x1008, SMMU_PROT_R | SMMU_PROT_X | SMMU_PROT_PRIV, 0x3, false);
	dfz_close(m);
}
END_TEST

/* Stage 2: SL0 that does not fit T0SZ faults (TF); an AArch32 bank's
 * stage 2 TCR has a signed 4-bit T0SZ (both read as AArch64 before). */
START_TEST(v2_stage2_geometry)
{
	struct dfz_machine *m = v2(25, 0);
	uint64_t r = dfz_ram(m);

	dfz_reg(m, 0x1000, 4, 0);                                     /* CBAR0: stage 2 */
	dfz_reg(m, V2_CB(0, 0x20), 8, r + V2_PT);
	v2_map(m, r + V2_PT, 0x1000, (r + 0x800000) | 3 | BIT(10) | 3u << 6); /* S2AP RW */
	dfz_reg(m, V2_CB(0, 0x30), 4, 25 | 1u << 6 | 5u << 16 | BIT(31)); /* 39 bits, SL0 1: level 1 */
	expect_pa(m, 0, 0x1008, SMMU_PROT_W, r + 0x800008);
	dfz_reg(m, V2_CB(0, 0x30), 4, 25 | 0u << 6 | 5u << 16 | BIT(31)); /* SL0 0 (level 2): 256 tables */
	expect(m, 0, false, 0, 0x1008, SMMU_PROT_R, 0x1, false);
	dfz_reg(m, 0x1800, 4, 0);                                     /* CBA2R0: AArch32 */
	dfz_reg(m, V2_CB(0, 0x30), 4, 0x8 | 1u << 6 | BIT(31));      /* T0SZ -8: 40 bits, level 1 */
	expect_pa(m, 0, 0x1008, SMMU_PROT_R, r + 0x800008);
	dfz_close(m);
}
END_TEST

/* A nested bank (bank 0 over stage 2 bank 1, which maps RAM's 1 GiB to
 * itself with one block) is followed through both stages (the library
 * reported stage 2 alone); a stage 1 permission fault comes before its
 * output goes through stage 2 (the model walked stage 2 first). */
START_TEST(v2_nested_both_stages)
{
	struct dfz_machine *m = v2(25, 0);
	uint64_t r = dfz_ram(m), blk = r | 1 | BIT(10) | 3u << 6; /* S2AP RW, AF */

	dfz_reg(m, 0x1000, 4, 3u << 16 | 1u << 8);                      /* CBAR0: nested over bank 1 */
	dfz_reg(m, 0x1004, 4, 2);                                        /* CBAR1: stage 2, VMID 2 */
	dfz_reg(m, 0x1804, 4, 1);                                        /* CBA2R1: VA64 */
	dfz_reg(m, V2_CB(1, 0x30), 4, 25 | 1u << 6 | 5u << 16 | BIT(31)); /* 39 bits from level 1 */
	dfz_reg(m, V2_CB(1, 0x20), 8, r + 0x500000);
	dfz_write(m, r + 0x500000 + ((r >> 30) & 0x1ff) * 8, &blk, 1);
	dfz_reg(m, V2_CB(1, 0x00), 4, 1);
	v2_map(m, r + V2_PT, 0x1000, V2_PAGE(r + 0x800000, 1));
	v2_map(m, r + V2_PT, 0x2000, V2_PAGE(BIT(39), 3)); /* read-only, its IPA beyond stage 2 */
	expect_pa(m, 0, 0x1010, SMMU_PROT_W, r + 0x800010);
	expect(m, 0, false, 0, 0x2000, SMMU_PROT_W, 0x3, false);
	expect(m, 0, false, 0, 0x2000, SMMU_PROT_R, 0x1, false);
	/* stage 2's table base beyond its 40-bit output: stage 1's first table
	 * read stops there, ASF (the library read memory and said EF) */
	dfz_reg(m, V2_CB(1, 0x30), 4, 25 | 1u << 6 | 2u << 16 | BIT(31));
	dfz_reg(m, V2_CB(1, 0x20), 8, BIT(44));
	expect(m, 0, false, 0, 0x1010, SMMU_PROT_R, 0x7, false);
	dfz_close(m);
}
END_TEST

Suite *suite_diff_fuzz(void);
Suite *suite_diff_fuzz(void)
{
	Suite *s = suite_create("diff_fuzz");
	TCase *tc = tcase_create("prediction");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, smmuv3_prediction_equals_model);
	tcase_add_test(tc, vtd_legacy_prediction_equals_model);
	tcase_add_test(tc, vtd_scalable_prediction_equals_model);
	tcase_add_test(tc, smmuv3_prediction_against_qemu);
	tcase_add_test(tc, vtd_prediction_against_qemu);
	tcase_add_test(tc, amdvi_prediction_equals_model);
	tcase_add_test(tc, smmuv2_prediction_equals_model);
	suite_add_tcase(s, tc);
	tc = tcase_create("regressions");
	tcase_add_test(tc, v3_no_ssid_with_substreams_is_stream_disabled);
	tcase_add_test(tc, v3_invalid_l1cd_is_bad_substreamid);
	tcase_add_test(tc, v3_substream_where_none_exist);
	tcase_add_test(tc, v3_invalid_l1std_recorded_only_with_recinvsid);
	tcase_add_test(tc, v3_s1stalld_without_stalls_is_illegal);
	tcase_add_test(tc, v3_nested_is_followed_through_stage2);
	tcase_add_test(tc, vtd_nested_is_followed_through_second_level);
	tcase_add_test(tc, v3_bypass_beyond_oas);
	tcase_add_test(tc, v3_ste_bypass_checks_oas_not_ias);
	tcase_add_test(tc, v3_strtab_base_aligned_to_table_size);
	tcase_add_test(tc, v3_aarch32_stage1_walks);
	tcase_add_test(tc, v3_aarch32_stage2_walks);
	tcase_add_test(tc, vtd_sm_root_not_present_is_0x39);
	tcase_add_test(tc, vtd_pasid_reserved_pgtt_is_0x5b);
	tcase_add_test(tc, amd_walk_fault_is_io_page_fault);
	tcase_add_test(tc, amd_dte_permissions_apply);
	tcase_add_test(tc, amd_exec_and_priv_are_reads);
	tcase_add_test(tc, amd_one_and_two_level_tables);
	tcase_add_test(tc, amd_nextlevel7_size_from_bit_12);
	tcase_add_test(tc, amd_fetch_errors_are_hardware_errors);
	tcase_add_test(tc, amd_exclusion_range);
	tcase_add_test(tc, amd_six_levels);
	tcase_add_test(tc, v2_walk_faults_are_fsr_bits);
	tcase_add_test(tc, v2_global_faults_are_0x100_plus_bit);
	tcase_add_test(tc, v2_ttbr1_and_t0sz_limits);
	tcase_add_test(tc, v2_descriptor_bits);
	tcase_add_test(tc, v2_stage2_geometry);
	tcase_add_test(tc, v2_nested_both_stages);
	tcase_add_test(tc, vtd_pointer_bits_63_to_haw_reserved);
	tcase_add_test(tc, vtd_passthrough_context_ignores_slptptr);
	tcase_add_test(tc, vtd_sm_pointer_bits_63_to_haw_reserved);
	suite_add_tcase(s, tc);
	return s;
}
