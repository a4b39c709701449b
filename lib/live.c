/* SPDX-License-Identifier: MIT */
/* Live configuration, translation through live tables, and fault explanation. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/live.h"

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

int smmu_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		   struct smmu_translation *out)
{
	struct smmu_pgt *p;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = smmu_unit_config(u, s, &out->cfg)))
		return rc;
	if (out->cfg.verdict == SMMU_CFG_BYPASS) {
		out->ok = true;
		out->pa = iova;
	}
	if (out->cfg.verdict != SMMU_CFG_TRANSLATE)
		return 0;
	if ((rc = open_tables(u, &out->cfg, &p))) {
		cfg_end(&out->cfg, SMMU_CFG_FAULT, 0, NULL, "its page-table configuration is unusable: %s",
			smmu_strerror(rc));
		return 0;
	}
	rc = smmu_pgt_translate(p, iova, access & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X | SMMU_PROT_PRIV),
				&out->x);
	smmu_pgt_destroy(p);
	if (rc && rc != -EFAULT)
		return rc;
	out->walked = true;
	out->ok = !rc;
	out->pa = out->x.oa;
	return 0;
}

/* The requester's live tables opened for a walk; -ENXIO when it has none. */
static int live_tables(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_pgt **p)
{
	struct smmu_config cfg;
	int rc;

	if ((rc = smmu_unit_config(u, s, &cfg)))
		return rc;
	if (cfg.verdict != SMMU_CFG_TRANSLATE)
		return -ENXIO;
	return open_tables(u, &cfg, p);
}

int smmu_list(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
	      smmu_pgt_range_fn fn, void *arg, struct smmu_pgt_walk_stats *st)
{
	struct smmu_pgt *p;
	int rc = live_tables(u, s, &p);

	if (rc)
		return rc;
	rc = smmu_pgt_list(p, iova, size, fn, arg, st);
	smmu_pgt_destroy(p);
	return rc;
}

int smmu_walk_raw(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
		  smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st)
{
	struct smmu_pgt *p;
	int rc = live_tables(u, s, &p);

	if (rc)
		return rc;
	rc = smmu_pgt_walk(p, iova, size, SMMU_PGT_WALK_INVALID, 0, fn, arg, st);
	smmu_pgt_destroy(p);
	return rc;
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

int smmu_fault_explain(struct smmu_target *t, const struct smmu_fault *f, struct smmu_explain *out)
{
	struct smmu_translation *tr = &out->tr;
	int rc;

	(void)t;
	memset(out, 0, sizeof(*out));
	if (!f->unit)
		return -ENOENT;
	if ((rc = smmu_translate(f->unit, &f->stream, f->addr, f->access, tr)))
		return rc;
	const struct smmu_config *cfg = &tr->cfg;
	/* only translation-class records carry an address worth walking for */
	bool has_addr = f->cls == SMMU_FC_TRANSLATION || f->cls == SMMU_FC_PERMISSION ||
			f->cls == SMMU_FC_ACCESS || f->cls == SMMU_FC_ADDR_SIZE ||
			/* an abort fetching a table (F_WALK_EABT): the walk finds it */
			(f->cls == SMMU_FC_FETCH && f->addr);
	if (!has_addr && cfg->verdict == SMMU_CFG_TRANSLATE) {
		tr->walked = false;
		snprintf(out->text, sizeof(out->text), "%s: %s; the requester's configuration now: %s",
			 f->code_name ? f->code_name : "fault", smmu_fault_class_name(f->cls), cfg->reason);
		return 0;
	}
	if (cfg->verdict != SMMU_CFG_TRANSLATE) {
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
	const struct smmu_pgt_step *s = x->nsteps ? &x->step[x->nsteps - 1] : NULL;
	char where[96] = "";
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
		snprintf(out->text, sizeof(out->text),
			 "%s; the leaf%s allows %s: the %s needs %s", cfg->reason, where, perm,
			 access_word(f->access), miss);
		break;
	}
	default:
		snprintf(out->text, sizeof(out->text), "%s; the walk stopped%s: %s", cfg->reason, where,
			 smmu_pgt_fault_name(x->fault));
	}
	return 0;
}
