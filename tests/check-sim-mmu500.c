/* SPDX-License-Identifier: MIT */
/*
 * The sim:mmu500 model (an MMU-500, SMMUv2), driven the way a driver would:
 * registers through MMIO, tables written into RAM, DMA started through the
 * test devices.  Offsets and bit positions are written here from Arm IHI
 * 0062 and VMSAv8 LPAE, independent of mmu500.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "backends/sim/sim.h"

#define BIT(n) (1ULL << (n))

/* GR0 */
#define SCR0      0x000
#define IDR0      0x020
#define IDR1      0x024
#define IDR2      0x028
#define IDR7      0x03c
#define SGFAR     0x040
#define SGFSR     0x048
#define SGFSYNR0  0x050
#define SGFSYNR1  0x054
#define TLBIALLNSNH 0x068
#define TLBGSYNC  0x070
#define SMR(n)    (0x800 + 4 * (n))
#define S2CR(n)   (0xc00 + 4 * (n))
/* GR1 (page 1) */
#define CBAR(n)   (0x000 + 4 * (n))
#define CBFRSYNRA(n) (0x400 + 4 * (n))
#define CBA2R(n)  (0x800 + 4 * (n))
/* context bank */
#define SCTLR     0x000
#define TCR2      0x010
#define TTBR0     0x020
#define TCR       0x030
#define PAR       0x050
#define FSR       0x058
#define FAR       0x060
#define FSYNR0    0x068
#define IPAFAR    0x070
#define TLBIVA    0x600
#define TLBIALL   0x618
#define TLBSYNC   0x7f0
#define ATS1PR    0x800

#define CLIENTPD BIT(0)
#define USFCFG   BIT(10)
#define FSR_TF   BIT(1)
#define FSR_AFF  BIT(2)
#define FSR_PF   BIT(3)
#define FSR_EF   BIT(4)
#define FSR_TLBMCF BIT(5)
#define FSR_MULTI BIT(31)

/* leaf attributes: AF, AP[1] (EL0), AP[2] (read-only); stage 2 S2AP */
#define AF       BIT(10)
#define AP_EL0   BIT(6)
#define AP_RO    BIT(7)
#define S1_RW    (AF | AP_EL0)
#define S2_RW    (AF | BIT(6) | BIT(7))

struct tb {
	struct sim_machine *m;
	struct sim_layout l;
	uint64_t base, pagesize, numpage, next;
};
static struct tb T;

static uint64_t alloc(uint64_t size)
{
	uint64_t a = (T.next + size - 1) & ~(size - 1);

	T.next = a + size;
	return a;
}

static void wr(uint64_t addr, unsigned size, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(T.m, addr, size, v), 0);
}

static uint64_t rd(uint64_t addr, unsigned size)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(T.m, addr, size, &v), 0);
	return v;
}

#define G0(off) (T.base + (off))
#define G1(off) (T.base + T.pagesize + (off))
#define CB(n, off) (T.base + (T.numpage + (n)) * T.pagesize + (off))

static void setup_with(const char *k, const char *v)
{
	struct sim_params p;

	memset(&T, 0, sizeof(T));
	sim_params_default(&p, SIM_MMU500);
	if (k)
		ck_assert_int_eq(sim_params_set(&p, k, v), 0);
	ck_assert_int_eq(sim_machine_create(&p, &T.m), 0);
	sim_machine_layout(T.m, &T.l);
	T.base = T.l.iommu_base;
	uint32_t idr1 = (uint32_t)rd(G0(IDR1), 4);
	T.pagesize = idr1 >> 31 ? 0x10000 : 0x1000;
	T.numpage = 2ull << (idr1 >> 28 & 7);
	T.next = T.l.ram_base + 0x100000;
}

static void setup(void)
{
	setup_with(NULL, NULL);
}

static void teardown(void)
{
	sim_machine_destroy(T.m);
}

/* --- tables ------------------------------------------------------------------------ */

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

/* A walk's geometry: granule 2^g, input bits, the start level. */
struct geo {
	unsigned g, ias;
	int start;
	uint64_t root;
	uint64_t (*xlate)(uint64_t); /* nested: table addresses given as IPAs (NULL: PA) */
};

static struct geo geo(unsigned g, unsigned ias, int start)
{
	struct geo x = { .g = g, .ias = ias, .start = start };
	unsigned per = g - 3, top = ias - (g + per * (unsigned)(3 - start));

	x.root = alloc((1ull << top) * 8 < (1ull << g) ? 1ull << g : (1ull << top) * 8);
	return x;
}

/* Map one page or block at `level` (table addresses written as given; RAM
 * accesses through xlate when nested). */
static void map_at(struct geo *x, uint64_t iova, uint64_t out, uint64_t attrs, int level)
{
	unsigned per = x->g - 3;
	uint64_t table = x->root;

	for (int l = x->start;; l++) {
		unsigned shift = x->g + per * (unsigned)(3 - l);
		unsigned bits = l == x->start ? x->ias - shift : per;
		uint64_t e = table + ((iova >> shift) & ((1ull << bits) - 1)) * 8;
		uint64_t epa = x->xlate ? x->xlate(e) : e;
		if (l == level) {
			wr64(epa, out | attrs | (l == 3 ? 3 : 1));
			return;
		}
		uint64_t d = rd64(epa);
		if (!(d & 1)) {
			uint64_t t = alloc(1ull << x->g);
			d = t | 3;
			wr64(epa, d);
		}
		table = d & 0xfffffffff000ull & ~((1ull << x->g) - 1);
	}
}

static void map(struct geo *x, uint64_t iova, uint64_t out, uint64_t attrs)
{
	map_at(x, iova, out, attrs, 3);
}

/* --- devices: the platform test devices (0x400, 0x401, 0x410/0x420) and PCI ------------ */

static uint64_t pdev(int i)
{
	return T.l.platdev_base + (uint64_t)i * 0x100000;
}

static uint64_t dma_at(uint64_t dev, uint64_t iova, uint32_t len, bool to_ram)
{
	wr(dev + 0x80, 8, to_ram ? 0x40000 : iova);
	wr(dev + 0x88, 8, to_ram ? iova : 0x40000);
	wr(dev + 0x90, 8, len);
	wr(dev + 0x98, 8, 1 | (to_ram ? 2 : 0));
	return rd(dev + 0x108, 8);
}

/* read 8 bytes at iova through device i: the status, the data in *v */
static uint64_t dma_read(int i, uint64_t iova, uint64_t *v)
{
	uint64_t st = dma_at(pdev(i), iova, 8, false);

	*v = rd(pdev(i) + 0x40000, 8);
	return st;
}

/* Stream i matched to bank cb (S2CR translate) by SMR id/mask. */
static void stream(unsigned i, uint32_t id, uint32_t mask, unsigned cb)
{
	wr(G0(SMR(i)), 4, BIT(31) | mask << 16 | id);
	wr(G0(S2CR(i)), 4, cb);
}

/* A stage 1 AArch64 bank: 4K granule, 48-bit input unless g says otherwise. */
static struct geo s1_bank(unsigned cb, unsigned g, unsigned ias)
{
	unsigned tg = g == 12 ? 0 : g == 16 ? 1 : 2;
	unsigned per = g - 3;
	int start = 3 - (int)((ias - g + per - 1) / per) + 1;
	struct geo x = geo(g, ias, start);

	wr(G1(CBAR(cb)), 4, 1u << 16 | cb);          /* S1, S2 bypass; VMID = cb */
	wr(G1(CBA2R(cb)), 4, 1);                     /* VA64 */
	wr(CB(cb, TCR2), 4, 5);                      /* PASize 48-bit */
	wr(CB(cb, TCR), 4, (64 - ias) | tg << 14 | BIT(23)); /* T0SZ, TG0, EPD1 */
	wr(CB(cb, TTBR0), 8, x.root | (uint64_t)cb << 48);
	wr(CB(cb, SCTLR), 4, 1 | BIT(5) | BIT(6));    /* M, CFRE, CFIE */
	return x;
}

static void enable(uint32_t extra)
{
	wr(G0(SCR0), 4, extra); /* CLIENTPD clear */
}

static uint64_t seed(uint64_t pa, uint64_t v)
{
	wr64(pa, v);
	return v;
}

/* --- tests ------------------------------------------------------------------------------ */

START_TEST(id_registers)
{
	uint32_t idr0 = (uint32_t)rd(G0(IDR0), 4), idr1 = (uint32_t)rd(G0(IDR1), 4), idr2 = (uint32_t)rd(G0(IDR2), 4);

	ck_assert_uint_eq(idr0 & 0xff, 16);             /* NUMSMRG */
	ck_assert(idr0 & BIT(27));                      /* SMS: stream matching */
	ck_assert(idr0 & BIT(30) && idr0 & BIT(29) && idr0 & BIT(28)); /* S1TS S2TS NTS */
	ck_assert_uint_eq(idr0 >> 9 & 0xf, 15);         /* NUMSIDB */
	ck_assert_uint_eq(idr1 & 0xff, 8);              /* NUMCB */
	ck_assert_uint_eq(idr1 >> 31, 0);               /* 4 KiB pages */
	ck_assert_uint_eq(idr2 & 0xf, 5);               /* IAS 48 */
	ck_assert_uint_eq(idr2 >> 12 & 7, 7);           /* 4K 16K 64K */
	ck_assert_uint_eq(rd(G0(IDR7), 4), 0x24);       /* r2p4 */
	ck_assert_uint_eq(rd(G0(SCR0), 4) & CLIENTPD, CLIENTPD); /* reset: clients bypass */
	ck_assert_uint_eq(T.l.iommu_size, 2 * T.numpage * T.pagesize);
	/* context bank registers live after the global space */
	wr(CB(7, TCR), 4, 0x12345);
	ck_assert_uint_eq(rd(CB(7, TCR), 4), 0x12345);
	ck_assert_uint_eq(rd(CB(6, TCR), 4), 0);
}
END_TEST

START_TEST(params_pages_banks_groups)
{
	teardown();
	setup_with("pagesize", "64K");
	ck_assert_uint_eq(rd(G0(IDR1), 4) >> 31, 1);
	ck_assert_uint_eq(T.pagesize, 0x10000);
	wr(CB(3, TCR), 4, 0x777);
	ck_assert_uint_eq(rd(CB(3, TCR), 4), 0x777);
	ck_assert_uint_eq(rd(G1(CBA2R(3)), 4), 0);
	teardown();
	setup_with("cbs", "32");
	ck_assert_uint_eq(rd(G0(IDR1), 4) & 0xff, 32);
	ck_assert_uint_ge(T.numpage, 32);
	wr(CB(31, TCR), 4, 0x55);
	ck_assert_uint_eq(rd(CB(31, TCR), 4), 0x55);
	teardown();
	setup_with("smrg", "4");
	ck_assert_uint_eq(rd(G0(IDR0), 4) & 0xff, 4);
	wr(G0(SMR(4)), 4, 0x80000001); /* beyond NUMSMRG: RAZ/WI */
	ck_assert_uint_eq(rd(G0(SMR(4)), 4), 0);
}
END_TEST

START_TEST(clientpd_bypass_and_unidentified_streams)
{
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	seed(pa, 0x1122334455667788ull);
	ck_assert_uint_eq(dma_read(0, pa, &v), 1); /* CLIENTPD: untranslated */
	ck_assert_uint_eq(v, 0x1122334455667788ull);
	enable(0);                                 /* no SMR matches, USFCFG 0: bypass */
	ck_assert_uint_eq(dma_read(0, pa, &v), 1);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), 0);
	enable(USFCFG);                            /* now an unidentified stream faults */
	ck_assert_uint_eq(dma_read(1, pa, &v), 3);
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(1)); /* USF */
	ck_assert_uint_eq(rd(G0(SGFSYNR1), 4), 0x401);
	ck_assert_uint_eq(rd(G0(SGFAR), 8), pa);
	ck_assert_uint_eq(rd(G0(SGFSYNR0), 4) & 0xe, 0); /* a read, data, unprivileged */
	dma_at(pdev(0), pa, 8, true);                    /* a second one before the first is cleared */
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(1) | BIT(31));
	ck_assert_uint_eq(rd(G0(SGFSYNR1), 4), 0x401);   /* the first one's record stays */
	wr(G0(SGFSR), 4, BIT(1) | BIT(31));
	ck_assert_uint_eq(rd(G0(SGFSR), 4), 0);
	dma_at(pdev(0), pa, 8, true);
	ck_assert_uint_eq(rd(G0(SGFSYNR0), 4) & 0x2, 0x2); /* WNR */
	ck_assert_uint_eq(rd(G0(SGFSYNR1), 4), 0x400);
}
END_TEST

START_TEST(stream_match_mask_and_conflict)
{
	struct geo x = s1_bank(0, 12, 48);
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	seed(pa, 0xabcdef);
	map(&x, 0x10000, pa, S1_RW);
	stream(0, 0x400, 0x1, 0); /* 0x400 and 0x401 */
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xabcdef);
	ck_assert_uint_eq(dma_read(1, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xabcdef);
	ck_assert_uint_eq(dma_read(2, 0x10000, &v), 3); /* 0x410: no entry */
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(1));
	wr(G0(SGFSR), 4, ~0u);
	/* a second entry that matches 0x401 too: a stream match conflict */
	stream(1, 0x401, 0, 0);
	ck_assert_uint_eq(dma_read(1, 0x10000, &v), 3);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(2)); /* SMCF */
	ck_assert_uint_eq(rd(G0(SGFSYNR1), 4), 0x401);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1); /* 0x400 still matches only entry 0 */
	wr(G0(SMR(1)), 4, 0);
	wr(G0(SGFSR), 4, ~0u);
	ck_assert_uint_eq(dma_read(1, 0x10000, &v), 1);
}
END_TEST

START_TEST(s2cr_types)
{
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	seed(pa, 77);
	wr(G0(SMR(0)), 4, BIT(31) | 0x400);
	wr(G0(S2CR(0)), 4, 1u << 16); /* bypass */
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, pa, &v), 1);
	ck_assert_uint_eq(v, 77);
	wr(G0(S2CR(0)), 4, 2u << 16); /* fault: terminated, nothing recorded */
	ck_assert_uint_eq(dma_read(0, pa, &v), 3);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), 0);
	wr(G0(S2CR(0)), 4, 200);      /* translate through a bank that does not exist */
	ck_assert_uint_eq(dma_read(0, pa, &v), 3);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(0)); /* ICF */
	/* a bank whose stage 1 is off (SCTLR.M 0): untranslated */
	wr(G0(SGFSR), 4, ~0u);
	wr(G0(S2CR(0)), 4, 2);
	wr(G1(CBAR(2)), 4, 1u << 16);
	ck_assert_uint_eq(dma_read(0, pa, &v), 1);
	ck_assert_uint_eq(v, 77);
}
END_TEST

/* Stage 1 at every granule: a round trip, then an unmapped page. */
START_TEST(stage1_granules)
{
	static const unsigned gs[] = { 12, 14, 16 };
	unsigned g = gs[_i];
	struct geo x = s1_bank(1, g, g == 16 ? 42 : 48);
	uint64_t in = T.l.ram_base + 0x2000000, out = T.l.ram_base + 0x3000000, v;
	uint64_t iova = 0x40000000 + (1ull << g);

	seed(in + 8, 0x5a5a);
	map(&x, iova, in, S1_RW);
	map(&x, iova + (1ull << g), out, S1_RW);
	stream(0, 0x400, 0, 1);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, iova + 8, &v), 1);
	ck_assert_uint_eq(v, 0x5a5a);
	ck_assert_uint_eq(dma_at(pdev(0), iova + (1ull << g) + 16, 8, true), 1);
	ck_assert_uint_eq(rd64(out + 16), 0x5a5a);
	ck_assert_uint_eq(dma_read(0, iova + 2 * (1ull << g), &v), 3);
	ck_assert_uint_eq(rd(CB(1, FSR), 4) & 0xff, FSR_TF);
	ck_assert_uint_eq(rd(CB(1, FSR), 4) >> 9 & 3, 2); /* FORMAT AArch64 */
	ck_assert_uint_eq(rd(CB(1, FAR), 8), iova + 2 * (1ull << g));
	ck_assert_uint_eq(rd(CB(1, FSYNR0), 4) & 3, 3);    /* PLVL: the leaf level */
	ck_assert_uint_eq(rd(G1(CBFRSYNRA(1)), 4), 0x400);
}
END_TEST

START_TEST(fault_classes)
{
	struct geo x = s1_bank(0, 12, 48);
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	map(&x, 0x10000, pa, S1_RW | AP_RO);        /* read-only */
	map(&x, 0x11000, pa, AP_EL0);               /* AF clear */
	map(&x, 0x12000, pa, S1_RW);
	map_at(&x, 0x40000000, 0x1000000000ull, AF | AP_EL0, 1); /* a block outside RAM (64 GiB) */
	stream(0, 0x400, 0, 0);
	enable(USFCFG);
	/* permission: a write to a read-only page */
	ck_assert_uint_eq(dma_at(pdev(0), 0x10000, 8, true), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, FSR_PF);
	ck_assert_uint_eq(rd(CB(0, FSYNR0), 4) & BIT(4), BIT(4)); /* WNR */
	/* MULTI: another fault while PF is recorded; the record stays PF's */
	ck_assert_uint_eq(dma_read(0, 0x11000, &v), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & (0xff | FSR_MULTI), FSR_PF | FSR_MULTI);
	ck_assert_uint_eq(rd(CB(0, FAR), 8), 0x10000);
	wr(CB(0, FSR), 4, ~0u);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & ~0x600u, 0);
	/* access flag */
	ck_assert_uint_eq(dma_read(0, 0x11000, &v), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, FSR_AFF);
	wr(CB(0, FSR), 4, ~0u);
	/* the same with SCTLR.AFFD: no access flag fault */
	wr(CB(0, SCTLR), 4, 1 | BIT(3));
	ck_assert_uint_eq(dma_read(0, 0x11000, &v), 1);
	wr(CB(0, SCTLR), 4, 1);
	/* external: a walk whose table is outside RAM */
	uint64_t l0 = rd64(x.root);
	wr64(x.root, 0x2000000000ull | 3);   /* level-0 entry to a table at 128 GiB */
	wr(CB(0, TLBIALL), 4, 0);
	wr(CB(0, TLBSYNC), 4, 0);
	ck_assert_uint_eq(dma_read(0, 0x12000, &v), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, FSR_EF);
	ck_assert_uint_eq(rd(CB(0, FSYNR0), 4) & 3, 1); /* fetching the level-1 table */
	wr(CB(0, FSR), 4, ~0u);
	wr64(x.root, l0);
	/* an output outside RAM translates; the access itself fails (not an SMMU fault) */
	ck_assert_uint_eq(dma_read(0, 0x40000000, &v), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, 0);
}
END_TEST

/* The TLB keeps what it walked until an invalidation completes (TLBSYNC). */
START_TEST(tlb_stale_until_sync)
{
	struct geo x = s1_bank(0, 12, 48);
	uint64_t a = T.l.ram_base + 0x2000000, b = T.l.ram_base + 0x2001000, v;

	seed(a, 0xaaaa);
	seed(b, 0xbbbb);
	map(&x, 0x10000, a, S1_RW);
	stream(0, 0x400, 0, 0);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xaaaa);
	map(&x, 0x10000, b, S1_RW);                 /* the table changes */
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xaaaa);               /* stale */
	wr(CB(0, TLBIVA), 8, 0x10 | 0ull << 48);    /* ASID 0, VA page 0x10 */
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xaaaa);               /* not complete before the sync */
	wr(CB(0, TLBSYNC), 4, 0);
	ck_assert_uint_eq(rd(CB(0, 0x7f4), 4), 0);  /* TLBSTATUS.SACTIVE clear */
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xbbbb);
	/* the global path: TLBIALLNSNH completes at sTLBGSYNC */
	map(&x, 0x10000, a, S1_RW);
	wr(G0(TLBIALLNSNH), 4, 0);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xbbbb);
	wr(G0(TLBGSYNC), 4, 0);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xaaaa);
}
END_TEST

/* A cached page and a block walked later that covers it: both match. */
START_TEST(tlb_match_conflict)
{
	struct geo x = s1_bank(0, 12, 48);
	uint64_t a = T.l.ram_base + 0x2000000, v;

	map(&x, 0x200000, a, S1_RW);
	stream(0, 0x400, 0, 0);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x200000, &v), 1);
	/* the level-2 entry becomes a 2 MiB block, without invalidation */
	map_at(&x, 0x200000, T.l.ram_base + 0x2200000, S1_RW, 2);
	ck_assert_uint_eq(dma_read(0, 0x201000, &v), 1); /* walks, caches the block */
	ck_assert_uint_eq(dma_read(0, 0x200000, &v), 3); /* page and block: a conflict */
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, FSR_TLBMCF);
	wr(CB(0, FSR), 4, ~0u);
	wr(CB(0, TLBIALL), 4, 0);
	wr(CB(0, TLBSYNC), 4, 0);
	ck_assert_uint_eq(dma_read(0, 0x200000, &v), 1);
}
END_TEST

START_TEST(stage2_only)
{
	struct geo x = geo(12, 40, 1);
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	seed(pa, 0x5252);
	map(&x, 0x10000, pa, S2_RW);
	map(&x, 0x11000, pa, AF | BIT(6)); /* read only */
	wr(G1(CBAR(4)), 4, 0 << 16 | 9);    /* stage 2, VMID 9 */
	wr(G1(CBA2R(4)), 4, 1);
	wr(CB(4, TCR), 4, 24 | 1u << 6 | 2u << 16 | BIT(31)); /* T0SZ 24, SL0 1 (level 1), PS 40-bit */
	wr(CB(4, TTBR0), 8, x.root);
	wr(CB(4, SCTLR), 4, 1);
	stream(0, 0x400, 0, 4);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0x5252);
	ck_assert_uint_eq(dma_at(pdev(0), 0x11000, 8, true), 3);
	ck_assert_uint_eq(rd(CB(4, FSR), 4) & 0xff, FSR_PF);
	ck_assert_uint_eq(rd(CB(4, FAR), 8), 0x11000);
	ck_assert_uint_eq(rd(CB(4, IPAFAR), 8), 0x11000);
}
END_TEST

static uint64_t ipa_off;
static uint64_t ipa_to_pa(uint64_t ipa)
{
	return ipa + ipa_off;
}

/* Nested: stage 1 tables and output are IPAs, stage 2 maps them. */
START_TEST(nested)
{
	struct geo s2 = geo(12, 40, 1);
	uint64_t ram = T.l.ram_base, v;

	/* stage 2: IPA [0, 64 MiB) -> PA ram + [0, 64 MiB), 2 MiB blocks */
	for (uint64_t a = 0; a < 0x4000000; a += 0x200000)
		map_at(&s2, a, ram + a, S2_RW, 2);
	ipa_off = ram;
	/* stage 1 in IPA space: its tables allocated in RAM, written as IPAs */
	struct geo s1 = { .g = 12, .ias = 48, .start = 0, .root = 0x1000000, .xlate = ipa_to_pa };
	/* allocations in IPA space from here (xlate turns them into PAs when
	 * written): the root at IPA 16 MiB, its tables after it */
	T.next = 0x1001000;
	map(&s1, 0x10000, 0x2000000, S1_RW); /* VA 0x10000 -> IPA 32 MiB */
	T.next += ram;
	seed(ram + 0x2000000, 0x4e4e);
	wr(G1(CBAR(1)), 4, 0 << 16 | 5);            /* bank 1: stage 2, VMID 5 */
	wr(G1(CBA2R(1)), 4, 1);
	wr(CB(1, TCR), 4, 24 | 1u << 6 | 2u << 16 | BIT(31));
	wr(CB(1, TTBR0), 8, s2.root);
	wr(CB(1, SCTLR), 4, 1);
	wr(G1(CBAR(0)), 4, 3u << 16 | 1u << 8);     /* bank 0: nested onto bank 1 */
	wr(G1(CBA2R(0)), 4, 1);
	wr(CB(0, TCR2), 4, 5);
	wr(CB(0, TCR), 4, 16 | BIT(23));
	wr(CB(0, TTBR0), 8, s1.root);
	wr(CB(0, SCTLR), 4, 1);
	stream(0, 0x400, 0, 0);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0x4e4e);
	/* stage 1 output outside stage 2's map: the stage 2 bank records it */
	T.next -= ram;
	map(&s1, 0x11000, 0x8000000, S1_RW);        /* IPA 128 MiB: unmapped at stage 2 */
	T.next += ram;
	ck_assert_uint_eq(dma_read(0, 0x11000, &v), 3);
	ck_assert_uint_eq(rd(CB(1, FSR), 4) & 0xff, FSR_TF);
	ck_assert_uint_eq(rd(CB(1, IPAFAR), 8), 0x8000000);
	ck_assert_uint_eq(rd(CB(1, FAR), 8), 0x11000);
	ck_assert_uint_eq(rd(CB(1, FSYNR0), 4) >> 16 & 0xff, 0); /* S1CBNDX: bank 0 */
	ck_assert_uint_eq(rd(CB(0, FSR), 4), 0);
	/* a stage 1 fault stays in the stage 1 bank */
	ck_assert_uint_eq(dma_read(0, 0x12000, &v), 3);
	ck_assert_uint_eq(rd(CB(0, FSR), 4) & 0xff, FSR_TF);
	/* nested onto a bank that is not stage 2: an invalid context */
	wr(G1(CBAR(0)), 4, 3u << 16 | 2u << 8);
	wr(G1(CBAR(2)), 4, 1u << 16);
	ck_assert_uint_eq(dma_read(0, 0x10000, &v), 3);
	ck_assert_uint_eq(rd(G0(SGFSR), 4), BIT(0));
}
END_TEST

/* An AArch32 LPAE bank (CBA2R.VA64 0, TTBCR.EAE 1): 32-bit input, 4K. */
START_TEST(aarch32_lpae)
{
	struct geo x = geo(12, 32, 1);
	uint64_t pa = T.l.ram_base + 0x2000000, v;

	seed(pa, 0x3232);
	map(&x, 0x80001000, pa, S1_RW);
	wr(G1(CBAR(2)), 4, 1u << 16);
	wr(G1(CBA2R(2)), 4, 0);
	wr(CB(2, TCR), 4, BIT(31) | BIT(23)); /* EAE, T0SZ 0, EPD1 */
	wr(CB(2, TTBR0), 8, x.root);
	wr(CB(2, SCTLR), 4, 1);
	stream(0, 0x400, 0, 2);
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(0, 0x80001000, &v), 1);
	ck_assert_uint_eq(v, 0x3232);
	ck_assert_uint_eq(dma_read(0, 0x80002000, &v), 3);
	ck_assert_uint_eq(rd(CB(2, FSR), 4) >> 9 & 3, 1); /* FORMAT AArch32 long */
	/* short descriptors (EAE 0) are not implemented: every access faults */
	wr(CB(2, FSR), 4, ~0u);
	wr(CB(2, TCR), 4, 0);
	wr(CB(2, TLBIALL), 4, 0);
	wr(CB(2, TLBSYNC), 4, 0);
	ck_assert_uint_eq(dma_read(0, 0x80001000, &v), 3);
	ck_assert_uint_eq(rd(CB(2, FSR), 4) & 0xff, FSR_TF);
}
END_TEST

START_TEST(device_with_two_streamids_and_pci)
{
	struct geo x = s1_bank(0, 12, 48), y = s1_bank(1, 12, 48);
	uint64_t a = T.l.ram_base + 0x2000000, b = T.l.ram_base + 0x2001000, v;
	uint32_t bar;

	seed(a, 0xa);
	seed(b, 0xb);
	map(&x, 0x10000, a, S1_RW);
	map(&y, 0x10000, b, S1_RW);
	stream(0, 0x410, 0, 0);
	stream(1, 0x420, 0, 1);
	stream(2, 0x08, 0, 1); /* PCI 00:01.0: StreamID = RID */
	enable(USFCFG);
	ck_assert_uint_eq(dma_read(2, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xa);
	wr(pdev(2) + 0x128, 8, 1); /* its second StreamID */
	ck_assert_uint_eq(rd(pdev(2) + 0x128, 8), 1);
	ck_assert_uint_eq(dma_read(2, 0x10000, &v), 1);
	ck_assert_uint_eq(v, 0xb);
	wr(pdev(0) + 0x128, 8, 1);   /* one StreamID only: ignored */
	ck_assert_uint_eq(rd(pdev(0) + 0x128, 8), 0);
	ck_assert_int_eq(sim_pci_cfg_read(T.m, 0x08, 0x10, 4, &bar), 0);
	ck_assert_int_eq(sim_pci_cfg_write(T.m, 0x08, 4, 2, 0x6), 0);
	ck_assert_uint_eq(dma_at(bar & ~0xfu, 0x10000, 8, false), 1);
	ck_assert_uint_eq(rd((bar & ~0xfu) + 0x40000, 8), 0xb);
}
END_TEST

START_TEST(address_translation_operation)
{
	struct geo x = s1_bank(0, 12, 48);
	uint64_t pa = T.l.ram_base + 0x2345000;

	map(&x, 0x10000, pa, S1_RW | AP_RO);
	wr(CB(0, ATS1PR), 8, 0x10abc);
	ck_assert_uint_eq(rd(CB(0, PAR), 8) & 1, 0);
	ck_assert_uint_eq(rd(CB(0, PAR), 8) & 0xfffffffff000ull, pa);
	wr(CB(0, ATS1PR + 8), 8, 0x10000); /* ATS1PW: read-only page */
	ck_assert_uint_eq(rd(CB(0, PAR), 8) & 1, 1);
	wr(CB(0, ATS1PR), 8, 0x20000);
	ck_assert_uint_eq(rd(CB(0, PAR), 8), 1 | (FSR_TF >> 1) << 1);
	ck_assert_uint_eq(rd(CB(0, FSR), 4), 0); /* operations record nothing in FSR */
}
END_TEST

START_TEST(firmware)
{
	const void *fdt, *iort;
	size_t n, m;

	ck_assert_int_eq(sim_fw_table(T.m, "fdt", &fdt, &n), 0);
	ck_assert(memmem(fdt, n, "arm,mmu-500", 11));
	ck_assert(memmem(fdt, n, "stream-match-mask", 17));
	ck_assert_int_eq(sim_fw_table(T.m, "IORT", &iort, &m), 0);
	ck_assert_uint_eq(((const uint8_t *)iort)[48], 3); /* the first node: SMMUv1/v2 */
	ck_assert_uint_eq(((const uint8_t *)iort)[48 + 32], 3); /* model MMU-500 */
}
END_TEST

Suite *suite_sim_mmu500(void);
Suite *suite_sim_mmu500(void)
{
	Suite *s = suite_create("sim_mmu500");
	TCase *tc = tcase_create("mmu500");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, id_registers);
	tcase_add_test(tc, params_pages_banks_groups);
	tcase_add_test(tc, clientpd_bypass_and_unidentified_streams);
	tcase_add_test(tc, stream_match_mask_and_conflict);
	tcase_add_test(tc, s2cr_types);
	tcase_add_loop_test(tc, stage1_granules, 0, 3);
	tcase_add_test(tc, fault_classes);
	tcase_add_test(tc, tlb_stale_until_sync);
	tcase_add_test(tc, tlb_match_conflict);
	tcase_add_test(tc, stage2_only);
	tcase_add_test(tc, nested);
	tcase_add_test(tc, aarch32_lpae);
	tcase_add_test(tc, device_with_two_streamids_and_pci);
	tcase_add_test(tc, address_translation_operation);
	tcase_add_test(tc, firmware);
	suite_add_tcase(s, tc);
	return s;
}
