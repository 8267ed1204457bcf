package dev.relay.core.config;

import java.nio.file.Path;

/**
 * The access log: one line per finished connection, on the logger {@code relay.access}.
 *
 * @param format   text or JSON lines
 * @param path     the file, rotated by size; null writes to standard output
 * @param maxBytes rotate once the file reaches this size
 * @param maxFiles rotated files kept (access.log.1 ... access.log.N)
 */
public record AccessLogConfig(boolean enabled, Format format, Path path, long maxBytes, int maxFiles) {

    public enum Format {
        TEXT, JSON;

        public String label() {
            return EnumLabels.label(this);
        }

        public static Format parse(String text) {
            return EnumLabels.parse(Format.class, text, "a format");
        }
    }

    public static final long DEFAULT_MAX_BYTES = 100L << 20;
    public static final int DEFAULT_MAX_FILES = 5;
    public static final AccessLogConfig OFF = new AccessLogConfig(false, Format.TEXT, null, DEFAULT_MAX_BYTES,
            DEFAULT_MAX_FILES);

    public AccessLogConfig {
        Checks.require(format != null, "access_log.format: missing");
        Checks.require(maxBytes >= 1024, "access_log.max_size: " + maxBytes + "B (expected: at least 1KiB)");
        Checks.range("access_log.max_files", maxFiles, 1, 100);
    }
}
