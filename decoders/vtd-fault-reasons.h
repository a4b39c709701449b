/* SPDX-License-Identifier: MIT */
/* VT-d fault reason codes (FRCD_REG.FR): one table, defined in vtd-structs.c. */
#ifndef SMMU_VTD_FAULT_REASONS_H
#define SMMU_VTD_FAULT_REASONS_H

#include "field.h"

/* Every fault reason the VT-d specification defines, terminated by .name == NULL. */
extern const struct smmu_enum vtd_fault_reasons[];

#endif
