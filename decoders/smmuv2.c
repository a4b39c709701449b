/* SPDX-License-Identifier: MIT */
/* Arm SMMUv2 / MMU-500 register descriptors, expanded from smmuv2.def (see def.h). */
#include "tables.h"

#define SMMU_DEF "smmuv2.def"
#include "def-descs.h"
