#!/usr/bin/env bash
# Save → verdict on screen, backlings beside rustlings 6.5, on the same exercise files laid out
# in rustlings' third-party format (bench/rustlings_layouts.sh): each tool's watch mode in a
# pseudo-terminal, and each tool's `run NAME`. See bench/latency.py for how it is timed.
# Usage: bench/watch_and_run.sh LAYOUTS [NAME ...]  (default: a std-only and a rusqlite exercise)
# Needs: rustlings on PATH (cargo install rustlings --version 6.5.0 --locked), python3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
layouts=$(cd "${1:?usage: bench/watch_and_run.sh LAYOUTS [NAME ...]}" && pwd)
shift
names=("$@")
[ $# -gt 0 ] || names=(intro_status_line sql_schema_and_crud)
course=$layouts/backlings
export RUST_BACKTRACE=0 # see save_to_verdict.sh
rustlings=$(command -v rustlings)

cargo build -q --release --manifest-path "$repo/Cargo.toml"
backlings=$repo/target/release/backlings
mkdir -p "$repo/bench/results"

for name in "${names[@]}"; do
  file=$(cd "$course" && python3 -c "import tomllib,sys; e=[e for e in tomllib.load(open('info.toml','rb'))['exercises'] if e['name']==sys.argv[1]][0]; print(f\"$course/exercises/{e['dir']}/{e['name']}.rs\")" "$name")
  spec=$(mktemp)
  python3 - "$spec" "$course" "$file" "$name" "$backlings" "$rustlings" <<'PY'
import json, re, sys
spec, course, file, name, backlings, rustlings = sys.argv[1:]
# The verdicts of a shipped exercise: it does not compile, or its tests fail.
ours = re.escape(name) + r"(: \d+ of \d+ tests? fail| does not compile yet)"
# rustlings' watch mode ends each run's screen with its key prompt.
theirs = r"q:quit \?"
backlings_state = f'mkdir -p .backlings && printf \'current = "{name}"\\ndone = []\\n\' > .backlings/state.toml'
rustlings_state = f"{rustlings} run {name} >/dev/null 2>&1 || true"
def c(label, kind, command, done=None, setup=None):
    return {"name": label, "kind": kind, "cwd": course, "file": file, "command": command,
            "ready": done, "done": done, "setup": setup}
json.dump({"rounds": 3, "per_round": 5, "contenders": [
    c("backlings watch", "watch", [backlings], ours, ["sh", "-c", backlings_state]),
    c(f"backlings run {name}", "run", [backlings, "run", name]),
    c("rustlings watch", "watch", [rustlings], theirs, ["sh", "-c", rustlings_state]),
    c(f"rustlings run {name}", "run", [rustlings, "run", name]),
]}, open(spec, "w"))
PY
  echo "$name"
  python3 "$repo/bench/latency.py" "$spec" "$repo/bench/results/watch_and_run_$name.json"
done
