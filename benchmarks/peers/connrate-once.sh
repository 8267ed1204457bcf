#!/usr/bin/env bash
# One relay's connection rate, quickly: relay forward in front of echod, connload for the first 10 s after the
# start, then 20 s of warm-up, then 10 s measured, with relay's CPU over those 10 s. Arguments after the script go
# to `relay forward`; JAVA_OPTS go to its JVM. For trying one lever at a time; compare.sh is the full comparison.
#
#   benchmarks/peers/connrate-once.sh --transport epoll
#   JAVA_OPTS="-XX:TieredStopAtLevel=1" benchmarks/peers/connrate-once.sh --transport epoll
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java benchmarks/peers/connrate-once.sh   # another JDK
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/connload" "$here/connload.c"
gcc -O2 -o "$work/echod" "$here/echod.c"
printf '<configuration><root level="WARN"/></configuration>\n' > "$work/quiet.xml"
"$work/echod" 127.0.0.1 16001 & 
# shellcheck disable=SC2086
"${JAVA:-java}" ${JAVA_OPTS:-} -Dlogback.configurationFile="$work/quiet.xml" -jar "$root/relay-cli/target/relay.jar" forward \
  --listen 127.0.0.1:16000 --target 127.0.0.1:16001 "$@" > "$work/relay.log" 2>&1 & relay=$!
for _ in $(seq 1 200); do ss -Hltn "sport = :16000" | grep -q . && break; sleep 0.05; done
cold=$("$work/connload" 127.0.0.1 16000 10 4)
"$work/connload" 127.0.0.1 16000 20 4 >/dev/null
t0=$(awk '{print $14+$15}' "/proc/$relay/stat")
steady=$("$work/connload" 127.0.0.1 16000 10 4)
t1=$(awk '{print $14+$15}' "/proc/$relay/stat")
echo "first 10 s: $cold"
echo "steady:     $steady"
echo "relay cores while steady: $(python3 -c "print(round(($t1-$t0)/$(getconf CLK_TCK)/10, 2))")"
