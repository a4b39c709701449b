/* SPDX-License-Identifier: MIT */
/* Page-table entry descriptors: Arm VMSAv8-64 (LPAE) stage 1/2 descriptors,
 * Intel VT-d first/second-level entries, expanded from pgtable.def (see def.h). */
#include "tables.h"

#define SMMU_DEF "pgtable.def"
#include "def-descs.h"
