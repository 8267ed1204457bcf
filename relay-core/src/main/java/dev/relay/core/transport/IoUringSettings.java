package dev.relay.core.transport;


/**
 * The Netty io_uring settings relay runs with, set as system properties before Netty's {@code IoUring} class reads
 * them (once, when it loads). A property the operator set on the command line is left as it is.
 *
 * <p>Multishot POLL_ADD is off. Netty 4.2.18 arms one multishot poll for readability and waits for its next
 * completion after each read loop; a multishot poll completes on a change, not on a state, so when the data and a
 * reset arrive together the poll's one completion is spent on the data, and the reset, which makes no further
 * change, is never read: the connection hangs instead of being reset (RelayResetStatesTest). A one-shot poll armed
 * after the read reports the pending error at once. It costs one submission per read loop.
 *
 * <p>Multishot accept is off. A multishot accept goes on accepting while the listener is paused, so when the
 * process is out of descriptors each client waiting in the accept queue was taken, found no descriptor for its
 * upstream socket, and was closed, the whole queue in a moment; with one accept armed at a time, pausing the
 * listener (AcceptFailureHandler) leaves them waiting in the queue, as on epoll. It costs one submission per
 * accepted connection.
 */
final class IoUringSettings {

    static final String POLL_ADD_MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";
    static final String ACCEPT_MULTISHOT = "io.netty.iouring.acceptMultiShotEnabled";

    private IoUringSettings() {
    }

    /** Sets relay's values; idempotent. Must run before the first use of {@code io.netty.channel.uring.IoUring}. */
    static void apply() {
        for (String property : new String[] {POLL_ADD_MULTISHOT, ACCEPT_MULTISHOT}) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "false");
            }
        }
    }
}
