/* SPDX-License-Identifier: MIT */
/* Domains: what the architecture drivers see of one. */
#ifndef SMMU_DOMAIN_H
#define SMMU_DOMAIN_H

#include "lib/pgtable.h"
#include "lib/target.h"

struct smmu_domain {
	struct smmu_target *t;
	char name[32];
	unsigned id;              /* ASID / VMID / domain-id: 1, 2, ... */
	unsigned flags;           /* enum smmu_domain_flags */
	struct smmu_unit *unit;   /* bound at the first attach or map */
	struct smmu_pgt *pgt;
	unsigned ndevices;
	uint64_t ctx_pa;          /* SMMUv3: the domain's context descriptor */
};

#endif
