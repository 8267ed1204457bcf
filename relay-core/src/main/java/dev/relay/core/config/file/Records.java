package dev.relay.core.config.file;

import dev.relay.core.config.ConfigException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.util.Optional;
import java.util.function.Supplier;

/** Builds the config records while reading: a record's own checks, when they fail, become a problem at its node. */
final class Records {

    private final Problems problems;

    Records(Problems problems) {
        this.problems = problems;
    }

    /** Builds a record; its own checks, when they fail, become a problem at {@code where}. */
    <T> T build(Node where, Supplier<T> make) {
        return build(where, make, null);
    }

    <T> T build(Node where, Supplier<T> make, T otherwise) {
        try {
            return make.get();
        } catch (ConfigException e) {
            problems.at(Optional.ofNullable(where).flatMap(Node::getStartMark), e.getMessage());
            return otherwise;
        }
    }
}
