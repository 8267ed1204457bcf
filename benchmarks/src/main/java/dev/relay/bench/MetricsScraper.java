package dev.relay.bench;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Reads a relay's /metrics and /api/routes once a second, as a Prometheus server and a status page would. */
final class MetricsScraper implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "metrics-scraper");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newHttpClient();

    static MetricsScraper start(SocketAddress admin) {
        MetricsScraper scraper = new MetricsScraper();
        String base = "http://127.0.0.1:" + ((InetSocketAddress) admin).getPort();
        scraper.timer.scheduleAtFixedRate(() -> {
            scraper.get(base + "/metrics");
            scraper.get(base + "/api/routes");
        }, 0, 1, TimeUnit.SECONDS);
        return scraper;
    }

    private void get(String url) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // A missed scrape changes nothing the benchmark measures.
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
