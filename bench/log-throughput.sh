#!/usr/bin/env bash
# End-to-end benchmark of output capture: a child writes SIZE_MB as fast as it can to stdout; krust-pm copies it
# into its log files. Two shapes, as the output-capture tests once measured them in-process:
#   one-line  one line of SIZE_MB bytes, no rotation (log_max_bytes = 0)
#   lines     81-byte lines, rotated at 10 MiB (log_backups = 20)
# For each: MiB/s into the files, krust-pm's CPU (user + system) for the copy and its peak RSS, and, as the baseline
# measured in the same run, the same child writing straight to a file (the disk's own speed).
#   bench/log-throughput.sh [KRUST_PM_BINARY] (default: publishes src/KrustPm.Host to a temporary folder)
#   SHAPES="one-line lines" SIZE_MB=100
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${SIZE_MB:-100}
shapes=${SHAPES:-one-line lines}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

binary=${1:-}
if [ -z "$binary" ]; then
  dotnet publish "$root/src/KrustPm.Host" -c Release -o "$work/bin" --nologo >/dev/null
  binary=$work/bin/krust-pm
fi

bytes=$((size_mb * 1024 * 1024))
ticks=$(getconf CLK_TCK)
now() { date +%s%N; }
cpu_ms() { awk -v t="$ticks" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$1/stat"; }
mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.0f", (b / 1048576) / ((ms > 0 ? ms : 1) / 1000) }'; }

line=$(printf 'x%.0s' $(seq 80)) # 80 bytes, and the newline
for shape in $shapes; do
  case $shape in
    one-line) child="dd if=/dev/zero bs=1M count=$size_mb status=none"; max_bytes=0 ;;
    lines) child="yes $line | head -c $bytes"; max_bytes=10485760 ;;
    *) echo "unknown shape: $shape (one-line, lines)" >&2; exit 2 ;;
  esac

  # Baseline: the child writing to the file itself.
  start=$(now)
  sh -c "$child" > "$work/direct.log"
  base_ms=$(( ($(now) - start) / 1000000 ))
  rm -f "$work/direct.log"

  rm -rf "$work/logs"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  # The child waits for a file, so krust-pm's start-up is not in the measure.
  cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
[writer]
command = "sh -c 'while [ ! -e go ]; do sleep 0.01; done; $child; exec sleep 300'"
log_max_bytes = $max_bytes
log_backups = 20
TOML
  rm -f "$work/go"
  "$binary" --config "$work/krust-pm.toml" 2>"$work/krust.err" &
  pid=$!
  file=$work/logs/writer.0.stdout.log
  deadline=$(( $(now) + 120000000000 ))
  wait_for() { until eval "$1"; do [ "$(now)" -lt "$deadline" ] || { echo "timed out: $1" >&2; cat "$work/krust.err" >&2; exit 1; }; sleep 0.01; done; }
  # Every byte in the files (a rotation during the sum can only make it fall short; the poll then looks again).
  written() { stat -c %s "$file" "$file".* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
  wait_for '[ -f "$file" ]'
  cpu_before=$(cpu_ms $pid)
  start=$(now)
  touch "$work/go"
  wait_for '[ "$(written)" -ge "$bytes" ]'
  krust_ms=$(( ($(now) - start) / 1000000 ))
  cpu=$(( $(cpu_ms $pid) - cpu_before ))
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  files=$(ls "$work/logs" | grep -c '^writer.0.stdout.log')
  kill -TERM $pid; wait $pid || true
  unset pid

  echo "$shape, ${size_mb} MiB: ${krust_ms} ms = $(mbps "$krust_ms") MiB/s into $files file(s); krust-pm CPU ${cpu} ms, peak RSS $((hwm / 1024)) MiB"
  echo "  baseline, child writing the file itself: ${base_ms} ms = $(mbps "$base_ms") MiB/s; ratio krust-pm/direct = $(awk -v a="$krust_ms" -v b="$base_ms" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')x the time"
done
