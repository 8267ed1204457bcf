package dev.relay.core.server;

import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.proxy.ConnectionRegistry;
import dev.relay.core.proxy.RelayConnection;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.upstream.ConnectFailure;
import dev.relay.core.upstream.Upstream;
import dev.relay.core.upstream.UpstreamPool;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Exports what the routes count as Prometheus metrics, read at scrape time: the {@link RelayCounter}s by route,
 * each upstream's health, load and connect outcomes, and the bytes relay holds right now. Nothing here runs on
 * the data path.
 */
final class RouteMetricsExport {

    private RouteMetricsExport() {
    }

    static void register(PrometheusRegistry registry, Supplier<Collection<RouteContext>> routes,
                         ConnectionRegistry connections, Supplier<Collection<UpstreamPool>> otherPools) {
        Map<String, List<RelayCounter>> byMetric = new LinkedHashMap<>();
        for (RelayCounter counter : RelayCounter.values()) {
            byMetric.computeIfAbsent(counter.metricName(), name -> new ArrayList<>()).add(counter);
        }
        byMetric.forEach((name, counters) -> registerRouteCounter(registry, routes, name, counters));
        registerUpstreams(registry, () -> {
            List<UpstreamPool> pools = new ArrayList<>();
            routes.get().forEach(route -> pools.add(route.state().pool()));
            pools.addAll(otherPools.get());
            return pools;
        });
        GaugeWithCallback.builder()
                .name("relay_buffered_bytes")
                .help("Bytes relay holds right now, written to a socket and not yet sent, by route.")
                .labelNames("route")
                .callback(cb -> {
                    Map<String, Long> byRoute = new LinkedHashMap<>();
                    routes.get().forEach(r -> byRoute.put(r.name(), 0L));
                    for (RelayConnection connection : connections.connections()) {
                        byRoute.merge(connection.route(), connection.bufferedNow(), Long::sum);
                    }
                    byRoute.forEach((route, bytes) -> cb.call(bytes, route));
                })
                .register(registry);
    }

    private static void registerRouteCounter(PrometheusRegistry registry, Supplier<Collection<RouteContext>> routes,
                                             String name, List<RelayCounter> counters) {
        RelayCounter first = counters.get(0);
        String[] labels = first.labelName() == null ? new String[] {"route"} : new String[] {"route", first.labelName()};
        if (first.kind() == RelayCounter.Kind.GAUGE) {
            GaugeWithCallback.builder().name(name).help(first.help()).labelNames(labels)
                    .callback(cb -> each(routes, counters, (value, values) -> cb.call(value, values)))
                    .register(registry);
        } else {
            CounterWithCallback.builder().name(name).help(first.help()).labelNames(labels)
                    .callback(cb -> each(routes, counters, (value, values) -> cb.call(value, values)))
                    .register(registry);
        }
    }

    private interface Sample {
        void call(double value, String... labelValues);
    }

    private static void each(Supplier<Collection<RouteContext>> routes, List<RelayCounter> counters, Sample sample) {
        for (RouteContext route : routes.get()) {
            for (RelayCounter counter : counters) {
                double value = route.counters().get(counter);
                if (counter.labelName() == null) {
                    sample.call(value, route.name());
                } else {
                    sample.call(value, route.name(), counter.labelValue());
                }
            }
        }
    }

    private static void registerUpstreams(PrometheusRegistry registry, Supplier<Collection<UpstreamPool>> routes) {
        GaugeWithCallback.builder()
                .name("relay_upstream_healthy")
                .help("1 while an upstream takes new connections (up by its checks, not ejected), else 0.")
                .labelNames("route", "upstream")
                .callback(cb -> eachUpstream(routes, (route, u) -> cb.call(u.healthy() ? 1 : 0, route, u.toString())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("relay_upstream_connections_active")
                .help("Connections (UDP sessions) open to an upstream right now, connects in flight included.")
                .labelNames("route", "upstream")
                .callback(cb -> eachUpstream(routes, (route, u) -> cb.call(u.activeConnections(), route, u.toString())))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_upstream_connect_attempts_total")
                .help("Connects to an upstream by relayed traffic (health checks not counted).")
                .labelNames("route", "upstream")
                .callback(cb -> eachUpstream(routes, (route, u) -> cb.call(u.connectAttempts(), route, u.toString())))
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_upstream_connect_failures_total")
                .help("Connects to an upstream that failed, by reason: refused, timeout, unresolved, other.")
                .labelNames("route", "upstream", "reason")
                .callback(cb -> eachUpstream(routes, (route, u) -> {
                    for (ConnectFailure reason : ConnectFailure.values()) {
                        cb.call(u.connectFailures(reason), route, u.toString(), reason.label());
                    }
                }))
                .register(registry);
    }

    private interface UpstreamSample {
        void call(String route, Upstream upstream);
    }

    private static void eachUpstream(Supplier<Collection<UpstreamPool>> pools, UpstreamSample sample) {
        for (UpstreamPool pool : pools.get()) {
            for (Upstream upstream : pool.members()) {
                sample.call(pool.route().name(), upstream);
            }
        }
    }
}
