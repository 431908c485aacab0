package io.runnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * sqlline, as {@code ./runnel sql} runs it (the Runnel driver, incremental output), runs a script
 * non-interactively against a server: DDL, inserts, a query, an aggregate, metadata commands and an
 * error.
 */
class SqllineIT {

    @Test
    void scriptRunsThroughSqlline() throws Exception {
        try (ServerFixture fixture = new ServerFixture()) {
            Path script = fixture.dataDir().resolveSibling(fixture.dataDir().getFileName() + "-script.sql");
            Files.writeString(script, String.join("\n",
                    "CREATE TOPIC orders (id BIGINT NOT NULL, customer VARCHAR(16), amount DECIMAL(12,2)) WITH (partitions = 3);",
                    "INSERT INTO orders VALUES (1, 'alice', 10.50), (2, 'bob', 4.25), (3, 'alice', 7.00);",
                    "SELECT * FROM orders ORDER BY id;",
                    "SELECT customer, SUM(amount) AS total FROM orders GROUP BY customer ORDER BY customer;",
                    "SELECT * FROM orders EMIT CHANGES WHERE id > 0;",
                    "!tables",
                    ""), StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlogback.configurationFile=logback-sqlline.xml",
                    "-cp", System.getProperty("java.class.path"),
                    "sqlline.SqlLine", "-d", "io.runnel.jdbc.RunnelDriver", "-u", fixture.url(), "-n", "runnel", "-p", "",
                    "--incremental=true", "--isolation=TRANSACTION_NONE", "--maxWidth=200", "--force=true",
                    "--connectInteractionMode=notAskCredentials", "-f", script.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            System.out.println(out);
            assertThat(out).contains("3 rows affected");
            assertThat(out).contains("alice").contains("17.50").contains("4.25");
            assertThat(out).contains("Encountered \"WHERE\"");
            for (String table : List.of("orders", "topics", "partitions", "queries")) {
                assertThat(out).contains(table);
            }
        }
    }
}
