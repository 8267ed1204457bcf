package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.RelayHooks;
import dev.relay.core.RelayServer;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.server.ReloadResult;
import dev.relay.core.config.AdminConfig;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.file.ConfigFile;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.config.file.ConfigProblem;
import dev.relay.core.config.file.ConfigWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.stream.Collectors;

/** {@code relay run}: every route of a config file, reloaded on SIGHUP (and on change with --watch). */
@Parameters(commandNames = "run", commandDescription = "Run the routes of a config file; SIGHUP (or --watch) reloads it.")
final class RunCommand {

    static final String EXAMPLES = """
            Examples:
              relay run --config /etc/relay/relay.yaml
              relay run --config relay.yaml --watch      # apply every saved change
              kill -HUP $(pidof relay)                   # reload by hand
            """;

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-c", "--config"}, required = true, description = "The config file (YAML).")
    String config;

    @Parameter(names = "--watch", description = "Reload whenever the file's content changes.")
    boolean watch;

    @Parameter(names = "--admin", description = "Serve metrics, the API and the status page here (overrides admin.listen), e.g. 127.0.0.1:9901.")
    String admin;

    int run() throws InterruptedException {
        Path path = Path.of(config);
        ServerConfig initial = withAdminFlag(ConfigFile.load(path));
        AccessLogSetup.apply(initial.accessLog());
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        Signals signals = new Signals();
        RelayHooks hooks = RelayHooks.DEFAULT.withInherited(SystemdSockets.passed())
                .withConfigSource(() -> withAdminFlag(ConfigFile.load(path)))
                .withOnFatal(FatalErrors::halt);
        try (RelayServer relay = RelayServer.start(initial, hooks);
             ConfigWatcher watcher = watch ? ConfigWatcher.start(path, ConfigWatcher.DEFAULT_INTERVAL, signals::reload)
                     : null) {
            signals.onStopAgain(relay::closeOpenConnectionsNow);
            systemd.ready();
            signals.awaitStop(() -> reload(relay, path, systemd));
            systemd.stopping();
        }
        return ExitCodes.OK;
    }

    /** The file's config, with --admin in place of its admin section when the flag is given. */
    private ServerConfig withAdminFlag(ServerConfig config) {
        if (admin == null) {
            return config;
        }
        return config.withAdmin(new AdminConfig(Flags.endpoint("--admin", admin), config.admin().tokenFile()));
    }

    /**
     * Reads the file again and applies it; when it cannot be applied, every route keeps serving as it was. One log
     * line per failed reload, whatever failed: nothing a file holds stops the relay.
     */
    private static void reload(RelayServer relay, Path path, SystemdNotifier systemd) {
        systemd.reloading();
        try {
            ReloadResult result = relay.reloadFromSource();
            systemd.status("relaying; last reload: " + result);
        } catch (ConfigFileException e) {
            String problems = e.problems().stream().map(ConfigProblem::toString).collect(Collectors.joining("; "));
            log.error("reload failed, still running the previous config: {}", problems);
            systemd.status("relaying; last reload failed: " + e.getMessage());
        } catch (RelayStartException | ConfigException e) {
            log.error("reload failed, still running the previous config: {}", e.getMessage());
            systemd.status("relaying; last reload failed: " + e.getMessage());
        } catch (RuntimeException e) {
            log.error("reload failed, still running the previous config: unexpected error: {}", e.toString());
            log.debug("reload failed", e);
            systemd.status("relaying; last reload failed: " + e);
        }
        systemd.ready();
    }
}
