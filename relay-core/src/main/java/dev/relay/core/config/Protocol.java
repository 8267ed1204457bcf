package dev.relay.core.config;

/** What a route relays: TCP connections (a stream each way), or UDP datagrams (a session per client address). */
public enum Protocol {
    TCP, UDP;

    public String label() {
        return EnumLabels.label(this);
    }

    public static Protocol parse(String text) {
        return EnumLabels.parse(Protocol.class, text, "a protocol");
    }
}
