package dev.relay.core.metrics;

/**
 * Every counter a relay keeps, named once. Exporters (Prometheus, the admin API) take names and help text
 * from here and nowhere else.
 */
public enum RelayCounter {
    CONNECTIONS_ACCEPTED("relay_connections_accepted_total", Kind.COUNTER, "Client connections accepted."),
    CONNECTIONS_ACTIVE("relay_connections_active", Kind.GAUGE, "Client connections open right now."),
    CONNECTIONS_FAILED("relay_connections_failed_total", Kind.COUNTER,
            "Connections closed because the upstream could not be reached (refused, unresolvable, timed out)."),
    CONNECTIONS_REJECTED_ACL("relay_connections_rejected_acl_total", Kind.COUNTER,
            "Connections reset at once because the route's ACL does not allow the client address."),
    CONNECTIONS_REJECTED_LIMIT("relay_connections_rejected_limit_total", Kind.COUNTER,
            "Connections reset at once because the route or the client address was at its connection limit."),
    CONNECTIONS_NO_UPSTREAM("relay_connections_no_upstream_total", Kind.COUNTER,
            "Connections closed because the route had no healthy upstream."),
    CONNECT_RETRIES("relay_connect_retries_total", Kind.COUNTER,
            "Upstream connects tried again on another upstream after one failed."),
    BYTES_UPSTREAM("relay_bytes_upstream_total", Kind.COUNTER, "Bytes relayed from clients to the upstream."),
    BYTES_DOWNSTREAM("relay_bytes_downstream_total", Kind.COUNTER, "Bytes relayed from the upstream to clients."),
    BACKPRESSURE_PAUSES("relay_backpressure_pauses_total", Kind.COUNTER,
            "Times a side stopped reading because the other side could not take more."),
    BACKPRESSURE_RESUMES("relay_backpressure_resumes_total", Kind.COUNTER,
            "Times a paused side started reading again.");

    /** Counters only go up; gauges go both ways. */
    public enum Kind { COUNTER, GAUGE }

    private final String metricName;
    private final Kind kind;
    private final String help;

    RelayCounter(String metricName, Kind kind, String help) {
        this.metricName = metricName;
        this.kind = kind;
        this.help = help;
    }

    public String metricName() {
        return metricName;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }
}
