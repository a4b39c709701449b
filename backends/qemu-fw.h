/* SPDX-License-Identifier: MIT */
/*
 * What smmush does in place of firmware on a QEMU machine whose firmware
 * only halts (backends/qemu.c), for other backends that reach such a
 * machine another way (backends/gdb.c: QEMU's gdbstub).
 */
#ifndef SMMU_QEMU_FW_H
#define SMMU_QEMU_FW_H

#include <stddef.h>
#include <stdint.h>

/* PCI configuration access, segment 0, as the backend ops have it */
struct qemu_fw_pci {
	void *ctx;
	int (*read)(void *ctx, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
	int (*write)(void *ctx, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
};

/* Gives every unassigned memory BAR on bus 0 an address in
 * [win_base, win_end) and turns on memory decoding; *assigned counts them. */
int qemu_fw_assign_bars(const struct qemu_fw_pci *pci, uint64_t win_base, uint64_t win_end,
			unsigned *assigned, char *err, size_t errlen);

#endif
