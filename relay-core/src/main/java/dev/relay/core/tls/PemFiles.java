package dev.relay.core.tls;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.file.SmallFile;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Certificate, key and CA files, read through {@link SmallFile} before TLS parses them: a path that names a FIFO,
 * a device or a huge file is a one-line config error, not a reload that hangs or fills the heap.
 */
final class PemFiles {

    /** A PEM bundle of a long chain or a full CA store is well under this. */
    private static final int MAX_BYTES = 4 << 20;

    private PemFiles() {
    }

    /** The file's content; {@code what} names the setting ("tls", "upstream_tls") in the error. */
    static InputStream open(String what, Path file) {
        try {
            return new ByteArrayInputStream(SmallFile.read(file, MAX_BYTES));
        } catch (SmallFile.NotReadable e) {
            throw new ConfigException(what + ": " + file + ": " + e.getMessage());
        }
    }
}
