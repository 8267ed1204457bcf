#!/usr/bin/env bash
# Measures relay against HAProxy (mode tcp, with and without forced splice), nginx's stream module and socat,
# with no relay at all as the baseline, on loopback only. Rounds are interleaved (every peer once per round) and
# the report takes medians, so drift on a shared machine hits every peer alike.
#
#   benchmarks/peers/compare.sh                  # 2 rounds, 5 s per test, 8000 idle connections
#   ROUNDS=3 DURATION=10 PEERS="direct haproxy relay" benchmarks/peers/compare.sh
#   TESTS="bulk latency" PEERS="haproxy-splice relay-epoll relay-epoll-nosplice" benchmarks/peers/compare.sh
#
# Writes benchmarks/peers/results/{raw.csv,latest.md,latest.svg}. Installs the peers from the distribution's
# packages when missing (needs root and apt-get). Every loop here is bounded by a count or a timeout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-5}"
WARMUP="${WARMUP:-2}"   # seconds of load before each measurement, so JIT-compiled peers are measured warm
# The JVM compiles relay's connection path for 25-30 s of churn on two shared cores before its rate settles
# (docs/performance.md); a relay runs for days, so its steady rate is read after that. The first COLD_SECONDS after
# the peer starts are measured on their own: the rate a freshly started (or handed-over) peer gives.
CONNRATE_WARMUP="${CONNRATE_WARMUP:-30}"
COLD_SECONDS="${COLD_SECONDS:-10}"
CONNRATE_CONCURRENCY="${CONNRATE_CONCURRENCY:-4}"
# PIN=on puts the load generators and backends (connload, echod, iperf3, sockperf) on the last core and the peer on
# the others, so that they do not take turns on the same core; PIN=off lets the kernel place everything.
PIN="${PIN:-off}"
IDLE_CONNS="${IDLE_CONNS:-8000}"   # a list ("100 1000 10000") measures each count in turn
SOCAT_IDLE_CONNS="${SOCAT_IDLE_CONNS:-1000}"   # socat forks a process per connection
IDLE_WARMUP="${IDLE_WARMUP:-3}"   # seconds of connection churn before the idle test's baseline
PEERS="${PEERS:-direct haproxy haproxy-splice nginx socat relay}"
OUT="${OUT:-$here/results}"
RELAY_JAVA_OPTS="${RELAY_JAVA_OPTS:-}"
# HAProxy and nginx are run without per-connection logs (no log target, no stream access_log); relay too, by
# default, so that every peer does the same work. RELAY_CONN_LOG=on keeps relay's close line (~5% of its
# connection rate, docs/performance.md).
RELAY_CONN_LOG="${RELAY_CONN_LOG:-off}"
TESTS="${TESTS:-bulk latency connrate idle tls udp}"   # a subset runs faster, e.g. TESTS="bulk latency"
# The TLS test: TLS_CLIENTS `openssl s_time` processes at once (full handshakes, then resumed ones), and one iperf3
# stream through a socat that speaks TLS to the peer. TLS_KEY=rsa (2048 bits, the default): the server's signature
# is the handshake's largest cost, so the peer, not the client, runs out first; TLS_KEY=ec: ECDSA P-256.
TLS_CLIENTS="${TLS_CLIENTS:-4}"
TLS_KEY="${TLS_KEY:-rsa}"
# As for the connection rate: the first COLD_SECONDS of full handshakes are a figure of their own, then TLS_WARMUP
# seconds more before the steady figures (relay's JIT compiles its TLS path for 15-20 s here).
TLS_WARMUP="${TLS_WARMUP:-20}"
# Scaling: the parallel iperf3 streams of the bulk test, and how many routes (listen ports) each peer is given; the
# load goes to the last one. ROUTES over 1 leaves socat out (one listener per process).
BULK_STREAMS="${BULK_STREAMS:-1 4}"
ROUTES="${ROUTES:-1}"

IPERF_PORT=15201 SOCKPERF_PORT=15202 ECHO_PORT=15203 PEER_PORT=15300 TLS_WRAP_PORT=15204

want() { case " $TESTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

install_peers() {
  local missing=()
  for tool in haproxy nginx socat iperf3 sockperf gcc; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing: ${missing[*]}"
  local pkgs=()
  for m in "${missing[@]}"; do case "$m" in nginx) pkgs+=(nginx-light) ;; *) pkgs+=("$m") ;; esac; done
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
}

build_relay() {
  if [ ! -f "$root/relay-cli/target/relay.jar" ] || [ ! -f "$root/benchmarks/target/benchmarks.jar" ]; then
    log "building relay.jar and benchmarks.jar"
    (cd "$root" && mvn -B -q -DskipTests package)
  fi
}

# The connection-rate client and its echo backend are small C programs: a generator that saturates before the peer
# compresses every ratio toward 1 (the Java LoadTool, sharing the two cores, reached about half of what connload
# reaches direct).
build_tools() {
  gcc -O2 -o "$work/connload" "$here/connload.c"
  gcc -O2 -o "$work/echod" "$here/echod.c"
}

cpus=$(nproc)
tools_cpu() { [ "$PIN" = on ] && [ "$cpus" -gt 1 ] && echo "taskset -c $((cpus - 1))" || true; }
peer_cpu() { [ "$PIN" = on ] && [ "$cpus" -gt 1 ] && echo "taskset -c 0-$((cpus - 2))" || true; }

# One self-signed certificate for every peer (PKCS#8 key, as relay reads it; HAProxy wants both in one file).
make_certificate() {
  mkdir -p "$work/tls"
  local key=rsa:2048; [ "$TLS_KEY" = ec ] && key="ec -pkeyopt ec_paramgen_curve:prime256v1"
  # shellcheck disable=SC2086
  openssl req -x509 -newkey $key -nodes -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2>/dev/null
  cat "$work/tls/cert.pem" "$work/tls/key.pem" > "$work/tls/combined.pem"
}

wait_listening() { # port
  for _ in $(seq 1 200); do
    ss -Hltn "sport = :$1" | grep -q . && return 0
    sleep 0.05
  done
  log "nothing listens on port $1"; return 1
}

# Sum of a field over a process and its descendants: "pss" (KiB, from smaps_rollup) or "cpu" (clock ticks).
tree_sum() { # pid field
  python3 - "$1" "$2" <<'PY'
import os, sys
root, field = int(sys.argv[1]), sys.argv[2]
children = {}
for p in os.listdir('/proc'):
    if p.isdigit():
        try:
            stat = open(f'/proc/{p}/stat').read()
            ppid = int(stat.rsplit(')', 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(p))
        except OSError:
            pass
total, todo = 0, [root]
while todo:
    pid = todo.pop()
    todo.extend(children.get(pid, []))
    try:
        if field == 'pss':
            for line in open(f'/proc/{pid}/smaps_rollup'):
                if line.startswith('Pss:'):
                    total += int(line.split()[1])
        else:
            fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
            # utime, stime, and the same for reaped children (socat forks one per connection)
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    except OSError:
        pass
print(total)
PY
}

PEER_PID=""
TLS=""   # set: start_peer starts the peer terminating TLS with $work/tls's certificate
start_peer() { # name backend_port
  local name="$1" backend="$2" dir="$work/$1"
  mkdir -p "$dir"
  case "$name" in
    direct) PEER_PID=""; PORT="$backend"; return 0 ;;
    haproxy|haproxy-splice)
      local splice="" maxconn=$(( $(ulimit -n) / 2 - 100 ))
      # Splicing needs a pipe (two more descriptors) per connection.
      [ "$name" = haproxy-splice ] && splice=$'  option splice-request\n  option splice-response' \
        && maxconn=$(( $(ulimit -n) * 2 / 5 - 100 ))
      cat > "$dir/haproxy.cfg" <<CFG
global
  maxconn $maxconn
defaults
  mode tcp
  timeout connect 5s
  timeout client 1h
  timeout server 1h
$splice
$(for i in $(seq 0 $((ROUTES - 1))); do
  printf 'frontend front%s\n  bind 127.0.0.1:%s%s\n  default_backend back\n' "$i" "$((PEER_PORT + i))" \
    "${TLS:+ ssl crt $work/tls/combined.pem}"
done)
backend back
  server upstream 127.0.0.1:$backend
CFG
      $(peer_cpu) haproxy -f "$dir/haproxy.cfg" -db >"$dir/log" 2>&1 & PEER_PID=$! ;;
    nginx|nginx-halfclose)
      # nginx's stream module closes both sides at the first FIN unless told to relay it (proxy_half_close, 1.21.4+);
      # relay and HAProxy relay it, which costs a trip through the proxy more per connection.
      local half_close=""; [ "$name" = nginx-halfclose ] && half_close=" proxy_half_close on;"
      local nginx_tls=""; [ -n "$TLS" ] && nginx_tls=" ssl_certificate $work/tls/cert.pem; ssl_certificate_key $work/tls/key.pem; ssl_session_cache shared:TLS:10m;"
      cat > "$dir/nginx.conf" <<CFG
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections $(( $(ulimit -n) / 2 - 100 )); }
stream {
$(for i in $(seq 0 $((ROUTES - 1))); do
  echo "  server { listen 127.0.0.1:$((PEER_PORT + i))${TLS:+ ssl}; proxy_pass 127.0.0.1:$backend;$half_close$nginx_tls }"
done)
}
CFG
      $(peer_cpu) nginx -c "$dir/nginx.conf" -p "$dir" >"$dir/log" 2>&1 & PEER_PID=$! ;;
    socat)
      [ "$ROUTES" = 1 ] || { log "socat: one listener per process, left out with ROUTES=$ROUTES"; return 1; }
      $(peer_cpu) socat "TCP-LISTEN:$PEER_PORT,bind=127.0.0.1,fork,reuseaddr,backlog=4096" "TCP:127.0.0.1:$backend" >"$dir/log" 2>&1 &
      PEER_PID=$! ;;
    relay|relay-*)
      # relay-epoll splices (its default); relay-epoll-nosplice is the same transport through the JVM.
      local transport="auto" extra=""; [ "$name" != relay ] && transport="${name#relay-}"
      case "$transport" in *-nosplice) transport="${transport%-nosplice}"; extra="--no-splice" ;; esac
      local logging=""; [ "$RELAY_CONN_LOG" = on ] || logging="-Dlogback.configurationFile=$work/quiet-logback.xml"
      if [ -n "$TLS" ] || [ "$ROUTES" != 1 ]; then
        # TLS termination and more than one route are config-file settings: the same relay, from a file.
        { echo "transport: $transport"; [ -n "$extra" ] && echo "splice: false"; echo "routes:"
          for i in $(seq 0 $((ROUTES - 1))); do
            printf '  - name: r%s\n    listen: 127.0.0.1:%s\n    upstreams: [127.0.0.1:%s]\n' "$i" "$((PEER_PORT + i))" "$backend"
            [ -n "$TLS" ] && printf '    tls:\n      certificates: [{cert: %s, key: %s}]\n' "$work/tls/cert.pem" "$work/tls/key.pem"
          done; } > "$dir/relay.yaml"
        # shellcheck disable=SC2086
        $(peer_cpu) java $RELAY_JAVA_OPTS $logging -jar "$root/relay-cli/target/relay.jar" run --config "$dir/relay.yaml" \
          >"$dir/log" 2>&1 & PEER_PID=$!
      else
        # shellcheck disable=SC2086
        $(peer_cpu) java $RELAY_JAVA_OPTS $logging -jar "$root/relay-cli/target/relay.jar" forward --listen "127.0.0.1:$PEER_PORT" \
          --target "127.0.0.1:$backend" --transport "$transport" $extra >"$dir/log" 2>&1 & PEER_PID=$!
      fi ;;
    *) log "unknown peer $name"; return 1 ;;
  esac
  PORT=$((PEER_PORT + ROUTES - 1))
  wait_listening "$PORT"
}

stop_peer() {
  if [ -n "$PEER_PID" ]; then
    kill "$PEER_PID" 2>/dev/null || true
    timeout 20 tail --pid="$PEER_PID" -f /dev/null || kill -9 "$PEER_PID" 2>/dev/null || true
    pkill -f "TCP-LISTEN:$PEER_PORT" 2>/dev/null || true
  fi
  for _ in $(seq 1 100); do ss -Hltn "sport = :$((PEER_PORT + ROUTES - 1))" | grep -q . || break; sleep 0.05; done
  PEER_PID=""
}

record() { echo "$round,$1,$2,$3" >> "$OUT/raw.csv"; } # peer metric value

measure_bulk() { # peer streams direction
  local peer="$1" streams="$2" dir="$3" flags=() cpu0 cpu1 json
  [ "$dir" = reverse ] && flags+=(-R)
  start_peer "$peer" "$IPERF_PORT"
  timeout $((WARMUP + 30)) $(tools_cpu) iperf3 -c 127.0.0.1 -p "$PORT" -t "$WARMUP" -P "$streams" "${flags[@]}" >/dev/null
  cpu0=$([ -n "$PEER_PID" ] && tree_sum "$PEER_PID" cpu || echo 0)
  json=$(timeout $((DURATION + 30)) $(tools_cpu) iperf3 -c 127.0.0.1 -p "$PORT" -t "$DURATION" -P "$streams" "${flags[@]}" -J)
  cpu1=$([ -n "$PEER_PID" ] && tree_sum "$PEER_PID" cpu || echo 0)
  stop_peer
  local gbits
  gbits=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)' <<<"$json")
  record "$peer" "bulk_${streams}_${dir}_gbits" "$gbits"
  if [ "$streams" = 1 ] && [ "$dir" = forward ] && [ "$peer" != direct ]; then
    record "$peer" "bulk_1_forward_cores" "$(python3 -c "print(($cpu1-$cpu0)/$(getconf CLK_TCK)/$DURATION)")"
  fi
}

measure_latency() { # peer
  start_peer "$1" "$SOCKPERF_PORT"
  local text
  timeout $((WARMUP + 30)) $(tools_cpu) sockperf ping-pong --tcp -i 127.0.0.1 -p "$PORT" -t "$WARMUP" -m 64 >/dev/null 2>&1
  text=$(timeout $((DURATION + 30)) $(tools_cpu) sockperf ping-pong --tcp -i 127.0.0.1 -p "$PORT" -t "$DURATION" -m 64 --full-rtt 2>&1)
  stop_peer
  record "$1" latency_p50_us "$(sed -n 's/.*percentile 50.000 = *\([0-9.]*\).*/\1/p' <<<"$text" | head -1)"
  record "$1" latency_p99_us "$(sed -n 's/.*percentile 99.000 = *\([0-9.]*\).*/\1/p' <<<"$text" | head -1)"
}

measure_connrate() { # peer
  start_peer "$1" "$ECHO_PORT"
  local cold steady cpu0 cpu1
  # Cold: the first seconds after the start, the JIT still compiling the connection path.
  cold=$(timeout $((COLD_SECONDS + 30)) $(tools_cpu) "$work/connload" 127.0.0.1 "$PORT" "$COLD_SECONDS" "$CONNRATE_CONCURRENCY")
  timeout $((CONNRATE_WARMUP + 30)) $(tools_cpu) "$work/connload" 127.0.0.1 "$PORT" "$CONNRATE_WARMUP" "$CONNRATE_CONCURRENCY" >/dev/null
  cpu0=$([ -n "$PEER_PID" ] && tree_sum "$PEER_PID" cpu || echo 0)
  steady=$(timeout $((DURATION + 30)) $(tools_cpu) "$work/connload" 127.0.0.1 "$PORT" "$DURATION" "$CONNRATE_CONCURRENCY")
  cpu1=$([ -n "$PEER_PID" ] && tree_sum "$PEER_PID" cpu || echo 0)
  stop_peer
  field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
  record "$1" conn_per_s_cold "$(field conn_per_s "$cold")"
  record "$1" conn_per_s "$(field conn_per_s "$steady")"
  # The generator's own CPU share: near 1.0 it is the bottleneck and the figure is its ceiling, not the peer's.
  record "$1" connload_cpu_share "$(python3 -c "print($(field cpu_s "$steady")/$(field wall_s "$steady"))")"
  if [ "$1" != direct ]; then
    record "$1" connrate_cores "$(python3 -c "print(($cpu1-$cpu0)/$(getconf CLK_TCK)/$DURATION)")"
  fi
}

# Handshakes per second with TLS_CLIENTS s_time processes at once, for DURATION; prints "rate client_cores".
# Resumption is measured with TLS 1.2: a TLS 1.3 server sends its tickets after the handshake, and Netty (BoringSSL)
# and HAProxy send them with the first bytes they write, which a handshake-only client never waits for.
tls_handshakes() { # s_time flags [seconds]
  local out="$work/s_time" t0 t1 me=$BASHPID seconds="${2:-$DURATION}" clients=()
  # The clients' CPU: what this shell's reaped children used, before and after (only the clients end meanwhile).
  t0=$(awk '{print $16+$17}' "/proc/$me/stat"); local w0; w0=$(date +%s.%N)
  for i in $(seq 1 "$TLS_CLIENTS"); do
    # shellcheck disable=SC2086
    timeout $((seconds + 30)) $(tools_cpu) openssl s_time -connect "127.0.0.1:$PORT" $1 -time "$seconds" \
      >"$out.$i" 2>&1 & clients+=($!)
  done
  wait "${clients[@]}" || true
  t1=$(awk '{print $16+$17}' "/proc/$me/stat"); local w1; w1=$(date +%s.%N)
  # "N connections in T real seconds": the rate of each client, summed.
  python3 - "$out" "$TLS_CLIENTS" "$(( t1 - t0 ))" "$(getconf CLK_TCK)" "$(python3 -c "print($w1 - $w0)")" <<'PY'
import re, sys
out, n, ticks, hz, wall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rate = 0.0
for i in range(1, n + 1):
    m = re.search(r"(\d+) connections in (\d+) real seconds", open(f"{out}.{i}").read())
    if m and int(m.group(2)) > 0:
        rate += int(m.group(1)) / int(m.group(2))
print(f"{rate:.0f} {ticks / hz / wall:.2f}")
PY
}

measure_tls() { # peer
  case "$1" in direct|haproxy-splice|socat|*-nosplice) return 0 ;; esac   # no terminator, or the same as another
  TLS=on; start_peer "$1" "$ECHO_PORT"; TLS=""
  local cold full resumed cpu0 cpu1 json wrap
  cold=$(tls_handshakes -new "$COLD_SECONDS")
  tls_handshakes -new "$TLS_WARMUP" >/dev/null
  cpu0=$(tree_sum "$PEER_PID" cpu)
  full=$(tls_handshakes -new)
  cpu1=$(tree_sum "$PEER_PID" cpu)
  resumed=$(tls_handshakes "-reuse -tls1_2")
  stop_peer
  record "$1" tls_full_per_s_cold "${cold% *}"
  record "$1" tls_full_per_s "${full% *}"
  record "$1" tls_full_client_cores "${full#* }"
  record "$1" tls_full_cores "$(python3 -c "print(($cpu1-$cpu0)/$(getconf CLK_TCK)/$DURATION)")"
  record "$1" tls_resumed_per_s "${resumed% *}"
  # Bulk through a terminated connection: iperf3 -> socat (TLS client) -> peer (TLS server) -> iperf3 server.
  TLS=on; start_peer "$1" "$IPERF_PORT"; TLS=""
  $(tools_cpu) socat "TCP-LISTEN:$TLS_WRAP_PORT,bind=127.0.0.1,reuseaddr,fork" \
    "OPENSSL:127.0.0.1:$PORT,verify=0" >"$work/tls-wrap.log" 2>&1 & wrap=$!
  wait_listening "$TLS_WRAP_PORT"
  timeout $((WARMUP + 30)) $(tools_cpu) iperf3 -c 127.0.0.1 -p "$TLS_WRAP_PORT" -t "$WARMUP" >/dev/null || true
  json=$(timeout $((DURATION + 30)) $(tools_cpu) iperf3 -c 127.0.0.1 -p "$TLS_WRAP_PORT" -t "$DURATION" -J || true)
  kill "$wrap" 2>/dev/null || true; pkill -f "TCP-LISTEN:$TLS_WRAP_PORT" 2>/dev/null || true
  stop_peer
  record "$1" tls_bulk_gbits "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9)' <<<"$json" || true)"
}

measure_idle_memory() { # peer count
  # No relay, no memory; and an idle connection never splices, so haproxy-splice is haproxy here.
  [ "$1" = direct ] || [ "$1" = haproxy-splice ] && return 0
  local count="$2"; [ "$1" = socat ] && [ "$count" -gt "$SOCAT_IDLE_CONNS" ] && count="$SOCAT_IDLE_CONNS"
  start_peer "$1" "$ECHO_PORT"
  # What the peer holds once started, before its first connection (PSS: shared libraries and class archives count
  # by their share).
  if [ "$2" = "${IDLE_CONNS%% *}" ]; then record "$1" start_mib "$(( $(tree_sum "$PEER_PID" pss) / 1024 ))"; fi
  # Connection churn first, then one idle connection, so that one-time costs land in the baseline, not per
  # connection: pools a peer builds lazily, and for relay the JIT compiling its connection path (~1 KiB per
  # connection of compiler memory when 8,000 connections are the JVM's first; docs/performance.md).
  timeout $((IDLE_WARMUP + 30)) "$work/connload" 127.0.0.1 "$PORT" "$IDLE_WARMUP" 4 >/dev/null
  timeout 30 java -cp "$root/benchmarks/target/benchmarks.jar" dev.relay.bench.peers.LoadTool idle "$PORT" 1 </dev/null >/dev/null
  local before after fifo="$work/idle.fifo" ready
  sleep 2   # let the peer settle after the churn too (a JIT frees its compiler memory), as after the connections
  before=$(tree_sum "$PEER_PID" pss)
  rm -f "$fifo"; mkfifo "$fifo"
  java -cp "$root/benchmarks/target/benchmarks.jar" dev.relay.bench.peers.LoadTool idle "$PORT" "$count" \
    <"$fifo" >"$work/idle.out" 2>&1 & local holder=$!
  exec 9>"$fifo"
  for _ in $(seq 1 1200); do grep -q ready "$work/idle.out" && break; kill -0 $holder 2>/dev/null || break; sleep 0.05; done
  ready=$(grep -c ready "$work/idle.out" || true)
  sleep 1   # let the peer settle its allocations
  after=$(tree_sum "$PEER_PID" pss)
  exec 9>&-
  timeout 30 tail --pid=$holder -f /dev/null || kill $holder 2>/dev/null || true
  stop_peer
  if [ "$ready" = 1 ]; then
    local kib; kib=$(python3 -c "print(($after-$before)/$count)")
    record "$1" "idle_kib_per_conn_$2" "$kib"
    if [ "$2" = "${IDLE_CONNS%% *}" ]; then record "$1" idle_kib_per_conn "$kib"; fi
  else
    log "$1: idle connections were not all relayed: $(cat "$work/idle.out")"
  fi
}

main() {
  install_peers
  build_relay
  # 10,000 idle relayed connections need 20,000+ descriptors in the peer: root may raise the hard limit.
  ulimit -Hn 65536 2>/dev/null || true
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  mkdir -p "$OUT"
  work=$(mktemp -d)
  trap 'stop_peer; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
  echo "round,peer,metric,value" > "$OUT/raw.csv"

  build_tools
  if want tls; then make_certificate; fi
  $(tools_cpu) iperf3 -s -p "$IPERF_PORT" -B 127.0.0.1 >"$work/iperf.log" 2>&1 &
  $(tools_cpu) sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" >"$work/sockperf.log" 2>&1 &
  printf '<configuration><root level="WARN"/></configuration>\n' > "$work/quiet-logback.xml"
  $(tools_cpu) "$work/echod" 127.0.0.1 "$ECHO_PORT" >"$work/echo.log" 2>&1 &
  wait_listening "$IPERF_PORT"; wait_listening "$SOCKPERF_PORT"; wait_listening "$ECHO_PORT"

  for round in $(seq 1 "$ROUNDS"); do
    for peer in $PEERS; do
      log "round $round/$ROUNDS: $peer"
      if want bulk; then
        for streams in $BULK_STREAMS; do
          for dir in forward reverse; do measure_bulk "$peer" "$streams" "$dir"; done
        done
      fi
      if want latency; then measure_latency "$peer"; fi
      if want connrate; then measure_connrate "$peer"; fi
      if want idle; then for count in $IDLE_CONNS; do measure_idle_memory "$peer" "$count"; done; fi
      if want tls; then measure_tls "$peer"; fi
    done
  done

  # UDP: the peers that relay datagrams (HAProxy's community edition does not), interleaved in rounds of their own
  # by udp-compare.sh, after the TCP tests so that neither disturbs the other.
  local udp_peers=""
  for peer in $PEERS; do
    case "$peer" in direct|nginx|socat|relay|relay-io_uring) udp_peers+="$peer " ;; esac
  done
  if want udp && [ -n "$udp_peers" ]; then
    ROUNDS="$ROUNDS" DURATION="$DURATION" PEERS="$udp_peers" RELAY_JAVA_OPTS="$RELAY_JAVA_OPTS" \
      "$here/udp-compare.sh" > "$OUT/udp.md"
  fi

  python3 "$here/report.py" "$OUT/raw.csv" "$OUT" "$ROUNDS" "$DURATION" "${IDLE_CONNS// /\/}" \
    "$(haproxy -v | head -1 | awk '{print $3}')" "$(nginx -v 2>&1 | sed 's/.*nginx\///')" \
    "$(socat -V | sed -n 's/^socat version \([^ ]*\).*/\1/p')" "$(java -version 2>&1 | head -1)" "$PIN" "$ROUTES" "$TLS_KEY"
  if want udp && [ -s "$OUT/udp.md" ]; then
    printf '\n## UDP (udp-compare.sh, same run)\n\n' >> "$OUT/latest.md"
    cat "$OUT/udp.md" >> "$OUT/latest.md"
  fi
  log "wrote $OUT/latest.md and $OUT/latest.svg"
}

main "$@"
