/* SPDX-License-Identifier: MIT */
/*
 * Golden decodes of AMD-Vi registers, the Device Table Entry, v1 page-table
 * entries, commands, events and interrupt-remapping entries.  Each vector is
 * worked out by hand from the AMD IOMMU specification (#48882) in the comment
 * above it; the values are what QEMU 7.2 reports or what a driver writes.
 */
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

Suite *suite_amdvi(void);

START_TEST(test_efr_qemu)
{
	/*
	 * QEMU 7.2's amd-iommu EFR, as its IVRS type 11h EFR Image reports it:
	 * 0x29d3 = 0010 1001 1101 0011b: PreFSup (0), PPRSup (1), GTSup (4),
	 * IASup (6), GASup (7), HESup (8); HATS (11:10) = 10b: 6 levels;
	 * GATS (13:12) = 10b; XTSup (2), NXSup (3), PCSup (9) clear.
	 */
	const uint64_t w[] = { 0x29d3 };

	expect_field("amdvi.efr", w, "PreFSup", 1);
	expect_field("amdvi.efr", w, "PPRSup", 1);
	expect_field("amdvi.efr", w, "XTSup", 0);
	expect_field("amdvi.efr", w, "NXSup", 0);
	expect_field("amdvi.efr", w, "GTSup", 1);
	expect_field("amdvi.efr", w, "IASup", 1);
	expect_field("amdvi.efr", w, "GASup", 1);
	expect_field("amdvi.efr", w, "HESup", 1);
	expect_field("amdvi.efr", w, "PCSup", 0);
	expect_enum("amdvi.efr", w, "HATS", "6 levels");
	expect_field("amdvi.efr", w, "GATS", 2);
	expect_field("amdvi.efr", w, "PASmax", 0);
	expect_text("amdvi.efr", w, 0, "IASup+");
	ck_assert_uint_eq(decode_warnings("amdvi.efr", w), 0);
	/* the upper bits one at a time: SATSSup 31, USSup 37, MsiCapMmioSup 46,
	 * GIoSup 48, HASup 49, EPHSup 50, AttrFWSup 51, HDSup 52,
	 * InvIotlbTypeSup 54, vIOMMUSup 55, VMGuardIOSup 56, GAUpdateDisSup 61,
	 * ForcePhyDestSup 62, SNPSup 63 */
	static const struct { unsigned bit; const char *name; } up[] = {
		{ 5, "GAPPISup" }, { 31, "SATSSup" }, { 37, "USSup" }, { 46, "MsiCapMmioSup" }, { 48, "GIoSup" },
		{ 49, "HASup" }, { 50, "EPHSup" }, { 51, "AttrFWSup" }, { 52, "HDSup" }, { 54, "InvIotlbTypeSup" },
		{ 55, "vIOMMUSup" }, { 56, "VMGuardIOSup" }, { 61, "GAUpdateDisSup" }, { 62, "ForcePhyDestSup" },
		{ 63, "SNPSup" },
	};
	for (size_t i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		const uint64_t one[] = { 1ull << up[i].bit };
		for (size_t k = 0; k < sizeof(up) / sizeof(up[0]); k++)
			expect_field("amdvi.efr", one, up[k].name, k == i);
	}
	const uint64_t vm[] = { 0xbull << 57 }, pas[] = { 0x13ull << 32 };
	expect_field("amdvi.efr", vm, "VMTableSize", 0xb);
	expect_field("amdvi.efr", pas, "PASmax", 0x13);
}
END_TEST

START_TEST(test_bases)
{
	/* Device table at 0x100000, 2 pages (Size 1: 512 DTEs);
	 * command buffer at 0x104000, 2^8 = 256 entries (ComLen 59:56 = 8);
	 * event log at 0x105000, 2^9 = 512 entries. */
	const uint64_t dtb[] = { 0x100001 }, cmd[] = { 0x0800000000104000ull },
		       evt[] = { 0x0900000000105000ull };

	expect_field("amdvi.devtab_base", dtb, "DevTabBase", 0x100000 >> 12);
	expect_field("amdvi.devtab_base", dtb, "Size", 1);
	expect_text("amdvi.devtab_base", dtb, 0, "Size=2");
	expect_field("amdvi.cmdbuf_base", cmd, "ComBase", 0x104000 >> 12);
	expect_enum("amdvi.cmdbuf_base", cmd, "ComLen", "256 entries");
	expect_field("amdvi.evtlog_base", evt, "EventBase", 0x105000 >> 12);
	expect_enum("amdvi.evtlog_base", evt, "EventLen", "512 entries");
	ck_assert_uint_eq(decode_warnings("amdvi.cmdbuf_base", cmd), 0);
}
END_TEST

START_TEST(test_control_status)
{
	/* Control 0x1425: IommuEn (0), EventLogEn (2), InvTimeOut (7:5) = 1
	 * (1 ms), Coherent (10), CmdBufEn (12). */
	const uint64_t ctl[] = { 0x1425 };
	/* Status 0x19: EventOverflow (0), EventLogRun (3), CmdBufRun (4). */
	const uint64_t st[] = { 0x19 };

	expect_field("amdvi.control", ctl, "IommuEn", 1);
	expect_field("amdvi.control", ctl, "HtTunEn", 0);
	expect_field("amdvi.control", ctl, "EventLogEn", 1);
	expect_enum("amdvi.control", ctl, "InvTimeOut", "1 ms");
	expect_field("amdvi.control", ctl, "Coherent", 1);
	expect_field("amdvi.control", ctl, "CmdBufEn", 1);
	expect_field("amdvi.control", ctl, "PPREn", 0);
	expect_text("amdvi.control", ctl, 0, "IommuEn+");
	expect_text("amdvi.control", ctl, 0, "GTEn-");
	expect_field("amdvi.status", st, "EventOverflow", 1);
	expect_field("amdvi.status", st, "EventLogInt", 0);
	expect_field("amdvi.status", st, "EventLogRun", 1);
	expect_field("amdvi.status", st, "CmdBufRun", 1);
	ck_assert_uint_eq(decode_warnings("amdvi.status", st), 0);
	/* a reserved Status bit (31) set is reported */
	const uint64_t bad[] = { 0x80000000u };
	ck_assert_uint_gt(decode_warnings("amdvi.status", bad), 0);
}
END_TEST

START_TEST(test_excl_heads)
{
	/* Exclusion base 0xa0000 with ExEn and Allow; limit 0xbf000.
	 * Command buffer tail at entry 3: the register holds the byte
	 * offset 0x30, bits 18:4. */
	const uint64_t eb[] = { 0xa0003 }, el[] = { 0xbf000 }, tail[] = { 0x30 };

	expect_field("amdvi.excl_base", eb, "ExEn", 1);
	expect_field("amdvi.excl_base", eb, "Allow", 1);
	expect_field("amdvi.excl_base", eb, "ExclBase", 0xa0000 >> 12);
	expect_field("amdvi.excl_limit", el, "ExclLimit", 0xbf000 >> 12);
	expect_field("amdvi.cmdbuf_tail", tail, "CmdTailPtr", 3);
	expect_field("amdvi.evtlog_head", tail, "EventHdPtr", 3);
}
END_TEST

START_TEST(test_cap_block)
{
	/* A capability header of CapID 0Fh, CapType 3 (18:16), CapRev 1 (23:19)
	 * and EFRSup (27): 0x0f | 3 << 16 | 1 << 19 | 1 << 27 = 0x080b000f. */
	const uint64_t hdr[] = { 0x080b000f };
	/* Range: RngValid, bus 0, devices 00.0 to ff.7 (0xff). */
	const uint64_t rng[] = { 0xff000080 };
	/* Misc 0: PAsize 48 (14:8), VAsize 64 (21:15), GVAsize 2 (7:5). */
	const uint64_t misc[] = { (64u << 15) | (48u << 8) | (2u << 5) };

	expect_field("amdvi.cap.header", hdr, "CapID", 0xf);
	expect_field("amdvi.cap.header", hdr, "CapType", 3);
	expect_field("amdvi.cap.header", hdr, "CapRev", 1);
	expect_field("amdvi.cap.header", hdr, "EFRSup", 1);
	expect_field("amdvi.cap.header", hdr, "NpCache", 0);
	expect_field("amdvi.cap.range", rng, "RngValid", 1);
	expect_field("amdvi.cap.range", rng, "FirstDevice", 0);
	expect_field("amdvi.cap.range", rng, "LastDevice", 0xff);
	expect_field("amdvi.cap.misc0", misc, "PAsize", 48);
	expect_field("amdvi.cap.misc0", misc, "VAsize", 64);
	expect_field("amdvi.cap.misc0", misc, "GVAsize", 2);
}
END_TEST

START_TEST(test_dte)
{
	/*
	 * A translating DTE as a driver writes it: V (0), TV (1), Mode (11:9) = 3,
	 * page table root 0x12345000, IR (61), IW (62):
	 *   qword 0 = 0x12345000 | 3 << 9 | 3 | 3 << 61 = 0x6000000012345603
	 * domain 5; SysMgt (41:40) = 0; qword 1 = 5
	 * interrupt remapping: IV (0), IntTabLen (4:1) = 9 (512 entries), table at
	 * 0xabcd00, IntCtl (61:60) = 2 (remapped):
	 *   qword 2 = 1 | 9 << 1 | 0xabcd00 | 2 << 60 = 0x2000000000abcd13
	 */
	const uint64_t w[] = { 0x6000000012345603ull, 5, 0x2000000000abcd13ull, 0 };

	expect_field("amdvi.dte", w, "V", 1);
	expect_field("amdvi.dte", w, "TV", 1);
	expect_enum("amdvi.dte", w, "Mode", "3 levels");
	expect_field("amdvi.dte", w, "PageTableRootPtr", 0x12345000 >> 12);
	expect_field("amdvi.dte", w, "IR", 1);
	expect_field("amdvi.dte", w, "IW", 1);
	expect_field("amdvi.dte", w, "GV", 0);
	expect_field("amdvi.dte", w, "DomainID", 5);
	expect_field("amdvi.dte", w, "EX", 0);
	expect_enum("amdvi.dte", w, "SysMgt", "blocked");
	expect_field("amdvi.dte", w, "IV", 1);
	expect_enum("amdvi.dte", w, "IntTabLen", "512 entries");
	expect_field("amdvi.dte", w, "IntTableRootPtr", 0xabcd00 >> 6);
	expect_enum("amdvi.dte", w, "IntCtl", "remapped");
	expect_text("amdvi.dte", w, 0, "Mode=3 levels");
	expect_text("amdvi.dte", w, 0, "PageTableRootPtr=0x12345000");
	ck_assert_uint_eq(decode_warnings("amdvi.dte", w), 0);
	/* bit 63 of qword 0 and qword 3 are reserved */
	const uint64_t bad[] = { 0x8000000000000003ull, 0, 0, 1 };
	ck_assert_uint_eq(decode_warnings("amdvi.dte", bad), 2);
}
END_TEST

START_TEST(test_pte)
{
	/* A 4 KiB leaf: PR, NextLevel 0, page 0x80000000, IR, IW. */
	const uint64_t leaf[] = { 0x6000000080000001ull };
	/* A PDE of a level-3 table pointing to a level-2 table at 0x5000:
	 * NextLevel (11:9) = 2: 0x400. */
	const uint64_t pde[] = { 0x6000000000005401ull };
	/* A 2 MiB page in a level-1 table: NextLevel 7, address 0x40000000 with
	 * bits 19:12 set and bit 20 clear (the size is 2^(20+1)). */
	const uint64_t big[] = { 0x60000000400ffe01ull };

	ck_assert_str_eq(smmu_desc_resolve(want_desc("amdvi.pte"), leaf, NULL)->kind, "amdvi.pte.leaf");
	ck_assert_str_eq(smmu_desc_resolve(want_desc("amdvi.pte"), pde, NULL)->kind, "amdvi.pde");
	expect_field("amdvi.pte", leaf, "PR", 1);
	expect_enum("amdvi.pte", leaf, "NextLevel", "leaf");
	expect_field("amdvi.pte", leaf, "Address", 0x80000000 >> 12);
	expect_field("amdvi.pte", leaf, "IR", 1);
	expect_field("amdvi.pte", leaf, "IW", 1);
	expect_field("amdvi.pte", leaf, "FC", 0);
	expect_enum("amdvi.pte", pde, "NextLevel", "level 2");
	expect_field("amdvi.pte", pde, "Address", 0x5000 >> 12);
	expect_enum("amdvi.pte", big, "NextLevel", "leaf, size in address");
	expect_field("amdvi.pte", big, "Address", 0x400ff000 >> 12);
	ck_assert_uint_eq(decode_warnings("amdvi.pte", leaf), 0);
	ck_assert_uint_eq(decode_warnings("amdvi.pte", pde), 0);
	/* a PDE's bits 60:52 are reserved */
	const uint64_t bad[] = { 0x6010000000005401ull };
	ck_assert_uint_eq(decode_warnings("amdvi.pte", bad), 1);
}
END_TEST

START_TEST(test_commands)
{
	/* COMPLETION_WAIT: opcode 1 (63:60), S, store to 0x1000, data 0xdeadbeef. */
	const uint64_t cw[] = { 0x1000000000001001ull, 0xdeadbeef };
	/* INVALIDATE_IOMMU_PAGES of all of domain 5 (as Linux builds it): opcode 3,
	 * DomainID (47:32) = 5; S and PDE, Address 0x7ffffffffffff000. */
	const uint64_t ip[] = { 0x3000000500000000ull, 0x7ffffffffffff003ull };
	/* INVALIDATE_DEVTAB_ENTRY of DeviceID 0x10; INVALIDATE_IOMMU_ALL. */
	const uint64_t id[] = { 0x2000000000000010ull, 0 }, ia[] = { 0x8000000000000000ull, 0 };
	/* INVALIDATE_IOTLB_PAGES of 00:01.0, queue depth 32. */
	const uint64_t it[] = { 0x4000000820000008ull, 0x0000000012345000ull };

	expect_enum("amdvi.command", cw, "Opcode", "COMPLETION_WAIT");
	expect_field("amdvi.command", cw, "S", 1);
	expect_field("amdvi.command", cw, "I", 0);
	expect_field("amdvi.command", cw, "StoreAddress", 0x1000 >> 3);
	expect_field("amdvi.command", cw, "StoreData", 0xdeadbeef);
	expect_enum("amdvi.command", ip, "Opcode", "INVALIDATE_IOMMU_PAGES");
	expect_field("amdvi.command", ip, "DomainID", 5);
	expect_field("amdvi.command", ip, "S", 1);
	expect_field("amdvi.command", ip, "PDE", 1);
	expect_field("amdvi.command", ip, "Address", 0x7ffffffffffff000ull >> 12);
	expect_field("amdvi.command", id, "DeviceID", 0x10);
	expect_enum("amdvi.command", ia, "Opcode", "INVALIDATE_IOMMU_ALL");
	expect_field("amdvi.command", it, "DeviceID", 8);
	expect_field("amdvi.command", it, "Maxpend", 32);
	expect_field("amdvi.command", it, "QueueID", 8);
	expect_field("amdvi.command", it, "Address", 0x12345000 >> 12);
	/* with PASID 0xab12 (GN): bits 15:8 in 23:16, bits 7:0 in 55:48 */
	const uint64_t itp[] = { 0x4012000820ab0008ull, 0x0000000012345004ull };
	expect_field("amdvi.command", itp, "PASID_15_8", 0xab);
	expect_field("amdvi.command", itp, "PASID_7_0", 0x12);
	expect_field("amdvi.command", itp, "Maxpend", 32);
	expect_field("amdvi.command", itp, "GN", 1);
	ck_assert_uint_eq(decode_warnings("amdvi.command", cw), 0);
	ck_assert_uint_eq(decode_warnings("amdvi.command", ip), 0);
	/* an unknown opcode (0xf) falls back to the generic layout with a warning */
	const uint64_t bad[] = { 0xf000000000000000ull, 0 };
	bool matched = true;
	smmu_desc_resolve(want_desc("amdvi.command"), bad, &matched);
	ck_assert(!matched);
}
END_TEST

START_TEST(test_events)
{
	/* IO_PAGE_FAULT: event code 2 (63:60), DeviceID 0x0008 (00:01.0), domain 5
	 * (47:32), RW (53): a write; address 0xdead000. */
	const uint64_t pf[] = { 0x2020000500000008ull, 0xdead000 };
	/* ILLEGAL_DEV_TABLE_ENTRY of 00:02.0 (DeviceID 0x10), RZ (55), a read. */
	const uint64_t il[] = { 0x1080000000000010ull, 0x1000 };
	/* ILLEGAL_COMMAND_ERROR: the command at 0x104030. */
	const uint64_t ic[] = { 0x5000000000000000ull, 0x104030 };

	expect_enum("amdvi.evt", pf, "EventCode", "IO_PAGE_FAULT");
	expect_field("amdvi.evt", pf, "DeviceID", 8);
	expect_field("amdvi.evt", pf, "DomainID", 5);
	expect_field("amdvi.evt", pf, "RW", 1);
	expect_field("amdvi.evt", pf, "PR", 0);
	expect_field("amdvi.evt", pf, "PE", 0);
	expect_field("amdvi.evt", pf, "Address", 0xdead000);
	expect_text("amdvi.evt", pf, 0, "RW+");
	expect_enum("amdvi.evt", il, "EventCode", "ILLEGAL_DEV_TABLE_ENTRY");
	expect_field("amdvi.evt", il, "DeviceID", 0x10);
	expect_field("amdvi.evt", il, "RZ", 1);
	expect_field("amdvi.evt", il, "RW", 0);
	expect_enum("amdvi.evt", ic, "EventCode", "ILLEGAL_COMMAND_ERROR");
	expect_field("amdvi.evt", ic, "Address", 0x104030 >> 4);
	ck_assert_uint_eq(decode_warnings("amdvi.evt", pf), 0);
	ck_assert_uint_eq(decode_warnings("amdvi.evt", il), 0);
	/* IO_PAGE_FAULT flags 59:48 one at a time (GN 48, NX 49, US 50, I 51,
	 * PR 52, RW 53, PE 54, RZ 55, TR 56), PASID 0x5a5a5 split 19:16 and 47:32 */
	static const char *const flags[] = { "GN", "NX", "US", "I", "PR", "RW", "PE", "RZ", "TR" };
	for (unsigned b = 0; b < 9; b++) {
		const uint64_t e[] = { 0x2000000000000008ull | 1ull << (48 + b), 0 };
		for (unsigned k = 0; k < 9; k++)
			expect_field("amdvi.evt", e, flags[k], k == b);
	}
	const uint64_t gp[] = { 0x2001a5a500050008ull, 0x1000 };
	expect_field("amdvi.evt", gp, "GN", 1);
	expect_field("amdvi.evt", gp, "PASID_19_16", 5);
	expect_field("amdvi.evt", gp, "DomainID", 0xa5a5);
	/* event codes 0Dh and 0Eh (SNP's RMP checks) have names */
	const uint64_t rmp[] = { 0xd000000000000000ull, 0 }, rhw[] = { 0xe000000000000000ull, 0 };
	expect_enum("amdvi.evt", rmp, "EventCode", "RMP_PAGE_FAULT");
	expect_enum("amdvi.evt", rhw, "EventCode", "RMP_HW_ERROR");
}
END_TEST

START_TEST(test_irte)
{
	/* RemapEn, fixed, physical, destination APIC 1, vector 0x30. */
	const uint64_t w[] = { 0x00300101 };
	const uint64_t w128[] = { 0x0000000000000101ull, 0x0200000000000030ull };

	expect_field("amdvi.irte", w, "RemapEn", 1);
	expect_enum("amdvi.irte", w, "IntType", "fixed");
	expect_field("amdvi.irte", w, "DM", 0);
	expect_field("amdvi.irte", w, "Destination", 1);
	expect_field("amdvi.irte", w, "Vector", 0x30);
	ck_assert_uint_eq(decode_warnings("amdvi.irte", w), 0);
	expect_field("amdvi.irte128", w128, "Vector", 0x30);
	expect_field("amdvi.irte128", w128, "Destination", 1);
	expect_field("amdvi.irte128", w128, "Destination_31_24", 2);
}
END_TEST

Suite *suite_amdvi(void)
{
	Suite *s = suite_create("amdvi");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_efr_qemu);
	tcase_add_test(tc, test_bases);
	tcase_add_test(tc, test_control_status);
	tcase_add_test(tc, test_excl_heads);
	tcase_add_test(tc, test_cap_block);
	tcase_add_test(tc, test_dte);
	tcase_add_test(tc, test_pte);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_irte);
	suite_add_tcase(s, tc);
	return s;
}
