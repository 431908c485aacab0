package io.runnel.sql.exec;

import io.runnel.engine.Engine;
import io.runnel.sql.ddl.DdlExecutor;
import io.runnel.sql.errors.ErrorTranslator;
import io.runnel.sql.errors.RunnelErrors;
import io.runnel.sql.insert.InsertAction;
import io.runnel.sql.insert.InsertPlan;
import io.runnel.sql.insert.InsertPlanner;
import io.runnel.sql.parser.RunnelParser;
import io.runnel.sql.parser.SqlEmitFinal;
import io.runnel.sql.parser.StreamingQueries;
import io.runnel.sql.parser.ddl.SqlAlterConsumerGroupResetOffsets;
import io.runnel.sql.parser.ddl.SqlAlterTopicAddColumn;
import io.runnel.sql.parser.ddl.SqlAlterTopicCancelMove;
import io.runnel.sql.parser.ddl.SqlAlterTopicMove;
import io.runnel.sql.parser.ddl.SqlAlterTopicSetOptions;
import io.runnel.sql.parser.ddl.SqlCancelQuery;
import io.runnel.sql.parser.ddl.SqlCreateTopic;
import io.runnel.sql.parser.ddl.SqlDropTopic;
import io.runnel.sql.parser.ddl.SqlShowTopics;
import io.runnel.sql.prepare.PreparedQuery;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * Parses a statement once with Runnel's parser and routes it by kind (design note 0003 §1): topic
 * DDL, SHOW, DESCRIBE and CANCEL QUERY to {@link DdlExecutor}; INSERT to the insert path; queries to
 * Calcite, against the catalog view of their modality; UPDATE, DELETE, MERGE, EMIT FINAL and
 * anything else Runnel does not run are rejected here with 0A000, before Calcite sees them.
 *
 * <p>Stateless and thread-safe.
 */
public final class StatementPreparer {
    private StatementPreparer() {}

    /**
     * Prepares {@code sql} for {@code session}.
     *
     * @throws io.runnel.sql.errors.RunnelSqlException with the SQLSTATE of whatever is wrong
     */
    public static Prepared prepare(Session session, String sql) {
        if (sql == null || sql.isBlank()) {
            throw RunnelErrors.emptyStatement();
        }
        if (sql.length() > session.config().maxStatementChars()) {
            throw RunnelErrors.statementTooLarge(sql.length(), session.config().maxStatementChars());
        }
        SqlNode node;
        try {
            node = RunnelParser.parse(sql);
        } catch (SqlParseException e) {
            throw ErrorTranslator.translate(e);
        } catch (RuntimeException e) {
            throw ErrorTranslator.translate(e);
        } catch (StackOverflowError e) {
            throw RunnelErrors.of(RunnelErrors.PROGRAM_LIMIT_EXCEEDED, "Statement is nested too deeply to parse", e);
        }
        try {
            return route(session, sql, node);
        } catch (StackOverflowError e) {
            throw RunnelErrors.of(RunnelErrors.PROGRAM_LIMIT_EXCEEDED, "Statement is too complex to plan", e);
        } catch (RuntimeException e) {
            throw ErrorTranslator.translate(e);
        }
    }

    /** A statement whose update count is what {@code action} returns (each execution runs it again). */
    private static Prepared update(String sql, java.util.function.LongSupplier action) {
        return new Prepared.Update(sql, Meta.StatementType.ALTER, List.of(), (sets, control) -> {
            long[] counts = new long[Math.max(1, sets.size())];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = action.getAsLong();
            }
            return counts;
        });
    }

    private static Prepared route(Session session, String sql, SqlNode node) {
        Engine engine = session.catalog().engine();
        if (node instanceof SqlEmitFinal) {
            throw RunnelErrors.emitFinalNotSupported(node.getParserPosition());
        }
        if (node instanceof SqlCreateTopic create) {
            return ddl(sql, Meta.StatementType.CREATE, () -> DdlExecutor.createTopic(engine, create));
        }
        if (node instanceof SqlDropTopic drop) {
            return ddl(sql, Meta.StatementType.DROP, () -> DdlExecutor.dropTopic(engine, drop));
        }
        if (node instanceof SqlAlterTopicSetOptions alter) {
            return ddl(sql, Meta.StatementType.ALTER, () -> DdlExecutor.alterTopic(engine, alter));
        }
        if (node instanceof SqlAlterTopicAddColumn add) {
            return ddl(sql, Meta.StatementType.ALTER, () -> DdlExecutor.addColumn(engine, add));
        }
        if (node instanceof SqlAlterTopicMove move) {
            return update(sql, () -> DdlExecutor.movePartitions(engine, move));
        }
        if (node instanceof SqlAlterTopicCancelMove cancelMove) {
            return update(sql, () -> DdlExecutor.cancelMoves(engine, cancelMove));
        }
        if (node instanceof SqlCancelQuery cancel) {
            return ddl(sql, Meta.StatementType.OTHER_DDL,
                    () -> DdlExecutor.cancelQuery(session.queries(), cancel, session.connectionId()));
        }
        if (node instanceof SqlAlterConsumerGroupResetOffsets reset) {
            reset.validateDefinition();
            return new Prepared.Update(sql, Meta.StatementType.OTHER_DDL, List.of(), (sets, control) -> {
                long[] counts = new long[Math.max(1, sets.size())];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = DdlExecutor.resetOffsets(engine, session.catalog().groups(), reset);
                }
                return counts;
            });
        }
        if (node instanceof SqlShowTopics show) {
            return new Prepared.Rows(sql, DdlExecutor.showTopicsColumns(), () -> DdlExecutor.showTopics(engine, show));
        }
        if (node instanceof SqlDescribeTable describe) {
            // Checked now, so that a missing topic fails at prepare time like any other statement.
            DdlExecutor.describe(engine, session.catalog().sys(), describe);
            return new Prepared.Rows(sql, DdlExecutor.describeColumns(),
                    () -> DdlExecutor.describe(engine, session.catalog().sys(), describe));
        }
        if (node instanceof SqlInsert insert) {
            InsertPlan plan = InsertPlanner.plan(session, insert, sql);
            return new Prepared.Update(sql, Meta.StatementType.INSERT, plan.parameters(),
                    new InsertAction(session, plan));
        }
        SqlKind kind = node.getKind();
        if (kind == SqlKind.UPDATE || kind == SqlKind.DELETE || kind == SqlKind.MERGE) {
            throw RunnelErrors.updateNotSupported(kind.name(), node.getParserPosition());
        }
        if (kind.belongsTo(SqlKind.QUERY) || kind == SqlKind.EXPLAIN) {
            SqlNode query = node instanceof SqlExplain explain ? explain.getExplicandum() : node;
            boolean streaming = StreamingQueries.isStreaming(query);
            PreparedQuery prepared = session.prepare().prepareQuery(session.prepareContext(streaming), node, sql,
                    streaming && kind != SqlKind.EXPLAIN);
            return new Prepared.Query(sql, prepared);
        }
        throw RunnelErrors.unsupportedStatement(describe(kind) + " is not supported by Runnel", node.getParserPosition());
    }

    private static String describe(SqlKind kind) {
        return kind.sql.replace('_', ' ').toUpperCase(Locale.ROOT);
    }

    private static Prepared ddl(String sql, Meta.StatementType type, Runnable action) {
        return new Prepared.Update(sql, type, List.of(), (sets, control) -> {
            long[] counts = new long[Math.max(1, sets.size())];
            for (int i = 0; i < counts.length; i++) {
                action.run();
            }
            return counts;
        });
    }
}
