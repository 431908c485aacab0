package io.runnel.bench.suite.report;

import io.runnel.bench.suite.Format;
import io.runnel.bench.suite.Metric;
import io.runnel.bench.suite.MetricResult;
import io.runnel.bench.suite.SuiteResult;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The PNG bar chart of docs/performance.md: per metric with a DESIGN.md §8 target, Runnel's
 * advantage over Kafka beside the target, on one scale where higher is better for Runnel —
 * Runnel ÷ Kafka for throughput, Kafka ÷ Runnel for bytes and latency. A line marks parity.
 * Rendered headless (XChart on Java2D). Stateless.
 */
public final class RatioChart {
    static final int WIDTH = 1100;
    static final int HEIGHT = 620;

    private RatioChart() {}

    /** The bars: category label, Runnel's advantage (null when there is no ratio), the target's. */
    record Bar(String label, Double advantage, double targetAdvantage) {}

    static List<Bar> bars(SuiteResult result) {
        List<Bar> bars = new ArrayList<>();
        List<Bar> context = new ArrayList<>();
        for (MetricResult m : result.metrics()) {
            Metric metric = metric(m.id());
            Double ratio = m.medianRatio();
            boolean higher = metric.higherIsBetter();
            Double advantage = ratio == null || ratio == 0 ? null : higher ? ratio : 1 / ratio;
            if (metric.target() == null) {
                if (advantage != null) { // shown for context after the targets, with no target bar
                    context.add(new Bar(shortLabel(metric) + " (no target)", advantage, 0.0));
                }
                continue;
            }
            double target = metric.target().ratio();
            bars.add(new Bar(
                    shortLabel(metric) + " (" + metric.target().describe().replace(" ", "") + ")",
                    advantage,
                    higher ? target : 1 / target));
        }
        bars.addAll(context);
        return bars;
    }

    public static void write(SuiteResult result, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Bar> bars = bars(result);
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Runnel vs Apache Kafka " + result.kafka().getOrDefault("version", "") + " — " + result.mode()
                        + " run, " + result.startedAt())
                .xAxisTitle("1× = parity with Kafka (line).  rows/s: Runnel ÷ Kafka;  bytes and latency: Kafka ÷ Runnel."
                        + "  Target in brackets as in DESIGN.md §8 (Runnel ÷ Kafka).")
                .yAxisTitle("advantage over Kafka, × (higher is better for Runnel)")
                .build();
        Styler.ChartTheme theme = Styler.ChartTheme.XChart;
        chart.getStyler().setTheme(theme.newInstance(theme));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        chart.getStyler().setAvailableSpaceFill(0.7);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);

        List<String> labels = bars.stream().map(Bar::label).toList();
        List<Double> advantages = bars.stream().map(Bar::advantage).toList();
        List<Double> targets = bars.stream().map(Bar::targetAdvantage).toList();
        boolean measured = advantages.stream().anyMatch(Objects::nonNull);
        if (measured) {
            CategorySeries runnel = chart.addSeries("Runnel (median of per-pair ratios)", labels,
                    advantages.stream().map(a -> a == null ? 0.0 : a).toList());
            runnel.setFillColor(new Color(0x2f, 0x6f, 0xb3));
        }
        CategorySeries target = chart.addSeries("target (DESIGN.md §8)", labels, targets);
        target.setFillColor(new Color(0xbb, 0xbb, 0xbb));
        AnnotationLine parity = new AnnotationLine(1.0, false, false);
        chart.addAnnotation(parity);
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // Annotation positions in screen space count from the bottom edge.
        double noteY = HEIGHT - 75;
        if (!measured) {
            Object reason = result.runnel().getOrDefault("reason", "no Runnel figures");
            chart.addAnnotation(new AnnotationText(clip("Runnel: not available — " + reason, 110),
                    WIDTH / 2.0, noteY, true));
        } else if (advantages.stream().anyMatch(Objects::isNull)) {
            chart.addAnnotation(new AnnotationText("a 0 bar: no Runnel figure for that metric (see the table)",
                    WIDTH / 2.0, noteY, true));
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static String shortLabel(Metric metric) {
        return switch (metric) {
            case PRODUCE_ACKS_1 -> "produce acks=1";
            case PRODUCE_ACKS_ALL -> "produce acks=all";
            case CONSUME -> "consume";
            case PROJECTED_CONSUME -> "consume 2 of 6";
            case BYTES_PER_ROW -> "bytes/row";
            case LATENCY_P99 -> "latency p99";
            case LATENCY_P50 -> "latency p50";
            case LATENCY_P999 -> "latency p99.9";
            case AGGREGATE -> "GROUP BY";
            case WRITE_P50 -> "1-row write p50";
            case WRITE_P99 -> "1-row write p99";
            default -> metric.title();
        };
    }

    private static Metric metric(String id) {
        for (Metric m : Metric.values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric " + id);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String describe(Bar bar) {
        return String.format(Locale.ROOT, "%s: %s vs %s", bar.label(),
                bar.advantage() == null ? "—" : Format.ratio(bar.advantage()), Format.ratio(bar.targetAdvantage()));
    }
}
