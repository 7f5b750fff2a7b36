#!/usr/bin/env bash
# End-to-end benchmark of output capture: a child writes SIZE_MB as fast as it can to stdout; krust-pm copies it
# into the log file. Prints the throughput into the file, krust-pm's peak RSS, and, as the baseline measured in the
# same run, the same child writing straight to a file (the disk's own speed).
#   bench/log-throughput.sh [KRUST_PM_BINARY] (default: publishes src/KrustPm.Host to a temporary folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${SIZE_MB:-100}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

binary=${1:-}
if [ -z "$binary" ]; then
  dotnet publish "$root/src/KrustPm.Host" -c Release -o "$work/bin" --nologo >/dev/null
  binary=$work/bin/krust-pm
fi

bytes=$((size_mb * 1024 * 1024))
now() { date +%s%N; }

# Baseline: the child writing to the file itself.
start=$(now)
dd if=/dev/zero bs=1M count="$size_mb" status=none > "$work/direct.log"
base_ms=$(( ($(now) - start) / 1000000 ))

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
[writer]
command = "sh -c 'dd if=/dev/zero bs=1M count=$size_mb status=none; exec sleep 300'"
log_max_bytes = 0
TOML
"$binary" --config "$work/krust-pm.toml" 2>"$work/krust.err" &
pid=$!
file=$work/logs/writer.0.stdout.log
deadline=$(( $(now) + 60000000000 ))
wait_for() { until eval "$1"; do [ "$(now)" -lt "$deadline" ] || { echo "timed out: $1" >&2; cat "$work/krust.err" >&2; exit 1; }; sleep 0.001; done; }
wait_for '[ -f "$file" ]'
start=$(now)
wait_for '[ "$(stat -c %s "$file")" -ge "$bytes" ]' 
krust_ms=$(( ($(now) - start) / 1000000 ))
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill -TERM $pid; wait $pid || true

mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.0f", (b / 1048576) / (ms / 1000) }'; }
echo "log capture of ${size_mb} MiB: ${krust_ms} ms = $(mbps "$krust_ms") MiB/s into the file (krust-pm peak RSS $((hwm / 1024)) MiB)"
echo "baseline, child writing the file itself: ${base_ms} ms = $(mbps "$base_ms") MiB/s; ratio krust-pm/direct = $(awk -v a="$krust_ms" -v b="$base_ms" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')x the time"
