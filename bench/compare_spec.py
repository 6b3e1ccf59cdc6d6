#!/usr/bin/env python3
"""Two builds of backlings side by side (before and after a change), each in a checkout of its
own with a warm target/, in watch mode and as `run NAME`: a bench/latency.py spec, also read by
bench/idle.py (its watch contenders).

Usage: compare_spec.py OLD_CHECKOUT NEW_CHECKOUT NAME > SPEC.json
  (each checkout: `git worktree add DIR REV`, `cp -a target/backlings DIR/target/`,
   `cargo build --release` in DIR)"""
import json, re, sys, tomllib
old, new, name = sys.argv[1:]
def file_of(course):
    e = next(e for e in tomllib.load(open(f"{course}/info.toml", "rb"))["exercises"] if e["name"] == name)
    return f"{course}/exercises/{e['dir']}/{name}.rs"
ours = re.escape(name) + r"(: \d+ of \d+ tests? fail| does not compile yet)"
state = f"mkdir -p .backlings && printf 'current = \"{name}\"\\ndone = []\\n' > .backlings/state.toml"
def c(label, kind, course, cmd, done=None, setup=None):
    return {"name": label, "kind": kind, "cwd": course, "file": file_of(course), "command": cmd,
            "ready": done, "done": done, "setup": setup}
bo, bn = f"{old}/target/release/backlings", f"{new}/target/release/backlings"
json.dump({"rounds": 4, "per_round": 5, "contenders": [
    c("old watch", "watch", old, [bo], ours, ["sh", "-c", state]),
    c("new watch", "watch", new, [bn], ours, ["sh", "-c", state]),
    c(f"old run {name}", "run", old, [bo, "run", name]),
    c(f"new run {name}", "run", new, [bn, "run", name]),
]}, sys.stdout, indent=1)
