package io.runnel.engine.group;

/**
 * One row of {@code sys.consumer_groups}: a partition a group has a committed offset for or a
 * member reading it.
 *
 * @param member the member reading it now, or null
 * @param committedOffset the next offset the group reads, or null when none was committed
 * @param logEndOffset the end a consumer can read to (the partition's high watermark)
 * @param lag {@code logEndOffset - committedOffset} (at least 0), or null without a committed offset
 * @param coordinator the broker coordinating the group, or null when not known (a coordinator outside a cluster)
 */
public record GroupPartitionStatus(String group, String topic, int partition, String member, Long committedOffset,
        long logEndOffset, Long lag, Integer coordinator) {

    public GroupPartitionStatus(String group, String topic, int partition, String member, Long committedOffset,
            long logEndOffset, Long lag) {
        this(group, topic, partition, member, committedOffset, logEndOffset, lag, null);
    }

    /** This row as reported by coordinator {@code brokerId}. */
    public GroupPartitionStatus withCoordinator(int brokerId) {
        return new GroupPartitionStatus(group, topic, partition, member, committedOffset, logEndOffset, lag, brokerId);
    }
}
