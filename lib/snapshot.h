/* SPDX-License-Identifier: MIT */
/*
 * Snapshots: a machine's IOMMU state in one ELF core file (see README.md,
 * "Snapshot file format").  The reader (snapshot.c) turns a file image into
 * the tables below, checking every size and offset first; the snapshot
 * backend (backends/snapshot.c) serves a target from them; the writer
 * (snapshot-capture.c) makes one from any target.
 */
#ifndef SMMU_SNAPSHOT_H
#define SMMU_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/backend.h"
#include "lib/smmu.h"

#define SMMU_SNAP_VERSION 1
#define SMMU_SNAP_OWNER "SMMUSH" /* note owner (namesz 7 with the NUL) */

/* Note types (owner "SMMUSH"): "SM" in the high half, so no tool mistakes
 * them for the CORE owner's NT_PRSTATUS and friends. */
enum smmu_snap_note {
	SMMU_SNAP_NT_HEADER = 0x534d0001,  /* format version, times, strings */
	SMMU_SNAP_NT_UNIT = 0x534d0002,    /* one per unit */
	SMMU_SNAP_NT_REGS = 0x534d0003,    /* one per unit: its register file */
	SMMU_SNAP_NT_FW = 0x534d0004,      /* one per firmware table */
	SMMU_SNAP_NT_PCI = 0x534d0005,     /* one per PCI function: configuration space */
	SMMU_SNAP_NT_DEVICE = 0x534d0006,  /* one per device */
	SMMU_SNAP_NT_FAULTS = 0x534d0007,  /* totals and kept fault records */
	SMMU_SNAP_NT_WARNING = 0x534d0008, /* one per warning the capture gave */
	SMMU_SNAP_NT_RAM = 0x534d0009,     /* where the machine's RAM is (backend ram_ranges) */
	SMMU_SNAP_NT_BARS = 0x534d000a,    /* one per PCI function whose BAR sizes the source knew */
};

/* Fixed layouts (little-endian; offsets in bytes). */
#define SMMU_SNAP_HEADER_FIXED 24 /* u32 version, u32 flags, u64 time, u64 clock */
#define SMMU_SNAP_UNIT_FIXED 16   /* u32 index, u32 arch, u64 base */
#define SMMU_SNAP_REGS_FIXED 16   /* u64 unit base, u32 count, u32 record size */
#define SMMU_SNAP_REG_SIZE 16     /* u32 offset, u8 size, u8 flags, u16 0, u64 value */
#define SMMU_SNAP_FW_FIXED 16     /* char name[8], u32 length, u32 bytes present (the rest: zeros) */
#define SMMU_SNAP_MAX_FW (64u << 20) /* bytes one firmware table may claim */
#define SMMU_SNAP_PCI_FIXED 8     /* u16 segment, u16 bdf, u32 length */
#define SMMU_SNAP_DEVICE_FIXED 48
#define SMMU_SNAP_BARS_SIZE 56    /* u16 segment, u16 bdf, u32 0, 6 x u64 size (0: none or unknown) */
#define SMMU_SNAP_FAULTS_FIXED 48 /* 5 x u64 totals, u32 count, u32 record size */
#define SMMU_SNAP_FAULT_SIZE 160
#define SMMU_SNAP_RAM_FIXED 8     /* u32 count, u32 0; then count x (u64 base, u64 size) */
#define SMMU_SNAP_MAX_RAM 64      /* ranges kept */

enum { SMMU_SNAP_F_RAM = 1 << 0, SMMU_SNAP_F_INCOMPLETE = 1 << 1 }; /* header flags */
enum { SMMU_SNAP_REG_FAILED = 1 << 0 };                             /* register record flags */

#define SMMU_SNAP_MAX_SEGMENTS (1u << 16)
#define SMMU_SNAP_MAX_NOTES (1u << 20)
#define SMMU_SNAP_MAX_NOTE_BYTES (256u << 20) /* all note segments together */

struct smmu_snap_seg {
	uint64_t pa, memsz, filesz;
	uint64_t off; /* filesz bytes at this file offset; the rest of memsz reads as zeros */
};
struct smmu_snap_reg {
	uint64_t addr; /* unit base + offset */
	uint64_t value;
	uint8_t size, flags;
};
struct smmu_snap_unit {
	uint32_t arch;
	uint64_t base;
	char name[40], source[16];
};
struct smmu_snap_blob {
	char name[16];   /* firmware table name; PCI: unused */
	uint16_t bdf;    /* PCI */
	const uint8_t *data;
	size_t len;     /* the table's length */
	size_t present; /* bytes at data; the rest of len reads as zeros */
};
struct smmu_snap_bars {
	uint16_t seg, bdf;
	uint64_t size[6];
};
struct smmu_snap_fault {
	struct smmu_fault f;  /* unit and dev NULL; names point into the snapshot */
	uint64_t unit_base;
	char code_name[48], raw_kind[24];
};

/* A file, parsed.  Notes are copied in (blobs point into those copies);
 * memory is read from the file when asked for. */
struct smmu_snap {
	/* the file: mapped (map), or read with pread (fd: /proc/kcore, pipes) */
	const uint8_t *map;
	uint64_t size;
	int fd;
	bool mapped, owns_map;
	uint8_t **notebufs;
	size_t nnotebufs;

	bool ours;           /* written by smmush (has a HEADER note) */
	uint16_t e_machine;
	uint32_t version, flags;
	uint64_t time_ns, clock_ns;
	char smmush_version[32], spec[128], describe[160], method[96], note[256];
	struct smmu_snap_seg *segs;   /* by address, disjoint */
	size_t nsegs;
	size_t skipped;               /* foreign cores: segments without a physical address */
	struct smmu_snap_reg *regs;   /* by address */
	size_t nregs;
	struct smmu_snap_unit *units;
	size_t nunits;
	struct smmu_snap_blob *fw, *pci;
	size_t nfw, npci;
	struct smmu_snap_bars *bars;  /* BAR sizes (sizing writes a BAR: the source asked its model or kernel) */
	size_t nbars;
	size_t ndevices;
	bool has_faults;
	struct smmu_fault_totals totals;
	struct smmu_snap_fault *faults;
	size_t nfaults;
	char **warnings;
	size_t nwarnings;
	uint64_t ram[SMMU_SNAP_MAX_RAM][2]; /* RAM ranges (base, size), from the RAM note */
	size_t nram;
	bool has_ram;
};

/* Parse len bytes at buf (kept: it must outlive s), or a file (mapped, or
 * read as needed when it cannot be).  -SMMU_E_PARSE (err says what is
 * wrong, in one line), -errno; nothing to free then. */
int smmu_snap_parse(struct smmu_snap *s, const void *buf, size_t len, char *err, size_t errlen);
int smmu_snap_open(struct smmu_snap *s, const char *path, char *err, size_t errlen);
void smmu_snap_free(struct smmu_snap *s);
/* len bytes at pa: -EFAULT unless every byte is in a segment. */
int smmu_snap_mem(const struct smmu_snap *s, uint64_t pa, void *buf, size_t len);
/* A register at an absolute address, size 4 or 8, composed from the recorded
 * accesses; -ENXIO when it was not recorded, -EIO when its read had failed. */
int smmu_snap_reg(const struct smmu_snap *s, uint64_t addr, unsigned size, uint64_t *v);
/* A BAR's size as recorded: -ENOENT when the snapshot does not know it. */
int smmu_snap_bar_size(const struct smmu_snap *s, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size);
/* Total bytes in segments. */
uint64_t smmu_snap_mem_bytes(const struct smmu_snap *s);

/* --- the snapshot backend's state, shared with the library's restore hooks --- */
struct smmu_snap_be {
	struct smmu_snap snap;      /* the file: memory (and registers, unless regs=) */
	struct smmu_snap regs_snap; /* -O regs=FILE: the companion */
	bool has_regs_snap;
	/* -O smmuv3=/vtd=: units and register values given by hand (opt.regs) */
	struct smmu_snap_unit opt_units[16];
	size_t nopt_units;
	struct smmu_snap opt;
	struct smmu_snap_blob opt_pci[64]; /* -O pci= */
	uint8_t opt_pci_cfg[64][64];
	size_t nopt_pci;
	bool faults_restored;
	char path[4096];
	char desc[320];
};
extern const struct smmu_backend_ops smmu_backend_snapshot;

/* The snapshot whose registers, units, firmware tables and PCI space count. */
const struct smmu_snap *smmu_snap_be_meta(const struct smmu_snap_be *be);

/* Library hooks (discover.c): on a snapshot target, add the recorded units
 * before firmware discovery, and put the recorded fault records back after. */
int smmu_snapshot_restore_units(struct smmu_target *t);
void smmu_snapshot_restore_faults(struct smmu_target *t);

/* Little-endian access for the reader, writer and fuzz harness. */
static inline uint16_t snap_rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t snap_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t snap_rd64(const uint8_t *p) { return snap_rd32(p) | (uint64_t)snap_rd32(p + 4) << 32; }
static inline void snap_wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void snap_wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline void snap_wr64(uint8_t *p, uint64_t v)
{
	snap_wr32(p, (uint32_t)v);
	snap_wr32(p + 4, (uint32_t)(v >> 32));
}

#endif
