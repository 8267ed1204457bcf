package dev.relay.core.metrics;

/**
 * A route's timing histograms, looked up once per route so a finished connection records with two adds and no
 * label lookup.
 */
public final class RouteMetrics {

    /** For code that runs without a server's metrics (unit tests of single handlers). */
    public static final RouteMetrics NONE = new RouteMetrics(null, null);

    private final TimingHistogram connectSeconds;
    private final TimingHistogram durationSeconds;

    RouteMetrics(TimingHistogram connectSeconds, TimingHistogram durationSeconds) {
        this.connectSeconds = connectSeconds;
        this.durationSeconds = durationSeconds;
    }

    /** An upstream answered {@code nanos} after the client was accepted, retries included. */
    public void connected(long nanos) {
        if (connectSeconds != null) {
            connectSeconds.observe(nanos / 1e9);
        }
    }

    /** A connection ended {@code nanos} after it was accepted. */
    public void finished(long nanos) {
        if (durationSeconds != null) {
            durationSeconds.observe(nanos / 1e9);
        }
    }

    TimingHistogram connectSeconds() {
        return connectSeconds;
    }

    TimingHistogram durationSeconds() {
        return durationSeconds;
    }
}
