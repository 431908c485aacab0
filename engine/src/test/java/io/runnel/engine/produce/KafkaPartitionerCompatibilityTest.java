package io.runnel.engine.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.Partitioner;
import io.runnel.storage.format.Schema;
import io.runnel.storage.testkit.Seeds;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Runnel's {@link Partitioner} puts a one-column VARCHAR, INTEGER or BIGINT key in the partition a
 * Kafka producer (kafka-clients, default partitioner, String/Integer/LongSerializer) puts the same key.
 * Seeded random keys; the seed is printed.
 */
class KafkaPartitionerCompatibilityTest {
    @Test
    void sameKeySamePartitionAsKafka() {
        long seed = Seeds.seed("KafkaPartitionerCompatibilityTest");
        SplittableRandom random = new SplittableRandom(seed);
        try (StringSerializer strings = new StringSerializer(); IntegerSerializer ints = new IntegerSerializer();
                LongSerializer longs = new LongSerializer()) {
            for (int i = 0; i < 2_000; i++) {
                int partitions = 1 + random.nextInt(64);
                String s = randomString(random);
                Partitioner p = new Partitioner(Schema.of(0, Column.varchar("k", -1, true)), new int[] {0}, partitions);
                byte[] kafkaKey = strings.serialize("t", s);
                assertThat(Partitioner.murmur2(kafkaKey)).isEqualTo(Utils.murmur2(kafkaKey));
                assertThat(p.partitionOf(s)).as("key '%s' in %d partitions (seed %d)", s, partitions, seed)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(kafkaKey, partitions));

                int n = random.nextInt();
                Partitioner pi = new Partitioner(Schema.of(0, Column.of("k", ColumnType.INTEGER, true)), new int[] {0}, partitions);
                assertThat(pi.partitionOf(n)).isEqualTo(BuiltInPartitioner.partitionForKey(ints.serialize("t", n), partitions));

                long l = random.nextLong();
                Partitioner pl = new Partitioner(Schema.of(0, Column.of("k", ColumnType.BIGINT, true)), new int[] {0}, partitions);
                assertThat(pl.partitionOf(l)).isEqualTo(BuiltInPartitioner.partitionForKey(longs.serialize("t", l), partitions));
            }
        }
    }

    private static String randomString(SplittableRandom random) {
        int length = random.nextInt(40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            sb.appendCodePoint(kind < 7 ? 'a' + random.nextInt(26) : kind < 9 ? 0x00e0 + random.nextInt(200)
                    : 0x1F600 + random.nextInt(50));
        }
        return sb.toString();
    }
}
