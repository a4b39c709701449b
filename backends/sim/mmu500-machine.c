/* SPDX-License-Identifier: MIT */
/*
 * The MMU-500 platform (`sim:mmu500`): an Arm board laid out like virt, with
 * the IOMMU most embedded Arm boards have, an MMU-500 (SMMUv2), at
 * 0x0a000000.  RAM at 0x40000000 with the device tree at its start, PCIe ECAM
 * at 0x4010000000 with DMA test devices at 00:01.0, 00:02.0, ... (StreamID =
 * RID), and three platform DMA test devices: dma@c000000 (StreamID 0x400),
 * dma@c100000 (0x401: the same stream under the mask bit 0, which the device
 * tree's stream-match-mask or second specifier cell gives) and dma@c200000
 * with two StreamIDs (0x410 and 0x420; SIM_TESTDEV_SID_SEL picks one).
 * Firmware: the device tree (`arm,mmu-500`, `#iommu-cells` 1 or 2 by the
 * `cells` parameter), an ACPI IORT with an SMMUv1/v2 node (model MMU-500),
 * and MCFG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-q35.h" /* sim_mcfg_build */

#define M5_SMMU_BASE    0x0a000000ULL
#define M5_PLATDEV_BASE 0x0c000000ULL
#define M5_PLATDEV_STEP 0x00100000ULL
#define M5_MMIO32_BASE  0x10000000ULL
#define M5_MMIO32_SIZE  0x2eff0000ULL
#define M5_ECAM_BASE    0x4010000000ULL
#define M5_ECAM_SIZE    0x10000000ULL
#define M5_TABLE_MAX    (16ULL << 20)
#define FDT_MAX         0x10000
#define SMMU_PHANDLE    1
#define MATCH_MASK      0x1 /* the StreamID bit the stream-match-mask leaves out */

/* The platform devices: their StreamIDs (two for the last). */
static const struct {
	const char *acpi_name;
	uint32_t sids[2];
	unsigned nsids;
} platdevs[] = {
	{ "\\_SB.DMA0", { 0x400 }, 1 },
	{ "\\_SB.DMA1", { 0x401 }, 1 },
	{ "\\_SB.DMA2", { 0x410, 0x420 }, 2 },
};
#define NPLAT (sizeof(platdevs) / sizeof(platdevs[0]))

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, int n)
{
	fdt32_t buf[16];

	for (int i = 0; i < n; i++)
		buf[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, buf, n * (int)sizeof(buf[0]));
}

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	uint32_t r[4] = { base >> 32, (uint32_t)base, size >> 32, (uint32_t)size };

	return prop_cells(fdt, "reg", r, 4);
}

static int build_fdt(const struct sim_layout *l, unsigned cells, void **out, size_t *len)
{
	void *fdt = calloc(1, FDT_MAX);
	char name[64];
	int rc = 0;

	if (!fdt)
		return -ENOMEM;
#define T(x) do { if (!rc) rc = (x); } while (0)
	T(fdt_create(fdt, FDT_MAX));
	T(fdt_finish_reservemap(fdt));
	T(fdt_begin_node(fdt, ""));
	T(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	T(fdt_property_string(fdt, "model", "smmush sim:mmu500"));
	T(fdt_property_u32(fdt, "#address-cells", 2));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_begin_node(fdt, "chosen"));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)l->ram_base);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "device_type", "memory"));
	T(prop_reg(fdt, l->ram_base, l->ram_size));
	T(fdt_end_node(fdt));

	/* As Linux's arm,smmu binding has it; no interrupt controller is
	 * modelled, so no interrupts are described. */
	snprintf(name, sizeof(name), "iommu@%llx", (unsigned long long)l->iommu_base);
	T(fdt_begin_node(fdt, name));
	{
		static const char compat[] = "arm,mmu-500\0arm,smmu-v2";
		T(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	}
	T(prop_reg(fdt, l->iommu_base, l->iommu_size));
	T(fdt_property_u32(fdt, "#global-interrupts", 1));
	T(fdt_property_u32(fdt, "#iommu-cells", cells));
	/* for one-cell specifiers (iommus with #iommu-cells 1, and iommu-map) */
	T(fdt_property_u32(fdt, "stream-match-mask", MATCH_MASK));
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_property_u32(fdt, "phandle", SMMU_PHANDLE));
	T(fdt_end_node(fdt));

	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)M5_MMIO32_BASE);
	T(fdt_begin_node(fdt, name));
	T(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	T(fdt_property_string(fdt, "device_type", "pci"));
	T(prop_reg(fdt, l->ecam_base, l->ecam_size));
	T(fdt_property_u32(fdt, "#address-cells", 3));
	T(fdt_property_u32(fdt, "#size-cells", 2));
	T(fdt_property_u32(fdt, "linux,pci-domain", 0));
	{
		uint32_t bus_range[2] = { 0, (uint32_t)(l->ecam_size >> 20) - 1 };
		uint32_t ranges[7] = { 0x02000000, 0, (uint32_t)M5_MMIO32_BASE, 0, (uint32_t)M5_MMIO32_BASE, 0,
				       (uint32_t)M5_MMIO32_SIZE };
		uint32_t iommu_map[4] = { 0, SMMU_PHANDLE, 0, 0x10000 }; /* RID = StreamID */
		T(prop_cells(fdt, "bus-range", bus_range, 2));
		T(prop_cells(fdt, "ranges", ranges, 7));
		T(prop_cells(fdt, "iommu-map", iommu_map, 4));
	}
	T(fdt_property(fdt, "dma-coherent", NULL, 0));
	T(fdt_end_node(fdt));

	for (size_t i = 0; i < NPLAT; i++) {
		uint64_t base = M5_PLATDEV_BASE + i * M5_PLATDEV_STEP;
		uint32_t iommus[6];
		int n = 0;
		snprintf(name, sizeof(name), "dma@%llx", (unsigned long long)base);
		T(fdt_begin_node(fdt, name));
		T(fdt_property_string(fdt, "compatible", "smmush,sim-testdev"));
		T(prop_reg(fdt, base, SIM_TESTDEV_BAR_SIZE));
		for (unsigned k = 0; k < platdevs[i].nsids; k++) {
			iommus[n++] = SMMU_PHANDLE;
			iommus[n++] = platdevs[i].sids[k];
			if (cells == 2) /* the mask in the specifier: the devices that share a stream say so */
				iommus[n++] = platdevs[i].nsids == 1 ? MATCH_MASK : 0;
		}
		T(prop_cells(fdt, "iommus", iommus, n));
		T(fdt_property(fdt, "dma-coherent", NULL, 0));
		T(fdt_end_node(fdt));
	}

	T(fdt_end_node(fdt));
	T(fdt_finish(fdt));
#undef T
	if (rc) {
		free(fdt);
		return -EINVAL;
	}
	*len = fdt_totalsize(fdt);
	*out = fdt;
	return 0;
}

/* ACPI IORT (DEN 0049): an SMMUv1/v2 node (model MMU-500) with its global
 * and one context interrupt per bank (described, never raised), a root
 * complex whose RIDs map 1:1 to StreamIDs, and a named component per
 * platform device. */
#define IORT_HDR       48
#define IORT_SMMU_FIX  76 /* fixed part and the global interrupt array */
#define IORT_RC_LEN    (36 + 20)
#define IORT_NC_FIXED  29

static void iort_node(uint8_t *n, uint8_t type, uint16_t len, uint8_t rev, uint32_t nids, uint32_t ids_off)
{
	n[0] = type;
	put16(n + 1, len);
	n[3] = rev;
	put32(n + 8, nids);
	put32(n + 12, ids_off);
}

static void iort_map(uint8_t *p, uint32_t in, uint32_t count_minus_1, uint32_t out, uint32_t ref, uint32_t flags)
{
	put32(p, in);
	put32(p + 4, count_minus_1);
	put32(p + 8, out);
	put32(p + 12, ref);
	put32(p + 16, flags);
}

static size_t nc_ids_off(const char *name)
{
	return (IORT_NC_FIXED + strlen(name) + 1 + 3) & ~(size_t)3;
}

static int build_iort(const struct sim_layout *l, unsigned ncb, void **out, size_t *len)
{
	size_t smmu_len = IORT_SMMU_FIX + (size_t)ncb * 8, total = IORT_HDR + smmu_len + IORT_RC_LEN;
	uint32_t smmu_off = IORT_HDR, rc_off = (uint32_t)(smmu_off + smmu_len);
	uint8_t *t, *n;

	for (size_t i = 0; i < NPLAT; i++)
		total += nc_ids_off(platdevs[i].acpi_name) + 20 * platdevs[i].nsids;
	if (!(t = calloc(1, total)))
		return -ENOMEM;
	sim_acpi_header(t, "IORT", (uint32_t)total, 0);
	put32(t + 36, 2 + NPLAT);
	put32(t + 40, IORT_HDR);

	n = t + smmu_off; /* SMMUv1/v2 node, revision 1 */
	iort_node(n, 3, (uint16_t)smmu_len, 1, 0, 0);
	put64(n + 16, l->iommu_base);
	put64(n + 24, l->iommu_size);
	put32(n + 32, 3);          /* model: Arm CoreLink MMU-500 */
	put32(n + 36, 2);          /* flags: coherent page table walks */
	put32(n + 40, 60);         /* global interrupt array */
	put32(n + 44, ncb);        /* context interrupts */
	put32(n + 48, IORT_SMMU_FIX);
	put32(n + 52, 0);          /* PMU interrupts */
	put32(n + 56, 0);
	put32(n + 60, 64);         /* SMMU_NSgIrpt (GSIV), level */
	put32(n + 68, 65);         /* SMMU_NSgCfgIrpt */
	for (unsigned i = 0; i < ncb; i++)
		put32(n + IORT_SMMU_FIX + i * 8, 96 + i);

	n = t + rc_off;            /* root complex, revision 1 */
	iort_node(n, 2, IORT_RC_LEN, 1, 1, 36);
	put32(n + 16, 1);
	n[23] = 0x3;
	put32(n + 28, 0);
	n[32] = 48;
	iort_map(n + 36, 0, 0xffff, 0, smmu_off, 0);

	uint32_t off = rc_off + IORT_RC_LEN;
	for (size_t i = 0; i < NPLAT; i++) {
		size_t ids = nc_ids_off(platdevs[i].acpi_name), nl = ids + 20 * platdevs[i].nsids;
		n = t + off;
		iort_node(n, 1, (uint16_t)nl, 0, platdevs[i].nsids, (uint32_t)ids);
		put32(n + 20, 1);
		n[28] = 48;
		memcpy(n + IORT_NC_FIXED, platdevs[i].acpi_name, strlen(platdevs[i].acpi_name) + 1);
		for (unsigned k = 0; k < platdevs[i].nsids; k++)
			iort_map(n + ids + 20 * k, 0, 0, platdevs[i].sids[k], smmu_off, 1 /* single */);
		off += (uint32_t)nl;
	}
	sim_acpi_checksum(t, total);
	*out = t;
	*len = total;
	return 0;
}

int sim_mmu500_build(struct sim_machine *m)
{
	const struct sim_params *p = sim_machine_params(m);
	struct sim_layout l = { 0 };
	void *blob;
	size_t len;
	int rc;

	if (p->ram_base != 0x40000000 || p->ram_size < (1ULL << 20) || p->ram_base + p->ram_size > M5_ECAM_BASE)
		return -EINVAL;
	if (p->ndevs < 1 || p->ndevs > 31)
		return -EINVAL;
	l.ram_base = p->ram_base;
	l.ram_size = p->ram_size;
	l.iommu_base = M5_SMMU_BASE;
	l.iommu_size = sim_mmu500_size(p);
	l.ecam_base = M5_ECAM_BASE;
	l.ecam_size = M5_ECAM_SIZE;
	l.mmio32_base = M5_MMIO32_BASE;
	l.platdev_base = M5_PLATDEV_BASE;
	l.platdev_sid = platdevs[0].sids[0];
	l.fdt_addr = p->ram_base;
	l.table_size = p->ram_size / 4 < M5_TABLE_MAX ? (p->ram_size / 4) & ~0xfffULL : M5_TABLE_MAX;
	l.table_base = p->ram_base + p->ram_size - l.table_size;
	sim_set_layout(m, &l);

	if ((rc = sim_mmu500_create(m, l.iommu_base)) ||
	    (rc = sim_pci_init(m, l.ecam_base, l.ecam_size, l.mmio32_base, 0x1b36, 0x0008)) ||
	    (rc = sim_pci_add_testdevs(m, p->ndevs)))
		return rc;
	for (size_t i = 0; i < NPLAT; i++) {
		struct sim_testdev *d;
		if ((rc = sim_testdev_create_platform(m, M5_PLATDEV_BASE + i * M5_PLATDEV_STEP, platdevs[i].sids[0],
						      &d)) ||
		    (rc = sim_testdev_set_sids(d, platdevs[i].sids, platdevs[i].nsids)))
			return rc;
	}
	if ((rc = build_fdt(&l, p->mmu500_cells, &blob, &len)))
		return rc;
	if ((rc = sim_mem_write(m, l.fdt_addr, blob, len))) {
		free(blob);
		return rc;
	}
	if ((rc = sim_fw_add(m, "fdt", blob, len)) || (rc = build_iort(&l, p->mmu500_cbs, &blob, &len)) ||
	    (rc = sim_fw_add(m, "IORT", blob, len)) || (rc = sim_mcfg_build(l.ecam_base, l.ecam_size, &blob, &len)))
		return rc;
	return sim_fw_add(m, "MCFG", blob, len);
}
