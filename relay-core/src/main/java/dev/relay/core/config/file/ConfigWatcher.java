package dev.relay.core.config.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls back when a file's content changes. It compares a digest of the content at a fixed interval rather than
 * listening for file events: editors that write a new file and rename it, and Kubernetes ConfigMaps that swap a
 * symlink, change what the path reads without touching the file that was watched. A config is small, so reading
 * it once a second costs nothing.
 */
public final class ConfigWatcher implements AutoCloseable {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path path;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private byte[] lastDigest;
    private String unreadable; // why the file could not be read at the last poll; null while it could

    private ConfigWatcher(Path path, Runnable onChange) {
        this.path = path;
        this.onChange = onChange;
        this.lastDigest = FileDigest.of(List.of(path));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    public static ConfigWatcher start(Path path, Duration interval, Runnable onChange) {
        ConfigWatcher watcher = new ConfigWatcher(path, onChange);
        long every = interval.toMillis();
        watcher.timer.scheduleWithFixedDelay(watcher::poll, every, every, TimeUnit.MILLISECONDS);
        log.info("watching {} for changes every {}ms", path, every);
        return watcher;
    }

    private void poll() {
        byte[] now;
        try {
            now = FileDigest.ofReadable(List.of(path));
        } catch (SmallFile.NotReadable e) {
            // Said once for each reason, not at every poll.
            if (!e.getMessage().equals(unreadable)) {
                log.warn("watched config {}: {}; still running the previous config", path, e.getMessage());
            }
            unreadable = e.getMessage();
            return;
        }
        if (unreadable != null) {
            log.info("watched config {} can be read again", path);
            unreadable = null;
        }
        if (!Arrays.equals(now, lastDigest)) {
            lastDigest = now;
            onChange.run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
