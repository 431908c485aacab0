package io.runnel.storage.format;

/**
 * The SQL types a topic column can have, and how each is laid out as an Arrow array.
 *
 * <table>
 *   <caption>SQL type to Arrow type</caption>
 *   <tr><th>type</th><th>Arrow type</th><th>value</th></tr>
 *   <tr><td>BOOLEAN</td><td>Bool</td><td>bit-packed</td></tr>
 *   <tr><td>TINYINT, SMALLINT, INTEGER, BIGINT</td><td>Int(8/16/32/64, signed)</td><td></td></tr>
 *   <tr><td>REAL, DOUBLE</td><td>FloatingPoint(SINGLE/DOUBLE)</td><td></td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>Decimal(p, s, 64) when p &le; 18, else Decimal(p, s, 128)</td><td>unscaled</td></tr>
 *   <tr><td>VARCHAR(n)</td><td>Utf8</td><td>UTF-8; n counts characters (code points)</td></tr>
 *   <tr><td>VARBINARY(n)</td><td>Binary</td><td>n counts bytes</td></tr>
 *   <tr><td>DATE</td><td>Date(DAY)</td><td>int32 days since 1970-01-01</td></tr>
 *   <tr><td>TIME</td><td>Time(MILLISECOND, 32)</td><td>int32 milliseconds of the day</td></tr>
 *   <tr><td>TIMESTAMP</td><td>Timestamp(MILLISECOND, no zone)</td><td>int64 ms since the epoch, wall clock</td></tr>
 *   <tr><td>TIMESTAMP_LTZ</td><td>Timestamp(MILLISECOND, "UTC")</td><td>int64 ms since the epoch, an instant</td></tr>
 * </table>
 */
public enum ColumnType {
    BOOLEAN(-1),
    TINYINT(1),
    SMALLINT(2),
    INTEGER(4),
    BIGINT(8),
    REAL(4),
    DOUBLE(8),
    /** Width depends on the precision: see {@link Column#fixedWidthBytes()}. */
    DECIMAL(8),
    VARCHAR(0),
    VARBINARY(0),
    DATE(4),
    TIME(4),
    TIMESTAMP(8),
    TIMESTAMP_LTZ(8);

    /** Largest DECIMAL precision stored as a 64-bit unscaled value (Arrow Decimal bitWidth 64). */
    public static final int MAX_DECIMAL64_PRECISION = 18;
    /** Largest DECIMAL precision Runnel accepts (Arrow Decimal bitWidth 128). */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private final int widthBytes;

    ColumnType(int widthBytes) {
        this.widthBytes = widthBytes;
    }

    /** Bytes per value of the data buffer: 0 for variable-length types, -1 for bit-packed BOOLEAN. */
    int defaultWidthBytes() {
        return widthBytes;
    }

    /** Whether values live in an offsets buffer plus a data buffer. */
    public boolean isVariableLength() {
        return this == VARCHAR || this == VARBINARY;
    }

    /** Whether values are whole numbers held in at most 64 bits (integers, DATE, TIME, timestamps). */
    public boolean isIntegral() {
        return switch (this) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ -> true;
            default -> false;
        };
    }
}
