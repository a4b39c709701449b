/* SPDX-License-Identifier: MIT */
/* libFuzzer: the memory commands' parsers (shell/memfmt.c): formats, addresses, values. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/memfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error must say something, in one line that ends inside the buffer. */
static void check_err(int rc, const char *err, size_t len)
{
	if (rc != -EINVAL && rc != -ERANGE)
		abort();
	if (!err[0] || !memchr(err, '\0', len) || strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), err[256];
	struct mem_fmt f;
	struct mem_addr a;
	uint64_t v;
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	memset(err, 0, sizeof(err));
	rc = mem_parse_fmt(s, &f, err, sizeof(err));
	if (rc)
		check_err(rc, err, sizeof(err));
	else if ((f.size && f.size != 1 && f.size != 2 && f.size != 4 && f.size != 8) ||
		 (f.format && !strchr("xdu", f.format)) || f.count > MEM_COUNT_MAX || s[0] != '/')
		abort();

	memset(err, 0, sizeof(err));
	rc = mem_parse_addr(s, &a, err, sizeof(err));
	if (rc) {
		check_err(rc, err, sizeof(err));
	} else if (a.dev) {
		/* the device is exactly the text before the last ':' */
		size_t n = strlen(a.device);
		if (!n || n >= sizeof(a.device) || strncmp(s, a.device, n) || s[n] != ':' || strchr(s + n + 1, ':'))
			abort();
	} else if (strchr(s, ':')) {
		abort();
	}

	for (unsigned sz = 1; sz <= 8; sz *= 2) {
		memset(err, 0, sizeof(err));
		rc = mem_parse_value(s, sz, &v, err, sizeof(err));
		if (rc)
			check_err(rc, err, sizeof(err));
		else if (sz < 8 && v >> (sz * 8))
			abort();
	}
	/* a short buffer truncates the message, never overruns it */
	rc = mem_parse_addr(s, &a, err, 8);
	if (rc && !memchr(err, '\0', 8))
		abort();
	free(s);
	return 0;
}
