package dev.relay.cli;

import dev.relay.core.handover.InheritedSockets;

/** The sockets systemd passed to this process (socket activation), read once from the environment. */
final class SystemdSockets {

    private SystemdSockets() {
    }

    /** {@link InheritedSockets#NONE} unless LISTEN_PID names this process. */
    static InheritedSockets passed() {
        return InheritedSockets.fromSystemd(System.getenv(), ProcessHandle.current().pid());
    }
}
