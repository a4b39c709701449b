/* SPDX-License-Identifier: MIT */
/*
 * An AMD IOMMU (AMD I/O Virtualization Technology, specification #48882),
 * modelled from the specification and independent of libsmmu: its own
 * register and table definitions, its own v1 page-table walker.
 *
 * What it models:
 *   - MMIO registers: Device Table Base, Command Buffer Base, Event Log Base,
 *     Control, Exclusion Base/Limit, EFR, EFR2, PPR Log Base, the head and
 *     tail pointers, Status (write-1-to-clear bits);
 *   - the device table (DTE: V, TV, Mode, root pointer, IR/IW, DomainID,
 *     SE/SA, EX), with a DTE cache kept until INVALIDATE_DEVTAB_ENTRY or
 *     INVALIDATE_IOMMU_ALL;
 *   - v1 page tables of 1 to 6 levels: PDEs that skip levels (the skipped
 *     address bits must be zero), leaves at any level (NextLevel 0: the
 *     level's natural size; NextLevel 7: the size encoded in the address by
 *     its low one bits), IR/IW accumulated down the walk;
 *   - an IOTLB tagged by DomainID that keeps stale entries until
 *     INVALIDATE_IOMMU_PAGES (page, range or all of a domain) or
 *     INVALIDATE_IOMMU_ALL;
 *   - the command buffer, processed when the tail is written (synchronously:
 *     the model has no time of its own); COMPLETION_WAIT stores and sets
 *     Status.ComWaitInt; an unknown opcode or a reserved bit set logs
 *     ILLEGAL_COMMAND_ERROR and stops command processing (CmdBufRun clear)
 *     until software toggles CmdBufEn;
 *   - the event log: IO_PAGE_FAULT, ILLEGAL_DEV_TABLE_ENTRY,
 *     DEV_TAB_HARDWARE_ERROR, PAGE_TAB_HARDWARE_ERROR; a full log sets
 *     Status.EventOverflow and stops logging (EventLogRun clear) until
 *     software toggles EventLogEn;
 *   - the exclusion range (ExEn, Allow, DTE.EX).
 * Interrupt remapping, PPR, guest translation and ATS are not modelled: the
 * registers hold what software writes and EFR says they are absent.
 *
 * Where this model departs from hardware: a DTE with V=1 and TV=0 lets DMA
 * through untranslated (the specification leaves the translation fields
 * undefined then); SE suppresses every I/O page fault event, like SA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"

/* MMIO offsets */
#define R_DEVTAB   0x0000
#define R_CMDBASE  0x0008
#define R_EVTBASE  0x0010
#define R_CONTROL  0x0018
#define R_EXCLBASE 0x0020
#define R_EXCLLIM  0x0028
#define R_EFR      0x0030
#define R_PPRBASE  0x0038
#define R_EFR2     0x01a0
#define R_CMDHEAD  0x2000
#define R_CMDTAIL  0x2008
#define R_EVTHEAD  0x2010
#define R_EVTTAIL  0x2018
#define R_STATUS   0x2020
#define R_PPRHEAD  0x2030
#define R_PPRTAIL  0x2038

#define ADDR_MASK   0x000ffffffffff000ULL /* bits 51:12 */
#define PTR_MASK    0x7fff0ULL            /* head/tail: bits 18:4 */

/* Control */
#define C_IOMMUEN   (1ULL << 0)
#define C_EVTLOGEN  (1ULL << 2)
#define C_CMDBUFEN  (1ULL << 12)
/* Status */
#define S_EVTOVF    (1ULL << 0)
#define S_EVTINT    (1ULL << 1)
#define S_COMWAIT   (1ULL << 2)
#define S_EVTRUN    (1ULL << 3)
#define S_CMDRUN    (1ULL << 4)
#define S_W1C       (S_EVTOVF | S_EVTINT | S_COMWAIT | (1ULL << 5) | (1ULL << 6) | (1ULL << 9) | (1ULL << 10))

/* EFR: PreFSup- PPRSup- ... IASup (6), HATS (11:10) = 2 (6 levels). */
#define EFR_VALUE   ((1ULL << 6) | (2ULL << 10))

/* Event codes and flags (word 0 bits 63:60 and 59:48) */
#define EV_ILLEGAL_DTE   0x1
#define EV_IO_PAGE_FAULT 0x2
#define EV_DEVTAB_HWERR  0x3
#define EV_PGTAB_HWERR   0x4
#define EV_ILLEGAL_CMD   0x5
#define EV_CMD_HWERR     0x6
#define F_PR  (1ULL << 52)
#define F_RW  (1ULL << 53)
#define F_PE  (1ULL << 54)
#define F_RZ  (1ULL << 55)

#define IOTLB_SIZE 256

struct dte_cache {
	bool valid;
	uint64_t w[4];
};

struct tlb_entry {
	bool valid;
	uint16_t domid;
	uint64_t iova_page, pa_page; /* 4 KiB pages */
	bool ir, iw;
};

struct amdvi {
	struct sim_iommu iommu;
	struct sim_machine *m;
	uint64_t base;
	uint64_t devtab, cmdbase, evtbase, control, exclbase, excllim, pprbase;
	uint64_t cmdhead, cmdtail, evthead, evttail, status, pprhead, pprtail;
	bool cmd_stopped; /* an illegal command stopped the buffer until CmdBufEn toggles */
	bool evt_stopped; /* the event log overflowed */
	struct dte_cache dtes[65536];
	struct tlb_entry tlb[IOTLB_SIZE];
	unsigned tlb_next;
	uint64_t open_windows; /* sim_amdvi_open_windows() */
};

static unsigned buf_entries(uint64_t basereg)
{
	unsigned len = (basereg >> 56) & 0xf;

	return 1u << (len < 8 ? 8 : len);
}

static void update_run(struct amdvi *u)
{
	u->status &= ~(S_EVTRUN | S_CMDRUN);
	if ((u->control & C_EVTLOGEN) && !u->evt_stopped)
		u->status |= S_EVTRUN;
	if ((u->control & C_CMDBUFEN) && !u->cmd_stopped)
		u->status |= S_CMDRUN;
}

/* --- event log ------------------------------------------------------------ */

static void log_event(struct amdvi *u, uint64_t w0, uint64_t w1)
{
	unsigned n = buf_entries(u->evtbase);
	uint64_t tail = (u->evttail & PTR_MASK) >> 4, head = (u->evthead & PTR_MASK) >> 4;
	uint64_t at;

	if (!(u->status & S_EVTRUN))
		return;
	if ((tail + 1) % n == head % n) {
		/* full: the event is lost and logging stops */
		u->status |= S_EVTOVF;
		u->evt_stopped = true;
		update_run(u);
		return;
	}
	at = (u->evtbase & ADDR_MASK) + tail * 16;
	if (sim_ram_write64(u->m, at, w0) || sim_ram_write64(u->m, at + 8, w1))
		return;
	u->evttail = ((tail + 1) % n) << 4;
	u->status |= S_EVTINT;
}

static void page_fault(struct amdvi *u, const struct dte_cache *d, const struct sim_txn *t,
		       uint64_t flags)
{
	uint64_t dom = d ? d->w[1] & 0xffff : 0;

	if (d && (d->w[1] & (3ULL << 33))) /* SE, SA */
		return;
	if (t->access & SIM_ACC_WRITE)
		flags |= F_RW;
	log_event(u, (uint64_t)EV_IO_PAGE_FAULT << 60 | flags | dom << 32 | (t->sid & 0xffff), t->iova);
}

/* --- caches ------------------------------------------------------------------ */

static int fetch_dte(struct amdvi *u, uint16_t devid, struct dte_cache **out)
{
	struct dte_cache *c = &u->dtes[devid];
	uint64_t entries = ((u->devtab & 0x1ff) + 1) * 4096 / 32;
	uint64_t at = (u->devtab & ADDR_MASK) + (uint64_t)devid * 32;

	*out = c;
	if (c->valid)
		return 0;
	if (devid >= entries)
		return -ERANGE;
	for (int i = 0; i < 4; i++) {
		sim_advance_ns(u->m, SIM_NS_PER_FETCH);
		if (sim_ram_read64(u->m, at + 8 * i, &c->w[i]))
			return -EFAULT;
	}
	c->valid = true;
	return 0;
}

static struct tlb_entry *tlb_find(struct amdvi *u, uint16_t dom, uint64_t page)
{
	for (unsigned i = 0; i < IOTLB_SIZE; i++)
		if (u->tlb[i].valid && u->tlb[i].domid == dom && u->tlb[i].iova_page == page)
			return &u->tlb[i];
	return NULL;
}

static void tlb_insert(struct amdvi *u, uint16_t dom, uint64_t page, uint64_t pa_page, bool ir, bool iw)
{
	struct tlb_entry *e = tlb_find(u, dom, page);

	if (!e) {
		e = &u->tlb[u->tlb_next];
		u->tlb_next = (u->tlb_next + 1) % IOTLB_SIZE;
	}
	*e = (struct tlb_entry){ true, dom, page, pa_page, ir, iw };
}

/* --- the v1 walk ------------------------------------------------------------ */

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (level - 1);
}

enum walk_result { W_OK, W_NOT_PRESENT, W_RESERVED, W_FETCH };

/* Walk from root at `level`; fills pa (of iova) and the accumulated IR/IW. */
static enum walk_result walk(struct amdvi *u, uint64_t root, unsigned level, uint64_t iova, uint64_t *pa,
			     bool *ir, bool *iw, uint64_t *bad_pte_addr)
{
	uint64_t table = root;

	/* the address must fit the levels the DTE gives */
	if (level < 6 && (iova >> level_shift(level + 1)))
		return W_NOT_PRESENT;
	for (unsigned steps = 0; steps < 8; steps++) {
		unsigned shift = level_shift(level);
		uint64_t at = table + ((iova >> shift) & 0x1ff) * 8, pte;
		unsigned nl;

		sim_advance_ns(u->m, SIM_NS_PER_FETCH);
		if (sim_ram_read64(u->m, at, &pte)) {
			*bad_pte_addr = at;
			return W_FETCH;
		}
		if (!(pte & 1))
			return W_NOT_PRESENT;
		*ir = *ir && (pte >> 61 & 1);
		*iw = *iw && (pte >> 62 & 1);
		nl = (pte >> 9) & 7;
		if (nl == 0 || nl == 7) {
			uint64_t size = 1ULL << shift, addr = pte & ADDR_MASK;

			if (pte & (0x7fULL << 52)) /* 58:52 reserved in a PTE */
				return W_RESERVED;
			if (nl == 7) {
				/* the lowest clear address bit at or above 12 gives the size */
				unsigned z = 12;

				while (z < 52 && (addr >> z & 1))
					z++;
				size = 1ULL << (z + 1);
				if (size <= (1ULL << shift) || (level < 6 && size >= 1ULL << level_shift(level + 1)))
					return W_RESERVED;
			}
			*pa = (addr & ~(size - 1)) | (iova & (size - 1));
			return W_OK;
		}
		if (pte & (0x1ffULL << 52)) /* 60:52 reserved in a PDE */
			return W_RESERVED;
		if (nl >= level)
			return W_RESERVED;
		/* skipped levels: their index bits must be zero */
		for (unsigned l = nl + 1; l < level; l++)
			if ((iova >> level_shift(l)) & 0x1ff)
				return W_NOT_PRESENT;
		table = pte & ADDR_MASK;
		level = nl;
	}
	return W_RESERVED;
}

static int translate(struct sim_iommu *iu, const struct sim_txn *t, uint64_t *pa)
{
	struct amdvi *u = (struct amdvi *)iu;
	struct dte_cache *d;
	bool write = t->access & SIM_ACC_WRITE;
	uint16_t devid = t->sid & 0xffff, dom;
	unsigned mode;
	int rc;

	if (!(u->control & C_IOMMUEN)) {
		*pa = t->iova;
		return 0;
	}
	rc = fetch_dte(u, devid, &d);
	if (rc == -ERANGE) {
		log_event(u, (uint64_t)EV_ILLEGAL_DTE << 60 | (write ? F_RW : 0) | devid, t->iova);
		return -EFAULT;
	}
	if (rc) {
		log_event(u, (uint64_t)EV_DEVTAB_HWERR << 60 | (write ? F_RW : 0) | devid,
			  (u->devtab & ADDR_MASK) + (uint64_t)devid * 32);
		return -EFAULT;
	}
	if (!(d->w[0] & 1) || !(d->w[0] & 2)) {
		/* V=0 (or no translation information): untranslated */
		*pa = t->iova;
		return 0;
	}
	mode = (d->w[0] >> 9) & 7;
	if ((d->w[0] & (0x1fULL << 2)) || (d->w[0] >> 63) || mode == 7) {
		log_event(u, (uint64_t)EV_ILLEGAL_DTE << 60 | F_RZ | (write ? F_RW : 0) | devid, t->iova);
		return -EFAULT;
	}
	dom = d->w[1] & 0xffff;
	/* exclusion range: untranslated for everyone (Allow) or for EX devices */
	if ((u->exclbase & 1) && (u->exclbase & 2 || d->w[1] >> 39 & 1) &&
	    t->iova >= (u->exclbase & ADDR_MASK) && t->iova <= ((u->excllim & ADDR_MASK) | 0xfff)) {
		*pa = t->iova;
		return 0;
	}
	bool ir = d->w[0] >> 61 & 1, iw = d->w[0] >> 62 & 1;
	if (mode == 0) {
		if (write ? !iw : !ir) {
			page_fault(u, d, t, F_PR | F_PE);
			return -EFAULT;
		}
		*pa = t->iova;
		return 0;
	}
	struct tlb_entry *e = tlb_find(u, dom, t->iova >> 12);
	if (e) {
		if (write ? !e->iw : !e->ir) {
			page_fault(u, d, t, F_PR | F_PE);
			return -EFAULT;
		}
		*pa = e->pa_page << 12 | (t->iova & 0xfff);
		return 0;
	}
	uint64_t out = 0, bad = 0;
	switch (walk(u, d->w[0] & ADDR_MASK, mode, t->iova, &out, &ir, &iw, &bad)) {
	case W_OK:
		break;
	case W_NOT_PRESENT:
		page_fault(u, d, t, 0);
		return -EFAULT;
	case W_RESERVED:
		page_fault(u, d, t, F_PR | F_RZ);
		return -EFAULT;
	case W_FETCH:
		log_event(u, (uint64_t)EV_PGTAB_HWERR << 60 | (uint64_t)dom << 32 | (write ? F_RW : 0) | devid, bad);
		return -EFAULT;
	}
	if (write ? !iw : !ir) {
		page_fault(u, d, t, F_PR | F_PE);
		return -EFAULT;
	}
	tlb_insert(u, dom, t->iova >> 12, out >> 12, ir, iw);
	*pa = out;
	return 0;
}

/* --- commands --------------------------------------------------------------- */

static void inv_pages(struct amdvi *u, uint16_t dom, uint64_t w1)
{
	uint64_t addr = w1 & ~0xfffULL, first, last;

	if (w1 & 1) {
		/* S: the lowest clear bit at or above 12 gives the range size */
		unsigned z = 12;

		while (z < 64 && (addr >> z & 1))
			z++;
		if (z >= 63) {
			first = 0;
			last = ~0ULL;
		} else {
			first = addr & ~((2ULL << z) - 1);
			last = first + (2ULL << z) - 1;
		}
	} else {
		first = addr;
		last = addr | 0xfff;
	}
	for (unsigned i = 0; i < IOTLB_SIZE; i++) {
		struct tlb_entry *e = &u->tlb[i];
		uint64_t va = e->iova_page << 12;

		if (e->valid && e->domid == dom && va >= first && va <= last)
			e->valid = false;
	}
}

static void process_commands(struct amdvi *u)
{
	unsigned n = buf_entries(u->cmdbase);

	while (u->status & S_CMDRUN) {
		uint64_t head = (u->cmdhead & PTR_MASK) >> 4, tail = (u->cmdtail & PTR_MASK) >> 4;
		uint64_t at = (u->cmdbase & ADDR_MASK) + head * 16, w0, w1;
		bool bad = false;

		if (head % n == tail % n)
			break;
		if (sim_ram_read64(u->m, at, &w0) || sim_ram_read64(u->m, at + 8, &w1)) {
			log_event(u, (uint64_t)EV_CMD_HWERR << 60, at);
			u->cmd_stopped = true;
			update_run(u);
			break;
		}
		sim_advance_ns(u->m, SIM_NS_PER_FETCH);
		switch (w0 >> 60) {
		case 0x1: /* COMPLETION_WAIT */
			bad = (w0 & 0x0ff0000000000000ULL) != 0;
			if (!bad && (w0 & 1))
				sim_ram_write64(u->m, w0 & 0x000ffffffffffff8ULL, w1);
			if (!bad && (w0 & 2))
				u->status |= S_COMWAIT;
			break;
		case 0x2: /* INVALIDATE_DEVTAB_ENTRY */
			bad = (w0 & 0x0fffffffffff0000ULL) || w1;
			if (!bad)
				u->dtes[w0 & 0xffff].valid = false;
			break;
		case 0x3: /* INVALIDATE_IOMMU_PAGES */
			bad = (w0 & 0x0fff0000fff00000ULL) || (w1 & 0xff8);
			if (!bad)
				inv_pages(u, (w0 >> 32) & 0xffff, w1);
			break;
		case 0x4: /* INVALIDATE_IOTLB_PAGES: no device IOTLBs */
		case 0x5: /* INVALIDATE_INTERRUPT_TABLE: interrupts not modelled */
			break;
		case 0x8: /* INVALIDATE_IOMMU_ALL */
			bad = (w0 & 0x0fffffffffffffffULL) || w1;
			if (!bad) {
				memset(u->dtes, 0, sizeof(u->dtes));
				memset(u->tlb, 0, sizeof(u->tlb));
			}
			break;
		default:
			bad = true;
			break;
		}
		if (bad) {
			/* the head stays on the command; processing stops */
			log_event(u, (uint64_t)EV_ILLEGAL_CMD << 60, at);
			u->cmd_stopped = true;
			update_run(u);
			break;
		}
		u->cmdhead = ((head + 1) % n) << 4;
	}
}

/* --- registers ------------------------------------------------------------------ */

static uint64_t *reg(struct amdvi *u, uint64_t off)
{
	switch (off) {
	case R_DEVTAB: return &u->devtab;
	case R_CMDBASE: return &u->cmdbase;
	case R_EVTBASE: return &u->evtbase;
	case R_CONTROL: return &u->control;
	case R_EXCLBASE: return &u->exclbase;
	case R_EXCLLIM: return &u->excllim;
	case R_PPRBASE: return &u->pprbase;
	case R_CMDHEAD: return &u->cmdhead;
	case R_CMDTAIL: return &u->cmdtail;
	case R_EVTHEAD: return &u->evthead;
	case R_EVTTAIL: return &u->evttail;
	case R_STATUS: return &u->status;
	case R_PPRHEAD: return &u->pprhead;
	case R_PPRTAIL: return &u->pprtail;
	}
	return NULL;
}

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct amdvi *u = opaque;
	uint64_t q = off & ~7ULL, v, *r;

	if (size != 4 && size != 8)
		return -EINVAL;
	if (q == R_EFR)
		v = EFR_VALUE;
	else if (q == R_EFR2)
		v = 0;
	else if ((r = reg(u, q)))
		v = *r;
	else
		v = 0; /* unimplemented registers read as zero */
	if (q == R_EXCLLIM)
		v |= 0xfff;
	*val = size == 8 ? v : (uint32_t)(v >> (8 * (off & 4)));
	return 0;
}

static void write_reg(struct amdvi *u, uint64_t q, uint64_t v)
{
	uint64_t old;

	switch (q) {
	case R_DEVTAB:
		u->devtab = v & (ADDR_MASK | 0x1ff);
		break;
	case R_CMDBASE:
		u->cmdbase = v & (ADDR_MASK | 0x0f00000000000000ULL);
		break;
	case R_EVTBASE:
		u->evtbase = v & (ADDR_MASK | 0x0f00000000000000ULL);
		break;
	case R_PPRBASE:
		u->pprbase = v & (ADDR_MASK | 0x0f00000000000000ULL);
		break;
	case R_EXCLBASE:
		u->exclbase = v & (ADDR_MASK | 3);
		break;
	case R_EXCLLIM:
		u->excllim = v & ADDR_MASK;
		break;
	case R_CONTROL:
		old = u->control;
		u->control = v;
		if ((old & C_IOMMUEN) && !(v & C_IOMMUEN) && sim_pci_any_bus_master(u->m))
			u->open_windows++;
		if ((old ^ v) & C_CMDBUFEN) {
			u->cmd_stopped = false;
			if (v & C_CMDBUFEN)
				u->cmdhead &= PTR_MASK;
		}
		if ((old ^ v) & C_EVTLOGEN)
			u->evt_stopped = false;
		update_run(u);
		process_commands(u);
		break;
	case R_CMDHEAD:
		/* software may move the head only while the buffer is off */
		if (!(u->status & S_CMDRUN))
			u->cmdhead = v & PTR_MASK;
		break;
	case R_CMDTAIL:
		u->cmdtail = v & PTR_MASK;
		process_commands(u);
		break;
	case R_EVTHEAD:
		u->evthead = v & PTR_MASK;
		break;
	case R_EVTTAIL:
		if (!(u->status & S_EVTRUN))
			u->evttail = v & PTR_MASK;
		break;
	case R_STATUS:
		u->status &= ~(v & S_W1C);
		break;
	case R_PPRHEAD:
		u->pprhead = v & PTR_MASK;
		break;
	case R_PPRTAIL:
		u->pprtail = v & PTR_MASK;
		break;
	}
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct amdvi *u = opaque;
	uint64_t q = off & ~7ULL, *r = reg(u, q), cur;

	if (size != 4 && size != 8)
		return -EINVAL;
	if (size == 4) {
		unsigned sh = 8 * (off & 4);

		cur = q == R_STATUS ? 0 : r ? *r : 0;
		val = (cur & ~(0xffffffffULL << sh)) | (val & 0xffffffffULL) << sh;
	}
	write_reg(u, q, val);
	return 0;
}

static const struct sim_mmio_ops amdvi_ops = { .read = mmio_read, .write = mmio_write };

static void amdvi_destroy(struct sim_iommu *iu)
{
	free(iu);
}

uint64_t sim_amdvi_open_windows(struct sim_machine *m)
{
	struct sim_iommu *iu = sim_machine_iommu(m);

	if (!iu || iu->translate != translate)
		return 0;
	return ((struct amdvi *)iu)->open_windows; /* iommu is the first member */
}

uint64_t sim_amdvi_efr(void)
{
	return EFR_VALUE;
}

int sim_amdvi_create(struct sim_machine *m, uint64_t base)
{
	struct amdvi *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->m = m;
	u->base = base;
	u->iommu.translate = translate;
	u->iommu.destroy = amdvi_destroy;
	rc = sim_mmio_map(m, base, SIM_AMDVI_MMIO_SIZE, &amdvi_ops, u);
	if (rc) {
		free(u);
		return rc;
	}
	sim_machine_set_iommu(m, &u->iommu);
	return 0;
}
