package dev.relay.cli;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.tools.EchoConfig;
import dev.relay.core.tools.EchoServer;
import dev.relay.core.tools.UdpEchoServer;

/** {@code relay echo}: a server to relay to. */
@Parameters(commandNames = "echo", commandDescription = "Accept connections, log what arrives, and echo it back (or --reply).")
final class EchoCommand {

    static final String EXAMPLES = """
            Examples:
              relay echo --listen 7792
              relay echo --listen 127.0.0.1:7792 --reply 'Hello, I have received the message!'
              relay echo --udp --listen 7792
            """;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-l", "--listen"}, required = true,
            description = "Where clients connect: [HOST:]PORT, [IPv6]:PORT or unix:/path.")
    String listen;

    @Parameter(names = "--reply", description = "Send this text once, after the first bytes arrive, instead of echoing.")
    String reply;

    @Parameter(names = "--udp", description = "Answer UDP datagrams, each to its sender, instead of TCP connections.")
    boolean udp;

    @Parameter(names = "--transport", description = "I/O transport: auto (epoll where it loads, else io_uring, else nio), epoll, io_uring or nio.")
    String transport = "auto";

    int run() throws InterruptedException {
        EchoConfig config = new EchoConfig(Flags.endpoint("--listen", listen), reply, Flags.transport(transport));
        Signals signals = new Signals();
        if (udp) {
            try (UdpEchoServer server = UdpEchoServer.start(config)) {
                signals.awaitStop();
            }
            return ExitCodes.OK;
        }
        try (EchoServer server = EchoServer.start(config)) {
            signals.awaitStop();
        }
        return ExitCodes.OK;
    }
}
