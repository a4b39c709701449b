/* SPDX-License-Identifier: MIT */
/*
 * The shell's state and its command table.  Help, completion, the man page's
 * command list and bash completion all come from the one table, so they
 * cannot drift apart.
 */
#ifndef SMMU_SHELL_H
#define SMMU_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decoders/json.h"

struct shell {
	FILE *out;
	bool json, pretty, quiet, write_ok;
	struct smmu_json j;
};

enum cmd_flags {
	CMD_WRITES_HW = 1 << 0, /* refused unless the unit is owned or --write was given */
};

struct shell_cmd {
	const char *name;
	const char *args;  /* synopsis of the arguments */
	const char *help;  /* one line */
	unsigned flags;    /* enum cmd_flags */
	/* 0 on success; on failure the handler has reported the error through
	 * shell_error() and returns a negative errno. */
	int (*run)(struct shell *sh, int argc, char **argv);
};

extern const struct shell_cmd shell_cmds[];

/* Exact name first, then a unique prefix.  NULL after reporting the error. */
const struct shell_cmd *shell_cmd_find(const char *name);
/* Run one command already split into words. */
int shell_run(struct shell *sh, int argc, char **argv);
/* Run a line of ';'-separated commands; stops at the first failure. */
int shell_run_line(struct shell *sh, const char *line);
/* Run a script ('#' comments, '\' continuation); stops at the first failure. */
int shell_run_file(struct shell *sh, FILE *f, const char *name);

/* The one place user-facing errors are printed: "smmush: <message>" on stderr. */
void shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a number (0x hex, 0 octal, decimal, K/M/G suffixes not accepted here). */
int shell_parse_u64(const char *what, const char *s, uint64_t *out);

/* Command handlers, one file per group. */
int cmd_decode(struct shell *sh, int argc, char **argv);
int cmd_help(struct shell *sh, int argc, char **argv);

#endif
