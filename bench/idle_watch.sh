#!/usr/bin/env bash
# Idle watch mode, backlings beside rustlings 6.5 on the backlings layout of
# bench/rustlings_layouts.sh: CPU time, wake-ups and memory over SECONDS (see bench/idle.py).
# Usage: bench/idle_watch.sh LAYOUTS [SECONDS]   (default 60)
# Needs: rustlings on PATH (cargo install rustlings --version 6.5.0 --locked), python3.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
layouts=$(cd "${1:?usage: bench/idle_watch.sh LAYOUTS [SECONDS]}" && pwd)
seconds=${2:-60}
cargo build -q --release --manifest-path "$repo/Cargo.toml"
mkdir -p "$repo/bench/results"
spec=$(mktemp)
python3 "$repo/bench/spec.py" "$layouts/backlings" intro_status_line \
  "$repo/target/release/backlings" "$(command -v rustlings)" >"$spec"
python3 "$repo/bench/idle.py" "$seconds" "$spec" "$repo/bench/results/idle_watch.json"
