/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv3 driver: probe, take ownership with no bypass window, attach
 * streams to domains, invalidate through the command queue, drain the event
 * queue, give everything back on release.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/arch.h"
#include "lib/live.h"
#include "lib/domain.h"
#include "lib/hw.h"
#include "lib/smmuv3.h"

#define STRTAB_SPLIT 8   /* 2-level tables: 256 STEs per level-2 table */
#define STRTAB_L1_MAX_LOG2 12 /* at most 4096 level-1 descriptors (32 KiB): StreamIDs up to 2^20 */
#define STE_SIZE 64
#define CMD_SIZE 16
#define EVT_SIZE 32
#define CMDQ_LOG2 8      /* 256 commands */
#define EVTQ_LOG2 10     /* 1024 events: 32 KiB */

/* The registers own() saves and release() restores. */
struct saved {
	uint32_t cr0, cr1, cr2, gbpa, irq_ctrl, strtab_cfg;
	uint32_t cmdq_prod, cmdq_cons, evtq_prod, evtq_cons, priq_prod, priq_cons;
	uint32_t gerror_irq_cfg1, gerror_irq_cfg2, evtq_irq_cfg1, evtq_irq_cfg2;
	uint32_t priq_irq_cfg1, priq_irq_cfg2;
	uint64_t strtab_base, cmdq_base, evtq_base, priq_base;
	uint64_t gerror_irq_cfg0, evtq_irq_cfg0, priq_irq_cfg0;
};

struct smmuv3 {
	/* features from the ID registers */
	bool s1p, s2p, two_level;
	bool aa64;              /* IDR0.TTF[1]: smmush's own tables are VMSAv8-64 */
	unsigned sidsize, ssidsize, oas, oas_enc, cmdqs, evtqs;
	unsigned granules; /* bit n: 2^n-byte granule supported */
	/* our structures, while owned */
	struct saved saved;
	uint64_t strtab_pa, cmdq_pa, evtq_pa;
	uint64_t *l2_pa;     /* 2-level: level-2 table of each span, 0 if none */
	size_t strtab_size;
	unsigned n_l1;
	uint32_t cmdq_prod, evtq_cons, cmdq_log2, evtq_log2;
	unsigned st_log2;    /* StreamID bits the installed stream table covers */
};

/* Memory attributes smmush gives its own structures and table walks. */
enum {
	WALK_WB_RWA = 1,    /* CD.IRx/ORx, STE.S2IR0/S2OR0: write-back, read/write-allocate */
	CD_FETCH_WB_RA = 1, /* STE.S1CIR/S1COR: write-back, read-allocate */
	SH_ISH = 3,         /* inner shareable */
};

static struct smmuv3 *priv(struct smmu_unit *u)
{
	return u->arch_priv;
}

static const unsigned oas_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static int probe(struct smmu_unit *u)
{
	struct smmuv3 *s = calloc(1, sizeof(*s));
	uint32_t idr0, idr1, idr5;
	int rc;

	if (!s)
		return -ENOMEM;
	if ((rc = reg_read32_kept(u, SMMUV3_IDR0, true, &idr0)) || (rc = reg_read32_kept(u, SMMUV3_IDR1, true, &idr1)) ||
	    (rc = reg_read32_kept(u, SMMUV3_IDR5, true, &idr5))) {
		free(s);
		return rc;
	}
	s->s1p = SMMU_GET(SMMUV3_IDR0_S1P, idr0);
	s->s2p = SMMU_GET(SMMUV3_IDR0_S2P, idr0);
	s->aa64 = SMMU_GET(SMMUV3_IDR0_TTF, idr0) & 2;
	s->two_level = SMMU_GET(SMMUV3_IDR0_ST_LEVEL, idr0) == SMMUV3_STRTAB_FMT_2LVL;
	s->sidsize = SMMU_GET(SMMUV3_IDR1_SIDSIZE, idr1);
	s->ssidsize = SMMU_GET(SMMUV3_IDR1_SSIDSIZE, idr1);
	s->cmdqs = SMMU_GET(SMMUV3_IDR1_CMDQS, idr1);
	s->evtqs = SMMU_GET(SMMUV3_IDR1_EVENTQS, idr1);
	s->oas_enc = SMMU_GET(SMMUV3_IDR5_OAS, idr5);
	s->oas = s->oas_enc < 7 ? oas_bits[s->oas_enc] : 48;
	s->granules = (SMMU_GET(SMMUV3_IDR5_GRAN4K, idr5) ? 1u << 12 : 0) |
		      (SMMU_GET(SMMUV3_IDR5_GRAN16K, idr5) ? 1u << 14 : 0) |
		      (SMMU_GET(SMMUV3_IDR5_GRAN64K, idr5) ? 1u << 16 : 0);
	if (!idr0 && !idr1) { /* nothing answers at this address */
		free(s);
		return -ENODEV;
	}
	u->arch_priv = s;
	return 0;
}

static void destroy(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);

	if (s)
		free(s->l2_pa);
	free(s);
	u->arch_priv = NULL;
}

/* --- command queue ------------------------------------------------------------ */

static uint32_t q_idx(uint32_t v, unsigned log2)
{
	return v & ((1u << log2) - 1);
}

static uint32_t q_wrap(uint32_t v, unsigned log2)
{
	return v & (1u << log2);
}

static uint32_t q_inc(uint32_t v, unsigned log2)
{
	return (v + 1) & ((2u << log2) - 1); /* index and wrap bit */
}

/* Submit commands and wait until the SMMU consumed them.  A command the SMMU
 * rejects (CONS.ERR) is replaced by a CMD_SYNC, as the specification allows,
 * and the error is returned. */
static int cmdq_submit(struct smmu_unit *u, const uint64_t (*cmds)[2], size_t n)
{
	struct smmuv3 *s = priv(u);
	unsigned log2 = s->cmdq_log2;
	int rc = 0, err = 0;

	for (size_t i = 0; i < n;) {
		/* the commands up to the queue's end in one write (one request on
		 * a remote target); never let PROD lap CONS: submit there */
		size_t run = ((size_t)1 << log2) - q_idx(s->cmdq_prod, log2);

		if (run > n - i)
			run = n - i;
		if ((rc = smmu_mem_write(u->t, s->cmdq_pa + q_idx(s->cmdq_prod, log2) * CMD_SIZE,
					 cmds[i], run * CMD_SIZE)))
			return rc;
		for (size_t k = 0; k < run; k++)
			s->cmdq_prod = q_inc(s->cmdq_prod, log2);
		i += run;
		if ((rc = reg_write32(u, SMMUV3_CMDQ_PROD, s->cmdq_prod)))
			return rc;
		for (unsigned tries = 0;; tries++) {
			uint32_t cons, gerror, gerrorn;
			if (tries > 100000)
				return -SMMU_E_TIMEOUT; /* the SMMU does not consume: give up */
			if ((rc = reg_read32(u, SMMUV3_CMDQ_CONS, &cons)))
				return rc;
			if ((cons & ((2u << log2) - 1)) == s->cmdq_prod)
				break;
			if ((rc = reg_read32(u, SMMUV3_GERROR, &gerror)) ||
			    (rc = reg_read32(u, SMMUV3_GERRORN, &gerrorn)))
				return rc;
			if ((gerror ^ gerrorn) & SMMU_MASK(SMMUV3_GERROR_CMDQ_ERR)) {
				static const uint64_t sync[2] = { SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_SYNC), 0 };
				err = -SMMU_E_CMDQ;
				u->t->faults.totals.gerrors++;
				if ((rc = smmu_mem_write(u->t, s->cmdq_pa + q_idx(cons, log2) * CMD_SIZE,
							 sync, CMD_SIZE)) ||
				    (rc = reg_write32(u, SMMUV3_GERRORN,
						      gerrorn ^ SMMU_MASK(SMMUV3_GERROR_CMDQ_ERR))))
					return rc;
			}
		}
	}
	return err;
}

static int cmd_sync(struct smmu_unit *u, uint64_t (*cmds)[2], size_t n)
{
	cmds[n][0] = SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_SYNC);
	cmds[n][1] = 0;
	int rc = cmdq_submit(u, (const uint64_t(*)[2])cmds, n + 1);
	if (!rc) /* whatever was written before is what the SMMU now uses */
		smmu_audit_note_flush(u);
	return rc;
}

/* CMD_CFGI_ALL: CMD_CFGI_STE_RANGE over every StreamID */
static void cfgi_all(uint64_t *cmd)
{
	cmd[0] = SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_CFGI_STE_RANGE);
	cmd[1] = 0;
	SMMU_SETW(SMMUV3_CMD_CFGI_STE_RANGE_Range, cmd, SMMUV3_RANGE_ALL);
}

static int invalidate_all(struct smmu_unit *u)
{
	uint64_t cmds[3][2] = { { 0 }, { SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_NSNH_ALL), 0 } };

	cfgi_all(cmds[0]);
	return cmd_sync(u, cmds, 2);
}

/* --- stream table ---------------------------------------------------------------- */

static const uint64_t ste_abort[8] = {
	[SMMUV3_STE_V_W] = SMMU_PREP(SMMUV3_STE_V, 1) | SMMU_PREP(SMMUV3_STE_Config, SMMUV3_STE_CFG_ABORT),
};

/* A level-2 table (or the linear table) whose every STE aborts. */
static int write_abort_stes(struct smmu_target *t, uint64_t pa, size_t n)
{
	uint64_t *buf = malloc(n * STE_SIZE);
	int rc;

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		memcpy(buf + i * 8, ste_abort, STE_SIZE);
	rc = smmu_mem_write(t, pa, buf, n * STE_SIZE);
	free(buf);
	return rc;
}

/* Where the STE for sid lives; 2-level spans get their table on demand. */
static int ste_addr(struct smmu_unit *u, uint32_t sid, uint64_t *pa)
{
	struct smmuv3 *s = priv(u);
	int rc;

	if ((uint64_t)sid >> s->st_log2)
		return -ERANGE;
	if (!s->l2_pa) {
		*pa = s->strtab_pa + (uint64_t)sid * STE_SIZE;
		return 0;
	}
	uint32_t span = sid >> STRTAB_SPLIT;
	if (!s->l2_pa[span]) {
		size_t size = (1u << STRTAB_SPLIT) * STE_SIZE;
		uint64_t l2, desc;
		if ((rc = smmu_table_zalloc(u->t, size, size, &l2)))
			return rc;
		if ((rc = write_abort_stes(u->t, l2, 1u << STRTAB_SPLIT))) {
			smmu_table_free(u->t, l2, size);
			return rc;
		}
		desc = SMMU_PREP(SMMUV3_L1STD_Span, STRTAB_SPLIT + 1) | (l2 & SMMU_MASK(SMMUV3_L1STD_L2Ptr));
		if ((rc = smmu_mem_write(u->t, s->strtab_pa + span * 8, &desc, 8))) {
			smmu_table_free(u->t, l2, size);
			return rc;
		}
		s->l2_pa[span] = l2;
		uint64_t cmds[2][2];
		cfgi_all(cmds[0]);
		if ((rc = cmd_sync(u, cmds, 1)))
			return rc;
	}
	*pa = s->l2_pa[span] + (uint64_t)(sid & ((1u << STRTAB_SPLIT) - 1)) * STE_SIZE;
	return 0;
}

static int alloc_tables(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);
	int rc;

	s->cmdq_log2 = s->cmdqs < CMDQ_LOG2 ? s->cmdqs : CMDQ_LOG2;
	s->evtq_log2 = s->evtqs < EVTQ_LOG2 ? s->evtqs : EVTQ_LOG2;
	size_t cq = (size_t)CMD_SIZE << s->cmdq_log2, eq = (size_t)EVT_SIZE << s->evtq_log2;
	if ((rc = smmu_table_zalloc(u->t, cq, cq, &s->cmdq_pa)))
		return rc;
	if ((rc = smmu_table_zalloc(u->t, eq, eq, &s->evtq_pa)))
		return rc;
	s->st_log2 = s->sidsize;
	if (s->two_level && s->sidsize > STRTAB_SPLIT) {
		/* a 32-bit StreamID space would need a 32 MiB level-1 table: cover
		 * the low 2^20 StreamIDs, as Linux caps it; higher ones are reported
		 * as C_BAD_STREAMID */
		if (s->st_log2 > STRTAB_SPLIT + STRTAB_L1_MAX_LOG2)
			s->st_log2 = STRTAB_SPLIT + STRTAB_L1_MAX_LOG2;
		s->n_l1 = 1u << (s->st_log2 - STRTAB_SPLIT);
		s->strtab_size = (size_t)s->n_l1 * 8;
		s->l2_pa = calloc(s->n_l1, sizeof(*s->l2_pa));
		if (!s->l2_pa)
			return -ENOMEM;
		/* every L1 descriptor invalid: streams without a level-2 table
		 * are reported (C_BAD_STREAMID) and terminated */
		return smmu_table_zalloc(u->t, s->strtab_size, s->strtab_size < 64 ? 64 : s->strtab_size,
					 &s->strtab_pa);
	}
	if (s->st_log2 > 16) /* a linear table beyond 4 MiB: cover what fits */
		s->st_log2 = 16;
	s->strtab_size = (size_t)STE_SIZE << s->st_log2;
	if ((rc = smmu_table_zalloc(u->t, s->strtab_size, s->strtab_size, &s->strtab_pa)))
		return rc;
	return write_abort_stes(u->t, s->strtab_pa, (size_t)1 << s->st_log2);
}

static void free_tables(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);

	for (unsigned i = 0; s->l2_pa && i < s->n_l1; i++)
		if (s->l2_pa[i])
			smmu_table_free(u->t, s->l2_pa[i], (1u << STRTAB_SPLIT) * STE_SIZE);
	free(s->l2_pa);
	s->l2_pa = NULL;
	if (s->strtab_pa)
		smmu_table_free(u->t, s->strtab_pa, s->strtab_size);
	if (s->cmdq_pa)
		smmu_table_free(u->t, s->cmdq_pa, (size_t)CMD_SIZE << s->cmdq_log2);
	if (s->evtq_pa)
		smmu_table_free(u->t, s->evtq_pa, (size_t)EVT_SIZE << s->evtq_log2);
	s->strtab_pa = s->cmdq_pa = s->evtq_pa = 0;
}

/* --- ownership ------------------------------------------------------------------------ */

static int save_regs(struct smmu_unit *u, struct saved *v)
{
	int rc;

#define R32(off, f) if ((rc = reg_read32(u, off, &v->f))) return rc
#define R64(off, f) if ((rc = reg_read64(u, off, &v->f))) return rc
	R32(SMMUV3_CR0, cr0); R32(SMMUV3_CR1, cr1); R32(SMMUV3_CR2, cr2);
	R32(SMMUV3_GBPA, gbpa); R32(SMMUV3_IRQ_CTRL, irq_ctrl);
	R64(SMMUV3_STRTAB_BASE, strtab_base); R32(SMMUV3_STRTAB_BASE_CFG, strtab_cfg);
	R64(SMMUV3_CMDQ_BASE, cmdq_base); R32(SMMUV3_CMDQ_PROD, cmdq_prod);
	R32(SMMUV3_CMDQ_CONS, cmdq_cons);
	R64(SMMUV3_EVENTQ_BASE, evtq_base); R32(SMMUV3_EVENTQ_PROD, evtq_prod);
	R32(SMMUV3_EVENTQ_CONS, evtq_cons);
	R64(SMMUV3_PRIQ_BASE, priq_base); R32(SMMUV3_PRIQ_PROD, priq_prod);
	R32(SMMUV3_PRIQ_CONS, priq_cons);
	R64(SMMUV3_GERROR_IRQ_CFG0, gerror_irq_cfg0); R32(SMMUV3_GERROR_IRQ_CFG1, gerror_irq_cfg1);
	R32(SMMUV3_GERROR_IRQ_CFG2, gerror_irq_cfg2);
	R64(SMMUV3_EVENTQ_IRQ_CFG0, evtq_irq_cfg0); R32(SMMUV3_EVENTQ_IRQ_CFG1, evtq_irq_cfg1);
	R32(SMMUV3_EVENTQ_IRQ_CFG2, evtq_irq_cfg2);
	R64(SMMUV3_PRIQ_IRQ_CFG0, priq_irq_cfg0); R32(SMMUV3_PRIQ_IRQ_CFG1, priq_irq_cfg1);
	R32(SMMUV3_PRIQ_IRQ_CFG2, priq_irq_cfg2);
#undef R32
#undef R64
	return 0;
}

static int release(struct smmu_unit *u);

static uint64_t cmdq_base(const struct smmuv3 *s)
{
	return (s->cmdq_pa & SMMU_MASK(SMMUV3_CMDQ_BASE_ADDR)) | SMMU_PREP(SMMUV3_CMDQ_BASE_LOG2SIZE, s->cmdq_log2);
}

/* CR0 changes take effect when CR0ACK says so. */
static int set_cr0(struct smmu_unit *u, uint32_t v)
{
	int rc = reg_write32(u, SMMUV3_CR0, v);

	return rc ? rc : smmu_poll32(u, SMMUV3_CR0ACK, ~0u, v);
}

/* GBPA is changed with its Update handshake. */
static int set_gbpa(struct smmu_unit *u, uint32_t v)
{
	int rc = reg_write32(u, SMMUV3_GBPA, v | SMMU_MASK(SMMUV3_GBPA_Update));

	return rc ? rc : smmu_poll32(u, SMMUV3_GBPA, SMMU_MASK(SMMUV3_GBPA_Update), 0);
}

static int own(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);
	struct saved *v = &s->saved;
	int rc;

	if ((rc = save_regs(u, v)) || (rc = smmu_journal_saved(u)))
		return rc; /* nothing written yet */
	u->owned = true; /* from here on, release() knows how to undo */
	/* Abort incoming transactions before translation is turned off, so
	 * there is no moment in which DMA bypasses. */
	if ((rc = set_gbpa(u, v->gbpa | SMMU_MASK(SMMUV3_GBPA_ABORT))))
		goto undo;
	uint32_t gbpa;
	if ((rc = reg_read32(u, SMMUV3_GBPA, &gbpa)))
		goto undo;
	if (!SMMU_GET(SMMUV3_GBPA_ABORT, gbpa))
		u->t->faults.totals.quirks++; /* no GBPA (QEMU 7.2): a disabled SMMU bypasses */
	if ((rc = set_cr0(u, 0)) ||
	    (rc = reg_write32(u, SMMUV3_IRQ_CTRL, 0)) ||
	    (rc = smmu_poll32(u, SMMUV3_IRQ_CTRLACK, ~0u, 0)))
		goto undo;
	if ((rc = alloc_tables(u)))
		goto undo;
	uint32_t cfg = SMMU_PREP(SMMUV3_STRTAB_BASE_CFG_LOG2SIZE, s->st_log2);
	if (s->l2_pa)
		cfg |= SMMU_PREP(SMMUV3_STRTAB_BASE_CFG_FMT, SMMUV3_STRTAB_FMT_2LVL) |
		       SMMU_PREP(SMMUV3_STRTAB_BASE_CFG_SPLIT, STRTAB_SPLIT);
	s->cmdq_prod = 0;
	s->evtq_cons = 0;
	if ((rc = reg_write64(u, SMMUV3_STRTAB_BASE,
			      SMMU_PREP(SMMUV3_STRTAB_BASE_RA, 1) |
			      (s->strtab_pa & SMMU_MASK(SMMUV3_STRTAB_BASE_ADDR)))) ||
	    (rc = reg_write32(u, SMMUV3_STRTAB_BASE_CFG, cfg)) ||
	    (rc = reg_write64(u, SMMUV3_CMDQ_BASE, cmdq_base(s))) ||
	    (rc = reg_write32(u, SMMUV3_CMDQ_PROD, 0)) || (rc = reg_write32(u, SMMUV3_CMDQ_CONS, 0)) ||
	    (rc = reg_write64(u, SMMUV3_EVENTQ_BASE,
			      (s->evtq_pa & SMMU_MASK(SMMUV3_OUTQ_BASE_ADDR)) |
			      SMMU_PREP(SMMUV3_OUTQ_BASE_LOG2SIZE, s->evtq_log2))) ||
	    (rc = reg_write32(u, SMMUV3_EVENTQ_PROD, 0)) ||
	    (rc = reg_write32(u, SMMUV3_EVENTQ_CONS, 0)) ||
	    (rc = reg_write32(u, SMMUV3_CR1, 0)) ||
	    (rc = reg_write32(u, SMMUV3_CR2, SMMU_MASK(SMMUV3_CR2_RECINVSID) | SMMU_MASK(SMMUV3_CR2_PTM))) ||
	    (rc = set_cr0(u, SMMU_MASK(SMMUV3_CR0_CMDQEN) | SMMU_MASK(SMMUV3_CR0_EVENTQEN))) ||
	    (rc = invalidate_all(u)) ||
	    (rc = set_cr0(u, SMMU_MASK(SMMUV3_CR0_CMDQEN) | SMMU_MASK(SMMUV3_CR0_EVENTQEN) |
			     SMMU_MASK(SMMUV3_CR0_SMMUEN))))
		goto undo;
	return 0;
undo:
	/* put back what was there; the first error is what the caller sees.
	 * If that fails too, the unit stays owned so release can be retried. */
	release(u);
	return rc;
}

static int release(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);
	struct saved *v = &s->saved;
	int rc, first = 0;

	if (!u->owned)
		return 0;
#define STEP(x) do { if ((rc = (x)) && !first) first = rc; } while (0)
	/* Translation goes off only while GBPA aborts: if that cannot be made
	 * so, nothing else changes (still owned; release can be retried). */
	if ((rc = set_gbpa(u, v->gbpa | SMMU_MASK(SMMUV3_GBPA_ABORT))))
		return rc;
	/* Then the previous stream table back, and our command queue,
	 * programmed afresh so a retried release works from any state, drops
	 * every cached entry of ours. */
	STEP(set_cr0(u, 0));
	STEP(reg_write64(u, SMMUV3_STRTAB_BASE, v->strtab_base));
	STEP(reg_write32(u, SMMUV3_STRTAB_BASE_CFG, v->strtab_cfg));
	if (s->cmdq_pa && !first) {
		s->cmdq_prod = 0;
		STEP(reg_write64(u, SMMUV3_CMDQ_BASE, cmdq_base(s)));
		STEP(reg_write32(u, SMMUV3_CMDQ_PROD, 0));
		STEP(reg_write32(u, SMMUV3_CMDQ_CONS, 0));
		if (!first)
			STEP(set_cr0(u, SMMU_MASK(SMMUV3_CR0_CMDQEN)));
		if (!first)
			STEP(invalidate_all(u));
		STEP(set_cr0(u, 0));
	}
	STEP(reg_write64(u, SMMUV3_CMDQ_BASE, v->cmdq_base));
	STEP(reg_write32(u, SMMUV3_CMDQ_PROD, v->cmdq_prod));
	STEP(reg_write32(u, SMMUV3_CMDQ_CONS, v->cmdq_cons));
	STEP(reg_write64(u, SMMUV3_EVENTQ_BASE, v->evtq_base));
	STEP(reg_write32(u, SMMUV3_EVENTQ_PROD, v->evtq_prod));
	STEP(reg_write32(u, SMMUV3_EVENTQ_CONS, v->evtq_cons));
	STEP(reg_write64(u, SMMUV3_PRIQ_BASE, v->priq_base));
	STEP(reg_write32(u, SMMUV3_PRIQ_PROD, v->priq_prod));
	STEP(reg_write32(u, SMMUV3_PRIQ_CONS, v->priq_cons));
	STEP(reg_write64(u, SMMUV3_GERROR_IRQ_CFG0, v->gerror_irq_cfg0));
	STEP(reg_write32(u, SMMUV3_GERROR_IRQ_CFG1, v->gerror_irq_cfg1));
	STEP(reg_write32(u, SMMUV3_GERROR_IRQ_CFG2, v->gerror_irq_cfg2));
	STEP(reg_write64(u, SMMUV3_EVENTQ_IRQ_CFG0, v->evtq_irq_cfg0));
	STEP(reg_write32(u, SMMUV3_EVENTQ_IRQ_CFG1, v->evtq_irq_cfg1));
	STEP(reg_write32(u, SMMUV3_EVENTQ_IRQ_CFG2, v->evtq_irq_cfg2));
	STEP(reg_write64(u, SMMUV3_PRIQ_IRQ_CFG0, v->priq_irq_cfg0));
	STEP(reg_write32(u, SMMUV3_PRIQ_IRQ_CFG1, v->priq_irq_cfg1));
	STEP(reg_write32(u, SMMUV3_PRIQ_IRQ_CFG2, v->priq_irq_cfg2));
	STEP(reg_write32(u, SMMUV3_CR1, v->cr1));
	STEP(reg_write32(u, SMMUV3_CR2, v->cr2));
	STEP(reg_write32(u, SMMUV3_IRQ_CTRL, v->irq_ctrl));
	STEP(smmu_poll32(u, SMMUV3_IRQ_CTRLACK, ~0u, v->irq_ctrl));
	STEP(set_cr0(u, v->cr0));
	STEP(set_gbpa(u, v->gbpa));
#undef STEP
	if (first)
		return first; /* still owned: a retry can finish the job */
	free_tables(u);
	u->owned = false;
	return 0;
}

/* --- domains ---------------------------------------------------------------------------- */

static unsigned tg_enc(unsigned granule, bool stage2)
{
	/* CD.TG0 and STE.S2TG share one encoding */
	(void)stage2;
	return granule == 65536 ? SMMUV3_TG_64K : granule == 16384 ? SMMUV3_TG_16K : SMMUV3_TG_4K;
}

static unsigned oas_enc(unsigned oas)
{
	for (unsigned i = 0; i < 7; i++)
		if (oas_bits[i] >= oas)
			return i;
	return 5;
}

/* A stage-1 domain's context descriptor, written once when it is bound. */
static int write_cd(struct smmu_unit *u, struct smmu_domain *dom)
{
	struct smmuv3 *s = priv(u);
	struct smmu_pgt_geom g;
	uint64_t cd[8] = { 0 };
	int rc;

	smmu_pgt_geometry(dom->pgt, &g);
	if (!dom->ctx_pa && (rc = smmu_table_zalloc(u->t, 64, 64, &dom->ctx_pa)))
		return rc;
	SMMU_SETW(SMMUV3_CD_T0SZ, cd, 64 - g.ias);
	SMMU_SETW(SMMUV3_CD_TG0, cd, tg_enc(g.granule, false));
	SMMU_SETW(SMMUV3_CD_IR0, cd, WALK_WB_RWA);
	SMMU_SETW(SMMUV3_CD_OR0, cd, WALK_WB_RWA);
	SMMU_SETW(SMMUV3_CD_SH0, cd, SH_ISH);
	SMMU_SETW(SMMUV3_CD_EPD1, cd, 1);
	SMMU_SETW(SMMUV3_CD_V, cd, 1);
	SMMU_SETW(SMMUV3_CD_IPS, cd, s->oas_enc);
	SMMU_SETW(SMMUV3_CD_AA64, cd, 1);
	SMMU_SETW(SMMUV3_CD_R, cd, 1);
	SMMU_SETW(SMMUV3_CD_A, cd, 1);
	SMMU_SETW(SMMUV3_CD_ASID, cd, dom->id);
	cd[SMMUV3_CD_TTB0_W] |= smmu_pgt_root(dom->pgt) & SMMU_MASK(SMMUV3_CD_TTB0);
	SMMU_SETW(SMMUV3_CD_MAIR, cd, 0x04ff); /* attr 0 Normal WB, attr 1 Device-nGnRE */
	return smmu_mem_write(u->t, dom->ctx_pa, cd, sizeof(cd));
}

/* An STE's stage-2 fields for a stage-2 domain (or a nested domain's parent). */
static void s2_fields(struct smmuv3 *s, uint64_t *ste, struct smmu_domain *dom)
{
	struct smmu_pgt_geom g;
	smmu_pgt_geometry(dom->pgt, &g);
	unsigned sl0 = (g.granule == 4096 ? 2 : 3) - g.start_level;
	SMMU_SETW(SMMUV3_STE_S2VMID, ste, dom->id);
	SMMU_SETW(SMMUV3_STE_S2T0SZ, ste, 64 - g.ias);
	SMMU_SETW(SMMUV3_STE_S2SL0, ste, sl0);
	SMMU_SETW(SMMUV3_STE_S2IR0, ste, WALK_WB_RWA);
	SMMU_SETW(SMMUV3_STE_S2OR0, ste, WALK_WB_RWA);
	SMMU_SETW(SMMUV3_STE_S2SH0, ste, SH_ISH);
	SMMU_SETW(SMMUV3_STE_S2TG, ste, tg_enc(g.granule, true));
	SMMU_SETW(SMMUV3_STE_S2PS, ste, oas_enc(g.oas < s->oas ? g.oas : s->oas));
	SMMU_SETW(SMMUV3_STE_S2AA64, ste, 1);
	SMMU_SETW(SMMUV3_STE_S2R, ste, 1);
	ste[SMMUV3_STE_S2TTB_W] |= smmu_pgt_root(dom->pgt) & SMMU_MASK(SMMUV3_STE_S2TTB);
}

static int attach(struct smmu_unit *u, struct smmu_device *d, struct smmu_domain *dom)
{
	struct smmuv3 *s = priv(u);
	uint64_t ste[8], pa;
	int rc;

	if ((rc = ste_addr(u, d->info.sid, &pa)))
		return rc;
	memcpy(ste, ste_abort, sizeof(ste));
	if (dom && !(dom->flags & SMMU_DOMAIN_STAGE2)) {
		if ((rc = write_cd(u, dom)))
			return rc;
		/* nested: the CD is read at an IPA, through the parent's stage 2 */
		if (dom->parent && (rc = smmu_domain_nest_identity(dom->parent, dom->ctx_pa, 64)))
			return rc;
		memset(ste, 0, sizeof(ste));
		SMMU_SETW(SMMUV3_STE_V, ste, 1);
		SMMU_SETW(SMMUV3_STE_Config, ste, dom->parent ? SMMUV3_STE_CFG_NESTED : SMMUV3_STE_CFG_S1);
		ste[SMMUV3_STE_S1ContextPtr_W] |= dom->ctx_pa & SMMU_MASK(SMMUV3_STE_S1ContextPtr);
		SMMU_SETW(SMMUV3_STE_S1CIR, ste, CD_FETCH_WB_RA);
		SMMU_SETW(SMMUV3_STE_S1COR, ste, CD_FETCH_WB_RA);
		SMMU_SETW(SMMUV3_STE_S1CSH, ste, SH_ISH);
		if (dom->parent)
			s2_fields(s, ste, dom->parent);
	} else if (dom) {
		memset(ste, 0, sizeof(ste));
		SMMU_SETW(SMMUV3_STE_V, ste, 1);
		SMMU_SETW(SMMUV3_STE_Config, ste, SMMUV3_STE_CFG_S2);
		s2_fields(s, ste, dom);
	}
	/* dwords 1-7 first, then dword 0 with V: the SMMU never sees half an STE */
	if ((rc = smmu_mem_write(u->t, pa + 8, ste + 1, STE_SIZE - 8)) ||
	    (rc = smmu_mem_write(u->t, pa, ste, 8)))
		return rc;
	uint64_t cmds[2][2] = { { SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_CFGI_STE) } };
	SMMU_SETW(SMMUV3_CMD_CFGI_STE_StreamID, cmds[0], d->info.sid);
	SMMU_SETW(SMMUV3_CMD_CFGI_STE_Leaf, cmds[0], 1);
	return cmd_sync(u, cmds, 1);
}

/* After a map or unmap: per-page TLBIs for a few pages, one whole-ASID (or
 * VMID) invalidation beyond that; one CMD_SYNC either way. */
static int flush(struct smmu_unit *u, struct smmu_domain *dom, uint64_t iova, uint64_t size)
{
	enum { MAX_VA = 32 };
	uint64_t cmds[MAX_VA + 1][2];
	struct smmu_pgt_geom g;
	bool s2 = dom->flags & SMMU_DOMAIN_STAGE2;
	size_t n = 0;

	smmu_pgt_geometry(dom->pgt, &g);
	/* stage 1 nested in dom's stage 2: combined entries are tagged with
	 * its VMID; they go when the parent's mappings change (S12_VMALL) */
	if (s2 && dom->nchildren) {
		cmds[0][0] = SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_S12_VMALL) |
			     SMMU_PREP(SMMUV3_CMD_TLBI_VMID_VMID, dom->id);
		cmds[0][1] = 0;
		return cmd_sync(u, cmds, 1);
	}
	if (size / g.granule <= MAX_VA) {
		for (uint64_t a = iova & ~(uint64_t)(g.granule - 1); a < iova + size; a += g.granule) {
			if (s2) {
				cmds[n][0] = SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_S2_IPA) |
					     SMMU_PREP(SMMUV3_CMD_TLBI_S2_IPA_VMID, dom->id);
				cmds[n][1] = a & SMMU_MASK(SMMUV3_CMD_TLBI_S2_IPA_Address);
			} else {
				cmds[n][0] = SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_NH_VA) |
					     SMMU_PREP(SMMUV3_CMD_TLBI_NH_VA_ASID, dom->id) |
					     SMMU_PREP(SMMUV3_CMD_TLBI_NH_VA_VMID, dom->parent ? dom->parent->id : 0);
				cmds[n][1] = a & SMMU_MASK(SMMUV3_CMD_TLBI_NH_VA_Address);
			}
			n++;
		}
	} else {
		cmds[0][0] = s2 ? SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_S12_VMALL) |
				  SMMU_PREP(SMMUV3_CMD_TLBI_VMID_VMID, dom->id)
				: SMMU_PREP(SMMUV3_CMD_Opcode, SMMUV3_OP_TLBI_NH_ASID) |
				  SMMU_PREP(SMMUV3_CMD_TLBI_NH_ASID_ASID, dom->id) |
				  SMMU_PREP(SMMUV3_CMD_TLBI_NH_ASID_VMID, dom->parent ? dom->parent->id : 0);
		cmds[0][1] = 0;
		n = 1;
	}
	return cmd_sync(u, cmds, n);
}

/* Translation table entries that fault are never cached (TLBs or walk
 * caches), so a map that only fills invalid entries needs no TLBI.  STEs and
 * CDs may be cached even when invalid, but a map changes neither. */
static bool caches_invalid(struct smmu_unit *u)
{
	(void)u;
	return false;
}

/* --- events ---------------------------------------------------------------------------- */

static enum smmu_fault_class event_class(unsigned id)
{
	switch (id) {
	case SMMUV3_EVT_F_TRANSLATION: return SMMU_FC_TRANSLATION;
	case SMMUV3_EVT_F_ADDR_SIZE: return SMMU_FC_ADDR_SIZE;
	case SMMUV3_EVT_F_ACCESS: return SMMU_FC_ACCESS;
	case SMMUV3_EVT_F_PERMISSION: return SMMU_FC_PERMISSION;
	case SMMUV3_EVT_C_BAD_STREAMID: case SMMUV3_EVT_F_STREAM_DISABLED:
	case SMMUV3_EVT_F_TRANSL_FORBIDDEN: return SMMU_FC_STREAM;
	case SMMUV3_EVT_C_BAD_STE: case SMMUV3_EVT_C_BAD_SUBSTREAMID: case SMMUV3_EVT_C_BAD_CD:
		return SMMU_FC_CONFIG;
	case SMMUV3_EVT_F_STE_FETCH: case SMMUV3_EVT_F_CD_FETCH: case SMMUV3_EVT_F_WALK_EABT:
	case SMMUV3_EVT_F_VMS_FETCH: return SMMU_FC_FETCH;
	default: return SMMU_FC_OTHER;
	}
}

static void push_event(struct smmu_unit *u, const uint64_t *e)
{
	static const struct smmu_desc *evt_desc;
	struct smmu_fault f = { .unit = u, .nraw = 4, .raw_kind = "smmuv3.event" };
	unsigned id = SMMU_GETW(SMMUV3_EVENT_EventID, e);

	if (!evt_desc)
		smmu_decoder_find("smmuv3.event", &evt_desc, NULL);
	memcpy(f.raw, e, 4 * sizeof(*e));
	f.code = id;
	bool known;
	const struct smmu_desc *v = evt_desc ? smmu_desc_resolve(evt_desc, e, &known) : NULL;
	f.code_name = v && known ? v->name : "unknown event";
	f.cls = event_class(id);
	f.stream.sid = SMMU_GETW(SMMUV3_EVENT_StreamID, e);
	/* C_BAD_SUBSTREAMID's record has no SSV bit: its SubstreamID is always the one at fault */
	f.stream.ssv = id == SMMUV3_EVT_C_BAD_SUBSTREAMID || SMMU_GETW(SMMUV3_EVENT_SSV, e);
	f.stream.ssid = f.stream.ssv ? SMMU_GETW(SMMUV3_EVENT_SubstreamID, e) : 0;
	if (id >= SMMUV3_EVT_F_TRANSLATION && id <= SMMUV3_EVT_F_PERMISSION) {
		/* translation-class records carry the access; F_PERMISSION's
		 * layout has the same InputAddr, RnW, InD and PnU */
		f.addr = SMMU_ADDRW(SMMUV3_EVENT_F_TRANSLATION_InputAddr, e);
		f.access = SMMU_GETW(SMMUV3_EVENT_F_TRANSLATION_RnW, e) ? SMMU_PROT_R : SMMU_PROT_W;
		if (SMMU_GETW(SMMUV3_EVENT_F_TRANSLATION_InD, e))
			f.access |= SMMU_PROT_X;
		if (SMMU_GETW(SMMUV3_EVENT_F_TRANSLATION_PnU, e))
			f.access |= SMMU_PROT_PRIV;
	} else if (id == SMMUV3_EVT_F_WALK_EABT) {
		/* the access that needed the walk: RnW, InD and PnU as F_TRANSLATION's */
		f.addr = SMMU_ADDRW(SMMUV3_EVENT_F_WALK_EABT_InputAddr, e);
		f.access = SMMU_GETW(SMMUV3_EVENT_F_WALK_EABT_RnW, e) ? SMMU_PROT_R : SMMU_PROT_W;
		if (SMMU_GETW(SMMUV3_EVENT_F_WALK_EABT_InD, e))
			f.access |= SMMU_PROT_X;
		if (SMMU_GETW(SMMUV3_EVENT_F_WALK_EABT_PnU, e))
			f.access |= SMMU_PROT_PRIV;
	} else if (id == SMMUV3_EVT_F_UUT || id == SMMUV3_EVT_F_BAD_ATS_TREQ || id == SMMUV3_EVT_F_TLB_CONFLICT) {
		f.addr = e[2]; /* InputAddr, word 2, in all of these */
	}
	/* F_STE_FETCH, F_CD_FETCH and F_VMS_FETCH have no InputAddr, only
	 * FetchAddr (word 3): no address that a walk could take */
	smmu_fault_push(u->t, &f);
}

static int drain(struct smmu_unit *u)
{
	struct smmuv3 *s = priv(u);
	unsigned log2 = s->evtq_log2;
	uint32_t prod, gerror, gerrorn;
	uint64_t buf[64][4];
	int rc;

	if (!u->owned)
		return 0;
	if ((rc = reg_read32(u, SMMUV3_EVENTQ_PROD, &prod)))
		return rc;
	if ((prod ^ s->evtq_cons) & SMMU_MASK(SMMUV3_OUTQ_PROD_OVFLG)) { /* the SMMU dropped records */
		u->t->faults.totals.lost_overflow++;
		s->evtq_cons ^= SMMU_MASK(SMMUV3_OUTQ_PROD_OVFLG);
	}
	prod &= (2u << log2) - 1;
	if (q_wrap(prod, log2) == q_wrap(s->evtq_cons, log2) &&
	    q_idx(prod, log2) < q_idx(s->evtq_cons, log2)) {
		/* PROD behind CONS in the same lap cannot happen: resynchronise
		 * rather than read what the SMMU never wrote */
		u->t->faults.totals.lost_unread++;
		s->evtq_cons = (s->evtq_cons & SMMU_MASK(SMMUV3_OUTQ_PROD_OVFLG)) | prod;
	}
	while ((s->evtq_cons & ((2u << log2) - 1)) != prod) {
		uint32_t ci = q_idx(s->evtq_cons, log2), pi = q_idx(prod, log2);
		/* one bulk read: up to the producer or the end of the queue */
		uint32_t n = (q_wrap(s->evtq_cons, log2) == q_wrap(prod, log2) ? pi : 1u << log2) - ci;
		if (n > 64)
			n = 64;
		if ((rc = smmu_mem_read(u->t, s->evtq_pa + (uint64_t)ci * EVT_SIZE, buf, n * EVT_SIZE))) {
			u->t->faults.totals.lost_unread += n;
		} else {
			for (uint32_t i = 0; i < n; i++)
				push_event(u, buf[i]);
		}
		for (uint32_t i = 0; i < n; i++)
			s->evtq_cons = (s->evtq_cons & SMMU_MASK(SMMUV3_OUTQ_PROD_OVFLG)) |
				       q_inc(s->evtq_cons & ~SMMU_MASK(SMMUV3_OUTQ_PROD_OVFLG), log2);
	}
	if ((rc = reg_write32(u, SMMUV3_EVENTQ_CONS, s->evtq_cons)))
		return rc;
	/* global errors: count, acknowledge (GERRORN toggles to match) */
	if ((rc = reg_read32(u, SMMUV3_GERROR, &gerror)) ||
	    (rc = reg_read32(u, SMMUV3_GERRORN, &gerrorn)))
		return rc;
	if (gerror ^ gerrorn) {
		if ((gerror ^ gerrorn) & SMMU_MASK(SMMUV3_GERROR_EVENTQ_ABT_ERR)) {
			/* QEMU 7.2 reports a full event queue here instead of
			 * setting EVENTQ_PROD.OVFLG: records were lost either way */
			u->t->faults.totals.quirks++;
			u->t->faults.totals.lost_overflow++;
		}
		u->t->faults.totals.gerrors++;
		if ((rc = reg_write32(u, SMMUV3_GERRORN, gerror)))
			return rc;
	}
	return 0;
}

static int status(struct smmu_unit *u, struct smmu_unit_status *st)
{
	struct smmuv3 *s = priv(u);
	uint32_t cr0;
	uint64_t evtq_base;
	int rc;

	if ((rc = reg_read32(u, SMMUV3_CR0, &cr0)) || (rc = reg_read64(u, SMMUV3_EVENTQ_BASE, &evtq_base)))
		return rc;
	st->translating = SMMU_GET(SMMUV3_CR0_SMMUEN, cr0);
	st->sid_bits = s->sidsize;
	st->ssid_bits = s->ssidsize;
	st->fault_slots = 1u << SMMU_GET(SMMUV3_OUTQ_BASE_LOG2SIZE, evtq_base);
	return 0;
}

/* --- the ownership journal: what save_regs() keeps, as a list ------------------------- */

#define SAVED(off, size, f) { off, size, offsetof(struct saved, f) }
static const struct { uint32_t off; unsigned size; size_t at; } saved_list[] = {
	SAVED(SMMUV3_CR0, 4, cr0), SAVED(SMMUV3_CR1, 4, cr1), SAVED(SMMUV3_CR2, 4, cr2),
	SAVED(SMMUV3_GBPA, 4, gbpa), SAVED(SMMUV3_IRQ_CTRL, 4, irq_ctrl),
	SAVED(SMMUV3_STRTAB_BASE, 8, strtab_base), SAVED(SMMUV3_STRTAB_BASE_CFG, 4, strtab_cfg),
	SAVED(SMMUV3_CMDQ_BASE, 8, cmdq_base), SAVED(SMMUV3_CMDQ_PROD, 4, cmdq_prod),
	SAVED(SMMUV3_CMDQ_CONS, 4, cmdq_cons), SAVED(SMMUV3_EVENTQ_BASE, 8, evtq_base),
	SAVED(SMMUV3_EVENTQ_PROD, 4, evtq_prod), SAVED(SMMUV3_EVENTQ_CONS, 4, evtq_cons),
	SAVED(SMMUV3_PRIQ_BASE, 8, priq_base), SAVED(SMMUV3_PRIQ_PROD, 4, priq_prod),
	SAVED(SMMUV3_PRIQ_CONS, 4, priq_cons), SAVED(SMMUV3_GERROR_IRQ_CFG0, 8, gerror_irq_cfg0),
	SAVED(SMMUV3_GERROR_IRQ_CFG1, 4, gerror_irq_cfg1), SAVED(SMMUV3_GERROR_IRQ_CFG2, 4, gerror_irq_cfg2),
	SAVED(SMMUV3_EVENTQ_IRQ_CFG0, 8, evtq_irq_cfg0), SAVED(SMMUV3_EVENTQ_IRQ_CFG1, 4, evtq_irq_cfg1),
	SAVED(SMMUV3_EVENTQ_IRQ_CFG2, 4, evtq_irq_cfg2), SAVED(SMMUV3_PRIQ_IRQ_CFG0, 8, priq_irq_cfg0),
	SAVED(SMMUV3_PRIQ_IRQ_CFG1, 4, priq_irq_cfg1), SAVED(SMMUV3_PRIQ_IRQ_CFG2, 4, priq_irq_cfg2),
};
#undef SAVED

static size_t saved_get(struct smmu_unit *u, struct smmu_saved_reg *r, size_t max)
{
	const char *v = (const char *)&priv(u)->saved;
	size_t n = 0;

	for (; n < sizeof(saved_list) / sizeof(saved_list[0]) && n < max; n++) {
		uint64_t x = 0;
		memcpy(&x, v + saved_list[n].at, saved_list[n].size);
		r[n] = (struct smmu_saved_reg){ saved_list[n].off, saved_list[n].size, x };
	}
	return n;
}

static int saved_set(struct smmu_unit *u, const struct smmu_saved_reg *r, size_t n, bool releasing)
{
	struct smmuv3 *s = priv(u);
	struct saved v;

	for (size_t i = 0; i < sizeof(saved_list) / sizeof(saved_list[0]); i++) {
		uint64_t x;
		if (smmu_saved_find(r, n, saved_list[i].off, saved_list[i].size, &x))
			return -SMMU_E_PARSE;
		memcpy((char *)&v + saved_list[i].at, &x, saved_list[i].size);
	}
	s->saved = v;
	/* release() invalidates through a queue of ours before it restores */
	if (releasing && !s->cmdq_pa) {
		s->cmdq_log2 = s->cmdqs < CMDQ_LOG2 ? s->cmdqs : CMDQ_LOG2;
		return smmu_table_zalloc(u->t, (size_t)CMD_SIZE << s->cmdq_log2,
					 (size_t)CMD_SIZE << s->cmdq_log2, &s->cmdq_pa);
	}
	return 0;
}

const struct smmu_arch_ops smmu_arch_smmuv3 = {
	.probe = probe,
	.own = own,
	.release = release,
	.attach = attach,
	.flush = flush,
	.caches_invalid = caches_invalid,
	.drain = drain,
	.status = status,
	.config = smmuv3_config,
	.destroy = destroy,
	.saved_get = saved_get,
	.saved_set = saved_set,
};

int smmu_arch_smmuv3_limits(struct smmu_unit *u, struct smmu_pgt_cfg *cfg)
{
	struct smmuv3 *s = priv(u);

	/* no IAS of its own: stage 2 input is bounded by the output size */
	return smmu_arch_lpae_limits(cfg, s->s1p && s->aa64, s->s2p && s->aa64, s->granules, s->oas, s->oas);
}

/* An event record drained by someone else (the kernel, which printed it):
 * normalized exactly as one read from the event queue. */
void smmu_arch_smmuv3_push_event(struct smmu_unit *u, const uint64_t *e)
{
	push_event(u, e);
}

/* The table format of a domain geometry on this SMMU (IDR0.S1P/S2P,
 * IDR5.GRAN*, IDR5.OAS), each request checked with the limit named. */
int smmu_arch_smmuv3_format(struct smmu_unit *u, const struct smmu_domain_geometry *g, unsigned parent_ias,
			    struct smmu_pgt_cfg *cfg, char *err, size_t n)
{
	struct smmuv3 *s = priv(u);
	bool s2 = g->stage == SMMU_STAGE_2, nested = g->stage == SMMU_STAGE_NESTED;
	unsigned gran = g->granule, max_oas = s->oas;

	memset(cfg, 0, sizeof(*cfg));
	cfg->fmt = s2 ? SMMU_PGT_LPAE_S2 : SMMU_PGT_LPAE_S1;
	if (g->levels) {
		snprintf(err, n, "levels are VT-d's: SMMUv3 tables have the levels their granule and input size need");
		return -EINVAL;
	}
	if ((s2 || nested) && !s->s2p) {
		snprintf(err, n, "%s needs stage 2, which this SMMU lacks (IDR0.S2P=0; QEMU 7.2's SMMUv3 has stage 1 only)",
			 nested ? "a nested domain" : "a stage-2 domain");
		return -EOPNOTSUPP;
	}
	if (!s2 && !s->s1p) {
		snprintf(err, n, "a stage-1 domain needs stage 1, which this SMMU lacks (IDR0.S1P=0)");
		return -EOPNOTSUPP;
	}
	if (!s->aa64) {
		snprintf(err, n, "smmush's domains use VMSAv8-64 tables, which this SMMU lacks (IDR0.TTF: VMSAv8-32 LPAE only)");
		return -EOPNOTSUPP;
	}
	if (gran && gran != 4096 && gran != 16384 && gran != 65536) {
		snprintf(err, n, "granule %u is none of 4K, 16K, 64K", gran);
		return -EINVAL;
	}
	if (gran && !(s->granules & gran)) {
		snprintf(err, n, "the SMMU has no %u KiB granule (IDR5.GRAN%uK=0)", gran / 1024, gran / 1024);
		return -EOPNOTSUPP;
	}
	if (!gran)
		gran = s->granules & (1u << 12) ? 4096 : s->granules & (1u << 14) ? 16384 : 65536;
	cfg->granule = gran;
	if (gran != 65536 && max_oas > 48)
		max_oas = 48; /* 52-bit addresses need the 64K granule (no FEAT_LPA2 here) */
	if (nested && parent_ias < max_oas)
		max_oas = parent_ias;
	if (g->oas && (g->oas < 32 || g->oas > max_oas)) {
		if (g->oas < 32)
			snprintf(err, n, "output size %u bits is below 32", g->oas);
		else if (nested && g->oas > parent_ias)
			snprintf(err, n, "output size %u bits is beyond the stage-2 domain's %u-bit IPA", g->oas, parent_ias);
		else if (g->oas > s->oas)
			snprintf(err, n, "output size %u bits is beyond the SMMU's OAS (%u bits, IDR5.OAS)", g->oas, s->oas);
		else
			snprintf(err, n, "output size %u bits needs the 64 KiB granule", g->oas);
		return -ERANGE;
	}
	cfg->oas = g->oas ? g->oas : max_oas < 48 ? max_oas : 48;
	if (s2) {
		/* stage 2 input is an IPA: up to the SMMU's IAS (= OAS for AArch64 tables) */
		unsigned max = s->oas < 48 ? s->oas : gran == 65536 ? s->oas : 48;
		if (g->ias && (g->ias < 24 || g->ias > max)) {
			snprintf(err, n, g->ias < 24 ? "stage-2 input size %u bits is below 24 (S2T0SZ at most 40)"
						     : "stage-2 input size %u bits is beyond the SMMU's IAS (%u bits)",
				 g->ias, max);
			return -ERANGE;
		}
		cfg->ias = g->ias ? g->ias : cfg->oas;
	} else {
		if (g->ias && (g->ias < 25 || g->ias > 48)) {
			snprintf(err, n, "stage-1 input size %u bits is outside 25..48 (CD.T0SZ 16..39)", g->ias);
			return -ERANGE;
		}
		cfg->ias = g->ias ? g->ias : 48;
	}
	return 0;
}
