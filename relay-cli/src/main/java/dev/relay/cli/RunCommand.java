package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.RelayHooks;
import dev.relay.core.handover.HandoverClient;
import dev.relay.core.handover.HandoverServer;
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
    /** How long the running relay may take to pass its sockets. */
    private static final java.time.Duration TAKEOVER_WAIT = java.time.Duration.ofSeconds(30);

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-c", "--config"}, required = true, description = "The config file (YAML).")
    String config;

    @Parameter(names = "--watch", description = "Reload whenever the file's content changes.")
    boolean watch;

    @Parameter(names = "--admin", description = "Serve metrics, the API and the status page here (overrides admin.listen), e.g. 127.0.0.1:9901.")
    String admin;

    @Parameter(names = "--handover-socket", description = "Serve hand-overs at this Unix socket (mode 0600): a new "
            + "relay started with --takeover PATH takes the listening sockets, and this one stops accepting, drains "
            + "and exits. Needs the epoll transport.")
    String handoverSocket;

    @Parameter(names = "--takeover", description = "Take the listening sockets of the relay serving hand-overs at "
            + "this path, serve them, then tell it to drain and exit; afterwards serve hand-overs there in its place. "
            + "If this process cannot start, the running one serves on.")
    String takeover;

    int run() throws InterruptedException {
        Path path = Path.of(config);
        ServerConfig initial = withAdminFlag(ConfigFile.load(path));
        AccessLogSetup.apply(initial.accessLog());
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        Signals signals = new Signals();
        // Taken from the running relay before anything binds: its sockets are this one's from the start.
        HandoverClient taken = takeover == null ? null : HandoverClient.takeOver(Path.of(takeover), TAKEOVER_WAIT);
        RelayHooks hooks = RelayHooks.DEFAULT
                .withInherited(taken != null ? taken.sockets() : SystemdSockets.passed())
                .withConfigSource(() -> withAdminFlag(ConfigFile.load(path)))
                .withOnFatal(FatalErrors::halt);
        RelayServer started;
        try {
            started = RelayServer.start(initial, hooks);
        } catch (RuntimeException e) {
            if (taken != null) {
                taken.abandon(); // the running relay serves on
            }
            throw e;
        }
        String handoverPath = takeover != null ? takeover : handoverSocket;
        try (RelayServer relay = started;
             HandoverServer handovers = handoverPath == null ? null
                     : HandoverServer.start(Path.of(handoverPath), relay::listeningSockets, () -> {
                         relay.handedOver();
                         signals.stop();
                     });
             ConfigWatcher watcher = watch ? ConfigWatcher.start(path, ConfigWatcher.DEFAULT_INTERVAL, signals::reload)
                     : null) {
            if (taken != null) {
                taken.ready(); // the old relay stops accepting and drains
            }
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
