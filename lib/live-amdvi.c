/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi live configuration: Control and the Device Table Base, then the
 * requester's Device Table Entry, which either passes DMA untranslated (the
 * IOMMU is off, V or TV clear, Mode 0 with IR and IW), blocks it (Mode 0
 * without permissions), or translates it with v1 tables of Mode levels.  A
 * stop names the event the IOMMU would log.
 */
#include <inttypes.h>
#include <stdio.h>

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
	if ((rc = cfg_read(u, cfg, "device table entry", "amdvi.dte",
			   (dtb & SMMU_MASK(AMDVI_DEVTAB_BASE_DevTabBase)) + devid * 32ULL, 4, &w)))
		return rc;
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
	if (mode > 5) {
		STOP(cfg, SMMU_CFG_FAULT, 0, NULL,
		     "the DTE translates with %u-level tables at 0x%" PRIx64 ": smmush walks 1 to 5 levels", mode, root);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * mode, .oas = 52 };
	cfg->root = root;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, NULL, "v1 tables, %u level%s (%u-bit), at 0x%" PRIx64 ", domain %u%s%s",
	     mode, mode == 1 ? "" : "s", 12 + 9 * mode, root, (unsigned)SMMU_GETW(AMDVI_DTE_DomainID, w),
	     !ir ? ", reads denied by the DTE (IR=0)" : "", !iw ? ", writes denied by the DTE (IW=0)" : "");
	return 0;
}
