/* SPDX-License-Identifier: MIT */
/*
 * The IVRS of sim:amd, written from the AMD IOMMU specification's ACPI
 * chapter: IVinfo, then one IVHD of type 10h and one of type 11h describing
 * the same IOMMU (firmware lists both; a driver uses the newest type it
 * knows), each with the same device entries: a Select of the host bridge and
 * of the IOMMU itself, a Start/End range of the DMA test devices, and the
 * IOAPIC as a special device; then the IVMDs -O ivmd= asks for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/sim-internal.h"
#include "backends/sim/sim-amd.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* An IVMD block: header, DeviceID, auxiliary data, reserved, start, length. */
#define IVMD_LEN 32

/* The device entries, the same in both blocks: 4 + 4 + 4 + 4 + 8 bytes. */
#define DEV_LEN 24

static void devs(uint8_t *p, const struct sim_ivrs_desc *d)
{
	p[0] = 0x02; /* Select: the host bridge 00:00.0 */
	put16(p + 1, 0);
	p[4] = 0x02; /* Select: the IOMMU itself */
	put16(p + 5, d->iommu_devid);
	p[8] = 0x03; /* Start */
	put16(p + 9, d->first_dev);
	p[12] = 0x04; /* End */
	put16(p + 13, d->last_dev);
	p[16] = 0x48; /* Special: IOAPIC 0 */
	p[19] = 0xd7; /* INITPass, EIntPass, NMIPass, Lint0Pass, Lint1Pass as firmware sets them */
	p[20] = 0;
	put16(p + 21, d->ioapic_devid);
	p[23] = 1;
}

int sim_ivrs_build(const struct sim_ivrs_desc *d, void **out, size_t *len)
{
	size_t n = 48 + (24 + DEV_LEN) + (40 + DEV_LEN) + d->nivmd * IVMD_LEN;
	uint8_t *t = calloc(1, n), *b;

	if (!t)
		return -ENOMEM;
	sim_acpi_header(t, "IVRS", (uint32_t)n, 2);
	/* IVinfo: EFRSup, PAsize (14:8), VAsize (21:15) */
	put32(t + 36, 1u | (d->pa_bits & 0x7f) << 8 | (d->va_bits & 0x7f) << 15);

	b = t + 48; /* IVHD 10h */
	b[0] = 0x10;
	b[1] = 0x20; /* Coherent */
	put16(b + 2, 24 + DEV_LEN);
	put16(b + 4, d->iommu_devid);
	put16(b + 6, d->cap_offset);
	put64(b + 8, d->base);
	put16(b + 16, 0);
	put16(b + 18, 0);
	/* feature reporting: IASup (5), HATS (31:30) = 2 */
	put32(b + 20, 1u << 5 | 2u << 30);
	devs(b + 24, d);

	b += 24 + DEV_LEN; /* IVHD 11h */
	b[0] = 0x11;
	b[1] = 0x20;
	put16(b + 2, 40 + DEV_LEN);
	put16(b + 4, d->iommu_devid);
	put16(b + 6, d->cap_offset);
	put64(b + 8, d->base);
	put64(b + 24, d->efr);
	devs(b + 40, d);

	b += 40 + DEV_LEN; /* IVMD 21h: one device, unity mapped, IR and IW */
	for (unsigned i = 0; i < d->nivmd; i++, b += IVMD_LEN) {
		b[0] = 0x21;
		b[1] = 0x07;
		put16(b + 2, IVMD_LEN);
		put16(b + 4, (uint16_t)d->ivmd[i].id);
		put64(b + 16, d->ivmd[i].base);
		put64(b + 24, d->ivmd[i].len);
	}

	sim_acpi_checksum(t, n);
	*out = t;
	*len = n;
	return 0;
}
