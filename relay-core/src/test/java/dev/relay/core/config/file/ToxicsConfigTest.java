package dev.relay.core.config.file;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Endpoint;
import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code toxics:} on a route: Toxiproxy's fields, relay's scope and schedule, and every mistake at its place. */
class ToxicsConfigTest {

    @Test
    void aRouteDeclaresToxicsWithScopeAndSchedule() {
        RouteConfig route = ConfigFile.parse("t.yaml", """
                routes:
                  - name: db
                    listen: 127.0.0.1:6432
                    upstreams: [127.0.0.1:5432, 127.0.0.1:5433]
                    toxics:
                      - type: latency
                        attributes: {latency: 200, jitter: 20}
                      - name: slow-replica
                        type: bandwidth
                        stream: upstream
                        toxicity: 0.5
                        attributes: {rate: 10}
                        upstream: 127.0.0.1:5433
                        clients: [127.0.0.1/32, "::1/128"]
                      - {name: outage, type: reject, after: 30s, for: 5s, every: 1m}
                """).route("db").orElseThrow();
        List<Toxic> toxics = route.toxics();
        assertEquals(List.of("latency_downstream", "slow-replica", "outage"), toxics.stream().map(Toxic::name).toList());
        assertEquals(200, toxics.get(0).attribute("latency"));
        assertEquals(Direction.UPSTREAM, toxics.get(1).stream());
        assertEquals(0.5, toxics.get(1).toxicity());
        assertEquals(Endpoint.parse("127.0.0.1:5433"), toxics.get(1).scope().upstream());
        assertEquals(2, toxics.get(1).scope().clients().size());
        assertEquals(ToxicType.REJECT, toxics.get(2).type());
        assertEquals(Duration.ofSeconds(30), toxics.get(2).schedule().after());
        assertEquals(Duration.ofMinutes(1), toxics.get(2).schedule().every());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'      - {type: latency, atributes: {latency: 1}}'        | t.yaml:6:25: unknown key \"atributes\" in a toxic",
            "'      - {type: latency, attributes: {latncy: 1}}'        | t.yaml:6:38: unknown key \"latncy\" in attributes of latency",
            "'      - {type: latency, attributes: {latency: -5}}'      | t.yaml:6:47: toxics.attributes.latency: \"-5\" is not a whole number",
            "'      - {type: lag}'                                     | t.yaml:6:16: toxics.type: \"lag\" is not a toxic type",
            "'      - {type: latency, stream: sideways}'               | t.yaml:6:33: toxics.stream: \"sideways\" is not a stream",
            "'      - {type: latency, toxicity: 2}'                    | t.yaml:6:35: toxics.toxicity: \"2\" is not a toxicity",
            "'      - {attributes: {latency: 1}}'                      | t.yaml:6:9: toxics: every toxic needs a type",
            "'      - {type: drop}'                                    | t.yaml:",
            "'      - {type: timeout, for: 5s, every: 5s}'             | t.yaml:6:9: a toxic's every",
            "'      - {type: timeout, clients: [nowhere]}'             | t.yaml:6:35: toxics.clients:",
    })
    void aBadToxicIsOneLineAtItsPlace(String line, String expected) {
        String yaml = """
                routes:
                  - name: t
                    listen: 127.0.0.1:5353
                    upstreams: [127.0.0.1:53]
                    toxics:
                """ + line + "\n";
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConfigFile.parse("t.yaml", yaml));
        assertTrue(e.problems().get(0).toString().startsWith(expected), line + ": " + e.problems());
    }
}
