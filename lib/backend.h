/* SPDX-License-Identifier: MIT */
/*
 * How bytes reach a machine.  One const ops table per backend, listed
 * explicitly in target.c (like pciutils' access methods); each backend
 * declares its own parameters so `smmush --target-help` can list them.
 * Remote backends move whole pages per mem_read/mem_write call.
 */
#ifndef SMMU_BACKEND_H
#define SMMU_BACKEND_H

#include <stddef.h>
#include <stdint.h>

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
	/* MMIO, size 4 or 8 */
	int (*mmio_read)(void *priv, uint64_t addr, unsigned size, uint64_t *val);
	int (*mmio_write)(void *priv, uint64_t addr, unsigned size, uint64_t val);
	/* PCI configuration space, segment 0; size 1, 2 or 4 */
	int (*pci_read)(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t *val);
	int (*pci_write)(void *priv, uint16_t bdf, unsigned off, unsigned size, uint32_t val);
	/* a firmware table by name ("fdt", "IORT", "DMAR"): a malloc'd copy
	 * the caller frees; -ENOENT when the machine has none */
	int (*fw_table)(void *priv, const char *name, void **data, size_t *len);
	/* RAM reserved for smmush's own tables when it owns a unit */
	int (*table_region)(void *priv, uint64_t *base, uint64_t *size);

	/* optional (NULL when the backend has none) */
	uint64_t (*now_ns)(void *priv);        /* the machine's clock */
	int (*sleep_ns)(void *priv, uint64_t ns); /* let time pass */
	const char *(*describe)(void *priv);   /* one line for `target info` */
	uint64_t (*roundtrips)(void *priv);    /* requests sent to a remote machine so far */
	/* A name for the machine that a later session opening the same target
	 * gets too (QEMU attached over socket=: the socket path); NULL when the
	 * machine does not outlive the session (sim, a QEMU smmush started).
	 * The ownership journal is keyed by it. */
	const char *(*identity)(void *priv);
	/* the machine's RAM, for whole-memory snapshots: the i-th range; -ENOENT past the last */
	int (*ram_range)(void *priv, size_t i, uint64_t *base, uint64_t *size);
};

extern const struct smmu_backend_ops smmu_backend_sim;
extern const struct smmu_backend_ops smmu_backend_qemu;
extern const struct smmu_backend_ops smmu_backend_gdb;

/* qtest commands sent so far by a qemu backend's priv (0 for any other
 * backend): the benchmarks count round trips per map, walk and fault. */

#endif
