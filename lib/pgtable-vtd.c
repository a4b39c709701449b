/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d second-level and first-level (IA-32e format) paging entries for
 * the page-table engine (VT-d specification, chapter 9 "Translation Structure
 * Formats").  4K granule, 9 bits a level; internal level 3 is the PTE, so the
 * spec's level n is internal level 4 - n.
 */
#define SMMU_PGT_INTERNAL
#include <errno.h>

#include "field.h"
#include "pgtable.h"
#include "smmu.h"

/* Entry fields, from decoders/pgtable.def. */
#define SMMU_DEF "decoders/pgtable.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

/* Second-level entries. */
#define SL_R    SMMU_MASK(VTD_SL_PTE_R)
#define SL_W    SMMU_MASK(VTD_SL_PTE_W)
#define SL_X    SMMU_MASK(VTD_SL_PTE_X)
#define SL_PS   SMMU_MASK(VTD_SL_PTE_PS)
#define SL_SNP  SMMU_MASK(VTD_SL_PTE_SNP)
#define SL_TM   SMMU_MASK(VTD_SL_PTE_TM)
/* First-level entries. */
#define FL_P    SMMU_MASK(VTD_FL_PTE_P)
#define FL_RW   SMMU_MASK(VTD_FL_PTE_RW)
#define FL_US   SMMU_MASK(VTD_FL_PTE_US)
#define FL_A    SMMU_MASK(VTD_FL_PTE_A)
#define FL_D    SMMU_MASK(VTD_FL_PTE_D)
#define FL_PS   SMMU_MASK(VTD_FL_PTE_PS)
#define FL_XD   SMMU_MASK(VTD_FL_PTE_XD)
#define FL_PAT_LARGE SMMU_GENMASK(12, 12) /* PAT of a 2M/1G page: the lowest address bit */
/* Both: the page frame or next table, up to the host address width. */
#define VTD_ADDR SMMU_MASK(VTD_SL_PTE_ADDR)
_Static_assert(VTD_SL_PTE_ADDR_HI == VTD_FL_PTE_ADDR_HI && VTD_SL_PTE_ADDR_LO == VTD_FL_PTE_ADDR_LO,
	       "first- and second-level entries keep the address in the same bits");
_Static_assert(VTD_SL_PTE_PS_LO == VTD_FL_PTE_PS_LO, "PS is the same bit in both formats");

static bool is_fl(const struct smmu_pgt *p)
{
	return p->cfg.fmt == SMMU_PGT_VTD_FL;
}

static int vtd_init(struct smmu_pgt *p)
{
	const struct smmu_pgt_cfg *c = &p->cfg;
	unsigned levels;

	if (c->granule && c->granule != 4096)
		return -EINVAL;
	p->pg_shift = 12;
	p->bpl = 9;
	p->pgd_bits = 9;
	p->ias = c->ias;
	p->oas = c->oas ? c->oas : 48;
	/* SL: 3, 4, 5 levels (39/48/57-bit AGAW); FL: 4 or 5-level paging. */
	if (p->ias != 48 && p->ias != 57 && (is_fl(p) || p->ias != 39))
		return -EINVAL;
	if (p->oas < 32 || p->oas > 52 || (c->flags & SMMU_PGT_CFG_START_LEVEL))
		return -EINVAL;
	levels = (p->ias - 12) / 9;
	p->start = 4 - (int)levels;
	p->canon = is_fl(p);
	p->vtd_levels = true;
	/* Leaves: PTE always; 2M PDE (FL always, SL with SLLPS bit 0); 1G PDPE
	 * (SL SLLPS bit 1, FL FL1GP).  1G without 2M does not exist. */
	p->leaf_map = 1u << 4;
	if (is_fl(p) || (c->flags & (SMMU_PGT_CFG_2M | SMMU_PGT_CFG_1G)))
		p->leaf_map |= 1u << 3;
	if (c->flags & SMMU_PGT_CFG_1G)
		p->leaf_map |= 1u << 2;
	p->leaf_ok = p->leaf_map;
	p->amask[4] = VTD_ADDR;
	return 0;
}

static uint64_t vtd_table(const struct smmu_pgt *p, uint64_t pa)
{
	/* Non-leaf entries grant everything; leaves decide. */
	if (is_fl(p))
		return pa | FL_P | FL_RW | FL_US | FL_A;
	return pa | SL_R | SL_W | ((p->cfg.flags & SMMU_PGT_CFG_EXEC) ? SL_X : 0);
}

static uint64_t vtd_leaf(const struct smmu_pgt *p, int level, unsigned prot)
{
	uint64_t pte;

	if (is_fl(p)) {
		/* A and D preset so the unit never has to write them back. */
		pte = FL_P | FL_A | (level < 3 ? FL_PS : 0);
		if (prot & SMMU_PROT_W)
			pte |= FL_RW | FL_D;
		if (!(prot & SMMU_PROT_PRIV))
			pte |= FL_US;
		if (!(prot & SMMU_PROT_X))
			pte |= FL_XD;
		return pte;
	}
	pte = level < 3 ? SL_PS : 0;
	if (prot & SMMU_PROT_R)
		pte |= SL_R;
	if (prot & SMMU_PROT_W)
		pte |= SL_W;
	if ((prot & SMMU_PROT_X) && (p->cfg.flags & SMMU_PGT_CFG_EXEC))
		pte |= SL_X;
	return pte;
}

static uint64_t vtd_relevel(const struct smmu_pgt *p, uint64_t pte, int level)
{
	(void)p;
	pte &= ~(VTD_ADDR | SL_PS); /* FL_PS is the same bit (asserted above) */
	return pte | (level < 3 ? SL_PS : 0);
}

static unsigned rights_of(const struct smmu_pgt *p, uint64_t pte)
{
	unsigned r = 0;

	if (is_fl(p)) {
		r = PGT_RP | PGT_XP | ((pte & FL_RW) ? PGT_WP : 0);
		if (pte & FL_US)
			r |= r << 3;
		if (pte & FL_XD)
			r &= ~(PGT_XP | PGT_XU);
		return r;
	}
	if (pte & SL_R)
		r |= PGT_RP | PGT_RU;
	if (pte & SL_W)
		r |= PGT_WP | PGT_WU;
	/* Without execute-request support there is no execute permission to
	 * show; smmu_pgt_translate checks such a request as a read. */
	if ((p->cfg.flags & SMMU_PGT_CFG_EXEC) && (pte & SL_X))
		r |= PGT_XP | PGT_XU;
	return r;
}

static void vtd_decode(const struct smmu_pgt *p, int level, uint64_t pte, struct pgt_dec *d)
{
	bool fl = is_fl(p);
	bool ps = level < 3 && (pte & SL_PS);
	uint64_t low;

	*d = (struct pgt_dec){ .type = SMMU_PGT_E_INVALID, .status = SMMU_PGT_OK,
			       .kind = fl ? "vtd.fl.pte" : "vtd.sl.pte" };
	/* FL: P; SL: present when R or W is set. */
	if (fl ? !(pte & FL_P) : !(pte & (SL_R | SL_W))) {
		d->status = SMMU_PGT_F_INVALID;
		return;
	}
	d->addr = pte & VTD_ADDR;
	if (d->addr >> p->oas)
		d->status = SMMU_PGT_F_RESERVED; /* address bits at and above HAW */
	/* Second level: TM (bit 62) is reserved since VT-d 3.0 (no ECAP.DT
	 * transient mappings), and SNP (bit 11) exists in leaves only, and
	 * only with ECAP.SC. */
	if (!fl && (pte & SL_TM) && d->status == SMMU_PGT_OK)
		d->status = SMMU_PGT_F_RESERVED;
	if (level < 3 && !ps) {
		d->type = SMMU_PGT_E_TABLE;
		d->rights = PGT_RALL & ~rights_of(p, pte);
		if (!fl && (pte & SL_SNP) && d->status == SMMU_PGT_OK)
			d->status = SMMU_PGT_F_RESERVED;
		return;
	}
	d->type = SMMU_PGT_E_LEAF;
	d->rights = rights_of(p, pte);
	if (!fl && (pte & SL_SNP) && (p->cfg.flags & SMMU_PGT_CFG_NO_SNOOP) && d->status == SMMU_PGT_OK)
		d->status = SMMU_PGT_F_RESERVED;
	if (ps && !(p->leaf_ok >> (level + 1) & 1))
		d->status = SMMU_PGT_F_RESERVED; /* PS where the unit has no such page size */
	/* A large page's address bits below its size are reserved (FL: bit 12 is PAT). */
	low = ((1ULL << pgt_shift(p, level)) - 1) & VTD_ADDR;
	if (fl && level < 3)
		low &= ~FL_PAT_LARGE;
	if ((d->addr & low) && d->status == SMMU_PGT_OK)
		d->status = SMMU_PGT_F_RESERVED;
	d->addr &= ~((1ULL << pgt_shift(p, level)) - 1);
}

/* Present means R or W (second level) or P (first level, reads always
 * allowed): no execute-only.  Only the first level has U/S. */
static int vtd_prot_ok(const struct smmu_pgt *p, unsigned prot)
{
	if (!(prot & (SMMU_PROT_R | SMMU_PROT_W)))
		return -SMMU_E_PROT;
	return !is_fl(p) && (prot & SMMU_PROT_PRIV) ? -SMMU_E_PROT : 0;
}

const struct pgt_ops smmu_pgt_vtd_ops = {
	.init = vtd_init,
	.table = vtd_table,
	.leaf = vtd_leaf,
	.relevel = vtd_relevel,
	.decode = vtd_decode,
	.prot_ok = vtd_prot_ok,
};
