/* SPDX-License-Identifier: MIT */
/* The fault monitor's state and the drivers' side of it (fault.c). */
#ifndef SMMU_FAULT_H
#define SMMU_FAULT_H

#include "lib/smmu.h"

#define SMMU_FAULT_SOURCES 1024 /* power of two: hash slots; at most half used */
#define SMMU_FAULT_SUBSCRIBERS 8
#define SMMU_FAULT_RING 4096

struct smmu_fault_sub {
	smmu_fault_cb each;
	smmu_fault_batch_cb batch;
	void *ctx;
};

struct smmu_fault_mon {
	struct smmu_fault_totals totals;
	struct smmu_fault *ring;
	size_t ring_cap, ring_head, ring_len;
	struct smmu_fault_source sources[SMMU_FAULT_SOURCES / 2];
	uint16_t source_index[SMMU_FAULT_SOURCES]; /* 1-based into sources; 0 empty */
	size_t nsources;
	uint64_t sources_dropped; /* records whose source did not fit the table */
	struct smmu_fault_sub subs[SMMU_FAULT_SUBSCRIBERS];
	size_t nsubs;
	uint64_t now_ns; /* the target's clock at the start of this poll */
	size_t batch;
};

int smmu_fault_mon_init(struct smmu_fault_mon *m, size_t ring_cap);
void smmu_fault_mon_fini(struct smmu_fault_mon *m);
/* A driver hands over one normalized record (seq, ts and dev are filled here). */
void smmu_fault_push(struct smmu_target *t, struct smmu_fault *f);

#endif
