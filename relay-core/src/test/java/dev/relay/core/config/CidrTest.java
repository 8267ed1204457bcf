package dev.relay.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "127.0.0.0/8,      127.1.2.3,         true",
            "127.0.0.0/8,      ::ffff:127.0.0.1,  true",
            "127.0.0.1,        127.0.0.1,         true",
            "127.0.0.1,        127.0.0.2,         false",
            "127.0.0.0/31,     127.0.0.1,         true",
            "127.0.0.0/32,     127.0.0.1,         false",
            "0.0.0.0/0,        127.9.9.9,         true",
            "0.0.0.0/0,        ::1,               false",
            "::1/128,          ::1,               true",
            "::1,              ::,                false",
            "::/0,             ::1,               true",
            "::/0,             127.0.0.1,         false",
    })
    void matchesTheAddressesOfItsNetwork(String network, String address, boolean expected) throws Exception {
        assertEquals(expected, Cidr.parse(network).matches(InetAddress.getByName(address)));
    }

    @Test
    void hostBitsAreClearedSoEqualNetworksAreEqual() {
        assertEquals("127.0.0.0/8", Cidr.parse("127.1.2.3/8").toString());
        assertEquals(Cidr.parse("127.0.0.0/8"), Cidr.parse("127.255.0.1/8"));
        assertEquals("::1/128", Cidr.parse("::1").toString());
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1/33", "::1/129", "localhost", "127.0.0.1/", "127.0.0.1/x", "''"})
    void badNetworksSayWhatIsExpected(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> Cidr.parse(text));
        assertTrue(e.getMessage().contains("prefix") || e.getMessage().contains("expected"), e.getMessage());
    }
}
