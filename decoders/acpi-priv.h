/* SPDX-License-Identifier: MIT */
/*
 * Shared by acpi.c, acpi-dmar.c and acpi-iort.c: little-endian readers,
 * overflow-safe range checks, the common header, errors, warnings, and the
 * text helpers that keep both tables' output in one style.
 */
#ifndef SMMU_ACPI_PRIV_H
#define SMMU_ACPI_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acpi.h"

static inline uint16_t acpi_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t acpi_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_le64(const uint8_t *p)
{
	return (uint64_t)acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/* Does [off, off + n) lie inside [0, len)?  Never wraps, whatever the inputs. */
static inline bool acpi_fits(uint64_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* Formats one error line into err and returns `code`. */
int acpi_fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void acpi_warn(struct smmu_acpi_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Checks the header of a table that must have signature `sig`: the buffer
 * holds a header, the length field is at least `min_len` and no more than the
 * buffer, and records the checksum verdict (a warning, never a failure).
 * Bytes after the table's own length are ignored with a warning.
 */
int acpi_header_parse(const uint8_t *buf, size_t len, const char *sig, uint32_t min_len,
		      struct smmu_acpi_header *h, struct smmu_acpi_warnings *w, char *err,
		      size_t errlen);

/* Text output: a heading line, then "Name=value" lines indented per level. */
struct acpi_text {
	FILE *out;
	unsigned verbose;
};

void acpi_text_line(const struct acpi_text *t, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void acpi_text_header(const struct acpi_text *t, const struct smmu_acpi_header *h,
		      const char *title);
void acpi_text_warnings(const struct acpi_text *t, const struct smmu_acpi_warnings *w);
/* "Name+" / "Name-" */
static inline const char *acpi_pm(bool b)
{
	return b ? "+" : "-";
}

void acpi_json_header(struct smmu_json *j, const struct smmu_acpi_header *h);
void acpi_json_warnings(struct smmu_json *j, const struct smmu_acpi_warnings *w);
/* Bytes as one hex string in memory order ("000102..."): reserved areas, raw bodies. */
void acpi_json_bytes(struct smmu_json *j, const char *key, const uint8_t *p, size_t n);
void acpi_text_bytes(const struct acpi_text *t, int indent, const char *name, const uint8_t *p,
		     size_t n);

#endif
