/* SPDX-License-Identifier: MIT */
/*
 * An Intel VT-d remapping unit, written from the Intel VT-d architecture
 * specification (rev 3.x/4.x): registers, legacy and scalable-mode
 * translation, primary fault recording, register-based and queued
 * invalidation, and the context, PASID and IOTLB caches that only
 * invalidation clears.  It does not use libsmmu in any way.
 *
 * Everything is synchronous: a GCMD write completes before it returns (so
 * GSTS already follows), an IQT write processes the queue, a DMA access is
 * translated (or its fault recorded) inside sim_iommu.translate.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-q35.h"

#define BIT(n)        (1ULL << (n))
#define GENMASK(h, l) ((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))
#define FIELD(v, h, l) (((v) & GENMASK(h, l)) >> (l))

/* --- registers (spec chapter 11) ------------------------------------------ */
#define VTD_VER       0x00
#define VTD_CAP       0x08
#define VTD_ECAP      0x10
#define VTD_GCMD      0x18
#define VTD_GSTS      0x1c
#define VTD_RTADDR    0x20
#define VTD_CCMD      0x28
#define VTD_FSTS      0x34
#define VTD_FECTL     0x38
#define VTD_FEDATA    0x3c
#define VTD_FEADDR    0x40
#define VTD_FEUADDR   0x44
#define VTD_AFLOG     0x58
#define VTD_PMEN      0x64
#define VTD_IQH       0x80
#define VTD_IQT       0x88
#define VTD_IQA       0x90
#define VTD_ICS       0x9c
#define VTD_IECTL     0xa0
#define VTD_IEDATA    0xa4
#define VTD_IEADDR    0xa8
#define VTD_IEUADDR   0xac
#define VTD_IQERCD    0xb0
#define VTD_IRTA      0xb8
/* Chosen by this implementation and advertised in ECAP.IRO / CAP.FRO (not
 * QEMU's 0xf0 / 0x220: software must read them from CAP/ECAP). */
#define VTD_IVA       0x100
#define VTD_IOTLB     0x108
#define VTD_FRCD      0x200
#define VTD_FRCD_MAX  256

/* GCMD / GSTS */
#define GCMD_TE    BIT(31)
#define GCMD_SRTP  BIT(30)
#define GCMD_SFL   BIT(29)
#define GCMD_EAFL  BIT(28)
#define GCMD_WBF   BIT(27)
#define GCMD_QIE   BIT(26)
#define GCMD_IRE   BIT(25)
#define GCMD_SIRTP BIT(24)
#define GCMD_CFI   BIT(23)
/* FSTS */
#define FSTS_PFO   BIT(0)
#define FSTS_PPF   BIT(1)
#define FSTS_AFO   BIT(2)
#define FSTS_APF   BIT(3)
#define FSTS_IQE   BIT(4)
#define FSTS_ICE   BIT(5)
#define FSTS_ITE   BIT(6)
#define FSTS_W1C   (FSTS_PFO | FSTS_AFO | FSTS_APF | FSTS_IQE | FSTS_ICE | FSTS_ITE)
/* FECTL / IECTL */
#define ECTL_IM    BIT(31)
#define ECTL_IP    BIT(30)
/* CCMD */
#define CCMD_ICC   BIT(63)
/* IOTLB_REG */
#define IOTLB_IVT  BIT(63)
/* IQA */
#define IQA_DW     BIT(11)
/* IQERCD.IQEI values */
enum { IQEI_TAIL = 1, IQEI_FETCH = 2, IQEI_TYPE = 3, IQEI_RSVD = 4, IQEI_WIDTH = 5,
       IQEI_ALIGN = 6 };

/* Fault reasons (spec chapter 7, "Address Translation Faults"). */
enum {
	FR_ROOT_P = 0x1, FR_CTX_P = 0x2, FR_CTX_INV = 0x3, FR_ADDR_BEYOND = 0x4,
	FR_WRITE = 0x5, FR_READ = 0x6, FR_PTE_ACCESS = 0x7, FR_ROOT_ACCESS = 0x8,
	FR_CTX_ACCESS = 0x9, FR_ROOT_RSVD = 0xa, FR_CTX_RSVD = 0xb, FR_PTE_RSVD = 0xc,
	FR_RTA_INV = 0x30, FR_RTA_PASID = 0x31,
	FR_SRT_ACCESS = 0x38, FR_SRT_P = 0x39, FR_SRT_RSVD = 0x3a,
	FR_SCT_ACCESS = 0x40, FR_SCT_P = 0x41, FR_SCT_RSVD = 0x42, FR_SCT_INV = 0x43,
	FR_SCT_PASIDE = 0x45, FR_SCT_PDTS = 0x46,
	FR_SPD_ACCESS = 0x50, FR_SPD_P = 0x51, FR_SPD_RSVD = 0x52,
	FR_SPT_ACCESS = 0x58, FR_SPT_P = 0x59, FR_SPT_RSVD = 0x5a, FR_SPT_INV = 0x5b,
	FR_SPT_ERE = 0x5c, FR_SPT_SRE = 0x5d,
	FR_SFL_ACCESS = 0x70, FR_SFL_P = 0x71, FR_SFL_RSVD = 0x72, FR_SFL_PTR = 0x73,
	FR_SFL_NEST_BEYOND = 0x74, FR_SFL_NEST_PTR_READ = 0x75, FR_SFL_NEST_READ = 0x76,
	FR_SFL_NEST_WRITE = 0x77,
	FR_SSL_ACCESS = 0x78, FR_SSL_P = 0x79, FR_SSL_RSVD = 0x7a,
	FR_SGN_CANON = 0x80, FR_SGN_US = 0x81, FR_SGN_EXEC = 0x82, FR_SGN_HAW = 0x83,
	FR_SGN_SLAW = 0x84, FR_SGN_WRITE = 0x85, FR_SGN_READ = 0x86,
};

/* Cache sizes: small, fixed and replaced round-robin, so behaviour is
 * deterministic and stale entries survive long enough to be seen. */
#define VTD_NCTX   16
#define VTD_NPASID 16
#define VTD_NTLB   64

#define PERM_R 1u
#define PERM_W 2u
#define PERM_X 4u

struct vtd_ctx_ent {      /* context-cache: the context entry as fetched */
	bool valid, sm;
	uint16_t sid;
	uint64_t q[4];
};
struct vtd_pasid_ent {    /* PASID-cache: the PASID-table entry as fetched */
	bool valid;
	uint16_t sid, did;
	uint32_t pasid;
	bool fpd;             /* from the PASID directory entry */
	uint64_t q[3];
};
struct vtd_tlb_ent {      /* IOTLB: one translation */
	bool valid;
	bool fl;              /* first-level or nested (PASID-based invalidation) */
	bool sm;              /* tagged with a PASID */
	uint16_t did;
	uint32_t pasid;
	unsigned shift;       /* page size */
	uint64_t iova, pa;    /* page-aligned */
	uint8_t allow_user, allow_priv; /* PERM_* */
};

/* An event interrupt's registers (control, data, address, upper address: four
 * consecutive dwords, for faults at 0x38 and for invalidations at 0xa0). */
struct vtd_event {
	uint32_t ctl, data, addr, uaddr;
	uint64_t msgs; /* messages the unit would have sent (nothing is delivered) */
};

struct sim_vtd {
	struct sim_iommu iommu;   /* first: the machine holds a pointer to it */
	struct sim_machine *m;
	uint64_t base, size;
	unsigned mgaw, haw, nfr;
	bool scalable;
	uint64_t cap, ecap;

	uint32_t gsts;
	uint64_t rtaddr, rta_live;    /* as written / as latched by SRTP */
	uint64_t irta;
	uint64_t ccmd;
	uint32_t fsts;                /* PFO, IQE, ... (PPF and FRI are derived) */
	unsigned fri;                 /* FSTS.FRI, latched when PPF goes 0 -> 1 */
	unsigned fr_next;             /* next fault recording register */
	struct vtd_event fault_ev;    /* FECTL, FEDATA, FEADDR, FEUADDR */
	uint64_t aflog;
	uint32_t pmen;
	uint64_t iqh, iqt, iqa, iqercd;
	uint32_t ics;
	struct vtd_event inv_ev;      /* IECTL, IEDATA, IEADDR, IEUADDR */
	uint64_t iva, iotlb;
	uint64_t frcd[VTD_FRCD_MAX][2];

	struct vtd_ctx_ent ctx[VTD_NCTX];
	struct vtd_pasid_ent pc[VTD_NPASID];
	struct vtd_tlb_ent tlb[VTD_NTLB];
	unsigned ctx_next, pc_next, tlb_next;
};

static struct sim_vtd *to_vtd(struct sim_iommu *u)
{
	return (struct sim_vtd *)u;
}

/* --- memory ------------------------------------------------------------------ */

static int fetch64(struct sim_vtd *v, uint64_t pa, uint64_t *val)
{
	sim_advance_ns(v->m, SIM_NS_PER_FETCH);
	/* Beyond the host address width nothing answers, RAM or not. */
	if (v->haw < 64 && (pa >> v->haw))
		return -EFAULT;
	return sim_ram_read64(v->m, pa, val);
}

static int fetch(struct sim_vtd *v, uint64_t pa, uint64_t *q, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fetch64(v, pa + 8 * i, &q[i]))
			return -EFAULT;
	return 0;
}

static uint64_t haw_rsvd(const struct sim_vtd *v)
{
	/* Address bits from HAW up to bit 51 are reserved in paging entries */
	return v->haw >= 52 ? 0 : GENMASK(51, v->haw);
}

/* The pointers in root, context, PASID directory and PASID entries, legacy
 * and scalable: bits 63:HAW are reserved (9.1-9.6). */
static uint64_t ptr_rsvd(const struct sim_vtd *v)
{
	return GENMASK(63, v->haw);
}

/* --- events --------------------------------------------------------------- */

static void raise_event(struct vtd_event *e)
{
	/* One pending interrupt at a time; masked ones stay pending (IP). */
	if (e->ctl & ECTL_IP)
		return;
	if (e->ctl & ECTL_IM) {
		e->ctl |= ECTL_IP;
		return;
	}
	e->msgs++;
}

static uint32_t event_read(const struct vtd_event *e, unsigned reg)
{
	const uint32_t r[4] = { e->ctl, e->data, e->addr, e->uaddr };

	return r[reg];
}

static void event_write(struct vtd_event *e, unsigned reg, uint32_t val)
{
	switch (reg) {
	case 0: /* only IM is writable; unmasking sends what was pending */
		e->ctl = (e->ctl & ~ECTL_IM) | (val & ECTL_IM);
		if (!(e->ctl & ECTL_IM) && (e->ctl & ECTL_IP)) {
			e->ctl &= ~ECTL_IP;
			e->msgs++;
		}
		break;
	case 1: e->data = val & 0xffff; break;
	case 2: e->addr = val & ~3u; break;
	default: e->uaddr = val; break;
	}
}

static bool ppf(const struct sim_vtd *v);

/* FECTL.IP clears once software has serviced every fault status condition
 * (VT-d: no PPF, PFO, AFO, APF, IQE, ICE or ITE left). */
static void fault_serviced(struct sim_vtd *v)
{
	if (!(v->fsts & FSTS_W1C) && !ppf(v))
		v->fault_ev.ctl &= ~ECTL_IP;
}

static bool ppf(const struct sim_vtd *v)
{
	for (unsigned i = 0; i < v->nfr; i++)
		if (v->frcd[i][1] & BIT(63))
			return true;
	return false;
}

/*
 * Primary fault logging (spec 7.2.1): one record per fault in the register
 * the internal index points at; if that one still holds an unserviced fault
 * (F set), or PFO is already set, the fault is dropped and PFO set.  No
 * compression of repeated faults.
 */
static void record_fault(struct sim_vtd *v, const struct sim_txn *t, unsigned fr)
{
	unsigned i = v->fr_next;
	bool was_pending;
	uint64_t hi;

	if (v->fsts & FSTS_PFO)
		return;
	was_pending = ppf(v);
	if (v->frcd[i][1] & BIT(63)) {
		v->fsts |= FSTS_PFO;
		raise_event(&v->fault_ev);
		return;
	}
	hi = (uint64_t)(t->sid & 0xffff) | (uint64_t)(fr & 0xff) << 32;
	if (t->ssv) {
		hi |= BIT(31) | (uint64_t)(t->ssid & 0xfffff) << 40;
		if (t->access & SIM_ACC_PRIV)
			hi |= BIT(29);
		if (t->access & SIM_ACC_EXEC)
			hi |= BIT(30);
	}
	/* Type: T2 (bit 92) and T1 (bit 126): 00 write, 01 read, 11 atomic. */
	if ((t->access & (SIM_ACC_READ | SIM_ACC_WRITE)) == (SIM_ACC_READ | SIM_ACC_WRITE))
		hi |= BIT(28) | BIT(62);
	else if (!(t->access & SIM_ACC_WRITE))
		hi |= BIT(62);
	hi |= BIT(63);
	v->frcd[i][0] = t->iova & ~0xfffULL;
	v->frcd[i][1] = hi;
	v->fr_next = (i + 1) % v->nfr;
	if (!was_pending) {
		v->fri = i;
		raise_event(&v->fault_ev);
	}
}

/* --- caches ----------------------------------------------------------------- */

static struct vtd_ctx_ent *ctx_lookup(struct sim_vtd *v, uint16_t sid, bool sm)
{
	for (unsigned i = 0; i < VTD_NCTX; i++)
		if (v->ctx[i].valid && v->ctx[i].sid == sid && v->ctx[i].sm == sm)
			return &v->ctx[i];
	return NULL;
}

static void ctx_insert(struct sim_vtd *v, uint16_t sid, bool sm, const uint64_t *q)
{
	struct vtd_ctx_ent *e = &v->ctx[v->ctx_next];

	v->ctx_next = (v->ctx_next + 1) % VTD_NCTX;
	e->valid = true;
	e->sm = sm;
	e->sid = sid;
	memcpy(e->q, q, sizeof(e->q));
}

static struct vtd_pasid_ent *pc_lookup(struct sim_vtd *v, uint16_t sid, uint32_t pasid)
{
	for (unsigned i = 0; i < VTD_NPASID; i++)
		if (v->pc[i].valid && v->pc[i].sid == sid && v->pc[i].pasid == pasid)
			return &v->pc[i];
	return NULL;
}

static struct vtd_tlb_ent *tlb_lookup(struct sim_vtd *v, bool sm, uint16_t did,
				      uint32_t pasid, uint64_t iova)
{
	for (unsigned i = 0; i < VTD_NTLB; i++) {
		struct vtd_tlb_ent *e = &v->tlb[i];

		if (e->valid && e->sm == sm && e->did == did && (!sm || e->pasid == pasid) &&
		    (iova >> e->shift) == (e->iova >> e->shift))
			return e;
	}
	return NULL;
}

static void tlb_insert(struct sim_vtd *v, const struct vtd_tlb_ent *n)
{
	struct vtd_tlb_ent *e = tlb_lookup(v, n->sm, n->did, n->pasid, n->iova);

	if (!e) {
		e = &v->tlb[v->tlb_next];
		v->tlb_next = (v->tlb_next + 1) % VTD_NTLB;
	}
	*e = *n;
	e->valid = true;
}

/* Drop IOTLB entries.  fl: -1 any, 0 second-level/legacy only, 1 first-level
 * and nested only.  did < 0: any domain; pasid < 0: any PASID; am < 0: any
 * address. */
static void tlb_inval(struct sim_vtd *v, int fl, long did, long pasid, uint64_t addr, int am)
{
	for (unsigned i = 0; i < VTD_NTLB; i++) {
		struct vtd_tlb_ent *e = &v->tlb[i];

		if (!e->valid)
			continue;
		if (fl >= 0 && e->fl != (bool)fl)
			continue;
		if (did >= 0 && e->did != did)
			continue;
		if (pasid >= 0 && (!e->sm || e->pasid != (uint32_t)pasid))
			continue;
		if (am >= 0) {
			unsigned s = 12 + (unsigned)am;
			uint64_t lo = addr & ~(BIT(s) - 1), hi = lo + BIT(s) - 1;
			uint64_t elo = e->iova, ehi = e->iova + BIT(e->shift) - 1;

			if (ehi < lo || elo > hi)
				continue;
		}
		e->valid = false;
	}
}

static uint16_t ctx_did(const struct vtd_ctx_ent *e)
{
	return e->sm ? 0 : (uint16_t)FIELD(e->q[1], 23, 8);
}

/* Context-cache invalidation: granularity 1 global, 2 domain, 3 device
 * (with function mask fm, spec 6.5.1.1). */
static void ctx_inval(struct sim_vtd *v, unsigned g, uint16_t did, uint16_t sid, unsigned fm)
{
	static const uint16_t fmask[4] = { 0xffff, 0xfffb, 0xfff9, 0xfff8 };

	for (unsigned i = 0; i < VTD_NCTX; i++) {
		struct vtd_ctx_ent *e = &v->ctx[i];

		if (!e->valid)
			continue;
		/* Scalable-mode context entries carry no DID: drop them on a
		 * domain-selective request (invalidating more is allowed). */
		if (g == 2 && !e->sm && ctx_did(e) != did)
			continue;
		if (g == 3 && ((e->sid & fmask[fm & 3]) != (sid & fmask[fm & 3]) ||
			       (!e->sm && ctx_did(e) != did)))
			continue;
		e->valid = false;
	}
}

/* PASID-cache invalidation: 0 domain, 1 PASID within domain, 3 global. */
static void pc_inval(struct sim_vtd *v, unsigned g, uint16_t did, uint32_t pasid)
{
	for (unsigned i = 0; i < VTD_NPASID; i++) {
		struct vtd_pasid_ent *e = &v->pc[i];

		if (!e->valid)
			continue;
		if (g != 3 && e->did != did)
			continue;
		if (g == 1 && e->pasid != pasid)
			continue;
		e->valid = false;
	}
}

/* --- second-level walk (spec 3.7, 9.8) --------------------------------------- */

enum sl_result { SL_OK, SL_ACCESS, SL_NOTPRESENT, SL_RSVD, SL_BEYOND };

struct walk {
	uint64_t pa;          /* page base */
	unsigned shift;
	unsigned perm;        /* PERM_*: AND over all levels */
};

/*
 * Walk second-level tables at root for levels (3, 4 or 5; the adjusted guest
 * address width is 12 + 9 * levels).  sm: scalable-mode entry format (X with
 * slee, A/D with slade).  Permissions are accumulated, the caller checks.
 */
static enum sl_result sl_walk(struct sim_vtd *v, uint64_t root, unsigned levels, uint64_t addr,
			      bool sm, bool slee, bool slade, bool write, struct walk *w)
{
	unsigned agaw = 12 + 9 * levels;
	uint64_t table = root, ad_addr[5];
	unsigned nad = 0;

	if ((agaw < 64 && (addr >> agaw)) || (addr >> v->mgaw))
		return SL_BEYOND;
	w->perm = PERM_R | PERM_W | PERM_X;
	for (unsigned lvl = levels; lvl >= 1; lvl--) {
		unsigned shift = 12 + 9 * (lvl - 1);
		uint64_t eaddr = table + ((addr >> shift) & 0x1ff) * 8, e, rsvd;
		bool leaf = lvl == 1;

		if (fetch64(v, eaddr, &e))
			return SL_ACCESS;
		if (!(e & 3))                   /* R = W = 0: not present */
			return SL_NOTPRESENT;
		rsvd = haw_rsvd(v) | BIT(62);   /* TM is reserved without ECAP.DT */
		if (lvl >= 4)
			rsvd |= BIT(7);
		if ((lvl == 2 || lvl == 3) && (e & BIT(7))) {
			/* A large page: CAP.SLLPS bit 0 is 2 MiB, bit 1 is 1 GiB. */
			if (!(FIELD(v->cap, 37, 34) & (1u << (lvl - 2))))
				return SL_RSVD;
			rsvd |= GENMASK(shift - 1, 12);
			leaf = true;
		}
		if (!leaf)
			rsvd |= BIT(11);        /* SNP only exists in leaves */
		if (e & rsvd)
			return SL_RSVD;
		w->perm &= (e & 3) | ((!sm || !slee || (e & 4)) ? PERM_X : 0);
		if (sm && slade)
			ad_addr[nad++] = eaddr;
		table = e & GENMASK(51, 12);
		if (leaf) {
			w->pa = e & GENMASK(51, shift);
			w->shift = shift;
			break;
		}
	}
	/* Accessed/dirty only when the PASID entry asks for it (SLADE). */
	for (unsigned i = 0; i < nad; i++) {
		uint64_t e;

		if (sim_ram_read64(v->m, ad_addr[i], &e) == 0) {
			uint64_t n = e | BIT(8) | ((write && i == nad - 1) ? BIT(9) : 0);

			if (n != e)
				sim_ram_write64(v->m, ad_addr[i], n);
		}
	}
	return SL_OK;
}

/* --- legacy mode (TTM = 00) ------------------------------------------------- */

static unsigned perm_fault_legacy(unsigned access)
{
	return (access & SIM_ACC_WRITE) ? FR_WRITE : FR_READ;
}

static bool perm_ok(unsigned allow, unsigned access)
{
	if ((access & SIM_ACC_WRITE) && !(allow & PERM_W))
		return false;
	if ((access & SIM_ACC_READ) && !(allow & PERM_R))
		return false;
	if ((access & SIM_ACC_EXEC) && !(allow & PERM_X))
		return false;
	return true;
}

static bool aw_supported(const struct sim_vtd *v, unsigned aw)
{
	return aw < 5 && (FIELD(v->cap, 12, 8) & (1u << aw));
}

static unsigned xlate_legacy(struct sim_vtd *v, const struct sim_txn *t, uint64_t *pa, bool *fpd)
{
	unsigned bus = (t->sid >> 8) & 0xff, devfn = t->sid & 0xff;
	unsigned access = t->access & (SIM_ACC_READ | SIM_ACC_WRITE);
	struct vtd_ctx_ent *ce = ctx_lookup(v, t->sid, false);
	uint64_t q[4] = { 0 }, root = v->rta_live & GENMASK(63, 12);
	unsigned tt, aw;
	struct vtd_tlb_ent *te;
	struct walk w;
	uint16_t did;

	/* Legacy requests carry no execute or privilege attribute. */
	if (t->access & SIM_ACC_EXEC)
		access |= SIM_ACC_READ;
	if (t->ssv)
		return FR_RTA_PASID;
	if (ce) {
		memcpy(q, ce->q, sizeof(q));
	} else {
		uint64_t re[2], ctp;

		if (fetch(v, root + bus * 16, re, 2))
			return FR_ROOT_ACCESS;
		if (!(re[0] & 1))
			return FR_ROOT_P;
		if ((re[0] & (GENMASK(11, 1) | ptr_rsvd(v))) || re[1])
			return FR_ROOT_RSVD;
		ctp = re[0] & GENMASK(63, 12);
		if (fetch(v, ctp + devfn * 16, q, 2))
			return FR_CTX_ACCESS;
		if (!(q[0] & 1))
			return FR_CTX_P;
		*fpd = q[0] & 2;
		tt = FIELD(q[0], 3, 2);
		aw = FIELD(q[1], 2, 0);
		/* Pass-through (TT 10b) ignores SLPTPTR, its high bits included. */
		if ((q[0] & (GENMASK(11, 4) | (tt == 2 ? 0 : ptr_rsvd(v)))) || (q[1] & (BIT(7) | GENMASK(63, 24))))
			return FR_CTX_RSVD;
		/* TT 01 needs ECAP.DT (not supported), 11 is reserved. */
		if (tt == 1 || tt == 3 || (tt == 0 && !aw_supported(v, aw)))
			return FR_CTX_INV;
		ctx_insert(v, t->sid, false, q);
	}
	*fpd = q[0] & 2;
	tt = FIELD(q[0], 3, 2);
	aw = FIELD(q[1], 2, 0);
	did = FIELD(q[1], 23, 8);
	if (tt == 2) {                     /* pass-through */
		if (v->haw < 64 && (t->iova >> v->haw))
			return FR_ADDR_BEYOND;
		*pa = t->iova;
		return 0;
	}
	te = tlb_lookup(v, false, did, 0, t->iova);
	if (te && perm_ok(te->allow_user, access)) {
		*pa = te->pa | (t->iova & (BIT(te->shift) - 1));
		return 0;
	}
	switch (sl_walk(v, q[0] & GENMASK(63, 12), aw + 2, t->iova, false, false, false,
			access & SIM_ACC_WRITE, &w)) {
	case SL_OK:
		break;
	case SL_ACCESS:
		return FR_PTE_ACCESS;
	case SL_NOTPRESENT:
		return perm_fault_legacy(access);
	case SL_RSVD:
		return FR_PTE_RSVD;
	case SL_BEYOND:
		return FR_ADDR_BEYOND;
	}
	w.perm &= PERM_R | PERM_W;
	if (w.perm & PERM_R)
		w.perm |= PERM_X;
	if (!perm_ok(w.perm, access))
		return perm_fault_legacy(access);
	tlb_insert(v, &(struct vtd_tlb_ent){ .did = did, .shift = w.shift,
		   .iova = t->iova & ~(BIT(w.shift) - 1), .pa = w.pa,
		   .allow_user = w.perm, .allow_priv = w.perm });
	*pa = w.pa | (t->iova & (BIT(w.shift) - 1));
	return 0;
}

/* --- scalable mode (TTM = 01) ------------------------------------------------ */

struct pasid_cfg {
	uint64_t q[3];
	uint16_t did;
	unsigned pgtt;
};

/* Second-level translation of a guest-physical address in scalable mode
 * (SL-only output, or nested: every first-level table address and the final
 * output).  Returns 0 or an SL_* result; perm holds the allowed accesses. */
static enum sl_result sm_sl(struct sim_vtd *v, const struct pasid_cfg *pc, uint64_t gpa,
			    bool write, struct walk *w)
{
	unsigned aw = FIELD(pc->q[0], 4, 2);

	return sl_walk(v, pc->q[0] & GENMASK(63, 12), aw + 2, gpa, true, pc->q[0] & BIT(5),
		       pc->q[0] & BIT(9), write, w);
}

/* Nested: the SL translation of a first-level table address (read, or write
 * for an A/D update).  first: the table FLPTPTR points at. */
static unsigned nest_fetch_addr(struct sim_vtd *v, const struct pasid_cfg *pc, uint64_t gpa,
				bool first, bool write, uint64_t *hpa)
{
	struct walk w;

	switch (sm_sl(v, pc, gpa, write, &w)) {
	case SL_OK:
		break;
	case SL_ACCESS:
		return FR_SSL_ACCESS;
	case SL_NOTPRESENT:
		return FR_SSL_P;
	case SL_RSVD:
		return FR_SSL_RSVD;
	case SL_BEYOND:
		return FR_SFL_NEST_BEYOND;
	}
	if (!(w.perm & PERM_R))
		return first ? FR_SFL_NEST_PTR_READ : FR_SFL_NEST_READ;
	if (write && !(w.perm & PERM_W))
		return FR_SFL_NEST_WRITE;
	*hpa = w.pa | (gpa & (BIT(w.shift) - 1));
	return 0;
}

/* beyond: the reason for an input above the second level's AGAW. */
static unsigned sl_fault_sm(enum sl_result r, unsigned beyond)
{
	switch (r) {
	case SL_ACCESS:
		return FR_SSL_ACCESS;
	case SL_NOTPRESENT:
		return FR_SSL_P;
	case SL_RSVD:
		return FR_SSL_RSVD;
	case SL_BEYOND:
		return beyond;
	default:
		return 0;
	}
}

static unsigned perm_fault_sm(unsigned allow, unsigned access, bool user)
{
	if ((access & SIM_ACC_EXEC) && !(allow & PERM_X))
		return FR_SGN_EXEC;
	if ((access & SIM_ACC_WRITE) && !(allow & PERM_W))
		return FR_SGN_WRITE;
	if ((access & SIM_ACC_READ) && !(allow & PERM_R))
		return user ? FR_SGN_US : FR_SGN_READ;
	return 0;
}

/*
 * First-level walk (IA-32e paging, 4 or 5 levels; spec 3.6, 9.7).  Computes
 * what user and supervisor requests may do; A/D flags are set only for an
 * access that succeeds.
 */
static unsigned fl_walk(struct sim_vtd *v, const struct pasid_cfg *pc, const struct sim_txn *t,
			unsigned access, bool user, struct walk *w, unsigned *allow_user,
			unsigned *allow_priv)
{
	bool nested = pc->pgtt == 3, wpe = pc->q[2] & BIT(4);
	unsigned levels = FIELD(pc->q[2], 3, 2) ? 5 : 4, width = 12 + 9 * levels;
	uint64_t addr = t->iova, table = pc->q[2] & GENMASK(63, 12);
	int64_t sext = (int64_t)(addr << (64 - width)) >> (64 - width);
	uint64_t ent_gpa[5], ent_hpa[5], ent_val[5];
	bool rw = true, us = true, xd = false;
	unsigned n = 0, fr;

	if ((uint64_t)sext != addr)
		return FR_SGN_CANON;
	for (unsigned lvl = levels; lvl >= 1; lvl--) {
		unsigned shift = 12 + 9 * (lvl - 1);
		uint64_t eaddr = table + ((addr >> shift) & 0x1ff) * 8, hpa = eaddr, e, rsvd;
		bool leaf = lvl == 1;

		if (nested) {
			/* The table addresses are guest-physical: translate them. */
			fr = nest_fetch_addr(v, pc, eaddr, lvl == levels, false, &hpa);
			if (fr)
				return fr;
		}
		if (fetch64(v, hpa, &e))
			return lvl == levels ? FR_SFL_PTR : FR_SFL_ACCESS;
		if (!(e & 1))
			return FR_SFL_P;
		rsvd = haw_rsvd(v);
		if (lvl >= 4)
			rsvd |= BIT(7);
		if ((lvl == 2 || lvl == 3) && (e & BIT(7))) {
			if (lvl == 3 && !(v->cap & BIT(56)))   /* CAP.FL1GP */
				return FR_SFL_RSVD;
			/* Bit 12 is PAT in a large page; the rest below the page is reserved. */
			rsvd |= GENMASK(shift - 1, 13);
			leaf = true;
		}
		if (e & rsvd)
			return FR_SFL_RSVD;
		rw &= !!(e & 2);
		us &= !!(e & 4);
		xd |= !!(e & BIT(63));
		ent_gpa[n] = eaddr;
		ent_hpa[n] = hpa;
		ent_val[n++] = e;
		table = e & GENMASK(51, 12);
		if (leaf) {
			w->pa = e & GENMASK(51, shift);
			w->shift = shift;
			break;
		}
	}
	*allow_user = us ? (PERM_R | (rw ? PERM_W : 0) | (xd ? 0 : PERM_X)) : 0;
	*allow_priv = PERM_R | ((rw || !wpe) ? PERM_W : 0) | (xd ? 0 : PERM_X);
	if (user && !us)
		return FR_SGN_US;
	fr = perm_fault_sm(user ? *allow_user : *allow_priv, access, user);
	if (fr)
		return fr;
	/* Accessed on every level, dirty on the leaf for a write (spec 3.6.2). */
	for (unsigned i = 0; i < n; i++) {
		uint64_t nv = ent_val[i] | BIT(5), hpa = ent_hpa[i];

		if (i == n - 1 && (access & SIM_ACC_WRITE))
			nv |= BIT(6);
		if (nv == ent_val[i])
			continue;
		if (nested) {
			/* The update is a write through the second level. */
			fr = nest_fetch_addr(v, pc, ent_gpa[i], i == 0, true, &hpa);
			if (fr)
				return fr;
		}
		sim_ram_write64(v->m, hpa, nv);
	}
	return 0;
}

static unsigned sm_pasid_entry(struct sim_vtd *v, const struct sim_txn *t, const uint64_t *cq,
			       uint32_t pasid, struct pasid_cfg *pc, bool *fpd)
{
	struct vtd_pasid_ent *pe = pc_lookup(v, t->sid, pasid);
	uint64_t de, q[8];
	unsigned pdts = FIELD(cq[0], 11, 9);

	if (pe) {
		memcpy(pc->q, pe->q, sizeof(pc->q));
		*fpd |= pe->fpd || (pe->q[0] & 2);
		pc->did = pe->did;
		pc->pgtt = FIELD(pc->q[0], 8, 6);
		return 0;
	}
	/* The directory has 2^(PDTS + 7) entries, each for 64 PASIDs. */
	if ((pasid >> 6) >= (1u << (pdts + 7)))
		return FR_SCT_PDTS;
	if (fetch64(v, (cq[0] & GENMASK(63, 12)) + (pasid >> 6) * 8, &de))
		return FR_SPD_ACCESS;
	if (!(de & 1))
		return FR_SPD_P;
	*fpd |= de & 2;
	if (de & (GENMASK(11, 2) | ptr_rsvd(v)))
		return FR_SPD_RSVD;
	if (fetch(v, (de & GENMASK(63, 12)) + (pasid & 0x3f) * 64, q, 8))
		return FR_SPT_ACCESS;
	if (!(q[0] & 1))
		return FR_SPT_P;
	*fpd |= q[0] & 2;
	pc->pgtt = FIELD(q[0], 8, 6);
	/* A pointer the PGTT does not use is ignored: SLPTPTR under first-level
	 * only (1) and pass-through (4), FLPTPTR under second-level only (2)
	 * and pass-through. */
	if ((q[0] & (GENMASK(11, 10) | (pc->pgtt == 1 || pc->pgtt == 4 ? 0 : ptr_rsvd(v)))) ||
	    (q[1] & GENMASK(22, 16)) || (q[2] & (GENMASK(11, 8) | (pc->pgtt == 2 || pc->pgtt == 4 ? 0 : ptr_rsvd(v)))))
		return FR_SPT_RSVD;
	switch (pc->pgtt) {
	case 1:                             /* first level only */
		if (!(v->ecap & BIT(47)))
			return FR_SPT_INV;
		break;
	case 2:                             /* second level only */
		if (!(v->ecap & BIT(46)) || !aw_supported(v, FIELD(q[0], 4, 2)))
			return FR_SPT_INV;
		break;
	case 3:                             /* nested */
		if (!(v->ecap & BIT(26)) || !aw_supported(v, FIELD(q[0], 4, 2)))
			return FR_SPT_INV;
		break;
	case 4:                             /* pass-through */
		if (!(v->ecap & BIT(6)))
			return FR_SPT_INV;
		break;
	default:
		return FR_SPT_INV;
	}
	if (pc->pgtt == 1 || pc->pgtt == 3) {
		unsigned flpm = FIELD(q[2], 3, 2);

		if (flpm > 1 || (flpm == 1 && !(v->cap & BIT(60))))
			return FR_SPT_INV;
	}
	/* SLADE needs ECAP.SLADS, which this unit does not advertise. */
	if ((q[0] & BIT(9)) && !(v->ecap & BIT(45)))
		return FR_SPT_INV;
	memcpy(pc->q, q, sizeof(pc->q));
	pc->did = q[1] & 0xffff;
	pe = &v->pc[v->pc_next];
	v->pc_next = (v->pc_next + 1) % VTD_NPASID;
	*pe = (struct vtd_pasid_ent){ .valid = true, .sid = t->sid, .did = pc->did,
		.pasid = pasid, .fpd = de & 2 };
	memcpy(pe->q, q, sizeof(pe->q));
	return 0;
}

static unsigned xlate_sm(struct sim_vtd *v, const struct sim_txn *t, uint64_t *pa, bool *fpd)
{
	unsigned bus = (t->sid >> 8) & 0xff, devfn = t->sid & 0xff;
	unsigned access = t->access & (SIM_ACC_READ | SIM_ACC_WRITE | SIM_ACC_EXEC);
	struct vtd_ctx_ent *ce = ctx_lookup(v, t->sid, true);
	uint64_t q[4], root = v->rta_live & GENMASK(63, 12);
	bool user, priv;
	struct pasid_cfg pc;
	uint32_t pasid;
	unsigned fr, au, ap;
	struct vtd_tlb_ent *te;
	struct walk w;

	if (ce) {
		memcpy(q, ce->q, sizeof(q));
	} else {
		uint64_t re[2], half;

		if (fetch(v, root + bus * 16, re, 2))
			return FR_SRT_ACCESS;
		/* Lower half for devfn 0-127, upper half for 128-255. */
		half = re[devfn >= 128];
		if (!(half & 1))
			return FR_SRT_P;
		if (half & (GENMASK(11, 1) | ptr_rsvd(v)))
			return FR_SRT_RSVD;
		if (fetch(v, (half & GENMASK(63, 12)) + (devfn & 0x7f) * 32, q, 4))
			return FR_SCT_ACCESS;
		if (!(q[0] & 1))
			return FR_SCT_P;
		*fpd = q[0] & 2;
		if ((q[0] & (GENMASK(8, 5) | ptr_rsvd(v))) || (q[1] & GENMASK(63, 21)) ||
		    ((q[1] & BIT(20)) && !(v->ecap & BIT(53))) || q[2] || q[3])
			return FR_SCT_RSVD;
		/* DTE needs ECAP.DT, PRE needs ECAP.PRS: neither is supported. */
		if ((q[0] & BIT(2)) || (q[0] & BIT(4)))
			return FR_SCT_INV;
		ctx_insert(v, t->sid, true, q);
	}
	*fpd = q[0] & 2;
	if (t->ssv && !(q[0] & BIT(3)))
		return FR_SCT_PASIDE;
	pasid = t->ssv ? (t->ssid & 0xfffff) : (uint32_t)FIELD(q[1], 19, 0);
	/* Requests without PASID are user requests unless RID_PRIV says not. */
	priv = t->ssv ? (t->access & SIM_ACC_PRIV) : (q[1] & BIT(20));
	user = !priv;
	fr = sm_pasid_entry(v, t, q, pasid, &pc, fpd);
	if (fr)
		return fr;
	/* SRE and ERE gate first-level (and nested) translation. */
	if (pc.pgtt == 1 || pc.pgtt == 3) {
		if (t->ssv && priv && !(pc.q[2] & BIT(0)))
			return FR_SPT_SRE;
		if ((access & SIM_ACC_EXEC) && !(pc.q[2] & BIT(1)))
			return FR_SPT_ERE;
	}
	if (pc.pgtt == 4) {                 /* pass-through */
		if (v->haw < 64 && (t->iova >> v->haw))
			return FR_SGN_HAW;
		*pa = t->iova;
		return 0;
	}
	te = tlb_lookup(v, true, pc.did, pasid, t->iova);
	if (te && perm_ok(user ? te->allow_user : te->allow_priv, access)) {
		*pa = te->pa | (t->iova & (BIT(te->shift) - 1));
		return 0;
	}
	if (pc.pgtt == 2) {
		enum sl_result r = sm_sl(v, &pc, t->iova, access & SIM_ACC_WRITE, &w);

		/* Like legacy reason 0x4: the input is above what the tables map. */
		if (r != SL_OK)
			return sl_fault_sm(r, FR_SGN_HAW);
		au = ap = w.perm;
		fr = perm_fault_sm(au, access, false);
		if (fr)
			return fr;
	} else {
		fr = fl_walk(v, &pc, t, access, user, &w, &au, &ap);
		if (fr)
			return fr;
		if (pc.pgtt == 3) {
			/* Nested: the first-level output is translated by the second level. */
			struct walk s;
			enum sl_result r = sm_sl(v, &pc, w.pa | (t->iova & (BIT(w.shift) - 1)),
						 access & SIM_ACC_WRITE, &s);

			/* The first-level output (a GPA) above the second level's
			 * AGAW, as 0x74 is for first-level table addresses. */
			if (r != SL_OK)
				return sl_fault_sm(r, FR_SGN_SLAW);
			fr = perm_fault_sm(s.perm, access, false);
			if (fr)
				return fr;
			au &= s.perm;
			ap &= s.perm;
			/* The IOTLB holds the combined translation at the smaller page. */
			{
				uint64_t gpa = w.pa | (t->iova & (BIT(w.shift) - 1));
				uint64_t hpa = s.pa | (gpa & (BIT(s.shift) - 1));

				if (s.shift < w.shift)
					w.shift = s.shift;
				w.pa = hpa & ~(BIT(w.shift) - 1);
			}
		}
	}
	tlb_insert(v, &(struct vtd_tlb_ent){ .fl = pc.pgtt != 2, .sm = true, .did = pc.did,
		   .pasid = pasid, .shift = w.shift, .iova = t->iova & ~(BIT(w.shift) - 1),
		   .pa = w.pa, .allow_user = au, .allow_priv = ap });
	*pa = w.pa | (t->iova & (BIT(w.shift) - 1));
	return 0;
}

static int sim_vtd_translate(struct sim_iommu *u, const struct sim_txn *t, uint64_t *pa)
{
	struct sim_vtd *v = to_vtd(u);
	unsigned ttm = FIELD(v->rta_live, 11, 10), fr;
	bool fpd = false;

	/* Translation disabled: requests pass untranslated (no PMEN regions). */
	if (!(v->gsts & GCMD_TE)) {
		*pa = t->iova;
		return 0;
	}
	if (ttm == 0)
		fr = xlate_legacy(v, t, pa, &fpd);
	else if (ttm == 1 && v->scalable)
		fr = xlate_sm(v, t, pa, &fpd);
	else
		fr = FR_RTA_INV;              /* reserved TTM, or a mode not supported */
	if (!fr)
		return 0;
	if (!fpd)
		record_fault(v, t, fr);
	return -EFAULT;
}

/* --- invalidation --------------------------------------------------------- */

static void do_ccmd(struct sim_vtd *v, uint64_t val)
{
	unsigned cirg = FIELD(val, 62, 61);

	if (cirg)
		ctx_inval(v, cirg, FIELD(val, 15, 0), FIELD(val, 31, 16), FIELD(val, 33, 32));
	/* Done at once: ICC clear, CAIG = what was done (0: nothing, bad request). */
	v->ccmd = (val & ~(CCMD_ICC | GENMASK(60, 59))) | (uint64_t)cirg << 59;
}

static void do_iotlb_reg(struct sim_vtd *v, uint64_t val)
{
	unsigned iirg = FIELD(val, 61, 60);
	long did = (long)FIELD(val, 47, 32);

	switch (iirg) {
	case 1:
		tlb_inval(v, -1, -1, -1, 0, -1);
		break;
	case 2:
		tlb_inval(v, -1, did, -1, 0, -1);
		break;
	case 3: {
		unsigned am = FIELD(v->iva, 5, 0);

		if (am > FIELD(v->cap, 53, 48)) {
			iirg = 0;               /* a mask beyond MAMV: not performed */
			break;
		}
		tlb_inval(v, -1, did, -1, v->iva & GENMASK(63, 12), (int)am);
		break;
	}
	}
	v->iotlb = (val & ~(IOTLB_IVT | GENMASK(58, 57))) | (uint64_t)iirg << 57;
}

static void iq_error(struct sim_vtd *v, unsigned iqei)
{
	v->fsts |= FSTS_IQE;
	v->iqercd = (v->iqercd & ~0xfULL) | iqei;
	raise_event(&v->fault_ev);
}

/* One descriptor: 0, or an IQEI value for an invalid one. */
static unsigned do_desc(struct sim_vtd *v, const uint64_t *d)
{
	unsigned type = (d[0] & 0xf) | (unsigned)FIELD(d[0], 11, 9) << 4;
	unsigned g = FIELD(d[0], 5, 4);

	switch (type) {
	case 0x1:                           /* context-cache invalidate */
		if ((d[0] & (GENMASK(8, 6) | GENMASK(15, 12) | GENMASK(63, 50))) || d[1] || !g)
			return IQEI_RSVD;
		ctx_inval(v, g, FIELD(d[0], 31, 16), FIELD(d[0], 47, 32), FIELD(d[0], 49, 48));
		return 0;
	case 0x2:                           /* IOTLB invalidate */
		if ((d[0] & (BIT(8) | GENMASK(15, 12) | GENMASK(63, 32))) ||
		    (d[1] & GENMASK(11, 7)) || !g)
			return IQEI_RSVD;
		/* In scalable mode this covers second-level and pass-through
		 * translations only; first-level ones need descriptor 0x6. */
		if (g == 1)
			tlb_inval(v, 0, -1, -1, 0, -1);
		else if (g == 2)
			tlb_inval(v, 0, (long)FIELD(d[0], 31, 16), -1, 0, -1);
		else
			tlb_inval(v, 0, (long)FIELD(d[0], 31, 16), -1, d[1] & GENMASK(63, 12),
				  (int)FIELD(d[1], 5, 0));
		return 0;
	case 0x4:                           /* interrupt entry cache: nothing cached */
		if (!(v->ecap & BIT(3)))
			return IQEI_TYPE;
		if ((d[0] & (GENMASK(8, 5) | GENMASK(26, 12) | GENMASK(63, 48))) || d[1])
			return IQEI_RSVD;
		return 0;
	case 0x5: {                         /* invalidation wait */
		if ((d[0] & (BIT(8) | GENMASK(31, 12))) || (d[1] & 3))
			return IQEI_RSVD;
		if (d[0] & BIT(5)) {        /* SW: write the status data */
			uint32_t data = (uint32_t)(d[0] >> 32);

			sim_dma_write(v->m, d[1] & GENMASK(63, 2), &data, 4);
		}
		if ((d[0] & BIT(4)) && !(v->ics & 1)) {   /* IF */
			v->ics |= 1;
			raise_event(&v->inv_ev);
		}
		return 0;
	}
	case 0x6: {                         /* PASID-based IOTLB invalidate */
		long did = (long)FIELD(d[0], 31, 16), pasid = (long)FIELD(d[0], 51, 32);

		if (!v->scalable)
			return IQEI_TYPE;
		if ((d[0] & (GENMASK(8, 6) | GENMASK(15, 12) | GENMASK(63, 52))) ||
		    (d[1] & GENMASK(11, 7)) || g < 2)
			return IQEI_RSVD;
		if (g == 2)
			tlb_inval(v, 1, did, pasid, 0, -1);
		else
			tlb_inval(v, 1, did, pasid, d[1] & GENMASK(63, 12), (int)FIELD(d[1], 5, 0));
		return 0;
	}
	case 0x7:                           /* PASID-cache invalidate */
		if (!v->scalable)
			return IQEI_TYPE;
		if ((d[0] & (GENMASK(8, 6) | GENMASK(15, 12) | GENMASK(63, 52))) || d[1] ||
		    g == 2)
			return IQEI_RSVD;
		pc_inval(v, g, FIELD(d[0], 31, 16), FIELD(d[0], 51, 32));
		return 0;
	default:
		/* 0x3/0x8 need ECAP.DT, 0x9/0xa need ECAP.PRS: not supported. */
		return IQEI_TYPE;
	}
}

static uint64_t iq_size(const struct sim_vtd *v)
{
	return 4096ULL << (v->iqa & 7);
}

/* Fetch and run descriptors from IQH up to IQT; stop at an invalid one,
 * leaving IQH on it (spec 6.5.2.10). */
static void iq_process(struct sim_vtd *v)
{
	bool dw = v->iqa & IQA_DW;
	unsigned dsz = dw ? 32 : 16;
	uint64_t base = v->iqa & GENMASK(63, 12);

	if (!(v->gsts & GCMD_QIE) || (v->fsts & FSTS_IQE))
		return;
	if (dw && !v->scalable) {
		iq_error(v, IQEI_WIDTH);
		return;
	}
	if (v->iqt >= iq_size(v)) {
		iq_error(v, IQEI_TAIL);
		return;
	}
	if (dw && (v->iqt & 0x10)) {
		iq_error(v, IQEI_ALIGN);
		return;
	}
	while (v->iqh != v->iqt) {
		uint64_t d[4] = { 0 };
		unsigned err;

		if (fetch(v, base + v->iqh, d, dsz / 8)) {
			iq_error(v, IQEI_FETCH);
			return;
		}
		err = do_desc(v, d);
		if (err) {
			iq_error(v, err);
			return;
		}
		v->iqh = (v->iqh + dsz) % iq_size(v);
	}
}

/* --- registers ---------------------------------------------------------------- */

static void write_gcmd(struct sim_vtd *v, uint32_t val)
{
	/* Status follows command for the enable bits ... */
	if (val & GCMD_SRTP) {              /* ... the one-shot bits act once. */
		v->rta_live = v->rtaddr;
		v->gsts |= GCMD_SRTP;       /* RTPS: done (synchronously) */
	}
	if ((val & GCMD_SIRTP) && (v->ecap & BIT(3))) {
		v->gsts |= GCMD_SIRTP;
	}
	if ((val & GCMD_QIE) && !(v->gsts & GCMD_QIE)) {
		v->gsts |= GCMD_QIE;
		v->iqh = 0;
		iq_process(v);
	} else if (!(val & GCMD_QIE) && (v->gsts & GCMD_QIE)) {
		/* Disabling resets the head (spec 10.4.22). */
		v->gsts &= ~GCMD_QIE;
		v->iqh = 0;
	}
	if (v->ecap & BIT(3)) {
		v->gsts = (v->gsts & ~(GCMD_IRE | GCMD_CFI)) | (val & (GCMD_IRE | GCMD_CFI));
	}
	v->gsts = (v->gsts & ~GCMD_TE) | (val & GCMD_TE);
	/* SFL/EAFL (CAP.AFL = 0) and WBF (CAP.RWBF = 0) are not implemented: ignored. */
}

static uint32_t read32(struct sim_vtd *v, uint64_t off)
{
	if (off >= VTD_FECTL && off <= VTD_FEUADDR)
		return event_read(&v->fault_ev, (off - VTD_FECTL) / 4);
	if (off >= VTD_IECTL && off <= VTD_IEUADDR)
		return event_read(&v->inv_ev, (off - VTD_IECTL) / 4);
	uint32_t r;

	switch (off) {
	case VTD_VER:
		return v->scalable ? 0x30 : 0x10;
	case VTD_GCMD:
		return 0;                   /* write-only */
	case VTD_GSTS:
		return v->gsts;
	case VTD_FSTS:
		r = v->fsts & FSTS_W1C;
		if (ppf(v))
			r |= FSTS_PPF | (uint32_t)(v->fri & 0xff) << 8;
		return r;
	case VTD_PMEN:
		return v->pmen | ((v->pmen >> 31) & 1);    /* PRS follows EPM */
	case VTD_ICS:
		return v->ics;
	default:
		return 0;                   /* reserved: reads as zero */
	}
}

static void write32(struct sim_vtd *v, uint64_t off, uint32_t val)
{
	if (off >= VTD_FECTL && off <= VTD_FEUADDR) {
		event_write(&v->fault_ev, (off - VTD_FECTL) / 4, val);
		return;
	}
	if (off >= VTD_IECTL && off <= VTD_IEUADDR) {
		event_write(&v->inv_ev, (off - VTD_IECTL) / 4, val);
		return;
	}
	switch (off) {
	case VTD_GCMD:
		write_gcmd(v, val);
		break;
	case VTD_FSTS:
		v->fsts &= ~(val & FSTS_W1C);
		if (val & FSTS_IQE)
			iq_process(v);      /* resume from the (fixed) descriptor at IQH */
		fault_serviced(v);
		break;
	case VTD_PMEN:
		v->pmen = val & BIT(31);
		break;
	case VTD_ICS:
		v->ics &= ~(val & 1);
		break;
	default:
		break;                      /* read-only or reserved: ignored */
	}
}

/* The 64-bit register at reg, or false when reg is not one. */
static bool read64(struct sim_vtd *v, uint64_t reg, uint64_t *val)
{
	switch (reg) {
	case VTD_CAP:
		*val = v->cap;
		return true;
	case VTD_ECAP:
		*val = v->ecap;
		return true;
	case VTD_RTADDR:
		*val = v->rtaddr;
		return true;
	case VTD_CCMD:
		*val = v->ccmd;
		return true;
	case VTD_AFLOG:
		*val = 0;
		return true;
	case VTD_IQH:
		*val = v->iqh;
		return true;
	case VTD_IQT:
		*val = v->iqt;
		return true;
	case VTD_IQA:
		*val = v->iqa;
		return true;
	case VTD_IQERCD:
		*val = v->iqercd;
		return true;
	case VTD_IRTA:
		*val = v->irta;
		return true;
	case VTD_IVA:
		*val = v->iva;
		return true;
	case VTD_IOTLB:
		*val = v->iotlb;
		return true;
	}
	if (reg >= VTD_FRCD && reg < VTD_FRCD + 16ULL * v->nfr) {
		*val = v->frcd[(reg - VTD_FRCD) / 16][(reg >> 3) & 1];
		return true;
	}
	return false;
}

/* Write the bytes of a 64-bit register selected by mask; acts when the half
 * holding the command bit is written (so two 32-bit writes, low then high,
 * work as one 64-bit write). */
static void write64(struct sim_vtd *v, uint64_t reg, uint64_t val, uint64_t mask)
{
	uint64_t cur = 0;

	read64(v, reg, &cur);
	val = (cur & ~mask) | (val & mask);
	switch (reg) {
	case VTD_RTADDR:
		v->rtaddr = val & ~GENMASK(9, 0);
		break;
	case VTD_CCMD:
		if ((mask >> 32) && (val & CCMD_ICC))
			do_ccmd(v, val);
		else
			v->ccmd = val & ~GENMASK(60, 59);
		break;
	case VTD_IQT:
		v->iqt = val & GENMASK(18, 4);
		if (mask & 0xffffffff)
			iq_process(v);
		break;
	case VTD_IQA:
		v->iqa = val & (GENMASK(63, 12) | IQA_DW | 7);
		break;
	case VTD_IRTA:
		v->irta = val & (GENMASK(63, 12) | BIT(11) | 0xf);
		break;
	case VTD_IVA:
		v->iva = val & (GENMASK(63, 12) | GENMASK(6, 0));
		break;
	case VTD_IOTLB:
		if ((mask >> 32) && (val & IOTLB_IVT))
			do_iotlb_reg(v, val);
		else
			v->iotlb = val & ~GENMASK(58, 57);
		break;
	default:
		if (reg >= VTD_FRCD && reg < VTD_FRCD + 16ULL * v->nfr && (reg & 8)) {
			/* F is write-1-to-clear; everything else is read-only. */
			unsigned i = (reg - VTD_FRCD) / 16;

			if ((mask & BIT(63)) && (val & BIT(63))) {
				v->frcd[i][1] &= ~BIT(63);
				fault_serviced(v);
			}
		}
		break;                      /* CAP, ECAP, IQH, IQERCD, AFLOG: read-only */
	}
}

static uint32_t read_dword(struct sim_vtd *v, uint64_t off)
{
	uint64_t val;

	if (read64(v, off & ~7ULL, &val))
		return (uint32_t)(val >> (8 * (off & 4)));
	return read32(v, off);
}

static int sim_vtd_mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct sim_vtd *v = opaque;
	uint64_t d;

	if (size == 8 && !(off & 7)) {
		if (!read64(v, off, val))
			*val = read_dword(v, off) | (uint64_t)read_dword(v, off + 4) << 32;
		return 0;
	}
	d = read_dword(v, off & ~3ULL);
	if (size == 8)                      /* unaligned: two dwords */
		d |= (uint64_t)read_dword(v, (off & ~3ULL) + 4) << 32;
	d >>= 8 * (off & 3);
	*val = size >= 8 ? d : d & ((1ULL << (8 * size)) - 1);
	return 0;
}

static void write_dword(struct sim_vtd *v, uint64_t off, uint32_t val)
{
	uint64_t cur;

	if (read64(v, off & ~7ULL, &cur)) {
		unsigned sh = 8 * (off & 4);

		write64(v, off & ~7ULL, (uint64_t)val << sh, 0xffffffffULL << sh);
		return;
	}
	write32(v, off, val);
}

static int sim_vtd_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct sim_vtd *v = opaque;
	uint64_t cur;

	/* The specification allows 32- and 64-bit accesses only; anything else
	 * is ignored, as are unaligned ones. */
	if (size == 8 && !(off & 7)) {
		if (read64(v, off, &cur)) {
			write64(v, off, val, ~0ULL);
		} else {
			write_dword(v, off, (uint32_t)val);
			write_dword(v, off + 4, (uint32_t)(val >> 32));
		}
	} else if (size == 4 && !(off & 3)) {
		write_dword(v, off, (uint32_t)val);
	}
	return 0;
}

static const struct sim_mmio_ops sim_vtd_mmio_ops = { sim_vtd_mmio_read, sim_vtd_mmio_write };

static void sim_vtd_destroy(struct sim_iommu *u)
{
	free(to_vtd(u));
}

uint64_t sim_vtd_frame_size(unsigned nfr)
{
	if (nfr < 1)
		nfr = 1;
	if (nfr > VTD_FRCD_MAX)
		nfr = VTD_FRCD_MAX;
	return (VTD_FRCD + 16ULL * nfr + 0xfff) & ~0xfffULL;
}

unsigned sim_vtd_haw(unsigned aw)
{
	/* The host address width equals MGAW, as on QEMU (at most 52 bits). */
	if (aw != 39 && aw != 48 && aw != 57)
		aw = 39;
	return aw > 52 ? 52 : aw;
}

int sim_vtd_create(struct sim_machine *m, uint64_t base)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_vtd *v = calloc(1, sizeof(*v));
	unsigned sagaw = 0;
	int rc;

	if (!v)
		return -ENOMEM;
	v->iommu.translate = sim_vtd_translate;
	v->iommu.destroy = sim_vtd_destroy;
	v->m = m;
	v->base = base;
	v->mgaw = p->vtd_aw;
	if (v->mgaw != 39 && v->mgaw != 48 && v->mgaw != 57)
		v->mgaw = 39;
	v->haw = sim_vtd_haw(v->mgaw);
	v->nfr = p->nfr < 1 ? 1 : p->nfr > VTD_FRCD_MAX ? VTD_FRCD_MAX : p->nfr;
	v->scalable = p->scalable;
	v->size = sim_vtd_frame_size(v->nfr);

	/* SAGAW: bit 1 39-bit (3 levels), bit 2 48-bit (4), bit 3 57-bit (5). */
	sagaw = 1u << 1;
	if (v->mgaw >= 48)
		sagaw |= 1u << 2;
	if (v->mgaw >= 57)
		sagaw |= 1u << 3;
	v->cap = 6ULL                               /* ND: 64K domains */
		| (uint64_t)sagaw << 8
		| (uint64_t)(v->mgaw - 1) << 16
		| (uint64_t)(VTD_FRCD / 16) << 24       /* FRO */
		| 3ULL << 34                            /* SLLPS: 2M, 1G */
		| BIT(39)                               /* PSI */
		| (uint64_t)(v->nfr - 1) << 40
		| 18ULL << 48                           /* MAMV */
		| BIT(54) | BIT(55);                    /* DWD, DRD */
	v->ecap = BIT(0)                            /* C: coherent walks */
		| BIT(1)                                /* QI */
		| BIT(3)                                /* IR (status only) */
		| BIT(6)                                /* PT */
		| BIT(7)                                /* SC */
		| (uint64_t)(VTD_IVA / 16) << 8         /* IRO */
		| 0xfULL << 20;                         /* MHMV */
	if (v->scalable) {
		v->cap |= BIT(56);                      /* FL1GP */
		if (v->mgaw >= 57)
			v->cap |= BIT(60);              /* FL5LP */
		v->ecap |= BIT(26)                      /* NEST */
			| BIT(30) | BIT(31)             /* ERS, SRS */
			| 19ULL << 35                   /* PSS: 20-bit PASIDs */
			| BIT(40)                       /* PASID */
			| BIT(43)                       /* SMTS */
			| BIT(46) | BIT(47)             /* SLTS, FLTS */
			| BIT(48)                       /* SMPWCS */
			| BIT(49);                      /* RPS */
	}
	v->fault_ev.ctl = ECTL_IM;
	v->inv_ev.ctl = ECTL_IM;

	rc = sim_mmio_map(m, base, v->size, &sim_vtd_mmio_ops, v);
	if (rc) {
		free(v);
		return rc;
	}
	sim_machine_set_iommu(m, &v->iommu);
	return 0;
}
