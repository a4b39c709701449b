/* SPDX-License-Identifier: MIT */
/*
 * The REPL of an smmush built --without-readline (a board's static binary):
 * a prompt and getline(), nothing more: no line editing beyond the
 * terminal's own, no history, no Tab completion.  Ctrl-C at the prompt gives
 * a fresh prompt, Ctrl-D leaves, as with readline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

int shell_repl_plain(struct shell *sh)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	sh->errexit = false;
	if (!sh->quiet)
		printf("smmush %s: IOMMU bring-up shell (built without readline: plain line input). "
		       "'help' lists commands, Ctrl-D leaves.\n",
		       smmu_version());
	shell_target(sh); /* errors are shown once, as in the readline REPL */
	for (;;) {
		shell_interrupted = 0;
		fputs("smmush> ", stdout);
		fflush(stdout);
		errno = 0;
		ssize_t n = getline(&line, &cap, stdin);
		if (n < 0) {
			if (errno == EINTR || shell_interrupted) { /* Ctrl-C at the prompt */
				clearerr(stdin);
				fputc('\n', stdout);
				continue;
			}
			fputc('\n', stdout); /* Ctrl-D */
			break;
		}
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		int r = shell_run_line(sh, line);
		if (r > 0)
			break;
		if (r < 0)
			rc = r; /* remembered, but the REPL goes on */
	}
	free(line);
	return rc;
}
