package dev.relay.core.config.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a small file that the operator names (a config, a token, a certificate) whole, and refuses what is not
 * one: a directory, a FIFO (whose read would block the reader until some process writes), a device such as
 * /dev/zero (whose read never ends), or a file larger than the caller's bound (read no further than the bound, so
 * a file that grows or lies about its size costs no more memory than that).
 */
public final class SmallFile {

    private SmallFile() {
    }

    /**
     * The file's bytes.
     *
     * @throws NotReadable with a message fit to follow the file's name ("no such file", "is a directory", ...)
     */
    public static byte[] read(Path path, int maxBytes) throws NotReadable {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new NotReadable("is a directory, not a file");
            }
            if (!attributes.isRegularFile()) {
                throw new NotReadable("is not a regular file (a device, FIFO or socket)");
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw new NotReadable("is larger than " + describe(maxBytes));
                }
                return bytes;
            }
        } catch (NotReadable e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new NotReadable("no such file");
        } catch (IOException e) {
            throw new NotReadable("cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        }
    }

    private static String describe(int bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB"
                : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    /** Why a file could not be read; the message follows the file's name. */
    public static final class NotReadable extends IOException {
        public NotReadable(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a verdict on a file, shown as one line: no trace to keep
        }
    }
}
