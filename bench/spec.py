#!/usr/bin/env python3
"""The contenders for one exercise of the backlings layout (bench/rustlings_layouts.sh), as a
bench/latency.py spec: backlings and rustlings, each in watch mode and as `run NAME`, and
backlings' polling watch mode (`--poll`).

Usage: spec.py COURSE NAME BACKLINGS RUSTLINGS > SPEC.json
"""

import json
import re
import sys
import tomllib

course, name, backlings, rustlings = sys.argv[1:]
entry = next(e for e in tomllib.load(open(f"{course}/info.toml", "rb"))["exercises"]
             if e["name"] == name)
file = f"{course}/exercises/{entry['dir']}/{name}.rs"
# backlings' verdicts on a shipped exercise: it does not compile, or its tests fail.
ours = re.escape(name) + r"(: \d+ of \d+ tests? fail| does not compile yet)"
# rustlings' watch mode ends each run's screen with its key prompt.
theirs = r"q:quit \?"
# Both watch modes open on the current exercise: make it this one.
backlings_state = f"mkdir -p .backlings && printf 'current = \"{name}\"\\ndone = []\\n' > .backlings/state.toml"
rustlings_state = f"{rustlings} run {name} >/dev/null 2>&1 || true"


def contender(label, kind, command, done=None, setup=None):
    return {"name": label, "kind": kind, "cwd": course, "file": file, "command": command,
            "ready": done, "done": done, "setup": setup}


json.dump({"rounds": 3, "per_round": 5, "contenders": [
    contender("backlings watch", "watch", [backlings], ours, ["sh", "-c", backlings_state]),
    contender("backlings watch --poll", "watch", [backlings, "--poll"], ours,
              ["sh", "-c", backlings_state]),
    contender(f"backlings run {name}", "run", [backlings, "run", name]),
    contender("rustlings watch", "watch", [rustlings], theirs, ["sh", "-c", rustlings_state]),
    contender(f"rustlings run {name}", "run", [rustlings, "run", name]),
]}, sys.stdout, indent=1)
