package io.runnel.sql.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.exec.Prepared;
import io.runnel.sql.testkit.SqlFixture;
import java.util.List;
import org.apache.calcite.avatica.ColumnMetaData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The validator hides a topic's system columns from {@code *} and nowhere else. */
class SystemColumnsTest {
    private static SqlFixture f;

    @BeforeAll
    static void setUp() {
        f = new SqlFixture();
        f.update("CREATE TOPIC t (a INTEGER, b VARCHAR(5))");
        f.update("CREATE TOPIC u (a INTEGER, c VARCHAR(5))");
    }

    @AfterAll
    static void tearDown() {
        f.close();
    }

    private static List<String> columns(String sql) {
        return f.prepare(sql).columns().stream().map(c -> c.label).toList();
    }

    @Test
    void starLeavesSystemColumnsOut() {
        assertThat(columns("SELECT * FROM t")).containsExactly("a", "b");
        assertThat(columns("SELECT t.* FROM t")).containsExactly("a", "b");
        assertThat(columns("SELECT * FROM t EMIT CHANGES")).containsExactly("a", "b");
        assertThat(columns("SELECT * FROM t JOIN u ON t.a = u.a")).containsExactly("a", "b", "a0", "c");
    }

    @Test
    void namedSystemColumnsAreSelected() {
        assertThat(columns("SELECT _partition, _offset, _timestamp, * FROM t"))
                .containsExactly("_partition", "_offset", "_timestamp", "a", "b");
        assertThat(columns("SELECT t._OFFSET FROM t")).containsExactly("_OFFSET");
        List<ColumnMetaData> meta = f.prepare("SELECT _partition, _offset, _timestamp FROM t").columns();
        assertThat(meta).extracting(c -> c.type.name).containsExactly("INTEGER", "BIGINT", "TIMESTAMP");
    }

    @Test
    void starOverASubQueryKeepsWhatTheSubQueryNamed() {
        assertThat(columns("SELECT * FROM (SELECT a, _offset FROM t)")).containsExactly("a", "_offset");
        assertThat(columns("SELECT * FROM (SELECT * FROM t)")).containsExactly("a", "b");
    }

    @Test
    void systemTablesAreNotTopics() {
        assertThat(f.prepare("SELECT * FROM sys.partitions")).isInstanceOf(Prepared.Query.class);
        assertThat(columns("SELECT * FROM sys.partitions")).contains("topic", "partition_id", "high_watermark");
    }
}
