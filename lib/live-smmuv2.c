/* SPDX-License-Identifier: MIT */
/*
 * SMMUv2 live configuration: what a StreamID gets, read from the registers
 * the way the SMMU decides it: sCR0.CLIENTPD, every valid SMRn (ID and MASK;
 * none is an unidentified stream, several a stream match conflict), the
 * matching entry's S2CRn, then the context bank it names: CBARn (type),
 * CBA2Rn, SCTLR, TCR and TTBR0 (stage 1), or the stage 2 layout of TCR.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/live.h"
#include "lib/smmuv2.h"

static const unsigned size_bits[] = { 32, 36, 40, 42, 44, 48, 48, 48 };

static unsigned granule_of(unsigned tg)
{
	return tg == SMMUV2_TG_64K ? 65536 : tg == SMMUV2_TG_16K ? 16384 : tg == SMMUV2_TG_4K ? 4096 : 0;
}

/* Record a context bank register read at its place. */
static int cb_reg(struct smmu_unit *u, struct smmu_config *cfg, const char *what, const char *kind, unsigned n,
		  uint32_t off, unsigned size, uint64_t *v)
{
	uint64_t at;
	uint32_t v32;
	int rc;

	if ((rc = smmuv2_cb(u, n, off, &at)))
		return rc;
	if (size == 8)
		rc = reg_read64(u, (uint32_t)at, v);
	else if (!(rc = reg_read32(u, (uint32_t)at, &v32)))
		*v = v32;
	if (!rc)
		cfg_reg(cfg, what, kind, (uint32_t)at, *v);
	return rc;
}

/* A TTBR's table address: the bits below the start-level table's size (64
 * bytes at least) are RES0, taken as zero. */
static uint64_t ttb_base(uint64_t addr, unsigned ias, unsigned granule, int start)
{
	unsigned g = granule == 65536 ? 16 : granule == 16384 ? 14 : 12;
	unsigned bits = ias - (g + (g - 3) * (unsigned)(3 - start)) + 3;

	return addr & ~((1ULL << (bits < 6 ? 6 : bits)) - 1);
}

static int start_of(unsigned ias, unsigned granule)
{
	unsigned g = granule == 65536 ? 16 : granule == 16384 ? 14 : 12;

	return 4 - (int)((ias - g + (g - 3) - 1) / (g - 3));
}

static int stage2(struct smmu_unit *u, struct smmu_config *cfg, unsigned n, bool nested, bool va64)
{
	uint64_t sctlr, tcr, ttbr0;
	int rc;

	if ((rc = cb_reg(u, cfg, "SMMU_CBn_SCTLR", "smmuv2.sctlr", n, SMMUV2_CB_SCTLR, 4, &sctlr)))
		return rc;
	if (!SMMU_GET(SMMUV2_CB_SCTLR_M, sctlr)) {
		cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL, "context bank %u (stage 2) is disabled (SCTLR.M=0): untranslated", n);
		return 0;
	}
	if ((rc = cb_reg(u, cfg, "SMMU_CBn_TCR", "smmuv2.tcr.s2", n, SMMUV2_CB_TCR, 4, &tcr)) ||
	    (rc = cb_reg(u, cfg, "SMMU_CBn_TTBR0", "smmuv2.ttbr0", n, SMMUV2_CB_TTBR0, 8, &ttbr0)))
		return rc;
	unsigned g = granule_of((unsigned)SMMU_GET(SMMUV2_CB_VTCR_TG0, tcr)), oas_bits;
	unsigned t0sz = (unsigned)SMMU_GET(SMMUV2_CB_VTCR_T0SZ, tcr), sl0 = (unsigned)SMMU_GET(SMMUV2_CB_VTCR_SL0, tcr);
	if (!va64) {
		/* AArch32 VTCR: a signed 4-bit T0SZ ([3:0], -8..7) below 2^32,
		 * the 4K granule, a 40-bit output */
		int t = (int)(tcr & 0xf);
		t0sz = (unsigned)(32 + (t & 8 ? t - 16 : t)); /* 64 - ias, ias = 32 - T0SZ */
		g = 4096;
		oas_bits = 40;
	} else {
		oas_bits = size_bits[SMMU_GET(SMMUV2_CB_VTCR_PASize, tcr)];
	}
	if (!g || t0sz < 16 || t0sz > 39) {
		cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u's stage 2 TCR is invalid (TG0, T0SZ=%u): every access faults",
			n, t0sz);
		return 0;
	}
	/* SL0 must agree with T0SZ: at most 16 concatenated tables at the
	 * start level, and no start level the next one down would cover */
	int start = (g == 4096 ? 2 : 3) - (int)sl0;
	unsigned gb = g == 65536 ? 16 : g == 16384 ? 14 : 12, per = gb - 3, ias = 64 - t0sz;
	unsigned covered = start < 0 ? 0 : gb + per * (unsigned)(4 - start);
	if (start < 0 || sl0 == 3 || ias > covered + 4 || ias + per <= covered) {
		cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF",
			"context bank %u's stage 2 SL0=%u does not fit T0SZ=%u: every access faults", n, sl0, t0sz);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S2, .granule = g, .ias = 64 - t0sz,
					  .oas = oas_bits,
					  .flags = SMMU_PGT_CFG_START_LEVEL | SMMU_PGT_CFG_OA48, .start_level = (g == 4096 ? 2 : 3) - (int)sl0 };
	cfg->root = ttb_base(SMMU_GET(SMMUV2_CB_TTBR_ADDR, ttbr0), cfg->pgt.ias, g, cfg->pgt.start_level);
	cfg_end(cfg, SMMU_CFG_TRANSLATE, 0, NULL,
		"context bank %u, stage 2%s, %u KiB granule, %u-bit input, TTBR0 0x%" PRIx64, n,
		nested ? " (nested: stage 1 not followed)" : "", g / 1024, cfg->pgt.ias, cfg->root);
	return 0;
}

static int stage1(struct smmu_unit *u, struct smmu_config *cfg, unsigned n, bool va64)
{
	uint64_t sctlr, tcr, tcr2 = 0, ttbr0;
	int rc;

	if ((rc = cb_reg(u, cfg, "SMMU_CBn_SCTLR", "smmuv2.sctlr", n, SMMUV2_CB_SCTLR, 4, &sctlr)))
		return rc;
	if (!SMMU_GET(SMMUV2_CB_SCTLR_M, sctlr)) {
		cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL, "context bank %u is disabled (SCTLR.M=0): stage 1 is bypassed", n);
		return 0;
	}
	if ((rc = cb_reg(u, cfg, "SMMU_CBn_TCR", "smmuv2.tcr", n, SMMUV2_CB_TCR, 4, &tcr)) ||
	    (va64 && (rc = cb_reg(u, cfg, "SMMU_CBn_TCR2", "smmuv2.tcr2", n, SMMUV2_CB_TCR2, 4, &tcr2))) ||
	    (rc = cb_reg(u, cfg, "SMMU_CBn_TTBR0", "smmuv2.ttbr0", n, SMMUV2_CB_TTBR0, 8, &ttbr0)))
		return rc;
	if (SMMU_GET(SMMUV2_CB_TCR_EPD0, tcr)) {
		cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u has TTBR0 walks disabled (TCR.EPD0=1): every address faults",
			n);
		return 0;
	}
	unsigned g, ias, oas;
	if (va64) {
		unsigned t0sz = (unsigned)SMMU_GET(SMMUV2_CB_TCR_T0SZ, tcr);
		g = granule_of((unsigned)SMMU_GET(SMMUV2_CB_TCR_TG0, tcr));
		/* T0SZ outside 16-39 acts as the nearest limit (the MMU-500's
		 * choice of the architecture's CONSTRAINED UNPREDICTABLE ones) */
		t0sz = t0sz < 16 ? 16 : t0sz > 39 ? 39 : t0sz;
		if (!g) {
			cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u's TCR.TG0 is reserved", n);
			return 0;
		}
		ias = 64 - t0sz;
		oas = size_bits[SMMU_GET(SMMUV2_CB_TCR2_PASize, tcr2)];
	} else {
		/* AArch32 LPAE (TTBCR.EAE): T0SZ is bits 2:0, 4K granule, 40-bit output */
		if (!(SMMU_GET(SMMUV2_CB_TCR_TG1, tcr) & 2)) { /* bit 31: EAE in the AArch32 layout */
			cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF",
				"context bank %u uses AArch32 short descriptors (TTBCR.EAE=0), which smmush does not walk", n);
			return 0;
		}
		g = 4096;
		ias = 32 - (unsigned)(SMMU_GET(SMMUV2_CB_TCR_T0SZ, tcr) & 7);
		oas = 40;
	}
	/* AArch32 banks: VMSAv8-32 permissions (XN for both privileges, no
	 * implicit PXN), not AArch64's */
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S1, .granule = g, .ias = ias, .oas = oas,
					  .flags = SMMU_PGT_CFG_OA48 | (va64 ? 0 : SMMU_PGT_CFG_AARCH32) };
	cfg->root = ttb_base(SMMU_GET(SMMUV2_CB_TTBR_ADDR, ttbr0), ias, g, start_of(ias, g));
	cfg_end(cfg, SMMU_CFG_TRANSLATE, 0, NULL,
		"context bank %u, stage 1%s, ASID %u, %u KiB granule, %u-bit input, TTBR0 0x%" PRIx64, n,
		va64 ? "" : " (AArch32 LPAE)", (unsigned)SMMU_GET(SMMUV2_CB_TTBR_ASID, ttbr0), g / 1024, ias, cfg->root);
	return 0;
}

int smmuv2_config(struct smmu_unit *u, const struct smmu_stream *st, struct smmu_config *cfg)
{
	uint32_t scr0, smr, s2cr, cbar, cba2r;
	unsigned nsmrg, ncb, hits = 0, hit = 0, second = 0;
	uint32_t sid = st->sid & 0x7fff;
	uint64_t at;
	int rc;

	if ((rc = reg_read32(u, SMMUV2_SCR0, &scr0)) || (rc = smmuv2_counts(u, &nsmrg, &ncb)))
		return rc;
	if (SMMU_GET(SMMUV2_SCR0_CLIENTPD, scr0)) {
		cfg_reg(cfg, "SMMU_sCR0", "smmuv2.scr0", SMMUV2_SCR0, scr0);
		cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL, "client ports are disabled (sCR0.CLIENTPD=1): all DMA bypasses the SMMU");
		return 0;
	}
	for (unsigned i = 0; i < nsmrg; i++) {
		if ((rc = reg_read32(u, SMMUV2_SMR + 4 * i, &smr)))
			return rc;
		uint32_t mask = (uint32_t)SMMU_GET(SMMUV2_SMR_MASK, smr), id = (uint32_t)SMMU_GET(SMMUV2_SMR_ID, smr);
		if (!SMMU_GET(SMMUV2_SMR_VALID, smr) || ((sid ^ id) & ~mask))
			continue;
		if (hits++ == 0) {
			hit = i;
			cfg_reg(cfg, "SMMU_SMRn", "smmuv2.smr", SMMUV2_SMR + 4 * i, smr);
		} else if (hits == 2) {
			second = i;
			cfg_reg(cfg, "SMMU_SMRn", "smmuv2.smr", SMMUV2_SMR + 4 * i, smr);
		}
	}
	if (hits == 0) {
		cfg_reg(cfg, "SMMU_sCR0", "smmuv2.scr0", SMMUV2_SCR0, scr0);
		if (SMMU_GET(SMMUV2_SCR0_USFCFG, scr0))
			cfg_end(cfg, SMMU_CFG_FAULT, SMMUV2_CODE_GLOBAL | 1, "USF",
				"StreamID 0x%x matches no stream-match entry and sCR0.USFCFG=1: an unidentified stream fault", sid);
		else
			cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL,
				"StreamID 0x%x matches no stream-match entry and sCR0.USFCFG=0: it bypasses the SMMU", sid);
		return 0;
	}
	if (hits > 1) {
		cfg_end(cfg, SMMU_CFG_FAULT, SMMUV2_CODE_GLOBAL | 2, "SMCF",
			"StreamID 0x%x matches %u stream-match entries (SMR%u and SMR%u%s): a stream match conflict fault",
			sid, hits, hit, second, hits > 2 ? ", ..." : "");
		return 0;
	}
	if ((rc = reg_read32(u, SMMUV2_S2CR + 4 * hit, &s2cr)))
		return rc;
	cfg_reg(cfg, "SMMU_S2CRn", "smmuv2.s2cr", SMMUV2_S2CR + 4 * hit, s2cr);
	switch (SMMU_GET(SMMUV2_S2CR_TYPE, s2cr)) {
	case SMMUV2_S2CR_TYPE_BYPASS:
		cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL, "StreamID 0x%x: SMR%u, S2CR%u bypasses translation (TYPE=bypass)", sid,
			hit, hit);
		return 0;
	case SMMUV2_S2CR_TYPE_TRANS:
		break;
	default:
		cfg_end(cfg, SMMU_CFG_ABORT, 0, NULL, "StreamID 0x%x: SMR%u, S2CR%u faults every transaction (TYPE=fault)", sid,
			hit, hit);
		return 0;
	}
	unsigned n = (unsigned)SMMU_GET(SMMUV2_S2CR_CBNDX, s2cr);
	if (n >= ncb) {
		cfg_end(cfg, SMMU_CFG_FAULT, SMMUV2_CODE_GLOBAL | 0, "ICF",
			"S2CR%u names context bank %u, beyond NUMCB (%u): an invalid context fault",
			hit, n, ncb);
		return 0;
	}
	if ((rc = smmuv2_gr1(u, SMMUV2_CBAR + 4 * n, &at)) || (rc = reg_read32(u, (uint32_t)at, &cbar)))
		return rc;
	cfg_reg(cfg, "SMMU_CBARn", "smmuv2.cbar", (uint32_t)at, cbar);
	if ((rc = smmuv2_gr1(u, SMMUV2_CBA2R + 4 * n, &at)) || (rc = reg_read32(u, (uint32_t)at, &cba2r)))
		return rc;
	cfg_reg(cfg, "SMMU_CBA2Rn", "smmuv2.cba2r", (uint32_t)at, cba2r);
	bool va64 = SMMU_GET(SMMUV2_CBA2R_VA64, cba2r);
	switch (SMMU_GET(SMMUV2_CBAR_TYPE, cbar)) {
	case SMMUV2_CBAR_TYPE_S2:
		return stage2(u, cfg, n, false, va64);
	case SMMUV2_CBAR_TYPE_NESTED: {
		unsigned s2n = (unsigned)SMMU_GET(SMMUV2_CBAR_N_CBNDX, cbar);
		uint32_t s2cbar = 0;
		if (s2n < ncb && ((rc = smmuv2_gr1(u, SMMUV2_CBAR + 4 * s2n, &at)) || (rc = reg_read32(u, (uint32_t)at, &s2cbar))))
			return rc;
		if (s2n >= ncb || SMMU_GET(SMMUV2_CBAR_TYPE, s2cbar) != SMMUV2_CBAR_TYPE_S2) {
			cfg_end(cfg, SMMU_CFG_FAULT, SMMUV2_CODE_GLOBAL | 0, "ICF",
				"nested bank %u names bank %u, %s: an invalid context fault", n, s2n,
				s2n >= ncb ? "beyond NUMCB" : "not a stage 2 bank");
			return 0;
		}
		/* stage 1 table addresses are IPAs there: report the stage 2 bank,
		 * whose tables the engine walks with physical addresses */
		uint32_t s2a2r;
		if ((rc = smmuv2_gr1(u, SMMUV2_CBA2R + 4 * s2n, &at)) || (rc = reg_read32(u, (uint32_t)at, &s2a2r)))
			return rc;
		return stage2(u, cfg, s2n, true, SMMU_GET(SMMUV2_CBA2R_VA64, s2a2r));
	}
	default: /* stage 1, stage 2 bypass or fault */
		return stage1(u, cfg, n, va64);
	}
}

/* --- one access, predicted ------------------------------------------------------ */

/* The fault an engine stop is, in FSR bits. */
static unsigned fsr_bit(int fault)
{
	switch (fault) {
	case SMMU_PGT_F_ACCESS: return 2;     /* AFF */
	case SMMU_PGT_F_PERM: return 3;       /* PF */
	case SMMU_PGT_F_TABLE_READ: return 4; /* EF: the walk's fetch was aborted */
	case SMMU_PGT_F_ADDR_SIZE: return 7;  /* ASF */
	default: return 1;                    /* TF */
	}
}

static void context_fault(struct smmu_translation *out, unsigned bit)
{
	out->ok = false;
	out->code = bit;
	out->code_name = smmuv2_fsr_name(bit);
	out->quiet = false;
}

/* Stage 1 permissions of the leaf: AP after APTable, UXN (VMSAv8-32: XN)
 * with UXNTable and PXN with PXNTable, SCTLR.WXN and UWXN, and in VMSAv8-64
 * the implicit privileged execute-never of EL0-writable pages. */
static bool s1_denied(const struct smmu_pgt_xlate *x, uint32_t sctlr, unsigned access, bool aarch32)
{
	struct lpae_s1_rights r;
	bool priv = access & SMMU_PROT_PRIV;

	lpae_s1_rights(x, &r);
	bool ro = r.ro, el0 = r.el0, uxn = r.uxn, pxn = r.pxn, priv_w = !ro, user_w = el0 && !ro;
	bool wxn = SMMU_GET(SMMUV2_CB_SCTLR_WXN, sctlr), uwxn = SMMU_GET(SMMUV2_CB_SCTLR_UWXN, sctlr);
	if ((access & SMMU_PROT_X) && aarch32) /* VMSAv8-32: XN for both, PL0 executes what it reads, no implicit PXN */
		return priv ? uxn || pxn || (wxn && priv_w) || (uwxn && user_w) : uxn || !el0 || (wxn && user_w);
	if (access & SMMU_PROT_X)
		return priv ? pxn || (wxn && priv_w) || user_w || (uwxn && user_w) : uxn || (wxn && user_w);
	if (!priv)
		return (access & SMMU_PROT_W) ? !user_w : !el0;
	return (access & SMMU_PROT_W) && !priv_w;
}

/* Stage 2: S2AP and XN (no privilege distinction). */
static bool s2_denied(const struct smmu_pgt_xlate *x, unsigned access)
{
	const uint64_t leaf = x->step[x->nsteps - 1].pte;

	if (access & SMMU_PROT_X)
		return leaf >> 54 & 1;
	return (access & SMMU_PROT_W) ? !(leaf >> 7 & 1) : !(leaf >> 6 & 1);
}

/* The bank's register by its place. */
static int cb_read(struct smmu_unit *u, unsigned n, uint32_t off, unsigned size, uint64_t *v)
{
	uint64_t at;
	uint32_t v32;
	int rc;

	if ((rc = smmuv2_cb(u, n, off, &at)))
		return rc;
	if (size == 8)
		return reg_read64(u, (uint32_t)at, v);
	if (!(rc = reg_read32(u, (uint32_t)at, &v32)))
		*v = v32;
	return rc;
}

/* A stage 1 AArch64 input in TTBR1's region (the top T1SZ bits all ones):
 * the configuration names TTBR0 only, so the walk is set up here. */
static int ttbr1_region(struct smmu_unit *u, unsigned n, uint64_t iova, struct smmu_config *cfg, bool *upper)
{
	uint64_t tcr, tcr2, ttbr1;
	int rc;

	*upper = false;
	if ((rc = cb_read(u, n, SMMUV2_CB_TCR, 4, &tcr)) || (rc = cb_read(u, n, SMMUV2_CB_TCR2, 4, &tcr2)) ||
	    (rc = cb_read(u, n, SMMUV2_CB_TTBR1, 8, &ttbr1)))
		return rc;
	unsigned t0sz = (unsigned)SMMU_GET(SMMUV2_CB_TCR_T0SZ, tcr), t1sz = (unsigned)SMMU_GET(SMMUV2_CB_TCR_T1SZ, tcr);
	t0sz = t0sz < 16 ? 16 : t0sz > 39 ? 39 : t0sz;
	t1sz = t1sz < 16 ? 16 : t1sz > 39 ? 39 : t1sz;
	if (!(iova >> (64 - t0sz)) || (~iova >> (64 - t1sz)))
		return 0; /* TTBR0's region, or neither */
	*upper = true;
	unsigned tg1 = (unsigned)SMMU_GET(SMMUV2_CB_TCR_TG1, tcr);
	unsigned g = tg1 == 1 ? 16384 : tg1 == 2 ? 4096 : tg1 == 3 ? 65536 : 0;
	if (SMMU_GET(SMMUV2_CB_TCR_EPD1, tcr) || !g) {
		cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u: TTBR1 walks are disabled (EPD1) or TG1 is reserved",
			n);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S1, .granule = g, .ias = 64 - t1sz,
					  .oas = size_bits[SMMU_GET(SMMUV2_CB_TCR2_PASize, tcr2)], .flags = SMMU_PGT_CFG_OA48 };
	cfg->root = ttb_base(SMMU_GET(SMMUV2_CB_TTBR_ADDR, ttbr1), cfg->pgt.ias, g, start_of(cfg->pgt.ias, g));
	cfg_end(cfg, SMMU_CFG_TRANSLATE, 0, NULL, "context bank %u, stage 1, TTBR1 region, %u KiB granule, %u-bit input, TTBR1 0x%" PRIx64,
		n, g / 1024, cfg->pgt.ias, cfg->root);
	return 0;
}

/* One stage's walk for lin (in range of out->cfg's tables or not) and its
 * fault: TF beyond the region, ASF for a table base beyond the output size,
 * the walk's fault (AFFD honoured), then the permissions. */
static int one_stage(struct smmu_unit *u, struct smmu_translation *out, uint64_t lin, uint32_t sctlr,
		     unsigned access)
{
	bool s1 = out->cfg.pgt.fmt == SMMU_PGT_LPAE_S1;
	unsigned ias = out->cfg.pgt.ias, oas = out->cfg.pgt.oas;
	int rc;

	if (ias < 64 && lin >> ias) {
		context_fault(out, 1); /* beyond the region: TF */
		return 0;
	}
	if (oas < 64 && out->cfg.root >> oas) {
		context_fault(out, 7); /* the table base beyond the output size: ASF */
		return 0;
	}
	if ((rc = live_walk(u, &out->cfg.pgt, out->cfg.root, lin, 0, out)))
		return rc;
	if (!out->walked) {
		context_fault(out, 1); /* a geometry the engine refuses: TF */
		return 0;
	}
	if (out->x.fault == SMMU_PGT_F_ACCESS && SMMU_GET(SMMUV2_CB_SCTLR_AFFD, sctlr)) {
		out->x.fault = SMMU_PGT_OK; /* AFFD: an Access flag of 0 does not fault */
		out->ok = true;
		out->pa = out->x.oa;
	}
	if (!out->ok) {
		context_fault(out, fsr_bit(out->x.fault));
		if (out->x.fault == SMMU_PGT_F_TABLE_READ && out->x.nsteps)
			out->fetch_addr = out->x.step[out->x.nsteps - 1].entry_pa;
		return 0;
	}
	if (s1 ? s1_denied(&out->x, sctlr, access, out->cfg.pgt.flags & SMMU_PGT_CFG_AARCH32)
	       : s2_denied(&out->x, access)) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->x.perm_missing = access & SMMU_PROT_X ? SMMU_PROT_X : access & SMMU_PROT_W ? SMMU_PROT_W : SMMU_PROT_R;
		context_fault(out, 3);
	}
	return 0;
}

/* A nested bank n over stage 2 bank s2n: stage 1 walked at IPAs, each table
 * read through stage 2 (which must allow reads), stage 1's permissions, then
 * the IPA through stage 2 and its permissions.  Either stage off: the other
 * alone; both off: untranslated. */
static int nested(struct smmu_unit *u, struct smmu_translation *out, unsigned n, unsigned s2n, uint64_t iova,
		  unsigned access)
{
	struct smmu_config c1, c2;
	uint64_t sctlr1, sctlr2, at;
	uint32_t a2r1, a2r2;
	bool upper = false;
	int rc;

	if ((rc = cb_read(u, n, SMMUV2_CB_SCTLR, 4, &sctlr1)) || (rc = cb_read(u, s2n, SMMUV2_CB_SCTLR, 4, &sctlr2)) ||
	    (rc = smmuv2_gr1(u, SMMUV2_CBA2R + 4 * n, &at)) || (rc = reg_read32(u, (uint32_t)at, &a2r1)) ||
	    (rc = smmuv2_gr1(u, SMMUV2_CBA2R + 4 * s2n, &at)) || (rc = reg_read32(u, (uint32_t)at, &a2r2)))
		return rc;
	bool s1on = SMMU_GET(SMMUV2_CB_SCTLR_M, sctlr1), s2on = SMMU_GET(SMMUV2_CB_SCTLR_M, sctlr2);
	memset(&c2, 0, sizeof(c2));
	if ((rc = stage2(u, &c2, s2n, true, SMMU_GET(SMMUV2_CBA2R_VA64, a2r2))))
		return rc;
	if (!s1on && !s2on) {
		out->ok = true;
		out->pa = iova;
		return 0;
	}
	if (!s1on) {
		out->cfg.pgt = c2.pgt;
		out->cfg.root = c2.root;
		if (c2.verdict != SMMU_CFG_TRANSLATE) {
			context_fault(out, 1);
			return 0;
		}
		return one_stage(u, out, iova, (uint32_t)sctlr2, access);
	}
	memset(&c1, 0, sizeof(c1));
	bool va64 = SMMU_GET(SMMUV2_CBA2R_VA64, a2r1);
	if ((rc = stage1(u, &c1, n, va64)) || (va64 && (rc = ttbr1_region(u, n, iova, &c1, &upper))))
		return rc;
	snprintf(out->cfg.reason, sizeof(out->cfg.reason), "nested: bank %u (stage 1) over bank %u (stage 2): %.120s", n,
		 s2n, c1.reason);
	if (c1.verdict != SMMU_CFG_TRANSLATE) {
		context_fault(out, c1.code ? c1.code : 1);
		return 0;
	}
	out->cfg.pgt = c1.pgt;
	out->cfg.root = c1.root;
	uint64_t lin = upper ? iova & ((1ULL << c1.pgt.ias) - 1) : iova;
	if (!s2on)
		return one_stage(u, out, lin, (uint32_t)sctlr1, access);
	if (c1.pgt.ias < 64 && lin >> c1.pgt.ias) {
		context_fault(out, 1);
		return 0;
	}
	if (c1.root >> c1.pgt.oas) {
		context_fault(out, 7);
		return 0;
	}
	if (c2.verdict != SMMU_CFG_TRANSLATE) {
		context_fault(out, 1); /* stage 2 faults the first table read */
		return 0;
	}
	if (c2.root >> c2.pgt.oas) {
		/* every stage 2 walk stops at its base: the first, for stage 1's
		 * first table read, at its input range or there */
		context_fault(out, c2.pgt.ias < 64 && c1.root >> c2.pgt.ias ? 1 : 7);
		return 0;
	}
	struct live_nest nest = { .u = u, .cfg = c2.pgt, .root = c2.root, .affd = SMMU_GET(SMMUV2_CB_SCTLR_AFFD, sctlr2) };
	out->cfg.nested = true;
	out->cfg.s2pgt = c2.pgt;
	out->cfg.s2root = c2.root;
	if ((rc = live_nest_open(&nest))) {
		context_fault(out, 1);
		return 0;
	}
	rc = live_walk_nested(&nest, &c1.pgt, c1.root, lin, out);
	if (rc || !out->walked) {
		live_nest_close(&nest);
		if (!rc)
			context_fault(out, 1);
		return rc;
	}
	if (out->stop == SMMU_STOP_FETCH) {
		const struct smmu_pgt_xlate *f = &out->s2_fetch[out->nfetch - 1];
		context_fault(out, fsr_bit(f->fault));
	} else if (out->stop == SMMU_STOP_FETCH_READ) {
		context_fault(out, 4); /* EF */
	} else {
		if (out->x.fault == SMMU_PGT_F_ACCESS && SMMU_GET(SMMUV2_CB_SCTLR_AFFD, sctlr1)) {
			out->x.fault = SMMU_PGT_OK;
			out->ok = true;
			out->pa = out->ipa = out->x.oa;
		}
		if (!out->ok) {
			context_fault(out, fsr_bit(out->x.fault));
		} else if (s1_denied(&out->x, (uint32_t)sctlr1, access, out->cfg.pgt.flags & SMMU_PGT_CFG_AARCH32)) {
			out->x.fault = SMMU_PGT_F_PERM;
			context_fault(out, 3);
		} else {
			/* the output, an IPA, through stage 2 */
			out->s2_walked = true;
			rc = live_nest_s2(&nest, out->ipa, 0, &out->s2);
			if (rc && rc != -EFAULT) {
				live_nest_close(&nest);
				return rc;
			}
			if (!rc && s2_denied(&out->s2, access)) {
				out->s2.fault = SMMU_PGT_F_PERM;
				rc = -EFAULT;
			}
			if (rc) {
				out->stop = SMMU_STOP_OUTPUT;
				context_fault(out, fsr_bit(out->s2.fault));
			} else {
				out->pa = out->s2.oa;
			}
		}
	}
	live_nest_close(&nest);
	return 0;
}

int smmuv2_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out)
{
	const struct smmu_cfg_step *cbar = NULL, *sctlr_step = NULL;
	int rc;

	if ((rc = smmuv2_config(u, s, &out->cfg)))
		return rc;
	live_from_cfg(out);
	for (unsigned i = 0; i < out->cfg.nsteps; i++) {
		if (!strcmp(out->cfg.step[i].kind, "smmuv2.cbar"))
			cbar = &out->cfg.step[i];
		if (!strcmp(out->cfg.step[i].kind, "smmuv2.sctlr"))
			sctlr_step = &out->cfg.step[i];
	}
	unsigned type = cbar ? (unsigned)SMMU_GET(SMMUV2_CBAR_TYPE, cbar->words[0]) : 0;
	if (type == SMMUV2_CBAR_TYPE_NESTED && out->cfg.verdict != SMMU_CFG_FAULT) {
		/* the configuration reads the stage 2 bank only: both, here */
		const struct smmu_cfg_step *s2cr = NULL;
		for (unsigned i = 0; i < out->cfg.nsteps; i++)
			if (!strcmp(out->cfg.step[i].kind, "smmuv2.s2cr"))
				s2cr = &out->cfg.step[i];
		out->code = 0;
		out->code_name = NULL;
		return nested(u, out, (unsigned)SMMU_GET(SMMUV2_S2CR_CBNDX, s2cr->words[0]),
			      (unsigned)SMMU_GET(SMMUV2_CBAR_N_CBNDX, cbar->words[0]), iova, access);
	}
	if (out->cfg.verdict == SMMU_CFG_BYPASS) {
		if (cbar && type == SMMUV2_CBAR_TYPE_S1_FAULT) {
			/* stage 1 off, and stage 2 faults every access */
			context_fault(out, 1);
			return 0;
		}
		out->ok = true;
		out->pa = iova;
		return 0;
	}
	/* an AArch64 stage 1 bank: an input in TTBR1's region walks TTBR1
	 * (whatever TTBR0's configuration says: EPD0, its tables) */
	const struct smmu_cfg_step *cba2r = NULL, *s2cr = NULL;
	for (unsigned i = 0; i < out->cfg.nsteps; i++) {
		if (!strcmp(out->cfg.step[i].kind, "smmuv2.cba2r"))
			cba2r = &out->cfg.step[i];
		if (!strcmp(out->cfg.step[i].kind, "smmuv2.s2cr"))
			s2cr = &out->cfg.step[i];
	}
	bool upper = false;
	if (cbar && s2cr && cba2r && sctlr_step && (type == SMMUV2_CBAR_TYPE_S1_BYPASS || type == SMMUV2_CBAR_TYPE_S1_FAULT) &&
	    SMMU_GET(SMMUV2_CBA2R_VA64, cba2r->words[0]) && SMMU_GET(SMMUV2_CB_SCTLR_M, sctlr_step->words[0])) {
		unsigned n = (unsigned)SMMU_GET(SMMUV2_S2CR_CBNDX, s2cr->words[0]);
		if ((rc = ttbr1_region(u, n, iova, &out->cfg, &upper)))
			return rc;
		live_from_cfg(out);
	}
	if (out->cfg.verdict != SMMU_CFG_TRANSLATE)
		return 0;
	return one_stage(u, out, upper ? iova & ((1ULL << out->cfg.pgt.ias) - 1) : iova,
			 sctlr_step ? (uint32_t)sctlr_step->words[0] : 0, access);
}
