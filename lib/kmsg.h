/* SPDX-License-Identifier: MIT */
/*
 * IOMMU fault reports in the Linux kernel log.  While the kernel drives a
 * unit, fault records never stay in its registers: the kernel's driver
 * drains them and prints them.  kmsg-parse.c turns those lines back into
 * the records the hardware wrote (pure: no I/O, fuzzed on its own);
 * kmsg.c feeds them to the fault monitor like any other fault source.
 *
 * Formats understood (drivers/iommu/intel/dmar.c, arm-smmu-v3.c, amd/iommu.c):
 *   DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x200000 [fault reason 0x06] text
 *   DMAR: [DMA Write PASID 0x5] Request device [0x00:0x03.0] fault addr 0x... [fault reason 0x..] text
 *   DMAR: [DMA Read] Request device [00:03.0] PASID 5 fault addr 1000 [fault reason 06] text   (5.x)
 *   DMAR: [DMA Read] Request device [00:03.0] fault addr 1000 [fault reason 06] text          (4.x)
 *   DMAR:[DMA Read] Request device [00:03.0] fault addr 1000 \n DMAR:[fault reason 06] text  (3.x)
 *   DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x21 [fault reason 0x22] text
 *   arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:   then four "\t0x%016llx" lines
 *   vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0003 address=0x200000 flags=0x0000]
 *   AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x0003 address=0x... flags=0x0020]
 *   iommu ivhd0: AMD-Vi: Event logged [ILLEGAL_DEV_TABLE_ENTRY device=0000:06:00.0 pasid=0x00000 ...]
 *     (and the other event names; older kernels print device=bb:dd.f, newer ones add " vflags=";
 *     "UNKNOWN event[0]=0x... event[3]=0x..." for codes the kernel cannot name)
 *   pci 0000:00:00.2: AMD-Vi: Event logged [   then   pci 0000:00:00.2: NAME key=value ...]  (older kernels)
 * each as a /dev/kmsg record ("6,1234,5678,-;text", non-printable bytes
 * escaped as \xNN), a dmesg line ("[   12.345678] text") or bare text.
 * Reasons written "0x.." are hex; older kernels' "%02d" is decimal.
 */
#ifndef SMMU_KMSG_H
#define SMMU_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMMU_KMSG_LINE_MAX 2048 /* longer lines are cut (a kmsg record is at most ~1 KiB) */

enum smmu_kmsg_kind {
	SMMU_KMSG_VTD = 1,    /* a DMA remapping fault: raw[] is a fault recording register */
	SMMU_KMSG_VTD_IR,     /* an interrupt remapping fault: raw[] likewise (FI = index << 48) */
	SMMU_KMSG_SMMUV3,     /* an SMMUv3 event: raw[] is the 32-byte record */
	SMMU_KMSG_AMDVI,      /* an AMD-Vi event: raw[] is the 16-byte event log entry */
};

struct smmu_kmsg_fault {
	enum smmu_kmsg_kind kind;
	char dev[64];         /* SMMUv3: the kernel's name of the SMMU ("arm-smmu-v3.0.auto");
			       * AMD-Vi: the IOMMU's when it printed the line ("ivhd0"), else "" */
	uint16_t segment;     /* VT-d, AMD-Vi: the PCI segment when the line names one, else 0 */
	uint64_t seq;         /* the kmsg sequence number of the first line (0 if none) */
	uint64_t raw[4];      /* the record as the hardware wrote it */
	unsigned nraw;        /* 2 (VT-d, AMD-Vi) or 4 (SMMUv3) */
};

/* State between lines: an SMMUv3 event's dwords and the two-line VT-d
 * format come in several records. */
struct smmu_kmsg_parser {
	enum { KMSG_IDLE, KMSG_SMMUV3, KMSG_VTD_REASON, KMSG_AMDVI_REST } state;
	char dev[64];         /* the pending event's printing device */
	char prefix[128];     /* the pending event's line prefix, to match its dwords */
	size_t prefix_len;
	struct smmu_kmsg_fault pending;
	unsigned id;          /* the EventID the header line named */
	uint64_t malformed;   /* fault lines that did not parse, events cut short */
};

void smmu_kmsg_init(struct smmu_kmsg_parser *p);
/* Feed one line (no trailing newline needed; at most SMMU_KMSG_LINE_MAX bytes
 * are looked at).  Returns 1 when *out holds a complete fault, 0 otherwise. */
int smmu_kmsg_parse(struct smmu_kmsg_parser *p, const char *line, size_t len,
		    struct smmu_kmsg_fault *out);

#endif
