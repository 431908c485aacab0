package io.runnel.storage.index;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Maps batch base offsets to file positions in one segment, one entry every
 * {@code indexIntervalBytes} of batches. A lookup gives the position of the last indexed batch at
 * or before an offset; the caller scans batch headers from there.
 *
 * <pre>
 * entry (8 bytes, little-endian), entries in increasing offset order
 * offset size field
 * 0      4    relativeOffset   batch base offset - segment base offset (&gt; 0)
 * 4      4    position         byte position of the batch in the segment file (&gt; 0)
 * </pre>
 * Position 0 (the segment's first batch) is implicit and never indexed.
 *
 * <p>Thread-safety: see {@link AbstractIndex}.
 */
public final class OffsetIndex extends AbstractIndex {
    public static final int RELATIVE_OFFSET_OFFSET = 0;
    public static final int POSITION_OFFSET = RELATIVE_OFFSET_OFFSET + 4;
    public static final int ENTRY_SIZE = POSITION_OFFSET + 4;

    /** Position and offset a lookup found. */
    public record Entry(long offset, int position) {}

    public OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, maxIndexBytes, ENTRY_SIZE);
    }

    /** The last entry whose offset is at most {@code offset}, or (baseOffset, 0). Lock-free. */
    public Entry lookup(long offset) {
        var buffer = buffer();
        int published = entries();
        long relative = offset - baseOffset;
        int i = floorEntry(relative, false, published, e -> buffer.getInt(e * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET));
        if (i < 0) {
            return new Entry(baseOffset, 0);
        }
        return new Entry(baseOffset + buffer.getInt(i * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET),
                buffer.getInt(i * ENTRY_SIZE + POSITION_OFFSET));
    }

    /** The {@code i}-th entry. */
    public Entry entry(int i) {
        var buffer = buffer();
        return new Entry(baseOffset + buffer.getInt(i * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET),
                buffer.getInt(i * ENTRY_SIZE + POSITION_OFFSET));
    }

    /**
     * Appends an entry for the batch with base offset {@code offset} at {@code position}. Writer only.
     *
     * @throws IllegalStateException when full, or when the entry does not follow the last one
     */
    public void append(long offset, int position) {
        int n = entries();
        if (n >= maxEntries()) {
            throw new IllegalStateException("offset index " + file + " is full (" + n + " entries)");
        }
        long relative = offset - baseOffset;
        if (relative <= 0 || relative > Integer.MAX_VALUE || position <= 0) {
            throw new IllegalArgumentException("offset index " + file + ": entry (" + offset + ", " + position
                    + ") outside the segment based at " + baseOffset);
        }
        if (n > 0) {
            Entry last = entry(n - 1);
            if (offset <= last.offset() || position <= last.position()) {
                throw new IllegalArgumentException("offset index " + file + ": entry (" + offset + ", " + position
                        + ") does not follow (" + last.offset() + ", " + last.position() + ")");
            }
        }
        var buffer = buffer();
        buffer.putInt(n * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, (int) relative);
        buffer.putInt(n * ENTRY_SIZE + POSITION_OFFSET, position);
        publishEntry();
    }

    /** Removes entries for offsets at or above {@code offset}. Writer only. */
    public void truncateTo(long offset) {
        var buffer = buffer();
        int published = entries();
        int i = floorEntry(offset - baseOffset, true, published, e -> buffer.getInt(e * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET));
        truncateEntries(i + 1);
    }

    @Override
    public String sanityCheck(long segmentSizeBytes, long nextOffset) {
        long previousOffset = baseOffset;
        int previousPosition = 0;
        for (int i = 0; i < entries(); i++) {
            Entry e = entry(i);
            if (e.offset() <= previousOffset || e.position() <= previousPosition) {
                return "entry " + i + " (" + e.offset() + ", " + e.position() + ") does not follow (" + previousOffset
                        + ", " + previousPosition + ")";
            }
            if (e.position() >= segmentSizeBytes || e.offset() >= nextOffset) {
                return "entry " + i + " (" + e.offset() + ", " + e.position() + ") is beyond the segment (size "
                        + segmentSizeBytes + ", next offset " + nextOffset + ")";
            }
            previousOffset = e.offset();
            previousPosition = e.position();
        }
        return null;
    }
}
