package dev.relay.core.config;


import java.net.InetAddress;
import java.util.List;

/**
 * Which connections (or UDP sessions) a toxic may touch: those from a client in {@code clients} (all when empty),
 * to {@code upstream} (any when null). A noisy-neighbour test makes one client slow and leaves the others be;
 * a toxic on one upstream of a pool is a sick replica.
 *
 * @param clients  CIDRs the client address must match one of; empty: every client
 * @param upstream the one upstream of the route's pool it applies to; null: every upstream
 */
public record ToxicScope(List<Cidr> clients, Endpoint upstream) {

    public static final ToxicScope EVERYONE = new ToxicScope(List.of(), null);

    public ToxicScope {
        if (clients == null) {
            throw new ConfigException("toxic clients: expected a list of CIDRs");
        }
        clients = List.copyOf(clients);
    }

    /** Whether a connection from {@code client} (null: a Unix-socket client) to {@code to} is in scope. */
    public boolean covers(InetAddress client, Endpoint to) {
        if (upstream != null && !upstream.equals(to)) {
            return false;
        }
        if (clients.isEmpty()) {
            return true;
        }
        return client != null && clients.stream().anyMatch(network -> network.matches(client));
    }

    public boolean everyone() {
        return clients.isEmpty() && upstream == null;
    }
}
