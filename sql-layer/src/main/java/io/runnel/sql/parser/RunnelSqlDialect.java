package io.runnel.sql.parser;

import io.runnel.sql.parser.impl.RunnelSqlParserImpl;
import java.io.StringReader;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlAbstractParserImpl;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes SQL that Runnel's parser reads back to the same tree: identifiers in double quotes only
 * where needed, case kept, {@code LIMIT n OFFSET m} rather than {@code FETCH NEXT}, group
 * windows as {@code TUMBLE(...)} rather than Calcite's internal {@code $TUMBLE(...)}.
 *
 * <p>Use it through {@link RunnelParser#unparse}. (Calcite's {@code SqlNode.toString()} writes
 * back-quoted identifiers, which Runnel's parser does not read.)
 */
public final class RunnelSqlDialect extends SqlDialect {
  public static final RunnelSqlDialect DEFAULT = new RunnelSqlDialect(
      EMPTY_CONTEXT
          .withDatabaseProduct(DatabaseProduct.UNKNOWN)
          .withDatabaseProductName("Runnel")
          .withIdentifierQuoteString("\"")
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(false)
          .withConformance(RunnelParser.CONFORMANCE));

  /** What the lexer reads as one unquoted identifier (Calcite's LETTER/DIGIT, ASCII part). */
  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private static final SqlAbstractParserImpl.Metadata METADATA =
      RunnelSqlParserImpl.FACTORY.getParser(new StringReader("")).getMetadata();

  private RunnelSqlDialect(Context context) {
    super(context);
  }

  /**
   * Quotes a name unless it reads back as itself unquoted: it must look like an identifier and
   * not be a reserved word. EMIT is quoted too, so that no output can put "EMIT" before
   * "CHANGES" or "FINAL" by accident (the lexer would read them as the clause).
   */
  @Override protected boolean identifierNeedsQuote(String val) {
    final String upper = val.toUpperCase(Locale.ROOT);
    return !PLAIN_IDENTIFIER.matcher(val).matches()
        || METADATA.isReservedWord(upper)
        || upper.equals("EMIT");
  }

  /**
   * Writes the group-window functions of {@code GROUP BY TUMBLE(...)}, {@code HOP(...)} and
   * {@code SESSION(...)} under the names they are written with. Calcite registers them as
   * {@code $TUMBLE} etc. and writes that name, which reads back as an unknown function.
   */
  @Override public void unparseCall(SqlWriter writer, SqlCall call, int leftPrec,
      int rightPrec) {
    final SqlOperator operator = call.getOperator();
    if (operator == SqlStdOperatorTable.TUMBLE_OLD || operator == SqlStdOperatorTable.HOP_OLD
        || operator == SqlStdOperatorTable.SESSION_OLD) {
      final SqlWriter.Frame frame = writer.startFunCall(operator.getName().substring(1));
      for (SqlNode operand : call.getOperandList()) {
        writer.sep(",");
        operand.unparse(writer, 0, 0);
      }
      writer.endFunCall(frame);
      return;
    }
    super.unparseCall(writer, call, leftPrec, rightPrec);
  }

  @Override public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset,
      @Nullable SqlNode fetch) {
    unparseFetchUsingLimit(writer, offset, fetch);
  }
}
