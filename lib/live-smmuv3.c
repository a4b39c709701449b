/* SPDX-License-Identifier: MIT */
/*
 * SMMUv3 live configuration and translation: SMMU_CR0/GBPA, the stream table
 * (linear or 2-level), the STE, then the CD (linear or 2-level CD tables) for
 * stage 1, or the STE's stage-2 fields; then one access walked through them.
 *
 * Each structure is checked the way IHI 0070 says the SMMU checks it (5.2.2
 * SteIllegal, 5.4.2 CdIllegal, 7.3 the events and their conditions, 3.4 the
 * address-size rules), against what the unit's ID registers advertise, and a
 * stop names the event the SMMU records, or says that it records none.
 * Where the architecture leaves a choice (CONSTRAINED UNPREDICTABLE in
 * SMMUv3.0), the prediction takes the strict one: out-of-range addresses are
 * errors, never truncated.
 *
 * VMSAv8-32 LPAE tables (CD.AA64 = 0, STE.S2AA64 = 0), legal when IDR0.TTF[0]
 * says so, are walked too: a 32-bit VA split between TTB0 and TTB1 the way
 * TTBCR.T0SZ/T1SZ split it, a stage 2 sized by VTCR's signed T0SZ and SL0,
 * 4K tables with a 40-bit output, and the AArch32 permission rules.
 */
#include <errno.h>
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

/* What the unit advertises, read fresh for every lookup. */
struct v3 {
	uint32_t idr0, idr1, idr3, idr5, cr2;
	unsigned oas, ias, sidsize, ssidsize;
	bool aa32, aa64; /* IDR0.TTF */
};

/* One stage-1 translation table (TTB0 or TTB1) as the CD sets it up. */
struct s1tt {
	bool epd, tbi;
	unsigned granule, ia, ps;
	uint64_t ttb;
};

/* Everything a walk needs beyond the configuration's steps. */
struct v3cfg {
	struct v3 id;
	unsigned config;        /* STE.Config, 0 when the SMMU is disabled */
	bool disabled;          /* SMMUEN = 0 */
	bool s1;                /* stage 1 translates (not bypassed by S1DSS) */
	unsigned privcfg, instcfg;
	/* stage 1 */
	struct s1tt tt[2];
	bool aa64, affd, wxn, pan, r;
	bool s1aa32, uwxn;      /* VMSAv8-32 LPAE stage 1 (CD.AA64 = 0), CD.UWXN */
	unsigned t0sz32, t1sz32;/* its TTBCR-style split */
	bool s2aa32;            /* VMSAv8-32 LPAE stage 2 (STE.S2AA64 = 0) */
	/* stage 2 */
	struct smmu_pgt_cfg s2;
	uint64_t s2ttb;
	bool s2affd, s2r;
	/* nested: the CD and stage-1 tables are at IPAs, read through stage 2 */
	bool nested;
	struct live_nest nest;
};

static unsigned ps_bits(const struct v3 *id, unsigned enc)
{
	static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	unsigned b = bits[enc & 7];

	return b > id->oas ? id->oas : b;
}

static int read_id(struct smmu_unit *u, struct v3 *id)
{
	static const unsigned oas[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
	int rc;

	if ((rc = reg_read32_kept(u, SMMUV3_IDR0, true, &id->idr0)) ||
	    (rc = reg_read32_kept(u, SMMUV3_IDR1, true, &id->idr1)) ||
	    (rc = reg_read32_kept(u, SMMUV3_IDR3, true, &id->idr3)) ||
	    (rc = reg_read32_kept(u, SMMUV3_IDR5, true, &id->idr5)) ||
	    (rc = reg_read32_kept(u, SMMUV3_CR2, false, &id->cr2)))
		return rc;
	id->oas = oas[SMMU_GET(SMMUV3_IDR5_OAS, id->idr5)];
	id->aa32 = SMMU_GET(SMMUV3_IDR0_TTF, id->idr0) & 1;
	id->aa64 = SMMU_GET(SMMUV3_IDR0_TTF, id->idr0) & 2;
	/* 3.4: IAS = MAX(TTF[0] ? 40 : 0, TTF[1] ? OAS : 0) */
	id->ias = id->aa64 ? id->oas : 0;
	if (id->aa32 && id->ias < 40)
		id->ias = 40;
	id->sidsize = SMMU_GET(SMMUV3_IDR1_SIDSIZE, id->idr1);
	id->ssidsize = SMMU_GET(SMMUV3_IDR1_SSIDSIZE, id->idr1);
	return 0;
}

/* Granule (bytes) of a TG0/S2TG encoding, 0 when reserved or unsupported. */
static unsigned tg0_granule(const struct v3 *id, unsigned tg)
{
	switch (tg) {
	case SMMUV3_TG_4K: return SMMU_GET(SMMUV3_IDR5_GRAN4K, id->idr5) ? 4096 : 0;
	case SMMUV3_TG_16K: return SMMU_GET(SMMUV3_IDR5_GRAN16K, id->idr5) ? 16384 : 0;
	case SMMUV3_TG_64K: return SMMU_GET(SMMUV3_IDR5_GRAN64K, id->idr5) ? 65536 : 0;
	}
	return 0;
}

/* TG1 encodes the granules differently: 1 16K, 2 4K, 3 64K. */
static unsigned tg1_granule(const struct v3 *id, unsigned tg)
{
	static const unsigned as_tg0[4] = { 3, SMMUV3_TG_16K, SMMUV3_TG_4K, SMMUV3_TG_64K };

	return tg0_granule(id, as_tg0[tg & 3]);
}

static unsigned log2u(unsigned v)
{
	return (unsigned)__builtin_ctz(v);
}

/* Levels of a stage-1 walk: the start level resolves the bits left over. */
static int s1_start(unsigned granule, unsigned ia)
{
	unsigned g = log2u(granule), stride = g - 3;

	return 4 - (int)((ia - g + stride - 1) / stride);
}

/* Translation table bases are aligned to the table's size (at least 64
 * bytes; VMSAv8-32's TTBCR/VTCR bases have no such floor): lower bits are
 * taken as zero. */
static uint64_t table_base(uint64_t ttb, unsigned granule, unsigned ia, int start, bool aa32)
{
	unsigned g = log2u(granule), bits = ia - (g + (g - 3) * (unsigned)(3 - start)) + 3;

	return ttb & ~((bits < 6 && !aa32 ? 64ULL : 1ULL << bits) - 1);
}

#define AA32_OAS 40 /* VMSAv8-32 LPAE: CD.IPS and STE.S2PS are IGNORED */

/* Stage 2 start level from S2SL0 (VTCR_EL2.SL0), -1 when reserved or
 * inconsistent with S2T0SZ (no bits left, or more than 16 concatenated tables). */
static int s2_start(unsigned granule, unsigned ia, unsigned sl0)
{
	unsigned g = log2u(granule), stride = g - 3, shift;
	int sl;

	if (sl0 == 3)
		return -1;
	sl = granule == 4096 ? 2 - (int)sl0 : 3 - (int)sl0;
	if (sl < 0 || (granule == 65536 && sl == 0))
		return -1;
	shift = g + stride * (unsigned)(3 - sl);
	if (ia <= shift || ia - shift > stride + 4)
		return -1;
	return sl;
}

/* The event a walk's stop is recorded as. */
static unsigned walk_event(int f)
{
	switch (f) {
	case SMMU_PGT_F_ACCESS: return SMMUV3_EVT_F_ACCESS;
	case SMMU_PGT_F_ADDR_SIZE: return SMMUV3_EVT_F_ADDR_SIZE;
	case SMMU_PGT_F_PERM: return SMMUV3_EVT_F_PERMISSION;
	case SMMU_PGT_F_TABLE_READ: return SMMUV3_EVT_F_WALK_EABT;
	default: return SMMUV3_EVT_F_TRANSLATION; /* invalid, reserved encodings, input range */
	}
}

/* Read a structure; a fetch that fails ends the configuration with `evt`
 * (F_STE_FETCH or F_CD_FETCH) and the address.  Addresses beyond the OAS
 * are not fetched either. */
static int fetch(struct smmu_unit *u, const struct v3 *id, struct smmu_config *cfg, const char *what,
		 const char *kind, uint64_t pa, unsigned nwords, const uint64_t **w, unsigned evt)
{
	int rc = pa >> id->oas ? -EFAULT : cfg_read(u, cfg, what, kind, pa, nwords, w);

	if (rc == -EFAULT) {
		char ram[128];

		STOP(cfg, SMMU_CFG_FAULT, evt, "the %s at 0x%" PRIx64 " cannot be read%s", what, pa,
		     cfg_where(u, pa, ram, sizeof(ram)));
		cfg->fetch_addr = pa;
	}
	return rc;
}

/* Stage 2 of a nested configuration's fetch or output: where it stopped, for reasons. */
static void s2_where(char *buf, size_t n, const struct smmu_pgt_xlate *x)
{
	if (x->fault == SMMU_PGT_F_INPUT_RANGE || !x->nsteps)
		snprintf(buf, n, "%s", smmu_pgt_fault_name(x->fault));
	else
		snprintf(buf, n, "level %d (0x%016" PRIx64 " at 0x%" PRIx64 "): %s", x->fault_level,
			 x->step[x->nsteps - 1].pte, x->step[x->nsteps - 1].entry_pa, smmu_pgt_fault_name(x->fault));
}

/* A CD-side structure (L1CD, CD): nested, its address is an IPA that stage
 * 2 translates first (IHI 0070 3.3.2: a stage-2 fault there is recorded
 * with CLASS=CD, under STE.S2R); then the fetch. */
static int s1_fetch(struct smmu_unit *u, struct v3cfg *c, struct smmu_config *cfg, const char *what,
		    const char *kind, uint64_t addr, unsigned nwords, const uint64_t **w)
{
	struct smmu_pgt_xlate x;
	char where[160];
	int rc;

	if (!c->nested)
		return fetch(u, &c->id, cfg, what, kind, addr, nwords, w, SMMUV3_EVT_F_CD_FETCH);
	rc = live_nest_s2(&c->nest, addr, SMMU_PROT_R, &x);
	if (rc == -EFAULT) {
		s2_where(where, sizeof(where), &x);
		STOP(cfg, SMMU_CFG_FAULT, walk_event(x.fault), "stage 2 cannot translate the %s's IPA 0x%" PRIx64 ": %s",
		     what, addr, where);
		cfg->quiet = x.fault != SMMU_PGT_F_TABLE_READ && !c->s2r;
		if (x.fault == SMMU_PGT_F_TABLE_READ && x.nsteps)
			cfg->fetch_addr = x.step[x.nsteps - 1].entry_pa;
		return -EFAULT;
	}
	if (rc)
		return rc;
	if ((rc = fetch(u, &c->id, cfg, what, kind, x.oa, nwords, w, SMMUV3_EVT_F_CD_FETCH)))
		return rc;
	cfg->step[cfg->nsteps - 1].at_ipa = true;
	cfg->step[cfg->nsteps - 1].ipa = addr;
	return 0;
}

/* 5.2.2 SteIllegal() for a Non-secure stream on this unit: NULL when legal,
 * else why not.  Fills the stage-2 part of c. */
static const char *ste_illegal(const uint64_t *ste, struct v3cfg *c)
{
	const struct v3 *id = &c->id;
	unsigned config = SMMU_GETW(SMMUV3_STE_Config, ste);
	unsigned stall = SMMU_GET(SMMUV3_IDR0_STALL_MODEL, id->idr0);

	if ((config & 1) && !SMMU_GET(SMMUV3_IDR0_S1P, id->idr0))
		return "stage 1 is not implemented (IDR0.S1P=0)";
	if (config & 2) {
		unsigned tg = SMMU_GETW(SMMUV3_STE_S2TG, ste), g = tg0_granule(id, tg);
		unsigned t0sz = SMMU_GETW(SMMUV3_STE_S2T0SZ, ste);
		bool aa64 = SMMU_GETW(SMMUV3_STE_S2AA64, ste);
		int sl;

		if (!SMMU_GET(SMMUV3_IDR0_S2P, id->idr0))
			return "stage 2 is not implemented (IDR0.S2P=0)";
		if (SMMU_GETW(SMMUV3_STE_S2S, ste) && stall == 1)
			return "S2S=1 but the SMMU cannot stall";
		if (!aa64 && !id->aa32)
			return "S2AA64=0 (VMSAv8-32 LPAE) is not supported (IDR0.TTF)";
		if (aa64 && !id->aa64)
			return "S2AA64=1 (VMSAv8-64) is not supported (IDR0.TTF)";
		if (!aa64) {
			/* VMSAv8-32 LPAE (VTCR): S2TG and S2PS are IGNORED (4K,
			 * 40-bit output), S2T0SZ[3:0] is signed (-8..7: 25-40
			 * bits), S2SL0 0 starts at level 2 and 1 at level 1 */
			int vt0sz = (int)(t0sz & 0xf) - (t0sz & 8 ? 16 : 0);
			unsigned sl0 = SMMU_GETW(SMMUV3_STE_S2SL0, ste);

			if (SMMU_GETW(SMMUV3_STE_S2HA, ste) || SMMU_GETW(SMMUV3_STE_S2HD, ste))
				return "S2HA/S2HD set with VMSAv8-32 LPAE stage 2 tables";
			c->s2aa32 = true;
			c->s2 = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S2, .granule = 4096, .ias = (unsigned)(32 - vt0sz),
						       .oas = AA32_OAS,
						       .flags = SMMU_PGT_CFG_START_LEVEL | SMMU_PGT_CFG_AARCH32 };
			c->s2ttb = SMMU_ADDRW(SMMUV3_STE_S2TTB, ste);
			if (c->s2ttb >> AA32_OAS)
				return "S2TTB is beyond the 40-bit output of VMSAv8-32 LPAE";
			if (sl0 > 1 || (sl = s2_start(4096, c->s2.ias, sl0)) < 0)
				return "S2SL0 is inconsistent with S2T0SZ (VMSAv8-32 LPAE)";
		} else {
			if ((SMMU_GETW(SMMUV3_STE_S2HA, ste) || SMMU_GETW(SMMUV3_STE_S2HD, ste)) &&
			    !SMMU_GET(SMMUV3_IDR0_HTTU, id->idr0))
				return "S2HA/S2HD set but the SMMU has no HTTU";
			if (SMMU_GETW(SMMUV3_STE_S2HD, ste) && SMMU_GET(SMMUV3_IDR0_HTTU, id->idr0) == 1)
				return "S2HD set but the SMMU updates the Access flag only";
			if (!g)
				return "S2TG is reserved or not supported";
			c->s2 = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S2, .granule = g, .ias = 64 - t0sz,
						       .oas = ps_bits(id, SMMU_GETW(SMMUV3_STE_S2PS, ste)),
						       .flags = SMMU_PGT_CFG_START_LEVEL };
			c->s2ttb = SMMU_ADDRW(SMMUV3_STE_S2TTB, ste);
			if (c->s2ttb >> c->s2.oas)
				return "S2TTB is beyond the stage-2 output size (S2PS)";
			/* S2T0SZ out of range: ILLEGAL (the strict choice SMMUv3.1 makes) */
			if (t0sz < 64 - id->ias || t0sz > 48)
				return "S2T0SZ is out of range";
			if ((sl = s2_start(g, c->s2.ias, SMMU_GETW(SMMUV3_STE_S2SL0, ste))) < 0)
				return "S2SL0 is inconsistent with S2T0SZ and S2TG";
		}
		c->s2.start_level = sl;
		c->s2ttb = table_base(c->s2ttb, c->s2.granule, c->s2.ias, sl, c->s2aa32);
		if (SMMU_GET(SMMUV3_IDR0_TTENDIAN, id->idr0) == 2 && SMMU_GETW(SMMUV3_STE_S2ENDI, ste))
			return "S2ENDI=big-endian but the SMMU is little-endian only";
		if (SMMU_GET(SMMUV3_IDR0_TTENDIAN, id->idr0) == 3 && !SMMU_GETW(SMMUV3_STE_S2ENDI, ste))
			return "S2ENDI=little-endian but the SMMU is big-endian only";
		c->s2affd = SMMU_GETW(SMMUV3_STE_S2AFFD, ste) || (!c->s2aa32 && SMMU_GETW(SMMUV3_STE_S2HA, ste));
		c->s2r = SMMU_GETW(SMMUV3_STE_S2R, ste);
	}
	if (config & 1) {
		unsigned cdmax = SMMU_GETW(SMMUV3_STE_S1CDMax, ste), fmt = SMMU_GETW(SMMUV3_STE_S1Fmt, ste);
		uint64_t ptr = SMMU_ADDRW(SMMUV3_STE_S1ContextPtr, ste);

		if (SMMU_GETW(SMMUV3_STE_S1STALLD, ste) && stall != 0)
			return "S1STALLD=1 but the SMMU does not support stalling and terminating";
		if (id->ssidsize && cdmax > id->ssidsize)
			return "S1CDMax is beyond IDR1.SSIDSIZE";
		if (id->ssidsize && cdmax && !SMMU_GET(SMMUV3_IDR0_CD2L, id->idr0) && (fmt == 1 || fmt == 2))
			return "S1Fmt selects 2-level CD tables, which the SMMU does not support";
		if (id->ssidsize && cdmax && SMMU_GETW(SMMUV3_STE_S1DSS, ste) == 3)
			return "S1DSS is reserved (0b11)";
		if (ptr >> ((config & 2) ? c->s2.ias : id->oas))
			return "S1ContextPtr is beyond the address size";
	}
	/* STRW is IGNORED without IDR0.Hyp; with it, the EL2 stream worlds are
	 * not modelled here. */
	if (SMMU_GET(SMMUV3_IDR0_Hyp, id->idr0) && (config & 3) == 1 && (SMMU_GETW(SMMUV3_STE_STRW, ste) & 1))
		return "STRW is reserved";
	return NULL;
}

/* One TTBx of a CD, 5.4.2: NULL when legal. */
static const char *tt_illegal(const struct v3 *id, const uint64_t *cd, bool one, struct s1tt *tt)
{
	unsigned tsz = one ? SMMU_GETW(SMMUV3_CD_T1SZ, cd) : SMMU_GETW(SMMUV3_CD_T0SZ, cd);
	unsigned tg = one ? SMMU_GETW(SMMUV3_CD_TG1, cd) : SMMU_GETW(SMMUV3_CD_TG0, cd);
	unsigned g = one ? tg1_granule(id, tg) : tg0_granule(id, tg);
	unsigned min = 16, max = 39;

	tt->epd = one ? SMMU_GETW(SMMUV3_CD_EPD1, cd) : SMMU_GETW(SMMUV3_CD_EPD0, cd);
	tt->tbi = one ? SMMU_GETW(SMMUV3_CD_TBI1, cd) : SMMU_GETW(SMMUV3_CD_TBI0, cd);
	if (tt->epd)
		return NULL; /* the fields of a disabled TTBx are IGNORED */
	/* CDTxSZInvalid: 39 (48 with small tables, IDR3.STT), 16 (12 with VAX and 64K) */
	if (SMMU_GET(SMMUV3_IDR3_STT, id->idr3))
		max = g == 65536 ? 47 : 48;
	if (SMMU_GET(SMMUV3_IDR5_VAX, id->idr5) && g == 65536)
		min = 12;
	if (tsz < min || tsz > max)
		return one ? "T1SZ is out of range" : "T0SZ is out of range";
	if (!g)
		return one ? "TG1 is reserved or not supported" : "TG0 is reserved or not supported";
	tt->granule = g;
	tt->ia = 64 - tsz;
	tt->ps = ps_bits(id, SMMU_GETW(SMMUV3_CD_IPS, cd));
	tt->ttb = one ? SMMU_ADDRW(SMMUV3_CD_TTB1, cd) : SMMU_ADDRW(SMMUV3_CD_TTB0, cd);
	if (tt->ttb >> tt->ps)
		return one ? "TTB1 is beyond the IPS" : "TTB0 is beyond the IPS";
	if (g != 65536 && tt->ps > 48)
		tt->ps = 48; /* 52-bit output needs the 64K granule (no DS) */
	tt->ttb = table_base(tt->ttb, g, tt->ia, s1_start(g, tt->ia), false);
	return NULL;
}

/* One TTBx of a VMSAv8-32 LPAE CD: T0SZ/T1SZ are 3 bits (all legal), TGx
 * and IPS are IGNORED (4K, 40-bit output), TBI does not apply. */
static const char *tt_illegal_aa32(const uint64_t *cd, bool one, struct s1tt *tt)
{
	unsigned tsz = (unsigned)(one ? SMMU_GETW(SMMUV3_CD_T1SZ, cd) : SMMU_GETW(SMMUV3_CD_T0SZ, cd)) & 7;

	tt->epd = one ? SMMU_GETW(SMMUV3_CD_EPD1, cd) : SMMU_GETW(SMMUV3_CD_EPD0, cd);
	tt->tbi = false;
	if (tt->epd)
		return NULL;
	tt->granule = 4096;
	tt->ia = 32 - tsz;
	tt->ps = AA32_OAS;
	tt->ttb = one ? SMMU_ADDRW(SMMUV3_CD_TTB1, cd) : SMMU_ADDRW(SMMUV3_CD_TTB0, cd);
	if (tt->ttb >> AA32_OAS)
		return one ? "TTB1 is beyond the 40-bit output of VMSAv8-32 LPAE" : "TTB0 is beyond the 40-bit output of VMSAv8-32 LPAE";
	tt->ttb = table_base(tt->ttb, 4096, tt->ia, s1_start(4096, tt->ia), true);
	return NULL;
}

/* 5.4.2 CdIllegal(): NULL when legal.  Fills the stage-1 part of c. */
static const char *cd_illegal(const uint64_t *cd, struct v3cfg *c)
{
	const struct v3 *id = &c->id;
	unsigned stall = SMMU_GET(SMMUV3_IDR0_STALL_MODEL, id->idr0);
	unsigned httu = SMMU_GET(SMMUV3_IDR0_HTTU, id->idr0), endian = SMMU_GET(SMMUV3_IDR0_TTENDIAN, id->idr0);
	bool epd0 = SMMU_GETW(SMMUV3_CD_EPD0, cd), epd1 = SMMU_GETW(SMMUV3_CD_EPD1, cd);
	const char *why;

	if (!SMMU_GETW(SMMUV3_CD_V, cd))
		return "not valid (V=0)";
	if (SMMU_GET(SMMUV3_IDR0_TERM_MODEL, id->idr0) && !SMMU_GETW(SMMUV3_CD_A, cd))
		return "A=0 but the SMMU terminates with an abort only (TERM_MODEL=1)";
	if (stall == 1 && SMMU_GETW(SMMUV3_CD_S, cd))
		return "S=1 but the SMMU cannot stall";
	if (stall == 2 && !SMMU_GETW(SMMUV3_CD_S, cd))
		return "S=0 but the SMMU always stalls";
	if ((!epd0 || !epd1) && ((endian == 2 && SMMU_GETW(SMMUV3_CD_ENDI, cd)) ||
				 (endian == 3 && !SMMU_GETW(SMMUV3_CD_ENDI, cd))))
		return "ENDI selects an endianness the SMMU does not support";
	c->aa64 = SMMU_GETW(SMMUV3_CD_AA64, cd);
	if (!c->aa64 && !id->aa32)
		return "AA64=0 (VMSAv8-32 LPAE) but IDR0.TTF has no AArch32 tables";
	if (c->aa64 && !id->aa64)
		return "AA64=1 but IDR0.TTF has no AArch64 tables";
	if (c->aa64 && c->nested && c->s2aa32)
		return "AA64=1 (VMSAv8-64) on a VMSAv8-32 LPAE stage 2";
	if (!c->aa64 && ((why = tt_illegal_aa32(cd, false, &c->tt[0])) || (why = tt_illegal_aa32(cd, true, &c->tt[1]))))
		return why;
	if (!c->aa64 && !SMMU_GET(SMMUV3_IDR0_ASID16, id->idr0) && (SMMU_GETW(SMMUV3_CD_ASID, cd) >> 8))
		return "a 16-bit ASID but the SMMU has 8-bit ASIDs";
	if (!c->aa64) {
		/* HA/HD are IGNORED with VMSAv8-32 tables */
		c->s1aa32 = true;
		c->uwxn = SMMU_GETW(SMMUV3_CD_UWXN, cd);
		c->t0sz32 = (unsigned)SMMU_GETW(SMMUV3_CD_T0SZ, cd) & 7;
		c->t1sz32 = (unsigned)SMMU_GETW(SMMUV3_CD_T1SZ, cd) & 7;
		goto flags;
	}
	if (((SMMU_GETW(SMMUV3_CD_HA, cd) || SMMU_GETW(SMMUV3_CD_HD, cd)) && !httu) ||
	    (SMMU_GETW(SMMUV3_CD_HD, cd) && httu == 1))
		return "HA/HD ask for flag updates the SMMU does not make";
	if (!SMMU_GET(SMMUV3_IDR0_ASID16, id->idr0) && (SMMU_GETW(SMMUV3_CD_ASID, cd) >> 8))
		return "a 16-bit ASID but the SMMU has 8-bit ASIDs";
	if ((why = tt_illegal(id, cd, false, &c->tt[0])) || (why = tt_illegal(id, cd, true, &c->tt[1])))
		return why;
flags:
	/* HTTU setting the Access flag (HA, IGNORED in VMSAv8-32) is as good as no fault */
	c->affd = SMMU_GETW(SMMUV3_CD_AFFD, cd) || (!c->s1aa32 && SMMU_GETW(SMMUV3_CD_HA, cd));
	c->wxn = SMMU_GETW(SMMUV3_CD_WXN, cd);
	c->pan = SMMU_GETW(SMMUV3_CD_PAN, cd);
	c->r = SMMU_GETW(SMMUV3_CD_R, cd);
	return NULL;
}

/* Stage 1: the CD for this substream, checked. */
static int stage1(struct smmu_unit *u, const uint64_t *ste, uint32_t ssid, struct smmu_config *cfg,
		  struct v3cfg *c)
{
	const struct v3 *id = &c->id;
	unsigned fmt = SMMU_GETW(SMMUV3_STE_S1Fmt, ste);
	unsigned cdmax = SMMU_GETW(SMMUV3_STE_S1CDMax, ste);
	uint64_t ptr = SMMU_ADDRW(SMMUV3_STE_S1ContextPtr, ste), cd_pa;
	const uint64_t *cd, *l1;
	const char *why;
	int rc;

	if (!cdmax || !id->ssidsize || fmt == 0 || fmt == 3) {
		cd_pa = ptr + (uint64_t)ssid * 64;
	} else {
		unsigned split = fmt == 1 ? 6 : 10; /* 4 KiB or 64 KiB leaf CD tables */
		uint64_t l1_pa = ptr + (uint64_t)(ssid >> split) * 8, l2;

		if ((rc = s1_fetch(u, c, cfg, "L1 CD descriptor", "smmuv3.l1cd", l1_pa, 1, &l1)))
			return rc;
		l2 = SMMU_ADDRW(SMMUV3_L1CD_L2Ptr, l1);
		/* nested, L2Ptr is an IPA: checked against the stage-2 input size */
		if (!SMMU_GETW(SMMUV3_L1CD_V, l1) || l2 >> (c->nested ? c->s2.ias : id->oas)) {
			/* 7.3.9: an L1CD with V=0, or an L2Ptr out of range */
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_SUBSTREAMID,
			     "the level-1 CD descriptor for SubstreamID 0x%x %s", ssid,
			     SMMU_GETW(SMMUV3_L1CD_V, l1) ? "points beyond the OAS" : "is not valid (V=0)");
			return 0;
		}
		cd_pa = l2 + (uint64_t)(ssid & ((1u << split) - 1)) * 64;
	}
	if ((rc = s1_fetch(u, c, cfg, "CD", "smmuv3.cd", cd_pa, 8, &cd)))
		return rc;
	if ((why = cd_illegal(cd, c))) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_CD, "the CD at 0x%" PRIx64 " is ILLEGAL: %s", cd_pa, why);
		return 0;
	}
	/* The configuration (no address yet): TTB0, or TTB1 when TTB0 is disabled. */
	const struct s1tt *tt = &c->tt[c->tt[0].epd && !c->tt[1].epd];
	if (tt->epd) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_F_TRANSLATION,
		     "both TTB0 and TTB1 walks are disabled in the CD (EPD0=EPD1=1): every address faults");
		cfg->quiet = !c->r;
		return 0;
	}
	cfg->pgt = (struct smmu_pgt_cfg){ .fmt = SMMU_PGT_LPAE_S1, .granule = tt->granule, .ias = tt->ia,
					  .oas = tt->ps, .flags = c->s1aa32 ? SMMU_PGT_CFG_AARCH32 : 0 };
	cfg->root = tt->ttb;
	cfg->af_used = c->affd;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "stage 1%s, ASID %u, %u KiB granule, %u-bit input, TTB%d 0x%" PRIx64,
	     c->s1aa32 ? " (VMSAv8-32 LPAE)" : "", (unsigned)SMMU_GETW(SMMUV3_CD_ASID, cd), tt->granule / 1024, tt->ia,
	     tt == &c->tt[1], tt->ttb);
	if (c->nested) {
		size_t n = strlen(cfg->reason);
		cfg->nested = true;
		cfg->s2pgt = c->s2;
		cfg->s2root = c->s2ttb;
		cfg->s2_af_used = c->s2affd;
		snprintf(cfg->reason + n, sizeof(cfg->reason) - n,
			 " (an IPA); nested in stage 2%s, VMID %u, %u KiB granule, %u-bit IPA, S2TTB 0x%" PRIx64,
			 c->s2aa32 ? " (VMSAv8-32 LPAE)" : "", (unsigned)SMMU_GETW(SMMUV3_STE_S2VMID, ste),
			 c->s2.granule / 1024, c->s2.ias, c->s2ttb);
	}
	return 0;
}

static void stage2_cfg(struct smmu_config *cfg, const uint64_t *ste, const struct v3cfg *c)
{
	cfg->pgt = c->s2;
	cfg->root = c->s2ttb;
	cfg->af_used = c->s2affd;
	STOP(cfg, SMMU_CFG_TRANSLATE, 0, "stage 2%s, VMID %u, %u KiB granule, %u-bit input, S2TTB 0x%" PRIx64,
	     c->s2aa32 ? " (VMSAv8-32 LPAE)" : "", (unsigned)SMMU_GETW(SMMUV3_STE_S2VMID, ste), c->s2.granule / 1024,
	     c->s2.ias, c->s2ttb);
}

/* The configuration for a stream, as the SMMU reads it; c gets what a walk needs. */
static int resolve(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg, struct v3cfg *c)
{
	const struct v3 *id = &c->id;
	uint32_t sid = s->sid, ssid = s->ssv ? s->ssid : 0;
	uint32_t cr0, gbpa, scfg;
	uint64_t base, ste_pa;
	const uint64_t *ste, *l1;
	const char *why;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = read_id(u, &c->id)) || (rc = reg_read32_kept(u, SMMUV3_CR0, false, &cr0)))
		return rc;
	if (!SMMU_GET(SMMUV3_CR0_SMMUEN, cr0)) {
		c->disabled = true;
		if ((rc = reg_read32(u, SMMUV3_GBPA, &gbpa)))
			return rc;
		cfg_reg(cfg, "SMMU_GBPA", "smmuv3.gbpa", SMMUV3_GBPA, gbpa);
		if (SMMU_GET(SMMUV3_GBPA_ABORT, gbpa)) {
			STOP(cfg, SMMU_CFG_ABORT, 0, "the SMMU is disabled (SMMUEN=0) and GBPA.ABORT is set: all DMA aborts");
			cfg->quiet = true;
		} else {
			STOP(cfg, SMMU_CFG_BYPASS, 0, "the SMMU is disabled (SMMUEN=0): DMA bypasses translation (GBPA)");
		}
		return 0;
	}
	if ((rc = reg_read64_kept(u, SMMUV3_STRTAB_BASE, false, &base)) ||
	    (rc = reg_read32_kept(u, SMMUV3_STRTAB_BASE_CFG, false, &scfg)))
		return rc;
	cfg_reg(cfg, "SMMU_STRTAB_BASE", "smmuv3.strtab_base", SMMUV3_STRTAB_BASE, base);
	cfg_reg(cfg, "SMMU_STRTAB_BASE_CFG", "smmuv3.strtab_base_cfg", SMMUV3_STRTAB_BASE_CFG, scfg);
	base &= SMMU_MASK(SMMUV3_STRTAB_BASE_ADDR);
	/* the effective LOG2SIZE is MIN(LOG2SIZE, IDR1.SIDSIZE) */
	unsigned log2size = SMMU_GET(SMMUV3_STRTAB_BASE_CFG_LOG2SIZE, scfg), field_log2size = log2size;
	bool record_sid = SMMU_GET(SMMUV3_CR2_RECINVSID, id->cr2);
	if (log2size > id->sidsize)
		log2size = id->sidsize;
	if ((uint64_t)sid >> log2size) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STREAMID, "StreamID 0x%x is beyond the stream table (LOG2SIZE=%u)%s",
		     sid, log2size, record_sid ? "" : "; not recorded (CR2.RECINVSID=0)");
		cfg->quiet = !record_sid;
		return 0;
	}
	if (SMMU_GET(SMMUV3_STRTAB_BASE_CFG_FMT, scfg) == SMMUV3_STRTAB_FMT_2LVL) {
		unsigned split = smmuv3_strtab_split(scfg);
		/* 6.3.24: the base is aligned to the level-1 table's size (at
		 * least 64 bytes): ADDR[MAX(5, LOG2SIZE - SPLIT + 2):0] = 0 */
		int l1bits = (int)field_log2size - (int)split + 2;
		base &= ~((2ULL << (l1bits > 5 ? l1bits : 5)) - 1);
		if ((rc = fetch(u, id, cfg, "L1 stream table descriptor", "smmuv3.l1std", base + (uint64_t)(sid >> split) * 8,
				1, &l1, SMMUV3_EVT_F_STE_FETCH)))
			return rc;
		/* Span 12-31 is reserved and behaves as 0; it may reach SPLIT + 1 */
		unsigned span = SMMU_GETW(SMMUV3_L1STD_Span, l1);
		if (!span || span > 11 || span > split + 1 || (sid & ((1u << split) - 1)) >> (span - 1)) {
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STREAMID,
			     "no level-2 stream table covers StreamID 0x%x (L1 descriptor Span=%u)%s", sid, span,
			     record_sid ? "" : "; not recorded (CR2.RECINVSID=0)");
			cfg->quiet = !record_sid;
			return 0;
		}
		/* L2Ptr[5 + (Span - 1):0] are taken as 0: the array is aligned to its size */
		uint64_t l2 = SMMU_ADDRW(SMMUV3_L1STD_L2Ptr, l1) & ~((1ULL << (5 + span)) - 1);
		ste_pa = l2 + (uint64_t)(sid & ((1u << split) - 1)) * 64;
	} else {
		/* 6.3.24: a linear table's base is aligned to its size: ADDR[LOG2SIZE + 5:0] = 0 */
		base = field_log2size + 6 >= 64 ? 0 : base & ~((1ULL << (field_log2size + 6)) - 1);
		ste_pa = base + (uint64_t)sid * 64;
	}
	if ((rc = fetch(u, id, cfg, "STE", "smmuv3.ste", ste_pa, 8, &ste, SMMUV3_EVT_F_STE_FETCH)))
		return rc;
	if (!SMMU_GETW(SMMUV3_STE_V, ste)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STE, "the STE for StreamID 0x%x at 0x%" PRIx64 " is not valid (V=0)", sid,
		     ste_pa);
		return 0;
	}
	c->config = SMMU_GETW(SMMUV3_STE_Config, ste);
	if (!(c->config & 4)) {
		/* 0b000 aborts; the reserved 0b001-0b011 behave as abort too */
		STOP(cfg, SMMU_CFG_ABORT, 0, "the STE for StreamID 0x%x aborts every transaction (Config=%s)", sid,
		     c->config ? "reserved" : "abort");
		cfg->quiet = true;
		return 0;
	}
	if ((why = ste_illegal(ste, c))) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_STE, "the STE for StreamID 0x%x is ILLEGAL: %s", sid, why);
		return 0;
	}
	if (SMMU_GET(SMMUV3_IDR1_ATTR_PERMS_OVR, id->idr1)) {
		c->privcfg = SMMU_GETW(SMMUV3_STE_PRIVCFG, ste);
		c->instcfg = SMMU_GETW(SMMUV3_STE_INSTCFG, ste);
	}
	unsigned cdmax = id->ssidsize ? SMMU_GETW(SMMUV3_STE_S1CDMax, ste) : 0;
	c->s1 = c->config & 1;
	/* 7.3.9 C_BAD_SUBSTREAMID: a SubstreamID where stage 1 is off or has
	 * no substreams, or beyond S1CDMax */
	if (s->ssv && (!c->s1 || !cdmax || (uint64_t)ssid >> cdmax)) {
		STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_C_BAD_SUBSTREAMID,
		     !c->s1 ? "a SubstreamID (0x%x) but the STE does not translate at stage 1"
		     : !cdmax ? "a SubstreamID (0x%x) but the STE has no substreams (S1CDMax=0)"
			      : "SubstreamID 0x%x is beyond S1CDMax", ssid);
		return 0;
	}
	if (c->s1 && cdmax) {
		unsigned dss = SMMU_GETW(SMMUV3_STE_S1DSS, ste);
		/* 7.3.7 F_STREAM_DISABLED */
		if (!s->ssv && dss == 0) {
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_F_STREAM_DISABLED,
			     "the STE has substreams (S1CDMax=%u) and S1DSS=terminate: requests without a SubstreamID abort",
			     cdmax);
			return 0;
		}
		if (s->ssv && ssid == 0 && dss == 2) {
			STOP(cfg, SMMU_CFG_FAULT, SMMUV3_EVT_F_STREAM_DISABLED,
			     "SubstreamID 0 is reserved for requests without one (S1DSS=substream0)");
			return 0;
		}
		if (!s->ssv && dss == 1)
			c->s1 = false; /* S1DSS=bypass: stage 1 is skipped */
	}
	if (!c->s1 && !(c->config & 2)) {
		STOP(cfg, SMMU_CFG_BYPASS, 0, c->config & 1 ? "S1DSS=bypass: requests without a SubstreamID skip stage 1"
						       : "the STE for StreamID 0x%x bypasses translation (Config=bypass)", sid);
		return 0;
	}
	if (!c->s1) {
		stage2_cfg(cfg, ste, c);
		return 0;
	}
	if (c->config & 2) {
		/* Nested: the CD and the stage-1 tables are at IPAs, every read
		 * of them translated by stage 2 */
		c->nested = true;
		c->nest = (struct live_nest){ .u = u, .cfg = c->s2, .root = c->s2ttb, .affd = c->s2affd };
		if ((rc = live_nest_open(&c->nest))) {
			cfg_end(cfg, SMMU_CFG_FAULT, 0, NULL, "its stage-2 page-table configuration is unusable: %s",
				smmu_strerror(rc));
			return 0;
		}
	}
	return stage1(u, ste, ssid, cfg, c);
}

int smmuv3_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg)
{
	struct v3cfg c;
	int rc = resolve(u, s, cfg, &c);

	live_nest_close(&c.nest);
	return rc;
}

/* --- one access ------------------------------------------------------------ */

static void fault(struct smmu_translation *out, unsigned id, bool quiet)
{
	out->ok = false;
	out->code = id;
	out->code_name = event_name(id);
	out->quiet = quiet;
}

/* Walk one stage for lin and settle its faults: the Access flag (unless
 * affd), the event and whether it is recorded.  1 when the leaf was reached. */
static int walk_stage(struct smmu_unit *u, const struct smmu_pgt_cfg *pc, uint64_t root, uint64_t lin, bool affd,
		      bool record, struct smmu_translation *out)
{
	int rc = live_walk(u, pc, root, lin, 0, out);

	if (rc)
		return rc;
	if (out->x.fault == SMMU_PGT_F_ACCESS && affd) {
		/* AFFD: an Access flag of 0 does not fault */
		out->x.fault = SMMU_PGT_OK;
		out->ok = true;
		out->pa = out->x.oa;
	}
	if (!out->ok) {
		fault(out, walk_event(out->x.fault), out->x.fault != SMMU_PGT_F_TABLE_READ && !record);
		if (out->x.fault == SMMU_PGT_F_TABLE_READ && out->x.nsteps)
			out->fetch_addr = out->x.step[out->x.nsteps - 1].entry_pa;
		return 0;
	}
	return 1;
}

/* Stage 1 permissions of the leaf (D8.4 and IHI 0070 3.25): AP after
 * APTable, UXN/PXN with UXNTable/PXNTable, WXN, PAN, and the implicit
 * privileged execute-never of EL0-writable pages. */
static bool s1_denied(const struct v3cfg *c, const struct smmu_pgt_xlate *x, bool write, bool exec, bool priv,
		      unsigned *missing)
{
	struct lpae_s1_rights r;

	lpae_s1_rights(x, &r);
	bool ro = r.ro, el0 = r.el0, uxn = r.uxn, pxn = r.pxn, priv_w = !ro, user_w = el0 && !ro;

	*missing = exec ? SMMU_PROT_X : write ? SMMU_PROT_W : SMMU_PROT_R;
	/* VMSAv8-32 (AArch32.CheckPermission): bit 54 and XNTable are XN for
	 * PL1 and PL0 alike, PL0 needs read access to execute, UWXN makes
	 * PL0-writable memory PXN, and there is no implicit PXN */
	if (exec && c->s1aa32)
		return priv ? uxn || pxn || (c->wxn && priv_w) || (c->uwxn && user_w) : !el0 || uxn || (c->wxn && user_w);
	if (exec)
		return priv ? pxn || (c->wxn && priv_w) || user_w : uxn || (c->wxn && user_w);
	if (!priv)
		return write ? !user_w : !el0;
	if (c->pan && el0)
		return true;
	return write && !priv_w;
}

/* Stage 2: S2AP and XN[1] (bit 53 is XN[0] only with FEAT_XNX, IDR3.XNX). */
static bool s2_denied(const struct v3cfg *c, uint64_t leaf, bool write, bool exec, bool priv, unsigned *missing)
{
	*missing = exec ? SMMU_PROT_X : write ? SMMU_PROT_W : SMMU_PROT_R;
	if (exec && c->s2aa32)
		return (leaf >> 54 & 1) || !(leaf >> 6 & 1); /* VMSAv8-32: XN alone, and no execute-only */
	if (exec) {
		unsigned xn = (leaf >> 53) & 3;
		if (!SMMU_GET(SMMUV3_IDR3_XNX, c->id.idr3))
			return xn & 2;
		/* XN[1:0]: 0 exec, 1 not at EL1, 2 never, 3 not at EL0 */
		return xn == 2 || (xn == 1 && priv) || (xn == 3 && !priv);
	}
	return write ? !(leaf >> 7 & 1) : !(leaf >> 6 & 1);
}

static int translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out, struct v3cfg *cp);

int smmuv3_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out)
{
	struct v3cfg c;
	int rc = translate(u, s, iova, access, out, &c);

	live_nest_close(&c.nest);
	return rc;
}

/* Nested: stage 1 walked at IPAs through stage 2 (IHI 0070 3.3.2: a stage-2
 * fault on a stage-1 table read is a stage-2 fault, CLASS=TT, recorded under
 * STE.S2R), the stage-1 permissions, then the IPA through stage 2. */
static int nested(struct v3cfg *c, uint64_t lin, bool write, bool exec, bool priv, struct smmu_translation *out)
{
	int rc = live_walk_nested(&c->nest, &out->cfg.pgt, out->cfg.root, lin, out);

	if (rc || !out->walked)
		return rc;
	if (out->stop == SMMU_STOP_FETCH) {
		const struct smmu_pgt_xlate *f = &out->s2_fetch[out->nfetch - 1];
		fault(out, walk_event(f->fault), f->fault != SMMU_PGT_F_TABLE_READ && !c->s2r);
		if (f->fault == SMMU_PGT_F_TABLE_READ && f->nsteps)
			out->fetch_addr = f->step[f->nsteps - 1].entry_pa;
		return 0;
	}
	if (out->stop == SMMU_STOP_FETCH_READ) {
		uint64_t at = out->fetch_addr;
		fault(out, SMMUV3_EVT_F_WALK_EABT, false);
		out->fetch_addr = at;
		return 0;
	}
	if (out->x.fault == SMMU_PGT_F_ACCESS && c->affd) {
		out->x.fault = SMMU_PGT_OK;
		out->ok = true;
		out->pa = out->ipa = out->x.oa;
	}
	if (!out->ok) {
		fault(out, walk_event(out->x.fault), out->x.fault != SMMU_PGT_F_TABLE_READ && !c->r);
		return 0;
	}
	if (s1_denied(c, &out->x, write, exec, priv, &out->x.perm_missing)) {
		out->x.fault = SMMU_PGT_F_PERM;
		out->stop = SMMU_STOP_WALK;
		fault(out, SMMUV3_EVT_F_PERMISSION, !c->r);
		return 0;
	}
	/* the output, an IPA, through stage 2 */
	out->s2_walked = true;
	rc = live_nest_s2(&c->nest, out->ipa, 0, &out->s2);
	if (rc && rc != -EFAULT)
		return rc;
	if (!rc && s2_denied(c, out->s2.step[out->s2.nsteps - 1].pte, write, exec, priv, &out->s2.perm_missing)) {
		out->s2.fault = SMMU_PGT_F_PERM;
		rc = -EFAULT;
	}
	if (rc) {
		out->stop = SMMU_STOP_OUTPUT;
		fault(out, walk_event(out->s2.fault), out->s2.fault != SMMU_PGT_F_TABLE_READ && !c->s2r);
		if (out->s2.fault == SMMU_PGT_F_TABLE_READ && out->s2.nsteps)
			out->fetch_addr = out->s2.step[out->s2.nsteps - 1].entry_pa;
		return 0;
	}
	out->pa = out->s2.oa;
	return 0;
}

static int translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		     struct smmu_translation *out, struct v3cfg *cp)
{
	struct v3cfg c;
	struct smmu_config *cfg = &out->cfg;
	int rc;

	rc = resolve(u, s, cfg, &c);
	*cp = c;
	if (rc)
		return rc;
	/* the transaction's attributes after STE.PRIVCFG/INSTCFG (ATTR_PERMS_OVR) */
	bool write = access & SMMU_PROT_W, exec = !write && (access & SMMU_PROT_X);
	bool priv = access & SMMU_PROT_PRIV;
	if (c.privcfg >= 2)
		priv = c.privcfg == 3;
	if (c.instcfg >= 2 && !write)
		exec = c.instcfg == 3;

	if (cfg->verdict == SMMU_CFG_BYPASS) {
		/* 3.4: with the SMMU disabled an address beyond the OAS aborts
		 * unrecorded; STE bypass checks it against the OAS, stage 1
		 * bypass (S1DSS) against the IAS: F_ADDR_SIZE */
		unsigned bits = c.disabled || !(c.config & 1) ? c.id.oas : c.id.ias;
		if (iova >> bits) {
			fault(out, c.disabled ? 0 : SMMUV3_EVT_F_ADDR_SIZE, c.disabled);
			snprintf(cfg->reason + strlen(cfg->reason), sizeof(cfg->reason) - strlen(cfg->reason),
				 "; 0x%" PRIx64 " is beyond the %u-bit %s", iova, bits, bits == c.id.oas ? "OAS" : "IAS");
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
	if (!c.s1) {
		/* stage 2 only (Config=0b110, or S1DSS=bypass with nesting) */
		if (iova >> c.id.ias) {
			fault(out, SMMUV3_EVT_F_ADDR_SIZE, false);
			return 0;
		}
		if (iova >> c.s2.ias) {
			fault(out, SMMUV3_EVT_F_TRANSLATION, !c.s2r);
			return 0;
		}
		if ((rc = walk_stage(u, &c.s2, c.s2ttb, iova, c.s2affd, c.s2r, out)) <= 0)
			return rc;
		if (s2_denied(&c, out->x.step[out->x.nsteps - 1].pte, write, exec, priv, &out->x.perm_missing)) {
			out->x.fault = SMMU_PGT_F_PERM;
			fault(out, SMMUV3_EVT_F_PERMISSION, !c.s2r);
		}
		return 0;
	}
	/* Stage 1: VA[55] selects TTB0 or TTB1; the bits above the range must
	 * all equal it (the top byte too, unless TBI) */
	bool hi = iova >> 55 & 1;
	const struct s1tt *tt = &c.tt[hi];
	if (c.s1aa32) {
		/* VMSAv8-32: a 32-bit VA (3.4.1); TTB0 covers [0, 2^(32-T0SZ)),
		 * TTB1 [2^32 - 2^(32-T1SZ), 2^32); a size of 0 extends the one
		 * TTB to meet the other; between them nothing translates */
		uint64_t ttb0_end = c.t0sz32 ? 1ULL << (32 - c.t0sz32) : 1ULL << 32;
		uint64_t ttb1_start = c.t1sz32 ? (1ULL << 32) - (1ULL << (32 - c.t1sz32)) : ttb0_end;
		if (!c.t0sz32 && c.t1sz32)
			ttb0_end = ttb1_start;
		const char *why = iova >> 32 ? "beyond the 32-bit VA of VMSAv8-32 LPAE"
				  : iova >= ttb0_end && iova < ttb1_start ? "between TTB0's and TTB1's regions" : NULL;
		if (why) {
			fault(out, SMMUV3_EVT_F_TRANSLATION, !c.r);
			snprintf(cfg->reason + strlen(cfg->reason), sizeof(cfg->reason) - strlen(cfg->reason),
				 "; 0x%" PRIx64 " is %s", iova, why);
			return 0;
		}
		hi = iova >= ttb0_end;
		tt = &c.tt[hi];
	} else if (!tt->epd) {
		uint64_t top = tt->tbi ? (1ULL << 56) - 1 : ~0ULL;
		uint64_t range = (iova & top) >> tt->ia, want = hi ? top >> tt->ia : 0;
		if (range != want) {
			fault(out, SMMUV3_EVT_F_TRANSLATION, !c.r);
			snprintf(cfg->reason + strlen(cfg->reason), sizeof(cfg->reason) - strlen(cfg->reason),
				 "; 0x%" PRIx64 " is outside TTB%d's %u-bit range", iova, hi, tt->ia);
			return 0;
		}
	}
	if (tt->epd) {
		fault(out, SMMUV3_EVT_F_TRANSLATION, !c.r);
		snprintf(cfg->reason + strlen(cfg->reason), sizeof(cfg->reason) - strlen(cfg->reason),
			 "; TTB%d walks are disabled (EPD%d=1)", hi, hi);
		return 0;
	}
	if (hi) {
		cfg->pgt.granule = tt->granule;
		cfg->pgt.ias = tt->ia;
		cfg->pgt.oas = tt->ps;
		cfg->root = tt->ttb;
	}
	if (c.nested)
		return nested(&c, iova & ((1ULL << tt->ia) - 1), write, exec, priv, out);
	if ((rc = walk_stage(u, &cfg->pgt, tt->ttb, iova & ((1ULL << tt->ia) - 1), c.affd, c.r, out)) <= 0)
		return rc;
	if (s1_denied(&c, &out->x, write, exec, priv, &out->x.perm_missing)) {
		out->x.fault = SMMU_PGT_F_PERM;
		fault(out, SMMUV3_EVT_F_PERMISSION, !c.r);
	}
	return 0;
}
