/* SPDX-License-Identifier: MIT */
/*
 * QEMU target benchmarks, `name value unit` lines for qemu:virt and
 * qemu:q35: a 4 KiB table page written, 64 MiB mapped as 4 KiB pages end to
 * end, one edu DMA through the IOMMU, and qtest round trips per map, per
 * walk and per fault drained.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/smmu.h"
#include "tests/bench.h"

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	(void)r;
	++*(unsigned *)arg;
	return 0;
}

static int bench(const char *spec, const char *tag)
{
	struct smmu_target *t;
	struct smmu_domain *dom;
	char err[256] = "";
	uint64_t base, size, rt;
	int rc;

	if ((rc = smmu_target_open(spec, NULL, 0, &t, err, sizeof(err))) ||
	    (rc = smmu_discover(t, err, sizeof(err)))) {
		fprintf(stderr, "bench-qemu: %s: %s\n", spec, err[0] ? err : smmu_strerror(rc));
		return 1;
	}
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	smmu_target_table_region(t, &base, &size);
	/* data pages just below the table region: plain RAM smmush may use in a test */
	uint64_t data = base - (128ull << 20);

	/* a 4 KiB page written: best of 50 */
	static uint8_t page[4096];
	double best = 1e9;
	for (int i = 0; i < 50; i++) {
		memset(page, i, sizeof(page));
		double t0 = bench_now();
		if ((rc = smmu_mem_write(t, data, page, sizeof(page))))
			goto fail;
		if (bench_now() - t0 < best)
			best = bench_now() - t0;
	}
	printf("%s_page_write %.3f ms\n", tag, best * 1e3);

	if ((rc = smmu_unit_own(u)) || (rc = smmu_domain_create(t, "bench", 0, &dom)) ||
	    (rc = smmu_device_attach(d, dom)))
		goto fail;
	rt = smmu_target_roundtrips(t);
	double t0 = bench_now();
	if ((rc = smmu_map(dom, 0x10000000, data - (64ull << 20), 64ull << 20,
			   SMMU_PROT_R | SMMU_PROT_W | SMMU_MAP_PAGES)))
		goto fail;
	printf("%s_map_64m_4k %.3f s\n", tag, bench_now() - t0);
	printf("%s_map_64m_4k_roundtrips %llu requests\n", tag,
	       (unsigned long long)(smmu_target_roundtrips(t) - rt));
	rt = smmu_target_roundtrips(t);
	if ((rc = smmu_map(dom, 0x80000000, data, 4096, SMMU_PROT_R | SMMU_PROT_W)))
		goto fail;
	printf("%s_map_4k_roundtrips %llu requests\n", tag, (unsigned long long)(smmu_target_roundtrips(t) - rt));

	/* one edu DMA through the IOMMU, best of 20 */
	best = 1e9;
	for (int i = 0; i < 20; i++) {
		t0 = bench_now();
		if ((rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x80000000, 256, NULL)))
			goto fail;
		if (bench_now() - t0 < best)
			best = bench_now() - t0;
	}
	printf("%s_edu_dma %.3f ms\n", tag, best * 1e3);

	unsigned ranges = 0;
	struct smmu_device_info di;
	smmu_device_info(d, &di);
	rt = smmu_target_roundtrips(t);
	if ((rc = smmu_list(u, &(struct smmu_stream){ di.sid, false, 0 }, 0, 0, count_range, &ranges, NULL)))
		goto fail;
	printf("%s_walk_roundtrips %llu requests (%u ranges, 64 MiB + 4 KiB mapped)\n", tag,
	       (unsigned long long)(smmu_target_roundtrips(t) - rt), ranges);
	/* again: the owned unit's registers are kept, the tables read live */
	rt = smmu_target_roundtrips(t);
	if ((rc = smmu_list(u, &(struct smmu_stream){ di.sid, false, 0 }, 0, 0, count_range, &ranges, NULL)))
		goto fail;
	printf("%s_walk_again_roundtrips %llu requests\n", tag, (unsigned long long)(smmu_target_roundtrips(t) - rt));

	/* faults: unmapped reads, then one drain */
	double per;
	int n;
	if ((rc = bench_fault_roundtrips(t, d, &per, &n)))
		goto fail;
	printf("%s_roundtrips_per_fault %.1f requests (%d records drained)\n", tag, per, n);
	smmu_target_close(t);
	return 0;
fail:
	fprintf(stderr, "bench-qemu: %s: %s\n", spec, smmu_strerror(rc));
	smmu_target_close(t);
	return 1;
}

int main(void)
{
	return bench("qemu:virt", "qemu_virt") | bench("qemu:q35", "qemu_q35");
}
