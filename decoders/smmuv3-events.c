/* SPDX-License-Identifier: MIT */
/* SMMUv3 Event queue records (Arm IHI 0070, 7.3) and PRI queue entries (chapter 8). */
#include "tables.h"

/*
 * An event record is four 64-bit dwords.  dword0 is common to every event:
 * EventID[7:0], SSV[11], SubstreamID[31:12], StreamID[63:32].  Bit positions
 * below are within a dword: record bit 99 (RnW) is dword1 bit 35.
 */

static const struct smmu_enum event_id[] = {
	{ 0x01, "F_UUT" }, { 0x02, "C_BAD_STREAMID" }, { 0x03, "F_STE_FETCH" },
	{ 0x04, "C_BAD_STE" }, { 0x05, "F_BAD_ATS_TREQ" }, { 0x06, "F_STREAM_DISABLED" },
	{ 0x07, "F_TRANSL_FORBIDDEN" }, { 0x08, "C_BAD_SUBSTREAMID" }, { 0x09, "F_CD_FETCH" },
	{ 0x0a, "C_BAD_CD" }, { 0x0b, "F_WALK_EABT" }, { 0x10, "F_TRANSLATION" },
	{ 0x11, "F_ADDR_SIZE" }, { 0x12, "F_ACCESS" }, { 0x13, "F_PERMISSION" },
	{ 0x20, "F_TLB_CONFLICT" }, { 0x21, "F_CFG_CONFLICT" }, { 0x24, "E_PAGE_REQUEST" },
	{ 0x25, "F_VMS_FETCH" }, { .name = NULL },
};

/* CLASS: which access of the translation the fault belongs to (0b11 reserved). */
static const struct smmu_enum event_class[] = {
	{ 0, "CD" }, { 1, "TTD" }, { 2, "IN" }, { .name = NULL },
};

/* --- field building blocks ------------------------------------------------ */

#define EV_ID \
	SMMU_FLD("EventID", 0, 7, 0, ENUM, .enums = event_id, \
		 .help = "Event number: which event this record reports")
#define EV_SSV \
	SMMU_BIT("SSV", 0, 11, .help = "SubstreamID valid: the transaction had a SubstreamID (PASID)")
#define EV_SSID \
	SMMU_FLD("SubstreamID", 0, 31, 12, HEX, \
		 .help = "SubstreamID of the transaction (UNKNOWN when SSV == 0)")
#define EV_SID \
	SMMU_FLD("StreamID", 0, 63, 32, HEX, \
		 .help = "StreamID of the requester whose transaction caused the event")
/* dword0 of most events */
#define EV_DW0 EV_ID, EV_SSV, EV_SSID, EV_SID

#define EV_STAG \
	SMMU_FLD("STAG", 1, 15, 0, HEX, \
		 .help = "Stall tag: identifies a stalled transaction to CMD_RESUME (valid when Stall == 1)")
#define EV_STALL \
	SMMU_BIT("Stall", 1, 31, .help = "The transaction is stalled, awaiting CMD_RESUME or CMD_STALL_TERM")
#define EV_REASON16 \
	SMMU_FLD("Reason", 1, 15, 0, IGNORED, .help = "IMPLEMENTATION DEFINED cause of the event")
#define EV_REASON32 \
	SMMU_FLD("Reason", 1, 31, 0, IGNORED, .help = "IMPLEMENTATION DEFINED cause of the event")
#define EV_GPCF \
	SMMU_BIT("GPCF", 1, 16, .help = "The external abort arose from a Granule Protection Check fault (RME)")
#define EV_PNU \
	SMMU_BIT("PnU", 1, 33, .help = "Privileged (1) or Unprivileged (0) transaction, after STE override")
#define EV_IND \
	SMMU_BIT("InD", 1, 34, .help = "Instruction (1) or Data (0) transaction, after STE override")
#define EV_RNW \
	SMMU_BIT("RnW", 1, 35, .help = "Read (1) or Write (0) transaction")
#define EV_NSIPA \
	SMMU_BIT("NSIPA", 1, 38, \
		 .help = "Non-secure IPA space (Secure Event queue with S2 == 1 only, else 0)")
#define EV_S2 \
	SMMU_BIT("S2", 1, 39, .help = "Fault at stage 2 (1) or stage 1 (0)")
#define EV_CLASS \
	SMMU_FLD("CLASS", 1, 41, 40, ENUM, .enums = event_class, \
		 .help = "Access that faulted: CD fetch, stage 1 table walk (TTD) or the input address (IN)")
#define EV_INPUTADDR \
	SMMU_FLD("InputAddr", 2, 63, 0, ADDR, \
		 .help = "Address the transaction presented to the SMMU (VA, IPA or PA by scenario)")
#define EV_IPA \
	SMMU_FLD("IPA", 3, 55, 12, ADDR, \
		 .help = "Faulting IPA (valid when S2 == 1); bits above OAS are RES0 (51:48 in SMMUv3.0)")
#define EV_FETCHADDR \
	SMMU_FLD("FetchAddr", 3, 55, 3, ADDR, \
		 .help = "PA of the structure or descriptor whose fetch aborted; bits above OAS are RES0")

/* --- per-event layouts ----------------------------------------------------- */

#define EVENT_DESC(var, knd, nm, ttl) \
	static const struct smmu_desc var = { \
		.kind = "smmuv3.event." knd, .name = nm, .title = ttl, .nwords = 4, .width = 64, \
		.fields = var##_fields, \
	}

static const struct smmu_field f_uut_fields[] = {
	EV_DW0, EV_REASON16, EV_PNU, EV_IND, EV_RNW, EV_INPUTADDR, SMMU_FLD_END,
};
EVENT_DESC(f_uut, "f_uut", "F_UUT",
	   "Event 0x01: unsupported upstream transaction (InD/PnU as presented)");

static const struct smmu_field c_bad_streamid_fields[] = { EV_DW0, SMMU_FLD_END };
EVENT_DESC(c_bad_streamid, "c_bad_streamid", "C_BAD_STREAMID",
	   "Event 0x02: StreamID out of range of the Stream table");

static const struct smmu_field f_ste_fetch_fields[] = {
	EV_DW0, EV_REASON16, EV_GPCF, EV_FETCHADDR, SMMU_FLD_END,
};
EVENT_DESC(f_ste_fetch, "f_ste_fetch", "F_STE_FETCH",
	   "Event 0x03: external abort (or address out of range) fetching an STE");

static const struct smmu_field c_bad_ste_fields[] = { EV_DW0, SMMU_FLD_END };
EVENT_DESC(c_bad_ste, "c_bad_ste", "C_BAD_STE",
	   "Event 0x04: the STE used is invalid (V == 0 or ILLEGAL configuration)");

static const struct smmu_field f_bad_ats_treq_fields[] = {
	EV_DW0,
	SMMU_FLD("Span", 1, 3, 0, DEC, .help = "Number of STUs the ATS Translation Request asked for"),
	SMMU_BIT("PRIV", 1, 28, .help = "Privileged access requested (before STE.PRIVCFG override)"),
	SMMU_BIT("X", 1, 29, .help = "Execute permission requested (before STE.INSTCFG override)"),
	SMMU_BIT("W", 1, 30, .help = "Write permission requested (W == !NW of the request)"),
	SMMU_BIT("R", 1, 31, .help = "Read permission requested (always 1 for PCIe ATS)"),
	SMMU_FLD("InputAddr", 2, 63, 12, ADDR, .help = "Untranslated address of the ATS Translation Request"),
	SMMU_FLD_END,
};
EVENT_DESC(f_bad_ats_treq, "f_bad_ats_treq", "F_BAD_ATS_TREQ",
	   "Event 0x05: ATS Translation Request not allowed for this StreamID");

static const struct smmu_field f_stream_disabled_fields[] = { EV_ID, EV_SID, SMMU_FLD_END };
EVENT_DESC(f_stream_disabled, "f_stream_disabled", "F_STREAM_DISABLED",
	   "Event 0x06: transaction without SubstreamID (or SubstreamID 0) refused by STE.S1DSS");

static const struct smmu_field f_transl_forbidden_fields[] = {
	EV_ID, EV_SID, EV_RNW, EV_INPUTADDR, SMMU_FLD_END,
};
EVENT_DESC(f_transl_forbidden, "f_transl_forbidden", "F_TRANSL_FORBIDDEN",
	   "Event 0x07: ATS Translated transaction but bypass is not allowed for this StreamID");

static const struct smmu_field c_bad_substreamid_fields[] = {
	EV_ID,
	SMMU_FLD("SubstreamID", 0, 31, 12, HEX,
		 .help = "SubstreamID that was out of range or not allowed (always valid here)"),
	EV_SID, SMMU_FLD_END,
};
EVENT_DESC(c_bad_substreamid, "c_bad_substreamid", "C_BAD_SUBSTREAMID",
	   "Event 0x08: SubstreamID present but not allowed, or out of range of the CD table");

static const struct smmu_field f_cd_fetch_fields[] = {
	EV_DW0, EV_REASON16, EV_GPCF, EV_FETCHADDR, SMMU_FLD_END,
};
EVENT_DESC(f_cd_fetch, "f_cd_fetch", "F_CD_FETCH",
	   "Event 0x09: external abort fetching a CD or L1CD");

static const struct smmu_field c_bad_cd_fields[] = { EV_DW0, SMMU_FLD_END };
EVENT_DESC(c_bad_cd, "c_bad_cd", "C_BAD_CD",
	   "Event 0x0a: the fetched CD is invalid (V == 0 or ILLEGAL configuration)");

static const struct smmu_field f_walk_eabt_fields[] = {
	EV_DW0, EV_REASON16, EV_GPCF, EV_PNU, EV_IND, EV_RNW, EV_S2, EV_CLASS, EV_INPUTADDR,
	EV_FETCHADDR, SMMU_FLD_END,
};
EVENT_DESC(f_walk_eabt, "f_walk_eabt", "F_WALK_EABT",
	   "Event 0x0b: external abort fetching or updating a translation table descriptor");

/* F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and F_PERMISSION share one layout. */
#define XLATE_DW01 \
	EV_DW0, EV_STAG, EV_STALL, EV_PNU, EV_IND, EV_RNW, EV_NSIPA, EV_S2, EV_CLASS
#define XLATE_FIELDS XLATE_DW01, EV_INPUTADDR, EV_IPA

static const struct smmu_field f_translation_fields[] = { XLATE_FIELDS, SMMU_FLD_END };
EVENT_DESC(f_translation, "f_translation", "F_TRANSLATION",
	   "Event 0x10: translation fault (range check, disabled TTBx or invalid descriptor)");

static const struct smmu_field f_addr_size_fields[] = { XLATE_FIELDS, SMMU_FLD_END };
EVENT_DESC(f_addr_size, "f_addr_size", "F_ADDR_SIZE",
	   "Event 0x11: address size fault (descriptor output beyond IPS/S2PS or OAS)");

static const struct smmu_field f_access_fields[] = { XLATE_FIELDS, SMMU_FLD_END };
EVENT_DESC(f_access, "f_access", "F_ACCESS",
	   "Event 0x12: access flag fault (AF == 0 in a Block or Page descriptor)");

static const struct smmu_field f_permission_fields[] = {
	XLATE_DW01,
	SMMU_BIT("TTRnW", 1, 44,
		 .help = "CLASS == TTD: stage 1 descriptor Read (1) or Write (0) faulted at stage 2"),
	EV_INPUTADDR, EV_IPA, SMMU_FLD_END,
};
EVENT_DESC(f_permission, "f_permission", "F_PERMISSION",
	   "Event 0x13: permission fault on page access");

static const struct smmu_field f_tlb_conflict_fields[] = {
	EV_DW0, EV_REASON32, EV_PNU, EV_IND, EV_RNW, EV_NSIPA, EV_S2, EV_INPUTADDR, EV_IPA,
	SMMU_FLD_END,
};
EVENT_DESC(f_tlb_conflict, "f_tlb_conflict", "F_TLB_CONFLICT",
	   "Event 0x20: TLB conflict (multiple matching TLB entries) caused by the transaction");

static const struct smmu_field f_cfg_conflict_fields[] = {
	EV_DW0, EV_REASON32, SMMU_FLD_END,
};
EVENT_DESC(f_cfg_conflict, "f_cfg_conflict", "F_CFG_CONFLICT",
	   "Event 0x21: configuration cache conflict (overlapping STE.CONT entries)");

static const struct smmu_field e_page_request_fields[] = {
	EV_DW0,
	SMMU_BIT("uX", 1, 33, .help = "Unprivileged execute access anticipated"),
	SMMU_BIT("uW", 1, 34, .help = "Unprivileged write access anticipated"),
	SMMU_BIT("uR", 1, 35, .help = "Unprivileged read access anticipated"),
	SMMU_BIT("pX", 1, 37, .help = "Privileged execute access anticipated"),
	SMMU_BIT("pW", 1, 38, .help = "Privileged write access anticipated"),
	SMMU_BIT("pR", 1, 39, .help = "Privileged read access anticipated"),
	SMMU_FLD("Span", 1, 51, 44, DEC, .help = "Size of the span the hint covers, in 4KB pages"),
	SMMU_FLD("InputAddr", 2, 63, 12, ADDR, .help = "Start of the address span that will be accessed"),
	SMMU_FLD_END,
};
EVENT_DESC(e_page_request, "e_page_request", "E_PAGE_REQUEST",
	   "Event 0x24: speculative page request hint from a client device");

static const struct smmu_field f_vms_fetch_fields[] = {
	EV_DW0, EV_REASON16, EV_GPCF, EV_FETCHADDR, SMMU_FLD_END,
};
EVENT_DESC(f_vms_fetch, "f_vms_fetch", "F_VMS_FETCH",
	   "Event 0x25: external abort fetching the VMS");

/* --- the record, layout chosen by EventID ------------------------------------ */

static const struct smmu_variant event_variants[] = {
	{ 0x01, &f_uut }, { 0x02, &c_bad_streamid }, { 0x03, &f_ste_fetch },
	{ 0x04, &c_bad_ste }, { 0x05, &f_bad_ats_treq }, { 0x06, &f_stream_disabled },
	{ 0x07, &f_transl_forbidden }, { 0x08, &c_bad_substreamid }, { 0x09, &f_cd_fetch },
	{ 0x0a, &c_bad_cd }, { 0x0b, &f_walk_eabt }, { 0x10, &f_translation },
	{ 0x11, &f_addr_size }, { 0x12, &f_access }, { 0x13, &f_permission },
	{ 0x20, &f_tlb_conflict }, { 0x21, &f_cfg_conflict }, { 0x24, &e_page_request },
	{ 0x25, &f_vms_fetch }, { .desc = NULL },
};

static const struct smmu_field event_fields[] = {
	EV_DW0,
	SMMU_FLD("DW1", 1, 63, 0, IGNORED, .help = "dword 1, not decoded: its layout depends on EventID"),
	SMMU_FLD("DW2", 2, 63, 0, IGNORED, .help = "dword 2, not decoded: its layout depends on EventID"),
	SMMU_FLD("DW3", 3, 63, 0, IGNORED, .help = "dword 3, not decoded: its layout depends on EventID"),
	SMMU_FLD_END,
};
static const struct smmu_desc event = {
	.kind = "smmuv3.event", .name = "EVENT", .title = "Event queue record (32 bytes), by EventID",
	.nwords = 4, .width = 64, .fields = event_fields,
	.sel_word = 0, .sel_hi = 7, .sel_lo = 0, .variants = event_variants,
};

/* --- PRI queue entry (chapter 8) --------------------------------------------- */

static const struct smmu_field pri_fields[] = {
	SMMU_FLD("StreamID", 0, 31, 0, HEX, .help = "StreamID of the requester (PCIe RequesterID in [15:0])"),
	SMMU_FLD("SubstreamID", 0, 51, 32, HEX, .help = "PASID of the request (UNKNOWN when SSV == 0)"),
	SMMU_BIT("Priv", 0, 58, .help = "Privileged access requested (0 when SSV == 0)"),
	SMMU_BIT("X", 0, 59, .help = "Execute access requested (0 when SSV == 0)"),
	SMMU_BIT("R", 0, 60, .help = "Read access requested"),
	SMMU_BIT("W", 0, 61, .help = "Write access requested"),
	SMMU_BIT("Last", 0, 62,
		 .help = "Last request of its Page Request Group (L/W/R == 0b100 with SSV: Stop Marker)"),
	SMMU_BIT("SSV", 0, 63, .help = "The Page Request had a PASID TLP prefix"),
	SMMU_FLD("PRGIndex", 1, 8, 0, HEX, .help = "Page Request Group index, echoed by CMD_PRI_RESP"),
	SMMU_FLD("Page_address", 1, 63, 12, ADDR, .help = "Address of the page requested"),
	SMMU_FLD_END,
};
static const struct smmu_desc pri = {
	.kind = "smmuv3.pri", .name = "PRI", .title = "PRI queue entry (16 bytes): a PCIe Page Request",
	.nwords = 2, .width = 64, .fields = pri_fields,
};

const struct smmu_desc *const smmu_descs_smmuv3_events[] = {
	&event, &f_uut, &c_bad_streamid, &f_ste_fetch, &c_bad_ste, &f_bad_ats_treq,
	&f_stream_disabled, &f_transl_forbidden, &c_bad_substreamid, &f_cd_fetch, &c_bad_cd,
	&f_walk_eabt, &f_translation, &f_addr_size, &f_access, &f_permission, &f_tlb_conflict,
	&f_cfg_conflict, &e_page_request, &f_vms_fetch, &pri, NULL,
};
