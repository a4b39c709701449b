/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv3 (IHI 0070) for the driver: register offsets and every field's
 * position come from decoders/smmuv3.def, the one description the decoders
 * use too (see decoders/def.h).  Registers are SMMUV3_<REG> (offsets, page 1
 * ones with 0x10000 added); a field is SMMUV3_<LAYOUT>_<Name>, the
 * specification's name, used through SMMU_GET/SMMU_PREP/SMMU_MASK(F) and
 * SMMU_GETW/SMMU_SETW/SMMU_ADDRW(F, words) for multi-word structures.
 */
#ifndef SMMU_SMMUV3_H
#define SMMU_SMMUV3_H

#include <stdint.h>

#define SMMU_DEF "decoders/smmuv3.def"
#include "decoders/def-constants.h"
#undef SMMU_DEF

/* Values of fields the driver programs or tests. */
enum {
	SMMUV3_STE_CFG_ABORT = 0, /* STE.Config */
	SMMUV3_STE_CFG_BYPASS = 4,
	SMMUV3_STE_CFG_S1 = 5,
	SMMUV3_STE_CFG_S2 = 6,
	SMMUV3_STE_CFG_NESTED = 7,
	SMMUV3_STRTAB_FMT_2LVL = 1, /* STRTAB_BASE_CFG.FMT */
	SMMUV3_TG_4K = 0,           /* CD.TG0 and STE.S2TG */
	SMMUV3_TG_64K = 1,
	SMMUV3_TG_16K = 2,
	SMMUV3_RANGE_ALL = 31,      /* CMD_CFGI_STE_RANGE.Range: CMD_CFGI_ALL */
};

/* Command opcodes (CMD.Opcode) */
enum {
	SMMUV3_OP_CFGI_STE = 0x03,
	SMMUV3_OP_CFGI_STE_RANGE = 0x04,
	SMMUV3_OP_CFGI_CD = 0x05,
	SMMUV3_OP_TLBI_NH_ALL = 0x10,
	SMMUV3_OP_TLBI_NH_ASID = 0x11,
	SMMUV3_OP_TLBI_NH_VA = 0x12,
	SMMUV3_OP_TLBI_S12_VMALL = 0x28,
	SMMUV3_OP_TLBI_S2_IPA = 0x2a,
	SMMUV3_OP_TLBI_NSNH_ALL = 0x30,
	SMMUV3_OP_SYNC = 0x46,
};

/* Event numbers (EVENT.EventID) */
enum {
	SMMUV3_EVT_F_UUT = 0x01,
	SMMUV3_EVT_C_BAD_STREAMID = 0x02,
	SMMUV3_EVT_F_STE_FETCH = 0x03,
	SMMUV3_EVT_C_BAD_STE = 0x04,
	SMMUV3_EVT_F_BAD_ATS_TREQ = 0x05,
	SMMUV3_EVT_F_STREAM_DISABLED = 0x06,
	SMMUV3_EVT_F_TRANSL_FORBIDDEN = 0x07,
	SMMUV3_EVT_C_BAD_SUBSTREAMID = 0x08,
	SMMUV3_EVT_F_CD_FETCH = 0x09,
	SMMUV3_EVT_C_BAD_CD = 0x0a,
	SMMUV3_EVT_F_WALK_EABT = 0x0b,
	SMMUV3_EVT_F_TRANSLATION = 0x10,
	SMMUV3_EVT_F_ADDR_SIZE = 0x11,
	SMMUV3_EVT_F_ACCESS = 0x12,
	SMMUV3_EVT_F_PERMISSION = 0x13,
	SMMUV3_EVT_F_TLB_CONFLICT = 0x20,
	SMMUV3_EVT_F_VMS_FETCH = 0x25,
};

/*
 * Whole-field masks under the names the driver used before the .def
 * (tests/check-lib.c compares them with the decoders).  Derived from the
 * .def like everything else; new code says SMMU_MASK(F).  Where the old
 * name is the field's own, the macro refers to itself: SMMU_MASK only
 * pastes its argument, so that is harmless.
 */
#define SMMUV3_IDR0_S1P            SMMU_MASK(SMMUV3_IDR0_S1P)
#define SMMUV3_IDR0_S2P            SMMU_MASK(SMMUV3_IDR0_S2P)
#define SMMUV3_IDR0_ST_LEVEL       SMMU_MASK(SMMUV3_IDR0_ST_LEVEL)
#define SMMUV3_IDR1_SIDSIZE        SMMU_MASK(SMMUV3_IDR1_SIDSIZE)
#define SMMUV3_IDR1_SSIDSIZE       SMMU_MASK(SMMUV3_IDR1_SSIDSIZE)
#define SMMUV3_IDR1_EVENTQS        SMMU_MASK(SMMUV3_IDR1_EVENTQS)
#define SMMUV3_IDR1_CMDQS          SMMU_MASK(SMMUV3_IDR1_CMDQS)
#define SMMUV3_IDR5_OAS            SMMU_MASK(SMMUV3_IDR5_OAS)
#define SMMUV3_IDR5_GRAN4K         SMMU_MASK(SMMUV3_IDR5_GRAN4K)
#define SMMUV3_CR0_SMMUEN          SMMU_MASK(SMMUV3_CR0_SMMUEN)
#define SMMUV3_CR0_CMDQEN          SMMU_MASK(SMMUV3_CR0_CMDQEN)
#define SMMUV3_CR0_EVENTQEN        SMMU_MASK(SMMUV3_CR0_EVENTQEN)
#define SMMUV3_GBPA_ABORT          SMMU_MASK(SMMUV3_GBPA_ABORT)
#define SMMUV3_STRTAB_CFG_LOG2SIZE SMMU_MASK(SMMUV3_STRTAB_BASE_CFG_LOG2SIZE)
#define SMMUV3_STRTAB_CFG_SPLIT    SMMU_MASK(SMMUV3_STRTAB_BASE_CFG_SPLIT)
#define SMMUV3_STRTAB_CFG_FMT      SMMU_MASK(SMMUV3_STRTAB_BASE_CFG_FMT)
#define SMMUV3_CMDQ_CONS_ERR       SMMU_MASK(SMMUV3_CMDQ_CONS_ERR)
#define SMMUV3_STE_V               SMMU_MASK(SMMUV3_STE_V)
#define SMMUV3_STE_CONFIG          SMMU_MASK(SMMUV3_STE_Config)
#define SMMUV3_STE2_S2T0SZ         SMMU_MASK(SMMUV3_STE_S2T0SZ)
#define SMMUV3_STE2_S2SL0          SMMU_MASK(SMMUV3_STE_S2SL0)
#define SMMUV3_STE2_S2TG           SMMU_MASK(SMMUV3_STE_S2TG)
#define SMMUV3_STE2_S2PS           SMMU_MASK(SMMUV3_STE_S2PS)
#define SMMUV3_CD_T0SZ             SMMU_MASK(SMMUV3_CD_T0SZ)
#define SMMUV3_CD_TG0              SMMU_MASK(SMMUV3_CD_TG0)
#define SMMUV3_CD_IPS              SMMU_MASK(SMMUV3_CD_IPS)
#define SMMUV3_CD_ASID             SMMU_MASK(SMMUV3_CD_ASID)
#define SMMUV3_CD_V                SMMU_MASK(SMMUV3_CD_V)
#define SMMUV3_CD_EPD1             SMMU_MASK(SMMUV3_CD_EPD1)

/* The StreamID bits a level-2 stream table indexes: STRTAB_BASE_CFG.SPLIT,
 * whose reserved values behave as 6 (IHI 0070, SMMU_STRTAB_BASE_CFG).  One
 * place, so the prediction and the table listing read the same table. */
static inline unsigned smmuv3_strtab_split(uint32_t strtab_base_cfg)
{
	unsigned split = (unsigned)SMMU_GET(SMMUV3_STRTAB_BASE_CFG_SPLIT, strtab_base_cfg);

	return split == 6 || split == 8 || split == 10 ? split : 6;
}

#endif
