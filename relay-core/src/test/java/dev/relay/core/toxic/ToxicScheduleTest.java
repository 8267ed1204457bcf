package dev.relay.core.toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Toxic;
import dev.relay.core.config.ToxicSchedule;
import dev.relay.core.config.ToxicType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a scheduled toxic is on, and how a reload's declared toxics replace the old ones. */
class ToxicScheduleTest {

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    @Test
    void afterForAndEveryMakeAWindowThatRepeats() {
        ToxicSchedule downFiveOfThirty = new ToxicSchedule(Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(30));
        assertFalse(downFiveOfThirty.onAt(ms(9_999)));
        assertTrue(downFiveOfThirty.onAt(ms(10_000)));
        assertTrue(downFiveOfThirty.onAt(ms(14_999)));
        assertFalse(downFiveOfThirty.onAt(ms(15_000)));
        assertTrue(downFiveOfThirty.onAt(ms(40_001)), "again 30 s later");
        assertTrue(ToxicSchedule.ALWAYS.onAt(0));
        ToxicSchedule once = new ToxicSchedule(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO);
        assertTrue(once.onAt(ms(999)));
        assertFalse(once.onAt(ms(1_000)));
        assertFalse(once.onAt(ms(31_000)), "no every: once only");
        assertThrows(ConfigException.class, () -> new ToxicSchedule(Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(5)), "every must be longer than for");
    }

    @Test
    void aReloadKeepsAnUnchangedToxicsClockReplacesChangedOnesAndLeavesApiToxics() {
        ToxicSet set = new ToxicSet();
        Toxic slow = Toxic.of(ToxicType.LATENCY, Direction.UPSTREAM, Map.of("latency", 10L));
        Toxic cut = new Toxic("cut", ToxicType.TIMEOUT, Direction.DOWNSTREAM, 1.0, Map.of());
        Toxic fromApi = new Toxic("api", ToxicType.BANDWIDTH, Direction.DOWNSTREAM, 1.0, Map.of("rate", 5L));
        set.declare(List.of(slow, cut));
        set.add(fromApi);
        set.declare(List.of(slow, cut.on(new ToxicSchedule(Duration.ofHours(1), Duration.ZERO, Duration.ZERO))));
        assertEquals(List.of("api", "latency_upstream", "cut"), set.list().stream().map(Toxic::name).toList());
        List<ToxicSet.State> states = set.states();
        assertTrue(states.get(1).on() && states.get(1).declared());
        assertFalse(states.get(2).on(), "the changed toxic starts its schedule anew: an hour from now");
        assertFalse(states.get(0).declared(), "the API's toxic stays through a reload");
        set.declare(List.of());
        assertEquals(List.of("api"), set.list().stream().map(Toxic::name).toList());
    }
}
