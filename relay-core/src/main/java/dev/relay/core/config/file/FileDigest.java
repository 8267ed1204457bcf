package dev.relay.core.config.file;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * A digest of what some files hold (and their names), to tell when a file was replaced: by content, not by time,
 * since editors rename a new file into place, Kubernetes swaps a symlink, and a renewal may keep the time.
 */
public final class FileDigest {

    private FileDigest() {
    }

    /** Larger files are not read: configs, keys and certificate chains are far smaller. */
    static final int MAX_FILE_BYTES = 4 << 20;

    /** The SHA-256 of {@code files}, or null while one cannot be read (mid-replace). Blocks: not on an event loop. */
    public static byte[] of(List<Path> files) {
        try {
            return ofReadable(files);
        } catch (SmallFile.NotReadable e) {
            return null;
        }
    }

    /** The SHA-256 of {@code files}; the exception says why one of them cannot be read. */
    static byte[] ofReadable(List<Path> files) throws SmallFile.NotReadable {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(file.toString().getBytes(StandardCharsets.UTF_8));
                sha.update(SmallFile.read(file, MAX_FILE_BYTES));
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
