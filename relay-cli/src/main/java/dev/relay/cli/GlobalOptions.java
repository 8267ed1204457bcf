package dev.relay.cli;

import com.beust.jcommander.Parameter;

/** Flags that come before the command. */
final class GlobalOptions {
    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help, or a command's with COMMAND --help.")
    boolean help;

    @Parameter(names = "--version", description = "Print relay's version.")
    boolean version;

    @Parameter(names = {"-v", "--verbose"}, description = "Log debug detail, and show stack traces on errors.")
    boolean verbose;
}
