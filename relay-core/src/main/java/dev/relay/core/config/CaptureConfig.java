package dev.relay.core.config;

import java.nio.file.Path;

/**
 * A route's traffic written as a pcap file that Wireshark and tshark read.
 *
 * @param pcap     the file; null when the route has no capture
 * @param maxBytes stop writing once the file reaches this size, so a forgotten capture cannot fill the disk
 * @param enabled  whether it writes now; the admin API switches it at run time
 */
public record CaptureConfig(Path pcap, long maxBytes, boolean enabled) {

    public static final long DEFAULT_MAX_BYTES = 100L << 20;
    public static final CaptureConfig NONE = new CaptureConfig(null, DEFAULT_MAX_BYTES, false);

    public CaptureConfig {
        Checks.require(maxBytes >= 1024, "capture.max_bytes: " + maxBytes + "B (expected: at least 1KiB)");
        Checks.require(pcap != null || !enabled, "capture: enabled without a pcap file");
    }

    public boolean configured() {
        return pcap != null;
    }
}
