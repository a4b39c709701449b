/* SPDX-License-Identifier: MIT */
/*
 * qtest protocol client.  The socket is non-blocking and every wait is a
 * poll() bounded by the command's deadline, so a QEMU that died or hangs
 * costs at most one time limit, never a hang; sends use MSG_NOSIGNAL so a
 * dead peer is an error, not a SIGPIPE.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backends/qemu-qtest.h"
#include "lib/backend.h"
#include "lib/smmu.h"

#define CHUNK 0x10000u /* bulk transfers: 64 KiB per command, aligned */

void qtest_init(struct qtest *q, int fd, int timeout_ms)
{
	memset(q, 0, sizeof(*q));
	q->fd = fd;
	q->timeout_ms = timeout_ms;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void qtest_fini(struct qtest *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->dead = true;
	free(q->rx);
	free(q->tx);
	q->rx = q->tx = NULL;
}

static int die(struct qtest *q, const char *why)
{
	if (!q->dead)
		snprintf(q->why, sizeof(q->why), "%s", why);
	q->dead = true;
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	return -SMMU_E_BACKEND;
}

/* Waits for fd to become ready for events, until deadline; 0 when ready. */
static int wait_fd(struct qtest *q, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = smmu_mono_ms();
		if (now >= deadline)
			return die(q, "QEMU did not answer in time");
		struct pollfd p = { .fd = q->fd, .events = events };
		int n = poll(&p, 1, (int)(deadline - now));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return die(q, "poll on the qtest socket failed");
	}
}

/* Sends tx[0, len) (the line, with its newline) and waits for the answer;
 * *reply points at its text after "OK " until the next command. */
static int roundtrip(struct qtest *q, size_t len, const char **reply)
{
	uint64_t deadline = smmu_mono_ms() + (uint64_t)q->timeout_ms;
	size_t off = 0;
	int rc;

	if (q->dead)
		return -SMMU_E_BACKEND;
	if (q->rxdrop) { /* the previous answer, kept for its caller */
		memmove(q->rx, q->rx + q->rxdrop, q->rxlen - q->rxdrop);
		q->rxlen -= q->rxdrop;
		q->rxdrop = 0;
	}
	q->roundtrips++;
	while (off < len) {
		ssize_t n = send(q->fd, q->tx + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return die(q, "QEMU closed the qtest connection");
		if ((rc = wait_fd(q, POLLOUT, deadline)))
			return rc;
	}
	for (;;) {
		char *nl = q->rxlen ? memchr(q->rx, '\n', q->rxlen) : NULL;
		if (nl) {
			size_t llen = (size_t)(nl - q->rx) + 1;
			*nl = '\0';
			if (!strncmp(q->rx, "IRQ", 3)) { /* asynchronous: not an answer */
				memmove(q->rx, q->rx + llen, q->rxlen - llen);
				q->rxlen -= llen;
				continue;
			}
			q->rxdrop = llen;
			if (!strncmp(q->rx, "FAIL", 4))
				return -EIO;
			if (strncmp(q->rx, "OK", 2) || (q->rx[2] && q->rx[2] != ' '))
				return die(q, "QEMU's answer was neither OK nor FAIL");
			if (reply)
				*reply = q->rx + (q->rx[2] ? 3 : 2);
			return 0;
		}
		if ((rc = smmu_buf_reserve(&q->rx, &q->rxcap, q->rxlen + 65536, 256)))
			return rc;
		ssize_t n = recv(q->fd, q->rx + q->rxlen, q->rxcap - q->rxlen, MSG_DONTWAIT);
		if (n > 0) {
			q->rxlen += (size_t)n;
			continue;
		}
		if (n == 0)
			return die(q, "QEMU closed the qtest connection");
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return die(q, "reading the qtest socket failed");
		if ((rc = wait_fd(q, POLLIN, deadline)))
			return rc;
	}
}

int qtest_cmd(struct qtest *q, const char **reply, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	if (q->dead)
		return -SMMU_E_BACKEND;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(q->tx, q->txcap, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n + 1 < q->txcap)
			break;
		if ((rc = smmu_buf_reserve(&q->tx, &q->txcap, (size_t)n + 2, 256)))
			return rc;
	}
	q->tx[n] = '\n';
	return roundtrip(q, (size_t)n + 1, reply);
}

static int number(const char *reply, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(reply, &end, 0);
	return errno || end == reply ? -EIO : 0;
}

int qtest_mmio_read(struct qtest *q, uint64_t addr, unsigned size, uint64_t *val)
{
	static const char op[9] = { [1] = 'b', [2] = 'w', [4] = 'l', [8] = 'q' };
	const char *r;
	int rc;

	if (size > 8 || !op[size])
		return -EINVAL;
	if ((rc = qtest_cmd(q, &r, "read%c 0x%llx", op[size], (unsigned long long)addr)))
		return rc;
	return number(r, val);
}

int qtest_mmio_write(struct qtest *q, uint64_t addr, unsigned size, uint64_t val)
{
	static const char op[9] = { [1] = 'b', [2] = 'w', [4] = 'l', [8] = 'q' };

	if (size > 8 || !op[size])
		return -EINVAL;
	return qtest_cmd(q, NULL, "write%c 0x%llx 0x%llx", op[size], (unsigned long long)addr,
			 (unsigned long long)val);
}

int qtest_pio_read(struct qtest *q, uint16_t port, unsigned size, uint32_t *val)
{
	static const char op[5] = { [1] = 'b', [2] = 'w', [4] = 'l' };
	const char *r;
	uint64_t v;
	int rc;

	if (size > 4 || !op[size])
		return -EINVAL;
	if ((rc = qtest_cmd(q, &r, "in%c 0x%x", op[size], port)) || (rc = number(r, &v)))
		return rc;
	*val = (uint32_t)v;
	return 0;
}

int qtest_pio_write(struct qtest *q, uint16_t port, unsigned size, uint32_t val)
{
	static const char op[5] = { [1] = 'b', [2] = 'w', [4] = 'l' };

	if (size > 4 || !op[size])
		return -EINVAL;
	return qtest_cmd(q, NULL, "out%c 0x%x 0x%x", op[size], port, val);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(char *out, const uint8_t *in, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	return o;
}

/* Decodes exactly len bytes; -EIO when the text holds anything else. */
static int b64_decode(uint8_t *out, size_t len, const char *in)
{
	static int8_t val[256];
	size_t o = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (!val['B'])
		for (int i = 0; i < 64; i++)
			val[(unsigned char)b64[i]] = (int8_t)(i + 1);
	for (; *in && *in != '='; in++) {
		int v = val[(unsigned char)*in];
		if (!v)
			return -EIO;
		acc = acc << 6 | (uint32_t)(v - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == len)
				return -EIO;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == len ? 0 : -EIO;
}

static size_t chunk_len(uint64_t pa, size_t left)
{
	size_t n = CHUNK - (size_t)(pa & (CHUNK - 1));
	return n < left ? n : left;
}

int qtest_mem_read(struct qtest *q, uint64_t pa, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n = chunk_len(pa, len);
		const char *r;
		int rc = qtest_cmd(q, &r, "b64read 0x%llx 0x%zx", (unsigned long long)pa, n);
		if (rc || (rc = b64_decode(p, n, r)))
			return rc;
		pa += n;
		p += n;
		len -= n;
	}
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return !n || (!p[0] && !memcmp(p, p + 1, n - 1));
}

int qtest_mem_write(struct qtest *q, uint64_t pa, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	int rc;

	if (q->dead)
		return -SMMU_E_BACKEND;
	while (len) {
		size_t n = chunk_len(pa, len);
		if (all_zero(p, n)) { /* fresh tables are mostly zeros */
			rc = qtest_cmd(q, NULL, "memset 0x%llx 0x%zx 0", (unsigned long long)pa, n);
		} else {
			if ((rc = smmu_buf_reserve(&q->tx, &q->txcap, 64 + (n + 2) / 3 * 4, 256)))
				return rc;
			int h = snprintf(q->tx, 64, "b64write 0x%llx 0x%zx ", (unsigned long long)pa, n);
			size_t l = (size_t)h + b64_encode(q->tx + h, p, n);
			q->tx[l++] = '\n';
			rc = roundtrip(q, l, NULL);
		}
		if (rc)
			return rc;
		pa += n;
		p += n;
		len -= n;
	}
	return 0;
}
