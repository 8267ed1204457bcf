package dev.relay.core.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms,250", "5s,5000", "2m,120000", "1h,3600000", "1d,86400000", "0,0", "0s,0"})
    void parsesWhatOperatorsWrite(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"5000,5s", "90000,90s", "3600000,1h", "1500,1500ms", "0,0"})
    void formatsTheShortestExactForm(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "-1s", "5x", "s", "1.5s", "99999999999999s"})
    void rejectsTheRest(String text) {
        assertThrows(ConfigException.class, () -> Durations.parse(text));
    }
}
