package dev.relay.core.config;

import java.time.Duration;

/**
 * A route's clocks.
 *
 * @param connect     the budget for reaching an upstream, every retry included; a hostname's DNS lookup is
 *                    bounded by the resolver's own timeout, and what it takes counts against later retries
 * @param idle        close a connection after no byte moved either way for this long; zero disables
 * @param maxDuration close a connection this long after it opened, busy or not; zero disables
 * @param handshake   how long a client has to send its TLS ClientHello (routing by server name) and to finish its
 *                    TLS handshake (termination); a client that takes longer is closed
 */
public record RouteTimeouts(Duration connect, Duration idle, Duration maxDuration, Duration handshake) {

    public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLE = Duration.ofHours(1);
    public static final Duration DEFAULT_HANDSHAKE = Duration.ofSeconds(10);
    public static final RouteTimeouts DEFAULT = new RouteTimeouts(DEFAULT_CONNECT, DEFAULT_IDLE, Duration.ZERO);

    public RouteTimeouts {
        Checks.duration("timeouts.connect", connect, false);
        Checks.duration("timeouts.idle", idle, true);
        Checks.duration("timeouts.max_duration", maxDuration, true);
        Checks.duration("timeouts.handshake", handshake, false);
    }

    /** The given clocks with the default handshake timeout. */
    public RouteTimeouts(Duration connect, Duration idle, Duration maxDuration) {
        this(connect, idle, maxDuration, DEFAULT_HANDSHAKE);
    }
}
