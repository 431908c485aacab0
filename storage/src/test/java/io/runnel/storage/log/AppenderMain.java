package io.runnel.storage.log;

import io.runnel.storage.testkit.TestBatches;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;

/**
 * The child process of {@link KillNineTest}: opens (and so recovers) the log, then appends batches
 * as fast as it can, printing {@code ACK <baseOffset> <tag> <rows>} after each append returns, until
 * it is killed. Arguments: directory, seed, flush policy interval (0, -1 or ms).
 */
public final class AppenderMain {
    private AppenderMain() {}

    static LogConfig config(long flushIntervalMs) {
        return LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withIndexIntervalBytes(1024).withMaxIndexBytes(4096)
                .withRetentionBytes(512 * 1024).withFlushPolicy(new FlushPolicy(flushIntervalMs));
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        LogConfig config = config(Long.parseLong(args[2]));
        PartitionLog log = PartitionLog.open(dir, config, TestBatches.SCHEMAS, Clock.systemUTC());
        System.out.println("OPEN " + log.logStartOffset() + " " + log.logEndOffset());
        System.out.flush();
        try (TestBatches batches = new TestBatches()) {
            for (long n = 0; ; n++) {
                long tag = random.nextLong(1, Long.MAX_VALUE / 2_000_000);
                int rows = random.nextInt(20) == 0 ? random.nextInt(1000, 5000) : random.nextInt(1, 200);
                LogAppendInfo info = log.append(batches.batch(tag, rows), 1);
                System.out.println("ACK " + info.firstOffset() + " " + tag + " " + rows);
                System.out.flush();
                if (n % 25 == 0) {
                    log.applyRetention();
                }
            }
        }
    }
}
