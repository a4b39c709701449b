/* SPDX-License-Identifier: MIT */
/*
 * The AMD platform (`sim:amd`): a q35-like x86 machine with RAM from 0, an
 * AMD IOMMU whose registers are at 0xfed80000 (where QEMU puts its
 * amd-iommu) and whose PCI function is 00:00.2 (where AMD chipsets put it),
 * PCIe ECAM at 0xb0000000 plus ports 0xcf8/0xcfc, DMA test devices at
 * 00:01.0, 00:02.0, ..., and ACPI IVRS and MCFG tables.
 */
#include <errno.h>
#include <stdlib.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-amd.h"

#define AMD_IOMMU_BASE  0xfed80000ULL
#define AMD_IOMMU_BDF   0x0002       /* 00:00.2 */
#define AMD_CAP_OFFSET  0x40
#define AMD_IOAPIC_BDF  0x00a0       /* 00:14.0, as AMD chipsets report it */
#define AMD_ECAM_BASE   0xb0000000ULL
#define AMD_ECAM_SIZE   0x10000000ULL
#define AMD_MMIO32_BASE 0xc0000000ULL

int sim_amd_build(struct sim_machine *m)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_layout l = { 0 };
	struct sim_ivrs_desc id = { 0 };
	struct sim_pci_dev *fn;
	void *blob;
	size_t len;
	int rc;

	if (p->ram_base != 0 || p->ram_size > AMD_ECAM_BASE)
		return -EINVAL;
	l.iommu_base = AMD_IOMMU_BASE;
	l.iommu_size = SIM_AMDVI_MMIO_SIZE;
	l.ecam_base = AMD_ECAM_BASE;
	l.ecam_size = AMD_ECAM_SIZE;
	l.mmio32_base = AMD_MMIO32_BASE;
	rc = sim_layout_finish(m, &l);
	if (rc)
		return rc;

	rc = sim_amdvi_create(m, l.iommu_base);
	if (rc)
		return rc;
	/* Host bridge: AMD Family 17h root complex (1022:1450). */
	rc = sim_pci_init(m, l.ecam_base, l.ecam_size, l.mmio32_base, 0x1022, 0x1450);
	if (rc)
		return rc;
	/* The IOMMU's own function (1022:1451, class 0806: IOMMU) with its
	 * capability block: header (CapID 0Fh, type 3, rev 1, EFRSup), the base
	 * address (Enable set, as firmware leaves it), range, misc 0. */
	rc = sim_pci_register(m, AMD_IOMMU_BDF, 0x1022, 0x1451, 0x08060000, 0, NULL, NULL, &fn);
	if (rc)
		return rc;
	sim_pci_add_cap(fn, AMD_CAP_OFFSET);
	sim_pci_cfg_set32(fn, AMD_CAP_OFFSET + 0x00, 0x0f | 3u << 16 | 1u << 19 | 1u << 27);
	sim_pci_cfg_set32(fn, AMD_CAP_OFFSET + 0x04, (uint32_t)AMD_IOMMU_BASE | 1);
	sim_pci_cfg_set32(fn, AMD_CAP_OFFSET + 0x08, (uint32_t)(AMD_IOMMU_BASE >> 32));
	sim_pci_cfg_set32(fn, AMD_CAP_OFFSET + 0x0c, 0xffu << 24 | 0x80);
	sim_pci_cfg_set32(fn, AMD_CAP_OFFSET + 0x10, 64u << 15 | 48u << 8);
	rc = sim_pci_add_testdevs(m, p->ndevs);
	if (rc)
		return rc;

	id.base = l.iommu_base;
	id.iommu_devid = AMD_IOMMU_BDF;
	id.cap_offset = AMD_CAP_OFFSET;
	id.efr = sim_amdvi_efr();
	id.pa_bits = 48;
	id.va_bits = 64;
	id.first_dev = 1 << 3;
	id.last_dev = (uint16_t)(p->ndevs << 3 | 7);
	id.ioapic_devid = AMD_IOAPIC_BDF;
	id.ivmd = p->ivmd;
	id.nivmd = p->nivmd;
	rc = sim_ivrs_build(&id, &blob, &len);
	if (rc)
		return rc;
	rc = sim_fw_add(m, "IVRS", blob, len);
	if (rc)
		return rc;
	return sim_fw_add_mcfg(m, l.ecam_base, l.ecam_size);
}
