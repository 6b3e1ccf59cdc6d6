#!/usr/bin/env bash
# Save → verdict after a real one-line edit, side by side in one hyperfine run:
#   backlings run NAME            (the learner's command; the fast path after the first check)
#   cargo test --bin NAME         (what rustlings-style runners do)
#   floor                         (cargo's own rustc command for the test harness, then the
#                                  test binary: what any runner has to pay)
# Usage: bench/save_to_verdict.sh [NAME ...]   (default: a std-only and a rusqlite exercise)
# Needs: hyperfine (apt-get install hyperfine), python3, a warm target/ (run `cargo run` once).
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[ $# -gt 0 ] || names=(intro_status_line sql_schema_and_crud)
runs=${RUNS:-15}
# Backtraces cost ~0.1 s per panicking test (symbolisation); learners see none, and backlings
# turns them off for its test runs, so every contender runs without them.
export RUST_BACKTRACE=0

cargo build -q --release
backlings=$PWD/target/release/backlings
out=bench/results
mkdir -p "$out"

for name in "${names[@]}"; do
  file=$(python3 -c "import tomllib,sys; e=[e for e in tomllib.load(open('info.toml','rb'))['exercises'] if e['name']==sys.argv[1]][0]; print(f\"exercises/{e['dir']}/{e['name']}.rs\")" "$name")
  backup=$(mktemp)
  cp "$file" "$backup"
  trap 'cp "$backup" "$file"' EXIT
  edit="echo \"// edit \$RANDOM\$RANDOM\" >> $file"

  # Learn the recipe (cargo's rustc command) and write the floor as a script.
  eval "$edit"; "$backlings" run "$name" >/dev/null 2>&1 || true
  eval "$edit"; "$backlings" run "$name" >/dev/null 2>&1 || true
  floor=$(mktemp)
  python3 - "$name" "$floor" <<'PY'
import json, shlex, sys
name, out = sys.argv[1], sys.argv[2]
r = json.load(open(f"target/backlings/recipes/{name}.json"))
env = " ".join(f"{k}={shlex.quote(v)}" for k, v in r["env"])
cmd = " ".join(shlex.quote(a) for a in [r["program"], *r["args"]])
open(out, "w").write(f"{env} {cmd} 2>/dev/null\ncd course && {shlex.quote(r['executable'])} -q >/dev/null 2>&1\n")
PY

  hyperfine --warmup 2 --runs "$runs" -i \
    --prepare "$edit" \
    --export-json "$out/save_to_verdict_$name.json" \
    -n "backlings run $name" "$backlings run $name" \
    -n "cargo test --bin $name" "cargo test -q -p backlings-course --bin $name" \
    -n "floor: rustc --test + test binary" "bash $floor" 2>&1 | grep -v '^ *Warning'
  cp "$backup" "$file"
  trap - EXIT
  python3 - "$out/save_to_verdict_$name.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor = results[-1]["median"]
for r in results:
    print(f"  median {r['median'] * 1000:6.1f} ms  {r['median'] / floor:4.2f}x floor  {r['command']}")
PY
done
