/* SPDX-License-Identifier: MIT */
/*
 * What check-sim-vtd.c and check-sim-amdvi.c drive alike: a platform with
 * PCI DMA test devices at 00:01.0 and 00:02.0, a page allocator in the
 * machine's table region, RAM by the qword, and the devices' 8-byte DMA.
 * Included after the file's own struct rig, which has at least
 *	struct sim_machine *m; struct sim_layout l; uint64_t next; uint64_t bar[3];
 * (bar[n]: device n's registers).
 */
#ifndef CHECK_SIM_RIG_H
#define CHECK_SIM_RIG_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "backends/sim/sim.h"

/* Create the machine from p, its unit expected at iommu_base; pages from the
 * start of the table region; both test devices' BARs read and memory and
 * bus mastering on. */
static inline void rig_machine(struct rig *r, const struct sim_params *p, uint64_t iommu_base)
{
	ck_assert_int_eq(sim_machine_create(p, &r->m), 0);
	sim_machine_layout(r->m, &r->l);
	ck_assert_uint_eq(r->l.iommu_base, iommu_base);
	r->next = r->l.table_base;
	for (unsigned i = 0; i < 2; i++) {
		uint16_t bdf = (uint16_t)((i + 1) << 3);
		uint32_t bar, cmd;

		ck_assert_int_eq(sim_pci_cfg_read(r->m, bdf, 0x10, 4, &bar), 0);
		r->bar[i + 1] = bar & ~0xfu;
		ck_assert_int_eq(sim_pci_cfg_read(r->m, bdf, 0x04, 2, &cmd), 0);
		ck_assert_int_eq(sim_pci_cfg_write(r->m, bdf, 0x04, 2, cmd | 0x6), 0);
	}
}

static inline void wq(struct rig *r, uint64_t pa, uint64_t v)
{
	ck_assert_int_eq(sim_mem_write(r->m, pa, &v, 8), 0);
}

static inline uint64_t rq(struct rig *r, uint64_t pa)
{
	uint64_t v;

	ck_assert_int_eq(sim_mem_read(r->m, pa, &v, 8), 0);
	return v;
}

/* A zeroed 4 KiB page of the table region. */
static inline uint64_t page(struct rig *r)
{
	uint64_t p = r->next;
	uint8_t z[4096] = { 0 };

	r->next += 4096;
	ck_assert_uint_le(r->next, r->l.table_base + r->l.table_size);
	ck_assert_int_eq(sim_mem_write(r->m, p, z, sizeof(z)), 0);
	return p;
}

static inline void dev_w64(struct rig *r, unsigned dev, uint64_t off, uint64_t v)
{
	ck_assert_int_eq(sim_mmio_write(r->m, r->bar[dev] + off, 8, v), 0);
}

static inline uint64_t dev_r64(struct rig *r, unsigned dev, uint64_t off)
{
	uint64_t v;

	ck_assert_int_eq(sim_mmio_read(r->m, r->bar[dev] + off, 8, &v), 0);
	return v;
}

/* Device writes 8 bytes of v to iova; true if no fault. */
static inline bool dma_write(struct rig *r, unsigned dev, uint64_t iova, uint64_t v)
{
	dev_w64(r, dev, SIM_TESTDEV_BUF, v);
	dev_w64(r, dev, SIM_TESTDEV_DMA_SRC, SIM_TESTDEV_BUF);
	dev_w64(r, dev, SIM_TESTDEV_DMA_DST, iova);
	dev_w64(r, dev, SIM_TESTDEV_DMA_COUNT, 8);
	dev_w64(r, dev, SIM_TESTDEV_DMA_CMD, SIM_TESTDEV_CMD_RUN | SIM_TESTDEV_CMD_TO_RAM);
	return !(dev_r64(r, dev, SIM_TESTDEV_STATUS) & SIM_TESTDEV_ST_FAULT);
}

/* Device reads 8 bytes at iova into v; true if no fault. */
static inline bool dma_read(struct rig *r, unsigned dev, uint64_t iova, uint64_t *v)
{
	dev_w64(r, dev, SIM_TESTDEV_DMA_SRC, iova);
	dev_w64(r, dev, SIM_TESTDEV_DMA_DST, SIM_TESTDEV_BUF);
	dev_w64(r, dev, SIM_TESTDEV_DMA_COUNT, 8);
	dev_w64(r, dev, SIM_TESTDEV_DMA_CMD, SIM_TESTDEV_CMD_RUN);
	*v = dev_r64(r, dev, SIM_TESTDEV_BUF);
	return !(dev_r64(r, dev, SIM_TESTDEV_STATUS) & SIM_TESTDEV_ST_FAULT);
}

#endif
