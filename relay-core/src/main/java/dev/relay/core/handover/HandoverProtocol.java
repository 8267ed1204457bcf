package dev.relay.core.handover;

/**
 * The lines two relay processes say over the hand-over socket, in order:
 * <ol>
 *   <li>new: {@code TAKEOVER <pid>} — the old answers {@code BUSY} (another hand-over is under way) and closes, or
 *   <li>old: {@code SOCKETS <n>} — how many listening sockets it will pass;
 *   <li>new: {@code SEND} — it reads descriptors now (SCM_RIGHTS), and the old sends the n sockets;
 *   <li>new, serving them: {@code READY} — the old stops accepting and drains. A new process that closes the
 *       connection before {@code READY} (a bad config, a crash) changes nothing: the old one serves on.
 * </ol>
 * The sockets themselves are never closed on the way, so no connection is refused and none queued is reset.
 */
final class HandoverProtocol {

    static final String TAKEOVER = "TAKEOVER";
    static final String BUSY = "BUSY";
    static final String SOCKETS = "SOCKETS";
    static final String SEND = "SEND";
    static final String READY = "READY";
    /** Longer lines are no hand-over: the connection is closed. */
    static final int MAX_LINE = 256;

    private HandoverProtocol() {
    }
}
