/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv2 / MMU-500 driver: probe the ID registers, take ownership so that
 * from the first moment a stream no entry matches faults (sCR0.USFCFG), give
 * each domain a context bank and each device's StreamIDs stream-match entries
 * (SMRn/S2CRn, shared when the device tree's masks make two devices one
 * stream), invalidate per bank with TLBSYNC, drain the banks' and the global
 * fault registers, and put every register back on release.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch.h"
#include "lib/domain.h"
#include "lib/hw.h"
#include "lib/live.h"
#include "lib/smmuv2.h"

#define MAX_SMRG 256
#define MAX_CB 256
/* context bank registers own() saves, in this order, per bank */
static const struct {
	uint32_t off;
	unsigned size;
} cb_saved[] = {
	{ SMMUV2_CB_SCTLR, 4 }, { SMMUV2_CB_TCR2, 4 }, { SMMUV2_CB_TCR, 4 }, { SMMUV2_CB_TTBR0, 8 },
	{ SMMUV2_CB_TTBR1, 8 }, { SMMUV2_CB_MAIR0, 4 }, { SMMUV2_CB_MAIR1, 4 }, { SMMUV2_CB_CONTEXTIDR, 4 },
	{ SMMUV2_CB_FSR, 4 },
};
#define NCB_SAVED (sizeof(cb_saved) / sizeof(cb_saved[0]))

struct smr_use {
	uint32_t id, mask;
	unsigned refs;  /* device StreamIDs that use it */
	unsigned cb;
};

struct smmuv2 {
	unsigned nsmrg, ncb, pgshift, numpage, oas, ias, sidbits;
	bool s1, s2;
	unsigned granules;
	/* what own() saved */
	uint32_t scr0, gfsr;
	uint32_t *smr, *s2cr, *cbar, *cba2r;
	uint64_t *cbregs; /* ncb x NCB_SAVED */
	/* while owned */
	struct smr_use use[MAX_SMRG];
	struct smmu_domain *cb_dom[MAX_CB];
};

static struct smmuv2 *priv(struct smmu_unit *u)
{
	return u->arch_priv;
}

static const unsigned size_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static int read_layout(struct smmu_unit *u, unsigned *pgshift, unsigned *numpage)
{
	uint32_t idr1;
	int rc = reg_read32(u, SMMUV2_IDR1, &idr1);

	if (rc)
		return rc;
	smmuv2_layout(idr1, pgshift, numpage);
	return 0;
}

void smmuv2_layout(uint32_t idr1, unsigned *pgshift, unsigned *numpage)
{
	*pgshift = SMMU_GET(SMMUV2_IDR1_PAGESIZE, idr1) ? 16 : 12;
	*numpage = 2u << SMMU_GET(SMMUV2_IDR1_NUMPAGENDXB, idr1);
}

int smmuv2_gr1(struct smmu_unit *u, uint32_t off, uint64_t *addr_off)
{
	unsigned pgshift, numpage;
	int rc = read_layout(u, &pgshift, &numpage);

	*addr_off = rc ? 0 : (1ull << pgshift) + off;
	return rc;
}

int smmuv2_cb(struct smmu_unit *u, unsigned n, uint32_t off, uint64_t *addr_off)
{
	unsigned pgshift, numpage;
	int rc = read_layout(u, &pgshift, &numpage);

	*addr_off = rc ? 0 : ((uint64_t)numpage + n) << pgshift | off;
	return rc;
}

int smmuv2_counts(struct smmu_unit *u, unsigned *nsmrg, unsigned *ncb)
{
	uint32_t idr0, idr1;
	int rc;

	if ((rc = reg_read32(u, SMMUV2_IDR0, &idr0)) || (rc = reg_read32(u, SMMUV2_IDR1, &idr1)))
		return rc;
	*nsmrg = SMMU_GET(SMMUV2_IDR0_NUMSMRG, idr0);
	*ncb = SMMU_GET(SMMUV2_IDR1_NUMCB, idr1);
	return 0;
}

const char *smmuv2_fsr_name(unsigned bit)
{
	static const char *const n[32] = { [1] = "TF", [2] = "AFF", [3] = "PF", [4] = "EF", [5] = "TLBMCF",
					   [6] = "TLBLKF", [7] = "ASF", [8] = "UUT" };
	return bit < 32 ? n[bit] : NULL;
}

const char *smmuv2_gfsr_name(unsigned bit)
{
	static const char *const n[32] = { [0] = "ICF", [1] = "USF", [2] = "SMCF", [3] = "UCBF", [4] = "UCIF",
					   [5] = "CAF", [6] = "EF", [7] = "PF", [8] = "UUT" };
	return bit < 32 ? n[bit] : NULL;
}

/* --- register places ------------------------------------------------------------ */

static uint64_t gr1(struct smmuv2 *s, uint32_t off)
{
	return (1ull << s->pgshift) + off;
}

static uint64_t cb(struct smmuv2 *s, unsigned n, uint32_t off)
{
	return ((uint64_t)s->numpage + n) << s->pgshift | off;
}

static int r32(struct smmu_unit *u, uint64_t off, uint32_t *v)
{
	return reg_read32(u, (uint32_t)off, v);
}

static int w32(struct smmu_unit *u, uint64_t off, uint32_t v)
{
	return reg_write32(u, (uint32_t)off, v);
}

/* --- probe --------------------------------------------------------------------------- */

static void destroy(struct smmu_unit *u)
{
	struct smmuv2 *s = priv(u);

	if (s) {
		free(s->smr);
		free(s->s2cr);
		free(s->cbar);
		free(s->cba2r);
		free(s->cbregs);
	}
	free(s);
	u->arch_priv = NULL;
}

static int probe(struct smmu_unit *u)
{
	struct smmuv2 *s = calloc(1, sizeof(*s));
	uint32_t idr0, idr2;
	int rc;

	if (!s)
		return -ENOMEM;
	u->arch_priv = s;
	if ((rc = reg_read32(u, SMMUV2_IDR0, &idr0)) || (rc = reg_read32(u, SMMUV2_IDR2, &idr2)) ||
	    (rc = read_layout(u, &s->pgshift, &s->numpage)) || (rc = smmuv2_counts(u, &s->nsmrg, &s->ncb)))
		goto fail;
	if (!idr0 && !idr2) { /* nothing answers here */
		rc = -ENODEV;
		goto fail;
	}
	s->s1 = SMMU_GET(SMMUV2_IDR0_S1TS, idr0);
	s->s2 = SMMU_GET(SMMUV2_IDR0_S2TS, idr0);
	s->sidbits = SMMU_GET(SMMUV2_IDR0_NUMSIDB, idr0);
	unsigned oas = SMMU_GET(SMMUV2_IDR2_OAS, idr2), ias = SMMU_GET(SMMUV2_IDR2_IAS, idr2);
	s->oas = oas < 7 ? size_bits[oas] : 48;
	s->ias = ias < 7 ? size_bits[ias] : 48;
	s->granules = (SMMU_GET(SMMUV2_IDR2_PTFSv8_4kB, idr2) ? 1u << 12 : 0) |
		      (SMMU_GET(SMMUV2_IDR2_PTFSv8_16kB, idr2) ? 1u << 14 : 0) |
		      (SMMU_GET(SMMUV2_IDR2_PTFSv8_64kB, idr2) ? 1u << 16 : 0);
	if (!s->granules)
		s->granules = 1u << 12; /* an SMMUv1 / AArch32-only one: LPAE 4K */
	if (s->nsmrg > MAX_SMRG)
		s->nsmrg = MAX_SMRG;
	if (s->ncb > MAX_CB)
		s->ncb = MAX_CB;
	s->smr = calloc(s->nsmrg + 1, sizeof(*s->smr));
	s->s2cr = calloc(s->nsmrg + 1, sizeof(*s->s2cr));
	s->cbar = calloc(s->ncb + 1, sizeof(*s->cbar));
	s->cba2r = calloc(s->ncb + 1, sizeof(*s->cba2r));
	s->cbregs = calloc((s->ncb + 1) * NCB_SAVED, sizeof(*s->cbregs));
	if (!s->smr || !s->s2cr || !s->cbar || !s->cba2r || !s->cbregs) {
		rc = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	destroy(u);
	return rc;
}

/* --- TLB maintenance ------------------------------------------------------------------ */

/* A bank's invalidations are complete once its TLBSYNC is and TLBSTATUS says so. */
static int cb_sync(struct smmu_unit *u, unsigned n)
{
	struct smmuv2 *s = priv(u);
	int rc = w32(u, cb(s, n, SMMUV2_CB_TLBSYNC), 0);

	return rc ? rc : smmu_poll32(u, (uint32_t)cb(s, n, SMMUV2_CB_TLBSTATUS),
				     (uint32_t)SMMU_MASK(SMMUV2_CB_TLBSTATUS_SACTIVE), 0);
}

static int global_sync(struct smmu_unit *u)
{
	int rc = reg_write32(u, SMMUV2_TLBGSYNC, 0);

	return rc ? rc : smmu_poll32(u, SMMUV2_TLBGSTATUS, (uint32_t)SMMU_MASK(SMMUV2_TLBGSTATUS_GSACTIVE), 0);
}

static int invalidate_all(struct smmu_unit *u)
{
	int rc = reg_write32(u, SMMUV2_TLBIALLNSNH, 0);

	return rc ? rc : global_sync(u);
}

/* --- ownership --------------------------------------------------------------------------- */

static int save_regs(struct smmu_unit *u)
{
	struct smmuv2 *s = priv(u);
	int rc;

	if ((rc = reg_read32(u, SMMUV2_SCR0, &s->scr0)) || (rc = reg_read32(u, SMMUV2_SGFSR, &s->gfsr)))
		return rc;
	for (unsigned i = 0; i < s->nsmrg; i++)
		if ((rc = reg_read32(u, SMMUV2_SMR + 4 * i, &s->smr[i])) ||
		    (rc = reg_read32(u, SMMUV2_S2CR + 4 * i, &s->s2cr[i])))
			return rc;
	for (unsigned n = 0; n < s->ncb; n++) {
		if ((rc = r32(u, gr1(s, SMMUV2_CBAR + 4 * n), &s->cbar[n])) ||
		    (rc = r32(u, gr1(s, SMMUV2_CBA2R + 4 * n), &s->cba2r[n])))
			return rc;
		for (size_t k = 0; k < NCB_SAVED; k++) {
			uint64_t *v = &s->cbregs[n * NCB_SAVED + k];
			uint32_t v32;
			if (cb_saved[k].size == 8) {
				if ((rc = reg_read64(u, (uint32_t)cb(s, n, cb_saved[k].off), v)))
					return rc;
			} else {
				if ((rc = r32(u, cb(s, n, cb_saved[k].off), &v32)))
					return rc;
				*v = v32;
			}
		}
	}
	return 0;
}

static int release(struct smmu_unit *u);

/* The bits of sCR0 smmush sets: unmatched streams fault, global faults are
 * reported; the rest (memory attributes for bypass, VMID16EN, ...) as found. */
static uint32_t owned_scr0(uint32_t was)
{
	return (was & ~(uint32_t)(SMMU_MASK(SMMUV2_SCR0_CLIENTPD) | SMMU_MASK(SMMUV2_SCR0_EXIDENABLE) |
				  SMMU_MASK(SMMUV2_SCR0_VMID16EN))) |
	       (uint32_t)(SMMU_MASK(SMMUV2_SCR0_USFCFG) | SMMU_MASK(SMMUV2_SCR0_GFRE) | SMMU_MASK(SMMUV2_SCR0_GFIE) |
			  SMMU_MASK(SMMUV2_SCR0_GCFGFRE) | SMMU_MASK(SMMUV2_SCR0_GCFGFIE));
}

static int own(struct smmu_unit *u)
{
	struct smmuv2 *s = priv(u);
	int rc;

	if ((rc = save_regs(u)) || (rc = smmu_journal_saved(u)))
		return rc; /* nothing written yet */
	u->owned = true;
	memset(s->use, 0, sizeof(s->use));
	memset(s->cb_dom, 0, sizeof(s->cb_dom));
	/* 1. Streams no entry matches fault from now on (with CLIENTPD set
	 * everything still bypasses, as it did: that ends at step 4). */
	if ((rc = reg_write32(u, SMMUV2_SCR0, s->scr0 | (uint32_t)SMMU_MASK(SMMUV2_SCR0_USFCFG))))
		goto undo;
	/* 2. Every entry faults, then none matches: no stream bypasses or reaches
	 * a bank of the earlier owner on the way. */
	for (unsigned i = 0; i < s->nsmrg; i++)
		if ((rc = reg_write32(u, SMMUV2_S2CR + 4 * i, SMMU_PREP(SMMUV2_S2CR_TYPE, SMMUV2_S2CR_TYPE_FAULT))))
			goto undo;
	for (unsigned i = 0; i < s->nsmrg; i++)
		if ((rc = reg_write32(u, SMMUV2_SMR + 4 * i, 0)))
			goto undo;
	/* 3. Every bank off, its faults cleared; nothing of theirs in the TLB. */
	for (unsigned n = 0; n < s->ncb; n++)
		if ((rc = w32(u, cb(s, n, SMMUV2_CB_SCTLR), 0)) ||
		    (rc = w32(u, cb(s, n, SMMUV2_CB_FSR), ~0u)))
			goto undo;
	if ((rc = reg_write32(u, SMMUV2_SGFSR, ~0u)) || (rc = invalidate_all(u)))
		goto undo;
	/* 4. Client ports on: translation through smmush's entries only. */
	if ((rc = reg_write32(u, SMMUV2_SCR0, owned_scr0(s->scr0))))
		goto undo;
	return 0;
undo:
	release(u);
	return rc;
}

static int release(struct smmu_unit *u)
{
	struct smmuv2 *s = priv(u);
	int rc, first = 0;

	if (!u->owned)
		return 0;
#define STEP(x) do { if ((rc = (x)) && !first) first = rc; } while (0)
	/* ours off first: every stream faults while the rest goes back */
	if ((rc = reg_write32(u, SMMUV2_SCR0, owned_scr0(s->scr0))))
		return rc;
	for (unsigned i = 0; i < s->nsmrg; i++)
		STEP(reg_write32(u, SMMUV2_S2CR + 4 * i, SMMU_PREP(SMMUV2_S2CR_TYPE, SMMUV2_S2CR_TYPE_FAULT)));
	for (unsigned i = 0; i < s->nsmrg; i++)
		STEP(reg_write32(u, SMMUV2_SMR + 4 * i, 0));
	for (unsigned n = 0; n < s->ncb; n++)
		STEP(w32(u, cb(s, n, SMMUV2_CB_SCTLR), 0));
	STEP(invalidate_all(u));
	/* the banks as they were (SCTLR, saved first, written last) */
	for (unsigned n = 0; n < s->ncb; n++) {
		STEP(w32(u, gr1(s, SMMUV2_CBA2R + 4 * n), s->cba2r[n]));
		STEP(w32(u, gr1(s, SMMUV2_CBAR + 4 * n), s->cbar[n]));
		for (size_t k = NCB_SAVED; k-- > 0;) {
			uint64_t v = s->cbregs[n * NCB_SAVED + k];
			uint32_t off = cb_saved[k].off;
			if (off == SMMUV2_CB_FSR) /* W1C: the restore register sets it */
				STEP(w32(u, cb(s, n, SMMUV2_CB_FSRRESTORE), (uint32_t)v));
			else if (cb_saved[k].size == 8)
				STEP(reg_write64(u, (uint32_t)cb(s, n, off), v));
			else
				STEP(w32(u, cb(s, n, off), (uint32_t)v));
		}
	}
	/* the stream mapping: S2CRs before the SMRs that lead to them */
	for (unsigned i = 0; i < s->nsmrg; i++)
		STEP(reg_write32(u, SMMUV2_S2CR + 4 * i, s->s2cr[i]));
	for (unsigned i = 0; i < s->nsmrg; i++)
		STEP(reg_write32(u, SMMUV2_SMR + 4 * i, s->smr[i]));
	STEP(reg_write32(u, SMMUV2_SGFSR, ~0u));
	STEP(reg_write32(u, SMMUV2_SGFSRRESTORE, s->gfsr));
	STEP(reg_write32(u, SMMUV2_SCR0, s->scr0));
#undef STEP
	if (first)
		return first; /* still owned: a retry can finish */
	u->owned = false;
	return 0;
}

/* --- domains: context banks and stream-match entries ----------------------------------------- */

static int bank_of(struct smmuv2 *s, const struct smmu_domain *dom)
{
	for (unsigned n = 0; n < s->ncb; n++)
		if (s->cb_dom[n] == dom)
			return (int)n;
	return -1;
}

static unsigned tg_enc(unsigned granule)
{
	return granule == 65536 ? SMMUV2_TG_64K : granule == 16384 ? SMMUV2_TG_16K : SMMUV2_TG_4K;
}

static unsigned size_enc(unsigned bits)
{
	for (unsigned i = 0; i < 7; i++)
		if (size_bits[i] >= bits)
			return i;
	return 5;
}

/* Program bank n for dom: stage 1 (stage 2 bypass) or stage 2 only. */
static int bank_program(struct smmu_unit *u, unsigned n, struct smmu_domain *dom)
{
	struct smmuv2 *s = priv(u);
	struct smmu_pgt_geom g;
	bool s2 = dom->flags & SMMU_DOMAIN_STAGE2;
	uint64_t root = smmu_pgt_root(dom->pgt);
	uint32_t tcr;
	int rc;

	smmu_pgt_geometry(dom->pgt, &g);
	unsigned vmid = n + 1, oas = size_enc(g.oas < s->oas ? g.oas : s->oas);
	if ((rc = w32(u, cb(s, n, SMMUV2_CB_SCTLR), 0)) ||
	    (rc = w32(u, gr1(s, SMMUV2_CBA2R + 4 * n), (uint32_t)SMMU_MASK(SMMUV2_CBA2R_VA64))) ||
	    (rc = w32(u, gr1(s, SMMUV2_CBAR + 4 * n),
		      (uint32_t)(SMMU_PREP(SMMUV2_CBAR_TYPE, s2 ? SMMUV2_CBAR_TYPE_S2 : SMMUV2_CBAR_TYPE_S1_BYPASS) |
				 SMMU_PREP(SMMUV2_CBAR_VMID, vmid) | SMMU_PREP(SMMUV2_CBAR_IRPTNDX, n)))))
		return rc;
	if (s2) {
		unsigned sl0 = (g.granule == 4096 ? 2 : 3) - g.start_level;
		tcr = (uint32_t)(SMMU_PREP(SMMUV2_CB_VTCR_T0SZ, 64 - g.ias) | SMMU_PREP(SMMUV2_CB_VTCR_SL0, sl0) |
				 SMMU_PREP(SMMUV2_CB_VTCR_IRGN0, 1) | SMMU_PREP(SMMUV2_CB_VTCR_ORGN0, 1) |
				 SMMU_PREP(SMMUV2_CB_VTCR_SH0, 3) | SMMU_PREP(SMMUV2_CB_VTCR_TG0, tg_enc(g.granule)) |
				 SMMU_PREP(SMMUV2_CB_VTCR_PASize, oas) | SMMU_MASK(SMMUV2_CB_VTCR_RES1));
		if ((rc = w32(u, cb(s, n, SMMUV2_CB_TCR), tcr)) ||
		    (rc = reg_write64(u, (uint32_t)cb(s, n, SMMUV2_CB_TTBR0), root & SMMU_MASK(SMMUV2_CB_TTBR_ADDR))))
			return rc;
	} else {
		tcr = (uint32_t)(SMMU_PREP(SMMUV2_CB_TCR_T0SZ, 64 - g.ias) | SMMU_PREP(SMMUV2_CB_TCR_IRGN0, 1) |
				 SMMU_PREP(SMMUV2_CB_TCR_ORGN0, 1) | SMMU_PREP(SMMUV2_CB_TCR_SH0, 3) |
				 SMMU_PREP(SMMUV2_CB_TCR_TG0, tg_enc(g.granule)) | SMMU_MASK(SMMUV2_CB_TCR_EPD1) |
				 SMMU_PREP(SMMUV2_CB_TCR_TG1, 2 /* 4KB: a valid value, though EPD1 */));
		if ((rc = w32(u, cb(s, n, SMMUV2_CB_TCR2),
			      (uint32_t)(SMMU_PREP(SMMUV2_CB_TCR2_PASize, oas) | SMMU_MASK(SMMUV2_CB_TCR2_AS) |
					 SMMU_PREP(SMMUV2_CB_TCR2_SEP, 7)))) ||
		    (rc = w32(u, cb(s, n, SMMUV2_CB_TCR), tcr)) ||
		    /* attr 0 Normal WB, attr 1 Device-nGnRE */
		    (rc = w32(u, cb(s, n, SMMUV2_CB_MAIR0), 0x04ff)) || (rc = w32(u, cb(s, n, SMMUV2_CB_MAIR1), 0)) ||
		    (rc = reg_write64(u, (uint32_t)cb(s, n, SMMUV2_CB_TTBR0),
				      (root & SMMU_MASK(SMMUV2_CB_TTBR_ADDR)) | SMMU_PREP(SMMUV2_CB_TTBR_ASID, dom->id))) ||
		    (rc = reg_write64(u, (uint32_t)cb(s, n, SMMUV2_CB_TTBR1), 0)))
			return rc;
	}
	/* nothing of the bank's last user may linger */
	if ((rc = w32(u, cb(s, n, SMMUV2_CB_TLBIALL), 0)) || (rc = cb_sync(u, n)) ||
	    (rc = w32(u, cb(s, n, SMMUV2_CB_FSR), ~0u)))
		return rc;
	uint32_t sctlr = (uint32_t)(SMMU_MASK(SMMUV2_CB_SCTLR_M) | SMMU_MASK(SMMUV2_CB_SCTLR_CFRE) |
				    SMMU_MASK(SMMUV2_CB_SCTLR_CFIE) | SMMU_MASK(SMMUV2_CB_SCTLR_AFE));
	if (!s2)
		sctlr |= (uint32_t)SMMU_MASK(SMMUV2_CB_SCTLR_ASIDPNE);
	return w32(u, cb(s, n, SMMUV2_CB_SCTLR), sctlr);
}

/* The bank for dom, given one when it has none. */
static int bank_get(struct smmu_unit *u, struct smmu_domain *dom, unsigned *out)
{
	struct smmuv2 *s = priv(u);
	int n = bank_of(s, dom), rc;

	if (n >= 0) {
		*out = (unsigned)n;
		return 0;
	}
	for (unsigned k = 0; k < s->ncb; k++)
		if (!s->cb_dom[k]) {
			if ((rc = bank_program(u, k, dom)))
				return rc;
			s->cb_dom[k] = dom;
			*out = k;
			return 0;
		}
	return -SMMU_E_NOCB;
}

/* A bank no entry leads to any more goes back. */
static int bank_put(struct smmu_unit *u, unsigned n)
{
	struct smmuv2 *s = priv(u);
	int rc;

	for (unsigned i = 0; i < s->nsmrg; i++)
		if (s->use[i].refs && s->use[i].cb == n)
			return 0;
	s->cb_dom[n] = NULL;
	if ((rc = w32(u, cb(s, n, SMMUV2_CB_SCTLR), 0)) || (rc = w32(u, cb(s, n, SMMUV2_CB_TLBIALL), 0)))
		return rc;
	return cb_sync(u, n);
}

static uint32_t sid_mask(const struct smmu_device *d, unsigned k)
{
	return d->info.sid_masks[k] & 0x7fff;
}

/* The entry that already covers (id, mask), a free one, or an error. */
static int smr_find(struct smmuv2 *s, uint32_t id, uint32_t mask, bool *reuse)
{
	int free_i = -1;

	id &= 0x7fff & ~mask;
	for (unsigned i = 0; i < s->nsmrg; i++) {
		struct smr_use *e = &s->use[i];
		if (!e->refs) {
			if (free_i < 0)
				free_i = (int)i;
			continue;
		}
		/* (id, mask) inside the entry: every StreamID it matches, this one does */
		if ((mask & e->mask) == mask && !((id ^ e->id) & ~e->mask)) {
			*reuse = true;
			return (int)i;
		}
		/* the two would both match some StreamID: a stream match conflict */
		if (!((id ^ e->id) & ~(mask | e->mask)))
			return -SMMU_E_SHARED;
	}
	*reuse = false;
	return free_i >= 0 ? free_i : -SMMU_E_NOSMR;
}

static int detach_streams(struct smmu_unit *u, struct smmu_device *d)
{
	struct smmuv2 *s = priv(u);
	int rc, first = 0;

	for (unsigned k = 0; k < d->info.nsids; k++) {
		uint32_t mask = sid_mask(d, k), id = d->info.sids[k] & 0x7fff & ~mask;
		for (unsigned i = 0; i < s->nsmrg; i++) {
			struct smr_use *e = &s->use[i];
			if (!e->refs || (mask & e->mask) != mask || ((id ^ e->id) & ~e->mask))
				continue;
			if (--e->refs == 0) {
				/* the entry goes: its streams are unidentified again (USF) */
				if ((rc = reg_write32(u, SMMUV2_SMR + 4 * i, 0)) ||
				    (rc = reg_write32(u, SMMUV2_S2CR + 4 * i,
						      SMMU_PREP(SMMUV2_S2CR_TYPE, SMMUV2_S2CR_TYPE_FAULT))) ||
				    (rc = bank_put(u, e->cb)))
					if (!first)
						first = rc;
			}
			break;
		}
	}
	return first;
}

static int attach(struct smmu_unit *u, struct smmu_device *d, struct smmu_domain *dom)
{
	struct smmuv2 *s = priv(u);
	unsigned n, added = 0;
	int rc;

	if (!dom)
		return detach_streams(u, d);
	if (!d->info.nsids)
		return -ENOENT;
	/* first check every StreamID, so a refusal changes nothing */
	for (unsigned k = 0; k < d->info.nsids; k++) {
		bool reuse;
		int i = smr_find(s, d->info.sids[k], sid_mask(d, k), &reuse);
		if (i < 0)
			return i;
		if (reuse && s->cb_dom[s->use[i].cb] != dom)
			return -SMMU_E_SHARED;
	}
	if ((rc = bank_get(u, dom, &n)))
		return rc;
	for (unsigned k = 0; k < d->info.nsids; k++, added++) {
		bool reuse;
		uint32_t mask = sid_mask(d, k);
		int i = smr_find(s, d->info.sids[k], mask, &reuse);
		if (i < 0) {
			rc = i; /* two of its own StreamIDs overlapping: a firmware mistake */
			break;
		}
		struct smr_use *e = &s->use[i];
		if (reuse) {
			e->refs++;
			continue;
		}
		*e = (struct smr_use){ .id = d->info.sids[k] & 0x7fff & ~mask, .mask = mask, .refs = 1, .cb = n };
		/* the S2CR before the SMR that leads to it */
		if ((rc = reg_write32(u, SMMUV2_S2CR + 4 * (unsigned)i,
				      (uint32_t)(SMMU_PREP(SMMUV2_S2CR_TYPE, SMMUV2_S2CR_TYPE_TRANS) |
						 SMMU_PREP(SMMUV2_S2CR_CBNDX, n)))) ||
		    (rc = reg_write32(u, SMMUV2_SMR + 4 * (unsigned)i,
				      (uint32_t)(SMMU_MASK(SMMUV2_SMR_VALID) | SMMU_PREP(SMMUV2_SMR_MASK, mask) |
						 SMMU_PREP(SMMUV2_SMR_ID, e->id)))))
			break;
	}
	if (rc) { /* undo the ones this call added */
		struct smmu_device part = *d;
		part.info.nsids = added;
		detach_streams(u, &part);
	}
	return rc;
}

/* Per-page invalidations for a few pages, the bank's ASID (or all of a stage
 * 2 bank) beyond; then the bank's TLBSYNC, never skipped. */
static int flush(struct smmu_unit *u, struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	enum { MAX_VA = 32 };
	struct smmuv2 *s = priv(u);
	struct smmu_pgt_geom g;
	bool s2 = dom->flags & SMMU_DOMAIN_STAGE2;
	int n = bank_of(s, dom), rc = 0;

	if (n < 0)
		return 0; /* no bank: nothing of it can be cached */
	smmu_pgt_geometry(dom->pgt, &g);
	if (size / g.granule <= MAX_VA) {
		for (uint64_t a = iova & ~(uint64_t)(g.granule - 1); !rc && a < iova + size; a += g.granule)
			rc = s2 ? reg_write64(u, (uint32_t)cb(s, (unsigned)n, SMMUV2_CB_TLBIIPAS2),
					      SMMU_PREP(SMMUV2_CB_TLBI_IPA_Address, a >> 12))
				: reg_write64(u, (uint32_t)cb(s, (unsigned)n, SMMUV2_CB_TLBIVA),
					      SMMU_PREP(SMMUV2_CB_TLBI_VA_Address, a >> 12) |
					      SMMU_PREP(SMMUV2_CB_TLBI_VA_ASID, dom->id));
	} else {
		rc = s2 ? w32(u, cb(s, (unsigned)n, SMMUV2_CB_TLBIALL), 0)
			: w32(u, cb(s, (unsigned)n, SMMUV2_CB_TLBIASID), (uint32_t)SMMU_PREP(SMMUV2_CB_TLBIASID_ASID, dom->id));
	}
	return rc ? rc : cb_sync(u, (unsigned)n);
}

/* --- faults ------------------------------------------------------------------------------------ */

static enum smmu_fault_class fsr_class(unsigned bit)
{
	switch (bit) {
	case 1: return SMMU_FC_TRANSLATION;
	case 2: return SMMU_FC_ACCESS;
	case 3: return SMMU_FC_PERMISSION;
	case 4: return SMMU_FC_FETCH;
	case 7: return SMMU_FC_ADDR_SIZE;
	default: return SMMU_FC_OTHER;
	}
}

static unsigned lowest(uint32_t v)
{
	return (unsigned)__builtin_ctz(v);
}

static int drain(struct smmu_unit *u)
{
	struct smmuv2 *s = priv(u);
	uint32_t gfsr, syn0, syn1, fsr, fsynr0, frsynra;
	uint64_t far;
	int rc;

	if (!u->owned)
		return 0;
	/* global faults: unidentified streams, stream match conflicts, ... */
	if ((rc = reg_read32(u, SMMUV2_SGFSR, &gfsr)))
		return rc;
	if (gfsr) {
		if ((rc = reg_read32(u, SMMUV2_SGFSYNR0, &syn0)) || (rc = reg_read32(u, SMMUV2_SGFSYNR1, &syn1)) ||
		    (rc = reg_read64(u, SMMUV2_SGFAR, &far)))
			return rc;
		uint32_t bits = gfsr & ~(uint32_t)SMMU_MASK(SMMUV2_SGFSR_MULTI);
		if (bits) {
			unsigned b = lowest(bits);
			struct smmu_fault f = {
				.unit = u, .raw_kind = "smmuv2.sgfsr", .nraw = 1, .raw = { gfsr },
				.code = SMMUV2_CODE_GLOBAL | b,
				.code_name = smmuv2_gfsr_name(b) ? smmuv2_gfsr_name(b) : "global fault",
				.cls = b == 1 ? SMMU_FC_STREAM : b == 0 || b == 2 ? SMMU_FC_CONFIG
				     : b == 6 ? SMMU_FC_FETCH : SMMU_FC_OTHER,
				.addr = far,
			};
			f.stream.sid = (uint32_t)SMMU_GET(SMMUV2_SGFSYNR1_StreamID, syn1);
			f.access = (SMMU_GET(SMMUV2_SGFSYNR0_WNR, syn0) ? SMMU_PROT_W : SMMU_PROT_R) |
				   (SMMU_GET(SMMUV2_SGFSYNR0_IND, syn0) ? SMMU_PROT_X : 0) |
				   (SMMU_GET(SMMUV2_SGFSYNR0_PNU, syn0) ? SMMU_PROT_PRIV : 0);
			smmu_fault_push(u->t, &f);
			u->t->faults.totals.gerrors++;
		}
		if (SMMU_GET(SMMUV2_SGFSR_MULTI, gfsr))
			u->t->faults.totals.lost_overflow++; /* faults it could not record */
		if ((rc = reg_write32(u, SMMUV2_SGFSR, gfsr)))
			return rc;
	}
	/* context faults, bank by bank: one record each, MULTI for the rest */
	for (unsigned n = 0; n < s->ncb; n++) {
		if ((rc = r32(u, cb(s, n, SMMUV2_CB_FSR), &fsr)))
			return rc;
		uint32_t bits = fsr & 0x1fe;
		if (!bits && !SMMU_GET(SMMUV2_CB_FSR_MULTI, fsr))
			continue;
		if (bits) {
			if ((rc = r32(u, cb(s, n, SMMUV2_CB_FSYNR0), &fsynr0)) ||
			    (rc = reg_read64(u, (uint32_t)cb(s, n, SMMUV2_CB_FAR), &far)) ||
			    (rc = r32(u, gr1(s, SMMUV2_CBFRSYNRA + 4 * n), &frsynra)))
				return rc;
			unsigned b = lowest(bits);
			struct smmu_fault f = { .unit = u, .raw_kind = "smmuv2.fsr", .nraw = 1, .raw = { fsr },
						.code = b, .code_name = smmuv2_fsr_name(b), .cls = fsr_class(b),
						.addr = far };
			f.stream.sid = (uint32_t)SMMU_GET(SMMUV2_CBFRSYNRA_StreamID, frsynra);
			f.access = (SMMU_GET(SMMUV2_CB_FSYNR0_WNR, fsynr0) ? SMMU_PROT_W : SMMU_PROT_R) |
				   (SMMU_GET(SMMUV2_CB_FSYNR0_IND, fsynr0) ? SMMU_PROT_X : 0) |
				   (SMMU_GET(SMMUV2_CB_FSYNR0_PNU, fsynr0) ? SMMU_PROT_PRIV : 0);
			smmu_fault_push(u->t, &f);
		}
		if (SMMU_GET(SMMUV2_CB_FSR_MULTI, fsr))
			u->t->faults.totals.lost_overflow++;
		if ((rc = w32(u, cb(s, n, SMMUV2_CB_FSR), fsr)))
			return rc;
	}
	return 0;
}

static int status(struct smmu_unit *u, struct smmu_unit_status *st)
{
	struct smmuv2 *s = priv(u);
	uint32_t scr0;
	int rc;

	if ((rc = reg_read32(u, SMMUV2_SCR0, &scr0)))
		return rc;
	st->translating = !SMMU_GET(SMMUV2_SCR0_CLIENTPD, scr0);
	st->sid_bits = s->sidbits;
	st->ssid_bits = 0;
	st->fault_slots = s->ncb + 1; /* one record per bank and one global */
	return 0;
}

/* --- the ownership journal ----------------------------------------------------------------------- */

static size_t saved_get(struct smmu_unit *u, struct smmu_saved_reg *r, size_t max)
{
	struct smmuv2 *s = priv(u);
	size_t n = 0;

#define PUT(o, sz, v) do { if (n < max) r[n++] = (struct smmu_saved_reg){ (uint32_t)(o), sz, v }; } while (0)
	PUT(SMMUV2_SCR0, 4, s->scr0);
	PUT(SMMUV2_SGFSR, 4, s->gfsr);
	for (unsigned i = 0; i < s->nsmrg; i++) {
		PUT(SMMUV2_SMR + 4 * i, 4, s->smr[i]);
		PUT(SMMUV2_S2CR + 4 * i, 4, s->s2cr[i]);
	}
	for (unsigned k = 0; k < s->ncb; k++) {
		PUT(gr1(s, SMMUV2_CBAR + 4 * k), 4, s->cbar[k]);
		PUT(gr1(s, SMMUV2_CBA2R + 4 * k), 4, s->cba2r[k]);
		for (size_t j = 0; j < NCB_SAVED; j++)
			PUT(cb(s, k, cb_saved[j].off), cb_saved[j].size, s->cbregs[k * NCB_SAVED + j]);
	}
#undef PUT
	return n;
}

static int saved_set(struct smmu_unit *u, const struct smmu_saved_reg *r, size_t n, bool releasing)
{
	struct smmuv2 *s = priv(u);
	struct smmu_saved_reg want[SMMU_SAVED_MAX];
	size_t nw = saved_get(u, want, SMMU_SAVED_MAX);

	(void)releasing;
	/* every register or none: the journal must name each one */
	for (size_t i = 0; i < nw; i++)
		if (smmu_saved_find(r, n, want[i].off, want[i].size, &want[i].val))
			return -SMMU_E_PARSE;
	size_t i = 0;
	s->scr0 = (uint32_t)want[i++].val;
	s->gfsr = (uint32_t)want[i++].val;
	for (unsigned k = 0; k < s->nsmrg; k++) {
		s->smr[k] = (uint32_t)want[i++].val;
		s->s2cr[k] = (uint32_t)want[i++].val;
	}
	for (unsigned k = 0; k < s->ncb; k++) {
		s->cbar[k] = (uint32_t)want[i++].val;
		s->cba2r[k] = (uint32_t)want[i++].val;
		for (size_t j = 0; j < NCB_SAVED; j++)
			s->cbregs[k * NCB_SAVED + j] = want[i++].val;
	}
	return 0;
}

/* As in the Arm VMSA: an entry that gives a translation fault is never
 * cached, so a map that only fills invalid entries needs no TLBI. */
static bool caches_invalid(struct smmu_unit *u)
{
	(void)u;
	return false;
}

const struct smmu_arch_ops smmu_arch_smmuv2 = {
	.probe = probe,
	.own = own,
	.release = release,
	.attach = attach,
	.flush = flush,
	.caches_invalid = caches_invalid,
	.drain = drain,
	.status = status,
	.config = smmuv2_config,
	.destroy = destroy,
	.saved_get = saved_get,
	.saved_set = saved_set,
};

int smmu_arch_smmuv2_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg)
{
	struct smmuv2 *s = priv(u);

	return smmu_arch_lpae_limits(cfg, s->s1, s->s2, s->granules, s->oas, s->ias /* IDR2.IAS */);
}
