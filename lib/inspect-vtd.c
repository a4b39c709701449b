/* SPDX-License-Identifier: MIT */
/*
 * VT-d inspection beyond one requester: the root table RTADDR_REG names, and
 * a visitor over its root entries and the context entries they point to,
 * legacy or scalable mode.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hw.h"
#include "lib/target.h"
#include "lib/vtd.h"

#define PAGE 4096u

int smmu_roottab_info(struct smmu_unit *u, struct smmu_roottab *rt)
{
	static const char *const modes[] = { "legacy", "scalable", "reserved", "abort-dma" };
	uint32_t gsts;
	uint64_t rtaddr;
	int rc;

	memset(rt, 0, sizeof(*rt));
	if (u->arch != SMMU_ARCH_VTD)
		return -EOPNOTSUPP;
	if ((rc = reg_read32(u, VTD_GSTS, &gsts)) || (rc = reg_read64(u, VTD_RTADDR, &rtaddr)))
		return rc;
	rt->translating = SMMU_GET(VTD_GSTS_TES, gsts);
	rt->rtaddr = rtaddr;
	rt->mode = (enum smmu_vtd_mode)SMMU_GET(VTD_RTADDR_TTM, rtaddr);
	rt->mode_name = modes[rt->mode];
	rt->has_table = rt->mode == SMMU_VTD_LEGACY || rt->mode == SMMU_VTD_SCALABLE;
	rt->table = rtaddr & SMMU_MASK(VTD_RTADDR_RTA);
	return 0;
}

/* The root entry's context tables: legacy one, scalable lower and upper. */
static void root_tables(bool sm, const uint64_t *e, struct smmu_ctx_entry *out)
{
	if (sm) {
		out->ctp_present[0] = SMMU_GETW(VTD_SM_ROOT_LP, e);
		out->ctp[0] = SMMU_ADDRW(VTD_SM_ROOT_LCTP, e);
		out->ctp_present[1] = SMMU_GETW(VTD_SM_ROOT_UP, e);
		out->ctp[1] = SMMU_ADDRW(VTD_SM_ROOT_UCTP, e);
	} else {
		out->ctp_present[0] = SMMU_GETW(VTD_ROOT_P, e);
		out->ctp[0] = SMMU_ADDRW(VTD_ROOT_CTP, e);
	}
	out->present = out->ctp_present[0] || out->ctp_present[1];
}

struct ctx_tables {
	uint64_t words[2][PAGE / 8]; /* legacy: [0]; scalable: lower, upper */
};

/* Visit the context entries of one bus read into t. */
static int contexts(bool sm, unsigned bus, const struct smmu_ctx_entry *root, const struct ctx_tables *t,
		    unsigned flags, smmu_ctx_fn fn, void *arg)
{
	int stop;

	for (unsigned devfn = 0; devfn < 256; devfn++) {
		unsigned h = sm && devfn >= 128, slot = sm ? devfn & 0x7f : devfn, size = sm ? 32 : 16;
		if (!root->ctp_present[h])
			continue;
		const uint64_t *w = &t->words[h][slot * size / 8];
		struct smmu_ctx_entry e = { .type = SMMU_CTX_CONTEXT, .bus = bus, .devfn = devfn,
					    .addr = root->ctp[h] + slot * size, .kind = sm ? "vtd.sm.ctx" : "vtd.ctx",
					    .nwords = size / 8, .words = w,
					    .present = sm ? SMMU_GETW(VTD_SM_CTX_P, w)
							  : SMMU_GETW(VTD_CTX_P, w) };
		if ((e.present || (flags & SMMU_ROOTTAB_WALK_ABSENT)) && (stop = fn(arg, &e)))
			return stop;
	}
	return 0;
}

int smmu_roottab_walk(struct smmu_unit *u, unsigned first_bus, unsigned last_bus, unsigned flags,
		      smmu_ctx_fn fn, void *arg)
{
	static const size_t table_size = PAGE;
	struct smmu_roottab rt;
	struct ctx_tables *ct = NULL;
	uint64_t *root;
	int rc, stop = 0;

	if (first_bus > last_bus || last_bus > 255)
		return -EINVAL;
	if ((rc = smmu_roottab_info(u, &rt)))
		return rc;
	if (!rt.has_table)
		return -ENXIO;
	bool sm = rt.mode == SMMU_VTD_SCALABLE;
	if (!(root = malloc(table_size)) || ((flags & SMMU_ROOTTAB_WALK_CONTEXT) && !(ct = malloc(sizeof(*ct))))) {
		free(root);
		return -ENOMEM;
	}
	/* the whole root table at once: it is one page */
	if ((rc = smmu_mem_read(u->t, rt.table, root, table_size)))
		goto out;
	for (unsigned bus = first_bus; bus <= last_bus && !stop; bus++) {
		struct smmu_ctx_entry e = { .type = SMMU_CTX_ROOT, .bus = bus, .addr = rt.table + bus * 16,
					    .kind = sm ? "vtd.sm.root" : "vtd.root", .nwords = 2,
					    .words = &root[bus * 2] };
		root_tables(sm, e.words, &e);
		if (!e.present && !(flags & SMMU_ROOTTAB_WALK_ABSENT))
			continue;
		bool descend = e.present && (flags & SMMU_ROOTTAB_WALK_CONTEXT);
		/* the context tables are read first, so the root entry can say whether they could be */
		for (int h = 0; descend && h < 2 && !e.err; h++)
			if (e.ctp_present[h])
				e.err = smmu_mem_read(u->t, e.ctp[h], ct->words[h], PAGE);
		if ((stop = fn(arg, &e)) || !descend || e.err)
			continue;
		stop = contexts(sm, bus, &e, ct, flags, fn, arg);
	}
	rc = stop;
out:
	free(ct);
	free(root);
	return rc;
}
