# What the peer scripts that put relay and HAProxy in front of echod share (reload-compare.sh,
# discovery-compare.sh): sourced once `here`, `root` and `work` are set. Every wait is bounded.

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# need TOOL...: stops the script with one line when a tool is missing.
need() {
  for tool in "$@"; do command -v "$tool" >/dev/null || { log "needs $tool"; exit 1; }; done
}

# The fat jar (built when missing), the C load generator and echo backend, and RELAY: relay logging warnings only,
# so that its log lines cost the run nothing.
prepare_tools() {
  [ -f "$root/relay-cli/target/relay.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
  gcc -O2 -o "$work/connload" "$here/connload.c"
  gcc -O2 -o "$work/echod" "$here/echod.c"
  printf '<configuration><root level="WARN"/></configuration>\n' > "$work/quiet.xml"
  RELAY=(java -Dlogback.configurationFile="$work/quiet.xml" -jar "$root/relay-cli/target/relay.jar")
}

# listening PORT: true once a TCP socket listens there (10 s at most).
listening() {
  for _ in $(seq 1 200); do ss -Hltn "sport = :$1" | grep -q LISTEN && return 0; sleep 0.05; done; return 1
}

# haproxy_tcp_front PORT: HAProxy's defaults and a TCP frontend on 127.0.0.1:PORT, up to the `backend echo` line
# whose servers the caller writes next.
haproxy_tcp_front() {
  cat <<CFG
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend web
  bind 127.0.0.1:$1
  default_backend echo
backend echo
CFG
}
