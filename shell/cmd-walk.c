/* SPDX-License-Identifier: MIT */
/*
 * The architecture-neutral live-table commands: a device's whole
 * configuration chain (config), its mappings from the live page tables
 * (walk), and one address translated level by level (xlate).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "cmd-tables.h"

int cmd_config(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_config cfg;
	struct shell_capture cap;
	struct tbl_args a;
	char head[160];
	int rc;

	if (tbl_parse_args(sh, argc, argv, OPT_PASID, 1, 1, &a))
		return -EINVAL;
	if (!(d = tbl_device_arg(sh, "config", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_device_config(d, a.pasid_set, a.pasid, &cfg)))
		return shell_lib_error("config", di.addr, rc);
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("config", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_device(sh, &di, &ui, &a);
		tbl_json_steps(sh, &ui, &cfg);
		tbl_json_verdict(sh, &cfg);
		shell_device_reserved_json(sh, d);
		shell_json_end(sh);
	} else {
		tbl_device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s\n", head);
		for (unsigned i = 0; i < cfg.nsteps; i++) {
			fprintf(sh->out, "[%u] ", i + 1);
			tbl_text_step(sh, &ui, &cfg.step[i]);
		}
		tbl_text_verdict(sh, &ui, &cfg, "");
		shell_device_reserved_text(sh, "", d);
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}

/* walk: ranges, or every entry with --raw */
struct walk_out {
	struct shell *sh;
	unsigned granule;
	int digits;          /* hex digits of addresses */
	uint64_t ranges, bytes, empty;
};

static int walk_range(void *arg, const struct smmu_pgt_range *r)
{
	struct walk_out *w = arg;
	struct shell *sh = w->sh;
	char sz[24], perm[32];

	if (shell_stop())
		return -EINTR;
	w->ranges++;
	w->bytes += r->size;
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_khex(&sh->j, "iova", r->iova);
		smmu_json_khex(&sh->j, "pa", r->pa);
		smmu_json_khex(&sh->j, "size", r->size);
		tbl_perm_letters(perm, sizeof(perm), r->prot);
		smmu_json_kstr(&sh->j, "permissions", perm);
		smmu_json_kbool(&sh->j, "device", r->prot & SMMU_PROT_DEVICE);
		smmu_json_obj_end(&sh->j);
		return 0;
	}
	tbl_size_text(sz, sizeof(sz), r->size);
	tbl_perm_text(perm, sizeof(perm), r->prot);
	fprintf(sh->out, "0x%0*" PRIx64 "-0x%0*" PRIx64 " -> 0x%0*" PRIx64 "-0x%0*" PRIx64 "  %6s  %s\n", w->digits,
		r->iova, w->digits, r->iova + r->size - 1, w->digits, r->pa, w->digits, r->pa + r->size - 1, sz, perm);
	return 0;
}

static const char *entry_type(const struct walk_out *w, const struct smmu_pgt_entry *e)
{
	switch (e->type) {
	case SMMU_PGT_E_TABLE: return "table";
	case SMMU_PGT_E_LEAF: return e->size > w->granule ? "block" : "page";
	default: return "invalid";
	}
}

/* Statuses worth a warning line: the entry is not simply valid or empty. */
static bool entry_warns(const struct smmu_pgt_entry *e)
{
	return e->status != SMMU_PGT_OK && e->status != SMMU_PGT_F_INVALID;
}

static int walk_entry(void *arg, const struct smmu_pgt_entry *e)
{
	struct walk_out *w = arg;
	struct shell *sh = w->sh;
	char perm[32];

	if (shell_stop())
		return -EINTR;
	/* empty slots are most of every table: counted, not listed */
	if (e->type == SMMU_PGT_E_INVALID && !e->pte && !entry_warns(e)) {
		w->empty++;
		return 0;
	}
	if (sh->json) {
		smmu_json_obj_begin(&sh->j);
		smmu_json_key(&sh->j, "level");
		smmu_json_i64(&sh->j, e->level);
		smmu_json_ku64(&sh->j, "depth", e->depth);
		smmu_json_kstr(&sh->j, "type", entry_type(w, e));
		smmu_json_kstr(&sh->j, "kind", e->kind);
		smmu_json_khex(&sh->j, "iova", e->iova);
		smmu_json_key(&sh->j, "size"); /* null: a table that could not be read */
		e->kind || e->size ? smmu_json_hex(&sh->j, e->size) : smmu_json_null(&sh->j);
		smmu_json_khex(&sh->j, "table", e->table_pa);
		smmu_json_ku64(&sh->j, "index", e->index);
		smmu_json_khex(&sh->j, "entry_address", e->entry_pa);
		smmu_json_khex(&sh->j, "pte", e->pte);
		smmu_json_key(&sh->j, "address");
		e->type != SMMU_PGT_E_INVALID ? smmu_json_hex(&sh->j, e->addr) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "permissions");
		if (e->type == SMMU_PGT_E_LEAF) {
			tbl_perm_letters(perm, sizeof(perm), e->prot);
			smmu_json_str(&sh->j, perm);
		} else {
			smmu_json_null(&sh->j);
		}
		smmu_json_kstr(&sh->j, "status", smmu_pgt_fault_id(e->status));
		smmu_json_obj_end(&sh->j);
		return 0;
	}
	if (!e->kind && !e->size) { /* a table that could not be read: no entry, no range */
		fprintf(sh->out, "%*sL%d table at 0x%" PRIx64 ": %s\n", (int)e->depth * 2, "", e->level, e->table_pa,
			smmu_pgt_fault_name(e->status));
		return 0;
	}
	fprintf(sh->out, "%*sL%d 0x%0*" PRIx64 "-0x%0*" PRIx64 "  @0x%" PRIx64 "  0x%016" PRIx64 "  %s",
		(int)e->depth * 2, "", e->level, w->digits, e->iova, w->digits, e->iova + e->size - 1, e->entry_pa,
		e->pte, entry_type(w, e));
	if (e->type == SMMU_PGT_E_TABLE)
		fprintf(sh->out, " -> 0x%" PRIx64, e->addr);
	if (e->type == SMMU_PGT_E_LEAF) {
		tbl_perm_text(perm, sizeof(perm), e->prot);
		fprintf(sh->out, " -> 0x%" PRIx64 " %s", e->addr, perm);
	}
	fprintf(sh->out, "\n");
	if (entry_warns(e))
		fprintf(sh->out, "%*s  warning: %s\n", (int)e->depth * 2, "", smmu_pgt_fault_name(e->status));
	return 0;
}

static void walk_json_stats(struct shell *sh, const struct smmu_pgt_walk_stats *st, const struct walk_out *w,
			    bool raw)
{
	smmu_json_key(&sh->j, "stats");
	smmu_json_obj_begin(&sh->j);
	smmu_json_ku64(&sh->j, "entries", st->steps);
	smmu_json_ku64(&sh->j, "tables", st->tables);
	smmu_json_ku64(&sh->j, "leaves", st->leaves);
	if (raw) {
		smmu_json_ku64(&sh->j, "empty_not_listed", w->empty);
	} else {
		smmu_json_ku64(&sh->j, "ranges", w->ranges);
		smmu_json_khex(&sh->j, "mapped", w->bytes);
	}
	smmu_json_key(&sh->j, "status");
	smmu_json_obj_begin(&sh->j);
	for (int s = SMMU_PGT_F_INVALID; s < SMMU_PGT_F_MAX; s++)
		if (st->count[s])
			smmu_json_ku64(&sh->j, smmu_pgt_fault_id(s), st->count[s]);
	smmu_json_obj_end(&sh->j);
	smmu_json_obj_end(&sh->j);
}

/* Entries with something wrong, as warnings (text: lines; JSON: strings). */
static unsigned walk_warnings(struct shell *sh, const struct smmu_pgt_walk_stats *st)
{
	static const int worth[] = { SMMU_PGT_F_LOOP, SMMU_PGT_F_ALIAS, SMMU_PGT_F_TABLE_READ, SMMU_PGT_F_RESERVED,
				     SMMU_PGT_F_ADDR_SIZE, SMMU_PGT_F_ACCESS, SMMU_PGT_F_BUDGET };
	char msg[128];
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(worth) / sizeof(worth[0]); i++) {
		unsigned c = st->count[worth[i]];
		if (!c)
			continue;
		snprintf(msg, sizeof(msg), "%u entr%s: %s", c, c == 1 ? "y" : "ies", smmu_pgt_fault_name(worth[i]));
		if (sh->json)
			smmu_json_str(&sh->j, msg);
		else
			fprintf(sh->out, "warning: %s\n", msg);
		n++;
	}
	return n;
}

int cmd_walk(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_config cfg;
	struct smmu_pgt_walk_stats st;
	struct shell_capture cap;
	struct tbl_args a;
	uint64_t iova = 0, size = 0;
	char head[160];
	int rc;

	if (tbl_parse_args(sh, argc, argv, OPT_PASID | OPT_RAW, 1, 3, &a) ||
	    (a.npos > 1 && shell_parse_u64("walk", a.pos[1], &iova)) ||
	    (a.npos > 2 && shell_parse_size("walk", a.pos[2], &size)))
		return -EINVAL;
	if (a.npos > 2 && !size) {
		shell_error("walk: the size must not be 0");
		return -EINVAL;
	}
	if (a.npos > 2 && iova + size < iova) {
		shell_error("walk: 0x%" PRIx64 " + 0x%" PRIx64 " goes past the end of the address space", iova, size);
		return -ERANGE;
	}
	if (!(d = tbl_device_arg(sh, "walk", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_device_config(d, a.pasid_set, a.pasid, &cfg)))
		return shell_lib_error("walk", di.addr, rc);
	bool tables = cfg.verdict == SMMU_CFG_TRANSLATE;
	unsigned bits = cfg.pgt.ias > cfg.pgt.oas ? cfg.pgt.ias : cfg.pgt.oas ? cfg.pgt.oas : 48;
	struct walk_out w = { .sh = sh, .granule = cfg.pgt.granule ? cfg.pgt.granule : 4096,
			      .digits = bits > 64 ? 16 : (int)(bits + 3) / 4 };
	/* IOVA alone: from there to the end of the input space */
	if (tables && a.npos == 2) {
		if (cfg.pgt.ias >= 64 || iova < 1ull << cfg.pgt.ias) {
			size = cfg.pgt.ias >= 64 ? -iova : (1ull << cfg.pgt.ias) - iova;
		} else {
			shell_error("walk: 0x%" PRIx64 " is beyond the %u-bit input space", iova, cfg.pgt.ias);
			return -ERANGE;
		}
	}
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("walk", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_device(sh, &di, &ui, &a);
		smmu_json_khex(&sh->j, "iova", iova);
		smmu_json_key(&sh->j, "size"); /* null: the whole input space */
		size ? smmu_json_hex(&sh->j, size) : smmu_json_null(&sh->j);
		smmu_json_kbool(&sh->j, "raw", a.raw);
		tbl_json_verdict(sh, &cfg);
		smmu_json_key(&sh->j, a.raw ? "entries" : "ranges");
		smmu_json_arr_begin(&sh->j);
	} else {
		tbl_device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s\n", head);
		tbl_text_verdict(sh, &ui, &cfg, "");
	}
	memset(&st, 0, sizeof(st));
	rc = 0;
	if (tables) {
		if (a.raw)
			rc = smmu_walk_raw(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova,
					   size, walk_entry, &w, &st);
		else
			rc = smmu_list(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova, size, walk_range, &w, &st);
	}
	if (rc && rc != -SMMU_E_LOOP) {
		shell_capture_end(sh, &cap, false);
		return shell_lib_error("walk", rc == -EINTR ? "interrupted" : "walking the tables", rc);
	}
	if (sh->json) {
		smmu_json_arr_end(&sh->j);
		walk_json_stats(sh, &st, &w, a.raw);
		smmu_json_key(&sh->j, "warnings");
		smmu_json_arr_begin(&sh->j);
		walk_warnings(sh, &st);
		smmu_json_arr_end(&sh->j);
		smmu_json_kbool(&sh->j, "complete", !rc);
		shell_json_end(sh);
	} else if (tables) {
		char sz[24];
		tbl_size_text(sz, sizeof(sz), w.bytes);
		if (!a.raw)
			fprintf(sh->out, "%" PRIu64 " range%s, %s mapped; ", w.ranges, w.ranges == 1 ? "" : "s", sz);
		fprintf(sh->out, "%" PRIu64 " entries visited in %" PRIu64 " table%s, %" PRIu64 " lea%s",
			(uint64_t)st.steps, (uint64_t)st.tables, st.tables == 1 ? "" : "s", (uint64_t)st.leaves,
			st.leaves == 1 ? "f" : "ves");
		if (a.raw)
			fprintf(sh->out, " (%" PRIu64 " empty not shown)", w.empty);
		fprintf(sh->out, "\n");
		walk_warnings(sh, &st);
	}
	shell_capture_end(sh, &cap, true);
	if (rc == -SMMU_E_LOOP) {
		shell_error("walk: %s: %s: the listing above is incomplete", di.addr,
			    st.count[SMMU_PGT_F_BUDGET]
				    ? "the walk ran out of its step budget"
				    : "its tables loop back to a table on the path (not followed again)");
		return rc;
	}
	return 0;
}

/* "r", "w", "x", combined, and "p" for a privileged request: SMMU_PROT_* bits. */
static int parse_access(const char *s, unsigned *acc)
{
	*acc = 0;
	for (const char *p = s; *p; p++) {
		unsigned bit = *p == 'r' ? SMMU_PROT_R : *p == 'w' ? SMMU_PROT_W : *p == 'x' ? SMMU_PROT_X
			     : *p == 'p' ? SMMU_PROT_PRIV : 0;
		if (!bit || (*acc & bit)) {
			shell_error("xlate: access '%s' is not r, w or x (with p for a privileged request)", s);
			return -EINVAL;
		}
		*acc |= bit;
	}
	if (!(*acc & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X))) {
		shell_error("xlate: access '%s' names no r, w or x", s);
		return -EINVAL;
	}
	return 0;
}

static const char *access_text(unsigned acc)
{
	static char buf[32];

	if (!acc)
		return "look up";
	snprintf(buf, sizeof(buf), "%s%s%s%s", acc & SMMU_PROT_R ? "read " : "", acc & SMMU_PROT_W ? "write " : "",
		 acc & SMMU_PROT_X ? "exec " : "", acc & SMMU_PROT_PRIV ? "privileged " : "");
	buf[strlen(buf) - 1] = '\0';
	return buf;
}

/* Nested translation: one stage-2 walk (of a stage-1 table read or of the output). */
static const char *stop_id(enum smmu_stop st)
{
	switch (st) {
	case SMMU_STOP_WALK: return "walk";
	case SMMU_STOP_FETCH: return "stage2_table_read";
	case SMMU_STOP_FETCH_READ: return "table_read";
	case SMMU_STOP_OUTPUT: return "stage2_output";
	default: return NULL;
	}
}

static void json_levels(struct shell *sh, const struct smmu_pgt_xlate *x)
{
	smmu_json_arr_begin(&sh->j);
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct smmu_pgt_step *s = &x->step[i];
		smmu_json_obj_begin(&sh->j);
		smmu_json_key(&sh->j, "level");
		smmu_json_i64(&sh->j, s->level);
		smmu_json_khex(&sh->j, "table", s->table_pa);
		smmu_json_ku64(&sh->j, "index", s->index);
		smmu_json_khex(&sh->j, "entry_address", s->entry_pa);
		smmu_json_khex(&sh->j, "pte", s->pte);
		smmu_json_kstr(&sh->j, "kind", s->kind);
		if (s->kind) {
			smmu_json_key(&sh->j, "decoded");
			shell_render(sh, s->kind, &s->pte, 0);
		}
		smmu_json_obj_end(&sh->j);
	}
	smmu_json_arr_end(&sh->j);
}

static void json_stage2(struct shell *sh, const char *key, uint64_t ipa, const struct smmu_pgt_xlate *x)
{
	char perm[32];

	smmu_json_key(&sh->j, key);
	smmu_json_obj_begin(&sh->j);
	smmu_json_khex(&sh->j, "ipa", ipa);
	smmu_json_key(&sh->j, "levels");
	json_levels(sh, x);
	smmu_json_kbool(&sh->j, "translated", x->fault == SMMU_PGT_OK);
	smmu_json_key(&sh->j, "pa");
	x->fault == SMMU_PGT_OK ? smmu_json_hex(&sh->j, x->oa) : smmu_json_null(&sh->j);
	smmu_json_kstr(&sh->j, "fault", x->fault ? smmu_pgt_fault_id(x->fault) : NULL);
	tbl_perm_letters(perm, sizeof(perm), x->perm_missing);
	smmu_json_kstr(&sh->j, "missing", x->fault == SMMU_PGT_F_PERM ? perm : NULL);
	smmu_json_obj_end(&sh->j);
}

static void text_stage2(struct shell *sh, const char *indent, uint64_t ipa, const struct smmu_pgt_xlate *x)
{
	char line[512], perm[32];

	fprintf(sh->out, "%sstage 2: IPA 0x%" PRIx64, indent, ipa);
	if (x->fault == SMMU_PGT_OK)
		fprintf(sh->out, " -> PA 0x%" PRIx64 "\n", x->oa);
	else if (x->fault == SMMU_PGT_F_PERM)
		tbl_perm_text(perm, sizeof(perm), x->perm_missing),
		fprintf(sh->out, ": stopped at level %d: it does not allow %s\n", x->fault_level, perm);
	else
		fprintf(sh->out, ": stopped%s%s: %s\n", x->nsteps ? " at level " : "",
			x->nsteps ? (snprintf(perm, sizeof(perm), "%d", x->fault_level), perm) : "",
			smmu_pgt_fault_name(x->fault));
	for (unsigned i = 0; i < x->nsteps; i++) {
		const struct smmu_pgt_step *s = &x->step[i];
		if (s->kind)
			tbl_oneline(line, sizeof(line), s->kind, &s->pte);
		fprintf(sh->out, "%s  level %d  table 0x%" PRIx64 "  index %-3u  entry 0x%" PRIx64 "  pte 0x%016" PRIx64
			"  %s: %s\n", indent, s->level, s->table_pa, s->index, s->entry_pa, s->pte,
			s->kind ? s->kind : "-", s->kind ? line : "(not read)");
	}
}

int cmd_xlate(struct shell *sh, int argc, char **argv)
{
	struct smmu_device_info di;
	struct smmu_unit_info ui;
	struct smmu_device *d;
	struct smmu_translation tr;
	struct smmu_explain ex;
	struct shell_capture cap;
	struct tbl_args a;
	uint64_t iova;
	unsigned acc = 0;
	char head[160], line[512], perm[32], sz[24];
	int rc;

	if (tbl_parse_args(sh, argc, argv, OPT_PASID, 2, 3, &a) || shell_parse_u64("xlate", a.pos[1], &iova) ||
	    (a.npos > 2 && parse_access(a.pos[2], &acc)))
		return -EINVAL;
	if (!(d = tbl_device_arg(sh, "xlate", a.pos[0], &di, &ui)))
		return -ENODEV;
	if ((rc = smmu_translate(di.unit, &(struct smmu_stream){ di.sid, a.pasid_set, a.pasid }, iova, acc, &tr)))
		return shell_lib_error("xlate", di.addr, rc);
	const struct smmu_config *cfg = &tr.cfg;
	const struct smmu_pgt_xlate *x = &tr.x;
	/* a walk that stopped is explained the way a fault is */
	ex.text[0] = '\0';
	if (!tr.ok && tr.walked) {
		struct smmu_fault f = { .unit = di.unit, .dev = d, .stream = { di.sid, a.pasid_set, a.pasid },
					.addr = iova, .access = acc };
		if ((rc = smmu_fault_explain(sh->t, &f, &ex)))
			return shell_lib_error("xlate", di.addr, rc);
	} else if (tr.ok && tr.walked) {
		tbl_size_text(sz, sizeof(sz), x->page_size);
		tbl_perm_text(perm, sizeof(perm), x->prot);
		snprintf(ex.text, sizeof(ex.text), "0x%" PRIx64 " -> 0x%" PRIx64 " (%s %s, %s)", iova, tr.pa, sz,
			 x->page_size > (cfg->pgt.granule ? cfg->pgt.granule : 4096) ? "block" : "page", perm);
	} else if (tr.ok) {
		snprintf(ex.text, sizeof(ex.text), "0x%" PRIx64 " -> 0x%" PRIx64 " untranslated (bypass)", iova, tr.pa);
	} else {
		tbl_code_words(head, sizeof(head), &ui, cfg);
		snprintf(ex.text, sizeof(ex.text), "stopped in the configuration (%s): %s%s",
			 smmu_cfg_verdict_name(cfg->verdict), cfg->reason, head);
	}
	if ((rc = shell_capture_begin(sh, &cap)))
		return shell_lib_error("xlate", "output", rc);
	if (sh->json) {
		shell_json_begin(sh);
		tbl_json_device(sh, &di, &ui, &a);
		smmu_json_khex(&sh->j, "iova", iova);
		tbl_perm_letters(perm, sizeof(perm), acc);
		smmu_json_kstr(&sh->j, "access", perm);
		smmu_json_key(&sh->j, "config");
		smmu_json_obj_begin(&sh->j);
		tbl_json_steps(sh, &ui, cfg);
		tbl_json_verdict(sh, cfg);
		smmu_json_obj_end(&sh->j);
		smmu_json_kbool(&sh->j, "nested", cfg->nested);
		smmu_json_key(&sh->j, "levels");
		smmu_json_arr_begin(&sh->j);
		for (unsigned i = 0; tr.walked && i < x->nsteps; i++) {
			const struct smmu_pgt_step *s = &x->step[i];
			smmu_json_obj_begin(&sh->j);
			smmu_json_key(&sh->j, "level");
			smmu_json_i64(&sh->j, s->level);
			smmu_json_khex(&sh->j, "table", s->table_pa);
			smmu_json_ku64(&sh->j, "index", s->index);
			smmu_json_khex(&sh->j, "entry_address", s->entry_pa);
			/* no kind: the table could not be read, there is no entry */
			smmu_json_kbool(&sh->j, "table_readable", s->kind);
			smmu_json_key(&sh->j, "pte");
			s->kind ? smmu_json_hex(&sh->j, s->pte) : smmu_json_null(&sh->j);
			smmu_json_kstr(&sh->j, "kind", s->kind);
			smmu_json_key(&sh->j, "decoded");
			if (s->kind)
				shell_render(sh, s->kind, &s->pte, 0);
			else
				smmu_json_null(&sh->j);
			/* nested: the table read went through stage 2 */
			if (cfg->nested && i < tr.nfetch)
				json_stage2(sh, "stage2", s->entry_pa, &tr.s2_fetch[i]);
			smmu_json_obj_end(&sh->j);
		}
		smmu_json_arr_end(&sh->j);
		if (tr.s2_walked)
			json_stage2(sh, "stage2_output", tr.ipa, &tr.s2);
		smmu_json_key(&sh->j, "result");
		smmu_json_obj_begin(&sh->j);
		smmu_json_kbool(&sh->j, "translated", tr.ok);
		smmu_json_key(&sh->j, "pa");
		tr.ok ? smmu_json_hex(&sh->j, tr.pa) : smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "page_size");
		tr.ok && tr.walked ? smmu_json_hex(&sh->j, x->page_size) : smmu_json_null(&sh->j);
		tbl_perm_letters(perm, sizeof(perm), x->prot);
		smmu_json_kstr(&sh->j, "permissions", tr.ok && tr.walked ? perm : NULL);
		smmu_json_kstr(&sh->j, "stopped_in", tr.ok ? NULL : tr.walked ? "tables" : "config");
		smmu_json_kstr(&sh->j, "stop", tr.ok ? NULL : stop_id(tr.stop));
		smmu_json_key(&sh->j, "stage");
		if (!tr.ok && tr.walked && cfg->nested)
			smmu_json_i64(&sh->j, tr.stop == SMMU_STOP_WALK || tr.stop == SMMU_STOP_FETCH_READ ? 1 : 2);
		else
			smmu_json_null(&sh->j);
		smmu_json_key(&sh->j, "ipa");
		cfg->nested && tr.walked && tr.x.fault == SMMU_PGT_OK ? smmu_json_hex(&sh->j, tr.ipa) : smmu_json_null(&sh->j);
		smmu_json_kstr(&sh->j, "fault", !tr.ok && tr.walked ? smmu_pgt_fault_id(x->fault) : NULL);
		smmu_json_key(&sh->j, "fault_level");
		!tr.ok && tr.walked ? smmu_json_i64(&sh->j, x->fault_level) : smmu_json_null(&sh->j);
		tbl_perm_letters(perm, sizeof(perm), x->perm_missing);
		smmu_json_kstr(&sh->j, "missing", !tr.ok && x->fault == SMMU_PGT_F_PERM ? perm : NULL);
		tbl_json_denied_by(&sh->j, !tr.ok && x->fault == SMMU_PGT_F_PERM ? x : NULL);
		smmu_json_kstr(&sh->j, "explanation", ex.text);
		smmu_json_obj_end(&sh->j);
		shell_json_end(sh);
	} else {
		tbl_device_words(head, sizeof(head), &di, &ui, &a);
		fprintf(sh->out, "%s: IOVA 0x%" PRIx64 ", %s\nconfig:\n", head, iova, access_text(acc));
		for (unsigned i = 0; i < cfg->nsteps; i++)
			tbl_text_step_line(sh, &ui, &cfg->step[i], "  ");
		tbl_text_verdict(sh, &ui, cfg, "  ");
		if (tr.walked && x->nsteps) {
			fprintf(sh->out, "%s:\n", cfg->nested ? "walk (stage 1, tables at IPAs)" : "walk");
			for (unsigned i = 0; i < x->nsteps; i++) {
				const struct smmu_pgt_step *s = &x->step[i];
				if (!s->kind) { /* the table could not be read: the result says why */
					fprintf(sh->out, "  level %d  table 0x%" PRIx64 "  index %-3u  entry 0x%" PRIx64
						"  unreadable\n", s->level, s->table_pa, s->index, s->entry_pa);
				} else {
					tbl_oneline(line, sizeof(line), s->kind, &s->pte);
					fprintf(sh->out, "  level %d  table 0x%" PRIx64 "  index %-3u  entry 0x%" PRIx64
						"  pte 0x%016" PRIx64 "  %s: %s\n", s->level, s->table_pa, s->index,
						s->entry_pa, s->pte, s->kind, line);
				}
				if (cfg->nested && i < tr.nfetch)
					text_stage2(sh, "    ", s->entry_pa, &tr.s2_fetch[i]);
			}
		}
		if (tr.s2_walked) {
			fprintf(sh->out, "output (stage 2):\n");
			text_stage2(sh, "  ", tr.ipa, &tr.s2);
		}
		if (!tr.ok && tr.walked && cfg->nested)
			fprintf(sh->out, "stopped in: stage %d (%s)\n", tr.stop == SMMU_STOP_WALK || tr.stop == SMMU_STOP_FETCH_READ ? 1 : 2,
				tr.stop == SMMU_STOP_WALK ? "its walk"
				: tr.stop == SMMU_STOP_OUTPUT ? "the output address"
				: tr.stop == SMMU_STOP_FETCH ? "a stage-1 table read"
							     : "a stage-1 table read failed at its physical address");
		fprintf(sh->out, "result: %s%s\n", tr.ok ? "" : "fault: ", ex.text);
	}
	shell_capture_end(sh, &cap, true);
	return 0;
}
