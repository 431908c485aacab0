package io.runnel.replication.protocol;

import io.runnel.storage.log.LogSlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The raw batches of one partition in a fetch response: on the leader a {@link Slice} of a segment
 * file (sent with zero copy), on the follower the received {@link Bytes}.
 */
public sealed interface Records {
    Records EMPTY = new Bytes(ByteBuffer.allocate(0));

    int sizeInBytes();

    /** The batches in a buffer (a slice is read from its file: for in-process transports and tests). */
    ByteBuffer toByteBuffer();

    static Records of(LogSlice slice) {
        return slice == null ? EMPTY : new Slice(slice);
    }

    /** Batches still in a segment file. */
    record Slice(LogSlice slice) implements Records {
        @Override
        public int sizeInBytes() {
            return slice.sizeInBytes();
        }

        @Override
        public ByteBuffer toByteBuffer() {
            ByteBuffer out = ByteBuffer.allocate(slice.sizeInBytes());
            try {
                while (out.hasRemaining()) {
                    int n = slice.channel().read(out, slice.position() + out.position());
                    if (n < 0) {
                        throw new java.io.EOFException(slice.file() + " ends before " + (slice.position() + slice.sizeInBytes()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + slice.file() + ": " + e, e);
            }
            return out.flip();
        }
    }

    /** Batches in memory. */
    record Bytes(ByteBuffer buffer) implements Records {
        @Override
        public int sizeInBytes() {
            return buffer.remaining();
        }

        @Override
        public ByteBuffer toByteBuffer() {
            return buffer.duplicate();
        }
    }
}
