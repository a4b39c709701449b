/* SPDX-License-Identifier: MIT */
/*
 * libsmmu benchmarks on sim, printed as `name value unit` lines:
 * fault records drained and normalized per second, with the memcpy of the
 * same bytes as the physical reference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/smmu.h"
#include "tests/bench.h"

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench-lib: %s: %s\n", what, smmu_strerror(rc));
	exit(1);
}

int main(void)
{
	struct smmu_target *t;
	struct smmu_device_info di;
	char err[256];
	int rc;

	if ((rc = smmu_target_open("sim:virt", NULL, 0, &t, err, sizeof(err))) ||
	    (rc = smmu_discover(t, err, sizeof(err))))
		die(err, rc);
	if ((rc = smmu_unit_own(smmu_unit_at(t, 0))))
		die("own", rc);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	smmu_device_info(d, &di);
	uint32_t bar;
	smmu_pci_read(t, di.bdf, 0x10, 4, &bar);
	smmu_pci_write(t, di.bdf, 0x04, 2, 0x6);

	/* The device is not attached: its stream aborts... and reports
	 * nothing.  Attach to an empty domain: every access is a
	 * translation fault with a full record. */
	struct smmu_domain *dom;
	if ((rc = smmu_domain_create(t, "bench", 0, &dom)) || (rc = smmu_device_attach(d, dom)))
		die("attach", rc);
	uint64_t base = bar & ~0xfull;
	smmu_mmio_write(t, base + 0x80, 8, 0x100000);
	const unsigned batch = 1000, rounds = 2000;
	double spent = 0;
	uint64_t drained = 0;
	for (unsigned r = 0; r < rounds; r++) {
		smmu_mmio_write(t, base + 0x110, 8, batch); /* storm: `batch` faulting reads */
		double t0 = bench_now();
		rc = smmu_faults_poll(t);
		spent += bench_now() - t0;
		if (rc < 0)
			die("poll", rc);
		drained += rc;
	}
	struct smmu_fault_totals tot;
	smmu_faults_totals(t, &tot);
	if (drained != (uint64_t)batch * rounds || tot.lost_overflow)
		die("drained count is off", -EPROTO);
	printf("fault_drain_rate %.0f records/s\n", drained / spent);
	printf("fault_drain_per_record %.1f ns\n", spent * 1e9 / drained);

	/* physical reference: copying the same number of 32-byte records */
	size_t bytes = (size_t)batch * 32;
	char *src = malloc(bytes), *dst = malloc(bytes);
	memset(src, 1, bytes);
	double t0 = bench_now();
	for (unsigned r = 0; r < rounds; r++) {
		memcpy(dst, src, bytes);
		__asm__ volatile("" ::"r"(dst) : "memory");
	}
	double ref = bench_now() - t0;
	printf("fault_drain_memcpy_reference %.1f ns\n", ref * 1e9 / drained);
	free(src);
	free(dst);
	smmu_target_close(t);
	return 0;
}
