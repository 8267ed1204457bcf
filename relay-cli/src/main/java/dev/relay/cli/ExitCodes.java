package dev.relay.cli;

/** What {@code relay} exits with. */
final class ExitCodes {
    static final int OK = 0;
    /** Something failed at run time: a port in use, an upstream that cannot be reached. */
    static final int FAILURE = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
