/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi v1 (host) I/O page tables for the page-table engine (AMD IOMMU
 * specification #48882, "I/O page tables for host translations").  4K
 * granule, 9 bits a level; the specification's level n is internal level
 * 4 - n (level 1 holds PTEs).  The engine builds and reads 1 to 5 levels
 * (21, 30, 39, 48, 57-bit input; the DTE's Mode is the number of levels).
 *
 * An entry's NextLevel says what it is: 0 a leaf of its level's natural size
 * (4K, 2M, 1G ...), 7 a leaf whose size is encoded in its address (the bits
 * below the size are ones, the bit below the size zero), 1-6 a pointer to a
 * table of that level.  Map writes pointers to the next level down and
 * natural-size leaves.  Reading tables written by others, a pointer whose
 * NextLevel skips levels is followed (the engine's pgt_dec.skip: the address
 * bits of the skipped levels must be zero), and a NextLevel 7 leaf is
 * decoded for its size.
 *
 * Permissions: IR and IW in every entry on the path (a PDE without IW makes
 * everything below read-only); an entry is present when PR is set.
 */
#define SMMU_PGT_INTERNAL
#include <errno.h>

#include "field.h"
#include "pgtable.h"
#include "smmu.h"

#define SMMU_DEF "decoders/amdvi.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

#define AMD_PR   SMMU_MASK(AMDVI_PTE_PR)
#define AMD_NL   SMMU_MASK(AMDVI_PTE_NextLevel)
#define AMD_IR   SMMU_MASK(AMDVI_PTE_LEAF_IR)
#define AMD_IW   SMMU_MASK(AMDVI_PTE_LEAF_IW)
#define AMD_FC   SMMU_MASK(AMDVI_PTE_LEAF_FC)
#define AMD_ADDR SMMU_MASK(AMDVI_PTE_LEAF_Address)
/* reserved: 58:52 in a PTE, 60:52 in a PDE */
#define AMD_PTE_RSVD SMMU_GENMASK(58, 52)
#define AMD_PDE_RSVD SMMU_GENMASK(60, 52)
_Static_assert(AMDVI_PDE_IR_LO == AMDVI_PTE_LEAF_IR_LO && AMDVI_PDE_IW_LO == AMDVI_PTE_LEAF_IW_LO,
	       "IR and IW are the same bits in PDEs and PTEs");

/* the specification's level of internal level `level` */
static unsigned amd_level(int level)
{
	return (unsigned)(4 - level);
}

static int amd_init(struct smmu_pgt *p)
{
	const struct smmu_pgt_cfg *c = &p->cfg;

	if (c->granule && c->granule != 4096)
		return -EINVAL;
	p->pg_shift = 12;
	p->bpl = 9;
	p->pgd_bits = 9;
	p->ias = c->ias;
	p->oas = c->oas ? c->oas : 52;
	/* 1 to 5 levels (Mode 1-5); Mode 6 would need a sixth engine level */
	if (p->ias < 21 || p->ias > 57 || (p->ias - 12) % 9)
		return -EINVAL;
	if (p->oas < 32 || p->oas > 52 || (c->flags & SMMU_PGT_CFG_START_LEVEL))
		return -EINVAL;
	p->start = 4 - (int)((p->ias - 12) / 9);
	p->vtd_levels = true; /* level 1 is the PTE level, as in VT-d */
	/* natural-size leaves: 4K, 2M and 1G for map; any level is valid */
	p->leaf_map = 1u << 4 | 1u << 3 | 1u << 2;
	p->leaf_ok = ~0u;
	return 0;
}

static uint64_t amd_table(const struct smmu_pgt *p, uint64_t pa)
{
	(void)p;
	return pa | AMD_PR | AMD_IR | AMD_IW; /* NextLevel: amd_table_at */
}

static uint64_t amd_table_at(const struct smmu_pgt *p, uint64_t pa, int level)
{
	return amd_table(p, pa) | SMMU_PREP(AMDVI_PTE_NextLevel, amd_level(level) - 1);
}

static uint64_t amd_leaf(const struct smmu_pgt *p, int level, unsigned prot)
{
	uint64_t pte = AMD_PR; /* NextLevel 0: the level's natural size */

	(void)p;
	(void)level;
	if (prot & SMMU_PROT_R)
		pte |= AMD_IR;
	if (prot & SMMU_PROT_W)
		pte |= AMD_IW;
	return pte;
}

static uint64_t amd_relevel(const struct smmu_pgt *p, uint64_t pte, int level)
{
	(void)p;
	(void)level;
	return pte & ~(AMD_ADDR | AMD_NL);
}

static unsigned rights_of(uint64_t pte)
{
	return ((pte & AMD_IR) ? PGT_RP | PGT_RU : 0) | ((pte & AMD_IW) ? PGT_WP | PGT_WU : 0);
}

static void amd_decode(const struct smmu_pgt *p, int level, uint64_t pte, struct pgt_dec *d)
{
	unsigned lvl = amd_level(level), nl = (unsigned)SMMU_GET(AMDVI_PTE_NextLevel, pte);
	uint64_t natural = 1ULL << pgt_shift(p, level);

	*d = (struct pgt_dec){ .type = SMMU_PGT_E_INVALID, .status = SMMU_PGT_OK };
	if (!(pte & AMD_PR)) {
		d->kind = "amdvi.pte";
		d->status = SMMU_PGT_F_INVALID;
		return;
	}
	d->addr = pte & AMD_ADDR;
	if (nl != 0 && nl != 7) {
		d->kind = "amdvi.pde";
		d->type = SMMU_PGT_E_TABLE;
		d->rights = PGT_RALL & ~rights_of(pte);
		if (nl >= lvl || (pte & AMD_PDE_RSVD) || (d->addr >> p->oas))
			d->status = SMMU_PGT_F_RESERVED; /* a pointer up, or to the same level */
		else
			d->skip = lvl - 1 - nl;
		return;
	}
	d->kind = "amdvi.pte.leaf";
	d->type = SMMU_PGT_E_LEAF;
	d->rights = rights_of(pte);
	if ((pte & AMD_PTE_RSVD) || (d->addr >> p->oas))
		d->status = SMMU_PGT_F_RESERVED;
	if (nl == 7) {
		/* the size: a run of ones from address bit 12 up, then a zero at
		 * bit z, encodes 2^(z+1) bytes */
		unsigned z = 12;

		while (z < 52 && (d->addr >> z & 1))
			z++;
		if (z + 1 <= pgt_shift(p, level) || z + 1 >= pgt_shift(p, level) + p->bpl)
			d->status = SMMU_PGT_F_RESERVED; /* not larger than the level's size, or not smaller than the next's */
		/* each entry of the run maps its natural-size slice of the page:
		 * the engine adds the offset within the slice */
		d->addr &= ~((2ULL << z) - 1);
		d->size_log2 = z + 1;
		return;
	}
	d->addr &= ~(natural - 1);
}

/* Present means PR; permissions are IR and IW: no execute-only, no privilege. */
static int amd_prot_ok(const struct smmu_pgt *p, unsigned prot)
{
	(void)p;
	if (!(prot & (SMMU_PROT_R | SMMU_PROT_W)))
		return -SMMU_E_PROT;
	return prot & SMMU_PROT_PRIV ? -SMMU_E_PROT : 0;
}

const struct pgt_ops smmu_pgt_amd_ops = {
	.init = amd_init,
	.table = amd_table,
	.table_at = amd_table_at,
	.leaf = amd_leaf,
	.relevel = amd_relevel,
	.decode = amd_decode,
	.prot_ok = amd_prot_ok,
};
