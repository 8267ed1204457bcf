package dev.relay.core.server;

import java.util.List;

/**
 * What a reload changed.
 *
 * @param added      routes that started listening
 * @param changed    routes whose new config applies to new connections
 * @param removed    routes that stopped accepting and are draining
 * @param notApplied settings a reload cannot change ({@link dev.relay.core.config.RestartOnlySettings}), each with
 *                   its new value; they take effect at the next start
 */
public record ReloadResult(List<String> added, List<String> changed, List<String> removed, List<String> notApplied) {

    public ReloadResult {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
        notApplied = List.copyOf(notApplied);
    }

    public boolean unchanged() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    @Override
    public String toString() {
        return unchanged() ? "no route changed"
                : "added " + added + ", changed " + changed + ", removed " + removed;
    }
}
