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
	smmu_descs_pgtable,
};

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

/* "ste" matches "smmuv3.ste"; "cmd.sync" matches "smmuv3.cmd.sync". */
static bool suffix_match(const char *kind, const char *want)
{
	const char *dot = strchr(kind, '.');

	return dot && !strcasecmp(dot + 1, want);
}

int smmu_decoder_find(const char *kind, const struct smmu_desc **out, const char **candidates)
{
	static char cand[512];
	const struct smmu_desc *found = NULL;
	size_t n = smmu_decoder_count(), hits = 0;

	cand[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if (!strcasecmp(d->kind, kind)) {
			*out = d;
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if (!suffix_match(d->kind, kind))
			continue;
		found = d;
		if (hits++)
			strncat(cand, ", ", sizeof(cand) - strlen(cand) - 1);
		strncat(cand, d->kind, sizeof(cand) - strlen(cand) - 1);
	}
	if (candidates)
		*candidates = cand;
	if (hits == 1) {
		*out = found;
		return 0;
	}
	return hits ? -EINVAL : -ENOENT;
}
