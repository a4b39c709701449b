/* SPDX-License-Identifier: MIT */
/*
 * libsmmu: an IOMMU manager for board bring-up (Arm SMMUv3, Intel VT-d).
 * Functions return 0 or a negative errno; smmu_strerror() is the one place
 * that turns an error into words.  The library never prints and never exits.
 */
#ifndef SMMU_H
#define SMMU_H

#include <stdint.h>

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *smmu_version(void);

/* Errors specific to smmush, beyond errno values (still returned negated). */
enum smmu_error {
	SMMU_E_BASE = 4096,
	SMMU_E_NOTOWNED,   /* a write to a unit that is not owned, without --write */
	SMMU_E_LOOP,       /* a table walk found a cycle or ran out of its step budget */
	SMMU_E_TIMEOUT,    /* the hardware did not answer within its time limit */
	SMMU_E_BACKEND,    /* the backend (QEMU, /dev/mem) failed or went away */
	SMMU_E_PARSE,      /* malformed input (script, snapshot, firmware table) */
	SMMU_E_MAX,
};

/* Text for a negative (or positive) error code; never NULL. */
const char *smmu_strerror(int err);

#endif
