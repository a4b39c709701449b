/* SPDX-License-Identifier: MIT */
/*
 * The descriptor tables checked as data: every field inside its word, no two
 * fields overlapping, every enum value fitting and named once, every variant
 * consistent; the renderer's format on a descriptor of our own; and the list
 * of structures smmush promises to decode.
 */
#include <json-c/json.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

static void check_fields(const struct smmu_desc *d)
{
	ck_assert_msg(d->kind && d->name && d->title, "descriptor without kind/name/title");
	ck_assert_msg(d->nwords >= 1 && d->nwords <= 8, "%s: %u words", d->kind, d->nwords);
	ck_assert_msg(d->width == 32 || d->width == 64, "%s: width %u", d->kind, d->width);
	ck_assert_msg(d->fields && d->fields[0].name, "%s: no fields", d->kind);
	for (const char *c = d->kind; *c; c++)
		ck_assert_msg(!(*c >= 'A' && *c <= 'Z') && *c != ' ', "%s: kind not lowercase", d->kind);

	for (const struct smmu_field *f = d->fields; f->name; f++) {
		ck_assert_msg(f->name[0], "%s: empty field name", d->kind);
		ck_assert_msg(f->help && f->help[0], "%s.%s: no help", d->kind, f->name);
		ck_assert_msg(f->word < d->nwords, "%s.%s: word %u outside %u words", d->kind,
			      f->name, f->word, d->nwords);
		ck_assert_msg(f->lo <= f->hi && f->hi < d->width, "%s.%s: bits %u:%u outside %u-bit word",
			      d->kind, f->name, f->hi, f->lo, d->width);
		ck_assert_msg(f->fmt <= SMMU_F_IGNORED && f->access <= SMMU_A_RSVD, "%s.%s: bad fmt/access",
			      d->kind, f->name);
		if (f->fmt == SMMU_F_FLAG)
			ck_assert_msg(f->hi == f->lo, "%s.%s: a flag wider than one bit", d->kind, f->name);
		ck_assert_msg((f->fmt == SMMU_F_ENUM) == (f->enums != NULL),
			      "%s.%s: enums only and always on ENUM fields", d->kind, f->name);
		for (const struct smmu_field *g = d->fields; g < f; g++) {
			ck_assert_msg(strcmp(f->name, g->name), "%s: field %s twice", d->kind, f->name);
			ck_assert_msg(g->word != f->word || g->hi < f->lo || f->hi < g->lo,
				      "%s: %s [%u:%u] overlaps %s [%u:%u]", d->kind, f->name, f->hi,
				      f->lo, g->name, g->hi, g->lo);
		}
		for (const struct smmu_enum *e = f->enums; e && e->name; e++) {
			ck_assert_msg(e->name[0], "%s.%s: empty enum name", d->kind, f->name);
			ck_assert_msg(f->hi - f->lo == 63 || e->value >> (f->hi - f->lo + 1) == 0,
				      "%s.%s: enum %s (%llu) does not fit %u bits", d->kind, f->name,
				      e->name, (unsigned long long)e->value, f->hi - f->lo + 1);
			for (const struct smmu_enum *o = f->enums; o < e; o++)
				ck_assert_msg(o->value != e->value, "%s.%s: value %llu named twice",
					      d->kind, f->name, (unsigned long long)e->value);
		}
	}
}

static void check_variants(const struct smmu_desc *d)
{
	if (!d->variants)
		return;
	ck_assert_msg(d->sel_word < d->nwords && d->sel_lo <= d->sel_hi && d->sel_hi < d->width,
		      "%s: selector outside the value", d->kind);
	for (const struct smmu_variant *v = d->variants; v->desc; v++) {
		const struct smmu_desc *vd = v->desc;
		ck_assert_msg(vd->nwords == d->nwords && vd->width == d->width,
			      "%s: variant %s has another size", d->kind, vd->kind);
		ck_assert_msg(v->value >> (d->sel_hi - d->sel_lo + 1) == 0,
			      "%s: variant %s value does not fit the selector", d->kind, vd->kind);
		for (const struct smmu_variant *o = d->variants; o < v; o++)
			ck_assert_msg(o->value != v->value, "%s: two variants for %llu", d->kind,
				      (unsigned long long)v->value);
		/* The variant's own layout must keep the selector where the base has it. */
		bool has_sel = false;
		for (const struct smmu_field *f = vd->fields; f->name; f++)
			if (f->word == d->sel_word && f->lo == d->sel_lo && f->hi == d->sel_hi)
				has_sel = true;
		ck_assert_msg(has_sel, "%s: variant %s lacks the selector field", d->kind, vd->kind);
	}
}

START_TEST(tables_are_consistent)
{
	size_t n = smmu_decoder_count();

	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		check_fields(d);
		check_variants(d);
		for (size_t k = 0; k < i; k++)
			ck_assert_msg(strcmp(d->kind, smmu_decoder_at(k)->kind), "kind %s twice", d->kind);
	}
}
END_TEST

/* Every descriptor renders zeros, ones and a pattern as text and as valid JSON. */
START_TEST(every_descriptor_renders)
{
	static const uint64_t patterns[] = { 0, ~0ULL, 0x0123456789abcdefULL, 0xa5a5a5a55a5a5a5aULL };
	size_t n = smmu_decoder_count();

	for (size_t i = 0; i < n; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
			uint64_t words[8];
			uint64_t mask = d->width == 64 ? ~0ULL : (1ULL << d->width) - 1;
			for (unsigned w = 0; w < 8; w++)
				words[w] = (patterns[p] >> w | patterns[p] << (64 - w) * (w != 0)) & mask;
			char *text = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&text, &len);
			ck_assert_int_eq(smmu_render_text(f, d, words, 0), 0);
			ck_assert_int_eq(smmu_render_text(f, d, words, SMMU_R_VERBOSE), 0);
			fclose(f);
			ck_assert_msg(len > 0, "%s rendered nothing", d->kind);
			free(text);
			free(render_json_checked(d->kind, words));
		}
	}
}
END_TEST

/* --- the renderer's format, on a descriptor of this test's own ------------ */
static const struct smmu_enum demo_mode[] = { { 0, "Off" }, { 2, "Fast" }, { .name = NULL } };
static const struct smmu_field demo_fields[] = {
	SMMU_BIT("EN", 0, 0, .help = "Enable"),
	SMMU_BIT("BUSY", 0, 1, .access = SMMU_A_RO, .help = "Busy"),
	SMMU_FLD("MODE", 0, 5, 4, ENUM, .enums = demo_mode, .help = "Mode"),
	SMMU_FLD("COUNT", 0, 11, 8, DEC, .bias = 1, .help = "Count, minus one"),
	SMMU_FLD("SIZE", 0, 15, 12, LOG2, .help = "log2 of the size"),
	SMMU_FLD("BASE", 0, 31, 20, ADDR, .help = "Base address"),
	SMMU_BIT("ERR", 0, 6, .access = SMMU_A_W1C, .help = "Error"),
	SMMU_FLD_END,
};
static const struct smmu_desc demo = {
	.kind = "test.demo", .name = "DEMO", .title = "renderer test", .nwords = 1, .width = 32,
	.fields = demo_fields,
};

static char *render(const uint64_t *w, unsigned flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(smmu_render_text(f, &demo, w, flags), 0);
	fclose(f);
	return text;
}

START_TEST(text_format)
{
	/* EN=1 BUSY=0 MODE=2 COUNT=3 (+1 = 4) SIZE=12 BASE=0x123 << 20 */
	uint64_t w[1] = { 0x1 | 2 << 4 | 3 << 8 | 12 << 12 | 0x123ULL << 20 };
	char *t = render(w, 0);

	ck_assert_msg(strstr(t, "DEMO = 0x1230c321\n"), "%s", t);
	ck_assert_msg(strstr(t, "EN+"), "%s", t);
	ck_assert_msg(strstr(t, "BUSY-"), "%s", t);
	ck_assert_msg(strstr(t, "MODE=Fast"), "%s", t);
	ck_assert_msg(strstr(t, "COUNT=4\n"), "%s", t);
	ck_assert_msg(strstr(t, "SIZE=2^12"), "%s", t);
	ck_assert_msg(strstr(t, "BASE=0x12300000"), "%s", t);
	ck_assert_msg(!strstr(t, "warning"), "%s", t);
	free(t);

	w[0] = 1 << 4 | 1 << 7 | 1 << 16; /* MODE=1 has no name; bits 7 and 16 are reserved */
	t = render(w, 0);
	ck_assert_msg(strstr(t, "MODE=??1"), "%s", t);
	ck_assert_msg(strstr(t, "warning: reserved bits set: 0x00010080"), "%s", t);
	free(t);

	t = render(w, SMMU_R_VERBOSE);
	ck_assert_msg(strstr(t, "[5:4     ] Mode"), "%s", t);
	ck_assert_msg(strstr(t, "Error (W1C)"), "%s", t);
	free(t);
	ck_assert_uint_eq(smmu_decode_warnings(&demo, w), 1);
}
END_TEST

START_TEST(json_format)
{
	uint64_t w[1] = { 0x1 | 2 << 4 | 3 << 8 | 12 << 12 | 0x123ULL << 20 | 1 << 7 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct smmu_json j;

	smmu_json_init(&j, f, true);
	smmu_render_json(&j, &demo, w);
	fclose(f);
	struct json_object *o = json_tokener_parse(text), *fields, *v, *warn;
	ck_assert_msg(o, "invalid JSON: %s", text);
	ck_assert(json_object_object_get_ex(o, "fields", &fields));
	ck_assert(json_object_object_get_ex(fields, "EN", &v) && json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(fields, "COUNT", &v) && json_object_get_int(v) == 4);
	ck_assert(json_object_object_get_ex(fields, "BASE", &v));
	ck_assert_str_eq(json_object_get_string(v), "0x12300000");
	ck_assert(json_object_object_get_ex(fields, "MODE", &v));
	ck_assert(json_object_object_get_ex(v, "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "Fast");
	ck_assert(json_object_object_get_ex(o, "warnings", &warn));
	ck_assert_int_eq(json_object_array_length(warn), 1);
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(json_escapes_everything)
{
	char raw[64], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct smmu_json j;

	for (int i = 0; i < 32; i++)
		raw[i] = (char)(i + 1);   /* every control byte (and NUL-free) */
	memcpy(raw + 31, "\"\\\x7f\x80\xff/", 7);
	smmu_json_init(&j, f, false);
	smmu_json_obj_begin(&j);
	smmu_json_key(&j, "k\n\"");
	smmu_json_strn(&j, raw, 38);
	smmu_json_obj_end(&j);
	smmu_json_done(&j);
	fclose(f);
	struct json_object *o = json_tokener_parse(text), *v;
	ck_assert_msg(o, "invalid JSON: %s", text);
	ck_assert(json_object_object_get_ex(o, "k\n\"", &v));
	ck_assert_int_eq(json_object_get_string_len(v) > 30, 1);
	json_object_put(o);
	free(text);
}
END_TEST

START_TEST(lookup_by_name)
{
	const struct smmu_desc *d;
	const char *cands;

	ck_assert_int_eq(smmu_decoder_find("smmuv3.ste", &d, &cands), 0);
	ck_assert_str_eq(d->kind, "smmuv3.ste");
	ck_assert_int_eq(smmu_decoder_find("STE", &d, &cands), 0);
	ck_assert_str_eq(d->kind, "smmuv3.ste");
	ck_assert_int_eq(smmu_decoder_find("no-such-thing", &d, &cands), -ENOENT);
	ck_assert_int_eq(smmu_decoder_find("", &d, &cands), -ENOENT);
	/* a unique prefix finds one; a shared one lists every candidate */
	ck_assert_int_eq(smmu_decoder_find("cmd.cfgi_ste_r", &d, &cands), 0);
	ck_assert_str_eq(d->kind, "smmuv3.cmd.cfgi_ste_range");
	ck_assert_int_eq(smmu_decoder_find("cmd.cfgi", &d, &cands), -EINVAL);
	ck_assert_msg(strstr(cands, "smmuv3.cmd.cfgi_ste") && strstr(cands, "smmuv3.cmd.cfgi_cd"),
		      "%s", cands);
}
END_TEST

/* What the issue promises: each of these kinds exists. */
static const char *const required[] = {
	"smmuv3.idr0", "smmuv3.idr1", "smmuv3.idr2", "smmuv3.idr3", "smmuv3.idr4", "smmuv3.idr5",
	"smmuv3.iidr", "smmuv3.aidr", "smmuv3.cr0", "smmuv3.cr0ack", "smmuv3.cr1", "smmuv3.cr2",
	"smmuv3.statusr", "smmuv3.gbpa", "smmuv3.agbpa", "smmuv3.irq_ctrl", "smmuv3.irq_ctrlack",
	"smmuv3.gerror", "smmuv3.gerrorn", "smmuv3.gerror_irq_cfg0", "smmuv3.gerror_irq_cfg1",
	"smmuv3.gerror_irq_cfg2", "smmuv3.strtab_base", "smmuv3.strtab_base_cfg", "smmuv3.cmdq_base",
	"smmuv3.cmdq_prod", "smmuv3.cmdq_cons", "smmuv3.eventq_base", "smmuv3.eventq_prod",
	"smmuv3.eventq_cons", "smmuv3.eventq_irq_cfg0", "smmuv3.eventq_irq_cfg1",
	"smmuv3.eventq_irq_cfg2", "smmuv3.priq_base", "smmuv3.priq_prod", "smmuv3.priq_cons",
	"smmuv3.priq_irq_cfg0", "smmuv3.priq_irq_cfg1", "smmuv3.priq_irq_cfg2",
	"smmuv3.ste", "smmuv3.l1std", "smmuv3.cd", "smmuv3.l1cd", "smmuv3.cmd", "smmuv3.event",
	"smmuv3.pri",
	"smmuv3.cmd.prefetch_config", "smmuv3.cmd.prefetch_addr", "smmuv3.cmd.cfgi_ste",
	"smmuv3.cmd.cfgi_ste_range", "smmuv3.cmd.cfgi_cd", "smmuv3.cmd.cfgi_cd_all",
	"smmuv3.cmd.tlbi_nh_all", "smmuv3.cmd.tlbi_nh_asid", "smmuv3.cmd.tlbi_nh_va",
	"smmuv3.cmd.tlbi_s12_vmall", "smmuv3.cmd.tlbi_s2_ipa", "smmuv3.cmd.tlbi_nsnh_all",
	"smmuv3.cmd.atc_inv", "smmuv3.cmd.pri_resp", "smmuv3.cmd.resume", "smmuv3.cmd.stall_term",
	"smmuv3.cmd.cmd_sync",
	"smmuv3.event.f_translation", "smmuv3.event.c_bad_ste", "smmuv3.event.f_permission",
	"smmuv3.event.f_access", "smmuv3.event.f_addr_size", "smmuv3.event.f_ste_fetch",
	"vtd.ver", "vtd.cap", "vtd.ecap", "vtd.gcmd", "vtd.gsts", "vtd.rtaddr", "vtd.ccmd",
	"vtd.fsts", "vtd.fectl", "vtd.fedata", "vtd.feaddr", "vtd.feuaddr", "vtd.frcd", "vtd.aflog",
	"vtd.pmen", "vtd.plmbase", "vtd.plmlimit", "vtd.phmbase", "vtd.phmlimit", "vtd.iqh",
	"vtd.iqt", "vtd.iqa", "vtd.ics", "vtd.iectl", "vtd.irta", "vtd.pqh", "vtd.pqt", "vtd.pqa",
	"vtd.prs", "vtd.iotlb", "vtd.iva",
	"vtd.root", "vtd.ctx", "vtd.sm.root", "vtd.sm.ctx", "vtd.pasid.dir", "vtd.pasid", "vtd.inv",
	"vtd.fault-reason",
	"lpae.s1.table", "lpae.s1.block", "lpae.s1.page", "lpae.s2.table", "lpae.s2.block",
	"lpae.s2.page", "vtd.sl.pte", "vtd.fl.pte",
};

START_TEST(every_promised_kind_exists)
{
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct smmu_desc *d;
		const char *cands;
		ck_assert_msg(smmu_decoder_find(required[i], &d, &cands) == 0, "no decoder for %s",
			      required[i]);
	}
}
END_TEST

Suite *suite_decoders(void);
Suite *suite_decoders(void)
{
	Suite *s = suite_create("decoders");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, tables_are_consistent);
	tcase_add_test(tc, every_descriptor_renders);
	tcase_add_test(tc, every_promised_kind_exists);
	tcase_add_test(tc, lookup_by_name);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, text_format);
	tcase_add_test(tc, json_format);
	tcase_add_test(tc, json_escapes_everything);
	suite_add_tcase(s, tc);
	return s;
}
