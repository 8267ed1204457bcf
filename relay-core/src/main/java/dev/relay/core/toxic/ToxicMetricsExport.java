package dev.relay.core.toxic;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.function.Supplier;

/** Exports which toxics are on now, per route, read at scrape time: a scheduled chaos run shows on a dashboard. */
public final class ToxicMetricsExport {

    private ToxicMetricsExport() {
    }

    /** {@code routes}: every route's toxics, by route name. */
    public static void register(PrometheusRegistry registry, Supplier<Map<String, ToxicSet>> routes) {
        GaugeWithCallback.builder()
                .name("relay_toxic_active")
                .help("1 while a toxic is on (set, and inside its schedule), 0 while it waits; by route, toxic and type.")
                .labelNames("route", "toxic", "type")
                .callback(cb -> routes.get().forEach((route, set) -> {
                    for (ToxicSet.State state : set.states()) {
                        cb.call(state.on() ? 1 : 0, route, state.toxic().name(), state.toxic().type().label());
                    }
                }))
                .register(registry);
    }
}
