/* SPDX-License-Identifier: MIT */
/* Registers by name (regs.c): where the architecture puts the ones it places at run time. */
#ifndef SMMU_REGS_H
#define SMMU_REGS_H

#include <stdint.h>

/* VT-d: the fault recording registers (nfr of them, 16 bytes apart, from
 * byte offset fro) and the IOTLB registers (IVA at iro, IOTLB at iro + 8),
 * as CAP and ECAP place them. */
void vtd_reg_places(uint64_t cap, uint64_t ecap, uint32_t *fro, unsigned *nfr, uint32_t *iro);

#endif
