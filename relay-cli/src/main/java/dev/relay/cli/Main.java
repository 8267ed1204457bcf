package dev.relay.cli;

/**
 * The {@code relay} command: parse, run, exit with the code the command chose. An {@link Error} anywhere ends the
 * process with one line and a non-zero code ({@link FatalErrors}), so a service manager restarts it.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Signals.catchReloadsEarly();
        FatalErrors.install();
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
