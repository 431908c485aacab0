package io.runnel.sql.parser;

import org.apache.calcite.runtime.Resources;
import org.apache.calcite.runtime.Resources.BaseMessage;
import org.apache.calcite.runtime.Resources.ExInst;
import org.apache.calcite.sql.validate.SqlValidatorException;

/**
 * Messages of the errors Runnel's grammar raises beyond plain syntax errors: statements that are
 * well-formed token by token but cannot mean anything (a column declared twice, a qualified
 * topic name, EMIT on a UNION).
 *
 * <p>Built the way Calcite builds {@code CalciteResource}: each method returns an exception
 * instance; the grammar throws it through {@code SqlUtil.newContextException(pos, ...)}, which
 * the generated parser turns into a {@link org.apache.calcite.sql.parser.SqlParseException}
 * carrying the position. All of them are syntax errors to a client: SQLSTATE 42601
 * ({@link SqlSyntaxError#SQLSTATE}).
 */
public interface RunnelParserResource {
  RunnelParserResource RESOURCE = Resources.create(RunnelParserResource.class);

  @BaseMessage("Topic name ''{0}'' is qualified; topics live in the default schema and are named by one identifier")
  ExInst<SqlValidatorException> qualifiedTopicName(String name);

  @BaseMessage("CREATE OR REPLACE TOPIC is not supported; use DROP TOPIC and CREATE TOPIC")
  ExInst<SqlValidatorException> createOrReplaceTopic();

  @BaseMessage("Duplicate column ''{0}'' in topic ''{1}''")
  ExInst<SqlValidatorException> duplicateColumn(String column, String topic);

  @BaseMessage("Column name ''{0}'' is reserved for the system column of the same name")
  ExInst<SqlValidatorException> systemColumnName(String column);

  @BaseMessage("PARTITION BY column ''{0}'' is not a column of topic ''{1}''")
  ExInst<SqlValidatorException> unknownPartitionColumn(String column, String topic);

  @BaseMessage("PARTITION BY lists column ''{0}'' more than once")
  ExInst<SqlValidatorException> duplicatePartitionColumn(String column);

  @BaseMessage("Option ''{0}'' is given more than once")
  ExInst<SqlValidatorException> duplicateOption(String key);

  @BaseMessage("Column ''{0}'' added to an existing topic cannot be NOT NULL: rows written before it read NULL")
  ExInst<SqlValidatorException> addedColumnNotNull(String column);

  @BaseMessage("{0} applies to a single SELECT; to stream a UNION, VALUES or TABLE, write SELECT * FROM (...) {0}")
  ExInst<SqlValidatorException> emitNeedsSelect(String clause);

  @BaseMessage("PARTITION must be a whole number between 0 and 2147483647, not {0}")
  ExInst<SqlValidatorException> invalidResetPartition(String value);

  @BaseMessage("A broker id must be a whole number between 0 and 2147483647, not {0}")
  ExInst<SqlValidatorException> invalidBrokerId(String value);

  @BaseMessage("Broker {0} is named twice in the list of brokers to move to")
  ExInst<SqlValidatorException> duplicateBrokerId(String value);

  @BaseMessage("OFFSET must be a whole number between 0 and 9223372036854775807, not {0}")
  ExInst<SqlValidatorException> invalidResetOffset(String value);

  @BaseMessage("Empty statement: there is no SQL to run")
  ExInst<SqlValidatorException> emptyStatement();

  @BaseMessage("Expected one statement, found {0,number,#}; run them one at a time")
  ExInst<SqlValidatorException> oneStatementExpected(int count);

  @BaseMessage("Query id must not be empty")
  ExInst<SqlValidatorException> emptyQueryId();
}
