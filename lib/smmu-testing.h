/* SPDX-License-Identifier: MIT */
/* libsmmu's hooks for tests: fault injection and access counting. */
#ifndef SMMU_TESTING_H
#define SMMU_TESTING_H

#include <stdint.h>

#include "smmu-export.h"
#include "smmu-manager.h"

/* Fault injection for tests: every access to the machine from now on is
 * counted, and the n-th and later ones fail with -EIO (n = 0: never). */
SMMU_EXPORT int smmu_target_fail_after(struct smmu_target *t, uint64_t n);
SMMU_EXPORT uint64_t smmu_target_accesses(const struct smmu_target *t);

#endif
