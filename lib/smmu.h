/* SPDX-License-Identifier: MIT */
/*
 * libsmmu: an IOMMU manager for board bring-up (Arm SMMUv3, Intel VT-d).
 * The manager API (smmu-manager.h) takes units over and programs them; the
 * inspection API (smmu-inspect.h) reads what the hardware would do.  Test
 * hooks are in smmu-testing.h, included only by those who need them.
 *
 * Structures grow only at their end, each addition marked "since 0.N"; the
 * library fills the whole structure, so within 0.x a program is rebuilt
 * against the headers of the library it runs with (there is no size field).
 */
#ifndef SMMU_H
#define SMMU_H

#include "smmu-manager.h"
#include "smmu-inspect.h"
#include "smmu-audit.h"

#endif
