/* SPDX-License-Identifier: MIT */
/*
 * Living beside a running kernel (--target linux): which units the kernel
 * drives (those are inspected, never owned), what it still does with the
 * others (VT-d interrupt remapping and queued invalidation, which the VT-d
 * driver leaves on), which devices
 * have a driver and bus mastering on when smmush would take their unit, and
 * their drivers and IOMMU groups for `devices`.  On targets without a
 * kernel (sim, qemu) the backend has none of these ops and nothing here
 * changes what the library does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/arch.h"
#include "lib/domain.h"
#include "lib/target.h"

#define PCI_COMMAND 0x04
#define PCI_COMMAND_MASTER 0x4

/* register windows: SMMUv3 page 0 and page 1; AMD-Vi 16 KiB (the
 * pointers and Status at 0x2000); VT-d one page */
static uint64_t unit_window(const struct smmu_unit *u)
{
	return u->arch == SMMU_ARCH_SMMUV3 ? 0x20000 : u->arch == SMMU_ARCH_AMDVI ? 0x4000 : 0x1000;
}

int smmu_kernel_map_units(struct smmu_target *t, char *err, size_t errlen)
{
	int rc;

	if (!t->ops->mmio_map)
		return 0;
	for (size_t i = 0; i < t->nunits; i++) {
		struct smmu_unit *u = &t->units[i];
		char why[256] = "";
		if ((rc = t->ops->mmio_map(t->priv, u->base, unit_window(u), why, sizeof(why)))) {
			snprintf(err, errlen, "%s: %s", u->name, why[0] ? why : smmu_strerror(rc));
			return rc;
		}
	}
	return 0;
}

static int pci_cfg(struct smmu_target *t, uint16_t seg, uint16_t bdf, unsigned off, unsigned size, uint32_t *v)
{
	if (seg && t->ops->pci_read_seg)
		return t->ops->pci_read_seg(t->priv, seg, bdf, off, size, v);
	return seg ? -ENODEV : smmu_pci_read(t, bdf, off, size, v);
}

void smmu_kernel_devices(struct smmu_target *t)
{
	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		int group = -1;
		d->info.iommu_group = -1;
		d->info.driver = NULL;
		if (d->info.bus != SMMU_BUS_PCI || !t->ops->pci_kernel)
			continue;
		if (t->ops->pci_kernel(t->priv, d->info.segment, d->info.bdf, d->driver, sizeof(d->driver), &group))
			continue;
		d->info.iommu_group = group;
		d->info.driver = d->driver[0] ? d->driver : NULL;
	}
}

/* The VT-d global status, through the decoders' description of GSTS. */
static int vtd_gsts(struct smmu_unit *u, bool *tes, bool *ires, bool *qies)
{
	static const struct smmu_desc *gsts;
	uint64_t w[1], v;
	int rc;

	if (!gsts && smmu_decoder_find("vtd.gsts", &gsts, NULL))
		return -ENOENT;
	if ((rc = smmu_mmio_read(u->t, u->base + gsts->offset, 4, &w[0])))
		return rc;
	*tes = !smmu_decode_get(gsts, w, "TES", &v) && v;
	*ires = !smmu_decode_get(gsts, w, "IRES", &v) && v;
	*qies = !smmu_decode_get(gsts, w, "QIES", &v) && v;
	return 0;
}

int smmu_unit_kernel(struct smmu_unit *u, struct smmu_unit_kernel *out)
{
	struct smmu_target *t = u->t;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!t->ops->unit_kernel)
		return 0;
	if ((rc = t->ops->unit_kernel(t->priv, u->base, &u->kunit)))
		return rc;
	u->kunit_known = true;
	out->known = true;
	out->kernel_owned = u->kunit.registered;
	out->claimed = u->kunit.claimed;
	out->claimer = u->kunit.claimed ? u->kunit.claimer : NULL;
	out->iommu = u->kunit.registered ? u->kunit.iommu : NULL;
	if (u->arch == SMMU_ARCH_VTD) {
		if ((rc = vtd_gsts(u, &out->translating, &out->irq_remap, &out->queued_inv)))
			return rc;
	} else {
		struct smmu_unit_status st;
		if ((rc = smmu_unit_status(u, &st)))
			return rc;
		out->translating = st.translating;
	}
	/* translating with a claim is the kernel's doing even when the
	 * registration is not visible (an older kernel, no sysfs) */
	out->kernel_owned |= out->claimed && out->translating;
	return 0;
}

size_t smmu_unit_dma_active(struct smmu_unit *u, struct smmu_device **out, size_t max)
{
	struct smmu_target *t = u->t;
	size_t n = 0;

	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		uint32_t cmd;
		if (d->info.unit != u || d->info.bus != SMMU_BUS_PCI || !d->driver[0] || d->domain)
			continue;
		if (pci_cfg(t, d->info.segment, d->info.bdf, PCI_COMMAND, 2, &cmd) || !(cmd & PCI_COMMAND_MASTER))
			continue;
		if (n < max && out)
			out[n] = d;
		n++;
	}
	return n;
}

int smmu_unit_own_precheck(struct smmu_unit *u, char *err, size_t errlen)
{
	struct smmu_target *t = u->t;
	struct smmu_unit_kernel k;
	char why[320] = "";
	int rc;

	if (u->owned || !t->ops->unit_kernel)
		return 0;
	if (t->ops->own_check && (rc = t->ops->own_check(t->priv, u->base, why, sizeof(why)))) {
		snprintf(err, errlen, "%s: %s", u->name, why[0] ? why : smmu_strerror(rc));
		return rc;
	}
	if ((rc = smmu_unit_kernel(u, &k))) {
		snprintf(err, errlen, "%s: reading its state: %s", u->name, smmu_strerror(rc));
		return rc;
	}
	if (k.kernel_owned) {
		snprintf(err, errlen, "%s: the kernel drives this unit (%s, translation %s): smmush only inspects it",
			 u->name, k.iommu ? k.iommu : k.claimer, k.translating ? "on" : "off");
		return -SMMU_E_KERNEL;
	}
	/* The kernel left DMA remapping alone but may still use the unit for
	 * interrupt remapping, with queued invalidation: the VT-d driver keeps
	 * both on (its own queue while it owns the unit, the kernel's back on
	 * release; arch-vtd.c), so that is no reason to refuse. */
	if (u->own_dma == SMMU_OWN_DMA_REFUSE) {
		struct smmu_device *act[8];
		size_t n = smmu_unit_dma_active(u, act, 8);
		if (n) {
			size_t len = (size_t)snprintf(err, errlen, "%s: %zu device%s behind it may be doing DMA (driver "
							 "bound, bus mastering on):", u->name, n, n == 1 ? "" : "s");
			for (size_t i = 0; i < n && i < 8 && err && len < errlen; i++)
				len += (size_t)snprintf(err + len, errlen - len, " %s (%s)", act[i]->addr, act[i]->driver);
			if (err && len < errlen)
				snprintf(err + len, errlen - len,
					 "%s; their DMA would fault once the unit is owned: choose to abort it, or to "
					 "pass it through (System RAM mapped 1:1 for them)",
					 n > 8 ? " ..." : "");
			return -SMMU_E_DMA_ACTIVE;
		}
	}
	return 0;
}

/* Identity-map System RAM for the devices whose DMA must go on. */
static int passthrough(struct smmu_unit *u, char *err, size_t errlen)
{
	struct smmu_target *t = u->t;
	struct smmu_device *act[SMMU_MAX_DEVICES];
	uint64_t ram[64][2];
	struct smmu_domain *dom;
	char name[32];
	int n, rc;
	size_t nact = smmu_unit_dma_active(u, act, SMMU_MAX_DEVICES);

	if (!nact)
		return 0;
	if (!t->ops->ram_ranges || (n = t->ops->ram_ranges(t->priv, ram, 64)) <= 0) {
		snprintf(err, errlen, "%s: pass-through needs the machine's System RAM ranges, which it does not give",
			 u->name);
		return -ENOTSUP;
	}
	snprintf(name, sizeof(name), "passthrough%u", u->index);
	if (!(dom = smmu_domain_find(t, name)) && (rc = smmu_domain_create(t, name, 0, &dom))) {
		snprintf(err, errlen, "%s: creating domain %s: %s", u->name, name, smmu_strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < nact; i++)
		if ((rc = smmu_device_attach(act[i], dom))) {
			snprintf(err, errlen, "%s: attaching %s to %s: %s", u->name, act[i]->addr, name, smmu_strerror(rc));
			return rc;
		}
	for (int i = 0; i < n; i++) {
		/* whole pages inside each range */
		uint64_t a = (ram[i][0] + 0xfff) & ~0xfffull, e = (ram[i][0] + ram[i][1]) & ~0xfffull;
		if (e > a && (rc = smmu_map(dom, a, a, e - a, SMMU_PROT_R | SMMU_PROT_W)) && rc != -EEXIST) {
			snprintf(err, errlen, "%s: mapping System RAM 0x%llx-0x%llx 1:1: %s", u->name,
				 (unsigned long long)a, (unsigned long long)e - 1, smmu_strerror(rc));
			return rc;
		}
	}
	return 0;
}

/* The table mode own is asked for, checked before anything is written: the
 * unit must have it, and what the library keeps to reinstall must fit it. */
static int own_mode(struct smmu_unit *u, bool scalable, char *err, size_t errlen)
{
	int rc;

	if (scalable && u->arch != SMMU_ARCH_VTD) {
		snprintf(err, errlen, "%s: scalable-mode tables are VT-d's, not %s's", u->name, smmu_arch_name(u->arch));
		return -EOPNOTSUPP;
	}
	if (u->arch != SMMU_ARCH_VTD)
		return 0;
	if ((rc = smmu_unit_bind(u))) {
		snprintf(err, errlen, "%s: %s", u->name, smmu_strerror(rc));
		return rc;
	}
	if (scalable)
		return smmu_arch_vtd_can_scalable(u, err, errlen);
	for (size_t i = 0; i < u->t->ndevices; i++) {
		struct smmu_device *d = &u->t->devices[i];
		bool fl = d->domain && (d->domain->geom.stage == SMMU_STAGE_1 || d->domain->geom.stage == SMMU_STAGE_NESTED);
		if (d->info.unit == u && (d->npasids || fl)) {
			snprintf(err, errlen, "%s: %s has %s, which legacy tables cannot hold: own --scalable, or detach it first",
				 u->name, d->addr, d->npasids ? "PASID attachments" : "a first-level domain");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

int smmu_unit_own_opts(struct smmu_unit *u, const struct smmu_own_opts *o, char *err, size_t errlen)
{
	enum smmu_own_dma dma = o ? o->dma : SMMU_OWN_DMA_REFUSE;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (u->owned)
		return 0;
	if ((rc = own_mode(u, o && o->scalable, err, errlen)))
		return rc;
	u->own_dma = (int)dma;
	if ((rc = smmu_unit_own_precheck(u, err, errlen))) {
		u->own_dma = SMMU_OWN_DMA_REFUSE;
		return rc;
	}
	u->own_scalable = o && o->scalable;
	rc = smmu_unit_own(u);
	u->own_dma = SMMU_OWN_DMA_REFUSE;
	u->own_scalable = false;
	if (rc) {
		snprintf(err, errlen, "%s: %s", u->name, smmu_strerror(rc));
		return rc;
	}
	if (dma == SMMU_OWN_DMA_PASSTHROUGH && (rc = passthrough(u, err, errlen))) {
		smmu_unit_release(u); /* all or nothing: the devices' DMA must not be cut off half-way */
		return rc;
	}
	return 0;
}
