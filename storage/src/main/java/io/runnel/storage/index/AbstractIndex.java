package io.runnel.storage.index;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sparse, memory-mapped index of one segment: fixed-size little-endian entries in increasing
 * key order, appended by the log's writer and binary-searched by readers without locks.
 *
 * <p>Concurrency: one writer (the partition's writer, which also truncates, resizes and closes);
 * any number of readers. The writer stores an entry's bytes and then publishes it by writing
 * {@link #entries} (volatile); readers read {@code entries} first and look only below it, so they
 * never see a half-written entry. {@link #mmap} is volatile so a resize is seen whole. A mapping is
 * never unmapped explicitly (the GC releases it), so a reader still holding an old mapping cannot
 * crash the JVM; shrinking the file never cuts below the published entries.
 */
public abstract class AbstractIndex implements AutoCloseable {
    protected final Path file;
    protected final long baseOffset;
    private final int entrySize;
    /** Read by readers for lookups; replaced by the writer on resize. */
    private volatile MappedByteBuffer mmap;
    /** Published entry count: written by the writer after an entry's bytes, read first by readers. */
    private volatile int entries;
    private int maxEntries;

    /**
     * Opens (creating if absent) the index at {@code file} with room for {@code maxIndexBytes}.
     * Existing entries are taken as the file's whole length: call {@link #sanityCheck} before trusting them.
     */
    protected AbstractIndex(Path file, long baseOffset, int maxIndexBytes, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        boolean existed = Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long length = channel.size();
            int found = existed ? (int) (length / entrySize) : 0;
            long capacity = Math.max(roundDown(maxIndexBytes), (long) found * entrySize);
            this.mmap = map(channel, capacity);
            this.maxEntries = (int) (capacity / entrySize);
            this.entries = found;
        }
    }

    private int roundDown(int bytes) {
        return Math.max(entrySize, bytes / entrySize * entrySize);
    }

    private static MappedByteBuffer map(FileChannel channel, long length) throws IOException {
        if (length > 0 && channel.size() < length) {
            // Extends the file (sparse): the mapping must not reach past its end.
            channel.write(java.nio.ByteBuffer.allocate(1), length - 1);
        } else if (channel.size() > length) {
            channel.truncate(length);
        }
        MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }

    public Path file() {
        return file;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int entries() {
        return entries;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    /** Bytes the published entries occupy. */
    public long sizeInBytes() {
        return (long) entries * entrySize;
    }

    protected MappedByteBuffer buffer() {
        return mmap;
    }

    protected int entrySize() {
        return entrySize;
    }

    /** Publishes one more entry whose bytes the subclass has just written at {@link #entries()}. Writer only. */
    protected void publishEntry() {
        entries = entries + 1;
    }

    /** Forgets entries from {@code count} on. Writer only. */
    protected void truncateEntries(int count) {
        entries = Math.min(entries, Math.max(0, count));
    }

    /** Forgets every entry. Writer only. */
    public void reset() {
        entries = 0;
    }

    /**
     * Index of the last entry whose key is at most {@code key} ({@code strict}: below it), or -1.
     * {@code keyAt} reads the key of entry {@code i}. Lock-free.
     */
    protected int floorEntry(long key, boolean strict, int published, java.util.function.IntToLongFunction keyAt) {
        int lo = 0;
        int hi = published - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = keyAt.applyAsLong(mid);
            if (k < key || (!strict && k == key)) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * Resizes the file and the mapping to room for {@code maxIndexBytes} (at least the published
     * entries). Used to give a segment that becomes active again its full room, and to trim a
     * rolled segment's index to what it holds. Writer only.
     */
    public void resize(int maxIndexBytes) throws IOException {
        long capacity = Math.max((long) entries * entrySize, maxIndexBytes == 0 ? 0 : roundDown(maxIndexBytes));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mmap = map(channel, capacity);
            maxEntries = (int) (capacity / entrySize);
        }
    }

    /** Shrinks the file to the published entries (a rolled or closed segment's index). Writer only. */
    public void trimToValidSize() throws IOException {
        resize((int) sizeInBytes());
    }

    /** Forces the mapped entries to disk. */
    public void flush() {
        mmap.force();
    }

    /**
     * Checks the entries against the segment they index: keys strictly increasing, relative offsets
     * and positions positive, positions inside the segment, offsets below {@code nextOffset}.
     *
     * @return null when sane, else what is wrong (the caller rebuilds the index)
     */
    public abstract String sanityCheck(long segmentSizeBytes, long nextOffset);

    @Override
    public void close() throws IOException {
        trimToValidSize();
    }

    /** Deletes the file. The mapping stays valid for readers until the GC releases it. */
    public void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }
}
