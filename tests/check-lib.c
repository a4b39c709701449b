/* SPDX-License-Identifier: MIT */
/*
 * libsmmu end to end against both sim platforms: discovery, own, attach,
 * map, a DMA round trip with the data checked, faults for unmapped and
 * read-only addresses, overflow counted, and release restoring every
 * register.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/smmu.h"
#include "lib/smmu-testing.h"
#include "lib/pgtable.h"
#include "lib/domain.h" /* the domain's tables and the backend, to write past the library */
#include "lib/smmuv3.h"
#include "lib/vtd.h"
#include "backends/sim/sim.h" /* writes as a device, past the library */

struct plat {
	const char *spec;
	uint64_t unit_base;
	uint64_t ram;             /* a free page of RAM for data */
	const uint32_t *regs;     /* registers compared before own / after release */
	size_t nregs;
	uint32_t unmapped_code;   /* reason for a read of an unmapped IOVA */
	uint32_t perm_code;       /* reason for a write to a read-only page */
};

/* SMMUv3: every register own() may touch (page 0 and page 1). */
static const uint32_t smmuv3_regs[] = {
	0x20, 0x24, 0x28, 0x2c, 0x44, 0x50, 0x54, 0x60, 0x64, 0x68, 0x6c, 0x70, 0x74, 0x80, 0x84, 0x88,
	0x90, 0x94, 0x98, 0x9c, 0xa0, 0xa4, 0xb0, 0xb4, 0xb8, 0xbc, 0xc0, 0xc4, 0xd0, 0xd4, 0xd8, 0xdc,
	0x100a8, 0x100ac, 0x100c8, 0x100cc,
};
/* VT-d: GSTS, RTADDR, CCMD, FSTS, FECTL, FEDATA, FEADDR, FEUADDR, IQH, IQT, IQA,
 * and the IOTLB registers (sim's ECAP.IRO puts them at 0x100). */
static const uint32_t vtd_regs[] = {
	0x1c, 0x20, 0x24, 0x28, 0x2c, 0x34, 0x38, 0x3c, 0x40, 0x44, 0x80, 0x84, 0x88, 0x8c, 0x90, 0x94,
	0x100, 0x104, 0x108, 0x10c,
};

/* AMD-Vi: the bases, Control, the exclusion range, the head and tail pointers. */
static const uint32_t amdvi_regs[] = {
	0x00, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24, 0x28, 0x2c,
	0x2000, 0x2004, 0x2008, 0x200c, 0x2010, 0x2014, 0x2018, 0x201c,
};

static const struct plat plats[] = {
	{ "sim:virt", 0x09050000, 0x40100000, smmuv3_regs, sizeof(smmuv3_regs) / 4, 0x10, 0x13 },
	{ "sim:q35", 0xfed90000, 0x00100000, vtd_regs, sizeof(vtd_regs) / 4, 0x06, 0x05 },
	/* IO_PAGE_FAULT for both; PR and PE tell them apart */
	{ "sim:amd", 0xfed80000, 0x00100000, amdvi_regs, sizeof(amdvi_regs) / 4, 0x02, 0x02 },
};

#define NPLATS ((int)(sizeof(plats) / sizeof(plats[0])))

static struct smmu_target *open_target_with(const char *spec, const char *const *opts, size_t nopts)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open(spec, opts, nopts, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

static struct smmu_target *open_target(const char *spec)
{
	return open_target_with(spec, NULL, 0);
}

/* The first unit owned and a domain "d" with 00:01.0 attached. */
static struct smmu_domain *own_and_attach(struct smmu_target *t)
{
	struct smmu_domain *dom;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), dom), 0);
	return dom;
}

static void read_regs(struct smmu_target *t, const struct plat *p, uint32_t *out)
{
	for (size_t i = 0; i < p->nregs; i++) {
		uint64_t v;
		ck_assert_int_eq(smmu_mmio_read(t, p->unit_base + p->regs[i], 4, &v), 0);
		out[i] = (uint32_t)v;
	}
}

START_TEST(discovers_units_and_devices)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit_info ui;
	struct smmu_device_info di;

	ck_assert_uint_eq(smmu_unit_count(t), 1);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, p->unit_base);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(di.sid, 0x8); /* identity RID -> StreamID / source-id */
	ck_assert(di.caps & SMMU_DEV_DMA);
	/* virt's device tree also maps RIDs to ITS DeviceIDs (msi-map) */
	ck_assert_int_eq(di.has_msi_id, p->unit_base == 0x09050000);
	if (di.has_msi_id)
		ck_assert_uint_eq(di.msi_id, 0x8);
	ck_assert_ptr_nonnull(smmu_device_find(t, "00:02.0"));
	smmu_target_close(t);
}
END_TEST

/* A map fills invalid entries only: no invalidation where the unit caches no
 * invalid entry (SMMUv3, VT-d with CAP.CM=0 and RWBF=0, AMD-Vi with NpCache=0
 * as sim's; QEMU's AMD-Vi sets NpCache: check_qemu).  An unmap whose
 * invalidation failed is owed: the next map invalidates. */
START_TEST(map_invalidates_only_where_invalid_entries_are_cached)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	struct smmu_device_info di;
	struct smmu_translation tr;

	smmu_device_info(d, &di);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "fill", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R), 0);
	/* into the leaf table that map made: one write, the entry, and no
	 * invalidation */
	uint64_t acc = smmu_target_accesses(t);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram, 0x1000, SMMU_PROT_R), 0);
	ck_assert_uint_eq(smmu_target_accesses(t) - acc, 1);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	acc = smmu_target_accesses(t);
	ck_assert_int_eq(smmu_unmap(dom, 0x20000, 0x1000), 0);
	ck_assert_uint_gt(smmu_target_accesses(t) - acc, 1); /* the entry and the invalidation */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);

	/* an unmap whose entry went but whose invalidation failed, so the
	 * unit still translates the page: the next map (elsewhere) owes that
	 * invalidation.  The k-th access of the unmap fails, from its first on
	 * (read-backs, the entry, the invalidation), until one leaves the page
	 * in the unit's TLB. */
	bool stale = false;
	for (uint64_t k = 1; k < 32 && !stale; k++) {
		int rc = smmu_map(dom, 0x20000, p->ram, 0x1000, SMMU_PROT_R);
		ck_assert_msg(rc == 0 || rc == -EEXIST, "map: %d", rc); /* (still there after a failed unmap) */
		ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0); /* now in its TLB */
		ck_assert_int_eq(smmu_faults_poll(t), 0);
		ck_assert_int_eq(smmu_target_fail_after(t, k), 0);
		rc = smmu_unmap(dom, 0x20000, 0x1000);
		ck_assert_int_eq(smmu_target_fail_after(t, 0), 0);
		ck_assert_int_ne(rc, 0);
		ck_assert_int_eq(smmu_translate(smmu_unit_at(t, 0), &(struct smmu_stream){ di.sid, false, 0 }, 0x20000,
						SMMU_PROT_R, &tr), 0);
		if (tr.ok)
			continue; /* failed before the entry went */
		ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0);
		stale = smmu_faults_poll(t) == 0; /* (a fault: the invalidation ran before the failure) */
	}
	ck_assert_msg(stale, "no failed unmap left the page in the unit's TLB");
	ck_assert_int_eq(smmu_map(dom, 0x30000, p->ram, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	smmu_target_close(t);
}
END_TEST

/* An owned unit's configuration registers are read once (only its driver
 * writes them), its ID registers once per session; the tables are read
 * live every time.  Any register write past the driver drops what was kept:
 * the next look reads what the unit now says. */
START_TEST(owned_unit_registers_are_read_once)
{
	static const uint32_t enable[] = { 0x20 /* CR0 */, 0x18 /* GCMD */ };
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	struct smmu_config cfg;
	uint64_t first, again;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "kept", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_target_fail_after(t, 0), 0);
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	first = smmu_target_accesses(t);
	ck_assert_int_eq(smmu_target_fail_after(t, 0), 0);
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	again = smmu_target_accesses(t);
	ck_assert_uint_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	ck_assert_uint_lt(again, first);
	/* the structures, read live both times (L1 descriptor, STE, CD; root
	 * and context entry), no register the second time */
	ck_assert_uint_eq(again, _i == 0 ? 3 : 2);

	/* translation turned off behind the driver's back: seen at once */
	ck_assert_int_eq(smmu_mmio_write(t, p->unit_base + enable[_i], 4, 0), 0);
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	ck_assert_uint_ne(cfg.verdict, SMMU_CFG_TRANSLATE);
	smmu_target_close(t);
}
END_TEST

/* The whole manager path: what `smmush` does for a user. */
START_TEST(own_map_dma_fault_release)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	uint32_t before[64], after[64];
	uint8_t pattern[256], got[256];
	struct smmu_fault f;

	read_regs(t, p, before);
	ck_assert_int_eq(smmu_unit_owned(u), false);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "test", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram + 0x1000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x20000, p->ram, 0x1000, SMMU_PROT_R), -EEXIST);

	/* round trip: memory -> device buffer -> memory, through two mappings */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(smmu_mem_write(t, p->ram, pattern, sizeof(pattern)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x20000, sizeof(pattern), NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, p->ram + 0x1000, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pattern, sizeof(pattern));
	ck_assert_int_eq(smmu_faults_poll(t), 0);

	/* an unmapped IOVA: exactly one record, for this device, read access */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &f), 0);
	ck_assert_ptr_eq(f.dev, d);
	ck_assert_uint_eq(f.stream.sid, 0x8);
	ck_assert_uint_eq(f.addr, 0x30000);
	ck_assert_uint_eq(f.access & (SMMU_PROT_R | SMMU_PROT_W), SMMU_PROT_R);
	ck_assert_uint_eq(f.code, p->unmapped_code);
	struct smmu_explain ex;
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.walked && !ex.tr.ok && ex.tr.x.fault == SMMU_PGT_F_INVALID, "%s", ex.text);
	ck_assert_msg(strstr(ex.text, "0x30000 is not mapped"), "%s", ex.text);
	/* the walk reached the last level: one entry per level was read */
	ck_assert_int_ge(ex.tr.x.nsteps, 1);

	/* the live configuration of an attached and of an unattached device */
	struct smmu_config cfg;
	ck_assert_int_eq(smmu_device_config(d, false, 0, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	ck_assert_int_eq(smmu_device_config(smmu_device_find(t, "00:02.0"), false, 0, &cfg), 0);
	ck_assert_msg(cfg.verdict == SMMU_CFG_ABORT || cfg.verdict == SMMU_CFG_FAULT, "%s", cfg.reason);
	struct smmu_translation tr;
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, false, 0 }, 0x20010, SMMU_PROT_R, &tr), 0);
	ck_assert(tr.ok);
	ck_assert_uint_eq(tr.pa, p->ram + 0x1010);

	/* a write to a read-only page: a permission fault */
	ck_assert_int_eq(smmu_map(dom, 0x40000, p->ram + 0x2000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x40000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 1, &f), 0);
	ck_assert_uint_eq(f.code, p->perm_code);
	ck_assert_uint_eq(f.cls, SMMU_FC_PERMISSION);
	ck_assert_uint_eq(f.access & SMMU_PROT_W, SMMU_PROT_W);
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.x.fault == SMMU_PGT_F_PERM && strstr(ex.text, "allows R") &&
			      strstr(ex.text, "write needs W"), "%s", ex.text);

	/* unmap, and the same DMA faults again: the TLB was invalidated */
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x1000), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);

	ck_assert_int_eq(smmu_domain_destroy(dom), -EBUSY);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	read_regs(t, p, after);
	for (size_t i = 0; i < p->nregs; i++) {
		uint32_t diff = before[i] ^ after[i];
		/* VT-d GSTS.RTPS: once set only a reset clears it */
		if (p->unit_base == 0xfed90000 && p->regs[i] == 0x1c)
			diff &= ~(1u << 30);
		ck_assert_msg(!diff, "%s: register 0x%x was 0x%08x before own, 0x%08x after release",
			      p->spec, p->regs[i], before[i], after[i]);
	}
	/* the device stays in its domain across release: detach, then destroy */
	ck_assert_int_eq(smmu_domain_destroy(dom), -EBUSY);
	ck_assert_int_eq(smmu_device_detach(d), 0);
	ck_assert_int_eq(smmu_domain_destroy(dom), 0);
	smmu_target_close(t);
}
END_TEST

/* A kernel that left DMA remapping off but uses the unit for interrupt
 * remapping, with queued invalidation on (as Linux does with intel_iommu=off
 * and intremap on): own keeps QI and IR on, invalidates through a queue of
 * its own, and release gives the kernel its queue back where it left it.
 * The "kernel" here programs the registers as Linux would. */
#define KQ 0x00200000ull    /* the kernel's queue (RAM) */
#define KST 0x00201000ull   /* its wait descriptors' status dwords */
#define VTD(r) (0xfed90000ull + (r))

static void kernel_wait(struct smmu_target *t, unsigned slot, uint32_t data)
{
	uint64_t d[2] = { 0x5 | 1u << 5 | (uint64_t)data << 32, KST + 4 * slot };
	ck_assert_int_eq(smmu_mem_write(t, KQ + 16 * slot, d, 16), 0);
}

static uint32_t kernel_status(struct smmu_target *t, unsigned slot)
{
	uint32_t v;
	ck_assert_int_eq(smmu_mem_read(t, KST + 4 * slot, &v, 4), 0);
	return v;
}

START_TEST(vtd_queued_invalidation_kept)
{
	const struct plat *p = &plats[1];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	uint32_t before[64], after[64];
	uint64_t v, tb, ts;
	uint8_t buf[64] = { 1, 2, 3 };

	/* the kernel: QI on with one wait descriptor done, then IR on */
	kernel_wait(t, 0, 0x1111);
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x90), 8, KQ), 0);        /* IQA */
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x88), 8, 0), 0);         /* IQT */
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x18), 4, 1u << 26), 0);  /* GCMD.QIE */
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x88), 8, 0x10), 0);
	ck_assert_uint_eq(kernel_status(t, 0), 0x1111);
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0xb8), 8, 0x00202007), 0); /* IRTA */
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x18), 4, 1u << 26 | 1u << 24), 0); /* SIRTP */
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x18), 4, 1u << 26 | 1u << 25), 0); /* IRE */
	read_regs(t, p, before);
	ck_assert_uint_eq(before[0] & 0x07000000, 0x07000000); /* IRTPS IRES QIES */

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x1c), 4, &v), 0);
	ck_assert_msg((v & 0x86000000) == 0x86000000, "GSTS 0x%llx: TES, IRES and QIES on", (unsigned long long)v);
	ck_assert_int_eq(smmu_target_table_region(t, &tb, &ts), 0);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x90), 8, &v), 0);
	ck_assert_msg(v >= tb && v < tb + ts, "IQA 0x%llx: smmush's queue, in its table region", (unsigned long long)v);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0xb8), 8, &v), 0);
	ck_assert_uint_eq(v, 0x00202007); /* interrupt remapping untouched */

	/* map, DMA, unmap: the same DMA faults, so the queue invalidated */
	ck_assert_int_eq(smmu_domain_create(t, "qi", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_mem_write(t, p->ram, buf, sizeof(buf)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x1000), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	uint64_t iqh, iqt;
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x80), 8, &iqh), 0);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x88), 8, &iqt), 0);
	ck_assert_msg(iqh == iqt && iqt, "the hardware ran smmush's descriptors (IQH 0x%llx IQT 0x%llx)",
		      (unsigned long long)iqh, (unsigned long long)iqt);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x34), 4, &v), 0);
	ck_assert_uint_eq(v & 0x70, 0); /* no IQE, ICE, ITE */

	/* release: every register back, the kernel's queue where it left it */
	ck_assert_int_eq(smmu_unit_release(u), 0);
	read_regs(t, p, after);
	for (size_t i = 0; i < p->nregs; i++) {
		uint32_t diff = before[i] ^ after[i];
		if (p->regs[i] == 0x1c)
			diff &= ~(1u << 30); /* RTPS */
		ck_assert_msg(!diff, "register 0x%x was 0x%08x before own, 0x%08x after release", p->regs[i], before[i],
			      after[i]);
	}
	/* ... and the kernel's next descriptor runs */
	kernel_wait(t, 1, 0x2222);
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x88), 8, 0x20), 0);
	ck_assert_uint_eq(kernel_status(t, 1), 0x2222);

	/* the kernel queues work while smmush owns the unit: smmush's next
	 * invalidation refuses (the tail is not its own), and release hands the
	 * kernel's tail back, so its descriptor runs then */
	ck_assert_int_eq(smmu_unit_own(u), 0);
	kernel_wait(t, 2, 0x3333);
	ck_assert_int_eq(smmu_mmio_write(t, VTD(0x88), 8, 0x30), 0);
	/* (a map fills invalid entries only: with CAP.CM=0 it invalidates nothing) */
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x1000), -EBUSY);
	ck_assert_uint_eq(kernel_status(t, 2), 0);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	ck_assert_uint_eq(kernel_status(t, 2), 0x3333);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x80), 8, &iqh), 0);
	ck_assert_uint_eq(iqh, 0x30);
	ck_assert_int_eq(smmu_mmio_read(t, VTD(0x1c), 4, &v), 0);
	ck_assert_uint_eq(v & 0x87000000, 0x07000000);
	smmu_target_close(t);
}
END_TEST

/* release keeps domains, devices and mappings; the next own installs them
 * again and DMA works as before, for every domain and device. */
START_TEST(domains_survive_release)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d1 = smmu_device_find(t, "00:01.0"), *d2 = smmu_device_find(t, "00:02.0");
	struct smmu_domain *a, *b;
	uint8_t pattern[64], got[64], junk[4096];
	struct smmu_pgt_xlate x;

	memset(junk, 0xa5, sizeof(junk));
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_device_attach(d1, a), 0);
	ck_assert_int_eq(smmu_device_attach(d2, b), 0);
	ck_assert_int_eq(smmu_map(a, 0x10000, p->ram, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(b, 0x10000, p->ram + 0x2000, 0x1000, SMMU_PROT_R), 0);
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(smmu_unit_release(u), 0);
		ck_assert_ptr_eq(smmu_device_domain(d1), a);
		ck_assert_ptr_eq(smmu_device_domain(d2), b);
		ck_assert_uint_eq(smmu_domain_count(t), 2);
		ck_assert_int_eq(smmu_map(a, 0x20000, p->ram, 0x1000, SMMU_PROT_R), -SMMU_E_NOTOWNED);
		/* memory where the tables were may change meanwhile (someone
		 * else's write, past the library: the cache keeps smmush's) */
		smmu_pgt_translate(a->pgt, 0x10000, 0, &x);
		ck_assert_int_eq(t->ops->mem_write(t->priv, x.step[x.nsteps - 1].table_pa, junk, sizeof(junk)), 0);
		ck_assert_int_eq(smmu_unit_own(u), 0);
		/* a round trip through a's mappings, data checked */
		for (size_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = (uint8_t)(i * 5 + round);
		ck_assert_int_eq(smmu_mem_write(t, p->ram, pattern, sizeof(pattern)), 0);
		ck_assert_int_eq(smmu_dma(d1, SMMU_DMA_FROM_MEM, 0x10000, sizeof(pattern), NULL), 0);
		ck_assert_int_eq(smmu_dma(d1, SMMU_DMA_TO_MEM, 0x11000, sizeof(pattern), NULL), 0);
		ck_assert_int_eq(smmu_mem_read(t, p->ram + 0x1000, got, sizeof(got)), 0);
		ck_assert_mem_eq(got, pattern, sizeof(pattern));
		/* b read-only, as mapped: its read works, its write faults */
		ck_assert_int_eq(smmu_dma(d2, SMMU_DMA_FROM_MEM, 0x10000, 8, NULL), 0);
		ck_assert_int_eq(smmu_faults_poll(t), 0);
		ck_assert_int_eq(smmu_dma(d2, SMMU_DMA_TO_MEM, 0x10000, 8, NULL), 0);
		ck_assert_int_eq(smmu_faults_poll(t), 1);
	}
	/* detach while released changes only the record; own leaves it out */
	ck_assert_int_eq(smmu_unit_release(u), 0);
	ck_assert_int_eq(smmu_device_detach(d2), 0);
	ck_assert_int_eq(smmu_domain_destroy(b), 0);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_dma(d2, SMMU_DMA_FROM_MEM, 0x10000, 8, NULL), 0);
	/* d2's context or DTE blocks (a fault record); its STE aborts (SMMUv3 records none) */
	ck_assert_int_eq(smmu_faults_poll(t), p->unit_base != 0x09050000);
	ck_assert_int_eq(smmu_dma(d1, SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	smmu_target_close(t);
}
END_TEST

/* own / attach / map / DMA / unmap / release, stopping at the first error. */
static int sequence(struct smmu_target *t, const struct plat *p)
{
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom = smmu_domain_find(t, "fi");
	int rc;

	if (!dom && (rc = smmu_domain_create(t, "fi", 0, &dom)))
		return rc;
	if ((rc = smmu_unit_own(u)) || (rc = smmu_device_attach(d, dom)) ||
	    (rc = smmu_map(dom, 0x10000, p->ram, 0x2000, SMMU_PROT_R | SMMU_PROT_W)) ||
	    (rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 128, NULL)) ||
	    (rc = smmu_unmap(dom, 0x10000, 0x1000)) || (rc = smmu_faults_poll(t)) < 0 ||
	    (rc = smmu_unit_release(u)))
		return rc < 0 ? rc : 0;
	return 0;
}

/* Fault injection: the backend fails the Nth access, for every N along the
 * sequence.  The library must return the error, and a release afterwards
 * must put every register back (leaks are ASan's and valgrind's to find). */
START_TEST(every_failure_point_still_releases)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	uint32_t before[64], after[64];

	smmu_target_fail_after(t, UINT64_MAX);
	ck_assert_int_eq(sequence(t, p), 0);
	uint64_t total = smmu_target_accesses(t);
	smmu_target_close(t);
	ck_assert_uint_gt(total, 20);

	for (uint64_t n = 1; n <= total; n++) {
		t = open_target(p->spec);
		read_regs(t, p, before);
		smmu_target_fail_after(t, n);
		int rc = sequence(t, p);
		ck_assert_msg(rc != 0, "%s: failing access %llu of %llu went unnoticed", p->spec,
			      (unsigned long long)n, (unsigned long long)total);
		smmu_target_fail_after(t, 0);
		ck_assert_int_eq(smmu_target_release_all(t), 0);
		ck_assert(!smmu_unit_owned(smmu_unit_at(t, 0)));
		read_regs(t, p, after);
		for (size_t i = 0; i < p->nregs; i++) {
			uint32_t diff = before[i] ^ after[i];
			if (p->unit_base == 0xfed90000 && p->regs[i] == 0x1c)
				diff &= ~(1u << 30); /* GSTS.RTPS, see above */
			ck_assert_msg(!diff, "%s: failure at access %llu: register 0x%x 0x%08x -> 0x%08x",
				      p->spec, (unsigned long long)n, p->regs[i], before[i], after[i]);
		}
		smmu_target_close(t);
	}
}
END_TEST

/* xorshift: the same sequence every run */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * The library's walk against the model's own translation: random mappings
 * (pages and 2 MiB blocks, random permissions), then for random addresses
 * and accesses, smmu_translate's verdict must match what the device's DMA
 * does in the model: the data moves to or from the very physical address
 * the library named, or the model records a fault.  (sim's test device also
 * shows its DMA buffer at BAR0 + 0x40000, which lets the test see the data.)
 */
START_TEST(engine_agrees_with_the_model)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	uint64_t seed = 0x9e3779b97f4a7c15ull, maps[64][2];
	unsigned nmaps = 0, translated = 0, faulted = 0;
	uint32_t bar;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "rand", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	/* random mappings in a 1 GiB window of IOVA, onto 64 MiB of RAM */
	for (int i = 0; i < 64; i++) {
		bool block = rnd(&seed) % 4 == 0;
		uint64_t size = block ? 0x200000 : 0x1000 * (1 + rnd(&seed) % 4);
		uint64_t align = block ? 0x200000 : 0x1000;
		uint64_t iova = (rnd(&seed) % 0x40000000) & ~(align - 1);
		uint64_t pa = p->ram + ((rnd(&seed) % 0x4000000) & ~(align - 1));
		int rc = smmu_map(dom, iova, pa, size, 1 + rnd(&seed) % 3 /* R, W or RW */);
		ck_assert_msg(rc == 0 || rc == -EEXIST, "map: %d", rc);
		if (!rc) {
			maps[nmaps][0] = iova;
			maps[nmaps++][1] = size;
		}
	}
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0, 8, NULL), 0); /* BAR on, bus master on */
	smmu_faults_poll(t);
	ck_assert_int_eq(smmu_pci_read(t, 0x8, 0x10, 4, &bar), 0);
	uint64_t buf = (bar & ~0xfu) + 0x40000;
	for (int i = 0; i < 400; i++) {
		/* half the probes inside a mapping, half anywhere */
		uint64_t iova = rnd(&seed) % 0x40000000;
		if (i & 1) {
			const uint64_t *m = maps[rnd(&seed) % nmaps];
			iova = m[0] + rnd(&seed) % m[1];
		}
		iova &= ~7ull;
		bool write = rnd(&seed) & 1;
		struct smmu_translation tr;
		ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, false, 0 }, iova, write ? SMMU_PROT_W : SMMU_PROT_R,
						&tr), 0);
		uint64_t tag = rnd(&seed), got = 0;
		if (write)
			ck_assert_int_eq(smmu_mmio_write(t, buf, 8, tag), 0);
		else if (tr.ok)
			ck_assert_int_eq(smmu_mem_write(t, tr.pa, &tag, 8), 0);
		ck_assert_int_eq(smmu_dma(d, write ? SMMU_DMA_TO_MEM : SMMU_DMA_FROM_MEM, iova, 8, NULL), 0);
		int n = smmu_faults_poll(t);
		ck_assert_msg((n == 0) == tr.ok, "%s: 0x%llx %s: the library says %s, the model %s", p->spec,
			      (unsigned long long)iova, write ? "write" : "read",
			      tr.ok ? "translates" : "faults", n ? "faulted" : "did not fault");
		if (!tr.ok) {
			faulted++;
			continue;
		}
		if (write)
			ck_assert_int_eq(smmu_mem_read(t, tr.pa, &got, 8), 0);
		else
			ck_assert_int_eq(smmu_mmio_read(t, buf, 8, &got), 0);
		ck_assert_msg(got == tag, "%s: 0x%llx: the data did not go to/come from 0x%llx", p->spec,
			      (unsigned long long)iova, (unsigned long long)tr.pa);
		translated++;
	}
	ck_assert_uint_gt(faulted, 50);
	ck_assert_uint_gt(translated, 50);
	smmu_target_close(t);
}
END_TEST

static unsigned seen_each, seen_batches;
static void on_fault(void *ctx, const struct smmu_fault *f)
{
	(void)ctx;
	(void)f;
	seen_each++;
}
static void on_batch(void *ctx, size_t n)
{
	(void)ctx;
	(void)n;
	seen_batches++;
}

/* More faults than the queue (SMMUv3) or the recording registers (VT-d)
 * hold, without draining: the loss is counted, never silent. */
START_TEST(overflow_is_counted)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom;
	struct smmu_fault_totals tot;
	uint32_t bar;

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "empty", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_fault_subscribe(t, on_fault, on_batch, NULL), 0);
	seen_each = seen_batches = 0;
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x5000, 8, NULL), 0); /* enables the device */
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_uint_eq(seen_each, 1);
	ck_assert_uint_eq(seen_batches, 1);
	ck_assert_int_eq(smmu_pci_read(t, 0x8, 0x10, 4, &bar), 0);
	/* storm: 5000 faulting reads at the DMA source address, nobody draining */
	ck_assert_int_eq(smmu_mmio_write(t, (bar & ~0xfu) + 0x110, 8, 5000), 0);
	int n = smmu_faults_poll(t);
	smmu_faults_totals(t, &tot);
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, 5000);
	ck_assert_uint_ge(tot.lost_overflow, 1);
	ck_assert_uint_eq(seen_each, 1 + (unsigned)n);
	ck_assert_uint_eq(tot.total, 1 + (uint64_t)n);
	smmu_fault_unsubscribe(t, NULL);
	smmu_target_close(t);
}
END_TEST

/* virt's platform device joins a domain by its MMIO range and DMAs through it. */
START_TEST(platform_device_by_mmio_range)
{
	struct smmu_target *t = open_target("sim:virt");
	struct smmu_device *d = smmu_device_find(t, "0x0c000040"), *pci;
	struct smmu_device_info di;
	struct smmu_domain *dom;
	uint8_t in[64], out[64];

	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	ck_assert_int_eq(di.bus, SMMU_BUS_PLATFORM);
	ck_assert_uint_eq(di.sid, 0x100);
	ck_assert(di.caps & SMMU_DEV_DMA);
	ck_assert_ptr_eq(smmu_device_find(t, "platform@0x0c000000"), d);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "plat", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(d, dom), 0);
	pci = smmu_device_find(t, "00:01.0");
	ck_assert_int_eq(smmu_device_attach(pci, dom), 0); /* two devices share a domain */
	ck_assert_int_eq(smmu_device_attach(pci, dom), 0);
	struct smmu_domain *other;
	ck_assert_int_eq(smmu_domain_create(t, "other", 0, &other), 0);
	ck_assert_int_eq(smmu_device_attach(pci, other), -EBUSY);
	ck_assert_int_eq(smmu_map(dom, 0x80000, 0x40300000, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	memset(in, 0x5a, sizeof(in));
	ck_assert_int_eq(smmu_mem_write(t, 0x40300000, in, sizeof(in)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x80000, sizeof(in), NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x81000, sizeof(in), NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, 0x40301000, out, sizeof(out)), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_device_detach(d), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x80000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0); /* detached: its stream aborts silently */
	smmu_target_close(t);
}
END_TEST

/* Names come from pci.ids through libpci. */
START_TEST(pci_names_from_pci_ids)
{
	struct smmu_target *t = open_target("sim:q35");
	struct smmu_device_info di;

	smmu_device_info(smmu_device_find(t, "00:00.0"), &di);
	ck_assert_uint_eq(di.vendor, 0x8086);
	ck_assert_msg(strstr(di.name, "Intel") && strstr(di.name, "Express DRAM Controller"), "%s", di.name);
	smmu_device_info(smmu_device_find(t, "00:01.0"), &di);
	ck_assert_str_eq(di.name, "QEMU edu DMA test device");
	ck_assert_ptr_null(smmu_device_find(t, "00:1f.7"));
	smmu_target_close(t);
}
END_TEST

static int raw_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return smmu_mem_read(ctx, pa, buf, len);
}

static int raw_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	return smmu_mem_write(ctx, pa, buf, len);
}

/*
 * Scalable mode, set up by hand the way a driver would (the library's own()
 * installs legacy tables): root -> 256-bit context -> PASID directory ->
 * PASID entry with second-level tables.  The library's live reader must
 * follow that chain for a PASID, agree with the model's DMA, and name the
 * structure that stops a PASID nobody set up.  Bit positions from the VT-d
 * specification (9.4 scalable-mode root entry, 9.5 context entry, 9.6 PASID
 * directory entry, 9.7 PASID table entry).
 */
START_TEST(vtd_scalable_mode_live_config)
{
	struct smmu_target *t;
	char err[256];
	const char *opts[] = { "scalable=on" };
	const uint64_t root = 0x3000000, ctx = 0x3001000, dir = 0x3002000, tbl = 0x3003000;
	struct smmu_region region;
	struct smmu_table_alloc alloc;
	struct smmu_mem mem;
	struct smmu_pgt *pgt;
	uint64_t v;

	ck_assert_int_eq(smmu_target_open("sim:q35", opts, 1, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_discover(t, err, sizeof(err)), 0);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	mem = (struct smmu_mem){ raw_read, raw_write, t };
	ck_assert_int_eq(smmu_region_alloc_init(&region, 0x3100000, 0x100000, 4096, &alloc), 0);
	struct smmu_pgt_cfg cfg = { .fmt = SMMU_PGT_VTD_SL, .granule = 4096, .ias = 39, .oas = 39 };
	ck_assert_int_eq(smmu_pgt_create(&cfg, &mem, &alloc, &pgt), 0);
	ck_assert_int_eq(smmu_pgt_map(pgt, 0x10000, 0x100000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);

	uint64_t e[8] = { 0 };
	e[0] = ctx | 1; /* root: LP, LCTP (devfn 0x08 is in the lower half) */
	ck_assert_int_eq(smmu_mem_write(t, root + 0 * 16, e, 16), 0);
	uint64_t ce[4] = { dir | 1, 0, 0, 0 }; /* context: P, PDTS 0, PASIDDIRPTR; RID_PASID 0; no PASIDE yet */
	ck_assert_int_eq(smmu_mem_write(t, ctx + 0x08 * 32, ce, 32), 0);
	memset(e, 0, sizeof(e));
	e[0] = tbl | 1; /* directory entry 0: P, SMPTBLPTR */
	ck_assert_int_eq(smmu_mem_write(t, dir, e, 8), 0);
	memset(e, 0, sizeof(e));
	/* PASID 5: P, AW 1 (3 levels), PGTT 2 (second level), SLPTPTR; DID 1 */
	e[0] = smmu_pgt_root(pgt) | 2 << 6 | 1 << 2 | 1;
	e[1] = 1;
	ck_assert_int_eq(smmu_mem_write(t, tbl + 5 * 64, e, 64), 0);
	/* RTADDR with TTM 01 (scalable), then GCMD.SRTP and GCMD.TE */
	ck_assert_int_eq(smmu_mmio_write(t, 0xfed90020, 8, root | 1 << 10), 0);
	ck_assert_int_eq(smmu_mmio_write(t, 0xfed90018, 4, 1u << 30), 0);
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed9001c, 4, &v), 0);
	ck_assert_uint_eq(v & (1u << 30), 1u << 30);
	ck_assert_int_eq(smmu_mmio_write(t, 0xfed90018, 4, 1u << 31), 0);

	/* without PASIDE a request with a PASID stops at the context entry */
	struct smmu_translation tr;
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, true, 5 }, 0x10010, SMMU_PROT_R, &tr), 0);
	ck_assert_msg(!tr.ok && tr.cfg.code == 0x45, "%s", tr.cfg.reason);
	ce[0] |= 1 << 3; /* PASIDE: the context was never used, nothing to invalidate */
	ck_assert_int_eq(smmu_mem_write(t, ctx + 0x08 * 32, ce, 8), 0);
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, true, 5 }, 0x10010, SMMU_PROT_R, &tr), 0);
	ck_assert_msg(tr.ok, "%s", tr.cfg.reason);
	ck_assert_uint_eq(tr.pa, 0x100010);
	ck_assert_uint_eq(tr.cfg.nsteps, 6); /* GSTS, RTADDR, root, context, directory, PASID entry */
	ck_assert_str_eq(tr.cfg.step[5].kind, "vtd.pasid");
	/* the model agrees: the device's DMA with PASID 5 reads that page */
	uint64_t tag = 0x5ca1ab1e, got = 0;
	ck_assert_int_eq(smmu_mem_write(t, 0x100010, &tag, 8), 0);
	struct smmu_dma_opts o = { .ssv = true, .ssid = 5 };
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10010, 8, &o), 0);
	uint32_t bar;
	ck_assert_int_eq(smmu_pci_read(t, 0x8, 0x10, 4, &bar), 0);
	ck_assert_int_eq(smmu_mmio_read(t, (bar & ~0xfu) + 0x40000, 8, &got), 0);
	ck_assert_uint_eq(got, tag);
	/* PASID 6 has no entry: the reader stops there, with the reason the
	 * hardware records (the unit is owned by nobody, so read FRCD directly) */
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, true, 6 }, 0x10010, SMMU_PROT_R, &tr), 0);
	ck_assert(!tr.ok && tr.cfg.verdict == SMMU_CFG_FAULT);
	ck_assert_msg(strstr(tr.cfg.reason, "PASID entry for PASID 0x6 is not present"), "%s", tr.cfg.reason);
	o.ssid = 6;
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10010, 8, &o), 0);
	uint64_t frcd_hi;
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed90000 + 0x200 + 8, 8, &frcd_hi), 0);
	ck_assert_msg(frcd_hi >> 63, "the model recorded no fault");
	ck_assert_uint_eq((frcd_hi >> 32) & 0xff, tr.cfg.code);
	ck_assert_int_eq(smmu_mmio_write(t, 0xfed90000 + 0x200 + 12, 4, 1u << 31), 0); /* FRCD.F: free it */

	/* own --scalable over these scalable tables: PASID 5 in a domain of
	 * smmush's (DID 1 too) reading another page; after release the
	 * original PASID 5 reads its own page again, nothing of smmush's
	 * lingering in the PASID cache or the IOTLB */
	uint64_t rt_before, gsts_before, mine = 0x7777;
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed90020, 8, &rt_before), 0);
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed9001c, 4, &gsts_before), 0);
	struct smmu_own_opts oo = { .scalable = true };
	struct smmu_domain *dom;
	ck_assert_msg(smmu_unit_own_opts(u, &oo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(smmu_domain_create(t, "mine", 0, &dom), 0);
	ck_assert_int_eq(smmu_mem_write(t, 0x180010, &mine, 8), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, 0x180000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 5, dom), 0);
	o.ssid = 5;
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10010, 8, &o), 0);
	ck_assert_int_eq(smmu_mmio_read(t, (bar & ~0xfu) + 0x40000, 8, &got), 0);
	ck_assert_uint_eq(got, mine);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed90020, 8, &v), 0);
	ck_assert_uint_eq(v, rt_before);
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed9001c, 4, &v), 0);
	ck_assert_uint_eq(v, gsts_before);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10010, 8, &o), 0);
	ck_assert_int_eq(smmu_mmio_read(t, (bar & ~0xfu) + 0x40000, 8, &got), 0);
	ck_assert_uint_eq(got, tag);
	smmu_pgt_destroy(pgt);
	smmu_region_alloc_fini(&region);
	smmu_target_close(t);
}
END_TEST

/* The device's edu buffer after a read: what the DMA fetched. */
static uint64_t dma_read_tag(struct smmu_target *t, struct smmu_device *d, uint64_t iova, const struct smmu_dma_opts *o)
{
	struct smmu_device_info di;
	uint32_t bar;
	uint64_t got = 0;

	smmu_device_info(d, &di);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, iova, 8, o), 0);
	ck_assert_int_eq(smmu_pci_read(t, di.bdf, 0x10, 4, &bar), 0);
	ck_assert_int_eq(smmu_mmio_read(t, (bar & ~0xfu) + 0x40000, 8, &got), 0);
	return got;
}

/* The code of the newest fault record after a drain, 0 when none came. */
static uint32_t newest_fault(struct smmu_target *t)
{
	struct smmu_fault f;

	if (smmu_faults_poll(t) <= 0)
		return 0;
	ck_assert_int_eq(smmu_faults_get(t, smmu_faults_kept(t) - 1, &f), 0);
	return f.code;
}

/* A paging entry with reserved bits set (legacy 0x0c, scalable second level
 * 0x7a, first level 0x72): a configuration-class record, as the structures'
 * reserved-bit reasons are, whose explanation walks to the entry (it used to
 * be table-fetch, or configuration without the walk). */
START_TEST(vtd_reserved_paging_entry_is_configuration_walked)
{
	static const uint32_t want[] = { 0x0c, 0x7a, 0x72 };
	const char *opts[] = { "scalable=on", "aw=48" };
	struct smmu_target *t = open_target_with("sim:q35", opts, 2); /* MGAW 48: bits 51:48 reserved */
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_own_opts oo = { .scalable = _i > 0 };
	struct smmu_domain_geometry g = { .stage = _i == 2 ? SMMU_STAGE_1 : SMMU_STAGE_2 };
	struct smmu_dma_opts o = { .ssv = _i == 2, .ssid = 9 };
	struct smmu_stream s = { 0x8, o.ssv, o.ssid };
	struct smmu_domain *dom;
	struct smmu_translation tr;
	struct smmu_explain ex;
	struct smmu_fault f;
	char err[256];

	ck_assert_msg(smmu_unit_own_opts(u, &oo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_domain_create_geom(t, "d", &g, &dom, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(smmu_map(dom, 0x10000, 0x100000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(o.ssv ? smmu_device_attach_pasid(d, o.ssid, dom) : smmu_device_attach(d, dom), 0);
	ck_assert_int_eq(smmu_translate(u, &s, 0x10000, SMMU_PROT_R, &tr), 0);
	ck_assert_msg(tr.ok && tr.x.nsteps > 0, "%s", tr.cfg.reason);
	const struct smmu_pgt_step *leaf = &tr.x.step[tr.x.nsteps - 1];
	uint64_t pte = leaf->pte | 1ULL << 50;
	ck_assert_int_eq(smmu_mem_write(t, leaf->entry_pa, &pte, 8), 0);

	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 8, &o), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, smmu_faults_kept(t) - 1, &f), 0);
	ck_assert_uint_eq(f.code, want[_i]);
	ck_assert_uint_eq(f.cls, SMMU_FC_CONFIG);
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert_msg(ex.tr.walked && ex.tr.x.fault == SMMU_PGT_F_RESERVED && ex.cls == SMMU_FC_CONFIG &&
			      strstr(ex.text, "the walk stopped at level"),
		      "class %s: %s", smmu_fault_class_name(ex.cls), ex.text);
	ck_assert_uint_eq(ex.tr.code, want[_i]); /* the prediction names the recorded reason */
	ck_assert_int_eq(o.ssv ? smmu_device_detach_pasid(d, o.ssid) : smmu_device_detach(d), 0);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	smmu_target_close(t);
}
END_TEST

/* own with scalable-mode tables: requests without a PASID at PASID 0, PASIDs
 * with domains of their own (second and first level), each DMA reading the
 * page its PASID's domain maps, the library's prediction equal to the
 * model's record, and release giving back every register. */
START_TEST(vtd_scalable_own_pasid_attach)
{
	const struct plat *p = &plats[1];
	const char *opts[] = { "scalable=on", "aw=48" };
	struct smmu_target *t;
	char err[256];
	uint32_t before[32], after[32];
	uint64_t v;

	ck_assert_int_eq(smmu_target_open("sim:q35", opts, 2, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_discover(t, err, sizeof(err)), 0);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	read_regs(t, p, before);
	struct smmu_own_opts oo = { .scalable = true };
	ck_assert_msg(smmu_unit_own_opts(u, &oo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(smmu_mmio_read(t, 0xfed90020, 8, &v), 0);
	ck_assert_uint_eq((v >> 10) & 3, 1); /* RTADDR.TTM: scalable */

	struct smmu_domain *d1, *d2, *f;
	struct smmu_domain_geometry fl = { .stage = SMMU_STAGE_1 };
	ck_assert_int_eq(smmu_domain_create(t, "d1", 0, &d1), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d2", 0, &d2), 0);
	ck_assert_msg(smmu_domain_create_geom(t, "f", &fl, &f, err, sizeof(err)) == 0, "%s", err);
	const uint64_t page[3] = { 0x100000, 0x200000, 0x300000 }, tag[3] = { 0x1111, 0x2222, 0x3333 };
	struct smmu_domain *doms[3] = { d1, d2, f };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(smmu_mem_write(t, page[i], &tag[i], 8), 0);
		ck_assert_int_eq(smmu_map(doms[i], 0x10000, page[i], 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	}
	ck_assert_int_eq(smmu_device_attach(d, d1), 0);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 5, d2), 0);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 9, f), 0);
	ck_assert_uint_eq(smmu_device_pasid_count(d), 2);

	struct smmu_dma_opts none = { 0 }, p5 = { .ssv = true, .ssid = 5 }, p9 = { .ssv = true, .ssid = 9 },
			     p6 = { .ssv = true, .ssid = 6 };
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &none), tag[0]);
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &p5), tag[1]);
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &p9), tag[2]);
	ck_assert_uint_eq(newest_fault(t), 0);
	struct smmu_translation tr;
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, true, 9 }, 0x10008, SMMU_PROT_R, &tr), 0);
	ck_assert_msg(tr.ok && tr.pa == page[2] + 8, "%s", tr.cfg.reason);
	/* an unattached PASID: predicted and recorded alike */
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ 0x8, true, 6 }, 0x10000, SMMU_PROT_R, &tr), 0);
	ck_assert(!tr.ok && tr.cfg.verdict == SMMU_CFG_FAULT);
	dma_read_tag(t, d, 0x10000, &p6);
	ck_assert_uint_eq(newest_fault(t), tr.cfg.code);
	ck_assert_uint_eq(tr.cfg.code, 0x59);

	/* refusals: PASID 0 (the RID_PASID), beyond 20 bits, taken, not attached */
	ck_assert_int_eq(smmu_device_attach_pasid(d, 0, d2), -ERANGE);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 1u << 20, d2), -ERANGE);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 9, d2), -EBUSY);
	ck_assert_int_eq(smmu_device_detach_pasid(d, 6), -ENOENT);
	ck_assert_int_eq(smmu_domain_destroy(d2), -EBUSY);

	/* detach: the PASID is blocked at once (no stale translation) */
	ck_assert_int_eq(smmu_device_detach_pasid(d, 5), 0);
	dma_read_tag(t, d, 0x10000, &p5);
	ck_assert_uint_eq(newest_fault(t), 0x59);
	ck_assert_int_eq(smmu_device_attach_pasid(d, 5, d2), 0);

	ck_assert_int_eq(smmu_unit_release(u), 0);
	read_regs(t, p, after);
	for (size_t i = 0; i < p->nregs; i++)
		ck_assert_msg(before[i] == after[i] || (p->regs[i] == 0x1c && (before[i] ^ after[i]) == 1u << 30),
			      "register 0x%x: 0x%x before own, 0x%x after release", p->regs[i], before[i], after[i]);
	/* legacy tables cannot hold the PASIDs: refused before anything is written */
	oo.scalable = false;
	ck_assert_int_eq(smmu_unit_own_opts(u, &oo, err, sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "PASID attachments"), "%s", err);
	ck_assert(!smmu_unit_owned(u));
	/* own scalable again: every PASID back in its domain */
	oo.scalable = true;
	ck_assert_msg(smmu_unit_own_opts(u, &oo, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &p9), tag[2]);
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &p5), tag[1]);
	ck_assert_uint_eq(dma_read_tag(t, d, 0x10000, &none), tag[0]);
	ck_assert_uint_eq(newest_fault(t), 0);
	smmu_target_close(t);

	/* a unit without scalable mode: refused, naming ECAP.SMTS, nothing written */
	t = open_target("sim:q35");
	u = smmu_unit_at(t, 0);
	read_regs(t, p, before);
	ck_assert_int_eq(smmu_unit_own_opts(u, &oo, err, sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "ECAP.SMTS"), "%s", err);
	read_regs(t, p, after);
	ck_assert(!memcmp(before, after, p->nregs * 4));
	ck_assert(!smmu_unit_owned(u));
	smmu_target_close(t);
}
END_TEST

/* Domain ids (ASIDs) are reused: a new domain must never hit a destroyed
 * one's TLB entries.  Found by review: the device wrote through a stale
 * entry into memory its new domain does not map. */
START_TEST(reused_asid_sees_no_stale_translation)
{
	struct smmu_target *t = open_target(plats[_i].spec);
	const struct plat *p = &plats[_i];
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *a, *b;
	uint8_t zero[64] = { 0 }, got[64];

	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_device_attach(d, a), 0);
	ck_assert_int_eq(smmu_map(a, 0x20000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x20000, 64, NULL), 0); /* fills the TLB */
	ck_assert_int_eq(smmu_device_detach(d), 0);
	ck_assert_int_eq(smmu_domain_destroy(a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0); /* gets a's id */
	ck_assert_int_eq(smmu_device_attach(d, b), 0);
	ck_assert_int_eq(smmu_mem_write(t, p->ram, zero, sizeof(zero)), 0);
	ck_assert_int_eq(smmu_faults_poll(t) >= 0, 1);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x20000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1); /* b does not map 0x20000 */
	ck_assert_int_eq(smmu_mem_read(t, p->ram, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, zero, sizeof(zero));
	smmu_target_close(t);
}
END_TEST

/* --- the table cache and others who write memory ---------------------------- */

/* Where the leaf entry for iova lives, from the engine's own trace. */
static uint64_t leaf_entry(struct smmu_domain *dom, uint64_t iova)
{
	struct smmu_pgt_xlate x;

	smmu_pgt_translate(dom->pgt, iova, 0, &x);
	ck_assert_uint_gt(x.nsteps, 0);
	return x.step[x.nsteps - 1].entry_pa;
}

static uint64_t mem_q(struct smmu_target *t, uint64_t pa)
{
	uint64_t v = 0;

	ck_assert_int_eq(smmu_mem_read(t, pa, &v, 8), 0);
	return v;
}

/* Another agent writes memory, past the library: on sim a device (the
 * target tells the engine such writes happened, never where). */
static void behind_the_cache(struct smmu_target *t, uint64_t pa, uint64_t v)
{
	if (t->ops == &smmu_backend_sim)
		ck_assert_int_eq(sim_dma_write(smmu_sim_machine(t->priv), pa, &v, 8), 0);
	else
		ck_assert_int_eq(t->ops->mem_write(t->priv, pa, &v, 8), 0);
}

/* An entry changed with smmu_mem_write (the shell's wg) survives a later map
 * in the same leaf table: the write reached the cache, and only B's entry is
 * written back. */
START_TEST(library_writes_reach_the_table_cache)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_domain *dom;
	struct smmu_table_conflict c;

	dom = own_and_attach(t);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	uint64_t ea = leaf_entry(dom, 0x10000), injected = mem_q(t, ea) ^ 0x80; /* a flipped bit */
	ck_assert_int_eq(smmu_mem_write(t, ea, &injected, 8), 0);
	ck_assert_int_eq(smmu_map(dom, 0x11000, p->ram + 0x1000, 0x1000, SMMU_PROT_R), 0);
	ck_assert_uint_eq(mem_q(t, ea), injected);
	ck_assert_uint_ne(mem_q(t, ea + 8), 0);
	/* a byte-sized write too */
	uint8_t zero = 0;
	ck_assert_int_eq(smmu_mem_write(t, ea, &zero, 1), 0);
	ck_assert_int_eq(smmu_unmap(dom, 0x11000, 0x1000), 0);
	ck_assert_uint_eq(mem_q(t, ea), injected & ~0xffULL);
	ck_assert_int_eq(smmu_domain_conflicts(dom, &c), 0);
	ck_assert_uint_eq(c.count, 0);
	smmu_target_close(t);
}
END_TEST

/* Memory changed beneath the cache: the next map says so (-SMMU_E_CONFLICT,
 * nothing changed), never overwrites the other agent's entries, and works
 * when called again on the refreshed copy. */
START_TEST(tables_changed_beneath_the_cache_are_reported)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_domain *dom;
	struct smmu_table_conflict c;
	const unsigned rw = SMMU_PROT_R | SMMU_PROT_W;

	dom = own_and_attach(t);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, rw), 0);
	uint64_t ea = leaf_entry(dom, 0x10000), was = mem_q(t, ea), foreign = was ^ 0x80;

	/* A's entry changed by someone else; B goes in the same leaf table */
	behind_the_cache(t, ea, foreign);
	ck_assert_int_eq(smmu_map(dom, 0x11000, p->ram + 0x1000, 0x1000, rw), -SMMU_E_CONFLICT);
	ck_assert_int_eq(smmu_domain_conflicts(dom, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_uint_eq(c.entry_pa, ea);
	ck_assert_uint_eq(c.cached, was);
	ck_assert_uint_eq(c.memory, foreign);
	ck_assert_uint_eq(mem_q(t, ea), foreign);
	ck_assert_uint_eq(mem_q(t, ea + 8), 0); /* B: nothing changed */
	ck_assert_int_eq(smmu_map(dom, 0x11000, p->ram + 0x1000, 0x1000, rw), 0);
	ck_assert_uint_eq(mem_q(t, ea), foreign);
	ck_assert_uint_ne(mem_q(t, ea + 8), 0);

	/* someone fills the slot C would take: C is refused, theirs stays */
	behind_the_cache(t, ea + 16, was);
	ck_assert_int_eq(smmu_map(dom, 0x12000, p->ram + 0x2000, 0x1000, rw), -SMMU_E_CONFLICT);
	ck_assert_uint_eq(mem_q(t, ea + 16), was);
	ck_assert_int_eq(smmu_map(dom, 0x12000, p->ram + 0x2000, 0x1000, rw), -EEXIST);
	ck_assert_uint_eq(mem_q(t, ea + 16), was);

	/* unmap too: B's entry changed beneath, the unmap is refused once */
	behind_the_cache(t, ea + 8, 0);
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x2000), -SMMU_E_CONFLICT);
	ck_assert_uint_eq(mem_q(t, ea), foreign);
	ck_assert_int_eq(smmu_unmap(dom, 0x10000, 0x2000), 0);
	ck_assert_uint_eq(mem_q(t, ea), 0);
	ck_assert_uint_eq(mem_q(t, ea + 16), was); /* never ours to remove */
	ck_assert_int_eq(smmu_domain_conflicts(dom, &c), 0);
	ck_assert_uint_eq(c.count, 3);
	smmu_target_close(t);
}
END_TEST

/* sim says when anyone but the library wrote RAM: a map reads back the
 * tables it changes only after such a write (a device's DMA here), so maps
 * in a row cost no reads and a foreign write is still never missed. */
START_TEST(tables_read_back_only_after_foreign_writes)
{
	const struct plat *p = &plats[_i];
	struct smmu_target *t = open_target(p->spec);
	struct smmu_domain *dom;
	const unsigned rw = SMMU_PROT_R | SMMU_PROT_W;
	uint64_t quiet[2], after_dma, z = 0;

	dom = own_and_attach(t);
	ck_assert_int_eq(smmu_map(dom, 0x10000, p->ram, 0x1000, rw), 0);
	for (int k = 0; k < 3; k++) {
		if (k == 2) /* a device writes a data page, no table */
			ck_assert_int_eq(sim_dma_write(smmu_sim_machine(t->priv), p->ram + 0x8000, &z, 8), 0);
		ck_assert_int_eq(smmu_target_fail_after(t, 0), 0);
		ck_assert_int_eq(smmu_map(dom, 0x11000 + 0x1000 * (uint64_t)k, p->ram, 0x1000, rw), 0);
		if (k < 2)
			quiet[k] = smmu_target_accesses(t);
		else
			after_dma = smmu_target_accesses(t);
	}
	ck_assert_uint_eq(quiet[0], quiet[1]);
	ck_assert_uint_gt(after_dma, quiet[1]); /* the leaf table, read back */
	smmu_target_close(t);
}
END_TEST

/* A small event queue (IDR1.EVENTQS = 1: two entries) is sized from the right
 * field: records drain one by one, none invented.  (The driver read EVENTQS
 * from CMDQS's bits before.) */
START_TEST(small_event_queue)
{
	const char *opts[] = { "evtq=1" };
	struct smmu_target *t = open_target_with("sim:virt", opts, 1);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	own_and_attach(t);
	for (int i = 0; i < 4; i++) {
		struct smmu_fault f;
		ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000 + i * 0x1000, 64, NULL), 0);
		ck_assert_int_eq(smmu_faults_poll(t), 1);
		ck_assert_int_eq(smmu_faults_get(t, i, &f), 0);
		ck_assert_uint_eq(f.addr, 0x30000 + i * 0x1000);
		ck_assert_uint_eq(f.stream.sid, 0x8);
	}
	smmu_target_close(t);
}
END_TEST

/* A two-entry command queue (IDR1.CMDQS = 1): a batch of invalidations
 * goes in queue-sized runs, each submitted before the next wraps; none is
 * lost (the sim's TLB would keep the unmapped pages reachable). */
START_TEST(small_command_queue)
{
	const char *opts[] = { "cmdq=1" };
	struct smmu_target *t = open_target_with("sim:virt", opts, 1);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_domain *dom = own_and_attach(t);
	ck_assert_int_eq(smmu_map(dom, 0x30000, 0x40100000, 8 * 0x1000, SMMU_PROT_R | SMMU_MAP_PAGES), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	for (int i = 0; i < 8; i++) /* every page in the TLB */
		ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000 + i * 0x1000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_unmap(dom, 0x30000, 8 * 0x1000), 0); /* 8 TLBI_VA + SYNC */
	for (int i = 0; i < 8; i++) {
		struct smmu_fault f;
		ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000 + i * 0x1000, 64, NULL), 0);
		ck_assert_int_eq(smmu_faults_poll(t), 1);
		ck_assert_int_eq(smmu_faults_get(t, i, &f), 0);
		ck_assert_uint_eq(f.addr, 0x30000 + i * 0x1000);
	}
	smmu_target_close(t);
}
END_TEST

/* The driver's masks (lib/smmuv3.h, lib/vtd.h) agree with the decoders'
 * descriptors, which are checked against the specification on their own. */
START_TEST(driver_masks_agree_with_decoders)
{
	static const struct { const char *kind, *field; unsigned word; uint64_t mask; } m[] = {
		{ "smmuv3.idr0", "S1P", 0, SMMUV3_IDR0_S1P }, { "smmuv3.idr0", "S2P", 0, SMMUV3_IDR0_S2P },
		{ "smmuv3.idr0", "ST_LEVEL", 0, SMMUV3_IDR0_ST_LEVEL },
		{ "smmuv3.idr1", "SIDSIZE", 0, SMMUV3_IDR1_SIDSIZE }, { "smmuv3.idr1", "SSIDSIZE", 0, SMMUV3_IDR1_SSIDSIZE },
		{ "smmuv3.idr1", "EVENTQS", 0, SMMUV3_IDR1_EVENTQS }, { "smmuv3.idr1", "CMDQS", 0, SMMUV3_IDR1_CMDQS },
		{ "smmuv3.idr5", "OAS", 0, SMMUV3_IDR5_OAS }, { "smmuv3.idr5", "GRAN4K", 0, SMMUV3_IDR5_GRAN4K },
		{ "smmuv3.cr0", "SMMUEN", 0, SMMUV3_CR0_SMMUEN }, { "smmuv3.cr0", "CMDQEN", 0, SMMUV3_CR0_CMDQEN },
		{ "smmuv3.cr0", "EVENTQEN", 0, SMMUV3_CR0_EVENTQEN }, { "smmuv3.gbpa", "ABORT", 0, SMMUV3_GBPA_ABORT },
		{ "smmuv3.strtab_base_cfg", "LOG2SIZE", 0, SMMUV3_STRTAB_CFG_LOG2SIZE },
		{ "smmuv3.strtab_base_cfg", "SPLIT", 0, SMMUV3_STRTAB_CFG_SPLIT },
		{ "smmuv3.strtab_base_cfg", "FMT", 0, SMMUV3_STRTAB_CFG_FMT },
		{ "smmuv3.cmdq_cons", "ERR", 0, SMMUV3_CMDQ_CONS_ERR },
		{ "smmuv3.ste", "V", 0, SMMUV3_STE_V }, { "smmuv3.ste", "Config", 0, SMMUV3_STE_CONFIG },
		{ "smmuv3.ste", "S2T0SZ", 2, SMMUV3_STE2_S2T0SZ }, { "smmuv3.ste", "S2SL0", 2, SMMUV3_STE2_S2SL0 },
		{ "smmuv3.ste", "S2TG", 2, SMMUV3_STE2_S2TG }, { "smmuv3.ste", "S2PS", 2, SMMUV3_STE2_S2PS },
		{ "smmuv3.cd", "T0SZ", 0, SMMUV3_CD_T0SZ }, { "smmuv3.cd", "TG0", 0, SMMUV3_CD_TG0 },
		{ "smmuv3.cd", "IPS", 0, SMMUV3_CD_IPS }, { "smmuv3.cd", "ASID", 0, SMMUV3_CD_ASID },
		{ "smmuv3.cd", "V", 0, SMMUV3_CD_V }, { "smmuv3.cd", "EPD1", 0, SMMUV3_CD_EPD1 },
		{ "vtd.cap", "SAGAW", 0, VTD_CAP_SAGAW }, { "vtd.cap", "MGAW", 0, VTD_CAP_MGAW },
		{ "vtd.cap", "FRO", 0, VTD_CAP_FRO }, { "vtd.cap", "NFR", 0, VTD_CAP_NFR },
		{ "vtd.ecap", "QI", 0, VTD_ECAP_QI }, { "vtd.ecap", "IRO", 0, VTD_ECAP_IRO },
		{ "vtd.frcd", "FR", 1, VTD_FRCD_FR }, { "vtd.frcd", "SID", 1, VTD_FRCD_SID },
		{ "vtd.frcd", "F", 1, VTD_FRCD_F }, { "vtd.frcd", "T1", 1, VTD_FRCD_T1 },
		{ "vtd.frcd", "PP", 1, VTD_FRCD_PP }, { "vtd.frcd", "PV", 1, VTD_FRCD_PV },
		{ "vtd.fsts", "PPF", 0, VTD_FSTS_PPF }, { "vtd.fsts", "PFO", 0, VTD_FSTS_PFO },
		{ "vtd.fsts", "FRI", 0, VTD_FSTS_FRI }, { "vtd.ctx", "AW", 1, VTD_CTX_AW },
		{ "vtd.ctx", "DID", 1, VTD_CTX_DID },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		const struct smmu_desc *d;
		ck_assert_int_eq(smmu_decoder_find(m[i].kind, &d, NULL), 0);
		const struct smmu_field *f = smmu_desc_field(d, m[i].field);
		ck_assert_msg(f, "%s has no field %s", m[i].kind, m[i].field);
		ck_assert_msg(f->word == m[i].word && SMMU_GENMASK(f->hi, f->lo) == m[i].mask,
			      "%s.%s: driver mask 0x%llx, decoder [%u:%u] of word %u", m[i].kind, m[i].field,
			      (unsigned long long)m[i].mask, f->hi, f->lo, f->word);
	}
}
END_TEST

/* Owning an AMD IOMMU that is already translating (firmware's or a kernel's
 * tables, IommuEn set) and giving it back: the model records no moment with
 * IommuEn clear while a device could master DMA, and the device's bus
 * mastering is as it was afterwards. */
START_TEST(amdvi_own_translating_unit_without_window)
{
	struct smmu_target *t = open_target("sim:amd");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct sim_machine *m = smmu_sim_machine(t->priv);
	const uint64_t base = 0xfed80000, old_devtab = 0x00100000 + 0x80000;
	uint32_t cmd;

	/* the old owner: a device table of bus 0 (V=0: untranslated), IommuEn */
	ck_assert_int_eq(smmu_mmio_write(t, base + 0x00, 8, old_devtab | 0xf), 0);
	ck_assert_int_eq(smmu_mmio_write(t, base + 0x18, 8, 1), 0);
	ck_assert_int_eq(smmu_pci_read(t, 0x08, 0x04, 2, &cmd), 0);
	ck_assert_int_eq(smmu_pci_write(t, 0x08, 0x04, 2, cmd | 0x6), 0);
	ck_assert_uint_eq(sim_amdvi_open_windows(m), 0);

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_uint_eq(sim_amdvi_open_windows(m), 0);
	ck_assert_int_eq(smmu_pci_read(t, 0x08, 0x04, 2, &cmd), 0);
	ck_assert_uint_eq(cmd & 0x4, 0x4);
	/* and our DTEs are in use: DMA is blocked */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x00100000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);

	ck_assert_int_eq(smmu_unit_release(u), 0);
	ck_assert_uint_eq(sim_amdvi_open_windows(m), 0);
	ck_assert_int_eq(smmu_pci_read(t, 0x08, 0x04, 2, &cmd), 0);
	ck_assert_uint_eq(cmd & 0x4, 0x4);
	/* the old table is back: untranslated again, data goes through */
	uint8_t pattern[64], got[64];
	memset(pattern, 0xa5, sizeof(pattern));
	ck_assert_int_eq(smmu_mem_write(t, 0x00100000, pattern, sizeof(pattern)), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x00100000, 64, NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x00100100, 64, NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, 0x00100100, got, sizeof(got)), 0);
	ck_assert_mem_eq(got, pattern, sizeof(pattern));
	/* what the model counts: IommuEn cleared with a master on */
	ck_assert_int_eq(smmu_mmio_write(t, base + 0x18, 8, 0), 0);
	ck_assert_uint_eq(sim_amdvi_open_windows(m), 1);
	smmu_target_close(t);
}
END_TEST

Suite *suite_lib_e2e(void);
Suite *suite_lib_e2e(void)
{
	Suite *s = suite_create("lib_e2e");
	TCase *tc = tcase_create("sim");

	tcase_add_loop_test(tc, discovers_units_and_devices, 0, NPLATS);
	tcase_add_loop_test(tc, own_map_dma_fault_release, 0, NPLATS);
	tcase_add_loop_test(tc, map_invalidates_only_where_invalid_entries_are_cached, 0, NPLATS);
	tcase_add_loop_test(tc, owned_unit_registers_are_read_once, 0, 2);
	tcase_add_loop_test(tc, every_failure_point_still_releases, 0, NPLATS);
	tcase_add_loop_test(tc, domains_survive_release, 0, NPLATS);
	tcase_add_loop_test(tc, engine_agrees_with_the_model, 0, NPLATS);
	tcase_add_loop_test(tc, overflow_is_counted, 0, NPLATS);
	tcase_add_test(tc, platform_device_by_mmio_range);
	tcase_add_test(tc, pci_names_from_pci_ids);
	tcase_add_test(tc, vtd_scalable_mode_live_config);
	tcase_add_test(tc, vtd_scalable_own_pasid_attach);
	tcase_add_loop_test(tc, vtd_reserved_paging_entry_is_configuration_walked, 0, 3);
	tcase_add_test(tc, vtd_queued_invalidation_kept);
	tcase_add_loop_test(tc, reused_asid_sees_no_stale_translation, 0, NPLATS);
	tcase_add_test(tc, small_event_queue);
	tcase_add_loop_test(tc, library_writes_reach_the_table_cache, 0, NPLATS);
	tcase_add_loop_test(tc, tables_changed_beneath_the_cache_are_reported, 0, NPLATS);
	/* not sim:amd: its unit stores COMPLETION_WAIT's semaphore in RAM after
	 * every invalidation, a foreign write, so every map there reads back */
	tcase_add_loop_test(tc, tables_read_back_only_after_foreign_writes, 0, 2);
	tcase_add_test(tc, small_command_queue);
	tcase_add_test(tc, driver_masks_agree_with_decoders);
	tcase_add_test(tc, amdvi_own_translating_unit_without_window);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
