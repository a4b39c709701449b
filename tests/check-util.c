/* SPDX-License-Identifier: MIT */
/* Helpers shared by the Check suites (check-util.h). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

const struct smmu_desc *want_desc(const char *kind)
{
	const struct smmu_desc *d = NULL;
	const char *cands;

	ck_assert_msg(smmu_decoder_find(kind, &d, &cands) == 0, "no descriptor '%s'", kind);
	return d;
}

void expect_field_at(const char *file, int line, const char *kind, const uint64_t *words,
		     const char *name, uint64_t value)
{
	uint64_t got;

	ck_assert_msg(smmu_decode_get(want_desc(kind), words, name, &got) == 0,
		      "%s:%d: %s has no field %s", file, line, kind, name);
	ck_assert_msg(got == value, "%s:%d: %s.%s = 0x%llx, expected 0x%llx", file, line, kind,
		      name, (unsigned long long)got, (unsigned long long)value);
}

void expect_enum_at(const char *file, int line, const char *kind, const uint64_t *words,
		    const char *name, const char *ename)
{
	const struct smmu_desc *d = smmu_desc_resolve(want_desc(kind), words, NULL);
	const struct smmu_field *f = smmu_desc_field(d, name);
	const char *got;

	ck_assert_msg(f, "%s:%d: %s has no field %s", file, line, kind, name);
	got = smmu_enum_name(f, smmu_field_raw(f, words));
	ck_assert_msg(got && !strcmp(got, ename), "%s:%d: %s.%s names '%s', expected '%s'", file,
		      line, kind, name, got ? got : "(none)", ename);
}

static char *render_text(const char *kind, const uint64_t *words, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert(f);
	ck_assert_int_eq(smmu_render_text(f, want_desc(kind), words, flags), 0);
	fclose(f);
	return buf;
}

void expect_text_at(const char *file, int line, const char *kind, const uint64_t *words,
		    unsigned flags, const char *needle)
{
	char *text = render_text(kind, words, flags);

	ck_assert_msg(strstr(text, needle), "%s:%d: '%s' not in:\n%s", file, line, needle, text);
	free(text);
}

unsigned decode_warnings(const char *kind, const uint64_t *words)
{
	return smmu_decode_warnings(want_desc(kind), words);
}

char *render_json_checked(const char *kind, const uint64_t *words)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct smmu_json j;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;

	ck_assert(f);
	smmu_json_init(&j, f, false);
	smmu_render_json(&j, want_desc(kind), words);
	fclose(f);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	ck_assert_msg(obj && json_tokener_get_error(tok) == json_tokener_success,
		      "%s: invalid JSON: %s", kind, buf);
	ck_assert_msg(json_object_is_type(obj, json_type_object), "%s: not an object", kind);
	json_object_put(obj);
	json_tokener_free(tok);
	return buf;
}
