/* SPDX-License-Identifier: MIT */
/*
 * Test DMA with edu-compatible devices (QEMU's hw/misc/edu.c register layout,
 * which sim's test devices share): BAR0 registers, a 4 KiB buffer at 0x40000
 * in the device's own DMA space.
 */
#include <errno.h>

#include "lib/hw.h"
#include "lib/target.h"

#define EDU_ID        0x00
#define EDU_DMA_SRC   0x80
#define EDU_DMA_DST   0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD   0x98
#define   EDU_CMD_RUN    0x1
#define   EDU_CMD_TO_RAM 0x2
#define EDU_BUF       0x40000
/* sim's extensions (ignored by QEMU's edu, which has nothing there) */
#define SIM_SSID      0x100
#define   SIM_SSID_VALID (1u << 31)
#define SIM_ACCESS    0x118

#define PCI_COMMAND 0x04
#define   PCI_CMD_MEM 0x2
#define   PCI_CMD_BME 0x4
#define PCI_BAR0    0x10

/* Where the device's registers are; turns on memory decoding and bus
 * mastering for a PCI device. */
static int regs_base(struct smmu_device *d, uint64_t *base)
{
	struct smmu_target *t = d->t;
	uint32_t bar, cmd;
	int rc;

	if (d->info.bus == SMMU_BUS_PLATFORM) {
		*base = d->info.mmio_base;
		return 0;
	}
	if ((rc = smmu_pci_read(t, d->info.bdf, PCI_BAR0, 4, &bar)) ||
	    (rc = smmu_pci_read(t, d->info.bdf, PCI_COMMAND, 2, &cmd)))
		return rc;
	if (!(bar & ~0xfu))
		return -ENXIO; /* no firmware assigned the BAR */
	if ((cmd & (PCI_CMD_MEM | PCI_CMD_BME)) != (PCI_CMD_MEM | PCI_CMD_BME) &&
	    (rc = smmu_pci_write(t, d->info.bdf, PCI_COMMAND, 2, cmd | PCI_CMD_MEM | PCI_CMD_BME)))
		return rc;
	*base = bar & ~0xfull;
	return 0;
}

int smmu_dma(struct smmu_device *d, enum smmu_dma_dir dir, uint64_t iova, size_t len,
	     const struct smmu_dma_opts *opts)
{
	struct smmu_target *t = d->t;
	uint64_t base, v;
	int rc;

	if (!(d->info.caps & SMMU_DEV_DMA))
		return -ENODEV;
	if (!len || len > SMMU_DMA_MAX)
		return -EINVAL;
	if ((rc = regs_base(d, &base)))
		return rc;
	bool to_mem = dir == SMMU_DMA_TO_MEM;
	uint32_t ssid = opts && opts->ssv ? SIM_SSID_VALID | (opts->ssid & 0xfffff) : 0;
	uint32_t access = opts ? (opts->priv ? 1 : 0) | (opts->exec ? 2 : 0) : 0;
	if ((rc = smmu_mmio_write(t, base + SIM_SSID, 4, ssid)) ||
	    (rc = smmu_mmio_write(t, base + SIM_ACCESS, 4, access)) ||
	    (rc = smmu_mmio_write(t, base + EDU_DMA_SRC, 8, to_mem ? EDU_BUF : iova)) ||
	    (rc = smmu_mmio_write(t, base + EDU_DMA_DST, 8, to_mem ? iova : EDU_BUF)) ||
	    (rc = smmu_mmio_write(t, base + EDU_DMA_COUNT, 8, len)) ||
	    (rc = smmu_mmio_write(t, base + EDU_DMA_CMD, 8, EDU_CMD_RUN | (to_mem ? EDU_CMD_TO_RAM : 0))))
		return rc;
	/* the run bit clears when the transfer is done */
	for (unsigned i = 0; i < 100000; i++) {
		if ((rc = smmu_mmio_read(t, base + EDU_DMA_CMD, 8, &v)))
			return rc;
		if (!(v & EDU_CMD_RUN))
			return 0;
		if (t->ops->sleep_ns)
			t->ops->sleep_ns(t->priv, 10000);
	}
	return -SMMU_E_TIMEOUT;
}
