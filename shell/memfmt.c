/* SPDX-License-Identifier: MIT */
/* Parsers for the memory commands (x, dis, w*, fill): see memfmt.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memfmt.h"

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		/* messages quote what was typed: keep them one printable line */
		for (char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
	return rc;
}

int mem_parse_num(const char *s, uint64_t *out)
{
	char *end;

	/* strtoull would skip blanks and accept a sign: neither is a number here */
	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	return *end ? -EINVAL : 0;
}

static unsigned size_of(char c)
{
	switch (c) {
	case 'b': return 1;
	case 'h': return 2;
	case 'w': return 4;
	case 'g': return 8;
	}
	return 0;
}

int mem_parse_fmt(const char *s, struct mem_fmt *out, char *err, size_t errlen)
{
	const char *p;
	uint64_t count = 0;

	memset(out, 0, sizeof(*out));
	if (!s || *s != '/')
		return fail(err, errlen, -EINVAL, "a format starts with '/'");
	p = s + 1;
	if (!*p)
		return fail(err, errlen, -EINVAL, "empty format after '/'");
	/* gdb's count is decimal; bound it digit by digit so it cannot wrap */
	if (*p >= '0' && *p <= '9') {
		for (; *p >= '0' && *p <= '9'; p++) {
			count = count * 10 + (unsigned)(*p - '0');
			if (count > MEM_COUNT_MAX)
				return fail(err, errlen, -ERANGE, "count in '%s' is above %u", s, MEM_COUNT_MAX);
		}
		if (!count)
			return fail(err, errlen, -EINVAL, "count in '%s' must be at least 1", s);
		out->count = (unsigned)count;
	}
	for (; *p; p++) {
		unsigned size = size_of(*p);
		if (size) {
			if (out->size)
				return fail(err, errlen, -EINVAL, "format '%s' gives the size twice", s);
			out->size = size;
		} else if (*p == 'x' || *p == 'd' || *p == 'u') {
			if (out->format)
				return fail(err, errlen, -EINVAL, "format '%s' gives the format twice", s);
			out->format = *p;
		} else if (*p >= '0' && *p <= '9') {
			return fail(err, errlen, -EINVAL, "format '%s': the count goes first", s);
		} else if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f) {
			return fail(err, errlen, -EINVAL,
				    "format '%s': unknown letter '%c' (formats x, d, u; sizes b, h, w, g)", s, *p);
		} else {
			return fail(err, errlen, -EINVAL,
				    "format has a byte 0x%02x (formats x, d, u; sizes b, h, w, g)",
				    (unsigned char)*p);
		}
	}
	return 0;
}

int mem_parse_addr(const char *s, struct mem_addr *out, char *err, size_t errlen)
{
	const char *colon;
	size_t dlen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return fail(err, errlen, -EINVAL, "empty address");
	colon = strrchr(s, ':');
	if (!colon) {
		if ((rc = mem_parse_num(s, &out->addr)))
			return fail(err, errlen, rc, rc == -ERANGE ? "address '%s' does not fit in 64 bits"
				    : "'%s' is not an address (a number, or DEVICE:IOVA)", s);
		return 0;
	}
	dlen = (size_t)(colon - s);
	if (!dlen)
		return fail(err, errlen, -EINVAL, "'%s': no device before ':' (DEVICE:IOVA)", s);
	if (dlen >= sizeof(out->device))
		return fail(err, errlen, -EINVAL, "'%.20s...': device name longer than %zu characters", s,
			    sizeof(out->device) - 1);
	if ((rc = mem_parse_num(colon + 1, &out->addr)))
		return fail(err, errlen, rc, rc == -ERANGE ? "IOVA in '%s' does not fit in 64 bits"
			    : "'%s' is not an address (a number, or DEVICE:IOVA)", s);
	memcpy(out->device, s, dlen);
	out->device[dlen] = '\0';
	out->dev = true;
	return 0;
}

int mem_parse_value(const char *s, unsigned size, uint64_t *out, char *err, size_t errlen)
{
	unsigned bits = size * 8;
	uint64_t v, mask;
	int rc;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return fail(err, errlen, -EINVAL, "no %u-byte values", size);
	mask = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
	if (s && *s == '-') {
		/* magnitude up to 2^(bits-1): -128 is a byte, -129 is not */
		rc = mem_parse_num(s + 1, &v);
		if (rc == -EINVAL)
			return fail(err, errlen, rc, "'%s' is not a number", s);
		if (rc || v > UINT64_C(1) << (bits - 1))
			return fail(err, errlen, -ERANGE, "%s does not fit in %u bits", s, bits);
		*out = (0 - v) & mask;
		return 0;
	}
	rc = mem_parse_num(s, &v);
	if (rc == -EINVAL)
		return fail(err, errlen, rc, "'%s' is not a number", s ? s : "");
	if (rc || v > mask)
		return fail(err, errlen, -ERANGE, "%s does not fit in %u bits", s, bits);
	*out = v;
	return 0;
}
