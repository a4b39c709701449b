/* SPDX-License-Identifier: MIT */
/*
 * The monitor's views: the header (target, units, counts), the sources
 * table, the log of records, the list of keys and the status line.  They
 * draw what the model holds; the detail pane is detail.c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/monitor-priv.h"

/* "14:03:07.123", local time */
const char *wall_str(char *buf, size_t n, double w)
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

void view_put(int y, int x, int w, int attr, const char *fmt, ...)
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

void view_bar(int y, int attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

/* One style for every rate, the header's and the table's: whole numbers
 * below 1000, then one decimal and k, M or G ("950", "12.5k", "3.1M"). */
static const char *fmt_rate(char *buf, size_t n, double r)
{
	if (r < 999.5)
		snprintf(buf, n, "%.0f", r);
	else if (r < 999.95e3)
		snprintf(buf, n, "%.1fk", r / 1e3);
	else if (r < 999.95e6)
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

void access_str(char *buf, unsigned a)
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

	view_bar(0, crt_attr(PAIR_BAR, A_REVERSE));
	view_put(0, 0, COLS, crt_attr(PAIR_BAR, A_REVERSE) | A_BOLD, " smmush monitor  %s", smmu_target_spec(m->t));
	if (m->storm.on || m->shown_generated)
		snprintf(flags, sizeof(flags), " STORM %s: %" PRIu64 " generated ", m->storm.on ? "on" : "off",
			 m->shown_generated);
	x = COLS - (int)strlen(flags) - (m->paused ? 8 : 0) - 1;
	if (flags[0])
		view_put(0, x, COLS - x, crt_attr(PAIR_FLAG, A_REVERSE), "%s", flags);
	if (m->paused)
		view_put(0, COLS - 9, 8, crt_attr(PAIR_ERROR, A_REVERSE) | A_BOLD, " PAUSED ");
	view_put(1, 0, COLS, 0, " %s", m->units_line);
	/* the same words each time, so a test can read them */
	int lost_attr = s->lost_overflow || s->lost_unread ? crt_attr(PAIR_BAD, A_BOLD) | A_BOLD : 0;
	char line[160];
	int n = snprintf(line, sizeof(line), " faults/s %s  total %" PRIu64 "  ", fmt_rate(r, sizeof(r), m->shown_rate),
			 s->total);
	view_put(2, 0, COLS, A_BOLD, "%s", line);
	view_put(2, n, COLS - n, lost_attr, "lost %" PRIu64 " (overflow episodes %" PRIu64 ", unreadable %" PRIu64 ")%s",
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
	view_put(y, 0, COLS, hdr, "%sSOURCES %s  sort: %s%s%s", m->focus_sources ? ">" : " ", count, sort_names[m->sort],
	    m->filter_text[0] ? "  filter: " : "", m->filter_text);
	int x = 1;
	int dim = crt_attr(PAIR_DIM, A_DIM);
	view_put(y + 1, x, c.dev, dim, "DEVICE");
	x += c.dev;
	if (c.name) {
		view_put(y + 1, x, c.name, dim, "NAME");
		x += c.name;
	}
	view_put(y + 1, x, COLS - x, dim, "%-*s%*s%*s %-*s%s", c.sid, "SID", c.count - 1, "COUNT", c.rate, "RATE/s",
	    c.addr - 1, "LAST ADDR", "LAST REASON");
	/* keep the selected row in view */
	size_t top = m->src_sel >= (size_t)(h - 2) ? m->src_sel - (h - 3) : 0;
	for (int i = 0; i < h - 2 && top + i < m->nrows; i++) {
		const struct row *rw = &m->rows[top + i];
		int yy = y + 2 + i;
		bool sel = m->focus_sources && top + i == m->src_sel;
		if (sel)
			view_bar(yy, A_REVERSE);
		int base = sel ? A_REVERSE : 0;
		x = 1;
		view_put(yy, x, c.dev - 1, base | A_BOLD, "%s", rw->addr);
		x += c.dev;
		if (c.name) {
			view_put(yy, x, c.name - 1, base, "%s", rw->name);
			x += c.name;
		}
		sid_str(sid, sizeof(sid), rw->s.sid, false, 0);
		if (smmu_unit_count(m->t) > 1 && rw->s.unit) { /* the same SID on two units: say which */
			struct smmu_unit_info ui;
			smmu_unit_info(rw->s.unit, &ui);
			snprintf(sid, sizeof(sid), "%u:0x%" PRIx32, ui.index, rw->s.sid);
		}
		snprintf(a, sizeof(a), "0x%" PRIx64, rw->s.last_addr);
		view_put(yy, x, COLS - x, base, "%-*s%*" PRIu64 "%*s %-*s", c.sid, sid, c.count - 1, rw->s.count, c.rate,
		    fmt_rate(r, sizeof(r), rw->rate), c.addr - 1, a);
		x += c.sid + c.count - 1 + c.rate + 1 + c.addr - 1;
		view_put(yy, x, COLS - x, base, "%s", rw->s.last_code_name ? rw->s.last_code_name : "?");
	}
	if (!m->nrows)
		view_put(y + 2, 1, COLS - 2, dim, m->nsources ? "(no source matches the filter)" : "(no faults yet)");
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
	int sw = m->log_len ? snprintf(newest, sizeof(newest), "#%" PRIu64, rec_no(m, log_at(m, m->log_len - 1)->seq)) + 1 : 9;
	if (sw < 9)
		sw = 9;
	bool wide = COLS - (sw + 13 + dw + 8 + 15 + 4) >= 24; /* room for the time and a reason */
	view_put(y, 0, COLS, A_BOLD | (!m->focus_sources ? A_UNDERLINE : 0), "%sLOG %zu kept%s  %s",
	    !m->focus_sources ? ">" : " ", m->log_len, m->filter_text[0] ? " matching the filter" : "",
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
			view_bar(yy, A_REVERSE);
		sid_str(sid, sizeof(sid), f->stream.sid, f->stream.ssv, f->stream.ssid);
		access_str(acc, f->access);
		snprintf(a, sizeof(a), "0x%" PRIx64, f->addr);
		view_put(yy, x, sw, base | crt_attr(PAIR_DIM, 0), "#%" PRIu64, rec_no(m, f->seq));
		x += sw;
		if (wide) {
			view_put(yy, x, 13, base, "%s", wall_str(w, sizeof(w), log_wall_at(m, top + i)));
			x += 13;
		}
		view_put(yy, x, COLS - x, base, "%-*.*s%-8s%-15s%-4s", dw, dw - 1, dev_addr(f->dev), sid, a, acc);
		x += dw + 8 + 15 + 4;
		view_put(yy, x, COLS - x, base | (sel ? 0 : class_attr(f->cls)), "%s  %s", f->code_name ? f->code_name : "?",
		    smmu_fault_class_name(f->cls));
	}
	if (!m->log_len)
		view_put(y + 1, 1, COLS - 2, crt_attr(PAIR_DIM, A_DIM), "(no fault records%s)",
		    m->filter_text[0] ? " match the filter" : "");
}

static void draw_help(struct mon *m, int y, int h)
{
	size_t n;
	const struct key_binding *k = key_table(&n);
	int line = y + 1;

	(void)m;
	view_put(y, 0, COLS, A_BOLD | A_UNDERLINE, ">KEYS  (any key closes)");
	for (size_t i = 0; i < n && line < y + h; i++) {
		if (!k[i].name)
			continue;
		view_put(line, 2, 12, A_BOLD, "%s", k[i].name);
		view_put(line++, 14, COLS - 15, 0, "%s", k[i].help);
	}
	static const char *const notes[] = {
		"",
		"Counts are exact: every record drained is counted, also while the view is paused.",
		"lost: overflow episodes (SMMUv3 event queue overflow, VT-d PFO: each episode may",
		"hide several faults) and records that could not be read.",
		"--script FILE runs one command line a tick beside the view; what it prints shows",
		"on the status line.  --storm N: N faulting reads from a test device (sim's can).",
	};
	for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]) && line < y + h; i++)
		view_put(line++, 2, COLS - 3, crt_attr(PAIR_DIM, 0), "%s", notes[i]);
}

static void draw_status(struct mon *m)
{
	int y = LINES - 1;

	if (m->editing) {
		view_bar(y, crt_attr(PAIR_STATUS, A_REVERSE));
		view_put(y, 0, COLS, crt_attr(PAIR_STATUS, A_REVERSE), " filter (device, reason, KEY=VALUE,...; Enter applies, Esc cancels): %s_",
		    m->edit);
		return;
	}
	if (m->msg[0]) {
		int a = m->msg_err ? crt_attr(PAIR_ERROR, A_REVERSE) | (int)A_BOLD : crt_attr(PAIR_STATUS, A_REVERSE);
		view_bar(y, a);
		view_put(y, 0, COLS, a, " %s", m->msg);
		return;
	}
	view_bar(y, crt_attr(PAIR_STATUS, A_REVERSE));
	view_put(y, 0, COLS, crt_attr(PAIR_STATUS, A_REVERSE),
	    " q quit  p pause  c clear  / filter  Enter details  s sort  S storm  Tab pane  ? help");
}

void draw(struct mon *m)
{
	m->draws++;
	if (!m->paused)
		snapshot(m);
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		view_put(0, 0, COLS, A_BOLD, "smmush monitor: the terminal is %dx%d;", COLS, LINES);
		view_put(1, 0, COLS, A_BOLD, "it needs at least %dx%d.  q quits.", MIN_COLS, MIN_LINES);
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
