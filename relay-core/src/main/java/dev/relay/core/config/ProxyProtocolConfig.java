package dev.relay.core.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Accepting the PROXY protocol (v1 and v2) on a route's listeners: the header's client address then stands for
 * the client in logs, metrics, the ACL, per-client limits and {@code source_hash}.
 *
 * @param accept  expect a header first on every connection; without it, a PROXY header is just bytes
 * @param trusted peers allowed to send one; a connection from elsewhere is closed. Empty trusts every peer, as
 *                HAProxy's {@code accept-proxy} does: list your load balancers
 * @param timeout how long a connection may take to send its whole header
 */
public record ProxyProtocolConfig(boolean accept, List<Cidr> trusted, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final ProxyProtocolConfig OFF = new ProxyProtocolConfig(false, List.of(), DEFAULT_TIMEOUT);

    public ProxyProtocolConfig {
        Checks.require(trusted != null, "proxy_protocol.trusted: missing");
        trusted = List.copyOf(trusted);
        Checks.duration("proxy_protocol.timeout", timeout, false);
    }

    /** Whether {@code peer} (null for a Unix-socket peer, always trusted) may send a header. */
    public boolean trusts(InetAddress peer) {
        return peer == null || trusted.isEmpty() || trusted.stream().anyMatch(network -> network.matches(peer));
    }
}
