/* SPDX-License-Identifier: MIT */
/*
 * DMA test devices, register-compatible with QEMU's edu (see sim.h), plus
 * the extensions sim.h lists.  A DMA runs to completion inside the command
 * register write; each access goes through the machine's IOMMU unit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

#define EDU_ID        0x010000edu
#define EDU_LIVENESS  0x04
#define EDU_FACT      0x08
#define EDU_STATUS    0x20
#define EDU_IRQ_STAT  0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK   0x64
#define EDU_IRQ_DMA   0x100

struct sim_testdev {
	struct sim_machine *m;
	struct sim_pci_dev *pci;  /* NULL for the platform device */
	uint32_t sid;
	uint32_t sids[4];         /* several StreamIDs (nsids > 1): SIM_TESTDEV_SID_SEL picks */
	unsigned nsids, sid_sel;
	uint32_t liveness, fact, status, irq_status;
	uint64_t src, dst, count, cmd;
	uint32_t ssid;            /* SIM_TESTDEV_SSID */
	bool untranslated;        /* no IOMMU in front of it */
	uint32_t dma_status;      /* SIM_TESTDEV_STATUS */
	uint32_t access;          /* SIM_TESTDEV_ACCESS */
	uint64_t storm;
	uint8_t buf[SIM_TESTDEV_BUF_SIZE];
};

int sim_dma(struct sim_machine *m, const struct sim_txn *t, void *buf, size_t len)
{
	struct sim_iommu *u = m->iommu;
	struct sim_txn c = *t;
	uint8_t *p = buf;
	int ret = 0;

	while (len) {
		size_t n = SIM_PAGE_SIZE - (c.iova & (SIM_PAGE_SIZE - 1));
		uint64_t pa = c.iova;
		int rc = 0;

		if (n > len)
			n = len;
		m->now_ns += SIM_NS_PER_ACCESS;
		if (u && !c.untranslated)
			rc = u->translate(u, &c, &pa);
		if (rc == 0) {
			if (c.access & SIM_ACC_WRITE)
				rc = sim_dma_write(m, pa, p, n);
			else
				rc = sim_mem_read(m, pa, p, n);
		}
		if (rc) {
			/* The access is dropped: a read completes with zeros. */
			if (!(c.access & SIM_ACC_WRITE))
				memset(p, 0, n);
			ret = -EFAULT;
		}
		p += n;
		c.iova += n;
		len -= n;
	}
	return ret;
}

static bool may_master(const struct sim_testdev *d)
{
	return !d->pci || sim_pci_bus_master(d->pci);
}

static void fill_txn(const struct sim_testdev *d, struct sim_txn *t, uint64_t iova, bool write)
{
	memset(t, 0, sizeof(*t));
	t->sid = d->nsids > 1 ? d->sids[d->sid_sel] : d->sid;
	t->ssv = d->ssid & SIM_TESTDEV_SSID_VALID;
	t->ssid = t->ssv ? d->ssid & 0xfffff : 0;
	t->iova = iova;
	t->untranslated = d->untranslated;
	t->access = write ? SIM_ACC_WRITE : SIM_ACC_READ;
	if (d->access & 1)
		t->access |= SIM_ACC_PRIV;
	if ((d->access & 2) && !write)
		t->access |= SIM_ACC_EXEC;
}

static void run_dma(struct sim_testdev *d)
{
	bool to_ram = d->cmd & SIM_TESTDEV_CMD_TO_RAM;
	uint64_t boff = (to_ram ? d->src : d->dst) - SIM_TESTDEV_BUF;
	uint64_t ram = to_ram ? d->dst : d->src;
	struct sim_txn t;

	d->dma_status = 0;
	if (!may_master(d) || boff > SIM_TESTDEV_BUF_SIZE ||
	    d->count > SIM_TESTDEV_BUF_SIZE - boff) {
		/* No bus master, or the transfer leaves the buffer: nothing moves. */
		d->dma_status = SIM_TESTDEV_ST_DONE | SIM_TESTDEV_ST_FAULT;
	} else {
		fill_txn(d, &t, ram, to_ram);
		if (d->count && sim_dma(d->m, &t, d->buf + boff, d->count))
			d->dma_status |= SIM_TESTDEV_ST_FAULT;
		d->dma_status |= SIM_TESTDEV_ST_DONE;
	}
	d->cmd &= ~(uint64_t)SIM_TESTDEV_CMD_RUN;
	if (d->cmd & SIM_TESTDEV_CMD_IRQ)
		d->irq_status |= EDU_IRQ_DMA;
}

static void run_storm(struct sim_testdev *d, uint64_t n)
{
	struct sim_txn t;
	uint8_t b;

	d->dma_status = 0;
	if (!may_master(d)) {
		d->dma_status = SIM_TESTDEV_ST_DONE | SIM_TESTDEV_ST_FAULT;
		return;
	}
	fill_txn(d, &t, d->src, false);
	for (uint64_t i = 0; i < n; i++)
		if (sim_dma(d->m, &t, &b, 1))
			d->dma_status |= SIM_TESTDEV_ST_FAULT;
	d->dma_status |= SIM_TESTDEV_ST_DONE;
}

static int td_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct sim_testdev *d = opaque;
	uint64_t v = 0;

	/* Extension: the buffer itself is readable (edu's is not). */
	if (off >= SIM_TESTDEV_BUF && off + size <= SIM_TESTDEV_BUF + SIM_TESTDEV_BUF_SIZE) {
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)d->buf[off - SIM_TESTDEV_BUF + i] << (8 * i);
		*val = v;
		return 0;
	}
	switch (off & ~7ULL) {
	case 0x80: v = d->src; break;
	case 0x88: v = d->dst; break;
	case 0x90: v = d->count; break;
	case 0x98: v = d->cmd; break;
	case SIM_TESTDEV_SSID: v = d->ssid; break;
	case SIM_TESTDEV_STATUS: v = d->dma_status; break;
	case SIM_TESTDEV_STORM: v = d->storm; break;
	case SIM_TESTDEV_ACCESS: v = d->access; break;
	case SIM_TESTDEV_EXT_ID: v = SIM_TESTDEV_EXT_MAGIC; break;
	case SIM_TESTDEV_SID_SEL: v = d->sid_sel; break;
	default:
		switch (off) {
		case SIM_TESTDEV_ID: v = EDU_ID; break;
		case EDU_LIVENESS: v = ~d->liveness; break;
		case EDU_FACT: v = d->fact; break;
		case EDU_STATUS: v = d->status; break;
		case EDU_IRQ_STAT: v = d->irq_status; break;
		default: v = ~0ULL; break;
		}
		*val = size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
		return 0;
	}
	if (off & 4)
		v >>= 32;
	*val = size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
	return 0;
}

/* A 32-bit write at the low half replaces the register (as edu does); one at
 * the high half sets bits 63:32. */
static void set64(uint64_t *reg, uint64_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		*reg = val;
	else if (off & 4)
		*reg = (*reg & 0xffffffffULL) | (uint64_t)(uint32_t)val << 32;
	else
		*reg = (uint32_t)val;
}

static int td_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct sim_testdev *d = opaque;

	if (off >= SIM_TESTDEV_BUF && off + size <= SIM_TESTDEV_BUF + SIM_TESTDEV_BUF_SIZE) {
		for (unsigned i = 0; i < size; i++)
			d->buf[off - SIM_TESTDEV_BUF + i] = val >> (8 * i);
		return 0;
	}
	switch (off & ~7ULL) {
	case 0x80: set64(&d->src, off, size, val); return 0;
	case 0x88: set64(&d->dst, off, size, val); return 0;
	case 0x90: set64(&d->count, off, size, val); return 0;
	case 0x98:
		if (off & 4)
			return 0;
		d->cmd = (uint32_t)val;
		if (d->cmd & SIM_TESTDEV_CMD_RUN)
			run_dma(d);
		return 0;
	case SIM_TESTDEV_SSID:
		if (!(off & 4))
			d->ssid = (uint32_t)val & (SIM_TESTDEV_SSID_VALID | 0xfffff);
		return 0;
	case SIM_TESTDEV_STATUS:
		if (!(off & 4))
			d->dma_status &= ~(uint32_t)val; /* write 1 to clear */
		return 0;
	case SIM_TESTDEV_STORM:
		if (!(off & 4)) {
			d->storm = size == 8 ? val : (uint32_t)val;
			run_storm(d, d->storm);
		}
		return 0;
	case SIM_TESTDEV_ACCESS:
		if (!(off & 4))
			d->access = (uint32_t)val & 3;
		return 0;
	case SIM_TESTDEV_SID_SEL:
		if (!(off & 4) && (uint32_t)val < (d->nsids ? d->nsids : 1))
			d->sid_sel = (uint32_t)val;
		return 0;
	}
	switch (off) {
	case EDU_LIVENESS: d->liveness = (uint32_t)val; break;
	case EDU_FACT: {
		/* edu computes the factorial; so do we, at once. */
		uint32_t n = (uint32_t)val, f = 1;

		while (n > 1)
			f *= n--;
		d->fact = f;
		if (d->status & 0x80)
			d->irq_status |= 0x1;
		break;
	}
	case EDU_STATUS: d->status = (uint32_t)val & 0x80; break;
	case EDU_IRQ_RAISE: d->irq_status |= (uint32_t)val; break;
	case EDU_IRQ_ACK: d->irq_status &= ~(uint32_t)val; break;
	default: break; /* writes to nothing are ignored */
	}
	return 0;
}

static const struct sim_mmio_ops td_ops = { td_read, td_write };

static struct sim_testdev *td_new(struct sim_machine *m, uint32_t sid)
{
	struct sim_testdev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->m = m;
	d->sid = sid;
	if (sim_machine_on_destroy(m, free, d)) {
		free(d);
		return NULL;
	}
	return d;
}

int sim_testdev_create_pci(struct sim_machine *m, uint16_t bdf, uint32_t sid,
			   struct sim_testdev **out)
{
	struct sim_testdev *d = td_new(m, sid);

	if (!d)
		return -ENOMEM;
	if (out)
		*out = d;
	int rc = sim_pci_register(m, bdf, 0x1234, 0x11e8, 0x00ff0010,
				  SIM_TESTDEV_BAR_SIZE, &td_ops, d, &d->pci);
	if (!rc && m->p.ats)
		rc = sim_pci_add_ats(d->pci, true);
	return rc;
}

int sim_testdev_create_platform(struct sim_machine *m, uint64_t base, uint32_t sid,
				struct sim_testdev **out)
{
	struct sim_testdev *d = td_new(m, sid);

	if (!d)
		return -ENOMEM;
	if (out)
		*out = d;
	return sim_mmio_map(m, base, SIM_TESTDEV_BAR_SIZE, &td_ops, d);
}

int sim_testdev_create_untranslated(struct sim_machine *m, uint64_t base)
{
	struct sim_testdev *d;
	int rc = sim_testdev_create_platform(m, base, 0, &d);

	if (!rc)
		d->untranslated = true;
	return rc;
}

int sim_testdev_set_sids(struct sim_testdev *d, const uint32_t *sids, unsigned n)
{
	if (!n || n > sizeof(d->sids) / sizeof(d->sids[0]))
		return -EINVAL;
	memcpy(d->sids, sids, n * sizeof(*sids));
	d->nsids = n;
	d->sid = sids[0];
	d->sid_sel = 0;
	return 0;
}

int sim_pci_add_testdevs(struct sim_machine *m, unsigned n)
{
	if (n > 31)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		uint8_t devfn = (uint8_t)((i + 1) << 3);
		int rc = sim_testdev_create_pci(m, devfn, devfn, NULL);

		if (rc)
			return rc;
	}
	return 0;
}

int sim_pci_add_switched_testdevs(struct sim_machine *m, unsigned n, bool acs)
{
	int rc;

	if (!n)
		return 0;
	if (n > 4 || m->p.ndevs >= SIM_SWITCH_DEVFN >> 3)
		return -EINVAL;
	if ((rc = sim_pci_add_switch_port(m, SIM_SWITCH_DEVFN, true, SIM_SWITCH_BUS, (uint8_t)(SIM_SWITCH_BUS + n), false)))
		return rc;
	for (unsigned i = 0; i < n; i++) {
		uint8_t bus = (uint8_t)(SIM_SWITCH_BUS + 1 + i);
		uint16_t bdf = (uint16_t)(bus << 8);
		if ((rc = sim_pci_add_switch_port(m, (uint16_t)(SIM_SWITCH_BUS << 8 | i << 3), false, bus, bus, acs)) ||
		    (rc = sim_testdev_create_pci(m, bdf, bdf, NULL)))
			return rc;
	}
	return 0;
}

int sim_pci_add_bridged_testdevs(struct sim_machine *m, unsigned n)
{
	int rc;

	if (!n)
		return 0;
	if (n > 8 || m->p.ndevs >= SIM_BRIDGE_DEVFN >> 3)
		return -EINVAL;
	if ((rc = sim_pci_add_bridge(m, SIM_BRIDGE_DEVFN, SIM_BRIDGE_BUS)))
		return rc;
	for (unsigned i = 0; i < n; i++) {
		/* every one of them presents the bridge's requester ID */
		rc = sim_testdev_create_pci(m, (uint16_t)(SIM_BRIDGE_BUS << 8 | i << 3), SIM_BRIDGE_BUS << 8, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

int sim_pci_add_param_testdevs(struct sim_machine *m)
{
	int rc;

	if ((rc = sim_pci_add_testdevs(m, m->p.ndevs)) || (rc = sim_pci_add_bridged_testdevs(m, m->p.bridge_devs)))
		return rc;
	return sim_pci_add_switched_testdevs(m, m->p.switch_devs, m->p.switch_acs);
}
