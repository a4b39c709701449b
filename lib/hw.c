/* SPDX-License-Identifier: MIT */
/* Polling with a time limit, and the target's table memory. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/backend.h"
#include "lib/hw.h"

#define POLL_LIMIT_NS 1000000000ull /* hardware that has not answered in 1 s will not */

int smmu_poll32(struct smmu_unit *u, uint32_t off, uint32_t mask, uint32_t want)
{
	uint64_t deadline = 0;

	for (unsigned i = 0;; i++) {
		uint32_t v;
		int rc = reg_read32(u, off, &v);
		if (rc)
			return rc;
		if ((v & mask) == want)
			return 0;
		/* the clock is read only once the first few polls failed: models
		 * answer at once, and reading it costs more than the poll */
		if (i == 16)
			deadline = smmu_mono_ns() + POLL_LIMIT_NS;
		else if (i > 16 && smmu_mono_ns() > deadline)
			return -SMMU_E_TIMEOUT;
		if (u->t->ops->sleep_ns && i >= 16)
			u->t->ops->sleep_ns(u->t->priv, 1000);
	}
}

int smmu_target_tables(struct smmu_target *t, const struct smmu_table_alloc **alloc,
		       const struct smmu_mem **mem)
{
	if (!t->tables_ready) {
		uint64_t base, size;
		int rc = smmu_target_table_region(t, &base, &size);
		if (rc)
			return rc;
		rc = smmu_region_alloc_init(&t->tables, base, size, 4096, &t->table_alloc);
		if (rc)
			return rc;
		t->tables_ready = true;
	}
	if (alloc)
		*alloc = &t->table_alloc;
	if (mem)
		*mem = &t->mem;
	return 0;
}

int smmu_table_zalloc(struct smmu_target *t, size_t size, size_t align, uint64_t *pa)
{
	const struct smmu_table_alloc *a;
	int rc = smmu_target_tables(t, &a, NULL);
	void *zero;

	if (rc)
		return rc;
	rc = a->alloc(a->ctx, size, align, pa);
	if (rc)
		return rc;
	zero = calloc(1, size);
	if (!zero) {
		a->free(a->ctx, *pa, size);
		return -ENOMEM;
	}
	rc = smmu_mem_write(t, *pa, zero, size);
	free(zero);
	if (rc)
		a->free(a->ctx, *pa, size);
	return rc;
}

void smmu_table_free(struct smmu_target *t, uint64_t pa, size_t size)
{
	if (t->tables_ready)
		t->table_alloc.free(t->table_alloc.ctx, pa, size);
}
