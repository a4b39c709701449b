/* SPDX-License-Identifier: MIT */
/*
 * The monitor's keys: one table (key, name, help, action), which the help
 * overlay lists; the filter prompt's line editing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tui/monitor-priv.h"

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
	clear_counts(m);
	set_msg(m, false, "cleared: records, sources and counts start again from zero");
}

static void key_filter(struct mon *m, int key)
{
	(void)key;
	m->editing = true;
	snprintf(m->edit, sizeof(m->edit), "%s", m->filter_text);
	m->edit_len = strlen(m->edit);
}

static void key_sort(struct mon *m, int key)
{
	(void)key;
	m->sort = (m->sort + 1) % SORT_N;
	if (m->paused)
		sort_rows(m);
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
		char f[64];
		if (r->s.dev)
			snprintf(f, sizeof(f), "dev=%s", r->addr);
		else
			snprintf(f, sizeof(f), "sid=0x%" PRIx32, r->s.sid);
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
	{ '/', "/", "filter by device, reason or trace --filter terms; empty clears it", key_filter },
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

const char *monitor_key_at(size_t i, const char **help)
{
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (!keys[k].name) /* an alias */
			continue;
		if (!i--) {
			*help = keys[k].help;
			return keys[k].name;
		}
	}
	return NULL;
}

const struct key_binding *key_table(size_t *n)
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

void handle_key(struct mon *m, int ch)
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
