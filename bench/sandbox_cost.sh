#!/usr/bin/env bash
# What the sandbox costs a save: save → verdict of this checkout's backlings beside an older
# one (default: the commit before the guard, limits and per-test verdicts), on the same
# exercise files of this checkout, in watch mode and as `run NAME`. The contenders take turns
# in rounds (bench/latency.py), so a noisy minute hits both alike.
# Usage: bench/sandbox_cost.sh [BASE] [NAME ...]   (default: cd0e3da; a std-only and a rusqlite exercise)
# Needs: python3, git; builds both in release mode (the base in a temporary worktree).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
base=${1:-cd0e3da}
shift || true
names=("$@")
[ $# -gt 0 ] || names=(intro_status_line sql_schema_and_crud)
export RUST_BACKTRACE=0 # see save_to_verdict.sh

cargo build -q --release --manifest-path "$repo/Cargo.toml"
new=$repo/target/release/backlings
worktree=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$worktree"' EXIT
git -C "$repo" worktree add -q --detach "$worktree" "$base"
CARGO_TARGET_DIR="$repo/target/bench-base" cargo build -q --release --manifest-path "$worktree/Cargo.toml"
old=$repo/target/bench-base/release/backlings
mkdir -p "$repo/bench/results"

for name in "${names[@]}"; do
  spec=$(mktemp)
  python3 - "$repo" "$name" "$old" "$new" "$base" >"$spec" <<'PY'
import json, re, sys, tomllib
repo, name, old, new, base = sys.argv[1:]
entry = next(e for e in tomllib.load(open(f"{repo}/info.toml", "rb"))["exercises"] if e["name"] == name)
file = f"{repo}/exercises/{entry['dir']}/{name}.rs"
done = re.escape(name) + r"(: \d+ of \d+ tests? fail| does not compile yet)"
state = f"mkdir -p .backlings && printf 'current = \"{name}\"\\ndone = []\\n' > .backlings/state.toml"
def contender(label, kind, command):
    return {"name": label, "kind": kind, "cwd": repo, "file": file, "command": command,
            "ready": done, "done": done, "setup": ["sh", "-c", state]}
json.dump({"rounds": 6, "per_round": 5, "contenders": [
    contender(f"{base} watch", "watch", [old]),
    contender("HEAD watch", "watch", [new]),
    contender(f"{base} run {name}", "run", [old, "run", name]),
    contender(f"HEAD run {name}", "run", [new, "run", name]),
]}, sys.stdout, indent=1)
PY
  echo "$name"
  python3 "$repo/bench/latency.py" "$spec" "$repo/bench/results/sandbox_cost_$name.json"
done
