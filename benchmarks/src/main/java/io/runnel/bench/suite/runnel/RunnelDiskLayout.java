package io.runnel.bench.suite.runnel;

import io.runnel.bench.suite.load.DiskUsage;
import io.runnel.bench.suite.load.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where Runnel keeps a topic's segments, and which files count as its bytes on disk — the one
 * place to adjust when the storage layout is settled (DESIGN.md §5; the storage module names
 * segments {@code <20-digit base offset>.seg}, with {@code .index} and {@code .timeindex} beside
 * them, preallocated like Kafka's).
 *
 * <p>Rule: the directories named {@code <topic>} or {@code <topic>-<partition>} (names compared
 * ignoring case) anywhere in the first {@value #SEARCH_DEPTH} levels under the data directory
 * (expected: {@code DIR/topics/…}); within them, recursively, the {@code *.seg} files if there are
 * any — the counterpart of Kafka's {@code *.log} — and otherwise every regular file (then indexes
 * count too, which favours Kafka). The rule applied and the directories found are written into the
 * results.
 */
public final class RunnelDiskLayout {
    static final String SEGMENT_SUFFIX = ".seg";
    static final int SEARCH_DEPTH = 4;

    private RunnelDiskLayout() {}

    public static DiskUsage count(Path dataDir, String topic) throws IOException {
        List<Path> dirs = topicDirectories(dataDir, topic);
        if (dirs.isEmpty()) {
            throw new IOException("no directory named " + topic + " or " + topic + "-<partition> within " + SEARCH_DEPTH
                    + " levels under the data directory " + dataDir + ": adjust RunnelDiskLayout to the storage layout");
        }
        String where = dirs.size() == 1 ? dataDir.relativize(dirs.get(0)).toString()
                : dataDir.relativize(dirs.get(0).getParent()) + "/" + topic + "[-<partition>]";
        if (containsSegmentFiles(dirs)) {
            return SegmentFiles.count(dirs, f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX),
                    "*" + SEGMENT_SUFFIX + " under DIR/" + where + "/ (Runnel's segment files; .index/.timeindex and"
                            + " checkpoints excluded)");
        }
        return SegmentFiles.count(dirs, Files::isRegularFile, "every regular file under DIR/" + where + "/ (no *"
                + SEGMENT_SUFFIX + " files found: indexes and metadata counted too)");
    }

    static List<Path> topicDirectories(Path dataDir, String topic) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dataDir, SEARCH_DEPTH)) {
            return walk.filter(Files::isDirectory).filter(d -> !d.equals(dataDir)).filter(d -> belongsTo(d, topic))
                    .sorted().toList();
        }
    }

    /** Case-insensitive: unquoted SQL identifiers may be stored in another case. */
    static boolean belongsTo(Path dir, String topic) {
        String name = dir.getFileName().toString().toLowerCase(Locale.ROOT);
        String t = topic.toLowerCase(Locale.ROOT);
        return name.equals(t) || SegmentFiles.isPartitionDirOf(name, t);
    }

    private static boolean containsSegmentFiles(List<Path> dirs) throws IOException {
        for (Path dir : dirs) {
            try (Stream<Path> walk = Files.walk(dir)) {
                if (walk.anyMatch(f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX))) {
                    return true;
                }
            }
        }
        return false;
    }
}
