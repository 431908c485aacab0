package io.runnel.sql.insert;

import io.runnel.engine.TopicInfo;
import io.runnel.sql.adapter.SystemColumn;
import io.runnel.sql.adapter.TopicSchema;
import io.runnel.sql.adapter.sys.SysSchema;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.exec.QueryControl;
import io.runnel.sql.exec.Session;
import io.runnel.sql.parser.StreamingQueries;
import io.runnel.sql.prepare.PreparedQuery;
import io.runnel.sql.type.SqlColumnTypes;
import io.runnel.sql.type.ValueCoercer;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.Schema;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Plans an {@code INSERT} without Calcite's {@code TableModify} (DESIGN.md §4, limit 4): literal
 * rows are converted directly, cell by cell, to the topic's column types; only the cells that are
 * expressions are compiled by Calcite, in blocks of up to {@value #BLOCK_EXPRESSIONS}, and only once
 * per statement (a block without parameters is even evaluated right away). {@code INSERT ... SELECT}
 * compiles its source query and converts the rows it returns.
 *
 * <p>Everything that can be checked before execution is: the topic exists and is not a system table,
 * the target columns exist, are not system columns and are not repeated, every NOT NULL column gets a
 * value, rows have one value per target column, and literal values fit their columns.
 *
 * <p>Stateless and thread-safe.
 */
public final class InsertPlanner {
    /** Most expressions compiled into one Calcite query (keeps generated methods small). */
    static final int BLOCK_EXPRESSIONS = 200;

    private InsertPlanner() {}

    /** One expression cell awaiting compilation. */
    private record PendingExpression(int row, int cell, SqlNode node) {}

    public static InsertPlan plan(Session session, SqlInsert insert, String sql) {
        if (insert.isUpsert()) {
            throw RunnelErrors.unsupportedStatement("UPSERT is not supported: a topic is append-only; use INSERT",
                    insert.getParserPosition());
        }
        TopicInfo topic = resolveTopic(session, insert.getTargetTable());
        Schema schema = topic.currentSchema();
        int[] targets = targets(topic, insert.getTargetColumnList(), insert.getTargetTable().getParserPosition());
        SqlNode source = insert.getSource();
        if (source.getKind() == SqlKind.VALUES) {
            return planValues(session, sql, topic, schema, targets, (SqlCall) source);
        }
        return planSelect(session, sql, topic, schema, targets, source);
    }

    private static TopicInfo resolveTopic(Session session, SqlNode target) {
        if (!(target instanceof SqlIdentifier id)) {
            throw RunnelErrors.unsupportedStatement("INSERT into " + target + " is not supported; name a topic",
                    target.getParserPosition());
        }
        List<String> names = id.names;
        String name = names.get(names.size() - 1);
        if (names.size() > 2) {
            throw RunnelErrors.unknownTopic(String.join(".", names), id.getParserPosition());
        }
        if (names.size() == 2) {
            String schema = names.get(0);
            if (schema.equalsIgnoreCase(SysSchema.NAME)) {
                throw RunnelErrors.systemTableReadOnly(String.join(".", names), id.getParserPosition());
            }
            if (!schema.equalsIgnoreCase(TopicSchema.NAME)) {
                throw RunnelErrors.unknownTopic(String.join(".", names), id.getParserPosition());
            }
        }
        TopicInfo topic = session.catalog().engine().topic(name)
                .orElseThrow(() -> RunnelErrors.unknownTopic(name, id.getParserPosition()));
        if (topic.internal()) {
            throw RunnelErrors.internalTopic(topic.name(), "INSERT into", id.getParserPosition());
        }
        return topic;
    }

    private static int[] targets(TopicInfo topic, SqlNodeList columnList, SqlParserPos tablePos) {
        Schema schema = topic.currentSchema();
        int[] targets;
        if (columnList == null) {
            targets = new int[schema.columnCount()];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = i;
            }
            return targets;
        }
        targets = new int[columnList.size()];
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < targets.length; i++) {
            SqlIdentifier id = (SqlIdentifier) columnList.get(i);
            String name = id.names.get(id.names.size() - 1);
            if (SystemColumn.of(name) != null) {
                throw RunnelErrors.systemColumnNotWritable(name, id.getParserPosition());
            }
            int index = -1;
            for (int c = 0; c < schema.columnCount(); c++) {
                if (schema.column(c).name().equalsIgnoreCase(name)) {
                    index = c;
                    break;
                }
            }
            if (index < 0) {
                throw RunnelErrors.unknownColumn(name, topic.name(), id.getParserPosition());
            }
            if (!seen.add(index)) {
                throw RunnelErrors.duplicateInsertColumn(name, id.getParserPosition());
            }
            targets[i] = index;
        }
        for (int c = 0; c < schema.columnCount(); c++) {
            if (!schema.column(c).nullable() && !seen.contains(c)) {
                throw RunnelErrors.missingNotNullColumn(schema.column(c).name(), topic.name(), columnList.getParserPosition());
            }
        }
        return targets;
    }

    private static InsertPlan planValues(Session session, String sql, TopicInfo topic, Schema schema, int[] targets,
            SqlCall values) {
        ValueCoercer coercer = session.coercer();
        List<SqlNode> rowNodes = values.getOperandList();
        if (rowNodes.size() > session.config().maxInsertRows()) {
            throw RunnelErrors.tooManyRows("INSERT", rowNodes.size(), session.config().maxInsertRows());
        }
        List<InsertCell[]> rows = new ArrayList<>(rowNodes.size());
        List<PendingExpression> expressions = new ArrayList<>();
        TreeMap<Integer, Column> parameterTypes = new TreeMap<>();
        int parameterCount = 0;
        for (int r = 0; r < rowNodes.size(); r++) {
            SqlNode rowNode = rowNodes.get(r);
            List<SqlNode> cells = rowNode.getKind() == SqlKind.ROW ? ((SqlCall) rowNode).getOperandList() : List.of(rowNode);
            if (cells.size() != targets.length) {
                throw RunnelErrors.valueCount(targets.length, cells.size(), r + 1, rowNode.getParserPosition());
            }
            InsertCell[] row = new InsertCell[targets.length];
            for (int c = 0; c < cells.size(); c++) {
                SqlNode cell = cells.get(c);
                Column column = schema.column(targets[c]);
                if (cell instanceof SqlDynamicParam p) {
                    row[c] = new InsertCell.Parameter(p.getIndex());
                    parameterTypes.putIfAbsent(p.getIndex(), column);
                    parameterCount = Math.max(parameterCount, p.getIndex() + 1);
                    continue;
                }
                Object literal = SqlValues.literal(cell, session.zone());
                if (literal == SqlValues.NOT_A_LITERAL) {
                    expressions.add(new PendingExpression(r, c, cell));
                    row[c] = null;
                } else {
                    row[c] = new InsertCell.Constant(coercer.coerce(literal, column, topic.name(), r + 1));
                }
            }
            rows.add(row);
        }
        List<ExpressionBlock> blocks = new ArrayList<>();
        for (int start = 0; start < expressions.size(); start += BLOCK_EXPRESSIONS) {
            List<PendingExpression> chunk = expressions.subList(start, Math.min(expressions.size(), start + BLOCK_EXPRESSIONS));
            ExpressionBlock block = compile(session, sql, chunk);
            int blockIndex = blocks.size();
            int[] blockParams = block.parameterIndexes();
            for (int j = 0; j < blockParams.length; j++) {
                Column type = block.query().parameterColumns().get(j);
                if (type != null) {
                    parameterTypes.putIfAbsent(blockParams[j], type);
                }
                parameterCount = Math.max(parameterCount, blockParams[j] + 1);
            }
            if (blockParams.length == 0) {
                Object[] values1 = evaluate(session, block, new Object[0]);
                List<RelDataTypeField> fields = block.query().rowType().getFieldList();
                for (int i = 0; i < chunk.size(); i++) {
                    PendingExpression e = chunk.get(i);
                    Column column = schema.column(targets[e.cell()]);
                    Object value = SqlValues.fromInternal(values1[i], fields.get(i).getType().getSqlTypeName());
                    rows.get(e.row())[e.cell()] = new InsertCell.Constant(coercer.coerce(value, column, topic.name(), e.row() + 1));
                }
            } else {
                blocks.add(block);
                for (int i = 0; i < chunk.size(); i++) {
                    PendingExpression e = chunk.get(i);
                    rows.get(e.row())[e.cell()] = new InsertCell.Deferred(blockIndex, i);
                }
            }
        }
        List<AvaticaParameter> parameters = new ArrayList<>();
        List<Column> types = new ArrayList<>();
        for (int k = 0; k < parameterCount; k++) {
            Column type = parameterTypes.get(k);
            types.add(type);
            parameters.add(parameter(type, k));
        }
        return new InsertPlan(sql, topic, targets, rows, blocks, null, parameters, types);
    }

    private static InsertPlan planSelect(Session session, String sql, TopicInfo topic, Schema schema, int[] targets,
            SqlNode source) {
        if (StreamingQueries.isStreaming(source)) {
            throw RunnelErrors.unsupportedStatement("INSERT ... SELECT STREAM is not supported yet: the source of an"
                    + " INSERT must be a bounded query", source.getParserPosition());
        }
        PreparedQuery query = session.prepare().prepareQuery(session.prepareContext(false), source, sql, false);
        int fields = query.rowType().getFieldCount();
        if (fields != targets.length) {
            throw RunnelErrors.of(RunnelErrors.SYNTAX_ERROR, RunnelErrors.at(source.getParserPosition(),
                    "INSERT into topic '" + topic.name() + "' has " + targets.length + " target columns but the query returns "
                            + fields), null);
        }
        return new InsertPlan(sql, topic, targets, List.of(), List.of(), query, query.parameters(), query.parameterColumns());
    }

    private static ExpressionBlock compile(Session session, String sql, List<PendingExpression> chunk) {
        SqlParserPos pos = chunk.get(0).node().getParserPosition();
        List<SqlNode> items = new ArrayList<>(chunk.size());
        for (PendingExpression e : chunk) {
            items.add(e.node());
        }
        SqlSelect select = new SqlSelect(pos, null, new SqlNodeList(items, pos), null, null, null, null, null, null, null,
                null, null);
        List<Integer> params = new ArrayList<>();
        select.getSelectList().accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlDynamicParam param) {
                params.add(param.getIndex());
                return null;
            }
        });
        PreparedQuery query = session.prepare().prepareQuery(session.prepareContext(false), select, sql, false);
        int[] indexes = params.stream().mapToInt(Integer::intValue).toArray();
        if (indexes.length != query.parameters().size()) {
            throw RunnelErrors.internal("expression block has " + indexes.length + " parameters, Calcite found "
                    + query.parameters().size(), null);
        }
        return new ExpressionBlock(query, indexes);
    }

    /** Runs a block once and returns its only row (internal values). */
    static Object[] evaluate(Session session, ExpressionBlock block, Object[] parameters) {
        try (Enumerator<Object[]> rows = block.query().bind(parameters, session.zone(), System.currentTimeMillis(),
                QueryControl.detached()).enumerator()) {
            if (!rows.moveNext()) {
                throw RunnelErrors.internal("expression block returned no row", null);
            }
            return rows.current();
        }
    }

    private static AvaticaParameter parameter(Column type, int index) {
        if (type == null) {
            return new AvaticaParameter(false, 0, 0, Types.VARCHAR, "VARCHAR", String.class.getName(), "?" + (index + 1));
        }
        RelDataType rel = SqlColumnTypes.toRelType(new JavaTypeFactoryImpl(), type);
        return new AvaticaParameter(SqlColumnTypes.sqlTypeName(type.type()).getFamily() != null
                && org.apache.calcite.sql.type.SqlTypeName.NUMERIC_TYPES.contains(rel.getSqlTypeName()),
                io.runnel.sql.prepare.ResultColumns.precision(rel), type.scale(), io.runnel.sql.prepare.ResultColumns.jdbcType(rel),
                io.runnel.sql.prepare.ResultColumns.typeName(rel), io.runnel.sql.prepare.ResultColumns.className(rel),
                type.name().toLowerCase(Locale.ROOT));
    }
}
