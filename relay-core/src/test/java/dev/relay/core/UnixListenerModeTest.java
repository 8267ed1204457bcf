package dev.relay.core;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UnixSocketMode;
import dev.relay.core.testing.TestRelay;
import dev.relay.core.config.TransportKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code unix_socket_mode}: a route's Unix listener has the asked-for permission bits as soon as it accepts. */
class UnixListenerModeTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.relay.core.testing.TestTransports#available")
    void theListenerGetsTheModeWhateverTheUmask(TransportKind transport) throws Exception {
        Path path = dir.resolve("relay.sock");
        RouteConfig route = RouteConfig.of("r", Endpoint.parse("unix:" + path), Endpoint.parse("127.0.0.1:7792"));
        ServerConfig config = ServerConfig.of(route).with(transport, 1, Duration.ofSeconds(1))
                .withUnixSocketMode(UnixSocketMode.parse("0666"));

        try (TestRelay relay = TestRelay.start(config)) {
            assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(path));
        }
    }
}
