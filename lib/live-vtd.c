/* SPDX-License-Identifier: MIT */
/*
 * VT-d live configuration and translation: GSTS and RTADDR, then legacy
 * root -> context entries, or scalable-mode root -> context -> PASID
 * directory -> PASID entry; then one request walked through the second- or
 * first-level tables.  Each structure is checked the way the remapping
 * hardware checks it (present bits, reserved fields, what CAP and ECAP
 * support), and a stop names the fault reason the hardware records, or says
 * that FPD keeps it from being recorded.
 *
 * The host address width (HAW, above which pointer bits are reserved) is
 * taken as MGAW, at most 52 bits; the DMAR table's HAW would be finer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/live.h"
#include "lib/vtd.h"

#define STOP(cfg, v, fr, ...) cfg_end(cfg, v, fr, fr ? vtd_fault_reason_name(fr) : NULL, __VA_ARGS__)
#define GENMASK(h, l) SMMU_GENMASK(h, l)
#define BIT(n) (1ULL << (n))

/* What the unit advertises, and what one lookup found on its way. */
struct vctx {
	uint64_t cap, ecap;
	unsigned mgaw, haw;
	bool fpd;            /* a structure on the way says: do not record */
	bool scalable;
	/* the translation: PGTT (scalable) or TT (legacy), and its tables */
	unsigned pgtt;
	uint64_t pe[3];      /* PASID entry words 0-2 (SLEE, WPE, SRE, ERE, FLPM) */
	bool priv;           /* the request is supervisor (scalable) */
	bool passthrough;
};

enum { PGTT_FL = 1, PGTT_SL = 2, PGTT_NESTED = 3, PGTT_PT = 4 };

/* The pointers the remapping structures hold (legacy root and context
 * entries, scalable-mode root LCTP/UCTP, context PASIDDIRPTR, PASID directory
 * SMPTBLPTR, PASID entry SLPTPTR/FLPTPTR): bits 63:HAW are reserved (VT-d
 * 9.1-9.6), not only HAW..51 as in the paging entries. */
static uint64_t ptr_rsvd(const struct vctx *v)
{
	return GENMASK(63, v->haw);
}

static bool aw_supported(const struct vctx *v, unsigned aw)
{
	return aw < 5 && (SMMU_GET(VTD_CAP_SAGAW, v->cap) >> aw & 1);
}

/* A fetch that fails ends the configuration with reason fr. */
static int fetch(struct smmu_unit *u, struct smmu_config *cfg, const char *what, const char *kind, uint64_t pa,
		 unsigned nwords, const uint64_t **w, unsigned fr, bool quiet)
{
	int rc = cfg_read(u, cfg, what, kind, pa, nwords, w);

	if (rc == -EFAULT) {
		char ram[128];

		STOP(cfg, SMMU_CFG_FAULT, fr, "the %s at 0x%" PRIx64 " cannot be read%s", what, pa,
		     cfg_where(u, pa, ram, sizeof(ram)));
		cfg->fetch_addr = pa;
		cfg->quiet = quiet;
	}
	return rc;
}

static void stop(struct smmu_config *cfg, const struct vctx *v, unsigned fr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void stop(struct smmu_config *cfg, const struct vctx *v, unsigned fr, const char *fmt, ...)
{
	char text[sizeof(cfg->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	STOP(cfg, SMMU_CFG_FAULT, fr, "%s%s", text, v->fpd ? "; not recorded (FPD=1)" : "");
	cfg->quiet = v->fpd;
}

/* Second-level tables: AW 1, 2, 3 = 3, 4, 5 levels. */
static struct smmu_pgt_cfg sl_format(const struct vctx *v, unsigned aw)
{
	unsigned sllps = SMMU_GET(VTD_CAP_SLLPS, v->cap);

	return (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_VTD_SL, .granule = 4096, .ias = 30 + 9 * aw, .oas = v->haw,
				      .flags = ((sllps & 1) ? SMMU_PGT_CFG_2M : 0) |
					       ((sllps & 3) == 3 ? SMMU_PGT_CFG_1G : 0) |
					       (SMMU_GET(VTD_ECAP_SC, v->ecap) ? 0 : SMMU_PGT_CFG_NO_SNOOP) };
}

static void second_level(struct smmu_config *cfg, const struct vctx *v, unsigned aw, uint64_t root)
{
	cfg->pgt = sl_format(v, aw);
	cfg->root = root;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "second level, %u levels (%u-bit), tables at 0x%" PRIx64, aw + 2, 30 + 9 * aw,
	     root);
}

static int legacy(struct smmu_unit *u, uint64_t rta, const struct smmu_stream *s, struct smmu_config *cfg,
		  struct vctx *v)
{
	const uint64_t *root, *ctx;
	unsigned bus = (s->sid >> 8) & 0xff, devfn = s->sid & 0xff;
	int rc;

	if (s->ssv) {
		stop(cfg, v, 0x31, "the unit is in legacy mode (RTADDR.TTM=legacy): requests with a PASID fault");
		return 0;
	}
	if ((rc = fetch(u, cfg, "root entry", "vtd.root", rta + bus * 16, 2, &root, 0x8, false)))
		return rc;
	if (!SMMU_GETW(VTD_ROOT_P, root)) {
		stop(cfg, v, 0x1, "the root entry for bus %02x is not present", bus);
		return 0;
	}
	if ((root[0] & (GENMASK(11, 1) | ptr_rsvd(v))) || root[1]) {
		stop(cfg, v, 0xa, "the root entry for bus %02x has reserved bits set", bus);
		return 0;
	}
	uint64_t ctp = SMMU_ADDRW(VTD_ROOT_CTP, root);
	if ((rc = fetch(u, cfg, "context entry", "vtd.ctx", ctp + devfn * 16, 2, &ctx, 0x9, false)))
		return rc;
	if (!SMMU_GETW(VTD_CTX_P, ctx)) {
		stop(cfg, v, 0x2, "the context entry for %02x:%02x.%x is not present: DMA is blocked", bus, devfn >> 3,
		     devfn & 7);
		return 0;
	}
	v->fpd = SMMU_GETW(VTD_CTX_FPD, ctx);
	unsigned tt = SMMU_GETW(VTD_CTX_TT, ctx), aw = SMMU_GETW(VTD_CTX_AW, ctx);
	/* under TT=10b (pass-through) SLPTPTR is ignored (9.3): none of its bits is checked */
	uint64_t slptptr_rsvd = tt == VTD_CTX_TT_PASSTHROUGH ? 0 : ptr_rsvd(v);
	if ((ctx[0] & (GENMASK(11, 4) | slptptr_rsvd)) || (ctx[1] & (BIT(7) | GENMASK(63, 24)))) {
		stop(cfg, v, 0xb, "the context entry has reserved bits set");
		return 0;
	}
	/* TT 01 (device TLBs) needs ECAP.DT; 11 is reserved */
	if ((tt == 1 && !SMMU_GET(VTD_ECAP_DT, v->ecap)) || tt == 3 || (tt != 2 && !aw_supported(v, aw))) {
		stop(cfg, v, 0x3, "the context entry is invalid (TT=%u, AW=%u)", tt, aw);
		return 0;
	}
	if (tt == VTD_CTX_TT_PASSTHROUGH) {
		v->passthrough = true;
		STOP(cfg, SMMU_CFG_BYPASS, 0, "the context entry passes DMA through untranslated (TT=2)");
		return 0;
	}
	second_level(cfg, v, aw, SMMU_ADDRW(VTD_CTX_SLPTPTR, ctx));
	return 0;
}

static int scalable(struct smmu_unit *u, uint64_t rta, const struct smmu_stream *s, unsigned access,
		    struct smmu_config *cfg, struct vctx *v)
{
	const uint64_t *root, *ctx, *dir, *pe;
	unsigned bus = (s->sid >> 8) & 0xff, devfn = s->sid & 0xff;
	bool upper = devfn >= 128;
	int rc;

	if ((rc = fetch(u, cfg, "scalable-mode root entry", "vtd.sm.root", rta + bus * 16, 2, &root, 0x38, false)))
		return rc;
	uint64_t half = root[upper];
	if (!(half & 1)) {
		stop(cfg, v, 0x39, "the root entry for bus %02x has no %s context table (%s=0)", bus,
		     upper ? "upper" : "lower", upper ? "UP" : "LP");
		return 0;
	}
	if (half & (GENMASK(11, 1) | ptr_rsvd(v))) {
		stop(cfg, v, 0x3a, "the root entry for bus %02x has reserved bits set", bus);
		return 0;
	}
	uint64_t ctp = half & GENMASK(63, 12);
	if ((rc = fetch(u, cfg, "scalable-mode context entry", "vtd.sm.ctx", ctp + (devfn & 0x7f) * 32, 4, &ctx, 0x40,
			false)))
		return rc;
	if (!SMMU_GETW(VTD_SM_CTX_P, ctx)) {
		stop(cfg, v, 0x41, "the context entry for %02x:%02x.%x is not present: DMA is blocked", bus, devfn >> 3,
		     devfn & 7);
		return 0;
	}
	v->fpd = SMMU_GETW(VTD_SM_CTX_FPD, ctx);
	if ((ctx[0] & (GENMASK(8, 5) | ptr_rsvd(v))) || (ctx[1] & GENMASK(63, 21)) ||
	    (SMMU_GETW(VTD_SM_CTX_RID_PRIV, ctx) && !SMMU_GET(VTD_ECAP_RPRIVS, v->ecap)) || ctx[2] || ctx[3]) {
		stop(cfg, v, 0x42, "the context entry has reserved bits set");
		return 0;
	}
	/* DTE needs ECAP.DT, PRE needs ECAP.PRS */
	if ((SMMU_GETW(VTD_SM_CTX_DTE, ctx) && !SMMU_GET(VTD_ECAP_DT, v->ecap)) ||
	    (SMMU_GETW(VTD_SM_CTX_PRE, ctx) && !SMMU_GET(VTD_ECAP_PRS, v->ecap))) {
		stop(cfg, v, 0x43, "the context entry is invalid (DTE or PRE without support)");
		return 0;
	}
	if (s->ssv && !SMMU_GETW(VTD_SM_CTX_PASIDE, ctx)) {
		stop(cfg, v, 0x45, "the context entry does not enable PASIDs (PASIDE=0): requests with a PASID fault");
		return 0;
	}
	uint32_t pasid = s->ssv ? s->ssid & 0xfffff : SMMU_GETW(VTD_SM_CTX_RID_PASID, ctx);
	/* requests without a PASID are user requests unless RID_PRIV says not */
	v->priv = s->ssv ? (access & SMMU_PROT_PRIV) : SMMU_GETW(VTD_SM_CTX_RID_PRIV, ctx);
	unsigned pdts = SMMU_GETW(VTD_SM_CTX_PDTS, ctx);
	if (pasid >> 6 >= (1u << (pdts + 7))) {
		stop(cfg, v, 0x46, "PASID 0x%x is beyond the PASID directory (PDTS=%u)", pasid, pdts);
		return 0;
	}
	uint64_t dirp = SMMU_ADDRW(VTD_SM_CTX_PASIDDIRPTR, ctx);
	if ((rc = fetch(u, cfg, "PASID directory entry", "vtd.pasid.dir", dirp + (pasid >> 6) * 8, 1, &dir, 0x50, v->fpd)))
		return rc;
	if (!SMMU_GETW(VTD_PASID_DIR_P, dir)) {
		stop(cfg, v, 0x51, "the PASID directory entry for PASID 0x%x is not present", pasid);
		return 0;
	}
	v->fpd |= SMMU_GETW(VTD_PASID_DIR_FPD, dir);
	if (dir[0] & (GENMASK(11, 2) | ptr_rsvd(v))) {
		stop(cfg, v, 0x52, "the PASID directory entry has reserved bits set");
		return 0;
	}
	uint64_t tbl = SMMU_ADDRW(VTD_PASID_DIR_SMPTBLPTR, dir);
	if ((rc = fetch(u, cfg, "PASID entry", "vtd.pasid", tbl + (pasid & 0x3f) * 64, 8, &pe, 0x58, v->fpd)))
		return rc;
	if (!SMMU_GETW(VTD_PASID_P, pe)) {
		stop(cfg, v, 0x59, "the PASID entry for PASID 0x%x is not present", pasid);
		return 0;
	}
	v->fpd |= SMMU_GETW(VTD_PASID_FPD, pe);
	v->pgtt = SMMU_GETW(VTD_PASID_PGTT, pe);
	/* a PGTT that does not use a pointer leaves it ignored (9.6): SLPTPTR
	 * under first-level only and pass-through, FLPTPTR under second-level
	 * only and pass-through */
	uint64_t sl_rsvd = v->pgtt == PGTT_FL || v->pgtt == PGTT_PT ? 0 : ptr_rsvd(v);
	uint64_t fl_rsvd = v->pgtt == PGTT_SL || v->pgtt == PGTT_PT ? 0 : ptr_rsvd(v);
	if ((pe[0] & (GENMASK(11, 10) | sl_rsvd)) || (pe[1] & GENMASK(22, 16)) || (pe[2] & (GENMASK(11, 8) | fl_rsvd))) {
		stop(cfg, v, 0x5a, "the PASID entry has reserved bits set");
		return 0;
	}
	memcpy(v->pe, pe, sizeof(v->pe));
	unsigned aw = SMMU_GETW(VTD_PASID_AW, pe), flpm = SMMU_GETW(VTD_PASID_FLPM, pe);
	bool ok;
	switch (v->pgtt) {
	case PGTT_FL: ok = SMMU_GET(VTD_ECAP_FLTS, v->ecap); break;
	case PGTT_SL: ok = SMMU_GET(VTD_ECAP_SLTS, v->ecap) && aw_supported(v, aw); break;
	case PGTT_NESTED: ok = SMMU_GET(VTD_ECAP_NEST, v->ecap) && aw_supported(v, aw); break;
	case PGTT_PT: ok = SMMU_GET(VTD_ECAP_PT, v->ecap); break;
	default: ok = false; /* reserved PGTT values */
	}
	if (ok && (v->pgtt == PGTT_FL || v->pgtt == PGTT_NESTED))
		ok = flpm == 0 || (flpm == 1 && SMMU_GET(VTD_CAP_FL5LP, v->cap));
	if (ok && SMMU_GETW(VTD_PASID_SLADE, pe) && !SMMU_GET(VTD_ECAP_SLADS, v->ecap))
		ok = false;
	if (!ok) {
		stop(cfg, v, 0x5b, "the PASID entry is invalid (PGTT=%u, AW=%u, FLPM=%u)", v->pgtt, aw, flpm);
		return 0;
	}
	/* SRE and ERE gate first-level (and nested) translation */
	if (v->pgtt == PGTT_FL || v->pgtt == PGTT_NESTED) {
		if (s->ssv && v->priv && !SMMU_GETW(VTD_PASID_SRE, pe)) {
			stop(cfg, v, 0x5d, "a supervisor request, but the PASID entry has SRE=0");
			return 0;
		}
		if ((access & SMMU_PROT_X) && !(access & SMMU_PROT_W) && !SMMU_GETW(VTD_PASID_ERE, pe)) {
			stop(cfg, v, 0x5c, "an execute request, but the PASID entry has ERE=0");
			return 0;
		}
	}
	switch (v->pgtt) {
	case PGTT_FL:
	case PGTT_NESTED: {
		bool five = flpm == 1;
		cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_VTD_FL, .granule = 4096, .ias = five ? 57 : 48,
						  .oas = v->haw, .flags = SMMU_GET(VTD_CAP_FL1GP, v->cap) ? SMMU_PGT_CFG_1G : 0 };
		cfg->root = SMMU_ADDRW(VTD_PASID_FLPTPTR, pe);
		STOP(cfg, SMMU_CFG_TRANSLATE, 0, "first level, PASID 0x%x, %u levels, tables at 0x%" PRIx64, pasid,
		     five ? 5 : 4, cfg->root);
		if (v->pgtt == PGTT_NESTED) {
			/* nested: the first-level tables and output are guest-physical,
			 * translated by the second level (spec 3.8) */
			size_t n = strlen(cfg->reason);
			cfg->nested = true;
			cfg->s2pgt = sl_format(v, aw);
			cfg->s2root = SMMU_ADDRW(VTD_PASID_SLPTPTR, pe);
			snprintf(cfg->reason + n, sizeof(cfg->reason) - n,
				 " (guest-physical); nested in second level, %u levels (%u-bit), tables at 0x%" PRIx64,
				 aw + 2, 30 + 9 * aw, cfg->s2root);
		}
		return 0;
	}
	case PGTT_SL:
		second_level(cfg, v, aw, SMMU_ADDRW(VTD_PASID_SLPTPTR, pe));
		return 0;
	default:
		v->passthrough = true;
		STOP(cfg, SMMU_CFG_BYPASS, 0, "the PASID entry passes DMA through (PGTT=pass-through)");
		return 0;
	}
}

static int resolve(struct smmu_unit *u, const struct smmu_stream *s, unsigned access, struct smmu_config *cfg,
		   struct vctx *v)
{
	uint32_t gsts;
	uint64_t rtaddr;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = reg_read32_kept(u, VTD_GSTS, false, &gsts)) || (rc = reg_read64_kept(u, VTD_RTADDR, false, &rtaddr)) ||
	    (rc = reg_read64_kept(u, VTD_CAP, true, &v->cap)) || (rc = reg_read64_kept(u, VTD_ECAP, true, &v->ecap)))
		return rc;
	v->mgaw = SMMU_GET(VTD_CAP_MGAW, v->cap) + 1;
	v->haw = v->mgaw > 52 ? 52 : v->mgaw;
	cfg_reg(cfg, "GSTS_REG", "vtd.gsts", VTD_GSTS, gsts);
	if (!SMMU_GET(VTD_GSTS_TES, gsts)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, "DMA remapping is off (GSTS.TES=0): DMA is not translated");
		return 0;
	}
	cfg_reg(cfg, "RTADDR_REG", "vtd.rtaddr", VTD_RTADDR, rtaddr);
	uint64_t rta = rtaddr & SMMU_MASK(VTD_RTADDR_RTA);
	unsigned ttm = SMMU_GET(VTD_RTADDR_TTM, rtaddr);
	if (ttm == VTD_TTM_LEGACY)
		return legacy(u, rta, s, cfg, v);
	if (ttm == VTD_TTM_SCALABLE && SMMU_GET(VTD_ECAP_SMTS, v->ecap)) {
		v->scalable = true;
		return scalable(u, rta, s, access, cfg, v);
	}
	/* abort-DMA mode (TTM=3) needs ECAP.ADMS; otherwise TTM is reserved */
	if (ttm == VTD_TTM_ABORT && SMMU_GET(VTD_ECAP_ADMS, v->ecap)) {
		STOP(cfg, SMMU_CFG_ABORT, 0, "RTADDR selects abort-DMA mode: all DMA is blocked");
		cfg->quiet = true;
		return 0;
	}
	STOP(cfg, SMMU_CFG_FAULT, 0x30, "RTADDR has a reserved or unsupported translation table mode (TTM=%u)", ttm);
	return 0;
}

int vtd_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	struct vctx v;

	return resolve(u, s, SMMU_PROT_R, cfg, &v);
}

/* --- one request ------------------------------------------------------------- */

static void fault(struct smmu_translation *out, const struct vctx *v, unsigned fr)
{
	out->ok = false;
	out->code = fr;
	out->code_name = vtd_fault_reason_name(fr);
	out->quiet = v->fpd;
}

/* The reason stage 2 (the second level) gives for a guest-physical
 * address: an input beyond it is `beyond`; perm: the permission fault
 * reason for what x denied. */
static unsigned sl_reason(const struct smmu_pgt_xlate *x, unsigned beyond)
{
	switch (x->fault) {
	case SMMU_PGT_F_INPUT_RANGE: return beyond;
	case SMMU_PGT_F_TABLE_READ: return 0x78;
	case SMMU_PGT_F_INVALID: return 0x79;
	default: return 0x7a;
	}
}

/* First-level permissions (IA-32e paging, spec 3.6.1) over the walk's
 * levels: the fault reason, 0 when allowed. */
static unsigned fl_perm(const struct vctx *v, const struct smmu_pgt_xlate *x, bool write, bool exec)
{
	bool rw = true, us = true, xd = false, wpe = SMMU_GETW(VTD_PASID_WPE, v->pe), user = !v->priv;

	for (unsigned i = 0; i < x->nsteps; i++) {
		uint64_t e = x->step[i].pte;
		rw &= e >> 1 & 1;
		us &= e >> 2 & 1;
		xd |= e >> 63 & 1;
	}
	bool r = user ? us : true, w = user ? us && rw : rw || !wpe, xok = (user ? us : true) && !xd;
	if (user && !us)
		return 0x81;
	if (exec && !xok)
		return 0x82;
	if (write && !w)
		return 0x85;
	if (!write && !r)
		return user ? 0x81 : 0x86;
	return 0;
}

/* Nested (PGTT=nested, spec 3.8): the first-level walk with each table
 * read translated by the second level (0x74-0x76, 0x78-0x7a), the
 * first-level permissions, the Accessed/Dirty updates (writes through the
 * second level: 0x77), then the output through the second level. */
static int nested(struct smmu_unit *u, const struct vctx *v, uint64_t iova, bool write, bool exec,
		  struct smmu_translation *out)
{
	struct smmu_config *cfg = &out->cfg;
	struct live_nest n = { .u = u, .cfg = cfg->s2pgt, .root = cfg->s2root, .max_in = v->mgaw };
	const struct smmu_pgt_xlate *x = &out->x;
	unsigned fr = 0;
	int rc;

	if ((rc = live_nest_open(&n))) {
		cfg_end(cfg, SMMU_CFG_FAULT, 0, NULL, "its second-level page-table configuration is unusable: %s",
			smmu_strerror(rc));
		return 0;
	}
	if ((rc = live_walk_nested(&n, &cfg->pgt, cfg->root, iova, out)) || !out->walked)
		goto done;
	if (out->stop == SMMU_STOP_FETCH) {
		const struct smmu_pgt_xlate *f = &out->s2_fetch[out->nfetch - 1];
		fr = f->fault == SMMU_PGT_F_PERM ? (out->nfetch == 1 ? 0x75 : 0x76) : sl_reason(f, 0x74);
		if (f->fault == SMMU_PGT_F_TABLE_READ && f->nsteps)
			out->fetch_addr = f->step[f->nsteps - 1].entry_pa;
	} else if (out->stop == SMMU_STOP_FETCH_READ) {
		fr = out->nfetch == 1 ? 0x73 : 0x70;
	} else if (!out->ok) {
		switch (x->fault) {
		case SMMU_PGT_F_INPUT_RANGE: fr = 0x80; break;
		case SMMU_PGT_F_INVALID: fr = 0x71; break;
		default: fr = 0x72; break;
		}
	} else if ((fr = fl_perm(v, x, write, exec))) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->x.perm_missing = fr == 0x82 ? SMMU_PROT_X : write ? SMMU_PROT_W : SMMU_PROT_R;
		out->stop = SMMU_STOP_WALK;
	} else {
		/* Accessed on every level, Dirty on the leaf of a write: each
		 * update is a write through the second level */
		for (unsigned i = 0; i < x->nsteps && !fr; i++) {
			uint64_t e = x->step[i].pte;
			if ((e & BIT(5)) && (i + 1 < x->nsteps || !write || (e & BIT(6))))
				continue;
			if (live_nest_s2(&n, x->step[i].entry_pa, SMMU_PROT_W, &out->s2_fetch[i]) == -EFAULT) {
				fr = out->s2_fetch[i].fault == SMMU_PGT_F_PERM ? 0x77 : sl_reason(&out->s2_fetch[i], 0x74);
				out->stop = SMMU_STOP_FETCH;
				out->nfetch = i + 1;
			}
		}
		if (!fr) {
			/* the output, a guest-physical address, through the second level */
			out->s2_walked = true;
			rc = live_nest_s2(&n, out->ipa, 0, &out->s2);
			if (rc && rc != -EFAULT)
				goto done;
			if (rc) {
				fr = sl_reason(&out->s2, 0x84);
			} else {
				bool slee = SMMU_GETW(VTD_PASID_SLEE, v->pe), r = true, w = true, xok = true;
				for (unsigned i = 0; i < out->s2.nsteps; i++) {
					uint64_t e = out->s2.step[i].pte;
					r &= e & 1;
					w &= e >> 1 & 1;
					if (slee)
						xok &= e >> 2 & 1;
				}
				fr = exec && !xok ? 0x82 : write && !w ? 0x85 : !write && !r ? 0x86 : 0;
				if (fr) {
					out->s2.fault = SMMU_PGT_F_PERM;
					out->s2.perm_missing = fr == 0x82 ? SMMU_PROT_X : write ? SMMU_PROT_W : SMMU_PROT_R;
				}
			}
			if (fr)
				out->stop = SMMU_STOP_OUTPUT;
			else
				out->pa = out->s2.oa;
		}
	}
	rc = 0;
	if (fr) {
		uint64_t at = out->fetch_addr;
		fault(out, v, fr);
		out->fetch_addr = at;
	}
done:
	live_nest_close(&n);
	return rc;
}

int vtd_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		  struct smmu_translation *out)
{
	struct smmu_config *cfg = &out->cfg;
	struct vctx v;
	int rc;

	if ((rc = resolve(u, s, access, cfg, &v)))
		return rc;
	bool write = access & SMMU_PROT_W, exec = !write && (access & SMMU_PROT_X);
	if (cfg->verdict == SMMU_CFG_BYPASS) {
		if (v.passthrough && (iova >> v.haw)) {
			fault(out, &v, v.scalable ? 0x83 : 0x4);
			return 0;
		}
		out->ok = true;
		out->pa = iova;
		return 0;
	}
	if (cfg->verdict != SMMU_CFG_TRANSLATE) {
		live_from_cfg(out);
		return 0;
	}
	bool fl = cfg->pgt.fmt == SMMU_PGT_VTD_FL;
	if (v.pgtt == PGTT_NESTED)
		return nested(u, &v, iova, write, exec, out);
	/* second level: an input beyond the AGAW or MGAW */
	if (!fl && ((iova >> cfg->pgt.ias) || (iova >> v.mgaw))) {
		fault(out, &v, v.scalable ? 0x83 : 0x4);
		return 0;
	}
	if ((rc = live_walk(u, &cfg->pgt, cfg->root, iova, 0, out)))
		return rc;
	const struct smmu_pgt_xlate *x = &out->x;
	if (!out->walked)
		return 0; /* unusable geometry: cfg says so */
	if (!out->ok) {
		unsigned fr;
		switch (x->fault) {
		case SMMU_PGT_F_INPUT_RANGE: fr = fl ? 0x80 : v.scalable ? 0x83 : 0x4; break;
		case SMMU_PGT_F_TABLE_READ: fr = fl ? (x->nsteps == 1 ? 0x73 : 0x70) : v.scalable ? 0x78 : 0x7; break;
		case SMMU_PGT_F_INVALID: fr = fl ? 0x71 : v.scalable ? 0x79 : write ? 0x5 : 0x6; break;
		default: fr = fl ? 0x72 : v.scalable ? 0x7a : 0xc; break; /* reserved bits */
		}
		fault(out, &v, fr);
		if (x->fault == SMMU_PGT_F_TABLE_READ && x->nsteps)
			out->fetch_addr = x->step[x->nsteps - 1].entry_pa;
		return 0;
	}
	/* Permissions, accumulated over every level (D8-style: the walk's steps). */
	unsigned fr = 0;
	if (fl) {
		fr = fl_perm(&v, x, write, exec);
	} else {
		bool slee = v.scalable && SMMU_GETW(VTD_PASID_SLEE, v.pe);
		bool r = true, w = true, xok = true;
		for (unsigned i = 0; i < x->nsteps; i++) {
			uint64_t e = x->step[i].pte;
			r &= e & 1;
			w &= e >> 1 & 1;
			if (slee)
				xok &= e >> 2 & 1;
		}
		if (!v.scalable) {
			/* legacy requests carry no execute attribute: a read */
			if (write ? !w : !r)
				fr = write ? 0x5 : 0x6;
		} else if (exec && !xok) {
			fr = 0x82;
		} else if (write && !w) {
			fr = 0x85;
		} else if (!write && !r) {
			fr = 0x86;
		}
	}
	if (fr) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->x.perm_missing = exec && fr == 0x82 ? SMMU_PROT_X : write ? SMMU_PROT_W : SMMU_PROT_R;
		fault(out, &v, fr);
	}
	return 0;
}
