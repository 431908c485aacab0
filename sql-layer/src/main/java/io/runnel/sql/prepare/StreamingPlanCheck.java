package io.runnel.sql.prepare;

import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.rel.TopicTableScan;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.adapter.enumerable.EnumerableFilter;
import org.apache.calcite.adapter.enumerable.EnumerableLimit;
import org.apache.calcite.adapter.enumerable.EnumerableProject;
import org.apache.calcite.adapter.enumerable.EnumerableValues;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Window;

/**
 * Rejects unbounded plans that Calcite's enumerable operators would run wrongly. Those operators
 * read their whole input before they emit (aggregates, sorts, windows), or read one input to its end
 * before the next (joins, unions): over an endless topic they would never return a row. Until
 * Runnel has streaming operators (windowed aggregation, stream-table joins), an {@code EMIT CHANGES}
 * query may only project, filter and limit the rows of one topic; anything else fails with 0A000
 * naming the operator, instead of hanging.
 */
final class StreamingPlanCheck {
    private StreamingPlanCheck() {}

    static void check(RelNode rel) {
        String unsupported = unsupported(rel);
        if (unsupported != null) {
            throw RunnelErrors.streamingOperatorNotSupported(unsupported);
        }
    }

    private static String unsupported(RelNode rel) {
        if (rel instanceof TopicTableScan || rel instanceof EnumerableValues) {
            return null;
        }
        if (rel instanceof Aggregate) {
            return "GROUP BY or aggregate functions";
        }
        if (rel instanceof Join) {
            return "JOIN";
        }
        if (rel instanceof Window) {
            return "window functions (OVER)";
        }
        if (rel instanceof EnumerableLimit) {
            return rel.getInputs().isEmpty() ? null : unsupported(rel.getInput(0));
        }
        if (rel instanceof Sort sort) {
            if (!sort.getCollation().getFieldCollations().isEmpty()) {
                return "ORDER BY";
            }
            return unsupported(rel.getInput(0));
        }
        if (rel instanceof EnumerableCalc || rel instanceof EnumerableProject || rel instanceof EnumerableFilter) {
            return unsupported(rel.getInput(0));
        }
        String name = rel.getRelTypeName().replace("Enumerable", "");
        return rel.getInputs().size() > 1 ? name + " of several inputs" : name;
    }
}
