/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: any bytes as an ACPI table, through the signature dispatch and
 * both renderers; then the same bytes forced to look like a DMAR and like an
 * IORT (signature and length patched in), so that random input reaches the
 * structure parsers instead of stopping at the header.  Each parser gets an
 * exactly-sized heap copy, so ASan sees a read one byte past the table.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *copy_as(const uint8_t *data, size_t size, const char *sig)
{
	uint8_t *b = malloc(size ? size : 1);

	if (!b)
		return NULL;
	memcpy(b, data, size);
	if (sig && size >= 8) {
		memcpy(b, sig, 4);
		/* the claimed length is the real one, most of the time */
		if (!(data[0] & 0x80))
			for (int i = 0; i < 4; i++)
				b[4 + i] = (uint8_t)(size >> (8 * i));
	}
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct smmu_json j;
	uint8_t *b;

	if (!out)
		return 0;
	b = copy_as(data, size, NULL);
	if (b) {
		if (!smmu_acpi_render_text(out, b, size, size & 1, err, sizeof(err))) {
			smmu_json_init(&j, out, size & 2);
			if (smmu_acpi_render_json(&j, b, size, err, sizeof(err)))
				abort(); /* the text renderer accepted it: JSON must too */
			smmu_json_done(&j);
		} else if (!err[0] || strchr(err, '\n')) {
			abort(); /* an error is exactly one line */
		}
		free(b);
	}

	b = copy_as(data, size, "DMAR");
	if (b) {
		struct smmu_acpi_dmar *d;

		if (!smmu_acpi_dmar_parse(b, size, &d, err, sizeof(err))) {
			smmu_acpi_dmar_print(out, d, 1);
			smmu_json_init(&j, out, false);
			smmu_acpi_dmar_json(&j, d);
			smmu_json_done(&j);
			smmu_acpi_dmar_free(d);
		}
		free(b);
	}

	b = copy_as(data, size, "IORT");
	if (b) {
		struct smmu_acpi_iort *t;

		if (!smmu_acpi_iort_parse(b, size, &t, err, sizeof(err))) {
			smmu_acpi_iort_print(out, t, 1);
			smmu_json_init(&j, out, false);
			smmu_acpi_iort_json(&j, t);
			smmu_json_done(&j);
			smmu_acpi_iort_free(t);
		}
		free(b);
	}
	fclose(out);
	free(text);
	return 0;
}
