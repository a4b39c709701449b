/* SPDX-License-Identifier: MIT */
/*
 * A small streaming JSON writer: one place that knows commas, nesting and
 * escaping, so every JSON smmush prints is valid (every control byte escaped).
 */
#ifndef SMMU_JSON_H
#define SMMU_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smmu-export.h"

#define SMMU_JSON_MAX_DEPTH 32

struct smmu_json {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[SMMU_JSON_MAX_DEPTH];
	bool after_key;
};

SMMU_EXPORT void smmu_json_init(struct smmu_json *j, FILE *out, bool pretty);
SMMU_EXPORT void smmu_json_obj_begin(struct smmu_json *j);
SMMU_EXPORT void smmu_json_obj_end(struct smmu_json *j);
SMMU_EXPORT void smmu_json_arr_begin(struct smmu_json *j);
SMMU_EXPORT void smmu_json_arr_end(struct smmu_json *j);
SMMU_EXPORT void smmu_json_key(struct smmu_json *j, const char *key);
SMMU_EXPORT void smmu_json_str(struct smmu_json *j, const char *s);
SMMU_EXPORT void smmu_json_strn(struct smmu_json *j, const char *s, size_t n);
SMMU_EXPORT void smmu_json_u64(struct smmu_json *j, uint64_t v);
SMMU_EXPORT void smmu_json_i64(struct smmu_json *j, int64_t v);
SMMU_EXPORT void smmu_json_hex(struct smmu_json *j, uint64_t v); /* "0x..." as a string: JSON numbers lose bits past 2^53 */
SMMU_EXPORT void smmu_json_bool(struct smmu_json *j, bool v);
SMMU_EXPORT void smmu_json_null(struct smmu_json *j);
/* key + value shorthands */
SMMU_EXPORT void smmu_json_kstr(struct smmu_json *j, const char *k, const char *v);
SMMU_EXPORT void smmu_json_ku64(struct smmu_json *j, const char *k, uint64_t v);
SMMU_EXPORT void smmu_json_khex(struct smmu_json *j, const char *k, uint64_t v);
SMMU_EXPORT void smmu_json_kbool(struct smmu_json *j, const char *k, bool v);
/* Ends the document with a newline. */
SMMU_EXPORT void smmu_json_done(struct smmu_json *j);

#endif
