/* SPDX-License-Identifier: MIT */
/*
 * PCI enumeration through the backend's configuration access, following
 * bridges from bus 0 (a full 256-bus sweep costs seconds over qtest), with
 * names from pci.ids through libpci (looked up when first asked for: parsing
 * pci.ids costs more than the rest of a short smmush run); built
 * --without-libpci, pci-ids.c reads pci.ids itself.
 */
#include "config.h"

#include <errno.h>
#if HAVE_LIBPCI
#include <pci/pci.h>
#endif
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/target.h"

#define PCI_VENDOR 0x00
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a

/* The edu-compatible DMA test device (QEMU's edu, and sim's). */
#define TESTDEV_VENDOR 0x1234
#define TESTDEV_DEVICE 0x11e8

#if HAVE_LIBPCI
/* libpci warns on stderr when pci.ids is missing; a library must not print. */
static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

void smmu_pci_name(char *buf, size_t len, uint16_t vendor, uint16_t device)
{
	static struct pci_access *pacc;
	char tmp[256];

	if (vendor == TESTDEV_VENDOR && device == TESTDEV_DEVICE) {
		/* pci.ids has no entry for QEMU's educational device */
		snprintf(buf, len, "QEMU edu DMA test device");
		return;
	}
	if (!pacc) {
		pacc = pci_alloc();
		if (!pacc) {
			snprintf(buf, len, "Device %04x:%04x", vendor, device);
			return;
		}
		pacc->warning = pci_quiet;
		/* without pci_init() the debug hook is NULL, and libpci calls it
		 * for an ID pci.ids does not have (QEMU's amd-iommu, 1022:0020) */
		pacc->debug = pci_quiet;
	}
	const char *n = pci_lookup_name(pacc, tmp, sizeof(tmp), PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
					vendor, device);
	snprintf(buf, len, "%s", n ? n : "unknown device");
}
#endif

static int rd(struct smmu_target *t, uint16_t seg, uint16_t bdf, unsigned off, unsigned size, uint32_t *v)
{
	if (seg)
		return t->ops->pci_read_seg ? t->ops->pci_read_seg(t->priv, seg, bdf, off, size, v) : -ENODEV;
	return smmu_pci_read(t, bdf, off, size, v);
}

static int scan_bus(struct smmu_target *t, uint16_t seg, unsigned bus, unsigned depth, char *err,
		    size_t errlen)
{
	if (depth > 32) { /* a bridge loop in configuration space */
		snprintf(err, errlen, "PCI: bridges nest deeper than 32 (a loop?)");
		return -ELOOP;
	}
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			uint16_t bdf = bus << 8 | dev << 3 | fn;
			uint32_t id, cls, hdr;
			int rc = rd(t, seg, bdf, PCI_VENDOR, 4, &id);
			if (rc == -ENODEV && !bus && !dev && !fn)
				return 0; /* no PCI configuration access at all (firmware files) */
			if (rc) {
				snprintf(err, errlen, "PCI: reading %02x:%02x.%x: %s", bus, dev, fn,
					 smmu_strerror(rc));
				return rc;
			}
			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			if ((rc = rd(t, seg, bdf, PCI_CLASS_REV, 4, &cls)) ||
			    (rc = rd(t, seg, bdf, PCI_HEADER_TYPE, 1, &hdr))) {
				snprintf(err, errlen, "PCI: reading %02x:%02x.%x: %s", bus, dev, fn,
					 smmu_strerror(rc));
				return rc;
			}
			struct smmu_device *d = smmu_device_new(t);
			if (!d) {
				snprintf(err, errlen, "PCI: more than %d devices", SMMU_MAX_DEVICES);
				return -ENOSPC;
			}
			d->info.bus = SMMU_BUS_PCI;
			d->info.bdf = bdf;
			d->info.segment = seg;
			d->info.vendor = id & 0xffff;
			d->info.device = id >> 16;
			d->info.class_rev = cls;
			if (d->info.vendor == TESTDEV_VENDOR && d->info.device == TESTDEV_DEVICE)
				d->info.caps |= SMMU_DEV_DMA;
			if (seg)
				snprintf(d->addr, sizeof(d->addr), "%04x:%02x:%02x.%x", seg, bus, dev, fn);
			else
				snprintf(d->addr, sizeof(d->addr), "%02x:%02x.%x", bus, dev, fn);
			if ((hdr & 0x7f) == 1) { /* a bridge: follow its secondary bus */
				uint32_t sec;
				if ((rc = rd(t, seg, bdf, PCI_SECONDARY_BUS, 1, &sec)))
					return rc;
				if (sec > bus && (rc = scan_bus(t, seg, sec, depth + 1, err, errlen)))
					return rc;
			}
			if (fn == 0 && !(hdr & 0x80))
				break; /* single-function device */
		}
	}
	return 0;
}

int smmu_pci_scan(struct smmu_target *t, char *err, size_t errlen)
{
	uint16_t segs[64] = { 0 };
	int n = 1, rc;

	/* every segment the machine has (live targets); segment 0 elsewhere */
	if (t->ops->pci_segments && (n = t->ops->pci_segments(t->priv, segs, 64)) < 0)
		return n;
	for (int i = 0; i < n; i++)
		if ((rc = scan_bus(t, segs[i], 0, 0, err, errlen)))
			return rc;
	return 0;
}
