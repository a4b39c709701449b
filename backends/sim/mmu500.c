/* SPDX-License-Identifier: MIT */
/*
 * An Arm CoreLink MMU-500: the SMMU architecture version 2 (IHI 0062) with
 * stream matching, written from the architecture and the MMU-500 TRM.
 * Nothing from lib/ or decoders/: its own offsets and bit positions below.
 *
 * A transaction: sCR0.CLIENTPD bypasses everything; else the StreamID is
 * matched against every valid SMRn (ID and MASK): none is an unidentified
 * stream (bypass, or sGFSR.USF when sCR0.USFCFG), several a stream match
 * conflict (sGFSR.SMCF); the one match's S2CRn translates through a context
 * bank, bypasses or faults.  The bank's CBARn says stage 1 (stage 2 bypass or
 * fault), stage 2 or nested (stage 1 then the stage 2 bank CBARn.CBNDX names).
 * Walks are VMSAv8-64 LPAE at 4K/16K/64K (AArch64 banks, CBA2Rn.VA64) or the
 * AArch32 LPAE format (4K, 32-bit input).  A TLB keeps what it walked until
 * an invalidation that a sync completed; two entries that match one address
 * are a TLB match conflict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

#define BIT(n) (1u << (n))
#define MAX_SMRG 128
#define MAX_CB   128
#define TLB_SIZE 512
#define MAX_PENDING 64

/* GR0 */
enum {
	R_SCR0 = 0x000, R_SCR1 = 0x004, R_SCR2 = 0x008, R_SACR = 0x010,
	R_IDR0 = 0x020, R_IDR1 = 0x024, R_IDR2 = 0x028, R_IDR3 = 0x02c, R_IDR4 = 0x030,
	R_IDR5 = 0x034, R_IDR6 = 0x038, R_IDR7 = 0x03c,
	R_SGFAR = 0x040, R_SGFSR = 0x048, R_SGFSRRESTORE = 0x04c,
	R_SGFSYNR0 = 0x050, R_SGFSYNR1 = 0x054, R_SGFSYNR2 = 0x058,
	R_TLBIVMID = 0x064, R_TLBIALLNSNH = 0x068, R_TLBIALLH = 0x06c,
	R_TLBGSYNC = 0x070, R_TLBGSTATUS = 0x074, R_SMR = 0x800, R_S2CR = 0xc00,
};
/* GR1 */
enum { R_CBAR = 0x000, R_CBFRSYNRA = 0x400, R_CBA2R = 0x800 };
/* a context bank */
enum {
	C_SCTLR = 0x000, C_ACTLR = 0x004, C_RESUME = 0x008, C_TCR2 = 0x010, C_TTBR0 = 0x020,
	C_TTBR1 = 0x028, C_TCR = 0x030, C_CONTEXTIDR = 0x034, C_MAIR0 = 0x038, C_MAIR1 = 0x03c,
	C_PAR = 0x050, C_FSR = 0x058, C_FSRRESTORE = 0x05c, C_FAR = 0x060, C_FSYNR0 = 0x068,
	C_FSYNR1 = 0x06c, C_IPAFAR = 0x070, C_TLBIVA = 0x600, C_TLBIVAA = 0x608,
	C_TLBIASID = 0x610, C_TLBIALL = 0x618, C_TLBIVAL = 0x620, C_TLBIVAAL = 0x628,
	C_TLBIIPAS2 = 0x630, C_TLBIIPAS2L = 0x638, C_TLBSYNC = 0x7f0, C_TLBSTATUS = 0x7f4,
	C_ATS1PR = 0x800, C_ATS1PW = 0x808, C_ATS1UR = 0x810, C_ATS1UW = 0x818, C_ATSR = 0x8f0,
};

/* sCR0 */
#define SCR0_CLIENTPD BIT(0)
#define SCR0_USFCFG   BIT(10)
#define SCR0_SMCFCFG  BIT(21)
/* sGFSR and FSR */
#define GFSR_ICF  BIT(0)
#define GFSR_USF  BIT(1)
#define GFSR_SMCF BIT(2)
#define FSR_TF     BIT(1)
#define FSR_AFF    BIT(2)
#define FSR_PF     BIT(3)
#define FSR_EF     BIT(4)
#define FSR_TLBMCF BIT(5)
#define FSR_ASF    BIT(7)
#define FSR_FAULTS 0x1feu
#define FSR_MULTI  BIT(31)
/* SCTLR */
#define SCTLR_M    BIT(0)
#define SCTLR_AFFD BIT(3)
#define SCTLR_WXN  BIT(9)
#define SCTLR_UWXN BIT(10)

/* Permissions a TLB entry or a walk grants. */
enum { P_R = 1, P_W = 2, P_X = 4 };

struct cb {
	uint32_t sctlr, actlr, tcr2, tcr, contextidr, mair0, mair1, fsr, fsynr0, fsynr1;
	uint64_t ttbr0, ttbr1, par, far, ipafar;
};

struct tlbe {
	bool valid;
	bool global;      /* stage 1 nG = 0: every ASID */
	bool s2only;      /* a stage 2 bank's entry (tagged VMID only) */
	uint16_t vmid;
	uint16_t asid;
	unsigned cb;      /* the bank that walked it (stage 1 bank for nested) */
	uint64_t va, size, pa;
	unsigned perm_u, perm_p; /* what unprivileged / privileged accesses may do */
	uint64_t ipa;     /* nested: the stage 2 input it went through */
};

/* An invalidation that waits for its sync. */
struct pending {
	enum { INV_ALL, INV_VMID, INV_ASID, INV_VA, INV_VAA, INV_IPA } op;
	bool global_sync;   /* completed by sTLBGSYNC (else by the bank's TLBSYNC) */
	unsigned cb;
	uint16_t vmid, asid;
	uint64_t addr;
};

struct mmu500 {
	struct sim_iommu iommu;
	struct sim_machine *m;
	unsigned nsmrg, ncb, pgshift, numpage;
	uint32_t scr0, scr1, scr2, sacr;
	uint32_t sgfsr, sgfsynr0, sgfsynr1, sgfsynr2;
	uint64_t sgfar;
	uint32_t smr[MAX_SMRG], s2cr[MAX_SMRG];
	uint32_t cbar[MAX_CB], cbfrsynra[MAX_CB], cba2r[MAX_CB];
	struct cb cb[MAX_CB];
	struct tlbe tlb[TLB_SIZE];
	unsigned tlb_next;
	struct pending pend[MAX_PENDING];
	unsigned npend;
};

/* --- faults ------------------------------------------------------------------------ */

/* What a fault says about the access (FSYNR0 / sGFSYNR0 bits). */
static void global_fault(struct mmu500 *s, uint32_t bit, const struct sim_txn *t)
{
	if (s->sgfsr & ~FSR_MULTI) { /* one recorded already: only MULTI says so */
		s->sgfsr |= FSR_MULTI;
		return;
	}
	s->sgfsr |= bit;
	s->sgfar = t->iova;
	s->sgfsynr0 = (t->access & SIM_ACC_WRITE ? BIT(1) : 0) | (t->access & SIM_ACC_PRIV ? BIT(2) : 0) |
		      (t->access & SIM_ACC_EXEC ? BIT(3) : 0) | BIT(4) | BIT(5);
	s->sgfsynr1 = t->sid & 0xffff;
	s->sgfsynr2 = 0;
}

struct fault {
	uint32_t fsr;      /* one FSR fault bit */
	int level;         /* table level where it arose */
	bool s2;           /* at stage 2 (of a nested bank, or a stage 2 bank) */
	bool ptw;          /* stage 2 fault on a stage 1 table fetch */
	uint64_t ipa;
};

static void context_fault(struct mmu500 *s, unsigned cbi, const struct fault *f, const struct sim_txn *t,
			  unsigned s1cb)
{
	struct cb *c = &s->cb[cbi];

	if (c->fsr & FSR_FAULTS) {
		c->fsr |= FSR_MULTI;
		return;
	}
	c->fsr = f->fsr | (s->cba2r[cbi] & 1 ? 2u : 1u) << 9; /* FORMAT: AArch64 or AArch32 long */
	c->far = t->iova;
	c->fsynr0 = (uint32_t)(f->level & 3) | (t->access & SIM_ACC_WRITE ? BIT(4) : 0) |
		    (t->access & SIM_ACC_PRIV ? BIT(5) : 0) | (t->access & SIM_ACC_EXEC ? BIT(6) : 0) |
		    BIT(7) | BIT(8) | (f->ptw ? BIT(10) : 0) | (s1cb & 0xff) << 16;
	c->fsynr1 = 0;
	c->ipafar = f->s2 ? f->ipa : 0;
	s->cbfrsynra[cbi] = t->sid & 0xffff;
}

/* --- table walks -------------------------------------------------------------------- */

/* One stage's walk configuration, from a bank's registers. */
struct wcfg {
	bool ok;          /* a format the model walks */
	bool s2;
	unsigned gshift;  /* 12, 14, 16 */
	unsigned ias;     /* input bits */
	unsigned oas;     /* output bits */
	int start;        /* start level */
	uint64_t ttb;
	uint16_t asid;
	bool disabled;    /* EPDx */
	bool upper;       /* TTBR1 */
	bool aa32;        /* AArch32 LPAE (CBA2Rn.VA64 = 0): VMSAv8-32 execute rules */
};

static const unsigned pa_size[] = { 32, 36, 40, 42, 44, 48, 48, 48 };

static unsigned tg0_shift(unsigned tg)
{
	return tg == 0 ? 12 : tg == 1 ? 16 : tg == 2 ? 14 : 0;
}

static unsigned tg1_shift(unsigned tg)
{
	return tg == 2 ? 12 : tg == 3 ? 16 : tg == 1 ? 14 : 0;
}

/* The level a walk of ias input bits starts at, for a granule of 2^g bytes. */
static int start_level(unsigned ias, unsigned g)
{
	unsigned per = g - 3, bits = ias - g;
	int levels = (int)((bits + per - 1) / per);

	return 4 - levels;
}

static void s1_cfg(const struct mmu500 *s, unsigned cbi, uint64_t va, struct wcfg *w)
{
	const struct cb *c = &s->cb[cbi];
	bool va64 = s->cba2r[cbi] & 1;

	memset(w, 0, sizeof(*w));
	if (va64) {
		unsigned t0sz = c->tcr & 0x3f, t1sz = c->tcr >> 16 & 0x3f;
		w->oas = pa_size[c->tcr2 & 7];
		if (t0sz < 16 || t0sz > 39)
			t0sz = t0sz < 16 ? 16 : 39;
		if (t1sz < 16 || t1sz > 39)
			t1sz = t1sz < 16 ? 16 : 39;
		if (!(va >> (64 - t0sz))) {
			w->ias = 64 - t0sz;
			w->gshift = tg0_shift(c->tcr >> 14 & 3);
			w->ttb = c->ttbr0;
			w->disabled = c->tcr & BIT(7);
		} else if ((~va >> (64 - t1sz)) == 0) {
			w->ias = 64 - t1sz;
			w->gshift = tg1_shift(c->tcr >> 30 & 3);
			w->ttb = c->ttbr1;
			w->disabled = c->tcr & BIT(23);
			w->upper = true;
		} else {
			w->ok = true;
			w->disabled = true; /* in neither region: a translation fault */
			w->start = 0;
			return;
		}
		w->asid = (c->tcr & BIT(22) ? c->ttbr1 : c->ttbr0) >> 48;
		if (!(c->tcr2 & BIT(4)))
			w->asid &= 0xff;
	} else {
		/* AArch32 LPAE (TTBCR.EAE): 32-bit VA, 4K granule, 40-bit output */
		unsigned t0sz = c->tcr & 7, t1sz = c->tcr >> 16 & 7;
		if (!(c->tcr & BIT(31)))
			return; /* short descriptors: not implemented by MMU-500 (IDR0.PTFS) */
		w->oas = 40;
		w->gshift = 12;
		w->aa32 = true;
		if (va >> 32) {
			w->ok = true;
			w->disabled = true;
			return;
		}
		if (!t0sz || !(va >> (32 - t0sz))) {
			w->ias = 32 - t0sz;
			w->ttb = c->ttbr0;
			w->disabled = c->tcr & BIT(7);
		} else if (t1sz && va >> (32 - t1sz) == (1u << t1sz) - 1) {
			w->ias = 32 - t1sz;
			w->ttb = c->ttbr1;
			w->disabled = c->tcr & BIT(23);
			w->upper = true;
		} else {
			w->ias = 32 - t0sz;
			w->ttb = c->ttbr0;
			w->disabled = c->tcr & BIT(7);
		}
		w->asid = (uint8_t)((c->tcr & BIT(22) ? c->ttbr1 : c->ttbr0) >> 48);
	}
	if (!w->gshift)
		return;
	w->ok = true;
	w->start = start_level(w->ias, w->gshift);
}

static void s2_cfg(const struct mmu500 *s, unsigned cbi, struct wcfg *w)
{
	const struct cb *c = &s->cb[cbi];
	unsigned sl0 = c->tcr >> 6 & 3;

	memset(w, 0, sizeof(*w));
	w->s2 = true;
	if (s->cba2r[cbi] & 1) {
		unsigned t0sz = c->tcr & 0x3f;
		w->gshift = tg0_shift(c->tcr >> 14 & 3);
		w->oas = pa_size[c->tcr >> 16 & 7];
		if (t0sz < 16 || t0sz > 39 || !w->gshift)
			return;
		w->ias = 64 - t0sz;
	} else {
		int t0sz = (int)(c->tcr & 0xf);
		if (t0sz & 8)
			t0sz -= 16; /* signed: -8..7 */
		w->gshift = 12;
		w->oas = 40;
		w->ias = (unsigned)(32 - t0sz);
	}
	/* SL0 counts back from level 2 (4K) or level 3 (16K, 64K) */
	w->start = (w->gshift == 12 ? 2 : 3) - (int)sl0;
	if (w->start < 0 || sl0 == 3)
		return;
	/* the start level must cover the input with at most 16 concatenated tables */
	unsigned per = w->gshift - 3;
	unsigned covered = w->gshift + per * (unsigned)(4 - w->start);
	if (w->ias > covered + 4 || w->ias + per <= covered)
		return;
	w->ttb = c->ttbr0;
	w->ok = true;
}

struct walk {
	uint64_t oa, size;
	unsigned perm_u, perm_p;
	bool global;
};

static uint64_t mask(unsigned bits)
{
	return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

/* Fetch a descriptor: 0, or an external fault. */
static int fetch(struct mmu500 *s, uint64_t pa, uint64_t *d)
{
	s->m->now_ns += SIM_NS_PER_FETCH;
	return sim_ram_read64(s->m, pa, d);
}

/* Nested: table addresses of stage 1 and its output are IPAs.  This hook
 * translates them through stage 2 (NULL: physical). */
struct s2ctx {
	struct mmu500 *s;
	unsigned cbi;
	struct wcfg w;
};
static int walk(struct mmu500 *s, const struct wcfg *w, uint64_t in, bool afe_fault, struct s2ctx *s2,
		struct walk *out, struct fault *f);

static int through_s2(struct s2ctx *s2, uint64_t ipa, uint64_t *pa, struct fault *f)
{
	struct walk r;

	if (!s2) {
		*pa = ipa;
		return 0;
	}
	if (walk(s2->s, &s2->w, ipa, !(s2->s->cb[s2->cbi].sctlr & SCTLR_AFFD), NULL, &r, f)) {
		f->s2 = true;
		f->ipa = ipa;
		return -EFAULT;
	}
	if (!(r.perm_u & P_R)) { /* stage 2 must allow the walk to read */
		*f = (struct fault){ .fsr = FSR_PF, .level = 3, .s2 = true, .ipa = ipa };
		return -EFAULT;
	}
	*pa = r.oa | (ipa & (r.size - 1));
	return 0;
}

static int walk(struct mmu500 *s, const struct wcfg *w, uint64_t in, bool afe_fault, struct s2ctx *s2,
		struct walk *out, struct fault *f)
{
	unsigned g = w->gshift, per = g - 3;
	/* TTBR bits below the start table's size (64 bytes at least) are RES0:
	 * taken as zero */
	unsigned tbits = w->ok && !w->disabled ? w->ias - (g + per * (unsigned)(3 - w->start)) + 3 : 6;
	uint64_t table = w->ttb & mask(48) & ~mask(tbits < 6 ? 6 : tbits);
	unsigned ap_mask = 0; /* APTable restrictions: bit 0 no EL0, bit 1 read-only */
	bool xn_table = false, pxn_table = false;
	int level = w->start;

	*f = (struct fault){ .level = level };
	if (!w->ok || w->disabled) {
		f->fsr = FSR_TF;
		return -EFAULT;
	}
	if (w->ias < 64 && (in & mask(64) & ~mask(w->ias)) && !w->upper) {
		f->fsr = FSR_TF;
		return -EFAULT;
	}
	/* the table base: aligned to the start table's size (concatenated at stage 2) */
	if (table & ~mask(w->oas)) {
		f->fsr = FSR_ASF;
		return -EFAULT;
	}
	for (;; level++) {
		unsigned shift = g + per * (unsigned)(3 - level);
		unsigned bits = level == w->start ? w->ias - shift : per;
		uint64_t idx = (in >> shift) & mask(bits), d, tpa;
		f->level = level;
		if (through_s2(s2, table + idx * 8, &tpa, f)) {
			f->ptw = true;
			return -EFAULT;
		}
		if (fetch(s, tpa, &d)) {
			f->fsr = FSR_EF;
			return -EFAULT;
		}
		if (!(d & 1) || (level == 3 && !(d & 2))) {
			f->fsr = FSR_TF;
			return -EFAULT;
		}
		uint64_t addr = d & mask(48) & ~mask(g);
		if (level < 3 && (d & 2)) { /* a table */
			if (addr & ~mask(w->oas)) {
				f->fsr = FSR_ASF;
				return -EFAULT;
			}
			if (!w->s2) {
				ap_mask |= (unsigned)(d >> 61) & 3;
				xn_table |= (d >> 60) & 1; /* UXNTable */
				pxn_table |= (d >> 59) & 1; /* PXNTable */
			}
			table = addr;
			continue;
		}
		/* a block or a page */
		if (level < 3 && (level == 0 || (g == 16 && level == 1) || (g == 14 && level == 1))) {
			f->fsr = FSR_TF; /* no block at this level for this granule */
			return -EFAULT;
		}
		uint64_t size = 1ull << shift;
		addr &= ~(size - 1);
		if (addr & ~mask(w->oas)) {
			f->fsr = FSR_ASF;
			return -EFAULT;
		}
		if (!(d & BIT(10)) && afe_fault) {
			f->fsr = FSR_AFF;
			return -EFAULT;
		}
		out->oa = addr;
		out->size = size;
		out->global = !(d & BIT(11));
		if (w->s2) {
			unsigned p = (d >> 6 & 1 ? P_R : 0) | (d >> 7 & 1 ? P_W : 0) | (d >> 54 & 1 ? 0 : P_X);
			out->perm_u = out->perm_p = p;
		} else if (w->aa32) {
			/* VMSAv8-32: XN (bit 54) and XNTable forbid execution at
			 * PL1 and PL0, PXN and PXNTable at PL1; PL0 executes only
			 * what it may read; no implicit PXN (SCTLR.UWXN is that) */
			bool el0 = (d >> 6 & 1) && !(ap_mask & 1), ro = (d >> 7 & 1) || (ap_mask & 2);
			bool xn = (d >> 54 & 1) || xn_table;
			unsigned base = P_R | (ro ? 0 : P_W);
			out->perm_u = el0 ? base | (xn ? 0 : P_X) : 0;
			out->perm_p = base | (xn || (d >> 53 & 1) || pxn_table ? 0 : P_X);
		} else {
			bool el0 = (d >> 6 & 1) && !(ap_mask & 1), ro = (d >> 7 & 1) || (ap_mask & 2);
			unsigned base = P_R | (ro ? 0 : P_W);
			/* EL0 execution is UXN's alone: AP[1] gives data access (an
			 * EL1-only page without UXN is execute-only at EL0) */
			out->perm_u = (el0 ? base : 0) | (d >> 54 & 1 || xn_table ? 0 : P_X);
			/* privileged: PXN (bit 53); EL0-writable pages are never privileged-executable */
			out->perm_p = base | ((d >> 53 & 1) || pxn_table || (el0 && !ro) ? 0 : P_X);
		}
		return 0;
	}
}

/* --- the TLB ------------------------------------------------------------------------- */

static uint16_t bank_vmid(const struct mmu500 *s, unsigned cbi)
{
	return (s->scr0 & BIT(31)) ? (uint16_t)(s->cba2r[cbi] >> 16) : (uint8_t)s->cbar[cbi];
}

/* Entries that match: 0, 1 (in *hit) or 2 (a conflict). */
static int tlb_lookup(struct mmu500 *s, unsigned cbi, uint16_t asid, uint64_t va, struct tlbe **hit)
{
	uint16_t vmid = bank_vmid(s, cbi);
	int n = 0;

	for (unsigned i = 0; i < TLB_SIZE; i++) {
		struct tlbe *e = &s->tlb[i];
		if (!e->valid || e->cb != cbi || e->vmid != vmid || va < e->va || va - e->va >= e->size)
			continue;
		if (!e->s2only && !e->global && e->asid != asid)
			continue;
		if (n++ == 0)
			*hit = e;
		else
			return 2;
	}
	return n;
}

static void tlb_insert(struct mmu500 *s, const struct tlbe *e)
{
	s->tlb[s->tlb_next] = *e;
	s->tlb_next = (s->tlb_next + 1) % TLB_SIZE;
}

static void apply(struct mmu500 *s, const struct pending *p)
{
	for (unsigned i = 0; i < TLB_SIZE; i++) {
		struct tlbe *e = &s->tlb[i];
		if (!e->valid)
			continue;
		switch (p->op) {
		case INV_ALL:
			e->valid = false;
			break;
		case INV_VMID:
			if (e->vmid == p->vmid)
				e->valid = false;
			break;
		case INV_ASID:
			if (e->vmid == p->vmid && !e->global && !e->s2only && e->asid == p->asid)
				e->valid = false;
			break;
		case INV_VA:
		case INV_VAA:
			if (e->vmid == p->vmid && !e->s2only && p->addr - e->va < e->size &&
			    (p->op == INV_VAA || e->global || e->asid == p->asid))
				e->valid = false;
			break;
		case INV_IPA: /* stage 2 entries for it; nested entries of the VMID (their IPA is not kept whole) */
			if (e->vmid == p->vmid && (!e->s2only || p->addr - e->va < e->size))
				e->valid = false;
			break;
		}
	}
}

/* Invalidations take effect at their sync: a driver that never syncs keeps
 * stale translations (the architecture guarantees nothing before it). */
static void invalidate(struct mmu500 *s, struct pending p)
{
	if (s->npend == MAX_PENDING) { /* complete what waits: more than required, allowed */
		for (unsigned i = 0; i < s->npend; i++)
			apply(s, &s->pend[i]);
		s->npend = 0;
	}
	s->pend[s->npend++] = p;
}

static void sync(struct mmu500 *s, bool global, unsigned cbi)
{
	unsigned k = 0;

	for (unsigned i = 0; i < s->npend; i++) {
		if (global ? s->pend[i].global_sync : !s->pend[i].global_sync && s->pend[i].cb == cbi)
			apply(s, &s->pend[i]);
		else
			s->pend[k++] = s->pend[i];
	}
	s->npend = k;
}

/* --- translation ----------------------------------------------------------------------- */

static unsigned want(const struct sim_txn *t)
{
	return t->access & SIM_ACC_WRITE ? P_W : t->access & SIM_ACC_EXEC ? P_X : P_R;
}

/* Translate through context bank cbi (its CBARn type).  0, or -EFAULT after
 * the fault was recorded. */
static int translate_cb(struct mmu500 *s, unsigned cbi, const struct sim_txn *t, uint64_t *pa)
{
	uint32_t cbar = s->cbar[cbi];
	unsigned type = cbar >> 16 & 3, s2cb = cbar >> 8 & 0xff;
	struct cb *c = &s->cb[cbi];
	bool priv = t->access & SIM_ACC_PRIV;
	struct tlbe *e = NULL;
	struct wcfg w;
	struct walk r;
	struct fault f;
	struct s2ctx s2 = { .s = s };
	uint16_t asid = 0;

	if (type == 3 && (s2cb >= s->ncb || (s->cbar[s2cb] >> 16 & 3) != 0)) {
		global_fault(s, GFSR_ICF, t); /* nested onto a bank that is not stage 2 */
		return -EFAULT;
	}
	bool s1 = type != 0 && (c->sctlr & SCTLR_M);
	bool s2on = type == 0 ? (c->sctlr & SCTLR_M) : type == 3 && (s->cb[s2cb].sctlr & SCTLR_M);
	if (!s1 && !s2on) {
		if (type == 2) { /* stage 1 bypassed, stage 2 faults */
			f = (struct fault){ .fsr = FSR_TF, .s2 = true, .ipa = t->iova };
			context_fault(s, cbi, &f, t, cbi);
			return -EFAULT;
		}
		*pa = t->iova;
		return 0;
	}
	if (s1) {
		s1_cfg(s, cbi, t->iova, &w);
		asid = w.asid;
	}
	int hits = tlb_lookup(s, cbi, asid, t->iova, &e);
	if (hits > 1) {
		f = (struct fault){ .fsr = FSR_TLBMCF, .level = 0 };
		context_fault(s, cbi, &f, t, cbi);
		return -EFAULT;
	}
	if (hits == 1) {
		unsigned p = priv ? e->perm_p : e->perm_u;
		if (!(p & want(t))) {
			f = (struct fault){ .fsr = FSR_PF, .level = 3, .s2 = e->s2only };
			context_fault(s, cbi, &f, t, cbi);
			return -EFAULT;
		}
		*pa = e->pa | (t->iova - e->va);
		return 0;
	}
	struct tlbe n = { .valid = true, .cb = cbi, .vmid = bank_vmid(s, cbi), .asid = asid };
	if (s2on && type == 3)
		s2_cfg(s, s2cb, &s2.w), s2.cbi = s2cb;
	if (s1) {
		if (walk(s, &w, t->iova, !(c->sctlr & SCTLR_AFFD), s2on ? &s2 : NULL, &r, &f)) {
			/* stage 2 faults of a nested walk are the stage 2 bank's */
			context_fault(s, f.s2 ? s2cb : cbi, &f, t, cbi);
			return -EFAULT;
		}
		if (c->sctlr & SCTLR_WXN) {
			if (r.perm_u & P_W)
				r.perm_u &= ~P_X;
			if (r.perm_p & P_W)
				r.perm_p &= ~P_X;
		}
		if ((c->sctlr & SCTLR_UWXN) && (r.perm_u & P_W))
			r.perm_p &= ~P_X;
		n.va = t->iova & ~(r.size - 1);
		n.size = r.size;
		n.pa = r.oa;
		n.perm_u = r.perm_u;
		n.perm_p = r.perm_p;
		n.global = r.global;
		if (s2on && !((priv ? r.perm_p : r.perm_u) & want(t))) {
			/* stage 1's permission fault comes before its output
			 * goes through stage 2 */
			f = (struct fault){ .fsr = FSR_PF, .level = 3 };
			context_fault(s, cbi, &f, t, cbi);
			return -EFAULT;
		}
		if (s2on) { /* the output through stage 2: one page of both */
			uint64_t ipa = r.oa | (t->iova & (r.size - 1)), opa;
			struct walk r2;
			if (walk(s, &s2.w, ipa, !(s->cb[s2cb].sctlr & SCTLR_AFFD), NULL, &r2, &f)) {
				f.s2 = true;
				f.ipa = ipa;
				context_fault(s, s2cb, &f, t, cbi);
				return -EFAULT;
			}
			uint64_t sz = r2.size < r.size ? r2.size : r.size;
			opa = r2.oa | (ipa & (r2.size - 1));
			n.va = t->iova & ~(sz - 1);
			n.size = sz;
			n.pa = opa & ~(sz - 1);
			n.ipa = ipa;
			n.perm_u &= r2.perm_u;
			n.perm_p &= r2.perm_p;
			if (!(r2.perm_u & want(t))) { /* a stage 2 permission fault */
				f = (struct fault){ .fsr = FSR_PF, .level = 3, .s2 = true, .ipa = ipa };
				context_fault(s, s2cb, &f, t, cbi);
				return -EFAULT;
			}
		}
	} else {
		/* stage 2 alone: this bank's, or for a nested bank with stage 1
		 * off, the stage 2 bank's (its registers and its faults) */
		unsigned s2i = type == 3 ? s2cb : cbi;
		s2_cfg(s, s2i, &w);
		if (walk(s, &w, t->iova, !(s->cb[s2i].sctlr & SCTLR_AFFD), NULL, &r, &f)) {
			f.s2 = true;
			f.ipa = t->iova;
			context_fault(s, s2i, &f, t, cbi);
			return -EFAULT;
		}
		n.s2only = true;
		n.va = t->iova & ~(r.size - 1);
		n.size = r.size;
		n.pa = r.oa;
		n.perm_u = n.perm_p = r.perm_u;
	}
	tlb_insert(s, &n);
	if (!((priv ? n.perm_p : n.perm_u) & want(t))) {
		f = (struct fault){ .fsr = FSR_PF, .level = 3, .s2 = n.s2only, .ipa = n.s2only ? t->iova : 0 };
		context_fault(s, cbi, &f, t, cbi);
		return -EFAULT;
	}
	*pa = n.pa | (t->iova - n.va);
	return 0;
}

static int mmu500_translate(struct sim_iommu *u, const struct sim_txn *t, uint64_t *pa)
{
	struct mmu500 *s = (struct mmu500 *)u;
	unsigned hit = 0, n = 0;

	if (s->scr0 & SCR0_CLIENTPD) {
		*pa = t->iova;
		return 0;
	}
	for (unsigned i = 0; i < s->nsmrg; i++) {
		uint32_t smr = s->smr[i];
		if ((smr & BIT(31)) && !((t->sid ^ smr) & ~(smr >> 16) & 0x7fff)) {
			if (!n++)
				hit = i;
		}
	}
	if (n == 0) {
		if (s->scr0 & SCR0_USFCFG) {
			global_fault(s, GFSR_USF, t);
			return -EFAULT;
		}
		*pa = t->iova;
		return 0;
	}
	if (n > 1) {
		global_fault(s, GFSR_SMCF, t); /* sCR0.SMCFCFG is 1 on MMU-500 */
		return -EFAULT;
	}
	uint32_t s2cr = s->s2cr[hit];
	switch (s2cr >> 16 & 3) {
	case 1:
		*pa = t->iova;
		return 0;
	case 0: {
		unsigned cbi = s2cr & 0xff;
		if (cbi >= s->ncb) {
			global_fault(s, GFSR_ICF, t);
			return -EFAULT;
		}
		return translate_cb(s, cbi, t, pa);
	}
	default: /* fault (and the reserved type): terminated, nothing recorded */
		return -EFAULT;
	}
}

/* --- address translation operations -------------------------------------------------------- */

static void ats1(struct mmu500 *s, unsigned cbi, uint64_t va, bool write, bool priv)
{
	struct cb *c = &s->cb[cbi];
	struct wcfg w;
	struct walk r;
	struct fault f;

	if ((s->cbar[cbi] >> 16 & 3) == 0 || !(c->sctlr & SCTLR_M)) {
		c->par = va & ~0xfffull; /* stage 1 off: the address itself */
		return;
	}
	s1_cfg(s, cbi, va, &w);
	if (walk(s, &w, va, !(c->sctlr & SCTLR_AFFD), NULL, &r, &f)) {
		c->par = 1 | (uint64_t)((f.fsr >> 1) & 0x3f) << 1;
		return;
	}
	unsigned p = priv ? r.perm_p : r.perm_u;
	if (!(p & (write ? P_W : P_R))) {
		c->par = 1 | (uint64_t)(FSR_PF >> 1) << 1;
		return;
	}
	c->par = ((r.oa | (va & (r.size - 1))) & ~0xfffull & mask(48)) | 1ull << 11;
}

/* --- registers ------------------------------------------------------------------------ */

static uint64_t pagesize(const struct mmu500 *s)
{
	return 1ull << s->pgshift;
}

static uint32_t idr(const struct mmu500 *s, unsigned n)
{
	switch (n) {
	case 0: /* S1TS S2TS NTS SMS, PTFS long-descriptor only, NUMIRPT, CTTW, NUMSIDB 15 */
		return BIT(30) | BIT(29) | BIT(28) | BIT(27) | 1u << 24 | (s->ncb & 0xff) << 16 | BIT(14) |
		       15u << 9 | (s->nsmrg & 0xff);
	case 1: { /* PAGESIZE, NUMPAGENDXB, NUMS2CB 0, NUMCB */
		unsigned ndxb = 0;
		while ((2u << ndxb) < s->numpage)
			ndxb++;
		return (s->pgshift == 16 ? BIT(31) : 0) | ndxb << 28 | (s->ncb & 0xff);
	}
	case 2: /* IAS 48, OAS 48, UBS 49, the three AArch64 granules, VMID16S */
		return 5 | 5 << 4 | 5 << 8 | BIT(12) | BIT(13) | BIT(14) | BIT(15);
	case 7: /* MMU-500 r2p4 */
		return 2 << 4 | 4;
	default:
		return 0;
	}
}

static int64_t rd_gr0(struct mmu500 *s, uint64_t off, unsigned size)
{
	if (off >= R_SMR && off < R_SMR + 4 * MAX_SMRG)
		return (off - R_SMR) / 4 < s->nsmrg ? s->smr[(off - R_SMR) / 4] : 0;
	if (off >= R_S2CR && off < R_S2CR + 4 * MAX_SMRG)
		return (off - R_S2CR) / 4 < s->nsmrg ? s->s2cr[(off - R_S2CR) / 4] : 0;
	switch (off) {
	case R_SCR0: return s->scr0;
	case R_SCR1: return 0; /* Secure only */
	case R_SCR2: return s->scr2;
	case R_SACR: return s->sacr;
	case R_IDR0: case R_IDR1: case R_IDR2: case R_IDR3: case R_IDR4: case R_IDR5: case R_IDR6: case R_IDR7:
		return idr(s, (unsigned)(off - R_IDR0) / 4);
	case R_SGFAR: return size == 8 ? (int64_t)s->sgfar : (uint32_t)s->sgfar;
	case R_SGFAR + 4: return (uint32_t)(s->sgfar >> 32);
	case R_SGFSR: return s->sgfsr;
	case R_SGFSYNR0: return s->sgfsynr0;
	case R_SGFSYNR1: return s->sgfsynr1;
	case R_SGFSYNR2: return s->sgfsynr2;
	case R_TLBGSTATUS: return 0; /* a sync completes at once */
	default: return 0;
	}
}

static void wr_gr0(struct mmu500 *s, uint64_t off, uint64_t v)
{
	uint32_t v32 = (uint32_t)v;

	if (off >= R_SMR && off < R_SMR + 4 * MAX_SMRG) {
		if ((off - R_SMR) / 4 < s->nsmrg)
			s->smr[(off - R_SMR) / 4] = v32 & 0xffff7fff;
		return;
	}
	if (off >= R_S2CR && off < R_S2CR + 4 * MAX_SMRG) {
		if ((off - R_S2CR) / 4 < s->nsmrg)
			s->s2cr[(off - R_S2CR) / 4] = v32 & 0x3fffffff;
		return;
	}
	switch (off) {
	case R_SCR0: s->scr0 = (v32 & ~BIT(30) & ~BIT(8) & ~BIT(9)) | SCR0_SMCFCFG; break; /* no stalls */
	case R_SCR2: s->scr2 = v32 & 0xff; break;
	case R_SACR: s->sacr = v32 & 0x0700071c; break;
	case R_SGFSR: s->sgfsr &= ~v32; break;
	case R_SGFSRRESTORE: s->sgfsr = v32 & (0x1ffu | FSR_MULTI); break;
	case R_SGFSYNR0: s->sgfsynr0 = v32 & 0x3f; break;
	case R_SGFSYNR1: s->sgfsynr1 = v32; break;
	case R_SGFSYNR2: s->sgfsynr2 = v32; break;
	case R_SGFAR: s->sgfar = v; break;
	case R_SGFAR + 4: s->sgfar = (s->sgfar & 0xffffffffull) | (uint64_t)v32 << 32; break;
	case R_TLBIVMID: invalidate(s, (struct pending){ .op = INV_VMID, .global_sync = true, .vmid = (uint16_t)v32 }); break;
	case R_TLBIALLNSNH: invalidate(s, (struct pending){ .op = INV_ALL, .global_sync = true }); break;
	case R_TLBGSYNC: sync(s, true, 0); break;
	default: break; /* RAZ/WI */
	}
}

static int64_t rd_gr1(struct mmu500 *s, uint64_t off)
{
	unsigned i = (unsigned)(off & 0x3ff) / 4;

	if (i >= s->ncb)
		return 0;
	switch (off & ~0x3ffull) {
	case R_CBAR: return s->cbar[i];
	case R_CBFRSYNRA: return s->cbfrsynra[i];
	case R_CBA2R: return s->cba2r[i];
	default: return 0;
	}
}

static void wr_gr1(struct mmu500 *s, uint64_t off, uint32_t v)
{
	unsigned i = (unsigned)(off & 0x3ff) / 4;

	if (i >= s->ncb)
		return;
	switch (off & ~0x3ffull) {
	case R_CBAR: s->cbar[i] = v; break;
	case R_CBFRSYNRA: s->cbfrsynra[i] = v; break;
	case R_CBA2R: s->cba2r[i] = v & 0xffff0001; break;
	}
}

static uint64_t half(uint64_t reg, uint64_t off, unsigned size)
{
	return size == 8 ? reg : off & 4 ? reg >> 32 : (uint32_t)reg;
}

static void set_half(uint64_t *reg, uint64_t off, unsigned size, uint64_t v)
{
	if (size == 8)
		*reg = v;
	else if (off & 4)
		*reg = (*reg & 0xffffffffull) | v << 32;
	else
		*reg = (*reg & ~0xffffffffull) | (uint32_t)v;
}

static uint64_t rd_cb(struct mmu500 *s, unsigned i, uint64_t off, unsigned size)
{
	struct cb *c = &s->cb[i];

	switch (off & ~7ull) {
	case C_TTBR0: return half(c->ttbr0, off, size);
	case C_TTBR1: return half(c->ttbr1, off, size);
	case C_PAR: return half(c->par, off, size);
	case C_FAR: return half(c->far, off, size);
	case C_IPAFAR: return half(c->ipafar, off, size);
	}
	switch (off) {
	case C_SCTLR: return c->sctlr;
	case C_ACTLR: return c->actlr;
	case C_TCR2: return c->tcr2;
	case C_TCR: return c->tcr;
	case C_CONTEXTIDR: return c->contextidr;
	case C_MAIR0: return c->mair0;
	case C_MAIR1: return c->mair1;
	case C_FSR: return c->fsr;
	case C_FSYNR0: return c->fsynr0;
	case C_FSYNR1: return c->fsynr1;
	default: return 0; /* TLBSTATUS, ATSR: done at once */
	}
}

static void wr_cb(struct mmu500 *s, unsigned i, uint64_t off, unsigned size, uint64_t v)
{
	struct cb *c = &s->cb[i];
	uint32_t v32 = (uint32_t)v;
	uint16_t vmid = bank_vmid(s, i);

	switch (off & ~7ull) {
	case C_TTBR0: set_half(&c->ttbr0, off, size, v); return;
	case C_TTBR1: set_half(&c->ttbr1, off, size, v); return;
	case C_FAR: set_half(&c->far, off, size, v); return;
	case C_IPAFAR: set_half(&c->ipafar, off, size, v); return;
	case C_PAR: set_half(&c->par, off, size, v); return;
	}
	switch (off) {
	case C_SCTLR: c->sctlr = v32 & 0x3fffffef; break; /* E (big-endian walks) is not implemented */
	case C_ACTLR: c->actlr = v32; break;
	case C_TCR2: c->tcr2 = v32; break;
	case C_TCR: c->tcr = v32; break;
	case C_CONTEXTIDR: c->contextidr = v32; break;
	case C_MAIR0: c->mair0 = v32; break;
	case C_MAIR1: c->mair1 = v32; break;
	case C_FSR: c->fsr &= ~(v32 & (FSR_FAULTS | FSR_MULTI | BIT(30))); break;
	case C_FSRRESTORE: c->fsr = v32 & (FSR_FAULTS | FSR_MULTI | 0x600u); break;
	case C_FSYNR0: c->fsynr0 = v32; break;
	case C_FSYNR1: c->fsynr1 = v32; break;
	case C_TLBIALL:
		invalidate(s, (struct pending){ .op = INV_VMID, .cb = i, .vmid = vmid });
		break;
	case C_TLBIASID:
		invalidate(s, (struct pending){ .op = INV_ASID, .cb = i, .vmid = vmid, .asid = (uint16_t)v32 });
		break;
	case C_TLBIVA: case C_TLBIVAL: case C_TLBIVAA: case C_TLBIVAAL: {
		bool aa = off == C_TLBIVAA || off == C_TLBIVAAL;
		uint64_t va = s->cba2r[i] & 1 ? (v & mask(44)) << 12 : v & 0xfffff000ull;
		uint16_t asid = s->cba2r[i] & 1 ? (uint16_t)(v >> 48) : (uint8_t)v;
		if (size == 4 && (s->cba2r[i] & 1))
			va = (uint64_t)(v32 & 0xfffffff) << 12; /* the low half alone */
		invalidate(s, (struct pending){ .op = aa ? INV_VAA : INV_VA, .cb = i, .vmid = vmid, .asid = asid,
						.addr = va });
		break;
	}
	case C_TLBIIPAS2: case C_TLBIIPAS2L:
		invalidate(s, (struct pending){ .op = INV_IPA, .cb = i, .vmid = vmid, .addr = (v & mask(36)) << 12 });
		break;
	case C_TLBSYNC: sync(s, false, i); break;
	case C_ATS1PR: case C_ATS1PW: case C_ATS1UR: case C_ATS1UW:
		ats1(s, i, v & ~0xfffull, off == C_ATS1PW || off == C_ATS1UW, off == C_ATS1PR || off == C_ATS1PW);
		break;
	default: break;
	}
}

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct mmu500 *s = opaque;
	uint64_t page = off >> s->pgshift, in = off & (pagesize(s) - 1);

	*val = 0;
	if (size != 4 && size != 8)
		return 0; /* RAZ/WI */
	if (page == 0)
		*val = (uint64_t)rd_gr0(s, in, size);
	else if (page == 1)
		*val = (uint64_t)rd_gr1(s, in);
	else if (page >= s->numpage && page - s->numpage < s->ncb)
		*val = rd_cb(s, (unsigned)(page - s->numpage), in, size);
	if (size == 4)
		*val &= 0xffffffffull;
	return 0;
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct mmu500 *s = opaque;
	uint64_t page = off >> s->pgshift, in = off & (pagesize(s) - 1);

	if (size != 4 && size != 8)
		return 0;
	if (page == 0)
		wr_gr0(s, in, val);
	else if (page == 1)
		wr_gr1(s, in, (uint32_t)val);
	else if (page >= s->numpage && page - s->numpage < s->ncb)
		wr_cb(s, (unsigned)(page - s->numpage), in, size, val);
	return 0;
}

static const struct sim_mmio_ops mmu500_ops = { mmio_read, mmio_write };

static void mmu500_destroy(struct sim_iommu *u)
{
	free(u);
}

uint64_t sim_mmu500_size(const struct sim_params *p)
{
	unsigned numpage = 8;

	while (numpage < p->mmu500_cbs)
		numpage <<= 1;
	return 2ull * numpage << (p->mmu500_64k ? 16 : 12);
}

int sim_mmu500_create(struct sim_machine *m, uint64_t base)
{
	const struct sim_params *p = sim_machine_params(m);
	struct mmu500 *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->m = m;
	s->iommu.translate = mmu500_translate;
	s->iommu.destroy = mmu500_destroy;
	s->nsmrg = p->mmu500_smrg;
	s->ncb = p->mmu500_cbs;
	s->pgshift = p->mmu500_64k ? 16 : 12;
	s->numpage = 8; /* GR0, GR1, GID, PM, SSD and spare: at least 8 */
	while (s->numpage < s->ncb)
		s->numpage <<= 1;
	/* reset: client ports disabled (everything bypasses), stream match
	 * conflicts detected; SMRs invalid, S2CRs fault, banks off */
	s->scr0 = SCR0_CLIENTPD | SCR0_SMCFCFG;
	s->sacr = BIT(2) | BIT(3) | BIT(4) | BIT(26); /* the MMU-500 NSACR reset value */
	for (unsigned i = 0; i < MAX_SMRG; i++)
		s->s2cr[i] = 2u << 16;
	for (unsigned i = 0; i < MAX_CB; i++)
		s->cb[i].actlr = BIT(0) | BIT(1); /* CMTLB, CPRE */
	rc = sim_mmio_map(m, base, sim_mmu500_size(p), &mmu500_ops, s);
	if (rc) {
		free(s);
		return rc;
	}
	sim_machine_set_iommu(m, &s->iommu);
	return 0;
}
