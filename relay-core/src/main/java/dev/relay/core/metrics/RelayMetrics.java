package dev.relay.core.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * One relay's metrics registry, with the Prometheus Java client: the timing histograms, reload counts, build
 * info and the JVM's own metrics (process start time among them). The per-route counters are not copied in
 * here: they are read from the routes' {@link RelayCounters} at scrape time, so counting on the data path
 * costs what it did before metrics existed.
 */
public final class RelayMetrics {

    /** Connect time: loopback is well under a millisecond, a far region about a hundred. */
    private static final double[] CONNECT_BUCKETS =
            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Connection duration: from a health probe's milliseconds to a day-long session. */
    private static final double[] DURATION_BUCKETS =
            {0.01, 0.1, 1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final Histogram connectTime;
    private final Histogram duration;
    private final LongAdder reloadsOk = new LongAdder();
    private final LongAdder reloadsFailed = new LongAdder();
    private boolean jvmExported;

    public RelayMetrics(String version) {
        connectTime = Histogram.builder()
                .name("relay_connect_duration_seconds")
                .help("Time from accepting a client to its upstream answering, every retry included.")
                .labelNames("route")
                .classicOnly()
                .classicUpperBounds(CONNECT_BUCKETS)
                .register(registry);
        duration = Histogram.builder()
                .name("relay_connection_duration_seconds")
                .help("How long relayed connections lasted, from accept to the last socket closed.")
                .labelNames("route")
                .classicOnly()
                .classicUpperBounds(DURATION_BUCKETS)
                .register(registry);
        CounterWithCallback.builder()
                .name("relay_config_reloads_total")
                .help("Config reloads, by result: ok, or failed (the running config was kept).")
                .labelNames("result")
                .callback(cb -> {
                    cb.call(reloadsOk.sum(), "ok");
                    cb.call(reloadsFailed.sum(), "failed");
                })
                .register(registry);
        Info build = Info.builder().name("relay_build_info").help("The running relay's version.")
                .labelNames("version").register(registry);
        build.addLabelValues(version);
    }

    /**
     * Adds the JVM's own metrics (process start time, memory, GC, threads). Called when the admin listener starts,
     * not before: reading the JVM's management beans costs start time a relay without metrics need not pay.
     */
    public synchronized void exportJvm() {
        if (!jvmExported) {
            JvmMetrics.builder().register(registry);
            jvmExported = true;
        }
    }

    /** The registry, for the server to add the metrics it reads from its routes. */
    public PrometheusRegistry registry() {
        return registry;
    }

    public RouteMetrics forRoute(String route) {
        return new RouteMetrics(connectTime.labelValues(route), duration.labelValues(route));
    }

    /** Stops exporting a route's histograms (a reload removed it). */
    public void removeRoute(String route) {
        connectTime.remove(route);
        duration.remove(route);
    }

    public void reloaded(boolean ok) {
        (ok ? reloadsOk : reloadsFailed).increment();
    }

    public long reloads(boolean ok) {
        return (ok ? reloadsOk : reloadsFailed).sum();
    }

    public String contentType() {
        return text.getContentType();
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeTo(OutputStream out) throws IOException {
        text.write(out, registry.scrape());
    }
}
