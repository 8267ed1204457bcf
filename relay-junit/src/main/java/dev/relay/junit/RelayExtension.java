package dev.relay.junit;

import dev.relay.core.EmbeddedRelay;
import dev.relay.core.config.Toxic;
import dev.relay.core.toxic.ToxicSet;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

/**
 * A relay for a test class: register it on a {@code static} field and one relay serves the whole class, its
 * toxics and downed routes reset after each test; on an instance field, each test gets a fresh one.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RelayExtension relay = RelayExtension.withRoute("db", "127.0.0.1:5432");
 *
 * @Test
 * void survivesASlowDatabase() {
 *     relay.toxics("db").add(Toxic.of(ToxicType.LATENCY, Direction.DOWNSTREAM, Map.of("latency", 500L)));
 *     var db = relay.address("db");   // point the code under test here
 * }
 * }</pre>
 */
public final class RelayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<EmbeddedRelay.Builder> setup;
    private EmbeddedRelay relay;
    private boolean perClass;

    private RelayExtension(UnaryOperator<EmbeddedRelay.Builder> setup) {
        this.setup = setup;
    }

    /** A relay with one route, listening on a free loopback port and relaying to {@code upstream}. */
    public static RelayExtension withRoute(String name, String upstream) {
        return new RelayExtension(b -> b.route(name, upstream));
    }

    /** A relay set up in full: routes, toxics, transport. */
    public static RelayExtension with(UnaryOperator<EmbeddedRelay.Builder> setup) {
        return new RelayExtension(setup);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        relay = setup.apply(EmbeddedRelay.builder()).start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (relay == null) {
            relay = setup.apply(EmbeddedRelay.builder()).start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perClass) {
            relay.reset(); // the next test starts with no toxics and every route up
        } else {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void close() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    /** Where {@code route} listens. */
    public InetSocketAddress address(String route) {
        return running().address(route);
    }

    public ToxicSet toxics(String route) {
        return running().toxics(route);
    }

    /** Adds a toxic to {@code route}; it is gone again after the test. */
    public RelayExtension toxic(String route, Toxic toxic) {
        running().toxics(route).add(toxic);
        return this;
    }

    /** The route refuses connections, and its open ones are cut, until {@link #up} or the next test. */
    public void down(String route) {
        running().down(route);
    }

    public void up(String route) {
        running().up(route);
    }

    public EmbeddedRelay relay() {
        return running();
    }

    private EmbeddedRelay running() {
        if (relay == null) {
            throw new IllegalStateException("the relay runs only while a test does (register the extension with "
                    + "@RegisterExtension)");
        }
        return relay;
    }
}
