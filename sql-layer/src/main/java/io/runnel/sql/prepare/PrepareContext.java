package io.runnel.sql.prepare;

import io.runnel.sql.adapter.TopicSchema;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.parser.RunnelParser;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.tools.RelRunner;

/**
 * What Calcite's preparation reads about the session: the catalog (one of the two
 * {@linkplain TopicSchema.Modality views}), the default schema ({@value TopicSchema#NAME} unless the
 * connection chose {@code sys}), the
 * lexical and conformance settings of Runnel's parser (note 0002), and the session time zone.
 *
 * <p>Runnel prepares statements through {@link RunnelPrepare} without a Calcite JDBC connection
 * (design note 0005), so this context stands in for the one a connection would create.
 *
 * <p>Immutable; one per prepared statement.
 */
public final class PrepareContext implements CalcitePrepare.Context {
    private final JavaTypeFactory typeFactory;
    private final CalciteSchema rootSchema;
    private final CalciteConnectionConfig config;
    private final ZoneId sessionZone;
    private final String defaultSchema;

    public PrepareContext(JavaTypeFactory typeFactory, CalciteSchema rootSchema, ZoneId sessionZone, String defaultSchema) {
        this.typeFactory = typeFactory;
        this.rootSchema = rootSchema;
        this.sessionZone = sessionZone;
        this.defaultSchema = defaultSchema;
        this.config = new CalciteConnectionConfigImpl(properties(sessionZone));
    }

    /** Calcite's connection settings equal to {@link RunnelParser#CONFIG}. */
    static Properties properties(ZoneId sessionZone) {
        Properties p = new Properties();
        p.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
        p.setProperty(CalciteConnectionProperty.UNQUOTED_CASING.camelName(), "UNCHANGED");
        p.setProperty(CalciteConnectionProperty.QUOTED_CASING.camelName(), "UNCHANGED");
        p.setProperty(CalciteConnectionProperty.QUOTING.camelName(), "DOUBLE_QUOTE");
        p.setProperty(CalciteConnectionProperty.CONFORMANCE.camelName(), RunnelParser.CONFORMANCE.name());
        p.setProperty(CalciteConnectionProperty.PARSER_FACTORY.camelName(),
                "io.runnel.sql.parser.impl.RunnelSqlParserImpl#FACTORY");
        p.setProperty(CalciteConnectionProperty.TIME_ZONE.camelName(), TimeZone.getTimeZone(sessionZone).getID());
        p.setProperty(CalciteConnectionProperty.MATERIALIZATIONS_ENABLED.camelName(), "false");
        return p;
    }

    public ZoneId sessionZone() {
        return sessionZone;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
        return typeFactory;
    }

    @Override
    public CalciteSchema getRootSchema() {
        return rootSchema;
    }

    @Override
    public CalciteSchema getMutableRootSchema() {
        return rootSchema;
    }

    @Override
    public List<String> getDefaultSchemaPath() {
        return List.of(defaultSchema);
    }

    @Override
    public CalciteConnectionConfig config() {
        return config;
    }

    @Override
    public CalcitePrepare.SparkHandler spark() {
        return CalcitePrepare.Dummy.getSparkHandler(false);
    }

    /** For constant reduction while planning: the clock now, no parameters. */
    @Override
    public DataContext getDataContext() {
        return new QueryDataContext(rootSchema.plus(), typeFactory, sessionZone, System.currentTimeMillis(),
                new Object[0], Map.of(), QueryControl.detached());
    }

    @Override
    public List<String> getObjectPath() {
        return null;
    }

    @Override
    public RelRunner getRelRunner() {
        throw new UnsupportedOperationException("Runnel does not run relational expressions through a RelRunner");
    }
}
