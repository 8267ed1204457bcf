package dev.relay.core.config;

import java.net.InetAddress;
import java.util.List;

/**
 * Which client addresses a route serves. A client matching {@code deny} is refused; otherwise, when
 * {@code allow} is not empty, only a client matching it is served. Deny wins, so order never matters.
 * Unix-socket clients have no address and are always served.
 */
public record Acl(List<Cidr> allow, List<Cidr> deny) {

    public static final Acl OPEN = new Acl(List.of(), List.of());

    public Acl {
        Checks.require(allow != null && deny != null, "acl: allow and deny must be lists");
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    public boolean allows(InetAddress client) {
        if (client == null) {
            return true;
        }
        for (Cidr network : deny) {
            if (network.matches(client)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr network : allow) {
            if (network.matches(client)) {
                return true;
            }
        }
        return false;
    }
}
