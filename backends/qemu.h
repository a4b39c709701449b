/* SPDX-License-Identifier: MIT */
/*
 * Internal to the qemu backend: the state one QEMU connection shares between
 * backends/qemu.c (starting, attaching, stopping QEMU; the ops table) and
 * backends/qemu-firmware.c (what firmware would do: the halting firmware
 * image, PCI configuration and BAR assignment, the virt device tree, q35's
 * fw_cfg, ACPI tables and the DMAR fallback).
 */
#ifndef SMMU_BACKENDS_QEMU_H
#define SMMU_BACKENDS_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backends/qemu-qtest.h"

enum plat { VIRT, Q35, AMD }; /* AMD: q35 with QEMU's amd-iommu */

/* One ACPI table inside etc/acpi/tables, as the table loader checksums it. */
struct acpi_entry {
	uint32_t start, len, cksum;
};

struct qemu_be {
	uint32_t magic;
	enum plat plat;
	struct qtest q;
	pid_t pid;              /* 0: attached, not ours to stop */
	char dir[96];           /* our temporary directory while QEMU starts ("" once it runs, or attached) */
	int logfd;              /* QEMU's log, open for reading once its file is removed (-1: none) */
	char gone[200];         /* why the machine went away, once it has */
	char sock[128];         /* socket=PATH, when attached */
	char instance[64];      /* attached: "qemu pid N start T" ("": unknown), for the journal */
	uint64_t ram_base, ram_size; /* the RAM range the table region tops */
	uint64_t ram[4][2];     /* every RAM range ([base, size]), from the fdt or e820 */
	unsigned nram;          /* 0: ram_base/ram_size is all there is */
	uint64_t tables_size;
	uint64_t ecam;          /* 0: q35 without ECAM, use ports 0xcf8/0xcfc */
	unsigned ecam_buses;
	uint64_t win_base, win_end; /* 32-bit PCI memory window for BARs */
	unsigned nedu, bars_assigned;
	uint64_t start_ns;      /* from fork to QEMU's first answer */
	uint64_t epoch_ns;      /* host monotonic time at the target's start: fault times count from it */
	/* q35: etc/acpi/tables (the part holding tables) and its loader's checksums */
	uint8_t *acpi;
	size_t acpi_len;
	struct acpi_entry *acpi_tab;
	size_t nacpi;
	bool dmar_synth;        /* fw_cfg failed: the DMAR is made up (see fw_table) */
	/* virt: the device tree, read once (QEMU pads it to 1 MiB: 16 commands) */
	void *fdt;
	size_t fdt_len;
	char desc[640];
};

/* --- backends/qemu-firmware.c ------------------------------------------------------ */

/* PCI configuration space: ECAM when there is one, else ports 0xcf8/0xcfc. */
int qemu_pci_read(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
int qemu_pci_write(struct qemu_be *be, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
/* Gives unassigned memory BARs on bus 0 an address; turns on memory decoding. */
int qemu_assign_bars(struct qemu_be *be, char *err, size_t errlen);
/* RAM, ECAM, the PCI window and the firmware tables, once QEMU answers. */
int qemu_setup_virt(struct qemu_be *be, char *err, size_t errlen);
int qemu_setup_q35(struct qemu_be *be, char *err, size_t errlen);
/* q35: a checksummed copy of the ACPI table SIG (malloc'd); -ENOENT if none. */
int qemu_acpi_table(struct qemu_be *be, const char *sig, void **data, size_t *len);
/* q35 without usable fw_cfg: the DMAR QEMU 7.2 would have built. */
int qemu_synth_dmar(struct qemu_be *be, void **data, size_t *len);
/* Writes the firmware image that only halts, for -bios. */
int qemu_write_firmware(const struct qemu_be *be, const char *path);

#endif
