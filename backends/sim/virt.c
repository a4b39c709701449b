/* SPDX-License-Identifier: MIT */
/*
 * The Arm virt-like platform (`sim:virt`), laid out like QEMU's virt: RAM at
 * 0x40000000 with the device tree at its start, an SMMUv3 at 0x09050000, PCIe
 * ECAM at 0x4010000000 with DMA test devices at 00:01.0, 00:02.0, ..., and one
 * platform DMA test device with its own StreamID.  Firmware: the flattened
 * device tree ("fdt", also written to RAM), an ACPI IORT and MCFG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "backends/sim/sim-arm.h"
#include "backends/sim/sim-internal.h"

#define VIRT_SMMU_BASE    0x09050000ULL
#define VIRT_SMMU_SIZE    0x20000ULL
#define VIRT_PLATDEV_BASE 0x0c000000ULL  /* QEMU virt's platform bus window */
#define VIRT_PLATDEV_SID  0x100          /* no PCI function has this RID: only bus 0 exists */
#define VIRT_MMIO32_BASE  0x10000000ULL
#define VIRT_MMIO32_SIZE  0x2eff0000ULL
#define VIRT_ECAM_BASE    SIM_ARM_ECAM_BASE
#define VIRT_ECAM_SIZE    0x10000000ULL  /* 256 buses */
#define FDT_MAX           0x10000
#define SMMU_PHANDLE      1
#define ITS_PHANDLE       2
#define VIRT_ITS_BASE     0x08080000ULL  /* QEMU virt's GICv3 ITS (described, not modelled) */

/* The device tree, with the sequential-write API; errors accumulate in rc. */
static int build_fdt(const struct sim_layout *l, void **out, size_t *len)
{
	void *fdt = calloc(1, FDT_MAX);
	char name[64];
	int rc = 0;

	if (!fdt)
		return -ENOMEM;
#define T(x) do { if (!rc) rc = (x); } while (0)
	T(sim_fdt_begin(fdt, FDT_MAX, "smmush sim:virt", l));

	/* The ITS is only described, so that msi-map has a controller to name:
	 * the model delivers no MSIs. */
	snprintf(name, sizeof(name), "its@%llx", VIRT_ITS_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
	T(sim_fdt_prop_reg(fdt, VIRT_ITS_BASE, 0x20000));
	T(fdt_property(fdt, "msi-controller", NULL, 0));
	T(fdt_property_u32(fdt, "#msi-cells", 1));
	T(fdt_property_u32(fdt, "phandle", ITS_PHANDLE));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "smmuv3@%llx", (unsigned long long)l->iommu_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "arm,smmu-v3"));
	T(sim_fdt_prop_reg(fdt, l->iommu_base, l->iommu_size));
	T(fdt_property_u32(fdt, "#iommu-cells", 1));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_property_u32(fdt, "phandle", SMMU_PHANDLE));
	T(fdt_end_node(fdt));

	T(sim_fdt_pcie_begin(fdt, l, VIRT_MMIO32_SIZE, SMMU_PHANDLE));
	{
		uint32_t msi_map[4] = { 0, ITS_PHANDLE, 0, 0x10000 }; /* RID -> ITS DeviceID */

		T(sim_fdt_prop_cells(fdt, "msi-map", msi_map, 4));
	}
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "dma@%llx", (unsigned long long)l->platdev_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "smmush,sim-testdev"));
	T(sim_fdt_prop_reg(fdt, l->platdev_base, SIM_TESTDEV_BAR_SIZE));
	{
		uint32_t iommus[2] = { SMMU_PHANDLE, l->platdev_sid };

		T(sim_fdt_prop_cells(fdt, "iommus", iommus, 2));
	}
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_end_node(fdt));

	if (l->rogue_base) { /* a DMA master wired past the SMMU: firmware names no IOMMU for it */
		snprintf(name, sizeof(name), "dma@%llx", (unsigned long long)l->rogue_base);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "compatible", "smmush,sim-testdev"));
		T(sim_fdt_prop_reg(fdt, l->rogue_base, SIM_TESTDEV_BAR_SIZE));
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		T(fdt_end_node(fdt));
	}

#undef T
	return sim_fdt_finish(fdt, rc, out, len);
}

/* ACPI IORT (DEN 0049): an SMMUv3 node, a root complex whose RIDs map 1:1 to
 * StreamIDs, and a named component for the platform device. */
#define IORT_HDR      48
#define IORT_SMMU_LEN 68
#define IORT_RC_LEN   (36 + 20)
#define IORT_NC_NAME  "\\_SB.DMA0"
#define IORT_NC_FIXED 29
#define IORT_NC_IDS   ((IORT_NC_FIXED + sizeof(IORT_NC_NAME) + 3) & ~3u)
#define IORT_NC_LEN   (IORT_NC_IDS + 20)

/* An RMR node (revision 3): flags, one ID mapping (the StreamID on the
 * SMMUv3), one memory range descriptor. */
#define IORT_RMR_FIXED 28
#define IORT_RMR_LEN   (IORT_RMR_FIXED + 20 + 20)
#define IORT_RMR_FLAGS (5u << 2) /* no remapping, unprivileged, Normal Inner/Outer Write-back */

static int build_iort(const struct sim_layout *l, const struct sim_params *p, void **out, size_t *len)
{
	size_t total = IORT_HDR + IORT_SMMU_LEN + IORT_RC_LEN + IORT_NC_LEN + (size_t)p->nrmr * IORT_RMR_LEN;
	uint32_t smmu_off = IORT_HDR, rc_off = smmu_off + IORT_SMMU_LEN;
	uint32_t nc_off = rc_off + IORT_RC_LEN;
	uint8_t *t = calloc(1, total), *n;

	if (!t)
		return -ENOMEM;
	/* RMR nodes exist from IORT issue E.c on (table revision 5) */
	sim_acpi_header(t, "IORT", (uint32_t)total, p->nrmr ? 5 : 0);
	sim_put32(t + 36, 3 + p->nrmr); /* number of nodes */
	sim_put32(t + 40, IORT_HDR);   /* offset of the first node */

	n = t + smmu_off;          /* SMMUv3 node, revision 2 */
	sim_iort_node(n, 4, IORT_SMMU_LEN, 2, 0, 0);
	sim_put64(n + 16, l->iommu_base);
	sim_put32(n + 24, 1);          /* flags: COHACC override */
	sim_put32(n + 40, 0);          /* model: generic SMMUv3 */

	n = t + rc_off;            /* root complex node, revision 1 */
	sim_iort_node(n, 2, IORT_RC_LEN, 1, 1, 36);
	sim_put32(n + 16, 1);          /* cache coherent */
	n[23] = 0x3;               /* CPM | DACS */
	sim_put32(n + 24, 0);          /* no ATS */
	sim_put32(n + 28, 0);          /* PCI segment 0 */
	n[32] = 48;                /* memory address size limit */
	sim_iort_map(n + 36, 0, 0xffff, 0, smmu_off, 0);

	n = t + nc_off;            /* named component, revision 0 */
	sim_iort_node(n, 1, IORT_NC_LEN, 0, 1, IORT_NC_IDS);
	sim_put32(n + 20, 1);          /* cache coherent */
	n[28] = 48;                /* device memory address size limit */
	memcpy(n + IORT_NC_FIXED, IORT_NC_NAME, sizeof(IORT_NC_NAME));
	sim_iort_map(n + IORT_NC_IDS, 0, 0, l->platdev_sid, smmu_off, 1 /* single mapping */);

	for (unsigned i = 0; i < p->nrmr; i++) {
		n = t + nc_off + IORT_NC_LEN + (size_t)i * IORT_RMR_LEN;
		sim_iort_node(n, 6, IORT_RMR_LEN, 3, 1, IORT_RMR_FIXED);
		sim_put32(n + 4, i);           /* identifier */
		sim_put32(n + 16, IORT_RMR_FLAGS);
		sim_put32(n + 20, 1);          /* memory range descriptors */
		sim_put32(n + 24, IORT_RMR_FIXED + 20);
		sim_iort_map(n + IORT_RMR_FIXED, p->rmr[i].id, 0, p->rmr[i].id, smmu_off, 1 /* single mapping */);
		sim_put64(n + IORT_RMR_FIXED + 20, p->rmr[i].base);
		sim_put64(n + IORT_RMR_FIXED + 28, p->rmr[i].len);
	}

	sim_acpi_checksum(t, total);
	*out = t;
	*len = total;
	return 0;
}

int sim_virt_build(struct sim_machine *m)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_layout l = { 0 };
	void *blob;
	size_t len;
	int rc;

	if (p->ram_base != 0x40000000 || p->ram_size < (1ULL << 20) ||
	    p->ram_base + p->ram_size > VIRT_ECAM_BASE)
		return -EINVAL;
	l.ram_base = p->ram_base;
	l.ram_size = p->ram_size;
	l.iommu_base = VIRT_SMMU_BASE;
	l.iommu_size = VIRT_SMMU_SIZE;
	l.ecam_base = VIRT_ECAM_BASE;
	l.ecam_size = VIRT_ECAM_SIZE;
	l.mmio32_base = VIRT_MMIO32_BASE;
	l.platdev_base = VIRT_PLATDEV_BASE;
	l.platdev_sid = VIRT_PLATDEV_SID;
	l.rogue_base = p->untranslated ? VIRT_PLATDEV_BASE + SIM_TESTDEV_BAR_SIZE : 0;
	l.fdt_addr = p->ram_base;
	rc = sim_layout_finish(m, &l);
	if (rc)
		return rc;

	rc = sim_smmuv3_create(m, l.iommu_base);
	if (rc)
		return rc;
	/* Host bridge: QEMU's generic PCIe host (1b36:0008). */
	rc = sim_pci_init(m, l.ecam_base, l.ecam_size, l.mmio32_base, 0x1b36, 0x0008);
	if (rc)
		return rc;
	rc = sim_pci_add_param_testdevs(m);
	if (rc)
		return rc;
	rc = sim_testdev_create_platform(m, l.platdev_base, l.platdev_sid, NULL);
	if (rc)
		return rc;
	if (l.rogue_base && (rc = sim_testdev_create_untranslated(m, l.rogue_base)))
		return rc;

	rc = build_fdt(&l, &blob, &len);
	if (rc)
		return rc;
	rc = sim_fw_add_fdt(m, &l, blob, len);
	if (rc)
		return rc;
	rc = build_iort(&l, p, &blob, &len);
	if (rc)
		return rc;
	rc = sim_fw_add(m, "IORT", blob, len);
	if (rc)
		return rc;
	return sim_fw_add_mcfg(m, l.ecam_base, l.ecam_size);
}
