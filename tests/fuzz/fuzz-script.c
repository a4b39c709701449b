/* SPDX-License-Identifier: MIT */
/* libFuzzer: the shell's line and script parser (quotes, ';', '#', '\'). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/shell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *shell_where; /* util.c's, which this harness does not link */

/* Stands in for the dispatcher: every word must be a proper string. */
int shell_run(struct shell *sh, int argc, char **argv)
{
	(void)sh;
	for (int i = 0; i < argc; i++)
		if (strlen(argv[i]) > 1 << 20)
			abort();
	return argc > 0 && !strcmp(argv[0], "fail") ? -1 : 0;
}

void shell_error(const char *fmt, ...)
{
	(void)fmt;
}

void shell_json_error(struct shell *sh, const char *cmd)
{
	(void)sh, (void)cmd;
}

void shell_error_forget(void)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell sh = { 0 };
	char *line = malloc(size + 1);

	memcpy(line, data, size);
	line[size] = '\0';
	shell_run_line(&sh, line);
	FILE *f = fmemopen(line, size ? size : 1, "r");
	if (f) {
		shell_run_file(&sh, f, "fuzz");
		fclose(f);
	}
	free(line);
	return 0;
}
