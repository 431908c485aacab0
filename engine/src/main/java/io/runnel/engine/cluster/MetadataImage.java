package io.runnel.engine.cluster;

import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable snapshot of the cluster metadata as one broker sees it: the live brokers and every
 * topic with its assignment and partition states. A broker reconciles its replicas against the newest
 * image it has; images are delivered in order.
 *
 * @param sequence    increases with every image a {@link ClusterMetadata} delivers
 * @param liveBrokers registered (live) brokers by id
 * @param topics      topics by lower-cased name
 * @param current     false while the connection to the metadata store is suspended or its session lost:
 *                    the image may be stale, and this broker must not act as leader for writes
 */
public record MetadataImage(long sequence, Map<Integer, BrokerInfo> liveBrokers, Map<String, TopicImage> topics,
        boolean current) {
    public MetadataImage {
        liveBrokers = Map.copyOf(new TreeMap<>(liveBrokers));
        topics = Map.copyOf(topics);
    }

    public static final MetadataImage EMPTY = new MetadataImage(0, Map.of(), Map.of(), false);

    public boolean isLive(int brokerId) {
        return liveBrokers.containsKey(brokerId);
    }

    /** The topic named {@code name} case-insensitively, or null. */
    public TopicImage topic(String name) {
        return topics.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
