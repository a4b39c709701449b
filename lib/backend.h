/* SPDX-License-Identifier: MIT */
/*
 * How bytes reach a machine.  One const ops table per backend, listed
 * explicitly in target.c (like pciutils' access methods); each backend
 * declares its own parameters so `smmush --target-help` can list them.
 * Remote backends move whole pages per mem_read/mem_write call.
 */
#ifndef SMMU_BACKEND_H
#define SMMU_BACKEND_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

struct smmu_backend_kunit;

struct smmu_backend_param {
	const char *name;  /* -O name=value */
	const char *def;   /* default, as text */
	const char *help;
};

struct smmu_backend_ops {
	const char *name;     /* "sim", "qemu", "devmem", "snapshot" */
	const char *help;     /* one line */
	const char *variants; /* "virt|q35": what may follow "name:" */
	const struct smmu_backend_param *params; /* terminated by .name == NULL */

	/* variant may be NULL (the backend's default).  opts are "key=value"
	 * strings already checked against params.  On failure, err holds one
	 * line saying why. */
	int (*open)(const char *variant, const char *const *opts, size_t nopts, void **priv,
		    char *err, size_t errlen);
	void (*close)(void *priv);

	/* physical memory as a CPU sees it */
	int (*mem_read)(void *priv, uint64_t pa, void *buf, size_t len);
	int (*mem_write)(void *priv, uint64_t pa, const void *buf, size_t len);
	/* optional: a number that moves whenever anyone but mem_write (devices,
	 * the units themselves, other CPUs) may have written RAM: what
	 * smmu_mem.foreign_writes passes on to the page-table engine */
	uint64_t (*mem_foreign_writes)(void *priv);
	/* Instead of that number: no CPU runs on the machine (QEMU over qtest),
	 * so RAM changes only by mem_write and by what a device or unit does
	 * once an MMIO or PCI configuration write started it; the library
	 * counts those writes itself (target.c) */
	bool mem_written_when_driven;
	/* optional, with mem_written_when_driven: devices may be at work
	 * already when the target opens (a machine started elsewhere, which an
	 * earlier session may have left doing DMA) */
	bool (*devices_may_run)(void *priv);
	/* MMIO, size 4 or 8 */
	int (*mmio_read)(void *priv, uint64_t addr, unsigned size, uint64_t *val);
	int (*mmio_write)(void *priv, uint64_t addr, unsigned size, uint64_t val);
	/* optional: a block of registers [addr, addr + len) in one request (len
	 * a multiple of 8, addr 8-aligned), as aligned accesses of up to 8
	 * bytes in address order; the library falls back to 8-byte accesses */
	int (*mmio_read_block)(void *priv, uint64_t addr, void *buf, size_t len);
	int (*mmio_write_block)(void *priv, uint64_t addr, const void *buf, size_t len);
	/* PCI configuration space, segment 0; size 1, 2 or 4 */
	int (*pci_read)(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
	int (*pci_write)(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
	/* a firmware table by name ("fdt", "IORT", "DMAR"): a malloc'd copy
	 * the caller frees; -ENOENT when the machine has none */
	int (*fw_table)(void *priv, const char *name, void **data, size_t *len);
	/* RAM reserved for smmush's own tables when it owns a unit */
	int (*table_region)(void *priv, uint64_t *base, uint64_t *size);

	/* optional (NULL when the backend has none) */
	uint64_t (*now_ns)(void *priv);        /* the machine's clock, from 0 at the target's start */
	int (*sleep_ns)(void *priv, uint64_t ns); /* let time pass */
	const char *(*describe)(void *priv);   /* one line for `target info` */
	uint64_t (*roundtrips)(void *priv);    /* requests sent to a remote machine so far */
	/* A name for the machine that a later session opening the same target
	 * gets too (QEMU attached over socket=: the socket path); NULL when the
	 * machine does not outlive the session (sim, a QEMU smmush started).
	 * The ownership journal is keyed by it. */
	const char *(*identity)(void *priv);
	/* What changes when that machine restarts (QEMU: its pid and start
	 * time), or NULL when unknown: a journal written for another instance
	 * is stale, never acted on. */
	const char *(*instance)(void *priv);
	/* Once the backend failed for good (-SMMU_E_BACKEND): why, in one line
	 * ("QEMU (pid 123) was killed by signal 9 (Killed)"); NULL before. */
	const char *(*gone)(void *priv);

	/* --- optional, for a live machine whose kernel may drive the units ------ */
	/* Make [base, base + size) accessible as registers before the first
	 * access (discovery calls it for each unit); on refusal err holds one
	 * line naming the cause and the fix. */
	int (*mmio_map)(void *priv, uint64_t base, uint64_t size, char *err, size_t errlen);
	/* What the running kernel does with the unit at base. */
	int (*unit_kernel)(void *priv, uint64_t base, struct smmu_backend_kunit *out);
	/* Backend reasons to refuse ownership of the unit at base (the kernel
	 * drives it, no memory for tables): 0, or -errno with one line in err. */
	int (*own_check)(void *priv, uint64_t base, char *err, size_t errlen);
	/* PCI configuration space of any segment (pci_read is segment 0). */
	int (*pci_read_seg)(void *priv, uint16_t seg, uint16_t bdf, unsigned off, unsigned size,
			    uint32_t *val);
	/* The segments that have PCI devices (at most max); returns how many. */
	int (*pci_segments)(void *priv, uint16_t *segs, size_t max);
	/* The kernel driver bound to a PCI function ("" for none) and its IOMMU
	 * group (-1 for none). */
	int (*pci_kernel)(void *priv, uint16_t seg, uint16_t bdf, char *driver, size_t len, int *group);
	/* The next kernel log record, without blocking: its length, 0 when there
	 * is none, -EPIPE when records were lost (overwritten) since the last. */
	int (*kmsg_read)(void *priv, char *buf, size_t len);
	/* The register base of the IOMMU the kernel calls kdev ("arm-smmu-v3.0.auto"). */
	int (*kdev_base)(void *priv, const char *kdev, uint64_t *base);
	/* System RAM ranges ([i][0] base, [i][1] size), at most max; returns how many. */
	int (*ram_ranges)(void *priv, uint64_t (*ranges)[2], size_t max);
	/* The size of a memory BAR (bar 0-5) known without sizing it (sizing
	 * writes the BAR): the model's, the kernel's.  -ENOENT when not known. */
	int (*pci_bar_size)(void *priv, uint16_t seg, uint16_t bdf, unsigned bar, uint64_t *size);
};

/* What the running kernel does with a unit (unit_kernel). */
struct smmu_backend_kunit {
	bool claimed;        /* /proc/iomem: a driver claimed the registers */
	char claimer[48];    /* its name there ("dmar0", "arm-smmu-v3.0.auto") */
	bool registered;     /* listed under /sys/class/iommu */
	char iommu[48];      /* its name there ("dmar0", "smmu3.0x0000000009050000") */
	bool relaxed;        /* booted with iomem=relaxed: claimed registers stay readable */
};

/* For the backends on the host's clock (now_ns, sleep_ns, timeouts): the
 * monotonic clock in ns, and a sleep of ns that signals do not cut short. */
static inline uint64_t smmu_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t smmu_mono_ms(void)
{
	return smmu_mono_ns() / 1000000;
}

static inline void smmu_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The remote backends' protocol buffers: *buf (*cap bytes) grown to hold
 * need, doubling from first.  -ENOMEM leaves it as it was. */
static inline int smmu_buf_reserve(char **buf, size_t *cap, size_t need, size_t first)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : first;
	while (n < need)
		n *= 2;
	char *p = realloc(*buf, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

extern const struct smmu_backend_ops smmu_backend_sim;
/* The model behind a sim target (tests write RAM as its devices do). */
struct sim_machine *smmu_sim_machine(void *priv);
extern const struct smmu_backend_ops smmu_backend_qemu;
extern const struct smmu_backend_ops smmu_backend_gdb;
extern const struct smmu_backend_ops smmu_backend_linux;
extern const struct smmu_backend_ops smmu_backend_files;

/* qtest commands sent so far by a qemu backend's priv (0 for any other
 * backend): the benchmarks count round trips per map, walk and fault. */

#endif
