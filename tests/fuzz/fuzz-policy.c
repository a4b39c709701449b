/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the smmuman policy reader (lib/policy.c).  Any input is parsed
 * (an exact-length heap copy, so ASan sees any overread); an accepted policy
 * must be well formed (every object has a device line, every range is
 * non-empty and inside the address space), a refused one must say
 * FILE:LINE: in one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/smmu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), err[256] = "";
	struct smmu_policy *p = NULL;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	int rc = smmu_policy_parse(copy, size, "fuzz.smmu", &p, err, sizeof(err));
	free(copy);
	if (rc) {
		if (p || strncmp(err, "fuzz.smmu:", 10) || strchr(err, '\n'))
			abort();
		return 0;
	}
	for (size_t i = 0; i < smmu_policy_obj_count(p); i++) {
		const struct smmu_policy_obj *o = smmu_policy_obj_at(p, i);
		if (!o || !o->name || !o->name[0] || !o->ndevs)
			abort();
		for (size_t r = 0; r < o->nranges; r++)
			if (!o->ranges[r].len || o->ranges[r].start + o->ranges[r].len - 1 < o->ranges[r].start ||
			    (o->ranges[r].prot & ~7u))
				abort();
	}
	smmu_policy_free(p);
	return 0;
}
