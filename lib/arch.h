/* SPDX-License-Identifier: MIT */
/* The architecture drivers. */
#ifndef SMMU_ARCH_H
#define SMMU_ARCH_H

#include "lib/pgtable.h"
#include "lib/target.h"

extern const struct smmu_arch_ops smmu_arch_smmuv3;
extern const struct smmu_arch_ops smmu_arch_vtd;

/* Narrow a page-table configuration to what the unit supports. */
int smmu_arch_smmuv3_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);
int smmu_arch_vtd_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);

#endif
