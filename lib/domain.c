/* SPDX-License-Identifier: MIT */
/* Domains, attach/detach, map/unmap: the manager's API over the arch drivers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch.h"
#include "lib/domain.h"
#include "lib/hw.h"

int smmu_domain_create(struct smmu_target *t, const char *name, unsigned flags,
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
	snprintf(dom->name, sizeof(dom->name), "%s", name);
	t->domains[t->ndomains++] = dom;
	if (out)
		*out = dom;
	return 0;
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
	smmu_domain_unbind(dom);
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
void smmu_domains_note_write(struct smmu_target *t, uint64_t pa, const void *buf, size_t len)
{
	for (size_t i = 0; i < t->ndomains; i++)
		if (t->domains[i]->pgt)
			smmu_pgt_note_write(t->domains[i]->pgt, pa, buf, len);
}

struct smmu_domain *smmu_device_domain(const struct smmu_device *d)
{
	return d->domain;
}

/* The page-table format a unit walks for this domain. */
static int domain_cfg(struct smmu_unit *u, const struct smmu_domain *dom, struct smmu_pgt_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->granule = 4096;
	if (u->arch == SMMU_ARCH_SMMUV3) {
		cfg->fmt = dom->flags & SMMU_DOMAIN_STAGE2 ? SMMU_PGT_LPAE_S2 : SMMU_PGT_LPAE_S1;
		cfg->ias = 48;
		cfg->oas = 48;
		return smmu_arch_smmuv3_limits(u, cfg);
	}
	if (dom->flags & SMMU_DOMAIN_STAGE2)
		return -EOPNOTSUPP;
	if (u->arch == SMMU_ARCH_AMDVI)
		return smmu_arch_amdvi_limits(u, cfg);
	cfg->fmt = SMMU_PGT_VTD_SL;
	return smmu_arch_vtd_limits(u, cfg);
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
	if ((rc = domain_cfg(u, dom, &cfg)) || (rc = smmu_target_tables(dom->t, &alloc, &mem)) ||
	    (rc = smmu_pgt_create(&cfg, mem, alloc, &dom->pgt)))
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
	struct smmu_unit *u = d->info.unit;
	int rc;

	if (!u || !u->ops)
		return -ENOENT;
	if (d->domain)
		return d->domain == dom ? 0 : -EBUSY;
	if (!u->owned)
		return -SMMU_E_NOTOWNED;
	if ((rc = domain_bind(dom, u)))
		return rc;
	if ((rc = u->ops->attach(u, d, dom))) {
		if (!dom->ndevices)
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

int smmu_map(struct smmu_domain *dom, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	int rc;

	if (!size || !(prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X)))
		return -EINVAL;
	if ((rc = domain_ready(dom)) || (rc = smmu_pgt_map(dom->pgt, iova, pa, size, prot)))
		return rc;
	return dom->unit->ops->flush(dom->unit, dom, iova, size);
}

int smmu_unmap(struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	uint64_t done = 0;
	int rc;

	if (!size)
		return -EINVAL;
	if ((rc = domain_ready(dom)) || (rc = smmu_pgt_unmap(dom->pgt, iova, size, &done)))
		return rc;
	if (!done)
		return -ENOENT;
	return dom->unit->ops->flush(dom->unit, dom, iova, size);
}
