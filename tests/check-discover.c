/* SPDX-License-Identifier: MIT */
/*
 * Discovery from firmware files, without a machine (the `files` target):
 * a device tree written here as .dts (tests/data/linux/board.dts, compiled
 * with dtc at test time) with buses whose ranges move addresses, disabled
 * nodes, a device with several StreamIDs behind an IOMMU with another
 * #iommu-cells, a PCI host with two iommu-map entries, iommu-map-mask,
 * msi-map and a PCI domain; and real ACPI tables (QEMU's, and the
 * hand-built ones in tests/data/acpi) with several DRHDs and IORT named
 * components.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/smmu.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

/* board.dts compiled to a temporary .dtb; the caller unlinks it */
static void compile_board(char *dtb, size_t len)
{
	char cmd[1024];
	int fd;

	snprintf(dtb, len, "/tmp/smmush-board-XXXXXX");
	ck_assert((fd = mkstemp(dtb)) >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s/tests/data/linux/board.dts", dtb, SRCDIR);
	ck_assert_msg(system(cmd) == 0, "dtc failed (apt-get install device-tree-compiler): %s", cmd);
}

static struct smmu_target *open_files(const char *const *opts, size_t n)
{
	struct smmu_target *t;
	char err[256] = "";

	ck_assert_msg(smmu_target_open("files", opts, n, &t, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(smmu_discover(t, err, sizeof(err)) == 0, "%s", err);
	return t;
}

START_TEST(fdt_board)
{
	char dtb[64], opt[96];
	struct smmu_unit_info ui;
	struct smmu_device_info di;
	struct smmu_id_map_info m;

	compile_board(dtb, sizeof(dtb));
	snprintf(opt, sizeof(opt), "fdt=%s", dtb);
	const char *opts[] = { opt };
	struct smmu_target *t = open_files(opts, 1);
	/* the disabled SMMU and the one on a bus without ranges are not units */
	ck_assert_uint_eq(smmu_unit_count(t), 1);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, 0x102000000ull); /* 0x2000000 through soc's ranges */
	ck_assert_str_eq(ui.source, "fdt");
	/* one device: the gpu's IOMMU is disabled, the video's bus is, and so is disabled-dev */
	ck_assert_uint_eq(smmu_device_count(t), 1);
	smmu_device_info(smmu_device_at(t, 0), &di);
	ck_assert_uint_eq(di.mmio_base, 0x103001000ull); /* two buses of ranges */
	ck_assert_uint_eq(di.mmio_size, 0x1000);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	/* after the other IOMMU's two cells: every entry on smmu */
	ck_assert_uint_eq(di.nsids, 3);
	ck_assert_uint_eq(di.sids[0], 0x10);
	ck_assert_uint_eq(di.sids[1], 0x11);
	ck_assert_uint_eq(di.sids[2], 0x12);
	ck_assert_uint_eq(di.sid, 0x10);
	ck_assert_ptr_nonnull(strstr(di.name, "dma@1000"));
	ck_assert_ptr_eq(smmu_device_find_mmio(t, 0x103001800ull), smmu_device_at(t, 0));
	/* the PCI host: two iommu-map entries with the mask, in domain 1, and its msi-map */
	ck_assert_uint_eq(smmu_id_map_count(t), 3);
	ck_assert_int_eq(smmu_id_map_get(t, 0, &m), 0);
	ck_assert_str_eq(m.source, "iommu-map");
	ck_assert_uint_eq(m.segment, 1);
	ck_assert_uint_eq(m.rid_base, 0);
	ck_assert_uint_eq(m.count, 0x100);
	ck_assert_uint_eq(m.rid_mask, 0xfff8);
	ck_assert_uint_eq(m.out_base, 0x100);
	ck_assert_ptr_eq(m.unit, smmu_unit_at(t, 0));
	ck_assert_int_eq(smmu_id_map_get(t, 1, &m), 0);
	ck_assert_uint_eq(m.rid_base, 0x100);
	ck_assert_uint_eq(m.out_base, 0x800);
	ck_assert_int_eq(smmu_id_map_get(t, 2, &m), 0);
	ck_assert_str_eq(m.source, "msi-map");
	ck_assert_ptr_null(m.unit);
	ck_assert_uint_eq(m.count, 0x10000);
	ck_assert_uint_eq(m.rid_mask, 0xffffffffu);
	ck_assert_int_eq(smmu_id_map_get(t, 3, &m), -ENOENT);
	/* no machine behind it */
	uint64_t v;
	ck_assert_int_eq(smmu_mmio_read(t, ui.base, 4, &v), -ENODEV);
	smmu_target_close(t);
	unlink(dtb);
}
END_TEST

START_TEST(fdt_malformed)
{
	char path[] = "/tmp/smmush-bad-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	struct smmu_target *t;
	static const unsigned char junk[64] = { 0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 64 };

	ck_assert(fd >= 0);
	ck_assert(write(fd, junk, sizeof(junk)) == sizeof(junk));
	close(fd);
	char opt[64];
	snprintf(opt, sizeof(opt), "fdt=%s", path);
	const char *opts[] = { opt };
	ck_assert_int_eq(smmu_target_open("files", opts, 1, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(smmu_discover(t, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "fdt: the device tree blob is malformed");
	smmu_target_close(t);
	unlink(path);
	/* a file that is not there: one line naming it */
	const char *none[] = { "acpi=/nonexistent/DMAR" };
	ck_assert_int_eq(smmu_target_open("files", none, 1, &t, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/DMAR"));
	ck_assert_int_eq(smmu_target_open("files", NULL, 0, &t, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(acpi_real_tables)
{
	struct smmu_unit_info ui;
	struct smmu_id_map_info m;
	const char *opts[] = { "acpi=" SRCDIR "/tests/data/linux/IORT.qemu-virt-smmuv3",
			       "acpi=" SRCDIR "/tests/data/linux/DMAR.qemu-q35" };
	struct smmu_target *t = open_files(opts, 2);

	ck_assert_uint_eq(smmu_unit_count(t), 2);
	smmu_unit_info(smmu_unit_at(t, 0), &ui);
	ck_assert_uint_eq(ui.base, 0x9050000);
	smmu_unit_info(smmu_unit_at(t, 1), &ui);
	ck_assert_uint_eq(ui.base, 0xfed90000);
	/* IORT: the root complex's two mappings to the SMMU (the ITS ones are not StreamIDs) */
	ck_assert_int_eq(smmu_id_map_get(t, 1, &m), 0);
	ck_assert_str_eq(m.source, "IORT");
	ck_assert_uint_eq(m.rid_base, 0x1000);
	ck_assert_uint_eq(m.count, 0x100);
	/* DMAR: one endpoint scope each (00:00.0 00:01.0 00:1f.0 00:1f.2 00:1f.3) */
	ck_assert_uint_eq(smmu_id_map_count(t), 7);
	ck_assert_int_eq(smmu_id_map_get(t, 5, &m), 0);
	ck_assert_str_eq(m.source, "DMAR");
	ck_assert_uint_eq(m.rid_base, 0xfa);
	ck_assert_uint_eq(m.count, 1);
	smmu_target_close(t);
}
END_TEST

START_TEST(acpi_named_component_and_drhds)
{
	struct smmu_device_info di;
	struct smmu_id_map_info m;
	const char *opts[] = { "acpi=" SRCDIR "/tests/data/acpi/iort-full.dat", "acpi=" SRCDIR "/tests/data/acpi/dmar-full.dat" };
	struct smmu_target *t = open_files(opts, 2);

	/* iort-full.dat: \_SB.ETH0 maps to the SMMUv3 with StreamID 0x300 */
	ck_assert_uint_eq(smmu_device_count(t), 1);
	smmu_device_info(smmu_device_at(t, 0), &di);
	ck_assert_ptr_nonnull(strstr(di.name, "\\_SB.ETH0"));
	ck_assert_uint_eq(di.nsids, 1);
	ck_assert_uint_eq(di.sid, 0x300);
	ck_assert_ptr_eq(di.unit, smmu_unit_at(t, 0));
	/* iort-full.dat's SMMUv1/v2 node is a unit too (since SMMUv2 support) */
	struct smmu_unit_info ui;
	smmu_unit_info(smmu_unit_at(t, 1), &ui);
	ck_assert_int_eq(ui.arch, SMMU_ARCH_SMMUV2);
	ck_assert_str_eq(ui.source, "IORT");
	/* dmar-full.dat: two DRHDs; the INCLUDE_PCI_ALL one takes the rest of segment 0 */
	ck_assert_uint_eq(smmu_unit_count(t), 4);
	ck_assert_int_eq(smmu_id_map_get(t, smmu_id_map_count(t) - 1, &m), 0);
	ck_assert_str_eq(m.source, "DMAR");
	ck_assert_uint_eq(m.count, 0x10000);
	ck_assert_ptr_eq(m.unit, smmu_unit_at(t, 3));
	smmu_target_close(t);
}
END_TEST

/* Real firmware (tests/data/acpi/README.md): Surface machines' DMARs, whose
 * RMRRs reserve memory for the xHCI controller (00:14.0) and the integrated
 * graphics (00:02.0).  One-element scope paths need no PCI to follow. */
START_TEST(acpi_real_rmrrs)
{
	static const struct {
		const char *file;
		size_t n;
		struct { uint64_t base, size; uint32_t rid, offset; } r[2];
	} tables[] = {
		{ SRCDIR "/tests/data/acpi/real-surface-book-2-DMAR.dat", 2,
		  { { 0x3e2e0000, 0x20000, 0xa0, 0x90 }, { 0x8d000000, 0x2800000, 0x10, 0xb0 } } },
		{ SRCDIR "/tests/data/acpi/real-surface-laptop-studio-1-DMAR.dat", 1, { { 0x83800000, 0x4400000, 0x10, 0x98 } } },
		{ SRCDIR "/tests/data/acpi/real-surface-pro-9-intel-DMAR.dat", 1, { { 0x44000000, 0x4400000, 0x10, 0x80 } } },
	};

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char opt[256];
		snprintf(opt, sizeof(opt), "acpi=%s", tables[i].file);
		const char *opts[] = { opt };
		struct smmu_target *t = open_files(opts, 1);
		struct smmu_reserved_region r;
		char words[96];

		ck_assert_uint_eq(smmu_reserved_count(t), tables[i].n);
		for (size_t k = 0; k < tables[i].n; k++) {
			ck_assert_int_eq(smmu_reserved_get(t, k, &r), 0);
			ck_assert_str_eq(r.source, "RMRR");
			ck_assert(r.pci);
			ck_assert_uint_eq(r.segment, 0);
			ck_assert_uint_eq(r.base, tables[i].r[k].base);
			ck_assert_uint_eq(r.size, tables[i].r[k].size);
			ck_assert_uint_eq(r.rid_first, tables[i].r[k].rid);
			ck_assert_uint_eq(r.rid_last, tables[i].r[k].rid);
			ck_assert_uint_eq(r.fw_offset, tables[i].r[k].offset);
			ck_assert_uint_eq(r.prot, SMMU_PROT_R | SMMU_PROT_W);
			ck_assert_ptr_null(r.dev); /* no PCI to enumerate in firmware files */
			ck_assert(!r.mapped);
		}
		smmu_reserved_words(&r, words, sizeof(words));
		ck_assert_ptr_nonnull(strstr(words, "RMRR 0x"));
		smmu_target_close(t);
	}
}
END_TEST

/* iort-rmr.dat's RMR node: two ranges for StreamID 0x400 of the SMMUv3,
 * remapping permitted, privileged, Normal write-back (flags 0x17). */
START_TEST(acpi_iort_rmr)
{
	const char *opts[] = { "acpi=" SRCDIR "/tests/data/acpi/iort-rmr.dat" };
	struct smmu_target *t = open_files(opts, 1);
	struct smmu_reserved_region r;

	ck_assert_uint_eq(smmu_reserved_count(t), 2);
	ck_assert_int_eq(smmu_reserved_get(t, 1, &r), 0);
	ck_assert_str_eq(r.source, "IORT RMR");
	ck_assert(!r.pci);
	ck_assert_uint_eq(r.base, 0x80100000);
	ck_assert_uint_eq(r.size, 0x20000);
	ck_assert_uint_eq(r.prot, SMMU_PROT_R | SMMU_PROT_W | SMMU_PROT_PRIV);
	ck_assert(r.remap_permitted);
	ck_assert_uint_eq(r.rmr_flags, 0x17);
	ck_assert_str_eq(r.attrs, "Normal Inner/Outer Write-back");
	ck_assert_ptr_eq(r.unit, smmu_unit_at(t, 0));
	ck_assert_uint_eq(r.sid_first, 0x400);
	ck_assert_uint_eq(r.sid_last, 0x400);
	smmu_target_close(t);
}
END_TEST

Suite *suite_discover(void)
{
	Suite *s = suite_create("discover");
	TCase *tc = tcase_create("files");

	tcase_add_test(tc, fdt_board);
	tcase_add_test(tc, fdt_malformed);
	tcase_add_test(tc, acpi_real_tables);
	tcase_add_test(tc, acpi_named_component_and_drhds);
	tcase_add_test(tc, acpi_real_rmrrs);
	tcase_add_test(tc, acpi_iort_rmr);
	suite_add_tcase(s, tc);
	return s;
}
