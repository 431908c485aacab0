package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of bad input a user can send gets an SQLException with the SQLSTATE of DESIGN.md §3
 * and a message naming the object, nothing of a failed statement is written, and the server goes
 * on serving.
 */
class ErrorsIT {
    private static ServerFixture fixture;
    private static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServerFixture(Map.of("max_statement_chars", "200000"));
        connection = fixture.connect();
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TOPIC t (id INTEGER NOT NULL, name VARCHAR(5), small TINYINT, amount DECIMAL(5,2), "
                    + "d DATE, ts TIMESTAMP(3)) WITH (partitions = 2)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        connection.close();
        fixture.close();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> fails(String sql, String sqlState) {
        return assertThatThrownBy(() -> {
            try (Statement s = connection.createStatement()) {
                s.execute(sql);
            }
        }).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as(e.getMessage()).isEqualTo(sqlState));
    }

    private static long count() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void syntaxErrorsHaveTheirPosition() {
        fails("SELEC * FROM t", "42601").isInstanceOf(SQLSyntaxErrorException.class).hasMessageContaining("line 1, column 1");
        fails("SELECT * FROM t WHERE", "42601").hasMessageContaining("line 1, column 21");
        fails("", "42601");
    }

    @Test
    void unknownObjects() {
        fails("SELECT * FROM nosuch", "42P01").hasMessageContaining("nosuch").hasMessageContaining("line 1, column 15");
        fails("INSERT INTO nosuch VALUES (1)", "42P01").hasMessageContaining("nosuch");
        fails("SELECT nosuch FROM t", "42703").hasMessageContaining("nosuch").hasMessageContaining("line 1, column 8");
        fails("INSERT INTO t (id, nosuch) VALUES (1, 2)", "42703").hasMessageContaining("nosuch");
        fails("DROP TOPIC nosuch", "42P01").hasMessageContaining("nosuch");
        fails("CREATE TOPIC t (x INTEGER)", "42P07").hasMessageContaining("t");
        fails("SELECT nosuchfunction(id) FROM t", "42883");
    }

    @Test
    void valuesThatDoNotFit() throws SQLException {
        long before = count();
        fails("INSERT INTO t (id, name) VALUES (1, 'toolong')", "22001").isInstanceOf(SQLDataException.class)
                .hasMessageContaining("name");
        fails("INSERT INTO t (id, small) VALUES (1, 300)", "22003").hasMessageContaining("small");
        fails("INSERT INTO t (id, amount) VALUES (1, 1000.00)", "22003").hasMessageContaining("amount");
        fails("INSERT INTO t (id, small) VALUES (1, 'abc')", "22018").hasMessageContaining("small");
        fails("INSERT INTO t (id, small) VALUES (1, TRUE)", "42804").hasMessageContaining("small");
        fails("INSERT INTO t (id, d) VALUES (1, 'not a date')", "22007").hasMessageContaining("d");
        fails("INSERT INTO t (id, d) VALUES (1, DATE '2026-13-01')", "22007");
        fails("INSERT INTO t (name) VALUES ('x')", "23502").isInstanceOf(SQLIntegrityConstraintViolationException.class)
                .hasMessageContaining("id");
        fails("INSERT INTO t (id) VALUES (NULL)", "23502").hasMessageContaining("id");
        fails("INSERT INTO t (id, name) VALUES (1)", "42601");
        fails("INSERT INTO t (id, _offset) VALUES (1, 2)", "428C9").hasMessageContaining("_offset");
        fails("SELECT CAST('x' AS INTEGER) FROM t", "22018");
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void aBatchWithOneBadRowWritesNothing() throws SQLException {
        long before = count();
        fails("INSERT INTO t (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'way too long'), (4, 'd')", "22001")
                .hasMessageContaining("row 3");
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO t (id, name) VALUES (?, ?)")) {
            for (int i = 0; i < 10; i++) {
                p.setInt(1, i);
                p.setString(2, i == 7 ? "much too long" : "ok");
                p.addBatch();
            }
            assertThatThrownBy(p::executeBatch).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("22001"));
        }
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void unsupportedStatements() {
        fails("UPDATE t SET name = 'x'", "0A000").isInstanceOf(SQLFeatureNotSupportedException.class)
                .hasMessageContaining("UPDATE");
        fails("DELETE FROM t", "0A000").hasMessageContaining("DELETE");
        fails("MERGE INTO t USING t AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET name = 'x'", "0A000");
        fails("SELECT COUNT(*) FROM t GROUP BY TUMBLE(_timestamp, INTERVAL '1' MINUTE) EMIT FINAL", "0A000")
                .hasMessageContaining("EMIT FINAL");
        fails("SELECT COUNT(*) FROM t EMIT CHANGES", "0A000");
        fails("SELECT * FROM t a JOIN t b ON a.id = b.id EMIT CHANGES", "0A000");
        fails("ALTER CONSUMER GROUP g RESET OFFSETS FOR TOPIC t TO EARLIEST", "42704")
                .hasMessageContaining("consumer group g does not exist");
        fails("INSERT INTO sys.topics VALUES (1)", "42809");
        fails("SELECT * FROM sys.queries EMIT CHANGES", "0A000");
    }

    @Test
    void aVeryLargeStatementIsRefused() {
        StringBuilder sql = new StringBuilder("INSERT INTO t (id) VALUES (0)");
        for (int i = 1; sql.length() < 300_000; i++) {
            sql.append(", (").append(i).append(')');
        }
        fails(sql.toString(), "54000").hasMessageContaining("max_statement_chars");
    }

    @Test
    void theServerKeepsServingAfterErrors() throws SQLException {
        for (int i = 0; i < 20; i++) {
            fails("SELECT * FROM nosuch" + i, "42P01");
        }
        try (Statement s = connection.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO t (id) VALUES (42)")).isEqualTo(1);
        }
    }
}
