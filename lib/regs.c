/* SPDX-License-Identifier: MIT */
/*
 * Registers by name: the decoders describe every register once (name,
 * offset, width, fields); this file finds them for a unit and says where the
 * ones the architecture places at run time are (VT-d fault recording and
 * IOTLB registers, from CAP and ECAP), so no front end computes an offset.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "decoders/decode.h"
#include "lib/hw.h"
#include "lib/regs.h"
#include "lib/target.h"
#include "lib/vtd.h"

void vtd_reg_places(uint64_t cap, uint64_t ecap, uint32_t *fro, unsigned *nfr, uint32_t *iro)
{
	*fro = VTD_FRCD_offset(cap, 0);
	*nfr = SMMU_GET(VTD_CAP_NFR, cap) + 1;
	*iro = VTD_IVA_offset(ecap, 0);
}

/* The decoders' kinds of a unit's registers start with its architecture's prefix. */
static const char *prefix(const struct smmu_unit *u)
{
	return u->arch == SMMU_ARCH_VTD ? "vtd." : u->arch == SMMU_ARCH_AMDVI ? "amdvi." : "smmuv3.";
}

static bool is_reg(const struct smmu_unit *u, const struct smmu_desc *d)
{
	const char *p = prefix(u);

	return (d->flags & SMMU_D_REGISTER) && !strncmp(d->kind, p, strlen(p));
}

/* Fill reg for descriptor d: fixed offsets as described, dynamic ones from the capability registers. */
static int place(struct smmu_unit *u, const struct smmu_desc *d, struct smmu_reg *reg)
{
	uint64_t cap, ecap;
	uint32_t fro, iro;
	unsigned nfr;
	int rc;

	*reg = (struct smmu_reg){ .desc = d, .offset = d->offset, .count = 1,
				  .stride = d->nwords * (d->width / 8) };
	if (!(d->flags & SMMU_D_DYNAMIC))
		return 0;
	if (u->arch != SMMU_ARCH_VTD)
		return -EOPNOTSUPP;
	if ((rc = reg_read64(u, VTD_CAP, &cap)) || (rc = reg_read64(u, VTD_ECAP, &ecap)))
		return rc;
	vtd_reg_places(cap, ecap, &fro, &nfr, &iro);
	if (!strcmp(d->kind, "vtd.frcd")) {
		reg->offset = fro;
		reg->count = nfr;
	} else if (!strcmp(d->kind, "vtd.iva")) {
		reg->offset = iro;
	} else if (!strcmp(d->kind, "vtd.iotlb")) {
		reg->offset = iro + 8;
	} else {
		return -EOPNOTSUPP;
	}
	return 0;
}

int smmu_reg_find(struct smmu_unit *u, const char *name, struct smmu_reg *reg)
{
	const char *p = prefix(u);
	char full[64];

	/* "cr0", "CR0" or "smmuv3.cr0" */
	if (snprintf(full, sizeof(full), "%s%s", strncasecmp(name, p, strlen(p)) ? p : "", name) >=
	    (int)sizeof(full))
		return -ENOENT;
	for (size_t i = 0; i < smmu_decoder_count(); i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if (is_reg(u, d) && !strcasecmp(d->kind, full))
			return place(u, d, reg);
	}
	return -ENOENT;
}

int smmu_reg_at(struct smmu_unit *u, size_t i, struct smmu_reg *reg)
{
	for (size_t k = 0; k < smmu_decoder_count(); k++) {
		const struct smmu_desc *d = smmu_decoder_at(k);
		if (is_reg(u, d) && !i--)
			return place(u, d, reg);
	}
	return -ENOENT;
}

int smmu_reg_read(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t *words)
{
	const struct smmu_desc *d = reg->desc;
	unsigned wbytes = d->width / 8;
	int rc;

	if (index >= reg->count)
		return -EINVAL;
	for (unsigned w = 0; w < d->nwords; w++)
		if ((rc = smmu_mmio_read(u->t, u->base + reg->offset + index * reg->stride + w * wbytes, wbytes,
					 &words[w])))
			return rc;
	return 0;
}

int smmu_reg_write(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t value)
{
	const struct smmu_desc *d = reg->desc;
	bool writable = false;

	if (index >= reg->count || d->nwords != 1)
		return -EINVAL;
	if (d->width < 64 && value >> d->width)
		return -ERANGE;
	for (const struct smmu_field *f = d->fields; f->name; f++)
		writable |= f->access != SMMU_A_RO && f->access != SMMU_A_RSVD;
	if (!writable)
		return -EPERM;
	return smmu_mmio_write(u->t, u->base + reg->offset + index * reg->stride, d->width / 8, value);
}

const char *const *smmu_unit_own_regs(const struct smmu_unit *u)
{
	/* the enables and the roots of the translation structures */
	static const char *const smmuv3[] = { "CR0", "GBPA", "STRTAB_BASE", NULL };
	static const char *const vtd[] = { "GSTS", "RTADDR", NULL };
	static const char *const amdvi[] = { "CONTROL", "DEVTAB_BASE", NULL };

	return u->arch == SMMU_ARCH_VTD ? vtd : u->arch == SMMU_ARCH_AMDVI ? amdvi : smmuv3;
}
