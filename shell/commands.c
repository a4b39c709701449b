/* SPDX-License-Identifier: MIT */
/* The command table and the dispatcher. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

const struct shell_cmd shell_cmds[] = {
	{ "decode", "[-v] KIND VALUE... | acpi FILE | --list",
	  "decode a register, table entry, command, record or ACPI table", 0, cmd_decode },
	{ "help", "[COMMAND]", "list commands, or describe one", 0, cmd_help },
	{ .name = NULL },
};

void shell_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("smmush: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int shell_parse_u64(const char *what, const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+') {
		shell_error("%s: '%s' is not a number", what, s);
		return -EINVAL;
	}
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno == ERANGE) {
		shell_error("%s: '%s' does not fit in 64 bits", what, s);
		return -ERANGE;
	}
	if (*end) {
		shell_error("%s: '%s' is not a number", what, s);
		return -EINVAL;
	}
	return 0;
}

const struct shell_cmd *shell_cmd_find(const char *name)
{
	const struct shell_cmd *hit = NULL;
	size_t len = strlen(name), hits = 0;
	char list[256] = "";

	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	for (const struct shell_cmd *c = shell_cmds; c->name; c++) {
		if (strncmp(c->name, name, len))
			continue;
		hit = c;
		if (hits++)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, c->name, sizeof(list) - strlen(list) - 1);
	}
	if (hits == 1)
		return hit;
	if (hits)
		shell_error("'%s' is ambiguous: %s", name, list);
	else
		shell_error("unknown command '%s' (try 'help')", name);
	return NULL;
}

int shell_run(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *c;

	if (argc == 0)
		return 0;
	c = shell_cmd_find(argv[0]);
	if (!c)
		return -EINVAL;
	return c->run(sh, argc, argv);
}

int cmd_help(struct shell *sh, int argc, char **argv)
{
	if (argc > 2) {
		shell_error("help: too many arguments");
		return -EINVAL;
	}
	if (argc == 2) {
		const struct shell_cmd *c = shell_cmd_find(argv[1]);
		if (!c)
			return -EINVAL;
		fprintf(sh->out, "%s %s\n  %s%s\n", c->name, c->args, c->help,
			c->flags & CMD_WRITES_HW ? " (writes hardware)" : "");
		return 0;
	}
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		fprintf(sh->out, "  %-10s %-40s %s\n", c->name, c->args, c->help);
	return 0;
}
