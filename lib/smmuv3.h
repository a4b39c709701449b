/* SPDX-License-Identifier: MIT */
/*
 * Arm SMMUv3 (IHI 0070): register offsets with the fields the driver
 * programs, beside each offset.  The decoders (decoders/smmuv3-*.c) describe
 * every field for people; these are the ones code needs.
 */
#ifndef SMMU_SMMUV3_H
#define SMMU_SMMUV3_H

#include "decoders/field.h"

#define SMMUV3_IDR0            0x00
#define   SMMUV3_IDR0_S2P        SMMU_GENMASK(0, 0)
#define   SMMUV3_IDR0_S1P        SMMU_GENMASK(1, 1)
#define   SMMUV3_IDR0_TTF        SMMU_GENMASK(3, 2)
#define   SMMUV3_IDR0_ASID16     SMMU_GENMASK(12, 12)
#define   SMMUV3_IDR0_VMID16     SMMU_GENMASK(18, 18)
#define   SMMUV3_IDR0_ST_LEVEL   SMMU_GENMASK(28, 27)
#define SMMUV3_IDR1            0x04
#define   SMMUV3_IDR1_SIDSIZE    SMMU_GENMASK(5, 0)
#define   SMMUV3_IDR1_SSIDSIZE   SMMU_GENMASK(10, 6)
#define   SMMUV3_IDR1_EVENTQS    SMMU_GENMASK(20, 16)
#define   SMMUV3_IDR1_CMDQS      SMMU_GENMASK(25, 21)
#define SMMUV3_IDR5            0x14
#define   SMMUV3_IDR5_OAS        SMMU_GENMASK(2, 0)
#define   SMMUV3_IDR5_GRAN4K     SMMU_GENMASK(4, 4)
#define   SMMUV3_IDR5_GRAN16K    SMMU_GENMASK(5, 5)
#define   SMMUV3_IDR5_GRAN64K    SMMU_GENMASK(6, 6)
#define SMMUV3_CR0             0x20
#define   SMMUV3_CR0_SMMUEN      SMMU_GENMASK(0, 0)
#define   SMMUV3_CR0_PRIQEN      SMMU_GENMASK(1, 1)
#define   SMMUV3_CR0_EVENTQEN    SMMU_GENMASK(2, 2)
#define   SMMUV3_CR0_CMDQEN      SMMU_GENMASK(3, 3)
#define SMMUV3_CR0ACK          0x24
#define SMMUV3_CR1             0x28
#define SMMUV3_CR2             0x2c
#define   SMMUV3_CR2_RECINVSID   SMMU_GENMASK(1, 1)
#define   SMMUV3_CR2_PTM         SMMU_GENMASK(2, 2)
#define SMMUV3_GBPA            0x44
#define   SMMUV3_GBPA_ABORT      SMMU_GENMASK(20, 20)
#define   SMMUV3_GBPA_UPDATE     SMMU_GENMASK(31, 31)
#define SMMUV3_IRQ_CTRL        0x50
#define SMMUV3_IRQ_CTRLACK     0x54
#define SMMUV3_GERROR          0x60
#define   SMMUV3_GERROR_CMDQ_ERR      SMMU_GENMASK(0, 0)
#define   SMMUV3_GERROR_EVENTQ_ABT    SMMU_GENMASK(2, 2)
#define SMMUV3_GERRORN         0x64
#define SMMUV3_GERROR_IRQ_CFG0 0x68
#define SMMUV3_GERROR_IRQ_CFG1 0x70
#define SMMUV3_GERROR_IRQ_CFG2 0x74
#define SMMUV3_STRTAB_BASE     0x80
#define   SMMUV3_STRTAB_BASE_RA    SMMU_GENMASK(62, 62)
#define   SMMUV3_STRTAB_BASE_ADDR  SMMU_GENMASK(51, 6)
#define SMMUV3_STRTAB_BASE_CFG 0x88
#define   SMMUV3_STRTAB_CFG_LOG2SIZE SMMU_GENMASK(5, 0)
#define   SMMUV3_STRTAB_CFG_SPLIT    SMMU_GENMASK(10, 6)
#define   SMMUV3_STRTAB_CFG_FMT      SMMU_GENMASK(17, 16)
#define SMMUV3_CMDQ_BASE       0x90
#define SMMUV3_CMDQ_PROD       0x98
#define SMMUV3_CMDQ_CONS       0x9c
#define   SMMUV3_CMDQ_CONS_ERR     SMMU_GENMASK(30, 24)
#define SMMUV3_EVENTQ_BASE     0xa0
#define SMMUV3_EVENTQ_IRQ_CFG0 0xb0
#define SMMUV3_EVENTQ_IRQ_CFG1 0xb8
#define SMMUV3_EVENTQ_IRQ_CFG2 0xbc
#define SMMUV3_PRIQ_BASE       0xc0
#define SMMUV3_PRIQ_IRQ_CFG0   0xd0
#define SMMUV3_PRIQ_IRQ_CFG1   0xd8
#define SMMUV3_PRIQ_IRQ_CFG2   0xdc
#define SMMUV3_EVENTQ_PROD     0x100a8 /* page 1 */
#define SMMUV3_EVENTQ_CONS     0x100ac
#define SMMUV3_PRIQ_PROD       0x100c8
#define SMMUV3_PRIQ_CONS       0x100cc
#define   SMMUV3_Q_BASE_ADDR     SMMU_GENMASK(51, 5)
#define   SMMUV3_Q_BASE_LOG2     SMMU_GENMASK(4, 0)
#define   SMMUV3_Q_OVFLG         SMMU_GENMASK(31, 31) /* PROD.OVFLG, CONS.OVACKFLG */

/* Stream table entry (8 dwords) */
#define SMMUV3_STE_V           SMMU_GENMASK(0, 0)
#define SMMUV3_STE_CONFIG      SMMU_GENMASK(3, 1)
#define   SMMUV3_STE_CFG_ABORT   0
#define   SMMUV3_STE_CFG_BYPASS  4
#define   SMMUV3_STE_CFG_S1      5
#define   SMMUV3_STE_CFG_S2      6
#define   SMMUV3_STE_CFG_NESTED  7
#define SMMUV3_STE_S1FMT       SMMU_GENMASK(5, 4)
#define SMMUV3_STE_S1CTXPTR    SMMU_GENMASK(51, 6)
#define SMMUV3_STE_S1CDMAX     SMMU_GENMASK(63, 59)
#define SMMUV3_STE1_S1DSS      SMMU_GENMASK(1, 0)
#define SMMUV3_STE1_S1CIR      SMMU_GENMASK(3, 2)
#define SMMUV3_STE1_S1COR      SMMU_GENMASK(5, 4)
#define SMMUV3_STE1_S1CSH      SMMU_GENMASK(7, 6)
#define SMMUV3_STE1_STRW       SMMU_GENMASK(31, 30)
#define SMMUV3_STE1_SHCFG      SMMU_GENMASK(45, 44)
#define SMMUV3_STE2_S2VMID     SMMU_GENMASK(15, 0)
#define SMMUV3_STE2_S2T0SZ     SMMU_GENMASK(37, 32)
#define SMMUV3_STE2_S2SL0      SMMU_GENMASK(39, 38)
#define SMMUV3_STE2_S2IR0      SMMU_GENMASK(41, 40)
#define SMMUV3_STE2_S2OR0      SMMU_GENMASK(43, 42)
#define SMMUV3_STE2_S2SH0      SMMU_GENMASK(45, 44)
#define SMMUV3_STE2_S2TG       SMMU_GENMASK(47, 46)
#define SMMUV3_STE2_S2PS       SMMU_GENMASK(50, 48)
#define SMMUV3_STE2_S2AA64     SMMU_GENMASK(51, 51)
#define SMMUV3_STE2_S2PTW      SMMU_GENMASK(54, 54)
#define SMMUV3_STE2_S2R        SMMU_GENMASK(58, 58)
#define SMMUV3_STE3_S2TTB      SMMU_GENMASK(51, 4)

/* Level-1 stream table descriptor */
#define SMMUV3_L1STD_SPAN      SMMU_GENMASK(4, 0)
#define SMMUV3_L1STD_L2PTR     SMMU_GENMASK(51, 6)

/* Context descriptor (8 dwords) */
#define SMMUV3_CD_T0SZ         SMMU_GENMASK(5, 0)
#define SMMUV3_CD_TG0          SMMU_GENMASK(7, 6)
#define SMMUV3_CD_IR0          SMMU_GENMASK(9, 8)
#define SMMUV3_CD_OR0          SMMU_GENMASK(11, 10)
#define SMMUV3_CD_SH0          SMMU_GENMASK(13, 12)
#define SMMUV3_CD_EPD0         SMMU_GENMASK(14, 14)
#define SMMUV3_CD_EPD1         SMMU_GENMASK(30, 30)
#define SMMUV3_CD_V            SMMU_GENMASK(31, 31)
#define SMMUV3_CD_IPS          SMMU_GENMASK(34, 32)
#define SMMUV3_CD_AA64         SMMU_GENMASK(41, 41)
#define SMMUV3_CD_R            SMMU_GENMASK(45, 45)
#define SMMUV3_CD_A            SMMU_GENMASK(46, 46)
#define SMMUV3_CD_ASID         SMMU_GENMASK(63, 48)
#define SMMUV3_CD1_TTB0        SMMU_GENMASK(51, 4)

/* Commands (2 dwords) */
#define SMMUV3_CMD_OP          SMMU_GENMASK(7, 0)
#define SMMUV3_CMD_CFGI_STE    0x03
#define SMMUV3_CMD_CFGI_ALL    0x04 /* CFGI_STE_RANGE with Range = 31 */
#define SMMUV3_CMD_CFGI_CD     0x05
#define SMMUV3_CMD_TLBI_NH_ALL 0x10
#define SMMUV3_CMD_TLBI_NH_ASID 0x11
#define SMMUV3_CMD_TLBI_NH_VA  0x12
#define SMMUV3_CMD_TLBI_S12_VMALL 0x28
#define SMMUV3_CMD_TLBI_S2_IPA 0x2a
#define SMMUV3_CMD_TLBI_NSNH_ALL 0x30
#define SMMUV3_CMD_SYNC        0x46
#define SMMUV3_CMD_SID         SMMU_GENMASK(63, 32) /* dword0 */
#define SMMUV3_CMD_SSID        SMMU_GENMASK(31, 12) /* dword0 */
#define SMMUV3_CMD_ASID        SMMU_GENMASK(63, 48) /* dword0 */
#define SMMUV3_CMD_VMID        SMMU_GENMASK(47, 32) /* dword0 */
#define SMMUV3_CMD1_LEAF       SMMU_GENMASK(0, 0)
#define SMMUV3_CMD1_RANGE      SMMU_GENMASK(4, 0)
#define SMMUV3_CMD1_ADDR       SMMU_GENMASK(63, 12)
#define SMMUV3_CMD_SYNC_CS     SMMU_GENMASK(13, 12)

/* Event record (4 dwords) */
#define SMMUV3_EVT_ID          SMMU_GENMASK(7, 0)
#define SMMUV3_EVT_SSV         SMMU_GENMASK(11, 11)
#define SMMUV3_EVT_SSID        SMMU_GENMASK(31, 12)
#define SMMUV3_EVT_SID         SMMU_GENMASK(63, 32)
#define SMMUV3_EVT1_PNU        SMMU_GENMASK(33, 33)
#define SMMUV3_EVT1_IND        SMMU_GENMASK(34, 34)
#define SMMUV3_EVT1_RNW        SMMU_GENMASK(35, 35)
#define SMMUV3_EVT1_S2         SMMU_GENMASK(39, 39)
#define SMMUV3_EVT1_CLASS      SMMU_GENMASK(41, 40)

#endif
