package dev.relay.cli;

import sun.misc.Signal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a running relay is told to do: stop (SIGTERM, SIGINT) or reload (SIGHUP, or a watched file that changed).
 * Handling the stop signals here, instead of in a shutdown hook, lets relay drain its connections and then exit 0,
 * as service managers expect of a clean stop. A second stop signal, while the first one's drain goes on, runs
 * what {@link #onStopAgain} was given (Ctrl-C twice: do not wait).
 */
final class Signals {

    enum Event { STOP, RELOAD }

    /** SIGHUPs that arrived before a command made its Signals: handed to the first one made. */
    private static final AtomicInteger EARLY_RELOADS = new AtomicInteger();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger stops = new AtomicInteger();
    private volatile Runnable onStopAgain = () -> { };

    Signals() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stopAsked());
        }
        Signal.handle(new Signal("HUP"), signal -> events.add(Event.RELOAD));
        if (EARLY_RELOADS.getAndSet(0) > 0) {
            events.add(Event.RELOAD); // the file may have changed after it was read: read it once more
        }
    }

    /**
     * Called first thing in {@code main}: from then on a SIGHUP is a reload to come, never the JVM's default (run
     * the shutdown hooks, exit 129). The JVM's own start, before {@code main}, is the one window left.
     */
    static void catchReloadsEarly() {
        Signal.handle(new Signal("HUP"), signal -> EARLY_RELOADS.incrementAndGet());
    }

    private void stopAsked() {
        if (stops.incrementAndGet() == 1) {
            events.add(Event.STOP);
        } else {
            onStopAgain.run();
        }
    }

    /** What a second stop signal does; it runs on the JVM's signal thread, so it must not block. */
    void onStopAgain(Runnable action) {
        onStopAgain = action;
    }

    /** Asks for a stop, as SIGTERM does (a hand-over done: the new process serves). */
    void stop() {
        stopAsked();
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
