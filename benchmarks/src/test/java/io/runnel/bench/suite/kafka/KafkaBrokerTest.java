package io.runnel.bench.suite.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void singleNodeKraftOnLoopback() {
        Map<String, String> p = KafkaBroker.serverProperties(19092, 19093, Path.of("/tmp/k/kafka-logs"));
        assertThat(p).containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("log.dirs", "/tmp/k/kafka-logs")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("auto.create.topics.enable", "false");
        // Nothing that shapes data-path performance is changed from Kafka's defaults.
        assertThat(p.keySet()).noneMatch(k -> k.startsWith("log.flush") || k.startsWith("num.io") || k.startsWith("num.network")
                || k.startsWith("compression") || k.startsWith("log.segment"));
    }

    @Test
    void jvmOptionsAreThoseOfKafkasScripts() {
        assertThat(KafkaBroker.DEFAULT_JVM_OPTIONS).contains("-Xmx1G", "-Xms1G", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20");
    }

    @Test
    void projectedDecodeReadsIdAndAmountInPlace() {
        var rows = new io.runnel.bench.data.OrdersGenerator(3).next(1000);
        var viaCodec = new io.runnel.bench.suite.load.RowChecksum();
        var inPlace = new io.runnel.bench.suite.load.RowChecksum();
        for (var o : rows) {
            viaCodec.addProjected(o.id(), o.amountCents());
            KafkaSystem.addProjected(inPlace, io.runnel.bench.data.OrderBinaryCodec.encode(o));
        }
        assertThat(inPlace.value()).isEqualTo(viaCodec.value());
    }
}
