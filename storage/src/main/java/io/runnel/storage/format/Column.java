package io.runnel.storage.format;

import java.util.Objects;

/**
 * One column of a topic's schema.
 *
 * @param name      column name, unique within the schema
 * @param type      SQL type
 * @param precision VARCHAR/VARBINARY maximum length (characters / bytes; -1 = unbounded) or DECIMAL
 *                  precision (1..38); ignored (0) for other types
 * @param scale     DECIMAL scale (0..precision); 0 for other types
 * @param nullable  whether the column accepts NULL
 */
public record Column(String name, ColumnType type, int precision, int scale, boolean nullable) {

    /** Unbounded VARCHAR / VARBINARY. */
    public static final int UNBOUNDED = -1;

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("column name is empty");
        }
        switch (type) {
            case DECIMAL -> {
                if (precision < 1 || precision > ColumnType.MAX_DECIMAL_PRECISION) {
                    throw new IllegalArgumentException("column " + name + ": DECIMAL precision " + precision
                            + " is outside 1.." + ColumnType.MAX_DECIMAL_PRECISION);
                }
                if (scale < 0 || scale > precision) {
                    throw new IllegalArgumentException("column " + name + ": DECIMAL scale " + scale
                            + " is outside 0.." + precision);
                }
            }
            case VARCHAR, VARBINARY -> {
                if (precision != UNBOUNDED && precision < 1) {
                    throw new IllegalArgumentException("column " + name + ": " + type + " length " + precision
                            + " must be positive or -1 (unbounded)");
                }
                if (scale != 0) {
                    throw new IllegalArgumentException("column " + name + ": " + type + " has no scale");
                }
            }
            default -> {
                if (scale != 0) {
                    throw new IllegalArgumentException("column " + name + ": " + type + " has no scale");
                }
            }
        }
    }

    /** A column of a type without precision or scale. */
    public static Column of(String name, ColumnType type, boolean nullable) {
        int precision = type.isVariableLength() ? UNBOUNDED : 0;
        return new Column(name, type, precision, 0, nullable);
    }

    public static Column varchar(String name, int maxChars, boolean nullable) {
        return new Column(name, ColumnType.VARCHAR, maxChars, 0, nullable);
    }

    public static Column decimal(String name, int precision, int scale, boolean nullable) {
        return new Column(name, ColumnType.DECIMAL, precision, scale, nullable);
    }

    /**
     * Bytes per value in the Arrow data buffer: 1, 2, 4, 8 or 16; 0 for variable-length types and
     * -1 for bit-packed BOOLEAN.
     */
    public int fixedWidthBytes() {
        if (type == ColumnType.DECIMAL) {
            return precision <= ColumnType.MAX_DECIMAL64_PRECISION ? 8 : 16;
        }
        return type.defaultWidthBytes();
    }

    /** A readable form for messages: {@code amount DECIMAL(12,2) NOT NULL}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(' ').append(type);
        if (type == ColumnType.DECIMAL) {
            sb.append('(').append(precision).append(',').append(scale).append(')');
        } else if (type.isVariableLength() && precision != UNBOUNDED) {
            sb.append('(').append(precision).append(')');
        }
        if (!nullable) {
            sb.append(" NOT NULL");
        }
        return sb.toString();
    }
}
