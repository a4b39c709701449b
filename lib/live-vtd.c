/* SPDX-License-Identifier: MIT */
/*
 * VT-d live configuration: GSTS and RTADDR, then legacy root -> context
 * entries, or scalable-mode root -> context -> PASID directory -> PASID
 * entry.  A stop names the fault reason the hardware would record.
 */
#include <inttypes.h>
#include <stdio.h>

#include "decoders/decode.h"
#include "lib/live.h"
#include "lib/vtd.h"

#define STOP(cfg, v, fr, ...) cfg_end(cfg, v, fr, fr ? vtd_fault_reason_name(fr) : NULL, __VA_ARGS__)

/* Second-level tables: AW 1, 2, 3 = 3, 4, 5 levels. */
static int second_level(struct smmu_config *cfg, unsigned aw, uint64_t root, unsigned mgaw,
			const char *what)
{
	static const unsigned widths[] = { 30, 39, 48, 57 };

	if (aw < 1 || aw > 3) {
		STOP(cfg, SMMU_CFG_FAULT, 0x3, "the %s has an unsupported address width (AW=%u)", what, aw);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_VTD_SL, .granule = 4096, .ias = widths[aw],
					  .oas = mgaw, .flags = SMMU_PGT_CFG_2M | SMMU_PGT_CFG_1G };
	cfg->root = root;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "second level, %u levels (%u-bit), tables at 0x%" PRIx64, aw + 2,
	     widths[aw], root);
	return 0;
}

static int legacy(struct smmu_unit *u, uint64_t rta, uint32_t sid, bool ssv, unsigned mgaw,
		  struct smmu_config *cfg)
{
	const uint64_t *root, *ctx;
	unsigned bus = sid >> 8, devfn = sid & 0xff;
	int rc;

	/* checked before the root entry is read, as the hardware does */
	if (ssv) {
		STOP(cfg, SMMU_CFG_FAULT, 0x31, "the unit is in legacy mode (RTADDR.TTM=legacy): requests with a PASID fault");
		return 0;
	}

	if ((rc = cfg_read(u, cfg, "root entry", "vtd.root", rta + bus * 16, 2, &root)))
		return rc;
	if (!SMMU_GETW(VTD_ROOT_P, root)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x1, "the root entry for bus %02x is not present", bus);
		return 0;
	}
	uint64_t ctp = SMMU_ADDRW(VTD_ROOT_CTP, root);
	if ((rc = cfg_read(u, cfg, "context entry", "vtd.ctx", ctp + devfn * 16, 2, &ctx)))
		return rc;
	if (!SMMU_GETW(VTD_CTX_P, ctx)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x2, "the context entry for %02x:%02x.%x is not present: DMA is blocked",
		     bus, devfn >> 3, devfn & 7);
		return 0;
	}
	switch (SMMU_GETW(VTD_CTX_TT, ctx)) {
	case VTD_CTX_TT_PASSTHROUGH:
		STOP(cfg, SMMU_CFG_BYPASS, 0, "the context entry passes DMA through untranslated (TT=2)");
		return 0;
	case VTD_CTX_TT_RESERVED:
		STOP(cfg, SMMU_CFG_FAULT, 0x3, "the context entry has a reserved translation type (TT=3)");
		return 0;
	}
	return second_level(cfg, SMMU_GETW(VTD_CTX_AW, ctx), SMMU_ADDRW(VTD_CTX_SLPTPTR, ctx), mgaw,
			    "context entry");
}

static int scalable(struct smmu_unit *u, uint64_t rta, uint32_t sid, bool ssv, uint32_t pasid,
		    unsigned mgaw, struct smmu_config *cfg)
{
	const uint64_t *root, *ctx, *dir, *pe;
	unsigned bus = sid >> 8, devfn = sid & 0xff;
	bool upper = devfn >= 128;
	int rc;

	if ((rc = cfg_read(u, cfg, "scalable-mode root entry", "vtd.sm.root", rta + bus * 16, 2, &root)))
		return rc;
	if (!(upper ? SMMU_GETW(VTD_SM_ROOT_UP, root) : SMMU_GETW(VTD_SM_ROOT_LP, root))) {
		STOP(cfg, SMMU_CFG_FAULT, 0x38, "the root entry for bus %02x has no %s context table", bus,
		     upper ? "upper" : "lower");
		return 0;
	}
	uint64_t ctp = upper ? SMMU_ADDRW(VTD_SM_ROOT_UCTP, root) : SMMU_ADDRW(VTD_SM_ROOT_LCTP, root);
	if ((rc = cfg_read(u, cfg, "scalable-mode context entry", "vtd.sm.ctx", ctp + (devfn & 0x7f) * 32, 4,
			   &ctx)))
		return rc;
	if (!SMMU_GETW(VTD_SM_CTX_P, ctx)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x41, "the context entry for %02x:%02x.%x is not present: DMA is blocked",
		     bus, devfn >> 3, devfn & 7);
		return 0;
	}
	if (ssv && !SMMU_GETW(VTD_SM_CTX_PASIDE, ctx)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x45,
		     "the context entry does not enable PASIDs (PASIDE=0): requests with a PASID fault");
		return 0;
	}
	if (!ssv)
		pasid = SMMU_GETW(VTD_SM_CTX_RID_PASID, ctx);
	unsigned pdts = SMMU_GETW(VTD_SM_CTX_PDTS, ctx);
	if (pasid >> 6 >= (1u << (pdts + 7))) {
		STOP(cfg, SMMU_CFG_FAULT, 0x46, "PASID 0x%x is beyond the PASID directory (PDTS=%u)", pasid, pdts);
		return 0;
	}
	uint64_t dirp = SMMU_ADDRW(VTD_SM_CTX_PASIDDIRPTR, ctx);
	if ((rc = cfg_read(u, cfg, "PASID directory entry", "vtd.pasid.dir", dirp + (pasid >> 6) * 8, 1, &dir)))
		return rc;
	if (!SMMU_GETW(VTD_PASID_DIR_P, dir)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x51, "the PASID directory entry for PASID 0x%x is not present", pasid);
		return 0;
	}
	uint64_t tbl = SMMU_ADDRW(VTD_PASID_DIR_SMPTBLPTR, dir);
	if ((rc = cfg_read(u, cfg, "PASID entry", "vtd.pasid", tbl + (pasid & 0x3f) * 64, 8, &pe)))
		return rc;
	if (!SMMU_GETW(VTD_PASID_P, pe)) {
		STOP(cfg, SMMU_CFG_FAULT, 0x59, "the PASID entry for PASID 0x%x is not present", pasid);
		return 0;
	}
	unsigned pgtt = SMMU_GETW(VTD_PASID_PGTT, pe);
	switch (pgtt) {
	case VTD_PGTT_FIRST: {
		bool five = SMMU_GETW(VTD_PASID_FLPM, pe) == VTD_FLPM_5LEVEL;
		cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_VTD_FL, .granule = 4096, .ias = five ? 57 : 48,
						  .oas = mgaw, .flags = SMMU_PGT_CFG_1G };
		cfg->root = SMMU_ADDRW(VTD_PASID_FLPTPTR, pe);
		STOP(cfg, SMMU_CFG_TRANSLATE, 0, "first level, PASID 0x%x, %u levels, tables at 0x%" PRIx64, pasid,
		     five ? 5 : 4, cfg->root);
		return 0;
	}
	case VTD_PGTT_SECOND:
	case VTD_PGTT_NESTED: /* nested walks first level through second: report the second */
		return second_level(cfg, SMMU_GETW(VTD_PASID_AW, pe), SMMU_ADDRW(VTD_PASID_SLPTPTR, pe), mgaw,
				    "PASID entry");
	case VTD_PGTT_PASSTHROUGH:
		STOP(cfg, SMMU_CFG_BYPASS, 0, "the PASID entry passes DMA through (PGTT=pass-through)");
		return 0;
	default:
		STOP(cfg, SMMU_CFG_FAULT, 0x5a, "the PASID entry has a reserved PGTT (%u)", pgtt);
		return 0;
	}
}

int vtd_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	uint32_t sid = s->sid;
	uint32_t gsts;
	uint64_t rtaddr, cap;
	int rc;

	if ((rc = reg_read32(u, VTD_GSTS, &gsts)) || (rc = reg_read64(u, VTD_RTADDR, &rtaddr)) ||
	    (rc = reg_read64(u, VTD_CAP, &cap)))
		return rc;
	cfg_reg(cfg, "GSTS_REG", "vtd.gsts", VTD_GSTS, gsts);
	if (!SMMU_GET(VTD_GSTS_TES, gsts)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, "DMA remapping is off (GSTS.TES=0): DMA is not translated");
		return 0;
	}
	cfg_reg(cfg, "RTADDR_REG", "vtd.rtaddr", VTD_RTADDR, rtaddr);
	unsigned mgaw = SMMU_GET(VTD_CAP_MGAW, cap) + 1;
	uint64_t rta = rtaddr & SMMU_MASK(VTD_RTADDR_RTA);
	switch (SMMU_GET(VTD_RTADDR_TTM, rtaddr)) {
	case VTD_TTM_LEGACY:
		return legacy(u, rta, sid, s->ssv, mgaw, cfg);
	case VTD_TTM_SCALABLE:
		return scalable(u, rta, sid, s->ssv, s->ssid, mgaw, cfg);
	case VTD_TTM_ABORT:
		STOP(cfg, SMMU_CFG_ABORT, 0, "RTADDR selects abort-DMA mode: all DMA is blocked");
		return 0;
	default:
		STOP(cfg, SMMU_CFG_FAULT, 0x30, "RTADDR has a reserved translation table mode (TTM=2)");
		return 0;
	}
}
