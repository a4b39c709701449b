/* SPDX-License-Identifier: MIT */
/* Domains, attach/detach, map/unmap: the manager's API over the arch drivers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch.h"
#include "lib/domain.h"
#include "lib/hw.h"

static int domain_new(struct smmu_target *t, const char *name, unsigned flags, const struct smmu_domain_geometry *g,
		      struct smmu_domain **out)
{
	struct smmu_domain *dom;
	unsigned id = 1;

	if (!*name || strlen(name) >= sizeof(dom->name))
		return -EINVAL;
	if (smmu_domain_find(t, name))
		return -EEXIST;
	if (t->ndomains == sizeof(t->domains) / sizeof(t->domains[0]))
		return -ENOSPC;
	/* the lowest id no live domain uses: ASIDs/VMIDs/DIDs stay small */
	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i]->id == id)
			id++, i = (size_t)-1;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->t = t;
	dom->id = id;
	dom->flags = flags;
	if (g)
		dom->geom = *g;
	dom->geom.stage = g && g->stage ? g->stage : flags & SMMU_DOMAIN_STAGE2 ? SMMU_STAGE_2 : SMMU_STAGE_DEFAULT;
	if (dom->geom.stage == SMMU_STAGE_2)
		dom->flags |= SMMU_DOMAIN_STAGE2;
	dom->v3_stage2_flag = !g && (flags & SMMU_DOMAIN_STAGE2);
	if (dom->geom.stage == SMMU_STAGE_NESTED) {
		dom->parent = g->parent;
		dom->parent->nchildren++;
	}
	snprintf(dom->name, sizeof(dom->name), "%s", name);
	t->domains[t->ndomains++] = dom;
	if (out)
		*out = dom;
	return 0;
}

int smmu_domain_create(struct smmu_target *t, const char *name, unsigned flags,
		       struct smmu_domain **out)
{
	return domain_new(t, name, flags, NULL, out);
}

/* The format a unit would give the domain: 0, or -errno with err naming the limit. */
static int unit_format(struct smmu_unit *u, const struct smmu_domain_geometry *g, struct smmu_pgt_cfg *cfg, char *err,
		       size_t n)
{
	unsigned parent_ias = 0;

	if (u->arch == SMMU_ARCH_SMMUV3) {
		if (g->stage == SMMU_STAGE_NESTED) {
			struct smmu_pgt_cfg pc;
			struct smmu_domain_geometry pg = g->parent->geom;
			int rc;
			pg.stage = SMMU_STAGE_2;
			if ((rc = smmu_arch_smmuv3_format(u, &pg, 0, &pc, err, n)))
				return rc;
			parent_ias = pc.ias;
		}
		return smmu_arch_smmuv3_format(u, g, parent_ias, cfg, err, n);
	}
	if (u->arch == SMMU_ARCH_SMMUV2) {
		/* a context bank's LPAE tables, narrowed to what the unit has */
		if (g->stage == SMMU_STAGE_NESTED) {
			snprintf(err, n, "SMMUv2 nested context banks are not supported by smmush's domains yet");
			return -EOPNOTSUPP;
		}
		*cfg = (struct smmu_pgt_cfg){ .fmt = g->stage == SMMU_STAGE_2 ? SMMU_PGT_LPAE_S2 : SMMU_PGT_LPAE_S1,
					      .granule = g->granule ? g->granule : 4096,
					      .ias = g->ias ? g->ias : 48, .oas = g->oas ? g->oas : 48 };
		return smmu_arch_smmuv2_limits(u, cfg);
	}
	if (u->arch == SMMU_ARCH_AMDVI) {
		/* host (v1) tables: one stage, 4 KiB pages, 1 to 5 levels */
		unsigned levels = 0;
		int rc;
		if (g->stage == SMMU_STAGE_2 || g->stage == SMMU_STAGE_NESTED) {
			snprintf(err, n, "AMD-Vi host (v1) tables have one stage: no stage-2 or nested domains");
			return -EOPNOTSUPP;
		}
		if (g->granule && g->granule != 4096) {
			snprintf(err, n, "AMD-Vi v1 tables have 4 KiB pages only");
			return -EOPNOTSUPP;
		}
		memset(cfg, 0, sizeof(*cfg));
		cfg->granule = 4096;
		if ((rc = smmu_arch_amdvi_limits(u, cfg))) {
			snprintf(err, n, "the unit's limits are unreadable");
			return rc;
		}
		if (g->levels)
			levels = g->levels;
		else if (g->ias)
			levels = g->ias <= 21 ? 1 : (g->ias - 12 + 8) / 9; /* the fewest that hold it */
		if (levels) {
			unsigned most = smmu_arch_amdvi_max_levels(u);
			if (levels < 1 || levels > most || levels > 5) {
				snprintf(err, n, "AMD-Vi v1 tables of %u levels: this unit walks 1 to %u (EFR.HATS)%s", levels,
					 most, most > 5 ? ", smmush builds 1 to 5 (21 to 57 bits)" : "");
				return -EOPNOTSUPP;
			}
			cfg->ias = 12 + 9 * levels;
		}
		if (g->oas && g->oas < cfg->oas)
			cfg->oas = g->oas;
		return 0;
	}
	return smmu_arch_vtd_format(u, g, cfg, err, n);
}

int smmu_domain_create_geom(struct smmu_target *t, const char *name, const struct smmu_domain_geometry *g,
			    struct smmu_domain **out, char *err, size_t errlen)
{
	char first[224] = "", why[160];
	int first_rc = 0;

	if (err && errlen)
		err[0] = '\0';
	if (g->stage == SMMU_STAGE_NESTED) {
		if (!g->parent || g->parent->t != t) {
			snprintf(err, errlen, "a nested domain needs a stage-2 domain to nest in");
			return -EINVAL;
		}
		if (g->parent->geom.stage != SMMU_STAGE_2) {
			snprintf(err, errlen, "domain %s is not a stage-2 domain: a nested domain's tables and output "
				 "are translated by one", g->parent->name);
			return -EINVAL;
		}
	} else if (g->parent) {
		snprintf(err, errlen, "a parent domain is for nested domains only");
		return -EINVAL;
	}
	/* one unit of the target that could take it suffices: the domain binds
	 * to the unit of its first device */
	for (size_t i = 0; i < t->nunits; i++) {
		struct smmu_pgt_cfg cfg;
		int rc = unit_format(&t->units[i], g, &cfg, why, sizeof(why));
		if (!rc) {
			first_rc = 0;
			break;
		}
		if (!first_rc) {
			first_rc = rc;
			snprintf(first, sizeof(first), "%s: %s", t->units[i].name, why);
		}
	}
	if (first_rc) {
		snprintf(err, errlen, "%s", first);
		return first_rc;
	}
	return domain_new(t, name, g->stage == SMMU_STAGE_2 ? SMMU_DOMAIN_STAGE2 : 0, g, out);
}

int smmu_domain_geometry(const struct smmu_domain *dom, struct smmu_domain_geometry *g)
{
	*g = dom->geom;
	if (dom->pgt) {
		struct smmu_pgt_geom pg;
		smmu_pgt_geometry(dom->pgt, &pg);
		g->granule = pg.granule;
		g->ias = pg.ias;
		g->oas = pg.oas;
		g->levels = pg.levels;
	}
	return 0;
}

int smmu_domain_nest_identity(struct smmu_domain *parent, uint64_t pa, uint64_t size)
{
	struct smmu_pgt_geom g;
	bool mapped = false;
	int rc;

	smmu_pgt_geometry(parent->pgt, &g);
	for (uint64_t a = pa & ~(uint64_t)(g.granule - 1); a < pa + size; a += g.granule) {
		struct smmu_pgt_xlate x;
		rc = smmu_pgt_translate(parent->pgt, a, SMMU_PROT_R | SMMU_PROT_W, &x);
		if (!rc && x.oa == a)
			continue;
		if (rc != -EFAULT || x.fault != SMMU_PGT_F_INVALID)
			return -EEXIST; /* the parent maps this IPA elsewhere, or read-only */
		if ((rc = smmu_pgt_map(parent->pgt, a, a, g.granule, SMMU_PROT_R | SMMU_PROT_W)))
			return rc;
		mapped = true;
	}
	if (mapped && parent->unit && parent->unit->owned)
		return parent->unit->ops->flush(parent->unit, parent, pa, size);
	return 0;
}

/* A nested domain's tables: from the table region, reachable through the
 * parent's stage 2 at IPA = PA. */
static int nest_alloc(void *ctx, size_t size, size_t align, uint64_t *pa)
{
	struct smmu_domain *dom = ctx;
	const struct smmu_table_alloc *base;
	const struct smmu_mem *mem;
	int rc;

	if ((rc = smmu_target_tables(dom->t, &base, &mem)) || (rc = base->alloc(base->ctx, size, align, pa)))
		return rc;
	if ((rc = smmu_domain_nest_identity(dom->parent, *pa, size)))
		base->free(base->ctx, *pa, size);
	return rc;
}

static void nest_free(void *ctx, uint64_t pa, size_t size)
{
	struct smmu_domain *dom = ctx;
	const struct smmu_table_alloc *base;
	const struct smmu_mem *mem;

	if (!smmu_target_tables(dom->t, &base, &mem))
		base->free(base->ctx, pa, size);
}

/* Drop every TLB entry tagged with the domain's id: ids are reused, and a
 * later domain must never hit an earlier one's translations. */
static int flush_domain(struct smmu_domain *dom)
{
	if (!dom->unit || !dom->unit->owned || !dom->unit->ops || !dom->pgt)
		return 0;
	return dom->unit->ops->flush(dom->unit, dom, 0, UINT64_MAX);
}

void smmu_domain_unbind(struct smmu_domain *dom)
{
	flush_domain(dom); /* before the tables go back to the allocator */
	smmu_pgt_destroy(dom->pgt);
	dom->pgt = NULL;
	if (dom->ctx_pa)
		smmu_table_free(dom->t, dom->ctx_pa, 64);
	dom->ctx_pa = 0;
	dom->unit = NULL;
}

int smmu_domain_destroy(struct smmu_domain *dom)
{
	struct smmu_target *t = dom->t;

	if (dom->ndevices)
		return -EBUSY;
	if (dom->nchildren)
		return -EBUSY;
	smmu_domain_unbind(dom);
	if (dom->parent)
		dom->parent->nchildren--;
	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i] == dom) {
			memmove(&t->domains[i], &t->domains[i + 1],
				(t->ndomains - i - 1) * sizeof(t->domains[0]));
			t->ndomains--;
			break;
		}
	free(dom);
	return 0;
}

struct smmu_domain *smmu_domain_find(struct smmu_target *t, const char *name)
{
	for (size_t i = 0; i < t->ndomains; i++)
		if (!strcmp(t->domains[i]->name, name))
			return t->domains[i];
	return NULL;
}

size_t smmu_domain_count(const struct smmu_target *t)
{
	return t->ndomains;
}

struct smmu_domain *smmu_domain_at(struct smmu_target *t, size_t i)
{
	return i < t->ndomains ? t->domains[i] : NULL;
}

const char *smmu_domain_name(const struct smmu_domain *dom)
{
	return dom->name;
}

int smmu_domain_conflicts(const struct smmu_domain *dom, struct smmu_table_conflict *c)
{
	memset(c, 0, sizeof(*c));
	if (!dom->pgt)
		return -ENOENT;
	smmu_pgt_conflicts(dom->pgt, c);
	return 0;
}

/* Memory the library wrote: cached tables of every domain see it. */
bool smmu_domains_note_write(struct smmu_target *t, uint64_t pa, const void *buf, size_t len)
{
	bool changed = false;
	size_t held = 0;

	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i]->pgt)
			held += smmu_pgt_note_write(t->domains[i]->pgt, pa, buf, len, &changed);
	return held >= len && !changed;
}

struct smmu_domain *smmu_device_domain(const struct smmu_device *d)
{
	return d->domain;
}

/* The page-table format a unit walks for this domain. */
static int domain_cfg(struct smmu_unit *u, const struct smmu_domain *dom, struct smmu_pgt_cfg *cfg)
{
	char err[160];

	if (u->arch == SMMU_ARCH_VTD && dom->v3_stage2_flag)
		return -EOPNOTSUPP; /* smmu_domain_create(SMMU_DOMAIN_STAGE2) is SMMUv3's, as before */
	return unit_format(u, &dom->geom, cfg, err, sizeof(err));
}

/* Bind a domain to a unit: its tables are in the unit's format. */
static int domain_bind(struct smmu_domain *dom, struct smmu_unit *u)
{
	const struct smmu_table_alloc *alloc;
	const struct smmu_mem *mem;
	struct smmu_pgt_cfg cfg;
	int rc;

	if (dom->unit)
		return dom->unit == u ? 0 : -EXDEV;
	/* nested: the stage-2 domain is bound first, to the same unit */
	if (dom->parent && (rc = domain_bind(dom->parent, u)))
		return rc;
	if ((rc = domain_cfg(u, dom, &cfg)) || (rc = smmu_target_tables(dom->t, &alloc, &mem)))
		return rc;
	if (dom->parent) {
		dom->nest_alloc = (struct smmu_table_alloc){ .alloc = nest_alloc, .free = nest_free, .ctx = dom };
		alloc = &dom->nest_alloc;
	}
	if ((rc = smmu_pgt_create(&cfg, mem, alloc, &dom->pgt)))
		return rc;
	dom->unit = u;
	if ((rc = flush_domain(dom))) { /* a fresh id: nothing of an earlier user may linger */
		smmu_pgt_destroy(dom->pgt);
		dom->pgt = NULL;
		dom->unit = NULL;
	}
	return rc;
}

int smmu_device_attach(struct smmu_device *d, struct smmu_domain *dom)
{
	return smmu_device_attach_flags(d, dom, 0);
}

int smmu_device_attach_flags(struct smmu_device *d, struct smmu_domain *dom, unsigned flags)
{
	struct smmu_unit *u = d->info.unit;
	int rc;

	if (!u || !u->ops)
		return -ENOENT;
	if (smmu_target_read_only(d->t))
		return -SMMU_E_READONLY;
	if (d->domain)
		return d->domain == dom ? 0 : -EBUSY;
	if (!u->owned)
		return -SMMU_E_NOTOWNED;
	/* VT-d first-level tables are found through PASID entries: scalable mode */
	if (u->arch == SMMU_ARCH_VTD && (dom->geom.stage == SMMU_STAGE_1 || dom->geom.stage == SMMU_STAGE_NESTED) &&
	    !smmu_arch_vtd_scalable(u))
		return -EOPNOTSUPP;
	/* a domain bound before (by a map) keeps its tables when this fails */
	bool was_bound = dom->unit != NULL;
	if ((rc = domain_bind(dom, u)))
		return rc;
	/* its reserved regions first: its DMA never sees the domain without them */
	if (!(flags & SMMU_ATTACH_NO_RESERVED) && (rc = smmu_resv_attach(dom, d))) {
		if (!dom->ndevices && !was_bound)
			smmu_domain_unbind(dom);
		return rc;
	}
	if ((rc = u->ops->attach(u, d, dom))) {
		smmu_resv_detach(dom, d);
		if (!dom->ndevices && !was_bound)
			smmu_domain_unbind(dom);
		return rc;
	}
	d->domain = dom;
	dom->ndevices++;
	return 0;
}

int smmu_device_detach(struct smmu_device *d)
{
	struct smmu_unit *u = d->info.unit;
	int rc;

	if (!d->domain)
		return -ENOENT;
	/* not owned (released): only the library's record changes */
	if (u->owned && (rc = u->ops->attach(u, d, NULL)))
		return rc;
	struct smmu_domain *dom = d->domain;
	smmu_resv_detach(dom, d); /* the device no longer reaches the domain */
	d->domain = NULL;
	if (--dom->ndevices == 0)
		return flush_domain(dom);
	return 0;
}

/* A domain without a device yet binds to the target's only unit. */
static int domain_ready(struct smmu_domain *dom)
{
	if (dom->unit)
		return dom->unit->owned ? 0 : -SMMU_E_NOTOWNED;
	if (dom->t->nunits != 1)
		return -EDESTADDRREQ; /* which unit? attach a device first */
	if (!dom->t->units[0].owned)
		return -SMMU_E_NOTOWNED;
	return domain_bind(dom, &dom->t->units[0]);
}

/* The invalidation after a table change; one that failed is owed and done
 * whole by the next, since the unit may still hold what was unmapped. */
static int flush_after(struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	int rc = dom->flush_owed ? flush_domain(dom) : dom->unit->ops->flush(dom->unit, dom, iova, size);

	dom->flush_owed = rc != 0;
	return rc;
}

int smmu_map(struct smmu_domain *dom, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	int rc;

	if (!size || !(prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X)))
		return -EINVAL;
	if (smmu_target_read_only(dom->t))
		return -SMMU_E_READONLY;
	struct smmu_reserved_region r;
	if (smmu_domain_reserved_at(dom, iova, size, &r)) {
		/* what attach mapped already, asked for again (a policy's `reserved` line) */
		unsigned rwx = SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X;
		if (iova == pa && iova >= r.base && iova + size <= r.base + r.size && (prot & rwx) == (r.prot & rwx))
			return 0;
		return -SMMU_E_RESERVED;
	}
	if ((rc = domain_ready(dom)) || (rc = smmu_pgt_map(dom->pgt, iova, pa, size, prot)))
		return rc;
	/* map fills invalid entries only (it never overwrites one): a unit that
	 * caches no invalid entry holds nothing to invalidate (as Linux's
	 * drivers: no TLBI on map for SMMUs, only with VT-d CAP.CM or RWBF,
	 * AMD-Vi NpCache) */
	if (dom->flush_owed || smmu_unit_caches_invalid(dom->unit))
		return flush_after(dom, iova, size);
	return 0;
}

int smmu_unmap(struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	uint64_t done = 0;
	int rc;

	if (!size)
		return -EINVAL;
	if (smmu_target_read_only(dom->t))
		return -SMMU_E_READONLY;
	if (smmu_domain_reserved_at(dom, iova, size, &(struct smmu_reserved_region){ 0 }))
		return -SMMU_E_RESERVED;
	if ((rc = domain_ready(dom)) || (rc = smmu_pgt_unmap(dom->pgt, iova, size, &done)))
		return rc;
	if (!done)
		return -ENOENT;
	return flush_after(dom, iova, size);
}

/* --- PASID-granular attachment (VT-d scalable mode) ---------------------------------- */

static struct smmu_pasid_attach *pasid_find(struct smmu_device *d, uint32_t pasid)
{
	for (unsigned i = 0; i < d->npasids; i++)
		if (d->pasids[i].pasid == pasid)
			return &d->pasids[i];
	return NULL;
}

int smmu_device_attach_pasid(struct smmu_device *d, uint32_t pasid, struct smmu_domain *dom)
{
	struct smmu_unit *u = d->info.unit;
	struct smmu_pasid_attach *a;
	int rc;

	if (!u || !u->ops)
		return -ENOENT;
	if (smmu_target_read_only(d->t))
		return -SMMU_E_READONLY;
	if (!u->ops->attach_pasid)
		return -EOPNOTSUPP;
	if ((a = pasid_find(d, pasid)))
		return a->dom == dom ? 0 : -EBUSY;
	if (!u->owned)
		return -SMMU_E_NOTOWNED;
	if (!smmu_arch_vtd_scalable(u))
		return -EOPNOTSUPP;
	if (d->npasids == SMMU_MAX_PASIDS)
		return -ENOSPC;
	if ((rc = domain_bind(dom, u)))
		return rc;
	if ((rc = u->ops->attach_pasid(u, d, pasid, dom))) {
		if (!dom->ndevices)
			smmu_domain_unbind(dom);
		return rc;
	}
	d->pasids[d->npasids++] = (struct smmu_pasid_attach){ pasid, dom };
	dom->ndevices++;
	return 0;
}

int smmu_device_detach_pasid(struct smmu_device *d, uint32_t pasid)
{
	struct smmu_unit *u = d->info.unit;
	struct smmu_pasid_attach *a = pasid_find(d, pasid);
	int rc;

	if (!a)
		return -ENOENT;
	/* not owned (released): only the library's record changes */
	if (u->owned && (rc = u->ops->attach_pasid(u, d, pasid, NULL)))
		return rc;
	struct smmu_domain *dom = a->dom;
	*a = d->pasids[--d->npasids];
	if (--dom->ndevices == 0)
		return flush_domain(dom);
	return 0;
}

size_t smmu_device_pasid_count(const struct smmu_device *d)
{
	return d->npasids;
}

int smmu_device_pasid_at(const struct smmu_device *d, size_t i, uint32_t *pasid, struct smmu_domain **dom)
{
	if (i >= d->npasids)
		return -ENOENT;
	*pasid = d->pasids[i].pasid;
	*dom = d->pasids[i].dom;
	return 0;
}
