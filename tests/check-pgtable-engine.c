/* SPDX-License-Identifier: MIT */
/*
 * The page-table engine against an in-memory RAM: every LPAE geometry Linux's
 * io-pgtable self-test covers, VT-d at 3/4/5 levels, splits, rejections,
 * leaks, and hand-built hostile tables read live.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/pgtable.h"
#include "lib/smmu.h"

#define SZ_4K  0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL

/* --- a RAM with bounds checks ------------------------------------------------- */

struct ram {
	uint8_t *buf;
	uint64_t base, size;
	unsigned reads, writes;
	size_t min_write;
};

static int ram_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct ram *r = ctx;

	r->reads++;
	if (pa < r->base || pa - r->base > r->size || len > r->size - (pa - r->base))
		return -EFAULT;
	memcpy(buf, r->buf + (pa - r->base), len);
	return 0;
}

static int ram_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct ram *r = ctx;

	r->writes++;
	if (len < r->min_write)
		r->min_write = len;
	if (pa < r->base || pa - r->base > r->size || len > r->size - (pa - r->base))
		return -EFAULT;
	memcpy(r->buf + (pa - r->base), buf, len);
	return 0;
}

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (8ULL << 20)

static struct ram ram;
static struct smmu_mem mem;
static struct smmu_region region;
static struct smmu_table_alloc talloc;

static void setup(void)
{
	ram = (struct ram){ .base = RAM_BASE, .size = RAM_SIZE, .min_write = SIZE_MAX };
	ram.buf = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram.buf);
	mem = (struct smmu_mem){ .read = ram_read, .write = ram_write, .ctx = &ram };
	/* Tables may use all of RAM; 64K units so every granule fits. */
	ck_assert_int_eq(smmu_region_alloc_init(&region, RAM_BASE, RAM_SIZE, SZ_4K, &talloc), 0);
}

/* The same RAM addressed directly (smmu_mem.direct): tables are built in it. */
static void *ram_direct(void *ctx, uint64_t pa, size_t len)
{
	struct ram *r = ctx;

	if (pa < r->base || pa - r->base > r->size || len > r->size - (pa - r->base))
		return NULL;
	return r->buf + (pa - r->base);
}

static void setup_direct(void)
{
	setup();
	mem.direct = ram_direct;
}

static void teardown(void)
{
	smmu_region_alloc_fini(&region);
	free(ram.buf);
}

static uint64_t ram_q(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(ram_read(&ram, pa, &v, 8), 0);
	return v;
}

static void ram_set(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(ram_write(&ram, pa, &v, 8), 0);
}

static struct smmu_pgt *mk(enum smmu_pgt_format fmt, unsigned granule, unsigned ias,
			   unsigned oas, unsigned flags)
{
	struct smmu_pgt_cfg cfg = { .fmt = fmt, .granule = granule, .ias = ias, .oas = oas,
				    .flags = flags };
	struct smmu_pgt *p = NULL;

	ck_assert_int_eq(smmu_pgt_create(&cfg, &mem, &talloc, &p), 0);
	return p;
}

static void done(struct smmu_pgt *p)
{
	smmu_pgt_destroy(p);
	ck_assert_uint_eq(smmu_region_in_use(&region), 0);
}

static uint64_t xlate_oa(struct smmu_pgt *p, uint64_t iova, unsigned access)
{
	struct smmu_pgt_xlate x;
	int rc = smmu_pgt_translate(p, iova, access, &x);

	ck_assert_msg(rc == 0, "translate 0x%llx: %s", (unsigned long long)iova,
		      smmu_pgt_fault_name(x.fault));
	return x.oa;
}

static int xlate_fault(struct smmu_pgt *p, uint64_t iova, unsigned access)
{
	struct smmu_pgt_xlate x;

	if (smmu_pgt_translate(p, iova, access, &x) == 0)
		return SMMU_PGT_OK;
	return x.fault;
}

/* --- Linux io-pgtable-arm self-test geometries ------------------------------------ */

static const unsigned granules[] = { 4096, 16384, 65536 };
static const unsigned sizes[] = { 32, 36, 40, 42, 44, 48 };

static void lpae_roundtrip(enum smmu_pgt_format fmt, unsigned granule, unsigned ias,
			   unsigned oas)
{
	struct smmu_pgt *p = mk(fmt, granule, ias, oas, 0);
	struct smmu_pgt_geom g;
	uint64_t iova = 0, size, n;
	unsigned rw = SMMU_PROT_R | SMMU_PROT_W;

	smmu_pgt_geometry(p, &g);
	ck_assert_uint_le(g.concat, 16);
	/* Empty tables translate nothing. */
	ck_assert_int_eq(xlate_fault(p, 42, 0), SMMU_PGT_F_INVALID);
	ck_assert_int_eq(xlate_fault(p, SZ_1G + 42, 0), SMMU_PGT_F_INVALID);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_1G + 42, 0), SMMU_PGT_F_INVALID);

	/* One mapping of every page size, 1G apart, each refusing an overlap. */
	for (unsigned b = 0; b < 64; b++) {
		struct smmu_pgt_xlate x;

		if (!(g.page_sizes >> b & 1))
			continue;
		size = 1ULL << b;
		ck_assert_int_eq(smmu_pgt_map(p, iova, iova, size, rw), 0);
		ck_assert_int_eq(smmu_pgt_map(p, iova, iova + size, size, SMMU_PROT_R), -EEXIST);
		ck_assert_int_eq(smmu_pgt_translate(p, iova + 42, SMMU_PROT_W, &x), 0);
		ck_assert_uint_eq(x.oa, iova + 42);
		ck_assert_uint_eq(x.page_size, size);
		iova += SZ_1G;
	}
	/* Unmap each, then remap write-only. */
	iova = 0;
	for (unsigned b = 0; b < 64; b++) {
		if (!(g.page_sizes >> b & 1))
			continue;
		size = 1ULL << b;
		ck_assert_int_eq(smmu_pgt_unmap(p, iova, size, &n), 0);
		ck_assert_uint_eq(n, size);
		ck_assert_int_eq(xlate_fault(p, iova + 42, 0), SMMU_PGT_F_INVALID);
		ck_assert_int_eq(smmu_pgt_map(p, iova, iova, size, SMMU_PROT_W), 0);
		ck_assert_uint_eq(xlate_oa(p, iova + 42, SMMU_PROT_W), iova + 42);
		iova += SZ_1G;
	}
	/* The last and largest page of the input space (concatenated roots' far end). */
	size = 1ULL << (63 - __builtin_clzll(g.page_sizes));
	iova = (1ULL << ias) - size;
	ck_assert_int_eq(smmu_pgt_map(p, iova, iova, size, rw), 0);
	ck_assert_uint_eq(xlate_oa(p, iova + size - 8, SMMU_PROT_R), iova + size - 8);
	ck_assert_int_eq(smmu_pgt_unmap(p, iova, size, &n), 0);
	ck_assert_uint_eq(n, size);
	/* Everything goes; only the root stays. */
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, 1ULL << ias, &n), 0);
	ck_assert_uint_eq(smmu_region_in_use(&region), g.root_size > granule ? g.root_size : granule);
	done(p);
}

START_TEST(test_lpae_selftest_geometries)
{
	unsigned configs = 0;

	for (unsigned i = 0; i < 3; i++)
		for (unsigned j = 0; j < 6; j++)
			for (unsigned k = 0; k <= j; k++, configs++) {
				lpae_roundtrip(SMMU_PGT_LPAE_S1, granules[i], sizes[k], sizes[j]);
				lpae_roundtrip(SMMU_PGT_LPAE_S2, granules[i], sizes[k], sizes[j]);
			}
	ck_assert_uint_eq(configs, 63);
}
END_TEST

/* Every input size each granule allows, both stages, including 52-bit 64K. */
START_TEST(test_lpae_all_input_sizes)
{
	for (unsigned i = 0; i < 3; i++) {
		unsigned max = granules[i] == 65536 ? 52 : 48;

		for (unsigned ias = 32; ias <= max; ias++) {
			lpae_roundtrip(SMMU_PGT_LPAE_S1, granules[i], ias, max);
			lpae_roundtrip(SMMU_PGT_LPAE_S2, granules[i], ias, max);
		}
	}
}
END_TEST

START_TEST(test_lpae_geometry)
{
	static const struct {
		enum smmu_pgt_format fmt;
		unsigned granule, ias;
		int start;
		unsigned concat;
	} t[] = {
		{ SMMU_PGT_LPAE_S1, 4096, 48, 0, 1 },  { SMMU_PGT_LPAE_S1, 4096, 39, 1, 1 },
		{ SMMU_PGT_LPAE_S1, 4096, 32, 1, 1 },  { SMMU_PGT_LPAE_S2, 4096, 40, 1, 2 },
		{ SMMU_PGT_LPAE_S2, 4096, 42, 1, 8 },  { SMMU_PGT_LPAE_S2, 4096, 43, 1, 16 },
		{ SMMU_PGT_LPAE_S2, 4096, 44, 0, 1 },  { SMMU_PGT_LPAE_S2, 16384, 48, 1, 2 },
		{ SMMU_PGT_LPAE_S1, 16384, 48, 0, 1 }, { SMMU_PGT_LPAE_S2, 65536, 48, 1, 1 },
		{ SMMU_PGT_LPAE_S1, 65536, 52, 1, 1 }, { SMMU_PGT_LPAE_S2, 65536, 42, 2, 1 },
	};
	struct smmu_pgt_cfg bad[] = {
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 8192, .ias = 48 },
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 52 },
		{ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 48, .oas = 49 },
		/* SL0 = level 1 for a 48-bit 4K IPA would need 512 concatenated tables */
		{ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 48, .flags = SMMU_PGT_CFG_START_LEVEL,
		  .start_level = 1 },
		{ .fmt = SMMU_PGT_VTD_SL, .ias = 40 },
		{ .fmt = SMMU_PGT_VTD_FL, .ias = 39 },
	};
	struct smmu_pgt *p;
	struct smmu_pgt_geom g;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = mk(t[i].fmt, t[i].granule, t[i].ias, 0, 0);
		smmu_pgt_geometry(p, &g);
		ck_assert_msg(g.start_level == t[i].start && g.concat == t[i].concat,
			      "case %zu: start %d concat %u", i, g.start_level, g.concat);
		done(p);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(smmu_pgt_create(&bad[i], &mem, &talloc, &p), -EINVAL);
	/* An explicit SL0 with concatenation, as VTCR would give it. */
	struct smmu_pgt_cfg live = { .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 40,
				     .flags = SMMU_PGT_CFG_START_LEVEL, .start_level = 1 };
	ck_assert_int_eq(smmu_pgt_open_live(&live, &mem, RAM_BASE, &p), 0);
	smmu_pgt_geometry(p, &g);
	ck_assert_int_eq(g.concat, 2);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R), -EROFS);
	smmu_pgt_destroy(p);
}
END_TEST

/* --- trace, permissions, memory contents --------------------------------------- */

START_TEST(test_translate_trace)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 48, 0);
	static const char *const kinds[] = { "lpae.s1.table", "lpae.s1.table", "lpae.s1.table",
					     "lpae.s1.page" };
	struct smmu_pgt_xlate x;
	uint64_t iova = 0x123456789000ULL;

	ck_assert_int_eq(smmu_pgt_map(p, iova, 0x40000000ULL, SZ_4K,
				      SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_ATTR(2)), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, iova + 0x10, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.oa, 0x40000010ULL);
	ck_assert_uint_eq(x.nsteps, 4);
	ck_assert_uint_eq(x.step[0].table_pa, smmu_pgt_root(p));
	for (unsigned i = 0; i < 4; i++) {
		const struct smmu_desc *d;

		ck_assert_int_eq(x.step[i].level, (int)i);
		ck_assert_str_eq(x.step[i].kind, kinds[i]);
		ck_assert_uint_eq(x.step[i].index, (iova >> (39 - 9 * i)) & 511);
		ck_assert_uint_eq(x.step[i].entry_pa, x.step[i].table_pa + 8 * x.step[i].index);
		/* The trace shows what memory holds: map flushed its tables. */
		ck_assert_uint_eq(ram_q(x.step[i].entry_pa), x.step[i].pte);
		ck_assert_int_eq(smmu_decoder_find(x.step[i].kind, &d, NULL), 0);
	}
	/* AF, SH inner, AttrIndx, AP RW/EL0, nG, XN both; decoded by the decoder tables. */
	uint64_t pte = x.step[3].pte;
	const struct smmu_desc *d;
	uint64_t v;

	ck_assert_int_eq(smmu_decoder_find("lpae.s1.page", &d, NULL), 0);
	ck_assert_int_eq(smmu_decode_get(d, &pte, "AF", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(smmu_decode_get(d, &pte, "SH", &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(smmu_decode_get(d, &pte, "AttrIndx", &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(smmu_decode_get(d, &pte, "AP", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(smmu_decode_get(d, &pte, "UXN", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(smmu_decode_warnings(d, &pte), 0);
	ck_assert_uint_eq(x.prot, SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_ATTR(2));
	/* New tables are written whole, once; of an existing table (the root)
	 * only the entry that changed: create's root, the root entry, 3 tables.
	 * Built in place, the 3 new tables need no write at all. */
	ck_assert_uint_eq(ram.min_write, 8);
	ck_assert_uint_eq(ram.writes, mem.direct ? 2 : 5);
	done(p);
}
END_TEST

START_TEST(test_permissions)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 48, 0);
	struct smmu_pgt_xlate x;

	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_4K, SZ_4K, SZ_4K, SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_PRIV), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 2 * SZ_4K, 0, SZ_4K, SMMU_PROT_R | SMMU_PROT_X), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, 0, SMMU_PROT_W, &x), -EFAULT);
	ck_assert_int_eq(x.fault, SMMU_PGT_F_PERM);
	ck_assert_uint_eq(x.perm_missing, SMMU_PROT_W);
	ck_assert_int_eq(x.fault_level, 3);
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_X), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, SZ_4K, SMMU_PROT_R), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, SZ_4K, SMMU_PROT_W | SMMU_PROT_PRIV), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_4K, SMMU_PROT_X), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_4K, SMMU_PROT_X | SMMU_PROT_PRIV), SMMU_PGT_OK);
	/* stage 1 always allows reads: no execute-only */
	ck_assert_int_eq(smmu_pgt_map(p, 4 * SZ_4K, 0, SZ_4K, SMMU_PROT_X), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 4 * SZ_4K, 0, SZ_4K, SMMU_PROT_PRIV), -EINVAL);
	done(p);

	p = mk(SMMU_PGT_LPAE_S2, 4096, 40, 48, 0);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M, 0, SZ_2M, SMMU_PROT_R | SMMU_PROT_DEVICE), 0);
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_W), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_R), SMMU_PGT_F_PERM);
	ck_assert_int_eq(smmu_pgt_translate(p, SZ_2M + 8, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.prot, SMMU_PROT_R | SMMU_PROT_DEVICE);
	ck_assert_uint_eq(x.page_size, SZ_2M);
	ck_assert_str_eq(x.step[x.nsteps - 1].kind, "lpae.s2.block");
	/* stage 2 execute-only: S2AP = 00, XN = 0; reads and writes fault */
	ck_assert_int_eq(smmu_pgt_map(p, 8 * SZ_4K, 0, SZ_4K, SMMU_PROT_X), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, 8 * SZ_4K, SMMU_PROT_X, &x), 0);
	ck_assert_uint_eq(x.prot, SMMU_PROT_X);
	ck_assert_uint_eq(x.step[x.nsteps - 1].pte & 0x600000000000c0ULL, 0); /* S2AP, XN */
	ck_assert_int_eq(xlate_fault(p, 8 * SZ_4K, SMMU_PROT_R), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, 8 * SZ_4K, SMMU_PROT_W), SMMU_PGT_F_PERM);
	/* stage 2 has no privileged-only: refused, nothing mapped */
	ck_assert_int_eq(smmu_pgt_map(p, 9 * SZ_4K, 0, SZ_4K, SMMU_PROT_R | SMMU_PROT_PRIV), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 9 * SZ_4K, 0, SZ_4K, SMMU_PROT_X | SMMU_PROT_PRIV), -SMMU_E_PROT);
	ck_assert_int_eq(xlate_fault(p, 9 * SZ_4K, SMMU_PROT_R), SMMU_PGT_F_INVALID);
	done(p);

	/* VT-d second level: present means R or W, and there is no U/S bit */
	p = mk(SMMU_PGT_VTD_SL, 0, 48, 46, SMMU_PGT_CFG_EXEC);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_X), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R | SMMU_PROT_PRIV), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R | SMMU_PROT_X), 0);
	done(p);
	/* VT-d first level: U/S exists, execute-only does not */
	p = mk(SMMU_PGT_VTD_FL, 0, 48, 46, 0);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_X), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R | SMMU_PROT_PRIV), 0);
	done(p);
}
END_TEST

/* --- map rejections leave everything as it was -------------------------------------- */

START_TEST(test_map_rejects)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 39, 40, SMMU_PGT_CFG_DEFER_FLUSH);
	unsigned rw = SMMU_PROT_R | SMMU_PROT_W;
	uint8_t *before = malloc(RAM_SIZE);
	uint64_t used;

	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M + SZ_4K, 0x1000000, SZ_4K, rw), 0);
	/* Deferred: memory still has the empty root until the flush. */
	ck_assert_uint_eq(ram_q(smmu_pgt_root(p)), 0);
	ck_assert_int_eq(smmu_pgt_flush(p), 0);
	ck_assert_uint_ne(ram_q(smmu_pgt_root(p)), 0);
	memcpy(before, ram.buf, RAM_SIZE);
	used = smmu_region_in_use(&region);

	ck_assert_int_eq(smmu_pgt_map(p, 0x800, 0, SZ_4K, rw), -EINVAL);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0x800, SZ_4K, rw), -EINVAL);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, 0x1800, rw), -EINVAL);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, 0, rw), -EINVAL);
	ck_assert_int_eq(smmu_pgt_map(p, 1ULL << 39, 0, SZ_4K, rw), -ERANGE);
	ck_assert_int_eq(smmu_pgt_map(p, (1ULL << 39) - SZ_4K, 0, 2 * SZ_4K, rw), -ERANGE);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 1ULL << 40, SZ_4K, rw), -ERANGE);
	/* Overlaps: a 4M range over the page, and a block over it; the first
	 * pages of the range would be free, so nothing may be written first. */
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, 2 * SZ_2M, rw), -EEXIST);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M, 0, SZ_2M, rw), -EEXIST);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M + SZ_4K, 0, SZ_4K, rw), -EEXIST);
	ck_assert_int_eq(smmu_pgt_flush(p), 0);
	ck_assert_int_eq(memcmp(before, ram.buf, RAM_SIZE), 0);
	ck_assert_uint_eq(smmu_region_in_use(&region), used);
	free(before);
	done(p);
}
END_TEST

START_TEST(test_map_enomem)
{
	struct smmu_region small;
	struct smmu_table_alloc sa;
	struct smmu_pgt_cfg cfg = { .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 48 };
	struct smmu_pgt *p;
	struct smmu_pgt_xlate x;

	/* Root + 3 tables fit; a map needing two more level-3 tables does not. */
	ck_assert_int_eq(smmu_region_alloc_init(&small, RAM_BASE + RAM_SIZE / 2, 5 * SZ_4K, SZ_4K, &sa), 0);
	ck_assert_int_eq(smmu_pgt_create(&cfg, &mem, &sa, &p), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_uint_eq(smmu_region_in_use(&small), 4 * SZ_4K);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M, 0, 2 * SZ_2M, SMMU_PROT_R | SMMU_MAP_PAGES), -ENOMEM);
	ck_assert_uint_eq(smmu_region_in_use(&small), 4 * SZ_4K);
	ck_assert_int_eq(smmu_pgt_translate(p, SZ_2M, 0, &x), -EFAULT);
	/* The same as one 4M block pair needs no table at all. */
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M, 0, 2 * SZ_2M, SMMU_PROT_R), 0);
	smmu_pgt_destroy(p);
	ck_assert_uint_eq(smmu_region_in_use(&small), 0);
	smmu_region_alloc_fini(&small);
}
END_TEST

/* --- unmap: splits, holes, freeing --------------------------------------------------- */

struct ranges {
	unsigned n;
	struct smmu_pgt_range r[16];
};

static int collect(void *arg, const struct smmu_pgt_range *r)
{
	struct ranges *rs = arg;

	if (rs->n < 16)
		rs->r[rs->n] = *r;
	rs->n++;
	return 0;
}

START_TEST(test_unmap_split)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 48, 0);
	unsigned rw = SMMU_PROT_R | SMMU_PROT_W;
	struct ranges rs = { 0 };
	uint64_t n, pa = 0x200000000ULL;

	/* A 1G block; punch 4K out of its middle: 1G -> 2M blocks -> 4K pages. */
	ck_assert_int_eq(smmu_pgt_map(p, SZ_1G, pa, SZ_1G, rw), 0);
	ck_assert_uint_eq(smmu_region_in_use(&region), 2 * SZ_4K); /* root and level 1 */
	ck_assert_int_eq(smmu_pgt_unmap(p, SZ_1G + 0x12345000, SZ_4K, &n), 0);
	ck_assert_uint_eq(n, SZ_4K);
	ck_assert_int_eq(xlate_fault(p, SZ_1G + 0x12345000, 0), SMMU_PGT_F_INVALID);
	ck_assert_uint_eq(xlate_oa(p, SZ_1G + 0x12344000, 0), pa + 0x12344000);
	ck_assert_uint_eq(xlate_oa(p, SZ_1G + 0x12346000, 0), pa + 0x12346000);
	ck_assert_uint_eq(xlate_oa(p, SZ_1G + 0x32346008, 0), pa + 0x32346008);
	/* The list still sees two ranges, coalesced across block sizes. */
	ck_assert_int_eq(smmu_pgt_list(p, 0, 0, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_uint_eq(rs.r[0].iova, SZ_1G);
	ck_assert_uint_eq(rs.r[0].size, 0x12345000);
	ck_assert_uint_eq(rs.r[1].iova, SZ_1G + 0x12346000);
	ck_assert_uint_eq(rs.r[1].pa, pa + 0x12346000);
	ck_assert_uint_eq(rs.r[1].size, SZ_1G - 0x12346000);
	ck_assert_uint_eq(rs.r[0].prot, rw);
	/* Unmapping across a 2M boundary, and a range partly mapped. */
	ck_assert_int_eq(smmu_pgt_unmap(p, SZ_1G + SZ_2M - SZ_4K, 2 * SZ_4K, &n), 0);
	ck_assert_uint_eq(n, 2 * SZ_4K);
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, SZ_1G + SZ_4K, &n), 0);
	ck_assert_uint_eq(n, SZ_4K);
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, 1ULL << 48, &n), 0);
	ck_assert_uint_eq(n, SZ_1G - 4 * SZ_4K);
	/* Emptied tables are gone: only the root is left. */
	ck_assert_uint_eq(smmu_region_in_use(&region), SZ_4K);
	ck_assert_uint_eq(ram_q(smmu_pgt_root(p)), 0);
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, SZ_1G, &n), 0);
	ck_assert_uint_eq(n, 0);
	done(p);
}
END_TEST

START_TEST(test_unmap_split_granules)
{
	/* 16K: a 32M block split into pages; 64K: 512M into pages. */
	static const unsigned g[] = { 16384, 65536 };
	static const uint64_t blk[] = { 32ULL << 20, 512ULL << 20 };

	for (unsigned i = 0; i < 2; i++) {
		struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S2, g[i], 40, 40, 0);
		uint64_t n;

		ck_assert_int_eq(smmu_pgt_map(p, blk[i], 0, blk[i], SMMU_PROT_R), 0);
		ck_assert_int_eq(smmu_pgt_unmap(p, blk[i] + g[i], blk[i] - 2 * g[i], &n), 0);
		ck_assert_uint_eq(n, blk[i] - 2 * g[i]);
		ck_assert_uint_eq(xlate_oa(p, blk[i], SMMU_PROT_R), 0);
		ck_assert_uint_eq(xlate_oa(p, 2 * blk[i] - 8, SMMU_PROT_R), blk[i] - 8);
		ck_assert_int_eq(xlate_fault(p, blk[i] + g[i], SMMU_PROT_R), SMMU_PGT_F_INVALID);
		done(p);
	}
}
END_TEST

START_TEST(test_list_coalesce)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 48, 0);
	struct ranges rs = { 0 };

	ck_assert_int_eq(smmu_pgt_map(p, 0, SZ_1G, 16 * SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 16 * SZ_4K, SZ_1G + 16 * SZ_4K, 16 * SZ_4K, SMMU_PROT_R), 0);
	/* Different permissions, then discontiguous output. */
	ck_assert_int_eq(smmu_pgt_map(p, 32 * SZ_4K, SZ_1G + 32 * SZ_4K, SZ_4K, SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 33 * SZ_4K, 0, SZ_4K, SMMU_PROT_W), 0);
	/* A 2M block right after 2M of pages, contiguous. */
	ck_assert_int_eq(smmu_pgt_map(p, SZ_1G - SZ_2M, 0x40000000, SZ_2M, SMMU_PROT_R | SMMU_MAP_PAGES), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_1G, 0x40200000, SZ_2M, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_list(p, 0, 0, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 4);
	ck_assert_uint_eq(rs.r[0].size, 32 * SZ_4K);
	ck_assert_uint_eq(rs.r[1].prot, SMMU_PROT_R | SMMU_PROT_W);
	ck_assert_uint_eq(rs.r[2].pa, 0);
	ck_assert_uint_eq(rs.r[3].iova, SZ_1G - SZ_2M);
	ck_assert_uint_eq(rs.r[3].size, 2 * SZ_2M);
	/* A range clips the block it cuts. */
	rs.n = 0;
	ck_assert_int_eq(smmu_pgt_list(p, SZ_1G + SZ_4K, SZ_4K, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_uint_eq(rs.r[0].pa, 0x40201000);
	ck_assert_uint_eq(rs.r[0].size, SZ_4K);
	done(p);
}
END_TEST

START_TEST(test_lpa_52bit)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 65536, 52, 52, 0);
	uint64_t iova = (1ULL << 52) - SZ_64K, pa = 0xabcde00000000ULL;
	struct smmu_pgt_xlate x;

	ck_assert_int_eq(smmu_pgt_map(p, iova, pa, SZ_64K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, iova + 0x100, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.oa, pa + 0x100);
	/* OA[51:48] = 0xa sits in descriptor bits [15:12]. */
	ck_assert_uint_eq((x.step[x.nsteps - 1].pte >> 12) & 0xf, 0xa);
	ck_assert_uint_eq(x.nsteps, 3);
	done(p);
}
END_TEST

/* --- VT-d ------------------------------------------------------------------------ */

static void vtd_roundtrip(enum smmu_pgt_format fmt, unsigned ias, unsigned flags)
{
	struct smmu_pgt *p = mk(fmt, 0, ias, 46, flags);
	struct smmu_pgt_geom g;
	struct smmu_pgt_xlate x;
	unsigned rw = SMMU_PROT_R | SMMU_PROT_W;
	uint64_t n, top = fmt == SMMU_PGT_VTD_FL ? (1ULL << (ias - 1)) : (1ULL << ias);
	bool big = flags & SMMU_PGT_CFG_1G;

	smmu_pgt_geometry(p, &g);
	ck_assert_uint_eq(g.levels, (ias - 12) / 9);
	ck_assert_int_eq(g.start_level, (int)g.levels);
	ck_assert_int_eq(smmu_pgt_map(p, 0, SZ_1G, SZ_4K, rw), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_2M, 2 * SZ_1G, SZ_2M, rw), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_1G, 4 * SZ_1G, SZ_1G, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_map(p, top - SZ_1G, SZ_1G, SZ_1G, rw), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, 0x10, SMMU_PROT_W, &x), 0);
	ck_assert_uint_eq(x.oa, SZ_1G + 0x10);
	ck_assert_uint_eq(x.nsteps, g.levels);
	ck_assert_int_eq(x.step[x.nsteps - 1].level, 1);
	ck_assert_str_eq(x.step[0].kind, fmt == SMMU_PGT_VTD_FL ? "vtd.fl.pte" : "vtd.sl.pte");
	ck_assert_int_eq(smmu_pgt_translate(p, SZ_2M + 0x1234, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.page_size, (flags || fmt == SMMU_PGT_VTD_FL) ? SZ_2M : SZ_4K);
	ck_assert_int_eq(smmu_pgt_translate(p, SZ_1G + SZ_2M + 8, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.oa, 4 * SZ_1G + SZ_2M + 8);
	ck_assert_uint_eq(x.page_size, big ? SZ_1G : (fmt == SMMU_PGT_VTD_FL || flags) ? SZ_2M : SZ_4K);
	ck_assert_int_eq(xlate_fault(p, SZ_1G, SMMU_PROT_W), SMMU_PGT_F_PERM);
	ck_assert_uint_eq(xlate_oa(p, top - 8, SMMU_PROT_W), 2 * SZ_1G - 8);
	ck_assert_int_eq(smmu_pgt_map(p, 0, 0, 1ULL << 38, rw), -EEXIST);
	ck_assert_int_eq(smmu_pgt_unmap(p, SZ_1G + SZ_4K, SZ_4K, &n), 0);
	ck_assert_uint_eq(n, SZ_4K);
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, top, &n), 0);
	ck_assert_uint_eq(n, SZ_4K + SZ_2M + 2 * SZ_1G - SZ_4K);
	ck_assert_uint_eq(smmu_region_in_use(&region), SZ_4K);
	done(p);
}

START_TEST(test_vtd_levels)
{
	static const unsigned sl[] = { 39, 48, 57 }, fl[] = { 48, 57 };
	static const unsigned slflags[] = { 0, SMMU_PGT_CFG_2M, SMMU_PGT_CFG_1G };

	for (unsigned i = 0; i < 3; i++)
		for (unsigned f = 0; f < 3; f++)
			vtd_roundtrip(SMMU_PGT_VTD_SL, sl[i], slflags[f]);
	for (unsigned i = 0; i < 2; i++) {
		vtd_roundtrip(SMMU_PGT_VTD_FL, fl[i], 0);
		vtd_roundtrip(SMMU_PGT_VTD_FL, fl[i], SMMU_PGT_CFG_1G);
	}
}
END_TEST

START_TEST(test_vtd_fl_canonical)
{
	struct smmu_pgt *p = mk(SMMU_PGT_VTD_FL, 0, 48, 46, 0);
	uint64_t hi = 0xffff800000000000ULL;
	struct ranges rs = { 0 };
	struct smmu_pgt_xlate x;

	ck_assert_int_eq(smmu_pgt_map(p, hi, SZ_1G, SZ_2M, SMMU_PROT_R | SMMU_PROT_PRIV), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 0x0000800000000000ULL, 0, SZ_4K, SMMU_PROT_R), -ERANGE);
	ck_assert_int_eq(smmu_pgt_map(p, 0x00007ffffffff000ULL, 0, 2 * SZ_4K, SMMU_PROT_R), -ERANGE);
	ck_assert_int_eq(smmu_pgt_translate(p, hi + 0x42, SMMU_PROT_R | SMMU_PROT_PRIV, &x), 0);
	ck_assert_uint_eq(x.oa, SZ_1G + 0x42);
	ck_assert_uint_eq(x.step[0].index, 256);
	ck_assert_int_eq(xlate_fault(p, hi, SMMU_PROT_R), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, 0x0000900000000000ULL, 0), SMMU_PGT_F_INPUT_RANGE);
	ck_assert_int_eq(smmu_pgt_list(p, 0, 0, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_uint_eq(rs.r[0].iova, hi);
	ck_assert_uint_eq(rs.r[0].prot, SMMU_PROT_R | SMMU_PROT_PRIV);
	done(p);
}
END_TEST

/* --- live tables, hostile tables ------------------------------------------------- */

struct wlog {
	unsigned entries, status[SMMU_PGT_F_MAX];
};

static int wvisit(void *arg, const struct smmu_pgt_entry *e)
{
	struct wlog *w = arg;

	w->entries++;
	w->status[e->status]++;
	return 0;
}

static struct smmu_pgt *live(enum smmu_pgt_format fmt, unsigned ias, uint64_t root)
{
	struct smmu_pgt_cfg cfg = { .fmt = fmt, .granule = 4096, .ias = ias, .oas = 44 };
	struct smmu_pgt *p;

	ck_assert_int_eq(smmu_pgt_open_live(&cfg, &mem, root, &p), 0);
	return p;
}

#define T(n) (RAM_BASE + (uint64_t)(n) * SZ_4K) /* hand-placed table n */
#define S1_TABLE(pa) ((pa) | 3)
#define S1_PAGE(pa) ((pa) | 3 | 1 << 10 | 1 << 6)

START_TEST(test_live_matches_owned)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 44, 0), *l;
	struct ranges a = { 0 }, b = { 0 };

	ck_assert_int_eq(smmu_pgt_map(p, 0x7f0000000000ULL, SZ_1G, 3 * SZ_2M, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_4K, 0, SZ_4K, SMMU_PROT_W | SMMU_PROT_X), 0);
	l = live(SMMU_PGT_LPAE_S1, 48, smmu_pgt_root(p));
	ck_assert_int_eq(smmu_pgt_list(p, 0, 0, collect, &a, NULL), 0);
	ck_assert_int_eq(smmu_pgt_list(l, 0, 0, collect, &b, NULL), 0);
	ck_assert_uint_eq(a.n, 2);
	for (unsigned i = 0; i < a.n; i++) {
		ck_assert_uint_eq(a.r[i].iova, b.r[i].iova);
		ck_assert_uint_eq(a.r[i].pa, b.r[i].pa);
		ck_assert_uint_eq(a.r[i].size, b.r[i].size);
		ck_assert_uint_eq(a.r[i].prot, b.r[i].prot);
	}
	/* Live handles read fresh: a change in memory shows at once. */
	ck_assert_uint_eq(xlate_oa(l, SZ_4K, SMMU_PROT_W), 0);
	struct smmu_pgt_xlate x;
	ck_assert_int_eq(smmu_pgt_translate(l, SZ_4K, 0, &x), 0);
	ram_set(x.step[3].entry_pa, 0);
	ck_assert_int_eq(xlate_fault(l, SZ_4K, 0), SMMU_PGT_F_INVALID);
	ck_assert_int_eq(smmu_pgt_unmap(l, 0, SZ_4K, NULL), -EROFS);
	smmu_pgt_destroy(l);
	done(p);
}
END_TEST

START_TEST(test_hostile_self_loop)
{
	struct smmu_pgt *p = live(SMMU_PGT_LPAE_S1, 48, T(0));
	struct smmu_pgt_walk_stats st;
	struct wlog w = { 0 };
	struct smmu_pgt_xlate x;

	ram_set(T(0), S1_TABLE(T(0)));          /* the root points to itself */
	ram_set(T(0) + 8, S1_TABLE(T(1)));      /* a second path: L1 -> L2 -> back to root */
	ram_set(T(1), S1_TABLE(T(2)));
	ram_set(T(2), S1_TABLE(T(0)));
	/* A translation walks exactly as the hardware does: the root read as
	 * each level in turn, its entry 0 finally a Page (type 0b11 at level 3)
	 * whose AF is clear.  Only the walk calls it a loop. */
	ck_assert_int_eq(smmu_pgt_translate(p, 0, SMMU_PROT_R, &x), -EFAULT);
	ck_assert_int_eq(x.fault, SMMU_PGT_F_ACCESS);
	ck_assert_int_eq(x.fault_level, 3);
	ck_assert_uint_eq(x.nsteps, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(x.step[i].table_pa, T(0));
	ck_assert_int_eq(xlate_fault(p, 1ULL << 39, SMMU_PROT_R), SMMU_PGT_F_ACCESS);
	ck_assert_int_eq(smmu_pgt_walk(p, 0, 0, 0, 0, wvisit, &w, &st), -SMMU_E_LOOP);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_LOOP], 2);
	ck_assert_uint_eq(w.status[SMMU_PGT_F_LOOP], 2);
	ck_assert_uint_eq(st.tables, 3);
	smmu_pgt_destroy(p);
}
END_TEST

START_TEST(test_hostile_alias)
{
	struct smmu_pgt *p = live(SMMU_PGT_LPAE_S1, 48, T(0));
	struct smmu_pgt_walk_stats st;
	struct wlog w = { 0 };
	struct ranges rs = { 0 };

	ram_set(T(0), S1_TABLE(T(1)));
	ram_set(T(0) + 8, S1_TABLE(T(1)));      /* two entries, one table */
	ram_set(T(1), S1_TABLE(T(2)));
	ram_set(T(2), S1_TABLE(T(3)));
	ram_set(T(3), S1_PAGE(0x5000));
	ck_assert_uint_eq(xlate_oa(p, 0, SMMU_PROT_R), 0x5000);
	ck_assert_uint_eq(xlate_oa(p, 1ULL << 39, SMMU_PROT_R), 0x5000);
	ck_assert_int_eq(smmu_pgt_walk(p, 0, 0, 0, 0, wvisit, &w, &st), 0);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_ALIAS], 1);
	ck_assert_uint_eq(st.leaves, 1);
	ck_assert_int_eq(smmu_pgt_list(p, 0, 0, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 1);
	smmu_pgt_destroy(p);
}
END_TEST

START_TEST(test_hostile_outside_and_reserved)
{
	struct smmu_pgt *p = live(SMMU_PGT_LPAE_S1, 48, T(0)), *q;
	struct smmu_pgt_walk_stats st;
	struct wlog w = { 0 };
	struct smmu_pgt_xlate x;

	ram_set(T(0), S1_TABLE(0x10000000ULL)); /* below RAM */
	ram_set(T(0) + 8, S1_TABLE(T(1)));
	ram_set(T(1), S1_TABLE(T(2)));
	ram_set(T(2), S1_TABLE(T(3)));
	ram_set(T(3), S1_PAGE(0x5000) | 1ULL << 48);  /* OA[51:48] beyond a 48-bit OA */
	ram_set(T(3) + 8, S1_PAGE(0x6000) & ~(1ULL << 10)); /* AF = 0 */
	ram_set(T(3) + 16, S1_PAGE(1ULL << 45));        /* beyond the 44-bit OAS */
	ram_set(T(2) + 8, S1_TABLE(T(4)) | 1ULL << 50); /* table bits [51:48] */
	ram_set(T(3) + 24, 1);                           /* a Block at level 3: reserved */
	ck_assert_int_eq(smmu_pgt_translate(p, 0, SMMU_PROT_R, &x), -EFAULT);
	ck_assert_int_eq(x.fault, SMMU_PGT_F_TABLE_READ);
	ck_assert_uint_eq(x.nsteps, 2);
	ck_assert_int_eq(x.fault_level, 1);
	ck_assert_int_eq(xlate_fault(p, 1ULL << 39, SMMU_PROT_R), SMMU_PGT_F_ADDR_SIZE);
	ck_assert_int_eq(xlate_fault(p, (1ULL << 39) + SZ_4K, SMMU_PROT_R), SMMU_PGT_F_ACCESS);
	ck_assert_int_eq(xlate_fault(p, (1ULL << 39) + 2 * SZ_4K, SMMU_PROT_R), SMMU_PGT_F_ADDR_SIZE);
	ck_assert_int_eq(xlate_fault(p, (1ULL << 39) + 3 * SZ_4K, SMMU_PROT_R), SMMU_PGT_F_RESERVED);
	ck_assert_int_eq(xlate_fault(p, (1ULL << 39) + SZ_2M, SMMU_PROT_R), SMMU_PGT_F_ADDR_SIZE);
	ck_assert_int_eq(xlate_fault(p, 1ULL << 48, SMMU_PROT_R), SMMU_PGT_F_INPUT_RANGE);
	ck_assert_int_eq(smmu_pgt_walk(p, 0, 0, 0, 0, wvisit, &w, &st), 0);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_TABLE_READ], 1);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_RESERVED], 1);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_ACCESS], 1);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_ADDR_SIZE], 3);
	/* A budget that runs out ends the walk, never hangs it. */
	ck_assert_int_eq(smmu_pgt_walk(p, 0, 0, 0, 100, wvisit, &w, &st), -SMMU_E_LOOP);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_BUDGET], 1);
	smmu_pgt_destroy(p);
	/* A root outside memory. */
	q = live(SMMU_PGT_LPAE_S2, 40, 0x1000);
	ck_assert_int_eq(xlate_fault(q, 0, SMMU_PROT_R), SMMU_PGT_F_TABLE_READ);
	ck_assert_int_eq(smmu_pgt_walk(q, 0, 0, 0, 0, wvisit, &w, &st), 0);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_TABLE_READ], 1);
	smmu_pgt_destroy(q);
}
END_TEST

/* VMSAv8-32 long descriptors (SMMU_PGT_CFG_AARCH32): geometry bounds, the
 * 40-bit output, and AArch32 execute permissions, owned and live. */
static struct smmu_pgt *live32(enum smmu_pgt_format fmt, unsigned ias, int start, uint64_t root)
{
	struct smmu_pgt_cfg cfg = { .fmt = fmt, .granule = 4096, .ias = ias,
				    .flags = SMMU_PGT_CFG_AARCH32 | (start ? SMMU_PGT_CFG_START_LEVEL : 0),
				    .start_level = start };
	struct smmu_pgt *p;

	ck_assert_int_eq(smmu_pgt_open_live(&cfg, &mem, root, &p), 0);
	return p;
}

START_TEST(test_aarch32_format)
{
	const unsigned a32 = SMMU_PGT_CFG_AARCH32, sl = SMMU_PGT_CFG_START_LEVEL;
	struct smmu_pgt_cfg bad[] = {
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 33, .flags = a32 },    /* VA is 32 bits */
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 24, .flags = a32 },    /* T0SZ at most 7 */
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 16384, .ias = 32, .flags = a32 },   /* 4K only */
		{ .fmt = SMMU_PGT_LPAE_S1, .granule = 4096, .ias = 32, .oas = 44, .flags = a32 },
		{ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 41, .flags = a32 },    /* IPA is 40 bits */
		{ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 40, .flags = a32 | sl, .start_level = 0 },
		{ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = 40, .flags = a32 | sl, .start_level = 2 },
	};
	struct smmu_pgt_geom g;
	struct smmu_pgt_xlate x;
	struct smmu_pgt *p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(smmu_pgt_create(&bad[i], &mem, &talloc, &p) == -EINVAL, "case %zu", i);
	/* TTBCR.T0SZ 0: level 1 (4 entries); 2: level 2; VTCR 40-bit: 2 level-1 tables */
	p = mk(SMMU_PGT_LPAE_S1, 4096, 32, 0, a32);
	smmu_pgt_geometry(p, &g);
	ck_assert(g.start_level == 1 && g.oas == 40 && g.root_size == 32);
	done(p);
	p = mk(SMMU_PGT_LPAE_S1, 4096, 30, 0, a32);
	smmu_pgt_geometry(p, &g);
	ck_assert_int_eq(g.start_level, 2);
	done(p);
	p = mk(SMMU_PGT_LPAE_S2, 4096, 40, 0, a32);
	smmu_pgt_geometry(p, &g);
	ck_assert(g.start_level == 1 && g.concat == 2);
	done(p);

	/* owned stage 1: no execution, PL1-only execution (no PL0 read: no
	 * PL0 execution, and bit 54 stays clear), execution for both */
	p = mk(SMMU_PGT_LPAE_S1, 4096, 32, 0, a32);
	ck_assert_int_eq(smmu_pgt_map(p, 0, RAM_BASE, SZ_4K, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_pgt_map(p, SZ_4K, RAM_BASE, SZ_4K, SMMU_PROT_R | SMMU_PROT_X | SMMU_PROT_PRIV), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 2 * SZ_4K, RAM_BASE, SZ_4K, SMMU_PROT_R | SMMU_PROT_X), 0);
	ck_assert_int_eq(smmu_pgt_map(p, 3 * SZ_4K, 1ULL << 40, SZ_4K, SMMU_PROT_R), -ERANGE);
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_X), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_X | SMMU_PROT_PRIV), SMMU_PGT_F_PERM);
	ck_assert_int_eq(smmu_pgt_translate(p, SZ_4K, SMMU_PROT_X | SMMU_PROT_PRIV, &x), 0);
	ck_assert_uint_eq(x.step[x.nsteps - 1].pte >> 54 & 1, 0);
	ck_assert_int_eq(xlate_fault(p, SZ_4K, SMMU_PROT_X), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_4K, SMMU_PROT_X), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 1ULL << 32, SMMU_PROT_R), SMMU_PGT_F_INPUT_RANGE);
	done(p);
	/* owned stage 2: no execute-only */
	p = mk(SMMU_PGT_LPAE_S2, 4096, 40, 0, a32);
	ck_assert_int_eq(smmu_pgt_map(p, 0, RAM_BASE, SZ_4K, SMMU_PROT_X), -SMMU_E_PROT);
	ck_assert_int_eq(smmu_pgt_map(p, 1ULL << 39, RAM_BASE, SZ_4K, SMMU_PROT_R | SMMU_PROT_X), 0);
	ck_assert_uint_eq(xlate_oa(p, (1ULL << 39) | 0x18, SMMU_PROT_X), RAM_BASE | 0x18);
	done(p);

	/* live stage 1, T0SZ 0: level 1 -> level 2 -> pages */
	ram_set(T(0), S1_TABLE(T(1)));
	ram_set(T(1), S1_TABLE(T(2)));
	ram_set(T(2), S1_PAGE(0x5000) | 1ULL << 40);               /* OA[40]: Address size */
	ram_set(T(2) + 8, S1_PAGE(0x5000) | 1ULL << 48);           /* [51:48]: ignored */
	ram_set(T(2) + 16, S1_PAGE(0x5000) | 3ULL << 6 | 1ULL << 54); /* read-only, XN */
	ram_set(T(2) + 24, (S1_PAGE(0x5000) & ~(3ULL << 6)));       /* PL1 only */
	ram_set(T(0) + 8, S1_TABLE(T(3)) | 1ULL << 60);             /* XNTable over [1G, 2G) */
	ram_set(T(3), (0x40000000ULL | 1 | 1 << 10 | 1 << 6));      /* a 2M block */
	p = live32(SMMU_PGT_LPAE_S1, 32, 0, T(0));
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_R), SMMU_PGT_F_ADDR_SIZE);
	ck_assert_uint_eq(xlate_oa(p, SZ_4K + 8, SMMU_PROT_R), 0x5008);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_4K, SMMU_PROT_R), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 2 * SZ_4K, SMMU_PROT_X | SMMU_PROT_PRIV), SMMU_PGT_F_PERM);
	ck_assert_int_eq(xlate_fault(p, 3 * SZ_4K, SMMU_PROT_X | SMMU_PROT_PRIV), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, 3 * SZ_4K, SMMU_PROT_X), SMMU_PGT_F_PERM);
	ck_assert_uint_eq(xlate_oa(p, SZ_1G + 0x10, SMMU_PROT_R), 0x40000010ULL);
	ck_assert_int_eq(xlate_fault(p, SZ_1G, SMMU_PROT_X | SMMU_PROT_PRIV), SMMU_PGT_F_PERM);
	smmu_pgt_destroy(p);
	/* live stage 2 from level 2 (VTCR.SL0 0): bit 53 is RES0, S2AP 00 never executes */
	ram_set(T(4), S1_TABLE(T(5)));
	ram_set(T(5), (0x7000 | 3 | 1 << 10 | 1 << 6 | 1ULL << 53));
	ram_set(T(5) + 8, (0x7000 | 3 | 1 << 10));
	p = live32(SMMU_PGT_LPAE_S2, 30, 2, T(4));
	ck_assert_int_eq(xlate_fault(p, 0, SMMU_PROT_X), SMMU_PGT_OK);
	ck_assert_int_eq(xlate_fault(p, SZ_4K, SMMU_PROT_X), SMMU_PGT_F_PERM);
	smmu_pgt_destroy(p);
}
END_TEST

/* VT-d second level without snoop control (ECAP.SC = 0): SNP (bit 11) is
 * reserved in leaves too (found by the sample against QEMU 7.2). */
START_TEST(test_vtd_snp_needs_snoop_control)
{
	struct smmu_pgt_cfg cfg = { .fmt = SMMU_PGT_VTD_SL, .ias = 39, .oas = 39 };
	struct smmu_pgt *p;

	ram_set(T(0), T(1) | 3);
	ram_set(T(1), T(2) | 3);
	ram_set(T(2), 0x5000 | 3 | 1 << 11);
	ck_assert_int_eq(smmu_pgt_open_live(&cfg, &mem, T(0), &p), 0);
	ck_assert_uint_eq(xlate_oa(p, 0x8, SMMU_PROT_R), 0x5008);
	smmu_pgt_destroy(p);
	cfg.flags = SMMU_PGT_CFG_NO_SNOOP;
	ck_assert_int_eq(smmu_pgt_open_live(&cfg, &mem, T(0), &p), 0);
	ck_assert_int_eq(xlate_fault(p, 0x8, SMMU_PROT_R), SMMU_PGT_F_RESERVED);
	smmu_pgt_destroy(p);
}
END_TEST

START_TEST(test_hostile_vtd)
{
	struct smmu_pgt *p = live(SMMU_PGT_VTD_SL, 48, T(0));
	struct smmu_pgt_walk_stats st;
	struct wlog w = { 0 };
	struct smmu_pgt_xlate x;

	ram_set(T(0), T(0) | 3);              /* SL-PML4E pointing to its own table */
	ram_set(T(0) + 8, T(1) | 3 | 1 << 7); /* PS in a PML4E: reserved */
	ram_set(T(0) + 16, (1ULL << 50) | 3); /* above HAW (44) */
	/* The hardware reads T(0) as PML4, PDPT, PD and PT: entry 0 is finally
	 * a 4K page at T(0) itself. */
	ck_assert_int_eq(smmu_pgt_translate(p, 0, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.nsteps, 4);
	ck_assert_uint_eq(x.oa, T(0));
	ck_assert_int_eq(xlate_fault(p, 1ULL << 39, SMMU_PROT_R), SMMU_PGT_F_RESERVED);
	ck_assert_int_eq(xlate_fault(p, 2ULL << 39, SMMU_PROT_R), SMMU_PGT_F_RESERVED);
	ck_assert_int_eq(smmu_pgt_walk(p, 0, 0, 0, 0, wvisit, &w, &st), -SMMU_E_LOOP);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_LOOP], 1);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_RESERVED], 2);
	smmu_pgt_destroy(p);
}
END_TEST

/* Random map/unmap against a model of every 4K page; memory checked through a live handle. */
#define WIN_PAGES 16384 /* 64 MiB */

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state % n;
}

static void model_check(struct smmu_pgt *p, struct smmu_pgt *l, const uint64_t *model)
{
	struct smmu_pgt_walk_stats st;
	struct ranges rs = { 0 };
	unsigned expect = 0;

	for (unsigned i = 0; i < WIN_PAGES; i++) {
		struct smmu_pgt_xlate x;
		int rc = smmu_pgt_translate(i % 2 ? p : l, (uint64_t)i << 12, 0, &x);

		if (model[i]) {
			ck_assert_msg(rc == 0 && x.oa == model[i] - 1, "page %u", i);
		} else {
			ck_assert_int_eq(rc, -EFAULT);
			ck_assert_int_eq(x.fault, SMMU_PGT_F_INVALID);
		}
		if (model[i] && (!i || model[i - 1] != model[i] - SZ_4K))
			expect++;
	}
	/* Memory holds what the cache holds: the live view coalesces the same ranges. */
	ck_assert_int_eq(smmu_pgt_list(l, 0, 0, collect, &rs, &st), 0);
	ck_assert_uint_eq(rs.n, expect);
	ck_assert_uint_eq(st.count[SMMU_PGT_F_ALIAS] + st.count[SMMU_PGT_F_LOOP], 0);
}

START_TEST(test_random_model)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 39, 40, 0);
	struct smmu_pgt *l = live(SMMU_PGT_LPAE_S1, 39, smmu_pgt_root(p));
	uint64_t *model = calloc(WIN_PAGES, sizeof(*model)), n;

	for (unsigned op = 0; op < 3000; op++) {
		bool big = rnd(2);
		uint64_t align = big ? 512 : 1;
		uint64_t first = rnd(WIN_PAGES / align) * align;
		uint64_t count = 1 + rnd(big ? 3 * 512 : 64), mapped = 0;
		bool busy = false;

		if (first + count > WIN_PAGES)
			count = WIN_PAGES - first;
		for (uint64_t i = first; i < first + count; i++) {
			busy |= model[i] != 0;
			mapped += model[i] != 0;
		}
		if (rnd(3)) {
			uint64_t pa = (rnd(1024) * align + 1024) << 12;

			ck_assert_int_eq(smmu_pgt_map(p, first << 12, pa, count << 12, SMMU_PROT_R),
					 busy ? -EEXIST : 0);
			for (uint64_t i = 0; !busy && i < count; i++)
				model[first + i] = pa + (i << 12) + 1;
		} else {
			ck_assert_int_eq(smmu_pgt_unmap(p, first << 12, count << 12, &n), 0);
			ck_assert_uint_eq(n, mapped << 12);
			memset(model + first, 0, count * sizeof(*model));
		}
		if (op % 500 == 499)
			model_check(p, l, model);
	}
	ck_assert_int_eq(smmu_pgt_unmap(p, 0, 1ULL << 39, NULL), 0);
	ck_assert_uint_eq(smmu_region_in_use(&region), SZ_4K);
	smmu_pgt_destroy(l);
	free(model);
	done(p);
}
END_TEST

/* AMD-Vi v1 at every Mode the engine builds, 1 to 5 levels: the whole
 * input space, its last page, the largest natural page that fits, a walk
 * with one step a level, unmap back to the bare root; and live tables of
 * each read the same. */
START_TEST(test_amd_levels)
{
	for (unsigned levels = 1; levels <= 5; levels++) {
		unsigned ias = 12 + 9 * levels;
		struct smmu_pgt *p = mk(SMMU_PGT_AMD_V1, 4096, ias, 52, SMMU_PGT_CFG_2M | SMMU_PGT_CFG_1G), *l;
		struct smmu_pgt_cfg cfg = { .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = ias, .oas = 52 };
		uint64_t top = 1ULL << ias, big = levels >= 2 ? SZ_2M : SZ_4K, n;
		struct ranges rs = { 0 };
		struct smmu_pgt_geom g;
		struct smmu_pgt_xlate x;

		smmu_pgt_geometry(p, &g);
		ck_assert_uint_eq(g.levels, levels);
		ck_assert_int_eq(g.start_level, (int)levels);
		ck_assert_int_eq(smmu_pgt_map(p, 0, 0x90000000, SZ_4K, SMMU_PROT_R | SMMU_PROT_W), 0);
		ck_assert_int_eq(smmu_pgt_map(p, top - big, 0xa0000000, big, SMMU_PROT_R), 0);
		ck_assert_int_eq(smmu_pgt_map(p, top, 0, SZ_4K, SMMU_PROT_R), -ERANGE);
		ck_assert_int_eq(smmu_pgt_translate(p, 0x18, SMMU_PROT_W, &x), 0);
		ck_assert_uint_eq(x.oa, 0x90000018);
		ck_assert_uint_eq(x.nsteps, levels);
		ck_assert_int_eq(x.step[0].level, (int)levels);
		ck_assert_int_eq(smmu_pgt_translate(p, top - 8, SMMU_PROT_R, &x), 0);
		ck_assert_uint_eq(x.oa, 0xa0000000 + big - 8);
		ck_assert_uint_eq(x.page_size, big);
		ck_assert_int_eq(xlate_fault(p, top - 8, SMMU_PROT_W), SMMU_PGT_F_PERM);
		ck_assert_int_eq(xlate_fault(p, top, 0), SMMU_PGT_F_INPUT_RANGE);
		ck_assert_int_eq(smmu_pgt_open_live(&cfg, &mem, smmu_pgt_root(p), &l), 0);
		ck_assert_int_eq(smmu_pgt_list(l, 0, 0, collect, &rs, NULL), 0);
		ck_assert_uint_eq(rs.n, 2);
		ck_assert_uint_eq(rs.r[1].iova, top - big);
		ck_assert_uint_eq(rs.r[1].size, big);
		smmu_pgt_destroy(l);
		ck_assert_int_eq(smmu_pgt_unmap(p, 0, top, &n), 0);
		ck_assert_uint_eq(n, SZ_4K + big);
		ck_assert_uint_eq(smmu_region_in_use(&region), SZ_4K);
		done(p);
	}
	/* no sixth engine level: Mode 6 (64-bit input) is refused, not misread */
	struct smmu_pgt_cfg six = { .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 64, .oas = 52 };
	struct smmu_pgt *q = NULL;
	ck_assert_int_eq(smmu_pgt_create(&six, &mem, &talloc, &q), -EINVAL);
	ck_assert_int_eq(smmu_pgt_open_live(&six, &mem, RAM_BASE, &q), -EINVAL);
}
END_TEST

/* AMD-Vi v1: a PDE written around the engine (the library's `wq`, noted)
 * in root slot 1 that skips levels 3 and 2 to the level-1 table map built
 * for slot 0: translate, walk, list and unmap all read that table at level 1
 * through it, covering only the start of slot 1 (the skipped index bits
 * zero), not as a level-2 table of 1G leaves. */
#define AMD_PR (1ULL << 0)
#define AMD_NL(n) ((uint64_t)(n) << 9)
#define AMD_RW (3ULL << 61)
START_TEST(test_amd_skip_levels)
{
	struct smmu_pgt *p = mk(SMMU_PGT_AMD_V1, 4096, 48, 52, 0);
	const uint64_t va = 1ULL << 39, out = 0x90000000ULL;
	struct ranges rs = { 0 };
	struct smmu_pgt_xlate x;
	uint64_t l1, n, pde;

	ck_assert_int_eq(smmu_pgt_map(p, 0, out, 4 * SZ_4K, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, 0, 0, &x), 0);
	ck_assert_uint_eq(x.nsteps, 4);
	l1 = x.step[3].table_pa;
	pde = l1 | AMD_PR | AMD_NL(1) | AMD_RW;
	ram_set(smmu_pgt_root(p) + 8, pde);
	smmu_pgt_note_write(p, smmu_pgt_root(p) + 8, &pde, 8, &(bool){ false });

	ck_assert_int_eq(smmu_pgt_translate(p, va + 2 * SZ_4K, SMMU_PROT_W, &x), 0);
	ck_assert_uint_eq(x.oa, out + 2 * SZ_4K);
	ck_assert_uint_eq(x.nsteps, 2);
	ck_assert_int_eq(x.step[1].level, 1);
	ck_assert_int_eq(xlate_fault(p, va + SZ_2M, 0), SMMU_PGT_F_INVALID); /* a skipped index bit set */
	/* (listed from slot 1 alone: a whole walk descends an aliased table once) */
	ck_assert_int_eq(smmu_pgt_list(p, va, SZ_1G, collect, &rs, NULL), 0);
	ck_assert_uint_eq(rs.n, 1);
	ck_assert_uint_eq(rs.r[0].iova, va);
	ck_assert_uint_eq(rs.r[0].pa, out);
	ck_assert_uint_eq(rs.r[0].size, 4 * SZ_4K);
	/* one page out of the middle: exactly that entry of the level-1 table */
	ck_assert_int_eq(smmu_pgt_unmap(p, va + SZ_4K, SZ_4K, &n), 0);
	ck_assert_uint_eq(n, SZ_4K);
	ck_assert_uint_eq(ram_q(l1 + 8), 0);
	ck_assert_uint_eq((ram_q(l1) & 0x000ffffffffff000ULL), out);
	ck_assert_uint_eq(ram_q(smmu_pgt_root(p) + 8), pde);
	ck_assert_int_eq(xlate_fault(p, va + SZ_4K, 0), SMMU_PGT_F_INVALID);
	ck_assert_int_eq(xlate_fault(p, SZ_4K, 0), SMMU_PGT_F_INVALID); /* the same entry through slot 0 */
	ck_assert_uint_eq(xlate_oa(p, va + 3 * SZ_4K, 0), out + 3 * SZ_4K);
	/* beyond the covered start of the slot nothing translates, nothing goes */
	ck_assert_int_eq(smmu_pgt_unmap(p, va + SZ_2M, SZ_2M, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq((ram_q(l1 + 16) & 0x000ffffffffff000ULL), out + 2 * SZ_4K);
	/* a range across the covered part's end: only what is in it */
	ck_assert_int_eq(smmu_pgt_unmap(p, va + 3 * SZ_4K, SZ_1G, &n), 0);
	ck_assert_uint_eq(n, SZ_4K);
	ck_assert_uint_eq(ram_q(l1 + 24), 0);
	ck_assert_uint_eq(xlate_oa(p, va, 0), out);
	ck_assert_uint_eq(xlate_oa(p, 2 * SZ_4K, 0), out + 2 * SZ_4K);
	done(p);
}
END_TEST

/* AMD-Vi v1: a PDE without IW makes all below it read-only; a write's
 * permission fault names that PDE's level (the first on the path to lack
 * W), the leaf's only when the tables above it allow the write. */
START_TEST(test_amd_pde_takes_write)
{
	struct smmu_pgt *p = mk(SMMU_PGT_AMD_V1, 4096, 48, 52, 0);
	struct smmu_pgt_xlate x;
	uint64_t pde, leaf;

	ck_assert_int_eq(smmu_pgt_map(p, 0, 0x90000000, SZ_4K, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, 0, SMMU_PROT_W, &x), 0);
	ck_assert_uint_eq(x.nsteps, 4);
	uint64_t pde_pa = x.step[1].entry_pa, leaf_pa = x.step[3].entry_pa;
	pde = x.step[1].pte & ~(1ULL << 62); /* level 3: IW clear */
	ram_set(pde_pa, pde);
	smmu_pgt_note_write(p, pde_pa, &pde, 8, &(bool){ false });
	ck_assert_int_eq(smmu_pgt_translate(p, 8, SMMU_PROT_W, &x), -EFAULT);
	ck_assert_int_eq(x.fault, SMMU_PGT_F_PERM);
	ck_assert_uint_eq(x.perm_missing, SMMU_PROT_W);
	ck_assert_int_eq(x.perm_from, SMMU_PGT_PERM_TABLE);
	ck_assert_int_eq(x.perm_level, 3);
	ck_assert_int_eq(x.fault_level, 1);
	ck_assert_uint_eq(x.prot, SMMU_PROT_R);
	ck_assert_int_eq(smmu_pgt_translate(p, 8, SMMU_PROT_R, &x), 0);
	/* the leaf without IW too: the PDE is still the first to lack it */
	leaf = x.step[3].pte & ~(1ULL << 62);
	ram_set(leaf_pa, leaf);
	smmu_pgt_note_write(p, leaf_pa, &leaf, 8, &(bool){ false });
	ck_assert_int_eq(smmu_pgt_translate(p, 8, SMMU_PROT_W, &x), -EFAULT);
	ck_assert_int_eq(x.perm_from, SMMU_PGT_PERM_TABLE);
	ck_assert_int_eq(x.perm_level, 3);
	/* the PDE's IW back: the leaf is what lacks W */
	pde |= 1ULL << 62;
	ram_set(pde_pa, pde);
	smmu_pgt_note_write(p, pde_pa, &pde, 8, &(bool){ false });
	ck_assert_int_eq(smmu_pgt_translate(p, 8, SMMU_PROT_W, &x), -EFAULT);
	ck_assert_int_eq(x.perm_from, SMMU_PGT_PERM_LEAF);
	ck_assert_int_eq(x.perm_level, 1);
	done(p);
}
END_TEST

/* Maps and unmaps in a row reuse the last leaf table's path; any change to an
 * entry on that path (a noted write, a table freed) is followed, never the
 * stale path. */
START_TEST(test_leaf_cursor_follows_changes)
{
	struct smmu_pgt *p = mk(SMMU_PGT_LPAE_S1, 4096, 48, 48, SMMU_PGT_CFG_DEFER_FLUSH);
	struct smmu_pgt_xlate x;
	const uint64_t va = 0x40000000, zero = 0;

	ck_assert_int_eq(smmu_pgt_map(p, va, 0x1000, SZ_4K, SMMU_PROT_R), 0);
	/* (a second map in that table goes by the path: now remembered) */
	ck_assert_int_eq(smmu_pgt_map(p, va + 8 * SZ_4K, 0x8000, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, va, SMMU_PROT_R, &x), 0);
	uint64_t l2_entry = x.step[2].entry_pa, old_leaf = x.step[3].table_pa;
	/* the level-2 entry is cleared through the library: the old leaf table is out of the tree */
	bool changed = false;
	ck_assert_uint_eq(smmu_pgt_note_write(p, l2_entry, &zero, 8, &changed), 8);
	ck_assert(changed); /* a valid table entry removed */
	ck_assert_int_eq(smmu_pgt_map(p, va + SZ_4K, 0x2000, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, va + SZ_4K, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.oa, 0x2000);
	ck_assert_uint_ne(x.step[3].table_pa, old_leaf);
	ck_assert_int_eq(smmu_pgt_translate(p, va, SMMU_PROT_R, &x), -EFAULT);
	/* the new leaf table emptied and freed: the next map builds another */
	ck_assert_int_eq(smmu_pgt_map(p, va + 3 * SZ_4K, 0x4000, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_unmap(p, va + SZ_4K, 2 * SZ_4K, NULL), 0);
	ck_assert_int_eq(smmu_pgt_unmap(p, va + 3 * SZ_4K, SZ_4K, NULL), 0);
	ck_assert_int_eq(smmu_pgt_map(p, va + 2 * SZ_4K, 0x3000, SZ_4K, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, va + 2 * SZ_4K, SMMU_PROT_R, &x), 0);
	ck_assert_uint_eq(x.oa, 0x3000);
	ck_assert_int_eq(smmu_pgt_unmap(p, va + 2 * SZ_4K, SZ_4K, NULL), 0);
	ck_assert_int_eq(smmu_pgt_translate(p, va + 2 * SZ_4K, SMMU_PROT_R, &x), -EFAULT);
	smmu_pgt_destroy(p);
}
END_TEST

START_TEST(test_region_alloc)
{
	struct smmu_region r;
	struct smmu_table_alloc a;
	uint64_t pa[4];

	ck_assert_int_eq(smmu_region_alloc_init(&r, 0x100000, 16 * SZ_4K, SZ_4K, &a), 0);
	ck_assert_int_eq(a.alloc(a.ctx, SZ_4K, SZ_4K, &pa[0]), 0);
	ck_assert_int_eq(a.alloc(a.ctx, 2 * SZ_4K, 8 * SZ_4K, &pa[1]), 0);
	ck_assert_uint_eq(pa[1] % (8 * SZ_4K), 0);
	ck_assert_int_eq(a.alloc(a.ctx, 12 * SZ_4K, SZ_4K, &pa[2]), -ENOMEM);
	ck_assert_int_eq(a.alloc(a.ctx, 5 * SZ_4K, SZ_4K, &pa[2]), 0);
	ck_assert_uint_eq(smmu_region_in_use(&r), 8 * SZ_4K);
	a.free(a.ctx, pa[0], SZ_4K);
	a.free(a.ctx, pa[1], 2 * SZ_4K);
	a.free(a.ctx, pa[2], 5 * SZ_4K);
	ck_assert_uint_eq(smmu_region_in_use(&r), 0);
	ck_assert_int_eq(a.alloc(a.ctx, 16 * SZ_4K, SZ_4K, &pa[3]), 0);
	ck_assert_uint_eq(pa[3], 0x100000);
	smmu_region_alloc_fini(&r);
}
END_TEST

Suite *suite_pgtable_engine(void);
Suite *suite_pgtable_engine(void)
{
	Suite *s = suite_create("pgtable_engine");
	TCase *tc = tcase_create("engine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lpae_selftest_geometries);
	tcase_add_test(tc, test_lpae_all_input_sizes);
	tcase_add_test(tc, test_lpae_geometry);
	tcase_add_test(tc, test_translate_trace);
	tcase_add_test(tc, test_permissions);
	tcase_add_test(tc, test_map_rejects);
	tcase_add_test(tc, test_map_enomem);
	tcase_add_test(tc, test_unmap_split);
	tcase_add_test(tc, test_unmap_split_granules);
	tcase_add_test(tc, test_list_coalesce);
	tcase_add_test(tc, test_lpa_52bit);
	tcase_add_test(tc, test_vtd_levels);
	tcase_add_test(tc, test_vtd_fl_canonical);
	tcase_add_test(tc, test_live_matches_owned);
	tcase_add_test(tc, test_hostile_self_loop);
	tcase_add_test(tc, test_hostile_alias);
	tcase_add_test(tc, test_hostile_outside_and_reserved);
	tcase_add_test(tc, test_hostile_vtd);
	tcase_add_test(tc, test_aarch32_format);
	tcase_add_test(tc, test_vtd_snp_needs_snoop_control);
	tcase_add_test(tc, test_random_model);
	tcase_add_test(tc, test_region_alloc);
	tcase_add_test(tc, test_leaf_cursor_follows_changes);
	tcase_add_test(tc, test_amd_skip_levels);
	tcase_add_test(tc, test_amd_pde_takes_write);
	tcase_add_test(tc, test_amd_levels);
	suite_add_tcase(s, tc);

	/* every test again with tables built in place in the RAM */
	tc = tcase_create("engine_direct");
	tcase_add_checked_fixture(tc, setup_direct, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lpae_selftest_geometries);
	tcase_add_test(tc, test_lpae_all_input_sizes);
	tcase_add_test(tc, test_lpae_geometry);
	tcase_add_test(tc, test_translate_trace);
	tcase_add_test(tc, test_permissions);
	tcase_add_test(tc, test_map_rejects);
	tcase_add_test(tc, test_map_enomem);
	tcase_add_test(tc, test_unmap_split);
	tcase_add_test(tc, test_unmap_split_granules);
	tcase_add_test(tc, test_list_coalesce);
	tcase_add_test(tc, test_lpa_52bit);
	tcase_add_test(tc, test_vtd_levels);
	tcase_add_test(tc, test_vtd_fl_canonical);
	tcase_add_test(tc, test_live_matches_owned);
	tcase_add_test(tc, test_hostile_self_loop);
	tcase_add_test(tc, test_hostile_alias);
	tcase_add_test(tc, test_hostile_outside_and_reserved);
	tcase_add_test(tc, test_hostile_vtd);
	tcase_add_test(tc, test_random_model);
	tcase_add_test(tc, test_region_alloc);
	tcase_add_test(tc, test_leaf_cursor_follows_changes);
	tcase_add_test(tc, test_amd_skip_levels);
	suite_add_tcase(s, tc);
	return s;
}
