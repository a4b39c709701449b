/* SPDX-License-Identifier: MIT */
/*
 * Reserved regions through the library: the sim's RMRRs (q35) and IORT RMR
 * nodes (virt) are found per device with the firmware's permissions;
 * attach maps them IOVA = PA so test DMA there works, SMMU_ATTACH_NO_RESERVED
 * leaves them out (the DMA faults), a map or unmap over one is refused,
 * detach unmaps a region once no device of the domain needs it, and release
 * then own keeps it working.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "lib/smmu.h"

struct resv_plat {
	const char *spec, *opt;
	uint64_t r1, r2;       /* 00:01.0's region and 00:02.0's, both 64 KiB */
	const char *source;
};

static const struct resv_plat rplats[] = {
	{ "sim:virt", "rmr=0x8@0x48000000+64K,0x10@0x48000000+64K,0x10@0x48100000+64K", 0x48000000, 0x48100000,
	  "IORT RMR" },
	{ "sim:q35", "rmrr=01.0@0x3e000000+64K,02.0@0x3e000000+64K,02.0@0x3e100000+64K", 0x3e000000, 0x3e100000,
	  "RMRR" },
};

static struct smmu_target *open_resv(const struct resv_plat *p)
{
	const char *opts[] = { p->opt };
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(p->spec, opts, 1, &t, err, sizeof(err)) == 0, "%s: %s", p->spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: %s", p->spec, err);
	return t;
}

/* One DMA write of 64 bytes at iova; the faults it raised. */
static int dma_faults(struct smmu_target *t, struct smmu_device *d, uint64_t iova)
{
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, iova, 64, NULL), 0);
	return smmu_faults_poll(t);
}

START_TEST(found_per_device)
{
	const struct resv_plat *p = &rplats[_i];
	struct smmu_target *t = open_resv(p);
	struct smmu_device *d1 = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	struct smmu_reserved_region r[4];

	ck_assert_uint_eq(smmu_reserved_count(t), 3);
	ck_assert_uint_eq(smmu_device_reserved(d1, r, 4), 1);
	ck_assert_str_eq(r[0].source, p->source);
	ck_assert_uint_eq(r[0].base, p->r1);
	ck_assert_uint_eq(r[0].size, 0x10000);
	ck_assert_ptr_eq(r[0].dev, d1);
	ck_assert(!r[0].mapped);
	if (r[0].pci) {
		ck_assert_uint_eq(r[0].prot, SMMU_PROT_R | SMMU_PROT_W);
		ck_assert_uint_eq(r[0].rid_first, 0x08);
		ck_assert_uint_eq(r[0].rid_last, 0x08);
	} else { /* the sim's RMR flags: no remapping, unprivileged, Normal write-back */
		ck_assert_uint_eq(r[0].prot, SMMU_PROT_R | SMMU_PROT_W);
		ck_assert_uint_eq(r[0].rmr_flags, 5u << 2);
		ck_assert(!r[0].remap_permitted);
		ck_assert_str_eq(r[0].attrs, "Normal Inner/Outer Write-back");
		ck_assert_ptr_eq(r[0].unit, smmu_unit_at(t, 0));
		ck_assert_uint_eq(r[0].sid_first, 0x8);
	}
	/* the count is the whole; max bounds what is written */
	ck_assert_uint_eq(smmu_device_reserved(d2, r, 1), 2);
	ck_assert_uint_eq(r[0].base, p->r1);
	ck_assert_uint_eq(smmu_device_reserved(d2, NULL, 0), 2);
	ck_assert_int_eq(smmu_reserved_get(t, 3, r), -ENOENT);
	smmu_target_close(t);
}
END_TEST

START_TEST(attach_maps_identity)
{
	const struct resv_plat *p = &rplats[_i];
	struct smmu_target *t = open_resv(p);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d1 = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	struct smmu_domain *dom;
	struct smmu_reserved_region r;
	uint8_t pattern[64], got[64];

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d1, dom), 0);
	ck_assert_uint_eq(smmu_device_reserved(d1, &r, 1), 1);
	ck_assert(r.mapped);
	/* the device's DMA reaches the region at IOVA = PA, with the data */
	memset(pattern, 0xa5, sizeof(pattern));
	ck_assert_int_eq(smmu_mem_write(t, p->r1 + 0x1000, pattern, sizeof(pattern)), 0);
	ck_assert_int_eq(smmu_dma(d1, SMMU_DMA_FROM_MEM, p->r1 + 0x1000, 64, NULL), 0);
	ck_assert_int_eq(dma_faults(t, d1, p->r1 + 0xf000), 0);
	ck_assert_int_eq(smmu_mem_read(t, p->r1 + 0xf000, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pattern, sizeof(got));
	/* a user's map or unmap over it: refused, naming it */
	ck_assert_int_eq(smmu_map(dom, p->r1 + 0x8000, 0x0, 0x1000, SMMU_PROT_R), -SMMU_E_RESERVED);
	ck_assert_int_eq(smmu_map(dom, p->r1 - 0x1000, p->r1 - 0x1000, 0x2000, SMMU_PROT_R), -SMMU_E_RESERVED);
	ck_assert_int_eq(smmu_unmap(dom, p->r1, 0x1000), -SMMU_E_RESERVED);
	/* the same identity mapping asked for again (a policy's reserved line): already there */
	ck_assert_int_eq(smmu_map(dom, p->r1 + 0x1000, p->r1 + 0x1000, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, p->r1 + 0x1000, p->r1 + 0x1000, 0x2000, SMMU_PROT_R), -SMMU_E_RESERVED);
	ck_assert_int_eq(smmu_map(dom, p->r1, p->r1 + 0x1000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), -SMMU_E_RESERVED);
	ck_assert_int_eq(smmu_domain_reserved_at(dom, p->r1 + 0xf000, 0x1000, &r), 1);
	ck_assert_str_eq(r.source, p->source);
	ck_assert_uint_eq(r.base, p->r1);
	ck_assert_int_eq(smmu_domain_reserved_at(dom, p->r1 + 0x10000, 0x1000, &r), 0);
	ck_assert_int_eq(smmu_map(dom, p->r1 + 0x10000, p->r1 + 0x10000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_unmap(dom, p->r1 + 0x10000, 0x1000), 0);

	/* a second device sharing the first region and with one of its own */
	ck_assert_int_eq(smmu_device_attach(d2, dom), 0);
	ck_assert_int_eq(dma_faults(t, d2, p->r2), 0);
	ck_assert_int_eq(dma_faults(t, d2, p->r1), 0);
	/* the first leaves: the shared region stays for the second */
	ck_assert_int_eq(smmu_device_detach(d1), 0);
	ck_assert_int_eq(dma_faults(t, d2, p->r1), 0);
	/* release and own again: the domain's tables come back with it */
	ck_assert_int_eq(smmu_unit_release(u), 0);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(dma_faults(t, d2, p->r2 + 0x4000), 0);
	/* the last leaves: nothing of them stays in the domain */
	ck_assert_int_eq(smmu_device_detach(d2), 0);
	ck_assert_int_eq(smmu_domain_reserved_at(dom, p->r1, 0x200000, &r), 0);
	ck_assert_int_eq(smmu_map(dom, p->r1, p->r1, 0x1000, SMMU_PROT_R), 0); /* free again */
	ck_assert_int_eq(smmu_unmap(dom, p->r1, 0x1000), 0);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	smmu_target_close(t);
}
END_TEST

START_TEST(no_reserved_and_collisions)
{
	const struct resv_plat *p = &rplats[_i];
	struct smmu_target *t = open_resv(p);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d1 = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	struct smmu_domain *a, *b;
	struct smmu_reserved_region r;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_device_attach_flags(d1, a, SMMU_ATTACH_NO_RESERVED), 0);
	ck_assert_uint_eq(smmu_device_reserved(d1, &r, 1), 1);
	ck_assert(!r.mapped);
	ck_assert_int_eq(dma_faults(t, d1, p->r1), 1); /* left out: its DMA there faults */
	ck_assert_int_eq(smmu_domain_reserved_at(a, p->r1, 0x10000, &r), 0);
	ck_assert_int_eq(smmu_device_detach(d1), 0);
	/* a domain that maps the region elsewhere: attach refuses, nothing changes */
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_map(b, p->r2 + 0x2000, 0x0, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_device_attach(d2, b), -EEXIST);
	ck_assert_ptr_null(smmu_device_domain(d2));
	struct smmu_reserved_region rr[2];
	ck_assert_uint_eq(smmu_device_reserved(d2, rr, 2), 2);
	ck_assert(!rr[0].refused && rr[1].refused); /* the one the mapping is in */
	ck_assert_uint_eq(rr[1].base, p->r2);
	ck_assert_int_eq(smmu_domain_reserved_at(b, p->r1, 0x200000, &r), 0);
	ck_assert_int_eq(smmu_unmap(b, p->r2 + 0x2000, 0x1000), 0);
	ck_assert_int_eq(smmu_device_attach(d2, b), 0);
	ck_assert_int_eq(dma_faults(t, d2, p->r2 + 0x2000), 0);
	ck_assert_int_eq(smmu_device_detach(d2), 0);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	smmu_target_close(t);
}
END_TEST

Suite *suite_reserved(void)
{
	Suite *s = suite_create("reserved");
	TCase *tc = tcase_create("sim");
	int n = (int)(sizeof(rplats) / sizeof(rplats[0]));

	tcase_add_loop_test(tc, found_per_device, 0, n);
	tcase_add_loop_test(tc, attach_maps_identity, 0, n);
	tcase_add_loop_test(tc, no_reserved_and_collisions, 0, n);
	suite_add_tcase(s, tc);
	return s;
}
