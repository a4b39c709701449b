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
	struct smmu_domain_geometry geom; /* as asked for (stage filled in) */
	struct smmu_domain *parent;       /* SMMU_STAGE_NESTED: the stage-2 domain */
	unsigned nchildren;               /* nested domains in this one */
	struct smmu_table_alloc nest_alloc; /* nested: tables, mapped IPA = PA in parent */
	bool v3_stage2_flag;              /* made with SMMU_DOMAIN_STAGE2: SMMUv3 only, as always */
	bool flush_owed;                  /* an invalidation after unmap failed: the next map or unmap does it whole */
	/* reserved regions attach mapped IOVA = PA (reserved.c), each with the
	 * attached devices that need it */
	struct smmu_dom_resv {
		size_t resv;      /* index in the target's resv[] */
		uint64_t base, size;
		unsigned refs;
	} resv[16];
	unsigned nresv;
};

/* Nested: make [pa, pa + size) reachable at IPA = PA through the parent's
 * stage 2 (read/write); -EEXIST when the parent maps those IPAs elsewhere. */
int smmu_domain_nest_identity(struct smmu_domain *parent, uint64_t pa, uint64_t size);
/* The table format a unit walks for a geometry: 0, or -errno with err
 * naming the limit. parent_ias: nested, the parent's input size (else 0). */
int smmu_arch_smmuv3_format(struct smmu_unit *u, const struct smmu_domain_geometry *g, unsigned parent_ias,
			    struct smmu_pgt_cfg *cfg, char *err, size_t n);
int smmu_arch_vtd_format(struct smmu_unit *u, const struct smmu_domain_geometry *g, struct smmu_pgt_cfg *cfg,
			 char *err, size_t n);

#endif
