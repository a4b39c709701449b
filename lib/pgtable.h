/* SPDX-License-Identifier: MIT */
/*
 * The page-table engine (internal to libsmmu; not installed: its public types
 * are in smmu-inspect.h): one walker whose geometry comes
 * from parameters, for Arm VMSAv8-64 (LPAE) stage 1 and 2 and Intel VT-d
 * second- and first-level tables.
 *
 * Supported geometries:
 *  - LPAE: VMSAv8-32 long descriptors with SMMU_PGT_CFG_AARCH32 (4K, input up
 *    to 32 bits at stage 1 and 40 at stage 2, 40-bit output, start level 1 or 2).
 *  - LPAE: 4K, 16K and 64K granules; input size 25..48 bits, and 52 bits with
 *    the 64K granule (FEAT_LPA: OA[51:48] in descriptor bits [15:12]).  4K/16K
 *    with FEAT_LPA2 (52-bit, level -1) is not supported.  Output size up to
 *    48 bits (52 with 64K).  Blocks: 4K 1G (level 1) and 2M; 16K 32M; 64K 512M.
 *    Stage 2 concatenates up to 16 tables at the start level the way Linux
 *    does (a level-0 table of at most 16 entries becomes concatenated level-1
 *    tables); open_live() takes an explicit start level (VTCR.SL0).
 *  - VT-d second level: 3, 4 or 5 levels (39, 48, 57-bit); 2M/1G pages when
 *    the unit reports them (CAP.SLLPS).  First level: 4 or 5 levels (48,
 *    57-bit, canonical addresses), 2M pages, 1G with CAP.FL1GP.
 *  - AMD-Vi v1 (host): 1 to 5 levels (21 to 57-bit), pointers that skip
 *    levels and NextLevel 7 leaves read as the hardware reads them.
 *
 * Memory: the engine reads and writes tables through struct smmu_mem and keeps
 * a host-side cache (except tables it builds in place in memory the library
 * alone writes and can address: smmu_mem.direct).  Tables it
 * created (smmu_pgt_create) stay cached for the handle's life.  Tables opened
 * live (smmu_pgt_open_live) are read fresh for every operation and are
 * read-only to the engine.
 *
 * Owned tables live in memory that others may write too (the user's `wg`,
 * a debugger, firmware, a device gone wild), so the cache is never trusted
 * blindly:
 *  - Write back: map/unmap record which entries they changed (a bit per
 *    entry) and write back only runs of changed entries, once per call (or at
 *    smmu_pgt_flush with SMMU_PGT_CFG_DEFER_FLUSH), deepest level first so a
 *    new table reaches memory before the entry that points to it.  A table the
 *    engine just allocated is written whole once.  An entry nobody changed
 *    through the engine is never written, so a foreign write to it survives.
 *  - Writes the library knows of: smmu_pgt_note_write() tells the engine what
 *    memory now holds (libsmmu calls it for every smmu_mem_write on the
 *    target); cached bytes are updated and a pending change of the same entry
 *    is dropped: the later write wins.
 *  - Writes nobody told the engine of: before map/unmap changes a table, it
 *    reads that table from memory and compares it with what the cache last
 *    read or wrote (pending changes of a deferred flush excepted).  Entries
 *    that differ are a conflict: the cache takes memory's values (memory wins,
 *    nothing of the other agent's is overwritten), the conflict is counted and
 *    the last one kept (smmu_pgt_conflicts), and the call returns
 *    -SMMU_E_CONFLICT having changed nothing.  Calling again works on the
 *    refreshed copy.  Cost: one table read per table the call changes.
 *
 * Errors: 0 or a negative errno; the engine never prints.  TLB invalidation
 * after unmap is the caller's job.
 */
#ifndef SMMU_PGTABLE_H
#define SMMU_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu-inspect.h"

/* How bytes reach physical memory.  Both return 0 or a negative errno. */
struct smmu_mem {
	int (*read)(void *ctx, uint64_t pa, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t pa, const void *buf, size_t len);
	void *ctx;
	/*
	 * Optional.  How many times agents other than the library (devices,
	 * firmware, a debugger, a CPU the library does not drive) have written
	 * this memory so far: any number that changes whenever such a write may
	 * have happened.  Memory only the library writes (an in-memory test
	 * RAM, a model whose devices write nothing) returns a constant.  When
	 * the number has not moved since the engine last compared a cached table
	 * with memory, the read-back before a change (see above) is skipped:
	 * nobody can have written the table since.  NULL: unknown, every map and
	 * unmap reads back the tables it changes.
	 */
	uint64_t (*foreign_writes)(void *ctx);
	/*
	 * Optional.  Host memory that holds [pa, pa + len), or NULL: memory
	 * the library may address directly (an in-memory RAM).  Tables map
	 * allocates are then built in place, with no host copy to write back.
	 * The engine reads such a table's entries from memory itself, so a
	 * foreign write to one is never overwritten, but it is not reported as
	 * a conflict either (there is no older copy to compare with): give
	 * direct only for memory that nobody but the library writes.
	 */
	void *(*direct)(void *ctx, uint64_t pa, size_t len);
};

/* Where table memory comes from. */
struct smmu_table_alloc {
	int (*alloc)(void *ctx, size_t size, size_t align, uint64_t *pa);
	void (*free)(void *ctx, uint64_t pa, size_t size);
	void *ctx;
};

/*
 * A simple allocator over a physical range [base, base + size): a bitmap of
 * `unit`-byte blocks (the granule), next-fit.  smmu_region_alloc_init() fills
 * `ops` so the region can be handed to smmu_pgt_create().
 */
struct smmu_region {
	uint64_t base, size;
	size_t unit;
	size_t nunits, hint, used;
	uint64_t *bitmap;
};
int smmu_region_alloc_init(struct smmu_region *r, uint64_t base, uint64_t size, size_t unit,
			   struct smmu_table_alloc *ops);
void smmu_region_alloc_fini(struct smmu_region *r);
/* Bytes currently allocated. */
uint64_t smmu_region_in_use(const struct smmu_region *r);

struct smmu_pgt;

/* A new, empty table tree (zeroed root, concatenated roots for stage 2). */
int smmu_pgt_create(const struct smmu_pgt_cfg *cfg, const struct smmu_mem *mem,
		    const struct smmu_table_alloc *alloc, struct smmu_pgt **out);
/* Tables that already exist at root_pa (read-only: map/unmap give -EROFS). */
int smmu_pgt_open_live(const struct smmu_pgt_cfg *cfg, const struct smmu_mem *mem,
		       uint64_t root_pa, struct smmu_pgt **out);
/* Frees every table of a created tree, and the handle.  NULL is fine. */
void smmu_pgt_destroy(struct smmu_pgt *p);

uint64_t smmu_pgt_root(const struct smmu_pgt *p);
/* Geometry as derived: start level (architecture numbering), levels, root size. */
struct smmu_pgt_geom {
	int start_level;     /* LPAE 0..3 / VT-d 5..1 (the spec's numbering) */
	unsigned levels;
	unsigned granule;
	unsigned ias, oas;
	unsigned concat;     /* tables concatenated at the start level (1 = none) */
	size_t root_size;    /* bytes of the start-level table(s) */
	uint64_t page_sizes; /* bitmap of page/block sizes map can use */
};
void smmu_pgt_geometry(const struct smmu_pgt *p, struct smmu_pgt_geom *g);

/* Map [iova, iova+size) to pa.  -EINVAL misaligned or prot without R, W or X,
 * -SMMU_E_PROT permissions the format cannot express (LPAE stage 1 and VT-d:
 * execute-only, since a present entry always allows reads; LPAE stage 2 and
 * VT-d second level: SMMU_PROT_PRIV, which they have no bit for), -ERANGE outside
 * IAS/OAS, -EEXIST overlapping a mapping, -ENOMEM no table memory: in every
 * case nothing has changed. */
int smmu_pgt_map(struct smmu_pgt *p, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot);
/* Unmap; blocks partially covered are split, emptied tables freed.  Parts not
 * mapped are skipped; *unmapped (optional) gets the bytes that were mapped. */
int smmu_pgt_unmap(struct smmu_pgt *p, uint64_t iova, uint64_t size, uint64_t *unmapped);
/* Write dirty cached tables through smmu_mem. */
int smmu_pgt_flush(struct smmu_pgt *p);
/* Write every cached table of an owned tree again, whole (putting tables
 * back after memory may have changed, e.g. on the next own). */
int smmu_pgt_rewrite(struct smmu_pgt *p);
/* Memory at [pa, pa + len) now holds buf (written around the engine): cached
 * table bytes there are updated.  Owned trees only; live ones read afresh.
 * Returns how many of the bytes the tree's tables hold; *changed becomes
 * true when the write changed an entry that was not zero (left as it was
 * otherwise): one a unit may have cached, where zero is invalid in every
 * format. */
size_t smmu_pgt_note_write(struct smmu_pgt *p, uint64_t pa, const void *buf, size_t len, bool *changed);
/* Entries map/unmap found changed in memory beneath the cache (see above). */
void smmu_pgt_conflicts(const struct smmu_pgt *p, struct smmu_table_conflict *c);

/* --- translate: one address with a per-level trace ------------------------- */
/* Translate iova for an access (SMMU_PROT_R/W/X, | SMMU_PROT_PRIV for a
 * privileged request; 0 = just look).  0 when translated, -EFAULT when the
 * translation faulted (details in *x), other negative errno on bad arguments. */
int smmu_pgt_translate(struct smmu_pgt *p, uint64_t iova, unsigned access,
		       struct smmu_pgt_xlate *x);

/* The verdict of a translation without the trace: what smmu_pgt_translate
 * reports in struct smmu_pgt_xlate but the steps.  Same returns; it reads the
 * same entries and decides exactly as smmu_pgt_translate does. */
struct smmu_pgt_verdict {
	int fault;            /* enum smmu_pgt_fault; SMMU_PGT_OK when translated */
	int fault_level;      /* level where it stopped (architecture numbering) */
	unsigned perm_missing;
	int perm_from, perm_level; /* as in struct smmu_pgt_xlate */
	unsigned prot;
	uint64_t oa;
	uint64_t page_size;
};
int smmu_pgt_translate_fast(struct smmu_pgt *p, uint64_t iova, unsigned access,
			    struct smmu_pgt_verdict *v);

/* --- walk: a visitor over entries, bounded ------------------------------------ */
/* Visit the entries covering [iova, iova+size) (size 0: the whole input
 * space).  Tables seen before are not descended again (status ALIAS, or LOOP
 * when on the current path), unreadable tables give TABLE_READ; budget 0
 * means the default (SMMU_PGT_WALK_BUDGET entries).  Returns 0, the visitor's non-zero
 * return, or -SMMU_E_LOOP when a cycle was found or the budget ran out. */
#define SMMU_PGT_WALK_BUDGET (1ULL << 26)
int smmu_pgt_walk(struct smmu_pgt *p, uint64_t iova, uint64_t size, unsigned flags,
		  uint64_t budget, smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st);

/* --- list: leaves coalesced into ranges --------------------------------------- */
/* Leaves that translate, merged while permissions are equal and output is
 * contiguous.  Same returns as smmu_pgt_walk. */
int smmu_pgt_list(struct smmu_pgt *p, uint64_t iova, uint64_t size, smmu_pgt_range_fn fn,
		  void *arg, struct smmu_pgt_walk_stats *st);

/* --- engine internals, shared by pgtable.c and the format files ------------- */
#ifdef SMMU_PGT_INTERNAL

/* Access rights of an entry: privileged (P) and unprivileged (U) R/W/X. */
enum {
	PGT_RP = 1 << 0, PGT_WP = 1 << 1, PGT_XP = 1 << 2,
	PGT_RU = 1 << 3, PGT_WU = 1 << 4, PGT_XU = 1 << 5,
	PGT_RALL = 0x3f,
};

/* One entry decoded by its format. */
struct pgt_dec {
	enum smmu_pgt_etype type;
	int status;         /* SMMU_PGT_OK, F_INVALID, F_RESERVED, F_ADDR_SIZE, F_ACCESS: what the
			     * hardware faults on */
	int note;           /* F_RESERVED: bits that should be zero but that the hardware
			     * ignores (a walk reports them; a translation goes on) */
	uint64_t addr;      /* next table or output address */
	unsigned rights;    /* leaf: rights; table: rights the table removes below it */
	unsigned attr;      /* leaf: SMMU_PROT_DEVICE / SMMU_PROT_ATTR() bits */
	const char *kind;
	unsigned skip;      /* table: levels the pointer skips (AMD-Vi NextLevel) */
	unsigned size_log2; /* leaf: its size when not its level's (AMD-Vi NextLevel 7) */
};

/*
 * Levels are numbered internally the LPAE way: the leaf level is 3 and the
 * start level is 4 - levels, so VT-d 5-level tables start at -1.
 */
struct pgt_ops {
	int (*init)(struct smmu_pgt *p);                 /* geometry and checks */
	uint64_t (*table)(const struct smmu_pgt *p, uint64_t pa);
	/* optional: a table entry at `level` that says which level it points to */
	uint64_t (*table_at)(const struct smmu_pgt *p, uint64_t pa, int level);
	uint64_t (*leaf)(const struct smmu_pgt *p, int level, unsigned prot); /* no address */
	/* A leaf at `level` with the attributes of leaf `pte` (splitting a block). */
	uint64_t (*relevel)(const struct smmu_pgt *p, uint64_t pte, int level);
	void (*decode)(const struct smmu_pgt *p, int level, uint64_t pte, struct pgt_dec *d);
	/* 0, or -SMMU_E_PROT when the format cannot express prot (map refuses it) */
	int (*prot_ok)(const struct smmu_pgt *p, unsigned prot);
};
extern const struct pgt_ops smmu_pgt_lpae_ops, smmu_pgt_vtd_ops, smmu_pgt_amd_ops;

struct pgt_page;

/* Decoding a leaf depends on its level and on its bits outside the address
 * field only (and on whether the address is below 2^OAS): one decoded leaf
 * a level is remembered and reused for leaves with the same other bits. */
struct pgt_memo {
	uint64_t key;       /* pte & ~amask[level], or ~0 when empty */
	uint64_t hi;        /* address bits not in amask (LPAE 64K: OA[51:48]) */
	struct pgt_dec d;
};

struct smmu_pgt {
	const struct pgt_ops *ops;
	struct smmu_pgt_cfg cfg;
	struct smmu_mem mem;
	struct smmu_table_alloc alloc;
	bool live;
	bool canon;            /* VT-d FL: canonical (sign-extended) input addresses */
	bool lpa64;            /* LPAE 64K granule: OA[51:48] live in bits [15:12] */
	bool aa32;             /* LPAE: VMSAv8-32 long descriptors (SMMU_PGT_CFG_AARCH32) */
	bool vtd_levels;       /* report levels the VT-d way (5..1, PTE = 1) */
	unsigned pg_shift, bpl, pgd_bits, ias, oas;
	int start;             /* internal start level */
	unsigned leaf_map;     /* bit (level + 1): map may create leaves there */
	unsigned leaf_ok;      /* bit (level + 1): a leaf there is architecturally valid */
	size_t granule, root_size, root_alloc;
	uint64_t root_pa;
	/* table cache: pa -> copy */
	struct pgt_page **bucket;
	size_t nbucket, npages;
	struct pgt_page *root;
	struct pgt_page **dirty;
	size_t ndirty, dirty_cap;
	struct pgt_page **pool; /* tables allocated ahead of a map/unmap */
	size_t npool, pool_cap;
	/* tables the current map/unmap will change: compared with memory first */
	struct pgt_page **check;
	size_t ncheck, check_cap;
	uint32_t opgen;
	uint64_t *scratch;      /* one table read back from memory */
	struct smmu_table_conflict conflict;
	/* foreign-write epochs: a table compared with memory in the current
	 * epoch needs no read-back (see smmu_mem.foreign_writes) */
	uint64_t fgen;
	uint32_t epoch;
	/* fast paths */
	unsigned lshift[5];     /* by level + 1: pgt_shift() */
	uint64_t lmask[5];      /* by level + 1: index mask of a table there */
	uint64_t amask[5];      /* by level + 1: address bits of a leaf there, stored linearly */
	unsigned tbl_removed;   /* rights a table entry the engine writes removes (VT-d SL: X) */
	const char *tbl_kind;   /* and its decoder kind */
	struct pgt_memo memo[5];/* by level + 1 */
	/* the last leaf table map or unmap reached through linked children, and
	 * the tables above it: valid while lgen == tgen (tgen moves whenever a
	 * table goes or an entry changes other than by map filling an empty one) */
	struct pgt_page *cur_leaf, *cur_path[4];
	uint64_t cur_key;       /* lo >> pgt_lshift(2) of the tables' range */
	uint32_t tgen, lgen;
	uint32_t cur_epoch;     /* unmap: every table on the path was compared in this epoch */
	unsigned last_prot;     /* map: the request whose templates are in last_tmpl */
	uint64_t last_tmpl[6];
	unsigned last_leaf_map;
};

static inline unsigned pgt_shift(const struct smmu_pgt *p, int level)
{
	return p->pg_shift + (unsigned)(3 - level) * p->bpl;
}

/* A table entry at `level` pointing to the table at pa. */
static inline uint64_t pgt_table_entry(const struct smmu_pgt *p, uint64_t pa, int level)
{
	return p->ops->table_at ? p->ops->table_at(p, pa, level) : p->ops->table(p, pa);
}

/* The same from the table the engine fills once the geometry is known. */
static inline unsigned pgt_lshift(const struct smmu_pgt *p, int level)
{
	return p->lshift[level + 1];
}

/* The level number the architecture's documents use. */
static inline int pgt_arch_level(const struct smmu_pgt *p, int level)
{
	return p->vtd_levels ? 4 - level : level;
}

/* Address field of an entry: the address, except that LPAE 64K keeps OA[51:48] in [15:12]. */
static inline uint64_t pgt_addr_enc(const struct smmu_pgt *p, uint64_t pa)
{
	if (p->lpa64)
		return (pa & 0x0000ffffffff0000ULL) | ((pa >> 36) & 0xf000);
	return pa;
}

#endif /* SMMU_PGT_INTERNAL */

#endif
