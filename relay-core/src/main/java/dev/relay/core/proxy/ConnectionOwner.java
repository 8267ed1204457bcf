package dev.relay.core.proxy;

/**
 * What a connection tells the route that opened it. A route has one owner for all its connections, so an open
 * connection costs no callback objects of its own (every object per connection counts when a relay holds a hundred
 * thousand).
 */
interface ConnectionOwner {

    /** The client's socket closed: the route stops counting it against its limits. */
    void clientClosed(RelayConnection connection);

    /** Both sockets closed; {@code summary} has the connection's figures. */
    void finished(RelayConnection connection, ConnectionSummary summary);
}
