/* SPDX-License-Identifier: MIT */
/*
 * smmush monitor: the live fault monitor.  A full-screen ncurses view of the
 * DMA faults every unit reports, per device, each record explainable by a
 * walk of the device's live tables.  A front end on libsmmu and the
 * decoders; what it needs from smmush comes through tui/monitor.h.
 *
 * This file is the model and the loop.  One loop owns everything, with no
 * threads: it drains the units' fault sources (every 20 ms, and after every
 * batch while a storm runs), runs a script one command line a tick beside the
 * view, reads keys and redraws at most 10 times a second.  The counts shown
 * are the library's totals and per-source statistics, which count every
 * record drained; the view only samples them, so a slow terminal never costs
 * a count.  Memory is bounded: the library's ring and this view's own ring of
 * records are fixed at start.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/monitor-priv.h"

const char *const sort_names[] = { "count", "rate", "recency", "device" };

double mono(void)
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

void set_msg(struct mon *m, bool err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	va_end(ap);
	m->msg_err = err;
	m->dirty = true;
}

/* --- the view's ring of records ------------------------------------------------------- */

static void log_push(struct mon *m, const struct smmu_fault *f, double wall)
{
	m->log_wall[m->log_head] = wall;
	m->log[m->log_head] = *f;
	m->log_head = (m->log_head + 1) % LOG_CAP;
	if (m->log_len < LOG_CAP)
		m->log_len++;
}

const struct smmu_fault *log_at(const struct mon *m, size_t i)
{
	return &m->log[(m->log_head + LOG_CAP - m->log_len + i) % LOG_CAP];
}

double log_wall_at(const struct mon *m, size_t i)
{
	return m->log_wall[(m->log_head + LOG_CAP - m->log_len + i) % LOG_CAP];
}

size_t log_find(const struct mon *m, uint64_t want)
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
void log_rebuild(struct mon *m)
{
	struct smmu_fault f;
	size_t kept = smmu_faults_kept(m->t);

	m->log_len = m->log_head = 0;
	for (size_t i = 0; i < kept; i++)
		if (!smmu_faults_get(m->t, i, &f) && f.seq > m->base.total && smmu_fault_filter_match(m->filter, &f))
			log_push(m, &f, m->seq_wall[f.seq % LOG_CAP]);
	m->dirty = true;
}

static void on_fault(void *ctx, const struct smmu_fault *f)
{
	struct mon *m = ctx;

	m->seq_wall[f->seq % LOG_CAP] = m->now_wall;
	if (!m->paused && smmu_fault_filter_match(m->filter, f))
		log_push(m, f, m->now_wall);
}

void apply_filter(struct mon *m, const char *text)
{
	struct smmu_fault_filter *f = NULL;
	char err[256];
	int rc;

	if (*text && (rc = smmu_fault_filter_parse(m->t, text, &f, err, sizeof(err)))) {
		set_msg(m, true, "filter: %s", rc == -EINVAL ? err : smmu_strerror(rc));
		return;
	}
	smmu_fault_filter_free(m->filter);
	m->filter = f;
	snprintf(m->filter_text, sizeof(m->filter_text), "%s", text);
	m->log_sel = m->log_top = 0;
	m->src_sel = 0;
	log_rebuild(m);
	if (m->paused) /* the table shows the new filter even while paused */
		snapshot(m);
	set_msg(m, false, m->filter_text[0] ? "filter: %s" : "filter cleared%s", m->filter_text);
}

/* --- sampling: rates and the snapshot the screen shows --------------------------------- */

void sample(struct mon *m, double now)
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

void sort_rows(struct mon *m)
{
	g_sort = m->sort;
	qsort(m->rows, m->nrows, sizeof(m->rows[0]), row_cmp);
}

void snapshot(struct mon *m)
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
		if (!smmu_fault_filter_match_source(m->filter, &r->s))
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
	sort_rows(m);
	if (m->src_sel >= m->nrows)
		m->src_sel = m->nrows ? m->nrows - 1 : 0;
}

void clear_counts(struct mon *m)
{
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
}

/* "owned, translation on" for each unit, as the library reads it. */
static void units_refresh(struct mon *m)
{
	char buf[sizeof(m->units_line)] = "";
	size_t n = smmu_unit_count(m->t);

	for (size_t i = 0; i < n; i++) {
		struct smmu_unit *u = smmu_unit_at(m->t, i);
		struct smmu_unit_status st;
		struct smmu_unit_info ui;
		smmu_unit_info(u, &ui);
		int rc = smmu_unit_status(u, &st);
		size_t len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%s%s %s, translation %s", i ? "; " : "", ui.name,
			 smmu_unit_owned(u) ? "owned" : "not owned", rc ? "unreadable" : st.translating ? "on" : "off");
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

/* --- storm mode ----------------------------------------------------------------------- */

/* A test device that can storm (SMMU_DEV_STORM) streams faulting one-byte
 * reads: it is attached to a domain (an empty one of ours when it has none)
 * and reads an IOVA that domain does not map.  Batches fit the unit's fault
 * store (smmu_unit_status().fault_slots), drained after each, so none
 * overflows. */
static int storm_setup(struct mon *m, char *err, size_t errlen)
{
	struct smmu_target *t = m->t;
	struct smmu_device *d = NULL;
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_unit_status st;
	int rc;

	if (m->o->device) {
		if (!(d = smmu_device_find(t, m->o->device))) {
			snprintf(err, errlen, "no device '%s' ('devices' lists them)", m->o->device);
			return -ENODEV;
		}
		smmu_device_info(d, &di);
		if (!(di.caps & SMMU_DEV_STORM) || !di.unit) {
			snprintf(err, errlen, "%s cannot raise fault storms, or no unit translates it", di.addr);
			return -ENODEV;
		}
	} else {
		for (size_t i = 0; i < smmu_device_count(t) && !d; i++) {
			smmu_device_info(smmu_device_at(t, i), &di);
			if ((di.caps & SMMU_DEV_STORM) && di.unit)
				d = smmu_device_at(t, i);
		}
		if (!d) {
			snprintf(err, errlen, "no test device behind a unit can raise fault storms (sim's can)");
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
	if ((rc = smmu_unit_status(di.unit, &st))) {
		snprintf(err, errlen, "%s: reading its status: %s", ui.name, smmu_strerror(rc));
		return rc;
	}
	m->storm.batch = st.fault_slots ? st.fault_slots : 1;
	if (m->storm.batch > STORM_BATCH_MAX)
		m->storm.batch = STORM_BATCH_MAX;
	m->storm.dev = d;
	m->storm.ready = true;
	m->dirty = true;
	return 0;
}

void storm_stop(struct mon *m, const char *why)
{
	if (!m->storm.on)
		return;
	m->storm.on = false;
	m->storm.active_s += mono() - m->storm.t0;
	if (why)
		set_msg(m, false, "storm %s: %" PRIu64 " faulting reads generated", why, m->storm.generated);
}

void storm_start(struct mon *m, uint64_t limit)
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
	if ((rc = smmu_device_storm(m->storm.dev, m->storm.iova, n, NULL))) {
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

/* One command line, through the caller; what it said becomes the status line. */
static void script_step(struct mon *m)
{
	const struct monitor_config *o = m->o;
	const struct monitor_line *l = &o->script[m->script.next++];
	char text[512] = "";
	int rc;

	m->now_wall = wall_now(); /* its commands may drain faults */
	rc = o->run_line(o->ctx, l->text, text, sizeof(text));
	crt_signals(); /* a line that opens a target puts the library's handlers back */
	if (rc == -EXDEV) { /* it replaced the target: this one is gone */
		m->target_gone = true;
		m->quit = true;
		m->rc = rc;
		snprintf(m->err, sizeof(m->err), "%s", text);
		return;
	}
	text[strcspn(text, "\n")] = '\0';
	if (rc < 0) {
		set_msg(m, true, "script %s:%u: stopped: %s", o->script_name, l->lineno, text);
		m->script.done = true;
	} else {
		set_msg(m, false, "script %s:%u: %s", o->script_name, l->lineno, *text ? text : l->text);
		if (rc > 0 || m->script.next == o->nscript) {
			m->script.done = true;
			size_t len = strlen(m->msg);
			snprintf(m->msg + len, sizeof(m->msg) - len, "  [script done]");
		}
	}
	/* drained now: VT-d has only a few recording registers */
	faults_poll(m);
}

/* --- the loop ------------------------------------------------------------------------- */

static void stats(struct mon *m, struct monitor_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->elapsed_s = mono() - m->t0;
	s->draws = m->draws;
	s->generated = m->storm.generated;
	s->storm_s = m->storm.active_s + (m->storm.on ? mono() - m->storm.t0 : 0);
	s->shown_total = m->shown.total;
	s->shown_lost = m->shown.lost_overflow + m->shown.lost_unread;
	for (size_t i = 0; i < m->nrows; i++)
		if (m->storm.dev && m->rows[i].s.dev == m->storm.dev)
			s->storm_source = m->rows[i].s.count;
}

/* The tick hook asked to end: the storm stops, everything is drained and
 * drawn, so the counts are final. */
static void finish(struct mon *m)
{
	storm_stop(m, NULL);
	while (smmu_faults_poll(m->t) > 0)
		;
	m->paused = false;
	sample(m, mono());
	draw(m);
	m->quit = true;
}

static void loop(struct mon *m)
{
	double now = mono(), next_poll = now, next_tick = now, next_units = now, last_draw = 0, next_input = now;
	bool script = m->o->nscript && m->o->run_line;

	m->script.next_at = now;
	sample(m, now);
	units_refresh(m);
	draw(m);
	last_draw = now;
	m->t0 = mono();
	if (m->o->storm)
		storm_start(m, m->o->storm_limit);
	while (!m->quit && !crt_stop_signal) {
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
			if (m->o->on_tick) {
				struct monitor_stats s;
				stats(m, &s);
				if (m->o->on_tick(m->o->tick_ctx, &s)) {
					finish(m);
					break;
				}
			}
		}
		if (script && !m->script.done && now >= m->script.next_at) {
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
			if (script && !m->script.done && m->script.next_at < until)
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

const char *monitor_left_out(void)
{
	return NULL;
}

int monitor_run(const struct monitor_config *cfg, struct monitor_stats *st, int *stop_signal, char *err,
		size_t errlen)
{
	struct mon *m = calloc(1, sizeof(*m));
	int rc = 0;

	*stop_signal = 0;
	if (st)
		memset(st, 0, sizeof(*st));
	if (!m || !(m->log = calloc(LOG_CAP, sizeof(*m->log)))) {
		free(m);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	m->t = cfg->t;
	m->o = cfg;
	crt_stop_signal = 0;
	crt_interrupt = cfg->interrupt;
	smmu_faults_totals(m->t, &m->base);
	if (smmu_target_read_only(m->t)) { /* a snapshot: replay the records it holds */
		memset(&m->base, 0, sizeof(m->base));
		log_rebuild(m);
	}
	if ((rc = smmu_fault_subscribe(m->t, on_fault, NULL, m))) {
		snprintf(err, errlen, "subscribing to faults: %s", smmu_strerror(rc));
		goto out;
	}
	if (cfg->storm && (rc = storm_setup(m, m->err, sizeof(m->err)))) {
		snprintf(err, errlen, "--storm: %s", m->err);
		goto out;
	}
	if ((rc = crt_init())) {
		const char *term = getenv("TERM");
		snprintf(err, errlen, "cannot drive the terminal (TERM=%s)", term ? term : "unset");
		goto out;
	}
	loop(m);
	rc = m->rc;
	if (rc < 0)
		snprintf(err, errlen, "%s", m->err);
	crt_done();
out:
	crt_signals_restore();
	crt_interrupt = NULL;
	if (!m->target_gone) {
		if (st)
			stats(m, st);
		smmu_fault_unsubscribe(m->t, m);
	}
	*stop_signal = crt_stop_signal;
	smmu_fault_filter_free(m->filter);
	det_free(m);
	free(m->log);
	free(m);
	return rc;
}
