/* SPDX-License-Identifier: MIT */
/*
 * Page-table engine, format independent: the region allocator, the host
 * cache of table pages, map/unmap (plan first, then apply, so a failure
 * changes nothing), translate with a trace, and the bounded walk and list.
 * Entry layouts live in pgtable-lpae.c and pgtable-vtd.c.
 */
#define SMMU_PGT_INTERNAL
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pgtable.h"
#include "smmu.h"

#define DEFAULT_BUDGET SMMU_PGT_WALK_BUDGET

/* --- region allocator ------------------------------------------------------- */

static bool bit_get(const uint64_t *bm, size_t i)
{
	return bm[i / 64] >> (i % 64) & 1;
}

static void bits_set(uint64_t *bm, size_t i, size_t n, bool v)
{
	for (size_t k = i; k < i + n; k++) {
		if (v)
			bm[k / 64] |= 1ULL << (k % 64);
		else
			bm[k / 64] &= ~(1ULL << (k % 64));
	}
}

static int region_alloc(void *ctx, size_t size, size_t align, uint64_t *pa)
{
	struct smmu_region *r = ctx;
	size_t n = (size + r->unit - 1) / r->unit;
	size_t step = align > r->unit ? align / r->unit : 1;
	/* Alignment is of the physical address, so start from an aligned unit. */
	size_t skew = (size_t)((r->base / r->unit) % step);

	if (!n || n > r->nunits)
		return -ENOMEM;
	/* Next-fit from the hint, then once more from the start. */
	for (int pass = 0; pass < 2; pass++) {
		size_t i = pass ? 0 : r->hint;

		i = (i + skew + step - 1) / step * step - skew;
		if (i > r->nunits)
			i = 0;
		while (i + n <= r->nunits) {
			size_t k;

			/* Skip full words quickly for single-unit requests. */
			if (n == 1 && step == 1 && i % 64 == 0 && r->bitmap[i / 64] == ~0ULL) {
				i += 64;
				continue;
			}
			for (k = 0; k < n && !bit_get(r->bitmap, i + k); k++)
				;
			if (k == n) {
				bits_set(r->bitmap, i, n, true);
				r->used += n;
				r->hint = i + n;
				*pa = r->base + (uint64_t)i * r->unit;
				return 0;
			}
			i += (k / step + 1) * step;
		}
	}
	return -ENOMEM;
}

static void region_free(void *ctx, uint64_t pa, size_t size)
{
	struct smmu_region *r = ctx;
	size_t n = (size + r->unit - 1) / r->unit;
	size_t i;

	if (pa < r->base || (pa - r->base) % r->unit)
		return;
	i = (size_t)((pa - r->base) / r->unit);
	if (i + n > r->nunits)
		return;
	for (size_t k = i; k < i + n; k++)
		if (bit_get(r->bitmap, k))
			r->used--;
	bits_set(r->bitmap, i, n, false);
}

int smmu_region_alloc_init(struct smmu_region *r, uint64_t base, uint64_t size, size_t unit,
			   struct smmu_table_alloc *ops)
{
	if (!unit || (unit & (unit - 1)) || base % unit || size < unit)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->size = size;
	r->unit = unit;
	r->nunits = (size_t)(size / unit);
	r->bitmap = calloc((r->nunits + 63) / 64, sizeof(uint64_t));
	if (!r->bitmap)
		return -ENOMEM;
	if (ops)
		*ops = (struct smmu_table_alloc){ .alloc = region_alloc, .free = region_free, .ctx = r };
	return 0;
}

void smmu_region_alloc_fini(struct smmu_region *r)
{
	free(r->bitmap);
	r->bitmap = NULL;
}

uint64_t smmu_region_in_use(const struct smmu_region *r)
{
	return (uint64_t)r->used * r->unit;
}

/* --- table cache -------------------------------------------------------------- */

struct pgt_page {
	uint64_t pa;
	uint64_t *e;
	uint64_t *dmap;  /* owned tables: entries changed since the last flush (a bit each) */
	uint32_t size;
	int32_t dirty;   /* index in p->dirty, or -1 */
	int level;       /* owned tables: their level, for flush order */
	uint32_t seen;   /* the map/unmap (p->opgen) that last listed it for revalidation */
	uint32_t vepoch; /* the foreign-write epoch in which it was last compared with memory */
	uint32_t nnz;    /* owned tables: entries that are not zero */
	bool fresh;      /* never written to memory yet: the first flush writes it whole */
	bool direct;     /* e is the table in memory (smmu_mem.direct): nothing to write back,
			  * nothing to compare (it stays fresh, out of the dirty list) */
	struct pgt_page *next;
	/*
	 * Owned tables: the tables the engine linked below this one, by entry
	 * (NULL where none, or no array: then the hash finds them).  child[i]
	 * is only a hint: it is followed when e[i] still equals the child's
	 * tpte, the entry the engine wrote, which decodes as a valid table
	 * entry pointing to it.  A foreign write to e[i] makes them differ and
	 * the slow path (decode, hash) takes over.  parent/pidx undo the link
	 * when the child is freed, whichever way it was reached.
	 */
	struct pgt_page **child;
	struct pgt_page *parent;
	uint32_t pidx;
	uint64_t tpte;
};

static size_t dmap_words(size_t size)
{
	return (size / 8 + 63) / 64;
}

/* A table's host copy (or, with `in_memory`, the table itself) and its dirty map, zeroed. */
static struct pgt_page *page_new(size_t size, void *in_memory)
{
	struct pgt_page *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (in_memory) {
		/* table memory is the engine's alone until linked: zeroing it changes nothing seen */
		t->e = memset(in_memory, 0, size);
		t->direct = t->fresh = true;
	} else {
		t->e = calloc(1, size);
	}
	t->dmap = calloc(dmap_words(size), sizeof(uint64_t));
	if (!t->e || !t->dmap) {
		if (!t->direct)
			free(t->e);
		free(t->dmap);
		free(t);
		return NULL;
	}
	t->size = (uint32_t)size;
	t->dirty = -1;
	return t;
}

static void page_free(struct pgt_page *t)
{
	if (t->parent && t->parent->child && t->parent->child[t->pidx] == t)
		t->parent->child[t->pidx] = NULL;
	if (t->child)
		for (size_t i = 0; i < t->size / 8; i++)
			if (t->child[i])
				t->child[i]->parent = NULL;
	free(t->child);
	if (!t->direct)
		free(t->e);
	free(t->dmap);
	free(t);
}

static size_t hash_pa(const struct smmu_pgt *p, uint64_t pa)
{
	return (size_t)(((pa >> 3) * 0x9e3779b97f4a7c15ULL) >> 32) & (p->nbucket - 1);
}

static struct pgt_page *cache_find(const struct smmu_pgt *p, uint64_t pa)
{
	for (struct pgt_page *t = p->bucket[hash_pa(p, pa)]; t; t = t->next)
		if (t->pa == pa)
			return t;
	return NULL;
}

static int cache_grow(struct smmu_pgt *p)
{
	size_t nb = p->nbucket * 4;
	struct pgt_page **b = calloc(nb, sizeof(*b));
	struct pgt_page **old = p->bucket;
	size_t onb = p->nbucket;

	if (!b)
		return -ENOMEM;
	p->bucket = b;
	p->nbucket = nb;
	for (size_t i = 0; i < onb; i++)
		for (struct pgt_page *t = old[i], *n; t; t = n) {
			size_t h = hash_pa(p, t->pa);

			n = t->next;
			t->next = b[h];
			b[h] = t;
		}
	free(old);
	return 0;
}

static struct pgt_page *cache_add(struct smmu_pgt *p, uint64_t pa, size_t size, int level)
{
	struct pgt_page *t;
	size_t h;

	if (p->npages >= p->nbucket && cache_grow(p))
		return NULL;
	t = page_new(size, NULL);
	if (!t)
		return NULL;
	t->pa = pa;
	t->level = level;
	h = hash_pa(p, pa);
	t->next = p->bucket[h];
	p->bucket[h] = t;
	p->npages++;
	return t;
}

static void dirty_del(struct smmu_pgt *p, struct pgt_page *t)
{
	if (t->dirty < 0)
		return;
	p->dirty[t->dirty] = p->dirty[--p->ndirty];
	p->dirty[t->dirty]->dirty = t->dirty;
	t->dirty = -1;
}

static void cache_del(struct smmu_pgt *p, struct pgt_page *t)
{
	struct pgt_page **pp = &p->bucket[hash_pa(p, t->pa)];

	while (*pp != t)
		pp = &(*pp)->next;
	*pp = t->next;
	p->npages--;
	p->tgen++;
	dirty_del(p, t);
	page_free(t);
}

static void cache_clear(struct smmu_pgt *p)
{
	for (size_t i = 0; i < p->nbucket; i++)
		for (struct pgt_page *t = p->bucket[i], *n; t; t = n) {
			n = t->next;
			t->parent = NULL; /* all go: no links to undo */
			free(t->child);
			t->child = NULL;
			page_free(t);
		}
	memset(p->bucket, 0, p->nbucket * sizeof(*p->bucket));
	p->npages = 0;
	p->tgen++;
	p->ndirty = 0;
}

static int mark_dirty_slow(struct smmu_pgt *p, struct pgt_page *t)
{
	if (p->ndirty == p->dirty_cap) {
		size_t cap = p->dirty_cap ? p->dirty_cap * 2 : 64;
		struct pgt_page **d = realloc(p->dirty, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		p->dirty = d;
		p->dirty_cap = cap;
	}
	t->dirty = (int32_t)p->ndirty;
	p->dirty[p->ndirty++] = t;
	return 0;
}

static inline int mark_dirty(struct smmu_pgt *p, struct pgt_page *t)
{
	return t->dirty >= 0 || t->direct ? 0 : mark_dirty_slow(p, t);
}

/* Entries [i, i + n) of t changed: only they are written back. */
static int mark_entries(struct smmu_pgt *p, struct pgt_page *t, unsigned i, unsigned n)
{
	unsigned end = i + n;

	if (t->direct)
		return 0;
	while (i < end) {
		unsigned w = i / 64, b = i % 64, k = end - i < 64 - b ? end - i : 64 - b;

		t->dmap[w] |= (k == 64 ? ~0ULL : ((1ULL << k) - 1)) << b;
		i += k;
	}
	return mark_dirty(p, t);
}

static uint32_t count_nz(const struct pgt_page *t)
{
	uint32_t n = 0;

	for (size_t i = 0; i < t->size / 8; i++)
		n += t->e[i] != 0;
	return n;
}

static size_t table_size(const struct smmu_pgt *p, int level)
{
	return level == p->start ? p->root_size : p->granule;
}

/*
 * The table at pa, read as a level-`level` table.  Owned trees are all in the
 * cache; live tables are read whole on first use in an operation.  A table
 * reached again at another level may need more bytes than cached: reread.
 */
static struct pgt_page *get_table(struct smmu_pgt *p, uint64_t pa, int level, int *err)
{
	size_t size = table_size(p, level);
	struct pgt_page *t;

	*err = 0;
	if (p->root && pa == p->root_pa && level == p->start)
		return p->root;
	t = cache_find(p, pa);
	if (t && t->size >= size)
		return t;
	if (!p->live) {
		*err = -EIO; /* an owned tree points outside itself: corrupted */
		return NULL;
	}
	if (t)
		cache_del(p, t);
	t = cache_add(p, pa, size, level);
	if (!t) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = p->mem.read(p->mem.ctx, pa, t->e, size);
	if (*err) {
		cache_del(p, t);
		return NULL;
	}
	return t;
}

/* Live trees are read fresh by every operation. */
static void op_done(struct smmu_pgt *p)
{
	if (p->live && p->npages)
		cache_clear(p);
}

/* Write the runs of changed entries of t (a new table: all of it). */
static int write_back(struct smmu_pgt *p, struct pgt_page *t)
{
	size_t n = t->size / 8;
	int rc;

	if (t->fresh) {
		if ((rc = p->mem.write(p->mem.ctx, t->pa, t->e, t->size)))
			return rc;
		t->fresh = false;
	} else {
		for (size_t i = 0; i < n;) {
			size_t j;
			uint64_t w = t->dmap[i / 64] >> (i % 64);

			if (!w) {
				i = (i / 64 + 1) * 64;
				continue;
			}
			i += (size_t)__builtin_ctzll(w);
			/* the run of set bits from i */
			for (j = i;;) {
				uint64_t r = ~(t->dmap[j / 64] >> (j % 64));
				size_t left = 64 - j % 64;
				size_t k = r ? (size_t)__builtin_ctzll(r) : left;

				j += k < left ? k : left;
				if (k < left || j >= n)
					break;
			}
			if (j > n)
				j = n;
			if ((rc = p->mem.write(p->mem.ctx, t->pa + 8 * i, &t->e[i], 8 * (j - i))))
				return rc;
			i = j;
		}
	}
	memset(t->dmap, 0, dmap_words(t->size) * sizeof(uint64_t));
	return 0;
}

int smmu_pgt_flush(struct smmu_pgt *p)
{
	/* Deepest level first: a new table is in memory before the entry that points to it. */
	for (int level = 3; level >= p->start; level--) {
		for (size_t i = 0; i < p->ndirty;) {
			struct pgt_page *t = p->dirty[i];
			int rc;

			if (t->level != level) {
				i++;
				continue;
			}
			if ((rc = write_back(p, t)))
				return rc;
			dirty_del(p, t); /* moves the last one to i */
		}
	}
	return 0;
}

int smmu_pgt_rewrite(struct smmu_pgt *p)
{
	int rc;

	if (p->live)
		return -EROFS;
	for (size_t i = 0; i < p->nbucket; i++)
		for (struct pgt_page *t = p->bucket[i]; t; t = t->next) {
			t->fresh = true; /* (direct tables are memory already) */
			if ((rc = mark_dirty(p, t)))
				return rc;
		}
	return smmu_pgt_flush(p);
}

/* --- what others write: kept in the cache, or noticed ------------------------------ */

/* The bytes [pa, pa + len) of t now hold buf in memory: how many of them t
 * holds; *changed once a non-zero entry (one a unit may cache) changes. */
static size_t note_page(struct pgt_page *t, uint64_t pa, const uint8_t *buf, size_t len, bool *changed)
{
	uint64_t lo = pa > t->pa ? pa : t->pa, hi = pa + len < t->pa + t->size ? pa + len : t->pa + t->size;

	if (lo >= hi)
		return 0;
	for (uint64_t a = lo; a < hi && !*changed;) {
		size_t k = (size_t)(a - t->pa) / 8, off = (size_t)(a - t->pa) % 8;
		size_t n = hi - a < 8 - off ? (size_t)(hi - a) : 8 - off;

		*changed = t->e[k] && memcmp((uint8_t *)&t->e[k] + off, buf + (a - pa), n);
		a += n;
	}
	memcpy((uint8_t *)t->e + (lo - t->pa), buf + (lo - pa), hi - lo);
	/* entries written whole are memory's now, not a pending change of ours */
	for (uint64_t a = (lo + 7) & ~7ULL; a + 8 <= hi; a += 8) {
		size_t k = (size_t)(a - t->pa) / 8;
		t->dmap[k / 64] &= ~(1ULL << (k % 64));
	}
	t->nnz = count_nz(t);
	return hi - lo;
}

size_t smmu_pgt_note_write(struct smmu_pgt *p, uint64_t pa, const void *buf, size_t len, bool *changed)
{
	uint64_t g = p->granule, end = pa + len;
	size_t held = 0;

	if (p->live || !len || end < pa)
		return 0;
	p->tgen++; /* entries on the cursor's path may be others now */
	if (p->root)
		held += note_page(p->root, pa, buf, len, changed);
	for (uint64_t a = pa & ~(g - 1); a < end && a >= (pa & ~(g - 1)); a += g) {
		struct pgt_page *t;

		if (p->npages == 1)
			break; /* only the root */
		t = cache_find(p, a);
		if (t && t != p->root)
			held += note_page(t, pa, buf, len, changed);
	}
	return held;
}

void smmu_pgt_conflicts(const struct smmu_pgt *p, struct smmu_table_conflict *c)
{
	*c = p->conflict;
}

/* Tables a map or unmap will change, listed by its plan. */
static int note_change_slow(struct smmu_pgt *p, struct pgt_page *t)
{
	if (p->ncheck == p->check_cap) {
		size_t cap = p->check_cap ? p->check_cap * 2 : 16;
		struct pgt_page **n = realloc(p->check, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->check = n;
		p->check_cap = cap;
	}
	t->seen = p->opgen;
	p->check[p->ncheck++] = t;
	return 0;
}

static inline int note_change(struct smmu_pgt *p, struct pgt_page *t)
{
	if (t->seen == p->opgen || t->vepoch == p->epoch || t->fresh)
		return 0;
	return note_change_slow(p, t);
}

/*
 * A map or unmap begins.  Tables compared with memory in the current epoch
 * need no read-back; the epoch moves on whenever someone else may have
 * written memory since (always, when the memory cannot tell).
 */
static void op_begin(struct smmu_pgt *p)
{
	p->ncheck = 0;
	p->opgen++;
	if (p->mem.foreign_writes) {
		uint64_t g = p->mem.foreign_writes(p->mem.ctx);

		if (g == p->fgen)
			return;
		p->fgen = g;
	}
	p->epoch++;
}

/*
 * Before a map or unmap changes a table, memory must still hold what the
 * cache last read or wrote there (entries with a change of ours still
 * pending excepted).  Entries that differ were written by someone else:
 * the cache takes memory's values, the conflict is counted, and the caller
 * gets -SMMU_E_CONFLICT with nothing changed.
 */
static int revalidate_slow(struct smmu_pgt *p)
{
	size_t found = 0;

	for (size_t k = 0; k < p->ncheck; k++) {
		struct pgt_page *t = p->check[k];
		int rc = p->mem.read(p->mem.ctx, t->pa, p->scratch, t->size);

		if (rc)
			return rc;
		t->vepoch = p->epoch; /* memory's values from here on (below) */
		if (!memcmp(p->scratch, t->e, t->size))
			continue;
		p->tgen++;
		for (size_t j = 0; j < t->size / 8; j++) {
			if (p->scratch[j] == t->e[j] || (t->dmap[j / 64] >> (j % 64) & 1))
				continue;
			p->conflict = (struct smmu_table_conflict){ p->conflict.count + 1, t->pa + 8 * j, t->e[j],
								    p->scratch[j] };
			t->e[j] = p->scratch[j];
			found++;
		}
		t->nnz = count_nz(t);
	}
	return found ? -SMMU_E_CONFLICT : 0;
}

static inline int revalidate(struct smmu_pgt *p)
{
	return p->ncheck ? revalidate_slow(p) : 0;
}

/* --- geometry and handles ------------------------------------------------------ */

static bool leaf_at(unsigned map, int level)
{
	return map >> (level + 1) & 1;
}

static unsigned idx_bits(const struct smmu_pgt *p, int level)
{
	return level == p->start ? p->pgd_bits : p->bpl;
}

static inline unsigned pgt_index(const struct smmu_pgt *p, int level, uint64_t va)
{
	return (unsigned)((va >> pgt_lshift(p, level)) & p->lmask[level + 1]);
}

static uint64_t in_limit(const struct smmu_pgt *p)
{
	return 1ULL << p->ias;
}

/* Caller's address to the linear index space [0, 2^ias). */
static inline int to_lin(const struct smmu_pgt *p, uint64_t iova, uint64_t *lin)
{
	if (p->canon) {
		uint64_t top = iova >> (p->ias - 1);

		if (top == 0 || top == (~0ULL >> (p->ias - 1))) {
			*lin = iova & (in_limit(p) - 1);
			return 0;
		}
		return -ERANGE;
	}
	if (iova >= in_limit(p))
		return -ERANGE;
	*lin = iova;
	return 0;
}

static uint64_t from_lin(const struct smmu_pgt *p, uint64_t lin)
{
	if (p->canon && (lin >> (p->ias - 1) & 1))
		return lin | ~(in_limit(p) - 1);
	return lin;
}

/* [iova, iova + size) as a linear range inside the input space. */
static inline int to_lin_range(const struct smmu_pgt *p, uint64_t iova, uint64_t size, uint64_t *lo,
				 uint64_t *hi)
{
	int rc = to_lin(p, iova, lo);

	if (rc)
		return rc;
	if (size > in_limit(p) - *lo)
		return -ERANGE;
	*hi = *lo + size;
	/* Canonical halves are not contiguous across the middle. */
	if (p->canon && *lo < in_limit(p) / 2 && *hi > in_limit(p) / 2)
		return -ERANGE;
	return 0;
}

static struct smmu_pgt *pgt_new(const struct smmu_pgt_cfg *cfg, const struct smmu_mem *mem,
				int *err)
{
	struct smmu_pgt *p = calloc(1, sizeof(*p));

	*err = -ENOMEM;
	if (!p)
		return NULL;
	p->cfg = *cfg;
	p->mem = *mem;
	p->nbucket = 64;
	p->bucket = calloc(p->nbucket, sizeof(*p->bucket));
	if (!p->bucket) {
		free(p);
		return NULL;
	}
	p->ops = (cfg->fmt == SMMU_PGT_VTD_SL || cfg->fmt == SMMU_PGT_VTD_FL) ? &smmu_pgt_vtd_ops
		 : cfg->fmt == SMMU_PGT_AMD_V1				       ? &smmu_pgt_amd_ops
									       : &smmu_pgt_lpae_ops;
	if (cfg->fmt > SMMU_PGT_AMD_V1)
		*err = -EINVAL;
	else
		*err = p->ops->init(p);
	if (*err) {
		free(p->bucket);
		free(p);
		return NULL;
	}
	p->granule = 1u << p->pg_shift;
	p->root_size = (size_t)8 << p->pgd_bits;
	p->root_alloc = p->root_size > p->granule ? p->root_size : p->granule;
	for (int l = -1; l <= 3; l++) {
		unsigned sh = pgt_shift(p, l);

		p->lshift[l + 1] = sh < 64 ? sh : 63;
		p->lmask[l + 1] = (1ULL << idx_bits(p, l)) - 1;

		p->amask[l + 1] = sh >= 64 ? 0 : p->amask[4] & ~((1ULL << sh) - 1);
		p->memo[l + 1].key = ~0ULL;
	}
	{
		struct pgt_dec d;

		p->ops->decode(p, p->start < 3 ? p->start : 2, pgt_table_entry(p, 0, p->start < 3 ? p->start : 2), &d);
		p->tbl_removed = d.rights;
		p->tbl_kind = d.kind;
	}
	p->epoch = 1;
	if (mem->foreign_writes)
		p->fgen = mem->foreign_writes(mem->ctx);
	return p;
}

int smmu_pgt_create(const struct smmu_pgt_cfg *cfg, const struct smmu_mem *mem,
		    const struct smmu_table_alloc *alloc, struct smmu_pgt **out)
{
	int err;
	struct smmu_pgt *p;

	if (!cfg || !mem || !alloc || !out || !mem->write || !alloc->alloc)
		return -EINVAL;
	p = pgt_new(cfg, mem, &err);
	if (!p)
		return err;
	p->alloc = *alloc;
	/* Concatenated stage-2 roots are aligned to their total size. */
	err = alloc->alloc(alloc->ctx, p->root_alloc, p->root_alloc, &p->root_pa);
	if (!err) {
		p->root = cache_add(p, p->root_pa, p->root_size, p->start);
		p->scratch = malloc(p->root_size > p->granule ? p->root_size : p->granule);
		if (p->root) {
			p->root->fresh = true;
			p->root->vepoch = p->epoch;
		}
		err = p->root && p->scratch ? mark_dirty(p, p->root) : -ENOMEM;
		if (!err)
			err = smmu_pgt_flush(p);
		if (err)
			alloc->free(alloc->ctx, p->root_pa, p->root_alloc);
	}
	if (err) {
		cache_clear(p);
		free(p->bucket);
		free(p->dirty);
		free(p->scratch);
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int smmu_pgt_open_live(const struct smmu_pgt_cfg *cfg, const struct smmu_mem *mem,
		       uint64_t root_pa, struct smmu_pgt **out)
{
	int err;
	struct smmu_pgt *p;

	if (!cfg || !mem || !mem->read || !out)
		return -EINVAL;
	p = pgt_new(cfg, mem, &err);
	if (!p)
		return err;
	p->live = true;
	p->root_pa = root_pa;
	*out = p;
	return 0;
}

void smmu_pgt_destroy(struct smmu_pgt *p)
{
	if (!p)
		return;
	/* Every table of an owned tree is in the cache, so the cache lists what to free. */
	if (!p->live)
		for (size_t i = 0; i < p->nbucket; i++)
			for (struct pgt_page *t = p->bucket[i]; t; t = t->next)
				p->alloc.free(p->alloc.ctx, t->pa,
					      t == p->root ? p->root_alloc : p->granule);
	cache_clear(p);
	free(p->bucket);
	free(p->dirty);
	free(p->pool);
	free(p->check);
	free(p->scratch);
	free(p);
}

uint64_t smmu_pgt_root(const struct smmu_pgt *p)
{
	return p->root_pa;
}

void smmu_pgt_geometry(const struct smmu_pgt *p, struct smmu_pgt_geom *g)
{
	g->start_level = pgt_arch_level(p, p->start);
	g->levels = (unsigned)(4 - p->start);
	g->granule = (unsigned)p->granule;
	g->ias = p->ias;
	g->oas = p->oas;
	g->concat = p->pgd_bits > p->bpl ? 1u << (p->pgd_bits - p->bpl) : 1;
	g->root_size = p->root_size;
	g->page_sizes = 0;
	for (int l = p->start; l <= 3; l++)
		if (leaf_at(p->leaf_map, l))
			g->page_sizes |= 1ULL << pgt_shift(p, l);
}

const char *smmu_pgt_fault_name(int fault)
{
	static const char *const names[SMMU_PGT_F_MAX] = {
		[SMMU_PGT_OK] = "ok",
		[SMMU_PGT_F_INVALID] = "translation (entry not present)",
		[SMMU_PGT_F_PERM] = "permission",
		[SMMU_PGT_F_ACCESS] = "access flag (AF=0)",
		[SMMU_PGT_F_ADDR_SIZE] = "address size (beyond OAS)",
		[SMMU_PGT_F_INPUT_RANGE] = "input address beyond IAS",
		[SMMU_PGT_F_RESERVED] = "reserved bits set",
		[SMMU_PGT_F_TABLE_READ] = "table unreadable (outside memory)",
		[SMMU_PGT_F_LOOP] = "table loop",
		[SMMU_PGT_F_ALIAS] = "aliased table",
		[SMMU_PGT_F_BUDGET] = "walk step budget exhausted",
	};

	if (fault < 0 || fault >= SMMU_PGT_F_MAX)
		return "unknown";
	return names[fault];
}

/* --- fast paths shared by map, unmap, translate and walk --------------------------- */

/* Decode with the per-level memo of the last leaf (struct pgt_memo). */
static inline void dec(struct smmu_pgt *p, int level, uint64_t pte, struct pgt_dec *d)
{
	struct pgt_memo *m = &p->memo[level + 1];
	uint64_t am = p->amask[level + 1];

	if ((pte & ~am) == m->key) {
		uint64_t a = (pte & am) | m->hi;

		if (!(a >> p->oas)) {
			*d = m->d;
			d->addr = a;
			return;
		}
	}
	p->ops->decode(p, level, pte, d);
	/* (not a leaf whose size its address bits encode: AMD-Vi NextLevel 7) */
	if (d->type == SMMU_PGT_E_LEAF && !d->size_log2 &&
	    (d->status == SMMU_PGT_OK || d->status == SMMU_PGT_F_ACCESS)) {
		m->key = pte & ~am;
		m->hi = d->addr & ~am;
		m->d = *d;
	}
}

/*
 * The table the engine linked at t->e[i], when that entry is still the one it
 * wrote, and t is read as a table above the last level (a table reached
 * through an alias one level lower than built decodes its entries as pages;
 * above the last level a table entry decodes the same at every level).
 */
static inline struct pgt_page *fast_child(const struct pgt_page *t, int level, unsigned i)
{
	struct pgt_page *c;

	if (level < 3 && t->child && (c = t->child[i]) && t->e[i] == c->tpte)
		return c;
	return NULL;
}
/* (link_child only links an entry that decodes to the table with p->tbl_removed
 * and, the formats' table kind being one string, p->tbl_kind.) */

/*
 * Remember that entry i of the level-`level` table t now points to c (the
 * engine wrote p->ops->table(c->pa) there).  The link is only taken when that
 * entry decodes as a valid table entry to c removing exactly tbl_removed, so
 * following it is the same as decoding.  Without memory for the array the
 * link is not kept; the hash finds c instead.
 */
static void link_child(struct smmu_pgt *p, struct pgt_page *t, int level, unsigned i,
		       struct pgt_page *c)
{
	struct pgt_dec d;

	c->tpte = t->e[i];
	p->ops->decode(p, level, c->tpte, &d);
	if (d.type != SMMU_PGT_E_TABLE || d.status != SMMU_PGT_OK || d.addr != c->pa || d.skip ||
	    d.rights != p->tbl_removed || d.kind != p->tbl_kind)
		return;
	if (!t->child && !(t->child = calloc(t->size / 8, sizeof(*t->child))))
		return;
	if (t->child[i] && t->child[i]->parent == t)
		t->child[i]->parent = NULL;
	t->child[i] = c;
	c->parent = t;
	c->pidx = i;
}

/* The table below entry i of t (level `level`): the linked child, or by decoding. */
static struct pgt_page *child_of(struct smmu_pgt *p, struct pgt_page *t, int level, unsigned i,
				 int *err)
{
	struct pgt_page *c = fast_child(t, level, i);
	struct pgt_dec d;

	*err = 0;
	if (c)
		return c;
	if (!t->e[i])
		return NULL;
	dec(p, level, t->e[i], &d);
	if (d.type != SMMU_PGT_E_TABLE)
		return NULL;
	return get_table(p, d.addr, level + 1, err);
}

/* --- map ------------------------------------------------------------------------ */

struct map_req {
	unsigned prot;
	unsigned leaf_map; /* levels map may use for this request */
	const uint64_t *tmpl; /* leaf templates by level + 1 */
};

static bool fits(const struct map_req *r, int level, unsigned shift, uint64_t va, uint64_t pa,
		 uint64_t end)
{
	uint64_t sz = 1ULL << shift;

	return leaf_at(r->leaf_map, level) && !((va | pa) & (sz - 1)) && end - va >= sz;
}

/* Tables a new, empty level-`level` table covering [va, end) needs, itself included. */
static size_t count_new(const struct smmu_pgt *p, const struct map_req *r, int level, uint64_t va,
			uint64_t pa, uint64_t end)
{
	unsigned shift = pgt_shift(p, level);
	size_t n = 1;

	if (level == 3)
		return 1;
	while (va < end) {
		uint64_t ce = ((va >> shift) + 1) << shift;

		if (ce > end)
			ce = end;
		if (!fits(r, level, shift, va, pa, ce))
			n += count_new(p, r, level + 1, va, pa, ce);
		pa += ce - va;
		va = ce;
	}
	return n;
}

/* Check for overlaps and count the tables the map needs; writes nothing. */
static int plan_map(struct smmu_pgt *p, const struct map_req *r, struct pgt_page *t, int level,
		    uint64_t va, uint64_t pa, uint64_t end, size_t *need)
{
	unsigned shift = pgt_shift(p, level);
	unsigned i = pgt_index(p, level, va);
	int err;

	for (; va < end; i++) {
		uint64_t ce = ((va >> shift) + 1) << shift;
		struct pgt_page *c;

		if (ce > end)
			ce = end;
		c = child_of(p, t, level, i, &err);
		if (c) {
			err = plan_map(p, r, c, level + 1, va, pa, ce, need);
			if (err)
				return err;
		} else if (err) {
			return err;
		} else if (t->e[i]) {
			/* A leaf, or bits we did not write: never overwrite them. */
			return -EEXIST;
		} else {
			if ((err = note_change(p, t)))
				return err;
			if (!fits(r, level, shift, va, pa, ce))
				*need += count_new(p, r, level + 1, va, pa, ce);
		}
		pa += ce - va;
		va = ce;
	}
	return 0;
}

/* A zeroed table from the pool, now in the cache and dirty: cannot fail. */
static struct pgt_page *pool_table(struct smmu_pgt *p, int level)
{
	struct pgt_page *c;
	size_t h;

	if (!p->npool)
		return NULL;
	c = p->pool[--p->npool];
	c->level = level;
	c->fresh = true; /* (direct ones stay so: nothing to compare) */
	c->vepoch = p->epoch;
	h = hash_pa(p, c->pa);
	c->next = p->bucket[h];
	p->bucket[h] = c;
	p->npages++;
	mark_dirty(p, c);
	return c;
}

/* Consecutive leaves of one size from entry i of t: the hot loop.  Returns the entries written. */
static unsigned put_leaves(struct smmu_pgt *p, struct pgt_page *t, int level, unsigned i,
			   uint64_t tmpl, uint64_t va, uint64_t pa, uint64_t end)
{
	unsigned shift = pgt_lshift(p, level), n = 1u << idx_bits(p, level), first = i;
	uint64_t sz = 1ULL << shift, left = (end - va) >> shift;
	unsigned stop = left < n - i ? i + (unsigned)left : n;

	if (p->lpa64) {
		for (; i < stop && !t->e[i]; i++, pa += sz)
			t->e[i] = tmpl | pgt_addr_enc(p, pa);
	} else if (!t->nnz) {
		/* An empty table: nothing to stop at but the end.  Adding sz to a
		 * whole entry only moves its address field: the address stays
		 * below 2^OAS (map checked), so no carry reaches tmpl's bits. */
		uint64_t *e = t->e, v = tmpl | pa, sz4 = 4 * sz;
		unsigned k = i;

		for (; k + 4 <= stop; k += 4, v += sz4) {
			e[k] = v;
			e[k + 1] = v + sz;
			e[k + 2] = v + 2 * sz;
			e[k + 3] = v + 3 * sz;
		}
		for (; k < stop; k++, v += sz)
			e[k] = v;
		i = stop;
	} else {
		for (; i < stop && !t->e[i]; i++, pa += sz)
			t->e[i] = tmpl | pa;
	}
	t->nnz += i - first;
	mark_entries(p, t, first, i - first);
	return i - first;
}

/* Apply a planned map: cannot fail for want of tables (they are in the pool). */
static int apply_map(struct smmu_pgt *p, const struct map_req *r, struct pgt_page *t, int level,
		     uint64_t va, uint64_t pa, uint64_t end)
{
	unsigned shift = pgt_shift(p, level);
	uint64_t sz = 1ULL << shift;
	unsigned i = pgt_index(p, level, va);
	int err;

	for (; va < end; i++) {
		uint64_t ce = ((va >> shift) + 1) << shift;
		struct pgt_page *c;

		if (ce > end)
			ce = end;
		if (!t->e[i] && fits(r, level, shift, va, pa, ce)) {
			/* leaves while they fit: pa stays aligned as it moves by sz */
			unsigned k = put_leaves(p, t, level, i, r->tmpl[level + 1], va, pa, end);

			va += (uint64_t)k * sz;
			pa += (uint64_t)k * sz;
			i += k - 1;
			continue;
		}
		if (!t->e[i]) {
			c = pool_table(p, level + 1);
			if (!c)
				return -ENOMEM;
			t->e[i] = pgt_table_entry(p, c->pa, level);
			t->nnz++;
			mark_entries(p, t, i, 1);
			link_child(p, t, level, i, c);
		} else {
			c = child_of(p, t, level, i, &err);
			if (!c)
				return err ? err : -EIO;
		}
		err = apply_map(p, r, c, level + 1, va, pa, ce);
		if (err)
			return err;
		pa += ce - va;
		va = ce;
	}
	return 0;
}

/*
 * Everything the apply phase could run out of, taken before it starts: table
 * memory, host copies, hash and dirty-list room.  So apply cannot fail half way.
 */
static int pool_fill_slow(struct smmu_pgt *p, size_t need)
{
	size_t pages = p->npages + need + 1;

	if (need > p->pool_cap) {
		struct pgt_page **n = realloc(p->pool, need * sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->pool = n;
		p->pool_cap = need;
	}
	while (p->nbucket < pages)
		if (cache_grow(p))
			return -ENOMEM;
	if (p->dirty_cap < pages) {
		struct pgt_page **d = realloc(p->dirty, pages * sizeof(*d));

		if (!d)
			return -ENOMEM;
		p->dirty = d;
		p->dirty_cap = pages;
	}
	while (p->npool < need) {
		struct pgt_page *t;
		uint64_t pa;
		int err = p->alloc.alloc(p->alloc.ctx, p->granule, p->granule, &pa);

		if (err)
			return err;
		t = page_new(p->granule, p->mem.direct ? p->mem.direct(p->mem.ctx, pa, p->granule) : NULL);
		if (!t) {
			p->alloc.free(p->alloc.ctx, pa, p->granule);
			return -ENOMEM;
		}
		t->pa = pa;
		p->pool[p->npool++] = t;
	}
	return 0;
}

static inline int pool_fill(struct smmu_pgt *p, size_t need)
{
	if (!need && p->dirty_cap > p->npages)
		return 0;
	return pool_fill_slow(p, need);
}

static void pool_drain(struct smmu_pgt *p)
{
	while (p->npool) {
		struct pgt_page *t = p->pool[--p->npool];

		p->alloc.free(p->alloc.ctx, t->pa, p->granule);
		page_free(t);
	}
}

static inline int finish(struct smmu_pgt *p, int err)
{
	if (p->npool)
		pool_drain(p);
	if (!err && !(p->cfg.flags & SMMU_PGT_CFG_DEFER_FLUSH))
		err = smmu_pgt_flush(p);
	return err;
}

/*
 * The last-level table holding [lo, hi) when the range lies inside one and no
 * larger page could cover it, reached through linked children only; NULL when
 * the general path has to decide.  Tables passed on the way go to path[].
 */
static inline struct pgt_page *leaf_table(struct smmu_pgt *p, uint64_t lo, uint64_t hi,
					  struct pgt_page ***path)
{
	struct pgt_page *t = p->root;
	unsigned s2 = pgt_lshift(p, 2);
	uint64_t key = lo >> s2;

	*path = p->cur_path;
	if (p->start == 3)
		return t;
	if (key != ((hi - 1) >> s2) || hi - lo >= 1ULL << s2)
		return NULL;
	if (p->lgen == p->tgen && p->cur_key == key && p->cur_leaf)
		return p->cur_leaf;
	p->cur_leaf = NULL;
	for (int level = p->start; level < 3; level++) {
		p->cur_path[level - p->start] = t;
		t = fast_child(t, level, pgt_index(p, level, lo));
		if (!t)
			return NULL;
	}
	p->cur_leaf = t;
	p->cur_key = key;
	p->lgen = p->tgen;
	p->cur_epoch = 0;
	return t;
}

/* map [lo, hi) as pages into existing tables: one pass.  false: not that case. */
static bool map_fast(struct smmu_pgt *p, const struct map_req *r, uint64_t lo, uint64_t pa,
		     uint64_t hi, int *err)
{
	struct pgt_page **path, *t = leaf_table(p, lo, hi, &path);
	unsigned i, n;

	if (!t)
		return false;
	i = pgt_index(p, 3, lo);
	n = (unsigned)((hi - lo) >> p->pg_shift);
	for (unsigned k = i; k < i + n; k++)
		if (t->e[k]) {
			*err = -EEXIST;
			return true;
		}
	if ((*err = note_change(p, t)) || (*err = revalidate(p)) || (*err = pool_fill(p, 0)))
		return true;
	if (n == 1) {
		t->e[i] = r->tmpl[4] | pgt_addr_enc(p, pa);
		t->nnz++;
		t->dmap[i / 64] |= 1ULL << (i % 64);
		mark_dirty(p, t);
		return true;
	}
	put_leaves(p, t, 3, i, r->tmpl[4], lo, pa, hi);
	return true;
}

int smmu_pgt_map(struct smmu_pgt *p, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	struct map_req r = { .prot = prot };
	uint64_t lo, hi;
	size_t need = 0;
	int err;

	if (p->live)
		return -EROFS;
	if (!size || ((iova | pa | size) & (p->granule - 1)) ||
	    !(prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X)))
		return -EINVAL;
	if (prot != p->last_prot || !p->last_leaf_map) {
		if ((err = p->ops->prot_ok(p, prot)))
			return err;
		p->last_leaf_map = (prot & SMMU_MAP_PAGES) ? 1u << 4 : p->leaf_map;
		for (int l = p->start; l <= 3; l++)
			if (leaf_at(p->last_leaf_map, l))
				p->last_tmpl[l + 1] = p->ops->leaf(p, l, prot);
		p->last_prot = prot;
	}
	err = to_lin_range(p, iova, size, &lo, &hi);
	if (err)
		return err;
	if (pa >= (1ULL << p->oas) || size > (1ULL << p->oas) - pa)
		return -ERANGE;
	r.leaf_map = p->last_leaf_map;
	r.tmpl = p->last_tmpl;
	op_begin(p);
	if (map_fast(p, &r, lo, pa, hi, &err))
		return finish(p, err);
	err = plan_map(p, &r, p->root, p->start, lo, pa, hi, &need);
	if (!err)
		err = revalidate(p);
	if (!err)
		err = pool_fill(p, need);
	if (!err)
		err = apply_map(p, &r, p->root, p->start, lo, pa, hi);
	return finish(p, err);
}

/* --- unmap ---------------------------------------------------------------------- */

/* Tables needed to split a level-`level` leaf so that [va, end) inside it can go. */
/*
 * The end of what a table entry at [eb, ce) reaches below it: all of it, or
 * for a pointer that skips levels (AMD-Vi NextLevel) only the start of the
 * slot, where the skipped levels' index bits are zero; the rest of the slot
 * does not translate (as translate and walk read it).
 */
static uint64_t skip_end(const struct smmu_pgt *p, const struct pgt_dec *d, int cl, uint64_t eb, uint64_t ce)
{
	uint64_t cover;

	if (!d->skip)
		return ce;
	cover = (uint64_t)1 << (pgt_shift(p, cl) + idx_bits(p, cl));
	return ce - eb > cover ? eb + cover : ce;
}

static size_t split_need(const struct smmu_pgt *p, int level, uint64_t va, uint64_t end)
{
	int cl = level + 1;
	uint64_t csz = 1ULL << pgt_shift(p, cl);
	uint64_t a = va & ~(csz - 1), b = (end - 1) & ~(csz - 1);
	bool pa = va & (csz - 1), pb = end & (csz - 1);
	size_t n = 1;

	if (cl == 3)
		return 1; /* pages: nothing below can be partly covered */
	/* Only the child entries at the two edges can be partly covered. */
	if (a == b) {
		if (pa || pb)
			n += split_need(p, cl, va, end);
	} else {
		if (pa)
			n += split_need(p, cl, va, a + csz);
		if (pb)
			n += split_need(p, cl, b, end);
	}
	return n;
}

static int plan_unmap(struct smmu_pgt *p, struct pgt_page *t, int level, uint64_t va,
		      uint64_t end, size_t *need)
{
	unsigned shift = pgt_lshift(p, level);
	unsigned i = pgt_index(p, level, va);
	int err;

	if (level == 3) {
		/* pages: nothing to split; the table changes if anything in range is set */
		unsigned n = (unsigned)((end - va) >> shift);

		if (!t->nnz)
			return 0;
		if (n == t->size / 8)
			return note_change(p, t);
		for (unsigned k = i; k < i + n; k++)
			if (t->e[k])
				return note_change(p, t);
		return 0;
	}
	for (; va < end; i++) {
		uint64_t eb = va >> shift << shift, ce = eb + (1ULL << shift);
		bool full = va == eb && ce <= end;
		struct pgt_page *c;
		struct pgt_dec d;

		if (ce > end)
			ce = end;
		if (!t->e[i]) {
			va = ce;
			continue;
		}
		if ((err = note_change(p, t)))
			return err;
		/* covered whole, whatever it is goes: nothing below to plan */
		if (full) {
			va = ce;
			continue;
		}
		if ((c = fast_child(t, level, i))) {
			err = plan_unmap(p, c, level + 1, va, ce, need);
			if (err)
				return err;
		} else {
			dec(p, level, t->e[i], &d);
			if (d.type == SMMU_PGT_E_TABLE) {
				int cl = level + 1 + (int)d.skip;
				uint64_t cend = skip_end(p, &d, cl, eb, ce);

				if (cl > 3 || va >= cend) {
					va = ce; /* nothing translates below it in range */
					continue;
				}
				c = get_table(p, d.addr, cl, &err);
				if (!c)
					return err;
				err = plan_unmap(p, c, cl, va, cend, need);
				if (err)
					return err;
			} else if (d.type == SMMU_PGT_E_LEAF) {
				*need += split_need(p, level, va, ce);
			}
		}
		va = ce;
	}
	return 0;
}

static void free_table(struct smmu_pgt *p, struct pgt_page *t)
{
	p->alloc.free(p->alloc.ctx, t->pa, p->granule);
	cache_del(p, t);
}

/* What an entry is, decoded once per distinct non-address bits. */
static enum smmu_pgt_etype etype(struct smmu_pgt *p, int level, uint64_t pte)
{
	struct pgt_dec d;

	dec(p, level, pte, &d);
	return d.type;
}

/* Clear entries [i, i + n) of the last-level table t, counting the bytes of leaves. */
static void clear_pages(struct smmu_pgt *p, struct pgt_page *t, unsigned i, unsigned n,
			uint64_t *bytes)
{
	uint64_t leaves = 0;
	unsigned cleared = 0;

	if (n == t->size / 8 && t->nnz == 0)
		return;
	for (unsigned k = i; k < i + n; k++) {
		uint64_t pte = t->e[k];

		if (!pte)
			continue;
		cleared++;
		/* the memo's key test, inline: leaves like the last one need no decode */
		if ((pte & ~p->amask[4]) != p->memo[4].key || ((pte & p->amask[4]) | p->memo[4].hi) >> p->oas) {
			if (etype(p, 3, pte) != SMMU_PGT_E_LEAF) {
				t->e[k] = 0;
				continue;
			}
		}
		leaves++;
		t->e[k] = 0;
	}
	*bytes += leaves << p->pg_shift;
	t->nnz -= cleared;
	mark_entries(p, t, i, n);
}

static int apply_unmap(struct smmu_pgt *p, struct pgt_page *t, int level, uint64_t va,
		       uint64_t end, uint64_t *bytes)
{
	unsigned shift = pgt_lshift(p, level);
	unsigned i = pgt_index(p, level, va);
	int err = 0;

	if (level == 3) {
		clear_pages(p, t, i, (unsigned)((end - va) >> shift), bytes);
		return 0;
	}
	for (; !err && va < end; i++) {
		uint64_t eb = va >> shift << shift, ce = eb + (1ULL << shift);
		bool full = va == eb && ce <= end;
		struct pgt_page *c;
		struct pgt_dec d;

		if (ce > end)
			ce = end;
		if (!t->e[i]) {
			va = ce;
			continue;
		}
		if ((c = fast_child(t, level, i))) {
			d.type = SMMU_PGT_E_TABLE;
			d.skip = 0;
		} else {
			dec(p, level, t->e[i], &d);
			if (d.type != SMMU_PGT_E_TABLE && full) {
				/* Leaves (and anything else we find) in range go. */
				if (d.type == SMMU_PGT_E_LEAF)
					*bytes += ce - va;
				t->e[i] = 0;
				t->nnz--;
				mark_entries(p, t, i, 1);
				va = ce;
				continue;
			}
			if (d.type == SMMU_PGT_E_TABLE) {
				int cl = level + 1 + (int)d.skip;

				if (cl > 3 || va >= skip_end(p, &d, cl, eb, ce)) {
					va = ce; /* nothing translates below it in range */
					continue;
				}
				c = get_table(p, d.addr, cl, &err);
				if (!c)
					break;
			} else if (d.type == SMMU_PGT_E_LEAF) {
				/* Split the block into next-level leaves with its attributes. */
				int cl = level + 1;
				uint64_t csz = 1ULL << pgt_shift(p, cl),
					 tmpl = p->ops->relevel(p, t->e[i], cl);

				c = pool_table(p, cl);
				if (!c) {
					err = -ENOMEM;
					break;
				}
				for (size_t j = 0; j < c->size / 8; j++)
					c->e[j] = tmpl | pgt_addr_enc(p, d.addr + j * csz);
				c->nnz = count_nz(c);
				t->e[i] = pgt_table_entry(p, c->pa, level);
				mark_entries(p, t, i, 1);
				link_child(p, t, level, i, c);
			} else {
				va = ce; /* a malformed entry partly covered: leave it */
				continue;
			}
		}
		{
			int cl = level + 1 + (int)d.skip;

			err = apply_unmap(p, c, cl, va, d.skip ? skip_end(p, &d, cl, eb, ce) : ce, bytes);
		}
		if (!err && !c->nnz) {
			free_table(p, c);
			t->e[i] = 0;
			t->nnz--;
			mark_entries(p, t, i, 1);
		}
		va = ce;
	}
	return err;
}

/* unmap [lo, hi) inside one last-level table reached through linked children: one pass. */
static bool unmap_fast(struct smmu_pgt *p, uint64_t lo, uint64_t hi, uint64_t *bytes, int *err)
{
	struct pgt_page **path, *t = leaf_table(p, lo, hi, &path);
	unsigned i, n, depth = (unsigned)(3 - p->start);
	bool any = false;

	if (!t)
		return false;
	i = pgt_index(p, 3, lo);
	n = (unsigned)((hi - lo) >> p->pg_shift);
	/* the tables the general path would compare with memory: every one
	 * with an entry in range that is set (none to compare when all were
	 * in this epoch, on this path) */
	if (p->cur_epoch != p->epoch)
		for (unsigned k = 0; k < depth; k++)
			if ((*err = note_change(p, path[k])))
				return true;
	for (unsigned k = i; k < i + n && !any; k++)
		any = t->e[k] != 0;
	if ((any && (*err = note_change(p, t))) || (*err = revalidate(p)) || (*err = pool_fill(p, 0)))
		return true;
	p->cur_epoch = p->epoch;
	if (!any)
		return true;
	if (n == 1) {
		uint64_t pte = t->e[i];

		/* a leaf like the last one (the memo's test), or decode it */
		if (((pte & ~p->amask[4]) == p->memo[4].key && !(((pte & p->amask[4]) | p->memo[4].hi) >> p->oas)) ||
		    etype(p, 3, pte) == SMMU_PGT_E_LEAF)
			*bytes += p->granule;
		t->e[i] = 0;
		t->nnz--;
		t->dmap[i / 64] |= 1ULL << (i % 64);
		mark_dirty(p, t);
	} else {
		clear_pages(p, t, i, n, bytes);
	}
	/* emptied tables go, from the bottom up (never the root) */
	for (unsigned k = depth; k-- > 0 && !t->nnz;) {
		struct pgt_page *up = path[k];
		unsigned j = pgt_index(p, p->start + (int)k, lo);

		free_table(p, t);
		up->e[j] = 0;
		up->nnz--;
		mark_entries(p, up, j, 1);
		t = up;
	}
	return true;
}

int smmu_pgt_unmap(struct smmu_pgt *p, uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	uint64_t lo, hi, bytes = 0;
	size_t need = 0;
	int err;

	if (unmapped)
		*unmapped = 0;
	if (p->live)
		return -EROFS;
	if (!size || ((iova | size) & (p->granule - 1)))
		return -EINVAL;
	err = to_lin_range(p, iova, size, &lo, &hi);
	if (err)
		return err;
	op_begin(p);
	if (unmap_fast(p, lo, hi, &bytes, &err)) {
		if (unmapped)
			*unmapped = bytes;
		return finish(p, err);
	}
	err = plan_unmap(p, p->root, p->start, lo, hi, &need);
	if (!err)
		err = revalidate(p);
	if (!err)
		err = pool_fill(p, need);
	if (!err)
		err = apply_unmap(p, p->root, p->start, lo, hi, &bytes);
	if (unmapped)
		*unmapped = bytes;
	return finish(p, err);
}

/* --- translate ------------------------------------------------------------------ */

static unsigned prot_of(unsigned rights, unsigned attr)
{
	unsigned prot = attr;

	if (!(rights & (PGT_RU | PGT_WU | PGT_XU))) {
		prot |= SMMU_PROT_PRIV;
		rights <<= 3;
	}
	if (rights & PGT_RU)
		prot |= SMMU_PROT_R;
	if (rights & PGT_WU)
		prot |= SMMU_PROT_W;
	if (rights & PGT_XU)
		prot |= SMMU_PROT_X;
	return prot;
}

/* A table entry takes rights away from everything below it: the level of the
 * first to take each right, so a permission fault names it, not the leaf. */
static inline unsigned take_rights(unsigned removed, unsigned rights, int arch_level, int took[6])
{
	for (unsigned b = 0, fresh = rights & ~removed; fresh >> b; b++)
		if (fresh >> b & 1)
			took[b] = arch_level;
	return removed | rights;
}

/*
 * One translation; the trace goes to x when it is not NULL.  smmu_pgt_translate
 * and smmu_pgt_translate_fast both come here, so they cannot disagree.
 */
static inline __attribute__((always_inline)) int
xlate(struct smmu_pgt *p, uint64_t iova, unsigned access, struct smmu_pgt_verdict *v,
      struct smmu_pgt_xlate *x)
{
	/* VT-d second level without execute requests: the X bit is ignored
	 * and an instruction fetch needs what a read needs */
	if (p->cfg.fmt == SMMU_PGT_VTD_SL && !(p->cfg.flags & SMMU_PGT_CFG_EXEC) && (access & SMMU_PROT_X))
		access = (access & ~SMMU_PROT_X) | SMMU_PROT_R;
	uint64_t lin, tpa = p->root_pa;
	unsigned removed = 0;
	int level = p->start, err, took[6] = { 0 };
	struct pgt_page *t;

	v->fault = SMMU_PGT_OK;
	v->perm_missing = 0;
	v->perm_from = SMMU_PGT_PERM_LEAF;
	v->perm_level = 0;
	v->oa = v->page_size = 0;
	v->prot = 0;
	v->fault_level = pgt_arch_level(p, level);
	if (x)
		x->nsteps = 0;
	if (to_lin(p, iova, &lin)) {
		v->fault = SMMU_PGT_F_INPUT_RANGE;
		return -EFAULT;
	}
	if (p->live) {
		t = get_table(p, tpa, level, &err);
	} else {
		t = p->root;
		if (!x) {
			/* down the linked children in a tight loop */
			while (level < 3) {
				unsigned i = pgt_index(p, level, lin);
				struct pgt_page *c;

				if (!t->child || !(c = t->child[i]) || t->e[i] != c->tpte)
					break;
				removed = take_rights(removed, p->tbl_removed, pgt_arch_level(p, level), took);
				tpa = c->pa;
				t = c;
				level++;
			}
		}
	}
	for (;;) {
		struct pgt_page *c;
		struct pgt_dec d;
		unsigned i = pgt_index(p, level, lin);
		uint64_t pte;

		if (x) {
			struct smmu_pgt_step *s = &x->step[x->nsteps++];

			s->level = pgt_arch_level(p, level);
			s->table_pa = tpa;
			s->index = i;
			s->entry_pa = tpa + 8ULL * i;
			s->pte = t ? t->e[i] : 0;
			s->kind = NULL;
		}
		if (!t) {
			v->fault_level = pgt_arch_level(p, level);
			v->fault = SMMU_PGT_F_TABLE_READ;
			break;
		}
		pte = t->e[i];
		if ((c = fast_child(t, level, i))) {
			/* the entry the engine wrote: a valid table entry to c */
			removed = take_rights(removed, p->tbl_removed, pgt_arch_level(p, level), took);
			if (x)
				x->step[x->nsteps - 1].kind = p->tbl_kind;
			level++;
			if (level > 3) {
				v->fault_level = pgt_arch_level(p, level - 1);
				v->fault = SMMU_PGT_F_RESERVED;
				break;
			}
			tpa = c->pa;
			t = c;
			continue;
		}
		dec(p, level, pte, &d);
		if (x)
			x->step[x->nsteps - 1].kind = d.kind;
		if (d.status != SMMU_PGT_OK && d.status != SMMU_PGT_F_ACCESS) {
			v->fault_level = pgt_arch_level(p, level);
			v->fault = d.status;
			break;
		}
		if (d.type == SMMU_PGT_E_TABLE) {
			removed = take_rights(removed, d.rights, pgt_arch_level(p, level), took);
			tpa = d.addr;
			level++;
			/* a pointer that skips levels (AMD-Vi NextLevel): their
			 * index bits must be zero */
			if (d.skip) {
				int from = level - 1;

				for (unsigned k = 0; k < d.skip && !v->fault; k++, level++)
					if (level <= 3 && pgt_index(p, level, lin)) {
						v->fault_level = pgt_arch_level(p, from);
						v->fault = SMMU_PGT_F_INVALID;
					}
				if (v->fault)
					break;
			}
			/* The hardware walks a fixed number of levels and follows any
			 * table pointer, even one back to a table on the path (that
			 * table then acts one level down): so does a translation.
			 * Loops matter to listing only (smmu_pgt_walk). */
			if (level > 3) {
				v->fault_level = pgt_arch_level(p, level - 1);
				v->fault = SMMU_PGT_F_RESERVED;
				break;
			}
			t = get_table(p, tpa, level, &err);
			continue;
		}
		/* A leaf: access flag, then permissions (the architecture's order). */
		unsigned rights = d.rights & ~removed, have, need;

		v->fault_level = pgt_arch_level(p, level);
		v->page_size = d.size_log2 ? 1ULL << d.size_log2 : 1ULL << pgt_lshift(p, level);
		v->oa = d.addr | (lin & (v->page_size - 1));
		v->prot = prot_of(rights, d.attr);
		if (d.status == SMMU_PGT_F_ACCESS) {
			v->fault = SMMU_PGT_F_ACCESS;
			break;
		}
		have = (access & SMMU_PROT_PRIV) ? rights : rights >> 3;
		need = access & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X);
		v->perm_missing = need & ~have & 7;
		if (v->perm_missing) {
			v->fault = SMMU_PGT_F_PERM;
			/* a table above took a missing right (the first on the path
			 * to lack it is named, even when the leaf lacks it too) */
			unsigned shift = (access & SMMU_PROT_PRIV) ? 0 : 3;
			for (unsigned b = 0; b < 3; b++)
				if ((v->perm_missing >> b & 1) && (removed >> (b + shift) & 1)) {
					v->perm_from = SMMU_PGT_PERM_TABLE;
					v->perm_level = took[b + shift];
					break;
				}
		}
		break;
	}
	if (p->live)
		op_done(p);
	return v->fault ? -EFAULT : 0;
}

int smmu_pgt_translate_fast(struct smmu_pgt *p, uint64_t iova, unsigned access,
			    struct smmu_pgt_verdict *v)
{
	return xlate(p, iova, access, v, NULL);
}

int smmu_pgt_translate(struct smmu_pgt *p, uint64_t iova, unsigned access,
		       struct smmu_pgt_xlate *x)
{
	struct smmu_pgt_verdict v;
	int rc = xlate(p, iova, access, &v, x);

	x->fault = v.fault;
	x->fault_level = v.fault_level;
	x->perm_missing = v.perm_missing;
	x->perm_from = v.perm_from;
	x->perm_level = v.perm_from == SMMU_PGT_PERM_TABLE ? v.perm_level : v.fault_level;
	x->oa = v.oa;
	x->page_size = v.page_size;
	x->prot = v.prot;
	return rc;
}

/* --- walk and list -------------------------------------------------------------- */

struct list_ctx {
	smmu_pgt_range_fn fn;
	void *arg;
	uint64_t lo, hi; /* hi == lo: no clipping */
	struct smmu_pgt_range cur;
	/* by level + 1: the prot of leaves with memo key lkey under removed lremoved */
	uint64_t lkey[5];
	unsigned lremoved[5], lprot[5];
	unsigned nmax[5];  /* by level + 1: the last index of a table there */
};

struct walk {
	struct smmu_pgt *p;
	struct list_ctx *list; /* smmu_pgt_list: leaves go straight to list_add */
	smmu_pgt_visit_fn fn;
	void *arg;
	unsigned flags;
	uint64_t budget;
	struct smmu_pgt_walk_stats *st;
	uint64_t path[SMMU_PGT_MAX_STEPS];
	uint64_t *seen;  /* open-addressed set of table addresses (0 = empty slot) */
	size_t nseen, seen_cap;
	bool looped;
};

/* Add pa to the visited set; false when it was there. */
static int seen_add(struct walk *w, uint64_t pa, bool *fresh)
{
	uint64_t key = pa + 1; /* 0 marks an empty slot */
	size_t m, h;

	if (2 * (w->nseen + 1) > w->seen_cap) {
		size_t cap = w->seen_cap ? w->seen_cap * 2 : 256;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < w->seen_cap; i++) {
			if (!w->seen[i])
				continue;
			for (h = (size_t)(w->seen[i] * 0x9e3779b97f4a7c15ULL >> 40) & (cap - 1); n[h];
			     h = (h + 1) & (cap - 1))
				;
			n[h] = w->seen[i];
		}
		free(w->seen);
		w->seen = n;
		w->seen_cap = cap;
	}
	m = w->seen_cap - 1;
	for (h = (size_t)(key * 0x9e3779b97f4a7c15ULL >> 40) & m; w->seen[h]; h = (h + 1) & m)
		if (w->seen[h] == key) {
			*fresh = false;
			return 0;
		}
	w->seen[h] = key;
	w->nseen++;
	*fresh = true;
	return 0;
}

static int visit(struct walk *w, struct smmu_pgt_entry *e)
{
	w->st->count[e->status]++;
	if (e->type == SMMU_PGT_E_LEAF)
		w->st->leaves++;
	if (e->type == SMMU_PGT_E_INVALID && e->status == SMMU_PGT_F_INVALID &&
	    !(w->flags & SMMU_PGT_WALK_INVALID))
		return 0;
	return w->fn(w->arg, e);
}

/* A leaf (or a run of leaves) that translates: extend the open range or start one. */
static inline int list_add(struct list_ctx *l, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	int rc;

	/* A block partly inside the requested range counts for its part. */
	if (l->hi != l->lo) {
		if (iova < l->lo) {
			pa += l->lo - iova;
			size -= l->lo - iova;
			iova = l->lo;
		}
		if (size > l->hi - iova)
			size = l->hi - iova;
	}
	if (l->cur.size && prot == l->cur.prot && iova == l->cur.iova + l->cur.size &&
	    pa == l->cur.pa + l->cur.size) {
		l->cur.size += size;
		return 0;
	}
	if (l->cur.size && (rc = l->fn(l->arg, &l->cur)))
		return rc;
	l->cur = (struct smmu_pgt_range){ .iova = iova, .pa = pa, .size = size, .prot = prot };
	return 0;
}

/*
 * Listing, the hot loop: from entry i of t, the leaves that translate like
 * the last leaf decoded at this level (the memo: same bits outside the
 * address, output below 2^OAS) and the invalid (zero) entries between them
 * go to the list here, counted as the walk counts them.  Stops at anything
 * else, at the end of [eb, end) or of the table, before the step budget and
 * where the list would clip.  Returns the entries taken (0: decode entry i
 * the long way), a callback's non-zero return in *rc.
 */
static unsigned list_run(struct walk *w, struct pgt_page *t, int level, unsigned i, uint64_t eb,
			 uint64_t end, unsigned removed, int *rc)
{
	struct smmu_pgt *p = w->p;
	struct list_ctx *l = w->list;
	const struct pgt_memo *m = &p->memo[level + 1];
	uint64_t am = p->amask[level + 1], key = m->key, hi = m->hi;
	unsigned shift = pgt_lshift(p, level);
	uint64_t sz = 1ULL << shift, cnt, top, iova, left;
	unsigned k, prot, zeros = 0;

	if ((t->e[i] & ~am) != key || m->d.status != SMMU_PGT_OK)
		return 0;
	/* entries left in [eb, end), in the table, in the budget, and inside the list's range */
	cnt = (end - eb + sz - 1) >> shift;
	if (cnt > l->nmax[level + 1] - i + 1)
		cnt = l->nmax[level + 1] - i + 1;
	if (cnt > w->budget - w->st->steps)
		cnt = w->budget - w->st->steps;
	iova = from_lin(p, eb);
	if (l->hi != l->lo) {
		if (iova < l->lo || iova >= l->hi)
			return 0;
		left = (l->hi - iova) >> shift;
		if (cnt > left)
			cnt = left;
	}
	/* output inside the address field and below 2^OAS */
	top = hi ? am : (am < (1ULL << p->oas) - 1 ? am : (1ULL << p->oas) - 1);
	if (l->lkey[level + 1] != key || l->lremoved[level + 1] != removed) {
		l->lkey[level + 1] = key;
		l->lremoved[level + 1] = removed;
		l->lprot[level + 1] = prot_of(m->d.rights & ~removed, m->d.attr);
	}
	prot = l->lprot[level + 1];
	for (k = 0; k < cnt; k++, iova += sz) {
		uint64_t pte = t->e[i + k], lin = pte & am, a;

		if (!pte) {
			zeros++;
			continue;
		}
		if ((pte & ~am) != key || lin > top)
			break;
		a = lin | hi;
		if (l->cur.size && prot == l->cur.prot && iova == l->cur.iova + l->cur.size &&
		    a == l->cur.pa + l->cur.size) {
			l->cur.size += sz;
			continue;
		}
		if (l->cur.size && (*rc = l->fn(l->arg, &l->cur))) {
			k++;
			break;
		}
		l->cur = (struct smmu_pgt_range){ .iova = iova, .pa = a, .size = sz, .prot = prot };
	}
	if (!k)
		return 0;
	w->st->steps += k;
	w->st->count[SMMU_PGT_F_INVALID] += zeros;
	w->st->count[SMMU_PGT_OK] += k - zeros;
	w->st->leaves += k - zeros;
	return k;
}

static int walk_table(struct walk *w, struct pgt_page *t, int level, unsigned depth, uint64_t va,
		      uint64_t end, unsigned removed)
{
	struct smmu_pgt *p = w->p;
	unsigned shift = pgt_lshift(p, level);
	unsigned i = pgt_index(p, level, va);
	struct smmu_pgt_entry e = { .level = pgt_arch_level(p, level), .depth = depth,
				    .size = 1ULL << shift, .table_pa = t->pa };
	int rc = 0;

	w->st->tables++;
	for (; va < end; i++) {
		uint64_t eb = va >> shift << shift, ce = eb + (1ULL << shift);
		struct pgt_page *c = NULL;
		struct pgt_dec d;

		if (ce > end)
			ce = end;
		if (w->list && t->e[i]) {
			unsigned n = list_run(w, t, level, i, eb, end, removed, &rc);

			if (rc)
				return rc;
			if (n) {
				i += n - 1;
				va = eb + ((uint64_t)n << shift);
				if (va > end)
					va = end;
				continue;
			}
		}
		e.iova = from_lin(p, eb);
		e.entry_pa = t->pa + 8ULL * i;
		e.index = i;
		if (++w->st->steps > w->budget) {
			w->looped = true;
			e.type = SMMU_PGT_E_INVALID;
			e.pte = t->e[i];
			e.addr = 0;
			e.prot = 0;
			e.kind = NULL;
			e.status = SMMU_PGT_F_BUDGET;
			w->st->count[SMMU_PGT_F_BUDGET]++;
			w->fn(w->arg, &e);
			return -SMMU_E_LOOP;
		}
		/* Zero is invalid in every format: the common case of a sparse table. */
		if (!t->e[i] && !(w->flags & SMMU_PGT_WALK_INVALID)) {
			w->st->count[SMMU_PGT_F_INVALID]++;
			va = ce;
			continue;
		}
		dec(p, level, t->e[i], &d);
		e.type = d.type;
		e.pte = t->e[i];
		e.addr = d.addr;
		e.kind = d.kind;
		e.status = d.status ? d.status : d.note;
		e.prot = d.type == SMMU_PGT_E_LEAF ? prot_of(d.rights & ~removed, d.attr) : 0;
		if (d.type == SMMU_PGT_E_TABLE && d.status == SMMU_PGT_OK) {
			bool fresh = true;
			int err = 0;

			if (level == 3) {
				e.status = SMMU_PGT_F_RESERVED;
			} else {
				for (unsigned k = 0; k <= depth; k++)
					if (w->path[k] == d.addr)
						e.status = SMMU_PGT_F_LOOP;
				if (e.status == SMMU_PGT_OK && (err = seen_add(w, d.addr, &fresh)))
					return err;
				if (e.status == SMMU_PGT_OK && !fresh)
					e.status = SMMU_PGT_F_ALIAS;
				if (e.status == SMMU_PGT_OK && level + 1 + (int)d.skip > 3)
					e.status = SMMU_PGT_F_RESERVED;
				if (e.status == SMMU_PGT_OK &&
				    !(c = get_table(p, d.addr, level + 1 + (int)d.skip, &err)))
					e.status = SMMU_PGT_F_TABLE_READ;
			}
			if (e.status == SMMU_PGT_F_LOOP)
				w->looped = true;
		}
		rc = visit(w, &e);
		if (rc)
			return rc;
		if (c) {
			/* a pointer that skips levels covers only the start of its slot,
			 * where the skipped levels' index bits are zero */
			int cl = level + 1 + (int)d.skip;
			uint64_t cend = ce, cover = (uint64_t)(c->size / 8) << pgt_shift(p, cl);

			if (d.skip && cend - eb > cover)
				cend = eb + cover;
			w->path[depth + 1] = d.addr;
			rc = va < cend ? walk_table(w, c, cl, depth + 1, va, cend, removed | d.rights) : 0;
			if (rc)
				return rc;
		}
		va = ce;
	}
	return 0;
}

static int walk_run(struct smmu_pgt *p, uint64_t iova, uint64_t size, unsigned flags,
		    uint64_t budget, smmu_pgt_visit_fn fn, void *arg, struct list_ctx *list,
		    struct smmu_pgt_walk_stats *st)
{
	struct smmu_pgt_walk_stats local;
	struct walk w = { .p = p, .list = list, .fn = fn, .arg = arg, .flags = flags,
			  .budget = budget ? budget : DEFAULT_BUDGET, .st = st ? st : &local };
	struct smmu_pgt_entry e = { .level = pgt_arch_level(p, p->start), .table_pa = p->root_pa };
	uint64_t lo, hi;
	struct pgt_page *root;
	bool fresh;
	int rc;

	memset(w.st, 0, sizeof(*w.st));
	if (!fn)
		return -EINVAL;
	if (!size) {
		lo = 0;
		hi = in_limit(p);
	} else if ((rc = to_lin_range(p, iova, size, &lo, &hi))) {
		return rc;
	}
	root = get_table(p, p->root_pa, p->start, &rc);
	if (!root) {
		/* The root itself is unreadable: say so as a warning on it. */
		e.status = SMMU_PGT_F_TABLE_READ;
		w.st->count[e.status]++;
		rc = fn(arg, &e);
		op_done(p);
		return rc;
	}
	w.path[0] = p->root_pa;
	rc = seen_add(&w, p->root_pa, &fresh);
	if (!rc)
		rc = walk_table(&w, root, p->start, 0, lo, hi, 0);
	free(w.seen);
	op_done(p);
	if (!rc && w.looped)
		rc = -SMMU_E_LOOP;
	return rc;
}

int smmu_pgt_walk(struct smmu_pgt *p, uint64_t iova, uint64_t size, unsigned flags,
		  uint64_t budget, smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st)
{
	return walk_run(p, iova, size, flags, budget, fn, arg, NULL, st);
}

static int list_visit(void *arg, const struct smmu_pgt_entry *e)
{
	struct list_ctx *l = arg;

	if (e->type != SMMU_PGT_E_LEAF || e->status != SMMU_PGT_OK)
		return 0;
	return list_add(l, e->iova, e->addr, e->size, e->prot);
}

int smmu_pgt_list(struct smmu_pgt *p, uint64_t iova, uint64_t size, smmu_pgt_range_fn fn,
		  void *arg, struct smmu_pgt_walk_stats *st)
{
	struct list_ctx l = { .fn = fn, .arg = arg, .lo = iova, .hi = iova + size,
			      .lkey = { ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL } };
	int rc, rc2 = 0;

	if (!fn)
		return -EINVAL;
	for (int lv = p->start; lv <= 3; lv++)
		l.nmax[lv + 1] = (1u << idx_bits(p, lv)) - 1;
	rc = walk_run(p, iova, size, 0, 0, list_visit, &l, &l, st);
	/* The last range is still open; a walk that looped still listed what it saw. */
	if (l.cur.size && (!rc || rc == -SMMU_E_LOOP))
		rc2 = fn(arg, &l.cur);
	return rc ? rc : rc2;
}
