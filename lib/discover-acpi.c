/* SPDX-License-Identifier: MIT */
/*
 * ACPI discovery: SMMUv3 and SMMUv1/v2 units and RID -> StreamID maps from the IORT, VT-d
 * units and their device scopes from the DMAR.  Both tables go through the
 * decoders' bounds-checked parsers first.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/acpi.h"
#include "lib/target.h"

/* The register base of an SMMUv3 or SMMUv1/v2 node; 0 for any other node. */
static uint64_t iort_smmu_base(const struct smmu_acpi_iort_node *n)
{
	return n->type == SMMU_ACPI_IORT_SMMUV3 ? n->smmuv3.base : n->type == SMMU_ACPI_IORT_SMMU ? n->smmu.base : 0;
}

static int add_map(struct smmu_target *t, uint16_t segment, const char *source, uint32_t rid_base,
		   uint32_t count, uint32_t sid_base, uint64_t unit_base)
{
	if (t->nrid_maps == sizeof(t->rid_maps) / sizeof(t->rid_maps[0]))
		return -ENOSPC;
	t->rid_maps[t->nrid_maps++] = (struct smmu_rid_map){ .rid_base = rid_base, .sid_base = sid_base,
							      .count = count, .unit_base = unit_base,
							      .segment = segment, .source = source };
	return 0;
}

/* A named component (a platform device ACPI names): one device with every
 * StreamID its ID mappings give it towards an SMMUv3 (all on one unit). */
static int add_named_component(struct smmu_target *t, const struct smmu_acpi_iort *iort,
			       const struct smmu_acpi_iort_node *n)
{
	struct smmu_device *d = NULL;

	for (uint32_t m = 0; m < n->mapping_count; m++) {
		const struct smmu_acpi_iort_mapping *map = &n->mappings[m];
		if (map->output_node == SMMU_ACPI_IORT_NO_NODE)
			continue;
		const struct smmu_acpi_iort_node *out = &iort->nodes[map->output_node];
		struct smmu_unit *u;
		if (!iort_smmu_base(out) || !(u = smmu_unit_by_base(t, iort_smmu_base(out))))
			continue;
		if (d && d->info.unit != u)
			continue; /* a device is given to one unit: the first */
		if (!d) {
			if (!(d = smmu_device_new(t)))
				return -ENOSPC;
			d->info.bus = SMMU_BUS_PLATFORM;
			d->info.unit = u;
			snprintf(d->addr, sizeof(d->addr), "iort@0x%x", n->offset);
			snprintf(d->name, sizeof(d->name), "%s (IORT named component)", n->nc.name ? n->nc.name : "?");
		}
		/* a single mapping, or each ID of a range (as many as fit) */
		uint64_t ids = (map->flags & 1) ? 1 : (uint64_t)map->id_count + 1;
		for (uint64_t k = 0; k < ids && d->info.nsids < sizeof(d->info.sids) / sizeof(d->info.sids[0]); k++)
			d->info.sids[d->info.nsids++] = map->output_base + (uint32_t)k;
	}
	if (d)
		d->info.sid = d->info.sids[0];
	return 0;
}

/* Whole 4 KiB pages around [base, last]: what a page table can map.  False
 * for the whole 64-bit space, which no size can say (firmware nonsense). */
static bool resv_pages(struct smmu_resv *r, uint64_t base, uint64_t last)
{
	r->base = base & ~0xfffull;
	r->size = (last | 0xfff) - r->base + 1;
	return r->size != 0;
}

/* An RMR node: each memory range for every StreamID its ID mappings give
 * towards an SMMU.  Read and write; privileged-only and Device memory when
 * its flags say so (IORT, RMR node Flags). */
static int add_rmr(struct smmu_target *t, const struct smmu_acpi_iort *iort, const struct smmu_acpi_iort_node *n)
{
	unsigned prot = SMMU_PROT_R | SMMU_PROT_W;
	int rc = 0;

	if (n->rmr.flags & SMMU_ACPI_IORT_RMR_ACCESS_PRIV)
		prot |= SMMU_PROT_PRIV;
	if (SMMU_ACPI_IORT_RMR_ACCESS_ATTR(n->rmr.flags) <= 3) /* Device-nGnRnE ... Device-GRE */
		prot |= SMMU_PROT_DEVICE;
	for (uint32_t m = 0; m < n->mapping_count && !rc; m++) {
		const struct smmu_acpi_iort_mapping *map = &n->mappings[m];
		if (map->output_node == SMMU_ACPI_IORT_NO_NODE || !iort_smmu_base(&iort->nodes[map->output_node]))
			continue;
		uint32_t last = map->flags & SMMU_ACPI_IORT_SINGLE_MAPPING ? map->output_base
			      : map->output_base + (map->id_count < UINT32_MAX - map->output_base ? map->id_count
												    : UINT32_MAX - map->output_base);
		for (uint32_t k = 0; k < n->rmr.desc_count && n->rmr.descs && !rc; k++) {
			const struct smmu_acpi_iort_rmr_desc *d = &n->rmr.descs[k];
			if (!d->length || d->base + d->length - 1 < d->base)
				continue; /* the parser warned */
			struct smmu_resv r = { .source = "IORT RMR", .fw_offset = n->offset, .prot = prot,
					       .rmr_flags = n->rmr.flags, .first = map->output_base, .last = last,
					       .unit_base = iort_smmu_base(&iort->nodes[map->output_node]) };
			if (resv_pages(&r, d->base, d->base + d->length - 1))
				rc = smmu_resv_add(t, &r);
		}
	}
	return rc;
}

static int from_iort(struct smmu_target *t, const void *buf, size_t len, char *err, size_t errlen)
{
	struct smmu_acpi_iort *iort;
	int rc = smmu_acpi_iort_parse(buf, len, &iort, err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < iort->nnodes && !rc; i++)
		if (iort->nodes[i].type == SMMU_ACPI_IORT_SMMUV3)
			rc = smmu_unit_new(t, SMMU_ARCH_SMMUV3, iort->nodes[i].smmuv3.base, "IORT", NULL);
		else if (iort->nodes[i].type == SMMU_ACPI_IORT_SMMU) /* SMMUv1/v2, MMU-400/401/500 */
			rc = smmu_unit_new(t, SMMU_ARCH_SMMUV2, iort->nodes[i].smmu.base, "IORT", NULL);
	/* root complexes: requester IDs map to StreamIDs of an SMMUv3 */
	for (size_t i = 0; i < iort->nnodes && !rc; i++) {
		const struct smmu_acpi_iort_node *n = &iort->nodes[i];
		if (n->type != SMMU_ACPI_IORT_ROOT_COMPLEX)
			continue;
		for (uint32_t m = 0; m < n->mapping_count && !rc; m++) {
			const struct smmu_acpi_iort_mapping *map = &n->mappings[m];
			/* a mapping to no node is a firmware bug the parser tolerates */
			if (map->output_node == SMMU_ACPI_IORT_NO_NODE)
				continue;
			const struct smmu_acpi_iort_node *out = &iort->nodes[map->output_node];
			if (!iort_smmu_base(out))
				continue;
			/* id_count is "number of IDs minus one"; all 2^32 IDs saturate */
			uint32_t count = map->id_count == UINT32_MAX ? UINT32_MAX : map->id_count + 1;
			rc = add_map(t, (uint16_t)n->rc.pci_segment, "IORT", map->input_base, count, map->output_base,
				     iort_smmu_base(out));
		}
	}
	for (size_t i = 0; i < iort->nnodes && !rc; i++)
		if (iort->nodes[i].type == SMMU_ACPI_IORT_NAMED_COMPONENT)
			rc = add_named_component(t, iort, &iort->nodes[i]);
		else if (iort->nodes[i].type == SMMU_ACPI_IORT_RMR)
			rc = add_rmr(t, iort, &iort->nodes[i]);
	if (rc == -ENOSPC)
		snprintf(err, errlen, "IORT: more ID mappings or reserved regions than smmush keeps");
	smmu_acpi_iort_free(iort);
	return rc;
}

/* PCI configuration of any segment. */
static int cfg_read(struct smmu_target *t, uint16_t seg, uint16_t bdf, unsigned off, uint32_t *v)
{
	if (seg)
		return t->ops->pci_read_seg ? t->ops->pci_read_seg(t->priv, seg, bdf, off, 1, v) : -ENODEV;
	return smmu_pci_read(t, bdf, off, 1, v);
}

/* The requester ID a DMAR scope path names: follow bridges below start_bus
 * (their secondary bus numbers are in configuration space). */
static int scope_bdf(struct smmu_target *t, uint16_t seg, const struct smmu_acpi_dmar_scope *s,
		     uint16_t *bdf)
{
	unsigned bus = s->start_bus;

	for (size_t i = 0; i < s->npath; i++) {
		*bdf = bus << 8 | (s->path[i].device & 0x1f) << 3 | (s->path[i].function & 7);
		if (i + 1 < s->npath) {
			uint32_t sec;
			int rc = cfg_read(t, seg, *bdf, 0x19, &sec);
			if (rc)
				return rc;
			if (sec <= bus) /* not a bridge, or a loop */
				return -EINVAL;
			bus = sec;
		}
	}
	return 0;
}

/* An RMRR: one reserved region per device scope, read and write (the VT-d
 * specification gives RMRRs no permissions: the device reads and writes). */
static int add_rmrr(struct smmu_target *t, const struct smmu_acpi_dmar_entry *e)
{
	int rc = 0;

	if (e->rmrr.limit < e->rmrr.base)
		return 0; /* the parser warned */
	for (size_t s = 0; s < e->nscopes && !rc; s++) {
		const struct smmu_acpi_dmar_scope *sc = &e->scopes[s];
		struct smmu_resv r = { .source = "RMRR", .fw_offset = e->offset, .prot = SMMU_PROT_R | SMMU_PROT_W,
				       .segment = e->rmrr.segment, .pci = true };
		uint16_t bdf;
		if (sc->type != SMMU_ACPI_SCOPE_PCI_ENDPOINT && sc->type != SMMU_ACPI_SCOPE_PCI_BRIDGE)
			continue;
		if (scope_bdf(t, e->rmrr.segment, sc, &bdf))
			continue; /* a path that leads nowhere here: no device of this machine */
		r.first = r.last = bdf;
		if (sc->type == SMMU_ACPI_SCOPE_PCI_BRIDGE) { /* every device below the bridge */
			uint32_t sec, sub;
			if (cfg_read(t, e->rmrr.segment, bdf, 0x19, &sec) || cfg_read(t, e->rmrr.segment, bdf, 0x1a, &sub) ||
			    sub < sec || sec <= (uint32_t)(bdf >> 8))
				continue;
			r.first = sec << 8;
			r.last = sub << 8 | 0xff;
		}
		if (resv_pages(&r, e->rmrr.base, e->rmrr.limit))
			rc = smmu_resv_add(t, &r);
	}
	return rc;
}

static int from_dmar(struct smmu_target *t, const void *buf, size_t len, char *err, size_t errlen)
{
	struct smmu_acpi_dmar *dmar;
	int rc = smmu_acpi_dmar_parse(buf, len, &dmar, err, errlen);

	if (rc)
		return rc;
	/* explicit scopes first; INCLUDE_PCI_ALL units take what is left */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < dmar->nentries && !rc; i++) {
			const struct smmu_acpi_dmar_entry *e = &dmar->entries[i];
			bool all = e->drhd.flags & SMMU_ACPI_DRHD_INCLUDE_PCI_ALL;
			if (e->type != SMMU_ACPI_DMAR_DRHD || all != (pass == 1))
				continue;
			if ((rc = smmu_unit_new(t, SMMU_ARCH_VTD, e->drhd.register_base, "DMAR", NULL)))
				break;
			uint16_t seg = e->drhd.segment;
			if (all) {
				rc = add_map(t, seg, "DMAR", 0, 0x10000, 0, e->drhd.register_base);
				continue;
			}
			for (size_t s = 0; s < e->nscopes && !rc; s++) {
				const struct smmu_acpi_dmar_scope *sc = &e->scopes[s];
				uint16_t bdf = 0;
				if (sc->type != SMMU_ACPI_SCOPE_PCI_ENDPOINT &&
				    sc->type != SMMU_ACPI_SCOPE_PCI_BRIDGE)
					continue;
				int prc = scope_bdf(t, seg, sc, &bdf);
				if (prc == -ENODEV) /* no PCI to follow bridges in (firmware files) */
					continue;
				if (prc) {
					snprintf(err, errlen, "DMAR: scope at offset 0x%x: its path leads nowhere",
						 sc->offset);
					rc = -EINVAL;
					break;
				}
				if (sc->type == SMMU_ACPI_SCOPE_PCI_ENDPOINT) {
					rc = add_map(t, seg, "DMAR", bdf, 1, bdf, e->drhd.register_base);
				} else { /* the bridge's whole bus range */
					uint32_t sec, sub;
					if ((rc = cfg_read(t, seg, bdf, 0x19, &sec)) ||
					    (rc = cfg_read(t, seg, bdf, 0x1a, &sub))) {
						if (rc == -ENODEV)
							rc = 0; /* no PCI (firmware files): not resolvable */
						continue;
					}
					if (sub >= sec && sec > (bdf >> 8))
						rc = add_map(t, seg, "DMAR", sec << 8, (sub - sec + 1) << 8, sec << 8,
							     e->drhd.register_base);
				}
			}
		}
	}
	for (size_t i = 0; i < dmar->nentries && !rc; i++)
		if (dmar->entries[i].type == SMMU_ACPI_DMAR_RMRR)
			rc = add_rmrr(t, &dmar->entries[i]);
	if (rc == -ENOSPC)
		snprintf(err, errlen, "DMAR: more device scopes, units or reserved regions than smmush keeps");
	smmu_acpi_dmar_free(dmar);
	return rc;
}

/*
 * An IVMD: memory firmware says devices keep using while the OS takes over,
 * for every device (20h), one (21h) or a range (22h).  A unity range is
 * mapped IOVA = PA with its IR/IW permissions.  An exclusion range is
 * memory the IOMMU must not translate for those devices at all; the
 * hardware has one such range per IOMMU (Exclusion Base/Limit, with DTE.EX
 * or Allow), which would also let a device smmush blocks reach it, so
 * smmush gives those devices what the exclusion gives them, an identity map
 * readable and writable, in their domain.  An IVMD with neither flag
 * describes nothing to do.
 */
static int add_ivmd(struct smmu_target *t, const struct smmu_acpi_ivrs_block *b)
{
	struct smmu_resv r = { .source = "IVMD", .fw_offset = b->offset, .pci = true };

	if (b->flags & SMMU_ACPI_IVMD_EXCL) {
		r.source = "IVMD exclusion";
		r.prot = SMMU_PROT_R | SMMU_PROT_W;
	} else if (b->flags & SMMU_ACPI_IVMD_UNITY) {
		r.prot = (b->flags & SMMU_ACPI_IVMD_IR ? SMMU_PROT_R : 0) | (b->flags & SMMU_ACPI_IVMD_IW ? SMMU_PROT_W : 0);
	}
	if (!r.prot || !b->mem_length || b->start + b->mem_length - 1 < b->start)
		return 0; /* nothing to map (or a range the parser warned of) */
	r.first = b->type == SMMU_ACPI_IVMD_ALL ? 0 : b->devid;
	r.last = b->type == SMMU_ACPI_IVMD_ALL ? 0xffff : b->type == SMMU_ACPI_IVMD_RANGE ? b->aux : b->devid;
	if (r.last < r.first)
		return 0;
	return resv_pages(&r, b->start, b->start + b->mem_length - 1) ? smmu_resv_add(t, &r) : 0;
}

/*
 * IVRS: one unit per IOMMU, from the newest IVHD type the table has for it
 * (firmware describes each IOMMU once per type, for older and newer
 * drivers), and its device entries as DeviceID ranges, aliases included:
 * a device whose requests carry another DeviceID (behind a PCIe-to-PCI
 * bridge) is looked up in the device table under that one.
 */
static int from_ivrs(struct smmu_target *t, const void *buf, size_t len, char *err, size_t errlen)
{
	struct smmu_acpi_ivrs *ivrs;
	int rc = smmu_acpi_ivrs_parse(buf, len, &ivrs, err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < ivrs->nblocks && !rc; i++) {
		const struct smmu_acpi_ivrs_block *b = &ivrs->blocks[i];
		bool newer = false;

		if (b->type != SMMU_ACPI_IVHD_10 && b->type != SMMU_ACPI_IVHD_11 && b->type != SMMU_ACPI_IVHD_40)
			continue;
		for (size_t k = 0; k < ivrs->nblocks; k++) {
			const struct smmu_acpi_ivrs_block *o = &ivrs->blocks[k];
			if (k != i && o->base == b->base && o->segment == b->segment &&
			    (o->type == SMMU_ACPI_IVHD_10 || o->type == SMMU_ACPI_IVHD_11 ||
			     o->type == SMMU_ACPI_IVHD_40) &&
			    (o->type > b->type || (o->type == b->type && k < i)))
				newer = true;
		}
		if (newer)
			continue;
		struct smmu_unit *u;
		if ((rc = smmu_unit_new(t, SMMU_ARCH_AMDVI, b->base, "IVRS", &u)))
			break;
		u->pci_fn_known = true;
		u->pci_segment = b->segment;
		u->pci_bdf = b->devid;
		u->pci_cap = b->cap_offset;
		for (size_t r = 0; r < b->nranges && !rc; r++) {
			const struct smmu_acpi_ivhd_range *g = &b->ranges[r];
			bool alias = g->alias != SMMU_ACPI_IVRS_NO_ALIAS;

			rc = add_map(t, b->segment, "IVRS", g->first, (uint32_t)g->last - g->first + 1,
				     alias ? g->alias : g->first, b->base);
			if (!rc && alias)
				t->rid_maps[t->nrid_maps - 1].single = true;
		}
	}
	for (size_t i = 0; i < ivrs->nblocks && !rc; i++)
		if (ivrs->blocks[i].type >= SMMU_ACPI_IVMD_ALL && ivrs->blocks[i].type <= SMMU_ACPI_IVMD_RANGE)
			rc = add_ivmd(t, &ivrs->blocks[i]);
	if (rc == -ENOSPC)
		snprintf(err, errlen, "IVRS: more device ranges, units or reserved regions than smmush keeps");
	else if (rc == -EEXIST)
		snprintf(err, errlen, "IVRS: an IOMMU at an address another table gives another architecture");
	smmu_acpi_ivrs_free(ivrs);
	return rc;
}

int smmu_discover_acpi(struct smmu_target *t, char *err, size_t errlen)
{
	static const struct {
		const char *sig;
		int (*parse)(struct smmu_target *, const void *, size_t, char *, size_t);
	} tables[] = { { "IORT", from_iort }, { "DMAR", from_dmar }, { "IVRS", from_ivrs } };
	bool any = false;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		void *buf;
		size_t len;
		int rc = smmu_fw_table(t, tables[i].sig, &buf, &len);
		if (rc == -ENOENT)
			continue;
		if (rc) {
			snprintf(err, errlen, "%s: cannot read the table: %s", tables[i].sig, smmu_strerror(rc));
			return rc;
		}
		rc = tables[i].parse(t, buf, len, err, errlen);
		free(buf);
		if (rc)
			return rc;
		any = true;
	}
	return any ? 0 : -ENOENT;
}
