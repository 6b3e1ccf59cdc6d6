#!/usr/bin/env python3
"""The README's set-up times, measured as a learner who just cloned the repository meets them.

On a fresh clone of REPO (crates already downloaded; nothing built):
  cold 1. `cargo run` in a pseudo-terminal (the README's first command): seconds until cargo
          starts the runner (its own build), and until the first exercise's verdict is on
          screen; then `q`.
  cold 2. `backlings verify` after deleting the course's build (target/backlings): the whole
          course built and checked from cold, the runner already built.
  warm.   `backlings` started again with everything built: seconds to the first screen
          (median of 5).
Run it on an idle machine; it prints one line per figure and writes them as JSON.

Usage: bench/setup_times.py REPO OUT.json
"""

import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")
PATIENCE = 3600.0
# The first exercise as shipped does not compile: its verdict says so.
VERDICT = re.compile(r"does not compile yet|tests fail|is done")
RUNNER_STARTED = re.compile(r"Running `target/debug/backlings`")
FIRST_SCREEN = re.compile(r"h:hint")


def strip(data):
    return ANSI.sub(b"", data).decode("utf-8", "replace")


class Terminal:
    """A command in a pseudo-terminal of 120 x 40."""

    def __init__(self, command, cwd):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, env=env)
        os.close(slave)
        self.seen = b""

    def until(self, pattern):
        """Seconds from the start until `pattern` has appeared."""
        while not pattern.search(strip(self.seen)):
            left = PATIENCE - (time.perf_counter() - self.start)
            if left <= 0:
                raise SystemExit(f"no {pattern.pattern!r}; the screen ends with:\n"
                                 f"{strip(self.seen)[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    raise SystemExit(f"ended early:\n{strip(self.seen)[-2000:]}")
        return time.perf_counter() - self.start

    def quit(self):
        os.write(self.master, b"q")
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


def timed(command, cwd):
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    repo, out = sys.argv[1], sys.argv[2]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        clone = os.path.join(tmp, "backlings")
        subprocess.run(["git", "clone", "-q", repo, clone], check=True)

        run = Terminal(["cargo", "run"], clone)
        results["runner_build_s"] = run.until(RUNNER_STARTED)
        results["first_verdict_s"] = run.until(VERDICT)
        run.quit()
        results["first_verdict_after_runner_s"] = (results["first_verdict_s"]
                                                   - results["runner_build_s"])

        shutil.rmtree(os.path.join(clone, "target", "backlings"))
        shutil.rmtree(os.path.join(clone, ".backlings"), ignore_errors=True)
        backlings = os.path.join(clone, "target", "debug", "backlings")
        results["whole_course_cold_s"] = timed([backlings, "verify"], clone)

        warm = []
        for _ in range(5):
            term = Terminal([backlings], clone)
            warm.append(term.until(FIRST_SCREEN))
            term.quit()
        results["warm_first_screen_s"] = statistics.median(warm)

    json.dump(results, open(out, "w"), indent=1)
    for name, secs in results.items():
        print(f"{secs:9.2f} s  {name}")


if __name__ == "__main__":
    main()
