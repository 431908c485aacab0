package io.runnel.sql.prepare;

import io.runnel.sql.rel.TopicRules;
import io.runnel.sql.type.SqlColumnTypes;
import io.runnel.storage.format.Column;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.stream.StreamRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * Plans and compiles Runnel queries with Calcite: Calcite's preparation
 * ({@link CalcitePrepareImpl}) plus Runnel's planner rules (topic scans with projection, filter and
 * seek push-down; Calcite's stream rules) and validator ({@link RunnelValidator}).
 *
 * <p>Statements arrive already parsed by Runnel's parser and routed by kind; this class prepares the
 * parse tree directly ({@link #prepareQuery}), so a statement is parsed once.
 *
 * <p>Thread-safe: every preparation creates its own planner and validator.
 */
public final class RunnelPrepare extends CalcitePrepareImpl {

    @Override
    protected RelOptPlanner createPlanner(CalcitePrepare.Context prepareContext,
            org.apache.calcite.plan.Context externalContext, RelOptCostFactory costFactory) {
        RelOptPlanner planner = super.createPlanner(prepareContext, externalContext, costFactory);
        for (var rule : TopicRules.ALL) {
            planner.addRule(rule);
        }
        for (var rule : StreamRules.RULES) {
            planner.addRule(rule);
        }
        return planner;
    }

    /**
     * Validates, plans and compiles a query.
     *
     * @param node a query, {@code EXPLAIN} or (for INSERT ... SELECT) the source query
     * @param streaming whether it is unbounded; {@code context} must then hold the streaming view
     * @throws RuntimeException Calcite's validation and planning errors, for {@link io.runnel.sql.errors.ErrorTranslator}
     */
    public PreparedQuery prepareQuery(PrepareContext context, SqlNode node, String sql, boolean streaming) {
        CalcitePrepare.Dummy.push(context);
        try {
            JavaTypeFactory typeFactory = context.getTypeFactory();
            CalciteCatalogReader catalogReader = new CalciteCatalogReader(context.getRootSchema(),
                    context.getDefaultSchemaPath(), typeFactory, context.config());
            RelOptPlanner planner = createPlanner(context);
            RunnelPreparingStmt statement = new RunnelPreparingStmt(this, context, catalogReader, typeFactory,
                    context.getRootSchema(), createCluster(planner, new RexBuilder(typeFactory)),
                    EnumerableConvention.INSTANCE, createConvertletTable(), streaming);
            SqlValidator validator = statement.validator();
            Prepare.PreparedResult result;
            try {
                result = statement.prepareSql(node, Object.class, validator, true);
            } catch (RelOptPlanner.CannotPlanException e) {
                if (streaming || isStreamingContext(node)) {
                    // Calcite's stream rules turn a join or set operation of streams into plans with
                    // relational scans of the streams, which the streaming view cannot provide.
                    throw io.runnel.sql.errors.RunnelErrors.streamingOperatorNotSupported(
                            "joins, set operations or sub-queries over topics");
                }
                throw e;
            }
            boolean explain = node.getKind() == SqlKind.EXPLAIN;
            RelDataType rowType = explain
                    ? RelOptUtil.createDmlRowType(SqlKind.EXPLAIN, typeFactory)
                    : validator.getValidatedNodeType(node);
            List<ColumnMetaData> columns = ResultColumns.metaData(rowType, explain ? null : result.getFieldOrigins());
            RelDataType parameterRowType = result.getParameterRowType();
            List<AvaticaParameter> parameters = new ArrayList<>();
            List<Column> parameterColumns = new ArrayList<>();
            for (RelDataTypeField field : parameterRowType.getFieldList()) {
                parameters.add(parameter(field));
                parameterColumns.add(SqlColumnTypes.asColumn("?" + (field.getIndex() + 1), field.getType()));
            }
            return new PreparedQuery(sql, streaming, rowType, columns, parameters, parameterColumns,
                    result.getBindable(Meta.CursorFactory.ARRAY), statement.stashed(), context.getRootSchema().plus(),
                    typeFactory, explain ? null : statement.storedScan());
        } finally {
            CalcitePrepare.Dummy.pop(context);
        }
    }

    private static boolean isStreamingContext(SqlNode node) {
        SqlNode query = node instanceof org.apache.calcite.sql.SqlExplain e ? e.getExplicandum() : node;
        return io.runnel.sql.parser.StreamingQueries.isStreaming(query);
    }

    static AvaticaParameter parameter(RelDataTypeField field) {
        RelDataType type = field.getType();
        return new AvaticaParameter(ResultColumns.precision(type) > 0 && type.getSqlTypeName().getFamily() != null
                && org.apache.calcite.sql.type.SqlTypeName.NUMERIC_TYPES.contains(type.getSqlTypeName()),
                ResultColumns.precision(type), Math.max(0, type.getScale() == RelDataType.SCALE_NOT_SPECIFIED ? 0 : type.getScale()),
                ResultColumns.jdbcType(type), ResultColumns.typeName(type), ResultColumns.className(type), field.getName());
    }
}
