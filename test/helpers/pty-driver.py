"""Runs a command on a pseudo-terminal, as a person at a terminal would (see pty-process.ts).

Usage: python3 pty-driver.py COMMAND [ARG...]   (working folder and environment are passed on)

The command gets a new session whose controlling terminal is the pty (stdin, stdout and stderr),
40 rows by 120 columns, so Ctrl-C typed on it reaches the foreground process group as SIGINT
from the line discipline, exactly as on a real terminal.

- stdout: everything the command writes to the terminal, as it comes.
- stdin: one command per line: `key HEX` types the bytes (e.g. `key 03` is Ctrl-C);
  `signal NAME` sends the signal (e.g. SIGTERM) to the command's process only.
  End of input (the test went away) kills the command.
- stderr: once the command has ended, one JSON line: its exit code or signal and the terminal
  modes it left (echo, canonical input, signals from keys), which a sane exit leaves on.
"""

import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios


def main() -> None:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

    def take_terminal() -> None:
        # Runs in the child after setsid(): the pty becomes its controlling terminal.
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(
        sys.argv[1:],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=take_terminal,
    )

    def stop_child(*_args: object) -> None:
        if child.poll() is None:
            child.kill()
        sys.exit(1)

    signal.signal(signal.SIGTERM, stop_child)

    out = sys.stdout.buffer
    pending = b""
    stdin_open = True

    def relay(timeout: float) -> bool:
        """Copies what the terminal shows to stdout; False when nothing came within timeout."""
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            return False
        data = os.read(master, 65536)
        out.write(data)
        out.flush()
        return True

    while child.poll() is None:
        watched = [master] + ([0] if stdin_open else [])
        ready, _, _ = select.select(watched, [], [], 0.05)
        if master in ready:
            relay(0)
        if 0 in ready:
            chunk = os.read(0, 4096)
            if not chunk:
                stdin_open = False
                stop_child()
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                verb, _, arg = line.decode().strip().partition(" ")
                if verb == "key":
                    os.write(master, bytes.fromhex(arg))
                elif verb == "signal":
                    child.send_signal(getattr(signal, arg))

    # The slave stays open here, so the master never reads end-of-file: drain until quiet.
    while relay(0.2):
        pass

    modes = termios.tcgetattr(slave)[3]
    code = child.returncode
    status = {
        "code": code if code >= 0 else None,
        "signal": signal.Signals(-code).name if code < 0 else None,
        "terminal": {
            "echo": bool(modes & termios.ECHO),
            "icanon": bool(modes & termios.ICANON),
            "isig": bool(modes & termios.ISIG),
        },
    }
    sys.stderr.write(json.dumps(status) + "\n")


main()
