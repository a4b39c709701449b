/* SPDX-License-Identifier: MIT */
/*
 * The memory commands' argument parsers: gdb-like formats ("/8xg"),
 * addresses (physical, or DEVICE:IOVA) and sized values.  Pure string to
 * struct functions, no target access and no printing, so a fuzzer can link
 * them alone; errors come back as one phrase in err.
 */
#ifndef SMMU_SHELL_MEMFMT_H
#define SMMU_SHELL_MEMFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEM_DEVICE_MAX 64    /* longest DEVICE part, with its NUL */
#define MEM_COUNT_MAX (1u << 20)

/* "/[COUNT][SIZE][FORMAT]" with SIZE and FORMAT in either order. */
struct mem_fmt {
	unsigned count;      /* 0: not given */
	unsigned size;       /* 1, 2, 4 or 8; 0: not given */
	char format;         /* 'x', 'd' or 'u'; 0: not given */
};
/* s starts with '/'.  0, or -EINVAL with err set. */
int mem_parse_fmt(const char *s, struct mem_fmt *out, char *err, size_t errlen);

/* A physical address ("0x40100000") or DEVICE:IOVA ("00:01.0:0x10000",
 * "platform@0x0c000000:0x2000"): the device is everything before the last ':'. */
struct mem_addr {
	bool dev;
	char device[MEM_DEVICE_MAX];
	uint64_t addr;       /* physical address, or the IOVA */
};
int mem_parse_addr(const char *s, struct mem_addr *out, char *err, size_t errlen);

/* An unsigned number: 0x hex or decimal (a leading 0 is octal, as strtoull). */
int mem_parse_num(const char *s, uint64_t *out);

/* A value for a size-byte store: unsigned up to 2^(8 size) - 1, or negative
 * down to -2^(8 size - 1) (stored in two's complement). */
int mem_parse_value(const char *s, unsigned size, uint64_t *out, char *err, size_t errlen);

#endif
