/* SPDX-License-Identifier: MIT */
/*
 * Domains in the format a user asks for (issue 14 part B: stage, granule,
 * input and output sizes, VT-d levels; checked against the unit with the
 * limit named) and nested domains (part A: a stage-1 "guest" domain whose
 * tables and output are IPAs, translated by a stage-2 "host" domain), each
 * with test DMA through it on sim.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/smmu.h"

static struct smmu_target *open_with(const char *spec, const char *const *opts, size_t nopts)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(spec, opts, nopts, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

/* DMA a pattern from RAM at pa through iova into the device and back to pa + 0x800. */
static void round_trip(struct smmu_target *t, struct smmu_device *d, uint64_t iova, uint64_t pa)
{
	uint8_t pat[64], got[64];

	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 13 + 1);
	ck_assert_int_eq(smmu_mem_write(t, pa, pat, sizeof(pat)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, iova, sizeof(pat), NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, iova + 0x800, sizeof(pat), NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_mem_read(t, pa + 0x800, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pat, sizeof(pat));
}

START_TEST(nested_domain_translates_through_both_stages)
{
	struct smmu_target *t = open_with("sim:virt", NULL, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *h, *g;
	struct smmu_translation tr;
	struct smmu_fault f;
	struct smmu_explain ex;
	char err[256];
	const uint64_t ram = 0x40000000, ipa = 0x80000000; /* guest RAM at 2G: IPA != PA */

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create_geom(t, "h", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_2 }, &h,
						 err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_domain_create_geom(t, "g", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_NESTED,
						 .parent = h }, &g, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_domain_destroy(h), -EBUSY); /* g nests in it */
	ck_assert_int_eq(smmu_device_attach(d, g), 0);
	/* the guest's RAM: IPA 2G -> PA 1G + 16M, and the guest maps IOVA 0x10000 to it */
	ck_assert_int_eq(smmu_map(h, ipa, ram + 0x1000000, 0x200000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(g, 0x10000, ipa + 0x3000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	round_trip(t, d, 0x10000, ram + 0x1003000);

	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, false, 0 }, 0x10010, SMMU_PROT_R, &tr), 0);
	ck_assert_msg(tr.ok && tr.cfg.nested && tr.ipa == ipa + 0x3010 && tr.pa == ram + 0x1003010, "%s", tr.cfg.reason);
	ck_assert(tr.s2_walked && tr.nfetch == tr.x.nsteps && tr.nfetch > 0);

	/* the host unmaps the guest's RAM: stage 2 stops the output */
	ck_assert_int_eq(smmu_unmap(h, ipa, 0x200000), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 16, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &f), 0);
	ck_assert_uint_eq(f.code, 0x10); /* F_TRANSLATION, at stage 2 */
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.stop == SMMU_STOP_OUTPUT && strstr(ex.text, "stage 2 stopped"), "%s", ex.text);
	ck_assert_int_eq(smmu_device_detach(d), 0);
	ck_assert_int_eq(smmu_domain_destroy(g), 0);
	ck_assert_int_eq(smmu_domain_destroy(h), 0);
	smmu_target_close(t);

	/* an SMMU without stage 2 (QEMU 7.2's has none): refused, the limit named */
	static const char *const s1only[] = { "stage2=off" };
	t = open_with("sim:virt", s1only, 1);
	ck_assert_int_eq(smmu_domain_create_geom(t, "h", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_2 }, &h,
						 err, sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "IDR0.S2P=0"), "%s", err);
	smmu_target_close(t);
}
END_TEST

/* Every SMMUv3 granule with a few input sizes, at stage 1 and 2: DMA works
 * and the tables have the format asked for. */
START_TEST(smmuv3_geometries)
{
	static const unsigned gran[] = { 4096, 16384, 65536 }, ias[] = { 32, 40, 48 };
	struct smmu_target *t = open_with("sim:virt", NULL, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	char err[256], name[16];
	unsigned n = 0;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	for (unsigned st = 1; st <= 2; st++)
		for (unsigned gi = 0; gi < 3; gi++)
			for (unsigned ii = 0; ii < 3; ii++) {
				struct smmu_domain_geometry g = { .stage = st, .granule = gran[gi], .ias = ias[ii] }, got;
				struct smmu_domain *dom;
				uint64_t iova = 1ULL << (ias[ii] - 1); /* the top half of the input range */
				snprintf(name, sizeof(name), "d%u", n++);
				ck_assert_msg(smmu_domain_create_geom(t, name, &g, &dom, err, sizeof(err)) == 0, "%s", err);
				ck_assert_int_eq(smmu_device_attach(d, dom), 0);
				ck_assert_int_eq(smmu_map(dom, iova, 0x41000000, gran[gi], SMMU_PROT_R | SMMU_PROT_W), 0);
				round_trip(t, d, iova, 0x41000000);
				smmu_domain_geometry(dom, &got);
				ck_assert_uint_eq(got.granule, gran[gi]);
				ck_assert_uint_eq(got.ias, ias[ii]);
				ck_assert_int_eq(smmu_device_detach(d), 0);
				ck_assert_int_eq(smmu_domain_destroy(dom), 0);
			}
	/* the limits, named */
	static const struct {
		struct smmu_domain_geometry g;
		int rc;
		const char *says;
	} bad[] = {
		{ { .oas = 52 }, -ERANGE, "IDR5.OAS" },
		{ { .ias = 24 }, -ERANGE, "25..48" },
		{ { .stage = SMMU_STAGE_2, .ias = 52 }, -ERANGE, "IAS" },
		{ { .granule = 8192 }, -EINVAL, "4K, 16K, 64K" },
		{ { .levels = 4 }, -EINVAL, "VT-d" },
		{ { .stage = SMMU_STAGE_NESTED }, -EINVAL, "stage-2 domain" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct smmu_domain *dom = NULL;
		ck_assert_int_eq(smmu_domain_create_geom(t, "bad", &bad[i].g, &dom, err, sizeof(err)), bad[i].rc);
		ck_assert_msg(strstr(err, bad[i].says), "%u: %s", i, err);
		ck_assert_ptr_null(dom);
	}
	smmu_target_close(t);
}
END_TEST

/* VT-d second-level tables of 3, 4 and 5 levels where CAP.SAGAW has them. */
START_TEST(vtd_levels)
{
	static const char *const aw57[] = { "aw=57" };
	struct smmu_target *t = open_with("sim:q35", aw57, 1);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	char err[256];

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	for (unsigned l = 3; l <= 5; l++) {
		struct smmu_domain_geometry g = { .levels = l }, got;
		ck_assert_msg(smmu_domain_create_geom(t, "v", &g, &dom, err, sizeof(err)) == 0, "%s", err);
		ck_assert_int_eq(smmu_device_attach(d, dom), 0);
		ck_assert_int_eq(smmu_map(dom, 1ULL << (12 + 9 * l - 1), 0x100000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
		round_trip(t, d, 1ULL << (12 + 9 * l - 1), 0x100000);
		smmu_domain_geometry(dom, &got);
		ck_assert_uint_eq(got.levels, l);
		ck_assert_int_eq(smmu_device_detach(d), 0);
		ck_assert_int_eq(smmu_domain_destroy(dom), 0);
	}
	smmu_target_close(t);
	t = open_with("sim:q35", NULL, 0); /* MGAW 39: 3 levels only */
	ck_assert_int_eq(smmu_domain_create_geom(t, "v", &(struct smmu_domain_geometry){ .levels = 5 }, &dom, err,
						 sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "CAP.SAGAW"), "%s", err);
	ck_assert_int_eq(smmu_domain_create_geom(t, "v", &(struct smmu_domain_geometry){ .stage = SMMU_STAGE_1 }, &dom,
						 err, sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "ECAP.SMTS"), "%s", err);
	ck_assert_int_eq(smmu_domain_create_geom(t, "v", &(struct smmu_domain_geometry){ .ias = 40 }, &dom, err,
						 sizeof(err)), -EINVAL);
	smmu_target_close(t);
}
END_TEST

Suite *suite_domain_geom(void);
Suite *suite_domain_geom(void)
{
	Suite *s = suite_create("domain_geom");
	TCase *tc = tcase_create("geometry");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, nested_domain_translates_through_both_stages);
	tcase_add_test(tc, smmuv3_geometries);
	tcase_add_test(tc, vtd_levels);
	suite_add_tcase(s, tc);
	return s;
}
