/* SPDX-License-Identifier: MIT */
/*
 * Reserved regions: memory firmware says a device keeps doing DMA to while
 * an OS takes the IOMMU over (VT-d RMRRs, Arm IORT RMR nodes, AMD IVMDs).  Discovery
 * (discover-acpi.c) records them; attach maps a device's regions IOVA = PA
 * into its domain before the device is switched to the domain's tables, so
 * its DMA never sees a window without them; detach unmaps a region once no
 * device of the domain needs it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decoders/acpi.h"
#include "lib/domain.h"
#include "lib/target.h"

int smmu_resv_add(struct smmu_target *t, const struct smmu_resv *r)
{
	if (t->nresv == SMMU_MAX_RESV)
		return -ENOSPC;
	t->resv[t->nresv++] = *r;
	return 0;
}

/* Whether firmware names d's requests in r: an RMRR by requester ID, an
 * IVMD by DeviceID (the requester ID too), an IORT RMR by one of its
 * StreamIDs on its SMMU. */
bool smmu_resv_device_has(const struct smmu_resv *r, const struct smmu_device *d)
{
	if (r->pci)
		return d->info.bus == SMMU_BUS_PCI && d->info.segment == r->segment && d->info.bdf >= r->first &&
		       d->info.bdf <= r->last;
	if (!d->info.unit || d->info.unit->base != r->unit_base)
		return false;
	for (unsigned k = 0; k < d->info.nsids; k++)
		if (d->info.sids[k] >= r->first && d->info.sids[k] <= r->last)
			return true;
	return !d->info.nsids && d->info.sid >= r->first && d->info.sid <= r->last;
}

/* The domain's record that covers [base, base + size), or NULL. */
static struct smmu_dom_resv *dom_resv_covering(const struct smmu_domain *dom, uint64_t base, uint64_t size)
{
	for (unsigned i = 0; i < dom->nresv; i++) {
		const struct smmu_dom_resv *m = &dom->resv[i];
		if (base >= m->base && base + size <= m->base + m->size)
			return (struct smmu_dom_resv *)m;
	}
	return NULL;
}

static const char *iort_rmr_attrs(uint32_t flags)
{
	static const char *const names[] = { "Device-nGnRnE", "Device-nGnRE", "Device-nGRE", "Device-GRE",
					     "Normal Non-cacheable", "Normal Inner/Outer Write-back" };
	unsigned a = SMMU_ACPI_IORT_RMR_ACCESS_ATTR(flags);
	return a < sizeof(names) / sizeof(names[0]) ? names[a] : "reserved value";
}

static void fill(struct smmu_target *t, const struct smmu_resv *r, struct smmu_reserved_region *o)
{
	*o = (struct smmu_reserved_region){ .source = r->source, .fw_offset = r->fw_offset, .base = r->base,
					    .size = r->size, .prot = r->prot, .rmr_flags = r->rmr_flags,
					    .segment = r->segment, .pci = r->pci };
	if (r->pci) {
		o->rid_first = r->first;
		o->rid_last = r->last;
	} else {
		o->remap_permitted = r->rmr_flags & SMMU_ACPI_IORT_RMR_REMAP_PERMITTED;
		o->attrs = iort_rmr_attrs(r->rmr_flags);
		o->unit = smmu_unit_by_base(t, r->unit_base);
		o->sid_first = r->first;
		o->sid_last = r->last;
	}
}

/* Mapped by attach in d's domain now. */
static bool mapped_for(const struct smmu_device *d, const struct smmu_resv *r)
{
	return d->domain && d->resv_mapped && dom_resv_covering(d->domain, r->base, r->size);
}

size_t smmu_reserved_count(const struct smmu_target *t)
{
	return t->nresv;
}

int smmu_reserved_get(struct smmu_target *t, size_t i, struct smmu_reserved_region *out)
{
	if (i >= t->nresv)
		return -ENOENT;
	fill(t, &t->resv[i], out);
	for (size_t k = 0; k < t->ndevices; k++)
		if (smmu_resv_device_has(&t->resv[i], &t->devices[k])) {
			out->dev = &t->devices[k];
			out->mapped = mapped_for(out->dev, &t->resv[i]);
			break;
		}
	return 0;
}

size_t smmu_device_reserved(const struct smmu_device *d, struct smmu_reserved_region *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < d->t->nresv; i++) {
		const struct smmu_resv *r = &d->t->resv[i];
		if (!smmu_resv_device_has(r, d))
			continue;
		if (n < max) {
			fill(d->t, r, &out[n]);
			out[n].dev = (struct smmu_device *)d;
			out[n].mapped = mapped_for(d, r);
			out[n].refused = d->resv_refused == i + 1;
		}
		n++;
	}
	return n;
}

const char *smmu_reserved_words(const struct smmu_reserved_region *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s 0x%" PRIx64 "-0x%" PRIx64 " (%s offset 0x%x)", r->source, r->base,
		 r->base + r->size - 1, !strncmp(r->source, "IVMD", 4) ? "IVRS" : r->pci ? "DMAR" : "IORT",
		 r->fw_offset);
	return buf;
}

int smmu_domain_reserved_at(const struct smmu_domain *dom, uint64_t iova, uint64_t size,
			    struct smmu_reserved_region *out)
{
	for (unsigned i = 0; i < dom->nresv; i++) {
		const struct smmu_dom_resv *m = &dom->resv[i];
		if (iova + size - 1 < m->base || iova > m->base + m->size - 1)
			continue;
		if (m->resv < dom->t->nresv) {
			fill(dom->t, &dom->t->resv[m->resv], out);
		} else { /* discovery ran again since: the range is what is known */
			memset(out, 0, sizeof(*out));
			out->source = "reserved region";
		}
		out->base = m->base;
		out->size = m->size;
		out->mapped = true;
		return 1;
	}
	return 0;
}

/* Map one region identity; what the format cannot express (privileged-only
 * at stage 2 / VT-d second level) is left out, as firmware's attributes are
 * a description of the device, not a demand on the format. */
static int map_identity(struct smmu_domain *dom, uint64_t base, uint64_t size, unsigned prot)
{
	int rc = smmu_pgt_map(dom->pgt, base, base, size, prot);

	if (rc == -SMMU_E_PROT && (prot & SMMU_PROT_PRIV))
		rc = smmu_pgt_map(dom->pgt, base, base, size, prot & ~SMMU_PROT_PRIV);
	return rc;
}

static void drop_ref(struct smmu_domain *dom, struct smmu_dom_resv *m)
{
	if (--m->refs)
		return;
	uint64_t done = 0, base = m->base, size = m->size;
	smmu_pgt_unmap(dom->pgt, base, size, &done);
	*m = dom->resv[--dom->nresv];
	if (dom->unit && dom->unit->owned)
		dom->unit->ops->flush(dom->unit, dom, base, size);
}

int smmu_resv_attach(struct smmu_domain *dom, struct smmu_device *d)
{
	struct smmu_target *t = d->t;
	size_t taken[SMMU_MAX_RESV];
	size_t ntaken = 0;
	int rc = 0;

	d->resv_refused = 0;
	for (size_t i = 0; i < t->nresv && !rc; i++) {
		const struct smmu_resv *r = &t->resv[i];
		struct smmu_dom_resv *m;
		if (!smmu_resv_device_has(r, d))
			continue;
		if ((m = dom_resv_covering(dom, r->base, r->size))) {
			m->refs++; /* another device of the domain has it already */
			taken[ntaken++] = (size_t)(m - dom->resv);
			continue;
		}
		if (dom->nresv == sizeof(dom->resv) / sizeof(dom->resv[0])) {
			rc = -ENOSPC;
			break;
		}
		if ((rc = map_identity(dom, r->base, r->size, r->prot))) {
			d->resv_refused = i + 1;
			break;
		}
		dom->resv[dom->nresv] = (struct smmu_dom_resv){ .resv = i, .base = r->base, .size = r->size, .refs = 1 };
		taken[ntaken++] = dom->nresv++;
		if (dom->unit->owned && (rc = dom->unit->ops->flush(dom->unit, dom, r->base, r->size)))
			break;
	}
	if (rc) { /* nothing of this attach stays: newest first, so indices hold */
		while (ntaken)
			drop_ref(dom, &dom->resv[taken[--ntaken]]);
		return rc;
	}
	d->resv_mapped = true;
	return 0;
}

void smmu_resv_detach(struct smmu_domain *dom, struct smmu_device *d)
{
	struct smmu_target *t = d->t;

	if (!d->resv_mapped)
		return;
	d->resv_mapped = false;
	for (size_t i = 0; i < t->nresv; i++) {
		struct smmu_dom_resv *m;
		if (smmu_resv_device_has(&t->resv[i], d) &&
		    (m = dom_resv_covering(dom, t->resv[i].base, t->resv[i].size)))
			drop_ref(dom, m);
	}
}
