package io.runnel.bench.suite.runnel;

import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where Runnel keeps a topic's segments, and which files count as its bytes on disk — the one
 * place to adjust when the storage layout is settled (DESIGN.md §5: per partition a directory of
 * segment files named by base offset, with offset and time indexes beside them).
 *
 * <p>Rule: the directories {@code DIR/topics/<topic>} and {@code DIR/topics/<topic>-<partition>}
 * (recursively, names compared ignoring case); within them the {@code *.seg} files if there are any — the counterpart of Kafka's
 * {@code *.log} — and otherwise every regular file (then indexes count too, which favours Kafka).
 * The rule applied is written into the results.
 */
public final class RunnelDiskLayout {
    static final String SEGMENT_SUFFIX = ".seg";

    private RunnelDiskLayout() {}

    public static DiskUsage count(Path dataDir, String topic) throws IOException {
        Path topics = dataDir.resolve("topics");
        boolean hasSegments = hasSegmentFiles(topics, topic);
        if (hasSegments) {
            return SegmentFiles.count(topics, dir -> belongsTo(dir, topic),
                    f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX),
                    "*" + SEGMENT_SUFFIX + " under DIR/topics/" + topic + "[-<partition>]/ (Runnel's segment files;"
                            + " indexes excluded)");
        }
        return SegmentFiles.count(topics, dir -> belongsTo(dir, topic), Files::isRegularFile,
                "every regular file under DIR/topics/" + topic + "[-<partition>]/ (no *" + SEGMENT_SUFFIX
                        + " files found: indexes and metadata counted too)");
    }

    /** Case-insensitive: unquoted SQL identifiers may be stored upper-cased (Calcite's default). */
    static boolean belongsTo(Path dir, String topic) {
        String name = dir.getFileName().toString().toLowerCase(Locale.ROOT);
        String t = topic.toLowerCase(Locale.ROOT);
        return name.equals(t) || SegmentFiles.isPartitionDirOf(name, t);
    }

    private static boolean hasSegmentFiles(Path topics, String topic) throws IOException {
        if (!Files.isDirectory(topics)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(topics)) {
            for (Path dir : dirs.filter(d -> belongsTo(d, topic)).toList()) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    if (walk.anyMatch(f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
