package dev.relay.core.base;

/**
 * Which way bytes move through a relayed connection: the relay's two pipelines and a toxic's {@code stream} both
 * speak of it, so it lives on the ground floor.
 */
public enum Direction {
    /** From the client to the upstream. */
    UPSTREAM("client->upstream"),
    /** From the upstream back to the client. */
    DOWNSTREAM("upstream->client");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    /** The side whose reads feed this direction. */
    public String sourceSide() {
        return this == UPSTREAM ? "client" : "upstream";
    }

    public Direction opposite() {
        return this == UPSTREAM ? DOWNSTREAM : UPSTREAM;
    }

    @Override
    public String toString() {
        return label;
    }
}
