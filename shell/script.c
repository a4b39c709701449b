/* SPDX-License-Identifier: MIT */
/*
 * Command lines: split into commands at ';', commands into words with
 * shell-like quoting, '#' to the end of a line is a comment.  Used by -c,
 * -f, standard input and the REPL alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

#define MAX_WORDS 64

/* One command of a line: a failure is counted; with errexit off the line
 * and the script go on. */
static int run_one(struct shell *sh, int argc, char **argv)
{
	char name[64];
	int rc;

	snprintf(name, sizeof(name), "%s", argc ? argv[0] : "");
	shell_error_forget();
	rc = shell_run(sh, argc, argv);
	if (rc < 0) {
		shell_json_error(sh, argc ? name : NULL);
		sh->failures++;
		if (!sh->errexit)
			rc = 0;
	}
	return rc;
}

/* Split one line in place and run its commands: 0, 1 when a command asked
 * to quit, or a negative errno at the first failure (already reported). */
int shell_run_line(struct shell *sh, const char *line)
{
	char *buf = strdup(line), *p = buf, *w = buf;
	char *argv[MAX_WORDS];
	int argc = 0, rc = 0;
	bool in_word = false;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		char c = *p;
		if (c == '\0' || c == ';' || c == '#') {
			if (in_word)
				*w++ = '\0';
			rc = run_one(sh, argc, argv);
			argc = 0;
			in_word = false;
			if (rc || c != ';')
				break;
			p++;
			w = p;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word) {
				*w++ = '\0';
				in_word = false;
			}
			p++;
			continue;
		}
		if (!in_word) {
			if (argc == MAX_WORDS) {
				shell_error("too many words in one command (at most %d)", MAX_WORDS);
				rc = -E2BIG;
				break;
			}
			argv[argc++] = w;
			in_word = true;
		}
		if (c == '\'' || c == '"') {
			char q = c;
			p++;
			while (*p && *p != q) {
				if (q == '"' && *p == '\\' && p[1])
					p++;
				*w++ = *p++;
			}
			if (*p != q) {
				shell_error("unterminated %c quote", q);
				rc = -EINVAL;
				break;
			}
			p++;
			continue;
		}
		if (c == '\\' && p[1]) {
			p++;
			*w++ = *p++;
			continue;
		}
		*w++ = *p++;
	}
	free(buf);
	if (rc < 0) /* a line that could not be split into commands */
		shell_json_error(sh, NULL);
	return rc;
}

/* The one script reader: physical lines joined at a trailing '\', each
 * command line handed over with the number of the line it starts on. */
int shell_script_read(FILE *f, int (*each)(void *ctx, const char *cmd, unsigned lineno), void *ctx,
		      unsigned *bad)
{
	char *line = NULL, *cmd = NULL;
	size_t cap = 0, cmdlen = 0;
	unsigned lineno = 0, first = 0;
	int rc = 0;

	for (;;) {
		ssize_t n = getline(&line, &cap, f);
		if (n < 0)
			break;
		lineno++;
		if (memchr(line, '\0', n)) { /* it would end the line there, unseen */
			rc = -EILSEQ;
			if (bad)
				*bad = lineno;
			break;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		bool cont = n && line[n - 1] == '\\';
		if (cont)
			line[--n] = '\0';
		if (!cmd)
			first = lineno;
		char *grown = realloc(cmd, cmdlen + n + 2);
		if (!grown) {
			rc = -ENOMEM;
			break;
		}
		cmd = grown;
		memcpy(cmd + cmdlen, line, n);
		cmdlen += n;
		cmd[cmdlen++] = ' ';
		cmd[cmdlen] = '\0';
		if (cont)
			continue;
		rc = each(ctx, cmd, first);
		cmdlen = 0;
		free(cmd);
		cmd = NULL;
		if (rc)
			break;
	}
	if (!rc && ferror(f)) { /* a directory, an I/O error: not an empty script */
		rc = errno ? -errno : -EIO;
		if (bad)
			*bad = 0;
	} else if (!rc && cmd) { /* a file ending in a continuation line */
		rc = each(ctx, cmd, first);
	}
	free(cmd);
	free(line);
	return rc;
}

struct run_ctx {
	struct shell *sh;
	const char *name;
};

/* One command line of a script: errors name the script line (the innermost
 * one, when scripts nest). */
static int run_script_line(void *ctx, const char *cmd, unsigned lineno)
{
	struct run_ctx *r = ctx;
	const char *outer = shell_where;
	char where[256];
	int rc;

	snprintf(where, sizeof(where), "%s:%u", r->name, lineno);
	shell_where = where;
	rc = shell_run_line(r->sh, cmd);
	shell_where = outer;
	return rc;
}

int shell_run_file(struct shell *sh, FILE *f, const char *name)
{
	struct run_ctx r = { sh, name };
	unsigned bad = 0;
	int rc;

	errno = 0;
	rc = shell_script_read(f, run_script_line, &r, &bad);
	if (rc == -EILSEQ && bad)
		shell_error("%s:%u: a NUL byte in the line (not a text file?): refusing to run it", name, bad);
	else if (rc < 0 && bad == 0 && ferror(f))
		shell_error("%s: %s", name, strerror(-rc));
	return rc;
}
