/* SPDX-License-Identifier: MIT */
/* Arm SMMUv3 descriptors: registers, structures, commands, events and PRI
 * entries, expanded from smmuv3.def (see def.h). */
#include "tables.h"

#define SMMU_DEF "smmuv3.def"
#include "def-descs.h"
