/* SPDX-License-Identifier: MIT */
/*
 * The one renderer: any descriptor plus raw words, as text for people
 * (lspci-like `Name+`, `Name-`, `Name=value` in aligned columns, or one field a
 * line with its bits and meaning in verbose mode) or as JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define LINE_WIDTH 78
#define TOKEN_MAX 96

static const struct smmu_field *selector_field(const struct smmu_desc *d)
{
	for (const struct smmu_field *f = d->fields; f && f->name; f++)
		if (f->word == d->sel_word && f->lo == d->sel_lo && f->hi == d->sel_hi)
			return f;
	return NULL;
}

static uint64_t field_value(const struct smmu_field *f, const uint64_t *words)
{
	uint64_t raw = smmu_field_raw(f, words);

	switch (f->fmt) {
	case SMMU_F_ADDR:
		return raw << f->lo;
	case SMMU_F_DEC:
	case SMMU_F_LOG2:
		return raw + (int64_t)f->bias;
	default:
		return raw;
	}
}

/* "Name+", "Name=AArch64", "Name=0x40000000" ... */
static void field_token(char *buf, size_t n, const struct smmu_field *f, const uint64_t *words)
{
	uint64_t raw = smmu_field_raw(f, words), v = field_value(f, words);
	const char *en;

	switch (f->fmt) {
	case SMMU_F_FLAG:
		snprintf(buf, n, "%s%c", f->name, raw ? '+' : '-');
		break;
	case SMMU_F_DEC:
		snprintf(buf, n, "%s=%" PRId64, f->name, (int64_t)v);
		break;
	case SMMU_F_ENUM:
		en = smmu_enum_name(f, raw);
		if (en)
			snprintf(buf, n, "%s=%s", f->name, en);
		else
			snprintf(buf, n, "%s=??%" PRIu64, f->name, raw);
		break;
	case SMMU_F_LOG2:
		snprintf(buf, n, "%s=2^%" PRId64, f->name, (int64_t)v);
		break;
	default: /* HEX, ADDR, IGNORED */
		snprintf(buf, n, "%s=0x%" PRIx64, f->name, v);
		break;
	}
}

static int hex_digits(const struct smmu_desc *d)
{
	return d->width / 4;
}

unsigned smmu_decode_warnings(const struct smmu_desc *d, const uint64_t *words)
{
	bool matched;
	const struct smmu_desc *r = smmu_desc_resolve(d, words, &matched);
	unsigned n = matched ? 0 : 1;

	for (unsigned w = 0; w < r->nwords; w++)
		if (smmu_desc_reserved_set(r, words, w))
			n++;
	return n;
}

/* Warnings as text lines, through a callback so text and JSON share them. */
static void for_each_warning(const struct smmu_desc *d, const struct smmu_desc *r, bool matched,
			     const uint64_t *words, void (*emit)(void *ctx, const char *msg),
			     void *ctx)
{
	char msg[160];

	if (!matched) {
		const struct smmu_field *sf = selector_field(d);
		uint64_t sel = (words[d->sel_word] & SMMU_GENMASK(d->sel_hi, d->sel_lo)) >> d->sel_lo;
		snprintf(msg, sizeof(msg), "unknown %s ??%" PRIu64 ": only the common fields are decoded",
			 sf ? sf->name : "type", sel);
		emit(ctx, msg);
	}
	for (unsigned w = 0; w < r->nwords; w++) {
		uint64_t bad = smmu_desc_reserved_set(r, words, w);
		if (!bad)
			continue;
		if (r->nwords == 1)
			snprintf(msg, sizeof(msg), "reserved bits set: 0x%0*" PRIx64, hex_digits(r), bad);
		else
			snprintf(msg, sizeof(msg), "reserved bits set in word %u: 0x%0*" PRIx64, w,
				 hex_digits(r), bad);
		emit(ctx, msg);
	}
}

static void emit_text_warning(void *ctx, const char *msg)
{
	fprintf((FILE *)ctx, "  warning: %s\n", msg);
}

static void print_header(FILE *out, const struct smmu_desc *d, const struct smmu_desc *r,
			 const uint64_t *words)
{
	fputs(r->name, out);
	if ((d->flags & SMMU_D_REGISTER) && !(d->flags & SMMU_D_DYNAMIC))
		fprintf(out, " @%s0x%05" PRIx32, d->flags & SMMU_D_GR1 ? "GR1+" : d->flags & SMMU_D_CB ? "CBn+" : "",
			d->offset);
	fputs(" =", out);
	for (unsigned w = 0; w < d->nwords; w++)
		fprintf(out, " 0x%0*" PRIx64, hex_digits(d), words[w]);
	fputc('\n', out);
}

static void print_grid(FILE *out, const struct smmu_desc *r, const uint64_t *words)
{
	char tok[TOKEN_MAX];
	size_t colw = 0, col = 0;

	for (const struct smmu_field *f = r->fields; f && f->name; f++) {
		field_token(tok, sizeof(tok), f, words);
		if (strlen(tok) > colw)
			colw = strlen(tok);
	}
	colw += 2;
	/* Wide tokens (addresses) get their own column width; cap it so a
	 * single long token does not force one field a line. */
	if (colw > 26)
		colw = 26;
	size_t pad = 0; /* owed before the next token on the same line: no trailing blanks */
	for (const struct smmu_field *f = r->fields; f && f->name; f++) {
		field_token(tok, sizeof(tok), f, words);
		size_t len = strlen(tok), cells = (len + 2 + colw - 1) / colw;
		if (col && (col + cells) * colw + 2 > LINE_WIDTH) {
			fputc('\n', out);
			col = 0;
		}
		if (col)
			fprintf(out, "%*s", (int)pad, "");
		else
			fputs("  ", out);
		fputs(tok, out);
		pad = cells * colw - len;
		col += cells;
	}
	if (col)
		fputc('\n', out);
}

static void print_verbose(FILE *out, const struct smmu_desc *r, const uint64_t *words)
{
	char tok[TOKEN_MAX], bits[32];

	for (const struct smmu_field *f = r->fields; f && f->name; f++) {
		field_token(tok, sizeof(tok), f, words);
		int n = r->nwords > 1 ? snprintf(bits, sizeof(bits), "w%u ", f->word) : 0;
		if (f->hi == f->lo)
			snprintf(bits + n, sizeof(bits) - n, "%u", f->lo);
		else
			snprintf(bits + n, sizeof(bits) - n, "%u:%u", f->hi, f->lo);
		fprintf(out, "  %-28s [%-8s] %s%s\n", tok, bits, f->help ? f->help : "",
			f->access == SMMU_A_W1C ? " (W1C)" : "");
	}
}

int smmu_render_text(FILE *out, const struct smmu_desc *d, const uint64_t *words, unsigned flags)
{
	bool matched;
	const struct smmu_desc *r = smmu_desc_resolve(d, words, &matched);

	if (!(flags & SMMU_R_NOHEAD))
		print_header(out, d, r, words);
	if (flags & SMMU_R_VERBOSE)
		print_verbose(out, r, words);
	else
		print_grid(out, r, words);
	for_each_warning(d, r, matched, words, emit_text_warning, out);
	return ferror(out) ? -EIO : 0;
}

static void emit_json_warning(void *ctx, const char *msg)
{
	smmu_json_str(ctx, msg);
}

static void json_field(struct smmu_json *j, const struct smmu_field *f, const uint64_t *words)
{
	uint64_t raw = smmu_field_raw(f, words), v = field_value(f, words);

	smmu_json_key(j, f->name);
	switch (f->fmt) {
	case SMMU_F_FLAG:
		smmu_json_bool(j, raw);
		break;
	case SMMU_F_DEC:
	case SMMU_F_LOG2:
		smmu_json_i64(j, (int64_t)v);
		break;
	case SMMU_F_ENUM:
		smmu_json_obj_begin(j);
		smmu_json_ku64(j, "value", raw);
		smmu_json_kstr(j, "name", smmu_enum_name(f, raw));
		smmu_json_obj_end(j);
		break;
	default:
		smmu_json_hex(j, v);
	}
}

void smmu_render_json(struct smmu_json *j, const struct smmu_desc *d, const uint64_t *words)
{
	bool matched;
	const struct smmu_desc *r = smmu_desc_resolve(d, words, &matched);

	smmu_json_obj_begin(j);
	smmu_json_kstr(j, "kind", r->kind);
	smmu_json_kstr(j, "name", r->name);
	if ((d->flags & SMMU_D_REGISTER) && !(d->flags & SMMU_D_DYNAMIC))
		smmu_json_khex(j, "offset", d->offset);
	if (d->flags & (SMMU_D_GR1 | SMMU_D_CB)) /* SMMUv2: the offset is within this space */
		smmu_json_kstr(j, "space", d->flags & SMMU_D_GR1 ? "GR1" : "CB");
	smmu_json_key(j, "words");
	smmu_json_arr_begin(j);
	for (unsigned w = 0; w < d->nwords; w++)
		smmu_json_hex(j, words[w]);
	smmu_json_arr_end(j);
	smmu_json_key(j, "fields");
	smmu_json_obj_begin(j);
	for (const struct smmu_field *f = r->fields; f && f->name; f++)
		json_field(j, f, words);
	smmu_json_obj_end(j);
	/* A field shown as a derived number (raw + bias: MGAW, NFR, PSS as bits,
	 * PDTS as a log2 size) keeps the register's own value here. */
	bool any = false;
	for (const struct smmu_field *f = r->fields; f && f->name; f++) {
		if ((f->fmt != SMMU_F_DEC && f->fmt != SMMU_F_LOG2) || !f->bias)
			continue;
		if (!any) {
			smmu_json_key(j, "raw");
			smmu_json_obj_begin(j);
			any = true;
		}
		smmu_json_key(j, f->name);
		smmu_json_u64(j, smmu_field_raw(f, words));
	}
	if (any)
		smmu_json_obj_end(j);
	smmu_json_key(j, "warnings");
	smmu_json_arr_begin(j);
	for_each_warning(d, r, matched, words, emit_json_warning, j);
	smmu_json_arr_end(j);
	smmu_json_obj_end(j);
}
