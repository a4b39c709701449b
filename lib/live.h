/* SPDX-License-Identifier: MIT */
/* Helpers for the live-configuration readers (live-*.c). */
#ifndef SMMU_LIVE_H
#define SMMU_LIVE_H

#include "lib/hw.h"

/* Record a register value as a step. */
void cfg_reg(struct smmu_config *cfg, const char *what, const char *kind, uint32_t off, uint64_t v);
/* Read nwords 64-bit words at pa into a new step; on failure the
 * configuration ends as a fault ("cannot read ...") and -EFAULT returns. */
int cfg_read(struct smmu_unit *u, struct smmu_config *cfg, const char *what, const char *kind,
	     uint64_t pa, unsigned nwords, const uint64_t **words);
/* End the configuration with a verdict and its reason. */
void cfg_end(struct smmu_config *cfg, enum smmu_cfg_verdict v, uint32_t code, const char *code_name,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int smmuv3_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
int vtd_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
int amdvi_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);

#endif
