/* SPDX-License-Identifier: MIT */
/*
 * A client for the GDB remote serial protocol (GDB's manual, "Remote
 * Protocol"), as much of it as smmush needs to read and write a machine's
 * memory through a debugger: framing with checksums and acknowledgement,
 * QStartNoAckMode, qSupported's PacketSize, m/M and binary X memory
 * packets sized to the server's limit, run-length decoding, '?', and
 * resuming (vCont;c or c) and interrupting (0x03) the machine.
 *
 * Every wait has a time limit.  Once the server is gone, stops answering
 * or breaks the framing, the connection is dead and every later call fails
 * at once with -SMMU_E_BACKEND; why says what happened, in one line.
 */
#ifndef SMMU_GDB_RSP_H
#define SMMU_GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- the framing, pure (fuzzed by tests/fuzz/fuzz-rsp.c) -------------------- */

enum rsp_item {
	RSP_NEED,     /* no complete item yet: read more */
	RSP_ACK,      /* '+' */
	RSP_NAK,      /* '-': resend */
	RSP_PACKET,   /* $data#cs, checksum good, decoded into out */
	RSP_NOTIFY,   /* %data#cs, an asynchronous notification (non-stop mode) */
	RSP_BADSUM,   /* a whole packet whose checksum does not match */
	RSP_MALFORMED,/* a whole packet that cannot be decoded (bad run length, too long) */
	RSP_JUNK,     /* a byte outside any packet */
};

/* Looks at the start of buf (len bytes) for one item; *used is how many
 * bytes it took (0 with RSP_NEED).  A packet's data is run-length decoded
 * into out (at most outcap bytes, NUL-terminated beyond *outlen when room
 * allows); binary escapes ('}') are left in place for rsp_unescape. */
enum rsp_item rsp_parse(const char *buf, size_t len, size_t *used, char *out, size_t outcap,
			size_t *outlen);

/* Binary data of a reply: '}' x becomes x ^ 0x20, in place; the new length. */
size_t rsp_unescape(char *buf, size_t len);

/* Frames data as "$data#cs" into out (escaping $ # } * when binary); the
 * framed length, or 0 if out is too small. */
size_t rsp_frame(const char *data, size_t len, bool binary, char *out, size_t outcap);

/* Hex digits to bytes: the number of bytes, or -1 on a non-hex character. */
long rsp_unhex(const char *hex, size_t hexlen, uint8_t *out, size_t outcap);

/* A stop reply ("S05", "T05thread:01;", "W00", "X09")? */
bool rsp_is_stop(const char *pkt, size_t len);

/* --- the connection ------------------------------------------------------------- */

struct rsp {
	int fd;
	bool dead;
	bool noack;           /* QStartNoAckMode accepted */
	bool running;         /* resumed, no stop reply seen yet */
	int timeout_ms;       /* per request */
	size_t pktsize;       /* the server's PacketSize (data characters) */
	int x_ok;             /* binary X writes: -1 unknown, 0 refused, 1 work */
	int vcont;            /* vCont;c: -1 unknown, 0 no, 1 yes */
	bool qemu;            /* the server knows qemu.PhyMemMode (QEMU's gdbstub) */
	uint64_t requests;    /* packets sent that wait for an answer, and interrupts */
	uint64_t resends;     /* packets sent again after a '-' or a bad checksum */
	char *rx;             /* bytes received, not yet parsed */
	size_t rxlen, rxcap;
	char *pkt;            /* the last packet received, decoded */
	size_t pktlen, pktcap;
	char *tx;             /* the framed packet being sent */
	size_t txcap;
	char supported[512];  /* qSupported's answer */
	char stop[128];       /* the last stop reply */
	char why[200];        /* what killed the connection, or the last error answer */
};

/* Connects to "HOST:PORT" or "unix:PATH" within timeout_ms; on failure err
 * says why in one line. */
int rsp_connect(struct rsp *r, const char *where, int timeout_ms, char *err, size_t errlen);
/* Takes ownership of a connected stream socket. */
int rsp_init(struct rsp *r, int fd, int timeout_ms);
void rsp_fini(struct rsp *r);

/* qSupported (PacketSize), QStartNoAckMode when offered, and '?'. */
int rsp_handshake(struct rsp *r);

/* Sends one packet and waits for its answer (stop replies and console
 * output that arrive first are set aside).  *reply points into r until the
 * next call.  0; -EIO for an error answer (Enn: r->why says which);
 * -ENOTSUP for the empty answer (not supported); -SMMU_E_BACKEND once dead. */
int rsp_request(struct rsp *r, const char **reply, size_t *rlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same with a packet already built (binary data allowed). */
int rsp_request_raw(struct rsp *r, const char *data, size_t len, bool binary, const char **reply,
		    size_t *rlen);

/* Memory as the server addresses it: split into packets that fit. */
int rsp_mem_read(struct rsp *r, uint64_t addr, void *buf, size_t len);
int rsp_mem_write(struct rsp *r, uint64_t addr, const void *buf, size_t len);

/* Resumes the machine (vCont;c or c); no answer comes until it stops. */
int rsp_resume(struct rsp *r);
/* Interrupts a running machine (0x03) and waits for its stop reply; a
 * machine that already stopped by itself is not interrupted again. */
int rsp_interrupt(struct rsp *r);
/* Detaches (D): the server lets the machine run on. */
void rsp_detach(struct rsp *r);

#endif
