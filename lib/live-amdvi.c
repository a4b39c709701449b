/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi live configuration: Control and the Device Table Base, then the
 * requester's Device Table Entry, which either passes DMA untranslated (the
 * IOMMU is off, V or TV clear, Mode 0 with IR and IW), blocks it (Mode 0
 * without permissions), or translates it with v1 tables of Mode levels.  A
 * stop names the event the IOMMU would log.  amdvi_translate() predicts one
 * access from there: the exclusion range, Mode 0's IR/IW, the walk, the
 * DTE's IR/IW over the tables', and the event (IO_PAGE_FAULT unless SE or SA
 * suppresses it; the hardware errors with the address whose fetch failed).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/amdvi.h"
#include "lib/live.h"

#define STOP(cfg, v, code, name, ...) cfg_end(cfg, v, code, name, __VA_ARGS__)

int amdvi_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	uint64_t ctl, dtb;
	const uint64_t *w;
	uint16_t devid = (uint16_t)s->sid;
	int rc;

	if ((rc = reg_read64(u, AMDVI_CONTROL, &ctl)) || (rc = reg_read64(u, AMDVI_DEVTAB_BASE, &dtb)))
		return rc;
	cfg_reg(cfg, "Control", "amdvi.control", AMDVI_CONTROL, ctl);
	if (!SMMU_GET(AMDVI_CONTROL_IommuEn, ctl)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, NULL, "the IOMMU is off (Control.IommuEn=0): DMA is not translated");
		return 0;
	}
	cfg_reg(cfg, "Device Table Base", "amdvi.devtab_base", AMDVI_DEVTAB_BASE, dtb);
	uint64_t entries = (SMMU_GET(AMDVI_DEVTAB_BASE_Size, dtb) + 1) * 4096 / AMDVI_DTE_BYTES;
	if (devid >= entries) {
		STOP(cfg, SMMU_CFG_FAULT, AMDVI_EV_ILLEGAL_DTE, "ILLEGAL_DEV_TABLE_ENTRY",
		     "DeviceID 0x%04x is beyond the device table (%" PRIu64 " entries)", devid, entries);
		return 0;
	}
	uint64_t dte_pa = (dtb & SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase)) + devid * 32ULL;
	if ((rc = cfg_read(u, cfg, "device table entry", "amdvi.dte", dte_pa, 4, &w))) {
		/* the IOMMU logs the failed fetch with the DTE's address */
		cfg->code = AMDVI_EV_DEV_TAB_HW_ERROR;
		cfg->code_name = "DEV_TAB_HARDWARE_ERROR";
		cfg->fetch_addr = dte_pa;
		return rc;
	}
	if (!SMMU_GETW(AMDVI_DTE_V, w)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, NULL, "the DTE of DeviceID 0x%04x is not valid (V=0): DMA passes untranslated",
		     devid);
		return 0;
	}
	if (!SMMU_GETW(AMDVI_DTE_TV, w)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, NULL,
		     "the DTE has no translation information (TV=0): DMA passes untranslated");
		return 0;
	}
	unsigned mode = (unsigned)SMMU_GETW(AMDVI_DTE_Mode, w);
	bool ir = SMMU_GETW(AMDVI_DTE_IR, w), iw = SMMU_GETW(AMDVI_DTE_IW, w);
	if ((w[0] & SMMU_GENMASK(6, 2)) || (w[0] >> 63) || mode == 7) {
		STOP(cfg, SMMU_CFG_FAULT, AMDVI_EV_ILLEGAL_DTE, "ILLEGAL_DEV_TABLE_ENTRY",
		     "the DTE has a reserved bit or Mode 7 set");
		return 0;
	}
	if (mode == 0) {
		if (!ir && !iw)
			STOP(cfg, SMMU_CFG_ABORT, AMDVI_EV_IO_PAGE_FAULT, "IO_PAGE_FAULT",
			     "the DTE blocks DMA: Mode 0 (no page tables) with IR and IW clear, domain %u",
			     (unsigned)SMMU_GETW(AMDVI_DTE_DomainID, w));
		else
			STOP(cfg, SMMU_CFG_BYPASS, 0, NULL,
			     "the DTE passes DMA untranslated (Mode 0) for %s%s%s", ir ? "reads" : "",
			     ir && iw ? " and " : "", iw ? "writes" : "");
		return 0;
	}
	uint64_t root = SMMU_ADDRW(AMDVI_DTE_PageTableRootPtr, w);
	/* Mode 6: a 64-bit input whose top level (bits 63:57) is read here,
	 * below it the engine's 1 to 5 (amdvi_walk_six, six_levels) */
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * mode, .oas = 52 };
	cfg->root = root;
	if (mode == 6)
		cfg->pgt.ias = 64;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, NULL, "v1 tables, %u level%s (%u-bit), at 0x%" PRIx64 ", domain %u%s%s",
	     mode, mode > 1 ? "s" : "", cfg->pgt.ias, root, (unsigned)SMMU_GETW(AMDVI_DTE_DomainID, w),
	     !ir ? ", reads denied by the DTE (IR=0)" : "", !iw ? ", writes denied by the DTE (IW=0)" : "");
	return 0;
}

/* Inside the exclusion range, for a device the range applies to (Allow, or
 * the DTE's EX): the IOMMU neither translates nor checks the access. */
static int excluded(struct smmu_unit *u, const uint64_t *dte, uint64_t iova, bool *out)
{
	uint64_t base, limit;
	int rc;

	*out = false;
	if ((rc = reg_read64(u, AMDVI_EXCL_BASE, &base)) || (rc = reg_read64(u, AMDVI_EXCL_LIMIT, &limit)))
		return rc;
	if (!SMMU_GET(AMDVI_EXCL_BASE_ExEn, base) || (!SMMU_GET(AMDVI_EXCL_BASE_Allow, base) && !SMMU_GETW(AMDVI_DTE_EX, dte)))
		return 0;
	*out = iova >= (base & SMMU_MASK(AMDVI_EXCL_BASE_ExclBase)) &&
	       iova <= ((limit & SMMU_MASK(AMDVI_EXCL_LIMIT_ExclLimit)) | 0xfff);
	return 0;
}

static void io_page_fault(struct smmu_translation *out, const uint64_t *dte)
{
	out->ok = false;
	out->code = AMDVI_EV_IO_PAGE_FAULT;
	out->code_name = "IO_PAGE_FAULT";
	out->quiet = SMMU_GETW(AMDVI_DTE_SE, dte) || SMMU_GETW(AMDVI_DTE_SA, dte);
}

/* A Mode 6 top entry (input bits 63:57), decoded as the engine decodes the
 * levels below: a pointer down to level NextLevel 1-5 (the skipped levels'
 * bits zero), a 2^57-byte leaf (NextLevel 0; a NextLevel-7 size can never
 * exceed this level's size: reserved), or absent. */
struct top_entry {
	enum smmu_pgt_etype type;
	int status;
	unsigned nl;   /* a pointer's NextLevel */
	uint64_t addr; /* the table below, or the leaf's output */
	bool ir, iw;
};

static struct top_entry top_decode(uint64_t pte)
{
	struct top_entry t = { .type = SMMU_PGT_E_INVALID, .status = SMMU_PGT_F_INVALID,
			       .nl = (unsigned)SMMU_GET(AMDVI_PTE_NextLevel, pte),
			       .addr = pte & SMMU_MASK(AMDVI_PTE_LEAF_Address),
			       .ir = SMMU_GET(AMDVI_PTE_LEAF_IR, pte), .iw = SMMU_GET(AMDVI_PTE_LEAF_IW, pte) };

	if (!SMMU_GET(AMDVI_PTE_PR, pte))
		return t;
	t.status = SMMU_PGT_OK;
	if (t.nl == 0 || t.nl == 7) {
		t.type = SMMU_PGT_E_LEAF;
		t.addr &= ~SMMU_GENMASK(56, 0);
		if (t.nl == 7 || (pte & SMMU_GENMASK(58, 52)))
			t.status = SMMU_PGT_F_RESERVED;
	} else {
		t.type = SMMU_PGT_E_TABLE;
		if (t.nl >= 6 || (pte & SMMU_GENMASK(60, 52)))
			t.status = SMMU_PGT_F_RESERVED; /* a pointer to this level, or reserved bits */
	}
	return t;
}

/* A leaf's permissions under a top entry that takes some away (none left:
 * privileged only, as the engine says of a leaf without rights). */
static unsigned top_denies(unsigned prot, const struct top_entry *t)
{
	unsigned deny = (t->ir ? 0 : SMMU_PROT_R) | (t->iw ? 0 : SMMU_PROT_W);

	if (!(prot & deny))
		return prot;
	prot &= ~deny;
	return prot & (SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_X) ? prot : prot | SMMU_PROT_PRIV;
}

/* After the walk: a table that could not be read is a hardware error with
 * its address; else the DTE's (and a sixth level's) IR/IW over the
 * tables', the first on the path to lack the right named, and any stop an
 * IO_PAGE_FAULT. */
static void settle(struct smmu_translation *out, const uint64_t *dte, const struct top_entry *top, bool write)
{
	if (out->x.fault == SMMU_PGT_F_TABLE_READ && out->x.nsteps) {
		out->code = AMDVI_EV_PAGE_TAB_HW_ERROR;
		out->code_name = "PAGE_TAB_HARDWARE_ERROR";
		out->fetch_addr = out->x.step[out->x.nsteps - 1].entry_pa;
		out->ok = false;
		return;
	}
	bool dte_denies = !(write ? SMMU_GETW(AMDVI_DTE_IW, dte) : SMMU_GETW(AMDVI_DTE_IR, dte));
	bool top_denies = top && !(write ? top->iw : top->ir);
	if ((out->ok || out->x.fault == SMMU_PGT_F_PERM) && (dte_denies || top_denies)) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->x.perm_missing = write ? SMMU_PROT_W : SMMU_PROT_R;
		out->x.perm_from = dte_denies			 ? SMMU_PGT_PERM_CONFIG
				   : top->type == SMMU_PGT_E_LEAF ? SMMU_PGT_PERM_LEAF
								  : SMMU_PGT_PERM_TABLE;
		out->x.perm_level = 6;
	}
	if (!out->ok || out->x.fault) {
		io_page_fault(out, dte);
		out->ok = false;
	}
}

/* Mode 6: the top entry read here, the rest of the walk by the engine. */
static int six_levels(struct smmu_unit *u, struct smmu_translation *out, const uint64_t *dte, uint64_t iova,
		      bool write)
{
	uint64_t root = SMMU_ADDRW(AMDVI_DTE_PageTableRootPtr, dte), pte;
	unsigned index = (unsigned)((iova >> 57) & 0x7f);
	/* the top entry is the trace's first step, the engine's follow */
	struct smmu_pgt_step top = { .level = 6, .table_pa = root, .index = index, .entry_pa = root + index * 8ULL };

	out->code = 0;
	out->code_name = NULL;
	out->walked = true;
	if (smmu_mem_read(u->t, top.entry_pa, &pte, 8)) {
		/* a walk stopped at its first table, as at any level below */
		out->x = (struct smmu_pgt_xlate){ .nsteps = 1, .step = { top }, .fault_level = 6,
						  .fault = SMMU_PGT_F_TABLE_READ };
		settle(out, dte, NULL, write);
		return 0;
	}
	struct top_entry t = top_decode(pte);
	top.pte = pte;
	top.kind = t.type == SMMU_PGT_E_LEAF ? "amdvi.pte.leaf" : t.type == SMMU_PGT_E_TABLE ? "amdvi.pde" : "amdvi.pte";
	if (t.status || (t.type == SMMU_PGT_E_TABLE && (iova & SMMU_GENMASK(56, 12 + 9 * t.nl)))) {
		/* absent, reserved, or a skipped level's bits set */
		out->x = (struct smmu_pgt_xlate){ .nsteps = 1, .step = { top }, .fault_level = 6,
						  .fault = t.status ? t.status : SMMU_PGT_F_RESERVED };
		io_page_fault(out, dte);
		return 0;
	}
	if (t.type == SMMU_PGT_E_LEAF) {
		out->ok = true;
		out->pa = t.addr | (iova & SMMU_GENMASK(56, 0));
		out->x = (struct smmu_pgt_xlate){ .nsteps = 1, .step = { top }, .fault_level = 6, .oa = out->pa,
						  .page_size = 1ULL << 57,
						  .prot = (t.ir ? SMMU_PROT_R : 0) | (t.iw ? SMMU_PROT_W : 0) };
		settle(out, dte, &t, write);
		return 0;
	}
	out->cfg.pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * t.nl, .oas = 52 };
	out->cfg.root = t.addr;
	int rc = live_walk(u, &out->cfg.pgt, t.addr, iova & SMMU_GENMASK(11 + 9 * t.nl, 0),
			   write ? SMMU_PROT_W : SMMU_PROT_R, out);
	if (rc)
		return rc;
	if (out->x.nsteps < SMMU_PGT_MAX_STEPS) {
		memmove(&out->x.step[1], &out->x.step[0], out->x.nsteps * sizeof(out->x.step[0]));
		out->x.step[0] = top;
		out->x.nsteps++;
	}
	out->x.prot = top_denies(out->x.prot, &t);
	settle(out, dte, &t, write);
	return 0;
}

bool amdvi_six_levels(const struct smmu_config *cfg)
{
	return cfg->pgt.fmt == SMMU_PGT_AMD_V1 && cfg->pgt.ias == 64;
}

/* A Mode 6 walk: the visitor's or the listing's state, and one subtree's
 * place (its slot's IOVA, its top entry). */
struct six_walk {
	smmu_pgt_visit_fn fn;
	smmu_pgt_range_fn rfn;
	void *arg;
	uint64_t lo, hi; /* the requested range, inclusive */
	struct smmu_pgt_range cur; /* the listing's open range */
	uint64_t base;
	struct top_entry top;
	struct smmu_pgt_walk_stats *st;
};

/* A leaf that translates, clipped to the range, merged into the open range
 * while permissions are equal and both addresses continue. */
static int six_list(struct six_walk *w, uint64_t iova, uint64_t pa, uint64_t size, unsigned prot)
{
	uint64_t last = iova + (size - 1);

	if (iova < w->lo) {
		pa += w->lo - iova;
		iova = w->lo;
	}
	if (last > w->hi)
		last = w->hi;
	size = last - iova + 1;
	if (w->cur.size && w->cur.prot == prot && w->cur.iova + w->cur.size == iova && w->cur.pa + w->cur.size == pa) {
		w->cur.size += size;
		return 0;
	}
	int rc = w->cur.size ? w->rfn(w->arg, &w->cur) : 0;
	w->cur = (struct smmu_pgt_range){ .iova = iova, .pa = pa, .size = size, .prot = prot };
	return rc;
}

static int six_visit(struct six_walk *w, const struct smmu_pgt_entry *e)
{
	if (!w->rfn)
		return w->fn(w->arg, e);
	return e->type == SMMU_PGT_E_LEAF && e->status == SMMU_PGT_OK ? six_list(w, e->iova, e->addr, e->size, e->prot)
								       : 0;
}

/* An entry of a subtree: at its slot's IOVA, one level deeper, with the
 * rights the top entry takes away. */
static int six_sub_visit(void *arg, const struct smmu_pgt_entry *e)
{
	struct six_walk *w = arg;
	struct smmu_pgt_entry c = *e;

	c.iova += w->base;
	c.depth++;
	if (c.type == SMMU_PGT_E_LEAF)
		c.prot = top_denies(c.prot, &w->top);
	return six_visit(w, &c);
}

static void add_stats(struct smmu_pgt_walk_stats *to, const struct smmu_pgt_walk_stats *from)
{
	to->steps += from->steps;
	to->tables += from->tables;
	to->leaves += from->leaves;
	for (int i = 0; i < SMMU_PGT_F_MAX; i++)
		to->count[i] += from->count[i];
}

/* The subtree under top entry e, the part of it inside the range. */
static int six_subtree(struct smmu_unit *u, struct six_walk *w, const struct smmu_pgt_entry *e,
		       const struct top_entry *t, unsigned flags)
{
	struct smmu_pgt_cfg pc = { .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * t->nl, .oas = 52 };
	uint64_t lo = e->iova > w->lo ? e->iova : w->lo, hi = e->iova + ((1ULL << pc.ias) - 1);
	struct smmu_pgt_walk_stats sub;
	struct smmu_pgt *p;
	int rc;

	if (hi > w->hi)
		hi = w->hi;
	if (lo > hi)
		return 0; /* the range lies where skipped levels' bits are set */
	if ((rc = smmu_pgt_open_live(&pc, &u->t->mem, e->addr, &p)))
		return rc;
	w->base = e->iova;
	w->top = *t;
	rc = smmu_pgt_walk(p, lo - e->iova, hi - lo + 1, flags, SMMU_PGT_WALK_BUDGET - w->st->steps, six_sub_visit, w,
			   &sub);
	smmu_pgt_destroy(p);
	add_stats(w->st, &sub);
	return rc;
}

int amdvi_walk_six(struct smmu_unit *u, const struct smmu_config *cfg, uint64_t iova, uint64_t size, unsigned flags,
		   smmu_pgt_visit_fn fn, smmu_pgt_range_fn rfn, void *arg, struct smmu_pgt_walk_stats *st)
{
	struct smmu_pgt_walk_stats local;
	struct six_walk w = { .fn = fn, .rfn = rfn, .arg = arg, .lo = size ? iova : 0,
			      .hi = size ? iova + (size - 1) : UINT64_MAX, .st = st ? st : &local };
	uint64_t top[128], seen[128];
	unsigned nseen = 0;
	bool looped = false;
	int rc = 0;

	memset(w.st, 0, sizeof(*w.st));
	if (!fn && !rfn)
		return -EINVAL;
	struct smmu_pgt_entry e = { .level = 6, .table_pa = cfg->root, .size = 1ULL << 57 };
	if (smmu_mem_read(u->t, cfg->root, top, sizeof(top))) {
		/* the top table itself is unreadable: a warning on it */
		e.size = 0;
		e.status = SMMU_PGT_F_TABLE_READ;
		w.st->count[e.status]++;
		return six_visit(&w, &e);
	}
	w.st->tables++;
	for (unsigned i = (unsigned)(w.lo >> 57); i <= w.hi >> 57 && !rc; i++) {
		struct top_entry t = top_decode(top[i]);

		e = (struct smmu_pgt_entry){ .level = 6, .type = t.type, .iova = (uint64_t)i << 57, .size = 1ULL << 57,
					     .table_pa = cfg->root, .entry_pa = cfg->root + 8ULL * i, .index = i,
					     .pte = top[i], .addr = t.addr, .status = t.status,
					     .kind = t.type == SMMU_PGT_E_LEAF	  ? "amdvi.pte.leaf"
						     : t.type == SMMU_PGT_E_TABLE ? "amdvi.pde"
										  : "amdvi.pte" };
		if (++w.st->steps >= SMMU_PGT_WALK_BUDGET) {
			e.type = SMMU_PGT_E_INVALID;
			e.addr = 0;
			e.kind = NULL;
			e.status = SMMU_PGT_F_BUDGET;
			w.st->count[e.status]++;
			six_visit(&w, &e);
			return -SMMU_E_LOOP;
		}
		if (t.type == SMMU_PGT_E_LEAF) {
			w.st->leaves++;
			e.prot = (t.ir ? SMMU_PROT_R : 0) | (t.iw ? SMMU_PROT_W : 0);
			if (!e.prot)
				e.prot = SMMU_PROT_PRIV;
		}
		if (t.type == SMMU_PGT_E_TABLE && !t.status) {
			/* as the engine: a table met before is not walked again */
			if (t.addr == cfg->root)
				e.status = SMMU_PGT_F_LOOP;
			for (unsigned k = 0; k < nseen && !e.status; k++)
				if (seen[k] == t.addr)
					e.status = SMMU_PGT_F_ALIAS;
			looped |= e.status == SMMU_PGT_F_LOOP;
			if (!e.status)
				seen[nseen++] = t.addr;
		}
		w.st->count[e.status]++;
		if (e.status == SMMU_PGT_F_INVALID && !(flags & SMMU_PGT_WALK_INVALID))
			continue;
		if ((rc = six_visit(&w, &e)))
			break;
		if (e.type == SMMU_PGT_E_TABLE && !e.status)
			rc = six_subtree(u, &w, &e, &t, flags);
		if (rc == -SMMU_E_LOOP && !w.st->count[SMMU_PGT_F_BUDGET]) {
			looped = true; /* a loop inside one subtree: the others are still walked */
			rc = 0;
		}
	}
	if (rfn && w.cur.size && (!rc || rc == -SMMU_E_LOOP)) {
		int rc2 = rfn(arg, &w.cur);
		rc = rc ? rc : rc2;
	}
	return rc ? rc : looped ? -SMMU_E_LOOP : 0;
}

int amdvi_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		    struct smmu_translation *out)
{
	const struct smmu_cfg_step *step;
	bool write = access & SMMU_PROT_W, ex;
	int rc;

	if ((rc = amdvi_config(u, s, &out->cfg)))
		return rc;
	live_from_cfg(out);
	step = smmu_config_step(&out->cfg, SMMU_CS_DTE);
	if (out->cfg.verdict == SMMU_CFG_BYPASS && (!step || !SMMU_GETW(AMDVI_DTE_V, step->words) ||
						    !SMMU_GETW(AMDVI_DTE_TV, step->words))) {
		out->ok = true; /* the IOMMU is off, or the DTE translates nothing */
		out->pa = iova;
		return 0;
	}
	if (!step || out->cfg.code == AMDVI_EV_ILLEGAL_DTE)
		return 0;
	const uint64_t *w = step->words;
	if ((rc = excluded(u, w, iova, &ex)))
		return rc;
	if (ex) {
		out->ok = true;
		out->pa = iova;
		out->code = 0;
		out->code_name = NULL;
		return 0;
	}
	if (SMMU_GETW(AMDVI_DTE_Mode, w) == 0) {
		/* no tables: IR and IW alone decide */
		if (write ? SMMU_GETW(AMDVI_DTE_IW, w) : SMMU_GETW(AMDVI_DTE_IR, w)) {
			out->ok = true;
			out->pa = iova;
		} else {
			io_page_fault(out, w);
		}
		return 0;
	}
	if (SMMU_GETW(AMDVI_DTE_Mode, w) == 6)
		return six_levels(u, out, w, iova, write);
	if (out->cfg.verdict != SMMU_CFG_TRANSLATE)
		return 0;
	/* v1 tables know reads and writes only: an instruction fetch or a
	 * privileged access needs what a read or a write needs */
	if ((rc = live_walk(u, &out->cfg.pgt, out->cfg.root, iova, write ? SMMU_PROT_W : SMMU_PROT_R, out)))
		return rc;
	settle(out, w, NULL, write);
	return 0;
}

/* --- hardware-error events: the record holds a fetch address, not an IOVA ---- */

/* Entries the search for a table's owner visits at most: every table of a
 * large domain is 512 entries, and an explanation must not hang on one. */
#define OWNER_SEARCH_BUDGET (1u << 20)

struct table_owner {
	uint64_t table;             /* the 4 KiB table page searched for */
	unsigned visited;
	bool found;
	struct smmu_pgt_entry by;   /* the PDE that points to it */
};

static int find_pointer(void *arg, const struct smmu_pgt_entry *e)
{
	struct table_owner *o = arg;

	if (++o->visited > OWNER_SEARCH_BUDGET)
		return -E2BIG;
	if (e->type != SMMU_PGT_E_TABLE || (e->addr & ~0xfffULL) != o->table)
		return 0;
	o->by = *e;
	o->found = true;
	return 1; /* found: stop the walk */
}

/* What the fetch at pa is now: outside RAM, unreadable, or readable again. */
static void fetch_words(struct smmu_unit *u, uint64_t pa, char *buf, size_t n)
{
	char ram[96];
	uint64_t v;

	if (!smmu_target_is_ram(u->t, pa, 8))
		snprintf(buf, n, "it is outside RAM; RAM is %s", smmu_target_ram_words(u->t, ram, sizeof(ram)));
	else if (smmu_mem_read(u->t, pa, &v, 8))
		snprintf(buf, n, "it cannot be read");
	else
		snprintf(buf, n, "it reads now (0x%016" PRIx64 "): the failure was transient", v);
}

/* Which of the requester's live tables the entry at pa belongs to: the
 * DTE's root, or a table a PDE points to (found by a walk of the tables,
 * which ends at loops and visits each table once). */
static void name_table(struct smmu_unit *u, const struct smmu_stream *s, const struct smmu_config *cfg,
		       uint64_t pa, char *buf, size_t n)
{
	const struct smmu_cfg_step *dte = smmu_config_step(cfg, SMMU_CS_DTE);
	struct table_owner o = { .table = pa & ~0xfffULL };
	unsigned idx = (unsigned)(pa & 0xfff) / 8;
	uint64_t base = 0;
	int level;
	int rc = 0;

	if (cfg->verdict != SMMU_CFG_TRANSLATE || !dte) {
		snprintf(buf, n, "; the requester has no tables now: %s", cfg->reason);
		return;
	}
	if (o.table == cfg->root) {
		level = (int)SMMU_GET(AMDVI_DTE_Mode, dte->words[0]);
	} else {
		rc = smmu_walk_raw(u, s, 0, 0, find_pointer, &o, NULL);
		if (!o.found) {
			snprintf(buf, n, "; no table of the requester's live tables is at 0x%" PRIx64 "%s", o.table,
				 rc == -E2BIG ? " (among the first 1048576 entries)"
				 : rc < 0     ? " (as far as they could be walked)"
					      : "");
			return;
		}
		level = (int)SMMU_GET(AMDVI_PTE_NextLevel, o.by.pte);
		base = o.by.iova;
	}
	int shift = 12 + 9 * (level - 1);
	int len = snprintf(buf, n, "; it is entry %u of the level-%d table at 0x%" PRIx64, idx, level, o.table);
	if (len < 0 || (size_t)len >= n)
		return;
	if (o.found)
		len += snprintf(buf + len, n - (size_t)len,
				", which the level-%d entry (%s 0x%016" PRIx64 " at 0x%" PRIx64 ") points to", o.by.level,
				o.by.kind ? o.by.kind : "entry", o.by.pte, o.by.entry_pa);
	else
		len += snprintf(buf + len, n - (size_t)len, ", the DTE's root");
	/* the IOVA range the entry covers, where the level gives one */
	if (level >= 1 && shift < 64 && (size_t)len < n && (shift + 9 <= 64 || idx < 1u << (64 - shift))) {
		uint64_t lo = base + ((uint64_t)idx << shift);
		snprintf(buf + len, n - (size_t)len, ", for IOVA 0x%" PRIx64 "-0x%" PRIx64, lo,
			 lo + ((UINT64_C(1) << shift) - 1));
	}
}

bool amdvi_fetch_event(const struct smmu_fault *f)
{
	return f->unit && f->unit->arch == SMMU_ARCH_AMDVI && f->raw_kind && !strcmp(f->raw_kind, "amdvi.evt") &&
	       (f->code == AMDVI_EV_DEV_TAB_HW_ERROR || f->code == AMDVI_EV_PAGE_TAB_HW_ERROR);
}

int amdvi_explain_fetch(const struct smmu_fault *f, struct smmu_explain *out)
{
	struct smmu_unit *u = f->unit;
	struct smmu_config *cfg = &out->tr.cfg;
	char now[160], which[256] = "";
	int rc;

	if ((rc = smmu_unit_config(u, &f->stream, cfg)))
		return rc;
	out->cls = SMMU_FC_FETCH;
	out->tr.walked = false;
	fetch_words(u, f->addr, now, sizeof(now));
	if (f->code == AMDVI_EV_DEV_TAB_HW_ERROR) {
		snprintf(out->text, sizeof(out->text),
			 "%s: reading the device table entry at 0x%" PRIx64 " failed: %s; the requester's "
			 "configuration now: %s",
			 f->code_name, f->addr, now, cfg->reason);
		return 0;
	}
	name_table(u, &f->stream, cfg, f->addr, which, sizeof(which));
	snprintf(out->text, sizeof(out->text),
		 "%s: reading the page-table entry at 0x%" PRIx64 " failed (the event holds that address, "
		 "not the IOVA): %s%s",
		 f->code_name, f->addr, now, which);
	return 0;
}
