#!/usr/bin/env python3
"""Save -> verdict, measured the way a learner feels it.

Each contender checks one exercise file after a real one-line edit (a new comment line):
  kind "watch": a long-running watch mode in a pseudo-terminal; the time runs from the end of
                the write until the verdict's text has arrived on the terminal;
  kind "run":   a one-shot command; the time runs from the end of the write until it exits.

Contenders take turns in rounds (a few edits each, then the next contender), so a slow minute
of a noisy machine hits them all alike. Prints medians and writes every sample as JSON.

Usage: latency.py SPEC.json OUT.json
SPEC: {"rounds": R, "per_round": K,
       "contenders": [{"name", "kind", "cwd", "file", "command": [...],
                       "ready": REGEX (watch: the first verdict), "done": REGEX (the verdict),
                       "setup": [...] (optional command run once before, in cwd)}]}
"""

import fcntl
import json
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
PATIENCE = 60.0


def strip(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", "replace")


class Watch:
    """A watch mode running in a pseudo-terminal of 120 x 40."""

    def __init__(self, contender):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", NO_COLOR="1")
        self.proc = subprocess.Popen(
            contender["command"], cwd=contender["cwd"], stdin=slave, stdout=slave,
            stderr=slave, start_new_session=True, env=env)
        os.close(slave)
        self.wait_for(re.compile(contender["ready"]), time.perf_counter())

    def read(self, timeout):
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return None
        try:
            return os.read(self.master, 65536)
        except OSError:
            raise SystemExit(f"watch mode ended: {self.proc.args}")

    def quiet(self, seconds=0.3):
        """Reads until nothing has arrived for `seconds`: a redraw in flight is not a verdict."""
        while self.read(seconds) is not None:
            pass

    def wait_for(self, pattern, start):
        """Seconds from `start` until `pattern` is on screen (in what arrived after `start`)."""
        seen = b""
        while True:
            left = PATIENCE - (time.perf_counter() - start)
            if left <= 0:
                raise SystemExit(f"no {pattern.pattern!r} within {PATIENCE} s; "
                                 f"the screen ends with:\n{strip(seen)[-2000:]}")
            chunk = self.read(left)
            if chunk is None:
                continue
            seen += chunk
            if pattern.search(strip(seen)):
                return time.perf_counter() - start

    def close(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait()
        os.close(self.master)


def edit(path, n):
    with open(path, "a") as f:
        f.write(f"// edit {n}\n")


def main():
    spec = json.load(open(sys.argv[1]))
    contenders = spec["contenders"]
    originals = {c["file"]: open(c["file"], "rb").read() for c in contenders}
    samples = {c["name"]: [] for c in contenders}
    n = 0
    try:
        for c in contenders:
            if c.get("setup"):
                subprocess.run(c["setup"], cwd=c["cwd"], check=True, stdout=subprocess.DEVNULL)
        for _ in range(spec["rounds"]):
            for c in contenders:
                watch = Watch(c) if c["kind"] == "watch" else None
                done = re.compile(c["done"]) if watch else None
                # Two untimed edits warm up the contender (and a fast path's recipe).
                for i in range(spec["per_round"] + 2):
                    n += 1
                    if watch:
                        watch.quiet()
                        edit(c["file"], n)
                        took = watch.wait_for(done, time.perf_counter())
                    else:
                        edit(c["file"], n)
                        start = time.perf_counter()
                        subprocess.run(c["command"], cwd=c["cwd"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
                        took = time.perf_counter() - start
                    if i >= 2:
                        samples[c["name"]].append(took)
                if watch:
                    watch.close()
    finally:
        for path, content in originals.items():
            open(path, "wb").write(content)
    json.dump(samples, open(sys.argv[2], "w"), indent=1)
    for name, times in samples.items():
        print(f"  median {statistics.median(times) * 1000:7.1f} ms  "
              f"(min {min(times) * 1000:6.1f}, max {max(times) * 1000:6.1f}, "
              f"n={len(times)})  {name}")


if __name__ == "__main__":
    main()
