/* SPDX-License-Identifier: MIT */
/* Faults: faults (drain and list, explained), trace (live, filtered), storm (make some). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "decoders/decode.h"
#include "shell.h"

#define STORM_MAX 10000000u /* sim runs a storm inside one register write: keep it short */

/* Records already shown (by faults or trace), so the next listing starts
 * after them whoever drained them.  Reset when the target changes. */
static struct {
	const struct smmu_target *t;
	uint64_t seen;
} cursor;

static uint64_t cursor_get(const struct smmu_target *t)
{
	struct smmu_fault_totals tot;

	smmu_faults_totals(t, &tot);
	if (cursor.t != t || cursor.seen > tot.total) {
		cursor.t = t;
		cursor.seen = 0;
	}
	return cursor.seen;
}

/* Ring index of the record numbered seq + 1, or -1 when none is newer.  Kept
 * records are consecutive in seq and end at totals.total; *missed counts the
 * ones after seq that the ring no longer holds. */
static long next_index(const struct smmu_target *t, uint64_t seq, uint64_t *missed)
{
	struct smmu_fault_totals tot;
	size_t kept = smmu_faults_kept(t);

	smmu_faults_totals(t, &tot);
	*missed = 0;
	if (seq >= tot.total)
		return -1;
	uint64_t oldest = tot.total - kept + 1; /* seq of ring index 0 */
	if (seq + 1 < oldest) {
		*missed = oldest - (seq + 1);
		seq = oldest - 1;
	}
	return (long)(seq + 1 - oldest);
}

/* "read", "write,priv", "read,exec": the access bits in words; "-" for none. */
static const char *access_text(unsigned acc, char *buf, size_t n)
{
	static const char *const names[] = { "read", "write", "exec", "priv" };
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < 4; b++)
		if (acc & (1u << b))
			len += snprintf(buf + len, len < n ? n - len : 0, "%s%s", len ? "," : "", names[b]);
	if (!len)
		snprintf(buf, n, "-");
	return buf;
}

static void print_line(struct shell *sh, const struct smmu_fault *f)
{
	struct smmu_device_info di = { .addr = "-" };
	char acc[32], ssid[24] = "", unit[16] = "";

	if (f->dev)
		smmu_device_info(f->dev, &di);
	if (f->stream.ssv)
		snprintf(ssid, sizeof(ssid), " ssid 0x%" PRIx32, f->stream.ssid);
	if (f->unit && smmu_unit_count(sh->t) > 1) {
		struct smmu_unit_info ui;
		smmu_unit_info(f->unit, &ui);
		snprintf(unit, sizeof(unit), "unit %u ", ui.index);
	}
	fprintf(sh->out, "#%" PRIu64 " +%" PRIu64 ".%06" PRIu64 "s %s%s%s%s%s sid 0x%" PRIx32 "%s %s 0x%" PRIx64
		"  %s (0x%" PRIx32 ") %s\n",
		f->seq, f->ts_ns / 1000000000u, f->ts_ns % 1000000000u / 1000u, unit, di.addr,
		f->dev ? " [" : "", f->dev ? di.name : "", f->dev ? "]" : "", f->stream.sid, ssid,
		access_text(f->access, acc, sizeof(acc)), f->addr, f->code_name ? f->code_name : "?", f->code,
		smmu_fault_class_name(f->cls));
}

static const char *verdict_name(enum smmu_cfg_verdict v)
{
	switch (v) {
	case SMMU_CFG_TRANSLATE: return "translate";
	case SMMU_CFG_BYPASS: return "bypass";
	case SMMU_CFG_ABORT: return "abort";
	default: return "fault";
	}
}

/* Why a walk stopped, as a stable JSON token (enum smmu_pgt_fault). */
static const char *stop_token(int fault)
{
	static const char *const names[SMMU_PGT_F_MAX] = {
		[SMMU_PGT_OK] = "ok", [SMMU_PGT_F_INVALID] = "invalid", [SMMU_PGT_F_PERM] = "permission",
		[SMMU_PGT_F_ACCESS] = "access_flag", [SMMU_PGT_F_ADDR_SIZE] = "address_size",
		[SMMU_PGT_F_INPUT_RANGE] = "input_range", [SMMU_PGT_F_RESERVED] = "reserved",
		[SMMU_PGT_F_TABLE_READ] = "table_read", [SMMU_PGT_F_LOOP] = "loop", [SMMU_PGT_F_ALIAS] = "alias",
		[SMMU_PGT_F_BUDGET] = "budget",
	};
	return fault >= 0 && fault < SMMU_PGT_F_MAX && names[fault] ? names[fault] : "other";
}

/* The decoded raw record, indented under the fault's line. */
static void print_raw_indented(struct shell *sh, const struct smmu_fault *f)
{
	FILE *saved = sh->out, *mem;
	char *buf = NULL;
	size_t len = 0;

	if (!f->raw_kind || !(mem = open_memstream(&buf, &len)))
		return;
	sh->out = mem;
	shell_render(sh, f->raw_kind, f->raw, 0);
	fclose(mem);
	sh->out = saved;
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		fprintf(sh->out, "    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	free(buf);
}

static void json_fault(struct shell *sh, const struct smmu_fault *f, bool explain)
{
	struct smmu_json *j = &sh->j;
	struct smmu_device_info di;

	smmu_json_obj_begin(j);
	smmu_json_ku64(j, "seq", f->seq);
	smmu_json_ku64(j, "ts_ns", f->ts_ns);
	if (f->unit) {
		struct smmu_unit_info ui;
		smmu_unit_info(f->unit, &ui);
		smmu_json_ku64(j, "unit", ui.index);
	} else {
		smmu_json_key(j, "unit");
		smmu_json_null(j);
	}
	if (f->dev) {
		smmu_device_info(f->dev, &di);
		smmu_json_kstr(j, "device", di.addr);
		smmu_json_kstr(j, "device_name", di.name);
	} else {
		smmu_json_kstr(j, "device", NULL);
	}
	smmu_json_khex(j, "sid", f->stream.sid);
	smmu_json_key(j, "ssid");
	if (f->stream.ssv)
		smmu_json_hex(j, f->stream.ssid);
	else
		smmu_json_null(j);
	smmu_json_khex(j, "address", f->addr);
	smmu_json_key(j, "access");
	smmu_json_arr_begin(j);
	if (f->access & SMMU_PROT_R)
		smmu_json_str(j, "read");
	if (f->access & SMMU_PROT_W)
		smmu_json_str(j, "write");
	if (f->access & SMMU_PROT_X)
		smmu_json_str(j, "exec");
	if (f->access & SMMU_PROT_PRIV)
		smmu_json_str(j, "priv");
	smmu_json_arr_end(j);
	smmu_json_khex(j, "code", f->code);
	smmu_json_kstr(j, "code_name", f->code_name);
	smmu_json_kstr(j, "class", smmu_fault_class_name(f->cls));
	smmu_json_kstr(j, "raw_kind", f->raw_kind);
	smmu_json_key(j, "raw");
	smmu_json_arr_begin(j);
	for (unsigned i = 0; i < f->nraw && i < 4; i++)
		smmu_json_hex(j, f->raw[i]);
	smmu_json_arr_end(j);
	if (explain) {
		struct smmu_explain ex;
		int rc = smmu_fault_explain(sh->t, f, &ex);
		smmu_json_key(j, "explanation");
		smmu_json_obj_begin(j);
		if (rc) {
			char text[160];
			snprintf(text, sizeof(text), "cannot explain: %s", smmu_strerror(rc));
			smmu_json_kstr(j, "text", text);
		} else {
			const struct smmu_config *cfg = &ex.tr.cfg;
			const struct smmu_pgt_xlate *x = &ex.tr.x;
			smmu_json_kstr(j, "text", ex.text);
			smmu_json_kstr(j, "verdict", verdict_name(cfg->verdict));
			smmu_json_key(j, "config");
			smmu_json_arr_begin(j);
			for (unsigned i = 0; i < cfg->nsteps && i < SMMU_CFG_MAX_STEPS; i++) {
				const struct smmu_cfg_step *s = &cfg->step[i];
				smmu_json_obj_begin(j);
				smmu_json_kstr(j, "what", s->what);
				smmu_json_kstr(j, "kind", s->kind);
				smmu_json_khex(j, s->reg ? "offset" : "address", s->addr);
				smmu_json_key(j, "words");
				smmu_json_arr_begin(j);
				for (unsigned w = 0; w < s->nwords && w < 8; w++)
					smmu_json_hex(j, s->words[w]);
				smmu_json_arr_end(j);
				smmu_json_obj_end(j);
			}
			smmu_json_arr_end(j);
			smmu_json_key(j, "steps");
			smmu_json_arr_begin(j);
			for (unsigned i = 0; ex.tr.walked && i < x->nsteps && i < SMMU_PGT_MAX_STEPS; i++) {
				const struct smmu_pgt_step *s = &x->step[i];
				smmu_json_obj_begin(j);
				smmu_json_key(j, "level");
				smmu_json_i64(j, s->level);
				smmu_json_khex(j, "table", s->table_pa);
				smmu_json_ku64(j, "index", s->index);
				smmu_json_khex(j, "entry", s->entry_pa);
				smmu_json_khex(j, "pte", s->pte);
				smmu_json_kstr(j, "kind", s->kind);
				smmu_json_obj_end(j);
			}
			smmu_json_arr_end(j);
			smmu_json_kstr(j, "stopped", ex.tr.walked && !ex.tr.ok ? stop_token(x->fault) : NULL);
			smmu_json_key(j, "stopped_level");
			if (ex.tr.walked && !ex.tr.ok)
				smmu_json_i64(j, x->fault_level);
			else
				smmu_json_null(j);
			smmu_json_key(j, "translates_to");
			if (ex.tr.ok)
				smmu_json_hex(j, ex.tr.pa);
			else
				smmu_json_null(j);
		}
		if (f->raw_kind) {
			smmu_json_key(j, "decoded");
			shell_render(sh, f->raw_kind, f->raw, 0);
		}
		smmu_json_obj_end(j);
	}
	smmu_json_obj_end(j);
}

static void text_fault(struct shell *sh, const struct smmu_fault *f, bool explain)
{
	struct smmu_explain ex;
	int rc;

	print_line(sh, f);
	if (!explain)
		return;
	if ((rc = smmu_fault_explain(sh->t, f, &ex)))
		fprintf(sh->out, "    cannot explain: %s\n", smmu_strerror(rc));
	else
		fprintf(sh->out, "    %s\n", ex.text);
	print_raw_indented(sh, f);
}

static void json_totals(struct shell *sh, const struct smmu_fault_totals *tot)
{
	smmu_json_key(&sh->j, "totals");
	smmu_json_obj_begin(&sh->j);
	smmu_json_ku64(&sh->j, "total", tot->total);
	smmu_json_ku64(&sh->j, "lost_overflow", tot->lost_overflow);
	smmu_json_ku64(&sh->j, "lost_unread", tot->lost_unread);
	smmu_json_ku64(&sh->j, "quirks", tot->quirks);
	smmu_json_ku64(&sh->j, "gerrors", tot->gerrors);
	smmu_json_obj_end(&sh->j);
}

static int cmd_faults(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t = sh->t;
	struct smmu_fault_totals tot;
	struct smmu_fault f;
	bool explain = false, all = false;
	uint64_t missed = 0, shown = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--explain"))
			explain = true;
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else {
			shell_error("faults: unknown argument '%s': expected faults [--explain] [--all]", argv[i]);
			return -EINVAL;
		}
	}
	uint64_t from = cursor_get(t);
	if ((rc = smmu_faults_poll(t)) < 0)
		return shell_lib_error("faults", "draining the fault sources", rc);
	smmu_faults_totals(t, &tot);
	long idx = all ? 0 : next_index(t, from, &missed);
	size_t kept = smmu_faults_kept(t);
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_key(&sh->j, "faults");
		smmu_json_arr_begin(&sh->j);
	}
	for (size_t i = idx < 0 ? kept : (size_t)idx; i < kept; i++) {
		if (smmu_faults_get(t, i, &f))
			break;
		if (sh->json)
			json_fault(sh, &f, explain);
		else
			text_fault(sh, &f, explain);
		shown++;
	}
	cursor.seen = tot.total;
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_ku64(&sh->j, "not_kept", missed);
		json_totals(sh, &tot);
		shell_json_end(sh);
		return 0;
	}
	if (!shown)
		fprintf(sh->out, all ? "no faults kept\n" : "no new faults\n");
	if (missed)
		fprintf(sh->out, "(%" PRIu64 " earlier records are no longer kept)\n", missed);
	fprintf(sh->out,
		"totals: %" PRIu64 " drained; lost: %" PRIu64 " overflow, %" PRIu64 " unread; %" PRIu64
		" quirks, %" PRIu64 " global errors\n",
		tot.total, tot.lost_overflow, tot.lost_unread, tot.quirks, tot.gerrors);
	return 0;
}

/* --- trace ------------------------------------------------------------------------ */

enum term_key { T_DEV, T_SID, T_CODE, T_CODE_NAME, T_CLASS, T_ADDR };
struct term {
	enum term_key key;
	const struct smmu_device *dev;
	uint64_t lo, hi;
	char name[96];
};
#define MAX_TERMS 16

/* Whether a code name is one some unit could report: SMMUv3 event names and
 * VT-d fault reasons, from the decoders. */
static bool known_code_name(const char *name)
{
	const struct smmu_desc *d;

	if (!smmu_decoder_find("smmuv3.event", &d, NULL) && d->variants)
		for (const struct smmu_variant *v = d->variants; v->desc; v++)
			if (!strcasecmp(v->desc->name, name))
				return true;
	if (!smmu_decoder_find("vtd.frcd", &d, NULL)) {
		const struct smmu_field *fr = smmu_desc_field(d, "FR");
		for (const struct smmu_enum *e = fr ? fr->enums : NULL; e && e->name; e++)
			if (!strcasecmp(e->name, name))
				return true;
	}
	return false;
}

/* Parse a number for a filter without shell_parse_u64's own message: the
 * filter error names the whole term once. */
static bool filter_num(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static int parse_filter(struct shell *sh, const char *expr, struct term *terms, size_t *nterms)
{
	char buf[512], bad[512] = "";
	const char *why = NULL;

	*nterms = 0;
	if (strlen(expr) >= sizeof(buf)) {
		shell_error("trace: --filter: expression too long");
		return -EINVAL;
	}
	strcpy(buf, expr);
	char *tok = buf;
	if (!*buf) {
		shell_error("trace: --filter: empty expression (KEY=VALUE[,KEY=VALUE...])");
		return -EINVAL;
	}
	/* strtok would skip empty terms (",," or a trailing ','): split by hand */
	for (char *next; tok; tok = next) {
		bad[0] = '\0';
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (*nterms == MAX_TERMS) {
			why = "too many terms (at most 16)";
			break;
		}
		char *eq = strchr(tok, '=');
		struct term *tm = &terms[*nterms];
		if (!*tok) {
			why = "empty term (two commas in a row, or one at an end)";
			break;
		}
		if (!eq || eq == tok || !eq[1]) {
			why = "expected KEY=VALUE (keys: dev, sid, code, class, addr)";
			break;
		}
		snprintf(bad, sizeof(bad), "%s", tok); /* the term as typed, for the error */
		*eq = '\0';
		const char *key = tok, *val = eq + 1;
		memset(tm, 0, sizeof(*tm));
		if (!strcmp(key, "dev")) {
			tm->key = T_DEV;
			if (!(tm->dev = smmu_device_find(sh->t, val))) {
				why = "no such device ('devices' lists them)";
				break;
			}
		} else if (!strcmp(key, "sid")) {
			tm->key = T_SID;
			if (!filter_num(val, &tm->lo) || tm->lo > UINT32_MAX) {
				why = "sid must be a number";
				break;
			}
		} else if (!strcmp(key, "code")) {
			if (filter_num(val, &tm->lo)) {
				tm->key = T_CODE;
			} else if (strlen(val) < sizeof(tm->name) && known_code_name(val)) {
				tm->key = T_CODE_NAME;
				strcpy(tm->name, val);
			} else {
				why = "unknown fault code (a number, or a name such as F_TRANSLATION)";
				break;
			}
		} else if (!strcmp(key, "class")) {
			tm->key = T_CLASS;
			tm->lo = SMMU_FC_OTHER + 1;
			for (unsigned c = 0; c <= SMMU_FC_OTHER; c++)
				if (!strcasecmp(val, smmu_fault_class_name(c)))
					tm->lo = c;
			if (tm->lo > SMMU_FC_OTHER) {
				why = "unknown class (translation, permission, access-flag, address-size, "
				      "configuration, table-fetch, stream, other)";
				break;
			}
		} else if (!strcmp(key, "addr")) {
			char lo[64];
			const char *dash = strchr(val, '-');
			tm->key = T_ADDR;
			if (dash && (size_t)(dash - val) < sizeof(lo)) {
				snprintf(lo, sizeof(lo), "%.*s", (int)(dash - val), val);
				if (!filter_num(lo, &tm->lo) || !filter_num(dash + 1, &tm->hi) || tm->hi < tm->lo)
					why = "expected addr=ADDR or addr=LOW-HIGH with LOW <= HIGH";
			} else if (dash || !filter_num(val, &tm->lo)) {
				why = "expected addr=ADDR or addr=LOW-HIGH with LOW <= HIGH";
			} else {
				tm->hi = tm->lo;
			}
			if (why)
				break;
		} else {
			why = "unknown key (dev, sid, code, class, addr)";
			break;
		}
		(*nterms)++;
	}
	if (why) {
		shell_error("trace: --filter: '%s': %s", *bad ? bad : tok, why);
		return -EINVAL;
	}
	return 0;
}

static bool filter_match(const struct term *terms, size_t n, const struct smmu_fault *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct term *tm = &terms[i];
		bool ok = false;
		switch (tm->key) {
		case T_DEV: ok = f->dev == tm->dev; break;
		case T_SID: ok = f->stream.sid == tm->lo; break;
		case T_CODE: ok = f->code == tm->lo; break;
		case T_CODE_NAME: ok = f->code_name && !strcasecmp(f->code_name, tm->name); break;
		case T_CLASS: ok = (uint64_t)f->cls == tm->lo; break;
		case T_ADDR: ok = f->addr >= tm->lo && f->addr <= tm->hi; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_trace(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t = sh->t;
	struct term terms[MAX_TERMS];
	size_t nterms = 0;
	uint64_t count = 0;
	double seconds = 0;
	const char *filter = NULL;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--count") && strcmp(opt, "--seconds") && strcmp(opt, "--filter")) {
			shell_error("trace: unknown argument '%s': expected trace [--count N] [--seconds S] "
				    "[--filter EXPR]", opt);
			return -EINVAL;
		}
		if (i + 1 == argc) {
			shell_error("trace: %s needs a value", opt);
			return -EINVAL;
		}
		const char *val = argv[++i];
		if (!strcmp(opt, "--count")) {
			if (shell_parse_u64("trace: --count", val, &count))
				return -EINVAL;
			if (!count) {
				shell_error("trace: --count must be at least 1");
				return -EINVAL;
			}
		} else if (!strcmp(opt, "--seconds")) {
			char *end;
			seconds = strtod(val, &end);
			if (!*val || *end || !isfinite(seconds) || seconds <= 0 || seconds > 1e6) {
				shell_error("trace: --seconds: '%s' is not a number of seconds (0 < S <= 1000000)", val);
				return -EINVAL;
			}
		} else {
			filter = val;
		}
	}
	if (filter && parse_filter(sh, filter, terms, &nterms))
		return -EINVAL;

	struct smmu_fault_totals before, tot;
	struct smmu_fault f;
	uint64_t last = cursor_get(t), shown = 0, drained = 0, filtered = 0, missed_all = 0;
	const char *ended = "interrupt";
	bool saved_pretty = sh->j.pretty;
	double start = now_s();
	int rc = 0;

	smmu_faults_totals(t, &before);
	sh->j.pretty = false; /* one object a line, whatever -p says */
	for (;;) {
		if (shell_stop())
			break;
		if ((rc = smmu_faults_poll(t)) < 0)
			break;
		rc = 0;
		uint64_t missed;
		long idx = next_index(t, last, &missed);
		size_t kept = smmu_faults_kept(t);
		bool any = idx >= 0;
		missed_all += missed;
		last += missed;
		for (size_t i = idx < 0 ? kept : (size_t)idx; i < kept; i++) {
			if (smmu_faults_get(t, i, &f))
				break;
			last = f.seq;
			drained++;
			if (!filter_match(terms, nterms, &f)) {
				filtered++;
				continue;
			}
			if (sh->json) {
				json_fault(sh, &f, false);
				smmu_json_done(&sh->j);
			} else {
				print_line(sh, &f);
			}
			if (++shown == count)
				break;
		}
		if (any)
			fflush(sh->out);
		if (count && shown == count) {
			ended = "count";
			break;
		}
		if (seconds && now_s() - start >= seconds) {
			ended = "time";
			break;
		}
		if (!any) {
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL); /* EINTR on Ctrl-C: the loop looks at the flag */
		}
	}
	/* Ctrl-C ended the trace, not the shell: the prompt need not see it */
	shell_interrupted = 0;
	cursor.t = t;
	cursor.seen = last;
	smmu_faults_totals(t, &tot);
	uint64_t ms = (uint64_t)((now_s() - start) * 1000);
	uint64_t lost_ovf = tot.lost_overflow - before.lost_overflow, lost_unr = tot.lost_unread - before.lost_unread;
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_key(&sh->j, "summary");
		smmu_json_obj_begin(&sh->j);
		smmu_json_ku64(&sh->j, "shown", shown);
		smmu_json_ku64(&sh->j, "filtered_out", filtered);
		smmu_json_ku64(&sh->j, "drained", drained);
		smmu_json_ku64(&sh->j, "not_kept", missed_all);
		smmu_json_ku64(&sh->j, "elapsed_ms", ms);
		smmu_json_kstr(&sh->j, "ended", rc ? "error" : ended);
		smmu_json_ku64(&sh->j, "lost_overflow", lost_ovf);
		smmu_json_ku64(&sh->j, "lost_unread", lost_unr);
		smmu_json_obj_end(&sh->j);
		smmu_json_obj_end(&sh->j);
		smmu_json_done(&sh->j);
	} else {
		fprintf(sh->out,
			"trace: %" PRIu64 " shown, %" PRIu64 " filtered out, %" PRIu64 " drained in %" PRIu64
			".%03" PRIu64 " s (%s); lost: %" PRIu64 " overflow, %" PRIu64 " unread%s\n",
			shown, filtered, drained, ms / 1000, ms % 1000,
			rc ? "error" : !strcmp(ended, "count") ? "count reached" : !strcmp(ended, "time") ? "time up"
			: "interrupted", lost_ovf, lost_unr, missed_all ? "; some records were no longer kept" : "");
	}
	fflush(sh->out);
	sh->j.pretty = saved_pretty;
	if (rc)
		return shell_lib_error("trace", "draining the fault sources", rc);
	return 0;
}

/* --- storm ------------------------------------------------------------------------ */

#define EDU_DMA_SRC   0x80
#define SIM_SSID      0x100
#define SIM_STORM     0x110
#define SIM_ACCESS    0x118
#define PCI_COMMAND   0x04
#define PCI_BAR0      0x10

/* The test device's registers on sim: memory decoding and bus mastering on
 * for a PCI device, as smmu_dma does before a transfer. */
static int sim_regs(struct smmu_target *t, const struct smmu_device_info *di, uint64_t *base)
{
	uint32_t bar, hi = 0, cmd;
	int rc;

	if (di->bus == SMMU_BUS_PLATFORM) {
		*base = di->mmio_base;
		return 0;
	}
	if ((rc = smmu_pci_read(t, di->bdf, PCI_BAR0, 4, &bar)) ||
	    (rc = smmu_pci_read(t, di->bdf, PCI_COMMAND, 2, &cmd)))
		return rc;
	if ((bar & 0x6) == 0x4 && (rc = smmu_pci_read(t, di->bdf, PCI_BAR0 + 4, 4, &hi)))
		return rc;
	*base = (uint64_t)hi << 32 | (bar & ~0xfu);
	if (!*base)
		return -ENXIO; /* no firmware assigned the BAR */
	if ((cmd & 0x6) != 0x6)
		rc = smmu_pci_write(t, di->bdf, PCI_COMMAND, 2, cmd | 0x6);
	return rc;
}

static int cmd_storm(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t = sh->t;
	struct smmu_device *d;
	struct smmu_device_info di;
	uint64_t n, iova = 0, done = 0, base;
	bool sim = !strncmp(smmu_target_spec(t), "sim", 3);
	int rc = 0;

	if (shell_nargs(sh, argc, argv, 2, 3))
		return -EINVAL;
	if (shell_parse_u64("storm", argv[2], &n) || (argc == 4 && shell_parse_u64("storm", argv[3], &iova)))
		return -EINVAL;
	if (!n || n > STORM_MAX) {
		shell_error("storm: N must be 1..%u, not %s", STORM_MAX, argv[2]);
		return -EINVAL;
	}
	if (!(d = shell_device(sh, "storm", argv[1])))
		return -ENODEV;
	smmu_device_info(d, &di);
	if (!(di.caps & SMMU_DEV_DMA)) {
		shell_error("storm: %s has no DMA engine ('devices' shows which do)", di.addr);
		return -ENODEV;
	}
	if (sim) {
		/* sim's STORM register: N one-byte reads of the DMA source, at once */
		if ((rc = sim_regs(t, &di, &base)) || (rc = smmu_mmio_write(t, base + SIM_SSID, 4, 0)) ||
		    (rc = smmu_mmio_write(t, base + SIM_ACCESS, 4, 0)) ||
		    (rc = smmu_mmio_write(t, base + EDU_DMA_SRC, 8, iova)) ||
		    (rc = smmu_mmio_write(t, base + SIM_STORM, 8, n)))
			return shell_lib_error("storm", di.addr, rc);
		done = n;
	} else {
		/* a device without it (QEMU's edu): one-byte DMA reads, one at a time */
		for (; done < n && !shell_stop(); done++)
			if ((rc = smmu_dma(d, SMMU_DMA_FROM_MEM, iova, 1, NULL)))
				return shell_lib_error("storm", di.addr, rc);
	}
	bool interrupted = done < n;
	shell_interrupted = 0;
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "device", di.addr);
		smmu_json_khex(&sh->j, "iova", iova);
		smmu_json_ku64(&sh->j, "reads", done);
		smmu_json_kstr(&sh->j, "method", sim ? "storm-register" : "dma-loop");
		smmu_json_kbool(&sh->j, "interrupted", interrupted);
		shell_json_end(sh);
		return 0;
	}
	fprintf(sh->out, "storm: %s made %" PRIu64 " one-byte reads at 0x%" PRIx64 "%s ('faults' or 'trace' shows "
		"what they raised)\n", di.addr, done, iova, interrupted ? " (interrupted)" : "");
	return 0;
}

const struct shell_cmd shell_cmds_faults[] = {
	{ "faults", "[--explain] [--all]", "drain the fault sources; list new records (or all kept), with totals",
	  CMD_TARGET, cmd_faults, COMPLETE_WORDS, "--explain --all" },
	{ "trace", "[--count N] [--seconds S] [--filter EXPR]",
	  "stream faults live until Ctrl-C, N records or S seconds",
	  CMD_TARGET, cmd_trace, COMPLETE_WORDS, "--count --seconds --filter" },
	{ "storm", "DEVICE N [IOVA]", "make a device issue N one-byte DMA reads at IOVA (default 0x0)",
	  CMD_TARGET | CMD_WRITES_HW, cmd_storm, COMPLETE_DEVICE },
	{ .name = NULL },
};
