package dev.relay.cli;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What ends the process at once: an {@link Error} (out of memory, a stack overflow, a broken class) that escaped
 * to the top of any thread, or an event loop that stopped while relay was serving. A process that goes on without
 * that thread would look alive to its service manager and serve nothing, so it halts with one log line and exit
 * code {@value #EXIT_CODE} instead, and {@code Restart=on-failure} brings up a whole one.
 */
final class FatalErrors {

    /** The code of a process ended by an internal failure ({@code EX_SOFTWARE} in sysexits.h). */
    static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);

    private FatalErrors() {
    }

    /** Every thread's uncaught {@link Error} halts the process; an uncaught exception is logged in one line. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (failure instanceof Error error) {
                halt(error, thread);
            } else {
                log.error("thread {} ended: {}", thread.getName(), failure.toString());
                log.debug("thread {} ended", thread.getName(), failure);
            }
        });
    }

    static void halt(Throwable failure, Thread thread) {
        halt("fatal: " + failure + " on thread " + thread.getName());
    }

    /**
     * Logs {@code why} in one line, writes out what the log still holds, then halts: no shutdown hook or drain
     * that may hang on the broken thread.
     */
    static void halt(String why) {
        try {
            log.error("{}; stopping so that the service manager restarts relay", why);
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
                logback.stop(); // the appenders write what they queued
            }
        } finally {
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }
}
