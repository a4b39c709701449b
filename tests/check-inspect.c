/* SPDX-License-Identifier: MIT */
/*
 * libsmmu's inspection beyond one requester, on both sim platforms:
 * registers by name (page 1, VT-d registers placed by CAP/ECAP), unit
 * status, the SMMUv3 stream table and the VT-d root and context tables with
 * their visitors, and the names the library gives what it reports.
 * Expected values come from the model's raw registers and from tables the
 * tests write themselves.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decoders/decode.h"
#include "lib/arch.h"
#include "lib/smmu.h"

#define VIRT_BASE 0x09050000u
#define Q35_BASE  0xfed90000u

static struct smmu_target *open_opts(const char *spec, const char *opt)
{
	struct smmu_target *t;
	char err[256] = "";
	const char *opts[] = { opt };

	ck_assert_msg(smmu_target_open(spec, opts, opt ? 1 : 0, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

static uint64_t raw(struct smmu_target *t, uint64_t addr, unsigned size)
{
	uint64_t v;

	ck_assert_int_eq(smmu_mmio_read(t, addr, size, &v), 0);
	return v;
}

static uint64_t reg1(struct smmu_unit *u, const char *name)
{
	struct smmu_reg r;
	uint64_t w[2] = { 0, 0 };

	ck_assert_int_eq(smmu_reg_find(u, name, &r), 0);
	ck_assert_int_eq(smmu_reg_read(u, &r, 0, w), 0);
	return w[0];
}

static void reg_set(struct smmu_unit *u, const char *name, uint64_t v)
{
	struct smmu_reg r;

	ck_assert_int_eq(smmu_reg_find(u, name, &r), 0);
	ck_assert_int_eq(smmu_reg_write(u, &r, 0, v), 0);
}

/* A device that faults once: attached to an empty domain, then a read. */
static void one_fault(struct smmu_target *t, struct smmu_unit *u)
{
	struct smmu_domain *dom;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), dom), 0);
	ck_assert_int_eq(smmu_dma(smmu_device_find(t, "00:01.0"), SMMU_DMA_FROM_MEM, 0x5000, 8, NULL), 0);
}

START_TEST(vtd_registers_by_name)
{
	struct smmu_target *t = open_opts("sim:q35", "nfr=3");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_reg r;
	uint64_t cap = raw(t, Q35_BASE + 0x08, 8), ecap = raw(t, Q35_BASE + 0x10, 8), w[2];

	/* the fault recording registers: CAP.FRO * 16, CAP.NFR + 1 of them, 16 bytes apart */
	ck_assert_int_eq(smmu_reg_find(u, "frcd", &r), 0);
	ck_assert_str_eq(r.desc->kind, "vtd.frcd");
	ck_assert_uint_eq(r.offset, ((cap >> 24) & 0x3ff) * 16);
	ck_assert_uint_eq(r.offset, 0x200);
	ck_assert_uint_eq(r.count, 3);
	ck_assert_uint_eq(r.stride, 16);
	/* IVA and IOTLB at ECAP.IRO * 16, + 8 */
	ck_assert_int_eq(smmu_reg_find(u, "VTD.IOTLB", &r), 0);
	ck_assert_uint_eq(r.offset, ((ecap >> 8) & 0x3ff) * 16 + 8);
	ck_assert_uint_eq(r.offset, 0x108);
	ck_assert_uint_eq(r.count, 1);
	ck_assert_int_eq(smmu_reg_find(u, "iva", &r), 0);
	ck_assert_uint_eq(r.offset, 0x100);
	/* fixed ones as described; other architectures' and unknown names are not there */
	ck_assert_int_eq(smmu_reg_find(u, "GSTS", &r), 0);
	ck_assert_uint_eq(r.offset, 0x1c);
	ck_assert_int_eq(smmu_reg_find(u, "cr0", &r), -ENOENT);
	ck_assert_int_eq(smmu_reg_find(u, "smmuv3.cr0", &r), -ENOENT);
	ck_assert_int_eq(smmu_reg_find(u, "gst", &r), -ENOENT);

	/* a fault lands in FRCD[0]: source-id 00:01.0, reason 0x06 (read of an unmapped page) */
	one_fault(t, u);
	ck_assert_int_eq(smmu_reg_find(u, "frcd", &r), 0);
	ck_assert_int_eq(smmu_reg_read(u, &r, 0, w), 0);
	ck_assert_uint_eq(w[0], raw(t, Q35_BASE + 0x200, 8));
	ck_assert_uint_eq(w[1], raw(t, Q35_BASE + 0x208, 8));
	ck_assert_msg(w[1] >> 63, "FRCD[0].F is clear");
	ck_assert_uint_eq(w[1] & 0xffff, 0x8);
	ck_assert_uint_eq((w[1] >> 32) & 0xff, 0x06);
	ck_assert_uint_eq(w[0] & ~0xfffull, 0x5000);
	ck_assert_int_eq(smmu_reg_read(u, &r, 2, w), 0);
	ck_assert_uint_eq(w[1] >> 63, 0);
	ck_assert_int_eq(smmu_reg_read(u, &r, 3, w), -EINVAL);
	ck_assert_int_eq(smmu_reg_write(u, &r, 0, 0), -EINVAL); /* two words */

	/* writes: range, read-only, and one that lands */
	ck_assert_int_eq(smmu_reg_find(u, "cap", &r), 0);
	ck_assert_int_eq(smmu_reg_write(u, &r, 0, 0), -EPERM);
	ck_assert_int_eq(smmu_reg_find(u, "fedata", &r), 0);
	ck_assert_int_eq(smmu_reg_write(u, &r, 0, 1ull << 32), -ERANGE);
	ck_assert_int_eq(smmu_reg_write(u, &r, 0, 0x1234), 0);
	ck_assert_uint_eq(raw(t, Q35_BASE + 0x3c, 4), 0x1234);
	ck_assert_uint_eq(reg1(u, "fedata"), 0x1234);

	/* what own() changed: GSTS (TES, RTPS) and RTADDR */
	const char *const *own = smmu_unit_own_regs(u);
	ck_assert_str_eq(own[0], "GSTS");
	ck_assert_str_eq(own[1], "RTADDR");
	ck_assert_ptr_null(own[2]);
	ck_assert_uint_eq(reg1(u, own[0]) >> 30, 3);
	ck_assert_uint_eq(reg1(u, own[1]), raw(t, Q35_BASE + 0x20, 8));
	ck_assert_uint_ne(reg1(u, own[1]), 0);
	smmu_target_close(t);
}
END_TEST

START_TEST(smmuv3_registers_by_name)
{
	struct smmu_target *t = open_opts("sim:virt", NULL);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_reg r;
	size_t n = 0, want = 0;

	/* page 1: the event queue's producer index, at 0x10000 + 0xa8 */
	ck_assert_int_eq(smmu_reg_find(u, "eventq_prod", &r), 0);
	ck_assert_uint_eq(r.offset, 0x100a8);
	ck_assert_uint_eq(reg1(u, "eventq_prod"), 0);
	one_fault(t, u);
	ck_assert_uint_eq(reg1(u, "EVENTQ_PROD"), raw(t, VIRT_BASE + 0x100a8, 4));
	ck_assert_uint_eq(reg1(u, "smmuv3.eventq_prod") & 0xfffff, 1);
	ck_assert_uint_eq(reg1(u, "eventq_cons"), 0);
	ck_assert_int_eq(smmu_reg_find(u, "frcd", &r), -ENOENT);

	/* what own() changed: SMMUEN, GBPA, the stream table's base */
	const char *const *own = smmu_unit_own_regs(u);
	ck_assert_str_eq(own[0], "CR0");
	ck_assert_str_eq(own[1], "GBPA");
	ck_assert_str_eq(own[2], "STRTAB_BASE");
	ck_assert_ptr_null(own[3]);
	ck_assert_uint_eq(reg1(u, "CR0") & 1, 1);
	ck_assert_uint_eq(reg1(u, "STRTAB_BASE"), raw(t, VIRT_BASE + 0x80, 8));

	/* every register of the architecture, in the decoders' order, none of the other's */
	for (size_t i = 0; i < smmu_decoder_count(); i++) {
		const struct smmu_desc *d = smmu_decoder_at(i);
		if ((d->flags & SMMU_D_REGISTER) && !strncmp(d->kind, "smmuv3.", 7))
			want++;
	}
	for (int rc; !(rc = smmu_reg_at(u, n, &r)); n++)
		ck_assert_msg(!strncmp(r.desc->kind, "smmuv3.", 7), "%s", r.desc->kind);
	ck_assert_uint_eq(n, want);
	ck_assert_int_eq(smmu_reg_at(u, 0, &r), 0);
	ck_assert_str_eq(r.desc->kind, "smmuv3.idr0");
	ck_assert_int_eq(smmu_reg_at(u, n, &r), -ENOENT);
	smmu_target_close(t);
}
END_TEST

/* Records that carry a fetch address only are not given an input address:
 * F_VMS_FETCH's word 2 is RES0 (its only address is FetchAddr), so whatever
 * it holds is never walked as an IOVA; F_WALK_EABT's address is its
 * InputAddr, not FetchAddr. */
START_TEST(smmuv3_fetch_records_keep_the_input_address_apart)
{
	struct smmu_target *t = open_opts("sim:virt", NULL);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_fault f;
	struct smmu_explain ex;

	one_fault(t, u);
	ck_assert_int_ge(smmu_faults_poll(t), 1);
	ck_assert_int_eq(smmu_faults_get(t, 0, &f), 0);
	uint64_t w0 = (uint64_t)f.stream.sid << 32;
	size_t kept = smmu_faults_kept(t);

	const uint64_t vms[4] = { w0 | 0x25, 0, 0x5000 /* RES0, not an address */, 0x40000000 };
	smmu_arch_smmuv3_push_event(u, vms);
	ck_assert_int_eq(smmu_faults_get(t, kept, &f), 0);
	ck_assert_uint_eq(f.code, 0x25);
	ck_assert_uint_eq(f.addr, 0);
	ck_assert_int_eq(smmu_fault_explain(t, &f, &ex), 0);
	ck_assert(!ex.tr.walked);

	const uint64_t eabt[4] = { w0 | 0x0b, 0, 0x5000, 0x40000000 };
	smmu_arch_smmuv3_push_event(u, eabt);
	ck_assert_int_eq(smmu_faults_get(t, kept + 1, &f), 0);
	ck_assert_uint_eq(f.code, 0x0b);
	ck_assert_uint_eq(f.addr, 0x5000);
	smmu_target_close(t);
}
END_TEST

START_TEST(unit_status_from_the_registers)
{
	struct smmu_target *t = open_opts("sim:virt", "evtq=5");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_unit_status st;
	uint64_t idr1 = raw(t, VIRT_BASE + 0x04, 4);

	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert(!st.owned && !st.translating);
	ck_assert_uint_eq(st.sid_bits, idr1 & 0x3f);
	ck_assert_uint_eq(st.sid_bits, 16);
	ck_assert_uint_eq(st.ssid_bits, (idr1 >> 6) & 0x1f);
	ck_assert_uint_eq(st.ssid_bits, 20);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert(st.owned && st.translating);
	ck_assert_uint_eq(st.fault_slots, 32); /* an event queue as large as IDR1.EVENTQS allows */
	smmu_target_close(t);

	t = open_opts("sim:q35", "nfr=3");
	u = smmu_unit_at(t, 0);
	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert(!st.owned && !st.translating);
	ck_assert_uint_eq(st.sid_bits, 16);
	ck_assert_uint_eq(st.ssid_bits, 0); /* no PASID support offered */
	ck_assert_uint_eq(st.fault_slots, 3);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_unit_status(u, &st), 0);
	ck_assert(st.owned && st.translating);
	smmu_target_close(t);
}
END_TEST

/* --- stream table ---------------------------------------------------------------- */

struct seen {
	unsigned n, l1, ste, stop_at;
	struct smmu_strtab_entry e[600];
	uint64_t words[600][8];
};

static int keep(void *arg, const struct smmu_strtab_entry *e)
{
	struct seen *s = arg;

	if (s->n < 600) {
		s->e[s->n] = *e;
		memcpy(s->words[s->n], e->words, e->nwords * 8);
		s->e[s->n].words = s->words[s->n];
	}
	s->n++;
	if (e->type == SMMU_STRTAB_L1)
		s->l1++;
	else
		s->ste++;
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static const struct smmu_strtab_entry *ste_of(const struct seen *s, uint64_t sid)
{
	for (unsigned i = 0; i < s->n && i < 600; i++)
		if (s->e[i].type == SMMU_STRTAB_STE && s->e[i].index == sid)
			return &s->e[i];
	return NULL;
}

START_TEST(strtab_two_level_as_own_installs_it)
{
	struct smmu_target *t = open_opts("sim:virt", NULL);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *d1, *d2;
	struct smmu_strtab st;
	static struct seen s;

	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "s1", 0, &d1), 0);
	ck_assert_int_eq(smmu_domain_create(t, "s2", SMMU_DOMAIN_STAGE2, &d2), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), d1), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:02.0"), d2), 0);
	ck_assert_int_eq(smmu_map(d2, 0x10000, 0x40100000, 0x1000, SMMU_PROT_R), 0);

	uint64_t base = raw(t, VIRT_BASE + 0x80, 8), scfg = raw(t, VIRT_BASE + 0x88, 4);
	ck_assert_int_eq(smmu_strtab_info(u, &st), 0);
	ck_assert(st.enabled && st.two_level);
	ck_assert_uint_eq(st.base, base & 0xffffffffffffc0ull);
	ck_assert_uint_eq(st.log2size, scfg & 0x3f);
	ck_assert_uint_eq(st.log2size, 16);
	ck_assert_uint_eq(st.split, 8);
	ck_assert_uint_eq(st.l2_bits, 8);
	ck_assert_uint_eq(st.sid_bits, 16);
	ck_assert_uint_eq(st.l1_count, 256);

	/* one level-2 table (StreamIDs 0-255, all valid), its descriptor after its STEs */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), 0);
	ck_assert_uint_eq(s.ste, 256);
	ck_assert_uint_eq(s.l1, 1);
	ck_assert_uint_eq(s.n, 257);
	const struct smmu_strtab_entry *l1 = &s.e[256];
	ck_assert_int_eq(l1->type, SMMU_STRTAB_L1);
	ck_assert_uint_eq(l1->index, 0);
	ck_assert_uint_eq(l1->addr, st.base);
	ck_assert_str_eq(l1->kind, "smmuv3.l1std");
	ck_assert_uint_eq(l1->span, 9);
	ck_assert_uint_eq(l1->words[0] & 0x1f, 9);
	ck_assert_uint_eq(l1->l2_table, l1->words[0] & ~0x3full);
	ck_assert_uint_eq(l1->l2_count, 256);
	ck_assert_int_eq(l1->status, SMMU_PGT_OK);
	ck_assert_int_eq(s.e[0].type, SMMU_STRTAB_STE);
	ck_assert_uint_eq(s.e[0].index, 0);

	/* StreamID 8: stage 1, its CD where the STE says; 0x10: stage 2; 0: abort */
	const struct smmu_strtab_entry *e = ste_of(&s, 8);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->addr, l1->l2_table + 8 * 64);
	ck_assert_str_eq(e->kind, "smmuv3.ste");
	ck_assert_uint_eq(e->nwords, 8);
	ck_assert(e->valid && e->ste.valid && e->ste.s1 && !e->ste.s2);
	ck_assert_uint_eq(e->ste.config, 5);
	ck_assert_str_eq(e->ste.config_name, "S1Trans");
	ck_assert_uint_eq(e->ste.s1_context_ptr, e->words[0] & 0xffffffffffffc0ull);
	ck_assert_uint_ne(e->ste.s1_context_ptr, 0);
	struct smmu_config cfg;
	uint32_t asid;
	uint64_t cd0;
	ck_assert_int_eq(smmu_unit_config(u, &(struct smmu_stream){ 8, false, 0 }, &cfg), 0);
	ck_assert_int_eq(smmu_config_asid(&cfg, &asid), 0);
	ck_assert_int_eq(smmu_mem_read(t, e->ste.s1_context_ptr, &cd0, 8), 0);
	ck_assert_uint_eq(asid, cd0 >> 48);
	ck_assert_uint_ne(asid, 0);
	e = ste_of(&s, 0x10);
	ck_assert_ptr_nonnull(e);
	ck_assert(e->ste.s2 && !e->ste.s1);
	ck_assert_str_eq(e->ste.config_name, "S2Trans");
	ck_assert_uint_eq(e->ste.vmid, e->words[2] & 0xffff);
	ck_assert_uint_ne(e->ste.vmid, 0);
	ck_assert_uint_eq(e->ste.s2ttb, e->words[3] & 0xfffffffffffff0ull);
	ck_assert_uint_ne(e->ste.s2ttb, 0);
	ck_assert_int_eq(smmu_unit_config(u, &(struct smmu_stream){ 0x10, false, 0 }, &cfg), 0);
	ck_assert_int_eq(smmu_config_asid(&cfg, &asid), -ENOENT);
	e = ste_of(&s, 0);
	ck_assert(e->valid && !e->ste.s1 && !e->ste.s2);
	ck_assert_str_eq(e->ste.config_name, "Abort");

	/* invalid entries too: 255 descriptors with Span 0 */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, SMMU_STRTAB_WALK_INVALID, keep, &s), 0);
	ck_assert_uint_eq(s.l1, 256);
	ck_assert_uint_eq(s.ste, 256);
	ck_assert(!s.e[257].valid && s.e[257].span == 0 && s.e[257].index == 1);
	/* the visitor stops the walk */
	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), 7);
	ck_assert_uint_eq(s.n, 3);
	smmu_target_close(t);
}
END_TEST

START_TEST(strtab_written_by_hand)
{
	struct smmu_target *t = open_opts("sim:virt", NULL);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_strtab st;
	static struct seen s;
	const uint64_t tbl = 0x40300000, l2 = 0x40301000;
	uint64_t ste[8] = { 0x9 }; /* V, Config=bypass */

	/* linear, 16 StreamIDs: 1 and 3 bypass */
	ck_assert_int_eq(smmu_mem_write(t, tbl + 1 * 64, ste, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, tbl + 3 * 64, ste, 64), 0);
	reg_set(u, "strtab_base", tbl);
	reg_set(u, "strtab_base_cfg", 4); /* linear, LOG2SIZE 4 */
	ck_assert_int_eq(smmu_strtab_info(u, &st), 0);
	ck_assert(!st.enabled && !st.two_level);
	ck_assert_uint_eq(st.base, tbl);
	ck_assert_uint_eq(st.sid_bits, 4);
	ck_assert_uint_eq(st.l1_count, 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(s.e[0].index == 1 && s.e[0].addr == tbl + 64 && s.e[1].index == 3 && s.e[1].addr == tbl + 192);
	ck_assert_str_eq(s.e[1].ste.config_name, "Bypass");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, SMMU_STRTAB_WALK_INVALID, keep, &s), 0);
	ck_assert_uint_eq(s.ste, 16);
	/* a linear table the machine cannot read */
	reg_set(u, "strtab_base", 0xffff000000);
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), -SMMU_E_NOTRAM);

	/* 2-level, LOG2SIZE 10, SPLIT 8: descriptor 0 -> 2 STEs, 1 has a reserved
	 * Span, 2 points nowhere, 3 -> a table with StreamIDs 0x300 and 0x301 */
	uint64_t l1[4] = { l2 | 2, 0x1f, 0xffff00000000ull | 2, (l2 + 0x1000) | 2 };
	ck_assert_int_eq(smmu_mem_write(t, tbl, l1, sizeof(l1)), 0);
	ck_assert_int_eq(smmu_mem_write(t, l2 + 64, ste, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, l2 + 0x1000, ste, 64), 0);
	ck_assert_int_eq(smmu_mem_write(t, l2 + 0x1040, ste, 64), 0);
	reg_set(u, "strtab_base", tbl);
	reg_set(u, "strtab_base_cfg", 1u << 16 | 8 << 6 | 10);
	reg_set(u, "cr0", 1);
	ck_assert_int_eq(smmu_strtab_info(u, &st), 0);
	ck_assert(st.enabled && st.two_level);
	ck_assert_uint_eq(st.l1_count, 4);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), 0);
	ck_assert_uint_eq(s.ste, 3);
	ck_assert_uint_eq(s.l1, 4);
	ck_assert(s.e[0].type == SMMU_STRTAB_STE && s.e[0].index == 1 && s.e[0].addr == l2 + 64);
	ck_assert(s.e[1].type == SMMU_STRTAB_L1 && s.e[1].index == 0 && s.e[1].l2_count == 2);
	ck_assert(s.e[2].type == SMMU_STRTAB_L1 && s.e[2].index == 1 && s.e[2].span == 31);
	ck_assert_int_eq(s.e[2].status, SMMU_PGT_F_RESERVED);
	ck_assert(s.e[3].type == SMMU_STRTAB_L1 && s.e[3].index == 2 && s.e[3].addr == tbl + 16);
	ck_assert_int_eq(s.e[3].status, SMMU_PGT_F_TABLE_READ);
	ck_assert_int_eq(s.e[3].err, -SMMU_E_NOTRAM);
	ck_assert_uint_eq(s.e[3].l2_table, 0xffff00000000ull);
	ck_assert(s.e[4].index == 0x300 && s.e[4].addr == l2 + 0x1000 && s.e[5].index == 0x301);
	ck_assert(s.e[6].type == SMMU_STRTAB_L1 && s.e[6].index == 3 && s.e[6].status == SMMU_PGT_OK);
	/* a reserved SPLIT behaves as 6 (IHI 0070 SMMU_STRTAB_BASE_CFG), as the
	 * model and the prediction take it (the table's registers are read-only
	 * while SMMUEN=1) */
	reg_set(u, "cr0", 0);
	reg_set(u, "strtab_base_cfg", 1u << 16 | 12 << 6 | 16);
	ck_assert_int_eq(smmu_strtab_info(u, &st), 0);
	ck_assert_uint_eq(st.split, 12);
	ck_assert_uint_eq(st.l2_bits, 6);
	ck_assert_uint_eq(st.l1_count, 1024);
	/* SPLIT 7, LOG2SIZE 10: descriptor 1 covers StreamIDs 64-127, so the
	 * third STE of its table is StreamID 66 (not 258, as SPLIT 8 would have it) */
	uint64_t l1r[4] = { 0, (l2 + 0x2000) | 7, 0, 0 };
	ck_assert_int_eq(smmu_mem_write(t, tbl, l1r, sizeof(l1r)), 0);
	ck_assert_int_eq(smmu_mem_write(t, l2 + 0x2000 + 2 * 64, ste, 64), 0);
	reg_set(u, "strtab_base_cfg", 1u << 16 | 7 << 6 | 10);
	ck_assert_int_eq(smmu_strtab_info(u, &st), 0);
	ck_assert_uint_eq(st.l2_bits, 6);
	ck_assert_uint_eq(st.l1_count, 16);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_strtab_walk(u, 0, keep, &s), 0);
	ck_assert_uint_eq(s.ste, 1);
	ck_assert(s.e[0].type == SMMU_STRTAB_STE && s.e[0].index == 66 && s.e[0].addr == l2 + 0x2000 + 128);
	smmu_target_close(t);
	/* not an SMMUv3 */
	t = open_opts("sim:q35", NULL);
	ck_assert_int_eq(smmu_strtab_info(smmu_unit_at(t, 0), &st), -EOPNOTSUPP);
	smmu_target_close(t);
}
END_TEST

/* --- VT-d root and context tables --------------------------------------------------- */

struct ctx_seen {
	unsigned n, roots, ctxs;
	struct smmu_ctx_entry e[600];
	uint64_t words[600][4];
};

static int keep_ctx(void *arg, const struct smmu_ctx_entry *e)
{
	struct ctx_seen *s = arg;

	if (s->n < 600) {
		s->e[s->n] = *e;
		memcpy(s->words[s->n], e->words, e->nwords * 8);
		s->e[s->n].words = s->words[s->n];
	}
	s->n++;
	if (e->type == SMMU_CTX_ROOT)
		s->roots++;
	else
		s->ctxs++;
	return 0;
}

START_TEST(roottab_legacy_as_own_installs_it)
{
	struct smmu_target *t = open_opts("sim:q35", NULL);
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_domain *dom;
	struct smmu_roottab rt;
	static struct ctx_seen s;

	ck_assert_int_eq(smmu_roottab_info(u, &rt), 0);
	ck_assert(!rt.translating && rt.mode == SMMU_VTD_LEGACY && rt.has_table);
	ck_assert_int_eq(smmu_unit_own(u), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), dom), 0);
	uint64_t rtaddr = raw(t, Q35_BASE + 0x20, 8);
	ck_assert_int_eq(smmu_roottab_info(u, &rt), 0);
	ck_assert(rt.translating && rt.has_table);
	ck_assert_uint_eq(rt.rtaddr, rtaddr);
	ck_assert_uint_eq(rt.table, rtaddr & ~0xfffull);
	ck_assert_str_eq(rt.mode_name, "legacy");

	/* present root entries only: bus 0 */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_roottab_walk(u, 0, 255, 0, keep_ctx, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert(s.e[0].type == SMMU_CTX_ROOT && s.e[0].bus == 0 && s.e[0].present && s.e[0].addr == rt.table);
	ck_assert_str_eq(s.e[0].kind, "vtd.root");
	ck_assert_uint_eq(s.e[0].nwords, 2);
	ck_assert(s.e[0].ctp_present[0] && !s.e[0].ctp_present[1]);
	ck_assert_uint_eq(s.e[0].ctp[0], s.e[0].words[0] & ~0xfffull);
	ck_assert_uint_ne(s.e[0].ctp[0], 0);
	uint64_t ctp = s.e[0].ctp[0];
	/* with context entries: 00:01.0's alone is present (every other context blocks) */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_roottab_walk(u, 0, 255, SMMU_ROOTTAB_WALK_CONTEXT, keep_ctx, &s), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert(s.e[1].type == SMMU_CTX_CONTEXT && s.e[1].bus == 0 && s.e[1].devfn == 8 && s.e[1].present);
	ck_assert_uint_eq(s.e[1].addr, ctp + 8 * 16);
	ck_assert_str_eq(s.e[1].kind, "vtd.ctx");
	uint64_t ce[2];
	ck_assert_int_eq(smmu_mem_read(t, ctp + 8 * 16, ce, 16), 0);
	ck_assert(s.e[1].words[0] == ce[0] && s.e[1].words[1] == ce[1]);
	/* everything: 256 root entries, 256 context entries of bus 0 */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_roottab_walk(u, 0, 255, SMMU_ROOTTAB_WALK_CONTEXT | SMMU_ROOTTAB_WALK_ABSENT,
					   keep_ctx, &s), 0);
	ck_assert_uint_eq(s.roots, 256);
	ck_assert_uint_eq(s.ctxs, 256);
	/* one bus, absent */
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_roottab_walk(u, 5, 5, SMMU_ROOTTAB_WALK_ABSENT, keep_ctx, &s), 0);
	ck_assert(s.n == 1 && s.e[0].bus == 5 && !s.e[0].present && s.e[0].addr == rt.table + 5 * 16);
	ck_assert_int_eq(smmu_roottab_walk(u, 5, 4, 0, keep_ctx, &s), -EINVAL);
	smmu_target_close(t);
}
END_TEST

START_TEST(roottab_scalable_written_by_hand)
{
	struct smmu_target *t = open_opts("sim:q35", "scalable=on");
	struct smmu_unit *u = smmu_unit_at(t, 0);
	struct smmu_roottab rt;
	static struct ctx_seen s;
	const uint64_t root = 0x3000000, lower = 0x3001000, upper = 0x3005000;

	/* bus 0: lower and upper context tables; 00:01.0 (devfn 0x08) and 10:0.1 (0x81) present */
	uint64_t re[2] = { lower | 1, upper | 1 }, ce[4] = { 0x3002009, 0, 0, 0 };
	ck_assert_int_eq(smmu_mem_write(t, root, re, 16), 0);
	ck_assert_int_eq(smmu_mem_write(t, lower + 0x08 * 32, ce, 32), 0);
	ck_assert_int_eq(smmu_mem_write(t, upper + 0x01 * 32, ce, 32), 0);
	/* bus 1: a lower context table the machine cannot read */
	re[0] = 0xfffff000000ull | 1;
	re[1] = 0;
	ck_assert_int_eq(smmu_mem_write(t, root + 16, re, 16), 0);
	reg_set(u, "rtaddr", root | 1 << 10);
	reg_set(u, "gcmd", 1u << 30);
	reg_set(u, "gcmd", 1u << 31);
	ck_assert_int_eq(smmu_roottab_info(u, &rt), 0);
	ck_assert(rt.translating && rt.mode == SMMU_VTD_SCALABLE && rt.has_table && rt.table == root);
	ck_assert_str_eq(rt.mode_name, "scalable");

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(smmu_roottab_walk(u, 0, 255, SMMU_ROOTTAB_WALK_CONTEXT, keep_ctx, &s), 0);
	ck_assert_uint_eq(s.n, 4);
	ck_assert(s.e[0].type == SMMU_CTX_ROOT && s.e[0].bus == 0 && s.e[0].present && !s.e[0].err);
	ck_assert_str_eq(s.e[0].kind, "vtd.sm.root");
	ck_assert(s.e[0].ctp_present[0] && s.e[0].ctp_present[1]);
	ck_assert(s.e[0].ctp[0] == lower && s.e[0].ctp[1] == upper);
	ck_assert(s.e[1].type == SMMU_CTX_CONTEXT && s.e[1].devfn == 0x08 && s.e[1].addr == lower + 0x100);
	ck_assert_str_eq(s.e[1].kind, "vtd.sm.ctx");
	ck_assert_uint_eq(s.e[1].nwords, 4);
	ck_assert_uint_eq(s.e[1].words[0], 0x3002009);
	ck_assert(s.e[2].type == SMMU_CTX_CONTEXT && s.e[2].devfn == 0x81 && s.e[2].addr == upper + 0x20);
	ck_assert(s.e[3].type == SMMU_CTX_ROOT && s.e[3].bus == 1 && s.e[3].present);
	ck_assert_int_eq(s.e[3].err, -SMMU_E_NOTRAM);
	ck_assert(s.e[3].ctp_present[0] && !s.e[3].ctp_present[1]);

	/* the config reader agrees on where 00:01.0's context entry is */
	struct smmu_config cfg;
	ck_assert_int_eq(smmu_unit_config(u, &(struct smmu_stream){ 0x8, false, 0 }, &cfg), 0);
	const struct smmu_cfg_step *c = smmu_config_step(&cfg, SMMU_CS_CONTEXT);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->addr, lower + 0x100);
	ck_assert_ptr_nonnull(smmu_config_step(&cfg, SMMU_CS_ROOT));
	ck_assert_ptr_nonnull(smmu_config_step(&cfg, SMMU_CS_PASID_DIR));
	ck_assert_ptr_null(smmu_config_step(&cfg, SMMU_CS_STE));
	ck_assert_int_eq(smmu_cfg_step_struct(&cfg.step[0]), SMMU_CS_REGISTER);

	/* abort-DMA mode has no root table */
	reg_set(u, "rtaddr", root | 3 << 10);
	reg_set(u, "gcmd", 1u << 31 | 1u << 30);
	ck_assert_int_eq(smmu_roottab_info(u, &rt), 0);
	ck_assert(rt.mode == SMMU_VTD_ABORT_DMA && !rt.has_table);
	ck_assert_str_eq(rt.mode_name, "abort-dma");
	ck_assert_int_eq(smmu_roottab_walk(u, 0, 255, 0, keep_ctx, &s), -ENXIO);
	smmu_target_close(t);
	t = open_opts("sim:virt", NULL);
	ck_assert_int_eq(smmu_roottab_info(smmu_unit_at(t, 0), &rt), -EOPNOTSUPP);
	smmu_target_close(t);
}
END_TEST

START_TEST(names_in_one_place)
{
	ck_assert_str_eq(smmu_cfg_verdict_name(SMMU_CFG_TRANSLATE), "translate");
	ck_assert_str_eq(smmu_cfg_verdict_name(SMMU_CFG_BYPASS), "bypass");
	ck_assert_str_eq(smmu_cfg_verdict_name(SMMU_CFG_ABORT), "abort");
	ck_assert_str_eq(smmu_cfg_verdict_name(SMMU_CFG_FAULT), "fault");
	ck_assert_str_eq(smmu_pgt_fault_id(SMMU_PGT_OK), "ok");
	ck_assert_str_eq(smmu_pgt_fault_id(SMMU_PGT_F_PERM), "permission");
	ck_assert_str_eq(smmu_pgt_fault_id(SMMU_PGT_F_TABLE_READ), "table_read");
	ck_assert_str_eq(smmu_pgt_fault_id(SMMU_PGT_F_MAX), "unknown");
	for (int f = 0; f < SMMU_PGT_F_MAX; f++)
		ck_assert_str_ne(smmu_pgt_fault_id(f), "unknown");

	struct smmu_target *t = open_opts("sim:virt", NULL);
	ck_assert_str_eq(smmu_target_isa(t), "arm64");
	smmu_target_close(t);
	t = open_opts("sim:q35", NULL);
	ck_assert_str_eq(smmu_target_isa(t), "x86-64");
	smmu_target_close(t);
}
END_TEST

Suite *suite_lib_inspect(void);
Suite *suite_lib_inspect(void)
{
	Suite *s = suite_create("lib_inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_test(tc, vtd_registers_by_name);
	tcase_add_test(tc, smmuv3_registers_by_name);
	tcase_add_test(tc, smmuv3_fetch_records_keep_the_input_address_apart);
	tcase_add_test(tc, unit_status_from_the_registers);
	tcase_add_test(tc, strtab_two_level_as_own_installs_it);
	tcase_add_test(tc, strtab_written_by_hand);
	tcase_add_test(tc, roottab_legacy_as_own_installs_it);
	tcase_add_test(tc, roottab_scalable_written_by_hand);
	tcase_add_test(tc, names_in_one_place);
	suite_add_tcase(s, tc);
	return s;
}
