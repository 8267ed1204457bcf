package dev.relay.core.metrics;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live values of one relay's {@link RelayCounter}s. Event loops add to them where the bytes already are;
 * a {@link LongAdder} keeps that uncontended across loops. Readable from any thread.
 */
public final class RelayCounters {

    private final LongAdder[] values = new LongAdder[RelayCounter.values().length];

    public RelayCounters() {
        for (int i = 0; i < values.length; i++) {
            values[i] = new LongAdder();
        }
    }

    public void increment(RelayCounter counter) {
        values[counter.ordinal()].increment();
    }

    public void decrement(RelayCounter counter) {
        values[counter.ordinal()].decrement();
    }

    public void add(RelayCounter counter, long amount) {
        values[counter.ordinal()].add(amount);
    }

    public long get(RelayCounter counter) {
        return values[counter.ordinal()].sum();
    }

    /** The sum of several routes' counters, as one copy. */
    public static RelayCounters sum(Iterable<RelayCounters> parts) {
        RelayCounters total = new RelayCounters();
        for (RelayCounters part : parts) {
            for (RelayCounter counter : RelayCounter.values()) {
                total.add(counter, part.get(counter));
            }
        }
        return total;
    }

    /** A consistent-enough copy of every value, in declaration order. */
    public Map<RelayCounter, Long> snapshot() {
        Map<RelayCounter, Long> copy = new EnumMap<>(RelayCounter.class);
        for (RelayCounter counter : RelayCounter.values()) {
            copy.put(counter, get(counter));
        }
        return Collections.unmodifiableMap(copy);
    }
}
