/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of --target linux, run as root inside a live machine (the guests
 * of tests/bench-live.sh; built static for them by tests/live/build-static.sh
 * as board/bench-live).  Prints `name value unit` lines like `make bench`:
 *
 *   live_units_devices_*   what `smmush -c 'units; devices'` asks of the
 *                          machine: open, discovery, each unit's kernel state,
 *                          each device's driver and group (first run, best of
 *                          10, requests: /dev/mem, /proc/kcore, register and
 *                          PCI config accesses)
 *   live_walk_*            walk + coalesce DEVICE's live tables (the kernel's,
 *                          read through /proc/kcore), whose mapping the caller
 *                          made 64 MiB + 4 KiB (vfio-map --size 0x4001000)
 *
 * usage: bench-live PREFIX DEVICE    (e.g. bench-live amd64 00:02.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lib/smmu.h"
#include "tests/bench.h"

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	(void)r;
	++*(unsigned *)arg;
	return 0;
}

static struct smmu_target *open_linux(void)
{
	struct smmu_target *t;
	char err[512] = "";
	int rc;

	if ((rc = smmu_target_open("linux", NULL, 0, &t, err, sizeof(err))) || (rc = smmu_discover(t, err, sizeof(err)))) {
		fprintf(stderr, "bench-live: %s\n", err[0] ? err : smmu_strerror(rc));
		exit(1);
	}
	return t;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench-live PREFIX DEVICE\n");
		return 2;
	}
	const char *tag = argv[1];
	double first = 0, best = 1e9;
	uint64_t req = 0;

	/* units; devices, whole: open to close */
	for (int i = 0; i < 10; i++) {
		double t0 = bench_now();
		struct smmu_target *t = open_linux();
		for (size_t u = 0; u < smmu_unit_count(t); u++) {
			struct smmu_unit_kernel k;
			struct smmu_unit_info ui;
			smmu_unit_info(smmu_unit_at(t, u), &ui);
			smmu_unit_kernel(smmu_unit_at(t, u), &k);
		}
		for (size_t d = 0; d < smmu_device_count(t); d++) {
			struct smmu_device_info di;
			smmu_device_info(smmu_device_at(t, d), &di);
		}
		req = smmu_target_roundtrips(t);
		smmu_target_close(t);
		double dt = bench_now() - t0;
		if (!i)
			first = dt;
		if (dt < best)
			best = dt;
	}
	printf("%s_live_units_devices_first %.2f ms\n", tag, first * 1e3);
	printf("%s_live_units_devices_best %.2f ms\n", tag, best * 1e3);
	printf("%s_live_units_devices_requests %llu requests\n", tag, (unsigned long long)req);

	/* walk the kernel's tables of DEVICE */
	struct smmu_target *t = open_linux();
	struct smmu_device *d = smmu_device_find(t, argv[2]);
	struct smmu_device_info di;
	if (!d) {
		fprintf(stderr, "bench-live: no device %s\n", argv[2]);
		return 1;
	}
	smmu_device_info(d, &di);
	first = 0, best = 1e9;
	uint64_t req_first = 0, req_best = 0;
	unsigned ranges = 0;
	for (int i = 0; i < 5; i++) {
		uint64_t r0 = smmu_target_roundtrips(t);
		unsigned n = 0;
		double t0 = bench_now();
		int rc = smmu_list(di.unit, &(struct smmu_stream){ di.sid, false, 0 }, 0, 0, count_range, &n, NULL);
		double dt = bench_now() - t0;
		if (rc) {
			fprintf(stderr, "bench-live: walk %s: %s\n", argv[2], smmu_strerror(rc));
			return 1;
		}
		if (!i) {
			first = dt;
			req_first = smmu_target_roundtrips(t) - r0;
			ranges = n;
		}
		if (dt < best) {
			best = dt;
			req_best = smmu_target_roundtrips(t) - r0;
		}
	}
	printf("%s_live_walk_64m4k_first %.2f ms (%u ranges)\n", tag, first * 1e3, ranges);
	printf("%s_live_walk_64m4k_best %.2f ms\n", tag, best * 1e3);
	printf("%s_live_walk_64m4k_requests %llu requests (first), %llu (best)\n", tag, (unsigned long long)req_first,
	       (unsigned long long)req_best);
	smmu_target_close(t);
	return 0;
}
