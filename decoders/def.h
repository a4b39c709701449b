/* SPDX-License-Identifier: MIT */
/*
 * One description of the hardware.  Every register, table entry, command and
 * record is written once, in an X-macro file per architecture:
 *
 *   decoders/smmuv3.def   Arm SMMUv3 (IHI 0070): registers, STE, CD, commands, events, PRI
 *   decoders/vtd.def      Intel VT-d: registers, root/context/PASID entries, descriptors
 *   decoders/smmuv2.def   Arm SMMUv2 (IHI 0062) and MMU-500: global and context bank registers
 *   decoders/pgtable.def  page-table entries: Arm VMSAv8-64 (LPAE), VT-d first/second level
 *
 * and expanded twice (three times with the test):
 *
 *   def-constants.h  enum constants for lib/: a register's offset (SMMUV3_CR0 = 0x20),
 *                    each field's word and bits (SMMUV3_STE_S1Fmt_W, _HI, _LO), and an
 *                    offset function for registers that move (VTD_FRCD_offset(cap, i));
 *                    used with SMMU_MASK/SMMU_GET/SMMU_PREP below
 *   def-descs.h      the decoders' descriptor rows (struct smmu_desc, smmu_field)
 *   tests/check-fields.c  a table of {kind, field, word, mask} checked against the descriptors
 *
 * The vocabulary of a .def file (one line a field; strings are the specification's
 * names, the help line and titles):
 *
 *   LIST(name)                                the descriptors below go to list name[] (tables.h)
 *   ENUMS(id, { value, "name" }, ...)        named values of an enum field
 *   REG(id, L, offset, width, "kind", "NAME", "title")        a register of page 0
 *   REG_PAGE1(id, L, offset, width, ...)      an SMMUv3 register of page 1 (offset has 0x10000)
 *   REG_GR1(id, L, offset, width, ...)        an SMMUv2 register of global space 1 (offset within it)
 *   REG_CB(id, L, offset, width, ...)         an SMMUv2 context bank register (offset within a bank)
 *   REG_DYN(id, L, nwords, width, SRC, scale, add, stride, "kind", "NAME", "title")
 *                                             a register whose offset is field SRC of another
 *                                             register * scale + add (+ i * stride for the i-th)
 *   STRUCT(id, L, nwords, width, "kind", "NAME", "title")     an in-memory structure
 *   SELECT(id, L, nwords, width, SEL, "kind", "NAME", "title") a structure whose layout is
 *     VARIANT(id, value, member_id)           chosen by field SEL: value -> descriptor member_id
 *   END_SELECT(id)
 *   LAYOUT(L)                                 the fields of one or more descriptors:
 *     FLAG(L, Name, word, bit, ACCESS, "help")
 *     FIELD(L, Name, word, hi, lo, FORMAT, ACCESS, "help")
 *     FLAGN / FIELDN(L, Ident, "Display name", ...)   when the name is no C identifier
 *   END_LAYOUT(L)
 *
 * FORMAT is HEX, DEC, ADDR, LOG2, IGNORED or ENUM(enums_id); DEC_B(n) and LOG2_B(n)
 * add a bias of n.  ACCESS is RW, RO, WO, W1C or RSVD.  A field's constants are named
 * L_Name: FIELD(SMMUV3_STE, S1Fmt, 0, 5, 4, ...) gives SMMUV3_STE_S1Fmt_W = 0,
 * SMMUV3_STE_S1Fmt_HI = 5, SMMUV3_STE_S1Fmt_LO = 4.
 *
 * To add a field: one FLAG or FIELD line in its LAYOUT.  The decoders show it, lib/
 * can use SMMU_GET(L_Name, v), and tests/check-fields.c checks it, with no other edit.
 */
#ifndef SMMU_DEF_H
#define SMMU_DEF_H

#include <stdint.h>

#include "field.h"

/* Accessors on the generated constants.  F is a field's name, L_Name; each
 * macro only pastes it (never passes it on), so these work whether or not F
 * is also a macro. */
#define SMMU_MASK(F) SMMU_GENMASK(F##_HI, F##_LO)
#define SMMU_GET(F, v) (((uint64_t)(v) & SMMU_GENMASK(F##_HI, F##_LO)) >> (F##_LO))
#define SMMU_PREP(F, v) (((uint64_t)(v) << (F##_LO)) & SMMU_GENMASK(F##_HI, F##_LO))
/* The same on a multi-word structure (an array of 64-bit words). */
#define SMMU_GETW(F, words) (((words)[F##_W] & SMMU_GENMASK(F##_HI, F##_LO)) >> (F##_LO))
#define SMMU_SETW(F, words, v) \
	((words)[F##_W] |= ((uint64_t)(v) << (F##_LO)) & SMMU_GENMASK(F##_HI, F##_LO))
/* An address field of a multi-word structure, its bits left in place. */
#define SMMU_ADDRW(F, words) ((words)[F##_W] & SMMU_GENMASK(F##_HI, F##_LO))

#endif
