package dev.relay.core.proxy;

import dev.relay.core.metrics.RelayCounter;

/** Which way bytes move through a relayed connection. */
public enum Direction {
    /** From the client to the upstream. */
    UPSTREAM("client->upstream", RelayCounter.BYTES_UPSTREAM),
    /** From the upstream back to the client. */
    DOWNSTREAM("upstream->client", RelayCounter.BYTES_DOWNSTREAM);

    private final String label;
    private final RelayCounter bytesCounter;

    Direction(String label, RelayCounter bytesCounter) {
        this.label = label;
        this.bytesCounter = bytesCounter;
    }

    /** The side whose reads feed this direction. */
    public String sourceSide() {
        return this == UPSTREAM ? "client" : "upstream";
    }

    public Direction opposite() {
        return this == UPSTREAM ? DOWNSTREAM : UPSTREAM;
    }

    RelayCounter bytesCounter() {
        return bytesCounter;
    }

    @Override
    public String toString() {
        return label;
    }
}
