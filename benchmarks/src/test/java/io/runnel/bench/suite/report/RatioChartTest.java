package io.runnel.bench.suite.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.runnel.bench.suite.MetricResult;
import io.runnel.bench.suite.Side;
import io.runnel.bench.suite.SuiteResult;
import io.runnel.bench.suite.TestResultsAccess;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatioChartTest {

    @Test
    void barsShowAdvantageWithHigherBetterForRunnel(@TempDir Path dir) {
        SuiteResult result = TestResultsAccess.sample(dir);
        List<RatioChart.Bar> bars = RatioChart.bars(result);
        // Metrics with a target first (produce×2, consume, projected, bytes, p99), then measured ones without.
        assertThat(bars.subList(0, 6)).extracting(RatioChart.Bar::label).containsExactly(
                "produce acks=1 (≥1.5×)", "produce acks=all (≥1.5×)", "consume (≥1.0×)", "consume 2 of 6 (≥3.0×)",
                "bytes/row (≤0.5×)", "latency p99 (≤1.0×)");
        assertThat(bars.subList(6, bars.size())).extracting(RatioChart.Bar::label)
                .containsExactly("1-row write p50 (no target)", "1-row write p99 (no target)");
        assertThat(bars.get(7).advantage()).isEqualTo(2.0); // Kafka 10 ms ÷ Runnel 5 ms
        assertThat(bars.subList(6, bars.size())).allSatisfy(b -> {
            assertThat(b.label()).endsWith("(no target)");
            assertThat(b.targetAdvantage()).isZero();
            assertThat(b.advantage()).isNotNull();
        });
        MetricResult bytes = result.metrics().stream().filter(m -> m.id().equals("bytes_per_row")).findFirst().orElseThrow();
        assertThat(bars.get(4).advantage()).isCloseTo(1 / bytes.medianRatio(), within(1e-12)); // Kafka ÷ Runnel = 2
        assertThat(bars.get(4).targetAdvantage()).isEqualTo(2.0);
        assertThat(bars.get(2).advantage()).isNull(); // Runnel's consume failed
    }

    @Test
    void writesAPngHeadless(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("chart.png");
        RatioChart.write(TestResultsAccess.sample(dir), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(RatioChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(RatioChart.HEIGHT);
    }

    @Test
    void runWithoutTargetedMetricsStillRenders(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("write-only.png");
        RatioChart.write(TestResultsAccess.withoutTargets(dir), png);
        assertThat(ImageIO.read(png.toFile())).isNotNull();
    }

    @Test
    void kafkaOnlyChartStillRenders(@TempDir Path dir) throws Exception {
        Map<Side, String> unavailable = new EnumMap<>(Side.class);
        unavailable.put(Side.RUNNEL, "the Runnel server has not landed in this checkout");
        Path png = dir.resolve("kafka-only.png");
        RatioChart.write(TestResultsAccess.kafkaOnly(dir, unavailable), png);
        assertThat(ImageIO.read(png.toFile())).isNotNull();
    }
}
