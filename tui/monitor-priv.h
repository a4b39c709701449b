/* SPDX-License-Identifier: MIT */
/*
 * Inside the monitor: its state and the rooms' functions to each other.
 *   crt.c      the terminal: set up, restored on q, stop signals and crashes
 *   monitor.c  the model and the loop: rings, sampling, filter, storm, script
 *   view.c     drawing: header, sources table, log, help, status line
 *   detail.c   the detail pane: one record decoded and explained
 *   keys.c     the key table and what each key does
 */
#ifndef SMMU_TUI_MONITOR_PRIV_H
#define SMMU_TUI_MONITOR_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "tui/monitor.h"

#define LOG_CAP    4096  /* the view's own ring of records (the library keeps as many) */
#define MAX_ROWS   512   /* fault sources the library tracks at most */
#define HIST       11    /* rate samples: one a tick, so rates span the last second */
#define TICK_S     0.1   /* sampling, script pace default, and the fastest redraw */
#define POLL_S     0.02  /* draining when no storm runs */
#define INPUT_S    0.01  /* key checks while a storm keeps the loop busy */
#define MIN_COLS   80
#define MIN_LINES  24
#define STORM_BATCH_MAX 4096

/* --- crt.c: the terminal ---------------------------------------------------------- */

enum {
	PAIR_BAR = 1, PAIR_STATUS, PAIR_WARN, PAIR_BAD, PAIR_CONFIG, PAIR_GOOD, PAIR_FLAG,
	PAIR_ERROR, PAIR_DIM,
};

/* SIGINT/SIGTERM/SIGHUP seen: the loop leaves */
extern volatile sig_atomic_t crt_stop_signal;
/* Set on a stop signal too (the caller's "interrupted" flag), or NULL. */
extern volatile sig_atomic_t *crt_interrupt;

int crt_init(void);
void crt_done(void);
/* Our handlers for stop and crash signals; crt_signals_restore() puts back
 * the ones in place at the first crt_signals() call. */
void crt_signals(void);
void crt_signals_restore(void);
/* A colour pair, or the fallback attribute on a terminal without colours. */
int crt_attr(int pair, int fallback);

/* --- monitor.c: the model ------------------------------------------------------- */

enum sort_key { SORT_COUNT, SORT_RATE, SORT_RECENT, SORT_DEVICE, SORT_N };
extern const char *const sort_names[];

struct row {
	struct smmu_fault_source s;
	double rate;
	const char *addr, *name;
};

struct sample {
	double t;
	uint64_t total;
	size_t n;
	uint64_t cnt[MAX_ROWS];
};

struct mon {
	struct smmu_target *t;
	const struct monitor_config *o;

	/* the view's ring: records that match the filter, oldest first */
	struct smmu_fault *log;
	size_t log_head, log_len;
	uint64_t log_sel;       /* seq of the selected record; 0: follow the newest */
	uint64_t log_top;       /* seq of the first record shown */
	double log_wall[LOG_CAP]; /* when each was drained (wall clock) */
	/* the same for the newest records whatever the filter, by seq: the
	 * library keeps as many, so a rebuilt view finds theirs here */
	double seq_wall[LOG_CAP];
	double now_wall;        /* set before each drain */

	char filter_text[64];   /* as typed; "" when none */
	struct smmu_fault_filter *filter; /* NULL: everything */

	bool paused;
	struct smmu_fault_totals base;   /* the library's totals at the last clear */

	struct sample hist[HIST];
	size_t hist_head, hist_len;

	/* what the screen shows: refreshed at each redraw unless paused */
	struct smmu_fault_totals shown;
	double shown_rate;
	uint64_t shown_generated;
	struct row rows[MAX_ROWS];
	size_t nrows, nsources;
	enum sort_key sort;
	bool focus_sources;
	size_t src_sel;

	/* overlays and prompts */
	bool help, detail, editing;
	char edit[64];
	size_t edit_len;
	struct {
		uint64_t seq;
		int width;
		char **line;
		size_t n;
		int scroll;
	} det;

	char units_line[320];
	char msg[256];
	bool msg_err;

	struct {
		bool on, ready;
		struct smmu_device *dev;
		uint64_t iova;
		unsigned batch;
		uint64_t generated, limit;
		double active_s, t0;
	} storm;

	struct {
		size_t next;
		bool done;
		double next_at;
	} script;

	bool dirty, quit, target_gone;
	int rc;
	char err[256];          /* why the monitor ended with rc < 0 */
	uint64_t draws;
	double t0;              /* the first draw */
};

double mono(void);
void set_msg(struct mon *m, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
const struct smmu_fault *log_at(const struct mon *m, size_t i);
double log_wall_at(const struct mon *m, size_t i);
/* Index of the first record with seq >= want (records are in seq order). */
size_t log_find(const struct mon *m, uint64_t want);
void log_rebuild(struct mon *m);
void sample(struct mon *m, double now);
/* What the screen shows, from the library's counts and the samples. */
void snapshot(struct mon *m);
void sort_rows(struct mon *m);
/* A new filter, as typed ("" clears it); a bad one is refused with a message. */
void apply_filter(struct mon *m, const char *text);
void clear_counts(struct mon *m);
void storm_start(struct mon *m, uint64_t limit);
void storm_stop(struct mon *m, const char *why);

/* --- view.c, detail.c ------------------------------------------------------------- */

void draw(struct mon *m);
/* Text at (y, x), at most w columns, clipped to the screen. */
void view_put(int y, int x, int w, int attr, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void view_bar(int y, int attr);
void draw_detail(struct mon *m, int y, int h);
void det_free(struct mon *m);
/* "14:03:07.123", local time */
const char *wall_str(char *buf, size_t n, double w);
void access_str(char *buf, unsigned a);

/* --- keys.c -------------------------------------------------------------------------- */

struct key_binding {
	int key;
	const char *name, *help; /* name NULL: an alias, not listed */
	void (*fn)(struct mon *m, int key);
};
const struct key_binding *key_table(size_t *n);
void handle_key(struct mon *m, int ch);

/* The number a record shows: from #1 at the start and again after c, as the
 * total beside it (the library's sequence numbers go on). */
static inline uint64_t rec_no(const struct mon *m, uint64_t seq)
{
	return seq - m->base.total;
}

#endif
