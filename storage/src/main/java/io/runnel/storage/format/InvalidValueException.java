package io.runnel.storage.format;

/**
 * A value handed to {@link BatchBuilder} does not fit its column. Names the column, the row (0-based
 * within the batch being built), what the column expects and what it got. The row being built is
 * left as it was before the failing call: fix the value, or {@link BatchBuilder#abortRow()}.
 */
public final class InvalidValueException extends BatchFormatException {
    private static final long serialVersionUID = 1L;

    /** What is wrong, with the SQLSTATE a SQL layer reports for it. */
    public enum Kind {
        /** NULL in a NOT NULL column: SQLSTATE 23502. */
        NOT_NULL("23502"),
        /** A string or binary value longer than the column allows: SQLSTATE 22001. */
        TOO_LONG("22001"),
        /** A number outside the column's range or precision: SQLSTATE 22003. */
        OUT_OF_RANGE("22003"),
        /** A DECIMAL value with more fractional digits than the scale: SQLSTATE 22003. */
        SCALE("22003"),
        /** A setter that does not match the column's type, or bytes that are not UTF-8: SQLSTATE 22000. */
        TYPE("22000");

        private final String sqlState;

        Kind(String sqlState) {
            this.sqlState = sqlState;
        }

        public String sqlState() {
            return sqlState;
        }
    }

    private final Kind kind;
    private final String column;
    private final int row;
    private final String expected;
    private final String actual;

    public InvalidValueException(Kind kind, String column, int row, String expected, String actual) {
        super("column " + column + ", row " + row + ": expected " + expected + ", got " + actual);
        this.kind = kind;
        this.column = column;
        this.row = row;
        this.expected = expected;
        this.actual = actual;
    }

    /** The same problem reported at another row number (a writer that numbers rows its own way). */
    InvalidValueException atRow(int otherRow) {
        InvalidValueException e = new InvalidValueException(kind, column, otherRow, expected, actual);
        e.setStackTrace(getStackTrace());
        return e;
    }

    public Kind kind() {
        return kind;
    }

    public String column() {
        return column;
    }

    public int row() {
        return row;
    }
}
