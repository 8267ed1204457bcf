package dev.relay.core.access;

import dev.relay.core.base.Addresses;
import dev.relay.core.udp.UdpSessionSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * One line per finished UDP session on the access log ({@value AccessLog#LOGGER}), beside the TCP connections'
 * lines: text in the message, and the same fields as key-value pairs for a JSON encoder.
 */
public final class UdpAccessLog implements Consumer<UdpSessionSummary> {

    private static final Logger log = LoggerFactory.getLogger(AccessLog.LOGGER);

    @Override
    public void accept(UdpSessionSummary s) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String client = Addresses.format(s.client());
        String via = s.via() == null ? "" : Addresses.format(s.via());
        long durationMillis = s.duration().toMillis();
        log.atInfo()
                .addKeyValue("time", s.openedAt().toString())
                .addKeyValue("session", s.id())
                .addKeyValue("protocol", "udp")
                .addKeyValue("route", s.route())
                .addKeyValue("client", client)
                .addKeyValue("via", via)
                .addKeyValue("upstream", s.upstream())
                .addKeyValue("datagrams_up", s.datagramsUp())
                .addKeyValue("datagrams_down", s.datagramsDown())
                .addKeyValue("bytes_up", s.bytesUp())
                .addKeyValue("bytes_down", s.bytesDown())
                .addKeyValue("duration_ms", durationMillis)
                .addKeyValue("reason", s.reason())
                .log("{} udp session={} route={} client={}{} upstream={} datagrams up={} down={} up={}B down={}B "
                                + "duration={}ms reason={}", s.openedAt(), s.id(), s.route(), client,
                        via.isEmpty() ? "" : " via=" + via, s.upstream(), s.datagramsUp(), s.datagramsDown(),
                        s.bytesUp(), s.bytesDown(), durationMillis, s.reason());
    }
}
