#!/usr/bin/env python3
"""Drive an interactive program in a pseudo-terminal, as a person would.

pty-drive.py SCRIPT.json -- COMMAND...
SCRIPT is a list of steps: {"send": "text"} (\\t, \\x03, \\x04 as escapes),
{"expect": "regex", "timeout": 5}, {"exit": CODE}, {"run": "shell command"}
(run with $CHILD_PID set to the program's pid; a non-zero exit fails the step).  Prints the screen text
on failure and exits 1 with one line naming the failed step.  HOME is
the environment's (tests point it at a temporary directory)."""
import json
import os
import pty
import re
import select
import subprocess
import sys
import time


def main():
    steps = json.load(open(sys.argv[1]))
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(cmd[0], cmd)
    buf = b""

    def read_until(pattern, timeout):
        nonlocal buf
        deadline = time.time() + timeout
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(buf)
            if m:
                buf = buf[m.end():]
                return True
            left = deadline - time.time()
            if left <= 0:
                return False
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return bool(rx.search(buf))
                if not data:
                    return bool(rx.search(buf))
                buf += data

    for i, st in enumerate(steps):
        if "send" in st:
            os.write(fd, st["send"].encode())
            time.sleep(st.get("pause", 0.05))
        elif "expect" in st:
            if not read_until(st["expect"], st.get("timeout", 5)):
                print(f"step {i}: expected /{st['expect']}/, screen: {buf[-400:]!r}", file=sys.stderr)
                os.kill(pid, 9)
                return 1
        elif "run" in st:
            env = dict(os.environ, CHILD_PID=str(pid))
            r = subprocess.run(st["run"], shell=True, env=env)
            if r.returncode:
                print(f"step {i}: '{st['run']}' exited {r.returncode}", file=sys.stderr)
                os.kill(pid, 9)
                return 1
        elif "exit" in st:
            deadline = time.time() + st.get("timeout", 5)
            while time.time() < deadline:
                wpid, status = os.waitpid(pid, os.WNOHANG)
                if wpid:
                    code = os.waitstatus_to_exitcode(status)
                    if code != st["exit"]:
                        print(f"step {i}: exit {code}, expected {st['exit']}", file=sys.stderr)
                        return 1
                    return 0
                try:
                    os.read(fd, 4096)
                except OSError:
                    pass
                time.sleep(0.02)
            print(f"step {i}: did not exit", file=sys.stderr)
            os.kill(pid, 9)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
