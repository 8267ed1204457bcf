package dev.relay.core.server;

import dev.relay.core.config.RouteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** What a reload changed in a route, for the log line that says so. */
final class RouteChanges {

    private RouteChanges() {
    }

    /** The names of the settings that differ, as the config file spells them. */
    static String describe(RouteConfig before, RouteConfig after) {
        List<String> parts = new ArrayList<>();
        for (var component : RouteConfig.class.getRecordComponents()) {
            try {
                Object was = component.getAccessor().invoke(before);
                Object now = component.getAccessor().invoke(after);
                if (!Objects.equals(was, now)) {
                    parts.add(component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("a record's accessor is public", e);
            }
        }
        return String.join(", ", parts);
    }
}
