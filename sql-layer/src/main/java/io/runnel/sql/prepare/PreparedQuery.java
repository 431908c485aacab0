package io.runnel.sql.prepare;

import io.runnel.sql.exec.QueryControl;
import io.runnel.storage.format.Column;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.schema.SchemaPlus;

/**
 * A query (SELECT, EXPLAIN, VALUES, a query with EMIT CHANGES) planned and compiled, ready to run any
 * number of times with different parameter values.
 *
 * <p>Immutable and thread-safe: every {@link #bind} creates its own run-time context.
 *
 * @param streaming whether the query is unbounded ({@code EMIT CHANGES} / {@code SELECT STREAM})
 * @param rowType the result's fields
 * @param columns the result's JDBC description
 * @param parameters the {@code ?} parameters' JDBC description, in order
 * @param parameterColumns per parameter, the column type its values are coerced to (as an INSERT
 *     would), or null when the type is not one a column can have (values then pass unchanged)
 * @param bindable Calcite's compiled plan
 * @param stashed values the compiled plan reads from its context
 * @param storedScan the plan as a bare topic scan the data path serves as stored batches, or null
 */
public record PreparedQuery(
        String sql,
        boolean streaming,
        RelDataType rowType,
        List<ColumnMetaData> columns,
        List<AvaticaParameter> parameters,
        List<Column> parameterColumns,
        Bindable<?> bindable,
        Map<String, Object> stashed,
        SchemaPlus rootSchema,
        JavaTypeFactory typeFactory,
        io.runnel.sql.rel.StoredScanPlan storedScan) {

    /**
     * The rows of one execution, in Calcite's internal representation, each an {@code Object[]} of
     * {@code rowType}'s fields.
     *
     * @param parameters values in internal representation, one per parameter
     */
    @SuppressWarnings("unchecked")
    public Enumerable<Object[]> bind(Object[] parameters, ZoneId sessionZone, long nowMs, QueryControl control) {
        QueryDataContext context = new QueryDataContext(rootSchema, typeFactory, sessionZone, nowMs, parameters, stashed,
                control);
        Enumerable<Object> rows = (Enumerable<Object>) bindable.bind(context);
        int fieldCount = rowType.getFieldCount();
        return rows.select(row -> row instanceof Object[] array && (fieldCount != 1 || array.length == 1)
                ? array : new Object[] {row});
    }
}
