package io.runnel.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.avatica.Meta;
import org.junit.jupiter.api.Test;

/** The lazy row iterator against a scripted server: what it fetches, when, and how it waits. */
class FrameRowsTest {
    /** A scripted server: hands out frames in order and records each request. */
    private static class ScriptedFetcher implements FrameRows.FrameFetcher {
        final Deque<Meta.Frame> frames = new ArrayDeque<>();
        final List<long[]> requests = new ArrayList<>();
        final AtomicLong clockNanos;
        final long answerNanos;

        ScriptedFetcher(AtomicLong clockNanos, long answerMs) {
            this.clockNanos = clockNanos;
            this.answerNanos = answerMs * 1_000_000;
        }

        @Override
        public Meta.Frame fetch(long offset, int maxRows) {
            requests.add(new long[] {offset, maxRows});
            clockNanos.addAndGet(answerNanos);
            if (frames.isEmpty()) {
                throw new AssertionError("unexpected fetch at offset " + offset);
            }
            return frames.removeFirst();
        }
    }

    private static Meta.Frame frame(boolean done, long... values) {
        List<Object> rows = new ArrayList<>();
        for (long v : values) {
            rows.add(List.of(v));
        }
        return Meta.Frame.create(0, done, rows);
    }

    private final AtomicLong clock = new AtomicLong();
    private final List<Long> pauses = new ArrayList<>();

    private FrameRows rows(Meta.Frame first, ScriptedFetcher fetcher, int rowsPerFetch) {
        return new FrameRows(first, fetcher, null, () -> rowsPerFetch, clock::get, pauses::add);
    }

    @Test
    void nextNeverFetchesAheadAndHasNextFetchesOnlyWhenTheFrameIsUsedUp() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 100);
        FrameRows rows = rows(frame(false, 1, 2), server, 50);

        assertThat(rows.next()).isEqualTo(List.of(1L));
        assertThat(rows.next()).isEqualTo(List.of(2L));
        assertThat(server.requests).as("rows of the first frame need no fetch").isEmpty();

        server.frames.add(frame(false, 3));
        assertThat(rows.next()).isEqualTo(List.of(3L));
        assertThat(server.requests).as("one fetch for row 3, none for the row after it").hasSize(1);
        assertThat(server.requests.get(0)).containsExactly(2, 50);
    }

    @Test
    void emptyNotDoneFramesAreAskedAgainUntilARowArrives() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 1000); // a long-polling server
        server.frames.add(frame(false));
        server.frames.add(frame(false));
        server.frames.add(frame(false, 7));
        FrameRows rows = rows(null, server, 10);

        assertThat(rows.hasNext()).isTrue();
        assertThat(rows.next()).isEqualTo(List.of(7L));
        assertThat(server.requests).hasSize(3).allSatisfy(r -> assertThat(r[0]).isZero());
        assertThat(pauses).as("a server that long-polls is asked again at once").isEmpty();
    }

    @Test
    void aServerThatDoesNotLongPollIsPolledWithGrowingPausesResetByARow() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 1); // answers at once
        for (int i = 0; i < 7; i++) {
            server.frames.add(frame(false));
        }
        server.frames.add(frame(false, 1));
        server.frames.add(frame(false));
        server.frames.add(frame(true, 2));
        FrameRows rows = rows(null, server, 10);

        assertThat(rows.next()).isEqualTo(List.of(1L));
        assertThat(pauses).containsExactly(10L, 20L, 40L, 80L, 160L, 250L, 250L);
        pauses.clear();
        assertThat(rows.next()).isEqualTo(List.of(2L));
        assertThat(pauses).as("the pause starts over after a row").containsExactly(10L);
        assertThat(rows.hasNext()).isFalse();
    }

    @Test
    void theDoneFrameEndsTheRowsWithoutAnotherFetch() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 5);
        server.frames.add(frame(true, 3));
        FrameRows rows = rows(frame(false, 1, 2), server, 2);

        List<Object> all = new ArrayList<>();
        rows.forEachRemaining(all::add);

        assertThat(all).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(rows.serverDone()).isTrue();
        assertThat(server.requests).hasSize(1);
        assertThatThrownBy(rows::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void offsetsCountEveryRowReceived() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 30);
        server.frames.add(frame(false, 3, 4, 5));
        server.frames.add(frame(false));
        server.frames.add(frame(true, 6));
        FrameRows rows = rows(frame(false, 1, 2), server, 3);

        rows.forEachRemaining(row -> { });

        assertThat(server.requests).extracting(r -> r[0]).containsExactly(2L, 5L, 5L);
    }

    @Test
    void aNullFrameMeansNoMoreRows() {
        ScriptedFetcher server = new ScriptedFetcher(clock, 30) {
            @Override
            public Meta.Frame fetch(long offset, int maxRows) {
                requests.add(new long[] {offset, maxRows});
                return null;
            }
        };
        FrameRows rows = rows(frame(false, 1), server, 3);

        assertThat(rows.next()).isEqualTo(List.of(1L));
        assertThat(rows.hasNext()).isFalse();
        assertThat(rows.hasNext()).isFalse();
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void theQueryIsDoneWhenTheLastFrameArrivesNotWhenItsRowsAreRead() {
        QueryControl query = new QueryControl(null, null, 0);
        ScriptedFetcher server = new ScriptedFetcher(clock, 30);
        server.frames.add(frame(true, 2, 3));
        FrameRows rows = new FrameRows(frame(false, 1), server, query, () -> 10, clock::get, pauses::add);

        rows.next();
        assertThat(query.isRunning()).isTrue();
        rows.next();
        assertThat(query.outcome()).isEqualTo(QueryControl.Outcome.DONE);
    }
}
