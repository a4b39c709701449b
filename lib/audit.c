/* SPDX-License-Identifier: MIT */
/*
 * The isolation audit: for every unit and DMA-capable device, what its
 * requests get, what physical memory it reaches (walked from the live
 * tables), what that memory is, and findings with a severity each.
 *
 * Phases: (1) units: translating or not, and what everyone behind a unit
 * that does not translate gets; (2) devices: the requester ID their DMA
 * really carries (PCIe-to-PCI bridges take ownership of requests from behind
 * them), its live configuration, a walk of its tables collecting coalesced
 * ranges and the table pages; (3) the memory map: RAM, other devices' MMIO,
 * units' registers and every structure they read, firmware-reserved ranges;
 * (4) each range classified against it; (5) findings.
 *
 * Nested devices reach the composition of both stages: stage 1's ranges
 * (IOVA -> IPA, its tables read through stage 2) each walked in stage 2.
 *
 * Hooks that wait on work elsewhere, marked TODO(reserved): per-device
 * reserved regions (today RMRR and IORT RMR ranges classify memory as
 * reserved; nobody says yet which device each one opens).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libfdt.h>

#include "decoders/acpi.h"
#include "lib/amdvi.h"
#include "lib/domain.h"
#include "lib/pgtable.h"
#include "lib/smmuv2.h"
#include "lib/smmuv3.h"
#include "lib/target.h"
#include "lib/vtd.h"

/* --- small growable arrays ------------------------------------------------------ */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vec, item)                                                                      \
	({                                                                                       \
		int _rc = 0;                                                                     \
		if ((vec).n == (vec).cap) {                                                      \
			size_t _c = (vec).cap ? (vec).cap * 2 : 16;                              \
			void *_p = realloc((vec).v, _c * sizeof(*(vec).v));                     \
			if (_p) {                                                                \
				(vec).v = _p;                                                    \
				(vec).cap = _c;                                                  \
			} else {                                                                 \
				_rc = -ENOMEM;                                                   \
			}                                                                        \
		}                                                                                \
		if (!_rc)                                                                        \
			(vec).v[(vec).n++] = (item);                                             \
		_rc;                                                                             \
	})

struct region {
	uint64_t base, size;
	enum smmu_mem_kind kind;
	char what[96];
};

/* A structure the unit reads for one substream of a device. */
struct sub_step {
	uint64_t addr, size;
	const char *what; /* the configuration step's words: "CD", "PASID entry" */
	uint32_t ssid;
};

struct adev {
	struct smmu_audit_device pub;
	VEC(struct smmu_audit_range) ranges;
	VEC(struct smmu_audit_hit) hits;
	VEC(uint64_t) tables;      /* page-table pages its walk read */
	VEC(struct smmu_audit_pasid) pasids;
	VEC(uint64_t) pasid_roots; /* each PASID's table root (overlaps within one domain are by design) */
	VEC(struct sub_step) sub_steps; /* each substream's own structures (its CD, PASID entry...) */
	size_t merge_from;         /* ranges before it belong to another stream: never extended */
	unsigned granule;
	struct smmu_config cfg;
	bool have_cfg;
	bool can_priv;             /* it can send privileged requests */
	bool priv_forced_off;      /* SMMUv3 STE.PRIVCFG: every request unprivileged */
	unsigned eats;             /* SMMUv3 STE.EATS, VT-d: 1 when device-TLBs are allowed */
	char alias_via[40];        /* a bridge's address (struct smmu_device.addr) */
};

struct smmu_audit {
	struct smmu_target *t;
	struct smmu_audit_unit units[SMMU_MAX_UNITS];
	size_t nunits;
	VEC(struct adev) devs;
	VEC(struct region) regions;
	VEC(struct smmu_audit_finding) findings;
};

const char *smmu_severity_name(enum smmu_severity s)
{
	static const char *const n[] = { "info", "low", "medium", "high", "critical" };
	return (unsigned)s < 5 ? n[s] : "?";
}

int smmu_severity_parse(const char *s, enum smmu_severity *out)
{
	for (int i = 0; i < 5; i++) {
		const char *n = smmu_severity_name(i);
		if (!strcasecmp(s, n) || (s[0] && !s[1] && (s[0] | 0x20) == n[0])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *smmu_audit_verdict_name(enum smmu_audit_verdict v)
{
	static const char *const n[] = { "translated", "bypass", "abort", "uncovered" };
	return (unsigned)v < 4 ? n[v] : "?";
}

const char *smmu_mem_kind_name(enum smmu_mem_kind k)
{
	static const char *const n[] = { "ram", "mmio", "iommu-registers", "iommu-table", "reserved", "unknown" };
	return (unsigned)k <= SMMU_MEM_UNKNOWN ? n[k] : "?";
}

/* --- stale state: writes into the table region not yet invalidated --------------- */
void smmu_audit_note_write(struct smmu_target *t, uint64_t pa, size_t len, bool fills_invalid)
{
	if (!t->tables_ready || pa + len <= t->tables.base || pa >= t->tables.base + t->tables.size)
		return;
	for (size_t i = 0; i < t->nunits; i++) {
		struct smmu_unit *u = &t->units[i];
		if (!u->owned)
			continue;
		/* what a unit may hold stale is a valid entry changed or removed:
		 * filling invalid ones is not, where invalid entries are not cached */
		if (fills_invalid && !smmu_unit_caches_invalid(u))
			continue;
		bool merged = false; /* a write next to one already kept extends it */
		for (unsigned k = 0; k < u->nstale && !merged; k++) {
			uint64_t b = u->stale[k].pa, e = b + u->stale[k].len;
			if (pa <= e && pa + len >= b) {
				uint64_t nb = pa < b ? pa : b, ne = pa + len > e ? pa + len : e;
				u->stale[k].pa = nb;
				u->stale[k].len = ne - nb;
				merged = true;
			}
		}
		if (merged)
			continue;
		if (u->nstale == sizeof(u->stale) / sizeof(u->stale[0])) {
			u->stale_more = true;
			continue;
		}
		u->stale[u->nstale].pa = pa;
		u->stale[u->nstale++].len = len;
	}
}

void smmu_audit_note_flush(struct smmu_unit *u)
{
	u->nstale = 0;
	u->stale_more = false;
}

/* --- findings ---------------------------------------------------------------------- */
__attribute__((format(printf, 7, 8)))
static int finding(struct smmu_audit *a, enum smmu_severity sev, const char *id, struct smmu_unit *u,
		   const char *dev, const char *other, const char *fmt, ...)
{
	struct smmu_audit_finding f = { .sev = sev, .id = id, .unit = u, .dev = dev, .other = other };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f.reason, sizeof(f.reason), fmt, ap);
	va_end(ap);
	return VEC_PUSH(a->findings, f);
}

static int finding_range(struct smmu_audit *a, enum smmu_severity sev, const char *id, struct smmu_unit *u,
			 const char *dev, const char *other, uint64_t pa, uint64_t size, const char *reason)
{
	struct smmu_audit_finding f = { .sev = sev, .id = id, .unit = u, .dev = dev, .other = other,
					.has_range = true, .pa = pa, .size = size };

	snprintf(f.reason, sizeof(f.reason), "%s", reason);
	return VEC_PUSH(a->findings, f);
}

static const char *prot_str(unsigned prot, char *buf)
{
	char *p = buf;
	*p++ = prot & SMMU_PROT_R ? 'r' : '-';
	*p++ = prot & SMMU_PROT_W ? 'w' : '-';
	*p++ = prot & SMMU_PROT_X ? 'x' : '-';
	if (prot & SMMU_PROT_PRIV)
		*p++ = 'p';
	*p = 0;
	return buf;
}

/* --- PCI: capabilities and the requester ID a device's DMA carries ---------------- */
static int cfg32(struct smmu_target *t, const struct smmu_device_info *di, unsigned off, uint32_t *v)
{
	if (di->segment)
		return t->ops->pci_read_seg ? t->ops->pci_read_seg(t->priv, di->segment, di->bdf, off, 4, v) : -ENODEV;
	return smmu_pci_read(t, di->bdf, off, 4, v);
}

/* The offset of a capability (ext: extended, ID in bits 15:0), or 0. */
static unsigned find_cap(struct smmu_target *t, const struct smmu_device_info *di, unsigned id, bool ext)
{
	uint32_t v;

	if (!ext) {
		if (cfg32(t, di, 0x04, &v) || !(v & (1u << 20))) /* STATUS.CapList */
			return 0;
		if (cfg32(t, di, 0x34, &v))
			return 0;
		unsigned off = v & 0xfc;
		for (int n = 0; off && n < 48; n++) { /* a looping chain ends */
			if (cfg32(t, di, off, &v))
				return 0;
			if ((v & 0xff) == id)
				return off;
			off = (v >> 8) & 0xfc;
		}
		return 0;
	}
	unsigned off = 0x100;
	for (int n = 0; off >= 0x100 && off < 0x1000 && n < 128; n++) {
		if (cfg32(t, di, off, &v) || v == 0 || v == ~0u)
			return 0;
		if ((v & 0xffff) == id)
			return off;
		off = v >> 20;
	}
	return 0;
}

#define PCI_CAP_EXP 0x10
#define PCI_EXP_TYPE_PCI_BRIDGE 0x7 /* PCI Express to PCI/PCI-X bridge */
#define PCI_EXT_ATS 0x000f
#define PCI_EXT_PRI 0x0013
#define PCI_EXT_PASID 0x001b

/* The bridge whose secondary bus is `bus` (same segment), or NULL. */
static struct smmu_device *bridge_of(struct smmu_target *t, uint16_t seg, unsigned bus)
{
	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *b = &t->devices[i];
		uint32_t v;
		if (b->info.bus != SMMU_BUS_PCI || b->info.segment != seg || (b->info.class_rev >> 16) != 0x0604)
			continue;
		if (!cfg32(t, &b->info, 0x18, &v) && ((v >> 8) & 0xff) == bus && (v & 0xff) < bus)
			return b;
	}
	return NULL;
}

/* Follow the bridges above d: each PCIe-to-PCI bridge (and a conventional
 * bridge above which the path is PCIe) takes ownership of the requests. */
static void dma_alias(struct smmu_target *t, struct adev *ad)
{
	const struct smmu_device_info *di = &ad->pub.dev->info;
	uint16_t rid = di->bdf;
	unsigned bus = di->bdf >> 8;

	for (int depth = 0; bus && depth < 32; depth++) {
		struct smmu_device *b = bridge_of(t, di->segment, bus);
		if (!b)
			break;
		unsigned exp = find_cap(t, &b->info, PCI_CAP_EXP, false);
		uint32_t v = 0;
		if (exp && !cfg32(t, &b->info, exp, &v) && ((v >> 20) & 0xf) == PCI_EXP_TYPE_PCI_BRIDGE) {
			/* PCIe to PCI/PCI-X Bridge specification 1.0, 2.3: the
			 * secondary bus number, device 0, function 0 */
			rid = (uint16_t)(bus << 8);
			snprintf(ad->alias_via, sizeof(ad->alias_via), "%s", b->addr);
		} else if (!exp) {
			rid = b->info.bdf; /* a conventional bridge: its own ID */
			snprintf(ad->alias_via, sizeof(ad->alias_via), "%s", b->addr);
		}
		bus = b->info.bdf >> 8;
	}
	ad->pub.dma_rid = rid;
	ad->pub.dma_sid = di->sid;
	if (rid == di->bdf)
		return;
	ad->pub.aliased = true;
	ad->pub.alias_via = ad->alias_via;
	/* the StreamID / source-id the alias maps to, by the firmware's maps */
	for (size_t m = 0; m < smmu_id_map_count(t); m++) {
		struct smmu_id_map_info mi;
		if (smmu_id_map_get(t, m, &mi) || !mi.unit || mi.unit != di->unit || mi.segment != di->segment)
			continue;
		uint32_t r = rid & mi.rid_mask;
		if (r >= mi.rid_base && r - mi.rid_base < mi.count) {
			ad->pub.dma_sid = mi.out_base + (r - mi.rid_base);
			break;
		}
	}
}

static void pcie_caps(struct smmu_target *t, struct adev *ad)
{
	const struct smmu_device_info *di = &ad->pub.dev->info;
	unsigned off;
	uint32_t v;

	if (di->bus != SMMU_BUS_PCI) {
		ad->can_priv = true; /* a platform master sets its own attributes */
		return;
	}
	if ((off = find_cap(t, di, PCI_EXT_ATS, true))) {
		ad->pub.ats = true;
		ad->pub.ats_enabled = !cfg32(t, di, off + 4, &v) && (v >> 16) & 0x8000; /* ATS Control.Enable */
	}
	if (find_cap(t, di, PCI_EXT_PRI, true))
		ad->pub.pri = true;
	if ((off = find_cap(t, di, PCI_EXT_PASID, true))) {
		ad->pub.pasid = true;
		/* PASID Capability: Privileged Mode Supported (bit 2), Enable (control bit 2) */
		if (!cfg32(t, di, off + 4, &v) && (v & (1u << 2)) && (v >> 16) & (1u << 2))
			ad->can_priv = true;
	}
	/* sim's test devices set request attributes from a register */
	if (di->caps & SMMU_DEV_STORM)
		ad->can_priv = true;
}

/* --- one device: configuration, verdict, walk ------------------------------------ */
static uint64_t lo_max(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t hi_min(uint64_t a, uint64_t b) { return a < b ? a : b; }

struct walk_ctx {
	struct adev *ad;
	bool af_used; /* a leaf with AF=0 is used (smmu_config.af_used) */
	int err;
};

/* A leaf the unit uses: valid, or valid but for an Access flag it does not fault on. */
static bool leaf_used(const struct smmu_pgt_entry *e, bool af_used)
{
	return e->type == SMMU_PGT_E_LEAF && (e->status == SMMU_PGT_OK || (af_used && e->status == SMMU_PGT_F_ACCESS));
}

/* One more piece of reach, merged into the last range when it continues it. */
static int add_range(struct adev *ad, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	struct smmu_audit_range *last = ad->ranges.n > ad->merge_from ? &ad->ranges.v[ad->ranges.n - 1] : NULL;
	if (last && last->prot == prot && last->iova + last->size == iova && last->pa + last->size == pa) {
		last->size += size;
		return 0;
	}
	return VEC_PUSH(ad->ranges, ((struct smmu_audit_range){ .iova = iova, .pa = pa, .size = size, .prot = prot }));
}

static bool have_table(const struct adev *ad, uint64_t pa)
{
	for (size_t i = 0; i < ad->tables.n; i++)
		if (ad->tables.v[i] == pa)
			return true;
	return false;
}

static int walk_visit(void *arg, const struct smmu_pgt_entry *e)
{
	struct walk_ctx *w = arg;
	struct adev *ad = w->ad;

	/* substreams often share tables: each page once */
	if (e->index == 0 && (!ad->tables.n || ad->tables.v[ad->tables.n - 1] != e->table_pa) &&
	    !have_table(ad, e->table_pa))
		if ((w->err = VEC_PUSH(ad->tables, e->table_pa)))
			return w->err;
	if (!leaf_used(e, w->af_used))
		return 0;
	unsigned prot = e->prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X | SMMU_PROT_PRIV);
	if (!(prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X)))
		return 0;
	return (w->err = add_range(ad, e->iova, e->addr, e->size, prot));
}

/* --- nested: stage 1's ranges through stage 2 --------------------------------------- */
struct compose_ctx {
	struct adev *ad;
	struct smmu_audit_range s1; /* pa: the intermediate address */
	bool af_used;               /* stage 2's */
	int err;
};

/* A stage-2 entry under one stage-1 range: the part of it the range
 * covers, with the permissions both stages give (privilege is stage 1's). */
static int compose_visit(void *arg, const struct smmu_pgt_entry *e)
{
	struct compose_ctx *c = arg;
	struct adev *ad = c->ad;
	const struct smmu_audit_range *s1 = &c->s1;

	bool last = ad->tables.n && ad->tables.v[ad->tables.n - 1] == e->table_pa; /* the common case, cheap */
	if (!last && !have_table(ad, e->table_pa) && (c->err = VEC_PUSH(ad->tables, e->table_pa)))
		return c->err;
	if (!leaf_used(e, c->af_used))
		return 0;
	uint64_t lo = lo_max(e->iova, s1->pa), hi = hi_min(e->iova + (e->size - 1), s1->pa + (s1->size - 1));
	unsigned rwx = SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X;
	unsigned prot = (s1->prot & e->prot & rwx) | (s1->prot & SMMU_PROT_PRIV);
	if (lo > hi || !(prot & rwx))
		return 0;
	return (c->err = add_range(ad, s1->iova + (lo - s1->pa), e->addr + (lo - e->iova), hi - lo + 1, prot));
}

/* ad->ranges[from..] and ad->tables[tfrom..] hold a stage 1's walk (outputs
 * and table pages at intermediate addresses): replace them with what the
 * device reaches in physical memory, and add stage 2's own table pages.  A
 * stage-1 output beyond stage 2's input size reaches nothing (stage 2 faults). */
static int compose_nested(struct smmu_audit *a, struct adev *ad, const struct smmu_config *cfg, size_t from,
			  size_t tfrom)
{
	struct smmu_pgt *s2;
	struct smmu_pgt_walk_stats st;
	int rc;

	if ((rc = smmu_pgt_open_live(&cfg->s2pgt, &a->t->mem, cfg->s2root, &s2))) {
		ad->ranges.n = from;
		ad->tables.n = tfrom;
		ad->pub.walk_incomplete = true; /* stage 2 cannot be opened here: what it allows is unknown */
		return 0;
	}
	/* stage 1's table pages: where stage 2 puts them (none if it does not) */
	size_t kept = tfrom;
	for (size_t i = tfrom; i < ad->tables.n; i++) {
		struct smmu_pgt_xlate x;
		if (!smmu_pgt_translate(s2, ad->tables.v[i], 0, &x))
			ad->tables.v[kept++] = x.oa;
	}
	ad->tables.n = kept;
	if (cfg->s2root && !have_table(ad, cfg->s2root) && (rc = VEC_PUSH(ad->tables, cfg->s2root)))
		goto out;
	size_t ns1 = ad->ranges.n - from;
	struct smmu_audit_range *s1 = malloc((ns1 ? ns1 : 1) * sizeof(*s1));
	if (!s1) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(s1, ad->ranges.v + from, ns1 * sizeof(*s1));
	ad->ranges.n = ad->merge_from = from;
	uint64_t s2_in = cfg->s2pgt.ias >= 64 || !cfg->s2pgt.ias ? UINT64_MAX : (1ull << cfg->s2pgt.ias) - 1;
	for (size_t i = 0; i < ns1 && !rc; i++) {
		struct compose_ctx c = { .ad = ad, .s1 = s1[i], .af_used = cfg->s2_af_used };
		if (c.s1.pa > s2_in)
			continue;
		if (c.s1.size - 1 > s2_in - c.s1.pa)
			c.s1.size = s2_in - c.s1.pa + 1;
		rc = smmu_pgt_walk(s2, c.s1.pa, c.s1.size, 0, 0, compose_visit, &c, &st);
		if (c.err)
			rc = c.err;
		else if (rc == -SMMU_E_LOOP || rc == -ERANGE || st.count[SMMU_PGT_F_TABLE_READ] ||
			 st.count[SMMU_PGT_F_LOOP] || st.count[SMMU_PGT_F_BUDGET]) {
			ad->pub.walk_incomplete = true;
			rc = 0;
		}
	}
	free(s1);
out:
	smmu_pgt_destroy(s2);
	return rc;
}

static uint64_t pa_space(const struct smmu_unit_status *st, const struct smmu_config *cfg)
{
	unsigned oas = cfg && cfg->pgt.oas ? cfg->pgt.oas : 48;
	(void)st;
	return oas >= 64 ? UINT64_MAX : 1ull << oas;
}

static void ste_details(struct adev *ad)
{
	const struct smmu_cfg_step *s;

	if ((s = smmu_config_step(&ad->cfg, SMMU_CS_STE)) && s->nwords >= 2) {
		struct smmu_ste_info si;
		smmu_ste_info(s->words, &si);
		ad->eats = (unsigned)SMMU_GETW(SMMUV3_STE_EATS, s->words);
		ad->priv_forced_off = SMMU_GETW(SMMUV3_STE_PRIVCFG, s->words) == 2;
		if (si.valid && si.s1 && si.s2)
			ad->pub.nested = true;
		if (si.valid && si.s1)
			ad->pub.stages |= SMMU_AUDIT_S1;
		if (si.valid && si.s2)
			ad->pub.stages |= SMMU_AUDIT_S2;
	}
	/* SMMUv2: a nested bank's chain reports its stage 2 bank */
	for (unsigned k = 0; k < ad->cfg.nsteps; k++) {
		s = &ad->cfg.step[k];
		if (s->kind && !strcmp(s->kind, "smmuv2.cbar") &&
		    SMMU_GET(SMMUV2_CBAR_TYPE, s->words[0]) == SMMUV2_CBAR_TYPE_NESTED) {
			ad->pub.nested = true;
			ad->pub.stages |= SMMU_AUDIT_S1 | SMMU_AUDIT_S2;
		}
	}
	if ((s = smmu_config_step(&ad->cfg, SMMU_CS_CONTEXT)) && s->nwords >= 2) {
		if (!strcmp(s->kind, "vtd.ctx"))
			ad->eats = SMMU_GETW(VTD_CTX_TT, s->words) == 1;
		else
			ad->eats = SMMU_GETW(VTD_SM_CTX_DTE, s->words);
	}
}

static int walk_stream(struct smmu_audit *a, struct adev *ad, const struct smmu_stream *s, const struct smmu_config *cfg);

static int audit_device(struct smmu_audit *a, struct adev *ad)
{
	struct smmu_target *t = a->t;
	struct smmu_device *d = ad->pub.dev;
	struct smmu_unit *u = d->info.unit;
	int rc;

	struct smmu_device_info di;
	smmu_device_info(d, &di); /* fills the name from pci.ids */
	ad->pub.addr = d->addr;
	ad->pub.name = d->name;
	ad->pub.unit = u;
	ad->pub.sid = d->info.sid;
	ad->pub.domain = d->domain ? d->domain->name : NULL;
	pcie_caps(t, ad);
	if (!u) {
		ad->pub.verdict = SMMU_AUDIT_UNCOVERED;
		snprintf(ad->pub.reason, sizeof(ad->pub.reason), "no IOMMU unit covers it (firmware maps it to none)");
		struct smmu_audit_range r = { 0, 0, pa_space(NULL, NULL), SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X };
		return VEC_PUSH(ad->ranges, r);
	}
	dma_alias(t, ad);
	struct smmu_stream s = { .sid = ad->pub.dma_sid };
	if ((rc = smmu_unit_config(u, &s, &ad->cfg)))
		return rc;
	ad->have_cfg = true;
	snprintf(ad->pub.reason, sizeof(ad->pub.reason), "%s", ad->cfg.reason);
	ste_details(ad);
	if (ad->cfg.nested) {
		ad->pub.nested = true;
		ad->pub.stages = SMMU_AUDIT_S1 | SMMU_AUDIT_S2;
	}
	switch (ad->cfg.verdict) {
	case SMMU_CFG_BYPASS: {
		ad->pub.verdict = SMMU_AUDIT_BYPASS;
		ad->pub.stages = 0;
		struct smmu_audit_range r = { 0, 0, pa_space(NULL, NULL), SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X };
		return VEC_PUSH(ad->ranges, r);
	}
	case SMMU_CFG_ABORT:
		ad->pub.verdict = SMMU_AUDIT_ABORT;
		ad->pub.stages = 0;
		return 0;
	case SMMU_CFG_FAULT:
		ad->pub.verdict = SMMU_AUDIT_ABORT; /* the unit refuses the configuration */
		ad->pub.stages = 0;
		return 0;
	case SMMU_CFG_TRANSLATE:
		break;
	}
	ad->pub.verdict = SMMU_AUDIT_TRANSLATED;
	if (!ad->pub.stages)
		ad->pub.stages = ad->cfg.pgt.fmt == SMMU_PGT_AMD_V1 ? SMMU_AUDIT_V1
				 : ad->cfg.pgt.fmt == SMMU_PGT_LPAE_S1 || ad->cfg.pgt.fmt == SMMU_PGT_VTD_FL ? SMMU_AUDIT_S1
				 : SMMU_AUDIT_S2;
	ad->granule = ad->cfg.pgt.granule ? ad->cfg.pgt.granule : 4096;
	return walk_stream(a, ad, &s, &ad->cfg);
}

/* One requester's tables walked (the whole input space, both canonical
 * halves), their ranges after the device's others; nested, composed. */
static int walk_stream(struct smmu_audit *a, struct adev *ad, const struct smmu_stream *s, const struct smmu_config *cfg)
{
	struct walk_ctx w = { .ad = ad, .af_used = cfg->af_used };
	struct smmu_pgt_walk_stats st;
	size_t from = ad->merge_from = ad->ranges.n, tfrom = ad->tables.n;
	int rc;

	if (cfg->root && !have_table(ad, cfg->root) && (rc = VEC_PUSH(ad->tables, cfg->root)))
		return rc;
	rc = smmu_walk_raw(ad->pub.unit, s, 0, 0, walk_visit, &w, &st);
	if (w.err)
		return w.err;
	if (rc == -SMMU_E_LOOP || rc == -EFAULT || st.count[SMMU_PGT_F_TABLE_READ] || st.count[SMMU_PGT_F_LOOP] ||
	    st.count[SMMU_PGT_F_BUDGET])
		ad->pub.walk_incomplete = true;
	else if (rc && rc != -ENXIO)
		return rc;
	return cfg->nested ? compose_nested(a, ad, cfg, from, tfrom) : 0;
}

struct substream_ctx {
	struct smmu_audit *a;
	struct adev *ad;
};

/* One valid SubstreamID / PASID from the live tables: its reach, walked
 * like the device's own, marked with it.  A device whose requests without
 * one abort still reaches what its substreams map. */
static int substream_visit(void *arg, uint32_t ssid, const struct smmu_config *cfg)
{
	struct substream_ctx *sc = arg;
	struct adev *ad = sc->ad;
	struct smmu_device *d = ad->pub.dev;
	struct smmu_stream s = { ad->pub.dma_sid, true, ssid };
	struct smmu_audit_pasid p = { .pasid = ssid, .first = ad->ranges.n };
	int rc;

	for (unsigned i = 0; i < d->npasids; i++)
		if (d->pasids[i].pasid == ssid)
			p.domain = d->pasids[i].dom->name;
	switch (cfg->verdict) {
	case SMMU_CFG_BYPASS: /* VT-d pass-through PASID entries */
		if ((rc = VEC_PUSH(ad->ranges, ((struct smmu_audit_range){ 0, 0, pa_space(NULL, NULL),
									   SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X }))) ||
		    (rc = finding(sc->a, SMMU_SEV_CRITICAL, "bypass", ad->pub.unit, ad->pub.addr, NULL,
				  "%s PASID 0x%x passes through %s: its DMA with that PASID reaches all of memory (%s)",
				  ad->pub.addr, ssid, ad->pub.unit->name, cfg->reason)))
			return rc;
		break;
	case SMMU_CFG_TRANSLATE:
		if ((rc = walk_stream(sc->a, ad, &s, cfg)))
			return rc;
		if (ad->pub.verdict == SMMU_AUDIT_ABORT) {
			ad->pub.verdict = SMMU_AUDIT_TRANSLATED;
			ad->pub.stages = cfg->nested ? SMMU_AUDIT_S1 | SMMU_AUDIT_S2
				       : cfg->pgt.fmt == SMMU_PGT_VTD_FL || cfg->pgt.fmt == SMMU_PGT_LPAE_S1 ? SMMU_AUDIT_S1
				       : SMMU_AUDIT_S2;
			ad->pub.nested = cfg->nested;
			size_t n = strlen(ad->pub.reason);
			snprintf(ad->pub.reason + n, sizeof(ad->pub.reason) - n,
				 " (requests without a %s); substreams translate", ad->pub.unit->arch == SMMU_ARCH_VTD ? "PASID" : "SubstreamID");
		}
		break;
	default:
		break; /* aborts: reaches nothing */
	}
	p.nranges = ad->ranges.n - p.first;
	for (unsigned k = 0; k < cfg->nsteps; k++) {
		const struct smmu_cfg_step *st = &cfg->step[k];
		enum smmu_cfg_struct cs = smmu_cfg_step_struct(st);
		if (!st->reg && (cs == SMMU_CS_L1_CD || cs == SMMU_CS_CD || cs == SMMU_CS_PASID_DIR || cs == SMMU_CS_PASID) &&
		    (rc = VEC_PUSH(ad->sub_steps, ((struct sub_step){ st->addr, st->nwords * 8ull, st->what, ssid }))))
			return rc;
	}
	if ((rc = VEC_PUSH(ad->pasids, p)) ||
	    (rc = VEC_PUSH(ad->pasid_roots, cfg->verdict == SMMU_CFG_TRANSLATE ? cfg->root : 0)))
		return rc;
	return 0;
}

/* Every SubstreamID / PASID the live tables give the device (whoever wrote
 * them: smmush's attachments are found there like any other). */
static int audit_substreams(struct smmu_audit *a, struct adev *ad)
{
	struct substream_ctx sc = { a, ad };

	if (!ad->pub.unit || !ad->have_cfg)
		return 0;
	const struct smmu_cfg_step *dte = smmu_config_step(&ad->cfg, SMMU_CS_DTE);
	if (dte && dte->nwords >= 1 && SMMU_GETW(AMDVI_DTE_GV, dte->words)) {
		/* AMD-Vi guest translation: PASIDs through GCR3 tables, not read here */
		size_t n = strlen(ad->pub.reason);
		snprintf(ad->pub.reason + n, sizeof(ad->pub.reason) - n,
			 "; DTE.GV=1: its PASIDs' guest (GCR3) tables are not read, their reach is not counted");
		ad->pub.walk_incomplete = true;
		return 0;
	}
	int rc = smmu_unit_substreams(ad->pub.unit, ad->pub.dma_sid, substream_visit, &sc);
	if (rc == -EFAULT || rc == -E2BIG) {
		ad->pub.walk_incomplete = true; /* substream tables unreadable, or too many to look at */
		return 0;
	}
	return rc;
}

/* --- the memory map ---------------------------------------------------------------- */
__attribute__((format(printf, 5, 6)))
static int region(struct smmu_audit *a, uint64_t base, uint64_t size, enum smmu_mem_kind kind, const char *fmt, ...)
{
	struct region r = { .base = base, .size = size, .kind = kind };
	va_list ap;

	if (!size)
		return 0;
	va_start(ap, fmt);
	vsnprintf(r.what, sizeof(r.what), fmt, ap);
	va_end(ap);
	return VEC_PUSH(a->regions, r);
}

static int ram_regions(struct smmu_audit *a)
{
	struct smmu_target *t = a->t;
	uint64_t ram[64][2];
	int n, rc;

	if (t->ops->ram_ranges && (n = t->ops->ram_ranges(t->priv, ram, 64)) > 0) {
		for (int i = 0; i < n; i++)
			if ((rc = region(a, ram[i][0], ram[i][1], SMMU_MEM_RAM, "RAM")))
				return rc;
		return 0;
	}
	void *fdt;
	size_t len;
	if (smmu_fw_table(t, "fdt", &fdt, &len))
		return 0;
	rc = 0;
	if (fdt_check_header(fdt) == 0 && fdt_totalsize(fdt) <= len) {
		for (int node = fdt_next_node(fdt, -1, NULL); node >= 0 && !rc; node = fdt_next_node(fdt, node, NULL)) {
			const char *type = fdt_getprop(fdt, node, "device_type", NULL);
			int plen;
			const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &plen);
			if (!type || strcmp(type, "memory") || !reg)
				continue;
			/* the root's #address-cells / #size-cells (2 and 2 on virt) */
			const fdt32_t *ac = fdt_getprop(fdt, 0, "#address-cells", NULL);
			const fdt32_t *sc = fdt_getprop(fdt, 0, "#size-cells", NULL);
			int na = ac ? (int)fdt32_to_cpu(*ac) : 2, ns = sc ? (int)fdt32_to_cpu(*sc) : 1;
			if (na < 1 || na > 2 || ns < 1 || ns > 2)
				continue;
			for (int i = 0; (i + na + ns) * 4 <= plen && !rc; i += na + ns) {
				uint64_t b = 0, s = 0;
				for (int k = 0; k < na; k++)
					b = b << 32 | fdt32_to_cpu(reg[i + k]);
				for (int k = 0; k < ns; k++)
					s = s << 32 | fdt32_to_cpu(reg[i + na + k]);
				rc = region(a, b, s, SMMU_MEM_RAM, "RAM");
			}
		}
	}
	free(fdt);
	return rc;
}

/* The ranges firmware reserves classify memory; which device each one opens
 * is reserved_findings()'s. */
static int reserved_regions(struct smmu_audit *a)
{
	void *buf;
	size_t len;
	char err[128];
	int rc = 0;

	if (!smmu_fw_table(a->t, "DMAR", &buf, &len)) {
		struct smmu_acpi_dmar *dm;
		if (!smmu_acpi_dmar_parse(buf, len, &dm, err, sizeof(err))) {
			for (size_t i = 0; i < dm->nentries && !rc; i++) {
				const struct smmu_acpi_dmar_entry *e = &dm->entries[i];
				if (e->type == SMMU_ACPI_DMAR_RMRR && e->rmrr.limit >= e->rmrr.base)
					rc = region(a, e->rmrr.base, e->rmrr.limit - e->rmrr.base + 1, SMMU_MEM_RESERVED,
						    "RMRR (DMAR offset 0x%x)", e->offset);
			}
			smmu_acpi_dmar_free(dm);
		}
		free(buf);
	}
	if (!rc && !smmu_fw_table(a->t, "IORT", &buf, &len)) {
		struct smmu_acpi_iort *io;
		if (!smmu_acpi_iort_parse(buf, len, &io, err, sizeof(err))) {
			for (size_t i = 0; i < io->nnodes && !rc; i++) {
				const struct smmu_acpi_iort_node *n = &io->nodes[i];
				if (n->type != SMMU_ACPI_IORT_RMR)
					continue;
				for (uint32_t k = 0; k < n->rmr.desc_count && n->rmr.descs && !rc; k++)
					rc = region(a, n->rmr.descs[k].base, n->rmr.descs[k].length, SMMU_MEM_RESERVED,
						    "IORT RMR (node 0x%x)", n->offset);
			}
			smmu_acpi_iort_free(io);
		}
		free(buf);
	}
	return rc;
}

static void bar_size_unknown(struct smmu_audit *a, const struct smmu_device *d)
{
	for (size_t i = 0; i < a->devs.n; i++)
		if (a->devs.v[i].pub.dev == d)
			a->devs.v[i].pub.bar_sizes_unknown = true;
}

static int mmio_regions(struct smmu_audit *a)
{
	struct smmu_target *t = a->t;
	int rc = 0;

	for (size_t i = 0; i < t->ndevices && !rc; i++) {
		struct smmu_device *d = &t->devices[i];
		if (d->info.bus == SMMU_BUS_PLATFORM) {
			rc = region(a, d->info.mmio_base, d->info.mmio_size, SMMU_MEM_MMIO, "registers of %s", d->addr);
			continue;
		}
		uint32_t hdr = 0, cmd = 0;
		if (cfg32(t, &d->info, 0x0c, &hdr) || cfg32(t, &d->info, 0x04, &cmd) || !(cmd & 2))
			continue;
		unsigned nbar = ((hdr >> 16) & 0x7f) == 1 ? 2 : ((hdr >> 16) & 0x7f) == 0 ? 6 : 0;
		for (unsigned b = 0; b < nbar && !rc; b++) {
			uint32_t lo, hi = 0;
			if (cfg32(t, &d->info, 0x10 + 4 * b, &lo) || (lo & 1))
				continue;
			bool is64 = ((lo >> 1) & 3) == 2;
			if (is64 && b + 1 < nbar && cfg32(t, &d->info, 0x14 + 4 * b, &hi))
				continue;
			uint64_t base = (uint64_t)hi << 32 | (lo & ~0xfu), size = 0;
			/* sizing writes the BAR: the size when the target knows it
			 * (its model, the kernel), else the first page stands for it */
			if (!t->ops->pci_bar_size || t->ops->pci_bar_size(t->priv, d->info.segment, d->info.bdf, b, &size) ||
			    !size) {
				size = 4096;
				if (base)
					bar_size_unknown(a, d);
			}
			if (base)
				rc = region(a, base, size, SMMU_MEM_MMIO, "BAR%u of %s", b, d->addr);
			if (is64)
				b++;
		}
	}
	return rc;
}

static uint64_t rd64(struct smmu_target *t, uint64_t addr)
{
	uint64_t v = 0;
	return smmu_mmio_read(t, addr, 8, &v) ? 0 : v;
}

static int ctx_visit(void *arg, const struct smmu_ctx_entry *e)
{
	struct smmu_audit *a = ((void **)arg)[0];
	struct smmu_unit *u = ((void **)arg)[1];
	int rc = 0;

	if (e->type != SMMU_CTX_ROOT)
		return 0;
	for (int k = 0; k < 2 && !rc; k++)
		if (e->ctp_present[k])
			rc = region(a, e->ctp[k], 4096, SMMU_MEM_IOMMU_TABLE, "context table of %s (bus %02x)", u->name,
				    e->bus);
	return rc;
}

static int unit_regions(struct smmu_audit *a, struct smmu_unit *u)
{
	struct smmu_target *t = a->t;
	struct smmu_reg reg;
	uint64_t end = 0;
	int rc;

	/* the register frame: as far as the unit's registers go, whole pages */
	for (size_t i = 0; !smmu_reg_at(u, i, &reg); i++) {
		uint64_t e = reg.offset + (uint64_t)(reg.count ? reg.count : 1) * (reg.stride ? reg.stride : 8);
		if (e > end)
			end = e;
	}
	end = (end + 0xfff) & ~0xfffull;
	if (u->arch == SMMU_ARCH_SMMUV3 && end < 0x20000)
		end = 0x20000; /* register pages 0 and 1 */
	if ((rc = region(a, u->base, end ? end : 4096, SMMU_MEM_IOMMU_REGS, "registers of %s", u->name)))
		return rc;
	if (u->arch == SMMU_ARCH_SMMUV3) {
		struct smmu_strtab st;
		if (!smmu_strtab_info(u, &st) && st.base) {
			uint64_t sz = st.two_level ? 8ull << (st.sid_bits > st.l2_bits ? st.sid_bits - st.l2_bits : 0)
						   : 64ull << st.sid_bits;
			if ((rc = region(a, st.base, sz, SMMU_MEM_IOMMU_TABLE, "stream table of %s", u->name)))
				return rc;
		}
		uint64_t q = rd64(t, u->base + SMMUV3_CMDQ_BASE);
		if (SMMU_GET(SMMUV3_CMDQ_BASE_ADDR, q) &&
		    (rc = region(a, SMMU_GET(SMMUV3_CMDQ_BASE_ADDR, q) << 5, 16ull << SMMU_GET(SMMUV3_CMDQ_BASE_LOG2SIZE, q),
				 SMMU_MEM_IOMMU_TABLE, "command queue of %s", u->name)))
			return rc;
		q = rd64(t, u->base + SMMUV3_EVENTQ_BASE);
		if (SMMU_GET(SMMUV3_OUTQ_BASE_ADDR, q) &&
		    (rc = region(a, SMMU_GET(SMMUV3_OUTQ_BASE_ADDR, q) << 5, 32ull << SMMU_GET(SMMUV3_OUTQ_BASE_LOG2SIZE, q),
				 SMMU_MEM_IOMMU_TABLE, "event queue of %s", u->name)))
			return rc;
	} else if (u->arch == SMMU_ARCH_AMDVI) {
		/* the device table and the logs the IOMMU writes; enabled or not,
		 * a device that can write them can take the IOMMU over */
		static const struct {
			uint32_t reg;
			const char *what;
		} bufs[] = { { AMDVI_CMDBUF_BASE, "command buffer" }, { AMDVI_EVTLOG_BASE, "event log" },
			     { AMDVI_PPRLOG_BASE, "PPR log" } };
		uint64_t dtb = rd64(t, u->base + AMDVI_DEVTAB_BASE);
		if ((dtb & SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase)) &&
		    (rc = region(a, dtb & SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase),
				 (SMMU_GET(AMDVI_DEVTAB_BASE_Size, dtb) + 1) * 4096, SMMU_MEM_IOMMU_TABLE,
				 "device table of %s", u->name)))
			return rc;
		for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
			/* the three base registers share one layout: base [51:12], length [59:56] */
			uint64_t q = rd64(t, u->base + bufs[i].reg);
			if ((q & SMMU_MASK(AMDVI_CMDBUF_BASE_ComBase)) &&
			    (rc = region(a, q & SMMU_MASK(AMDVI_CMDBUF_BASE_ComBase),
					 16ull << SMMU_GET(AMDVI_CMDBUF_BASE_ComLen, q), SMMU_MEM_IOMMU_TABLE, "%s of %s",
					 bufs[i].what, u->name)))
				return rc;
		}
	} else if (u->arch == SMMU_ARCH_VTD) {
		struct smmu_roottab rt;
		if (!smmu_roottab_info(u, &rt) && rt.has_table && rt.table) {
			if ((rc = region(a, rt.table, 4096, SMMU_MEM_IOMMU_TABLE, "root table of %s", u->name)))
				return rc;
			void *arg[2] = { a, u };
			if ((rc = smmu_roottab_walk(u, 0, 255, 0, ctx_visit, arg)) < 0 && rc != -ENXIO && rc != -EFAULT)
				return rc;
		}
		uint64_t q = rd64(t, u->base + VTD_IQA);
		if (SMMU_GET(VTD_IQA_IQA, q) &&
		    (rc = region(a, SMMU_GET(VTD_IQA_IQA, q) << 12, 4096ull << SMMU_GET(VTD_IQA_QS, q),
				 SMMU_MEM_IOMMU_TABLE, "invalidation queue of %s", u->name)))
			return rc;
	}
	return 0;
}

static int cmp_region(const void *x, const void *y)
{
	const struct region *a = x, *b = y;
	return a->base < b->base ? -1 : a->base > b->base ? 1 : (int)a->kind - (int)b->kind;
}

static bool inside_table(const struct smmu_audit *a, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < a->regions.n; i++) {
		const struct region *r = &a->regions.v[i];
		if (r->kind == SMMU_MEM_IOMMU_TABLE && base >= r->base && base + size <= r->base + r->size)
			return true;
	}
	return false;
}

static bool have_region(const struct smmu_audit *a, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < a->regions.n; i++)
		if (a->regions.v[i].base == base && a->regions.v[i].size == size)
			return true;
	return false;
}

static int build_map(struct smmu_audit *a)
{
	struct smmu_target *t = a->t;
	int rc;

	if ((rc = ram_regions(a)) || (rc = reserved_regions(a)) || (rc = mmio_regions(a)))
		return rc;
	for (size_t i = 0; i < t->nunits; i++)
		if (t->units[i].ops && (rc = unit_regions(a, &t->units[i])))
			return rc;
	/* the structures each device's configuration read, and its page tables */
	for (size_t i = 0; i < a->devs.n; i++) {
		struct adev *ad = &a->devs.v[i];
		if (!ad->have_cfg)
			continue;
		for (unsigned k = 0; k < ad->cfg.nsteps; k++) {
			const struct smmu_cfg_step *s = &ad->cfg.step[k];
			if (s->reg || !s->addr || inside_table(a, s->addr, s->nwords * 8ull))
				continue; /* a table named already (the stream table holds the STEs) */
			if ((rc = region(a, s->addr, s->nwords * 8ull, SMMU_MEM_IOMMU_TABLE, "%s of %s", s->what, ad->pub.addr)))
				return rc;
		}
		for (size_t k = 0; k < ad->sub_steps.n; k++) {
			const struct sub_step *ss = &ad->sub_steps.v[k];
			if (inside_table(a, ss->addr, ss->size) || have_region(a, ss->addr, ss->size))
				continue; /* shared with requests without one, or another substream */
			if ((rc = region(a, ss->addr, ss->size, SMMU_MEM_IOMMU_TABLE, "%s of %s (%s 0x%x)", ss->what,
					 ad->pub.addr, ad->pub.unit->arch == SMMU_ARCH_VTD ? "PASID" : "SubstreamID", ss->ssid)))
				return rc;
		}
		for (size_t k = 0; k < ad->tables.n; k++) {
			/* contiguous table pages become one region */
			uint64_t b = ad->tables.v[k], e = b + ad->granule;
			struct region *last = a->regions.n ? &a->regions.v[a->regions.n - 1] : NULL;
			if (last && last->kind == SMMU_MEM_IOMMU_TABLE && last->base + last->size == b &&
			    strstr(last->what, "page table") && !strcmp(last->what + 14, ad->pub.addr)) {
				last->size += ad->granule;
				continue;
			}
			if ((rc = region(a, b, e - b, SMMU_MEM_IOMMU_TABLE, "page table of %s", ad->pub.addr)))
				return rc;
		}
	}
	if (a->regions.n)
		qsort(a->regions.v, a->regions.n, sizeof(*a->regions.v), cmp_region);
	return 0;
}

/* --- classification ---------------------------------------------------------------- */

static bool have_hit(const struct adev *ad, const struct smmu_audit_hit *h)
{
	for (size_t i = 0; i < ad->hits.n; i++)
		if (ad->hits.v[i].pa == h->pa && ad->hits.v[i].size == h->size && ad->hits.v[i].what == h->what)
			return true;
	return false;
}

/* Physical spans, inclusive ends (no overflow at the top of memory). */
struct span {
	uint64_t lo, hi;
};

static int cmp_span(const void *x, const void *y)
{
	const struct span *a = x, *b = y;
	return a->lo < b->lo ? -1 : a->lo > b->lo;
}

/* The ranges of ad whose permissions include all of want, merged into
 * disjoint spans in s (room for every range); returns how many, and their
 * bytes in *bytes: substreams or PASIDs that reach one page count it once. */
static size_t distinct_spans(const struct adev *ad, unsigned want, struct span *s, uint64_t *bytes)
{
	size_t n = 0, m = 0;
	for (size_t r = 0; r < ad->ranges.n; r++)
		if ((ad->ranges.v[r].prot & want) == want)
			s[n++] = (struct span){ ad->ranges.v[r].pa, ad->ranges.v[r].pa + (ad->ranges.v[r].size - 1) };
	qsort(s, n, sizeof(*s), cmp_span);
	*bytes = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && (s[i].lo <= s[m - 1].hi || s[i].lo - 1 == s[m - 1].hi)) {
			s[m - 1].hi = lo_max(s[m - 1].hi, s[i].hi);
			continue;
		}
		s[m++] = s[i];
	}
	for (size_t i = 0; i < m; i++)
		*bytes += s[i].hi - s[i].lo + 1;
	return m;
}

static int classify(struct smmu_audit *a, struct adev *ad)
{
	for (size_t r = 0; r < ad->ranges.n; r++) {
		const struct smmu_audit_range *rg = &ad->ranges.v[r];
		uint64_t rend = rg->pa + rg->size - 1; /* inclusive ends: no overflow */
		for (size_t i = 0; i < a->regions.n; i++) {
			const struct region *g = &a->regions.v[i];
			uint64_t gend = g->base + g->size - 1;
			if (g->base > rend || gend < rg->pa)
				continue;
			uint64_t lo = lo_max(g->base, rg->pa), hi = hi_min(gend, rend);
			struct smmu_audit_hit h = { .pa = lo, .size = hi - lo + 1, .kind = g->kind, .what = g->what };
			if (have_hit(ad, &h))
				continue; /* another range of it (a substream's) reaches it too */
			int rc = VEC_PUSH(ad->hits, h);
			if (rc)
				return rc;
		}
	}
	/* the byte counts: each physical byte once, whichever ranges reach it */
	if (!ad->ranges.n)
		return 0;
	struct span *s = malloc(ad->ranges.n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	distinct_spans(ad, SMMU_PROT_R, s, &ad->pub.bytes_r);
	distinct_spans(ad, SMMU_PROT_W, s, &ad->pub.bytes_w);
	distinct_spans(ad, SMMU_PROT_X, s, &ad->pub.bytes_x);
	size_t n = distinct_spans(ad, 0, s, &ad->pub.bytes_total);
	uint64_t described = 0;
	for (size_t i = 0; i < a->regions.n; i++) {
		const struct region *g = &a->regions.v[i];
		uint64_t gend = g->base + g->size - 1;
		for (size_t k = 0; k < n; k++) {
			if (g->base > s[k].hi || gend < s[k].lo)
				continue;
			uint64_t in = hi_min(gend, s[k].hi) - lo_max(g->base, s[k].lo) + 1;
			ad->pub.bytes[g->kind] += in;
			if (g->kind == SMMU_MEM_RAM || g->kind == SMMU_MEM_MMIO || g->kind == SMMU_MEM_IOMMU_REGS)
				described += in;
		}
	}
	ad->pub.bytes[SMMU_MEM_UNKNOWN] += ad->pub.bytes_total > described ? ad->pub.bytes_total - described : 0;
	free(s);
	return 0;
}

/* --- findings per device and across devices ------------------------------------------ */
static const char *unit_name(struct smmu_unit *u) { return u ? u->name : "no unit"; }

static int device_findings(struct smmu_audit *a, struct adev *ad)
{
	struct smmu_audit_device *p = &ad->pub;
	struct smmu_unit *u = p->unit;
	char buf[256], pr[8];
	int rc = 0;

	if (p->verdict == SMMU_AUDIT_UNCOVERED)
		return finding(a, SMMU_SEV_CRITICAL, "uncovered", NULL, p->addr, NULL,
			       "no IOMMU covers %s: its DMA reaches all of memory", p->addr);
	bool unit_global = u && !a->units[u->index].translating;
	if (p->verdict == SMMU_AUDIT_BYPASS && !unit_global &&
	    (rc = finding(a, SMMU_SEV_CRITICAL, "bypass", u, p->addr, NULL,
			  "%s (SID 0x%x) bypasses %s: its DMA reaches all of memory (%s)", p->addr, p->dma_sid,
			  u->name, p->reason)))
		return rc;
	if (p->walk_incomplete &&
	    (rc = finding(a, SMMU_SEV_MEDIUM, "walk-incomplete", u, p->addr, NULL,
			  "the tables of %s could not be walked in full (unreadable or looping): its reach may be larger",
			  p->addr)))
		return rc;
	/* what it reaches that belongs to the IOMMU */
	for (size_t h = 0; h < ad->hits.n && p->verdict == SMMU_AUDIT_TRANSLATED; h++) {
		const struct smmu_audit_hit *hit = &ad->hits.v[h];
		if (hit->kind != SMMU_MEM_IOMMU_TABLE && hit->kind != SMMU_MEM_IOMMU_REGS)
			continue;
		unsigned prot = 0;
		for (size_t r = 0; r < ad->ranges.n; r++) {
			const struct smmu_audit_range *rg = &ad->ranges.v[r];
			if (hit->pa >= rg->pa && hit->pa - rg->pa < rg->size)
				prot |= rg->prot;
		}
		snprintf(buf, sizeof(buf), "%s reaches the %s (%s): %s", p->addr, hit->what, prot_str(prot, pr),
			 prot & SMMU_PROT_W ? "it can rewrite translation, its own included" : "it can read the IOMMU's state");
		if ((rc = finding_range(a, prot & SMMU_PROT_W ? SMMU_SEV_CRITICAL : SMMU_SEV_HIGH, "reaches-iommu", u,
					p->addr, NULL, hit->pa, hit->size, buf)))
			return rc;
	}
	for (size_t r = 0; r < ad->ranges.n && p->verdict == SMMU_AUDIT_TRANSLATED; r++) {
		const struct smmu_audit_range *rg = &ad->ranges.v[r];
		if ((rg->prot & (SMMU_PROT_W | SMMU_PROT_X)) == (SMMU_PROT_W | SMMU_PROT_X)) {
			snprintf(buf, sizeof(buf), "%s: IOVA 0x%" PRIx64 " is mapped writable and executable (%s)",
				 p->addr, rg->iova, prot_str(rg->prot, pr));
			if ((rc = finding_range(a, SMMU_SEV_MEDIUM, "write-exec", u, p->addr, NULL, rg->pa, rg->size, buf)))
				return rc;
		}
		if ((rg->prot & SMMU_PROT_PRIV) && (!ad->can_priv || ad->priv_forced_off)) {
			snprintf(buf, sizeof(buf), "%s: IOVA 0x%" PRIx64 " is mapped for privileged requests only, which %s",
				 p->addr, rg->iova, ad->priv_forced_off ? "its STE makes unprivileged (PRIVCFG)"
								       : "it cannot send: its DMA there faults");
			if ((rc = finding_range(a, SMMU_SEV_LOW, "priv-unusable", u, p->addr, NULL, rg->pa, rg->size, buf)))
				return rc;
		}
	}
	if (p->ats_enabled) {
		p->ats_accepted = ad->eats && p->verdict == SMMU_AUDIT_TRANSLATED;
		if (p->ats_accepted)
			rc = finding(a, ad->eats == 2 ? SMMU_SEV_MEDIUM : SMMU_SEV_HIGH, "ats-translated", u, p->addr, NULL,
				     "%s has ATS enabled and %s accepts its translated requests: they bypass %s",
				     p->addr, u->name, ad->eats == 2 ? "stage 1 (stage 2 still applies)" : "the page tables");
		else
			rc = finding(a, SMMU_SEV_LOW, "ats-unaccepted", u, p->addr, NULL,
				     "%s has ATS enabled but %s does not accept translated requests from it: they fault",
				     p->addr, unit_name(u));
		if (rc)
			return rc;
	}
	if (p->pri && (rc = finding(a, SMMU_SEV_INFO, "pri", u, p->addr, NULL,
				    "%s can request pages (PRI): its faults may be resolved by software", p->addr)))
		return rc;
	if (p->pasid && (rc = finding(a, SMMU_SEV_INFO, "pasid", u, p->addr, NULL,
				      "%s can tag requests with a PASID: only its requests without one%s are audited",
				      p->addr, ad->pasids.n ? " and with the PASIDs smmush attached" : "")))
		return rc;
	return 0;
}

/*
 * Reserved regions (RMRR, IORT RMR): per device, what each opens: its range
 * and permissions, whether it is RAM or another device's MMIO, and whether
 * the device's live tables map it IOVA = PA now.  Severity: medium when it
 * opens RAM (or memory the target does not describe) writable now (firmware's buffer is a window into memory every
 * such device can write, whatever the OS decides); low when it is reachable
 * but not writable RAM; info when the tables do not map it (nothing open, but
 * the device's DMA there faults: firmware expects it to work).
 */
static int reserved_finding(struct smmu_audit *a, struct adev *ad, const struct smmu_reserved_region *r)
{
	struct smmu_audit_device *p = &ad->pub;
	uint64_t end = r->base + r->size - 1, covered = 0;
	unsigned prot = 0;
	bool ram = false, mmio = false;
	char words[96], pr[8], fw[8], buf[256];
	const char *state;

	for (size_t g = 0; g < a->regions.n; g++) {
		const struct region *m = &a->regions.v[g];
		if (m->base > end || m->base + m->size - 1 < r->base)
			continue;
		ram |= m->kind == SMMU_MEM_RAM;
		mmio |= m->kind == SMMU_MEM_MMIO || m->kind == SMMU_MEM_IOMMU_REGS;
	}
	if (p->verdict == SMMU_AUDIT_BYPASS || p->verdict == SMMU_AUDIT_UNCOVERED) {
		covered = r->size;
		prot = SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X;
		state = "reachable: the device is not translated";
	} else if (p->verdict == SMMU_AUDIT_TRANSLATED) {
		for (size_t i = 0; i < ad->ranges.n; i++) { /* identity pieces of the region */
			const struct smmu_audit_range *rg = &ad->ranges.v[i];
			uint64_t lo = lo_max(rg->iova, r->base), hi = hi_min(rg->iova + rg->size - 1, end);
			if (rg->iova != rg->pa || lo > hi)
				continue;
			covered += hi - lo + 1;
			prot |= rg->prot;
		}
		state = covered == r->size ? "mapped IOVA = PA now" : covered ? "partly mapped IOVA = PA now"
							   : "is not mapped now: the device's DMA there faults";
	} else {
		state = "is not reachable now: the device's DMA aborts";
	}
	const char *kind = ram ? "RAM" : mmio ? "MMIO" : "undescribed memory";
	/* RMRRs and RMRs are firmware's buffers, RAM as a rule: memory the target
	 * does not describe (a snapshot without its RAM map) counts as RAM */
	bool opens_ram_w = covered && (ram || !mmio) && (prot & SMMU_PROT_W);
	enum smmu_severity sev = opens_ram_w ? SMMU_SEV_MEDIUM : covered ? SMMU_SEV_LOW : SMMU_SEV_INFO;
	smmu_reserved_words(r, words, sizeof(words));
	prot_str(r->prot, fw);
	if (covered)
		snprintf(buf, sizeof(buf), "%s: %s opens %s %s (firmware: %s%s): %s", p->addr, words, kind,
			 prot_str(prot, pr), fw, r->prot & SMMU_PROT_DEVICE ? " device" : "", state);
	else
		snprintf(buf, sizeof(buf), "%s: %s (%s, firmware: %s%s) %s", p->addr, words, kind, fw,
			 r->prot & SMMU_PROT_DEVICE ? " device" : "", state);
	return finding_range(a, sev, "reserved", p->unit, p->addr, NULL, r->base, r->size, buf);
}

static int reserved_findings(struct smmu_audit *a)
{
	struct smmu_reserved_region r[32];
	int rc = 0;

	for (size_t i = 0; i < a->devs.n && !rc; i++) {
		struct adev *ad = &a->devs.v[i];
		size_t n = smmu_device_reserved(ad->pub.dev, r, 32);
		for (size_t k = 0; k < n && k < 32 && !rc; k++)
			rc = reserved_finding(a, ad, &r[k]);
	}
	return rc;
}

static int cmp_devsid(const void *x, const void *y)
{
	const struct adev *const *a = x, *const *b = y;
	uintptr_t ua = (uintptr_t)(*a)->pub.unit, ub = (uintptr_t)(*b)->pub.unit;
	if (ua != ub)
		return ua < ub ? -1 : 1;
	return (*a)->pub.dma_sid < (*b)->pub.dma_sid ? -1 : (*a)->pub.dma_sid > (*b)->pub.dma_sid;
}

static int identity_findings(struct smmu_audit *a)
{
	size_t n = 0;
	struct adev **v = calloc(a->devs.n + 1, sizeof(*v));
	char buf[256];
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < a->devs.n; i++)
		if (a->devs.v[i].pub.unit)
			v[n++] = &a->devs.v[i];
	qsort(v, n, sizeof(*v), cmp_devsid);
	for (size_t i = 0; i + 1 < n && !rc; i++) {
		for (size_t j = i + 1; j < n && !cmp_devsid(&v[i], &v[j]) && !rc; j++) {
			struct smmu_audit_device *x = &v[i]->pub, *y = &v[j]->pub;
			const char *why = x->aliased || y->aliased ? "behind PCIe-to-PCI bridge " : "";
			const char *via = x->alias_via ? x->alias_via : y->alias_via ? y->alias_via : "";
			if (!*why)
				why = x->dev->info.bus == SMMU_BUS_PCI ? "firmware maps both requester IDs to it" :
									 "firmware gives both that ID";
			snprintf(buf, sizeof(buf),
				 "%s and %s present the same %s 0x%x to %s (%s%s): the IOMMU cannot tell them apart",
				 x->addr, y->addr, x->unit->arch == SMMU_ARCH_VTD ? "source-id" : "StreamID", x->dma_sid,
				 x->unit->name, why, via);
			rc = finding(a, SMMU_SEV_HIGH, "identity-shared", x->unit, x->addr, y->addr, "%s", buf);
		}
	}
	free(v);
	return rc;
}

/* --- SMMUv2: streams one stream-match entry matches share its S2CR, its context --------- */
static const struct smmu_cfg_step *cfg_step_kind(const struct adev *ad, const char *kind)
{
	for (unsigned k = 0; ad->have_cfg && k < ad->cfg.nsteps; k++)
		if (ad->cfg.step[k].kind && !strcmp(ad->cfg.step[k].kind, kind))
			return &ad->cfg.step[k];
	return NULL;
}

static int smr_findings(struct smmu_audit *a)
{
	int rc = 0;

	for (size_t i = 0; i < a->devs.n && !rc; i++) {
		struct adev *x = &a->devs.v[i];
		const struct smmu_cfg_step *sx = cfg_step_kind(x, "smmuv2.s2cr"), *smr = cfg_step_kind(x, "smmuv2.smr");
		if (!sx || !smr)
			continue;
		for (size_t j = i + 1; j < a->devs.n && !rc; j++) {
			struct adev *y = &a->devs.v[j];
			const struct smmu_cfg_step *sy = cfg_step_kind(y, "smmuv2.s2cr");
			/* equal StreamIDs are identity_findings' */
			if (!sy || sy->addr != sx->addr || y->pub.unit != x->pub.unit || y->pub.dma_sid == x->pub.dma_sid)
				continue;
			uint32_t w = (uint32_t)smr->words[0];
			rc = finding(a, SMMU_SEV_HIGH, "identity-shared", x->pub.unit, x->pub.addr, y->pub.addr,
				     "%s (StreamID 0x%x) and %s (0x%x) are matched by one stream-match entry of %s (SMR%u: ID 0x%x, "
				     "mask 0x%x): one S2CR, one context, the IOMMU cannot tell them apart",
				     x->pub.addr, x->pub.dma_sid, y->pub.addr, y->pub.dma_sid, x->pub.unit->name,
				     (unsigned)((smr->addr - SMMUV2_SMR) / 4), (unsigned)SMMU_GET(SMMUV2_SMR_ID, w),
				     (unsigned)SMMU_GET(SMMUV2_SMR_MASK, w));
		}
	}
	return rc;
}

/* --- peer-to-peer inside a PCIe switch: ACS ---------------------------------------------- */
#define PCI_EXT_ACS 0x000d
#define PCI_EXP_TYPE_UPSTREAM 0x5
#define PCI_EXP_TYPE_DOWNSTREAM 0x6
/* ACS Source Validation, P2P Request Redirect, P2P Completion Redirect,
 * Upstream Forwarding: with all four, a downstream port sends its device's
 * requests for a peer up to the root complex, through the IOMMU. */
#define ACS_ISOLATING 0x001d

static unsigned pcie_type(struct smmu_target *t, const struct smmu_device_info *di)
{
	unsigned exp = find_cap(t, di, PCI_CAP_EXP, false);
	uint32_t v;
	return exp && !cfg32(t, di, exp, &v) ? (v >> 20) & 0xf : 0;
}

/* The isolating ACS controls a downstream port lacks (0: none).  A control
 * the port does not implement cannot route peer-to-peer (Linux's
 * pci_acs_enabled takes it as enabled too); no capability lacks all four. */
static unsigned acs_missing(struct smmu_target *t, const struct smmu_device_info *di)
{
	unsigned off = find_cap(t, di, PCI_EXT_ACS, true);
	uint32_t v;
	if (!off || cfg32(t, di, off + 4, &v))
		return ACS_ISOLATING;
	unsigned need = ACS_ISOLATING & (v & 0xffff);
	return need & ~(v >> 16);
}

/* The switch below which d's DMA may go peer-to-peer: the upstream port
 * above the first downstream port on its path that lacks ACS (*dp). */
static struct smmu_device *leaky_switch(struct smmu_target *t, const struct smmu_device_info *di,
					struct smmu_device **dp, unsigned *missing)
{
	unsigned bus = di->bdf >> 8;

	for (int depth = 0; bus && depth < 32; depth++) {
		struct smmu_device *b = bridge_of(t, di->segment, bus);
		if (!b)
			break;
		bus = b->info.bdf >> 8;
		if (pcie_type(t, &b->info) != PCI_EXP_TYPE_DOWNSTREAM || !(*missing = acs_missing(t, &b->info)))
			continue;
		struct smmu_device *up = bridge_of(t, di->segment, bus);
		if (up && pcie_type(t, &up->info) == PCI_EXP_TYPE_UPSTREAM) {
			*dp = b;
			return up;
		}
	}
	return NULL;
}

static bool below(struct smmu_target *t, const struct smmu_device_info *di, const struct smmu_device *up)
{
	uint32_t v;
	unsigned bus = di->bdf >> 8;
	if (cfg32(t, &up->info, 0x18, &v) || di->segment != up->info.segment)
		return false;
	return bus >= ((v >> 8) & 0xff) && bus <= ((v >> 16) & 0xff);
}

static int p2p_findings(struct smmu_audit *a)
{
	struct smmu_target *t = a->t;
	int rc = 0;

	for (size_t i = 0; i < a->devs.n && !rc; i++) {
		struct smmu_audit_device *x = &a->devs.v[i].pub;
		struct smmu_device *dp = NULL;
		unsigned missing = 0;
		if (x->dev->info.bus != SMMU_BUS_PCI)
			continue;
		struct smmu_device *up = leaky_switch(t, &x->dev->info, &dp, &missing);
		if (!up)
			continue;
		for (size_t j = 0; j < a->devs.n && !rc; j++) {
			struct smmu_audit_device *y = &a->devs.v[j].pub;
			if (j == i || y->dev->info.bus != SMMU_BUS_PCI || !below(t, &y->dev->info, up))
				continue;
			struct smmu_device *ydp = NULL;
			unsigned ym = 0;
			/* a pair where both leak is one finding, reported from the first */
			if (j < i && leaky_switch(t, &y->dev->info, &ydp, &ym) == up)
				continue;
			rc = finding(a, SMMU_SEV_HIGH, "p2p", x->unit, x->addr, y->addr,
				     "%s and %s are below switch port %s and %s's downstream port %s lacks ACS%s%s%s%s: "
				     "requests between them can stay inside the switch, the IOMMU never sees them",
				     x->addr, y->addr, up->addr, x->addr, dp->addr, missing & 1 ? " SV" : "",
				     missing & 4 ? " RR" : "", missing & 8 ? " CR" : "", missing & 16 ? " UF" : "");
		}
	}
	return rc;
}

/* Overlaps: two devices that do not share tables reaching the same page. */
struct piece {
	uint64_t pa, end; /* inclusive */
	unsigned prot;
	size_t dev;
	uint64_t root;    /* the tables that map it (0: unknown) */
};

/* The table root range r of the device was walked from: a PASID's, or the device's. */
static uint64_t range_root(const struct adev *ad, size_t r)
{
	for (size_t k = 0; k < ad->pasids.n; k++)
		if (r >= ad->pasids.v[k].first && r - ad->pasids.v[k].first < ad->pasids.v[k].nranges)
			return ad->pasid_roots.v[k];
	return ad->have_cfg ? ad->cfg.root : 0;
}

static int cmp_piece(const void *x, const void *y)
{
	const struct piece *a = x, *b = y;
	return a->pa < b->pa ? -1 : a->pa > b->pa;
}

static bool same_tables(const struct adev *x, const struct adev *y)
{
	return x->have_cfg && y->have_cfg && x->cfg.root && x->cfg.root == y->cfg.root &&
	       x->pub.unit == y->pub.unit;
}

static int overlap_findings(struct smmu_audit *a)
{
	VEC(struct piece) p = { 0 };
	int rc = 0;

	for (size_t i = 0; i < a->devs.n && !rc; i++) {
		struct adev *ad = &a->devs.v[i];
		if (ad->pub.verdict != SMMU_AUDIT_TRANSLATED)
			continue; /* bypass and uncovered reach everything: said already */
		for (size_t r = 0; r < ad->ranges.n && !rc; r++)
			rc = VEC_PUSH(p, ((struct piece){ ad->ranges.v[r].pa, ad->ranges.v[r].pa + ad->ranges.v[r].size - 1,
							  ad->ranges.v[r].prot, i, range_root(ad, r) }));
	}
	if (!rc && p.n)
		qsort(p.v, p.n, sizeof(*p.v), cmp_piece);
	/* a sweep: each piece against the later ones that start before it ends */
	size_t reported = 0;
	for (size_t i = 0; i < p.n && !rc; i++) {
		for (size_t j = i + 1; j < p.n && p.v[j].pa <= p.v[i].end && !rc; j++) {
			struct adev *x = &a->devs.v[p.v[i].dev], *y = &a->devs.v[p.v[j].dev];
			if (x == y || same_tables(x, y) || x->pub.dma_sid == y->pub.dma_sid ||
			    (p.v[i].root && p.v[i].root == p.v[j].root && x->pub.unit == y->pub.unit))
				continue;
			if (reported++ > 256)
				break; /* enough to make the point */
			uint64_t lo = p.v[j].pa, hi = hi_min(p.v[i].end, p.v[j].end);
			unsigned px = p.v[i].prot, py = p.v[j].prot;
			bool wx = px & SMMU_PROT_W, wy = py & SMMU_PROT_W;
			char buf[256], a1[8], a2[8];
			snprintf(buf, sizeof(buf), "%s (%s) and %s (%s), in different domains, reach the same memory%s",
				 x->pub.addr, prot_str(px, a1), y->pub.addr, prot_str(py, a2),
				 wx || wy ? ": one can write what the other reads" : "");
			rc = finding_range(a, wx || wy ? SMMU_SEV_HIGH : SMMU_SEV_LOW, "overlap", x->pub.unit, x->pub.addr,
					   y->pub.addr, lo, hi - lo + 1, buf);
		}
	}
	free(p.v);
	return rc;
}

static int stale_findings(struct smmu_audit *a)
{
	int rc = 0;

	for (size_t i = 0; i < a->t->nunits && !rc; i++) {
		struct smmu_unit *u = &a->t->units[i];
		if (!u->owned || (!u->nstale && !u->stale_more))
			continue;
		for (unsigned s = 0; s < u->nstale && !rc; s++) {
			uint64_t pa = u->stale[s].pa, end = pa + u->stale[s].len - 1;
			const struct region *hit = NULL;
			for (size_t g = 0; g < a->regions.n && !hit; g++) {
				const struct region *r = &a->regions.v[g];
				if (r->kind == SMMU_MEM_IOMMU_TABLE && r->base <= end && r->base + r->size - 1 >= pa)
					hit = r;
			}
			if (!hit)
				continue;
			char buf[256];
			snprintf(buf, sizeof(buf),
				 "0x%" PRIx64 " (%s) was written with no invalidation on %s since: its caches may still hold what it said before",
				 pa, hit->what, u->name);
			rc = finding_range(a, SMMU_SEV_HIGH, "stale", u, NULL, NULL, pa, u->stale[s].len, buf);
		}
		if (!rc && u->stale_more)
			rc = finding(a, SMMU_SEV_MEDIUM, "stale", u, NULL, NULL,
				     "more writes to %s's tables than smmush keeps track of, with no invalidation since", u->name);
	}
	return rc;
}

/* --- units ------------------------------------------------------------------------ */
static int audit_unit(struct smmu_audit *a, struct smmu_unit *u)
{
	struct smmu_audit_unit *au = &a->units[a->nunits++];
	struct smmu_unit_status st;
	struct smmu_config cfg;
	int rc;

	au->unit = u;
	au->name = u->name;
	au->owned = u->owned;
	if ((rc = smmu_unit_status(u, &st)))
		return rc;
	au->translating = st.translating;
	for (size_t i = 0; i < a->devs.n; i++)
		au->ndevices += a->devs.v[i].pub.dev->info.unit == u;
	if (st.translating) {
		snprintf(au->state, sizeof(au->state), "translating");
		au->global = SMMU_AUDIT_TRANSLATED;
		return 0;
	}
	/* translation off: any StreamID gets what the unit does globally */
	if ((rc = smmu_unit_config(u, &(struct smmu_stream){ 0 }, &cfg)))
		return rc;
	snprintf(au->state, sizeof(au->state), "%s", cfg.reason);
	au->global = cfg.verdict == SMMU_CFG_BYPASS ? SMMU_AUDIT_BYPASS : SMMU_AUDIT_ABORT;
	if (au->global == SMMU_AUDIT_BYPASS)
		return finding(a, SMMU_SEV_CRITICAL, "unit-bypass", u, NULL, NULL,
			       "%s does not translate and lets DMA through: every device behind it (%zu) reaches all of memory",
			       u->name, au->ndevices);
	return finding(a, SMMU_SEV_INFO, "unit-abort", u, NULL, NULL,
		       "%s does not translate and aborts all DMA: the %zu devices behind it cannot do any", u->name,
		       au->ndevices);
}

/* Devices that may master DMA: PCI functions other than bridges; platform
 * devices firmware gives a StreamID.  A platform device described twice
 * (device tree and IORT named component, same unit and StreamID) counts once. */
static bool dma_capable(struct smmu_target *t, size_t i)
{
	const struct smmu_device *d = &t->devices[i];

	if (d->info.bus == SMMU_BUS_PCI)
		return (d->info.class_rev >> 24) != 0x06;
	if (!d->info.nsids && !d->info.unit && !(d->info.caps & SMMU_DEV_DMA))
		return false; /* a platform device not known to master DMA */
	if (!strncmp(d->addr, "iort@", 5))
		for (size_t k = 0; k < t->ndevices; k++)
			if (k != i && t->devices[k].info.bus == SMMU_BUS_PLATFORM && strncmp(t->devices[k].addr, "iort@", 5) &&
			    t->devices[k].info.unit == d->info.unit && t->devices[k].info.sid == d->info.sid)
				return false;
	return true;
}

static int cmp_finding(const void *x, const void *y)
{
	const struct smmu_audit_finding *a = x, *b = y;
	return (int)b->sev - (int)a->sev;
}

int smmu_audit_policy_check(struct smmu_audit *a, const struct smmu_policy *p); /* policy.c */

int smmu_audit_run(struct smmu_target *t, const struct smmu_audit_opts *o, struct smmu_audit **out)
{
	struct smmu_audit *a = calloc(1, sizeof(*a));
	int rc = 0;

	if (!a)
		return -ENOMEM;
	a->t = t;
	for (size_t i = 0; i < t->ndevices && !rc; i++)
		if (dma_capable(t, i))
			rc = VEC_PUSH(a->devs, ((struct adev){ .pub.dev = &t->devices[i] }));
	for (size_t i = 0; i < t->nunits && !rc; i++)
		if (!(rc = smmu_unit_bind(&t->units[i])))
			rc = audit_unit(a, &t->units[i]);
	for (size_t i = 0; i < a->devs.n && !rc; i++)
		if (!(rc = audit_device(a, &a->devs.v[i])))
			rc = audit_substreams(a, &a->devs.v[i]);
	if (!rc)
		rc = build_map(a);
	for (size_t i = 0; i < a->devs.n && !rc; i++)
		rc = classify(a, &a->devs.v[i]);
	for (size_t i = 0; i < a->devs.n && !rc; i++)
		rc = device_findings(a, &a->devs.v[i]);
	if (!rc)
		rc = identity_findings(a);
	if (!rc)
		rc = smr_findings(a);
	if (!rc)
		rc = p2p_findings(a);
	if (!rc)
		rc = overlap_findings(a);
	if (!rc)
		rc = stale_findings(a);
	if (!rc)
		rc = reserved_findings(a);
	for (size_t i = 0; i < a->devs.n; i++) {
		struct adev *ad = &a->devs.v[i];
		ad->pub.ranges = ad->ranges.v;
		ad->pub.nranges = ad->ranges.n;
		ad->pub.hits = ad->hits.v;
		ad->pub.nhits = ad->hits.n;
		ad->pub.pasids = ad->pasids.v;
		ad->pub.npasids = ad->pasids.n;
	}
	if (!rc && o && o->policy)
		rc = smmu_audit_policy_check(a, o->policy);
	if (rc) {
		smmu_audit_free(a);
		return rc;
	}
	/* most severe first; equal ones in the order found (qsort is not stable: index) */
	for (size_t i = 1; i < a->findings.n; i++)
		for (size_t j = i; j > 0 && cmp_finding(&a->findings.v[j - 1], &a->findings.v[j]) > 0; j--) {
			struct smmu_audit_finding tmp = a->findings.v[j];
			a->findings.v[j] = a->findings.v[j - 1];
			a->findings.v[j - 1] = tmp;
		}
	*out = a;
	return 0;
}

void smmu_audit_free(struct smmu_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->devs.n; i++) {
		free(a->devs.v[i].ranges.v);
		free(a->devs.v[i].hits.v);
		free(a->devs.v[i].tables.v);
		free(a->devs.v[i].pasids.v);
		free(a->devs.v[i].pasid_roots.v);
		free(a->devs.v[i].sub_steps.v);
	}
	free(a->devs.v);
	free(a->regions.v);
	free(a->findings.v);
	free(a);
}

size_t smmu_audit_unit_count(const struct smmu_audit *a) { return a->nunits; }
const struct smmu_audit_unit *smmu_audit_unit_at(const struct smmu_audit *a, size_t i)
{
	return i < a->nunits ? &a->units[i] : NULL;
}
size_t smmu_audit_device_count(const struct smmu_audit *a) { return a->devs.n; }
const struct smmu_audit_device *smmu_audit_device_at(const struct smmu_audit *a, size_t i)
{
	return i < a->devs.n ? &a->devs.v[i].pub : NULL;
}
size_t smmu_audit_finding_count(const struct smmu_audit *a) { return a->findings.n; }
const struct smmu_audit_finding *smmu_audit_finding_at(const struct smmu_audit *a, size_t i)
{
	return i < a->findings.n ? &a->findings.v[i] : NULL;
}
int smmu_audit_worst(const struct smmu_audit *a)
{
	int w = -1;
	for (size_t i = 0; i < a->findings.n; i++)
		if ((int)a->findings.v[i].sev > w)
			w = a->findings.v[i].sev;
	return w;
}

/* For policy.c: add a finding from outside this file. */
int smmu_audit_add_finding(struct smmu_audit *a, const struct smmu_audit_finding *f);
int smmu_audit_add_finding(struct smmu_audit *a, const struct smmu_audit_finding *f)
{
	return VEC_PUSH(a->findings, *f);
}
