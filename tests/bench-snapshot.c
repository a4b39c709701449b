/* SPDX-License-Identifier: MIT */
/*
 * Snapshot benchmarks, `name value unit` lines: capturing a domain with
 * 64 MiB mapped as 4 KiB pages (sim, and QEMU when installed), the file's
 * size against the table bytes captured, and opening the snapshot and
 * walking the device's tables on it.  Each beside a physical reference
 * measured in the same run: a memcpy of the captured bytes, and the same
 * walk on the live target.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/smmu.h"
#include "tests/bench.h"

#define MAPPED (64ull << 20)

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	*(uint64_t *)arg += r->size;
	return 0;
}

static int walk(struct smmu_target *t, uint64_t *mapped)
{
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_device_info di;
	struct smmu_pgt_walk_stats st;

	if (!d)
		return -ENODEV;
	smmu_device_info(d, &di);
	*mapped = 0;
	return smmu_list(di.unit, &(struct smmu_stream){ .sid = di.sid }, 0, 0, count_range, mapped, &st);
}

static int bench(const char *spec, const char *tag, const char *const *opts, size_t nopts, uint64_t pa)
{
	char err[256] = "", path[64], sspec[96];
	struct smmu_target *t, *s;
	struct smmu_domain *dom;
	struct smmu_snapshot_report rep;
	uint64_t mapped;
	int rc;

	if ((rc = smmu_target_open(spec, opts, nopts, &t, err, sizeof(err))) || (rc = smmu_discover(t, err, sizeof(err)))) {
		fprintf(stderr, "bench-snapshot: %s: %s\n", spec, err[0] ? err : smmu_strerror(rc));
		return rc;
	}
	if ((rc = smmu_unit_own(smmu_unit_at(t, 0))) || (rc = smmu_domain_create(t, "b", 0, &dom)) ||
	    (rc = smmu_device_attach(smmu_device_find(t, "00:01.0"), dom)) ||
	    (rc = smmu_map(dom, 0x100000, pa, MAPPED, SMMU_PROT_R | SMMU_PROT_W | SMMU_MAP_PAGES))) {
		fprintf(stderr, "bench-snapshot: %s: setting up: %s\n", spec, smmu_strerror(rc));
		smmu_target_close(t);
		return rc;
	}
	snprintf(path, sizeof(path), "/tmp/bench-snapshot-%d.core", (int)getpid());
	double t0 = bench_now();
	rc = smmu_snapshot_save(t, path, 0, NULL, NULL, NULL, &rep);
	double cap = bench_now() - t0;
	if (rc) {
		fprintf(stderr, "bench-snapshot: %s: save: %s\n", spec, smmu_strerror(rc));
		smmu_target_close(t);
		return rc;
	}
	/* reference: copying the same bytes in memory, best of 5 */
	uint8_t *a = malloc(rep.memory_bytes), *b = malloc(rep.memory_bytes);
	double ref = 1e9;
	for (int i = 0; a && b && i < 5; i++) {
		memset(a, i, rep.memory_bytes);
		double r0 = bench_now();
		memcpy(b, a, rep.memory_bytes);
		__asm__ volatile("" : : "r"(b) : "memory");
		double r = bench_now() - r0;
		ref = r < ref ? r : ref;
	}
	free(a);
	free(b);
	printf("snapshot_capture_%s_ms %.2f ms\n", tag, cap * 1e3);
	printf("snapshot_capture_%s_memcpy_reference_ms %.3f ms\n", tag, ref * 1e3);
	printf("snapshot_%s_table_bytes %llu bytes\n", tag, (unsigned long long)rep.memory_bytes);
	printf("snapshot_%s_file_bytes %llu bytes\n", tag, (unsigned long long)rep.file_bytes);
	printf("snapshot_%s_file_over_tables %.3f ratio\n", tag, (double)rep.file_bytes / rep.memory_bytes);
	printf("snapshot_%s_segments %u segments\n", tag, rep.segments);

	/* open + walk on the snapshot, beside the same walk on the live target */
	t0 = bench_now();
	if ((rc = walk(t, &mapped)) || mapped != MAPPED)
		fprintf(stderr, "bench-snapshot: %s: live walk: %s (%llu bytes)\n", spec, smmu_strerror(rc),
			(unsigned long long)mapped);
	double live = bench_now() - t0;
	snprintf(sspec, sizeof(sspec), "snapshot:%s", path);
	t0 = bench_now();
	if ((rc = smmu_target_open(sspec, NULL, 0, &s, err, sizeof(err))) || (rc = smmu_discover(s, err, sizeof(err)))) {
		fprintf(stderr, "bench-snapshot: %s: %s\n", sspec, err);
		smmu_target_close(t);
		unlink(path);
		return rc;
	}
	double open_s = bench_now() - t0;
	t0 = bench_now();
	if ((rc = walk(s, &mapped)) || mapped != MAPPED)
		fprintf(stderr, "bench-snapshot: walk on the snapshot: %s (%llu bytes)\n", smmu_strerror(rc),
			(unsigned long long)mapped);
	double walk_s = bench_now() - t0;
	printf("snapshot_%s_open_ms %.2f ms\n", tag, open_s * 1e3);
	printf("snapshot_%s_walk_ms %.2f ms\n", tag, walk_s * 1e3);
	printf("snapshot_%s_live_walk_reference_ms %.2f ms\n", tag, live * 1e3);
	smmu_target_close(s);
	smmu_target_close(t);
	unlink(path);
	return 0;
}

int main(void)
{
	static const char *const sim_opts[] = { "ram=256M" };
	int rc = bench("sim:virt", "sim", sim_opts, 1, 0x44000000);

	if (rc)
		return 1;
	if (system("command -v qemu-system-aarch64 >/dev/null 2>&1")) {
		printf("# snapshot: no qemu-system-aarch64, QEMU figures skipped\n");
		return 0;
	}
	return bench("qemu:virt", "qemu", NULL, 0, 0x44000000) ? 1 : 0;
}
