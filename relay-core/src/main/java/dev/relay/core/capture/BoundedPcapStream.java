package dev.relay.core.capture;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The pcap file's stream: stops taking packets once the file would grow past its limit, whole packets only, so
 * the file stays readable to the last byte. Netty's pcap writer, sharing one stream between connections, writes
 * each packet as a 16-byte record header and then the packet, both under the stream's lock; the header says how
 * long the packet is, so a packet that would not fit is dropped with its header.
 */
final class BoundedPcapStream extends OutputStream {

    private static final int RECORD_HEADER_BYTES = 16;
    /** Where the record header keeps the captured length (big-endian, as Netty writes the file). */
    private static final int INCLUDED_LENGTH_OFFSET = 8;

    private final OutputStream file;
    private final long maxBytes;
    private long written;
    private long skipping;
    private boolean full;
    private volatile boolean accepting = true;

    BoundedPcapStream(OutputStream file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    /** The global header: written once, when the file is created. */
    synchronized void writeHeader(byte[] header) throws IOException {
        file.write(header);
        written += header.length;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (skipping > 0) {
            skipping -= length;
            return;
        }
        if (length == RECORD_HEADER_BYTES) {
            long packet = ((bytes[offset + INCLUDED_LENGTH_OFFSET] & 0xffL) << 24)
                    | ((bytes[offset + INCLUDED_LENGTH_OFFSET + 1] & 0xffL) << 16)
                    | ((bytes[offset + INCLUDED_LENGTH_OFFSET + 2] & 0xffL) << 8)
                    | (bytes[offset + INCLUDED_LENGTH_OFFSET + 3] & 0xffL);
            if (!accepting) {
                skipping = packet;
                return;
            }
            if (full || written + RECORD_HEADER_BYTES + packet > maxBytes) {
                full = true;
                skipping = packet;
                return;
            }
        }
        file.write(bytes, offset, length);
        written += length;
    }

    /** While off, packets are dropped whole, so connections captured when it was on stop at once too. */
    void accepting(boolean value) {
        accepting = value;
    }

    synchronized long written() {
        return written;
    }

    @Override
    public synchronized void flush() throws IOException {
        file.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
