package dev.relay.core.upstream;

/** A pool's running active checks, TCP or UDP: stopped by {@link #close()}. */
public interface ActiveChecks extends AutoCloseable {

    @Override
    void close();
}
