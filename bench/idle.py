#!/usr/bin/env python3
"""An idle watch mode: what it costs while the learner reads and thinks.

Starts each "watch" contender of a bench/latency.py spec in a pseudo-terminal, waits for its
first verdict and a second to settle, then leaves it alone for SECONDS and reads from /proc:
CPU time (user + system, all threads), wake-ups (context switches summed over its threads:
a thread blocked on a file descriptor has none) and resident memory (now and peak).

Usage: idle.py SECONDS SPEC.json OUT.json
"""

import json
import os
import subprocess
import sys
import time

from latency import Watch

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def switches(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        for line in open(f"/proc/{pid}/task/{task}/status"):
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


def memory_kib(pid):
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0])


def main():
    seconds = float(sys.argv[1])
    spec = json.load(open(sys.argv[2]))
    results = {}
    for c in spec["contenders"]:
        if c["kind"] != "watch":
            continue
        if c.get("setup"):
            subprocess.run(c["setup"], cwd=c["cwd"], check=True, stdout=subprocess.DEVNULL)
        watch = Watch(c)
        watch.quiet(1.0)
        pid = watch.proc.pid
        cpu, wakes = cpu_seconds(pid), switches(pid)
        time.sleep(seconds)
        cpu, wakes = cpu_seconds(pid) - cpu, switches(pid) - wakes
        rss, peak = memory_kib(pid)
        threads = len(os.listdir(f"/proc/{pid}/task"))
        watch.close()
        results[c["name"]] = {"seconds": seconds, "cpu_seconds": cpu, "wake_ups": wakes,
                              "rss_kib": rss, "peak_rss_kib": peak, "threads": threads}
        print(f"  {c['name']}: {cpu * 1000:.0f} ms CPU and {wakes} wake-ups in {seconds:.0f} s; "
              f"RSS {rss / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB), {threads} threads")
    json.dump(results, open(sys.argv[3], "w"), indent=1)


if __name__ == "__main__":
    main()
