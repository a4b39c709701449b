/* SPDX-License-Identifier: MIT */
/*
 * Field descriptors: the one way smmush describes a register, a table entry,
 * a command or a record.  A descriptor is data; one renderer (render.c) turns
 * any descriptor plus raw words into text or JSON, so every structure is
 * shown the same way and nothing is dropped.
 *
 * A value is an array of `nwords` words of `width` bits (32 or 64).  A field
 * lives in one word, bits lo..hi inclusive.  Bits of a word that no field
 * covers are reserved: the renderer warns when one is set.  Fields that are
 * IMPLEMENTATION DEFINED or for software use are described with SMMU_F_IGNORED
 * so they are shown but never warned about.
 */
#ifndef SMMU_FIELD_H
#define SMMU_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmu-export.h"

/* GENMASK/FIELD_GET-like pair for code that programs or reads structures. */
#define SMMU_GENMASK(h, l) ((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))
#define SMMU_FIELD_GET(mask, v) (((uint64_t)(v) & (mask)) >> __builtin_ctzll(mask))
#define SMMU_FIELD_PREP(mask, v) (((uint64_t)(v) << __builtin_ctzll(mask)) & (mask))

enum smmu_fmt {
	SMMU_F_FLAG,    /* one bit: Name+ / Name- */
	SMMU_F_HEX,     /* 0x... */
	SMMU_F_DEC,     /* decimal, shown as raw + bias */
	SMMU_F_ENUM,    /* named values; an unnamed value renders as ??N */
	SMMU_F_ADDR,    /* an address whose bits stay in place: word & mask */
	SMMU_F_LOG2,    /* a size encoded as log2: shows 2^(raw + bias) */
	SMMU_F_IGNORED, /* IMPLEMENTATION DEFINED / software use: shown raw, never a warning */
};

enum smmu_access {
	SMMU_A_RW,  /* the default */
	SMMU_A_RO,
	SMMU_A_WO,
	SMMU_A_W1C, /* write 1 to clear: never written by read-modify-write */
	SMMU_A_RSVD,/* a field the specification names but reserves (RES0 with a name) */
};

struct smmu_enum {
	uint64_t value;
	const char *name;
};

struct smmu_field {
	const char *name;  /* the specification's name, e.g. "S1ContextPtr" */
	const char *help;  /* one line: what the field means (verbose mode) */
	uint8_t word;      /* index into the value's words */
	uint8_t hi, lo;    /* bit range within that word, inclusive */
	uint8_t fmt;       /* enum smmu_fmt */
	uint8_t access;    /* enum smmu_access */
	int16_t bias;      /* SMMU_F_DEC / SMMU_F_LOG2: added to the raw value */
	const struct smmu_enum *enums; /* SMMU_F_ENUM: terminated by .name == NULL */
};

/*
 * A descriptor whose layout depends on one of its own fields (a command's
 * opcode, an event's EventID) lists variants: the renderer picks the one whose
 * value matches the selector bits and falls back to this descriptor's own
 * fields (with a warning) when none does.
 */
struct smmu_variant {
	uint64_t value;
	const struct smmu_desc *desc;
};

enum smmu_desc_flags {
	SMMU_D_REGISTER = 1 << 0, /* an MMIO register: `offset` is meaningful */
	SMMU_D_PAGE1    = 1 << 1, /* SMMUv3 register in page 1 (offset is within page 1 + 0x10000) */
	SMMU_D_DYNAMIC  = 1 << 2, /* offset depends on capability registers (VT-d FRCD, IOTLB) */
	SMMU_D_GR1      = 1 << 3, /* SMMUv2 global register space 1 (offset within it; it is page 1) */
	SMMU_D_CB       = 1 << 4, /* SMMUv2 context bank register (offset within a bank's page) */
};

struct smmu_desc {
	const char *kind;   /* what users type: "smmuv3.idr0", "smmuv3.ste", "vtd.frcd" */
	const char *name;   /* the specification's name: "SMMU_IDR0", "STE" */
	const char *title;  /* one line for `decode --list` */
	uint32_t offset;    /* SMMU_D_REGISTER: byte offset in the register frame */
	uint8_t nwords;     /* how many words make the value */
	uint8_t width;      /* 32 or 64 bits per word */
	uint8_t flags;      /* enum smmu_desc_flags */
	const struct smmu_field *fields;     /* terminated by .name == NULL */
	/* optional: layout chosen by a selector field */
	uint8_t sel_word, sel_hi, sel_lo;
	const struct smmu_variant *variants; /* terminated by .desc == NULL */
};

/* Authoring helpers for descriptor tables (designated initializers stay readable). */
#define SMMU_FLD(nm, w, h, l, f, ...) \
	{ .name = (nm), .word = (w), .hi = (h), .lo = (l), .fmt = SMMU_F_##f, __VA_ARGS__ }
#define SMMU_BIT(nm, w, b, ...) SMMU_FLD(nm, w, b, b, FLAG, __VA_ARGS__)
#define SMMU_FLD_END { .name = NULL }

/* --- queries ------------------------------------------------------------ */

/* Raw bits of a field, shifted down. */
SMMU_EXPORT uint64_t smmu_field_raw(const struct smmu_field *f, const uint64_t *words);
/* Name of an enum value, or NULL when the table has none. */
SMMU_EXPORT const char *smmu_enum_name(const struct smmu_field *f, uint64_t value);
/* The variant that applies to these words, or d itself. `matched` says whether one did. */
SMMU_EXPORT const struct smmu_desc *smmu_desc_resolve(const struct smmu_desc *d, const uint64_t *words,
						      bool *matched);
/* Field by name in the resolved descriptor; NULL when there is none. */
SMMU_EXPORT const struct smmu_field *smmu_desc_field(const struct smmu_desc *d, const char *name);
/* Value of a named field after resolving variants: 0, or -ENOENT. */
SMMU_EXPORT int smmu_decode_get(const struct smmu_desc *d, const uint64_t *words, const char *field,
				uint64_t *value);
/* Bits set in reserved (uncovered or SMMU_A_RSVD) positions of word w. */
SMMU_EXPORT uint64_t smmu_desc_reserved_set(const struct smmu_desc *d, const uint64_t *words, unsigned w);

#endif
