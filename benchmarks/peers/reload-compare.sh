#!/usr/bin/env bash
# Refused and reset connections while a proxy is replaced by a new process under load: HAProxy's seamless reload
# (master-worker, the listeners passed to the new worker over its stats socket, `expose-fd listeners`, the `-x`
# mechanism), relay's hand-over (`relay run --takeover`), and a plain relay restart (stop, then start: the
# baseline neither has). connload (C, CONCURRENCY connections in flight, each connect + 64 B each way + close)
# runs for DURATION seconds against the peer in front of echod, while the peer is replaced RELOADS times, evenly
# spaced. Peers in turn, ROUNDS times. Every loop is bounded by a count or a timeout.
#
#   benchmarks/peers/reload-compare.sh
#   ROUNDS=1 RELOADS=5 benchmarks/peers/reload-compare.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-20}"
RELOADS="${RELOADS:-5}"
CONCURRENCY="${CONCURRENCY:-4}"
PEERS="${PEERS:-haproxy relay-takeover relay-restart}"
ECHO_PORT=15501 PEER_PORT=15500
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=harness.sh
. "$here/harness.sh"
need haproxy gcc java
prepare_tools
"$work/echod" 127.0.0.1 "$ECHO_PORT" >"$work/echod.log" 2>&1 &
cat > "$work/relay.yaml" <<CFG
drain_timeout: 5s
routes:
  - {name: web, listen: 127.0.0.1:$PEER_PORT, upstreams: [127.0.0.1:$ECHO_PORT]}
CFG
cat > "$work/haproxy.cfg" <<CFG
global
  maxconn 8000
  stats socket $work/haproxy.sock mode 600 level admin expose-fd listeners
$(haproxy_tcp_front "$PEER_PORT")
  server e 127.0.0.1:$ECHO_PORT
CFG

# start_peer NAME; replace_peer NAME (one reload); stop_peer NAME
start_peer() {
  case "$1" in
    haproxy) haproxy -W -f "$work/haproxy.cfg" -p "$work/haproxy.pid" -S "$work/master.sock" >"$work/haproxy.log" 2>&1 &
             echo $! > "$work/peer.pid" ;;
    relay-takeover) "${RELAY[@]}" run --config "$work/relay.yaml" --handover-socket "$work/handover.sock" >"$work/relay.log" 2>&1 &
             echo $! > "$work/peer.pid" ;;
    relay-restart) "${RELAY[@]}" run --config "$work/relay.yaml" >"$work/relay.log" 2>&1 &
             echo $! > "$work/peer.pid" ;;
  esac
  listening "$PEER_PORT"
}
replace_peer() {
  case "$1" in
    haproxy) kill -USR2 "$(cat "$work/peer.pid")" ;;   # the master re-executes; new workers get the listeners (-x)
    relay-takeover)
      local old; old=$(cat "$work/peer.pid")
      "${RELAY[@]}" run --config "$work/relay.yaml" --takeover "$work/handover.sock" >>"$work/relay.log" 2>&1 &
      echo $! > "$work/peer.pid"
      # The old relay exits once the new one serves and its own connections have drained.
      timeout 30 tail --pid="$old" -f /dev/null || true ;;
    relay-restart)
      local old; old=$(cat "$work/peer.pid")
      kill "$old" 2>/dev/null || true; timeout 30 tail --pid="$old" -f /dev/null || true
      "${RELAY[@]}" run --config "$work/relay.yaml" >>"$work/relay.log" 2>&1 &
      echo $! > "$work/peer.pid"
      listening "$PEER_PORT" || true ;;
  esac
}
stop_peer() {
  pkill -f "$work/relay.yaml" 2>/dev/null || true
  pkill -f "$work/haproxy.cfg" 2>/dev/null || true
  for _ in $(seq 1 200); do pgrep -f "$work/(relay.yaml|haproxy.cfg)" >/dev/null || return 0; sleep 0.1; done
  pkill -9 -f "$work/(relay.yaml|haproxy.cfg)" || true
}

echo "round,peer,conn_per_s,failed,refused,reset" > "$work/raw.csv"
for round in $(seq 1 "$ROUNDS"); do
  for peer in $PEERS; do
    log "round $round/$ROUNDS: $peer"
    start_peer "$peer"
    sleep 2
    "$work/connload" 127.0.0.1 "$PEER_PORT" "$DURATION" "$CONCURRENCY" > "$work/load.out" &
    loader=$!
    gap=$(python3 -c "print($DURATION / ($RELOADS + 1))")
    for _ in $(seq 1 "$RELOADS"); do sleep "$gap"; replace_peer "$peer"; done
    wait "$loader" || true
    stop_peer
    out=$(cat "$work/load.out")
    field() { sed -n "s/.*$1=\\([0-9]*\\).*/\\1/p" <<<"$out"; }
    echo "$round,$peer,$(field conn_per_s),$(field failed),$(field refused),$(field reset)" >> "$work/raw.csv"
  done
done

python3 - "$work/raw.csv" "$RELOADS" "$DURATION" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"| peer | reloads | refused | reset or cut | new connections completed (conn/s) |")
print("|---|---|---|---|---|")
for peer in dict.fromkeys(r["peer"] for r in rows):
    mine = [r for r in rows if r["peer"] == peer]
    refused = sum(int(r["refused"] or 0) for r in mine)
    reset = sum(int(r["reset"] or 0) for r in mine)
    rate = sum(float(r["conn_per_s"] or 0) for r in mine) / len(mine)
    print(f"| {peer} | {int(sys.argv[2]) * len(mine)} | {refused:,} | {reset:,} | {rate:,.0f} |")
PY
