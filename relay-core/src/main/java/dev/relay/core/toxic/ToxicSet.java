package dev.relay.core.toxic;

import dev.relay.core.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's toxics, changed at run time (the API, a test) and read by every connection's toxic handlers on each
 * chunk: the list is replaced whole, so a read needs no lock. Connections open when the first toxic arrives get
 * their handlers then, through the listener.
 */
public final class ToxicSet {

    private final boolean datagrams;
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

    /** Called when the set goes from empty to not, so open connections can be given toxic handlers. */
    public void onFirstToxic(Runnable listener) {
        onFirstToxic = listener;
    }

    public void add(Toxic toxic) {
        check(toxic);
        boolean first;
        synchronized (this) {
            if (toxics.stream().anyMatch(t -> t.name().equals(toxic.name()))) {
                throw new ConfigException("toxic " + toxic.name() + " already exists");
            }
            first = toxics.isEmpty();
            List<Toxic> more = new ArrayList<>(toxics);
            more.add(toxic);
            toxics = List.copyOf(more);
        }
        if (first) {
            onFirstToxic.run();
        }
    }

    /** Replaces the toxic of the same name; connections keep their roll of its toxicity. */
    public synchronized void update(Toxic toxic) {
        check(toxic);
        List<Toxic> next = new ArrayList<>(toxics);
        int at = indexOf(toxic.name());
        next.set(at, toxic);
        toxics = List.copyOf(next);
    }

    public synchronized void remove(String name) {
        List<Toxic> next = new ArrayList<>(toxics);
        next.remove(indexOf(name));
        toxics = List.copyOf(next);
    }

    public synchronized void clear() {
        toxics = List.of();
    }

    private int indexOf(String name) {
        List<Toxic> current = toxics;
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new ConfigException("no toxic named " + name);
    }
}
