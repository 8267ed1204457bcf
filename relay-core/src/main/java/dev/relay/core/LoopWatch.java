package dev.relay.core;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Tells when an event loop stops while the relay is serving. Netty ends a loop's thread when an {@link Error}
 * escapes it (say, out of direct memory inside the io_uring handler): the loop's connections then hang and the
 * connections later handed to it are never served, while the process looks alive. The relay cannot serve as
 * configured after that, so the hook hears of it at once, with one line.
 */
final class LoopWatch {

    private static final Logger log = LoggerFactory.getLogger(LoopWatch.class);

    private LoopWatch() {
    }

    /**
     * Calls {@code onFatal} (or, when it is null, logs at ERROR) once, when the first of {@code group}'s loops
     * terminates while {@code stopping} says the relay is not stopping.
     */
    static void watch(EventLoopGroup group, BooleanSupplier stopping, Consumer<String> onFatal) {
        AtomicBoolean told = new AtomicBoolean();
        int count = 0;
        for (EventExecutor ignored : group) {
            count++;
        }
        int index = 0;
        for (EventExecutor loop : group) {
            String name = "io loop " + (++index) + " of " + count;
            loop.terminationFuture().addListener(done -> {
                if (!stopping.getAsBoolean() && !group.isShuttingDown() && told.compareAndSet(false, true)) {
                    String why = name + " stopped while relay was serving (an error ended its thread; see the "
                            + "warning before this line): its connections hang and new ones given to it are not served";
                    if (onFatal == null) {
                        log.error(why);
                    } else {
                        onFatal.accept(why);
                    }
                }
            });
        }
    }
}
