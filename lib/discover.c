/* SPDX-License-Identifier: MIT */
/*
 * Discovery: units and devices from the target's firmware tables, then PCI
 * enumeration, then each device matched to its unit and StreamID /
 * source-id.  Nothing is assumed about addresses: what firmware does not say,
 * smmu_unit_add() can.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/snapshot.h"
#include "lib/target.h"

int smmu_unit_new(struct smmu_target *t, enum smmu_arch arch, uint64_t base, const char *source,
		  struct smmu_unit **out)
{
	struct smmu_unit *u = smmu_unit_by_base(t, base);

	if (u) { /* the same unit described twice (device tree and IORT) */
		if (out)
			*out = u;
		return u->arch == arch ? 0 : -EEXIST;
	}
	if (t->nunits == SMMU_MAX_UNITS)
		return -ENOSPC;
	u = &t->units[t->nunits];
	*u = (struct smmu_unit){ .t = t, .arch = arch, .index = t->nunits, .base = base,
				 .source = source };
	snprintf(u->name, sizeof(u->name), "%s@0x%08llx",
		 arch == SMMU_ARCH_SMMUV3 ? "smmuv3" : arch == SMMU_ARCH_SMMUV2 ? "smmuv2"
		 : arch == SMMU_ARCH_AMDVI ? "amdvi" : "dmar",
		 (unsigned long long)base);
	t->nunits++;
	if (out)
		*out = u;
	return 0;
}

struct smmu_unit *smmu_unit_by_base(struct smmu_target *t, uint64_t base)
{
	for (size_t i = 0; i < t->nunits; i++)
		if (t->units[i].base == base)
			return &t->units[i];
	return NULL;
}

struct smmu_device *smmu_device_new(struct smmu_target *t)
{
	struct smmu_device *d;

	if (t->ndevices == SMMU_MAX_DEVICES)
		return NULL;
	d = &t->devices[t->ndevices++];
	memset(d, 0, sizeof(*d));
	d->t = t;
	d->info.iommu_group = -1;
	return d;
}

struct smmu_device *smmu_device_by_sid(struct smmu_target *t, struct smmu_unit *u, uint32_t sid)
{
	for (size_t i = 0; i < t->ndevices; i++)
		if (t->devices[i].info.unit == u && t->devices[i].info.sid == sid)
			return &t->devices[i];
	/* a device's other StreamIDs (SMMUv2 devices often have several) */
	for (size_t i = 0; i < t->ndevices; i++)
		for (unsigned k = 1; t->devices[i].info.unit == u && k < t->devices[i].info.nsids; k++)
			if (t->devices[i].info.sids[k] == sid)
				return &t->devices[i];
	return NULL;
}

/* The requester ID a map sees for a device: masked first (iommu-map-mask). */
static bool map_hit(const struct smmu_rid_map *r, const struct smmu_device *d, uint32_t *out)
{
	uint32_t rid = d->info.bdf & (r->rid_mask ? r->rid_mask : UINT32_MAX);

	if (r->segment != d->info.segment || rid < r->rid_base || rid - r->rid_base >= r->count)
		return false;
	*out = r->single ? r->sid_base : r->sid_base + (rid - r->rid_base);
	return true;
}

/* Give each PCI device its unit and StreamID from the firmware's maps. */
static void match_pci_devices(struct smmu_target *t)
{
	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		if (d->info.bus != SMMU_BUS_PCI)
			continue;
		for (size_t m = 0; m < t->nrid_maps; m++) {
			if (!map_hit(&t->rid_maps[m], d, &d->info.sid))
				continue;
			d->info.unit = smmu_unit_by_base(t, t->rid_maps[m].unit_base);
			d->info.sids[0] = d->info.sid;
			d->info.nsids = 1;
			/* iommu-map's specifier is one cell: an SMMUv2's stream-match-mask applies */
			if (d->info.unit && d->info.unit->arch == SMMU_ARCH_SMMUV2)
				d->info.sid_masks[0] = d->info.unit->stream_match_mask;
			break;
		}
		for (size_t m = 0; m < t->nmsi_maps; m++)
			if (map_hit(&t->msi_maps[m], d, &d->info.msi_id)) {
				d->info.has_msi_id = true;
				break;
			}
	}
}

size_t smmu_id_map_count(const struct smmu_target *t)
{
	return t->nrid_maps + t->nmsi_maps;
}

int smmu_id_map_get(struct smmu_target *t, size_t i, struct smmu_id_map_info *out)
{
	const struct smmu_rid_map *r;

	if (i >= t->nrid_maps + t->nmsi_maps)
		return -ENOENT;
	r = i < t->nrid_maps ? &t->rid_maps[i] : &t->msi_maps[i - t->nrid_maps];
	*out = (struct smmu_id_map_info){
		.source = r->source ? r->source : i < t->nrid_maps ? "firmware" : "msi-map",
		.segment = r->segment, .rid_base = r->rid_base, .count = r->count,
		.rid_mask = r->rid_mask ? r->rid_mask : UINT32_MAX,
		.unit = i < t->nrid_maps ? smmu_unit_by_base(t, r->unit_base) : NULL, .out_base = r->sid_base };
	return 0;
}

int smmu_discover(struct smmu_target *t, char *err, size_t errlen)
{
	int rc;

	/* Discovery may run again (after smmu_unit_add): devices are rebuilt,
	 * units found before are kept. */
	t->ndevices = 0;
	t->nrid_maps = 0;
	t->nmsi_maps = 0;
	t->nresv = 0;
	if ((rc = smmu_snapshot_restore_units(t))) { /* a snapshot's units, in their order */
		snprintf(err, errlen, "the snapshot's units: %s", smmu_strerror(rc));
		return rc;
	}
	rc = smmu_discover_fdt(t, err, errlen);
	if (rc && rc != -ENOENT)
		return rc;
	rc = smmu_discover_acpi(t, err, errlen);
	if (rc && rc != -ENOENT)
		return rc;
	if ((rc = smmu_kernel_map_units(t, err, errlen))) /* a live machine's registers */
		return rc;
	for (size_t i = 0; i < t->nunits; i++) {
		if ((rc = smmu_unit_bind(&t->units[i])) && rc != -ENODEV) {
			snprintf(err, errlen, "%s: reading its ID registers: %s", t->units[i].name,
				 smmu_strerror(rc));
			return rc;
		}
	}
	rc = smmu_pci_scan(t, err, errlen);
	if (rc)
		return rc;
	match_pci_devices(t);
	smmu_dma_probe(t);
	smmu_kernel_devices(t);
	for (size_t i = 0; i < t->ndevices; i++)
		t->devices[i].info.addr = t->devices[i].addr, t->devices[i].info.name = t->devices[i].name;
	smmu_snapshot_restore_faults(t);
	t->discovered = true;
	return 0;
}

int smmu_unit_add(struct smmu_target *t, enum smmu_arch arch, uint64_t base,
		  struct smmu_unit **out)
{
	struct smmu_unit *u;
	size_t before = t->nunits;
	int rc = smmu_unit_new(t, arch, base, "manual", &u);

	if (rc)
		return rc;
	if ((rc = smmu_unit_bind(u))) {
		if (t->nunits > before) /* nothing answered there: forget the unit just added */
			t->nunits--;
		return rc;
	}
	if (out)
		*out = u;
	return 0;
}

size_t smmu_unit_count(const struct smmu_target *t)
{
	return t->nunits;
}

struct smmu_unit *smmu_unit_at(struct smmu_target *t, size_t i)
{
	return i < t->nunits ? &t->units[i] : NULL;
}

void smmu_unit_info(const struct smmu_unit *u, struct smmu_unit_info *info)
{
	*info = (struct smmu_unit_info){ .arch = u->arch, .index = u->index, .base = u->base,
					 .name = u->name, .source = u->source };
}

size_t smmu_device_count(const struct smmu_target *t)
{
	return t->ndevices;
}

struct smmu_device *smmu_device_at(struct smmu_target *t, size_t i)
{
	return i < t->ndevices ? &t->devices[i] : NULL;
}

void smmu_device_info(const struct smmu_device *d, struct smmu_device_info *info)
{
	if (d->info.bus == SMMU_BUS_PCI && !d->name[0]) { /* the name is a cache */
		struct smmu_device *w = (struct smmu_device *)d;
		smmu_pci_name(w->name, sizeof(w->name), d->info.vendor, d->info.device);
	}
	*info = d->info;
}

struct smmu_device *smmu_device_find_pci(struct smmu_target *t, uint16_t segment, uint8_t bus,
					 uint8_t dev, uint8_t fn)
{
	uint16_t bdf = (uint16_t)(bus << 8 | (dev & 0x1f) << 3 | (fn & 7));

	if (dev > 0x1f || fn > 7)
		return NULL;
	for (size_t i = 0; i < t->ndevices; i++)
		if (t->devices[i].info.bus == SMMU_BUS_PCI && t->devices[i].info.bdf == bdf &&
		    t->devices[i].info.segment == segment)
			return &t->devices[i];
	return NULL;
}

struct smmu_device *smmu_device_find_mmio(struct smmu_target *t, uint64_t addr)
{
	for (size_t i = 0; i < t->ndevices; i++) {
		const struct smmu_device_info *in = &t->devices[i].info;
		if (in->bus == SMMU_BUS_PLATFORM && addr >= in->mmio_base && addr - in->mmio_base < in->mmio_size)
			return &t->devices[i];
	}
	return NULL;
}

struct smmu_device *smmu_device_find(struct smmu_target *t, const char *name)
{
	char *end;
	unsigned long long addr = strtoull(name, &end, 16);

	/* an MMIO address inside a platform device's registers names it */
	if (!strncasecmp(name, "0x", 2) && !*end)
		return smmu_device_find_mmio(t, addr);
	for (size_t i = 0; i < t->ndevices; i++) {
		const char *a = t->devices[i].addr;
		/* "00:01.0", or "01.0" for bus 0 */
		if (!strcasecmp(a, name) || (!strncmp(a, "00:", 3) && !strcasecmp(a + 3, name)))
			return &t->devices[i];
	}
	return NULL;
}
