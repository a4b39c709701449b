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

#include "smmu-manager.h"

/* --- page-table formats and what a walk reports -------------------------------- */
enum smmu_pgt_format {
	SMMU_PGT_LPAE_S1,
	SMMU_PGT_LPAE_S2,
	SMMU_PGT_VTD_SL,
	SMMU_PGT_VTD_FL,
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
const char *smmu_pgt_fault_name(int fault);

#define SMMU_PGT_MAX_STEPS 6
struct smmu_pgt_step {
	int level;          /* architecture numbering */
	uint64_t table_pa;  /* the table read at this level */
	unsigned index;
	uint64_t entry_pa;
	uint64_t pte;
	const char *kind;   /* decoder kind: "lpae.s1.page", "vtd.sl.pte", ... */
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
};
int smmu_unit_config(struct smmu_unit *u, const struct smmu_stream *s, struct smmu_config *cfg);
int smmu_device_config(struct smmu_device *d, bool ssv, uint32_t ssid, struct smmu_config *cfg);

struct smmu_translation {
	struct smmu_config cfg;
	bool walked;             /* the tables were walked: x is meaningful */
	struct smmu_pgt_xlate x;
	bool ok;                 /* the access translates: pa is meaningful */
	uint64_t pa;
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
int smmu_translate(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, unsigned access,
		   struct smmu_translation *out);

/* The mappings a requester's live tables hold, coalesced (fn gets ranges) or
 * every entry (raw: fn_raw gets entries).  Bounded: loops end with
 * -SMMU_E_LOOP, after the entries before them were visited. */
int smmu_list(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
	      smmu_pgt_range_fn fn, void *arg, struct smmu_pgt_walk_stats *st);
int smmu_walk_raw(struct smmu_unit *u, const struct smmu_stream *s, uint64_t iova, uint64_t size,
		  smmu_pgt_visit_fn fn, void *arg, struct smmu_pgt_walk_stats *st);

/* A fault, explained: the device's live configuration and tables walked for
 * the faulting address; text says which structure or table level stopped
 * translation, and why. */
struct smmu_explain {
	struct smmu_translation tr;
	char text[512];
};
int smmu_fault_explain(struct smmu_target *t, const struct smmu_fault *f, struct smmu_explain *out);

#endif
