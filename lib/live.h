/* SPDX-License-Identifier: MIT */
/* Helpers for the live-configuration readers (live-*.c). */
#ifndef SMMU_LIVE_H
#define SMMU_LIVE_H

#include "lib/hw.h"

/* Record a register value as a step. */
void cfg_reg(struct smmu_config *cfg, const char *what, const char *kind, uint32_t off, uint64_t v);
/* Read nwords 64-bit words at pa into a new step; on failure the
 * configuration ends as a fault ("cannot read ...") and -EFAULT returns. */
/* ": not RAM, RAM is ..." when pa is not RAM on a target that knows, else "". */
const char *cfg_where(struct smmu_unit *u, uint64_t pa, char *buf, size_t len);
int cfg_read(struct smmu_unit *u, struct smmu_config *cfg, const char *what, const char *kind,
	     uint64_t pa, unsigned nwords, const uint64_t **words);
/* End the configuration with a verdict and its reason. */
void cfg_end(struct smmu_config *cfg, enum smmu_cfg_verdict v, uint32_t code, const char *code_name,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

int smmuv3_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
int vtd_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
/* Whether the hardware reports fault reason fr on a paging entry its walk
 * reached (its address is the request's): an explanation walks for it,
 * whatever its class (arch-vtd.c). */
bool vtd_reason_in_walk(unsigned fr);
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
/* Nested translation: stage 2 (VT-d second level) as the architecture
 * applies it to stage 1's table reads and output. */
struct live_nest {
	struct smmu_unit *u;
	struct smmu_pgt_cfg cfg;  /* stage 2 tables */
	uint64_t root;
	unsigned max_in;          /* inputs at or beyond 2^max_in are out of range (0: cfg.ias) */
	bool affd;                /* SMMUv3 S2AFFD: an Access flag of 0 does not fault */
	/* The SMMU_PROT_* bit stage 2's leaf (x translated) denies a table
	 * read (write: a flag update), 0 when it allows it. */
	unsigned (*denied)(const struct live_nest *n, const struct smmu_pgt_xlate *x, bool write);
	void *arg;
	struct smmu_pgt *p;       /* opened by live_nest_open */
	int err;                  /* a target error met while reading through it */
};
int live_nest_open(struct live_nest *n);
void live_nest_close(struct live_nest *n);
/* Stage 2 of one address: 0 (x->oa), -EFAULT (x->fault; SMMU_PGT_F_PERM
 * with perm_missing when denied() refuses; the access flag is settled),
 * or -errno.  access: 0 for the output address (the caller checks its
 * permissions), SMMU_PROT_R (or _W) for a table read (update). */
int live_nest_s2(struct live_nest *n, uint64_t ipa, unsigned access, struct smmu_pgt_xlate *x);
/* Stage-1 tables at root (an intermediate address) walked for lin, every
 * table read through stage 2: out->x, walked, nfetch/s2_fetch, and for a
 * read that stage 2 refused or that failed, out->stop (SMMU_STOP_FETCH,
 * SMMU_STOP_FETCH_READ with fetch_addr).  ok and pa (the IPA) as live_walk. */
int live_walk_nested(struct live_nest *n, const struct smmu_pgt_cfg *pc, uint64_t root, uint64_t lin,
		     struct smmu_translation *out);
/* Stage 1 tables of a nested configuration opened for walks and listings. */
int live_open_nested(struct live_nest *n, const struct smmu_pgt_cfg *pc, uint64_t root, struct smmu_pgt **p);

/* The configuration's outcome copied into the translation's prediction. */
void live_from_cfg(struct smmu_translation *out);
int amdvi_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
int smmuv2_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out);
/* Mode 6 (64-bit input): the engine's levels end at 5, so the top table is
 * read here and each subtree its entries point to walked by the engine.
 * amdvi_walk_six: smmu_pgt_walk's visitor (fn) or smmu_pgt_list's ranges
 * (rfn), the same returns, one budget for the whole walk. */
bool amdvi_six_levels(const struct smmu_config *cfg);
int amdvi_walk_six(struct smmu_unit *u, const struct smmu_config *cfg, uint64_t iova, uint64_t size, unsigned flags,
		   smmu_pgt_visit_fn fn, smmu_pgt_range_fn rfn, void *arg, struct smmu_pgt_walk_stats *st);
int amdvi_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		    struct smmu_translation *out);
/* DEV_TAB_HARDWARE_ERROR and PAGE_TAB_HARDWARE_ERROR log the address of the
 * fetch that failed, not the IOVA: they are explained from that address. */
bool amdvi_fetch_event(const struct smmu_fault *f);
int amdvi_explain_fetch(const struct smmu_fault *f, struct smmu_explain *out);

/* The stage-1 LPAE rights a translation's path leaves at its leaf: AP
 * after every APTable above it, UXN (VMSAv8-32: XN) and PXN after every
 * UXNTable/PXNTable.  The SMMUs' permission rules start from these. */
struct lpae_s1_rights {
	bool ro;  /* AP[2] or APTable[1]: read-only */
	bool el0; /* AP[1] and no APTable[0]: EL0 (PL0) may access */
	bool uxn, pxn;
};
void lpae_s1_rights(const struct smmu_pgt_xlate *x, struct lpae_s1_rights *r);

#endif
