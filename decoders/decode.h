/* SPDX-License-Identifier: MIT */
/*
 * Public decoder API: find a descriptor by kind and render raw words as text
 * for people or as JSON.  Renderers write to a caller's FILE; they never
 * print on their own.
 */
#ifndef SMMU_DECODE_H
#define SMMU_DECODE_H

#include <stdio.h>

#include "smmu-export.h"
#include "field.h"
#include "json.h"

enum smmu_render_flags {
	SMMU_R_VERBOSE = 1 << 0, /* one field a line, with bits and meaning */
	SMMU_R_NOHEAD  = 1 << 1, /* omit the "NAME 0x..." header line */
};

/* Look a kind up: an exact kind ("smmuv3.ste"), else a unique suffix after the
 * architecture prefix ("ste", "idr0").  -ENOENT when nothing matches, -EINVAL
 * when a suffix is ambiguous (then *candidates lists them, comma-separated, in
 * a static buffer). */
SMMU_EXPORT int smmu_decoder_find(const char *kind, const struct smmu_desc **out, const char **candidates);

/* Every descriptor, for listing and for the self-check test. */
SMMU_EXPORT size_t smmu_decoder_count(void);
SMMU_EXPORT const struct smmu_desc *smmu_decoder_at(size_t i);

/* Render `words` (d->nwords of them) as described.  Return 0 or -errno. */
SMMU_EXPORT int smmu_render_text(FILE *out, const struct smmu_desc *d, const uint64_t *words, unsigned flags);
/* One JSON object: kind, name, words, fields, warnings. */
SMMU_EXPORT void smmu_render_json(struct smmu_json *j, const struct smmu_desc *d, const uint64_t *words);

/* How many reserved-bit / unknown-variant warnings a decode has (0 = clean). */
SMMU_EXPORT unsigned smmu_decode_warnings(const struct smmu_desc *d, const uint64_t *words);

#endif
