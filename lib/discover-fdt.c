/* SPDX-License-Identifier: MIT */
/*
 * Device-tree discovery (libfdt): `arm,smmu-v3` nodes, PCI hosts'
 * `iommu-map` (RID -> StreamID), and platform devices' `iommus`.  Every
 * property is length-checked before it is read: a blob from a target is
 * untrusted input.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/target.h"

/* A node's first reg entry, with the parent's cell sizes. */
static int node_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (int)sizeof(*reg) * (ac + sc))
		return -EINVAL;
	*base = fdt32_to_cpu(reg[0]);
	if (ac == 2)
		*base = *base << 32 | fdt32_to_cpu(reg[1]);
	*size = 0;
	for (int i = 0; i < sc; i++)
		*size = *size << 32 | fdt32_to_cpu(reg[ac + i]);
	return 0;
}

/* The unit a phandle names, or NULL. */
static struct smmu_unit *unit_by_phandle(struct smmu_target *t, const void *fdt, uint32_t ph)
{
	int node = fdt_node_offset_by_phandle(fdt, ph);
	uint64_t base, size;

	if (node < 0 || node_reg(fdt, node, &base, &size))
		return NULL;
	return smmu_unit_by_base(t, base);
}

static int add_iommu_map(struct smmu_target *t, const void *fdt, int node, char *err, size_t errlen)
{
	int len;
	const fdt32_t *map = fdt_getprop(fdt, node, "iommu-map", &len);

	if (!map)
		return 0;
	if (len % 16) {
		snprintf(err, errlen, "fdt: %s: iommu-map is %d bytes, not a multiple of 16",
			 fdt_get_name(fdt, node, NULL), len);
		return -EINVAL;
	}
	for (int i = 0; i < len / 16; i++) {
		struct smmu_unit *u = unit_by_phandle(t, fdt, fdt32_to_cpu(map[i * 4 + 1]));
		if (!u)
			continue; /* an IOMMU we do not drive (or a dangling phandle) */
		if (t->nrid_maps == sizeof(t->rid_maps) / sizeof(t->rid_maps[0]))
			return -ENOSPC;
		t->rid_maps[t->nrid_maps++] = (struct smmu_rid_map){
			.rid_base = fdt32_to_cpu(map[i * 4]), .sid_base = fdt32_to_cpu(map[i * 4 + 2]),
			.count = fdt32_to_cpu(map[i * 4 + 3]), .unit_base = u->base };
	}
	return 0;
}

/* msi-map: requester ID -> the MSI controller's DeviceID (for the record:
 * smmush shows it; it routes no MSIs itself). */
static int add_msi_map(struct smmu_target *t, const void *fdt, int node, char *err, size_t errlen)
{
	int len;
	const fdt32_t *map = fdt_getprop(fdt, node, "msi-map", &len);

	if (!map)
		return 0;
	if (len % 16) {
		snprintf(err, errlen, "fdt: %s: msi-map is %d bytes, not a multiple of 16",
			 fdt_get_name(fdt, node, NULL), len);
		return -EINVAL;
	}
	for (int i = 0; i < len / 16; i++) {
		if (t->nmsi_maps == sizeof(t->msi_maps) / sizeof(t->msi_maps[0]))
			return -ENOSPC;
		t->msi_maps[t->nmsi_maps++] = (struct smmu_rid_map){
			.rid_base = fdt32_to_cpu(map[i * 4]), .sid_base = fdt32_to_cpu(map[i * 4 + 2]),
			.count = fdt32_to_cpu(map[i * 4 + 3]) };
	}
	return 0;
}

static int add_platform_device(struct smmu_target *t, const void *fdt, int node)
{
	int len;
	const fdt32_t *iommus = fdt_getprop(fdt, node, "iommus", &len);
	struct smmu_device *d;
	uint64_t base, size;

	if (!iommus || len < 8 || node_reg(fdt, node, &base, &size))
		return 0;
	struct smmu_unit *u = unit_by_phandle(t, fdt, fdt32_to_cpu(iommus[0]));
	if (!u)
		return 0;
	d = smmu_device_new(t);
	if (!d)
		return -ENOSPC;
	d->info.bus = SMMU_BUS_PLATFORM;
	d->info.mmio_base = base;
	d->info.mmio_size = size;
	d->info.unit = u;
	d->info.sid = fdt32_to_cpu(iommus[1]);
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);
	if (compat && len > 0 && !strncmp(compat, "smmush,sim-testdev", len))
		d->info.caps |= SMMU_DEV_DMA;
	snprintf(d->addr, sizeof(d->addr), "platform@0x%08llx", (unsigned long long)base);
	snprintf(d->name, sizeof(d->name), "%s%s%.*s", fdt_get_name(fdt, node, NULL),
		 compat ? " " : "", compat && len > 0 ? (int)strnlen(compat, len) : 0,
		 compat ? compat : "");
	return 0;
}

int smmu_discover_fdt(struct smmu_target *t, char *err, size_t errlen)
{
	void *fdt;
	size_t len;
	int rc = smmu_fw_table(t, "fdt", &fdt, &len), node;

	if (rc)
		return rc == -ENOENT ? -ENOENT : rc;
	if (len < sizeof(struct fdt_header) || fdt_check_full(fdt, len)) {
		snprintf(err, errlen, "fdt: the device tree blob is malformed");
		free(fdt);
		return -EINVAL;
	}
	/* units first: iommu-map and iommus refer to them */
	for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,smmu-v3"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "arm,smmu-v3")) {
		uint64_t base, size;
		if (node_reg(fdt, node, &base, &size))
			continue;
		if ((rc = smmu_unit_new(t, SMMU_ARCH_SMMUV3, base, "fdt", NULL)))
			goto out;
	}
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		if ((rc = add_iommu_map(t, fdt, node, err, errlen)) ||
		    (rc = add_msi_map(t, fdt, node, err, errlen)) ||
		    (rc = add_platform_device(t, fdt, node)))
			goto out;
	}
	rc = 0;
out:
	free(fdt);
	return rc;
}
