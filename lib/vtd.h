/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d: register offsets with the fields the driver uses, beside each
 * offset.  The decoders (decoders/vtd-*.c) describe every field for people.
 */
#ifndef SMMU_VTD_H
#define SMMU_VTD_H

#include "decoders/field.h"

#define VTD_CAP            0x08
#define   VTD_CAP_SAGAW      SMMU_GENMASK(12, 8)
#define   VTD_CAP_MGAW       SMMU_GENMASK(21, 16)
#define   VTD_CAP_FRO        SMMU_GENMASK(33, 24)  /* x 16 bytes */
#define   VTD_CAP_SLLPS      SMMU_GENMASK(37, 34)
#define   VTD_CAP_NFR        SMMU_GENMASK(47, 40)  /* minus one */
#define VTD_ECAP           0x10
#define   VTD_ECAP_QI        SMMU_GENMASK(1, 1)
#define   VTD_ECAP_IRO       SMMU_GENMASK(17, 8)   /* x 16 bytes */
#define   VTD_ECAP_PSS       SMMU_GENMASK(39, 35)  /* PASID bits minus one */
#define   VTD_ECAP_PASID     SMMU_GENMASK(40, 40)
#define VTD_GCMD           0x18
#define VTD_GSTS           0x1c
#define   VTD_GSTS_TES       SMMU_GENMASK(31, 31)  /* GCMD.TE */
#define   VTD_GSTS_RTPS      SMMU_GENMASK(30, 30)  /* GCMD.SRTP */
#define   VTD_GSTS_QIES      SMMU_GENMASK(26, 26)  /* GCMD.QIE */
/* GCMD is write-only: a new command is GSTS's persistent bits plus the change
 * (one-shot bits SRTP, SFL, WBF, SIRTP are never carried over). */
#define   VTD_GSTS_PERSIST   0x96ffffffu
#define VTD_RTADDR         0x20
#define VTD_CCMD           0x28
#define   VTD_CCMD_ICC       SMMU_GENMASK(63, 63)
#define   VTD_CCMD_CIRG      SMMU_GENMASK(62, 61)  /* 1 global, 2 domain, 3 device */
#define VTD_FSTS           0x34
#define   VTD_FSTS_PFO       SMMU_GENMASK(0, 0)
#define   VTD_FSTS_PPF       SMMU_GENMASK(1, 1)
#define   VTD_FSTS_IQE       SMMU_GENMASK(4, 4)
#define   VTD_FSTS_ICE       SMMU_GENMASK(5, 5)
#define   VTD_FSTS_ITE       SMMU_GENMASK(6, 6)
#define   VTD_FSTS_FRI       SMMU_GENMASK(15, 8)
#define VTD_FECTL          0x38
#define   VTD_FECTL_IM       SMMU_GENMASK(31, 31)
#define VTD_FEDATA         0x3c
#define VTD_FEADDR         0x40
#define VTD_FEUADDR        0x44
#define VTD_IQH            0x80
#define VTD_IQT            0x88
#define VTD_IQA            0x90
/* IOTLB invalidate register at ECAP.IRO * 16 + 8 */
#define   VTD_IOTLB_IVT      SMMU_GENMASK(63, 63)
#define   VTD_IOTLB_IIRG     SMMU_GENMASK(61, 60)  /* 1 global, 2 domain, 3 page */
#define   VTD_IOTLB_DR       SMMU_GENMASK(49, 49)
#define   VTD_IOTLB_DW       SMMU_GENMASK(48, 48)
#define   VTD_IOTLB_DID      SMMU_GENMASK(47, 32)
/* Fault recording register (128 bits, two qwords) at CAP.FRO * 16 + i * 16 */
#define   VTD_FRCD_FI        SMMU_GENMASK(63, 12)  /* qword 0 */
#define   VTD_FRCD_SID       SMMU_GENMASK(15, 0)   /* qword 1 */
#define   VTD_FRCD_PRIV      SMMU_GENMASK(29, 29)
#define   VTD_FRCD_EXE       SMMU_GENMASK(30, 30)
#define   VTD_FRCD_PP        SMMU_GENMASK(31, 31)
#define   VTD_FRCD_FR        SMMU_GENMASK(39, 32)
#define   VTD_FRCD_PV        SMMU_GENMASK(59, 40)
#define   VTD_FRCD_T1        SMMU_GENMASK(62, 62)  /* 1: read, 0: write */
#define   VTD_FRCD_F         SMMU_GENMASK(63, 63)  /* W1C */

/* Legacy root and context entries (128 bits) */
#define VTD_ROOT_P         SMMU_GENMASK(0, 0)
#define VTD_ROOT_CTP       SMMU_GENMASK(63, 12)
#define VTD_CTX_P          SMMU_GENMASK(0, 0)
#define VTD_CTX_TT         SMMU_GENMASK(3, 2)
#define VTD_CTX_SLPTPTR    SMMU_GENMASK(63, 12)
#define VTD_CTX_AW         SMMU_GENMASK(2, 0)      /* high qword */
#define VTD_CTX_DID        SMMU_GENMASK(23, 8)     /* high qword */

#endif
