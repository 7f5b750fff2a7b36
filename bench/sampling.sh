#!/usr/bin/env bash
# What sampling costs krust-pm (issue: resources and metrics): its CPU time with INSTANCES `sleep` instances over
# SECONDS, once with sample_interval_ms = 2000 and once with 0 (off), measured in the same run from /proc/PID/stat;
# and the time of GET /metrics at that size (median of 20). Prints % of one core for each, the difference, the
# per-instance cost of one sample in µs, and the /metrics time.
#   bench/sampling.sh [AOT_DIR] (default: publishes the Native AOT build into a temporary folder first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
instances=${INSTANCES:-1000}
seconds=${SECONDS_MEASURED:-30}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

aot=${1:-}
if [ -z "$aot" ]; then
  echo "publishing the Native AOT build (about two minutes)..." >&2
  dotnet publish "$root/src/KrustPm.Host" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" --nologo >/dev/null
  aot=$work/aot
fi

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

measure() { # $1 = sample_interval_ms; prints "percent_of_one_core"
  cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
journal = false
sample_interval_ms = $1
[sleeper]
command = "sleep 3600"
instances = $instances
max_instances = $instances
log = false
TOML
  "$aot/krust-pm" --config "$work/krust-pm.toml" 2>"$work/stderr" &
  pid=$!
  until [ "$(curl -s "127.0.0.1:$port/" | grep -o '"Running"' | wc -l)" -ge "$instances" ]; do sleep 0.5; done
  sleep 3
  local before; before=$(ticks "$pid")
  sleep "$seconds"
  local after; after=$(ticks "$pid")
  if [ "$1" != 0 ]; then
    for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "127.0.0.1:$port/metrics"; done | sort -n | sed -n 10p > "$work/metrics"
  fi
  kill -TERM "$pid"; wait "$pid" || true
  awk -v t=$((after - before)) -v s="$seconds" 'BEGIN { printf "%.2f\n", t / s }' # ticks are 1/100 s: ticks/s = % of one core
}

on=$(measure 2000)
off=$(measure 0)
metrics_ms=$(awk '{ printf "%.1f", $1 * 1000 }' "$work/metrics")
awk -v on="$on" -v off="$off" -v n="$instances" -v ms="$metrics_ms" 'BEGIN {
  printf "instances: %d\n", n
  printf "krust-pm CPU, sampling every 2 s: %.2f %% of one core\n", on
  printf "krust-pm CPU, sampling off:       %.2f %% of one core\n", off
  printf "cost of sampling: %.2f %% of one core; %.1f us per instance per sample\n", on - off, (on - off) / 100 * 2 * 1e6 / n
  printf "GET /metrics at %d instances: %s ms (median of 20)\n", n, ms
}'
