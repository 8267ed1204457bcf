package dev.relay.core.toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.Endpoint;

import java.net.InetAddress;

/**
 * The connection a {@link ToxicHandler} sits in, as far as a toxic may touch it: the toxic is the second owner of
 * its source's reads (the relay, pausing for a slow destination, is the first), and some toxics end the connection.
 * Called on the connection's event loop only.
 */
public interface ToxicTarget {

    /** The client a scoped toxic asks about (the PROXY header's, when the route reads one); null for a Unix socket. */
    InetAddress toxicClient();

    /** The upstream of the route's pool the connection goes to; null before it has one. */
    Endpoint toxicUpstream();

    /** A toxic in front of {@code direction}'s relay holds its source's reads (true) or lets them go (false). */
    void toxicHolds(Direction direction, boolean holds);

    /** Whether {@code direction}'s source may read: neither the relay nor a toxic holds it. */
    boolean mayRead(Direction direction);

    /** A toxic ends the connection (a timeout, a limit_data reached): both sides close after their pending bytes. */
    void closeByToxic(String why);

    /** A reset_peer toxic fired: the client is reset, the upstream closed. */
    void resetByToxic();
}
