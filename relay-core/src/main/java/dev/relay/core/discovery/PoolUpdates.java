package dev.relay.core.discovery;

import dev.relay.core.config.Endpoint;
import dev.relay.core.config.UpstreamConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.upstream.DiscoveredEndpoints;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Where a source's answers land: an answer that changes the pool replaces it (new connections follow it) in one
 * log line naming what was added, removed and set draining; an answer that changes nothing is only counted. A
 * failed attempt keeps the pool as it is, logged once until the source answers again.
 */
final class PoolUpdates {

    private static final Logger log = LoggerFactory.getLogger(PoolUpdates.class);

    private final PoolTarget target;
    private final UpstreamDiscovery discovery;
    private final DiscoveryStatus status;
    private final EventLoop timers;
    private volatile boolean closed;

    PoolUpdates(PoolTarget target, UpstreamDiscovery discovery, DiscoveryStatus status, EventLoop timers) {
        this.target = target;
        this.discovery = discovery;
        this.status = status;
        this.timers = timers;
    }

    EventLoop timers() {
        return timers;
    }

    /** The source's answer: the endpoints it gives now. Synchronized: a restarted source may overlap its successor. */
    synchronized void answered(DiscoveredEndpoints next) {
        if (closed) {
            return;
        }
        DiscoveredEndpoints before = target.pool().get().discovered();
        boolean recovered = status.state() == DiscoveryStatus.State.STALE;
        boolean changed = !before.equals(next);
        status.answered(next, changed);
        if (recovered) {
            log.info("route={} upstreams from {} answering again", target.route(), discovery.describe());
        }
        if (!changed) {
            return;
        }
        target.apply().accept(next);
        Set<Endpoint> was = addresses(before.serving(), before.draining());
        Set<Endpoint> now = addresses(next.serving(), next.draining());
        Set<Endpoint> added = minus(addresses(next.serving()), addresses(before.serving()));
        Set<Endpoint> removed = minus(was, now);
        Set<Endpoint> draining = minus(addresses(next.draining()), addresses(before.draining()));
        Set<UpstreamConfig> reweighted = new LinkedHashSet<>(next.serving());
        reweighted.removeIf(u -> added.contains(u.address()) || before.serving().contains(u));
        log.info("route={} upstreams from {}: {} serving, {} draining; added [{}] removed [{}] draining [{}] "
                        + "changed [{}]", target.route(), discovery.describe(), next.serving().size(),
                next.draining().size(), text(added), text(removed), text(draining), reweighted.stream()
                        .map(u -> u.address() + " weight=" + u.weight() + (u.backup() ? " backup" : ""))
                        .collect(Collectors.joining(" ")));
        Duration grace = discovery.closeRemovedAfter();
        if (!removed.isEmpty() && !grace.isZero()) {
            timers.schedule(() -> closeStillRemoved(removed), grace.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A failed attempt: the pool stays as it is. */
    void failed(String why) {
        if (closed) {
            return;
        }
        if (status.failed(why)) {
            log.warn("route={} upstreams from {}: {}; keeping the last pool ({} serving, {} draining)", target.route(),
                    discovery.describe(), why, status.serving(), status.draining());
        }
    }

    /** The source could not even start (its settings are wrong): one error line; the pool stays as it is. */
    void failedToStart(String why) {
        status.failed("cannot start: " + why);
        log.error("route={} upstreams from {}: cannot start: {}; keeping the last pool ({} serving), until a reload "
                + "with mended settings", target.route(), discovery.describe(), why, status.serving());
    }

    void close() {
        closed = true;
    }

    private void closeStillRemoved(Set<Endpoint> removed) {
        DiscoveredEndpoints current = target.pool().get().discovered();
        Set<Endpoint> gone = minus(removed, addresses(current.serving(), current.draining()));
        if (!gone.isEmpty()) {
            target.closeRemoved().accept(gone);
        }
    }

    @SafeVarargs
    private static Set<Endpoint> addresses(Collection<UpstreamConfig>... lists) {
        Set<Endpoint> all = new LinkedHashSet<>();
        for (Collection<UpstreamConfig> list : lists) {
            list.forEach(u -> all.add(u.address()));
        }
        return all;
    }

    private static Set<Endpoint> minus(Set<Endpoint> from, Set<Endpoint> take) {
        Set<Endpoint> left = new LinkedHashSet<>(from);
        left.removeAll(new HashSet<>(take));
        return left;
    }

    private static String text(Set<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(" "));
    }
}
