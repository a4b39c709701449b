/* SPDX-License-Identifier: MIT */
/* Intel VT-d in-memory structures: root, context and PASID entries, invalidation descriptors. */
#include "tables.h"
#include "vtd-fault-reasons.h"

/*
 * Fault reasons (FRCD_REG.FR), from the specification's tables of
 * address-translation and interrupt-remapping fault conditions.  0x00 is
 * reserved.  Scalable-mode reasons (0x30 and up) carry "SM:" as Linux prints
 * them, which also keeps each name distinct from its legacy-mode twin.
 */
const struct smmu_enum vtd_fault_reasons[] = {
	/* legacy mode: root, context and second-level tables (LRT, LCT, LSL, LGN) */
	{ 0x01, "Present bit in root entry is clear" },
	{ 0x02, "Present bit in context entry is clear" },
	{ 0x03, "Invalid context entry" },
	{ 0x04, "Access beyond MGAW" },
	{ 0x05, "PTE write access is not set" },
	{ 0x06, "PTE read access is not set" },
	{ 0x07, "Next page table pointer is invalid" },
	{ 0x08, "Root table address is invalid" },
	{ 0x09, "Context table pointer is invalid" },
	{ 0x0a, "Non-zero reserved field in root entry" },
	{ 0x0b, "Non-zero reserved field in context entry" },
	{ 0x0c, "Non-zero reserved field in second-level paging entry" },
	{ 0x0d, "Translation type in context entry blocks the request" },
	{ 0x0e, "Translated address is in the interrupt address range" },
	/* interrupt remapping */
	{ 0x20, "Reserved field set in interrupt request" },
	{ 0x21, "Interrupt index beyond interrupt remapping table size" },
	{ 0x22, "Present bit in IRTE is clear" },
	{ 0x23, "Error accessing interrupt remapping table" },
	{ 0x24, "Non-zero reserved field in IRTE" },
	{ 0x25, "Compatibility format interrupt blocked" },
	{ 0x26, "Source-id verification failed for interrupt request" },
	{ 0x27, "Error accessing posted interrupt descriptor" },
	{ 0x28, "Non-zero reserved field in posted interrupt descriptor" },
	/* scalable mode: root table address (RTA) */
	{ 0x30, "SM: Invalid root table address" },
	{ 0x31, "SM: TTM is legacy for a request with PASID" },
	{ 0x32, "SM: TTM is legacy for a page request" },
	/* scalable-mode root table (SRT) */
	{ 0x38, "SM: Error accessing root entry" },
	{ 0x39, "SM: Present bit in root entry is clear" },
	{ 0x3a, "SM: Non-zero reserved field in root entry" },
	/* scalable-mode context table (SCT) */
	{ 0x40, "SM: Error accessing context entry" },
	{ 0x41, "SM: Present bit in context entry is clear" },
	{ 0x42, "SM: Non-zero reserved field in context entry" },
	{ 0x43, "SM: Invalid context entry" },
	{ 0x44, "SM: DTE clear in context entry for a translation request" },
	{ 0x45, "SM: PASIDE clear in context entry for a request with PASID" },
	{ 0x46, "SM: PASID beyond the PASID directory size in context entry" },
	{ 0x47, "SM: PRE clear in context entry for a page request" },
	{ 0x48, "SM: RID_PASID field error in context entry" },
	/* scalable-mode PASID directory (SPD) */
	{ 0x50, "SM: Error accessing PASID directory entry" },
	{ 0x51, "SM: Present bit in PASID directory entry is clear" },
	{ 0x52, "SM: Non-zero reserved field in PASID directory entry" },
	/* scalable-mode PASID table (SPT) */
	{ 0x58, "SM: Error accessing PASID table entry" },
	{ 0x59, "SM: Present bit in PASID table entry is clear" },
	{ 0x5a, "SM: Non-zero reserved field in PASID table entry" },
	{ 0x5b, "SM: Invalid PASID table entry" },
	{ 0x5c, "SM: ERE clear in PASID table entry for an execute request" },
	{ 0x5d, "SM: SRE clear in PASID table entry for a supervisor request" },
	/* scalable-mode first-level tables (SFL) */
	{ 0x70, "SM: Error accessing first-level paging entry" },
	{ 0x71, "SM: Present bit in first-level paging entry is clear" },
	{ 0x72, "SM: Non-zero reserved field in first-level paging entry" },
	{ 0x73, "SM: Invalid first-level page table pointer (FLPTPTR)" },
	{ 0x74, "SM: First-level entry address beyond MGAW in nested translation" },
	{ 0x75, "SM: No read permission for FLPTPTR in nested translation" },
	{ 0x76, "SM: No read permission for first-level entry in nested translation" },
	{ 0x77, "SM: No write permission for first-level entry in nested translation" },
	/* scalable-mode second-level tables (SSL) */
	{ 0x78, "SM: Error accessing second-level paging entry" },
	{ 0x79, "SM: Read/write permission error in second-level paging entry" },
	{ 0x7a, "SM: Non-zero reserved field in second-level paging entry" },
	{ 0x7b, "SM: Invalid second-level page table pointer (SLPTPTR)" },
	{ 0x7c, "SM: A/D update needed in second-level entry set up for no-snoop" },
	/* scalable-mode general (SGN) */
	{ 0x80, "SM: Non-canonical address in first-level translation" },
	{ 0x81, "SM: User request to a supervisor page (U/S clear)" },
	{ 0x82, "SM: No execute permission for request with ER=1" },
	{ 0x83, "SM: Address beyond the remapping hardware limit (HAW)" },
	{ 0x84, "SM: Second-level entry address beyond HAW" },
	{ 0x85, "SM: No write permission for write/AtomicOp request" },
	{ 0x86, "SM: No read permission for read/AtomicOp request" },
	{ 0x87, "SM: Translated address is in the interrupt address range" },
	/* scalable-mode first-level, continued */
	{ 0x90, "SM: A/D update needed in first-level entry set up for no-snoop" },
	{ 0x91, "SM: A/D update of first-level entry failed" },
	{ .name = NULL },
};

static const struct smmu_field fault_reason_fields[] = {
	SMMU_FLD("FR", 0, 7, 0, ENUM, .enums = vtd_fault_reasons,
		 .help = "Fault reason code as recorded in FRCD_REG.FR or a fault log"),
	SMMU_FLD_END,
};
static const struct smmu_desc fault_reason = {
	.kind = "vtd.fault-reason", .name = "FR", .title = "Fault reason code (FRCD_REG.FR)",
	.nwords = 1, .width = 32, .fields = fault_reason_fields,
};

/* --- Legacy-mode root and context entries -------------------------------- */
static const struct smmu_field root_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present: the context table pointer is valid"),
	SMMU_FLD("CTP", 0, 63, 12, ADDR, .help = "Context table pointer (devfn-indexed table for this bus)"),
	SMMU_FLD_END,
};
static const struct smmu_desc root = {
	.kind = "vtd.root", .name = "Root Entry", .title = "Legacy-mode root entry (one per bus)",
	.nwords = 2, .width = 64, .fields = root_fields,
};

static const struct smmu_enum ctx_tt[] = {
	{ 0, "second-level" },         /* untranslated requests only */
	{ 1, "second-level+dev-TLB" }, /* translation requests (ATS) allowed too */
	{ 2, "pass-through" },
	{ .name = NULL },
};
static const struct smmu_enum ctx_aw[] = {
	{ 0, "30-bit 2-level" }, { 1, "39-bit 3-level" }, { 2, "48-bit 4-level" },
	{ 3, "57-bit 5-level" }, { .name = NULL },
};
static const struct smmu_field ctx_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present"),
	SMMU_BIT("FPD", 0, 1, .help = "Fault processing disable: qualified faults are not recorded"),
	SMMU_FLD("TT", 0, 3, 2, ENUM, .enums = ctx_tt,
		 .help = "Translation type: second-level tables, with Device-TLBs, or pass-through"),
	SMMU_FLD("SLPTPTR", 0, 63, 12, ADDR, .help = "Second-level page table pointer"),
	SMMU_FLD("AW", 1, 2, 0, ENUM, .enums = ctx_aw,
		 .help = "Address width: AGAW and levels of the second-level tables"),
	SMMU_FLD("AVAIL", 1, 6, 3, IGNORED, .help = "Available to software"),
	SMMU_FLD("DID", 1, 23, 8, HEX, .help = "Domain ID tagging cached translations"),
	SMMU_FLD_END,
};
static const struct smmu_desc ctx = {
	.kind = "vtd.ctx", .name = "Context Entry", .title = "Legacy-mode context entry (one per devfn)",
	.nwords = 2, .width = 64, .fields = ctx_fields,
};

/* --- Scalable-mode root and context entries, PASID structures ------------ */
static const struct smmu_field sm_root_fields[] = {
	SMMU_BIT("LP", 0, 0, .help = "Lower present: LCTP is valid"),
	SMMU_FLD("LCTP", 0, 63, 12, ADDR, .help = "Lower context table pointer (devfn 0-127)"),
	SMMU_BIT("UP", 1, 0, .help = "Upper present: UCTP is valid"),
	SMMU_FLD("UCTP", 1, 63, 12, ADDR, .help = "Upper context table pointer (devfn 128-255)"),
	SMMU_FLD_END,
};
static const struct smmu_desc sm_root = {
	.kind = "vtd.sm.root", .name = "Scalable-Mode Root Entry",
	.title = "Scalable-mode root entry (one per bus)",
	.nwords = 2, .width = 64, .fields = sm_root_fields,
};

static const struct smmu_field sm_ctx_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present"),
	SMMU_BIT("FPD", 0, 1, .help = "Fault processing disable: qualified faults are not recorded"),
	SMMU_BIT("DTE", 0, 2, .help = "Device-TLB enable: translation requests (ATS) allowed"),
	SMMU_BIT("PASIDE", 0, 3, .help = "PASID enable: requests with PASID allowed"),
	SMMU_BIT("PRE", 0, 4, .help = "Page request enable"),
	SMMU_FLD("PDTS", 0, 11, 9, LOG2, .bias = 7,
		 .help = "PASID directory size in entries (2^(PDTS+7))"),
	SMMU_FLD("PASIDDIRPTR", 0, 63, 12, ADDR, .help = "PASID directory pointer"),
	SMMU_FLD("RID_PASID", 1, 19, 0, HEX, .help = "PASID used for requests without PASID"),
	SMMU_BIT("RID_PRIV", 1, 20, .help = "Requests without PASID are treated as supervisor requests"),
	SMMU_FLD_END,
};
static const struct smmu_desc sm_ctx = {
	.kind = "vtd.sm.ctx", .name = "Scalable-Mode Context Entry",
	.title = "Scalable-mode context entry (256-bit, one per devfn)",
	.nwords = 4, .width = 64, .fields = sm_ctx_fields,
};

static const struct smmu_field pasid_dir_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present"),
	SMMU_BIT("FPD", 0, 1, .help = "Fault processing disable"),
	SMMU_FLD("SMPTBLPTR", 0, 63, 12, ADDR, .help = "Scalable-mode PASID table pointer (64 entries)"),
	SMMU_FLD_END,
};
static const struct smmu_desc pasid_dir = {
	.kind = "vtd.pasid.dir", .name = "Scalable-Mode PASID Directory Entry",
	.title = "PASID directory entry (PASID bits 19:6)",
	.nwords = 1, .width = 64, .fields = pasid_dir_fields,
};

static const struct smmu_enum pasid_aw[] = {
	{ 1, "39-bit 3-level" }, { 2, "48-bit 4-level" }, { 3, "57-bit 5-level" }, { .name = NULL },
};
static const struct smmu_enum pasid_pgtt[] = {
	{ 1, "first-level" }, { 2, "second-level" }, { 3, "nested" }, { 4, "pass-through" },
	{ .name = NULL },
};
static const struct smmu_enum pasid_flpm[] = {
	{ 0, "4-level" }, { 1, "5-level" }, { .name = NULL },
};
static const struct smmu_field pasid_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present"),
	SMMU_BIT("FPD", 0, 1, .help = "Fault processing disable"),
	SMMU_FLD("AW", 0, 4, 2, ENUM, .enums = pasid_aw,
		 .help = "Address width of the second-level tables"),
	SMMU_BIT("SLEE", 0, 5, .help = "Second-level execute enable"),
	SMMU_FLD("PGTT", 0, 8, 6, ENUM, .enums = pasid_pgtt,
		 .help = "PASID granular translation type"),
	SMMU_BIT("SLADE", 0, 9, .help = "Second-level accessed/dirty flags enable"),
	SMMU_FLD("SLPTPTR", 0, 63, 12, ADDR, .help = "Second-level page table pointer"),
	SMMU_FLD("DID", 1, 15, 0, HEX, .help = "Domain ID tagging cached translations"),
	SMMU_BIT("PWSNP", 1, 23, .help = "Page-walk snoop: table accesses snoop caches"),
	SMMU_BIT("PGSNP", 1, 24, .help = "Page snoop: accesses to translated pages snoop caches"),
	SMMU_BIT("CD", 1, 25, .help = "Cache disable (first-level memory type)"),
	SMMU_BIT("EMTE", 1, 26, .help = "Extended memory type enable"),
	SMMU_FLD("EMT", 1, 29, 27, HEX, .help = "Extended memory type"),
	SMMU_BIT("PWT", 1, 30, .help = "Page-level write-through for the first-level table root"),
	SMMU_BIT("PCD", 1, 31, .help = "Page-level cache disable for the first-level table root"),
	SMMU_FLD("PAT", 1, 63, 32, HEX, .help = "Page attribute table for first-level translation"),
	SMMU_BIT("SRE", 2, 0, .help = "Supervisor requests enable"),
	SMMU_BIT("ERE", 2, 1, .help = "Execute requests enable"),
	SMMU_FLD("FLPM", 2, 3, 2, ENUM, .enums = pasid_flpm, .help = "First-level paging mode"),
	SMMU_BIT("WPE", 2, 4, .help = "Write protect enable for supervisor requests"),
	SMMU_BIT("NXE", 2, 5, .help = "No-execute enable (XD bit honoured)"),
	SMMU_BIT("SMEP", 2, 6, .help = "Supervisor mode execute prevention"),
	SMMU_BIT("EAFE", 2, 7, .help = "Extended accessed flag enable"),
	SMMU_FLD("FLPTPTR", 2, 63, 12, ADDR, .help = "First-level page table pointer"),
	SMMU_FLD_END,
};
static const struct smmu_desc pasid = {
	.kind = "vtd.pasid", .name = "Scalable-Mode PASID Table Entry",
	.title = "PASID table entry (512-bit, PASID bits 5:0)",
	.nwords = 8, .width = 64, .fields = pasid_fields,
};

/* --- Invalidation descriptors (128-bit form) ----------------------------- */
/*
 * The type is word0 bits 3:0 with bits 6:4 of it in word0 bits 11:9.  Every
 * defined type has the upper part 0, so those bits are left to the
 * reserved-bit check: set, they name a type this table does not know.
 */
static const struct smmu_enum inv_type[] = {
	{ 0x1, "context-cache" },
	{ 0x2, "IOTLB" },
	{ 0x3, "device-TLB" },
	{ 0x4, "interrupt entry cache" },
	{ 0x5, "invalidation wait" },
	{ 0x6, "PASID-based IOTLB" },
	{ 0x7, "PASID cache" },
	{ 0x8, "PASID-based device-TLB" },
	{ .name = NULL },
};
#define INV_TYPE SMMU_FLD("Type", 0, 3, 0, ENUM, .enums = inv_type, .help = "Descriptor type (bits 3:0)")

static const struct smmu_enum cc_g[] = {
	{ 1, "global" }, { 2, "domain" }, { 3, "device" }, { .name = NULL },
};
static const struct smmu_field inv_cc_fields[] = {
	INV_TYPE,
	SMMU_FLD("G", 0, 5, 4, ENUM, .enums = cc_g, .help = "Granularity"),
	SMMU_FLD("DID", 0, 31, 16, HEX, .help = "Domain ID (domain- and device-selective)"),
	SMMU_FLD("SID", 0, 47, 32, HEX, .help = "Source ID (device-selective)"),
	SMMU_FLD("FM", 0, 49, 48, HEX, .help = "Function mask: low SID bits ignored"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_cc = {
	.kind = "vtd.inv.cc", .name = "cc_inv_dsc", .title = "Context-cache invalidate descriptor (type 1)",
	.nwords = 2, .width = 64, .fields = inv_cc_fields,
};

static const struct smmu_enum iotlb_g[] = {
	{ 1, "global" }, { 2, "domain" }, { 3, "page" }, { .name = NULL },
};
static const struct smmu_field inv_iotlb_fields[] = {
	INV_TYPE,
	SMMU_FLD("G", 0, 5, 4, ENUM, .enums = iotlb_g, .help = "Granularity"),
	SMMU_BIT("DW", 0, 6, .help = "Drain writes"),
	SMMU_BIT("DR", 0, 7, .help = "Drain reads"),
	SMMU_FLD("DID", 0, 31, 16, HEX, .help = "Domain ID (domain- and page-selective)"),
	SMMU_FLD("AM", 1, 5, 0, DEC, .help = "Address mask: 2^AM pages from ADDR (page-selective)"),
	SMMU_BIT("IH", 1, 6, .help = "Invalidation hint: only leaf entries changed"),
	SMMU_FLD("ADDR", 1, 63, 12, ADDR, .help = "Page address (page-selective)"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_iotlb = {
	.kind = "vtd.inv.iotlb", .name = "iotlb_inv_dsc", .title = "IOTLB invalidate descriptor (type 2)",
	.nwords = 2, .width = 64, .fields = inv_iotlb_fields,
};

static const struct smmu_field inv_dev_tlb_fields[] = {
	INV_TYPE,
	SMMU_FLD("PFSID[3:0]", 0, 15, 12, HEX, .help = "Physical function source ID, bits 3:0 (SR-IOV)"),
	SMMU_FLD("MIP", 0, 20, 16, DEC, .help = "Max invalidations pending (device's ATS queue depth)"),
	SMMU_FLD("SID", 0, 47, 32, HEX, .help = "Source ID of the device"),
	SMMU_FLD("PFSID[15:4]", 0, 63, 52, HEX, .help = "Physical function source ID, bits 15:4"),
	SMMU_BIT("S", 1, 0, .help = "Size: range encoded in ADDR's low set bits"),
	SMMU_FLD("ADDR", 1, 63, 12, ADDR, .help = "Address to invalidate"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_dev_tlb = {
	.kind = "vtd.inv.dev-tlb", .name = "dev_tlb_inv_dsc",
	.title = "Device-TLB invalidate descriptor (type 3)",
	.nwords = 2, .width = 64, .fields = inv_dev_tlb_fields,
};

static const struct smmu_enum iec_g[] = {
	{ 0, "global" }, { 1, "index" }, { .name = NULL },
};
static const struct smmu_field inv_iec_fields[] = {
	INV_TYPE,
	SMMU_FLD("G", 0, 4, 4, ENUM, .enums = iec_g, .help = "Granularity: all entries or index-selective"),
	SMMU_FLD("IM", 0, 31, 27, DEC, .help = "Index mask: 2^IM entries from IIDX"),
	SMMU_FLD("IIDX", 0, 47, 32, HEX, .help = "Interrupt index"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_iec = {
	.kind = "vtd.inv.iec", .name = "iec_inv_dsc",
	.title = "Interrupt entry cache invalidate descriptor (type 4)",
	.nwords = 2, .width = 64, .fields = inv_iec_fields,
};

static const struct smmu_field inv_wait_fields[] = {
	INV_TYPE,
	SMMU_BIT("IF", 0, 4, .help = "Interrupt flag: set ICS_REG.IWC and raise the event when done"),
	SMMU_BIT("SW", 0, 5, .help = "Status write: write StatusData to StatusAddr when done"),
	SMMU_BIT("FN", 0, 6, .help = "Fence: later descriptors wait for this one"),
	SMMU_BIT("PD", 0, 7, .help = "Page-request drain"),
	SMMU_FLD("StatusData", 0, 63, 32, HEX, .help = "Status data written when SW is set"),
	SMMU_FLD("StatusAddr", 1, 63, 2, ADDR, .help = "Status address (DWORD aligned)"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_wait = {
	.kind = "vtd.inv.wait", .name = "inv_wait_dsc", .title = "Invalidation wait descriptor (type 5)",
	.nwords = 2, .width = 64, .fields = inv_wait_fields,
};

static const struct smmu_enum piotlb_g[] = {
	{ 2, "PASID" }, { 3, "page-in-PASID" }, { .name = NULL },
};
static const struct smmu_field inv_piotlb_fields[] = {
	INV_TYPE,
	SMMU_FLD("G", 0, 5, 4, ENUM, .enums = piotlb_g,
		 .help = "Granularity: non-global entries of a PASID, or pages within a PASID"),
	SMMU_FLD("DID", 0, 31, 16, HEX, .help = "Domain ID"),
	SMMU_FLD("PASID", 0, 51, 32, HEX, .help = "PASID"),
	SMMU_FLD("AM", 1, 5, 0, DEC, .help = "Address mask: 2^AM pages from ADDR"),
	SMMU_BIT("IH", 1, 6, .help = "Invalidation hint: only leaf entries changed"),
	SMMU_FLD("ADDR", 1, 63, 12, ADDR, .help = "Page address (page-selective)"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_piotlb = {
	.kind = "vtd.inv.piotlb", .name = "p_iotlb_inv_dsc",
	.title = "PASID-based IOTLB invalidate descriptor (type 6)",
	.nwords = 2, .width = 64, .fields = inv_piotlb_fields,
};

static const struct smmu_enum pc_g[] = {
	{ 0, "domain" }, { 1, "PASID" }, { 3, "global" }, { .name = NULL },
};
static const struct smmu_field inv_pc_fields[] = {
	INV_TYPE,
	SMMU_FLD("G", 0, 5, 4, ENUM, .enums = pc_g,
		 .help = "Granularity: all PASIDs of a domain, one PASID, or everything"),
	SMMU_FLD("DID", 0, 31, 16, HEX, .help = "Domain ID"),
	SMMU_FLD("PASID", 0, 51, 32, HEX, .help = "PASID (PASID-selective)"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_pc = {
	.kind = "vtd.inv.pc", .name = "pc_inv_dsc", .title = "PASID-cache invalidate descriptor (type 7)",
	.nwords = 2, .width = 64, .fields = inv_pc_fields,
};

static const struct smmu_enum pdev_tlb_g[] = {
	{ 0, "PASID" }, { 1, "all PASIDs" }, { .name = NULL },
};
static const struct smmu_field inv_pdev_tlb_fields[] = {
	INV_TYPE,
	SMMU_FLD("MIP", 0, 8, 4, DEC, .help = "Max invalidations pending (device's ATS queue depth)"),
	SMMU_FLD("PFSID[3:0]", 0, 15, 12, HEX, .help = "Physical function source ID, bits 3:0 (SR-IOV)"),
	SMMU_FLD("SID", 0, 31, 16, HEX, .help = "Source ID of the device"),
	SMMU_FLD("PASID", 0, 51, 32, HEX, .help = "PASID"),
	SMMU_FLD("PFSID[15:4]", 0, 63, 52, HEX, .help = "Physical function source ID, bits 15:4"),
	SMMU_FLD("G", 1, 0, 0, ENUM, .enums = pdev_tlb_g,
		 .help = "Global: also invalidate global mappings of all PASIDs"),
	SMMU_BIT("S", 1, 11, .help = "Size: range encoded in ADDR's low set bits"),
	SMMU_FLD("ADDR", 1, 63, 12, ADDR, .help = "Address to invalidate"),
	SMMU_FLD_END,
};
static const struct smmu_desc inv_pdev_tlb = {
	.kind = "vtd.inv.pdev-tlb", .name = "p_dev_tlb_inv_dsc",
	.title = "PASID-based device-TLB invalidate descriptor (type 8)",
	.nwords = 2, .width = 64, .fields = inv_pdev_tlb_fields,
};

static const struct smmu_variant inv_variants[] = {
	{ 0x1, &inv_cc }, { 0x2, &inv_iotlb }, { 0x3, &inv_dev_tlb }, { 0x4, &inv_iec },
	{ 0x5, &inv_wait }, { 0x6, &inv_piotlb }, { 0x7, &inv_pc }, { 0x8, &inv_pdev_tlb },
	{ .desc = NULL },
};
static const struct smmu_field inv_fields[] = {
	INV_TYPE,
	SMMU_FLD_END,
};
static const struct smmu_desc inv = {
	.kind = "vtd.inv", .name = "inv_dsc",
	.title = "Invalidation queue descriptor (128-bit; layout chosen by Type)",
	.nwords = 2, .width = 64, .fields = inv_fields,
	.sel_word = 0, .sel_hi = 3, .sel_lo = 0, .variants = inv_variants,
};

const struct smmu_desc *const smmu_descs_vtd_structs[] = {
	&root, &ctx, &sm_root, &sm_ctx, &pasid_dir, &pasid,
	&inv, &inv_cc, &inv_iotlb, &inv_dev_tlb, &inv_iec, &inv_wait, &inv_piotlb, &inv_pc,
	&inv_pdev_tlb, &fault_reason, NULL,
};
