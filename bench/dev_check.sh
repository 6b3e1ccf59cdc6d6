#!/usr/bin/env bash
# Whole-course checks side by side, on the layouts of bench/rustlings_layouts.sh:
#   rustlings' own 94 exercises:  rustlings dev check  vs  backlings dev check
#   this course:                  backlings dev check and backlings verify (rustlings dev check
#                                 rejects it: it runs rustfmt with edition 2024 style on the
#                                 solutions, and this course is formatted for edition 2021)
# warm (everything built before) and cold (target/ and backlings' .backlings/ removed before
# each run; for this course that includes building its dependencies).
# Usage: bench/dev_check.sh LAYOUTS   (WARM_RUNS=5 COLD_RUNS=2 by default)
# Needs: hyperfine, rustlings on PATH (cargo install rustlings --version 6.5.0 --locked).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
layouts=$(cd "${1:?usage: bench/dev_check.sh LAYOUTS}" && pwd)
warm=${WARM_RUNS:-5}
cold=${COLD_RUNS:-2}
export RUST_BACKTRACE=0 # see save_to_verdict.sh
cargo build -q --release --manifest-path "$repo/Cargo.toml"
backlings=$repo/target/release/backlings
rustlings=$(command -v rustlings)
results=$repo/bench/results
mkdir -p "$results"

side_by_side() { # NAME RUNS [hyperfine args...]
  local name=$1 runs=$2
  shift 2
  hyperfine -i --runs "$runs" --export-json "$results/dev_check_$name.json" "$@" 2>&1 |
    grep -v '^ *Warning'
}

rustlings_dev_check=(-n "rustlings dev check" "$rustlings dev check")
backlings_dev_check=(-n "backlings dev check" "$backlings dev check")
from_scratch=(--prepare "rm -rf target .backlings")

cd "$layouts/rustlings"
echo "== rustlings' exercises, warm"
side_by_side rustlings_warm "$warm" --warmup 1 "${rustlings_dev_check[@]}" "${backlings_dev_check[@]}"
echo "== rustlings' exercises, cold"
side_by_side rustlings_cold "$cold" "${from_scratch[@]}" "${rustlings_dev_check[@]}" "${backlings_dev_check[@]}"

cd "$layouts/backlings"
echo "== this course, warm"
side_by_side backlings_warm "$warm" --warmup 1 "${backlings_dev_check[@]}" \
  -n "backlings verify" "$backlings verify"
echo "== this course, cold (dependencies included)"
side_by_side backlings_cold "$cold" "${from_scratch[@]}" "${backlings_dev_check[@]}"
