package io.runnel.sql.prepare;

import io.runnel.sql.exec.QueryControl;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.rel.type.TimeFrames;
import org.apache.calcite.schema.SchemaPlus;

/**
 * The run-time context of one execution of a prepared statement, as Calcite's generated code reads
 * it: parameter values ({@code ?0, ?1, ...} in internal representation), the values the planner
 * stashed, the cancel flag, the statement's {@link QueryControl}, and the clock and session time
 * zone that {@code CURRENT_TIMESTAMP} and friends use (fixed at the start of the execution, as the
 * SQL standard says).
 *
 * <p>Runnel tables are not {@code QueryableTable}s, so there is no query provider.
 *
 * <p>Immutable after construction; read by the query's thread.
 */
public final class QueryDataContext implements DataContext {
    private final SchemaPlus rootSchema;
    private final JavaTypeFactory typeFactory;
    private final Map<String, Object> values;

    /**
     * @param parameters parameter values by index, internal representation (may contain nulls)
     * @param stashed the planner's stashed values ({@code internalParameters})
     */
    public QueryDataContext(SchemaPlus rootSchema, JavaTypeFactory typeFactory, ZoneId sessionZone, long nowMs,
            Object[] parameters, Map<String, Object> stashed, QueryControl control) {
        this.rootSchema = rootSchema;
        this.typeFactory = typeFactory;
        TimeZone timeZone = TimeZone.getTimeZone(sessionZone);
        long localOffset = timeZone.getOffset(nowMs);
        Map<String, Object> map = new HashMap<>(stashed);
        map.put(Variable.UTC_TIMESTAMP.camelName, nowMs);
        map.put(Variable.CURRENT_TIMESTAMP.camelName, nowMs + localOffset);
        map.put(Variable.LOCAL_TIMESTAMP.camelName, nowMs + localOffset);
        map.put(Variable.SYS_TIMESTAMP.camelName, nowMs + TimeZone.getDefault().getOffset(nowMs));
        map.put(Variable.TIME_ZONE.camelName, timeZone);
        map.put(Variable.TIME_FRAME_SET.camelName, typeFactory.getTypeSystem().deriveTimeFrameSet(TimeFrames.CORE));
        map.put(Variable.USER.camelName, "runnel");
        map.put(Variable.SYSTEM_USER.camelName, "runnel");
        map.put(Variable.LOCALE.camelName, Locale.ROOT);
        map.put(Variable.CANCEL_FLAG.camelName, control.cancelFlag());
        map.put(QueryControl.DATA_CONTEXT_KEY, control);
        for (int i = 0; i < parameters.length; i++) {
            map.put("?" + i, parameters[i]);
        }
        this.values = map;
    }

    @Override
    public SchemaPlus getRootSchema() {
        return rootSchema;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
        return typeFactory;
    }

    @Override
    public QueryProvider getQueryProvider() {
        return null;
    }

    @Override
    public Object get(String name) {
        return values.get(name);
    }

}
