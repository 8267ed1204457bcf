package dev.relay.core.metrics;

/**
 * Every counter a route keeps, named once. Exporters (Prometheus, the admin API) take names, labels and help
 * text from here and nowhere else. Entries that share a metric name are one metric told apart by a label
 * ({@code reason="acl"}).
 */
public enum RelayCounter {
    CONNECTIONS_ACCEPTED("relay_connections_accepted_total", Kind.COUNTER, "Client connections accepted."),
    CONNECTIONS_ACTIVE("relay_connections_active", Kind.GAUGE, "Client connections open right now."),
    CONNECTIONS_FAILED("relay_connections_failed_total", Kind.COUNTER,
            "Connections closed because no upstream could be reached (refused, unresolvable, timed out)."),
    CONNECTIONS_REJECTED_ACL("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason", "acl"),
    CONNECTIONS_REJECTED_LIMIT("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason", "limit"),
    CONNECTIONS_NO_UPSTREAM("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason",
            "no_healthy_upstream"),
    CONNECTIONS_REJECTED_DRAINING("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason",
            "draining"),
    CONNECTIONS_REJECTED_PROXY("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason",
            "proxy_protocol"),
    CONNECTIONS_REJECTED_SERVER_NAME("relay_connections_rejected_total", Kind.COUNTER, Labels.REJECTED_HELP, "reason",
            "server_name"),
    CONNECTIONS_SPLICED("relay_connections_spliced_total", Kind.COUNTER,
            "Connections relayed with splice(2), socket to pipe to socket inside the kernel (epoll only)."),
    CONNECT_RETRIES("relay_connect_retries_total", Kind.COUNTER,
            "Upstream connects tried again on another upstream after one failed."),
    BYTES_UPSTREAM("relay_bytes_total", Kind.COUNTER, Labels.BYTES_HELP, "direction", "upstream"),
    BYTES_DOWNSTREAM("relay_bytes_total", Kind.COUNTER, Labels.BYTES_HELP, "direction", "downstream"),
    BACKPRESSURE_PAUSES("relay_backpressure_pauses_total", Kind.COUNTER,
            "Times a side stopped reading because the other side could not take more."),
    BACKPRESSURE_RESUMES("relay_backpressure_resumes_total", Kind.COUNTER,
            "Times a paused side started reading again.");

    /** Counters only go up; gauges go both ways. */
    public enum Kind { COUNTER, GAUGE }

    private final String metricName;
    private final Kind kind;
    private final String help;
    private final String labelName;
    private final String labelValue;

    RelayCounter(String metricName, Kind kind, String help) {
        this(metricName, kind, help, null, null);
    }

    RelayCounter(String metricName, Kind kind, String help, String labelName, String labelValue) {
        this.metricName = metricName;
        this.kind = kind;
        this.help = help;
        this.labelName = labelName;
        this.labelValue = labelValue;
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

    /** The label that tells this entry from others of the same metric, or null when it has the metric alone. */
    public String labelName() {
        return labelName;
    }

    public String labelValue() {
        return labelValue;
    }

    /** Help texts shared by entries of one metric (an enum constant cannot refer to a static field of its own). */
    private static final class Labels {
        static final String REJECTED_HELP =
                "Client connections turned away at once, by reason: acl, limit, no_healthy_upstream, draining, "
                        + "proxy_protocol (a PROXY header untrusted, malformed or late), server_name (no route for "
                        + "the TLS server name, or no ClientHello in time, on an address shared by server name).";
        static final String BYTES_HELP = "Bytes relayed, by direction: upstream (client to upstream) or downstream.";
    }
}
