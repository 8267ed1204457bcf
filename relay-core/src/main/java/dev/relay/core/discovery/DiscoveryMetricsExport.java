package dev.relay.core.discovery;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.function.Supplier;

/** Exports how the discovery sources are doing, read at scrape time: endpoints, changes, failures, staleness. */
public final class DiscoveryMetricsExport {

    private DiscoveryMetricsExport() {
    }

    public static void register(PrometheusRegistry registry, Supplier<Map<String, DiscoveryStatus>> statuses) {
        GaugeWithCallback.builder()
                .name("relay_discovery_endpoints")
                .help("Upstreams a route's discovery source gives now, by route and state (serving or draining).")
                .labelNames("route", "state")
                .callback(cb -> statuses.get().forEach((route, s) -> {
                    cb.call(s.serving(), route, "serving");
                    cb.call(s.draining(), route, "draining");
                }))
                .register(registry);
        GaugeWithCallback.builder()
                .name("relay_discovery_stale")
                .help("1 while a route's discovery source cannot be reached and the route keeps its last pool.")
                .labelNames("route")
                .callback(cb -> statuses.get().forEach((route, s) ->
                        cb.call(s.state() == DiscoveryStatus.State.STALE ? 1 : 0, route)))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_discovery_changes_total")
                .help("Answers of a route's discovery source that changed its pool, by route.")
                .labelNames("route")
                .callback(cb -> statuses.get().forEach((route, s) -> cb.call(s.changes(), route)))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_discovery_errors_total")
                .help("Failed attempts of a route's discovery source (unreachable, bad or empty answers), by route.")
                .labelNames("route")
                .callback(cb -> statuses.get().forEach((route, s) -> cb.call(s.errors(), route)))
                .register(registry);
    }
}
