package dev.relay.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** relay's version, written into the jar at build time. */
public final class RelayVersion {

    private static final String VERSION = read();

    private RelayVersion() {
    }

    public static String current() {
        return VERSION;
    }

    private static String read() {
        Properties properties = new Properties();
        try (InputStream in = RelayVersion.class.getResourceAsStream("/relay-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
