package dev.relay.core.admin;

import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.proxy.RelayConnection;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Takes the figures of many open connections for the admin API without holding up the loops that relay them.
 * A connection's figures are read on its own loop; here they are read in tasks of at most {@link #BATCH}
 * connections, so a loop does at most that much admin work between two rounds of relaying, and one listing is
 * taken at a time, so a storm of listings queues up here instead of on the relay's loops.
 *
 * <p>Not thread-safe: used from the admin's one event loop.
 */
final class ConnectionSnapshots {

    /** Connections read per task on a relay loop: a small, fixed slice of admin work between rounds of relaying. */
    static final int BATCH = 256;

    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    /** The figures of {@code connections}, in their order; connections whose loop has stopped are left out. */
    CompletableFuture<List<ConnectionSummary>> take(List<RelayConnection> connections) {
        CompletableFuture<List<ConnectionSummary>> listing = previous.handle((ignored, failure) -> null)
                .thenCompose(ignored -> takeNow(connections));
        previous = listing;
        return listing;
    }

    private static CompletableFuture<List<ConnectionSummary>> takeNow(List<RelayConnection> connections) {
        Map<EventLoop, List<RelayConnection>> byLoop = new LinkedHashMap<>();
        for (RelayConnection connection : connections) {
            byLoop.computeIfAbsent(connection.client().eventLoop(), loop -> new ArrayList<>()).add(connection);
        }
        List<CompletableFuture<List<ConnectionSummary>>> batches = new ArrayList<>();
        for (Map.Entry<EventLoop, List<RelayConnection>> entry : byLoop.entrySet()) {
            List<RelayConnection> onLoop = entry.getValue();
            for (int from = 0; from < onLoop.size(); from += BATCH) {
                batches.add(batch(entry.getKey(), onLoop.subList(from, Math.min(onLoop.size(), from + BATCH))));
            }
        }
        return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<ConnectionSummary> all = new ArrayList<>();
            batches.forEach(batch -> all.addAll(batch.join()));
            return all;
        });
    }

    private static CompletableFuture<List<ConnectionSummary>> batch(EventLoop loop, List<RelayConnection> batch) {
        CompletableFuture<List<ConnectionSummary>> taken = new CompletableFuture<>();
        try {
            loop.execute(() -> taken.complete(batch.stream().map(RelayConnection::summaryOnLoop).toList()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            taken.complete(List.of()); // its loop stopped: those connections are gone
        }
        return taken;
    }
}
