/* SPDX-License-Identifier: MIT */
/* Shared between vtd.c, dmar.c and q35.c: the q35 platform's VT-d pieces. */
#ifndef SMMU_SIM_Q35_H
#define SMMU_SIM_Q35_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sim/sim.h"

struct sim_machine;

/* Size of the VT-d register frame with nfr fault recording registers
 * (4 KiB, or 8 KiB when the records do not fit). */
uint64_t sim_vtd_frame_size(unsigned nfr);
/* Host address width the unit implements (what DMAR reports, minus one). */
unsigned sim_vtd_haw(unsigned aw);

struct sim_dmar_desc {
	uint64_t drhd_base;      /* register frame */
	uint64_t drhd_size;      /* bytes, a power of two >= 4 KiB */
	unsigned haw;            /* host address width in bits */
	bool intr_remap;         /* ECAP.IR: DMAR flags bit 0 */
	const uint16_t *devs;    /* bus 0 devfns covered by the DRHD */
	unsigned ndevs;
	uint16_t bridge;         /* bus 0 devfn of a bridge whose sub-hierarchy it covers (0: none) */
	uint16_t switch_port;    /* bus 0 devfn of a switch's upstream port, the same (0: none) */
	const struct sim_resv *rmrr; /* RMRRs, one endpoint scope each (id: the requester ID) */
	unsigned nrmrr;
};
/* Build an ACPI DMAR table (malloc'd) describing one DRHD with explicit
 * endpoint scopes, and the RMRRs. */
int sim_dmar_build(const struct sim_dmar_desc *d, void **out, size_t *len);

#endif
