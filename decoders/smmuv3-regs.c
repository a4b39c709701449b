/* SPDX-License-Identifier: MIT */
/* Arm SMMUv3 (IHI 0070) Non-secure registers of page 0 and page 1, field by field. */
#include "tables.h"

/* --- shared encodings ------------------------------------------------------ */

static const struct smmu_enum cacheability[] = {
	{ 0, "NC" }, { 1, "WB" }, { 2, "WT" }, { .name = NULL },
};
static const struct smmu_enum shareability[] = {
	{ 0, "NSH" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};

/* --- ID registers ---------------------------------------------------------- */

static const struct smmu_enum idr0_ttf[] = {
	{ 1, "AArch32" }, { 2, "AArch64" }, { 3, "AArch32+AArch64" }, { .name = NULL },
};
static const struct smmu_enum idr0_httu[] = {
	{ 0, "None" }, { 1, "AF" }, { 2, "AF+DBM" }, { 3, "AF+DBM+TableAF" }, { .name = NULL },
};
static const struct smmu_enum idr0_ttendian[] = {
	{ 0, "Mixed" }, { 2, "Little" }, { 3, "Big" }, { .name = NULL },
};
static const struct smmu_enum idr0_stall_model[] = {
	{ 0, "Stall+Terminate" }, { 1, "Terminate" }, { 2, "StallForced" }, { .name = NULL },
};
static const struct smmu_enum idr0_st_level[] = {
	{ 0, "Linear" }, { 1, "2-level" }, { .name = NULL },
};
static const struct smmu_field idr0_fields[] = {
	SMMU_BIT("S2P", 0, 0, .access = SMMU_A_RO, .help = "Stage 2 translation supported"),
	SMMU_BIT("S1P", 0, 1, .access = SMMU_A_RO, .help = "Stage 1 translation supported"),
	SMMU_FLD("TTF", 0, 3, 2, ENUM, .enums = idr0_ttf, .access = SMMU_A_RO,
		 .help = "Translation table formats supported (VMSAv8-32 LPAE, VMSAv8-64)"),
	SMMU_BIT("COHACC", 0, 4, .access = SMMU_A_RO,
		 .help = "IO-coherent access to tables, structures and queues supported"),
	SMMU_BIT("BTM", 0, 5, .access = SMMU_A_RO,
		 .help = "Broadcast TLB maintenance from PEs supported"),
	SMMU_FLD("HTTU", 0, 7, 6, ENUM, .enums = idr0_httu, .access = SMMU_A_RO,
		 .help = "Hardware update of Access flag / Dirty state supported"),
	SMMU_BIT("DORMHINT", 0, 8, .access = SMMU_A_RO,
		 .help = "Dormant hint (STATUSR.DORMANT) supported"),
	SMMU_BIT("Hyp", 0, 9, .access = SMMU_A_RO, .help = "Hypervisor (EL2) stage 1 contexts supported"),
	SMMU_BIT("ATS", 0, 10, .access = SMMU_A_RO, .help = "PCIe ATS supported"),
	SMMU_BIT("NS1ATS", 0, 11, .access = SMMU_A_RO,
		 .help = "Split-stage (stage 1 only) ATS NOT supported"),
	SMMU_BIT("ASID16", 0, 12, .access = SMMU_A_RO, .help = "16-bit ASIDs supported"),
	SMMU_BIT("MSI", 0, 13, .access = SMMU_A_RO, .help = "Message signalled interrupts supported"),
	SMMU_BIT("SEV", 0, 14, .access = SMMU_A_RO,
		 .help = "SMMU and system can send WFE wake-up events to PEs"),
	SMMU_BIT("ATOS", 0, 15, .access = SMMU_A_RO,
		 .help = "Address translation operations (GATOS) supported"),
	SMMU_BIT("PRI", 0, 16, .access = SMMU_A_RO, .help = "PCIe Page Request Interface supported"),
	SMMU_BIT("VMW", 0, 17, .access = SMMU_A_RO,
		 .help = "VMID wildcard matching for TLB invalidation supported"),
	SMMU_BIT("VMID16", 0, 18, .access = SMMU_A_RO, .help = "16-bit VMIDs supported"),
	SMMU_BIT("CD2L", 0, 19, .access = SMMU_A_RO, .help = "2-level context descriptor tables supported"),
	SMMU_BIT("VATOS", 0, 20, .access = SMMU_A_RO, .help = "Virtual ATOS page interface supported"),
	SMMU_FLD("TTENDIAN", 0, 22, 21, ENUM, .enums = idr0_ttendian, .access = SMMU_A_RO,
		 .help = "Endianness supported for translation table walks"),
	SMMU_BIT("ATSRECERR", 0, 23, .access = SMMU_A_RO,
		 .help = "Extended recording of ATS/PRI configuration errors (CR2.REC_CFG_ATS)"),
	SMMU_FLD("STALL_MODEL", 0, 25, 24, ENUM, .enums = idr0_stall_model, .access = SMMU_A_RO,
		 .help = "Stall model: both, terminate only (no stall), or stall forced"),
	SMMU_BIT("TERM_MODEL", 0, 26, .access = SMMU_A_RO,
		 .help = "Terminated transactions always abort (RAZ/WI termination, CD.A=0, unsupported)"),
	SMMU_FLD("ST_LEVEL", 0, 28, 27, ENUM, .enums = idr0_st_level, .access = SMMU_A_RO,
		 .help = "Stream table formats: linear only, or 2-level as well"),
	SMMU_BIT("RME_IMPL", 0, 30, .access = SMMU_A_RO, .help = "SMMUv3.3 RME features supported"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr0 = {
	.kind = "smmuv3.idr0", .name = "SMMU_IDR0", .title = "Identification register 0: features",
	.offset = 0x0, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = idr0_fields,
};

static const struct smmu_field idr1_fields[] = {
	SMMU_FLD("SIDSIZE", 0, 5, 0, DEC, .access = SMMU_A_RO, .help = "StreamID width in bits"),
	SMMU_FLD("SSIDSIZE", 0, 10, 6, DEC, .access = SMMU_A_RO,
		 .help = "SubstreamID width in bits (0: no substreams)"),
	SMMU_FLD("PRIQS", 0, 15, 11, LOG2, .access = SMMU_A_RO, .help = "Maximum PRI queue entries"),
	SMMU_FLD("EVENTQS", 0, 20, 16, LOG2, .access = SMMU_A_RO, .help = "Maximum Event queue entries"),
	SMMU_FLD("CMDQS", 0, 25, 21, LOG2, .access = SMMU_A_RO, .help = "Maximum Command queue entries"),
	SMMU_BIT("ATTR_PERMS_OVR", 0, 26, .access = SMMU_A_RO,
		 .help = "Incoming instruction/data, privilege and NS attributes can be overridden"),
	SMMU_BIT("ATTR_TYPES_OVR", 0, 27, .access = SMMU_A_RO,
		 .help = "Incoming memory type, shareability and allocation hints can be overridden"),
	SMMU_BIT("REL", 0, 28, .access = SMMU_A_RO,
		 .help = "Preset base addresses are offsets from page 0, not absolute"),
	SMMU_BIT("QUEUES_PRESET", 0, 29, .access = SMMU_A_RO, .help = "Queue base registers are fixed"),
	SMMU_BIT("TABLES_PRESET", 0, 30, .access = SMMU_A_RO,
		 .help = "Stream table base registers are fixed"),
	SMMU_BIT("ECMDQ", 0, 31, .access = SMMU_A_RO,
		 .help = "Enhanced Command queue interface supported (see SMMU_IDR6)"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr1 = {
	.kind = "smmuv3.idr1", .name = "SMMU_IDR1", .title = "Identification register 1: sizes",
	.offset = 0x4, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = idr1_fields,
};

static const struct smmu_field idr2_fields[] = {
	SMMU_FLD("BA_VATOS", 0, 9, 0, HEX, .access = SMMU_A_RO,
		 .help = "VATOS page at SMMU base + 0x20000 + BA_VATOS * 64KB"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr2 = {
	.kind = "smmuv3.idr2", .name = "SMMU_IDR2", .title = "Identification register 2: VATOS page",
	.offset = 0x8, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = idr2_fields,
};

static const struct smmu_enum idr3_bbml[] = {
	{ 0, "Level0" }, { 1, "Level1" }, { 2, "Level2" }, { .name = NULL },
};
static const struct smmu_field idr3_fields[] = {
	SMMU_BIT("HAD", 0, 2, .access = SMMU_A_RO, .help = "Hierarchical attribute disables supported"),
	SMMU_BIT("PBHA", 0, 3, .access = SMMU_A_RO, .help = "Page-based hardware attributes supported"),
	SMMU_BIT("XNX", 0, 4, .access = SMMU_A_RO,
		 .help = "EL0/EL1 execute-never distinction at stage 2 supported"),
	SMMU_BIT("PPS", 0, 5, .access = SMMU_A_RO,
		 .help = "PASID always used on PRI auto-responses (STE.PPAR ignored)"),
	SMMU_BIT("MPAM", 0, 7, .access = SMMU_A_RO, .help = "MPAM supported in some Security state"),
	SMMU_BIT("FWB", 0, 8, .access = SMMU_A_RO,
		 .help = "Stage 2 control of memory types and attributes (STE.S2FWB) supported"),
	SMMU_BIT("STT", 0, 9, .access = SMMU_A_RO, .help = "Small translation tables supported"),
	SMMU_BIT("RIL", 0, 10, .access = SMMU_A_RO,
		 .help = "Range-based invalidation and level hint supported"),
	SMMU_FLD("BBML", 0, 12, 11, ENUM, .enums = idr3_bbml, .access = SMMU_A_RO,
		 .help = "Break-before-make behaviour level"),
	SMMU_BIT("E0PD", 0, 13, .access = SMMU_A_RO, .help = "E0PD mechanism (CD.E0PDx) implemented"),
	SMMU_BIT("PTWNNC", 0, 14, .access = SMMU_A_RO,
		 .help = "STE.S2PTW=0 treats Device-mapped stage 1 walks as Normal NC"),
	SMMU_BIT("DPT", 0, 15, .access = SMMU_A_RO,
		 .help = "Device Permission Table (EATS 0b11) supported for Non-secure streams"),
	SMMU_BIT("PASIDTT", 0, 16, .access = SMMU_A_RO,
		 .help = "PASID on ATS Translated transactions supported"),
	SMMU_BIT("EPAN", 0, 17, .access = SMMU_A_RO, .help = "Enhanced PAN supported"),
	SMMU_BIT("S1PI", 0, 18, .access = SMMU_A_RO, .help = "Stage 1 permission indirections supported"),
	SMMU_BIT("S2PI", 0, 19, .access = SMMU_A_RO, .help = "Stage 2 permission indirections supported"),
	SMMU_BIT("S2PO", 0, 20, .access = SMMU_A_RO, .help = "Stage 2 permission overlays supported"),
	SMMU_BIT("THE", 0, 21, .access = SMMU_A_RO, .help = "Translation hardening extension supported"),
	SMMU_BIT("MTEPERM", 0, 22, .access = SMMU_A_RO,
		 .help = "Stage 2 MemAttr NoTagAccess encodings supported"),
	SMMU_BIT("AIE", 0, 23, .access = SMMU_A_RO,
		 .help = "Stage 1 attribute index extension (CD.AIE) supported"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr3 = {
	.kind = "smmuv3.idr3", .name = "SMMU_IDR3", .title = "Identification register 3: features",
	.offset = 0xc, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = idr3_fields,
};

static const struct smmu_field impdef_ro_fields[] = {
	SMMU_FLD("IMPDEF", 0, 31, 0, IGNORED, .access = SMMU_A_RO,
		 .help = "IMPLEMENTATION DEFINED contents"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr4 = {
	.kind = "smmuv3.idr4", .name = "SMMU_IDR4",
	.title = "Identification register 4: IMPLEMENTATION DEFINED",
	.offset = 0x10, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = impdef_ro_fields,
};

static const struct smmu_enum idr5_oas[] = {
	{ 0, "32-bit" }, { 1, "36-bit" }, { 2, "40-bit" }, { 3, "42-bit" },
	{ 4, "44-bit" }, { 5, "48-bit" }, { 6, "52-bit" }, { 7, "56-bit" }, { .name = NULL },
};
static const struct smmu_enum idr5_vax[] = {
	{ 0, "48-bit" }, { 1, "52-bit" }, { 2, "56-bit" }, { .name = NULL },
};
static const struct smmu_field idr5_fields[] = {
	SMMU_FLD("OAS", 0, 2, 0, ENUM, .enums = idr5_oas, .access = SMMU_A_RO,
		 .help = "Output (physical) address size"),
	SMMU_BIT("GRAN4K", 0, 4, .access = SMMU_A_RO, .help = "4KB translation granule supported"),
	SMMU_BIT("GRAN16K", 0, 5, .access = SMMU_A_RO, .help = "16KB translation granule supported"),
	SMMU_BIT("GRAN64K", 0, 6, .access = SMMU_A_RO, .help = "64KB translation granule supported"),
	SMMU_BIT("DS", 0, 7, .access = SMMU_A_RO,
		 .help = "52-bit addresses with 4KB/16KB granules (LPA2) supported"),
	SMMU_BIT("D128", 0, 8, .access = SMMU_A_RO,
		 .help = "128-bit VMSAv9-128 translation table descriptors supported"),
	SMMU_FLD("VAX", 0, 11, 10, ENUM, .enums = idr5_vax, .access = SMMU_A_RO,
		 .help = "Largest virtual address translatable per CD.TTBx"),
	SMMU_FLD("STALL_MAX", 0, 31, 16, DEC, .access = SMMU_A_RO,
		 .help = "Maximum number of outstanding stalled transactions"),
	SMMU_FLD_END,
};
static const struct smmu_desc idr5 = {
	.kind = "smmuv3.idr5", .name = "SMMU_IDR5",
	.title = "Identification register 5: address sizes, granules",
	.offset = 0x14, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = idr5_fields,
};

static const struct smmu_field iidr_fields[] = {
	SMMU_FLD("Implementer", 0, 11, 0, HEX, .access = SMMU_A_RO,
		 .help = "JEP106 code of the implementer (0x43b: Arm)"),
	SMMU_FLD("Revision", 0, 15, 12, HEX, .access = SMMU_A_RO, .help = "Minor revision of the product"),
	SMMU_FLD("Variant", 0, 19, 16, HEX, .access = SMMU_A_RO,
		 .help = "Variant or major revision of the product"),
	SMMU_FLD("ProductID", 0, 31, 20, HEX, .access = SMMU_A_RO,
		 .help = "IMPLEMENTATION DEFINED part number"),
	SMMU_FLD_END,
};
static const struct smmu_desc iidr = {
	.kind = "smmuv3.iidr", .name = "SMMU_IIDR", .title = "Implementation identification register",
	.offset = 0x18, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = iidr_fields,
};

static const struct smmu_enum aidr_minor[] = {
	{ 0, "SMMUv3.0" }, { 1, "SMMUv3.1" }, { 2, "SMMUv3.2" }, { 3, "SMMUv3.3" },
	{ 4, "SMMUv3.4" }, { .name = NULL },
};
static const struct smmu_enum aidr_major[] = {
	{ 0, "SMMUv3.x" }, { .name = NULL },
};
static const struct smmu_field aidr_fields[] = {
	SMMU_FLD("ArchMinorRev", 0, 3, 0, ENUM, .enums = aidr_minor, .access = SMMU_A_RO,
		 .help = "Minor architecture revision"),
	SMMU_FLD("ArchMajorRev", 0, 7, 4, ENUM, .enums = aidr_major, .access = SMMU_A_RO,
		 .help = "Major architecture revision"),
	SMMU_FLD_END,
};
static const struct smmu_desc aidr = {
	.kind = "smmuv3.aidr", .name = "SMMU_AIDR", .title = "Architecture version identification",
	.offset = 0x1c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = aidr_fields,
};

/* --- control --------------------------------------------------------------- */

static const struct smmu_field cr0_fields[] = {
	SMMU_BIT("SMMUEN", 0, 0,
		 .help = "Non-secure SMMU enable (0: streams bypass or abort per SMMU_GBPA)"),
	SMMU_BIT("PRIQEN", 0, 1, .help = "PRI queue writes enabled"),
	SMMU_BIT("EVENTQEN", 0, 2, .help = "Event queue writes enabled"),
	SMMU_BIT("CMDQEN", 0, 3, .help = "Command queue processing enabled"),
	SMMU_BIT("ATSCHK", 0, 4,
		 .help = "ATS Translated traffic checked against STE.EATS (safe mode)"),
	SMMU_FLD("VMW", 0, 8, 6, DEC,
		 .help = "VMID wildcard: TLB invalidations ignore this many low VMID bits"),
	SMMU_BIT("DPT_WALK_EN", 0, 10, .help = "Non-secure Device Permission Table walks enabled"),
	SMMU_FLD_END,
};
static const struct smmu_desc cr0 = {
	.kind = "smmuv3.cr0", .name = "SMMU_CR0", .title = "Control register 0: enables",
	.offset = 0x20, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cr0_fields,
};

static const struct smmu_field cr0ack_fields[] = {
	SMMU_BIT("SMMUEN", 0, 0, .access = SMMU_A_RO, .help = "Acknowledged CR0.SMMUEN"),
	SMMU_BIT("PRIQEN", 0, 1, .access = SMMU_A_RO, .help = "Acknowledged CR0.PRIQEN"),
	SMMU_BIT("EVENTQEN", 0, 2, .access = SMMU_A_RO, .help = "Acknowledged CR0.EVENTQEN"),
	SMMU_BIT("CMDQEN", 0, 3, .access = SMMU_A_RO, .help = "Acknowledged CR0.CMDQEN"),
	SMMU_BIT("ATSCHK", 0, 4, .access = SMMU_A_RO, .help = "Acknowledged CR0.ATSCHK"),
	SMMU_FLD("VMW", 0, 8, 6, DEC, .access = SMMU_A_RO, .help = "Acknowledged CR0.VMW"),
	SMMU_BIT("DPT_WALK_EN", 0, 10, .access = SMMU_A_RO, .help = "Acknowledged CR0.DPT_WALK_EN"),
	SMMU_FLD_END,
};
static const struct smmu_desc cr0ack = {
	.kind = "smmuv3.cr0ack", .name = "SMMU_CR0ACK",
	.title = "Control register 0 acknowledge: CR0 fields once updated",
	.offset = 0x24, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cr0ack_fields,
};

static const struct smmu_field cr1_fields[] = {
	SMMU_FLD("QUEUE_IC", 0, 1, 0, ENUM, .enums = cacheability,
		 .help = "Queue access inner cacheability"),
	SMMU_FLD("QUEUE_OC", 0, 3, 2, ENUM, .enums = cacheability,
		 .help = "Queue access outer cacheability"),
	SMMU_FLD("QUEUE_SH", 0, 5, 4, ENUM, .enums = shareability, .help = "Queue access shareability"),
	SMMU_FLD("TABLE_IC", 0, 7, 6, ENUM, .enums = cacheability,
		 .help = "Stream table access inner cacheability"),
	SMMU_FLD("TABLE_OC", 0, 9, 8, ENUM, .enums = cacheability,
		 .help = "Stream table access outer cacheability"),
	SMMU_FLD("TABLE_SH", 0, 11, 10, ENUM, .enums = shareability,
		 .help = "Stream table access shareability"),
	SMMU_FLD_END,
};
static const struct smmu_desc cr1 = {
	.kind = "smmuv3.cr1", .name = "SMMU_CR1",
	.title = "Control register 1: table and queue memory attributes",
	.offset = 0x28, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cr1_fields,
};

static const struct smmu_field cr2_fields[] = {
	SMMU_BIT("E2H", 0, 0, .help = "EL2-E2H translation regime (with ASID) for STE.STRW=EL2"),
	SMMU_BIT("RECINVSID", 0, 1, .help = "Record C_BAD_STREAMID for out-of-range StreamIDs"),
	SMMU_BIT("PTM", 0, 2, .help = "Private TLB maintenance: ignore broadcast TLB invalidation"),
	SMMU_BIT("REC_CFG_ATS", 0, 3,
		 .help = "Record the extended set of ATS/PRI configuration error events"),
	SMMU_FLD_END,
};
static const struct smmu_desc cr2 = {
	.kind = "smmuv3.cr2", .name = "SMMU_CR2", .title = "Control register 2",
	.offset = 0x2c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cr2_fields,
};

static const struct smmu_field statusr_fields[] = {
	SMMU_BIT("DORMANT", 0, 0, .access = SMMU_A_RO,
		 .help = "Nothing cached and no prefetch in flight (dormant hint)"),
	SMMU_FLD_END,
};
static const struct smmu_desc statusr = {
	.kind = "smmuv3.statusr", .name = "SMMU_STATUSR", .title = "Status register",
	.offset = 0x40, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = statusr_fields,
};

static const struct smmu_enum gbpa_shcfg[] = {
	{ 0, "NSH" }, { 1, "Incoming" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};
static const struct smmu_enum gbpa_privcfg[] = {
	{ 0, "Incoming" }, { 2, "Unprivileged" }, { 3, "Privileged" }, { .name = NULL },
};
static const struct smmu_enum gbpa_instcfg[] = {
	{ 0, "Incoming" }, { 2, "Data" }, { 3, "Instruction" }, { .name = NULL },
};
static const struct smmu_field gbpa_fields[] = {
	SMMU_FLD("MemAttr", 0, 3, 0, HEX,
		 .help = "Memory type used when MTCFG=1 (encoded as STE.MemAttr)"),
	SMMU_BIT("MTCFG", 0, 4, .help = "Override incoming memory type with MemAttr"),
	SMMU_FLD("ALLOCCFG", 0, 11, 8, HEX,
		 .help = "Allocation hints: 0b0xxx incoming, 0b1RWT override RA/WA/TR"),
	SMMU_FLD("SHCFG", 0, 13, 12, ENUM, .enums = gbpa_shcfg, .help = "Shareability override"),
	SMMU_FLD("PRIVCFG", 0, 17, 16, ENUM, .enums = gbpa_privcfg,
		 .help = "User/privileged override"),
	SMMU_FLD("INSTCFG", 0, 19, 18, ENUM, .enums = gbpa_instcfg,
		 .help = "Instruction/data override (reads only)"),
	SMMU_BIT("ABORT", 0, 20, .help = "Abort all incoming transactions while SMMUEN=0"),
	SMMU_BIT("Update", 0, 31,
		 .help = "Write 1 with the new value; reads 1 until the update has completed"),
	SMMU_FLD_END,
};
static const struct smmu_desc gbpa = {
	.kind = "smmuv3.gbpa", .name = "SMMU_GBPA",
	.title = "Global bypass attributes (used while CR0.SMMUEN=0)",
	.offset = 0x44, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = gbpa_fields,
};

static const struct smmu_field agbpa_fields[] = {
	SMMU_FLD("IMPDEF", 0, 31, 0, IGNORED,
		 .help = "IMPLEMENTATION DEFINED attributes for bypassing transactions"),
	SMMU_FLD_END,
};
static const struct smmu_desc agbpa = {
	.kind = "smmuv3.agbpa", .name = "SMMU_AGBPA",
	.title = "Alternate global bypass attributes: IMPLEMENTATION DEFINED",
	.offset = 0x48, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = agbpa_fields,
};

/* --- interrupts and global errors ------------------------------------------ */

static const struct smmu_field irq_ctrl_fields[] = {
	SMMU_BIT("GERROR_IRQEN", 0, 0, .help = "Global error interrupt enabled"),
	SMMU_BIT("PRIQ_IRQEN", 0, 1, .help = "PRI queue interrupt enabled"),
	SMMU_BIT("EVENTQ_IRQEN", 0, 2, .help = "Event queue interrupt enabled"),
	SMMU_FLD_END,
};
static const struct smmu_desc irq_ctrl = {
	.kind = "smmuv3.irq_ctrl", .name = "SMMU_IRQ_CTRL", .title = "Interrupt enables",
	.offset = 0x50, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER,
	.fields = irq_ctrl_fields,
};

static const struct smmu_field irq_ctrlack_fields[] = {
	SMMU_BIT("GERROR_IRQEN", 0, 0, .access = SMMU_A_RO, .help = "Acknowledged IRQ_CTRL.GERROR_IRQEN"),
	SMMU_BIT("PRIQ_IRQEN", 0, 1, .access = SMMU_A_RO, .help = "Acknowledged IRQ_CTRL.PRIQ_IRQEN"),
	SMMU_BIT("EVENTQ_IRQEN", 0, 2, .access = SMMU_A_RO, .help = "Acknowledged IRQ_CTRL.EVENTQ_IRQEN"),
	SMMU_FLD_END,
};
static const struct smmu_desc irq_ctrlack = {
	.kind = "smmuv3.irq_ctrlack", .name = "SMMU_IRQ_CTRLACK",
	.title = "Interrupt enables acknowledge: IRQ_CTRL fields once updated",
	.offset = 0x54, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER,
	.fields = irq_ctrlack_fields,
};

/* An error is active while a GERROR bit differs from the same GERRORN bit. */
static const struct smmu_field gerror_fields[] = {
	SMMU_BIT("CMDQ_ERR", 0, 0, .access = SMMU_A_RO,
		 .help = "Command queue error: reason in CMDQ_CONS.ERR, processing stopped"),
	SMMU_BIT("EVENTQ_ABT_ERR", 0, 2, .access = SMMU_A_RO,
		 .help = "Event queue access aborted; events may be lost"),
	SMMU_BIT("PRIQ_ABT_ERR", 0, 3, .access = SMMU_A_RO,
		 .help = "PRI queue access aborted; page requests may be lost"),
	SMMU_BIT("MSI_CMDQ_ABT_ERR", 0, 4, .access = SMMU_A_RO, .help = "CMD_SYNC MSI aborted"),
	SMMU_BIT("MSI_EVENTQ_ABT_ERR", 0, 5, .access = SMMU_A_RO, .help = "Event queue MSI aborted"),
	SMMU_BIT("MSI_PRIQ_ABT_ERR", 0, 6, .access = SMMU_A_RO, .help = "PRI queue MSI aborted"),
	SMMU_BIT("MSI_GERROR_ABT_ERR", 0, 7, .access = SMMU_A_RO, .help = "GERROR MSI aborted"),
	SMMU_BIT("SFM_ERR", 0, 8, .access = SMMU_A_RO,
		 .help = "Service failure mode entered: traffic and command processing stopped"),
	SMMU_BIT("CMDQP_ERR", 0, 9, .access = SMMU_A_RO,
		 .help = "Error on an enhanced Command queue control page"),
	SMMU_BIT("DPT_ERR", 0, 10, .access = SMMU_A_RO,
		 .help = "DPT lookup fault; syndrome in SMMU_DPT_CFG_FAR"),
	SMMU_FLD_END,
};
static const struct smmu_desc gerror = {
	.kind = "smmuv3.gerror", .name = "SMMU_GERROR",
	.title = "Global errors (active where a bit differs from GERRORN)",
	.offset = 0x60, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = gerror_fields,
};

static const struct smmu_field gerrorn_fields[] = {
	SMMU_BIT("CMDQ_ERR", 0, 0, .help = "Toggle to acknowledge GERROR.CMDQ_ERR"),
	SMMU_BIT("EVENTQ_ABT_ERR", 0, 2, .help = "Toggle to acknowledge GERROR.EVENTQ_ABT_ERR"),
	SMMU_BIT("PRIQ_ABT_ERR", 0, 3, .help = "Toggle to acknowledge GERROR.PRIQ_ABT_ERR"),
	SMMU_BIT("MSI_CMDQ_ABT_ERR", 0, 4, .help = "Toggle to acknowledge GERROR.MSI_CMDQ_ABT_ERR"),
	SMMU_BIT("MSI_EVENTQ_ABT_ERR", 0, 5,
		 .help = "Toggle to acknowledge GERROR.MSI_EVENTQ_ABT_ERR"),
	SMMU_BIT("MSI_PRIQ_ABT_ERR", 0, 6, .help = "Toggle to acknowledge GERROR.MSI_PRIQ_ABT_ERR"),
	SMMU_BIT("MSI_GERROR_ABT_ERR", 0, 7,
		 .help = "Toggle to acknowledge GERROR.MSI_GERROR_ABT_ERR"),
	SMMU_BIT("SFM_ERR", 0, 8,
		 .help = "Toggle to acknowledge GERROR.SFM_ERR (does not leave service failure mode)"),
	SMMU_BIT("CMDQP_ERR", 0, 9, .help = "Toggle to acknowledge GERROR.CMDQP_ERR"),
	SMMU_BIT("DPT_ERR", 0, 10, .help = "Toggle to acknowledge GERROR.DPT_ERR"),
	SMMU_FLD_END,
};
static const struct smmu_desc gerrorn = {
	.kind = "smmuv3.gerrorn", .name = "SMMU_GERRORN",
	.title = "Global error acknowledge (toggle a bit to match GERROR)",
	.offset = 0x64, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = gerrorn_fields,
};

/* The three interrupt sources share the MSI register layouts. */
static const struct smmu_field irq_cfg0_fields[] = {
	SMMU_FLD("ADDR", 0, 55, 2, ADDR, .help = "MSI target physical address (0: no MSI, wired IRQ)"),
	SMMU_FLD_END,
};
static const struct smmu_field irq_cfg1_fields[] = {
	SMMU_FLD("DATA", 0, 31, 0, HEX, .help = "MSI data payload"),
	SMMU_FLD_END,
};
static const struct smmu_field irq_cfg2_fields[] = {
	SMMU_FLD("MemAttr", 0, 3, 0, HEX, .help = "MSI memory type (encoded as STE.MemAttr)"),
	SMMU_FLD("SH", 0, 5, 4, ENUM, .enums = shareability, .help = "MSI shareability"),
	SMMU_FLD_END,
};
static const struct smmu_field priq_irq_cfg2_fields[] = {
	SMMU_FLD("MemAttr", 0, 3, 0, HEX, .help = "MSI memory type (encoded as STE.MemAttr)"),
	SMMU_FLD("SH", 0, 5, 4, ENUM, .enums = shareability, .help = "MSI shareability"),
	SMMU_BIT("LO", 0, 31,
		 .help = "Last only: interrupt only for page requests with the L bit set"),
	SMMU_FLD_END,
};

static const struct smmu_desc gerror_irq_cfg0 = {
	.kind = "smmuv3.gerror_irq_cfg0", .name = "SMMU_GERROR_IRQ_CFG0",
	.title = "Global error MSI address",
	.offset = 0x68, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = irq_cfg0_fields,
};
static const struct smmu_desc gerror_irq_cfg1 = {
	.kind = "smmuv3.gerror_irq_cfg1", .name = "SMMU_GERROR_IRQ_CFG1",
	.title = "Global error MSI data",
	.offset = 0x70, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = irq_cfg1_fields,
};
static const struct smmu_desc gerror_irq_cfg2 = {
	.kind = "smmuv3.gerror_irq_cfg2", .name = "SMMU_GERROR_IRQ_CFG2",
	.title = "Global error MSI memory attributes",
	.offset = 0x74, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = irq_cfg2_fields,
};

/* --- stream table ---------------------------------------------------------- */

static const struct smmu_field strtab_base_fields[] = {
	SMMU_FLD("ADDR", 0, 55, 6, ADDR, .help = "Stream table physical base address"),
	SMMU_BIT("RA", 0, 62, .help = "Read-allocate hint for stream table accesses"),
	SMMU_FLD_END,
};
static const struct smmu_desc strtab_base = {
	.kind = "smmuv3.strtab_base", .name = "SMMU_STRTAB_BASE", .title = "Stream table base address",
	.offset = 0x80, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER,
	.fields = strtab_base_fields,
};

static const struct smmu_enum strtab_fmt[] = {
	{ 0, "Linear" }, { 1, "2-level" }, { .name = NULL },
};
static const struct smmu_field strtab_base_cfg_fields[] = {
	SMMU_FLD("LOG2SIZE", 0, 5, 0, LOG2, .help = "Stream table size in entries (StreamID range)"),
	SMMU_FLD("SPLIT", 0, 10, 6, DEC,
		 .help = "2-level split: StreamID bits indexing a leaf table (6, 8 or 10)"),
	SMMU_FLD("FMT", 0, 17, 16, ENUM, .enums = strtab_fmt, .help = "Stream table format"),
	SMMU_FLD_END,
};
static const struct smmu_desc strtab_base_cfg = {
	.kind = "smmuv3.strtab_base_cfg", .name = "SMMU_STRTAB_BASE_CFG",
	.title = "Stream table format and size",
	.offset = 0x88, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER,
	.fields = strtab_base_cfg_fields,
};

/* --- queues ---------------------------------------------------------------- */

static const struct smmu_field cmdq_base_fields[] = {
	SMMU_FLD("LOG2SIZE", 0, 4, 0, LOG2, .help = "Queue size in entries"),
	SMMU_FLD("ADDR", 0, 55, 5, ADDR, .help = "Queue physical base address"),
	SMMU_BIT("RA", 0, 62, .help = "Read-allocate hint for Command queue accesses"),
	SMMU_FLD_END,
};
static const struct smmu_field outq_base_fields[] = {
	SMMU_FLD("LOG2SIZE", 0, 4, 0, LOG2, .help = "Queue size in entries"),
	SMMU_FLD("ADDR", 0, 55, 5, ADDR, .help = "Queue physical base address"),
	SMMU_BIT("WA", 0, 62, .help = "Write-allocate hint for queue accesses"),
	SMMU_FLD_END,
};

static const struct smmu_desc cmdq_base = {
	.kind = "smmuv3.cmdq_base", .name = "SMMU_CMDQ_BASE", .title = "Command queue base and size",
	.offset = 0x90, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = cmdq_base_fields,
};

static const struct smmu_field cmdq_prod_fields[] = {
	SMMU_FLD("WR", 0, 19, 0, HEX,
		 .help = "Write index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap"),
	SMMU_FLD_END,
};
static const struct smmu_desc cmdq_prod = {
	.kind = "smmuv3.cmdq_prod", .name = "SMMU_CMDQ_PROD", .title = "Command queue producer index",
	.offset = 0x98, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cmdq_prod_fields,
};

static const struct smmu_enum cmdq_cons_err[] = {
	{ 0, "CERROR_NONE" }, { 1, "CERROR_ILL" }, { 2, "CERROR_ABT" }, { 3, "CERROR_ATC_INV_SYNC" },
	{ .name = NULL },
};
static const struct smmu_field cmdq_cons_fields[] = {
	SMMU_FLD("RD", 0, 19, 0, HEX,
		 .help = "Read index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap"),
	SMMU_FLD("ERR", 0, 30, 24, ENUM, .enums = cmdq_cons_err,
		 .help = "Command error reason (valid while GERROR.CMDQ_ERR is active)"),
	SMMU_FLD_END,
};
static const struct smmu_desc cmdq_cons = {
	.kind = "smmuv3.cmdq_cons", .name = "SMMU_CMDQ_CONS",
	.title = "Command queue consumer index and error",
	.offset = 0x9c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = cmdq_cons_fields,
};

static const struct smmu_desc eventq_base = {
	.kind = "smmuv3.eventq_base", .name = "SMMU_EVENTQ_BASE", .title = "Event queue base and size",
	.offset = 0xa0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = outq_base_fields,
};

static const struct smmu_field outq_prod_fields[] = {
	SMMU_FLD("WR", 0, 19, 0, HEX,
		 .help = "Write index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap"),
	SMMU_BIT("OVFLG", 0, 31,
		 .help = "Overflow flag: toggled by the SMMU; overflow while it differs from OVACKFLG"),
	SMMU_FLD_END,
};
static const struct smmu_field outq_cons_fields[] = {
	SMMU_FLD("RD", 0, 19, 0, HEX,
		 .help = "Read index: bits [LOG2SIZE-1:0] index, bit [LOG2SIZE] wrap"),
	SMMU_BIT("OVACKFLG", 0, 31, .help = "Overflow acknowledge: set equal to PROD.OVFLG"),
	SMMU_FLD_END,
};

static const struct smmu_desc eventq_prod = {
	.kind = "smmuv3.eventq_prod", .name = "SMMU_EVENTQ_PROD",
	.title = "Event queue producer index (page 1)",
	.offset = 0x100a8, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER | SMMU_D_PAGE1,
	.fields = outq_prod_fields,
};
static const struct smmu_desc eventq_cons = {
	.kind = "smmuv3.eventq_cons", .name = "SMMU_EVENTQ_CONS",
	.title = "Event queue consumer index (page 1)",
	.offset = 0x100ac, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER | SMMU_D_PAGE1,
	.fields = outq_cons_fields,
};

static const struct smmu_desc eventq_irq_cfg0 = {
	.kind = "smmuv3.eventq_irq_cfg0", .name = "SMMU_EVENTQ_IRQ_CFG0",
	.title = "Event queue MSI address",
	.offset = 0xb0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = irq_cfg0_fields,
};
static const struct smmu_desc eventq_irq_cfg1 = {
	.kind = "smmuv3.eventq_irq_cfg1", .name = "SMMU_EVENTQ_IRQ_CFG1",
	.title = "Event queue MSI data",
	.offset = 0xb8, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = irq_cfg1_fields,
};
static const struct smmu_desc eventq_irq_cfg2 = {
	.kind = "smmuv3.eventq_irq_cfg2", .name = "SMMU_EVENTQ_IRQ_CFG2",
	.title = "Event queue MSI memory attributes",
	.offset = 0xbc, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = irq_cfg2_fields,
};

static const struct smmu_desc priq_base = {
	.kind = "smmuv3.priq_base", .name = "SMMU_PRIQ_BASE", .title = "PRI queue base and size",
	.offset = 0xc0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = outq_base_fields,
};
static const struct smmu_desc priq_prod = {
	.kind = "smmuv3.priq_prod", .name = "SMMU_PRIQ_PROD",
	.title = "PRI queue producer index (page 1)",
	.offset = 0x100c8, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER | SMMU_D_PAGE1,
	.fields = outq_prod_fields,
};
static const struct smmu_desc priq_cons = {
	.kind = "smmuv3.priq_cons", .name = "SMMU_PRIQ_CONS",
	.title = "PRI queue consumer index (page 1)",
	.offset = 0x100cc, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER | SMMU_D_PAGE1,
	.fields = outq_cons_fields,
};

static const struct smmu_desc priq_irq_cfg0 = {
	.kind = "smmuv3.priq_irq_cfg0", .name = "SMMU_PRIQ_IRQ_CFG0", .title = "PRI queue MSI address",
	.offset = 0xd0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = irq_cfg0_fields,
};
static const struct smmu_desc priq_irq_cfg1 = {
	.kind = "smmuv3.priq_irq_cfg1", .name = "SMMU_PRIQ_IRQ_CFG1", .title = "PRI queue MSI data",
	.offset = 0xd8, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = irq_cfg1_fields,
};
static const struct smmu_desc priq_irq_cfg2 = {
	.kind = "smmuv3.priq_irq_cfg2", .name = "SMMU_PRIQ_IRQ_CFG2",
	.title = "PRI queue MSI memory attributes and last-only",
	.offset = 0xdc, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER,
	.fields = priq_irq_cfg2_fields,
};

const struct smmu_desc *const smmu_descs_smmuv3_regs[] = {
	&idr0, &idr1, &idr2, &idr3, &idr4, &idr5, &iidr, &aidr,
	&cr0, &cr0ack, &cr1, &cr2, &statusr, &gbpa, &agbpa,
	&irq_ctrl, &irq_ctrlack, &gerror, &gerrorn,
	&gerror_irq_cfg0, &gerror_irq_cfg1, &gerror_irq_cfg2,
	&strtab_base, &strtab_base_cfg,
	&cmdq_base, &cmdq_prod, &cmdq_cons,
	&eventq_base, &eventq_prod, &eventq_cons,
	&eventq_irq_cfg0, &eventq_irq_cfg1, &eventq_irq_cfg2,
	&priq_base, &priq_prod, &priq_cons,
	&priq_irq_cfg0, &priq_irq_cfg1, &priq_irq_cfg2,
	NULL,
};
