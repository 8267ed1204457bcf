package dev.relay.core.capture;

import dev.relay.core.config.CaptureConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.handler.pcap.PcapWriteHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One route's pcap file, shared by all its connections: each client connection gets a {@link PcapWriteHandler}
 * writing into it while capture is on. Writing happens on the event loops, into a buffered file stream; the file
 * stops growing at {@code max_bytes}.
 */
public final class PcapCapture implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PcapCapture.class);
    private static final int FILE_BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final BoundedPcapStream stream;
    private volatile boolean enabled;

    private PcapCapture(Path file, BoundedPcapStream stream, boolean enabled) {
        this.file = file;
        this.stream = stream;
        this.enabled = enabled;
        stream.accepting(enabled);
    }

    /**
     * Creates (or empties) the file and writes the pcap global header; null, with the reason logged, when the file
     * cannot be written. A capture is a diagnostic: a route whose file cannot be written still relays.
     */
    public static PcapCapture open(CaptureConfig config) {
        try {
            Path parent = config.pcap().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            BoundedPcapStream stream = new BoundedPcapStream(
                    new BufferedOutputStream(Files.newOutputStream(config.pcap()), FILE_BUFFER_BYTES),
                    config.maxBytes());
            stream.writeHeader(globalHeader());
            stream.flush();
            log.info("capturing to {} (up to {} bytes){}", config.pcap(), config.maxBytes(),
                    config.enabled() ? "" : ", off until switched on");
            return new PcapCapture(config.pcap(), stream, config.enabled());
        } catch (IOException e) {
            log.error("cannot write the capture file {}: {}; relaying without capture", config.pcap(), e.toString());
            return null;
        }
    }

    private static byte[] globalHeader() throws IOException {
        ByteBuf buf = Unpooled.buffer(24);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            PcapWriteHandler.writeGlobalHeader(out);
            byte[] header = new byte[buf.readableBytes()];
            buf.readBytes(header);
            return header;
        } finally {
            buf.release();
        }
    }

    public Path file() {
        return file;
    }

    public boolean enabled() {
        return enabled;
    }

    public void enabled(boolean value) {
        if (enabled != value) {
            enabled = value;
            stream.accepting(value);
            log.info("capture to {} switched {}", file, value ? "on" : "off");
            if (!value) {
                flushQuietly();
            }
        }
    }

    public long bytesWritten() {
        return stream.written();
    }

    /** A handler for one client connection's pipeline, writing both directions as a TCP conversation. */
    public ChannelHandler newHandler() {
        return PcapWriteHandler.builder()
                .sharedOutputStream(true)
                .writePcapGlobalHeader(false)
                .build(stream);
    }

    /** Pushes what is buffered to the file, so a reader sees every packet captured so far. */
    public void flushQuietly() {
        try {
            stream.flush();
        } catch (IOException e) {
            log.warn("capture to {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        enabled = false;
        stream.accepting(false);
        try {
            stream.close();
        } catch (IOException e) {
            log.warn("capture to {}: closing: {}", file, e.getMessage());
        }
    }
}
