package dev.relay.core.toxic;

import dev.relay.core.config.Toxic;

import dev.relay.core.base.Direction;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.Endpoint;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's toxics: those its config declares (replaced by each reload) and those added at run time (the API, a
 * test). Read by every connection's toxic handlers on each chunk: the list is replaced whole, so a read needs no
 * lock. Connections open when the first toxic arrives get their handlers then, through the listener. A toxic's
 * schedule counts from when it was set here.
 */
public final class ToxicSet {

    /** One toxic, when it was set (its schedule counts from there), and whether the route's config declared it. */
    private record Entry(Toxic toxic, long setAtNanos, boolean declared) { }

    /** A toxic as the admin API and the metrics show it: whether it is on now. */
    public record State(Toxic toxic, boolean on, boolean declared) { }

    private final boolean datagrams;
    private volatile List<Entry> entries = List.of();
    private volatile List<Toxic> toxics = List.of();
    private volatile Runnable onFirstToxic = () -> { };

    /** A TCP route's toxics. */
    public ToxicSet() {
        this(false);
    }

    /** A TCP route's toxics, or with {@code datagrams} a UDP route's: each refuses the kinds that do not apply. */
    public ToxicSet(boolean datagrams) {
        this.datagrams = datagrams;
    }

    private void check(Toxic toxic) {
        if (!toxic.type().appliesTo(datagrams)) {
            throw new ConfigException("toxic " + toxic.name() + ": " + toxic.type().label() + " is for "
                    + (datagrams ? "TCP routes (a UDP route takes latency, bandwidth, drop and duplicate)"
                    : "UDP routes"));
        }
    }

    public List<Toxic> list() {
        return toxics;
    }

    public boolean isEmpty() {
        return toxics.isEmpty();
    }

    /**
     * The toxics of {@code stream} on now for a connection from {@code client} to {@code upstream}: in scope and in
     * schedule. Each toxic's toxicity is its caller's to roll. A list of the caller's own, to change at will.
     */
    public List<Toxic> on(Direction stream, InetAddress client, Endpoint upstream) {
        List<Entry> all = entries;
        if (all.isEmpty()) {
            return new ArrayList<>(0);
        }
        long now = System.nanoTime();
        List<Toxic> on = new ArrayList<>(all.size());
        for (Entry entry : all) {
            Toxic toxic = entry.toxic();
            if (toxic.stream() == stream && toxic.scope().covers(client, upstream)
                    && toxic.schedule().onAt(now - entry.setAtNanos())) {
                on.add(toxic);
            }
        }
        return on;
    }

    /** Every toxic with whether it is on now (scope aside): what the admin API and the metrics show. */
    public List<State> states() {
        long now = System.nanoTime();
        return entries.stream().map(e -> new State(e.toxic(), e.toxic().schedule().onAt(now - e.setAtNanos()),
                e.declared())).toList();
    }

    /** Called when the set goes from empty to not, so open connections can be given toxic handlers. */
    public void onFirstToxic(Runnable listener) {
        onFirstToxic = listener;
    }

    public void add(Toxic toxic) {
        check(toxic);
        boolean first;
        synchronized (this) {
            if (indexOf(toxic.name()) >= 0) {
                throw new ConfigException("toxic " + toxic.name() + " already exists");
            }
            first = entries.isEmpty();
            List<Entry> more = new ArrayList<>(entries);
            more.add(new Entry(toxic, System.nanoTime(), false));
            publish(more);
        }
        if (first) {
            onFirstToxic.run();
        }
    }

    /** Replaces the toxic of the same name; connections keep their roll of its toxicity, its schedule its start. */
    public synchronized void update(Toxic toxic) {
        check(toxic);
        List<Entry> next = new ArrayList<>(entries);
        int at = existing(toxic.name());
        Entry was = next.get(at);
        next.set(at, new Entry(toxic, was.setAtNanos(), was.declared()));
        publish(next);
    }

    public synchronized void remove(String name) {
        List<Entry> next = new ArrayList<>(entries);
        next.remove(existing(name));
        publish(next);
    }

    public synchronized void clear() {
        publish(List.of());
    }

    /**
     * Makes the toxics the route's config declares {@code declared}, as a reload does: the ones it no longer has
     * go, new ones are set now, a changed one is set anew, an unchanged one keeps running on its schedule. Toxics
     * added at run time stay, unless a declared one takes their name.
     */
    public void declare(List<Toxic> declared) {
        declared.forEach(this::check);
        boolean first;
        synchronized (this) {
            first = entries.isEmpty() && !declared.isEmpty();
            long now = System.nanoTime();
            List<Entry> next = new ArrayList<>();
            for (Entry entry : entries) {
                boolean replaced = declared.stream().anyMatch(t -> t.name().equals(entry.toxic().name()));
                if (!entry.declared() && !replaced) {
                    next.add(entry);
                }
            }
            for (Toxic toxic : declared) {
                Entry kept = entries.stream()
                        .filter(e -> e.declared() && e.toxic().equals(toxic)).findFirst().orElse(null);
                next.add(kept != null ? kept : new Entry(toxic, now, true));
            }
            publish(next);
        }
        if (first) {
            onFirstToxic.run();
        }
    }

    private void publish(List<Entry> next) {
        entries = List.copyOf(next);
        toxics = entries.stream().map(Entry::toxic).toList();
    }

    private int indexOf(String name) {
        List<Entry> current = entries;
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i).toxic().name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private int existing(String name) {
        int at = indexOf(name);
        if (at < 0) {
            throw new ConfigException("no toxic named " + name);
        }
        return at;
    }
}
