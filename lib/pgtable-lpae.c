/* SPDX-License-Identifier: MIT */
/*
 * Arm VMSAv8-64 (LPAE) stage 1 and stage 2 descriptors for the page-table
 * engine (Arm ARM D8 "The AArch64 Virtual Memory System Architecture";
 * geometry derived the way Linux io-pgtable-arm does), and VMSAv8-32
 * long descriptors (SMMU_PGT_CFG_AARCH32, Arm ARM G5): the same layout at
 * 4K with a 40-bit output address, XN for every privilege, and execution
 * that needs read permission.
 */
#define SMMU_PGT_INTERNAL
#include <errno.h>

#include "field.h"
#include "pgtable.h"
#include "smmu.h"

/*
 * Descriptor fields, from decoders/pgtable.def: the 4KB-granule layouts the
 * decoders show (Block and Page descriptors share their attribute positions).
 */
#define SMMU_DEF "decoders/pgtable.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

#define LPAE_TYPE       SMMU_MASK(LPAE_ANY_Type)
#define LPAE_VALID      SMMU_GENMASK(LPAE_ANY_Type_LO, LPAE_ANY_Type_LO) /* Type[0] */
#define LPAE_TYPE_TABLE 3 /* levels 0-2; 0b11 is a Page at level 3 */
#define LPAE_TYPE_BLOCK 1
#define LPAE_TYPE_PAGE  3
#define LPAE_ATTRINDX   SMMU_MASK(LPAE_S1_PAGE_AttrIndx)  /* stage 1 */
#define LPAE_MEMATTR    SMMU_MASK(LPAE_S2_PAGE_MemAttr)   /* stage 2 */
#define LPAE_AP1        SMMU_GENMASK(LPAE_S1_PAGE_AP_LO, LPAE_S1_PAGE_AP_LO) /* AP[1]: EL0 access */
#define LPAE_AP2        SMMU_GENMASK(LPAE_S1_PAGE_AP_HI, LPAE_S1_PAGE_AP_HI) /* AP[2]: read-only */
#define LPAE_S2AP_R     SMMU_GENMASK(LPAE_S2_PAGE_S2AP_LO, LPAE_S2_PAGE_S2AP_LO) /* S2AP[0] */
#define LPAE_S2AP_W     SMMU_GENMASK(LPAE_S2_PAGE_S2AP_HI, LPAE_S2_PAGE_S2AP_HI) /* S2AP[1] */
#define LPAE_SH         SMMU_MASK(LPAE_S1_PAGE_SH)
#define LPAE_SH_ISH     3
#define LPAE_AF         SMMU_MASK(LPAE_S1_PAGE_AF)
#define LPAE_NG         SMMU_MASK(LPAE_S1_PAGE_nG)
#define LPAE_NT         SMMU_MASK(LPAE_S1_BLOCK_nT)
#define LPAE_PXN        SMMU_MASK(LPAE_S1_PAGE_PXN)
#define LPAE_UXN        SMMU_MASK(LPAE_S1_PAGE_UXN)
#define LPAE_S2XN       SMMU_MASK(LPAE_S2_PAGE_XN)
#define LPAE_PXNTABLE   SMMU_MASK(LPAE_S1_TABLE_PXNTable)
#define LPAE_UXNTABLE   SMMU_MASK(LPAE_S1_TABLE_UXNTable)
#define LPAE_APT_NOEL0  SMMU_GENMASK(LPAE_S1_TABLE_APTable_LO, LPAE_S1_TABLE_APTable_LO) /* APTable[0] */
#define LPAE_APT_NOWR   SMMU_GENMASK(LPAE_S1_TABLE_APTable_HI, LPAE_S1_TABLE_APTable_HI) /* APTable[1] */
/* Bits whose meaning depends on the granule or on features the 4KB layouts
 * above do not describe. */
#define LPAE_OA_HI64K   SMMU_GENMASK(15, 12) /* 64K + FEAT_LPA: OA[51:48] */
#define LPAE_TBL_HI     SMMU_GENMASK(51, 48) /* table: RES0 (NLTA beyond 48 bits) */
#define LPAE_S2_TBL_RES0 SMMU_GENMASK(63, 59) /* no hierarchical attributes at stage 2 */
#define AA32_OA         SMMU_GENMASK(47, 12) /* VMSAv8-32: OA[39:12]; [47:40] must be 0 */
#define AA32_IGNORED    SMMU_GENMASK(51, 48) /* VMSAv8-32: RES0, not checked */
#define AA32_OAS        40
#define AA32_S1_IAS     32
#define AA32_S2_IAS     40

#define S2_MEMATTR_NORMAL_WB 0xf /* Normal, outer and inner write-back */
#define S2_MEMATTR_DEVICE    0x1 /* Device-nGnRE */
#define S2_CONCAT_MAX_BITS   4   /* up to 16 concatenated start-level tables */

static bool is_s2(const struct smmu_pgt *p)
{
	return p->cfg.fmt == SMMU_PGT_LPAE_S2;
}

static int lpae_init(struct smmu_pgt *p)
{
	const struct smmu_pgt_cfg *c = &p->cfg;
	unsigned g = c->granule ? c->granule : 4096, max, va_bits;

	switch (g) {
	case 4096: p->pg_shift = 12; break;
	case 16384: p->pg_shift = 14; break;
	case 65536: p->pg_shift = 16; break;
	default: return -EINVAL;
	}
	p->bpl = p->pg_shift - 3;
	/* 52-bit addresses: 64K granule with FEAT_LPA only (no LPA2). */
	max = p->pg_shift == 16 ? 52 : 48;
	p->ias = c->ias;
	p->oas = c->oas ? c->oas : 48;
	p->aa32 = c->flags & SMMU_PGT_CFG_AARCH32;
	if (p->aa32) {
		/* VMSAv8-32: 4K only; TTBCR.TnSZ 0-7 (25-32 bits), VTCR.T0SZ
		 * -8..7 (25-40 bits); a 40-bit output; no level 0 */
		if (!c->oas)
			p->oas = AA32_OAS;
		if (p->pg_shift != 12 || p->ias < 25 || p->ias > (is_s2(p) ? AA32_S2_IAS : AA32_S1_IAS) ||
		    p->oas > AA32_OAS || ((c->flags & SMMU_PGT_CFG_START_LEVEL) && c->start_level < 1))
			return -EINVAL;
	}
	/* OA[51:48] move to bits [15:12] only when the output is 52 bits;
	 * below that, descriptor bits [51:48] are address bits that must be
	 * zero (an Address size fault otherwise). */
	p->lpa64 = p->pg_shift == 16 && p->oas > 48;
	if (p->ias < 16 || p->ias > max || p->oas < 32 || p->oas > max)
		return -EINVAL;
	va_bits = p->ias - p->pg_shift;
	if (c->flags & SMMU_PGT_CFG_START_LEVEL) {
		int bits = (int)va_bits - (int)p->bpl * (3 - c->start_level);

		if (c->start_level < 0 || c->start_level > 3 || bits < 1 ||
		    bits > (int)p->bpl + (is_s2(p) ? S2_CONCAT_MAX_BITS : 0))
			return -EINVAL;
		p->start = c->start_level;
		p->pgd_bits = (unsigned)bits;
	} else {
		unsigned levels = (va_bits + p->bpl - 1) / p->bpl;

		p->start = 4 - (int)levels;
		p->pgd_bits = va_bits - p->bpl * (levels - 1);
		/* Stage 2: a level-0 table of at most 16 entries becomes that many
		 * concatenated level-1 tables, one level less to walk. */
		if (is_s2(p) && p->start == 0 && p->pgd_bits <= S2_CONCAT_MAX_BITS) {
			p->start = 1;
			p->pgd_bits += p->bpl;
		}
	}
	/* Blocks: 4K at level 1 (1G) and 2 (2M); 16K at level 2 (32M); 64K at
	 * level 2 (512M), and level 1 (4T) is valid only with FEAT_LPA. */
	p->leaf_map = 1u << 4 | 1u << 3;
	if (p->pg_shift == 12)
		p->leaf_map |= 1u << 2;
	p->leaf_ok = p->leaf_map | (p->lpa64 && p->oas == 52 ? 1u << 2 : 0);
	for (int l = -1; l < p->start; l++) {
		p->leaf_map &= ~(1u << (l + 1));
		p->leaf_ok &= ~(1u << (l + 1));
	}
	p->amask[4] = SMMU_GENMASK(47, p->pg_shift); /* OA[51:48] (64K) are elsewhere */
	return 0;
}

static uint64_t lpae_table(const struct smmu_pgt *p, uint64_t pa)
{
	return pgt_addr_enc(p, pa) | SMMU_FIELD_PREP(LPAE_TYPE, LPAE_TYPE_TABLE);
}

static uint64_t lpae_leaf(const struct smmu_pgt *p, int level, unsigned prot)
{
	uint64_t pte = SMMU_FIELD_PREP(LPAE_TYPE, level == 3 ? LPAE_TYPE_PAGE : LPAE_TYPE_BLOCK) |
		       SMMU_FIELD_PREP(LPAE_SH, LPAE_SH_ISH) | LPAE_AF;

	if (is_s2(p)) {
		pte |= SMMU_FIELD_PREP(LPAE_MEMATTR, (prot & SMMU_PROT_DEVICE) ? S2_MEMATTR_DEVICE
									     : S2_MEMATTR_NORMAL_WB);
		if (prot & SMMU_PROT_R)
			pte |= LPAE_S2AP_R;
		if (prot & SMMU_PROT_W)
			pte |= LPAE_S2AP_W;
		if (!(prot & SMMU_PROT_X))
			pte |= SMMU_FIELD_PREP(LPAE_S2XN, 2); /* XN[1]: no execution at any EL */
		return pte;
	}
	/* Stage 1: reads always allowed; nG because SMMU contexts are ASID-tagged. */
	pte |= SMMU_FIELD_PREP(LPAE_ATTRINDX, SMMU_PROT_ATTR_GET(prot)) | LPAE_NG;
	if (!(prot & SMMU_PROT_PRIV))
		pte |= LPAE_AP1;
	if (!(prot & SMMU_PROT_W))
		pte |= LPAE_AP2;
	if (!(prot & SMMU_PROT_X))
		pte |= LPAE_PXN | LPAE_UXN;
	else if ((prot & SMMU_PROT_PRIV) && !p->aa32)
		pte |= LPAE_UXN; /* (VMSAv8-32: bit 54 is XN for both; no EL0 read already forbids EL0 execution) */
	return pte;
}

static uint64_t addr_field(const struct smmu_pgt *p)
{
	return SMMU_GENMASK(47, p->pg_shift) | (p->lpa64 ? LPAE_OA_HI64K : 0);
}

static uint64_t lpae_relevel(const struct smmu_pgt *p, uint64_t pte, int level)
{
	pte &= ~(addr_field(p) | LPAE_TYPE | LPAE_NT);
	return pte | SMMU_FIELD_PREP(LPAE_TYPE, level == 3 ? LPAE_TYPE_PAGE : LPAE_TYPE_BLOCK);
}

static uint64_t pte_addr(const struct smmu_pgt *p, uint64_t pte)
{
	if (p->aa32)
		return pte & AA32_OA;
	if (p->lpa64)
		return (pte & SMMU_GENMASK(47, p->pg_shift)) | SMMU_FIELD_GET(LPAE_OA_HI64K, pte) << 48;
	if (p->cfg.flags & SMMU_PGT_CFG_OA48)
		return pte & SMMU_GENMASK(47, p->pg_shift);
	return pte & SMMU_GENMASK(51, p->pg_shift);
}

static void set_status(struct pgt_dec *d, int status)
{
	if (d->status == SMMU_PGT_OK)
		d->status = status;
}

/* Bits that should be zero: the walker ignores them (a walk reports them). */
static void set_note(struct pgt_dec *d)
{
	d->note = SMMU_PGT_F_RESERVED;
}

static void lpae_decode(const struct smmu_pgt *p, int level, uint64_t pte, struct pgt_dec *d)
{
	bool s2 = is_s2(p);
	unsigned type = (unsigned)SMMU_FIELD_GET(LPAE_TYPE, pte);

	*d = (struct pgt_dec){ .type = SMMU_PGT_E_INVALID, .status = SMMU_PGT_OK };
	if (!(pte & LPAE_VALID)) {
		d->status = SMMU_PGT_F_INVALID;
		d->kind = "lpae.invalid";
		return;
	}
	d->addr = pte_addr(p, pte);
	if (type == LPAE_TYPE_TABLE && level < 3) {
		d->type = SMMU_PGT_E_TABLE;
		d->kind = s2 ? "lpae.s2.table" : "lpae.s1.table";
		if (!p->lpa64 && (pte & SMMU_GENMASK(p->pg_shift - 1, 12)))
			set_note(d); /* 16K/64K: NLTA bits [15:12] are RES0 */
		if (s2 && (pte & LPAE_S2_TBL_RES0))
			set_note(d);
		if ((p->lpa64 && (pte & LPAE_TBL_HI)) || (p->aa32 && (pte & AA32_IGNORED)))
			set_note(d);
		if (d->addr >> p->oas)
			set_status(d, SMMU_PGT_F_ADDR_SIZE);
		if (!s2) {
			if (pte & LPAE_PXNTABLE)
				d->rights |= PGT_XP;
			if (pte & LPAE_UXNTABLE)
				d->rights |= p->aa32 ? PGT_XP | PGT_XU : PGT_XU; /* VMSAv8-32: XNTable */
			if (pte & LPAE_APT_NOEL0) /* (VMSAv8-32: no PL0 read, no PL0 execution) */
				d->rights |= PGT_RU | PGT_WU | (p->aa32 ? PGT_XU : 0);
			if (pte & LPAE_APT_NOWR)
				d->rights |= PGT_WP | PGT_WU;
		}
		return;
	}
	if ((level == 3 && type != LPAE_TYPE_PAGE) || (level < 3 && !(p->leaf_ok >> (level + 1) & 1))) {
		/* A block where the granule allows none: a reserved encoding. */
		d->status = SMMU_PGT_F_RESERVED;
		d->kind = s2 ? "lpae.s2" : "lpae.s1";
		return;
	}
	d->type = SMMU_PGT_E_LEAF;
	d->kind = level == 3 ? (s2 ? "lpae.s2.page" : "lpae.s1.page")
			     : (s2 ? "lpae.s2.block" : "lpae.s1.block");
	/* OA bits below the block size are RES0 (nT sits among them). */
	if ((d->addr & ((1ULL << pgt_shift(p, level)) - 1) & ~LPAE_NT) || (p->lpa64 && (pte & LPAE_TBL_HI)) ||
	    (p->aa32 && (pte & AA32_IGNORED)))
		set_note(d);
	d->addr &= ~((1ULL << pgt_shift(p, level)) - 1);
	if (d->addr >> p->oas)
		set_status(d, SMMU_PGT_F_ADDR_SIZE);
	if (s2) {
		if (pte & LPAE_S2AP_R)
			d->rights |= PGT_RP | PGT_RU;
		if (pte & LPAE_S2AP_W)
			d->rights |= PGT_WP | PGT_WU;
		/* XN[1:0]: 0 exec, 1 not at EL1, 2 never, 3 not at EL0 (FEAT_XNX). */
		static const unsigned xn_rights[4] = { PGT_XP | PGT_XU, PGT_XU, 0, PGT_XP };
		if (p->aa32) {
			/* VMSAv8-32: XN is bit 54 alone (bit 53 RES0), and a
			 * fetch needs S2AP read: no execute-only */
			if (!(pte & SMMU_GENMASK(54, 54)) && (pte & LPAE_S2AP_R))
				d->rights |= PGT_XP | PGT_XU;
			if (pte & SMMU_GENMASK(53, 53))
				set_note(d);
		} else {
			d->rights |= xn_rights[SMMU_FIELD_GET(LPAE_S2XN, pte)];
		}
		if (SMMU_FIELD_GET(LPAE_MEMATTR, pte) >> 2 == 0)
			d->attr = SMMU_PROT_DEVICE;
	} else {
		bool ro = pte & LPAE_AP2;

		d->rights = PGT_RP | (ro ? 0 : PGT_WP);
		if (pte & LPAE_AP1)
			d->rights |= PGT_RU | (ro ? 0 : PGT_WU);
		if (p->aa32) {
			/* VMSAv8-32: bit 54 is XN for both privileges, PXN adds
			 * the privileged one; PL0 execution needs PL0 read */
			if (!(pte & (LPAE_UXN | LPAE_PXN)))
				d->rights |= PGT_XP;
			if (!(pte & LPAE_UXN) && (pte & LPAE_AP1))
				d->rights |= PGT_XU;
		} else {
			if (!(pte & LPAE_PXN))
				d->rights |= PGT_XP;
			if (!(pte & LPAE_UXN))
				d->rights |= PGT_XU;
		}
		d->attr = SMMU_PROT_ATTR(SMMU_FIELD_GET(LPAE_ATTRINDX, pte));
	}
	if (!(pte & LPAE_AF))
		set_status(d, SMMU_PGT_F_ACCESS);
}

/* Stage 2 has S2AP (R, W) and XN: execute-only is S2AP=00 with XN=0, and
 * there is no privileged-only.  Stage 1 always allows reads (AP has no
 * "no access"), and AP[1] makes privileged-only. */
static int lpae_prot_ok(const struct smmu_pgt *p, unsigned prot)
{
	if (is_s2(p)) {
		if (p->aa32 && (prot & SMMU_PROT_X) && !(prot & SMMU_PROT_R))
			return -SMMU_E_PROT; /* VMSAv8-32 stage 2: no execute-only */
		return (prot & SMMU_PROT_PRIV) ? -SMMU_E_PROT : 0;
	}
	return (prot & (SMMU_PROT_R | SMMU_PROT_W)) ? 0 : -SMMU_E_PROT;
}

const struct pgt_ops smmu_pgt_lpae_ops = {
	.init = lpae_init,
	.table = lpae_table,
	.leaf = lpae_leaf,
	.relevel = lpae_relevel,
	.decode = lpae_decode,
	.prot_ok = lpae_prot_ok,
};
