package dev.relay.core.proxy;

import java.util.function.Consumer;

/**
 * What a connection tells the route that opened it. The route itself implements it, so an open connection costs no
 * callback objects of its own (every object per connection counts when a relay holds a hundred thousand).
 */
interface ConnectionOwner {

    /** The client's socket closed: the route stops counting it against its limits. */
    void clientClosed(RelayConnection connection);

    /** Both sockets closed; {@code summary} has the connection's figures. */
    void finished(RelayConnection connection, ConnectionSummary summary);

    /** An owner that only hears of finished connections: for a connection made outside a route. */
    static ConnectionOwner onFinished(Consumer<ConnectionSummary> finished) {
        return new ConnectionOwner() {
            @Override
            public void clientClosed(RelayConnection connection) {
            }

            @Override
            public void finished(RelayConnection connection, ConnectionSummary summary) {
                finished.accept(summary);
            }
        };
    }
}
