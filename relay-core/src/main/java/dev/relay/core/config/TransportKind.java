package dev.relay.core.config;


import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The I/O transports relay can run on. {@link #AUTO} picks the best one that loads on this host. */
public enum TransportKind {
    AUTO("auto"),
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static TransportKind parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (wanted.equals("iouring")) {
            return IO_URING;
        }
        for (TransportKind kind : values()) {
            if (kind.label.equals(wanted)) {
                return kind;
            }
        }
        throw new ConfigException("\"" + text + "\" is not a transport (expected: "
                + Arrays.stream(values()).map(TransportKind::label).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return label;
    }
}
