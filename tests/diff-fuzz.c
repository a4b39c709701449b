/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing of libsmmu's prediction against the sim model (see
 * diff-fuzz.h).  The structures are packed here with bit positions from the
 * specifications (IHI 0070, the VT-d specification), independent of both
 * the library's .def constants and the model's own definitions: a mistake in
 * either side's layout shows as a disagreement.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/smmu.h"
#include "lib/smmuv3.h"
#include "tests/diff-fuzz-priv.h"

/* --- randomness -------------------------------------------------------------- */

void dfz_src_seed(struct dfz_src *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->x = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (!s->x)
		s->x = 1;
}

void dfz_src_bytes(struct dfz_src *s, const uint8_t *data, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	dfz_src_seed(s, h);
	s->data = data;
	s->len = len;
}

uint64_t r64(struct dfz_src *s)
{
	uint64_t v = 0;

	if (s->pos + 8 <= s->len) {
		memcpy(&v, s->data + s->pos, 8);
		s->pos += 8;
		return v;
	}
	s->x ^= s->x << 13;
	s->x ^= s->x >> 7;
	s->x ^= s->x << 17;
	return s->x;
}

/* 0 .. n-1 */
uint64_t rn(struct dfz_src *s, uint64_t n)
{
	return n ? r64(s) % n : 0;
}

/* true with probability pct % */
bool pc(struct dfz_src *s, unsigned pct)
{
	return rn(s, 100) < pct;
}

/* --- the machine --------------------------------------------------------------- */

void fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	va_start(ap, fmt);
	vsnprintf(c->msg, c->msglen, fmt, ap);
	va_end(ap);
}

/* Structures aimed outside RAM are simply not written. */
void w64(struct ctx *c, uint64_t pa, uint64_t v)
{
	if (pa >= c->ram && pa + 8 <= c->ram_end) {
		smmu_mem_write(c->t, pa, &v, 8);
		if (c->qemu && c->ndirty < sizeof(c->dirty) / sizeof(c->dirty[0]) &&
		    (!c->ndirty || c->dirty[c->ndirty - 1] != (pa & ~0xfffULL)))
			c->dirty[c->ndirty++] = pa & ~0xfffULL;
	}
}

uint64_t rd64(struct ctx *c, uint64_t pa)
{
	uint64_t v = 0;

	smmu_mem_read(c->t, pa, &v, 8);
	return v;
}

void reg32(struct ctx *c, uint64_t off, uint32_t v)
{
	smmu_mmio_write(c->t, c->unit + off, 4, v);
}

void reg64(struct ctx *c, uint64_t off, uint64_t v)
{
	smmu_mmio_write(c->t, c->unit + off, 8, v);
}

uint64_t rreg(struct ctx *c, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	smmu_mmio_read(c->t, c->unit + off, size, &v);
	return v;
}

static void remember(struct ctx *c, uint64_t pa)
{
	if (c->nptrs < MAX_PTRS)
		c->ptrs[c->nptrs++] = pa;
}

/* A fresh 64 KiB-aligned slot (zeroed: the machine is new). */
uint64_t slot(struct ctx *c)
{
	uint64_t a = c->slot_next;

	if (a + 0x10000 > c->slot_end)
		a = c->slot_next = c->slot_end - 0x10000; /* out of slots: reuse the last (an alias) */
	else
		c->slot_next += 0x10000;
	remember(c, a);
	return a;
}

/* A pointer for a structure field: mostly a fresh slot, else an alias of
 * something already placed, a data page, or somewhere adversarial. */
uint64_t ptr(struct ctx *c, bool *fresh)
{
	struct dfz_src *s = c->src;
	unsigned k = (unsigned)rn(s, 100);

	*fresh = false;
	if (k < 78) {
		*fresh = true;
		return slot(c);
	}
	if (k < 88 && c->nptrs)
		return c->ptrs[rn(s, c->nptrs)] + (pc(s, 30) ? rn(s, 64) * 64 : 0);
	if (k < 91)
		return c->data + rn(s, 8) * 0x1000;
	switch (rn(s, 8)) {
	case 0: return 0x1000;                                  /* below RAM */
	case 1: return c->ram_end + rn(s, 16) * 0x1000;         /* just past RAM */
	case 2: return c->ram_end - 0x1000;                     /* the last page */
	case 3: return BIT(40) | c->ram;                        /* far outside */
	case 4: return BIT(47 + rn(s, 9)) | c->ram;             /* beyond a 48-bit OAS */
	case 5: return c->unit;                                 /* the unit's registers */
	default: return r64(s) & (BIT(56) - 1) & ~0xfULL;
	}
}

/* Flip a few bits of a structure: reserved ones included. */
void mutate(struct ctx *c, uint64_t *w, unsigned nwords, unsigned pct)
{
	while (pc(c->src, pct))
		w[rn(c->src, nwords)] ^= BIT(rn(c->src, 64));
}

void write_words(struct ctx *c, uint64_t pa, const uint64_t *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w64(c, pa + 8 * i, w[i]);
}

/* --- test devices ----------------------------------------------------------------- */

#define TD_SRC 0x80
#define TD_DST 0x88
#define TD_COUNT 0x90
#define TD_CMD 0x98
#define TD_SSID 0x100
#define TD_STATUS 0x108
#define TD_ACCESS 0x118
#define TD_BUF 0x40000

static int devs_on(struct ctx *c)
{
	for (unsigned d = 0; d < c->ndevs; d++) {
		uint16_t bdf = (uint16_t)((d + 1) << 3);
		uint32_t bar;

		if (smmu_pci_write(c->t, bdf, 4, 2, 0x6) || smmu_pci_read(c->t, bdf, 0x10, 4, &bar))
			return -1;
		c->bar[d] = bar & ~0xfu;
	}
	return 0;
}

static void dev_w(struct ctx *c, unsigned d, uint64_t off, uint64_t v)
{
	smmu_mmio_write(c->t, c->bar[d] + off, 8, v);
}

static uint64_t dev_r(struct ctx *c, unsigned d, uint64_t off)
{
	uint64_t v = 0;

	smmu_mmio_read(c->t, c->bar[d] + off, 8, &v);
	return v;
}

/* One 8-byte DMA; returns the status register (bit 1: some access dropped). */
static uint64_t dma(struct ctx *c, unsigned d, bool ssv, uint32_t ssid, uint64_t iova, unsigned acc)
{
	bool write = acc & SMMU_PROT_W;

	dev_w(c, d, TD_SSID, ssv ? BIT(31) | ssid : 0);
	dev_w(c, d, TD_ACCESS, ((acc & SMMU_PROT_PRIV) ? 1 : 0) | ((acc & SMMU_PROT_X) ? 2 : 0));
	dev_w(c, d, TD_SRC, write ? TD_BUF : iova);
	dev_w(c, d, TD_DST, write ? iova : TD_BUF);
	dev_w(c, d, TD_COUNT, 8);
	dev_w(c, d, TD_CMD, 1 | (write ? 2 : 0));
	return dev_r(c, d, TD_STATUS);
}

/* --- comparing one access ----------------------------------------------------------- */

static const char *acc_text(unsigned acc)
{
	static char b[16];

	snprintf(b, sizeof(b), "%s%s", acc & SMMU_PROT_X ? "exec" : acc & SMMU_PROT_W ? "write" : "read",
		 acc & SMMU_PROT_PRIV ? "+priv" : "");
	return b;
}

void access_one(struct ctx *c, drain_fn drain, unsigned d, uint32_t sid, bool ssv, uint32_t ssid,
		       uint64_t iova, unsigned acc)
{
	struct smmu_translation tr;
	struct dfz_stats *st = c->st;
	bool write = acc & SMMU_PROT_W;
	uint64_t tag = 0x5a5a000000000000ULL | (st->accesses & 0xffffffffffULL), old = 0, got;
	bool in_ram = false;
	struct rec r;
	int rc;

	if ((rc = smmu_translate(c->u, &(struct smmu_stream){ sid, ssv, ssid }, iova, acc, &tr))) {
		fail(c, "smmu_translate failed: %d", rc);
		return;
	}
	st->accesses++;
	if ((tr.cfg.pgt.flags | (tr.cfg.nested ? tr.cfg.s2pgt.flags : 0)) & SMMU_PGT_CFG_AARCH32) {
		st->aa32++;
		st->aa32_translated += tr.ok;
	}
	if (tr.cfg.nested) {
		st->nested++;
		st->nested_translated += tr.ok;
		st->nested_s2_fetch += tr.stop == SMMU_STOP_FETCH;
	}
	if (!tr.ok && tr.cfg.verdict == SMMU_CFG_FAULT && !tr.code && strstr(tr.cfg.reason, "not predicted")) {
		/* the library says it does not predict this (nested); the access
		 * still runs, its records drained */
		st->unpredicted++;
		dma(c, d, ssv, ssid, iova, acc);
		drain(c, &r);
		return;
	}
	if (tr.ok) {
		in_ram = !smmu_mem_read(c->t, tr.pa, &old, 8);
		if (write)
			dev_w(c, d, TD_BUF, tag);
	}
	uint64_t status = dma(c, d, ssv, ssid, iova, acc);
	drain(c, &r);

	char where[160];
	snprintf(where, sizeof(where), "sid 0x%x%s ssid 0x%x iova 0x%016" PRIx64 " %s", sid, ssv ? " ssv" : "", ssid,
		 iova, acc_text(acc));
	if (getenv("DFZ_TRACE") && (!getenv("DFZ_TRACE_NESTED") || tr.cfg.nested))
		fprintf(stderr, "%s: lib ok=%d pa=0x%" PRIx64 " code=0x%x quiet=%d (%s) | model status=%" PRIx64
			" records=%u code=0x%x; walk: %u steps, last entry 0x%" PRIx64 "\n", where, tr.ok, tr.pa, tr.code,
			tr.quiet, tr.cfg.reason, status, r.n, r.code, tr.x.nsteps,
			tr.x.nsteps ? tr.x.step[tr.x.nsteps - 1].pte : 0);
	if (tr.ok) {
		if (r.n) {
			fail(c, "%s: the library translates to 0x%" PRIx64 " (%s); the model recorded 0x%x", where, tr.pa,
			     tr.cfg.reason, r.code);
			return;
		}
		if (!in_ram) {
			/* dropped by the memory system, not the IOMMU: no record */
			if (!(status & 2))
				fail(c, "%s: 0x%" PRIx64 " is not RAM, yet the DMA did not fail", where, tr.pa);
			st->translated++;
			return;
		}
		if (status & 2) {
			fail(c, "%s: the library translates to 0x%" PRIx64 " (%s); the model dropped it silently", where,
			     tr.pa, tr.cfg.reason);
			return;
		}
		got = write ? rd64(c, tr.pa) : dev_r(c, d, TD_BUF);
		if (got != (write ? tag : old))
			fail(c, "%s: the data did not go to/come from 0x%" PRIx64 " (%s)", where, tr.pa, tr.cfg.reason);
		if (write)
			w64(c, tr.pa, old); /* put back what was there: it may be a structure */
		st->translated++;
		return;
	}
	if (!(status & 2)) {
		fail(c, "%s: the library predicts a fault (0x%x, %s); the model's DMA went through", where, tr.code,
		     tr.cfg.reason);
		return;
	}
	if (!tr.code || tr.quiet) {
		if (r.n)
			fail(c, "%s: the library predicts an unrecorded %s0x%x (%s); the model recorded 0x%x", where,
			     tr.code ? "fault " : "abort ", tr.code, tr.cfg.reason, r.code);
		st->silent++;
		st->code[tr.code & 0xff]++;
		return;
	}
	if (r.n != 1 || r.code != tr.code) {
		fail(c, "%s: the library predicts 0x%x %s (%s%s%s); the model recorded %u record(s), 0x%x", where,
		     tr.code, tr.code_name ? tr.code_name : "", tr.cfg.reason, tr.walked ? "; walk fault " : "",
		     tr.walked ? smmu_pgt_fault_name(tr.x.fault) : "", r.n, r.code);
		return;
	}
	/* a record holds FetchAddr[51:3] */
	if (r.has_fetch && r.fetch != (tr.fetch_addr & (BIT(52) - 8))) {
		fail(c, "%s: fault 0x%x: the library says the fetch at 0x%" PRIx64 " failed; the model 0x%" PRIx64, where,
		     tr.code, tr.fetch_addr, r.fetch);
		return;
	}
	st->recorded++;
	st->code[tr.code & 0xff]++;
}

/* A mapped input address: mostly one the device's own tables map. */
uint64_t pick_map(struct ctx *c, unsigned d)
{
	unsigned lo = c->dmap[d][0], hi = c->dmap[d][1];

	if (hi > lo && pc(c->src, 70))
		return c->maps[lo + rn(c->src, hi - lo)];
	return c->maps[rn(c->src, c->nmaps)];
}

uint64_t pick_iova(struct ctx *c, unsigned d)
{
	struct dfz_src *s = c->src;
	unsigned k = (unsigned)rn(s, 100);
	uint64_t iova;

	if (k < 60 && c->nmaps)
		iova = pick_map(c, d) + (pc(s, 20) ? rn(s, 0x4000) - 0x2000 : 0);
	else if (k < 75)
		iova = rn(s, BIT(30 + rn(s, 28)));
	else if (k < 85)
		iova = c->data + rn(s, 0x10000);
	else
		iova = r64(s);
	return iova & ~7ULL;
}

/* --- SMMUv3 (IHI 0070) --------------------------------------------------------------- */

#define V3_CR0 0x20
#define V3_CR2 0x2c
#define V3_GBPA 0x44
#define V3_STRTAB_BASE 0x80
#define V3_STRTAB_BASE_CFG 0x88
#define V3_CMDQ_BASE 0x90
#define V3_CMDQ_PROD 0x98
#define V3_CMDQ_CONS 0x9c
#define V3_EVENTQ_BASE 0xa0
#define V3_EVENTQ_PROD 0x100a8
#define V3_EVENTQ_CONS 0x100ac
#define V3_QLOG2 5

struct v3gen {
	uint64_t evtq, cmdq;
	uint32_t cmd_prod;
};

static void v3_cmd(struct ctx *c, struct v3gen *g, uint64_t d0, uint64_t d1)
{
	uint32_t n = 1u << V3_QLOG2, i = g->cmd_prod & (n - 1);

	w64(c, g->cmdq + 16 * i, d0);
	w64(c, g->cmdq + 16 * i + 8, d1);
	g->cmd_prod = (g->cmd_prod + 1) & (2 * n - 1);
	reg32(c, V3_CMDQ_PROD, g->cmd_prod);
}

static struct v3gen *v3g; /* the drain callback's view */

static void v3_drain(struct ctx *c, struct rec *r)
{
	uint32_t mask = (2u << V3_QLOG2) - 1;

	memset(r, 0, sizeof(*r));
	for (;;) {
		uint32_t prod = (uint32_t)rreg(c, V3_EVENTQ_PROD, 4), cons = (uint32_t)rreg(c, V3_EVENTQ_CONS, 4);
		if (((prod ^ cons) & mask) == 0)
			break;
		uint64_t e = v3g->evtq + (cons & ((1u << V3_QLOG2) - 1)) * 32;
		if (!r->n++) {
			uint64_t d0 = rd64(c, e), d3 = rd64(c, e + 24);
			r->code = d0 & 0xff;
			if (r->code == 0x03 || r->code == 0x09 || r->code == 0x0b) {
				r->has_fetch = true;
				r->fetch = d3 & (BIT(52) - 8);
			}
		}
		reg32(c, V3_EVENTQ_CONS, (cons & ~mask) | ((cons + 1) & mask));
	}
}

/* VMSAv8-64 geometry */
unsigned lvl_shift(unsigned g, int l)
{
	return g + (g - 3) * (unsigned)(3 - l);
}

/* Map `n` random input addresses below 2^ia in LPAE tables at root (stage 1
 * or 2), with random leaves, levels, attributes and garbage.  `base` is
 * OR'ed into the recorded input addresses (TTB1's upper half). */
void lpae_tables(struct ctx *c, uint64_t root, unsigned g, unsigned ia, int sl, bool s2, uint64_t base,
			unsigned n)
{
	struct dfz_src *s = c->src;

	for (unsigned k = 0; k < n; k++) {
		uint64_t va = rn(s, BIT(ia)) & ~(BIT(g) - 1), table = root;
		int leaf = pc(s, 60) ? 3 : (int)rn(s, 4); /* levels 0-3, where blocks may or may not exist */

		if (leaf < sl)
			leaf = sl;
		for (int l = sl;; l++) {
			unsigned sh = lvl_shift(g, l), bits = l == sl ? ia - sh : g - 3;
			uint64_t da = table + ((va >> sh) & (BIT(bits) - 1)) * 8, d = rd64(c, da);

			if (l == leaf || l == 3) {
				uint64_t oa = c->data + rn(s, 8) * 0x1000;
				if (l < 3)
					oa = (c->data & ~(BIT(sh) - 1)) | (pc(s, 10) ? rn(s, BIT(sh)) & ~0xfffULL : 0);
				if (pc(s, 5))
					oa = r64(s) & (BIT(52) - 1);
				d = (oa & (BIT(52) - BIT(g))) | (l == 3 ? 3 : 1) | (r64(s) & 0x7fc) | (r64(s) & (0x7fULL << 52));
				d |= pc(s, 90) ? BIT(10) : 0; /* AF */
				if (c->qemu && pc(s, 85))
					d |= BIT(6); /* AP[1] (QEMU 7.2 ignores it: keep that departure rare) */
				if (pc(s, 5))
					d = r64(s); /* garbage */
				w64(c, da, d);
				if (c->nmaps < MAX_MAPS)
					c->maps[c->nmaps++] = base | va | (rn(s, BIT(g)) & ~7ULL);
				break;
			}
			if ((d & 3) != 3) {
				bool fresh;
				uint64_t nt = pc(s, 85) ? slot(c) : ptr(c, &fresh);
				d = (nt & (BIT(52) - BIT(g))) | 3;
				if (!s2 && pc(s, 25))
					d |= r64(s) & (0x1fULL << 59); /* APTable, UXNTable, PXNTable, NSTable */
				if (s2 && pc(s, 5))
					d |= r64(s) & (0x1fULL << 59); /* RES0 at stage 2 */
				if (pc(s, 3))
					d = r64(s);
				w64(c, da, d);
			}
			table = d & (BIT(52) - BIT(g)) & (BIT(48) - 1);
			if ((d & 3) != 3 || table < c->ram || table >= c->ram_end)
				break; /* an invalid entry or a pointer outside RAM: nothing more to build */
		}
	}
	/* garbage and loops: a few random entries in the root */
	for (unsigned k = rn(s, 3); k; k--) {
		unsigned idx = (unsigned)rn(s, BIT(ia - lvl_shift(g, sl)));
		uint64_t v = pc(s, 50) ? ((c->ptrs[rn(s, c->nptrs)] & (BIT(48) - BIT(g))) | 3) : r64(s);
		w64(c, root + 8ULL * idx, v);
	}
}

static const unsigned tg0_g[4] = { 12, 16, 14, 0 }; /* TG0 / S2TG: 4K, 64K, 16K */
static const unsigned tg1_g[4] = { 0, 14, 12, 16 };  /* TG1 */

static unsigned pick_tg(struct dfz_src *s)
{
	return pc(s, 95) ? (unsigned)rn(s, 3) : 3;
}

/* A plausible input size for a granule: 25..48 bits, sometimes anything. */
static unsigned pick_ia(struct dfz_src *s)
{
	return pc(s, 90) ? 25 + (unsigned)rn(s, 24) : 64 - (unsigned)rn(s, 64);
}

/* A VMSAv8-32 LPAE CD (AA64 = 0): 3-bit T0SZ/T1SZ (garbage above them,
 * IGNORED), TG/IPS/HA/HD/TBI random (IGNORED too), UWXN, WXN, PAN, and
 * 4K tables for the 32-bit VA split between TTB0 and TTB1. */
static void v3_cd_aa32(struct ctx *c, uint64_t pa, unsigned asid)
{
	struct dfz_src *s = c->src;
	uint64_t cd[8] = { 0 };
	unsigned tsz[2] = { pc(s, 40) ? 0 : (unsigned)rn(s, 8), pc(s, 50) ? 0 : (unsigned)rn(s, 8) };
	bool epd[2] = { pc(s, 5), pc(s, 40) };

	cd[0] = tsz[0] | (pc(s, 10) ? rn(s, 8) << 3 : 0) | rn(s, 4) << 6 /* TG0 */ | (uint64_t)epd[0] << 14 |
		(uint64_t)tsz[1] << 16 | (pc(s, 10) ? rn(s, 8) << 19 : 0) | rn(s, 4) << 22 /* TG1 */ |
		(uint64_t)epd[1] << 30 | BIT(31) * pc(s, 97) | rn(s, 8) << 32 /* IPS */ | BIT(35) * pc(s, 15) /* AFFD */ |
		BIT(36) * pc(s, 20) /* WXN */ | BIT(37) * pc(s, 30) /* UWXN */ | BIT(38) * pc(s, 20) |
		BIT(39) * pc(s, 20) /* TBI */ | BIT(40) * pc(s, 20) /* PAN */ | BIT(45) * pc(s, 90) /* R */ |
		BIT(46) * pc(s, 97) /* A */ | (uint64_t)asid << 48;
	if (pc(s, 5))
		cd[0] |= BIT(42 + rn(s, 3)); /* HD, HA (IGNORED), S */
	for (int t = 0; t < 2; t++) {
		unsigned ia = 32 - tsz[t];
		bool fresh = true;
		uint64_t root = pc(s, 92) ? slot(c) : ptr(c, &fresh);

		/* a level-1 table of 2 or 4 entries may sit anywhere 16-byte aligned */
		if (fresh && ia > 30 && pc(s, 20))
			root += rn(s, 128) * 16;
		cd[1 + t] = root & (BIT(56) - 16);
		if (epd[t] || !fresh)
			continue;
		lpae_tables(c, root & ~0xfULL, 12, ia, ia > 30 ? 1 : 2, false, t ? (~0ULL << ia) & 0xffffffffULL : 0,
			    2 + (unsigned)rn(s, 6));
	}
	cd[3] = 0x44ff;
	mutate(c, cd, 4, 8);
	write_words(c, pa, cd, 8);
}

/* One CD with its tables: returns dword0; fills the CD at pa. */
static void v3_cd(struct ctx *c, uint64_t pa, unsigned asid)
{
	struct dfz_src *s = c->src;

	/* VMSAv8-32 when the unit has it: mostly on a VMSAv8-32 stage 2 (where
	 * only it is legal), often otherwise */
	if ((c->ttf & 1) && pc(s, c->s2aa32 ? 92 : c->ttf == 1 ? 90 : 40)) {
		v3_cd_aa32(c, pa, asid);
		return;
	}
	uint64_t cd[8] = { 0 };
	unsigned tg0 = pick_tg(s), tg1 = pc(s, 95) ? 1 + (unsigned)rn(s, 3) : 0;
	unsigned ia0 = pick_ia(s), ia1 = pick_ia(s);
	bool epd0 = pc(s, 5), epd1 = pc(s, 50);
	unsigned ips = pc(s, 80) ? 5 : (unsigned)rn(s, 8);

	cd[0] = (64 - ia0) | (uint64_t)tg0 << 6 | (uint64_t)epd0 << 14 | (uint64_t)(64 - ia1) << 16 |
		(uint64_t)tg1 << 22 | (uint64_t)epd1 << 30 | BIT(31) * pc(s, 96) | (uint64_t)ips << 32 |
		BIT(35) * pc(s, 15) /* AFFD */ | BIT(36) * pc(s, 15) /* WXN */ | BIT(38) * pc(s, 20) |
		BIT(39) * pc(s, 20) /* TBI */ | BIT(40) * pc(s, 20) /* PAN */ | BIT(41) * pc(s, 97) /* AA64 */ |
		BIT(45) * pc(s, 90) /* R */ | BIT(46) * pc(s, 97) /* A */ | (uint64_t)asid << 48;
	if (pc(s, 3))
		cd[0] |= BIT(42 + rn(s, 3)); /* HD, HA, S */
	if (pc(s, 3))
		cd[0] |= BIT(15); /* ENDI */
	for (int t = 0; t < 2; t++) {
		unsigned g = t ? tg1_g[tg1] : tg0_g[tg0], ia = t ? ia1 : ia0;
		bool fresh = true;
		uint64_t root = pc(s, 92) ? slot(c) : ptr(c, &fresh);

		cd[1 + t] = root & (BIT(56) - 16);
		if ((t ? epd1 : epd0) || !g || ia < 25 || ia > 48 || !fresh)
			continue;
		int sl = 4 - (int)((ia - g + g - 4) / (g - 3));
		lpae_tables(c, root, g, ia, sl, false, t ? ~0ULL << ia : 0, 2 + (unsigned)rn(s, 6));
	}
	cd[3] = 0x44ff; /* MAIR */
	mutate(c, cd, 4, 8);
	write_words(c, pa, cd, 8);
}

/* Nested: stage 2 maps RAM (where the CDs, the stage-1 tables and the data
 * pages are, at IPA = PA) with blocks at level 2 (4K: 2M, 16K: 32M, 64K:
 * 512M), a few of them broken (invalid, no read, no write, AF=0, execute
 * never), and with the 4K granule sometimes one block split into pages. */
void s2_identity(struct ctx *c, uint64_t root, unsigned g, unsigned ia, int sl)
{
	struct dfz_src *s = c->src;
	uint64_t bsz = BIT(lvl_shift(g, 2)), split = g == 12 && pc(s, 40) ? c->ram + rn(s, 32) * bsz : 0;

	if (ia <= lvl_shift(g, 2) || sl > 2)
		return;
	for (uint64_t a = c->ram & ~(bsz - 1); a < c->ram_end; a += bsz) {
		uint64_t table = root;
		for (int l = sl; l < 2; l++) {
			unsigned sh = lvl_shift(g, l), bits = l == sl ? ia - sh : g - 3;
			uint64_t da = table + ((a >> sh) & (BIT(bits) - 1)) * 8, d = rd64(c, da);
			if ((d & 3) != 3) {
				d = (slot(c) & (BIT(48) - BIT(g))) | 3;
				w64(c, da, d);
			}
			table = d & (BIT(48) - BIT(g));
		}
		unsigned bits2 = sl == 2 ? ia - lvl_shift(g, 2) : g - 3;
		uint64_t da = table + ((a >> lvl_shift(g, 2)) & (BIT(bits2) - 1)) * 8;
		uint64_t attr = BIT(10) | 3ULL << 8 | 3ULL << 6 | 0xfULL << 2;
		if (a == split) {
			uint64_t pt = slot(c);
			for (unsigned i = 0; i < 512; i++) {
				uint64_t d = (a + i * 0x1000ULL) | attr | 3;
				if (pc(s, 4))
					d ^= pc(s, 50) ? 1 : BIT(6 + rn(s, 5)); /* invalid, S2AP, SH, AF */
				w64(c, pt + 8 * i, d);
			}
			w64(c, da, pt | 3);
			continue;
		}
		uint64_t d = a | attr | 1;
		if (pc(s, 6))
			d ^= pc(s, 30) ? 1 : pc(s, 30) ? BIT(6) : pc(s, 40) ? BIT(7) : pc(s, 50) ? BIT(10) : BIT(54);
		w64(c, da, d);
	}
}

/* Stage 2 tables for an STE: fills dword2/3. */
static void v3_s2(struct ctx *c, uint64_t *ste, bool nested)
{
	struct dfz_src *s = c->src;
	unsigned tg = pick_tg(s), g = tg0_g[tg], ia = pc(s, 90) ? 32 + (unsigned)rn(s, 17) : (unsigned)(64 - rn(s, 64));
	unsigned sl0 = (unsigned)rn(s, 4), ps = pc(s, 80) ? 5 : (unsigned)rn(s, 8);
	int sl = -1;
	/* VMSAv8-32 LPAE (S2AA64 = 0) when the unit has it: S2T0SZ[3:0] is
	 * signed, 25-40 bits (nested: at least 31, so RAM's IPAs fit); S2TG
	 * and S2PS are IGNORED (4K, 40 bits) */
	bool aa32 = (c->ttf & 1) && pc(s, c->ttf == 1 ? 95 : 40);

	c->s2aa32 = aa32;
	if (aa32) {
		g = 12;
		ia = pc(s, 90) ? (nested ? 31 + (unsigned)rn(s, 10) : 25 + (unsigned)rn(s, 16)) : 24 + (unsigned)rn(s, 18);
		if (ia < 25 || ia > 40) /* (every 4-bit field value is a size: take one) */
			ia = 32 - (unsigned)(((int)rn(s, 16) ^ 8) - 8);
		sl0 = (unsigned)rn(s, 4);
		if (pc(s, 85)) {
			sl = ia <= 34 && (ia < 31 || pc(s, 50)) ? 2 : 1;
			sl0 = sl == 2 ? 0 : 1;
		}
	}
	/* mostly a consistent S2SL0: the start level that resolves <= 4 extra bits */
	if (!aa32 && g && ia >= 16 && ia <= 48 && pc(s, 85)) {
		for (int l = 0; l <= 3; l++) {
			unsigned sh = lvl_shift(g, l);
			if (ia > sh && ia - sh <= g - 3 + 4) {
				sl = l;
				break;
			}
		}
		if (sl >= 0)
			sl0 = g == 12 ? (sl == 0 ? 2 : 2 - (unsigned)sl) : 3 - (unsigned)sl;
	}
	bool fresh = true;
	uint64_t root = pc(s, 92) ? slot(c) : ptr(c, &fresh);
	ste[2] = rn(s, 4) /* VMID */ | (uint64_t)(64 - ia) << 32 | (uint64_t)sl0 << 38 | (uint64_t)tg << 46 |
		 (uint64_t)ps << 48 | BIT(51) * pc(s, 97) | BIT(53) * pc(s, 15) | BIT(58) * pc(s, 90);
	if (aa32)
		ste[2] = (ste[2] & ~(0x3fULL << 32 | BIT(51))) | (uint64_t)((32 - ia) & 0xf) << 32 |
			 (pc(s, 10) ? rn(s, 4) << 36 : 0) /* S2T0SZ[5:4], IGNORED */ | BIT(51) * pc(s, 3);
	if (pc(s, 3))
		ste[2] |= BIT(52 + rn(s, 6)); /* S2ENDI, S2AFFD, S2PTW, S2HD, S2HA, S2S */
	ste[3] = root & (BIT(56) - 16);
	if (sl >= 0 && fresh) {
		/* concatenated start-level tables may span several slots */
		if (ia - lvl_shift(g, sl) + 3 > 16)
			for (unsigned k = 1; k < BIT(ia - lvl_shift(g, sl) + 3 - 16); k++)
				slot(c);
		if (nested && pc(s, 90))
			s2_identity(c, root, g, ia, sl);
		lpae_tables(c, root, g, ia, sl, true, 0, (nested ? 0 : 2) + (unsigned)rn(s, 6));
	}
}

/* The STE of one StreamID, its CDs and tables.  ssids gets the SubstreamIDs given CDs. */
static void v3_ste(struct ctx *c, uint64_t pa, uint32_t *ssids, unsigned *nssids)
{
	struct dfz_src *s = c->src;
	uint64_t ste[8] = { 0 };
	static const unsigned configs[] = { 5, 5, 5, 5, 5, 6, 6, 6, 6, 4, 4, 0, 7, 7, 7, 7, 1, 3 };
	/* QEMU 7.2: stage 1 only (a stage-2 STE is ILLEGAL there too), no substreams */
	static const unsigned qconfigs[] = { 5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 0, 6, 7, 1 };
	unsigned config = c->qemu ? qconfigs[rn(s, 14)] : configs[rn(s, 18)], fmt = (unsigned)rn(s, 4);
	unsigned cdmax = pc(s, c->qemu ? 92 : 40) ? 0 : pc(s, 90) ? 1 + (unsigned)rn(s, 8) : (unsigned)rn(s, 32);
	bool fresh = true;
	uint64_t cdp = pc(s, 92) ? slot(c) : ptr(c, &fresh);

	ste[0] = BIT(0) * pc(s, 96) | (uint64_t)config << 1 | (uint64_t)fmt << 4 | (cdp & (BIT(56) - 64)) |
		 (uint64_t)cdmax << 59;
	ste[1] = rn(s, 4) /* S1DSS */ | (pc(s, 10) ? rn(s, 4) << 30 : 0) /* STRW */ |
		 (pc(s, 20) ? rn(s, 16) << 48 : 0) /* PRIVCFG, INSTCFG */ | BIT(27) * pc(s, 3) /* S1STALLD */;
	if (config & 2)
		v3_s2(c, ste, config == 7);
	*nssids = 0;
	if ((config & 1) && fresh) {
		/* CDs for SubstreamID 0 and a few more */
		unsigned n = cdmax ? 1 + (unsigned)rn(s, 4) : 1;
		bool two = cdmax && (fmt == 1 || fmt == 2);
		unsigned split = fmt == 1 ? 6 : 10;
		for (unsigned i = 0; i < n; i++) {
			uint32_t ssid = i == 0 ? 0 : (uint32_t)rn(s, cdmax > 12 ? BIT(12) : BIT(cdmax));
			uint64_t cd_pa;
			if (two) {
				uint64_t l1 = cdp + (ssid >> split) * 8, d = rd64(c, l1);
				if (!(d & 1)) {
					uint64_t l2 = pc(s, 92) ? slot(c) : ptr(c, &fresh);
					d = (l2 & (BIT(56) - 0x1000)) | (uint64_t)pc(s, 92);
					if (pc(s, 5))
						d ^= BIT(rn(s, 64));
					w64(c, l1, d);
				}
				cd_pa = (d & (BIT(56) - 0x1000)) + (ssid & (BIT(split) - 1)) * 64;
			} else {
				cd_pa = cdp + ssid * 64ULL;
			}
			ssids[(*nssids)++] = ssid;
			if (cd_pa >= c->ram && cd_pa + 64 <= c->ram_end)
				v3_cd(c, cd_pa, (unsigned)rn(s, 1u << 16));
		}
	}
	mutate(c, ste, 4, 10);
	write_words(c, pa, ste, 8);
}

/* Structures, tables and registers of one configuration; sids/ssids/nssids
 * get each device's StreamID and the SubstreamIDs given CDs. */
static void v3_build(struct ctx *c, struct v3gen *gp, uint32_t *sids, uint32_t (*ssids)[8], unsigned *nssids)
{
	struct dfz_src *s = c->src;
	struct v3gen g = *gp;
	uint64_t base;

	/* the queues sit apart from every structure: a record written over a
	 * cached STE would make the model's cache and memory differ */
	g.evtq = c->ram + 0x100000;
	g.cmdq = c->ram + 0x110000;
	g.cmd_prod = 0;
	if (c->qemu) {
		/* a machine reused: off, errors acknowledged, the queues empty */
		reg32(c, V3_CR0, 0);
		reg32(c, 0x64, (uint32_t)rreg(c, 0x60, 4)); /* GERRORN = GERROR */
		reg32(c, V3_CMDQ_PROD, 0);
		reg32(c, V3_CMDQ_CONS, 0);
		reg32(c, V3_EVENTQ_PROD, 0);
		reg32(c, V3_EVENTQ_CONS, 0);
	}
	/* the stream table: linear, 2-level, or a reserved format (QEMU 7.2
	 * keeps walking 2-level tables once it saw one: its sample runs
	 * linear configurations first) */
	unsigned fmt = pc(s, 55) ? 0 : pc(s, 90) ? 1 : 2 + (unsigned)rn(s, 2);
	if (c->qemu && c->qemu_fmt >= 0 && (fmt == 1) != (c->qemu_fmt == 1))
		fmt = (unsigned)c->qemu_fmt;
	unsigned log2size = pc(s, 85) ? 6 + (unsigned)rn(s, c->qemu ? 5 : 11) : (unsigned)rn(s, 64);
	unsigned split = pc(s, 85) ? 6 + 2 * (unsigned)rn(s, 3) : (unsigned)rn(s, 32);
	bool fresh;
	base = pc(s, 95) ? slot(c) : ptr(c, &fresh);
	/* structures go where the unit looks: the base aligned to the table's
	 * size (the register keeps the unaligned value) */
	uint64_t placed = base;
	{
		unsigned sp = split == 6 || split == 8 || split == 10 ? split : 6;
		int top = fmt == 1 ? (int)log2size - (int)sp + 2 : (int)log2size + 5;
		top = top < 5 ? 5 : top;
		placed = top >= 63 ? 0 : base & ~((2ULL << top) - 1);
	}
	for (unsigned d = 0; d < c->ndevs; d++) {
		uint32_t sid = sids[d] = (d + 1) << 3;
		uint64_t ste_pa = placed + sid * 64ULL;
		if (fmt == 1) {
			unsigned sp = split == 6 || split == 8 || split == 10 ? split : 6;
			uint64_t l1 = placed + (uint64_t)(sid >> sp) * 8, l1d = rd64(c, l1);
			if (!l1d) {
				unsigned span = pc(s, 85) ? sp + 1 - (unsigned)rn(s, 3) : (unsigned)rn(s, 32);
				l1d = (pc(s, 95) ? slot(c) : ptr(c, &fresh)) | span;
				w64(c, l1, l1d);
			}
			unsigned span = l1d & 31;
			uint64_t l2 = l1d & (BIT(56) - 64) & ~(BIT(5 + (span ? span : 1)) - 1);
			ste_pa = l2 + (sid & (BIT(sp) - 1)) * 64ULL;
		}
		nssids[d] = 0;
		if (ste_pa >= c->ram && ste_pa + 64 <= c->ram_end && !rd64(c, ste_pa))
		{
			c->dmap[d][0] = c->nmaps;
			v3_ste(c, ste_pa, ssids[d], &nssids[d]);
			c->dmap[d][1] = c->nmaps;
		}
	}
	/* registers: queues, then the tables, then enable */
	reg64(c, V3_CMDQ_BASE, g.cmdq | V3_QLOG2);
	reg64(c, V3_EVENTQ_BASE, g.evtq | V3_QLOG2);
	reg32(c, V3_CR2, pc(s, 50) ? 2 : 0);
	reg32(c, V3_GBPA, BIT(31) | (pc(s, 50) ? BIT(20) : 0));
	reg64(c, V3_STRTAB_BASE, base);
	reg32(c, V3_STRTAB_BASE_CFG, (log2size & 63) | (split & 31) << 6 | fmt << 16);
	reg32(c, V3_CR0, 0xc);
	reg32(c, V3_CR0, pc(s, 95) ? 0xd : 0xc);
	*gp = g;
}

static int v3_run(struct ctx *c, unsigned accesses)
{
	struct dfz_src *s = c->src;
	struct v3gen g = { 0 };
	uint32_t sids[8], ssids[8][8];
	unsigned nssids[8];

	v3g = &g;
	v3_build(c, &g, sids, ssids, nssids);
	if (c->failed)
		return -1;

	uint32_t last_sid = ~0u, last_ssid = ~0u;
	bool last_ssv = false;
	for (unsigned i = 0; i < accesses && !c->failed; i++) {
		unsigned d = (unsigned)rn(s, c->ndevs);
		bool ssv = pc(s, nssids[d] > 1 ? 60 : 8);
		uint32_t ssid = nssids[d] && pc(s, 80) ? ssids[d][rn(s, nssids[d])] : (uint32_t)rn(s, pc(s, 50) ? 16 : BIT(20));
		uint64_t iova;
		unsigned k = (unsigned)rn(s, 100);
		if (k < 55 && c->nmaps)
			iova = pick_map(c, d) + (pc(s, 20) ? rn(s, 0x4000) - 0x2000 : 0);
		else if (k < 70)
			iova = rn(s, BIT(25 + rn(s, 24)));
		else if (k < 80)
			iova = c->data + rn(s, 0x10000); /* identity (bypass) */
		else if (k < 84)
			iova = ~0ULL << (25 + rn(s, 24)) | rn(s, BIT(25));
		else if (k < 88)
			iova = 0xffffffffULL - rn(s, BIT(20 + rn(s, 13))); /* the top of a 32-bit VA (TTB1) */
		else
			iova = r64(s);
		iova &= ~7ULL;
		unsigned acc = pc(s, 50) ? SMMU_PROT_R : pc(s, 70) ? SMMU_PROT_W : SMMU_PROT_R | SMMU_PROT_X;
		if (pc(s, 50))
			acc |= SMMU_PROT_PRIV;
		if (sids[d] != last_sid || ssv != last_ssv || ssid != last_ssid) {
			/* another stream: TLB entries of one are not the other's
			 * (ASIDs and VMIDs here are random and may collide) */
			v3_cmd(c, &g, 0x30, 0);       /* CMD_TLBI_NSNH_ALL */
			v3_cmd(c, &g, 0x46, 0);       /* CMD_SYNC */
			last_sid = sids[d];
			last_ssv = ssv;
			last_ssid = ssid;
		}
		access_one(c, v3_drain, d, sids[d], ssv, ssid, iova, acc);
	}
	return c->failed ? -1 : 0;
}

/* --- VT-d ------------------------------------------------------------------------------------ */

#define VTD_GCMD 0x18
#define VTD_RTADDR 0x20
#define VTD_CCMD 0x28
#define VTD_FSTS 0x34
/* ECAP.IRO = 0x10, CAP.FRO = 0x20, NFR 8 on the sim; QEMU 7.2: 0xf0, 0x22, 1 */
static unsigned VTD_IOTLB = 0x108, VTD_FRCD = 0x200, VTD_NFR = 8;

struct vgen {
	bool scalable;
	unsigned mgaw, haw;
	uint64_t cap, ecap;
};
static struct vgen *vg;

static void vtd_drain(struct ctx *c, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < VTD_NFR; i++) {
		uint64_t hi = rreg(c, VTD_FRCD + 16 * i + 8, 8);
		if (!(hi >> 63))
			continue;
		if (!r->n++)
			r->code = (hi >> 32) & 0xff;
		reg32(c, VTD_FRCD + 16 * i + 12, 0x80000000u);
	}
	reg32(c, VTD_FSTS, 0x7f); /* PFO and the other W1C bits */
}

/* Second-level (sm: scalable-mode entry format) or first-level (fl) tables:
 * `levels` levels at root, `n` random mappings. */
static void vtd_tables(struct ctx *c, uint64_t root, unsigned levels, bool fl, unsigned n)
{
	struct dfz_src *s = c->src;
	unsigned ia = 12 + 9 * levels;

	for (unsigned k = 0; k < n; k++) {
		uint64_t va = rn(s, BIT(ia)) & ~0xfffULL, table = root;
		unsigned leaf = pc(s, 65) ? 1 : 1 + (unsigned)rn(s, 3); /* 4K, 2M or 1G */

		if (fl && (va >> (ia - 1) & 1))
			va |= ~0ULL << ia; /* canonical upper half */
		for (unsigned l = levels;; l--) {
			unsigned sh = 12 + 9 * (l - 1);
			uint64_t da = table + ((va >> sh) & 0x1ff) * 8, d = rd64(c, da);

			if (l == leaf || l == 1) {
				uint64_t oa = l == 1 ? c->data + rn(s, 8) * 0x1000 : c->data & ~(BIT(sh) - 1);
				if (pc(s, 5))
					oa = r64(s) & (BIT(52) - 0x1000);
				if (fl)
					d = oa | 1 | (r64(s) & 0x7e) | (l > 1 ? 0x80 : 0) | (pc(s, 20) ? BIT(63) : 0);
				else
					d = oa | (pc(s, 85) ? 3 : rn(s, 4)) | (r64(s) & 0xf78) | (l > 1 ? 0x80 : 0);
				if (pc(s, 8))
					d ^= BIT(rn(s, 64));
				if (pc(s, 3))
					d = r64(s);
				w64(c, da, d);
				if (c->nmaps < MAX_MAPS)
					c->maps[c->nmaps++] = va | (rn(s, BIT(sh)) & ~7ULL);
				break;
			}
			if (!(fl ? d & 1 : d & 3)) {
				bool fresh;
				uint64_t nt = pc(s, 88) ? slot(c) : ptr(c, &fresh);
				d = (nt & (BIT(52) - 0x1000)) | (fl ? (1 | (pc(s, 90) ? 2 : 0) | (pc(s, 85) ? 4 : 0) | (pc(s, 10) ? BIT(63) : 0))
									: (pc(s, 92) ? 3 : rn(s, 4)) | (pc(s, 50) ? 4 : 0));
				if (pc(s, 6))
					d ^= BIT(rn(s, 64));
				w64(c, da, d);
			}
			table = d & (BIT(52) - 0x1000);
			if (!(fl ? d & 1 : d & 3) || table < c->ram || table >= c->ram_end)
				break;
		}
	}
	for (unsigned k = rn(s, 3); k; k--) {
		uint64_t v = pc(s, 50) ? ((c->ptrs[rn(s, c->nptrs)] & (BIT(52) - 0x1000)) | (fl ? 7 : 3)) : r64(s);
		w64(c, root + 8 * rn(s, 512), v);
	}
}

/* Second-level tables mapping RAM at GPA = HPA with 2M pages, a few broken
 * (not present, read-only, no read, no execute with SLEE, reserved bits). */
static void vtd_sl_identity(struct ctx *c, uint64_t root, unsigned levels, bool slee)
{
	struct dfz_src *s = c->src;

	for (uint64_t a = c->ram; a < c->ram_end; a += BIT(21)) {
		uint64_t table = root;
		for (unsigned l = levels; l > 2; l--) {
			uint64_t da = table + ((a >> (12 + 9 * (l - 1))) & 0x1ff) * 8, d = rd64(c, da);
			if (!(d & 3)) {
				d = slot(c) | 3;
				w64(c, da, d);
			}
			table = d & (BIT(52) - 0x1000);
		}
		uint64_t d = a | BIT(7) | 3 | (slee ? 4 : 0);
		if (pc(s, 6))
			d ^= pc(s, 25) ? 3 : pc(s, 35) ? 1 : pc(s, 50) ? 2 : pc(s, 50) ? 4 : BIT(62);
		w64(c, table + ((a >> 21) & 0x1ff) * 8, d);
	}
}

/* A supported AW (mostly), as the CAP.SAGAW of the unit allows. */
static unsigned pick_aw(struct ctx *c)
{
	unsigned max = vg->mgaw == 57 ? 3 : vg->mgaw == 48 ? 2 : 1;

	return pc(c->src, 92) ? 1 + (unsigned)rn(c->src, max) : (unsigned)rn(c->src, 8);
}

static void vtd_legacy_ctx(struct ctx *c, uint64_t pa)
{
	struct dfz_src *s = c->src;
	unsigned tt = pc(s, 75) ? 0 : pc(s, 70) ? 2 : (unsigned)rn(s, 4), aw = pick_aw(c);
	bool fresh = true;
	uint64_t sl = pc(s, 92) ? slot(c) : ptr(c, &fresh);
	uint64_t q[2] = { 1 * pc(s, 96) | (pc(s, 10) ? 2 : 0) | (uint64_t)tt << 2 | (sl & ~0xfffULL),
			  aw | (rn(s, 16) << 8) };

	if (tt == 0 && aw >= 1 && aw <= 3 && fresh)
		vtd_tables(c, sl, aw + 2, false, 2 + (unsigned)rn(s, 6));
	mutate(c, q, 2, 8);
	write_words(c, pa, q, 2);
}

static void vtd_pasid_entry(struct ctx *c, uint64_t pa)
{
	struct dfz_src *s = c->src;
	static const unsigned pgtts[] = { 1, 1, 1, 2, 2, 2, 4, 3, 3, 3, 0, 5 };
	unsigned pgtt = pgtts[rn(s, 12)], aw = pick_aw(c);
	bool five = vg->mgaw == 57 && pc(s, 50), fresh1 = true, fresh2 = true;
	uint64_t sl = pc(s, 92) ? slot(c) : ptr(c, &fresh2), fl = pc(s, 92) ? slot(c) : ptr(c, &fresh1);
	uint64_t q[8] = { 0 };

	q[0] = 1 * pc(s, 96) | (pc(s, 10) ? 2 : 0) | (uint64_t)aw << 2 | (pc(s, 30) ? BIT(5) : 0) | (uint64_t)pgtt << 6 |
	       (pc(s, 3) ? BIT(9) : 0) | (sl & ~0xfffULL);
	q[1] = rn(s, 16);
	q[2] = (pc(s, 60) ? 1 : 0) | (pc(s, 60) ? 2 : 0) | (uint64_t)(five ? 1 : 0) << 2 | (pc(s, 50) ? BIT(4) : 0) |
	       (fl & ~0xfffULL);
	if (pgtt == 2 && aw >= 1 && aw <= 3 && fresh2)
		vtd_tables(c, sl, aw + 2, false, 2 + (unsigned)rn(s, 6));
	if (pgtt == 1 && fresh1)
		vtd_tables(c, fl, five ? 5 : 4, true, 2 + (unsigned)rn(s, 6));
	if (pgtt == 3 && aw >= 1 && aw <= 3 && fresh1 && fresh2) {
		/* nested: the second level maps RAM at GPA = HPA, the first
		 * level's tables (in RAM) are found through it */
		if (pc(s, 90))
			vtd_sl_identity(c, sl, aw + 2, (q[0] & BIT(5)) != 0);
		vtd_tables(c, sl, aw + 2, false, (unsigned)rn(s, 3));
		vtd_tables(c, fl, five ? 5 : 4, true, 2 + (unsigned)rn(s, 6));
	}
	mutate(c, q, 3, 8);
	write_words(c, pa, q, 8);
}

/* A scalable-mode context entry, its PASID directory and entries; pasids
 * gets the PASIDs that have entries. */
static void vtd_sm_ctx(struct ctx *c, uint64_t pa, uint32_t *pasids, unsigned *npasids)
{
	struct dfz_src *s = c->src;
	bool fresh = true;
	uint64_t dir = pc(s, 92) ? slot(c) : ptr(c, &fresh);
	unsigned pdts = pc(s, 80) ? 0 : (unsigned)rn(s, 8);
	uint32_t rid_pasid = pc(s, 80) ? 0 : (uint32_t)rn(s, 128);
	uint64_t q[4] = { 1 * pc(s, 96) | (pc(s, 10) ? 2 : 0) | (pc(s, 60) ? 8 : 0) | (uint64_t)pdts << 9 |
			  (dir & ~0xfffULL), rid_pasid | (pc(s, 3) ? BIT(20) : 0) };

	*npasids = 0;
	if (fresh) {
		unsigned n = 1 + (unsigned)rn(s, 4);
		for (unsigned i = 0; i < n; i++) {
			uint32_t pasid = i == 0 ? rid_pasid : (uint32_t)rn(s, pc(s, 70) ? 64 : 8192);
			uint64_t de_pa = dir + (pasid >> 6) * 8, de = rd64(c, de_pa);
			pasids[(*npasids)++] = pasid;
			if (!de) {
				uint64_t t = pc(s, 92) ? slot(c) : ptr(c, &fresh);
				de = 1 * pc(s, 96) | (pc(s, 10) ? 2 : 0) | (t & ~0xfffULL);
				if (pc(s, 5))
					de ^= BIT(rn(s, 64));
				w64(c, de_pa, de);
			}
			uint64_t pe = (de & (BIT(52) - 0x1000)) + (pasid & 0x3f) * 64;
			if (pe >= c->ram && pe + 64 <= c->ram_end && !rd64(c, pe))
				vtd_pasid_entry(c, pe);
		}
	}
	mutate(c, q, 4, 6);
	write_words(c, pa, q, 4);
}

static void vtd_build(struct ctx *c, uint32_t (*pasids)[8], unsigned *npasids)
{
	struct dfz_src *s = c->src;
	bool fresh;
	uint64_t root = pc(s, 95) ? slot(c) : ptr(c, &fresh);

	/* root entry for bus 0, the context table, and an entry per device */
	if (root >= c->ram && root < c->ram_end) {
		uint64_t ctp = pc(s, 94) ? slot(c) : ptr(c, &fresh);
		uint64_t re[2] = { 1 * pc(s, 96) | (ctp & ~0xfffULL), 0 };
		if (vg->scalable && pc(s, 5))
			re[1] = re[0];
		mutate(c, re, 2, 6);
		write_words(c, root, re, 2);
		uint64_t half = vg->scalable ? re[0] : re[0];
		uint64_t table = half & (BIT(52) - 0x1000);
		for (unsigned d = 0; d < c->ndevs; d++) {
			unsigned devfn = (d + 1) << 3;
			uint64_t pa = table + devfn * (vg->scalable ? 32 : 16);
			if (pa < c->ram || pa + 32 > c->ram_end || rd64(c, pa))
				continue;
			c->dmap[d][0] = c->nmaps;
			if (vg->scalable)
				vtd_sm_ctx(c, pa, pasids[d], &npasids[d]);
			else
				vtd_legacy_ctx(c, pa);
			c->dmap[d][1] = c->nmaps;
		}
	}
	unsigned ttm = vg->scalable ? (pc(s, 96) ? 1 : (unsigned)rn(s, 4)) : (pc(s, 97) ? 0 : (unsigned)rn(s, 4));
	reg64(c, VTD_RTADDR, (root & ~0xfffULL) | (uint64_t)ttm << 10);
	reg32(c, VTD_GCMD, 1u << 30);                 /* SRTP */
	reg32(c, VTD_GCMD, pc(s, 96) ? 1u << 31 : 0); /* TE */
}

static int vtd_run(struct ctx *c, unsigned accesses)
{
	struct dfz_src *s = c->src;
	uint32_t pasids[8][8];
	unsigned npasids[8] = { 0 };

	vtd_build(c, pasids, npasids);
	uint32_t last_sid = ~0u, last_pasid = ~0u;
	bool last_ssv = false;
	for (unsigned i = 0; i < accesses && !c->failed; i++) {
		unsigned d = (unsigned)rn(s, c->ndevs);
		bool ssv = pc(s, vg->scalable ? 55 : 4);
		uint32_t pasid = npasids[d] && pc(s, 80) ? pasids[d][rn(s, npasids[d])] : (uint32_t)rn(s, pc(s, 50) ? 64 : BIT(20));
		uint64_t iova;
		unsigned k = (unsigned)rn(s, 100);
		if (k < 60 && c->nmaps)
			iova = pick_map(c, d) + (pc(s, 20) ? rn(s, 0x4000) - 0x2000 : 0);
		else if (k < 75)
			iova = rn(s, BIT(30 + rn(s, 28)));
		else if (k < 85)
			iova = c->data + rn(s, 0x10000);
		else
			iova = r64(s);
		iova &= ~7ULL;
		unsigned acc = pc(s, 50) ? SMMU_PROT_R : pc(s, 70) ? SMMU_PROT_W : SMMU_PROT_R | SMMU_PROT_X;
		if (pc(s, 50))
			acc |= SMMU_PROT_PRIV;
		uint32_t sid = (d + 1) << 3;
		if (sid != last_sid || ssv != last_ssv || pasid != last_pasid) {
			/* another requester: IOTLB entries are tagged by random DIDs */
			reg64(c, VTD_CCMD, BIT(63) | 1ULL << 61);
			reg64(c, VTD_IOTLB, BIT(63) | 1ULL << 60);
			last_sid = sid;
			last_ssv = ssv;
			last_pasid = pasid;
		}
		access_one(c, vtd_drain, d, sid, ssv, pasid, iova, acc);
	}
	return c->failed ? -1 : 0;
}

/* --- driver ------------------------------------------------------------------------------ */

static int open_machine(struct ctx *c, enum dfz_arch arch, bool s2, unsigned aw)
{
	static const char *const ttfs[4] = { "ttf=aa64", "ttf=aa32", "ttf=aa64", "ttf=both" };
	const char *virt_opts[] = { "devs=4", "ram=64M", ttfs[c->ttf & 3] };
	const char *virt_s1_opts[] = { "devs=4", "ram=64M", ttfs[c->ttf & 3], "stage2=off" };
	const char *q35_opts[] = { "devs=4", "ram=64M", "nfr=8", arch == DFZ_VTD_SCALABLE ? "scalable=on" : "scalable=off",
				   aw == 57 ? "aw=57" : aw == 48 ? "aw=48" : "aw=39" };
	bool v3 = arch == DFZ_SMMUV3;

	return sim_ready(c, v3 ? "sim:virt" : "sim:q35", v3 ? (s2 ? virt_opts : virt_s1_opts) : q35_opts,
			 v3 ? (s2 ? 3 : 4) : 5, v3 ? 0x09050000 : 0xfed90000, v3 ? 0x40000000 : 0);
}

int sim_ready(struct ctx *c, const char *spec, const char *const *opts, unsigned nopts, uint64_t unit, uint64_t ram)
{
	char err[256];

	c->ndevs = 4;
	if (smmu_target_open(spec, opts, nopts, &c->t, err, sizeof(err)) || smmu_discover(c->t, err, sizeof(err))) {
		snprintf(c->msg, c->msglen, "cannot open the sim: %s", err);
		if (c->t)
			smmu_target_close(c->t);
		c->t = NULL;
		return -1;
	}
	c->u = smmu_unit_at(c->t, 0);
	c->unit = unit;
	c->ram = ram;
	c->ram_end = c->ram + (64 << 20);
	c->data = c->ram + 0x1000000;
	c->slot_next = c->ram + 0x200000;
	c->slot_end = c->ram + 0xe00000;
	/* data pages: every word holds its own address */
	for (uint64_t a = c->data; a < c->data + 8 * 0x1000; a += 0x1000) {
		uint64_t page[512];
		for (unsigned i = 0; i < 512; i++)
			page[i] = (a + 8 * i) ^ 0xd00d000000000000ULL;
		smmu_mem_write(c->t, a, page, sizeof(page));
	}
	if (devs_on(c)) {
		snprintf(c->msg, c->msglen, "cannot enable the test devices");
		smmu_target_close(c->t);
		return -1;
	}
	return 0;
}

int dfz_run(enum dfz_arch arch, struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg,
	    size_t msglen)
{
	struct ctx c = { .src = src, .st = st, .msg = msg, .msglen = msglen };
	int rc;

	if (arch == DFZ_AMDVI)
		return dfz_amdvi_run(src, accesses, st, msg, msglen);
	if (arch == DFZ_SMMUV2)
		return dfz_smmuv2_run(src, accesses, st, msg, msglen);
	msg[0] = '\0';
	static const unsigned aws[] = { 39, 48, 57 };
	unsigned aw = aws[rn(src, 3)];
	/* SMMUv3 table formats: VMSAv8-64 alone, both, or VMSAv8-32 alone */
	c.ttf = arch != DFZ_SMMUV3 ? 2 : pc(src, 50) ? 2 : pc(src, 70) ? 3 : 1;
	if (open_machine(&c, arch, pc(src, 90), aw))
		return -1;
	st->configs++;
	if (arch == DFZ_SMMUV3) {
		rc = v3_run(&c, accesses);
	} else {
		struct vgen g = { .scalable = arch == DFZ_VTD_SCALABLE, .mgaw = aw, .haw = aw > 52 ? 52 : aw };
		vg = &g;
		c.slot_next = c.ram + 0x200000;
		rc = vtd_run(&c, accesses);
	}
	smmu_target_close(c.t);
	return rc;
}

/* --- a sample against QEMU 7.2 --------------------------------------------------------------- */

/* One QEMU per architecture, reused: every configuration first zeroes the
 * pages the last one wrote, resets the unit and writes its own structures;
 * accesses go through QEMU's edu devices (4-byte transfers: QEMU 7.2 records
 * one SMMUv3 event per 4 bytes, `qemu72-smmuv3-event-per-4-bytes`).  edu has
 * no SubstreamID and no access attributes: every access is an unprivileged
 * data read or write. */

struct qobs;
typedef const char *(*departure_fn)(struct ctx *c, uint64_t iova, const struct smmu_translation *tr, const struct rec *r,
				    const struct qobs *o, bool write);

static bool was_written(const struct ctx *c, uint64_t pa)
{
	for (unsigned i = 0; i < c->ndirty; i++)
		if (c->dirty[i] == (pa & ~0xfffULL))
			return true;
	return false;
}

static void count_departure(struct dfz_qemu_stats *q, const char *name)
{
	unsigned i;

	for (i = 0; i < q->ndep && strcmp(q->dep[i].name, name); i++)
		;
	if (i == q->ndep) {
		if (q->ndep == DFZ_MAX_DEPARTURES)
			return;
		q->dep[q->ndep++].name = name;
	}
	q->dep[i].n++;
}

/* What QEMU did with the last DMA, from its trace log: the last
 * translation that succeeded (SMMUv3 translate_success/bypass/disable, VT-d
 * dmar_translate/translate_pt) and its output address. */
struct qobs {
	bool translated;
	bool disabled;      /* SMMUv3: the SMMU was off (QEMU then always bypasses) */
	uint64_t pa;
};

static uint64_t field_hex(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static void qemu_observe(struct ctx *c, uint64_t iova, struct qobs *o)
{
	char line[512];
	bool silent = false;

	memset(o, 0, sizeof(*o));
	clearerr(c->trace);
	while (fgets(line, sizeof(line), c->trace)) {
		if (strstr(line, "smmuv3_translate_success")) {
			o->translated = true;
			o->pa = field_hex(line, "translated=0x");
		} else if (strstr(line, "smmuv3_translate_bypass") || strstr(line, "smmuv3_translate_disable")) {
			o->translated = true;
			o->disabled = strstr(line, "smmuv3_translate_disable");
			o->pa = field_hex(line, "iova:0x");
		} else if (strstr(line, "vtd_dmar_translate")) {
			/* page addresses: the offset is the access's */
			o->translated = true;
			o->pa = field_hex(line, "gpa 0x") + (iova & field_hex(line, "mask 0x"));
		} else if (strstr(line, "vtd_fault_disabled")) {
			silent = true;
		}
	}
	/* VT-d: a device in pass-through, or with translation off, is routed
	 * around the IOMMU (no trace): its DMA goes to the IOVA */
	if (c->unit == 0xfed90000 && !o->translated && !silent) {
		uint64_t hi;
		bool recorded = false;
		for (unsigned i = 0; i < VTD_NFR; i++) {
			hi = rreg(c, VTD_FRCD + 16 * i + 8, 8);
			recorded |= hi >> 63;
		}
		if (!recorded) {
			o->translated = true;
			o->pa = iova;
		}
	}
}

static void access_qemu(struct ctx *c, drain_fn drain, departure_fn departure, struct dfz_qemu_stats *q, unsigned d,
			uint32_t sid, uint64_t iova, unsigned acc)
{
	struct qobs o;
	struct smmu_translation tr;
	bool write = acc & SMMU_PROT_W, in_ram = false, landed = false;
	uint32_t sentinel = 0x5e000000u | (uint32_t)(q->accesses & 0xffffff), old = 0, now = 0;
	const char *why = NULL;
	struct rec r;
	int rc;

	if ((rc = smmu_translate(c->u, &(struct smmu_stream){ sid, false, 0 }, iova, acc, &tr))) {
		fail(c, "smmu_translate failed: %d", rc);
		return;
	}
	/* a write the library sends outside RAM could reach a device's
	 * registers in QEMU: read there instead */
	if (write && tr.ok && (tr.pa < c->ram || tr.pa >= c->ram + (512ULL << 20))) {
		write = false;
		acc = SMMU_PROT_R;
		if ((rc = smmu_translate(c->u, &(struct smmu_stream){ sid, false, 0 }, iova, acc, &tr))) {
			fail(c, "smmu_translate failed: %d", rc);
			return;
		}
	}
	q->accesses++;
	/* where a write should land, a sentinel first (not over a structure:
	 * the walk must see what the library read) */
	if (write && tr.ok && !was_written(c, tr.pa) && !smmu_mem_read(c->t, tr.pa, &old, 4)) {
		in_ram = true;
		smmu_mem_write(c->t, tr.pa, &sentinel, 4);
	}
	if ((rc = smmu_dma(c->edu[d], write ? SMMU_DMA_TO_MEM : SMMU_DMA_FROM_MEM, iova, 4, NULL))) {
		fail(c, "edu DMA at 0x%" PRIx64 " failed: %s", iova, smmu_strerror(rc));
		return;
	}
	qemu_observe(c, iova, &o); /* (before the drain: VT-d looks at the fault records) */
	drain(c, &r);
	if (in_ram) {
		smmu_mem_read(c->t, tr.pa, &now, 4);
		landed = now != sentinel;
		smmu_mem_write(c->t, tr.pa, &old, 4);
	}
	if (tr.ok) {
		if (r.n)
			why = "the library translates; QEMU recorded an event";
		else if (!o.translated)
			why = "the library translates; QEMU did not";
		else if (o.pa != tr.pa)
			why = "QEMU translated to another address";
		else if (in_ram && !landed)
			why = "the library translates; the data did not land there";
	} else if (o.translated) {
		why = "the library predicts a fault; QEMU translated";
	} else if (!tr.code || tr.quiet) {
		if (r.n)
			why = "the library predicts an unrecorded fault; QEMU recorded one";
	} else if (!r.n) {
		why = "the library predicts a record; QEMU recorded none";
	} else if (r.code != tr.code) {
		why = "a different record";
	} else if (r.has_fetch && r.fetch != (tr.fetch_addr & (BIT(52) - 8))) {
		why = "a different fetch address";
	}
	if (getenv("DFZ_TRACE"))
		fprintf(stderr, "qemu: sid 0x%x iova 0x%" PRIx64 " %s: lib ok=%d pa=0x%" PRIx64 " code=0x%x quiet=%d (%s) | "
			"qemu translated=%d pa=0x%" PRIx64 " records=%u code=0x%x landed=%d%s%s\n", sid, iova,
			write ? "write" : "read", tr.ok, tr.pa, tr.code, tr.quiet, tr.cfg.reason, o.translated, o.pa, r.n,
			r.code, landed, why ? ": " : "", why ? why : "");
	if (!why) {
		q->agree++;
		q->translated += tr.ok;
		q->recorded += !tr.ok && r.n;
		return;
	}
	const char *dep = departure(c, iova, &tr, &r, &o, write);
	if (dep) {
		count_departure(q, dep);
		return;
	}
	fail(c, "sid 0x%x iova 0x%016" PRIx64 " %s: %s (library: %s 0x%" PRIx64 ", code 0x%x, %s; QEMU: %s 0x%" PRIx64
	     ", %u record(s), 0x%x, fetch 0x%" PRIx64 ")", sid, iova, write ? "write" : "read", why,
	     tr.ok ? "translates to" : "faults", tr.pa, tr.code, tr.cfg.reason, o.translated ? "translated to" : "no translation",
	     o.pa, r.n, r.code, r.fetch);
	const struct smmu_cfg_step *ce = smmu_config_step(&tr.cfg, SMMU_CS_CONTEXT);
	if (ce) {
		size_t n = strlen(c->msg);
		snprintf(c->msg + n, c->msglen - n, "; context entry 0x%016" PRIx64 " 0x%016" PRIx64, ce->words[0],
			 ce->words[1]);
	}
	if (tr.walked && tr.x.nsteps) {
		size_t n = strlen(c->msg);
		for (unsigned i = 0; i < tr.x.nsteps; i++, n = strlen(c->msg))
			snprintf(c->msg + n, c->msglen - n, "%s level %d entry 0x%016" PRIx64, i ? "," : "; walk:",
				 tr.x.step[i].level, tr.x.step[i].pte);
	}
}

/* QEMU 7.2's SMMUv3 where it departs from IHI 0070 (hw/arm/smmuv3.c,
 * smmu-common.c; named in backends/sim/README.md). */
static const char *v3_qemu_departure(struct ctx *c, uint64_t iova, const struct smmu_translation *tr,
				     const struct rec *r, const struct qobs *o, bool write)
{
	const struct smmu_cfg_step *ste = smmu_config_step(&tr->cfg, SMMU_CS_STE);
	const struct smmu_pgt_xlate *x = &tr->x;
	uint64_t leaf = x->nsteps ? x->step[x->nsteps - 1].pte : 0;

	(void)c;
	/* A device's IOMMU memory region spans 2^48 bytes: DMA above it never
	 * reaches the SMMU (nothing translated, nothing recorded). */
	if (iova >> 48 && !r->n && !o->translated)
		return "qemu72-smmuv3-iova-beyond-48-bits";
	/* SMMUEN = 0 always bypasses: GBPA is not modelled, nor the OAS check. */
	if (o->disabled)
		return "qemu72-smmuv3-gbpa-not-modelled";
	/* No substreams: any S1CDMax is C_BAD_STE, although IDR1.SSIDSIZE = 0
	 * makes the field IGNORED. */
	if (ste && ste->words[0] >> 59 && r->n && r->code == SMMUV3_EVT_C_BAD_STE)
		return "qemu72-smmuv3-s1cdmax-is-illegal";
	/* An input address beyond the OAS (STE bypass) or the IAS (S1DSS
	 * bypass) is not checked: no F_ADDR_SIZE. */
	if (!tr->walked && tr->code == SMMUV3_EVT_F_ADDR_SIZE && o->translated)
		return "qemu72-smmuv3-no-input-address-size-check";
	/* QEMU translated, or stopped later in the walk (a permission fault) */
	bool went_on = o->translated ? !r->n : r->n && r->code == SMMUV3_EVT_F_PERMISSION;
	if (tr->walked && went_on) {
		/* The walk never checks the Access flag. */
		if (x->fault == SMMU_PGT_F_ACCESS)
			return "qemu72-smmuv3-no-access-flag-fault";
		/* Nor table or output addresses against the IPS (it takes
		 * descriptor bits [47:12]). */
		if (x->fault == SMMU_PGT_F_ADDR_SIZE)
			return "qemu72-smmuv3-no-address-size-fault";
	}
	/* ... so past a table address beyond the IPS it walks on to whatever is there */
	if (tr->walked && x->fault == SMMU_PGT_F_ADDR_SIZE && (o->translated || r->n))
		return "qemu72-smmuv3-no-address-size-fault";
	if (tr->walked && went_on) {
		/* A Block descriptor is taken at any level but 3, also where the
		 * granule has none (level 0; level 1 with 16K and 64K). */
		if (x->fault == SMMU_PGT_F_RESERVED || x->fault == SMMU_PGT_F_INVALID)
			return "qemu72-smmuv3-block-at-any-level";
	}
	if (tr->walked && o->translated && !r->n) {
		/* AP[1] and APTable[0] (EL0 access) are ignored: an unprivileged
		 * access to a privileged-only page succeeds (only AP[2] and
		 * APTable[1] are checked, for writes). */
		bool el0_denied = !(leaf >> 6 & 1);
		for (unsigned i = 0; i + 1 < x->nsteps; i++)
			el0_denied |= x->step[i].pte >> 61 & 1; /* APTable[0] */
		if (x->fault == SMMU_PGT_F_PERM && (el0_denied || !write))
			return "qemu72-smmuv3-ignores-ap1-el0";
	}
	/* The stream table base is not aligned to the table's size: the
	 * ADDR bits the architecture ignores (ADDR[LOG2SIZE + 5:0] linear,
	 * ADDR[MAX(5, LOG2SIZE - SPLIT + 2):0] 2-level) move QEMU's table. */
	uint64_t base = rreg(c, V3_STRTAB_BASE, 8) & (BIT(52) - 64);
	uint32_t scfg = (uint32_t)rreg(c, V3_STRTAB_BASE_CFG, 4);
	unsigned log2size = scfg & 63, split = scfg >> 6 & 31;
	int top = (scfg >> 16 & 3) == 1 ? (int)log2size - (int)split + 2 : (int)log2size + 5;
	if (top < 5)
		top = 5;
	if (base & ((top >= 63 ? ~0ULL : (2ULL << top) - 1)))
		return "qemu72-smmuv3-strtab-base-not-aligned";
	/* A reserved SPLIT (not 6, 8 or 10) is used as it is, not as 6. */
	if ((scfg >> 16 & 3) == 1 && split != 6 && split != 8 && split != 10)
		return "qemu72-smmuv3-reserved-split-used-as-is";
	/* Not QEMU's: a structure or table outside RAM, in the machine's
	 * flash (where the halting firmware sits) or a device's registers
	 * (the SMMU's own), is read by QEMU as it is; smmush reads RAM only
	 * and predicts a fetch abort there. */
	if ((tr->code == SMMUV3_EVT_F_STE_FETCH || tr->code == SMMUV3_EVT_F_CD_FETCH ||
	     tr->code == SMMUV3_EVT_F_WALK_EABT) && (tr->fetch_addr < c->ram || tr->fetch_addr >= c->ram + (512ULL << 20)) &&
	    (o->translated || !r->n || r->code != tr->code))
		return "smmush-reads-ram-only";
	/* An address outside both TTB ranges (not sign-extended from the
	 * range's top bit), or in a disabled TTB's (EPDx), can still be
	 * walked, by the other TTB, its upper bits dropped. */
	if (tr->code == SMMUV3_EVT_F_TRANSLATION && (strstr(tr->cfg.reason, "-bit range") || strstr(tr->cfg.reason, "walks are disabled (EPD")) &&
	    (o->translated || r->code != tr->code))
		return "qemu72-smmuv3-input-range-not-checked";
	/* An STE's S1ContextPtr beyond the OAS, a CD's TTBx beyond the IPS
	 * are ILLEGAL; QEMU takes the address fields' low bits ([47:x]) and
	 * goes on. */
	if ((strstr(tr->cfg.reason, "S1ContextPtr is beyond") || strstr(tr->cfg.reason, "is beyond the IPS")) &&
	    (o->translated || r->code != tr->code))
		return "qemu72-smmuv3-address-fields-not-checked";
	/* F_CD_FETCH carries the CD's address in InputAddr, FetchAddr 0. */
	if (tr->code == SMMUV3_EVT_F_CD_FETCH && r->n && r->code == tr->code && !r->fetch)
		return "qemu72-smmuv3-cd-fetch-address-misplaced";
	/* C_BAD_STREAMID (a StreamID beyond LOG2SIZE, L1STD Span 0) is
	 * recorded whatever CR2.RECINVSID says. */
	if (tr->code == SMMUV3_EVT_C_BAD_STREAMID && tr->quiet && r->n && r->code == SMMUV3_EVT_C_BAD_STREAMID)
		return "qemu72-smmuv3-bad-streamid-ignores-recinvsid";
	/* L1STD.Span is checked only against the StreamID (beyond it:
	 * C_BAD_STE): a Span above SPLIT + 1 or 11 is used as it is. */
	if (tr->code == SMMUV3_EVT_C_BAD_STREAMID && strstr(tr->cfg.reason, "L1 descriptor Span"))
		return "qemu72-smmuv3-l1std-span-checks";
	return NULL;
}

static void v3_invalidate(struct ctx *c, struct v3gen *g)
{
	v3_cmd(c, g, 0x04, 31); /* CMD_CFGI_ALL */
	v3_cmd(c, g, 0x30, 0);  /* CMD_TLBI_NSNH_ALL */
	v3_cmd(c, g, 0x46, 0);  /* CMD_SYNC */
	if ((rreg(c, V3_CMDQ_CONS, 4) & 0xfffff) != g->cmd_prod)
		fail(c, "the command queue stopped (CONS 0x%x, PROD 0x%x, GERROR 0x%x): stale caches would follow",
		     (unsigned)rreg(c, V3_CMDQ_CONS, 4), g->cmd_prod, (unsigned)rreg(c, 0x60, 4));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The pages the last configuration wrote, zero again; the data pages' pattern back. */
static void qemu_clean(struct ctx *c)
{
	static const uint64_t zero[512];
	uint64_t page[512];

	qsort(c->dirty, c->ndirty, sizeof(c->dirty[0]), cmp_u64);
	for (unsigned i = 0; i < c->ndirty; i++)
		if (!i || c->dirty[i] != c->dirty[i - 1])
			smmu_mem_write(c->t, c->dirty[i], zero, sizeof(zero));
	c->ndirty = 0;
	for (uint64_t a = c->data; a < c->data + 8 * 0x1000; a += 0x1000) {
		for (unsigned i = 0; i < 512; i++)
			page[i] = (a + 8 * i) ^ 0xd00d000000000000ULL;
		smmu_mem_write(c->t, a, page, sizeof(page));
	}
	c->slot_next = c->ram + 0x200000;
	c->nptrs = c->nmaps = 0;
	memset(c->dmap, 0, sizeof(c->dmap));
}

static int v3_qemu(struct ctx *c, uint64_t seed, unsigned configs, unsigned accesses, struct dfz_qemu_stats *q)
{
	struct v3gen g = { 0 };
	uint32_t sids[8], ssids[8][8];
	unsigned nssids[8];

	v3g = &g;
	for (unsigned i = 0; i < configs && !c->failed; i++) {
		struct dfz_src src;

		dfz_src_seed(&src, seed + i);
		c->src = &src;
		c->qemu_fmt = i < configs / 2 ? 0 : 1;
		qemu_clean(c);
		v3_build(c, &g, sids, ssids, nssids);
		v3_invalidate(c, &g);
		struct rec r;
		v3_drain(c, &r);
		q->configs++;
		for (unsigned k = 0; k < accesses && !c->failed; k++) {
			struct dfz_src *s = &src;
			unsigned d = (unsigned)rn(s, c->ndevs), j = (unsigned)rn(s, 100);
			uint64_t iova;
			if (j < 60 && c->nmaps) {
				iova = pick_map(c, d) + (pc(s, 20) ? rn(s, 0x4000) - 0x2000 : 0);
				if (iova >> 48 && pc(s, 70)) /* TTB1's: beyond what QEMU's SMMUv3 sees */
					iova = c->data + rn(s, 0x8000);
			}
			else if (j < 75)
				iova = rn(s, BIT(25 + rn(s, 24)));
			else if (j < 85)
				iova = c->data + rn(s, 0x8000); /* identity (bypass) */
			else if (j < 95)
				iova = rn(s, BIT(40 + rn(s, 9)));
			else if (j < 98)
				iova = ~0ULL << (25 + rn(s, 24)) | rn(s, BIT(25));
			else
				iova = r64(s);
			iova &= ~3ULL;
			if ((iova & 0xfff) > 0xffc)
				iova -= 4;
			v3_invalidate(c, &g);
			access_qemu(c, v3_drain, v3_qemu_departure, q, d, sids[d], iova, pc(s, 60) ? SMMU_PROT_R : SMMU_PROT_W);
		}
		if (c->failed) {
			size_t n = strlen(c->msg);
			snprintf(c->msg + n, c->msglen - n, " (seed 0x%" PRIx64 ")", seed + i);
		}
	}
	return c->failed ? -1 : 0;
}

/* QEMU 7.2's VT-d (legacy mode) where it departs from the specification. */
static const char *vtd_qemu_departure(struct ctx *c, uint64_t iova, const struct smmu_translation *tr,
				      const struct rec *r, const struct qobs *o, bool write)
{
	(void)c; (void)iova; (void)write;
	/* Pass-through (TT = 2) does not check the address against the host
	 * address width (no fault 0x4): the DMA goes to the IOVA. */
	if (tr->code == 0x4 && strstr(tr->cfg.reason, "TT=2") && o->translated && o->pa == iova && !r->n)
		return "qemu72-vtd-passthrough-no-address-width-check";
	/* A paging entry's permission is checked before its reserved bits:
	 * 0x5/0x6 where the entry's reserved bits make it 0xc. */
	if (tr->code == 0xc && r->n && (r->code == 0x5 || r->code == 0x6))
		return "qemu72-vtd-permission-before-reserved-bits";
	/* The top-level second-level table cannot be read: reported as an
	 * invalid context entry (0x3), not as a paging-entry access error (0x7). */
	if (tr->code == 0x7 && r->n && r->code == 0x3)
		return "qemu72-vtd-top-table-read-is-context-fault";
	/* RTADDR bits above the address width are dropped (the root table
	 * read at the truncated address), not a root-table access error. */
	if (tr->code == 0x8 && tr->fetch_addr >> vg->haw && (!r->n || r->code != 0x8))
		return "qemu72-vtd-rtaddr-truncated-to-haw";
	/* Not QEMU's: a table outside RAM (a device's registers, ROM) is
	 * read by QEMU; smmush reads RAM only and predicts an access error. */
	if ((tr->code == 0x7 || tr->code == 0x8 || tr->code == 0x9) && !(tr->fetch_addr >> vg->haw) &&
	    (tr->fetch_addr < c->ram || tr->fetch_addr >= c->ram + (512ULL << 20)) && (!r->n || r->code != tr->code))
		return "smmush-reads-ram-only";
	const struct smmu_cfg_step *cx = smmu_config_step(&tr->cfg, SMMU_CS_CONTEXT);
	/* FPD is honoured in a context entry that is not present (no 0x2
	 * record), and ignored in one with reserved bits or an invalid
	 * setting (0xb/0x3 recorded). */
	if (tr->code == 0x2 && !r->n && !o->translated && cx && (cx->words[0] & 2))
		return "qemu72-vtd-fpd-honoured-when-not-present";
	if (tr->quiet && (tr->code == 0xb || tr->code == 0x3) && r->n && r->code == tr->code)
		return "qemu72-vtd-fpd-ignored-on-invalid-context";
	/* RTADDR.TTM is not looked at (no scalable mode): a reserved TTM
	 * (fault 0x30) works as legacy. */
	if (tr->code == 0x30 && strstr(tr->cfg.reason, "TTM"))
		return "qemu72-vtd-rtaddr-ttm-ignored";
	/* With TT = 2 the second-level pointer is not used, yet its bits
	 * above the host address width are reserved (fault 0xb) to QEMU. */
	const struct smmu_cfg_step *ce = smmu_config_step(&tr->cfg, SMMU_CS_CONTEXT);
	if (ce && strstr(tr->cfg.reason, "TT=2") && r->n && r->code == 0xb && (ce->words[0] & ~0xfffULL) >> vg->haw)
		return "qemu72-vtd-passthrough-slptptr-reserved-bits";
	/* ... and its AW must be one the unit supports (SAGAW), with the
	 * fault that follows (suppressed by FPD). */
	if (ce && strstr(tr->cfg.reason, "TT=2") && !o->translated && (!r->n || r->code == 0x3) &&
	    !(vg->cap >> (8 + (ce->words[1] & 7)) & 1))
		return "qemu72-vtd-passthrough-checks-aw";
	return NULL;
}

static int vtd_qemu(struct ctx *c, uint64_t seed, unsigned configs, unsigned accesses, struct dfz_qemu_stats *q)
{
	struct vgen g = { .scalable = false, .mgaw = 39, .haw = 39 };
	uint32_t pasids[8][8];
	unsigned npasids[8];

	g.cap = rreg(c, 0x08, 8);
	g.ecap = rreg(c, 0x10, 8);
	VTD_FRCD = (unsigned)(g.cap >> 24 & 0x3ff) * 16;
	VTD_NFR = (unsigned)(g.cap >> 40 & 0xff) + 1;
	VTD_IOTLB = (unsigned)(g.ecap >> 8 & 0x3ff) * 16 + 8;
	vg = &g;
	for (unsigned i = 0; i < configs && !c->failed; i++) {
		struct dfz_src src;
		struct rec r;

		dfz_src_seed(&src, seed + i);
		c->src = &src;
		qemu_clean(c);
		reg32(c, VTD_GCMD, 0); /* translation off while the tables change */
		vtd_drain(c, &r);
		memset(npasids, 0, sizeof(npasids));
		vtd_build(c, pasids, npasids);
		q->configs++;
		for (unsigned k = 0; k < accesses && !c->failed; k++) {
			struct dfz_src *s = &src;
			unsigned d = (unsigned)rn(s, c->ndevs), j = (unsigned)rn(s, 100);
			uint64_t iova;
			if (j < 65 && c->nmaps)
				iova = pick_map(c, d) + (pc(s, 20) ? rn(s, 0x4000) - 0x2000 : 0);
			else if (j < 80)
				iova = rn(s, BIT(30 + rn(s, 12)));
			else if (j < 92)
				iova = c->data + rn(s, 0x8000);
			else
				iova = r64(s) >> rn(s, 17); /* up to 64 bits */
			iova &= ~3ULL;
			if ((iova & 0xfff) > 0xffc)
				iova -= 4;
			reg64(c, VTD_CCMD, BIT(63) | 1ULL << 61);      /* global context-cache invalidation */
			reg64(c, VTD_IOTLB, BIT(63) | 1ULL << 60);     /* global IOTLB invalidation */
			access_qemu(c, vtd_drain, vtd_qemu_departure, q, d, (d + 1) << 3, iova,
				    pc(s, 60) ? SMMU_PROT_R : SMMU_PROT_W);
		}
		if (c->failed) {
			size_t n = strlen(c->msg);
			snprintf(c->msg + n, c->msglen - n, " (seed 0x%" PRIx64 ")", seed + i);
		}
	}
	VTD_IOTLB = 0x108;
	VTD_FRCD = 0x200;
	VTD_NFR = 8;
	return c->failed ? -1 : 0;
}

int dfz_qemu_run(enum dfz_arch arch, uint64_t seed, unsigned configs, unsigned accesses, struct dfz_qemu_stats *q,
		 char *msg, size_t msglen)
{
	static struct ctx c;
	bool v3 = arch == DFZ_SMMUV3;
	char err[256];
	int rc;

	memset(&c, 0, sizeof(c));
	c.msg = msg;
	c.msglen = msglen;
	c.st = &(struct dfz_stats){ 0 };
	c.qemu = true;
	c.ttf = 2;
	msg[0] = '\0';
	char path[] = "/tmp/smmush-dfz-trace-XXXXXX", args[160];
	int fd = mkstemp(path);
	if (fd < 0 || !(c.trace = fdopen(fd, "r"))) {
		snprintf(msg, msglen, "cannot create a trace file");
		return -1;
	}
	snprintf(args, sizeof(args), "args=%s -D %s",
		 v3 ? "-trace smmuv3_translate_*" : "-trace vtd_dmar_translate -trace vtd_fault_disabled", path);
	const char *opts[] = { args };
	if (smmu_target_open(v3 ? "qemu:virt" : "qemu:q35", opts, 1, &c.t, err, sizeof(err)) ||
	    smmu_discover(c.t, err, sizeof(err))) {
		snprintf(msg, msglen, "cannot start QEMU: %s", err);
		if (c.t)
			smmu_target_close(c.t);
		fclose(c.trace);
		unlink(path);
		return -2;
	}
	c.u = smmu_unit_at(c.t, 0);
	c.unit = v3 ? 0x09050000 : 0xfed90000;
	c.ram = v3 ? 0x40000000 : 0;
	c.ram_end = c.ram + (64 << 20);
	c.data = c.ram + 0x1000000;
	c.slot_end = c.ram + 0xe00000;
	c.ndevs = 2;
	for (unsigned d = 0; d < c.ndevs; d++) {
		char bdf[16];
		snprintf(bdf, sizeof(bdf), "00:%02x.0", d + 1);
		if (!(c.edu[d] = smmu_device_find(c.t, bdf))) {
			snprintf(msg, msglen, "QEMU has no edu device at %s", bdf);
			smmu_target_close(c.t);
			return -1;
		}
	}
	rc = v3 ? v3_qemu(&c, seed, configs, accesses, q) : vtd_qemu(&c, seed, configs, accesses, q);
	smmu_target_close(c.t);
	fclose(c.trace);
	unlink(path);
	return rc;
}

/* --- hand-built cases ------------------------------------------------------------------------ */

struct dfz_machine {
	struct ctx c;
	struct dfz_src src;
	struct dfz_stats st;
	struct v3gen g;
	struct vgen vg;
	bool v3;
	struct dfz_hooks hooks; /* AMD-Vi, SMMUv2: their generators' drain and invalidation */
	char msg[1024];
};

struct dfz_machine *dfz_open(enum dfz_arch arch, bool stage2)
{
	/* both table formats: VMSAv8-32 cases too; IAS stays the OAS (48) */
	return dfz_open_ttf(arch, stage2, 3);
}

struct dfz_machine *dfz_open_ttf(enum dfz_arch arch, bool stage2, unsigned ttf)
{
	static struct dfz_machine m;

	memset(&m, 0, sizeof(m));
	dfz_src_seed(&m.src, 1);
	m.c = (struct ctx){ .src = &m.src, .st = &m.st, .msg = m.msg, .msglen = sizeof(m.msg), .ttf = ttf };
	if (arch == DFZ_AMDVI || arch == DFZ_SMMUV2)
		return (arch == DFZ_AMDVI ? dfz_amdvi_machine : dfz_smmuv2_machine)(&m.c, &m.hooks) ? NULL : &m;
	if (open_machine(&m.c, arch, stage2, 48))
		return NULL;
	m.v3 = arch == DFZ_SMMUV3;
	if (!m.v3) {
		m.vg = (struct vgen){ .scalable = arch == DFZ_VTD_SCALABLE, .mgaw = 48, .haw = 48 };
		vg = &m.vg;
		return &m;
	}
	m.g.evtq = m.c.ram + 0x100000;
	m.g.cmdq = m.c.ram + 0x110000;
	v3g = &m.g;
	reg64(&m.c, V3_CMDQ_BASE, m.g.cmdq | V3_QLOG2);
	reg64(&m.c, V3_EVENTQ_BASE, m.g.evtq | V3_QLOG2);
	reg32(&m.c, V3_CR0, 0xc);
	return &m;
}

uint64_t dfz_ram(struct dfz_machine *m)
{
	return m->c.ram;
}

void dfz_write(struct dfz_machine *m, uint64_t pa, const uint64_t *w, unsigned n)
{
	write_words(&m->c, pa, w, n);
}

void dfz_reg(struct dfz_machine *m, uint64_t off, unsigned size, uint64_t v)
{
	if (size == 8)
		reg64(&m->c, off, v);
	else
		reg32(&m->c, off, (uint32_t)v);
}

int dfz_access(struct dfz_machine *m, unsigned dev, bool ssv, uint32_t ssid, uint64_t iova, unsigned acc,
	       struct smmu_translation *tr, const char **msg)
{
	m->c.failed = false;
	m->msg[0] = '\0';
	if (m->hooks.drain) {
		m->hooks.inv(&m->c, dev);
		access_one(&m->c, m->hooks.drain, dev, (dev + 1) << 3, ssv, ssid, iova, acc);
	} else if (m->v3) {
		v3_cmd(&m->c, &m->g, 0x04, 31);      /* CMD_CFGI_ALL */
		v3_cmd(&m->c, &m->g, 0x30, 0);       /* CMD_TLBI_NSNH_ALL */
		v3_cmd(&m->c, &m->g, 0x46, 0);
	} else {
		reg64(&m->c, VTD_CCMD, BIT(63) | 1ULL << 61);
		reg64(&m->c, VTD_IOTLB, BIT(63) | 1ULL << 60);
	}
	if (!m->hooks.drain)
		access_one(&m->c, m->v3 ? v3_drain : vtd_drain, dev, (dev + 1) << 3, ssv, ssid, iova, acc);
	smmu_translate(m->c.u, &(struct smmu_stream){ (dev + 1) << 3, ssv, ssid }, iova, acc, tr);
	*msg = m->msg;
	return m->c.failed ? -1 : 0;
}

void dfz_close(struct dfz_machine *m)
{
	smmu_target_close(m->c.t);
}
