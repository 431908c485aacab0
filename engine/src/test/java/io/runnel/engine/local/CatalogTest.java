package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.engine.Acks;
import io.runnel.engine.EngineException;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CREATE / ALTER / ADD COLUMN / DROP: results, persistence, and every bad input with its SQLSTATE. */
class CatalogTest {
    @TempDir
    Path dir;
    LocalEngine engine;

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineConfig.defaults(dir));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static void fails(ThrowingCallable call, String sqlState, String... messageParts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.sqlState()).as(e.getMessage()).isEqualTo(sqlState);
            for (String part : messageParts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    private static TopicSpec spec(String name, List<Column> columns, List<String> key, Map<String, String> options) {
        return new TopicSpec(name, columns, key, options);
    }

    @Test
    void createPersistsSchemaKeyAndOptionsAcrossReopen() {
        TopicInfo created = engine.createTopic(spec("Orders",
                List.of(Column.of("id", ColumnType.BIGINT, false), Column.varchar("customer", 64, true),
                        Column.decimal("amount", 12, 2, true), Column.of("placed_at", ColumnType.TIMESTAMP, false)),
                List.of("CUSTOMER"), Map.of("partitions", "3", "retention", "2 days", "timestamp", "PLACED_AT",
                        "compression", "lz4")), false);
        assertThat(created.partitionKey()).containsExactly(1);
        assertThat(created.config().timestampColumn()).isEqualTo("placed_at");
        engine.close();
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        TopicInfo loaded = engine.topic("orders").orElseThrow();
        assertThat(loaded.name()).isEqualTo("Orders");
        assertThat(loaded.topicId()).isEqualTo(created.topicId());
        assertThat(loaded.schemas()).isEqualTo(created.schemas());
        assertThat(loaded.partitionKey()).containsExactly(1);
        assertThat(loaded.config()).isEqualTo(created.config());
        assertThat(loaded.config().retentionMs()).isEqualTo(2 * 86_400_000L);
        assertThat(engine.partitionStatus("orders")).hasSize(3);
    }

    @Test
    void namesAreCaseInsensitiveAndUnique() {
        engine.createTopic(events("Events", 1), false);
        fails(() -> engine.createTopic(events("EVENTS", 1), false), "42P07", "Events already exists", "case-insensitive");
        assertThat(engine.createTopic(events("events", 4), true).name()).isEqualTo("Events");
        assertThat(engine.topic("eVeNtS")).isPresent();
        fails(() -> engine.createTopic(events("Events", 1), false), "42P07", "topic Events already exists");
    }

    @Test
    void badTopicNames() {
        fails(() -> engine.createTopic(events("", 1), false), "42601", "must not be empty");
        fails(() -> engine.createTopic(events("a b", 1), false), "42601", "U+0020", "position 2");
        fails(() -> engine.createTopic(events("x/y", 1), false), "42601", "'/'");
        fails(() -> engine.createTopic(events("..", 1), false), "42601", "'.' or '..'");
        fails(() -> engine.createTopic(events("__internal", 1), false), "42601", "reserved for internal topics");
        fails(() -> engine.createTopic(events("x".repeat(250), 1), false), "42601", "at most 249");
        assertThat(engine.createTopic(events("a".repeat(249), 1), false).name()).hasSize(249);
        engine.dropTopic("a".repeat(249), false);
        assertThat(engine.createTopic(events("ok.name_1-2", 1), false)).isNotNull();
    }

    @Test
    void badColumns() {
        Column id = Column.of("id", ColumnType.BIGINT, false);
        fails(() -> engine.createTopic(spec("t", List.of(id, Column.of("ID", ColumnType.INTEGER, true)), List.of(), Map.of()),
                false), "42701", "ID", "more than once");
        fails(() -> engine.createTopic(spec("t", List.of(Column.of("_offset", ColumnType.BIGINT, true)), List.of(), Map.of()),
                false), "42601", "_offset", "reserved");
        fails(() -> engine.createTopic(spec("t", List.of(Column.varchar("s", 70_000, true)), List.of(), Map.of()), false),
                "22023", "VARCHAR(70000)", "65535");
        fails(() -> engine.createTopic(spec("t", List.of(new Column("ts", ColumnType.TIMESTAMP, 6, 0, true)), List.of(),
                Map.of()), false), "0A000", "TIMESTAMP(6)", "precision must be 3");
        fails(() -> engine.createTopic(spec("t", List.of(), List.of(), Map.of()), false), "42601", "at least one column");
        assertThat(engine.createTopic(spec("t", List.of(new Column("ts", ColumnType.TIMESTAMP, 3, 0, true),
                Column.varchar("s", 65_535, true), Column.varchar("u", Column.UNBOUNDED, true)), List.of(), Map.of()), false)
                .currentSchema().column(0).precision()).isZero();
    }

    @Test
    void badKeysAndOptions() {
        List<Column> cols = List.of(Column.of("id", ColumnType.BIGINT, false), Column.of("at", ColumnType.TIMESTAMP, true),
                Column.of("d", ColumnType.DATE, true));
        fails(() -> engine.createTopic(spec("t", cols, List.of("nope"), Map.of()), false), "42703", "PARTITION BY", "nope");
        fails(() -> engine.createTopic(spec("t", cols, List.of("id", "ID"), Map.of()), false), "42701", "twice");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("timestamp", "zz")), false), "42703", "zz");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("timestamp", "d")), false), "42804", "d DATE");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("partitions", "0")), false), "22023", "partitions");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("bogus", "1")), false), "22023", "unknown topic option 'bogus'");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("retention", "0")), false), "22023", "retention");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("retention", "soon")), false), "22023", "soon");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("segment_bytes", "1KB")), false), "22023", "segment_bytes");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("replication_factor", "3")), false), "22023",
                "replication_factor 3", "1 available broker");
        fails(() -> engine.createTopic(spec("t", cols, List.of(), Map.of("compression", "gzip")), false), "22023", "gzip");
        assertThat(engine.topics()).isEmpty();
        assertThat(dir.resolve("topics")).isEmptyDirectory();
    }

    @Test
    void alterGrowsPartitionsAndAppliesOptions() throws Exception {
        TopicInfo t = engine.createTopic(events("t", 2), false);
        engine.produce("t", List.of(to(1, eventBatch(t, 0, 3))), Acks.ALL, 5_000);
        TopicInfo altered = engine.alterTopic("T", Map.of("partitions", "5", "retention", "1 hour"));
        assertThat(altered.partitions()).isEqualTo(5);
        assertThat(altered.config().retentionMs()).isEqualTo(3_600_000L);
        assertThat(engine.partitionStatus("t")).hasSize(5);
        engine.produce("t", List.of(to(4, eventBatch(altered, 3, 2))), Acks.ALL, 5_000);
        assertThat(engine.partitionStatus("t").get(1).logEndOffset()).isEqualTo(3);
        assertThat(engine.partitionStatus("t").get(1).partition()).isEqualTo(1);
        fails(() -> engine.alterTopic("t", Map.of("partitions", "3")), "22023", "only grow", "5");
        fails(() -> engine.alterTopic("t", Map.of("timestamp", "k")), "0A000", "timestamp", "fixed");
        fails(() -> engine.alterTopic("nope", Map.of("retention", "1h")), "42P01", "nope");
        engine.close();
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        assertThat(engine.topic("t").orElseThrow().partitions()).isEqualTo(5);
        assertThat(engine.partitionStatus("t").get(4).logEndOffset()).isEqualTo(2);
        assertThat(engine.partitionStatus("t").get(1).logEndOffset()).isEqualTo(3);
    }

    @Test
    void addColumnMakesANewSchemaAndOldRowsReadNull() throws Exception {
        TopicInfo t = engine.createTopic(events("t", 1), false);
        engine.produce("t", List.of(to(0, eventBatch(t, 0, 4))), Acks.ALL, 5_000);
        TopicInfo v1 = engine.addColumn("t", Column.varchar("channel", 16, true));
        assertThat(v1.schemas()).hasSize(2);
        assertThat(v1.currentSchema().schemaId()).isEqualTo(1);
        fails(() -> engine.addColumn("t", Column.varchar("CHANNEL", 16, true)), "42701", "channel");
        fails(() -> engine.addColumn("t", Column.of("x", ColumnType.INTEGER, false)), "42601", "must be nullable");
        fails(() -> engine.addColumn("t", Column.of("_x", ColumnType.INTEGER, true)), "42601", "reserved");
        fails(() -> engine.addColumn("nope", Column.of("x", ColumnType.INTEGER, true)), "42P01");
        // Old batches (schema 0) are still accepted; reading with the new schema gives NULL for the new column.
        engine.produce("t", List.of(to(0, eventBatch(t, 4, 2))), Acks.ALL, 5_000);
        engine.close();
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        for (int[] projection : new int[][] {null, {0, 3}, {3}}) {
            try (TopicReader r = engine.openReader(new ReadRequest("t", Map.of(), StartPosition.earliest(), true,
                    projection, 1 << 20))) {
                int rows = 0;
                for (var chunk = r.poll(0); !chunk.isEnd(); chunk = r.poll(0)) {
                    for (int row = chunk.fromRow(); row < chunk.toRow(); row++) {
                        assertThat(chunk.batch().isNull(3, row)).isTrue();
                        rows++;
                    }
                }
                assertThat(rows).isEqualTo(6);
            }
        }
    }

    @Test
    void dropMakesTheNameReusableAtOnceAndDataGoes() throws Exception {
        TopicInfo t = engine.createTopic(events("t", 2), false);
        engine.produce("t", List.of(to(0, eventBatch(t, 0, 5))), Acks.ALL, 5_000);
        engine.dropTopic("T", false);
        fails(() -> engine.dropTopic("t", false), "42P01", "t does not exist");
        engine.dropTopic("t", true);
        fails(() -> engine.produce("t", List.of(to(0, eventBatch(t, 0, 1))), Acks.ALL, 1_000), "42P01");
        TopicInfo again = engine.createTopic(events("t", 1), false);
        assertThat(again.topicId()).isNotEqualTo(t.topicId());
        assertThat(engine.partitionStatus("t").get(0).logEndOffset()).isZero();
        try (TopicReader r = engine.openReader(ReadRequest.snapshot("t", null))) {
            assertThat(drain(r)).isEmpty();
        }
        engine.close();
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        assertThat(engine.topic("t").orElseThrow().topicId()).isEqualTo(again.topicId());
        assertThat(engine.partitionStatus("t").get(0).logEndOffset()).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> { try (var s = Files.list(dir.resolve("trash"))) { return s.findAny().isEmpty(); } });
    }

    @Test
    void leftoversOfACrashAreCleanedOnStart() throws Exception {
        engine.createTopic(events("kept", 1), false);
        engine.close();
        Path orphan = dir.resolve("topics").resolve("orphan").resolve("0");
        Files.createDirectories(orphan);
        Files.writeString(orphan.resolve("00000000000000000000.seg"), "junk");
        Path trashed = dir.resolve("trash").resolve("old-topic").resolve("0");
        Files.createDirectories(trashed);
        Files.writeString(dir.resolve("meta").resolve("tmp").resolve("half.json"), "{");
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        assertThat(dir.resolve("topics").resolve("orphan")).doesNotExist();
        assertThat(dir.resolve("meta").resolve("tmp").resolve("half.json")).doesNotExist();
        assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("kept");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> { try (var s = Files.list(dir.resolve("trash"))) { return s.findAny().isEmpty(); } });
    }

    @Test
    void internalTopicsAreHiddenButFound() {
        engine.createTopic(events("user", 1), false);
        engine.createInternalTopic(events("__group_offsets", 1), false);
        assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("user");
        assertThat(engine.topic("__GROUP_offsets")).get().extracting(TopicInfo::internal).isEqualTo(true);
        engine.close();
        engine = LocalEngine.open(EngineConfig.defaults(dir));
        assertThat(engine.topic("__group_offsets")).isPresent();
        assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("user");
    }

    @Test
    void secondEngineOnTheSameDirectoryIsRefused() {
        fails(() -> LocalEngine.open(EngineConfig.defaults(dir)), "55006", "in use");
    }

    @Test
    void topicsAreSortedByName() {
        engine.createTopic(events("b", 1), false);
        engine.createTopic(events("A", 1), false);
        engine.createTopic(events("c", 1), false);
        assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("A", "b", "c");
    }
}
