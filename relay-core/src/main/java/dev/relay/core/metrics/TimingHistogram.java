package dev.relay.core.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.Arrays;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A classic histogram kept by relay itself: fixed upper bounds, an adder per bucket and one for the sum. Recording
 * needs no metrics library, so a relay whose metrics nobody reads never loads one; the exporter reads the buckets
 * at scrape time, as it reads the counters. Thread-safe.
 */
final class TimingHistogram {

    private final double[] upperBounds;
    /** One per upper bound, then one for everything above the last (+Inf). */
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    /** @param upperBounds ascending, finite; +Inf is implied */
    TimingHistogram(double[] upperBounds) {
        this.upperBounds = upperBounds.clone();
        this.counts = new LongAdder[upperBounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void observe(double value) {
        int bucket = 0;
        while (bucket < upperBounds.length && value > upperBounds[bucket]) {
            bucket++;
        }
        counts[bucket].increment();
        sum.add(value);
    }

    long count() {
        long total = 0;
        for (LongAdder count : counts) {
            total += count.sum();
        }
        return total;
    }

    /** The histogram now, as a data point with {@code labels}. */
    HistogramSnapshot.HistogramDataPointSnapshot snapshot(Labels labels) {
        double[] bounds = Arrays.copyOf(upperBounds, upperBounds.length + 1);
        bounds[upperBounds.length] = Double.POSITIVE_INFINITY;
        long[] perBucket = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            perBucket[i] = counts[i].sum();
        }
        return HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, perBucket))
                .sum(sum.sum())
                .labels(labels)
                .build();
    }
}
