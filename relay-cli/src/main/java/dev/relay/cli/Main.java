package dev.relay.cli;

/** The {@code relay} command: parse, run, exit with the code the command chose. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new RelayCli(System.in, System.out, System.err).run(args));
    }
}
