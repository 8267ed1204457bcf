#!/usr/bin/env bash
# Upstreams from DNS SRV records: HAProxy's `server-template` with `resolvers` against relay's `dns_srv`, with
# relay's written pool and direct (the machine's ceiling) beside them. dnsmasq serves _echo._tcp.relay.test;
# connload (C, CONCURRENCY connections in flight, each connect + 64 B each way + close) is the client, echod the
# upstream. Peers in turn, ROUNDS times, each started fresh, so every figure is a cold start's:
#
#   rate  connload for DURATION seconds through the peer: new connections a second, and failures.
#   move  connload for MOVE_SECONDS; at 3 s the SRV record moves from echod A to echod B (dnsmasq restarted with
#         the new target), MOVE_GRACE seconds later echod A is killed. A peer that followed the record in time
#         fails nothing; every connection that still went to A after it died is counted (refused / reset / failed).
#         relay with a written pool (A only) is the control: it cannot follow, and shows what the move costs.
#
#   benchmarks/peers/discovery-compare.sh
#   ROUNDS=1 DURATION=5 benchmarks/peers/discovery-compare.sh
#
# Both peers ask dnsmasq every second (HAProxy: hold valid 1s; relay: dns.min_ttl = max_ttl = 1s). Every loop is
# bounded by a count or a timeout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10}"
MOVE_SECONDS="${MOVE_SECONDS:-12}"
MOVE_GRACE="${MOVE_GRACE:-4}"
CONCURRENCY="${CONCURRENCY:-4}"
PEERS="${PEERS:-direct haproxy relay-written relay-srv}"
DNS_PORT=15553 ECHO_A=15501 ECHO_B=15502 PEER_PORT=15500
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=harness.sh
. "$here/harness.sh"
need haproxy dnsmasq gcc java
prepare_tools

start_echo() { # port
  "$work/echod" 127.0.0.1 "$1" >/dev/null 2>&1 & echo $! > "$work/echo-$1.pid"; listening "$1"
}
stop_echo() { # port
  [ -f "$work/echo-$1.pid" ] && kill "$(cat "$work/echo-$1.pid")" 2>/dev/null || true
  for _ in $(seq 1 100); do ss -Hltn "sport = :$1" | grep -q LISTEN || return 0; sleep 0.05; done
}
start_dns() { # target echo port
  [ -f "$work/dns.pid" ] && kill "$(cat "$work/dns.pid")" 2>/dev/null || true
  for _ in $(seq 1 100); do ss -Hlun "sport = :$DNS_PORT" | grep -q . || break; sleep 0.05; done
  dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces --listen-address=127.0.0.1 \
    --port="$DNS_PORT" --pid-file= --user="$(id -un)" --address=/relay.test/127.0.0.1 \
    --srv-host="_echo._tcp.relay.test,echo.relay.test,$1,10,1" >"$work/dns.log" 2>&1 &
  echo $! > "$work/dns.pid"
  for _ in $(seq 1 100); do ss -Hlun "sport = :$DNS_PORT" | grep -q . && return 0; sleep 0.05; done
}

cat > "$work/haproxy.cfg" <<CFG
global
  maxconn 8000
resolvers dns
  nameserver local 127.0.0.1:$DNS_PORT
  hold valid 1s
  hold obsolete 1s
  timeout resolve 1s
  timeout retry 1s
  resolve_retries 3
$(haproxy_tcp_front "$PEER_PORT")
  server-template e 4 _echo._tcp.relay.test resolvers dns init-addr none resolve-prefer ipv4
CFG
cat > "$work/relay-srv.yaml" <<CFG
dns: {servers: ["127.0.0.1:$DNS_PORT"], min_ttl: 1s, max_ttl: 1s}
routes:
  - {name: web, listen: "127.0.0.1:$PEER_PORT", upstreams: {dns_srv: _echo._tcp.relay.test}}
CFG
cat > "$work/relay-written.yaml" <<CFG
routes:
  - {name: web, listen: "127.0.0.1:$PEER_PORT", upstreams: ["127.0.0.1:$ECHO_A"]}
CFG

start_peer() { # name; sets $port to where connload goes
  port=$PEER_PORT
  case "$1" in
    direct) port=$ECHO_A; return 0 ;;
    haproxy) haproxy -f "$work/haproxy.cfg" >"$work/peer.log" 2>&1 & ;;
    relay-written) "${RELAY[@]}" run --config "$work/relay-written.yaml" >"$work/peer.log" 2>&1 & ;;
    relay-srv) "${RELAY[@]}" run --config "$work/relay-srv.yaml" >"$work/peer.log" 2>&1 & ;;
  esac
  echo $! > "$work/peer.pid"
  listening "$PEER_PORT"
  # The first answer: a connection through the peer reaches echod (bounded: 10 s).
  for _ in $(seq 1 100); do
    "$work/connload" 127.0.0.1 "$PEER_PORT" 1 1 2>/dev/null | grep -q "failed=0" && return 0; sleep 0.1
  done
  log "$1: no connection got through in 10 s"; return 1
}
stop_peer() {
  [ -f "$work/peer.pid" ] || return 0
  kill "$(cat "$work/peer.pid")" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$(cat "$work/peer.pid")" 2>/dev/null || break; sleep 0.05; done
  rm -f "$work/peer.pid"
  for _ in $(seq 1 200); do ss -Hltn "sport = :$PEER_PORT" | grep -q LISTEN || return 0; sleep 0.05; done
}

results="$work/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  for peer in $PEERS; do
    start_echo "$ECHO_A"; start_echo "$ECHO_B"; start_dns "$ECHO_A"
    start_peer "$peer"
    rate=$(timeout $((DURATION + 30)) "$work/connload" 127.0.0.1 "$port" "$DURATION" "$CONCURRENCY")
    log "round $round $peer rate: $rate"
    echo "$round $peer rate $rate" >> "$results"
    if [ "$peer" != direct ]; then
      timeout $((MOVE_SECONDS + 30)) "$work/connload" 127.0.0.1 "$port" "$MOVE_SECONDS" "$CONCURRENCY" > "$work/move.txt" &
      load=$!
      sleep 3; start_dns "$ECHO_B"; sleep "$MOVE_GRACE"; stop_echo "$ECHO_A"
      wait "$load" || true
      log "round $round $peer move: $(cat "$work/move.txt")"
      echo "$round $peer move $(cat "$work/move.txt")" >> "$results"
    fi
    stop_peer; stop_echo "$ECHO_A"; stop_echo "$ECHO_B"
  done
done
echo "# round peer test conn_per_s failed cpu_s wall_s refused reset"
cat "$results"
