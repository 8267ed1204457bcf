package dev.relay.core.server;

import dev.relay.core.config.Endpoint;
import dev.relay.core.testing.CapturedLogs;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceptFailureHandlerTest {

    private static final Endpoint LISTEN = Endpoint.parse("127.0.0.1:18931");

    @Test
    void aFailedAcceptPausesTheListenerForASecondAndSaysWhyInOneLine() {
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptFailureHandler(LISTEN));
        listener.freezeTime();

        listener.pipeline().fireExceptionCaught(
                new IOException("io_uring accept(..) failed with error(-24): Too many open files"));

        assertDoesNotThrow(listener::checkException, "taken here, not passed on to Netty's stack-trace warning");
        assertFalse(listener.config().isAutoRead(), "no accepting while descriptors are short");
        assertTrue(CapturedLogs.contains("listener 127.0.0.1:18931: cannot accept a connection: Too many open files "
                + "(the process's descriptor limit: two per relayed connection; raise LimitNOFILE or ulimit -n); "
                + "accepting again in 1s"));

        listener.advanceTimeBy(AcceptFailureHandler.PAUSE.toMillis() - 1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertFalse(listener.config().isAutoRead());
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertTrue(listener.config().isAutoRead(), "accepting again after the pause");
        assertFalse(listener.finish());
    }

    @Test
    void failuresDuringAPauseDoNotStackMorePauses() {
        EmbeddedChannel listener = new EmbeddedChannel(new AcceptFailureHandler(LISTEN));

        for (int i = 0; i < 5; i++) {
            listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        }
        listener.advanceTimeBy(AcceptFailureHandler.PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();

        assertTrue(listener.config().isAutoRead());
        assertFalse(listener.finish());
    }
}
