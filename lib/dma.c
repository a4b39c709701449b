/* SPDX-License-Identifier: MIT */
/*
 * Test DMA with edu-compatible devices (QEMU's hw/misc/edu.c register layout,
 * which sim's test devices share): BAR0 registers, a 4 KiB buffer at 0x40000
 * in the device's own DMA space.  sim's devices add a block of extensions
 * above 0x100 (a SubstreamID, access attributes, a fault-storm generator),
 * recognised by its identification register: this file is the only code that
 * programs either.
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
/* sim's extensions (QEMU's edu has nothing there: writes are ignored,
 * reads return all ones) */
#define SIM_SSID      0x100
#define   SIM_SSID_VALID (1u << 31)
#define SIM_STATUS    0x108
#define   SIM_ST_DONE    0x1
#define SIM_STORM     0x110  /* write N: N one-byte reads at the DMA source address */
#define SIM_ACCESS    0x118
#define   SIM_ACC_PRIV   0x1
#define   SIM_ACC_EXEC   0x2
#define SIM_EXT_ID    0x120
#define   SIM_EXT_MAGIC  0x736d7368u /* "smsh" */

#define PCI_COMMAND 0x04
#define   PCI_CMD_MEM 0x2
#define   PCI_CMD_BME 0x4
#define PCI_BAR0    0x10
#define   PCI_BAR_MEM64 0x4 /* type bits 2:1 = 10b: the next BAR holds bits 63:32 */

#define POLL_TRIES  100000
#define POLL_NS     10000

/* Where the device's registers are.  With enable, memory decoding and bus
 * mastering are turned on for a PCI device (a transfer needs both); without
 * it nothing is written, and a device that does not decode yet is -ENXIO. */
static int regs_base(struct smmu_device *d, bool enable, uint64_t *base)
{
	struct smmu_target *t = d->t;
	uint32_t bar, hi = 0, cmd;
	int rc;

	if (d->info.bus == SMMU_BUS_PLATFORM) {
		*base = d->info.mmio_base;
		return 0;
	}
	if ((rc = smmu_pci_read(t, d->info.bdf, PCI_BAR0, 4, &bar)) ||
	    (rc = smmu_pci_read(t, d->info.bdf, PCI_COMMAND, 2, &cmd)))
		return rc;
	if ((bar & 0x6) == PCI_BAR_MEM64 && (rc = smmu_pci_read(t, d->info.bdf, PCI_BAR0 + 4, 4, &hi)))
		return rc;
	*base = (uint64_t)hi << 32 | (bar & ~0xfu);
	if (!*base)
		return -ENXIO; /* no firmware assigned the BAR */
	if ((cmd & (PCI_CMD_MEM | PCI_CMD_BME)) == (PCI_CMD_MEM | PCI_CMD_BME))
		return 0;
	if (!enable)
		return cmd & PCI_CMD_MEM ? 0 : -ENXIO;
	return smmu_pci_write(t, d->info.bdf, PCI_COMMAND, 2, cmd | PCI_CMD_MEM | PCI_CMD_BME);
}

void smmu_dma_probe(struct smmu_target *t)
{
	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		uint64_t base, id;
		if (!(d->info.caps & SMMU_DEV_DMA) || regs_base(d, false, &base) ||
		    smmu_mmio_read(t, base + SIM_EXT_ID, 4, &id))
			continue;
		if (id == SIM_EXT_MAGIC)
			d->info.caps |= SMMU_DEV_STORM | SMMU_DEV_PASID;
	}
}

/* Poll until (register & mask) == want. */
static int wait_reg(struct smmu_target *t, uint64_t addr, uint64_t mask, uint64_t want)
{
	uint64_t v;
	int rc;

	for (unsigned i = 0; i < POLL_TRIES; i++) {
		if ((rc = smmu_mmio_read(t, addr, 8, &v)))
			return rc;
		if ((v & mask) == want)
			return 0;
		if (t->ops->sleep_ns)
			t->ops->sleep_ns(t->priv, POLL_NS);
	}
	return -SMMU_E_TIMEOUT;
}

/* The attributes of the next request (ignored by edu, which has neither). */
static int set_attrs(struct smmu_target *t, uint64_t base, const struct smmu_dma_opts *o)
{
	uint32_t ssid = o && o->ssv ? SIM_SSID_VALID | (o->ssid & 0xfffff) : 0;
	uint32_t access = o ? (o->priv ? SIM_ACC_PRIV : 0) | (o->exec ? SIM_ACC_EXEC : 0) : 0;
	int rc;

	if ((rc = smmu_device_mmio_write(t, base + SIM_SSID, 4, ssid)))
		return rc;
	return smmu_device_mmio_write(t, base + SIM_ACCESS, 4, access);
}

int smmu_dma(struct smmu_device *d, enum smmu_dma_dir dir, uint64_t iova, size_t len,
	     const struct smmu_dma_opts *opts)
{
	struct smmu_target *t = d->t;
	uint64_t base;
	int rc;

	if (smmu_target_read_only(t))
		return -SMMU_E_READONLY;
	if (!(d->info.caps & SMMU_DEV_DMA))
		return -ENODEV;
	if (!len || len > SMMU_DMA_MAX)
		return -EINVAL;
	if (opts && opts->ssv && !(d->info.caps & SMMU_DEV_PASID))
		return -EOPNOTSUPP; /* it would go out without the PASID */
	bool busy = t->devices_busy;
	if ((rc = regs_base(d, true, &base)))
		return rc;
	bool to_mem = dir == SMMU_DMA_TO_MEM;
	if ((rc = set_attrs(t, base, opts)) ||
	    (rc = smmu_device_mmio_write(t, base + EDU_DMA_SRC, 8, to_mem ? EDU_BUF : iova)) ||
	    (rc = smmu_device_mmio_write(t, base + EDU_DMA_DST, 8, to_mem ? iova : EDU_BUF)) ||
	    (rc = smmu_device_mmio_write(t, base + EDU_DMA_COUNT, 8, len)) ||
	    (rc = smmu_device_mmio_write(t, base + EDU_DMA_CMD, 8, EDU_CMD_RUN | (to_mem ? EDU_CMD_TO_RAM : 0))))
		return rc;
	/* the run bit clears when the transfer is done: all it wrote (and the
	 * unit's records of it) has landed, and the device waits again */
	if (!(rc = wait_reg(t, base + EDU_DMA_CMD, EDU_CMD_RUN, 0)))
		smmu_target_dma_done(t, busy);
	return rc;
}

int smmu_device_storm(struct smmu_device *d, uint64_t iova, uint64_t count,
		      const struct smmu_dma_opts *opts)
{
	struct smmu_target *t = d->t;
	uint64_t base;
	int rc;

	if (!(d->info.caps & SMMU_DEV_STORM))
		return -EOPNOTSUPP;
	if (!count)
		return 0;
	bool busy = t->devices_busy;
	if ((rc = regs_base(d, true, &base)) || (rc = set_attrs(t, base, opts)) ||
	    (rc = smmu_device_mmio_write(t, base + EDU_DMA_SRC, 8, iova)) ||
	    (rc = smmu_device_mmio_write(t, base + SIM_STORM, 8, count)))
		return rc;
	/* the status register says done when the last read was issued */
	if (!(rc = wait_reg(t, base + SIM_STATUS, SIM_ST_DONE, SIM_ST_DONE)))
		smmu_target_dma_done(t, busy);
	return rc;
}
