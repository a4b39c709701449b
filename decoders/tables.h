/* SPDX-License-Identifier: MIT */
/*
 * Every descriptor table, one NULL-terminated list per file.  registry.c
 * joins them; nothing else needs to know where a descriptor lives.
 */
#ifndef SMMU_TABLES_H
#define SMMU_TABLES_H

#include "field.h"

extern const struct smmu_desc *const smmu_descs_smmuv3_regs[];    /* smmuv3-regs.c */
extern const struct smmu_desc *const smmu_descs_smmuv3_structs[]; /* smmuv3-structs.c: STE, CD, L1 descriptors */
extern const struct smmu_desc *const smmu_descs_smmuv3_cmds[];    /* smmuv3-cmds.c: commands */
extern const struct smmu_desc *const smmu_descs_smmuv3_events[];  /* smmuv3-events.c: events, PRI entries */
extern const struct smmu_desc *const smmu_descs_vtd_regs[];       /* vtd-regs.c */
extern const struct smmu_desc *const smmu_descs_vtd_structs[];    /* vtd-structs.c: root, context, PASID, inv. descriptors, FRCD */
extern const struct smmu_desc *const smmu_descs_pgtable[];        /* pgtable.c: LPAE, VT-d SL/FL entries */

#endif
