package io.runnel.sql.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.testkit.SqlFixture;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void endToEnd() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(64), amount DECIMAL(12,2), placed_at TIMESTAMP(3)) WITH (partitions = 3)");
            assertThat(f.update("INSERT INTO orders VALUES (1, 'a', 10.5, TIMESTAMP '2026-01-01 10:00:00'), (2, 'b', 20, NULL), (3, 'a', 1.25, NULL)")).isEqualTo(3);
            System.out.println(f.query("SELECT * FROM orders"));
            System.out.println(f.query("SELECT customer, SUM(amount) FROM orders GROUP BY customer"));
            System.out.println(f.query("SELECT id, _partition, _offset, _timestamp FROM orders WHERE amount > 5"));
            System.out.println(f.explain("SELECT id, amount FROM orders WHERE amount > 5 AND _partition = 2 AND _offset >= 10"));
            System.out.println(f.explain("SELECT * FROM orders WHERE _offset >= 0 EMIT CHANGES"));
            System.out.println(f.query("SELECT * FROM orders WHERE id = ?", 2L));
            System.out.println(f.query("SHOW TOPICS"));
            System.out.println(f.query("DESCRIBE orders"));
            System.out.println(f.query("SELECT * FROM sys.partitions"));
        }
    }
}
