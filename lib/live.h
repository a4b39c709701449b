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
int smmuv2_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);

/* One access predicted end to end: configuration, walk, the fault the
 * hardware records (out->code, quiet, fetch_addr).  out is zeroed. */
int smmuv3_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out);
int vtd_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		  struct smmu_translation *out);
/* Walk tables at root for the (in-range) input address lin: out->x, walked;
 * ok and pa when the leaf was reached without a fault (permissions are
 * checked only for the access bits given).  0 (also when the geometry is
 * unusable: out->cfg then says so), or -errno when the target failed. */
int live_walk(struct smmu_unit *u, const struct smmu_pgt_cfg *pc, uint64_t root, uint64_t lin,
	      unsigned access, struct smmu_translation *out);
/* The configuration's outcome copied into the translation's prediction. */
void live_from_cfg(struct smmu_translation *out);

#endif
