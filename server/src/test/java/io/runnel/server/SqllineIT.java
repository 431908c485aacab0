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
 * error; and the launcher itself with a script piped into it, as a user scripts it.
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

    /**
     * {@code ./runnel sql URL < script}: without a terminal sqlline gets a width-0 "dumb" terminal,
     * which printed every table with empty columns until the launcher set a width.
     */
    @Test
    void scriptPipedIntoTheLauncherPrintsItsTables() throws Exception {
        Path launcher = Path.of("..", "runnel").toAbsolutePath().normalize();
        assertThat(launcher).as("the launcher at the repository root").isRegularFile();
        try (ServerFixture fixture = new ServerFixture()) {
            ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "sql", fixture.url())
                    .redirectErrorStream(true);
            pb.environment().put("RUNNEL_SKIP_BUILD", "1"); // this build's jars, no nested build
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                in.write(String.join("\n",
                        "CREATE TOPIC piped (id BIGINT NOT NULL, customer VARCHAR(16)) WITH (partitions = 2);",
                        "INSERT INTO piped VALUES (41, 'carol'), (42, 'dave');",
                        "SELECT id, customer FROM piped ORDER BY id;",
                        "!quit", "").getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            System.out.println(out);
            assertThat(out).contains("2 rows affected");
            assertThat(out).containsPattern("\\|\\s*41\\s*\\|\\s*carol\\s*\\|")
                    .containsPattern("\\|\\s*42\\s*\\|\\s*dave\\s*\\|")
                    .contains("customer");
            assertThat(out).doesNotContain("Unable to create a system terminal");
        }
    }
}
