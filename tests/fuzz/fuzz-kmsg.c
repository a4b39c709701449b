/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the kernel-log fault parser (lib/kmsg-parse.c).  The input is
 * a log: fed line by line (as the backend does, with exact-length copies
 * on the heap so ASan sees any overread), then whole as one line.  Every
 * fault it returns must be a well-formed record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct smmu_kmsg_fault *f)
{
	switch (f->kind) {
	case SMMU_KMSG_VTD:
	case SMMU_KMSG_VTD_IR:
		if (f->nraw != 2 || !(f->raw[1] >> 63)) /* F is set in a record */
			abort();
		break;
	case SMMU_KMSG_SMMUV3:
		if (f->nraw != 4 || !memchr(f->dev, '\0', sizeof(f->dev)))
			abort();
		break;
	case SMMU_KMSG_AMDVI:
		/* the 16-byte entry, the IOMMU name (if any) terminated */
		if (f->nraw != 2 || !memchr(f->dev, '\0', sizeof(f->dev)))
			abort();
		break;
	default:
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	size_t start = 0;

	smmu_kmsg_init(&p);
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t n = i - start;
		char *line = malloc(n ? n : 1);
		if (!line)
			return 0;
		memcpy(line, data + start, n);
		if (smmu_kmsg_parse(&p, line, n, &f) == 1)
			check(&f);
		free(line);
		start = i + 1;
	}
	char *all = malloc(size ? size : 1);
	if (!all)
		return 0;
	memcpy(all, data, size);
	smmu_kmsg_init(&p);
	if (smmu_kmsg_parse(&p, all, size, &f) == 1)
		check(&f);
	free(all);
	return 0;
}
