package dev.relay.core.server;

import dev.relay.core.base.RateLimitedLog;
import dev.relay.core.base.Failures;
import dev.relay.core.config.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sits on a listener and takes what goes wrong while accepting, most often a process out of file descriptors
 * (EMFILE) under a flood of connections. It stops accepting for {@link #PAUSE}, so the loop does not spin on a
 * connection it cannot take while open connections close and free descriptors (the connections waiting meanwhile
 * stay in the kernel's accept queue), and logs one line at most every {@link #LOG_INTERVAL_MILLIS}, with a count of
 * the ones held back. Without it each failed accept reached the end of Netty's pipeline and was logged with a stack
 * trace: 128 of them in three seconds of one flood.
 */
public final class AcceptFailureHandler extends ChannelInboundHandlerAdapter {

    /** How long accepting stops after a failure; nginx waits half a second, Netty's own acceptor one. */
    public static final Duration PAUSE = Duration.ofSeconds(1);
    static final long LOG_INTERVAL_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(AcceptFailureHandler.class);

    private final Endpoint endpoint;
    private final RateLimitedLog warnings = new RateLimitedLog(log, LOG_INTERVAL_MILLIS);

    public AcceptFailureHandler(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Channel listener = ctx.channel();
        if (listener.config().isAutoRead()) {
            listener.config().setAutoRead(false);
            ctx.executor().schedule(() -> listener.config().setAutoRead(true), PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        }
        String why = Failures.describe(cause);
        String hint = why.contains("Too many open files")
                ? " (the process's descriptor limit: two per relayed connection; raise LimitNOFILE or ulimit -n)" : "";
        warnings.warn("listener {}: cannot accept a connection: {}{}; accepting again in {}s", endpoint, why, hint,
                PAUSE.toSeconds());
    }
}
