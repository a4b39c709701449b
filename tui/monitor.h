/* SPDX-License-Identifier: MIT */
/*
 * The live fault monitor, as its callers see it (smmush's `monitor` command,
 * tests/bench-monitor.c).  The monitor is a front end on libsmmu and the
 * decoders and nothing else: its caller opens the target, parses options,
 * reads the script, and runs the script's lines for it through run_line.
 */
#ifndef SMMU_TUI_MONITOR_H
#define SMMU_TUI_MONITOR_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/smmu.h"

/* One command line of a script, and the line of the file it starts on. */
struct monitor_line {
	const char *text;
	unsigned lineno;
};

/* Run one command line; what it said goes to text (NUL-terminated): the
 * first line it printed, or when it failed, its error.  Returns 0, 1 when
 * the line asked to quit (the script ends), a negative errno when it failed
 * (the script stops), or -EXDEV when it replaced the target (the monitor
 * leaves without touching the old one again; text says why). */
typedef int (*monitor_run_line_fn)(void *ctx, const char *line, char *text, size_t textlen);

/* The counts the screen shows (since the last clear), for the tick hook and
 * for the caller after the monitor ends. */
struct monitor_stats {
	double elapsed_s;         /* since the first draw */
	uint64_t draws;           /* screens drawn */
	uint64_t generated;       /* storm reads issued */
	double storm_s;           /* how long the storm ran */
	uint64_t shown_total;     /* records drained */
	uint64_t shown_lost;      /* lost: overflow episodes and unreadable records */
	uint64_t storm_source;    /* the storm device's count in the sources table */
};

struct monitor_config {
	struct smmu_target *t;    /* opened and discovered */
	/* a script run beside the view, one line every pace_ms */
	const char *script_name;
	const struct monitor_line *script;
	size_t nscript;
	unsigned pace_ms;
	monitor_run_line_fn run_line;
	void *ctx;
	/* storm mode from the start: storm_limit reads (0: until S stops it),
	 * from device (NULL: the first that can storm) */
	bool storm;
	uint64_t storm_limit;
	const char *device;
	/* set to 1 when a stop signal arrives, so a long script line ends too */
	volatile sig_atomic_t *interrupt;
	/* after every tick (0.1 s): non-zero ends the monitor, after a last
	 * drain and redraw, with exact final counts (benchmarks) */
	int (*on_tick)(void *ctx, const struct monitor_stats *s);
	void *tick_ctx;
};

/* Take the terminal (standard input and output), watch cfg->t's faults until
 * q, a stop signal or on_tick ends it, give the terminal back.  The signal
 * handlers in place before are put back on return.
 * Returns 0 or a negative errno with err set.  *stop_signal: the SIGINT,
 * SIGTERM or SIGHUP that ended it, else 0 (the caller then gives back what
 * it owns and dies of the signal, or goes on).  stats may be NULL. */
int monitor_run(const struct monitor_config *cfg, struct monitor_stats *stats, int *stop_signal,
		char *err, size_t errlen);

/* NULL, or why this build of smmush has no monitor (configure --without-ncurses). */
const char *monitor_left_out(void);

/* The monitor's keys, from its one key table: the i-th key's name ("?",
 * "Enter", "Up/Down") and, in *help, what it does; NULL past the last (and
 * in a binary built without the monitor). */
const char *monitor_key_at(size_t i, const char **help);

#endif
