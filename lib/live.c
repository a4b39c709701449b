/* SPDX-License-Identifier: MIT */
/* Live configuration, translation through live tables, and fault explanation. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/live.h"

/* stage-1 LPAE descriptor fields, for lpae_s1_rights() */
#define SMMU_DEF "decoders/pgtable.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

static struct smmu_cfg_step *new_step(struct smmu_config *cfg)
{
	if (cfg->nsteps == SMMU_CFG_MAX_STEPS)
		return NULL;
	return memset(&cfg->step[cfg->nsteps++], 0, sizeof(cfg->step[0]));
}

void cfg_reg(struct smmu_config *cfg, const char *what, const char *kind, uint32_t off, uint64_t v)
{
	struct smmu_cfg_step *s = new_step(cfg);

	if (s)
		*s = (struct smmu_cfg_step){ .what = what, .kind = kind, .addr = off, .reg = true,
					     .nwords = 1, .words = { v } };
}

void cfg_end(struct smmu_config *cfg, enum smmu_cfg_verdict v, uint32_t code, const char *code_name,
	     const char *fmt, ...)
{
	va_list ap;

	cfg->verdict = v;
	cfg->code = code;
	cfg->code_name = code_name;
	va_start(ap, fmt);
	vsnprintf(cfg->reason, sizeof(cfg->reason), fmt, ap);
	va_end(ap);
}

const char *cfg_where(struct smmu_unit *u, uint64_t pa, char *buf, size_t len)
{
	char ram[96];

	if (smmu_target_is_ram(u->t, pa, 8) != 0)
		return ""; /* RAM, or a target that cannot tell */
	snprintf(buf, len, ": not RAM, RAM is %s", smmu_target_ram_words(u->t, ram, sizeof(ram)));
	return buf;
}

int cfg_read(struct smmu_unit *u, struct smmu_config *cfg, const char *what, const char *kind,
	     uint64_t pa, unsigned nwords, const uint64_t **words)
{
	struct smmu_cfg_step *s = new_step(cfg);
	int rc;

	if (!s) {
		cfg_end(cfg, SMMU_CFG_FAULT, 0, NULL, "too many structures on the way");
		return -E2BIG;
	}
	*s = (struct smmu_cfg_step){ .what = what, .kind = kind, .addr = pa, .nwords = nwords };
	rc = smmu_mem_read(u->t, pa, s->words, nwords * 8);
	if (rc) {
		char ram[96];
		cfg->nsteps--;
		cfg_end(cfg, SMMU_CFG_FAULT, 0, NULL, "cannot read the %s at 0x%" PRIx64 ": %s%s%s", what, pa,
			smmu_strerror(rc), rc == -SMMU_E_NOTRAM ? ", RAM is " : "",
			rc == -SMMU_E_NOTRAM ? smmu_target_ram_words(u->t, ram, sizeof(ram)) : "");
		return -EFAULT;
	}
	*words = s->words;
	return 0;
}

int smmu_unit_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = smmu_unit_bind(u)))
		return rc;
	rc = u->ops->config(u, s, cfg);
	/* a structure that could not be read is an answer, not an error */
	return rc == -EFAULT || rc == -E2BIG ? 0 : rc;
}

int smmu_device_config(struct smmu_device *d, bool ssv, uint32_t ssid, struct smmu_config *cfg)
{
	if (!d->info.unit)
		return -ENOENT;
	struct smmu_stream s = { .sid = d->info.sid, .ssv = ssv, .ssid = ssid };

	return smmu_unit_config(d->info.unit, &s, cfg);
}

static int open_tables(struct smmu_unit *u, const struct smmu_config *cfg, struct smmu_pgt **p)
{
	return smmu_pgt_open_live(&cfg->pgt, &u->t->mem, cfg->root, p);
}


int live_walk(struct smmu_unit *u, const struct smmu_pgt_cfg *pc, uint64_t root, uint64_t lin,
	      unsigned access, struct smmu_translation *out)
{
	struct smmu_pgt *p;
	int rc;

	if ((rc = smmu_pgt_open_live(pc, &u->t->mem, root, &p))) {
		cfg_end(&out->cfg, SMMU_CFG_FAULT, 0, NULL, "its page-table configuration is unusable: %s",
			smmu_strerror(rc));
		return 0;
	}
	rc = smmu_pgt_translate(p, lin, access & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X | SMMU_PROT_PRIV), &out->x);
	smmu_pgt_destroy(p);
	if (rc && rc != -EFAULT)
		return rc;
	out->walked = true;
	out->ok = !rc;
	out->pa = out->x.oa;
	return 0;
}

/* --- nested translation ------------------------------------------------------ */

/* What stage 2 needs for a table read (write: a flag update) by format:
 * LPAE S2AP of the leaf; VT-d second level R/W on every level. */
static unsigned nest_denied(const struct live_nest *n, const struct smmu_pgt_xlate *x, bool write)
{
	if (n->denied)
		return n->denied(n, x, write);
	if (!x->nsteps)
		return SMMU_PROT_R;
	if (n->cfg.fmt == SMMU_PGT_VTD_SL) {
		uint64_t all = ~0ULL;
		for (unsigned i = 0; i < x->nsteps; i++)
			all &= x->step[i].pte;
		return !(all & 1) ? SMMU_PROT_R : write && !(all & 2) ? SMMU_PROT_W : 0;
	}
	uint64_t leaf = x->step[x->nsteps - 1].pte;
	return !(leaf >> 6 & 1) ? SMMU_PROT_R : write && !(leaf >> 7 & 1) ? SMMU_PROT_W : 0;
}

int live_nest_open(struct live_nest *n)
{
	n->err = 0;
	return smmu_pgt_open_live(&n->cfg, &n->u->t->mem, n->root, &n->p);
}

void live_nest_close(struct live_nest *n)
{
	smmu_pgt_destroy(n->p);
	n->p = NULL;
}

int live_nest_s2(struct live_nest *n, uint64_t ipa, unsigned access, struct smmu_pgt_xlate *x)
{
	unsigned max_in = n->max_in ? n->max_in : n->cfg.ias;
	int rc;

	if (max_in < 64 && ipa >> max_in) {
		memset(x, 0, sizeof(*x));
		x->fault = SMMU_PGT_F_INPUT_RANGE;
		return -EFAULT;
	}
	rc = smmu_pgt_translate(n->p, ipa, 0, x);
	if (rc && rc != -EFAULT)
		return rc;
	if (x->fault == SMMU_PGT_F_ACCESS && n->affd) {
		x->fault = SMMU_PGT_OK;
		rc = 0;
	}
	if (rc || !access)
		return rc;
	if ((x->perm_missing = nest_denied(n, x, access & SMMU_PROT_W))) {
		x->fault = SMMU_PGT_F_PERM;
		return -EFAULT;
	}
	return 0;
}

/* The engine reads stage-1 tables at intermediate addresses: each 4 KiB
 * piece goes through stage 2.  A piece stage 2 refuses, or whose memory
 * cannot be read, reads as zeros (invalid entries): a walk that needs an
 * entry there stops on it, and live_walk_nested() then finds out why. */
static int nest_read(void *ctx, uint64_t ipa, void *buf, size_t len)
{
	struct live_nest *n = ctx;
	uint8_t *b = buf;

	while (len) {
		size_t chunk = 4096 - (ipa & 4095);
		struct smmu_pgt_xlate x;
		int rc;

		if (chunk > len)
			chunk = len;
		rc = live_nest_s2(n, ipa, SMMU_PROT_R, &x);
		if (!rc)
			rc = smmu_mem_read(n->u->t, x.oa, b, chunk);
		else if (rc != -EFAULT && !n->err)
			n->err = rc;
		if (rc)
			memset(b, 0, chunk);
		b += chunk;
		ipa += chunk;
		len -= chunk;
	}
	return 0;
}

int live_open_nested(struct live_nest *n, const struct smmu_pgt_cfg *pc, uint64_t root, struct smmu_pgt **p)
{
	struct smmu_mem mem = { .read = nest_read, .ctx = n };

	return smmu_pgt_open_live(pc, &mem, root, p);
}

int live_walk_nested(struct live_nest *n, const struct smmu_pgt_cfg *pc, uint64_t root, uint64_t lin,
		     struct smmu_translation *out)
{
	struct smmu_pgt *p;
	int rc;

	if ((rc = live_open_nested(n, pc, root, &p))) {
		cfg_end(&out->cfg, SMMU_CFG_FAULT, 0, NULL, "its stage-1 page-table configuration is unusable: %s",
			smmu_strerror(rc));
		return 0;
	}
	rc = smmu_pgt_translate(p, lin, 0, &out->x);
	smmu_pgt_destroy(p);
	if (rc && rc != -EFAULT)
		return rc;
	if (n->err)
		return n->err;
	out->walked = true;
	out->ok = !rc;
	out->pa = out->ipa = out->x.oa;
	/* each table read, as the hardware makes it: stage 2, then memory */
	for (unsigned i = 0; i < out->x.nsteps; i++) {
		struct smmu_pgt_xlate *s = &out->s2_fetch[i];
		uint64_t v;

		out->nfetch = i + 1;
		rc = live_nest_s2(n, out->x.step[i].entry_pa, SMMU_PROT_R, s);
		if (rc && rc != -EFAULT)
			return rc;
		if (rc || smmu_mem_read(n->u->t, s->oa, &v, 8)) {
			/* the walk saw zeros here and stopped on them */
			out->x.nsteps = i + 1;
			out->x.fault_level = out->x.step[i].level;
			out->x.fault = SMMU_PGT_F_TABLE_READ;
			out->x.step[i].kind = NULL;
			out->ok = false;
			out->stop = rc ? SMMU_STOP_FETCH : SMMU_STOP_FETCH_READ;
			if (!rc)
				out->fetch_addr = s->oa;
			return 0;
		}
	}
	if (!out->ok)
		out->stop = SMMU_STOP_WALK;
	return 0;
}

void live_from_cfg(struct smmu_translation *out)
{
	out->code = out->cfg.code;
	out->code_name = out->cfg.code_name;
	out->quiet = out->cfg.quiet;
	out->fetch_addr = out->cfg.fetch_addr;
}

/* An architecture whose prediction has no reader of its own (each has one
 * today; a new one starts here): its configuration, then its tables walked
 * for the access. */
static int generic_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
			     struct smmu_translation *out)
{
	int rc;

	if ((rc = smmu_unit_config(u, s, &out->cfg)))
		return rc;
	live_from_cfg(out);
	if (out->cfg.verdict == SMMU_CFG_BYPASS) {
		out->ok = true;
		out->pa = iova;
	}
	if (out->cfg.verdict != SMMU_CFG_TRANSLATE)
		return 0;
	return live_walk(u, &out->cfg.pgt, out->cfg.root, iova, access, out);
}

int smmu_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		   struct smmu_translation *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = smmu_unit_bind(u)))
		return rc;
	switch (u->arch) {
	case SMMU_ARCH_SMMUV3:
		rc = smmuv3_translate(u, s, iova, access, out);
		break;
	case SMMU_ARCH_VTD:
		rc = vtd_translate(u, s, iova, access, out);
		break;
	case SMMU_ARCH_AMDVI:
		rc = amdvi_translate(u, s, iova, access, out);
		break;
	case SMMU_ARCH_SMMUV2:
		rc = smmuv2_translate(u, s, iova, access, out);
		break;
	default:
		rc = generic_translate(u, s, iova, access, out);
		break;
	}
	/* a structure that could not be read is an answer, not an error */
	if (rc == -EFAULT || rc == -E2BIG) {
		live_from_cfg(out);
		rc = 0;
	}
	if (out->ok)
		out->stop = SMMU_STOP_NONE;
	else if (out->walked && out->stop == SMMU_STOP_NONE)
		out->stop = SMMU_STOP_WALK;
	return rc;
}

/* The requester's live tables opened for a walk; -ENXIO when it has none.
 * Nested: stage 1, read through stage 2 (n, open while p is), its leaves'
 * outputs intermediate addresses. */
static int live_tables(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg,
		       struct live_nest *n, struct smmu_pgt **p)
{
	int rc;

	memset(n, 0, sizeof(*n));
	*p = NULL;
	if ((rc = smmu_unit_config(u, s, cfg)))
		return rc;
	if (cfg->verdict != SMMU_CFG_TRANSLATE)
		return -ENXIO;
	if (amdvi_six_levels(cfg))
		return 0; /* no engine tables: the caller walks the top level */
	if (!cfg->nested)
		return open_tables(u, cfg, p);
	*n = (struct live_nest){ .u = u, .cfg = cfg->s2pgt, .root = cfg->s2root };
	if ((rc = live_nest_open(n)))
		return rc;
	if ((rc = live_open_nested(n, &cfg->pgt, cfg->root, p)))
		live_nest_close(n);
	return rc;
}

int smmu_list(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
	      smmu_pgt_range_fn fn, void *arg, struct smmu_pgt_walk_stats *st)
{
	struct smmu_config cfg;
	struct smmu_pgt *p;
	struct live_nest n;
	int rc = live_tables(u, s, &cfg, &n, &p);

	if (rc)
		return rc;
	if (!p)
		return amdvi_walk_six(u, &cfg, iova, size, 0, NULL, fn, arg, st);
	rc = smmu_pgt_list(p, iova, size, fn, arg, st);
	smmu_pgt_destroy(p);
	live_nest_close(&n);
	return rc;
}

int smmu_walk_raw(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
		  smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st)
{
	struct smmu_config cfg;
	struct smmu_pgt *p;
	struct live_nest n;
	int rc = live_tables(u, s, &cfg, &n, &p);

	if (rc)
		return rc;
	if (!p)
		return amdvi_walk_six(u, &cfg, iova, size, SMMU_PGT_WALK_INVALID, fn, NULL, arg, st);
	rc = smmu_pgt_walk(p, iova, size, SMMU_PGT_WALK_INVALID, 0, fn, arg, st);
	smmu_pgt_destroy(p);
	live_nest_close(&n);
	return rc;
}

/* Substreams are probed in SubstreamID order, one configuration each: the
 * architecture's own reader checks every structure on the way, and an
 * absent level-1 entry (SMMUv3 L1CD, VT-d PASID directory entry) skips the
 * 64 IDs it covers at least.  The budget bounds a linear table of 2^20 CDs. */
#define SUBSTREAM_BUDGET (1u << 16)

int smmu_unit_substreams(struct smmu_unit *u, uint32_t sid, smmu_substream_fn fn, void *arg)
{
	struct smmu_unit_status st;
	struct smmu_config base, cfg;
	int rc, ret = 0;

	if ((rc = smmu_unit_status(u, &st)))
		return rc;
	if (!st.ssid_bits || (u->arch != SMMU_ARCH_SMMUV3 && u->arch != SMMU_ARCH_VTD))
		return 0;
	enum smmu_cfg_struct dir = u->arch == SMMU_ARCH_SMMUV3 ? SMMU_CS_L1_CD : SMMU_CS_PASID_DIR;
	enum smmu_cfg_struct leaf = u->arch == SMMU_ARCH_SMMUV3 ? SMMU_CS_CD : SMMU_CS_PASID;
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ .sid = sid }, &base)))
		return rc;
	const struct smmu_cfg_step *own = smmu_config_step(&base, leaf);
	if (base.verdict == SMMU_CFG_FAULT && base.fetch_addr && !smmu_config_step(&base, SMMU_CS_STE) &&
	    !smmu_config_step(&base, SMMU_CS_CONTEXT))
		return 0; /* the stream's own entry cannot be read: its configuration says so */
	uint64_t own_entry = own ? own->addr : UINT64_MAX;
	uint64_t limit = st.ssid_bits >= 32 ? 1ull << 32 : 1ull << st.ssid_bits;
	unsigned probes = 0;
	for (uint64_t ssid = 0; ssid < limit; ssid++) {
		if (++probes > SUBSTREAM_BUDGET)
			return -E2BIG;
		if ((rc = smmu_unit_config(u, &(struct smmu_stream){ sid, true, (uint32_t)ssid }, &cfg)))
			return rc;
		const struct smmu_cfg_step *e = smmu_config_step(&cfg, leaf);
		bool unreadable = cfg.verdict == SMMU_CFG_FAULT && cfg.fetch_addr;
		if (unreadable)
			ret = -EFAULT; /* a table that cannot be read: what it holds is unknown */
		if (!e && !smmu_config_step(&cfg, dir)) {
			/* stopped before any per-substream structure: beyond the
			 * table (or none), or a linear CD table that cannot be
			 * read; SubstreamID 0 may be reserved alone (SMMUv3
			 * S1DSS=substream0) */
			if (ssid || unreadable)
				break;
			continue;
		}
		if (!e) {
			ssid |= 63; /* no level-2 table here */
			continue;
		}
		if (cfg.verdict == SMMU_CFG_FAULT || e->addr == own_entry)
			continue; /* not valid, or the entry requests without one use */
		if ((rc = fn(arg, (uint32_t)ssid, &cfg)))
			return rc;
	}
	return ret;
}

static const char *access_word(unsigned acc)
{
	return acc & SMMU_PROT_X ? "instruction fetch" : acc & SMMU_PROT_W ? "write" : "read";
}

static void perm_words(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%s%s%s%s", prot & SMMU_PROT_R ? "R" : "", prot & SMMU_PROT_W ? "W" : "",
		 prot & SMMU_PROT_X ? "X" : "", prot & SMMU_PROT_PRIV ? " (privileged only)" : "");
	if (!(prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X)))
		snprintf(buf, n, "no access");
}

/* The class of the fault a walk stopped on. */
static enum smmu_fault_class walk_class(int fault, enum smmu_fault_class record)
{
	switch (fault) {
	case SMMU_PGT_F_INVALID: return SMMU_FC_TRANSLATION;
	case SMMU_PGT_F_PERM: return SMMU_FC_PERMISSION;
	case SMMU_PGT_F_ACCESS: return SMMU_FC_ACCESS;
	case SMMU_PGT_F_ADDR_SIZE: case SMMU_PGT_F_INPUT_RANGE: return SMMU_FC_ADDR_SIZE;
	case SMMU_PGT_F_TABLE_READ: return SMMU_FC_FETCH;
	default: return record;
	}
}

int smmu_fault_explain(struct smmu_target *t, const struct smmu_fault *f, struct smmu_explain *out)
{
	struct smmu_translation *tr = &out->tr;
	int rc;

	(void)t;
	memset(out, 0, sizeof(*out));
	if (!f->unit)
		return -ENOENT;
	out->cls = f->cls;
	if (amdvi_fetch_event(f))
		return amdvi_explain_fetch(f, out);
	if ((rc = smmu_translate(f->unit, &f->stream, f->addr, f->access, tr)))
		return rc;
	const struct smmu_config *cfg = &tr->cfg;
	/* only translation-class records carry an address worth walking for */
	bool has_addr = f->cls == SMMU_FC_TRANSLATION || f->cls == SMMU_FC_PERMISSION ||
			f->cls == SMMU_FC_ACCESS || f->cls == SMMU_FC_ADDR_SIZE ||
			/* an abort fetching a table (F_WALK_EABT): the walk finds it */
			(f->cls == SMMU_FC_FETCH && f->addr) ||
			/* a VT-d paging entry set up wrong (reserved bits): configuration, found walking */
			(f->unit->arch == SMMU_ARCH_VTD && vtd_reason_in_walk(f->code));
	if (!has_addr && cfg->verdict == SMMU_CFG_TRANSLATE) {
		tr->walked = false;
		snprintf(out->text, sizeof(out->text), "%s: %s; the requester's configuration now: %s",
			 f->code_name ? f->code_name : "fault", smmu_fault_class_name(f->cls), cfg->reason);
		return 0;
	}
	if (cfg->verdict != SMMU_CFG_TRANSLATE) {
		if (cfg->verdict == SMMU_CFG_FAULT)
			out->cls = SMMU_FC_CONFIG;
		snprintf(out->text, sizeof(out->text), "%s%s", cfg->reason,
			 cfg->verdict == SMMU_CFG_BYPASS ? " (now: the fault predates this configuration)" : "");
		return 0;
	}
	const struct smmu_pgt_xlate *x = &tr->x;
	if (tr->ok) {
		char perm[32];
		perm_words(perm, sizeof(perm), x->prot);
		snprintf(out->text, sizeof(out->text),
			 "0x%" PRIx64 " translates now to 0x%" PRIx64 " (%s): the mapping changed after the "
			 "fault, or a stale TLB entry caused it",
			 f->addr, tr->pa, perm);
		return 0;
	}
	if (tr->stop == SMMU_STOP_FETCH || tr->stop == SMMU_STOP_FETCH_READ || tr->stop == SMMU_STOP_OUTPUT) {
		const struct smmu_pgt_step *s1 = x->nsteps ? &x->step[x->nsteps - 1] : NULL;
		const struct smmu_pgt_xlate *s2 = tr->stop == SMMU_STOP_OUTPUT ? &tr->s2 : &tr->s2_fetch[tr->nfetch - 1];
		const struct smmu_pgt_step *l = s2->nsteps ? &s2->step[s2->nsteps - 1] : NULL;
		char at[128] = "", why[64];
		out->cls = tr->stop == SMMU_STOP_FETCH_READ ? SMMU_FC_FETCH : walk_class(s2->fault, f->cls);
		if (tr->stop != SMMU_STOP_FETCH_READ && l && s2->fault != SMMU_PGT_F_INPUT_RANGE)
			snprintf(at, sizeof(at), " at level %d (%s 0x%016" PRIx64 " at 0x%" PRIx64 ")", s2->fault_level,
				 l->kind ? l->kind : "entry", l->pte, l->entry_pa);
		if (s2->fault == SMMU_PGT_F_PERM) {
			char miss[32];
			perm_words(miss, sizeof(miss), s2->perm_missing);
			snprintf(why, sizeof(why), "it does not allow %s", miss);
		} else {
			snprintf(why, sizeof(why), "%s", smmu_pgt_fault_name(s2->fault));
		}
		if (tr->stop == SMMU_STOP_OUTPUT)
			snprintf(out->text, sizeof(out->text),
				 "%s; stage 1 translated 0x%" PRIx64 " to IPA 0x%" PRIx64 ", and stage 2 stopped%s: %s",
				 cfg->reason, f->addr, tr->ipa, at, why);
		else if (tr->stop == SMMU_STOP_FETCH_READ)
			snprintf(out->text, sizeof(out->text),
				 "%s; the stage-1 level-%d table read at IPA 0x%" PRIx64 " (PA 0x%" PRIx64 ") failed",
				 cfg->reason, x->fault_level, s1 ? s1->entry_pa : 0, tr->fetch_addr);
		else
			snprintf(out->text, sizeof(out->text),
				 "%s; the stage-1 level-%d table read at IPA 0x%" PRIx64 " stopped in stage 2%s: %s",
				 cfg->reason, x->fault_level, s1 ? s1->entry_pa : 0, at, why);
		return 0;
	}
	const struct smmu_pgt_step *s = x->nsteps ? &x->step[x->nsteps - 1] : NULL;
	char where[96] = "";
	out->cls = walk_class(x->fault, f->cls);
	/* kind is NULL where the table itself could not be read: no entry */
	if (s && s->kind)
		snprintf(where, sizeof(where), " at level %d (%s 0x%016" PRIx64 " at 0x%" PRIx64 ")",
			 x->fault_level, s->kind, s->pte, s->entry_pa);
	switch (x->fault) {
	case SMMU_PGT_F_TABLE_READ: {
		char ram[96];
		uint64_t tpa = s ? s->table_pa : tr->cfg.root;
		bool notram = !smmu_target_is_ram(f->unit->t, tpa, 8);
		snprintf(out->text, sizeof(out->text),
			 "%s; the walk stopped at level %d: its table at 0x%" PRIx64 " %s%s", cfg->reason,
			 x->fault_level, tpa, notram ? "is outside RAM; RAM is " : "could not be read",
			 notram ? smmu_target_ram_words(f->unit->t, ram, sizeof(ram)) : "");
		break;
	}
	case SMMU_PGT_F_INVALID:
		snprintf(out->text, sizeof(out->text),
			 "%s; the walk stopped%s: entry not valid, 0x%" PRIx64 " is not mapped", cfg->reason,
			 where, f->addr);
		break;
	case SMMU_PGT_F_PERM: {
		char perm[32], miss[32];
		perm_words(perm, sizeof(perm), x->prot);
		perm_words(miss, sizeof(miss), x->perm_missing);
		const struct smmu_pgt_step *by = NULL;
		for (unsigned i = 0; x->perm_from == SMMU_PGT_PERM_TABLE && i < x->nsteps; i++)
			if (x->step[i].level == x->perm_level && x->step[i].kind)
				by = &x->step[i];
		/* name the entry that took the right away, not the leaf below it */
		if (by)
			snprintf(out->text, sizeof(out->text),
				 "%s; the %s needs %s, which the entry at level %d (%s 0x%016" PRIx64 " at 0x%" PRIx64
				 ") takes away from all below it: the leaf%s is left with %s",
				 cfg->reason, access_word(f->access), miss, by->level, by->kind, by->pte, by->entry_pa,
				 where, perm);
		else if (x->perm_from == SMMU_PGT_PERM_CONFIG)
			snprintf(out->text, sizeof(out->text),
				 "%s; the %s needs %s, which the configuration denies (the leaf%s allows %s)",
				 cfg->reason, access_word(f->access), miss, where, perm);
		else
			snprintf(out->text, sizeof(out->text), "%s; the leaf%s allows %s: the %s needs %s",
				 cfg->reason, where, perm, access_word(f->access), miss);
		break;
	}
	default:
		snprintf(out->text, sizeof(out->text), "%s; the walk stopped%s: %s", cfg->reason, where,
			 smmu_pgt_fault_name(x->fault));
	}
	return 0;
}

void lpae_s1_rights(const struct smmu_pgt_xlate *x, struct lpae_s1_rights *r)
{
	const uint64_t leaf = x->step[x->nsteps - 1].pte;
	unsigned ap = (unsigned)SMMU_GET(LPAE_S1_PAGE_AP, leaf); /* AP[2:1] */

	r->uxn = SMMU_GET(LPAE_S1_PAGE_UXN, leaf);
	r->pxn = SMMU_GET(LPAE_S1_PAGE_PXN, leaf);
	for (unsigned i = 0; i + 1 < x->nsteps; i++) {
		uint64_t t = x->step[i].pte;
		unsigned apt = (unsigned)SMMU_GET(LPAE_S1_TABLE_APTable, t);
		if (apt & 1)
			ap &= ~1u; /* APTable[0]: no EL0 access below */
		if (apt & 2)
			ap |= 2;   /* APTable[1]: read-only below */
		r->uxn |= SMMU_GET(LPAE_S1_TABLE_UXNTable, t);
		r->pxn |= SMMU_GET(LPAE_S1_TABLE_PXNTable, t);
	}
	r->ro = ap & 2;
	r->el0 = ap & 1;
}
