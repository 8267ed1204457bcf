package dev.relay.core.proxyheader;

import dev.relay.core.config.SendProxy;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The PROXY header relay sends an upstream: the original client and destination. Two IPv4 addresses go as TCP4;
 * a mixed pair is sent as TCP6 with the IPv4 side IPv4-mapped; Unix sockets go as UNIX_STREAM in v2, and as
 * UNKNOWN in v1, which has no form for them.
 */
public final class OutgoingProxyHeader {

    private OutgoingProxyHeader() {
    }

    public static HAProxyMessage of(SendProxy version, SocketAddress source, SocketAddress destination) {
        HAProxyProtocolVersion v = version == SendProxy.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        if (source instanceof InetSocketAddress from && destination instanceof InetSocketAddress to
                && from.getAddress() != null && to.getAddress() != null) {
            boolean bothV4 = from.getAddress() instanceof Inet4Address && to.getAddress() instanceof Inet4Address;
            return new HAProxyMessage(v, HAProxyCommand.PROXY,
                    bothV4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                    text(from.getAddress(), bothV4), text(to.getAddress(), bothV4), from.getPort(), to.getPort());
        }
        String fromPath = path(source);
        String toPath = path(destination);
        if (v == HAProxyProtocolVersion.V2 && fromPath != null && toPath != null) {
            return new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNIX_STREAM, fromPath, toPath, 0, 0);
        }
        return new HAProxyMessage(v, HAProxyCommand.PROXY, HAProxyProxiedProtocol.UNKNOWN, null, null, 0, 0);
    }

    private static String text(InetAddress address, boolean asV4) {
        if (asV4) {
            return address.getHostAddress();
        }
        if (address instanceof Inet4Address v4) {
            return "::ffff:" + v4.getHostAddress();
        }
        return NetUtil.toAddressString(address);
    }

    private static String path(SocketAddress address) {
        if (address instanceof DomainSocketAddress unix) {
            return unix.path();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        return null;
    }
}
