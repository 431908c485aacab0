package io.runnel.storage.format;

import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Turns one Arrow body buffer back into its plain bytes. Holds a native zstd context: keep one per
 * reading thread and {@link #close()} it. Not thread-safe.
 */
final class BufferDecompressor implements AutoCloseable {
    private ZstdDecompressCtx zstd;

    /**
     * The plain bytes of the buffer at {@code batch[position, position+length)}. Without a codec, a
     * heap batch is not copied: the slice points into its array.
     *
     * @throws CorruptBatchException when the bytes do not decompress to the length they announce
     */
    BufferSlice decompress(ByteBuffer batch, int position, int length, Compression.Codec codec) {
        if (length == 0) {
            return BufferSlice.EMPTY;
        }
        if (codec == Compression.Codec.NONE) {
            return raw(batch, position, length);
        }
        if (length < BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX) {
            throw new CorruptBatchException("compressed buffer at body position " + position + " has " + length
                    + " bytes, fewer than the " + BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX
                    + "-byte uncompressed-length prefix");
        }
        long uncompressed = batch.getLong(position);
        int dataPosition = position + BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX;
        int dataLength = length - BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX;
        if (uncompressed == BatchFormat.ARROW_NOT_COMPRESSED) {
            return raw(batch, dataPosition, dataLength);
        }
        if (uncompressed < 0 || uncompressed > Integer.MAX_VALUE - 16) {
            throw new CorruptBatchException("buffer at position " + position + " announces uncompressed length "
                    + uncompressed);
        }
        byte[] out = new byte[(int) uncompressed];
        if (uncompressed == 0) {
            return new BufferSlice(out, 0, 0);
        }
        int produced;
        if (codec == Compression.Codec.ZSTD) {
            if (zstd == null) {
                zstd = new ZstdDecompressCtx();
            }
            try {
                if (batch.hasArray()) {
                    produced = zstd.decompressByteArray(out, 0, out.length, batch.array(),
                            batch.arrayOffset() + dataPosition, dataLength);
                } else {
                    produced = zstd.decompressDirectByteBufferToByteArray(out, 0, out.length, batch, dataPosition,
                            dataLength);
                }
            } catch (RuntimeException e) {
                throw new CorruptBatchException("zstd buffer at position " + position + " does not decompress: "
                        + e.getMessage(), e);
            }
        } else {
            produced = lz4Frame(batch, dataPosition, dataLength, out);
        }
        if (produced != out.length) {
            throw new CorruptBatchException("buffer at position " + position + " decompresses to " + produced
                    + " bytes, its prefix announces " + uncompressed);
        }
        return new BufferSlice(out, 0, out.length);
    }

    private static BufferSlice raw(ByteBuffer batch, int position, int length) {
        if (batch.hasArray()) {
            return new BufferSlice(batch.array(), batch.arrayOffset() + position, length);
        }
        byte[] copy = new byte[length];
        batch.get(position, copy);
        return new BufferSlice(copy, 0, length);
    }

    private static int lz4Frame(ByteBuffer batch, int position, int length, byte[] out) {
        InputStream source;
        if (batch.hasArray()) {
            source = new ByteArrayInputStream(batch.array(), batch.arrayOffset() + position, length);
        } else {
            byte[] copy = new byte[length];
            batch.get(position, copy);
            source = new ByteArrayInputStream(copy);
        }
        try (LZ4FrameInputStream in = new LZ4FrameInputStream(source)) {
            int n = 0;
            while (n < out.length) {
                int r = in.read(out, n, out.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n == out.length && in.read() >= 0) {
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            throw new CorruptBatchException("LZ4 frame buffer at position " + position + " does not decompress: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
            zstd = null;
        }
    }
}
