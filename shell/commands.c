/* SPDX-License-Identifier: MIT */
/* The command groups, the dispatcher, and the core commands (help, set, source, quit). */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* The groups, in the order help lists them. */
static const struct shell_cmd *const groups[] = {
	shell_cmds_target, shell_cmds_tables, shell_cmds_program, shell_cmds_faults,
	shell_cmds_memory, shell_cmds_discover, shell_cmds_snapshot, shell_cmds_audit, shell_cmds_core,
};

const struct shell_cmd *shell_cmd_at(size_t i)
{
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (const struct shell_cmd *c = groups[g]; c->name; c++)
			if (i-- == 0)
				return c;
	return NULL;
}

/* who: the command looking the name up (help), named first in its errors */
static const struct shell_cmd *cmd_find(const char *who, const char *name)
{
	const struct shell_cmd *c, *hit = NULL;
	size_t len = strlen(name), hits = 0;
	char list[256] = "";

	for (size_t i = 0; (c = shell_cmd_at(i)); i++)
		if (!strcmp(c->name, name))
			return c;
	for (size_t i = 0; len && (c = shell_cmd_at(i)); i++) {
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
		shell_error("%s%s'%s' is ambiguous: %s", who ? who : "", who ? ": " : "", name, list);
	else
		shell_error("%s%sunknown command '%s' (try 'help')", who ? who : "", who ? ": " : "", name);
	return NULL;
}

const struct shell_cmd *shell_cmd_find(const char *name)
{
	return cmd_find(NULL, name);
}

/* Does the synopsis have the option WORD ("--pasid")?  *takes_value: it is
 * followed there by a placeholder ("--pasid N"). */
static bool synopsis_option(const char *syn, const char *word, size_t len, bool *takes_value)
{
	for (const char *p = syn; (p = strstr(p, "--")); p += 2) {
		if (strncmp(p, word, len) || (p > syn && (isalnum((unsigned char)p[-1]) || p[-1] == '-')) ||
		    isalnum((unsigned char)p[len]) || p[len] == '-')
			continue;
		*takes_value = p[len] == ' ' && isupper((unsigned char)p[len + 1]);
		return true;
	}
	return false;
}

/* The fewest words any alternative of the synopsis needs: its words outside
 * brackets ("DOMAIN IOVA PA SIZE PERMS [--pages]": 5; "N | add ...": 1). */
static int synopsis_min(const char *syn)
{
	int best = -1, n = 0, depth = 0;
	bool in_word = false;

	for (const char *p = syn;; p++) {
		if (!*p || (!depth && p[0] == '|' && p > syn && p[-1] == ' ' && p[1] == ' ')) {
			if (best < 0 || n < best)
				best = n;
			if (!*p)
				return best;
			n = 0;
			in_word = false;
			continue;
		}
		if (*p == '[')
			depth++;
		else if (*p == ']')
			depth--;
		else if (*p == ' ')
			in_word = false;
		else if (!depth && !in_word) {
			in_word = true;
			n++;
		}
	}
}

/* The most words the synopsis can take (an upper bound: every word of it
 * but the '|'s), or -1 when a word repeats ("VALUE..."). */
static int synopsis_max(const char *syn)
{
	int n = 0;

	if (strstr(syn, "..."))
		return -1;
	for (const char *p = syn; *p;) {
		size_t len = strcspn(p, " ");
		n += len && !(len == 1 && *p == '|');
		p += len + (p[len] == ' ');
	}
	return n;
}

/* Words that cannot fit the command's synopsis: too few, too many, or an
 * option it does not have.  The command's own parser checks the rest. */
static int synopsis_fits(const struct shell_cmd *c, int argc, char **argv)
{
	bool value = false;

	for (int i = 1; i < argc; i++) {
		size_t len = strcspn(argv[i], "=");
		if (value || strncmp(argv[i], "--", 2) || len == 2) {
			value = false;
			continue;
		}
		if (!synopsis_option(c->args, argv[i], len, &value)) {
			shell_error("%s: no option %.*s: expected %s%s%s", c->name, (int)len, argv[i], c->name,
				    *c->args ? " " : "", c->args);
			return -EINVAL;
		}
	}
	if (argc - 1 < synopsis_min(c->args)) {
		shell_error("%s: missing arguments: expected %s %s", c->name, c->name, c->args);
		return -EINVAL;
	}
	int most = synopsis_max(c->args);
	if (most >= 0 && argc - 1 > most) {
		shell_error("%s: too many arguments: expected %s%s%s", c->name, c->name, *c->args ? " " : "", c->args);
		return -EINVAL;
	}
	return 0;
}

int shell_run(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *c;
	char *slash;
	int rc;

	if (argc == 0)
		return 0;
	/* gdb-style "x/8xg ADDR": the format after '/' becomes its own word */
	if ((slash = strchr(argv[0], '/')) && slash != argv[0]) {
		char **split = calloc(argc + 2, sizeof(*split)), name[32];
		if (!split)
			return -ENOMEM;
		snprintf(name, sizeof(name), "%.*s", (int)(slash - argv[0]), argv[0]);
		split[0] = name;
		split[1] = slash;
		memcpy(split + 2, argv + 1, (argc - 1) * sizeof(*argv));
		rc = shell_run(sh, argc + 1, split);
		free(split);
		return rc;
	}
	c = shell_cmd_find(argv[0]);
	if (!c)
		return -EINVAL;
	argv[0] = (char *)c->name; /* errors name the command, not the prefix typed */
	/* the usage line before the target is touched (a machine started, a
	 * failing open reported) and before ownership is checked */
	if ((c->flags & CMD_TARGET) && (rc = synopsis_fits(c, argc, argv)))
		return rc;
	sh->cmd = c->name;
	if ((c->flags & CMD_TARGET) && !(c->flags & CMD_OPENS_LATE) && !shell_target(sh)) {
		sh->cmd = NULL;
		return -ENODEV;
	}
	/* Signals that release owned units wait while a command runs: the
	 * release then happens between library calls, never inside one (it
	 * would share the backend's state and the heap with the interrupted
	 * call).  Ctrl-C in the REPL only sets a flag, so it stays live. */
	sigset_t hold, old;
	sigemptyset(&hold);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	if (!sh->interactive)
		sigaddset(&hold, SIGINT);
	sigprocmask(SIG_BLOCK, &hold, &old);
	shell_interrupted = 0;
	rc = c->run(sh, argc, argv);
	/* each command's output is out before the next one runs (and before a
	 * held signal ends the process): a script killed part-way has printed
	 * everything it did */
	fflush(sh->out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sh->cmd = NULL;
	return rc;
}

/* --- core commands ------------------------------------------------------------- */

void shell_help(struct shell *sh, const struct shell_cmd *c)
{
	fprintf(sh->out, "%s %s\n    %s%s\n", c->name, c->args, c->help,
		c->flags & CMD_WRITES_HW ? " (writes hardware: needs 'own' or --write)" : "");
	for (const char *p = c->details, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		fprintf(sh->out, "    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
	}
	const char *name, *help;
	for (size_t i = 0; c->key_at && (name = c->key_at(i, &help)); i++)
		fprintf(sh->out, "%s      %-10s %s\n", i ? "" : "    Keys:\n", name, help);
}

static int cmd_help(struct shell *sh, int argc, char **argv)
{
	const struct shell_cmd *c;

	if (shell_nargs(sh, argc, argv, 0, 1))
		return -EINVAL;
	if (argc == 2) {
		if (!(c = cmd_find("help", argv[1])))
			return -EINVAL;
		if (sh->json) {
			shell_json_begin(sh);
			smmu_json_kstr(&sh->j, "name", c->name);
			smmu_json_kstr(&sh->j, "args", c->args);
			smmu_json_kstr(&sh->j, "help", c->help);
			smmu_json_kbool(&sh->j, "writes_hardware", c->flags & CMD_WRITES_HW);
			if (c->details)
				smmu_json_kstr(&sh->j, "details", c->details);
			shell_json_end(sh);
			return 0;
		}
		shell_help(sh, c);
		return 0;
	}
	if (sh->json) {
		smmu_json_arr_begin(&sh->j);
		for (size_t i = 0; (c = shell_cmd_at(i)); i++) {
			smmu_json_obj_begin(&sh->j);
			smmu_json_kstr(&sh->j, "name", c->name);
			smmu_json_kstr(&sh->j, "args", c->args);
			smmu_json_kstr(&sh->j, "help", c->help);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		smmu_json_done(&sh->j);
		return 0;
	}
	for (size_t i = 0; (c = shell_cmd_at(i)); i++)
		fprintf(sh->out, "  %-8s %-34s %s\n", c->name, c->args, c->help);
	return 0;
}

static int cmd_quit(struct shell *sh, int argc, char **argv)
{
	if (shell_nargs(sh, argc, argv, 0, 0))
		return -EINVAL;
	return 1; /* the caller stops reading commands */
}

static int cmd_set(struct shell *sh, int argc, char **argv)
{
	bool on;

	if (argc == 1) {
		if (sh->json) {
			shell_json_begin(sh);
			smmu_json_kbool(&sh->j, "errexit", sh->errexit);
			smmu_json_kbool(&sh->j, "json", sh->json);
			shell_json_end(sh);
		} else {
			fprintf(sh->out, "errexit %s\njson %s\n", sh->errexit ? "on" : "off", sh->json ? "on" : "off");
		}
		return 0;
	}
	if (shell_nargs(sh, argc, argv, 2, 2))
		return -EINVAL;
	if (!strcmp(argv[2], "on"))
		on = true;
	else if (!strcmp(argv[2], "off"))
		on = false;
	else {
		shell_error("set: %s: expected on or off, got '%s'", argv[1], argv[2]);
		return -EINVAL;
	}
	if (!strcmp(argv[1], "errexit"))
		sh->errexit = on;
	else if (!strcmp(argv[1], "json"))
		sh->json = on;
	else {
		shell_error("set: unknown setting '%s' (errexit, json)", argv[1]);
		return -EINVAL;
	}
	return 0;
}

static int cmd_source(struct shell *sh, int argc, char **argv)
{
	static int depth;
	FILE *f;
	int rc;

	if (shell_nargs(sh, argc, argv, 1, 1))
		return -EINVAL;
	if (depth >= 16) {
		shell_error("source: scripts nest deeper than 16 (a loop?)");
		return -ELOOP;
	}
	if (!(f = fopen(argv[1], "r"))) {
		shell_error("source: %s: %s", argv[1], strerror(errno));
		return -errno;
	}
	depth++;
	rc = shell_run_file(sh, f, argv[1]);
	depth--;
	fclose(f);
	return rc;
}

const struct shell_cmd shell_cmds_core[] = {
	{ "decode", "[-v] KIND VALUE... | acpi FILE | fdt FILE | --list",
	  "decode a register, table entry, command, record or ACPI table", 0, cmd_decode,
	  COMPLETE_KIND },
	{ "set", "[errexit|json on|off]", "show or change settings", 0, cmd_set, COMPLETE_WORDS,
	  "errexit json", COMPLETE_WORDS, .words2 = "on off" },
	{ "source", "FILE", "run the commands in a script", 0, cmd_source, COMPLETE_FILE },
	{ "help", "[COMMAND]", "list commands, or describe one", 0, cmd_help, COMPLETE_NONE },
	{ "quit", "", "release owned units and leave (also exit, Ctrl-D)", 0, cmd_quit },
	{ "exit", "", "same as quit", 0, cmd_quit },
	{ .name = NULL },
};
