package dev.relay.cli;

import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * Waits for SIGTERM or SIGINT. Handling them here, instead of in a shutdown hook, lets relay drain its
 * connections and then exit 0, as service managers expect of a clean stop.
 */
final class Signals {

    private final CountDownLatch stop = new CountDownLatch(1);

    Signals() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
    }

    void awaitStop() throws InterruptedException {
        stop.await();
    }
}
