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
  spec=$(mktemp)
  python3 "$repo/bench/spec.py" "$course" "$name" "$backlings" "$rustlings" >"$spec"
  echo "$name"
  python3 "$repo/bench/latency.py" "$spec" "$repo/bench/results/watch_and_run_$name.json"
done
