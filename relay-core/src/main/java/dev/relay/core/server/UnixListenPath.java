package dev.relay.core.server;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.Endpoint;
import dev.relay.core.base.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Clears the way for a listener on a Unix socket path, before it binds. A socket file nothing listens on any more
 * (left by a process that was killed) is removed; anything else at the path stops the bind with a one-line reason:
 * a file that is not a socket, or a socket another process is listening on. Without this, Netty's native transports
 * unlink whatever is at the path before they bind, so a mistyped path deleted a regular file and a second relay took
 * a running one's socket from it without a word, while NIO refused even a stale socket file.
 *
 * <p>Between the check and the bind another process could still take the path; servers that share a socket
 * directory decide who owns which path, as with ports.
 */
public final class UnixListenPath {

    private static final Logger log = LoggerFactory.getLogger(UnixListenPath.class);
    /** The file-type bits of {@code st_mode}, and the value they have for a socket (S_IFMT, S_IFSOCK). */
    private static final int FILE_TYPE = 0170000;
    private static final int SOCKET = 0140000;

    private UnixListenPath() {
    }

    /** Makes {@code endpoint}'s path free to bind when it is a Unix socket; does nothing for a TCP address. */
    public static void claim(Endpoint endpoint) {
        if (!(endpoint instanceof Endpoint.Unix unix)) {
            return;
        }
        Path path = unix.path();
        try {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (!isSocket(path)) {
                throw refused(endpoint, "the path exists and is not a socket");
            }
            if (someoneListens(path)) {
                throw refused(endpoint, "another process is listening there");
            }
            Files.deleteIfExists(path);
            log.info("removed the socket file at {}: nothing listened on it", endpoint);
        } catch (NoSuchFileException gone) {
            // Removed meanwhile: the path is free.
        } catch (IOException e) {
            throw refused(endpoint, Failures.describe(e));
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & FILE_TYPE) == SOCKET;
    }

    /**
     * Whether a process accepts connections on the socket at {@code path}: a connection is refused only where
     * nothing listens. Non-blocking, so a listener whose queue is full counts as there instead of stalling the start.
     */
    private static boolean someoneListens(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static RelayStartException refused(Endpoint endpoint, String why) {
        return new RelayStartException("cannot listen on " + endpoint + ": " + why, null);
    }
}
