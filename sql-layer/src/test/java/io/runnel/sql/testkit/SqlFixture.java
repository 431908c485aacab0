package io.runnel.sql.testkit;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.sql.SqlLayerConfig;
import io.runnel.sql.adapter.RunnelCatalog;
import io.runnel.sql.exec.Prepared;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.exec.QueryRegistry;
import io.runnel.sql.exec.RunningQuery;
import io.runnel.sql.exec.Session;
import io.runnel.sql.exec.StatementPreparer;
import io.runnel.sql.prepare.ResultColumns;
import io.runnel.sql.prepare.RunnelPrepare;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * The SQL layer without a server: a session over an {@link InMemoryEngine}, statements prepared and
 * executed as the Meta does, rows returned in wire form. For unit tests.
 */
public final class SqlFixture implements AutoCloseable {
    public final InMemoryEngine engine;
    public final QueryRegistry queries;
    public final RunnelCatalog catalog;
    public final Session session;

    public SqlFixture() {
        this(new InMemoryEngine(), SqlLayerConfig.DEFAULTS, ZoneOffset.UTC);
    }

    public SqlFixture(InMemoryEngine engine, SqlLayerConfig config, ZoneId zone) {
        this.engine = engine;
        this.queries = new QueryRegistry(config.maxStreamingQueries(), System::currentTimeMillis);
        this.catalog = new RunnelCatalog(engine, queries::snapshot);
        this.session = new Session("c-test", catalog, new RunnelPrepare(), config, queries, new io.runnel.sql.exec.SqlMetrics(), zone, Acks.ALL, 200);
    }

    public Engine engine() {
        return engine;
    }

    public Prepared prepare(String sql) {
        return StatementPreparer.prepare(session, sql);
    }

    /** Executes an update statement; its count (the first, for a batch). Errors as the Meta reports them. */
    public long update(String sql, Object... params) {
        Prepared p = prepare(sql);
        try {
            long[] counts = ((Prepared.Update) p).action().execute(List.of(typed(params)), QueryControl.detached());
            return counts[0];
        } catch (RuntimeException e) {
            throw io.runnel.sql.errors.ErrorTranslator.translate(e);
        }
    }

    public long[] batch(String sql, List<Object[]> parameterSets) {
        Prepared.Update p = (Prepared.Update) prepare(sql);
        List<List<TypedValue>> sets = new ArrayList<>();
        for (Object[] set : parameterSets) {
            sets.add(typed(set));
        }
        try {
            return p.action().execute(sets, QueryControl.detached());
        } catch (RuntimeException e) {
            throw io.runnel.sql.errors.ErrorTranslator.translate(e);
        }
    }

    /** Every row of a bounded query, in wire form. */
    public List<List<Object>> query(String sql, Object... params) {
        Prepared p = prepare(sql);
        if (p instanceof Prepared.Rows rows) {
            return rows.rows().get();
        }
        RunningQuery q = start((Prepared.Query) p, 0, params);
        List<List<Object>> rows = new ArrayList<>();
        while (true) {
            RunningQuery.Frame frame = q.fetch(1000, 100);
            for (Object row : frame.rows()) {
                @SuppressWarnings("unchecked")
                List<Object> r = (List<Object>) row;
                rows.add(r);
            }
            if (frame.done()) {
                return rows;
            }
        }
    }

    /** Starts a query (bounded or not); the caller fetches and cancels. */
    public RunningQuery start(Prepared.Query p, long maxRows, Object... params) {
        Object[] internal = io.runnel.sql.exec.Parameters.internal(p.query(), typed(params), session.coercer());
        return queries.start(session.connectionId(), 1, p.sql(), p.query().streaming(), maxRows, 100, 1000,
                ResultColumns.encoders(p.query().rowType(), session.zone()),
                control -> p.query().bind(internal, session.zone(), System.currentTimeMillis(), control).enumerator());
    }

    /** The plan EXPLAIN PLAN FOR prints. */
    public String explain(String sql) {
        return (String) query("EXPLAIN PLAN FOR " + sql).get(0).get(0);
    }

    public static List<TypedValue> typed(Object... params) {
        List<TypedValue> list = new ArrayList<>();
        for (Object p : params) {
            list.add(p == null ? TypedValue.ofLocal(org.apache.calcite.avatica.ColumnMetaData.Rep.OBJECT, null)
                    : TypedValue.ofJdbc(p, java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"))));
        }
        return list;
    }

    @Override
    public void close() {
        queries.close();
    }
}
