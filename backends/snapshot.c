/* SPDX-License-Identifier: MIT */
/*
 * The snapshot backend: a saved ELF core served read-only.  Memory from its
 * PT_LOAD segments, registers, PCI configuration space and firmware tables
 * from its notes.  A core smmush did not write (a kdump vmcore, /proc/kcore)
 * is memory only: its units and their registers come from -O smmuv3=/vtd=/
 * smmuv2=/amdvi= or from a companion snapshot (-O regs=FILE).  Every write is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "decoders/decode.h"
#include "lib/backend.h"
#include "lib/smmuv2.h"
#include "lib/snapshot.h"

static const struct smmu_backend_param params[] = {
	{ "regs", "", "a snapshot to take units, registers, firmware tables and PCI space from "
		      "(for a memory-only core: kdump vmcore, /proc/kcore)" },
	{ "smmuv3", "", "BASE[,REG=VALUE|REG.FIELD=VALUE...]: an SMMUv3 at BASE with these register "
			"values (others: a capable SMMUv3 that is enabled; e.g. "
			"smmuv3=0x9050000,strtab_base=0x...,strtab_base_cfg=0x...); repeatable" },
	{ "vtd", "", "BASE[,REG=VALUE|REG.FIELD=VALUE...]: a VT-d unit at BASE (others: remapping "
		     "enabled, 48-bit; e.g. vtd=0xfed90000,rtaddr=0x...); repeatable" },
	{ "smmuv2", "", "BASE[,REG=VALUE|REG[N]=VALUE|REG.FIELD=VALUE...]: an SMMUv2 / MMU-500 at BASE; N: "
			"the instance of SMRn, S2CRn and the context bank registers (others: translation enabled, "
			"16 SMRs, 8 context banks, 48-bit; e.g. smmuv2=0x2b400000,smr[0]=0x...,s2cr[0]=0x...,"
			"ttbr0[0]=0x...); repeatable" },
	{ "amdvi", "", "BASE[,REG=VALUE|REG.FIELD=VALUE...]: an AMD-Vi unit at BASE (others: translation "
		       "enabled, tables of up to 6 levels; e.g. amdvi=0xfed80000,devtab_base=0x...); repeatable" },
	{ "pci", "", "BB:DD.F[=VVVV:DDDD],...: PCI functions a memory-only core's machine had (it has no "
		     "configuration space); ID default 1b36:0005; -O smmuv3=/vtd=/smmuv2=/amdvi= units translate them "
		     "with StreamID (DeviceID) = requester ID" },
	{ NULL, NULL, NULL },
};

/* What a unit named only by its address is, unless told otherwise. */
static const char *const smmuv3_defaults[] = {
	"idr0.S1P=1", "idr0.S2P=1", "idr0.ST_LEVEL=1", "idr0.TTF=2", "idr1.SIDSIZE=16",
	"idr1.SSIDSIZE=20", "idr1.CMDQS=19", "idr1.EVENTQS=19", "idr5.OAS=5", "idr5.GRAN4K=1",
	"idr5.GRAN16K=1", "idr5.GRAN64K=1", "cr0.SMMUEN=1", "cr0ack.SMMUEN=1", NULL,
};
static const char *const vtd_defaults[] = {
	"ver=0x10", "cap.SAGAW=6", "cap.MGAW=47", "cap.NFR=7", "cap.FRO=0x22", "cap.SLLPS=3",
	"ecap.IRO=0x50", "gsts.TES=1", NULL,
};
/* the geometry (IDR0.NUMSMRG, IDR1) places the SMRs, S2CRs and banks */
static const char *const smmuv2_defaults[] = {
	"scr0.USFCFG=1", "idr0.S1TS=1", "idr0.S2TS=1", "idr0.NTS=1", "idr0.SMS=1", "idr0.NUMSMRG=16",
	"idr1.NUMCB=8", "idr1.NUMPAGENDXB=3", "idr2.IAS=5", "idr2.OAS=5", "idr2.UBS=5", "idr2.PTFSv8_4kB=1",
	"idr2.PTFSv8_16kB=1", "idr2.PTFSv8_64kB=1", NULL,
};
/* HATS 2: the tables may have 6 levels, so no DTE's Mode is refused */
static const char *const amdvi_defaults[] = { "control.IommuEn=1", "efr.HATS=2", NULL };

/* The architectures a unit can be hand-given for, by option name. */
static const struct opt_arch {
	unsigned arch;
	const char *opt, *prefix, *name;
	const char *const *defaults;
} opt_archs[] = {
	{ SMMU_ARCH_SMMUV3, "smmuv3", "smmuv3.", "SMMUv3", smmuv3_defaults },
	{ SMMU_ARCH_VTD, "vtd", "vtd.", "VT-d", vtd_defaults },
	{ SMMU_ARCH_SMMUV2, "smmuv2", "smmuv2.", "SMMUv2", smmuv2_defaults },
	{ SMMU_ARCH_AMDVI, "amdvi", "amdvi.", "AMD-Vi", amdvi_defaults },
};

static const struct smmu_snap *meta(const struct smmu_snap_be *be)
{
	return be->has_regs_snap ? &be->regs_snap : &be->snap;
}

const struct smmu_snap *smmu_snap_be_meta(const struct smmu_snap_be *be)
{
	return meta(be);
}

/* Where a hand-given unit's repeated registers are: SMMUv2's SMRn and S2CRn
 * (IDR0.NUMSMRG), GR1 and context bank registers (IDR1.NUMCB, placed as
 * IDR1 says).  Every other register, and every one of other architectures,
 * is one instance at its offset. */
struct opt_geom {
	unsigned nsmrg, ncb, pgshift, numpage;
};

static bool repeated(const struct smmu_desc *d)
{
	return (d->flags & (SMMU_D_GR1 | SMMU_D_CB)) || !strcmp(d->kind, "smmuv2.smr") ||
	       !strcmp(d->kind, "smmuv2.s2cr");
}

static unsigned instances(const struct smmu_desc *d, const struct opt_geom *g)
{
	if (!repeated(d))
		return 1;
	return d->flags & (SMMU_D_GR1 | SMMU_D_CB) ? g->ncb : g->nsmrg;
}

static uint64_t placed(const struct smmu_desc *d, const struct opt_geom *g, unsigned n)
{
	if (d->flags & SMMU_D_GR1)
		return (1ull << g->pgshift) + d->offset + 4ull * n;
	if (d->flags & SMMU_D_CB)
		return ((uint64_t)(g->numpage + n) << g->pgshift) + d->offset;
	return d->offset + 4ull * n;
}

/* One register of the file (two layouts of one register share it). */
static int add_reg(struct smmu_snap *o, uint64_t addr, unsigned size)
{
	for (size_t i = 0; i < o->nregs; i++)
		if (o->regs[i].addr == addr)
			return 0;
	struct smmu_snap_reg *r = realloc(o->regs, (o->nregs + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	o->regs = r;
	o->regs[o->nregs++] = (struct smmu_snap_reg){ .addr = addr, .size = (uint8_t)size };
	return 0;
}

static uint64_t reg_value(const struct smmu_snap *o, uint64_t addr)
{
	for (size_t i = 0; i < o->nregs; i++)
		if (o->regs[i].addr == addr)
			return o->regs[i].value;
	return 0;
}

/* Set reg[[N]][.field]=value on a hand-given unit's register file.  Without
 * g (the geometry is not known yet) repeated registers are left for later;
 * with it, only those are set. */
static int opt_reg(struct smmu_snap_be *be, const struct opt_arch *a, uint64_t base, const char *kv,
		   const struct opt_geom *g, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '='), *dot, *br;
	const struct smmu_desc *d = NULL;
	char kind[64], *end;
	unsigned long n = 0;

	if (!eq) {
		snprintf(err, errlen, "'%s': expected REG=VALUE", kv);
		return -EINVAL;
	}
	dot = memchr(kv, '.', eq - kv);
	const char *name_end = dot ? dot : eq;
	if ((br = memchr(kv, '[', name_end - kv))) {
		errno = 0;
		n = strtoul(br + 1, &end, 10);
		if (end == br + 1 || *end != ']' || end + 1 != name_end || errno) {
			snprintf(err, errlen, "'%s': expected REG[N]=VALUE", kv);
			return -EINVAL;
		}
		name_end = br;
	}
	snprintf(kind, sizeof(kind), "%s%.*s", a->prefix, (int)(name_end - kv), kv);
	for (char *c = kind; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	if (smmu_decoder_find(kind, &d, NULL) || !(d->flags & SMMU_D_REGISTER) || (d->flags & SMMU_D_DYNAMIC) ||
	    d->nwords != 1) {
		snprintf(err, errlen, "'%s': %s has no register %.*s", kv, a->name, (int)(name_end - kv), kv);
		return -EINVAL;
	}
	if (!g != !repeated(d))
		return 0; /* the other pass sets it */
	const struct opt_geom one = { 0 };
	unsigned count = instances(d, g ? g : &one);
	if (n >= count) {
		snprintf(err, errlen, "'%s': %s has %u instance%s", kv, d->name, count, count == 1 ? "" : "s");
		return -ERANGE;
	}
	errno = 0;
	uint64_t v = strtoull(eq + 1, &end, 0);
	if (!eq[1] || *end || errno) {
		snprintf(err, errlen, "'%s': '%s' is not a number", kv, eq + 1);
		return -EINVAL;
	}
	uint64_t mask = d->width == 64 ? UINT64_MAX : (1ull << d->width) - 1;
	if (dot) {
		const struct smmu_field *f = d->fields;
		size_t len = (size_t)(eq - dot - 1);
		for (; f->name; f++)
			if (strlen(f->name) == len && !strncasecmp(f->name, dot + 1, len))
				break;
		if (!f->name) {
			snprintf(err, errlen, "'%s': %s has no field %.*s", kv, d->name, (int)len, dot + 1);
			return -EINVAL;
		}
		mask = (f->hi == 63 ? UINT64_MAX : (1ull << (f->hi + 1)) - 1) & ~((1ull << f->lo) - 1);
		v <<= f->lo;
	}
	if (v & ~mask) {
		snprintf(err, errlen, "'%s': the value does not fit", kv);
		return -ERANGE;
	}
	struct smmu_snap *o = &be->opt;
	uint64_t addr = base + placed(d, g ? g : &one, (unsigned)n);
	for (size_t i = 0; i < o->nregs; i++)
		if (o->regs[i].addr == addr) {
			o->regs[i].value = (o->regs[i].value & ~mask) | v;
			return 0;
		}
	snprintf(err, errlen, "internal: register %s not found", kind);
	return -EINVAL;
}

/* Every register of the architecture, once or in every instance. */
static int opt_regs(struct smmu_snap *o, const struct opt_arch *a, uint64_t base, const struct opt_geom *g)
{
	int rc = 0;

	for (size_t i = 0; i < smmu_decoder_count() && !rc; i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if (!(d->flags & SMMU_D_REGISTER) || (d->flags & SMMU_D_DYNAMIC) || d->nwords != 1 ||
		    strncmp(d->kind, a->prefix, strlen(a->prefix)) || !g != !repeated(d))
			continue;
		for (unsigned n = 0; n < (g ? instances(d, g) : 1) && !rc; n++)
			rc = add_reg(o, base + placed(d, g ? g : &(const struct opt_geom){ 0 }, n), d->width / 8);
	}
	return rc;
}

/* -O smmuv3=BASE,... / vtd= / smmuv2= / amdvi=: every register of the
 * architecture at 0, then the defaults, then what the option says; SMMUv2's
 * repeated registers after IDR0 and IDR1 have placed them. */
static int opt_unit(struct smmu_snap_be *be, const struct opt_arch *a, const char *val, char *err, size_t errlen)
{
	char *copy = strdup(val), *save = NULL, *tok, *end, **toks;
	struct smmu_snap *o = &be->opt;
	size_t ntoks = 0;
	int rc = 0;

	if (!copy || !(toks = calloc(strlen(val) / 2 + 1, sizeof(*toks)))) {
		free(copy);
		return -ENOMEM;
	}
	tok = strtok_r(copy, ",", &save);
	errno = 0;
	uint64_t base = tok ? strtoull(tok, &end, 0) : 0;
	if (!tok || *end || errno) {
		snprintf(err, errlen, "%s=%s: expected BASE[,REG=VALUE...]", a->opt, val);
		rc = -EINVAL;
	} else if (be->nopt_units == sizeof(be->opt_units) / sizeof(be->opt_units[0])) {
		snprintf(err, errlen, "too many units");
		rc = -ENOSPC;
	}
	while (!rc && (tok = strtok_r(NULL, ",", &save)))
		toks[ntoks++] = tok;
	if (!rc) {
		be->opt_units[be->nopt_units++] = (struct smmu_snap_unit){ .arch = a->arch, .base = base };
		rc = opt_regs(o, a, base, NULL);
	}
	for (const char *const *def = a->defaults; *def && !rc; def++)
		rc = opt_reg(be, a, base, *def, NULL, err, errlen);
	for (size_t i = 0; i < ntoks && !rc; i++)
		rc = opt_reg(be, a, base, toks[i], NULL, err, errlen);
	struct opt_geom g = { 0 };
	if (!rc && a->arch == SMMU_ARCH_SMMUV2) {
		uint32_t idr0 = (uint32_t)reg_value(o, base + SMMUV2_IDR0), idr1 = (uint32_t)reg_value(o, base + SMMUV2_IDR1);
		g.nsmrg = (unsigned)SMMU_GET(SMMUV2_IDR0_NUMSMRG, idr0);
		g.ncb = (unsigned)SMMU_GET(SMMUV2_IDR1_NUMCB, idr1);
		smmuv2_layout(idr1, &g.pgshift, &g.numpage);
		rc = opt_regs(o, a, base, &g);
	}
	for (size_t i = 0; i < ntoks && !rc; i++)
		rc = opt_reg(be, a, base, toks[i], &g, err, errlen);
	free(toks);
	free(copy);
	return rc;
}

/* -O pci=BB:DD.F[=VVVV:DDDD],...: synthetic configuration headers. */
static int opt_pci(struct smmu_snap_be *be, const char *val, char *err, size_t errlen)
{
	char *copy = strdup(val), *save = NULL, *tok;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		unsigned b, d, f, ven = 0x1b36, dev = 0x0005;
		int n = 0, m = 0;
		bool ok = sscanf(tok, "%2x:%2x.%1x%n", &b, &d, &f, &n) == 3 && d <= 31 && f <= 7;
		if (ok && tok[n])
			ok = sscanf(tok + n, "=%4x:%4x%n", &ven, &dev, &m) == 2 && !tok[n + m];
		if (!ok) {
			snprintf(err, errlen, "pci=%s: '%s' is not BB:DD.F[=VVVV:DDDD]", val, tok);
			rc = -EINVAL;
			break;
		}
		if (be->nopt_pci == sizeof(be->opt_pci) / sizeof(be->opt_pci[0])) {
			snprintf(err, errlen, "pci=: too many functions");
			rc = -ENOSPC;
			break;
		}
		uint8_t *c = be->opt_pci_cfg[be->nopt_pci];
		memset(c, 0, 64);
		snap_wr16(c, (uint16_t)ven);
		snap_wr16(c + 2, (uint16_t)dev);
		c[14] = 0x80; /* multi-function: every function is looked at */
		be->opt_pci[be->nopt_pci++] = (struct smmu_snap_blob){ .bdf = (uint16_t)(b << 8 | d << 3 | f),
								       .data = c, .len = 64 };
	}
	free(copy);
	return rc;
}

static int cmp_reg_addr(const void *a, const void *b)
{
	const struct smmu_snap_reg *x = a, *y = b;
	return x->addr != y->addr ? (x->addr < y->addr ? -1 : 1) : (int)x->size - (int)y->size;
}

static void be_close(void *priv)
{
	struct smmu_snap_be *be = priv;

	if (!be)
		return;
	smmu_snap_free(&be->snap);
	if (be->has_regs_snap)
		smmu_snap_free(&be->regs_snap);
	free(be->opt.regs);
	free(be);
}

static int be_open(const char *variant, const char *const *opts, size_t nopts, void **priv, char *err,
		   size_t errlen)
{
	struct smmu_snap_be *be;
	int rc = 0;

	if (!variant || !*variant) {
		snprintf(err, errlen, "which file? (--target snapshot:FILE)");
		return -EINVAL;
	}
	if (!(be = calloc(1, sizeof(*be))))
		return -ENOMEM;
	be->snap.fd = be->regs_snap.fd = -1;
	snprintf(be->path, sizeof(be->path), "%s", variant);
	if ((rc = smmu_snap_open(&be->snap, variant, err, errlen))) {
		free(be);
		return rc;
	}
	for (size_t i = 0; i < nopts && !rc; i++) {
		const char *v = strchr(opts[i], '=') + 1;
		if (!strncmp(opts[i], "regs=", 5)) {
			if (be->has_regs_snap) {
				snprintf(err, errlen, "regs= given twice");
				rc = -EINVAL;
			} else if (!(rc = smmu_snap_open(&be->regs_snap, v, err, errlen))) {
				be->has_regs_snap = true;
				if (!be->regs_snap.ours) {
					snprintf(err, errlen, "regs=%s: not a smmush snapshot (no registers in it)", v);
					rc = -SMMU_E_PARSE;
				}
			}
		} else if (!strncmp(opts[i], "pci=", 4)) {
			rc = opt_pci(be, v, err, errlen);
		} else {
			for (size_t k = 0; k < sizeof(opt_archs) / sizeof(opt_archs[0]); k++)
				if ((size_t)(v - 1 - opts[i]) == strlen(opt_archs[k].opt) &&
				    !strncmp(opts[i], opt_archs[k].opt, strlen(opt_archs[k].opt)))
					rc = opt_unit(be, &opt_archs[k], v, err, errlen);
		}
	}
	if (!rc && be->opt.nregs)
		qsort(be->opt.regs, be->opt.nregs, sizeof(*be->opt.regs), cmp_reg_addr);
	if (rc) {
		be_close(be);
		return rc;
	}
	const struct smmu_snap *m = meta(be);
	if (m->ours) {
		char when[32] = "?";
		time_t secs = (time_t)(m->time_ns / 1000000000u);
		struct tm tm;
		if (gmtime_r(&secs, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(be->desc, sizeof(be->desc), "snapshot of %.60s taken %s (%.120s)%s%.80s", m->spec, when,
			 m->describe, m->note[0] ? ": " : "", m->note);
	} else {
		snprintf(be->desc, sizeof(be->desc), "memory-only ELF core %.240s (%zu ranges)", be->path, be->snap.nsegs);
	}
	*priv = be;
	return 0;
}

static int be_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	struct smmu_snap_be *be = priv;

	return smmu_snap_mem(&be->snap, pa, buf, len);
}

static int be_readonly(void)
{
	return -SMMU_E_READONLY;
}

static int be_mem_write(void *priv, uint64_t pa, const void *buf, size_t len)
{
	(void)priv, (void)pa, (void)buf, (void)len;
	return be_readonly();
}

static int be_mmio_read(void *priv, uint64_t addr, unsigned size, uint64_t *val)
{
	struct smmu_snap_be *be = priv;
	int rc = be->opt.nregs ? smmu_snap_reg(&be->opt, addr, size, val) : -ENXIO;

	if (rc == -ENXIO)
		rc = smmu_snap_reg(meta(be), addr, size, val);
	if (rc == -ENXIO) {
		/* not recorded: nothing answers there, as on a bus with no device */
		*val = 0;
		return 0;
	}
	return rc;
}

static int be_mmio_write(void *priv, uint64_t addr, unsigned size, uint64_t val)
{
	(void)priv, (void)addr, (void)size, (void)val;
	return be_readonly();
}

static int be_pci_read(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val)
{
	const struct smmu_snap_be *be = priv;
	const struct smmu_snap *m = meta(be);

	for (size_t i = 0; i < m->npci + be->nopt_pci; i++) {
		const struct smmu_snap_blob *b = i < m->npci ? &m->pci[i] : &be->opt_pci[i - m->npci];
		if (b->bdf != bdf)
			continue;
		uint32_t v = 0;
		for (unsigned k = 0; k < size; k++)
			v |= (uint32_t)(off + k < b->len ? b->data[off + k] : 0) << (8 * k);
		*val = v;
		return 0;
	}
	*val = size == 4 ? 0xffffffffu : size == 2 ? 0xffff : 0xff; /* no device */
	return 0;
}

static int be_pci_write(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val)
{
	(void)priv, (void)bdf, (void)off, (void)size, (void)val;
	return be_readonly();
}

static int be_pci_bar_size(void *priv, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size)
{
	return smmu_snap_bar_size(meta(priv), seg, bdf, bar, size);
}

static int be_fw_table(void *priv, const char *name, void **data, size_t *len)
{
	const struct smmu_snap *m = meta(priv);

	for (size_t i = 0; i < m->nfw; i++)
		if (!strcmp(m->fw[i].name, name)) {
			if (!(*data = calloc(1, m->fw[i].len ? m->fw[i].len : 1)))
				return -ENOMEM;
			memcpy(*data, m->fw[i].data, m->fw[i].present);
			*len = m->fw[i].len;
			return 0;
		}
	return -ENOENT;
}

static int be_table_region(void *priv, uint64_t *base, uint64_t *size)
{
	(void)priv, (void)base, (void)size;
	return be_readonly();
}

/* The RAM the machine had, as the capture's backend said (the RAM note);
 * for files without it, a capture saved with --ram holds the RAM itself. */
static int be_ram_ranges(void *priv, uint64_t (*ranges)[2], size_t max)
{
	struct smmu_snap_be *be = priv;
	const struct smmu_snap *m = meta(be), *mem = &be->snap;
	size_t n = 0;

	if (m->has_ram) {
		for (; n < m->nram && n < max; n++) {
			ranges[n][0] = m->ram[n][0];
			ranges[n][1] = m->ram[n][1];
		}
		return (int)n;
	}
	if (!mem->ours || !(mem->flags & SMMU_SNAP_F_RAM))
		return -ENOTSUP;
	for (size_t i = 0; i < mem->nsegs && n < max; i++, n++) {
		ranges[n][0] = mem->segs[i].pa;
		ranges[n][1] = mem->segs[i].memsz;
	}
	return (int)n;
}

static uint64_t be_now(void *priv)
{
	return meta(priv)->clock_ns;
}

static const char *be_describe(void *priv)
{
	return ((struct smmu_snap_be *)priv)->desc;
}

const struct smmu_backend_ops smmu_backend_snapshot = {
	.name = "snapshot",
	.help = "a snapshot saved by 'snapshot save' (or a kdump vmcore / ELF core: memory only), read-only",
	.variants = "FILE",
	.params = params,
	.open = be_open,
	.close = be_close,
	.mem_read = be_mem_read,
	.mem_write = be_mem_write,
	.mmio_read = be_mmio_read,
	.mmio_write = be_mmio_write,
	.pci_read = be_pci_read,
	.pci_write = be_pci_write,
	.pci_bar_size = be_pci_bar_size,
	.fw_table = be_fw_table,
	.table_region = be_table_region,
	.ram_ranges = be_ram_ranges,
	.now_ns = be_now,
	.describe = be_describe,
};
