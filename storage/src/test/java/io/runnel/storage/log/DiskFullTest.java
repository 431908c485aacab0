package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.TestBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk: segment writes fail part-way with ENOSPC. The append fails with a clear error, the
 * partial bytes are removed, the log stays readable and takes appends again once space is back.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(1_767_225_600_000L);
    final LogConfig config = LogConfig.DEFAULT.withSegmentBytes(64 * 1024);

    /** Bytes the "disk" still takes; writes past it write what fits and then fail like ENOSPC. */
    final AtomicLong space = new AtomicLong(Long.MAX_VALUE);
    final AtomicBoolean truncateFails = new AtomicBoolean();

    final FileChannelFactory fullDisk = (path, options) -> new LimitedChannel(FileChannel.open(path, options));

    @Test
    void aFullDiskFailsTheAppendAndLeavesTheLogConsistent() throws Exception {
        try (TestBatches batches = new TestBatches();
                PartitionLog log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock, fullDisk)) {
            for (int i = 0; i < 5; i++) {
                log.append(batches.batch(i, 20), 0);
            }
            Path segment = dir.resolve(Segment.fileName(0, Segment.SEGMENT_SUFFIX));
            long size = Files.size(segment);
            space.set(100);
            assertThatThrownBy(() -> log.append(batches.batch(5, 20), 0))
                    .isInstanceOf(StorageFullException.class)
                    .hasMessageContaining("disk full while appending to " + segment)
                    .satisfies(e -> assertThat(((StorageFullException) e).isLogOffline()).isFalse());
            assertThat(Files.size(segment)).as("partial write removed").isEqualTo(size);
            assertThat(log.logEndOffset()).isEqualTo(100);
            assertThat(log.read(0, Long.MAX_VALUE, Integer.MAX_VALUE, null).batches()).hasSize(5);

            space.set(Long.MAX_VALUE);
            assertThat(log.append(batches.batch(5, 20), 0).firstOffset()).isEqualTo(100);
            assertThat(batches.verify(log.read(100, Long.MAX_VALUE, 1, null).batches().get(0))).isEqualTo(5);
        }
        try (PartitionLog reopened = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock)) {
            assertThat(reopened.logEndOffset()).isEqualTo(120);
        }
    }

    @Test
    void whenThePartialWriteCannotBeRemovedTheLogGoesOfflineForWritesButStaysReadable() throws Exception {
        try (TestBatches batches = new TestBatches()) {
            PartitionLog log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock, fullDisk);
            log.append(batches.batch(0, 20), 0);
            space.set(10);
            truncateFails.set(true);
            assertThatThrownBy(() -> log.append(batches.batch(1, 20), 0))
                    .isInstanceOf(LogStorageException.class)
                    .satisfies(e -> assertThat(((LogStorageException) e).isLogOffline()).isTrue())
                    .hasMessageContaining("offline for writes");
            space.set(Long.MAX_VALUE);
            assertThatThrownBy(() -> log.append(batches.batch(2, 20), 0)).isInstanceOf(LogStorageException.class);
            assertThat(batches.verify(log.read(0, Long.MAX_VALUE, 1 << 20, null).batches().get(0))).isZero();
            assertThat(log.read(0, Long.MAX_VALUE, 1 << 20, null).batches()).hasSize(1);
            log.closeAbruptly();
            truncateFails.set(false);
            // Reopening cuts the partial batch the failed write left.
            try (PartitionLog reopened = PartitionLog.open(dir, config, TestBatches.SCHEMAS, clock)) {
                assertThat(reopened.logEndOffset()).isEqualTo(20);
                assertThat(reopened.append(batches.batch(3, 1), 0).firstOffset()).isEqualTo(20);
            }
        }
    }

    /** A channel over a disk with {@link #space} bytes left. */
    final class LimitedChannel extends FileChannel {
        private final FileChannel delegate;

        LimitedChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        private int limited(ByteBuffer src, long position) throws IOException {
            long left = space.get();
            if (src.remaining() <= left) {
                int n = delegate.write(src, position);
                space.addAndGet(-n);
                return n;
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) left);
            int n = delegate.write(part, position);
            src.position(src.position() + n);
            space.set(0);
            throw new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return limited(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = limited(src, delegate.position());
            delegate.position(delegate.position() + n);
            return n;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (truncateFails.get()) {
                throw new IOException("Input/output error");
            }
            delegate.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }
}
