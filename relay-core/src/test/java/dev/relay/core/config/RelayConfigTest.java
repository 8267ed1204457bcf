package dev.relay.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RelayConfigTest {

    private static final Endpoint LISTEN = Endpoint.parse("127.0.0.1:0");
    private static final Endpoint TARGET = Endpoint.parse("127.0.0.1:7792");

    @Test
    void defaultsAreTheDocumentedOnes() {
        RelayConfig config = RelayConfig.of(LISTEN, TARGET);
        assertEquals(TransportKind.AUTO, config.transport());
        assertEquals(Duration.ofSeconds(5), config.connectTimeout());
        assertEquals(Duration.ofHours(1), config.idleTimeout());
        assertEquals(Duration.ofSeconds(30), config.drainTimeout());
        assertEquals(config, config.toBuilder().build());
    }

    @Test
    void invalidValuesAreRejectedWithTheFieldAndTheExpectation() {
        assertMessage("connectTimeout: 0 (expected: > 0)", b -> b.connectTimeout(Duration.ZERO));
        assertMessage("idleTimeout: -1s (expected: >= 0)", b -> b.idleTimeout(Duration.ofSeconds(-1)));
        assertMessage("drainTimeout: -5ms (expected: >= 0)", b -> b.drainTimeout(Duration.ofMillis(-5)));
        assertMessage("backlog: 0 (expected: 1-65535)", b -> b.backlog(0));
        assertMessage("ioThreads: -1 (expected: 0-1024, 0 = one per core)", b -> b.ioThreads(-1));
        assertMessage("target: *:80 (expected: a host and a port other than 0)", b -> b.target(Endpoint.parse("80")));
        assertMessage("listen: missing (expected: an address)", b -> b.listen(null));
    }

    private static void assertMessage(String message, UnaryOperator<RelayConfig.Builder> change) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> change.apply(RelayConfig.builder(LISTEN, TARGET)).build());
        assertEquals(message, e.getMessage());
    }
}
