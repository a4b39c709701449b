/* SPDX-License-Identifier: MIT */
/*
 * Differential fuzzing, AMD-Vi (sim:amd): random and adversarial device
 * table entries (V, TV, Mode 0-7, IR/IW, SE/SA, EX, reserved bits, root
 * pointers inside and outside RAM), v1 tables of 1 to 6 levels with PDEs
 * that skip levels, leaves at every level of their natural size and of a
 * size encoded in the address (NextLevel 7), reserved bits, garbage, the
 * exclusion range; then reads and writes (with and without the execute and
 * privileged attributes, which v1 tables do not distinguish) from the test
 * devices, each compared with the model's result and its event log.
 * Bit positions are from the AMD IOMMU specification (#48882), written here
 * independently of lib/ and of the model.
 */
#include <string.h>

#include "tests/diff-fuzz-priv.h"

#define A_DEVTAB 0x0000
#define A_CMDBASE 0x0008
#define A_EVTBASE 0x0010
#define A_CONTROL 0x0018
#define A_EXCLBASE 0x0020
#define A_EXCLLIM 0x0028
#define A_CMDTAIL 0x2008
#define A_EVTHEAD 0x2010
#define A_EVTTAIL 0x2018
#define A_ADDR 0x000ffffffffff000ULL
#define A_LOG2 8 /* 256-entry command buffer and event log */

struct agen {
	uint64_t cmd, evt;
	unsigned cmd_tail;
};
static struct agen *ag;

static void amd_cmd(struct ctx *c, uint64_t w0, uint64_t w1)
{
	w64(c, ag->cmd + 16 * ag->cmd_tail, w0);
	w64(c, ag->cmd + 16 * ag->cmd_tail + 8, w1);
	ag->cmd_tail = (ag->cmd_tail + 1) % (1u << A_LOG2);
	reg64(c, A_CMDTAIL, (uint64_t)ag->cmd_tail << 4);
}

/* The device's DTE and every cached translation of its DomainID forgotten:
 * INVALIDATE_DEVTAB_ENTRY, then INVALIDATE_IOMMU_PAGES of the whole domain
 * (S=1, every address bit set).  Cheaper for the model than
 * INVALIDATE_IOMMU_ALL, which clears its 64K-entry DTE cache. */
static void amd_inv_dev(struct ctx *c, uint64_t dte_pa, uint16_t devid)
{
	uint64_t dom = rd64(c, dte_pa + 8) & 0xffff;

	amd_cmd(c, 0x2ULL << 60 | devid, 0);
	amd_cmd(c, 0x3ULL << 60 | dom << 32, 0x7ffffffffffff000ULL | 1);
}

static void amd_drain(struct ctx *c, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	for (;;) {
		uint64_t head = rreg(c, A_EVTHEAD, 8) >> 4 & 0x7fff, tail = rreg(c, A_EVTTAIL, 8) >> 4 & 0x7fff;
		if (head == tail)
			break;
		if (!r->n++) {
			uint64_t w0 = rd64(c, ag->evt + 16 * head), w1 = rd64(c, ag->evt + 16 * head + 8);
			r->code = (uint32_t)(w0 >> 60);
			/* the hardware errors name the address of the failed fetch */
			if (r->code == 0x3 || r->code == 0x4) {
				r->has_fetch = true;
				r->fetch = w1 & (BIT(52) - 8);
			}
		}
		reg64(c, A_EVTHEAD, ((head + 1) % (1u << A_LOG2)) << 4);
	}
}

static unsigned lshift(unsigned level)
{
	return 12 + 9 * (level - 1);
}

/* A leaf for va at `level` (natural size, or NextLevel 7 with a size
 * between this level's and the next one's). */
static uint64_t amd_leaf(struct ctx *c, unsigned level, unsigned *size_log2)
{
	struct dfz_src *s = c->src;
	unsigned sh = lshift(level), k = sh;
	uint64_t pte = 1 | (pc(s, 85) ? BIT(61) : 0) | (pc(s, 75) ? BIT(62) : 0);

	if (level < 6 && pc(s, 25)) {
		k = sh + 1 + (unsigned)rn(s, 8); /* 2x .. 256x the natural size */
		pte |= 7ULL << 9;
	}
	uint64_t oa = level == 1 && k == sh ? c->data + rn(s, 8) * 0x1000 : c->data & ~(BIT(k) - 1);
	if (pc(s, 4))
		oa = r64(s) & A_ADDR; /* anywhere */
	if (k > sh)
		oa = (oa & ~(BIT(k) - 1)) | ((BIT(k - 1) - 1) & ~0xfffULL); /* ones below the size's top bit */
	if (k > sh && pc(s, 8))
		oa ^= BIT(12 + rn(s, k - 12)); /* a badly encoded size */
	pte |= oa & A_ADDR;
	if (pc(s, 3))
		pte |= r64(s) & (0x7fULL << 52); /* reserved in a PTE */
	if (pc(s, 10))
		pte |= r64(s) & (BIT(59) | BIT(60) | 0x1feULL); /* U, FC, ignored and available bits */
	*size_log2 = k;
	return pte;
}

/* Map n random input addresses below 2^(12 + 9 * mode) in v1 tables at root. */
static void amd_tables(struct ctx *c, uint64_t root, unsigned mode, unsigned n)
{
	struct dfz_src *s = c->src;
	unsigned ia = mode >= 6 ? 64 : lshift(mode + 1);

	for (unsigned k = 0; k < n; k++) {
		uint64_t va = (ia >= 64 ? r64(s) : rn(s, BIT(ia))) & ~0xfffULL, table = root;
		unsigned level = mode;

		if (pc(s, 40))
			va &= BIT(32) - 1; /* low addresses: skipped levels' bits are zero */
		for (unsigned steps = 0; steps < 8; steps++) {
			unsigned sh = lshift(level);
			uint64_t da = table + ((va >> sh) & 0x1ff) * 8, d = rd64(c, da);
			bool leaf_here = level == 1 || pc(s, level > 3 ? 5 : 20);

			if (!(d & 1) && leaf_here) {
				unsigned size_log2;
				d = amd_leaf(c, level, &size_log2);
				if (pc(s, 4))
					d = r64(s); /* garbage */
				w64(c, da, d);
				if (c->nmaps < MAX_MAPS)
					c->maps[c->nmaps++] = (va & ~(BIT(size_log2) - 1)) | (rn(s, BIT(size_log2)) & ~7ULL);
				break;
			}
			if (!(d & 1)) {
				bool fresh;
				uint64_t nt = pc(s, 88) ? slot(c) : ptr(c, &fresh);
				unsigned nl = level - 1;
				if (nl > 1 && pc(s, 20))
					nl = 1 + (unsigned)rn(s, nl); /* skip levels */
				if (pc(s, 3))
					nl = level + (unsigned)rn(s, 8 - level); /* up, or the same level, or 7 */
				d = 1 | (nt & A_ADDR) | (uint64_t)nl << 9 | (pc(s, 95) ? BIT(61) : 0) | (pc(s, 90) ? BIT(62) : 0);
				if (pc(s, 3))
					d |= r64(s) & (0x1ffULL << 52); /* reserved in a PDE */
				if (pc(s, 2))
					d = r64(s) | 1;
				w64(c, da, d);
				/* the skipped levels' index bits must be zero for va to get there */
				if (pc(s, 85))
					for (unsigned l = nl + 1; l < level && l >= 1; l++)
						va &= ~(0x1ffULL << lshift(l));
			}
			unsigned nl = (unsigned)(d >> 9 & 7);
			if (nl == 0 || nl == 7 || nl >= level)
				break; /* someone else's leaf, or a bad pointer: nothing more to build */
			table = d & A_ADDR;
			if (table < c->ram || table >= c->ram_end)
				break;
			level = nl;
		}
	}
}

/* One DTE: mostly valid with tables, sometimes anything. */
static void amd_dte(struct ctx *c, uint64_t pa, unsigned d)
{
	struct dfz_src *s = c->src;
	uint64_t w[4] = { 0 };
	static const unsigned modes[] = { 3, 4, 4, 4, 5, 3, 0, 1, 2, 6, 7 };
	unsigned mode = pc(s, 80) ? modes[rn(s, 6)] : modes[rn(s, sizeof(modes) / sizeof(modes[0]))];
	bool fresh;
	uint64_t root = pc(s, 90) ? slot(c) : ptr(c, &fresh);

	w[0] = (pc(s, 96) ? 1 : 0) | (pc(s, 94) ? 2 : 0) | (uint64_t)mode << 9 | (root & A_ADDR) |
	       (pc(s, 90) ? BIT(61) : 0) | (pc(s, 85) ? BIT(62) : 0);
	w[1] = rn(s, 4) | (pc(s, 50) ? rn(s, 0x10000) : 0);       /* DomainID: often shared */
	if (pc(s, 4))
		w[1] |= BIT(33); /* SE */
	if (pc(s, 4))
		w[1] |= BIT(34); /* SA */
	if (pc(s, 10))
		w[1] |= BIT(39); /* EX */
	if (pc(s, 4))
		w[0] |= BIT(2 + rn(s, 5)); /* reserved [6:2] */
	if (pc(s, 2))
		w[0] |= BIT(63);
	mutate(c, w, 4, 3);
	write_words(c, pa, w, 4);
	c->dmap[d][0] = c->nmaps;
	mode = (unsigned)(w[0] >> 9 & 7);
	root = w[0] & A_ADDR;
	if (mode >= 1 && mode <= 6 && root >= c->ram && root < c->ram_end)
		amd_tables(c, root, mode, 1 + (unsigned)rn(s, 6));
	c->dmap[d][1] = c->nmaps;
}

int dfz_amdvi_run(struct dfz_src *src, unsigned accesses, struct dfz_stats *st, char *msg, size_t msglen)
{
	static const char *const opts[] = { "devs=4", "ram=64M" };
	struct ctx c = { .src = src, .st = st, .msg = msg, .msglen = msglen };
	struct dfz_src *s = src;
	struct agen g = { 0 };
	bool fresh;

	msg[0] = '\0';
	if (sim_ready(&c, "sim:amd", opts, 2, 0xfed80000, 0))
		return -1;
	st->configs++;
	ag = &g;
	/* the command buffer and the event log: outside the slots structures
	 * are placed and aliased in, so no DTE or table is ever a log entry
	 * (the IOMMU's cached copy would then differ from memory) */
	g.cmd = c.slot_end;
	g.evt = c.slot_end + 0x10000;
	reg64(&c, A_CMDBASE, g.cmd | (uint64_t)A_LOG2 << 56);
	reg64(&c, A_EVTBASE, g.evt | (uint64_t)A_LOG2 << 56);
	/* the device table: in RAM mostly, one to a few pages */
	uint64_t dt = pc(s, 95) ? slot(&c) : ptr(&c, &fresh);
	unsigned size = pc(s, 80) ? 0 : (unsigned)rn(s, 16);
	reg64(&c, A_DEVTAB, (dt & A_ADDR) | size);
	for (unsigned d = 0; d < c.ndevs; d++) {
		uint64_t pa = (dt & A_ADDR) + (uint64_t)((d + 1) << 3) * 32;
		if (pa >= c.ram && pa + 32 <= c.ram_end && !rd64(&c, pa))
			amd_dte(&c, pa, d);
	}
	if (pc(s, 10)) {
		/* the exclusion range: ExEn, sometimes Allow (everyone) */
		uint64_t lo = (pc(s, 50) ? c.data : rn(s, BIT(32))) & A_ADDR;
		reg64(&c, A_EXCLBASE, lo | 1 | (pc(s, 30) ? 2 : 0));
		reg64(&c, A_EXCLLIM, (lo + rn(s, 0x100000)) & A_ADDR);
	}
	reg64(&c, A_CONTROL, (pc(s, 96) ? 1 : 0) | BIT(2) | BIT(12)); /* IommuEn, EventLogEn, CmdBufEn */

	unsigned last = ~0u;
	for (unsigned i = 0; i < accesses && !c.failed; i++) {
		unsigned d = (unsigned)rn(s, c.ndevs);
		uint64_t iova = pick_iova(&c, d);
		unsigned acc = pc(s, 50) ? SMMU_PROT_R : pc(s, 70) ? SMMU_PROT_W : SMMU_PROT_R | SMMU_PROT_X;
		if (pc(s, 30))
			acc |= SMMU_PROT_PRIV;
		/* another device: its DTE may share a DomainID (and so cached
		 * translations) with tables that differ; the tables themselves
		 * never change (access_one puts back what a DMA wrote) */
		if (d != last)
			amd_inv_dev(&c, (dt & A_ADDR) + (uint64_t)((d + 1) << 3) * 32, (uint16_t)((d + 1) << 3));
		last = d;
		access_one(&c, amd_drain, d, (d + 1) << 3, false, 0, iova, acc);
	}
	smmu_target_close(c.t);
	return c.failed ? -1 : 0;
}

/* --- hand-built cases --------------------------------------------------------------- */

static void amd_inv_hook(struct ctx *c, unsigned dev)
{
	uint16_t devid = (uint16_t)((dev + 1) << 3);

	amd_inv_dev(c, c->ram + DFZ_AMD_DEVTAB + devid * 32ULL, devid);
}

int dfz_amdvi_machine(struct ctx *c, struct dfz_hooks *h)
{
	static const char *const opts[] = { "devs=4", "ram=64M" };
	static struct agen g;

	if (sim_ready(c, "sim:amd", opts, 2, 0xfed80000, 0))
		return -1;
	memset(&g, 0, sizeof(g));
	ag = &g;
	g.cmd = c->slot_end;
	g.evt = c->slot_end + 0x10000;
	reg64(c, A_CMDBASE, g.cmd | (uint64_t)A_LOG2 << 56);
	reg64(c, A_EVTBASE, g.evt | (uint64_t)A_LOG2 << 56);
	reg64(c, A_DEVTAB, c->ram + DFZ_AMD_DEVTAB);
	reg64(c, A_CONTROL, 1 | BIT(2) | BIT(12));
	h->drain = amd_drain;
	h->inv = amd_inv_hook;
	return 0;
}
