#!/usr/bin/env bash
# krust-pm beside supervisord, PM2 and the C limit, through the shared harness (../shared/bench, its README says what
# each figure means): publishes the Native AOT build, runs the harness with it, and copies the Markdown it writes into
# bench/results/ (a --quick run as peers-quick-<date>.md, so a smoke test is never taken for figures).
#   bench/peers.sh                        every peer, about 10 minutes; wants a quiet machine
#   bench/peers.sh --quick krust-pm c-limit   smoke test of two peers
# Options and peer names pass through to the harness's run.sh; without a peer name, all four run.
# KRUST_PM_DIR=DIR uses a krust-pm already published there; SHARED_BENCH=DIR the harness (default ../shared/bench).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=${SHARED_BENCH:-$root/../shared/bench}
[ -f "$harness/run.sh" ] || { echo "no harness at $harness (set SHARED_BENCH)" >&2; exit 1; }
export BENCH_WORK=${BENCH_WORK:-/tmp/krust-bench}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dir=${KRUST_PM_DIR:-}
if [ -z "$dir" ]; then
  echo "publishing the Native AOT build (about a minute)..." >&2
  dir=$work/aot
  dotnet publish "$root/src/KrustPm.Host" -c Release -r linux-x64 -p:PublishAot=true -o "$dir" --nologo >/dev/null
fi

peers=(krust-pm supervisord pm2 c-limit)
quick=
for arg in "$@"; do
  case $arg in
    krust-pm | supervisord | pm2 | c-limit) peers=() ;;
    --quick) quick=-quick ;;
  esac
done

marker=$work/started
touch "$marker"
KRUST_PM_CMD="$dir/krust-pm --config {config}" KRUST_PM_PROGRAM_TOML=$'restart_delay_ms = 0' \
  bash "$harness/run.sh" "$@" "${peers[@]}"

mkdir -p "$root/bench/results"
copied=0
while IFS= read -r -d '' report; do
  name=$(basename "$report")
  [ -z "$quick" ] || name=${name/-/$quick-}
  cp "$report" "$root/bench/results/$name"
  echo "copied $report to bench/results/$name" >&2
  copied=$((copied + 1))
done < <(find "$BENCH_WORK/results" -maxdepth 1 -name '*.md' -newer "$marker" -print0 2>/dev/null)
[ "$copied" -gt 0 ] || echo "warning: no new Markdown in $BENCH_WORK/results (was --out given?)" >&2
