package io.runnel.replication.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** The leak check can fail: a buffer dropped without release is reported (the module's tests run at paranoid level). */
class NettyLeakCheckTest {

    @Test
    void aBufferCollectedUnreleasedIsReported() throws InterruptedException {
        assertThat(ResourceLeakDetector.getLevel()).as("surefire sets io.netty.leakDetection.level=paranoid")
                .isEqualTo(ResourceLeakDetector.Level.PARANOID);
        NettyLeakCheck.install();
        NettyLeakCheck.sweep();
        leak();
        assertThat(NettyLeakCheck.sweep()).as("reports after leaking a buffer").isNotEmpty();
        assertThat(NettyLeakCheck.sweep()).as("reports are consumed by a sweep").isEmpty();
    }

    @Test
    void releasedBuffersAreNotReported() throws InterruptedException {
        NettyLeakCheck.install();
        NettyLeakCheck.sweep();
        for (int i = 0; i < 100; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            b.writeLong(i);
            b.release();
        }
        assertThat(NettyLeakCheck.sweep()).isEmpty();
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42); // never released; unreachable once this returns
    }
}
