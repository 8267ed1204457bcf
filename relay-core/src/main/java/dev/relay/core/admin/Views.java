package dev.relay.core.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.core.config.Durations;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.discovery.DiscoveryStatus;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.base.Addresses;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.proxy.RouteContext;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import dev.relay.core.udp.UdpCounters;
import dev.relay.core.udp.UdpDrop;
import dev.relay.core.udp.UdpRoute;
import dev.relay.core.upstream.ConnectFailure;
import dev.relay.core.upstream.Upstream;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the API answers with: plain records that Jackson writes as JSON, keys in snake_case. */
final class Views {

    private Views() {
    }

    record Health(String status) { }

    record Error(String error, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> problems) { }

    record Routes(List<Route> routes) { }

    record Route(String name, String protocol, List<String> listen,
                 @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> serverNames,
                 String balance, boolean draining, int openConnections,
                 Map<String, Object> timeouts, Map<String, Integer> limits, Map<String, Long> counters,
                 List<UpstreamView> upstreams, Capture capture,
                 @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToxicView> toxics,
                 @JsonInclude(JsonInclude.Include.NON_NULL) DiscoveryStatus.View discovery) {

        static Route of(RouteContext context, List<SocketAddress> bound, Capture capture,
                        DiscoveryStatus.View discovery) {
            RouteConfig config = context.state().config();
            Map<String, Long> counters = new LinkedHashMap<>();
            for (RelayCounter counter : RelayCounter.values()) {
                counters.put(counter.name().toLowerCase(Locale.ROOT), context.counters().get(counter));
            }
            Map<String, Object> timeouts = new LinkedHashMap<>();
            timeouts.put("connect", Durations.format(config.timeouts().connect()));
            timeouts.put("idle", Durations.format(config.timeouts().idle()));
            timeouts.put("max_duration", Durations.format(config.timeouts().maxDuration()));
            timeouts.put("handshake", Durations.format(config.timeouts().handshake()));
            return new Route(context.name(), "tcp", bound.stream().map(Addresses::format).toList(),
                    config.serverNames().patterns(), config.balance().label(),
                    context.draining(), context.openConnections(), timeouts,
                    Map.of("max_connections", config.limits().maxConnections(),
                            "max_connections_per_client", config.limits().maxConnectionsPerClient()),
                    counters, context.state().pool().members().stream().map(UpstreamView::of).toList(), capture,
                    ToxicView.of(context.toxics()), discovery);
        }

        /** A UDP route: its open sessions stand where a TCP route's open connections do, its limits count them. */
        static Route of(UdpRoute route, List<SocketAddress> bound, DiscoveryStatus.View discovery) {
            RouteConfig config = route.state().config();
            UdpCounters c = route.counters();
            Map<String, Long> counters = new LinkedHashMap<>();
            counters.put("sessions_opened", c.sessionsOpened());
            counters.put("datagrams_upstream", c.datagramsUp());
            counters.put("datagrams_downstream", c.datagramsDown());
            counters.put("bytes_upstream", c.bytesUp());
            counters.put("bytes_downstream", c.bytesDown());
            for (UdpDrop reason : UdpDrop.values()) {
                counters.put("dropped_" + reason.label(), c.dropped(reason));
            }
            Map<String, Object> timeouts = new LinkedHashMap<>();
            timeouts.put("idle", Durations.format(config.timeouts().idle()));
            timeouts.put("max_duration", Durations.format(config.timeouts().maxDuration()));
            Map<String, Integer> limits = new LinkedHashMap<>();
            limits.put("max_sessions", config.limits().maxConnections());
            limits.put("max_sessions_per_client", config.limits().maxConnectionsPerClient());
            limits.put("responses", config.udp().responses());
            limits.put("requests", config.udp().requests());
            limits.put("max_datagram_size", config.udp().maxDatagramSize());
            return new Route(route.name(), "udp", bound.stream().map(Addresses::format).toList(), List.of(),
                    config.balance().label(), false, route.openSessions(), timeouts, limits, counters,
                    route.state().pool().members().stream().map(UpstreamView::of).toList(), null,
                    ToxicView.of(route.toxics()), discovery);
        }
    }

    record UpstreamView(String address, int weight, boolean backup, boolean healthy, boolean checkedUp,
                        boolean draining, int activeConnections, long connectAttempts,
                        Map<String, Long> connectFailures) {

        static UpstreamView of(Upstream u) {
            Map<String, Long> failures = new LinkedHashMap<>();
            for (ConnectFailure reason : ConnectFailure.values()) {
                failures.put(reason.label(), u.connectFailures(reason));
            }
            return new UpstreamView(u.name(), u.weight(), u.backup(), u.healthy(), u.checkedUp(), u.draining(),
                    u.activeConnections(), u.connectAttempts(), failures);
        }
    }

    record Capture(String file, boolean enabled, long bytesWritten) { }

    /** A route's toxic: whether it is on now (set, and inside its schedule), and from where it came. */
    record ToxicView(String name, String type, String stream, double toxicity, Map<String, Long> attributes,
                     boolean active, String source,
                     @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> clients,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String upstream,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> schedule) {

        static List<ToxicView> of(ToxicSet set) {
            return set.states().stream().map(state -> {
                Toxic t = state.toxic();
                Map<String, String> schedule = t.schedule().always() ? null : Map.of(
                        "after", Durations.format(t.schedule().after()),
                        "for", Durations.format(t.schedule().duration()),
                        "every", Durations.format(t.schedule().every()));
                return new ToxicView(t.name(), t.type().label(), t.stream().name().toLowerCase(Locale.ROOT),
                        t.toxicity(), t.attributes(), state.on(), state.declared() ? "config" : "api",
                        t.scope().clients().stream().map(Object::toString).toList(),
                        t.scope().upstream() == null ? null : t.scope().upstream().toString(), schedule);
            }).toList();
        }
    }

    record Connections(List<Connection> connections, boolean truncated) { }

    record Connection(long id, String route, String client, String upstream, long bytesUp, long bytesDown,
                      long ageMs, boolean spliced) {

        static Connection of(ConnectionSummary s) {
            return new Connection(s.id(), s.route(), Addresses.format(s.client()), s.upstream(), s.bytesUpstream(),
                    s.bytesDownstream(), s.duration().toMillis(), s.spliced());
        }
    }

    record Closed(long closed) { }

    record Draining(String route, boolean draining, int openConnections) { }

    record Reloaded(List<String> added, List<String> changed, List<String> removed, List<String> notApplied) { }
}
