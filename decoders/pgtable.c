/* SPDX-License-Identifier: MIT */
/* Page-table entries: Arm VMSAv8-64 (LPAE) stage 1/2 descriptors, Intel VT-d first/second-level entries. */
#include "tables.h"

/*
 * VMSAv8-64 descriptors are described with the 4KB granule and 48-bit output
 * address layout: addresses are [47:12] (tables, pages) or [47:21] (level 2
 * blocks).  With a 16KB or 64KB granule the low address bits ([13:12] or
 * [15:12]) are RES0 and 64KB with FEAT_LPA puts OA[51:48] in [15:12]; with
 * FEAT_LPA2 (DS == 1) bits [9:8] and [49:48] carry address bits too.  Those
 * configurations decode with the extra bits reported as reserved.
 *
 * Bits[1:0] give the type, but 0b11 is a Table at levels 0-2 and a Page at
 * level 3: "lpae.s1"/"lpae.s2" choose by bits[1:0] alone and show 0b11 as
 * table-or-page; who knows the level uses the exact kind.
 */

/* --- shared encodings ------------------------------------------------------ */

static const struct smmu_enum type_any[] = {
	{ 0, "Invalid" }, { 1, "Block" }, { 2, "Invalid" }, { 3, "Table/Page" }, { .name = NULL },
};
static const struct smmu_enum type_invalid[] = {
	{ 0, "Invalid" }, { 2, "Invalid" }, { .name = NULL },
};
static const struct smmu_enum type_block[] = { { 1, "Block" }, { .name = NULL } };
static const struct smmu_enum type_table[] = { { 3, "Table" }, { .name = NULL } };
static const struct smmu_enum type_page[] = { { 3, "Page" }, { .name = NULL } };
static const struct smmu_enum type_tblpage[] = { { 3, "Table/Page" }, { .name = NULL } };

/* SH[1:0]; 0b01 is reserved. */
static const struct smmu_enum lpae_sh[] = {
	{ 0, "NSH" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};
/* Stage 1 AP[2:1]: privileged / unprivileged (EL0) access. */
static const struct smmu_enum s1_ap[] = {
	{ 0, "RW/none" }, { 1, "RW/RW" }, { 2, "RO/none" }, { 3, "RO/RO" }, { .name = NULL },
};
/* Stage 1 APTable: limit on the access permissions of subsequent levels. */
static const struct smmu_enum s1_aptable[] = {
	{ 0, "NoEffect" }, { 1, "NoEL0" }, { 2, "NoWrite" }, { 3, "NoWrite,NoEL0Read" },
	{ .name = NULL },
};
/* Stage 2 S2AP[1:0]: S2AP[0] read, S2AP[1] write. */
static const struct smmu_enum s2_ap[] = {
	{ 0, "none" }, { 1, "RO" }, { 2, "WO" }, { 3, "RW" }, { .name = NULL },
};
/* Stage 2 MemAttr[3:0] without FEAT_S2FWB: [3:2] 0b00 Device, else outer; [1:0] inner. */
static const struct smmu_enum s2_memattr[] = {
	{ 0x0, "Device-nGnRnE" }, { 0x1, "Device-nGnRE" }, { 0x2, "Device-nGRE" },
	{ 0x3, "Device-GRE" },
	{ 0x5, "Normal-oNC-iNC" }, { 0x6, "Normal-oNC-iWT" }, { 0x7, "Normal-oNC-iWB" },
	{ 0x9, "Normal-oWT-iNC" }, { 0xa, "Normal-oWT-iWT" }, { 0xb, "Normal-oWT-iWB" },
	{ 0xd, "Normal-oWB-iNC" }, { 0xe, "Normal-oWB-iWT" }, { 0xf, "Normal-oWB-iWB" },
	{ .name = NULL },
};
/* Stage 2 XN[1:0] (FEAT_XNX; without it XN[0] is RES0). */
static const struct smmu_enum s2_xn[] = {
	{ 0, "Exec" }, { 1, "NoExecEL1" }, { 2, "NoExec" }, { 3, "NoExecEL0" }, { .name = NULL },
};

/* --- field building blocks --------------------------------------------------- */

#define TYPE(e, h) SMMU_FLD("Type", 0, 1, 0, ENUM, .enums = (e), .help = h)
#define TABLE_LOW \
	SMMU_FLD("IGNORED11_2", 0, 11, 2, IGNORED, \
		 .help = "Ignored in a Table descriptor (FEAT_HAFT: AF in bit 10; DS: NLTA[51:50] in 9:8)")
#define NLTA \
	SMMU_FLD("NLTA", 0, 47, 12, ADDR, \
		 .help = "Next-level table address [47:12] (4KB granule; 16KB/64KB: low bits RES0)")
#define TABLE_IGN \
	SMMU_FLD("IGNORED58_52", 0, 58, 52, IGNORED, .help = "Ignored in a Table descriptor")
#define OA_PAGE \
	SMMU_FLD("OA", 0, 47, 12, ADDR, .help = "Output address [47:12] of the page (4KB granule)")
#define OA_BLOCK \
	SMMU_FLD("OA", 0, 47, 21, ADDR, \
		 .help = "Output address [47:21]: 2MB block at level 2 (level 1 1GB block: [29:21] RES0)")
#define NT SMMU_BIT("nT", 0, 16, .help = "Block translation entry (FEAT_BBM level 1 changes of block size)")
#define SH SMMU_FLD("SH", 0, 9, 8, ENUM, .enums = lpae_sh, .help = "Shareability of Normal memory")
#define AF SMMU_BIT("AF", 0, 10, .help = "Access flag: 0 faults (or is set by hardware with HTTU) on first access")
#define DBM SMMU_BIT("DBM", 0, 51, .help = "Dirty Bit Modifier: hardware may clear the read-only bit when written")
#define CONTIG SMMU_BIT("Contiguous", 0, 52, .help = "One of a set of adjacent entries that may share a TLB entry")
#define SW_RES \
	SMMU_FLD("SW_RESERVED", 0, 58, 55, IGNORED, .help = "Reserved for software use; ignored by hardware")
#define PBHA \
	SMMU_FLD("PBHA", 0, 62, 59, IGNORED, \
		 .help = "Page-based hardware attributes (FEAT_HPDS2), else ignored: IMPLEMENTATION DEFINED")
#define IGN63 SMMU_FLD("IGNORED63", 0, 63, 63, IGNORED, .help = "Ignored")

/* Stage 1 lower and upper attributes of Block and Page descriptors. */
#define S1_LOWER \
	SMMU_FLD("AttrIndx", 0, 4, 2, DEC, .help = "Index of the memory attributes in MAIR (CD.MAIR)"), \
	SMMU_BIT("NS", 0, 5, .help = "Non-secure output address space (Secure translation regimes only)"), \
	SMMU_FLD("AP", 0, 7, 6, ENUM, .enums = s1_ap, \
		 .help = "AP[2:1] data access permissions, privileged/unprivileged"), \
	SH, AF, \
	SMMU_BIT("nG", 0, 11, .help = "Not global: the translation is tagged with the ASID")
#define S1_UPPER \
	SMMU_BIT("GP", 0, 50, .help = "Guarded page (FEAT_BTI)"), \
	DBM, CONTIG, \
	SMMU_BIT("PXN", 0, 53, .help = "Privileged execute-never"), \
	SMMU_BIT("UXN", 0, 54, .help = "Unprivileged execute-never (XN in single-privilege regimes)"), \
	SW_RES, PBHA, IGN63

/* Stage 2 lower and upper attributes of Block and Page descriptors. */
#define S2_LOWER \
	SMMU_FLD("MemAttr", 0, 5, 2, ENUM, .enums = s2_memattr, \
		 .help = "Stage 2 memory type and cacheability (encoding differs with FEAT_S2FWB)"), \
	SMMU_FLD("S2AP", 0, 7, 6, ENUM, .enums = s2_ap, .help = "Stage 2 data access permissions"), \
	SH, AF, \
	SMMU_BIT("FnXS", 0, 11, .help = "FEAT_XS: the XS attribute is 0 for accesses to this memory")
#define S2_UPPER \
	DBM, CONTIG, \
	SMMU_FLD("XN", 0, 54, 53, ENUM, .enums = s2_xn, \
		 .help = "XN[1:0] stage 2 execute-never (XN[0] is RES0 without FEAT_XNX)"), \
	SW_RES, PBHA, IGN63

/* --- stage 1 ------------------------------------------------------------------ */

static const struct smmu_field s1_table_fields[] = {
	TYPE(type_table, "Descriptor type: 0b11 at level 0, 1 or 2 is a Table descriptor"),
	TABLE_LOW, NLTA, TABLE_IGN,
	SMMU_BIT("PXNTable", 0, 59, .help = "Privileged execute-never for subsequent levels"),
	SMMU_BIT("UXNTable", 0, 60,
		 .help = "Unprivileged execute-never for subsequent levels (XNTable in single-privilege regimes)"),
	SMMU_FLD("APTable", 0, 62, 61, ENUM, .enums = s1_aptable,
		 .help = "Limit on access permissions of subsequent levels"),
	SMMU_BIT("NSTable", 0, 63,
		 .help = "Subsequent levels are in Non-secure space (Secure translation regimes only)"),
	SMMU_FLD_END,
};
static const struct smmu_desc s1_table = {
	.kind = "lpae.s1.table", .name = "S1 Table", .title = "VMSAv8-64 stage 1 Table descriptor (levels 0-2)",
	.nwords = 1, .width = 64, .fields = s1_table_fields,
};

static const struct smmu_field s1_block_fields[] = {
	TYPE(type_block, "Descriptor type: 0b01 at level 1 or 2 is a Block descriptor"),
	S1_LOWER, NT, OA_BLOCK, S1_UPPER, SMMU_FLD_END,
};
static const struct smmu_desc s1_block = {
	.kind = "lpae.s1.block", .name = "S1 Block", .title = "VMSAv8-64 stage 1 Block descriptor (2MB at level 2, 4KB granule)",
	.nwords = 1, .width = 64, .fields = s1_block_fields,
};

static const struct smmu_field s1_page_fields[] = {
	TYPE(type_page, "Descriptor type: 0b11 at level 3 is a Page descriptor"),
	S1_LOWER, OA_PAGE, S1_UPPER, SMMU_FLD_END,
};
static const struct smmu_desc s1_page = {
	.kind = "lpae.s1.page", .name = "S1 Page", .title = "VMSAv8-64 stage 1 Page descriptor (level 3)",
	.nwords = 1, .width = 64, .fields = s1_page_fields,
};

/* --- stage 2 ------------------------------------------------------------------ */

static const struct smmu_field s2_table_fields[] = {
	TYPE(type_table, "Descriptor type: 0b11 at level 0, 1 or 2 is a Table descriptor"),
	TABLE_LOW, NLTA, TABLE_IGN, SMMU_FLD_END, /* [63:59] RES0: no hierarchical attributes at stage 2 */
};
static const struct smmu_desc s2_table = {
	.kind = "lpae.s2.table", .name = "S2 Table", .title = "VMSAv8-64 stage 2 Table descriptor (levels 0-2)",
	.nwords = 1, .width = 64, .fields = s2_table_fields,
};

static const struct smmu_field s2_block_fields[] = {
	TYPE(type_block, "Descriptor type: 0b01 at level 1 or 2 is a Block descriptor"),
	S2_LOWER, NT, OA_BLOCK, S2_UPPER, SMMU_FLD_END,
};
static const struct smmu_desc s2_block = {
	.kind = "lpae.s2.block", .name = "S2 Block", .title = "VMSAv8-64 stage 2 Block descriptor (2MB at level 2, 4KB granule)",
	.nwords = 1, .width = 64, .fields = s2_block_fields,
};

static const struct smmu_field s2_page_fields[] = {
	TYPE(type_page, "Descriptor type: 0b11 at level 3 is a Page descriptor"),
	S2_LOWER, OA_PAGE, S2_UPPER, SMMU_FLD_END,
};
static const struct smmu_desc s2_page = {
	.kind = "lpae.s2.page", .name = "S2 Page", .title = "VMSAv8-64 stage 2 Page descriptor (level 3)",
	.nwords = 1, .width = 64, .fields = s2_page_fields,
};

/* --- by bits[1:0] when the level is not known ------------------------------------ */

static const struct smmu_field invalid_fields[] = {
	TYPE(type_invalid, "Descriptor type: bit[0] == 0 is an invalid (faulting) descriptor"),
	SMMU_FLD("IGNORED63_2", 0, 63, 2, IGNORED,
		 .help = "Ignored by hardware in an invalid descriptor (free for software use)"),
	SMMU_FLD_END,
};
static const struct smmu_desc invalid = {
	.kind = "lpae.invalid", .name = "Invalid", .title = "VMSAv8-64 invalid descriptor (bit[0] == 0), either stage",
	.nwords = 1, .width = 64, .fields = invalid_fields,
};

#define TBLPAGE_TYPE \
	TYPE(type_tblpage, "Descriptor type: 0b11 is a Table at levels 0-2, a Page at level 3")
#define TBLPAGE_ADDR \
	SMMU_FLD("Address", 0, 47, 12, ADDR, \
		 .help = "Next-level table address (Table) or output address (Page), [47:12]")

static const struct smmu_field s1_tblpage_fields[] = {
	TBLPAGE_TYPE,
	SMMU_FLD("LowerAttrs", 0, 11, 2, HEX,
		 .help = "Page: AttrIndx[4:2] NS[5] AP[7:6] SH[9:8] AF[10] nG[11]; Table: ignored"),
	TBLPAGE_ADDR,
	SMMU_FLD("UpperAttrs", 0, 63, 50, HEX,
		 .help = "Page: GP DBM Contiguous PXN UXN [54:50]; Table: PXNTable UXNTable APTable NSTable [63:59]"),
	SMMU_FLD_END,
};
static const struct smmu_desc s1_tblpage = {
	.kind = "lpae.s1.table_or_page", .name = "S1 Table/Page",
	.title = "VMSAv8-64 stage 1 0b11 descriptor: Table (levels 0-2) or Page (level 3)",
	.nwords = 1, .width = 64, .fields = s1_tblpage_fields,
};

static const struct smmu_field s2_tblpage_fields[] = {
	TBLPAGE_TYPE,
	SMMU_FLD("LowerAttrs", 0, 11, 2, HEX,
		 .help = "Page: MemAttr[5:2] S2AP[7:6] SH[9:8] AF[10] FnXS[11]; Table: ignored"),
	TBLPAGE_ADDR,
	SMMU_FLD("UpperAttrs", 0, 63, 50, HEX,
		 .help = "Page: DBM Contiguous XN[1:0] [54:51]; Table: [63:59] RES0"),
	SMMU_FLD_END,
};
static const struct smmu_desc s2_tblpage = {
	.kind = "lpae.s2.table_or_page", .name = "S2 Table/Page",
	.title = "VMSAv8-64 stage 2 0b11 descriptor: Table (levels 0-2) or Page (level 3)",
	.nwords = 1, .width = 64, .fields = s2_tblpage_fields,
};

static const struct smmu_field any_fields[] = {
	SMMU_FLD("Type", 0, 1, 0, ENUM, .enums = type_any,
		 .help = "Descriptor type: bit[0] valid; 0b01 Block; 0b11 Table (levels 0-2) or Page (level 3)"),
	SMMU_FLD("Descriptor", 0, 63, 2, HEX, .help = "The rest of the descriptor, laid out by Type"),
	SMMU_FLD_END,
};
static const struct smmu_variant s1_variants[] = {
	{ 0, &invalid }, { 1, &s1_block }, { 2, &invalid }, { 3, &s1_tblpage }, { .desc = NULL },
};
static const struct smmu_variant s2_variants[] = {
	{ 0, &invalid }, { 1, &s2_block }, { 2, &invalid }, { 3, &s2_tblpage }, { .desc = NULL },
};
static const struct smmu_desc s1_any = {
	.kind = "lpae.s1", .name = "S1 descriptor",
	.title = "VMSAv8-64 stage 1 descriptor of unknown level, by bits[1:0]",
	.nwords = 1, .width = 64, .fields = any_fields,
	.sel_word = 0, .sel_hi = 1, .sel_lo = 0, .variants = s1_variants,
};
static const struct smmu_desc s2_any = {
	.kind = "lpae.s2", .name = "S2 descriptor",
	.title = "VMSAv8-64 stage 2 descriptor of unknown level, by bits[1:0]",
	.nwords = 1, .width = 64, .fields = any_fields,
	.sel_word = 0, .sel_hi = 1, .sel_lo = 0, .variants = s2_variants,
};

/* --- Intel VT-d paging entries (VT-d specification, chapter 9) ------------------- */

/* Extended memory type of a second-level leaf entry (used with snoop control/EMT). */
static const struct smmu_enum vtd_emt[] = {
	{ 0, "UC" }, { 1, "WC" }, { 4, "WT" }, { 5, "WP" }, { 6, "WB" }, { .name = NULL },
};

static const struct smmu_field vtd_sl_fields[] = {
	SMMU_BIT("R", 0, 0, .help = "Read access permitted through this entry"),
	SMMU_BIT("W", 0, 1, .help = "Write access permitted through this entry"),
	SMMU_BIT("X", 0, 2, .help = "Execute access permitted (ignored unless execute requests are enabled)"),
	SMMU_FLD("EMT", 0, 5, 3, ENUM, .enums = vtd_emt,
		 .help = "Extended memory type of a leaf entry (ignored in non-leaf entries)"),
	SMMU_BIT("IPAT", 0, 6, .help = "Ignore PAT: use EMT alone for the memory type (leaf entries)"),
	SMMU_BIT("PS", 0, 7, .help = "Page size: SL-PDE/PDPE maps a 2MB/1GB page (ignored in an SL-PTE)"),
	SMMU_BIT("A", 0, 8, .help = "Accessed (set by hardware when access/dirty tracking is enabled)"),
	SMMU_BIT("D", 0, 9, .help = "Dirty (leaf entries, set by hardware when access/dirty tracking is enabled)"),
	SMMU_FLD("IGNORED10", 0, 10, 10, IGNORED, .help = "Ignored"),
	SMMU_BIT("SNP", 0, 11, .help = "Snoop: the access is snooped regardless of the request (leaf entries)"),
	SMMU_FLD("ADDR", 0, 51, 12, ADDR,
		 .help = "Page frame or next-level table address; bits at and above HAW (CAP.MGAW) are reserved"),
	SMMU_FLD("IGNORED61_52", 0, 61, 52, IGNORED, .help = "Ignored"),
	SMMU_BIT("TM", 0, 62, .help = "Transient mapping (VT-d 2.x leaf entries; ignored in later revisions)"),
	SMMU_FLD("IGNORED63", 0, 63, 63, IGNORED, .help = "Ignored"),
	SMMU_FLD_END,
};
static const struct smmu_desc vtd_sl = {
	.kind = "vtd.sl.pte", .name = "SL-PTE",
	.title = "VT-d second-level paging entry (SL-PML5E/PML4E/PDPE/PDE/PTE)",
	.nwords = 1, .width = 64, .fields = vtd_sl_fields,
};

static const struct smmu_field vtd_fl_fields[] = {
	SMMU_BIT("P", 0, 0, .help = "Present"),
	SMMU_BIT("R/W", 0, 1, .help = "Writes permitted (when 0, write requests fault)"),
	SMMU_BIT("U/S", 0, 2, .help = "User-mode (non-supervisor) requests permitted"),
	SMMU_BIT("PWT", 0, 3, .help = "Page-level write-through"),
	SMMU_BIT("PCD", 0, 4, .help = "Page-level cache disable"),
	SMMU_BIT("A", 0, 5, .help = "Accessed (set by hardware)"),
	SMMU_BIT("D", 0, 6, .help = "Dirty (leaf entries, set by hardware; ignored in non-leaf entries)"),
	SMMU_BIT("PS", 0, 7,
		 .help = "Page size in PDE/PDPE (maps a 2MB/1GB page); PAT in a 4KB PTE (then bit 12 is PAT of large pages)"),
	SMMU_BIT("G", 0, 8, .help = "Global translation (leaf entries)"),
	SMMU_FLD("IGNORED11_9", 0, 11, 9, IGNORED, .help = "Ignored"),
	SMMU_FLD("ADDR", 0, 51, 12, ADDR,
		 .help = "Page frame or next-level table address; bits at and above HAW are reserved"),
	SMMU_FLD("IGNORED62_52", 0, 62, 52, IGNORED, .help = "Ignored"),
	SMMU_BIT("XD", 0, 63, .help = "Execute disable (when execute requests are enabled)"),
	SMMU_FLD_END,
};
static const struct smmu_desc vtd_fl = {
	.kind = "vtd.fl.pte", .name = "FL-PTE",
	.title = "VT-d first-level paging entry (IA-32e format: PML5E/PML4E/PDPE/PDE/PTE)",
	.nwords = 1, .width = 64, .fields = vtd_fl_fields,
};

const struct smmu_desc *const smmu_descs_pgtable[] = {
	&s1_any, &s1_table, &s1_block, &s1_page, &s1_tblpage,
	&s2_any, &s2_table, &s2_block, &s2_page, &s2_tblpage,
	&invalid, &vtd_sl, &vtd_fl, NULL,
};
