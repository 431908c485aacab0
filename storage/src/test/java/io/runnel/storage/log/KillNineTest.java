package io.runnel.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.testkit.MutableClock;
import io.runnel.storage.testkit.Seeds;
import io.runnel.storage.testkit.TestBatches;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends from a real child JVM ({@link AppenderMain}), kills it with SIGKILL at a random moment,
 * reopens the log and checks: every acknowledged batch is there with its content (acknowledged =
 * append returned), no batch is partial or corrupt, offsets are dense, and the next child continues
 * the same log. Repeated on one directory, under every flush policy.
 */
class KillNineTest {
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    /** One acknowledged append. */
    record Ack(long baseOffset, long tag, int rows) {}

    @Test
    void everyAcknowledgedBatchSurvivesKillNine() throws Exception {
        long seed = Seeds.seed("everyAcknowledgedBatchSurvivesKillNine");
        SplittableRandom random = new SplittableRandom(seed);
        Map<Long, Ack> acked = new ConcurrentHashMap<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        long[] policies = {-1, 0, 50};
        for (int round = 0; round < ROUNDS; round++) {
            long policy = policies[round % policies.length];
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                    AppenderMain.class.getName(), dir.toString(), Long.toString(random.nextLong()), Long.toString(policy))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            Process child = builder.start();
            List<Ack> thisRound = new CopyOnWriteArrayList<>();
            AtomicInteger opened = new AtomicInteger();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        String[] parts = line.split(" ");
                        if (parts[0].equals("OPEN")) {
                            opened.incrementAndGet();
                        } else if (parts[0].equals("ACK") && parts.length == 4) {
                            Ack ack = new Ack(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Integer.parseInt(parts[3]));
                            thisRound.add(ack);
                            acked.put(ack.baseOffset(), ack);
                        }
                    }
                } catch (java.io.IOException e) {
                    // The pipe breaks when the child dies.
                }
            });
            reader.start();
            try {
                int wanted = random.nextInt(1, 300);
                Awaitility.await("child appends (round " + round + ", seed " + seed + ")").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(random.nextInt(1, 20)))
                        .until(() -> thisRound.size() >= wanted || !child.isAlive());
                assertThat(child.isAlive()).as("child died on its own in round %d", round).isTrue();
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                reader.join(10_000);
            }
            assertThat(opened.get()).isEqualTo(1);
            verify(acked, round, seed, policy);
        }
    }

    private void verify(Map<Long, Ack> acked, int round, long seed, long policy) {
        try (PartitionLog log = PartitionLog.open(dir, AppenderMain.config(policy), TestBatches.SCHEMAS, new MutableClock(0));
                TestBatches batches = new TestBatches()) {
            long start = log.logStartOffset();
            long end = log.logEndOffset();
            long lastAcked = acked.values().stream().mapToLong(a -> a.baseOffset() + a.rows()).max().orElse(0);
            assertThat(end).as("round %d seed %d: log end covers every acknowledged batch", round, seed)
                    .isGreaterThanOrEqualTo(lastAcked);
            long offset = start;
            while (offset < end) {
                LogReadResult read = log.read(offset, Long.MAX_VALUE, 4 << 20, null);
                for (RecordBatch batch : read.batches()) {
                    assertThat(batch.baseOffset()).as("dense offsets").isEqualTo(offset);
                    long tag = batches.verify(batch);
                    Ack ack = acked.get(batch.baseOffset());
                    if (ack != null) {
                        assertThat(tag).as("round %d seed %d: batch at %d", round, seed, offset).isEqualTo(ack.tag());
                        assertThat(batch.recordCount()).isEqualTo(ack.rows());
                    }
                    offset = batch.nextOffset();
                }
            }
            for (Ack ack : acked.values()) {
                if (ack.baseOffset() >= start) {
                    assertThat(ack.baseOffset()).isLessThan(end);
                }
            }
            // Acknowledgements below the log start were deleted by retention, not lost.
            acked.keySet().removeIf(base -> base < start);
        }
    }
}
