/* SPDX-License-Identifier: MIT */
/* libFuzzer: any bytes as a kind name and as raw words of any descriptor. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct smmu_desc *d;
	const char *cands;
	uint64_t words[8] = { 0 };
	char name[64];
	size_t n = smmu_decoder_count();

	if (size < 2)
		return 0;
	/* the lookup parser: the input's first bytes as a name */
	size_t nlen = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	(void)smmu_decoder_find(name, &d, &cands);

	d = smmu_decoder_at(((size_t)data[0] << 8 | data[1]) % n);
	memcpy(words, data + 2, size - 2 < sizeof(words) ? size - 2 : sizeof(words));
	if (d->width == 32)
		for (unsigned w = 0; w < 8; w++)
			words[w] &= 0xffffffffu;

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct smmu_json j;
	smmu_render_text(f, d, words, 0);
	smmu_render_text(f, d, words, SMMU_R_VERBOSE);
	smmu_json_init(&j, f, data[0] & 1);
	smmu_render_json(&j, d, words);
	fclose(f);
	free(buf);
	return 0;
}
