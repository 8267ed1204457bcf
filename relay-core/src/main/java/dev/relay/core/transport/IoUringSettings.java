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
 */
final class IoUringSettings {

    static final String POLL_ADD_MULTISHOT = "io.netty.iouring.pollAddMultishotEnabled";

    private IoUringSettings() {
    }

    /** Sets relay's values; idempotent. Must run before the first use of {@code io.netty.channel.uring.IoUring}. */
    static void apply() {
        if (System.getProperty(POLL_ADD_MULTISHOT) == null) {
            System.setProperty(POLL_ADD_MULTISHOT, "false");
        }
    }
}
