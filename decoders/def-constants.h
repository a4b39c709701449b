/* SPDX-License-Identifier: MIT */
/*
 * Expand a .def (see def.h) into constants for lib/:
 *
 *   #define SMMU_DEF "decoders/smmuv3.def"
 *   #include "decoders/def-constants.h"
 *
 * gives one enum of register offsets and field positions (constant
 * expressions: usable in case labels and initializers) and, for a register
 * whose offset depends on another register, `static inline uint32_t
 * id_offset(uint64_t src_register, unsigned i)`.  No include guard: one
 * inclusion per .def.
 */
#include "def.h"

enum {
#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, width, kind, name, title) id = (off),
#define REG_PAGE1(id, L, off, width, kind, name, title) id = (off),
#define REG_GR1(id, L, off, width, kind, name, title) id = (off),
#define REG_CB(id, L, off, width, kind, name, title) id = (off),
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title)
#define STRUCT(id, L, nwords, width, kind, name, title)
#define SELECT(id, L, nwords, width, sel, kind, name, title)
#define VARIANT(id, value, member)
#define END_SELECT(id)
#define LAYOUT(L)
#define END_LAYOUT(L)
#define FIELD(L, Id, w, hi, lo, fmt, acc, help) L##_##Id##_W = (w), L##_##Id##_HI = (hi), L##_##Id##_LO = (lo),
#define FIELDN(L, Id, nm, w, hi, lo, fmt, acc, help) L##_##Id##_W = (w), L##_##Id##_HI = (hi), L##_##Id##_LO = (lo),
#define FLAG(L, Id, w, b, acc, help) L##_##Id##_W = (w), L##_##Id##_HI = (b), L##_##Id##_LO = (b),
#define FLAGN(L, Id, nm, w, b, acc, help) L##_##Id##_W = (w), L##_##Id##_HI = (b), L##_##Id##_LO = (b),
#include SMMU_DEF
#include "def-undef.h"
};

#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, width, kind, name, title)
#define REG_PAGE1(id, L, off, width, kind, name, title)
#define REG_GR1(id, L, off, width, kind, name, title)
#define REG_CB(id, L, off, width, kind, name, title)
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title) \
	static inline uint32_t id##_offset(uint64_t src_reg, unsigned i) \
	{ \
		return (uint32_t)((((src_reg) & SMMU_GENMASK(src##_HI, src##_LO)) >> src##_LO) * (scale) + (add) + (uint64_t)i * (stride)); \
	}
#define STRUCT(id, L, nwords, width, kind, name, title)
#define SELECT(id, L, nwords, width, sel, kind, name, title)
#define VARIANT(id, value, member)
#define END_SELECT(id)
#define LAYOUT(L)
#define END_LAYOUT(L)
#define FIELD(L, Id, w, hi, lo, fmt, acc, help)
#define FIELDN(L, Id, nm, w, hi, lo, fmt, acc, help)
#define FLAG(L, Id, w, b, acc, help)
#define FLAGN(L, Id, nm, w, b, acc, help)
#include SMMU_DEF
#include "def-undef.h"
