package dev.relay.core.proxy;

import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * What happened on one relayed connection, taken when both of its sockets have closed.
 *
 * @param route                  the route's name
 * @param upstream               the upstream it was relayed to (the last one tried when none answered), or "-"
 * @param connectTime            from accept to the upstream answering, retries included; null when none answered
 * @param peakBufferedUpstream   the most bytes relay held at once for the client-to-upstream direction
 * @param peakBufferedDownstream the same for the upstream-to-client direction
 * @param detail                 the cause behind {@code reason}, or empty
 * @param spliced                relayed with splice(2), inside the kernel, rather than through the JVM
 */
public record ConnectionSummary(
        long id,
        String route,
        SocketAddress client,
        String upstream,
        Instant openedAt,
        Duration connectTime,
        Duration duration,
        long bytesUpstream,
        long bytesDownstream,
        long peakBufferedUpstream,
        long peakBufferedDownstream,
        CloseReason reason,
        String detail,
        boolean spliced) {
}
