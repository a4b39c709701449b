/* SPDX-License-Identifier: MIT */
/*
 * Capturing a snapshot, on any target: the library's own visitors and walks
 * (stream table, root and context tables, every requester's configuration
 * and SubstreamIDs / PASIDs, every page table of every stage) run once with
 * the target's memory reads watched; every page they read successfully is
 * saved, adjacent pages coalesced into one PT_LOAD segment, with the queues
 * the registers name.  Registers are read once each, from the library's
 * register list.  Walks are bounded as everywhere else: hostile tables end
 * with a warning in the file, never a hang.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decoders/decode.h"
#include "lib/amdvi.h"
#include "lib/fault.h"
#include "lib/hw.h"
#include "lib/smmuv2.h"
#include "lib/smmuv3.h"
#include "lib/snapshot.h"
#include "lib/target.h"
#include "lib/vtd.h"

#define PAGE 4096ull
#define MAX_QUEUE (16ull << 20)   /* bytes of one queue */
#define MAX_LOADS 65000u          /* PT_LOAD segments (no PN_XNUM) */
#define CHUNK (1u << 20)          /* bytes per memory read while writing */

struct range {
	uint64_t first, last; /* page numbers, inclusive */
};

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

struct walked {
	struct smmu_unit *u;
	uint64_t root;
	struct smmu_pgt_cfg pgt;
};

struct cap {
	struct smmu_target *t;
	const struct smmu_backend_ops *orig;
	struct smmu_backend_ops shim;
	struct range *ranges;
	size_t nranges, capranges;
	bool oom;
	struct walked *walked;
	size_t nwalked, capwalked;
	struct buf notes;
	struct smmu_snapshot_report *rep;
	smmu_snapshot_progress_fn progress;
	void *arg;
	unsigned nregs;
};

/* The capture watching the target's memory reads (one at a time per thread). */
static _Thread_local struct cap *active;

static void add_pages(struct cap *c, uint64_t pa, uint64_t len)
{
	if (!len)
		return;
	uint64_t first = pa / PAGE, last = (pa + (len - 1)) / PAGE;
	if (pa + (len - 1) < pa)
		last = UINT64_MAX / PAGE;
	if (c->nranges) { /* the walks read table after table: extend the last range */
		struct range *r = &c->ranges[c->nranges - 1];
		if (first >= r->first && last <= r->last)
			return;
		if (first >= r->first && first <= r->last + 1 && last > r->last) {
			r->last = last;
			return;
		}
	}
	if (c->nranges == c->capranges) {
		size_t n = c->capranges ? c->capranges * 2 : 256;
		struct range *p = realloc(c->ranges, n * sizeof(*p));
		if (!p) {
			c->oom = true;
			return;
		}
		c->ranges = p;
		c->capranges = n;
	}
	c->ranges[c->nranges++] = (struct range){ first, last };
}

static int shim_mem_read(void *priv, uint64_t pa, void *buf, size_t len)
{
	int rc = active->orig->mem_read(priv, pa, buf, len);

	if (!rc)
		add_pages(active, pa, len);
	return rc;
}

static void warn(struct cap *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_add(struct buf *b, uint32_t type, const void *desc, size_t len)
{
	size_t need = 12 + 8 + ((len + 3) & ~(size_t)3);

	if (b->oom)
		return;
	if (b->len + need > b->cap) {
		size_t n = b->cap ? b->cap : 4096;
		while (n < b->len + need)
			n *= 2;
		uint8_t *p = realloc(b->p, n);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = n;
	}
	uint8_t *o = b->p + b->len;
	memset(o, 0, need);
	snap_wr32(o, sizeof(SMMU_SNAP_OWNER));
	snap_wr32(o + 4, (uint32_t)len);
	snap_wr32(o + 8, type);
	memcpy(o + 12, SMMU_SNAP_OWNER, sizeof(SMMU_SNAP_OWNER));
	memcpy(o + 20, desc, len);
	b->len += need;
}

static void warn(struct cap *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->rep->warnings++)
		snprintf(c->rep->warning, sizeof(c->rep->warning), "%s", msg);
	note_add(&c->notes, SMMU_SNAP_NT_WARNING, msg, strlen(msg) + 1);
}

static int progress(struct cap *c, const char *phase, uint64_t done, uint64_t total)
{
	return c->progress && c->progress(c->arg, phase, done, total) ? -EINTR : 0;
}

/* Strings one after the other, each with its NUL. */
static size_t put_strs(uint8_t *o, size_t room, int n, ...)
{
	va_list ap;
	size_t len = 0;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);
		size_t l = strlen(s ? s : "") + 1;
		if (len + l > room)
			break;
		memcpy(o + len, s ? s : "", l);
		len += l;
	}
	va_end(ap);
	return len;
}

/* --- registers ------------------------------------------------------------------ */

static bool recorded(const uint8_t *d, size_t n, uint32_t off, unsigned size)
{
	for (size_t i = 0; i < n; i++) {
		const uint8_t *r = d + SMMU_SNAP_REGS_FIXED + i * SMMU_SNAP_REG_SIZE;
		if (snap_rd32(r) == off && r[4] == size)
			return true;
	}
	return false;
}

static void capture_regs(struct cap *c, struct smmu_unit *u)
{
	struct smmu_reg reg;
	uint8_t *d = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; !smmu_reg_at(u, i, &reg); i++) {
		unsigned wbytes = reg.desc->width / 8;
		for (unsigned k = 0; k < reg.count; k++)
			for (unsigned w = 0; w < reg.desc->nwords; w++) {
				uint32_t off = reg.offset + k * reg.stride + w * wbytes;
				uint64_t v = 0;
				if (recorded(d, n, off, wbytes))
					continue; /* two layouts of one register (SMMUv2 CBARn, TCR): read once */
				int rc = smmu_mmio_read(c->t, u->base + off, wbytes, &v);
				if (n == cap) {
					cap = cap ? cap * 2 : 128;
					uint8_t *p = realloc(d, SMMU_SNAP_REGS_FIXED + cap * SMMU_SNAP_REG_SIZE);
					if (!p) {
						free(d);
						c->notes.oom = true;
						return;
					}
					d = p;
				}
				uint8_t *r = d + SMMU_SNAP_REGS_FIXED + n * SMMU_SNAP_REG_SIZE;
				memset(r, 0, SMMU_SNAP_REG_SIZE);
				snap_wr32(r, off);
				r[4] = (uint8_t)wbytes;
				r[5] = rc ? SMMU_SNAP_REG_FAILED : 0;
				snap_wr64(r + 8, rc ? 0 : v);
				if (rc)
					warn(c, "%s: reading %s: %s", u->name, reg.desc->name, smmu_strerror(rc));
				n++;
			}
	}
	if (!d)
		return;
	snap_wr64(d, u->base);
	snap_wr32(d + 8, (uint32_t)n);
	snap_wr32(d + 12, SMMU_SNAP_REG_SIZE);
	note_add(&c->notes, SMMU_SNAP_NT_REGS, d, SMMU_SNAP_REGS_FIXED + n * SMMU_SNAP_REG_SIZE);
	c->nregs += (unsigned)n;
	free(d);
}

/* --- memory the configuration reaches -------------------------------------------------- */

static int walk_visit(void *arg, const struct smmu_pgt_entry *e)
{
	(void)arg, (void)e;
	return 0;
}

/* A requester's page tables, once per distinct set of tables. */
static void walk_tables(struct cap *c, struct smmu_unit *u, const struct smmu_stream *s, const struct smmu_config *cfg)
{
	struct smmu_pgt_walk_stats st;

	for (size_t i = 0; i < c->nwalked; i++)
		if (c->walked[i].u == u && c->walked[i].root == cfg->root &&
		    !memcmp(&c->walked[i].pgt, &cfg->pgt, sizeof(cfg->pgt)))
			return;
	if (c->nwalked == c->capwalked) {
		size_t n = c->capwalked ? c->capwalked * 2 : 32;
		struct walked *p = realloc(c->walked, n * sizeof(*p));
		if (!p) {
			c->oom = true;
			return;
		}
		c->walked = p;
		c->capwalked = n;
	}
	c->walked[c->nwalked++] = (struct walked){ u, cfg->root, cfg->pgt };
	memset(&st, 0, sizeof(st));
	int rc = smmu_walk_raw(u, s, 0, 0, walk_visit, c, &st);
	c->rep->walks++;
	if (rc)
		warn(c, "%s: SID 0x%x%s: tables at 0x%" PRIx64 ": %s", u->name, s->sid, s->ssv ? " (with SSID)" : "",
		     cfg->root, smmu_strerror(rc));
	else if (st.count[SMMU_PGT_F_LOOP] || st.count[SMMU_PGT_F_BUDGET])
		warn(c, "%s: SID 0x%x: tables at 0x%" PRIx64 " loop or exceed the walk budget", u->name, s->sid, cfg->root);
}

struct cap_stream {
	struct cap *c;
	struct smmu_unit *u;
	uint32_t sid;
};

static int capture_substream(void *arg, uint32_t ssid, const struct smmu_config *cfg)
{
	struct cap_stream *cs = arg;
	struct smmu_stream s = { cs->sid, true, ssid };

	if (cfg->verdict == SMMU_CFG_TRANSLATE)
		walk_tables(cs->c, cs->u, &s, cfg);
	return 0;
}

/* One requester: its configuration, its tables, then every SubstreamID /
 * PASID the live tables hold (the reads that find them are watched too, so
 * their tables, CDs and PASID entries are in the file). */
static void capture_stream(struct cap *c, struct smmu_unit *u, uint32_t sid, unsigned ssid_bits)
{
	struct smmu_stream s = { .sid = sid };
	struct smmu_config cfg;

	if (smmu_unit_config(u, &s, &cfg))
		return;
	if (cfg.verdict == SMMU_CFG_TRANSLATE)
		walk_tables(c, u, &s, &cfg);
	if (!ssid_bits)
		return;
	struct cap_stream cs = { c, u, sid };
	int rc = smmu_unit_substreams(u, sid, capture_substream, &cs);
	if (rc == -E2BIG)
		warn(c, "%s: SID 0x%x: more SubstreamIDs / PASIDs than are looked at: the rest not captured", u->name, sid);
	else if (rc == -EFAULT)
		warn(c, "%s: SID 0x%x: a CD / PASID table could not be read", u->name, sid);
	else if (rc)
		warn(c, "%s: SID 0x%x: SubstreamIDs / PASIDs: %s", u->name, sid, smmu_strerror(rc));
}

struct sids {
	uint32_t *v;
	size_t n, cap;
};

static int add_sid(struct sids *s, uint32_t sid)
{
	if (s->n == s->cap) {
		size_t n = s->cap ? s->cap * 2 : 64;
		uint32_t *p = realloc(s->v, n * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->v = p;
		s->cap = n;
	}
	s->v[s->n++] = sid;
	return 0;
}

static int ste_visit(void *arg, const struct smmu_strtab_entry *e)
{
	return e->type == SMMU_STRTAB_STE && e->valid ? add_sid(arg, (uint32_t)e->index) : 0;
}

static int ctx_visit(void *arg, const struct smmu_ctx_entry *e)
{
	return e->type == SMMU_CTX_CONTEXT && e->present ? add_sid(arg, e->bus << 8 | e->devfn) : 0;
}

/* A queue's pages, when they can be read. */
static void capture_queue(struct cap *c, struct smmu_unit *u, const char *what, uint64_t base, uint64_t bytes)
{
	static uint8_t scratch[64 * 1024];

	if (!base)
		return;
	if (bytes > MAX_QUEUE) {
		warn(c, "%s: %s: only the first %llu MiB of it", u->name, what, MAX_QUEUE >> 20);
		bytes = MAX_QUEUE;
	}
	for (uint64_t off = 0; off < bytes; off += sizeof(scratch)) {
		uint64_t n = bytes - off < sizeof(scratch) ? bytes - off : sizeof(scratch);
		int rc = smmu_mem_read(c->t, base + off, scratch, n);
		if (rc) {
			warn(c, "%s: %s at 0x%" PRIx64 ": %s", u->name, what, base + off, smmu_strerror(rc));
			return;
		}
	}
}

static void capture_queues(struct cap *c, struct smmu_unit *u)
{
	uint64_t v, v2;
	uint32_t w;

	if (u->arch == SMMU_ARCH_SMMUV3) {
		if (reg_read32(u, SMMUV3_CR0, &w))
			return;
		if (SMMU_GET(SMMUV3_CR0_CMDQEN, w) && !reg_read64(u, SMMUV3_CMDQ_BASE, &v))
			capture_queue(c, u, "command queue", SMMU_MASK(SMMUV3_CMDQ_BASE_ADDR) & v,
				      16ull << SMMU_GET(SMMUV3_CMDQ_BASE_LOG2SIZE, v));
		if (SMMU_GET(SMMUV3_CR0_EVENTQEN, w) && !reg_read64(u, SMMUV3_EVENTQ_BASE, &v))
			capture_queue(c, u, "event queue", SMMU_MASK(SMMUV3_OUTQ_BASE_ADDR) & v,
				      32ull << SMMU_GET(SMMUV3_OUTQ_BASE_LOG2SIZE, v));
		if (SMMU_GET(SMMUV3_CR0_PRIQEN, w) && !reg_read64(u, SMMUV3_PRIQ_BASE, &v))
			capture_queue(c, u, "PRI queue", SMMU_MASK(SMMUV3_OUTQ_BASE_ADDR) & v,
				      16ull << SMMU_GET(SMMUV3_OUTQ_BASE_LOG2SIZE, v));
		return;
	}
	if (u->arch == SMMU_ARCH_SMMUV2)
		return; /* no queues: faults are in registers */
	if (u->arch == SMMU_ARCH_AMDVI) {
		if (reg_read64(u, AMDVI_CONTROL, &v2))
			return;
		if (SMMU_GET(AMDVI_CONTROL_CmdBufEn, v2) && !reg_read64(u, AMDVI_CMDBUF_BASE, &v))
			capture_queue(c, u, "command buffer", SMMU_MASK(AMDVI_CMDBUF_BASE_ComBase) & v,
				      16ull << SMMU_GET(AMDVI_CMDBUF_BASE_ComLen, v));
		if (SMMU_GET(AMDVI_CONTROL_EventLogEn, v2) && !reg_read64(u, AMDVI_EVTLOG_BASE, &v))
			capture_queue(c, u, "event log", SMMU_MASK(AMDVI_EVTLOG_BASE_EventBase) & v,
				      16ull << SMMU_GET(AMDVI_EVTLOG_BASE_EventLen, v));
		if (SMMU_GET(AMDVI_CONTROL_PprLogEn, v2) && !reg_read64(u, AMDVI_PPRLOG_BASE, &v))
			capture_queue(c, u, "PPR log", SMMU_MASK(AMDVI_PPRLOG_BASE_PPRLogBase) & v,
				      16ull << SMMU_GET(AMDVI_PPRLOG_BASE_PPRLogLen, v));
		return;
	}
	if (reg_read32(u, VTD_GSTS, &w))
		return;
	if (SMMU_GET(VTD_GSTS_QIES, w) && !reg_read64(u, VTD_IQA, &v))
		capture_queue(c, u, "invalidation queue", SMMU_MASK(VTD_IQA_IQA) & v, 4096ull << SMMU_GET(VTD_IQA_QS, v));
	if (SMMU_GET(VTD_GSTS_IRES, w) && !reg_read64(u, VTD_IRTA, &v))
		capture_queue(c, u, "interrupt remapping table", SMMU_MASK(VTD_IRTA_IRTA) & v,
			      32ull << SMMU_GET(VTD_IRTA_S, v));
	if (!reg_read64(u, VTD_ECAP, &v2) && SMMU_GET(VTD_ECAP_PRS, v2) && !reg_read64(u, VTD_PQA, &v))
		capture_queue(c, u, "page request queue", SMMU_MASK(VTD_PQA_PQA) & v, 4096ull << SMMU_GET(VTD_PQA_PQS, v));
}

/* SMMUv2 has no stream table in memory: the StreamIDs to follow are each valid
 * stream-match entry's ID and every device's StreamIDs on the unit (the
 * configuration itself is registers only; only the page tables are memory). */
static int smmuv2_sids(struct cap *c, struct smmu_unit *u, struct sids *sids)
{
	unsigned nsmrg = 0, ncb = 0;
	uint32_t smr;
	int rc;

	if ((rc = smmuv2_counts(u, &nsmrg, &ncb)))
		return rc;
	for (unsigned n = 0; n < nsmrg; n++)
		if (!reg_read32(u, SMMUV2_SMR + 4 * n, &smr) && SMMU_GET(SMMUV2_SMR_VALID, smr) &&
		    (rc = add_sid(sids, (uint32_t)SMMU_GET(SMMUV2_SMR_ID, smr))))
			return rc;
	for (size_t i = 0; i < c->t->ndevices; i++) {
		struct smmu_device_info in;
		smmu_device_info(&c->t->devices[i], &in);
		for (unsigned k = 0; in.unit == u && k < in.nsids; k++)
			if ((rc = add_sid(sids, in.sids[k])))
				return rc;
	}
	return 0;
}

/* AMD-Vi: the whole device table (every DeviceID's DTE is the configuration
 * `dte` and `config` read), then each valid DTE's DeviceID. */
static int amdvi_sids(struct cap *c, struct smmu_unit *u, struct sids *sids)
{
	uint64_t ctl, dtb;
	int rc;

	if ((rc = reg_read64(u, AMDVI_CONTROL, &ctl)) || (rc = reg_read64(u, AMDVI_DEVTAB_BASE, &dtb)))
		return rc;
	if (!SMMU_GET(AMDVI_CONTROL_IommuEn, ctl))
		return -ENXIO; /* not translating: its device table base is nobody's business */
	uint64_t base = dtb & SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase);
	uint64_t bytes = (SMMU_GET(AMDVI_DEVTAB_BASE_Size, dtb) + 1) * 4096;
	uint64_t *tab = malloc(bytes);
	if (!tab)
		return -ENOMEM;
	if ((rc = smmu_mem_read(c->t, base, tab, bytes))) {
		free(tab);
		return rc;
	}
	for (uint64_t id = 0; id < bytes / AMDVI_DTE_BYTES && !rc; id++)
		if (SMMU_GETW(AMDVI_DTE_V, &tab[id * 4]))
			rc = add_sid(sids, (uint32_t)id);
	free(tab);
	return rc;
}

static int capture_unit(struct cap *c, struct smmu_unit *u, size_t i)
{
	struct smmu_unit_status st;
	struct sids sids = { 0 };
	int rc;

	if ((rc = smmu_unit_bind(u))) {
		warn(c, "%s: %s", u->name, smmu_strerror(rc));
		return 0;
	}
	memset(&st, 0, sizeof(st));
	smmu_unit_status(u, &st);
	static const char *const what[] = { [SMMU_ARCH_SMMUV3] = "stream table", [SMMU_ARCH_VTD] = "root table",
					    [SMMU_ARCH_SMMUV2] = "stream-match entries",
					    [SMMU_ARCH_AMDVI] = "device table" };
	if (u->arch == SMMU_ARCH_SMMUV3)
		rc = smmu_strtab_walk(u, SMMU_STRTAB_WALK_INVALID, ste_visit, &sids);
	else if (u->arch == SMMU_ARCH_SMMUV2)
		rc = smmuv2_sids(c, u, &sids);
	else if (u->arch == SMMU_ARCH_AMDVI)
		rc = amdvi_sids(c, u, &sids);
	else
		rc = smmu_roottab_walk(u, 0, 255, SMMU_ROOTTAB_WALK_ABSENT | SMMU_ROOTTAB_WALK_CONTEXT, ctx_visit, &sids);
	if (rc == -ENOMEM) {
		free(sids.v);
		return rc;
	}
	if (rc && rc != -ENXIO && st.translating) /* a disabled unit's stale pointer is nobody's business */
		warn(c, "%s: %s: %s", u->name, what[u->arch], smmu_strerror(rc));
	for (size_t k = 0; k < sids.n; k++) {
		if ((k & 63) == 0 && (rc = progress(c, "tables", i * 1000 + k * 1000 / sids.n, c->t->nunits * 1000)))
			break;
		capture_stream(c, u, sids.v[k], st.ssid_bits);
	}
	free(sids.v);
	if (!rc)
		capture_queues(c, u);
	return rc == -EINTR ? rc : 0;
}

/* --- the rest of the machine ------------------------------------------------------- */

static void capture_fw(struct cap *c)
{
	static const char *const names[] = {
		"fdt",  "DMAR", "IORT", "IVRS", "MCFG", "APIC", "FACP", "DSDT", "SSDT", "SPCR", "GTDT",
		"HPET", "SRAT", "SLIT", "PPTT", "HMAT", "DBG2", "BERT", "HEST", "SDEV", "SATC", "RSDT", "XSDT",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		void *data = NULL;
		size_t len = 0;
		int rc = smmu_fw_table(c->t, names[i], &data, &len);
		if (rc) {
			if (rc != -ENOENT)
				warn(c, "firmware table %s: %s", names[i], smmu_strerror(rc));
			continue;
		}
		if (len > UINT32_MAX - SMMU_SNAP_FW_FIXED) {
			warn(c, "firmware table %s: too large", names[i]);
			free(data);
			continue;
		}
		/* trailing zeros are not stored (QEMU's device tree is 1 MiB, 8 KiB used) */
		size_t present = len;
		while (present && !((const uint8_t *)data)[present - 1])
			present--;
		if (len - present < 4096)
			present = len;
		uint8_t *d = calloc(1, SMMU_SNAP_FW_FIXED + present);
		if (d) {
			strncpy((char *)d, names[i], 8);
			snap_wr32(d + 8, (uint32_t)len);
			snap_wr32(d + 12, (uint32_t)present);
			memcpy(d + SMMU_SNAP_FW_FIXED, data, present);
			note_add(&c->notes, SMMU_SNAP_NT_FW, d, SMMU_SNAP_FW_FIXED + present);
			c->rep->fw_tables++;
		} else {
			c->notes.oom = true;
		}
		free(d);
		free(data);
	}
}

/* BAR sizes where the source knows them without sizing (which writes the
 * BAR): the sim's model, the kernel's resource file.  The audit of the
 * snapshot then counts another device's MMIO in full. */
static void capture_bars(struct cap *c, uint16_t bdf)
{
	uint8_t d[SMMU_SNAP_BARS_SIZE] = { 0 };
	bool any = false;

	if (!c->t->ops->pci_bar_size)
		return;
	for (unsigned b = 0; b < 6; b++) {
		uint64_t size = 0;
		if (!c->t->ops->pci_bar_size(c->t->priv, 0, bdf, b, &size) && size) {
			snap_wr64(d + 8 + 8 * b, size);
			any = true;
		}
	}
	snap_wr16(d + 2, bdf);
	if (any)
		note_add(&c->notes, SMMU_SNAP_NT_BARS, d, sizeof(d));
}

static void capture_pci(struct cap *c, uint16_t bdf)
{
	uint8_t d[SMMU_SNAP_PCI_FIXED + 4096];
	unsigned len = 256;
	uint32_t v;

	/* extended configuration space only where a capability header is there */
	if (!smmu_pci_read(c->t, bdf, 0x100, 4, &v) && v && v != 0xffffffffu)
		len = 4096;
	for (unsigned off = 0; off < len; off += 4) {
		int rc = smmu_pci_read(c->t, bdf, off, 4, &v);
		if (rc) {
			if (off < 256)
				warn(c, "PCI %02x:%02x.%x: configuration space at 0x%x: %s", bdf >> 8, (bdf >> 3) & 31,
				     bdf & 7, off, smmu_strerror(rc));
			len = off;
			break;
		}
		snap_wr32(d + SMMU_SNAP_PCI_FIXED + off, v);
	}
	snap_wr16(d, 0);
	snap_wr16(d + 2, bdf);
	snap_wr32(d + 4, len);
	note_add(&c->notes, SMMU_SNAP_NT_PCI, d, SMMU_SNAP_PCI_FIXED + len);
	capture_bars(c, bdf);
}

static void capture_devices(struct cap *c)
{
	for (size_t i = 0; i < c->t->ndevices; i++) {
		struct smmu_device_info in;
		uint8_t d[SMMU_SNAP_DEVICE_FIXED + 200];
		smmu_device_info(&c->t->devices[i], &in);
		memset(d, 0, SMMU_SNAP_DEVICE_FIXED);
		snap_wr32(d, in.bus == SMMU_BUS_PCI ? 0 : 1);
		snap_wr16(d + 4, in.bdf);
		snap_wr16(d + 6, in.vendor);
		snap_wr16(d + 8, in.device);
		snap_wr16(d + 10, (uint16_t)((in.unit ? 1 : 0) | (in.has_msi_id ? 2 : 0)));
		snap_wr32(d + 12, in.class_rev);
		snap_wr64(d + 16, in.unit ? in.unit->base : 0);
		snap_wr32(d + 24, in.sid);
		snap_wr32(d + 28, in.msi_id);
		snap_wr64(d + 32, in.mmio_base);
		snap_wr64(d + 40, in.mmio_size);
		size_t n = put_strs(d + SMMU_SNAP_DEVICE_FIXED, 200, 2, in.addr, in.name);
		note_add(&c->notes, SMMU_SNAP_NT_DEVICE, d, SMMU_SNAP_DEVICE_FIXED + n);
		if (in.bus == SMMU_BUS_PCI)
			capture_pci(c, in.bdf);
	}
	c->rep->devices = (unsigned)c->t->ndevices;
}

/* Where RAM is: audit's memory classes and "not RAM" explanations need it
 * offline too (the device tree says so on Arm; x86 machines only tell the
 * live backend). */
static void capture_ram(struct cap *c)
{
	uint64_t ram[SMMU_SNAP_MAX_RAM][2];
	uint8_t d[SMMU_SNAP_RAM_FIXED + sizeof(ram)];
	int n = c->orig->ram_ranges ? c->orig->ram_ranges(c->t->priv, ram, SMMU_SNAP_MAX_RAM) : 0;

	if (n <= 0)
		return;
	size_t k = 0;
	memset(d, 0, sizeof(d));
	for (int i = 0; i < n; i++)
		if (ram[i][1]) {
			snap_wr64(d + SMMU_SNAP_RAM_FIXED + 16 * k, ram[i][0]);
			snap_wr64(d + SMMU_SNAP_RAM_FIXED + 16 * k + 8, ram[i][1]);
			k++;
		}
	snap_wr32(d, (uint32_t)k);
	note_add(&c->notes, SMMU_SNAP_NT_RAM, d, SMMU_SNAP_RAM_FIXED + 16 * k);
}

static void capture_faults(struct cap *c)
{
	size_t n = smmu_faults_kept(c->t);
	struct smmu_fault_totals tot;
	uint8_t *d = calloc(1, SMMU_SNAP_FAULTS_FIXED + n * SMMU_SNAP_FAULT_SIZE);

	if (!d) {
		c->notes.oom = true;
		return;
	}
	smmu_faults_totals(c->t, &tot);
	snap_wr64(d, tot.total);
	snap_wr64(d + 8, tot.lost_overflow);
	snap_wr64(d + 16, tot.lost_unread);
	snap_wr64(d + 24, tot.quirks);
	snap_wr64(d + 32, tot.gerrors);
	snap_wr32(d + 40, (uint32_t)n);
	snap_wr32(d + 44, SMMU_SNAP_FAULT_SIZE);
	for (size_t i = 0; i < n; i++) {
		struct smmu_fault f;
		uint8_t *r = d + SMMU_SNAP_FAULTS_FIXED + i * SMMU_SNAP_FAULT_SIZE;
		if (smmu_faults_get(c->t, i, &f))
			break;
		snap_wr64(r, f.seq);
		snap_wr64(r + 8, f.ts_ns);
		snap_wr64(r + 16, f.unit ? f.unit->base : 0);
		snap_wr64(r + 24, f.addr);
		snap_wr32(r + 32, f.stream.sid);
		snap_wr32(r + 36, f.stream.ssid);
		snap_wr32(r + 40, f.access);
		snap_wr32(r + 44, f.code);
		snap_wr32(r + 48, f.cls);
		r[52] = f.stream.ssv;
		r[53] = (uint8_t)(f.nraw <= 4 ? f.nraw : 4);
		for (int k = 0; k < 4; k++)
			snap_wr64(r + 56 + 8 * k, f.raw[k]);
		strncpy((char *)r + 88, f.code_name ? f.code_name : "", 47);
		strncpy((char *)r + 136, f.raw_kind ? f.raw_kind : "", 23);
	}
	note_add(&c->notes, SMMU_SNAP_NT_FAULTS, d, SMMU_SNAP_FAULTS_FIXED + n * SMMU_SNAP_FAULT_SIZE);
	c->rep->faults = (unsigned)n;
	free(d);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Sorted, and adjacent or overlapping ranges joined. */
static void coalesce(struct cap *c)
{
	size_t k = 0;

	if (!c->nranges)
		return;
	qsort(c->ranges, c->nranges, sizeof(*c->ranges), cmp_range);
	for (size_t i = 0; i < c->nranges; i++) {
		if (k && c->ranges[i].first <= c->ranges[k - 1].last + 1) {
			if (c->ranges[i].last > c->ranges[k - 1].last)
				c->ranges[k - 1].last = c->ranges[i].last;
			continue;
		}
		c->ranges[k++] = c->ranges[i];
	}
	c->nranges = k;
}

static uint64_t ranges_bytes(const struct cap *c)
{
	uint64_t n = 0;

	for (size_t i = 0; i < c->nranges; i++)
		n += (c->ranges[i].last - c->ranges[i].first + 1) * PAGE;
	return n;
}

static uint16_t machine(struct smmu_target *t)
{
	const char *isa = smmu_target_isa(t);

	return !isa ? EM_NONE : !strcmp(isa, "arm64") ? EM_AARCH64 : !strcmp(isa, "x86-64") ? EM_X86_64 : EM_NONE;
}

static int write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -EIO;
}

static int write_file(struct cap *c, const char *path, uint16_t em)
{
	char tmp[4200];
	size_t nload = c->nranges, nph = 1 + nload;
	uint8_t eh[sizeof(Elf64_Ehdr)] = { 0 }, ph[sizeof(Elf64_Phdr)];
	uint64_t off = sizeof(eh) + nph * sizeof(ph), total = ranges_bytes(c), done = 0;
	uint8_t *chunk = NULL;
	FILE *f;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.part", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	if (!(f = fopen(tmp, "wb")))
		return -errno;
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	eh[EI_OSABI] = ELFOSABI_NONE;
	snap_wr16(eh + 16, ET_CORE);
	snap_wr16(eh + 18, em);
	snap_wr32(eh + 20, EV_CURRENT);
	snap_wr64(eh + 32, sizeof(eh)); /* e_phoff */
	snap_wr16(eh + 52, sizeof(eh)); /* e_ehsize */
	snap_wr16(eh + 54, sizeof(ph));
	snap_wr16(eh + 56, (uint16_t)nph);
	snap_wr16(eh + 58, sizeof(Elf64_Shdr));
	rc = write_all(f, eh, sizeof(eh));
	/* the notes, then each range's bytes */
	memset(ph, 0, sizeof(ph));
	snap_wr32(ph, PT_NOTE);
	snap_wr64(ph + 8, off);
	snap_wr64(ph + 32, c->notes.len);
	snap_wr64(ph + 48, 4);
	if (!rc)
		rc = write_all(f, ph, sizeof(ph));
	off += c->notes.len;
	for (size_t i = 0; i < nload && !rc; i++) {
		uint64_t pa = c->ranges[i].first * PAGE, len = (c->ranges[i].last - c->ranges[i].first + 1) * PAGE;
		memset(ph, 0, sizeof(ph));
		snap_wr32(ph, PT_LOAD);
		snap_wr32(ph + 4, PF_R | PF_W);
		snap_wr64(ph + 8, off);
		snap_wr64(ph + 16, pa); /* p_vaddr = p_paddr: gdb's x/ shows physical memory */
		snap_wr64(ph + 24, pa);
		snap_wr64(ph + 32, len);
		snap_wr64(ph + 40, len);
		snap_wr64(ph + 48, PAGE);
		rc = write_all(f, ph, sizeof(ph));
		off += len;
	}
	if (!rc)
		rc = write_all(f, c->notes.p, c->notes.len);
	if (!rc && !(chunk = malloc(CHUNK)))
		rc = -ENOMEM;
	for (size_t i = 0; i < nload && !rc; i++) {
		uint64_t pa = c->ranges[i].first * PAGE, len = (c->ranges[i].last - c->ranges[i].first + 1) * PAGE;
		for (uint64_t o = 0; o < len && !rc; o += CHUNK) {
			size_t n = len - o < CHUNK ? (size_t)(len - o) : CHUNK;
			if ((rc = c->orig->mem_read(c->t->priv, pa + o, chunk, n)))
				break;
			rc = write_all(f, chunk, n);
			done += n;
			if (!rc && total > (8u << 20))
				rc = progress(c, "memory", done, total);
		}
	}
	free(chunk);
	if (fflush(f) && !rc)
		rc = -errno;
	if (!rc && fsync(fileno(f)) && errno != EINVAL)
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	c->rep->file_bytes = off;
	return rc;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool smmu_target_read_only(const struct smmu_target *t)
{
	return t->ops == &smmu_backend_snapshot;
}

int smmu_snapshot_save(struct smmu_target *t, const char *path, unsigned flags, const char *note,
		       smmu_snapshot_progress_fn progress_fn, void *arg, struct smmu_snapshot_report *rep)
{
	struct smmu_snapshot_report dummy;
	struct cap c = { .t = t, .orig = t->ops, .progress = progress_fn, .arg = arg, .rep = rep ? rep : &dummy };
	uint64_t t0 = mono_ns();
	char err[256];
	int rc = 0;

	memset(c.rep, 0, sizeof(*c.rep));
	if (active)
		return -EBUSY;
	if (!t->discovered && (rc = smmu_discover(t, err, sizeof(err))))
		return rc;
	/* the records the units hold now go into the file */
	if ((rc = smmu_faults_poll(t)) < 0 && rc != -SMMU_E_READONLY)
		warn(&c, "draining faults: %s", smmu_strerror(rc));
	/* every unit's registers, read once */
	for (size_t i = 0; i < t->nunits; i++) {
		struct smmu_unit *u = &t->units[i];
		uint8_t d[SMMU_SNAP_UNIT_FIXED + 64];
		memset(d, 0, SMMU_SNAP_UNIT_FIXED);
		snap_wr32(d, u->index);
		snap_wr32(d + 4, u->arch);
		snap_wr64(d + 8, u->base);
		size_t n = put_strs(d + SMMU_SNAP_UNIT_FIXED, 64, 2, u->name, u->source);
		note_add(&c.notes, SMMU_SNAP_NT_UNIT, d, SMMU_SNAP_UNIT_FIXED + n);
		if (!(rc = progress(&c, "registers", i, t->nunits)))
			capture_regs(&c, u);
	}
	c.rep->units = (unsigned)t->nunits;
	/* every structure the configuration reaches: the library's walks,
	 * with the pages they read noted */
	c.shim = *t->ops;
	c.shim.mem_read = shim_mem_read;
	active = &c;
	t->ops = &c.shim;
	for (size_t i = 0; i < t->nunits && !rc; i++)
		rc = capture_unit(&c, &t->units[i], i);
	t->ops = c.orig;
	active = NULL;
	coalesce(&c);
	c.rep->table_bytes = ranges_bytes(&c);
	if (!rc && (flags & SMMU_SNAPSHOT_RAM)) {
		uint64_t ram[64][2];
		int k = c.orig->ram_ranges ? c.orig->ram_ranges(t->priv, ram, 64) : 0;
		for (int i = 0; i < k; i++)
			if (ram[i][1])
				add_pages(&c, ram[i][0], ram[i][1]);
		if (k <= 0) {
			warn(&c, "--ram: %s does not say where its RAM is: the tables only", t->spec);
		}
		coalesce(&c);
	}
	if (c.nranges > MAX_LOADS) {
		warn(&c, "%zu separate memory ranges: the first %u saved", c.nranges, MAX_LOADS);
		c.nranges = MAX_LOADS;
	}
	if (!rc) {
		capture_fw(&c);
		capture_devices(&c);
		capture_faults(&c);
		capture_ram(&c);
	}
	/* the header last, so it can say whether anything went wrong */
	if (!rc) {
		uint8_t h[SMMU_SNAP_HEADER_FIXED + 1024];
		struct timespec now;
		char method[96];
		clock_gettime(CLOCK_REALTIME, &now);
		memset(h, 0, SMMU_SNAP_HEADER_FIXED);
		snap_wr32(h, SMMU_SNAP_VERSION);
		snap_wr32(h + 4, (flags & SMMU_SNAPSHOT_RAM ? SMMU_SNAP_F_RAM : 0) |
				 (c.rep->warnings ? SMMU_SNAP_F_INCOMPLETE : 0));
		snap_wr64(h + 8, (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
		snap_wr64(h + 16, smmu_target_now_ns(t));
		snprintf(method, sizeof(method), "smmu_snapshot_save%s: registers read once, tables walked live",
			 flags & SMMU_SNAPSHOT_RAM ? " --ram" : "");
		size_t n = put_strs(h + SMMU_SNAP_HEADER_FIXED, 1024, 5, smmu_version(), t->spec,
				    smmu_target_describe(t), method, note ? note : "");
		struct buf hb = { 0 };
		note_add(&hb, SMMU_SNAP_NT_HEADER, h, SMMU_SNAP_HEADER_FIXED + n);
		/* the header goes first in the file */
		if (!hb.oom && !c.notes.oom) {
			uint8_t *p = malloc(hb.len + c.notes.len);
			if (p) {
				memcpy(p, hb.p, hb.len);
				if (c.notes.len)
					memcpy(p + hb.len, c.notes.p, c.notes.len);
				free(c.notes.p);
				c.notes.p = p;
				c.notes.len = c.notes.cap = hb.len + c.notes.len;
			} else {
				c.notes.oom = true;
			}
		}
		free(hb.p);
	}
	if (!rc && (c.oom || c.notes.oom))
		rc = -ENOMEM;
	c.rep->memory_bytes = ranges_bytes(&c);
	c.rep->segments = (unsigned)c.nranges;
	c.rep->registers = c.nregs;
	if (!rc)
		rc = write_file(&c, path, machine(t));
	c.rep->elapsed_ns = mono_ns() - t0;
	free(c.ranges);
	free(c.walked);
	free(c.notes.p);
	return rc;
}
