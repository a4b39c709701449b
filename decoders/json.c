/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer (json.h): commas, nesting and escaping in one place. */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void smmu_json_init(struct smmu_json *j, FILE *out, bool pretty)
{
	*j = (struct smmu_json){ .out = out, .pretty = pretty };
}

static void indent(struct smmu_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->out);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->out);
}

/* Called before every value or key: a comma when a sibling came before. */
static void sep(struct smmu_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->need_comma[j->depth])
		fputc(',', j->out);
	if (j->depth > 0)
		indent(j);
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
}

static void open(struct smmu_json *j, char c)
{
	sep(j);
	fputc(c, j->out);
	if (j->depth < SMMU_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close(struct smmu_json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	fputc(c, j->out);
}

void smmu_json_obj_begin(struct smmu_json *j) { open(j, '{'); }
void smmu_json_obj_end(struct smmu_json *j) { close(j, '}'); }
void smmu_json_arr_begin(struct smmu_json *j) { open(j, '['); }
void smmu_json_arr_end(struct smmu_json *j) { close(j, ']'); }

static void put_string(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			/* Control bytes and DEL escaped; bytes >= 0x80 that are not
			 * valid UTF-8 would make invalid JSON, so escape them as
			 * Latin-1 code points (the input is never trusted text). */
			if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\u%04x", c);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

void smmu_json_key(struct smmu_json *j, const char *key)
{
	sep(j);
	put_string(j->out, key, strlen(key));
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void smmu_json_strn(struct smmu_json *j, const char *s, size_t n)
{
	sep(j);
	put_string(j->out, s, n);
}

void smmu_json_str(struct smmu_json *j, const char *s)
{
	if (!s) {
		smmu_json_null(j);
		return;
	}
	smmu_json_strn(j, s, strlen(s));
}

void smmu_json_u64(struct smmu_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRIu64, v);
}

void smmu_json_i64(struct smmu_json *j, int64_t v)
{
	sep(j);
	fprintf(j->out, "%" PRId64, v);
}

void smmu_json_hex(struct smmu_json *j, uint64_t v)
{
	sep(j);
	fprintf(j->out, "\"0x%" PRIx64 "\"", v);
}

void smmu_json_bool(struct smmu_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void smmu_json_null(struct smmu_json *j)
{
	sep(j);
	fputs("null", j->out);
}

void smmu_json_kstr(struct smmu_json *j, const char *k, const char *v) { smmu_json_key(j, k); smmu_json_str(j, v); }
void smmu_json_ku64(struct smmu_json *j, const char *k, uint64_t v) { smmu_json_key(j, k); smmu_json_u64(j, v); }
void smmu_json_khex(struct smmu_json *j, const char *k, uint64_t v) { smmu_json_key(j, k); smmu_json_hex(j, v); }
void smmu_json_kbool(struct smmu_json *j, const char *k, bool v) { smmu_json_key(j, k); smmu_json_bool(j, v); }

void smmu_json_done(struct smmu_json *j)
{
	fputc('\n', j->out);
}
