#!/usr/bin/env bash
# krust-pm's memory under a flood of streams that never read, and after it.
# Starts krust-pm on one busy program (FLOOD_MB_S MB/s of 100-byte lines), then opens FOLLOWERS log followers and
# SSE_READERS event streams that send their request and never read a byte, while a client scales another program up
# and down (so events flow). Once every stream is open, waits FLOOD_S seconds (printing the peak RSS), closes them,
# and prints krust-pm's RSS 2 s later and after IDLE_S more seconds; also how many streams were refused (503) when
# more than max_streams were asked for. STDERR_TO=FILE keeps krust-pm's own log.
#   bench/stream-flood.sh BINARY_DIR            (a published krust-pm, JIT or Native AOT)
#   FOLLOWERS=300 SSE_READERS=300 FLOOD_S=20 bench/stream-flood.sh /tmp/h-api-aot
set -euo pipefail
dir=${1:?usage: bench/stream-flood.sh BINARY_DIR}
followers=${FOLLOWERS:-300}
readers=${SSE_READERS:-0}
flood_s=${FLOOD_S:-20}
idle_s=${IDLE_S:-30}
rate=${FLOOD_MB_S:-20}
max_streams=${MAX_STREAMS:-}
work=$(mktemp -d)
trap 'kill "${pid:-}" "${streams:-}" "${churn:-}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/busy.py" <<PY
import sys, time
chunk = (b"x" * 99 + b"\n") * 10000   # 1 MB
while True:
    sys.stdout.buffer.write(chunk)
    sys.stdout.flush()
    time.sleep(1.0 / $rate)
PY
cat > "$work/krust-pm.toml" <<TOML
server-port = "127.0.0.1:$port"
${max_streams:+max_streams = $max_streams}
[busy]
command = "python3 $work/busy.py"
log_max_bytes = 10485760
log_backups = 1
[churn]
command = "sleep 3600"
max_instances = 20
log = false
TOML

rss() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/$pid/status; }

"$dir/krust-pm" --config "$work/krust-pm.toml" 2>"${STDERR_TO:-$work/stderr}" &
pid=$!
until curl -sf -o /dev/null -H "Host: 127.0.0.1:$port" "http://127.0.0.1:$port/healthz"; do
  kill -0 $pid 2>/dev/null || { cat "${STDERR_TO:-$work/stderr}" >&2; exit 1; }
  sleep 0.05
done
sleep 5
echo "idle (busy program running): $(rss) MiB"

# The streams: each connects, sends its request, reads the status line only (to count 503s), then never reads again.
cat > "$work/streams.py" <<PY
import socket, sys, time
port, followers, readers = $port, $followers, $readers
socks, refused = [], 0
def open_stream(path):
    global refused
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    status = s.recv(12)
    if b" 503" in status:
        refused += 1
        s.close()
    else:
        socks.append(s)
for _ in range(followers):
    open_stream("/api/v1/programs/busy/logs?follow=true&tail=0")
for _ in range(readers):
    open_stream("/api/v1/events?since=0")
print(f"streams open: {len(socks)}, refused with 503: {refused}", flush=True)
sys.stdin.read()          # hold them until told
for s in socks:
    s.close()
PY
mkfifo "$work/hold"
python3 "$work/streams.py" < "$work/hold" > "$work/streams.out" &
streams=$!
exec 3>"$work/hold"
until grep -q "streams open" "$work/streams.out"; do
  kill -0 $streams 2>/dev/null || { echo "the streams could not be opened" >&2; exit 1; }
  sleep 0.2
done
cat "$work/streams.out"

( while :; do
    curl -sf -o /dev/null -H "Host: 127.0.0.1:$port" "http://127.0.0.1:$port/ps?name=churn&to=10"
    curl -sf -o /dev/null -H "Host: 127.0.0.1:$port" "http://127.0.0.1:$port/ps?name=churn&to=1"
  done ) &
churn=$!

peak=0
for _ in $(seq "$flood_s"); do
  sleep 1
  now=$(rss)
  peak=$(awk -v a="$peak" -v b="$now" 'BEGIN { print (b > a) ? b : a }')
done
echo "under the flood: $(rss) MiB (peak $peak MiB)"

kill $churn; wait $churn 2>/dev/null || true; churn=
exec 3>&-
wait $streams || true; streams=
sleep 2
echo "2 s after the streams closed: $(rss) MiB"
sleep "$idle_s"
echo "after $idle_s s more idle: $(rss) MiB"
kill -TERM $pid
wait $pid || true
pid=
