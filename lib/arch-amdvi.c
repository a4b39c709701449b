/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi driver: probe, take ownership behind a device table whose every
 * entry blocks DMA (V=1, TV=1, Mode 0, IR=IW=0), attach devices to domains
 * (a DTE with the domain's v1 tables), invalidate through the command buffer
 * (INVALIDATE_DEVTAB_ENTRY, INVALIDATE_IOMMU_PAGES, then COMPLETION_WAIT with
 * a store that is polled), drain the event log into normalized fault
 * records, and give every register back on release.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/amdvi.h"
#include "lib/arch.h"
#include "lib/domain.h"
#include "lib/hw.h"
#include "lib/live.h"

#define CMD_LEN 8 /* 256 commands: one page */
#define EVT_LEN 9 /* 512 events: two pages */

struct amdvi_saved {
	uint64_t devtab, cmdbase, evtbase, control, exclbase, excllim;
	uint64_t cmdhead, cmdtail, evthead, evttail;
};

struct amdvi {
	uint64_t efr;
	struct amdvi_saved saved;
	uint64_t devtab_pa, cmd_pa, evt_pa, sem_pa;
	size_t devtab_bytes;
	unsigned ndte, cmd_tail, evt_head;
	uint64_t seq;
	/* Status.CmdBufRun did not follow Control.CmdBufEn (QEMU 7.2 sets
	 * neither run bit): an illegal command then shows as a timeout */
	bool no_run_bits;
	/* the capability header's NpCache was read as 0: not-present entries
	 * are never cached (unknown: assume they may be) */
	bool no_npcache;
};

static struct amdvi *priv(struct smmu_unit *u)
{
	return u->arch_priv;
}

static int probe(struct smmu_unit *u)
{
	struct amdvi *a = calloc(1, sizeof(*a));
	uint64_t ctl;
	int rc;

	if (!a)
		return -ENOMEM;
	if ((rc = reg_read64(u, AMDVI_EFR, &a->efr)) || (rc = reg_read64(u, AMDVI_CONTROL, &ctl))) {
		free(a);
		return rc;
	}
	if (a->efr == ~0ULL) { /* nothing answers there */
		free(a);
		return -ENODEV;
	}
	uint32_t hdr;
	if (u->pci_fn_known && !u->pci_segment && !smmu_pci_read(u->t, u->pci_bdf, u->pci_cap, 4, &hdr) &&
	    SMMU_GET(AMDVI_CAP_HDR_CapID, hdr) == 0x0f /* the IOMMU capability */)
		a->no_npcache = !SMMU_GET(AMDVI_CAP_HDR_NpCache, hdr);
	u->arch_priv = a;
	return 0;
}

static void destroy(struct smmu_unit *u)
{
	free(u->arch_priv);
	u->arch_priv = NULL;
}

/* --- the command buffer ------------------------------------------------------- */

static int cmd_put(struct smmu_unit *u, uint64_t w0, uint64_t w1)
{
	struct amdvi *a = priv(u);
	uint64_t c[2] = { w0, w1 }, st;
	unsigned n = 1u << CMD_LEN;
	int rc;

	if ((rc = reg_read64(u, AMDVI_STATUS, &st)))
		return rc;
	if (!SMMU_GET(AMDVI_STATUS_CmdBufRun, st) && !a->no_run_bits)
		return -EIO; /* an earlier command was illegal: processing stopped */
	for (unsigned i = 0;; i++) {
		uint64_t head;
		if ((rc = reg_read64(u, AMDVI_CMDBUF_HEAD, &head)))
			return rc;
		if ((a->cmd_tail + 1) % n != SMMU_GET(AMDVI_CMDBUF_HEAD_CmdHdPtr, head))
			break;
		if (i > 100000)
			return -SMMU_E_TIMEOUT;
	}
	if ((rc = smmu_mem_write(u->t, a->cmd_pa + a->cmd_tail * 16ULL, c, 16)))
		return rc;
	a->cmd_tail = (a->cmd_tail + 1) % n;
	return reg_write64(u, AMDVI_CMDBUF_TAIL, SMMU_PREP(AMDVI_CMDBUF_TAIL_CmdTailPtr, a->cmd_tail));
}

/* COMPLETION_WAIT with a store of a fresh token, polled in memory. */
static int cmd_sync(struct smmu_unit *u)
{
	struct amdvi *a = priv(u);
	uint64_t token = ++a->seq, v = 0;
	int rc;

	if ((rc = smmu_mem_write(u->t, a->sem_pa, &v, 8)) ||
	    (rc = cmd_put(u, SMMU_PREP(AMDVI_CMD_COMPLETION_WAIT_Opcode, AMDVI_OP_COMPLETION_WAIT) |
				     SMMU_PREP(AMDVI_CMD_COMPLETION_WAIT_S, 1) |
				     (a->sem_pa & SMMU_MASK(AMDVI_CMD_COMPLETION_WAIT_StoreAddress)),
			     token)))
		return rc;
	for (unsigned i = 0; i < 1000000; i++) {
		if ((rc = smmu_mem_read(u->t, a->sem_pa, &v, 8)))
			return rc;
		if (v == token) {
			smmu_audit_note_flush(u); /* what was written before is what the IOMMU now uses */
			return 0;
		}
		if (i >= 16 && u->t->ops->sleep_ns)
			u->t->ops->sleep_ns(u->t->priv, 1000);
	}
	return -SMMU_E_TIMEOUT;
}

static int inv_dte(struct smmu_unit *u, uint16_t devid)
{
	return cmd_put(u, SMMU_PREP(AMDVI_CMD_INV_DEVTAB_Opcode, AMDVI_OP_INV_DEVTAB_ENTRY) |
				  SMMU_PREP(AMDVI_CMD_INV_DEVTAB_DeviceID, devid),
		       0);
}

/* INVALIDATE_IOMMU_PAGES of [iova, iova + size) in a domain: the smallest
 * naturally aligned range (S=1: the lowest clear address bit gives its
 * size) that covers it, or the whole domain. */
static int inv_pages(struct smmu_unit *u, uint16_t dom, uint64_t iova, uint64_t size)
{
	uint64_t w1;

	if (size == 4096 && !(iova & 0xfff)) {
		w1 = iova;
	} else {
		unsigned order = 13;
		uint64_t last = size ? iova + size - 1 : ~0ULL;

		while (order < 63 && (iova >> order) != (last >> order))
			order++;
		if (!size || order >= 52)
			w1 = AMDVI_INV_ALL_ADDR | SMMU_MASK(AMDVI_CMD_INV_PAGES_S);
		else
			w1 = ((iova & ~((1ULL << order) - 1)) | ((1ULL << (order - 1)) - 1)) & ~0xfffULL;
		w1 |= SMMU_MASK(AMDVI_CMD_INV_PAGES_S);
	}
	w1 |= SMMU_MASK(AMDVI_CMD_INV_PAGES_PDE);
	return cmd_put(u, SMMU_PREP(AMDVI_CMD_INV_PAGES_Opcode, AMDVI_OP_INV_IOMMU_PAGES) |
				  SMMU_PREP(AMDVI_CMD_INV_PAGES_DomainID, dom),
		       w1);
}

static int inv_all(struct smmu_unit *u)
{
	struct amdvi *a = priv(u);
	int rc;

	if (SMMU_GET(AMDVI_EFR_IASup, a->efr))
		return cmd_put(u, SMMU_PREP(AMDVI_CMD_INV_ALL_Opcode, AMDVI_OP_INV_IOMMU_ALL), 0);
	/* without INVALIDATE_IOMMU_ALL: every DTE, every domain */
	for (unsigned d = 0; d < a->ndte; d++)
		if ((rc = inv_dte(u, (uint16_t)d)))
			return rc;
	for (unsigned dom = 0; dom < 64; dom++)
		if ((rc = inv_pages(u, (uint16_t)dom, 0, 0)))
			return rc;
	return 0;
}

/* --- ownership ------------------------------------------------------------------ */

static int release(struct smmu_unit *u);

/* A DTE that blocks DMA: valid, translation information valid, Mode 0
 * (no tables), no read or write permission. */
static void dte_blocked(uint64_t *w)
{
	memset(w, 0, AMDVI_DTE_BYTES);
	SMMU_SETW(AMDVI_DTE_V, w, 1);
	SMMU_SETW(AMDVI_DTE_TV, w, 1);
}

/*
 * The Device Table Base may not change while IommuEn is set (the IOMMU takes
 * the register in two halves), and with IommuEn clear DMA passes
 * untranslated.  A unit that is translating is therefore switched with its
 * devices' bus mastering off (PCI COMMAND.BME): between the two Control
 * writes no device we know of can do DMA at all, so none passes.  What was
 * on is turned on again once our blocking DTEs are in use.
 */
#define PCI_COMMAND 0x04
#define PCI_COMMAND_BME 0x4

struct masters {
	uint16_t *bdf;
	size_t n;
};

static int masters_off(struct smmu_unit *u, struct masters *m)
{
	struct smmu_target *t = u->t;
	int rc;

	m->n = 0;
	if (!(m->bdf = calloc(t->ndevices ? t->ndevices : 1, sizeof(*m->bdf))))
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevices; i++) {
		const struct smmu_device *d = &t->devices[i];
		uint32_t cmd;

		if (d->info.unit != u || d->info.bus != SMMU_BUS_PCI || d->info.segment)
			continue;
		if ((rc = smmu_pci_read(t, d->info.bdf, PCI_COMMAND, 2, &cmd)))
			return rc;
		if (!(cmd & PCI_COMMAND_BME))
			continue;
		if ((rc = smmu_pci_write(t, d->info.bdf, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_BME)))
			return rc;
		m->bdf[m->n++] = d->info.bdf;
	}
	return 0;
}

/* Bus mastering back on where masters_off turned it off; the first error. */
static int masters_on(struct smmu_unit *u, struct masters *m)
{
	int first = 0;

	for (size_t i = 0; i < m->n; i++) {
		uint32_t cmd;
		int rc = smmu_pci_read(u->t, m->bdf[i], PCI_COMMAND, 2, &cmd);

		if (!rc)
			rc = smmu_pci_write(u->t, m->bdf[i], PCI_COMMAND, 2, cmd | PCI_COMMAND_BME);
		if (rc && !first)
			first = rc;
	}
	free(m->bdf);
	m->bdf = NULL;
	m->n = 0;
	return first;
}

static int own(struct smmu_unit *u)
{
	struct masters m = { 0 };
	struct amdvi *a = priv(u);
	struct amdvi_saved *s = &a->saved;
	unsigned maxbus = 0;
	uint64_t *dt = NULL, ctl;
	int rc;

	if ((rc = reg_read64(u, AMDVI_DEVTAB_BASE, &s->devtab)) ||
	    (rc = reg_read64(u, AMDVI_CMDBUF_BASE, &s->cmdbase)) ||
	    (rc = reg_read64(u, AMDVI_EVTLOG_BASE, &s->evtbase)) ||
	    (rc = reg_read64(u, AMDVI_CONTROL, &s->control)) ||
	    (rc = reg_read64(u, AMDVI_EXCL_BASE, &s->exclbase)) ||
	    (rc = reg_read64(u, AMDVI_EXCL_LIMIT, &s->excllim)) ||
	    (rc = reg_read64(u, AMDVI_CMDBUF_HEAD, &s->cmdhead)) ||
	    (rc = reg_read64(u, AMDVI_CMDBUF_TAIL, &s->cmdtail)) ||
	    (rc = reg_read64(u, AMDVI_EVTLOG_HEAD, &s->evthead)) ||
	    (rc = reg_read64(u, AMDVI_EVTLOG_TAIL, &s->evttail)) || (rc = smmu_journal_saved(u)))
		return rc; /* nothing written yet */
	u->owned = true;
	/* A device table for every bus a known device is on (bus 0 at least):
	 * DeviceIDs beyond it are refused by the IOMMU as illegal. */
	for (size_t i = 0; i < u->t->ndevices; i++)
		if (u->t->devices[i].info.unit == u && u->t->devices[i].info.sid >> 8 > maxbus)
			maxbus = u->t->devices[i].info.sid >> 8;
	a->ndte = (maxbus + 1) * 256;
	a->devtab_bytes = (size_t)a->ndte * AMDVI_DTE_BYTES;
	if ((rc = smmu_table_zalloc(u->t, a->devtab_bytes, 4096, &a->devtab_pa)) ||
	    (rc = smmu_table_zalloc(u->t, 16u << CMD_LEN, 4096, &a->cmd_pa)) ||
	    (rc = smmu_table_zalloc(u->t, 16u << EVT_LEN, 4096, &a->evt_pa)) ||
	    (rc = smmu_table_zalloc(u->t, 4096, 4096, &a->sem_pa)))
		goto undo;
	dt = malloc(a->devtab_bytes);
	if (!dt) {
		rc = -ENOMEM;
		goto undo;
	}
	for (unsigned d = 0; d < a->ndte; d++)
		dte_blocked(dt + 4 * d);
	rc = smmu_mem_write(u->t, a->devtab_pa, dt, a->devtab_bytes);
	free(dt);
	if (rc)
		goto undo;
	/* Stop the IOMMU's use of the old structures, point it at ours, then
	 * enable: a unit that was translating with its devices quiet (above). */
	ctl = s->control & (SMMU_MASK(AMDVI_CONTROL_Coherent) | SMMU_MASK(AMDVI_CONTROL_InvTimeOut));
	a->cmd_tail = a->evt_head = 0;
	if (SMMU_GET(AMDVI_CONTROL_IommuEn, s->control) && (rc = masters_off(u, &m)))
		goto undo;
	if ((rc = reg_write64(u, AMDVI_CONTROL, ctl)) ||
	    (rc = reg_write64(u, AMDVI_DEVTAB_BASE,
			      a->devtab_pa | SMMU_PREP(AMDVI_DEVTAB_BASE_Size, a->devtab_bytes / 4096 - 1))) ||
	    (rc = reg_write64(u, AMDVI_CMDBUF_BASE, a->cmd_pa | SMMU_PREP(AMDVI_CMDBUF_BASE_ComLen, CMD_LEN))) ||
	    (rc = reg_write64(u, AMDVI_EVTLOG_BASE, a->evt_pa | SMMU_PREP(AMDVI_EVTLOG_BASE_EventLen, EVT_LEN))) ||
	    (rc = reg_write64(u, AMDVI_CMDBUF_HEAD, 0)) || (rc = reg_write64(u, AMDVI_CMDBUF_TAIL, 0)) ||
	    (rc = reg_write64(u, AMDVI_EVTLOG_HEAD, 0)) || (rc = reg_write64(u, AMDVI_EVTLOG_TAIL, 0)) ||
	    (rc = reg_write64(u, AMDVI_EXCL_BASE, 0)) || (rc = reg_write64(u, AMDVI_EXCL_LIMIT, 0)) ||
	    (rc = reg_write64(u, AMDVI_STATUS, SMMU_MASK(AMDVI_STATUS_EventOverflow) |
						   SMMU_MASK(AMDVI_STATUS_EventLogInt) |
						   SMMU_MASK(AMDVI_STATUS_ComWaitInt))))
		goto undo;
	/* Translation goes on with the command buffer and the event log: QEMU
	 * 7.2 runs neither while IommuEn is clear.  Our DTEs block; what the
	 * IOMMU cached of the old ones goes with the invalidation that follows. */
	ctl |= SMMU_MASK(AMDVI_CONTROL_CmdBufEn) | SMMU_MASK(AMDVI_CONTROL_EventLogEn) |
	       SMMU_MASK(AMDVI_CONTROL_IommuEn);
	uint64_t st;
	if ((rc = reg_write64(u, AMDVI_CONTROL, ctl)) || (rc = reg_read64(u, AMDVI_STATUS, &st)))
		goto undo;
	a->no_run_bits = !SMMU_GET(AMDVI_STATUS_CmdBufRun, st);
	if (a->no_run_bits)
		u->t->faults.totals.quirks++; /* a departure from the specification, counted */
	if ((rc = inv_all(u)) || (rc = cmd_sync(u)) || (rc = masters_on(u, &m)))
		goto undo;
	return 0;
undo:
	release(u);
	masters_on(u, &m); /* after release: the old tables are back in use */
	return rc;
}

static void free_tables(struct smmu_unit *u)
{
	struct amdvi *a = priv(u);

	if (a->devtab_pa)
		smmu_table_free(u->t, a->devtab_pa, a->devtab_bytes);
	if (a->cmd_pa)
		smmu_table_free(u->t, a->cmd_pa, 16u << CMD_LEN);
	if (a->evt_pa)
		smmu_table_free(u->t, a->evt_pa, 16u << EVT_LEN);
	if (a->sem_pa)
		smmu_table_free(u->t, a->sem_pa, 4096);
	a->devtab_pa = a->cmd_pa = a->evt_pa = a->sem_pa = 0;
}

static int release(struct smmu_unit *u)
{
	struct amdvi *a = priv(u);
	struct amdvi_saved *s = &a->saved;
	struct masters m = { 0 };
	uint64_t ctl;
	int rc, first = 0;

	if (!u->owned)
		return 0;
#define STEP(x) do { if ((rc = (x)) && !first) first = rc; } while (0)
	/* what the IOMMU cached of our tables goes before the old ones return */
	if (a->cmd_pa && reg_read64(u, AMDVI_CONTROL, &ctl) == 0 && SMMU_GET(AMDVI_CONTROL_CmdBufEn, ctl))
		STEP(inv_all(u) ? 0 : cmd_sync(u));
	/* back to a translating unit: no DMA between the two Control writes */
	if (SMMU_GET(AMDVI_CONTROL_IommuEn, s->control))
		STEP(masters_off(u, &m));
	STEP(reg_write64(u, AMDVI_CONTROL, 0));
	STEP(reg_write64(u, AMDVI_DEVTAB_BASE, s->devtab));
	STEP(reg_write64(u, AMDVI_CMDBUF_BASE, s->cmdbase));
	STEP(reg_write64(u, AMDVI_EVTLOG_BASE, s->evtbase));
	STEP(reg_write64(u, AMDVI_EXCL_BASE, s->exclbase));
	STEP(reg_write64(u, AMDVI_EXCL_LIMIT, s->excllim));
	STEP(reg_write64(u, AMDVI_CMDBUF_HEAD, s->cmdhead));
	STEP(reg_write64(u, AMDVI_CMDBUF_TAIL, s->cmdtail));
	STEP(reg_write64(u, AMDVI_EVTLOG_HEAD, s->evthead));
	STEP(reg_write64(u, AMDVI_EVTLOG_TAIL, s->evttail));
	STEP(reg_write64(u, AMDVI_CONTROL, s->control));
	STEP(masters_on(u, &m));
#undef STEP
	if (first)
		return first;
	free_tables(u);
	u->owned = false;
	return 0;
}

/* --- domains ------------------------------------------------------------------------ */

static int attach(struct smmu_unit *u, struct smmu_device *d, struct smmu_domain *dom)
{
	struct amdvi *a = priv(u);
	uint64_t w[4];
	uint16_t devid = (uint16_t)d->info.sid;
	int rc;

	if (devid >= a->ndte)
		return -ERANGE;
	dte_blocked(w);
	if (dom) {
		struct smmu_pgt_geom g;

		smmu_pgt_geometry(dom->pgt, &g);
		SMMU_SETW(AMDVI_DTE_Mode, w, g.levels);
		w[AMDVI_DTE_PageTableRootPtr_W] |= smmu_pgt_root(dom->pgt) & SMMU_MASK(AMDVI_DTE_PageTableRootPtr);
		SMMU_SETW(AMDVI_DTE_IR, w, 1);
		SMMU_SETW(AMDVI_DTE_IW, w, 1);
		SMMU_SETW(AMDVI_DTE_DomainID, w, dom->id);
	}
	/* the upper words first, then the word with V and the root */
	if ((rc = smmu_mem_write(u->t, a->devtab_pa + devid * 32ULL + 8, &w[1], 24)) ||
	    (rc = smmu_mem_write(u->t, a->devtab_pa + devid * 32ULL, &w[0], 8)) || (rc = inv_dte(u, devid)))
		return rc;
	if (dom && (rc = inv_pages(u, (uint16_t)dom->id, 0, 0)))
		return rc;
	return cmd_sync(u);
}

static int flush(struct smmu_unit *u, struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	int rc = inv_pages(u, (uint16_t)dom->id, iova, size);

	return rc ? rc : cmd_sync(u);
}

/* EFR.HATS: host tables of up to 4 (0), 5 (1) or 6 (2) levels; 3 is reserved. */
unsigned smmu_arch_amdvi_max_levels(struct smmu_unit *u)
{
	unsigned hats = (unsigned)SMMU_GET(AMDVI_EFR_HATS, priv(u)->efr);

	return hats < 3 ? 4 + hats : 4;
}

int smmu_arch_amdvi_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg)
{
	(void)u;
	cfg->fmt = SMMU_PGT_AMD_V1;
	cfg->ias = 48; /* 4 levels, which every unit has */
	cfg->oas = 52;
	cfg->flags |= SMMU_PGT_CFG_2M | SMMU_PGT_CFG_1G;
	return 0;
}

/* --- faults ---------------------------------------------------------------------------- */

static const char *event_name(unsigned code)
{
	const struct smmu_desc *d;
	const struct smmu_field *f;

	if (smmu_decoder_find("amdvi.evt", &d, NULL) || !(f = smmu_desc_field(d, "EventCode")))
		return NULL;
	return smmu_enum_name(f, code);
}

static void push_event(struct smmu_unit *u, const uint64_t *w)
{
	struct smmu_fault f = { .unit = u, .nraw = 2, .raw_kind = "amdvi.evt" };
	unsigned code = (unsigned)SMMU_GETW(AMDVI_EVT_EventCode, w);

	f.raw[0] = w[0];
	f.raw[1] = w[1];
	f.code = code;
	f.code_name = event_name(code);
	if (!f.code_name)
		f.code_name = "unknown event";
	f.addr = w[1];
	switch (code) {
	case AMDVI_EV_IO_PAGE_FAULT:
		f.cls = SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_RZ, w)   ? SMMU_FC_CONFIG
			: SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_PE, w) ? SMMU_FC_PERMISSION
								   : SMMU_FC_TRANSLATION;
		break;
	case AMDVI_EV_ILLEGAL_DTE:
		f.cls = SMMU_FC_CONFIG;
		break;
	case AMDVI_EV_DEV_TAB_HW_ERROR:
	case AMDVI_EV_PAGE_TAB_HW_ERROR:
		f.cls = SMMU_FC_FETCH;
		break;
	case AMDVI_EV_INVALID_DEVICE_REQUEST:
		f.cls = SMMU_FC_STREAM;
		break;
	default:
		f.cls = SMMU_FC_OTHER;
		break;
	}
	if ((code >= AMDVI_EV_ILLEGAL_DTE && code <= AMDVI_EV_PAGE_TAB_HW_ERROR) ||
	    code == AMDVI_EV_IOTLB_INV_TIMEOUT || code == AMDVI_EV_INVALID_DEVICE_REQUEST) {
		f.stream.sid = (uint32_t)SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_DeviceID, w);
		f.stream.ssv = SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_GN, w);
		if (f.stream.ssv)
			f.stream.ssid = (uint32_t)(SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_PASID_19_16, w) << 16 |
						   SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_DomainID, w));
		f.access = SMMU_GETW(AMDVI_EVT_IO_PAGE_FAULT_RW, w) ? SMMU_PROT_W : SMMU_PROT_R;
	}
	smmu_fault_push(u->t, &f);
}

void smmu_arch_amdvi_push_event(struct smmu_unit *u, const uint64_t *w)
{
	push_event(u, w);
}

static int drain(struct smmu_unit *u)
{
	struct amdvi *a = priv(u);
	unsigned n = 1u << EVT_LEN;
	uint64_t st, tailr;
	int rc;

	if (!u->owned)
		return 0;
	if ((rc = reg_read64(u, AMDVI_STATUS, &st)) || (rc = reg_read64(u, AMDVI_EVTLOG_TAIL, &tailr)))
		return rc;
	unsigned tail = (unsigned)SMMU_GET(AMDVI_EVTLOG_TAIL_EventTailPtr, tailr) % n;
	while (a->evt_head != tail) {
		uint64_t w[2];
		if (smmu_mem_read(u->t, a->evt_pa + a->evt_head * 16ULL, w, 16))
			u->t->faults.totals.lost_unread++;
		else
			push_event(u, w);
		a->evt_head = (a->evt_head + 1) % n;
	}
	if ((rc = reg_write64(u, AMDVI_EVTLOG_HEAD, SMMU_PREP(AMDVI_EVTLOG_HEAD_EventHdPtr, a->evt_head))))
		return rc;
	if (SMMU_GET(AMDVI_STATUS_EventOverflow, st)) {
		/* events were lost and logging stopped: restart it, empty */
		uint64_t ctl;
		u->t->faults.totals.lost_overflow++;
		if ((rc = reg_read64(u, AMDVI_CONTROL, &ctl)) ||
		    (rc = reg_write64(u, AMDVI_CONTROL, ctl & ~SMMU_MASK(AMDVI_CONTROL_EventLogEn))) ||
		    (rc = reg_write64(u, AMDVI_STATUS, SMMU_MASK(AMDVI_STATUS_EventOverflow))) ||
		    (rc = reg_write64(u, AMDVI_EVTLOG_HEAD, 0)) || (rc = reg_write64(u, AMDVI_EVTLOG_TAIL, 0)) ||
		    (rc = reg_write64(u, AMDVI_CONTROL, ctl | SMMU_MASK(AMDVI_CONTROL_EventLogEn))))
			return rc;
		a->evt_head = 0;
	}
	if (st & (SMMU_MASK(AMDVI_STATUS_EventLogInt) | SMMU_MASK(AMDVI_STATUS_ComWaitInt)))
		return reg_write64(u, AMDVI_STATUS,
				   st & (SMMU_MASK(AMDVI_STATUS_EventLogInt) | SMMU_MASK(AMDVI_STATUS_ComWaitInt)));
	return 0;
}

static int status(struct smmu_unit *u, struct smmu_unit_status *st)
{
	uint64_t ctl;
	int rc;

	if ((rc = reg_read64(u, AMDVI_CONTROL, &ctl)))
		return rc;
	st->translating = SMMU_GET(AMDVI_CONTROL_IommuEn, ctl);
	st->sid_bits = 16; /* DeviceID: bus, device, function */
	st->ssid_bits = 0;
	st->fault_slots = 1u << EVT_LEN;
	return 0;
}

/* --- the ownership journal ------------------------------------------------------------ */

#define SAVED(off, f) { off, offsetof(struct amdvi_saved, f) }
static const struct { uint32_t off; size_t at; } saved_list[] = {
	SAVED(AMDVI_DEVTAB_BASE, devtab), SAVED(AMDVI_CMDBUF_BASE, cmdbase), SAVED(AMDVI_EVTLOG_BASE, evtbase),
	SAVED(AMDVI_CONTROL, control), SAVED(AMDVI_EXCL_BASE, exclbase), SAVED(AMDVI_EXCL_LIMIT, excllim),
	SAVED(AMDVI_CMDBUF_HEAD, cmdhead), SAVED(AMDVI_CMDBUF_TAIL, cmdtail),
	SAVED(AMDVI_EVTLOG_HEAD, evthead), SAVED(AMDVI_EVTLOG_TAIL, evttail),
};
#undef SAVED
#define NSAVED (sizeof(saved_list) / sizeof(saved_list[0]))

static size_t saved_get(struct smmu_unit *u, struct smmu_saved_reg *r, size_t max)
{
	const char *v = (const char *)&priv(u)->saved;
	size_t n = 0;

	for (; n < NSAVED && n < max; n++) {
		uint64_t x;
		memcpy(&x, v + saved_list[n].at, 8);
		r[n] = (struct smmu_saved_reg){ saved_list[n].off, 8, x };
	}
	return n;
}

static int saved_set(struct smmu_unit *u, const struct smmu_saved_reg *r, size_t n, bool releasing)
{
	struct amdvi_saved v;

	(void)releasing;
	for (size_t i = 0; i < NSAVED; i++) {
		size_t k = 0;
		while (k < n && (r[k].off != saved_list[i].off || r[k].size != 8))
			k++;
		if (k == n)
			return -SMMU_E_PARSE;
		memcpy((char *)&v + saved_list[i].at, &r[k].val, 8);
	}
	priv(u)->saved = v;
	return 0;
}

/* Capability header NpCache=0: page-table entries that are not present
 * are never cached, so a map that only fills them needs no invalidation
 * (as Linux, which flushes on map only with NpCache). */
static bool caches_invalid(struct smmu_unit *u)
{
	return !priv(u)->no_npcache;
}

const struct smmu_arch_ops smmu_arch_amdvi = {
	.probe = probe,
	.own = own,
	.release = release,
	.attach = attach,
	.flush = flush,
	.caches_invalid = caches_invalid,
	.drain = drain,
	.status = status,
	.config = amdvi_config,
	.destroy = destroy,
	.saved_get = saved_get,
	.saved_set = saved_set,
};
