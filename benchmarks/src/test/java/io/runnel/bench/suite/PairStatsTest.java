package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The median and ratio arithmetic against examples worked out by hand. */
class PairStatsTest {

    @Test
    void oddNumberOfPairs() {
        // Kafka 100, 120, 110; Runnel 150, 156, 176 → ratios 1.5, 1.3, 1.6.
        PairStats s = PairStats.of(List.of(100.0, 120.0, 110.0), List.of(150.0, 156.0, 176.0));
        assertThat(s.pairRatios()).containsExactly(1.5, 1.3, 1.6);
        assertThat(s.kafkaMedian()).isEqualTo(110.0);
        assertThat(s.runnelMedian()).isEqualTo(156.0);
        assertThat(s.medianRatio()).isEqualTo(1.5);
        assertThat(s.ratioOfMedians()).isCloseTo(156.0 / 110.0, within(1e-12)); // 1.41818…
    }

    @Test
    void evenNumberOfPairsAveragesTheMiddleTwo() {
        // Kafka 10, 20; Runnel 15, 50 → ratios 1.5, 2.5 → median 2.0; medians 15 and 32.5.
        PairStats s = PairStats.of(List.of(10.0, 20.0), List.of(15.0, 50.0));
        assertThat(s.medianRatio()).isEqualTo(2.0);
        assertThat(s.kafkaMedian()).isEqualTo(15.0);
        assertThat(s.runnelMedian()).isEqualTo(32.5);
        assertThat(s.ratioOfMedians()).isCloseTo(32.5 / 15.0, within(1e-12));
    }

    @Test
    void aFailedRunDropsOnlyItsPair() {
        // Pair 2: Kafka failed; pair 3: Runnel failed → only pair 1 has a ratio.
        PairStats s = PairStats.of(Arrays.asList(100.0, null, 100.0), Arrays.asList(200.0, 300.0, null));
        assertThat(s.pairRatios()).containsExactly(2.0, null, null);
        assertThat(s.medianRatio()).isEqualTo(2.0);
        assertThat(s.kafkaMedian()).isEqualTo(100.0);
        assertThat(s.runnelMedian()).isEqualTo(250.0);
    }

    @Test
    void aSideThatDidNotRunHasNoRatio() {
        PairStats s = PairStats.of(List.of(1.2e6, 1.1e6, 1.3e6), List.of());
        assertThat(s.runnel()).containsExactly(null, null, null);
        assertThat(s.runnelMedian()).isNull();
        assertThat(s.medianRatio()).isNull();
        assertThat(s.ratioOfMedians()).isNull();
        assertThat(s.kafkaMedian()).isEqualTo(1.2e6);
    }

    @Test
    void lowerIsBetterMetricsUseTheSameRunnelOverKafkaRatio() {
        // bytes/row: Kafka 18.0, Runnel 8.1 → 0.45 (target ≤ 0.5: met).
        PairStats s = PairStats.of(List.of(18.0), List.of(8.1));
        assertThat(s.medianRatio()).isCloseTo(0.45, within(1e-12));
        assertThat(Metric.BYTES_PER_ROW.judge(s.medianRatio())).isEqualTo(Verdict.MET);
    }

    @Test
    void medianIgnoresMissingValues() {
        assertThat(Stats.median(Arrays.asList(3.0, null, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(Arrays.asList(null, null))).isNull();
        assertThat(Stats.ratio(1.0, 0.0)).isNull();
    }
}
