/* SPDX-License-Identifier: MIT */
/* Intel VT-d remapping hardware registers (VT-d specification, chapter 11). */
#include "tables.h"
#include "vtd-fault-reasons.h"

/* --- VER_REG ------------------------------------------------------------- */
static const struct smmu_field ver_fields[] = {
	SMMU_FLD("MIN", 0, 3, 0, DEC, .access = SMMU_A_RO, .help = "Minor version number"),
	SMMU_FLD("MAX", 0, 7, 4, DEC, .access = SMMU_A_RO, .help = "Major version number"),
	SMMU_FLD_END,
};
static const struct smmu_desc ver = {
	.kind = "vtd.ver", .name = "VER_REG", .title = "Version register",
	.offset = 0x0, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = ver_fields,
};

/* --- CAP_REG ------------------------------------------------------------- */
static const struct smmu_enum cap_nd[] = {
	{ 0, "16" }, { 1, "64" }, { 2, "256" }, { 3, "1K" }, { 4, "4K" }, { 5, "16K" },
	{ 6, "64K" }, { .name = NULL },
};
static const struct smmu_field cap_fields[] = {
	SMMU_FLD("ND", 0, 2, 0, ENUM, .enums = cap_nd, .access = SMMU_A_RO,
		 .help = "Number of domain IDs supported (2^(4+2*ND))"),
	SMMU_BIT("AFL", 0, 3, .access = SMMU_A_RO, .help = "Advanced fault logging supported"),
	SMMU_BIT("RWBF", 0, 4, .access = SMMU_A_RO,
		 .help = "Write-buffer flush required after table updates"),
	SMMU_BIT("PLMR", 0, 5, .access = SMMU_A_RO, .help = "Protected low-memory region supported"),
	SMMU_BIT("PHMR", 0, 6, .access = SMMU_A_RO, .help = "Protected high-memory region supported"),
	SMMU_BIT("CM", 0, 7, .access = SMMU_A_RO,
		 .help = "Caching mode: not-present/invalid entries may be cached (invalidate on map)"),
	SMMU_FLD("SAGAW", 0, 12, 8, HEX, .access = SMMU_A_RO,
		 .help = "Supported AGAW bitmap: bit1 39-bit 3-level, bit2 48-bit 4-level, bit3 57-bit 5-level"),
	SMMU_FLD("MGAW", 0, 21, 16, DEC, .bias = 1, .access = SMMU_A_RO,
		 .help = "Maximum guest address width in bits (value+1)"),
	SMMU_BIT("ZLR", 0, 22, .access = SMMU_A_RO, .help = "Zero-length DMA reads supported"),
	SMMU_FLD("FRO", 0, 33, 24, HEX, .access = SMMU_A_RO,
		 .help = "Fault-recording register offset in 16-byte units (offset = FRO*16)"),
	SMMU_FLD("SLLPS", 0, 37, 34, HEX, .access = SMMU_A_RO,
		 .help = "Second-level large pages: bit0 2MiB, bit1 1GiB"),
	SMMU_BIT("PSI", 0, 39, .access = SMMU_A_RO, .help = "Page-selective IOTLB invalidation supported"),
	SMMU_FLD("NFR", 0, 47, 40, DEC, .bias = 1, .access = SMMU_A_RO,
		 .help = "Number of fault-recording registers (value+1)"),
	SMMU_FLD("MAMV", 0, 53, 48, DEC, .access = SMMU_A_RO,
		 .help = "Maximum address mask value for page-selective invalidation"),
	SMMU_BIT("DWD", 0, 54, .access = SMMU_A_RO, .help = "Write draining supported"),
	SMMU_BIT("DRD", 0, 55, .access = SMMU_A_RO, .help = "Read draining supported"),
	SMMU_BIT("FL1GP", 0, 56, .access = SMMU_A_RO, .help = "First-level 1GiB pages supported"),
	SMMU_BIT("PI", 0, 59, .access = SMMU_A_RO, .help = "Posted interrupts supported"),
	SMMU_BIT("FL5LP", 0, 60, .access = SMMU_A_RO, .help = "First-level 5-level paging supported"),
	SMMU_BIT("ECMDS", 0, 61, .access = SMMU_A_RO, .help = "Enhanced command interface supported"),
	SMMU_BIT("ESIRTPS", 0, 62, .access = SMMU_A_RO,
		 .help = "SIRTP also invalidates the interrupt entry cache"),
	SMMU_BIT("ESRTPS", 0, 63, .access = SMMU_A_RO,
		 .help = "SRTP also invalidates context, PASID and IOTLB caches"),
	SMMU_FLD_END,
};
static const struct smmu_desc cap = {
	.kind = "vtd.cap", .name = "CAP_REG", .title = "Capability register",
	.offset = 0x8, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = cap_fields,
};

/* --- ECAP_REG ------------------------------------------------------------ */
static const struct smmu_field ecap_fields[] = {
	SMMU_BIT("C", 0, 0, .access = SMMU_A_RO, .help = "Page-walks are coherent (snooped)"),
	SMMU_BIT("QI", 0, 1, .access = SMMU_A_RO, .help = "Queued invalidation supported"),
	SMMU_BIT("DT", 0, 2, .access = SMMU_A_RO, .help = "Device-TLBs (ATS) supported"),
	SMMU_BIT("IR", 0, 3, .access = SMMU_A_RO, .help = "Interrupt remapping supported"),
	SMMU_BIT("EIM", 0, 4, .access = SMMU_A_RO, .help = "Extended (x2APIC) interrupt mode supported"),
	SMMU_BIT("PT", 0, 6, .access = SMMU_A_RO, .help = "Pass-through translation type supported"),
	SMMU_BIT("SC", 0, 7, .access = SMMU_A_RO, .help = "Snoop control supported"),
	SMMU_FLD("IRO", 0, 17, 8, HEX, .access = SMMU_A_RO,
		 .help = "IOTLB registers offset in 16-byte units (IVA_REG at IRO*16)"),
	SMMU_FLD("MHMV", 0, 23, 20, DEC, .access = SMMU_A_RO,
		 .help = "Maximum handle mask value for interrupt entry cache invalidation"),
	SMMU_BIT("MTS", 0, 25, .access = SMMU_A_RO, .help = "Memory type support"),
	SMMU_BIT("NEST", 0, 26, .access = SMMU_A_RO, .help = "Nested translation supported"),
	SMMU_BIT("PRS", 0, 29, .access = SMMU_A_RO, .help = "Page requests supported"),
	SMMU_BIT("ERS", 0, 30, .access = SMMU_A_RO, .help = "Execute requests supported"),
	SMMU_BIT("SRS", 0, 31, .access = SMMU_A_RO, .help = "Supervisor requests supported"),
	SMMU_BIT("NWFS", 0, 33, .access = SMMU_A_RO, .help = "No-write flag in ATS requests supported"),
	SMMU_BIT("EAFS", 0, 34, .access = SMMU_A_RO, .help = "Extended accessed flag supported"),
	SMMU_FLD("PSS", 0, 39, 35, DEC, .bias = 1, .access = SMMU_A_RO,
		 .help = "PASID size supported in bits (value+1)"),
	SMMU_BIT("PASID", 0, 40, .access = SMMU_A_RO, .help = "PASID supported"),
	SMMU_BIT("DIT", 0, 41, .access = SMMU_A_RO, .help = "Device-TLB invalidation throttling supported"),
	SMMU_BIT("PDS", 0, 42, .access = SMMU_A_RO, .help = "Page-request drain supported"),
	SMMU_BIT("SMTS", 0, 43, .access = SMMU_A_RO, .help = "Scalable-mode translation supported"),
	SMMU_BIT("VCS", 0, 44, .access = SMMU_A_RO, .help = "Virtual command supported"),
	SMMU_BIT("SLADS", 0, 45, .access = SMMU_A_RO, .help = "Second-level accessed/dirty supported"),
	SMMU_BIT("SLTS", 0, 46, .access = SMMU_A_RO, .help = "Second-level translation supported"),
	SMMU_BIT("FLTS", 0, 47, .access = SMMU_A_RO, .help = "First-level translation supported"),
	SMMU_BIT("SMPWCS", 0, 48, .access = SMMU_A_RO,
		 .help = "Scalable-mode page-walk coherency supported"),
	SMMU_BIT("RPS", 0, 49, .access = SMMU_A_RO, .help = "RID_PASID field supported"),
	SMMU_BIT("PMS", 0, 51, .access = SMMU_A_RO, .help = "Performance monitoring supported"),
	SMMU_BIT("ADMS", 0, 52, .access = SMMU_A_RO, .help = "Abort-DMA mode supported"),
	SMMU_BIT("RPRIVS", 0, 53, .access = SMMU_A_RO, .help = "RID_PRIV field supported"),
	SMMU_FLD_END,
};
static const struct smmu_desc ecap = {
	.kind = "vtd.ecap", .name = "ECAP_REG", .title = "Extended capability register",
	.offset = 0x10, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = ecap_fields,
};

/* --- GCMD_REG / GSTS_REG ------------------------------------------------- */
static const struct smmu_field gcmd_fields[] = {
	SMMU_BIT("CFI", 0, 23, .access = SMMU_A_WO, .help = "Compatibility-format interrupts allowed"),
	SMMU_BIT("SIRTP", 0, 24, .access = SMMU_A_WO, .help = "Set interrupt remap table pointer (latch IRTA_REG)"),
	SMMU_BIT("IRE", 0, 25, .access = SMMU_A_WO, .help = "Interrupt remapping enable"),
	SMMU_BIT("QIE", 0, 26, .access = SMMU_A_WO, .help = "Queued invalidation enable"),
	SMMU_BIT("WBF", 0, 27, .access = SMMU_A_WO, .help = "Write buffer flush"),
	SMMU_BIT("EAFL", 0, 28, .access = SMMU_A_WO, .help = "Enable advanced fault logging"),
	SMMU_BIT("SFL", 0, 29, .access = SMMU_A_WO, .help = "Set fault log (latch AFLOG_REG)"),
	SMMU_BIT("SRTP", 0, 30, .access = SMMU_A_WO, .help = "Set root table pointer (latch RTADDR_REG)"),
	SMMU_BIT("TE", 0, 31, .access = SMMU_A_WO, .help = "Translation enable"),
	SMMU_FLD_END,
};
static const struct smmu_desc gcmd = {
	.kind = "vtd.gcmd", .name = "GCMD_REG", .title = "Global command register (build it from GSTS_REG)",
	.offset = 0x18, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = gcmd_fields,
};

static const struct smmu_field gsts_fields[] = {
	SMMU_BIT("CFIS", 0, 23, .access = SMMU_A_RO, .help = "Compatibility-format interrupts allowed"),
	SMMU_BIT("IRTPS", 0, 24, .access = SMMU_A_RO, .help = "Interrupt remap table pointer latched"),
	SMMU_BIT("IRES", 0, 25, .access = SMMU_A_RO, .help = "Interrupt remapping enabled"),
	SMMU_BIT("QIES", 0, 26, .access = SMMU_A_RO, .help = "Queued invalidation enabled"),
	SMMU_BIT("WBFS", 0, 27, .access = SMMU_A_RO, .help = "Write buffer flush still in progress"),
	SMMU_BIT("AFLS", 0, 28, .access = SMMU_A_RO, .help = "Advanced fault logging enabled"),
	SMMU_BIT("FLS", 0, 29, .access = SMMU_A_RO, .help = "Fault log pointer latched"),
	SMMU_BIT("RTPS", 0, 30, .access = SMMU_A_RO, .help = "Root table pointer latched"),
	SMMU_BIT("TES", 0, 31, .access = SMMU_A_RO, .help = "Translation enabled"),
	SMMU_FLD_END,
};
static const struct smmu_desc gsts = {
	.kind = "vtd.gsts", .name = "GSTS_REG", .title = "Global status register",
	.offset = 0x1c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = gsts_fields,
};

/* --- RTADDR_REG ---------------------------------------------------------- */
static const struct smmu_enum rtaddr_ttm[] = {
	{ 0, "legacy" }, { 1, "scalable" }, { 2, "reserved" }, { 3, "abort-DMA" }, { .name = NULL },
};
static const struct smmu_field rtaddr_fields[] = {
	SMMU_FLD("TTM", 0, 11, 10, ENUM, .enums = rtaddr_ttm,
		 .help = "Translation table mode: legacy or scalable root table, or abort all DMA"),
	SMMU_FLD("RTA", 0, 63, 12, ADDR, .help = "Root table address (4KiB aligned)"),
	SMMU_FLD_END,
};
static const struct smmu_desc rtaddr = {
	.kind = "vtd.rtaddr", .name = "RTADDR_REG", .title = "Root table address register",
	.offset = 0x20, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = rtaddr_fields,
};

/* --- CCMD_REG ------------------------------------------------------------ */
static const struct smmu_enum ccmd_gran[] = {
	{ 1, "global" }, { 2, "domain" }, { 3, "device" }, { .name = NULL },
};
static const struct smmu_field ccmd_fields[] = {
	SMMU_FLD("DID", 0, 15, 0, HEX, .help = "Domain ID for domain- and device-selective invalidation"),
	SMMU_FLD("SID", 0, 31, 16, HEX, .help = "Source ID for device-selective invalidation"),
	SMMU_FLD("FM", 0, 33, 32, HEX, .help = "Function mask: low SID bits ignored in device-selective invalidation"),
	SMMU_FLD("CAIG", 0, 60, 59, ENUM, .enums = ccmd_gran, .access = SMMU_A_RO,
		 .help = "Context actual invalidation granularity (performed)"),
	SMMU_FLD("CIRG", 0, 62, 61, ENUM, .enums = ccmd_gran,
		 .help = "Context invalidation request granularity"),
	SMMU_BIT("ICC", 0, 63, .help = "Invalidate context cache (cleared by hardware when done)"),
	SMMU_FLD_END,
};
static const struct smmu_desc ccmd = {
	.kind = "vtd.ccmd", .name = "CCMD_REG", .title = "Context command register",
	.offset = 0x28, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = ccmd_fields,
};

/* --- Fault status, control and event registers --------------------------- */
static const struct smmu_field fsts_fields[] = {
	SMMU_BIT("PFO", 0, 0, .access = SMMU_A_W1C, .help = "Primary fault overflow: a fault was lost"),
	SMMU_BIT("PPF", 0, 1, .access = SMMU_A_RO,
		 .help = "Primary pending fault: OR of F in all fault-recording registers"),
	SMMU_BIT("AFO", 0, 2, .access = SMMU_A_W1C, .help = "Advanced fault overflow"),
	SMMU_BIT("APF", 0, 3, .access = SMMU_A_W1C, .help = "Advanced pending fault"),
	SMMU_BIT("IQE", 0, 4, .access = SMMU_A_W1C, .help = "Invalidation queue error (see IQERCD_REG)"),
	SMMU_BIT("ICE", 0, 5, .access = SMMU_A_W1C, .help = "Invalidation completion error (Device-TLB)"),
	SMMU_BIT("ITE", 0, 6, .access = SMMU_A_W1C, .help = "Invalidation time-out error (Device-TLB)"),
	SMMU_BIT("PRO", 0, 7, .access = SMMU_A_W1C,
		 .help = "Page request overflow (VT-d 2.x; moved to PRS_REG since 3.0)"),
	SMMU_FLD("FRI", 0, 15, 8, DEC, .access = SMMU_A_RO,
		 .help = "Index of the fault-recording register holding the first pending fault"),
	SMMU_FLD_END,
};
static const struct smmu_desc fsts = {
	.kind = "vtd.fsts", .name = "FSTS_REG", .title = "Fault status register",
	.offset = 0x34, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = fsts_fields,
};

/* FECTL/IECTL/PECTL share a layout, and so do the data and address triples. */
static const struct smmu_field evctl_fields[] = {
	SMMU_BIT("IP", 0, 30, .access = SMMU_A_RO, .help = "Interrupt pending (held while IM is set)"),
	SMMU_BIT("IM", 0, 31, .help = "Interrupt mask: no interrupt message is sent while set"),
	SMMU_FLD_END,
};
static const struct smmu_field evdata_fields[] = {
	SMMU_FLD("IMD", 0, 15, 0, HEX, .help = "Interrupt message data"),
	SMMU_FLD("EIMD", 0, 31, 16, HEX,
		 .help = "Extended interrupt message data (32-bit MSI data; reserved since VT-d 3.x)"),
	SMMU_FLD_END,
};
static const struct smmu_field evaddr_fields[] = {
	SMMU_FLD("MA", 0, 31, 2, ADDR, .help = "Interrupt message address (DWORD aligned)"),
	SMMU_FLD_END,
};
static const struct smmu_field evuaddr_fields[] = {
	SMMU_FLD("MUA", 0, 31, 0, HEX, .help = "Interrupt message upper address (x2APIC destination)"),
	SMMU_FLD_END,
};

#define EVREG(var, k, nm, ttl, off, flds) \
	static const struct smmu_desc var = { \
		.kind = k, .name = nm, .title = ttl, .offset = off, .nwords = 1, .width = 32, \
		.flags = SMMU_D_REGISTER, .fields = flds, \
	}

EVREG(fectl, "vtd.fectl", "FECTL_REG", "Fault event control register", 0x38, evctl_fields);
EVREG(fedata, "vtd.fedata", "FEDATA_REG", "Fault event data register", 0x3c, evdata_fields);
EVREG(feaddr, "vtd.feaddr", "FEADDR_REG", "Fault event address register", 0x40, evaddr_fields);
EVREG(feuaddr, "vtd.feuaddr", "FEUADDR_REG", "Fault event upper address register", 0x44,
      evuaddr_fields);

/* --- AFLOG_REG ----------------------------------------------------------- */
static const struct smmu_field aflog_fields[] = {
	SMMU_FLD("FLS", 0, 11, 9, LOG2, .bias = 12, .help = "Fault log size in bytes (4KiB * 2^FLS)"),
	SMMU_FLD("FLA", 0, 63, 12, ADDR, .help = "Fault log address (advanced fault logging)"),
	SMMU_FLD_END,
};
static const struct smmu_desc aflog = {
	.kind = "vtd.aflog", .name = "AFLOG_REG", .title = "Advanced fault log register",
	.offset = 0x58, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = aflog_fields,
};

/* --- Protected memory regions -------------------------------------------- */
static const struct smmu_field pmen_fields[] = {
	SMMU_BIT("PRS", 0, 0, .access = SMMU_A_RO, .help = "Protected region status: regions enforced"),
	SMMU_BIT("EPM", 0, 31, .help = "Enable protected memory regions"),
	SMMU_FLD_END,
};
static const struct smmu_desc pmen = {
	.kind = "vtd.pmen", .name = "PMEN_REG", .title = "Protected memory enable register",
	.offset = 0x64, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = pmen_fields,
};
/* Bits below N (at least 2MiB alignment) read 0; the base/limit field starts at bit 20. */
static const struct smmu_field plmbase_fields[] = {
	SMMU_FLD("PLMB", 0, 31, 20, ADDR, .help = "Protected low-memory base"),
	SMMU_FLD_END,
};
static const struct smmu_field plmlimit_fields[] = {
	SMMU_FLD("PLML", 0, 31, 20, ADDR, .help = "Protected low-memory limit"),
	SMMU_FLD_END,
};
static const struct smmu_field phmbase_fields[] = {
	SMMU_FLD("PHMB", 0, 63, 20, ADDR, .help = "Protected high-memory base"),
	SMMU_FLD_END,
};
static const struct smmu_field phmlimit_fields[] = {
	SMMU_FLD("PHML", 0, 63, 20, ADDR, .help = "Protected high-memory limit"),
	SMMU_FLD_END,
};
static const struct smmu_desc plmbase = {
	.kind = "vtd.plmbase", .name = "PLMBASE_REG", .title = "Protected low-memory base register",
	.offset = 0x68, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = plmbase_fields,
};
static const struct smmu_desc plmlimit = {
	.kind = "vtd.plmlimit", .name = "PLMLIMIT_REG", .title = "Protected low-memory limit register",
	.offset = 0x6c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = plmlimit_fields,
};
static const struct smmu_desc phmbase = {
	.kind = "vtd.phmbase", .name = "PHMBASE_REG", .title = "Protected high-memory base register",
	.offset = 0x70, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = phmbase_fields,
};
static const struct smmu_desc phmlimit = {
	.kind = "vtd.phmlimit", .name = "PHMLIMIT_REG", .title = "Protected high-memory limit register",
	.offset = 0x78, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = phmlimit_fields,
};

/* --- Invalidation queue -------------------------------------------------- */
static const struct smmu_field iqh_fields[] = {
	SMMU_FLD("QH", 0, 18, 4, ADDR, .access = SMMU_A_RO,
		 .help = "Byte offset of the next descriptor hardware fetches"),
	SMMU_FLD_END,
};
static const struct smmu_field iqt_fields[] = {
	SMMU_FLD("QT", 0, 18, 4, ADDR,
		 .help = "Byte offset after the last descriptor software wrote (32-byte aligned when DW=1)"),
	SMMU_FLD_END,
};
static const struct smmu_enum iqa_dw[] = {
	{ 0, "128-bit" }, { 1, "256-bit" }, { .name = NULL },
};
static const struct smmu_field iqa_fields[] = {
	SMMU_FLD("QS", 0, 2, 0, LOG2, .bias = 12, .help = "Queue size in bytes (4KiB * 2^QS)"),
	SMMU_FLD("DW", 0, 11, 11, ENUM, .enums = iqa_dw,
		 .help = "Descriptor width (256-bit required in scalable mode)"),
	SMMU_FLD("IQA", 0, 63, 12, ADDR, .help = "Invalidation queue base address"),
	SMMU_FLD_END,
};
static const struct smmu_field ics_fields[] = {
	SMMU_BIT("IWC", 0, 0, .access = SMMU_A_W1C,
		 .help = "Invalidation wait descriptor with IF=1 completed"),
	SMMU_FLD_END,
};
static const struct smmu_enum iqercd_iqei[] = {
	{ 0, "info not available" },
	{ 1, "invalid tail pointer" },
	{ 2, "descriptor fetch error" },
	{ 3, "invalid descriptor type" },
	{ 4, "reserved field set in descriptor" },
	{ 5, "invalid descriptor width" },
	{ 6, "tail pointer not 256-bit aligned" },
	{ 7, "invalid TTM in RTADDR_REG" },
	{ .name = NULL },
};
static const struct smmu_field iqercd_fields[] = {
	SMMU_FLD("IQEI", 0, 3, 0, ENUM, .enums = iqercd_iqei, .access = SMMU_A_RO,
		 .help = "Why FSTS_REG.IQE was set"),
	SMMU_FLD("ITESID", 0, 47, 32, HEX, .access = SMMU_A_RO,
		 .help = "Source ID of the Device-TLB invalidation that timed out (ITE)"),
	SMMU_FLD("ICESID", 0, 63, 48, HEX, .access = SMMU_A_RO,
		 .help = "Source ID of the invalid Device-TLB invalidation completion (ICE)"),
	SMMU_FLD_END,
};
static const struct smmu_desc iqh = {
	.kind = "vtd.iqh", .name = "IQH_REG", .title = "Invalidation queue head register",
	.offset = 0x80, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = iqh_fields,
};
static const struct smmu_desc iqt = {
	.kind = "vtd.iqt", .name = "IQT_REG", .title = "Invalidation queue tail register",
	.offset = 0x88, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = iqt_fields,
};
static const struct smmu_desc iqa = {
	.kind = "vtd.iqa", .name = "IQA_REG", .title = "Invalidation queue address register",
	.offset = 0x90, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = iqa_fields,
};
static const struct smmu_desc ics = {
	.kind = "vtd.ics", .name = "ICS_REG", .title = "Invalidation completion status register",
	.offset = 0x9c, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = ics_fields,
};
EVREG(iectl, "vtd.iectl", "IECTL_REG", "Invalidation event control register", 0xa0, evctl_fields);
EVREG(iedata, "vtd.iedata", "IEDATA_REG", "Invalidation event data register", 0xa4, evdata_fields);
EVREG(ieaddr, "vtd.ieaddr", "IEADDR_REG", "Invalidation event address register", 0xa8,
      evaddr_fields);
EVREG(ieuaddr, "vtd.ieuaddr", "IEUADDR_REG", "Invalidation event upper address register", 0xac,
      evuaddr_fields);
static const struct smmu_desc iqercd = {
	.kind = "vtd.iqercd", .name = "IQERCD_REG", .title = "Invalidation queue error record register",
	.offset = 0xb0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = iqercd_fields,
};

/* --- IRTA_REG ------------------------------------------------------------ */
static const struct smmu_field irta_fields[] = {
	SMMU_FLD("S", 0, 3, 0, LOG2, .bias = 1,
		 .help = "Interrupt remapping table size in entries (2^(S+1))"),
	SMMU_BIT("EIME", 0, 11, .help = "Extended interrupt mode enable (x2APIC 32-bit destinations)"),
	SMMU_FLD("IRTA", 0, 63, 12, ADDR, .help = "Interrupt remapping table address"),
	SMMU_FLD_END,
};
static const struct smmu_desc irta = {
	.kind = "vtd.irta", .name = "IRTA_REG", .title = "Interrupt remapping table address register",
	.offset = 0xb8, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = irta_fields,
};

/* --- Page request queue -------------------------------------------------- */
static const struct smmu_field pqh_fields[] = {
	SMMU_FLD("PQH", 0, 18, 5, ADDR,
		 .help = "Byte offset of the next page request software processes"),
	SMMU_FLD_END,
};
static const struct smmu_field pqt_fields[] = {
	SMMU_FLD("PQT", 0, 18, 5, ADDR, .access = SMMU_A_RO,
		 .help = "Byte offset where hardware writes the next page request"),
	SMMU_FLD_END,
};
static const struct smmu_field pqa_fields[] = {
	SMMU_FLD("PQS", 0, 2, 0, LOG2, .bias = 12, .help = "Page request queue size in bytes (4KiB * 2^PQS)"),
	SMMU_FLD("PQA", 0, 63, 12, ADDR, .help = "Page request queue base address"),
	SMMU_FLD_END,
};
static const struct smmu_field prs_fields[] = {
	SMMU_BIT("PPR", 0, 0, .access = SMMU_A_W1C, .help = "Pending page request in the queue"),
	SMMU_BIT("PRO", 0, 1, .access = SMMU_A_W1C, .help = "Page request overflow: a request was dropped"),
	SMMU_FLD_END,
};
static const struct smmu_desc pqh = {
	.kind = "vtd.pqh", .name = "PQH_REG", .title = "Page request queue head register",
	.offset = 0xc0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = pqh_fields,
};
static const struct smmu_desc pqt = {
	.kind = "vtd.pqt", .name = "PQT_REG", .title = "Page request queue tail register",
	.offset = 0xc8, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = pqt_fields,
};
static const struct smmu_desc pqa = {
	.kind = "vtd.pqa", .name = "PQA_REG", .title = "Page request queue address register",
	.offset = 0xd0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER, .fields = pqa_fields,
};
static const struct smmu_desc prs = {
	.kind = "vtd.prs", .name = "PRS_REG", .title = "Page request status register",
	.offset = 0xdc, .nwords = 1, .width = 32, .flags = SMMU_D_REGISTER, .fields = prs_fields,
};
EVREG(pectl, "vtd.pectl", "PECTL_REG", "Page request event control register", 0xe0, evctl_fields);
EVREG(pedata, "vtd.pedata", "PEDATA_REG", "Page request event data register", 0xe4, evdata_fields);
EVREG(peaddr, "vtd.peaddr", "PEADDR_REG", "Page request event address register", 0xe8,
      evaddr_fields);
EVREG(peuaddr, "vtd.peuaddr", "PEUADDR_REG", "Page request event upper address register", 0xec,
      evuaddr_fields);

/* --- Fault recording registers: CAP.NFR+1 of them at CAP.FRO*16 ---------- */
static const struct smmu_enum frcd_at[] = {
	{ 0, "untranslated" }, { 1, "translation request" }, { 2, "translated" }, { .name = NULL },
};
static const struct smmu_field frcd_fields[] = {
	SMMU_FLD("FI", 0, 63, 12, ADDR, .access = SMMU_A_RO,
		 .help = "Fault info: faulting page address (interrupt faults: index in bits 63:48)"),
	SMMU_FLD("SID", 1, 15, 0, HEX, .access = SMMU_A_RO,
		 .help = "Source ID (bus:dev.fn) of the faulting request"),
	SMMU_BIT("T2", 1, 28, .access = SMMU_A_RO,
		 .help = "Type bit 2: with T1=0 a page request, with T1=1 an AtomicOp"),
	SMMU_BIT("PRIV", 1, 29, .access = SMMU_A_RO, .help = "Supervisor privilege was requested"),
	SMMU_BIT("EXE", 1, 30, .access = SMMU_A_RO, .help = "Execute permission was requested"),
	SMMU_BIT("PP", 1, 31, .access = SMMU_A_RO, .help = "PASID present: PV is valid"),
	SMMU_FLD("FR", 1, 39, 32, ENUM, .enums = vtd_fault_reasons, .access = SMMU_A_RO,
		 .help = "Fault reason"),
	SMMU_FLD("PV", 1, 59, 40, HEX, .access = SMMU_A_RO, .help = "PASID value of the faulting request"),
	SMMU_FLD("AT", 1, 61, 60, ENUM, .enums = frcd_at, .access = SMMU_A_RO,
		 .help = "Address type of the faulting request"),
	SMMU_BIT("T1", 1, 62, .access = SMMU_A_RO,
		 .help = "Type bit 1: 1 = read (or AtomicOp), 0 = write (or page request)"),
	SMMU_BIT("F", 1, 63, .access = SMMU_A_W1C, .help = "Fault recorded; write 1 to free the register"),
	SMMU_FLD_END,
};
static const struct smmu_desc frcd = {
	.kind = "vtd.frcd", .name = "FRCD_REG",
	.title = "Fault recording register (128-bit, CAP.NFR+1 of them at CAP.FRO*16)",
	.offset = 0, .nwords = 2, .width = 64, .flags = SMMU_D_REGISTER | SMMU_D_DYNAMIC,
	.fields = frcd_fields,
};

/* --- IOTLB registers at ECAP.IRO*16 -------------------------------------- */
static const struct smmu_field iva_fields[] = {
	SMMU_FLD("AM", 0, 5, 0, DEC,
		 .help = "Address mask: invalidate 2^AM pages, ADDR aligned to that size"),
	SMMU_BIT("IH", 0, 6, .help = "Invalidation hint: only leaf entries changed, keep paging-structure caches"),
	SMMU_FLD("ADDR", 0, 63, 12, ADDR, .help = "Page address for page-selective invalidation"),
	SMMU_FLD_END,
};
static const struct smmu_desc iva = {
	.kind = "vtd.iva", .name = "IVA_REG", .title = "Invalidate address register (at ECAP.IRO*16)",
	.offset = 0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER | SMMU_D_DYNAMIC,
	.fields = iva_fields,
};
static const struct smmu_enum iotlb_gran[] = {
	{ 1, "global" }, { 2, "domain" }, { 3, "page" }, { .name = NULL },
};
static const struct smmu_field iotlb_fields[] = {
	SMMU_FLD("DID", 0, 47, 32, HEX, .help = "Domain ID for domain- and page-selective invalidation"),
	SMMU_BIT("DW", 0, 48, .help = "Drain writes before completing"),
	SMMU_BIT("DR", 0, 49, .help = "Drain reads before completing"),
	SMMU_FLD("IAIG", 0, 58, 57, ENUM, .enums = iotlb_gran, .access = SMMU_A_RO,
		 .help = "IOTLB actual invalidation granularity (performed)"),
	SMMU_FLD("IIRG", 0, 61, 60, ENUM, .enums = iotlb_gran,
		 .help = "IOTLB invalidation request granularity"),
	SMMU_BIT("IVT", 0, 63, .help = "Invalidate IOTLB (cleared by hardware when done)"),
	SMMU_FLD_END,
};
static const struct smmu_desc iotlb = {
	.kind = "vtd.iotlb", .name = "IOTLB_REG", .title = "IOTLB invalidate register (at ECAP.IRO*16 + 8)",
	.offset = 0, .nwords = 1, .width = 64, .flags = SMMU_D_REGISTER | SMMU_D_DYNAMIC,
	.fields = iotlb_fields,
};

const struct smmu_desc *const smmu_descs_vtd_regs[] = {
	&ver, &cap, &ecap, &gcmd, &gsts, &rtaddr, &ccmd, &fsts, &fectl, &fedata, &feaddr,
	&feuaddr, &aflog, &pmen, &plmbase, &plmlimit, &phmbase, &phmlimit, &iqh, &iqt, &iqa,
	&ics, &iectl, &iedata, &ieaddr, &ieuaddr, &iqercd, &irta, &pqh, &pqt, &pqa, &prs,
	&pectl, &pedata, &peaddr, &peuaddr, &frcd, &iva, &iotlb, NULL,
};
