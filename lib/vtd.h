/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d for the driver: register offsets and every field's position come
 * from decoders/vtd.def, the one description the decoders use too (see
 * decoders/def.h).  Registers are VTD_<REG>; the fault recording and IOTLB
 * registers move with the capability registers: VTD_FRCD_offset(cap, i),
 * VTD_IVA_offset(ecap, 0), VTD_IOTLB_offset(ecap, 0).  A field is
 * VTD_<LAYOUT>_<Name>, the specification's name, used through
 * SMMU_GET/SMMU_PREP/SMMU_MASK(F) and SMMU_GETW/SMMU_ADDRW(F, words).
 */
#ifndef SMMU_VTD_H
#define SMMU_VTD_H

#define SMMU_DEF "decoders/vtd.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

#include "decoders/vtd-fault-reasons.h"

/* GCMD is write-only: a new command is GSTS's persistent bits plus the change.
 * The one-shot commands (SRTP, SFL, WBF, SIRTP) are never carried over. */
#define VTD_GSTS_PERSIST \
	((uint32_t)~(SMMU_MASK(VTD_GCMD_SRTP) | SMMU_MASK(VTD_GCMD_SFL) | SMMU_MASK(VTD_GCMD_WBF) | \
		     SMMU_MASK(VTD_GCMD_SIRTP)))

/* Values of fields the driver programs or tests. */
enum {
	VTD_GRAN_GLOBAL = 1, /* CCMD.CIRG and IOTLB.IIRG */
	VTD_GRAN_DOMAIN = 2,
	VTD_TTM_LEGACY = 0,  /* RTADDR.TTM */
	VTD_TTM_SCALABLE = 1,
	VTD_TTM_ABORT = 3,
	VTD_CTX_TT_PASSTHROUGH = 2, /* legacy context entry TT */
	VTD_CTX_TT_RESERVED = 3,
	VTD_PGTT_FIRST = 1,  /* PASID entry PGTT */
	VTD_PGTT_SECOND = 2,
	VTD_PGTT_NESTED = 3,
	VTD_PGTT_PASSTHROUGH = 4,
	VTD_FLPM_5LEVEL = 1, /* PASID entry FLPM */
};

/* The name of a fault reason (FRCD_REG.FR), or NULL. */
static inline const char *vtd_fault_reason_name(unsigned fr)
{
	for (const struct smmu_enum *e = vtd_fault_reasons; e->name; e++)
		if (e->value == fr)
			return e->name;
	return NULL;
}

/*
 * Whole-field masks under the names the driver used before the .def
 * (tests/check-lib.c compares them with the decoders).  Derived from the
 * .def like everything else; new code says SMMU_MASK(F).  Where the old
 * name is the field's own, the macro refers to itself: SMMU_MASK only
 * pastes its argument, so that is harmless.
 */
#define VTD_CAP_SAGAW  SMMU_MASK(VTD_CAP_SAGAW)
#define VTD_CAP_MGAW   SMMU_MASK(VTD_CAP_MGAW)
#define VTD_CAP_FRO    SMMU_MASK(VTD_CAP_FRO)
#define VTD_CAP_NFR    SMMU_MASK(VTD_CAP_NFR)
#define VTD_ECAP_QI    SMMU_MASK(VTD_ECAP_QI)
#define VTD_ECAP_IRO   SMMU_MASK(VTD_ECAP_IRO)
#define VTD_FRCD_FR    SMMU_MASK(VTD_FRCD_FR)
#define VTD_FRCD_SID   SMMU_MASK(VTD_FRCD_SID)
#define VTD_FRCD_F     SMMU_MASK(VTD_FRCD_F)
#define VTD_FRCD_T1    SMMU_MASK(VTD_FRCD_T1)
#define VTD_FRCD_PP    SMMU_MASK(VTD_FRCD_PP)
#define VTD_FRCD_PV    SMMU_MASK(VTD_FRCD_PV)
#define VTD_FSTS_PPF   SMMU_MASK(VTD_FSTS_PPF)
#define VTD_FSTS_PFO   SMMU_MASK(VTD_FSTS_PFO)
#define VTD_FSTS_FRI   SMMU_MASK(VTD_FSTS_FRI)
#define VTD_CTX_AW     SMMU_MASK(VTD_CTX_AW)
#define VTD_CTX_DID    SMMU_MASK(VTD_CTX_DID)

#endif
