/* SPDX-License-Identifier: MIT */
/*
 * The q35-like x86 platform (`sim:q35`): RAM from 0, a VT-d unit at
 * 0xfed90000 (as on QEMU), PCIe ECAM at 0xb0000000 plus ports 0xcf8/0xcfc,
 * DMA test devices at 00:01.0, 00:02.0, ..., and ACPI DMAR and MCFG tables.
 */
#include <errno.h>
#include <stdlib.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-q35.h"

#define Q35_VTD_BASE    0xfed90000ULL
#define Q35_ECAM_BASE   SIM_Q35_ECAM_BASE
#define Q35_ECAM_SIZE   0x10000000ULL   /* 256 buses */
#define Q35_MMIO32_BASE 0xc0000000ULL

int sim_q35_build(struct sim_machine *m)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_layout l = { 0 };
	struct sim_dmar_desc dd = { 0 };
	uint16_t devs[32];
	void *blob;
	size_t len;
	int rc;

	/* RAM is one range from 0 and must end below the PCI hole (ECAM). */
	if (p->ram_base != 0 || p->ram_size > Q35_ECAM_BASE)
		return -EINVAL;
	l.iommu_base = Q35_VTD_BASE;
	l.iommu_size = sim_vtd_frame_size(p->nfr);
	l.ecam_base = Q35_ECAM_BASE;
	l.ecam_size = Q35_ECAM_SIZE;
	l.mmio32_base = Q35_MMIO32_BASE;
	rc = sim_layout_finish(m, &l);
	if (rc)
		return rc;

	rc = sim_vtd_create(m, l.iommu_base);
	if (rc)
		return rc;
	/* Host bridge: Intel Q35 MCH (8086:29c0), as on QEMU. */
	rc = sim_pci_init(m, l.ecam_base, l.ecam_size, l.mmio32_base, 0x8086, 0x29c0);
	if (rc)
		return rc;
	rc = sim_pci_add_param_testdevs(m);
	if (rc)
		return rc;

	for (unsigned i = 0; i < p->ndevs; i++)
		devs[i] = (uint16_t)((i + 1) << 3);     /* 00:(i+1).0 */
	dd.drhd_base = l.iommu_base;
	dd.drhd_size = l.iommu_size;
	dd.haw = sim_vtd_haw(p->vtd_aw);
	dd.intr_remap = true;
	dd.devs = devs;
	dd.ndevs = p->ndevs;
	dd.bridge = p->bridge_devs ? SIM_BRIDGE_DEVFN : 0; /* a PCI sub-hierarchy scope */
	dd.switch_port = p->switch_devs ? SIM_SWITCH_DEVFN : 0; /* another */
	dd.rmrr = p->rmrr;
	dd.nrmrr = p->nrmrr;

	rc = sim_dmar_build(&dd, &blob, &len);
	if (rc)
		return rc;
	rc = sim_fw_add(m, "DMAR", blob, len);
	if (rc)
		return rc;
	return sim_fw_add_mcfg(m, l.ecam_base, l.ecam_size);
}
