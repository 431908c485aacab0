package io.runnel.storage.format;

/**
 * A value cannot be assigned to a column under SQL's assignment rules ({@link ValueAssignment}).
 * Carries the SQLSTATE of DESIGN.md §3; the message names the column, the row and what was wrong,
 * and is the message users see whichever path (server INSERT or the driver's data path) found it.
 *
 * <p>Immutable.
 */
public final class AssignmentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** SQLSTATEs of the assignment rules. */
    public static final String NOT_NULL_VIOLATION = "23502";
    public static final String STRING_TOO_LONG = "22001";
    public static final String NUMERIC_OUT_OF_RANGE = "22003";
    public static final String INVALID_CHARACTER_VALUE_FOR_CAST = "22018";
    public static final String INVALID_DATETIME_FORMAT = "22007";
    public static final String DATATYPE_MISMATCH = "42804";

    private final String sqlState;

    public AssignmentException(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    static AssignmentException notNull(String column, String topic, long row) {
        return new AssignmentException(NOT_NULL_VIOLATION, "NULL in column '" + column + "' of topic '" + topic
                + "', row " + row + ": the column is NOT NULL");
    }

    static AssignmentException stringTooLong(String column, int maxChars, int actualChars, long row) {
        return new AssignmentException(STRING_TOO_LONG, "Value too long for column '" + column + "' (row " + row
                + "): expected at most " + maxChars + " characters, got " + actualChars);
    }

    static AssignmentException binaryTooLong(String column, int maxBytes, int actualBytes, long row) {
        return new AssignmentException(STRING_TOO_LONG, "Value too long for column '" + column + "' (row " + row
                + "): expected at most " + maxBytes + " bytes, got " + actualBytes);
    }

    static AssignmentException outOfRange(String column, String type, String value, long row) {
        return new AssignmentException(NUMERIC_OUT_OF_RANGE, "Value " + value + " is out of range for column '"
                + column + "' of type " + type + " (row " + row + ")");
    }

    static AssignmentException invalidText(String column, String type, String text, long row) {
        return new AssignmentException(INVALID_CHARACTER_VALUE_FOR_CAST, "Invalid " + type + " value '"
                + abbreviate(text) + "' for column '" + column + "' (row " + row + ")");
    }

    static AssignmentException invalidDatetime(String column, String type, String text, long row) {
        return new AssignmentException(INVALID_DATETIME_FORMAT, "Invalid " + type + " value '"
                + abbreviate(text) + "' for column '" + column + "' (row " + row + "); expected "
                + datetimeFormat(type));
    }

    static AssignmentException typeMismatch(String column, String columnType, String valueType, long row) {
        return new AssignmentException(DATATYPE_MISMATCH, "Column '" + column + "' is of type " + columnType
                + " but the value (row " + row + ") is of type " + valueType);
    }

    private static String datetimeFormat(String type) {
        return switch (type) {
            case "DATE" -> "yyyy-mm-dd";
            case "TIME" -> "hh:mm:ss[.fff]";
            case "TIMESTAMP WITH LOCAL TIME ZONE" -> "yyyy-mm-dd hh:mm:ss[.fff][+hh:mm|Z]";
            default -> "yyyy-mm-dd hh:mm:ss[.fff]";
        };
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }
}
