/* SPDX-License-Identifier: MIT */
/*
 * The VT-d unit of the platform model (sim:q35), driven the way a driver
 * does: registers through MMIO, tables and queues in RAM, DMA from the PCI
 * test devices.  Every table entry, descriptor and expected register or
 * fault record value below is built from the bit positions of the Intel
 * VT-d specification, written out here, not taken from the model.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backends/sim/sim.h"

/* --- registers (spec 11.4) ----------------------------------------------- */
#define CAP      0x08
#define ECAP     0x10
#define GCMD     0x18
#define GSTS     0x1c
#define RTADDR   0x20
#define CCMD     0x28
#define FSTS     0x34
#define FECTL    0x38
#define IQH      0x80
#define IQT      0x88
#define IQA      0x90
#define ICS      0x9c
#define IQERCD   0xb0

#define TE    (1u << 31)
#define SRTP  (1u << 30)
#define QIE   (1u << 26)
#define IRE   (1u << 25)
#define SIRTP (1u << 24)

#define FSTS_PFO (1u << 0)
#define FSTS_PPF (1u << 1)
#define FSTS_IQE (1u << 4)

/* Fault record high qword (bits 127:64 of the record). */
#define FR_F        (1ULL << 63)
#define FR_T_READ   (1ULL << 62)           /* T1: 1 read, 0 write */
#define FR_PP       (1ULL << 31)           /* bit 95 */
#define FR_REASON(r) ((uint64_t)(r) << 32) /* bits 103:96 */
#define FR_PV(p)    ((uint64_t)(p) << 40)  /* bits 123:104 */

#define DEV1 0x08   /* 00:01.0 */
#define DEV2 0x10   /* 00:02.0 */

struct rig {
	struct sim_machine *m;
	struct sim_layout l;
	uint64_t next;       /* page allocator in the table region */
	uint64_t root;
	uint64_t bar[3];
	uint64_t frcd;       /* fault recording registers, from CAP.FRO */
	uint64_t iotlb;      /* IOTLB register, from ECAP.IRO */
};

#include "tests/check-sim-rig.h"

static uint64_t rd(struct rig *r, uint64_t off, unsigned size)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(r->m, r->l.iommu_base + off, size, &v), 0);
	return v;
}

static void wr(struct rig *r, uint64_t off, unsigned size, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(r->m, r->l.iommu_base + off, size, v), 0);
}

static void rig_init(struct rig *r, bool scalable, unsigned aw, unsigned nfr)
{
	struct sim_params p;
	char buf[16];
	uint64_t cap, ecap;

	memset(r, 0, sizeof(*r));
	sim_params_default(&p, SIM_Q35);
	snprintf(buf, sizeof(buf), "%u", aw);
	ck_assert_int_eq(sim_params_set(&p, "aw", buf), 0);
	snprintf(buf, sizeof(buf), "%u", nfr);
	ck_assert_int_eq(sim_params_set(&p, "nfr", buf), 0);
	ck_assert_int_eq(sim_params_set(&p, "scalable", scalable ? "on" : "off"), 0);
	rig_machine(r, &p, 0xfed90000);
	cap = rd(r, CAP, 8);
	ecap = rd(r, ECAP, 8);
	r->frcd = ((cap >> 24) & 0x3ff) * 16;      /* CAP.FRO, bits 33:24 */
	r->iotlb = ((ecap >> 8) & 0x3ff) * 16 + 8; /* ECAP.IRO, bits 17:8 */
	r->root = page(r);
}

static void rig_fini(struct rig *r)
{
	sim_machine_destroy(r->m);
}

static void gcmd_set(struct rig *r, uint32_t bit, uint32_t want)
{
	/* GCMD from GSTS without the one-shot status bits (RTPS, WBFS, IRTPS,
	 * FLS), so one change never re-triggers another command. */
	uint32_t st = (uint32_t)rd(r, GSTS, 4) & 0x96ffffffu;

	wr(r, GCMD, 4, st | bit);
	ck_assert_uint_eq(rd(r, GSTS, 4) & want, want);
}

static void enable(struct rig *r, uint64_t rtaddr)
{
	wr(r, RTADDR, 8, rtaddr);
	gcmd_set(r, SRTP, SRTP);
	gcmd_set(r, TE, TE);
}

/* --- test device DMA ---------------------------------------------------------- */
static void dev_pasid(struct rig *r, unsigned dev, bool valid, uint32_t pasid, unsigned attr)
{
	dev_w64(r, dev, SIM_TESTDEV_SSID, valid ? (SIM_TESTDEV_SSID_VALID | pasid) : 0);
	dev_w64(r, dev, SIM_TESTDEV_ACCESS, attr);
}

/* --- legacy tables (spec 9.1-9.3, 9.8) ------------------------------------- */
#define SL_R 1ULL
#define SL_W 2ULL

/* Root entry for bus 0 -> context table; context entry for devfn. */
static uint64_t legacy_ctx(struct rig *r, unsigned devfn, uint64_t slpt, unsigned tt,
			   unsigned aw, uint16_t did)
{
	uint64_t ct = rq(r, r->root) & ~0xfffULL;

	if (!ct) {
		ct = page(r);
		wq(r, r->root, ct | 1);                       /* CTP | P */
	}
	wq(r, ct + devfn * 16, slpt | (uint64_t)tt << 2 | 1);  /* SLPTPTR | TT | P */
	wq(r, ct + devfn * 16 + 8, (uint64_t)did << 8 | aw);  /* DID 23:8 | AW 2:0 */
	return ct;
}

/* Map one 4 KiB page in second-level tables of `levels` levels; returns the
 * address of the leaf entry. */
static uint64_t sl_map(struct rig *r, uint64_t top, unsigned levels, uint64_t iova,
		       uint64_t pa, uint64_t perm)
{
	uint64_t table = top;

	for (unsigned l = levels; l > 1; l--) {
		uint64_t ea = table + ((iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8, e = rq(r, ea);

		if (!e) {
			e = page(r) | SL_R | SL_W;
			wq(r, ea, e);
		}
		table = e & 0x000ffffffffff000ULL;
	}
	wq(r, table + ((iova >> 12) & 0x1ff) * 8, pa | perm);
	return table + ((iova >> 12) & 0x1ff) * 8;
}

static void expect_fault(struct rig *r, unsigned idx, uint64_t lo, uint64_t hi)
{
	ck_assert_uint_eq(rd(r, r->frcd + idx * 16, 8), lo);
	ck_assert_uint_eq(rd(r, r->frcd + idx * 16 + 8, 8), hi);
}

/* ---------------------------------------------------------------------------- */

START_TEST(caps)
{
	struct rig r;
	uint64_t cap, ecap;

	rig_init(&r, false, 48, 8);
	cap = rd(&r, CAP, 8);
	ecap = rd(&r, ECAP, 8);
	ck_assert_uint_eq((cap >> 8) & 0x1f, 0x6);     /* SAGAW: 39 and 48 bits */
	ck_assert_uint_eq((cap >> 16) & 0x3f, 47);     /* MGAW - 1 */
	ck_assert_uint_eq((cap >> 40) & 0xff, 7);      /* NFR - 1 */
	ck_assert(ecap & (1 << 1));                    /* QI */
	ck_assert(!(ecap & (1ULL << 43)));             /* no SMTS */
	ck_assert_uint_ne(r.frcd, 0);
	ck_assert_uint_eq(rd(&r, GSTS, 4), 0);
	ck_assert_uint_eq(rd(&r, FECTL, 4), 1u << 31); /* IM set at reset */
	rig_fini(&r);

	rig_init(&r, true, 57, 1);
	cap = rd(&r, CAP, 8);
	ecap = rd(&r, ECAP, 8);
	ck_assert_uint_eq((cap >> 8) & 0x1f, 0xe);     /* 39, 48, 57 */
	ck_assert_uint_eq((cap >> 16) & 0x3f, 56);
	ck_assert_uint_eq((cap >> 40) & 0xff, 0);
	ck_assert(ecap & (1ULL << 43));                /* SMTS */
	ck_assert(ecap & (1ULL << 46));                /* SLTS */
	ck_assert(ecap & (1ULL << 47));                /* FLTS */
	ck_assert(ecap & (1ULL << 40));                /* PASID */
	ck_assert_uint_eq((ecap >> 35) & 0x1f, 19);    /* PSS: 20-bit PASIDs */
	rig_fini(&r);
}
END_TEST

START_TEST(gcmd_protocol)
{
	struct rig r;

	rig_init(&r, false, 39, 1);
	wr(&r, RTADDR, 8, r.root);
	ck_assert_uint_eq(rd(&r, RTADDR, 8), r.root);
	wr(&r, GCMD, 4, SRTP);
	ck_assert_uint_eq(rd(&r, GSTS, 4), SRTP);      /* RTPS */
	ck_assert_uint_eq(rd(&r, GCMD, 4), 0);         /* write-only */
	gcmd_set(&r, TE, TE);
	ck_assert_uint_eq(rd(&r, GSTS, 4), 0xc0000000);
	gcmd_set(&r, QIE, QIE);
	gcmd_set(&r, IRE, IRE);
	ck_assert_uint_eq(rd(&r, GSTS, 4), 0xc0000000 | QIE | IRE);
	/* Turning TE off leaves the others. */
	wr(&r, GCMD, 4, (rd(&r, GSTS, 4) & 0x96ffffffu) & ~TE);
	ck_assert_uint_eq(rd(&r, GSTS, 4), SRTP | QIE | IRE);
	wr(&r, GCMD, 4, 0);
	ck_assert_uint_eq(rd(&r, GSTS, 4), SRTP);
	/* With translation off, DMA is not remapped. */
	uint64_t v;
	ck_assert(dma_write(&r, 1, 0x100000, 0x1122334455667788ULL));
	ck_assert_uint_eq(rq(&r, 0x100000), 0x1122334455667788ULL);
	ck_assert(dma_read(&r, 1, 0x100000, &v));
	ck_assert_uint_eq(v, 0x1122334455667788ULL);
	/* Reserved register writes and odd sizes are ignored, never fatal. */
	wr(&r, CAP, 8, 0);
	ck_assert_uint_ne(rd(&r, CAP, 8), 0);
	wr(&r, 0x4, 2, 0xffff);
	wr(&r, 0xff8, 8, ~0ULL);
	rig_fini(&r);
}
END_TEST

/* Legacy round trip at 3, 4 and 5 levels: AW 1, 2, 3 (spec 9.3). */
START_TEST(legacy_round_trip)
{
	static const unsigned aws[] = { 39, 48, 57 };
	unsigned aw = aws[_i], levels = 3 + _i;
	struct rig r;
	uint64_t slpt, pa1, pa2, v;
	uint64_t iova = (1ULL << (aw - 1)) | 0x3000; /* uses the top level's last half */

	rig_init(&r, false, aw, 1);
	slpt = page(&r);
	pa1 = page(&r);
	pa2 = page(&r);
	legacy_ctx(&r, DEV1, slpt, 0, levels - 2, 5);
	sl_map(&r, slpt, levels, iova, pa1, SL_R | SL_W);
	sl_map(&r, slpt, levels, iova + 0x1000, pa2, SL_R);
	enable(&r, r.root);
	ck_assert(dma_write(&r, 1, iova + 0x10, 0xa5a5a5a5deadbeefULL));
	ck_assert_uint_eq(rq(&r, pa1 + 0x10), 0xa5a5a5a5deadbeefULL);
	wq(&r, pa2 + 0x8, 0x0123456789abcdefULL);
	ck_assert(dma_read(&r, 1, iova + 0x1008, &v));
	ck_assert_uint_eq(v, 0x0123456789abcdefULL);
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	/* 00:02.0 has no context entry: reason 2, write, SID 0x10. */
	ck_assert(!dma_write(&r, 2, iova, 1));
	expect_fault(&r, 0, iova, FR_F | FR_REASON(0x2) | DEV2);
	rig_fini(&r);
}
END_TEST

/* A 2 MiB second-level page (SLLPS bit 0) and pass-through (TT = 10b). */
START_TEST(legacy_large_and_pt)
{
	struct rig r;
	uint64_t slpt, l2, v;

	rig_init(&r, false, 39, 1);
	slpt = page(&r);
	l2 = page(&r);
	legacy_ctx(&r, DEV1, slpt, 0, 1, 1);
	wq(&r, slpt, l2 | SL_R | SL_W);                      /* IOVA 0..1G */
	wq(&r, l2 + 8, 0x200000ULL | (1 << 7) | SL_R | SL_W); /* 2M-4M -> 2M-4M, PS */
	legacy_ctx(&r, DEV2, 0, 2, 1, 2);                    /* pass-through */
	enable(&r, r.root);
	ck_assert(dma_write(&r, 1, 0x345678, 77));
	ck_assert_uint_eq(rq(&r, 0x345678), 77);
	ck_assert(dma_write(&r, 2, 0x3000000, 88));
	ck_assert_uint_eq(rq(&r, 0x3000000), 88);
	ck_assert(dma_read(&r, 2, 0x345678, &v));
	ck_assert_uint_eq(v, 77);
	rig_fini(&r);
}
END_TEST

/* Each legacy fault reason with its exact 128-bit record (spec 7.1.3, 10.4.14). */
enum { F_ROOT_P, F_CTX_P, F_CTX_INV, F_BEYOND, F_WRITE, F_READ, F_PTE_ACCESS, F_ROOT_ACCESS,
       F_CTX_ACCESS, F_ROOT_RSVD, F_CTX_RSVD, F_PTE_RSVD, F_PASID, F_NCASES };

START_TEST(legacy_fault_reasons)
{
	static const uint8_t reason[F_NCASES] = {
		0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, 0xb, 0xc, 0x31,
	};
	const uint64_t outside = 0x4000000000ULL;  /* below 2^39 (HAW), not RAM */
	struct rig r;
	uint64_t slpt, ct, iova = 0x7000, rta;
	bool write = false, ok;
	uint64_t v;

	rig_init(&r, false, 39, 1);
	slpt = page(&r);
	ct = legacy_ctx(&r, DEV1, slpt, 0, 1, 3);
	sl_map(&r, slpt, 3, iova, page(&r), SL_R);
	rta = r.root;
	switch (_i) {
	case F_ROOT_P: wq(&r, r.root, 0); break;
	case F_CTX_P: wq(&r, ct + DEV1 * 16, 0); break;
	case F_CTX_INV: wq(&r, ct + DEV1 * 16, slpt | 3 << 2 | 1); break;   /* TT 11b */
	case F_BEYOND: iova = 1ULL << 39; break;
	case F_WRITE: write = true; break;
	case F_READ: iova = 0x8000; break;                                /* unmapped */
	case F_PTE_ACCESS: wq(&r, slpt, outside | SL_R | SL_W); break;
	case F_ROOT_ACCESS: rta = outside; break;
	case F_CTX_ACCESS: wq(&r, r.root, outside | 1); break;
	case F_ROOT_RSVD: wq(&r, r.root, ct | 1 << 5 | 1); break;
	case F_CTX_RSVD: wq(&r, ct + DEV1 * 16 + 8, 3ULL << 8 | 1 << 7 | 1); break;
	case F_PTE_RSVD: wq(&r, slpt, rq(&r, slpt) | 1ULL << 62); break;   /* TM without DT */
	case F_PASID: dev_pasid(&r, 1, true, 0x1234, 0); break;
	}
	enable(&r, rta);
	ok = write ? dma_write(&r, 1, iova, 5) : dma_read(&r, 1, iova, &v);
	ck_assert(!ok);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_PPF);  /* FRI 0 */
	expect_fault(&r, 0, iova, FR_F | (write ? 0 : FR_T_READ) | FR_REASON(reason[_i]) |
		     (_i == F_PASID ? FR_PP | FR_PV(0x1234) : 0) | DEV1);
	/* F is write-1-to-clear; then PPF goes. */
	wr(&r, r.frcd + 12, 4, 1u << 31);
	ck_assert_uint_eq(rd(&r, r.frcd + 8, 8) >> 63, 0);
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	rig_fini(&r);
}
END_TEST

/* Fault processing disable in the context entry suppresses the record. */
START_TEST(legacy_fpd)
{
	struct rig r;
	uint64_t slpt, ct, v;

	rig_init(&r, false, 39, 1);
	slpt = page(&r);
	ct = legacy_ctx(&r, DEV1, slpt, 0, 1, 3);
	wq(&r, ct + DEV1 * 16, slpt | 1 << 1 | 1);   /* FPD */
	enable(&r, r.root);
	ck_assert(!dma_read(&r, 1, 0x5000, &v));
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	ck_assert_uint_eq(rd(&r, r.frcd + 8, 8), 0);
	rig_fini(&r);
}
END_TEST

/* One record per fault (no compression), PFO once they are all full, FRI. */
START_TEST(pfo_overflow)
{
	struct rig r;
	uint64_t slpt, v;

	rig_init(&r, false, 39, 4);
	slpt = page(&r);
	legacy_ctx(&r, DEV1, slpt, 0, 1, 3);
	enable(&r, r.root);
	for (unsigned i = 0; i < 5; i++)
		ck_assert(!dma_read(&r, 1, 0x10000 + i * 0x1000, &v));
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_PPF | FSTS_PFO);
	for (unsigned i = 0; i < 4; i++)
		expect_fault(&r, i, 0x10000 + i * 0x1000, FR_F | FR_T_READ | FR_REASON(6) | DEV1);
	/* Clear records 0 and 1 (not PFO): nothing is recorded while PFO is set. */
	wr(&r, r.frcd + 0 * 16 + 8, 8, FR_F);
	wr(&r, r.frcd + 1 * 16 + 8, 8, FR_F);
	ck_assert(!dma_write(&r, 1, 0x20000, 1));
	ck_assert_uint_eq(rd(&r, r.frcd + 8, 8) >> 63, 0);
	ck_assert_uint_eq(rd(&r, r.frcd, 8), 0x10000);     /* the old fields stay */
	/* Clear PFO: the next fault goes where the index points (wrapped to 0).
	 * FRI keeps the index latched when PPF was set (0): it is not
	 * recomputed when software clears records. */
	wr(&r, FSTS, 4, FSTS_PFO);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_PPF);
	ck_assert(!dma_write(&r, 1, 0x21000, 1));
	expect_fault(&r, 0, 0x21000, FR_F | FR_REASON(0x5) | DEV1);
	/* Index 1 is free, 2 is not: the following fault goes to 1, the next
	 * overflows. */
	ck_assert(!dma_write(&r, 1, 0x22000, 1));
	expect_fault(&r, 1, 0x22000, FR_F | FR_REASON(0x5) | DEV1);
	ck_assert(!dma_write(&r, 1, 0x23000, 1));
	ck_assert_uint_eq(rd(&r, FSTS, 4) & FSTS_PFO, FSTS_PFO);
	/* Clearing everything leaves FSTS clear. */
	for (unsigned i = 0; i < 4; i++)
		wr(&r, r.frcd + i * 16 + 12, 4, 1u << 31);
	wr(&r, FSTS, 4, FSTS_PFO);
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	rig_fini(&r);
}
END_TEST

/* Stale translations survive table changes until the register-based
 * invalidations (CCMD, IOTLB at ECAP.IRO) are issued. */
START_TEST(stale_register_inval)
{
	struct rig r;
	uint64_t slpt, pa1, pa2, leaf, ct, v;

	rig_init(&r, false, 39, 1);
	slpt = page(&r);
	pa1 = page(&r);
	pa2 = page(&r);
	ct = legacy_ctx(&r, DEV1, slpt, 0, 1, 7);
	leaf = sl_map(&r, slpt, 3, 0x40000, pa1, SL_R | SL_W);
	enable(&r, r.root);
	ck_assert(dma_write(&r, 1, 0x40000, 1));
	ck_assert_uint_eq(rq(&r, pa1), 1);
	wq(&r, leaf, pa2 | SL_R | SL_W);                     /* remap, no invalidation */
	ck_assert(dma_write(&r, 1, 0x40000, 2));
	ck_assert_uint_eq(rq(&r, pa1), 2);                   /* stale */
	ck_assert_uint_eq(rq(&r, pa2), 0);
	/* Page-selective IOTLB invalidation: IVA = address | AM 0; IOTLB_REG =
	 * IVT (63) | IIRG 11b (61:60) | DID (47:32). */
	wr(&r, r.iotlb - 8, 8, 0x40000);
	wr(&r, r.iotlb, 8, 1ULL << 63 | 3ULL << 60 | 7ULL << 32);
	v = rd(&r, r.iotlb, 8);
	ck_assert_uint_eq(v >> 63, 0);                       /* done */
	ck_assert_uint_eq((v >> 57) & 3, 3);                 /* IAIG: page */
	ck_assert(dma_write(&r, 1, 0x40000, 3));
	ck_assert_uint_eq(rq(&r, pa2), 3);
	ck_assert_uint_eq(rq(&r, pa1), 2);

	/* The context entry is cached too: making it not present changes
	 * nothing until a context-cache invalidation (and the IOTLB). */
	wq(&r, ct + DEV1 * 16, 0);
	ck_assert(dma_write(&r, 1, 0x40000, 4));
	ck_assert_uint_eq(rq(&r, pa2), 4);
	/* CCMD: ICC (63) | CIRG 11b device (62:61) | SID (31:16) | DID (15:0),
	 * written as two 32-bit halves, low first. */
	wr(&r, CCMD, 4, (uint32_t)(DEV1 << 16 | 7));
	wr(&r, CCMD + 4, 4, (uint32_t)((1ULL << 63 | 3ULL << 61) >> 32));
	v = rd(&r, CCMD, 8);
	ck_assert_uint_eq(v >> 63, 0);
	ck_assert_uint_eq((v >> 59) & 3, 3);                 /* CAIG: device */
	wr(&r, r.iotlb, 8, 1ULL << 63 | 1ULL << 60);          /* global */
	ck_assert_uint_eq((rd(&r, r.iotlb, 8) >> 57) & 3, 1);
	ck_assert(!dma_write(&r, 1, 0x40000, 5));
	expect_fault(&r, 0, 0x40000, FR_F | FR_REASON(0x2) | DEV1);
	rig_fini(&r);
}
END_TEST

/* --- queued invalidation (spec 6.5.2) ---------------------------------------- */
struct iq {
	uint64_t base;
	unsigned tail;      /* bytes */
};

static void qi_enable(struct rig *r, struct iq *q, bool dw)
{
	q->base = page(r);
	q->tail = 0;
	wr(r, IQT, 8, 0);
	wr(r, IQA, 8, q->base | (dw ? 1 << 11 : 0) | 0);    /* QS 0: 4 KiB */
	gcmd_set(r, QIE, QIE);
	ck_assert_uint_eq(rd(r, IQH, 8), 0);
}

static void qi_put(struct rig *r, struct iq *q, uint64_t lo, uint64_t hi)
{
	wq(r, q->base + q->tail, lo);
	wq(r, q->base + q->tail + 8, hi);
	q->tail = (q->tail + 16) % 4096;
}

static void qi_submit(struct rig *r, struct iq *q)
{
	wr(r, IQT, 8, q->tail);
}

/* Wait descriptor: type 5, IF (4), SW (5), status data 63:32; hi: address. */
static void qi_wait(struct rig *r, struct iq *q, uint64_t status, uint32_t data, bool irq)
{
	qi_put(r, q, 5 | (irq ? 1 << 4 : 0) | 1 << 5 | (uint64_t)data << 32, status);
}

START_TEST(stale_queued_inval)
{
	struct rig r;
	struct iq q;
	uint64_t slpt, pa1, pa2, leaf, status;

	rig_init(&r, false, 48, 1);
	slpt = page(&r);
	pa1 = page(&r);
	pa2 = page(&r);
	status = page(&r);
	legacy_ctx(&r, DEV1, slpt, 0, 2, 9);
	leaf = sl_map(&r, slpt, 4, 0x7654000, pa1, SL_R | SL_W);
	enable(&r, r.root);
	qi_enable(&r, &q, false);
	ck_assert(dma_write(&r, 1, 0x7654000, 1));
	wq(&r, leaf, pa2 | SL_R | SL_W);
	ck_assert(dma_write(&r, 1, 0x7654000, 2));
	ck_assert_uint_eq(rq(&r, pa1), 2);                   /* stale */
	/* A context-cache invalidation does not touch the IOTLB. */
	qi_put(&r, &q, 1 | 1 << 4, 0);                        /* cc, global */
	qi_wait(&r, &q, status, 0x11, false);
	qi_submit(&r, &q);
	ck_assert_uint_eq(rq(&r, status) & 0xffffffff, 0x11);
	ck_assert(dma_write(&r, 1, 0x7654000, 3));
	ck_assert_uint_eq(rq(&r, pa1), 3);
	/* IOTLB descriptor: type 2, G 10b domain (5:4), DID (31:16). */
	qi_put(&r, &q, 2 | 2 << 4 | 9 << 16, 0);
	qi_wait(&r, &q, status, 0x22, true);
	qi_submit(&r, &q);
	ck_assert_uint_eq(rd(&r, IQH, 8), q.tail);
	ck_assert_uint_eq(rq(&r, status) & 0xffffffff, 0x22);
	ck_assert_uint_eq(rd(&r, ICS, 4), 1);                /* IWC */
	wr(&r, ICS, 4, 1);
	ck_assert_uint_eq(rd(&r, ICS, 4), 0);
	ck_assert(dma_write(&r, 1, 0x7654000, 4));
	ck_assert_uint_eq(rq(&r, pa2), 4);
	ck_assert_uint_eq(rq(&r, pa1), 3);
	rig_fini(&r);
}
END_TEST

/* An invalid descriptor stops the queue with FSTS.IQE, IQH on it. */
START_TEST(queue_error)
{
	struct rig r;
	struct iq q;
	uint64_t status;

	rig_init(&r, false, 39, 1);
	status = page(&r);
	enable(&r, r.root);
	qi_enable(&r, &q, false);
	qi_wait(&r, &q, status, 1, false);
	qi_put(&r, &q, 0xf, 0);                               /* no such type */
	qi_wait(&r, &q, status, 2, false);
	qi_submit(&r, &q);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_IQE);
	ck_assert_uint_eq(rd(&r, IQH, 8), 16);
	ck_assert_uint_eq(rd(&r, IQERCD, 8) & 0xf, 3);        /* IQEI: descriptor type */
	ck_assert_uint_eq(rq(&r, status) & 0xffffffff, 1);
	/* Software replaces the bad descriptor and clears IQE: processing resumes. */
	wq(&r, q.base + 16, 5 | 1 << 5 | 3ULL << 32);
	wq(&r, q.base + 24, status + 8);
	wr(&r, FSTS, 4, FSTS_IQE);
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	ck_assert_uint_eq(rd(&r, IQH, 8), 48);
	ck_assert_uint_eq(rq(&r, status + 8) & 0xffffffff, 3);
	ck_assert_uint_eq(rq(&r, status) & 0xffffffff, 2);
	/* A tail beyond the queue is an error too. */
	wr(&r, IQT, 8, 0x2000);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_IQE);
	ck_assert_uint_eq(rd(&r, IQERCD, 8) & 0xf, 1);
	rig_fini(&r);
}
END_TEST

/* Bad queue set-ups are reported, never fatal: a queue outside RAM (fetch
 * error, IQEI 2) and 256-bit descriptors on a unit without scalable mode
 * (invalid descriptor width, IQEI 5). */
START_TEST(queue_bad_config)
{
	struct rig r;

	rig_init(&r, false, 39, 1);
	wr(&r, IQT, 8, 0);
	wr(&r, IQA, 8, 0x4000000000ULL);
	gcmd_set(&r, QIE, QIE);
	wr(&r, IQT, 8, 16);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_IQE);
	ck_assert_uint_eq(rd(&r, IQERCD, 8) & 0xf, 2);
	ck_assert_uint_eq(rd(&r, IQH, 8), 0);
	/* Disable, fix the address but ask for 256-bit descriptors. */
	wr(&r, GCMD, 4, 0);
	wr(&r, FSTS, 4, FSTS_IQE);
	wr(&r, IQT, 8, 0);
	wr(&r, IQA, 8, page(&r) | 1 << 11);
	gcmd_set(&r, QIE, QIE);
	wr(&r, IQT, 8, 32);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_IQE);
	ck_assert_uint_eq(rd(&r, IQERCD, 8) & 0xf, 5);
	rig_fini(&r);
}
END_TEST

/* --- scalable mode (spec 9.4-9.7) ---------------------------------------------- */

/* Scalable root -> context (PDTS 0: 128 directory entries) -> PASID
 * directory -> PASID table; returns the PASID entry address. */
static uint64_t sm_pasid(struct rig *r, unsigned devfn, uint32_t pasid, bool paside,
			 uint32_t rid_pasid)
{
	uint64_t ct = rq(r, r->root) & ~0xfffULL, c, dir, de, pt;

	if (!ct) {
		ct = page(r);
		wq(r, r->root, ct | 1);                     /* LCTP | LP */
	}
	c = ct + (devfn & 0x7f) * 32;
	dir = rq(r, c) & ~0xfffULL;
	if (!dir) {
		dir = page(r);
		wq(r, c, dir | (paside ? 1 << 3 : 0) | 1);   /* PASIDDIRPTR | PASIDE | P */
		wq(r, c + 8, rid_pasid);                       /* RID_PASID 19:0 */
	}
	de = rq(r, dir + (pasid >> 6) * 8);
	pt = de & ~0xfffULL;
	if (!pt) {
		pt = page(r);
		wq(r, dir + (pasid >> 6) * 8, pt | 1);
	}
	return pt + (pasid & 0x3f) * 64;
}

/* PASID entry, second level only: PGTT 010b (8:6), AW (4:2), SLPTPTR; DID. */
static void pe_sl(struct rig *r, uint64_t pe, uint64_t slpt, unsigned aw, uint16_t did)
{
	wq(r, pe, slpt | 2 << 6 | aw << 2 | 1);
	wq(r, pe + 8, did);
}

/* First level only: PGTT 001b; q2: FLPTPTR | FLPM (3:2) | SRE (0). */
static void pe_fl(struct rig *r, uint64_t pe, uint64_t flpt, uint16_t did, bool sre)
{
	wq(r, pe, 1 << 6 | 1);
	wq(r, pe + 8, did);
	wq(r, pe + 16, flpt | (sre ? 1 : 0));
}

#define FL_P  1ULL
#define FL_RW 2ULL
#define FL_US 4ULL
#define FL_A  (1ULL << 5)
#define FL_D  (1ULL << 6)

static uint64_t fl_map(struct rig *r, uint64_t top, uint64_t iova, uint64_t pa, uint64_t flags)
{
	uint64_t table = top;

	for (unsigned l = 4; l > 1; l--) {
		uint64_t ea = table + ((iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8, e = rq(r, ea);

		if (!e) {
			e = page(r) | FL_P | FL_RW | FL_US;
			wq(r, ea, e);
		}
		table = e & 0x000ffffffffff000ULL;
	}
	wq(r, table + ((iova >> 12) & 0x1ff) * 8, pa | flags);
	return table + ((iova >> 12) & 0x1ff) * 8;
}

START_TEST(sm_second_level)
{
	struct rig r;
	uint64_t pe, slpt, pa, v;

	rig_init(&r, true, 48, 1);
	pe = sm_pasid(&r, DEV1, 0, false, 0);         /* requests without PASID: RID_PASID 0 */
	slpt = page(&r);
	pa = page(&r);
	pe_sl(&r, pe, slpt, 2, 4);
	sl_map(&r, slpt, 4, 0x123456000ULL, pa, SL_R | SL_W);
	enable(&r, r.root | 1 << 10);                  /* TTM 01b: scalable */
	ck_assert(dma_write(&r, 1, 0x123456018ULL, 0xfeedULL));
	ck_assert_uint_eq(rq(&r, pa + 0x18), 0xfeed);
	ck_assert(dma_read(&r, 1, 0x123456018ULL, &v));
	ck_assert_uint_eq(v, 0xfeed);
	/* Unmapped (an entry with R = W = 0): SSL.2 (0x79).  Mapped write-only:
	 * SGN.7 read (0x86).  A request with PASID while PASIDE is clear:
	 * SCT.6 (0x45), with PP and PV. */
	ck_assert(!dma_read(&r, 1, 0x5000, &v));
	expect_fault(&r, 0, 0x5000, FR_F | FR_T_READ | FR_REASON(0x79) | DEV1);
	wr(&r, r.frcd + 8, 8, FR_F);
	sl_map(&r, slpt, 4, 0x123457000ULL, pa, SL_W);
	ck_assert(!dma_read(&r, 1, 0x123457000ULL, &v));
	expect_fault(&r, 0, 0x123457000ULL, FR_F | FR_T_READ | FR_REASON(0x86) | DEV1);
	ck_assert(dma_write(&r, 1, 0x123457000ULL, 1));
	wr(&r, r.frcd + 8, 8, FR_F);
	/* Above the 48-bit AGAW of the PASID entry: SGN.4 (0x83). */
	ck_assert(!dma_write(&r, 1, 1ULL << 48, 1));
	expect_fault(&r, 0, 1ULL << 48, FR_F | FR_REASON(0x83) | DEV1);
	wr(&r, r.frcd + 8, 8, FR_F);
	dev_pasid(&r, 1, true, 0x42, 0);
	ck_assert(!dma_write(&r, 1, 0x123456000ULL, 1));
	expect_fault(&r, 0, 0x123456000ULL, FR_F | FR_PP | FR_PV(0x42) | FR_REASON(0x45) | DEV1);
	rig_fini(&r);
}
END_TEST

START_TEST(sm_first_level)
{
	struct rig r;
	uint64_t pe, flpt, pa, leaf, v;

	rig_init(&r, true, 48, 2);
	pe = sm_pasid(&r, DEV1, 0x155, true, 0);
	flpt = page(&r);
	pa = page(&r);
	pe_fl(&r, pe, flpt, 6, true);
	leaf = fl_map(&r, flpt, 0x7fff00001000ULL, pa, FL_P | FL_RW | FL_US);
	enable(&r, r.root | 1 << 10);
	dev_pasid(&r, 1, true, 0x155, 0);
	ck_assert(dma_write(&r, 1, 0x7fff00001020ULL, 0x5151));
	ck_assert_uint_eq(rq(&r, pa + 0x20), 0x5151);
	/* Hardware sets A on every level and D on the leaf (spec 3.6). */
	ck_assert_uint_eq(rq(&r, leaf), pa | FL_P | FL_RW | FL_US | FL_A | FL_D);
	ck_assert(dma_read(&r, 1, 0x7fff00001020ULL, &v));
	ck_assert_uint_eq(v, 0x5151);
	/* Non-canonical (bit 47 set, 63:48 clear): SGN.1 (0x80). */
	ck_assert(!dma_read(&r, 1, 0x800000000000ULL, &v));
	expect_fault(&r, 0, 0x800000000000ULL,
		     FR_F | FR_T_READ | FR_PP | FR_PV(0x155) | FR_REASON(0x80) | DEV1);
	/* A user request to a supervisor page: SGN.2 (0x81). */
	fl_map(&r, flpt, 0x2000, pa, FL_P | FL_RW);
	ck_assert(!dma_read(&r, 1, 0x2000, &v));
	expect_fault(&r, 1, 0x2000, FR_F | FR_T_READ | FR_PP | FR_PV(0x155) | FR_REASON(0x81) | DEV1);
	/* ... allowed when privileged (bit 93 in the record when it faults). */
	dev_pasid(&r, 1, true, 0x155, 1);
	ck_assert(dma_read(&r, 1, 0x2000, &v));
	/* PASID 0x156 has no PASID entry: SPT.2 (0x59), with PRIV. */
	wr(&r, r.frcd + 8, 8, FR_F);
	wr(&r, r.frcd + 24, 8, FR_F);
	dev_pasid(&r, 1, true, 0x156, 1);
	ck_assert(!dma_write(&r, 1, 0x2000, 1));
	expect_fault(&r, 0, 0x2000, FR_F | FR_PP | FR_PV(0x156) | 1ULL << 29 |
		     FR_REASON(0x59) | DEV1);
	rig_fini(&r);
}
END_TEST

/* Scalable-mode fault reasons, each with its exact record (spec 7.1.3). */
enum { S_ROOT_ACCESS, S_ROOT_P, S_ROOT_RSVD, S_CTX_P, S_CTX_RSVD, S_CTX_INV, S_PDTS,
       S_DIR_P, S_DIR_RSVD, S_PE_RSVD, S_PGTT, S_SRE, S_ERE, S_FL_PTR, S_FL_P, S_FL_RSVD,
       S_WRITE, S_EXEC, S_TTM, S_NCASES };

START_TEST(sm_fault_reasons)
{
	static const uint8_t reason[S_NCASES] = {
		0x38, 0x39, 0x3a, 0x41, 0x42, 0x43, 0x46, 0x51, 0x52, 0x5a, 0x5b, 0x5d, 0x5c,
		0x73, 0x71, 0x72, 0x85, 0x82, 0x30,
	};
	const uint64_t outside = 0x4000000000ULL;  /* below 2^48 (HAW), not RAM */
	struct rig r;
	uint64_t pe, flpt, leaf, ct, dir, rta, iova = 0x4000, hi, v;
	uint32_t pasid = 5;
	unsigned attr = 0;
	bool write = false, ok;

	rig_init(&r, true, 48, 1);
	pe = sm_pasid(&r, DEV1, pasid, true, 0);
	ct = rq(&r, r.root) & ~0xfffULL;
	dir = rq(&r, ct + DEV1 * 32) & ~0xfffULL;
	flpt = page(&r);
	pe_fl(&r, pe, flpt, 1, false);
	leaf = fl_map(&r, flpt, iova, page(&r), FL_P | FL_RW | FL_US);
	rta = r.root | 1 << 10;
	switch (_i) {
	case S_ROOT_ACCESS: rta = outside | 1 << 10; break;
	case S_ROOT_P: wq(&r, r.root, 0); break;
	case S_ROOT_RSVD: wq(&r, r.root, ct | 1 << 3 | 1); break;
	case S_CTX_P: wq(&r, ct + DEV1 * 32, 0); break;
	case S_CTX_RSVD: wq(&r, ct + DEV1 * 32 + 16, 1); break;            /* 191:128 */
	case S_CTX_INV: wq(&r, ct + DEV1 * 32, dir | 1 << 3 | 1 << 2 | 1); break; /* DTE */
	case S_PDTS: pasid = 128 << 6; break;      /* PDTS 0: 128 directory entries */
	case S_DIR_P: wq(&r, dir, 0); break;
	case S_DIR_RSVD: wq(&r, dir, rq(&r, dir) | 1 << 2); break;
	case S_PE_RSVD: wq(&r, pe, rq(&r, pe) | 1 << 10); break;
	case S_PGTT: wq(&r, pe, 5 << 6 | 1); break;                         /* reserved PGTT */
	case S_SRE: attr = 1; break;                                        /* privileged, SRE 0 */
	case S_ERE: attr = 2; break;                                        /* execute, ERE 0 */
	case S_FL_PTR: wq(&r, pe + 16, outside); break;
	case S_FL_P: iova = 0x5000; break;
	case S_FL_RSVD: wq(&r, leaf, rq(&r, leaf) | 1ULL << 50); break;     /* beyond HAW */
	case S_WRITE: wq(&r, leaf, rq(&r, leaf) & ~FL_RW); write = true; break;
	case S_EXEC:
		wq(&r, pe + 16, flpt | 1 << 1);                             /* ERE */
		wq(&r, leaf, rq(&r, leaf) | 1ULL << 63);                    /* XD */
		attr = 2;
		break;
	case S_TTM: rta = r.root | 2 << 10; break;                          /* reserved TTM */
	}
	enable(&r, rta);
	dev_pasid(&r, 1, true, pasid, attr);
	ok = write ? dma_write(&r, 1, iova, 5) : dma_read(&r, 1, iova, &v);
	ck_assert(!ok);
	hi = FR_F | (write ? 0 : FR_T_READ) | FR_PP | FR_PV(pasid) | FR_REASON(reason[_i]) | DEV1;
	if (attr & 1)
		hi |= 1ULL << 29;                          /* PRIV */
	if (attr & 2)
		hi |= 1ULL << 30;                          /* EXE */
	expect_fault(&r, 0, iova, hi);
	rig_fini(&r);
}
END_TEST

/* First-level translations are cached until a PASID-based IOTLB
 * invalidation (type 6); the PASID entry until a PASID-cache one (type 7). */
START_TEST(sm_stale_queued)
{
	struct rig r;
	struct iq q;
	uint64_t pe, flpt, pa1, pa2, leaf, status, v;

	rig_init(&r, true, 48, 1);
	pe = sm_pasid(&r, DEV1, 9, true, 0);
	flpt = page(&r);
	pa1 = page(&r);
	pa2 = page(&r);
	status = page(&r);
	pe_fl(&r, pe, flpt, 3, false);
	leaf = fl_map(&r, flpt, 0x10000, pa1, FL_P | FL_RW | FL_US);
	enable(&r, r.root | 1 << 10);
	qi_enable(&r, &q, true);                       /* 256-bit descriptors */
	dev_pasid(&r, 1, true, 9, 0);
	ck_assert(dma_write(&r, 1, 0x10000, 1));
	wq(&r, leaf, pa2 | FL_P | FL_RW | FL_US);
	ck_assert(dma_write(&r, 1, 0x10000, 2));
	ck_assert_uint_eq(rq(&r, pa1), 2);             /* stale */
	/* The plain IOTLB descriptor does not cover first-level entries. */
	qi_put(&r, &q, 2 | 2 << 4 | 3 << 16, 0);
	qi_put(&r, &q, 0, 0);                          /* upper half of 256 bits */
	qi_submit(&r, &q);
	ck_assert(dma_write(&r, 1, 0x10000, 3));
	ck_assert_uint_eq(rq(&r, pa1), 3);
	/* PASID-based IOTLB: type 6, G 11b page (5:4), DID, PASID (51:32);
	 * hi: address | AM. */
	qi_put(&r, &q, 6 | 3 << 4 | 3 << 16 | 9ULL << 32, 0x10000);
	qi_put(&r, &q, 0, 0);
	qi_put(&r, &q, 5 | 1 << 5 | 0x77ULL << 32, status);
	qi_put(&r, &q, 0, 0);
	qi_submit(&r, &q);
	ck_assert_uint_eq(rd(&r, FSTS, 4), 0);
	ck_assert_uint_eq(rq(&r, status) & 0xffffffff, 0x77);
	ck_assert(dma_write(&r, 1, 0x10000, 4));
	ck_assert_uint_eq(rq(&r, pa2), 4);
	/* PASID entry cached: clearing P changes nothing until a PASID-cache
	 * invalidation (type 7, G 01b PASID-selective, DID, PASID), even with
	 * the IOTLB flushed (type 6, G 10b: all of the PASID). */
	wq(&r, pe, 0);
	qi_put(&r, &q, 6 | 2 << 4 | 3 << 16 | 9ULL << 32, 0);
	qi_put(&r, &q, 0, 0);
	qi_submit(&r, &q);
	ck_assert(dma_read(&r, 1, 0x10000, &v));
	ck_assert_uint_eq(v, 4);
	qi_put(&r, &q, 7 | 1 << 4 | 3 << 16 | 9ULL << 32, 0);
	qi_put(&r, &q, 0, 0);
	qi_put(&r, &q, 6 | 2 << 4 | 3 << 16 | 9ULL << 32, 0);
	qi_put(&r, &q, 0, 0);
	qi_submit(&r, &q);
	ck_assert(!dma_read(&r, 1, 0x10000, &v));
	expect_fault(&r, 0, 0x10000, FR_F | FR_T_READ | FR_PP | FR_PV(9) | FR_REASON(0x59) | DEV1);
	rig_fini(&r);
}
END_TEST

/* Pass-through (PGTT 100b) and nested (011b) as far as they go. */
START_TEST(sm_pt_nested)
{
	struct rig r;
	uint64_t pe, slpt, flpt_gpa, flpt, pa, v;

	rig_init(&r, true, 48, 1);
	pe = sm_pasid(&r, DEV1, 0, true, 0);
	wq(&r, pe, 4 << 6 | 1);                        /* pass-through */
	wq(&r, pe + 8, 1);
	/* Nested for PASID 1: the guest's first-level table sits at GPA
	 * 0x100000, mapped by the second level to flpt. */
	pe = sm_pasid(&r, DEV1, 1, true, 0);
	slpt = page(&r);
	flpt = page(&r);
	pa = page(&r);
	flpt_gpa = 0x100000;
	wq(&r, pe, slpt | 3 << 6 | 2 << 2 | 1);
	wq(&r, pe + 8, 2);
	wq(&r, pe + 16, flpt_gpa);
	sl_map(&r, slpt, 4, flpt_gpa, flpt, SL_R | SL_W);
	enable(&r, r.root | 1 << 10);
	ck_assert(dma_write(&r, 1, 0x345000, 0x99));
	ck_assert_uint_eq(rq(&r, 0x345000), 0x99);
	/* The guest's tables: every level at GPAs the second level maps. */
	{
		uint64_t gpas[3] = { 0x101000, 0x102000, 0x103000 }, hpas[3];

		for (int i = 0; i < 3; i++) {
			hpas[i] = page(&r);
			sl_map(&r, slpt, 4, gpas[i], hpas[i], SL_R | SL_W);
		}
		wq(&r, flpt, gpas[0] | FL_P | FL_RW | FL_US);        /* iova 0 region */
		wq(&r, hpas[0], gpas[1] | FL_P | FL_RW | FL_US);
		wq(&r, hpas[1], gpas[2] | FL_P | FL_RW | FL_US);
		wq(&r, hpas[2] + 8, 0x200000 | FL_P | FL_RW | FL_US); /* iova 0x1000 -> GPA 0x200000 */
		sl_map(&r, slpt, 4, 0x200000, pa, SL_R | SL_W);
	}
	dev_pasid(&r, 1, true, 1, 0);
	ck_assert(dma_write(&r, 1, 0x1010, 0xabc));
	ck_assert_uint_eq(rq(&r, pa + 0x10), 0xabc);
	ck_assert(dma_read(&r, 1, 0x1010, &v));
	ck_assert_uint_eq(v, 0xabc);
	rig_fini(&r);
}
END_TEST

/* The q35 firmware tables: DMAR with the unit and both devices, MCFG. */
START_TEST(q35_tables)
{
	struct rig r;
	const uint8_t *t;
	const void *data;
	size_t len;
	uint8_t sum = 0;

	rig_init(&r, false, 48, 1);
	ck_assert_int_eq(sim_fw_table(r.m, "DMAR", &data, &len), 0);
	t = data;
	ck_assert_mem_eq(t, "DMAR", 4);
	ck_assert_uint_eq(t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24, len);
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	ck_assert_uint_eq(sum, 0);
	ck_assert_uint_eq(t[36], 47);                  /* HAW - 1 */
	ck_assert_uint_eq(t[48] | t[49] << 8, 0);      /* DRHD */
	ck_assert_uint_eq(t[50] | t[51] << 8, 16 + 2 * 8);
	ck_assert_uint_eq(t[56] | t[57] << 8 | (uint64_t)t[58] << 16 | (uint64_t)t[59] << 24,
			  0xfed90000);
	ck_assert_uint_eq(t[64], 1);                   /* endpoint scope */
	ck_assert_uint_eq(t[70], 1);                   /* device 1 */
	ck_assert_uint_eq(t[78], 2);                   /* device 2 */
	ck_assert_int_eq(sim_fw_table(r.m, "MCFG", &data, &len), 0);
	ck_assert_mem_eq(data, "MCFG", 4);
	rig_fini(&r);
}
END_TEST

/* Storm: many faults, deterministic results, no crash. */
START_TEST(storm)
{
	struct rig r;
	uint64_t slpt;

	rig_init(&r, false, 39, 8);
	slpt = page(&r);
	legacy_ctx(&r, DEV1, slpt, 0, 1, 1);
	enable(&r, r.root);
	dev_w64(&r, 1, SIM_TESTDEV_DMA_SRC, 0x9000);
	dev_w64(&r, 1, SIM_TESTDEV_STORM, 10000);
	ck_assert_uint_eq(rd(&r, FSTS, 4), FSTS_PPF | FSTS_PFO);
	for (unsigned i = 0; i < 8; i++)
		expect_fault(&r, i, 0x9000, FR_F | FR_T_READ | FR_REASON(6) | DEV1);
	rig_fini(&r);
}
END_TEST

Suite *suite_sim_vtd(void)
{
	Suite *s = suite_create("sim_vtd");
	TCase *tc = tcase_create("vtd");

	tcase_add_test(tc, caps);
	tcase_add_test(tc, gcmd_protocol);
	tcase_add_loop_test(tc, legacy_round_trip, 0, 3);
	tcase_add_test(tc, legacy_large_and_pt);
	tcase_add_loop_test(tc, legacy_fault_reasons, 0, F_NCASES);
	tcase_add_test(tc, legacy_fpd);
	tcase_add_test(tc, pfo_overflow);
	tcase_add_test(tc, stale_register_inval);
	tcase_add_test(tc, stale_queued_inval);
	tcase_add_test(tc, queue_error);
	tcase_add_test(tc, queue_bad_config);
	tcase_add_test(tc, sm_second_level);
	tcase_add_test(tc, sm_first_level);
	tcase_add_loop_test(tc, sm_fault_reasons, 0, S_NCASES);
	tcase_add_test(tc, sm_stale_queued);
	tcase_add_test(tc, sm_pt_nested);
	tcase_add_test(tc, q35_tables);
	tcase_add_test(tc, storm);
	suite_add_tcase(s, tc);
	return s;
}
