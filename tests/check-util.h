/* SPDX-License-Identifier: MIT */
/* Helpers shared by the Check suites. */
#ifndef SMMU_CHECK_UTIL_H
#define SMMU_CHECK_UTIL_H

#include <check.h>
#include <stdint.h>

#include "decoders/decode.h"

/* The descriptor for a kind; fails the test when there is none. */
const struct smmu_desc *want_desc(const char *kind);
/* Field `name` of `kind` decoded from words equals `value`. */
#define expect_field(kind, words, name, value) \
	expect_field_at(__FILE__, __LINE__, kind, words, name, value)
void expect_field_at(const char *file, int line, const char *kind, const uint64_t *words,
		     const char *name, uint64_t value);
/* Field `name` renders as enum name `ename`. */
#define expect_enum(kind, words, name, ename) \
	expect_enum_at(__FILE__, __LINE__, kind, words, name, ename)
void expect_enum_at(const char *file, int line, const char *kind, const uint64_t *words,
		    const char *name, const char *ename);
/* The text rendering (default or verbose flags) contains `needle`. */
#define expect_text(kind, words, flags, needle) \
	expect_text_at(__FILE__, __LINE__, kind, words, flags, needle)
void expect_text_at(const char *file, int line, const char *kind, const uint64_t *words,
		    unsigned flags, const char *needle);
/* Number of warnings (reserved bits set, unknown variant) in the decode. */
unsigned decode_warnings(const char *kind, const uint64_t *words);
/* Renders JSON to a string (caller frees) and checks it with a JSON parser. */
char *render_json_checked(const char *kind, const uint64_t *words);

#endif
