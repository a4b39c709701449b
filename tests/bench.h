/* SPDX-License-Identifier: MIT */
/* What the benchmarks (tests/bench-*.c) measure with alike. */
#ifndef SMMU_TESTS_BENCH_H
#define SMMU_TESTS_BENCH_H

#include <errno.h>
#include <time.h>

#include "lib/smmu.h"

/* The monotonic clock, in seconds. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Four unmapped reads by d, then one drain of the faults they raise: the
 * target's round trips per record drained in *per, the records in *n.
 * 0, or a negative error (-EPROTO when nothing was drained). */
static inline int bench_fault_roundtrips(struct smmu_target *t, struct smmu_device *d, double *per, int *n)
{
	uint64_t rt;
	int rc;

	if ((rc = smmu_faults_poll(t)) < 0) /* what was pending before */
		return rc;
	for (int i = 0; i < 4; i++)
		if ((rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x90000000 + i * 0x1000, 4, NULL)))
			return rc;
	rt = smmu_target_roundtrips(t);
	*n = smmu_faults_poll(t);
	if (*n <= 0)
		return *n ? *n : -EPROTO;
	*per = (double)(smmu_target_roundtrips(t) - rt) / *n;
	return 0;
}

#endif
