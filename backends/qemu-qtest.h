/* SPDX-License-Identifier: MIT */
/*
 * The client side of QEMU's qtest protocol: one text line per command,
 * answered "OK ..." or "FAIL ...".  Every command has a time limit; once
 * QEMU is gone or stops answering, the connection is dead and every later
 * call fails at once with -SMMU_E_BACKEND.
 */
#ifndef SMMU_QEMU_QTEST_H
#define SMMU_QEMU_QTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qtest {
	int fd;
	bool dead;
	int timeout_ms;       /* per command */
	uint64_t roundtrips;  /* commands sent */
	char *rx;             /* bytes received, not yet consumed */
	size_t rxlen, rxcap;
	size_t rxdrop;        /* the last answer, dropped before the next command */
	char *tx;             /* the command being sent */
	size_t txcap;
	char why[128];        /* what killed the connection */
};

/* Takes ownership of a connected stream socket. */
void qtest_init(struct qtest *q, int fd, int timeout_ms);
void qtest_fini(struct qtest *q);

/* Sends one command and waits for its answer; *reply (may be NULL) points
 * into q's buffer, after "OK" and its space, until the next call.  0, -EIO
 * for a FAIL answer, -SMMU_E_BACKEND when the connection is dead. */
int qtest_cmd(struct qtest *q, const char **reply, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* MMIO (size 1, 2, 4 or 8) and port I/O (size 1, 2 or 4). */
int qtest_mmio_read(struct qtest *q, uint64_t addr, unsigned size, uint64_t *val);
int qtest_mmio_write(struct qtest *q, uint64_t addr, unsigned size, uint64_t val);
int qtest_pio_read(struct qtest *q, uint16_t port, unsigned size, uint32_t *val);
int qtest_pio_write(struct qtest *q, uint16_t port, unsigned size, uint32_t val);

/* Bulk memory: base64, one command per 64 KiB-aligned chunk; chunks of
 * zeros go as memset. */
int qtest_mem_read(struct qtest *q, uint64_t pa, void *buf, size_t len);
int qtest_mem_write(struct qtest *q, uint64_t pa, const void *buf, size_t len);

#endif
