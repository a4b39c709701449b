/* SPDX-License-Identifier: MIT */
/*
 * The .def files expanded a third time: every field's generated constants
 * (the ones lib/ uses) against the descriptor row the decoders render, and
 * every register's generated offset against its descriptor's.  Every
 * descriptor of the registry is one of the .def's, and every field of it is
 * checked: nothing is sampled.
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "decoders/decode.h"

#define SMMU_DEF "decoders/smmuv3.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF
#define SMMU_DEF "decoders/vtd.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF
#define SMMU_DEF "decoders/pgtable.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF
#define SMMU_DEF "decoders/amdvi.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF
#define SMMU_DEF "decoders/smmuv2.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

Suite *suite_fields(void);

struct chk_field {
	const char *name;
	unsigned word;
	uint64_t mask; /* SMMU_MASK() of the generated constants */
};

struct chk_desc {
	const char *kind;
	const struct chk_field *fields;
	unsigned flags;    /* SMMU_D_* the .def line implies */
	uint32_t offset;   /* the generated offset constant (registers at fixed offsets) */
	bool select;
	unsigned sel_word; /* SELECT: the selector field's generated constants */
	uint64_t sel_mask;
};

/* Pass 1: one table of {name, word, mask} per layout. */
#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, width, kind, name, title)
#define REG_PAGE1(id, L, off, width, kind, name, title)
#define REG_GR1(id, L, off, width, kind, name, title)
#define REG_CB(id, L, off, width, kind, name, title)
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title)
#define STRUCT(id, L, nwords, width, kind, name, title)
#define SELECT(id, L, nwords, width, sel, kind, name, title)
#define VARIANT(id, value, member)
#define END_SELECT(id)
#define LAYOUT(L) static const struct chk_field L##_chk[] = {
#define END_LAYOUT(L) { NULL, 0, 0 } };
#define FIELD(L, Id, w, hi, lo, fmt, acc, help) { #Id, L##_##Id##_W, SMMU_MASK(L##_##Id) },
#define FIELDN(L, Id, nm, w, hi, lo, fmt, acc, help) { nm, L##_##Id##_W, SMMU_MASK(L##_##Id) },
#define FLAG(L, Id, w, b, acc, help) { #Id, L##_##Id##_W, SMMU_MASK(L##_##Id) },
#define FLAGN(L, Id, nm, w, b, acc, help) { nm, L##_##Id##_W, SMMU_MASK(L##_##Id) },
#include "decoders/smmuv3.def"
#include "decoders/vtd.def"
#include "decoders/pgtable.def"
#include "decoders/amdvi.def"
#include "decoders/smmuv2.def"
#include "decoders/def-undef.h"

/* Pass 2: every descriptor line. */
static const struct chk_desc descs[] = {
#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, wd, k, nm, ttl) { k, L##_chk, SMMU_D_REGISTER, id },
#define REG_PAGE1(id, L, off, wd, k, nm, ttl) { k, L##_chk, SMMU_D_REGISTER | SMMU_D_PAGE1, id },
#define REG_GR1(id, L, off, wd, k, nm, ttl) { k, L##_chk, SMMU_D_REGISTER | SMMU_D_GR1, id },
#define REG_CB(id, L, off, wd, k, nm, ttl) { k, L##_chk, SMMU_D_REGISTER | SMMU_D_CB, id },
#define REG_DYN(id, L, nw, wd, src, scale, add, stride, k, nm, ttl) \
	{ k, L##_chk, SMMU_D_REGISTER | SMMU_D_DYNAMIC, 0 },
#define STRUCT(id, L, nw, wd, k, nm, ttl) { k, L##_chk, 0, 0 },
#define SELECT(id, L, nw, wd, sel, k, nm, ttl) { k, L##_chk, 0, 0, true, sel##_W, SMMU_MASK(sel) },
#define VARIANT(id, value, member)
#define END_SELECT(id)
#define LAYOUT(L)
#define END_LAYOUT(L)
#define FIELD(L, Id, w, hi, lo, fmt, acc, help)
#define FIELDN(L, Id, nm, w, hi, lo, fmt, acc, help)
#define FLAG(L, Id, w, b, acc, help)
#define FLAGN(L, Id, nm, w, b, acc, help)
#include "decoders/smmuv3.def"
#include "decoders/vtd.def"
#include "decoders/pgtable.def"
#include "decoders/amdvi.def"
#include "decoders/smmuv2.def"
#include "decoders/def-undef.h"
};
#define NDESCS (sizeof(descs) / sizeof(descs[0]))

START_TEST(every_mask_matches_its_descriptor)
{
	const struct chk_desc *c = &descs[_i];
	const struct smmu_desc *d = NULL;
	size_t n = 0, nd = 0;

	ck_assert_int_eq(smmu_decoder_find(c->kind, &d, NULL), 0);
	ck_assert_str_eq(d->kind, c->kind);
	ck_assert_msg(d->flags == c->flags, "%s: flags %u, the .def says %u", c->kind, d->flags, c->flags);
	if ((c->flags & SMMU_D_REGISTER) && !(c->flags & SMMU_D_DYNAMIC))
		ck_assert_msg(d->offset == c->offset, "%s: descriptor offset 0x%x, generated 0x%x", c->kind,
			      d->offset, c->offset);
	if (c->select)
		ck_assert_msg(d->variants && d->sel_word == c->sel_word &&
				      SMMU_GENMASK(d->sel_hi, d->sel_lo) == c->sel_mask,
			      "%s: selector", c->kind);
	else
		ck_assert_ptr_null(d->variants);
	for (const struct chk_field *f = c->fields; f->name; f++, n++) {
		const struct smmu_field *g = smmu_desc_field(d, f->name);
		ck_assert_msg(g, "%s has no field %s", c->kind, f->name);
		ck_assert_msg(g->word == f->word && SMMU_GENMASK(g->hi, g->lo) == f->mask,
			      "%s.%s: generated word %u mask 0x%llx, descriptor word %u [%u:%u]", c->kind,
			      f->name, f->word, (unsigned long long)f->mask, g->word, g->hi, g->lo);
	}
	for (const struct smmu_field *g = d->fields; g && g->name; g++)
		nd++;
	ck_assert_msg(n == nd, "%s: %zu generated fields, %zu in the descriptor", c->kind, n, nd);
}
END_TEST

/* The .def lines are the registry: no descriptor is written anywhere else. */
START_TEST(every_descriptor_comes_from_a_def)
{
	ck_assert_uint_eq(NDESCS, smmu_decoder_count());
	for (size_t i = 0; i < NDESCS; i++)
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(descs[i].kind, descs[j].kind), "%s twice", descs[i].kind);
	for (size_t i = 0; i < smmu_decoder_count(); i++) {
		const char *kind = smmu_decoder_at(i)->kind;
		size_t j = 0;
		while (j < NDESCS && strcmp(descs[j].kind, kind))
			j++;
		ck_assert_msg(j < NDESCS, "%s is not described in a .def", kind);
	}
}
END_TEST

/* Registers that move with the capability registers. */
START_TEST(dynamic_offsets)
{
	uint64_t cap = SMMU_PREP(VTD_CAP_FRO, 0x22), ecap = SMMU_PREP(VTD_ECAP_IRO, 0x50);

	ck_assert_uint_eq(VTD_FRCD_offset(cap, 0), 0x220);
	ck_assert_uint_eq(VTD_FRCD_offset(cap, 3), 0x250);
	ck_assert_uint_eq(VTD_IVA_offset(ecap, 0), 0x500);
	ck_assert_uint_eq(VTD_IOTLB_offset(ecap, 0), 0x508);
	/* SMMUv3 page 1 registers carry the page in their offset */
	ck_assert_uint_eq(SMMUV3_EVENTQ_PROD, 0x100a8);
	ck_assert_uint_eq(SMMUV3_PRIQ_CONS, 0x100cc);
}
END_TEST

/* The accessors themselves, on fields that span words and bit 63. */
START_TEST(accessors)
{
	uint64_t ste[8] = { 0 };

	SMMU_SETW(SMMUV3_STE_S2VMID, ste, 0x1234);
	SMMU_SETW(SMMUV3_STE_S1CDMax, ste, 0x1f);
	ck_assert_uint_eq(ste[2], 0x1234);
	ck_assert_uint_eq(ste[0], 0xf800000000000000ull);
	ck_assert_uint_eq(SMMU_GETW(SMMUV3_STE_S1CDMax, ste), 0x1f);
	ck_assert_uint_eq(SMMU_PREP(SMMUV3_STE_Config, 0xff), 0xe);
	ck_assert_uint_eq(SMMU_MASK(SMMUV3_STE_S1ContextPtr), 0x00ffffffffffffc0ull);
	ste[0] = ~0ull;
	ck_assert_uint_eq(SMMU_ADDRW(SMMUV3_L1STD_L2Ptr, ste), 0x00ffffffffffffc0ull);
	ck_assert_uint_eq(SMMU_GET(VTD_FRCD_F, 1ull << 63), 1);
}
END_TEST

Suite *suite_fields(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("def");

	tcase_add_loop_test(tc, every_mask_matches_its_descriptor, 0, (int)NDESCS);
	tcase_add_test(tc, every_descriptor_comes_from_a_def);
	tcase_add_test(tc, dynamic_offsets);
	tcase_add_test(tc, accessors);
	suite_add_tcase(s, tc);
	return s;
}
