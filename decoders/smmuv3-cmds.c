/* SPDX-License-Identifier: MIT */
/* SMMUv3 Command queue entries, one layout per opcode (Arm IHI 0070, chapter 4). */
#include "tables.h"

static const struct smmu_enum cmd_opcodes[] = {
	{ 0x01, "CMD_PREFETCH_CONFIG" }, { 0x02, "CMD_PREFETCH_ADDR" },
	{ 0x03, "CMD_CFGI_STE" }, { 0x04, "CMD_CFGI_STE_RANGE" },
	{ 0x05, "CMD_CFGI_CD" }, { 0x06, "CMD_CFGI_CD_ALL" }, { 0x07, "CMD_CFGI_VMS_PIDM" },
	{ 0x10, "CMD_TLBI_NH_ALL" }, { 0x11, "CMD_TLBI_NH_ASID" },
	{ 0x12, "CMD_TLBI_NH_VA" }, { 0x13, "CMD_TLBI_NH_VAA" },
	{ 0x18, "CMD_TLBI_EL3_ALL" }, { 0x1a, "CMD_TLBI_EL3_VA" },
	{ 0x20, "CMD_TLBI_EL2_ALL" }, { 0x21, "CMD_TLBI_EL2_ASID" },
	{ 0x22, "CMD_TLBI_EL2_VA" }, { 0x23, "CMD_TLBI_EL2_VAA" },
	{ 0x28, "CMD_TLBI_S12_VMALL" }, { 0x2a, "CMD_TLBI_S2_IPA" }, { 0x30, "CMD_TLBI_NSNH_ALL" },
	{ 0x40, "CMD_ATC_INV" }, { 0x41, "CMD_PRI_RESP" },
	{ 0x44, "CMD_RESUME" }, { 0x45, "CMD_STALL_TERM" }, { 0x46, "CMD_SYNC" },
	{ 0x50, "CMD_TLBI_S_EL2_ALL" }, { 0x51, "CMD_TLBI_S_EL2_ASID" },
	{ 0x52, "CMD_TLBI_S_EL2_VA" }, { 0x53, "CMD_TLBI_S_EL2_VAA" },
	{ 0x58, "CMD_TLBI_S_S12_VMALL" }, { 0x5a, "CMD_TLBI_S_S2_IPA" }, { 0x60, "CMD_TLBI_SNH_ALL" },
	{ 0x70, "CMD_DPTI_ALL" }, { 0x73, "CMD_DPTI_PA" },
	{ .name = NULL },
};

/* Address-based TLBI: granule of the entries to invalidate (range and TTL hint). */
static const struct smmu_enum tlbi_tg[] = {
	{ 0, "Any" }, { 1, "4KB" }, { 2, "16KB" }, { 3, "64KB" }, { .name = NULL },
};
static const struct smmu_enum pri_resp_enum[] = {
	{ 0, "ResponseFailure" }, { 1, "InvalidRequest" }, { 2, "Success" }, { .name = NULL },
};
static const struct smmu_enum sync_cs[] = {
	{ 0, "SIG_NONE" }, { 1, "SIG_IRQ" }, { 2, "SIG_SEV" }, { .name = NULL },
};
static const struct smmu_enum sync_msh[] = {
	{ 0, "NSH" }, { 2, "OSH" }, { 3, "ISH" }, { .name = NULL },
};

/* Fields shared by several commands (4.1.6 and 4.4.1). */
#define F_OPCODE SMMU_FLD("Opcode", 0, 7, 0, ENUM, .enums = cmd_opcodes, .help = "Command opcode")
#define F_SSEC SMMU_BIT("SSec", 0, 10, .help = "StreamID is Secure (must be 0 on the Non-secure queue)")
#define F_SSV SMMU_BIT("SSV", 0, 11, .help = "SubstreamID is supplied")
#define F_SSID SMMU_FLD("SubstreamID", 0, 31, 12, HEX, .help = "SubstreamID (PASID)")
#define F_SID SMMU_FLD("StreamID", 0, 63, 32, HEX, .help = "StreamID")
#define F_NUM SMMU_FLD("NUM", 0, 16, 12, DEC, .help = "Range invalidation: (NUM+1) * 2^SCALE granules (TG != 0)")
#define F_SCALE SMMU_FLD("SCALE", 0, 25, 20, DEC, .help = "Range invalidation scale (bit 25 only when IDR5.DS=1)")
#define F_VMID SMMU_FLD("VMID", 0, 47, 32, HEX, .help = "VMID")
#define F_ASID SMMU_FLD("ASID", 0, 63, 48, HEX, .help = "ASID")
#define F_LEAF SMMU_BIT("Leaf", 1, 0, .help = "Only last-level (leaf) entries need to be invalidated")
#define F_TTL128 SMMU_BIT("TTL128", 1, 7, .help = "TTL hint refers to 128-bit descriptors")
#define F_TTL SMMU_FLD("TTL", 1, 9, 8, DEC, .help = "Level hint of the leaf entries (0: any; needs TG != 0)")
#define F_TG SMMU_FLD("TG", 1, 11, 10, ENUM, .enums = tlbi_tg, .help = "Granule of the entries; non-zero enables range and TTL")
#define F_VA SMMU_FLD("Address", 1, 63, 12, ADDR, .help = "Virtual address, bits [63:12]")
#define F_IPA SMMU_FLD("Address", 1, 55, 12, ADDR, .help = "Intermediate physical address, bits [55:12]")

#define CMD(var, knd, nm, ttl, flds)                                                  \
	static const struct smmu_desc var = {                                          \
		.kind = "smmuv3.cmd." knd, .name = nm, .title = ttl, .nwords = 2,      \
		.width = 64, .fields = flds,                                           \
	}

/* Commands whose parameters are all RES0. */
static const struct smmu_field op_only_fields[] = { F_OPCODE, SMMU_FLD_END };

/* --- 4.2 Prefetch --------------------------------------------------------- */

static const struct smmu_field prefetch_config_fields[] = {
	F_OPCODE, F_SSEC, F_SSV, F_SSID, F_SID, SMMU_FLD_END,
};
CMD(prefetch_config, "prefetch_config", "CMD_PREFETCH_CONFIG",
    "Prefetch the STE and CD of a StreamID/SubstreamID", prefetch_config_fields);

static const struct smmu_field prefetch_addr_fields[] = {
	F_OPCODE, F_SSEC, F_SSV, F_SSID, F_SID,
	SMMU_FLD("Size", 1, 4, 0, LOG2, .help = "Number of translations to prefetch is 2^Size"),
	SMMU_FLD("Stride", 1, 9, 5, LOG2, .bias = 12, .help = "Bytes between prefetched addresses: 2^(12+Stride)"),
	SMMU_BIT("NS", 1, 11, .help = "NS attribute input to Secure stage 2 when stage 1 is bypassed"),
	F_VA,
	SMMU_FLD_END,
};
CMD(prefetch_addr, "prefetch_addr", "CMD_PREFETCH_ADDR",
    "Prefetch configuration and TLB entries for a span of addresses", prefetch_addr_fields);

/* --- 4.3 Configuration structure invalidation ----------------------------- */

static const struct smmu_field cfgi_ste_fields[] = {
	F_OPCODE, F_SSEC, F_SID,
	SMMU_BIT("Leaf", 1, 0, .help = "Only the STE; 0 also invalidates the L1STD walked to it"),
	SMMU_FLD_END,
};
CMD(cfgi_ste, "cfgi_ste", "CMD_CFGI_STE",
    "Invalidate one STE and the CDs cached through it", cfgi_ste_fields);

static const struct smmu_field cfgi_ste_range_fields[] = {
	F_OPCODE, F_SSEC,
	SMMU_FLD("StreamID", 0, 63, 32, HEX,
		 .help = "StreamID; its low Range+1 bits are IGNORED (all of it when Range=31)"),
	SMMU_FLD("Range", 1, 4, 0, DEC,
		 .help = "Invalidate 2^(Range+1) StreamIDs; Range=31 is CMD_CFGI_ALL"),
	SMMU_FLD_END,
};
CMD(cfgi_ste_range, "cfgi_ste_range", "CMD_CFGI_STE_RANGE",
    "Invalidate STEs of an aligned StreamID range (Range=31: CMD_CFGI_ALL)", cfgi_ste_range_fields);

static const struct smmu_field cfgi_cd_fields[] = {
	F_OPCODE, F_SSEC, F_SSID, F_SID,
	SMMU_BIT("Leaf", 1, 0, .help = "Only the CD; 0 also invalidates the L1CD that locates it"),
	SMMU_FLD_END,
};
CMD(cfgi_cd, "cfgi_cd", "CMD_CFGI_CD", "Invalidate one CD of a StreamID", cfgi_cd_fields);

static const struct smmu_field cfgi_cd_all_fields[] = {
	F_OPCODE, F_SSEC, F_SID, SMMU_FLD_END,
};
CMD(cfgi_cd_all, "cfgi_cd_all", "CMD_CFGI_CD_ALL",
    "Invalidate all CDs and L1CDs cached for a StreamID", cfgi_cd_all_fields);

static const struct smmu_field cfgi_vms_pidm_fields[] = {
	F_OPCODE, F_SSEC, F_VMID, SMMU_FLD_END,
};
CMD(cfgi_vms_pidm, "cfgi_vms_pidm", "CMD_CFGI_VMS_PIDM",
    "Invalidate cached VMS.PARTID_MAP information for a VMID", cfgi_vms_pidm_fields);

/* --- 4.4 TLB invalidation ------------------------------------------------- */

static const struct smmu_field tlbi_vmid_fields[] = { F_OPCODE, F_VMID, SMMU_FLD_END };
static const struct smmu_field tlbi_asid_fields[] = { F_OPCODE, F_ASID, SMMU_FLD_END };
static const struct smmu_field tlbi_vmid_asid_fields[] = {
	F_OPCODE, F_VMID, F_ASID, SMMU_FLD_END,
};
/* By VA: VMID and ASID, or only one of them, or neither. */
static const struct smmu_field tlbi_nh_va_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_VMID, F_ASID, F_LEAF, F_TTL128, F_TTL, F_TG, F_VA, SMMU_FLD_END,
};
static const struct smmu_field tlbi_vmid_va_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_VMID, F_LEAF, F_TTL128, F_TTL, F_TG, F_VA, SMMU_FLD_END,
};
static const struct smmu_field tlbi_asid_va_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_ASID, F_LEAF, F_TTL128, F_TTL, F_TG, F_VA, SMMU_FLD_END,
};
static const struct smmu_field tlbi_va_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_LEAF, F_TTL128, F_TTL, F_TG, F_VA, SMMU_FLD_END,
};
static const struct smmu_field tlbi_s2_ipa_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_VMID, F_LEAF, F_TTL128, F_TTL, F_TG, F_IPA, SMMU_FLD_END,
};
static const struct smmu_field tlbi_s_s2_ipa_fields[] = {
	F_OPCODE, F_NUM, F_SCALE, F_VMID, F_LEAF,
	SMMU_BIT("NS", 1, 1, .help = "Address is a Non-secure IPA (0: Secure IPA)"),
	F_TTL128, F_TTL, F_TG, F_IPA, SMMU_FLD_END,
};

CMD(tlbi_nh_all, "tlbi_nh_all", "CMD_TLBI_NH_ALL",
    "Invalidate all stage 1 EL1 entries of a VMID (VMALLE1)", tlbi_vmid_fields);
CMD(tlbi_nh_asid, "tlbi_nh_asid", "CMD_TLBI_NH_ASID",
    "Invalidate stage 1 EL1 non-global entries by ASID and VMID (ASIDE1)", tlbi_vmid_asid_fields);
CMD(tlbi_nh_va, "tlbi_nh_va", "CMD_TLBI_NH_VA",
    "Invalidate stage 1 EL1 entries by VA, ASID and VMID (VA{L}E1)", tlbi_nh_va_fields);
CMD(tlbi_nh_vaa, "tlbi_nh_vaa", "CMD_TLBI_NH_VAA",
    "Invalidate stage 1 EL1 entries by VA for all ASIDs of a VMID (VAA{L}E1)", tlbi_vmid_va_fields);
CMD(tlbi_el3_all, "tlbi_el3_all", "CMD_TLBI_EL3_ALL",
    "Invalidate all stage 1 EL3 entries (ALLE3; Secure queue only)", op_only_fields);
CMD(tlbi_el3_va, "tlbi_el3_va", "CMD_TLBI_EL3_VA",
    "Invalidate stage 1 EL3 entries by VA (VA{L}E3; Secure queue only)", tlbi_va_fields);
CMD(tlbi_el2_all, "tlbi_el2_all", "CMD_TLBI_EL2_ALL",
    "Invalidate all stage 1 EL2 and EL2-E2H entries (ALLE2)", op_only_fields);
CMD(tlbi_el2_asid, "tlbi_el2_asid", "CMD_TLBI_EL2_ASID",
    "Invalidate stage 1 EL2-E2H non-global entries by ASID", tlbi_asid_fields);
CMD(tlbi_el2_va, "tlbi_el2_va", "CMD_TLBI_EL2_VA",
    "Invalidate stage 1 EL2 entries by VA (and ASID when E2H) (VA{L}E2)", tlbi_asid_va_fields);
CMD(tlbi_el2_vaa, "tlbi_el2_vaa", "CMD_TLBI_EL2_VAA",
    "Invalidate stage 1 EL2 entries by VA for all ASIDs", tlbi_va_fields);
CMD(tlbi_s12_vmall, "tlbi_s12_vmall", "CMD_TLBI_S12_VMALL",
    "Invalidate all stage 1 and 2 EL1 entries of a VMID (VMALLS12E1)", tlbi_vmid_fields);
CMD(tlbi_s2_ipa, "tlbi_s2_ipa", "CMD_TLBI_S2_IPA",
    "Invalidate stage 2 entries by IPA and VMID (IPAS2{L}E1)", tlbi_s2_ipa_fields);
CMD(tlbi_nsnh_all, "tlbi_nsnh_all", "CMD_TLBI_NSNH_ALL",
    "Invalidate all Non-secure non-Hyp entries at all stages (ALLE1)", op_only_fields);
CMD(tlbi_s_el2_all, "tlbi_s_el2_all", "CMD_TLBI_S_EL2_ALL",
    "Invalidate all stage 1 S-EL2 entries (Secure queue only)", op_only_fields);
CMD(tlbi_s_el2_asid, "tlbi_s_el2_asid", "CMD_TLBI_S_EL2_ASID",
    "Invalidate stage 1 S-EL2-E2H non-global entries by ASID (Secure queue only)", tlbi_asid_fields);
CMD(tlbi_s_el2_va, "tlbi_s_el2_va", "CMD_TLBI_S_EL2_VA",
    "Invalidate stage 1 S-EL2 entries by VA (Secure queue only)", tlbi_asid_va_fields);
CMD(tlbi_s_el2_vaa, "tlbi_s_el2_vaa", "CMD_TLBI_S_EL2_VAA",
    "Invalidate stage 1 S-EL2 entries by VA for all ASIDs (Secure queue only)", tlbi_va_fields);
CMD(tlbi_s_s12_vmall, "tlbi_s_s12_vmall", "CMD_TLBI_S_S12_VMALL",
    "Invalidate all Secure stage 1 and 2 entries of a VMID (Secure queue only)", tlbi_vmid_fields);
CMD(tlbi_s_s2_ipa, "tlbi_s_s2_ipa", "CMD_TLBI_S_S2_IPA",
    "Invalidate Secure stage 2 entries by IPA and VMID (Secure queue only)", tlbi_s_s2_ipa_fields);
CMD(tlbi_snh_all, "tlbi_snh_all", "CMD_TLBI_SNH_ALL",
    "Invalidate all Secure non-Hyp entries at all stages (Secure queue only)", op_only_fields);

/* --- 4.5 ATS and PRI ------------------------------------------------------ */

static const struct smmu_field atc_inv_fields[] = {
	F_OPCODE,
	SMMU_BIT("G", 0, 9, .help = "Global invalidate (all PASIDs); only with SSV=1"),
	F_SSV, F_SSID, F_SID,
	SMMU_FLD("Size", 1, 5, 0, LOG2, .bias = 12, .help = "Span in bytes is 4096 * 2^Size (52: everything)"),
	SMMU_FLD("Address", 1, 63, 12, ADDR, .help = "Untranslated address, bits [63:12], aligned to the span"),
	SMMU_FLD_END,
};
CMD(atc_inv, "atc_inv", "CMD_ATC_INV", "Send an ATS Invalidation Request to an endpoint",
    atc_inv_fields);

static const struct smmu_field pri_resp_fields[] = {
	F_OPCODE, F_SSV, F_SSID, F_SID,
	SMMU_FLD("PRGIndex", 1, 8, 0, HEX, .help = "Page Request Group Index from the page requests"),
	SMMU_FLD("Resp", 1, 13, 12, ENUM, .enums = pri_resp_enum, .help = "Page request group response"),
	SMMU_FLD_END,
};
CMD(pri_resp, "pri_resp", "CMD_PRI_RESP", "Respond to a PRI page request group", pri_resp_fields);

/* --- 4.6 DPT maintenance -------------------------------------------------- */

CMD(dpti_all, "dpti_all", "CMD_DPTI_ALL", "Invalidate all cached DPT information",
    op_only_fields);
CMD(dpti_pa, "dpti_pa", "CMD_DPTI_PA",
    "Invalidate cached DPT information by PA (SIZE, Leaf, address not decoded)", op_only_fields);

/* --- 4.7 Fault response and synchronization ------------------------------- */

static const struct smmu_field resume_fields[] = {
	F_OPCODE, F_SSEC,
	SMMU_BIT("Ac", 0, 12, .help = "Action: 1 retry the stalled transaction, 0 terminate it"),
	SMMU_BIT("Ab", 0, 13, .help = "On terminate: 1 abort to the client, 0 RAZ/WI success"),
	F_SID,
	SMMU_FLD("STAG", 1, 15, 0, HEX, .help = "Stall tag from the stall event record"),
	SMMU_FLD_END,
};
CMD(resume, "resume", "CMD_RESUME", "Retry or terminate one stalled transaction", resume_fields);

static const struct smmu_field stall_term_fields[] = {
	F_OPCODE, F_SSEC, F_SID, SMMU_FLD_END,
};
CMD(stall_term, "stall_term", "CMD_STALL_TERM",
    "Mark all stalled transactions of a StreamID for termination", stall_term_fields);

static const struct smmu_field sync_fields[] = {
	F_OPCODE,
	SMMU_FLD("CS", 0, 13, 12, ENUM, .enums = sync_cs, .help = "Completion signal: none, interrupt/MSI, or SEV"),
	SMMU_FLD("MSH", 0, 23, 22, ENUM, .enums = sync_msh, .help = "Shareability of the MSI write"),
	SMMU_FLD("MSIAttr", 0, 27, 24, HEX, .help = "Memory attributes of the MSI write (STE.MemAttr encoding)"),
	SMMU_FLD("MSIData", 0, 63, 32, HEX, .help = "Data written by the MSI"),
	SMMU_FLD("MSIAddress", 1, 55, 2, ADDR, .help = "MSI target address; 0 means no MSI write"),
	SMMU_BIT("MSI_NS", 1, 63, .help = "Realm queue: the MSI goes to Non-secure PA space"),
	SMMU_FLD_END,
};
CMD(sync, "cmd_sync", "CMD_SYNC", "Wait for completion of earlier commands, then signal", sync_fields);

/* --- the opcode-selected base --------------------------------------------- */

static const struct smmu_variant cmd_variants[] = {
	{ 0x01, &prefetch_config }, { 0x02, &prefetch_addr },
	{ 0x03, &cfgi_ste }, { 0x04, &cfgi_ste_range }, { 0x05, &cfgi_cd },
	{ 0x06, &cfgi_cd_all }, { 0x07, &cfgi_vms_pidm },
	{ 0x10, &tlbi_nh_all }, { 0x11, &tlbi_nh_asid }, { 0x12, &tlbi_nh_va }, { 0x13, &tlbi_nh_vaa },
	{ 0x18, &tlbi_el3_all }, { 0x1a, &tlbi_el3_va },
	{ 0x20, &tlbi_el2_all }, { 0x21, &tlbi_el2_asid }, { 0x22, &tlbi_el2_va }, { 0x23, &tlbi_el2_vaa },
	{ 0x28, &tlbi_s12_vmall }, { 0x2a, &tlbi_s2_ipa }, { 0x30, &tlbi_nsnh_all },
	{ 0x40, &atc_inv }, { 0x41, &pri_resp },
	{ 0x44, &resume }, { 0x45, &stall_term }, { 0x46, &sync },
	{ 0x50, &tlbi_s_el2_all }, { 0x51, &tlbi_s_el2_asid },
	{ 0x52, &tlbi_s_el2_va }, { 0x53, &tlbi_s_el2_vaa },
	{ 0x58, &tlbi_s_s12_vmall }, { 0x5a, &tlbi_s_s2_ipa }, { 0x60, &tlbi_snh_all },
	{ 0x70, &dpti_all }, { 0x73, &dpti_pa },
	{ .desc = NULL },
};

static const struct smmu_desc cmd = {
	.kind = "smmuv3.cmd", .name = "CMD", .title = "Command queue entry (16 bytes), decoded by opcode",
	.nwords = 2, .width = 64, .fields = op_only_fields,
	.sel_word = 0, .sel_hi = 7, .sel_lo = 0, .variants = cmd_variants,
};

const struct smmu_desc *const smmu_descs_smmuv3_cmds[] = {
	&cmd,
	&prefetch_config, &prefetch_addr,
	&cfgi_ste, &cfgi_ste_range, &cfgi_cd, &cfgi_cd_all, &cfgi_vms_pidm,
	&tlbi_nh_all, &tlbi_nh_asid, &tlbi_nh_va, &tlbi_nh_vaa,
	&tlbi_el3_all, &tlbi_el3_va,
	&tlbi_el2_all, &tlbi_el2_asid, &tlbi_el2_va, &tlbi_el2_vaa,
	&tlbi_s12_vmall, &tlbi_s2_ipa, &tlbi_nsnh_all,
	&atc_inv, &pri_resp, &resume, &stall_term, &sync,
	&tlbi_s_el2_all, &tlbi_s_el2_asid, &tlbi_s_el2_va, &tlbi_s_el2_vaa,
	&tlbi_s_s12_vmall, &tlbi_s_s2_ipa, &tlbi_snh_all,
	&dpti_all, &dpti_pa,
	NULL,
};
