/* SPDX-License-Identifier: MIT */
/*
 * The MMU-500 platform (`sim:mmu500`): an Arm board laid out like virt, with
 * the IOMMU most embedded Arm boards have, an MMU-500 (SMMUv2), at
 * 0x0a000000.  RAM at 0x40000000 with the device tree at its start, PCIe ECAM
 * at 0x4010000000 with DMA test devices at 00:01.0, 00:02.0, ... (StreamID =
 * RID), and three platform DMA test devices: dma@c000000 (StreamID 0x400),
 * dma@c100000 (0x401: the same stream under the mask bit 0, which the device
 * tree's stream-match-mask or second specifier cell gives) and dma@c200000
 * with two StreamIDs (0x410 and 0x420; SIM_TESTDEV_SID_SEL picks one).
 * Firmware: the device tree (`arm,mmu-500`, `#iommu-cells` 1 or 2 by the
 * `cells` parameter), an ACPI IORT with an SMMUv1/v2 node (model MMU-500),
 * and MCFG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "backends/sim/sim-arm.h"
#include "backends/sim/sim-internal.h"

#define M5_SMMU_BASE    0x0a000000ULL
#define M5_PLATDEV_BASE 0x0c000000ULL
#define M5_PLATDEV_STEP 0x00100000ULL
#define M5_MMIO32_BASE  0x10000000ULL
#define M5_MMIO32_SIZE  0x2eff0000ULL
#define M5_ECAM_BASE    SIM_ARM_ECAM_BASE
#define M5_ECAM_SIZE    0x10000000ULL
#define FDT_MAX         0x10000
#define SMMU_PHANDLE    1
#define MATCH_MASK      0x1 /* the StreamID bit the stream-match-mask leaves out */

/* The platform devices: their StreamIDs (two for the last). */
static const struct {
	const char *acpi_name;
	uint32_t sids[2];
	unsigned nsids;
} platdevs[] = {
	{ "\\_SB.DMA0", { 0x400 }, 1 },
	{ "\\_SB.DMA1", { 0x401 }, 1 },
	{ "\\_SB.DMA2", { 0x410, 0x420 }, 2 },
};
#define NPLAT (sizeof(platdevs) / sizeof(platdevs[0]))

static int build_fdt(const struct sim_layout *l, unsigned cells, void **out, size_t *len)
{
	void *fdt = calloc(1, FDT_MAX);
	char name[64];
	int rc = 0;

	if (!fdt)
		return -ENOMEM;
#define T(x) do { if (!rc) rc = (x); } while (0)
	T(sim_fdt_begin(fdt, FDT_MAX, "smmush sim:mmu500", l));

	/* As Linux's arm,smmu binding has it; no interrupt controller is
	 * modelled, so no interrupts are described. */
	snprintf(name, sizeof(name), "iommu@%llx", (unsigned long long)l->iommu_base);
	T(fdt_begin_node(fdt, name));
	{
		static const char compat[] = "arm,mmu-500\0arm,smmu-v2";
		T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	}
	T(sim_fdt_prop_reg(fdt, l->iommu_base, l->iommu_size));
	T(fdt_property_u32(fdt, "#global-interrupts", 1));
	T(fdt_property_u32(fdt, "#iommu-cells", cells));
	/* for one-cell specifiers (iommus with #iommu-cells 1, and iommu-map) */
	T(fdt_property_u32(fdt, "stream-match-mask", MATCH_MASK));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_property_u32(fdt, "phandle", SMMU_PHANDLE));
	T(fdt_end_node(fdt));

	T(sim_fdt_pcie_begin(fdt, l, M5_MMIO32_SIZE, SMMU_PHANDLE));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_end_node(fdt));

	for (size_t i = 0; i < NPLAT; i++) {
		uint64_t base = M5_PLATDEV_BASE + i * M5_PLATDEV_STEP;
		uint32_t iommus[6];
		int n = 0;
		snprintf(name, sizeof(name), "dma@%llx", (unsigned long long)base);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "compatible", "smmush,sim-testdev"));
		T(sim_fdt_prop_reg(fdt, base, SIM_TESTDEV_BAR_SIZE));
		for (unsigned k = 0; k < platdevs[i].nsids; k++) {
			iommus[n++] = SMMU_PHANDLE;
			iommus[n++] = platdevs[i].sids[k];
			if (cells == 2) /* the mask in the specifier: the devices that share a stream say so */
				iommus[n++] = platdevs[i].nsids == 1 ? MATCH_MASK : 0;
		}
		T(sim_fdt_prop_cells(fdt, "iommus", iommus, n));
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		T(fdt_end_node(fdt));
	}

#undef T
	return sim_fdt_finish(fdt, rc, out, len);
}

/* ACPI IORT (DEN 0049): an SMMUv1/v2 node (model MMU-500) with its global
 * and one context interrupt per bank (described, never raised), a root
 * complex whose RIDs map 1:1 to StreamIDs, and a named component per
 * platform device. */
#define IORT_HDR       48
#define IORT_SMMU_FIX  76 /* fixed part and the global interrupt array */
#define IORT_RC_LEN    (36 + 20)
#define IORT_NC_FIXED  29

static size_t nc_ids_off(const char *name)
{
	return (IORT_NC_FIXED + strlen(name) + 1 + 3) & ~(size_t)3;
}

static int build_iort(const struct sim_layout *l, unsigned ncb, void **out, size_t *len)
{
	size_t smmu_len = IORT_SMMU_FIX + (size_t)ncb * 8, total = IORT_HDR + smmu_len + IORT_RC_LEN;
	uint32_t smmu_off = IORT_HDR, rc_off = (uint32_t)(smmu_off + smmu_len);
	uint8_t *t, *n;

	for (size_t i = 0; i < NPLAT; i++)
		total += nc_ids_off(platdevs[i].acpi_name) + 20 * platdevs[i].nsids;
	if (!(t = calloc(1, total)))
		return -ENOMEM;
	sim_acpi_header(t, "IORT", (uint32_t)total, 0);
	sim_put32(t + 36, 2 + NPLAT);
	sim_put32(t + 40, IORT_HDR);

	n = t + smmu_off; /* SMMUv1/v2 node, revision 1 */
	sim_iort_node(n, 3, (uint16_t)smmu_len, 1, 0, 0);
	sim_put64(n + 16, l->iommu_base);
	sim_put64(n + 24, l->iommu_size);
	sim_put32(n + 32, 3);          /* model: Arm CoreLink MMU-500 */
	sim_put32(n + 36, 2);          /* flags: coherent page table walks */
	sim_put32(n + 40, 60);         /* global interrupt array */
	sim_put32(n + 44, ncb);        /* context interrupts */
	sim_put32(n + 48, IORT_SMMU_FIX);
	sim_put32(n + 52, 0);          /* PMU interrupts */
	sim_put32(n + 56, 0);
	sim_put32(n + 60, 64);         /* SMMU_NSgIrpt (GSIV), level */
	sim_put32(n + 68, 65);         /* SMMU_NSgCfgIrpt */
	for (unsigned i = 0; i < ncb; i++)
		sim_put32(n + IORT_SMMU_FIX + i * 8, 96 + i);

	n = t + rc_off;            /* root complex, revision 1 */
	sim_iort_node(n, 2, IORT_RC_LEN, 1, 1, 36);
	sim_put32(n + 16, 1);
	n[23] = 0x3;
	sim_put32(n + 28, 0);
	n[32] = 48;
	sim_iort_map(n + 36, 0, 0xffff, 0, smmu_off, 0);

	uint32_t off = rc_off + IORT_RC_LEN;
	for (size_t i = 0; i < NPLAT; i++) {
		size_t ids = nc_ids_off(platdevs[i].acpi_name), nl = ids + 20 * platdevs[i].nsids;
		n = t + off;
		sim_iort_node(n, 1, (uint16_t)nl, 0, platdevs[i].nsids, (uint32_t)ids);
		sim_put32(n + 20, 1);
		n[28] = 48;
		memcpy(n + IORT_NC_FIXED, platdevs[i].acpi_name, strlen(platdevs[i].acpi_name) + 1);
		for (unsigned k = 0; k < platdevs[i].nsids; k++)
			sim_iort_map(n + ids + 20 * k, 0, 0, platdevs[i].sids[k], smmu_off, 1 /* single */);
		off += (uint32_t)nl;
	}
	sim_acpi_checksum(t, total);
	*out = t;
	*len = total;
	return 0;
}

int sim_mmu500_build(struct sim_machine *m)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_layout l = { 0 };
	void *blob;
	size_t len;
	int rc;

	if (p->ram_base != 0x40000000 || p->ram_size < (1ULL << 20) || p->ram_base + p->ram_size > M5_ECAM_BASE)
		return -EINVAL;
	l.ram_base = p->ram_base;
	l.ram_size = p->ram_size;
	l.iommu_base = M5_SMMU_BASE;
	l.iommu_size = sim_mmu500_size(p);
	l.ecam_base = M5_ECAM_BASE;
	l.ecam_size = M5_ECAM_SIZE;
	l.mmio32_base = M5_MMIO32_BASE;
	l.platdev_base = M5_PLATDEV_BASE;
	l.platdev_sid = platdevs[0].sids[0];
	l.fdt_addr = p->ram_base;
	if ((rc = sim_layout_finish(m, &l)) || (rc = sim_mmu500_create(m, l.iommu_base)) ||
	    (rc = sim_pci_init(m, l.ecam_base, l.ecam_size, l.mmio32_base, 0x1b36, 0x0008)) ||
	    (rc = sim_pci_add_testdevs(m, p->ndevs)))
		return rc;
	for (size_t i = 0; i < NPLAT; i++) {
		struct sim_testdev *d;
		if ((rc = sim_testdev_create_platform(m, M5_PLATDEV_BASE + i * M5_PLATDEV_STEP, platdevs[i].sids[0],
						      &d)) ||
		    (rc = sim_testdev_set_sids(d, platdevs[i].sids, platdevs[i].nsids)))
			return rc;
	}
	if ((rc = build_fdt(&l, p->mmu500_cells, &blob, &len)))
		return rc;
	if ((rc = sim_fw_add_fdt(m, &l, blob, len)) || (rc = build_iort(&l, p->mmu500_cbs, &blob, &len)) ||
	    (rc = sim_fw_add(m, "IORT", blob, len)))
		return rc;
	return sim_fw_add_mcfg(m, l.ecam_base, l.ecam_size);
}
