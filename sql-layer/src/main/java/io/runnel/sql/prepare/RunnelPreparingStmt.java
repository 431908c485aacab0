package io.runnel.sql.prepare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.adapter.enumerable.EnumerableInterpretable;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.util.Pair;

/**
 * Calcite's statement preparation with Runnel's two changes: the validator is a
 * {@link RunnelValidator}, and implementation keeps the values the planner stashes (the
 * {@link io.runnel.sql.rel.TopicScan}s) for the run-time context and, for an unbounded query, first
 * checks the plan ({@link StreamingPlanCheck}).
 *
 * <p>Not thread-safe: one per statement preparation.
 */
final class RunnelPreparingStmt extends CalcitePrepareImpl.CalcitePreparingStmt {
    private final Map<String, Object> stashed = new LinkedHashMap<>();
    private io.runnel.sql.rel.StoredScanPlan storedScan;
    private final boolean streaming;

    RunnelPreparingStmt(CalcitePrepareImpl prepare, CalcitePrepare.Context context, CalciteCatalogReader catalogReader,
            RelDataTypeFactory typeFactory, CalciteSchema schema, RelOptCluster cluster, Convention resultConvention,
            SqlRexConvertletTable convertletTable, boolean streaming) {
        super(prepare, context, catalogReader, typeFactory, schema, EnumerableRel.Prefer.ARRAY, cluster, resultConvention,
                convertletTable);
        this.streaming = streaming;
    }

    /** The values the generated code reads from its context by name. */
    Map<String, Object> stashed() {
        return stashed;
    }

    /** The implemented plan as a bare topic scan, or null (set by {@link #implement}). */
    io.runnel.sql.rel.StoredScanPlan storedScan() {
        return storedScan;
    }

    SqlValidator validator() {
        return createSqlValidator(catalogReader, UnaryOperator.identity());
    }

    @Override
    protected SqlValidator createSqlValidator(Prepare.CatalogReader catalogReader,
            UnaryOperator<SqlValidator.Config> configTransform) {
        CalciteConnectionConfig config = context.config();
        SqlOperatorTable opTab = SqlOperatorTables.chain(SqlStdOperatorTable.instance(), catalogReader);
        SqlValidator.Config validatorConfig = configTransform.apply(SqlValidator.Config.DEFAULT
                .withLenientOperatorLookup(config.lenientOperatorLookup())
                .withConformance(config.conformance())
                .withDefaultNullCollation(config.defaultNullCollation())
                .withIdentifierExpansion(true));
        return new RunnelValidator(opTab, (CalciteCatalogReader) catalogReader, (JavaTypeFactory) typeFactory,
                validatorConfig);
    }

    /** As Calcite's, keeping the stashed values in {@link #stashed()}. */
    @Override
    protected Prepare.PreparedResult implement(RelRoot root) {
        if (streaming) {
            StreamingPlanCheck.check(root.rel);
        }
        RelDataType resultType = root.rel.getRowType();
        EnumerableRel enumerable = (EnumerableRel) root.rel;
        if (!root.isRefTrivial()) {
            List<RexNode> projects = new ArrayList<>();
            RexBuilder rexBuilder = enumerable.getCluster().getRexBuilder();
            for (int field : Pair.left(root.fields)) {
                projects.add(rexBuilder.makeInputRef(enumerable, field));
            }
            RexProgram program = RexProgram.create(enumerable.getRowType(), projects, null, root.validatedRowType, rexBuilder);
            enumerable = EnumerableCalc.create(enumerable, program);
        }
        Bindable<?> bindable;
        try {
            Prepare.CatalogReader.THREAD_LOCAL.set(catalogReader);
            stashed.put("_conformance", context.config().conformance());
            bindable = EnumerableInterpretable.toBindable(stashed, context.spark(), enumerable, EnumerableRel.Prefer.ARRAY);
        } finally {
            Prepare.CatalogReader.THREAD_LOCAL.remove();
        }
        Bindable<?> result = bindable;
        storedScan = root.isRefTrivial() ? io.runnel.sql.rel.StoredScanPlan.of(enumerable, stashed) : null;
        return new Prepare.PreparedResultImpl(resultType, parameterRowType, fieldOrigins,
                root.collation.getFieldCollations().isEmpty() ? List.of() : List.of(root.collation),
                root.rel, null, false) {
            @Override
            public String getCode() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Bindable getBindable(Meta.CursorFactory cursorFactory) {
                return result;
            }

            @Override
            public java.lang.reflect.Type getElementType() {
                return Object[].class;
            }
        };
    }
}
