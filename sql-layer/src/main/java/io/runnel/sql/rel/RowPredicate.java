package io.runnel.sql.rel;

import io.runnel.sql.adapter.SystemColumn;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Schema;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link ScanCondition} compiled for one scan: tests a row of a decoded batch without building
 * it. SQL's three-valued logic as a {@code WHERE} clause applies it: a comparison with a NULL value
 * is not true, so the row is dropped.
 *
 * <p>Immutable; {@link #test} is safe from any thread.
 */
abstract class RowPredicate {
    /** Whether the row passes. {@code timestampMs} is the row's {@code _timestamp}. */
    abstract boolean test(DecodedBatch batch, int row, int partition, long timestampMs);

    static RowPredicate compile(ScanCondition c, Schema schema) {
        int userColumns = schema.columnCount();
        if (c.field() >= userColumns) {
            SystemColumn system = SystemColumn.values()[c.field() - userColumns];
            LongTest test = longTest(c);
            return switch (system) {
                case PARTITION -> new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        return test.test(partition);
                    }
                };
                case OFFSET -> new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        return test.test(batch.offset(row));
                    }
                };
                case TIMESTAMP -> new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        return test.test(ts);
                    }
                };
            };
        }
        int col = c.field();
        ColumnType type = schema.column(col).type();
        if (c.op() == ScanCondition.Op.IS_NULL || c.op() == ScanCondition.Op.IS_NOT_NULL) {
            boolean wantNull = c.op() == ScanCondition.Op.IS_NULL;
            return new RowPredicate() {
                @Override
                boolean test(DecodedBatch batch, int row, int partition, long ts) {
                    return batch.isNull(col, row) == wantNull;
                }
            };
        }
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER, DATE, TIME -> {
                LongTest test = longTest(c);
                yield new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        return !batch.isNull(col, row) && test.test(batch.getInt(col, row));
                    }
                };
            }
            case BIGINT, TIMESTAMP, TIMESTAMP_LTZ -> {
                LongTest test = longTest(c);
                yield new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        return !batch.isNull(col, row) && test.test(batch.getLong(col, row));
                    }
                };
            }
            case REAL, DOUBLE -> {
                double[] values = c.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
                ScanCondition.Op op = c.op();
                yield new RowPredicate() {
                    @Override
                    boolean test(DecodedBatch batch, int row, int partition, long ts) {
                        if (batch.isNull(col, row)) {
                            return false;
                        }
                        double v = batch.getDouble(col, row);
                        if (op == ScanCondition.Op.IN) {
                            for (double x : values) {
                                if (Double.compare(v, x) == 0) {
                                    return true;
                                }
                            }
                            return false;
                        }
                        return holds(op, Double.compare(v, values[0]));
                    }
                };
            }
            case DECIMAL -> objectPredicate(c, col, (batch, row) -> batch.getDecimal(col, row));
            case VARCHAR -> objectPredicate(c, col, (batch, row) -> batch.getString(col, row));
            case BOOLEAN -> objectPredicate(c, col, (batch, row) -> batch.getBoolean(col, row));
            case VARBINARY -> throw new IllegalArgumentException("VARBINARY conditions are not pushed into scans: " + c);
        };
    }

    private interface Getter {
        Object get(DecodedBatch batch, int row);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static RowPredicate objectPredicate(ScanCondition c, int col, Getter getter) {
        ScanCondition.Op op = c.op();
        List<Comparable<?>> values = c.values();
        Set<Object> in = new HashSet<>();
        for (Comparable<?> v : values) {
            in.add(v instanceof BigDecimal bd ? bd.stripTrailingZeros() : v);
        }
        Comparable first = values.isEmpty() ? null : values.get(0);
        return new RowPredicate() {
            @Override
            boolean test(DecodedBatch batch, int row, int partition, long ts) {
                if (batch.isNull(col, row)) {
                    return false;
                }
                Object v = getter.get(batch, row);
                if (op == ScanCondition.Op.IN) {
                    return in.contains(v instanceof BigDecimal bd ? bd.stripTrailingZeros() : v);
                }
                return holds(op, ((Comparable) v).compareTo(first));
            }
        };
    }

    /** A comparison on a long-valued column (integers, dates, times, timestamps, system columns). */
    private interface LongTest {
        boolean test(long v);
    }

    private static LongTest longTest(ScanCondition c) {
        long[] values = c.values().stream().mapToLong(v -> ((Number) v).longValue()).toArray();
        return switch (c.op()) {
            case EQ -> v -> v == values[0];
            case NE -> v -> v != values[0];
            case LT -> v -> v < values[0];
            case LE -> v -> v <= values[0];
            case GT -> v -> v > values[0];
            case GE -> v -> v >= values[0];
            case IN -> v -> {
                for (long x : values) {
                    if (x == v) {
                        return true;
                    }
                }
                return false;
            };
            case IS_NULL -> v -> false;
            case IS_NOT_NULL -> v -> true;
        };
    }

    static boolean holds(ScanCondition.Op op, int cmp) {
        return switch (op) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            default -> throw new IllegalArgumentException(op.name());
        };
    }
}
