/* SPDX-License-Identifier: MIT */
/* smmush: options, then commands from -c, -f, the command line, stdin or the REPL. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "config.h"
#include "lib/smmu.h"
#include "shell.h"

static void usage(FILE *f)
{
	fputs("usage: smmush [options] [COMMAND [ARG...]]\n"
	      "       smmush [options] -c 'CMD; CMD...'\n"
	      "       smmush [options] -f SCRIPT\n"
	      "options:\n"
	      "  -c CMDS      run ';'-separated commands, then exit\n"
	      "  -f FILE      run a script ('#' comments, '\\' continues a line)\n"
	      "  -j           JSON output;  -p  pretty JSON\n"
	      "  -q           quiet: no banners\n"
	      "  --write      allow hardware writes to units that are not owned\n"
	      "  --version    print the version;  --help  this text\n"
	      "With no command, reads commands from standard input, or runs an\n"
	      "interactive shell on a terminal.  'help' lists the commands.\n",
	      f);
}

static int repl(struct shell *sh)
{
	char *line;
	int rc = 0;

	while ((line = readline("smmush> "))) {
		if (*line)
			add_history(line);
		rc = shell_run_line(sh, line);
		free(line);
	}
	fputc('\n', stdout);
	return rc;
}

int main(int argc, char **argv)
{
	enum { OPT_WRITE = 256, OPT_VERSION, OPT_HELP };
	static const struct option longopts[] = {
		{ "write", no_argument, NULL, OPT_WRITE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct shell sh = { .out = stdout };
	const char *cmds = NULL, *script = NULL;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+c:f:jpq", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': cmds = optarg; break;
		case 'f': script = optarg; break;
		case 'j': sh.json = true; break;
		case 'p': sh.json = sh.pretty = true; break;
		case 'q': sh.quiet = true; break;
		case OPT_WRITE: sh.write_ok = true; break;
		case OPT_VERSION: printf("smmush %s\n", smmu_version()); return 0;
		case OPT_HELP: usage(stdout); return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	smmu_json_init(&sh.j, stdout, sh.pretty);
	if ((cmds || script) && optind < argc) {
		shell_error("a command on the command line cannot be combined with -c or -f");
		return 2;
	}
	if (cmds)
		rc = shell_run_line(&sh, cmds);
	else if (script) {
		FILE *f = strcmp(script, "-") ? fopen(script, "r") : stdin;
		if (!f) {
			shell_error("%s: %s", script, strerror(errno));
			return 1;
		}
		rc = shell_run_file(&sh, f, script);
		if (f != stdin)
			fclose(f);
	} else if (optind < argc)
		rc = shell_run(&sh, argc - optind, argv + optind);
	else if (isatty(STDIN_FILENO))
		rc = repl(&sh);
	else
		rc = shell_run_file(&sh, stdin, "<stdin>");
	if (fflush(stdout) == EOF && !rc) {
		shell_error("writing output: %s", strerror(errno));
		rc = -EIO;
	}
	return rc ? 1 : 0;
}
