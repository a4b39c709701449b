/* SPDX-License-Identifier: MIT */
/* AMD-Vi descriptors: MMIO registers, the PCI capability block, the Device
 * Table Entry, interrupt-remapping entries, commands, events and v1
 * page-table entries, expanded from amdvi.def (see def.h). */
#include "tables.h"

#define SMMU_DEF "amdvi.def"
#include "def-descs.h"
