/* SPDX-License-Identifier: MIT */
/* Register and memory access helpers for the architecture drivers. */
#ifndef SMMU_HW_H
#define SMMU_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/pgtable.h"
#include "lib/target.h"

static inline int reg_read32(struct smmu_unit *u, uint32_t off, uint32_t *v)
{
	uint64_t x;
	int rc = smmu_mmio_read(u->t, u->base + off, 4, &x);

	*v = rc ? 0 : (uint32_t)x;
	return rc;
}

static inline int reg_write32(struct smmu_unit *u, uint32_t off, uint32_t v)
{
	return smmu_unit_reg_write(u, off, 4, v);
}

static inline int reg_read64(struct smmu_unit *u, uint32_t off, uint64_t *v)
{
	return smmu_mmio_read(u->t, u->base + off, 8, v);
}

static inline int reg_write64(struct smmu_unit *u, uint32_t off, uint64_t v)
{
	return smmu_unit_reg_write(u, off, 8, v);
}

/* Registers that cannot change under the library, read once: a read-only
 * ID register (id), or one only the driver of an owned unit writes. */
static inline int reg_read32_kept(struct smmu_unit *u, uint32_t off, bool id, uint32_t *v)
{
	uint64_t x;
	int rc = smmu_unit_reg_read_kept(u, off, 4, id, &x);

	*v = rc ? 0 : (uint32_t)x;
	return rc;
}

static inline int reg_read64_kept(struct smmu_unit *u, uint32_t off, bool id, uint64_t *v)
{
	return smmu_unit_reg_read_kept(u, off, 8, id, v);
}

/* Poll a 32-bit register until (value & mask) == want: 0, -SMMU_E_TIMEOUT
 * after the time limit, or the access error. */
int smmu_poll32(struct smmu_unit *u, uint32_t off, uint32_t mask, uint32_t want);

/* The target's table region and its allocator, set up on first use. */
int smmu_target_tables(struct smmu_target *t, const struct smmu_table_alloc **alloc,
		       const struct smmu_mem **mem);
/* Allocate and zero `size` bytes of table memory aligned to `align`. */
int smmu_table_zalloc(struct smmu_target *t, size_t size, size_t align, uint64_t *pa);
void smmu_table_free(struct smmu_target *t, uint64_t pa, size_t size);

#endif
