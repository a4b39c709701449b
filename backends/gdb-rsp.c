/* SPDX-License-Identifier: MIT */
/*
 * GDB remote serial protocol client (see gdb-rsp.h).  Written from GDB's
 * manual ("Remote Protocol": packets, acknowledgement, run-length encoding,
 * binary data, qSupported, QStartNoAckMode, stop replies, interrupts) and
 * from what QEMU 7.2's gdbstub was measured to do: PacketSize=1000, m reads
 * up to 0x800 bytes, no X and no QStartNoAckMode, and a packet of 4096 data
 * characters or more dropped without an answer, so packets stay one
 * character below PacketSize.
 *
 * The socket is non-blocking; every wait is a poll() bounded by the
 * request's deadline, and sends use MSG_NOSIGNAL.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backends/gdb-rsp.h"
#include "lib/backend.h"
#include "lib/smmu.h"

#define MAX_PKT     (1u << 20) /* the largest packet accepted from a server */
#define MAX_RESENDS 3          /* '-' or bad checksums in a row before giving up */
#define DEF_PKTSIZE 400        /* GDB's own assumption without qSupported */

static const char hexd[] = "0123456789abcdef";

/* --- framing ---------------------------------------------------------------------- */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

enum rsp_item rsp_parse(const char *buf, size_t len, size_t *used, char *out, size_t outcap,
			size_t *outlen)
{
	*used = 0;
	*outlen = 0;
	if (!len)
		return RSP_NEED;
	if (buf[0] == '+' || buf[0] == '-') {
		*used = 1;
		return buf[0] == '+' ? RSP_ACK : RSP_NAK;
	}
	if (buf[0] != '$' && buf[0] != '%') {
		*used = 1;
		return RSP_JUNK;
	}
	const char *hash = memchr(buf + 1, '#', len - 1);
	if (!hash)
		return RSP_NEED;
	size_t dlen = (size_t)(hash - buf - 1);
	if (dlen + 4 > len)
		return RSP_NEED; /* the two checksum digits are still to come */
	*used = dlen + 4;
	uint8_t sum = 0;
	for (size_t i = 0; i < dlen; i++)
		sum = (uint8_t)(sum + (uint8_t)buf[1 + i]);
	int h = hexval((unsigned char)hash[1]), l = hexval((unsigned char)hash[2]);
	if (h < 0 || l < 0 || (uint8_t)(h << 4 | l) != sum)
		return RSP_BADSUM;
	/* run-length decoding: "x*n" is x and then n - 29 more copies of x;
	 * the character after a binary escape is data, never a run marker */
	size_t o = 0;
	const char *d = buf + 1;
	for (size_t i = 0; i < dlen; i++) {
		char c = d[i];
		if (c == '*') {
			if (!o || i + 1 >= dlen || (unsigned char)d[i + 1] < 29 + 3 ||
			    (unsigned char)d[i + 1] > 126)
				return RSP_MALFORMED;
			size_t n = (size_t)((unsigned char)d[++i] - 29);
			if (o + n > outcap)
				return RSP_MALFORMED;
			memset(out + o, out[o - 1], n);
			o += n;
			continue;
		}
		if (o + (c == '}' ? 2 : 1) > outcap)
			return RSP_MALFORMED;
		out[o++] = c;
		if (c == '}') {
			if (i + 1 >= dlen)
				return RSP_MALFORMED;
			out[o++] = d[++i];
		}
	}
	if (o < outcap)
		out[o] = '\0';
	*outlen = o;
	return buf[0] == '$' ? RSP_PACKET : RSP_NOTIFY;
}

size_t rsp_unescape(char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++)
		buf[o++] = buf[i] == '}' && i + 1 < len ? (char)(buf[++i] ^ 0x20) : buf[i];
	return o;
}

size_t rsp_frame(const char *data, size_t len, bool binary, char *out, size_t outcap)
{
	size_t o = 0;
	uint8_t sum = 0;

	if (outcap < 4)
		return 0;
	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (binary && (c == '$' || c == '#' || c == '}' || c == '*')) {
			if (o + 2 > outcap - 3)
				return 0;
			out[o++] = '}';
			sum = (uint8_t)(sum + '}');
			c ^= 0x20;
		}
		if (o + 1 > outcap - 3)
			return 0;
		out[o++] = c;
		sum = (uint8_t)(sum + (uint8_t)c);
	}
	out[o++] = '#';
	out[o++] = hexd[sum >> 4];
	out[o++] = hexd[sum & 15];
	return o;
}

long rsp_unhex(const char *hex, size_t hexlen, uint8_t *out, size_t outcap)
{
	if (hexlen % 2 || hexlen / 2 > outcap)
		return -1;
	for (size_t i = 0; i < hexlen / 2; i++) {
		int h = hexval((unsigned char)hex[2 * i]), l = hexval((unsigned char)hex[2 * i + 1]);
		if (h < 0 || l < 0)
			return -1;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return (long)(hexlen / 2);
}

bool rsp_is_stop(const char *p, size_t len)
{
	/* S/T with a signal, W/X with a status (hex digits, then ';' or the end) */
	if (len < 3 || !strchr("STWX", p[0]) || hexval((unsigned char)p[1]) < 0 ||
	    hexval((unsigned char)p[2]) < 0)
		return false;
	return p[0] == 'T' || len == 3 || p[3] == ';';
}

/* Console output from the machine: 'O' and hex digits ("OK" is not). */
static bool is_output(const char *p, size_t len)
{
	if (len < 3 || p[0] != 'O' || len % 2 == 0)
		return false;
	for (size_t i = 1; i < len; i++)
		if (hexval((unsigned char)p[i]) < 0)
			return false;
	return true;
}

/* --- the connection ------------------------------------------------------------------ */

__attribute__((format(printf, 2, 3))) static int die(struct rsp *r, const char *fmt, ...)
{
	if (!r->dead) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->why, sizeof(r->why), fmt, ap);
		va_end(ap);
	}
	r->dead = true;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	return -SMMU_E_BACKEND;
}

int rsp_init(struct rsp *r, int fd, int timeout_ms)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->timeout_ms = timeout_ms;
	r->pktsize = DEF_PKTSIZE;
	r->x_ok = -1;
	r->vcont = -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	/* room for the largest packet decoded: run-length encoding lets a
	 * short packet stand for a long one */
	if (smmu_buf_reserve(&r->pkt, &r->pktcap, MAX_PKT + 1, 4096) ||
	    smmu_buf_reserve(&r->rx, &r->rxcap, 8192, 4096) || smmu_buf_reserve(&r->tx, &r->txcap, 8192, 4096))
		return -ENOMEM;
	return 0;
}

void rsp_fini(struct rsp *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->dead = true;
	free(r->rx);
	free(r->pkt);
	free(r->tx);
	r->rx = r->pkt = r->tx = NULL;
	r->rxcap = r->pktcap = r->txcap = 0;
}

static int send_all(struct rsp *r, const char *p, size_t len, uint64_t deadline)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(r->fd, p + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return die(r, "the GDB server closed the connection (%s)", strerror(errno));
		uint64_t now = smmu_mono_ms();
		if (now >= deadline)
			return die(r, "the GDB server took no data for %d ms", r->timeout_ms);
		struct pollfd pf = { .fd = r->fd, .events = POLLOUT };
		if (poll(&pf, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			return die(r, "poll on the GDB connection failed: %s", strerror(errno));
	}
	return 0;
}

/* Reads whatever has arrived, waiting until deadline for at least a byte. */
static int fill(struct rsp *r, uint64_t deadline, const char *waiting_for)
{
	for (;;) {
		if (smmu_buf_reserve(&r->rx, &r->rxcap, r->rxlen + 65536, 4096))
			return die(r, "out of memory");
		ssize_t n = recv(r->fd, r->rx + r->rxlen, r->rxcap - r->rxlen, MSG_DONTWAIT);
		if (n > 0) {
			r->rxlen += (size_t)n;
			return 0;
		}
		if (n == 0)
			return die(r, "the GDB server closed the connection");
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return die(r, "the GDB server closed the connection (reset)");
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return die(r, "the GDB connection failed: %s", strerror(errno));
		uint64_t now = smmu_mono_ms();
		if (now >= deadline)
			return die(r, "the GDB server did not answer %s within %.3g s", waiting_for,
				   r->timeout_ms / 1000.0);
		struct pollfd pf = { .fd = r->fd, .events = POLLIN };
		if (poll(&pf, 1, (int)(deadline - now)) < 0 && errno != EINTR)
			return die(r, "poll on the GDB connection failed: %s", strerror(errno));
	}
}

static void consume(struct rsp *r, size_t n)
{
	memmove(r->rx, r->rx + n, r->rxlen - n);
	r->rxlen -= n;
}

/* The next packet from the server into r->pkt, acknowledged as the mode
 * requires; '+' and '-' seen on the way are counted in acks and naks. */
static int next_packet(struct rsp *r, uint64_t deadline, const char *waiting_for, unsigned *acks,
		       unsigned *naks)
{
	unsigned bad = 0;
	int rc;

	for (;;) {
		size_t used, olen;
		enum rsp_item it = rsp_parse(r->rx, r->rxlen, &used, r->pkt, r->pktcap - 1, &olen);
		if (it == RSP_NEED) {
			/* an unfinished packet the size of a decoded one may just
			 * need a bigger buffer: grow it up to the limit */
			if (r->rxlen > MAX_PKT + 4 && r->rx[0] == '$')
				return die(r, "the GDB server sent a packet of more than %u bytes", MAX_PKT);
			if ((rc = fill(r, deadline, waiting_for)))
				return rc;
			continue;
		}
		consume(r, used);
		switch (it) {
		case RSP_ACK:
			++*acks;
			continue;
		case RSP_NAK:
			++*naks;
			if (*naks > MAX_RESENDS)
				return die(r, "the GDB server refused the packet %d times (bad checksum?)",
					   MAX_RESENDS + 1);
			return 1; /* the caller resends */
		case RSP_JUNK:
			continue;
		case RSP_BADSUM:
			if (r->noack || ++bad > MAX_RESENDS)
				return die(r, "the GDB server's answer to %s has a bad checksum%s", waiting_for,
					   r->noack ? "" : " (sent again 3 times)");
			r->resends++;
			if ((rc = send_all(r, "-", 1, deadline)))
				return rc;
			continue;
		case RSP_MALFORMED:
			return die(r, "the GDB server's answer to %s is malformed (bad run-length encoding, or more than %u bytes)",
				   waiting_for, MAX_PKT);
		case RSP_NOTIFY:
			continue; /* non-stop notifications: not asked for */
		case RSP_PACKET:
			if (!r->noack && (rc = send_all(r, "+", 1, deadline)))
				return rc;
			r->pktlen = olen;
			return 0;
		case RSP_NEED:
			break;
		}
	}
}

int rsp_request_raw(struct rsp *r, const char *data, size_t len, bool binary, const char **reply,
		    size_t *rlen)
{
	uint64_t deadline;
	unsigned acks = 0, naks = 0;
	char what[48];
	int rc;

	if (r->dead)
		return -SMMU_E_BACKEND;
	if (r->running)
		return -EBUSY; /* all-stop: a running machine answers nothing but 0x03 */
	snprintf(what, sizeof(what), "'%.*s'", (int)(len < 24 ? len : 24), data);
	for (size_t i = 1; i + 1 < strlen(what); i++)
		if ((unsigned char)what[i] < 32 || (unsigned char)what[i] > 126)
			what[i] = '.';
	if (smmu_buf_reserve(&r->tx, &r->txcap, 2 * len + 8, 4096))
		return -ENOMEM;
	size_t flen = rsp_frame(data, len, binary, r->tx, r->txcap);
	if (!flen)
		return -E2BIG;
	r->requests++;
	deadline = smmu_mono_ms() + (uint64_t)r->timeout_ms;
	for (;;) {
		if ((rc = send_all(r, r->tx, flen, deadline)))
			return rc;
		rc = next_packet(r, deadline, what, &acks, &naks);
		if (rc < 0)
			return rc;
		if (rc == 1) { /* '-': send it again */
			r->resends++;
			continue;
		}
		/* a stop reply or console output that was on its way before
		 * our request is not its answer (memory is hex, never S/T/O) */
		while (data[0] != '?' && (rsp_is_stop(r->pkt, r->pktlen) || is_output(r->pkt, r->pktlen))) {
			if (r->pkt[0] != 'O')
				snprintf(r->stop, sizeof(r->stop), "%.*s", (int)r->pktlen, r->pkt);
			if (r->pkt[0] == 'W' || r->pkt[0] == 'X')
				return die(r, "the machine exited (%.*s)", (int)r->pktlen, r->pkt);
			if ((rc = next_packet(r, deadline, what, &acks, &naks)) < 0)
				return rc;
		}
		break;
	}
	if (reply)
		*reply = r->pkt;
	if (rlen)
		*rlen = r->pktlen;
	if (r->pktlen == 0)
		return -ENOTSUP;
	if (r->pkt[0] == 'E' && (r->pktlen == 3 || r->pkt[1] == '.') &&
	    (r->pkt[1] == '.' || (hexval((unsigned char)r->pkt[1]) >= 0 && hexval((unsigned char)r->pkt[2]) >= 0))) {
		snprintf(r->why, sizeof(r->why), "the GDB server answered %.*s to %s", (int)(r->pktlen > 64 ? 64 : r->pktlen),
			 r->pkt, what);
		return -EIO;
	}
	return 0;
}

int rsp_request(struct rsp *r, const char **reply, size_t *rlen, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -E2BIG;
	return rsp_request_raw(r, buf, (size_t)n, false, reply, rlen);
}

static int split_addr(const char *where, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(where, ':');

	if (where[0] == '[') { /* [v6]:port */
		const char *end = strchr(where, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		snprintf(host, hostlen, "%.*s", (int)(end - where - 1), where + 1);
		snprintf(port, portlen, "%s", end + 2);
		return *port ? 0 : -EINVAL;
	}
	if (!colon || colon == where || !colon[1])
		return -EINVAL;
	snprintf(host, hostlen, "%.*s", (int)(colon - where), where);
	snprintf(port, portlen, "%s", colon + 1);
	return 0;
}

/* connect() with a time limit on a non-blocking socket */
static int connect_timed(int fd, const struct sockaddr *sa, socklen_t salen, int timeout_ms)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (!connect(fd, sa, salen))
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN)
		return -errno;
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	int n;
	while ((n = poll(&pf, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (n == 0)
		return -ETIMEDOUT;
	int e = 0;
	socklen_t el = sizeof(e);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
	return -e;
}

int rsp_connect(struct rsp *r, const char *where, int timeout_ms, char *err, size_t errlen)
{
	int fd = -1, rc;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->dead = true;
	if (!strncmp(where, "unix:", 5)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		const char *path = where + 5;
		if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
			snprintf(err, errlen, "gdb: bad socket path '%s'", path);
			return -EINVAL;
		}
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || (rc = connect_timed(fd, (struct sockaddr *)&sa, sizeof(sa), timeout_ms))) {
			rc = fd < 0 ? -errno : rc;
			snprintf(err, errlen, "gdb: cannot connect to %s: %s", path, strerror(-rc));
			if (fd >= 0)
				close(fd);
			return -ECONNREFUSED;
		}
	} else {
		char host[256], port[32];
		struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai, *a;
		if (split_addr(where, host, sizeof(host), port, sizeof(port))) {
			snprintf(err, errlen, "gdb: '%s' is neither HOST:PORT nor unix:PATH", where);
			return -EINVAL;
		}
		if ((rc = getaddrinfo(host, port, &hints, &ai))) {
			snprintf(err, errlen, "gdb: %s:%s: %s", host, port, gai_strerror(rc));
			return -ENOENT;
		}
		rc = -ECONNREFUSED;
		for (a = ai; a; a = a->ai_next) {
			fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
			if (fd < 0)
				continue;
			if (!(rc = connect_timed(fd, a->ai_addr, a->ai_addrlen, timeout_ms)))
				break;
			close(fd);
			fd = -1;
		}
		freeaddrinfo(ai);
		if (fd < 0) {
			snprintf(err, errlen, "gdb: cannot connect to %s:%s: %s", host, port, strerror(-rc));
			return -ECONNREFUSED;
		}
		int one = 1; /* small packets, one at a time: no Nagle delay */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if ((rc = rsp_init(r, fd, timeout_ms))) {
		snprintf(err, errlen, "gdb: %s", strerror(-rc));
		rsp_fini(r);
		return rc;
	}
	return 0;
}

static const char *feature(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		if (!strncmp(p, name, n) && (p[n] == '=' || p[n] == '+' || p[n] == '-' || p[n] == ';' || !p[n]))
			return p + n;
		p = strchr(p, ';');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

int rsp_handshake(struct rsp *r)
{
	const char *rep, *f;
	size_t len;
	int rc;

	/* a stop reply the server sent on its own at connection (QEMU does,
	 * when connecting stopped a running machine) is set aside by
	 * rsp_request_raw; anything else not framed is skipped */
	rc = rsp_request(r, &rep, &len, "qSupported:multiprocess-;swbreak+;hwbreak+;vContSupported+");
	if (rc && rc != -ENOTSUP)
		return rc;
	if (!rc) {
		snprintf(r->supported, sizeof(r->supported), "%.*s", (int)len, rep);
		if ((f = feature(r->supported, "PacketSize")) && *f == '=') {
			unsigned long v = strtoul(f + 1, NULL, 16);
			if (v >= 64 && v <= MAX_PKT)
				r->pktsize = v;
		}
		if ((f = feature(r->supported, "QStartNoAckMode")) && *f == '+') {
			if (!(rc = rsp_request(r, NULL, NULL, "QStartNoAckMode")))
				r->noack = true;
			else if (rc != -ENOTSUP && rc != -EIO)
				return rc;
		}
	}
	/* why the machine is stopped (every all-stop server stops it for us) */
	if ((rc = rsp_request(r, &rep, &len, "?")) && rc != -ENOTSUP)
		return rc;
	if (!rc)
		snprintf(r->stop, sizeof(r->stop), "%.*s", (int)len, rep);
	if (!rc && (rep[0] == 'W' || rep[0] == 'X'))
		return die(r, "the machine has exited (%.*s)", (int)len, rep);
	return 0;
}

/* --- memory ------------------------------------------------------------------------ */

/* The largest read per m packet: the answer is two hex digits per byte
 * (as GDB itself sizes it), rounded down to a power of two so that pages
 * split evenly. */
static size_t read_max(const struct rsp *r)
{
	size_t n = r->pktsize / 2, p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

/* The longest packet sent: one character below PacketSize, since QEMU
 * 7.2 drops a packet of exactly PacketSize characters unanswered. */
static size_t send_max(const struct rsp *r)
{
	return r->pktsize - 1;
}

int rsp_mem_read(struct rsp *r, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t max = read_max(r);

	while (len) {
		/* chunks that do not cross a multiple of max: a page aligned to
		 * it is read in the fewest packets */
		size_t n = max - (size_t)(addr % max);
		if (n > len)
			n = len;
		const char *rep;
		size_t rlen;
		int rc = rsp_request(r, &rep, &rlen, "m%llx,%zx", (unsigned long long)addr, n);
		if (rc == -ENOTSUP)
			return -EIO;
		if (rc)
			return rc;
		long got = rsp_unhex(rep, rlen, out, n);
		if (got <= 0) {
			snprintf(r->why, sizeof(r->why), "the GDB server's answer to m%llx,%zx is not hex",
				 (unsigned long long)addr, n);
			return -EIO;
		}
		/* a server may return fewer bytes than asked: ask for the rest */
		out += got;
		addr += (uint64_t)got;
		len -= (size_t)got;
	}
	return 0;
}

static int write_x(struct rsp *r, uint64_t addr, const uint8_t *p, size_t len, size_t *done)
{
	char hdr[48];
	int hl = snprintf(hdr, sizeof(hdr), "X%llx,%zx:", (unsigned long long)addr, len);
	size_t room = send_max(r) - (size_t)hl - 4, n = 0, framed = 0;

	/* as many bytes as fit once escaped */
	while (n < len) {
		size_t c = (p[n] == '$' || p[n] == '#' || p[n] == '}' || p[n] == '*') ? 2 : 1;
		if (framed + c > room)
			break;
		framed += c;
		n++;
	}
	hl = snprintf(hdr, sizeof(hdr), "X%llx,%zx:", (unsigned long long)addr, n);
	char *pkt = malloc((size_t)hl + n);
	if (!pkt)
		return -ENOMEM;
	memcpy(pkt, hdr, (size_t)hl);
	memcpy(pkt + hl, p, n);
	/* the header is plain text: only the data is escaped, but escaping
	 * the header is harmless, it holds none of $ # } * */
	int rc = rsp_request_raw(r, pkt, (size_t)hl + n, true, NULL, NULL);
	free(pkt);
	*done = n;
	return rc;
}

int rsp_mem_write(struct rsp *r, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	char *pkt = NULL;
	int rc = 0;

	while (len && !rc) {
		size_t n;
		if (r->x_ok != 0) {
			rc = write_x(r, addr, p, len, &n);
			if (rc == -ENOTSUP && r->x_ok < 0) { /* empty answer: no X here */
				r->x_ok = 0;
				rc = 0;
				continue;
			}
			if (!rc)
				r->x_ok = 1;
		} else {
			char hdr[48];
			int hl = snprintf(hdr, sizeof(hdr), "M%llx,%zx:", (unsigned long long)addr, len);
			n = (send_max(r) - (size_t)hl) / 2;
			/* stop at a multiple of the read size: pages go in equal halves */
			size_t max = read_max(r);
			if (n >= max)
				n = max - (size_t)(addr % max);
			else if (n > 64)
				n &= ~(size_t)7;
			if (n > len)
				n = len;
			hl = snprintf(hdr, sizeof(hdr), "M%llx,%zx:", (unsigned long long)addr, n);
			if (!pkt && !(pkt = malloc(r->pktsize + 64)))
				return -ENOMEM;
			memcpy(pkt, hdr, (size_t)hl);
			for (size_t i = 0; i < n; i++) {
				pkt[hl + 2 * i] = hexd[p[i] >> 4];
				pkt[hl + 2 * i + 1] = hexd[p[i] & 15];
			}
			rc = rsp_request_raw(r, pkt, (size_t)hl + 2 * n, false, NULL, NULL);
			if (rc == -ENOTSUP)
				rc = -EIO;
		}
		p += n;
		addr += n;
		len -= n;
	}
	free(pkt);
	return rc;
}

/* --- running and stopping ---------------------------------------------------------------- */

int rsp_resume(struct rsp *r)
{
	const char *rep;
	size_t len;
	int rc;

	if (r->dead)
		return -SMMU_E_BACKEND;
	if (r->running)
		return 0;
	if (r->vcont < 0) {
		rc = rsp_request(r, &rep, &len, "vCont?");
		if (rc && rc != -ENOTSUP && rc != -EIO)
			return rc;
		r->vcont = !rc && strstr(rep, ";c") != NULL;
	}
	const char *cmd = r->vcont ? "vCont;c" : "c";
	size_t flen = rsp_frame(cmd, strlen(cmd), false, r->tx, r->txcap);
	uint64_t deadline = smmu_mono_ms() + (uint64_t)r->timeout_ms;
	r->requests++;
	for (int tries = 0;; tries++) {
		if ((rc = send_all(r, r->tx, flen, deadline)))
			return rc;
		if (r->noack)
			break;
		/* the acknowledgement; the answer is a stop reply, later */
		for (;;) {
			size_t used, olen;
			enum rsp_item it = rsp_parse(r->rx, r->rxlen, &used, r->pkt, r->pktcap - 1, &olen);
			if (it == RSP_NEED) {
				if ((rc = fill(r, deadline, "'vCont;c' or 'c'")))
					return rc;
				continue;
			}
			if (it == RSP_ACK || it == RSP_NAK) {
				consume(r, used);
				if (it == RSP_NAK && tries < MAX_RESENDS)
					goto again;
				if (it == RSP_NAK)
					return die(r, "the GDB server refused 'c' %d times", MAX_RESENDS + 1);
				goto acked;
			}
			if (it == RSP_JUNK) {
				consume(r, used);
				continue;
			}
			/* a packet before the ack (a server that does not ack):
			 * leave it for rsp_interrupt */
			goto acked;
		}
again:
		r->resends++;
	}
acked:
	r->running = true;
	return 0;
}

int rsp_interrupt(struct rsp *r)
{
	uint64_t deadline = smmu_mono_ms() + (uint64_t)r->timeout_ms;
	unsigned acks = 0, naks = 0;
	bool sent = false;
	int rc;

	if (r->dead)
		return -SMMU_E_BACKEND;
	if (!r->running)
		return 0;
	for (;;) {
		/* stopped by itself already (a breakpoint, an exit)? */
		size_t used, olen;
		enum rsp_item it = rsp_parse(r->rx, r->rxlen, &used, r->pkt, r->pktcap - 1, &olen);
		if (it == RSP_NEED && !sent) {
			r->requests++;
			if ((rc = send_all(r, "\x03", 1, deadline)))
				return rc;
			sent = true;
		}
		if ((rc = next_packet(r, deadline, "an interrupt (0x03)", &acks, &naks)) < 0)
			return rc;
		if (rc == 1)
			continue;
		if (is_output(r->pkt, r->pktlen))
			continue; /* console output from the machine */
		if (rsp_is_stop(r->pkt, r->pktlen))
			break;
		/* anything else while running is out of step */
		return die(r, "the GDB server sent '%.20s' while the machine ran", r->pkt);
	}
	r->running = false;
	snprintf(r->stop, sizeof(r->stop), "%.*s", (int)r->pktlen, r->pkt);
	if (r->pkt[0] == 'W' || r->pkt[0] == 'X')
		return die(r, "the machine exited (%s)", r->stop);
	return 0;
}

void rsp_detach(struct rsp *r)
{
	if (r->dead)
		return;
	if (r->running && rsp_interrupt(r))
		return;
	int t = r->timeout_ms;
	r->timeout_ms = t < 500 ? t : 500; /* leaving: do not wait long */
	rsp_request(r, NULL, NULL, "D");
	r->timeout_ms = t;
}
