/* SPDX-License-Identifier: MIT */
/*
 * The kernel-log fault parser (lib/kmsg-parse.c), golden: lines in the
 * formats of drivers/iommu/intel/dmar.c (current, 5.x with 0x in the
 * device, 5.x "PASID %x" after the device, 4.x decimal reasons, the 3.x
 * two-line form, interrupt remapping) and arm-smmu-v3.c ("event 0x%02x
 * received:" and four "\t0x%016llx" lines) and amd/iommu.c ("AMD-Vi: Event
 * logged [NAME key=value ...]", printed by the requester's PCI function or
 * by the IOMMU), as /dev/kmsg records, dmesg lines and bare text, each with
 * the record the hardware wrote.  The sample lines were written here in
 * those formats.
 */
#include <check.h>
#include <string.h>

#include "lib/kmsg.h"

static int feed(struct smmu_kmsg_parser *p, const char *line, struct smmu_kmsg_fault *f)
{
	return smmu_kmsg_parse(p, line, strlen(line), f);
}

/* VT-d fault recording register's high qword, built independently */
static uint64_t frcd_hi(uint16_t sid, unsigned reason, int read, int pasid)
{
	uint64_t hi = sid | (uint64_t)reason << 32 | 1ull << 63;
	if (read)
		hi |= 1ull << 62;
	if (pasid >= 0)
		hi |= 1ull << 31 | (uint64_t)pasid << 40;
	return hi;
}

struct vtd_golden {
	const char *line;
	enum smmu_kmsg_kind kind;
	uint64_t lo, hi;
	uint16_t segment;
};

START_TEST(vtd_formats)
{
	const struct vtd_golden g[] = {
		/* 6.x, as measured under QEMU (reference/live-linux.md) */
		{ "DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x200000 [fault reason 0x06] "
		  "PTE Read access is not set",
		  SMMU_KMSG_VTD, 0x200000, frcd_hi(0x0018, 0x06, 1, -1) },
		/* the same as a /dev/kmsg record */
		{ "3,1234,5678901,-;DMAR: [DMA Write NO_PASID] Request device [02:00.1] fault addr 0xfffff000 "
		  "[fault reason 0x05] PTE Write access is not set",
		  SMMU_KMSG_VTD, 0xfffff000, frcd_hi(0x0201, 0x05, 0, -1) },
		/* dmesg with a timestamp; scalable-mode reason */
		{ "[   12.345678] DMAR: [DMA Read PASID 0x1f] Request device [3a:1f.7] fault addr 0x7fff12345000 "
		  "[fault reason 0x59] SM: PASID Table entry is not present",
		  SMMU_KMSG_VTD, 0x7fff12345000, frcd_hi(0x3aff, 0x59, 1, 0x1f) },
		/* 5.x: "0x" before bus and device */
		{ "DMAR: [DMA Read NO_PASID] Request device [0x00:0x02.0] fault addr 0x1000 [fault reason 0x02] "
		  "Present bit in context entry is clear",
		  SMMU_KMSG_VTD, 0x1000, frcd_hi(0x0010, 0x02, 1, -1) },
		/* 5.x early: PASID after the device, reason decimal */
		{ "DMAR: [DMA Write] Request device [00:1f.2] PASID 3 fault addr 7000 [fault reason 05] PTE Write access is not set",
		  SMMU_KMSG_VTD, 0x7000, frcd_hi(0x00fa, 5, 0, 3) },
		/* 4.x: no PASID, address and reason without 0x (reason decimal: 12 is 0x0c) */
		{ "<3>DMAR: [DMA Read] Request device [01:00.0] fault addr 7ffff000 [fault reason 12] non-zero reserved fields in PTE",
		  SMMU_KMSG_VTD, 0x7ffff000, frcd_hi(0x0100, 12, 1, -1) },
		/* a segment in the device */
		{ "DMAR: [DMA Read NO_PASID] Request device [0001:00:03.0] fault addr 0x2000 [fault reason 0x06] x",
		  SMMU_KMSG_VTD, 0x2000, frcd_hi(0x0018, 0x06, 1, -1), 1 },
		/* the page offset is not part of the record */
		{ "DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x200abc [fault reason 0x06] x",
		  SMMU_KMSG_VTD, 0x200000, frcd_hi(0x0018, 0x06, 1, -1) },
		/* interrupt remapping: the index goes to FI[63:48] */
		{ "DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x21 [fault reason 0x22] Present field in the IRTE entry is clear",
		  SMMU_KMSG_VTD_IR, 0x21ull << 48, frcd_hi(0xf0f8, 0x22, 0, -1) },
		{ "DMAR: [INTR-REMAP] Request device [00:02.0] fault index 5 [fault reason 38] Blocked an interrupt request due to source-id verification failure",
		  SMMU_KMSG_VTD_IR, 5ull << 48, frcd_hi(0x0010, 38, 0, -1) },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct smmu_kmsg_parser p;
		struct smmu_kmsg_fault f;
		smmu_kmsg_init(&p);
		ck_assert_msg(feed(&p, g[i].line, &f) == 1, "line %zu not parsed: %s", i, g[i].line);
		ck_assert_int_eq(f.kind, g[i].kind);
		ck_assert_uint_eq(f.nraw, 2);
		ck_assert_msg(f.raw[0] == g[i].lo, "line %zu lo %#llx want %#llx", i, (unsigned long long)f.raw[0],
			      (unsigned long long)g[i].lo);
		ck_assert_msg(f.raw[1] == g[i].hi, "line %zu hi %#llx want %#llx", i, (unsigned long long)f.raw[1],
			      (unsigned long long)g[i].hi);
		ck_assert_uint_eq(f.segment, g[i].segment);
		ck_assert_uint_eq(p.malformed, 0);
	}
}
END_TEST

START_TEST(vtd_kmsg_sequence_number)
{
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	ck_assert_int_eq(feed(&p, "3,98765,1,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x0 "
				  "[fault reason 0x01] Present bit in root entry is clear\n SUBSYSTEM=x\n", &f), 1);
	ck_assert_uint_eq(f.seq, 98765);
	ck_assert_uint_eq(f.raw[1] >> 32 & 0xff, 1);
}
END_TEST

START_TEST(vtd_two_line_form)
{
	/* 3.x: "DMAR:[%s] Request device [..] fault addr %llx \nDMAR:[fault reason %02d] %s" */
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	ck_assert_int_eq(feed(&p, "DMAR:[DMA Read] Request device [00:02.0] fault addr 3f000 ", &f), 0);
	ck_assert_int_eq(feed(&p, "DMAR:[fault reason 06] PTE Read access is not set", &f), 1);
	ck_assert_uint_eq(f.raw[0], 0x3f000);
	ck_assert_uint_eq(f.raw[1], frcd_hi(0x0010, 6, 1, -1));
	/* the second line never comes: counted, and the next line still parses */
	ck_assert_int_eq(feed(&p, "DMAR:[DMA Write] Request device [00:02.0] fault addr 1000 ", &f), 0);
	ck_assert_int_eq(feed(&p, "usb 1-1: new high-speed USB device", &f), 0);
	ck_assert_uint_eq(p.malformed, 1);
}
END_TEST

START_TEST(smmuv3_event)
{
	static const char *const lines[] = {
		"6,500,123,-;arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:",
		"6,501,123,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000001800000010",
		"6,502,123,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000800000000",
		"6,503,123,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000000200000",
		"6,504,123,-;arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000000000000000",
	};
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(feed(&p, lines[i], &f), 0);
	ck_assert_int_eq(feed(&p, lines[4], &f), 1);
	ck_assert_int_eq(f.kind, SMMU_KMSG_SMMUV3);
	ck_assert_str_eq(f.dev, "arm-smmu-v3.0.auto");
	ck_assert_uint_eq(f.nraw, 4);
	ck_assert_uint_eq(f.seq, 500);
	ck_assert_uint_eq(f.raw[0], 0x0000001800000010ull);
	ck_assert_uint_eq(f.raw[1], 0x0000000800000000ull);
	ck_assert_uint_eq(f.raw[2], 0x200000);
	ck_assert_uint_eq(f.raw[3], 0);
	ck_assert_uint_eq(p.malformed, 0);
}
END_TEST

START_TEST(smmuv3_event_dmesg_and_devicetree)
{
	/* dmesg prints the tab; a device-tree SMMU is named by its unit address;
	 * newer kernels print decoded lines after the dwords (ignored) */
	static const char *const lines[] = {
		"[  100.000001] arm-smmu-v3 9050000.smmuv3: event 0x13 received:",
		"[  100.000002] arm-smmu-v3 9050000.smmuv3: \t0x0000000700000013",
		"[  100.000003] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000",
		"[  100.000004] arm-smmu-v3 9050000.smmuv3: \t0x00000000dead0000",
		"[  100.000005] arm-smmu-v3 9050000.smmuv3: \t0x0000000000000000",
		"[  100.000006] arm-smmu-v3 9050000.smmuv3: F_PERMISSION client: 0000:00:01.0 sid: 0x7 ssid: 0x0 iova: 0xdead0000 ipa: 0x0",
	};
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	int got = 0;
	smmu_kmsg_init(&p);
	for (int i = 0; i < 6; i++)
		got += feed(&p, lines[i], &f);
	ck_assert_int_eq(got, 1);
	ck_assert_str_eq(f.dev, "9050000.smmuv3");
	ck_assert_uint_eq(f.raw[0] & 0xff, 0x13);
	ck_assert_uint_eq(f.raw[2], 0xdead0000);
}
END_TEST

START_TEST(smmuv3_event_cut_short)
{
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	ck_assert_int_eq(feed(&p, "arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:", &f), 0);
	ck_assert_int_eq(feed(&p, "arm-smmu-v3 arm-smmu-v3.0.auto: \\x090x0000001800000010", &f), 0);
	/* another device's line in between: the event is dropped and counted */
	ck_assert_int_eq(feed(&p, "DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1000 "
				  "[fault reason 0x06] x", &f), 1);
	ck_assert_int_eq(f.kind, SMMU_KMSG_VTD);
	ck_assert_uint_eq(p.malformed, 1);
	/* a new header restarts; an event whose header disagrees with dword 0 still counts the record */
	ck_assert_int_eq(feed(&p, "arm-smmu-v3 x: event 0x10 received:", &f), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(feed(&p, "arm-smmu-v3 x: \t0x0000000000000011", &f), 0);
	ck_assert_int_eq(feed(&p, "arm-smmu-v3 x: \t0x0", &f), 1);
	ck_assert_uint_eq(f.raw[0], 0x11);
	ck_assert_uint_eq(p.malformed, 2);
}
END_TEST

/* AMD-Vi event log entry, built independently from the specification's
 * layout: DeviceID [15:0], PASID[19:16] [19:16], DomainID/PASID[15:0]
 * [47:32], flags [59:48] (GN at 48 ... TR at 56), EventCode [63:60] */
static uint64_t amd_w0(unsigned code, uint16_t devid, uint32_t dom, unsigned flags)
{
	return devid | (uint64_t)(dom >> 16 & 0xf) << 16 | (uint64_t)(dom & 0xffff) << 32 | (uint64_t)flags << 48 |
	       (uint64_t)code << 60;
}

struct amd_golden {
	const char *line;
	uint64_t w0, w1;
	uint16_t segment;
	const char *dev;
};

START_TEST(amdvi_formats)
{
	const struct amd_golden g[] = {
		/* 6.x, the requester's function printing (pci_err): a read fault */
		{ "3,812,40123456,-;vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0003 "
		  "address=0x200000 flags=0x0000]",
		  amd_w0(2, 0x0018, 3, 0), 0x200000, 0, "" },
		/* a write (RW, flag 5) to a present page without permission (PR 4, PE 6), dmesg */
		{ "[   41.000001] e1000e 0000:3a:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000f "
		  "address=0xfffff000 flags=0x0070]",
		  amd_w0(2, 0x3a00, 0xf, 0x70), 0xfffff000, 0, "" },
		/* no driver data: the kernel names the device, with its segment */
		{ "AMD-Vi: Event logged [IO_PAGE_FAULT device=0001:02:00.1 domain=0x0000 address=0x7f000 flags=0x0020]",
		  amd_w0(2, 0x0201, 0, 0x20), 0x7f000, 1, "" },
		/* older kernels: bus:dev.fn without a segment, address zero-padded */
		{ "<3>AMD-Vi: Event logged [IO_PAGE_FAULT device=00:14.0 domain=0x0001 address=0x00000000fee00000 flags=0x0000]",
		  amd_w0(2, 0x00a0, 1, 0), 0xfee00000, 0, "" },
		/* newer kernels add vflags */
		{ "nvme 0000:01:00.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000e address=0x1000 flags=0x0050 vflags=0x0]",
		  amd_w0(2, 0x0100, 0xe, 0x50), 0x1000, 0, "" },
		/* the IOMMU printing: its name is kept to find the unit */
		{ "iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:06:00.0 pasid=0x00000 "
		  "address=0x135300000 flags=0x0080]",
		  amd_w0(1, 0x0600, 0, 0x80), 0x135300000, 0, "ivhd0" },
		/* a 20-bit PASID: bits 19:16 and 15:0 go to their two places */
		{ "iommu ivhd1: AMD-Vi: Event logged [INVALID_DEVICE_REQUEST device=0000:c1:00.2 pasid=0x12345 "
		  "address=0xdead000 flags=0x0001]",
		  amd_w0(8, 0xc102, 0x12345, 1), 0xdead000, 0, "ivhd1" },
		{ "iommu ivhd0: AMD-Vi: Event logged [DEV_TAB_HARDWARE_ERROR device=0000:00:03.0 address=0x49c8300 "
		  "flags=0x0200]",
		  amd_w0(3, 0x0018, 0, 0x200), 0x49c8300, 0, "ivhd0" },
		{ "iommu ivhd0: AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=0000:00:03.0 pasid=0x0003 "
		  "address=0x5f47000 flags=0x0000]",
		  amd_w0(4, 0x0018, 3, 0), 0x5f47000, 0, "ivhd0" },
		{ "iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x5184ff0]",
		  amd_w0(5, 0, 0, 0), 0x5184ff0, 0, "ivhd0" },
		{ "iommu ivhd0: AMD-Vi: Event logged [COMMAND_HARDWARE_ERROR address=0x5184000 flags=0x0400]",
		  amd_w0(6, 0, 0, 0x400), 0x5184000, 0, "ivhd0" },
		{ "iommu ivhd0: AMD-Vi: Event logged [IOTLB_INV_TIMEOUT device=0000:00:03.0 address=0x5184020]",
		  amd_w0(7, 0x0018, 0, 0), 0x5184020, 0, "ivhd0" },
		/* 4.19: the IOMMU's PCI function prints; device= names the requester,
		 * and PAGE_TAB_HARDWARE_ERROR's PASID is printed as domain= */
		{ "pci 0000:00:00.2: AMD-Vi: Event logged [PAGE_TAB_HARDWARE_ERROR device=00:14.0 domain=0x12345 "
		  "address=0x0000000012340000 flags=0x0000]",
		  amd_w0(4, 0x00a0, 0x12345, 0), 0x12340000, 0, "0000:00:00.2" },
		{ "pci 0000:00:00.2: AMD-Vi: Event logged [ILLEGAL_COMMAND_ERROR address=0x0000000012345670]",
		  amd_w0(5, 0, 0, 0), 0x12345670, 0, "0000:00:00.2" },
		/* a kernel's typo of device= */
		{ "iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY deice=0000:00:03.0 pasid=0x00000 "
		  "address=0x1000 flags=0x0000 vflags=0x0]",
		  amd_w0(1, 0x0018, 0, 0), 0x1000, 0, "ivhd0" },
		/* a code the kernel cannot name: the entry's dwords, no closing bracket */
		{ "iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x00000018 event[1]=0xa0000000 "
		  "event[2]=0x00002000 event[3]=0x00000001",
		  0xa000000000000018ull, 0x100002000ull, 0, "ivhd0" },
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct smmu_kmsg_parser p;
		struct smmu_kmsg_fault f;
		smmu_kmsg_init(&p);
		ck_assert_msg(feed(&p, g[i].line, &f) == 1, "line %zu not parsed: %s", i, g[i].line);
		ck_assert_int_eq(f.kind, SMMU_KMSG_AMDVI);
		ck_assert_uint_eq(f.nraw, 2);
		ck_assert_msg(f.raw[0] == g[i].w0, "line %zu w0 %#llx want %#llx", i, (unsigned long long)f.raw[0],
			      (unsigned long long)g[i].w0);
		ck_assert_msg(f.raw[1] == g[i].w1, "line %zu w1 %#llx want %#llx", i, (unsigned long long)f.raw[1],
			      (unsigned long long)g[i].w1);
		ck_assert_uint_eq(f.segment, g[i].segment);
		ck_assert_str_eq(f.dev, g[i].dev);
		ck_assert_uint_eq(p.malformed, 0);
	}
	/* the kmsg sequence number */
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	ck_assert_int_eq(feed(&p, g[0].line, &f), 1);
	ck_assert_uint_eq(f.seq, 812);
}
END_TEST

START_TEST(amdvi_two_records)
{
	/* older kernels (early 4.19 releases among them) sent the header as a record
	 * of its own, the event in the next one from the same device */
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	ck_assert_int_eq(feed(&p, "3,40,100,-;pci 0000:00:00.2: AMD-Vi: Event logged [", &f), 0);
	ck_assert_int_eq(feed(&p, "3,41,100,-;pci 0000:00:00.2: ILLEGAL_DEV_TABLE_ENTRY device=00:14.0 pasid=0x00000 "
				  "address=0x00000000fee00000 flags=0x0010]", &f), 1);
	ck_assert_int_eq(f.kind, SMMU_KMSG_AMDVI);
	ck_assert_uint_eq(f.seq, 40);
	ck_assert_uint_eq(f.raw[0], amd_w0(1, 0x00a0, 0, 0x10));
	ck_assert_uint_eq(f.raw[1], 0xfee00000);
	ck_assert_str_eq(f.dev, "0000:00:00.2");
	ck_assert_uint_eq(p.malformed, 0);
	/* the rest never comes: counted, and the line is looked at afresh */
	ck_assert_int_eq(feed(&p, "pci 0000:00:00.2: AMD-Vi: Event logged [", &f), 0);
	ck_assert_int_eq(feed(&p, "vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0003 "
				  "address=0x200000 flags=0x0000]", &f), 1);
	ck_assert_uint_eq(f.raw[0], amd_w0(2, 0x0018, 3, 0));
	ck_assert_uint_eq(p.malformed, 1);
}
END_TEST

START_TEST(amdvi_not_faults)
{
	static const char *const lines[] = {
		/* what the driver prints around its events, and at boot */
		"AMD-Vi: DTE[0]: 6190000000000003",
		"iommu ivhd0: AMD-Vi: Control Reg : 0x3f48f",
		"AMD-Vi: Extended features (0x29d3, 0x0): PreF PPR GT IA GA HE",
		"AMD-Vi: Interrupt remapping enabled",
		/* fault-shaped, not rebuilt: counted (a page fault of a device
		 * without a domain, its operands on a second line) */
		"AMD-Vi: Event logged [Device not attached to domain properly]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0003 address=0x200000 flags=0x0000]", /* no device */
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=00:20.0 domain=0x1 address=0x1 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x100000 address=0x1 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x1 address=0x1 flags=0x1000]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x1 address=0x11111111111111111 flags=0x0]",
		"AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=zz]",
		"AMD-Vi: Event logged [SOMETHING_NEW device=0000:00:03.0]",
		"iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x1 event[1]=0x2 event[2]=0x3]",
		"iommu ivhd0: AMD-Vi: Event logged [UNKNOWN event[0]=0x1 event[1]=0x2 event[2]=0x3 event[3]=0x100000000",
	};
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(feed(&p, lines[i], &f) == 0, "line %zu parsed: %s", i, lines[i]);
	ck_assert_uint_eq(p.malformed, 10);
}
END_TEST

START_TEST(not_faults)
{
	static const char *const lines[] = {
		"",
		"DMAR: DRHD: handling fault status reg 2",
		"DMAR: IOMMU enabled",
		"arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit (features 0x00001fef)",
		"arm-smmu-v3 arm-smmu-v3.0.auto: EVTQ overflow detected -- events lost",
		"6,1,2,-;",
		"garbage ] Request device [",
		"[DMA Read NO_PASID] Request device [zz:03.0] fault addr 0x1 [fault reason 0x06] x",
		"[DMA Read NO_PASID] Request device [00:20.0] fault addr 0x1 [fault reason 0x06] x",
		"[DMA Read NO_PASID] Request device [00:03.8] fault addr 0x1 [fault reason 0x06] x",
		"[DMA Read NO_PASID] Request device [00:03.0] fault addr 0x11111111111111111 [fault reason 0x06] x",
		"[DMA Read NO_PASID] Request device [00:03.0] fault addr 0x1 [fault reason 0x106] x",
		"[DMA Peek NO_PASID] Request device [00:03.0] fault addr 0x1 [fault reason 0x06] x",
		"x: event 0x100 received:",
	};
	struct smmu_kmsg_parser p;
	struct smmu_kmsg_fault f;
	smmu_kmsg_init(&p);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(feed(&p, lines[i], &f) == 0, "line %zu parsed: %s", i, lines[i]);
	/* the fault-shaped ones are counted as malformed */
	ck_assert_uint_eq(p.malformed, 7);
	/* no terminator needed; a long line is cut, not overrun */
	char big[SMMU_KMSG_LINE_MAX * 2];
	memset(big, 'A', sizeof(big));
	ck_assert_int_eq(smmu_kmsg_parse(&p, big, sizeof(big), &f), 0);
}
END_TEST

Suite *suite_kmsg(void)
{
	Suite *s = suite_create("kmsg");
	TCase *tc = tcase_create("golden");

	tcase_add_test(tc, vtd_formats);
	tcase_add_test(tc, vtd_kmsg_sequence_number);
	tcase_add_test(tc, vtd_two_line_form);
	tcase_add_test(tc, smmuv3_event);
	tcase_add_test(tc, smmuv3_event_dmesg_and_devicetree);
	tcase_add_test(tc, smmuv3_event_cut_short);
	tcase_add_test(tc, amdvi_formats);
	tcase_add_test(tc, amdvi_two_records);
	tcase_add_test(tc, amdvi_not_faults);
	tcase_add_test(tc, not_faults);
	suite_add_tcase(s, tc);
	return s;
}
