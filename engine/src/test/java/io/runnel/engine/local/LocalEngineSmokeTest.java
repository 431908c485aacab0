package io.runnel.engine.local;

import static io.runnel.engine.testkit.EngineFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.engine.Acks;
import io.runnel.engine.ProduceResult;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEngineSmokeTest {
    @TempDir
    Path dir;

    @Test
    void createProduceReadReopen() throws Exception {
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir))) {
            TopicInfo t = create(engine, events("events", 2));
            ProduceResult r = engine.produce("EVENTS", List.of(to(0, eventBatch(t, 0, 10)), to(1, eventBatch(t, 10, 5))),
                    Acks.ALL, 5_000);
            assertThat(r.rowCount()).isEqualTo(15);
            try (TopicReader reader = engine.openReader(ReadRequest.snapshot("events", null))) {
                assertThat(drain(reader)).hasSize(15);
            }
        }
        try (LocalEngine engine = LocalEngine.open(EngineConfig.defaults(dir))) {
            assertThat(engine.topics()).extracting(TopicInfo::name).containsExactly("events");
            try (TopicReader reader = engine.openReader(ReadRequest.snapshot("events", new int[] {0}))) {
                assertThat(drain(reader)).extracting(ReadRow::k).containsExactlyInAnyOrder(
                        0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
            }
        }
    }
}
