package io.runnel.sql.rel;

import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.type.ValueCoercer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Where a topic scan starts and stops, derived from its {@link ScanCondition}s on system columns:
 * which partitions it reads ({@code _partition = / IN / < / > ...}), the first offset of each
 * ({@code _offset >= / > / =}), the last ({@code _offset <= / < / =}), and the first append time
 * ({@code _timestamp >= / > / =}). The conditions themselves are still evaluated on every row, so
 * a seek only saves work; it never changes the result.
 *
 * <p>Immutable.
 *
 * @param partitions the partitions named by equality or IN, or null for no such restriction
 * @param minPartition smallest partition a range allows (0 when unrestricted)
 * @param maxPartition largest partition a range allows ({@link Integer#MAX_VALUE} when unrestricted)
 * @param fromOffset first offset to read in each partition, or -1 for the default start
 * @param toOffset last offset to read in each partition (inclusive), or {@link Long#MAX_VALUE}
 * @param fromTimestampMs first {@code _timestamp} to read, or {@link Long#MIN_VALUE}
 */
public record SeekPlan(TreeSet<Integer> partitions, int minPartition, int maxPartition, long fromOffset, long toOffset,
        long fromTimestampMs) {

    /** No seek: every partition, from the default start. */
    public static final SeekPlan NONE = new SeekPlan(null, 0, Integer.MAX_VALUE, -1, Long.MAX_VALUE, Long.MIN_VALUE);

    /** The seeks implied by {@code conditions} on the system columns of a table with {@code userColumns} user columns. */
    public static SeekPlan of(List<ScanCondition> conditions, int userColumns) {
        TreeSet<Integer> partitions = null;
        long minPartition = 0;
        long maxPartition = Integer.MAX_VALUE;
        long fromOffset = -1;
        long toOffset = Long.MAX_VALUE;
        long fromTs = Long.MIN_VALUE;
        for (ScanCondition c : conditions) {
            int i = c.field() - userColumns;
            if (i < 0) {
                continue;
            }
            SystemColumn column = SystemColumn.values()[i];
            switch (column) {
                case PARTITION -> {
                    switch (c.op()) {
                        case EQ, IN -> {
                            TreeSet<Integer> set = new TreeSet<>();
                            for (Comparable<?> v : c.values()) {
                                set.add(((Number) v).intValue());
                            }
                            if (partitions != null) {
                                set.retainAll(partitions);
                            }
                            partitions = set;
                        }
                        case GE -> minPartition = Math.max(minPartition, number(c));
                        case GT -> minPartition = Math.max(minPartition, number(c) + 1);
                        case LE -> maxPartition = Math.min(maxPartition, number(c));
                        case LT -> maxPartition = Math.min(maxPartition, number(c) - 1);
                        default -> { }
                    }
                }
                case OFFSET -> {
                    switch (c.op()) {
                        case EQ, IN -> {
                            long min = Long.MAX_VALUE;
                            long max = Long.MIN_VALUE;
                            for (Comparable<?> v : c.values()) {
                                long x = ((Number) v).longValue();
                                min = Math.min(min, x);
                                max = Math.max(max, x);
                            }
                            fromOffset = Math.max(fromOffset, min);
                            toOffset = Math.min(toOffset, max);
                        }
                        case GE -> fromOffset = Math.max(fromOffset, number(c));
                        case GT -> fromOffset = Math.max(fromOffset, saturatedIncrement(number(c)));
                        case LE -> toOffset = Math.min(toOffset, number(c));
                        case LT -> toOffset = Math.min(toOffset, number(c) - 1);
                        default -> { }
                    }
                }
                case TIMESTAMP -> {
                    switch (c.op()) {
                        case EQ, GE -> fromTs = Math.max(fromTs, number(c));
                        case GT -> fromTs = Math.max(fromTs, saturatedIncrement(number(c)));
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        int min = (int) Math.max(0, Math.min(minPartition, Integer.MAX_VALUE));
        int max = (int) Math.max(-1, Math.min(maxPartition, Integer.MAX_VALUE));
        return new SeekPlan(partitions, min, max, fromOffset, toOffset, fromTs);
    }

    private static long number(ScanCondition c) {
        return ((Number) c.value()).longValue();
    }

    private static long saturatedIncrement(long v) {
        return v == Long.MAX_VALUE ? v : v + 1;
    }

    public boolean isNone() {
        return partitions == null && minPartition == 0 && maxPartition == Integer.MAX_VALUE && fromOffset < 0
                && toOffset == Long.MAX_VALUE && fromTimestampMs == Long.MIN_VALUE;
    }

    /** Whether partition {@code p} is read. */
    public boolean includes(int p) {
        return p >= minPartition && p <= maxPartition && (partitions == null || partitions.contains(p));
    }

    /** As EXPLAIN shows it, e.g. {@code partitions [2], _offset >= 1000}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (partitions != null) {
            parts.add("partitions " + partitions);
        }
        if (minPartition > 0 || maxPartition != Integer.MAX_VALUE) {
            parts.add("partitions " + minPartition + ".." + (maxPartition == Integer.MAX_VALUE ? "" : maxPartition));
        }
        if (fromOffset >= 0) {
            parts.add("_offset >= " + fromOffset);
        }
        if (toOffset != Long.MAX_VALUE) {
            parts.add("_offset <= " + toOffset);
        }
        if (fromTimestampMs != Long.MIN_VALUE) {
            parts.add("_timestamp >= " + ValueCoercer.timestampText(ValueCoercer.wallClock(fromTimestampMs)));
        }
        return String.join(", ", parts);
    }
}
