package dev.relay.core.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hot-path benchmark measures what it says: each operation relays one whole chunk and keeps no buffer. */
class RelayHandlerBenchmarkTest {

    @ParameterizedTest
    @ValueSource(ints = {64, 16384})
    void eachOperationRelaysOneWholeChunk(int chunkBytes) {
        RelayHandlerBenchmark benchmark = new RelayHandlerBenchmark();
        benchmark.chunkBytes = chunkBytes;
        benchmark.pairs();
        try {
            for (int i = 0; i < 1_000; i++) {
                assertEquals(chunkBytes, benchmark.relayHandler());
                assertEquals(chunkBytes, benchmark.bareForward());
            }
        } finally {
            benchmark.release();
        }
    }
}
