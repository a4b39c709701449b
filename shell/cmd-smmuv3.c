/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 live structures: ste, cd (one requester's, through the library's
 * live configuration) and strtab (every valid STE, through the library's
 * stream-table visitor).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-tables.h"

/* StreamID and SubstreamID widths: what the unit can have at all. */
static int unit_ids(struct smmu_unit *u, const char *cmd, struct smmu_unit_status *us)
{
	int rc = smmu_unit_status(u, us);

	return rc ? shell_lib_error(cmd, "reading the unit", rc) : 0;
}

static int check_sid(const char *cmd, const struct smmu_unit_info *ui, uint64_t sid, unsigned sidsize)
{
	if (sidsize < 64 && sid >> sidsize) {
		shell_error("%s: StreamID 0x%" PRIx64 " is beyond %s's %u-bit StreamIDs: it has no STE", cmd, sid,
			    ui->name, sidsize);
		return -ERANGE;
	}
	return 0;
}

static int strtab_of(struct smmu_unit *u, const char *cmd, struct smmu_strtab *st)
{
	int rc = smmu_strtab_info(u, st);

	return rc ? shell_lib_error(cmd, "reading registers", rc) : 0;
}

/* The StreamID lies beyond the stream table in use: not a question the table answers. */
static int check_log2size(const char *cmd, const struct smmu_strtab *st, uint64_t sid)
{
	if (!st->enabled || st->log2size >= 32 || !(sid >> st->log2size))
		return 0;
	shell_error("%s: StreamID 0x%" PRIx64 " is beyond the stream table (LOG2SIZE=%u): it has no STE", cmd, sid,
		    st->log2size);
	return -ERANGE;
}

/* "2-level stream table at 0x7f000000 (LOG2SIZE=16, SPLIT=8)", as programmed. */
static void strtab_words(char *buf, size_t n, const struct smmu_strtab *st)
{
	if (!st->enabled)
		snprintf(buf, n, "no stream table in use");
	else if (st->two_level)
		snprintf(buf, n, "2-level stream table at 0x%" PRIx64 " (LOG2SIZE=%u, SPLIT=%u)", st->base,
			 st->log2size, st->split);
	else
		snprintf(buf, n, "linear stream table at 0x%" PRIx64 " (LOG2SIZE=%u)", st->base, st->log2size);
}

static void json_strtab(struct shell *sh, const struct smmu_strtab *st)
{
	smmu_json_key(&sh->j, "stream_table");
	if (!st->enabled) {
		smmu_json_null(&sh->j);
		return;
	}
	smmu_json_obj_begin(&sh->j);
	smmu_json_khex(&sh->j, "base", st->base);
	smmu_json_kstr(&sh->j, "format", st->two_level ? "2-level" : "linear");
	smmu_json_ku64(&sh->j, "log2size", st->log2size);
	smmu_json_key(&sh->j, "split");
	if (st->two_level)
		smmu_json_u64(&sh->j, st->split);
	else
		smmu_json_null(&sh->j);
	smmu_json_obj_end(&sh->j);
}

int cmd_ste(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit_status us;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct smmu_strtab st;
	struct shell_capture cap;
	uint64_t sid;
	struct tbl_args a;
	char where[128];
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 1, 1, &a) || shell_parse_u64("ste", a.pos[0], &sid))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "ste", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = unit_ids(u, "ste", &us)) || (rc = check_sid("ste", &ui, sid, us.sid_bits)))
		return rc;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ sid, false, 0 }, &cfg)))
		return shell_lib_error("ste", ui.name, rc);
	if ((rc = strtab_of(u, "ste", &st)) || (rc = check_log2size("ste", &st, sid)))
		return rc;
	const struct smmu_cfg_step *l1 = smmu_config_step(&cfg, SMMU_CS_L1_STD);
	const struct smmu_cfg_step *ste = smmu_config_step(&cfg, SMMU_CS_STE);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("ste", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "sid", sid);
		json_strtab(sh, &st);
		tbl_json_kstep(sh, "l1_descriptor", &ui, l1);
		tbl_json_kstep(sh, "ste", &ui, ste);
		tbl_json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		strtab_words(where, sizeof(where), &st);
		fprintf(sh->out, "StreamID 0x%" PRIx64 " on %s: %s\n", sid, ui.name, where);
		if (l1)
			tbl_text_step(sh, &ui, l1);
		if (ste)
			tbl_text_step(sh, &ui, ste);
		else
			fprintf(sh->out, "StreamID 0x%" PRIx64 " has no STE\n", sid);
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

int cmd_cd(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit_status us;
	struct smmu_unit *u;
	struct smmu_config cfg;
	struct smmu_strtab st;
	struct shell_capture cap;
	uint64_t sid, ssid = 0;
	struct tbl_args a;
	int rc;

	if (tbl_parse_args(sh, argc, argv, 0, 1, 2, &a) || shell_parse_u64("cd", a.pos[0], &sid) ||
	    (a.npos > 1 && shell_parse_u64("cd", a.pos[1], &ssid)))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "cd", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = unit_ids(u, "cd", &us)) || (rc = check_sid("cd", &ui, sid, us.sid_bits)))
		return rc;
	if (a.npos > 1 && ssid >> us.ssid_bits) {
		shell_error("cd: SubstreamID 0x%" PRIx64 " is beyond %s's %u-bit SubstreamIDs", ssid, ui.name,
			    us.ssid_bits);
		return -ERANGE;
	}
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ sid, a.npos > 1, ssid }, &cfg)))
		return shell_lib_error("cd", ui.name, rc);
	if ((rc = strtab_of(u, "cd", &st)) || (rc = check_log2size("cd", &st, sid)))
		return rc;
	const struct smmu_cfg_step *ste = smmu_config_step(&cfg, SMMU_CS_STE);
	const struct smmu_cfg_step *l1 = smmu_config_step(&cfg, SMMU_CS_L1_CD);
	const struct smmu_cfg_step *cd = smmu_config_step(&cfg, SMMU_CS_CD);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("cd", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_khex(&sh->j, "sid", sid);
		smmu_json_key(&sh->j, "ssid");
		if (a.npos > 1)
			smmu_json_u64(&sh->j, ssid);
		else
			smmu_json_null(&sh->j);
		tbl_json_kstep(sh, "ste", &ui, ste);
		tbl_json_kstep(sh, "l1_cd", &ui, l1);
		tbl_json_kstep(sh, "cd", &ui, cd);
		tbl_json_verdict(sh, &cfg);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "StreamID 0x%" PRIx64, sid);
		if (a.npos > 1)
			fprintf(sh->out, ", SubstreamID 0x%" PRIx64, ssid);
		else
			fprintf(sh->out, " (no SubstreamID)");
		fprintf(sh->out, " on %s\n", ui.name);
		if (ste)
			tbl_text_step_line(sh, &ui, ste, "via ");
		if (l1)
			tbl_text_step(sh, &ui, l1);
		if (cd)
			tbl_text_step(sh, &ui, cd);
		else
			fprintf(sh->out, "no CD\n");
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* strtab: one row per run of identical, consecutive valid STEs (--all: per STE). */
struct strtab_walk {
	struct shell *sh;
	struct smmu_unit *u;
	bool all;
	uint64_t valid, nl2;
	/* the open run */
	bool open;
	uint64_t first, count, addr;
	uint64_t words[8];
	struct smmu_ste_info ste;
	char *warn[16];
	unsigned nwarn;
};

static void strtab_warn(struct strtab_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void strtab_warn(struct strtab_walk *w, const char *fmt, ...)
{
	va_list ap;
	char buf[192];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w->nwarn < 16)
		w->warn[w->nwarn++] = strdup(buf);
}

static void strtab_row(struct strtab_walk *w)
{
	struct shell *sh = w->sh;
	const struct smmu_ste_info *ste = &w->ste;
	char ebuf[16], ctx[64] = "-", id[48] = "-", sids[40];
	const char *cname = ste->config_name;
	bool s1 = ste->s1, s2 = ste->s2;
	uint64_t ctxptr = ste->s1_context_ptr, s2ttb = ste->s2ttb, vmid = ste->vmid;
	bool have_asid = false;
	uint32_t asid = 0;

	if (!w->open)
		return;
	w->open = false;
	if (!cname) {
		snprintf(ebuf, sizeof(ebuf), "??%u", ste->config);
		cname = ebuf;
	}
	if (s1) {
		/* the ASID lives in the CD: the library finds it the way the SMMU would */
		struct smmu_config cfg;
		have_asid = !smmu_unit_config(w->u, &(struct smmu_stream){ w->first, false, 0 }, &cfg) &&
			    !smmu_config_asid(&cfg, &asid);
	}
	if (w->count > 1)
		snprintf(sids, sizeof(sids), "0x%04" PRIx64 "-0x%04" PRIx64, w->first, w->first + w->count - 1);
	else
		snprintf(sids, sizeof(sids), "0x%04" PRIx64, w->first);
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "sid", w->first);
		smmu_json_ku64(&sh->j, "count", w->count);
		smmu_json_khex(&sh->j, "address", w->addr);
		smmu_json_kstr(&sh->j, "config", cname);
		smmu_json_key(&sh->j, "s1_context_ptr");
		s1 ? smmu_json_hex(&sh->j, ctxptr) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "asid");
		have_asid ? smmu_json_u64(&sh->j, asid) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "s2ttb");
		s2 ? smmu_json_hex(&sh->j, s2ttb) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "vmid");
		s2 ? smmu_json_u64(&sh->j, vmid) : smmu_json_null(&sh->j);
		smmu_json_obj_end(&sh->j);
		return;
	}
	if (s1 && s2) {
		snprintf(ctx, sizeof(ctx), "CD 0x%" PRIx64 " S2TTB 0x%" PRIx64, ctxptr, s2ttb);
		snprintf(id, sizeof(id), "ASID %s%" PRIu32 " VMID %" PRIu64, have_asid ? "" : "?", asid, vmid);
	} else if (s1) {
		snprintf(ctx, sizeof(ctx), "CD 0x%" PRIx64, ctxptr);
		if (have_asid)
			snprintf(id, sizeof(id), "ASID %" PRIu32, asid);
	} else if (s2) {
		snprintf(ctx, sizeof(ctx), "S2TTB 0x%" PRIx64, s2ttb);
		snprintf(id, sizeof(id), "VMID %" PRIu64, vmid);
	}
	fprintf(sh->out, "%-14s 0x%-10" PRIx64 " %-9s %-26s %s\n", sids, w->addr, cname, ctx, id);
}

/* One valid STE: it joins the open run or starts one.  Runs are of
 * consecutive StreamIDs, so an invalid STE between two ends a run. */
static void strtab_ste(struct strtab_walk *w, const struct smmu_strtab_entry *e)
{
	w->valid++;
	if (w->open && !w->all && e->index == w->first + w->count && !memcmp(e->words, w->words, 64)) {
		w->count++;
		return;
	}
	strtab_row(w);
	w->open = true;
	w->first = e->index;
	w->count = 1;
	w->addr = e->addr;
	memcpy(w->words, e->words, 64);
	w->ste = e->ste;
}

/* STEs, then each level-1 descriptor after its level-2 table. */
static int strtab_entry(void *arg, const struct smmu_strtab_entry *e)
{
	struct strtab_walk *w = arg;

	if (shell_stop())
		return -EINTR;
	if (e->type == SMMU_STRTAB_STE) {
		strtab_ste(w, e);
		return 0;
	}
	if (e->status == SMMU_PGT_F_RESERVED) {
		strtab_warn(w, "L1 descriptor %" PRIu64 " at 0x%" PRIx64 " has a reserved Span (%u)", e->index,
			    e->addr, e->span);
		return 0;
	}
	w->nl2++;
	if (e->status == SMMU_PGT_F_TABLE_READ)
		strtab_warn(w, "the level-2 table of L1 descriptor %" PRIu64 " at 0x%" PRIx64 " cannot be read: %s",
			    e->index, e->l2_table, smmu_strerror(e->err));
	return 0;
}

int cmd_strtab(struct shell *sh, int argc, char **argv)
{
	struct smmu_unit_info ui;
	struct smmu_unit *u;
	struct smmu_strtab st;
	struct shell_capture cap;
	struct tbl_args a;
	int rc;

	if (tbl_parse_args(sh, argc, argv, OPT_ALL, 0, 0, &a))
		return -EINVAL;
	if (!(u = tbl_arch_unit(sh, "strtab", SMMU_ARCH_SMMUV3, &ui)))
		return -ENODEV;
	if ((rc = strtab_of(u, "strtab", &st)))
		return rc;
	struct strtab_walk w = { .sh = sh, .u = u, .all = a.all };

	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("strtab", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_unit(sh, &ui);
		smmu_json_kbool(&sh->j, "smmu_enabled", st.enabled);
		smmu_json_khex(&sh->j, "base", st.base);
		smmu_json_kstr(&sh->j, "format", st.two_level ? "2-level" : "linear");
		smmu_json_ku64(&sh->j, "log2size", st.log2size);
		smmu_json_key(&sh->j, "split");
		st.two_level ? smmu_json_u64(&sh->j, st.l2_bits) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "entries");
		smmu_json_arr_begin(&sh->j);
	} else {
		fprintf(sh->out, "%s: %s stream table at 0x%" PRIx64 ", LOG2SIZE=%u", ui.name,
			st.two_level ? "2-level" : "linear", st.base, st.log2size);
		if (st.two_level)
			fprintf(sh->out, ", SPLIT=%u", st.l2_bits);
		fprintf(sh->out, "%s\n", st.enabled ? "" : " (SMMUEN=0: not in use)");
		fprintf(sh->out, "%-14s %-12s %-9s %-26s %s\n", "SID", "STE", "CONFIG", "TABLES", "ASID/VMID");
	}
	rc = smmu_strtab_walk(u, 0, strtab_entry, &w);
	strtab_row(&w);
	if (rc && rc != -EINTR && !st.enabled) {
		/* a table the SMMU does not use may well be garbage: say so, do not fail */
		strtab_warn(&w, "the stream table at 0x%" PRIx64 " cannot be read: %s", st.base, smmu_strerror(rc));
		rc = 0;
	}
	if (rc) {
		shell_capture_end(sh, &cap, false);
		for (unsigned i = 0; i < w.nwarn; i++)
			free(w.warn[i]);
		return shell_lib_error("strtab", rc == -EINTR ? "interrupted" : "reading the stream table", rc);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		smmu_json_ku64(&sh->j, "valid_stes", w.valid);
		smmu_json_key(&sh->j, "l1_descriptors");
		st.two_level ? smmu_json_u64(&sh->j, st.l1_count) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "l2_tables");
		st.two_level ? smmu_json_u64(&sh->j, w.nl2) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "warnings");
		smmu_json_arr_begin(&sh->j);
		for (unsigned i = 0; i < w.nwarn; i++)
			smmu_json_str(&sh->j, w.warn[i]);
		smmu_json_arr_end(&sh->j);
		shell_json_end(sh);
	} else {
		for (unsigned i = 0; i < w.nwarn; i++)
			fprintf(sh->out, "warning: %s\n", w.warn[i]);
		fprintf(sh->out, "%" PRIu64 " valid STE%s", w.valid, w.valid == 1 ? "" : "s");
		if (st.two_level)
			fprintf(sh->out, "; %" PRIu64 " of %" PRIu64 " L1 descriptors have level-2 tables", w.nl2,
				st.l1_count);
		fprintf(sh->out, "\n");
	}
	for (unsigned i = 0; i < w.nwarn; i++)
		free(w.warn[i]);
	shell_capture_end(sh, &cap, true);
	return 0;
}
