package io.runnel.sql.insert;

import io.runnel.engine.TopicInfo;
import io.runnel.sql.prepare.PreparedQuery;
import io.runnel.storage.format.Column;
import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;

/**
 * A prepared {@code INSERT}: the topic, which of its columns each value goes to, and where the
 * values come from — literal rows ({@link InsertCell}s, with {@link ExpressionBlock}s for
 * expressions) or a bounded query ({@code INSERT ... SELECT}).
 *
 * <p>Immutable and thread-safe: executions share it.
 *
 * @param topic the topic as it was when prepared (its current schema is the one written)
 * @param targets for each value of a row, the index of its column in the topic's schema
 * @param rows the VALUES rows, or empty for INSERT ... SELECT
 * @param blocks the compiled expression blocks the rows' {@link InsertCell.Deferred} cells refer to
 * @param select the source query of INSERT ... SELECT, or null
 * @param parameters the statement's {@code ?} parameters as JDBC describes them
 * @param parameterTypes per parameter, the column type its values are coerced to
 */
public record InsertPlan(
        String sql,
        TopicInfo topic,
        int[] targets,
        List<InsertCell[]> rows,
        List<ExpressionBlock> blocks,
        PreparedQuery select,
        List<AvaticaParameter> parameters,
        List<Column> parameterTypes) {

    /** Rows one execution writes from VALUES (an INSERT ... SELECT writes what its query returns). */
    public int valuesRowCount() {
        return rows.size();
    }

    /**
     * For the driver's data path: when the statement is {@code INSERT INTO t [(cols)] VALUES (?, ..., ?)}
     * — one row whose every value is a bare parameter, each used once — the index in the topic's
     * schema of the column each parameter (0-based) fills; else empty. Only such a statement can
     * have its rows built by a client: anything else (literals, expressions, several rows,
     * INSERT ... SELECT) needs the server to evaluate it.
     */
    public java.util.Optional<int[]> parameterColumns() {
        if (select != null || rows.size() != 1 || parameters.isEmpty()) {
            return java.util.Optional.empty();
        }
        InsertCell[] row = rows.get(0);
        int[] columns = new int[parameters.size()];
        java.util.Arrays.fill(columns, -1);
        for (int c = 0; c < row.length; c++) {
            if (!(row[c] instanceof InsertCell.Parameter p) || columns[p.index()] != -1) {
                return java.util.Optional.empty();
            }
            columns[p.index()] = targets[c];
        }
        for (int column : columns) {
            if (column < 0) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of(columns);
    }
}
