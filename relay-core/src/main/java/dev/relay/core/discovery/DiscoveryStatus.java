package dev.relay.core.discovery;

import dev.relay.core.upstream.DiscoveredEndpoints;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a route's discovery source is doing, for the admin API and metrics: whether it has answered, whether its last
 * attempt failed (the route then serves the last pool it had), and how often each happened. Written by the source's
 * thread, read by the admin's; each field is safe to read alone.
 */
public final class DiscoveryStatus {

    /** Where a source stands. */
    public enum State {
        /** Started, no answer yet: the route has no upstream (unless a reload kept an earlier source's). */
        WAITING,
        /** The last answer is the pool. */
        CURRENT,
        /** The source cannot be reached or answered badly: the route keeps the last pool it had. */
        STALE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A copy for the API: every field read once. */
    public record View(String source, String state, int serving, int draining, long changes, long errors,
                       String lastChange, String lastError) {
    }

    private final String source;
    private volatile State state = State.WAITING;
    private volatile boolean answered;
    private volatile int serving;
    private volatile int draining;
    private volatile Instant lastChange;
    private volatile String lastError;
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    DiscoveryStatus(String source) {
        this.source = source;
    }

    void answered(DiscoveredEndpoints endpoints, boolean changed) {
        serving = endpoints.serving().size();
        draining = endpoints.draining().size();
        state = State.CURRENT;
        answered = true;
        if (changed) {
            changes.incrementAndGet();
            lastChange = Instant.now();
        }
    }

    /** A failed attempt; true when it is the first since the last answer (worth a log line). */
    boolean failed(String why) {
        errors.incrementAndGet();
        lastError = why;
        boolean first = state != State.STALE;
        state = State.STALE;
        return first;
    }

    /** Whether the source has answered since it started: until then a relay is not ready for traffic. */
    public boolean answered() {
        return answered;
    }

    public String source() {
        return source;
    }

    public State state() {
        return state;
    }

    public int serving() {
        return serving;
    }

    public int draining() {
        return draining;
    }

    public long changes() {
        return changes.get();
    }

    public long errors() {
        return errors.get();
    }

    public View view() {
        Instant changed = lastChange;
        return new View(source, state.label(), serving, draining, changes.get(), errors.get(),
                changed == null ? null : changed.toString(), lastError);
    }
}
