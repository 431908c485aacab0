package io.runnel.storage.format;

import java.util.Objects;

/**
 * How the Arrow buffers of a batch are compressed, each buffer on its own (Arrow's
 * {@code BodyCompression} with method BUFFER).
 *
 * @param codec the codec
 * @param level the zstd level (1..22, negative levels trade ratio for speed); 0 for other codecs
 */
public record Compression(Codec codec, int level) {

    /** Default zstd level: zstd's own default, the best ratio/speed trade-off for append. */
    public static final int DEFAULT_ZSTD_LEVEL = 3;

    public static final Compression NONE = new Compression(Codec.NONE, 0);
    public static final Compression ZSTD = new Compression(Codec.ZSTD, DEFAULT_ZSTD_LEVEL);
    public static final Compression LZ4_FRAME = new Compression(Codec.LZ4_FRAME, 0);

    public Compression {
        Objects.requireNonNull(codec, "codec");
        if (codec == Codec.ZSTD && (level < -131072 || level > 22 || level == 0)) {
            throw new IllegalArgumentException("zstd level " + level + " is outside -131072..-1, 1..22");
        }
        if (codec != Codec.ZSTD && level != 0) {
            throw new IllegalArgumentException(codec + " takes no level");
        }
    }

    public static Compression zstd(int level) {
        return new Compression(Codec.ZSTD, level);
    }

    /** The codecs a batch may use. {@link #id()} is stored in the batch attributes. */
    public enum Codec {
        NONE(0),
        ZSTD(1),
        /** The LZ4 frame format (not raw LZ4 blocks), as Arrow's IPC format specifies. */
        LZ4_FRAME(2);

        private final int id;

        Codec(int id) {
            this.id = id;
        }

        /** The value of the attribute bits {@link BatchFormat#COMPRESSION_CODEC_MASK}. */
        public int id() {
            return id;
        }

        /** @throws CorruptBatchException for an id no codec has */
        public static Codec ofId(int id) {
            return switch (id) {
                case 0 -> NONE;
                case 1 -> ZSTD;
                case 2 -> LZ4_FRAME;
                default -> throw new CorruptBatchException("unknown compression codec id " + id);
            };
        }
    }
}
