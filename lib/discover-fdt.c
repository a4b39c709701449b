/* SPDX-License-Identifier: MIT */
/*
 * Device-tree discovery (libfdt), as real boards write it: `arm,smmu-v3`
 * nodes, PCI hosts' `iommu-map` (RID -> StreamID, several entries, with
 * `iommu-map-mask`) and `msi-map`, platform devices' `iommus` (every entry,
 * each as long as its IOMMU's `#iommu-cells` says).  Nodes whose `status`
 * is not "okay" are skipped, and `reg` is translated through every parent
 * bus's `ranges` to a CPU physical address.  Every property is
 * length-checked before it is read: a blob from a target is untrusted input.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/target.h"

#define MAX_DEPTH 32 /* bus nesting followed when translating addresses */

/* A node is there unless its status, or an ancestor's, says otherwise
 * ("okay", "ok", or no status): a disabled bus takes its children with it. */
static bool node_enabled(const void *fdt, int node)
{
	for (int depth = 0; node >= 0 && depth <= MAX_DEPTH; depth++, node = fdt_parent_offset(fdt, node)) {
		int len;
		const char *st = fdt_getprop(fdt, node, "status", &len);
		if (st && len > 0 && strncmp(st, "okay", (size_t)len) && strncmp(st, "ok", (size_t)len))
			return false;
	}
	return true;
}

/* A number of 1 to 3 cells (a PCI address's phys.hi cell is flags: the low
 * two cells are the address). */
static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n > 2 ? n - 2 : 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

static int cell_count(const void *fdt, int node, bool size)
{
	int n = size ? fdt_size_cells(fdt, node) : fdt_address_cells(fdt, node);

	return n < 0 || n > 3 || (!size && n == 0) ? -1 : n;
}

/* An address on node's parent bus, translated through each bus's `ranges`
 * up to the root.  -EINVAL when a bus has no `ranges` (its addresses are not
 * memory-mapped) or no entry covers the address. */
static int translate(const void *fdt, int node, uint64_t *addr)
{
	int bus = fdt_parent_offset(fdt, node);

	for (int depth = 0; bus >= 0; depth++) {
		int up = fdt_parent_offset(fdt, bus), len;
		if (up < 0)
			return 0; /* the root's children: CPU addresses */
		if (depth == MAX_DEPTH)
			return -ELOOP;
		const fdt32_t *r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r)
			return -EINVAL;
		if (len > 0) {
			int cac = cell_count(fdt, bus, false), csc = cell_count(fdt, bus, true);
			int pac = cell_count(fdt, up, false);
			if (cac < 0 || csc < 0 || pac < 0)
				return -EINVAL;
			int ent = cac + pac + csc;
			bool hit = false;
			for (int i = 0; (i + 1) * ent * 4 <= len; i++) {
				const fdt32_t *e = r + i * ent;
				uint64_t cb = cells(e, cac), pb = cells(e + cac, pac), sz = cells(e + cac + pac, csc);
				if (*addr >= cb && *addr - cb < sz) {
					*addr = pb + (*addr - cb);
					hit = true;
					break;
				}
			}
			if (!hit)
				return -EINVAL;
		}
		bus = up;
	}
	return 0;
}

/* A node's first reg entry as a CPU physical address. */
static int node_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? cell_count(fdt, parent, false) : 2;
	int sc = parent >= 0 ? cell_count(fdt, parent, true) : 1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || sc < 0 || len < (int)sizeof(*reg) * (ac + sc))
		return -EINVAL;
	*base = cells(reg, ac);
	*size = sc ? cells(reg + ac, sc) : 0;
	return translate(fdt, node, base);
}

/* Arm's SMMUv1/v2 compatibles and the vendors' MMU-500s (Linux's list). */
static bool smmuv2_compatible(const void *fdt, int node)
{
	static const char *const compat[] = {
		"arm,mmu-500", "arm,smmu-v2", "arm,smmu-v1", "arm,mmu-401", "arm,mmu-400",
		"cavium,smmu-v2", "nvidia,smmu-500", "nvidia,tegra186-smmu", "nvidia,tegra194-smmu",
		"nvidia,tegra234-smmu", "qcom,smmu-500", "qcom,smmu-v2", "qcom,adreno-smmu",
		"marvell,ap806-smmu-500",
	};

	for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]); i++)
		if (!fdt_node_check_compatible(fdt, node, compat[i]))
			return true;
	/* "qcom,sm8250-smmu-500", "qcom,sdm845-smmu-500", ...: MMU-500 underneath */
	int len;
	const char *c = fdt_getprop(fdt, node, "compatible", &len);
	for (int at = 0; c && at < len;) {
		size_t n = strnlen(c + at, (size_t)(len - at));
		if (n >= 9 && !strncmp(c + at + n - 9, "-smmu-500", 9))
			return true;
		at += (int)n + 1;
	}
	return false;
}

/* The unit a phandle names, or NULL. */
static struct smmu_unit *unit_by_phandle(struct smmu_target *t, const void *fdt, uint32_t ph)
{
	int node = fdt_node_offset_by_phandle(fdt, ph);
	uint64_t base, size;

	if (node < 0 || !node_enabled(fdt, node) || node_reg(fdt, node, &base, &size))
		return NULL;
	return smmu_unit_by_base(t, base);
}

/* The PCI segment of a host bridge (Linux's "linux,pci-domain"), else 0. */
static uint16_t host_segment(const void *fdt, int node)
{
	int len;
	const fdt32_t *d = fdt_getprop(fdt, node, "linux,pci-domain", &len);

	return d && len == 4 ? (uint16_t)fdt32_to_cpu(*d) : 0;
}

static int add_id_map(struct smmu_target *t, const void *fdt, int node, bool msi, char *err, size_t errlen)
{
	int len, mlen;
	const char *prop = msi ? "msi-map" : "iommu-map";
	const fdt32_t *map = fdt_getprop(fdt, node, prop, &len);
	const fdt32_t *mask = fdt_getprop(fdt, node, msi ? "msi-map-mask" : "iommu-map-mask", &mlen);
	struct smmu_rid_map *maps = msi ? t->msi_maps : t->rid_maps;
	size_t *n = msi ? &t->nmsi_maps : &t->nrid_maps;
	size_t cap = msi ? sizeof(t->msi_maps) / sizeof(t->msi_maps[0]) : sizeof(t->rid_maps) / sizeof(t->rid_maps[0]);

	if (!map)
		return 0;
	if (len % 16) {
		/* entries are <rid-base phandle out-base length>: a #iommu-cells
		 * other than 1 would make them longer; this binding has 1 */
		snprintf(err, errlen, "fdt: %s: %s is %d bytes, not a multiple of 16", fdt_get_name(fdt, node, NULL),
			 prop, len);
		return -EINVAL;
	}
	for (int i = 0; i < len / 16; i++) {
		struct smmu_unit *u = NULL;
		if (!msi && !(u = unit_by_phandle(t, fdt, fdt32_to_cpu(map[i * 4 + 1]))))
			continue; /* an IOMMU we do not drive, a disabled one, or a dangling phandle */
		if (*n == cap) {
			snprintf(err, errlen, "fdt: more than %zu %s entries", cap, prop);
			return -ENOSPC;
		}
		maps[(*n)++] = (struct smmu_rid_map){
			.rid_base = fdt32_to_cpu(map[i * 4]), .sid_base = fdt32_to_cpu(map[i * 4 + 2]),
			.count = fdt32_to_cpu(map[i * 4 + 3]), .unit_base = u ? u->base : 0,
			.segment = host_segment(fdt, node), .source = prop,
			.rid_mask = mask && mlen == 4 ? fdt32_to_cpu(*mask) : UINT32_MAX };
	}
	return 0;
}

/* `iommus`: <phandle cell...> entries, each phandle's #iommu-cells long. */
static int add_platform_device(struct smmu_target *t, const void *fdt, int node)
{
	int len;
	const fdt32_t *iommus = fdt_getprop(fdt, node, "iommus", &len);
	struct smmu_device *d = NULL;
	uint64_t base, size;

	if (node_reg(fdt, node, &base, &size))
		return 0;
	if (!iommus || len < 4) {
		/* a DMA master smmush knows, with no IOMMU named for it: listed,
		 * covered by no unit (no `iommus` means no translation) */
		const char *compat = fdt_getprop(fdt, node, "compatible", &len);
		if (!compat || len <= 0 || strncmp(compat, "smmush,sim-testdev", len))
			return 0;
		if (!(d = smmu_device_new(t)))
			return -ENOSPC;
		d->info.bus = SMMU_BUS_PLATFORM;
		d->info.mmio_base = base;
		d->info.mmio_size = size;
		d->info.caps |= SMMU_DEV_DMA;
		snprintf(d->addr, sizeof(d->addr), "platform@0x%08llx", (unsigned long long)base);
		snprintf(d->name, sizeof(d->name), "%s %.*s", fdt_get_name(fdt, node, NULL), (int)strnlen(compat, len),
			 compat);
		return 0;
	}
	for (int i = 0; (i + 1) * 4 <= len;) {
		uint32_t ph = fdt32_to_cpu(iommus[i]);
		int in = fdt_node_offset_by_phandle(fdt, ph), clen;
		const fdt32_t *nc = in >= 0 ? fdt_getprop(fdt, in, "#iommu-cells", &clen) : NULL;
		int ncells = nc && clen == 4 ? (int)fdt32_to_cpu(*nc) : 1;
		if (in < 0 || ncells > 4 || (i + 1 + ncells) * 4 > len)
			break; /* the rest cannot be read: what was read stands */
		struct smmu_unit *u = unit_by_phandle(t, fdt, ph);
		/* SMMUv3's specifier is the StreamID, an SMMUv2's the StreamID and,
		 * with #iommu-cells 2, the SMR mask (with 1, stream-match-mask is
		 * the mask); a device behind several IOMMUs is given to the first
		 * one smmush drives */
		if (u && ncells >= 1 && (!d || d->info.unit == u)) {
			if (!d) {
				if (!(d = smmu_device_new(t)))
					return -ENOSPC;
				d->info.bus = SMMU_BUS_PLATFORM;
				d->info.mmio_base = base;
				d->info.mmio_size = size;
				d->info.unit = u;
			}
			if (d->info.nsids < sizeof(d->info.sids) / sizeof(d->info.sids[0])) {
				if (u->arch == SMMU_ARCH_SMMUV2)
					d->info.sid_masks[d->info.nsids] =
						ncells >= 2 ? fdt32_to_cpu(iommus[i + 2]) : u->stream_match_mask;
				d->info.sids[d->info.nsids++] = fdt32_to_cpu(iommus[i + 1]);
			}
		}
		i += 1 + ncells;
	}
	if (!d)
		return 0;
	d->info.sid = d->info.sids[0];
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);
	if (compat && len > 0 && !strncmp(compat, "smmush,sim-testdev", len))
		d->info.caps |= SMMU_DEV_DMA;
	snprintf(d->addr, sizeof(d->addr), "platform@0x%08llx", (unsigned long long)base);
	snprintf(d->name, sizeof(d->name), "%s%s%.*s", fdt_get_name(fdt, node, NULL), compat ? " " : "",
		 compat && len > 0 ? (int)strnlen(compat, len) : 0, compat ? compat : "");
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
		if (!node_enabled(fdt, node) || node_reg(fdt, node, &base, &size))
			continue;
		if ((rc = smmu_unit_new(t, SMMU_ARCH_SMMUV3, base, "fdt", NULL)))
			goto out;
	}
	/* SMMUv1/v2: every node any of these compatibles names, once */
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		uint64_t base, size;
		struct smmu_unit *u;
		int mlen;
		if (!smmuv2_compatible(fdt, node) || !node_enabled(fdt, node) || node_reg(fdt, node, &base, &size))
			continue;
		if ((rc = smmu_unit_new(t, SMMU_ARCH_SMMUV2, base, "fdt", &u)))
			goto out;
		const fdt32_t *smm = fdt_getprop(fdt, node, "stream-match-mask", &mlen);
		u->stream_match_mask = smm && mlen == 4 ? fdt32_to_cpu(*smm) : 0;
	}
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		if (!node_enabled(fdt, node))
			continue;
		if ((rc = add_id_map(t, fdt, node, false, err, errlen)) ||
		    (rc = add_id_map(t, fdt, node, true, err, errlen)) || (rc = add_platform_device(t, fdt, node)))
			goto out;
	}
	rc = 0;
out:
	free(fdt);
	return rc;
}
