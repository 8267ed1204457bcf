package dev.relay.core.discovery;

/** A running discovery source for one route: it reports to its {@link PoolUpdates} until closed. */
interface EndpointSource extends AutoCloseable {

    /** Stops asking; what the pool holds stays. Never throws. */
    @Override
    void close();
}
