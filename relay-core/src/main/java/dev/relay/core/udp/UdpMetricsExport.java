package dev.relay.core.udp;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Collection;
import java.util.function.Supplier;

/** Exports what the UDP routes count as Prometheus metrics, read at scrape time; nothing here is on the data path. */
public final class UdpMetricsExport {

    private UdpMetricsExport() {
    }

    public static void register(PrometheusRegistry registry, Supplier<Collection<UdpRoute>> routes) {
        GaugeWithCallback.builder()
                .name("relay_udp_sessions_active")
                .help("UDP sessions open right now, by route.")
                .labelNames("route")
                .callback(cb -> routes.get().forEach(r -> cb.call(r.openSessions(), r.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_udp_sessions_total")
                .help("UDP sessions opened, by route.")
                .labelNames("route")
                .callback(cb -> routes.get().forEach(r -> cb.call(r.counters().sessionsOpened(), r.name())))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_udp_datagrams_total")
                .help("Datagrams relayed, by route and direction: upstream (client to upstream) or downstream.")
                .labelNames("route", "direction")
                .callback(cb -> routes.get().forEach(r -> {
                    cb.call(r.counters().datagramsUp(), r.name(), "upstream");
                    cb.call(r.counters().datagramsDown(), r.name(), "downstream");
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_udp_bytes_total")
                .help("Datagram payload bytes relayed, by route and direction (PROXY headers not counted).")
                .labelNames("route", "direction")
                .callback(cb -> routes.get().forEach(r -> {
                    cb.call(r.counters().bytesUp(), r.name(), "upstream");
                    cb.call(r.counters().bytesDown(), r.name(), "downstream");
                }))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_udp_dropped_total")
                .help("Datagrams dropped, by route and reason: oversize, limit, acl, draining, send_buffer_full, "
                        + "no_upstream, bad_proxy_header.")
                .labelNames("route", "reason")
                .callback(cb -> routes.get().forEach(r -> {
                    for (UdpDrop reason : UdpDrop.values()) {
                        cb.call(r.counters().dropped(reason), r.name(), reason.label());
                    }
                }))
                .register(registry);
    }
}
