package dev.relay.core.access;

import dev.relay.core.base.Addresses;
import dev.relay.core.proxy.ConnectionSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Writes one line per finished connection to the logger {@value #LOGGER}: as text in the message, and as
 * key-value pairs on the same event, so a JSON encoder can write each field as a field. Where the line goes
 * (a rotated file, stdout) and in which format is the logging backend's business.
 */
public final class AccessLog implements Consumer<ConnectionSummary> {

    public static final String LOGGER = "relay.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    @Override
    public void accept(ConnectionSummary c) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String client = Addresses.format(c.client());
        long connectMicros = c.connectTime() == null ? -1 : c.connectTime().toNanos() / 1_000;
        long durationMillis = c.duration().toMillis();
        log.atInfo()
                .addKeyValue("time", c.openedAt().toString())
                .addKeyValue("conn", c.id())
                .addKeyValue("route", c.route())
                .addKeyValue("client", client)
                .addKeyValue("upstream", c.upstream())
                .addKeyValue("bytes_up", c.bytesUpstream())
                .addKeyValue("bytes_down", c.bytesDownstream())
                .addKeyValue("connect_us", connectMicros)
                .addKeyValue("duration_ms", durationMillis)
                .addKeyValue("reason", c.reason().label())
                .log("{} conn={} route={} client={} upstream={} up={}B down={}B connect={}us duration={}ms reason={}",
                        c.openedAt(), c.id(), c.route(), client, c.upstream(), c.bytesUpstream(), c.bytesDownstream(),
                        connectMicros, durationMillis, c.reason().label());
    }
}
