package dev.relay.core.udp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What one UDP route relayed and dropped. Written on its listeners' event loops, read from anywhere. */
public final class UdpCounters {

    private final LongAdder sessionsOpened = new LongAdder();
    private final LongAdder sessionsClosed = new LongAdder();
    private final LongAdder datagramsUp = new LongAdder();
    private final LongAdder datagramsDown = new LongAdder();
    private final LongAdder bytesUp = new LongAdder();
    private final LongAdder bytesDown = new LongAdder();
    private final Map<UdpDrop, LongAdder> drops = new EnumMap<>(UdpDrop.class);

    UdpCounters() {
        for (UdpDrop reason : UdpDrop.values()) {
            drops.put(reason, new LongAdder());
        }
    }

    void opened() {
        sessionsOpened.increment();
    }

    void closed() {
        sessionsClosed.increment();
    }

    void up(int bytes) {
        datagramsUp.increment();
        bytesUp.add(bytes);
    }

    void down(int bytes) {
        datagramsDown.increment();
        bytesDown.add(bytes);
    }

    void drop(UdpDrop reason) {
        drops.get(reason).increment();
    }

    public long sessionsOpened() {
        return sessionsOpened.sum();
    }

    /** Sessions open now. */
    public long sessionsOpen() {
        return sessionsOpened.sum() - sessionsClosed.sum();
    }

    public long datagramsUp() {
        return datagramsUp.sum();
    }

    public long datagramsDown() {
        return datagramsDown.sum();
    }

    public long bytesUp() {
        return bytesUp.sum();
    }

    public long bytesDown() {
        return bytesDown.sum();
    }

    public long dropped(UdpDrop reason) {
        return drops.get(reason).sum();
    }
}
