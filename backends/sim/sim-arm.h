/* SPDX-License-Identifier: MIT */
/* Shared between virt.c and mmu500-machine.c: the Arm boards' firmware
 * pieces (arm-fw.c).  The fdt functions return libfdt's error codes. */
#ifndef SMMU_SIM_ARM_H
#define SMMU_SIM_ARM_H

#include <stddef.h>
#include <stdint.h>

#include "backends/sim/sim.h"

struct sim_machine;

/* Device-tree properties of big-endian cells; "reg" as two address and two
 * size cells. */
int sim_fdt_prop_cells(void *fdt, const char *name, const uint32_t *cells, int n);
int sim_fdt_prop_reg(void *fdt, uint64_t base, uint64_t size);
/* Start a tree in buf (size bytes): the root node of a virt-like board named
 * model, "chosen" and the memory node; the caller adds the rest. */
int sim_fdt_begin(void *buf, size_t size, const char *model, const struct sim_layout *l);
/* Open the generic ECAM host's node with its window, buses, 32-bit memory
 * window (mmio32_size bytes, identity-mapped) and RID -> StreamID identity
 * on the SMMU with phandle smmu_phandle; the caller adds anything else and
 * ends the node. */
int sim_fdt_pcie_begin(void *fdt, const struct sim_layout *l, uint64_t mmio32_size, uint32_t smmu_phandle);
/* Close the root node and the tree begun in fdt, whose errors so far are rc:
 * hand it over in out/len, or free it and return -EINVAL. */
int sim_fdt_finish(void *fdt, int rc, void **out, size_t *len);
/* Write the tree at the layout's fdt_addr in RAM (as QEMU with -bios) and
 * add it as the "fdt" blob; the machine owns blob either way. */
int sim_fw_add_fdt(struct sim_machine *m, const struct sim_layout *l, void *blob, size_t len);

/* IORT (DEN 0049) pieces: a node's common header, and one ID mapping. */
void sim_iort_node(uint8_t *n, uint8_t type, uint16_t len, uint8_t rev, uint32_t nids, uint32_t ids_off);
void sim_iort_map(uint8_t *p, uint32_t in, uint32_t count_minus_1, uint32_t out, uint32_t ref, uint32_t flags);

#endif
