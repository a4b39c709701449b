/* SPDX-License-Identifier: MIT */
/* Queries over field descriptors (field.h). */
#include <errno.h>
#include <string.h>

#include "field.h"

static uint64_t field_mask(const struct smmu_field *f)
{
	return SMMU_GENMASK(f->hi, f->lo);
}

uint64_t smmu_field_raw(const struct smmu_field *f, const uint64_t *words)
{
	return (words[f->word] & field_mask(f)) >> f->lo;
}

const char *smmu_enum_name(const struct smmu_field *f, uint64_t value)
{
	for (const struct smmu_enum *e = f->enums; e && e->name; e++)
		if (e->value == value)
			return e->name;
	return NULL;
}

const struct smmu_desc *smmu_desc_resolve(const struct smmu_desc *d, const uint64_t *words,
					  bool *matched)
{
	if (matched)
		*matched = true;
	if (!d->variants)
		return d;
	uint64_t sel = (words[d->sel_word] & SMMU_GENMASK(d->sel_hi, d->sel_lo)) >> d->sel_lo;
	for (const struct smmu_variant *v = d->variants; v->desc; v++)
		if (v->value == sel)
			return v->desc;
	if (matched)
		*matched = false;
	return d;
}

const struct smmu_field *smmu_desc_field(const struct smmu_desc *d, const char *name)
{
	for (const struct smmu_field *f = d->fields; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

int smmu_decode_get(const struct smmu_desc *d, const uint64_t *words, const char *field,
		    uint64_t *value)
{
	const struct smmu_field *f = smmu_desc_field(smmu_desc_resolve(d, words, NULL), field);

	if (!f)
		return -ENOENT;
	*value = smmu_field_raw(f, words);
	return 0;
}

uint64_t smmu_desc_reserved_set(const struct smmu_desc *d, const uint64_t *words, unsigned w)
{
	uint64_t covered = 0, rsvd = 0;
	uint64_t all = d->width == 64 ? ~0ULL : SMMU_GENMASK(d->width - 1, 0);

	for (const struct smmu_field *f = d->fields; f && f->name; f++) {
		if (f->word != w)
			continue;
		if (f->access == SMMU_A_RSVD)
			rsvd |= field_mask(f);
		else
			covered |= field_mask(f);
	}
	return words[w] & ((all & ~covered) | rsvd);
}
