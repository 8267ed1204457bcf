package dev.relay.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@link ServerConfig} that a reload cannot change, because the running relay was built around
 * them: its transport and event loops, its resolver, its admin listener, its access log, how it binds and relays.
 * A reload keeps their running values, applies the rest (the routes, the backlog of new listeners, the drain
 * timeout) and reports the ones it kept. Listed once here, so a new restart-only setting is both kept and reported.
 */
public final class RestartOnlySettings {

    private RestartOnlySettings() {
    }

    /** The restart-only settings {@code next} changes, as a config file names them, with their new values. */
    public static List<String> changedBy(ServerConfig running, ServerConfig next) {
        List<String> changed = new ArrayList<>();
        if (next.transport() != running.transport()) {
            changed.add("transport " + next.transport().label());
        }
        if (next.ioThreads() != running.ioThreads()) {
            changed.add("io_threads " + next.ioThreads());
        }
        if (!next.dns().equals(running.dns())) {
            changed.add("dns");
        }
        if (next.reusePort() != running.reusePort()) {
            changed.add("reuse_port " + next.reusePort());
        }
        if (!next.admin().equals(running.admin())) {
            changed.add("admin");
        }
        if (!next.accessLog().equals(running.accessLog())) {
            changed.add("access_log");
        }
        if (next.splice() != running.splice()) {
            changed.add("splice " + next.splice());
        }
        if (!next.certificateCheckInterval().equals(running.certificateCheckInterval())) {
            changed.add("certificate_check_interval");
        }
        if (!next.unixSocketMode().equals(running.unixSocketMode())) {
            changed.add("unix_socket_mode " + next.unixSocketMode());
        }
        return changed;
    }

    /** {@code next} with every restart-only setting at its value in {@code running}: what a reload applies. */
    public static ServerConfig keptFrom(ServerConfig running, ServerConfig next) {
        return new ServerConfig(running.transport(), running.ioThreads(), next.backlog(), running.reusePort(),
                next.drainTimeout(), running.dns(), running.admin(), running.accessLog(), next.routes(),
                running.certificateCheckInterval(), running.splice(), running.unixSocketMode());
    }
}
