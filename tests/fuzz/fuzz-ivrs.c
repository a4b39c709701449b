/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: any bytes as an IVRS (signature and, most of the time, length
 * patched in) through the parser, both renderers and the DeviceID ranges the
 * parser derives; every range must lie inside 0..0xffff and start before it
 * ends.  Each parse gets an exactly-sized heap copy, so ASan sees a read one
 * byte past the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL, err[256];
	size_t len = 0;
	struct smmu_acpi_ivrs *t;
	struct smmu_json j;
	uint8_t *b = malloc(size ? size : 1);
	FILE *out;

	if (!b)
		return 0;
	memcpy(b, data, size);
	if (size >= 8) {
		memcpy(b, "IVRS", 4);
		if (!(data[0] & 0x80))
			for (int i = 0; i < 4; i++)
				b[4 + i] = (uint8_t)(size >> (8 * i));
	}
	out = open_memstream(&text, &len);
	if (!out) {
		free(b);
		return 0;
	}
	if (!smmu_acpi_ivrs_parse(b, size, &t, err, sizeof(err))) {
		for (size_t i = 0; i < t->nblocks; i++)
			for (size_t k = 0; k < t->blocks[i].nranges; k++)
				if (t->blocks[i].ranges[k].first > t->blocks[i].ranges[k].last)
					abort();
		smmu_acpi_ivrs_print(out, t, size & 1);
		smmu_json_init(&j, out, size & 2);
		smmu_acpi_ivrs_json(&j, t);
		smmu_json_done(&j);
		smmu_acpi_ivrs_free(t);
		if (smmu_acpi_render_text(out, b, size, 0, err, sizeof(err)))
			abort(); /* the parser accepted it: so must the dispatch */
	} else if (!err[0] || strchr(err, '\n')) {
		abort(); /* an error is exactly one line */
	}
	fclose(out);
	free(text);
	free(b);
	return 0;
}
