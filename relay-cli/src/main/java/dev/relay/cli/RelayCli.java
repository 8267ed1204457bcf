package dev.relay.cli;

import ch.qos.logback.classic.Level;
import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterException;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.RelayVersion;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.transport.TransportUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Parses the command line, runs one command, and turns every failure into one line on stderr and an exit code:
 * 0 ok, 1 runtime failure, 2 bad usage. Stack traces only with {@code --verbose}.
 */
final class RelayCli {

    private static final String OVERVIEW = """
            relay: a TCP relay for Linux hosts.

            Usage: relay [--verbose] COMMAND [FLAGS]

            Commands:
              forward   relay every connection on --listen to --target, both ways
              run       run every route of a config file (--config); SIGHUP reloads it
              validate  check config files, printing every problem as FILE:LINE:COL: message
              toxiproxy serve Toxiproxy's HTTP API; proxies and toxics are relay routes
              echo      a server that logs what arrives and echoes it back
              send      a client: send a message (or stdin), print the answer

            Run 'relay COMMAND --help' for a command's flags and examples.

            Examples:
              relay echo --listen 7792 &
              relay forward --listen 8928 --target 127.0.0.1:7792 &
              relay send --target 127.0.0.1:8928 'Hello!'
              relay run --config relay.yaml --watch
            """;

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    RelayCli(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    int run(String... args) {
        GlobalOptions global = new GlobalOptions();
        ForwardCommand forward = new ForwardCommand();
        RunCommand runCommand = new RunCommand();
        ValidateCommand validate = new ValidateCommand();
        ToxiproxyCommand toxiproxy = new ToxiproxyCommand();
        EchoCommand echo = new EchoCommand();
        SendCommand send = new SendCommand();
        JCommander commands = JCommander.newBuilder()
                .programName("relay")
                .addObject(global)
                .addCommand(forward)
                .addCommand(runCommand)
                .addCommand(validate)
                .addCommand(toxiproxy)
                .addCommand(echo)
                .addCommand(send)
                .build();
        try {
            commands.parse(args);
        } catch (ParameterException e) {
            return usageError(plainly(e.getMessage()), commands.getParsedCommand());
        }
        if (global.version) {
            stdout.println("relay " + RelayVersion.current());
            return ExitCodes.OK;
        }
        String command = commands.getParsedCommand();
        if (command == null) {
            if (global.help) {
                stdout.print(OVERVIEW);
                return ExitCodes.OK;
            }
            return usageError("no command given (expected: forward, run, validate, toxiproxy, echo or send)", null);
        }
        if (forward.help || runCommand.help || validate.help || toxiproxy.help || echo.help || send.help) {
            printCommandHelp(commands, command);
            return ExitCodes.OK;
        }
        configureLogging(global.verbose, command);
        try {
            return switch (command) {
                case "forward" -> forward.run();
                case "run" -> runCommand.run();
                case "validate" -> validate.run(stdout, stderr);
                case "toxiproxy" -> toxiproxy.run();
                case "echo" -> echo.run();
                case "send" -> send.run(stdin, stdout);
                default -> usageError("unknown command " + command, null);
            };
        } catch (ConfigFileException e) {
            e.problems().forEach(problem -> stderr.println("relay: " + problem));
            return ExitCodes.FAILURE;
        } catch (UsageException | ConfigException e) {
            return usageError(e.getMessage(), command);
        } catch (RelayStartException | TransportUnavailableException | RuntimeFailure e) {
            return failure(e.getMessage(), e, global.verbose);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure("interrupted", e, global.verbose);
        } catch (RuntimeException e) {
            return failure("unexpected error: " + e, e, global.verbose);
        }
    }

    /** JCommander's wording for a stray argument, said the way a user would. */
    private static String plainly(String message) {
        String prefix = "Was passed main parameter '";
        if (message != null && message.startsWith(prefix)) {
            String argument = message.substring(prefix.length(), message.indexOf('\'', prefix.length()));
            return (argument.startsWith("-") ? "unknown flag " : "unexpected argument ") + argument;
        }
        return message;
    }

    private int usageError(String message, String command) {
        stderr.println("relay: " + message);
        stderr.println("Run 'relay " + (command == null ? "" : command + " ") + "--help' for usage.");
        return ExitCodes.USAGE;
    }

    private int failure(String message, Throwable cause, boolean verbose) {
        stderr.println("relay: " + message);
        if (verbose) {
            cause.printStackTrace(stderr);
        }
        return ExitCodes.FAILURE;
    }

    private void printCommandHelp(JCommander commands, String command) {
        StringBuilder text = new StringBuilder();
        commands.getUsageFormatter().usage(command, text);
        stdout.print(text);
        stdout.println();
        stdout.print(switch (command) {
            case "forward" -> ForwardCommand.EXAMPLES;
            case "run" -> RunCommand.EXAMPLES;
            case "validate" -> ValidateCommand.EXAMPLES;
            case "toxiproxy" -> ToxiproxyCommand.EXAMPLES;
            case "echo" -> EchoCommand.EXAMPLES;
            default -> SendCommand.EXAMPLES;
        });
    }

    /**
     * Debug detail with --verbose; a quiet client, whose stdout carries the data, otherwise. A logback file given
     * with {@code -Dlogback.configurationFile} keeps its own levels unless --verbose asks for more: an operator
     * who turns relay's INFO lines off there (or a benchmark that runs relay quiet) must not have them built anyway.
     */
    private static void configureLogging(boolean verbose, String command) {
        if (!verbose && System.getProperty("logback.configurationFile") != null) {
            return;
        }
        Logger root = LoggerFactory.getLogger("dev.relay");
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(verbose ? Level.DEBUG
                    : command.equals("send") || command.equals("validate") ? Level.WARN : Level.INFO);
        }
    }
}
