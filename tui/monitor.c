/* SPDX-License-Identifier: MIT */
/*
 * smmush monitor: the live fault monitor.  A full-screen ncurses view of the
 * DMA faults every unit reports, per device, each record explainable by a
 * walk of the device's live tables.
 *
 * One loop owns everything, with no threads: it drains the units' fault
 * sources (every 20 ms, and after every batch while a storm runs), runs a
 * --script one command line a tick beside the view, reads keys and redraws
 * at most 10 times a second.  The counts shown are the library's totals and
 * per-source statistics, which count every record drained; the view only
 * samples them, so a slow terminal never costs a count.  Memory is bounded:
 * the library's ring and this view's own ring of records are fixed at start.
 *
 * The terminal is owned in one place (crt_*, as htop's CRT.c does): set up
 * once, restored on q, on SIGINT, SIGTERM and SIGHUP (the handler sets a flag,
 * the loop ends, the terminal is restored, owned units are given back, then
 * the signal's default action runs) and on crash signals (restore, then die
 * of the signal).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "decoders/decode.h"
#include "shell/shell.h"

int monitor_main(struct shell *sh, int argc, char **argv);

#define LOG_CAP    4096  /* the view's own ring of records (the library keeps as many) */
#define MAX_ROWS   512   /* fault sources the library tracks at most */
#define HIST       11    /* rate samples: one a tick, so rates span the last second */
#define TICK_S     0.1   /* sampling, script pace default, and the fastest redraw */
#define POLL_S     0.02  /* draining when no storm runs */
#define INPUT_S    0.01  /* key checks while a storm keeps the loop busy */
#define MIN_COLS   80
#define MIN_LINES  24

/* sim's test device (edu-compatible) registers that storm mode uses */
#define TD_ID      0x00
#define TD_ID_EDU  0x010000edu
#define TD_SRC     0x80
#define TD_SSID    0x100
#define TD_STORM   0x110
#define TD_ACCESS  0x118

struct mon_opts {
	const char *script, *device;
	bool storm;
	uint64_t storm_limit;  /* 0: until S stops it */
	unsigned pace_ms;
	double exit_after;     /* bench: leave after this long (0: never) */
	int report_fd;         /* bench: where the final counts go (-1: nowhere) */
	bool bench, help;
};

/* What a bench child reports when it leaves. */
struct bench_report {
	uint64_t generated, shown_total, shown_source, lost, draws;
	long rss_growth_kib, rss_kib;
	double storm_s, cpu_s, window_s;
};

/* --- the terminal: set up and restored in one place ----------------------------- */

static SCREEN *crt_screen;
static volatile sig_atomic_t crt_active;
static volatile sig_atomic_t mon_signal; /* SIGINT/SIGTERM/SIGHUP seen: leave */

static void crt_on_stop(int sig)
{
	mon_signal = sig;
	shell_interrupted = 1; /* a long script command stops too */
}

/* A crash: give the terminal back, then die of the signal.  endwin() is not
 * async-signal-safe; like htop, restoring the user's terminal is worth it. */
static void crt_on_crash(int sig)
{
	static const char msg[] = "smmush: monitor: crashed; terminal restored\n";

	if (crt_active) {
		crt_active = 0;
		endwin();
	}
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int crt_stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
static const int crt_crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL };

/* Ours, installed after the library's release-on-signal handlers (which
 * shell_target() sets) so that the terminal is restored first; the units
 * are then released by the normal exit path. */
static void crt_signals(void)
{
	struct sigaction sa = { .sa_handler = crt_on_stop };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crt_stop_signals) / sizeof(crt_stop_signals[0]); i++)
		sigaction(crt_stop_signals[i], &sa, NULL);
	sa.sa_handler = crt_on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(crt_crash_signals) / sizeof(crt_crash_signals[0]); i++)
		sigaction(crt_crash_signals[i], &sa, NULL);
}

static void crt_signals_default(void)
{
	for (size_t i = 0; i < sizeof(crt_crash_signals) / sizeof(crt_crash_signals[0]); i++)
		signal(crt_crash_signals[i], SIG_DFL);
}

enum {
	PAIR_BAR = 1, PAIR_STATUS, PAIR_WARN, PAIR_BAD, PAIR_CONFIG, PAIR_GOOD, PAIR_FLAG,
	PAIR_ERROR, PAIR_DIM,
};

static bool crt_color;

static int crt_init(void)
{
	crt_screen = newterm(NULL, stdout, stdin);
	if (!crt_screen)
		return -ENOTTY;
	set_term(crt_screen);
	crt_active = 1;
	crt_signals();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_STATUS, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_BAD, COLOR_RED, -1);
		init_pair(PAIR_CONFIG, COLOR_MAGENTA, -1);
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_FLAG, COLOR_BLACK, COLOR_YELLOW);
		init_pair(PAIR_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(PAIR_DIM, COLOR_CYAN, -1);
		crt_color = true;
	}
	return 0;
}

static void crt_done(void)
{
	if (!crt_active)
		return;
	crt_active = 0;
	endwin();
	delscreen(crt_screen);
	crt_screen = NULL;
	fflush(stdout);
}

static int crt_attr(int pair, int fallback)
{
	return crt_color ? (int)COLOR_PAIR(pair) : fallback;
}

/* --- state ------------------------------------------------------------------------ */

enum sort_key { SORT_COUNT, SORT_RATE, SORT_RECENT, SORT_DEVICE, SORT_N };
static const char *const sort_names[] = { "count", "rate", "recency", "device" };

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
	struct shell *sh;
	struct smmu_target *t;
	const struct mon_opts *o;

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

	char filter[64];
	struct {
		bool valid, match;
		const struct smmu_device *dev;
		uint32_t sid;
		const char *code;
		enum smmu_fault_class cls;
	} fcache;

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
		uint64_t regs, iova;
		unsigned batch;
		uint64_t generated, limit;
		double active_s, t0;
	} storm;

	struct {
		char **line;
		unsigned *lineno;
		size_t n, next;
		int fd;          /* captured output of script commands */
		bool done;
		double next_at;
	} script;

	bool dirty, quit, retargeted;
	int rc;
	uint64_t draws;
	/* bench */
	double window_t0;
	struct rusage window_ru;
	uint64_t window_draws;
	long warm_rss;          /* KiB, half a second in: the rings are filled by then */
};

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* "14:03:07.123", local time */
static const char *wall_str(char *buf, size_t n, double w)
{
	time_t s = (time_t)w;
	struct tm tm;

	if (!w || !localtime_r(&s, &tm)) {
		snprintf(buf, n, "-");
		return buf;
	}
	snprintf(buf, n, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, (int)((w - s) * 1000));
	return buf;
}

static void set_msg(struct mon *m, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_msg(struct mon *m, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	va_end(ap);
	m->msg_err = err;
	m->dirty = true;
}

/* --- filter and the view's ring ----------------------------------------------------- */

static bool has_text(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

/* A device (address, name, or its SID exactly) or a reason (name or class). */
static bool filter_match(const struct mon *m, const struct smmu_device *dev, uint32_t sid,
			 const char *code, int cls)
{
	struct smmu_device_info di;
	char sidbuf[16];

	if (!m->filter[0])
		return true;
	if (dev) {
		smmu_device_info(dev, &di);
		if (has_text(di.addr, m->filter) || has_text(di.name, m->filter))
			return true;
	}
	snprintf(sidbuf, sizeof(sidbuf), "0x%" PRIx32, sid);
	if (!strcasecmp(sidbuf, m->filter))
		return true;
	return has_text(code, m->filter) || (cls >= 0 && has_text(smmu_fault_class_name(cls), m->filter));
}

/* Per record, during a storm: one cached answer for the last (device,
 * reason) seen keeps this at a few compares a record. */
static bool filter_fault(struct mon *m, const struct smmu_fault *f)
{
	if (!m->filter[0])
		return true;
	if (!m->fcache.valid || m->fcache.dev != f->dev || m->fcache.sid != f->stream.sid ||
	    m->fcache.code != f->code_name || m->fcache.cls != f->cls) {
		m->fcache.valid = true;
		m->fcache.dev = f->dev;
		m->fcache.sid = f->stream.sid;
		m->fcache.code = f->code_name;
		m->fcache.cls = f->cls;
		m->fcache.match = filter_match(m, f->dev, f->stream.sid, f->code_name, f->cls);
	}
	return m->fcache.match;
}

static void log_push(struct mon *m, const struct smmu_fault *f, double wall)
{
	m->log_wall[m->log_head] = wall;
	m->log[m->log_head] = *f;
	m->log_head = (m->log_head + 1) % LOG_CAP;
	if (m->log_len < LOG_CAP)
		m->log_len++;
}

static const struct smmu_fault *log_at(const struct mon *m, size_t i)
{
	return &m->log[(m->log_head + LOG_CAP - m->log_len + i) % LOG_CAP];
}

static double log_wall_at(const struct mon *m, size_t i)
{
	return m->log_wall[(m->log_head + LOG_CAP - m->log_len + i) % LOG_CAP];
}

/* Index of the first record with seq >= want (records are in seq order). */
static size_t log_find(const struct mon *m, uint64_t want)
{
	size_t lo = 0, hi = m->log_len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (log_at(m, mid)->seq < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The filter changed, or the view resumed: refill from the library's ring,
 * which keeps the newest records whatever the view did meanwhile. */
static void log_rebuild(struct mon *m)
{
	struct smmu_fault f;
	size_t kept = smmu_faults_kept(m->t);

	m->log_len = m->log_head = 0;
	m->fcache.valid = false;
	for (size_t i = 0; i < kept; i++)
		if (!smmu_faults_get(m->t, i, &f) && f.seq > m->base.total && filter_fault(m, &f))
			log_push(m, &f, m->seq_wall[f.seq % LOG_CAP]);
	m->dirty = true;
}

static void on_fault(void *ctx, const struct smmu_fault *f)
{
	struct mon *m = ctx;

	m->seq_wall[f->seq % LOG_CAP] = m->now_wall;
	if (!m->paused && filter_fault(m, f))
		log_push(m, f, m->now_wall);
}

/* --- sampling: rates and the snapshot the screen shows --------------------------------- */

static void sample(struct mon *m, double now)
{
	struct smmu_fault_totals tot;
	struct smmu_fault_source s;
	struct sample *h = &m->hist[m->hist_head];

	smmu_faults_totals(m->t, &tot);
	h->t = now;
	h->total = tot.total;
	h->n = smmu_fault_source_count(m->t);
	if (h->n > MAX_ROWS)
		h->n = MAX_ROWS;
	for (size_t i = 0; i < h->n; i++)
		h->cnt[i] = smmu_fault_source_get(m->t, i, &s) ? 0 : s.count;
	m->hist_head = (m->hist_head + 1) % HIST;
	if (m->hist_len < HIST)
		m->hist_len++;
}

static const struct sample *hist_oldest(const struct mon *m)
{
	return m->hist_len ? &m->hist[(m->hist_head + HIST - m->hist_len) % HIST] : NULL;
}

static const struct sample *hist_newest(const struct mon *m)
{
	return m->hist_len ? &m->hist[(m->hist_head + HIST - 1) % HIST] : NULL;
}

static enum sort_key g_sort;

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = 0;

	switch (g_sort) {
	case SORT_COUNT: c = (x->s.count < y->s.count) - (x->s.count > y->s.count); break;
	case SORT_RATE: c = (x->rate < y->rate) - (x->rate > y->rate); break;
	case SORT_RECENT: c = (x->s.last_ns < y->s.last_ns) - (x->s.last_ns > y->s.last_ns); break;
	default: break;
	}
	if (!c)
		c = strcmp(x->addr, y->addr);
	if (!c)
		c = (x->s.sid > y->s.sid) - (x->s.sid < y->s.sid);
	return c;
}

static void snapshot(struct mon *m)
{
	struct smmu_fault_totals tot;
	const struct sample *old = hist_oldest(m), *now = hist_newest(m);
	double span = old && now ? now->t - old->t : 0;

	smmu_faults_totals(m->t, &tot);
	m->shown.total = tot.total - m->base.total;
	m->shown.lost_overflow = tot.lost_overflow - m->base.lost_overflow;
	m->shown.lost_unread = tot.lost_unread - m->base.lost_unread;
	m->shown.quirks = tot.quirks - m->base.quirks;
	m->shown.gerrors = tot.gerrors - m->base.gerrors;
	m->shown_generated = m->storm.generated;
	m->shown_rate = span > 0.05 ? (now->total - old->total) / span : 0;
	m->nsources = smmu_fault_source_count(m->t);
	m->nrows = 0;
	for (size_t i = 0; i < m->nsources && i < MAX_ROWS; i++) {
		struct row *r = &m->rows[m->nrows];
		struct smmu_device_info di;
		if (smmu_fault_source_get(m->t, i, &r->s))
			continue;
		if (!filter_match(m, r->s.dev, r->s.sid, r->s.last_code_name, -1))
			continue;
		r->addr = "-";
		r->name = "";
		if (r->s.dev) {
			smmu_device_info(r->s.dev, &di);
			r->addr = di.addr;
			r->name = di.name ? di.name : "";
		}
		uint64_t then = old && i < old->n ? old->cnt[i] : 0, cur = now && i < now->n ? now->cnt[i] : 0;
		r->rate = span > 0.05 && cur >= then ? (cur - then) / span : 0;
		m->nrows++;
	}
	g_sort = m->sort;
	qsort(m->rows, m->nrows, sizeof(m->rows[0]), row_cmp);
	if (m->src_sel >= m->nrows)
		m->src_sel = m->nrows ? m->nrows - 1 : 0;
}

/* "owned, translation on" for each unit: SMMUv3 CR0.SMMUEN, VT-d GSTS.TES. */
static void units_refresh(struct mon *m)
{
	char buf[sizeof(m->units_line)] = "";
	size_t n = smmu_unit_count(m->t);

	for (size_t i = 0; i < n; i++) {
		struct smmu_unit *u = smmu_unit_at(m->t, i);
		struct smmu_unit_info ui;
		uint64_t v = 0;
		smmu_unit_info(u, &ui);
		bool vtd = ui.arch == SMMU_ARCH_VTD;
		int rc = smmu_mmio_read(m->t, ui.base + (vtd ? 0x1c : 0x20), 4, &v);
		bool on = vtd ? v >> 31 & 1 : v & 1;
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%s%s %s, translation %s", i ? "; " : "", ui.name,
			 smmu_unit_owned(u) ? "owned" : "not owned", rc ? "unreadable" : on ? "on" : "off");
	}
	if (!n)
		snprintf(buf, sizeof(buf), "no IOMMU unit (firmware named none)");
	if (strcmp(buf, m->units_line)) {
		memcpy(m->units_line, buf, sizeof(buf));
		m->dirty = true;
	}
}

static void faults_poll(struct mon *m)
{
	m->now_wall = wall_now();
	int rc = smmu_faults_poll(m->t);

	if (rc > 0)
		m->dirty = true;
	else if (rc < 0)
		set_msg(m, true, "draining faults: %s", smmu_strerror(rc));
}

/* --- storm mode (sim) ------------------------------------------------------------------- */

/* A test device streams faulting one-byte reads: it is attached to a domain
 * (an empty one of ours when it has none) and reads an IOVA that domain does
 * not map.  Batches fit the unit's fault store so none overflows: half the
 * SMMUv3 event queue, or the VT-d fault recording registers. */
static int storm_setup(struct mon *m, char *err, size_t errlen)
{
	struct smmu_target *t = m->t;
	struct smmu_device *d = NULL;
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	uint64_t v;
	int rc;

	if (strncmp(smmu_target_spec(t), "sim", 3)) {
		snprintf(err, errlen, "storm mode needs a sim target (its test devices have a STORM register)");
		return -ENOTSUP;
	}
	if (m->o->device) {
		if (!(d = smmu_device_find(t, m->o->device))) {
			snprintf(err, errlen, "no device '%s' ('devices' lists them)", m->o->device);
			return -ENODEV;
		}
		smmu_device_info(d, &di);
		if (!(di.caps & SMMU_DEV_DMA) || !di.unit) {
			snprintf(err, errlen, "%s has no DMA engine or no unit translates it", di.addr);
			return -ENODEV;
		}
	} else {
		for (size_t i = 0; i < smmu_device_count(t) && !d; i++) {
			smmu_device_info(smmu_device_at(t, i), &di);
			if ((di.caps & SMMU_DEV_DMA) && di.unit)
				d = smmu_device_at(t, i);
		}
		if (!d) {
			snprintf(err, errlen, "no DMA test device behind a unit");
			return -ENODEV;
		}
	}
	smmu_unit_info(di.unit, &ui);
	if (!smmu_unit_owned(di.unit) && (rc = smmu_unit_own(di.unit))) {
		snprintf(err, errlen, "owning %s: %s", ui.name, smmu_strerror(rc));
		return rc;
	}
	if (!smmu_device_domain(d)) {
		struct smmu_domain *dom = smmu_domain_find(t, "monitor-storm");
		if ((!dom && (rc = smmu_domain_create(t, "monitor-storm", 0, &dom))) ||
		    (rc = smmu_device_attach(d, dom))) {
			snprintf(err, errlen, "attaching %s to domain monitor-storm: %s", di.addr, smmu_strerror(rc));
			return rc;
		}
	}
	/* an address its tables do not map, so every read is a recorded fault */
	static const uint64_t candidates[] = { 0xdead0000, 0x3ead0000, 0xbad00000, 0x7f00000, 0x1000 };
	struct smmu_translation tr;
	m->storm.iova = 0;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]) && !m->storm.iova; i++)
		if (!smmu_translate(di.unit, &(struct smmu_stream){ di.sid, false, 0 }, candidates[i], SMMU_PROT_R, &tr) && !tr.ok &&
		    tr.cfg.verdict == SMMU_CFG_TRANSLATE)
			m->storm.iova = candidates[i];
	if (!m->storm.iova) {
		snprintf(err, errlen, "%s's domain maps every address tried: no address to fault at", di.addr);
		return -EEXIST;
	}
	if (di.bus == SMMU_BUS_PLATFORM) {
		m->storm.regs = di.mmio_base;
	} else {
		uint32_t bar, cmd;
		if ((rc = smmu_pci_read(t, di.bdf, 0x10, 4, &bar)) || (rc = smmu_pci_read(t, di.bdf, 0x04, 2, &cmd)) ||
		    (rc = smmu_pci_write(t, di.bdf, 0x04, 2, cmd | 0x6))) { /* memory space, bus master */
			snprintf(err, errlen, "%s: PCI configuration: %s", di.addr, smmu_strerror(rc));
			return rc;
		}
		m->storm.regs = bar & ~0xfull;
	}
	if ((rc = smmu_mmio_read(t, m->storm.regs + TD_ID, 4, &v)) || v != TD_ID_EDU) {
		snprintf(err, errlen, "%s is not a sim test device", di.addr);
		return rc ? rc : -ENODEV;
	}
	if ((rc = smmu_mmio_write(t, m->storm.regs + TD_SSID, 4, 0)) ||
	    (rc = smmu_mmio_write(t, m->storm.regs + TD_ACCESS, 4, 0)) ||
	    (rc = smmu_mmio_write(t, m->storm.regs + TD_SRC, 8, m->storm.iova))) {
		snprintf(err, errlen, "%s: programming the device: %s", di.addr, smmu_strerror(rc));
		return rc;
	}
	if (ui.arch == SMMU_ARCH_SMMUV3) {
		/* SMMU_EVENTQ_BASE.LOG2SIZE, as the owner programmed it */
		if ((rc = smmu_mmio_read(t, ui.base + 0xa0, 8, &v)))
			return rc;
		unsigned log2 = v & 0x1f;
		m->storm.batch = log2 ? 1u << (log2 - 1) : 1;
	} else {
		/* VT-d CAP.NFR: fault recording registers, minus one */
		if ((rc = smmu_mmio_read(t, ui.base + 0x08, 8, &v)))
			return rc;
		m->storm.batch = (unsigned)(v >> 40 & 0xff) + 1;
	}
	if (m->storm.batch > 4096)
		m->storm.batch = 4096;
	m->storm.dev = d;
	m->storm.ready = true;
	m->dirty = true;
	return 0;
}

static void storm_stop(struct mon *m, const char *why)
{
	if (!m->storm.on)
		return;
	m->storm.on = false;
	m->storm.active_s += mono() - m->storm.t0;
	if (why)
		set_msg(m, false, "storm %s: %" PRIu64 " faulting reads generated", why, m->storm.generated);
}

static void storm_start(struct mon *m, uint64_t limit)
{
	char err[192];
	int rc;

	if (!m->storm.ready && (rc = storm_setup(m, err, sizeof(err)))) {
		set_msg(m, true, "storm: %s", err);
		return;
	}
	m->storm.limit = limit ? m->storm.generated + limit : 0;
	m->storm.on = true;
	m->storm.t0 = mono();
	set_msg(m, false, "storm on: batches of %u faulting reads (S stops it)", m->storm.batch);
}

static void storm_step(struct mon *m)
{
	uint64_t n = m->storm.batch;
	int rc;

	if (m->storm.limit && m->storm.limit - m->storm.generated < n)
		n = m->storm.limit - m->storm.generated;
	if ((rc = smmu_mmio_write(m->t, m->storm.regs + TD_STORM, 8, n))) {
		storm_stop(m, NULL);
		set_msg(m, true, "storm stopped: %s", smmu_strerror(rc));
		return;
	}
	m->storm.generated += n;
	/* drained before the next batch: the fault store never overflows */
	faults_poll(m);
	if (m->storm.limit && m->storm.generated >= m->storm.limit)
		storm_stop(m, "done");
}

/* --- the script, beside the view ------------------------------------------------------- */

static int script_load(struct mon *m, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *cmd = NULL;
	size_t cap = 0, len = 0;
	unsigned lineno = 0, first = 0;
	ssize_t n;

	if (!f) {
		shell_error("monitor: --script %s: %s", path, strerror(errno));
		return -errno;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		bool cont = n && line[n - 1] == '\\';
		if (cont)
			line[--n] = '\0';
		if (!cmd)
			first = lineno;
		char *grown = realloc(cmd, len + n + 2);
		if (!grown)
			goto nomem;
		cmd = grown;
		memcpy(cmd + len, line, n);
		len += n;
		cmd[len++] = ' ';
		cmd[len] = '\0';
		if (cont)
			continue;
		const char *p = cmd;
		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != '#') {
			char **l = realloc(m->script.line, (m->script.n + 1) * sizeof(*l));
			unsigned *no = l ? realloc(m->script.lineno, (m->script.n + 1) * sizeof(*no)) : NULL;
			if (l)
				m->script.line = l;
			if (!no)
				goto nomem;
			m->script.lineno = no;
			m->script.line[m->script.n] = cmd;
			m->script.lineno[m->script.n++] = first;
		} else {
			free(cmd);
		}
		cmd = NULL;
		len = 0;
	}
	if (cmd) { /* ends in a continuation */
		free(cmd);
		cmd = NULL;
	}
	free(line);
	fclose(f);
	return 0;
nomem:
	free(cmd);
	free(line);
	fclose(f);
	shell_error("monitor: --script %s: %s", path, strerror(ENOMEM));
	return -ENOMEM;
}

/* Run one command line with everything it prints (the command's output, its
 * errors, any stray stdout) captured, so nothing draws over the screen;
 * what it said becomes the status line. */
static void script_step(struct mon *m)
{
	struct shell *sh = m->sh;
	const char *path = m->o->script;
	size_t i = m->script.next++;
	int saved1, saved2, rc;
	char out[1024];

	m->now_wall = wall_now(); /* its commands may drain faults */
	fflush(stdout);
	fflush(stderr);
	(void)!ftruncate(m->script.fd, 0);
	saved1 = dup(STDOUT_FILENO);
	saved2 = dup(STDERR_FILENO);
	dup2(m->script.fd, STDOUT_FILENO);
	dup2(m->script.fd, STDERR_FILENO);
	rc = shell_run_line(sh, m->script.line[i]);
	fflush(sh->out);
	fflush(stdout);
	fflush(stderr);
	dup2(saved1, STDOUT_FILENO);
	dup2(saved2, STDERR_FILENO);
	close(saved1);
	close(saved2);
	crt_signals(); /* a `target open` in the script puts the library's back */

	/* the first line it printed, or on failure its error */
	off_t size = lseek(m->script.fd, 0, SEEK_END);
	off_t from = rc < 0 && size > (off_t)sizeof(out) - 1 ? size - (off_t)sizeof(out) + 1 : 0;
	ssize_t got = pread(m->script.fd, out, sizeof(out) - 1, from);
	out[got > 0 ? got : 0] = '\0';
	char *text = out;
	if (rc < 0) {
		char *e = NULL;
		for (char *p = strstr(out, "smmush: "); p; p = strstr(p + 1, "smmush: "))
			e = p + 8;
		text = e ? e : out;
	}
	text[strcspn(text, "\n")] = '\0';
	if (rc < 0) {
		set_msg(m, true, "script %s:%u: stopped: %s", path, m->script.lineno[i], text);
		m->script.done = true;
	} else {
		set_msg(m, false, "script %s:%u: %s", path, m->script.lineno[i], *text ? text : m->script.line[i]);
		if (rc > 0 || m->script.next == m->script.n) {
			m->script.done = true;
			size_t len = strlen(m->msg);
			snprintf(m->msg + len, sizeof(m->msg) - len, "  [script done]");
		}
	}
	if (sh->t != m->t) { /* the script opened another target: this one is gone */
		m->retargeted = true;
		m->quit = true;
		return;
	}
	/* drained now: VT-d has only a few recording registers */
	faults_poll(m);
}

/* --- drawing ------------------------------------------------------------------------ */

static void put(int y, int x, int w, int attr, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void put(int y, int x, int w, int attr, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || w <= 0)
		return;
	if (x + w > COLS)
		w = COLS - x;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attron(attr);
	mvaddnstr(y, x, buf, w);
	attroff(attr);
}

static void bar(int y, int attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

static const char *fmt_rate(char *buf, size_t n, double r)
{
	if (r < 1e7)
		snprintf(buf, n, "%.0f", r);
	else if (r < 1e10)
		snprintf(buf, n, "%.1fM", r / 1e6);
	else
		snprintf(buf, n, "%.1fG", r / 1e9);
	return buf;
}

static int class_attr(enum smmu_fault_class c)
{
	switch (c) {
	case SMMU_FC_TRANSLATION:
	case SMMU_FC_ACCESS: return crt_attr(PAIR_WARN, 0);
	case SMMU_FC_PERMISSION:
	case SMMU_FC_ADDR_SIZE:
	case SMMU_FC_FETCH: return crt_attr(PAIR_BAD, A_BOLD);
	case SMMU_FC_CONFIG:
	case SMMU_FC_STREAM: return crt_attr(PAIR_CONFIG, 0);
	default: return 0;
	}
}

static void access_str(char *buf, unsigned a)
{
	char *p = buf;

	if (a & SMMU_PROT_R) *p++ = 'R';
	if (a & SMMU_PROT_W) *p++ = 'W';
	if (a & SMMU_PROT_X) *p++ = 'X';
	if (a & SMMU_PROT_PRIV) *p++ = 'P';
	if (p == buf) *p++ = '-';
	*p = '\0';
}

static void sid_str(char *buf, size_t n, uint32_t sid, bool ssv, uint32_t ssid)
{
	if (ssv)
		snprintf(buf, n, "0x%" PRIx32 ":%" PRIx32, sid, ssid);
	else
		snprintf(buf, n, "0x%" PRIx32, sid);
}

static const char *dev_addr(const struct smmu_device *d)
{
	struct smmu_device_info di;

	if (!d)
		return "-";
	smmu_device_info(d, &di);
	return di.addr;
}

static void draw_header(struct mon *m)
{
	char r[32], flags[160] = "";
	const struct smmu_fault_totals *s = &m->shown;
	int x;

	bar(0, crt_attr(PAIR_BAR, A_REVERSE));
	put(0, 0, COLS, crt_attr(PAIR_BAR, A_REVERSE) | A_BOLD, " smmush monitor  %s", smmu_target_spec(m->t));
	if (m->storm.on || m->shown_generated)
		snprintf(flags, sizeof(flags), " STORM %s: %" PRIu64 " generated ", m->storm.on ? "on" : "off",
			 m->shown_generated);
	x = COLS - (int)strlen(flags) - (m->paused ? 8 : 0) - 1;
	if (flags[0])
		put(0, x, COLS - x, crt_attr(PAIR_FLAG, A_REVERSE), "%s", flags);
	if (m->paused)
		put(0, COLS - 9, 8, crt_attr(PAIR_ERROR, A_REVERSE) | A_BOLD, " PAUSED ");
	put(1, 0, COLS, 0, " %s", m->units_line);
	/* the same words each time, so a test can read them */
	int lost_attr = s->lost_overflow || s->lost_unread ? crt_attr(PAIR_BAD, A_BOLD) | A_BOLD : 0;
	char line[160];
	int n = snprintf(line, sizeof(line), " faults/s %s  total %" PRIu64 "  ", fmt_rate(r, sizeof(r), m->shown_rate),
			 s->total);
	put(2, 0, COLS, A_BOLD, "%s", line);
	put(2, n, COLS - n, lost_attr, "lost %" PRIu64 " (overflows %" PRIu64 ", unreadable %" PRIu64 ")%s",
	    s->lost_overflow + s->lost_unread, s->lost_overflow, s->lost_unread, s->gerrors ? "  GERROR" : "");
}

struct cols {
	int dev, name, sid, count, rate, addr;
};

static struct cols table_cols(const struct mon *m)
{
	struct cols c = { .sid = 8, .count = 11, .rate = 9, .addr = 15 };
	size_t dw = 6;

	for (size_t i = 0; i < m->nrows; i++)
		if (strlen(m->rows[i].addr) > dw)
			dw = strlen(m->rows[i].addr);
	c.dev = (int)(dw > 19 ? 19 : dw) + 1;
	int rest = COLS - 1 - c.dev - c.sid - c.count - c.rate - c.addr;
	c.name = rest - 18 >= 8 ? (rest - 18 > 32 ? 32 : rest - 18) : 0; /* the reason keeps 18 */
	return c;
}

static void draw_sources(struct mon *m, int y, int h)
{
	struct cols c = table_cols(m);
	char r[32], a[32], sid[24];
	int hdr = A_BOLD | (m->focus_sources ? A_UNDERLINE : 0);

	char count[48];
	if (m->nrows != m->nsources)
		snprintf(count, sizeof(count), "%zu shown of %zu", m->nrows, m->nsources);
	else
		snprintf(count, sizeof(count), "%zu", m->nrows);
	put(y, 0, COLS, hdr, "%sSOURCES %s  sort: %s%s%s", m->focus_sources ? ">" : " ", count, sort_names[m->sort],
	    m->filter[0] ? "  filter: " : "", m->filter);
	int x = 1;
	int dim = crt_attr(PAIR_DIM, A_DIM);
	put(y + 1, x, c.dev, dim, "DEVICE");
	x += c.dev;
	if (c.name) {
		put(y + 1, x, c.name, dim, "NAME");
		x += c.name;
	}
	put(y + 1, x, COLS - x, dim, "%-*s%*s%*s %-*s%s", c.sid, "SID", c.count - 1, "COUNT", c.rate, "RATE/s",
	    c.addr - 1, "LAST ADDR", "LAST REASON");
	/* keep the selected row in view */
	size_t top = m->src_sel >= (size_t)(h - 2) ? m->src_sel - (h - 3) : 0;
	for (int i = 0; i < h - 2 && top + i < m->nrows; i++) {
		const struct row *rw = &m->rows[top + i];
		int yy = y + 2 + i;
		bool sel = m->focus_sources && top + i == m->src_sel;
		if (sel)
			bar(yy, A_REVERSE);
		int base = sel ? A_REVERSE : 0;
		x = 1;
		put(yy, x, c.dev - 1, base | A_BOLD, "%s", rw->addr);
		x += c.dev;
		if (c.name) {
			put(yy, x, c.name - 1, base, "%s", rw->name);
			x += c.name;
		}
		sid_str(sid, sizeof(sid), rw->s.sid, false, 0);
		if (smmu_unit_count(m->t) > 1 && rw->s.unit) { /* the same SID on two units: say which */
			struct smmu_unit_info ui;
			smmu_unit_info(rw->s.unit, &ui);
			snprintf(sid, sizeof(sid), "%u:0x%" PRIx32, ui.index, rw->s.sid);
		}
		snprintf(a, sizeof(a), "0x%" PRIx64, rw->s.last_addr);
		put(yy, x, COLS - x, base, "%-*s%*" PRIu64 "%*s %-*s", c.sid, sid, c.count - 1, rw->s.count, c.rate,
		    fmt_rate(r, sizeof(r), rw->rate), c.addr - 1, a);
		x += c.sid + c.count - 1 + c.rate + 1 + c.addr - 1;
		put(yy, x, COLS - x, base, "%s", rw->s.last_code_name ? rw->s.last_code_name : "?");
	}
	if (!m->nrows)
		put(y + 2, 1, COLS - 2, dim, m->nsources ? "(no source matches the filter)" : "(no faults yet)");
}

static void draw_log(struct mon *m, int y, int h)
{
	int rows = h - 1, dw = 8;
	char sid[24], acc[8], a[32], w[24];

	for (size_t i = 0; i < m->nrows; i++)
		if ((int)strlen(m->rows[i].addr) + 1 > dw)
			dw = (int)strlen(m->rows[i].addr) + 1;
	if (dw > 20)
		dw = 20;
	char newest[24];
	int sw = m->log_len ? snprintf(newest, sizeof(newest), "#%" PRIu64, log_at(m, m->log_len - 1)->seq) + 1 : 9;
	if (sw < 9)
		sw = 9;
	bool wide = COLS - (sw + 13 + dw + 8 + 15 + 4) >= 24; /* room for the time and a reason */
	put(y, 0, COLS, A_BOLD | (!m->focus_sources ? A_UNDERLINE : 0), "%sLOG %zu kept%s  %s",
	    !m->focus_sources ? ">" : " ", m->log_len, m->filter[0] ? " matching the filter" : "",
	    m->log_sel ? "(End follows new faults)" : "(following new faults)");
	if (rows <= 0)
		return;
	size_t top;
	if (!m->log_sel) {
		top = m->log_len > (size_t)rows ? m->log_len - rows : 0;
	} else {
		size_t sel = log_find(m, m->log_sel);
		if (sel >= m->log_len && m->log_len)
			sel = m->log_len - 1;
		if (m->log_len)
			m->log_sel = log_at(m, sel)->seq;
		top = log_find(m, m->log_top);
		if (sel < top)
			top = sel;
		if (sel >= top + rows)
			top = sel - rows + 1;
		if (top < m->log_len)
			m->log_top = log_at(m, top)->seq;
	}
	for (int i = 0; i < rows && top + i < m->log_len; i++) {
		const struct smmu_fault *f = log_at(m, top + i);
		int yy = y + 1 + i, x = 1;
		bool sel = m->log_sel == f->seq;
		int base = sel ? A_REVERSE : 0;
		if (sel)
			bar(yy, A_REVERSE);
		sid_str(sid, sizeof(sid), f->stream.sid, f->stream.ssv, f->stream.ssid);
		access_str(acc, f->access);
		snprintf(a, sizeof(a), "0x%" PRIx64, f->addr);
		put(yy, x, sw, base | crt_attr(PAIR_DIM, 0), "#%" PRIu64, f->seq);
		x += sw;
		if (wide) {
			put(yy, x, 13, base, "%s", wall_str(w, sizeof(w), log_wall_at(m, top + i)));
			x += 13;
		}
		put(yy, x, COLS - x, base, "%-*.*s%-8s%-15s%-4s", dw, dw - 1, dev_addr(f->dev), sid, a, acc);
		x += dw + 8 + 15 + 4;
		put(yy, x, COLS - x, base | (sel ? 0 : class_attr(f->cls)), "%s  %s", f->code_name ? f->code_name : "?",
		    smmu_fault_class_name(f->cls));
	}
	if (!m->log_len)
		put(y + 1, 1, COLS - 2, crt_attr(PAIR_DIM, A_DIM), "(no fault records%s)",
		    m->filter[0] ? " match the filter" : "");
}

/* The detail of one record, as lines: built when the selection changes. */
static void det_free(struct mon *m)
{
	for (size_t i = 0; i < m->det.n; i++)
		free(m->det.line[i]);
	free(m->det.line);
	m->det.line = NULL;
	m->det.n = 0;
}

static void det_add(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void det_add(struct mon *m, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char **l = realloc(m->det.line, (m->det.n + 1) * sizeof(*l));
	if (!l) {
		free(s);
		return;
	}
	m->det.line = l;
	m->det.line[m->det.n++] = s;
}

/* Long text, wrapped at word boundaries to the pane's width; lines after
 * the first are indented by `hang` more. */
static void det_wrap(struct mon *m, const char *text, int indent, int hang)
{
	const char *p = text;

	for (bool first = true; *p; first = false) {
		int w = m->det.width - indent - (first ? 0 : hang) - 2;
		if (w < 20)
			w = 20;
		int n = (int)strlen(p);
		if (n > w) {
			n = w;
			while (n > w / 2 && p[n] != ' ')
				n--;
			if (p[n] != ' ')
				n = w;
		}
		det_add(m, "%*s%.*s", indent + (first ? 0 : hang), "", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
}

/* A decoder's text rendering, each line indented. */
static void det_decode(struct mon *m, const char *kind, const uint64_t *words, int indent)
{
	const struct smmu_desc *d;
	char *buf = NULL;
	size_t len = 0;

	if (!kind || smmu_decoder_find(kind, &d, NULL)) {
		det_add(m, "%*s(no decoder for %s)", indent, "", kind ? kind : "this record");
		return;
	}
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	smmu_render_text(f, d, words, 0);
	fclose(f);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		det_add(m, "%*s%s", indent, "", line);
	free(buf);
}

static void det_build(struct mon *m, const struct smmu_fault *f, double wall)
{
	struct smmu_explain ex;
	struct smmu_unit_info ui = { .name = "-" };
	struct smmu_device_info di = { .addr = "-", .name = "unknown device" };
	char acc[8];
	bool vtd;
	int rc;

	det_free(m);
	m->det.seq = f->seq;
	m->det.width = COLS;
	m->det.scroll = 0;
	if (f->unit)
		smmu_unit_info(f->unit, &ui);
	if (f->dev)
		smmu_device_info(f->dev, &di);
	vtd = f->unit && ui.arch == SMMU_ARCH_VTD;
	access_str(acc, f->access);
	char w[24], *text = NULL;
	if (asprintf(&text, "Fault #%" PRIu64 " on %s, drained at %s (target clock %.6f s)", f->seq, ui.name,
		     wall_str(w, sizeof(w), wall), (double)f->ts_ns / 1e9) >= 0)
		det_wrap(m, text, 0, 2);
	free(text);
	det_add(m, "  device   %s  %s", di.addr, di.name ? di.name : "");
	if (f->stream.ssv)
		det_add(m, "  source   %s 0x%" PRIx32 "  %s 0x%" PRIx32, vtd ? "source-id" : "StreamID", f->stream.sid,
			vtd ? "PASID" : "SubstreamID", f->stream.ssid);
	else
		det_add(m, "  source   %s 0x%" PRIx32, vtd ? "source-id" : "StreamID", f->stream.sid);
	text = NULL;
	if (asprintf(&text, "address  0x%" PRIx64 "  access %s  reason %s (0x%" PRIx32 "), class %s", f->addr, acc,
		     f->code_name ? f->code_name : "?", f->code, smmu_fault_class_name(f->cls)) >= 0)
		det_wrap(m, text, 2, 9);
	free(text);
	det_add(m, "%s", "");
	det_add(m, "Raw record (%s):", f->raw_kind ? f->raw_kind : "?");
	if (f->nraw)
		det_decode(m, f->raw_kind, f->raw, 2);
	det_add(m, "%s", "");
	det_add(m, "Explanation (the device's live tables, walked now):");
	if ((rc = smmu_fault_explain(m->t, f, &ex))) {
		det_add(m, "  cannot explain: %s", smmu_strerror(rc));
		return;
	}
	det_wrap(m, ex.text, 2, 0);
	det_add(m, "%s", "");
	det_add(m, "Walk:");
	const struct smmu_config *cfg = &ex.tr.cfg;
	int ww = 12;
	for (unsigned i = 0; i < cfg->nsteps; i++)
		if ((int)strlen(cfg->step[i].what) > ww)
			ww = (int)strlen(cfg->step[i].what);
	for (unsigned i = 0; i < cfg->nsteps; i++) {
		const struct smmu_cfg_step *s = &cfg->step[i];
		char words[160] = "";
		unsigned fit = (unsigned)(m->det.width - 2 - ww - 1 - 16 - 4) / 17; /* the words that fit */
		if (fit < 1)
			fit = 1;
		if (fit > 8)
			fit = 8;
		for (unsigned w = 0; w < s->nwords && w < fit; w++) {
			size_t l = strlen(words);
			snprintf(words + l, sizeof(words) - l, " %016" PRIx64, s->words[w]);
		}
		det_add(m, "  %-*s %s0x%-10" PRIx64 "%s%s", ww, s->what, s->reg ? "reg " : "@  ", s->addr, words,
			s->nwords > fit ? " ..." : "");
	}
	if (ex.tr.walked) {
		const struct smmu_pgt_xlate *x = &ex.tr.x;
		for (unsigned i = 0; i < x->nsteps; i++) {
			const struct smmu_pgt_step *s = &x->step[i];
			bool last = i + 1 == x->nsteps;
			char lv[16];
			snprintf(lv, sizeof(lv), "level %d", s->level);
			det_add(m, "  %-*s @  0x%-10" PRIx64 " [%3u] %016" PRIx64 "  %s%s%s", ww, lv,
				s->table_pa, s->index, s->pte, s->kind ? s->kind : "",
				last && x->fault ? "  <- stopped: " : "", last && x->fault ? smmu_pgt_fault_name(x->fault) : "");
		}
	}
	if (ex.tr.ok)
		det_add(m, "  result: translates now to 0x%" PRIx64, ex.tr.pa);
	else if (cfg->verdict != SMMU_CFG_TRANSLATE)
		det_add(m, "  result: %s", cfg->verdict == SMMU_CFG_BYPASS ? "bypass" :
			cfg->verdict == SMMU_CFG_ABORT ? "abort" : "configuration fault");
	/* the entry where translation stopped, decoded */
	if (!ex.tr.ok && ex.tr.walked && ex.tr.x.nsteps) {
		const struct smmu_pgt_step *s = &ex.tr.x.step[ex.tr.x.nsteps - 1];
		det_add(m, "%s", "");
		det_add(m, "Entry where translation stopped (level %d, at 0x%" PRIx64 "):", s->level, s->entry_pa);
		det_decode(m, s->kind, &s->pte, 2);
	} else if (!ex.tr.ok && cfg->nsteps && cfg->verdict != SMMU_CFG_TRANSLATE) {
		const struct smmu_cfg_step *s = &cfg->step[cfg->nsteps - 1];
		det_add(m, "%s", "");
		det_add(m, "%s where translation stopped:", s->what);
		det_decode(m, s->kind, s->words, 2);
	}
}

/* The selected record's index in the view's ring; SIZE_MAX: none. */
static size_t selected_index(const struct mon *m)
{
	if (!m->log_len)
		return SIZE_MAX;
	size_t i = m->log_sel ? log_find(m, m->log_sel) : m->log_len - 1;
	return i < m->log_len ? i : m->log_len - 1;
}

static void draw_detail(struct mon *m, int y, int h)
{
	size_t idx = selected_index(m);
	const struct smmu_fault *f = idx != SIZE_MAX ? log_at(m, idx) : NULL;

	put(y, 0, COLS, A_BOLD | A_UNDERLINE, ">DETAIL  (Esc closes; Up/Down: previous/next fault; PgUp/PgDn scroll)");
	if (!f) {
		put(y + 1, 1, COLS - 2, 0, "(no fault selected)");
		return;
	}
	if (f->seq != m->det.seq || m->det.width != COLS)
		det_build(m, f, log_wall_at(m, idx));
	int rows = h - 1;
	if (m->det.scroll > (int)m->det.n - rows)
		m->det.scroll = (int)m->det.n - rows;
	if (m->det.scroll < 0)
		m->det.scroll = 0;
	for (int i = 0; i < rows && (size_t)(m->det.scroll + i) < m->det.n; i++) {
		const char *l = m->det.line[m->det.scroll + i];
		bool head = l[0] && l[0] != ' ';
		put(y + 1 + i, 1, COLS - 2, head ? A_BOLD : 0, "%s", l);
	}
}

struct key_binding;
static const struct key_binding *key_table(size_t *n);

struct key_binding {
	int key;
	const char *name, *help; /* name NULL: an alias, not listed */
	void (*fn)(struct mon *m, int key);
};

static void draw_help(struct mon *m, int y, int h)
{
	size_t n;
	const struct key_binding *k = key_table(&n);
	int line = y + 1;

	(void)m;
	put(y, 0, COLS, A_BOLD | A_UNDERLINE, ">KEYS  (any key closes)");
	for (size_t i = 0; i < n && line < y + h; i++) {
		if (!k[i].name)
			continue;
		put(line, 2, 12, A_BOLD, "%s", k[i].name);
		put(line++, 14, COLS - 15, 0, "%s", k[i].help);
	}
	static const char *const notes[] = {
		"",
		"Counts are exact: every record drained is counted, also while the view is paused.",
		"lost: overflow episodes (SMMUv3 event queue overflow, VT-d PFO: each episode may",
		"hide several faults) and records that could not be read.",
		"--script FILE runs one command line a tick beside the view; what it prints shows",
		"on the status line.  --storm N: N faulting reads from a sim test device.",
	};
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]) && line < y + h; i++)
		put(line++, 2, COLS - 3, crt_attr(PAIR_DIM, 0), "%s", notes[i]);
}

static void draw_status(struct mon *m)
{
	int y = LINES - 1;

	if (m->editing) {
		bar(y, crt_attr(PAIR_STATUS, A_REVERSE));
		put(y, 0, COLS, crt_attr(PAIR_STATUS, A_REVERSE), " filter (device or reason; Enter applies, Esc cancels): %s_",
		    m->edit);
		return;
	}
	if (m->msg[0]) {
		int a = m->msg_err ? crt_attr(PAIR_ERROR, A_REVERSE) | (int)A_BOLD : crt_attr(PAIR_STATUS, A_REVERSE);
		bar(y, a);
		put(y, 0, COLS, a, " %s", m->msg);
		return;
	}
	bar(y, crt_attr(PAIR_STATUS, A_REVERSE));
	put(y, 0, COLS, crt_attr(PAIR_STATUS, A_REVERSE),
	    " q quit  p pause  c clear  / filter  Enter details  s sort  S storm  Tab pane  ? help");
}

static void draw(struct mon *m)
{
	m->draws++;
	if (!m->paused)
		snapshot(m);
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		put(0, 0, COLS, A_BOLD, "smmush monitor: the terminal is %dx%d;", COLS, LINES);
		put(1, 0, COLS, A_BOLD, "it needs at least %dx%d.  q quits.", MIN_COLS, MIN_LINES);
		refresh();
		return;
	}
	draw_header(m);
	int y = 3, h = LINES - 1 - y;
	if (m->help) {
		draw_help(m, y, h);
	} else if (m->detail) {
		draw_detail(m, y, h);
	} else {
		/* the sources table takes what it needs, up to a third */
		int want = (int)(m->nrows ? m->nrows : 1) + 2, most = h / 3 > 5 ? h / 3 : 5;
		int sh = want < most ? want : most;
		draw_sources(m, y, sh);
		draw_log(m, y + sh, h - sh);
	}
	draw_status(m);
	refresh();
}

/* --- keys --------------------------------------------------------------------------- */

static void key_quit(struct mon *m, int key)
{
	(void)key;
	m->quit = true;
}

static void key_help(struct mon *m, int key)
{
	(void)key;
	m->help = !m->help;
}

static void key_pause(struct mon *m, int key)
{
	(void)key;
	if (!m->paused)
		snapshot(m); /* freeze what the keys pressed so far asked for */
	m->paused = !m->paused;
	if (!m->paused)
		log_rebuild(m); /* records that came meanwhile */
	set_msg(m, false, m->paused ? "paused: the view is frozen, faults are still drained and counted (p resumes)"
				    : "resumed");
}

static void key_clear(struct mon *m, int key)
{
	(void)key;
	smmu_faults_clear(m->t);
	smmu_faults_totals(m->t, &m->base);
	m->log_len = m->log_head = 0;
	m->log_sel = m->log_top = 0;
	m->hist_len = 0;
	if (m->storm.limit) /* a storm with a count goes on for what is left of it */
		m->storm.limit -= m->storm.generated;
	m->storm.generated = 0;
	m->storm.active_s = 0;
	m->storm.t0 = mono();
	m->detail = false;
	sample(m, mono());
	set_msg(m, false, "cleared: records, sources and counts start again from zero");
}

static void key_filter(struct mon *m, int key)
{
	(void)key;
	m->editing = true;
	snprintf(m->edit, sizeof(m->edit), "%s", m->filter);
	m->edit_len = strlen(m->edit);
}

static void apply_filter(struct mon *m, const char *text)
{
	snprintf(m->filter, sizeof(m->filter), "%s", text);
	m->log_sel = m->log_top = 0;
	m->src_sel = 0;
	log_rebuild(m);
	if (m->paused) /* the table shows the new filter even while paused */
		snapshot(m);
	set_msg(m, false, m->filter[0] ? "filter: %s" : "filter cleared%s", m->filter);
}

static void key_sort(struct mon *m, int key)
{
	(void)key;
	m->sort = (m->sort + 1) % SORT_N;
	if (m->paused) {
		g_sort = m->sort;
		qsort(m->rows, m->nrows, sizeof(m->rows[0]), row_cmp);
	}
	set_msg(m, false, "sources sorted by %s", sort_names[m->sort]);
}

static void key_storm(struct mon *m, int key)
{
	(void)key;
	if (m->storm.on)
		storm_stop(m, "stopped");
	else
		storm_start(m, 0);
}

static void key_tab(struct mon *m, int key)
{
	(void)key;
	if (!m->detail && !m->help)
		m->focus_sources = !m->focus_sources;
}

static void key_escape(struct mon *m, int key)
{
	(void)key;
	m->detail = m->help = false;
}

static void key_enter(struct mon *m, int key)
{
	(void)key;
	if (m->detail) {
		m->detail = false;
		return;
	}
	if (m->focus_sources) {
		if (!m->nrows)
			return;
		const struct row *r = &m->rows[m->src_sel];
		char f[32];
		if (r->s.dev)
			snprintf(f, sizeof(f), "%s", r->addr);
		else
			snprintf(f, sizeof(f), "0x%" PRIx32, r->s.sid);
		m->focus_sources = false;
		apply_filter(m, f);
		return;
	}
	if (!m->log_len) {
		set_msg(m, false, "no fault to show");
		return;
	}
	if (!m->log_sel)
		m->log_sel = log_at(m, m->log_len - 1)->seq;
	m->detail = true;
}

static void key_move(struct mon *m, int key)
{
	int page = LINES / 2 > 1 ? LINES / 2 : 1;

	if (m->detail && (key == KEY_PPAGE || key == KEY_NPAGE)) {
		m->det.scroll += key == KEY_PPAGE ? -page : page;
		return;
	}
	if (m->focus_sources && !m->detail) {
		long s = (long)m->src_sel;
		switch (key) {
		case KEY_UP: s--; break;
		case KEY_DOWN: s++; break;
		case KEY_PPAGE: s -= page; break;
		case KEY_NPAGE: s += page; break;
		case KEY_HOME: s = 0; break;
		case KEY_END: s = (long)m->nrows - 1; break;
		}
		if (s >= (long)m->nrows)
			s = (long)m->nrows - 1;
		m->src_sel = s < 0 ? 0 : (size_t)s;
		return;
	}
	if (!m->log_len)
		return;
	long i = m->log_sel ? (long)log_find(m, m->log_sel) : (long)m->log_len - 1;
	if (i >= (long)m->log_len)
		i = (long)m->log_len - 1;
	switch (key) {
	case KEY_UP: i -= m->log_sel ? 1 : 0; break;
	case KEY_DOWN: i++; break;
	case KEY_PPAGE: i -= page; break;
	case KEY_NPAGE: i += page; break;
	case KEY_HOME: i = 0; break;
	case KEY_END:
		m->log_sel = 0; /* follow */
		return;
	}
	if (i < 0)
		i = 0;
	if (i >= (long)m->log_len)
		i = (long)m->log_len - 1;
	m->log_sel = log_at(m, (size_t)i)->seq;
}

static void key_resize(struct mon *m, int key)
{
	(void)key;
	m->det.width = 0; /* rewrap */
}

static const struct key_binding keys[] = {
	{ '?', "?", "this list of keys", key_help },
	{ 'q', "q", "quit: restore the terminal, give back the units the session owns", key_quit },
	{ 'p', "p", "pause / resume the view (faults are still drained and counted)", key_pause },
	{ 'c', "c", "clear records, sources and counts", key_clear },
	{ '/', "/", "filter by device (address, name or SID) or reason; empty clears it", key_filter },
	{ '\r', "Enter", "details of the selected fault; on a source: filter to it", key_enter },
	{ '\n', NULL, NULL, key_enter },
	{ KEY_ENTER, NULL, NULL, key_enter },
	{ 's', "s", "sort sources by count, rate, recency or device (cycles)", key_sort },
	{ 'S', "S", "sim storm mode on / off: faulting reads from a test device", key_storm },
	{ '\t', "Tab", "switch between the sources table and the log", key_tab },
	{ KEY_UP, "Up/Down", "select a fault (or a source); in details: previous / next", key_move },
	{ KEY_DOWN, NULL, NULL, key_move },
	{ KEY_PPAGE, "PgUp/PgDn", "a page up / down; in details: scroll", key_move },
	{ KEY_NPAGE, NULL, NULL, key_move },
	{ KEY_HOME, "Home/End", "oldest / newest; End follows new faults", key_move },
	{ KEY_END, NULL, NULL, key_move },
	{ 27, "Esc", "close details or help", key_escape },
	{ KEY_RESIZE, NULL, NULL, key_resize },
};

static const struct key_binding *key_table(size_t *n)
{
	*n = sizeof(keys) / sizeof(keys[0]);
	return keys;
}

static void edit_key(struct mon *m, int ch)
{
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		m->editing = false;
		apply_filter(m, m->edit);
	} else if (ch == 27) {
		m->editing = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (m->edit_len)
			m->edit[--m->edit_len] = '\0';
	} else if (ch == 21) { /* ^U */
		m->edit[m->edit_len = 0] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && m->edit_len + 1 < sizeof(m->edit)) {
		m->edit[m->edit_len++] = (char)ch;
		m->edit[m->edit_len] = '\0';
	}
}

static void handle_key(struct mon *m, int ch)
{
	m->dirty = true;
	if (ch == KEY_RESIZE) {
		key_resize(m, ch);
		return;
	}
	if (m->editing) {
		edit_key(m, ch);
		return;
	}
	if (m->help && ch != 'q') { /* any key closes the help */
		m->help = false;
		return;
	}
	m->msg[0] = '\0'; /* a key press acknowledges a message */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].key == ch) {
			keys[i].fn(m, ch);
			return;
		}
}

/* --- the loop ------------------------------------------------------------------------- */

static void bench_finish(struct mon *m)
{
	struct bench_report r = { 0 };
	struct rusage ru;

	storm_stop(m, NULL);
	while (smmu_faults_poll(m->t) > 0)
		;
	m->paused = false;
	sample(m, mono());
	draw(m);
	getrusage(RUSAGE_SELF, &ru);
	r.generated = m->storm.generated;
	r.shown_total = m->shown.total;
	r.lost = m->shown.lost_overflow + m->shown.lost_unread;
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].s.dev == m->storm.dev)
			r.shown_source = m->rows[i].s.count;
	r.storm_s = m->storm.active_s;
	r.draws = m->draws - m->window_draws;
	r.rss_growth_kib = ru.ru_maxrss - m->warm_rss;
	r.rss_kib = ru.ru_maxrss;
	r.window_s = mono() - m->window_t0;
	r.cpu_s = (ru.ru_utime.tv_sec - m->window_ru.ru_utime.tv_sec) +
		  (ru.ru_utime.tv_usec - m->window_ru.ru_utime.tv_usec) * 1e-6 +
		  (ru.ru_stime.tv_sec - m->window_ru.ru_stime.tv_sec) +
		  (ru.ru_stime.tv_usec - m->window_ru.ru_stime.tv_usec) * 1e-6;
	if (write(m->o->report_fd, &r, sizeof(r)) != sizeof(r))
		m->rc = -EIO;
	m->quit = true;
}

static void loop(struct mon *m)
{
	double now = mono(), next_poll = now, next_tick = now, next_units = now, last_draw = 0, next_input = now;

	m->script.next_at = now;
	sample(m, now);
	units_refresh(m);
	draw(m);
	last_draw = now;
	m->window_t0 = mono();
	m->window_draws = m->draws;
	getrusage(RUSAGE_SELF, &m->window_ru);
	if (m->o->storm)
		storm_start(m, m->o->storm_limit);
	while (!m->quit && !mon_signal) {
		now = mono();
		if (m->storm.on)
			storm_step(m);
		else if (now >= next_poll) {
			faults_poll(m);
			next_poll = now + POLL_S;
		}
		if (now >= next_tick) {
			sample(m, now);
			if (m->hist_len > 1 && (m->shown_rate > 0 || hist_newest(m)->total != hist_oldest(m)->total))
				m->dirty = true; /* rates move */
			next_tick += TICK_S;
			if (next_tick < now)
				next_tick = now + TICK_S;
			if (now >= next_units) {
				units_refresh(m);
				next_units = now + 1;
			}
			if (m->o->exit_after > 0 && !m->warm_rss && now - m->window_t0 >= 0.5) {
				struct rusage ru;
				getrusage(RUSAGE_SELF, &ru);
				m->warm_rss = ru.ru_maxrss;
			}
			if (m->o->exit_after > 0 && now - m->window_t0 >= m->o->exit_after) {
				bench_finish(m);
				break;
			}
		}
		if (m->script.n && !m->script.done && now >= m->script.next_at) {
			script_step(m);
			m->script.next_at = now + m->o->pace_ms / 1000.0;
			if (m->quit)
				break;
		}
		if (m->dirty && now - last_draw >= TICK_S) {
			draw(m);
			last_draw = now;
			m->dirty = false;
		}
		int timeout = 0;
		if (m->storm.on) {
			if (now < next_input)
				continue;
			next_input = now + INPUT_S;
		} else {
			double until = next_poll < next_tick ? next_poll : next_tick;
			if (m->dirty && last_draw + TICK_S < until)
				until = last_draw + TICK_S;
			if (m->script.n && !m->script.done && m->script.next_at < until)
				until = m->script.next_at;
			timeout = until > now ? (int)((until - now) * 1000) + 1 : 0;
		}
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int r = poll(&pfd, 1, timeout);
		/* getch() even when poll() saw nothing: a SIGWINCH that came
		 * outside poll() is only reported as KEY_RESIZE by getch() */
		int ch;
		while ((ch = getch()) != ERR && !m->quit)
			handle_key(m, ch);
		if (r > 0 && (pfd.revents & (POLLHUP | POLLERR)))
			m->quit = true; /* the terminal went away */
	}
}

/* --- setup and teardown ------------------------------------------------------------------ */

static void mon_free(struct mon *m)
{
	det_free(m);
	for (size_t i = 0; i < m->script.n; i++)
		free(m->script.line[i]);
	free(m->script.line);
	free(m->script.lineno);
	if (m->script.fd >= 0)
		close(m->script.fd);
	free(m->log);
	free(m);
}

static int monitor_run(struct shell *sh, const struct mon_opts *o)
{
	struct mon *m = calloc(1, sizeof(*m));
	FILE *saved_out = sh->out;
	int rc = 0;

	if (!m || !(m->log = calloc(LOG_CAP, sizeof(*m->log)))) {
		free(m);
		shell_error("monitor: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	m->sh = sh;
	m->o = o;
	m->script.fd = -1;
	if (o->script && (rc = script_load(m, o->script))) {
		mon_free(m);
		return rc;
	}
	if (m->script.n) {
		FILE *cap = tmpfile();
		if (!cap) {
			shell_error("monitor: a file for the script's output: %s", strerror(errno));
			mon_free(m);
			return -errno;
		}
		m->script.fd = dup(fileno(cap));
		fclose(cap);
		fcntl(m->script.fd, F_SETFL, fcntl(m->script.fd, F_GETFL) | O_APPEND);
		sh->out = fdopen(dup(m->script.fd), "a");
		if (!sh->out) {
			shell_error("monitor: %s", strerror(errno));
			sh->out = saved_out;
			mon_free(m);
			return -ENOMEM;
		}
		smmu_json_init(&sh->j, sh->out, sh->pretty);
	}
	sh->errexit = true;
	if (!(m->t = shell_target(sh))) {
		rc = -ENODEV;
		goto out;
	}
	smmu_faults_totals(m->t, &m->base);
	if ((rc = smmu_fault_subscribe(m->t, on_fault, NULL, m))) {
		shell_lib_error("monitor", "subscribing to faults", rc);
		goto out;
	}
	if (o->storm) {
		char err[192];
		if ((rc = storm_setup(m, err, sizeof(err)))) {
			shell_error("monitor: --storm: %s", err);
			goto out;
		}
	}
	if ((rc = crt_init())) {
		const char *term = getenv("TERM");
		shell_error("monitor: cannot drive the terminal (TERM=%s)", term ? term : "unset");
		goto out;
	}
	loop(m);
	rc = m->rc;
	crt_done();
out:
	crt_signals_default();
	if (sh->out != saved_out) {
		fclose(sh->out);
		sh->out = saved_out;
		smmu_json_init(&sh->j, stdout, sh->pretty);
	}
	if (sh->t) {
		if (!m->retargeted)
			smmu_fault_unsubscribe(sh->t, m);
		int r = smmu_target_release_all(sh->t);
		if (r)
			shell_lib_error("monitor", "releasing owned units", r);
		smmu_target_close(sh->t);
		sh->t = NULL;
	}
	smmu_release_on_exit(NULL);
	if (m->retargeted) {
		shell_error("monitor: the script opened another target; the monitor watches the one it started with");
		rc = -EINVAL;
	}
	mon_free(m);
	if (mon_signal) { /* the terminal and the units are back: now die of it */
		int sig = mon_signal;
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return rc;
}

/* --- benchmark: the real monitor on a pseudo-terminal ------------------------------------ */

static int bench_child(struct shell *sh, const char *spec, bool storm, double secs, struct bench_report *r)
{
	int p[2], master, status = 0;
	char name[128];
	pid_t pid;

	if (pipe(p))
		return -errno;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master) || ptsname_r(master, name, sizeof(name))) {
		close(p[0]);
		close(p[1]);
		if (master >= 0)
			close(master);
		return -errno;
	}
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	ioctl(master, TIOCSWINSZ, &ws);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		close(master);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		close(master);
		setsid();
		int s = open(name, O_RDWR);
		if (s < 0)
			_exit(2);
		dup2(s, STDIN_FILENO);
		dup2(s, STDOUT_FILENO);
		dup2(s, STDERR_FILENO);
		if (s > 2)
			close(s);
		setenv("TERM", "xterm", 1);
		struct shell csh = *sh;
		csh.t = NULL;
		csh.out = stdout;
		csh.target_spec = spec;
		csh.nopts = 0;
		smmu_json_init(&csh.j, stdout, false);
		struct mon_opts o = { .storm = storm, .pace_ms = 100, .exit_after = secs, .report_fd = p[1] };
		_exit(monitor_run(&csh, &o) ? 1 : 0);
	}
	close(p[1]);
	/* the child's screen goes nowhere; read it so the child never blocks */
	double deadline = mono() + secs + 30;
	char buf[4096];
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		int n = poll(&pfd, 1, 200);
		if (n > 0) {
			ssize_t got = read(master, buf, sizeof(buf));
			if (got <= 0 && !(got < 0 && errno == EINTR))
				break; /* EIO: the child closed the terminal */
		}
		if (mono() > deadline) {
			kill(pid, SIGKILL);
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
	}
	if (pid)
		waitpid(pid, &status, 0);
	ssize_t got = read(p[0], r, sizeof(*r));
	close(p[0]);
	close(master);
	if (got != sizeof(*r) || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return 0;
}

static int bench(struct shell *sh)
{
	static const char *const specs[] = { "sim:virt", "sim:q35" };
	struct bench_report r;
	int rc, fails = 0;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		const char *tag = i ? "q35" : "virt";
		if ((rc = bench_child(sh, specs[i], true, 2.0, &r))) {
			shell_error("monitor --bench: the storm on %s did not finish: %s", specs[i], smmu_strerror(rc));
			return rc;
		}
		bool exact = r.shown_total == r.generated && r.shown_source == r.generated && !r.lost;
		printf("monitor_storm_rate_%s %.0f faults/s\n", tag, r.generated / r.storm_s);
		printf("monitor_storm_exact_%s %d bool\n", tag, exact);
		printf("monitor_storm_redraws_%s %.1f per_s\n", tag, r.draws / r.window_s);
		printf("monitor_storm_rss_%s %ld KiB\n", tag, r.rss_kib);
		printf("monitor_storm_rss_growth_%s %ld KiB\n", tag, r.rss_growth_kib);
		if (!exact) {
			shell_error("monitor --bench: %s: generated %" PRIu64 ", shown %" PRIu64 " (source %" PRIu64
				    "), lost %" PRIu64, specs[i], r.generated, r.shown_total, r.shown_source, r.lost);
			fails++;
		}
	}
	if ((rc = bench_child(sh, "sim:virt", false, 3.0, &r))) {
		shell_error("monitor --bench: the idle run did not finish: %s", smmu_strerror(rc));
		return rc;
	}
	printf("monitor_idle_cpu %.2f %%\n", 100 * r.cpu_s / r.window_s);
	if (fails) {
		shell_error("monitor --bench: a count shown differs from the count generated");
		return -EPROTO;
	}
	return 0;
}

/* --- options ------------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fputs("usage: smmush [--target T] [-O K=V] monitor [--script FILE] [--pace MS] [--storm N] [--device DEV]\n"
	      "The live fault monitor: faults per device as they happen, each explained.\n"
	      "  --script FILE  run a smmush script beside the monitor, one command line a tick\n"
	      "  --pace MS      milliseconds between the script's command lines (default 100)\n"
	      "  --storm N      sim: N faulting reads from a test device (0: until S stops it)\n"
	      "  --device DEV   the test device the storm uses (default: the first with DMA)\n"
	      "Keys: ? lists them.  Without a terminal, 'smmush trace' prints faults instead.\n",
	      f);
}

static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc) {
		shell_error("monitor: %s needs a value", name);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

static int parse_opts(int argc, char **argv, struct mon_opts *o)
{
	const char *v;
	uint64_t n;
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
		} else if (!strcmp(a, "--bench")) {
			o->bench = true;
		} else if ((r = opt_value(argc, argv, &i, "--script", &v))) {
			if (r < 0)
				return -EINVAL;
			o->script = v;
		} else if ((r = opt_value(argc, argv, &i, "--device", &v))) {
			if (r < 0)
				return -EINVAL;
			o->device = v;
		} else if ((r = opt_value(argc, argv, &i, "--storm", &v))) {
			if (r < 0 || shell_parse_size("monitor: --storm", v, &n))
				return -EINVAL;
			o->storm = true;
			o->storm_limit = n;
		} else if ((r = opt_value(argc, argv, &i, "--pace", &v))) {
			if (r < 0 || shell_parse_u64("monitor: --pace", v, &n))
				return -EINVAL;
			if (n > 3600000) {
				shell_error("monitor: --pace %s: at most 3600000 ms", v);
				return -EINVAL;
			}
			o->pace_ms = (unsigned)n;
		} else {
			shell_error("monitor: unknown option '%s' (monitor --help lists them)", a);
			return -EINVAL;
		}
	}
	return 0;
}

int monitor_main(struct shell *sh, int argc, char **argv)
{
	struct mon_opts o = { .pace_ms = 100, .report_fd = -1 };
	int rc;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc;
	if (o.help) {
		usage(stdout);
		return 0;
	}
	if (o.bench)
		return bench(sh);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		shell_error("monitor: needs a terminal on standard input and output; "
			    "'smmush trace' prints faults without one");
		return -ENOTTY;
	}
	return monitor_run(sh, &o);
}
