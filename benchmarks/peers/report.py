#!/usr/bin/env python3
"""Turns compare.sh's raw.csv into a markdown table (medians over rounds) and an SVG chart."""
import csv
import datetime
import os
import platform
import statistics
import sys
from collections import defaultdict

raw, out, rounds, duration, idle, haproxy_v, nginx_v, socat_v, java_v = sys.argv[1:10]
pinned = sys.argv[10] if len(sys.argv) > 10 else "off"
routes = sys.argv[11] if len(sys.argv) > 11 else "1"
tls_key = {"rsa": "RSA 2048", "ec": "ECDSA P-256"}.get(sys.argv[12] if len(sys.argv) > 12 else "rsa", "RSA 2048")

values = defaultdict(list)
peers = []
with open(raw) as f:
    for row in csv.DictReader(f):
        if row["value"] in ("", None):
            continue
        values[(row["peer"], row["metric"])].append(float(row["value"]))
        if row["peer"] not in peers:
            peers.append(row["peer"])


def median(peer, metric):
    v = values.get((peer, metric))
    return statistics.median(v) if v else None


def show(x, digits=1):
    return "–" if x is None else f"{x:,.{digits}f}"


columns = [
    ("1 stream Gbit/s (fwd / rev)", lambda p: f"{show(median(p, 'bulk_1_forward_gbits'))} / {show(median(p, 'bulk_1_reverse_gbits'))}"),
    ("4 streams Gbit/s (fwd / rev)", lambda p: f"{show(median(p, 'bulk_4_forward_gbits'))} / {show(median(p, 'bulk_4_reverse_gbits'))}"),
    ("ping-pong p50 / p99 µs", lambda p: f"{show(median(p, 'latency_p50_us'))} / {show(median(p, 'latency_p99_us'))}"),
    ("new conn/s (first 10 s / steady)", lambda p: f"{show(median(p, 'conn_per_s_cold'), 0)} / {show(median(p, 'conn_per_s'), 0)}"),
    ("peer cores at that rate", lambda p: show(median(p, "connrate_cores"), 2)),
    ("idle KiB per relayed conn (PSS)", lambda p: show(median(p, "idle_kib_per_conn"))),
    ("MiB at start (PSS)", lambda p: show(median(p, "start_mib"), 0)),
    ("peer cores at 1 stream", lambda p: show(median(p, "bulk_1_forward_cores"), 2)),
    ("Gbit/s per peer core", lambda p: show(
        (median(p, "bulk_1_forward_gbits") / median(p, "bulk_1_forward_cores"))
        if median(p, "bulk_1_forward_cores") else None)),
]

lines = [
    f"Measured {datetime.date.today().isoformat()} on a {os.cpu_count()}-core "
    f"{platform.system()} {platform.release()} host, loopback only; medians of {rounds} interleaved rounds, "
    f"{duration} s per test, {idle} idle connections (socat: fewer, it forks per connection). "
    f"HAProxy {haproxy_v}, nginx {nginx_v}, socat {socat_v}, {java_v}. "
    f"Load generators pinned to their own core: {pinned}."
    + (f" Each peer has {routes} routes (listen ports); the load goes to the last." if routes != "1" else ""),
    "",
    "| peer | " + " | ".join(c[0] for c in columns) + " |",
    "|---|" + "---|" * len(columns),
]
for p in peers:
    lines.append(f"| {p} | " + " | ".join(c[1](p) for c in columns) + " |")

# Scaling (BULK_STREAMS and IDLE_CONNS given as lists): one column per stream count and per idle count.
metrics = {m for (_, m) in values}
stream_counts = sorted({int(m.split("_")[1]) for m in metrics if m.startswith("bulk_") and m.endswith("_forward_gbits")})
idle_counts = sorted({int(m.rsplit("_", 1)[1]) for m in metrics if m.startswith("idle_kib_per_conn_")})
if len(stream_counts) > 2 or len(idle_counts) > 1:
    cols = [(f"{n} streams Gbit/s", f"bulk_{n}_forward_gbits", 1) for n in stream_counts] + \
           [(f"{n} idle KiB/conn", f"idle_kib_per_conn_{n}", 2) for n in idle_counts]
    lines += ["", "Scaling with the work (forward bulk by parallel streams; PSS per idle connection by count):", "",
              "| peer | " + " | ".join(c[0] for c in cols) + " |", "|---|" + "---|" * len(cols)]
    for p in peers:
        lines.append(f"| {p} | " + " | ".join(show(median(p, m), d) for _, m, d in cols) + " |")

# TLS terminated by the peer (compare.sh's tls test): one table of its own, for the peers that terminate TLS.
tls_peers = [p for p in peers if median(p, "tls_full_per_s")]
if tls_peers:
    lines += ["", f"TLS terminated by the peer ({tls_key} certificate, each peer's default suites), to the echo "
              "backend:", "",
              "| peer | full handshakes/s (TLS 1.3), first 10 s / steady | peer cores at that rate | peer CPU ms per handshake "
              "| s_time cores | resumed handshakes/s (TLS 1.2) | bulk through TLS, 1 stream Gbit/s |",
              "|---|---|---|---|---|---|---|"]
    for p in tls_peers:
        lines.append(f"| {p} | {show(median(p, 'tls_full_per_s_cold'), 0)} / {show(median(p, 'tls_full_per_s'), 0)} "
                     f"| {show(median(p, 'tls_full_cores'), 2)} "
                     f"| {show(1000 * median(p, 'tls_full_cores') / median(p, 'tls_full_per_s'), 2) if median(p, 'tls_full_cores') else '–'} "
                     f"| {show(median(p, 'tls_full_client_cores'), 2)} | {show(median(p, 'tls_resumed_per_s'), 0)} "
                     f"| {show(median(p, 'tls_bulk_gbits'))} |")
    lines += ["", f"The clients (openssl s_time) share the {os.cpu_count()} cores with the peer: where the peer's and "
              "the clients' cores add up to all of them, the figure is the machine's ceiling more than the peer's, "
              "and the peers compare by their CPU per handshake (cores ÷ handshakes/s)."]

# The connection-rate generator's ceiling: what it reaches with no proxy at all, and how busy it was then. A peer
# close to that figure may be held back by the generator, not by itself.
ceiling = median("direct", "conn_per_s")
if ceiling:
    share = median("direct", "connload_cpu_share")
    lines.append("")
    lines.append(f"Connection-rate ceiling (connload straight to the echo backend): {ceiling:,.0f} conn/s, the generator "
                 f"using {show(share, 2)} of a core." + "".join(
                     f" {p} reaches {median(p, 'conn_per_s') / ceiling:.0%} of it: the generator may be what limits it."
                     for p in peers if p != "direct" and (median(p, "conn_per_s") or 0) > 0.8 * ceiling))

for mine in [p for p in peers if p == "relay" or p.startswith("relay-")]:
    lines.append("")
    lines.append(f"{mine} against the others (ratio in this run; bulk and conn/s higher is better, latency and memory "
                 "lower):")
    lines.append("")
    for other in [p for p in peers if p != mine and p != "direct" and not p.startswith("relay")]:
        parts = []
        for metric, label in [("bulk_1_forward_gbits", "1 stream"), ("bulk_1_reverse_gbits", "1 stream rev"),
                              ("bulk_4_forward_gbits", "4 streams"), ("bulk_4_reverse_gbits", "4 streams rev"),
                              ("latency_p50_us", "p50"), ("latency_p99_us", "p99"),
                              ("conn_per_s", "conn/s"), ("conn_per_s_cold", "conn/s first 10 s"),
                              ("idle_kib_per_conn", "idle memory"), ("start_mib", "memory at start"),
                              ("tls_full_per_s", "TLS full handshakes/s"),
                              ("tls_resumed_per_s", "TLS resumed/s"), ("tls_bulk_gbits", "TLS bulk")]:
            a, b = median(mine, metric), median(other, metric)
            if a and b:
                parts.append(f"{label} {a / b:.2f}×")
        lines.append(f"- vs {other}: " + ", ".join(parts))

with open(os.path.join(out, "latest.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))

# A grouped bar chart of bulk throughput, self-contained SVG.
series = [("1 stream", "bulk_1_forward_gbits", "#4e79a7"), ("4 streams", "bulk_4_forward_gbits", "#f28e2b")]
top = max([median(p, m) or 0 for p in peers for _, m, _ in series] + [1])
width, height, left, bottom = 120 * len(peers) + 80, 320, 60, 40
bar = 40
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
       f'<text x="{left}" y="18" font-size="14">Bulk throughput through each peer, Gbit/s (loopback, forward direction)</text>']
plot_h = height - bottom - 40
for i, p in enumerate(peers):
    x0 = left + i * 120
    for j, (label, metric, color) in enumerate(series):
        v = median(p, metric) or 0
        h = plot_h * v / top
        x = x0 + j * bar
        y = height - bottom - h
        svg.append(f'<rect x="{x}" y="{y:.1f}" width="{bar - 4}" height="{h:.1f}" fill="{color}"/>')
        svg.append(f'<text x="{x + (bar - 4) / 2}" y="{y - 3:.1f}" text-anchor="middle">{v:.1f}</text>')
    svg.append(f'<text x="{x0 + bar - 2}" y="{height - bottom + 16}" text-anchor="middle">{p}</text>')
for j, (label, _, color) in enumerate(series):
    svg.append(f'<rect x="{width - 110}" y="{30 + j * 18}" width="12" height="12" fill="{color}"/>')
    svg.append(f'<text x="{width - 94}" y="{40 + j * 18}">{label}</text>')
svg.append(f'<line x1="{left - 5}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>')
svg.append("</svg>")
with open(os.path.join(out, "latest.svg"), "w") as f:
    f.write("\n".join(svg) + "\n")
