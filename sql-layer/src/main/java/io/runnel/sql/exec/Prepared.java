package io.runnel.sql.exec;

import io.runnel.sql.prepare.PreparedQuery;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * A statement ready to execute, of one of three kinds. Immutable; executions share it.
 */
public sealed interface Prepared permits Prepared.Query, Prepared.Rows, Prepared.Update {
    String sql();

    List<ColumnMetaData> columns();

    List<AvaticaParameter> parameters();

    Meta.StatementType statementType();

    /** A query Calcite runs: SELECT, VALUES, EXPLAIN, with or without EMIT CHANGES. */
    record Query(String sql, PreparedQuery query) implements Prepared {
        @Override
        public List<ColumnMetaData> columns() {
            return query.columns();
        }

        @Override
        public List<AvaticaParameter> parameters() {
            return query.parameters();
        }

        @Override
        public Meta.StatementType statementType() {
            return Meta.StatementType.SELECT;
        }
    }

    /** A statement whose rows Runnel computes itself (SHOW TOPICS, DESCRIBE); rows in wire form. */
    record Rows(String sql, List<ColumnMetaData> columns, Supplier<List<List<Object>>> rows) implements Prepared {
        @Override
        public List<AvaticaParameter> parameters() {
            return List.of();
        }

        @Override
        public Meta.StatementType statementType() {
            return Meta.StatementType.SELECT;
        }
    }

    /** A statement that changes something and returns an update count (INSERT, DDL, CANCEL QUERY). */
    record Update(String sql, Meta.StatementType statementType, List<AvaticaParameter> parameters, Action action)
            implements Prepared {
        @Override
        public List<ColumnMetaData> columns() {
            return List.of();
        }
    }

    /** Runs an {@link Update} once per parameter set, returning one count per set. */
    @FunctionalInterface
    interface Action {
        long[] execute(List<List<TypedValue>> parameterSets, QueryControl control);
    }
}
