package dev.relay.core.metrics;

import io.netty.util.internal.PlatformDependent;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One relay's metrics: the routes' timing histograms (kept by relay, {@link TimingHistogram}), reload counts, build
 * info and, once an admin listener asks, the JVM's own metrics. The Prometheus registry that exports them is built
 * the first time something reads metrics (the admin listener at its start, or an embedder), not before: a relay
 * whose metrics nobody reads does not load the metrics library (~50 ms of its start). The per-route counters are
 * not copied in either: they are read from the routes' {@link RelayCounters} at scrape time, so counting on the data
 * path costs what it did before metrics existed.
 */
public final class RelayMetrics {

    /** Connect time: loopback is well under a millisecond, a far region about a hundred. */
    private static final double[] CONNECT_BUCKETS =
            {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Connection duration: from a health probe's milliseconds to a day-long session. */
    private static final double[] DURATION_BUCKETS =
            {0.01, 0.1, 1, 10, 60, 300, 900, 3600, 4 * 3600, 24 * 3600};

    private final String version;
    private final Map<String, RouteMetrics> routes = new ConcurrentHashMap<>();
    private final List<Consumer<PrometheusRegistry>> exports = new ArrayList<>();
    private final LongAdder reloadsOk = new LongAdder();
    private final LongAdder reloadsFailed = new LongAdder();
    private PrometheusRegistry registry;
    private PrometheusTextFormatWriter text;
    private boolean jvmExported;

    public RelayMetrics(String version) {
        this.version = version;
    }

    /**
     * Registers more metrics once the registry exists (at once, if it does): how the server adds what it reads from
     * its routes without building the registry at start.
     */
    public synchronized void export(Consumer<PrometheusRegistry> registration) {
        exports.add(registration);
        if (registry != null) {
            registration.accept(registry);
        }
    }

    /** The registry, built on first use with everything relay exports. */
    public synchronized PrometheusRegistry registry() {
        if (registry == null) {
            PrometheusRegistry built = new PrometheusRegistry();
            built.register(this::histograms);
            CounterWithCallback.builder()
                    .name("relay_config_reloads_total")
                    .help("Config reloads, by result: ok, or failed (the running config was kept).")
                    .labelNames("result")
                    .callback(cb -> {
                        cb.call(reloadsOk.sum(), "ok");
                        cb.call(reloadsFailed.sum(), "failed");
                    })
                    .register(built);
            GaugeWithCallback.builder()
                    .name("relay_direct_memory_used_bytes")
                    .help("Direct memory held by relay's buffers (pooled chunks included), as Netty counts it; "
                            + "-1 where Netty leaves the count to the JVM (jvm_buffer_pool_used_bytes then).")
                    .callback(cb -> cb.call(PlatformDependent.usedDirectMemory()))
                    .register(built);
            GaugeWithCallback.builder()
                    .name("relay_direct_memory_max_bytes")
                    .help("The direct-memory limit relay's buffers may reach (-XX:MaxDirectMemorySize, else the heap's "
                            + "maximum); past it a connection that needs a buffer is reset.")
                    .callback(cb -> cb.call(PlatformDependent.maxDirectMemory()))
                    .register(built);
            Info build = Info.builder().name("relay_build_info").help("The running relay's version.")
                    .labelNames("version").register(built);
            build.addLabelValues(version);
            exports.forEach(registration -> registration.accept(built));
            registry = built;
        }
        return registry;
    }

    private MetricSnapshots histograms() {
        HistogramSnapshot.Builder connect = HistogramSnapshot.builder()
                .name("relay_connect_duration_seconds")
                .help("Time from accepting a client to its upstream answering, every retry included.");
        HistogramSnapshot.Builder duration = HistogramSnapshot.builder()
                .name("relay_connection_duration_seconds")
                .help("How long relayed connections lasted, from accept to the last socket closed.");
        routes.forEach((route, metrics) -> {
            Labels labels = Labels.of("route", route);
            connect.dataPoint(metrics.connectSeconds().snapshot(labels));
            duration.dataPoint(metrics.durationSeconds().snapshot(labels));
        });
        return new MetricSnapshots(connect.build(), duration.build());
    }

    /**
     * Adds the JVM's own metrics (process start time, memory, GC, threads). Called when the admin listener starts,
     * not before: reading the JVM's management beans costs start time a relay without metrics need not pay.
     */
    public synchronized void exportJvm() {
        if (!jvmExported) {
            JvmMetrics.builder().register(registry());
            jvmExported = true;
        }
    }

    public RouteMetrics forRoute(String route) {
        RouteMetrics metrics = new RouteMetrics(new TimingHistogram(CONNECT_BUCKETS),
                new TimingHistogram(DURATION_BUCKETS));
        routes.put(route, metrics);
        return metrics;
    }

    /** Stops exporting a route's histograms (a reload removed it). */
    public void removeRoute(String route) {
        routes.remove(route);
    }

    public void reloaded(boolean ok) {
        (ok ? reloadsOk : reloadsFailed).increment();
    }

    public long reloads(boolean ok) {
        return (ok ? reloadsOk : reloadsFailed).sum();
    }

    public synchronized String contentType() {
        return text().getContentType();
    }

    /** Writes every metric in the Prometheus text format. */
    public void writeTo(OutputStream out) throws IOException {
        PrometheusTextFormatWriter writer;
        synchronized (this) {
            writer = text();
        }
        writer.write(out, registry().scrape());
    }

    private PrometheusTextFormatWriter text() {
        if (text == null) {
            text = PrometheusTextFormatWriter.create();
        }
        return text;
    }
}
