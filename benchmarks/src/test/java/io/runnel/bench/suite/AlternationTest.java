package io.runnel.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runnel.bench.suite.Alternation.Slot;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlternationTest {

    @Test
    void pairsAlternateKafkaThenRunnel() {
        assertThat(Alternation.schedule(3, List.of(Side.RUNNEL, Side.KAFKA))).containsExactly(
                new Slot(1, Side.KAFKA), new Slot(1, Side.RUNNEL),
                new Slot(2, Side.KAFKA), new Slot(2, Side.RUNNEL),
                new Slot(3, Side.KAFKA), new Slot(3, Side.RUNNEL));
    }

    @Test
    void oneSideAlone() {
        assertThat(Alternation.schedule(2, List.of(Side.KAFKA)))
                .containsExactly(new Slot(1, Side.KAFKA), new Slot(2, Side.KAFKA));
    }

    @Test
    void atLeastOnePair() {
        assertThatThrownBy(() -> Alternation.schedule(0, List.of(Side.KAFKA)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
