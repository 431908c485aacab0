package io.runnel.storage.log;

import static io.runnel.storage.format.BatchFormat.HEADER_SIZE;
import static io.runnel.storage.format.BatchFormat.LENGTH_OFFSET;
import static io.runnel.storage.format.BatchFormat.LOG_OVERHEAD;
import static io.runnel.storage.format.BatchFormat.MAX_TIMESTAMP_OFFSET;
import static io.runnel.storage.format.BatchFormat.NO_TIMESTAMP;
import static io.runnel.storage.format.BatchFormat.RECORD_COUNT_OFFSET;

import io.runnel.storage.format.BatchFormat;
import io.runnel.storage.format.CorruptBatchException;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.index.OffsetIndex;
import io.runnel.storage.index.TimeIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a partition log: a file of whole batches back to back (named by its 20-digit base
 * offset, {@code 00000000000000001234.seg}), its {@link OffsetIndex} ({@code .index}) and
 * {@link TimeIndex} ({@code .timeindex}).
 *
 * <p>Concurrency: the log's writer appends, truncates, flushes and deletes; readers call the
 * {@code read…}/{@code find…} methods without locks. The writer writes a batch and then publishes
 * the new {@link #sizeInBytes()} (volatile); readers bound every read by a size they read first.
 * Reads go through their own channel, separate from the writer's: a reader thread interrupted
 * during a read closes that channel (NIO's rule), and the next reader reopens it, so an interrupt
 * can never break appends.
 */
final class Segment {
    static final String SEGMENT_SUFFIX = ".seg";
    static final String OFFSET_INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";

    final long baseOffset;
    private final Path file;
    private final LogConfig config;
    /** Writer's channel. */
    private final FileChannel writeChannel;
    /** Readers' channel; replaced when an interrupt closed it. */
    private volatile FileChannel readChannel;
    final OffsetIndex offsetIndex;
    final TimeIndex timeIndex;
    /** Bytes of whole batches: written by the writer after the bytes, read by readers first. */
    private volatile int size;
    /** Offset after the last batch; read by the log's readers for bounds. */
    private volatile long nextOffset;
    /** Largest batch max timestamp, or NO_TIMESTAMP; read by retention and offsetForTimestamp. */
    private volatile long maxTimestamp = NO_TIMESTAMP;
    /** When the segment got its first batch (for time-based roll); writer only. */
    private long rollingTimestampMs = NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;
    /** Set before the files are closed and removed; read by readers that hit a closed channel. */
    private volatile boolean deleted;

    private Segment(Path dir, long baseOffset, LogConfig config, FileChannelFactory files, boolean create) throws IOException {
        this.baseOffset = baseOffset;
        this.file = dir.resolve(fileName(baseOffset, SEGMENT_SUFFIX));
        this.config = config;
        if (create) {
            this.writeChannel = files.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, OFFSET_INDEX_SUFFIX)));
            Files.deleteIfExists(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        } else {
            this.writeChannel = files.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        this.readChannel = FileChannel.open(file, StandardOpenOption.READ);
        this.offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, OFFSET_INDEX_SUFFIX)), baseOffset, config.maxIndexBytes());
        this.timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)), baseOffset, config.maxIndexBytes());
        long length = writeChannel.size();
        if (length > Integer.MAX_VALUE) {
            throw new IOException(file + " is " + length + " bytes, larger than a segment can be");
        }
        this.size = (int) length;
        this.nextOffset = baseOffset;
    }

    /** Creates an empty segment starting at {@code baseOffset}. */
    static Segment create(Path dir, long baseOffset, LogConfig config, FileChannelFactory files) throws IOException {
        Segment segment = new Segment(dir, baseOffset, config, files, true);
        CheckpointFile.fsyncDirectory(dir);
        return segment;
    }

    /** Opens an existing segment; call {@link #recover} or {@link #loadTrusted} before using it. */
    static Segment open(Path dir, long baseOffset, LogConfig config, FileChannelFactory files) throws IOException {
        return new Segment(dir, baseOffset, config, files, false);
    }

    static String fileName(long baseOffset, String suffix) {
        return String.format("%020d", baseOffset) + suffix;
    }

    Path file() {
        return file;
    }

    int sizeInBytes() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long rollingTimestampMs() {
        return rollingTimestampMs;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean indexesFull() {
        return offsetIndex.isFull() || timeIndex.isFull();
    }

    // ------------------------------------------------------------------ writer

    /**
     * Writes {@code batch} at the end. On an I/O error the file is cut back to its previous size
     * before the error is thrown, so the segment holds only whole batches.
     *
     * @throws IOException        the write failed and the file was restored
     * @throws SegmentIoException the write failed and the file could not be restored
     */
    void append(RecordBatch batch, long nowMs) throws IOException {
        int position = size;
        ByteBuffer bytes = batch.buffer();
        int length = bytes.remaining();
        try {
            long at = position;
            while (bytes.hasRemaining()) {
                at += writeChannel.write(bytes, at);
            }
        } catch (IOException e) {
            try {
                writeChannel.truncate(position);
            } catch (IOException restore) {
                e.addSuppressed(restore);
                throw new SegmentIoException(file + ": write at " + position + " failed and the file could not be cut back", e);
            }
            throw e;
        }
        if (bytesSinceLastIndexEntry >= config.indexIntervalBytes() && position > 0) {
            offsetIndex.append(batch.baseOffset(), position);
            if (maxTimestamp != NO_TIMESTAMP) {
                timeIndex.maybeAppend(maxTimestamp, batch.baseOffset(), position);
            }
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += length;
        if (rollingTimestampMs == NO_TIMESTAMP) {
            rollingTimestampMs = nowMs;
        }
        maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
        nextOffset = batch.nextOffset();
        size = position + length;
    }

    /** Forces the file and indexes to disk. */
    void flush() throws IOException {
        writeChannel.force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Shrinks the index files to their entries: the segment is no longer active. */
    void onRolled() throws IOException {
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Gives the indexes their full room again: the segment is active (again). */
    void onActive() throws IOException {
        offsetIndex.resize(config.maxIndexBytes());
        timeIndex.resize(config.maxIndexBytes());
    }

    /**
     * Removes the batch holding {@code offset} and everything after it.
     *
     * @return bytes removed
     */
    int truncateTo(long offset) throws IOException {
        int position = findBatchPosition(offset);
        if (position < 0) {
            return 0;
        }
        int removed = size - position;
        long newNext = readHeader(position, size).getLong(BatchFormat.BASE_OFFSET_OFFSET);
        size = position;
        writeChannel.truncate(position);
        offsetIndex.truncateTo(newNext);
        timeIndex.truncateTo(newNext);
        nextOffset = newNext;
        bytesSinceLastIndexEntry = 0;
        TimeIndex.Entry last = timeIndex.lastEntry();
        loadTail(last == null ? 0 : last.position(), last == null ? NO_TIMESTAMP : last.timestamp(), true);
        if (size == 0) {
            rollingTimestampMs = NO_TIMESTAMP;
        }
        return removed;
    }

    /**
     * Validates every batch from the start (length, offsets continuing from the base offset, CRC),
     * cuts the file at the first bad byte, and rebuilds both indexes.
     *
     * @return what was cut, or null when the whole file was valid
     */
    String recover() throws IOException {
        offsetIndex.reset();
        timeIndex.reset();
        offsetIndex.resize(config.maxIndexBytes());
        timeIndex.resize(config.maxIndexBytes());
        long fileSize = writeChannel.size();
        int position = 0;
        long expectedOffset = baseOffset;
        long max = NO_TIMESTAMP;
        long rolling = NO_TIMESTAMP;
        int sinceIndex = 0;
        String problem = null;
        while (position < fileSize) {
            if (fileSize - position < HEADER_SIZE) {
                problem = "torn batch header: " + (fileSize - position) + " bytes at the end, a header needs " + HEADER_SIZE;
                break;
            }
            ByteBuffer header = readFully(writeChannel, position, HEADER_SIZE);
            long batchSize = LOG_OVERHEAD + (long) header.getInt(LENGTH_OFFSET);
            if (batchSize < HEADER_SIZE || batchSize > config.largestStoredBatchBytes() || position + batchSize > fileSize) {
                problem = "batch length " + batchSize + " at position " + position + " does not fit the " + fileSize
                        + "-byte file (largest batch " + config.largestStoredBatchBytes() + ")";
                break;
            }
            ByteBuffer bytes = readFully(writeChannel, position, (int) batchSize);
            RecordBatch batch = RecordBatch.wrap(bytes);
            try {
                batch.ensureValid();
            } catch (CorruptBatchException e) {
                problem = e.getMessage() + " at position " + position;
                break;
            }
            if (batch.baseOffset() != expectedOffset) {
                problem = "batch at position " + position + " has base offset " + batch.baseOffset() + ", expected "
                        + expectedOffset;
                break;
            }
            if (sinceIndex >= config.indexIntervalBytes() && position > 0) {
                offsetIndex.append(batch.baseOffset(), position);
                if (max != NO_TIMESTAMP) {
                    timeIndex.maybeAppend(max, batch.baseOffset(), position);
                }
                sinceIndex = 0;
            }
            sinceIndex += (int) batchSize;
            if (rolling == NO_TIMESTAMP) {
                rolling = batch.maxTimestamp();
            }
            max = Math.max(max, batch.maxTimestamp());
            expectedOffset = batch.nextOffset();
            position += (int) batchSize;
        }
        if (problem != null) {
            writeChannel.truncate(position);
        }
        size = position;
        nextOffset = expectedOffset;
        maxTimestamp = max;
        rollingTimestampMs = rolling;
        bytesSinceLastIndexEntry = sinceIndex;
        return problem == null ? null : file + ": " + problem + "; truncated " + (fileSize - position) + " bytes";
    }

    /**
     * Loads a segment below the recovery point without reading every batch: checks the indexes'
     * structure, then walks the batch headers after the last index entry to find the next offset
     * and max timestamp.
     *
     * @return null when the indexes and the tail are consistent, else what is wrong (then {@link #recover})
     */
    String loadTrusted() throws IOException {
        String problem = offsetIndex.sanityCheck(size, Long.MAX_VALUE);
        if (problem == null) {
            problem = timeIndex.sanityCheck(size, Long.MAX_VALUE);
        }
        if (problem != null) {
            return "offset or time index of " + file + ": " + problem;
        }
        TimeIndex.Entry lastTime = timeIndex.lastEntry();
        OffsetIndex.Entry lastOffset = offsetIndex.entries() == 0 ? null : offsetIndex.entry(offsetIndex.entries() - 1);
        int from = lastTime == null ? 0 : lastTime.position();
        nextOffset = lastTime == null ? baseOffset : lastTime.offset();
        problem = loadTail(from, lastTime == null ? NO_TIMESTAMP : lastTime.timestamp(), false);
        if (problem != null) {
            return problem;
        }
        if (lastOffset != null && lastOffset.offset() >= nextOffset) {
            return "offset index of " + file + " ends at offset " + lastOffset.offset() + ", beyond the last batch (next offset "
                    + nextOffset + ")";
        }
        if (size > 0) {
            ByteBuffer first = readHeader(0, size);
            if (first == null || first.getLong(BatchFormat.BASE_OFFSET_OFFSET) != baseOffset) {
                return file + ": first batch does not start at the base offset " + baseOffset;
            }
            rollingTimestampMs = first.getLong(MAX_TIMESTAMP_OFFSET);
        }
        bytesSinceLastIndexEntry = size - (lastOffset == null ? 0 : lastOffset.position());
        return null;
    }

    /** Walks headers from {@code position} (a batch start) to the end, updating next offset and max timestamp. */
    private String loadTail(int position, long maxSoFar, boolean trusted) throws IOException {
        long max = maxSoFar;
        long next = position == 0 ? baseOffset : nextOffset;
        int end = size;
        while (position < end) {
            ByteBuffer header = readHeader(position, end);
            if (header == null) {
                if (trusted) {
                    break;
                }
                return file + ": batch headers do not chain to the end of the file at position " + position;
            }
            long batchSize = LOG_OVERHEAD + (long) header.getInt(LENGTH_OFFSET);
            if (batchSize < HEADER_SIZE || position + batchSize > end) {
                return file + ": batch at position " + position + " of " + batchSize + " bytes runs past " + end;
            }
            long base = header.getLong(BatchFormat.BASE_OFFSET_OFFSET);
            if (position > 0 && !trusted && base != next) {
                return file + ": batch at position " + position + " has base offset " + base + ", expected " + next;
            }
            next = base + header.getInt(RECORD_COUNT_OFFSET);
            max = Math.max(max, header.getLong(MAX_TIMESTAMP_OFFSET));
            position += (int) batchSize;
        }
        nextOffset = next;
        maxTimestamp = max;
        return null;
    }

    // ------------------------------------------------------------------ readers

    /**
     * Position of the batch that holds {@code offset}, or -1 if no batch in this segment does.
     * Lock-free.
     */
    int findBatchPosition(long offset) throws IOException {
        int end = size;
        int position = offsetIndex.lookup(offset).position();
        while (position < end) {
            ByteBuffer header = readHeader(position, end);
            if (header == null) {
                return -1;
            }
            long base = header.getLong(BatchFormat.BASE_OFFSET_OFFSET);
            int count = header.getInt(RECORD_COUNT_OFFSET);
            if (base + count > offset) {
                return position;
            }
            position += LOG_OVERHEAD + header.getInt(LENGTH_OFFSET);
        }
        return -1;
    }

    /**
     * The base offset of the first batch whose max timestamp is at least {@code timestamp}, or -1.
     * Lock-free.
     */
    long findOffsetForTimestamp(long timestamp, long maxOffsetExclusive) throws IOException {
        int end = size;
        TimeIndex.Entry entry = timeIndex.lookup(timestamp);
        int position = entry == null ? 0 : entry.position();
        while (position < end) {
            ByteBuffer header = readHeader(position, end);
            if (header == null) {
                return -1;
            }
            long base = header.getLong(BatchFormat.BASE_OFFSET_OFFSET);
            if (base >= maxOffsetExclusive) {
                return -1;
            }
            if (header.getLong(MAX_TIMESTAMP_OFFSET) >= timestamp) {
                return base;
            }
            position += LOG_OVERHEAD + header.getInt(LENGTH_OFFSET);
        }
        return -1;
    }

    /** The batch header at {@code position}, or null if fewer than a header's bytes lie before {@code end}. */
    ByteBuffer readHeader(int position, int end) throws IOException {
        if (end - position < HEADER_SIZE) {
            return null;
        }
        ByteBuffer header = read(position, HEADER_SIZE);
        return header.remaining() < HEADER_SIZE ? null : header;
    }

    /**
     * Reads up to {@code length} bytes at {@code position} into a new heap buffer (fewer if the file
     * is shorter, e.g. truncated meanwhile). Lock-free.
     *
     * @throws SegmentDeletedException when the segment was deleted meanwhile
     */
    ByteBuffer read(long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        for (int attempt = 0; ; attempt++) {
            FileChannel channel = readChannel;
            try {
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, position + buffer.position());
                    if (n < 0) {
                        break;
                    }
                }
                return buffer.flip();
            } catch (ClosedByInterruptException e) {
                throw e;
            } catch (ClosedChannelException e) {
                if (deleted) {
                    throw new SegmentDeletedException(file);
                }
                if (attempt >= 3) {
                    throw e;
                }
                reopenReadChannel(channel);
                buffer.clear();
            }
        }
    }

    /** The readers' channel, for zero-copy transfers. */
    FileChannel readChannel() throws IOException {
        FileChannel channel = readChannel;
        if (!channel.isOpen()) {
            if (deleted) {
                throw new SegmentDeletedException(file);
            }
            reopenReadChannel(channel);
        }
        return readChannel;
    }

    private synchronized void reopenReadChannel(FileChannel closed) throws IOException {
        if (readChannel == closed && !deleted) {
            readChannel = FileChannel.open(file, StandardOpenOption.READ);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException("end of file at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Closes the channels; trims the indexes. */
    void close() throws IOException {
        try {
            offsetIndex.close();
            timeIndex.close();
        } finally {
            writeChannel.close();
            readChannel.close();
        }
    }

    /** Closes without trimming or flushing: what a crash leaves. For tests. */
    void closeAbruptly() throws IOException {
        writeChannel.close();
        readChannel.close();
    }

    /** Marks the segment deleted, closes its channels and removes its files. */
    void delete() throws IOException {
        deleted = true;
        try {
            writeChannel.close();
            readChannel.close();
        } finally {
            Files.deleteIfExists(file);
            offsetIndex.deleteFile();
            timeIndex.deleteFile();
        }
    }

    /** Removes the files {@link #renameForDeletion} renamed: step two of a crash-safe delete. */
    void deleteRenamed() throws IOException {
        for (Path p : new Path[] {file, offsetIndex.file(), timeIndex.file()}) {
            Files.deleteIfExists(p.resolveSibling(p.getFileName() + DELETED_SUFFIX));
        }
    }

    /** Renames the segment's files to {@code *.deleted}: step one of a crash-safe delete. */
    void renameForDeletion() throws IOException {
        deleted = true;
        writeChannel.close();
        readChannel.close();
        for (Path p : new Path[] {file, offsetIndex.file(), timeIndex.file()}) {
            if (Files.exists(p)) {
                Files.move(p, p.resolveSibling(p.getFileName() + DELETED_SUFFIX));
            }
        }
    }

    @Override
    public String toString() {
        return "Segment(" + file.getFileName() + ", size=" + size + ", next=" + nextOffset + ")";
    }

    /** A read hit a segment that retention or truncation deleted meanwhile: the log retries from its map. */
    static final class SegmentDeletedException extends IOException {
        private static final long serialVersionUID = 1L;

        SegmentDeletedException(Path file) {
            super(file + " was deleted");
        }
    }

    /** A failed write whose partial bytes could not be removed: the log must go offline. */
    static final class SegmentIoException extends IOException {
        private static final long serialVersionUID = 1L;

        SegmentIoException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
