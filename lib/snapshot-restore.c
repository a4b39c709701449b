/* SPDX-License-Identifier: MIT */
/*
 * The library's side of a snapshot target: the recorded units added before
 * firmware discovery (in their order, so unit numbers match the machine),
 * units given by -O with an identity StreamID map, and the recorded fault
 * records pushed again as they were numbered and timed.
 */
#include <errno.h>
#include <string.h>

#include "lib/fault.h"
#include "lib/snapshot.h"
#include "lib/target.h"

static const char *static_source(const char *s)
{
	static const char *const known[] = { "fdt", "IORT", "DMAR", "IVRS", "manual", "snapshot" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(s, known[i]))
			return known[i];
	return "snapshot";
}

int smmu_snapshot_restore_units(struct smmu_target *t)
{
	const struct smmu_snap_be *be = t->priv;
	const struct smmu_snap *m;
	int rc;

	if (t->ops != &smmu_backend_snapshot)
		return 0;
	m = smmu_snap_be_meta(be);
	/* in the recorded order, so unit numbers are the same as on the machine */
	for (size_t i = 0; i < m->nunits; i++)
		if ((rc = smmu_unit_new(t, m->units[i].arch, m->units[i].base, static_source(m->units[i].source), NULL)))
			return rc;
	for (size_t i = 0; i < be->nopt_units; i++) {
		if ((rc = smmu_unit_new(t, be->opt_units[i].arch, be->opt_units[i].base, "manual", NULL)))
			return rc;
		/* no firmware to say which requester uses which StreamID: the
		 * identity, as on QEMU's virt and on every VT-d unit */
		if (t->nrid_maps < sizeof(t->rid_maps) / sizeof(t->rid_maps[0]))
			t->rid_maps[t->nrid_maps++] = (struct smmu_rid_map){ .rid_base = 0, .sid_base = 0,
									     .count = 0x10000,
									     .unit_base = be->opt_units[i].base };
	}
	return 0;
}

void smmu_snapshot_restore_faults(struct smmu_target *t)
{
	struct smmu_snap_be *be = t->priv;
	const struct smmu_snap *m;
	struct smmu_fault_mon *mon = &t->faults;

	if (t->ops != &smmu_backend_snapshot || be->faults_restored)
		return;
	be->faults_restored = true;
	m = smmu_snap_be_meta(be);
	/* pushed again as drained, numbered and timed as they were */
	for (size_t i = 0; i < m->nfaults; i++) {
		struct smmu_snap_fault *sf = (struct smmu_snap_fault *)&m->faults[i];
		struct smmu_fault f = sf->f;
		f.unit = smmu_unit_by_base(t, sf->unit_base);
		f.code_name = sf->code_name[0] ? sf->code_name : NULL;
		f.raw_kind = sf->raw_kind[0] ? sf->raw_kind : NULL;
		mon->totals.total = f.seq ? f.seq - 1 : mon->totals.total;
		mon->now_ns = f.ts_ns;
		smmu_fault_push(t, &f);
	}
	mon->totals = m->totals;
	mon->now_ns = m->clock_ns;
}
