/* SPDX-License-Identifier: MIT */
/*
 * The sim:virt SMMUv3 model, driven the way a driver would: registers through
 * MMIO, tables written into RAM, DMA started through the test devices.  Every
 * structure is built here by hand with bit positions taken from the
 * specification (Arm IHI 0070, VMSAv8-64), independent of smmuv3.c, and every
 * expected event record is written from the specification's layout.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backends/sim/sim.h"

#define BIT(n)       (1ULL << (n))

/* Registers (IHI 0070 chapter 6). */
#define IDR0             0x00
#define IDR1             0x04
#define IDR5             0x14
#define CR0              0x20
#define CR0ACK           0x24
#define CR2              0x2c
#define GBPA             0x44
#define GERROR           0x60
#define GERRORN          0x64
#define STRTAB_BASE      0x80
#define STRTAB_BASE_CFG  0x88
#define CMDQ_BASE        0x90
#define CMDQ_PROD        0x98
#define CMDQ_CONS        0x9c
#define EVENTQ_BASE      0xa0
#define EVENTQ_PROD      0x100a8
#define EVENTQ_CONS      0x100ac

/* STE/CD Config values and a few fields. */
#define CFG_ABORT   0
#define CFG_BYPASS  4
#define CFG_S1      5
#define CFG_S2      6
#define CFG_NESTED  7

/* Stage 1 leaf: AF (bit 10), AP[2:1] at bits 7:6, nG bit 11, PXN 53, UXN 54. */
#define S1_AF        BIT(10)
#define S1_AP_EL0    BIT(6)   /* AP[1]: EL0 access */
#define S1_AP_RO     BIT(7)   /* AP[2]: read-only */
#define S1_UXN       BIT(54)
#define S1_RW_ALL    (S1_AF | S1_AP_EL0 | (3ULL << 8))
/* Stage 2 leaf: S2AP[1:0] at bits 7:6 (bit 6 read, bit 7 write), XN bit 54. */
#define S2_R         BIT(6)
#define S2_W         BIT(7)
#define S2_RW_ALL    (BIT(10) | S2_R | S2_W | (3ULL << 8))

#define EVTQ_LOG2    5
#define CMDQ_LOG2    5

struct tb {
	struct sim_machine *m;
	struct sim_layout l;
	uint64_t smmu, next;
	uint64_t strtab, cmdq, evtq;
	uint32_t cmd_prod;
};

static struct tb T;

/* --- plumbing ------------------------------------------------------------- */

static uint64_t alloc(uint64_t size, uint64_t align)
{
	uint64_t a = (T.next + align - 1) & ~(align - 1);

	T.next = a + size;
	ck_assert_uint_le(T.next, T.l.ram_base + T.l.ram_size);
	return a;
}

static void w32(uint64_t off, uint32_t v)
{
	ck_assert_int_eq(sim_mmio_write(T.m, T.smmu + off, 4, v), 0);
}

static uint32_t r32(uint64_t off)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(T.m, T.smmu + off, 4, &v), 0);
	return (uint32_t)v;
}

static void w64(uint64_t off, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(T.m, T.smmu + off, 8, v), 0);
}

static void wr64(uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(sim_mem_write(T.m, pa, &v, 8), 0);
}

static uint64_t rd64(uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(sim_mem_read(T.m, pa, &v, 8), 0);
	return v;
}

static void setup_machine_with(const char *name, const char *value)
{
	struct sim_params p;

	sim_params_default(&p, SIM_VIRT);
	if (name)
		ck_assert_int_eq(sim_params_set(&p, name, value), 0);
	ck_assert_int_eq(sim_machine_create(&p, &T.m), 0);
	sim_machine_layout(T.m, &T.l);
	T.smmu = T.l.iommu_base;
	T.next = T.l.ram_base + (16 << 20);
	T.cmd_prod = 0;
}

static void setup_machine(const char *evtq)
{
	setup_machine_with(evtq ? "evtq" : NULL, evtq);
}

static void setup(void)
{
	setup_machine(NULL);
}

static void teardown(void)
{
	sim_machine_destroy(T.m);
	T.m = NULL;
}

/* --- command queue ------------------------------------------------------- */

static void cmd_put(uint64_t d0, uint64_t d1)
{
	uint32_t n = BIT(CMDQ_LOG2), idx = T.cmd_prod & (n - 1);

	wr64(T.cmdq + idx * 16, d0);
	wr64(T.cmdq + idx * 16 + 8, d1);
	T.cmd_prod = (T.cmd_prod + 1) & (2 * n - 1);
	w32(CMDQ_PROD, T.cmd_prod);
}

/* Issue a command followed by CMD_SYNC; both must be consumed. */
static void cmd(uint64_t d0, uint64_t d1)
{
	cmd_put(d0, d1);
	cmd_put(0x46, 0);
	ck_assert_uint_eq(r32(CMDQ_CONS) & 0xfffff, T.cmd_prod);
}

#define CMD_CFGI_STE(sid)         cmd(0x03 | (uint64_t)(sid) << 32, 1)
#define CMD_CFGI_ALL()            cmd(0x04, 31)
#define CMD_TLBI_NH_VA(asid, va)  cmd(0x12 | (uint64_t)(asid) << 48, ((va) & ~0xfffULL) | 1)
#define CMD_TLBI_NSNH_ALL()       cmd(0x30, 0)

/* --- SMMU bring-up --------------------------------------------------------- */

/* Linear stream table of 2^log2 STEs, queues, then enable. */
static void smmu_on(unsigned log2)
{
	T.strtab = alloc(64ULL << log2, 64ULL << log2);
	T.cmdq = alloc(16 << CMDQ_LOG2, 16 << CMDQ_LOG2);
	T.evtq = alloc(32 << EVTQ_LOG2, 32 << EVTQ_LOG2);
	w64(STRTAB_BASE, T.strtab);
	w32(STRTAB_BASE_CFG, log2);           /* FMT 0 (linear), LOG2SIZE */
	w64(CMDQ_BASE, T.cmdq | CMDQ_LOG2);
	w32(CMDQ_PROD, 0);
	w32(CMDQ_CONS, 0);
	w64(EVENTQ_BASE, T.evtq | EVTQ_LOG2);
	w32(EVENTQ_PROD, 0);
	w32(EVENTQ_CONS, 0);
	w32(CR0, 0xc);                        /* CMDQEN | EVENTQEN */
	ck_assert_uint_eq(r32(CR0ACK), 0xc);
	CMD_CFGI_ALL();
	CMD_TLBI_NSNH_ALL();
	w32(CR0, 0xd);                        /* + SMMUEN */
	ck_assert_uint_eq(r32(CR0ACK), 0xd);
}

static void ste_write(uint32_t sid, uint64_t d0, uint64_t d1, uint64_t d2, uint64_t d3)
{
	uint64_t a = T.strtab + sid * 64ULL;

	wr64(a, d0);
	wr64(a + 8, d1);
	wr64(a + 16, d2);
	wr64(a + 24, d3);
}

/* STE.dword0: V, Config[3:1], S1Fmt[5:4], S1ContextPtr[51:6], S1CDMax[63:59]. */
static uint64_t ste0(unsigned config, uint64_t cdptr, unsigned fmt, unsigned cdmax)
{
	return 1 | (uint64_t)config << 1 | (uint64_t)fmt << 4 | cdptr | (uint64_t)cdmax << 59;
}

/* STE.dword2: S2VMID[15:0], S2T0SZ[37:32], S2SL0[39:38], S2TG[47:46] (0 4K,
 * 1 64K, 2 16K), S2PS[50:48], S2AA64[51], S2R[58]. */
static uint64_t ste2(unsigned vmid, unsigned t0sz, unsigned sl0, unsigned tg)
{
	return vmid | (uint64_t)t0sz << 32 | (uint64_t)sl0 << 38 | (uint64_t)tg << 46 |
	       5ULL << 48 | BIT(51) | BIT(58);
}

/* CD.dword0: T0SZ[5:0], TG0[7:6] (0 4K, 1 64K, 2 16K), EPD1[30], V[31],
 * IPS[34:32], AA64[41], R[45], A[46], ASID[63:48]. */
static uint64_t cd0(unsigned t0sz, unsigned tg0, unsigned ips, unsigned asid)
{
	return t0sz | (uint64_t)tg0 << 6 | BIT(30) | BIT(31) | (uint64_t)ips << 32 |
	       BIT(41) | BIT(45) | BIT(46) | (uint64_t)asid << 48;
}

static uint64_t cd_write(uint64_t at, uint64_t d0, uint64_t ttb0)
{
	wr64(at, d0);
	wr64(at + 8, ttb0);
	wr64(at + 16, 0);
	wr64(at + 24, 0xff); /* MAIR: Attr0 normal WB */
	return at;
}

/* --- page tables (VMSAv8-64, built by the test) ----------------------------
 * Level shift = g + (g - 3) * (3 - level); the start level resolves the bits
 * left over.  `off` is added to every table pointer written (an IPA when the
 * tables are walked through stage 2). */
struct pt {
	unsigned g, ia, sl;
	uint64_t root, off;
};

static unsigned shift(unsigned g, unsigned l)
{
	return g + (g - 3) * (3 - l);
}

static void pt_new(struct pt *p, unsigned g, unsigned ia, unsigned sl, uint64_t off)
{
	uint64_t size = 8ULL << (ia - shift(g, sl));

	p->g = g;
	p->ia = ia;
	p->sl = sl;
	p->off = off;
	p->root = alloc(size < 64 ? 64 : size, size < 4096 ? 4096 : size);
}

/* Stage 1 start level from the input size: 4 - ceil((ia - g) / (g - 3)). */
static unsigned s1_start(unsigned g, unsigned ia)
{
	return 4 - (ia - g + g - 4) / (g - 3);
}

static uint64_t *pt_slot(struct pt *p, uint64_t va, unsigned leaf, uint64_t *addr)
{
	uint64_t table = p->root;

	for (unsigned l = p->sl;; l++) {
		unsigned sh = shift(p->g, l);
		unsigned bits = l == p->sl ? p->ia - sh : p->g - 3;
		uint64_t da = table + ((va >> sh) & (BIT(bits) - 1)) * 8, d;

		if (l == leaf) {
			*addr = da;
			return NULL;
		}
		d = rd64(da);
		if (!(d & 1)) {
			uint64_t t = alloc(BIT(p->g), BIT(p->g));

			d = (t + p->off) | 3;
			wr64(da, d);
		}
		table = (d & ~0xfffULL & ((1ULL << 48) - 1)) - p->off;
		table &= ~(BIT(p->g) - 1);
	}
}

/* Map va -> oa at `leaf` level (3: page, else block). */
static uint64_t pt_map(struct pt *p, uint64_t va, uint64_t oa, uint64_t attrs, unsigned leaf)
{
	uint64_t da;

	pt_slot(p, va, leaf, &da);
	wr64(da, oa | attrs | (leaf == 3 ? 3 : 1));
	return da;
}

/* --- devices ----------------------------------------------------------------- */

static uint64_t dev_base(int dev)
{
	uint32_t bar;

	if (dev < 0)
		return T.l.platdev_base;
	ck_assert_int_eq(sim_pci_cfg_read(T.m, (uint16_t)((dev + 1) << 3), 0x10, 4, &bar), 0);
	return bar & ~0xfu;
}

static void dev_enable(int dev)
{
	ck_assert_int_eq(sim_pci_cfg_write(T.m, (uint16_t)((dev + 1) << 3), 4, 2, 0x6), 0);
}

static void dw(int dev, uint64_t off, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(T.m, dev_base(dev) + off, 8, v), 0);
}

static uint64_t dr(int dev, uint64_t off)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(T.m, dev_base(dev) + off, 8, &v), 0);
	return v;
}

/* One DMA: RAM -> buffer (read) or buffer -> RAM (write).  ssid < 0: none.
 * Returns the DMA status register. */
static uint64_t dma(int dev, uint64_t iova, uint32_t len, bool to_ram, long ssid)
{
	dw(dev, 0x100, ssid < 0 ? 0 : (BIT(31) | (uint64_t)ssid));
	dw(dev, 0x80, to_ram ? 0x40000 : iova);
	dw(dev, 0x88, to_ram ? iova : 0x40000);
	dw(dev, 0x90, len);
	dw(dev, 0x98, 1 | (to_ram ? 2 : 0));
	ck_assert_uint_eq(dr(dev, 0x98) & 1, 0);
	return dr(dev, 0x108);
}

/* Pattern in RAM at pa_in, read through iova_in, written back through
 * iova_out, must land at pa_out. */
static void roundtrip(int dev, uint64_t iova_in, uint64_t pa_in, uint64_t iova_out,
		      uint64_t pa_out, long ssid)
{
	uint8_t pat[256], got[256];

	for (int i = 0; i < 256; i++)
		pat[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(sim_mem_write(T.m, pa_in, pat, sizeof(pat)), 0);
	ck_assert_uint_eq(dma(dev, iova_in, sizeof(pat), false, ssid), 1);
	ck_assert_uint_eq(dr(dev, 0x40000), ((uint64_t *)pat)[0]);
	ck_assert_uint_eq(dma(dev, iova_out, sizeof(pat), true, ssid), 1);
	ck_assert_int_eq(sim_mem_read(T.m, pa_out, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pat, sizeof(pat));
}

/* --- events --------------------------------------------------------------- */

static bool evt_pop(uint64_t ev[4])
{
	uint32_t prod = r32(EVENTQ_PROD), cons = r32(EVENTQ_CONS);
	uint32_t mask = (2u << EVTQ_LOG2) - 1;

	if (((prod ^ cons) & mask) == 0)
		return false;
	for (int i = 0; i < 4; i++)
		ev[i] = rd64(T.evtq + (cons & (BIT(EVTQ_LOG2) - 1)) * 32 + 8 * i);
	w32(EVENTQ_CONS, (cons & ~mask) | ((cons + 1) & mask));
	return true;
}

#define expect_evt(a, b, c, d) expect_evt_at(__LINE__, a, b, c, d)
static void expect_evt_at(int line, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t ev[4];

	ck_assert_msg(evt_pop(ev), "line %d: no event", line);
	ck_assert_msg(ev[0] == a && ev[1] == b && ev[2] == c && ev[3] == d,
		      "line %d: event %016llx %016llx %016llx %016llx, want %016llx %016llx %016llx %016llx",
		      line, (unsigned long long)ev[0], (unsigned long long)ev[1],
		      (unsigned long long)ev[2], (unsigned long long)ev[3],
		      (unsigned long long)a, (unsigned long long)b,
		      (unsigned long long)c, (unsigned long long)d);
}

static void expect_no_evt(void)
{
	uint64_t ev[4];

	ck_assert_msg(!evt_pop(ev), "unexpected event %016llx", (unsigned long long)ev[0]);
}

/* Event dword0: EventID[7:0], SSV[11], SubstreamID[31:12], StreamID[63:32];
 * dword1: PnU[33], InD[34], RnW[35], S2[39], CLASS[41:40], TTRnW[44]. */
#define EV0(id, sid)          ((uint64_t)(id) | (uint64_t)(sid) << 32)
#define EV0S(id, sid, ssid)   (EV0(id, sid) | BIT(11) | (uint64_t)(ssid) << 12)
#define RNW                   BIT(35)
#define IND                   BIT(34)
#define PNU                   BIT(33)
#define S2                    BIT(39)
#define CLASS(c)              ((uint64_t)(c) << 40)
#define CL_CD 0
#define CL_TT 1
#define CL_IN 2

#define SID0 0x08 /* 00:01.0 */
#define SID1 0x10 /* 00:02.0 */

/* A stage-1 stream (4K granule, 39-bit VA) for SID0 with one CD; returns the
 * page table. */
static struct pt s1_stream(uint32_t sid, unsigned asid)
{
	struct pt p;
	uint64_t cd = alloc(64, 64);

	pt_new(&p, 12, 39, s1_start(12, 39), 0);
	cd_write(cd, cd0(25, 0, 5, asid), p.root);
	ste_write(sid, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	return p;
}

/* --- tests ------------------------------------------------------------------ */

START_TEST(test_id_registers)
{
	uint32_t idr0 = r32(IDR0), idr1 = r32(IDR1), idr5 = r32(IDR5);

	ck_assert_uint_eq(idr0 & 3, 3);              /* S1P, S2P */
	ck_assert_uint_eq((idr0 >> 2) & 3, 2);       /* TTF: AArch64 */
	ck_assert_uint_eq((idr0 >> 27) & 3, 1);      /* ST_LEVEL: 2-level */
	ck_assert_uint_eq((idr0 >> 19) & 1, 1);      /* CD2L */
	ck_assert_uint_eq((idr0 >> 12) & 1, 1);      /* ASID16 */
	ck_assert_uint_eq((idr0 >> 18) & 1, 1);      /* VMID16 */
	ck_assert_uint_eq(idr1 & 0x3f, 16);          /* SIDSIZE */
	ck_assert_uint_gt((idr1 >> 6) & 0x1f, 0);    /* SSIDSIZE */
	ck_assert_uint_eq(idr5 & 7, 5);              /* OAS 48 bits */
	ck_assert_uint_eq((idr5 >> 4) & 7, 7);       /* 4K, 16K, 64K */
	ck_assert_uint_eq(r32(CR0ACK), 0);
	/* Page 1 EVENTQ_PROD/CONS alias the page 0 ones. */
	w32(EVENTQ_CONS, 3);
	ck_assert_uint_eq(r32(0xac), 3);
}
END_TEST

START_TEST(test_gbpa)
{
	uint64_t pa = T.l.ram_base + (32 << 20);

	dev_enable(0);
	/* SMMU disabled, GBPA.ABORT = 0: DMA bypasses, address = IOVA. */
	roundtrip(0, pa, pa, pa + 0x1000, pa + 0x1000, -1);
	/* Without Update the write is ignored. */
	w32(GBPA, BIT(20));
	ck_assert_uint_eq(r32(GBPA) & BIT(20), 0);
	roundtrip(0, pa, pa, pa + 0x2000, pa + 0x2000, -1);
	/* With Update: abort everything; Update reads back 0 once done. */
	w32(GBPA, BIT(31) | BIT(20));
	ck_assert_uint_eq(r32(GBPA), BIT(20));
	ck_assert_uint_eq(dma(0, pa, 64, false, -1), 3);
	/* Nothing is recorded while the SMMU is disabled. */
	smmu_on(8);
	w32(CR0, 0xc);
	ck_assert_uint_eq(dma(0, pa, 64, false, -1), 3);
	expect_no_evt();
	w32(GBPA, BIT(31));
	ck_assert_uint_eq(dma(0, pa, 64, false, -1), 1);
}
END_TEST

START_TEST(test_bypass_and_abort_ste)
{
	uint64_t pa = T.l.ram_base + (32 << 20);

	smmu_on(8);
	dev_enable(0);
	dev_enable(1);
	ste_write(SID0, ste0(CFG_BYPASS, 0, 0, 0), 0, 0, 0);
	roundtrip(0, pa, pa, pa + 0x1000, pa + 0x1000, -1);
	/* A SubstreamID with stage 1 bypassed: C_BAD_SUBSTREAMID (no SSV field). */
	ck_assert_uint_eq(dma(0, pa, 16, false, 5), 3);
	expect_evt(0x08 | 5ULL << 12 | (uint64_t)SID0 << 32, 0, 0, 0);
	/* Config abort: terminated silently. */
	ste_write(SID1, ste0(CFG_ABORT, 0, 0, 0), 0, 0, 0);
	ck_assert_uint_eq(dma(1, pa, 16, false, -1), 3);
	/* Bypass: an address above the 48-bit IAS is an address size fault. */
	ck_assert_uint_eq(dma(0, BIT(50), 16, true, -1), 3);
	expect_evt(EV0(0x11, SID0), CLASS(CL_IN), BIT(50), 0);
	expect_no_evt();
}
END_TEST

/* Granule loop: 0 4K, 1 16K, 2 64K. */
static const unsigned gshift[3] = { 12, 14, 16 };
static const unsigned tg0enc[3] = { 0, 2, 1 };  /* CD.TG0 */
static const unsigned s2tgenc[3] = { 0, 2, 1 }; /* STE.S2TG */

START_TEST(test_s1_roundtrip)
{
	unsigned g = gshift[_i], ia = _i == 2 ? 42 : 39;
	uint64_t gs = BIT(g), in = alloc(gs, gs), out = alloc(gs, gs), cd = alloc(64, 64);
	uint64_t va_in = 0x12340000ULL << (g - 12), va_out = va_in + 5 * gs;
	struct pt p;

	smmu_on(8);
	dev_enable(0);
	pt_new(&p, g, ia, s1_start(g, ia), 0);
	pt_map(&p, va_in, in, S1_RW_ALL, 3);
	pt_map(&p, va_out, out, S1_RW_ALL, 3);
	cd_write(cd, cd0(64 - ia, tg0enc[_i], 5, 7), p.root);
	ste_write(SID0, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	roundtrip(0, va_in + 0x100, in + 0x100, va_out + 0x80, out + 0x80, -1);
	expect_no_evt();
	/* A block at level 2 maps 2M/32M/512M. */
	{
		uint64_t bs = BIT(shift(g, 2)), va = 3 * bs;
		uint64_t blk = T.l.ram_base + T.l.ram_size / 2;

		pt_map(&p, va, blk, S1_RW_ALL, 2);
		roundtrip(0, va + bs / 4 + 0x10, blk + bs / 4 + 0x10,
			  va + bs / 2, blk + bs / 2, -1);
	}
}
END_TEST

/* Stage 2 only, with concatenated start-level tables:
 * 4K: 40-bit IPA from level 1 (10 bits: 2 tables), 16K: 39-bit from level 2
 * (14 bits: 8 tables), 64K: 44-bit from level 2 (15 bits: 4 tables). */
START_TEST(test_s2_roundtrip)
{
	static const unsigned ia[3] = { 40, 39, 44 }, sl0[3] = { 1, 1, 1 }, sl[3] = { 1, 2, 2 };
	unsigned g = gshift[_i];
	uint64_t gs = BIT(g), in = alloc(gs, gs), out = alloc(gs, gs);
	uint64_t ipa_in = BIT(ia[_i] - 1) + 9 * gs, ipa_out = 0x10 * gs;
	struct pt p;

	smmu_on(8);
	dev_enable(1);
	pt_new(&p, g, ia[_i], sl[_i], 0);
	pt_map(&p, ipa_in, in, S2_RW_ALL, 3);
	pt_map(&p, ipa_out, out, S2_RW_ALL, 3);
	ste_write(SID1, ste0(CFG_S2, 0, 0, 0), 0, ste2(3, 64 - ia[_i], sl0[_i], s2tgenc[_i]), p.root);
	roundtrip(1, ipa_in + 0x40, in + 0x40, ipa_out, out, -1);
	/* Beyond S2T0SZ: a stage 2 translation fault with the IPA. */
	ck_assert_uint_eq(dma(1, BIT(ia[_i]) + 0x1230, 8, false, -1), 3);
	expect_evt(EV0(0x10, SID1), RNW | S2 | CLASS(CL_IN), BIT(ia[_i]) + 0x1230,
		   BIT(ia[_i]) + 0x1000);
	/* Unmapped page at stage 2, write. */
	ck_assert_uint_eq(dma(1, ipa_out + gs, 8, true, -1), 3);
	expect_evt(EV0(0x10, SID1), S2 | CLASS(CL_IN), ipa_out + gs, ipa_out + gs);
	expect_no_evt();
}
END_TEST

/* Nested: stage 2 maps IPA = PA - RAM + 4 GiB with level-2 blocks; CD, stage 1
 * tables and buffers are all IPAs. */
START_TEST(test_nested_roundtrip)
{
	static const unsigned s2sl0[3] = { 1, 2, 1 }, s2sl[3] = { 1, 1, 2 };
	unsigned g = gshift[_i], ia = _i == 2 ? 42 : 39;
	uint64_t gs = BIT(g), off = BIT(32) - T.l.ram_base;
	struct pt s2, s1;
	uint64_t in, out, cd, bs;

	smmu_on(8);
	dev_enable(0);
	pt_new(&s2, g, 40, s2sl[_i], 0);
	bs = BIT(shift(g, 2));
	for (uint64_t pa = T.l.ram_base; pa < T.l.ram_base + T.l.ram_size; pa += bs)
		pt_map(&s2, pa + off, pa, S2_RW_ALL, 2);
	pt_new(&s1, g, ia, s1_start(g, ia), off);
	in = alloc(gs, gs);
	out = alloc(gs, gs);
	cd = alloc(64, 64);
	pt_map(&s1, 0x40000000, in + off, S1_RW_ALL, 3);
	pt_map(&s1, 0x40000000 + 2 * gs, out + off, S1_RW_ALL, 3);
	cd_write(cd, cd0(64 - ia, tg0enc[_i], 5, 9), s1.root + off);
	ste_write(SID0, ste0(CFG_NESTED, cd + off, 0, 0), 0, ste2(4, 24, s2sl0[_i], s2tgenc[_i]),
		  s2.root);
	roundtrip(0, 0x40000000 + 8, in + 8, 0x40000000 + 2 * gs, out, -1);
	expect_no_evt();
	/* Stage 1 output outside stage 2: stage 2 fault, CLASS IN, IPA given. */
	pt_map(&s1, 0x50000000, BIT(39) + 0x50000, S1_RW_ALL, 3);
	ck_assert_uint_eq(dma(0, 0x50000000 + 0x24, 4, false, -1), 3);
	expect_evt(EV0(0x10, SID0), RNW | S2 | CLASS(CL_IN), 0x50000024, BIT(39) + 0x50000);
	/* Stage 2 read-only block under a written page: S2 permission fault. */
	pt_map(&s2, (out & ~(bs - 1)) + off, out & ~(bs - 1), BIT(10) | S2_R, 2);
	CMD_TLBI_NSNH_ALL();
	ck_assert_uint_eq(dma(0, 0x40000000 + 2 * gs, 4, true, -1), 3);
	expect_evt(EV0(0x13, SID0), S2 | CLASS(CL_IN), 0x40000000 + 2 * gs, out + off);
	expect_no_evt();
}
END_TEST

/* A stage 1 table outside stage 2's map: stage 2 fault while walking (CLASS
 * TT, IPA of the descriptor); a CD outside it: CLASS CD. */
START_TEST(test_nested_walk_faults)
{
	struct pt s2, s1;
	uint64_t cd = alloc(64, 64), ttb_ipa = BIT(38);

	smmu_on(8);
	dev_enable(0);
	pt_new(&s2, 12, 40, 1, 0);
	pt_map(&s2, 0x1000000 + (cd & 0xfff), cd & ~0xfffULL, S2_RW_ALL, 3);
	pt_new(&s1, 12, 39, 1, 0);
	cd_write(cd, cd0(25, 0, 5, 1), ttb_ipa);
	ste_write(SID0, ste0(CFG_NESTED, 0x1000000 + (cd & 0xfff), 0, 0), 0, ste2(1, 24, 1, 0),
		  s2.root);
	ck_assert_uint_eq(dma(0, 0x3000, 4, false, -1), 3);
	/* Level-1 descriptor of VA 0x3000 sits at TTB + 0. */
	expect_evt(EV0(0x10, SID0), RNW | S2 | CLASS(CL_TT), 0x3000, ttb_ipa);
	ste_write(SID0, ste0(CFG_NESTED, 0x2000000, 0, 0), 0, ste2(1, 24, 1, 0), s2.root);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x3000, 4, true, -1), 3);
	expect_evt(EV0(0x10, SID0), S2 | CLASS(CL_CD), 0x3000, 0x2000000);
	expect_no_evt();
}
END_TEST

/* 2-level stream table, the platform device's own StreamID, and a 2-level CD
 * table with SubstreamIDs. */
START_TEST(test_two_level_tables)
{
	uint64_t l1 = alloc(8 << 4, 64), l2 = alloc(64 << 8, 64 << 8);
	uint64_t cdl1 = alloc(8 * 4, 64), cdl2 = alloc(4096, 4096);
	uint64_t buf = alloc(4096, 4096), buf2 = alloc(4096, 4096);
	uint32_t sid = T.l.platdev_sid;
	struct pt p, q;

	smmu_on(8);
	/* Switch to a 2-level table: LOG2SIZE 12, SPLIT 8, FMT 1. */
	w32(CR0, 0xc);
	w64(STRTAB_BASE, l1);
	w32(STRTAB_BASE_CFG, 12 | 8 << 6 | 1 << 16);
	w32(CR0, 0xd);
	/* L1STD: Span[4:0] = 9 (256 STEs), L2Ptr[51:6]. */
	wr64(l1 + (sid >> 8) * 8, l2 | 9);
	pt_new(&p, 12, 39, 1, 0);
	pt_new(&q, 12, 39, 1, 0);
	/* nG: the two ASIDs' translations of 0x7000 must not alias. */
	pt_map(&p, 0x7000, buf, S1_RW_ALL | BIT(11), 3);
	pt_map(&q, 0x7000, buf2, S1_RW_ALL | BIT(11), 3);
	/* S1Fmt 1 (4K leaves of 64 CDs), S1CDMax 8; SSID 70 is L1 entry 1, CD 6;
	 * S1DSS = 0b10: no SubstreamID uses CD 0. */
	wr64(cdl1 + 8, cdl2 | 1);
	wr64(cdl1, cdl2 | 1);
	cd_write(cdl2 + 6 * 64, cd0(25, 0, 5, 70), p.root);
	cd_write(cdl2, cd0(25, 0, 5, 1), q.root);
	wr64(l2 + (sid & 0xff) * 64, ste0(CFG_S1, cdl1, 1, 8));
	wr64(l2 + (sid & 0xff) * 64 + 8, 2);
	roundtrip(-1, 0x7000, buf, 0x7100, buf + 0x100, 70);
	roundtrip(-1, 0x7000, buf2, 0x7200, buf2 + 0x200, -1);
	/* SubstreamID 0 with S1DSS 0b10: F_STREAM_DISABLED (StreamID only). */
	ck_assert_uint_eq(dma(-1, 0x7000, 4, false, 0), 3);
	expect_evt(EV0(0x06, sid), 0, 0, 0);
	/* SubstreamID beyond S1CDMax. */
	ck_assert_uint_eq(dma(-1, 0x7000, 4, false, 256), 3);
	expect_evt(0x08 | 256ULL << 12 | (uint64_t)sid << 32, 0, 0, 0);
	/* S1DSS 0b00: traffic without a SubstreamID is F_STREAM_DISABLED;
	 * 0b01: it bypasses stage 1. */
	wr64(l2 + (sid & 0xff) * 64 + 8, 0);
	cmd(0x03 | (uint64_t)sid << 32, 1);
	ck_assert_uint_eq(dma(-1, 0x7000, 4, false, -1), 3);
	expect_evt(EV0(0x06, sid), 0, 0, 0);
	wr64(l2 + (sid & 0xff) * 64 + 8, 1);
	cmd(0x03 | (uint64_t)sid << 32, 1);
	roundtrip(-1, buf2, buf2, buf2 + 0x300, buf2 + 0x300, -1);
	/* L1CD not valid: C_BAD_SUBSTREAMID. */
	ck_assert_uint_eq(dma(-1, 0x7000, 4, false, 130), 3);
	expect_evt(0x08 | 130ULL << 12 | (uint64_t)sid << 32, 0, 0, 0);
	/* A StreamID beyond its L2 table's span: C_BAD_STREAMID, recorded only
	 * with CR2.RECINVSID (IHI 0070 7.3.2, like an out-of-range StreamID). */
	wr64(l1 + 0, l2 | 2);   /* Span 2: two STEs */
	ck_assert_uint_eq(dma(1, 0x7000, 4, false, -1), 3);
	expect_no_evt(); /* bus master off: nothing reached the SMMU */
	dev_enable(1);
	ck_assert_uint_eq(dma(1, 0x7000, 4, false, -1), 3);
	expect_no_evt(); /* RECINVSID = 0: terminated, not recorded */
	w32(CR0, 0xc);
	w32(CR2, 2);
	w32(CR0, 0xd);
	ck_assert_uint_eq(dma(1, 0x7000, 4, false, -1), 3);
	expect_evt(EV0(0x02, SID1), 0, 0, 0);
	expect_no_evt();
}
END_TEST

/* SPLIT and Span edge cases (IHI 0070 6.3.25, 5.1): a reserved SPLIT
 * behaves as 6; SPLIT >= LOG2SIZE gives one L1STD whose Span may reach
 * SPLIT + 1; L2Ptr[5 + Span - 1:0] are taken as zero.  STE.STRW is IGNORED
 * without IDR0.Hyp. */
START_TEST(test_split_and_span)
{
	uint64_t l1 = alloc(64, 64), l2 = alloc(64 << 10, 64 << 10);
	uint64_t cd = alloc(64, 64), buf = alloc(4096, 4096);
	struct pt p;

	smmu_on(8);
	dev_enable(0);
	pt_new(&p, 12, 39, 1, 0);
	pt_map(&p, 0x7000, buf, S1_RW_ALL, 3);
	cd_write(cd, cd0(25, 0, 5, 1), p.root);
	/* SPLIT 8 >= LOG2SIZE 5: one L1STD; Span 9 = SPLIT + 1 is valid. */
	w32(CR0, 0xc);
	w64(STRTAB_BASE, l1);
	w32(STRTAB_BASE_CFG, 5 | 8 << 6 | 1 << 16);
	w32(CR2, 2);
	w32(CR0, 0xd);
	CMD_CFGI_ALL();
	wr64(l1, l2 | 9);
	/* STRW = 0b01 (EL2): IGNORED, since IDR0.Hyp is 0. */
	wr64(l2 + SID0 * 64, ste0(CFG_S1, cd, 0, 0));
	wr64(l2 + SID0 * 64 + 8, 1ULL << 30);
	roundtrip(0, 0x7000, buf, 0x7100, buf + 0x100, -1);
	expect_no_evt();
	/* L2Ptr bits below the array's size are ignored: Span 9 is 256 STEs. */
	wr64(l1, (l2 + 0x40) | 9);
	CMD_CFGI_ALL();
	roundtrip(0, 0x7000, buf, 0x7200, buf + 0x200, -1);
	/* Span 10 > SPLIT + 1: invalid. */
	wr64(l1, l2 | 10);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(0, 0x7000, 4, false, -1), 3);
	expect_evt(EV0(0x02, SID0), 0, 0, 0);
	/* A reserved SPLIT (7) behaves as 6: StreamID 8 is in L1STD 0 (Span 5 covers 16). */
	w32(CR0, 0xc);
	w32(STRTAB_BASE_CFG, 8 | 7 << 6 | 1 << 16);
	w32(CR0, 0xd);
	wr64(l1, l2 | 5);
	wr64(l1 + 8, 0);
	CMD_CFGI_ALL();
	roundtrip(0, 0x7000, buf, 0x7300, buf + 0x300, -1);
	/* ... and Span 8 = SPLIT(6) + 2 is out of bounds for it. */
	wr64(l1, l2 | 8);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(0, 0x7000, 4, false, -1), 3);
	expect_evt(EV0(0x02, SID0), 0, 0, 0);
	expect_no_evt();
}
END_TEST

START_TEST(test_config_events)
{
	uint64_t cd = alloc(64, 64);

	smmu_on(5); /* 32 StreamIDs */
	dev_enable(0);
	dev_enable(1);
	/* V == 0: C_BAD_STE. */
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x04, SID0), 0, 0, 0);
	/* StreamID out of range: recorded only with CR2.RECINVSID. */
	w32(CR0, 0xc);
	w32(STRTAB_BASE_CFG, 3);  /* 8 StreamIDs: SID 0x10 is out */
	w32(CR2, 0);
	w32(CR0, 0xd);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(1, 0x1000, 4, false, -1), 3);
	expect_no_evt();
	w32(CR0, 0xc);
	w32(CR2, 2);
	w32(CR0, 0xd);
	ck_assert_uint_eq(dma(1, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x02, SID1), 0, 0, 0);
	/* CD with V == 0: C_BAD_CD with the SubstreamID as presented. */
	w32(CR0, 0xc);
	w32(STRTAB_BASE_CFG, 5);
	w32(CR0, 0xd);
	wr64(cd, cd0(25, 0, 5, 1) & ~BIT(31));
	ste_write(SID0, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x0a, SID0), 0, 0, 0);
	/* CD.A == 0 is ILLEGAL with TERM_MODEL 1. */
	wr64(cd, cd0(25, 0, 5, 1) & ~BIT(46));
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x0a, SID0), 0, 0, 0);
	/* CD outside RAM: F_CD_FETCH with the fetch address. */
	ste_write(SID0, ste0(CFG_S1, 0x2000000, 0, 0), 0, 0, 0);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x09, SID0), 0, 0, 0x2000000);
	/* An ILLEGAL STE (stage 2 with S2AA64 = 0): C_BAD_STE. */
	ste_write(SID0, ste0(CFG_S2, 0, 0, 0), 0, ste2(1, 24, 1, 0) & ~BIT(51), 0x40000000);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x04, SID0), 0, 0, 0);
	/* Substreams disabled (S1CDMax 0) and a SubstreamID: C_BAD_SUBSTREAMID. */
	cd_write(cd, cd0(25, 0, 5, 1), alloc(4096, 4096));
	ste_write(SID0, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, 3), 3);
	expect_evt(0x08 | 3ULL << 12 | (uint64_t)SID0 << 32, 0, 0, 0);
	/* Stream table outside RAM: F_STE_FETCH with the STE's address. */
	w32(CR0, 0xc);
	w64(STRTAB_BASE, 0x1000000);
	w32(CR0, 0xd);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3);
	expect_evt(EV0(0x03, SID0), 0, 0, 0x1000000 + SID0 * 64);
	expect_no_evt();
}
END_TEST

START_TEST(test_translation_events)
{
	struct pt p;
	uint64_t buf = alloc(4096, 4096), cd;

	smmu_on(8);
	dev_enable(0);
	p = s1_stream(SID0, 1);
	/* Unmapped read: F_TRANSLATION, stage 1, CLASS IN, one per 4 KiB chunk. */
	ck_assert_uint_eq(dma(0, 0x5000ff0, 32, false, -1), 3);
	expect_evt(EV0(0x10, SID0), RNW | CLASS(CL_IN), 0x5000ff0, 0);
	expect_evt(EV0(0x10, SID0), RNW | CLASS(CL_IN), 0x5001000, 0);
	/* With a SubstreamID-less write and the privileged/instruction attributes. */
	dw(0, 0x118, 1);
	ck_assert_uint_eq(dma(0, 0x6000000, 8, true, -1), 3);
	expect_evt(EV0(0x10, SID0), PNU | CLASS(CL_IN), 0x6000000, 0);
	dw(0, 0x118, 3);
	ck_assert_uint_eq(dma(0, 0x6000000, 8, false, -1), 3);
	expect_evt(EV0(0x10, SID0), PNU | IND | RNW | CLASS(CL_IN), 0x6000000, 0);
	dw(0, 0x118, 0);
	/* Outside the 39-bit TTB0 range. */
	ck_assert_uint_eq(dma(0, BIT(40), 8, false, -1), 3);
	expect_evt(EV0(0x10, SID0), RNW | CLASS(CL_IN), BIT(40), 0);
	/* AF == 0: F_ACCESS. */
	pt_map(&p, 0x1000, buf, S1_RW_ALL & ~S1_AF, 3);
	ck_assert_uint_eq(dma(0, 0x1000, 8, false, -1), 3);
	expect_evt(EV0(0x12, SID0), RNW | CLASS(CL_IN), 0x1000, 0);
	/* Read-only: a write is F_PERMISSION. */
	pt_map(&p, 0x2000, buf, S1_RW_ALL | S1_AP_RO, 3);
	ck_assert_uint_eq(dma(0, 0x2000, 8, false, -1), 1);
	ck_assert_uint_eq(dma(0, 0x2008, 8, true, -1), 3);
	expect_evt(EV0(0x13, SID0), CLASS(CL_IN), 0x2008, 0);
	/* EL1-only page (AP[1] = 0): unprivileged read faults, privileged is fine. */
	pt_map(&p, 0x3000, buf, S1_AF, 3);
	ck_assert_uint_eq(dma(0, 0x3000, 8, false, -1), 3);
	expect_evt(EV0(0x13, SID0), RNW | CLASS(CL_IN), 0x3000, 0);
	dw(0, 0x118, 1);
	ck_assert_uint_eq(dma(0, 0x3000, 8, false, -1), 1);
	/* UXN: unprivileged instruction fetch faults with InD. */
	dw(0, 0x118, 2);
	pt_map(&p, 0x4000, buf, S1_RW_ALL | S1_UXN, 3);
	ck_assert_uint_eq(dma(0, 0x4000, 8, false, -1), 3);
	expect_evt(EV0(0x13, SID0), IND | RNW | CLASS(CL_IN), 0x4000, 0);
	dw(0, 0x118, 0);
	/* Output beyond IPS (32 bits): F_ADDR_SIZE. */
	pt_map(&p, 0x5000, BIT(33), S1_RW_ALL, 3);
	cd = alloc(64, 64);
	cd_write(cd, cd0(25, 0, 0, 2), p.root);
	ste_write(SID0, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x5000, 8, false, -1), 3);
	expect_evt(EV0(0x11, SID0), RNW | CLASS(CL_IN), 0x5000, 0);
	/* Table outside RAM: F_WALK_EABT, CLASS TT, with the descriptor address. */
	cd_write(cd, cd0(25, 0, 5, 3), 0x20000000);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x41000000, 8, true, -1), 3);
	expect_evt(EV0(0x0b, SID0), CLASS(CL_TT), 0x41000000, 0x20000000 + 1 * 8);
	/* CD.R == 0: translation faults are not recorded. */
	wr64(cd, cd0(25, 0, 5, 3) & ~BIT(45));
	wr64(cd + 8, p.root);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x9000000, 8, false, -1), 3);
	expect_no_evt();
}
END_TEST

START_TEST(test_overflow)
{
	uint32_t prod, cons;

	teardown();
	setup_machine("1"); /* IDR1.EVENTQS = 1: the queue holds 2 records */
	ck_assert_uint_eq((r32(IDR1) >> 16) & 0x1f, 1);
	smmu_on(8);
	dev_enable(0);
	s1_stream(SID0, 1);
	/* EVENTQ_BASE asked for 32 entries: the effective size is 2. */
	dw(0, 0x80, 0x7000000);
	dw(0, 0x110, 5);
	ck_assert_uint_eq(dr(0, 0x108), 3);
	prod = r32(EVENTQ_PROD);
	cons = r32(EVENTQ_CONS);
	ck_assert_uint_eq(prod & 3, 2);            /* wrapped once: full */
	ck_assert_uint_eq(prod >> 31, 1);          /* OVFLG toggled */
	ck_assert_uint_eq(cons >> 31, 0);
	for (int i = 0; i < 2; i++)
		ck_assert_uint_eq(rd64(T.evtq + i * 32), EV0(0x10, SID0));
	/* Consume both and acknowledge the overflow. */
	w32(EVENTQ_CONS, BIT(31) | 2);
	dw(0, 0x110, 1);
	prod = r32(EVENTQ_PROD);
	ck_assert_uint_eq(prod & 3, 3);
	ck_assert_uint_eq(prod >> 31, 1);          /* no new overflow */
	ck_assert_uint_eq(rd64(T.evtq + 32 * 0), EV0(0x10, SID0));
}
END_TEST

START_TEST(test_stale_until_invalidated)
{
	uint64_t a = alloc(4096, 4096), b = alloc(4096, 4096), cd;
	uint64_t pte, v;
	struct pt p;

	smmu_on(8);
	dev_enable(0);
	p = s1_stream(SID0, 5);
	wr64(a, 0xaaaa);
	wr64(b, 0xbbbb);
	/* nG: the entry belongs to ASID 5 only. */
	pte = pt_map(&p, 0x8000, a, S1_RW_ALL | BIT(11), 3);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	ck_assert_uint_eq(dr(0, 0x40000), 0xaaaa);
	/* Remap without invalidation: the TLB still has the old page. */
	wr64(pte, b | S1_RW_ALL | BIT(11) | 3);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	ck_assert_uint_eq(dr(0, 0x40000), 0xaaaa);
	/* Invalidation of another ASID does not help; the right one does. */
	CMD_TLBI_NH_VA(4, 0x8000);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	ck_assert_uint_eq(dr(0, 0x40000), 0xaaaa);
	CMD_TLBI_NH_VA(5, 0x8000);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	ck_assert_uint_eq(dr(0, 0x40000), 0xbbbb);
	/* Unmap without invalidation: still translates. */
	wr64(pte, 0);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	/* STE to abort without CFGI_STE: the cached STE still translates. */
	cd = T.strtab + SID0 * 64;
	v = rd64(cd);
	wr64(cd, (v & ~0xeULL) | CFG_ABORT << 1);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 1);
	CMD_CFGI_STE(SID0);
	ck_assert_uint_eq(dma(0, 0x8000, 8, false, -1), 3);
	expect_no_evt(); /* abort config: silent */
}
END_TEST

START_TEST(test_cmdq_errors)
{
	uint32_t cons;

	smmu_on(8);
	/* An unknown opcode: CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR, CONS on it. */
	cmd_put(0x7f, 0);
	cmd_put(0x46, 0);
	cons = r32(CMDQ_CONS);
	ck_assert_uint_eq((cons >> 24) & 0x7f, 1);
	ck_assert_uint_eq(cons & 0xfffff, T.cmd_prod - 2);
	ck_assert_uint_eq((r32(GERROR) ^ r32(GERRORN)) & 1, 1);
	/* Queue stopped: more PROD writes consume nothing. */
	w32(CMDQ_PROD, T.cmd_prod);
	ck_assert_uint_eq(r32(CMDQ_CONS) & 0xfffff, T.cmd_prod - 2);
	/* Fix the command (make it a CMD_SYNC), acknowledge: processing resumes. */
	wr64(T.cmdq + (T.cmd_prod - 2) * 16, 0x46);
	w32(GERRORN, r32(GERROR));
	ck_assert_uint_eq(r32(CMDQ_CONS) & 0xfffff, T.cmd_prod);
	/* STALL_MODEL 0b01 (no stalls): CMD_RESUME and CMD_STALL_TERM are
	 * ILLEGAL (IHI 0070 4.7); so is SSec = 1 on the Non-secure queue. */
	static const uint64_t ill[] = { 0x44, 0x45, 0x03 | BIT(10), 0x04 | BIT(10), 0x01 | BIT(10) };
	for (unsigned i = 0; i < sizeof(ill) / sizeof(ill[0]); i++) {
		cmd_put(ill[i], i == 3 ? 31 : 0);
		ck_assert_msg(((r32(CMDQ_CONS) >> 24) & 0x7f) == 1, "command 0x%llx: no CERROR_ILL",
			      (unsigned long long)ill[i]);
		ck_assert_uint_eq(r32(CMDQ_CONS) & 0xfffff, T.cmd_prod - 1);
		wr64(T.cmdq + (T.cmd_prod - 1) * 16, 0x46);
		w32(GERRORN, r32(GERROR));
		ck_assert_uint_eq(r32(CMDQ_CONS) & 0xfffff, T.cmd_prod);
	}
	/* TLBI for EL2 without HYP is illegal too. */
	cmd_put(0x20, 0);
	ck_assert_uint_eq((r32(CMDQ_CONS) >> 24) & 0x7f, 1);
	/* Acknowledged without a fix, the same command fails again. */
	w32(GERRORN, r32(GERROR));
	ck_assert_uint_eq((r32(GERROR) ^ r32(GERRORN)) & 1, 1);
	wr64(T.cmdq + (T.cmd_prod - 1) * 16, 0x46);
	w32(GERRORN, r32(GERROR));
	ck_assert_uint_eq((r32(GERROR) ^ r32(GERRORN)) & 1, 0);
	/* Command queue outside RAM: CERROR_ABT. */
	w32(CR0, 0x5);
	w64(CMDQ_BASE, 0x1000000 | CMDQ_LOG2);
	w32(CMDQ_PROD, 0);
	w32(CMDQ_CONS, 0);
	w32(CR0, 0xd);
	w32(CMDQ_PROD, 1);
	ck_assert_uint_eq((r32(CMDQ_CONS) >> 24) & 0x7f, 2);
	ck_assert_uint_eq((r32(GERROR) ^ r32(GERRORN)) & 1, 1);
}
END_TEST

START_TEST(test_eventq_abort)
{
	smmu_on(8);
	dev_enable(0);
	w32(CR0, 0x9);
	w64(EVENTQ_BASE, 0x1000000 | EVTQ_LOG2);
	w32(CR0, 0xd);
	ck_assert_uint_eq(dma(0, 0x1000, 4, false, -1), 3); /* C_BAD_STE: cannot be written */
	ck_assert_uint_eq((r32(GERROR) ^ r32(GERRORN)) & 4, 4);
	ck_assert_uint_eq(r32(EVENTQ_PROD), 0);
}
END_TEST

/* VMSAv8-32 LPAE (sim -O ttf=aa32): IDR0.TTF = 0b01; a CD with AA64 = 0
 * walks 4K tables for a 32-bit VA (T0SZ 0: level 1 with 4 entries) with a
 * 40-bit output whatever IPS says; a stage 2 with S2AA64 = 0 takes a signed
 * S2T0SZ (-8: 40 bits) and S2SL0 1 (two concatenated level-1 tables), S2TG
 * and S2PS ignored; the AArch64 formats become ILLEGAL.  Written from IHI
 * 0070 5.2/5.4/3.4 and VMSAv8-32, not from smmuv3.c. */
START_TEST(test_aarch32)
{
	uint64_t in, out, cd, blk;
	struct pt p, p2;

	sim_machine_destroy(T.m);
	setup_machine_with("ttf", "aa32");
	ck_assert_uint_eq(r32(IDR0) >> 2 & 3, 1);
	smmu_on(8);
	dev_enable(0);
	dev_enable(1);
	in = alloc(4096, 4096);
	out = alloc(4096, 4096);
	cd = alloc(64, 64);
	pt_new(&p, 12, 32, 1, 0);
	pt_map(&p, 0x80001000, in, S1_RW_ALL, 3);
	pt_map(&p, 0x80002000, out, S1_RW_ALL, 3);
	pt_map(&p, 0x80003000, in | BIT(40), S1_RW_ALL, 3);
	/* T0SZ 0, T1SZ 0 (all of the VA through TTB0), TG0 reserved and IPS 32
	 * bits: both IGNORED */
	cd_write(cd, BIT(31) | 3ULL << 6 | BIT(45) | BIT(46) | 5ULL << 48, p.root);
	ste_write(SID0, ste0(CFG_S1, cd, 0, 0), 0, 0, 0);
	roundtrip(0, 0x80001010, in + 0x10, 0x80002020, out + 0x20, -1);
	ck_assert_uint_eq(dma(0, BIT(32) | 0x80001000, 8, false, -1), 3);
	expect_evt(EV0(0x10, SID0), RNW | CLASS(CL_IN), BIT(32) | 0x80001000, 0);
	ck_assert_uint_eq(dma(0, 0x80003000, 8, false, -1), 3);
	expect_evt(EV0(0x11, SID0), RNW | CLASS(CL_IN), 0x80003000, 0);
	/* AA64 = 1 without TTF[1]: C_BAD_CD */
	wr64(cd, rd64(cd) | BIT(41));
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(0, 0x80001000, 8, false, -1), 3);
	expect_evt(EV0(0x0a, SID0), 0, 0, 0);

	/* stage 2: S2T0SZ 0b1000 (-8), S2SL0 1, S2TG 0b11 and S2PS 0 ignored */
	pt_new(&p2, 12, 40, 1, 0);
	blk = pt_map(&p2, BIT(39) | 0x5000, in, S2_RW_ALL, 3);
	pt_map(&p2, 0x6000, out, S2_RW_ALL, 3);
	ste_write(SID1, ste0(CFG_S2, 0, 0, 0), 0, 2 | 8ULL << 32 | 1ULL << 38 | 3ULL << 46 | BIT(58), p2.root);
	roundtrip(1, BIT(39) | 0x5040, in + 0x40, 0x6000, out, -1);
	/* IAS = 40 with VMSAv8-32 alone (3.4): a bypassed stage 1 checks it */
	ck_assert_uint_eq(dma(1, BIT(40) | 0x1000, 8, false, -1), 3);
	expect_evt(EV0(0x11, SID1), RNW | CLASS(CL_IN), BIT(40) | 0x1000, 0);
	/* no execute-only at a VMSAv8-32 stage 2: S2AP 00 denies a fetch */
	wr64(blk, in | BIT(10) | 3);
	CMD_TLBI_NSNH_ALL();
	dw(1, 0x118, 2);                          /* access attributes: instruction fetch (InD) */
	ck_assert_uint_eq(dma(1, BIT(39) | 0x5000, 8, false, -1), 3);
	expect_evt(EV0(0x13, SID1), RNW | IND | S2 | CLASS(CL_IN), BIT(39) | 0x5000, BIT(39) | 0x5000);
	dw(1, 0x118, 0);
	/* S2SL0 0 with a 40-bit IPA is inconsistent; S2AA64 = 1 lacks TTF[1] */
	ste_write(SID1, ste0(CFG_S2, 0, 0, 0), 0, 2 | 8ULL << 32 | BIT(58), p2.root);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(1, 0x6000, 8, false, -1), 3);
	expect_evt(EV0(0x04, SID1), 0, 0, 0);
	ste_write(SID1, ste0(CFG_S2, 0, 0, 0), 0, ste2(2, 24, 1, 0), p2.root);
	CMD_CFGI_ALL();
	ck_assert_uint_eq(dma(1, 0x6000, 8, false, -1), 3);
	expect_evt(EV0(0x04, SID1), 0, 0, 0);
	expect_no_evt();
}
END_TEST

START_TEST(test_pci_and_determinism)
{
	uint32_t v;
	uint64_t t0, t1, ev[2][4];

	/* edu identity, class, BAR0 sizing. */
	ck_assert_int_eq(sim_pci_cfg_read(T.m, SID0, 0, 4, &v), 0);
	ck_assert_uint_eq(v, 0x11e81234);
	ck_assert_int_eq(sim_pci_cfg_read(T.m, SID0, 8, 4, &v), 0);
	ck_assert_uint_eq(v >> 8, 0x00ff00);
	ck_assert_int_eq(sim_pci_cfg_write(T.m, SID0, 0x10, 4, 0xffffffff), 0);
	ck_assert_int_eq(sim_pci_cfg_read(T.m, SID0, 0x10, 4, &v), 0);
	ck_assert_uint_eq(v, 0xfff00000);
	ck_assert_int_eq(sim_pci_cfg_write(T.m, SID0, 0x10, 4, 0x10400000), 0);
	ck_assert_uint_eq(dr(0, 0) & 0xffffffff, 0x010000ed);
	/* Same through ECAM. */
	{
		uint64_t x;

		ck_assert_int_eq(sim_mmio_read(T.m, T.l.ecam_base + (SID1 << 12), 4, &x), 0);
		ck_assert_uint_eq(x, 0x11e81234);
	}
	/* Bus master off: nothing moves. */
	ck_assert_uint_eq(dma(0, T.l.ram_base + 0x100000, 16, true, -1), 3);
	/* The same script twice: same events, same virtual time. */
	for (int run = 0; run < 2; run++) {
		teardown();
		setup();
		smmu_on(8);
		dev_enable(0);
		t0 = sim_now_ns(T.m);
		dma(0, 0x1234, 64, false, -1);
		t1 = sim_now_ns(T.m);
		ck_assert_uint_gt(t1, t0);
		ck_assert(evt_pop(ev[run]));
		if (run)
			ck_assert_mem_eq(ev[0], ev[1], sizeof(ev[0]));
	}
}
END_TEST

Suite *suite_sim_smmuv3(void)
{
	Suite *s = suite_create("sim_smmuv3");
	TCase *tc = tcase_create("smmuv3");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_id_registers);
	tcase_add_test(tc, test_gbpa);
	tcase_add_test(tc, test_bypass_and_abort_ste);
	tcase_add_loop_test(tc, test_s1_roundtrip, 0, 3);
	tcase_add_loop_test(tc, test_s2_roundtrip, 0, 3);
	tcase_add_loop_test(tc, test_nested_roundtrip, 0, 3);
	tcase_add_test(tc, test_nested_walk_faults);
	tcase_add_test(tc, test_two_level_tables);
	tcase_add_test(tc, test_split_and_span);
	tcase_add_test(tc, test_config_events);
	tcase_add_test(tc, test_translation_events);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_stale_until_invalidated);
	tcase_add_test(tc, test_cmdq_errors);
	tcase_add_test(tc, test_eventq_abort);
	tcase_add_test(tc, test_pci_and_determinism);
	tcase_add_test(tc, test_aarch32);
	suite_add_tcase(s, tc);
	return s;
}
