package io.runnel.storage.log;

import static io.runnel.storage.format.ProducerSequences.REMEMBERED_BATCHES;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.ProducerSequences;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The idempotent producers of one partition log: for each producer id seen in a batch header
 * (docs/format/segment.md), its epoch and its newest {@value ProducerSequences#REMEMBERED_BATCHES}
 * batches with their sequences and offsets (the newest one holds the producer's newest sequence). A leader asks {@link #check} before it
 * appends a batch that carries a producer id: a batch whose sequences are already stored is a
 * <i>duplicate</i> (a retry of a request whose answer was lost) and is answered with the original's
 * offsets instead of being stored again.
 *
 * <p>The table is derived from the log: every append (leader or follower) {@link #update}s it, and a
 * log that opens or truncates rebuilds it from a snapshot at or below its end plus the batch headers
 * after it ({@link PartitionLog}). Snapshots are written at every segment roll and at a clean close.
 *
 * <h2>Sequence rules (per producer id, per partition)</h2>
 * <ul>
 *   <li>an unknown producer (new, expired, or older than the snapshots) may start at any sequence;
 *   <li>a batch whose first sequence is past the newest stored one is new (a gap is allowed: rows of
 *       an {@code acks=1} produce can be lost in a failover, and the client moves on);
 *   <li>a batch equal to one of the cached batches is a duplicate;
 *   <li>any other batch at or below the newest sequence, and a batch of an older epoch, is refused
 *       ({@link OutOfOrderSequenceException}); a newer epoch starts the producer afresh.
 * </ul>
 * Clients never wrap a sequence: a batch whose last sequence would pass {@link Integer#MAX_VALUE} is
 * refused, and a client starts a new producer id before that.
 *
 * <h2>Expiration</h2>
 * A producer whose newest batch is older than {@code producerIdExpirationMs} (by the log's clock at
 * append; replayed batches count as appended at the time of the replay) is forgotten at the next
 * {@link #expire}; a retry later than that is stored again.
 *
 * <h2>Snapshot file {@code <20-digit offset>.producers}</h2>
 * The state of every batch below the offset in its name. Little-endian:
 * <pre>
 * offset size  field
 *  0     4     magic            0x52505331 ("RPS1")
 *  4     4     producerCount
 *  8     ...   producerCount entries:
 *              +0  8  producerId
 *              +8  2  epoch
 *              +10 8  lastSeenMs
 *              +18 1  batchCount (1..5), then batchCount batches, oldest first, each:
 *                     +0 4 firstSequence, +4 4 lastSequence, +8 8 firstOffset, +16 8 lastOffset,
 *                     +24 8 firstTimestamp, +32 8 maxTimestamp
 * end-4  4     CRC32C of every byte before it
 * </pre>
 * A snapshot that fails its CRC or length is deleted and an older one (or none) used.
 *
 * <p>Not thread-safe: guarded by the owning {@link PartitionLog}'s lock.
 */
final class ProducerStateTable {
    static final String SNAPSHOT_SUFFIX = ".producers";
    static final int SNAPSHOT_MAGIC = 0x52505331;
    static final int SNAPSHOT_HEADER_BYTES = 8;
    static final int SNAPSHOT_PRODUCER_BYTES = 19;
    static final int SNAPSHOT_BATCH_BYTES = 40;
    static final int SNAPSHOT_CRC_BYTES = 4;
    /** Snapshots kept besides the newest: a truncation below the newest one can start from these. */
    static final int SNAPSHOTS_KEPT = 3;
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("\\d{20}" + Pattern.quote(SNAPSHOT_SUFFIX));

    /** One stored batch of a producer. */
    record CachedBatch(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long firstTimestamp,
            long maxTimestamp) {
        int recordCount() {
            return (int) (lastOffset - firstOffset + 1);
        }
    }

    /** One producer's state: never without a batch. */
    static final class Producer {
        short epoch;
        long lastSeenMs;
        final ArrayDeque<CachedBatch> batches = new ArrayDeque<>(2);

        int lastSequence() {
            return batches.getLast().lastSequence;
        }

        CachedBatch find(int firstSequence, int lastSequence) {
            for (CachedBatch b : batches) {
                if (b.firstSequence == firstSequence && b.lastSequence == lastSequence) {
                    return b;
                }
            }
            return null;
        }
    }

    private final String name;
    private final Map<Long, Producer> producers = new HashMap<>();

    ProducerStateTable(String name) {
        this.name = name;
    }

    int producerCount() {
        return producers.size();
    }

    void clear() {
        producers.clear();
    }

    /**
     * The leader's check of a batch about to be appended.
     *
     * @return null when the batch is to be appended, else the stored original of which it is a duplicate
     * @throws OutOfOrderSequenceException when the batch's sequences are neither new nor a cached batch
     */
    CachedBatch check(long producerId, short epoch, int firstSequence, int recordCount) {
        if (producerId == BatchFormat.NO_PRODUCER_ID) {
            return null;
        }
        if (firstSequence < 0 || (long) firstSequence + recordCount - 1 > Integer.MAX_VALUE) {
            throw new OutOfOrderSequenceException(name + ": producer " + producerId + " sent a batch with sequences "
                    + firstSequence + ".." + ((long) firstSequence + recordCount - 1) + ", outside 0.." + Integer.MAX_VALUE);
        }
        Producer p = producers.get(producerId);
        if (p == null) {
            return null;
        }
        if (epoch != p.epoch) {
            if (epoch > p.epoch) {
                return null;
            }
            throw new OutOfOrderSequenceException(name + ": producer " + producerId + " epoch " + epoch
                    + " is older than its stored epoch " + p.epoch + " (fenced)");
        }
        int lastSequence = firstSequence + recordCount - 1;
        if (firstSequence > p.lastSequence()) {
            return null;
        }
        CachedBatch original = p.find(firstSequence, lastSequence);
        if (original != null) {
            return original;
        }
        throw new OutOfOrderSequenceException(name + ": producer " + producerId + " sent sequences " + firstSequence + ".."
                + lastSequence + ", but rows up to sequence " + p.lastSequence() + " are stored and no remembered batch of it"
                + " (the newest " + REMEMBERED_BATCHES + ") has exactly these sequences; a retry carried more than "
                + REMEMBERED_BATCHES + " batches for the partition, or the producer reused sequences");
    }

    /** Records a batch just stored (leader, follower or replay) at offsets {@code firstOffset..lastOffset}. */
    void update(long producerId, short epoch, int firstSequence, long firstOffset, long lastOffset, long firstTimestamp,
            long maxTimestamp, long nowMs) {
        if (producerId == BatchFormat.NO_PRODUCER_ID || firstSequence < 0) {
            return;
        }
        Producer p = producers.get(producerId);
        if (p == null || epoch > p.epoch) {
            p = new Producer();
            p.epoch = epoch;
            producers.put(producerId, p);
        } else if (epoch < p.epoch) {
            return;
        }
        int lastSequence = (int) Math.min(Integer.MAX_VALUE, (long) firstSequence + (lastOffset - firstOffset));
        p.lastSeenMs = Math.max(p.lastSeenMs, nowMs);
        if (p.batches.size() == REMEMBERED_BATCHES) {
            p.batches.removeFirst();
        }
        p.batches.addLast(new CachedBatch(firstSequence, lastSequence, firstOffset, lastOffset, firstTimestamp, maxTimestamp));
    }

    /** Records a stored batch from its header (a follower's append, or a replay). */
    void update(ByteBuffer header, long nowMs) {
        ByteBuffer h = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = h.position();
        long producerId = h.getLong(p + BatchFormat.PRODUCER_ID_OFFSET);
        if (producerId == BatchFormat.NO_PRODUCER_ID) {
            return;
        }
        long base = h.getLong(p + BatchFormat.BASE_OFFSET_OFFSET);
        int count = h.getInt(p + BatchFormat.RECORD_COUNT_OFFSET);
        update(producerId, h.getShort(p + BatchFormat.PRODUCER_EPOCH_OFFSET), h.getInt(p + BatchFormat.BASE_SEQUENCE_OFFSET),
                base, base + count - 1, h.getLong(p + BatchFormat.FIRST_TIMESTAMP_OFFSET),
                h.getLong(p + BatchFormat.MAX_TIMESTAMP_OFFSET), nowMs);
    }

    /** Forgets producers not seen for {@code expirationMs}. */
    void expire(long nowMs, long expirationMs) {
        producers.values().removeIf(p -> nowMs - p.lastSeenMs > expirationMs);
    }

    // ------------------------------------------------------------------ snapshots

    static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(String.format("%020d", offset) + SNAPSHOT_SUFFIX);
    }

    /** The snapshot files of {@code dir} by offset. */
    static TreeMap<Long, Path> listSnapshots(Path dir) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String file = p.getFileName().toString();
                if (SNAPSHOT_NAME.matcher(file).matches()) {
                    out.put(Long.parseLong(file.substring(0, 20)), p);
                }
            }
        }
        return out;
    }

    /** Writes the table as the snapshot at {@code offset} (atomically: temp file, fsync, rename) and prunes old ones. */
    void writeSnapshot(Path dir, long offset) throws IOException {
        int size = SNAPSHOT_HEADER_BYTES + SNAPSHOT_CRC_BYTES;
        for (Producer p : producers.values()) {
            size += SNAPSHOT_PRODUCER_BYTES + p.batches.size() * SNAPSHOT_BATCH_BYTES;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SNAPSHOT_MAGIC).putInt(producers.size());
        for (Map.Entry<Long, Producer> e : producers.entrySet()) {
            Producer p = e.getValue();
            b.putLong(e.getKey()).putShort(p.epoch).putLong(p.lastSeenMs).put((byte) p.batches.size());
            for (CachedBatch c : p.batches) {
                b.putInt(c.firstSequence).putInt(c.lastSequence).putLong(c.firstOffset).putLong(c.lastOffset)
                        .putLong(c.firstTimestamp).putLong(c.maxTimestamp);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.flip();
        CheckpointFile.writeAtomically(snapshotFile(dir, offset), b);
        TreeMap<Long, Path> all = listSnapshots(dir);
        while (all.size() > SNAPSHOTS_KEPT + 1) {
            Files.deleteIfExists(all.pollFirstEntry().getValue());
        }
        CheckpointFile.fsyncDirectory(dir);
    }

    /** Deletes snapshots above {@code offset} (a truncation) and below {@code logStart} (retention). */
    static void deleteSnapshotsOutside(Path dir, long logStart, long offset) throws IOException {
        TreeMap<Long, Path> all = listSnapshots(dir);
        Long newestBelowStart = all.floorKey(logStart);
        for (Map.Entry<Long, Path> e : all.entrySet()) {
            boolean above = e.getKey() > offset;
            // Keep the newest snapshot at or below the log start: replay starts there.
            boolean below = e.getKey() < logStart && !e.getKey().equals(newestBelowStart);
            if (above || below) {
                Files.deleteIfExists(e.getValue());
            }
        }
    }

    /**
     * Loads the newest valid snapshot at or below {@code maxOffset} into this (cleared) table, deleting
     * damaged ones on the way.
     *
     * @param problems receives what was wrong with the snapshots skipped
     * @return the snapshot's offset, or -1 when there is none (the table is then empty)
     */
    long loadNewestSnapshot(Path dir, long maxOffset, List<String> problems) throws IOException {
        producers.clear();
        TreeMap<Long, Path> all = listSnapshots(dir);
        for (Long offset : new ArrayList<>(all.headMap(maxOffset, true).descendingKeySet())) {
            Path file = all.get(offset);
            String problem = read(file);
            if (problem == null) {
                return offset;
            }
            producers.clear();
            problems.add(problem);
            Files.deleteIfExists(file);
        }
        return -1;
    }

    /** Reads a snapshot into the table; answers what is wrong with it, or null. */
    private String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < SNAPSHOT_HEADER_BYTES + SNAPSHOT_CRC_BYTES) {
            return file + ": " + bytes.length + " bytes, shorter than an empty snapshot";
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - SNAPSHOT_CRC_BYTES);
        int stored = b.getInt(bytes.length - SNAPSHOT_CRC_BYTES);
        if (stored != (int) crc.getValue()) {
            return file + ": CRC32C " + Integer.toHexString((int) crc.getValue()) + ", stored "
                    + Integer.toHexString(stored);
        }
        if (b.getInt() != SNAPSHOT_MAGIC) {
            return file + ": magic " + Integer.toHexString(b.getInt(0)) + ", expected " + Integer.toHexString(SNAPSHOT_MAGIC);
        }
        int count = b.getInt();
        int end = bytes.length - SNAPSHOT_CRC_BYTES;
        for (int i = 0; i < count; i++) {
            if (end - b.position() < SNAPSHOT_PRODUCER_BYTES) {
                return file + ": producer " + i + " of " + count + " runs past the end at position " + b.position();
            }
            long id = b.getLong();
            Producer p = new Producer();
            p.epoch = b.getShort();
            p.lastSeenMs = b.getLong();
            int batches = b.get();
            if (batches < 1 || batches > REMEMBERED_BATCHES || end - b.position() < batches * SNAPSHOT_BATCH_BYTES) {
                return file + ": producer " + id + " has " + batches + " batches, expected 1.." + REMEMBERED_BATCHES
                        + " within the file";
            }
            for (int j = 0; j < batches; j++) {
                p.batches.addLast(new CachedBatch(b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
            producers.put(id, p);
        }
        if (b.position() != end) {
            return file + ": " + (end - b.position()) + " bytes after the last producer";
        }
        return null;
    }
}
