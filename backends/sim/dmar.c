/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for q35: the DMAR (Intel VT-d specification, chapter 8) and
 * the MCFG (PCI Firmware specification).  Little-endian byte layouts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-q35.h"

#define ACPI_HDR_LEN   36
#define DMAR_HDR_LEN   48   /* header, HAW, flags, 10 reserved bytes */
#define DRHD_LEN       16
#define SCOPE_EP_LEN   8    /* one PCI endpoint, path of one (device, function) */
#define RMRR_LEN       24

int sim_dmar_build(const struct sim_dmar_desc *d, void **out, size_t *len)
{
	size_t drhd_len = DRHD_LEN + ((size_t)d->ndevs + !!d->bridge + !!d->switch_port) * SCOPE_EP_LEN;
	size_t total = DMAR_HDR_LEN + drhd_len + (size_t)d->nrmrr * (RMRR_LEN + SCOPE_EP_LEN);
	uint8_t *t, *p;
	unsigned size_log2 = 0;

	if (drhd_len > 0xffff || d->haw < 1)
		return -EINVAL;
	t = calloc(1, total);
	if (!t)
		return -ENOMEM;
	sim_acpi_header(t, "DMAR", (uint32_t)total, 1);
	t[36] = (uint8_t)(d->haw - 1);           /* Host Address Width: N - 1 */
	t[37] = d->intr_remap ? 0x1 : 0x0;       /* INTR_REMAP */
	p = t + DMAR_HDR_LEN;
	sim_put16(p + 0, 0);                         /* type 0: DRHD */
	sim_put16(p + 2, (uint16_t)drhd_len);
	p[4] = 0;                                /* flags: explicit scopes, not INCLUDE_PCI_ALL */
	while ((4096ULL << size_log2) < d->drhd_size)
		size_log2++;
	p[5] = (uint8_t)size_log2;               /* Size: 2^N 4 KiB pages */
	sim_put16(p + 6, 0);                         /* segment */
	sim_put64(p + 8, d->drhd_base);
	p += DRHD_LEN;
	for (unsigned i = 0; i < d->ndevs; i++, p += SCOPE_EP_LEN) {
		p[0] = 1;                        /* PCI endpoint */
		p[1] = SCOPE_EP_LEN;
		p[4] = 0;                        /* enumeration id */
		p[5] = 0;                        /* start bus */
		p[6] = (uint8_t)(d->devs[i] >> 3);
		p[7] = (uint8_t)(d->devs[i] & 7);
	}
	for (int k = 0; k < 2; k++) {
		uint16_t devfn = k ? d->switch_port : d->bridge;
		if (!devfn)
			continue;
		p[0] = 2;                        /* PCI sub-hierarchy */
		p[1] = SCOPE_EP_LEN;
		p[5] = 0;
		p[6] = (uint8_t)(devfn >> 3);
		p[7] = (uint8_t)(devfn & 7);
		p += SCOPE_EP_LEN;
	}
	for (unsigned i = 0; i < d->nrmrr; i++, p += RMRR_LEN + SCOPE_EP_LEN) {
		uint32_t rid = d->rmrr[i].id;
		sim_put16(p + 0, 1);                 /* type 1: RMRR */
		sim_put16(p + 2, RMRR_LEN + SCOPE_EP_LEN);
		sim_put16(p + 6, 0);                 /* segment */
		sim_put64(p + 8, d->rmrr[i].base);
		sim_put64(p + 16, d->rmrr[i].base + d->rmrr[i].len - 1); /* limit: the last byte */
		p[RMRR_LEN + 0] = 1;             /* PCI endpoint */
		p[RMRR_LEN + 1] = SCOPE_EP_LEN;
		p[RMRR_LEN + 5] = (uint8_t)(rid >> 8); /* start bus: the path is the function itself */
		p[RMRR_LEN + 6] = (uint8_t)((rid >> 3) & 0x1f);
		p[RMRR_LEN + 7] = (uint8_t)(rid & 7);
	}
	sim_acpi_checksum(t, total);
	*out = t;
	*len = total;
	return 0;
}

int sim_fw_add_mcfg(struct sim_machine *m, uint64_t ecam_base, uint64_t ecam_size)
{
	size_t total = ACPI_HDR_LEN + 8 + 16;
	uint64_t buses = ecam_size >> 20;
	uint8_t *t;

	if (buses < 1 || buses > 256)
		return -EINVAL;
	t = calloc(1, total);
	if (!t)
		return -ENOMEM;
	sim_acpi_header(t, "MCFG", (uint32_t)total, 1);
	sim_put64(t + 44, ecam_base);
	sim_put16(t + 52, 0);                        /* segment */
	t[54] = 0;                               /* start bus */
	t[55] = (uint8_t)(buses - 1);            /* end bus */
	sim_acpi_checksum(t, total);
	return sim_fw_add(m, "MCFG", t, total);
}
