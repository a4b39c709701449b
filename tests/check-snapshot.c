/* SPDX-License-Identifier: MIT */
/*
 * Snapshots through the library: a capture of a domain with mappings on both
 * sim platforms, opened again as a target, lists the same mappings and reads
 * the same registers; writes fail with SMMU_E_READONLY; the reader's edges
 * (memory across and past segments, registers composed from other access
 * sizes, a core with no segments) and its refusals, each with a reason.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decoders/decode.h"
#include "lib/smmu.h"
#include "lib/snapshot.h"

static struct smmu_target *open_t(const char *spec)
{
	struct smmu_target *t;
	char err[512] = "";

	ck_assert_msg(smmu_target_open(spec, NULL, 0, &t, err, sizeof(err)) == 0, "%s: %s", spec, err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s: discover: %s", spec, err);
	return t;
}

struct list {
	struct smmu_pgt_range r[64];
	size_t n;
};

static int collect(void *arg, const struct smmu_pgt_range *r)
{
	struct list *l = arg;

	ck_assert_uint_lt(l->n, 64);
	l->r[l->n++] = *r;
	return 0;
}

static void list_dev(struct smmu_target *t, struct list *l)
{
	struct smmu_device *d = smmu_device_find(t, "00:01.0");
	struct smmu_device_info di;
	struct smmu_pgt_walk_stats st;

	ck_assert_ptr_nonnull(d);
	smmu_device_info(d, &di);
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(smmu_list(di.unit, &(struct smmu_stream){ .sid = di.sid }, 0, 0, collect, l, &st), 0);
}

static void round_trip(const char *spec, uint64_t pa)
{
	char path[] = "/tmp/check-snapshot-XXXXXX";
	int fd = mkstemp(path);
	struct smmu_target *t = open_t(spec), *s;
	struct smmu_domain *dom;
	struct smmu_snapshot_report rep;
	struct list a, b;
	char sspec[64];

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(t, 0)), 0);
	ck_assert_int_eq(smmu_domain_create(t, "d", 0, &dom), 0);
	ck_assert_int_eq(smmu_device_attach(smmu_device_find(t, "00:01.0"), dom), 0);
	ck_assert_int_eq(smmu_map(dom, 0x10000, pa, 0x3000, SMMU_PROT_R | SMMU_PROT_W), 0);
	ck_assert_int_eq(smmu_map(dom, 0x400000, pa + 0x200000, 0x200000, SMMU_PROT_R), 0);
	ck_assert_int_eq(smmu_snapshot_save(t, path, 0, "check", NULL, NULL, &rep), 0);
	ck_assert_uint_eq(rep.warnings, 0);
	ck_assert_uint_eq(rep.units, 1);
	ck_assert_uint_ge(rep.walks, 1);
	ck_assert_uint_ge(rep.registers, 16); /* AMD-Vi has 16 */
	ck_assert_uint_eq(rep.memory_bytes % 4096, 0);
	ck_assert_uint_le(rep.file_bytes, rep.memory_bytes + 64 * 1024);
	list_dev(t, &a);

	snprintf(sspec, sizeof(sspec), "snapshot:%s", path);
	s = open_t(sspec);
	ck_assert(smmu_target_read_only(s));
	ck_assert(!smmu_target_read_only(t));
	ck_assert_uint_eq(smmu_unit_count(s), smmu_unit_count(t));
	ck_assert_uint_eq(smmu_device_count(s), smmu_device_count(t));
	list_dev(s, &b);
	ck_assert_uint_eq(a.n, b.n);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_mem_eq(a.r, b.r, a.n * sizeof(a.r[0]));
	/* every register as the live unit reads it */
	struct smmu_reg ra, rb;
	for (size_t i = 0; !smmu_reg_at(smmu_unit_at(t, 0), i, &ra); i++) {
		ck_assert_int_eq(smmu_reg_at(smmu_unit_at(s, 0), i, &rb), 0);
		ck_assert_uint_eq(ra.offset, rb.offset);
		ck_assert_uint_eq(ra.count, rb.count);
		for (unsigned k = 0; k < ra.count; k++) {
			uint64_t wa[8], wb[8];
			ck_assert_int_eq(smmu_reg_read(smmu_unit_at(t, 0), &ra, k, wa), 0);
			ck_assert_int_eq(smmu_reg_read(smmu_unit_at(s, 0), &rb, k, wb), 0);
			ck_assert_mem_eq(wa, wb, ra.desc->nwords * sizeof(wa[0]));
		}
	}
	/* where RAM is, as the live backend said (audit and "not RAM" need it) */
	uint64_t rama[8][2], ramb[8][2];
	int na = smmu_target_ram(t, rama, 8);
	ck_assert_int_gt(na, 0);
	ck_assert_int_eq(smmu_target_ram(s, ramb, 8), na);
	ck_assert_mem_eq(rama, ramb, (size_t)na * sizeof(rama[0]));
	/* refused, with the one error that says why */
	uint64_t v = 0;
	ck_assert_int_eq(smmu_mem_write(s, pa, &v, 8), -SMMU_E_READONLY);
	struct smmu_unit_info ui;
	smmu_unit_info(smmu_unit_at(s, 0), &ui);
	ck_assert_int_eq(smmu_mmio_write(s, ui.base, 4, 0), -SMMU_E_READONLY);
	ck_assert_int_eq(smmu_unit_own(smmu_unit_at(s, 0)), -SMMU_E_READONLY);
	ck_assert_str_eq(smmu_strerror(-SMMU_E_READONLY), "snapshot targets are read-only");
	smmu_target_close(s);
	smmu_target_close(t);
	unlink(path);
}

START_TEST(round_trip_virt)
{
	round_trip("sim:virt", 0x48000000);
}
END_TEST

START_TEST(round_trip_q35)
{
	round_trip("sim:q35", 0x08000000);
}
END_TEST

/* SMMUv2: registers only (stream matching, context banks) and the banks' tables */
START_TEST(round_trip_mmu500)
{
	round_trip("sim:mmu500", 0x48000000);
}
END_TEST

/* AMD-Vi: the device table, v1 tables, command buffer and event log */
START_TEST(round_trip_amd)
{
	round_trip("sim:amd", 0x08000000);
}
END_TEST

/* A core with two segments [0x1000, 0x3000) and [0x3000, 0x3800) (the second
 * 0x400 bytes in the file, the rest zeros) and, when regs, a register note. */
static size_t make_core(uint8_t *b, size_t cap, bool regs)
{
	size_t nph = 3, off = 64 + 56 * nph, n;
	uint8_t note[12 + 8 + 16 + 3 * 16];

	memset(b, 0, cap);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	snap_wr16(b + 16, ET_CORE);
	snap_wr64(b + 32, 64);
	snap_wr16(b + 54, 56);
	snap_wr16(b + 56, (uint16_t)nph);
	/* the note: a register file of unit 0x1000000 */
	memset(note, 0, sizeof(note));
	snap_wr32(note, 7);
	snap_wr32(note + 4, 16 + 3 * 16);
	snap_wr32(note + 8, SMMU_SNAP_NT_REGS);
	memcpy(note + 12, "SMMUSH", 7);
	uint8_t *d = note + 20;
	snap_wr64(d, 0x1000000);
	snap_wr32(d + 8, 3);
	snap_wr32(d + 12, 16);
	snap_wr32(d + 16, 0x20), d[20] = 4, snap_wr64(d + 24, 0x11111111);
	snap_wr32(d + 32, 0x24), d[36] = 4, snap_wr64(d + 40, 0x22222222);
	snap_wr32(d + 48, 0x80), d[52] = 8, snap_wr64(d + 56, 0x3333333344444444ull);
	n = regs ? sizeof(note) : 0;
	uint8_t *ph = b + 64;
	snap_wr32(ph, PT_NOTE), snap_wr64(ph + 8, off), snap_wr64(ph + 32, n);
	memcpy(b + off, note, n);
	off += n;
	ph += 56;
	snap_wr32(ph, PT_LOAD), snap_wr64(ph + 8, off), snap_wr64(ph + 24, 0x1000), snap_wr64(ph + 32, 0x2000),
		snap_wr64(ph + 40, 0x2000);
	for (size_t i = 0; i < 0x2000; i++)
		b[off + i] = (uint8_t)(i / 16);
	off += 0x2000;
	ph += 56;
	snap_wr32(ph, PT_LOAD), snap_wr64(ph + 8, off), snap_wr64(ph + 24, 0x3000), snap_wr64(ph + 32, 0x400),
		snap_wr64(ph + 40, 0x800);
	memset(b + off, 0xab, 0x400);
	off += 0x400;
	ck_assert_uint_le(off, cap);
	return off;
}

START_TEST(reader_edges)
{
	static uint8_t b[16384];
	size_t len = make_core(b, sizeof(b), true);
	struct smmu_snap s;
	char err[256];
	uint8_t out[32];
	uint64_t v;

	ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), 0);
	ck_assert(s.ours == false); /* no header note: a foreign core */
	ck_assert_uint_eq(s.nsegs, 2);
	ck_assert_uint_eq(smmu_snap_mem_bytes(&s), 0x2800);
	/* across the two segments */
	ck_assert_int_eq(smmu_snap_mem(&s, 0x2ff0, out, 32), 0);
	ck_assert_uint_eq(out[0], (0x1ff0 / 16) & 0xff);
	ck_assert_uint_eq(out[16], 0xab);
	/* past filesz: zeros; past memsz: refused */
	ck_assert_int_eq(smmu_snap_mem(&s, 0x37f0, out, 16), 0);
	ck_assert_uint_eq(out[15], 0);
	ck_assert_int_eq(smmu_snap_mem(&s, 0x37f0, out, 17), -EFAULT);
	ck_assert_int_eq(smmu_snap_mem(&s, 0xff8, out, 16), -EFAULT);
	ck_assert_int_eq(smmu_snap_mem(&s, UINT64_MAX - 3, out, 8), -EFAULT);
	/* registers at the size recorded, and composed */
	ck_assert_int_eq(smmu_snap_reg(&s, 0x1000020, 4, &v), 0);
	ck_assert_uint_eq(v, 0x11111111);
	ck_assert_int_eq(smmu_snap_reg(&s, 0x1000020, 8, &v), 0);
	ck_assert_uint_eq(v, 0x2222222211111111ull);
	ck_assert_int_eq(smmu_snap_reg(&s, 0x1000084, 4, &v), 0);
	ck_assert_uint_eq(v, 0x33333333);
	ck_assert_int_eq(smmu_snap_reg(&s, 0x1000028, 4, &v), -ENXIO);
	smmu_snap_free(&s);

	/* no segments, no notes: valid and empty */
	len = make_core(b, sizeof(b), false);
	snap_wr16(b + 56, 0);
	ck_assert_int_eq(smmu_snap_parse(&s, b, 64, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.nsegs, 0);
	ck_assert_int_eq(smmu_snap_mem(&s, 0, out, 1), -EFAULT);
	smmu_snap_free(&s);
}
END_TEST

START_TEST(reader_refusals)
{
	static uint8_t b[16384];
	struct smmu_snap s;
	char err[256];
	size_t len;
	static const struct {
		size_t at;
		unsigned size;
		uint64_t value;
		const char *says;
	} cases[] = {
		{ 16, 2, ET_EXEC, "not an ELF core" },
		{ 56, 2, 0xfff0, "program headers" },                 /* e_phnum claims 65520 */
		{ 0, 0, 0, "bytes in the file but" },                /* a segment's filesz beyond memsz */
		{ 64 + 56 + 8, 8, 1ull << 40, "run past the end" },  /* the note's offset */
		{ 64 + 112 + 24, 8, UINT64_MAX - 0x3ff, "wraps" },  /* a segment wrapping the address space */
		{ 64 + 112 + 32, 8, 10ull << 30, "run past the end" }, /* a 10 GiB segment in a 16 KiB file */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = make_core(b, sizeof(b), true);
		if (i == 2) {
			snap_wr64(b + 64 + 112 + 32, 0x3000);
		} else if (i == 5) {
			snap_wr64(b + cases[i].at, cases[i].value);
			snap_wr64(b + cases[i].at + 8, cases[i].value);
		} else if (cases[i].size == 2) {
			snap_wr16(b + cases[i].at, (uint16_t)cases[i].value);
		} else {
			snap_wr64(b + cases[i].at, cases[i].value);
		}
		err[0] = '\0';
		ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), -SMMU_E_PARSE);
		ck_assert_msg(strstr(err, cases[i].says), "case %zu: %s", i, err);
		ck_assert_ptr_null(strchr(err, '\n'));
	}
	/* a register record with a bad access size */
	len = make_core(b, sizeof(b), true);
	b[64 + 56 * 3 + 20 + 16 + 4] = 3;
	ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), -SMMU_E_PARSE);
	ck_assert_msg(strstr(err, "access size 3"), "%s", err);
	/* a note claiming more records than it holds */
	len = make_core(b, sizeof(b), true);
	snap_wr32(b + 64 + 56 * 3 + 20 + 8, 1000);
	ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), -SMMU_E_PARSE);
	ck_assert_msg(strstr(err, "do not fit"), "%s", err);
	/* RAM notes: more ranges than the note holds, an empty range, a wrapping one */
	static const struct {
		uint32_t count;
		uint64_t base, size;
		const char *says;
	} rams[] = {
		{ 4, 0, 0x1000, "4 ranges in 64 bytes" },
		{ 1, 0x1000, 0, "is empty or wraps" },
		{ 1, UINT64_MAX - 0xfff, 0x2000, "is empty or wraps" },
	};
	for (size_t i = 0; i < sizeof(rams) / sizeof(rams[0]); i++) {
		len = make_core(b, sizeof(b), true);
		uint8_t *d = b + 64 + 56 * 3 + 20;
		snap_wr32(d - 12, SMMU_SNAP_NT_RAM);
		snap_wr32(d, rams[i].count);
		snap_wr64(d + 8, rams[i].base);
		snap_wr64(d + 16, rams[i].size);
		ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), -SMMU_E_PARSE);
		ck_assert_msg(strstr(err, rams[i].says), "RAM case %zu: %s", i, err);
	}
	/* a good one: three ranges */
	len = make_core(b, sizeof(b), true);
	{
		uint8_t *d = b + 64 + 56 * 3 + 20;
		snap_wr32(d - 12, SMMU_SNAP_NT_RAM);
		snap_wr32(d, 3);
		for (int k = 0; k < 3; k++)
			snap_wr64(d + 8 + 16 * k, 0x1000ull << k), snap_wr64(d + 16 + 16 * k, 0x1000);
		ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), 0);
		ck_assert(s.has_ram);
		ck_assert_uint_eq(s.nram, 3);
		ck_assert_uint_eq(s.ram[2][0], 0x4000);
		smmu_snap_free(&s);
	}
	/* truncated anywhere: an error or a valid smaller file, never a crash (ASan checks) */
	len = make_core(b, sizeof(b), true);
	for (size_t cut = 0; cut < len; cut += 7) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, b, cut);
		if (!smmu_snap_parse(&s, copy, cut, err, sizeof(err)))
			smmu_snap_free(&s);
		free(copy);
	}
}
END_TEST

/* The BARS note: sizes per function and BAR, 0 or absent unknown; too short refused. */
START_TEST(reader_bars)
{
	static uint8_t b[16384];
	const size_t note = 64 + 56 * 3, desc = note + 20;
	struct smmu_snap s;
	char err[256];
	uint64_t size;
	size_t len = make_core(b, sizeof(b), true);

	snap_wr32(b + note + 8, SMMU_SNAP_NT_BARS);
	memset(b + desc, 0, 64);
	snap_wr16(b + desc + 2, 0x0008);
	snap_wr64(b + desc + 8, 0x100000);      /* BAR0 */
	snap_wr64(b + desc + 8 + 16, 0x4000);   /* BAR2 */
	ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 0, 8, 0, &size), 0);
	ck_assert_uint_eq(size, 0x100000);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 0, 8, 2, &size), 0);
	ck_assert_uint_eq(size, 0x4000);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 0, 8, 1, &size), -ENOENT);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 0, 8, 6, &size), -ENOENT);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 0, 9, 0, &size), -ENOENT);
	ck_assert_int_eq(smmu_snap_bar_size(&s, 1, 8, 0, &size), -ENOENT);
	smmu_snap_free(&s);
	snap_wr32(b + note + 4, 20); /* descsz: shorter than a record */
	ck_assert_int_eq(smmu_snap_parse(&s, b, len, err, sizeof(err)), -SMMU_E_PARSE);
	ck_assert_msg(strstr(err, "BAR sizes note of 20 bytes"), "%s", err);
}
END_TEST

Suite *suite_lib_snapshot(void);
Suite *suite_lib_snapshot(void)
{
	Suite *s = suite_create("lib_snapshot");
	TCase *tc = tcase_create("snapshot");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, round_trip_virt);
	tcase_add_test(tc, round_trip_q35);
	tcase_add_test(tc, round_trip_mmu500);
	tcase_add_test(tc, round_trip_amd);
	tcase_add_test(tc, reader_edges);
	tcase_add_test(tc, reader_refusals);
	tcase_add_test(tc, reader_bars);
	suite_add_tcase(s, tc);
	return s;
}
