/* SPDX-License-Identifier: MIT */
/* All descriptors in one list, and lookup by kind or unique suffix. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "decode.h"
#include "tables.h"

static const struct smmu_desc *const *const lists[] = {
	smmu_descs_smmuv3_regs, smmu_descs_smmuv3_structs, smmu_descs_smmuv3_cmds,
	smmu_descs_smmuv3_events, smmu_descs_vtd_regs, smmu_descs_vtd_structs,
	smmu_descs_pgtable, smmu_descs_smmuv2_regs,
	smmu_descs_amdvi_regs, smmu_descs_amdvi_cap, smmu_descs_amdvi_structs,
	smmu_descs_amdvi_cmds, smmu_descs_amdvi_events, smmu_descs_amdvi_pgtable,
};
/* Lists from here on came later: a bare suffix or prefix ("idr0") that an
 * earlier list also answers keeps meaning what it meant before (SMMUv3's
 * SMMU_IDR0); the later one is reached by its full kind ("smmuv2.idr0") or
 * by a name only it has ("sctlr"). */
#define FIRST_LATER_LIST 7

size_t smmu_decoder_count(void)
{
	size_t n = 0;

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (const struct smmu_desc *const *d = lists[l]; *d; d++)
			n++;
	return n;
}

const struct smmu_desc *smmu_decoder_at(size_t i)
{
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (const struct smmu_desc *const *d = lists[l]; *d; d++)
			if (i-- == 0)
				return *d;
	return NULL;
}

/* The part after the architecture prefix: "ste" of "smmuv3.ste". */
static const char *suffix(const char *kind)
{
	const char *dot = strchr(kind, '.');

	return dot ? dot + 1 : kind;
}

enum match { EXACT, SUFFIX, PREFIX };

static bool matches(const char *kind, const char *want, enum match how)
{
	switch (how) {
	case EXACT:
		return !strcasecmp(kind, want);
	case SUFFIX:
		return !strcasecmp(suffix(kind), want);
	default:
		return !strncasecmp(kind, want, strlen(want)) ||
		       !strncasecmp(suffix(kind), want, strlen(want));
	}
}

/* Exact kind, then exact suffix ("ste"), then a unique prefix of either
 * ("cmd.cfgi_ste_r").  Several hits at one level make the name ambiguous. */
int smmu_decoder_find(const char *kind, const struct smmu_desc **out, const char **candidates)
{
	static char cand[1024];
	size_t n = smmu_decoder_count();

	cand[0] = '\0';
	if (candidates)
		*candidates = cand;
	if (!*kind)
		return -ENOENT;
	size_t earlier = 0; /* descriptors in the lists before FIRST_LATER_LIST */
	for (size_t l = 0; l < FIRST_LATER_LIST; l++)
		for (const struct smmu_desc *const *d = lists[l]; *d; d++)
			earlier++;
	for (unsigned step = 0; step < 5; step++) {
		/* EXACT over all; then SUFFIX and PREFIX, earlier lists first */
		enum match how = step == 0 ? EXACT : step <= 2 ? SUFFIX : PREFIX;
		size_t from = step == 0 || step % 2 ? 0 : earlier, to = step == 0 || step % 2 == 0 ? n : earlier;
		const struct smmu_desc *found = NULL;
		size_t hits = 0;
		for (size_t i = from; i < to; i++) {
			const struct smmu_desc *d = smmu_decoder_at(i);
			if (!matches(d->kind, kind, how))
				continue;
			found = d;
			if (hits++)
				strncat(cand, ", ", sizeof(cand) - strlen(cand) - 1);
			strncat(cand, d->kind, sizeof(cand) - strlen(cand) - 1);
		}
		if (hits == 1) {
			*out = found;
			return 0;
		}
		if (hits)
			return -EINVAL;
	}
	return -ENOENT;
}
