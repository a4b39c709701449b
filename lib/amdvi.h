/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi for the driver: register offsets and every field's position come
 * from decoders/amdvi.def, the one description the decoders use too (see
 * decoders/def.h).  Registers are AMDVI_<REG>; a field is
 * AMDVI_<LAYOUT>_<Name>, the specification's name, used through
 * SMMU_GET/SMMU_PREP/SMMU_MASK(F) and SMMU_GETW/SMMU_SETW/SMMU_ADDRW(F, words).
 */
#ifndef SMMU_AMDVI_H
#define SMMU_AMDVI_H

#include <stdint.h>

#define SMMU_DEF "decoders/amdvi.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

/* Values of fields the driver programs or tests. */
enum {
	AMDVI_OP_COMPLETION_WAIT = 0x1,
	AMDVI_OP_INV_DEVTAB_ENTRY = 0x2,
	AMDVI_OP_INV_IOMMU_PAGES = 0x3,
	AMDVI_OP_INV_IOMMU_ALL = 0x8,
	AMDVI_EV_ILLEGAL_DTE = 0x1,
	AMDVI_EV_IO_PAGE_FAULT = 0x2,
	AMDVI_EV_DEV_TAB_HW_ERROR = 0x3,
	AMDVI_EV_PAGE_TAB_HW_ERROR = 0x4,
	AMDVI_EV_ILLEGAL_COMMAND = 0x5,
	AMDVI_EV_COMMAND_HW_ERROR = 0x6,
	AMDVI_EV_IOTLB_INV_TIMEOUT = 0x7,
	AMDVI_EV_INVALID_DEVICE_REQUEST = 0x8,
	AMDVI_DTE_BYTES = 32,
	AMDVI_BUF_LEN_MIN = 8, /* 256 entries */
};
/* INVALIDATE_IOMMU_PAGES of a whole domain: S=1 and every address bit set */
#define AMDVI_INV_ALL_ADDR 0x7ffffffffffff000ULL

#endif
