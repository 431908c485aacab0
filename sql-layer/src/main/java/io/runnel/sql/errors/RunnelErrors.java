package io.runnel.sql.errors;

import io.runnel.engine.SqlStates;
import java.util.Locale;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * The catalog of every error the SQL layer raises to a user (design note 0003 §6): one method per
 * situation, fixing its SQLSTATE (DESIGN.md §3) and a message that names the object, the expected
 * and the actual value, and, when the error is about statement text, where it is
 * ("From line 1, column 15 to line 1, column 20: ..." as Calcite's validator writes it).
 *
 * <p>Errors raised by Calcite, the parser and the engine are translated into the same form by
 * {@link ErrorTranslator}. Stateless and thread-safe.
 */
public final class RunnelErrors {
    /** SQLSTATE 42P18: the type of a {@code ?} parameter cannot be determined. */
    public static final String INDETERMINATE_DATATYPE = "42P18";
    /** SQLSTATE 42883: no function matches the name and argument types. */
    public static final String UNDEFINED_FUNCTION = "42883";
    /** SQLSTATE 42702: a column reference is ambiguous. */
    public static final String AMBIGUOUS_COLUMN = "42702";
    /** SQLSTATE 42601 (syntax), also used for "wrong number of values". */
    public static final String SYNTAX_ERROR = SqlStates.SYNTAX_ERROR;
    /** SQLSTATE 24000: the cursor (statement result) is gone. */
    public static final String INVALID_CURSOR_STATE = "24000";
    /** SQLSTATE 26000: the prepared statement is unknown. */
    public static final String INVALID_SQL_STATEMENT_NAME = "26000";
    /** SQLSTATE 08003: the connection does not exist (closed or expired). */
    public static final String CONNECTION_DOES_NOT_EXIST = "08003";
    /** SQLSTATE 54000: a statement exceeds a configured program limit (its size). */
    public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
    /** SQLSTATE 42809: the object is of the wrong kind for the operation (a system table in DDL). */
    public static final String WRONG_OBJECT_TYPE = "42809";
    /** SQLSTATE 0A000. */
    public static final String FEATURE_NOT_SUPPORTED = SqlStates.FEATURE_NOT_SUPPORTED;

    private RunnelErrors() {}

    /** An error with this SQLSTATE and message (the generic entry, used by the translator). */
    public static RunnelSqlException of(String sqlState, String message, Throwable cause) {
        return new RunnelSqlException(sqlState, message, cause);
    }

    /** Prefixes a message with where in the statement it applies, as Calcite's validator does. */
    public static String at(SqlParserPos pos, String message) {
        if (pos == null || pos.getLineNum() <= 0 || message.startsWith("From line ") || message.startsWith("At line ")) {
            return message;
        }
        if (pos.getLineNum() == pos.getEndLineNum() && pos.getColumnNum() == pos.getEndColumnNum()) {
            return String.format(Locale.ROOT, "At line %d, column %d: %s", pos.getLineNum(), pos.getColumnNum(), message);
        }
        return String.format(Locale.ROOT, "From line %d, column %d to line %d, column %d: %s",
                pos.getLineNum(), pos.getColumnNum(), pos.getEndLineNum(), pos.getEndColumnNum(), message);
    }

    // ---- statements -----------------------------------------------------------------------------

    public static RunnelSqlException unsupportedStatement(String what, SqlParserPos pos) {
        return new RunnelSqlException(FEATURE_NOT_SUPPORTED, at(pos, what), null);
    }

    public static RunnelSqlException updateNotSupported(String statement, SqlParserPos pos) {
        return new RunnelSqlException(FEATURE_NOT_SUPPORTED, at(pos, statement
                + " is not supported: a topic is an append-only log; write corrections as new rows with INSERT"), null);
    }

    public static RunnelSqlException emitFinalNotSupported(SqlParserPos pos) {
        return new RunnelSqlException(FEATURE_NOT_SUPPORTED, at(pos,
                "EMIT FINAL is not supported yet: Runnel has no streaming window operator; use EMIT CHANGES"), null);
    }

    /** A user statement names a broker-internal topic ({@code __consumer_offsets}) to change it. */
    public static RunnelSqlException internalTopic(String name, String action, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.INSUFFICIENT_PRIVILEGE, at(pos, "Topic '" + name
                + "' is internal to Runnel (it holds committed consumer-group offsets): " + action
                + " it is not permitted; use ALTER CONSUMER GROUP ... RESET OFFSETS to move a group's offsets"), null);
    }

    public static RunnelSqlException unknownPartition(int partition, String topic, int partitions, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.INVALID_PARAMETER_VALUE, at(pos, "Partition " + partition
                + " does not exist in topic '" + topic + "' (partitions 0 to " + (partitions - 1) + ")"), null);
    }

    public static RunnelSqlException streamingOperatorNotSupported(String operator) {
        return new RunnelSqlException(FEATURE_NOT_SUPPORTED, "EMIT CHANGES does not support " + operator
                + " yet: an unbounded query may project, filter and LIMIT the rows of one topic;"
                + " run it as a bounded query (without EMIT CHANGES) over the snapshot instead", null);
    }

    public static RunnelSqlException statementTooLarge(long chars, long maxChars) {
        return new RunnelSqlException(PROGRAM_LIMIT_EXCEEDED, "Statement of " + chars + " characters exceeds the limit of "
                + maxChars + " (server setting max_statement_chars); use a PreparedStatement with executeBatch for bulk inserts", null);
    }

    public static RunnelSqlException tooManyRows(String what, long rows, long maxRows) {
        return new RunnelSqlException(PROGRAM_LIMIT_EXCEEDED, what + " of " + rows + " rows exceeds the limit of " + maxRows
                + " rows per statement (server setting max_insert_rows)", null);
    }

    public static RunnelSqlException emptyStatement() {
        return new RunnelSqlException(SYNTAX_ERROR, "Empty statement: there is no SQL to run", null);
    }

    public static RunnelSqlException notAQuery(String statementKind) {
        return new RunnelSqlException("42809", statementKind + " does not return rows: use execute or executeUpdate", null);
    }

    // ---- catalog ------------------------------------------------------------------------------

    public static RunnelSqlException unknownTopic(String name, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.UNDEFINED_TABLE, at(pos, "Topic '" + name + "' does not exist"), null);
    }

    /** The topic a prepared statement refers to was dropped (and perhaps created again) since. */
    public static RunnelSqlException topicGone(String name) {
        return new RunnelSqlException(SqlStates.UNDEFINED_TABLE, "Topic '" + name
                + "' was dropped after the statement was prepared (a topic created again under the name is another topic);"
                + " prepare the statement again", null);
    }

    public static RunnelSqlException unknownColumn(String column, String topic, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.UNDEFINED_COLUMN,
                at(pos, "Column '" + column + "' not found in topic '" + topic + "'"), null);
    }

    public static RunnelSqlException systemColumnNotWritable(String column, SqlParserPos pos) {
        return new RunnelSqlException("428C9", at(pos, "Column '" + column
                + "' is a system column set by the broker; INSERT cannot write it"), null);
    }

    public static RunnelSqlException duplicateInsertColumn(String column, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.DUPLICATE_COLUMN,
                at(pos, "Column '" + column + "' appears more than once in the INSERT column list"), null);
    }

    public static RunnelSqlException systemTableReadOnly(String table, SqlParserPos pos) {
        return new RunnelSqlException(WRONG_OBJECT_TYPE, at(pos, "'" + table + "' is a system table; it is read-only"), null);
    }

    public static RunnelSqlException unknownQuery(String queryId) {
        return new RunnelSqlException(SqlStates.UNDEFINED_OBJECT, "Query '" + queryId
                + "' is not running (see SELECT * FROM sys.queries)", null);
    }

    public static RunnelSqlException invalidColumnType(String column, String type, String reason, SqlParserPos pos) {
        return new RunnelSqlException(FEATURE_NOT_SUPPORTED,
                at(pos, "Column '" + column + "': type " + type + " is not supported: " + reason), null);
    }

    // ---- values -------------------------------------------------------------------------------

    public static RunnelSqlException valueCount(int expected, int actual, int row, SqlParserPos pos) {
        return new RunnelSqlException(SYNTAX_ERROR, at(pos, "Row " + row + " has " + actual + " values, expected "
                + expected + " (one per target column)"), null);
    }

    public static RunnelSqlException notNull(String column, String topic, long row) {
        return new RunnelSqlException(SqlStates.NOT_NULL_VIOLATION, "NULL in column '" + column + "' of topic '" + topic
                + "', row " + row + ": the column is NOT NULL", null);
    }

    public static RunnelSqlException missingNotNullColumn(String column, String topic, SqlParserPos pos) {
        return new RunnelSqlException(SqlStates.NOT_NULL_VIOLATION, at(pos, "Column '" + column + "' of topic '" + topic
                + "' is NOT NULL and has no default: the INSERT must give it a value"), null);
    }

    public static RunnelSqlException stringTooLong(String column, int maxChars, int actualChars, long row) {
        return new RunnelSqlException(SqlStates.STRING_TOO_LONG, "Value too long for column '" + column + "' (row " + row
                + "): expected at most " + maxChars + " characters, got " + actualChars, null);
    }

    public static RunnelSqlException binaryTooLong(String column, int maxBytes, int actualBytes, long row) {
        return new RunnelSqlException(SqlStates.STRING_TOO_LONG, "Value too long for column '" + column + "' (row " + row
                + "): expected at most " + maxBytes + " bytes, got " + actualBytes, null);
    }

    public static RunnelSqlException outOfRange(String column, String type, String value, long row) {
        return new RunnelSqlException(SqlStates.NUMERIC_OUT_OF_RANGE, "Value " + value + " is out of range for column '"
                + column + "' of type " + type + " (row " + row + ")", null);
    }

    public static RunnelSqlException invalidText(String column, String type, String text, long row) {
        return new RunnelSqlException(SqlStates.INVALID_CHARACTER_VALUE_FOR_CAST, "Invalid " + type + " value '"
                + abbreviate(text) + "' for column '" + column + "' (row " + row + ")", null);
    }

    public static RunnelSqlException invalidDatetime(String column, String type, String text, long row) {
        return new RunnelSqlException(SqlStates.INVALID_DATETIME_FORMAT, "Invalid " + type + " value '"
                + abbreviate(text) + "' for column '" + column + "' (row " + row + "); expected "
                + datetimeFormat(type), null);
    }

    public static RunnelSqlException typeMismatch(String column, String columnType, String valueType, long row) {
        return new RunnelSqlException(SqlStates.DATATYPE_MISMATCH, "Column '" + column + "' is of type " + columnType
                + " but the value (row " + row + ") is of type " + valueType, null);
    }

    public static RunnelSqlException unboundParameter(int index) {
        return new RunnelSqlException("07001", "No value given for parameter " + (index + 1), null);
    }

    public static RunnelSqlException parameterCount(int expected, int actual) {
        return new RunnelSqlException("07001", "Statement has " + expected + " parameters, " + actual + " values were given", null);
    }

    // ---- execution ----------------------------------------------------------------------------

    public static RunnelSqlException cancelled(String queryId, String why) {
        return new RunnelSqlException(SqlStates.QUERY_CANCELED, "Query " + queryId + " was cancelled: " + why, null);
    }

    public static RunnelSqlException tooManyStreamingQueries(int max) {
        return new RunnelSqlException(SqlStates.INSUFFICIENT_RESOURCES, "Too many unbounded queries running: the limit is "
                + max + " (server setting max_streaming_queries); close some statements and try again", null);
    }

    public static RunnelSqlException tooManyConnections(int max) {
        return new RunnelSqlException(SqlStates.TOO_MANY_CONNECTIONS, "Too many connections: the limit is " + max
                + " (server setting max_connections)", null);
    }

    public static RunnelSqlException unknownConnection(String connectionId) {
        return new RunnelSqlException(CONNECTION_DOES_NOT_EXIST, "Connection " + connectionId
                + " does not exist: it was closed, or expired after being idle (server setting connection_idle_timeout_ms)", null);
    }

    public static RunnelSqlException invalidConnectionProperty(String key, String value, String expected) {
        return new RunnelSqlException("08001", "Invalid value '" + value + "' for connection property " + key + ": expected "
                + expected, null);
    }

    public static RunnelSqlException noResultSet(String statementId) {
        return new RunnelSqlException(INVALID_CURSOR_STATE, "Statement " + statementId + " has no open result", null);
    }

    public static RunnelSqlException internal(String what, Throwable cause) {
        return new RunnelSqlException(SqlStates.INTERNAL_ERROR, "Internal error: " + what
                + (cause == null ? "" : " (" + cause + ")"), cause);
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
