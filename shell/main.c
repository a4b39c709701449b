/* SPDX-License-Identifier: MIT */
/*
 * smmush: options, then commands from -c, -f, the command line, standard
 * input, or the REPL (GNU readline: history in ~/.smmush_history, Tab
 * completion from the command tables; built --without-readline, plain line
 * input from lineedit-plain.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#if HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

#include "shell.h"

int shell_gen_man(FILE *out);
int shell_gen_bash_completion(FILE *out);
char **shell_complete(const char *text, int start, int end);
void shell_print_version(FILE *out);

static void usage(FILE *f)
{
	fputs("usage: smmush [options] [COMMAND [ARG...]]\n"
	      "       smmush [options] -c 'CMD; CMD...'\n"
	      "       smmush [options] -f SCRIPT\n"
	      "options:\n"
	      "  -c CMDS            run ';'-separated commands, then exit\n"
	      "  -f FILE            run a script ('#' comments, '\\' continues a line);\n"
	      "                     -c and -f may repeat: they run in the order given\n"
	      "  -i                 after -c or -f, stay at the prompt (on a terminal)\n"
	      "  --target NAME      sim (default), sim:q35, qemu:virt, qemu:q35, gdb:HOST:PORT, linux, files\n"
	      "  -O KEY=VALUE       a target parameter (see --target-help)\n"
	      "  --target-help      list targets and their parameters\n"
	      "  -j                 JSON output, one document per command (errors too);  -p  pretty\n"
	      "  -q                 quiet: no banners\n"
	      "  --write            allow hardware writes to units that are not owned\n"
	      "  --version          print the version;  --help  this text\n"
	      "With no command, reads commands from standard input, or runs an\n"
	      "interactive shell on a terminal.  'help' lists the commands.\n",
	      f);
}

static void target_help(FILE *f)
{
	struct smmu_backend_info bi;
	struct smmu_param_info pi;

	for (size_t b = 0; !smmu_backend_info(b, &bi); b++) {
		fprintf(f, "%s:{%s}\n    %s\n", bi.name, bi.variants, bi.help);
		for (size_t i = 0; !smmu_backend_param(b, i, &pi); i++)
			fprintf(f, "    -O %-10s default %-8s %s\n", pi.name, pi.def, pi.help);
	}
}

/* --- signals -------------------------------------------------------------------- */

static bool interactive_mode;

static void on_sigint(int sig)
{
	(void)sig;
	shell_interrupted = 1;
}

void shell_signals(void)
{
	/* Interactive: Ctrl-C stops the running command (or clears the line),
	 * never the shell.  In scripts the library's handler releases owned
	 * units and the signal ends the process. */
	if (interactive_mode) {
		struct sigaction sa = { .sa_handler = on_sigint };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
	}
}

/* --- the REPL --------------------------------------------------------------------- */

#if HAVE_READLINE
static struct shell *repl_sh;
static int repl_rc;
static bool repl_done;

static void on_line(char *line)
{
	if (!line) { /* Ctrl-D */
		repl_done = true;
		fputc('\n', stdout);
		return;
	}
	if (*line)
		add_history(line);
	int rc = shell_run_line(repl_sh, line);
	free(line);
	if (rc > 0)
		repl_done = true;
	else if (rc < 0)
		repl_rc = rc; /* remembered, but the REPL goes on */
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	char *p;

	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.smmush_history", home) < 0)
		return NULL;
	return p;
}

extern struct shell *shell_complete_sh;

static int repl(struct shell *sh)
{
	char *hist = history_path();

	repl_sh = sh;
	shell_complete_sh = sh;
	sh->errexit = false;
	rl_readline_name = "smmush";
	rl_attempted_completion_function = shell_complete;
	rl_catch_signals = 0; /* SIGINT is ours: see on_sigint */
	using_history();
	if (hist)
		read_history(hist);
	if (!sh->quiet)
		printf("smmush %s: IOMMU bring-up shell. 'help' lists commands, Tab completes, Ctrl-D leaves.\n",
		       smmu_version());
	shell_target(sh); /* so completion knows devices and domains; errors are shown once */
	rl_callback_handler_install("smmush> ", on_line);
	while (!repl_done) {
		fd_set fds;
		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		/* a Ctrl-C that came while a key was being handled (a Tab's
		 * completion) set the flag outside select: wake up to see it */
		struct timeval tick = { 0, 100000 };
		int n = shell_interrupted ? 0 : select(STDIN_FILENO + 1, &fds, NULL, NULL, &tick);
		if (shell_interrupted) { /* Ctrl-C at the prompt: a fresh line */
			shell_interrupted = 0;
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_crlf();
			rl_on_new_line();
			rl_replace_line("", 0);
			rl_redisplay();
			continue;
		}
		if ((n < 0 && errno == EINTR) || n == 0)
			continue;
		if (n < 0)
			break;
		rl_callback_read_char();
	}
	rl_callback_handler_remove();
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, 1000);
		free(hist);
	}
	return repl_rc;
}
#else
int shell_repl_plain(struct shell *sh);
#define repl shell_repl_plain
#endif

int main(int argc, char **argv)
{
	enum { OPT_WRITE = 256, OPT_VERSION, OPT_HELP, OPT_TARGET, OPT_TARGET_HELP, OPT_GEN_MAN,
	       OPT_GEN_BASH };
	static const struct option longopts[] = {
		{ "write", no_argument, NULL, OPT_WRITE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "target", required_argument, NULL, OPT_TARGET },
		{ "target-help", no_argument, NULL, OPT_TARGET_HELP },
		{ "gen-man", no_argument, NULL, OPT_GEN_MAN },
		{ "gen-bash-completion", no_argument, NULL, OPT_GEN_BASH },
		{ NULL, 0, NULL, 0 },
	};
	struct shell sh = { .out = stdout, .errexit = true, .target_spec = "sim" };
	/* -c and -f, as often as given: run in the order given */
	struct { char kind; const char *arg; } acts[64];
	size_t nacts = 0;
	bool stay = false;
	const char *opts[64];
	int opt, rc;

	sh.opts = opts;
	while ((opt = getopt_long(argc, argv, "+c:f:ijpqO:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
		case 'f':
			if (nacts == sizeof(acts) / sizeof(acts[0])) {
				shell_error("too many -c and -f options (at most %zu)", nacts);
				return 2;
			}
			acts[nacts].kind = (char)opt;
			acts[nacts++].arg = optarg;
			break;
		case 'i': stay = true; break;
		case 'j': sh.json = true; break;
		case 'p': sh.json = sh.pretty = true; break;
		case 'q': sh.quiet = true; break;
		case 'O':
			if (sh.nopts == sizeof(opts) / sizeof(opts[0])) {
				shell_error("too many -O options");
				return 2;
			}
			opts[sh.nopts++] = optarg;
			break;
		case OPT_TARGET: sh.target_spec = optarg; break;
		case OPT_TARGET_HELP: target_help(stdout); return 0;
		case OPT_WRITE: sh.write_ok = true; break;
		case OPT_VERSION: shell_print_version(stdout); return 0;
		case OPT_HELP: usage(stdout); return 0;
		case OPT_GEN_MAN: return shell_gen_man(stdout) ? 1 : 0;
		case OPT_GEN_BASH: return shell_gen_bash_completion(stdout) ? 1 : 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	smmu_json_init(&sh.j, stdout, sh.pretty);
	if (nacts && optind < argc) {
		shell_error("a command on the command line cannot be combined with -c or -f");
		shell_json_error(&sh, NULL);
		return 2;
	}
	interactive_mode = (!nacts || stay) && optind == argc && isatty(STDIN_FILENO);
	sh.interactive = interactive_mode;
	shell_signals();
	rc = 0;
	/* each -c and -f in turn; a failure stops the rest, as within one script */
	for (size_t i = 0; i < nacts && !rc; i++) {
		const char *arg = acts[i].arg;
		if (acts[i].kind == 'c') {
			rc = shell_run_line(&sh, arg);
			continue;
		}
		FILE *f = strcmp(arg, "-") ? fopen(arg, "r") : stdin;
		if (!f) {
			shell_error("%s: %s", arg, strerror(errno));
			rc = -ENOENT;
		} else {
			rc = shell_run_file(&sh, f, arg);
			if (f != stdin)
				fclose(f);
		}
		if (rc < 0)
			shell_json_error(&sh, NULL);
	}
	if (nacts && stay && interactive_mode && rc >= 0) {
		int r = repl(&sh);
		if (r < 0)
			rc = r;
	} else if (nacts) {
		/* done */
	} else if (optind < argc) {
		shell_error_forget();
		rc = shell_run(&sh, argc - optind, argv + optind);
		if (rc < 0) {
			shell_json_error(&sh, argv[optind]);
			sh.failures++;
		}
	} else if (interactive_mode)
		rc = repl(&sh);
	else
		rc = shell_run_file(&sh, stdin, "<stdin>");
	if (sh.t) {
		int r = smmu_target_release_all(sh.t);
		if (r && smmu_target_gone(sh.t)) {
			/* a machine that is gone has nothing to give back: say why
			 * it went, unless that was said; the status says it went */
			shell_target_gone_once(&sh, "exit");
			sh.failures++;
			r = 0;
		}
		if (r && !sh.quiet) {
			shell_lib_error("exit", "releasing owned units", r);
			shell_json_error(&sh, "exit");
		}
		if (r) /* a unit may still be owned: the status says so */
			sh.failures++;
		smmu_release_on_exit(NULL); /* before the target it names goes */
		smmu_target_close(sh.t);
	}
	if (fflush(stdout) == EOF && rc >= 0) {
		shell_error("writing output: %s", strerror(errno));
		rc = -EIO;
	}
	int status = rc < 0 || sh.failures ? 1 : 0;
	return sh.status > status ? sh.status : status; /* diff: like diff(1) */
}
