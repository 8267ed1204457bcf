package dev.relay.cli;

/**
 * The {@code relay} command: parse, run, exit with the code the command chose. An {@link Error} anywhere ends the
 * process with one line and a non-zero code ({@link FatalErrors}), so a service manager restarts it.
 */
public final class Main {

    private Main() {
    }

    /**
     * Netty's switch for direct buffers without the JDK's Cleaner, counted and limited by Netty itself: a buffer
     * over the limit fails at once (the connection that asked is reset), where the JDK's accounting first runs
     * the garbage collector and sleeps up to half a second, on the event loop, before it fails. The jar's manifest
     * opens java.nio for it; where it cannot work (Java 24 and later), Netty keeps the Cleaner.
     */
    private static final String NO_CLEANER_SWITCH = "io.netty.tryReflectionSetAccessible";

    public static void main(String[] args) {
        Signals.catchReloadsEarly();
        FatalErrors.install();
        if (System.getProperty(NO_CLEANER_SWITCH) == null) {
            System.setProperty(NO_CLEANER_SWITCH, "true"); // before any Netty class loads
        }
        int exit;
        try {
            exit = new RelayCli(System.in, System.out, System.err).run(args);
        } catch (Error e) {
            FatalErrors.halt(e, Thread.currentThread());
            return;
        }
        System.exit(exit);
    }
}
