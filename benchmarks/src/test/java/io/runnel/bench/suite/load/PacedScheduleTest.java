package io.runnel.bench.suite.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacedScheduleTest {

    @Test
    void twentyThousandRowsPerSecond() {
        PacedSchedule s = PacedSchedule.of(1_000_000, 20_000, 15);
        assertThat(s.total()).isEqualTo(300_000);
        assertThat(s.periodNanos()).isEqualTo(50_000);
        assertThat(s.intendedNanos(0)).isEqualTo(1_000_000);
        assertThat(s.intendedNanos(20_000)).isEqualTo(1_000_000 + 1_000_000_000L);
    }

    @Test
    void dueCountIncludesTheRowDueNow() {
        PacedSchedule s = new PacedSchedule(1_000, 100, 10);
        assertThat(s.dueCount(999)).isZero();
        assertThat(s.dueCount(1_000)).isEqualTo(1);
        assertThat(s.dueCount(1_099)).isEqualTo(1);
        assertThat(s.dueCount(1_100)).isEqualTo(2);
        assertThat(s.dueCount(1_000_000)).isEqualTo(10);
    }

    @Test
    void latencyIsMeasuredFromTheIntendedTime() {
        PacedSchedule s = new PacedSchedule(0, 50_000, 100);
        LatencyRecorder r = new LatencyRecorder();
        // Row 10 intended at 0.5 ms, read at 3.5 ms → 3 ms, however late it was actually sent.
        r.record(3_500_000, s.intendedNanos(10));
        r.record(100, s.intendedNanos(0));
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.percentileMillis(100)).isEqualTo(3.0, org.assertj.core.api.Assertions.within(0.01));
    }
}
