#!/usr/bin/env bash
# Start-up time and memory of the two ways to ship krust-pm: the default (JIT) publish and the Native AOT binary.
# For each build, RUNS times: start krust-pm on a config with SLEEPERS `sleep` instances, time until GET /healthz
# answers, wait for every instance to run, settle 2 s, read the RSS; then SIGTERM and check it exits 0.
# Prints medians per build, the binary size, and the AOT/JIT ratios measured in this same run.
#   bench/startup-memory.sh [JIT_DIR AOT_DIR] (default: publishes both into a temporary folder first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
sleepers=${SLEEPERS:-1}
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

jit=${1:-}
aot=${2:-}
if [ -z "$jit" ]; then
  echo "publishing the JIT build and the Native AOT build (about a minute)..." >&2
  dotnet publish "$root/src/KrustPm.Host" -c Release -o "$work/jit" --nologo >/dev/null
  dotnet publish "$root/src/KrustPm.Host" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" --nologo >/dev/null
  jit=$work/jit aot=$work/aot
fi

now() { date +%s%N; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
[sleeper]
command = "sleep 3600"
instances = $sleepers
log = false
TOML

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

measure() { # $1 = label, $2 = binary; prints "label start_ms rss_mib"
  local starts=() rsses=()
  for _ in $(seq "$runs"); do
    local t0; t0=$(now)
    "$2" --config "$work/krust-pm.toml" 2>"$work/stderr" &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
      if [ $(( $(now) - t0 )) -gt 30000000000 ] || ! kill -0 $pid 2>/dev/null; then
        echo "$1 did not answer on /healthz:" >&2; cat "$work/stderr" >&2; exit 1
      fi
      sleep 0.002
    done
    starts+=($(( ($(now) - t0) / 1000000 )))
    until [ "$(curl -sf "http://127.0.0.1:$port/" | grep -o '"status": *"Running"' | wc -l)" -ge "$sleepers" ]; do sleep 0.01; done
    sleep 2
    rsses+=($(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/$pid/status))
    kill -TERM $pid
    local rc=0; wait $pid || rc=$?
    [ "$rc" -eq 0 ] || { echo "$1 exited $rc after SIGTERM" >&2; exit 1; }
    pid=
  done
  echo "$1 $(printf '%s\n' "${starts[@]}" | median) $(printf '%s\n' "${rsses[@]}" | median)"
}

j=$(measure jit "$jit/krust-pm")
a=$(measure aot "$aot/krust-pm")
size() { du -sm "$1" | cut -f1; }
printf '%-6s %12s %12s %12s\n' build "start (ms)" "RSS (MiB)" "size (MiB)"
read -r _ js jr <<<"$j"; read -r _ as ar <<<"$a"
printf '%-6s %12s %12s %12s\n' JIT "$js" "$jr" "$(size "$jit") (folder)"
printf '%-6s %12s %12s %12s\n' AOT "$as" "$ar" "$(size "$aot/krust-pm")"
echo "medians of $runs runs with $sleepers sleeper(s); AOT/JIT: start $(awk -v a="$as" -v b="$js" 'BEGIN { printf "%.2f", a / b }')x, RSS $(awk -v a="$ar" -v b="$jr" 'BEGIN { printf "%.2f", a / b }')x"
