/* SPDX-License-Identifier: MIT */
/*
 * The shell's state, its command tables and the helpers every command uses.
 * Commands live in per-group tables (one file a group); commands.c joins
 * them.  Help, completion, the man page's command list and bash completion
 * all come from those tables, so they cannot drift apart.
 */
#ifndef SMMU_SHELL_H
#define SMMU_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "decoders/json.h"
#include "lib/smmu.h"

struct shell {
	FILE *out;
	bool json, pretty, quiet;
	bool write_ok;        /* --write: hardware writes allowed without owning */
	bool errexit;         /* stop a script at the first failing command (default) */
	bool interactive;     /* the REPL on a terminal */
	struct smmu_json j;
	/* the target, opened on first use so `decode` never starts a machine */
	const char *target_spec;
	const char **opts;
	size_t nopts;
	struct smmu_target *t;
	const char *cmd;      /* the command running (NULL: none), named by a target that fails to open */
	size_t unit;          /* the selected unit (`unit N`) */
	unsigned failures;    /* commands that failed (errexit off) */
	int status;           /* an exit status a command asks for (diff: 1 different, 2 trouble) */
};

/* Set by SIGINT while a command runs (interactive shell). */
extern volatile sig_atomic_t shell_interrupted;
/* Long commands (trace, dma --count, storm, big walks) check this between
 * steps: Ctrl-C, or a SIGTERM/SIGHUP waiting for the command to end. */
bool shell_stop(void);

enum cmd_flags {
	/* refused unless the unit is owned or --write was given: the command
	 * calls shell_may_write() itself, after its arguments are checked (a
	 * usage error comes first, and nothing is written after one) */
	CMD_WRITES_HW = 1 << 0,
	/* needs the target: opened after shell_run has checked the words against
	 * the synopsis (too few, an option it does not have) */
	CMD_TARGET    = 1 << 1,
	/* with CMD_TARGET: the command opens the target itself (shell_target,
	 * shell_unit, shell_device) once its values are parsed, so a bad value is
	 * said before a machine is started */
	CMD_OPENS_LATE = 1 << 2,
};

/* Argument kinds, for completion and the generated documentation. */
enum cmd_complete {
	COMPLETE_NONE,
	COMPLETE_DEVICE,   /* first argument is a device address */
	COMPLETE_REGISTER, /* register names of the selected unit */
	COMPLETE_DOMAIN,   /* domain names */
	COMPLETE_KIND,     /* decoder kinds */
	COMPLETE_FILE,
	COMPLETE_WORDS,    /* the words listed in `words` */
};

struct shell_cmd {
	const char *name;
	const char *args;  /* synopsis of the arguments */
	const char *help;  /* one line */
	unsigned flags;    /* enum cmd_flags */
	/* 0 on success; on failure the handler has reported the error through
	 * shell_error() and returns a negative errno. */
	int (*run)(struct shell *sh, int argc, char **argv);
	enum cmd_complete complete;  /* the first argument */
	const char *words; /* COMPLETE_WORDS: space-separated subcommands */
	enum cmd_complete complete2; /* later arguments (NONE: as the first) */
	/* More than one line: options, syntax; shown by `help NAME` and in the
	 * man page, not in the list ('\n' separates lines). */
	const char *details;
	/* Keys of a full-screen command (monitor): the i-th key's name and help,
	 * NULL past the last; listed by `help NAME` and in the man page. */
	const char *(*key_at)(size_t i, const char **help);
	/* complete2 == COMPLETE_WORDS: the later arguments' words ("on off");
	 * otherwise later arguments of a COMPLETE_WORDS command are offered
	 * only its options (words starting "-"), never a subcommand again */
	const char *words2;
};

/* Each group's table, terminated by .name == NULL (cmd-*.c). */
extern const struct shell_cmd shell_cmds_core[];
extern const struct shell_cmd shell_cmds_target[];
extern const struct shell_cmd shell_cmds_tables[];
extern const struct shell_cmd shell_cmds_program[];
extern const struct shell_cmd shell_cmds_faults[];
extern const struct shell_cmd shell_cmds_memory[];
extern const struct shell_cmd shell_cmds_discover[];
extern const struct shell_cmd shell_cmds_snapshot[];
extern const struct shell_cmd shell_cmds_audit[];
/* own --policy FILE (cmd-audit.c): load before owning, apply after */
struct smmu_policy;
int shell_policy_load(const char *cmd, const char *file, struct smmu_policy **out);
int shell_policy_apply(struct shell *sh, const char *cmd, const char *file, struct smmu_policy *p);

/* Every command, in table order: i = 0, 1, ... until NULL. */
const struct shell_cmd *shell_cmd_at(size_t i);
/* Exact name first, then a unique prefix.  NULL after reporting the error. */
const struct shell_cmd *shell_cmd_find(const char *name);
/* Run one command already split into words. */
int shell_run(struct shell *sh, int argc, char **argv);
/* Run a line of ';'-separated commands; stops at the first failure. */
int shell_run_line(struct shell *sh, const char *line);
/* Run a script ('#' comments, '\' continuation); stops at the first failure. */
int shell_run_file(struct shell *sh, FILE *f, const char *name);
/* The one script reader: each command line ('\' at the end of a line
 * continues it) with the number of the line it starts on, comments and blank
 * lines included (shell_run_line skips them).  Stops when each returns
 * non-zero, and returns that; -ENOMEM; -EILSEQ at a line holding a NUL byte
 * (its number in *bad, when bad is not NULL); -errno when the file cannot
 * be read (a directory: -EISDIR). */
int shell_script_read(FILE *f, int (*each)(void *ctx, const char *cmd, unsigned lineno), void *ctx,
		      unsigned *bad);

/* --- helpers for commands ----------------------------------------------------- */

/* The one place user-facing errors are printed: "smmush: <message>" on stderr,
 * with "FILE:LINE: " before the message while a script runs.  A caller that
 * wants them elsewhere (the monitor shows a script's errors on its status
 * line) redirects the stream: shell_error_to(f) sends each message, one a
 * line and without "smmush: " (the caller knows whose they are), to f until
 * shell_error_to(NULL) or the previous stream it returned is put back. */
extern const char *shell_where;
void shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
FILE *shell_error_to(FILE *f);
/* Under -j, the error shell_error() last printed on stderr also goes to
 * stdout as {"error": "...", "command": CMD} (CMD NULL: null), so scripts
 * that parse stdout see the failure; once per error.  Without -j: nothing. */
void shell_json_error(struct shell *sh, const char *cmd);
void shell_error_forget(void);
/* A target closes: shell_lib_error forgets having told why it went away. */
void shell_target_forget(struct shell *sh, struct smmu_target *t);
/* The target went away: why, unless shell_lib_error already said it. */
void shell_target_gone_once(struct shell *sh, const char *cmd);
/* An error from the library, worded once: "CMD: what: <reason>". */
int shell_lib_error(const char *cmd, const char *what, int rc);
/* What to type next after a library error: "" when the library said it all. */
const char *shell_lib_hint(int rc);
/* shell_lib_error for a memory access: an address outside RAM names the RAM ranges. */
int shell_mem_error(struct shell *sh, const char *cmd, const char *what, int rc);
/* Numbers: 0x hex, decimal; shell_parse_size also takes K/M/G suffixes. */
int shell_parse_u64(const char *what, const char *s, uint64_t *out);
int shell_parse_size(const char *what, const char *s, uint64_t *out);
/* "r", "rw", "rwx", "rx", optionally "p" (privileged only): SMMU_PROT_* bits. */
int shell_parse_perms(const char *what, const char *s, unsigned *out);
/* `help NAME`'s text for one command: synopsis, help, details. */
void shell_help(struct shell *sh, const struct shell_cmd *c);
/* Argument count check: "CMD: expected ARGS" when not min <= argc-1 <= max. */
int shell_nargs(const struct shell *sh, int argc, char **argv, int min, int max);

/* The target, opened and discovered on first use; NULL after reporting why. */
struct smmu_target *shell_target(struct shell *sh);
const char *shell_target_hint(const char *spec, const char *const *opts, size_t nopts);
/* The selected unit; NULL (reported) when the target has none. */
struct smmu_unit *shell_unit(struct shell *sh);
/* A device by address; NULL (reported, naming the command) when none. */
struct smmu_device *shell_device(struct shell *sh, const char *cmd, const char *name);
struct smmu_domain *shell_domain(struct shell *sh, const char *cmd, const char *name);
/* Hardware writes are allowed on an owned unit, or anywhere with --write. */
int shell_may_write(struct shell *sh, const char *cmd, struct smmu_unit *u);
/* the same for the selected unit (commands whose write is not a unit's) */
int shell_may_write_selected(struct shell *sh, const char *cmd);

/* Render a structure through the decoders: text, or one JSON object (no
 * document end: the caller nests it). */
void shell_render(struct shell *sh, const char *kind, const uint64_t *words, unsigned flags);
/* Output held in memory while a command runs, printed only if it succeeds:
 * a failing command leaves stdout empty (never half a JSON document). */
struct shell_capture {
	FILE *mem, *out;
	char *buf;
	size_t len;
	struct smmu_json j;
};
int shell_capture_begin(struct shell *sh, struct shell_capture *c);
void shell_capture_end(struct shell *sh, struct shell_capture *c, bool print);

/* Begin / end one JSON document for a command's output. */
void shell_json_begin(struct shell *sh);
void shell_json_end(struct shell *sh);

/* SIGINT sets shell_interrupted instead of killing (main.c); called again
 * after the library installs its release-on-signal handlers. */
void shell_signals(void);

/* Command handlers of the core group. */
int cmd_decode(struct shell *sh, int argc, char **argv);
/* `decode fdt FILE` (cmd-discover.c) */
int shell_decode_fdt(struct shell *sh, const char *path);
/* A reserved region (RMRR, IORT RMR) as one line of text after indent, or
 * as a JSON object (cmd-discover.c): devices, config and discover share them. */
void shell_reserved_text(struct shell *sh, const char *indent, const struct smmu_reserved_region *r);
void shell_reserved_json(struct shell *sh, const struct smmu_reserved_region *r);
/* "reserved": [...] for a device (devices, config) */
void shell_device_reserved_json(struct shell *sh, const struct smmu_device *d);
void shell_device_reserved_text(struct shell *sh, const char *indent, const struct smmu_device *d);

#endif
