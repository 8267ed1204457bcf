package dev.relay.cli;

import sun.misc.Signal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What a running relay is told to do: stop (SIGTERM, SIGINT) or reload (SIGHUP, or a watched file that changed).
 * Handling the stop signals here, instead of in a shutdown hook, lets relay drain its connections and then exit 0,
 * as service managers expect of a clean stop.
 */
final class Signals {

    enum Event { STOP, RELOAD }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    Signals() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> events.add(Event.STOP));
        }
        Signal.handle(new Signal("HUP"), signal -> events.add(Event.RELOAD));
    }

    /** Asks for a reload, as SIGHUP does. */
    void reload() {
        events.add(Event.RELOAD);
    }

    Event next() throws InterruptedException {
        return events.take();
    }

    /** Waits for a stop; reload requests are answered with {@code onReload}. */
    void awaitStop(Runnable onReload) throws InterruptedException {
        while (next() == Event.RELOAD) {
            onReload.run();
        }
    }

    void awaitStop() throws InterruptedException {
        awaitStop(() -> { });
    }
}
