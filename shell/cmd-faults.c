/* SPDX-License-Identifier: MIT */
/* Faults: faults (drain and list, explained), trace (live, filtered), storm (make some),
 * monitor (the live fault monitor, tui/, with what it needs from the shell). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decoders/decode.h"
#include "cmd-tables.h"
#include "shell.h"
#include "tui/monitor.h"

#define STORM_MAX 10000000u /* sim runs a storm inside one register write: keep it short */
#define STORM_BATCH 65536u  /* reads between two looks at Ctrl-C */
/* The filter language (lib/filter.c), for `help` and the man page. */
#define FILTER_HELP \
	"EXPR is one or more terms joined by ',', all of which must hold:\n" \
	"  dev=DEVICE     the device (00:01.0, platform@0x...)\n" \
	"  sid=N          StreamID / source-id\n" \
	"  code=N|NAME    the reason: EventID or VT-d fault reason, or its name (F_TRANSLATION)\n" \
	"  class=CLASS    translation, permission, access-flag, address-size, configuration,\n" \
	"                 table-fetch, stream, other\n" \
	"  addr=A|LO-HI   the faulting address, or an inclusive range\n" \
	"  WORD           a device whose address or name contains WORD, or a reason or class\n" \
	"                 whose name does (any case); a number also names that SID\n" \
	"  KEY!=VALUE     the term negated\n" \
	"e.g. --filter dev=00:01.0,class=translation   --filter F_PERM,addr=0x1000-0x1fff\n" \
	"lost: overflow episodes (SMMUv3 event queue overflow, VT-d PFO: each may hide\n" \
	"several faults) and records that could not be read."

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
			smmu_json_kstr(j, "class", smmu_fault_class_name(ex.cls)); /* the walk's */
			tbl_json_denied_by(j, !ex.tr.ok && x->fault == SMMU_PGT_F_PERM ? x : NULL);
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
				/* no kind: the table could not be read, there is no entry */
				smmu_json_kbool(j, "table_readable", s->kind);
				smmu_json_key(j, "pte");
				s->kind ? smmu_json_hex(j, s->pte) : smmu_json_null(j);
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
	else if (ex.cls != f->cls) /* the walk's class, where the reason code alone says another */
		fprintf(sh->out, "    %s (class %s, by the walk)\n", ex.text, smmu_fault_class_name(ex.cls));
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

/* --filter EXPR: the library's fault filter language (smmu-manager.h),
 * parsed on t; with t NULL only checked (all but device names), so a bad
 * expression is said before the target opens. */
static int parse_filter(struct smmu_target *t, const char *cmd, const char *expr, struct smmu_fault_filter **out)
{
	char err[256];
	struct smmu_fault_filter *checked = NULL;
	int rc = smmu_fault_filter_parse(t, expr, out ? out : &checked, err, sizeof(err));

	smmu_fault_filter_free(checked);
	if (rc == -EINVAL)
		shell_error("%s: --filter: %s", cmd, err);
	else if (rc)
		shell_lib_error(cmd, "--filter", rc);
	return rc;
}

static int cmd_faults(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t;
	struct smmu_fault_totals tot;
	struct smmu_fault f;
	struct smmu_fault_filter *flt = NULL;
	bool explain = false, all = false;
	uint64_t missed = 0, shown = 0, filtered = 0;
	const char *filter = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--explain"))
			explain = true;
		else if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else {
			shell_error("faults: unknown argument '%s': expected faults [--explain] [--all] [--filter EXPR]",
				    argv[i]);
			return -EINVAL;
		}
	}
	if (filter && parse_filter(NULL, "faults", filter, NULL))
		return -EINVAL;
	if (!(t = shell_target(sh))) /* the options first (CMD_OPENS_LATE) */
		return -ENODEV;
	if (filter && parse_filter(t, "faults", filter, &flt))
		return -EINVAL;
	uint64_t from = cursor_get(t);
	if ((rc = smmu_faults_poll(t)) < 0) {
		smmu_fault_filter_free(flt);
		return shell_lib_error("faults", "draining the fault sources", rc);
	}
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
		if (!smmu_fault_filter_match(flt, &f)) {
			filtered++;
			continue;
		}
		if (sh->json)
			json_fault(sh, &f, explain);
		else
			text_fault(sh, &f, explain);
		shown++;
	}
	cursor.seen = tot.total;
	smmu_fault_filter_free(flt);
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		if (filter)
			smmu_json_ku64(&sh->j, "filtered_out", filtered);
		smmu_json_ku64(&sh->j, "not_kept", missed);
		json_totals(sh, &tot);
		shell_json_end(sh);
		return 0;
	}
	if (!shown)
		fprintf(sh->out, all ? "no faults kept%s\n" : "no new faults%s\n", filtered ? " match the filter" : "");
	else if (filtered)
		fprintf(sh->out, "(%" PRIu64 " more did not match the filter)\n", filtered);
	if (missed)
		fprintf(sh->out, "(%" PRIu64 " earlier records are no longer kept)\n", missed);
	fprintf(sh->out,
		"totals: %" PRIu64 " drained; lost: %" PRIu64 " overflow episodes, %" PRIu64 " unread; %" PRIu64
		" quirks, %" PRIu64 " global errors\n",
		tot.total, tot.lost_overflow, tot.lost_unread, tot.quirks, tot.gerrors);
	return 0;
}

/* --- trace ------------------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_trace(struct shell *sh, int argc, char **argv)
{
	struct smmu_target *t;
	struct smmu_fault_filter *flt = NULL;
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
	if (filter && parse_filter(NULL, "trace", filter, NULL))
		return -EINVAL;
	if (!(t = shell_target(sh))) /* the options first (CMD_OPENS_LATE) */
		return -ENODEV;
	if (filter && parse_filter(t, "trace", filter, &flt))
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
			if (!smmu_fault_filter_match(flt, &f)) {
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
			".%03" PRIu64 " s (%s); lost: %" PRIu64 " overflow episodes, %" PRIu64 " unread%s\n",
			shown, filtered, drained, ms / 1000, ms % 1000,
			rc ? "error" : !strcmp(ended, "count") ? "count reached" : !strcmp(ended, "time") ? "time up"
			: "interrupted", lost_ovf, lost_unr, missed_all ? "; some records were no longer kept" : "");
	}
	fflush(sh->out);
	sh->j.pretty = saved_pretty;
	smmu_fault_filter_free(flt);
	if (rc)
		return shell_lib_error("trace", "draining the fault sources", rc);
	return 0;
}

/* --- storm ------------------------------------------------------------------------ */

static int cmd_storm(struct shell *sh, int argc, char **argv)
{
	struct smmu_device *d;
	struct smmu_device_info di;
	uint64_t n, iova = 0, done = 0;
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
	if ((rc = di.unit ? shell_may_write(sh, "storm", di.unit) : shell_may_write_selected(sh, "storm")))
		return rc;
	bool generator = di.caps & SMMU_DEV_STORM;
	if (generator) {
		/* the device's own storm generator: N reads, a batch at a time so
		 * that Ctrl-C (or a held SIGINT/SIGTERM) ends it between batches */
		while (done < n && !shell_stop()) {
			uint64_t batch = n - done < STORM_BATCH ? n - done : STORM_BATCH;
			if ((rc = smmu_device_storm(d, iova, batch, NULL)))
				return shell_lib_error("storm", di.addr, rc);
			done += batch;
		}
	} else {
		/* a device without one (QEMU's edu): one-byte DMA reads, one at a time */
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
		smmu_json_kstr(&sh->j, "method", generator ? "storm-register" : "dma-loop");
		smmu_json_kbool(&sh->j, "interrupted", interrupted);
		shell_json_end(sh);
		return 0;
	}
	fprintf(sh->out, "storm: %s made %" PRIu64 " one-byte reads at 0x%" PRIx64 "%s ('faults' or 'trace' shows "
		"what they raised)\n", di.addr, done, iova, interrupted ? " (interrupted)" : "");
	return 0;
}

/* --- monitor ---------------------------------------------------------------------- */

struct script {
	struct monitor_line *line;
	size_t n;
};

/* The script's command lines, as the monitor runs them: one a tick, so
 * comments and blank lines are left out. */
static int keep_line(void *ctx, const char *cmd, unsigned lineno)
{
	struct script *s = ctx;
	const char *p = cmd + strspn(cmd, " \t");
	struct monitor_line *grown;

	if (!*p || *p == '#')
		return 0;
	if (!(grown = realloc(s->line, (s->n + 1) * sizeof(*grown))))
		return -ENOMEM;
	s->line = grown;
	if (!(s->line[s->n].text = strdup(cmd)))
		return -ENOMEM;
	s->line[s->n++].lineno = lineno;
	return 0;
}

static void script_free(struct script *s)
{
	for (size_t i = 0; i < s->n; i++)
		free((char *)s->line[i].text);
	free(s->line);
}

/* The monitor's run_line: one command line with its output and its errors
 * held in memory; the first line it printed, or its error, goes back. */
static int monitor_line(void *ctx, const char *line, char *text, size_t textlen)
{
	struct shell *sh = ctx;
	struct smmu_target *t = sh->t;
	struct shell_capture c;
	char *errs = NULL;
	size_t errlen = 0;
	FILE *ef = open_memstream(&errs, &errlen);
	int rc;

	if (!ef || shell_capture_begin(sh, &c)) {
		if (ef)
			fclose(ef);
		free(errs);
		snprintf(text, textlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	FILE *saved = shell_error_to(ef);
	rc = shell_run_line(sh, line);
	shell_error_to(saved);
	fclose(ef);
	fflush(c.mem);
	if (rc < 0 && errlen) { /* its last error */
		errs[--errlen] = '\0';
		const char *last = strrchr(errs, '\n');
		snprintf(text, textlen, "%s", last ? last + 1 : errs);
	} else {
		snprintf(text, textlen, "%.*s", (int)strcspn(c.buf ? c.buf : "", "\n"), c.buf ? c.buf : "");
	}
	shell_capture_end(sh, &c, false);
	free(errs);
	if (sh->t != t) {
		snprintf(text, textlen, "the script opened another target; the monitor watches the one it started with");
		return -EXDEV;
	}
	return rc;
}

/* --opt VALUE or --opt=VALUE: 1 and *val set, 0 not this option, -1 no value */
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

static int cmd_monitor(struct shell *sh, int argc, char **argv)
{
	static bool running;
	struct monitor_config cfg = { .pace_ms = 100, .interrupt = &shell_interrupted };
	struct script script = { 0 };
	const char *v, *path = NULL;
	uint64_t n;
	int r, rc, sig;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			shell_help(sh, shell_cmd_find("monitor"));
			return 0;
		} else if ((r = opt_value(argc, argv, &i, "--script", &v))) {
			if (r < 0)
				return -EINVAL;
			path = v;
		} else if ((r = opt_value(argc, argv, &i, "--device", &v))) {
			if (r < 0)
				return -EINVAL;
			cfg.device = v;
		} else if ((r = opt_value(argc, argv, &i, "--storm", &v))) {
			if (r < 0 || shell_parse_size("monitor: --storm", v, &n))
				return -EINVAL;
			cfg.storm = true;
			cfg.storm_limit = n;
		} else if ((r = opt_value(argc, argv, &i, "--pace", &v))) {
			if (r < 0 || shell_parse_u64("monitor: --pace", v, &n))
				return -EINVAL;
			if (n > 3600000) {
				shell_error("monitor: --pace %s: at most 3600000 ms", v);
				return -EINVAL;
			}
			cfg.pace_ms = (unsigned)n;
		} else {
			shell_error("monitor: unknown option '%s' (monitor --help lists them)", a);
			return -EINVAL;
		}
	}
	if (monitor_left_out()) {
		shell_error("monitor: %s", monitor_left_out());
		return -ENOTSUP;
	}
	if (cfg.device) {
		/* refused now, not when S starts the storm */
		struct smmu_device *d = shell_device(sh, "monitor: --device", cfg.device);
		struct smmu_device_info di;
		if (!d)
			return -ENODEV;
		smmu_device_info(d, &di);
		if (!(di.caps & SMMU_DEV_STORM) || !di.unit) {
			shell_error("monitor: --device %s cannot raise fault storms, or no unit translates it "
				    "('devices' shows which can)", di.addr);
			return -ENODEV;
		}
	}
	if (running) {
		shell_error("monitor: already running");
		return -EBUSY;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		shell_error("monitor: needs a terminal on standard input and output; "
			    "'smmush trace' prints faults without one");
		return -ENOTTY;
	}
	if (path) {
		FILE *f = fopen(path, "r");
		if (!f) {
			shell_error("monitor: --script %s: %s", path, strerror(errno));
			return -errno;
		}
		unsigned bad = 0;
		errno = 0;
		rc = shell_script_read(f, keep_line, &script, &bad);
		fclose(f);
		if (rc) {
			script_free(&script);
			if (rc == -EILSEQ && bad)
				shell_error("monitor: --script %s:%u: a NUL byte in the line", path, bad);
			else
				shell_error("monitor: --script %s: %s", path, strerror(-rc));
			return rc;
		}
	}
	bool errexit = sh->errexit;
	sh->errexit = true; /* the script stops at its first failing line */
	if (!(cfg.t = shell_target(sh))) {
		sh->errexit = errexit;
		script_free(&script);
		return -ENODEV;
	}
	cfg.script_name = path;
	cfg.script = script.line;
	cfg.nscript = script.n;
	cfg.run_line = monitor_line;
	cfg.ctx = sh;

	/* The stop signals are the monitor's while it runs (shell_run holds
	 * them for other commands): they end it, the terminal comes back. */
	sigset_t stop, old;
	char err[320] = "";
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &stop, &old);
	running = true;
	rc = monitor_run(&cfg, NULL, &sig, err, sizeof(err));
	running = false;
	sh->errexit = errexit;
	script_free(&script);
	if (sig && !(sh->interactive && sig == SIGINT)) {
		/* the terminal is back: give the units back, then die of it */
		if (sh->t) {
			int e = smmu_target_release_all(sh->t);
			if (e)
				shell_lib_error("monitor", "releasing owned units", e);
			smmu_release_on_exit(NULL);
			smmu_target_close(sh->t);
			sh->t = NULL;
		}
		fflush(stdout);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	shell_interrupted = 0;
	if (rc)
		shell_error("monitor: %s", err);
	return rc;
}

#define MONITOR_HELP \
	"  --script FILE  run a smmush script beside the monitor, one command line a tick;\n" \
	"                 what each prints shows on the status line, an error stops it\n" \
	"  --pace MS      milliseconds between the script's command lines (default 100)\n" \
	"  --storm N      N faulting reads from a test device that can storm (sim's can;\n" \
	"                 0: until S stops it), drained as they come: counts stay exact\n" \
	"  --device DEV   the test device the storm uses (default: the first that can)\n" \
	"Needs a terminal; without one, 'smmush trace' prints faults instead.  / filters\n" \
	"with the language of trace --filter (see 'help trace')."

const struct shell_cmd shell_cmds_faults[] = {
	{ "faults", "[--explain] [--all] [--filter EXPR]",
	  "drain the fault sources; list new records (or all kept), with totals; +S.s is the time since the target started",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_faults, COMPLETE_WORDS, "--explain --all --filter", .details = FILTER_HELP },
	{ "trace", "[--count N] [--seconds S] [--filter EXPR]",
	  "stream faults live until Ctrl-C, N records or S seconds",
	  CMD_TARGET | CMD_OPENS_LATE, cmd_trace, COMPLETE_WORDS, "--count --seconds --filter", .details = FILTER_HELP },
	{ "storm", "DEVICE N [IOVA]", "make a device issue N one-byte DMA reads at IOVA (default 0x0)",
	  CMD_TARGET | CMD_WRITES_HW | CMD_OPENS_LATE, cmd_storm, COMPLETE_DEVICE },
	{ "monitor", "[--script FILE] [--pace MS] [--storm N] [--device DEV]",
	  "the live fault monitor: faults per device as they happen, each explained", 0, cmd_monitor,
	  COMPLETE_WORDS, "--script --pace --storm --device --help", .details = MONITOR_HELP,
	  .key_at = monitor_key_at },
	{ .name = NULL },
};
