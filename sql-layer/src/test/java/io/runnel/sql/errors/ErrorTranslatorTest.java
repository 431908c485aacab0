package io.runnel.sql.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.EngineException;
import io.runnel.sql.testkit.SqlFixture;
import org.junit.jupiter.api.Test;

/** Calcite's, the parser's and the engine's errors reach the user with the right SQLSTATE and position. */
class ErrorTranslatorTest {

    @Test
    void calciteMessagesAreClassifiedByTheirCatalogTemplate() {
        assertThat(ErrorTranslator.classify("From line 1, column 15 to line 1, column 20: Object 'x' not found")).isEqualTo("42P01");
        assertThat(ErrorTranslator.classify("Object 'x' not found within 'runnel'")).isEqualTo("42P01");
        assertThat(ErrorTranslator.classify("Table 'x' not found")).isEqualTo("42P01");
        assertThat(ErrorTranslator.classify("Column 'y' not found in any table")).isEqualTo("42703");
        assertThat(ErrorTranslator.classify("Column 'y' not found in table 't'; did you mean 'x'?")).isEqualTo("42703");
        assertThat(ErrorTranslator.classify("Column 'a' is ambiguous")).isEqualTo("42702");
        assertThat(ErrorTranslator.classify("No match found for function signature F(<NUMERIC>)")).isEqualTo("42883");
        assertThat(ErrorTranslator.classify("Cannot apply '+' to arguments of type '<BOOLEAN> + <INTEGER>'. Supported form(s): x"))
                .isEqualTo("42804");
        assertThat(ErrorTranslator.classify("Illegal use of dynamic parameter")).isEqualTo("42P18");
        assertThat(ErrorTranslator.classify("Cannot convert table 'queries' to stream")).isEqualTo("0A000");
        assertThat(ErrorTranslator.classify("something Calcite says that no template matches")).isEqualTo("42000");
    }

    @Test
    void errorsThroughTheSqlLayerKeepThePosition() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC t (a INTEGER)");
            assertError(f, "SELECT * FROM nosuch", "42P01", "From line 1, column 15 to line 1, column 20");
            assertError(f, "SELECT b FROM t", "42703", "At line 1, column 8");
            assertError(f, "SELECT a FROM t WHERE a = DATE '2026-01-01'", "42804", "From line 1, column 23 to line 1, column 43");
            assertError(f, "SELECT CAST(DATE '2026-01-01' AS INTEGER) FROM t", "42804", "Cast");
            assertError(f, "SELECT FROM", "42601", "line 1, column 8");
            assertError(f, "SELECT ? + ? FROM t", "42P18", "dynamic parameter");
            assertError(f, "CREATE TOPIC t (a INTEGER)", "42P07", "t");
            assertError(f, "CREATE TOPIC u (a INTEGER, A VARCHAR)", "42601", "Duplicate column");
            assertError(f, "CREATE TOPIC u (a TIMESTAMP(6))", "0A000", "milliseconds");
            assertError(f, "CREATE TOPIC u (a INTEGER ARRAY)", "0A000", "scalar");
            assertError(f, "CREATE TOPIC u (a INTEGER) WITH (nosuch = 1)", "22023", "nosuch");
            assertError(f, "ALTER TOPIC nosuch SET (retention = '1 day')", "42P01", "nosuch");
            assertError(f, "SET x = 1", "0A000", "SET");
        }
    }

    private static void assertError(SqlFixture f, String sql, String sqlState, String fragment) {
        try {
            f.update(sql);
            throw new AssertionError("no error for " + sql);
        } catch (RunnelSqlException e) {
            assertThat(e.sqlState()).as(sql + ": " + e.getMessage()).isEqualTo(sqlState);
            assertThat(e.getMessage()).as(sql).contains(fragment);
        }
    }

    @Test
    void engineAndRuntimeErrors() {
        assertThat(ErrorTranslator.translate(new EngineException("22023", "bad option")).sqlState()).isEqualTo("22023");
        assertThat(ErrorTranslator.translate(new RuntimeException("wrap", new ArithmeticException("/ by zero"))).sqlState())
                .isEqualTo("22012");
        assertThat(ErrorTranslator.translate(new IllegalStateException("bug")).sqlState()).isEqualTo("XX000");
    }
}
