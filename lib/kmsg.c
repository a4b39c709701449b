/* SPDX-License-Identifier: MIT */
/*
 * The kernel log as a fault source (kmsg.h): on a live machine whose kernel
 * drives a unit, its driver drains the fault records and prints them.  Each
 * poll reads what the log gained since (bounded), turns the lines back into
 * the records (kmsg-parse.c) and hands them to the architecture driver's
 * normalization, so they reach the monitor exactly as drained ones do.
 */
#include <errno.h>
#include <string.h>

#include "lib/arch.h"
#include "lib/target.h"

#define KMSG_PER_POLL 512 /* records read per poll: a storm costs time, never a hang */

/* The first unit of an architecture: the one a report names when it cannot
 * be told apart (one unit, as on most machines). */
static struct smmu_unit *first_unit(struct smmu_target *t, enum smmu_arch arch)
{
	for (size_t i = 0; i < t->nunits; i++)
		if (t->units[i].arch == arch)
			return &t->units[i];
	return NULL;
}

static struct smmu_unit *report_unit(struct smmu_target *t, const struct smmu_kmsg_fault *f)
{
	if (f->kind == SMMU_KMSG_SMMUV3) {
		uint64_t base;
		struct smmu_unit *u;
		if (t->ops->kdev_base && !t->ops->kdev_base(t->priv, f->dev, &base) &&
		    (u = smmu_unit_by_base(t, base)))
			return u;
		return first_unit(t, SMMU_ARCH_SMMUV3);
	}
	/* VT-d's lines name no unit, nor do AMD-Vi's page faults: the
	 * requester's does; an AMD-Vi line the IOMMU printed names it */
	enum smmu_arch arch = f->kind == SMMU_KMSG_AMDVI ? SMMU_ARCH_AMDVI : SMMU_ARCH_VTD;
	uint64_t base;
	struct smmu_unit *u;
	if (arch == SMMU_ARCH_AMDVI && f->dev[0] && t->ops->kdev_base && !t->ops->kdev_base(t->priv, f->dev, &base) &&
	    (u = smmu_unit_by_base(t, base)) && u->arch == arch)
		return u;
	uint16_t sid = (uint16_t)(arch == SMMU_ARCH_AMDVI ? f->raw[0] : f->raw[1]);
	struct smmu_device *d = smmu_device_find_pci(t, f->segment, sid >> 8, sid >> 3 & 0x1f, sid & 7);
	if (d && d->info.unit && d->info.unit->arch == arch)
		return d->info.unit;
	return first_unit(t, arch);
}

int smmu_kmsg_poll(struct smmu_target *t)
{
	char line[SMMU_KMSG_LINE_MAX + 1];
	int n = 0;

	if (!t->ops->kmsg_read)
		return 0;
	for (int i = 0; i < KMSG_PER_POLL; i++) {
		struct smmu_kmsg_fault f;
		int len = t->ops->kmsg_read(t->priv, line, sizeof(line));
		if (len == -EPIPE) { /* the log wrapped before we read it */
			t->faults.totals.lost_overflow++;
			continue;
		}
		if (len <= 0)
			return len < 0 ? len : n;
		if (smmu_kmsg_parse(&t->kmsg, line, (size_t)len, &f) != 1)
			continue;
		struct smmu_unit *u = report_unit(t, &f);
		if (!u || !u->ops) { /* a report about a unit we do not know (or cannot read) */
			t->faults.totals.lost_unread++;
			continue;
		}
		if (f.kind == SMMU_KMSG_SMMUV3)
			smmu_arch_smmuv3_push_event(u, f.raw);
		else if (f.kind == SMMU_KMSG_AMDVI)
			smmu_arch_amdvi_push_event(u, f.raw);
		else
			smmu_arch_vtd_push_record(u, f.raw[0], f.raw[1]);
		n++;
	}
	return n;
}
