package io.runnel.engine.partition;

import io.runnel.engine.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-epoch start-offset cache of one partition (Kafka's KIP-101/279 design): for every
 * leader epoch that appended to this log, the offset of its first batch. A follower that rejoins asks
 * the leader for the end offset of its latest epoch ({@link #endOffsetFor}) and truncates exactly to
 * the divergence point instead of to its high watermark.
 *
 * <p>File {@code <partition dir>/leader-epoch-checkpoint}, text, written whole by {@link AtomicFiles}
 * at every change (once per epoch change, not per append):
 * <pre>
 * 0                 format version
 * 2                 number of entries
 * 0 0               epoch startOffset, ascending in both
 * 1 1200
 * </pre>
 *
 * <p>Thread-safe: every method is synchronized (changes are rare; lookups are cheap).
 */
public final class LeaderEpochCache {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCache.class);

    /** The epoch-checkpoint file name, the one {@code PartitionLog} reserves for it. */
    public static final String FILE_NAME = io.runnel.storage.log.PartitionLog.LEADER_EPOCH_CHECKPOINT_FILE;
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1;
    private static final String VERSION = "0";

    /** One entry: {@code epoch} began appending at {@code startOffset}. */
    public record EpochEntry(int epoch, long startOffset) {}

    /** The answer to "where does epoch e end": the largest epoch at or below e, and its end offset. */
    public record EpochEndOffset(int epoch, long endOffset) {}

    private final Path file;
    /** Guarded by this. */
    private final List<EpochEntry> entries = new ArrayList<>();

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    /**
     * Loads the cache of the partition in {@code dir}; a missing file is an empty cache, a damaged one
     * is logged and treated as empty (entries are re-learned from the next appends).
     */
    public static LeaderEpochCache load(Path dir) {
        LeaderEpochCache cache = new LeaderEpochCache(dir.resolve(FILE_NAME));
        try {
            List<String> lines = Files.readAllLines(cache.file, StandardCharsets.US_ASCII);
            if (lines.size() < 2 || !lines.get(0).trim().equals(VERSION)) {
                throw new IllegalArgumentException("expected version " + VERSION + " and a count on the first two lines");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IllegalArgumentException("count " + count + " but " + (lines.size() - 2) + " entries");
            }
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                EpochEntry e = new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                if (!cache.entries.isEmpty()) {
                    EpochEntry last = cache.entries.get(cache.entries.size() - 1);
                    if (e.epoch() <= last.epoch() || e.startOffset() < last.startOffset()) {
                        throw new IllegalArgumentException("entry " + e + " does not follow " + last);
                    }
                }
                cache.entries.add(e);
            }
        } catch (NoSuchFileException e) {
            // A new partition.
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring damaged leader-epoch checkpoint {}: {}", cache.file, e.toString());
            cache.entries.clear();
        }
        return cache;
    }

    public Path file() {
        return file;
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    /** The latest epoch, or {@link #UNDEFINED_EPOCH} when empty. */
    public synchronized int latestEpoch() {
        return entries.isEmpty() ? UNDEFINED_EPOCH : entries.get(entries.size() - 1).epoch();
    }

    /**
     * Records that {@code epoch} starts appending at {@code startOffset}. Ignored unless the epoch is
     * newer than the latest (the same epoch keeps its first offset).
     *
     * @throws IllegalArgumentException when a newer epoch starts before the latest entry's offset
     */
    public synchronized void assign(int epoch, long startOffset) throws IOException {
        if (!entries.isEmpty()) {
            EpochEntry last = entries.get(entries.size() - 1);
            if (epoch <= last.epoch()) {
                return;
            }
            if (startOffset < last.startOffset()) {
                throw new IllegalArgumentException(file + ": epoch " + epoch + " cannot start at " + startOffset
                        + ", before epoch " + last.epoch() + " at " + last.startOffset());
            }
        }
        entries.add(new EpochEntry(epoch, startOffset));
        write();
    }

    /**
     * KIP-101/279: the largest epoch at or below {@code requestedEpoch} and the offset where it ended
     * (the start of the next epoch, or {@code logEndOffset} for the latest one); undefined (-1, -1) when
     * the requested epoch precedes every entry.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            EpochEntry e = entries.get(i);
            if (e.epoch() <= requestedEpoch) {
                long end = i == entries.size() - 1 ? logEndOffset : entries.get(i + 1).startOffset();
                return new EpochEndOffset(e.epoch(), end);
            }
        }
        return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
    }

    /** After the log was cut to end at {@code endOffset}: forgets epochs that started at or after it. */
    public synchronized void truncateFromEnd(long endOffset) throws IOException {
        boolean changed = false;
        while (!entries.isEmpty() && entries.get(entries.size() - 1).startOffset() >= endOffset) {
            entries.remove(entries.size() - 1);
            changed = true;
        }
        if (changed) {
            write();
        }
    }

    /**
     * After retention moved the log start to {@code startOffset}: drops epochs that ended before it and
     * moves the first remaining one's start up to it.
     */
    public synchronized void truncateFromStart(long startOffset) throws IOException {
        boolean changed = false;
        while (entries.size() > 1 && entries.get(1).startOffset() <= startOffset) {
            entries.remove(0);
            changed = true;
        }
        if (!entries.isEmpty() && entries.get(0).startOffset() < startOffset) {
            entries.set(0, new EpochEntry(entries.get(0).epoch(), startOffset));
            changed = true;
        }
        if (changed) {
            write();
        }
    }

    /** Forgets every entry (the log was emptied and restarted at a new offset). */
    public synchronized void clear() throws IOException {
        if (!entries.isEmpty()) {
            entries.clear();
            write();
        }
    }

    /** Guarded by this. */
    private void write() throws IOException {
        StringBuilder sb = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (EpochEntry e : entries) {
            sb.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public synchronized String toString() {
        return "LeaderEpochCache(" + file + ", " + entries + ")";
    }
}
