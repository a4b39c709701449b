/* SPDX-License-Identifier: MIT */
/* Targets: a backend chosen by name, opened with checked options. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/backend.h"
#include "lib/smmu.h"
#include "lib/smmu-testing.h"
#include "lib/domain.h"
#include "lib/snapshot.h"

const struct smmu_backend_param *smmu_backend_sim_params(void);

/* The explicit list of backends: no linker tricks. */
static const struct smmu_backend_ops *const backends[] = {
	&smmu_backend_sim,
	&smmu_backend_qemu,
	&smmu_backend_gdb,
	&smmu_backend_linux,
	&smmu_backend_files,
	&smmu_backend_snapshot,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static const struct smmu_backend_param *backend_params(const struct smmu_backend_ops *b)
{
	return b == &smmu_backend_sim ? smmu_backend_sim_params() : b->params;
}

size_t smmu_backend_count(void)
{
	return NBACKENDS;
}

int smmu_backend_info(size_t i, struct smmu_backend_info *info)
{
	if (i >= NBACKENDS)
		return -ENOENT;
	*info = (struct smmu_backend_info){ backends[i]->name, backends[i]->help,
					    backends[i]->variants };
	return 0;
}

int smmu_backend_param(size_t b, size_t i, struct smmu_param_info *info)
{
	const struct smmu_backend_param *p;

	if (b >= NBACKENDS)
		return -ENOENT;
	p = backend_params(backends[b]);
	for (size_t k = 0; p && p[k].name; k++)
		if (k == i) {
			*info = (struct smmu_param_info){ p[k].name, p[k].def, p[k].help };
			return 0;
		}
	return -ENOENT;
}

static int mem_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return smmu_mem_read(ctx, pa, buf, len);
}

static int access_check(struct smmu_target *t);
static int access_done(struct smmu_target *t, int rc);

/* The page-table engine's own writes: its cache already holds them. */
static int mem_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct smmu_target *t = ctx;
	int rc = access_check(t);

	return rc ? rc : access_done(t, t->ops->mem_write(t->priv, pa, buf, len));
}

static uint64_t mem_foreign_writes(void *ctx)
{
	struct smmu_target *t = ctx;

	if (t->ops->mem_foreign_writes)
		return t->ops->mem_foreign_writes(t->priv);
	/* a device still at work may write at any moment: a new number each time */
	return t->devices_busy ? ++t->foreign_epoch : t->foreign_epoch;
}

int smmu_target_open(const char *spec, const char *const *opts, size_t nopts,
		     struct smmu_target **out, char *err, size_t errlen)
{
	const struct smmu_backend_ops *b = NULL;
	const char *colon = strchr(spec, ':');
	size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct smmu_target *t;
	int rc;

	for (size_t i = 0; i < NBACKENDS; i++)
		if (strlen(backends[i]->name) == nlen && !strncmp(backends[i]->name, spec, nlen))
			b = backends[i];
	if (!b) {
		snprintf(err, errlen, "unknown target '%s'", spec);
		return -ENOENT;
	}
	/* Options are checked against the declared parameters before anything
	 * is opened: a typo never reaches hardware. */
	const struct smmu_backend_param *params = backend_params(b);
	const char *bopts[64], *journal = NULL;
	size_t nb = 0;
	for (size_t i = 0; i < nopts; i++) {
		const char *eq = strchr(opts[i], '=');
		bool known = false;
		if (!eq || eq == opts[i]) {
			snprintf(err, errlen, "option '%s' is not key=value", opts[i]);
			return -EINVAL;
		}
		/* every target's: where the ownership journal lives (journal.c) */
		if (!strncmp(opts[i], "journal=", 8)) {
			journal = eq + 1;
			continue;
		}
		if (nb == sizeof(bopts) / sizeof(bopts[0])) {
			snprintf(err, errlen, "too many options");
			return -E2BIG;
		}
		bopts[nb++] = opts[i];
		for (size_t k = 0; params && params[k].name; k++)
			if (strlen(params[k].name) == (size_t)(eq - opts[i]) &&
			    !strncmp(params[k].name, opts[i], eq - opts[i]))
				known = true;
		if (!known) {
			snprintf(err, errlen, "target %s has no parameter '%.*s'",
				 b->name, (int)(eq - opts[i]), opts[i]);
			return -EINVAL;
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->ops = b;
	t->mem = (struct smmu_mem){ mem_read, mem_write, t }; /* the page-table engine's view */
	if (b->mem_foreign_writes || b->mem_written_when_driven)
		t->mem.foreign_writes = mem_foreign_writes;
	if ((rc = smmu_fault_mon_init(&t->faults, SMMU_FAULT_RING))) {
		free(t);
		return rc;
	}
	snprintf(t->spec, sizeof(t->spec), "%s%s%s", b->name, colon || *b->variants ? ":" : "",
		 colon && colon[1] ? colon + 1 : strchr(b->variants, '|') ? "virt" : b->variants);
	if (colon && !colon[1]) {
		snprintf(err, errlen, "target '%s': missing platform after ':' (%s)", spec, b->variants);
		smmu_fault_mon_fini(&t->faults);
		free(t);
		return -EINVAL;
	}
	if (journal && strlen(journal) >= sizeof(t->journal_dir)) {
		snprintf(err, errlen, "journal=%s: path too long", journal);
		smmu_fault_mon_fini(&t->faults);
		free(t);
		return -ENAMETOOLONG;
	}
	snprintf(t->journal_dir, sizeof(t->journal_dir), "%s", journal ? journal : "");
	rc = b->open(colon ? colon + 1 : NULL, bopts, nb, &t->priv, err, errlen);
	if (rc) {
		smmu_fault_mon_fini(&t->faults);
		free(t);
		return rc;
	}
	/* until a DMA of ours has landed, every change reads its tables back */
	t->devices_busy = b->devices_may_run && b->devices_may_run(t->priv);
	*out = t;
	return 0;
}

void smmu_target_close(struct smmu_target *t)
{
	if (!t)
		return;
	/* owned units are given back before anything else goes */
	for (size_t i = 0; i < t->nunits; i++)
		smmu_unit_unbind(&t->units[i]);
	while (t->ndomains) {
		struct smmu_domain *dom = t->domains[t->ndomains - 1];
		smmu_domain_unbind(dom);
		free(dom);
		t->ndomains--;
	}
	if (t->tables_ready)
		smmu_region_alloc_fini(&t->tables);
	smmu_fault_mon_fini(&t->faults);
	t->ops->close(t->priv);
	free(t);
}

const char *smmu_target_spec(const struct smmu_target *t)
{
	return t->spec;
}

const char *smmu_target_describe(const struct smmu_target *t)
{
	return t->ops->describe ? t->ops->describe(t->priv) : t->ops->help;
}

uint64_t smmu_target_roundtrips(struct smmu_target *t)
{
	return t->ops->roundtrips ? t->ops->roundtrips(t->priv) : 0;
}

int smmu_target_table_region(struct smmu_target *t, uint64_t *base, uint64_t *size)
{
	return t->ops->table_region ? t->ops->table_region(t->priv, base, size) : -ENOTSUP;
}

const char *smmu_target_gone(struct smmu_target *t)
{
	const char *why;

	if (!t->dead)
		return NULL;
	why = t->ops->gone ? t->ops->gone(t->priv) : NULL;
	return why ? why : "the backend failed";
}

int smmu_target_ram(struct smmu_target *t, uint64_t (*ranges)[2], size_t max)
{
	return t->ops->ram_ranges ? t->ops->ram_ranges(t->priv, ranges, max) : -ENOTSUP;
}

const char *smmu_target_ram_words(struct smmu_target *t, char *buf, size_t len)
{
	uint64_t r[16][2];
	int n = smmu_target_ram(t, r, 16);
	size_t at = 0;

	snprintf(buf, len, "unknown");
	for (int i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s0x%llx-0x%llx", i ? ", " : "",
				       (unsigned long long)r[i][0], (unsigned long long)(r[i][0] + r[i][1] - 1));
	return buf;
}

int smmu_target_is_ram(struct smmu_target *t, uint64_t pa, uint64_t len)
{
	uint64_t r[16][2];
	int n = smmu_target_ram(t, r, 16);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (pa >= r[i][0] && pa - r[i][0] < r[i][1] && len <= r[i][1] - (pa - r[i][0]))
			return 1;
	return 0;
}

uint64_t smmu_target_now_ns(struct smmu_target *t)
{
	return t->ops->now_ns ? t->ops->now_ns(t->priv) : 0;
}

int smmu_target_fail_after(struct smmu_target *t, uint64_t n)
{
	t->accesses = 0;
	t->fail_after = n;
	return 0;
}

uint64_t smmu_target_accesses(const struct smmu_target *t)
{
	return t->accesses;
}

/* Every access to the machine passes here: counted, failed on demand, and
 * failed at once when the backend has gone away. */
static int access_check(struct smmu_target *t)
{
	if (t->dead)
		return -SMMU_E_BACKEND;
	return ++t->accesses >= t->fail_after && t->fail_after ? -EIO : 0;
}

/* A backend that answered -SMMU_E_BACKEND once stays dead for the library. */
static int access_done(struct smmu_target *t, int rc)
{
	if (rc == -SMMU_E_BACKEND)
		t->dead = true;
	return rc;
}

int smmu_mem_read(struct smmu_target *t, uint64_t pa, void *buf, size_t len)
{
	int rc = access_check(t);

	return rc ? rc : access_done(t, t->ops->mem_read(t->priv, pa, buf, len));
}

int smmu_mem_write(struct smmu_target *t, uint64_t pa, const void *buf, size_t len)
{
	int rc = access_check(t);

	if (!rc)
		rc = access_done(t, t->ops->mem_write(t->priv, pa, buf, len));
	if (!rc) { /* smmush's cached page tables see what was written */
		bool fills_invalid = smmu_domains_note_write(t, pa, buf, len);
		smmu_audit_note_write(t, pa, len, fills_invalid);
	}
	return rc;
}

int smmu_mmio_read(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t *val)
{
	int rc;

	if (size != 4 && size != 8)
		return -EINVAL;
	rc = access_check(t);
	return rc ? rc : access_done(t, t->ops->mmio_read(t->priv, addr, size, val));
}

/* A register write may change what other registers read (GCMD -> GSTS):
 * everything kept but the ID registers goes. */
static void kept_drop(struct smmu_unit *u)
{
	unsigned n = 0;

	for (unsigned i = 0; i < u->nkept; i++)
		if (u->kept[i].id)
			u->kept[n++] = u->kept[i];
	u->nkept = n;
}

static int mmio_write(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t val)
{
	int rc;

	if (size != 4 && size != 8)
		return -EINVAL;
	rc = access_check(t);
	return rc ? rc : access_done(t, t->ops->mmio_write(t->priv, addr, size, val));
}

/* Any register but a driver's: it may start a device (or a unit the library
 * did not point at its own memory) writing RAM, now or later. */
int smmu_mmio_write(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t val)
{
	t->devices_busy = true;
	for (size_t i = 0; i < t->nunits; i++) /* (it may be any unit's register) */
		kept_drop(&t->units[i]);
	return mmio_write(t, addr, size, val);
}

int smmu_device_mmio_write(struct smmu_target *t, uint64_t addr, unsigned size, uint64_t val)
{
	t->devices_busy = true;
	return mmio_write(t, addr, size, val);
}

int smmu_unit_reg_write(struct smmu_unit *u, uint32_t off, unsigned size, uint64_t val)
{
	kept_drop(u);
	return mmio_write(u->t, u->base + off, size, val);
}

int smmu_unit_reg_read_block(struct smmu_unit *u, uint32_t off, void *buf, size_t len)
{
	struct smmu_target *t = u->t;
	uint8_t *p = buf;
	int rc;

	if (t->ops->mmio_read_block)
		return (rc = access_check(t)) ? rc : access_done(t, t->ops->mmio_read_block(t->priv, u->base + off, buf, len));
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v;
		if ((rc = smmu_mmio_read(t, u->base + off + i, 8, &v)))
			return rc;
		memcpy(p + i, &v, 8);
	}
	return 0;
}

int smmu_unit_reg_write_block(struct smmu_unit *u, uint32_t off, const void *buf, size_t len)
{
	struct smmu_target *t = u->t;
	const uint8_t *p = buf;
	int rc;

	kept_drop(u);
	if (t->ops->mmio_write_block)
		return (rc = access_check(t)) ? rc : access_done(t, t->ops->mmio_write_block(t->priv, u->base + off, buf, len));
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		if ((rc = mmio_write(t, u->base + off + i, 8, v)))
			return rc;
	}
	return 0;
}

int smmu_unit_reg_read_kept(struct smmu_unit *u, uint32_t off, unsigned size, bool id, uint64_t *val)
{
	int rc;

	if (u->t->dead)
		return -SMMU_E_BACKEND; /* as any access once the backend is gone */
	for (unsigned i = 0; i < u->nkept; i++)
		if (u->kept[i].off == off) {
			*val = u->kept[i].val;
			return 0;
		}
	if ((rc = smmu_mmio_read(u->t, u->base + off, size, val)))
		return rc;
	/* only what the library alone changes: ID registers, or an owned
	 * unit's (a live machine's kernel drives the units it does not own) */
	if ((id || u->owned) && u->nkept < sizeof(u->kept) / sizeof(u->kept[0]))
		u->kept[u->nkept++] = (struct smmu_reg_kept){ off, id, *val };
	return 0;
}

void smmu_target_dma_done(struct smmu_target *t, bool busy_before)
{
	t->devices_busy = busy_before;
	t->foreign_epoch++; /* what it wrote is there now */
}

int smmu_pci_read(struct smmu_target *t, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	int rc;

	if ((size != 1 && size != 2 && size != 4) || off % size || off >= 4096)
		return -EINVAL;
	rc = access_check(t);
	return rc ? rc : access_done(t, t->ops->pci_read(t->priv, bdf, off, size, val));
}

int smmu_pci_write(struct smmu_target *t, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	int rc;

	if ((size != 1 && size != 2 && size != 4) || off % size || off >= 4096)
		return -EINVAL;
	t->devices_busy = true; /* (bus mastering, a BAR moved onto RAM...) */
	rc = access_check(t);
	return rc ? rc : access_done(t, t->ops->pci_write(t->priv, bdf, off, size, val));
}

int smmu_fw_table(struct smmu_target *t, const char *name, void **data, size_t *len)
{
	if (t->dead)
		return -SMMU_E_BACKEND;
	return t->ops->fw_table ? access_done(t, t->ops->fw_table(t->priv, name, data, len)) : -ENOENT;
}
