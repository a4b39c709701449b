/* SPDX-License-Identifier: MIT */
/*
 * SMMUv2 live configuration: what a StreamID gets, read from the registers
 * the way the SMMU decides it: sCR0.CLIENTPD, every valid SMRn (ID and MASK;
 * none is an unidentified stream, several a stream match conflict), the
 * matching entry's S2CRn, then the context bank it names: CBARn (type),
 * CBA2Rn, SCTLR, TCR and TTBR0 (stage 1), or the stage 2 layout of TCR.
 */
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

static int stage2(struct smmu_unit *u, struct smmu_config *cfg, unsigned n, bool nested)
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
	unsigned g = granule_of((unsigned)SMMU_GET(SMMUV2_CB_VTCR_TG0, tcr));
	unsigned t0sz = (unsigned)SMMU_GET(SMMUV2_CB_VTCR_T0SZ, tcr), sl0 = (unsigned)SMMU_GET(SMMUV2_CB_VTCR_SL0, tcr);
	if (!g || t0sz < 16 || t0sz > 39) {
		cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u's stage 2 TCR is invalid (TG0, T0SZ=%u): every access faults",
			n, t0sz);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S2, .granule = g, .ias = 64 - t0sz,
					  .oas = size_bits[SMMU_GET(SMMUV2_CB_VTCR_PASize, tcr)],
					  .flags = SMMU_PGT_CFG_START_LEVEL, .start_level = (g == 4096 ? 2 : 3) - (int)sl0 };
	cfg->root = SMMU_GET(SMMUV2_CB_TTBR_ADDR, ttbr0) & ~(uint64_t)0xfff;
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
		if (!g || t0sz < 16 || t0sz > 39) {
			cfg_end(cfg, SMMU_CFG_FAULT, 1, "TF", "context bank %u's TCR is invalid (TG0, T0SZ=%u)", n, t0sz);
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
					  .flags = va64 ? 0 : SMMU_PGT_CFG_AARCH32 };
	cfg->root = SMMU_GET(SMMUV2_CB_TTBR_ADDR, ttbr0) & ~(uint64_t)0xfff;
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
			cfg_end(cfg, SMMU_CFG_FAULT, 1, "USF",
				"StreamID 0x%x matches no stream-match entry and sCR0.USFCFG=1: an unidentified stream fault", sid);
		else
			cfg_end(cfg, SMMU_CFG_BYPASS, 0, NULL,
				"StreamID 0x%x matches no stream-match entry and sCR0.USFCFG=0: it bypasses the SMMU", sid);
		return 0;
	}
	if (hits > 1) {
		cfg_end(cfg, SMMU_CFG_FAULT, 2, "SMCF",
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
		cfg_end(cfg, SMMU_CFG_FAULT, 0, "ICF", "S2CR%u names context bank %u, beyond NUMCB (%u): an invalid context fault",
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
		return stage2(u, cfg, n, false);
	case SMMUV2_CBAR_TYPE_NESTED: {
		unsigned s2n = (unsigned)SMMU_GET(SMMUV2_CBAR_N_CBNDX, cbar);
		if (s2n >= ncb) {
			cfg_end(cfg, SMMU_CFG_FAULT, 0, "ICF", "nested bank %u names stage 2 bank %u, beyond NUMCB", n, s2n);
			return 0;
		}
		/* stage 1 table addresses are IPAs there: report the stage 2 bank,
		 * whose tables the engine walks with physical addresses */
		return stage2(u, cfg, s2n, true);
	}
	default: /* stage 1, stage 2 bypass or fault */
		return stage1(u, cfg, n, va64);
	}
}
