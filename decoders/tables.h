/* SPDX-License-Identifier: MIT */
/*
 * Every descriptor table, NULL-terminated lists named by LIST() lines of the
 * .def files (see def.h).  registry.c joins them; nothing else needs to know
 * where a descriptor lives.
 */
#ifndef SMMU_TABLES_H
#define SMMU_TABLES_H

#include "field.h"

extern const struct smmu_desc *const smmu_descs_smmuv3_regs[];    /* smmuv3.def */
extern const struct smmu_desc *const smmu_descs_smmuv3_structs[]; /* smmuv3.def: STE, CD, L1 descriptors */
extern const struct smmu_desc *const smmu_descs_smmuv3_cmds[];    /* smmuv3.def: commands */
extern const struct smmu_desc *const smmu_descs_smmuv3_events[];  /* smmuv3.def: events, PRI entries */
extern const struct smmu_desc *const smmu_descs_vtd_regs[];       /* vtd.def */
extern const struct smmu_desc *const smmu_descs_vtd_structs[];    /* vtd.def: root, context, PASID, inv. descriptors, FRCD */
extern const struct smmu_desc *const smmu_descs_pgtable[];        /* pgtable.def: LPAE, VT-d SL/FL entries */
extern const struct smmu_desc *const smmu_descs_smmuv2_regs[];    /* smmuv2.def: GR0, GR1, context banks */
extern const struct smmu_desc *const smmu_descs_amdvi_regs[];     /* amdvi.def: MMIO registers */
extern const struct smmu_desc *const smmu_descs_amdvi_cap[];      /* amdvi.def: PCI capability block */
extern const struct smmu_desc *const smmu_descs_amdvi_structs[];  /* amdvi.def: DTE, IRTE */
extern const struct smmu_desc *const smmu_descs_amdvi_cmds[];     /* amdvi.def: commands */
extern const struct smmu_desc *const smmu_descs_amdvi_events[];   /* amdvi.def: event log entries */
extern const struct smmu_desc *const smmu_descs_amdvi_pgtable[];  /* amdvi.def: v1 PDE/PTE */

#endif
