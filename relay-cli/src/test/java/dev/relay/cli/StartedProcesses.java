package dev.relay.cli;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** The processes a test started, killed after it whatever happened, so none outlives its test. */
final class StartedProcesses implements AfterEachCallback {

    private final List<Process> started = new CopyOnWriteArrayList<>();

    Process add(Process process) {
        started.add(process);
        return process;
    }

    /** Whether every process started so far is still running. */
    boolean allAlive() {
        return started.stream().allMatch(Process::isAlive);
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
    }
}
