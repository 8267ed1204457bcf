package dev.relay.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** relay's version, written into the jar at build time. */
final class Version {

    private Version() {
    }

    static String current() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/relay-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
