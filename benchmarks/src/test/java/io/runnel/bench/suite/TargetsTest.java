package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

import io.runnel.bench.suite.Target.Comparison;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The targets table mirrors DESIGN.md §8, and verdicts fall on the right side of each bound. */
class TargetsTest {

    @Test
    void targetsAreThoseOfDesign8() {
        Map<Metric, String> expected = new EnumMap<>(Metric.class);
        expected.put(Metric.PRODUCE_ACKS_1, "≥ 1.5×");
        expected.put(Metric.PRODUCE_ACKS_ALL, "≥ 1.5×");
        expected.put(Metric.CONSUME, "≥ 1.0×");
        expected.put(Metric.PROJECTED_CONSUME, "≥ 3.0×");
        expected.put(Metric.BYTES_PER_ROW, "≤ 0.5×");
        expected.put(Metric.LATENCY_P99, "≤ 1.0×");
        for (Metric m : Metric.values()) {
            if (expected.containsKey(m)) {
                assertThat(m.target()).as(m.name()).isNotNull();
                assertThat(m.target().describe()).as(m.name()).isEqualTo(expected.get(m));
                assertThat(m.target().source()).as(m.name()).isNotBlank();
            } else {
                assertThat(m.target()).as(m.name() + " has no target in DESIGN.md §8").isNull();
                assertThat(m.judge(2.0)).isEqualTo(Verdict.NO_TARGET);
            }
        }
    }

    @Test
    void directionMatchesTheTarget() {
        for (Metric m : Metric.values()) {
            if (m.target() != null) {
                assertThat(m.target().comparison())
                        .as(m.name())
                        .isEqualTo(m.higherIsBetter() ? Comparison.AT_LEAST : Comparison.AT_MOST);
            }
        }
    }

    @Test
    void boundsAreInclusive() {
        assertThat(Metric.PRODUCE_ACKS_1.judge(1.5)).isEqualTo(Verdict.MET);
        assertThat(Metric.PRODUCE_ACKS_1.judge(1.49)).isEqualTo(Verdict.MISSED);
        assertThat(Metric.PROJECTED_CONSUME.judge(3.2)).isEqualTo(Verdict.MET);
        assertThat(Metric.BYTES_PER_ROW.judge(0.5)).isEqualTo(Verdict.MET);
        assertThat(Metric.BYTES_PER_ROW.judge(0.51)).isEqualTo(Verdict.MISSED);
        assertThat(Metric.LATENCY_P99.judge(0.8)).isEqualTo(Verdict.MET);
        assertThat(Metric.LATENCY_P99.judge(1.2)).isEqualTo(Verdict.MISSED);
    }

    @Test
    void noRatioIsNotAvailable() {
        assertThat(Metric.CONSUME.judge(null)).isEqualTo(Verdict.NOT_AVAILABLE);
        assertThat(Metric.CONSUME.judge(Double.NaN)).isEqualTo(Verdict.NOT_AVAILABLE);
    }
}
