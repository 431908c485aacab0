package io.runnel.sql.exec;

import io.runnel.engine.TopicReader;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a topic scan needs from the statement it runs in: the cancel flag it checks in every wait,
 * a place to register its readers so that a cancel from another thread wakes them, and how long
 * one engine poll may wait.
 *
 * <p>Implementations are thread-safe: cancel comes from request threads while the scan runs on a
 * query thread.
 */
public interface QueryControl {
    /** The key under which the {@link org.apache.calcite.DataContext} of a statement holds its control. */
    String DATA_CONTEXT_KEY = "runnelQueryControl";

    /** The id of the query in {@code sys.queries}, for messages. */
    String queryId();

    /** Set when the statement is cancelled; Calcite's generated code and the scans both read it. */
    AtomicBoolean cancelFlag();

    /** The reason given to {@link #cancelFlag()}'s setter, for the error the scan throws. */
    String cancelReason();

    /** A scan opened {@code reader}: a cancel must {@link TopicReader#wakeup()} it. */
    void readerOpened(TopicReader reader);

    /** A scan closed {@code reader}. */
    void readerClosed(TopicReader reader);

    /** How long one poll of an unbounded reader may block before the scan checks the flag again. */
    long pollWaitMs();

    /**
     * The consumer-group cursor of the statement when its connection has a {@code group} and the
     * statement is a streaming query; a scan then reads the partitions the group assigns from the
     * group's positions instead of its own seeks. Null otherwise.
     */
    default GroupCursor groupCursor() {
        return null;
    }

    /** A control for statements run outside a server connection (tests, INSERT ... SELECT helpers). */
    static QueryControl detached() {
        AtomicBoolean flag = new AtomicBoolean();
        return new QueryControl() {
            @Override
            public String queryId() {
                return "(detached)";
            }

            @Override
            public AtomicBoolean cancelFlag() {
                return flag;
            }

            @Override
            public String cancelReason() {
                return "cancelled";
            }

            @Override
            public void readerOpened(TopicReader reader) {}

            @Override
            public void readerClosed(TopicReader reader) {}

            @Override
            public long pollWaitMs() {
                return 500;
            }
        };
    }
}
