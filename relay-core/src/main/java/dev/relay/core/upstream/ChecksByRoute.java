package dev.relay.core.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The active checks of running routes, by route name, as a reload changes them: a changed or removed route's checks
 * stop, an added or changed route's start from its new pool. Changed under the server's lock only.
 */
public final class ChecksByRoute {

    private final Map<String, ActiveChecks> running = new LinkedHashMap<>();

    /** {@code start} gives a route's checks, or null when it asks for none. */
    public void restart(List<String> added, List<String> changed, List<String> removed,
                        Function<String, ActiveChecks> start) {
        List<String> stale = new ArrayList<>(changed);
        stale.addAll(removed);
        for (String name : stale) {
            ActiveChecks checks = running.remove(name);
            if (checks != null) {
                checks.close();
            }
        }
        List<String> fresh = new ArrayList<>(added);
        fresh.addAll(changed);
        for (String name : fresh) {
            ActiveChecks checks = start.apply(name);
            if (checks != null) {
                running.put(name, checks);
            }
        }
    }

    /** Stops every route's checks: a stop. */
    public void closeAll() {
        running.values().forEach(ActiveChecks::close);
        running.clear();
    }
}
