/* SPDX-License-Identifier: MIT */
/*
 * Snapshots: save (the library captures), and diff two machines (two
 * snapshots, or one and the current target): registers field by field,
 * units and devices that came or went, each device's configuration chain
 * and mappings (smmu_list on both sides), and new fault records.  diff
 * exits like diff(1): 0 equal, 1 different, 2 trouble.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decoders/decode.h"
#include "shell.h"

/* --- snapshot save ---------------------------------------------------------------- */

struct save_progress {
	struct shell *sh;
	uint64_t t0;
	bool shown;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* After half a second, a line on a terminal's stderr saying how far it is. */
static int save_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct save_progress *p = arg;

	if (shell_stop())
		return 1;
	if (p->sh->quiet || !isatty(STDERR_FILENO) || mono_ns() - p->t0 < 500000000u)
		return 0;
	fprintf(stderr, "\rsnapshot: %s %3u%%", phase, total ? (unsigned)(done * 100 / total) : 0);
	p->shown = true;
	return 0;
}

static int cmd_snapshot(struct shell *sh, int argc, char **argv)
{
	const char *path = NULL, *note = NULL;
	unsigned flags = 0;
	struct smmu_snapshot_report rep;
	struct smmu_target *t;
	int rc;

	if (argc < 2 || strcmp(argv[1], "save")) {
		shell_error("snapshot: expected snapshot save FILE [--ram] [--note TEXT]");
		return -EINVAL;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--ram")) {
			flags |= SMMU_SNAPSHOT_RAM;
		} else if (!strcmp(argv[i], "--note")) {
			if (++i == argc) {
				shell_error("snapshot save: --note needs a TEXT");
				return -EINVAL;
			}
			note = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			shell_error("snapshot save: unknown option '%s'", argv[i]);
			return -EINVAL;
		} else if (path) {
			shell_error("snapshot save: one FILE only ('%s' and '%s')", path, argv[i]);
			return -EINVAL;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		shell_error("snapshot save: missing FILE");
		return -EINVAL;
	}
	if (!(t = shell_target(sh)))
		return -ENODEV;
	struct save_progress p = { sh, mono_ns(), false };
	rc = smmu_snapshot_save(t, path, flags, note, save_progress, &p, &rep);
	if (p.shown)
		fputs("\r\033[K", stderr);
	if (rc)
		return shell_lib_error("snapshot save", path, rc);
	if (rep.warnings)
		shell_error("snapshot save: warning: %s%s", rep.warning,
			    rep.warnings > 1 ? " (and more: 'target info' on the snapshot)" : "");
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "file", path);
		smmu_json_ku64(&sh->j, "file_bytes", rep.file_bytes);
		smmu_json_ku64(&sh->j, "memory_bytes", rep.memory_bytes);
		smmu_json_ku64(&sh->j, "table_bytes", rep.table_bytes);
		smmu_json_ku64(&sh->j, "segments", rep.segments);
		smmu_json_ku64(&sh->j, "units", rep.units);
		smmu_json_ku64(&sh->j, "devices", rep.devices);
		smmu_json_ku64(&sh->j, "registers", rep.registers);
		smmu_json_ku64(&sh->j, "fw_tables", rep.fw_tables);
		smmu_json_ku64(&sh->j, "faults", rep.faults);
		smmu_json_ku64(&sh->j, "walks", rep.walks);
		smmu_json_ku64(&sh->j, "warnings", rep.warnings);
		smmu_json_ku64(&sh->j, "elapsed_us", rep.elapsed_ns / 1000);
		shell_json_end(sh);
	} else if (!sh->quiet) {
		fprintf(sh->out,
			"saved %s: %" PRIu64 " bytes; %" PRIu64 " bytes of memory in %u segment(s); %u unit(s), "
			"%u device(s), %u register(s), %u firmware table(s), %u fault record(s); %.1f ms\n",
			path, rep.file_bytes, rep.memory_bytes, rep.segments, rep.units, rep.devices, rep.registers,
			rep.fw_tables, rep.faults, rep.elapsed_ns / 1e6);
	}
	return 0;
}

/* --- diff -------------------------------------------------------------------------- */

struct side {
	const char *name;
	struct smmu_target *t;
	bool own; /* opened here */
};

struct diff {
	struct shell *sh;
	struct side a, b;
	unsigned changes;
	bool in_list; /* JSON: inside the current section's array */
};

static int open_side(struct shell *sh, struct side *s, const char *file)
{
	char spec[4200], err[512] = "";
	int rc;

	if (!file) { /* the current target */
		if (!(s->t = shell_target(sh)))
			return -ENODEV;
		s->name = smmu_target_spec(s->t);
		return 0;
	}
	snprintf(spec, sizeof(spec), "snapshot:%s", file);
	s->name = file;
	if ((rc = smmu_target_open(spec, NULL, 0, &s->t, err, sizeof(err)))) {
		shell_error("diff: %s", err[0] ? err : smmu_strerror(rc));
		return rc;
	}
	s->own = true;
	if ((rc = smmu_discover(s->t, err, sizeof(err)))) {
		shell_error("diff: %s: %s", file, err[0] ? err : smmu_strerror(rc));
		return rc;
	}
	return 0;
}

static void section(struct diff *d, const char *key)
{
	if (d->sh->json) {
		smmu_json_key(&d->sh->j, key);
		smmu_json_arr_begin(&d->sh->j);
	}
}

static void section_end(struct diff *d)
{
	if (d->sh->json)
		smmu_json_arr_end(&d->sh->j);
}

static struct smmu_unit *unit_named(struct smmu_target *t, const char *name)
{
	struct smmu_unit_info ui;

	for (size_t i = 0; i < smmu_unit_count(t); i++) {
		smmu_unit_info(smmu_unit_at(t, i), &ui);
		if (!strcmp(ui.name, name))
			return smmu_unit_at(t, i);
	}
	return NULL;
}

static void diff_units(struct diff *d)
{
	struct smmu_unit_info ui;

	section(d, "units");
	for (int pass = 0; pass < 2; pass++) {
		struct side *from = pass ? &d->b : &d->a, *to = pass ? &d->a : &d->b;
		for (size_t i = 0; i < smmu_unit_count(from->t); i++) {
			smmu_unit_info(smmu_unit_at(from->t, i), &ui);
			if (unit_named(to->t, ui.name))
				continue;
			d->changes++;
			if (d->sh->json) {
				smmu_json_obj_begin(&d->sh->j);
				smmu_json_kstr(&d->sh->j, "change", pass ? "added" : "removed");
				smmu_json_kstr(&d->sh->j, "unit", ui.name);
				smmu_json_obj_end(&d->sh->j);
			} else {
				fprintf(d->sh->out, "%c unit %s\n", pass ? '+' : '-', ui.name);
			}
		}
	}
	section_end(d);
}

/* Fields of descriptor desc that differ between two values, one line or object each. */
static void field_changes(struct diff *d, const struct smmu_desc *desc, const uint64_t *wa, const uint64_t *wb)
{
	for (const struct smmu_field *f = desc->fields; f->name; f++) {
		uint64_t va = smmu_field_raw(f, wa), vb = smmu_field_raw(f, wb);
		if (va == vb)
			continue;
		const char *na = smmu_enum_name(f, va), *nb = smmu_enum_name(f, vb);
		if (d->sh->json) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_kstr(&d->sh->j, "field", f->name);
			smmu_json_khex(&d->sh->j, "old", va);
			smmu_json_khex(&d->sh->j, "new", vb);
			smmu_json_obj_end(&d->sh->j);
		} else if (na && nb) {
			fprintf(d->sh->out, "      %s: %s -> %s\n", f->name, na, nb);
		} else {
			fprintf(d->sh->out, "      %s: 0x%" PRIx64 " -> 0x%" PRIx64 "\n", f->name, va, vb);
		}
	}
}

static void diff_registers(struct diff *d)
{
	struct smmu_unit_info ui;
	struct smmu_reg ra, rb;

	section(d, "registers");
	for (size_t i = 0; i < smmu_unit_count(d->a.t); i++) {
		struct smmu_unit *ua = smmu_unit_at(d->a.t, i), *ub;
		smmu_unit_info(ua, &ui);
		if (!(ub = unit_named(d->b.t, ui.name)))
			continue;
		for (size_t k = 0; !smmu_reg_at(ua, k, &ra); k++) {
			if (smmu_reg_find(ub, ra.desc->kind, &rb))
				continue;
			unsigned n = ra.count < rb.count ? ra.count : rb.count;
			for (unsigned idx = 0; idx < n; idx++) {
				uint64_t wa[8] = { 0 }, wb[8] = { 0 };
				int ea = smmu_reg_read(ua, &ra, idx, wa), eb = smmu_reg_read(ub, &rb, idx, wb);
				if (!ea && !eb && !memcmp(wa, wb, ra.desc->nwords * sizeof(wa[0])))
					continue;
				if (ea && eb)
					continue;
				d->changes++;
				char name[64];
				snprintf(name, sizeof(name), ra.count > 1 ? "%s[%u]" : "%s", ra.desc->name, idx);
				if (d->sh->json) {
					smmu_json_obj_begin(&d->sh->j);
					smmu_json_kstr(&d->sh->j, "unit", ui.name);
					smmu_json_kstr(&d->sh->j, "register", name);
					smmu_json_key(&d->sh->j, "old");
					ea ? smmu_json_null(&d->sh->j) : smmu_json_hex(&d->sh->j, wa[0]);
					smmu_json_key(&d->sh->j, "new");
					eb ? smmu_json_null(&d->sh->j) : smmu_json_hex(&d->sh->j, wb[0]);
					smmu_json_key(&d->sh->j, "fields");
					smmu_json_arr_begin(&d->sh->j);
					if (!ea && !eb)
						field_changes(d, ra.desc, wa, wb);
					smmu_json_arr_end(&d->sh->j);
					smmu_json_obj_end(&d->sh->j);
				} else {
					fprintf(d->sh->out, "~ %s %s: ", ui.name, name);
					ea ? fputs("unreadable", d->sh->out) : fprintf(d->sh->out, "0x%" PRIx64, wa[0]);
					fputs(" -> ", d->sh->out);
					eb ? fputs("unreadable\n", d->sh->out) : fprintf(d->sh->out, "0x%" PRIx64 "\n", wb[0]);
					if (!ea && !eb)
						field_changes(d, ra.desc, wa, wb);
				}
			}
		}
	}
	section_end(d);
}

static void diff_devices(struct diff *d)
{
	struct smmu_device_info di;

	section(d, "devices");
	for (int pass = 0; pass < 2; pass++) {
		struct side *from = pass ? &d->b : &d->a, *to = pass ? &d->a : &d->b;
		for (size_t i = 0; i < smmu_device_count(from->t); i++) {
			smmu_device_info(smmu_device_at(from->t, i), &di);
			if (smmu_device_find(to->t, di.addr))
				continue;
			d->changes++;
			if (d->sh->json) {
				smmu_json_obj_begin(&d->sh->j);
				smmu_json_kstr(&d->sh->j, "change", pass ? "added" : "removed");
				smmu_json_kstr(&d->sh->j, "device", di.addr);
				smmu_json_kstr(&d->sh->j, "name", di.name);
				smmu_json_obj_end(&d->sh->j);
			} else {
				fprintf(d->sh->out, "%c device %s %s\n", pass ? '+' : '-', di.addr, di.name ? di.name : "");
			}
		}
	}
	section_end(d);
}

/* One device's configuration chain: verdict, then each structure, word by word and field by field. */
static void diff_config(struct diff *d, const char *dev, const struct smmu_config *ca, const struct smmu_config *cb)
{
	unsigned n = ca->nsteps > cb->nsteps ? ca->nsteps : cb->nsteps;

	if (ca->verdict != cb->verdict || strcmp(ca->reason, cb->reason)) {
		d->changes++;
		if (d->sh->json) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_kstr(&d->sh->j, "device", dev);
			smmu_json_kstr(&d->sh->j, "what", "verdict");
			smmu_json_kstr(&d->sh->j, "old", smmu_cfg_verdict_name(ca->verdict));
			smmu_json_kstr(&d->sh->j, "new", smmu_cfg_verdict_name(cb->verdict));
			smmu_json_kstr(&d->sh->j, "old_reason", ca->reason);
			smmu_json_kstr(&d->sh->j, "new_reason", cb->reason);
			smmu_json_obj_end(&d->sh->j);
		} else {
			fprintf(d->sh->out, "~ %s: %s (%s) -> %s (%s)\n", dev, smmu_cfg_verdict_name(ca->verdict), ca->reason,
				smmu_cfg_verdict_name(cb->verdict), cb->reason);
		}
	}
	/* Steps pair by what they are, not by position: a chain that now reads
	 * one more register (an SMMUv2 stream that matches an entry at last)
	 * must not compare sCR0 with an SMR.  Same name and address first, then
	 * same name (a structure that moved); the rest were or are not read. */
	int pair[SMMU_CFG_MAX_STEPS];
	bool taken[SMMU_CFG_MAX_STEPS] = { false };
	for (unsigned i = 0; i < ca->nsteps; i++) {
		pair[i] = -1;
		for (unsigned k = 0; k < cb->nsteps && pair[i] < 0; k++)
			if (!taken[k] && ca->step[i].addr == cb->step[k].addr && !strcmp(ca->step[i].what, cb->step[k].what))
				pair[i] = (int)k, taken[k] = true;
	}
	for (unsigned i = 0; i < ca->nsteps; i++)
		for (unsigned k = 0; k < cb->nsteps && pair[i] < 0; k++)
			if (!taken[k] && !strcmp(ca->step[i].what, cb->step[k].what))
				pair[i] = (int)k, taken[k] = true;
	n = ca->nsteps + cb->nsteps;
	for (unsigned i = 0; i < n; i++) {
		const struct smmu_cfg_step *sa = i < ca->nsteps ? &ca->step[i] : NULL;
		const struct smmu_cfg_step *sb = i < ca->nsteps ? (pair[i] >= 0 ? &cb->step[pair[i]] : NULL)
				     : !taken[i - ca->nsteps] ? &cb->step[i - ca->nsteps] : NULL;
		if (!sa && !sb)
			continue;
		if (sa && sb && sa->addr == sb->addr && sa->nwords == sb->nwords && !strcmp(sa->what, sb->what) &&
		    !memcmp(sa->words, sb->words, sa->nwords * sizeof(sa->words[0])))
			continue;
		const struct smmu_desc *desc = NULL;
		bool same_kind = sa && sb && sa->kind && sb->kind && !strcmp(sa->kind, sb->kind) &&
				 !smmu_decoder_find(sa->kind, &desc, NULL);
		const struct smmu_cfg_step *s = sa ? sa : sb;
		d->changes++;
		if (d->sh->json) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_kstr(&d->sh->j, "device", dev);
			smmu_json_kstr(&d->sh->j, "what", s->what);
			smmu_json_key(&d->sh->j, "old_addr");
			sa ? smmu_json_hex(&d->sh->j, sa->addr) : smmu_json_null(&d->sh->j);
			smmu_json_key(&d->sh->j, "new_addr");
			sb ? smmu_json_hex(&d->sh->j, sb->addr) : smmu_json_null(&d->sh->j);
			smmu_json_key(&d->sh->j, "fields");
			smmu_json_arr_begin(&d->sh->j);
			if (same_kind)
				field_changes(d, desc, sa->words, sb->words);
			smmu_json_arr_end(&d->sh->j);
			smmu_json_obj_end(&d->sh->j);
		} else {
			fprintf(d->sh->out, "~ %s %s", dev, s->what);
			if (!sa || !sb)
				fprintf(d->sh->out, ": %s\n", sa ? "no longer read" : "now read");
			else if (sa->addr != sb->addr)
				fprintf(d->sh->out, " at 0x%" PRIx64 " -> 0x%" PRIx64 "\n", sa->addr, sb->addr);
			else
				fprintf(d->sh->out, " at 0x%" PRIx64 "\n", sa->addr);
			if (same_kind)
				field_changes(d, desc, sa->words, sb->words);
		}
	}
}

struct ranges {
	struct smmu_pgt_range *v;
	size_t n, cap;
	int err;
};

static int collect(void *arg, const struct smmu_pgt_range *r)
{
	struct ranges *rs = arg;

	if (rs->n == rs->cap) {
		size_t n = rs->cap ? rs->cap * 2 : 64;
		struct smmu_pgt_range *p = realloc(rs->v, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		rs->v = p;
		rs->cap = n;
	}
	rs->v[rs->n++] = *r;
	return shell_stop() ? -EINTR : 0;
}

static void list_mappings(struct smmu_device *dev, const struct smmu_config *cfg, struct ranges *rs)
{
	struct smmu_device_info di;
	struct smmu_pgt_walk_stats st;

	memset(rs, 0, sizeof(*rs));
	if (cfg->verdict != SMMU_CFG_TRANSLATE)
		return;
	smmu_device_info(dev, &di);
	rs->err = smmu_list(di.unit, &(struct smmu_stream){ .sid = di.sid }, 0, 0, collect, rs, &st);
	if (rs->err == -SMMU_E_LOOP)
		rs->err = 0; /* what was listed before the loop still counts */
}

/* The mapping of rs at iova: the range index, or -1. */
static long find_range(const struct ranges *rs, uint64_t iova)
{
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (iova < rs->v[mid].iova)
			hi = mid;
		else if (iova - rs->v[mid].iova >= rs->v[mid].size)
			lo = mid + 1;
		else
			return (long)mid;
	}
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct change {
	const char *kind; /* "added", "removed", "changed" */
	uint64_t iova, size;
	bool has_a, has_b;
	uint64_t pa_a, pa_b;
	unsigned prot_a, prot_b;
};

static void perm(char *buf, size_t n, unsigned prot)
{
	snprintf(buf, n, "%s%s%s%s", prot & SMMU_PROT_R ? "r" : "-", prot & SMMU_PROT_W ? "w" : "-",
		 prot & SMMU_PROT_X ? "x" : "-", prot & SMMU_PROT_PRIV ? "p" : "");
}

static void emit_change(struct diff *d, const char *dev, const struct change *c)
{
	char pa[8], pb[8];

	d->changes++;
	perm(pa, sizeof(pa), c->prot_a);
	perm(pb, sizeof(pb), c->prot_b);
	if (d->sh->json) {
		smmu_json_obj_begin(&d->sh->j);
		smmu_json_kstr(&d->sh->j, "device", dev);
		smmu_json_kstr(&d->sh->j, "change", c->kind);
		smmu_json_khex(&d->sh->j, "iova", c->iova);
		smmu_json_khex(&d->sh->j, "size", c->size);
		smmu_json_key(&d->sh->j, "old");
		if (c->has_a) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_khex(&d->sh->j, "pa", c->pa_a);
			smmu_json_kstr(&d->sh->j, "perms", pa);
			smmu_json_obj_end(&d->sh->j);
		} else {
			smmu_json_null(&d->sh->j);
		}
		smmu_json_key(&d->sh->j, "new");
		if (c->has_b) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_khex(&d->sh->j, "pa", c->pa_b);
			smmu_json_kstr(&d->sh->j, "perms", pb);
			smmu_json_obj_end(&d->sh->j);
		} else {
			smmu_json_null(&d->sh->j);
		}
		smmu_json_obj_end(&d->sh->j);
		return;
	}
	fprintf(d->sh->out, "%c %s 0x%" PRIx64 "+0x%" PRIx64 ":", c->has_a ? c->has_b ? '~' : '-' : '+', dev, c->iova,
		c->size);
	if (c->has_a)
		fprintf(d->sh->out, " 0x%" PRIx64 " %s", c->pa_a, pa);
	if (c->has_a && c->has_b)
		fputs(" ->", d->sh->out);
	if (c->has_b)
		fprintf(d->sh->out, " 0x%" PRIx64 " %s", c->pa_b, pb);
	fputc('\n', d->sh->out);
}

/* Both listings cut at every boundary either has; equal pieces dropped,
 * neighbouring pieces of one kind and contiguous output joined. */
static void diff_mappings(struct diff *d, const char *dev, const struct ranges *ra, const struct ranges *rb)
{
	size_t nb = 2 * (ra->n + rb->n), k = 0;
	uint64_t *pts = malloc((nb ? nb : 1) * sizeof(*pts));
	struct change cur = { 0 };
	bool open = false;

	if (!pts)
		return;
	for (size_t i = 0; i < ra->n; i++) {
		pts[k++] = ra->v[i].iova;
		pts[k++] = ra->v[i].iova + ra->v[i].size;
	}
	for (size_t i = 0; i < rb->n; i++) {
		pts[k++] = rb->v[i].iova;
		pts[k++] = rb->v[i].iova + rb->v[i].size;
	}
	qsort(pts, k, sizeof(*pts), cmp_u64);
	for (size_t i = 0; i + 1 < k; i++) {
		uint64_t x = pts[i], y = pts[i + 1];
		if (x == y)
			continue;
		long ia = find_range(ra, x), ib = find_range(rb, x);
		struct change c = { .iova = x, .size = y - x, .has_a = ia >= 0, .has_b = ib >= 0 };
		if (ia >= 0) {
			c.pa_a = ra->v[ia].pa + (x - ra->v[ia].iova);
			c.prot_a = ra->v[ia].prot;
		}
		if (ib >= 0) {
			c.pa_b = rb->v[ib].pa + (x - rb->v[ib].iova);
			c.prot_b = rb->v[ib].prot;
		}
		bool same = c.has_a == c.has_b && (!c.has_a || (c.pa_a == c.pa_b && c.prot_a == c.prot_b));
		if (same)
			continue;
		c.kind = !c.has_a ? "added" : !c.has_b ? "removed" : "changed";
		if (open && cur.iova + cur.size == c.iova && cur.has_a == c.has_a && cur.has_b == c.has_b &&
		    cur.prot_a == c.prot_a && cur.prot_b == c.prot_b && (!c.has_a || cur.pa_a + cur.size == c.pa_a) &&
		    (!c.has_b || cur.pa_b + cur.size == c.pa_b)) {
			cur.size += c.size;
			continue;
		}
		if (open)
			emit_change(d, dev, &cur);
		cur = c;
		open = true;
	}
	if (open)
		emit_change(d, dev, &cur);
	free(pts);
}

static void diff_device_tables(struct diff *d)
{
	struct smmu_device_info di;

	/* configuration chains first, then mappings, each its own section */
	for (int pass = 0; pass < 2; pass++) {
		section(d, pass ? "mappings" : "config");
		for (size_t i = 0; i < smmu_device_count(d->a.t); i++) {
			struct smmu_device *da = smmu_device_at(d->a.t, i), *db;
			struct smmu_config ca, cb;
			smmu_device_info(da, &di);
			if (!di.unit || !(db = smmu_device_find(d->b.t, di.addr)))
				continue;
			if (smmu_device_config(da, false, 0, &ca) || smmu_device_config(db, false, 0, &cb))
				continue;
			if (!pass) {
				diff_config(d, di.addr, &ca, &cb);
				continue;
			}
			struct ranges ra, rb;
			list_mappings(da, &ca, &ra);
			list_mappings(db, &cb, &rb);
			diff_mappings(d, di.addr, &ra, &rb);
			free(ra.v);
			free(rb.v);
		}
		section_end(d);
	}
}

static bool same_fault(const struct smmu_fault *x, const struct smmu_fault *y)
{
	return x->seq == y->seq && x->ts_ns == y->ts_ns && x->addr == y->addr && x->code == y->code &&
	       x->stream.sid == y->stream.sid && !memcmp(x->raw, y->raw, sizeof(x->raw));
}

static void diff_faults(struct diff *d)
{
	struct smmu_fault fb, fa;
	struct smmu_unit_info ui;

	section(d, "faults");
	for (size_t i = 0; !smmu_faults_get(d->b.t, i, &fb); i++) {
		bool seen = false;
		for (size_t k = 0; !seen && !smmu_faults_get(d->a.t, k, &fa); k++)
			seen = same_fault(&fa, &fb);
		if (seen)
			continue;
		d->changes++;
		if (fb.unit)
			smmu_unit_info(fb.unit, &ui);
		if (d->sh->json) {
			smmu_json_obj_begin(&d->sh->j);
			smmu_json_ku64(&d->sh->j, "seq", fb.seq);
			smmu_json_kstr(&d->sh->j, "unit", fb.unit ? ui.name : NULL);
			smmu_json_khex(&d->sh->j, "sid", fb.stream.sid);
			smmu_json_khex(&d->sh->j, "addr", fb.addr);
			smmu_json_khex(&d->sh->j, "code", fb.code);
			smmu_json_kstr(&d->sh->j, "code_name", fb.code_name);
			smmu_json_kstr(&d->sh->j, "class", smmu_fault_class_name(fb.cls));
			smmu_json_obj_end(&d->sh->j);
		} else {
			fprintf(d->sh->out, "+ fault #%" PRIu64 " %s sid 0x%x addr 0x%" PRIx64 " %s (0x%x) %s\n", fb.seq,
				fb.unit ? ui.name : "?", fb.stream.sid, fb.addr, fb.code_name ? fb.code_name : "",
				fb.code, smmu_fault_class_name(fb.cls));
		}
	}
	section_end(d);
}

static int cmd_diff(struct shell *sh, int argc, char **argv)
{
	struct diff d = { .sh = sh };
	struct shell_capture cap;
	int rc;

	sh->status = 2; /* trouble, until the comparison is made */
	if (shell_nargs(sh, argc, argv, 1, 2))
		return -EINVAL;
	if ((rc = open_side(sh, &d.a, argv[1])) || (rc = open_side(sh, &d.b, argc > 2 ? argv[2] : NULL)))
		goto out;
	if ((rc = shell_capture_begin(sh, &cap)))
		goto out;
	if (sh->json) {
		shell_json_begin(sh);
		smmu_json_kstr(&sh->j, "a", d.a.name);
		smmu_json_kstr(&sh->j, "b", d.b.name);
	} else {
		fprintf(sh->out, "--- %s\n+++ %s\n", d.a.name, d.b.name);
	}
	diff_units(&d);
	diff_registers(&d);
	diff_devices(&d);
	diff_device_tables(&d);
	diff_faults(&d);
	if (sh->json) {
		smmu_json_kbool(&sh->j, "equal", !d.changes);
		smmu_json_ku64(&sh->j, "changes", d.changes);
		shell_json_end(sh);
	} else {
		fprintf(sh->out, "%u change(s)\n", d.changes);
	}
	shell_capture_end(sh, &cap, true);
	sh->status = d.changes ? 1 : 0;
out:
	if (d.a.own)
		smmu_target_close(d.a.t);
	if (d.b.own)
		smmu_target_close(d.b.t);
	return rc;
}

const struct shell_cmd shell_cmds_snapshot[] = {
	{ "snapshot", "save FILE [--ram] [--note TEXT]",
	  "save the machine's IOMMU state in one ELF core file (open it with --target snapshot:FILE)",
	  CMD_TARGET | CMD_OPENS_LATE,
	  cmd_snapshot, COMPLETE_WORDS, "save", COMPLETE_FILE },
	{ "diff", "SNAPSHOT [SNAPSHOT]",
	  "what changed between two snapshots, or a snapshot and the target: registers, units, devices, "
	  "configuration, mappings, new faults (exit status 0 same, 1 different, 2 trouble)",
	  0, cmd_diff, COMPLETE_FILE },
	{ .name = NULL },
};
