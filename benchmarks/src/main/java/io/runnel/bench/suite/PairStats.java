package io.runnel.bench.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Statistics of one metric over alternating runs: run {@code i} of Kafka and run {@code i} of
 * Runnel form pair {@code i} (they ran back to back, A then B), so their ratio cancels slow drift
 * of the machine. The verdict uses {@link #medianRatio()}, the median of the per-pair ratios;
 * {@link #ratioOfMedians()} is reported beside it.
 *
 * @param kafka Kafka's value per pair ({@code null} where that run failed)
 * @param runnel Runnel's value per pair ({@code null} where that run failed or did not run)
 * @param pairRatios Runnel ÷ Kafka per pair ({@code null} where either value is missing)
 */
public record PairStats(
        List<Double> kafka,
        List<Double> runnel,
        List<Double> pairRatios,
        Double kafkaMedian,
        Double runnelMedian,
        Double medianRatio,
        Double ratioOfMedians) {

    /**
     * Pairs the values by index. The lists may differ in length (a side that did not run has an
     * empty list); missing entries count as missing values.
     */
    public static PairStats of(List<Double> kafkaByPair, List<Double> runnelByPair) {
        int pairs = Math.max(kafkaByPair.size(), runnelByPair.size());
        List<Double> kafka = new ArrayList<>(pairs);
        List<Double> runnel = new ArrayList<>(pairs);
        List<Double> ratios = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            Double k = i < kafkaByPair.size() ? kafkaByPair.get(i) : null;
            Double r = i < runnelByPair.size() ? runnelByPair.get(i) : null;
            kafka.add(k);
            runnel.add(r);
            ratios.add(Stats.ratio(r, k));
        }
        Double kafkaMedian = Stats.median(kafka);
        Double runnelMedian = Stats.median(runnel);
        return new PairStats(
                Collections.unmodifiableList(kafka),
                Collections.unmodifiableList(runnel),
                Collections.unmodifiableList(ratios),
                kafkaMedian,
                runnelMedian,
                Stats.median(ratios),
                Stats.ratio(runnelMedian, kafkaMedian));
    }
}
