#!/usr/bin/env bash
# Start time of the fat jar: from `java -jar relay.jar forward ...` to the first connection relay accepts and
# relays (a probe connects every 5 ms and waits for the upstream's byte), on loopback. Prints each run and the
# median, in milliseconds.
#
#   benchmarks/peers/start-time.sh                   # 5 runs, the JDK on PATH
#   RUNS=9 JAVA_OPTS="-Xshare:off" benchmarks/peers/start-time.sh
#   LAUNCHER=/opt/relay/bin/relay benchmarks/peers/start-time.sh   # the tarball's launcher (AppCDS) instead
#
# Every loop is bounded: each run gives up after 20 s.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
RUNS="${RUNS:-5}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${JAVA_OPTS:-}"
JAR="${JAR:-$root/relay-cli/target/relay.jar}"
LAUNCHER="${LAUNCHER:-}"

python3 - "$RUNS" "$JAVA" "$JAVA_OPTS" "$JAR" "$LAUNCHER" <<'PY'
import shlex, socket, statistics, subprocess, sys, time

runs, java, opts, jar, launcher = int(sys.argv[1]), sys.argv[2], shlex.split(sys.argv[3]), sys.argv[4], sys.argv[5]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

# The upstream: greets every connection with one byte, so a probe knows the relay reached it.
upstream = socket.socket()
upstream.bind(("127.0.0.1", 0))
upstream.listen(64)
upstream.settimeout(0.005)

times = []
for run in range(runs):
    port = free_port()
    start = [launcher] if launcher else [java, *opts, "-jar", jar]
    command = [*start, "forward", "--listen", f"127.0.0.1:{port}",
               "--target", f"127.0.0.1:{upstream.getsockname()[1]}"]
    started = time.monotonic()
    relay = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = None
    try:
        while time.monotonic() - started < 20:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    try:
                        accepted, _ = upstream.accept()
                    except socket.timeout:
                        accepted = None
                    deadline = time.monotonic() + 2
                    while accepted is None and time.monotonic() < deadline:
                        try:
                            accepted, _ = upstream.accept()
                        except socket.timeout:
                            pass
                    if accepted is not None:
                        accepted.sendall(b"!")
                        if probe.recv(1) == b"!":
                            elapsed = (time.monotonic() - started) * 1000
                        accepted.close()
                    break
            except OSError:
                time.sleep(0.005)
    finally:
        relay.terminate()
        relay.wait(timeout=20)
    if elapsed is None:
        sys.exit(f"run {run + 1}: relay did not relay a connection within 20 s")
    times.append(elapsed)
    print(f"run {run + 1}: {elapsed:.0f} ms")
print(f"median: {statistics.median(times):.0f} ms over {runs} runs")
PY
