/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: any bytes as a snapshot file (an ELF core) through the reader,
 * then every segment's first and last byte, a few reads across and past
 * segment edges, and every recorded register at both access sizes.  The
 * image is an exactly-sized heap copy, so ASan sees any read past its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smmu_snap s;
	char err[256];
	uint8_t *img = malloc(size ? size : 1), buf[64];
	uint64_t v;

	if (!img)
		return 0;
	memcpy(img, data, size);
	if (!smmu_snap_parse(&s, img, size, err, sizeof(err))) {
		for (size_t i = 0; i < s.nsegs; i++) {
			const struct smmu_snap_seg *g = &s.segs[i];
			smmu_snap_mem(&s, g->pa, buf, g->memsz < sizeof(buf) ? g->memsz : sizeof(buf));
			smmu_snap_mem(&s, g->pa + g->memsz - 1, buf, 1);
			smmu_snap_mem(&s, g->pa + g->memsz - 8, buf, 16); /* across the edge */
			smmu_snap_mem(&s, g->pa - 8, buf, 16);
		}
		for (size_t i = 0; i < s.nregs && i < 4096; i++) {
			smmu_snap_reg(&s, s.regs[i].addr, 4, &v);
			smmu_snap_reg(&s, s.regs[i].addr, 8, &v);
			smmu_snap_reg(&s, s.regs[i].addr + 4, 4, &v);
		}
		for (size_t i = 0; i < s.nfw; i++)
			if (s.fw[i].present)
				v = s.fw[i].data[s.fw[i].present - 1];
		for (size_t i = 0; i < s.npci; i++)
			if (s.pci[i].len)
				v = s.pci[i].data[s.pci[i].len - 1];
		for (size_t i = 0; i < s.nram; i++)
			smmu_snap_mem(&s, s.ram[i][0] + s.ram[i][1] - 1, buf, 1);
		(void)smmu_snap_mem_bytes(&s);
		smmu_snap_free(&s);
	} else if (!err[0] || strchr(err, '\n')) {
		abort(); /* a failure always says why, in one line */
	}
	free(img);
	return 0;
}
