package dev.relay.cli;

import dev.relay.core.config.Durations;
import dev.relay.core.config.RelayConfig;
import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import dev.relay.core.config.Endpoint;
import dev.relay.core.tools.SendClient;
import dev.relay.core.tools.UdpSendClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code relay send}: a client that sends, half-closes, and prints the answer. */
@Parameters(commandNames = "send", commandDescription = "Connect, send MESSAGE (or stdin until EOF), then print what comes back until the server closes.")
final class SendCommand {

    static final String EXAMPLES = """
            Examples:
              relay send --target 127.0.0.1:8928 'Hello!'
              printf 'GET / HTTP/1.0\\r\\n\\r\\n' | relay send --target example.internal:80
              relay send --udp --target 127.0.0.1:5353 'Hello!'
              printf 'one\\ntwo\\n' | relay send --udp --target 127.0.0.1:7792   # a datagram per line
            """;

    @Parameter(names = {"-h", "--help"}, help = true, description = "Show this help.")
    boolean help;

    @Parameter(names = {"-t", "--target"}, required = true,
            description = "Where to connect: HOST:PORT, [IPv6]:PORT or unix:/path.")
    String target;

    @Parameter(names = "--connect-timeout", description = "How long the connect may take.")
    String connectTimeout = Durations.format(RelayConfig.DEFAULT_CONNECT_TIMEOUT);

    @Parameter(names = "--udp", description = "Send MESSAGE as one UDP datagram (or each line of stdin as one), then print "
            + "each datagram that comes back until none came for --quiet.")
    boolean udp;

    @Parameter(names = "--quiet", description = "With --udp: stop after this long with no reply.")
    String quiet = "1s";

    @Parameter(description = "[MESSAGE]")
    List<String> message = new ArrayList<>();

    int run(InputStream stdin, PrintStream stdout) {
        Endpoint endpoint = Flags.endpoint("--target", target);
        if (message.size() > 1) {
            throw new UsageException("send takes one MESSAGE (quote it if it has spaces), got " + message.size());
        }
        if (udp) {
            return sendDatagrams(endpoint, stdin, stdout);
        }
        InputStream input = message.isEmpty() ? stdin
                : new ByteArrayInputStream(message.get(0).getBytes(StandardCharsets.UTF_8));
        try {
            SendClient.send(endpoint, input, stdout, Flags.duration("--connect-timeout", connectTimeout));
            stdout.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new RuntimeFailure("cannot talk to " + endpoint + ": " + describe(e), e);
        }
    }

    private int sendDatagrams(Endpoint endpoint, InputStream stdin, PrintStream stdout) {
        Duration quietFor = Flags.duration("--quiet", quiet);
        try {
            List<byte[]> datagrams = new ArrayList<>();
            if (!message.isEmpty()) {
                datagrams.add(message.get(0).getBytes(StandardCharsets.UTF_8));
            } else {
                String text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                for (String line : text.split("\n", -1)) {
                    if (!line.isEmpty()) {
                        datagrams.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            UdpSendClient.send(endpoint, datagrams, stdout, quietFor);
            stdout.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            throw new RuntimeFailure("cannot talk to " + endpoint + ": " + describe(e), e);
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.toLowerCase(java.util.Locale.ROOT);
    }
}
