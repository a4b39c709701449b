/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the library's prediction against the sim model (see
 * tests/diff-fuzz.h).  The input's first byte picks the architecture; the
 * rest drives the configuration and the accesses (then a PRNG seeded from
 * the whole input).  A disagreement aborts with what differed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/diff-fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dfz_arch archs[] = { DFZ_SMMUV3, DFZ_VTD_LEGACY, DFZ_VTD_SCALABLE, DFZ_AMDVI, DFZ_SMMUV2 };
	struct dfz_stats st = { 0 };
	struct dfz_src src;
	char msg[1024];

	if (size < 1)
		return 0;
	dfz_src_bytes(&src, data + 1, size - 1);
	if (dfz_run(archs[data[0] % (sizeof(archs) / sizeof(archs[0]))], &src, 50, &st, msg, sizeof(msg))) {
		fprintf(stderr, "prediction differs from the model: %s\n", msg);
		abort();
	}
	return 0;
}
