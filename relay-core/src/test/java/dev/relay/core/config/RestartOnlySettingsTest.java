package dev.relay.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartOnlySettingsTest {

    private static final RouteConfig ROUTE = RouteConfig.of("web", Endpoint.parse("127.0.0.1:0"),
            Endpoint.parse("127.0.0.1:7792"));
    private static final ServerConfig RUNNING = ServerConfig.of(ROUTE);

    /** Every restart-only setting different from {@link #RUNNING}, and the reloadable ones too. */
    private static final ServerConfig NEXT = new ServerConfig(TransportKind.EPOLL, 3, 99, true, Duration.ofSeconds(7),
            new DnsConfig(Duration.ofSeconds(2), Duration.ofMinutes(5), List.of()),
            new AdminConfig(Endpoint.parse("127.0.0.1:9901"), null), new AccessLogConfig(true, AccessLogConfig.Format.JSON, null,
            AccessLogConfig.DEFAULT_MAX_BYTES, AccessLogConfig.DEFAULT_MAX_FILES),
            List.of(ROUTE, RouteConfig.of("api", Endpoint.parse("127.0.0.1:7801"), Endpoint.parse("127.0.0.1:7793"))),
            Duration.ZERO, false, UnixSocketMode.parse("0660"));

    @Test
    void namesEveryChangedSettingWithItsNewValue() {
        assertEquals(List.of("transport epoll", "io_threads 3", "dns", "reuse_port true", "admin", "access_log",
                "splice false", "certificate_check_interval", "unix_socket_mode 0660"),
                RestartOnlySettings.changedBy(RUNNING, NEXT));
        assertEquals(List.of(), RestartOnlySettings.changedBy(RUNNING, RUNNING.withRoutes(NEXT.routes())));
    }

    @Test
    void keepsTheRunningValuesAndTakesTheRest() {
        ServerConfig applied = RestartOnlySettings.keptFrom(RUNNING, NEXT);

        assertEquals(List.of(), RestartOnlySettings.changedBy(RUNNING, applied));
        assertEquals(NEXT.routes(), applied.routes());
        assertEquals(NEXT.backlog(), applied.backlog());
        assertEquals(NEXT.drainTimeout(), applied.drainTimeout());
    }
}
