package dev.relay.core.proxyheader;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who a connection is from and what it was addressed to: the PROXY protocol header's addresses when one was
 * accepted, the socket's own otherwise. Logs, metrics, the ACL, limits and {@code source_hash} all ask here.
 */
public final class ClientAddress {

    static final AttributeKey<SocketAddress> PROXIED_SOURCE = AttributeKey.valueOf("relay.proxied.source");
    static final AttributeKey<SocketAddress> PROXIED_DESTINATION = AttributeKey.valueOf("relay.proxied.destination");

    private ClientAddress() {
    }

    public static SocketAddress of(Channel client) {
        // hasAttr first: attr() would give every connection an attribute map just to find nothing in it.
        return client.hasAttr(PROXIED_SOURCE) ? client.attr(PROXIED_SOURCE).get() : client.remoteAddress();
    }

    /** What the client connected to: the header's destination, or relay's own listening address. */
    public static SocketAddress destinationOf(Channel client) {
        return client.hasAttr(PROXIED_DESTINATION) ? client.attr(PROXIED_DESTINATION).get() : client.localAddress();
    }

    /** The client's IP address, or null for a Unix-socket client. */
    public static InetAddress ip(Channel client) {
        return of(client) instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
