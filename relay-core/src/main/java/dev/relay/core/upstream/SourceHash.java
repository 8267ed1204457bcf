package dev.relay.core.upstream;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Consistent hashing on the client address. Every upstream owns {@value #POINTS_PER_WEIGHT} points per unit of
 * weight on a ring; a client goes to the owner of the first point at or after its own hash that is a candidate.
 * When an upstream goes down only its clients move, and they come back when it returns.
 */
final class SourceHash implements Balancer {

    static final int POINTS_PER_WEIGHT = 160;

    private final long[] points;
    private final Upstream[] owners;

    SourceHash(List<Upstream> pool) {
        record Point(long hash, Upstream owner) { }
        Point[] ring = pool.stream()
                .flatMap(u -> java.util.stream.IntStream.range(0, u.weight() * POINTS_PER_WEIGHT)
                        .mapToObj(i -> new Point(hash((u.address() + "#" + i).getBytes(StandardCharsets.UTF_8)), u)))
                .sorted(Comparator.comparingLong(Point::hash))
                .toArray(Point[]::new);
        points = Arrays.stream(ring).mapToLong(Point::hash).toArray();
        owners = Arrays.stream(ring).map(Point::owner).toArray(Upstream[]::new);
    }

    @Override
    public Upstream pick(List<Upstream> candidates, InetAddress client) {
        long key = client == null ? 0 : hash(client.getAddress());
        int at = Arrays.binarySearch(points, key);
        int start = at >= 0 ? at : -at - 1;
        for (int i = 0; i < points.length; i++) {
            Upstream owner = owners[(start + i) % points.length];
            if (candidates.contains(owner)) {
                return owner;
            }
        }
        // A candidate the ring does not know (it cannot happen: the ring holds the whole pool).
        return candidates.get(0);
    }

    /** FNV-1a over the bytes, then a 64-bit finalizer so nearby addresses land far apart on the ring. */
    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
