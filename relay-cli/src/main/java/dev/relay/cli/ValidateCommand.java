package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.base.Counted;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.file.ConfigFile;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.config.file.ConfigProblem;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code relay validate}: checks config files without running them. */
@Parameters(commandNames = "validate", commandDescription = "Check config files: exit 0, or 1 with every problem as FILE:LINE:COL: message.")
final class ValidateCommand {

    static final String EXAMPLES = """
            Examples:
              relay validate /etc/relay/relay.yaml
              relay validate relay.yaml && systemctl reload relay
            """;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(description = "FILE...")
    List<String> files = new ArrayList<>();

    int run(PrintStream stdout, PrintStream stderr) {
        if (files.isEmpty()) {
            throw new UsageException("no file given (expected: relay validate FILE...)");
        }
        int exit = ExitCodes.OK;
        for (String file : files) {
            try {
                ServerConfig config = ConfigFile.load(Path.of(file));
                stdout.println(file + ": ok (" + Counted.of(config.routes().size(), "route") + ")");
            } catch (ConfigFileException e) {
                e.problems().stream().map(ConfigProblem::toString).forEach(stderr::println);
                exit = ExitCodes.FAILURE;
            }
        }
        return exit;
    }
}
