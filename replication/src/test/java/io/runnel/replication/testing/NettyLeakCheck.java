package io.runnel.replication.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. The replication module's tests
 * run with {@code -Dio.netty.leakDetection.level=paranoid} (the POM sets it): every buffer is tracked,
 * and a buffer collected without being released is logged by {@link ResourceLeakDetector} as
 * {@code LEAK: ...}. This extension captures those log events; after the class it collects garbage and
 * allocates a few buffers (the detector reports on allocation), then fails on any report.
 *
 * <p>Thread-safe (reports arrive on any thread).
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static final Capture CAPTURE = new Capture();

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        REPORTS.clear();
    }

    /** Starts capturing Netty's leak reports (idempotent). */
    static void install() {
        synchronized (CAPTURE) {
            if (!CAPTURE.isStarted()) {
                Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
                CAPTURE.setContext(detector.getLoggerContext());
                CAPTURE.start();
                detector.addAppender(CAPTURE);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> reports = sweep();
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " Netty buffer leak report(s) during " + context.getDisplayName()
                    + " (leak detection level " + ResourceLeakDetector.getLevel() + "); first:\n" + reports.get(0));
        }
    }

    /**
     * Collects garbage and allocates a few tracked buffers, so that the detector reports buffers that
     * were collected unreleased; returns (and forgets) the reports captured since the last sweep.
     */
    static List<String> sweep() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(20); // lets the reference handler enqueue collected trackers (not a wait for a condition)
            for (int i = 0; i < 16; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                probe.release();
            }
        }
        List<String> out = List.copyOf(REPORTS);
        REPORTS.clear();
        return out;
    }

    /** Netty's leak reports, as logged. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (message != null && message.contains("LEAK:")) {
                REPORTS.add(message);
            }
        }
    }
}
