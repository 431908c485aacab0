package io.runnel.storage.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory and brings it to a consistent state before the log serves anything
 * (Kafka's {@code LogLoader}). Rules, in order:
 * <ol>
 *   <li>an interrupted {@code truncateFullyAndStartAt} (its marker file exists) is completed;
 *   <li>leftovers are removed: {@code *.deleted}, {@code *.tmp}, index files without a segment;
 *   <li>after a clean shutdown (marker file) every segment is trusted; its indexes are only
 *       sanity-checked and rebuilt if they fail;
 *   <li>otherwise every segment that may hold offsets at or above the recovery point is recovered:
 *       each batch's length, offset continuity and CRC are checked, the file is cut at the first bad
 *       byte (a torn write, garbage, a flipped bit) and both indexes are rebuilt; segments below the
 *       recovery point are loaded as after a clean shutdown;
 *   <li>segments must continue one another; everything after a cut or a gap is deleted;
 *   <li>recovered data is fsynced and the recovery point moved to the log end.
 * </ol>
 * Every cut and rebuild is logged at WARN with the file, position and reason.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}\\" + Segment.SEGMENT_SUFFIX);

    /** What loading found. */
    record Loaded(List<Segment> segments, long recoveryPoint, boolean cleanShutdown, boolean created, List<String> repairs) {}

    private LogLoader() {}

    static Loaded load(Path dir, LogConfig config, FileChannelFactory files) throws IOException {
        Files.createDirectories(dir);
        List<String> repairs = new ArrayList<>();
        CheckpointFile truncateMarker = new CheckpointFile(dir.resolve(PartitionLog.TRUNCATE_FULLY_FILE));
        OptionalLong truncateTo = truncateMarker.read();
        if (Files.exists(truncateMarker.file())) {
            deleteAll(dir, name -> name.endsWith(Segment.SEGMENT_SUFFIX) || name.endsWith(Segment.OFFSET_INDEX_SUFFIX)
                    || name.endsWith(Segment.TIME_INDEX_SUFFIX) || name.endsWith(ProducerStateTable.SNAPSHOT_SUFFIX));
            repairs.add("completed an interrupted truncation to " + truncateTo);
        }
        deleteAll(dir, name -> name.endsWith(Segment.DELETED_SUFFIX) || name.endsWith(".tmp"));

        TreeSet<Long> bases = new TreeSet<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (SEGMENT_NAME.matcher(name).matches()) {
                    bases.add(Long.parseLong(name.substring(0, 20)));
                }
            }
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if ((name.endsWith(Segment.OFFSET_INDEX_SUFFIX) || name.endsWith(Segment.TIME_INDEX_SUFFIX))
                        && (name.length() < 20 || !bases.contains(parseOrMinus(name.substring(0, 20))))) {
                    Files.delete(p);
                    repairs.add("deleted orphan index " + p);
                }
            }
        }

        Path cleanMarker = dir.resolve(PartitionLog.CLEAN_SHUTDOWN_FILE);
        boolean clean = Files.exists(cleanMarker);
        CheckpointFile recoveryPointFile = new CheckpointFile(dir.resolve(PartitionLog.RECOVERY_POINT_FILE));
        long recoveryPoint = clean ? Long.MAX_VALUE : recoveryPointFile.read().orElse(0);

        List<Segment> segments = new ArrayList<>();
        Long[] ordered = bases.toArray(new Long[0]);
        boolean dropRest = false;
        for (int i = 0; i < ordered.length; i++) {
            long base = ordered[i];
            if (dropRest) {
                deleteSegmentFiles(dir, base);
                repairs.add("deleted segment " + Segment.fileName(base, Segment.SEGMENT_SUFFIX) + " after a cut or gap");
                continue;
            }
            Segment segment = Segment.open(dir, base, config, files);
            boolean last = i == ordered.length - 1;
            long nextBase = last ? Long.MAX_VALUE : ordered[i + 1];
            String problem;
            if (!clean && nextBase > recoveryPoint) {
                problem = segment.recover();
            } else {
                String stale = segment.loadTrusted();
                problem = null;
                if (stale != null) {
                    repairs.add("rebuilt indexes: " + stale);
                    LOG.warn("Rebuilding indexes of {}: {}", segment.file(), stale);
                    problem = segment.recover();
                }
            }
            if (problem != null) {
                repairs.add(problem);
                LOG.warn("Recovered {}: {}", segment.file(), problem);
                dropRest = true;
            }
            if (!segments.isEmpty()) {
                Segment previous = segments.get(segments.size() - 1);
                if (previous.nextOffset() != segment.baseOffset) {
                    String gap = segment.file() + " starts at offset " + segment.baseOffset + " but the previous segment ends at "
                            + previous.nextOffset() + "; deleting it and every later segment";
                    repairs.add(gap);
                    LOG.warn(gap);
                    segment.delete();
                    dropRest = true;
                    continue;
                }
            }
            segments.add(segment);
        }
        if (truncateTo.isPresent() && Files.exists(truncateMarker.file())) {
            segments.clear();
            segments.add(Segment.create(dir, truncateTo.getAsLong(), config, files));
            Files.delete(truncateMarker.file());
        }
        if (segments.isEmpty()) {
            segments.add(Segment.create(dir, 0, config, files));
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (i == segments.size() - 1) {
                s.onActive();
            } else {
                s.onRolled();
            }
        }
        Segment active = segments.get(segments.size() - 1);
        if (!clean) {
            for (Segment s : segments) {
                if (s.nextOffset() > recoveryPoint || s == active) {
                    s.flush();
                }
            }
        }
        long logEnd = active.nextOffset();
        recoveryPointFile.write(logEnd);
        Files.deleteIfExists(cleanMarker);
        CheckpointFile.fsyncDirectory(dir);
        return new Loaded(segments, logEnd, clean, bases.isEmpty() && truncateTo.isEmpty(), repairs);
    }

    private static long parseOrMinus(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteSegmentFiles(Path dir, long base) throws IOException {
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.SEGMENT_SUFFIX)));
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.OFFSET_INDEX_SUFFIX)));
        Files.deleteIfExists(dir.resolve(Segment.fileName(base, Segment.TIME_INDEX_SUFFIX)));
    }

    private static void deleteAll(Path dir, java.util.function.Predicate<String> names) throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (names.test(p.getFileName().toString())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
