package dev.relay.core.config;


import java.time.Duration;

/**
 * When a toxic is on, counted from the moment it was set (a start, a reload that added it, an API call): from
 * {@code after}, for {@code duration} (0: from then on), again every {@code every} (0: once). So a chaos run is a
 * file: "latency from 10 s for 5 s", "down 5 s of every 30 s", or a sequence of toxics one after another.
 *
 * @param after    how long after it is set the toxic turns on
 * @param duration how long it stays on; zero: until removed
 * @param every    the period it repeats with (longer than {@code duration}); zero: it does not repeat
 */
public record ToxicSchedule(Duration after, Duration duration, Duration every) {

    public static final ToxicSchedule ALWAYS = new ToxicSchedule(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public ToxicSchedule {
        for (Duration d : new Duration[] {after, duration, every}) {
            if (d == null || d.isNegative()) {
                throw new ConfigException("a toxic's after, for and every must be 0 or more");
            }
        }
        if (!every.isZero() && (duration.isZero() || duration.compareTo(every) >= 0)) {
            throw new ConfigException("a toxic's every (" + Durations.format(every) + ") must be longer than its for ("
                    + Durations.format(duration) + "), which every needs");
        }
    }

    public boolean always() {
        return equals(ALWAYS);
    }

    /** Whether the toxic is on {@code sinceSetNanos} after it was set. */
    public boolean onAt(long sinceSetNanos) {
        long elapsed = sinceSetNanos - after.toNanos();
        if (elapsed < 0) {
            return false;
        }
        if (duration.isZero()) {
            return true;
        }
        if (every.isZero()) {
            return elapsed < duration.toNanos();
        }
        return elapsed % every.toNanos() < duration.toNanos();
    }
}
