package dev.relay.core.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * A route's timing histograms, looked up once per route so a finished connection records with two adds and no
 * label lookup.
 */
public final class RouteMetrics {

    /** For code that runs without a server's metrics (unit tests of single handlers). */
    public static final RouteMetrics NONE = new RouteMetrics(null, null);

    private final DistributionDataPoint connectSeconds;
    private final DistributionDataPoint durationSeconds;

    RouteMetrics(DistributionDataPoint connectSeconds, DistributionDataPoint durationSeconds) {
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
}
