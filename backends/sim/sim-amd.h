/* SPDX-License-Identifier: MIT */
/* Shared between amdvi.c, ivrs.c and amd.c: the sim:amd platform's pieces. */
#ifndef SMMU_SIM_AMD_H
#define SMMU_SIM_AMD_H

#include <stddef.h>
#include <stdint.h>

#include "backends/sim/sim.h"

struct sim_ivrs_desc {
	uint64_t base;          /* the IOMMU's MMIO registers */
	uint16_t iommu_devid;   /* its own PCI function */
	uint8_t cap_offset;     /* its capability block in that function */
	uint64_t efr;           /* the EFR image of the type 11h block */
	unsigned pa_bits, va_bits;
	uint16_t first_dev, last_dev; /* a Start/End range of DMA devices */
	uint16_t ioapic_devid;  /* the special IOAPIC entry */
	const struct sim_resv *ivmd; /* IVMD 21h blocks: unity, IR, IW (id: the DeviceID) */
	unsigned nivmd;
};
/* Build an ACPI IVRS (malloc'd): an IVHD of type 10h and one of type 11h for
 * the same IOMMU, as firmware writes them for older and newer drivers. */
int sim_ivrs_build(const struct sim_ivrs_desc *d, void **out, size_t *len);

#endif
