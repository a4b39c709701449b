/* SPDX-License-Identifier: MIT */
/*
 * The detail pane: one fault record, its raw words decoded, and an
 * explanation from a walk of the device's live tables, wrapped to the width
 * of the terminal.  Built as lines when the selection changes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "tui/monitor-priv.h"

/* The detail of one record, as lines: built when the selection changes. */
void det_free(struct mon *m)
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
	if (asprintf(&text, "Fault #%" PRIu64 " on %s, drained at %s (target clock %.6f s)", rec_no(m, f->seq), ui.name,
		     wall_str(w, sizeof(w), wall), (double)f->ts_ns / 1e9) >= 0)
		det_wrap(m, text, 0, 2);
	free(text);
	det_add(m, "  device   %s  %s", di.addr, di.name ? di.name : "");
	bool amd = f->unit && ui.arch == SMMU_ARCH_AMDVI;
	const char *sid_name = vtd ? "source-id" : amd ? "DeviceID" : "StreamID";
	if (f->stream.ssv)
		det_add(m, "  source   %s 0x%" PRIx32 "  %s 0x%" PRIx32, sid_name, f->stream.sid,
			vtd || amd ? "PASID" : "SubstreamID", f->stream.ssid);
	else
		det_add(m, "  source   %s 0x%" PRIx32, sid_name, f->stream.sid);
	/* the class shown is the explanation's: the one the walk below shows
	 * (a VT-d record names a missing entry by the permission it lacks) */
	rc = smmu_fault_explain(m->t, f, &ex);
	enum smmu_fault_class cls = rc ? f->cls : ex.cls;
	char differs[96] = "";
	if (cls != f->cls)
		snprintf(differs, sizeof(differs), " (the walk's; the reason code alone reads as %s)",
			 smmu_fault_class_name(f->cls));
	text = NULL;
	if (asprintf(&text, "address  0x%" PRIx64 "  access %s  reason %s (0x%" PRIx32 "), class %s%s", f->addr, acc,
		     f->code_name ? f->code_name : "?", f->code, smmu_fault_class_name(cls), differs) >= 0)
		det_wrap(m, text, 2, 9);
	free(text);
	det_add(m, "%s", "");
	det_add(m, "Raw record (%s):", f->raw_kind ? f->raw_kind : "?");
	if (f->nraw)
		det_decode(m, f->raw_kind, f->raw, 2);
	det_add(m, "%s", "");
	det_add(m, "Explanation (the device's live tables, walked now):");
	if (rc) {
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
			if (!s->kind) /* the table could not be read: no entry */
				det_add(m, "  %-*s @  0x%-10" PRIx64 " [%3u] %-16s  %s%s", ww, lv, s->table_pa, s->index,
					"unreadable", last && x->fault ? "<- stopped: " : "",
					last && x->fault ? smmu_pgt_fault_name(x->fault) : "");
			else
				det_add(m, "  %-*s @  0x%-10" PRIx64 " [%3u] %016" PRIx64 "  %s%s%s", ww, lv,
					s->table_pa, s->index, s->pte, s->kind,
					last && x->fault ? "  <- stopped: " : "",
					last && x->fault ? smmu_pgt_fault_name(x->fault) : "");
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
		if (!s->kind) {
			det_add(m, "The level-%d table at 0x%" PRIx64 " could not be read: no entry to decode", s->level,
				s->table_pa);
		} else {
			det_add(m, "Entry where translation stopped (level %d, at 0x%" PRIx64 "):", s->level, s->entry_pa);
			det_decode(m, s->kind, &s->pte, 2);
		}
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

void draw_detail(struct mon *m, int y, int h)
{
	size_t idx = selected_index(m);
	const struct smmu_fault *f = idx != SIZE_MAX ? log_at(m, idx) : NULL;

	view_put(y, 0, COLS, A_BOLD | A_UNDERLINE, ">DETAIL  (Esc closes; Up/Down: previous/next fault; PgUp/PgDn scroll)");
	if (!f) {
		view_put(y + 1, 1, COLS - 2, 0, "(no fault selected)");
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
		view_put(y + 1 + i, 1, COLS - 2, head ? A_BOLD : 0, "%s", l);
	}
}
