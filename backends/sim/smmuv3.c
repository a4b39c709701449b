/* SPDX-License-Identifier: MIT */
/*
 * An Arm SMMUv3 (IHI 0070), written from the specification: registers,
 * stream table (linear and 2-level), context descriptors (linear and
 * 2-level), VMSAv8-64 stage 1 and stage 2 walks for 4K/16K/64K granules,
 * VMSAv8-32 LPAE (long-descriptor) stage 1 and stage 2 walks when the `ttf`
 * parameter advertises them (IDR0.TTF[0]), nesting, permission/access-flag/address-size checks, the event queue with
 * overflow, GERROR, the command queue, and configuration and TLB caches that
 * only invalidation commands clear.
 *
 * Model choices where the specification leaves freedom (all documented in
 * README.md): no stalls (STALL_MODEL 0b01), terminate-with-abort only
 * (TERM_MODEL 1), no ATS/PRI/MSI/HTTU, little-endian tables only, no event
 * merging, invalid or ILLEGAL structures are never cached.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

#define BIT(n)          (1ULL << (n))
#define MASK(h, l)      ((~0ULL >> (63 - (h))) & ~(BIT(l) - 1))
#define GET(v, h, l)    (((uint64_t)(v) & MASK(h, l)) >> (l))

/* Register offsets (page 0; page 1 registers are folded onto page 0). */
enum {
	R_IDR0 = 0x00, R_IDR1 = 0x04, R_IDR2 = 0x08, R_IDR3 = 0x0c,
	R_IDR4 = 0x10, R_IDR5 = 0x14, R_IIDR = 0x18, R_AIDR = 0x1c,
	R_CR0 = 0x20, R_CR0ACK = 0x24, R_CR1 = 0x28, R_CR2 = 0x2c,
	R_STATUSR = 0x40, R_GBPA = 0x44, R_AGBPA = 0x48,
	R_IRQ_CTRL = 0x50, R_IRQ_CTRLACK = 0x54,
	R_GERROR = 0x60, R_GERRORN = 0x64, R_GERROR_IRQ_CFG0 = 0x68,
	R_STRTAB_BASE = 0x80, R_STRTAB_BASE_CFG = 0x88,
	R_CMDQ_BASE = 0x90, R_CMDQ_PROD = 0x98, R_CMDQ_CONS = 0x9c,
	R_EVENTQ_BASE = 0xa0, R_EVENTQ_PROD = 0xa8, R_EVENTQ_CONS = 0xac,
};

#define SMMU_REG_SIZE   0x20000

#define CR0_SMMUEN      BIT(0)
#define CR0_EVENTQEN    BIT(2)
#define CR0_CMDQEN      BIT(3)

#define GERROR_CMDQ_ERR         BIT(0)
#define GERROR_EVENTQ_ABT_ERR   BIT(2)
#define GERROR_IMPL             0x1fdu

#define GBPA_UPDATE     (1u << 31)
#define GBPA_ABORT      (1u << 20)
#define GBPA_FIELDS     ((1u << 20) | (0xfu << 16) | (0x3u << 12) | (0xfu << 8) | 0x1fu)

#define Q_OVF           (1u << 31) /* EVENTQ_PROD.OVFLG / EVENTQ_CONS.OVACKFLG */

enum { CERROR_NONE, CERROR_ILL, CERROR_ABT };

/* Event numbers */
enum {
	EVT_C_BAD_STREAMID = 0x02, EVT_F_STE_FETCH = 0x03, EVT_C_BAD_STE = 0x04,
	EVT_F_STREAM_DISABLED = 0x06, EVT_C_BAD_SUBSTREAMID = 0x08,
	EVT_F_CD_FETCH = 0x09, EVT_C_BAD_CD = 0x0a, EVT_F_WALK_EABT = 0x0b,
	EVT_F_TRANSLATION = 0x10, EVT_F_ADDR_SIZE = 0x11, EVT_F_ACCESS = 0x12,
	EVT_F_PERMISSION = 0x13,
};
enum { CLASS_CD = 0, CLASS_TT = 1, CLASS_IN = 2 };

#define SID_BITS   16
#define SSID_BITS  20
#define OAS_BITS   48
#define AA32_OAS   40 /* VMSAv8-32 LPAE outputs 40 bits (CD.IPS, STE.S2PS IGNORED) */

/* --- decoded configuration ------------------------------------------------ */

/* One translation table: geometry from TxSZ/TG (stage 1) or S2T0SZ/S2TG/S2SL0. */
struct tt {
	uint64_t ttb;
	uint8_t g;     /* granule shift: 12, 14, 16 */
	uint8_t ia;    /* input address bits */
	uint8_t sl;    /* start level */
	uint8_t ps;    /* effective output size in bits */
	bool epd;      /* walks disabled (stage 1 EPDx) */
	bool tbi;
	bool aa32;     /* VMSAv8-32 LPAE descriptors (CD.AA64 = 0, STE.S2AA64 = 0) */
};

struct ste {
	uint8_t config;       /* 0b000 abort, 0b100 bypass, 0b101, 0b110, 0b111 */
	uint8_t s1fmt, s1cdmax, s1dss;
	uint8_t privcfg, instcfg;
	uint64_t s1ctxptr;
	uint16_t vmid;
	struct tt s2;
	bool s2affd, s2r;
};

struct cd {
	struct tt t[2];
	uint16_t asid;
	bool affd, wxn, pan, r;
	bool aa32, uwxn;      /* VMSAv8-32 LPAE: TTBCR-style split, UWXN */
	uint8_t t0sz, t1sz;   /* VMSAv8-32 LPAE: 3-bit T0SZ/T1SZ */
};

struct cd_slot {
	bool valid;
	uint32_t sid, idx;
	struct cd cd;
};

/* One cached translation (4 KiB of input space; `size` is the size of the
 * block or page it came from, so invalidation by address can find it). */
struct tlb_ent {
	bool valid, s2only, global;
	uint16_t vmid, asid;
	uint64_t page;        /* input page number (VA or IPA >> 12) */
	uint64_t size;
	uint64_t pa_page;     /* output PA >> 12 */
	uint64_t ipa_page;    /* stage 1 output (nested), for stage 2 fault records */
	bool has_s1, has_s2;
	uint8_t ap;           /* stage 1 AP[2:1] after APTable */
	bool uxn, pxn;
	uint8_t s2ap;         /* S2AP[1:0]: bit 0 read, bit 1 write */
	bool s2xn;
	bool s2aa32;          /* stage 2 came from VMSAv8-32 LPAE tables */
};

#define CD_CACHE   1024
#define TLB_SIZE   8192

struct smmu {
	struct sim_iommu iommu; /* first: translate() gets this pointer */
	struct sim_machine *m;
	uint32_t idr[6];
	unsigned ias;           /* IHI 0070 3.4: MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0) */
	uint32_t cr0, cr1, cr2, gbpa, irq_ctrl, gerror, gerrorn;
	uint64_t strtab_base;
	uint32_t strtab_base_cfg;
	uint64_t cmdq_base;
	uint32_t cmdq_prod, cmdq_cons;
	uint64_t eventq_base;
	uint32_t eventq_prod, eventq_cons;
	struct ste **ste_cache; /* by StreamID */
	uint32_t ste_top;       /* StreamIDs from here up were never cached (a loop's bound) */
	struct cd_slot cd_cache[CD_CACHE];
	struct tlb_ent tlb[TLB_SIZE];
	bool tlb_blocks;        /* some entry came from a block: scan on VA invalidation */
	bool in_cmdq;
};

/* The attributes of one transaction, after STE overrides. */
struct txn {
	uint32_t sid, ssid;
	bool ssv, rnw, ind, pnu;
	uint64_t iova;
};

/* A fault found during translation, before it is turned into a record. */
struct fault {
	uint8_t type;
	bool s2, ttrnw;
	uint8_t cls;
	uint64_t ipa, fetch;
};

/* --- RAM access ------------------------------------------------------------ */

static int fetch64(struct smmu *s, uint64_t pa, uint64_t *v)
{
	sim_advance_ns(s->m, SIM_NS_PER_FETCH);
	if (pa >> OAS_BITS)
		return -EFAULT;
	return sim_ram_read64(s->m, pa, v);
}

/* --- event queue ------------------------------------------------------------ */

static unsigned q_log2(uint64_t base, unsigned max)
{
	unsigned n = base & 0x1f;

	return n > max ? max : n;
}

static void gerror_raise(struct smmu *s, uint32_t bit)
{
	/* Active means GERROR != GERRORN; raise only what is not already active. */
	if (!((s->gerror ^ s->gerrorn) & bit))
		s->gerror ^= bit;
}

static void evt_write(struct smmu *s, const uint64_t ev[4])
{
	unsigned n = q_log2(s->eventq_base, GET(s->idr[1], 20, 16));
	uint32_t mask = (2u << n) - 1, idx = (1u << n) - 1;
	uint32_t prod = s->eventq_prod & mask, cons = s->eventq_cons & mask;
	uint64_t base = s->eventq_base & MASK(51, 5) & ~((32ULL << n) - 1);
	uint8_t rec[32];

	if (!(s->cr0 & CR0_EVENTQEN))
		return; /* queue disabled: the event is discarded */
	if ((prod & idx) == (cons & idx) && prod != cons) {
		/* Full: the record is lost; flag overflow unless one is pending. */
		if (!((s->eventq_prod ^ s->eventq_cons) & Q_OVF))
			s->eventq_prod ^= Q_OVF;
		return;
	}
	for (int i = 0; i < 32; i++)
		rec[i] = ev[i / 8] >> (8 * (i % 8));
	if (sim_dma_write(s->m, base + (uint64_t)(prod & idx) * 32, rec, 32)) {
		gerror_raise(s, GERROR_EVENTQ_ABT_ERR);
		return;
	}
	s->eventq_prod = (s->eventq_prod & Q_OVF) | ((prod + 1) & mask);
}

static void ev_head(uint64_t ev[4], uint8_t id, const struct txn *t, bool ssv_field)
{
	memset(ev, 0, 4 * sizeof(ev[0]));
	ev[0] = id | (uint64_t)t->sid << 32;
	if (ssv_field && t->ssv)
		ev[0] |= BIT(11) | (uint64_t)t->ssid << 12;
}

/* Configuration error events: StreamID (and SubstreamID/SSV where the record has them). */
static int cfg_event(struct smmu *s, uint8_t id, const struct txn *t)
{
	uint64_t ev[4];

	ev_head(ev, id, t, id != EVT_F_STREAM_DISABLED);
	if (id == EVT_C_BAD_SUBSTREAMID) /* SubstreamID always valid, no SSV */
		ev[0] = id | (uint64_t)t->ssid << 12 | (uint64_t)t->sid << 32;
	evt_write(s, ev);
	return -EFAULT;
}

static int fetch_event(struct smmu *s, uint8_t id, const struct txn *t, uint64_t addr)
{
	uint64_t ev[4];

	ev_head(ev, id, t, true);
	ev[3] = addr & MASK(51, 3);
	evt_write(s, ev);
	return -EFAULT;
}

/* Translation-related faults; `record` is CD.R or STE.S2R for the faulting stage. */
static int xlate_event(struct smmu *s, const struct txn *t, const struct fault *f, bool record)
{
	uint64_t ev[4];

	if (!record && f->type != EVT_F_WALK_EABT)
		return -EFAULT;
	ev_head(ev, f->type, t, true);
	ev[1] = (uint64_t)t->pnu << 33 | (uint64_t)(t->ind && t->rnw) << 34 |
		(uint64_t)t->rnw << 35 | (uint64_t)f->s2 << 39 | (uint64_t)f->cls << 40;
	if (f->type == EVT_F_PERMISSION && f->cls == CLASS_TT)
		ev[1] |= (uint64_t)f->ttrnw << 44;
	ev[2] = t->iova;
	if (f->type == EVT_F_WALK_EABT)
		ev[3] = f->fetch & MASK(51, 3);
	else if (f->s2)
		ev[3] = f->ipa & MASK(51, 12);
	evt_write(s, ev);
	return -EFAULT;
}

/* --- geometry --------------------------------------------------------------- */

static unsigned lvl_shift(unsigned g, unsigned l)
{
	return g + (g - 3) * (3 - l);
}

static unsigned ps_bits(unsigned enc)
{
	static const uint8_t bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

	return bits[enc & 7] > OAS_BITS ? OAS_BITS : bits[enc & 7];
}

/* Stage 2 start level from S2SL0 (VTCR_EL2.SL0 meaning); false if reserved or
 * inconsistent with the input size (more than 16 concatenated tables, or a
 * start level that resolves no bits). */
static bool s2_geometry(struct tt *tt, unsigned sl0)
{
	unsigned g = tt->g, stride = g - 3, sl, bits;

	if (sl0 == 3)
		return false;
	sl = g == 12 ? 2 - sl0 : 3 - sl0;
	if (g == 12 && sl0 == 2)
		sl = 0;
	if (g == 16 && sl == 0)
		return false;
	if (tt->ia <= lvl_shift(g, sl))
		return false;
	bits = tt->ia - lvl_shift(g, sl);
	if (bits > stride + 4)
		return false;
	tt->sl = sl;
	return true;
}

static bool s1_geometry(struct tt *tt)
{
	unsigned stride = tt->g - 3;
	unsigned levels = (tt->ia - tt->g + stride - 1) / stride;

	if (levels > 4)
		return false;
	tt->sl = 4 - levels;
	return true;
}

/* Table base alignment: the greater of the table size and 64 bytes; a
 * VMSAv8-32 base (TTBCR/VTCR: bits [x-1:0] ignored) is aligned to the table's
 * size alone, down to 16 bytes for a 2-entry level-1 table. */
static uint64_t table_align(const struct tt *tt)
{
	unsigned bits = tt->ia - lvl_shift(tt->g, tt->sl) + 3;

	if (tt->aa32)
		return BIT(bits);
	return bits < 6 ? 64 : BIT(bits);
}

/* --- walks ------------------------------------------------------------------ */

struct leaf {
	uint64_t oa;     /* output address of the input address */
	uint64_t size;   /* block/page size */
	uint64_t desc;
	uint8_t aptable; /* APTable accumulated: bit 0 no EL0, bit 1 read-only */
	bool uxnt, pxnt;
};

static int s2_walk(struct smmu *s, const struct ste *ste, uint64_t ipa, uint8_t cls,
		   struct leaf *out, struct fault *f);

/* Translate an IPA that stage 1 (or CD fetch) uses for its own read: a fault
 * is a stage 2 fault of class cls. */
static int s2_read_addr(struct smmu *s, const struct ste *ste, uint64_t ipa, uint8_t cls,
			uint64_t *pa, struct fault *f)
{
	struct leaf l;

	if (s2_walk(s, ste, ipa, cls, &l, f))
		return -1;
	if (!(GET(l.desc, 6, 6))) { /* S2AP read */
		*f = (struct fault){ EVT_F_PERMISSION, true, true, cls, ipa, 0 };
		return -1;
	}
	*pa = l.oa;
	return 0;
}

/* One VMSAv8-64 walk.  stage2 selects descriptor rules; ste non-NULL in a
 * nested stage 1 walk (table addresses are IPAs). */
static int walk(struct smmu *s, const struct tt *tt, bool stage2, bool affd,
		const struct ste *nest, uint64_t ia, uint8_t cls,
		struct leaf *out, struct fault *f)
{
	unsigned g = tt->g, stride = g - 3;
	uint64_t table = tt->ttb & ~(table_align(tt) - 1);
	uint8_t fcls = stage2 ? cls : CLASS_IN;

	memset(out, 0, sizeof(*out));
	for (unsigned l = tt->sl; l <= 3; l++) {
		unsigned sh = lvl_shift(g, l);
		unsigned bits = l == tt->sl ? tt->ia - sh : stride;
		uint64_t idx = (ia >> sh) & (BIT(bits) - 1);
		uint64_t da = table + idx * 8, pa = da, desc, oa;

		if (nest && s2_read_addr(s, nest, da, CLASS_TT, &pa, f))
			return -1;
		if (fetch64(s, pa, &desc)) {
			*f = (struct fault){ EVT_F_WALK_EABT, stage2, false,
					     stage2 ? cls : CLASS_TT, 0, pa };
			return -1;
		}
		if (!(desc & 1))
			goto translation;
		/* VMSAv8-32 long descriptors: OA[39:12], bits [47:40] must be
		 * zero (an Address size fault), bits [51:48] are ignored */
		oa = desc & (tt->aa32 ? MASK(47, 12) : MASK(51, g));
		if (l < 3 && (desc & 2)) {
			/* Table descriptor. */
			if (oa >> tt->ps)
				goto addr_size;
			if (!stage2) {
				out->aptable |= GET(desc, 62, 61);
				out->uxnt |= GET(desc, 60, 60);
				out->pxnt |= GET(desc, 59, 59);
			}
			table = oa;
			continue;
		}
		/* Block (bits 0b01 below level 3) or page (0b11 at level 3). */
		if (l == 3 ? !(desc & 2) : (l == 0 || (l == 1 && g != 12)))
			goto translation;
		oa &= MASK(51, sh);
		if (oa >> tt->ps)
			goto addr_size;
		if (!affd && !(desc & BIT(10))) {
			*f = (struct fault){ EVT_F_ACCESS, stage2, false, fcls, ia, 0 };
			return -1;
		}
		out->oa = oa | (ia & (BIT(sh) - 1));
		out->size = BIT(sh);
		out->desc = desc;
		return 0;
	}
translation:
	*f = (struct fault){ EVT_F_TRANSLATION, stage2, false, fcls, ia, 0 };
	return -1;
addr_size:
	*f = (struct fault){ EVT_F_ADDR_SIZE, stage2, false, fcls, ia, 0 };
	return -1;
}

static int s2_walk(struct smmu *s, const struct ste *ste, uint64_t ipa, uint8_t cls,
		   struct leaf *out, struct fault *f)
{
	if (ipa >> ste->s2.ia) {
		*f = (struct fault){ EVT_F_TRANSLATION, true, false, cls, ipa, 0 };
		return -1;
	}
	return walk(s, &ste->s2, true, ste->s2affd, NULL, ipa, cls, out, f);
}

/* --- configuration: STE ----------------------------------------------------- */

/* VMSAv8-32 LPAE stage 2 (VTCR): a signed 4-bit T0SZ gives 25-40 input
 * bits; SL0 0 starts at level 2 (up to 16 concatenated tables: 25-34 bits),
 * 1 at level 1 (31-40 bits, two tables at 40), 2 and 3 are reserved. */
static bool s2_decode_aa32(const uint64_t *d, struct ste *e)
{
	uint64_t w = d[2];
	int t0sz = (int)GET(w, 35, 32);
	unsigned sl0 = GET(w, 39, 38);

	if (t0sz > 7)
		t0sz -= 16;
	e->s2.aa32 = true;
	e->s2.g = 12;
	e->s2.ia = (uint8_t)(32 - t0sz);
	if (sl0 == 0 && e->s2.ia <= 34)
		e->s2.sl = 2;
	else if (sl0 == 1 && e->s2.ia >= 31)
		e->s2.sl = 1;
	else
		return false;
	e->s2.ps = AA32_OAS;
	return true;
}

static bool s2_decode(struct smmu *s, const uint64_t *d, struct ste *e)
{
	uint64_t w = d[2];
	static const uint8_t tg[4] = { 12, 16, 14, 0 };
	unsigned ttf = GET(s->idr[0], 3, 2);

	if (GET(w, 51, 51) ? !(ttf & 2) : !(ttf & 1)) /* S2AA64 selects a format TTF lacks */
		return false;
	if (GET(w, 52, 52))                       /* S2ENDI = big */
		return false;
	if (GET(w, 56, 55) || GET(w, 57, 57))     /* S2HA/S2HD without HTTU (and with AArch32), S2S without stalls */
		return false;
	if (!GET(w, 51, 51)) {
		if (!s2_decode_aa32(d, e))
			return false;
	} else {
		e->s2.g = tg[GET(w, 47, 46)];
		if (!e->s2.g)
			return false;
		e->s2.ia = 64 - GET(w, 37, 32);
		if (e->s2.ia > s->ias || e->s2.ia < 16)
			return false;
		if (!s2_geometry(&e->s2, GET(w, 39, 38)))
			return false;
		e->s2.ps = ps_bits(GET(w, 50, 48));
	}
	e->s2.ttb = d[3] & MASK(55, 4);
	if (e->s2.ttb >> e->s2.ps)
		return false;
	e->s2affd = GET(w, 53, 53);
	e->s2r = GET(w, 58, 58);
	return true;
}

/* Decode a fetched STE: 1 valid, 0 ILLEGAL (C_BAD_STE). */
static int ste_decode(struct smmu *s, const uint64_t *d, struct ste *e)
{
	bool s2p = s->idr[0] & 1;

	memset(e, 0, sizeof(*e));
	if (!(d[0] & 1))
		return 0;
	e->config = GET(d[0], 3, 1);
	if (!(e->config & 4)) {
		e->config = 0; /* 0b0xx: abort (reserved values behave as 0b000) */
		return 1;
	}
	e->vmid = s2p ? GET(d[2], 15, 0) : 0;
	if (s->idr[1] & BIT(26)) { /* ATTR_PERMS_OVR */
		e->privcfg = GET(d[1], 49, 48);
		e->instcfg = GET(d[1], 51, 50);
	}
	if ((e->config & 2) && (!s2p || !s2_decode(s, d, e)))
		return 0;
	if (e->config & 1) {
		e->s1ctxptr = d[0] & MASK(55, 6);
		e->s1fmt = GET(d[0], 5, 4);
		e->s1cdmax = GET(d[0], 63, 59);
		e->s1dss = GET(d[1], 1, 0);
		if (e->s1fmt == 3)
			e->s1fmt = 0; /* reserved, behaves as linear */
		if (e->s1cdmax > SSID_BITS)
			return 0;
		if (GET(d[1], 27, 27)) /* S1STALLD with STALL_MODEL != 0b00 */
			return 0;
		if (e->s1cdmax && e->s1dss == 3)
			return 0;
		/* STRW is IGNORED without IDR0.Hyp (SteIllegal: strw_unused). */
		if (e->s1ctxptr >> ((e->config & 2) ? e->s2.ia : OAS_BITS))
			return 0;
	}
	return 1;
}

/* Locate and fetch the STE for t->sid; NULL after recording the event. */
static struct ste *ste_get(struct smmu *s, const struct txn *t)
{
	uint32_t cfg = s->strtab_base_cfg, sid = t->sid;
	unsigned log2size = GET(cfg, 5, 0), split = GET(cfg, 10, 6);
	uint64_t base = s->strtab_base & MASK(51, 6), addr, d[4];
	struct ste *e;

	if (s->ste_cache[sid])
		return s->ste_cache[sid];
	if (log2size > SID_BITS)
		log2size = SID_BITS;
	if (sid >> log2size) {
		if (s->cr2 & BIT(1)) /* RECINVSID */
			cfg_event(s, EVT_C_BAD_STREAMID, t);
		return NULL;
	}
	if (GET(cfg, 17, 16) == 1) {
		uint64_t l1, l2;
		unsigned span;

		/* Reserved SPLIT values behave as 6.  SPLIT >= LOG2SIZE is not
		 * clamped: one L1STD, whose Span may go up to SPLIT + 1. */
		if (split != 6 && split != 8 && split != 10)
			split = 6;
		/* The level-1 table is aligned to its size, 64 bytes at least
		 * (the base's low bits are ignored). */
		if (GET(cfg, 5, 0) + 3 > split + 6)
			base &= ~(BIT(GET(cfg, 5, 0) - split + 3) - 1);
		addr = base + (uint64_t)(sid >> split) * 8;
		if (fetch64(s, addr, &l1)) {
			fetch_event(s, EVT_F_STE_FETCH, t, addr);
			return NULL;
		}
		span = GET(l1, 4, 0);
		if (span == 0 || span > 11 || span > split + 1 ||
		    (sid & (BIT(split) - 1)) >= BIT(span - 1)) {
			/* Recorded, like an out-of-range StreamID, only with RECINVSID. */
			if (s->cr2 & BIT(1))
				cfg_event(s, EVT_C_BAD_STREAMID, t);
			return NULL;
		}
		/* L2Ptr[5 + (Span - 1):0] are treated as 0: the array is aligned to its size. */
		l2 = l1 & MASK(55, 6) & ~(BIT(6 + span - 1) - 1);
		addr = l2 + (uint64_t)(sid & (BIT(split) - 1)) * 64;
	} else {
		/* A linear table is aligned to its size (2^LOG2SIZE STEs). */
		base = GET(cfg, 5, 0) >= 58 ? 0 : base & ~(BIT(GET(cfg, 5, 0) + 6) - 1);
		addr = base + (uint64_t)sid * 64;
	}
	for (int i = 0; i < 4; i++) {
		if (fetch64(s, addr + 8 * i, &d[i])) {
			fetch_event(s, EVT_F_STE_FETCH, t, addr + 8 * i);
			return NULL;
		}
	}
	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	if (!ste_decode(s, d, e)) {
		free(e);
		cfg_event(s, EVT_C_BAD_STE, t);
		return NULL;
	}
	s->ste_cache[sid] = e;
	if (sid >= s->ste_top)
		s->ste_top = sid + 1;
	return e;
}

/* --- configuration: CD ------------------------------------------------------- */

/* One TTBx of a VMSAv8-32 LPAE CD: TG and IPS are IGNORED (4K, 40-bit
 * output), TxSZ is 3 bits (every value legal), start level 1 for TxSZ 0-1
 * and 2 for 2-7. */
static bool tt1_decode_aa32(uint64_t d0, uint64_t ttb, bool one, struct tt *tt)
{
	unsigned tsz = one ? GET(d0, 18, 16) : GET(d0, 2, 0);

	tt->aa32 = true;
	tt->epd = one ? GET(d0, 30, 30) : GET(d0, 14, 14);
	if (tt->epd)
		return true;
	tt->g = 12;
	tt->ia = 32 - tsz;
	tt->sl = tsz <= 1 ? 1 : 2;
	tt->ps = AA32_OAS;
	tt->ttb = ttb & MASK(55, 4);
	return !(tt->ttb >> AA32_OAS);
}

static bool tt1_decode(uint64_t d0, uint64_t ttb, bool one, unsigned ips, struct tt *tt)
{
	static const uint8_t tg0[4] = { 12, 16, 14, 0 }, tg1[4] = { 0, 14, 12, 16 };
	unsigned tsz = one ? GET(d0, 21, 16) : GET(d0, 5, 0);

	tt->epd = one ? GET(d0, 30, 30) : GET(d0, 14, 14);
	tt->tbi = one ? GET(d0, 39, 39) : GET(d0, 38, 38);
	if (tt->epd)
		return true; /* fields of a disabled TTBx are IGNORED */
	tt->g = one ? tg1[GET(d0, 23, 22)] : tg0[GET(d0, 7, 6)];
	if (!tt->g || tsz < 16 || tsz > 39)
		return false;
	tt->ia = 64 - tsz;
	tt->ps = ips;
	tt->ttb = ttb & MASK(55, 4);
	if (tt->ttb >> ips)
		return false;
	return s1_geometry(tt);
}

/* s2aa32: the CD is used under a VMSAv8-32 stage 2, which only a
 * VMSAv8-32 stage 1 may sit on. */
static bool cd_decode(struct smmu *s, const uint64_t *d, bool s2aa32, struct cd *c)
{
	uint64_t d0 = d[0];
	unsigned ips = ps_bits(GET(d0, 34, 32)), ttf = GET(s->idr[0], 3, 2);
	bool aa64 = GET(d0, 41, 41);

	memset(c, 0, sizeof(*c));
	if (!GET(d0, 31, 31))                       /* V */
		return false;
	if (aa64 ? !(ttf & 2) || s2aa32 : !(ttf & 1)) /* AA64 selects a format TTF lacks */
		return false;
	if (GET(d0, 44, 44) || !GET(d0, 46, 46))   /* S without stalls, A = 0 with TERM_MODEL 1 */
		return false;
	if (aa64 && GET(d0, 43, 42))                /* HA/HD without HTTU (IGNORED for AArch32) */
		return false;
	if (GET(d0, 15, 15) && !(GET(d0, 14, 14) && GET(d0, 30, 30))) /* ENDI big */
		return false;
	if (!aa64) {
		c->aa32 = true;
		c->uwxn = GET(d0, 37, 37);
		c->t0sz = GET(d0, 2, 0);
		c->t1sz = GET(d0, 18, 16);
		if (!tt1_decode_aa32(d0, d[1], false, &c->t[0]) || !tt1_decode_aa32(d0, d[2], true, &c->t[1]))
			return false;
	} else if (!tt1_decode(d0, d[1], false, ips, &c->t[0]) ||
		   !tt1_decode(d0, d[2], true, ips, &c->t[1])) {
		return false;
	}
	c->asid = GET(d0, 63, 48);
	c->affd = GET(d0, 35, 35);
	c->wxn = GET(d0, 36, 36);
	c->pan = GET(d0, 40, 40);
	c->r = GET(d0, 45, 45);
	return true;
}

static unsigned cd_slot(uint32_t sid, uint32_t idx)
{
	return (sid * 0x9e3779b1u ^ idx * 0x85ebca6bu) % CD_CACHE;
}

/* Read a CD-table word at a (possibly intermediate) address. */
static int cd_read(struct smmu *s, const struct ste *e, const struct txn *t,
		   uint64_t addr, uint64_t *v)
{
	uint64_t pa = addr;
	struct fault f;

	if (e->config & 2) {
		if (s2_read_addr(s, e, addr, CLASS_CD, &pa, &f)) {
			if (f.type == EVT_F_WALK_EABT)
				return xlate_event(s, t, &f, true);
			f.ipa = addr;
			return xlate_event(s, t, &f, e->s2r);
		}
	}
	if (fetch64(s, pa, v))
		return fetch_event(s, EVT_F_CD_FETCH, t, pa);
	return 0;
}

static const struct cd *cd_get(struct smmu *s, const struct ste *e, const struct txn *t,
			       uint32_t idx)
{
	struct cd_slot *sl = &s->cd_cache[cd_slot(t->sid, idx)];
	uint64_t addr = e->s1ctxptr, d[4];

	if (sl->valid && sl->sid == t->sid && sl->idx == idx)
		return &sl->cd;
	if (e->s1cdmax && e->s1fmt) {
		unsigned split = e->s1fmt == 1 ? 6 : 10;
		uint64_t l1;

		if (e->s1cdmax > split)
			addr += (uint64_t)(idx >> split) * 8;
		if (cd_read(s, e, t, addr, &l1))
			return NULL;
		if (!(l1 & 1) || ((l1 & MASK(55, 12)) >> (e->config & 2 ? e->s2.ia : OAS_BITS))) {
			struct txn bad = *t;

			bad.ssid = idx;
			cfg_event(s, EVT_C_BAD_SUBSTREAMID, &bad);
			return NULL;
		}
		addr = (l1 & MASK(55, 12)) + (uint64_t)(idx & (BIT(split) - 1)) * 64;
	} else {
		addr += (uint64_t)idx * 64;
	}
	for (int i = 0; i < 4; i++)
		if (cd_read(s, e, t, addr + 8 * i, &d[i]))
			return NULL;
	if (!cd_decode(s, d, (e->config & 2) && e->s2.aa32, &sl->cd)) {
		sl->valid = false;
		cfg_event(s, EVT_C_BAD_CD, t);
		return NULL;
	}
	sl->valid = true;
	sl->sid = t->sid;
	sl->idx = idx;
	return &sl->cd;
}

/* --- TLB --------------------------------------------------------------------- */

static unsigned tlb_slot(uint16_t vmid, uint64_t page, bool s2only)
{
	uint64_t h = (page ^ (uint64_t)vmid << 40 ^ (uint64_t)s2only << 63) * 0x9e3779b97f4a7c15ULL;

	return (unsigned)(h >> 51) % TLB_SIZE;
}

static uint64_t va_norm(uint64_t va)
{
	/* Sign-extend from bit 55: the tag the model keys stage 1 entries by. */
	return (uint64_t)((int64_t)(va << 8) >> 8);
}

static void tlb_inv_where(struct smmu *s, bool (*match)(const struct tlb_ent *, const void *),
			  const void *arg)
{
	for (unsigned i = 0; i < TLB_SIZE; i++)
		if (s->tlb[i].valid && match(&s->tlb[i], arg))
			s->tlb[i].valid = false;
}

/* --- permission checks ------------------------------------------------------- */

static bool s1_perm_fault(const struct tlb_ent *te, const struct cd *cd, const struct txn *t)
{
	bool ro = te->ap & 2, el0 = te->ap & 1;
	bool priv_w = !ro, user_w = el0 && !ro;
	bool write = !t->rnw, exec = t->ind && t->rnw;

	if (exec && cd->aa32) {
		/* VMSAv8-32: XN (bit 54, XNTable) forbids both privileges, an
		 * unprivileged fetch needs PL0 read access, UWXN makes
		 * PL0-writable memory PXN; no implicit PXN otherwise. */
		if (t->pnu)
			return te->uxn || te->pxn || (cd->wxn && priv_w) || (cd->uwxn && user_w);
		return !el0 || te->uxn || (cd->wxn && user_w);
	}
	if (exec) {
		if (t->pnu)
			return te->pxn || (cd->wxn && priv_w) || user_w;
		return te->uxn || (cd->wxn && user_w);
	}
	if (!t->pnu)
		return write ? !user_w : !el0;
	if (cd->pan && el0)
		return true;
	return write && !priv_w;
}

static bool s2_perm_fault(const struct tlb_ent *te, const struct txn *t)
{
	/* a VMSAv8-32 stage 2 cannot express execute-only: a fetch needs
	 * read permission too */
	if (t->ind && t->rnw)
		return te->s2xn || (te->s2aa32 && !(te->s2ap & 1));
	return t->rnw ? !(te->s2ap & 1) : !(te->s2ap & 2);
}

/* --- translation ------------------------------------------------------------- */

static int sim_smmuv3_translate(struct sim_iommu *u, const struct sim_txn *in, uint64_t *pa)
{
	struct smmu *s = (struct smmu *)u;
	struct txn t = {
		.sid = in->sid, .ssid = in->ssid, .ssv = in->ssv,
		.rnw = !(in->access & SIM_ACC_WRITE),
		.ind = (in->access & SIM_ACC_EXEC) && !(in->access & SIM_ACC_WRITE),
		.pnu = in->access & SIM_ACC_PRIV, .iova = in->iova,
	};
	const struct cd *cd = NULL;
	struct tlb_ent *te, ne;
	struct ste *e;
	struct fault f;
	bool s1;
	uint64_t va, ipa;
	unsigned slot;

	if (!(s->cr0 & CR0_SMMUEN)) {
		/* Disabled: GBPA decides, and nothing is recorded; an address
		 * beyond the OAS aborts (IHI 0070 3.4). */
		if ((s->gbpa & GBPA_ABORT) || (in->iova >> OAS_BITS))
			return -EFAULT;
		*pa = in->iova;
		return 0;
	}
	if (t.sid >> SID_BITS) {
		if (s->cr2 & BIT(1))
			cfg_event(s, EVT_C_BAD_STREAMID, &t);
		return -EFAULT;
	}
	if (!t.ssv)
		t.ssid = 0;
	e = ste_get(s, &t);
	if (!e)
		return -EFAULT;
	if (e->config == 0)
		return -EFAULT; /* abort, no event */
	if (e->privcfg >= 2)
		t.pnu = e->privcfg == 3;
	if (e->instcfg >= 2 && t.rnw)
		t.ind = e->instcfg == 3;

	s1 = e->config & 1;
	if (t.ssv && (!s1 || !e->s1cdmax || (t.ssid >> e->s1cdmax)))
		return cfg_event(s, EVT_C_BAD_SUBSTREAMID, &t);
	if (s1 && e->s1cdmax) {
		if (!t.ssv && e->s1dss == 0)
			return cfg_event(s, EVT_F_STREAM_DISABLED, &t);
		if (t.ssv && t.ssid == 0 && e->s1dss == 2)
			return cfg_event(s, EVT_F_STREAM_DISABLED, &t);
		if (!t.ssv && e->s1dss == 1)
			s1 = false; /* stage 1 bypass for non-substream traffic */
	}
	if (!s1 && (t.iova >> (e->config == 4 ? OAS_BITS : s->ias))) {
		/* Stage 1 bypass: the address must fit the IAS; an STE that
		 * bypasses both stages checks the OAS instead (IHI 0070 3.4:
		 * the two differ when VMSAv8-32 makes the IAS 40 bits). */
		f = (struct fault){ EVT_F_ADDR_SIZE, false, false, CLASS_IN, 0, 0 };
		return xlate_event(s, &t, &f, true);
	}
	if (!s1 && !(e->config & 2)) {
		*pa = t.iova;
		return 0;
	}
	if (s1) {
		cd = cd_get(s, e, &t, t.ssv ? t.ssid : 0);
		if (!cd)
			return -EFAULT;
		/* VMSAv8-32: a 32-bit VA, upper input bits must be zero (3.4.1) */
		if (cd->aa32 && (t.iova >> 32)) {
			f = (struct fault){ EVT_F_TRANSLATION, false, false, CLASS_IN, 0, 0 };
			return xlate_event(s, &t, &f, cd->r);
		}
	}

	/* TLB lookup. */
	va = s1 ? va_norm(t.iova) : t.iova;
	slot = tlb_slot(e->vmid, va >> 12, !s1);
	te = &s->tlb[slot];
	if (te->valid && te->page == va >> 12 && te->vmid == e->vmid && te->s2only == !s1 &&
	    (!s1 || te->global || te->asid == cd->asid)) {
		/* The top byte must still pass the range check (TBI) on a hit. */
		if (!s1 || va == t.iova || cd->t[(va >> 55) & 1].tbi)
			goto check;
	}

	/* Walk. */
	memset(&ne, 0, sizeof(ne));
	ne.vmid = e->vmid;
	ne.page = va >> 12;
	ne.s2only = !s1;
	ipa = t.iova;
	if (s1) {
		bool hi = (t.iova >> 55) & 1;
		const struct tt *tt = &cd->t[hi];
		uint64_t top = tt->tbi ? MASK(55, 0) : ~0ULL;
		uint64_t range = (t.iova & top) >> (tt->epd ? 0 : tt->ia);
		uint64_t want = hi ? (top >> (tt->epd ? 0 : tt->ia)) : 0;
		struct leaf l;

		if (cd->aa32) {
			/* TTBCR split: TTB0 below 2^(32-T0SZ) (all of it with T0SZ 0,
			 * up to TTB1's region), TTB1 the top 2^(32-T1SZ) (with T1SZ
			 * 0, all above TTB0's); a gap between them faults */
			uint64_t end0 = cd->t0sz ? BIT(32 - cd->t0sz) : cd->t1sz ? BIT(32) - BIT(32 - cd->t1sz) : BIT(32);
			uint64_t start1 = cd->t1sz ? BIT(32) - BIT(32 - cd->t1sz) : end0;

			hi = t.iova >= end0;
			tt = &cd->t[hi];
			range = want = 0;
			if (hi && t.iova < start1)
				range = 1;
		}
		if (tt->epd || range != want) {
			f = (struct fault){ EVT_F_TRANSLATION, false, false, CLASS_IN, 0, 0 };
			return xlate_event(s, &t, &f, cd->r);
		}
		if (walk(s, tt, false, cd->affd, (e->config & 2) ? e : NULL, t.iova, CLASS_IN, &l, &f))
			return xlate_event(s, &t, &f, f.s2 ? e->s2r : cd->r);
		ne.has_s1 = true;
		ne.ap = GET(l.desc, 7, 6);
		if (l.aptable & 1)
			ne.ap &= ~1;
		if (l.aptable & 2)
			ne.ap |= 2;
		ne.uxn = GET(l.desc, 54, 54) || l.uxnt;
		ne.pxn = GET(l.desc, 53, 53) || l.pxnt;
		ne.global = !GET(l.desc, 11, 11);
		ne.asid = cd->asid;
		ne.size = l.size;
		ipa = l.oa;
		/* Permission at stage 1 before stage 2 sees the IPA. */
		if (s1_perm_fault(&ne, cd, &t)) {
			f = (struct fault){ EVT_F_PERMISSION, false, false, CLASS_IN, 0, 0 };
			return xlate_event(s, &t, &f, cd->r);
		}
	}
	if (e->config & 2) {
		struct leaf l;

		if (s2_walk(s, e, ipa, CLASS_IN, &l, &f))
			return xlate_event(s, &t, &f, f.type == EVT_F_WALK_EABT || e->s2r);
		ne.has_s2 = true;
		ne.s2ap = GET(l.desc, 7, 6);
		ne.s2xn = GET(l.desc, 54, 54);
		ne.s2aa32 = e->s2.aa32;
		if (!ne.size || l.size < ne.size)
			ne.size = l.size;
		ne.pa_page = l.oa >> 12;
	} else {
		ne.pa_page = ipa >> 12;
	}
	ne.ipa_page = ipa >> 12;
	ne.valid = true;
	if (ne.size > SIM_PAGE_SIZE)
		s->tlb_blocks = true;
	*te = ne;

check:
	if (te->has_s1 && s1_perm_fault(te, cd, &t)) {
		f = (struct fault){ EVT_F_PERMISSION, false, false, CLASS_IN, 0, 0 };
		return xlate_event(s, &t, &f, cd->r);
	}
	if (te->has_s2 && s2_perm_fault(te, &t)) {
		f = (struct fault){ EVT_F_PERMISSION, true, false, CLASS_IN,
				    te->ipa_page << 12 | (t.iova & 0xfff), 0 };
		return xlate_event(s, &t, &f, e->s2r);
	}
	*pa = te->pa_page << 12 | (t.iova & 0xfff);
	return 0;
}

/* --- commands ---------------------------------------------------------------- */

static void ste_inv(struct smmu *s, uint32_t first, uint64_t n)
{
	for (uint64_t i = 0; i < n && first + i < s->ste_top; i++) {
		free(s->ste_cache[first + i]);
		s->ste_cache[first + i] = NULL;
	}
	/* CDs cached through these StreamIDs go too. */
	for (unsigned i = 0; i < CD_CACHE; i++)
		if (s->cd_cache[i].valid && s->cd_cache[i].sid - first < n)
			s->cd_cache[i].valid = false;
}

struct tlbi {
	uint16_t vmid, asid;
	uint64_t page;
	int kind;
};
enum { TI_NH_ALL, TI_NH_ASID, TI_NH_VA, TI_NH_VAA, TI_S12_VMALL, TI_S2_IPA, TI_ALL };

static bool tlbi_match(const struct tlb_ent *te, const void *arg)
{
	const struct tlbi *ti = arg;
	uint64_t first = te->page & ~((te->size >> 12) - 1);

	switch (ti->kind) {
	case TI_ALL:
		return true;
	case TI_NH_ALL:
	case TI_S12_VMALL:
		return te->vmid == ti->vmid && (ti->kind == TI_S12_VMALL || !te->s2only);
	case TI_NH_ASID:
		return !te->s2only && te->vmid == ti->vmid && !te->global && te->asid == ti->asid;
	case TI_NH_VA:
	case TI_NH_VAA:
		if (te->s2only || te->vmid != ti->vmid)
			return false;
		if (ti->kind == TI_NH_VA && !te->global && te->asid != ti->asid)
			return false;
		return ti->page - first < (te->size >> 12);
	case TI_S2_IPA:
		return te->s2only && te->vmid == ti->vmid && ti->page - first < (te->size >> 12);
	}
	return false;
}

static void tlb_inv(struct smmu *s, const struct tlbi *ti)
{
	if ((ti->kind == TI_NH_VA || ti->kind == TI_NH_VAA || ti->kind == TI_S2_IPA) &&
	    !s->tlb_blocks) {
		/* Only 4 KiB entries: the one slot the address hashes to. */
		struct tlb_ent *te = &s->tlb[tlb_slot(ti->vmid, ti->page, ti->kind == TI_S2_IPA)];

		if (te->valid && tlbi_match(te, ti))
			te->valid = false;
		return;
	}
	tlb_inv_where(s, tlbi_match, ti);
	if (ti->kind == TI_ALL)
		s->tlb_blocks = false;
}

/* Execute one command: a CERROR_* code. */
static int cmd_exec(struct smmu *s, const uint64_t *c)
{
	bool s2p = s->idr[0] & 1;
	uint32_t sid = GET(c[0], 63, 32);
	struct tlbi ti = { .vmid = s2p ? GET(c[0], 47, 32) : 0, .asid = GET(c[0], 63, 48) };
	unsigned op = c[0] & 0xff;

	/* SSec (bit 10) must be 0 on the Non-secure queue, where present. */
	if ((op >= 0x01 && op <= 0x06) && GET(c[0], 10, 10))
		return CERROR_ILL;
	switch (op) {
	case 0x01: /* CMD_PREFETCH_CONFIG */
	case 0x02: /* CMD_PREFETCH_ADDR */
		return 0;
	case 0x03: /* CMD_CFGI_STE */
		ste_inv(s, sid, 1);
		return 0;
	case 0x04: { /* CMD_CFGI_STE_RANGE (Range 31: CMD_CFGI_ALL) */
		unsigned range = GET(c[1], 4, 0);
		uint64_t n = BIT(range + 1);

		ste_inv(s, range == 31 ? 0 : sid & ~(uint32_t)(n - 1), n);
		return 0;
	}
	case 0x05: { /* CMD_CFGI_CD */
		struct cd_slot *sl = &s->cd_cache[cd_slot(sid, GET(c[0], 31, 12))];

		if (sl->valid && sl->sid == sid && sl->idx == GET(c[0], 31, 12))
			sl->valid = false;
		return 0;
	}
	case 0x06: /* CMD_CFGI_CD_ALL */
		for (unsigned i = 0; i < CD_CACHE; i++)
			if (s->cd_cache[i].sid == sid)
				s->cd_cache[i].valid = false;
		return 0;
	case 0x10: ti.kind = TI_NH_ALL; break;
	case 0x11: ti.kind = TI_NH_ASID; break;
	case 0x12: ti.kind = TI_NH_VA; ti.page = va_norm(c[1]) >> 12; break;
	case 0x13: ti.kind = TI_NH_VAA; ti.page = va_norm(c[1]) >> 12; break;
	case 0x28: /* CMD_TLBI_S12_VMALL */
		if (!s2p)
			return CERROR_ILL;
		ti.kind = TI_S12_VMALL;
		break;
	case 0x2a: /* CMD_TLBI_S2_IPA */
		if (!s2p)
			return CERROR_ILL;
		ti.kind = TI_S2_IPA;
		ti.page = GET(c[1], 51, 12);
		break;
	case 0x30: /* CMD_TLBI_NSNH_ALL */
		ti.kind = TI_ALL;
		break;
	case 0x44: /* CMD_RESUME */
	case 0x45: /* CMD_STALL_TERM */
		return CERROR_ILL; /* STALL_MODEL 0b01: no stalls, so both are ILLEGAL */
	case 0x46: /* CMD_SYNC: everything before it is already complete */
		return GET(c[0], 13, 12) == 3 ? CERROR_ILL : 0;
	default:
		/* Unknown opcodes, EL2/EL3 TLBIs (no HYP, Non-secure queue),
		 * ATC_INV and PRI_RESP (no ATS, no PRI). */
		return CERROR_ILL;
	}
	tlb_inv(s, &ti);
	return 0;
}

static void cmdq_run(struct smmu *s)
{
	unsigned n = q_log2(s->cmdq_base, GET(s->idr[1], 25, 21));
	uint32_t mask = (2u << n) - 1, idx = (1u << n) - 1;
	uint64_t base = s->cmdq_base & MASK(51, 5) & ~((16ULL << n) - 1);

	if (s->in_cmdq)
		return;
	s->in_cmdq = true;
	while ((s->cr0 & CR0_CMDQEN) && !((s->gerror ^ s->gerrorn) & GERROR_CMDQ_ERR)) {
		uint32_t cons = s->cmdq_cons & mask;
		uint64_t c[2];
		int err = 0;

		if (cons == (s->cmdq_prod & mask))
			break;
		if (fetch64(s, base + (cons & idx) * 16, &c[0]) ||
		    fetch64(s, base + (cons & idx) * 16 + 8, &c[1]))
			err = CERROR_ABT;
		else
			err = cmd_exec(s, c);
		if (err) {
			/* CONS stays on the failing command; the queue stops until
			 * software acknowledges GERROR.CMDQ_ERR. */
			s->cmdq_cons = (s->cmdq_cons & ~(0x7fu << 24)) | (uint32_t)err << 24;
			gerror_raise(s, GERROR_CMDQ_ERR);
			break;
		}
		s->cmdq_cons = (s->cmdq_cons & (0x7fu << 24)) | ((cons + 1) & mask);
	}
	s->in_cmdq = false;
}

/* --- registers ---------------------------------------------------------------- */

static uint64_t reg_read(struct smmu *s, uint64_t off)
{
	switch (off) {
	case R_IDR0: case R_IDR1: case R_IDR2: case R_IDR3: case R_IDR4: case R_IDR5:
		return s->idr[off / 4];
	case R_IIDR: return 0;
	case R_AIDR: return 0; /* SMMUv3.0 */
	case R_CR0: return s->cr0;
	case R_CR0ACK: return s->cr0; /* changes take effect at once */
	case R_CR1: return s->cr1;
	case R_CR2: return s->cr2;
	case R_STATUSR: return 0;
	case R_GBPA: return s->gbpa;
	case R_IRQ_CTRL: case R_IRQ_CTRLACK: return s->irq_ctrl;
	case R_GERROR: return s->gerror;
	case R_GERRORN: return s->gerrorn;
	case R_STRTAB_BASE: return s->strtab_base;
	case R_STRTAB_BASE_CFG: return s->strtab_base_cfg;
	case R_CMDQ_BASE: return s->cmdq_base;
	case R_CMDQ_PROD: return s->cmdq_prod;
	case R_CMDQ_CONS: return s->cmdq_cons;
	case R_EVENTQ_BASE: return s->eventq_base;
	case R_EVENTQ_PROD: return s->eventq_prod;
	case R_EVENTQ_CONS: return s->eventq_cons;
	}
	return 0; /* unimplemented registers are RAZ */
}

static bool is_64bit(uint64_t off)
{
	return off == R_STRTAB_BASE || off == R_CMDQ_BASE || off == R_EVENTQ_BASE ||
	       off == R_GERROR_IRQ_CFG0 || off == 0xb0 || off == 0xc0 || off == 0xd0;
}

static void reg_write(struct smmu *s, uint64_t off, uint64_t v)
{
	bool en = s->cr0 & CR0_SMMUEN;

	switch (off) {
	case R_CR0: {
		uint32_t old = s->cr0;

		s->cr0 = v & (CR0_SMMUEN | CR0_EVENTQEN | CR0_CMDQEN);
		if ((s->cr0 & ~old) & CR0_CMDQEN)
			cmdq_run(s);
		break;
	}
	case R_CR1:
		if (!(s->cr0 & (CR0_SMMUEN | CR0_EVENTQEN | CR0_CMDQEN)))
			s->cr1 = v & 0xfff;
		break;
	case R_CR2:
		if (!en)
			s->cr2 = v & 0x6; /* RECINVSID, PTM (E2H is RES0 without HYP) */
		break;
	case R_GBPA:
		/* Only a write with Update set takes effect; the update completes at once. */
		if (v & GBPA_UPDATE)
			s->gbpa = v & GBPA_FIELDS;
		break;
	case R_IRQ_CTRL:
		s->irq_ctrl = v & 0x5; /* GERROR_IRQEN, EVENTQ_IRQEN (no PRI) */
		break;
	case R_GERRORN: {
		bool was = (s->gerror ^ s->gerrorn) & GERROR_CMDQ_ERR;

		s->gerrorn = v & GERROR_IMPL;
		if (was && !((s->gerror ^ s->gerrorn) & GERROR_CMDQ_ERR))
			cmdq_run(s);
		break;
	}
	case R_STRTAB_BASE:
		if (!en)
			s->strtab_base = v & (BIT(62) | MASK(51, 6));
		break;
	case R_STRTAB_BASE_CFG:
		if (!en)
			s->strtab_base_cfg = v & (0x7ffu | (0x3u << 16));
		break;
	case R_CMDQ_BASE:
		if (!(s->cr0 & CR0_CMDQEN))
			s->cmdq_base = v & (BIT(62) | MASK(51, 5) | 0x1f);
		break;
	case R_CMDQ_PROD:
		s->cmdq_prod = v & 0xfffff;
		cmdq_run(s);
		break;
	case R_CMDQ_CONS:
		if (!(s->cr0 & CR0_CMDQEN))
			s->cmdq_cons = v & (0xfffff | (0x7fu << 24));
		break;
	case R_EVENTQ_BASE:
		if (!(s->cr0 & CR0_EVENTQEN))
			s->eventq_base = v & (BIT(62) | MASK(51, 5) | 0x1f);
		break;
	case R_EVENTQ_PROD:
		if (!(s->cr0 & CR0_EVENTQEN))
			s->eventq_prod = v & (0xfffff | Q_OVF);
		break;
	case R_EVENTQ_CONS:
		s->eventq_cons = v & (0xfffff | Q_OVF);
		break;
	default:
		break; /* read-only or unimplemented: ignored */
	}
}

/* Page 1 holds only the queue PROD/CONS pairs; they alias page 0's. */
static bool page1_ok(uint64_t off)
{
	uint64_t o = off & 0xffff;

	return off < 0x10000 || o == R_EVENTQ_PROD || o == R_EVENTQ_CONS ||
	       o == 0xc8 || o == 0xcc;
}

static int sim_smmuv3_mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct smmu *s = opaque;
	uint64_t o = off & 0xffff;

	*val = 0;
	if (!page1_ok(off))
		return 0;
	if (size == 8) {
		if (o & 7)
			return 0;
		*val = is_64bit(o) ? reg_read(s, o) :
		       (reg_read(s, o) | reg_read(s, o + 4) << 32);
		return 0;
	}
	if (size != 4 || (o & 3))
		return 0; /* sub-word accesses: RAZ/WI */
	if (is_64bit(o & ~7ULL))
		*val = (uint32_t)(reg_read(s, o & ~7ULL) >> (o & 4 ? 32 : 0));
	else
		*val = (uint32_t)reg_read(s, o);
	return 0;
}

static int sim_smmuv3_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct smmu *s = opaque;
	uint64_t o = off & 0xffff;

	if (!page1_ok(off))
		return 0;
	if (size == 8) {
		if (o & 7)
			return 0;
		if (is_64bit(o)) {
			reg_write(s, o, val);
		} else {
			reg_write(s, o, (uint32_t)val);
			reg_write(s, o + 4, val >> 32);
		}
		return 0;
	}
	if (size != 4 || (o & 3))
		return 0;
	if (is_64bit(o & ~7ULL)) {
		uint64_t cur = reg_read(s, o & ~7ULL);

		if (o & 4)
			cur = (cur & 0xffffffffULL) | val << 32;
		else
			cur = (cur & ~0xffffffffULL) | (uint32_t)val;
		reg_write(s, o & ~7ULL, cur);
	} else {
		reg_write(s, o, (uint32_t)val);
	}
	return 0;
}

static const struct sim_mmio_ops sim_smmuv3_mmio_ops = {
	sim_smmuv3_mmio_read, sim_smmuv3_mmio_write
};

static void sim_smmuv3_destroy(struct sim_iommu *u)
{
	struct smmu *s = (struct smmu *)u;

	for (size_t i = 0; i < s->ste_top; i++)
		free(s->ste_cache[i]);
	free(s->ste_cache);
	free(s);
}

int sim_smmuv3_create(struct sim_machine *m, uint64_t base)
{
	const struct sim_params *p = sim_machine_params(m);
	struct smmu *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->ste_cache = calloc(BIT(SID_BITS), sizeof(*s->ste_cache));
	if (!s->ste_cache) {
		free(s);
		return -ENOMEM;
	}
	s->m = m;
	s->iommu.translate = sim_smmuv3_translate;
	s->iommu.destroy = sim_smmuv3_destroy;
	/* IDR0: S1P, TTF=AArch64, COHACC, ASID16, VMID16, CD2L, TTENDIAN=LE,
	 * STALL_MODEL=no stall, TERM_MODEL=abort only, ST_LEVEL=2-level; S2P by
	 * parameter. */
	s->idr[0] = 0x2 | (p->ttf & 3) << 2 | BIT(4) | BIT(12) | BIT(18) | BIT(19) |
		    2u << 21 | 1u << 24 | BIT(26) | 1u << 27 | (p->stage2 ? 1 : 0);
	/* IDR1: SIDSIZE, SSIDSIZE, EVENTQS, CMDQS, ATTR_PERMS_OVR. */
	s->idr[1] = SID_BITS | SSID_BITS << 6 | (p->evtq_log2 & 0x1f) << 16 |
		    (p->cmdq_log2 & 0x1f) << 21 | BIT(26);
	s->ias = p->ttf & 2 ? OAS_BITS : 0;
	if ((p->ttf & 1) && s->ias < AA32_OAS)
		s->ias = AA32_OAS;
	/* IDR5: OAS = 48 bits, GRAN4K, GRAN16K, GRAN64K. */
	s->idr[5] = 5 | BIT(4) | BIT(5) | BIT(6);
	/* Reset: bypass, every attribute "use incoming" (GBPA's reset value is
	 * IMPLEMENTATION DEFINED).  Not QEMU's: QEMU resets it to 0x1000
	 * (SHCFG = use incoming) and does not act on it. */
	s->gbpa = 0;
	rc = sim_mmio_map(m, base, SMMU_REG_SIZE, &sim_smmuv3_mmio_ops, s);
	if (rc) {
		sim_smmuv3_destroy(&s->iommu);
		return rc;
	}
	sim_machine_set_iommu(m, &s->iommu);
	return 0;
}
