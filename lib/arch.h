/* SPDX-License-Identifier: MIT */
/* The architecture drivers. */
#ifndef SMMU_ARCH_H
#define SMMU_ARCH_H

#include "lib/pgtable.h"
#include "lib/target.h"

extern const struct smmu_arch_ops smmu_arch_smmuv3;
extern const struct smmu_arch_ops smmu_arch_vtd;
extern const struct smmu_arch_ops smmu_arch_smmuv2;
extern const struct smmu_arch_ops smmu_arch_amdvi;

/* Narrow a page-table configuration to what the unit supports. */
int smmu_arch_smmuv3_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);
int smmu_arch_vtd_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);
int smmu_arch_smmuv2_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);
int smmu_arch_amdvi_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg);
/* The most levels of host (v1) tables the unit walks (EFR.HATS). */
unsigned smmu_arch_amdvi_max_levels(struct smmu_unit *u);

/* VT-d: whether own installed scalable-mode tables; whether it can (0, or
 * -EOPNOTSUPP with err naming the missing capability). */
bool smmu_arch_vtd_scalable(struct smmu_unit *u);
int smmu_arch_vtd_can_scalable(struct smmu_unit *u, char *err, size_t n);

/* Records drained elsewhere (the kernel log): into the fault monitor, as drain() would. */
void smmu_arch_vtd_push_record(struct smmu_unit *u, uint64_t lo, uint64_t hi);
void smmu_arch_smmuv3_push_event(struct smmu_unit *u, const uint64_t *e);
void smmu_arch_amdvi_push_event(struct smmu_unit *u, const uint64_t *w);

#endif
