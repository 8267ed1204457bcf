package dev.relay.core.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Buckets as Prometheus reads them: a value equal to a bound counts in that bound's bucket. */
class TimingHistogramTest {

    @Test
    void bucketsSumAndCountAsPrometheusReadsThem() {
        TimingHistogram histogram = new TimingHistogram(new double[] {0.1, 1, 10});
        for (double value : new double[] {0.05, 0.1, 0.5, 1, 7, 11, 100}) {
            histogram.observe(value);
        }
        HistogramSnapshot.HistogramDataPointSnapshot point = histogram.snapshot(Labels.of("route", "r"));
        List<Long> perBucket = new ArrayList<>();
        for (ClassicHistogramBucket bucket : point.getClassicBuckets()) {
            perBucket.add(bucket.getCount());
        }
        assertEquals(List.of(2L, 2L, 1L, 2L), perBucket, "<=0.1, <=1, <=10, +Inf");
        assertEquals(7, point.getCount());
        assertEquals(7, histogram.count());
        assertEquals(119.65, point.getSum(), 1e-9);
        assertEquals(Labels.of("route", "r"), point.getLabels());
    }
}
