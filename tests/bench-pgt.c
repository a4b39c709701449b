/* SPDX-License-Identifier: MIT */
/*
 * Page-table engine benchmarks against an in-memory smmu_mem, for every
 * format the engine builds: LPAE stage 1 with 4K, 16K and 64K granules,
 * stage 2 (4K), VT-d second level with 3 and 4 levels.  Prints lines
 * "name value unit"; each figure is the best of a few runs, with its physical
 * reference measured in the same run:
 *   GEOM_map_batched        map 1 GiB as granule pages in one call, per page
 *   GEOM_map_per_call       the same count of pages, one map call each
 *   GEOM_unmap_batched      unmap that 1 GiB in one call, per page
 *   GEOM_unmap_per_call     unmap it one call per page
 *   GEOM_memcpy_table_bytes memcpy of the bytes of tables map writes, per page
 *   GEOM_translate_fast     one warm address, verdict and output address only
 *   GEOM_translate_trace    the same with the per-level trace
 *   GEOM_translate_memcpy_reference  copying one entry per level
 *   GEOM_list_coalesced     list the 1 GiB (one range)
 *   GEOM_list_fragmented    list it when every page is its own range
 *   GEOM_list_memcpy_reference      memcpy of the table bytes
 * The 4K stage-1 figures are also printed under their historical names
 * (map_1g_4k, map_4k_per_call, list_256k_pages, translate_warm, ...).
 * BENCH_PGT_ONLY=GEOM[:OP] restricts the run (e.g. for callgrind); OP is one
 * of map, mapcall, unmap, unmapcall, xlate, list; BENCH_PGT_RUNS=N the runs;
 * BENCH_PGT_READBACK=1 drops smmu_mem.foreign_writes (read back before every change);
 * BENCH_PGT_COPY=1 drops smmu_mem.direct (tables built in a host copy, then written).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/pgtable.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (24ULL << 20)
#define GIB (1ULL << 30)
#define OUT 0x100000000ULL

static uint8_t *ram;
static int runs = 5;
static const char *only_op;

static int ram_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (pa < RAM_BASE || pa - RAM_BASE + len > RAM_SIZE)
		return -14;
	memcpy(buf, ram + (pa - RAM_BASE), len);
	return 0;
}

static int ram_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	(void)ctx;
	if (pa < RAM_BASE || pa - RAM_BASE + len > RAM_SIZE)
		return -14;
	memcpy(ram + (pa - RAM_BASE), buf, len);
	return 0;
}

/* Nothing but the engine writes this RAM: no read-back needed before a change. */
static uint64_t ram_foreign_writes(void *ctx)
{
	(void)ctx;
	return 0;
}

/* The RAM is host memory: tables can be built in it directly. */
static void *ram_direct(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	if (pa < RAM_BASE || pa - RAM_BASE + len > RAM_SIZE)
		return NULL;
	return ram + (pa - RAM_BASE);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int count_range(void *arg, const struct smmu_pgt_range *r)
{
	(void)r;
	(*(unsigned long *)arg)++;
	return 0;
}

static void fail(const char *geom, const char *what, int rc)
{
	fprintf(stderr, "bench-pgt: %s: %s failed: %d\n", geom, what, rc);
	exit(1);
}

static bool want(const char *op)
{
	return !only_op || !strcmp(only_op, op);
}

struct geom {
	const char *name;
	struct smmu_pgt_cfg cfg;
};

struct result {
	double map, map_call, unmap, unmap_call, cpy, xl_fast, xl_trace, xl_ref, list, frag;
	uint64_t table_bytes;
};

static struct smmu_mem mem = { .read = ram_read, .write = ram_write, .foreign_writes = ram_foreign_writes,
			       .direct = ram_direct };
static struct smmu_region region;
static struct smmu_table_alloc alloc;

static struct smmu_pgt *mk(const struct geom *g, unsigned flags)
{
	struct smmu_pgt_cfg cfg = g->cfg;
	struct smmu_pgt *p;
	int rc;

	cfg.flags |= flags;
	if ((rc = smmu_pgt_create(&cfg, &mem, &alloc, &p)))
		fail(g->name, "create", rc);
	return p;
}

static double best_of(double a, double b)
{
	return a < b ? a : b;
}

/* The pages of [GIB, 2 GiB), one map call each, output scattered: nothing coalesces. */
static void map_calls(const struct geom *g, struct smmu_pgt *p, uint64_t pages, uint64_t gran)
{
	for (uint64_t i = 0; i < pages; i++) {
		int rc = smmu_pgt_map(p, GIB + i * gran, (pages - 1 - i) * gran, gran, SMMU_PROT_R);

		if (rc)
			fail(g->name, "map page", rc);
	}
}

static void bench(const struct geom *g, struct result *r)
{
	uint64_t gran = g->cfg.granule, pages = GIB / gran;
	unsigned rw = SMMU_PROT_R | SMMU_PROT_W | SMMU_MAP_PAGES;
	struct smmu_pgt *p;
	double t;
	int rc;

	memset(r, 0, sizeof(*r));
	r->map = r->map_call = r->unmap = r->unmap_call = r->cpy = r->xl_fast = r->xl_trace =
		r->xl_ref = r->list = r->frag = 1e30;

	/* map 1 GiB in one call, then unmap it in one call */
	for (int run = 0; run < runs; run++) {
		p = mk(g, 0);
		if (want("map") || want("unmap") || run == 0) {
			t = now_ns();
			rc = smmu_pgt_map(p, GIB, OUT, GIB, rw);
			r->map = best_of(r->map, now_ns() - t);
			if (rc)
				fail(g->name, "map", rc);
		}
		if (run == 0)
			r->table_bytes = smmu_region_in_use(&region);
		if (want("unmap") && run < runs) {
			uint64_t un = 0;

			t = now_ns();
			rc = smmu_pgt_unmap(p, GIB, GIB, &un);
			r->unmap = best_of(r->unmap, now_ns() - t);
			if (rc || un != GIB)
				fail(g->name, "unmap", rc ? rc : -1);
		}
		smmu_pgt_destroy(p);
		if (!want("map") && !want("unmap"))
			break;
	}

	/* The physical floor: moving the same table bytes once. */
	uint8_t *src = malloc(r->table_bytes), *dst = malloc(r->table_bytes);
	if (!src || !dst)
		fail(g->name, "malloc", -12);
	memset(src, 1, r->table_bytes);
	memset(dst, 2, r->table_bytes);
	for (int run = 0; run < runs; run++) {
		t = now_ns();
		memcpy(dst, src, r->table_bytes);
		r->cpy = best_of(r->cpy, now_ns() - t);
		src[run] = dst[r->table_bytes - 1 - run]; /* keep the copy observable */
	}
	free(src);
	free(dst);

	p = mk(g, 0);
	if ((rc = smmu_pgt_map(p, GIB, OUT, GIB, rw)))
		fail(g->name, "map", rc);
	for (int run = 0; want("list") && run < runs; run++) {
		unsigned long nranges = 0;

		t = now_ns();
		rc = smmu_pgt_list(p, 0, 0, count_range, &nranges, NULL);
		r->list = best_of(r->list, now_ns() - t);
		if (rc || nranges != 1)
			fail(g->name, "list", rc ? rc : -1);
	}

	/* Warm translate of one address: verdict only, then with the trace. */
	volatile uint64_t sink = 0;
	unsigned long n = 1000000;
	uint64_t want_oa = OUT + 0x12345678;

	for (int run = 0; want("xlate") && run < runs; run++) {
		struct smmu_pgt_verdict v;

		t = now_ns();
		for (unsigned long i = 0; i < n; i++) {
			smmu_pgt_translate_fast(p, GIB + 0x12345678, SMMU_PROT_R, &v);
			sink += v.oa;
		}
		r->xl_fast = best_of(r->xl_fast, (now_ns() - t) / n);
		if (v.oa != want_oa || v.fault)
			fail(g->name, "translate_fast", -1);
	}
	for (int run = 0; want("xlate") && run < runs; run++) {
		struct smmu_pgt_xlate x;

		t = now_ns();
		for (unsigned long i = 0; i < n; i++) {
			smmu_pgt_translate(p, GIB + 0x12345678, SMMU_PROT_R, &x);
			sink += x.oa;
		}
		r->xl_trace = best_of(r->xl_trace, (now_ns() - t) / n);
		if (x.oa != want_oa)
			fail(g->name, "translate", -1);
	}
	/* reference: copying the bytes a 4-level walk reads (one entry a level) */
	static uint64_t levels[4][64], copied[4];
	for (int run = 0; want("xlate") && run < runs; run++) {
		t = now_ns();
		for (unsigned long i = 0; i < n; i++) {
			for (int l = 0; l < 4; l++)
				copied[l] = levels[l][(i + l) & 63];
			__asm__ volatile("" ::"r"(copied) : "memory");
		}
		r->xl_ref = best_of(r->xl_ref, (now_ns() - t) / n);
	}
	smmu_pgt_destroy(p);
	(void)sink;

	/* One call per page (flush deferred to the end, as a driver batching its
	 * invalidations would), then list the fragmented result, then unmap it one
	 * call per page. */
	int cruns = runs < 2 ? runs : 2;
	for (int run = 0; run < cruns; run++) {
		if (!want("mapcall") && !want("unmapcall") && !want("list"))
			break;
		p = mk(g, SMMU_PGT_CFG_DEFER_FLUSH);
		t = now_ns();
		map_calls(g, p, pages, gran);
		rc = smmu_pgt_flush(p);
		r->map_call = best_of(r->map_call, now_ns() - t);
		if (rc)
			fail(g->name, "flush", rc);
		for (int k = 0; want("list") && k < runs; k++) {
			unsigned long nranges = 0;

			t = now_ns();
			rc = smmu_pgt_list(p, 0, 0, count_range, &nranges, NULL);
			r->frag = best_of(r->frag, now_ns() - t);
			if (rc || nranges != pages)
				fail(g->name, "list fragmented", rc ? rc : -1);
		}
		if (want("unmapcall")) {
			t = now_ns();
			for (uint64_t i = 0; i < pages; i++) {
				uint64_t un = 0;

				rc = smmu_pgt_unmap(p, GIB + i * gran, gran, &un);
				if (rc || un != gran)
					fail(g->name, "unmap page", rc ? rc : -1);
			}
			rc = smmu_pgt_flush(p);
			r->unmap_call = best_of(r->unmap_call, now_ns() - t);
			if (rc)
				fail(g->name, "flush", rc);
		}
		smmu_pgt_destroy(p);
	}
	if (smmu_region_in_use(&region))
		fail(g->name, "tables leaked", -1);
	/* per page (unmeasured figures stay 1e30 and are not printed) */
	if (r->map < 1e29)
		r->map /= pages;
	if (r->unmap < 1e29)
		r->unmap /= pages;
	if (r->map_call < 1e29)
		r->map_call /= pages;
	if (r->unmap_call < 1e29)
		r->unmap_call /= pages;
}

static void print(const char *name, const char *fig, double v, const char *unit, const char *fmt)
{
	if (v >= 1e29)
		return;
	printf("%s_%s ", name, fig);
	printf(fmt, v);
	printf(" %s\n", unit);
}

int main(void)
{
	static const struct geom geoms[] = {
		{ "lpae_s1_4k", { .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 48, .oas = 48 } },
		{ "lpae_s1_16k", { .fmt = SMMU_PGT_LPAE_S1, .granule = 16384, .ias = 48, .oas = 48 } },
		{ "lpae_s1_64k", { .fmt = SMMU_PGT_LPAE_S1, .granule = 65536, .ias = 48, .oas = 48 } },
		{ "lpae_s2_4k", { .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 48, .oas = 48 } },
		{ "vtd_sl_3lvl", { .fmt = SMMU_PGT_VTD_SL, .granule = 4096, .ias = 39, .oas = 48 } },
		{ "vtd_sl_4lvl", { .fmt = SMMU_PGT_VTD_SL, .granule = 4096, .ias = 48, .oas = 48 } },
	};
	const char *only = getenv("BENCH_PGT_ONLY");
	char only_geom[64] = "";

	if (only) {
		char *c;

		snprintf(only_geom, sizeof(only_geom), "%s", only);
		if ((c = strchr(only_geom, ':'))) {
			*c = 0;
			only_op = only + (c - only_geom) + 1;
		}
		runs = 1;
	}
	/* as if other agents could write the RAM: read back before every change */
	if (getenv("BENCH_PGT_READBACK"))
		mem.foreign_writes = NULL;
	if (getenv("BENCH_PGT_COPY"))
		mem.direct = NULL;
	if (getenv("BENCH_PGT_RUNS"))
		runs = atoi(getenv("BENCH_PGT_RUNS"));
	ram = calloc(1, RAM_SIZE);
	if (!ram || smmu_region_alloc_init(&region, RAM_BASE, RAM_SIZE, 4096, &alloc))
		fail("setup", "setup", -12);
	/* a target's RAM exists before tables go in it: no first-touch page faults in the figures */
	memset(ram, 0, RAM_SIZE);
	for (size_t k = 0; k < sizeof(geoms) / sizeof(geoms[0]); k++) {
		const struct geom *g = &geoms[k];
		struct result r;
		uint64_t pages = GIB / g->cfg.granule;

		if (only_geom[0] && strcmp(only_geom, g->name))
			continue;
		bench(g, &r);
		print(g->name, "map_batched", r.map, "ns/page", "%.2f");
		print(g->name, "map_per_call", r.map_call, "ns/page", "%.2f");
		print(g->name, "unmap_batched", r.unmap, "ns/page", "%.2f");
		print(g->name, "unmap_per_call", r.unmap_call, "ns/page", "%.2f");
		print(g->name, "memcpy_table_bytes", r.cpy < 1e29 ? r.cpy / pages : r.cpy, "ns/page", "%.3f");
		print(g->name, "translate_fast", r.xl_fast, "ns", "%.1f");
		print(g->name, "translate_trace", r.xl_trace, "ns", "%.1f");
		print(g->name, "translate_memcpy_reference", r.xl_ref, "ns", "%.1f");
		print(g->name, "list_coalesced", r.list / 1e6, "ms", "%.3f");
		print(g->name, "list_fragmented", r.frag / 1e6, "ms", "%.3f");
		print(g->name, "list_memcpy_reference", r.cpy / 1e6, "ms", "%.3f");
		if (k == 0 && !only) {
			/* the historical names */
			printf("map_1g_4k %.2f ns/page\n", r.map);
			printf("memcpy_table_bytes %.2f ns/page\n", r.cpy / pages);
			printf("table_bytes %llu bytes\n", (unsigned long long)r.table_bytes);
			printf("list_256k_pages %.3f ms\n", r.list / 1e6);
			printf("list_memcpy_reference %.3f ms\n", r.cpy / 1e6);
			printf("list_256k_pages_fragmented %.3f ms\n", r.frag / 1e6);
			printf("map_4k_per_call %.2f ns/page\n", r.map_call);
			printf("translate_warm %.1f ns\n", r.xl_trace);
			printf("translate_memcpy_reference %.1f ns\n", r.xl_ref);
		}
	}
	smmu_region_alloc_fini(&region);
	free(ram);
	return 0;
}
