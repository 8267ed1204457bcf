#!/usr/bin/env bash
# UDP through relay (a `protocol: udp` route), nginx's stream module (`listen ... udp`) and socat (a process per
# client), with no proxy as the ceiling, on loopback:
#   - ping-pong latency of 64-byte datagrams (sockperf, one session), p50 and p99;
#   - datagrams per second with 16 in flight (udpload.c against udpecho.c, both C), 64 bytes cold (the first
#     DURATION seconds after the peer starts) and warm (after WARMUP seconds), and 1,400 bytes warm, with the
#     peer's CPU and what was lost;
#   - loss and jitter at a fixed offered rate (iperf3 -u -b UDP_RATE, 1,400-byte datagrams; iperf3's control
#     connection is TCP, so every peer carries TCP and UDP on the same port, as relay does with two routes);
#   - memory per idle session (udpsessions.py holds SESSIONS sessions, each answered once; the peer's PSS, its
#     children's included, before and while they are held).
# Peers in turn within each of ROUNDS rounds; a peer is started for each test and stopped after it. Every loop is
# bounded by a count or a timeout.
#
#   benchmarks/peers/udp-compare.sh
#   ROUNDS=3 DURATION=10 PEERS="direct relay" benchmarks/peers/udp-compare.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-3}"
PEERS="${PEERS:-direct nginx socat relay}"
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-}"
UDP_RATE="${UDP_RATE:-200M}"
SESSIONS="${SESSIONS:-2000}"
SOCKPERF_PORT=15402 ECHO_PORT=15401 PEER_PORT=15400 IPERF_PORT=15403
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
for tool in nginx socat sockperf iperf3 gcc python3; do command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }; done
[ -f "$root/relay-cli/target/relay.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
printf '<configuration><root level="WARN"/></configuration>\n' > "$work/quiet.xml"
gcc -O2 -o "$work/udpload" "$here/udpload.c"
gcc -O2 -o "$work/udpecho" "$here/udpecho.c"
sockperf server -i 127.0.0.1 -p "$SOCKPERF_PORT" >"$work/sockperf.log" 2>&1 &
iperf3 -s -B 127.0.0.1 -p "$IPERF_PORT" >"$work/iperf.log" 2>&1 &
"$work/udpecho" 127.0.0.1 "$ECHO_PORT" >"$work/udpecho.log" 2>&1 &
sleep 1

PEER_PID="" SIDE_PID=""
start_peer() { # name backend_port: UDP (and TCP, for iperf3's control connection) on PEER_PORT to backend_port
  SIDE_PID=""
  case "$1" in
    direct) PORT="$2"; PEER_PID=""; return 0 ;;
    nginx)
      cat > "$work/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
worker_rlimit_nofile 16384;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 16384; }
stream {
  server { listen 127.0.0.1:$PEER_PORT udp; proxy_pass 127.0.0.1:$2; proxy_timeout 60s; }
  server { listen 127.0.0.1:$PEER_PORT; proxy_pass 127.0.0.1:$2; }
}
CFG
      nginx -c "$work/nginx.conf" -p "$work" >"$work/nginx.log" 2>&1 & PEER_PID=$! ;;
    socat)
      socat -T 60 "UDP4-LISTEN:$PEER_PORT,bind=127.0.0.1,reuseaddr,fork" "UDP4:127.0.0.1:$2" >"$work/socat.log" 2>&1 &
      PEER_PID=$!
      socat "TCP4-LISTEN:$PEER_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP4:127.0.0.1:$2" >"$work/socat-tcp.log" 2>&1 &
      SIDE_PID=$! ;;
    relay|relay-io_uring)
      local transport=epoll
      [ "$1" = relay-io_uring ] && transport=io_uring
      cat > "$work/relay.yaml" <<CFG
transport: $transport
routes:
  - {name: udp, protocol: udp, listen: 127.0.0.1:$PEER_PORT, upstreams: [127.0.0.1:$2]}
  - {name: tcp, listen: 127.0.0.1:$PEER_PORT, upstreams: [127.0.0.1:$2]}
CFG
      # shellcheck disable=SC2086
      java $RELAY_JAVA_OPTS -Dlogback.configurationFile="$work/quiet.xml" -jar "$root/relay-cli/target/relay.jar" \
        run --config "$work/relay.yaml" >"$work/relay.log" 2>&1 & PEER_PID=$! ;;
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
# Proportional set size of the peer and its children, in KiB.
peer_pss_kib() {
  [ -n "$PEER_PID" ] || { echo 0; return; }
  local total=0 pid
  for pid in "$PEER_PID" $(ps --ppid "$PEER_PID" -o pid= 2>/dev/null); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
stop_peer() {
  if [ -n "$SIDE_PID" ]; then kill "$SIDE_PID" 2>/dev/null || true; fi
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
    start_peer "$peer" "$ECHO_PORT"
    # Cold: the first DURATION seconds after the start, as a restarted relay meets its traffic.
    out=$(timeout $((DURATION + 30)) "$work/udpload" 127.0.0.1 "$PORT" "$DURATION" 16 64 || true)
    echo "$round,$peer,cold_64,$(sed -n 's/.*datagrams_per_s=\([0-9]*\).*/\1/p' <<<"$out")" >> "$work/raw.csv"
    for size in 64 1400; do
      timeout $((WARMUP + 30)) "$work/udpload" 127.0.0.1 "$PORT" "$WARMUP" 16 "$size" >/dev/null || true
      cpu0=$(peer_ticks)
      out=$(timeout $((DURATION + 30)) "$work/udpload" 127.0.0.1 "$PORT" "$DURATION" 16 "$size" || true)
      cpu1=$(peer_ticks)
      echo "$round,$peer,rate_$size,$(sed -n 's/.*datagrams_per_s=\([0-9]*\).*/\1/p' <<<"$out")" >> "$work/raw.csv"
      echo "$round,$peer,lost_$size,$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$out")" >> "$work/raw.csv"
      echo "$round,$peer,cores_$size,$(python3 -c "print(($cpu1-$cpu0)/$(getconf CLK_TCK)/$DURATION)")" >> "$work/raw.csv"
    done
    stop_peer

    start_peer "$peer" "$IPERF_PORT"
    timeout $((DURATION + 30)) iperf3 -c 127.0.0.1 -p "$PORT" -u -b "$UDP_RATE" -l 1400 -t "$DURATION" -J \
      >"$work/iperf.json" 2>/dev/null || true
    stop_peer
    python3 - "$round" "$peer" "$work/iperf.json" >> "$work/raw.csv" <<'PY' || true
import json, sys
r, p, f = sys.argv[1], sys.argv[2], sys.argv[3]
s = json.load(open(f)).get('end', {}).get('sum', {})
if s:
    print(f"{r},{p},loss_pct,{s.get('lost_percent', '')}")
    print(f"{r},{p},jitter_ms,{s.get('jitter_ms', '')}")
PY

    if [ "$peer" != direct ]; then
      start_peer "$peer" "$ECHO_PORT"
      sleep 2   # the peer settled after its start
      before=$(peer_pss_kib)
      python3 "$here/udpsessions.py" 127.0.0.1 "$PORT" "$SESSIONS" 6 >"$work/sessions.out" &
      holder=$!
      for _ in $(seq 1 150); do grep -q answered "$work/sessions.out" && break; sleep 0.1; done
      sleep 2
      after=$(peer_pss_kib)
      answered=$(sed -n 's/.*answered=\([0-9]*\).*/\1/p' "$work/sessions.out")
      wait "$holder" || true
      stop_peer
      echo "$round,$peer,session_kib,$(python3 -c "print(($after-$before)/max(1,${answered:-0}))")" >> "$work/raw.csv"
      echo "$round,$peer,sessions_answered,${answered:-0}" >> "$work/raw.csv"
    fi
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
print(f"| peer | ping-pong p50 / p99 µs (64 B) | 64 B datagrams/s cold / warm (peer cores, lost) | 1,400 B datagrams/s warm (peer cores, lost) | iperf3 -u loss % / jitter ms | KiB per idle session |")
print("|---|---|---|---|---|---|")
for p in peers:
    d = f"{show(m(p, 'cold_64'), 0)} / {show(m(p, 'rate_64'), 0)} ({show(m(p, 'cores_64'), 2)}, {show(m(p, 'lost_64'), 0)})"
    e = f"{show(m(p, 'rate_1400'), 0)} ({show(m(p, 'cores_1400'), 2)}, {show(m(p, 'lost_1400'), 0)})"
    print(f"| {p} | {show(m(p, 'p50_us'))} / {show(m(p, 'p99_us'))} | {d} | {e} | "
          f"{show(m(p, 'loss_pct'), 3)} / {show(m(p, 'jitter_ms'), 3)} | {show(m(p, 'session_kib'), 2)} |")
PY
