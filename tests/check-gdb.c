/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote protocol client (backends/gdb-rsp.c): the framing as bytes
 * in and items out, and a connection against a scripted server in a thread
 * that answers like QEMU 7.2's gdbstub (PacketSize=1000, m up to 0x800, no
 * X) or like a server with X and no acknowledgements, logging each packet,
 * so the tests can count requests and see how memory was split.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/gdb-rsp.h"
#include "lib/smmu.h"

/* --- framing ------------------------------------------------------------------------ */

static enum rsp_item parse(const char *s, char *out, size_t *olen, size_t *used)
{
	return rsp_parse(s, strlen(s), used, out, 256, olen);
}

START_TEST(parse_items)
{
	char out[257];
	size_t olen, used;

	ck_assert_int_eq(parse("+", out, &olen, &used), RSP_ACK);
	ck_assert_int_eq(parse("-", out, &olen, &used), RSP_NAK);
	ck_assert_int_eq(parse("x", out, &olen, &used), RSP_JUNK);
	ck_assert_int_eq(parse("$OK#9", out, &olen, &used), RSP_NEED);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(parse("$OK#9a+", out, &olen, &used), RSP_PACKET);
	ck_assert_uint_eq(used, 6);
	ck_assert_str_eq(out, "OK");
	ck_assert_int_eq(parse("$OK#9b", out, &olen, &used), RSP_BADSUM);
	ck_assert_uint_eq(used, 6);
	ck_assert_int_eq(parse("$OK#zz", out, &olen, &used), RSP_BADSUM);
	char pkt[32];
	rsp_frame("Stop:T05", 8, false, pkt, sizeof(pkt));
	pkt[0] = '%';
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_NOTIFY);
	ck_assert_str_eq(out, "Stop:T05");
	ck_assert_int_eq(parse("$#00", out, &olen, &used), RSP_PACKET);
	ck_assert_uint_eq(olen, 0);
}
END_TEST

/* GDB's manual: "0* " is 0 and then 3 more zeros */
START_TEST(parse_run_length)
{
	char out[257], pkt[64];
	size_t olen, used;

	rsp_frame("0* ", 3, false, pkt, sizeof(pkt));
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_PACKET);
	ck_assert_str_eq(out, "0000");
	rsp_frame("ab*\"c", 5, false, pkt, sizeof(pkt)); /* '"' is 34: 5 more */
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_PACKET);
	ck_assert_str_eq(out, "abbbbbbc");
	rsp_frame("*!", 2, false, pkt, sizeof(pkt)); /* nothing to repeat */
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_MALFORMED);
	rsp_frame("a*", 2, false, pkt, sizeof(pkt)); /* no count */
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_MALFORMED);
	/* more than the buffer holds */
	rsp_frame("a*~*~*~", 7, false, pkt, sizeof(pkt));
	ck_assert_int_eq(rsp_parse(pkt, 11, &used, out, 100, &olen), RSP_MALFORMED);
	/* an escaped '*' is data, not a run; a run repeats the character as
	 * sent (GDB expands runs before it undoes escapes) */
	rsp_frame("}\x0a*\"", 4, false, pkt, sizeof(pkt));
	ck_assert_int_eq(parse(pkt, out, &olen, &used), RSP_PACKET);
	ck_assert_uint_eq(olen, 7);
	ck_assert_uint_eq(rsp_unescape(out, olen), 6);
	ck_assert_mem_eq(out, "*\n\n\n\n\n", 6);
}
END_TEST

START_TEST(frame_escapes)
{
	char pkt[64], out[257];
	size_t olen, used;
	const char data[] = { 'X', '$', '#', '}', '*', 0x03, 'z' };

	size_t n = rsp_frame(data, sizeof(data), true, pkt, sizeof(pkt));
	ck_assert_uint_eq(n, 1 + sizeof(data) + 4 + 3);
	ck_assert_mem_eq(pkt, "$X}\x04}\x03}]}\x0a\x03z#", 13);
	ck_assert_int_eq(rsp_parse(pkt, n, &used, out, 256, &olen), RSP_PACKET);
	ck_assert_uint_eq(rsp_unescape(out, olen), sizeof(data));
	ck_assert_mem_eq(out, data, sizeof(data));
	ck_assert_uint_eq(rsp_frame("abcdef", 6, false, pkt, 8), 0); /* too small */
}
END_TEST

START_TEST(hex_and_stops)
{
	uint8_t b[4];

	ck_assert_int_eq(rsp_unhex("1a2B", 4, b, 4), 2);
	ck_assert_uint_eq(b[0], 0x1a);
	ck_assert_uint_eq(b[1], 0x2b);
	ck_assert_int_eq(rsp_unhex("1a2", 3, b, 4), -1);
	ck_assert_int_eq(rsp_unhex("1x", 2, b, 4), -1);
	ck_assert_int_eq(rsp_unhex("0011223344", 10, b, 4), -1);
	ck_assert(rsp_is_stop("S05", 3));
	ck_assert(rsp_is_stop("T05thread:01;", 13));
	ck_assert(rsp_is_stop("W00", 3));
	ck_assert(rsp_is_stop("X09;process:1", 13));
	ck_assert(!rsp_is_stop("OK", 2));
	ck_assert(!rsp_is_stop("E01", 3));
	ck_assert(!rsp_is_stop("S0", 2));
	ck_assert(!rsp_is_stop("Sxx", 3));
}
END_TEST

/* --- a scripted server ------------------------------------------------------------------ */

struct server {
	int fd;
	bool qemu;          /* else: X, QStartNoAckMode, PacketSize 0x200 */
	int nak_first;      /* answer the first N packets with '-' */
	bool stop_first;    /* send a stop reply before answering anything */
	bool badsum_once;   /* the first answer goes out with a bad checksum */
	uint8_t mem[65536];
	char log[256][64];  /* the first bytes of each packet */
	int nlog;
};

static char last[8300];
static size_t lastlen;

static void srv_send(struct server *s, const char *data, size_t len, bool good)
{
	char buf[8300];
	size_t n = rsp_frame(data, len, false, buf, sizeof(buf));
	memcpy(last, buf, n); /* kept good, for a '-' */
	lastlen = n;
	if (!good)
		buf[n - 1] = buf[n - 1] == '0' ? '1' : '0';
	ssize_t w = write(s->fd, buf, n);
	(void)w;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	char rx[16384], out[16384];
	size_t rxlen = 0;
	bool noack = false, badsum = s->badsum_once;

	if (s->stop_first)
		srv_send(s, "T02thread:01;", 13, true);
	for (;;) {
		ssize_t n = read(s->fd, rx + rxlen, sizeof(rx) - rxlen);
		if (n <= 0)
			return NULL;
		rxlen += (size_t)n;
		for (;;) {
			size_t used, olen;
			enum rsp_item it = rsp_parse(rx, rxlen, &used, out, sizeof(out) - 1, &olen);
			if (it == RSP_NEED)
				break;
			memmove(rx, rx + used, rxlen - used);
			rxlen -= used;
			if (it == RSP_NAK && lastlen) { /* asked again */
				ssize_t w = write(s->fd, last, lastlen);
				(void)w;
				continue;
			}
			if (it != RSP_PACKET)
				continue;
			if (s->nlog < 256)
				snprintf(s->log[s->nlog++], 64, "%.*s", (int)(olen < 63 ? olen : 63), out);
			if (s->nak_first > 0) {
				s->nak_first--;
				ssize_t w = write(s->fd, "-", 1);
				(void)w;
				continue;
			}
			if (!noack) {
				ssize_t w = write(s->fd, "+", 1);
				(void)w;
			}
			char rep[8300];
			size_t rl = 0;
			unsigned long long a, l;
			if (!strncmp(out, "qSupported", 10))
				rl = (size_t)sprintf(rep, s->qemu ? "PacketSize=1000;vContSupported+" :
								    "PacketSize=200;QStartNoAckMode+");
			else if (!strcmp(out, "QStartNoAckMode")) {
				rl = (size_t)sprintf(rep, "OK");
				srv_send(s, rep, rl, true);
				noack = true;
				continue;
			} else if (!strcmp(out, "?"))
				rl = (size_t)sprintf(rep, "S05");
			else if (!strcmp(out, "vCont?"))
				rl = (size_t)sprintf(rep, "vCont;c;C;s;S");
			else if (!strcmp(out, "vCont;c") || !strcmp(out, "c"))
				continue; /* the answer comes with the interrupt */
			else if (out[0] == 'm' && sscanf(out, "m%llx,%llx", &a, &l) == 2) {
				if (l > (s->qemu ? 0x800u : 0x100u) || a + l > sizeof(s->mem))
					rl = (size_t)sprintf(rep, "E22");
				else
					for (unsigned long long i = 0; i < l; i++)
						rl += (size_t)sprintf(rep + rl, "%02x", s->mem[a + i]);
			} else if (out[0] == 'M' && sscanf(out, "M%llx,%llx:", &a, &l) == 2) {
				const char *h = strchr(out, ':') + 1;
				rsp_unhex(h, 2 * l, s->mem + a, sizeof(s->mem) - a);
				rl = (size_t)sprintf(rep, "OK");
			} else if (out[0] == 'X' && !s->qemu && sscanf(out, "X%llx,%llx:", &a, &l) == 2) {
				char *h = memchr(out, ':', olen) + 1;
				size_t bl = rsp_unescape(h, olen - (size_t)(h - out));
				memcpy(s->mem + a, h, bl < l ? bl : l);
				rl = (size_t)sprintf(rep, "OK");
			} else if (!strcmp(out, "D"))
				rl = (size_t)sprintf(rep, "OK");
			srv_send(s, rep, rl, !badsum);
			badsum = false;
		}
	}
}

static pthread_t start(struct server *s, struct rsp *r, bool qemu)
{
	int sv[2];

	memset(s, 0, sizeof(*s));
	s->qemu = qemu;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	s->fd = sv[1];
	ck_assert_int_eq(rsp_init(r, sv[0], 1000), 0);
	return 0;
}

static void run(struct server *s, pthread_t *th)
{
	ck_assert_int_eq(pthread_create(th, NULL, server_main, s), 0);
}

static void stop(struct server *s, struct rsp *r, pthread_t th)
{
	rsp_fini(r);
	pthread_join(th, NULL);
	close(s->fd);
}

static int count(struct server *s, char c)
{
	int n = 0;

	for (int i = 0; i < s->nlog; i++)
		n += s->log[i][0] == c;
	return n;
}

static struct server srv;

START_TEST(qemu_like_pages)
{
	struct rsp r;
	pthread_t th = start(&srv, &r, true);
	uint8_t page[4096], back[4096];

	srv.stop_first = true; /* as QEMU does when a connection stops the machine */
	run(&srv, &th);
	ck_assert_int_eq(rsp_handshake(&r), 0);
	ck_assert_uint_eq(r.pktsize, 0x1000);
	ck_assert(!r.noack);
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)(i * 7);
	uint64_t q0 = r.requests;
	ck_assert_int_eq(rsp_mem_write(&r, 0x3000, page, sizeof(page)), 0);
	/* the first X is answered empty: M from then on, each under 4096 characters */
	ck_assert_int_eq(r.x_ok, 0);
	ck_assert_int_eq(count(&srv, 'M'), 3);
	uint64_t q1 = r.requests;
	ck_assert_uint_eq(q1 - q0, 4);
	ck_assert_int_eq(rsp_mem_read(&r, 0x3000, back, sizeof(back)), 0);
	ck_assert_uint_eq(r.requests - q1, 2); /* a page is two 0x800-byte reads */
	ck_assert_mem_eq(page, back, sizeof(page));
	ck_assert_int_eq(rsp_request(&r, NULL, NULL, "qUnknown"), -ENOTSUP);
	ck_assert_int_eq(rsp_mem_read(&r, 0xffff0, back, 16), -EIO);
	ck_assert_str_eq(r.why, "the GDB server answered E22 to 'mffff0,10'");
	ck_assert(!r.dead);
	stop(&srv, &r, th);
}
END_TEST

START_TEST(noack_binary)
{
	struct rsp r;
	pthread_t th = start(&srv, &r, false);
	uint8_t data[1000], back[1000];

	run(&srv, &th);
	ck_assert_int_eq(rsp_handshake(&r), 0);
	ck_assert(r.noack);
	ck_assert_uint_eq(r.pktsize, 0x200);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = "$#}*\x03" "ab"[i % 7];
	ck_assert_int_eq(rsp_mem_write(&r, 0x100, data, sizeof(data)), 0);
	ck_assert_int_eq(r.x_ok, 1);
	ck_assert_int_eq(count(&srv, 'M'), 0);
	ck_assert_int_eq(rsp_mem_read(&r, 0x100, back, sizeof(back)), 0);
	ck_assert_mem_eq(data, back, sizeof(data));
	stop(&srv, &r, th);
}
END_TEST

START_TEST(resend_and_badsum)
{
	struct rsp r;
	pthread_t th = start(&srv, &r, true);
	uint8_t b[4];

	srv.nak_first = 2;
	srv.badsum_once = true;
	run(&srv, &th);
	ck_assert_int_eq(rsp_handshake(&r), 0);
	ck_assert_uint_eq(r.resends, 3); /* two '-' from the server, one from us */
	ck_assert_int_eq(rsp_mem_read(&r, 0, b, 4), 0);
	stop(&srv, &r, th);
}
END_TEST

START_TEST(closed_and_dead)
{
	struct rsp r;
	pthread_t th = start(&srv, &r, true);
	uint8_t b[4];

	run(&srv, &th);
	ck_assert_int_eq(rsp_handshake(&r), 0);
	shutdown(srv.fd, SHUT_RDWR);
	pthread_join(th, NULL);
	ck_assert_int_eq(rsp_mem_read(&r, 0, b, 4), -SMMU_E_BACKEND);
	ck_assert(r.dead);
	ck_assert_ptr_nonnull(strstr(r.why, "closed the connection"));
	ck_assert_int_eq(rsp_mem_write(&r, 0, b, 4), -SMMU_E_BACKEND);
	rsp_fini(&r);
	close(srv.fd);
}
END_TEST

Suite *suite_gdb(void);
Suite *suite_gdb(void)
{
	Suite *s = suite_create("gdb");
	TCase *tc = tcase_create("rsp");

	signal(SIGPIPE, SIG_IGN);
	tcase_add_test(tc, parse_items);
	tcase_add_test(tc, parse_run_length);
	tcase_add_test(tc, frame_escapes);
	tcase_add_test(tc, hex_and_stops);
	tcase_add_test(tc, qemu_like_pages);
	tcase_add_test(tc, noack_binary);
	tcase_add_test(tc, resend_and_badsum);
	tcase_add_test(tc, closed_and_dead);
	suite_add_tcase(s, tc);
	return s;
}
