/* SPDX-License-Identifier: MIT */
/*
 * PCI: bus 0 of type-0 functions with 4 KiB configuration spaces (and,
 * with -O bridge=N, a PCIe-to-PCI bridge whose secondary bus holds more;
 * with -O switch=N, a PCIe switch whose downstream ports hold one each),
 * reached through ECAM and, on q35, ports 0xcf8/0xcfc.  Each byte of
 * configuration space has a write mask; a memory BAR's mask is ~(size - 1), so
 * the usual sizing (write all ones, read back) works without special cases.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

#define PCI_CFG_SIZE 4096
#define PCI_COMMAND  0x04
#define   PCI_CMD_MEM  0x2
#define   PCI_CMD_BME  0x4
#define PCI_BAR0     0x10
#define SIM_PCI_BUSES 8 /* the buses modelled: 0, a bridge's secondary, a switch's */

struct sim_pci_dev {
	uint16_t bdf;
	uint32_t bar_size;
	const struct sim_mmio_ops *ops;
	void *opaque;
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
};

struct sim_pci {
	uint64_t ecam_base, ecam_size;
	uint64_t next_bar;
	uint32_t cf8;
	struct sim_pci_dev *devs[SIM_PCI_BUSES * 256]; /* buses 0.., by bus << 8 | devfn */
	struct sim_pci_dev *last_bar;  /* lookup cache for BAR accesses */
};

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int ecam_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct sim_machine *m = opaque;
	uint32_t v = 0, hi = 0;
	int rc;

	if (size == 8) {
		rc = sim_pci_cfg_read(m, off >> 12, off & 0xfff, 4, &v);
		if (!rc)
			rc = sim_pci_cfg_read(m, off >> 12, (off & 0xfff) + 4, 4, &hi);
		*val = (uint64_t)hi << 32 | v;
		return rc;
	}
	rc = sim_pci_cfg_read(m, off >> 12, off & 0xfff, size, &v);
	*val = v;
	return rc;
}

static int ecam_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct sim_machine *m = opaque;
	int rc;

	if (size == 8) {
		rc = sim_pci_cfg_write(m, off >> 12, off & 0xfff, 4, (uint32_t)val);
		if (!rc)
			rc = sim_pci_cfg_write(m, off >> 12, (off & 0xfff) + 4, 4, val >> 32);
		return rc;
	}
	return sim_pci_cfg_write(m, off >> 12, off & 0xfff, size, (uint32_t)val);
}

static const struct sim_mmio_ops ecam_ops = { ecam_read, ecam_write };

int sim_pci_init(struct sim_machine *m, uint64_t ecam_base, uint64_t ecam_size,
		 uint64_t mmio32_base, uint16_t host_vendor, uint16_t host_device)
{
	struct sim_pci *pci;
	int rc;

	if (m->pci)
		return -EEXIST;
	pci = calloc(1, sizeof(*pci));
	if (!pci)
		return -ENOMEM;
	pci->ecam_base = ecam_base;
	pci->ecam_size = ecam_size;
	pci->next_bar = mmio32_base;
	m->pci = pci;
	if (ecam_size) {
		rc = sim_mmio_map(m, ecam_base, ecam_size, &ecam_ops, m);
		if (rc)
			return rc;
	}
	/* The host bridge: class 0x060000, no BAR. */
	return sim_pci_register(m, 0, host_vendor, host_device, 0x06000000, 0,
				NULL, NULL, NULL);
}

void sim_pci_fini(struct sim_machine *m)
{
	if (!m->pci)
		return;
	for (unsigned i = 0; i < SIM_PCI_BUSES * 256; i++)
		free(m->pci->devs[i]);
	free(m->pci);
	m->pci = NULL;
}

int sim_pci_register(struct sim_machine *m, uint16_t bdf, uint16_t vendor,
		     uint16_t device, uint32_t class_rev, uint32_t bar_size,
		     const struct sim_mmio_ops *ops, void *opaque,
		     struct sim_pci_dev **out)
{
	struct sim_pci *pci = m->pci;
	struct sim_pci_dev *d;

	if (!pci)
		return -ENODEV;
	if ((bdf >> 8) >= SIM_PCI_BUSES)
		return -EINVAL; /* only the first buses are modelled */
	if (bar_size && (bar_size < 4096 || (bar_size & (bar_size - 1))))
		return -EINVAL;
	if (pci->devs[bdf])
		return -EBUSY;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->bdf = bdf;
	d->bar_size = bar_size;
	d->ops = ops;
	d->opaque = opaque;
	sim_put16(d->cfg + 0x00, vendor);
	sim_put16(d->cfg + 0x02, device);
	sim_put32(d->cfg + 0x08, class_rev);
	d->cfg[0x0e] = 0; /* header type 0, single function */
	sim_put16(d->cfg + 0x2c, vendor); /* subsystem vendor / id */
	sim_put16(d->cfg + 0x2e, 0x1100);
	/* COMMAND: I/O, memory, bus master, parity, SERR, INTx disable. */
	sim_put16(d->wmask + PCI_COMMAND, 0x0547);
	d->wmask[0x3c] = 0xff; /* interrupt line */
	if (bar_size) {
		uint64_t base = (pci->next_bar + bar_size - 1) & ~(uint64_t)(bar_size - 1);

		sim_put32(d->wmask + PCI_BAR0, ~(bar_size - 1));
		/* Assigned the way firmware would, memory decoding on. */
		sim_put32(d->cfg + PCI_BAR0, (uint32_t)base);
		pci->next_bar = base + bar_size;
		sim_put16(d->cfg + PCI_COMMAND, PCI_CMD_MEM);
		d->cfg[0x3d] = 1; /* INTA */
	}
	pci->devs[bdf] = d;
	if (out)
		*out = d;
	return 0;
}

void sim_pci_cfg_set32(struct sim_pci_dev *d, unsigned off, uint32_t val)
{
	if (off <= PCI_CFG_SIZE - 4)
		sim_put32(d->cfg + off, val);
}

void sim_pci_add_cap(struct sim_pci_dev *d, uint8_t off)
{
	d->cfg[0x06] |= 0x10; /* Status: capabilities list */
	d->cfg[0x34] = off;
}

int sim_pci_add_bridge(struct sim_machine *m, uint16_t bdf, uint8_t secondary)
{
	struct sim_pci_dev *d;
	int rc;

	if (secondary <= (bdf >> 8) || secondary >= SIM_PCI_BUSES)
		return -EINVAL;
	/* Intel's 82801 PCIe-to-PCI bridge, as QEMU's pcie-pci-bridge models it */
	if ((rc = sim_pci_register(m, bdf, 0x1b36, 0x000e, 0x06040000, 0, NULL, NULL, &d)))
		return rc;
	d->cfg[0x0e] = 1;                 /* header type 1 */
	d->cfg[0x18] = (uint8_t)(bdf >> 8); /* primary, secondary, subordinate bus */
	d->cfg[0x19] = secondary;
	d->cfg[0x1a] = secondary;
	d->cfg[0x06] |= 0x10;             /* STATUS.Capabilities List */
	d->cfg[0x34] = 0x40;
	d->cfg[0x40] = 0x10;              /* PCI Express capability, last in the list */
	d->cfg[0x41] = 0;
	sim_put16(d->cfg + 0x42, 0x0072);     /* version 2, device/port type 7: PCIe to PCI/PCI-X bridge */
	sim_put16(d->wmask + PCI_COMMAND, 0x0547);
	return 0;
}

int sim_pci_add_switch_port(struct sim_machine *m, uint16_t bdf, bool upstream, uint8_t secondary,
			    uint8_t subordinate, bool acs)
{
	struct sim_pci_dev *d;
	int rc;

	if (secondary <= (bdf >> 8) || subordinate < secondary || subordinate >= SIM_PCI_BUSES)
		return -EINVAL;
	/* TI's XIO3130 switch ports, as QEMU's x3130-upstream and xio3130-downstream */
	if ((rc = sim_pci_register(m, bdf, 0x104c, upstream ? 0x8232 : 0x8233, 0x06040000, 0, NULL, NULL, &d)))
		return rc;
	d->cfg[0x0e] = 1;                   /* header type 1 */
	d->cfg[0x18] = (uint8_t)(bdf >> 8); /* primary, secondary, subordinate bus */
	d->cfg[0x19] = secondary;
	d->cfg[0x1a] = subordinate;
	sim_pci_add_cap(d, 0x40);
	d->cfg[0x40] = 0x10;                /* PCI Express capability, last in the list */
	sim_put16(d->cfg + 0x42, upstream ? 0x0052 : 0x0062); /* version 2, type 5 upstream / 6 downstream port */
	if (!upstream && acs) {
		/* ACS extended capability (ID 0x000d), version 1, last: Source
		 * Validation, Translation Blocking, P2P Request and Completion
		 * Redirect, Upstream Forwarding implemented and enabled */
		sim_put32(d->cfg + 0x100, 0x000d | 1u << 16);
		sim_put16(d->cfg + 0x104, 0x001f);
		sim_put16(d->cfg + 0x106, 0x001d);
		sim_put16(d->wmask + 0x106, 0x007f);
	}
	return 0;
}

int sim_pci_add_ats(struct sim_pci_dev *d, bool enabled)
{
	/* the first extended capability: ATS (ID 0x000f), version 1, last */
	sim_put32(d->cfg + 0x100, 0x0000f | 1u << 16);
	sim_put16(d->cfg + 0x104, 0x0020);      /* ATS Capability: page aligned requests */
	sim_put16(d->cfg + 0x106, enabled ? 0x8000 : 0); /* ATS Control: Enable, STU 0 */
	sim_put16(d->wmask + 0x106, 0x801f);
	return 0;
}

int sim_pci_bar_size(struct sim_machine *m, uint16_t bdf, unsigned bar, uint64_t *size)
{
	struct sim_pci_dev *d = m->pci && (bdf >> 8) < SIM_PCI_BUSES ? m->pci->devs[bdf] : NULL;

	if (!d || bar != 0 || !d->bar_size)
		return -ENOENT; /* BAR0 is the only one modelled */
	*size = d->bar_size;
	return 0;
}

bool sim_pci_bus_master(const struct sim_pci_dev *d)
{
	return d->cfg[PCI_COMMAND] & PCI_CMD_BME;
}

bool sim_pci_any_bus_master(const struct sim_machine *m)
{
	for (unsigned i = 0; m->pci && i < SIM_PCI_BUSES * 256; i++)
		if (m->pci->devs[i] && sim_pci_bus_master(m->pci->devs[i]))
			return true;
	return false;
}

uint16_t sim_pci_bdf(const struct sim_pci_dev *d)
{
	return d->bdf;
}

static struct sim_pci_dev *lookup(struct sim_machine *m, uint16_t bdf)
{
	if (!m->pci || (bdf >> 8) >= SIM_PCI_BUSES)
		return NULL;
	return m->pci->devs[bdf];
}

int sim_pci_cfg_read(struct sim_machine *m, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	struct sim_pci_dev *d = lookup(m, bdf);
	uint32_t v = 0;

	if (size != 1 && size != 2 && size != 4) {
		*val = ~0u;
		return -EINVAL;
	}
	if (off + size > PCI_CFG_SIZE || (off & (size - 1))) {
		*val = ~0u;
		return -EINVAL;
	}
	if (!m->pci)
		return *val = ~0u, -ENODEV;
	if (!d) {
		/* No function: the master abort reads all ones. */
		*val = size == 4 ? ~0u : (1u << (8 * size)) - 1;
		return 0;
	}
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)d->cfg[off + i] << (8 * i);
	*val = v;
	return 0;
}

int sim_pci_cfg_write(struct sim_machine *m, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	struct sim_pci_dev *d = lookup(m, bdf);

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	if (off + size > PCI_CFG_SIZE || (off & (size - 1)))
		return -EINVAL;
	if (!m->pci)
		return -ENODEV;
	if (!d)
		return 0; /* dropped, as on a real bus */
	for (unsigned i = 0; i < size; i++) {
		uint8_t mask = d->wmask[off + i], b = val >> (8 * i);

		d->cfg[off + i] = (d->cfg[off + i] & ~mask) | (b & mask);
	}
	m->pci->last_bar = NULL;
	return 0;
}

static bool bar_hit(const struct sim_pci_dev *d, uint64_t addr)
{
	uint64_t base;

	if (!d || !d->bar_size || !(d->cfg[PCI_COMMAND] & PCI_CMD_MEM))
		return false;
	base = get32(d->cfg + PCI_BAR0) & ~(uint32_t)0xf;
	return addr - base < d->bar_size;
}

int sim_pci_bar_access(struct sim_machine *m, uint64_t addr, unsigned size,
		       uint64_t *val, bool write)
{
	struct sim_pci *pci = m->pci;
	struct sim_pci_dev *d = NULL;
	uint64_t off;

	if (!pci)
		return -EFAULT;
	if (bar_hit(pci->last_bar, addr)) {
		d = pci->last_bar;
	} else {
		for (unsigned i = 0; i < SIM_PCI_BUSES * 256; i++) {
			if (bar_hit(pci->devs[i], addr)) {
				d = pci->devs[i];
				break;
			}
		}
	}
	if (!d || !d->ops)
		return -EFAULT;
	pci->last_bar = d;
	off = addr - (get32(d->cfg + PCI_BAR0) & ~(uint32_t)0xf);
	if (off + size > d->bar_size)
		return -EFAULT;
	if (write)
		return d->ops->write(d->opaque, off, size, *val);
	return d->ops->read(d->opaque, off, size, val);
}

int sim_pci_pio(struct sim_machine *m, uint16_t port, unsigned size,
		uint32_t *val, bool write)
{
	struct sim_pci *pci = m->pci;
	uint32_t a;

	if (!pci)
		return -ENODEV;
	if (port == 0xcf8 && size == 4) {
		if (write)
			pci->cf8 = *val & 0x80fffffc;
		else
			*val = pci->cf8;
		return 0;
	}
	if (port >= 0xcfc && port + size <= 0xd00 &&
	    (size == 1 || size == 2 || size == 4) && !(port & (size - 1))) {
		a = pci->cf8;
		if (!(a & 0x80000000u)) {
			if (!write)
				*val = size == 4 ? ~0u : (1u << (8 * size)) - 1;
			return 0;
		}
		/* bus 23:16, device 15:11, function 10:8, register 7:2 */
		if (write)
			return sim_pci_cfg_write(m, (a >> 8) & 0xffff, (a & 0xfc) + (port & 3), size, *val);
		return sim_pci_cfg_read(m, (a >> 8) & 0xffff, (a & 0xfc) + (port & 3), size, val);
	}
	if (!write)
		*val = size == 4 ? ~0u : (1u << (8 * size)) - 1;
	return -ENODEV;
}
