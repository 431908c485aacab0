package io.runnel.sql.insert;

import io.runnel.sql.exec.Prepared;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.exec.Session;
import java.util.List;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * What executing a prepared INSERT does: {@link InsertExecutor#execute}. A named class (not a lambda)
 * so that the data path ({@code io.runnel.sql.datapath}) can find the {@link InsertPlan} behind a
 * prepared statement. Immutable and thread-safe.
 */
public record InsertAction(Session session, InsertPlan plan) implements Prepared.Action {
    @Override
    public long[] execute(List<List<TypedValue>> parameterSets, QueryControl control) {
        return InsertExecutor.execute(session, plan, parameterSets, control);
    }
}
