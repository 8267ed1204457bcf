package dev.relay.core.testing;

import dev.relay.core.config.TransportKind;
import dev.relay.core.transport.Transports;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Argument sources: every transport this host loads (or those a test run names), alone or crossed with every
 * loopback family.
 */
public final class TestTransports {

    private TestTransports() {
    }

    public static Stream<TransportKind> available() {
        return chosen().stream();
    }

    /**
     * Every transport this host loads, or only those named by {@code -Drelay.test.transports} (comma-separated);
     * every one when none of those loads here, so that a parameterized test still has something to run on.
     */
    private static List<TransportKind> chosen() {
        List<TransportKind> loaded = Transports.available();
        String named = System.getProperty("relay.test.transports", "").strip();
        if (named.isEmpty()) {
            return loaded;
        }
        List<TransportKind> wanted = Arrays.stream(named.split(",")).map(TransportKind::parse).toList();
        List<TransportKind> chosen = loaded.stream().filter(wanted::contains).toList();
        return chosen.isEmpty() ? loaded : chosen;
    }

    public static Stream<Arguments> withFamilies() {
        List<Arguments> cases = new ArrayList<>();
        for (TransportKind kind : chosen()) {
            for (Family family : Family.values()) {
                if (family.available()) {
                    cases.add(Arguments.of(kind, family));
                }
            }
        }
        return cases.stream();
    }
}
