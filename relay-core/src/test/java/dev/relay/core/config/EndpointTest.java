package dev.relay.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:80      | 127.0.0.1:80",
            "[::1]:8080        | [::1]:8080",
            "8928              | *:8928",
            ":8928             | *:8928",
            "example.test:443  | example.test:443",
            "unix:/run/r.sock  | unix:/run/r.sock",
    })
    void acceptedForms(String text, String shown) {
        assertEquals(shown, Endpoint.parse(text).toString());
    }

    @Test
    void literalsAreResolvedWithoutALookupAndNamesAreLeftForTheConnect() {
        InetSocketAddress literal = (InetSocketAddress) Endpoint.parse("[::1]:80").toSocketAddress();
        assertTrue(!literal.isUnresolved() && literal.getAddress().isLoopbackAddress());
        InetSocketAddress name = (InetSocketAddress) Endpoint.parse("example.test:80").toSocketAddress();
        assertTrue(name.isUnresolved());
        assertInstanceOf(UnixDomainSocketAddress.class, Endpoint.parse("unix:/tmp/x.sock").toSocketAddress());
        assertEquals(new Endpoint.Unix(Path.of("/tmp/x.sock")), Endpoint.parse("unix:/tmp/x.sock"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''              | an address is empty",
            "host            | \"host\" has no valid port",
            "host:           | \"host:\" has no valid port",
            "host:http       | \"host:http\" has no valid port",
            "host:70000      | port 70000 is out of range",
            "::1:80          | write an IPv6 address in brackets",
            "[::1]           | is not an address",
            "[nope]:80       | nope is not an IPv6 address",
            "unix:           | has no socket path",
    })
    void rejectedFormsSayWhy(String text, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> Endpoint.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
