package dev.relay.core.proxy;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.RouteTimeouts;
import dev.relay.core.config.ServerNames;
import dev.relay.core.metrics.RelayCounter;
import dev.relay.core.metrics.RouteMetrics;
import dev.relay.core.testing.ClientHellos;
import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transports;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.resolver.DefaultAddressResolverGroup;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Choosing a route by server name, and turning away what no route takes, on an embedded channel. */
class ServerNameRouterTest {

    private static RouteContext route(String name, ServerNames names) {
        RouteConfig config = RouteConfig.builder(name).listen(Endpoint.parse("127.0.0.1:0"))
                .upstream(Endpoint.parse("127.0.0.1:9")).serverNames(names)
                .timeouts(new RouteTimeouts(Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO, Duration.ofSeconds(2)))
                .build();
        return new RouteContext(config, Transports.select(TransportKind.NIO), DefaultAddressResolverGroup.INSTANCE,
                new ConnectionRegistry(), new AtomicLong(), RouteMetrics.NONE, summary -> { }, false);
    }

    private static ListenerRoutes routes(RouteContext... routes) {
        return new ListenerRoutes(java.util.Arrays.stream(routes)
                .map(r -> new ListenerRoutes.Member(r, r.state().config())).toList());
    }

    @Test
    void anExactNameBeatsAWildcardTheLongestWildcardWinsAndTheRestGoesToTheDefault() {
        RouteContext api = route("api", ServerNames.of("api.example.com"));
        RouteContext apps = route("apps", ServerNames.of("*.example.com"));
        RouteContext eu = route("eu", ServerNames.of("*.eu.example.com"));
        RouteContext fallback = route("fallback", ServerNames.ANY);
        ListenerRoutes routes = routes(api, apps, eu, fallback);

        assertTrue(routes.byServerName());
        assertSame(api, routes.select("api.example.com"));
        assertSame(api, routes.select("API.Example.COM"), "names compare without case");
        assertSame(apps, routes.select("www.example.com"));
        assertSame(apps, routes.select("a.b.example.com"), "a wildcard covers every depth below it");
        assertSame(eu, routes.select("shop.eu.example.com"), "the longer wildcard is the more specific");
        assertSame(fallback, routes.select("example.com"), "*.example.com does not cover example.com itself");
        assertSame(fallback, routes.select("other.test"));
        assertSame(fallback, routes.select(null), "no server name, or not TLS");
        assertEquals(Duration.ofSeconds(2), routes.clientHelloTimeout());

        assertNull(routes(api, apps).select("other.test"), "no default: nobody takes it");
        assertFalse(routes(fallback).byServerName(), "one route without names is a plain listener");
    }

    @Test
    void aNameNoRouteTakesIsClosedAndCountedOnTheFirstRoute() throws Exception {
        RouteContext api = route("api", ServerNames.of("api.example.com"));
        EmbeddedChannel channel = new EmbeddedChannel(new ServerNameRouter(routes(api)));
        channel.writeInbound(Unpooled.wrappedBuffer(ClientHellos.forName("other.example.com")));
        assertFalse(channel.isOpen());
        assertEquals(1, api.counters().get(RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME));
        assertFalse(channel.finishAndReleaseAll(), "nothing was passed on");
    }

    @Test
    void bytesThatAreNotTlsAreClosedWhenThereIsNoDefault() {
        RouteContext api = route("api", ServerNames.of("api.example.com"));
        EmbeddedChannel channel = new EmbeddedChannel(new ServerNameRouter(routes(api)));
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
        assertFalse(channel.isOpen());
        assertEquals(1, api.counters().get(RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME));
        channel.finishAndReleaseAll();
    }

    @Test
    void aClientThatSendsNoClientHelloInTimeIsClosed() {
        RouteContext api = route("api", ServerNames.of("api.example.com"));
        EmbeddedChannel channel = new EmbeddedChannel(new ServerNameRouter(routes(api)));
        byte[] hello = new byte[] {0x16, 0x03, 0x01, 0x00, 0x40}; // a record header, then silence
        channel.writeInbound(Unpooled.wrappedBuffer(hello));
        assertTrue(channel.isOpen(), "waiting for the rest");
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen());
        assertEquals(1, api.counters().get(RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME));
        channel.finishAndReleaseAll();
    }

    @Test
    void aHandshakeLongerThanTheBoundIsClosed() {
        RouteContext api = route("api", ServerNames.of("api.example.com"));
        EmbeddedChannel channel = new EmbeddedChannel(new ServerNameRouter(routes(api)));
        byte[] record = new byte[5 + 16 * 1024];
        record[0] = 0x16; // handshake
        record[1] = 0x03;
        record[2] = 0x01;
        record[3] = 0x40; // 16 KiB record
        record[5] = 0x01; // ClientHello
        record[6] = 0x01; // claiming 64 KiB + a bit
        record[7] = 0x00;
        record[8] = 0x10;
        channel.writeInbound(Unpooled.wrappedBuffer(record));
        assertFalse(channel.isOpen());
        assertEquals(1, api.counters().get(RelayCounter.CONNECTIONS_REJECTED_SERVER_NAME));
        channel.finishAndReleaseAll();
    }
}
