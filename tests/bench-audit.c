/* SPDX-License-Identifier: MIT */
/*
 * The audit's cost on sim:virt with 32 DMA devices (31 PCI test devices and
 * the platform one), each in its own domain with 1 GiB mapped (2 MiB blocks,
 * every device its own physical GiB), printed as `name value unit` lines.
 * References in the same run: listing the same 32 devices' mappings
 * (smmu_list, the walk the audit cannot do without) and reading the table
 * memory those walks touch (smmu_mem_read, the physical floor).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/smmu.h"
#include "tests/bench.h"

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-audit: %s: %s\n", what, smmu_strerror(rc));
	exit(1);
}

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	(void)r;
	++*(uint64_t *)arg;
	return 0;
}

int main(void)
{
	static const char *const opts[] = { "devs=31", "ram=40G" };
	struct smmu_target *t;
	char err[256];
	int rc;

	if ((rc = smmu_target_open("sim:virt", opts, 2, &t, err, sizeof(err))) ||
	    (rc = smmu_discover(t, err, sizeof(err))))
		die(err, rc);
	if ((rc = smmu_unit_own(smmu_unit_at(t, 0))))
		die("own", rc);
	unsigned ndev = 0;
	struct smmu_device_info di[64];
	for (size_t i = 0; i < smmu_device_count(t) && ndev < 32; i++) {
		struct smmu_device *d = smmu_device_at(t, i);
		struct smmu_domain *dom;
		char name[16];
		smmu_device_info(d, &di[ndev]);
		if (!(di[ndev].caps & SMMU_DEV_DMA))
			continue;
		snprintf(name, sizeof(name), "d%u", ndev);
		uint64_t pa = 0x40000000ull + 0x200000 + ((uint64_t)ndev << 30); /* 2 MiB aligned, not 1 GiB */
		if ((rc = smmu_domain_create(t, name, 0, &dom)) || (rc = smmu_device_attach(d, dom)) ||
		    (rc = smmu_map(dom, 0x200000, pa, 1ull << 30, SMMU_PROT_R | SMMU_PROT_W)))
			die("map", rc);
		ndev++;
	}
	if (ndev != 32)
		die("32 DMA devices", -ENODEV);

	const unsigned rounds = 20;
	struct smmu_audit *a = NULL;
	double t0 = bench_now();
	for (unsigned r = 0; r < rounds; r++) {
		if ((rc = smmu_audit_run(t, NULL, &a)))
			die("audit", rc);
		if (r + 1 < rounds)
			smmu_audit_free(a);
	}
	double audit_s = (bench_now() - t0) / rounds;
	if (smmu_audit_finding_count(a) || smmu_audit_device_count(a) != 32)
		die("the bench machine audits clean", -EINVAL);
	uint64_t reach = 0;
	for (size_t i = 0; i < smmu_audit_device_count(a); i++)
		for (size_t r = 0; r < smmu_audit_device_at(a, i)->nranges; r++)
			reach += smmu_audit_device_at(a, i)->ranges[r].size;
	smmu_audit_free(a);

	/* reference 1: the coalesced listing of the same devices */
	uint64_t nr = 0, leaves = 0, tables = 0;
	t0 = bench_now();
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < ndev; i++) {
			struct smmu_pgt_walk_stats st;
			struct smmu_stream s = { .sid = di[i].sid };
			if ((rc = smmu_list(di[i].unit, &s, 0, 1ull << 48, count_range, &nr, &st)))
				die("list", rc);
			if (r == 0)
				leaves += st.leaves, tables += st.tables;
		}
	double list_s = (bench_now() - t0) / rounds;

	/* reference 2: reading that much table memory, page by page */
	uint64_t base, size;
	static char page[4096];
	if ((rc = smmu_target_table_region(t, &base, &size)))
		die("table region", rc);
	t0 = bench_now();
	for (unsigned r = 0; r < rounds; r++)
		for (uint64_t p = 0; p < tables; p++)
			smmu_mem_read(t, base + (p * 4096) % size, page, sizeof(page));
	double read_s = (bench_now() - t0) / rounds;

	printf("audit_32dev_1GiB_each %.3f ms\n", audit_s * 1e3);
	printf("audit_32dev_reached %" PRIu64 " GiB\n", reach >> 30);
	printf("audit_32dev_leaves %" PRIu64 " entries\n", leaves);
	printf("audit_ref_list_32dev %.3f ms\n", list_s * 1e3);
	printf("audit_ref_read_tables %.3f ms\n", read_s * 1e3);
	printf("audit_over_list %.2f x\n", audit_s / list_s);
	smmu_target_close(t);
	return 0;
}
