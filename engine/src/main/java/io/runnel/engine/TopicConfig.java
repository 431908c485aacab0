package io.runnel.engine;

import io.runnel.engine.config.DataSizes;
import io.runnel.engine.config.Durations;
import io.runnel.storage.format.Compression;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A topic's options ({@code WITH (...)} of CREATE/ALTER TOPIC), typed and validated, with defaults.
 *
 * <table>
 *   <caption>Options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>partitions</td><td>1</td><td>number of partitions (ALTER may only grow it)</td></tr>
 *   <tr><td>replication_factor</td><td>1</td><td>replicas per partition</td></tr>
 *   <tr><td>min_insync_replicas</td><td>1</td><td>acks=all writes fail when fewer replicas are in sync</td></tr>
 *   <tr><td>retention</td><td>7 days</td><td>delete whole segments older than this ('forever' keeps all)</td></tr>
 *   <tr><td>retention_bytes</td><td>unlimited</td><td>per partition: delete oldest segments beyond this size</td></tr>
 *   <tr><td>segment_bytes</td><td>256MB</td><td>roll the active segment at this size</td></tr>
 *   <tr><td>segment_ms</td><td>7 days</td><td>roll the active segment at this age, even when idle</td></tr>
 *   <tr><td>compression</td><td>zstd</td><td>zstd, lz4 or none</td></tr>
 *   <tr><td>compression_level</td><td>3</td><td>zstd level, 1..22</td></tr>
 *   <tr><td>timestamp</td><td>append</td><td>'append' (leader's append time) or a TIMESTAMP column for event time</td></tr>
 *   <tr><td>unclean_leader_election</td><td>false</td><td>may an out-of-sync replica become leader (data loss)</td></tr>
 *   <tr><td>max_batch_bytes</td><td>16MB</td><td>largest batch a producer may append</td></tr>
 * </table>
 *
 * <p>Immutable.
 *
 * @param timestampColumn the event-time column's name, or {@code null} for append time
 */
public record TopicConfig(
        int partitions,
        int replicationFactor,
        int minInsyncReplicas,
        long retentionMs,
        long retentionBytes,
        long segmentBytes,
        long segmentMs,
        Compression compression,
        String timestampColumn,
        boolean uncleanLeaderElection,
        int maxBatchBytes) {

    public static final int MAX_PARTITIONS = 10_000;

    public static final TopicConfig DEFAULTS = new TopicConfig(
            1, 1, 1, 7 * 86_400_000L, DataSizes.UNLIMITED, 256L << 20, 7 * 86_400_000L,
            Compression.ZSTD, null, false, 16 << 20);

    /**
     * Applies {@code options} (keys case-insensitive) on top of {@code base}.
     *
     * @throws EngineException 22023 for an unknown option or a bad value, naming both
     */
    public TopicConfig with(Map<String, String> options) {
        int partitions = this.partitions;
        int replicationFactor = this.replicationFactor;
        int minInsync = this.minInsyncReplicas;
        long retentionMs = this.retentionMs;
        long retentionBytes = this.retentionBytes;
        long segmentBytes = this.segmentBytes;
        long segmentMs = this.segmentMs;
        Compression.Codec codec = this.compression.codec();
        Integer level = null;
        String timestampColumn = this.timestampColumn;
        boolean unclean = this.uncleanLeaderElection;
        int maxBatchBytes = this.maxBatchBytes;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            String value = e.getValue();
            switch (key) {
                case "partitions" -> partitions = intIn(key, value, 1, MAX_PARTITIONS);
                case "replication_factor" -> replicationFactor = intIn(key, value, 1, 100);
                case "min_insync_replicas" -> minInsync = intIn(key, value, 1, 100);
                case "retention" -> {
                    retentionMs = Durations.parseMs(key, value);
                    if (retentionMs == 0) {
                        throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                                "retention must be positive or 'forever', not '" + value + "'");
                    }
                }
                case "retention_bytes" -> retentionBytes = DataSizes.parseBytes(key, value);
                case "segment_bytes" -> segmentBytes = longIn(key, DataSizes.parseBytes(key, value), 1L << 20, 1L << 30);
                case "segment_ms" -> segmentMs = longIn(key, Durations.parseMs(key, value), 1_000, Long.MAX_VALUE);
                case "compression" -> codec = codec(value);
                case "compression_level" -> level = intIn(key, value, 1, 22);
                case "timestamp" -> timestampColumn =
                        value.trim().equalsIgnoreCase("append") ? null : value.trim();
                case "unclean_leader_election" -> unclean = bool(key, value);
                case "max_batch_bytes" -> maxBatchBytes =
                        (int) longIn(key, DataSizes.parseBytes(key, value), 1L << 10, 1L << 30);
                default -> throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                        "unknown topic option '" + e.getKey() + "' (known: " + String.join(", ", DEFAULTS.toOptions().keySet()) + ")");
            }
        }
        if (minInsync > replicationFactor) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                    "min_insync_replicas (" + minInsync + ") exceeds replication_factor (" + replicationFactor + ")");
        }
        Compression compression;
        if (codec == Compression.Codec.ZSTD) {
            compression = Compression.zstd(level != null ? level
                    : this.compression.codec() == Compression.Codec.ZSTD ? this.compression.level() : Compression.DEFAULT_ZSTD_LEVEL);
        } else {
            if (level != null) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                        "compression_level applies to zstd only, not " + codecName(codec));
            }
            compression = codec == Compression.Codec.NONE ? Compression.NONE : Compression.LZ4_FRAME;
        }
        return new TopicConfig(partitions, replicationFactor, minInsync, retentionMs, retentionBytes, segmentBytes,
                segmentMs, compression, timestampColumn, unclean, maxBatchBytes);
    }

    /**
     * Every option with its current value as text, in the documented order (DESCRIBE, sys.topics);
     * {@code compression_level} only with zstd. {@code DEFAULTS.with(c.toOptions())} equals {@code c}.
     */
    public Map<String, String> toOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("partitions", Integer.toString(partitions));
        m.put("replication_factor", Integer.toString(replicationFactor));
        m.put("min_insync_replicas", Integer.toString(minInsyncReplicas));
        m.put("retention", Durations.format(retentionMs));
        m.put("retention_bytes", DataSizes.format(retentionBytes));
        m.put("segment_bytes", DataSizes.format(segmentBytes));
        m.put("segment_ms", Durations.format(segmentMs));
        m.put("compression", codecName(compression.codec()));
        if (compression.codec() == Compression.Codec.ZSTD) {
            // Only zstd has levels; with() refuses compression_level for the other codecs.
            m.put("compression_level", Integer.toString(compression.level()));
        }
        m.put("timestamp", timestampColumn == null ? "append" : timestampColumn);
        m.put("unclean_leader_election", Boolean.toString(uncleanLeaderElection));
        m.put("max_batch_bytes", DataSizes.format(maxBatchBytes));
        return m;
    }

    private static String codecName(Compression.Codec codec) {
        return switch (codec) {
            case NONE -> "none";
            case ZSTD -> "zstd";
            case LZ4_FRAME -> "lz4";
        };
    }

    private static Compression.Codec codec(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "zstd" -> Compression.Codec.ZSTD;
            case "lz4", "lz4_frame" -> Compression.Codec.LZ4_FRAME;
            case "none", "uncompressed" -> Compression.Codec.NONE;
            default -> throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                    "invalid compression: '" + value + "' (expected zstd, lz4 or none)");
        };
    }

    private static int intIn(String key, String value, int min, int max) {
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                    key + " must be an integer, not '" + value + "'");
        }
        return (int) longIn(key, v, min, max);
    }

    private static long longIn(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                    key + " must be between " + min + " and " + max + ", not " + v);
        }
        return v;
    }

    private static boolean bool(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE,
                    key + " must be true or false, not '" + value + "'");
        };
    }
}
