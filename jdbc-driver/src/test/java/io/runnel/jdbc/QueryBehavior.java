package io.runnel.jdbc;

import java.util.List;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;

/** What {@link FakeServerMeta} does for one SQL text: the part of the Runnel server a test needs. */
interface QueryBehavior {
    List<ColumnMetaData> columns();

    default List<AvaticaParameter> parameters() {
        return List.of();
    }

    /** An update count for DML/DDL; -1 for a query. */
    default long updateCount() {
        return -1;
    }

    /** The rows of the execute response, or {@code null} for none. May block or throw. */
    Meta.Frame firstFrame(FakeServerMeta.Execution execution, int maxRows) throws InterruptedException;

    /** One fetch; may block (a long-poll) or throw. */
    Meta.Frame fetch(FakeServerMeta.Execution execution, long offset, int maxRows) throws InterruptedException;
}
