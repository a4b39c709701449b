/* SPDX-License-Identifier: MIT */
/*
 * libsmmu's inspection API: what the hardware would do for a requester, read
 * from its live structures (configuration), translation of one address with
 * a per-level trace, walks and coalesced listings of live page tables, and
 * fault explanations.  Nothing here writes to the machine.
 */
#ifndef SMMU_INSPECT_H
#define SMMU_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu-export.h"
#include "smmu-manager.h"

/* --- page-table formats and what a walk reports -------------------------------- */
enum smmu_pgt_format {
	SMMU_PGT_LPAE_S1,
	SMMU_PGT_LPAE_S2,
	SMMU_PGT_VTD_SL,
	SMMU_PGT_VTD_FL,
	SMMU_PGT_AMD_V1,    /* AMD-Vi v1 host page tables: 39/48/57-bit (Mode 3/4/5) */
};

enum smmu_pgt_cfg_flags {
	SMMU_PGT_CFG_START_LEVEL = 1 << 0, /* use cfg.start_level (LPAE stage 2 live: SL0) */
	SMMU_PGT_CFG_2M          = 1 << 1, /* VT-d SL: 2M pages supported (SLLPS bit 0) */
	SMMU_PGT_CFG_1G          = 1 << 2, /* VT-d SL: 1G (SLLPS bit 1, implies 2M); FL: FL1GP */
	SMMU_PGT_CFG_EXEC        = 1 << 3, /* VT-d SL: the X bit is meaningful (ECAP.ECS/...) */
	/* map/unmap leave dirty tables for smmu_pgt_flush(); tables freed meanwhile
	 * may be reused before memory stops pointing at them: flush (and
	 * invalidate) before hardware walks again. */
	SMMU_PGT_CFG_DEFER_FLUSH = 1 << 4,
	/* LPAE: VMSAv8-32 long descriptors (SMMUv3 CD.AA64 = 0, STE.S2AA64 = 0;
	 * SMMUv2 AArch32 banks): 4K granule, input 25-32 bits (stage 1) or
	 * 25-40 (stage 2), output 40 bits (OA[47:40] non-zero: Address size
	 * fault, [51:48] ignored); XN (bit 54) forbids execution at every
	 * privilege, and execution needs read permission at that privilege
	 * (stage 2 too: no execute-only). */
	SMMU_PGT_CFG_AARCH32     = 1 << 5,
	/* VT-d SL: the unit has no snoop control (ECAP.SC = 0): SNP (bit 11)
	 * is reserved in leaves as well as in tables */
	SMMU_PGT_CFG_NO_SNOOP    = 1 << 6,
	/* LPAE: descriptors' address bits [51:48] are RES0 and ignored (the
	 * VMSAv8.0 format an SMMUv2 walks), not output address bits */
	SMMU_PGT_CFG_OA48        = 1 << 7,
};

struct smmu_pgt_cfg {
	enum smmu_pgt_format fmt;
	unsigned granule;   /* LPAE: 4096, 16384 or 65536; VT-d: 4096 (0 = 4096) */
	unsigned ias;       /* input address bits; VT-d: 39/48/57 (SL), 48/57 (FL) */
	unsigned oas;       /* output address bits (VT-d: HAW); 0 = 48 */
	int start_level;    /* with SMMU_PGT_CFG_START_LEVEL only */
	unsigned flags;     /* enum smmu_pgt_cfg_flags */
};


/* Why a translation stopped, or what a walk found wrong with an entry. */
enum smmu_pgt_fault {
	SMMU_PGT_OK = 0,
	SMMU_PGT_F_INVALID,     /* entry not present / invalid */
	SMMU_PGT_F_PERM,        /* permission fault (see xlate.perm_missing) */
	SMMU_PGT_F_ACCESS,      /* access flag clear (AF=0) */
	SMMU_PGT_F_ADDR_SIZE,   /* output/table address beyond OAS */
	SMMU_PGT_F_INPUT_RANGE, /* input address beyond IAS (or not canonical) */
	SMMU_PGT_F_RESERVED,    /* reserved bits or a reserved descriptor type */
	SMMU_PGT_F_TABLE_READ,  /* a table could not be read (pointer outside memory) */
	SMMU_PGT_F_LOOP,        /* a table pointer leads back to a table on the path */
	SMMU_PGT_F_ALIAS,       /* walk: a table reached twice (not descended again) */
	SMMU_PGT_F_BUDGET,      /* walk: step budget exhausted */
	SMMU_PGT_F_MAX,
};
SMMU_EXPORT const char *smmu_pgt_fault_name(int fault);

#define SMMU_PGT_MAX_STEPS 6
struct smmu_pgt_step {
	int level;          /* architecture numbering */
	uint64_t table_pa;  /* the table read at this level */
	unsigned index;
	uint64_t entry_pa;
	uint64_t pte;
	const char *kind;   /* decoder kind: "lpae.s1.page", "vtd.sl.pte", ...; NULL when
			     * the table could not be read (SMMU_PGT_F_TABLE_READ, the
			     * last step): there is no entry, pte is 0 */
};
struct smmu_pgt_xlate {
	unsigned nsteps;
	struct smmu_pgt_step step[SMMU_PGT_MAX_STEPS];
	int fault;            /* enum smmu_pgt_fault; SMMU_PGT_OK when translated */
	int fault_level;      /* level where it stopped (architecture numbering) */
	unsigned perm_missing;/* SMMU_PGT_F_PERM: the SMMU_PROT_R/W/X bits the access lacked */
	uint64_t oa;          /* output address (translated) */
	uint64_t page_size;
	unsigned prot;        /* effective permissions of the leaf (SMMU_PROT_*) */
	/* since 0.7: SMMU_PGT_F_PERM: which entry lacks a missing right, the
	 * first on the path: the leaf, a table entry above it at perm_level
	 * (APTable, an AMD-Vi PDE without IW...), or the configuration above
	 * the tables (an AMD-Vi DTE's IR/IW) */
	enum smmu_pgt_perm_from { SMMU_PGT_PERM_LEAF, SMMU_PGT_PERM_TABLE, SMMU_PGT_PERM_CONFIG } perm_from;
	int perm_level;
};

enum smmu_pgt_etype { SMMU_PGT_E_INVALID, SMMU_PGT_E_TABLE, SMMU_PGT_E_LEAF };
struct smmu_pgt_entry {
	int level;            /* architecture numbering */
	unsigned depth;       /* 0 = start level */
	enum smmu_pgt_etype type;
	uint64_t iova, size;  /* input range the entry covers */
	uint64_t table_pa, entry_pa;
	unsigned index;
	uint64_t pte;
	uint64_t addr;        /* next table or output address */
	unsigned prot;        /* leaf: effective permissions */
	const char *kind;
	int status;           /* enum smmu_pgt_fault: what is wrong with it, or OK */
};
enum smmu_pgt_walk_flags {
	SMMU_PGT_WALK_INVALID = 1 << 0, /* visit invalid entries too */
};
struct smmu_pgt_walk_stats {
	uint64_t steps, tables, leaves;
	unsigned count[SMMU_PGT_F_MAX]; /* entries with each status */
};
typedef int (*smmu_pgt_visit_fn)(void *arg, const struct smmu_pgt_entry *e);

struct smmu_pgt_range {
	uint64_t iova, pa, size;
	unsigned prot;
};
typedef int (*smmu_pgt_range_fn)(void *arg, const struct smmu_pgt_range *r);

/* --- live configuration, translation, explanation --------------------------------
 * What the hardware would do for a requester, read from its live structures
 * (STE -> CD, or root -> context -> PASID), each checked before its pointer is
 * followed, then the page tables walked with a per-level trace. */
enum smmu_cfg_verdict {
	SMMU_CFG_TRANSLATE, /* tables to walk: see pgt and root */
	SMMU_CFG_BYPASS,    /* addresses pass through untranslated */
	SMMU_CFG_ABORT,     /* the configuration says abort / block */
	SMMU_CFG_FAULT,     /* a structure on the way is invalid or unreadable */
};
#define SMMU_CFG_MAX_STEPS 8
struct smmu_cfg_step {
	const char *what;  /* "STE", "CD", "root entry", "PASID entry", "SMMU_GBPA" ... */
	const char *kind;  /* decoder kind of words[] */
	uint64_t addr;     /* physical address read (register offset when reg) */
	bool reg;
	unsigned nwords;
	uint64_t words[8];
	/* nested: the structure's pointer was an intermediate (guest-physical)
	 * address, ipa, that stage 2 (the second level) translated to addr */
	bool at_ipa;
	uint64_t ipa;
};
struct smmu_config {
	unsigned nsteps;
	struct smmu_cfg_step step[SMMU_CFG_MAX_STEPS];
	enum smmu_cfg_verdict verdict;
	char reason[192];       /* why it bypasses, aborts or stops; what it translates with */
	uint32_t code;          /* the fault the hardware reports for it (0: none) */
	const char *code_name;
	bool quiet;             /* the hardware terminates without recording it
				 * (SMMU_CR2.RECINVSID = 0, CD.R = 0, FPD = 1, ...) */
	uint64_t fetch_addr;    /* a fetch fault (F_STE_FETCH, F_CD_FETCH, 0x38...):
				 * the address that could not be read */
	struct smmu_pgt_cfg pgt;/* SMMU_CFG_TRANSLATE: the table format */
	uint64_t root;
	/* Nested translation (SMMUv3 STE.Config = nested, VT-d PGTT = nested):
	 * pgt and root are stage 1 (first level), whose tables are at
	 * intermediate (guest-physical) addresses; s2pgt and s2root are the
	 * stage 2 (second level) that translates them and the output. */
	bool nested;
	struct smmu_pgt_cfg s2pgt;
	uint64_t s2root;
	/* Since 0.5, SMMUv3: a leaf with AF=0 is used as if AF=1, no Access
	 * flag fault (CD.AFFD / STE.S2AFFD, or hardware sets AF: CD.HA /
	 * STE.S2HA): for pgt's tables (af_used) and s2pgt's (s2_af_used).
	 * VT-d and AMD-Vi A bits never fault: their walks never report AF. */
	bool af_used, s2_af_used;
};
SMMU_EXPORT int smmu_unit_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
SMMU_EXPORT int smmu_device_config(struct smmu_device *d, bool ssv, uint32_t ssid, struct smmu_config *cfg);

/* Where a translation that walked tables stopped. */
enum smmu_stop {
	SMMU_STOP_NONE,       /* it did not stop (translated), or stopped in the configuration */
	SMMU_STOP_WALK,       /* the walk in x (stage 1 when nested): x.fault at x.fault_level */
	SMMU_STOP_FETCH,      /* nested: stage 2 of a stage-1 table read, s2_fetch[nfetch - 1] */
	SMMU_STOP_FETCH_READ, /* nested: the stage-1 table read at the address stage 2 gave
			       * (fetch_addr) failed */
	SMMU_STOP_OUTPUT,     /* nested: stage 2 of the output address ipa, s2 */
};

struct smmu_translation {
	struct smmu_config cfg;
	bool walked;             /* the tables were walked: x is meaningful */
	struct smmu_pgt_xlate x;
	bool ok;                 /* the access translates: pa is meaningful */
	uint64_t pa;
	enum smmu_stop stop;     /* !ok: where it stopped */
	/* Nested (cfg.nested): x is stage 1, walked at intermediate addresses;
	 * s2_fetch[i] is stage 2 of x.step[i].entry_pa (the first nfetch
	 * steps); s2 is stage 2 of stage 1's output, ipa (when s2_walked). */
	unsigned nfetch;
	struct smmu_pgt_xlate s2_fetch[SMMU_PGT_MAX_STEPS];
	bool s2_walked;
	uint64_t ipa;
	struct smmu_pgt_xlate s2;
	/* !ok: what the hardware does with the access, from the configuration
	 * or the walk: the fault it reports (EventID or fault reason; 0 for a
	 * silent abort), whether it records it, and for fetch faults (the
	 * walk's F_WALK_EABT, 0x07, 0x70...) the address it could not read. */
	uint32_t code;
	const char *code_name;
	bool quiet;
	uint64_t fetch_addr;
};
/* access: SMMU_PROT_R/W/X/PRIV bits (0: just look).  0, or -errno when the target
 * could not be read at all; a translation that faults still returns 0. */
SMMU_EXPORT int smmu_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
			       struct smmu_translation *out);

/* The mappings a requester's live tables hold, coalesced (fn gets ranges) or
 * every entry (raw: fn_raw gets entries).  Bounded: loops end with
 * -SMMU_E_LOOP, after the entries before them were visited. */
SMMU_EXPORT int smmu_list(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
			  smmu_pgt_range_fn fn, void *arg, struct smmu_pgt_walk_stats *st);
SMMU_EXPORT int smmu_walk_raw(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
			      smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st);

/* Since 0.5: the SubstreamIDs (SMMUv3, under an STE with S1CDMax > 0) and
 * PASIDs (VT-d scalable mode) that the live tables give a requester, lowest
 * first: fn(arg, ssid, cfg) for each valid CD / present PASID entry, with its
 * configuration.  The entry that requests without one use (the RID_PASID's,
 * CD 0 under S1DSS=substream0) is left out: smmu_unit_config() without ssv
 * has it.  AMD-Vi GCR3 tables are not read (none visited).  0; -EFAULT when
 * some table could not be read (the readable ones were visited); -E2BIG when
 * the probe budget (65536 SubstreamIDs) ran out first; fn's non-zero return. */
typedef int (*smmu_substream_fn)(void *arg, uint32_t ssid, const struct smmu_config *cfg);
SMMU_EXPORT int smmu_unit_substreams(struct smmu_unit *u, uint32_t sid, smmu_substream_fn fn, void *arg);

/* A fault, explained: the device's live configuration and tables walked for
 * the faulting address; text says which structure or table level stopped
 * translation, and why. */
struct smmu_explain {
	struct smmu_translation tr;
	char text[512];
	/* since 0.4: the class of what the walk found (no valid entry: translation; an
	 * entry denies the access: permission; a table unreadable: fetch...), the
	 * record's own class when the walk finds nothing more specific.  It can
	 * differ from the record's: VT-d reports a missing second-level entry by
	 * the permission it lacks (reasons 0x5, 0x6).  Front ends show this one
	 * beside the walk so the two agree. */
	enum smmu_fault_class cls;
};
SMMU_EXPORT int smmu_fault_explain(struct smmu_target *t, const struct smmu_fault *f, struct smmu_explain *out);

/* --- names ---------------------------------------------------------------------- */
/* "translate", "bypass", "abort", "fault". */
SMMU_EXPORT const char *smmu_cfg_verdict_name(enum smmu_cfg_verdict v);
/* A walk status or translation fault as a short stable token for JSON
 * ("invalid", "permission", "table_read"...; "unknown" out of range).
 * smmu_pgt_fault_name() has the words for people. */
SMMU_EXPORT const char *smmu_pgt_fault_id(int fault);

/* The structures a live configuration reads, by what they are. */
enum smmu_cfg_struct {
	SMMU_CS_REGISTER,  /* a register value (step.reg) */
	SMMU_CS_L1_STD,    /* SMMUv3 level-1 stream table descriptor */
	SMMU_CS_STE,       /* SMMUv3 stream table entry */
	SMMU_CS_L1_CD,     /* SMMUv3 level-1 context descriptor */
	SMMU_CS_CD,        /* SMMUv3 context descriptor */
	SMMU_CS_ROOT,      /* VT-d root entry, legacy or scalable-mode */
	SMMU_CS_CONTEXT,   /* VT-d context entry, legacy or scalable-mode */
	SMMU_CS_PASID_DIR, /* VT-d PASID directory entry */
	SMMU_CS_PASID,     /* VT-d PASID table entry */
	SMMU_CS_DTE,       /* AMD-Vi device table entry */
};
SMMU_EXPORT enum smmu_cfg_struct smmu_cfg_step_struct(const struct smmu_cfg_step *step);
/* The step that read structure s, or NULL when the configuration did not get there. */
SMMU_EXPORT const struct smmu_cfg_step *smmu_config_step(const struct smmu_config *cfg, enum smmu_cfg_struct s);
/* SMMUv3: the ASID of the CD the configuration read (valid or not); -ENOENT without one. */
SMMU_EXPORT int smmu_config_asid(const struct smmu_config *cfg, uint32_t *asid);

/* --- SMMUv3 stream table -----------------------------------------------------------
 * The live stream table as SMMU_CR0, SMMU_STRTAB_BASE and _CFG describe it
 * (whether or not the SMMU is enabled), and a visitor over its entries with
 * their addresses and raw words.  Bounded: StreamIDs beyond LOG2SIZE or
 * IDR1.SIDSIZE are never read, each level-1 descriptor is read once. */
struct smmu_strtab {
	bool enabled;       /* CR0.SMMUEN: the SMMU uses the table */
	bool two_level;     /* STRTAB_BASE_CFG.FMT */
	uint64_t base;      /* STRTAB_BASE.ADDR */
	unsigned log2size;  /* STRTAB_BASE_CFG.LOG2SIZE */
	unsigned split;     /* STRTAB_BASE_CFG.SPLIT as programmed */
	unsigned l2_bits;   /* 2-level: StreamID bits a level-2 table indexes (SPLIT;
			     * reserved values behave as 6) */
	unsigned sid_bits;  /* StreamID bits the table is read for: LOG2SIZE, at most SIDSIZE */
	uint64_t l1_count;  /* 2-level: level-1 descriptors read */
};
SMMU_EXPORT int smmu_strtab_info(struct smmu_unit *u, struct smmu_strtab *st);

/* What an STE says. */
struct smmu_ste_info {
	bool valid;               /* V */
	unsigned config;          /* Config */
	const char *config_name;  /* "Abort", "Bypass", "S1Trans", "S2Trans", "Nested"; NULL: reserved */
	bool s1, s2;              /* stage 1, stage 2 translation (both: nested) */
	uint64_t s1_context_ptr;  /* S1ContextPtr */
	uint64_t s2ttb;           /* S2TTB */
	unsigned vmid;            /* S2VMID */
};
SMMU_EXPORT void smmu_ste_info(const uint64_t ste[8], struct smmu_ste_info *info);

enum smmu_strtab_etype { SMMU_STRTAB_L1, SMMU_STRTAB_STE };
struct smmu_strtab_entry {
	enum smmu_strtab_etype type;
	uint64_t index;        /* L1: descriptor number; STE: StreamID */
	uint64_t addr;         /* physical address of the entry */
	const char *kind;      /* decoder kind of words: "smmuv3.l1std", "smmuv3.ste" */
	unsigned nwords;       /* 1, 8 */
	const uint64_t *words;
	bool valid;            /* L1: Span != 0; STE: V */
	/* level-1 descriptors, visited after the STEs of their level-2 table */
	unsigned span;         /* Span */
	uint64_t l2_table;     /* L2Ptr */
	uint64_t l2_count;     /* STEs the level-2 table holds for the table's StreamIDs */
	int status;            /* SMMU_PGT_OK; SMMU_PGT_F_RESERVED: Span beyond SPLIT + 1,
				* not followed; SMMU_PGT_F_TABLE_READ: the level-2 table
				* (from the first unreadable page on) could not be read: err */
	int err;
	struct smmu_ste_info ste; /* STEs */
};
enum smmu_strtab_walk_flags {
	SMMU_STRTAB_WALK_INVALID = 1 << 0, /* invalid STEs and Span-0 descriptors too */
};
typedef int (*smmu_strtab_fn)(void *arg, const struct smmu_strtab_entry *e);
/* 0 after every entry; fn's non-zero return stops the walk and is returned;
 * -errno when the table (linear, or level 1) cannot be read, after the entries before. */
SMMU_EXPORT int smmu_strtab_walk(struct smmu_unit *u, unsigned flags, smmu_strtab_fn fn, void *arg);

/* --- VT-d root and context tables ----------------------------------------------------
 * The root table RTADDR_REG names (whether or not remapping is enabled), and
 * a visitor over root entries and, on request, the context entries they
 * point to, with addresses and raw words.  Bounded: 256 root entries, 256
 * context entries per bus. */
enum smmu_vtd_mode { SMMU_VTD_LEGACY, SMMU_VTD_SCALABLE, SMMU_VTD_RESERVED, SMMU_VTD_ABORT_DMA };
struct smmu_roottab {
	bool translating;      /* GSTS.TES */
	uint64_t rtaddr;       /* RTADDR_REG */
	enum smmu_vtd_mode mode; /* RTADDR.TTM */
	const char *mode_name; /* "legacy", "scalable", "reserved", "abort-dma" */
	bool has_table;        /* legacy and scalable modes have a root table */
	uint64_t table;        /* RTADDR.RTA */
};
SMMU_EXPORT int smmu_roottab_info(struct smmu_unit *u, struct smmu_roottab *rt);

enum smmu_ctx_etype { SMMU_CTX_ROOT, SMMU_CTX_CONTEXT };
struct smmu_ctx_entry {
	enum smmu_ctx_etype type;
	unsigned bus;
	unsigned devfn;        /* context entries */
	uint64_t addr;
	const char *kind;      /* "vtd.root", "vtd.sm.root", "vtd.ctx", "vtd.sm.ctx" */
	unsigned nwords;       /* 2; 4 for a scalable-mode context entry */
	const uint64_t *words;
	bool present;          /* root: P (scalable: LP or UP); context: P */
	/* root entries: the context tables, legacy in [0] (devfn 0-255),
	 * scalable lower [0] (devfn 0-127) and upper [1] (128-255) */
	bool ctp_present[2];
	uint64_t ctp[2];
	int err;               /* root: -errno when its context table could not be read */
};
enum smmu_roottab_walk_flags {
	SMMU_ROOTTAB_WALK_ABSENT  = 1 << 0, /* entries that are not present too */
	SMMU_ROOTTAB_WALK_CONTEXT = 1 << 1, /* context entries after each present root entry */
};
typedef int (*smmu_ctx_fn)(void *arg, const struct smmu_ctx_entry *e);
/* Buses first..last.  0 after every entry; fn's non-zero return stops the
 * walk and is returned; -errno when the root table cannot be read (nothing
 * visited); -ENXIO when the mode has no root table. */
SMMU_EXPORT int smmu_roottab_walk(struct smmu_unit *u, unsigned first_bus, unsigned last_bus, unsigned flags,
				  smmu_ctx_fn fn, void *arg);

#endif
