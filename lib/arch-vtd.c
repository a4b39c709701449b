/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d driver: probe, take ownership behind a root table whose every
 * context is blocked, attach devices to domains, invalidate through the
 * context-command and IOTLB registers, drain the fault recording registers,
 * give everything back on release.  Legacy root and context tables, or,
 * when own is asked for them (smmu_own_opts.scalable), scalable-mode ones: a
 * PASID directory per device, PASID entries of every table type, and
 * invalidation through a queue (see "scalable mode" below).
 *
 * A unit whose queued invalidation was on when smmush took it (a kernel that
 * left DMA remapping off still uses the unit for interrupt remapping, and
 * then invalidates through the queue: QEMU refuses register-based
 * invalidation while it is on) keeps it on: the kernel's queue lives in its
 * RAM, which smmush never writes, so own() swaps in a queue of its own in
 * the table region (QI off only while IQA changes, the kernel's queue idle),
 * invalidates with context-cache and IOTLB descriptors, each batch closed
 * by a wait descriptor whose status write smmush polls, and release() puts
 * the kernel's queue back with its tail, so its head catches up to where the
 * kernel left it.  Interrupt remapping (GSTS.IRES, IRTA) is never touched:
 * GCMD is always built from GSTS.  While smmush owns the unit the kernel
 * must not queue invalidations (it does when an interrupt is re-routed):
 * its descriptors would not be where the hardware reads; the free slots of
 * smmush's queue hold no-op wait descriptors so that such a tail costs the
 * kernel a wait until release, not a queue error, and release hands its tail
 * back.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch.h"
#include "lib/live.h"
#include "lib/domain.h"
#include "lib/hw.h"
#include "lib/regs.h"
#include "lib/vtd.h"

struct vtd_saved {
	uint32_t gsts, fectl, fedata, feaddr, feuaddr;
	uint64_t rtaddr, iqa, iqt;
	uint64_t ccmd, iotlb; /* command registers keep the last command's fields */
};

/* A page of PASID entries of one device in scalable mode (64 PASIDs). */
struct vtd_ptable {
	uint16_t sid;
	uint32_t dir_index; /* PASID bits 19:6 */
	uint64_t pa;
};

struct vtd {
	uint64_t cap, ecap;
	unsigned mgaw, sagaw, nfr, sllps;
	uint32_t iotlb;      /* byte offset of IOTLB_REG (ECAP.IRO) */
	bool qi;
	bool qi_own;          /* invalidating through smmush's own queue */
	uint64_t iq_pa, st_pa; /* that queue and its wait descriptors' status dword */
	uint32_t iq_tail;     /* byte offset after smmush's last descriptor */
	unsigned iq_dsz;      /* descriptor bytes: 16, or 32 (IQA.DW, scalable mode) */
	uint32_t iq_seq;      /* the last status data asked for */
	bool kernel_moved;    /* the kernel wrote IQT while smmush owned the queue */
	bool in_release;
	uint32_t kernel_iqt;  /* that tail, handed back on release */
	struct vtd_saved saved;
	uint64_t root_pa;
	/* context tables: legacy [bus]; scalable [bus * 2 + (devfn >= 128)] (0 if none) */
	uint64_t ctx_pa[512];
	/* scalable mode (own with smmu_own_opts.scalable): RTADDR.TTM = 01, a
	 * PASID directory per device, its requests without a PASID at PASID 0 */
	bool sm;
	struct { uint16_t sid; uint64_t pa; } *pdir; /* each device's PASID directory */
	size_t npdir;
	struct vtd_ptable *ptab;
	size_t nptab;
	unsigned pdts;        /* the directories' size: 2^(PDTS + 7) entries */
	unsigned fri;         /* next fault recording register to look at */
};

static struct vtd *priv(struct smmu_unit *u)
{
	return u->arch_priv;
}

static int probe(struct smmu_unit *u)
{
	struct vtd *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return -ENOMEM;
	if ((rc = reg_read64_kept(u, VTD_CAP, true, &v->cap)) || (rc = reg_read64_kept(u, VTD_ECAP, true, &v->ecap))) {
		free(v);
		return rc;
	}
	if (!v->cap) {
		free(v);
		return -ENODEV;
	}
	v->mgaw = SMMU_GET(VTD_CAP_MGAW, v->cap) + 1;
	v->sagaw = SMMU_GET(VTD_CAP_SAGAW, v->cap);
	v->sllps = SMMU_GET(VTD_CAP_SLLPS, v->cap);
	v->nfr = SMMU_GET(VTD_CAP_NFR, v->cap) + 1;
	v->iotlb = VTD_IOTLB_offset(v->ecap, 0);
	v->qi = SMMU_GET(VTD_ECAP_QI, v->ecap);
	u->arch_priv = v;
	return 0;
}

static void destroy(struct smmu_unit *u)
{
	struct vtd *v = priv(u);

	if (v) {
		free(v->pdir);
		free(v->ptab);
	}
	free(u->arch_priv);
	u->arch_priv = NULL;
}

static int release(struct smmu_unit *u);

/* One GCMD change, then wait for GSTS to follow. */
static int gcmd(struct smmu_unit *u, uint32_t set, uint32_t clear, uint32_t status_mask,
		uint32_t status_want)
{
	uint32_t gsts;
	int rc = reg_read32(u, VTD_GSTS, &gsts);

	if (rc)
		return rc;
	if ((rc = reg_write32(u, VTD_GCMD, ((gsts & VTD_GSTS_PERSIST) | set) & ~clear)))
		return rc;
	return smmu_poll32(u, VTD_GSTS, status_mask, status_want);
}

static int set_root(struct smmu_unit *u, uint64_t rtaddr)
{
	int rc = reg_write64(u, VTD_RTADDR, rtaddr);

	return rc ? rc : gcmd(u, SMMU_MASK(VTD_GCMD_SRTP), 0, SMMU_MASK(VTD_GSTS_RTPS), SMMU_MASK(VTD_GSTS_RTPS));
}

/* --- queued invalidation -------------------------------------------------------------- */

#define IQ_BYTES 4096u   /* IQA.QS 0: 256 128-bit or 128 256-bit descriptors */
#define INV_CC 1         /* descriptor types (VTD_INV_Type) */
#define INV_IOTLB 2
#define INV_WAIT 5
#define INV_PIOTLB 6
#define INV_PC 7
#define PC_GRAN_PASID 1  /* PASID-cache invalidation: one PASID of a domain */
#define PC_GRAN_GLOBAL 3
#define PIOTLB_GRAN_PASID 2 /* PASID-based IOTLB: every entry of a PASID in a domain */
#define QI_POLL_NS 1000000000ull

static uint64_t now_ns(struct smmu_unit *u)
{
	return u->t->ops->now_ns ? u->t->ops->now_ns(u->t->priv) : 0;
}

/* Wait for the status write of the wait descriptor with data seq; a queue
 * error (FSTS.IQE: a descriptor the hardware refused) ends it at once. */
static int qi_wait(struct smmu_unit *u, uint32_t seq)
{
	struct vtd *v = priv(u);
	uint64_t deadline = 0;
	int rc;

	for (unsigned i = 0;; i++) {
		uint32_t st, fsts;
		if ((rc = smmu_mem_read(u->t, v->st_pa, &st, 4)))
			return rc;
		if (st == seq)
			return 0;
		if ((rc = reg_read32(u, VTD_FSTS, &fsts)))
			return rc;
		if (SMMU_GET(VTD_FSTS_IQE, fsts))
			return -EIO;
		if (i == 16)
			deadline = now_ns(u) + QI_POLL_NS;
		else if (i > 16 && now_ns(u) > deadline)
			return -SMMU_E_TIMEOUT;
		if (i >= 16 && u->t->ops->sleep_ns)
			u->t->ops->sleep_ns(u->t->priv, 1000);
	}
}

/* Queue n descriptors and a wait descriptor after them, and wait for it. */
static int qi_submit(struct smmu_unit *u, uint64_t (*d)[2], unsigned n)
{
	struct vtd *v = priv(u);
	uint64_t iqt, wait[2] = { 0, 0 };
	int rc;

	/* the tail is smmush's alone while it owns the queue: anything else
	 * means the kernel queued work it believes is in its own queue */
	if ((rc = reg_read64(u, VTD_IQT, &iqt)))
		return rc;
	if ((iqt & SMMU_MASK(VTD_IQT_QT)) != v->iq_tail) {
		v->kernel_moved = true;
		v->kernel_iqt = (uint32_t)(iqt & SMMU_MASK(VTD_IQT_QT));
		if (!v->in_release)
			return -EBUSY;
		/* giving the unit back: go on from there (the hardware ran the
		 * no-op slots up to that tail) */
		v->iq_tail = v->kernel_iqt;
	}
	SMMU_SETW(VTD_INV_WAIT_Type, wait, INV_WAIT);
	SMMU_SETW(VTD_INV_WAIT_SW, wait, 1);
	SMMU_SETW(VTD_INV_WAIT_FN, wait, 1);
	SMMU_SETW(VTD_INV_WAIT_StatusData, wait, ++v->iq_seq);
	wait[VTD_INV_WAIT_StatusAddr_W] |= v->st_pa & SMMU_MASK(VTD_INV_WAIT_StatusAddr);
	uint32_t t = v->iq_tail;
	for (unsigned i = 0; i <= n; i++) {
		/* a 256-bit slot: the 128-bit descriptor, then zeros */
		uint64_t slot[4] = { 0, 0, 0, 0 };
		memcpy(slot, i < n ? d[i] : wait, 16);
		if ((rc = smmu_mem_write(u->t, v->iq_pa + t, slot, v->iq_dsz)))
			return rc;
		t = (t + v->iq_dsz) % IQ_BYTES;
	}
	if ((rc = reg_write64(u, VTD_IQT, t)))
		return rc;
	v->iq_tail = t;
	if ((rc = qi_wait(u, v->iq_seq)))
		return rc;
	smmu_audit_note_flush(u); /* the audit's stale-state record, as the registers' path */
	return 0;
}

/* The kernel's queue idle, then QI off (QEMU also wants its last
 * descriptor to have been a wait descriptor, which the kernel's are). */
static int qi_off(struct smmu_unit *u)
{
	uint64_t iqt;
	uint32_t gsts;
	int rc;

	if ((rc = reg_read32(u, VTD_GSTS, &gsts)))
		return rc;
	if (!SMMU_GET(VTD_GSTS_QIES, gsts))
		return 0; /* off already (the head went back to 0) */
	if ((rc = reg_read64(u, VTD_IQT, &iqt)) || (rc = smmu_poll32(u, VTD_IQH, ~0u, (uint32_t)iqt)))
		return rc;
	return gcmd(u, 0, SMMU_MASK(VTD_GCMD_QIE), SMMU_MASK(VTD_GSTS_QIES), 0);
}

/* smmush's queue in place of the kernel's: QI on again with it. */
static int qi_take(struct smmu_unit *u)
{
	struct vtd *v = priv(u);
	uint64_t nop[4] = { 0, 0, 0, 0 };
	uint32_t zero = 0;
	int rc;

	if (!v->iq_pa) {
		if ((rc = smmu_table_zalloc(u->t, IQ_BYTES, 4096, &v->iq_pa)))
			return rc;
		if ((rc = smmu_table_zalloc(u->t, 4096, 4096, &v->st_pa)))
			return rc;
	}
	/* scalable mode takes 256-bit descriptors (IQA.DW) */
	v->iq_dsz = v->sm ? 32 : 16;
	/* every slot a wait descriptor that does nothing (see the top) */
	SMMU_SETW(VTD_INV_WAIT_Type, nop, INV_WAIT);
	for (uint32_t off = 0; off < IQ_BYTES; off += v->iq_dsz)
		if ((rc = smmu_mem_write(u->t, v->iq_pa + off, nop, v->iq_dsz)))
			return rc;
	if ((rc = smmu_mem_write(u->t, v->st_pa, &zero, 4)))
		return rc;
	v->iq_tail = 0;
	v->iq_seq = 0;
	/* QS 0 (4 KiB); the tail at 0 before QI goes on */
	if ((rc = reg_write64(u, VTD_IQA, (v->iq_pa & SMMU_MASK(VTD_IQA_IQA)) | SMMU_PREP(VTD_IQA_DW, v->sm))) ||
	    (rc = reg_write64(u, VTD_IQT, 0)) ||
	    (rc = gcmd(u, SMMU_MASK(VTD_GCMD_QIE), 0, SMMU_MASK(VTD_GSTS_QIES), SMMU_MASK(VTD_GSTS_QIES))))
		return rc;
	v->qi_own = true;
	return 0;
}

/* The kernel's queue back: QI off, its IQA, QI on with the tail at 0, then
 * its tail, which the hardware's head follows to where the kernel expects
 * it (a tail the kernel wrote while smmush owned the queue included). */
static int qi_give_back(struct smmu_unit *u, const struct vtd_saved *s)
{
	struct vtd *v = priv(u);
	uint64_t iqt = s->iqt;
	int rc;

	if (v->qi_own) {
		uint64_t now;
		if ((rc = reg_read64(u, VTD_IQT, &now)))
			return rc;
		if ((now & SMMU_MASK(VTD_IQT_QT)) != v->iq_tail) {
			v->kernel_moved = true; /* the kernel's, written meanwhile */
			v->kernel_iqt = (uint32_t)(now & SMMU_MASK(VTD_IQT_QT));
		}
		if (v->kernel_moved)
			iqt = v->kernel_iqt;
	}
	if ((rc = qi_off(u)))
		return rc;
	v->qi_own = false;
	v->kernel_moved = false;
	if ((rc = reg_write64(u, VTD_IQA, s->iqa)) || (rc = reg_write64(u, VTD_IQT, 0)) ||
	    (rc = gcmd(u, SMMU_MASK(VTD_GCMD_QIE), 0, SMMU_MASK(VTD_GSTS_QIES), SMMU_MASK(VTD_GSTS_QIES))) ||
	    (rc = reg_write64(u, VTD_IQT, iqt & SMMU_MASK(VTD_IQT_QT))))
		return rc;
	return smmu_poll32(u, VTD_IQH, ~0u, (uint32_t)(iqt & SMMU_MASK(VTD_IQT_QT)));
}

/* Context-cache and IOTLB invalidation: through smmush's queue when QI is
 * on, else through the registers, where the hardware clears ICC / IVT when
 * done. */
static int inv_context_global(struct smmu_unit *u)
{
	if (priv(u)->qi_own) {
		uint64_t d[1][2] = { { 0, 0 } };
		SMMU_SETW(VTD_INV_CC_Type, d[0], INV_CC);
		SMMU_SETW(VTD_INV_CC_G, d[0], VTD_GRAN_GLOBAL);
		return qi_submit(u, d, 1);
	}
	int rc = reg_write64(u, VTD_CCMD, SMMU_PREP(VTD_CCMD_ICC, 1) | SMMU_PREP(VTD_CCMD_CIRG, VTD_GRAN_GLOBAL));

	/* ICC is in the upper half: poll that 32-bit half */
	if (!rc && !(rc = smmu_poll32(u, VTD_CCMD + 4, SMMU_MASK(VTD_CCMD_ICC) >> 32, 0)))
		smmu_audit_note_flush(u); /* the audit's stale-state record */
	return rc;
}

static int inv_iotlb(struct smmu_unit *u, unsigned did)
{
	struct vtd *v = priv(u);
	if (v->qi_own) {
		uint64_t d[1][2] = { { 0, 0 } };
		SMMU_SETW(VTD_INV_IOTLB_Type, d[0], INV_IOTLB);
		SMMU_SETW(VTD_INV_IOTLB_G, d[0], did ? VTD_GRAN_DOMAIN : VTD_GRAN_GLOBAL);
		SMMU_SETW(VTD_INV_IOTLB_DR, d[0], 1);
		SMMU_SETW(VTD_INV_IOTLB_DW, d[0], 1);
		SMMU_SETW(VTD_INV_IOTLB_DID, d[0], did);
		return qi_submit(u, d, 1);
	}
	uint64_t cmd = SMMU_PREP(VTD_IOTLB_IVT, 1) | SMMU_PREP(VTD_IOTLB_DR, 1) | SMMU_PREP(VTD_IOTLB_DW, 1) |
		       (did ? SMMU_PREP(VTD_IOTLB_IIRG, VTD_GRAN_DOMAIN) | SMMU_PREP(VTD_IOTLB_DID, did)
			    : SMMU_PREP(VTD_IOTLB_IIRG, VTD_GRAN_GLOBAL));
	int rc = reg_write64(u, v->iotlb, cmd);

	/* IVT is in the upper half: poll that 32-bit half */
	if (!rc && !(rc = smmu_poll32(u, v->iotlb + 4, SMMU_MASK(VTD_IOTLB_IVT) >> 32, 0)))
		smmu_audit_note_flush(u); /* the audit's stale-state record */
	return rc;
}

/* --- scalable mode --------------------------------------------------------------------
 * Invalidation goes through smmush's queue only (256-bit descriptors): the
 * command registers are legacy mode's. */

static int inv_pasid_cache(struct smmu_unit *u, unsigned gran, unsigned did, uint32_t pasid)
{
	uint64_t d[1][2] = { { 0, 0 } };

	SMMU_SETW(VTD_INV_PC_Type, d[0], INV_PC);
	SMMU_SETW(VTD_INV_PC_G, d[0], gran);
	SMMU_SETW(VTD_INV_PC_DID, d[0], did);
	SMMU_SETW(VTD_INV_PC_PASID, d[0], pasid);
	return qi_submit(u, d, 1);
}

/* First-level and nested translations are dropped by PASID-based IOTLB
 * invalidation only (an IOTLB descriptor covers second-level ones). */
static int inv_piotlb(struct smmu_unit *u, unsigned did, uint32_t pasid)
{
	uint64_t d[1][2] = { { 0, 0 } };

	SMMU_SETW(VTD_INV_PIOTLB_Type, d[0], INV_PIOTLB);
	SMMU_SETW(VTD_INV_PIOTLB_G, d[0], PIOTLB_GRAN_PASID);
	SMMU_SETW(VTD_INV_PIOTLB_DID, d[0], did);
	SMMU_SETW(VTD_INV_PIOTLB_PASID, d[0], pasid);
	return qi_submit(u, d, 1);
}

/* Translated by first-level tables (PGTT first-level or nested). */
static bool first_level(const struct smmu_domain *dom)
{
	return dom->geom.stage == SMMU_STAGE_1 || dom->geom.stage == SMMU_STAGE_NESTED;
}

/* PASID-based IOTLB invalidation of every first-level attachment on the unit
 * of dom, or of a domain nested in it (dom NULL: of every domain). */
static int inv_fl_users(struct smmu_unit *u, const struct smmu_domain *dom)
{
	struct smmu_target *t = u->t;
	int rc;

	for (size_t i = 0; i < t->ndevices; i++) {
		struct smmu_device *d = &t->devices[i];
		if (d->info.unit != u)
			continue;
		for (unsigned k = 0; k <= d->npasids; k++) {
			struct smmu_domain *x = k < d->npasids ? d->pasids[k].dom : d->domain;
			uint32_t pasid = k < d->npasids ? d->pasids[k].pasid : 0;
			if (x && first_level(x) && (!dom || x == dom || x->parent == dom) &&
			    (rc = inv_piotlb(u, x->id, pasid)))
				return rc;
		}
	}
	return 0;
}

/* The PASID bits the unit takes (ECAP.PASID, PSS), 0 when none. */
static unsigned pasid_bits(const struct vtd *v)
{
	return SMMU_GET(VTD_ECAP_PASID, v->ecap) ? SMMU_GET(VTD_ECAP_PSS, v->ecap) + 1 : 0;
}

static size_t pdir_bytes(const struct vtd *v)
{
	size_t b = (size_t)8 << (v->pdts + 7);
	return b < 4096 ? 4096 : b;
}

/* The scalable context table holding devfn's entry, made present in the
 * root table (its lower or upper half) on first use. */
static int sm_ctx_table(struct smmu_unit *u, unsigned bus, unsigned devfn, uint64_t *pa)
{
	struct vtd *v = priv(u);
	unsigned upper = devfn >= 128, idx = bus * 2 + upper;
	int rc;

	if (!v->ctx_pa[idx]) {
		uint64_t root[2] = { 0, 0 }, ctx;
		if ((rc = smmu_table_zalloc(u->t, 4096, 4096, &ctx)))
			return rc;
		if (upper) {
			root[VTD_SM_ROOT_UCTP_W] |= ctx & SMMU_MASK(VTD_SM_ROOT_UCTP);
			SMMU_SETW(VTD_SM_ROOT_UP, root, 1);
		} else {
			root[VTD_SM_ROOT_LCTP_W] |= ctx & SMMU_MASK(VTD_SM_ROOT_LCTP);
			SMMU_SETW(VTD_SM_ROOT_LP, root, 1);
		}
		if ((rc = smmu_mem_write(u->t, v->root_pa + bus * 16 + upper * 8, &root[upper], 8))) {
			smmu_table_free(u->t, ctx, 4096);
			return rc;
		}
		v->ctx_pa[idx] = ctx;
	}
	*pa = v->ctx_pa[idx];
	return 0;
}

/* The device's PASID directory, and its present context entry pointing to
 * it (RID_PASID 0: requests without a PASID take PASID 0's entry). */
static int sm_pdir(struct smmu_unit *u, struct smmu_device *d, uint64_t *pa)
{
	struct vtd *v = priv(u);
	uint16_t sid = (uint16_t)d->info.sid;
	uint64_t ctx[4] = { 0, 0, 0, 0 }, table, dir;
	int rc;

	for (size_t i = 0; i < v->npdir; i++)
		if (v->pdir[i].sid == sid) {
			*pa = v->pdir[i].pa;
			return 0;
		}
	void *grown = realloc(v->pdir, (v->npdir + 1) * sizeof(*v->pdir));
	if (!grown)
		return -ENOMEM;
	v->pdir = grown;
	if ((rc = sm_ctx_table(u, sid >> 8, sid & 0xff, &table)) ||
	    (rc = smmu_table_zalloc(u->t, pdir_bytes(v), 4096, &dir)))
		return rc;
	ctx[VTD_SM_CTX_PASIDDIRPTR_W] |= dir & SMMU_MASK(VTD_SM_CTX_PASIDDIRPTR);
	SMMU_SETW(VTD_SM_CTX_PDTS, ctx, v->pdts);
	SMMU_SETW(VTD_SM_CTX_PASIDE, ctx, pasid_bits(v) > 0);
	SMMU_SETW(VTD_SM_CTX_P, ctx, 1);
	uint64_t at = table + (sid & 0x7f) * 32;
	/* the upper qwords first, then the one with P */
	if ((rc = smmu_mem_write(u->t, at + 8, &ctx[1], 24)) || (rc = smmu_mem_write(u->t, at, &ctx[0], 8)) ||
	    (rc = inv_context_global(u)) || (rc = inv_pasid_cache(u, PC_GRAN_GLOBAL, 0, 0))) {
		smmu_table_free(u->t, dir, pdir_bytes(v));
		return rc;
	}
	v->pdir[v->npdir++] = (typeof(*v->pdir)){ sid, dir };
	*pa = dir;
	return 0;
}

/* Where the PASID's entry is (a PASID table made present in the directory
 * on first use when create); 1 when there is none and !create. */
static int sm_pasid_slot(struct smmu_unit *u, struct smmu_device *d, uint32_t pasid, bool create, uint64_t *pa)
{
	struct vtd *v = priv(u);
	uint16_t sid = (uint16_t)d->info.sid;
	uint32_t index = pasid >> 6;
	uint64_t dir, table, de = 0;
	int rc;

	for (size_t i = 0; i < v->nptab; i++)
		if (v->ptab[i].sid == sid && v->ptab[i].dir_index == index) {
			*pa = v->ptab[i].pa + (pasid & 0x3f) * 64;
			return 0;
		}
	if (!create)
		return 1;
	void *grown = realloc(v->ptab, (v->nptab + 1) * sizeof(*v->ptab));
	if (!grown)
		return -ENOMEM;
	v->ptab = grown;
	if ((rc = sm_pdir(u, d, &dir)) || (rc = smmu_table_zalloc(u->t, 4096, 4096, &table)))
		return rc;
	de |= table & SMMU_MASK(VTD_PASID_DIR_SMPTBLPTR);
	de |= SMMU_PREP(VTD_PASID_DIR_P, 1);
	if ((rc = smmu_mem_write(u->t, dir + index * 8, &de, 8))) {
		smmu_table_free(u->t, table, 4096);
		return rc;
	}
	v->ptab[v->nptab++] = (struct vtd_ptable){ sid, index, table };
	*pa = table + (pasid & 0x3f) * 64;
	return 0;
}

/* Point the device's PASID entry at a domain (NULL: not present, its
 * requests blocked).  A present entry is taken away, and its cached copies
 * and translations invalidated, before the new one is written, P last. */
static int sm_set_pasid(struct smmu_unit *u, struct smmu_device *d, uint32_t pasid, struct smmu_domain *dom)
{
	struct vtd *v = priv(u);
	uint64_t pe[8] = { 0 }, old[2], at;

	/* a scalable unit may lack second-level tables (PGTT second-level would
	 * fault): refused before anything changes */
	if (dom && (!first_level(dom) || dom->geom.stage == SMMU_STAGE_NESTED) && !SMMU_GET(VTD_ECAP_SLTS, v->ecap))
		return -EOPNOTSUPP;
	int rc = sm_pasid_slot(u, d, pasid, dom != NULL, &at);

	if (rc)
		return rc < 0 ? rc : 0; /* nothing there to take away */
	if ((rc = smmu_mem_read(u->t, at, old, 16)))
		return rc;
	if (SMMU_GETW(VTD_PASID_P, old)) {
		unsigned did = SMMU_GETW(VTD_PASID_DID, old), pgtt = SMMU_GETW(VTD_PASID_PGTT, old);
		uint64_t zero = 0;
		if ((rc = smmu_mem_write(u->t, at, &zero, 8)) || (rc = inv_pasid_cache(u, PC_GRAN_PASID, did, pasid)) ||
		    (rc = pgtt == VTD_PGTT_FIRST || pgtt == VTD_PGTT_NESTED ? inv_piotlb(u, did, pasid) : inv_iotlb(u, did)))
			return rc;
	}
	if (!dom)
		return 0;
	struct smmu_domain *sl = dom->geom.stage == SMMU_STAGE_NESTED ? dom->parent : first_level(dom) ? NULL : dom;
	struct smmu_pgt_geom g;
	if (sl) {
		smmu_pgt_geometry(sl->pgt, &g);
		SMMU_SETW(VTD_PASID_AW, pe, g.levels - 2);
		pe[VTD_PASID_SLPTPTR_W] |= smmu_pgt_root(sl->pgt) & SMMU_MASK(VTD_PASID_SLPTPTR);
	}
	if (first_level(dom)) {
		smmu_pgt_geometry(dom->pgt, &g);
		pe[VTD_PASID_FLPTPTR_W] |= smmu_pgt_root(dom->pgt) & SMMU_MASK(VTD_PASID_FLPTPTR);
		SMMU_SETW(VTD_PASID_FLPM, pe, g.levels == 5 ? VTD_FLPM_5LEVEL : 0);
		/* privileged and execute requests reach the tables' own checks */
		SMMU_SETW(VTD_PASID_SRE, pe, SMMU_GET(VTD_ECAP_SRS, v->ecap));
		SMMU_SETW(VTD_PASID_ERE, pe, SMMU_GET(VTD_ECAP_ERS, v->ecap));
	}
	SMMU_SETW(VTD_PASID_PGTT, pe, dom->geom.stage == SMMU_STAGE_NESTED ? VTD_PGTT_NESTED
				      : first_level(dom)			  ? VTD_PGTT_FIRST
										  : VTD_PGTT_SECOND);
	SMMU_SETW(VTD_PASID_DID, pe, dom->id);
	SMMU_SETW(VTD_PASID_P, pe, 1);
	if ((rc = smmu_mem_write(u->t, at + 8, &pe[1], 56)) || (rc = smmu_mem_write(u->t, at, &pe[0], 8)))
		return rc;
	/* an implementation may cache not-present entries (CAP.CM) */
	return inv_pasid_cache(u, PC_GRAN_PASID, dom->id, pasid);
}

static void sm_free(struct smmu_unit *u)
{
	struct vtd *v = priv(u);

	for (size_t i = 0; i < v->nptab; i++)
		smmu_table_free(u->t, v->ptab[i].pa, 4096);
	for (size_t i = 0; i < v->npdir; i++)
		smmu_table_free(u->t, v->pdir[i].pa, pdir_bytes(v));
	v->nptab = v->npdir = 0;
	v->sm = false;
}

static int own(struct smmu_unit *u)
{
	struct vtd *v = priv(u);
	struct vtd_saved *s = &v->saved;
	int rc;

	if ((rc = reg_read32(u, VTD_GSTS, &s->gsts)) || (rc = reg_read64(u, VTD_RTADDR, &s->rtaddr)) ||
	    (rc = reg_read32(u, VTD_FECTL, &s->fectl)) || (rc = reg_read32(u, VTD_FEDATA, &s->fedata)) ||
	    (rc = reg_read32(u, VTD_FEADDR, &s->feaddr)) ||
	    (rc = reg_read32(u, VTD_FEUADDR, &s->feuaddr)) || (rc = reg_read64(u, VTD_IQA, &s->iqa)) ||
	    (rc = reg_read64(u, VTD_IQT, &s->iqt)) || (rc = reg_read64(u, VTD_CCMD, &s->ccmd)) ||
	    (rc = reg_read64(u, v->iotlb, &s->iotlb)) || (rc = smmu_journal_saved(u)))
		return rc; /* nothing written yet */
	u->owned = true; /* from here on, release() knows how to undo */
	v->sm = u->own_scalable;
	if (v->sm) {
		/* directories wide enough for every PASID the unit takes */
		unsigned bits = pasid_bits(v);
		v->pdts = bits > 13 ? bits - 13 : 0;
	}
	/* Queued invalidation stays on when it was: smmush's queue in place of
	 * the kernel's, once that is idle (see the top of the file).  Scalable
	 * mode invalidates through a queue only: smmush's, turned on for it. */
	if ((SMMU_GET(VTD_GSTS_QIES, s->gsts) && ((rc = qi_off(u)) || (rc = qi_take(u)))) ||
	    (v->sm && !v->qi_own && (rc = qi_take(u))))
		goto undo;
	/* A root table with no present entry: every context is blocked before
	 * the hardware ever sees the table. */
	if ((rc = smmu_table_zalloc(u->t, 4096, 4096, &v->root_pa)))
		goto undo;
	uint64_t rtaddr = v->root_pa | SMMU_PREP(VTD_RTADDR_TTM, v->sm ? VTD_TTM_SCALABLE : VTD_TTM_LEGACY);
	if ((rc = reg_write32(u, VTD_FECTL, SMMU_MASK(VTD_EVCTL_IM))) || (rc = set_root(u, rtaddr)) ||
	    (rc = inv_context_global(u)) || (v->sm && (rc = inv_pasid_cache(u, PC_GRAN_GLOBAL, 0, 0))) ||
	    (rc = inv_iotlb(u, 0)) ||
	    (rc = gcmd(u, SMMU_MASK(VTD_GCMD_TE), 0, SMMU_MASK(VTD_GSTS_TES), SMMU_MASK(VTD_GSTS_TES))))
		goto undo;
	return 0;
undo:
	/* if putting things back fails too, the unit stays owned for a retry */
	release(u);
	return rc;
}

static int release(struct smmu_unit *u)
{
	struct vtd *v = priv(u);
	struct vtd_saved *s = &v->saved;
	int rc, first = 0;

	if (!u->owned)
		return 0;
	v->in_release = true;
#define STEP(x) do { if ((rc = (x)) && !first) first = rc; } while (0)
	/* QI on with a queue this session does not know (release --recover
	 * after a session that died owning the unit with smmush's queue in):
	 * off, so the registers can invalidate; the saved queue comes back below */
	uint32_t gsts_now;
	if (!v->qi_own && !reg_read32(u, VTD_GSTS, &gsts_now) && SMMU_GET(VTD_GSTS_QIES, gsts_now))
		STEP(qi_off(u));
	/* smmush's PASID entries and first-level translations out of the
	 * caches while its scalable-mode tables are still the live ones (those
	 * descriptors are scalable mode's), and again after the switch when the
	 * original tables are scalable too: DMA meanwhile may cache them again,
	 * under DIDs and PASIDs the original tables may use */
	bool sm_back = v->sm && SMMU_GET(VTD_RTADDR_TTM, s->rtaddr) == VTD_TTM_SCALABLE;
	if (v->sm) {
		STEP(inv_pasid_cache(u, PC_GRAN_GLOBAL, 0, 0));
		STEP(inv_fl_users(u, NULL));
	}
	if (!SMMU_GET(VTD_GSTS_TES, s->gsts)) /* translation was off: turn it off before the switch */
		STEP(gcmd(u, 0, SMMU_MASK(VTD_GCMD_TE), SMMU_MASK(VTD_GSTS_TES), 0));
	/* RTPS, once set, stays set (only a reset clears it): the previous root
	 * pointer is latched again when there was one. */
	if (SMMU_GET(VTD_GSTS_RTPS, s->gsts))
		STEP(set_root(u, s->rtaddr));
	else
		STEP(reg_write64(u, VTD_RTADDR, s->rtaddr));
	STEP(inv_context_global(u));
	if (sm_back) {
		STEP(inv_pasid_cache(u, PC_GRAN_GLOBAL, 0, 0));
		STEP(inv_fl_users(u, NULL));
	}
	STEP(inv_iotlb(u, 0));
	/* the command registers as they were, without their go bits: writing
	 * a command with ICC/IVT clear only stores it */
	STEP(reg_write64(u, VTD_CCMD, s->ccmd & ~SMMU_MASK(VTD_CCMD_ICC)));
	STEP(reg_write64(u, v->iotlb, s->iotlb & ~SMMU_MASK(VTD_IOTLB_IVT)));
	STEP(reg_write32(u, VTD_FEDATA, s->fedata));
	STEP(reg_write32(u, VTD_FEADDR, s->feaddr));
	STEP(reg_write32(u, VTD_FEUADDR, s->feuaddr));
	STEP(reg_write32(u, VTD_FECTL, s->fectl & SMMU_MASK(VTD_EVCTL_IM)));
	if (SMMU_GET(VTD_GSTS_QIES, s->gsts)) {
		STEP(qi_give_back(u, s));
	} else {
		/* QI was off: off again (smmush turned it on for scalable mode,
		 * this session or one that died owning the unit), and the queue
		 * registers as they were */
		STEP(qi_off(u));
		STEP(reg_write64(u, VTD_IQA, s->iqa));
		STEP(reg_write64(u, VTD_IQT, s->iqt));
		if (!first)
			v->qi_own = false;
	}
#undef STEP
	v->in_release = false;
	if (first)
		return first; /* still owned: a retry can finish the job */
	if (v->iq_pa) {
		smmu_table_free(u->t, v->iq_pa, IQ_BYTES);
		smmu_table_free(u->t, v->st_pa, 4096);
		v->iq_pa = v->st_pa = 0;
	}
	for (unsigned b = 0; b < 512; b++)
		if (v->ctx_pa[b]) {
			smmu_table_free(u->t, v->ctx_pa[b], 4096);
			v->ctx_pa[b] = 0;
		}
	sm_free(u);
	if (v->root_pa)
		smmu_table_free(u->t, v->root_pa, 4096);
	v->root_pa = 0;
	u->owned = false;
	return 0;
}

/* Context table for a bus, made present in the root table on first use. */
static int ctx_table(struct smmu_unit *u, unsigned bus, uint64_t *pa)
{
	struct vtd *v = priv(u);
	int rc;

	if (!v->ctx_pa[bus]) {
		uint64_t root[2] = { 0, 0 }, ctx;
		if ((rc = smmu_table_zalloc(u->t, 4096, 4096, &ctx)))
			return rc;
		root[VTD_ROOT_CTP_W] |= ctx & SMMU_MASK(VTD_ROOT_CTP);
		SMMU_SETW(VTD_ROOT_P, root, 1);
		if ((rc = smmu_mem_write(u->t, v->root_pa + bus * 16, root, 16))) {
			smmu_table_free(u->t, ctx, 4096);
			return rc;
		}
		v->ctx_pa[bus] = ctx;
	}
	*pa = v->ctx_pa[bus];
	return 0;
}

static int attach(struct smmu_unit *u, struct smmu_device *d, struct smmu_domain *dom)
{
	uint64_t ctx[2] = { 0, 0 }, table;
	unsigned bus = d->info.sid >> 8, devfn = d->info.sid & 0xff;
	int rc;

	/* scalable mode: requests without a PASID take PASID 0's entry */
	if (priv(u)->sm)
		return sm_set_pasid(u, d, 0, dom);
	/* first-level tables are found through PASID entries */
	if (dom && first_level(dom))
		return -EOPNOTSUPP;
	if ((rc = ctx_table(u, bus, &table)))
		return rc;
	if (dom) {
		struct smmu_pgt_geom g;
		smmu_pgt_geometry(dom->pgt, &g);
		SMMU_SETW(VTD_CTX_AW, ctx, g.levels - 2);
		SMMU_SETW(VTD_CTX_DID, ctx, dom->id);
		ctx[VTD_CTX_SLPTPTR_W] |= smmu_pgt_root(dom->pgt) & SMMU_MASK(VTD_CTX_SLPTPTR);
		SMMU_SETW(VTD_CTX_P, ctx, 1); /* TT 0: translate */
	}
	/* the high qword first, then the low one with P */
	if ((rc = smmu_mem_write(u->t, table + devfn * 16 + 8, &ctx[1], 8)) ||
	    (rc = smmu_mem_write(u->t, table + devfn * 16, &ctx[0], 8)))
		return rc;
	if ((rc = inv_context_global(u)))
		return rc;
	return inv_iotlb(u, dom ? dom->id : 0);
}

static int attach_pasid(struct smmu_unit *u, struct smmu_device *d, uint32_t pasid, struct smmu_domain *dom)
{
	struct vtd *v = priv(u);

	if (!v->sm)
		return -EOPNOTSUPP;
	if (!pasid || pasid >> pasid_bits(v))
		return -ERANGE;
	return sm_set_pasid(u, d, pasid, dom);
}

static int flush(struct smmu_unit *u, struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	(void)iova;
	(void)size;
	int rc = inv_iotlb(u, dom->id);

	return rc || !priv(u)->sm ? rc : inv_fl_users(u, dom);
}

/* CAP.CM=0: not-present and erroneous entries are not cached.  CAP.RWBF=1
 * still asks for a write-buffer flush after table writes, which an IOTLB
 * invalidation does implicitly, so both keep the invalidation after a map. */
static bool caches_invalid(struct smmu_unit *u)
{
	uint64_t cap = priv(u)->cap;

	return SMMU_GET(VTD_CAP_CM, cap) || SMMU_GET(VTD_CAP_RWBF, cap);
}

bool smmu_arch_vtd_scalable(struct smmu_unit *u)
{
	return u->arch == SMMU_ARCH_VTD && u->ops && u->arch_priv && priv(u)->sm;
}

int smmu_arch_vtd_can_scalable(struct smmu_unit *u, char *err, size_t n)
{
	struct vtd *v = priv(u);

	if (!SMMU_GET(VTD_ECAP_SMTS, v->ecap) || !SMMU_GET(VTD_ECAP_QI, v->ecap)) {
		snprintf(err, n, "%s: no scalable mode: ECAP.SMTS=0 (ECAP=0x%llx)", u->name, (unsigned long long)v->ecap);
		return -EOPNOTSUPP;
	}
	return 0;
}

/* --- faults ------------------------------------------------------------------------ */

/* The class of a fault reason.  Scalable-mode paging (0x70-0x7c): 0x71
 * (first-level P clear) and 0x79 (second-level R = W = 0) are entries not
 * present, 0x74 an address beyond the width, 0x75-0x77 second-level
 * permissions refusing a first-level table access (nested).  An entry the
 * walk reached but that is set up wrong (reserved bits: 0x0c, 0x72, 0x7a; an
 * A/D update needed in a no-snoop entry: 0x7c, 0x90) is configuration, as
 * the structures' reserved bits are; only failed reads (0x07, 0x70, 0x73,
 * 0x78, and 0x7b, the second-level pointer itself) are table fetches. */
static enum smmu_fault_class reason_class(unsigned fr)
{
	switch (fr) {
	case 0x71: case 0x79: return SMMU_FC_TRANSLATION;
	case 0x04: case 0x74: case 0x83: case 0x84: return SMMU_FC_ADDR_SIZE;
	case 0x05: case 0x06: case 0x75 ... 0x77: case 0x81: case 0x82: case 0x85: case 0x86: return SMMU_FC_PERMISSION;
	case 0x07: case 0x08: case 0x09: case 0x70: case 0x73: case 0x78: case 0x7b: return SMMU_FC_FETCH;
	case 0x01: case 0x02: case 0x03: case 0x0a: case 0x0b: return SMMU_FC_CONFIG;
	case 0x0c: case 0x72: case 0x7a: case 0x7c: case 0x90: return SMMU_FC_CONFIG;
	case 0x0d: return SMMU_FC_STREAM;
	default: return fr >= 0x30 && fr < 0x70 ? SMMU_FC_CONFIG : SMMU_FC_OTHER;
	}
}

bool vtd_reason_in_walk(unsigned fr)
{
	switch (fr) {
	case 0x04 ... 0x07: case 0x0c: case 0x70 ... 0x7c: case 0x80 ... 0x86: case 0x90: case 0x91: return true;
	default: return false;
	}
}

static void push_record(struct smmu_unit *u, uint64_t lo, uint64_t hi)
{
	struct smmu_fault f = { .unit = u, .nraw = 2, .raw_kind = "vtd.frcd" };
	const uint64_t *w = f.raw;

	f.raw[0] = lo;
	f.raw[1] = hi;
	f.code = SMMU_GETW(VTD_FRCD_FR, w);
	f.code_name = vtd_fault_reason_name(f.code);
	if (!f.code_name)
		f.code_name = "unknown fault reason";
	f.cls = reason_class(f.code);
	f.stream.sid = SMMU_GETW(VTD_FRCD_SID, w);
	f.stream.ssv = SMMU_GETW(VTD_FRCD_PP, w);
	f.stream.ssid = f.stream.ssv ? SMMU_GETW(VTD_FRCD_PV, w) : 0;
	f.addr = SMMU_ADDRW(VTD_FRCD_FI, w);
	f.access = SMMU_GETW(VTD_FRCD_T1, w) ? SMMU_PROT_R : SMMU_PROT_W;
	if (SMMU_GETW(VTD_FRCD_EXE, w))
		f.access |= SMMU_PROT_X;
	if (SMMU_GETW(VTD_FRCD_PRIV, w))
		f.access |= SMMU_PROT_PRIV;
	smmu_fault_push(u->t, &f);
}

#define VTD_FRCD_MAX 256 /* CAP.NFR is 8 bits */

static int drain(struct smmu_unit *u)
{
	struct vtd *v = priv(u);
	uint32_t fsts, clear = 0;
	int rc;

	if (!u->owned)
		return 0;
	if ((rc = reg_read32(u, VTD_FSTS, &fsts)))
		return rc;
	if (SMMU_GET(VTD_FSTS_PFO, fsts)) { /* a fault arrived with every register full */
		u->t->faults.totals.lost_overflow++;
		clear |= SMMU_MASK(VTD_FSTS_PFO);
	}
	uint32_t inv_errors = SMMU_MASK(VTD_FSTS_IQE) | SMMU_MASK(VTD_FSTS_ICE) | SMMU_MASK(VTD_FSTS_ITE);
	if (fsts & inv_errors) {
		u->t->faults.totals.gerrors++;
		clear |= fsts & inv_errors;
	}
	if (SMMU_GET(VTD_FSTS_PPF, fsts)) {
		/* Records are kept in a ring starting at FRI, in consecutive
		 * registers: read all in one request, then free the ones taken
		 * (F, write 1 to clear) in one more; a 0 written to F, and to the
		 * read-only rest, leaves a record that arrived since alone. */
		uint64_t rec[VTD_FRCD_MAX][2];
		unsigned nfr = v->nfr < VTD_FRCD_MAX ? v->nfr : VTD_FRCD_MAX, first = nfr, last = 0;
		if ((rc = smmu_unit_reg_read_block(u, VTD_FRCD_offset(v->cap, 0), rec, nfr * 16ul)))
			return rc;
		unsigned i = SMMU_GET(VTD_FSTS_FRI, fsts) % nfr;
		for (unsigned n = 0; n < nfr; n++, i = (i + 1) % nfr) {
			if (!SMMU_GET(VTD_FRCD_F, rec[i][1]))
				continue;
			push_record(u, rec[i][0], rec[i][1]);
			first = i < first ? i : first;
			last = i > last ? i : last;
		}
		for (unsigned k = first; k <= last && first < nfr; k++) {
			rec[k][1] &= SMMU_MASK(VTD_FRCD_F);
			rec[k][0] = 0;
		}
		if (first < nfr &&
		    (rc = smmu_unit_reg_write_block(u, VTD_FRCD_offset(v->cap, first), rec[first], (last - first + 1) * 16ul)))
			return rc;
	} else if (!clear) {
		return 0;
	}
	/* Writing FSTS (what is set: cleared; nothing else) is also what makes
	 * QEMU 7.2 drop FECTL.IP; the specification clears it on its own. */
	return reg_write32(u, VTD_FSTS, clear);
}

int smmu_arch_vtd_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg)
{
	struct vtd *v = priv(u);
	/* SAGAW bit 1: 3 levels (39 bits), bit 2: 4 (48), bit 3: 5 (57): the
	 * widest the unit supports that MGAW can use, else the narrowest */
	static const unsigned widths[] = { 0, 39, 48, 57 };
	unsigned ias = 0;

	for (unsigned b = 1; b <= 3; b++)
		if ((v->sagaw & (1u << b)) && (!ias || widths[b] <= v->mgaw))
			ias = widths[b];
	if (!ias)
		return -EOPNOTSUPP;
	cfg->ias = ias;
	cfg->oas = v->mgaw;
	cfg->flags |= (v->sllps & 1 ? SMMU_PGT_CFG_2M : 0) | (v->sllps & 2 ? SMMU_PGT_CFG_1G : 0);
	return 0;
}

static int status(struct smmu_unit *u, struct smmu_unit_status *st)
{
	struct vtd *v = priv(u);
	uint32_t gsts;
	int rc;

	if ((rc = reg_read32(u, VTD_GSTS, &gsts)))
		return rc;
	st->translating = SMMU_GET(VTD_GSTS_TES, gsts);
	st->sid_bits = 16; /* bus, device, function */
	st->ssid_bits = SMMU_GET(VTD_ECAP_PASID, v->ecap) ? SMMU_GET(VTD_ECAP_PSS, v->ecap) + 1 : 0;
	st->fault_slots = v->nfr;
	return 0;
}

/* --- the ownership journal: what own() keeps, as a list ------------------------------ */

/* off 0: the IOTLB register, at ECAP.IRO */
#define SAVED(off, size, f) { off, size, offsetof(struct vtd_saved, f) }
static const struct { uint32_t off; unsigned size; size_t at; } saved_list[] = {
	SAVED(VTD_GSTS, 4, gsts), SAVED(VTD_RTADDR, 8, rtaddr), SAVED(VTD_FECTL, 4, fectl),
	SAVED(VTD_FEDATA, 4, fedata), SAVED(VTD_FEADDR, 4, feaddr), SAVED(VTD_FEUADDR, 4, feuaddr),
	SAVED(VTD_IQA, 8, iqa), SAVED(VTD_IQT, 8, iqt), SAVED(VTD_CCMD, 8, ccmd), SAVED(0, 8, iotlb),
};
#undef SAVED

static uint32_t saved_off(struct smmu_unit *u, size_t i)
{
	return saved_list[i].off ? saved_list[i].off : priv(u)->iotlb;
}

static size_t saved_get(struct smmu_unit *u, struct smmu_saved_reg *r, size_t max)
{
	const char *v = (const char *)&priv(u)->saved;
	size_t n = 0;

	for (; n < sizeof(saved_list) / sizeof(saved_list[0]) && n < max; n++) {
		uint64_t x = 0;
		memcpy(&x, v + saved_list[n].at, saved_list[n].size);
		r[n] = (struct smmu_saved_reg){ saved_off(u, n), saved_list[n].size, x };
	}
	return n;
}

static int saved_set(struct smmu_unit *u, const struct smmu_saved_reg *r, size_t n, bool releasing)
{
	struct vtd_saved v;

	(void)releasing; /* release() finds the queue state in the registers */
	for (size_t i = 0; i < sizeof(saved_list) / sizeof(saved_list[0]); i++) {
		size_t k = 0;
		while (k < n && (r[k].off != saved_off(u, i) || r[k].size != saved_list[i].size))
			k++;
		if (k == n)
			return -SMMU_E_PARSE; /* every register or none */
		memcpy((char *)&v + saved_list[i].at, &r[k].val, saved_list[i].size);
	}
	priv(u)->saved = v;
	return 0;
}

const struct smmu_arch_ops smmu_arch_vtd = {
	.probe = probe,
	.own = own,
	.release = release,
	.attach = attach,
	.attach_pasid = attach_pasid,
	.flush = flush,
	.caches_invalid = caches_invalid,
	.drain = drain,
	.status = status,
	.config = vtd_config,
	.destroy = destroy,
	.saved_get = saved_get,
	.saved_set = saved_set,
};

/* A fault record drained by someone else (the kernel, which printed it):
 * normalized exactly as one read from the registers. */
void smmu_arch_vtd_push_record(struct smmu_unit *u, uint64_t lo, uint64_t hi)
{
	push_record(u, lo, hi);
}

/* The table format of a domain geometry on this unit (CAP.SAGAW, MGAW,
 * ECAP.SMTS/FLTS/NEST), each request checked with the limit named. */
int smmu_arch_vtd_format(struct smmu_unit *u, const struct smmu_domain_geometry *g, struct smmu_pgt_cfg *cfg,
			 char *err, size_t n)
{
	struct vtd *v = priv(u);
	bool fl = g->stage == SMMU_STAGE_1 || g->stage == SMMU_STAGE_NESTED;
	unsigned levels = g->levels;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->granule = 4096;
	if (g->granule && g->granule != 4096) {
		snprintf(err, n, "VT-d tables have 4 KiB pages: no %u KiB granule", g->granule / 1024);
		return -EOPNOTSUPP;
	}
	if (g->ias && levels && g->ias != 12 + 9 * levels) {
		snprintf(err, n, "%u levels translate %u-bit inputs, not %u", levels, 12 + 9 * levels, g->ias);
		return -EINVAL;
	}
	if (g->ias && g->ias != 39 && g->ias != 48 && g->ias != 57) {
		snprintf(err, n, "VT-d input sizes are 39, 48 or 57 bits (3, 4 or 5 levels), not %u", g->ias);
		return -EINVAL;
	}
	if (!levels && g->ias)
		levels = (g->ias - 12) / 9;
	if (levels && (levels < 3 || levels > 5)) {
		snprintf(err, n, "VT-d tables have 3, 4 or 5 levels, not %u", levels);
		return -EINVAL;
	}
	/* the host address width: MGAW, at most 52 bits (addresses in entries end at bit 51) */
	unsigned haw = v->mgaw > 52 ? 52 : v->mgaw;
	if (g->oas && (g->oas < 32 || g->oas > haw)) {
		snprintf(err, n, "output size %u bits is %s (%u bits, CAP.MGAW %u)", g->oas,
			 g->oas < 32 ? "below 32" : "beyond the unit's address width", haw, v->mgaw);
		return -ERANGE;
	}
	if (fl) {
		bool ok = SMMU_GET(VTD_ECAP_SMTS, v->ecap) && SMMU_GET(VTD_ECAP_FLTS, v->ecap);
		if (!ok || (g->stage == SMMU_STAGE_NESTED && !SMMU_GET(VTD_ECAP_NEST, v->ecap))) {
			snprintf(err, n, "%s scalable mode with %s (ECAP.SMTS, FLTS%s), which this unit lacks",
				 g->stage == SMMU_STAGE_NESTED ? "a nested domain needs" : "first-level tables need",
				 g->stage == SMMU_STAGE_NESTED ? "nesting" : "first-level tables",
				 g->stage == SMMU_STAGE_NESTED ? ", NEST" : "");
			return -EOPNOTSUPP;
		}
		if (levels == 3 || (levels == 5 && !SMMU_GET(VTD_CAP_FL5LP, v->cap))) {
			snprintf(err, n, "first-level tables have 4 levels%s, not %u",
				 SMMU_GET(VTD_CAP_FL5LP, v->cap) ? " or 5" : " (no 5-level support: CAP.FL5LP=0)", levels);
			return levels == 3 ? -EINVAL : -EOPNOTSUPP;
		}
		cfg->fmt = SMMU_PGT_VTD_FL;
		cfg->ias = levels == 5 ? 57 : 48;
		cfg->oas = g->oas ? g->oas : haw;
		cfg->flags = SMMU_GET(VTD_CAP_FL1GP, v->cap) ? SMMU_PGT_CFG_1G : 0;
		return 0;
	}
	cfg->fmt = SMMU_PGT_VTD_SL;
	if ((rc = smmu_arch_vtd_limits(u, cfg))) {
		snprintf(err, n, "the unit supports none of 3, 4, 5-level second-level tables (CAP.SAGAW)");
		return rc;
	}
	if (levels) {
		if (!(v->sagaw & (1u << (levels - 2)))) {
			snprintf(err, n, "the unit has no %u-level second-level tables (CAP.SAGAW=0x%x)", levels, v->sagaw);
			return -EOPNOTSUPP;
		}
		cfg->ias = 12 + 9 * levels;
	}
	cfg->oas = g->oas ? g->oas : haw;
	return 0;
}
