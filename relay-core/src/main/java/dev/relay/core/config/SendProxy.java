package dev.relay.core.config;

/** Whether relay opens each upstream connection with a PROXY protocol header, and which version. */
public enum SendProxy {
    NONE, V1, V2;

    public String label() {
        return EnumLabels.label(this);
    }

    public static SendProxy parse(String text) {
        return EnumLabels.parse(SendProxy.class, text, "a PROXY protocol version");
    }
}
