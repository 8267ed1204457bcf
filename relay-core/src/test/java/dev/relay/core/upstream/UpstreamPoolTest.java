package dev.relay.core.upstream;

import dev.relay.core.config.Balance;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.HealthCheckConfig;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.transport.Transport;
import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each balancer spreads connections, and which upstreams a pool offers it. No sockets: state is set by hand. */
class UpstreamPoolTest {

    /** One failure ejects for an hour: the way these tests take an upstream out. */
    private static final HealthCheckConfig EJECT_AT_ONCE =
            new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(1), 1, 1, 1, Duration.ofHours(1));
    private static final InetAddress CLIENT = address("127.0.0.1");

    private static UpstreamConfig upstream(int port, int weight, boolean backup) {
        return new UpstreamConfig(Endpoint.parse("127.0.0.1:" + port), weight, backup);
    }

    private static UpstreamPool pool(Balance balance, UpstreamConfig... upstreams) {
        return UpstreamPool.create(route(balance, upstreams));
    }

    private static RouteConfig route(Balance balance, UpstreamConfig... upstreams) {
        RouteConfig.Builder route = RouteConfig.builder("t").listen(Endpoint.parse("127.0.0.1:0"))
                .balance(balance).healthCheck(EJECT_AT_ONCE).connectRetries(2);
        for (UpstreamConfig upstream : upstreams) {
            route.upstream(upstream);
        }
        return route.build();
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<Integer, Integer> countPicks(UpstreamPool pool, int picks) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            Upstream chosen = pool.choose(CLIENT, Set.of());
            counts.merge(((Endpoint.Inet) chosen.address()).port(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinFollowsTheWeightsAndSpreadsTheHeavyOnesTurns() {
        UpstreamPool pool = pool(Balance.ROUND_ROBIN, upstream(1, 5, false), upstream(2, 1, false), upstream(3, 1, false));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            order.add(((Endpoint.Inet) pool.choose(CLIENT, Set.of()).address()).port());
        }
        assertEquals(List.of(1, 1, 2, 1, 3, 1, 1), order, "smooth: the light upstreams are not left to the end");
        assertEquals(Map.of(1, 500, 2, 100, 3, 100), countPicks(pool, 700));
    }

    @Test
    void leastConnectionsPicksTheLeastLoadedForItsWeight() {
        UpstreamPool pool = pool(Balance.LEAST_CONNECTIONS, upstream(1, 1, false), upstream(2, 2, false));
        Upstream one = pool.members().get(0);
        Upstream two = pool.members().get(1);
        one.dialing();
        one.dialing();
        two.dialing();
        two.dialing();
        two.dialing(); // 2 for weight 1 against 3 for weight 2: two is lighter
        assertSame(two, pool.choose(CLIENT, Set.of()));
        two.dialing(); // 2/1 against 4/2: a tie, so they take turns
        Set<Upstream> seen = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) {
            seen.add(pool.choose(CLIENT, Set.of()));
        }
        assertEquals(Set.of(one, two), seen);
    }

    @Test
    void randomTwoChoicesSendsNothingToTheBusyOneWhileTheOthersAreIdle() {
        UpstreamPool pool = pool(Balance.RANDOM_TWO_CHOICES, upstream(1, 1, false), upstream(2, 1, false),
                upstream(3, 1, false));
        Upstream busy = pool.members().get(2);
        for (int i = 0; i < 10; i++) {
            busy.dialing();
        }
        Map<Integer, Integer> counts = countPicks(pool, 3_000);
        // The busy one is always drawn beside an idle one, so it never wins.
        assertNull(counts.get(3));
        assertTrue(counts.get(1) > 1_200 && counts.get(2) > 1_200, counts.toString());
    }

    @Test
    void randomTwoChoicesFollowsTheWeightsWhenLoadIsEqual() {
        UpstreamPool pool = pool(Balance.RANDOM_TWO_CHOICES, upstream(1, 3, false), upstream(2, 1, false));
        Map<Integer, Integer> counts = countPicks(pool, 20_000);
        // Equal load, so the first draw wins: 3:1 by weight, within a wide margin for chance.
        assertTrue(counts.get(1) > 14_000 && counts.get(1) < 16_000, counts.toString());
    }

    @Test
    void sourceHashKeepsAClientOnItsUpstreamAndMovesOnlyTheClientsOfOneThatLeaves() {
        UpstreamPool pool = pool(Balance.SOURCE_HASH, upstream(1, 1, false), upstream(2, 1, false),
                upstream(3, 1, false), upstream(4, 1, false));
        Map<InetAddress, Upstream> before = new HashMap<>();
        Map<Upstream, Integer> load = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            InetAddress client = address("127.0." + (i / 250) + "." + (i % 250));
            Upstream chosen = pool.choose(client, Set.of());
            assertSame(chosen, pool.choose(client, Set.of()), "the same client, the same upstream");
            before.put(client, chosen);
            load.merge(chosen, 1, Integer::sum);
        }
        load.values().forEach(n -> assertTrue(n > 300 && n < 700, "an even spread: " + load.values()));

        Upstream leaving = pool.members().get(1);
        leaving.connectFailed(EJECT_AT_ONCE, new java.net.ConnectException("Connection refused"));
        for (Map.Entry<InetAddress, Upstream> entry : before.entrySet()) {
            Upstream now = pool.choose(entry.getKey(), Set.of());
            if (entry.getValue() == leaving) {
                assertNotEquals(leaving, now);
            } else {
                assertSame(entry.getValue(), now, "a client of a healthy upstream stays put");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void backupsServeOnlyWhileNoPrimaryIsHealthy(Balance balance) {
        UpstreamPool pool = pool(balance, upstream(1, 1, false), upstream(2, 1, false), upstream(3, 1, true));
        Upstream backup = pool.members().get(2);
        for (int i = 0; i < 50; i++) {
            assertNotEquals(backup, pool.choose(address("127.0.0." + i), Set.of()));
        }
        pool.members().get(0).connectFailed(EJECT_AT_ONCE, new java.net.ConnectException("Connection refused"));
        pool.members().get(1).connectFailed(EJECT_AT_ONCE, new java.net.ConnectException("Connection refused"));
        assertSame(backup, pool.choose(CLIENT, Set.of()));
        backup.connectFailed(EJECT_AT_ONCE, new java.net.ConnectException("Connection refused"));
        assertNull(pool.choose(CLIENT, Set.of()), "nothing healthy: nothing chosen");
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void aRetrySkipsWhatWasTriedWhileOthersRemain(Balance balance) {
        UpstreamPool pool = pool(balance, upstream(1, 1, false), upstream(2, 1, false));
        Upstream first = pool.choose(CLIENT, Set.of());
        Upstream second = pool.choose(CLIENT, Set.of(first));
        assertNotEquals(first, second);
        assertTrue(pool.members().contains(pool.choose(CLIENT, Set.of(first, second))), "all tried: any again");
    }

    @Test
    void aReloadKeepsTheStateOfUpstreamsThatStay() {
        UpstreamPool before = pool(Balance.ROUND_ROBIN, upstream(1, 1, false), upstream(2, 1, false));
        before.members().get(0).dialing();
        before.members().get(1).connectFailed(EJECT_AT_ONCE, new java.net.ConnectException("Connection refused"));
        UpstreamPool after = UpstreamPool.create(
                route(Balance.LEAST_CONNECTIONS, upstream(2, 4, false), upstream(3, 1, false)), before);
        assertSame(before.members().get(1), after.members().get(0), "kept, with its ejection");
        assertEquals(4, after.members().get(0).weight(), "with its new weight");
        assertTrue(!after.members().get(0).healthy());
        assertEquals(0, after.members().get(1).activeConnections());
    }

    @Test
    void everyConnectToAnUpstreamDialsOneSharedAddress() {
        Upstream upstream = pool(Balance.ROUND_ROBIN, upstream(8080, 1, false)).members().get(0);
        Transport transport = Transports.select(TransportKind.NIO);
        SocketAddress dialed = upstream.dialAddress(transport);
        assertEquals(new InetSocketAddress(CLIENT, 8080), dialed);
        assertSame(dialed, upstream.dialAddress(transport), "made once, not per connection");
    }

    private static UpstreamPool discovered(Balance balance) {
        RouteConfig route = RouteConfig.builder("d").listen(Endpoint.parse("127.0.0.1:0")).balance(balance)
                .discovery(new UpstreamDiscovery.DnsSrv("_d._tcp.relay.test", Duration.ZERO)).build();
        return UpstreamPool.create(route);
    }

    @Test
    void sourceHashMovesOnlyTheClientsOfADiscoveredEndpointThatLeaves() {
        List<UpstreamConfig> five = new ArrayList<>();
        for (int port = 1; port <= 5; port++) {
            five.add(upstream(port, 1, false));
        }
        UpstreamPool pool = discovered(Balance.SOURCE_HASH).with(new DiscoveredEndpoints(five, List.of()));
        Map<InetAddress, Endpoint> before = new HashMap<>();
        for (int i = 0; i < 2_000; i++) {
            InetAddress client = address("127.0." + (i / 250) + "." + (i % 250));
            before.put(client, pool.choose(client, Set.of()).address());
        }
        Endpoint leaving = five.get(2).address();
        UpstreamPool after = pool.with(new DiscoveredEndpoints(
                five.stream().filter(u -> !u.address().equals(leaving)).toList(), List.of()));
        int moved = 0;
        for (Map.Entry<InetAddress, Endpoint> entry : before.entrySet()) {
            Endpoint now = after.choose(entry.getKey(), Set.of()).address();
            if (entry.getValue().equals(leaving)) {
                assertNotEquals(leaving, now);
                moved++;
            } else {
                assertEquals(entry.getValue(), now, "a client of an endpoint that stays stays put");
            }
        }
        assertTrue(moved > 200 && moved < 600, "about a fifth of the clients were the leaver's: " + moved);
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void aDrainingEndpointTakesNoNewConnectionButKeepsItsState(Balance balance) {
        UpstreamPool pool = discovered(balance).with(new DiscoveredEndpoints(
                List.of(upstream(1, 1, false), upstream(2, 1, false)), List.of()));
        Upstream first = pool.members().get(0);
        first.dialing();
        UpstreamPool draining = pool.with(new DiscoveredEndpoints(List.of(upstream(2, 1, false)),
                List.of(upstream(1, 1, false))));
        assertSame(first, draining.members().get(1), "the same upstream, with its open connection");
        assertTrue(first.draining());
        assertEquals(1, first.activeConnections());
        for (int i = 0; i < 20; i++) {
            assertNotEquals(first, draining.choose(address("127.0.0." + i), Set.of()));
        }
        UpstreamPool only = pool.with(new DiscoveredEndpoints(List.of(), List.of(upstream(1, 1, false))));
        assertNull(only.choose(CLIENT, Set.of()), "draining only: nothing for a new connection");
    }

    @Test
    void aReloadOfADiscoveringRouteKeepsWhatTheSourceGave() {
        UpstreamPool pool = discovered(Balance.ROUND_ROBIN).with(new DiscoveredEndpoints(
                List.of(upstream(1, 1, false), upstream(2, 3, false)), List.of()));
        RouteConfig changed = pool.route().toBuilder().balance(Balance.LEAST_CONNECTIONS).build();
        UpstreamPool reloaded = UpstreamPool.create(changed, pool);
        assertEquals(pool.members(), reloaded.members());
        assertEquals(pool.discovered(), reloaded.discovered());
        assertTrue(UpstreamPool.create(changed).members().isEmpty(), "a new route waits for its source");
    }
}
