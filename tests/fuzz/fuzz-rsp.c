/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the GDB remote protocol client (backends/gdb-rsp.c).  The input
 * is what a server sends: first split into items by the pure parser, whose
 * results must stay inside the buffer and round-trip through rsp_frame;
 * then served over a socketpair to a real connection doing a handshake,
 * memory reads and writes, and a resume and interrupt, which must end
 * (dead or not) without reading or writing out of bounds.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/gdb-rsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const char *buf, size_t len)
{
	static char out[1 << 16], again[1 << 16], framed[1 << 17];
	size_t off = 0;

	while (off < len) {
		size_t used, olen, used2, olen2;
		enum rsp_item it = rsp_parse(buf + off, len - off, &used, out, sizeof(out) - 1, &olen);
		if (it == RSP_NEED) {
			if (used)
				abort();
			break;
		}
		if (!used || used > len - off || olen > sizeof(out) - 1)
			abort();
		if (it == RSP_PACKET) {
			bool plain = !memchr(out, '#', olen) && !memchr(out, '$', olen) &&
				     !memchr(out, '*', olen) && !memchr(out, '}', olen);
			size_t flen = rsp_frame(out, olen, !plain, framed, sizeof(framed));
			if (!flen)
				abort();
			if (plain) { /* framed again, it parses to the same data */
				if (rsp_parse(framed, flen, &used2, again, sizeof(again) - 1, &olen2) != RSP_PACKET ||
				    used2 != flen || olen2 != olen || memcmp(again, out, olen))
					abort();
			}
			uint8_t bin[1 << 15];
			long n = rsp_unhex(out, olen, bin, sizeof(bin));
			if (n > (long)sizeof(bin) || (n >= 0 && (size_t)n * 2 != olen))
				abort();
			(void)rsp_is_stop(out, olen);
			if (rsp_unescape(out, olen) > olen)
				abort();
		}
		off += used;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	struct rsp r;
	uint8_t buf[4096];

	signal(SIGPIPE, SIG_IGN);
	parse_all((const char *)data, size);
	if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	/* the whole "server" is sent up front, then its end closed: every
	 * wait ends at the data's end or the time limit */
	for (size_t off = 0; off < size;) {
		ssize_t n = write(sv[1], data + off, size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	if (rsp_init(&r, sv[0], 20)) {
		rsp_fini(&r);
		close(sv[1]);
		return 0;
	}
	if (!rsp_handshake(&r)) {
		memset(buf, 0x23, sizeof(buf));
		rsp_mem_read(&r, 0x1000, buf, sizeof(buf));
		rsp_mem_write(&r, 0x1000, buf, sizeof(buf));
		if (!rsp_resume(&r))
			rsp_interrupt(&r);
		rsp_mem_read(&r, 0, buf, 8);
	}
	if (r.pktsize < 64 || (r.dead && !r.why[0]))
		abort();
	rsp_detach(&r);
	rsp_fini(&r);
	close(sv[1]);
	return 0;
}
