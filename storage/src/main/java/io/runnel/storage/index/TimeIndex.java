package io.runnel.storage.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Maps timestamps to batches in one segment, for {@code offsetForTimestamp}. An entry
 * {@code (t, o, p)} says: every batch before the one at offset {@code o} (position {@code p}) has a
 * max timestamp of at most {@code t}. Entries are added with the offset index's, and only when
 * {@code t} grows, so {@code t} is strictly increasing even for event-time batches that arrive out
 * of order. A lookup for {@code ts} gives the last entry with {@code t < ts}: the first batch with
 * a max timestamp &ge; {@code ts} is at or after its position.
 *
 * <pre>
 * entry (16 bytes, little-endian), entries in increasing timestamp order
 * offset size field
 * 0      8    timestamp        largest max timestamp of the batches before this one, ms
 * 8      4    relativeOffset   batch base offset - segment base offset (&gt; 0)
 * 12     4    position         byte position of the batch in the segment file (&gt; 0)
 * </pre>
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
public final class TimeIndex extends AbstractIndex {
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int RELATIVE_OFFSET_OFFSET = TIMESTAMP_OFFSET + 8;
    public static final int POSITION_OFFSET = RELATIVE_OFFSET_OFFSET + 4;
    public static final int ENTRY_SIZE = POSITION_OFFSET + 4;

    /** One entry: batches before {@code offset} have max timestamps of at most {@code timestamp}. */
    public record Entry(long timestamp, long offset, int position) {}

    public TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    /** The last entry with a timestamp below {@code timestamp}, or null. Lock-free. */
    public Entry lookup(long timestamp) {
        var buffer = buffer();
        int published = entries();
        int i = floorEntry(timestamp, true, published, e -> buffer.getLong(e * ENTRY_SIZE + TIMESTAMP_OFFSET));
        return i < 0 ? null : entry(i);
    }

    public Entry entry(int i) {
        var buffer = buffer();
        int base = i * ENTRY_SIZE;
        return new Entry(buffer.getLong(base + TIMESTAMP_OFFSET), baseOffset + buffer.getInt(base + RELATIVE_OFFSET_OFFSET),
                buffer.getInt(base + POSITION_OFFSET));
    }

    /** The last entry, or null. */
    public Entry lastEntry() {
        int n = entries();
        return n == 0 ? null : entry(n - 1);
    }

    /**
     * Appends {@code (timestamp, offset, position)} if {@code timestamp} exceeds the last entry's;
     * otherwise does nothing. Writer only.
     */
    public void maybeAppend(long timestamp, long offset, int position) {
        int n = entries();
        if (n > 0 && timestamp <= entry(n - 1).timestamp()) {
            return;
        }
        if (n >= maxEntries()) {
            throw new IllegalStateException("time index " + file + " is full (" + n + " entries)");
        }
        long relative = offset - baseOffset;
        if (relative <= 0 || relative > Integer.MAX_VALUE || position <= 0) {
            throw new IllegalArgumentException("time index " + file + ": entry (" + timestamp + ", " + offset + ", "
                    + position + ") outside the segment based at " + baseOffset);
        }
        var buffer = buffer();
        int base = n * ENTRY_SIZE;
        buffer.putLong(base + TIMESTAMP_OFFSET, timestamp);
        buffer.putInt(base + RELATIVE_OFFSET_OFFSET, (int) relative);
        buffer.putInt(base + POSITION_OFFSET, position);
        publishEntry();
    }

    /** Removes entries for batches at or above {@code offset}. Writer only. */
    public void truncateTo(long offset) {
        int n = entries();
        int keep = n;
        while (keep > 0 && entry(keep - 1).offset() >= offset) {
            keep--;
        }
        truncateEntries(keep);
    }

    @Override
    public String sanityCheck(long segmentSizeBytes, long nextOffset) {
        long previousTimestamp = Long.MIN_VALUE;
        long previousOffset = baseOffset;
        int previousPosition = 0;
        for (int i = 0; i < entries(); i++) {
            Entry e = entry(i);
            if (e.timestamp() <= previousTimestamp || e.offset() <= previousOffset || e.position() <= previousPosition) {
                return "entry " + i + " " + e + " does not follow (" + previousTimestamp + ", " + previousOffset + ", "
                        + previousPosition + ")";
            }
            if (e.position() >= segmentSizeBytes || e.offset() >= nextOffset) {
                return "entry " + i + " " + e + " is beyond the segment (size " + segmentSizeBytes + ", next offset "
                        + nextOffset + ")";
            }
            previousTimestamp = e.timestamp();
            previousOffset = e.offset();
            previousPosition = e.position();
        }
        return null;
    }
}
