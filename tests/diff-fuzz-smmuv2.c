/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing, SMMUv2 (sim:mmu500): random and adversarial stream
 * matching (SMRs with masks, duplicates that conflict, invalid entries,
 * sCR0.CLIENTPD and USFCFG), S2CRs (translate, bypass, fault, reserved, a
 * bank beyond NUMCB), context banks of every CBAR type with AArch64 stage 1
 * (TTBR0 and TTBR1, every granule, T0SZ in and out of range, EPD) and stage 2
 * (SL0, concatenated tables) formats, SCTLR's M, AFFD, WXN and UWXN; then
 * reads, writes and instruction fetches, privileged or not, compared with
 * the model's result and what it recorded (sGFSR, each bank's FSR).  Bit
 * positions are from IHI 0062 (SMMUv2), written here independently.
 */
#include <stdio.h>
#include <string.h>

#include "tests/diff-fuzz-priv.h"

#define V2_SCR0 0x000
#define V2_IDR1 0x024
#define V2_SGFSR 0x048
#define V2_TLBIALLNSNH 0x068
#define V2_TLBGSYNC 0x070
#define V2_SMR 0x800
#define V2_S2CR 0xc00
#define V2_CBAR 0x000 /* GR1 */
#define V2_CBA2R 0x800
#define CB_SCTLR 0x000
#define CB_TCR2 0x010
#define CB_TTBR0 0x020
#define CB_TTBR1 0x028
#define CB_TCR 0x030
#define CB_FSR 0x058
#define NSMRG 16
#define NCB 8

struct v2gen {
	uint64_t page, cb0; /* register page size, the first bank's offset */
	/* each bank's type, the nested banks' stage 2 bank, and the stage 2
	 * geometry a bank of type stage 2 got */
	unsigned type[NCB], s2n[NCB], g[NCB], ia[NCB];
	int sl[NCB];
	uint64_t root[NCB];
};
static struct v2gen *vg2;

static uint64_t cb_off(unsigned n, uint64_t reg)
{
	return vg2->cb0 + n * vg2->page + reg;
}

/* The model's records: sGFSR first (a global fault), then each bank's FSR;
 * the code is the lowest fault bit, as the library names it. */
static void v2_drain(struct ctx *c, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	uint32_t g = (uint32_t)rreg(c, V2_SGFSR, 4);
	if (g) {
		r->n++;
		r->code = 0x100 | (uint32_t)__builtin_ctz(g & 0x1ff ? g & 0x1ff : g); /* global: 0x100 + bit */
		reg32(c, V2_SGFSR, g);
	}
	for (unsigned n = 0; n < NCB; n++) {
		uint32_t f = (uint32_t)rreg(c, cb_off(n, CB_FSR), 4);
		if (!(f & 0x1fe))
			continue;
		if (!r->n++)
			r->code = (uint32_t)__builtin_ctz(f & 0x1fe);
		reg32(c, cb_off(n, CB_FSR), f);
	}
}

static void v2_inv(struct ctx *c, unsigned dev)
{
	(void)dev;
	reg32(c, V2_TLBIALLNSNH, 0);
	reg32(c, V2_TLBGSYNC, 0);
}

static const unsigned v2_tg0[4] = { 12, 16, 14, 0 }; /* TG0: 4K, 64K, 16K */
static const unsigned v2_tg1[4] = { 0, 14, 12, 16 }; /* TG1 */

static int v2_start(unsigned ia, unsigned g)
{
	unsigned per = g - 3;
	return 4 - (int)((ia - g + per - 1) / per);
}

/* A stage 1 AArch64 bank: TCR, TCR2, TTBR0/1 and their tables. */
static void v2_s1(struct ctx *c, unsigned n)
{
	struct dfz_src *s = c->src;
	unsigned tg0 = pc(s, 95) ? (unsigned)rn(s, 3) : 3, tg1 = pc(s, 95) ? 1 + (unsigned)rn(s, 3) : 0;
	unsigned t0sz = pc(s, 90) ? 16 + (unsigned)rn(s, 24) : (unsigned)rn(s, 64);
	unsigned t1sz = pc(s, 90) ? 16 + (unsigned)rn(s, 24) : (unsigned)rn(s, 64);
	bool epd0 = pc(s, 4), epd1 = pc(s, 60);
	bool fresh;
	uint64_t t0 = pc(s, 92) ? slot(c) : ptr(c, &fresh), t1 = pc(s, 92) ? slot(c) : ptr(c, &fresh);
	uint32_t tcr = t0sz | (epd0 ? 1u << 7 : 0) | tg0 << 14 | t1sz << 16 | (epd1 ? 1u << 23 : 0) | tg1 << 30 |
		       (pc(s, 10) ? 1u << 22 : 0); /* A1 */
	uint32_t tcr2 = (pc(s, 80) ? 5 : (uint32_t)rn(s, 8)) | (pc(s, 50) ? 1u << 4 : 0); /* PASize, AS */

	reg32(c, cb_off(n, CB_TCR), tcr);
	reg32(c, cb_off(n, CB_TCR2), tcr2);
	reg64(c, cb_off(n, CB_TTBR0), (t0 & (BIT(48) - 1)) | rn(s, 0x10000) << 48);
	reg64(c, cb_off(n, CB_TTBR1), (t1 & (BIT(48) - 1)) | rn(s, 0x10000) << 48);
	if (t0sz >= 16 && t0sz <= 39 && v2_tg0[tg0] && t0 >= c->ram && t0 < c->ram_end)
		lpae_tables(c, t0, v2_tg0[tg0], 64 - t0sz, v2_start(64 - t0sz, v2_tg0[tg0]), false, 0,
			    2 + (unsigned)rn(s, 6));
	if (t1sz >= 16 && t1sz <= 39 && v2_tg1[tg1] && t1 >= c->ram && t1 < c->ram_end)
		lpae_tables(c, t1, v2_tg1[tg1], 64 - t1sz, v2_start(64 - t1sz, v2_tg1[tg1]), false, ~0ULL << (64 - t1sz),
			    1 + (unsigned)rn(s, 3));
}

/* A stage 2 AArch64 bank: the stage 2 layout of TCR (T0SZ, SL0, TG0,
 * PASize), TTBR0 and its (possibly concatenated) tables. */
static void v2_s2(struct ctx *c, unsigned n, bool nested)
{
	struct dfz_src *s = c->src;
	unsigned tg = pc(s, 95) ? (unsigned)rn(s, 3) : 3, g = v2_tg0[tg];
	unsigned ia = pc(s, 90) ? 32 + (unsigned)rn(s, 17) : 64 - (unsigned)rn(s, 64);
	int sl = g ? v2_start(ia, g) : 1;
	bool fresh;

	if (g && sl < (g == 12 ? 0 : 1))
		sl = g == 12 ? 0 : 1; /* concatenated tables at the start level */
	unsigned sl0 = pc(s, 95) && g ? (unsigned)((g == 12 ? 2 : 3) - sl) : (unsigned)rn(s, 4);
	uint64_t t = pc(s, 92) ? slot(c) : ptr(c, &fresh);
	uint32_t tcr = (64 - ia) | sl0 << 6 | tg << 14 | (pc(s, 80) ? 5u : (uint32_t)rn(s, 8)) << 16 | 1u << 31;

	reg32(c, cb_off(n, CB_TCR), tcr);
	reg64(c, cb_off(n, CB_TTBR0), t & (BIT(48) - 1));
	vg2->g[n] = g;
	vg2->ia[n] = ia;
	vg2->sl[n] = -1;
	vg2->root[n] = t;
	/* tables only where SL0 fits T0SZ (else every access faults anyway) */
	int start = g ? (g == 12 ? 2 : 3) - (int)sl0 : -1;
	unsigned covered = start < 0 ? 0 : g + (g - 3) * (unsigned)(4 - start);
	if (g && start >= 0 && sl0 < 3 && ia >= 25 && ia <= 48 && ia <= covered + 4 && ia + (g - 3) > covered &&
	    t >= c->ram && t < c->ram_end) {
		lpae_tables(c, t, g, ia, start, true, 0, (nested ? 0 : 2) + (unsigned)rn(s, 6));
		vg2->sl[n] = start; /* a nested bank's stage 1 may get an identity map here */
	}
}

static void v2_bank(struct ctx *c, unsigned n)
{
	struct dfz_src *s = c->src;
	static const unsigned types[] = { 1, 1, 1, 0, 0, 2, 3, 3 }; /* S1 (S2 bypass), S2, S1 + S2 fault, nested */
	unsigned type = types[rn(s, 8)], s2n = (unsigned)rn(s, NCB);

	vg2->type[n] = type;
	vg2->s2n[n] = s2n;
	vg2->g[n] = 0;
	uint32_t cbar = type << 16 | (uint32_t)rn(s, 256) | (type == 3 ? s2n << 8 : 0);

	reg32(c, vg2->page + V2_CBAR + 4 * n, cbar); /* GR1 is the second page */
	reg32(c, vg2->page + V2_CBA2R + 4 * n, pc(s, 97) ? 1 : 0); /* VA64 */
	uint32_t sctlr = (pc(s, 95) ? 1 : 0) | (pc(s, 20) ? 1u << 3 : 0) | (pc(s, 10) ? 1u << 9 : 0) |
			 (pc(s, 10) ? 1u << 10 : 0);
	reg32(c, cb_off(n, CB_SCTLR), sctlr);
	if (type == 0)
		v2_s2(c, n, false);
	else
		v2_s1(c, n);
}

int dfz_smmuv2_machine(struct ctx *c, struct dfz_hooks *h)
{
	static const char *const opts[] = { "devs=4", "ram=64M" };
	static struct v2gen g;

	if (sim_ready(c, "sim:mmu500", opts, 2, 0x0a000000, 0x40000000))
		return -1;
	uint32_t idr1 = (uint32_t)rreg(c, V2_IDR1, 4);
	g.page = idr1 >> 31 ? 0x10000 : 0x1000;
	g.cb0 = g.page * (2ULL << (idr1 >> 28 & 7));
	vg2 = &g;
	h->drain = v2_drain;
	h->inv = v2_inv;
	return 0;
}

int dfz_smmuv2_run(struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg, size_t msglen)
{
	struct ctx c = { .src = src, .st = st, .msg = msg, .msglen = msglen };
	struct dfz_hooks h;
	struct dfz_src *s = src;

	msg[0] = '\0';
	if (dfz_smmuv2_machine(&c, &h))
		return -1;
	st->configs++;
	/* stream matching: each device an entry (its StreamID, sometimes with
	 * mask bits, sometimes a shared or conflicting one), and a few others */
	for (unsigned d = 0; d < c.ndevs; d++) {
		unsigned i = (unsigned)rn(s, NSMRG);
		uint32_t sid = (d + 1) << 3, mask = pc(s, 20) ? (uint32_t)rn(s, 0x20) : 0;
		reg32(&c, V2_SMR + 4 * i, (pc(s, 95) ? 1u << 31 : 0) | mask << 16 | (sid & ~mask));
		unsigned type = pc(s, 85) ? 0 : (unsigned)rn(s, 4), cb = pc(s, 97) ? (unsigned)rn(s, NCB) : 0xff;
		reg32(&c, V2_S2CR + 4 * i, type << 16 | cb);
	}
	for (unsigned k = (unsigned)rn(s, 3); k; k--)
		reg32(&c, V2_SMR + 4 * rn(s, NSMRG), (uint32_t)r64(s));
	for (unsigned n = 0; n < NCB; n++)
		v2_bank(&c, n);
	/* nested banks: mostly over a bank that is stage 2 (else ICF), which
	 * maps RAM to itself, mostly, so that stage 1's tables (at IPAs) and its
	 * output can be reached */
	unsigned s2banks[NCB], ns2 = 0;
	for (unsigned n = 0; n < NCB; n++)
		if (vg2->type[n] == 0)
			s2banks[ns2++] = n;
	for (unsigned n = 0; n < NCB; n++)
		if (vg2->type[n] == 3 && ns2 && pc(s, 75)) {
			uint32_t cbar = (uint32_t)rreg(&c, vg2->page + V2_CBAR + 4 * n, 4);
			vg2->s2n[n] = s2banks[rn(s, ns2)];
			reg32(&c, vg2->page + V2_CBAR + 4 * n, (cbar & ~0xff00u) | vg2->s2n[n] << 8);
		}
	for (unsigned n = 0; n < NCB; n++) {
		unsigned b = vg2->s2n[n];
		if (vg2->type[n] == 3 && vg2->type[b] == 0 && vg2->g[b] && vg2->ia[b] >= 32 && vg2->ia[b] <= 48 &&
		    vg2->root[b] >= c.ram && vg2->root[b] < c.ram_end && vg2->sl[b] >= 0 && pc(s, 80))
			s2_identity(&c, vg2->root[b], vg2->g[b], vg2->ia[b], vg2->sl[b]);
	}
	/* sCR0: client ports enabled mostly; unmatched streams fault or bypass */
	reg32(&c, V2_SCR0, (pc(s, 5) ? 1 : 0) | (pc(s, 70) ? 1u << 10 : 0));

	unsigned last = ~0u;
	for (unsigned i = 0; i < accesses && !c.failed; i++) {
		unsigned d = (unsigned)rn(s, c.ndevs);
		uint64_t iova = pick_iova(&c, d);
		unsigned acc = pc(s, 50) ? SMMU_PROT_R : pc(s, 70) ? SMMU_PROT_W : SMMU_PROT_R | SMMU_PROT_X;
		if (pc(s, 50))
			acc |= SMMU_PROT_PRIV;
		if (d != last)
			v2_inv(&c, d);
		last = d;
		access_one(&c, v2_drain, d, (d + 1) << 3, false, 0, iova, acc);
	}
	smmu_target_close(c.t);
	return c.failed ? -1 : 0;
}
