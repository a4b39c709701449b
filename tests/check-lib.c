/* SPDX-License-Identifier: MIT */
/*
 * libsmmu end to end against both sim platforms: discovery, own, attach,
 * map, a DMA round trip with the data checked, faults for unmapped and
 * read-only addresses, overflow counted, and release restoring every
 * register.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/smmu.h"

struct plat {
	const char *spec;
	uint64_t unit_base;
	uint64_t ram;             /* a free page of RAM for data */
	const uint32_t *regs;     /* registers compared before own / after release */
	size_t nregs;
	uint32_t unmapped_code;   /* reason for a read of an unmapped IOVA */
	uint32_t perm_code;       /* reason for a write to a read-only page */
};

/* SMMUv3: every register own() may touch (page 0 and page 1). */
static const uint32_t smmuv3_regs[] = {
	0x20, 0x24, 0x28, 0x2c, 0x44, 0x50, 0x54, 0x60, 0x64, 0x68, 0x6c, 0x70, 0x74, 0x80, 0x84, 0x88,
	0x90, 0x94, 0x98, 0x9c, 0xa0, 0xa4, 0xb0, 0xb4, 0xb8, 0xbc, 0xc0, 0xc4, 0xd0, 0xd4, 0xd8, 0xdc,
	0x100a8, 0x100ac, 0x100c8, 0x100cc,
};
/* VT-d: GSTS, RTADDR, FSTS, FECTL, FEDATA, FEADDR, FEUADDR, IQH, IQT, IQA. */
static const uint32_t vtd_regs[] = {
	0x1c, 0x20, 0x24, 0x34, 0x38, 0x3c, 0x40, 0x44, 0x80, 0x84, 0x88, 0x8c, 0x90, 0x94,
};

static const struct plat plats[] = {
	{ "sim:virt", 0x09050000, 0x40100000, smmuv3_regs, sizeof(smmuv3_regs) / 4, 0x10, 0x13 },
	{ "sim:q35", 0xfed90000, 0x00100000, vtd_regs, sizeof(vtd_regs) / 4, 0x06, 0x05 },
};

static struct smmu_target *open_target(const char *spec)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(spec, NULL, 0, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

static void read_regs(struct smmu_target *t, const struct plat *p, uint32_t *out)
{
	for (size_t i = 0; i < p->nregs; i++) {
		uint64_t v;
		ck_assert_int_eq(smmu_mmio_read(t, p->unit_base + p->regs[i], 4, &v), 0);
		out[i] = (uint32_t)v;
	}
}

START_TEST(discovers_units_and_devices)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit_info ui;
	struct smmu_device_info di;

	ck_assert_uint_eq(smmu_unit_count(t), 1);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, p->unit_base);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x8); /* identity RID -> StreamID / source-id */
	ck_assert(di.dma_engine);
	ck_assert_ptr_nonnull(smmu_device_find(t, "00:02.0"));
	smmu_target_close(t);
}
END_TEST

/* The whole manager path: what `smmush` does for a user. */
START_TEST(own_map_dma_fault_release)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	uint32_t before[64], after[64];
	uint8_t pattern[256], got[256];
	struct smmu_fault f;

	read_regs(t, p, before);
	ck_assert_int_eq(smmu_unit_owned(u), false);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "test", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram + 0x1000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram, 0x1000, SMMU_PROT_R), -EEXIST);

	/* round trip: memory -> device buffer -> memory, through two mappings */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(smmu_mem_write(t, p->ram, pattern, sizeof(pattern)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x20000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, p->ram + 0x1000, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pattern, sizeof(pattern));
	ck_assert_int_eq(smmu_faults_poll(t), 0);

	/* an unmapped IOVA: exactly one record, for this device, read access */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &f), 0);
	ck_assert_ptr_eq(f.dev, d);
	ck_assert_uint_eq(f.sid, 0x8);
	ck_assert_uint_eq(f.addr, 0x30000);
	ck_assert_uint_eq(f.access & (SMMU_ACC_READ | SMMU_ACC_WRITE), SMMU_ACC_READ);
	ck_assert_uint_eq(f.code, p->unmapped_code);
	struct smmu_explain ex;
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.walked && !ex.tr.ok && ex.tr.x.fault == SMMU_PGT_F_INVALID, "%s", ex.text);
	ck_assert_msg(strstr(ex.text, "0x30000 is not mapped"), "%s", ex.text);
	/* the walk reached the last level: one entry per level was read */
	ck_assert_int_ge(ex.tr.x.nsteps, 1);

	/* the live configuration of an attached and of an unattached device */
	struct smmu_config cfg;
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	ck_assert_int_eq(smmu_device_config(smmu_device_find(t, "00:02.0"), false, 0, &cfg), 0);
	ck_assert_msg(cfg.verdict == SMMU_CFG_ABORT || cfg.verdict == SMMU_CFG_FAULT, "%s", cfg.reason);
	struct smmu_translation tr;
	ck_assert_int_eq(smmu_translate(u, 0x8, false, 0, 0x20010, SMMU_ACC_READ, &tr), 0);
	ck_assert(tr.ok);
	ck_assert_uint_eq(tr.pa, p->ram + 0x1010);

	/* a write to a read-only page: a permission fault */
	ck_assert_int_eq(smmu_map(dom, 0x40000, p->ram + 0x2000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x40000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 1, &f), 0);
	ck_assert_uint_eq(f.code, p->perm_code);
	ck_assert_uint_eq(f.cls, SMMU_FC_PERMISSION);
	ck_assert_uint_eq(f.access & SMMU_ACC_WRITE, SMMU_ACC_WRITE);
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.x.fault == SMMU_PGT_F_PERM && strstr(ex.text, "allows R") &&
			      strstr(ex.text, "write needs W"), "%s", ex.text);

	/* unmap, and the same DMA faults again: the TLB was invalidated */
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x1000), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);

	ck_assert_int_eq(smmu_domain_destroy(dom), -EBUSY);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	read_regs(t, p, after);
	for (size_t i = 0; i < p->nregs; i++) {
		uint32_t diff = before[i] ^ after[i];
		/* VT-d GSTS.RTPS: once set only a reset clears it */
		if (p->unit_base == 0xfed90000 && p->regs[i] == 0x1c)
			diff &= ~(1u << 30);
		ck_assert_msg(!diff, "%s: register 0x%x was 0x%08x before own, 0x%08x after release",
			      p->spec, p->regs[i], before[i], after[i]);
	}
	ck_assert_int_eq(smmu_domain_destroy(dom), 0);
	smmu_target_close(t);
}
END_TEST

/* own / attach / map / DMA / unmap / release, stopping at the first error. */
static int sequence(struct smmu_target *t, const struct plat *p)
{
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom = smmu_domain_find(t, "fi");
	int rc;

	if (!dom && (rc = smmu_domain_create(t, "fi", 0, &dom)))
		return rc;
	if ((rc = smmu_unit_own(u)) || (rc = smmu_device_attach(d, dom)) ||
	    (rc = smmu_map(dom, 0x10000, p->ram, 0x2000, SMMU_PROT_R | SMMU_PROT_W)) ||
	    (rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 128, NULL)) ||
	    (rc = smmu_unmap(dom, 0x10000, 0x1000)) || (rc = smmu_faults_poll(t)) < 0 ||
	    (rc = smmu_unit_release(u)))
		return rc < 0 ? rc : 0;
	return 0;
}

/* Fault injection: the backend fails the Nth access, for every N along the
 * sequence.  The library must return the error, and a release afterwards
 * must put every register back (leaks are ASan's and valgrind's to find). */
START_TEST(every_failure_point_still_releases)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	uint32_t before[64], after[64];

	smmu_target_fail_after(t, UINT64_MAX);
	ck_assert_int_eq(sequence(t, p), 0);
	uint64_t total = smmu_target_accesses(t);
	smmu_target_close(t);
	ck_assert_uint_gt(total, 20);

	for (uint64_t n = 1; n <= total; n++) {
		t = open_target(p->spec);
		read_regs(t, p, before);
		smmu_target_fail_after(t, n);
		int rc = sequence(t, p);
		ck_assert_msg(rc != 0, "%s: failing access %llu of %llu went unnoticed", p->spec,
			      (unsigned long long)n, (unsigned long long)total);
		smmu_target_fail_after(t, 0);
		ck_assert_int_eq(smmu_target_release_all(t), 0);
		ck_assert(!smmu_unit_owned(smmu_unit_at(t, 0)));
		read_regs(t, p, after);
		for (size_t i = 0; i < p->nregs; i++) {
			uint32_t diff = before[i] ^ after[i];
			if (p->unit_base == 0xfed90000 && p->regs[i] == 0x1c)
				diff &= ~(1u << 30); /* GSTS.RTPS, see above */
			ck_assert_msg(!diff, "%s: failure at access %llu: register 0x%x 0x%08x -> 0x%08x",
				      p->spec, (unsigned long long)n, p->regs[i], before[i], after[i]);
		}
		smmu_target_close(t);
	}
}
END_TEST

Suite *suite_lib_e2e(void);
Suite *suite_lib_e2e(void)
{
	Suite *s = suite_create("lib_e2e");
	TCase *tc = tcase_create("sim");

	tcase_add_loop_test(tc, discovers_units_and_devices, 0, 2);
	tcase_add_loop_test(tc, own_map_dma_fault_release, 0, 2);
	tcase_add_loop_test(tc, every_failure_point_still_releases, 0, 2);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
