package io.runnel.sql.insert;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.sql.testkit.SqlFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A topic whose {@code _timestamp} is an event-time column: INSERT writes it, scans read it, seeks use it. */
class EventTimeTest {

    @Test
    void timestampColumnIsTheRowsTimestamp() {
        try (SqlFixture f = new SqlFixture()) {
            f.update("CREATE TOPIC clicks (url VARCHAR(20), clicked_at TIMESTAMP(3) NOT NULL) WITH (\"timestamp\" = 'clicked_at')");
            f.update("INSERT INTO clicks VALUES ('/a', TIMESTAMP '2026-01-01 00:00:01'), ('/b', TIMESTAMP '2026-01-01 00:00:03'),"
                    + " ('/c', TIMESTAMP '2026-01-01 00:00:02')");
            List<List<Object>> rows = f.query("SELECT url, _timestamp, clicked_at FROM clicks");
            assertThat(rows).allSatisfy(r -> assertThat(r.get(1)).isEqualTo(r.get(2)));
            assertThat(f.query("SELECT url FROM clicks WHERE _timestamp >= TIMESTAMP '2026-01-01 00:00:02' ORDER BY url"))
                    .containsExactly(List.of("/b"), List.of("/c"));
            assertThat(f.explain("SELECT url FROM clicks WHERE _timestamp >= TIMESTAMP '2026-01-01 00:00:02'"))
                    .contains("_timestamp >= 2026-01-01 00:00:02");
        }
    }
}
