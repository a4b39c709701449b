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

/* SMMUv2's and SMMUv3's narrowing of an LPAE configuration alike: s1/s2,
 * the stages the unit translates; granules, bit n for a 2^n-byte granule;
 * oas, its output size; ias, its widest stage-2 input. */
static inline int smmu_arch_lpae_limits(struct smmu_pgt_cfg *cfg, bool s1, bool s2, unsigned granules, unsigned oas,
					unsigned ias)
{
	if (cfg->fmt == SMMU_PGT_LPAE_S2 ? !s2 : !s1)
		return -EOPNOTSUPP;
	if (!(granules & cfg->granule))
		cfg->granule = granules & (1u << 12) ? 4096 : granules & (1u << 14) ? 16384 : 65536;
	if (cfg->oas > oas)
		cfg->oas = oas;
	if (cfg->fmt == SMMU_PGT_LPAE_S2 && cfg->ias > ias)
		cfg->ias = ias;
	if (cfg->fmt == SMMU_PGT_LPAE_S2 && cfg->ias > cfg->oas)
		cfg->ias = cfg->oas; /* stage 2 input is an IPA: no wider than the output */
	return 0;
}

/* saved_set(): the value the journal gives for the register at off of size
 * bytes; -SMMU_E_PARSE when it names none (every register or none). */
static inline int smmu_saved_find(const struct smmu_saved_reg *r, size_t n, uint32_t off, unsigned size,
				  uint64_t *val)
{
	for (size_t k = 0; k < n; k++)
		if (r[k].off == off && r[k].size == size) {
			*val = r[k].val;
			return 0;
		}
	return -SMMU_E_PARSE;
}

/* VT-d: whether own installed scalable-mode tables; whether it can (0, or
 * -EOPNOTSUPP with err naming the missing capability). */
bool smmu_arch_vtd_scalable(struct smmu_unit *u);
int smmu_arch_vtd_can_scalable(struct smmu_unit *u, char *err, size_t n);

/* Records drained elsewhere (the kernel log): into the fault monitor, as drain() would. */
void smmu_arch_vtd_push_record(struct smmu_unit *u, uint64_t lo, uint64_t hi);
void smmu_arch_smmuv3_push_event(struct smmu_unit *u, const uint64_t *e);
void smmu_arch_amdvi_push_event(struct smmu_unit *u, const uint64_t *w);

#endif
