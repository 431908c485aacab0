package io.runnel.replication.transport.netty;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.runnel.storage.log.LogSlice;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * Batches of a segment file sent to a socket with {@code FileChannel.transferTo} ({@code sendfile}):
 * zero copy through the JVM heap. Unlike Netty's {@code DefaultFileRegion}, releasing it never closes
 * the file channel, which belongs to the segment and its other readers. If retention or truncation
 * deletes the segment meanwhile, the transfer fails and the connection is closed (the follower
 * retries); a segment cut short meanwhile fails with {@link EOFException} rather than send short.
 *
 * <p>Not thread-safe: Netty writes it from the channel's event loop.
 */
final class SliceRegion extends AbstractReferenceCounted implements FileRegion {
    private final LogSlice slice;
    private long transferred;

    SliceRegion(LogSlice slice) {
        this.slice = slice;
    }

    @Override
    public long position() {
        return slice.position();
    }

    @Override
    public long count() {
        return slice.sizeInBytes();
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long remaining = count() - position;
        if (remaining <= 0) {
            return 0;
        }
        long n = slice.channel().transferTo(slice.position() + position, remaining, target);
        if (n == 0 && slice.channel().size() < slice.position() + count()) {
            throw new EOFException(slice.file() + " was cut to " + slice.channel().size() + " bytes while "
                    + (slice.position() + count()) + " were being sent");
        }
        transferred += n;
        return n;
    }

    @Override
    protected void deallocate() {
        // The channel is the segment's: nothing to release.
    }

    @Override
    public SliceRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public SliceRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public SliceRegion touch() {
        return this;
    }

    @Override
    public SliceRegion touch(Object hint) {
        return this;
    }
}
