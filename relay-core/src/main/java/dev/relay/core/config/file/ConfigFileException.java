package dev.relay.core.config.file;

import java.util.List;

/** A config file that cannot be run, with every problem found in it (not just the first). */
public final class ConfigFileException extends RuntimeException {

    private final transient List<ConfigProblem> problems;

    public ConfigFileException(List<ConfigProblem> problems) {
        super(summary(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String summary(List<ConfigProblem> problems) {
        String first = problems.isEmpty() ? "invalid config" : problems.get(0).toString();
        return problems.size() <= 1 ? first : first + " (and " + (problems.size() - 1) + " more)";
    }
}
