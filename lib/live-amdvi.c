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
	if (mode > 5) {
		/* the engine's levels end at 5 (57-bit): walks and listings do
		 * not follow a 6-level table's top entry (bits 63:57);
		 * amdvi_translate() reads it itself */
		STOP(cfg, SMMU_CFG_FAULT, 0, NULL,
		     "the DTE translates with 6-level tables at 0x%" PRIx64 ": smmush lists 1 to 5 levels (xlate follows 6)",
		     root);
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * mode, .oas = 52 };
	cfg->root = root;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, NULL, "v1 tables, %u level%s (%u-bit), at 0x%" PRIx64 ", domain %u%s%s",
	     mode, mode > 1 ? "s" : "", 12 + 9 * mode, root, (unsigned)SMMU_GETW(AMDVI_DTE_DomainID, w),
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

/* After the walk: a table that could not be read is a hardware error with
 * its address; else the DTE's (and a sixth level's) IR/IW over the
 * tables', and any stop an IO_PAGE_FAULT. */
static void settle(struct smmu_translation *out, const uint64_t *dte, bool ir, bool iw, bool write)
{
	if (out->x.fault == SMMU_PGT_F_TABLE_READ && out->x.nsteps) {
		out->code = AMDVI_EV_PAGE_TAB_HW_ERROR;
		out->code_name = "PAGE_TAB_HARDWARE_ERROR";
		out->fetch_addr = out->x.step[out->x.nsteps - 1].entry_pa;
		out->ok = false;
		return;
	}
	if (out->ok && (write ? !iw : !ir)) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->x.perm_missing = write ? SMMU_PROT_W : SMMU_PROT_R;
	}
	if (!out->ok || out->x.fault) {
		io_page_fault(out, dte);
		out->ok = false;
	}
}

/* Mode 6: the top entry (input bits 63:57) read here, the rest of the walk
 * by the engine, whose levels end at 5: a pointer down to level NextLevel,
 * the skipped levels' bits zero, or a leaf (a NextLevel-7 size can never
 * exceed this level's 2^57 bytes: reserved). */
static int six_levels(struct smmu_unit *u, struct smmu_translation *out, const uint64_t *dte, uint64_t iova,
		      bool write)
{
	uint64_t at = SMMU_ADDRW(AMDVI_DTE_PageTableRootPtr, dte) + ((iova >> 57) & 0x1ff) * 8, pte;
	bool ir = SMMU_GETW(AMDVI_DTE_IR, dte), iw = SMMU_GETW(AMDVI_DTE_IW, dte);

	out->code = 0;
	out->code_name = NULL;
	out->cfg.verdict = SMMU_CFG_TRANSLATE;
	snprintf(out->cfg.reason, sizeof(out->cfg.reason), "v1 tables, 6 levels (64-bit), at 0x%" PRIx64 ", domain %u",
		 (uint64_t)SMMU_ADDRW(AMDVI_DTE_PageTableRootPtr, dte), (unsigned)SMMU_GETW(AMDVI_DTE_DomainID, dte));
	if (smmu_mem_read(u->t, at, &pte, 8)) {
		out->code = AMDVI_EV_PAGE_TAB_HW_ERROR;
		out->code_name = "PAGE_TAB_HARDWARE_ERROR";
		out->fetch_addr = at;
		return 0;
	}
	unsigned nl = (unsigned)SMMU_GET(AMDVI_PTE_NextLevel, pte);
	uint64_t addr = pte & SMMU_MASK(AMDVI_PTE_LEAF_Address);
	if (!SMMU_GET(AMDVI_PTE_PR, pte) || nl == 7 || (nl == 0 && (pte & SMMU_GENMASK(58, 52))) ||
	    (nl != 0 && ((pte & SMMU_GENMASK(60, 52)) || nl >= 6 || (iova & SMMU_GENMASK(56, 12 + 9 * nl))))) {
		io_page_fault(out, dte); /* absent, reserved, or a skipped level's bits set */
		return 0;
	}
	ir = ir && SMMU_GET(AMDVI_PTE_LEAF_IR, pte);
	iw = iw && SMMU_GET(AMDVI_PTE_LEAF_IW, pte);
	if (nl == 0) {
		out->ok = true; /* a 2^57-byte page */
		out->pa = (addr & ~(SMMU_GENMASK(56, 0))) | (iova & SMMU_GENMASK(56, 0));
		settle(out, dte, ir, iw, write);
		return 0;
	}
	out->cfg.pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_AMD_V1, .granule = 4096, .ias = 12 + 9 * nl, .oas = 52 };
	out->cfg.root = addr;
	int rc = live_walk(u, &out->cfg.pgt, addr, iova & SMMU_GENMASK(11 + 9 * nl, 0), write ? SMMU_PROT_W : SMMU_PROT_R,
			   out);
	if (rc)
		return rc;
	settle(out, dte, ir, iw, write);
	return 0;
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
	bool ir = SMMU_GETW(AMDVI_DTE_IR, w), iw = SMMU_GETW(AMDVI_DTE_IW, w);
	if (SMMU_GETW(AMDVI_DTE_Mode, w) == 0) {
		/* no tables: IR and IW alone decide */
		if (write ? iw : ir) {
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
	settle(out, w, ir, iw, write);
	return 0;
}
