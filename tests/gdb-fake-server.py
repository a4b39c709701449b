#!/usr/bin/env python3
"""A GDB remote server that misbehaves on purpose, on a Unix socket.

gdb-fake-server.py PATH MODE
MODE:
  drop    closes the connection after the first packet
  e01     answers E01 to everything but qSupported and '?'
  badsum  answers every packet with a bad checksum
  stall   acknowledges packets and never answers them
  mem     a working server that is not QEMU: 64 KiB of memory at 0,
          PacketSize 0x200, QStartNoAckMode, binary X, and answers
          run-length encoded (as gdbserver may)
Serves one connection, then exits."""
import os
import socket
import sys


def checksum(data):
    return b"%02x" % (sum(data) & 0xff)


def rle(data):
    """GDB's run-length encoding: x then '*' and chr(29 + n) for n repeats."""
    out, i = bytearray(), 0
    while i < len(data):
        c, n = data[i], 1
        while i + n < len(data) and data[i + n] == c and n < 98:
            n += 1
        reps = n - 1
        # counts that would encode as '#', '$' or '+'/'-' are avoided
        while reps in (6, 7) or (reps > 0 and 29 + reps in (ord("#"), ord("$"))):
            reps -= 1
        if reps >= 3:
            out += bytes([c]) + b"*" + bytes([29 + reps])
            i += reps + 1
        else:
            out.append(c)
            i += 1
    return bytes(out)


def main():
    path, mode = sys.argv[1], sys.argv[2]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)
    conn, _ = srv.accept()
    mem = bytearray(65536)
    noack = False
    buf = b""
    last = [b""]

    def send(data, good=True):
        if mode == "mem" and not data.startswith(b"E"):
            data = rle(data)
        cs = checksum(data) if good else b"%02x" % ((sum(data) + 1) & 0xff)
        last[0] = b"$" + data + b"#" + cs
        conn.sendall(last[0])

    while True:
        try:
            chunk = conn.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        buf += chunk
        while True:
            while buf[:1] in (b"+", b"-", b"\x03"):
                if buf[:1] == b"-" and last[0]:  # asked again: send it again (as it was)
                    conn.sendall(last[0])
                buf = buf[1:]
            if not buf.startswith(b"$"):
                i = buf.find(b"$")
                buf = b"" if i < 0 else buf[i:]
                break
            h = buf.find(b"#")
            if h < 0 or len(buf) < h + 3:
                break
            data, buf = buf[1:h], buf[h + 3:]
            if not noack:
                conn.sendall(b"+")
            if mode == "drop":
                conn.close()
                return
            if mode == "stall":
                continue
            if mode == "badsum":
                send(b"OK", good=False)
                continue
            if data.startswith(b"qSupported"):
                extra = b";QStartNoAckMode+" if mode == "mem" else b""
                send(b"PacketSize=%x" % (0x200 if mode == "mem" else 0x1000) + extra)
            elif data == b"?":
                send(b"S05")
            elif mode == "e01":
                send(b"E01")
            elif data == b"QStartNoAckMode":
                send(b"OK")
                noack = True
            elif data.startswith(b"m"):
                a, n = (int(x, 16) for x in data[1:].split(b","))
                if n > 0x100 or a + n > len(mem):
                    send(b"E14")
                else:
                    send(mem[a:a + n].hex().encode())
            elif data.startswith(b"X") or data.startswith(b"M"):
                head, _, body = data.partition(b":")
                a, n = (int(x, 16) for x in head[1:].split(b","))
                if data.startswith(b"X"):
                    out, i = bytearray(), 0
                    while i < len(body):
                        if body[i] == 0x7d:
                            out.append(body[i + 1] ^ 0x20)
                            i += 2
                        else:
                            out.append(body[i])
                            i += 1
                    body = bytes(out)
                else:
                    body = bytes.fromhex(body.decode())
                if len(body) != n or a + n > len(mem):
                    send(b"E01")
                else:
                    mem[a:a + n] = body
                    send(b"OK")
            elif data == b"D":
                send(b"OK")
            else:
                send(b"")


if __name__ == "__main__":
    main()
