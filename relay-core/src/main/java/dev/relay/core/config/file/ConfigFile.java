package dev.relay.core.config.file;

import dev.relay.core.config.ServerConfig;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a relay config file (YAML) into a {@link ServerConfig}. Reports every problem, each as
 * {@code FILE:LINE:COL: message}, through a {@link ConfigFileException}; returns only a config that can run.
 * docs/relay.example.yaml shows every key.
 *
 * <p>The top of the file is read by a {@link ServerReader}, each route by a {@link RouteReader}.
 */
public final class ConfigFile {

    /**
     * Files larger than this are refused before parsing: a config is a few kilobytes, and one of a thousand routes
     * about 200 KiB. The bound keeps the parser's memory and time small whatever the file holds.
     */
    static final int MAX_FILE_BYTES = 1 << 20;

    private ConfigFile() {
    }

    /**
     * Reads and checks the file. Whatever the path names (a directory, a FIFO, a device, a huge or deeply nested
     * file), the answer is a config or a {@link ConfigFileException}, in bounded time and memory.
     */
    public static ServerConfig load(Path path) {
        String label = path.toString();
        String text;
        try {
            byte[] bytes = SmallFile.read(path, MAX_FILE_BYTES);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (SmallFile.NotReadable e) {
            throw single(label, e.getMessage());
        } catch (CharacterCodingException e) {
            throw single(label, "not UTF-8 text");
        }
        return parse(label, text);
    }

    public static ServerConfig parse(String label, String text) {
        Problems problems = new Problems(label);
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(false)
                    .setCodePointLimit(MAX_FILE_BYTES).build();
            Optional<Mark> tooDeep = NestingDepth.firstBeyond(settings, text, NestingDepth.MAX);
            if (tooDeep.isPresent()) {
                problems.at(tooDeep, "nested more than " + NestingDepth.MAX
                        + " levels deep (a relay config needs fewer than ten)");
                throw new ConfigFileException(problems.list());
            }
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            problems.at(e.getProblemMark(), "not valid YAML: " + e.getProblem());
            throw new ConfigFileException(problems.list());
        } catch (YamlEngineException e) {
            throw single(label, "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw single(label, "the file is empty (expected: at least one route under \"routes\")");
        }
        ServerConfig config = new ServerReader(problems).server(root);
        if (problems.any()) {
            throw new ConfigFileException(problems.list());
        }
        return config;
    }

    private static ConfigFileException single(String label, String message) {
        return new ConfigFileException(List.of(ConfigProblem.ofFile(label, message)));
    }
}
