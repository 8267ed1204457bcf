package dev.relay.core.config;

import java.util.Map;

/** The kinds of toxic, with Toxiproxy's names and attributes (and their defaults). */
public enum ToxicType {
    /** Delays every chunk (datagram) by {@code latency} ms, give or take {@code jitter} ms. */
    LATENCY(Map.of("latency", 0L, "jitter", 0L), true, true),
    /** Limits the rate to {@code rate} KB/s. */
    BANDWIDTH(Map.of("rate", 0L), true, true),
    /** Delays relaying a close (a FIN) by {@code delay} ms. */
    SLOW_CLOSE(Map.of("delay", 0L), true, false),
    /** Stops all data; closes the connection after {@code timeout} ms, or never with 0. */
    TIMEOUT(Map.of("timeout", 0L), true, false),
    /** Resets the client's connection after {@code timeout} ms (at once with 0). */
    RESET_PEER(Map.of("timeout", 0L), true, false),
    /** Cuts data into slices of about {@code average_size} bytes (± {@code size_variation}), {@code delay} µs apart. */
    SLICER(Map.of("average_size", 1L, "size_variation", 0L, "delay", 0L), true, false),
    /** Closes the connection once {@code bytes} bytes have gone through. */
    LIMIT_DATA(Map.of("bytes", 0L), true, false),
    /** Drops a datagram: packet loss, with the toxic's toxicity as each datagram's chance (UDP routes). */
    DROP(Map.of(), false, true),
    /** Sends a datagram twice, with the toxicity as each datagram's chance (UDP routes). */
    DUPLICATE(Map.of(), false, true),
    /** Resets a new connection as soon as it is accepted, before any upstream is dialed: a refused connect, with the
     * toxicity as each connection's chance (TCP routes). */
    REJECT(Map.of(), true, false),
    /** Holds a new connection's first bytes (a TLS ClientHello) for {@code delay} ms before the route's TLS sees them,
     * or with 0 until the route's handshake timeout closes the connection: a stalled handshake (TCP routes that
     * terminate TLS). */
    HANDSHAKE_STALL(Map.of("delay", 0L), true, false);

    private final Map<String, Long> defaults;
    private final boolean streams;
    private final boolean datagrams;

    ToxicType(Map<String, Long> defaults, boolean streams, boolean datagrams) {
        this.defaults = defaults;
        this.streams = streams;
        this.datagrams = datagrams;
    }

    /** Whether this kind applies to TCP routes' streams or, with {@code datagrams}, to UDP routes' datagrams. */
    public boolean appliesTo(boolean datagrams) {
        return datagrams ? this.datagrams : streams;
    }

    /** The attributes this kind takes, each with its default. */
    public Map<String, Long> defaults() {
        return defaults;
    }

    public String label() {
        return EnumLabels.label(this);
    }

    public static ToxicType parse(String text) {
        return EnumLabels.parse(ToxicType.class, text, "a toxic type");
    }
}
