#!/usr/bin/env bash
# Lays out two exercise sets in rustlings 6.5's third-party format (info.toml + a Cargo.toml
# whose `bin = [...]` lists every exercise and solution), so that rustlings and backlings can
# be run side by side on the very same files:
#   OUT/rustlings  rustlings' own 94 exercises, from its crates.io package (exercises/,
#                  solutions/, dev-Cargo.toml) and info.toml from rustlings-macros
#   OUT/backlings  this course: its exercises, solutions, support library, dependencies,
#                  Cargo.lock and dependency profile
# Each is a git repository with the shipped state committed. Reruns start from scratch but
# keep target/ (the course's dependencies take minutes to build cold).
# Usage: bench/rustlings_layouts.sh OUT
# Needs: rustlings 6.5 from `cargo install rustlings --version 6.5.0 --locked` (which leaves its
# sources in cargo's registry), python3, git.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/rustlings_layouts.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)
registry=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/ | head -1)
rustlings_src=$registry/rustlings-6.5.0
macros_src=$registry/rustlings-macros-6.5.0
[ -d "$rustlings_src" ] && [ -d "$macros_src" ] || {
  echo "rustlings 6.5.0 sources not found in $registry: run cargo install rustlings --version 6.5.0 --locked" >&2
  exit 1
}

fresh() { # DIR: empty it, keeping target/
  mkdir -p "$1"
  find "$1" -mindepth 1 -maxdepth 1 ! -name target -exec rm -rf {} +
}
commit() {
  git -C "$1" init -q -b main
  git -C "$1" add -A
  git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -q -m shipped
}

# rustlings' own set: dev-Cargo.toml points one level up and starts with a comment line that
# `rustlings init` strips.
fresh "$out/rustlings"
cp -r "$rustlings_src/exercises" "$rustlings_src/solutions" "$out/rustlings/"
cp "$macros_src/info.toml" "$out/rustlings/"
sed -e '1d' -e 's#"\.\./#"#' "$rustlings_src/dev-Cargo.toml" >"$out/rustlings/Cargo.toml"
printf 'target/\n' >"$out/rustlings/.gitignore"
commit "$out/rustlings"

# This course, one package at the root as rustlings wants it.
fresh "$out/backlings"
cp -r "$repo/exercises" "$repo/solutions" "$repo/info.toml" "$repo/Cargo.lock" "$out/backlings/"
cp -r "$repo/course/src" "$out/backlings/src"
python3 - "$repo" "$out/backlings/Cargo.toml" <<'PY'
import re, sys, tomllib
repo, out = sys.argv[1], sys.argv[2]
course = open(f"{repo}/course/Cargo.toml").read()
manifest = tomllib.loads(course)
bins = "\n".join(
    f'  {{ name = "{b["name"]}", path = "{b["path"].removeprefix("../")}" }},' for b in manifest["bin"]
)
# Everything after the bins ([dependencies], [lints.*]) is copied as written.
rest = course[course.index("[dependencies]"):]
profile = open(f"{repo}/Cargo.toml").read()
profile = profile[profile.index("[profile."):]
open(out, "w").write(f"""bin = [
{bins}
]

[package]
name = "backlings-course"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
name = "backend_support"
path = "src/lib.rs"

{rest}
{profile}""")
PY
printf 'target/\n' >"$out/backlings/.gitignore"
# Cargo drops the runner's own packages from the copied lock file (no version changes).
cargo metadata --offline -q --format-version 1 --manifest-path "$out/backlings/Cargo.toml" >/dev/null
commit "$out/backlings"
echo "laid out $out/rustlings and $out/backlings"
