/* SPDX-License-Identifier: MIT */
/*
 * Expand a .def (see def.h) into the decoders' descriptors:
 *
 *   #define SMMU_DEF "smmuv3.def"
 *   #include "def-descs.h"
 *
 * defines the enum tables, field tables and descriptors, and for each
 * LIST(name) line the NULL-terminated list name[] of the descriptors that
 * follow it (tables.h declares them).  No include guard: one inclusion per .def.
 */
#include "def-constants.h"

#define SMMU_FMT_FLAG .fmt = SMMU_F_FLAG
#define SMMU_FMT_HEX .fmt = SMMU_F_HEX
#define SMMU_FMT_DEC .fmt = SMMU_F_DEC
#define SMMU_FMT_DEC_B(n) .fmt = SMMU_F_DEC, .bias = (n)
#define SMMU_FMT_ENUM(e) .fmt = SMMU_F_ENUM, .enums = (e)
#define SMMU_FMT_ADDR .fmt = SMMU_F_ADDR
#define SMMU_FMT_LOG2 .fmt = SMMU_F_LOG2
#define SMMU_FMT_LOG2_B(n) .fmt = SMMU_F_LOG2, .bias = (n)
#define SMMU_FMT_IGNORED .fmt = SMMU_F_IGNORED

/* enum tables and field tables */
#define ENUMS(id, ...) static const struct smmu_enum id[] = { __VA_ARGS__, { .name = NULL } };
#define LIST(name)
#define REG(id, L, off, width, kind, name, title)
#define REG_PAGE1(id, L, off, width, kind, name, title)
#define REG_GR1(id, L, off, width, kind, name, title)
#define REG_CB(id, L, off, width, kind, name, title)
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title)
#define STRUCT(id, L, nwords, width, kind, name, title)
#define SELECT(id, L, nwords, width, sel, kind, name, title)
#define VARIANT(id, value, member)
#define END_SELECT(id)
#define LAYOUT(L) static const struct smmu_field L##_fields[] = {
#define END_LAYOUT(L) { .name = NULL } };
#define FIELD(L, Id, w, h, l, fmt, acc, hlp) \
	{ .name = #Id, .help = hlp, .word = (w), .hi = (h), .lo = (l), .access = SMMU_A_##acc, SMMU_FMT_##fmt },
#define FIELDN(L, Id, nm, w, h, l, fmt, acc, hlp) \
	{ .name = nm, .help = hlp, .word = (w), .hi = (h), .lo = (l), .access = SMMU_A_##acc, SMMU_FMT_##fmt },
#define FLAG(L, Id, w, b, acc, hlp) \
	{ .name = #Id, .help = hlp, .word = (w), .hi = (b), .lo = (b), .access = SMMU_A_##acc, .fmt = SMMU_F_FLAG },
#define FLAGN(L, Id, nm, w, b, acc, hlp) \
	{ .name = nm, .help = hlp, .word = (w), .hi = (b), .lo = (b), .access = SMMU_A_##acc, .fmt = SMMU_F_FLAG },
#include SMMU_DEF
#include "def-undef.h"

/* descriptors with a fixed layout */
#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, wd, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.offset = (off), .nwords = 1, .width = (wd), .flags = SMMU_D_REGISTER, .fields = L##_fields };
#define REG_PAGE1(id, L, off, wd, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.offset = (off), .nwords = 1, .width = (wd), .flags = SMMU_D_REGISTER | SMMU_D_PAGE1, \
		.fields = L##_fields };
#define REG_GR1(id, L, off, wd, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.offset = (off), .nwords = 1, .width = (wd), .flags = SMMU_D_REGISTER | SMMU_D_GR1, \
		.fields = L##_fields };
#define REG_CB(id, L, off, wd, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.offset = (off), .nwords = 1, .width = (wd), .flags = SMMU_D_REGISTER | SMMU_D_CB, \
		.fields = L##_fields };
#define REG_DYN(id, L, nw, wd, src, scale, add, stride, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.nwords = (nw), .width = (wd), .flags = SMMU_D_REGISTER | SMMU_D_DYNAMIC, .fields = L##_fields };
#define STRUCT(id, L, nw, wd, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.nwords = (nw), .width = (wd), .fields = L##_fields };
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

/* variant tables, then the descriptors that select among them */
#define ENUMS(id, ...)
#define LIST(name)
#define REG(id, L, off, width, kind, name, title)
#define REG_PAGE1(id, L, off, width, kind, name, title)
#define REG_GR1(id, L, off, width, kind, name, title)
#define REG_CB(id, L, off, width, kind, name, title)
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title)
#define STRUCT(id, L, nwords, width, kind, name, title)
#define SELECT(id, L, nwords, width, sel, kind, name, title) \
	static const struct smmu_variant id##_variants[] = {
#define VARIANT(id, value, member) { (value), &member##_desc },
#define END_SELECT(id) { .desc = NULL } };
#define LAYOUT(L)
#define END_LAYOUT(L)
#define FIELD(L, Id, w, hi, lo, fmt, acc, help)
#define FIELDN(L, Id, nm, w, hi, lo, fmt, acc, help)
#define FLAG(L, Id, w, b, acc, help)
#define FLAGN(L, Id, nm, w, b, acc, help)
#include SMMU_DEF
#undef SELECT
#undef VARIANT
#undef END_SELECT
#define SELECT(id, L, nw, wd, sel, k, nm, ttl) \
	static const struct smmu_desc id##_desc = { .kind = k, .name = nm, .title = ttl, \
		.nwords = (nw), .width = (wd), .fields = L##_fields, \
		.sel_word = sel##_W, .sel_hi = sel##_HI, .sel_lo = sel##_LO, .variants = id##_variants };
#define VARIANT(id, value, member)
#define END_SELECT(id)
#include SMMU_DEF
#include "def-undef.h"

/* the lists: every descriptor after a LIST(name) line, in the order of the .def */
static const struct smmu_desc *const smmu_def_head_[] __attribute__((unused)) = {
#define ENUMS(id, ...)
#define LIST(name) NULL }; const struct smmu_desc *const name[] = {
#define REG(id, L, off, width, kind, name, title) &id##_desc,
#define REG_PAGE1(id, L, off, width, kind, name, title) &id##_desc,
#define REG_GR1(id, L, off, width, kind, name, title) &id##_desc,
#define REG_CB(id, L, off, width, kind, name, title) &id##_desc,
#define REG_DYN(id, L, nwords, width, src, scale, add, stride, kind, name, title) &id##_desc,
#define STRUCT(id, L, nwords, width, kind, name, title) &id##_desc,
#define SELECT(id, L, nwords, width, sel, kind, name, title) &id##_desc,
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
	NULL,
};
