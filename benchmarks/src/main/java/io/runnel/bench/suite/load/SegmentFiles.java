package io.runnel.bench.suite.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Counts the bytes of a topic's files under a data directory: which directories belong to the
 * topic and which files in them count are the caller's rules, stated in words in the result so
 * that a reader of the figures knows exactly what was summed. Apparent file sizes
 * ({@link Files#size}), after the producer's last acknowledgement. Stateless.
 */
public final class SegmentFiles {
    private SegmentFiles() {}

    /**
     * Walks the directories directly under {@code parent} accepted by {@code topicDir}, recursively,
     * and sums the regular files accepted by {@code counted}.
     */
    public static DiskUsage count(Path parent, Predicate<Path> topicDir, Predicate<Path> counted, String rule)
            throws IOException {
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(parent)) {
            try (Stream<Path> children = Files.list(parent)) {
                children.filter(Files::isDirectory).filter(topicDir).sorted().forEach(dirs::add);
            }
        }
        if (dirs.isEmpty()) {
            throw new IOException("no directory of the topic under " + parent + " (rule: " + rule + ")");
        }
        return count(dirs, counted, rule);
    }

    /** Sums the regular files accepted by {@code counted} under {@code dirs}, recursively. */
    public static DiskUsage count(List<Path> dirs, Predicate<Path> counted, String rule) throws IOException {
        long bytes = 0;
        int files = 0;
        Map<String, Long> byExtension = new TreeMap<>();
        for (Path dir : dirs) {
            List<Path> regular;
            try (Stream<Path> walk = Files.walk(dir)) {
                regular = walk.filter(Files::isRegularFile).toList();
            }
            for (Path file : regular) {
                long size = Files.size(file);
                byExtension.merge(extension(file), size, Long::sum);
                if (counted.test(file)) {
                    bytes += size;
                    files++;
                }
            }
        }
        return new DiskUsage(bytes, files, rule, byExtension, dirs.stream().map(Path::toString).toList());
    }

    /** Kafka's (and Runnel's, per DESIGN §5) partition directory naming: {@code <topic>-<partition>}. */
    public static boolean isPartitionDirOf(String dirName, String topic) {
        if (!dirName.startsWith(topic + "-")) {
            return false;
        }
        String partition = dirName.substring(topic.length() + 1);
        return !partition.isEmpty() && partition.chars().allMatch(Character::isDigit);
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "(none)" : name.substring(dot);
    }
}
