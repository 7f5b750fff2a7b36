#!/usr/bin/env bash
# The in-process benchmarks (bench/KrustPm.Benchmarks, BenchmarkDotNet, Release, short job unless --job is given):
# runs them and writes their Markdown tables, one per class, to bench/results/engine-<date>.md.
#   bench/engine.sh                          everything (about 5 minutes)
#   bench/engine.sh --filter '*Reducer*'     some classes or methods (any BenchmarkDotNet option passes through)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" # BenchmarkDotNet finds the project to rebuild below the current folder
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT

args=("$@")
if ! printf '%s\n' "${args[@]}" | grep -qE '^(--filter|-f)$'; then
  args+=(--filter '*')
fi

load=$(cut -d' ' -f1-3 /proc/loadavg)
dotnet run -c Release --project bench/KrustPm.Benchmarks -- --artifacts "$artifacts" "${args[@]}"

out=$root/bench/results/engine-$(date +%F).md
mkdir -p "$(dirname "$out")"
{
  echo "# In-process benchmarks, $(date +%F)"
  echo
  echo "\`bench/engine.sh${*:+ $*}\` at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench/KrustPm.Benchmarks || echo ' (with local changes)');"
  echo "load average before the run: $load. Shared machine: compare rows of one run, not runs."
  for report in "$artifacts"/results/*-report-github.md; do
    echo
    echo "## $(basename "$report" -report-github.md | sed 's/^KrustPm\.Benchmarks\.//')"
    echo
    cat "$report"
  done
} > "$out"
echo "wrote $out" >&2
