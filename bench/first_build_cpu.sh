#!/bin/sh
# CPU time (user, system, wall seconds) of a cold build of the course package's dependencies
# and support library, in a throwaway target directory. CPU time is what other processes
# inflate least; the wall time is printed too, for reference only.
# Usage: bench/first_build_cpu.sh [CHECKOUT]   (default: this checkout)
set -e
cd "${1:-$(dirname "$0")/..}"
dir=$(mktemp -d)
/usr/bin/time -f "%U %S %e" -o "$dir/time.txt" \
    cargo build -q -p backlings-course --lib --target-dir "$dir/target" --offline
cat "$dir/time.txt"
rm -rf "$dir"
