package io.runnel.storage.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Compresses one Arrow body buffer at a time into the Arrow compressed-buffer form: an int64
 * uncompressed length, then the compressed bytes; or {@code -1} and the raw bytes when compression
 * does not make the buffer smaller. Holds a native zstd context: reuse one per builder, and
 * {@link #close()} it. Not thread-safe.
 */
final class BufferCompressor implements AutoCloseable {
    private final Compression compression;
    private final ZstdCompressCtx zstd;

    BufferCompressor(Compression compression) {
        this.compression = compression;
        if (compression.codec() == Compression.Codec.ZSTD) {
            zstd = new ZstdCompressCtx();
            zstd.setLevel(compression.level());
            zstd.setChecksum(false);
            zstd.setContentSize(true);
        } else {
            zstd = null;
        }
    }

    Compression compression() {
        return compression;
    }

    /**
     * Appends the body form of {@code src[off, off+len)} to {@code out} and returns the number of
     * bytes appended (the Arrow {@code Buffer.length}). An empty buffer stays empty.
     */
    int compress(byte[] src, int off, int len, ByteSink out) {
        if (len == 0) {
            return 0;
        }
        switch (compression.codec()) {
            case NONE -> {
                out.put(src, off, len);
                return len;
            }
            case ZSTD -> {
                int start = out.size();
                int bound = (int) Zstd.compressBound(len);
                out.ensureRemaining(BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX + bound);
                int written = zstd.compressByteArray(out.array(), start + BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX,
                        bound, src, off, len);
                if (written >= len) {
                    return storeRaw(src, off, len, out);
                }
                LittleEndian.putLong(out.array(), start, len);
                out.advance(BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX + written);
                return BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX + written;
            }
            case LZ4_FRAME -> {
                int start = out.size();
                out.putLong(len);
                try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB,
                        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE)) {
                    lz4.write(src, off, len);
                } catch (IOException e) {
                    throw new UncheckedIOException("LZ4 frame into memory", e);
                }
                int written = out.size() - start;
                if (written - BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX >= len) {
                    out.reset(start);
                    return storeRaw(src, off, len, out);
                }
                return written;
            }
            default -> throw new AssertionError(compression);
        }
    }

    private static int storeRaw(byte[] src, int off, int len, ByteSink out) {
        out.putLong(BatchFormat.ARROW_NOT_COMPRESSED);
        out.put(src, off, len);
        return BatchFormat.ARROW_UNCOMPRESSED_LENGTH_PREFIX + len;
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
        }
    }
}
