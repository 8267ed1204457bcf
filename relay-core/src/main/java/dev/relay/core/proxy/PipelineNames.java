package dev.relay.core.proxy;

/** Names of the handlers relay puts in a pipeline, so that later stages can be placed relative to them. */
public final class PipelineNames {
    public static final String CAPTURE = "relay-capture";
    public static final String SERVER_NAME_ROUTER = "relay-server-name-router";
    public static final String TLS = "relay-tls";
    public static final String TLS_GATE = "relay-tls-gate";
    public static final String UPSTREAM_TLS = "relay-upstream-tls";
    public static final String PROXY_DECODER = "relay-proxy-decoder";
    public static final String PROXY_HEADER = "relay-proxy-header";
    public static final String PROXY_ENCODER = "relay-proxy-encoder";
    public static final String PROXY_WRITER = "relay-proxy-writer";
    public static final String HEXDUMP = "relay-hexdump";
    public static final String FRONTEND = "relay-frontend";
    public static final String RELAY = "relay-relay";
    public static final String HELD = "relay-held";
    public static final String TOXIC = "relay-toxic";
    /** A handshake_stall toxic, in front of TLS termination. */
    public static final String TOXIC_STALL = "relay-toxic-stall";

    private PipelineNames() {
    }
}
