/* SPDX-License-Identifier: MIT */
/* Intel VT-d descriptors: registers, root/context/PASID structures and
 * invalidation descriptors, expanded from vtd.def (see def.h). */
#include "tables.h"
#include "vtd-fault-reasons.h"

/*
 * Fault reasons (FRCD_REG.FR), from the specification's tables of
 * address-translation and interrupt-remapping fault conditions.  0x00 is
 * reserved.  Scalable-mode reasons (0x30 and up) carry "SM:" as Linux prints
 * them, which also keeps each name distinct from its legacy-mode twin.
 */
const struct smmu_enum vtd_fault_reasons[] = {
	/* legacy mode: root, context and second-level tables (LRT, LCT, LSL, LGN) */
	{ 0x01, "Present bit in root entry is clear" },
	{ 0x02, "Present bit in context entry is clear" },
	{ 0x03, "Invalid context entry" },
	{ 0x04, "Access beyond MGAW" },
	{ 0x05, "PTE write access is not set" },
	{ 0x06, "PTE read access is not set" },
	{ 0x07, "Next page table pointer is invalid" },
	{ 0x08, "Root table address is invalid" },
	{ 0x09, "Context table pointer is invalid" },
	{ 0x0a, "Non-zero reserved field in root entry" },
	{ 0x0b, "Non-zero reserved field in context entry" },
	{ 0x0c, "Non-zero reserved field in second-level paging entry" },
	{ 0x0d, "Translation type in context entry blocks the request" },
	{ 0x0e, "Translated address is in the interrupt address range" },
	/* interrupt remapping */
	{ 0x20, "Reserved field set in interrupt request" },
	{ 0x21, "Interrupt index beyond interrupt remapping table size" },
	{ 0x22, "Present bit in IRTE is clear" },
	{ 0x23, "Error accessing interrupt remapping table" },
	{ 0x24, "Non-zero reserved field in IRTE" },
	{ 0x25, "Compatibility format interrupt blocked" },
	{ 0x26, "Source-id verification failed for interrupt request" },
	{ 0x27, "Error accessing posted interrupt descriptor" },
	{ 0x28, "Non-zero reserved field in posted interrupt descriptor" },
	{ 0x29, "Invalid interrupt request (only untranslated requests without PASID are allowed)" },
	/* scalable mode: root table address (RTA) */
	{ 0x30, "SM: Invalid root table address" },
	{ 0x31, "SM: TTM is legacy for a request with PASID" },
	{ 0x32, "SM: TTM is legacy for a page request" },
	{ 0x33, "SM: Root-table address fault RTA.4" },
	/* scalable-mode root table (SRT) */
	{ 0x38, "SM: Error accessing root entry" },
	{ 0x39, "SM: Present bit in root entry is clear" },
	{ 0x3a, "SM: Non-zero reserved field in root entry" },
	/* scalable-mode context table (SCT) */
	{ 0x40, "SM: Error accessing context entry" },
	{ 0x41, "SM: Present bit in context entry is clear" },
	{ 0x42, "SM: Non-zero reserved field in context entry" },
	{ 0x43, "SM: Invalid context entry" },
	{ 0x44, "SM: DTE clear in context entry for a translation request" },
	{ 0x45, "SM: PASIDE clear in context entry for a request with PASID" },
	{ 0x46, "SM: PASID beyond the PASID directory size in context entry" },
	{ 0x47, "SM: PRE clear in context entry for a page request" },
	{ 0x48, "SM: RID_PASID field error in context entry" },
	/* scalable-mode PASID directory (SPD) */
	{ 0x50, "SM: Error accessing PASID directory entry" },
	{ 0x51, "SM: Present bit in PASID directory entry is clear" },
	{ 0x52, "SM: Non-zero reserved field in PASID directory entry" },
	/* scalable-mode PASID table (SPT) */
	{ 0x58, "SM: Error accessing PASID table entry" },
	{ 0x59, "SM: Present bit in PASID table entry is clear" },
	{ 0x5a, "SM: Non-zero reserved field in PASID table entry" },
	{ 0x5b, "SM: Invalid PASID table entry" },
	{ 0x5c, "SM: ERE clear in PASID table entry for an execute request" },
	{ 0x5d, "SM: SRE clear in PASID table entry for a supervisor request" },
	/* scalable-mode first-level tables (SFL) */
	{ 0x70, "SM: Error accessing first-level paging entry" },
	{ 0x71, "SM: Present bit in first-level paging entry is clear" },
	{ 0x72, "SM: Non-zero reserved field in first-level paging entry" },
	{ 0x73, "SM: Error accessing FL-PML4 entry (FL-PML5 entry with 5-level paging)" },
	{ 0x74, "SM: First-level entry address beyond MGAW in nested translation" },
	{ 0x75, "SM: Read permission error in FL-PML4 entry (FL-PML5 entry) in nested translation" },
	{ 0x76, "SM: No read permission for first-level entry in nested translation" },
	{ 0x77, "SM: No write permission for first-level entry in nested translation" },
	/* scalable-mode second-level tables (SSL) */
	{ 0x78, "SM: Error accessing second-level paging entry" },
	{ 0x79, "SM: Read/write permission error in second-level paging entry" },
	{ 0x7a, "SM: Non-zero reserved field in second-level paging entry" },
	{ 0x7b, "SM: Invalid second-level page table pointer (SLPTPTR)" },
	{ 0x7c, "SM: A/D update needed in second-level entry set up for no-snoop" },
	{ 0x7d, "SM: Second-level table fault SSL.6" },
	/* scalable-mode general (SGN) */
	{ 0x80, "SM: Non-canonical address in first-level translation" },
	{ 0x81, "SM: User request to a supervisor page (U/S clear)" },
	{ 0x82, "SM: No execute permission for request with ER=1" },
	{ 0x83, "SM: Address beyond the remapping hardware limit (HAW)" },
	{ 0x84, "SM: Second-level entry address beyond HAW" },
	{ 0x85, "SM: No write permission for write/AtomicOp request" },
	{ 0x86, "SM: No read permission for read/AtomicOp request" },
	{ 0x87, "SM: Translated address is in the interrupt address range" },
	{ 0x88, "SM: General translation fault SGN.9" },
	{ 0x89, "SM: General translation fault SGN.10" },
	/* scalable-mode first-level, continued */
	{ 0x90, "SM: A/D update needed in first-level entry set up for no-snoop" },
	{ 0x91, "SM: A/D update of first-level entry failed" },
	{ .name = NULL },
};

#define SMMU_DEF "vtd.def"
#include "def-descs.h"
