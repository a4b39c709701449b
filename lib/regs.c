/* SPDX-License-Identifier: MIT */
/*
 * Registers by name: the decoders describe every register once (name,
 * offset, width, fields); this file finds them for a unit and says where the
 * ones the architecture places at run time are (VT-d fault recording and
 * IOTLB registers, from CAP and ECAP), so no front end computes an offset.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "decoders/decode.h"
#include "lib/hw.h"
#include "lib/regs.h"
#include "lib/smmuv2.h"
#include "lib/target.h"
#include "lib/smmuv3.h"
#include "lib/vtd.h"
#include "lib/amdvi.h"

void vtd_reg_places(uint64_t cap, uint64_t ecap, uint32_t *fro, unsigned *nfr, uint32_t *iro)
{
	*fro = VTD_FRCD_offset(cap, 0);
	*nfr = SMMU_GET(VTD_CAP_NFR, cap) + 1;
	*iro = VTD_IVA_offset(ecap, 0);
}

/* The decoders' kinds of a unit's registers start with its architecture's prefix. */
static const char *prefix(const struct smmu_unit *u)
{
	return u->arch == SMMU_ARCH_VTD ? "vtd." : u->arch == SMMU_ARCH_SMMUV2 ? "smmuv2." : u->arch == SMMU_ARCH_AMDVI ? "amdvi." : "smmuv3.";
}

static bool is_reg(const struct smmu_unit *u, const struct smmu_desc *d)
{
	const char *p = prefix(u);

	return (d->flags & SMMU_D_REGISTER) && !strncmp(d->kind, p, strlen(p));
}

/* SMMUv2: SMRn and S2CRn repeat NUMSMRG times, GR1 registers NUMCB times in
 * page 1, context bank registers once per bank, a page apart, after the
 * global space (IDR1.PAGESIZE, NUMPAGENDXB). */
static int smmuv2_place(struct smmu_unit *u, const struct smmu_desc *d, struct smmu_reg *reg)
{
	unsigned nsmrg, ncb;
	uint64_t at, next;
	int rc;

	if ((rc = smmuv2_counts(u, &nsmrg, &ncb)))
		return rc;
	if (d->flags & SMMU_D_GR1) {
		if ((rc = smmuv2_gr1(u, d->offset, &at)))
			return rc;
		reg->offset = (uint32_t)at;
		reg->count = ncb;
		reg->stride = 4;
	} else if (d->flags & SMMU_D_CB) {
		if ((rc = smmuv2_cb(u, 0, d->offset, &at)) || (rc = smmuv2_cb(u, 1, d->offset, &next)))
			return rc;
		reg->offset = (uint32_t)at;
		reg->count = ncb;
		reg->stride = (unsigned)(next - at);
	} else if (d->offset == SMMUV2_SMR || d->offset == SMMUV2_S2CR) {
		reg->count = nsmrg;
		reg->stride = 4;
	}
	if (!reg->count)
		return -ENOENT; /* no banks or groups to show */
	return 0;
}

/* Fill reg for descriptor d: fixed offsets as described, dynamic ones from the capability registers. */
static int place(struct smmu_unit *u, const struct smmu_desc *d, struct smmu_reg *reg)
{
	uint64_t cap, ecap;
	uint32_t fro, iro;
	unsigned nfr;
	int rc;

	*reg = (struct smmu_reg){ .desc = d, .offset = d->offset, .count = 1,
				  .stride = d->nwords * (d->width / 8) };
	if (u->arch == SMMU_ARCH_SMMUV2)
		return smmuv2_place(u, d, reg);
	if (!(d->flags & SMMU_D_DYNAMIC))
		return 0;
	if (u->arch != SMMU_ARCH_VTD)
		return -EOPNOTSUPP;
	if ((rc = reg_read64(u, VTD_CAP, &cap)) || (rc = reg_read64(u, VTD_ECAP, &ecap)))
		return rc;
	vtd_reg_places(cap, ecap, &fro, &nfr, &iro);
	if (!strcmp(d->kind, "vtd.frcd")) {
		reg->offset = fro;
		reg->count = nfr;
	} else if (!strcmp(d->kind, "vtd.iva")) {
		reg->offset = iro;
	} else if (!strcmp(d->kind, "vtd.iotlb")) {
		reg->offset = iro + 8;
	} else {
		return -EOPNOTSUPP;
	}
	return 0;
}

int smmu_reg_find(struct smmu_unit *u, const char *name, struct smmu_reg *reg)
{
	const char *p = prefix(u);
	char full[64];

	/* "cr0", "CR0" or "smmuv3.cr0" */
	if (snprintf(full, sizeof(full), "%s%s", strncasecmp(name, p, strlen(p)) ? p : "", name) >=
	    (int)sizeof(full))
		return -ENOENT;
	for (size_t i = 0; i < smmu_decoder_count(); i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if (is_reg(u, d) && !strcasecmp(d->kind, full))
			return place(u, d, reg);
	}
	return -ENOENT;
}

int smmu_reg_at(struct smmu_unit *u, size_t i, struct smmu_reg *reg)
{
	for (size_t k = 0; k < smmu_decoder_count(); k++) {
		const struct smmu_desc *d = smmu_decoder_at(k);
		if (is_reg(u, d) && !i--)
			return place(u, d, reg);
	}
	return -ENOENT;
}

int smmu_reg_read(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t *words)
{
	const struct smmu_desc *d = reg->desc;
	unsigned wbytes = d->width / 8;
	int rc;

	if (index >= reg->count)
		return -EINVAL;
	for (unsigned w = 0; w < d->nwords; w++)
		if ((rc = smmu_mmio_read(u->t, u->base + reg->offset + index * reg->stride + w * wbytes, wbytes,
					 &words[w])))
			return rc;
	return 0;
}

int smmu_reg_write(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, uint64_t value)
{
	if (reg->desc->nwords != 1)
		return -EINVAL;
	return smmu_reg_write_words(u, reg, index, &value);
}

int smmu_reg_write_words(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, const uint64_t *words)
{
	const struct smmu_desc *d = reg->desc;
	unsigned wbytes = d->width / 8;
	bool writable = false;
	int rc;

	if (index >= reg->count)
		return -EINVAL;
	for (unsigned w = 0; w < d->nwords; w++)
		if (d->width < 64 && words[w] >> d->width)
			return -ERANGE;
	for (const struct smmu_field *f = d->fields; f->name; f++)
		writable |= f->access != SMMU_A_RO && f->access != SMMU_A_RSVD;
	if (!writable)
		return -EPERM;
	/* word by word, the low one first (a VT-d FRCD's F bit, W1C, is in the high one) */
	for (unsigned w = 0; w < d->nwords; w++)
		if ((rc = smmu_mmio_write(u->t, u->base + reg->offset + index * reg->stride + w * wbytes, wbytes,
					  words[w])))
			return rc;
	return 0;
}

/* The value of field f in words. */
static uint64_t field_of(const struct smmu_field *f, const uint64_t *words)
{
	unsigned n = f->hi - f->lo + 1;

	return words[f->word] >> f->lo & (n >= 64 ? ~0ull : (1ull << n) - 1);
}

/* VT-d GCMD is write-only: a command took when GSTS shows it (the bits share
 * their positions).  The enables follow what was written; the one-shot
 * latches (SRTP, SIRTP, SFL) read 1 once done.  WBF is not checked: its
 * status reads 0 again once the flush is done. */
static bool vtd_gcmd_took(struct smmu_unit *u, uint64_t written, char *why, size_t len)
{
	static const struct { uint32_t bit; bool latch; const char *name, *needs; } cmds[] = {
		{ SMMU_MASK(VTD_GCMD_TE), false, "TE", NULL },
		{ SMMU_MASK(VTD_GCMD_SRTP), true, "SRTP", NULL },
		{ SMMU_MASK(VTD_GCMD_SFL), true, "SFL", "CAP_REG.AFL=0: the unit has no advanced fault logging" },
		{ SMMU_MASK(VTD_GCMD_EAFL), false, "EAFL", "CAP_REG.AFL=0: the unit has no advanced fault logging" },
		{ SMMU_MASK(VTD_GCMD_QIE), false, "QIE", "ECAP_REG.QI=0: the unit has no queued invalidation" },
		{ SMMU_MASK(VTD_GCMD_IRE), false, "IRE", "ECAP_REG.IR=0: the unit has no interrupt remapping" },
		{ SMMU_MASK(VTD_GCMD_SIRTP), true, "SIRTP", "ECAP_REG.IR=0: the unit has no interrupt remapping" },
		{ SMMU_MASK(VTD_GCMD_CFI), false, "CFI", "ECAP_REG.IR=0: the unit has no interrupt remapping" },
	};
	uint32_t gsts = 0;
	uint64_t cap = 0, ecap = 0;

	if (reg_read32(u, VTD_GSTS, &gsts) || reg_read64(u, VTD_CAP, &cap) || reg_read64(u, VTD_ECAP, &ecap))
		return true; /* unknown: nothing to say */
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		bool want = written & cmds[i].bit, got = gsts & cmds[i].bit;
		if (cmds[i].latch ? !want || got : want == got)
			continue;
		bool lacks = cmds[i].needs && (cmds[i].needs[0] == 'C' ? !SMMU_GET(VTD_CAP_AFL, cap)
						: cmds[i].bit == SMMU_MASK(VTD_GCMD_QIE) ? !SMMU_GET(VTD_ECAP_QI, ecap)
											 : !SMMU_GET(VTD_ECAP_IR, ecap));
		snprintf(why, len, "GCMD_REG.%s=%d is not in GSTS_REG%s%s", cmds[i].name, want, lacks ? ": " : "",
			 lacks ? cmds[i].needs : "");
		return false;
	}
	return true;
}

int smmu_reg_write_took(struct smmu_unit *u, const struct smmu_reg *reg, unsigned index, const uint64_t *written,
			uint64_t *now, char *why, size_t len)
{
	const struct smmu_desc *d = reg->desc;
	bool took = true;
	int rc;

	*why = '\0';
	if ((rc = smmu_reg_read(u, reg, index, now)))
		return rc;
	/* read-write fields read back what was written; a flag written 1 that
	 * reads 0 is a request the hardware completed (GBPA.Update) */
	for (const struct smmu_field *f = d->fields; f->name; f++) {
		if (f->access != SMMU_A_RW)
			continue;
		uint64_t want = field_of(f, written), got = field_of(f, now);
		if (want != got && !(f->fmt == SMMU_F_FLAG && want && !got))
			took = false;
	}
	if (took && u->arch == SMMU_ARCH_VTD && !strcmp(d->kind, "vtd.gcmd"))
		took = vtd_gcmd_took(u, written[0], why, len);
	if (took)
		return 1;
	if (*why)
		return 0;
	/* why, where the architecture says */
	if (u->arch == SMMU_ARCH_SMMUV3) {
		static const char *const while_enabled[] = { "smmuv3.strtab_base", "smmuv3.strtab_base_cfg", NULL };
		static const struct { const char *kind; uint32_t en; const char *name; } queues[] = {
			{ "smmuv3.cmdq_base", SMMU_MASK(SMMUV3_CR0_CMDQEN), "CMDQEN" },
			{ "smmuv3.eventq_base", SMMU_MASK(SMMUV3_CR0_EVENTQEN), "EVENTQEN" },
			{ "smmuv3.priq_base", SMMU_MASK(SMMUV3_CR0_PRIQEN), "PRIQEN" },
		};
		uint32_t cr0 = 0;
		reg_read32(u, SMMUV3_CR0, &cr0);
		for (size_t i = 0; while_enabled[i]; i++)
			if (!strcmp(d->kind, while_enabled[i]) && SMMU_GET(SMMUV3_CR0_SMMUEN, cr0))
				snprintf(why, len, "read-only while SMMU_CR0.SMMUEN=1");
		for (size_t i = 0; i < sizeof(queues) / sizeof(queues[0]); i++)
			if (!strcmp(d->kind, queues[i].kind) && (cr0 & queues[i].en))
				snprintf(why, len, "read-only while SMMU_CR0.%s=1", queues[i].name);
		if (!strcmp(d->kind, "smmuv3.gbpa") && !SMMU_GET(SMMUV3_GBPA_Update, written[0]))
			snprintf(why, len, "SMMU_GBPA changes only when written with Update=1");
	} else if (u->arch == SMMU_ARCH_AMDVI) {
		/* the pointers the IOMMU itself moves while it runs */
		static const struct { const char *kind; uint64_t run; const char *name, *what; } moving[] = {
			{ "amdvi.cmdbuf_head", SMMU_MASK(AMDVI_STATUS_CmdBufRun), "CmdBufRun", "command buffer" },
			{ "amdvi.evtlog_tail", SMMU_MASK(AMDVI_STATUS_EventLogRun), "EventLogRun", "event log" },
			{ "amdvi.pprlog_tail", SMMU_MASK(AMDVI_STATUS_PprLogRun), "PprLogRun", "PPR log" },
		};
		uint64_t status = 0;
		reg_read64(u, AMDVI_STATUS, &status);
		for (size_t i = 0; i < sizeof(moving) / sizeof(moving[0]); i++)
			if (!strcmp(d->kind, moving[i].kind) && (status & moving[i].run))
				snprintf(why, len, "read-only while the IOMMU Status Register's %s=1: software moves it only "
					 "while the %s is off", moving[i].name, moving[i].what);
	}
	return 0;
}

const char *const *smmu_unit_own_regs(const struct smmu_unit *u)
{
	/* the enables and the roots of the translation structures */
	static const char *const smmuv3[] = { "CR0", "GBPA", "STRTAB_BASE", NULL };
	static const char *const vtd[] = { "GSTS", "RTADDR", NULL };
	static const char *const amdvi[] = { "CONTROL", "DEVTAB_BASE", NULL };
	static const char *const smmuv2[] = { "SCR0", "SMR", "S2CR", "CBAR", "SCTLR", "TTBR0", NULL };

	return u->arch == SMMU_ARCH_VTD ? vtd : u->arch == SMMU_ARCH_SMMUV2 ? smmuv2 : u->arch == SMMU_ARCH_AMDVI ? amdvi : smmuv3;
}
