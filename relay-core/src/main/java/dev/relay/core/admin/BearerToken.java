package dev.relay.core.admin;

import dev.relay.core.config.ConfigException;
import dev.relay.core.config.file.SmallFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's bearer token. Requests are checked by comparing SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time a check takes says nothing about the token, not even its length.
 */
final class BearerToken {

    private static final String PREFIX = "Bearer ";
    /** A token is one line; a longer file is a mistake. */
    private static final int MAX_FILE_BYTES = 4096;

    private final byte[] expectedDigest;

    private BearerToken(byte[] expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    /** Reads the token file (its first line); an empty or unreadable file is a config error. */
    static BearerToken fromFile(Path file) {
        String token;
        try {
            token = new String(SmallFile.read(file, MAX_FILE_BYTES), StandardCharsets.UTF_8).strip();
        } catch (SmallFile.NotReadable e) {
            throw new ConfigException("admin.token_file: " + file + ": " + e.getMessage());
        }
        if (token.isEmpty() || token.contains("\n")) {
            throw new ConfigException("admin.token_file: " + file + " must hold one non-empty line");
        }
        return new BearerToken(digest(token));
    }

    /** True when {@code authorization} (the header's value, or null) carries the token. */
    boolean admits(String authorization) {
        String presented = authorization != null && authorization.startsWith(PREFIX)
                ? authorization.substring(PREFIX.length()).strip() : "";
        return MessageDigest.isEqual(expectedDigest, digest(presented));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
