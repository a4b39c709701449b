/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv2 (IHI 0062) and MMU-500 for the driver: register offsets and
 * every field's position come from decoders/smmuv2.def, the one description
 * the decoders use too (see decoders/def.h).  GR0 registers are SMMUV2_<REG>
 * offsets in page 0, GR1 ones offsets in page 1, context bank ones
 * (SMMUV2_CB_<REG>) offsets in a bank's page; smmuv2_gr1()/smmuv2_cb() in
 * arch-smmuv2.c place them.  Fields: SMMUV2_<LAYOUT>_<Name>, used through
 * SMMU_GET/SMMU_PREP/SMMU_MASK.
 */
#ifndef SMMU_SMMUV2_H
#define SMMU_SMMUV2_H

#include <stdint.h>

#define SMMU_DEF "decoders/smmuv2.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

/* Values of fields the driver programs or tests. */
enum {
	SMMUV2_S2CR_TYPE_TRANS = 0,
	SMMUV2_S2CR_TYPE_BYPASS = 1,
	SMMUV2_S2CR_TYPE_FAULT = 2,
	SMMUV2_CBAR_TYPE_S2 = 0,
	SMMUV2_CBAR_TYPE_S1_BYPASS = 1,
	SMMUV2_CBAR_TYPE_S1_FAULT = 2,
	SMMUV2_CBAR_TYPE_NESTED = 3,
	SMMUV2_TG_4K = 0, /* TCR.TG0 */
	SMMUV2_TG_64K = 1,
	SMMUV2_TG_16K = 2,
	/* a global fault's code: its sGFSR bit, above the FSR bits that name
	 * context faults (ICF is bit 0: code 0 would be no fault) */
	SMMUV2_CODE_GLOBAL = 0x100,
};

struct smmu_unit;
/* The page size (log2) and the number of pages of global space before the
 * context banks, as IDR1 says: context bank n is at page numpage + n. */
void smmuv2_layout(uint32_t idr1, unsigned *pgshift, unsigned *numpage);
/* Where the unit's register spaces are (from IDR1): a GR1 register, a
 * register of context bank n.  0, or the access error reading IDR1. */
int smmuv2_gr1(struct smmu_unit *u, uint32_t off, uint64_t *addr_off);
int smmuv2_cb(struct smmu_unit *u, unsigned n, uint32_t off, uint64_t *addr_off);
/* IDR0.NUMSMRG and IDR1.NUMCB */
int smmuv2_counts(struct smmu_unit *u, unsigned *nsmrg, unsigned *ncb);
/* The context fault names FSR's bits have ("TF", "AFF", ...), by bit; NULL: none. */
const char *smmuv2_fsr_name(unsigned bit);
const char *smmuv2_gfsr_name(unsigned bit);

#endif
