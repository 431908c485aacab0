package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    @Test
    void parsesOnlyLists() {
        assertThat(Scenario.parseList(null)).isEqualTo(EnumSet.allOf(Scenario.class));
        assertThat(Scenario.parseList(" Produce, latency ,")).containsExactlyInAnyOrder(Scenario.PRODUCE, Scenario.LATENCY);
    }

    @Test
    void unknownNamesAreErrorsThatListTheKnownOnes() {
        assertThatThrownBy(() -> Scenario.parseList("produce,throughput"))
                .hasMessageContaining("throughput")
                .hasMessageContaining("produce,consume,projected,bytes,latency,aggregate");
        assertThatThrownBy(() -> Scenario.parseList(" , ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyScenarioHasAMetric() {
        for (Scenario s : Scenario.values()) {
            assertThat(java.util.Arrays.stream(Metric.values()).anyMatch(m -> m.scenario() == s)).as(s.name()).isTrue();
        }
    }
}
