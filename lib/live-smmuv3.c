/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 live configuration: SMMU_CR0/GBPA, the stream table (linear or
 * 2-level), the STE, then the CD (linear or 2-level CD tables) for stage 1,
 * or the STE's stage-2 fields.  Each structure is checked the way the SMMU
 * checks it, and a stop names the event the SMMU would record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/live.h"
#include "lib/smmuv3.h"

/* The event's name, from the decoders' event variants. */
static const char *event_name(unsigned id)
{
	const struct smmu_desc *d;
	uint64_t w[4] = { id };
	bool known;

	if (smmu_decoder_find("smmuv3.event", &d, NULL))
		return NULL;
	d = smmu_desc_resolve(d, w, &known);
	return known ? d->name : NULL;
}

#define STOP(cfg, v, id, ...) cfg_end(cfg, v, id, id ? event_name(id) : NULL, __VA_ARGS__)

static const unsigned pa_bits[] = { 32, 36, 40, 42, 44, 48, 52, 56 };

static unsigned granule_of(unsigned tg)
{
	return tg == SMMUV3_TG_64K ? 65536 : tg == SMMUV3_TG_16K ? 16384 : tg == SMMUV3_TG_4K ? 4096 : 0;
}

/* Stage 1: the CD for this substream, and its TTB0 tables. */
static int stage1(struct smmu_unit *u, const uint64_t *ste, bool ssv, uint32_t ssid,
		  struct smmu_config *cfg)
{
	unsigned fmt = SMMU_GETW(SMMUV3_STE_S1Fmt, ste);
	unsigned cdmax = SMMU_GETW(SMMUV3_STE_S1CDMax, ste);
	uint64_t ptr = SMMU_ADDRW(SMMUV3_STE_S1ContextPtr, ste), cd_pa;
	const uint64_t *cd, *l1;
	int rc;

	if (!ssv && cdmax) {
		unsigned dss = SMMU_GETW(SMMUV3_STE_S1DSS, ste);
		if (dss == 0) {
			STOP(cfg, SMMU_CFG_ABORT, SMMUV3_EVT_C_BAD_SUBSTREAMID,
			     "the STE has substreams (S1CDMax=%u) and S1DSS=terminate: requests without a SubstreamID abort",
			     cdmax);
			return 0;
		}
		if (dss == 1) {
			STOP(cfg, SMMU_CFG_BYPASS, 0, "S1DSS=bypass: requests without a SubstreamID skip stage 1");
			return 0;
		}
		ssid = 0; /* S1DSS=substream0 */
	}
	if (ssv && ssid >> cdmax) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_SUBSTREAMID, "SubstreamID 0x%x is beyond S1CDMax (%u bits)", ssid, cdmax);
		return 0;
	}
	if (!cdmax || fmt == 0) {
		cd_pa = ptr + (uint64_t)ssid * 64;
	} else {
		unsigned split = fmt == 1 ? 6 : 10; /* 4 KiB or 64 KiB leaf CD tables */
		if ((rc = cfg_read(u, cfg, "L1 CD descriptor", "smmuv3.l1cd", ptr + (ssid >> split) * 8, 1, &l1)))
			return rc;
		if (!SMMU_GETW(SMMUV3_L1CD_V, l1)) {
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_CD, "the level-1 CD descriptor for SubstreamID 0x%x is not valid (V=0)",
			     ssid);
			return 0;
		}
		cd_pa = SMMU_ADDRW(SMMUV3_L1CD_L2Ptr, l1) + (uint64_t)(ssid & ((1u << split) - 1)) * 64;
	}
	if ((rc = cfg_read(u, cfg, "CD", "smmuv3.cd", cd_pa, 8, &cd)))
		return rc;
	if (!SMMU_GETW(SMMUV3_CD_V, cd)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_CD, "the CD at 0x%" PRIx64 " is not valid (V=0)", cd_pa);
		return 0;
	}
	if (!SMMU_GETW(SMMUV3_CD_AA64, cd)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_CD, "the CD selects AArch32 tables (AA64=0), which smmush does not walk");
		return 0;
	}
	unsigned t0sz = SMMU_GETW(SMMUV3_CD_T0SZ, cd), tg = SMMU_GETW(SMMUV3_CD_TG0, cd);
	if (SMMU_GETW(SMMUV3_CD_EPD0, cd)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_F_TRANSLATION, "TTB0 walks are disabled in the CD (EPD0=1): every address faults");
		return 0;
	}
	if (!granule_of(tg) || t0sz < 12 || t0sz > 48) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_CD, "the CD has an invalid TG0 (%u) or T0SZ (%u)", tg, t0sz);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S1, .granule = granule_of(tg),
					  .ias = 64 - t0sz,
					  .oas = pa_bits[SMMU_GETW(SMMUV3_CD_IPS, cd)] };
	cfg->root = SMMU_ADDRW(SMMUV3_CD_TTB0, cd);
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "stage 1, ASID %u, %u KiB granule, %u-bit input, TTB0 0x%" PRIx64,
	     (unsigned)SMMU_GETW(SMMUV3_CD_ASID, cd), cfg->pgt.granule / 1024, cfg->pgt.ias, cfg->root);
	return 0;
}

static int stage2(const uint64_t *ste, struct smmu_config *cfg)
{
	unsigned tg = SMMU_GETW(SMMUV3_STE_S2TG, ste), t0sz = SMMU_GETW(SMMUV3_STE_S2T0SZ, ste);
	unsigned sl0 = SMMU_GETW(SMMUV3_STE_S2SL0, ste), g = granule_of(tg);
	unsigned aa64 = SMMU_GETW(SMMUV3_STE_S2AA64, ste);

	if (!g || !aa64 || t0sz < 12 || t0sz > 48) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STE,
		     "the STE's stage-2 fields are invalid (S2TG=%u, S2T0SZ=%u, S2AA64=%u)", tg, t0sz, aa64);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S2, .granule = g, .ias = 64 - t0sz,
					  .oas = pa_bits[SMMU_GETW(SMMUV3_STE_S2PS, ste)],
					  .flags = SMMU_PGT_CFG_START_LEVEL,
					  /* SL0 counts down from level 2 (4K) or 3 (16K, 64K) */
					  .start_level = (g == 4096 ? 2 : 3) - (int)sl0 };
	cfg->root = SMMU_ADDRW(SMMUV3_STE_S2TTB, ste);
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "stage 2, VMID %u, %u KiB granule, %u-bit input, S2TTB 0x%" PRIx64,
	     (unsigned)SMMU_GETW(SMMUV3_STE_S2VMID, ste), g / 1024, cfg->pgt.ias, cfg->root);
	return 0;
}

int smmuv3_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	uint32_t sid = s->sid;
	uint32_t cr0, gbpa, scfg;
	uint64_t base, ste_pa;
	const uint64_t *ste, *l1;
	int rc;

	if ((rc = reg_read32(u, SMMUV3_CR0, &cr0)))
		return rc;
	if (!SMMU_GET(SMMUV3_CR0_SMMUEN, cr0)) {
		if ((rc = reg_read32(u, SMMUV3_GBPA, &gbpa)))
			return rc;
		cfg_reg(cfg, "SMMU_GBPA", "smmuv3.gbpa", SMMUV3_GBPA, gbpa);
		if (SMMU_GET(SMMUV3_GBPA_ABORT, gbpa))
			STOP(cfg, SMMU_CFG_ABORT, 0, "the SMMU is disabled (SMMUEN=0) and GBPA.ABORT is set: all DMA aborts");
		else
			STOP(cfg, SMMU_CFG_BYPASS, 0, "the SMMU is disabled (SMMUEN=0): DMA bypasses translation (GBPA)");
		return 0;
	}
	if ((rc = reg_read64(u, SMMUV3_STRTAB_BASE, &base)) ||
	    (rc = reg_read32(u, SMMUV3_STRTAB_BASE_CFG, &scfg)))
		return rc;
	cfg_reg(cfg, "SMMU_STRTAB_BASE", "smmuv3.strtab_base", SMMUV3_STRTAB_BASE, base);
	cfg_reg(cfg, "SMMU_STRTAB_BASE_CFG", "smmuv3.strtab_base_cfg", SMMUV3_STRTAB_BASE_CFG, scfg);
	base &= SMMU_MASK(SMMUV3_STRTAB_BASE_ADDR);
	unsigned log2size = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_LOG2SIZE, scfg);
	if (log2size < 32 && sid >> log2size) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STREAMID, "StreamID 0x%x is beyond the stream table (LOG2SIZE=%u)", sid,
		     log2size);
		return 0;
	}
	if (SMMU_GET(SMMUV3_STRTAB_BASE_CFG_FMT, scfg) == SMMUV3_STRTAB_FMT_2LVL) {
		unsigned split = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_SPLIT, scfg);
		if (split != 6 && split != 8 && split != 10)
			split = 8; /* reserved SPLIT values behave as one of these; Linux uses 8 */
		if ((rc = cfg_read(u, cfg, "L1 stream table descriptor", "smmuv3.l1std",
				   base + (uint64_t)(sid >> split) * 8, 1, &l1)))
			return rc;
		unsigned span = SMMU_GETW(SMMUV3_L1STD_Span, l1);
		if (!span || span > split + 1 || (sid & ((1u << split) - 1)) >> (span - 1)) {
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STREAMID,
			     "no level-2 stream table covers StreamID 0x%x (L1 descriptor Span=%u)", sid, span);
			return 0;
		}
		ste_pa = SMMU_ADDRW(SMMUV3_L1STD_L2Ptr, l1) + (uint64_t)(sid & ((1u << split) - 1)) * 64;
	} else {
		ste_pa = base + (uint64_t)sid * 64;
	}
	if ((rc = cfg_read(u, cfg, "STE", "smmuv3.ste", ste_pa, 8, &ste)))
		return rc;
	if (!SMMU_GETW(SMMUV3_STE_V, ste)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STE, "the STE for StreamID 0x%x at 0x%" PRIx64 " is not valid (V=0)", sid,
		     ste_pa);
		return 0;
	}
	switch (SMMU_GETW(SMMUV3_STE_Config, ste)) {
	case SMMUV3_STE_CFG_ABORT:
		STOP(cfg, SMMU_CFG_ABORT, 0, "the STE for StreamID 0x%x aborts every transaction (Config=abort)", sid);
		return 0;
	case SMMUV3_STE_CFG_BYPASS:
		STOP(cfg, SMMU_CFG_BYPASS, 0, "the STE for StreamID 0x%x bypasses translation (Config=bypass)", sid);
		return 0;
	case SMMUV3_STE_CFG_S1:
		return stage1(u, ste, s->ssv, s->ssid, cfg);
	case SMMUV3_STE_CFG_S2:
		return stage2(ste, cfg);
	case SMMUV3_STE_CFG_NESTED:
		/* Stage-1 table addresses are IPAs there: report stage 2, whose
		 * tables the engine can walk with physical addresses. */
		rc = stage2(ste, cfg);
		if (!rc && cfg->verdict == SMMU_CFG_TRANSLATE)
			snprintf(cfg->reason + strlen(cfg->reason), sizeof(cfg->reason) - strlen(cfg->reason),
				 " (nested: stage 1 not followed)");
		return rc;
	default:
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STE, "the STE has a reserved Config value (%u)",
		     (unsigned)SMMU_GETW(SMMUV3_STE_Config, ste));
		return 0;
	}
}
