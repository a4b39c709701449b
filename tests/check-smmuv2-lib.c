/* SPDX-License-Identifier: MIT */
/*
 * libsmmu on sim:mmu500 (an MMU-500, SMMUv2): discovery from the device tree
 * and the IORT, own, attach (two devices one domain, two domains, devices
 * one stream under a mask, a device with two StreamIDs, groups and banks
 * running out), a DMA round trip at stage 1 and stage 2, each fault class
 * with its record and explanation, release restoring every register, and
 * fault injection along own/attach/map/DMA/release.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include "lib/smmu.h"
#include "lib/smmu-testing.h"

#define BASE   0x0a000000ull
#define RAM    0x40200000ull  /* free RAM for data */
#define PAGE   0x1000ull
#define NUMPAGE 8             /* the model's global space with 8 banks: 8 pages */
#define CB(n, off) (BASE + (NUMPAGE + (n)) * PAGE + (off))
#define GR1(off) (BASE + PAGE + (off))

static struct smmu_target *open_opts(const char *const *opts, size_t n)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open("sim:mmu500", opts, n, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "discover: %s", err);
	return t;
}

static struct smmu_target *open_t(void)
{
	return open_opts(NULL, 0);
}

static struct smmu_device *dev(struct smmu_target *t, const char *name)
{
	struct smmu_device *d = smmu_device_find(t, name);

	ck_assert_msg(d, "no device %s", name);
	return d;
}

static uint64_t mmio(struct smmu_target *t, uint64_t a, unsigned size)
{
	uint64_t v;

	ck_assert_int_eq(smmu_mmio_read(t, a, size, &v), 0);
	return v;
}

/* Every register the driver may change: sCR0, sGFSR, SMR/S2CR 0-15, CBAR/CBA2R
 * 0-7, and each bank's SCTLR, TCR2, TTBR0/1 (both halves), TCR, CONTEXTIDR,
 * MAIR0/1, FSR. */
static size_t all_regs(uint64_t *a)
{
	static const uint32_t cbo[] = { 0x00, 0x10, 0x20, 0x24, 0x28, 0x2c, 0x30, 0x34, 0x38, 0x3c, 0x58 };
	size_t n = 0;

	a[n++] = BASE + 0x0;
	a[n++] = BASE + 0x48;
	for (unsigned i = 0; i < 16; i++) {
		a[n++] = BASE + 0x800 + 4 * i;
		a[n++] = BASE + 0xc00 + 4 * i;
	}
	for (unsigned k = 0; k < 8; k++) {
		a[n++] = GR1(4 * k);
		a[n++] = GR1(0x800 + 4 * k);
		for (size_t j = 0; j < sizeof(cbo) / sizeof(cbo[0]); j++)
			a[n++] = CB(k, cbo[j]);
	}
	return n;
}

static void snapshot(struct smmu_target *t, uint32_t *v)
{
	uint64_t a[256];
	size_t n = all_regs(a);

	for (size_t i = 0; i < n; i++)
		v[i] = (uint32_t)mmio(t, a[i], 4);
}

static void same_regs(const uint32_t *before, const uint32_t *after, const char *when)
{
	uint64_t a[256];
	size_t n = all_regs(a);

	for (size_t i = 0; i < n; i++)
		ck_assert_msg(before[i] == after[i], "%s: register 0x%llx 0x%08x -> 0x%08x", when,
			      (unsigned long long)(a[i] - BASE), before[i], after[i]);
}

/* A previous owner's configuration, so that release has something to restore:
 * client ports on, SMR5 bypassing StreamID 0x77, bank 3 set up, faults recorded. */
static void firmware_state(struct smmu_target *t)
{
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0xc14, 4, 1u << 16), 0);           /* S2CR5 bypass */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x814, 4, 0x80000077), 0);         /* SMR5 */
	ck_assert_int_eq(smmu_mmio_write(t, GR1(4 * 3), 4, 0x00010003), 0);           /* CBAR3 */
	ck_assert_int_eq(smmu_mmio_write(t, GR1(0x800 + 4 * 3), 4, 1), 0);            /* CBA2R3 */
	ck_assert_int_eq(smmu_mmio_write(t, CB(3, 0x30), 4, 0x00803518), 0);          /* TCR */
	ck_assert_int_eq(smmu_mmio_write(t, CB(3, 0x20), 8, 0x0003000041230000ull), 0); /* TTBR0 */
	ck_assert_int_eq(smmu_mmio_write(t, CB(3, 0x38), 4, 0x44ff), 0);
	ck_assert_int_eq(smmu_mmio_write(t, CB(3, 0x34), 4, 0xc0ffee), 0);
	ck_assert_int_eq(smmu_mmio_write(t, CB(3, 0x5c), 4, 0x402), 0);               /* FSRRESTORE: TF */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x4c, 4, 0x2), 0);                 /* sGFSRRESTORE: USF */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x0, 4, 0x00200000), 0);           /* sCR0: clients on */
}

START_TEST(discovers_units_and_devices)
{
	struct smmu_target *t = open_t();
	struct smmu_unit_info ui;
	struct smmu_device_info di;

	ck_assert_uint_eq(smmu_unit_count(t), 1);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_int_eq(ui.arch, SMMU_ARCH_SMMUV2);
	ck_assert_uint_eq(ui.base, BASE);
	ck_assert_str_eq(ui.name, "smmuv2@0x0a000000");
	ck_assert_str_eq(ui.source, "fdt");
	smmu_device_info(dev(t, "platform@0x0c000000"), &di);
	ck_assert_uint_eq(di.sid, 0x400);
	ck_assert_uint_eq(di.sid_masks[0], 0x1); /* stream-match-mask */
	smmu_device_info(dev(t, "platform@0x0c200000"), &di);
	ck_assert_uint_eq(di.nsids, 2);
	ck_assert_uint_eq(di.sids[1], 0x420);
	smmu_device_info(dev(t, "00:01.0"), &di);
	ck_assert_uint_eq(di.sid, 0x8);
	ck_assert_uint_eq(di.sid_masks[0], 0x1); /* iommu-map: one cell, stream-match-mask applies */
	struct smmu_unit_status st;
	ck_assert_int_eq(smmu_unit_status(smmu_unit_at(t, 0), &st), 0);
	ck_assert_uint_eq(st.sid_bits, 15);
	ck_assert(!st.translating); /* CLIENTPD at reset */
	smmu_target_close(t);

	/* #iommu-cells 2: the mask is the specifier's second cell */
	const char *two[] = { "cells=2" };
	t = open_opts(two, 1);
	smmu_device_info(dev(t, "platform@0x0c100000"), &di);
	ck_assert_uint_eq(di.sid, 0x401);
	ck_assert_uint_eq(di.sid_masks[0], 0x1);
	smmu_device_info(dev(t, "platform@0x0c200000"), &di);
	ck_assert_uint_eq(di.nsids, 2);
	ck_assert_uint_eq(di.sid_masks[0], 0);
	ck_assert_uint_eq(di.sid_masks[1], 0);
	smmu_target_close(t);
}
END_TEST

static char *write_tmp(const void *buf, size_t len, const char *suffix)
{
	static char path[3][64];
	static int k;
	char *p = path[k++ % 3];
	snprintf(p, sizeof(path[0]), "/tmp/smmush-v2-XXXXXX%s", suffix);
	int fd = mkstemps(p, (int)strlen(suffix));

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return p;
}

/* IORT only: the SMMUv1/v2 node, the root complex and named components that map to it. */
START_TEST(discovers_from_iort)
{
	struct smmu_target *sim = open_t(), *t;
	void *iort;
	size_t len;
	char opt[128], err[256];

	ck_assert_int_eq(smmu_fw_table(sim, "IORT", &iort, &len), 0);
	char *path = write_tmp(iort, len, ".dat");
	free(iort);
	smmu_target_close(sim);
	snprintf(opt, sizeof(opt), "acpi=%s", path);
	const char *opts[] = { opt };
	ck_assert_msg(smmu_target_open("files", opts, 1, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	struct smmu_unit_info ui;
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_int_eq(ui.arch, SMMU_ARCH_SMMUV2);
	ck_assert_str_eq(ui.source, "IORT");
	unsigned found = 0;
	for (size_t i = 0; i < smmu_device_count(t); i++) {
		struct smmu_device_info di;
		smmu_device_info(smmu_device_at(t, i), &di);
		if (di.nsids == 2 && di.sids[0] == 0x410 && di.sids[1] == 0x420)
			found++;
	}
	ck_assert_uint_eq(found, 1);
	struct smmu_id_map_info mi;
	ck_assert_int_eq(smmu_id_map_get(t, 0, &mi), 0);
	ck_assert_ptr_eq(mi.unit, smmu_unit_at(t, 0));
	smmu_target_close(t);
}
END_TEST

/* Several instances, and the compatibles real boards use. */
START_TEST(discovers_several_instances)
{
	static const struct {
		const char *compat;
		uint64_t base;
	} nodes[] = {
		{ "arm,mmu-500", 0x10000000 }, { "qcom,sdm845-smmu-500", 0x15000000 }, { "arm,smmu-v1", 0x20000000 },
		{ "arm,mmu-401", 0x21000000 }, { "nvidia,tegra194-smmu", 0x12000000 }, { "arm,smmu-v3", 0x09050000 },
	};
	char buf[8192], name[64], opt[128], err[256];
	struct smmu_target *t;

	ck_assert_int_eq(fdt_create(buf, sizeof(buf)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(buf), 0);
	ck_assert_int_eq(fdt_begin_node(buf, ""), 0);
	ck_assert_int_eq(fdt_property_u32(buf, "#address-cells", 2), 0);
	ck_assert_int_eq(fdt_property_u32(buf, "#size-cells", 2), 0);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		fdt32_t reg[4] = { 0, cpu_to_fdt32((uint32_t)nodes[i].base), 0, cpu_to_fdt32(0x10000) };
		snprintf(name, sizeof(name), "iommu@%llx", (unsigned long long)nodes[i].base);
		ck_assert_int_eq(fdt_begin_node(buf, name), 0);
		ck_assert_int_eq(fdt_property_string(buf, "compatible", nodes[i].compat), 0);
		ck_assert_int_eq(fdt_property(buf, "reg", reg, sizeof(reg)), 0);
		ck_assert_int_eq(fdt_property_u32(buf, "#iommu-cells", 1), 0);
		if (i == 1)
			ck_assert_int_eq(fdt_property_u32(buf, "stream-match-mask", 0x7c00), 0);
		ck_assert_int_eq(fdt_end_node(buf), 0);
	}
	ck_assert_int_eq(fdt_end_node(buf), 0);
	ck_assert_int_eq(fdt_finish(buf), 0);
	char *path = write_tmp(buf, fdt_totalsize(buf), ".dtb");
	snprintf(opt, sizeof(opt), "fdt=%s", path);
	const char *opts[] = { opt };
	ck_assert_msg(smmu_target_open("files", opts, 1, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	ck_assert_uint_eq(smmu_unit_count(t), 6);
	unsigned v2 = 0;
	for (size_t i = 0; i < smmu_unit_count(t); i++) {
		struct smmu_unit_info ui;
		smmu_unit_info(smmu_unit_at(t, i), &ui);
		v2 += ui.arch == SMMU_ARCH_SMMUV2;
		if (ui.base == 0x09050000)
			ck_assert_int_eq(ui.arch, SMMU_ARCH_SMMUV3);
	}
	ck_assert_uint_eq(v2, 5);
	smmu_target_close(t);
}
END_TEST

/* own, two devices in one domain and one in another, DMA round trips at
 * stage 1 and stage 2, release with every register as it was. */
START_TEST(own_attach_dma_release)
{
	struct smmu_target *t = open_t();
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *a, *b, *s2;
	uint32_t before[256], after[256];
	uint8_t in[256], out[256];

	firmware_state(t);
	snapshot(t, before);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:01.0"), NULL), -SMMU_E_NOTOWNED);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_domain_create(t, "s2", SMMU_DOMAIN_STAGE2, &s2), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:01.0"), a), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c000000"), a), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:02.0"), b), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c200000"), s2), 0);
	ck_assert_int_eq(smmu_map(a, 0x10000, RAM, 0x2000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(b, 0x10000, RAM + 0x10000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(s2, 0x10000, RAM + 0x20000, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 5 + 1);
	ck_assert_int_eq(smmu_mem_write(t, RAM, in, sizeof(in)), 0);
	/* the PCI device reads page 0, the platform device (same domain) writes page 1 */
	ck_assert_int_eq(smmu_dma(dev(t, "00:01.0"), SMMU_DMA_FROM_MEM, 0x10000, sizeof(in), NULL), 0);
	ck_assert_int_eq(smmu_dma(dev(t, "00:01.0"), SMMU_DMA_TO_MEM, 0x11000, sizeof(in), NULL), 0);
	ck_assert_int_eq(smmu_mem_read(t, RAM + 0x1000, out, sizeof(out)), 0);
	ck_assert_mem_eq(in, out, sizeof(in));
	ck_assert_int_eq(smmu_dma(dev(t, "platform@0x0c000000"), SMMU_DMA_TO_MEM, 0x11100, 16, NULL), 0);
	/* domain b's IOVA 0x10000 is another page */
	ck_assert_int_eq(smmu_dma(dev(t, "00:02.0"), SMMU_DMA_TO_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_dma(dev(t, "platform@0x0c200000"), SMMU_DMA_TO_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	/* the live view: each through its bank */
	struct smmu_translation tr;
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ .sid = 0x10 }, 0x10010, SMMU_PROT_R, &tr), 0);
	ck_assert(tr.ok && tr.pa == RAM + 0x10010);
	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ .sid = 0x420 }, 0x10010, SMMU_PROT_W, &tr), 0);
	ck_assert_msg(tr.ok && tr.pa == RAM + 0x20010, "%s", tr.cfg.reason);
	ck_assert_ptr_nonnull(strstr(tr.cfg.reason, "stage 2"));
	ck_assert_uint_eq(tr.cfg.nsteps, 7); /* SMR, S2CR, CBAR, CBA2R, SCTLR, TCR, TTBR0 */
	/* unmap: the next DMA faults, the invalidation (with its sync) happened */
	ck_assert_int_eq(smmu_unmap(a, 0x10000, 0x1000), 0);
	ck_assert_int_eq(smmu_dma(dev(t, "00:01.0"), SMMU_DMA_FROM_MEM, 0x10000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	snapshot(t, after);
	same_regs(before, after, "release");
	/* and again: domains survive release, the next own puts them back */
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_dma(dev(t, "00:02.0"), SMMU_DMA_FROM_MEM, 0x10000, 64, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 0);
	ck_assert_int_eq(smmu_unit_release(u), 0);
	snapshot(t, after);
	same_regs(before, after, "second release");
	smmu_target_close(t);
}
END_TEST

/* Devices one stream under the mask share an entry; others are refused. */
START_TEST(shared_entries_and_running_out)
{
	struct smmu_target *t = open_t();
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *a, *b;
	struct smmu_config cfg;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c000000"), a), 0);
	/* 0x401 under mask 1 is 0x400's entry: another domain cannot have it */
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c100000"), b), -SMMU_E_SHARED);
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c100000"), a), 0);
	ck_assert_int_eq(smmu_device_config(dev(t, "platform@0x0c100000"), false, 0, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	/* one entry serves both: detaching one keeps the other translating */
	ck_assert_int_eq(smmu_device_detach(dev(t, "platform@0x0c000000")), 0);
	ck_assert_int_eq(smmu_device_config(dev(t, "platform@0x0c100000"), false, 0, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	ck_assert_int_eq(smmu_device_detach(dev(t, "platform@0x0c100000")), 0);
	ck_assert_int_eq(smmu_device_config(dev(t, "platform@0x0c100000"), false, 0, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_FAULT);
	ck_assert_str_eq(cfg.code_name, "USF");
	/* a device with two StreamIDs gets both */
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c200000"), b), 0);
	ck_assert_int_eq(smmu_unit_config(u, &(struct smmu_stream){ .sid = 0x420 }, &cfg), 0);
	ck_assert_int_eq(cfg.verdict, SMMU_CFG_TRANSLATE);
	smmu_target_close(t);

	/* one context bank: the second domain has none */
	const char *one_cb[] = { "cbs=1" };
	t = open_opts(one_cb, 1);
	u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_domain_create(t, "b", 0, &b), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:01.0"), a), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:02.0"), b), -SMMU_E_NOCB);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:02.0"), a), 0);
	smmu_target_close(t);

	/* two stream-match groups: the two-StreamID device takes both */
	const char *two_smr[] = { "smrg=2" };
	t = open_opts(two_smr, 1);
	u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "platform@0x0c200000"), a), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:01.0"), a), -SMMU_E_NOSMR);
	ck_assert_str_eq(smmu_strerror(-SMMU_E_NOSMR),
			 "every stream-match register group of the unit is in use: detach a device first");
	ck_assert_int_eq(smmu_device_detach(dev(t, "platform@0x0c200000")), 0);
	ck_assert_int_eq(smmu_device_attach(dev(t, "00:01.0"), a), 0);
	smmu_target_close(t);
}
END_TEST

static const struct smmu_fault *last_fault(struct smmu_target *t, struct smmu_fault *f)
{
	size_t n = smmu_faults_kept(t);

	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(smmu_faults_get(t, n - 1, f), 0);
	return f;
}

static void explain_has(struct smmu_target *t, const struct smmu_fault *f, const char *needle)
{
	struct smmu_explain ex;

	ck_assert_int_eq(smmu_fault_explain(t, f, &ex), 0);
	ck_assert_msg(strstr(ex.text, needle), "explanation '%s' lacks '%s'", ex.text, needle);
}

/* Entry at iova of dom's live tables (through the library's translation). */
static uint64_t leaf_pa(struct smmu_unit *u, uint32_t sid, uint64_t iova, int depth_from_leaf)
{
	struct smmu_translation tr;

	ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ .sid = sid }, iova, 0, &tr), 0);
	ck_assert_uint_gt(tr.x.nsteps, (unsigned)depth_from_leaf);
	return tr.x.step[tr.x.nsteps - 1 - depth_from_leaf].entry_pa;
}

START_TEST(fault_classes)
{
	struct smmu_target *t = open_t();
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = dev(t, "00:01.0");
	struct smmu_domain *a;
	struct smmu_fault f;
	struct smmu_fault_totals tot;
	uint64_t v;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "a", 0, &a), 0);
	/* an unidentified stream: nobody attached it */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "USF");
	ck_assert_int_eq(f.cls, SMMU_FC_STREAM);
	ck_assert_uint_eq(f.stream.sid, 0x8);
	ck_assert_ptr_eq(f.dev, d);
	ck_assert_uint_eq(f.addr, 0x10000);
	explain_has(t, &f, "unidentified stream");

	ck_assert_int_eq(smmu_device_attach(d, a), 0);
	ck_assert_int_eq(smmu_map(a, 0x10000, RAM, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_map(a, 0x11000, RAM, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(a, 0x12000, RAM, 0x1000, SMMU_PROT_R | SMMU_PROT_W), 0);
	/* translation */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x30000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "TF");
	ck_assert_int_eq(f.cls, SMMU_FC_TRANSLATION);
	ck_assert_uint_eq(f.addr, 0x30000);
	ck_assert_uint_eq(f.access, SMMU_PROT_R);
	explain_has(t, &f, "is not mapped");
	/* permission */
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_TO_MEM, 0x10000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "PF");
	ck_assert_int_eq(f.cls, SMMU_FC_PERMISSION);
	ck_assert_uint_eq(f.access, SMMU_PROT_W);
	explain_has(t, &f, "needs W");
	/* access flag: cleared behind the library, before anything cached it */
	uint64_t e = leaf_pa(u, 0x8, 0x11000, 0);
	ck_assert_int_eq(smmu_mem_read(t, e, &v, 8), 0);
	v &= ~(1ull << 10);
	ck_assert_int_eq(smmu_mem_write(t, e, &v, 8), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x11000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "AFF");
	ck_assert_int_eq(f.cls, SMMU_FC_ACCESS);
	explain_has(t, &f, "access flag");
	/* external: the level-3 table pointer moved outside RAM */
	e = leaf_pa(u, 0x8, 0x12000, 1);
	uint64_t old;
	ck_assert_int_eq(smmu_mem_read(t, e, &old, 8), 0);
	v = 0x2000000000ull | 3;
	ck_assert_int_eq(smmu_mem_write(t, e, &v, 8), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x12000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "EF");
	ck_assert_int_eq(f.cls, SMMU_FC_FETCH);
	ck_assert_int_eq(smmu_mem_write(t, e, &old, 8), 0);
	/* MULTI: two faults before anyone drains: one record, one lost */
	smmu_faults_totals(t, &tot);
	uint64_t lost = tot.lost_overflow;
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x40000, 8, NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x50000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_uint_eq(f.addr, 0x40000);
	smmu_faults_totals(t, &tot);
	ck_assert_uint_eq(tot.lost_overflow, lost + 1);
	/* TLB match conflict: a cached page, then a block over it written behind the library */
	ck_assert_int_eq(smmu_map(a, 0x200000, RAM, 0x1000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x200000, 8, NULL), 0);
	e = leaf_pa(u, 0x8, 0x200000, 1); /* the level-2 entry */
	v = 0x40400000ull | 1 | (1ull << 10) | (1ull << 6) | (3ull << 8);
	ck_assert_int_eq(smmu_mem_write(t, e, &v, 8), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x201000, 8, NULL), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x200000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "TLBMCF");
	explain_has(t, &f, "TLBMCF: other; the requester's configuration now: context bank 0");
	/* a stream match conflict: a second entry for 0x8, written by hand */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x800 + 4 * 15, 4, 0x80000008), 0);
	ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, 0x12000, 8, NULL), 0);
	ck_assert_int_eq(smmu_faults_poll(t), 1);
	last_fault(t, &f);
	ck_assert_str_eq(f.code_name, "SMCF");
	explain_has(t, &f, "matches 2 stream-match entries");
	ck_assert_int_eq(smmu_unit_release(u), 0);
	smmu_target_close(t);
}
END_TEST

/* own / attach / map / DMA / unmap / release, stopping at the first error. */
static int sequence(struct smmu_target *t)
{
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = smmu_device_find(t, "platform@0x0c200000");
	struct smmu_domain *dom = smmu_domain_find(t, "fi");
	int rc;

	if (!dom && (rc = smmu_domain_create(t, "fi", 0, &dom)))
		return rc;
	if ((rc = smmu_unit_own(u)) || (rc = smmu_device_attach(d, dom)) ||
	    (rc = smmu_map(dom, 0x10000, RAM, 0x2000, SMMU_PROT_R | SMMU_PROT_W)) ||
	    (rc = smmu_dma(d, SMMU_DMA_FROM_MEM, 0x10000, 128, NULL)) ||
	    (rc = smmu_unmap(dom, 0x10000, 0x1000)) || (rc = smmu_faults_poll(t)) < 0 ||
	    (rc = smmu_device_detach(d)) || (rc = smmu_unit_release(u)))
		return rc < 0 ? rc : 0;
	return 0;
}

START_TEST(every_failure_point_still_releases)
{
	struct smmu_target *t = open_t();
	uint32_t before[256], after[256];

	smmu_target_fail_after(t, UINT64_MAX);
	ck_assert_int_eq(sequence(t), 0);
	uint64_t total = smmu_target_accesses(t);
	smmu_target_close(t);
	ck_assert_uint_gt(total, 50);
	for (uint64_t n = 1; n <= total; n++) {
		t = open_t();
		firmware_state(t);
		snapshot(t, before);
		smmu_target_fail_after(t, n);
		ck_assert_msg(sequence(t) != 0, "failing access %llu of %llu went unnoticed", (unsigned long long)n,
			      (unsigned long long)total);
		smmu_target_fail_after(t, 0);
		ck_assert_int_eq(smmu_target_release_all(t), 0);
		ck_assert(!smmu_unit_owned(smmu_unit_at(t, 0)));
		snapshot(t, after);
		same_regs(before, after, "after a failure");
		smmu_target_close(t);
	}
}
END_TEST

/* An AArch32 bank a firmware left (CBA2R.VA64 = 0, TTBCR.EAE = 1): the
 * library predicts VMSAv8-32 execute permissions (XN and XNTable for both
 * privileges, PXN for PL1, PL0 execution needs PL0 read, no implicit PXN of
 * PL0-writable pages), and the model's DMA does the same. */
START_TEST(aarch32_bank_execute_rules)
{
	struct smmu_target *t = open_t();
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_device *d = dev(t, "00:01.0");
	struct smmu_device_info di;
	const uint64_t pt = RAM + 0x100000, data = RAM + 0x200000;
	const uint64_t AF = 1ull << 10, AP1 = 1ull << 6, AP2 = 1ull << 7, PXN = 1ull << 53, XN = 1ull << 54;
	const uint64_t XNTABLE = 1ull << 60;
	static const struct {
		uint64_t iova, attrs;
		bool user_x, priv_x;
	} pages[] = {
		{ 0x1000, AF | AP1, true, true },             /* PL0-writable: no implicit PXN */
		{ 0x2000, AF | AP1 | AP2 | XN, false, false }, /* XN: neither (AArch64: UXN only) */
		{ 0x3000, AF, false, true },                   /* PL1 only: PL0 cannot read */
		{ 0x5000, AF | AP1 | AP2 | PXN, true, false },
		{ 0x40001000, AF | AP1 | AP2, false, false },  /* under XNTable */
	};

	smmu_device_info(d, &di);
	/* level 1 (4 entries, 1 GiB each) -> level 2 -> level 3; the second GiB's table has XNTable */
	const uint64_t l1[2] = { (pt + 0x1000) | 3, (pt + 0x2000) | 3 | XNTABLE };
	ck_assert_int_eq(smmu_mem_write(t, pt, l1, sizeof(l1)), 0);
	ck_assert_int_eq(smmu_mem_write(t, pt + 0x1000, &(uint64_t){ (pt + 0x3000) | 3 }, 8), 0);
	ck_assert_int_eq(smmu_mem_write(t, pt + 0x2000, &(uint64_t){ (pt + 0x4000) | 3 }, 8), 0);
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		uint64_t l3 = (pages[i].iova >> 30 ? pt + 0x4000 : pt + 0x3000) + (pages[i].iova >> 12 & 0x1ff) * 8;
		ck_assert_int_eq(smmu_mem_write(t, l3, &(uint64_t){ data | 3 | pages[i].attrs }, 8), 0);
	}
	/* bank 2: stage 1, AArch32 LPAE, T0SZ 0, TTBR1 walks off; stream 0 -> bank 2 */
	ck_assert_int_eq(smmu_mmio_write(t, GR1(4 * 2), 4, 1u << 16), 0);             /* CBAR2 */
	ck_assert_int_eq(smmu_mmio_write(t, GR1(0x800 + 4 * 2), 4, 0), 0);            /* CBA2R2: VA64 0 */
	ck_assert_int_eq(smmu_mmio_write(t, CB(2, 0x30), 4, 1u << 31 | 1u << 23), 0); /* TTBCR: EAE, EPD1 */
	ck_assert_int_eq(smmu_mmio_write(t, CB(2, 0x20), 8, pt), 0);                   /* TTBR0 */
	ck_assert_int_eq(smmu_mmio_write(t, CB(2, 0x00), 4, 1 | 1u << 5 | 1u << 6), 0);    /* SCTLR: M, CFRE, CFIE */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0xc00, 4, 2), 0);                   /* S2CR0: bank 2 */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x800, 4, 0x80000000u | di.sid), 0); /* SMR0 */
	ck_assert_int_eq(smmu_mmio_write(t, BASE + 0x0, 4, 0x00200000), 0);            /* sCR0: clients on */

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		for (int priv = 0; priv < 2; priv++) {
			struct smmu_translation tr;
			bool want = priv ? pages[i].priv_x : pages[i].user_x;
			ck_assert_int_eq(smmu_translate(u, &(struct smmu_stream){ .sid = di.sid }, pages[i].iova,
						       SMMU_PROT_X | (priv ? SMMU_PROT_PRIV : 0), &tr), 0);
			ck_assert(tr.cfg.pgt.flags & SMMU_PGT_CFG_AARCH32);
			ck_assert_msg(tr.ok == want, "predicted: %s execute at 0x%llx %s", priv ? "PL1" : "PL0",
				      (unsigned long long)pages[i].iova, tr.ok ? "allowed" : "denied");
			ck_assert_int_eq(smmu_dma(d, SMMU_DMA_FROM_MEM, pages[i].iova, 8,
						  &(struct smmu_dma_opts){ .priv = priv, .exec = true }), 0);
			/* the unit is not owned (the library drains nothing): the bank's FSR */
			uint64_t fsr = mmio(t, CB(2, 0x58), 4) & ~(3ull << 9); /* not FORMAT */
			ck_assert_msg(!fsr == want, "the model: %s execute at 0x%llx: FSR 0x%llx", priv ? "PL1" : "PL0",
				      (unsigned long long)pages[i].iova, (unsigned long long)fsr);
			ck_assert_int_eq(smmu_mmio_write(t, CB(2, 0x58), 4, fsr), 0); /* W1C */
		}
	smmu_target_close(t);
}
END_TEST

Suite *suite_lib_smmuv2(void);
Suite *suite_lib_smmuv2(void)
{
	Suite *s = suite_create("lib_smmuv2");
	TCase *tc = tcase_create("mmu500");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, discovers_units_and_devices);
	tcase_add_test(tc, discovers_from_iort);
	tcase_add_test(tc, discovers_several_instances);
	tcase_add_test(tc, own_attach_dma_release);
	tcase_add_test(tc, shared_entries_and_running_out);
	tcase_add_test(tc, fault_classes);
	tcase_add_test(tc, every_failure_point_still_releases);
	tcase_add_test(tc, aarch32_bank_execute_rules);
	suite_add_tcase(s, tc);
	return s;
}
