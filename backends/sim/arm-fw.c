/* SPDX-License-Identifier: MIT */
/*
 * What the Arm boards (virt.c, mmu500-machine.c) build alike: the device
 * tree's skeleton and PCIe host node, and the IORT's node headers and ID
 * mappings.  Little-endian IORT, big-endian device tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "backends/sim/sim-arm.h"
#include "backends/sim/sim-internal.h"

int sim_fdt_prop_cells(void *fdt, const char *name, const uint32_t *cells, int n)
{
	fdt32_t buf[16];

	for (int i = 0; i < n; i++)
		buf[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, buf, n * (int)sizeof(buf[0]));
}

int sim_fdt_prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	uint32_t r[4] = { base >> 32, (uint32_t)base, size >> 32, (uint32_t)size };

	return sim_fdt_prop_cells(fdt, "reg", r, 4);
}

/* With the sequential-write API; errors accumulate in rc. */
#define T(x) do { if (!rc) rc = (x); } while (0)

int sim_fdt_begin(void *fdt, size_t size, const char *model, const struct sim_layout *l)
{
	char name[64];
	int rc = 0;

	T(fdt_create(fdt, (int)size));
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_string(fdt, "model", model));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));

	T(fdt_begin_node(fdt, "chosen"));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)l->ram_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(sim_fdt_prop_reg(fdt, l->ram_base, l->ram_size));
	T(fdt_end_node(fdt));
	return rc;
}

int sim_fdt_pcie_begin(void *fdt, const struct sim_layout *l, uint64_t mmio32_size, uint32_t smmu_phandle)
{
	uint32_t bus_range[2] = { 0, (uint32_t)(l->ecam_size >> 20) - 1 };
	uint32_t ranges[7] = { 0x02000000, 0, (uint32_t)l->mmio32_base,
			       0, (uint32_t)l->mmio32_base, 0, (uint32_t)mmio32_size };
	/* all 64K RIDs, as on QEMU */
	uint32_t iommu_map[4] = { 0, smmu_phandle, 0, 0x10000 };
	char name[64];
	int rc = 0;

	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)l->mmio32_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	T(fdt_property_string(fdt, "device_type", "pci"));
	T(sim_fdt_prop_reg(fdt, l->ecam_base, l->ecam_size));
	T(fdt_property_u32(fdt, "#address-cells", 3));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "linux,pci-domain", 0));
	T(sim_fdt_prop_cells(fdt, "bus-range", bus_range, 2));
	T(sim_fdt_prop_cells(fdt, "ranges", ranges, 7));
	T(sim_fdt_prop_cells(fdt, "iommu-map", iommu_map, 4));
	return rc;
}

int sim_fdt_finish(void *fdt, int rc, void **out, size_t *len)
{
	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
	if (rc) {
		free(fdt);
		return -EINVAL;
	}
	*len = fdt_totalsize(fdt);
	*out = fdt;
	return 0;
}
#undef T

int sim_fw_add_fdt(struct sim_machine *m, const struct sim_layout *l, void *blob, size_t len)
{
	int rc = sim_mem_write(m, l->fdt_addr, blob, len);

	if (rc) {
		free(blob);
		return rc;
	}
	return sim_fw_add(m, "fdt", blob, len);
}

void sim_iort_node(uint8_t *n, uint8_t type, uint16_t len, uint8_t rev, uint32_t nids, uint32_t ids_off)
{
	n[0] = type;
	sim_put16(n + 1, len);
	n[3] = rev;
	sim_put32(n + 8, nids);
	sim_put32(n + 12, ids_off);
}

void sim_iort_map(uint8_t *p, uint32_t in, uint32_t count_minus_1, uint32_t out, uint32_t ref, uint32_t flags)
{
	sim_put32(p, in);
	sim_put32(p + 4, count_minus_1);
	sim_put32(p + 8, out);
	sim_put32(p + 12, ref);
	sim_put32(p + 16, flags);
}
