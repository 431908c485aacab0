package io.runnel.engine.group;

/**
 * What a committed offset belongs to: one partition of one topic, as read by one consumer group.
 * Group and topic names are kept as given; topic names compare case-insensitively elsewhere, so
 * callers pass the topic's catalog spelling.
 */
public record OffsetKey(String group, String topic, int partition) {}
