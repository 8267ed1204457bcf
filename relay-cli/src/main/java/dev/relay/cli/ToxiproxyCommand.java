package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.toxiproxy.ToxiproxyServer;

import java.nio.file.Path;

/** {@code relay toxiproxy}: Toxiproxy's HTTP API, with relay carrying the proxies. */
@Parameters(commandNames = "toxiproxy", commandDescription = "Serve Toxiproxy's HTTP API: proxies and toxics, created by any Toxiproxy client.")
final class ToxiproxyCommand {

    static final String EXAMPLES = """
            Examples:
              relay toxiproxy                                   # the API on 127.0.0.1:8474, as Toxiproxy's
              curl -s -X POST 127.0.0.1:8474/proxies -d '{"name":"db","listen":"127.0.0.1:15432","upstream":"127.0.0.1:5432"}'
              curl -s -X POST 127.0.0.1:8474/proxies/db/toxics -d '{"type":"latency","attributes":{"latency":200}}'
              relay toxiproxy --config toxiproxy.json             # proxies (and their toxics) from a file
            """;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-l", "--listen"}, description = "Where the API listens.")
    String listen = "127.0.0.1:8474";

    @Parameter(names = "--transport", description = "I/O transport for the proxies: auto (epoll where it loads), epoll, io_uring or nio.")
    String transport = "auto";

    @Parameter(names = {"-c", "--config"}, description = "Start with the proxies of this file, as Toxiproxy's -config: "
            + "its JSON (a list of name, listen, upstream, enabled), or the same in YAML; each proxy may carry toxics "
            + "in the API's shape.")
    String config;

    int run() throws InterruptedException {
        Signals signals = new Signals();
        try (ToxiproxyServer server = ToxiproxyServer.start(Flags.endpoint("--listen", listen),
                Flags.transport(transport))) {
            if (config != null) {
                server.populate(Path.of(config));
            }
            signals.awaitStop();
        }
        return ExitCodes.OK;
    }
}
