package io.runnel.engine.cluster;

import java.util.Locale;

/**
 * One partition of one topic. {@code topic} is the name as created; {@link #key()} is the
 * case-insensitive identity (topic names are unique case-insensitively).
 */
public record TopicPartition(String topic, int partition) {
    public String key() {
        return topic.toLowerCase(Locale.ROOT) + "-" + partition;
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
