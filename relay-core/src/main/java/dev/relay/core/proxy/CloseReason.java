package dev.relay.core.proxy;

import dev.relay.core.base.Direction;
import dev.relay.core.config.EnumLabels;

/** Why a relayed connection ended. Logs and counters share these names. */
public enum CloseReason {
    /** Not closed yet: only a live snapshot carries this. */
    OPEN,
    /** The client closed first (a FIN), and the pair finished normally. */
    CLIENT_CLOSED,
    /** The upstream closed first (a FIN), and the pair finished normally. */
    UPSTREAM_CLOSED,
    /** One side reset the connection or failed with an I/O error; the other side was reset too. */
    RESET,
    /** The upstream refused the connection or could not be resolved or reached. */
    CONNECT_FAILED,
    /** The upstream did not answer within the connect timeout. */
    CONNECT_TIMEOUT,
    /** The TLS handshake with the upstream failed (unknown CA, name mismatch, expired, protocol); the log says which. */
    UPSTREAM_TLS_FAILED,
    /** The route had no healthy upstream to send the connection to. */
    NO_UPSTREAM,
    /** No byte moved either way for the idle timeout. */
    IDLE_TIMEOUT,
    /** The connection reached the route's maximum duration. */
    MAX_DURATION,
    /** A reload removed the route and the drain timeout ran out. */
    ROUTE_REMOVED,
    /** The route's discovery source removed the upstream and {@code close_removed_after} ran out. */
    UPSTREAM_REMOVED,
    /** Closed on request (an operator, or an embedding program). */
    CLOSED_BY_OPERATOR,
    /** The relay was stopping and the drain timeout ran out. */
    SHUTDOWN,
    /** Something unexpected; the log line carries the cause. */
    ERROR;

    /** The lower-case name used in logs and metrics labels. */
    public String label() {
        return EnumLabels.label(this);
    }

    /** The normal close reason when {@code direction}'s source side finished first. */
    static CloseReason finishedFirst(Direction direction) {
        return direction == Direction.UPSTREAM ? CLIENT_CLOSED : UPSTREAM_CLOSED;
    }
}
