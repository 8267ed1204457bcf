package dev.relay.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the kernel's socket tables and the process's descriptor table, to prove nothing was left behind. */
public final class SocketStates {

    private static final String CLOSE_WAIT = "08";
    private static final String LISTEN = "0A";

    private SocketStates() {
    }

    /** TCP sockets in CLOSE_WAIT whose local or remote port is {@code port}. */
    public static long closeWaitOn(int port) throws IOException {
        return inState(CLOSE_WAIT, port);
    }

    /** Listening TCP sockets on {@code port}: more than one when they share it with SO_REUSEPORT. */
    public static long listeningOn(int port) throws IOException {
        return inState(LISTEN, port);
    }

    private static long inState(String state, int port) throws IOException {
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path).subList(1, Files.readAllLines(path).size())) {
                String[] fields = line.trim().split("\\s+");
                int local = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(fields[2].substring(fields[2].indexOf(':') + 1), 16);
                if (fields[3].equals(state) && (local == port || remote == port)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** How many file descriptors this process holds open. */
    public static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
