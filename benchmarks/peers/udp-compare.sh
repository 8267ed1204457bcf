#!/usr/bin/env bash
# UDP through relay (`forward --udp`) and nginx's stream module (`listen ... udp`), with no proxy as the ceiling, on
# loopback: ping-pong latency of 64-byte datagrams (sockperf, one session), and datagrams per second with 16 in
# flight (udpload.c against udpecho.c, both C: 64 and 1,400 bytes) with the peer's CPU. Peers in turn, ROUNDS
# times; a peer is started for each test and stopped after it. Every loop is bounded by a count or a timeout.
#
#   benchmarks/peers/udp-compare.sh
#   ROUNDS=3 DURATION=10 PEERS="direct relay" benchmarks/peers/udp-compare.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-3}"
PEERS="${PEERS:-direct nginx relay}"
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-}"
SOCKPERF_PORT=15402 ECHO_PORT=15401 PEER_PORT=15400
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in nginx sockperf gcc; do command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }; done
[ -f "$root/relay-cli/target/relay.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
printf '<configuration><root level="WARN"/></configuration>\n' > "$work/quiet.xml"
gcc -O2 -o "$work/udpload" "$here/udpload.c"
gcc -O2 -o "$work/udpecho" "$here/udpecho.c"
sockperf server -i 127.0.0.1 -p "$SOCKPERF_PORT" >"$work/sockperf.log" 2>&1 &
"$work/udpecho" 127.0.0.1 "$ECHO_PORT" >"$work/udpecho.log" 2>&1 &
sleep 1

PEER_PID=""
start_peer() { # name backend_port
  case "$1" in
    direct) PORT="$2"; PEER_PID=""; return 0 ;;
    nginx)
      cat > "$work/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
stream { server { listen 127.0.0.1:$PEER_PORT udp; proxy_pass 127.0.0.1:$2; proxy_timeout 60s; } }
CFG
      nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 & PEER_PID=$! ;;
    relay)
      # shellcheck disable=SC2086
      java $RELAY_JAVA_OPTS -Dlogback.configurationFile="$work/quiet.xml" -jar "$root/relay-cli/target/relay.jar" \
        forward --udp --listen "127.0.0.1:$PEER_PORT" --target "127.0.0.1:$2" >"$work/relay.log" 2>&1 & PEER_PID=$! ;;
  esac
  PORT=$PEER_PORT
  for _ in $(seq 1 200); do ss -Hlun "sport = :$PORT" | grep -q . && return 0; sleep 0.05; done
  log "$1: nothing listens on udp $PORT"; return 1
}
# CPU ticks of the peer and its direct children (nginx's workers).
peer_ticks() {
  [ -n "$PEER_PID" ] || { echo 0; return; }
  local total=0 pid
  for pid in "$PEER_PID" $(ps --ppid "$PEER_PID" -o pid= 2>/dev/null); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
stop_peer() {
  if [ -n "$PEER_PID" ]; then
    kill "$PEER_PID" 2>/dev/null || true
    timeout 20 tail --pid="$PEER_PID" -f /dev/null || kill -9 "$PEER_PID" 2>/dev/null || true
  fi
  PEER_PID=""
}

echo "round,peer,metric,value" > "$work/raw.csv"
for round in $(seq 1 "$ROUNDS"); do
  for peer in $PEERS; do
    log "round $round/$ROUNDS: $peer"
    start_peer "$peer" "$SOCKPERF_PORT"
    timeout $((WARMUP + 30)) sockperf ping-pong -i 127.0.0.1 -p "$PORT" -t "$WARMUP" -m 64 >/dev/null 2>&1 || true
    text=$(timeout $((DURATION + 30)) sockperf ping-pong -i 127.0.0.1 -p "$PORT" -t "$DURATION" -m 64 --full-rtt 2>&1 || true)
    stop_peer
    echo "$round,$peer,p50_us,$(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' <<<"$text" | head -1)" >> "$work/raw.csv"
    echo "$round,$peer,p99_us,$(sed -n 's/.*percentile 99.000 = *\([0-9.]*\).*/\1/p' <<<"$text" | head -1)" >> "$work/raw.csv"
    for size in 64 1400; do
      start_peer "$peer" "$ECHO_PORT"
      timeout $((WARMUP + 30)) "$work/udpload" 127.0.0.1 "$PORT" "$WARMUP" 16 "$size" >/dev/null || true
      cpu0=$(peer_ticks)
      out=$(timeout $((DURATION + 30)) "$work/udpload" 127.0.0.1 "$PORT" "$DURATION" 16 "$size" || true)
      cpu1=$(peer_ticks)
      stop_peer
      echo "$round,$peer,rate_$size,$(sed -n 's/.*datagrams_per_s=\([0-9]*\).*/\1/p' <<<"$out")" >> "$work/raw.csv"
      echo "$round,$peer,lost_$size,$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$out")" >> "$work/raw.csv"
      echo "$round,$peer,cores_$size,$(python3 -c "print(($cpu1-$cpu0)/$(getconf CLK_TCK)/$DURATION)")" >> "$work/raw.csv"
    done
  done
done

python3 - "$work/raw.csv" <<'PY'
import csv, statistics, sys
from collections import defaultdict
v = defaultdict(list)
peers = []
for r in csv.DictReader(open(sys.argv[1])):
    if r["value"]:
        v[(r["peer"], r["metric"])].append(float(r["value"]))
        if r["peer"] not in peers:
            peers.append(r["peer"])
def m(p, k):
    return statistics.median(v[(p, k)]) if v.get((p, k)) else None
def show(x, d=1):
    return "–" if x is None else f"{x:,.{d}f}"
print("| peer | ping-pong p50 / p99 µs (64 B) | 64 B datagrams/s echoed (peer cores, lost) | 1,400 B datagrams/s echoed (peer cores, lost) |")
print("|---|---|---|---|")
for p in peers:
    cells = [f"{show(m(p, f'rate_{n}'), 0)} ({show(m(p, f'cores_{n}'), 2)}, {show(m(p, f'lost_{n}'), 0)})" for n in (64, 1400)]
    print(f"| {p} | {show(m(p, 'p50_us'))} / {show(m(p, 'p99_us'))} | " + " | ".join(cells) + " |")
PY
