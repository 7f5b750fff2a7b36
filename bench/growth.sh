#!/usr/bin/env bash
# How krust-pm's costs grow with the number of instances. For each N in NS (default "10 1000 5000"): start krust-pm
# with one program of N `sleep 3600` instances and measure
#   - cold start: exec until GET / shows N instances Running (GET / polled every 20 ms, so the figure includes the
#     last poll's own latency);
#   - RSS: krust-pm's VmRSS, 2 s after every instance runs;
#   - GET /: median time_total of CURLS (default 20) sequential curls (after one warm-up), and the body's size;
#   - restart: KILLS (default 5) times, SIGKILL one instance's pid, then poll GET / until that instance is Running
#     again with a new pid; the median (resolution: one GET / and its parsing at that N, ~15 ms at 5000; the shared
#     harness, bench/peers.sh, measures restarts at 10 instances to the millisecond through /proc);
#   - stop: SIGTERM until krust-pm has exited (it stops every instance first).
# Then checks that none of the processes krust-pm had started is left. Prints one table.
#   bench/growth.sh [BINARY]   (default: publishes the Native AOT build into a temporary folder first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
read -r -a ns <<<"${NS:-10 1000 5000}"
curls=${CURLS:-20}
kills=${KILLS:-5}
work=$(mktemp -d)
pid=
tracked=()

now() { date +%s%N; }
ms_since() { echo $(( ($(now) - $1) / 1000000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Alive and not a zombie (krust-pm is our child: until it is reaped, kill -0 would still succeed).
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# krust-pm's children (the instances and its guardian) and their children: what must be gone once it has stopped.
descendants() {
  local child grandchild
  for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
    echo "$child"
    for grandchild in $(cat /proc/"$child"/task/*/children 2>/dev/null); do echo "$grandchild"; done
  done
}

# SIGTERM krust-pm and wait (at most 120 s) until it has exited; sets stopped_ms. Returns its exit code. Runs in
# this shell (never in $(...)): only this shell can reap krust-pm.
stopped_ms=
stop_krust() {
  local t0 rc=0
  t0=$(now)
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1200); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    echo "krust-pm did not exit within 120 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" || rc=$?
  pid=
  stopped_ms=$(ms_since "$t0")
  return "$rc"
}

# Whatever krust-pm left behind is killed by pid (never by name: other sessions run tests on this machine).
leftovers() {
  local p left=()
  for p in "${tracked[@]}"; do
    if alive "$p"; then left+=("$p"); fi
  done
  tracked=()
  if [ ${#left[@]} -gt 0 ]; then
    echo "LEFT RUNNING after krust-pm stopped: ${#left[@]} process(es), e.g. $(ps -o pid=,args= -p "${left[0]}" || true); killing them" >&2
    kill -KILL "${left[@]}" 2>/dev/null || true
    return 1
  fi
}

cleanup() {
  local rc=$?
  if [ -n "$pid" ]; then
    tracked+=($(descendants "$pid"))
    stop_krust || true
  fi
  leftovers || rc=1
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

binary=${1:-}
if [ -z "$binary" ]; then
  echo "publishing the Native AOT build (about a minute)..." >&2
  dotnet publish "$root/src/KrustPm.Host" -c Release -r linux-x64 -p:PublishAot=true -o "$work/aot" --nologo >/dev/null
  binary=$work/aot/krust-pm
fi
[ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 1; }

# krust-pm holds two pipe ends per instance (stdout and stderr are read even with log = false): allow 3 descriptors
# per instance, and room for the server.
max_n=$(printf '%s\n' "${ns[@]}" | sort -n | tail -n 1)
want=$(( 3 * max_n + 1024 ))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want" ]; then
  ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  if [ "$(ulimit -n)" -lt "$want" ]; then
    echo "warning: open files limited to $(ulimit -n) (wanted $want); the largest N may fail to start" >&2
  fi
fi

url=
# Prints "STATUS PID" of instance $1 from GET / (the JSON is indented: one field per line).
instance() {
  curl -sf "$url" | awk -v id="$1" '
    /"id":/ { gsub(/[^0-9]/, "", $2); mine = ($2 == id); next }
    mine && /"status":/ { gsub(/[",]/, "", $2); status = $2 }
    mine && /"pid":/ { gsub(/[^0-9]/, "", $2); pid = $2 }
    END { print (status == "" ? "-" : status), (pid == "" ? "-" : pid) }' || echo "- -"
}
running() { { curl -sf "$url" || true; } | grep -o '"status": "Running"' | wc -l; }

rows=()
load=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${ns[@]}"; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  url=http://127.0.0.1:$port/
  cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
[sleeper]
command = "sleep 3600"
instances = $n
max_instances = $n
max_retries = 0
restart_delay_ms = 0
log = false
TOML

  echo "N=$n: starting" >&2
  t0=$(now)
  "$binary" --config "$work/krust-pm.toml" >"$work/krust-pm.log" 2>&1 &
  pid=$!
  until [ "$(running)" -ge "$n" ]; do
    if ! alive "$pid" || [ "$(ms_since "$t0")" -gt 300000 ]; then
      echo "N=$n: krust-pm did not get $n instances Running (it has $(running)); its log ends with:" >&2
      tail -n 20 "$work/krust-pm.log" >&2
      exit 1
    fi
    sleep 0.02
  done
  cold=$(ms_since "$t0")

  sleep 2
  rss=$(awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")

  echo "N=$n: GET / x $curls" >&2
  curl -sf -o /dev/null "$url"
  get=$(for _ in $(seq "$curls"); do curl -sf -o /dev/null -w '%{time_total}\n' "$url"; done | awk '{ print $1 * 1000 }' | median)
  get=$(printf '%.2f' "$get")
  size=$(curl -sf -o /dev/null -w '%{size_download}' "$url")

  echo "N=$n: restart x $kills" >&2
  restarts=()
  for k in $(seq 0 $(( kills - 1 ))); do
    id=$(( (k * 7919) % n ))
    read -r status old < <(instance "$id")
    [ "$status" = Running ] || { echo "N=$n: instance $id is $status, not Running" >&2; exit 1; }
    t0=$(now)
    kill -KILL "$old"
    while :; do
      read -r status new < <(instance "$id")
      if [ "$status" = Running ] && [ "$new" != "$old" ] && [ "$new" != - ]; then break; fi
      if [ "$(ms_since "$t0")" -gt 60000 ]; then echo "N=$n: instance $id did not run again within 60 s" >&2; exit 1; fi
      sleep 0.001
    done
    restarts+=($(ms_since "$t0"))
  done
  restart=$(printf '%s\n' "${restarts[@]}" | median)

  tracked=($(descendants "$pid"))
  echo "N=$n: stopping (${#tracked[@]} processes below krust-pm)" >&2
  rc=0
  stop_krust || rc=$?
  [ "$rc" -eq 0 ] || { echo "N=$n: krust-pm exited $rc after SIGTERM; its log ends with:" >&2; tail -n 20 "$work/krust-pm.log" >&2; exit 1; }
  leftovers

  rows+=("$(printf '| %6s | %10s | %9s | %11s | %10s | %11s | %8s |' \
    "$n" "$cold" "$rss" "$get" "$(( size / 1024 ))" "$restart" "$stopped_ms")")
done

echo
echo "krust-pm $("$binary" --version 2>/dev/null | head -n 1 || echo '?'), $(nproc) cores, load average before: $load"
echo
echo "|      N | start (ms) | RSS (MiB) | GET / (ms) | GET / KiB | restart (ms) | stop (ms) |"
echo "|-------:|-----------:|----------:|-----------:|----------:|------------:|---------:|"
printf '%s\n' "${rows[@]}"
echo
echo "start: exec to N Running on GET / (polled every 20 ms); RSS 2 s later; GET /: median of $curls curls;"
echo "restart: SIGKILL of one instance to Running with a new pid on GET /, median of $kills; stop: SIGTERM to exit."
