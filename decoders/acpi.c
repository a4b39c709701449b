/* SPDX-License-Identifier: MIT */
/*
 * What DMAR, IORT and IVRS share: the ACPI table header, error and warning text,
 * text and JSON helpers, and the dispatch on the signature.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi-priv.h"

int acpi_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

void acpi_warn(struct smmu_acpi_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->count < SMMU_ACPI_MAX_WARNINGS) {
		va_start(ap, fmt);
		vsnprintf(w->text[w->count], SMMU_ACPI_WARNING_LEN, fmt, ap);
		va_end(ap);
	}
	w->count++;
}

/*
 * Copies a fixed-size, space- or NUL-padded ID.  It stops at the first NUL,
 * as every ACPI tool does, and replaces bytes that are not printable ASCII so
 * a hostile table cannot send escape sequences to a terminal.
 */
static void copy_id(char *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
	dst[i] = '\0';
}

int acpi_header_parse(const uint8_t *buf, size_t len, const char *sig, uint32_t min_len,
		      struct smmu_acpi_header *h, struct smmu_acpi_warnings *w, char *err,
		      size_t errlen)
{
	uint8_t sum = 0;

	if (len < SMMU_ACPI_HEADER_LEN)
		return acpi_fail(err, errlen, -EOVERFLOW,
				 "%s: only %zu bytes: an ACPI table header needs %d", sig, len,
				 SMMU_ACPI_HEADER_LEN);
	if (memcmp(buf, sig, 4)) {
		char got[5];

		copy_id(got, buf, 4);
		return acpi_fail(err, errlen, -EINVAL, "%s: the signature is \"%s\", not \"%s\"",
				 sig, got, sig);
	}
	copy_id(h->signature, buf, 4);
	h->length = acpi_le32(buf + 4);
	h->revision = buf[8];
	h->checksum = buf[9];
	copy_id(h->oem_id, buf + 10, 6);
	copy_id(h->oem_table_id, buf + 16, 8);
	h->oem_revision = acpi_le32(buf + 24);
	copy_id(h->asl_compiler_id, buf + 28, 4);
	h->asl_compiler_revision = acpi_le32(buf + 32);

	if (h->length < min_len)
		return acpi_fail(err, errlen, -EINVAL,
				 "%s: table length 0x%" PRIx32
				 " is shorter than the table's fixed part (0x%" PRIx32 ")",
				 sig, h->length, min_len);
	if (h->length > len)
		return acpi_fail(err, errlen, -EOVERFLOW,
				 "%s: table length 0x%" PRIx32
				 " is larger than the 0x%zx bytes given: truncated",
				 sig, h->length, len);
	if (len > h->length)
		acpi_warn(w, "0x%zx bytes after the table end (0x%" PRIx32 ") ignored",
			  len - h->length, h->length);

	for (uint32_t i = 0; i < h->length; i++)
		sum += buf[i];
	h->checksum_ok = sum == 0;
	h->checksum_want = (uint8_t)(h->checksum - sum);
	if (!h->checksum_ok)
		acpi_warn(w,
			  "checksum 0x%02x is wrong (0x%02x would be right); firmware often "
			  "gets it wrong, so the table is decoded anyway",
			  h->checksum, h->checksum_want);
	return 0;
}

/* ---- text ------------------------------------------------------------------- */

void acpi_text_line(const struct acpi_text *t, int indent, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < indent; i++)
		fputc('\t', t->out);
	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputc('\n', t->out);
}

void acpi_text_header(const struct acpi_text *t, const struct smmu_acpi_header *h,
		      const char *title)
{
	acpi_text_line(t, 0, "%s: %s, length %" PRIu32 " (0x%" PRIx32 "), revision %u", h->signature,
		       title, h->length, h->length, h->revision);
	acpi_text_line(t, 1,
		       "OemId=\"%s\" OemTableId=\"%s\" OemRevision=0x%" PRIx32
		       " CreatorId=\"%s\" CreatorRevision=0x%" PRIx32,
		       h->oem_id, h->oem_table_id, h->oem_revision, h->asl_compiler_id,
		       h->asl_compiler_revision);
	if (h->checksum_ok)
		acpi_text_line(t, 1, "Checksum=0x%02x (valid)", h->checksum);
	else
		acpi_text_line(t, 1, "Checksum=0x%02x (WRONG: 0x%02x would be valid)", h->checksum,
			       h->checksum_want);
}

void acpi_text_warnings(const struct acpi_text *t, const struct smmu_acpi_warnings *w)
{
	unsigned kept = w->count < SMMU_ACPI_MAX_WARNINGS ? w->count : SMMU_ACPI_MAX_WARNINGS;

	for (unsigned i = 0; i < kept; i++)
		acpi_text_line(t, 1, "Warning: %s", w->text[i]);
	if (w->count > kept)
		acpi_text_line(t, 1, "Warning: %u more warnings not shown", w->count - kept);
}

void acpi_text_bytes(const struct acpi_text *t, int indent, const char *name, const uint8_t *p,
		     size_t n)
{
	/* 16 bytes a line, as hexdump does: raw bodies of unknown structures */
	for (size_t i = 0; i < n; i += 16) {
		char line[16 * 3 + 1] = "";
		size_t k = 0;

		for (size_t j = i; j < n && j < i + 16; j++)
			k += (size_t)snprintf(line + k, sizeof(line) - k, " %02x", p[j]);
		acpi_text_line(t, indent, "%s+0x%02zx:%s", name, i, line);
	}
}

/* ---- JSON ------------------------------------------------------------------- */

void acpi_json_header(struct smmu_json *j, const struct smmu_acpi_header *h)
{
	smmu_json_kstr(j, "signature", h->signature);
	smmu_json_ku64(j, "offset", 0);
	smmu_json_ku64(j, "length", h->length);
	smmu_json_ku64(j, "revision", h->revision);
	smmu_json_ku64(j, "checksum", h->checksum);
	smmu_json_kbool(j, "checksum_valid", h->checksum_ok);
	smmu_json_kstr(j, "oem_id", h->oem_id);
	smmu_json_kstr(j, "oem_table_id", h->oem_table_id);
	smmu_json_ku64(j, "oem_revision", h->oem_revision);
	smmu_json_kstr(j, "asl_compiler_id", h->asl_compiler_id);
	smmu_json_ku64(j, "asl_compiler_revision", h->asl_compiler_revision);
}

void acpi_json_warnings(struct smmu_json *j, const struct smmu_acpi_warnings *w)
{
	unsigned kept = w->count < SMMU_ACPI_MAX_WARNINGS ? w->count : SMMU_ACPI_MAX_WARNINGS;

	smmu_json_key(j, "warnings");
	smmu_json_arr_begin(j);
	for (unsigned i = 0; i < kept; i++)
		smmu_json_str(j, w->text[i]);
	if (w->count > kept) {
		char more[64];

		snprintf(more, sizeof(more), "%u more warnings not shown", w->count - kept);
		smmu_json_str(j, more);
	}
	smmu_json_arr_end(j);
}

void acpi_json_bytes(struct smmu_json *j, const char *key, const uint8_t *p, size_t n)
{
	char small[64], *s = n * 2 < sizeof(small) ? small : NULL;
	static const char hex[] = "0123456789abcdef";

	if (!s) {
		/* unknown structures can be long; a short JSON string beats a truncated one */
		s = malloc(n * 2 + 1);
		if (!s) {
			smmu_json_key(j, key);
			smmu_json_null(j);
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 15];
	}
	s[2 * n] = '\0';
	smmu_json_kstr(j, key, s);
	if (s != small)
		free(s);
}

/* ---- dispatch ----------------------------------------------------------------- */

enum acpi_kind { ACPI_DMAR, ACPI_IORT, ACPI_IVRS };

static int acpi_detect(const uint8_t *b, size_t len, enum acpi_kind *kind, char *err,
		       size_t errlen)
{
	char sig[4 * 4 + 1];
	size_t k = 0;

	if (len < 4)
		return acpi_fail(err, errlen, -EOVERFLOW,
				 "ACPI: only %zu bytes: too short to hold a table signature", len);
	if (!memcmp(b, "DMAR", 4)) {
		*kind = ACPI_DMAR;
		return 0;
	}
	if (!memcmp(b, "IORT", 4)) {
		*kind = ACPI_IORT;
		return 0;
	}
	if (!memcmp(b, "IVRS", 4)) {
		*kind = ACPI_IVRS;
		return 0;
	}
	for (int i = 0; i < 4; i++)
		k += (size_t)snprintf(sig + k, sizeof(sig) - k,
				      b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\'
					      ? "%c" : "\\x%02x",
				      b[i]);
	return acpi_fail(err, errlen, -ENOTSUP,
			 "ACPI: table signature \"%s\" is none of DMAR, IORT and IVRS, the tables smmush decodes",
			 sig);
}

/* Parse the table and hand it to the text printer (j NULL) or to j. */
static int acpi_render(FILE *out, unsigned verbose, struct smmu_json *j, const void *buf, size_t len, char *err,
		       size_t errlen)
{
	enum acpi_kind kind;
	int rc = acpi_detect(buf, len, &kind, err, errlen);

	if (rc)
		return rc;
	if (kind == ACPI_DMAR) {
		struct smmu_acpi_dmar *d;

		rc = smmu_acpi_dmar_parse(buf, len, &d, err, errlen);
		if (rc)
			return rc;
		if (j)
			smmu_acpi_dmar_json(j, d);
		else
			smmu_acpi_dmar_print(out, d, verbose);
		smmu_acpi_dmar_free(d);
	} else if (kind == ACPI_IVRS) {
		struct smmu_acpi_ivrs *r;

		rc = smmu_acpi_ivrs_parse(buf, len, &r, err, errlen);
		if (rc)
			return rc;
		if (j)
			smmu_acpi_ivrs_json(j, r);
		else
			smmu_acpi_ivrs_print(out, r, verbose);
		smmu_acpi_ivrs_free(r);
	} else {
		struct smmu_acpi_iort *t;

		rc = smmu_acpi_iort_parse(buf, len, &t, err, errlen);
		if (rc)
			return rc;
		if (j)
			smmu_acpi_iort_json(j, t);
		else
			smmu_acpi_iort_print(out, t, verbose);
		smmu_acpi_iort_free(t);
	}
	return 0;
}

int smmu_acpi_render_text(FILE *out, const void *buf, size_t len, unsigned verbose, char *err,
			  size_t errlen)
{
	return acpi_render(out, verbose, NULL, buf, len, err, errlen);
}

int smmu_acpi_render_json(struct smmu_json *j, const void *buf, size_t len, char *err,
			  size_t errlen)
{
	return acpi_render(NULL, 0, j, buf, len, err, errlen);
}
