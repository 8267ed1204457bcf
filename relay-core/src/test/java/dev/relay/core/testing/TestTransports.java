package dev.relay.core.testing;

import dev.relay.core.transport.TransportKind;
import dev.relay.core.transport.Transports;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Argument sources: every transport this host loads, alone or crossed with every loopback family. */
public final class TestTransports {

    private TestTransports() {
    }

    public static Stream<TransportKind> available() {
        return Transports.available().stream();
    }

    public static Stream<Arguments> withFamilies() {
        List<Arguments> cases = new ArrayList<>();
        for (TransportKind kind : Transports.available()) {
            for (Family family : Family.values()) {
                if (family.available()) {
                    cases.add(Arguments.of(kind, family));
                }
            }
        }
        return cases.stream();
    }
}
