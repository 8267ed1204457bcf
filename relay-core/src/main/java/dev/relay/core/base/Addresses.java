package dev.relay.core.base;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** Addresses the way logs and messages show them: {@code 127.0.0.1:80}, {@code [::1]:80}, {@code unix:/path}. */
public final class Addresses {

    private Addresses() {
    }

    public static String format(SocketAddress address) {
        if (address == null) {
            return "-";
        }
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? NetUtil.toAddressString(inet.getAddress()) : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        if (address instanceof DomainSocketAddress unix) {
            return "unix:" + (unix.path().isEmpty() ? "(unnamed)" : unix.path());
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            String path = unix.getPath().toString();
            return "unix:" + (path.isEmpty() ? "(unnamed)" : path);
        }
        return address.toString();
    }
}
