package io.runnel.engine.group;

import java.util.UUID;

/**
 * A committed position: the offset of the next row the group reads in the partition.
 *
 * @param topicId the topic it was committed for; a topic dropped and created again under the same
 *     name has another id, and the old offset does not apply to it
 * @param offset the next offset to read
 * @param committedAtMs when it was committed (the broker's clock)
 */
public record CommittedOffset(UUID topicId, long offset, long committedAtMs) {}
