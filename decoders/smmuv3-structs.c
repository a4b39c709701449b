/* SPDX-License-Identifier: MIT */
/* SMMUv3 in-memory structures: STE, L1STD, CD, L1CD (Arm IHI 0070, chapter 5). */
#include "tables.h"

/* --- shared encodings ---------------------------------------------------- */

/* Shareability of a structure or table walk access (0b01 behaves as 0b00). */
static const struct smmu_enum sh_enum[] = {
	{ 0, "NSH" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};
/* Cacheability of translation table walks (STE.S2IR0/S2OR0, CD.IRx/ORx). */
static const struct smmu_enum walk_cache[] = {
	{ 0, "NC" }, { 1, "WB-RWA" }, { 2, "WT-RA" }, { 3, "WB-RA" }, { .name = NULL },
};
/* Physical/intermediate address size (STE.S2PS, CD.IPS). */
static const struct smmu_enum pa_size[] = {
	{ 0, "32bit" }, { 1, "36bit" }, { 2, "40bit" }, { 3, "42bit" },
	{ 4, "44bit" }, { 5, "48bit" }, { 6, "52bit" }, { 7, "56bit" }, { .name = NULL },
};
/* Granule encoding of TG0 and STE.S2TG/S_S2TG (0b11 reserved). */
static const struct smmu_enum tg0_enum[] = {
	{ 0, "4KB" }, { 1, "64KB" }, { 2, "16KB" }, { .name = NULL },
};

/* --- STE, Stream Table Entry (5.2) ---------------------------------------- */

static const struct smmu_enum ste_config[] = {
	{ 0, "Abort" }, { 4, "Bypass" }, { 5, "S1Trans" }, { 6, "S2Trans" }, { 7, "Nested" },
	{ .name = NULL },
};
static const struct smmu_enum ste_s1fmt[] = {
	{ 0, "Linear" }, { 1, "2Lvl4K" }, { 2, "2Lvl64K" }, { .name = NULL },
};
static const struct smmu_enum ste_s1dss[] = {
	{ 0, "Terminate" }, { 1, "Bypass" }, { 2, "Substream0" }, { .name = NULL },
};
/* Cacheability of CD fetches through S1ContextPtr. */
static const struct smmu_enum ste_s1c[] = {
	{ 0, "NC" }, { 1, "WB-RA" }, { 2, "WT-RA" }, { 3, "WB-noRA" }, { .name = NULL },
};
static const struct smmu_enum ste_eats[] = {
	{ 0, "Abort" }, { 1, "Full" }, { 2, "Split" }, { 3, "Full+DPT" }, { .name = NULL },
};
static const struct smmu_enum ste_strw[] = {
	{ 0, "EL1" }, { 1, "EL3" }, { 2, "EL2" }, { .name = NULL },
};
static const struct smmu_enum ste_shcfg[] = {
	{ 0, "NSH" }, { 1, "Incoming" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};
static const struct smmu_enum ste_nscfg[] = {
	{ 0, "Incoming" }, { 2, "Secure" }, { 3, "NonSecure" }, { .name = NULL },
};
static const struct smmu_enum ste_privcfg[] = {
	{ 0, "Incoming" }, { 2, "Unprivileged" }, { 3, "Privileged" }, { .name = NULL },
};
static const struct smmu_enum ste_instcfg[] = {
	{ 0, "Incoming" }, { 2, "Data" }, { 3, "Instruction" }, { .name = NULL },
};

static const struct smmu_field ste_fields[] = {
	/* dword 0 */
	SMMU_BIT("V", 0, 0, .help = "STE valid; when 0 all other fields are IGNORED (C_BAD_STE)"),
	SMMU_FLD("Config", 0, 3, 1, ENUM, .enums = ste_config,
		 .help = "Stream configuration: abort, bypass, stage 1, stage 2 or nested (0b0xx aborts)"),
	SMMU_FLD("S1Fmt", 0, 5, 4, ENUM, .enums = ste_s1fmt,
		 .help = "Stage 1 CD table format when substreams are enabled (S1CDMax != 0)"),
	SMMU_FLD("S1ContextPtr", 0, 55, 6, ADDR,
		 .help = "Address of the CD or CD table (IPA when stage 2 translates)"),
	SMMU_FLD("S1CDMax", 0, 63, 59, LOG2,
		 .help = "Number of CDs is 2^S1CDMax; 0 means one CD and substreams disabled"),
	/* dword 1 */
	SMMU_FLD("S1DSS", 1, 1, 0, ENUM, .enums = ste_s1dss,
		 .help = "Default substream: what a transaction without a SubstreamID does"),
	SMMU_FLD("S1CIR", 1, 3, 2, ENUM, .enums = ste_s1c,
		 .help = "Inner cacheability of CD and L1CD fetches"),
	SMMU_FLD("S1COR", 1, 5, 4, ENUM, .enums = ste_s1c,
		 .help = "Outer cacheability of CD and L1CD fetches"),
	SMMU_FLD("S1CSH", 1, 7, 6, ENUM, .enums = sh_enum,
		 .help = "Shareability of CD and L1CD fetches"),
	SMMU_BIT("S2HWU59", 1, 8, .help = "Stage 2 descriptor bit 59 has IMPLEMENTATION DEFINED use (PBHA)"),
	SMMU_BIT("S2HWU60", 1, 9, .help = "Stage 2 descriptor bit 60 has IMPLEMENTATION DEFINED use (PBHA)"),
	SMMU_BIT("S2HWU61", 1, 10, .help = "Stage 2 descriptor bit 61 has IMPLEMENTATION DEFINED use (PBHA)"),
	SMMU_BIT("S2HWU62", 1, 11, .help = "Stage 2 descriptor bit 62 has IMPLEMENTATION DEFINED use (PBHA)"),
	SMMU_BIT("DRE", 1, 12, .help = "Destructive read enable: allow read-and-invalidate transactions"),
	SMMU_FLD("CONT", 1, 16, 13, LOG2,
		 .help = "Contiguous hint: this STE is identical to its 2^CONT-aligned neighbours"),
	SMMU_BIT("DCP", 1, 17, .help = "Directed cache prefetch operations permitted"),
	SMMU_BIT("PPAR", 1, 18, .help = "PRI auto-responses on PRI queue overflow carry a PASID prefix"),
	SMMU_BIT("MEV", 1, 19, .help = "Permit merging of similar fault records from this stream"),
	SMMU_FLD("SW_RESERVED", 1, 23, 20, IGNORED, .help = "Reserved for software use; IGNORED by the SMMU"),
	SMMU_BIT("S1PIE", 1, 24, .help = "CDs fetched through this STE may enable stage 1 permission indirection"),
	SMMU_BIT("S2FWB", 1, 25, .help = "Stage 2 forced write-back: stage 2 attributes override (HCR_EL2.FWB)"),
	SMMU_BIT("S1MPAM", 1, 26, .help = "MPAM PARTID/PMG of client transactions come from the CD"),
	SMMU_BIT("S1STALLD", 1, 27, .help = "Stage 1 stall disable: a CD may not select the stall fault model"),
	SMMU_FLD("EATS", 1, 29, 28, ENUM, .enums = ste_eats,
		 .help = "PCIe ATS: abort, full ATS, split-stage ATS, or full ATS with DPT checks"),
	SMMU_FLD("STRW", 1, 31, 30, ENUM, .enums = ste_strw,
		 .help = "StreamWorld for stage 1: EL1, EL2/EL2-E2H, or EL3 (Secure only)"),
	SMMU_FLD("MemAttr", 1, 35, 32, HEX, .help = "Memory type override (stage 2 MemAttr encoding) when MTCFG=1"),
	SMMU_BIT("MTCFG", 1, 36, .help = "Replace the incoming memory type with MemAttr"),
	SMMU_FLD("ALLOCCFG", 1, 40, 37, HEX, .help = "Allocation hints override: 0b0xxx incoming, 0b1RWT overridden"),
	SMMU_FLD("SHCFG", 1, 45, 44, ENUM, .enums = ste_shcfg,
		 .help = "Shareability override for incoming transactions"),
	SMMU_FLD("NSCFG", 1, 47, 46, ENUM, .enums = ste_nscfg,
		 .help = "NS attribute override (Secure/Realm streams with stage 1 bypassed)"),
	SMMU_FLD("PRIVCFG", 1, 49, 48, ENUM, .enums = ste_privcfg,
		 .help = "Privileged/unprivileged attribute override"),
	SMMU_FLD("INSTCFG", 1, 51, 50, ENUM, .enums = ste_instcfg,
		 .help = "Instruction/data attribute override (reads only)"),
	SMMU_FLD("IMPDEF127_116", 1, 63, 52, IGNORED,
		 .help = "IMPLEMENTATION DEFINED per-stream configuration (STE bits 127:116)"),
	/* dword 2 */
	SMMU_FLD("S2VMID", 2, 15, 0, HEX, .help = "VMID that tags TLB entries of this stream"),
	SMMU_FLD("IMPDEF159_144", 2, 31, 16, IGNORED,
		 .help = "IMPLEMENTATION DEFINED (STE bits 159:144)"),
	SMMU_FLD("S2T0SZ", 2, 37, 32, DEC, .help = "Stage 2 input (IPA) size is 2^(64-S2T0SZ) bytes (VTCR_EL2.T0SZ)"),
	SMMU_FLD("S2SL0", 2, 39, 38, DEC, .help = "Stage 2 starting level (VTCR_EL2.SL0 encoding, with S2SL0_2)"),
	SMMU_FLD("S2IR0", 2, 41, 40, ENUM, .enums = walk_cache,
		 .help = "Inner cacheability of stage 2 table walks"),
	SMMU_FLD("S2OR0", 2, 43, 42, ENUM, .enums = walk_cache,
		 .help = "Outer cacheability of stage 2 table walks"),
	SMMU_FLD("S2SH0", 2, 45, 44, ENUM, .enums = sh_enum, .help = "Shareability of stage 2 table walks"),
	SMMU_FLD("S2TG", 2, 47, 46, ENUM, .enums = tg0_enum, .help = "Stage 2 translation granule"),
	SMMU_FLD("S2PS", 2, 50, 48, ENUM, .enums = pa_size,
		 .help = "Stage 2 output (physical) address size, capped to IDR5.OAS"),
	SMMU_BIT("S2AA64", 2, 51, .help = "Stage 2 uses VMSAv8-64 tables (0: VMSAv8-32 LPAE, or VMSAv9-128)"),
	SMMU_BIT("S2ENDI", 2, 52, .help = "Stage 2 translation tables are big-endian"),
	SMMU_BIT("S2AFFD", 2, 53, .help = "Stage 2 Access flag fault disable: AF treated as 1"),
	SMMU_BIT("S2PTW", 2, 54, .help = "Protected table walk: stage 1 walks/CD fetches to Device memory fault"),
	SMMU_BIT("S2HD", 2, 55, .help = "Stage 2 hardware update of dirty state"),
	SMMU_BIT("S2HA", 2, 56, .help = "Stage 2 hardware update of the Access flag"),
	SMMU_BIT("S2S", 2, 57, .help = "Stage 2 faults stall the transaction"),
	SMMU_BIT("S2R", 2, 58, .help = "Stage 2 faults are recorded in the Event queue"),
	SMMU_BIT("S2HAFT", 2, 59, .help = "Stage 2 hardware update of the Access flag in table descriptors"),
	SMMU_BIT("S2PIE", 2, 60, .help = "Stage 2 uses the indirect permission scheme"),
	SMMU_BIT("S2POE", 2, 61, .help = "Apply stage 2 permission overlays (S2POI)"),
	SMMU_FLD("DPT_VMATCH", 2, 63, 62, HEX, .help = "VMID matching requirement for DPT checks (EATS=0b11)"),
	/* dword 3 */
	SMMU_BIT("S2NSW", 3, 0, .help = "NS bit of stage 2 walks for a Secure stream's Non-secure IPA space"),
	SMMU_BIT("S2NSA", 3, 1, .help = "NS bit output by stage 2 for a Secure stream's Non-secure IPAs"),
	SMMU_BIT("S2SL0_2", 3, 2, .help = "Bit 2 of the stage 2 starting level (S2DS=1, 4KB granule)"),
	SMMU_BIT("S2DS", 3, 3, .help = "52-bit stage 2 addresses with 4KB/16KB granules (VTCR_EL2.DS)"),
	SMMU_FLD("S2TTB", 3, 55, 4, ADDR, .help = "Stage 2 translation table base address"),
	SMMU_FLD("S2SKL", 3, 62, 61, DEC, .help = "Stage 2 skip levels at the initial lookup (VMSAv9-128)"),
	/* dword 4 */
	SMMU_FLD("IMPDEF271_256", 4, 15, 0, IGNORED,
		 .help = "IMPLEMENTATION DEFINED (STE bits 271:256)"),
	SMMU_FLD("PARTID", 4, 31, 16, HEX, .help = "MPAM partition ID for accesses of this stream"),
	SMMU_FLD("S_S2T0SZ", 4, 37, 32, DEC, .help = "Secure IPA input size is 2^(64-S_S2T0SZ) (VSTCR_EL2.T0SZ)"),
	SMMU_FLD("S_S2SL0", 4, 39, 38, DEC, .help = "Secure stage 2 starting level for S_S2TTB"),
	SMMU_FLD("S_S2TG", 4, 47, 46, ENUM, .enums = tg0_enum, .help = "Secure stage 2 translation granule"),
	SMMU_FLD("MECID", 4, 63, 48, HEX, .help = "Memory encryption context ID (Realm streams)"),
	/* dword 5 */
	SMMU_FLD("PMG", 5, 7, 0, HEX, .help = "MPAM performance monitor group for accesses of this stream"),
	SMMU_BIT("MPAM_NS", 5, 8, .help = "Accesses use the Non-secure MPAM PARTID space"),
	SMMU_BIT("AssuredOnly", 5, 9, .help = "Stage 2 AssuredOnly permission checks enabled"),
	SMMU_BIT("TL0", 5, 10, .help = "Stage 2 TopLevel0 check enable (VTCR_EL2.TL0)"),
	SMMU_BIT("TL1", 5, 11, .help = "Stage 2 TopLevel1 check enable (VTCR_EL2.TL1)"),
	SMMU_FLD("VMSPtr", 5, 55, 12, ADDR, .help = "Physical address of the Virtual Machine Structure (VMS)"),
	/* dword 6 */
	SMMU_BIT("S2SW", 6, 0, .help = "NS bit of stage 2 walks through S_S2TTB (Secure IPA space)"),
	SMMU_BIT("S2SA", 6, 1, .help = "NS bit output by stage 2 for Secure IPAs"),
	SMMU_BIT("S_S2SL0_2", 6, 2, .help = "Bit 2 of the Secure stage 2 starting level"),
	SMMU_FLD("S_S2TTB", 6, 55, 4, ADDR, .help = "Secure stage 2 translation table base address"),
	SMMU_FLD("S_S2SKL", 6, 62, 61, DEC, .help = "Secure stage 2 skip levels at the initial lookup (VMSAv9-128)"),
	/* dword 7 */
	SMMU_FLD("S2POI", 7, 63, 0, HEX,
		 .help = "Stage 2 permission overlay interpretations, 4 bits per POIndex (S2POR_EL1)"),
	SMMU_FLD_END,
};

static const struct smmu_desc ste = {
	.kind = "smmuv3.ste", .name = "STE", .title = "Stream Table Entry (64 bytes, 8 dwords)",
	.nwords = 8, .width = 64, .fields = ste_fields,
};

/* --- L1STD, Level 1 Stream Table Descriptor (5.1) ------------------------- */

static const struct smmu_field l1std_fields[] = {
	SMMU_FLD("Span", 0, 4, 0, DEC,
		 .help = "0: L2Ptr invalid; 1-11: the level 2 array holds 2^(Span-1) STEs"),
	SMMU_FLD("L2Ptr", 0, 55, 6, ADDR, .help = "Address of the level 2 STE array (aligned to its size)"),
	SMMU_FLD_END,
};

static const struct smmu_desc l1std = {
	.kind = "smmuv3.l1std", .name = "L1STD",
	.title = "Level 1 Stream Table Descriptor (2-level stream table)",
	.nwords = 1, .width = 64, .fields = l1std_fields,
};

/* --- CD, Context Descriptor (5.4) ----------------------------------------- */

static const struct smmu_enum cd_tg1[] = {
	{ 1, "16KB" }, { 2, "4KB" }, { 3, "64KB" }, { .name = NULL },
};

static const struct smmu_field cd_fields[] = {
	/* dword 0 */
	SMMU_FLD("T0SZ", 0, 5, 0, DEC, .help = "TTB0 region is 2^(64-T0SZ) bytes (TCR_ELx.T0SZ)"),
	SMMU_FLD("TG0", 0, 7, 6, ENUM, .enums = tg0_enum, .help = "TTB0 translation granule"),
	SMMU_FLD("IR0", 0, 9, 8, ENUM, .enums = walk_cache, .help = "Inner cacheability of TTB0 walks"),
	SMMU_FLD("OR0", 0, 11, 10, ENUM, .enums = walk_cache, .help = "Outer cacheability of TTB0 walks"),
	SMMU_FLD("SH0", 0, 13, 12, ENUM, .enums = sh_enum, .help = "Shareability of TTB0 walks"),
	SMMU_BIT("EPD0", 0, 14, .help = "TTB0 walks disabled: a TLB miss through TTB0 is a Translation fault"),
	SMMU_BIT("ENDI", 0, 15, .help = "Translation tables are big-endian"),
	SMMU_FLD("T1SZ", 0, 21, 16, DEC, .help = "TTB1 region is 2^(64-T1SZ) bytes (TCR_ELx.T1SZ)"),
	SMMU_FLD("TG1", 0, 23, 22, ENUM, .enums = cd_tg1, .help = "TTB1 translation granule (TG1 encoding)"),
	SMMU_FLD("IR1", 0, 25, 24, ENUM, .enums = walk_cache, .help = "Inner cacheability of TTB1 walks"),
	SMMU_FLD("OR1", 0, 27, 26, ENUM, .enums = walk_cache, .help = "Outer cacheability of TTB1 walks"),
	SMMU_FLD("SH1", 0, 29, 28, ENUM, .enums = sh_enum, .help = "Shareability of TTB1 walks"),
	SMMU_BIT("EPD1", 0, 30, .help = "TTB1 walks disabled: a TLB miss through TTB1 is a Translation fault"),
	SMMU_BIT("V", 0, 31, .help = "CD valid; use of an invalid CD records C_BAD_CD"),
	SMMU_FLD("IPS", 0, 34, 32, ENUM, .enums = pa_size,
		 .help = "Stage 1 output (intermediate physical) address size (TCR_ELx.IPS)"),
	SMMU_BIT("AFFD", 0, 35, .help = "Access flag fault disable: AF treated as 1"),
	SMMU_BIT("WXN", 0, 36, .help = "Write implies execute-never"),
	SMMU_BIT("UWXN", 0, 37, .help = "Unprivileged write implies privileged execute-never (VMSAv8-32)"),
	SMMU_BIT("TBI0", 0, 38, .help = "Top byte ignore for the TTB0 region"),
	SMMU_BIT("TBI1", 0, 39, .help = "Top byte ignore for the TTB1 region"),
	SMMU_BIT("PAN", 0, 40, .help = "Privileged access never"),
	SMMU_BIT("AA64", 0, 41, .help = "VMSAv8-64 tables (0: VMSAv8-32 LPAE, or VMSAv9-128)"),
	SMMU_BIT("HD", 0, 42, .help = "Hardware update of dirty state (with HA)"),
	SMMU_BIT("HA", 0, 43, .help = "Hardware update of the Access flag"),
	SMMU_BIT("S", 0, 44, .help = "Stage 1 faults stall the transaction"),
	SMMU_BIT("R", 0, 45, .help = "Stage 1 faults are recorded in the Event queue"),
	SMMU_BIT("A", 0, 46, .help = "Terminated transactions abort (0: RAZ/WI)"),
	SMMU_BIT("ASET", 0, 47, .help = "ASID in the non-shared set: not hit by broadcast TLBI by ASID"),
	SMMU_FLD("ASID", 0, 63, 48, HEX, .help = "Address space identifier tagging TLB entries"),
	/* dword 1 */
	SMMU_BIT("NSCFG0", 1, 0, .help = "NS attribute of the TTB0 starting-level fetch (Secure streams)"),
	SMMU_BIT("HAD0", 1, 1, .help = "Hierarchical attribute disable for TTB0 (DisCH0 when IDR5.D128=1)"),
	SMMU_BIT("E0PD0", 1, 2, .help = "Unprivileged access to the TTB0 region faults (TCR_ELx.E0PD0)"),
	SMMU_BIT("HAFT", 1, 3, .help = "Hardware update of the Access flag in table descriptors"),
	SMMU_FLD("TTB0", 1, 55, 4, ADDR, .help = "TTB0 translation table base address"),
	SMMU_BIT("PnCH", 1, 58, .help = "Stage 1 Protected attribute enable (TCR2_ELx.PnCH)"),
	SMMU_BIT("EPAN", 1, 59, .help = "Enhanced PAN: PAN also applies to unprivileged-executable pages"),
	SMMU_BIT("HWU059", 1, 60, .help = "TTB0 descriptor bit 59 has IMPLEMENTATION DEFINED use (HAD0=1)"),
	SMMU_BIT("HWU060", 1, 61, .help = "TTB0 descriptor bit 60 has IMPLEMENTATION DEFINED use (HAD0=1)"),
	SMMU_BIT("HWU061", 1, 62, .help = "TTB0 descriptor bit 61 use (SKL0[0] when IDR5.D128=1)"),
	SMMU_BIT("HWU062", 1, 63, .help = "TTB0 descriptor bit 62 use (SKL0[1] when IDR5.D128=1)"),
	/* dword 2 */
	SMMU_BIT("NSCFG1", 2, 0, .help = "NS attribute of the TTB1 starting-level fetch (Secure streams)"),
	SMMU_BIT("HAD1", 2, 1, .help = "Hierarchical attribute disable for TTB1 (DisCH1 when IDR5.D128=1)"),
	SMMU_BIT("E0PD1", 2, 2, .help = "Unprivileged access to the TTB1 region faults (TCR_ELx.E0PD1)"),
	SMMU_BIT("AIE", 2, 3, .help = "Attribute index extension: AttrIndx[3] selects MAIR/AMAIR bytes"),
	SMMU_FLD("TTB1", 2, 55, 4, ADDR, .help = "TTB1 translation table base address"),
	SMMU_BIT("DS", 2, 58, .help = "52-bit addresses with 4KB/16KB granules (TCR_ELx.DS)"),
	SMMU_BIT("PIE", 2, 59, .help = "Stage 1 uses the indirect permission scheme (PIIU/PIIP)"),
	SMMU_BIT("HWU159", 2, 60, .help = "TTB1 descriptor bit 59 has IMPLEMENTATION DEFINED use (HAD1=1)"),
	SMMU_BIT("HWU160", 2, 61, .help = "TTB1 descriptor bit 60 has IMPLEMENTATION DEFINED use (HAD1=1)"),
	SMMU_BIT("HWU161", 2, 62, .help = "TTB1 descriptor bit 61 use (SKL1[0] when IDR5.D128=1)"),
	SMMU_BIT("HWU162", 2, 63, .help = "TTB1 descriptor bit 62 use (SKL1[1] when IDR5.D128=1)"),
	/* dword 3 */
	SMMU_FLD("MAIR", 3, 63, 0, HEX,
		 .help = "MAIR1:MAIR0 memory attributes; byte n is Attr<n> for AttrIndx n"),
	/* dword 4 */
	SMMU_FLD("AMAIR", 4, 63, 0, HEX, .help = "AMAIR1:AMAIR0 auxiliary attributes (IMPLEMENTATION DEFINED)"),
	/* dword 5 */
	SMMU_FLD("IMPDEF351_320", 5, 31, 0, IGNORED,
		 .help = "IMPLEMENTATION DEFINED, e.g. QoS or walk hints (CD bits 351:320)"),
	SMMU_FLD("PARTID", 5, 47, 32, HEX, .help = "MPAM partition ID of client transactions (STE.S1MPAM=1)"),
	SMMU_FLD("PMG", 5, 55, 48, HEX, .help = "MPAM performance monitor group (STE.S1MPAM=1)"),
	/* dword 6 */
	SMMU_FLD("PIIU", 6, 47, 0, HEX,
		 .help = "Unprivileged permission interpretations, 3 bits per PIIndex"),
	/* dword 7 */
	SMMU_FLD("PIIP", 7, 47, 0, HEX,
		 .help = "Privileged permission interpretations, 3 bits per PIIndex"),
	SMMU_FLD_END,
};

static const struct smmu_desc cd = {
	.kind = "smmuv3.cd", .name = "CD", .title = "Context Descriptor (64 bytes, 8 dwords)",
	.nwords = 8, .width = 64, .fields = cd_fields,
};

/* --- L1CD, Level 1 Context Descriptor (5.3) -------------------------------- */

static const struct smmu_field l1cd_fields[] = {
	SMMU_BIT("V", 0, 0, .help = "L2Ptr valid; a CD fetch through an invalid L1CD records C_BAD_SUBSTREAMID"),
	SMMU_FLD("L2Ptr", 0, 55, 12, ADDR, .help = "Address of the level 2 CD table"),
	SMMU_FLD_END,
};

static const struct smmu_desc l1cd = {
	.kind = "smmuv3.l1cd", .name = "L1CD", .title = "Level 1 Context Descriptor (2-level CD table)",
	.nwords = 1, .width = 64, .fields = l1cd_fields,
};

const struct smmu_desc *const smmu_descs_smmuv3_structs[] = { &ste, &l1std, &cd, &l1cd, NULL };
